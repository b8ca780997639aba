// The shapes that cross the IPC boundary between this UI and the Konter engine (Tauri
// commands and events). Every amount is a whole number of rupiah in a field ending `_idr`;
// the UI displays these numbers and never derives new amounts from them.

export type Role = 'owner' | 'cashier';

export interface Cashier {
  id: string;
  name: string;
  role: Role;
  /** Absent means active; the engine sends `false` for a disabled cashier. */
  active?: boolean;
}

export interface ShopProfile {
  name: string;
  address: string;
  phone: string;
  footer: string;
}

export type SyncStatus = 'online' | 'offline' | 'syncing';

export interface SyncState {
  state: SyncStatus;
  queue_len: number;
  last_sync_at?: string;
}

export interface AppState {
  paired: boolean;
  shop: ShopProfile | null;
  cashier: Cashier | null;
  sync: SyncState;
  has_owner: boolean;
}

export type Operator = 'telkomsel' | 'byu' | 'indosat' | 'xl' | 'axis' | 'tri' | 'smartfren';

export type Detected =
  | { kind: 'phone'; number: string; operator: Operator }
  | { kind: 'pln'; number: string }
  /** A number that fits a postpaid bill kind (a PLN id fits `pln_pasca` too). */
  | { kind: 'bill'; number: string; bill: BillKind };

export type Category = 'pulsa' | 'data' | 'game' | 'emoney' | 'pln' | 'bill';

/** Postpaid bills (PPOB) a counter pays for its customers. */
export type BillKind = 'pln_pasca' | 'bpjs' | 'pdam' | 'internet' | 'multifinance';

/** One payable bill product, e.g. `PLN Pascabayar`, with the shop's own admin fee. */
export interface BillProduct {
  sku: string;
  name: string;
  kind: BillKind;
  /** "Biaya admin loket": what the shop adds for itself on top of the bill. */
  shop_fee_idr: number;
  available: boolean;
  unavailable_reason?: string;
}

/** One month (or period) of a bill, as the supplier itemises it. */
export interface BillPeriod {
  /** As the supplier writes it, e.g. `202611` or `NOV 2026`. */
  period: string;
  amount_idr: number;
  admin_idr: number;
  penalty_idr: number;
  /** PLN: the meter stand at the start and end of the period. */
  meter_start?: string;
  meter_end?: string;
}

/** A bill looked up at the supplier: what the cashier reads out before taking cash. */
export interface BillInquiry {
  inquiry_id: string;
  sku: string;
  kind: BillKind;
  product_name: string;
  customer_no: string;
  customer_name: string;
  /** PLN: tariff and power, e.g. `R1` and `1300 VA`. */
  tariff?: string;
  power?: string;
  periods: BillPeriod[];
  /** Sum of the periods' amounts. */
  bill_idr: number;
  penalty_idr: number;
  /** The supplier's admin fee over all periods. */
  admin_idr: number;
  /** bill + penalty + admin: what the shop's saldo pays. */
  total_idr: number;
  /** The shop's own fee ("biaya admin loket"). */
  shop_fee_idr: number;
  /** total + shop fee: what the customer pays at the counter. */
  customer_total_idr: number;
  /** The inquiry can be paid until then (the supplier's same-day rule). */
  expires_at: string;
}

export interface QuoteItem {
  sku: string;
  name: string;
  category: Category;
  brand: string;
  operator?: Operator;
  nominal_idr?: number;
  cost_idr: number;
  price_idr: number;
  profit_idr: number;
  available: boolean;
  unavailable_reason?: string;
}

export interface Quote {
  detected: Detected[];
  products: QuoteItem[];
  prices_as_of: string;
}

export type Game = 'mobile_legends' | 'free_fire' | 'genshin_impact';

export interface PlnInquiry {
  target: string;
  name: string;
  segment_power?: string;
  meter_no?: string;
  subscriber_id?: string;
}

export interface GameInquiry {
  nickname?: string;
  available: boolean;
}

export type OrderStatus =
  | 'queued'
  | 'accepted'
  | 'processing'
  | 'pending'
  | 'success'
  | 'failed'
  | 'refunded';

export interface Failure {
  code: string;
  message: string;
}

export interface Order {
  id: string;
  sku: string;
  product_name: string;
  category: Category;
  target: string;
  status: OrderStatus;
  price_idr: number;
  cost_idr: number;
  cash_idr?: number;
  change_idr?: number;
  sn?: string;
  pln_token?: string;
  failure?: Failure;
  cashier_name: string;
  created_at: string;
  updated_at: string;
  /** Bill payments only: the bill that was paid (price_idr = its customer_total_idr). */
  bill?: BillInquiry;
}

export interface OrderHistoryEntry {
  status: OrderStatus;
  at: string;
}

export interface OrderDetail extends Order {
  complaint_text: string;
  history: OrderHistoryEntry[];
}

export interface OrdersQuery {
  query?: string;
  status?: OrderStatus;
  /** Local date, `YYYY-MM-DD`. */
  date?: string;
  limit?: number;
}

export interface Saldo {
  balance_idr: number;
  held_idr: number;
  local_held_idr: number;
  available_idr: number;
  as_of: string;
}

export interface SaldoMovement {
  at: string;
  reason: string;
  amount_idr: number;
  balance_idr: number;
  reference?: string;
}

export type DepositMethod = 'va' | 'qris';

export interface Deposit {
  id: string;
  amount_idr: number;
  status: string;
  va_number?: string;
  bank?: string;
  qr_string?: string;
  expires_at?: string;
}

export interface ReportRow {
  key: string;
  label: string;
  count: number;
  omzet_idr: number;
  modal_idr: number;
  laba_idr: number;
}

export interface HourRow {
  hour: number;
  count: number;
  omzet_idr: number;
}

export interface Report {
  date: string;
  count: number;
  omzet_idr: number;
  modal_idr: number;
  laba_idr: number;
  pending_count: number;
  failed_count: number;
  cash_expected_idr: number;
  by_category: ReportRow[];
  by_product: ReportRow[];
  by_cashier: ReportRow[];
  hourly: HourRow[];
  /** Bill payments counted apart: omzet holds the bills paid, laba only the shop's fees. */
  bills: ReportRow;
}

export interface ShiftClose {
  expected_idr: number;
  counted_idr: number;
  difference_idr: number;
}

export type Language = 'id' | 'en';
export type PrinterKind = 'none' | 'tcp' | 'usb' | 'serial' | 'file';
export type PaperWidth = 32 | 42 | 48;

export interface PrinterSettings {
  kind: PrinterKind;
  address: string;
  width: PaperWidth;
}

/** The shop's time zone, in hours east of UTC: 7 WIB, 8 WITA, 9 WIT. */
export type ZoneHours = 7 | 8 | 9;

export interface Settings {
  language: Language;
  auto_print: boolean;
  printer: PrinterSettings;
  /**
   * The first line of every receipt: the owner's own header if set, else the shop's name.
   * Saving an empty one (or the shop's name) goes back to the shop's name. One line,
   * at most 200 characters.
   */
  receipt_header: string;
  receipt_footer: string;
  shop_address: string;
  shop_phone: string;
  /** The shop's admin fee per bill kind; each at most `bill_fee_cap_idr`. */
  bill_fees: Record<BillKind, number>;
  /** The owner's cap on any bill fee. */
  bill_fee_cap_idr: number;
  /** Whether success receipts print Tunai/Kembali (default on); absent in a save = unchanged. */
  show_cash_block?: boolean;
  /** Whether a success receipt (an original, never a reprint) opens the cash drawer (default off). */
  kick_drawer?: boolean;
  /**
   * The shop's zone (default 7, WIB): its day for reports and "isi ke-2", and receipt
   * times. The engine refuses other values (`zone_unknown`). Absent in a save = unchanged.
   */
  utc_offset_h?: number;
}

export type Markup = { kind: 'fixed'; idr: number } | { kind: 'percent'; percent: string };
export type RuleScope = 'category' | 'brand' | 'product';
export type RoundTo = 1 | 100 | 500 | 1000;

export interface PriceRule {
  id: string;
  scope: RuleScope;
  key: string;
  markup: Markup;
  round_to: RoundTo;
}

export type PrintStatus = 'queued' | 'printing' | 'done' | 'failed';

export interface PrintJob {
  order_id: string;
  status: PrintStatus;
  error?: string;
}

/** What every command rejects with when its input does not hold. */
export interface CommandError {
  code: string;
  /** Bahasa Indonesia, then English after ` / ` (or one language only). */
  message: string;
  field?: string;
}
