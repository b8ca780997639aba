// The outbox in the mock engine: queued orders that waited longer than the owner's
// `max_queue_age_h` (a day by default) are no longer sent on their own. A cashier sends
// each again at today's saldo price (`reconfirm_order`) or cancels it and gives the cash
// back (`cancel_queued_order`), as konter-client's `Engine::reconfirm`/`cancel_queued` do;
// only while it was never sent (`already_sent` once it went out: the server may have it).
// `MockEngine.age(id, hours)` makes an order that old, for tests and demos.

import type { Order } from '../types';
import { record, saldoOf } from './books';
import { productIn } from './catalogue';
import type { Ctx } from './context';
import { fail, isStale, publicOrder, queuedAt, requireCashier, rupiah, shopDay, type MockOrder } from './db';
import { afterPlaced, emitSync, setStatus } from './lifecycle';

/** Stale queued orders, oldest first. */
export function staleOrders(ctx: Ctx): Order[] {
  requireCashier(ctx.db);
  const now = Date.now();
  return ctx.db.orders
    .filter((o) => isStale(ctx.db, o, now))
    .sort((a, b) => (queuedAt(a) < queuedAt(b) ? -1 : 1))
    .map(publicOrder);
}

/**
 * An order still in the outbox and never sent, or an error naming `order_id`: `not_queued`
 * (unknown ids too, like the engine), `already_sent` when it went out to the server.
 */
function queuedOrder(ctx: Ctx, id: string): MockOrder {
  const o = ctx.db.orders.find((x) => x.id === id && x.status === 'queued');
  if (!o) fail('not_queued', 'pesanan ini tidak sedang antre', 'this order is not queued', 'order_id');
  if (o.sent) {
    fail('already_sent', 'pesanan ini sudah pernah dikirim; tunggu jawaban server', "this order was sent already; wait for the server's answer", 'order_id');
  }
  return o;
}

/**
 * Sends a queued order again at today's saldo price: the customer's price stays, the local
 * hold moves by the difference, and the order waits in the outbox from now (no longer
 * stale). It stays `queued` and goes out with the next sync (now, when online).
 */
export function reconfirmOrder(ctx: Ctx, args: { id: string }): Order {
  const db = ctx.db;
  requireCashier(db);
  const o = queuedOrder(ctx, args.id);
  // A bill's price is its inquiry's, good for its own day only: cancel and look it up again.
  if (o.bill) {
    fail('bill_needs_inquiry', 'tagihan dibayar lewat cek tagihan (Tagihan, F5); cek tagihan lagi', 'a bill is paid through its inquiry (Tagihan, F5); look the bill up again', 'order_id');
  }
  const p = productIn(db, o.sku);
  if (!p || !p.active) {
    fail('product_unavailable', 'produk tidak tersedia lagi; batalkan pesanan', 'the product is no longer available; cancel the order', 'order_id');
  }
  const diff = p.cost_idr - o.cost_idr;
  const available = saldoOf(db).available_idr;
  if (diff > available) {
    fail(
      'saldo_short',
      `saldo tidak cukup: tersedia ${rupiah(available)}, perlu ${rupiah(diff)}`,
      `saldo too low: ${rupiah(available)} available, ${rupiah(diff)} needed`,
    );
  }
  const now = new Date().toISOString();
  o.cost_idr = p.cost_idr;
  o.queued_at = now;
  o.updated_at = now;
  if (diff !== 0) record(db, diff > 0 ? 'hold' : 'release', -diff, o.id);
  afterPlaced(ctx, o);
  return publicOrder(o);
}

/** Fails a queued order locally: the hold is released and the customer gets their cash back. */
export function cancelQueuedOrder(ctx: Ctx, args: { id: string }): Order {
  const db = ctx.db;
  requireCashier(db);
  const o = queuedOrder(ctx, args.id);
  o.failure = { code: 'cancelled', message: 'dibatalkan kasir sebelum terkirim / cancelled before it was sent' };
  setStatus(ctx, o, 'failed');
  record(db, 'release', o.cost_idr, o.id);
  emitSync(ctx);
  return publicOrder(o);
}

/**
 * Makes an order `hours` older (its creation, outbox entry and status history), as if it
 * had been sold then; then reports the outbox, as the engine's next sync attempt would.
 */
export function age(ctx: Ctx, id: string, hours: number): void {
  const o = ctx.db.orders.find((x) => x.id === id);
  if (!o) throw new RangeError(`age: no order ${id}`);
  const back = (iso: string) => new Date(new Date(iso).getTime() - hours * 3_600_000).toISOString();
  o.created_at = back(o.created_at);
  o.updated_at = back(o.updated_at);
  o.day = shopDay(ctx.db, o.created_at);
  if (o.queued_at) o.queued_at = back(o.queued_at);
  for (const h of o.history) h.at = back(h.at);
  emitSync(ctx);
}
