// The other screens: Pengaturan (its backups too), Riwayat, Saldo, Laporan, the owner gate, and
// layout rules.

import { createRequire } from 'node:module';
import { assert, layoutHolds, openOnlyMatch } from './harness.mjs';

/** jsQR, a QR reader (not the library that drew the code), to read the code as a phone would. */
const JSQR = createRequire(import.meta.url).resolve('jsqr/dist/jsQR.js');

/** @typedef {ReturnType<typeof import('./harness.mjs').harness>} H */

const idr = (/** @type {string} */ s) => Number(s.replace(/[^\d]/g, ''));

export const screenFlows = [
  {
    name: 'pengaturan: printer (error next to the field), test print, receipt header/cash block/zone kept, price rule, cashier, language',
    /** @param {H} h */
    async run(h) {
      const { page } = h;
      await h.press('F4');
      await h.see('Pengaturan');
      await page.getByRole('button', { name: 'Printer', exact: true }).click();
      await page.selectOption('#printer-kind', 'tcp');
      await page.fill('#printer-address', 'printer kasir');
      await page.getByRole('button', { name: 'Simpan' }).click();
      await h.see('nama host atau alamat IP tidak sah', '[data-field-error="printer-address"]');
      await page.fill('#printer-address', '192.168.1.50:9100');
      await page.getByRole('button', { name: 'Cetak uji' }).click();
      await h.see('Pengaturan disimpan');
      await h.see('Struk tercetak');
      await h.shot('pengaturan-printer');

      // The receipt: the owner's own header, no Tunai/Kembali; the shop's zone: WITA.
      await page.getByRole('button', { name: 'Struk', exact: true }).click();
      assert((await page.inputValue('#receipt-header')) === 'KONTER MAJU JAYA', "the header starts as the shop's name");
      await h.notSee('tidak dapat diubah');
      await page.fill('#receipt-header', 'PONSEL BU SRI');
      const cashBlock = page.getByLabel('Cetak Tunai dan Kembali di struk');
      assert(await cashBlock.isChecked(), 'the cash block starts on');
      await cashBlock.uncheck();
      await page.getByRole('button', { name: 'Simpan' }).click();
      await h.see('Pengaturan disimpan');
      await page.getByRole('button', { name: 'Umum' }).click();
      const zones = await page.locator('#utc-offset option').allTextContents();
      assert(zones.join('|') === 'WIB (UTC+7)|WITA (UTC+8)|WIT (UTC+9)', `zones ${zones}`);
      await page.selectOption('#utc-offset', { label: 'WITA (UTC+8)' });
      await page.getByRole('button', { name: 'Simpan' }).click();
      await h.see('Pengaturan disimpan');
      // Away and back: the screen reads the engine's settings anew.
      await h.press('F1');
      await h.see('Nomor HP / nomor PLN');
      await h.press('F4');
      await h.see('Zona waktu toko');
      assert((await page.locator('#utc-offset option:checked').textContent()) === 'WITA (UTC+8)', 'WITA kept');
      await page.getByRole('button', { name: 'Struk', exact: true }).click();
      assert((await page.inputValue('#receipt-header')) === 'PONSEL BU SRI', 'the header kept');
      assert(!(await page.getByLabel('Cetak Tunai dan Kembali di struk').isChecked()), 'the cash block stays off');
      await h.shot('pengaturan-struk');
      // A too-long header is refused next to the field, and nothing changes.
      await page.fill('#receipt-header', 'X'.repeat(201));
      await page.getByRole('button', { name: 'Simpan' }).click();
      await h.see('paling panjang 200 huruf', '[data-field-error="receipt-header"]');
      await page.fill('#receipt-header', 'PONSEL BU SRI');
      await page.getByRole('button', { name: 'Simpan' }).click();
      await h.see('Pengaturan disimpan');
      // The receipt of an earlier sale (paid in cash) now reads so. It was sold hours ago:
      // on the shop's clock that may be yesterday already, so look at every day.
      await h.press('F2');
      await h.see('Riwayat', 'main h1');
      await page.getByLabel('Tanggal').fill('');
      await page.getByLabel('Tanggal').dispatchEvent('change');
      await page.focus('[data-testid="riwayat-search"]');
      await openOnlyMatch(h, '081234560001', '0812-3456-0001');
      await h.see('PONSEL BU SRI', '[data-testid="receipt-preview"]');
      const receipt = await h.text('[data-testid="receipt-preview"]');
      assert(!receipt.includes('KONTER MAJU JAYA'), 'the header replaces the shop name');
      assert(!/^(Tunai|Kembali)\b/m.test(receipt) && /^Harga\b/m.test(receipt), `no cash block:\n${receipt}`);
      assert(/\d\d\/\d\d\/\d{4} \d\d:\d\d WITA/.test(receipt), `the time in WITA:\n${receipt}`);
      await h.press('Escape');
      await h.press('F4');
      await h.see('Pengaturan');

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
      await h.see('PIN harus 4 sampai 6 angka', '[data-field-error="cashier-pin"]');
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
      // Back to WIB, the zone this run's sales were made in: Laporan counts them on that day.
      await page.selectOption('#utc-offset', { label: 'WIB (UTC+7)' });
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
    name: 'saldo: available saldo, history, a deposit by BCA virtual account, then by QRIS (a QR code to scan)',
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

      // By QRIS: a real QR code, big enough to scan, that a reader decodes to the payload.
      await page.getByLabel('QRIS').check();
      await page.fill('#deposit-amount', '250000');
      await page.getByRole('button', { name: 'Minta instruksi bayar' }).click();
      await h.see('Pindai kode QRIS ini');
      const qr = page.locator('img[data-testid="qris-image"]');
      await qr.waitFor({ state: 'visible' });
      await qr.scrollIntoViewIfNeeded();
      const box = await qr.boundingBox();
      assert(box && box.width >= 220 && Math.abs(box.width - box.height) < 1, `QR on screen ${JSON.stringify(box)}`);
      await page.addScriptTag({ path: JSQR });
      const read = await qr.evaluate(async (el) => {
        const img = /** @type {HTMLImageElement} */ (el);
        await img.decode();
        const side = img.width * 2;
        const canvas = document.createElement('canvas');
        canvas.width = canvas.height = side;
        const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
        g.drawImage(img, 0, 0, side, side);
        const px = g.getImageData(0, 0, side, side);
        const w = /** @type {any} */ (window);
        return { data: w.jsQR(px.data, side, side)?.data ?? null, src: img.src.slice(0, 24) };
      });
      const payload = (await page.locator('[data-testid="qris-text"]').textContent()) ?? '';
      assert(read.src.startsWith('data:image/svg+xml'), `an inline image, nothing fetched: ${read.src}`);
      assert(payload.startsWith('000201') && read.data === payload, `the QR reads back as the QRIS text (${read.data})`);
      assert(!(await page.locator('[data-testid="qris-text"]').isVisible()), 'the raw text is folded away');
      await h.shot('saldo-qris');
      await page.getByText('Teks kode QRIS (untuk bantuan teknis)').click();
      await page.locator('[data-testid="qris-text"]').waitFor({ state: 'visible' });
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
      // The shift is the owner's since their login: Rp1.000 in the drawer is short of their sales.
      await page.fill('#counted-cash', '1000');
      await page.press('#counted-cash', 'Enter');
      await h.see('Selisih', '[data-testid="close-shift"]');
      assert((await h.text('[data-testid="shift-difference"]')).startsWith('-Rp'), 'short cash shows a negative difference');
      await h.shot('laporan');
    },
  },
  {
    name: 'cadangan: the owner chooses a copy (asked first), sees it kept for the next start and asks a restart; a cashier cannot reach it',
    /** @param {H} h */
    async run(h) {
      const { page } = h;
      const db = () => page.evaluate(() => {
        const d = /** @type {any} */ (window).__konterMock.ctx.db;
        return { pending: /** @type {string | undefined} */ (d.pendingBackupDay), restarts: /** @type {number} */ (d.restartsAsked) };
      });
      /** @param {{ day: string, size_kb: number }[]} copies */
      const stage = (copies) =>
        page.evaluate((c) => {
          /** @type {any} */ (window).__konterMock.ctx.db.backups = c;
        }, copies);
      // A device paired today has no copy yet.
      await stage([]);
      await h.press('F4');
      await h.see('Pengaturan');
      await page.getByRole('button', { name: 'Cadangan', exact: true }).click();
      await h.see('Belum ada salinan. Salinan pertama dibuat hari ini selama Konter menyala.', '[data-testid="backups"]');

      // Three days later, as the engine's daily copies would be.
      await stage([
        { day: '2026-03-10', size_kb: 1_284 },
        { day: '2026-03-09', size_kb: 1_262 },
        { day: '2026-03-08', size_kb: 980 },
      ]);
      await page.getByRole('button', { name: 'Umum', exact: true }).click();
      await page.getByRole('button', { name: 'Cadangan', exact: true }).click();
      const rows = page.locator('[data-testid="backup-row"]');
      await rows.first().waitFor({ state: 'visible' });
      const shown = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent).join(' | ')));
      assert(
        shown.join(' / ') === 'Selasa, 10 Maret 2026 | 1,3 MB / Senin, 9 Maret 2026 | 1,2 MB / Minggu, 8 Maret 2026 | 980 KB',
        `the copies, newest first, in words: ${shown.join(' / ')}`,
      );

      // The question comes first, and asking changes nothing.
      const chosen = '2026-03-09';
      const inWords = '9 Maret 2026';
      await rows.nth(1).getByRole('button', { name: 'Pulihkan' }).click();
      await h.see('Tidak ada yang berubah sekarang.', '[data-testid="backup-confirm"]');
      await h.see('belum sampai ke server tidak ikut kembali', '[data-testid="backup-confirm"]');
      assert((await db()).pending === undefined, 'asking chose nothing');
      await h.shot('cadangan-confirm');
      await page.getByTestId('backup-confirm-yes').click();
      await h.see(`Salinan ${inWords} akan dipakai saat Konter dibuka lagi.`, '[data-testid="backup-pending"]');
      assert((await db()).pending === chosen, `the engine keeps ${chosen} for the next start`);
      await h.shot('cadangan');

      // The restart is only asked of the stand-in: the page stays, the button waits.
      await page.getByTestId('backup-restart').click();
      await page.waitForFunction(() => /** @type {any} */ (window).__konterMock.ctx.db.restartsAsked === 1);
      await h.see('Memulai ulang…', '[data-testid="backup-pending"]');

      // Away and back: the chosen copy is still announced.
      await h.press('F1');
      await h.see('Nomor HP / nomor PLN');
      await h.press('F4');
      await page.getByRole('button', { name: 'Cadangan', exact: true }).click();
      await h.see(`Salinan ${inWords} akan dipakai saat Konter dibuka lagi.`, '[data-testid="backup-pending"]');

      // A cashier meets the owner's PIN pad, and the engine refuses the copies.
      await page.getByRole('button', { name: 'Keluar' }).click();
      await h.see('Ketik PIN Anda lalu tekan Enter.');
      await h.type('1111');
      await h.press('Enter');
      await h.see('Sri', '[data-testid="status-bar"]');
      await h.press('F4');
      await h.see('Halaman ini hanya untuk pemilik. Masukkan PIN pemilik.');
      assert((await page.locator('[data-testid="backups"]').count()) === 0, 'no copies behind the gate');
      assert((await page.getByRole('button', { name: 'Cadangan', exact: true }).count()) === 0, 'no Cadangan for a cashier');
      const refused = await page.evaluate(() =>
        /** @type {any} */ (window).__konterMock.handle('backups', {}).then(
          () => 'answered',
          (/** @type {{ code: string }} */ e) => e.code,
        ),
      );
      assert(refused === 'owner_only', `the engine answers a cashier: ${refused}`);

      // The owner again, for the flows after this one.
      await page.getByRole('button', { name: 'Keluar' }).click();
      await h.see('Ketik PIN Anda lalu tekan Enter.');
      await h.type('123456');
      await h.press('Enter');
      await h.see('Nomor HP / nomor PLN');
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
        await layoutHolds(h, key);
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
