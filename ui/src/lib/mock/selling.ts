// Selling in the mock engine: the smart input, product lists, inquiries and placing an
// order, with the engine's checks in the engine's order (konter-client `sell.rs`,
// `catalog.rs`; the target checks are konter-domain's, ported in mock/domain.ts). The demo
// supplier's outcomes are keyed on the target (with no test server, see mock/context.ts):
//   phone ending 0000 -> the supplier answers Gagal;
//   phone ending 9999 -> stays Pending until `__konterMock.settle(id)`;
//   PLN 99999999999   -> the inquiry finds no customer;
//   game user 11111111 -> the nickname check finds no account.
// Bills themselves (inquiry and payment) are in mock/bills.ts.

import type { Game, GameInquiry, Order, PlnInquiry, Quote, QuoteItem } from '../types';
import { knownCustomerName } from './bills';
import { record, saldoOf } from './books';
import { productIn, type MockProduct } from './catalogue';
import type { Ctx } from './context';
import { detect, parseGameTarget, parseLocalDigits, parsePln, parseTarget } from './domain';
import {
  checked,
  dayOf,
  fail,
  orderIdFor,
  publicOrder,
  requireCashier,
  rupiah,
  shopDay,
  type MockDb,
  type MockOrder,
} from './db';
import { afterPlaced } from './lifecycle';
import { quoteItem } from './pricing';

function items(db: MockDb, list: readonly MockProduct[]): QuoteItem[] {
  return list.map((p) => quoteItem(p, db.rules));
}

/**
 * What the typed input is and what can be sold to it. Never a refusal: input that is
 * nothing yet (a partial number, a name) detects nothing.
 */
export function quote(ctx: Ctx, args: { input: string }): Quote {
  const db = ctx.db;
  requireCashier(db);
  const detected = detect(args.input);
  const products: QuoteItem[] = [];
  for (const d of detected) {
    for (const p of db.catalogue) {
      const fits =
        d.kind === 'phone'
          ? p.input.kind === 'phone' && (p.operator === d.operator || (d.operator === 'byu' && p.operator === 'telkomsel'))
          : d.kind === 'pln'
            ? p.input.kind === 'pln_number'
            : // Bills have no price before their inquiry: the Tagihan flow takes them.
              false;
      if (fits) products.push(quoteItem(p, db.rules));
    }
  }
  return { detected, products, prices_as_of: db.catalogAsOf };
}

export function gameProducts(ctx: Ctx, args: { game: Game }): QuoteItem[] {
  requireCashier(ctx.db);
  return items(ctx.db, ctx.db.catalogue.filter((p) => p.input.kind === 'game' && p.input.game === args.game));
}

export function emoneyProducts(ctx: Ctx, args: { input: string }): QuoteItem[] {
  requireCashier(ctx.db);
  checked(parseLocalDigits(args.input));
  return items(ctx.db, ctx.db.catalogue.filter((p) => p.category === 'emoney'));
}

function requirePaired(db: MockDb): void {
  if (!db.paired) fail('not_paired', 'perangkat belum dipasangkan ke server', 'this device is not paired yet');
}

const PLN_NAMES = ['BUDI SANTOSO', 'SITI AMINAH', 'AGUS SETIAWAN', 'DEWI LESTARI'];
const PLN_SEGMENTS = ['R1M / 900 VA', 'R1 / 1300 VA', 'R1 / 2200 VA', 'R2 / 3500 VA'];

/** The demo customer of a PLN number: the same number always has the same name and power. */
function plnCustomer(d: string): { name: string; segment: string } {
  const i = Number(d.slice(-1)) % PLN_NAMES.length;
  return { name: knownCustomerName(d) ?? PLN_NAMES[i] ?? 'PELANGGAN', segment: PLN_SEGMENTS[i] ?? 'R1 / 1300 VA' };
}

export function plnInquiry(ctx: Ctx, args: { target: string }): PlnInquiry {
  requireCashier(ctx.db);
  const d = checked(parsePln(args.target));
  requirePaired(ctx.db);
  if (/^9+$/.test(d)) fail('not_found', 'Nomor PLN tidak ditemukan — cek lagi nomornya', 'PLN number not found — check the number', 'target');
  if (!ctx.db.online) fail('offline', 'server tidak bisa dihubungi', 'the server cannot be reached');
  const c = plnCustomer(d);
  const inq: PlnInquiry = { target: d, name: c.name, segment_power: c.segment };
  if (d.length === 11) inq.meter_no = d;
  else inq.subscriber_id = d;
  return inq;
}

const NICKNAMES = ['RizkyGG', 'SiLemah', 'Ucup★Pro', 'NengDiamond', 'BangJago'];

export function gameInquiry(ctx: Ctx, args: { game: Game; target: string }): GameInquiry {
  requireCashier(ctx.db);
  const { user_id: user } = checked(parseGameTarget(args.game, args.target));
  requirePaired(ctx.db);
  if (user === '11111111') fail('game_account_not_found', 'Akun tidak ditemukan — cek User ID dan Zone ID', 'Account not found — check the User ID and Zone ID', 'user_id');
  // The mock offers no nickname check for Genshin, whose account is a uid and a server
  // (docs/suppliers.md, "Digiflazz: game customer numbers").
  if (args.game === 'genshin_impact') return { available: false };
  return { available: true, nickname: NICKNAMES[Number(user.slice(-1)) % NICKNAMES.length] ?? 'Player' };
}

/** Orders a device keeps before it refuses more (a bound of the stand-in, not a business rule). */
const MAX_ORDERS = 5_000;

/**
 * Commits a sale and queues it for the server. Refused, changing nothing, in the engine's
 * order: an unknown or inactive product, a bill, a target that does not fit the product,
 * too little cash, a repeat sale without `confirmRepeat`, short saldo.
 */
export function placeOrder(
  ctx: Ctx,
  args: { sku: string; target: string; cashIdr?: number; confirmRepeat?: boolean },
): Order {
  const db = ctx.db;
  const cashier = requireCashier(db);
  const p = productIn(db, args.sku);
  if (!p) {
    fail('unknown_sku', `produk '${args.sku}' tidak ada di katalog`, `there is no product '${args.sku}' in the catalogue`, 'sku');
  }
  if (!p.active) fail('product_unavailable', 'produk sedang tidak aktif', 'the product is inactive', 'sku');
  if (p.category === 'bill') {
    fail('bill_needs_inquiry', 'tagihan dibayar lewat cek tagihan (Tagihan, F5); cek tagihan lagi', 'a bill is paid through its inquiry (Tagihan, F5); look the bill up again', 'sku');
  }
  const target = checked(parseTarget(p.input, args.target, p.operator));
  const item = quoteItem(p, db.rules);
  const price = item.price_idr;
  const cash = args.cashIdr ?? price;
  if (!Number.isSafeInteger(cash) || cash < price) {
    fail('cash_short', `uang tunai ${rupiah(cash)} kurang dari harga ${rupiah(price)}`, `cash ${rupiah(cash)} is less than the price ${rupiah(price)}`, 'cash_idr');
  }
  const now = new Date();
  const day = shopDay(db, now);
  // "Isi ke-2": the same product to the same target today, unless it failed or came back.
  const repeat = db.orders.some(
    (o) => o.sku === p.sku && o.target === target && o.status !== 'failed' && o.status !== 'refunded' && dayOf(db, o) === day,
  );
  if (repeat && !args.confirmRepeat) {
    fail('repeat_sale', `${target} sudah diisi ${p.sku} hari ini. Isi ke-2?`, `${target} already got ${p.sku} today. Sell again?`, 'target');
  }
  const available = saldoOf(db).available_idr;
  if (available < p.cost_idr) {
    fail(
      'saldo_short',
      `saldo tidak cukup: tersedia ${rupiah(available)}, perlu ${rupiah(p.cost_idr)}`,
      `saldo too low: ${rupiah(available)} available, ${rupiah(p.cost_idr)} needed`,
    );
  }
  if (db.orders.length >= MAX_ORDERS) fail('store_full', 'Terlalu banyak pesanan', 'Too many orders');
  const n = ++db.seq;
  const order: MockOrder = {
    id: orderIdFor(n, now),
    sku: p.sku,
    product_name: p.name,
    category: p.category,
    target,
    status: 'queued',
    price_idr: price,
    cost_idr: p.cost_idr,
    cash_idr: cash,
    change_idr: cash - price,
    cashier_name: cashier.name,
    cashier_id: cashier.id,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
    day,
    history: [{ status: 'queued', at: now.toISOString() }],
    supplier_ref: `DF${String(70_000_000 + n * 137)}`,
  };
  if (!ctx.opts.server) {
    if (/0000$/.test(target)) order.will_fail = true;
    if (/9999$/.test(target)) order.stuck = true;
    if (p.category === 'pln') {
      const c = plnCustomer(target);
      order.pln_name = c.name;
      order.pln_segment = c.segment;
    }
  }
  db.orders.unshift(order);
  record(db, 'hold', -p.cost_idr, order.id);
  afterPlaced(ctx, order);
  return publicOrder(order);
}
