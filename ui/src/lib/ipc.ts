// The only door to the engine. Every Tauri command and event the UI uses is named here,
// typed here, and nowhere else: a renamed command breaks one file, and tests can mock the
// whole engine with `mockIPC`. Command names are snake_case, argument keys camelCase, as
// Tauri 2 maps them onto the Rust parameters.

import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { toCommandError } from './errors';
import type {
  AppState,
  Backups,
  BillInquiry,
  BillProduct,
  Cashier,
  CommandError,
  Deposit,
  DepositMethod,
  Game,
  GameInquiry,
  Order,
  OrderDetail,
  OrdersQuery,
  PlnInquiry,
  PriceRule,
  PrintJob,
  Quote,
  QuoteItem,
  Report,
  Role,
  Saldo,
  SaldoMovement,
  Settings,
  ShiftClose,
  SyncState,
} from './types';

/** Calls a command; a rejection always comes out as a {@link CommandError}. */
async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (raw: unknown) {
    const err: CommandError = toCommandError(raw);
    throw err;
  }
}

// Session and setup
export const appState = () => call<AppState>('app_state');
export const pair = (serverUrl: string, code: string, deviceName: string, lanConfirmed = false) =>
  call<{ shop_name: string }>('pair', { serverUrl, code, deviceName, lanConfirmed });
export const setupOwner = (name: string, pin: string) => call<void>('setup_owner', { name, pin });
export const login = (pin: string) => call<Cashier>('login', { pin });
export const logout = () => call<void>('logout');

// Selling
export const quote = (input: string) => call<Quote>('quote', { input });
export const gameProducts = (game: Game) => call<QuoteItem[]>('game_products', { game });
export const emoneyProducts = (input: string) => call<QuoteItem[]>('emoney_products', { input });
export const plnInquiry = (target: string) => call<PlnInquiry>('pln_inquiry', { target });
export const gameInquiry = (game: Game, target: string) =>
  call<GameInquiry>('game_inquiry', { game, target });

export interface PlaceOrder {
  sku: string;
  target: string;
  cashIdr?: number;
  confirmRepeat?: boolean;
}
export const placeOrder = (o: PlaceOrder) => {
  const args: Record<string, unknown> = { sku: o.sku, target: o.target };
  if (o.cashIdr !== undefined) args['cashIdr'] = o.cashIdr;
  if (o.confirmRepeat) args['confirmRepeat'] = true;
  return call<Order>('place_order', args);
};

// Bills (PPOB): look the bill up, show it, then pay exactly that inquiry.
export const billProducts = () => call<BillProduct[]>('bill_products');
export const billInquiry = (sku: string, customerNo: string) =>
  call<BillInquiry>('bill_inquiry', { sku, customerNo });
export const payBill = (inquiryId: string, cashIdr?: number) =>
  call<Order>('pay_bill', cashIdr === undefined ? { inquiryId } : { inquiryId, cashIdr });

// Orders
export const orders = (q: OrdersQuery = {}) => call<Order[]>('orders', { ...q });
export const orderDetail = (id: string) => call<OrderDetail>('order_detail', { id });

// The outbox: orders queued longer than the owner's `max_queue_age_h` are no longer sent on
// their own; a cashier sends each again at today's saldo price, or cancels it and gives the
// customer's cash back.
/** Queued orders too old to be sent on their own, oldest first. */
export const staleOrders = () => call<Order[]>('stale_orders');
/** Sends a stale order again at today's saldo price; it stays `queued` until the next sync. */
export const reconfirmOrder = (id: string) => call<Order>('reconfirm_order', { id });
/** Fails a queued order locally (`failure.code` `cancelled`) and releases its hold. */
export const cancelQueuedOrder = (id: string) => call<Order>('cancel_queued_order', { id });

// Saldo
export const saldo = () => call<Saldo>('saldo');
export const saldoHistory = (limit?: number) =>
  call<SaldoMovement[]>('saldo_history', limit === undefined ? {} : { limit });
export const requestDeposit = (amountIdr: number, method: DepositMethod, bank?: string) =>
  call<Deposit>('request_deposit', bank ? { amountIdr, method, bank } : { amountIdr, method });

// Owner's day
export const report = (date?: string) => call<Report>('report', date ? { date } : {});
export const exportCsv = (date?: string) => call<{ path: string }>('export_csv', date ? { date } : {});
export const closeShift = (countedCashIdr: number) =>
  call<ShiftClose>('close_shift', { countedCashIdr });

// Settings
export const settings = () => call<Settings>('settings');
export const saveSettings = (s: Settings) => call<void>('save_settings', { settings: s });
export const priceRules = () => call<PriceRule[]>('price_rules');
export const savePriceRule = (rule: PriceRule) => call<PriceRule>('save_price_rule', { rule });
export const deletePriceRule = (id: string) => call<void>('delete_price_rule', { id });
export const cashiers = () => call<Cashier[]>('cashiers');
export const createCashier = (name: string, role: Role, pin: string) =>
  call<Cashier>('create_cashier', { name, role, pin });
export const disableCashier = (id: string) => call<void>('disable_cashier', { id });

// Backups: the counter copies its store once a day and keeps the newest seven. Choosing one
// changes nothing now: at the app's next start the copy replaces the store (the replaced
// store is kept beside the copies).
export const backups = () => call<Backups>('backups');
export const restoreBackup = (day: string) => call<Backups>('restore_backup', { day });
/** Restarts the app, which then puts the chosen copy in place. */
export const restartApp = () => call<void>('restart_app');

// Printing
export const printOrder = (id: string, copy: boolean) => call<void>('print_order', { id, copy });
export const testPrint = () => call<void>('test_print');
export const receiptPreview = (id: string, copy: boolean) =>
  call<string>('receipt_preview', { id, copy });

// Events
export const EVENTS = {
  orderUpdated: 'order-updated',
  syncState: 'sync-state',
  printJob: 'print-job',
} as const;

export const onOrderUpdated = (cb: (o: Order) => void): Promise<UnlistenFn> =>
  listen<Order>(EVENTS.orderUpdated, (e) => cb(e.payload));
export const onSyncState = (cb: (s: SyncState) => void): Promise<UnlistenFn> =>
  listen<SyncState>(EVENTS.syncState, (e) => cb(e.payload));
export const onPrintJob = (cb: (j: PrintJob) => void): Promise<UnlistenFn> =>
  listen<PrintJob>(EVENTS.printJob, (e) => cb(e.payload));
