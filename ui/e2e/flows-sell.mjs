// Jual: pulsa by keyboard, cash and change, isi ke-2, PLN with inquiry, a game with a
// nickname, e-money, a failed order and an offline one.

import { assert, neverFalseSuccess } from './harness.mjs';

/** @typedef {ReturnType<typeof import('./harness.mjs').harness>} H */

const rp = (/** @type {number} */ n) => `${n < 0 ? '-' : ''}Rp${String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, '.')}`;
const idr = (/** @type {string} */ s) => Number(s.replace(/[^\d]/g, ''));

/** @param {H} h @param {string} number */
async function newNumber(h, number) {
  await h.page.locator('[data-testid="smart-input"]').waitFor({ state: 'visible' });
  assert((await h.focused()) === 'smart-input', 'the smart input has the focus for the next customer');
  await h.type(number);
}

export const sellFlows = [
  {
    name: 'jual: a pulsa sale by keyboard — number, Enter, Enter (2 keys ≤ 4)',
    /** @param {H} h */
    async run(h) {
      await newNumber(h, '081234567890');
      await h.see('Telkomsel ✓', '[data-testid="detected"]');
      await h.see('Telkomsel 10.000', '[data-testid="products"]');
      await h.shot('jual-detected');
      const watch = await h.watchCard();
      const keys = await h.sellWith(['Enter', 'Enter']);
      assert(keys <= 4, `took ${keys} keys`);
      await h.cardStatus(['success'], 10_000);
      const log = await watch.stop();
      neverFalseSuccess(log);
      assert(log.some(([s]) => s === 'pending'), 'the pending step was shown on the way');
      await h.see(/^\d{10,}$/, '[data-testid="order-sn"]');
      assert((await h.text('[data-testid="order-change"]')) === 'Rp0', 'exact cash gives Rp0 change');
      await h.shot('jual-success');
    },
  },
  {
    name: 'jual: ↓ ↓ Enter, cash typed, Enter — change comes from the engine',
    /** @param {H} h */
    async run(h) {
      await newNumber(h, '085712345678');
      await h.see('Indosat ✓', '[data-testid="detected"]');
      await h.press('ArrowDown', 'ArrowDown', 'Enter');
      const due = idr(await h.text('[data-testid="pay-due"]'));
      await h.type('50000');
      await h.see('Rp50.000', '[data-testid="pay-panel"]');
      await h.shot('jual-pay-cash');
      await h.press('Enter');
      await h.cardStatus(['queued', 'accepted', 'processing', 'pending', 'success']);
      const change = await h.text('[data-testid="order-change"]');
      assert(change === rp(50_000 - due), `change ${change} for price ${due}`);
      assert((await h.text('[data-testid="order-card"] .name')).startsWith('Indosat 20.000'), 'the third product was sold');
      await h.cardStatus(['success'], 10_000);
    },
  },
  {
    name: 'jual: the same product to the same number asks "Isi ke-2?"',
    /** @param {H} h */
    async run(h) {
      await newNumber(h, '081234567890');
      await h.see('Telkomsel ✓', '[data-testid="detected"]');
      await h.sellWith(['Enter', 'Enter']);
      await h.see('Isi ke-2?');
      await h.see(/081234567890 sudah diisi \w+ hari ini/, '[data-testid="repeat-dialog"]');
      await h.shot('jual-repeat');
      // A deliberate answer, not the tail of the double Enter that sent the order.
      await h.page.waitForTimeout(500);
      await h.press('Enter');
      await h.cardStatus(['queued', 'accepted', 'processing', 'pending']);
      await h.cardStatus(['success'], 10_000);
    },
  },
  {
    name: 'jual: PLN shows name and tariff before payment, then the token in 4-digit groups',
    /** @param {H} h */
    async run(h) {
      await newNumber(h, '12345678901');
      await h.see('PLN ✓', '[data-testid="detected"]');
      await h.see('SITI AMINAH', '[data-testid="pln-inquiry"]');
      await h.see('R1 / 1300 VA', '[data-testid="pln-inquiry"]');
      await h.see('Token PLN 20.000', '[data-testid="products"]');
      await h.press('Enter');
      await h.see('SITI AMINAH', '[data-testid="pay-panel"]');
      await h.shot('jual-pln-inquiry');
      await h.press('Enter');
      await h.cardStatus(['success'], 10_000);
      const token = await h.text('[data-testid="pln-token"]');
      assert(/^\d{4}(-\d{4}){4}$/.test(token), `token ${token} is grouped 4-4-4-4-4`);
      await h.shot('jual-pln-token');
    },
  },
  {
    name: 'jual: Mobile Legends — user id + zone, nickname check, then sale',
    /** @param {H} h */
    async run(h) {
      await h.press('F7');
      await h.see('Mobile Legends');
      assert((await h.focused()) === 'game-user_id', 'the User ID field is focused');
      await h.type('11111111');
      await h.press('Tab');
      await h.type('1234');
      await h.press('Enter');
      await h.see('Akun tidak ditemukan', '[data-field-error="user_id"]');
      await h.page.fill('#game-user_id', '12345678');
      await h.page.focus('#game-zone_id');
      await h.press('Enter');
      await h.see('NengDiamond', '[data-testid="nickname"]');
      await h.shot('jual-game-nickname');
      await h.press('Enter');
      await h.see('NengDiamond', '[data-testid="pay-panel"]');
      await h.see('Mobile Legends 86 Diamonds', '[data-testid="pay-panel"]');
      await h.press('Enter');
      await h.cardStatus(['success'], 10_000);
      await h.see('12345678 (1234)', '[data-testid="order-card"]');
    },
  },
  {
    name: 'jual: typing "dana" opens e-money; wallet number, Enter, Enter',
    /** @param {H} h */
    async run(h) {
      await h.press('F6');
      await newNumber(h, 'dana');
      await h.see('Enter untuk membuka DANA');
      await h.press('Enter');
      await h.see('Nomor HP dompet (DANA, OVO, GoPay, ShopeePay)');
      assert((await h.focused()) === 'emoney-input', 'the wallet number is focused');
      await h.type('081298765432');
      await h.see('DANA 10.000', '[data-testid="products"]');
      await h.shot('jual-emoney');
      await h.sellWith(['Enter', 'Enter']);
      await h.cardStatus(['success'], 10_000);
      await h.see('DANA 10.000', '[data-testid="order-card"]');
      await h.press('F6');
    },
  },
  {
    name: 'jual: a failed order says "Kembalikan uang" and never looked like a success',
    /** @param {H} h */
    async run(h) {
      await newNumber(h, '081311110000');
      await h.see('Telkomsel ✓', '[data-testid="detected"]');
      const watch = await h.watchCard();
      await h.sellWith(['Enter', 'Enter']);
      await h.cardStatus(['failed'], 10_000);
      const log = await watch.stop();
      neverFalseSuccess(log);
      await h.see(/Kembalikan uang Rp\d[\d.]* ke pelanggan/, '[data-testid="refund-notice"]');
      await h.see('Nomor tujuan tidak aktif', '[data-testid="refund-notice"]');
      await h.shot('jual-failed');
    },
  },
  {
    name: 'jual: offline — yellow bar, order ANTRE (not success), drains when online',
    /** @param {H} h */
    async run(h) {
      const { page } = h;
      await page.evaluate(() => /** @type {any} */ (window).__konterMock.setOnline(false));
      await h.see('Offline — pesanan disimpan dan dikirim otomatis');
      await newNumber(h, '083112345678');
      await h.see('Axis ✓', '[data-testid="detected"]');
      const watch = await h.watchCard();
      await h.sellWith(['Enter', 'Enter']);
      await h.cardStatus(['queued']);
      await h.see('Antre 1', '[data-testid="status-bar"]');
      await page.waitForTimeout(1200);
      assert((await h.cardStatus(['queued'])) === 'queued', 'a queued order stays queued while offline');
      await h.shot('jual-offline-queued');
      await page.evaluate(() => /** @type {any} */ (window).__konterMock.setOnline(true));
      await h.cardStatus(['success'], 10_000);
      neverFalseSuccess(await watch.stop());
      await h.see('Antre 0', '[data-testid="status-bar"]');
      await h.see('Online', '[data-testid="sync-state"]');
    },
  },
];
