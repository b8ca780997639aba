// The other screens: Pengaturan, Riwayat, Saldo, Laporan, the owner gate, and layout rules.

import { assert } from './harness.mjs';

/** @typedef {ReturnType<typeof import('./harness.mjs').harness>} H */

const idr = (/** @type {string} */ s) => Number(s.replace(/[^\d]/g, ''));

export const screenFlows = [
  {
    name: 'pengaturan: printer (error next to the field), test print, price rule, cashier, language',
    /** @param {H} h */
    async run(h) {
      const { page } = h;
      await h.press('F4');
      await h.see('Pengaturan');
      await page.getByRole('button', { name: 'Printer', exact: true }).click();
      await page.selectOption('#printer-kind', 'tcp');
      await page.fill('#printer-address', 'printer-kasir');
      await page.getByRole('button', { name: 'Simpan' }).click();
      await h.see('Alamat printer jaringan: IP:port', '[data-field-error="printer-address"]');
      await page.fill('#printer-address', '192.168.1.50:9100');
      await page.getByRole('button', { name: 'Cetak uji' }).click();
      await h.see('Pengaturan disimpan');
      await h.see('Struk tercetak');
      await h.shot('pengaturan-printer');

      await page.getByRole('button', { name: 'Harga jual' }).click();
      await page.selectOption('#rule-scope', 'brand');
      await page.fill('#rule-key', 'TELKOMSEL');
      await page.fill('#rule-value', '3000');
      await page.selectOption('#rule-round', '1000');
      await page.press('#rule-value', 'Enter');
      await h.see('Aturan harga disimpan');
      await h.see('+Rp3.000', '[data-testid="price-rules"]');
      await h.shot('pengaturan-harga');

      await page.getByRole('button', { name: 'Kasir', exact: true }).click();
      await page.fill('#cashier-name', 'Rina');
      await page.fill('#cashier-pin', '12');
      await page.press('#cashier-pin', 'Enter');
      await h.see('PIN 4 sampai 6 angka', '[data-field-error="cashier-pin"]');
      await page.fill('#cashier-pin', '2468');
      await page.press('#cashier-pin', 'Enter');
      await h.see('Kasir Rina ditambahkan');
      await h.see('Rina', '[data-testid="cashiers"] table');

      await page.getByRole('button', { name: 'Umum' }).click();
      await page.getByLabel('English').check();
      await page.getByRole('button', { name: 'Simpan' }).click();
      await h.see('Settings saved');
      await h.see('Sell', 'nav');
      await h.see('History', 'nav');
      await h.shot('pengaturan-english');
      await page.getByLabel('Bahasa Indonesia').check();
      await page.getByRole('button', { name: 'Save' }).click();
      await h.see('Riwayat', 'nav');

      // The new rule reaches the prices the engine quotes on Jual.
      await h.press('F1');
      await h.type('081299887766');
      await h.see('Telkomsel ✓', '[data-testid="detected"]');
      const prices = await page.locator('[data-testid="products"] .price').allTextContents();
      assert(prices.length > 0 && prices.every((p) => idr(p) % 1000 === 0), `prices rounded to Rp1.000: ${prices}`);
      await h.press('Escape');
    },
  },
  {
    name: 'riwayat: search by number, detail with status history, complaint text, reprint',
    /** @param {H} h */
    async run(h) {
      const { page } = h;
      await h.press('F2');
      await h.see('Riwayat', 'main h1');
      assert((await h.focused()) === 'riwayat-search', 'the search box is focused');
      await h.type('081234567890');
      await page.waitForFunction(() => {
        const rows = [...document.querySelectorAll('[data-testid="riwayat"] tbody tr')];
        return rows.length >= 1 && rows.every((r) => r.textContent?.includes('0812-3456-7890'));
      });
      await h.press('Enter');
      await h.see('Perjalanan status', '[data-testid="order-detail"]');
      await h.see('Komplain pesanan KNT-', '[data-testid="complaint"]');
      await h.see('*** SALINAN ***', '[data-testid="receipt-preview"]');
      await h.see('SN', '[data-testid="receipt-preview"]');
      await page.locator('[data-testid="order-detail"]').getByRole('button', { name: 'Cetak ulang' }).click();
      await h.see('Struk tercetak');
      await h.shot('riwayat');
      await page.fill('[data-testid="riwayat-search"]', '');
      await page.locator('[data-testid="riwayat-search"]').dispatchEvent('input');
      await page.selectOption('[data-testid="riwayat"] select', 'failed');
      await h.see('Gagal', '[data-testid="riwayat"] tbody');
    },
  },
  {
    name: 'saldo: available saldo, history, a deposit by BCA virtual account',
    /** @param {H} h */
    async run(h) {
      const { page } = h;
      await h.press('F3');
      await h.see('Saldo tersedia', '[data-testid="saldo"]');
      const available = await h.text('[data-testid="saldo-available"]');
      assert(/^Rp\d{1,3}(\.\d{3})*$/.test(available), `available saldo ${available}`);
      await h.see('Deposit', '[data-testid="saldo"] table');
      await page.fill('#deposit-amount', '500000');
      await h.see('Rp500.000', '[data-testid="deposit"]');
      await page.selectOption('#deposit-bank', 'bca');
      await page.getByRole('button', { name: 'Minta instruksi bayar' }).click();
      await h.see('Nomor Virtual Account BCA');
      const va = await h.text('[data-testid="va-number"]');
      assert(/^\d{4}( \d{4}){3}$/.test(va), `VA number ${va} grouped by 4`);
      await h.see('menunggu pembayaran', '[data-testid="deposit-result"]');
      await h.shot('saldo');
    },
  },
  {
    name: "laporan: the owner's day, CSV export, closing the shift",
    /** @param {H} h */
    async run(h) {
      const { page } = h;
      await h.press('F9');
      await h.see('Laporan hari ini');
      const count = Number(await h.text('[data-kpi="count"]'));
      assert(count >= 6, `at least the sales of this run are counted (${count})`);
      const omzet = idr(await h.text('[data-kpi="omzet_idr"]'));
      const modal = idr(await h.text('[data-kpi="modal_idr"]'));
      const laba = idr(await h.text('[data-kpi="laba_idr"]'));
      assert(omzet > 0 && laba === omzet - modal, `omzet ${omzet}, modal ${modal}, laba ${laba} as the engine says`);
      await h.see('Pulsa', '[data-testid="laporan"] table');
      await h.see('Sri', '[data-testid="laporan"] table');
      await page.getByRole('button', { name: 'Ekspor CSV' }).click();
      await h.see(/Tersimpan di .*\.csv/);
      await page.fill('#counted-cash', '100000');
      await page.press('#counted-cash', 'Enter');
      await h.see('Selisih', '[data-testid="close-shift"]');
      assert((await h.text('[data-testid="shift-difference"]')).startsWith('-Rp'), 'short cash shows a negative difference');
      await h.shot('laporan');
    },
  },
  {
    name: 'kasir: a cashier logs in; Laporan asks for the owner PIN',
    /** @param {H} h */
    async run(h) {
      const { page } = h;
      await page.getByRole('button', { name: 'Keluar' }).click();
      await h.see('Ketik PIN Anda lalu tekan Enter.');
      await h.type('1111');
      await h.press('Enter');
      await h.see('Sri', '[data-testid="status-bar"]');
      await h.press('F9');
      await h.see('Halaman ini hanya untuk pemilik. Masukkan PIN pemilik.');
      await h.type('1111');
      await h.press('Enter');
      await h.see('PIN ini bukan PIN pemilik');
      await h.shot('owner-gate');
      await h.type('123456');
      await h.press('Enter');
      await h.see('Laporan hari ini');
    },
  },
  {
    name: 'layout: 1366×768 without sideways scroll, touch targets ≥ 44 px, visible focus ring',
    /** @param {H} h */
    async run(h) {
      const { page } = h;
      for (const key of ['F1', 'F2', 'F3', 'F4', 'F9']) {
        await h.press(key);
        await page.waitForTimeout(150);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        assert(wide <= 1366, `${key}: page is ${wide}px wide`);
        const small = await page.evaluate(() =>
          [...document.querySelectorAll('button, select, input:not([type=radio]):not([type=checkbox])')]
            .filter((el) => el.getClientRects().length > 0)
            .map((el) => [el.textContent?.trim() || el.id, el.getBoundingClientRect().height])
            .filter(([, hgt]) => Number(hgt) < 44),
        );
        assert(small.length === 0, `${key}: targets under 44px: ${JSON.stringify(small)}`);
      }
      await h.press('F1');
      await page.waitForTimeout(100);
      const outline = await page.evaluate(() => {
        const el = document.activeElement;
        return el ? getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth : '';
      });
      assert(outline.startsWith('solid') && !outline.endsWith(' 0px'), `focus ring: ${outline}`);
      await h.see('F1', 'nav');
      await h.see('F9', 'nav');
      await h.shot('jual-final');
    },
  },
];
