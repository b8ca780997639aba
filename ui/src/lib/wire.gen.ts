// Generated from src-tauri/src/wire.rs (and the engine types it names) by
// `KONTER_WRITE_TYPES=1 cargo test -p konter-app wire`. Do not edit by hand.

export type AppState = { paired: boolean, shop: ShopProfile | null, cashier: Cashier | null, sync: SyncState, has_owner: boolean, };

/**
 * A kept daily copy of the counter's store.
 */
export type Backup = { 
/**
 * The shop's day the copy was taken, `YYYY-MM-DD`.
 */
day: string, 
/**
 * Its size in KiB, rounded up.
 */
size_kb: number, };

/**
 * The counter's daily copies and the one chosen to come back.
 */
export type Backups = { 
/**
 * The kept copies, newest first (at most seven).
 */
copies: Array<Backup>, 
/**
 * The day of the copy chosen to replace the store at the next start, if one is.
 */
pending_day?: string, };

/**
 * A looked-up bill with what the customer pays at this counter.
 */
export type BillInquiry = { 
/**
 * The shop's own fee ("biaya admin loket") on this bill.
 */
shop_fee_idr: Rupiah, 
/**
 * The bill's total plus the shop's fee.
 */
customer_total_idr: Rupiah, inquiry_id: InquiryId, sku: Sku, kind: BillKind, product_name: string, customer_no: string, 
/**
 * The bill can be paid until then (the end of the supplier's day).
 */
expires_at: string, created_at: string, 
/**
 * The order that paid it, once one did.
 */
order_id?: OrderId, customer_name: string, 
/**
 * PLN: the tariff (`R1`) and power (`1300 VA`).
 */
tariff?: string, power?: string, periods: Array<BillPeriod>, 
/**
 * Sum of the periods' amounts.
 */
bill_idr: Rupiah, penalty_idr: Rupiah, 
/**
 * The supplier's admin fee over all periods.
 */
admin_idr: Rupiah, 
/**
 * bill + penalty + admin: what the shop's saldo pays.
 */
total_idr: Rupiah, };

/**
 * The kinds of bills a counter pays.
 */
export type BillKind = "pln_pasca" | "bpjs" | "pdam" | "internet" | "multifinance";

/**
 * One period (usually a month) of a bill.
 */
export type BillPeriod = { 
/**
 * As the supplier writes it: `202611`, `NOV 2026`.
 */
period: string, amount_idr: Rupiah, admin_idr: Rupiah, penalty_idr: Rupiah, 
/**
 * PLN: meter stand at the start and the end of the period.
 */
meter_start?: string, meter_end?: string, };

/**
 * A bill product as the counter offers it.
 */
export type BillProduct = { sku: string, name: string, kind: BillKind, shop_fee_idr: Rupiah, available: boolean, unavailable_reason?: string, };

export type Cashier = { id: string, name: string, role: Role, active: boolean, };

/**
 * What the counter sells.
 */
export type Category = "pulsa" | "data" | "game" | "emoney" | "pln" | "bill";

export type CommandError = { code: string, message: string, field?: string, };

export type CsvExport = { path: string, };

export type Deposit = { id: string, amount_idr: Rupiah, status: DepositStatus, va_number?: string, bank?: string, qr_string?: string, expires_at?: string, };

export type DepositStatus = "pending" | "paid" | "expired" | "cancelled" | "failed";

/**
 * What a typed line could be. The counter screen offers the products of every candidate.
 */
export type Detected = { "kind": "phone", number: string, operator: Operator, } | { "kind": "pln", number: string, } | { "kind": "bill", number: string, bill: BillKind, };

/**
 * Why an order failed, in words for the cashier.
 */
export type Failure = { code: string, message: string, };

export type GameInquiry = { nickname?: string, available: boolean, };

/**
 * One hour of the shop's day.
 */
export type HourRow = { hour: number, count: number, omzet_idr: Rupiah, };

/**
 * A postpaid bill inquiry kept by the server until it is paid or expires.
 */
export type InquiryId = string;

/**
 * A markup on a price.
 */
export type Markup = { "kind": "fixed", idr: Rupiah, } | { "kind": "percent", percent: string, };

/**
 * A mobile operator as suppliers sell it. This is the brand on the SIM card, not the
 * corporate group: XL owns Axis and Indosat merged with Tri, but suppliers keep separate
 * products and SKUs for each.
 */
export type Operator = "telkomsel" | "byu" | "indosat" | "xl" | "axis" | "tri" | "smartfren";

/**
 * An order as the device knows it.
 */
export type Order = { id: OrderId, sku: string, product_name: string, category: string, target: string, status: OrderStatus, price_idr: Rupiah, cost_idr: Rupiah, cash_idr: Rupiah, change_idr: Rupiah, sn?: string, pln_token?: string, failure?: Failure, cashier_name: string, created_at: string, updated_at: string, 
/**
 * A bill payment's bill, with the shop's fee (`price_idr` is its customer total).
 */
bill?: BillInquiry, };

export type OrderDetail = { complaint_text: string, history: Array<OrderHistoryEntry>, id: OrderId, sku: string, product_name: string, category: string, target: string, status: OrderStatus, price_idr: Rupiah, cost_idr: Rupiah, cash_idr: Rupiah, change_idr: Rupiah, sn?: string, pln_token?: string, failure?: Failure, cashier_name: string, created_at: string, updated_at: string, 
/**
 * A bill payment's bill, with the shop's fee (`price_idr` is its customer total).
 */
bill?: BillInquiry, };

export type OrderHistoryEntry = { status: OrderStatus, at: string, };

/**
 * An order, minted by the device before its first send; the idempotency key.
 */
export type OrderId = string;

/**
 * Where an order is.
 */
export type OrderStatus = "queued" | "accepted" | "processing" | "pending" | "success" | "failed" | "refunded";

export type Paired = { shop_name: string, };

export type PlnInquiry = { target: string, name: string, meter_no?: string, subscriber_id?: string, 
/**
 * Tariff and power as the supplier writes it: `R1 /000001300`.
 */
segment_power?: string, };

export type PriceRule = { 
/**
 * `scope:key`: the engine keeps one rule per scope and key.
 */
id: string, scope: RuleScope, key: string, markup: Markup, 
/**
 * The engine refuses any other step (`rounding_invalid`).
 */
round_to: 1 | 100 | 500 | 1000, };

export type PrintJob = { order_id: string, status: PrintStatus, error?: string, };

export type PrintStatus = "queued" | "printing" | "done" | "failed";

export type PrinterKind = "none" | "tcp" | "usb" | "serial" | "file";

export type PrinterSettings = { kind: PrinterKind, address: string, 
/**
 * Characters a line; the engine refuses any other (`width_invalid`).
 */
width: 32 | 42 | 48, };

export type Quote = { detected: Array<Detected>, products: Array<QuoteItem>, 
/**
 * Empty when no catalogue was ever fetched.
 */
prices_as_of: string, };

/**
 * A product as the counter offers it.
 */
export type QuoteItem = { sku: string, name: string, category: Category, brand: string, operator?: Operator, nominal_idr?: Rupiah, 
/**
 * What the shop's saldo pays.
 */
cost_idr: Rupiah, 
/**
 * What the customer pays.
 */
price_idr: Rupiah, profit_idr: Rupiah, available: boolean, unavailable_reason?: string, };

export type Report = { date: string, 
/**
 * Delivered orders.
 */
count: number, 
/**
 * What customers paid for delivered orders.
 */
omzet_idr: Rupiah, 
/**
 * What the saldo paid for them.
 */
modal_idr: Rupiah, laba_idr: Rupiah, pending_count: number, failed_count: number, 
/**
 * Cash of every sale not given back: delivered and still pending.
 */
cash_expected_idr: Rupiah, by_category: Array<ReportRow>, by_product: Array<ReportRow>, by_cashier: Array<ReportRow>, hourly: Array<HourRow>, 
/**
 * Bill payments apart (they are in the totals above too): omzet holds the bills paid
 * (customer totals), modal what the saldo paid for them, laba only the shop's fees.
 */
bills: ReportRow, 
/**
 * Whose sales these are: the whole shop (every counter, from the server) or only this
 * counter's (offline).
 */
reach: ReportReach, };

/**
 * Whose sales a report counts.
 */
export type ReportReach = "shop" | "device";

/**
 * One line of a report table: a device, cashier, category or product.
 */
export type ReportRow = { key: string, label: string, count: number, omzet_idr: Rupiah, modal_idr: Rupiah, laba_idr: Rupiah, };

export type Role = "owner" | "cashier";

/**
 * The UI's scopes; the engine's default rule has no place in the UI's list.
 */
export type RuleScope = "category" | "brand" | "product";

/**
 * Whole Indonesian rupiah. Serialised as a plain JSON integer (`10000`).
 */
export type Rupiah = number;

export type Saldo = { balance_idr: Rupiah, held_idr: Rupiah, local_held_idr: Rupiah, available_idr: Rupiah, 
/**
 * Empty until the server first reported the saldo.
 */
as_of: string, };

/**
 * One saldo movement the server reported, newest first in [`Engine::saldo_history`].
 */
export type SaldoMovement = { at: string, 
/**
 * `hold`, `charge`, `release`, `refund`, `deposit` or `adjustment`.
 */
reason: string, 
/**
 * Signed change of the available saldo.
 */
amount_idr: Rupiah, 
/**
 * The available saldo after it.
 */
balance_idr: Rupiah, 
/**
 * What it was for: the reference text, else the order's product and number, else the
 * deposit.
 */
reference?: string, };

export type Settings = { 
/**
 * The engine refuses any other (`language_unknown`).
 */
language: "id" | "en", auto_print: boolean, printer: PrinterSettings, receipt_header: string, receipt_footer: string, shop_address: string, shop_phone: string, 
/**
 * The shop's fee per bill kind; absent in a save leaves the fees as they are. The
 * engine's answer always has every kind, and the UI always sends them.
 */
bill_fees: Record<BillKind, Rupiah>, 
/**
 * The owner's cap on any bill fee; present in every answer, like `bill_fees`.
 */
bill_fee_cap_idr: Rupiah, 
/**
 * Whether receipts show the cash paid and the change; absent in a save leaves it.
 */
show_cash_block?: boolean, 
/**
 * Whether a success receipt opens the cash drawer; absent in a save leaves it.
 */
kick_drawer?: boolean, 
/**
 * The shop's zone in hours east of UTC — 7 WIB, 8 WITA, 9 WIT — for its day, its
 * reports and its receipts; absent in a save leaves it.
 */
utc_offset_h?: number, };

export type ShiftClose = { expected_idr: Rupiah, counted_idr: Rupiah, difference_idr: Rupiah, };

export type ShopProfile = { name: string, address: string, phone: string, footer: string, };

/**
 * A product code, as the catalogue and the suppliers spell it.
 */
export type Sku = string;

export type SyncState = { state: SyncStatus, queue_len: number, last_sync_at?: string, };

export type SyncStatus = "online" | "offline" | "syncing";

/**
 * Every code the engine and the app refuse a command with.
 */
export type ErrorCode = "already_paired" | "already_sent" | "amount_fraction" | "amount_invalid" | "amount_not_positive" | "amount_out_of_range" | "bank_missing" | "bank_unknown" | "batch_too_large" | "bill_already_paid" | "bill_amount_negative" | "bill_fee_above_cap" | "bill_fee_cap_invalid" | "bill_fee_negative" | "bill_needs_inquiry" | "bill_no_periods" | "bill_not_found" | "bill_payment_open" | "cash_mismatch" | "cash_short" | "cashier_self" | "cashier_unknown" | "customer_no_empty" | "customer_no_invalid_character" | "customer_no_wrong_length" | "date_invalid" | "device_name_empty" | "device_name_invalid" | "export_failed" | "fee_invalid" | "game_account_not_found" | "game_field_length" | "game_field_missing" | "game_field_not_digits" | "game_too_many_fields" | "game_unknown_server" | "id_invalid" | "inquiry_expired" | "inquiry_unavailable" | "inquiry_used" | "internal" | "language_unknown" | "login_paused" | "markup_negative" | "markup_too_large" | "name_invalid" | "no_shift" | "not_available" | "not_found" | "not_logged_in" | "not_paired" | "not_queued" | "nothing_to_print" | "offline" | "one_line" | "order_unknown" | "owner_exists" | "owner_only" | "pairing_code_invalid" | "phone_empty" | "phone_invalid_character" | "phone_not_mobile" | "phone_too_long" | "phone_too_short" | "phone_unknown_operator" | "pin_invalid" | "pin_taken" | "pin_wrong" | "pln_empty" | "pln_invalid_character" | "pln_malformed" | "pln_no_token" | "pln_wrong_length" | "prefs_io" | "printer" | "printer_address_invalid" | "product_unavailable" | "receipt" | "repeat_sale" | "rounding_invalid" | "rule_key" | "rule_unknown" | "saldo_short" | "server_refused" | "server_url" | "server_url_lan_http" | "server_url_plain_http" | "setting_invalid" | "setting_unknown" | "sku_invalid" | "target_operator_mismatch" | "tier_unknown" | "token_store" | "too_long" | "too_many_attempts" | "unknown_inquiry" | "unknown_order" | "unknown_sku" | "width" | "width_invalid" | "zone_unknown";
