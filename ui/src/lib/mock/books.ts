// Saldo, deposits and the owner's day, as the engine would keep them.

import type { Deposit, DepositMethod, Report, ReportRow, Saldo, SaldoMovement, ShiftClose } from '../types';
import { shopHour } from '../format';
import type { Ctx } from './context';
import { HELD, dayOf, fail, parseDay, requireCashier, requireOwner, zoneOf, type MockDb, type MockOrder } from './db';

export function saldoOf(db: MockDb): Saldo {
  const held = db.orders.filter((o) => HELD.includes(o.status)).reduce((a, o) => a + o.cost_idr, 0);
  const local = db.orders.filter((o) => o.status === 'queued').reduce((a, o) => a + o.cost_idr, 0);
  return {
    balance_idr: db.balance_idr,
    held_idr: held,
    local_held_idr: local,
    available_idr: db.balance_idr - held - local,
    as_of: db.saldoAsOf,
  };
}

export function record(db: MockDb, reason: string, amount: number, reference?: string): void {
  const m: SaldoMovement = {
    at: new Date().toISOString(),
    reason,
    amount_idr: amount,
    balance_idr: saldoOf(db).available_idr,
  };
  if (reference) m.reference = reference;
  db.movements.unshift(m);
  db.saldoAsOf = m.at;
}

/** A deposit that reached the shop's saldo (the gateway paid, or cash handed to the operator). */
export function credit(db: MockDb, amountIdr: number, reference: string): void {
  if (!Number.isSafeInteger(amountIdr) || amountIdr <= 0) throw new RangeError(`credit: ${amountIdr} is not a positive whole rupiah amount`);
  db.balance_idr += amountIdr;
  record(db, 'deposit', amountIdr, reference);
}

export function saldoHistory(ctx: Ctx, args: { limit?: number }): SaldoMovement[] {
  requireCashier(ctx.db);
  return structuredClone(ctx.db.movements.slice(0, args.limit ?? 50));
}

const BANKS = ['bca', 'bni', 'bri', 'mandiri', 'permata'];
/** The gateway's limits for one deposit. */
const MIN_DEPOSIT_IDR = 10_000;
const MAX_DEPOSIT_IDR = 50_000_000;

export function requestDeposit(
  ctx: Ctx,
  args: { amountIdr: number; method: DepositMethod; bank?: string },
): Deposit {
  requireCashier(ctx.db);
  const amount = args.amountIdr;
  if (!Number.isSafeInteger(amount) || amount < MIN_DEPOSIT_IDR || amount > MAX_DEPOSIT_IDR) {
    fail('amount_out_of_range', 'nominal deposit Rp10.000 sampai Rp50.000.000', 'a deposit is Rp10.000 to Rp50.000.000', 'amount_idr');
  }
  const bank = args.bank?.trim() ?? '';
  if (args.method === 'va' && bank === '') {
    fail('bank_missing', 'pilih bank untuk virtual account', 'choose a bank for the virtual account', 'bank');
  }
  if (!ctx.db.paired) fail('not_paired', 'perangkat belum dipasangkan ke server', 'this device is not paired yet');
  if (!ctx.db.online) fail('offline', 'server tidak bisa dihubungi', 'the server cannot be reached');
  const n = ++ctx.db.seq;
  const dep: Deposit = {
    id: `DEP-${String(n).padStart(6, '0')}`,
    amount_idr: amount,
    status: 'pending',
    expires_at: new Date(Date.now() + 24 * 3600_000).toISOString(),
  };
  if (args.method === 'va') {
    if (!BANKS.includes(bank)) fail('bank_unknown', 'bank tidak dikenal', 'unknown bank', 'bank');
    dep.bank = bank;
    dep.va_number = `8808${String(812_345_670_000 + n).padStart(12, '0')}`;
  } else {
    dep.qr_string = qrisPayload(n, amount);
  }
  ctx.db.deposits.unshift(dep);
  return structuredClone(dep);
}

/** One EMVCo field: id, two-digit length, value. */
const tlv = (id: string, value: string) => `${id}${String(value.length).padStart(2, '0')}${value}`;

/** CRC-16/CCITT-FALSE over the payload, as QRIS ends every code (tag 63). */
function crc16(text: string): string {
  let crc = 0xffff;
  for (const byte of new TextEncoder().encode(text)) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** A dynamic QRIS payload for a deposit of `amount`, well formed down to its checksum. */
function qrisPayload(n: number, amount: number): string {
  const merchant = tlv('00', 'ID.CO.QRIS.WWW') + tlv('01', `936000000000${String(n).padStart(6, '0')}`) + tlv('02', `DEP${String(n).padStart(6, '0')}`) + tlv('03', 'UMI');
  const body =
    tlv('00', '01') +
    tlv('01', '12') +
    tlv('26', merchant) +
    tlv('52', '5411') +
    tlv('53', '360') +
    tlv('54', String(amount)) +
    tlv('58', 'ID') +
    tlv('59', 'KONTER MAJU JAYA') +
    tlv('60', 'DEPOK') +
    '6304';
  return body + crc16(body);
}

function rows(orders: MockOrder[], keyOf: (o: MockOrder) => [string, string]): ReportRow[] {
  const map = new Map<string, ReportRow>();
  for (const o of orders) {
    const [key, label] = keyOf(o);
    const r = map.get(key) ?? { key, label, count: 0, omzet_idr: 0, modal_idr: 0, laba_idr: 0 };
    r.count += 1;
    r.omzet_idr += o.price_idr;
    r.modal_idr += o.cost_idr;
    r.laba_idr += o.price_idr - o.cost_idr;
    map.set(key, r);
  }
  return [...map.values()].sort((a, b) => b.omzet_idr - a.omzet_idr);
}

const CATEGORY_LABELS: Readonly<Record<string, string>> = {
  pulsa: 'Pulsa',
  data: 'Paket Data',
  game: 'Voucher Game',
  emoney: 'E-Money',
  pln: 'Token PLN',
  bill: 'Tagihan',
};

/**
 * The owner's day (the shop's day, in its zone), as the engine reports it: every delivered
 * order counts in the totals and tables (a bill's omzet is what the customer paid for it,
 * its modal what the saldo paid, so its laba is the shop's fee), and bill payments are also
 * shown apart (`bills`).
 */
export function report(ctx: Ctx, args: { date?: string }): Report {
  const db = ctx.db;
  requireOwner(db);
  const date = parseDay(db, args.date);
  const zone = zoneOf(db);
  const day = db.orders.filter((o) => dayOf(db, o) === date);
  const done = day.filter((o) => o.status === 'success');
  const ok = done;
  const bills = done.filter((o) => o.category === 'bill');
  const kept = day.filter((o) => o.status !== 'failed' && o.status !== 'refunded');
  const omzet = ok.reduce((a, o) => a + o.price_idr, 0);
  const modal = ok.reduce((a, o) => a + o.cost_idr, 0);
  return {
    date,
    count: ok.length,
    omzet_idr: omzet,
    modal_idr: modal,
    laba_idr: omzet - modal,
    pending_count: day.filter((o) => ['queued', ...HELD].includes(o.status)).length,
    failed_count: day.filter((o) => o.status === 'failed' || o.status === 'refunded').length,
    cash_expected_idr: kept.reduce((a, o) => a + o.price_idr, 0),
    by_category: rows(ok, (o) => [o.category, CATEGORY_LABELS[o.category] ?? o.category]),
    by_product: rows(ok, (o) => [o.sku, o.product_name]),
    by_cashier: rows(ok, (o) => [o.cashier_name, o.cashier_name]),
    hourly: Array.from({ length: 24 }, (_, hour) => {
      const h = ok.filter((o) => shopHour(o.created_at, zone) === hour);
      return { hour, count: h.length, omzet_idr: h.reduce((a, o) => a + o.price_idr, 0) };
    }),
    bills: rows(bills, () => ['bill', 'Tagihan'])[0] ?? { key: 'bill', label: 'Tagihan', count: 0, omzet_idr: 0, modal_idr: 0, laba_idr: 0 },
    // Online, the engine reads the whole shop's day from the server (this stand-in is the
    // shop's only counter, so the figures are the same); offline, its own.
    reach: db.online ? 'shop' : 'device',
  };
}

export function exportCsv(ctx: Ctx, args: { date?: string }): { path: string } {
  const r = report(ctx, args);
  return { path: `/home/kasir/Dokumen/Konter/laporan-${r.date}.csv` };
}

/**
 * Closes the logged-in person's shift against the counted cash: expected is what their
 * sales since their login took and did not give back (konter-client `close_shift`; the
 * drawer opens empty). Their next login opens a new shift.
 */
export function closeShift(ctx: Ctx, args: { countedCashIdr: number }): ShiftClose {
  const db = ctx.db;
  const me = requireCashier(db);
  const counted = args.countedCashIdr;
  if (!Number.isSafeInteger(counted) || counted < 0) {
    fail('amount_invalid', 'uang dihitung tidak boleh negatif', 'the counted cash cannot be negative', 'counted_cash_idr');
  }
  const shift = db.shifts.find((s) => s.cashier_id === me.id && !s.closed);
  if (!shift) fail('no_shift', 'tidak ada shift yang terbuka', 'no shift is open', 'cashier_id');
  const expected = db.orders
    .filter((o) => o.cashier_id === me.id && o.created_at >= shift.opened_at && o.status !== 'failed' && o.status !== 'refunded')
    .reduce((a, o) => a + o.price_idr, 0);
  shift.closed = true;
  return { expected_idr: expected, counted_idr: counted, difference_idr: counted - expected };
}
