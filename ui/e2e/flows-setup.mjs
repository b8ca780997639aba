// First run: pair the device, shop profile, owner PIN; then log in.

import { assert } from './harness.mjs';

/** @typedef {ReturnType<typeof import('./harness.mjs').harness>} H */

export const setupFlows = [
  {
    name: 'setup: pair with the server, shop profile, owner PIN',
    /** @param {H} h @param {string} base */
    async run(h, base) {
      const { page } = h;
      await page.goto(`${base}/mock.html?scenario=fresh&step=250`);
      await h.see('Siapkan Konter');
      assert((await h.focused()) === 'server-url', 'the server address is focused on start');
      await page.fill('#server-url', 'ftp://konter');
      await page.fill('#pair-code', 'ABCD-1234');
      await page.press('#pair-code', 'Enter');
      await h.see('alamat server harus diawali http:// atau https://', '[data-field-error="server-url"]');
      await page.fill('#server-url', 'https://konter.example.id');
      await page.fill('#pair-code', '0000-0000');
      await page.press('#pair-code', 'Enter');
      await h.see('kode pemasangan salah, sudah dipakai, atau kedaluwarsa', '[data-field-error="pair-code"]');
      await h.shot('setup-pair-error');
      await page.fill('#pair-code', 'KNTR-2611');
      await page.press('#pair-code', 'Enter');
      await h.see('Terhubung ke KONTER MAJU JAYA');
      await page.fill('#shop-address', 'Jl. Melati No. 5, Depok');
      await page.fill('#shop-phone', '0812-1111-2222');
      await h.shot('setup-profile');
      await page.getByRole('button', { name: 'Lanjut' }).click();
      await h.see('Pemilik mengatur harga jual');
      await page.fill('#owner-name', 'Pak Budi');
      await page.fill('#owner-pin-new', '123456');
      await page.fill('#owner-pin-again', '654321');
      await page.press('#owner-pin-again', 'Enter');
      await h.see('PIN tidak sama');
      await page.fill('#owner-pin-again', '123456');
      await h.shot('setup-owner');
      await page.press('#owner-pin-again', 'Enter');
      await h.see('Ketik PIN Anda lalu tekan Enter.');
    },
  },
  {
    name: 'masuk: a wrong PIN is refused next to the field, the owner PIN opens Jual',
    /** @param {H} h */
    async run(h) {
      assert((await h.focused()) === 'login-pin', 'the PIN field is focused');
      await h.see('Online', '[data-testid="status-bar"]');
      await h.see('Antre 0', '[data-testid="status-bar"]');
      await h.type('0000');
      await h.press('Enter');
      await h.see('PIN salah', '[data-field-error="login-pin"]');
      await h.shot('masuk');
      await h.type('123456');
      await h.press('Enter');
      await h.see('Nomor HP / nomor PLN');
      await h.see('Online', '[data-testid="status-bar"]');
      await h.see('Antre 0', '[data-testid="status-bar"]');
      await h.see('Pak Budi', '[data-testid="status-bar"]');
      assert((await h.focused()) === 'smart-input', 'the smart input is focused after login');
    },
  },
];
