// @ts-check
// End-to-end run of the owner's back office (`/owner/`, crates/konter-server/owner/) against
// a real konter-server and the supplier sandbox, in Debian's Chromium through
// playwright-core (no downloaded browser). Two owners, three outlets, three paired devices
// (the `konter` CLI) selling through the sandbox; the page's figures must equal the sums of
// the devices' own reports, and a selling-price rule saved on the page's Pengaturan toko must
// reach both counters of the outlet (and not the other outlet's). Screenshots go to
// artifacts/owner/; the run ends with "N passed, M failed" (exit 1 on any failure).
//
// konter-server embeds the page (crates/konter-server/owner/) when it is built; a binary whose
// copy differs from the working tree's fails the run (the rest still runs, against the tree's
// files with the server's own headers, CSP included, so one stale build shows every other
// result too).
//
//   node e2e/owner.mjs
//   KONTER_BIN=DIR node …      where konter-server, konter-sandbox and konter are
//                              (default ~/.cache/konter/target/debug; nothing is built here)
//   CHROMIUM=PATH node …       the browser (default /usr/bin/chromium)
//   E2E_KEEP=1 node …          keep the temp dir (database, device stores, logs) after a pass

import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const UI = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPO = join(UI, '..');
const SHOTS = join(UI, 'artifacts', 'owner');
const CHROMIUM = process.env['CHROMIUM'] ?? '/usr/bin/chromium';
const BIN = process.env['KONTER_BIN'] ?? join(homedir(), '.cache', 'konter', 'target', 'debug');
const CATALOGUE = join(REPO, 'demo', 'catalogue.toml');
const OWNER_DIR = join(REPO, 'crates', 'konter-server', 'owner');
/** The page's files by the path the server serves them at. @type {Record<string, string>} */
/** Every file of the page, by the path it is served at: the server must embed them all. */
const OWNER_FILES = Object.fromEntries(
  readdirSync(OWNER_DIR)
    .filter((f) => /\.(html|css|js)$/.test(f))
    .map((f) => [f === 'index.html' ? '/owner/' : `/owner/${f}`, f]),
);
/** One check may take this long; a hung check fails, the run goes on. */
const CHECK_TIMEOUT_MS = 60_000;
/** The whole run ends by then whatever happens. */
const RUN_TIMEOUT_MS = 5 * 60_000;
/** One CLI command. */
const CMD_TIMEOUT_MS = 90_000;
/** One wait for something on the page. */
const WAIT_MS = 15_000;
/** The page polls every 10 s; a new sale must show within this. */
const LIVE_MS = 30_000;
const PHONE_A = '081211110001';
const PHONE_B = '081299990002';
const PASSWORD_A = 'kata-sandi-pemilik-A';
const PASSWORD_B = 'kata-sandi-pemilik-B';
const PIN = '123456';
const CASHIER = 'Bu Sari';
const SKU = 'tsel10';
/** demo/catalogue.toml: tsel10 costs Rp10.300 at digiflazz; the gold tier adds Rp500, rounded up to Rp100. */
const SALDO_TSEL10 = 10_800;
/** @type {{w: number, h: number}[]} */
const SIZES = [
  { w: 390, h: 844 },
  { w: 1366, h: 900 },
];

/** @typedef {{count: number, omzet_idr: number, modal_idr: number, laba_idr: number, failed_count: number, pending_count: number, date: string}} DeviceReport */
/** @typedef {{name: string, shop: string, dir: string, sales: string[], report: DeviceReport | null}} Device */
/** @typedef {import('playwright-core').Page} Page */
/** @typedef {{id: string, sku: string, target: string, status: string, price_idr: number, cost_idr: number}} DeviceOrder */

// ---------------------------------------------------------------------------------------------
// Processes: everything started here is killed at the end, on failure and by the watchdog.

/** @type {import('node:child_process').ChildProcess[]} */
const children = [];

function killAll() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
process.on('exit', killAll);
for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(sig, () => {
    killAll();
    process.exit(1);
  });
}

let passed = 0;
let failed = 0;

const watchdog = setTimeout(() => {
  console.error(`owner e2e: the run took longer than ${RUN_TIMEOUT_MS / 1000}s; stopping`);
  killAll();
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
}, RUN_TIMEOUT_MS);

/** @template T @param {Promise<T>} p @param {number} ms @param {string} what @returns {Promise<T>} */
function within(p, ms, what) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  /** @type {Promise<never>} */
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms / 1000}s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** @param {unknown} cond @param {string} message @returns {asserts cond} */
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** @param {unknown} a @param {unknown} b @param {string} what */
function equal(a, b, what) {
  assert(a === b, `${what}: expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`);
}

/**
 * Runs one named check; a failure is reported with its detail and the run goes on.
 * @template T @param {string} name @param {() => Promise<T>} fn @returns {Promise<T | undefined>}
 */
async function check(name, fn) {
  const started = Date.now();
  try {
    const value = await within(fn(), CHECK_TIMEOUT_MS, name);
    passed += 1;
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
    return value;
  } catch (e) {
    failed += 1;
    const message = e instanceof Error ? e.message : String(e);
    console.log(`FAIL ${name} (${Date.now() - started} ms)\n     ${message.split('\n').slice(0, 6).join('\n     ')}`);
    return undefined;
  }
}

/** @param {number} ms */
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** A free TCP port on 127.0.0.1. @returns {Promise<number>} */
function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

/**
 * Runs a CLI to its end; resolves to trimmed stdout, rejects with the exit status and stderr.
 * @param {string} bin @param {string[]} args @param {NodeJS.ProcessEnv} [env]
 * @returns {Promise<string>}
 */
function run(bin, args, env) {
  return new Promise((ok, fail) => {
    execFile(join(BIN, bin), args, { env: env ?? process.env, timeout: CMD_TIMEOUT_MS, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`${bin} ${args.join(' ')}: ${err.message.split('\n')[0]}\n${String(stderr).trim()}`));
      else ok(String(stdout).trim());
    });
  });
}

/**
 * Starts a long-running binary with its output in `log`.
 * @param {string} bin @param {string[]} args @param {string} log
 */
function start(bin, args, log) {
  const out = openSync(log, 'a');
  const child = spawn(join(BIN, bin), args, { stdio: ['ignore', out, out] });
  children.push(child);
  return child;
}

/** @param {import('node:child_process').ChildProcess} child */
async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((ok) => child.once('exit', ok));
  child.kill('SIGTERM');
  await Promise.race([gone, sleep(3000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Waits until `url` answers 200. @param {string} url @param {import('node:child_process').ChildProcess} child @param {string} log */
async function waitUp(url, child, log) {
  const until = Date.now() + 30_000;
  let last = '';
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before ${url} answered:\n${tail(log)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer 200 within 30s (${last}):\n${tail(log)}`);
}

/** The end of a log file. @param {string} file */
function tail(file) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-12).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---------------------------------------------------------------------------------------------
// Figures.

const groupThousands = (/** @type {string} */ digits) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
/** `150000` -> `Rp150.000`, as the page writes money. @param {number} idr */
const money = (idr) => `${idr < 0 ? '-' : ''}Rp${groupThousands(String(Math.abs(Math.round(idr))))}`;
/** @param {number} n */
const count = (n) => (n < 0 ? '-' : '') + groupThousands(String(Math.abs(n)));
/** A price rounded up to a step, as the counters' price rules do. @param {number} idr @param {number} step */
const roundUp = (idr, step) => Math.ceil(idr / step) * step;

/** Sums of the devices' own reports. @param {Device[]} devices */
function sums(devices) {
  const total = { count: 0, omzet_idr: 0, modal_idr: 0, laba_idr: 0, failed_count: 0, pending_count: 0 };
  for (const d of devices) {
    assert(d.report, `no report from ${d.name}`);
    total.count += d.report.count;
    total.omzet_idr += d.report.omzet_idr;
    total.modal_idr += d.report.modal_idr;
    total.laba_idr += d.report.laba_idr;
    total.failed_count += d.report.failed_count;
    total.pending_count += d.report.pending_count;
  }
  return total;
}

/** The cards the summary must show for these totals. @param {ReturnType<typeof sums>} s */
const cardsFor = (s) => ({
  'card-omzet': money(s.omzet_idr),
  'card-modal': money(s.modal_idr),
  'card-laba': money(s.laba_idr),
  'card-count': count(s.count),
  'card-failed': count(s.failed_count),
  'card-pending': count(s.pending_count),
});

// ---------------------------------------------------------------------------------------------
// Page helpers.

/** @param {string} id */
const tid = (id) => `[data-testid="${id}"]`;

/** Texts of the cards. @param {Page} page @param {string[]} ids */
async function texts(page, ids) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const id of ids) out[id] = ((await page.locator(tid(id)).first().textContent()) ?? '').trim();
  return out;
}

/**
 * Waits until every test id shows its text; on time-out says what it showed instead.
 * @param {Page} page @param {Record<string, string>} want @param {number} [timeout]
 */
async function waitCards(page, want, timeout = WAIT_MS) {
  try {
    await page.waitForFunction(
      (w) => Object.entries(w).every(([id, text]) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() === text),
      want,
      { timeout, polling: 200 },
    );
  } catch {
    const got = await texts(page, Object.keys(want));
    const diff = Object.keys(want).filter((k) => got[k] !== want[k]).map((k) => `${k}: want ${want[k]}, page shows ${got[k]}`);
    throw new Error(`after ${timeout / 1000}s: ${diff.join('; ')}`);
  }
}

/** Body rows of a table: each row's cell texts. @param {Page} page @param {string} table */
function rows(page, table) {
  return page.$$eval(`${tid(table)} tbody tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll('td,th')].map((c) => (c.textContent ?? '').trim())));
}

/**
 * A same-origin fetch from inside the page (with its cookie).
 * @param {Page} page @param {string} path @returns {Promise<{status: number, text: string}>}
 */
function pageFetch(page, path) {
  return page.evaluate(async (p) => {
    const res = await fetch(p, { credentials: 'same-origin', cache: 'no-store' });
    return { status: res.status, text: await res.text() };
  }, path);
}

/** Full-page screenshots at both sizes; the page is left at the first. @param {Page} page @param {string} name */
async function shoot(page, name) {
  const files = [];
  for (const { w, h } of SIZES) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(150);
    const file = join(SHOTS, `${name}-${w}x${h}.png`);
    await page.screenshot({ path: file, fullPage: true });
    files.push(file);
  }
  await page.setViewportSize({ width: SIZES[0].w, height: SIZES[0].h });
  return files;
}

/** @param {Page} page @param {string} selector */
async function visible(page, selector) {
  await page.locator(selector).first().waitFor({ state: 'visible', timeout: WAIT_MS });
}

/**
 * Sets a password with a setup code on the page (already open at /owner/).
 * @param {Page} page @param {string} phone @param {string} code @param {string} password
 */
async function setup(page, phone, code, password) {
  await page.goto(`${page.url().split('#')[0]}#/atur`);
  await visible(page, tid('setup-phone'));
  await page.fill(tid('setup-phone'), phone);
  await page.fill(tid('setup-code'), code);
  await page.fill(tid('setup-password'), password);
  await page.fill(tid('setup-password2'), password);
  await page.click(tid('setup-submit'));
}

/** Collects errors a page reports; the deliberate 401/404 fetches are not errors. @param {Page} page */
function watchErrors(page) {
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/Failed to load resource: the server responded with a status of (401|404)/.test(m.text())) return;
    // the settings checks provoke a 422 (two-line header) and a 409 (saved meanwhile)
    if (/Failed to load resource: the server responded with a status of (409|422)/.test(m.text()) && m.location().url.includes('/owner/api/settings')) return;
    errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/**
 * Whether the server's embedded page differs from the working tree's files.
 * @param {string} base
 */
async function pageIsStale(base) {
  for (const [path, file] of Object.entries(OWNER_FILES)) {
    const served = await (await fetch(`${base}${path}`)).text();
    if (served !== readFileSync(join(OWNER_DIR, file), 'utf8')) return true;
  }
  return false;
}

/**
 * A browser context; when `tree`, the page's files come from the working tree with the
 * server's headers (so its CSP still holds).
 * @param {import('playwright-core').Browser} browser @param {import('playwright-core').BrowserContextOptions} options
 * @param {string} base @param {boolean} tree
 */
async function newContext(browser, options, base, tree) {
  const ctx = await browser.newContext(options);
  if (tree) {
    await ctx.route((url) => url.origin === base && url.pathname in OWNER_FILES, async (route) => {
      const response = await route.fetch();
      const file = OWNER_FILES[new URL(route.request().url()).pathname];
      await route.fulfill({ response, body: readFileSync(join(OWNER_DIR, file), 'utf8') });
    });
  }
  return ctx;
}

/** Settings as /owner/api/settings gives them. @param {Page} page @param {string} shop */
async function apiSettings(page, shop) {
  const res = await pageFetch(page, `/owner/api/settings?shop=${shop}`);
  equal(res.status, 200, `GET /owner/api/settings (body ${res.text.slice(0, 200)})`);
  return JSON.parse(res.text);
}

// ---------------------------------------------------------------------------------------------
// The run.

async function main() {
  const started = Date.now();
  for (const bin of ['konter-server', 'konter-sandbox', 'konter']) {
    if (!existsSync(join(BIN, bin))) throw new Error(`${join(BIN, bin)} not found; build it first (cargo build) or set KONTER_BIN`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`);
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'konter-owner-e2e-'));
  console.log(`owner e2e: temp dir ${tmp}`);
  const config = join(tmp, 'konter-server.toml');
  const serverLog = join(tmp, 'server.log');
  const sandboxLog = join(tmp, 'sandbox.log');
  /** @type {NodeJS.ProcessEnv} */
  const deviceEnv = { ...process.env, KONTER_TOKEN_STORE: 'file' };
  delete deviceEnv['KONTER_DATA_DIR'];
  delete deviceEnv['KONTER_PIN'];
  /** @param {string[]} args */
  const server = (...args) => run('konter-server', ['--config', config, ...args]);
  /** @param {Device} d @param {string[]} args */
  const device = (d, ...args) => run('konter', ['--data-dir', d.dir, ...args], deviceEnv);

  let base = '';
  let sandboxUrl = '';
  /** @type {import('node:child_process').ChildProcess | null} */
  let serverProc = null;
  /** @type {import('node:child_process').ChildProcess | null} */
  let sandboxProc = null;
  /** @type {import('playwright-core').Browser | null} */
  let browser = null;
  try {
    // 1. Server and sandbox.
    const up = await check('start konter-sandbox and konter-server, /healthz answers', async () => {
      const [serverPort, sandboxPort] = [await freePort(), await freePort()];
      base = `http://127.0.0.1:${serverPort}`;
      sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
      // The demo's configuration (the sandbox's own keys), with a temp database and these
      // ports: the keys live in one place.
      const demo = readFileSync(join(REPO, 'demo', 'konter-server.toml'), 'utf8')
        .replace(/^db = .*$/m, `db = "sqlite://${join(tmp, 'konter-server.db')}"`)
        .replace(/^listen = .*$/m, `listen = "127.0.0.1:${serverPort}"`)
        .replaceAll('http://127.0.0.1:8090', sandboxUrl);
      writeFileSync(config, `${demo}\n[fulfilment]\nprice_sync_s = 0\n`);
      sandboxProc = start('konter-sandbox', ['--listen', `127.0.0.1:${sandboxPort}`, '--webhook-base', base], sandboxLog);
      serverProc = start('konter-server', ['--config', config, 'serve'], serverLog);
      await waitUp(`${sandboxUrl}/_sandbox/requests`, sandboxProc, sandboxLog);
      await waitUp(`${base}/healthz`, serverProc, serverLog);
      return true;
    });
    if (!up) return false;

    // 2. Shops, saldo, catalogue, owners.
    /** @type {Record<string, string>} */
    const shopIds = {};
    /** @type {string[]} */
    const codesA = [];
    let codeB = '';
    await check('shop create A01, A02, B01 (gold); shop list agrees', async () => {
      shopIds['A01'] = await server('shop', 'create', 'A01', '--name', 'Konter Maju', '--tier', 'gold');
      shopIds['A02'] = await server('shop', 'create', 'A02', '--name', 'Konter Maju Dua', '--tier', 'gold');
      shopIds['B01'] = await server('shop', 'create', 'B01', '--name', 'Konter Lain', '--tier', 'gold');
      const list = (await server('shop', 'list')).split('\n').map((l) => l.split('\t'));
      for (const code of ['A01', 'A02', 'B01']) {
        const line = list.find((l) => l[0] === code);
        assert(line, `shop list has no ${code}: ${JSON.stringify(list)}`);
        equal(line[1], shopIds[code], `${code}'s id in shop list`);
        equal(line[2], 'gold', `${code}'s tier`);
      }
    });
    await check('saldo credit 500000 to each shop', async () => {
      for (const code of ['A01', 'A02', 'B01']) await server('saldo', 'credit', code, '500000', '--ref', 'modal');
    });
    await check('catalog load demo/catalogue.toml', () => server('catalog', 'load', CATALOGUE));
    await check('owner create: one owner of A01 and A02, another of B01', async () => {
      codesA.push(await server('owner', 'create', PHONE_A, '--shop', 'A01'));
      codesA.push(await server('owner', 'create', PHONE_A, '--shop', 'A02'));
      codeB = await server('owner', 'create', PHONE_B, '--shop', 'B01');
      for (const c of [...codesA, codeB]) assert(/^\S{6,}$/.test(c), `a setup code alone on stdout, got ${JSON.stringify(c)}`);
      assert(codesA[0] !== codesA[1], 'the second code should replace the first');
    });

    // 3. Devices: pair, a cashier, sales, sync, their own reports.
    /** @type {Device[]} */
    const devices = [
      { name: 'Kasir 1', shop: 'A01', dir: join(tmp, 'device-1'), sales: ['081234560010', '081234560011', '081234560012'], report: null },
      { name: 'Kasir 2', shop: 'A01', dir: join(tmp, 'device-2'), sales: ['081234560020', '081234560021'], report: null },
      { name: 'Kasir Dua', shop: 'A02', dir: join(tmp, 'device-3'), sales: ['081234560030'], report: null },
    ];
    /** @param {string} target */
    const expected = (target) => (target.endsWith('2') ? 'failed' : 'success');
    /** @param {Device} d @param {string} target */
    const sell = async (d, target) => {
      const out = await device(d, 'sell', target, SKU, '--cash', '20000', '--wait');
      const status = out.split('\n').at(-1)?.split('\t')[1];
      equal(status, expected(target), `${d.name} sells ${SKU} to ${target}`);
    };
    /** @param {Device} d */
    const syncTwice = async (d) => {
      await device(d, 'sync', '--once');
      await sleep(1000);
      await device(d, 'sync', '--once');
    };
    /** @param {Device} d @returns {Promise<DeviceReport>} */
    const report = async (d) => JSON.parse(await device(d, 'report', '--json'));
    for (const d of devices) {
      await check(`${d.name} (${d.shop}): pair, owner cashier, login`, async () => {
        const code = await server('device', 'pair-code', d.shop);
        await device(d, 'pair', base, code, '--name', d.name);
        assert(existsSync(join(d.dir, 'device-token')), 'no device-token file in the data dir');
        await device(d, 'cashier', CASHIER, '--role', 'owner', '--pin', PIN);
        await device(d, 'login', CASHIER, '--pin', PIN);
      });
    }
    for (const d of devices) {
      await check(`${d.name}: sells ${d.sales.join(', ')} (${d.sales.map(expected).join(', ')})`, async () => {
        for (const target of d.sales) await sell(d, target);
      });
    }
    for (const d of devices) await check(`${d.name}: sync --once twice`, () => syncTwice(d));
    for (const d of devices) {
      await check(`${d.name}: report --json`, async () => {
        const r = await report(d);
        for (const k of /** @type {const} */ (['count', 'omzet_idr', 'modal_idr', 'laba_idr', 'failed_count', 'pending_count'])) {
          assert(Number.isSafeInteger(r[k]), `${k} is not a whole number: ${JSON.stringify(r[k])}`);
        }
        const ok = d.sales.filter((t) => expected(t) === 'success').length;
        equal(r.count, ok, 'count');
        equal(r.failed_count, d.sales.length - ok, 'failed_count');
        equal(r.pending_count, 0, 'pending_count');
        d.report = r;
      });
    }
    const shopA01 = devices.filter((d) => d.shop === 'A01');
    const ownerA = devices.filter((d) => d.shop === 'A01' || d.shop === 'A02');
    const allSales = devices.reduce((n, d) => n + d.sales.length, 0);

    // 4. The browser: owner A.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    /** The server's "today" is WIB; so is the page's. */
    const contextOptions = { viewport: { width: SIZES[0].w, height: SIZES[0].h }, locale: 'id-ID', timezoneId: 'Asia/Jakarta', acceptDownloads: true };
    // The page under test must be the one the server serves; a binary built from older files
    // fails here (build it again: cargo build -p konter-server).
    let tree = false;
    await check('the server serves the owner page in the tree', async () => {
      if (await pageIsStale(base)) {
        tree = true;
        throw new Error('konter-server embeds another owner page than crates/konter-server/owner/; rebuild it');
      }
    });
    const ctxA = await newContext(browser, contextOptions, base, tree);
    const pageA = await ctxA.newPage();
    pageA.setDefaultTimeout(WAIT_MS);
    const errorsA = watchErrors(pageA);

    await check('A: /owner/ opens on Masuk (login screenshot)', async () => {
      const res = await pageA.goto(`${base}/owner/`);
      equal(res?.status(), 200, 'GET /owner/');
      await visible(pageA, tid('login-phone'));
      await shoot(pageA, 'login');
    });
    await check('A: the replaced (first) setup code is refused on the page', async () => {
      await setup(pageA, PHONE_A, codesA[0], PASSWORD_A);
      await visible(pageA, tid('setup-error'));
      const text = await pageA.locator(tid('setup-error')).textContent();
      equal(text, 'Kode pengaturan salah atau kedaluwarsa.', 'setup error');
    });
    const loggedIn = await check('A: setup with the valid (last) code lands on Ringkasan', async () => {
      await setup(pageA, PHONE_A, codesA[1], PASSWORD_A);
      await visible(pageA, tid('card-count'));
      assert(pageA.url().endsWith('#/ringkasan'), `url after setup: ${pageA.url()}`);
      const who = await pageA.locator('#who').textContent();
      assert(who?.includes('0812-1111-0001'), `header shows ${JSON.stringify(who)}`);
      const options = await pageA.$$eval(`${tid('shop-picker')} option`, (os) => os.map((o) => /** @type {HTMLOptionElement} */ (o).value));
      equal(options.length, 3, 'shop-picker options (all + 2 outlets)');
      return true;
    });
    // The setup screen, shot on its own (a fresh context, so the valid code is not used up).
    await check('setup screen screenshot', async () => {
      const ctx = await newContext(/** @type {import('playwright-core').Browser} */ (browser), contextOptions, base, tree);
      try {
        const page = await ctx.newPage();
        await page.goto(`${base}/owner/#/atur`);
        await visible(page, tid('setup-phone'));
        await page.fill(tid('setup-phone'), PHONE_A);
        await page.fill(tid('setup-code'), 'XXXXX-XXXXX');
        await page.fill(tid('setup-password'), PASSWORD_A);
        await page.fill(tid('setup-password2'), PASSWORD_A);
        await shoot(page, 'setup');
      } finally {
        await ctx.close();
      }
    });

    const totalA = sums(ownerA);
    const totalA01 = sums(shopA01);
    if (loggedIn) {
      await check(`A: cards (all outlets, today) equal the 3 devices' sums: ${JSON.stringify(cardsFor(totalA))}`, async () => {
        await waitCards(pageA, cardsFor(totalA));
        const r = JSON.parse((await pageFetch(pageA, '/owner/api/report')).text);
        equal(r.from, ownerA[0].report?.date, "the server's today vs the devices' report date");
      });
      await check('A: per-outlet table has 2 outlets, per-device table 3 devices with their own figures', async () => {
        const shops = await rows(pageA, 'table-shop');
        equal(shops.length, 2, `outlet rows ${JSON.stringify(shops)}`);
        const devs = await rows(pageA, 'table-device');
        equal(devs.length, 3, `device rows ${JSON.stringify(devs)}`);
        for (const d of ownerA) {
          const row = devs.find((r) => r[0].startsWith(`${d.name} (`));
          assert(row && d.report, `no device row for ${d.name}: ${JSON.stringify(devs)}`);
          equal(row.slice(1).join(' | '), [count(d.report.count), money(d.report.omzet_idr), money(d.report.modal_idr), money(d.report.laba_idr)].join(' | '), `${d.name}'s row`);
        }
      });
      await check("A: picking outlet A01 shows only its devices' sums", async () => {
        try {
          await pageA.selectOption(tid('shop-picker'), shopIds['A01']);
          await waitCards(pageA, cardsFor(totalA01));
          await pageA.waitForFunction(() => document.querySelectorAll('[data-testid="table-device"] tbody tr').length === 2);
          const shops = await rows(pageA, 'table-shop');
          equal(shops.length, 1, `outlet rows ${JSON.stringify(shops)}`);
          assert(shops[0][0] === 'Konter Maju', `outlet row ${JSON.stringify(shops[0])}`);
          const href = await pageA.getAttribute(tid('sales-csv'), 'href');
          assert(href?.includes(`shop=${shopIds['A01']}`), `sales-csv link follows the outlet: ${href}`);
        } finally {
          // back to all outlets, so a failure here does not spill into the next checks
          await pageA.selectOption(tid('shop-picker'), '');
          await pageA.waitForFunction(() => !document.getElementById('view-ringkasan')?.classList.contains('stale'));
        }
      });
      await check('A: csv-product downloads a CSV with a header and the product row', async () => {
        const [download] = await Promise.all([pageA.waitForEvent('download'), pageA.click(tid('csv-product'))]);
        const file = await download.path();
        const text = readFileSync(file, 'utf8');
        assert(text.startsWith('\uFEFF'), 'no UTF-8 BOM');
        const lines = text.slice(1).split('\r\n').filter(Boolean);
        equal(lines[0], 'Produk,Transaksi,Omzet,Modal,Laba', 'header');
        assert(lines.length >= 2, `no rows: ${JSON.stringify(text)}`);
        equal(lines.length, 2, `one product sold, rows ${JSON.stringify(lines)}`);
        equal(lines[1], `Telkomsel 10.000,${totalA.count},${totalA.omzet_idr},${totalA.modal_idr},${totalA.laba_idr}`, 'product row');
        assert(/^konter-produk-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/.test(download.suggestedFilename()), `file name ${download.suggestedFilename()}`);
      });
      await check(`A: sales-csv link gives a header and one line per sale (${allSales})`, async () => {
        const href = await pageA.getAttribute(tid('sales-csv'), 'href');
        assert(href, 'no href on sales-csv');
        const res = await pageFetch(pageA, href);
        equal(res.status, 200, `GET ${href}`);
        const lines = res.text.replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean);
        assert(lines[0].startsWith('waktu,') && lines[0].includes('order_id'), `header ${lines[0]}`);
        equal(lines.length - 1, allSales, `sale lines in ${JSON.stringify(lines.slice(1))}`);
        for (const d of ownerA) for (const target of d.sales) assert(lines.some((l) => l.includes(`"${target}"`) && l.includes(`,${expected(target)},`)), `no ${expected(target)} line for ${target}`);
      });
      await check('A: summary screenshots', () => shoot(pageA, 'summary'));
      await check("A: Saldo shows the first outlet's saldo (500000 minus its devices' modal) (saldo screenshots)", async () => {
        await pageA.click(tid('nav-saldo'));
        await visible(pageA, tid('saldo-available'));
        await pageA.waitForFunction(() => document.querySelector('[data-testid="saldo-available"]')?.textContent !== '—');
        const title = (await pageA.locator('#saldo-title').textContent()) ?? '';
        const shop = title.includes('Konter Maju Dua') ? 'A02' : 'A01';
        const spent = sums(devices.filter((d) => d.shop === shop)).modal_idr;
        try {
          await waitCards(pageA, { 'saldo-available': money(500000 - spent), 'saldo-held': money(0), 'saldo-balance': money(500000 - spent) });
          await pageA.waitForFunction(() => document.querySelectorAll('[data-testid="table-history"] tbody tr').length > 1);
        } finally {
          await shoot(pageA, 'saldo');
          await pageA.click(tid('nav-summary'));
          await visible(pageA, tid('card-count'));
        }
      });
      await check('A: the EN toggle shows the summary in English (screenshots), and back to ID', async () => {
        const figures = await texts(pageA, Object.keys(cardsFor(totalA)));
        await pageA.click(tid('lang-toggle'));
        try {
          await pageA.waitForFunction(() => document.documentElement.lang === 'en');
          const label = await pageA.locator('.stat-label').first().textContent();
          equal(label, 'Revenue', 'first card label');
          // the same figures, written the same way (Rp12.345 in English too)
          await waitCards(pageA, { ...figures, 'nav-summary': 'Summary', 'lang-toggle': 'ID' });
          await shoot(pageA, 'summary-en');
        } finally {
          if ((await pageA.evaluate(() => document.documentElement.lang)) === 'en') await pageA.click(tid('lang-toggle'));
          await pageA.waitForFunction(() => document.documentElement.lang === 'id');
        }
        await waitCards(pageA, { 'nav-summary': 'Ringkasan' });
      });

      // 5. A new sale shows by itself.
      await check(`A: a new sale on Kasir 2 shows on card-count within ${LIVE_MS / 1000}s without a reload`, async () => {
        const d = devices[1];
        const before = await texts(pageA, ['card-count']);
        equal(before['card-count'], count(totalA.count), 'card-count before');
        await pageA.evaluate(() => {
          /** @type {any} */ (window).__ownerE2eMark = 'still the same document';
        });
        const target = '081234560028';
        await sell(d, target);
        d.sales.push(target);
        const startedLive = Date.now();
        await syncTwice(d);
        d.report = await report(d);
        const now = sums(ownerA);
        equal(now.count, totalA.count + 1, "the devices' count after the sale");
        await waitCards(pageA, { 'card-count': count(now.count) }, LIVE_MS - (Date.now() - startedLive));
        await waitCards(pageA, cardsFor(now), 5000);
        const mark = await pageA.evaluate(() => /** @type {any} */ (window).__ownerE2eMark);
        equal(mark, 'still the same document', 'the page was not reloaded');
        console.log(`     (shown ${((Date.now() - startedLive) / 1000).toFixed(1)}s after the sale was synced)`);
      });

      // 6. Shop settings: a selling-price rule saved on the page reaches both counters of A01.
      /** The newest order of SKU on a device. @param {Device} d @returns {Promise<DeviceOrder>} */
      const lastOrder = async (d) => {
        /** @type {DeviceOrder[]} */
        const orders = JSON.parse(await device(d, 'orders', '--json', '--limit', '10'));
        const o = orders.find((x) => x.sku === SKU);
        assert(o, `no ${SKU} order on ${d.name}: ${JSON.stringify(orders)}`);
        return o;
      };
      const shopA02 = devices.filter((d) => d.shop === 'A02');
      const defaultPrice = roundUp(SALDO_TSEL10 + 2000, 500);
      const rulePrice = roundUp(SALDO_TSEL10 + 1000, 500);
      await check(`before any rule, every counter sells ${SKU} at saldo ${money(SALDO_TSEL10)} + Rp2.000 rounded up to Rp500 = ${money(defaultPrice)}`, async () => {
        for (const d of [...shopA01, ...shopA02]) {
          const o = await lastOrder(d);
          equal(o.cost_idr, SALDO_TSEL10, `${d.name}'s saldo price of ${SKU} (order ${o.target})`);
          equal(o.price_idr, defaultPrice, `${d.name}'s price of ${SKU} (order ${o.target})`);
        }
      });
      let savedVersion = -1;
      await check('A: Pengaturan toko (outlet A01): a category rule Pulsa +Rp1.000 rounded up to Rp500 saves; the version goes up by one (settings screenshots)', async () => {
        await pageA.selectOption(tid('shop-picker'), shopIds['A01']);
        await pageA.click(tid('nav-settings'));
        await visible(pageA, tid('settings-version'));
        assert(pageA.url().endsWith('#/pengaturan'), `url ${pageA.url()}`);
        const title = (await pageA.locator('#settings-title').textContent()) ?? '';
        assert(title.includes('Konter Maju') && !title.includes('Dua'), `title ${JSON.stringify(title)}`);
        const before = Number(await pageA.locator(tid('settings-version')).textContent());
        equal(before, (await apiSettings(pageA, shopIds['A01'])).version, 'the version shown vs the API');
        const row = pageA.locator(`${tid('rule-row')}[data-scope="category"][data-key="pulsa"]`);
        if (await row.count()) await row.locator(tid('rule-edit')).click();
        else await pageA.click(tid('rule-add'));
        await pageA.selectOption(tid('rule-scope'), 'category');
        await pageA.selectOption(tid('rule-key'), 'pulsa');
        await pageA.selectOption(tid('rule-kind'), 'fixed');
        await pageA.fill(tid('rule-amount'), '1000');
        await pageA.selectOption(tid('rule-round'), '500');
        await pageA.click(tid('rule-save'));
        await row.waitFor();
        const cells = await row.locator('td').allTextContents();
        equal(cells.slice(0, 3).join(' | '), 'Kategori · Pulsa | +Rp1.000 | Rp500', 'the rule row');
        await pageA.click(tid('settings-save'));
        await visible(pageA, tid('settings-saved'));
        await waitCards(pageA, { 'settings-version': String(before + 1) });
        const note = (await pageA.locator(tid('settings-saved')).textContent()) ?? '';
        assert(note.startsWith('Tersimpan') && note.includes('semua kasir menerima dalam beberapa detik') && note.includes(String(before + 1)), `saved note ${JSON.stringify(note)}`);
        const now = await apiSettings(pageA, shopIds['A01']);
        equal(now.version, before + 1, 'version after saving');
        const rule = now.price_rules.find((/** @type {any} */ r) => r.scope === 'category' && r.key === 'pulsa');
        equal(JSON.stringify(rule), JSON.stringify({ scope: 'category', key: 'pulsa', markup: { kind: 'fixed', idr: 1000 }, round_to: 500 }), 'the saved rule');
        const other = await apiSettings(pageA, shopIds['A02']);
        assert(!other.price_rules.some((/** @type {any} */ r) => r.scope === 'category'), `A02 got a rule: ${JSON.stringify(other.price_rules)}`);
        await shoot(pageA, 'settings');
        savedVersion = before + 1;
      });
      if (savedVersion > 0) {
        await check(`after sync --once (twice), both A01 counters sell ${SKU} at ${money(SALDO_TSEL10)} + Rp1.000 rounded up to Rp500 = ${money(rulePrice)}; A02's still at ${money(defaultPrice)}`, async () => {
          /** @type {Record<string, string>} */
          const targets = { 'Kasir 1': '081234560040', 'Kasir 2': '081234560041', 'Kasir Dua': '081234560050' };
          for (const d of [...shopA01, ...shopA02]) await syncTwice(d);
          for (const d of [...shopA01, ...shopA02]) {
            const target = targets[d.name];
            await sell(d, target);
            d.sales.push(target);
            const o = await lastOrder(d);
            equal(o.target, target, `${d.name}'s newest ${SKU} order`);
            equal(o.cost_idr, SALDO_TSEL10, `${d.name}'s saldo price`);
            equal(o.price_idr, d.shop === 'A01' ? rulePrice : defaultPrice, `${d.name} (${d.shop}) sells ${SKU} to ${target} at`);
          }
        });
        await check('A: a two-line receipt header is refused; the words name the header in the receipt section; nothing saved (same version after a reload)', async () => {
          // The header is an <input>, which drops line breaks; the request gets one on its way,
          // as an older page or a script could send it, so the server's refusal is what shows.
          const isSave = (/** @type {URL} */ url) => url.pathname === '/owner/api/settings';
          await pageA.route(isSave, async (route) => {
            if (route.request().method() !== 'POST') return route.continue();
            const body = JSON.parse(route.request().postData() ?? '{}');
            body.receipt_header = 'Konter Maju\nCabang Pasar Baru';
            return route.continue({ postData: JSON.stringify(body) });
          });
          try {
            await pageA.fill(tid('receipt-header'), 'Konter Maju');
            const answer = pageA.waitForResponse((r) => r.url().includes('/owner/api/settings') && r.request().method() === 'POST');
            await pageA.click(tid('settings-save'));
            const res = await answer;
            equal(res.status(), 422, 'POST /owner/api/settings');
            const body = await res.json();
            equal(`${body.code} ${body.field}`, 'one_line receipt_header', 'code and field');
          } finally {
            await pageA.unroute(isSave);
          }
          await visible(pageA, `#sec-receipt ${tid('settings-error')}`);
          const text = (await pageA.locator(tid('settings-error')).textContent()) ?? '';
          assert(text.includes('Kepala struk'), `the error does not name the header: ${JSON.stringify(text)}`);
          equal(await pageA.getAttribute(tid('receipt-header'), 'aria-invalid'), 'true', 'the header marked');
          equal(await pageA.locator(tid('settings-saved')).isVisible(), false, 'settings-saved shown');
          equal(await pageA.locator(tid('settings-version')).textContent(), String(savedVersion), 'version on the page');
          await pageA.reload();
          await visible(pageA, tid('settings-version'));
          await waitCards(pageA, { 'settings-version': String(savedVersion) });
          equal(await pageA.inputValue(tid('receipt-header')), '', 'the header after a reload');
          const now = await apiSettings(pageA, shopIds['A01']);
          equal(`${now.version} ${JSON.stringify(now.receipt_header)}`, `${savedVersion} ""`, 'version and header on the server');
        });
        await check('A: a save made from an older version is refused (409) with a Reload offer; Reload shows the newer version', async () => {
          await pageA.fill(tid('shop-address'), 'Jl. Merdeka 1');
          // Someone else saves first (another browser, straight through the API).
          const other = await pageA.evaluate(async (shop) => {
            const me = await (await fetch('/owner/api/me')).json();
            const cur = await (await fetch(`/owner/api/settings?shop=${shop}`)).json();
            const res = await fetch(`/owner/api/settings?shop=${shop}`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf },
              body: JSON.stringify({ ...cur, shop_phone: '0812-3456-7890' }),
            });
            return { status: res.status, body: await res.text() };
          }, shopIds['A01']);
          equal(other.status, 200, `the other save (${other.body})`);
          const answer = pageA.waitForResponse((r) => r.url().includes('/owner/api/settings') && r.request().method() === 'POST');
          await pageA.click(tid('settings-save'));
          equal((await answer).status(), 409, 'POST from the older version');
          await visible(pageA, `#savebar ${tid('settings-reload')}`);
          const text = (await pageA.locator(tid('settings-error')).textContent()) ?? '';
          assert(text.includes('diubah di tempat lain'), `409 words ${JSON.stringify(text)}`);
          await pageA.click(tid('settings-reload'));
          await waitCards(pageA, { 'settings-version': String(savedVersion + 1) });
          equal(await pageA.inputValue(tid('shop-phone')), '0812-3456-7890', 'the other save shows');
          equal(await pageA.inputValue(tid('shop-address')), '', 'the dropped edit');
          equal(await pageA.locator(tid('settings-error')).isVisible(), false, 'settings-error after Reload');
        });
      }
    }

    // 7. Owner B sees nothing of A's.
    const ctxB = await newContext(browser, contextOptions, base, tree);
    const pageB = await ctxB.newPage();
    pageB.setDefaultTimeout(WAIT_MS);
    const errorsB = watchErrors(pageB);
    const loggedInB = await check('B: a fresh context sets up the second owner', async () => {
      await pageB.goto(`${base}/owner/`);
      await visible(pageB, tid('login-phone'));
      await setup(pageB, PHONE_B, codeB, PASSWORD_B);
      await visible(pageB, tid('card-count'));
      return true;
    });
    if (loggedInB) {
      await check("B: the summary shows zero sales (A's not visible)", async () => {
        await waitCards(pageB, { 'card-count': '0', 'card-omzet': 'Rp0', 'card-failed': '0' });
        const options = await pageB.$$eval(`${tid('shop-picker')} option`, (os) => os.map((o) => o.textContent));
        equal(options.length, 2, `B's outlets ${JSON.stringify(options)}`);
        assert(options.some((o) => o?.includes('Konter Lain')), `B's outlets ${JSON.stringify(options)}`);
      });
      await check("B: /owner/api/report?shop=<A01's id> answers 404 (and sales.csv too)", async () => {
        const res = await pageFetch(pageB, `/owner/api/report?shop=${shopIds['A01']}`);
        equal(res.status, 404, `status (body ${res.text})`);
        equal(JSON.parse(res.text).code, 'shop_unknown', 'code');
        const csv = await pageFetch(pageB, `/owner/api/sales.csv?shop=${shopIds['A01']}`);
        equal(csv.status, 404, `sales.csv status (body ${csv.text.slice(0, 200)})`);
        const saldo = await pageFetch(pageB, `/owner/api/saldo?shop=${shopIds['A01']}`);
        equal(saldo.status, 404, `saldo status (body ${saldo.text.slice(0, 200)})`);
      });
    }
    await check("a device's bearer token (no cookie) on /owner/api/report answers 401", async () => {
      const token = readFileSync(join(devices[0].dir, 'device-token'), 'utf8').trim();
      assert(token.length > 10, 'empty device-token');
      const res = await fetch(`${base}/owner/api/report`, { headers: { Authorization: `Bearer ${token}` } });
      equal(res.status, 401, `status (body ${await res.text()})`);
    });

    // 8. Log out everywhere.
    if (loggedIn) {
      await check('A: logout-all returns to Masuk; /owner/api/me then answers 401', async () => {
        await pageA.click(tid('logout-all'));
        await visible(pageA, tid('login-phone'));
        const notice = await pageA.locator('#login-notice').textContent();
        equal(notice, 'Anda sudah keluar dari semua perangkat.', 'notice');
        const me = await pageFetch(pageA, '/owner/api/me');
        equal(me.status, 401, `GET /owner/api/me (body ${me.text})`);
        await pageA.reload();
        await visible(pageA, tid('login-phone'));
      });
    }
    if (loggedInB) {
      await check("B: still signed in after A's logout-all", async () => {
        const me = await pageFetch(pageB, '/owner/api/me');
        equal(me.status, 200, 'GET /owner/api/me');
        equal(JSON.parse(me.text).phone, PHONE_B, 'phone');
      });
    }
    await check('no errors in the pages', async () => {
      const all = [...errorsA.map((e) => `A ${e}`), ...errorsB.map((e) => `B ${e}`)];
      assert(all.length === 0, all.join('\n'));
    });
    await ctxA.close();
    await ctxB.close();
    return failed === 0 && passed > 0;
  } finally {
    await browser?.close().catch(() => {});
    for (const child of [serverProc, sandboxProc]) if (child) await stop(child);
    killAll();
    if (failed === 0 && !process.env['E2E_KEEP']) rmSync(tmp, { recursive: true, force: true });
    else console.log(`owner e2e: kept ${tmp} (server.log, sandbox.log, devices)`);
    console.log(`screenshots: ${SHOTS}`);
    console.log(`owner e2e: ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
}

main()
  .then((ok) => {
    console.log(`${passed} passed, ${failed} failed`);
    clearTimeout(watchdog);
    process.exit(ok ? 0 : 1);
  })
  .catch((e) => {
    console.error('owner e2e:', e instanceof Error ? e.message : e);
    console.log(`${passed} passed, ${failed + 1} failed`);
    clearTimeout(watchdog);
    process.exit(1);
  });
