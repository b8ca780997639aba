// The orders of this session, kept current by the engine's `order-updated` events: the
// order just sold (shown large on Jual) and the recent strip below it.

import { ALL_STATUSES } from './status';
import type { Order } from './types';

/** How many orders the strip keeps: a queue's worth, not a history (that is Riwayat). */
export const RECENT_MAX = 12;

export const recent = $state<{ list: Order[]; currentId: string | null }>({
  list: [],
  currentId: null,
});

/**
 * True when `b` is a later view of the same order than `a`. Copies of an order reach the UI
 * out of order (a command's answer races the sync loop's events), so a copy replaces the one
 * shown only when it is later: by the instant of its last change (as instants, not text:
 * RFC 3339 leaves out a zero fraction, so `…:08Z` is earlier than `…:08.022Z` but sorts
 * after it), and at the same instant by how far along its status is (a sale can turn
 * `processing` and `success` in the same millisecond).
 */
export function isLater(b: Order, a: Order): boolean {
  const ta = Date.parse(a.updated_at);
  const tb = Date.parse(b.updated_at);
  if (tb !== ta) return tb > ta;
  return ALL_STATUSES.indexOf(b.status) > ALL_STATUSES.indexOf(a.status);
}

/** Puts the engine's latest view of an order in place; an earlier copy never replaces a later one. */
export function upsertOrder(o: Order): void {
  const i = recent.list.findIndex((x) => x.id === o.id);
  if (i === -1) {
    recent.list = [o, ...recent.list].slice(0, RECENT_MAX);
    return;
  }
  const old = recent.list[i];
  if (old && !isLater(o, old)) return;
  recent.list[i] = o;
}

export function seedRecent(list: Order[]): void {
  for (const o of [...list].reverse()) upsertOrder(o);
}

export function findOrder(id: string | null): Order | undefined {
  return id ? recent.list.find((o) => o.id === id) : undefined;
}
