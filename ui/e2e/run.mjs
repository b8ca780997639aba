// End-to-end run of the UI against the in-memory engine, in Debian's Chromium through
// playwright-core (no downloaded browser). Builds the mock entry, serves it on 127.0.0.1,
// walks every screen and flow, saves a screenshot per screen in artifacts/screenshots/,
// and ends with "N passed, M failed" (exit 1 on any failure).
//
//   node e2e/run.mjs            all flows
//   E2E_SKIP_BUILD=1 node …     reuse dist-mock/ from a previous build
//   E2E_ONLY=jual node …        only flows whose name contains the text (needs their setup)

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { billFlows } from './flows-bills.mjs';
import { outboxFlows } from './flows-outbox.mjs';
import { setupFlows } from './flows-setup.mjs';
import { screenFlows } from './flows-screens.mjs';
import { sellFlows } from './flows-sell.mjs';
import { harness } from './harness.mjs';
import { serve } from './serve.mjs';

const UI = join(dirname(fileURLToPath(import.meta.url)), '..');
const SHOTS = join(UI, 'artifacts', 'screenshots');
const CHROMIUM = process.env['CHROMIUM'] ?? '/usr/bin/chromium';
/** One flow may take this long; a hung flow fails, the run goes on. */
const FLOW_TIMEOUT_MS = 60_000;
/** The whole run, build included, ends by then whatever happens. */
const RUN_TIMEOUT_MS = 8 * 60_000;
const BUILD_TIMEOUT_MS = 3 * 60_000;

const watchdog = setTimeout(() => {
  console.error(`e2e: the run took longer than ${RUN_TIMEOUT_MS / 1000}s; stopping`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}, RUN_TIMEOUT_MS);

function build() {
  if (process.env['E2E_SKIP_BUILD'] && existsSync(join(UI, 'dist-mock', 'mock.html'))) return;
  const started = Date.now();
  const r = spawnSync(join(UI, 'node_modules', '.bin', 'vite'), ['build', '--mode', 'mock', '--logLevel', 'warn'], {
    cwd: UI,
    stdio: 'inherit',
    timeout: BUILD_TIMEOUT_MS,
  });
  if (r.status !== 0) throw new Error(`vite build --mode mock failed (${r.status ?? r.signal})`);
  console.log(`e2e: built the mock entry in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

/** @template T @param {Promise<T>} p @param {number} ms @param {string} what */
function within(p, ms, what) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms / 1000}s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** A paired shop with the owner logged in, on Jual. @param {ReturnType<typeof harness>} h @param {string} base */
async function recover(h, base) {
  await h.page.goto(`${base}/mock.html?step=250`);
  await h.see('Ketik PIN Anda lalu tekan Enter.');
  await h.type('123456');
  await h.press('Enter');
  await h.see('Nomor HP / nomor PLN');
}

async function main() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`);
  build();
  rmSync(SHOTS, { recursive: true, force: true });
  const server = await serve(join(UI, 'dist-mock'), 'mock.html');
  const profile = mkdtempSync(join(tmpdir(), 'konter-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1366, height: 768 },
    locale: 'id-ID',
    timezoneId: 'Asia/Jakarta',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  /** @type {string[]} */
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  const h = harness(page, SHOTS);
  const only = process.env['E2E_ONLY'];
  const flows = [...setupFlows, ...sellFlows, ...billFlows, ...outboxFlows, ...screenFlows].filter((f) => !only || f.name.includes(only));

  let passed = 0;
  let failed = 0;
  let broken = Boolean(only);
  for (const flow of flows) {
    const started = Date.now();
    // After a failure (or when picking flows) the next one starts from a ready shop, so one
    // broken flow does not take every later one down with it.
    if (broken && !flow.name.startsWith('setup')) await within(recover(h, server.url), FLOW_TIMEOUT_MS, 'recover');
    broken = false;
    pageErrors.length = 0;
    try {
      await within(flow.run(h, server.url), FLOW_TIMEOUT_MS, flow.name);
      if (pageErrors.length) throw new Error(`errors in the page: ${pageErrors.join(' | ')}`);
      passed += 1;
      console.log(`ok   ${flow.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed += 1;
      broken = true;
      const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
      console.log(`FAIL ${flow.name} (${Date.now() - started} ms)\n     ${message}`);
      const slug = flow.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
      await page.screenshot({ path: join(SHOTS, `FAIL-${slug}.png`) }).catch(() => {});
    }
  }

  await context.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
  console.log(`screenshots: ${SHOTS}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0;
}

main()
  .then((ok) => {
    clearTimeout(watchdog);
    process.exit(ok ? 0 : 1);
  })
  .catch((e) => {
    console.error('e2e:', e instanceof Error ? e.message : e);
    console.log('0 passed, 1 failed');
    clearTimeout(watchdog);
    process.exit(1);
  });
