// What every mock command handler is given: the memory, the timing knobs, a way to emit
// engine events and a way to schedule the supplier's later answers.

import type { WireCatalog } from './catalogue';
import type { MockDb } from './db';

/**
 * What the server does with the orders it is sent:
 * - `demo`: the demo supplier, keyed on the target (mock/selling.ts lists the numbers);
 * - `down`: the server does not take orders (503): each is sent once and stays queued;
 * - `refunds`: the server reports each order `success`, then `refunded` (the supplier
 *   reversed it and the saldo came back).
 */
export type OrderAnswers = 'demo' | 'down' | 'refunds';

/**
 * The server a device pairs with. Without one the mock plays the demo shop's server
 * (`KONTER MAJU JAYA`, the demo catalogue, a day of earlier sales and a cashier on pairing).
 */
export interface MockServer {
  /** The one pairing code the server accepts, exactly as typed. */
  pairingCode: string;
  shopName: string;
  catalogue: WireCatalog;
  /** The shop's saldo the change feed reports on pairing. */
  saldoIdr: number;
  orders: OrderAnswers;
}

export interface MockOptions {
  /** Time between two status steps of an order (queued -> accepted -> processing -> pending). */
  stepMs: number;
  /** How long a supplier keeps an order pending before answering. */
  pendingMs: number;
  /** Time between print-job steps. */
  printMs: number;
  /** Simulated engine latency for every command. */
  latencyMs: number;
  /** The server `pair` reaches; the demo shop's when absent. */
  server?: MockServer;
}

export const DEFAULT_OPTIONS: MockOptions = {
  stepMs: 500,
  pendingMs: 1500,
  printMs: 300,
  latencyMs: 0,
};

export interface Ctx {
  db: MockDb;
  opts: MockOptions;
  emit: (event: string, payload: unknown) => void;
  later: (ms: number, fn: () => void) => void;
}
