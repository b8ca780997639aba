// The mock engine's memory: one plain object holding everything a real device store would.
// It lives only as long as the page (or the test) does.

import type {
  BillInquiry,
  Cashier,
  CommandError,
  Deposit,
  Order,
  OrderHistoryEntry,
  OrderStatus,
  PriceRule,
  SaldoMovement,
  Settings,
  SyncStatus,
} from '../types';

export interface MockOrder extends Order {
  history: OrderHistoryEntry[];
  supplier_ref: string;
  /** The inquiry shown before payment, kept for the receipt. */
  pln_name?: string;
  pln_segment?: string;
  kwh?: string;
  /** A scenario: the supplier never answers until `settle` is called. */
  stuck?: boolean;
  /** A scenario: the supplier will answer Gagal. */
  will_fail?: boolean;
  /** What the supplier says when it answers Gagal (a default when absent). */
  fail_message?: string;
  /** A scenario: the supplier keeps the order pending for longer before answering. */
  slow?: boolean;
  /**
   * When the order (re)entered the outbox, if not at `created_at`: a reconfirmed order
   * waits again from then, as the engine's outbox row does.
   */
  queued_at?: string;
}

/** A bill looked up at the supplier, and the order that paid it (once). */
export interface MockInquiry {
  inquiry: BillInquiry;
  order_id?: string;
}

export interface MockCashier extends Cashier {
  pin: string;
  active: boolean;
}

export interface MockDb {
  paired: boolean;
  shopName: string;
  deviceName: string;
  cashiers: MockCashier[];
  current: MockCashier | null;
  /**
   * As the engine keeps them: `receipt_header` is the owner's own header, '' when the
   * receipt is headed by the shop's name (what `settings` then reads back).
   */
  settings: Settings;
  rules: PriceRule[];
  orders: MockOrder[];
  balance_idr: number;
  movements: SaldoMovement[];
  deposits: Deposit[];
  inquiries: MockInquiry[];
  online: boolean;
  syncing: boolean;
  lastSyncAt: string | undefined;
  seq: number;
  saldoAsOf: string;
  /** The owner's `max_queue_age_h`: older queued orders are not sent on their own. */
  maxQueueAgeH: number;
}

export const DEFAULT_SETTINGS: Settings = {
  language: 'id',
  auto_print: false,
  printer: { kind: 'none', address: '', width: 32 },
  receipt_header: '',
  receipt_footer: 'Terima kasih, simpan struk ini sebagai bukti',
  shop_address: '',
  shop_phone: '',
  // A common counter fee in 2026; the cap keeps a typo (25000 for 2500) off the receipt.
  bill_fees: { pln_pasca: 2_500, bpjs: 2_500, pdam: 2_500, internet: 2_500, multifinance: 2_500 },
  bill_fee_cap_idr: 10_000,
  show_cash_block: true,
  kick_drawer: false,
  utc_offset_h: 7,
};

/** The selling rules a new shop starts with, so prices are not equal to cost. */
export const DEFAULT_RULES: PriceRule[] = [
  { id: 'r-pulsa', scope: 'category', key: 'pulsa', markup: { kind: 'fixed', idr: 1_500 }, round_to: 500 },
  { id: 'r-data', scope: 'category', key: 'data', markup: { kind: 'fixed', idr: 2_000 }, round_to: 500 },
  { id: 'r-pln', scope: 'category', key: 'pln', markup: { kind: 'fixed', idr: 2_500 }, round_to: 500 },
  { id: 'r-game', scope: 'category', key: 'game', markup: { kind: 'percent', percent: '5' }, round_to: 500 },
  { id: 'r-emoney', scope: 'category', key: 'emoney', markup: { kind: 'fixed', idr: 2_000 }, round_to: 500 },
];

export function emptyDb(): MockDb {
  const now = new Date().toISOString();
  return {
    paired: false,
    shopName: '',
    deviceName: '',
    cashiers: [],
    current: null,
    settings: structuredClone(DEFAULT_SETTINGS),
    rules: structuredClone(DEFAULT_RULES),
    orders: [],
    balance_idr: 1_245_000,
    movements: [],
    deposits: [],
    inquiries: [],
    online: true,
    syncing: false,
    lastSyncAt: now,
    seq: 0,
    saldoAsOf: now,
    maxQueueAgeH: DEFAULT_MAX_QUEUE_AGE_H,
  };
}

/** A rejection in the engine's shape; messages are "Bahasa Indonesia / English". */
export function fail(code: string, id: string, en: string, field?: string): never {
  const err: CommandError = { code, message: `${id} / ${en}` };
  if (field) err.field = field;
  throw err;
}

/** The short order number a customer sees on the receipt: `KNT-YYMM-NNNNNN`. */
export function orderIdFor(n: number, now: Date): string {
  const yymm = `${String(now.getFullYear()).slice(2)}${String(now.getMonth() + 1).padStart(2, '0')}`;
  return `KNT-${yymm}-${String(n + 120).padStart(6, '0')}`;
}

export function syncStatus(db: MockDb): SyncStatus {
  if (!db.online) return 'offline';
  return db.syncing ? 'syncing' : 'online';
}

/** A day, as the engine's `DEFAULT_MAX_QUEUE_AGE_H`. */
export const DEFAULT_MAX_QUEUE_AGE_H = 24;

/** When the order entered the outbox (again). */
export function queuedAt(o: MockOrder): string {
  return o.queued_at ?? o.created_at;
}

/**
 * A queued order that waited longer than the owner allows: prices and the customer's intent
 * went stale, so the sync no longer sends it until a cashier confirms or cancels it.
 */
export function isStale(db: MockDb, o: MockOrder, nowMs: number = Date.now()): boolean {
  return o.status === 'queued' && nowMs - new Date(queuedAt(o)).getTime() > db.maxQueueAgeH * 3_600_000;
}

export function queueLen(db: MockDb): number {
  return db.orders.filter((o) => o.status === 'queued').length;
}

export function requireCashier(db: MockDb): MockCashier {
  if (!db.current) fail('not_logged_in', 'Masuk dulu dengan PIN', 'Log in with your PIN first');
  return db.current;
}

export function requireOwner(db: MockDb): MockCashier {
  const c = requireCashier(db);
  if (c.role !== 'owner') {
    fail('owner_only', 'Hanya pemilik yang boleh', 'Only the owner may do this');
  }
  return c;
}

export const HELD: readonly OrderStatus[] = ['accepted', 'processing', 'pending'];

export function localDateOf(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function publicCashier(c: MockCashier): Cashier {
  return { id: c.id, name: c.name, role: c.role, active: c.active };
}

export function publicOrder(o: MockOrder): Order {
  const {
    history: _h,
    supplier_ref: _s,
    pln_name: _n,
    pln_segment: _g,
    kwh: _k,
    stuck: _t,
    will_fail: _f,
    fail_message: _m,
    slow: _w,
    queued_at: _q,
    ...order
  } = o;
  return structuredClone(order);
}
