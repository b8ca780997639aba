// Antre basi (stale queue): two sales made offline wait in the outbox for more than a day,
// so the engine no longer sends them on its own. The status bar says so ("2 antre perlu
// konfirmasi (F2)"); Riwayat's banner lists them with price and age; one is sent again at
// today's price by keyboard (it goes out once the line is back), the other cancelled with
// the customer's cash given back. The mock ages the orders (`__konterMock.age`).

import { assert } from './harness.mjs';

/** @typedef {ReturnType<typeof import('./harness.mjs').harness>} H */

const BANNER = '[data-testid="stale-orders"]';
const rp = (/** @type {number} */ n) => `${n < 0 ? '-' : ''}Rp${String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, '.')}`;

/** Sells the first product for `number` (number, Enter, Enter); its id and name. @param {H} h @param {string} number @param {string} operator */
async function sellOffline(h, number, operator) {
  const { page } = h;
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'smart-input');
  await h.type(number);
  await h.see(`${operator} ✓`, '[data-testid="detected"]');
  await h.sellWith(['Enter', 'Enter']);
  await h.cardStatus(['queued']);
  const card = '[data-testid="jual"] [data-testid="order-card"]';
  const id = (await h.text(`${card} .id`)).trim();
  const name = (await h.text(`${card} .name`)).trim();
  return { id, name };
}

/** The mock engine's view of an order. @param {H} h @param {string} id */
async function engineOrder(h, id) {
  return h.page.evaluate((x) => {
    const o = /** @type {any} */ (window).__konterMock.ctx.db.orders.find((/** @type {any} */ y) => y.id === x);
    return { status: o.status, price_idr: o.price_idr, failure: o.failure };
  }, id);
}

/** The focused element's `data-action` and the stale order it belongs to. @param {H} h */
async function focusedAction(h) {
  return h.page.evaluate(() => {
    const el = document.activeElement;
    return `${el?.closest('[data-stale-id]')?.getAttribute('data-stale-id') ?? ''} ${el?.getAttribute('data-action') ?? ''}`;
  });
}

export const outboxFlows = [
  {
    name: 'antre basi: 2 offline sales a day old — notice (F2), banner, send one at today’s price, cancel one (cash back)',
    /** @param {H} h */
    async run(h) {
      const { page } = h;
      await h.press('F1');
      await page.evaluate(() => /** @type {any} */ (window).__konterMock.setOnline(false));
      await h.see('Offline — pesanan disimpan dan dikirim otomatis');
      const { id: first, name: firstName } = await sellOffline(h, '083112349001', 'Axis');
      const { id: second } = await sellOffline(h, '089612349002', 'Tri');
      assert(first !== second, `two orders (${first}, ${second})`);
      await h.notSee('antre perlu konfirmasi');

      // A day and more later: the outbox keeps them, the engine no longer sends them.
      await page.evaluate(
        ([a, b]) => {
          const m = /** @type {any} */ (window).__konterMock;
          m.age(a, 30);
          m.age(b, 26);
        },
        [first, second],
      );
      await h.see('2 antre perlu konfirmasi (F2)', '[data-testid="stale-notice"]');
      await h.see('Antre 2', '[data-testid="status-bar"]');
      await h.shot('antre-basi-notice');

      await h.press('F2');
      await h.see('2 pesanan antre terlalu lama — tidak dikirim otomatis', BANNER);
      await h.notSee('antre perlu konfirmasi');
      const ids = await page.locator(`${BANNER} [data-stale-id]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-stale-id')));
      assert(JSON.stringify(ids) === JSON.stringify([first, second]), `oldest first: ${ids}`);
      const a = await engineOrder(h, first);
      const b = await engineOrder(h, second);
      const itemA = `${BANNER} [data-stale-id="${first}"]`;
      const itemB = `${BANNER} [data-stale-id="${second}"]`;
      await h.see(firstName, itemA);
      await h.see('0831-1234-9001', itemA);
      await h.see(rp(a.price_idr), itemA);
      await h.see('antre 30 jam', itemA);
      await h.see('antre 26 jam', itemB);
      await h.see(`Batalkan — kembalikan uang ${rp(b.price_idr)}`, itemB);
      // Keyboard first: the focus waits on the oldest order's "send", with a visible ring.
      assert((await focusedAction(h)) === `${first} reconfirm`, `focus on ${await focusedAction(h)}`);
      const outline = await page.evaluate(() => {
        const el = /** @type {Element} */ (document.activeElement);
        return `${getComputedStyle(el).outlineStyle} ${getComputedStyle(el).outlineWidth}`;
      });
      assert(outline.startsWith('solid') && !outline.endsWith(' 0px'), `focus ring: ${outline}`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(wide <= 1366, `riwayat with the banner is ${wide}px wide`);
      const small = await page.evaluate(() =>
        [...document.querySelectorAll('[data-testid="stale-orders"] button, [data-testid="status-bar"] ~ button')]
          .map((el) => [el.textContent?.trim(), el.getBoundingClientRect().height])
          .filter(([, hgt]) => Number(hgt) < 44),
      );
      assert(small.length === 0, `banner targets under 44px: ${JSON.stringify(small)}`);
      await h.shot('riwayat-antre-basi');

      // Enter sends the oldest again at today's price: still queued, no longer stale.
      await h.press('Enter');
      await h.see(`${firstName} ke 0831-1234-9001 dikonfirmasi — dikirim saat sinkron berikutnya`);
      await h.see('1 pesanan antre terlalu lama — tidak dikirim otomatis', BANNER);
      assert((await engineOrder(h, first)).status === 'queued', 'a reconfirmed order waits for the next sync');
      await page.waitForFunction((x) => document.activeElement?.closest('[data-stale-id]')?.getAttribute('data-stale-id') === x, second);

      // Tab to "Batalkan", Enter asks once more, Enter says yes; the toast says what to give back.
      await h.press('Tab');
      assert((await focusedAction(h)) === `${second} cancel`, `focus on ${await focusedAction(h)}`);
      await h.press('Enter');
      await h.see(`Batalkan pesanan ini? Uang ${rp(b.price_idr)} dikembalikan ke pelanggan.`, itemB);
      assert((await focusedAction(h)) === `${second} confirm-cancel`, `focus on ${await focusedAction(h)}`);
      await h.shot('riwayat-antre-basi-batal');
      await h.press('Enter');
      await h.see(`${second} dibatalkan. Kembalikan uang ${rp(b.price_idr)} ke pelanggan`);
      await page.locator(BANNER).waitFor({ state: 'detached' });
      await h.see(`Kembalikan uang ${rp(b.price_idr)} ke pelanggan`, '[data-testid="refund-notice"]');
      await h.see('dibatalkan kasir sebelum terkirim', '[data-testid="refund-notice"]');
      const cancelled = await engineOrder(h, second);
      assert(cancelled.status === 'failed' && cancelled.failure?.code === 'cancelled', `cancelled: ${JSON.stringify(cancelled)}`);
      await h.see('Antre 1', '[data-testid="status-bar"]');
      await h.shot('riwayat-antre-basi-selesai');

      // Back online, the reconfirmed order goes out; nothing is left to confirm.
      await page.evaluate(() => /** @type {any} */ (window).__konterMock.setOnline(true));
      await page.waitForFunction(
        (x) => /** @type {any} */ (window).__konterMock.ctx.db.orders.find((/** @type {any} */ o) => o.id === x)?.status === 'success',
        first,
        { timeout: 10_000 },
      );
      await h.see('Antre 0', '[data-testid="status-bar"]');
      await h.press('F1');
      await h.see('Nomor HP / nomor PLN');
      await h.notSee('antre perlu konfirmasi');
    },
  },
];
