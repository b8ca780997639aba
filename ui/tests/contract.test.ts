// @vitest-environment jsdom
// The shared contract (tests/contract/scenarios.json, format in tests/contract/README.md)
// run against the stand-in engine of mock.ts. The same file is run against the real engine
// over Tauri's IPC; a scenario that passes here and fails there (or the other way round) is
// a drift of the stand-in, to be fixed in the stand-in.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { shopDate } from '../src/lib/format';
import * as ipc from '../src/lib/ipc';
import { createMockEngine, MOCK_COMMANDS, type MockEngine } from '../src/lib/mock';
import type { WireCatalog } from '../src/lib/mock/catalogue';
import { DEFAULT_SETTINGS } from '../src/lib/mock/db';
import type { OrderAnswers } from '../src/lib/mock/context';
import type { CommandError } from '../src/lib/types';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Step {
  cmd: string;
  args: Record<string, Json>;
  expect: { ok: Json } | { error: string; field?: string | null };
  as?: string;
  poll?: boolean;
}

interface Scenario {
  name: string;
  clock?: string;
  orders?: OrderAnswers;
  steps: Step[];
}

interface ScenarioFile {
  version: number;
  server: { pairing_code: string; shop_name: string; saldo_idr: number; orders: OrderAnswers };
  catalogue: WireCatalog;
  scenarios: Scenario[];
}

const FILE = JSON.parse(readFileSync(join(import.meta.dirname, 'contract', 'scenarios.json'), 'utf8')) as ScenarioFile;

/** Where `${server}` points: the stand-in needs no address, only a well-formed one. */
const SERVER_URL = 'http://localhost:8080';
/**
 * `CONTRACT_ALL_STEPS=1` reports every step that does not match, not only the first: each
 * step still runs on whatever state the earlier ones left.
 */
const ALL_STEPS = process.env['CONTRACT_ALL_STEPS'] === '1';
/** How long a `poll` step may take to match, and how often it is asked again. */
const POLL_MS = 2_000;
const POLL_EVERY_MS = 20;

// --- placeholders -------------------------------------------------------------------------

const PLACEHOLDER = /\$\{([^}]+)\}/g;

/** `day:+9` today at UTC+9; `day:+9:-1` the day before. */
function day(spec: string): string | undefined {
  const m = /^day:([+-]\d{1,2})(?::([+-]\d+))?$/.exec(spec);
  if (!m) return undefined;
  const shift = Number(m[2] ?? '0') * 86_400_000;
  return shopDate(new Date(Date.now() + shift), Number(m[1]));
}

function lookup(name: string, vars: Record<string, unknown>): unknown {
  const d = day(name);
  if (d !== undefined) return d;
  let v: unknown = vars;
  for (const part of name.split('.')) {
    if (typeof v !== 'object' || v === null || !(part in v)) throw new Error(`no value for \${${name}}`);
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** Fills in `${…}`: a string that is one placeholder takes the value itself, with its type. */
function fill(value: Json, vars: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{([^}]+)\}$/.exec(value);
    if (whole?.[1]) return lookup(whole[1], vars);
    return value.replace(PLACEHOLDER, (_, name: string) => String(lookup(name, vars)));
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, vars));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]));
  }
  return value;
}

// --- partial matching ---------------------------------------------------------------------

/**
 * Where `actual` departs from `expected`, or null when it matches: every key of an expected
 * object deep-matches in the actual one (other keys are ignored; an expected null matches an
 * absent key), arrays have the same length and match element by element, anything else is
 * equal.
 */
function mismatch(expected: unknown, actual: unknown, path = '$'): string | null {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${JSON.stringify(actual)}`;
    if (actual.length !== expected.length) {
      return `${path}: expected ${expected.length} element(s), got ${actual.length}: ${JSON.stringify(actual)}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const m = mismatch(expected[i], actual[i], `${path}[${i}]`);
      if (m) return m;
    }
    return null;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return `${path}: expected an object, got ${JSON.stringify(actual)}`;
    }
    for (const [k, v] of Object.entries(expected)) {
      const m = mismatch(v, (actual as Record<string, unknown>)[k], `${path}.${k}`);
      if (m) return m;
    }
    return null;
  }
  // An absent key is null: serde leaves out what the stand-in leaves undefined.
  if (expected === null && actual === undefined) return null;
  return Object.is(expected, actual) ? null : `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

// --- running a scenario -------------------------------------------------------------------

type Outcome = { ok: unknown } | { error: CommandError };

async function run(engine: MockEngine, cmd: string, args: unknown): Promise<Outcome> {
  try {
    const value = await engine.handle(cmd, args as Record<string, unknown>);
    // A Rust command answering `()` gives JSON null.
    return { ok: value === undefined ? null : structuredClone(value) };
  } catch (e) {
    return { error: e as CommandError };
  }
}

function judge(expect: Step['expect'], got: Outcome): string | null {
  if ('ok' in expect) {
    if ('error' in got) return `expected success, got ${JSON.stringify(got.error)}`;
    return mismatch(expect.ok, got.ok);
  }
  if ('ok' in got) return `expected error ${expect.error}, got success ${JSON.stringify(got.ok)}`;
  if (got.error.code !== expect.error) return `expected error ${expect.error}, got ${JSON.stringify(got.error)}`;
  if (expect.field !== undefined && (got.error.field ?? null) !== expect.field) {
    return `expected error ${expect.error} on ${JSON.stringify(expect.field)}, got ${JSON.stringify(got.error)}`;
  }
  if (!got.error.message.includes(' / ')) return `the message is not "Bahasa Indonesia / English": ${got.error.message}`;
  return null;
}

async function play(scenario: Scenario): Promise<void> {
  const engine = createMockEngine('fresh', {
    stepMs: 5,
    pendingMs: 10,
    printMs: 1,
    server: {
      pairingCode: FILE.server.pairing_code,
      shopName: FILE.server.shop_name,
      catalogue: FILE.catalogue,
      saldoIdr: FILE.server.saldo_idr,
      orders: scenario.orders ?? FILE.server.orders,
    },
  });
  const vars: Record<string, unknown> = { server: SERVER_URL };
  const wrongSteps: string[] = [];
  try {
    for (const [i, step] of scenario.steps.entries()) {
      let args: unknown;
      let expect: Step['expect'];
      try {
        args = fill(step.args, vars);
        expect = fill(step.expect as Json, vars) as Step['expect'];
      } catch (e) {
        // A value an earlier wrong step did not give.
        if (!ALL_STEPS) throw e;
        wrongSteps.push(`step ${i + 1} (${step.cmd}): ${(e as Error).message}`);
        continue;
      }
      // `performance`, not `Date`: a scenario's clock may stand still.
      const started = performance.now();
      let got = await run(engine, step.cmd, args);
      let wrong = judge(expect, got);
      while (wrong && step.poll && performance.now() - started < POLL_MS) {
        await new Promise((r) => setTimeout(r, POLL_EVERY_MS));
        got = await run(engine, step.cmd, args);
        wrong = judge(expect, got);
      }
      if (wrong) {
        wrongSteps.push(`step ${i + 1} (${step.cmd} ${JSON.stringify(args)}): ${wrong}`);
        if (!ALL_STEPS) break;
      }
      if (step.as && 'ok' in got) vars[step.as] = got.ok;
    }
  } finally {
    engine.stop();
  }
  if (wrongSteps.length > 0) throw new Error(wrongSteps.join('\n'));
}

// --- the argument names the UI sends ------------------------------------------------------

/** Every command ipc.ts sends, with every argument name it may send (optional ones included). */
async function uiArguments(): Promise<Record<string, Set<string>>> {
  const seen: Record<string, Set<string>> = {};
  mockIPC((cmd, args) => {
    const keys = (seen[cmd] ??= new Set());
    for (const k of Object.keys((args ?? {}) as object)) keys.add(k);
    return null;
  });
  const rule = { id: '', scope: 'brand', key: 'DANA', markup: { kind: 'fixed', idr: 0 }, round_to: 1 } as const;
  await Promise.all([
    ipc.appState(),
    ipc.pair('https://k.id', 'ABCD2345', 'Kasir'),
    ipc.setupOwner('Bu Sri', '123456'),
    ipc.login('123456'),
    ipc.logout(),
    ipc.quote('0812'),
    ipc.gameProducts('mobile_legends'),
    ipc.emoneyProducts('0812'),
    ipc.plnInquiry('12345678901'),
    ipc.gameInquiry('mobile_legends', '1'),
    ipc.placeOrder({ sku: 'x', target: 'y', cashIdr: 1, confirmRepeat: true }),
    ipc.billProducts(),
    ipc.billInquiry('pln', '1'),
    ipc.payBill('i', 1),
    ipc.orders({ query: 'q', status: 'queued', date: '2026-01-01', limit: 1 }),
    ipc.orderDetail('o'),
    ipc.staleOrders(),
    ipc.reconfirmOrder('o'),
    ipc.cancelQueuedOrder('o'),
    ipc.saldo(),
    ipc.saldoHistory(1),
    ipc.requestDeposit(10_000, 'va', 'bca'),
    ipc.report('2026-01-01'),
    ipc.exportCsv('2026-01-01'),
    ipc.closeShift(0),
    ipc.settings(),
    ipc.saveSettings(DEFAULT_SETTINGS),
    ipc.priceRules(),
    ipc.savePriceRule(rule),
    ipc.deletePriceRule('brand:DANA'),
    ipc.cashiers(),
    ipc.createCashier('Sri', 'cashier', '1111'),
    ipc.disableCashier('c'),
    ipc.printOrder('o', true),
    ipc.testPrint(),
    ipc.receiptPreview('o', true),
  ]);
  clearMocks();
  return seen;
}

// --- the tests ----------------------------------------------------------------------------

afterEach(() => {
  vi.useRealTimers();
  clearMocks();
});

describe('the contract scenarios', () => {
  it('use only commands and argument names the UI sends', async () => {
    const ui = await uiArguments();
    expect(FILE.version).toBe(1);
    expect(new Set(FILE.scenarios.map((s) => s.name)).size, 'scenario names are unique').toBe(FILE.scenarios.length);
    for (const s of FILE.scenarios) {
      for (const step of s.steps) {
        const known = ui[step.cmd];
        expect(known, `${s.name}: ${step.cmd} is a command of ipc.ts`).toBeDefined();
        expect(MOCK_COMMANDS, `${s.name}: the stand-in answers ${step.cmd}`).toContain(step.cmd);
        for (const k of Object.keys(step.args)) {
          expect(known?.has(k), `${s.name}: ${step.cmd} takes ${k} from the UI`).toBe(true);
        }
      }
    }
  });

  it('match partially: objects by the keys given, arrays element-wise and of the same length', () => {
    expect(mismatch({ a: 1 }, { a: 1, b: 2 })).toBeNull();
    expect(mismatch({ a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 2, d: 3 }] } })).toBeNull();
    expect(mismatch([], [1])).toContain('expected 0 element(s)');
    expect(mismatch({ a: null }, { a: 0 })).toContain('$.a');
    expect(mismatch({ a: 1 }, {})).toContain('$.a');
    expect(mismatch({ a: null }, {})).toBeNull();
    expect(mismatch(null, null)).toBeNull();
    expect(mismatch('1', 1)).toContain('expected "1"');
  });
});

describe('the stand-in engine against the contract', () => {
  for (const scenario of FILE.scenarios) {
    it(scenario.name, async () => {
      if (scenario.clock) {
        // Only Date: the stand-in's own timers (the server's answers) keep real time.
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(new Date(scenario.clock));
      }
      await play(scenario);
    });
  }
});
