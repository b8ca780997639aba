// What several test files share: an order and settings to start from, rupiah as the screens
// write it, the IPC layer recorded, and the mock engine driven directly (no screens).
import { mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, beforeEach } from 'vitest';
import { createMockEngine, type MockEngine } from '../src/lib/mock';
import { DEFAULT_SETTINGS } from '../src/lib/mock/db';
import type { CommandError, Order, OrderStatus, Settings } from '../src/lib/types';

export function order(status: OrderStatus, extra: Partial<Order> = {}): Order {
  const at = new Date(Date.now() - 42_000).toISOString();
  return {
    id: 'KNT-2611-000123',
    sku: 'tsel10',
    product_name: 'Telkomsel 10.000',
    category: 'pulsa',
    target: '081234567890',
    status,
    price_idr: 11_500,
    cost_idr: 10_100,
    cash_idr: 20_000,
    change_idr: 8_500,
    cashier_name: 'Sri',
    created_at: at,
    updated_at: at,
    ...extra,
  };
}

/** A shop's settings as a new shop has them (the mock engine's defaults), changed by `extra`. */
export function settings(extra: Partial<Settings> = {}): Settings {
  return { ...structuredClone(DEFAULT_SETTINGS), ...extra };
}

/** Rupiah as the screens show it: `Rp` and dots between thousands. */
export const rp = (n: number) => `Rp${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.')}`;

/** Answers every command with null and keeps what was called, with its arguments, in order. */
export function recordIpc(): [string, unknown][] {
  const calls: [string, unknown][] = [];
  mockIPC((cmd, args) => {
    calls.push([cmd, args]);
    return null;
  });
  return calls;
}

/**
 * For the test file or `describe` block that calls it: before each test a new mock engine
 * (fast, owner logged in) whose events are kept in `events`; stopped after the test.
 */
export function engineTests() {
  const m = { engine: undefined as unknown as MockEngine, events: [] as [string, unknown][] };
  beforeEach(async () => {
    m.events = [];
    m.engine = createMockEngine('ready', { stepMs: 2, pendingMs: 4, printMs: 1 }, (e, p) => m.events.push([e, p]));
    await m.engine.handle('login', { pin: '123456' });
  });
  afterEach(() => m.engine.stop());

  const call = <T>(cmd: string, args: Record<string, unknown> = {}) => m.engine.handle(cmd, args) as Promise<T>;
  /** The error a command that must fail fails with. */
  const fails = async (cmd: string, args: Record<string, unknown>): Promise<CommandError> => {
    try {
      await call(cmd, args);
    } catch (e) {
      return e as CommandError;
    }
    throw new Error(`${cmd} should have failed`);
  };
  /** Every state the engine announced for order `id`, in order. */
  const updates = (id: string) => m.events.filter(([e, p]) => e === 'order-updated' && (p as Order).id === id).map(([, p]) => p as Order);
  /** The order once the engine announced it SUCCESS or GAGAL. */
  const settled = (id: string) =>
    new Promise<Order>((ok) => {
      const tick = () => {
        const last = updates(id).at(-1);
        if (last && ['success', 'failed'].includes(last.status)) ok(last);
        else setTimeout(tick, 2);
      };
      tick();
    });
  return Object.assign(m, { call, fails, updates, settled });
}
