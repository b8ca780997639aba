// What a freshly paired shop already has on the server: a cashier and the day's earlier
// sales (one of them a PLN pascabayar bill, 538712345678, paid 70 minutes ago), so Riwayat,
// Saldo and Laporan have something to show.

import type { OrderStatus } from '../types';
import { inquiryFor } from './bills';
import { CATALOGUE, CATALOGUE_AS_OF, productIn } from './catalogue';
import { DEMO_RULES, type MockDb, type MockOrder, shopDay, zoneOf } from './db';
import { priceOf, ruleFor } from './pricing';

/** The demo shop's name, as its server answers a pairing. */
export const DEMO_SHOP = 'KONTER MAJU JAYA';
/** The demo shop's saldo on its server. */
const DEMO_SALDO_IDR = 1_245_000;

const PAST: readonly [string, string, OrderStatus, number][] = [
  ['tsel10', '081234560001', 'success', 190],
  ['xl25', '081787654321', 'success', 175],
  ['pln50', '14234567890', 'success', 160],
  ['isat5', '085712340002', 'failed', 150],
  ['ml1', '87654321 (2345)', 'success', 140],
  ['dana50', '081298760003', 'success', 125],
  ['tri20', '089612340004', 'success', 110],
  ['axis10', '083112340005', 'success', 95],
  ['tsel50', '082212349999', 'pending', 80],
  ['byu10', '085155512345', 'success', 64],
  ['tseld5', '081311112222', 'success', 50],
  ['tsel20', '081399998888', 'success', 24 * 60 + 30],
];

/** The earliest of the day's earlier sales, in minutes before pairing. */
const EARLIEST_TODAY_MIN = 190;
const DAY_MS = 86_400_000;

/**
 * When a sale `minutesAgo` before `now` happened, kept inside the shop's day: just after
 * the shop's midnight the day's earlier sales are squeezed into the minutes the day has had
 * (in the same order), so "today" always holds them. A sale a day or more ago stays there.
 */
export function earlierToday(db: MockDb, now: number, minutesAgo: number): number {
  if (minutesAgo >= 24 * 60) return now - minutesAgo * 60_000;
  const sinceMidnight = (now + zoneOf(db) * 3_600_000) % DAY_MS;
  const room = Math.max(sinceMidnight - 60_000, 0);
  const span = EARLIEST_TODAY_MIN * 60_000;
  return now - (minutesAgo * 60_000 * Math.min(room, span)) / span;
}

/**
 * What pairing with the demo shop's server brings: its catalogue and saldo, a cashier and
 * the day's earlier sales.
 */
export function seedShop(db: MockDb): void {
  db.catalogue = [...CATALOGUE];
  db.catalogAsOf = CATALOGUE_AS_OF;
  db.balance_idr = DEMO_SALDO_IDR;
  if (!db.cashiers.some((c) => c.name === 'Sri')) {
    db.cashiers.push({ id: 'c-sri', name: 'Sri', role: 'cashier', pin: '1111', active: true });
  }
  const now = Date.now();
  PAST.forEach(([sku, target, status, minutesAgo], i) => {
    const o = demoSale(db, {
      id: `KNT-SEED-${String(i + 1).padStart(6, '0')}`,
      sku,
      target,
      time: earlierToday(db, now, minutesAgo),
      statuses: ['queued', 'accepted', status],
      supplierRef: `DF${70_000_000 + i * 311}`,
    });
    if (!o) return;
    o.sent = true;
    if (status === 'success') o.sn = String(41_002_315_000_000 + i * 97_531);
    if (status === 'success' && o.category === 'pln') {
      o.pln_token = '5721-7714-3897-2629-3021';
      o.pln_name = 'BUDI SANTOSO';
      o.pln_segment = 'R1M / 900 VA';
      o.kwh = '32,5';
    }
    if (status === 'failed') o.failure = { code: 'supplier_failed', message: 'Nomor tujuan tidak aktif / Destination number inactive' };
    if (status === 'pending') o.stuck = true;
    db.orders.push(o);
  });
  seedBill(db, now);
  db.orders.sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
  db.movements.push(
    { at: new Date(now - 200 * 60_000).toISOString(), reason: 'deposit', amount_idr: 1_000_000, balance_idr: 1_412_300, reference: 'VA BCA 8808…0001' },
    { at: new Date(now - 26 * 3600_000).toISOString(), reason: 'deposit', amount_idr: 500_000, balance_idr: 537_800, reference: 'Setor tunai' },
  );
}

/** A PLN pascabayar bill paid earlier today, so Riwayat and Laporan show a bill too. */
function seedBill(db: MockDb, now: number): void {
  const at = new Date(earlierToday(db, now, 70));
  const inq = inquiryFor(db, 'pln', '538712345678', 'INQ-SEED-000001', at);
  const iso = at.toISOString();
  db.orders.push({
    id: 'KNT-SEED-000013',
    sku: inq.sku,
    product_name: inq.product_name,
    category: 'bill',
    target: inq.customer_no,
    status: 'success',
    price_idr: inq.customer_total_idr,
    cost_idr: inq.total_idr,
    cash_idr: inq.customer_total_idr,
    change_idr: 0,
    sn: '0SBM2611Z41002315',
    cashier_name: 'Sri',
    cashier_id: 'c-sri',
    sent: true,
    created_at: iso,
    updated_at: iso,
    bill: inq,
    history: [
      { status: 'queued', at: iso },
      { status: 'accepted', at: iso },
      { status: 'success', at: iso },
    ],
    supplier_ref: 'DFP80000173',
  });
  db.inquiries.push({ inquiry: inq, order_id: 'KNT-SEED-000013' });
}

/** The demo device's daily copies of its store: today's and the two days before, newest first. */
const DEMO_BACKUP_KB: readonly number[] = [1_284, 1_262, 1_239];

/**
 * A shop ready to sell: paired, with an owner (PIN 123456) who set a selling rule per
 * category, a cashier (PIN 1111) and three daily copies of its store.
 */
export function seedReady(db: MockDb): void {
  db.paired = true;
  db.shopName = DEMO_SHOP;
  db.rules = structuredClone(DEMO_RULES);
  db.deviceName = 'Kasir depan';
  db.settings.shop_address = 'Jl. Melati No. 5, Depok';
  db.settings.shop_phone = '0812-1111-2222';
  db.cashiers.push({ id: 'c-1', name: 'Pak Budi', role: 'owner', pin: '123456', active: true });
  seedShop(db);
  const now = Date.now();
  db.backups = DEMO_BACKUP_KB.map((size_kb, i) => ({ day: shopDay(db, new Date(now - i * DAY_MS)), size_kb }));
}

/**
 * Demo only (mock.html?stale=1): two sales that sat in the outbox since yesterday, past the
 * owner's 24 hours, so Riwayat asks the cashier to send or cancel them. Smartfren 5.000 is
 * disrupted at the supplier, so that one can only be cancelled. Not part of `ready`: tests
 * expect an empty outbox there, and make their own stale orders with `MockEngine.age`.
 */
export function seedStale(db: MockDb): void {
  const now = Date.now();
  const STALE: readonly [string, string, number][] = [
    ['sf5', '088112345678', 30 * 60 + 12],
    ['isat10', '085712345678', 27 * 60 + 5],
  ];
  STALE.forEach(([sku, target, minutesAgo], i) => {
    const o = demoSale(db, {
      id: `KNT-SEED-${String(900 + i).padStart(6, '0')}`,
      sku,
      target,
      time: now - minutesAgo * 60_000,
      statuses: ['queued'],
      supplierRef: `DF${70_100_000 + i * 311}`,
    });
    if (o) db.orders.push(o);
  });
  db.orders.sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
}

interface DemoSale {
  id: string;
  sku: string;
  target: string;
  /** When it was sold (ms since the epoch). */
  time: number;
  /** What it went through, all at that time; the last is its status. */
  statuses: readonly OrderStatus[];
  supplierRef: string;
}

/** A demo sale by the cashier Sri, in exact cash at the demo rules' price; none when the shop has no such product. */
function demoSale(db: MockDb, s: DemoSale): MockOrder | undefined {
  const p = productIn(db, s.sku);
  if (!p) return undefined;
  const at = new Date(s.time).toISOString();
  const price = priceOf(p.cost_idr, ruleFor(p, DEMO_RULES));
  return {
    id: s.id,
    sku: s.sku,
    product_name: p.name,
    category: p.category,
    target: s.target,
    status: s.statuses.at(-1) ?? 'queued',
    price_idr: price,
    cost_idr: p.cost_idr,
    cash_idr: price,
    change_idr: 0,
    cashier_name: 'Sri',
    cashier_id: 'c-sri',
    created_at: at,
    updated_at: at,
    history: s.statuses.map((status) => ({ status, at })),
    supplier_ref: s.supplierRef,
  };
}
