// An in-memory Konter engine behind the same Tauri commands and events as the real one, for
// Vitest (through `mockIPC`) and for the browser-only build (mock.html) that Playwright and
// designers use. It computes prices, statuses and totals because it stands in for the
// engine; nothing in the UI does. Its answers (codes, fields, checks and their order) follow
// the engine's; tests/contract/scenarios.json holds the behaviours both must share, run here
// by tests/contract.test.ts and against the real engine over IPC.
//
// Scenarios: `fresh` (a new device: not paired, nobody set up) or `ready` (the demo shop,
// paired; owner PIN 123456, cashier Sri PIN 1111, three daily copies of its store);
// `seedStale()` adds two orders stuck in the outbox since yesterday (mock/outbox.ts has the
// stale-order commands). `pair` reaches the demo shop's server unless `options.server` names
// a test server (its catalogue in the wire shape, the saldo, how it answers orders:
// mock/context.ts). The demo supplier's target-keyed outcomes are listed in mock/selling.ts;
// the postpaid bill test numbers (Digiflazz's: PLN 530000000001/2 pay, …0003 has no bill,
// …0006 fails, 630000000001 pends then pays, …) in mock/bills.ts.

import { mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import * as admin from './mock/admin';
import * as bills from './mock/bills';
import * as books from './mock/books';
import { DEFAULT_OPTIONS, type Ctx, type MockOptions } from './mock/context';
import { emptyDb, fail, requireCashier, type MockDb } from './mock/db';
import * as history from './mock/history';
import { emitSync, setOnline, settle } from './mock/lifecycle';
import * as outbox from './mock/outbox';
import { seedReady, seedStale } from './mock/seed';
import * as selling from './mock/selling';

export type Scenario = 'fresh' | 'ready';

type Handler = (ctx: Ctx, args: never) => unknown;

const COMMANDS: Readonly<Record<string, Handler>> = {
  app_state: admin.appState,
  pair: admin.pair,
  setup_owner: admin.setupOwner,
  login: admin.login,
  logout: admin.logout,
  quote: selling.quote,
  game_products: selling.gameProducts,
  emoney_products: selling.emoneyProducts,
  pln_inquiry: selling.plnInquiry,
  game_inquiry: selling.gameInquiry,
  place_order: selling.placeOrder,
  bill_products: bills.billProducts,
  bill_inquiry: bills.billInquiry,
  pay_bill: bills.payBill,
  orders: history.orders,
  order_detail: history.orderDetail,
  stale_orders: outbox.staleOrders,
  reconfirm_order: outbox.reconfirmOrder,
  cancel_queued_order: outbox.cancelQueuedOrder,
  saldo: (ctx: Ctx) => {
    requireCashier(ctx.db);
    return books.saldoOf(ctx.db);
  },
  saldo_history: books.saldoHistory,
  request_deposit: books.requestDeposit,
  report: books.report,
  export_csv: books.exportCsv,
  close_shift: books.closeShift,
  settings: admin.settings,
  save_settings: admin.saveSettings,
  price_rules: admin.priceRules,
  save_price_rule: admin.savePriceRule,
  delete_price_rule: admin.deletePriceRule,
  cashiers: admin.cashiers,
  create_cashier: admin.createCashier,
  disable_cashier: admin.disableCashier,
  backups: admin.backups,
  restore_backup: admin.restoreBackup,
  restart_app: admin.restartApp,
  print_order: history.printOrder,
  test_print: history.testPrint,
  receipt_preview: history.receiptPreview,
};

export const MOCK_COMMANDS: readonly string[] = Object.keys(COMMANDS);

export interface MockEngine {
  ctx: Ctx;
  handle: (cmd: string, args: Record<string, unknown> | undefined) => Promise<unknown>;
  setOnline: (online: boolean) => void;
  settle: (id: string, fail?: boolean) => void;
  /** Credits a deposit to the saldo, as a paid top-up would (for tests and demos). */
  credit: (amountIdr: number) => void;
  /** Makes an order `hours` older, as if sold then: past a day, a queued one is stale. */
  age: (id: string, hours: number) => void;
  /** Adds the demo's two stale queued orders (see mock/seed.ts). */
  seedStale: () => void;
  stop: () => void;
}

export function createMockEngine(
  scenario: Scenario = 'ready',
  options: Partial<MockOptions> = {},
  emitter: (event: string, payload: unknown) => void = () => {},
): MockEngine {
  const db: MockDb = emptyDb();
  if (scenario === 'ready') seedReady(db);
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const ctx: Ctx = {
    db,
    opts: { ...DEFAULT_OPTIONS, ...options },
    emit: emitter,
    later: (ms, fn) => {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    },
  };
  return {
    ctx,
    async handle(cmd, args) {
      const h = COMMANDS[cmd];
      if (!h) fail('unknown_command', `Perintah tidak dikenal: ${cmd}`, `Unknown command: ${cmd}`);
      if (ctx.opts.latencyMs > 0) await new Promise((r) => setTimeout(r, ctx.opts.latencyMs));
      // Commands receive copies, as they would after crossing IPC.
      return h(ctx, structuredClone(args ?? {}) as never);
    },
    setOnline: (online) => setOnline(ctx, online),
    settle: (id, f) => settle(ctx, id, f),
    credit: (amountIdr) => books.credit(ctx.db, amountIdr, 'Setor tunai (uji)'),
    age: (id, hours) => outbox.age(ctx, id, hours),
    seedStale: () => {
      seedStale(ctx.db);
      emitSync(ctx);
    },
    stop: () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

declare global {
  interface Window {
    __konterMock?: MockEngine;
  }
}

/** Installs the mock engine as `window.__TAURI_INTERNALS__` (events included). */
export function installMock(scenario: Scenario = 'ready', options: Partial<MockOptions> = {}): MockEngine {
  const engine = createMockEngine(scenario, options, (event, payload) => {
    void emit(event, payload);
  });
  mockIPC((cmd, args) => engine.handle(cmd, args as Record<string, unknown> | undefined), {
    shouldMockEvents: true,
  });
  window.__konterMock = engine;
  return engine;
}
