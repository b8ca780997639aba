// What every mock command handler is given: the memory, the timing knobs, a way to emit
// engine events and a way to schedule the supplier's later answers.

import type { MockDb } from './db';

export interface MockOptions {
  /** Time between two status steps of an order (queued -> accepted -> processing -> pending). */
  stepMs: number;
  /** How long a supplier keeps an order pending before answering. */
  pendingMs: number;
  /** Time between print-job steps. */
  printMs: number;
  /** Simulated engine latency for every command. */
  latencyMs: number;
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
