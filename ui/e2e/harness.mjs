// Small helpers for the e2e flows: wait for visible text, take a screenshot, watch the
// order card. playwright-core has no `expect`, so assertions here throw plain Errors.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** How long one wait for something on screen may take. */
export const WAIT_MS = 8_000;

export class Check extends Error {}

/** @param {unknown} cond @param {string} message */
export function assert(cond, message) {
  if (!cond) throw new Check(message);
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} shotsDir
 */
export function harness(page, shotsDir) {
  mkdirSync(shotsDir, { recursive: true });
  let shots = 0;
  const h = {
    page,
    /**
     * Waits until `text` (string or RegExp) is visible somewhere, or inside `within`.
     * @param {string | RegExp} text
     * @param {string} [within]
     */
    async see(text, within) {
      const root = within ? page.locator(within) : page;
      try {
        await root.getByText(text).first().waitFor({ state: 'visible', timeout: WAIT_MS });
      } catch {
        throw new Check(`did not see ${text}${within ? ` in ${within}` : ''} within ${WAIT_MS / 1000}s`);
      }
    },
    async notSee(/** @type {string | RegExp} */ text) {
      const n = await page.getByText(text).count();
      assert(n === 0 || !(await page.getByText(text).first().isVisible()), `did not expect to see ${text}`);
    },
    /** Text of the first element matching `selector`, once it is visible. */
    async text(/** @type {string} */ selector) {
      const el = page.locator(selector).first();
      await el.waitFor({ state: 'visible', timeout: WAIT_MS });
      return (await el.textContent()) ?? '';
    },
    async shot(/** @type {string} */ name) {
      shots += 1;
      const file = join(shotsDir, `${String(shots).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    async press(/** @type {string[]} */ ...keys) {
      for (const k of keys) await page.keyboard.press(k);
    },
    async type(/** @type {string} */ text) {
      await page.keyboard.type(text, { delay: 15 });
    },
    /** The test id of the focused element. */
    async focused() {
      return page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.id ?? '');
    },
    /**
     * Waits for the order card (on Jual, or inside `root`) to reach one of `statuses`.
     * @param {string[]} statuses @param {number} [timeout] @param {string} [root]
     */
    async cardStatus(statuses, timeout = WAIT_MS, root = '[data-testid="jual"]') {
      const card = `${root} [data-testid="order-card"]`;
      await page.waitForFunction(
        ([want, sel]) => want.includes(document.querySelector(sel)?.getAttribute('data-status') ?? ''),
        /** @type {[string[], string]} */ ([statuses, card]),
        { timeout },
      );
      return page.locator(card).getAttribute('data-status');
    },
    /**
     * Records every state the order card shows from now on (Jual's, or the one inside
     * `root`); `stop()` returns
     * `[status, text]` pairs, so a flow can prove a not-finished order never read "SUKSES".
     */
    async watchCard(/** @type {string} */ root = '[data-testid="jual"] aside') {
      await page.evaluate((sel) => {
        const w = /** @type {any} */ (window);
        w.__cardLog = [];
        const aside = document.querySelector(sel);
        if (!aside) throw new Error('no order aside');
        const log = () => {
          const card = aside.querySelector('[data-testid="order-card"]');
          if (card) w.__cardLog.push([card.getAttribute('data-status'), card.textContent]);
        };
        w.__cardObs = new MutationObserver(log);
        w.__cardObs.observe(aside, { subtree: true, childList: true, characterData: true, attributes: true });
      }, root);
      return {
        stop: async () =>
          /** @type {[string, string][]} */ (
            await page.evaluate(() => {
              const w = /** @type {any} */ (window);
              w.__cardObs.disconnect();
              return w.__cardLog;
            })
          ),
      };
    },
    /** Sells what is typed already with `keys`, returning how many keys it took. */
    async sellWith(/** @type {string[]} */ keys) {
      for (const k of keys) {
        await page.keyboard.press(k);
        if (k === 'Enter') await page.waitForTimeout(60);
      }
      return keys.length;
    },
  };
  return h;
}

/**
 * The screen as it is fits 1366 px without sideways scroll, and every visible target is at
 * least 44 px high. @param {ReturnType<typeof harness>} h @param {string} where
 */
export async function layoutHolds(h, where) {
  const { page } = h;
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert(wide <= 1366, `${where}: page is ${wide}px wide`);
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('button, select, input:not([type=radio]):not([type=checkbox])')]
      .filter((el) => el.getClientRects().length > 0)
      .map((el) => [el.textContent?.trim() || el.id, el.getBoundingClientRect().height])
      .filter(([, hgt]) => Number(hgt) < 44),
  );
  assert(small.length === 0, `${where}: targets under 44px: ${JSON.stringify(small)}`);
}

/**
 * In Riwayat, the search box focused: types `query`, waits until the list is the one order
 * showing `text`, and opens it.
 * @param {ReturnType<typeof harness>} h @param {string} query @param {string} text
 */
export async function openOnlyMatch(h, query, text) {
  await h.type(query);
  await h.page.waitForFunction((want) => {
    const rows = [...document.querySelectorAll('[data-testid="riwayat"] tbody tr')];
    return rows.length === 1 && rows[0]?.textContent?.includes(want);
  }, text);
  await h.press('Enter');
}

/** The card log never shows SUKSES for a status other than success. */
export function neverFalseSuccess(/** @type {[string, string][]} */ log) {
  const bad = log.filter(([status, text]) => status !== 'success' && /SUKSES|Sukses|Sudah masuk/.test(text));
  assert(bad.length === 0, `an unfinished order looked like a success: ${JSON.stringify(bad[0])}`);
}
