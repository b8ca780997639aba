// The shapes that cross the IPC boundary between this UI and the Konter engine (Tauri
// commands and events) are generated from the engine's Rust types into `wire.gen.ts`
// (`KONTER_WRITE_TYPES=1 cargo test -p konter-app wire`); a test fails when the two part.
// This file re-exports them and adds the few shapes only the UI has. Every amount is a
// whole number of rupiah in a field ending `_idr`; the UI displays these numbers and never
// derives new amounts from them.

import type { OrderStatus } from './wire.gen';

export type {
  AppState,
  Backup,
  Backups,
  BillInquiry,
  BillKind,
  BillPeriod,
  BillProduct,
  Cashier,
  Category,
  CommandError,
  CsvExport,
  Deposit,
  ErrorCode,
  DepositStatus,
  Detected,
  Failure,
  GameInquiry,
  HourRow,
  InquiryId,
  Markup,
  Operator,
  Order,
  OrderDetail,
  OrderHistoryEntry,
  OrderId,
  OrderStatus,
  Paired,
  PlnInquiry,
  PriceRule,
  PrintJob,
  PrintStatus,
  PrinterKind,
  PrinterSettings,
  Quote,
  QuoteItem,
  Report,
  ReportRow,
  Role,
  RuleScope,
  Rupiah,
  Saldo,
  SaldoMovement,
  Settings,
  ShiftClose,
  ShopProfile,
  Sku,
  SyncState,
  SyncStatus,
} from './wire.gen';

export type Game = 'mobile_legends' | 'free_fire' | 'genshin_impact';

export interface OrdersQuery {
  query?: string;
  status?: OrderStatus;
  /** Local date, `YYYY-MM-DD`. */
  date?: string;
  limit?: number;
}

export type DepositMethod = 'va' | 'qris';

export type Language = 'id' | 'en';
export type PaperWidth = 32 | 42 | 48;

/** The shop's time zone, in hours east of UTC: 7 WIB, 8 WITA, 9 WIT. */
export type ZoneHours = 7 | 8 | 9;

export type RoundTo = 1 | 100 | 500 | 1000;
