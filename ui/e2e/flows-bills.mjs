// Tagihan (postpaid bills): a PLN pascabayar bill of two months from the typed number to
// SUKSES with the reference and a printed receipt, a slow biller (pending with its timer),
// a payment the biller refuses ("kembalikan uang"), an inquiry that finds no bill (the error
// next to the number), BPJS picked by Alt+2 with Esc going back a step, the Jual → Tagihan
// hint, the counter fee refused above the cap, and the bills row of Laporan. The numbers are
// Digiflazz's documented test numbers, as the mock engine plays them (src/lib/mock/bills.ts).

import { assert, layoutHolds, neverFalseSuccess, openOnlyMatch } from './harness.mjs';

/** @typedef {ReturnType<typeof import('./harness.mjs').harness>} H */

const TAGIHAN = '[data-testid="tagihan"]';
const SIDE = '[data-testid="tagihan"] aside';
const NOT_DONE = ['queued', 'accepted', 'processing', 'pending'];

const rp = (/** @type {number} */ n) => `${n < 0 ? '-' : ''}Rp${String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, '.')}`;
const idr = (/** @type {string} */ s) => Number(s.replace(/[^\d]/g, ''));

/**
 * The inquiry the engine answered last, read from the mock engine, so the flow can check
 * that the screen shows the engine's amounts and no others.
 * @param {H} h
 * @returns {Promise<import('../src/lib/types').BillInquiry>}
 */
async function lastInquiry(h) {
  return h.page.evaluate(() => /** @type {any} */ (window).__konterMock.ctx.db.inquiries[0].inquiry);
}

/**
 * Opens Tagihan (F5) and waits for the number field to take the focus. Bills are large next
 * to pulsa, so the owner first tops the saldo up when it runs low (a cash deposit, credited
 * by the mock as the operator would).
 * @param {H} h
 */
async function openTagihan(h) {
  await h.page.evaluate(() => {
    const m = /** @type {any} */ (window).__konterMock;
    if (m.ctx.db.balance_idr < 1_500_000) m.credit(2_000_000);
  });
  await h.press('F5');
  await h.page.locator('[data-testid="bill-customer"]').waitFor({ state: 'visible' });
  await h.page.waitForFunction(() => document.activeElement?.id === 'bill-customer');
}

/** The SKU of the chosen bill product. @param {H} h */
async function chosenSku(h) {
  return h.page.locator('[data-testid="bill-products"] [aria-selected="true"]').getAttribute('data-sku');
}

/**
 * Opens Tagihan, checks `number` with the product chosen first and waits for the bill of
 * `name`. @param {H} h @param {string} number @param {string} name
 */
async function checkBill(h, number, name) {
  await openTagihan(h);
  await h.type(number);
  await h.press('Enter');
  await h.see(name, '[data-testid="bill-name"]');
}

export const billFlows = [
  {
    name: 'tagihan: PLN pascabayar, 2 months — number, Enter, cash, Enter → SUKSES with the reference, printed',
    /** @param {H} h */
    async run(h) {
      const { page } = h;
      await openTagihan(h);
      await h.see('PLN Pascabayar', '[data-testid="bill-products"]');
      await h.see('BPJS Kesehatan', '[data-testid="bill-products"]');
      assert((await chosenSku(h)) === 'pln', 'PLN pascabayar is chosen first');
      await layoutHolds(h, 'tagihan');

      // A slower engine, so the busy state while the bill is checked can be seen.
      await page.evaluate(() => {
        /** @type {any} */ (window).__konterMock.ctx.opts.latencyMs = 700;
      });
      await h.type('530000000002');
      await h.press('Enter');
      await h.see('Mengecek tagihan…', '[data-testid="bill-busy"]');
      await h.shot('tagihan-cek');
      await page.evaluate(() => {
        /** @type {any} */ (window).__konterMock.ctx.opts.latencyMs = 0;
      });

      await h.see('BUDI SANTOSO', '[data-testid="bill-name"]');
      const inq = await lastInquiry(h);
      assert(inq.customer_no === '530000000002' && inq.periods.length === 2, 'the engine found two months');
      const rows = await page.locator('[data-testid="bill-periods"] tbody tr').count();
      assert(rows === 2, `two periods are listed (${rows})`);
      await h.see('R1 / 1300 VA', '[data-testid="bill-tariff"]');
      const p0 = inq.periods[0];
      const p1 = inq.periods[1];
      assert(p0 && p1, 'two periods');
      await h.see(`${p0.meter_start}–${p0.meter_end}`, '[data-testid="bill-periods"]');
      await h.see(`${p1.meter_start}–${p1.meter_end}`, '[data-testid="bill-periods"]');
      const shown = {
        amount: await h.text('[data-testid="bill-amount"]'),
        penalty: await h.text('[data-testid="bill-penalty"]'),
        admin: await h.text('[data-testid="bill-admin"]'),
        total: await h.text('[data-testid="bill-total"]'),
        fee: await h.text('[data-testid="bill-shop-fee"]'),
        due: await h.text('[data-testid="bill-due"]'),
      };
      assert(shown.amount === rp(inq.bill_idr), `bill ${shown.amount}`);
      assert(shown.penalty === rp(inq.penalty_idr) && inq.penalty_idr > 0, `the overdue month has a penalty: ${shown.penalty}`);
      assert(shown.admin === rp(inq.admin_idr), `admin ${shown.admin}`);
      assert(shown.total === rp(inq.total_idr), `total ${shown.total}`);
      assert(shown.fee === 'Rp2.500', `counter fee ${shown.fee}`);
      assert(shown.due === rp(inq.customer_total_idr), `customer total ${shown.due}`);
      await h.see(/^Bayar sebelum (\d{2}:\d{2}|\d{2}\/\d{2}\/\d{4} \d{2}:\d{2})$/, '[data-testid="bill-expiry"]');
      assert((await h.focused()) === 'bill-cash', 'the cash field has the focus once the bill is shown');
      await layoutHolds(h, 'tagihan detail');
      await h.shot('tagihan-detail');

      const cash = Math.ceil(inq.customer_total_idr / 100_000) * 100_000 + 100_000;
      await h.type(String(cash));
      await h.see(rp(cash - inq.customer_total_idr), '[data-testid="bill-change"]');
      const watch = await h.watchCard(SIDE);
      await h.press('Enter');
      await h.see('BUDI SANTOSO', SIDE);
      // The screen is ready for the next customer at once; the status lives on the side.
      await page.waitForFunction(() => document.activeElement?.id === 'bill-customer');
      assert((await page.inputValue('#bill-customer')) === '', 'the number is cleared for the next customer');
      await h.cardStatus(['success'], 10_000, TAGIHAN);
      const log = await watch.stop();
      neverFalseSuccess(log);
      assert(log.some(([s]) => s === 'pending'), 'the pending step was shown on the way');
      await h.see('No. Referensi', SIDE);
      await h.see(/^\d{10,}$/, `${SIDE} [data-testid="order-sn"]`);
      await h.see(/Okt|Nov|Des|Jan|Feb|Mar|Apr|Mei|Jun|Jul|Agu|Sep/, `${SIDE} [data-testid="bill-periods"]`);
      assert((await h.text(`${SIDE} [data-testid="order-price"]`)) === rp(inq.customer_total_idr), 'the order costs the customer total');
      assert((await h.text(`${SIDE} [data-testid="order-change"]`)) === rp(cash - inq.customer_total_idr), 'change from the engine');
      await h.shot('tagihan-sukses');

      // Print: set a network printer through the engine's own settings command first.
      await page.evaluate(async () => {
        const m = /** @type {any} */ (window).__konterMock;
        const s = await m.handle('settings', {});
        s.printer = { kind: 'tcp', address: '192.168.1.50:9100', width: 32 };
        await m.handle('save_settings', { settings: s });
      });
      await page.locator(SIDE).getByRole('button', { name: 'Cetak struk' }).click();
      await h.see('Struk tercetak');

      // The bill in Riwayat: name and months on the card, the bill lines on the receipt.
      const sn = await h.text(`${SIDE} [data-testid="order-sn"]`);
      await h.press('F2');
      await h.see('Riwayat', 'main h1');
      await openOnlyMatch(h, '530000000002', 'BUDI SANTOSO');
      await h.see('BUDI SANTOSO', '[data-testid="order-detail"] [data-testid="bill-lines"]');
      const receipt = await h.text('[data-testid="receipt-preview"]');
      for (const line of ['*** SALINAN ***', 'PLN PASCABAYAR', 'ID Pelanggan : 530000000002', 'Nama         : BUDI SANTOSO', 'Tarif/Daya   : R1 / 1300 VA', 'Periode', 'Stand Meter  :', `No. Ref      : ${sn}`, 'Denda', 'TOTAL BAYAR']) {
        assert(receipt.includes(line), `the receipt has "${line}":\n${receipt}`);
      }
      assert(receipt.split('\n').every((l) => l.length <= 32), 'the receipt fits 32 columns');
      await h.shot('tagihan-riwayat');
    },
  },
  {
    name: 'tagihan: a slow biller — PENDING with its timer, then SUKSES (630000000001)',
    /** @param {H} h */
    async run(h) {
      await checkBill(h, '630000000001', 'DEWI LESTARI');
      const watch = await h.watchCard(SIDE);
      await h.press('Enter');
      await h.see('DEWI LESTARI', SIDE);
      await h.cardStatus(['pending'], 10_000, TAGIHAN);
      await h.see(/Pending\s*\d+:\d{2}/, `${SIDE} [data-status="pending"]`);
      await h.shot('tagihan-pending');
      await h.cardStatus(['success'], 10_000, TAGIHAN);
      neverFalseSuccess(await watch.stop());
    },
  },
  {
    name: 'tagihan: the biller refuses the payment — GAGAL, "Kembalikan uang" the customer total',
    /** @param {H} h */
    async run(h) {
      await checkBill(h, '530000000006', 'AGUS SETIAWAN');
      const due = await h.text('[data-testid="bill-due"]');
      const watch = await h.watchCard(SIDE);
      await h.press('Enter');
      await h.see('AGUS SETIAWAN', SIDE);
      await h.cardStatus(['failed'], 10_000, TAGIHAN);
      neverFalseSuccess(await watch.stop());
      await h.see(`Kembalikan uang ${due} ke pelanggan`, `${SIDE} [data-testid="refund-notice"]`);
      await h.see('Pembayaran ditolak biller', `${SIDE} [data-testid="refund-notice"]`);
      await h.shot('tagihan-gagal');
    },
  },
  {
    name: 'tagihan: no bill found — the error next to the number; BPJS by Alt+2; Esc goes back a step',
    /** @param {H} h */
    async run(h) {
      const { page } = h;
      await openTagihan(h);
      await h.type('530000000003');
      await h.press('Enter');
      await h.see('Tagihan tidak ditemukan', '[data-field-error="customer_no"]');
      assert((await h.focused()) === 'bill-customer', 'the number keeps the focus to be corrected');
      await h.shot('tagihan-cek-gagal');
      await h.press('Escape');
      assert((await page.inputValue('#bill-customer')) === '', 'Esc clears the number');
      await h.notSee('Tagihan tidak ditemukan');

      await h.press('Alt+2');
      assert((await chosenSku(h)) === 'bpjs', 'Alt+2 picks BPJS Kesehatan');
      await h.type('8801234560001');
      await h.press('Enter');
      await h.see('SUPARMAN', '[data-testid="bill-name"]');
      await h.press('Escape');
      await page.locator('[data-testid="bill-detail"]').waitFor({ state: 'detached' });
      assert((await page.inputValue('#bill-customer')) === '8801234560001', 'Esc from the bill keeps the number');
      assert((await h.focused()) === 'bill-customer', 'and gives the number the focus');
      await h.press('Enter');
      await h.see('SUPARMAN', '[data-testid="bill-name"]');
      const inq = await lastInquiry(h);
      assert(inq.kind === 'bpjs' && !inq.tariff, 'a BPJS bill has no tariff');
      await h.press('Enter');
      await h.see('SUPARMAN', SIDE);
      await h.cardStatus(['success'], 10_000, TAGIHAN);
    },
  },
  {
    name: 'jual → tagihan: a 12-digit number offers "Bayar tagihan PLN Pascabayar? (F5)"',
    /** @param {H} h */
    async run(h) {
      const { page } = h;
      await h.press('F1');
      await page.locator('[data-testid="smart-input"]').waitFor({ state: 'visible' });
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'smart-input');
      await h.type('530000000001');
      await h.see('PLN ✓', '[data-testid="detected"]');
      await h.see('Bayar tagihan PLN Pascabayar?', '[data-testid="bill-offer"]');
      await h.see('F5', '[data-testid="bill-offer"]');
      // Selling a token to the same number still works as before.
      await h.see('Token PLN 20.000', '[data-testid="products"]');
      await h.shot('jual-tagihan-hint');
      await h.press('F5');
      await page.locator('[data-testid="bill-customer"]').waitFor({ state: 'visible' });
      assert((await page.inputValue('#bill-customer')) === '530000000001', 'the number came along');
      assert((await chosenSku(h)) === 'pln', 'PLN pascabayar is chosen');
      await page.waitForFunction(() => document.activeElement?.id === 'bill-customer');
      await h.press('Enter');
      await h.see('SITI RAHAYU', '[data-testid="bill-name"]');
      assert((await page.locator('[data-testid="bill-periods"] tbody tr').count()) === 1, 'one month');
      await h.press('Enter');
      await h.see('SITI RAHAYU', SIDE);
      await h.cardStatus(['success', ...NOT_DONE], 10_000, TAGIHAN);
      await h.cardStatus(['success'], 10_000, TAGIHAN);
    },
  },
  {
    name: 'pengaturan: biaya admin loket — above the cap refused next to the field, nothing saved',
    /** @param {H} h */
    async run(h) {
      const { page } = h;
      const savedFee = () => page.evaluate(() => /** @type {any} */ (window).__konterMock.ctx.db.settings.bill_fees.pln_pasca);
      await h.press('F4');
      await h.see('Pengaturan');
      await page.getByRole('button', { name: 'Biaya admin loket', exact: true }).click();
      await h.see('Batas biaya admin', '[data-testid="bill-fees"]');
      assert((await page.inputValue('#bill-fee-pln_pasca')) === '2500', 'the fee the engine holds');
      assert((await page.inputValue('#bill-fee-cap')) === '10000', 'the cap the engine holds');
      await page.fill('#bill-fee-pln_pasca', '15000');
      await page.getByRole('button', { name: 'Simpan' }).click();
      await h.see('Paling besar Rp10.000', '[data-field-error="bill-fee-pln_pasca"]');
      assert((await savedFee()) === 2_500, 'a fee above the cap is not saved');
      await h.shot('pengaturan-biaya-loket');

      await page.fill('#bill-fee-pln_pasca', '3.000');
      await page.press('#bill-fee-pln_pasca', 'Enter');
      await h.see('Pengaturan disimpan');
      assert((await savedFee()) === 3_000, 'a fee within the cap is saved');
      await h.notSee('Paling besar Rp10.000');

      // The engine quotes the new fee with the product.
      await openTagihan(h);
      await h.see('biaya loket Rp3.000', '[data-testid="bill-products"] [data-sku="pln"]');
    },
  },
  {
    name: 'laporan: bills are counted apart — count, omzet (bills paid), laba (counter fees)',
    /** @param {H} h */
    async run(h) {
      await h.press('F9');
      await h.see('Laporan hari ini');
      await h.see('Tagihan', '[data-testid="report-bills"]');
      const count = Number(await h.text('[data-kpi="bills.count"]'));
      const omzet = idr(await h.text('[data-kpi="bills.omzet_idr"]'));
      const modal = idr(await h.text('[data-kpi="bills.modal_idr"]'));
      const laba = idr(await h.text('[data-kpi="bills.laba_idr"]'));
      assert(count >= 1, `bills paid today are counted (${count})`);
      assert(omzet > 0 && laba === omzet - modal, `omzet ${omzet}, modal ${modal}, laba ${laba} as the engine says`);
      assert(laba <= count * 10_000, `the bills' profit is the counter fees only (${laba} for ${count})`);
      await h.shot('laporan-tagihan');
    },
  },
];
