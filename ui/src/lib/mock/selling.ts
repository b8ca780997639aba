// Selling in the mock engine: the smart input, product lists, inquiries and placing an
// order. Scenarios for tests and demos are keyed on the target:
//   phone ending 0000 -> the supplier answers Gagal;
//   phone ending 9999 -> stays Pending until `__konterMock.settle(id)`;
//   PLN 99999999999   -> the inquiry finds no customer;
//   game user 11111111 -> the nickname check finds no account;
//   a 12-digit number  -> detected as a PLN number and as a PLN pascabayar bill;
//   13 or 16 digits    -> detected as a BPJS Kesehatan bill (no products to sell).
// Bills themselves (inquiry and payment) are in mock/bills.ts.

import type { Detected, Game, GameInquiry, Order, PlnInquiry, Quote, QuoteItem } from '../types';
import { knownCustomerName } from './bills';
import { record, saldoOf } from './books';
import { CATALOGUE, localDigits, operatorOf, productBySku, type MockProduct } from './catalogue';
import type { Ctx } from './context';
import { fail, localDateOf, orderIdFor, publicOrder, requireCashier, type MockDb, type MockOrder } from './db';
import { afterPlaced } from './lifecycle';
import { quoteItem } from './pricing';

const PRICES_AS_OF = new Date(Date.now() - 12 * 60_000).toISOString();

function items(db: MockDb, list: readonly MockProduct[]): QuoteItem[] {
  const available = saldoOf(db).available_idr;
  return list.map((p) => quoteItem(p, db.rules, available));
}

function phoneError(local: string): void {
  if (!/^08/.test(local)) {
    fail('phone_not_mobile', 'Nomor bukan nomor HP Indonesia (awali 08 atau +62)', 'Not an Indonesian mobile number (start with 08 or +62)', 'target');
  }
  if (local.length > 13) fail('phone_too_long', `Nomor HP ${local.length} digit, paling banyak 13`, `The number has ${local.length} digits; at most 13`, 'target');
}

export function quote(ctx: Ctx, args: { input: string }): Quote {
  requireCashier(ctx.db);
  const input = args.input.trim();
  const empty: Quote = { detected: [], products: [], prices_as_of: PRICES_AS_OF };
  if (input === '' || /[a-z]/i.test(input)) return empty;
  if (/[^\d\s+().-]/.test(input)) {
    fail('target_invalid_character', 'Nomor hanya berisi angka', 'A number holds digits only', 'target');
  }
  const local = localDigits(input);
  if (local.startsWith('0')) {
    if (local.length < 4) return empty;
    phoneError(local);
    const op = operatorOf(local);
    if (!op) fail('phone_unknown_operator', `Awalan ${local.slice(0, 4)} bukan operator yang dikenal`, `Prefix ${local.slice(0, 4)} belongs to no known operator`, 'target');
    const detected: Detected[] = [{ kind: 'phone', number: local, operator: op }];
    const list = CATALOGUE.filter((p) => p.operator === op);
    return { detected, products: items(ctx.db, list), prices_as_of: PRICES_AS_OF };
  }
  if (local.length === 11 || local.length === 12) {
    const list = CATALOGUE.filter((p) => p.category === 'pln');
    const detected: Detected[] = [{ kind: 'pln', number: local }];
    // A 12-digit PLN customer id may as well be a postpaid (pascabayar) customer.
    if (local.length === 12) detected.push({ kind: 'bill', number: local, bill: 'pln_pasca' });
    return { detected, products: items(ctx.db, list), prices_as_of: PRICES_AS_OF };
  }
  if (local.length === 13 || local.length === 16) {
    // The shape of a BPJS Kesehatan number (13 or 16 digits), as konter-domain's
    // `bill::detect` guesses it: a bill, nothing to sell.
    return { detected: [{ kind: 'bill', number: local, bill: 'bpjs' }], products: [], prices_as_of: PRICES_AS_OF };
  }
  if (local.length > 12) {
    fail('target_unknown', 'Bukan nomor HP (08…) atau nomor PLN (11/12 digit)', 'Neither a phone number (08…) nor a PLN number (11/12 digits)', 'target');
  }
  return empty;
}

export function gameProducts(ctx: Ctx, args: { game: Game }): QuoteItem[] {
  requireCashier(ctx.db);
  return items(ctx.db, CATALOGUE.filter((p) => p.game === args.game));
}

function checkPhone(input: string, field: string): string {
  const local = localDigits(input);
  if (local === '') fail('phone_empty', 'Nomor HP kosong', 'The phone number is empty', field);
  phoneError(local);
  if (local.length < 10) fail('phone_too_short', `Nomor HP ${local.length} digit, perlu 10 sampai 13`, `The number has ${local.length} digits; it needs 10 to 13`, field);
  return local;
}

export function emoneyProducts(ctx: Ctx, args: { input: string }): QuoteItem[] {
  requireCashier(ctx.db);
  checkPhone(args.input, 'target');
  return items(ctx.db, CATALOGUE.filter((p) => p.category === 'emoney'));
}

function checkPln(target: string): string {
  const d = target.replace(/\D/g, '');
  if (d.length !== 11 && d.length !== 12) {
    fail('pln_wrong_length', `Nomor PLN harus 11 digit (No. Meter) atau 12 digit (ID Pelanggan), bukan ${d.length}`, `A PLN number has 11 digits (meter) or 12 (customer id), not ${d.length}`, 'target');
  }
  return d;
}

const PLN_NAMES = ['BUDI SANTOSO', 'SITI AMINAH', 'AGUS SETIAWAN', 'DEWI LESTARI'];
const PLN_SEGMENTS = ['R1M / 900 VA', 'R1 / 1300 VA', 'R1 / 2200 VA', 'R2 / 3500 VA'];

export function plnInquiry(ctx: Ctx, args: { target: string }): PlnInquiry {
  requireCashier(ctx.db);
  const d = checkPln(args.target);
  if (/^9+$/.test(d)) fail('pln_not_found', 'Nomor PLN tidak ditemukan — cek lagi nomornya', 'PLN number not found — check the number', 'target');
  if (!ctx.db.online) fail('offline', 'Cek nama PLN butuh koneksi internet', 'The PLN name check needs the internet', 'target');
  const i = Number(d.slice(-1)) % PLN_NAMES.length;
  const name = knownCustomerName(d) ?? PLN_NAMES[i] ?? 'PELANGGAN';
  const inq: PlnInquiry = { target: d, name, segment_power: PLN_SEGMENTS[i] ?? 'R1 / 1300 VA' };
  if (d.length === 11) inq.meter_no = d;
  else inq.subscriber_id = d;
  return inq;
}

/** `12345678 (1234)` -> user and zone, like konter-domain's `GameTarget::parse`. */
function parseGameTarget(game: Game, target: string): { user: string; zone?: string } {
  const parts = target.replace(/[()|]/g, ' ').trim().split(/\s+/).filter(Boolean);
  const user = parts[0] ?? '';
  const zone = parts[1];
  if (user === '') fail('game_missing', 'Isi User ID', 'Fill in the User ID', 'user_id');
  const limits: Record<Game, [number, number]> = { mobile_legends: [5, 12], free_fire: [6, 12], genshin_impact: [9, 10] };
  const [min, max] = limits[game];
  if (!/^\d+$/.test(user) || user.length < min || user.length > max) {
    fail('game_wrong_length', `User ID harus ${min}–${max} angka`, `The User ID must be ${min}–${max} digits`, 'user_id');
  }
  if (game === 'mobile_legends') {
    if (!zone) fail('game_missing', 'Isi Zone ID', 'Fill in the Zone ID', 'zone_id');
    if (!/^\d{4,5}$/.test(zone)) fail('game_wrong_length', 'Zone ID harus 4–5 angka', 'The Zone ID must be 4–5 digits', 'zone_id');
    return { user, zone };
  }
  if (game === 'genshin_impact' && !'6789'.includes(user[0] ?? '')) {
    fail('game_unknown_server', 'UID tidak cocok dengan server mana pun', 'The UID matches no server', 'user_id');
  }
  return { user };
}

const NICKNAMES = ['RizkyGG', 'SiLemah', 'Ucup★Pro', 'NengDiamond', 'BangJago'];

export function gameInquiry(ctx: Ctx, args: { game: Game; target: string }): GameInquiry {
  requireCashier(ctx.db);
  const { user } = parseGameTarget(args.game, args.target);
  if (user === '11111111') fail('game_account_not_found', 'Akun tidak ditemukan — cek User ID dan Zone ID', 'Account not found — check the User ID and Zone ID', 'user_id');
  // The mock offers no nickname check for Genshin, whose account is a uid and a server
  // (docs/suppliers.md, "Digiflazz: game customer numbers").
  if (args.game === 'genshin_impact') return { available: false };
  return { available: true, nickname: NICKNAMES[Number(user.slice(-1)) % NICKNAMES.length] ?? 'Player' };
}

function checkTarget(p: MockProduct, target: string): string {
  switch (p.category) {
    case 'pulsa':
    case 'data': {
      const local = checkPhone(target, 'target');
      const op = operatorOf(local);
      if (!op) fail('phone_unknown_operator', `Awalan ${local.slice(0, 4)} bukan operator yang dikenal`, `Prefix ${local.slice(0, 4)} belongs to no known operator`, 'target');
      if (op !== p.operator) fail('operator_mismatch', `Produk ${p.brand} tidak bisa dikirim ke nomor ${op}`, `A ${p.brand} product cannot go to a ${op} number`, 'target');
      return local;
    }
    case 'emoney':
      return checkPhone(target, 'target');
    case 'pln':
      return checkPln(target);
    case 'game': {
      const game = p.game ?? 'mobile_legends';
      const { user, zone } = parseGameTarget(game, target);
      return zone ? `${user} (${zone})` : user;
    }
    case 'bill':
      // Bills are paid through an inquiry (pay_bill), never placed as a product.
      return fail('sku_unknown', 'Tagihan dibayar lewat menu Tagihan', 'Bills are paid on the Bills screen', 'sku');
  }
}

/** Orders a device keeps per day before it refuses more (a bound, not a business rule). */
const MAX_ORDERS = 5_000;

export function placeOrder(
  ctx: Ctx,
  args: { sku: string; target: string; cashIdr?: number; confirmRepeat?: boolean },
): Order {
  const db = ctx.db;
  const cashier = requireCashier(db);
  const p = productBySku(args.sku);
  if (!p) fail('sku_unknown', 'Produk tidak ada di katalog', 'Product not in the catalogue', 'sku');
  const item = quoteItem(p, db.rules, Number.MAX_SAFE_INTEGER);
  if (!item.available) fail('product_unavailable', 'Produk sedang gangguan, pilih yang lain', 'Product unavailable, pick another', 'sku');
  const target = checkTarget(p, args.target);
  const cash = args.cashIdr;
  if (cash !== undefined && (!Number.isSafeInteger(cash) || cash < item.price_idr)) {
    fail('cash_short', 'Uang kurang dari harga', 'Cash is less than the price', 'cash_idr');
  }
  if (saldoOf(db).available_idr < p.cost_idr) {
    fail('saldo_short', 'Saldo tidak cukup — isi saldo dulu', 'Saldo too low — top up first');
  }
  const today = localDateOf(new Date().toISOString());
  const repeat = db.orders.some(
    (o) => o.sku === p.sku && o.target === target && o.status !== 'failed' && localDateOf(o.created_at) === today,
  );
  if (repeat && !args.confirmRepeat) {
    fail('repeat_sale', `${p.name} ke ${target} sudah diisi hari ini. Isi ke-2?`, `${p.name} to ${target} was already sold today. Sell again?`);
  }
  if (db.orders.length >= MAX_ORDERS) fail('store_full', 'Terlalu banyak pesanan', 'Too many orders');
  const now = new Date();
  const n = ++db.seq;
  const order: MockOrder = {
    id: orderIdFor(n, now),
    sku: p.sku,
    product_name: p.name,
    category: p.category,
    target,
    status: 'queued',
    price_idr: item.price_idr,
    cost_idr: p.cost_idr,
    cashier_name: cashier.name,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
    history: [{ status: 'queued', at: now.toISOString() }],
    supplier_ref: `DF${String(70_000_000 + n * 137)}`,
  };
  const paid = cash ?? item.price_idr;
  order.cash_idr = paid;
  order.change_idr = paid - item.price_idr;
  if (/0000$/.test(target)) order.will_fail = true;
  if (/9999$/.test(target)) order.stuck = true;
  if (p.category === 'pln' && db.online) {
    const inq = plnInquiry(ctx, { target });
    order.pln_name = inq.name;
    if (inq.segment_power) order.pln_segment = inq.segment_power;
  }
  db.orders.unshift(order);
  record(db, 'hold', -p.cost_idr, order.id);
  afterPlaced(ctx, order);
  return publicOrder(order);
}
