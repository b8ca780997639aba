// The mock engine's memory: one plain object holding everything a real device store would.
// It lives only as long as the page (or the test) does.

import { shopDate } from '../format';
import type {
  ErrorCode,
  Backup,
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
import type { MockProduct } from './catalogue';
import type { Parsed } from './domain';

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
  /**
   * The order went out to the server at least once (the engine's outbox `attempts > 0`):
   * the server may have it, so only its answer may end it, never the cashier.
   */
  sent?: boolean;
  /** The shop's day the order was taken (its zone then), as the engine's `orders.day`. */
  day?: string;
  /** Who sold it, for their shift's cash. */
  cashier_id?: string;
}

/** A person's shift: opened at login, closed by counting the drawer. */
export interface MockShift {
  cashier_id: string;
  opened_at: string;
  closed: boolean;
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
  /** What the server sells this shop; empty until the device is paired. */
  catalogue: MockProduct[];
  /** When the catalogue's prices were read; '' before there is one. */
  catalogAsOf: string;
  shopName: string;
  deviceName: string;
  cashiers: MockCashier[];
  current: MockCashier | null;
  /** Wrong PINs in a row, and when the last one was typed (konter-client `LoginGuard`). */
  loginFailures: { count: number; at: number };
  shifts: MockShift[];
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
  /** The daily copies of the store (`backups/konter-YYYY-MM-DD.db`), newest first, at most seven. */
  backups: Backup[];
  /** The day of the copy chosen to replace the store at the next start, if one is. */
  pendingBackupDay: string | undefined;
  /** How many times the app was asked to restart (the stand-in does not restart anything). */
  restartsAsked: number;
}

export const DEFAULT_SETTINGS: Settings = {
  language: 'id',
  auto_print: false,
  printer: { kind: 'none', address: '', width: 32 },
  receipt_header: '',
  // konter-client `print::DEFAULT_FOOTER`.
  receipt_footer: 'Terima kasih atas kunjungan Anda',
  shop_address: '',
  shop_phone: '',
  // A common counter fee in 2026; the cap keeps a typo (25000 for 2500) off the receipt.
  bill_fees: { pln_pasca: 2_500, bpjs: 2_500, pdam: 2_500, internet: 2_500, multifinance: 2_500 },
  bill_fee_cap_idr: 10_000,
  show_cash_block: true,
  kick_drawer: false,
  utc_offset_h: 7,
};

/**
 * The demo shop owner's selling rules, one per category. A new device has none: the
 * engine's default rule prices everything then (mock/pricing.ts `DEFAULT_RULE`).
 */
export const DEMO_RULES: PriceRule[] = [
  { id: 'category:pulsa', scope: 'category', key: 'pulsa', markup: { kind: 'fixed', idr: 1_500 }, round_to: 500 },
  { id: 'category:data', scope: 'category', key: 'data', markup: { kind: 'fixed', idr: 2_000 }, round_to: 500 },
  { id: 'category:pln', scope: 'category', key: 'pln', markup: { kind: 'fixed', idr: 2_500 }, round_to: 500 },
  { id: 'category:game', scope: 'category', key: 'game', markup: { kind: 'percent', percent: '5' }, round_to: 500 },
  { id: 'category:emoney', scope: 'category', key: 'emoney', markup: { kind: 'fixed', idr: 2_000 }, round_to: 500 },
];

/** A new device: not paired, nobody set up, no catalogue, no saldo, no rules. */
export function emptyDb(): MockDb {
  const now = new Date().toISOString();
  return {
    paired: false,
    catalogue: [],
    catalogAsOf: '',
    shopName: '',
    deviceName: '',
    cashiers: [],
    current: null,
    loginFailures: { count: 0, at: 0 },
    shifts: [],
    settings: structuredClone(DEFAULT_SETTINGS),
    rules: [],
    orders: [],
    balance_idr: 0,
    movements: [],
    deposits: [],
    inquiries: [],
    online: true,
    syncing: false,
    lastSyncAt: now,
    seq: 0,
    saldoAsOf: now,
    maxQueueAgeH: DEFAULT_MAX_QUEUE_AGE_H,
    backups: [],
    pendingBackupDay: undefined,
    restartsAsked: 0,
  };
}

/** A rejection in the engine's shape; messages are "Bahasa Indonesia / English". */
/**
 * Refusals only the stand-in has: arguments the engine's IPC could not even read (it answers
 * `internal`), and the stand-in's own limits.
 */
type StandInCode = 'markup_invalid' | 'scope_invalid' | 'store_full' | 'unknown_command';

export function fail(code: ErrorCode | StandInCode, id: string, en: string, field?: string): never {
  const err: CommandError = { code, message: `${id} / ${en}` };
  if (field) err.field = field;
  throw err;
}

/** The value of a konter-domain check, or its refusal (mock/domain.ts). */
export function checked<T>(r: Parsed<T>): T {
  if (!r.ok) fail(r.error.code, r.error.id, r.error.en, r.error.field);
  return r.value;
}

/** `Rp10.000`, as the engine's `Rupiah` displays in its messages. */
export function rupiah(n: number): string {
  return `${n < 0 ? '-' : ''}Rp${String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, '.')}`;
}

/** The shop's zone in hours east of UTC (7 WIB unless the owner set WITA or WIT). */
export function zoneOf(db: MockDb): number {
  const h = db.settings.utc_offset_h;
  return h === 8 || h === 9 ? h : 7;
}

/** The shop's calendar day of a moment (now by default). */
export function shopDay(db: MockDb, at: Date | string = new Date()): string {
  return shopDate(at, zoneOf(db));
}

/** The day an order counts for: the one stored when it was taken. */
export function dayOf(db: MockDb, o: MockOrder): string {
  return o.day ?? shopDay(db, o.created_at);
}

/**
 * A typed day (`YYYY-MM-DD`), or the shop's today when none is given; `date_invalid` on
 * `date` otherwise (konter-client `Engine::parse_day`).
 */
export function parseDay(db: MockDb, date: string | undefined): string {
  const d = (date ?? '').trim();
  if (d === '') return shopDay(db);
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(d);
  const [y, mo, da] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  const real = new Date(Date.UTC(y, mo - 1, da));
  if (!m || real.getUTCFullYear() !== y || real.getUTCMonth() !== mo - 1 || real.getUTCDate() !== da) {
    fail('date_invalid', 'tanggal ditulis TTTT-BB-HH', 'a date is written YYYY-MM-DD', 'date');
  }
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(da).padStart(2, '0')}`;
}

/** The short order number a customer sees on the receipt: `KNT-YYMM-NNNNNN`. */
export function orderIdFor(n: number, now: Date): string {
  const yymm = `${String(now.getFullYear()).slice(2)}${String(now.getMonth() + 1).padStart(2, '0')}`;
  return `KNT-${yymm}-${String(n + 120).padStart(6, '0')}`;
}

export function syncStatus(db: MockDb): SyncStatus {
  // A device with no server to reach is offline, as the engine's sync state starts.
  if (!db.online || !db.paired) return 'offline';
  return db.syncing ? 'syncing' : 'online';
}

/** A day, as the engine's `DEFAULT_MAX_QUEUE_AGE_H`. */
export const DEFAULT_MAX_QUEUE_AGE_H = 24;

/** When the order entered the outbox (again). */
export function queuedAt(o: MockOrder): string {
  return o.queued_at ?? o.created_at;
}

/**
 * A queued order, never sent, that waited longer than the owner allows: prices and the
 * customer's intent went stale, so the sync no longer sends it until a cashier confirms or
 * cancels it. One that was sent is always sent again: the server may have it.
 */
export function isStale(db: MockDb, o: MockOrder, nowMs: number = Date.now()): boolean {
  return o.status === 'queued' && !o.sent && nowMs - new Date(queuedAt(o)).getTime() > db.maxQueueAgeH * 3_600_000;
}

export function queueLen(db: MockDb): number {
  return db.orders.filter((o) => o.status === 'queued').length;
}

/** Whether an active owner is set up. */
export function hasOwner(db: MockDb): boolean {
  return db.cashiers.some((c) => c.role === 'owner' && c.active);
}

/** Someone logged in, or `not_logged_in` on the PIN (konter-client `session`). */
export function requireCashier(db: MockDb): MockCashier {
  if (!db.current) fail('not_logged_in', 'masuk dulu dengan PIN', 'log in with your PIN first', 'pin');
  return db.current;
}

/** The owner logged in (anyone logged in while no owner is set up), or `owner_only`. */
export function requireOwner(db: MockDb): MockCashier {
  const c = requireCashier(db);
  if (hasOwner(db) && c.role !== 'owner') {
    fail('owner_only', 'hanya pemilik yang boleh', 'only the owner may do this', 'pin');
  }
  return c;
}

export const HELD: readonly OrderStatus[] = ['accepted', 'processing', 'pending'];

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
    sent: _sent,
    day: _d,
    cashier_id: _c,
    ...order
  } = o;
  return structuredClone(order);
}
