// Stale queued orders, as the cashier reads about them: how long each has waited, what the
// notice and the banner say. Presentation only: which orders are stale, and what sending or
// cancelling one does, is the engine's (`stale_orders`, `reconfirm_order`,
// `cancel_queued_order`).

import { translate } from './i18n';
import type { Language, Order } from './types';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How long an order has waited since it was sold, as of `nowMs` (never negative). */
export function ageMs(order: Pick<Order, 'created_at'>, nowMs: number): number {
  const at = new Date(order.created_at).getTime();
  return Number.isNaN(at) ? 0 : Math.max(0, nowMs - at);
}

/**
 * A waiting time for reading at a glance, rounded down: `40 menit`, `26 jam` (up to two
 * days, as the owner's limit is set in hours), then `3 hari 4 jam`.
 */
export function formatAge(ms: number, lang: Language): string {
  const total = Math.max(0, Math.floor(ms));
  if (total < HOUR) return translate(lang, 'age.minutes', { n: Math.floor(total / MINUTE) });
  if (total < 2 * DAY) return translate(lang, 'age.hours', { n: Math.floor(total / HOUR) });
  const d = Math.floor(total / DAY);
  const h = Math.floor((total % DAY) / HOUR);
  return h === 0 ? translate(lang, 'age.days', { d }) : translate(lang, 'age.daysHours', { d, h });
}

/** The status bar's short notice for `n` stale orders; empty when there are none. */
export function staleNotice(n: number, lang: Language): string {
  if (n <= 0) return '';
  return n === 1 ? translate(lang, 'outbox.notice.one') : translate(lang, 'outbox.notice', { n });
}

/** The heading of Riwayat's banner for `n` stale orders; empty when there are none. */
export function staleBanner(n: number, lang: Language): string {
  if (n <= 0) return '';
  return n === 1 ? translate(lang, 'outbox.banner.one') : translate(lang, 'outbox.banner', { n });
}

/** The cash the customer gets back when the order is cancelled: what they paid for it. */
export function refundOf(order: Pick<Order, 'price_idr'>): number {
  return order.price_idr;
}

/**
 * Whether "send at today's price" can apply: a bill's price is its inquiry's, good for its
 * own day, so a stale bill payment is cancelled and the bill looked up again.
 */
export function canReconfirm(order: Pick<Order, 'category' | 'bill'>): boolean {
  return order.category !== 'bill' && !order.bill;
}
