// What happens to an order after it is placed, and to the outbox when the line drops: the
// mock plays the server and the supplier, on timers, and tells the UI through the same
// events the engine emits (`order-updated`, `sync-state`, `print-job`). An order goes out
// to the server as soon as it is placed while the line is up (the engine pushes at once),
// and from then on is `sent`: only the server's answer may end it.

import type { OrderStatus, PrintJob, SyncState } from '../types';
import { record } from './books';
import type { Ctx } from './context';
import { isStale, publicOrder, queueLen, syncStatus, type MockOrder } from './db';

export function emitSync(ctx: Ctx): void {
  const s: SyncState = { state: syncStatus(ctx.db), queue_len: queueLen(ctx.db) };
  if (ctx.db.lastSyncAt) s.last_sync_at = ctx.db.lastSyncAt;
  ctx.emit('sync-state', s);
}

export function setStatus(ctx: Ctx, o: MockOrder, status: OrderStatus): void {
  const at = new Date().toISOString();
  o.status = status;
  o.updated_at = at;
  o.history.push({ status, at });
  ctx.emit('order-updated', publicOrder(o));
}

let serial = 41_002_315_042_959;

function deliver(ctx: Ctx, o: MockOrder): void {
  if (o.will_fail) {
    o.failure = { code: 'supplier_failed', message: o.fail_message ?? 'Nomor tujuan tidak aktif / Destination number inactive' };
    record(ctx.db, 'release', o.cost_idr, o.id);
    setStatus(ctx, o, 'failed');
    return;
  }
  serial += 7919;
  ctx.db.balance_idr -= o.cost_idr;
  if (o.category === 'pln') {
    const digits = String(serial).padEnd(20, '3').slice(0, 20);
    o.pln_token = digits.replace(/(\d{4})(?=\d)/g, '$1-');
    o.kwh = (o.price_idr / 1_560).toFixed(1).replace('.', ',');
    o.sn = `${digits}/${o.pln_name ?? ''}/${o.pln_segment ?? ''}/${o.kwh}`;
  } else {
    o.sn = String(serial);
  }
  setStatus(ctx, o, 'success');
  if (ctx.db.settings.auto_print) printJob(ctx, o.id);
}

/** A delivered order the supplier reversed: the cost back on the saldo, the cash to the customer. */
function refund(ctx: Ctx, o: MockOrder): void {
  if (o.status !== 'success') return;
  ctx.db.balance_idr += o.cost_idr;
  record(ctx.db, 'refund', o.cost_idr, o.id);
  setStatus(ctx, o, 'refunded');
}

/** The order goes out to the server, which answers as the test server says. */
function send(ctx: Ctx, o: MockOrder): void {
  o.sent = true;
  const answers = ctx.opts.server?.orders ?? 'demo';
  if (answers === 'down') return;
  if (answers === 'refunds') {
    ctx.later(ctx.opts.stepMs, () => {
      if (o.status === 'queued') deliver(ctx, o);
    });
    ctx.later(ctx.opts.stepMs * 2, () => refund(ctx, o));
    return;
  }
  advance(ctx, o);
}

function advance(ctx: Ctx, o: MockOrder): void {
  const { stepMs, pendingMs } = ctx.opts;
  const steps: OrderStatus[] = ['accepted', 'processing', 'pending'];
  let delay = 0;
  for (const s of steps) {
    delay += stepMs;
    ctx.later(delay, () => {
      if (o.status === 'failed' || o.status === 'success') return;
      setStatus(ctx, o, s);
      if (s === 'accepted') emitSync(ctx);
    });
  }
  if (o.stuck) return;
  // A slow supplier (the postpaid "pending then answer" test numbers) keeps the cashier
  // waiting long enough to see the pending timer run.
  ctx.later(delay + (o.slow ? pendingMs * 4 : pendingMs), () => {
    if (o.status === 'pending') deliver(ctx, o);
  });
}

export function afterPlaced(ctx: Ctx, o: MockOrder): void {
  emitSync(ctx);
  ctx.emit('order-updated', publicOrder(o));
  if (ctx.db.online && ctx.db.paired) send(ctx, o);
}

/** Answers a stuck order now (for tests): success, or failure when `fail` is true. */
export function settle(ctx: Ctx, id: string, fail = false): void {
  const o = ctx.db.orders.find((x) => x.id === id);
  if (!o || o.status !== 'pending') return;
  if (fail) o.will_fail = true;
  deliver(ctx, o);
}

export function setOnline(ctx: Ctx, online: boolean): void {
  const db = ctx.db;
  if (db.online === online) return;
  db.online = online;
  if (!online) {
    emitSync(ctx);
    return;
  }
  // Back online: drain the outbox in order, once each, then report idle. Orders that waited
  // longer than the owner allows stay behind until a cashier confirms or cancels them.
  const now = Date.now();
  // One already sent is still on its way (its answer is scheduled).
  const queued = db.orders.filter((o) => o.status === 'queued' && !o.sent && !isStale(db, o, now)).reverse();
  db.syncing = queued.length > 0;
  emitSync(ctx);
  queued.forEach((o, i) => ctx.later(ctx.opts.stepMs * i, () => send(ctx, o)));
  ctx.later(ctx.opts.stepMs * (queued.length + 1), () => {
    db.syncing = false;
    db.lastSyncAt = new Date().toISOString();
    emitSync(ctx);
  });
}

export function printJob(ctx: Ctx, orderId: string): void {
  const kind = ctx.db.settings.printer.kind;
  const job = (status: PrintJob['status'], error?: string): PrintJob =>
    error ? { order_id: orderId, status, error } : { order_id: orderId, status };
  ctx.emit('print-job', job('queued'));
  ctx.later(ctx.opts.printMs, () => ctx.emit('print-job', job('printing')));
  ctx.later(ctx.opts.printMs * 2, () =>
    ctx.emit(
      'print-job',
      kind === 'none'
        ? job('failed', 'Printer belum diatur — atur di Pengaturan / No printer set up — see Settings')
        : job('done'),
    ),
  );
}
