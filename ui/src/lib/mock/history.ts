// Riwayat in the mock engine: listing (by the shop's day, in its zone), detail, receipt
// preview and printing.

import type { Order, OrderDetail, OrdersQuery } from '../types';
import type { Ctx } from './context';
import { fail, parseDay, publicOrder, requireCashier, shopDay, type MockOrder } from './db';
import { printJob } from './lifecycle';
import { receiptText } from './receipt';

/** Longest page of orders one call returns, and the page when not told. */
const MAX_LIMIT = 200;
const DEFAULT_LIMIT = 100;

/**
 * Past orders, newest first, as konter-client `search_orders` finds them: by part of the
 * number or SN (digits only count), the product's name or the order id; by status; by the
 * shop's day the order was taken (an empty date is today).
 */
export function orders(ctx: Ctx, args: OrdersQuery): Order[] {
  const db = ctx.db;
  requireCashier(db);
  // No date (`null` too, as serde reads it) is every day; an empty one is today.
  const date: unknown = args.date;
  const day = date === undefined || date === null ? null : parseDay(db, String(date));
  const q = (args.query ?? '').trim().toLowerCase();
  const qDigits = q.replace(/\D/g, '');
  const limit = Math.min(Math.max(args.limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT);
  return db.orders
    .filter((o) => !args.status || o.status === args.status)
    .filter((o) => day === null || shopDay(db, o.created_at) === day)
    .filter(
      (o) =>
        q === '' ||
        o.id.toLowerCase().includes(q) ||
        o.product_name.toLowerCase().includes(q) ||
        (qDigits !== '' && (o.target.replace(/\D/g, '').includes(qDigits) || (o.sn ?? '').includes(qDigits))),
    )
    .slice(0, limit)
    .map(publicOrder);
}

function find(ctx: Ctx, id: string): MockOrder {
  const o = ctx.db.orders.find((x) => x.id === id);
  if (!o) fail('order_unknown', 'Pesanan tidak ditemukan', 'Order not found', 'id');
  return o;
}

export function orderDetail(ctx: Ctx, args: { id: string }): OrderDetail {
  requireCashier(ctx.db);
  const o = find(ctx, args.id);
  const complaint = [
    `Komplain pesanan ${o.id}`,
    `Produk : ${o.product_name} (${o.sku})`,
    `Tujuan : ${o.target}`,
    `Waktu  : ${new Date(o.created_at).toLocaleString('id-ID', { dateStyle: 'short', timeStyle: 'short' })}`,
    `Status : ${o.status}`,
    `SN     : ${o.sn ?? '-'}`,
    ...(o.bill
      ? [`Nama   : ${o.bill.customer_name}`, `Periode: ${o.bill.periods.map((p) => p.period).join(', ')}`, `Inquiry: ${o.bill.inquiry_id}`]
      : []),
    `Ref. supplier: ${o.supplier_ref}`,
  ].join('\n');
  return { ...publicOrder(o), complaint_text: complaint, history: structuredClone(o.history) };
}

export function receiptPreview(ctx: Ctx, args: { id: string; copy: boolean }): string {
  requireCashier(ctx.db);
  return receiptText(find(ctx, args.id), ctx.db.settings, ctx.db.shopName, args.copy);
}

export function printOrder(ctx: Ctx, args: { id: string; copy: boolean }): void {
  requireCashier(ctx.db);
  find(ctx, args.id);
  printJob(ctx, args.id);
}

export function testPrint(ctx: Ctx): void {
  requireCashier(ctx.db);
  printJob(ctx, 'test');
}
