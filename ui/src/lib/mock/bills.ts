// Postpaid bills (PPOB) in the mock engine: the bill products, the inquiry and the payment.
// Scenarios follow Digiflazz's documented postpaid test numbers
// (docs/suppliers.md, "Digiflazz: development mode and test numbers"):
//
//   sku           pays (Sukses)                      inquiry fails  payment fails  pending→Sukses  pending→Gagal
//   pln           530000000001 (1 bill), …0002 (2)   530000000003   530000000006   630000000001/2  630000000006
//   bpjs          8801234560001                      8801234560002  8801234560005  9801234560001   9801234560005
//   pdam          1013226                            1013227        1013230        2013226         2013230
//   internet      6391601001                         6391601002     6391601005     7391601001      7391601005
//   tv            127246500101                       127246500102   127246500105   227246500101    227246500105
//   multifinance  6391601201                         6391601202     6391601205     7391601201      7391601205
//
// An inquiry that fails answers `bill_not_found` on the field `customer_no`. Any other number
// of the right length has a bill too, made up from its digits: the same number always gives
// the same name and amounts. A bill paid today (and not failed) is not looked up again
// (`bill_already_paid` on `customer_no`); an inquiry is paid at most once
// (`bill_already_paid` on `inquiry_id`, as are `unknown_inquiry` and `inquiry_expired`).
// Bills need the internet: the products are unavailable and the inquiry refused offline.

import type { BillInquiry, BillKind, BillPeriod, BillProduct, Order } from '../types';
import { record, saldoOf } from './books';
import type { Ctx } from './context';
import { dayOf, fail, orderIdFor, publicOrder, requireCashier, rupiah, shopDay, zoneOf, type MockDb, type MockOrder } from './db';
import { afterPlaced } from './lifecycle';

interface BillSpec {
  sku: string;
  name: string;
  kind: BillKind;
  /** Customer numbers of this product have this many digits. */
  digits: readonly [number, number];
  lengthHint: readonly [string, string];
  /** The supplier's admin fee per period. */
  admin_idr: number;
}

export const BILL_PRODUCTS: readonly BillSpec[] = [
  { sku: 'pln', name: 'PLN Pascabayar', kind: 'pln_pasca', digits: [12, 12], lengthHint: ['ID pelanggan PLN 12 digit', 'A PLN customer id has 12 digits'], admin_idr: 2_500 },
  { sku: 'bpjs', name: 'BPJS Kesehatan', kind: 'bpjs', digits: [11, 16], lengthHint: ['Nomor VA BPJS 11 sampai 16 digit', 'A BPJS VA number has 11 to 16 digits'], admin_idr: 2_500 },
  { sku: 'pdam', name: 'PDAM Tirta Asasta Depok', kind: 'pdam', digits: [5, 15], lengthHint: ['Nomor pelanggan PDAM 5 sampai 15 digit', 'A PDAM customer number has 5 to 15 digits'], admin_idr: 2_000 },
  { sku: 'internet', name: 'Telkom IndiHome', kind: 'internet', digits: [9, 13], lengthHint: ['Nomor IndiHome/Telepon 9 sampai 13 digit', 'An IndiHome/phone number has 9 to 13 digits'], admin_idr: 2_500 },
  { sku: 'tv', name: 'TV Kabel Transvision', kind: 'internet', digits: [9, 13], lengthHint: ['Nomor pelanggan TV 9 sampai 13 digit', 'A TV customer number has 9 to 13 digits'], admin_idr: 2_500 },
  { sku: 'multifinance', name: 'Multifinance (FIF, Adira, WOM)', kind: 'multifinance', digits: [6, 20], lengthHint: ['Nomor kontrak 6 sampai 20 digit', 'A contract number has 6 to 20 digits'], admin_idr: 5_000 },
];

/** The documented test numbers of one product: [pays, inquiry fails, payment fails, pending→ok, pending→fail]. */
const TEST_NUMBERS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  pln: [['530000000001', '530000000002'], ['530000000003'], ['530000000006'], ['630000000001', '630000000002'], ['630000000006']],
  bpjs: [['8801234560001'], ['8801234560002'], ['8801234560005'], ['9801234560001'], ['9801234560005']],
  pdam: [['1013226'], ['1013227'], ['1013230'], ['2013226'], ['2013230']],
  internet: [['6391601001'], ['6391601002'], ['6391601005'], ['7391601001'], ['7391601005']],
  tv: [['127246500101'], ['127246500102'], ['127246500105'], ['227246500101'], ['227246500105']],
  multifinance: [['6391601201'], ['6391601202'], ['6391601205'], ['7391601201'], ['7391601205']],
};

type Outcome = 'pays' | 'inquiry_fails' | 'payment_fails' | 'pending_ok' | 'pending_fail';
const OUTCOMES: readonly Outcome[] = ['pays', 'inquiry_fails', 'payment_fails', 'pending_ok', 'pending_fail'];

function outcomeOf(sku: string, no: string): Outcome {
  const table = TEST_NUMBERS[sku] ?? [];
  const i = table.findIndex((list) => list.includes(no));
  return OUTCOMES[i] ?? 'pays';
}

/** Inquiries kept in memory; older ones are forgotten (and can no longer be paid). */
const MAX_INQUIRIES = 500;

/** A small deterministic number from the customer number, to vary names and amounts. */
function seedOf(no: string): number {
  let h = 7;
  for (const c of no) h = (h * 31 + c.charCodeAt(0)) % 1_000_003;
  return h;
}

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length] as T;

/** Names the documented numbers always show, so screenshots and tests read the same. */
const NAMED: Readonly<Record<string, string>> = {
  '530000000001': 'SITI RAHAYU',
  '530000000002': 'BUDI SANTOSO',
  '530000000006': 'AGUS SETIAWAN',
  '630000000001': 'DEWI LESTARI',
  '8801234560001': 'SUPARMAN',
  '1013226': 'SLAMET RIYADI',
  '6391601001': 'SUTINI',
  '127246500101': 'HENDRA GUNAWAN',
  '6391601201': 'RINA MARLINA',
};
/** The name a documented test number always has (the PLN name check agrees with it). */
export function knownCustomerName(no: string): string | undefined {
  return NAMED[no];
}

const NAMES = ['BAMBANG SUTRISNO', 'NUR HASANAH', 'EKO PRASETYO', 'SRI WAHYUNI', 'JOKO SUSILO', 'YULIANI', 'AHMAD FAUZI', 'RATNA SARI'];

/** `YYYYMM` of the month `back` months before now (0 = this month). */
function periodBack(back: number): string {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - back);
  return `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}`;
}

const meter = (n: number) => String(n).padStart(8, '0');

/** PLN: tariff, power, rupiah per kWh and the late fee per period (PLN's 2026 table, rounded). */
const PLN_TARIFFS: readonly (readonly [string, string, number, number])[] = [
  ['R1', '1300 VA', 1_445, 5_000],
  ['R1M', '900 VA', 1_352, 3_000],
  ['R1', '2200 VA', 1_445, 10_000],
  ['R2', '3500 VA', 1_700, 10_000],
];

interface Made {
  tariff?: string;
  power?: string;
  periods: BillPeriod[];
}

function plnBill(no: string, h: number, admin: number): Made {
  const [tariff, power, perKwh, lateFee] = no === '530000000002' || no === '530000000001' ? PLN_TARIFFS[0]! : pick(PLN_TARIFFS, h);
  const count = no === '530000000002' || (no.length === 12 && !(no in NAMED) && h % 4 === 0) ? 2 : 1;
  let stand = 10_000 + (h % 7_000);
  const periods: BillPeriod[] = [];
  for (let i = 0; i < count; i++) {
    const kwh = 118 + ((h + i * 37) % 140);
    const start = stand;
    stand += kwh;
    periods.push({
      period: periodBack(count - 1 - i),
      amount_idr: kwh * perKwh,
      admin_idr: admin,
      // Only a month already overdue carries PLN's late fee.
      penalty_idr: i < count - 1 ? lateFee : 0,
      meter_start: meter(start),
      meter_end: meter(stand),
    });
  }
  return { tariff, power, periods };
}

function bpjsBill(h: number, admin: number): Made {
  // Kelas 3 (Rp35.000), 2 (Rp100.000) or 1 (Rp150.000) per person a month.
  const perPerson = pick([35_000, 35_000, 100_000, 150_000], h);
  const persons = 1 + (h % 4);
  return { periods: [{ period: periodBack(0), amount_idr: perPerson * persons, admin_idr: admin, penalty_idr: 0 }] };
}

function pdamBill(h: number, admin: number): Made {
  const m3 = 11 + (h % 24);
  const start = 1_000 + (h % 3_000);
  return {
    periods: [
      {
        period: periodBack(0),
        // Rp6.100 per m³ plus the Rp17.500 standing charge.
        amount_idr: m3 * 6_100 + 17_500,
        admin_idr: admin,
        penalty_idr: 0,
        meter_start: meter(start),
        meter_end: meter(start + m3),
      },
    ],
  };
}

function flatBill(h: number, admin: number, amounts: readonly number[], lateFee: number): Made {
  const late = h % 5 === 0;
  const periods: BillPeriod[] = [];
  const count = late ? 2 : 1;
  for (let i = 0; i < count; i++) {
    periods.push({
      period: periodBack(count - 1 - i),
      amount_idr: pick(amounts, h),
      admin_idr: admin,
      penalty_idr: i < count - 1 ? lateFee : 0,
    });
  }
  return { periods };
}

function makeBill(p: BillSpec, no: string): Made {
  const h = seedOf(no);
  const named = no in NAMED;
  switch (p.sku) {
    case 'pln':
      return plnBill(no, h, p.admin_idr);
    case 'bpjs':
      return bpjsBill(named ? 2 : h, p.admin_idr);
    case 'pdam':
      return pdamBill(h, p.admin_idr);
    case 'internet':
      return flatBill(named ? 1 : h, p.admin_idr, [315_000, 351_500, 385_000, 445_000], 0);
    case 'tv':
      return flatBill(named ? 1 : h, p.admin_idr, [149_000, 199_000, 299_000], 0);
    default:
      return flatBill(named ? 1 : h, p.admin_idr, [845_000, 1_125_000, 1_457_000, 2_150_000], 25_000);
  }
}

/**
 * Paying is possible until 23:55 of the shop's day (the supplier's same-day rule, on the
 * shop's clock whatever the PC's zone), or 30 minutes.
 */
function expiryOf(now: Date, zoneH: number): string {
  const zone = zoneH * 3_600_000;
  const wall = new Date(now.getTime() + zone);
  const endOfDay = Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate(), 23, 55) - zone;
  const soonest = now.getTime() + 30 * 60_000;
  return new Date(Math.max(endOfDay, soonest)).toISOString();
}

function specOf(sku: string): BillSpec {
  const p = BILL_PRODUCTS.find((x) => x.sku === sku);
  if (!p) fail('unknown_sku', 'Produk tagihan tidak dikenal', 'Unknown bill product', 'sku');
  return p;
}

function checkCustomerNo(p: BillSpec, raw: string): string {
  const no = raw.replace(/[\s.-]/g, '');
  if (no === '') fail('customer_no_empty', 'Isi nomor pelanggan', 'Fill in the customer number', 'customer_no');
  if (!/^\d+$/.test(no)) fail('customer_no_invalid_character', 'Nomor pelanggan hanya angka', 'A customer number holds digits only', 'customer_no');
  const [min, max] = p.digits;
  if (no.length < min || no.length > max) {
    fail('customer_no_wrong_length', `${p.lengthHint[0]}, bukan ${no.length}`, `${p.lengthHint[1]}, not ${no.length}`, 'customer_no');
  }
  return no;
}

/** A bill order today for this product and number that did not fail. */
function paidToday(db: MockDb, sku: string, no: string): MockOrder | undefined {
  const today = shopDay(db);
  return db.orders.find(
    (o) => o.category === 'bill' && o.sku === sku && o.target === no && o.status !== 'failed' && o.status !== 'refunded' && dayOf(db, o) === today,
  );
}

export function billProducts(ctx: Ctx): BillProduct[] {
  requireCashier(ctx.db);
  const fees = ctx.db.settings.bill_fees;
  return BILL_PRODUCTS.map((p) => {
    const out: BillProduct = { sku: p.sku, name: p.name, kind: p.kind, shop_fee_idr: fees[p.kind], available: ctx.db.online };
    if (!ctx.db.online) out.unavailable_reason = 'Tagihan butuh koneksi internet / Bills need the internet';
    return out;
  });
}

/** Builds the inquiry the engine would keep (amounts summed here, as the engine does). */
export function inquiryFor(db: MockDb, sku: string, customerNo: string, id: string, now: Date = new Date()): BillInquiry {
  const p = specOf(sku);
  const made = makeBill(p, customerNo);
  const sum = (f: (x: BillPeriod) => number) => made.periods.reduce((a, x) => a + f(x), 0);
  const bill = sum((x) => x.amount_idr);
  const penalty = sum((x) => x.penalty_idr);
  const admin = sum((x) => x.admin_idr);
  const total = bill + penalty + admin;
  const fee = db.settings.bill_fees[p.kind];
  const inq: BillInquiry = {
    inquiry_id: id,
    sku: p.sku,
    kind: p.kind,
    product_name: p.name,
    customer_no: customerNo,
    customer_name: NAMED[customerNo] ?? pick(NAMES, seedOf(customerNo)),
    periods: made.periods,
    bill_idr: bill,
    penalty_idr: penalty,
    admin_idr: admin,
    total_idr: total,
    shop_fee_idr: fee,
    customer_total_idr: total + fee,
    expires_at: expiryOf(now, zoneOf(db)),
    created_at: now.toISOString(),
  };
  if (made.tariff) inq.tariff = made.tariff;
  if (made.power) inq.power = made.power;
  return inq;
}

export function billInquiry(ctx: Ctx, args: { sku: string; customerNo: string }): BillInquiry {
  const db = ctx.db;
  requireCashier(db);
  const p = specOf(args.sku);
  const no = checkCustomerNo(p, args.customerNo);
  if (!db.online) fail('offline', 'Cek tagihan butuh koneksi internet', 'Checking a bill needs the internet', 'customer_no');
  if (outcomeOf(p.sku, no) === 'inquiry_fails') {
    fail('bill_not_found', 'Tagihan tidak ditemukan — cek lagi nomor pelanggan', 'No bill found — check the customer number', 'customer_no');
  }
  const paid = paidToday(db, p.sku, no);
  if (paid) {
    fail('bill_already_paid', `Tagihan ini sudah dibayar hari ini (${paid.id})`, `This bill was already paid today (${paid.id})`, 'customer_no');
  }
  const inq = inquiryFor(db, p.sku, no, `INQ-${String(++db.seq).padStart(6, '0')}`);
  db.inquiries.unshift({ inquiry: inq });
  db.inquiries.length = Math.min(db.inquiries.length, MAX_INQUIRIES);
  return structuredClone(inq);
}

export function payBill(ctx: Ctx, args: { inquiryId: string; cashIdr?: number }): Order {
  const db = ctx.db;
  const cashier = requireCashier(db);
  const held = db.inquiries.find((x) => x.inquiry.inquiry_id === args.inquiryId);
  // Like the engine, errors about the inquiry itself name `inquiry_id`: check the bill again.
  if (!held) fail('unknown_inquiry', 'Tagihan ini belum dicek di kasir ini — cek tagihan dulu', 'This bill was not looked up on this counter — look it up first', 'inquiry_id');
  const inq = held.inquiry;
  if (held.order_id) {
    fail('bill_already_paid', `Tagihan ini sudah dibayar (${held.order_id})`, `This bill was already paid (${held.order_id})`, 'inquiry_id');
  }
  if (Date.now() >= new Date(inq.expires_at).getTime()) {
    fail('inquiry_expired', 'Hasil cek tagihan sudah kedaluwarsa — cek tagihan lagi', 'The bill check has expired — look the bill up again', 'inquiry_id');
  }
  const paid = paidToday(db, inq.sku, inq.customer_no);
  if (paid) {
    fail('bill_already_paid', `Tagihan ini sudah dibayar hari ini (${paid.id})`, `This bill was already paid today (${paid.id})`, 'customer_no');
  }
  const cash = args.cashIdr;
  if (cash !== undefined && (!Number.isSafeInteger(cash) || cash < inq.customer_total_idr)) {
    fail('cash_short', `uang tunai ${rupiah(cash)} kurang dari total ${rupiah(inq.customer_total_idr)}`, `cash ${rupiah(cash)} is less than the total ${rupiah(inq.customer_total_idr)}`, 'cash_idr');
  }
  const available = saldoOf(db).available_idr;
  if (available < inq.total_idr) {
    fail(
      'saldo_short',
      `saldo tidak cukup: tersedia ${rupiah(available)}, perlu ${rupiah(inq.total_idr)}`,
      `saldo too low: ${rupiah(available)} available, ${rupiah(inq.total_idr)} needed`,
    );
  }
  const now = new Date();
  const n = ++db.seq;
  const paidCash = cash ?? inq.customer_total_idr;
  const order: MockOrder = {
    id: orderIdFor(n, now),
    sku: inq.sku,
    product_name: inq.product_name,
    category: 'bill',
    target: inq.customer_no,
    status: 'queued',
    price_idr: inq.customer_total_idr,
    cost_idr: inq.total_idr,
    cash_idr: paidCash,
    change_idr: paidCash - inq.customer_total_idr,
    cashier_name: cashier.name,
    cashier_id: cashier.id,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
    day: shopDay(db, now),
    bill: structuredClone(inq),
    history: [{ status: 'queued', at: now.toISOString() }],
    supplier_ref: `DFP${String(80_000_000 + n * 173)}`,
  };
  const outcome = outcomeOf(inq.sku, inq.customer_no);
  if (outcome === 'payment_fails' || outcome === 'pending_fail') {
    order.will_fail = true;
    order.fail_message = 'Pembayaran ditolak biller, tagihan belum terbayar / The biller refused the payment; the bill is not paid';
  }
  if (outcome === 'pending_ok' || outcome === 'pending_fail') order.slow = true;
  held.order_id = order.id;
  db.orders.unshift(order);
  record(db, 'hold', -inq.total_idr, order.id);
  afterPlaced(ctx, order);
  return publicOrder(order);
}
