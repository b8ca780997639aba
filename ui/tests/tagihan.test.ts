// Bills (Tagihan): the keyboard, the change, the helpers the screens share, the counter-fee
// check, and the mock engine's bills (products, inquiries, payment, fees,
// report, receipt) against Digiflazz's documented test numbers.
import { describe, expect, it } from 'vitest';
import { BILL_KINDS, billOffer, productForKind, sellDetection } from '../src/lib/bills';
import { formatMeter, formatPeriod } from '../src/lib/format';
import { detectedBadge } from '../src/lib/operators';
import type { BillInquiry, BillProduct, Order, Quote, Report, Saldo, Settings } from '../src/lib/types';
import { checkFees, feeTexts } from '../src/screens/Pengaturan/billFees';
import { billKey, changeFor, cleanCustomerNo, isExpired, type BillKeyState } from '../src/screens/Tagihan/keys';
import { engineTests, rp } from './fixtures';

const typing = (extra: Partial<BillKeyState> = {}): BillKeyState => ({
  phase: 'input',
  productCount: 6,
  selected: 0,
  hasNumber: true,
  expired: false,
  ...extra,
});

describe('the Tagihan keyboard', () => {
  it('checks and pays a typed number with Enter, Enter', () => {
    expect(billKey(typing(), { key: 'Enter' })).toEqual({ kind: 'inquire' });
    expect(billKey(typing({ phase: 'detail' }), { key: 'Enter' })).toEqual({ kind: 'pay' });
  });

  it('does nothing on Enter before a number is typed or a product chosen', () => {
    expect(billKey(typing({ hasNumber: false }), { key: 'Enter' })).toEqual({ kind: 'none' });
    expect(billKey(typing({ selected: -1 }), { key: 'Enter' })).toEqual({ kind: 'none' });
  });

  it('picks products with Alt+digit in the number field, plain digits only on the tabs', () => {
    expect(billKey(typing(), { key: '2', altKey: true })).toEqual({ kind: 'pick', index: 1 });
    expect(billKey(typing(), { key: '2' })).toEqual({ kind: 'none' });
    expect(billKey(typing(), { key: '3' }, true)).toEqual({ kind: 'pick', index: 2 });
    expect(billKey(typing(), { key: '9', altKey: true })).toEqual({ kind: 'none' });
  });

  it('steps through the products with ←/→, wrapping around', () => {
    expect(billKey(typing({ selected: 5 }), { key: 'ArrowRight' })).toEqual({ kind: 'pick', index: 0 });
    expect(billKey(typing({ selected: 0 }), { key: 'ArrowLeft' })).toEqual({ kind: 'pick', index: 5 });
    expect(billKey(typing({ productCount: 1 }), { key: 'ArrowRight' })).toEqual({ kind: 'none' });
  });

  it('goes back one step with Esc: bill → number, number → empty, waiting → stop waiting', () => {
    expect(billKey(typing({ phase: 'detail' }), { key: 'Escape' })).toEqual({ kind: 'back' });
    expect(billKey(typing(), { key: 'Escape' })).toEqual({ kind: 'clear' });
    expect(billKey(typing({ hasNumber: false }), { key: 'Escape' })).toEqual({ kind: 'none' });
    expect(billKey(typing({ phase: 'inquiring' }), { key: 'Escape' })).toEqual({ kind: 'cancel' });
  });

  it('ignores keys while paying, and Enter while checking (no double payment)', () => {
    for (const key of ['Enter', 'Escape', '1']) expect(billKey(typing({ phase: 'paying' }), { key })).toEqual({ kind: 'none' });
    expect(billKey(typing({ phase: 'inquiring' }), { key: 'Enter' })).toEqual({ kind: 'none' });
    expect(billKey(typing({ phase: 'detail' }), { key: 'Enter', ctrlKey: true })).toEqual({ kind: 'none' });
  });

  it('checks an expired bill again instead of paying it', () => {
    expect(billKey(typing({ phase: 'detail', expired: true }), { key: 'Enter' })).toEqual({ kind: 'inquire' });
  });
});

describe('bill helpers', () => {
  it('works out the change in whole rupiah, never a negative one', () => {
    expect(changeFor(null, 513_915)).toBe(0);
    expect(changeFor(600_000, 513_915)).toBe(86_085);
    expect(changeFor(513_915, 513_915)).toBe(0);
    expect(changeFor(500_000, 513_915)).toBeNull();
    expect(changeFor(600_000.5, 513_915)).toBeNull();
  });

  it('cleans a typed customer number and knows when a check has expired', () => {
    expect(cleanCustomerNo(' 5300-0000 0002 ')).toBe('530000000002');
    expect(cleanCustomerNo('1.013.226')).toBe('1013226');
    expect(isExpired('2026-11-28T16:00:00Z', Date.parse('2026-11-28T16:00:01Z'))).toBe(true);
    expect(isExpired('2026-11-28T16:00:00Z', Date.parse('2026-11-28T15:59:59Z'))).toBe(false);
    expect(isExpired('not a time', Date.now())).toBe(false);
  });

  it('shows supplier periods as months, anything else as it came', () => {
    expect(formatPeriod('202611')).toBe('Nov 2026');
    expect(formatPeriod('202605', 'id')).toBe('Mei 2026');
    expect(formatPeriod('202605', 'en')).toBe('May 2026');
    expect(formatPeriod('NOV 2026')).toBe('NOV 2026');
    expect(formatPeriod('202613')).toBe('202613');
    expect(formatMeter('00012345', '00012495')).toBe('00012345–00012495');
    expect(formatMeter(undefined, '00012495')).toBe('00012495');
    expect(formatMeter()).toBe('');
  });

  it('finds the bill among what the engine detected, and the product for a kind', () => {
    const detected: Quote['detected'] = [
      { kind: 'pln', number: '530000000002' },
      { kind: 'bill', number: '530000000002', bill: 'pln_pasca' },
    ];
    expect(billOffer(detected)).toEqual({ customerNo: '530000000002', kind: 'pln_pasca' });
    expect(sellDetection(detected)).toEqual({ kind: 'pln', number: '530000000002' });
    expect(billOffer([{ kind: 'phone', number: '0812', operator: 'telkomsel' }])).toBeNull();
    expect(sellDetection([{ kind: 'bill', number: '8801234560001', bill: 'bpjs' }])?.kind).toBe('bill');
    expect(detectedBadge({ kind: 'bill', number: '8801234560001', bill: 'bpjs' }).name).toBe('BPJS');

    const products: BillProduct[] = [
      { sku: 'internet', name: 'Telkom IndiHome', kind: 'internet', shop_fee_idr: 2_500, available: false },
      { sku: 'tv', name: 'TV Kabel', kind: 'internet', shop_fee_idr: 2_500, available: true },
    ];
    expect(productForKind(products, 'internet')?.sku).toBe('tv');
    expect(productForKind(products.slice(0, 1), 'internet')?.sku).toBe('internet');
    expect(productForKind(products, 'bpjs')).toBeNull();
  });
});

describe('the counter-fee check in Pengaturan', () => {
  const settings = (fee: number, cap = 10_000) =>
    ({ bill_fees: { pln_pasca: fee, bpjs: 2_500, pdam: 2_500, internet: 2_500, multifinance: 2_500 }, bill_fee_cap_idr: cap }) as Settings;

  it('accepts whole rupiah up to the cap, dots allowed', () => {
    const texts = feeTexts(settings(2_500));
    texts.fees.pln_pasca = '10.000';
    expect(checkFees(texts)).toEqual({
      ok: true,
      fees: { pln_pasca: 10_000, bpjs: 2_500, pdam: 2_500, internet: 2_500, multifinance: 2_500 },
      capIdr: 10_000,
    });
  });

  it('refuses a fee above the cap on that fee\u2019s field, and non-numbers on theirs', () => {
    const texts = feeTexts(settings(2_500));
    texts.fees.pln_pasca = '15000';
    texts.fees.pdam = 'dua ribu';
    expect(checkFees(texts)).toEqual({ ok: false, problems: { 'bill_fees.pln_pasca': 'over_cap', 'bill_fees.pdam': 'digits' } });
    texts.fees.pln_pasca = '2500';
    texts.fees.pdam = '2500';
    texts.cap = '';
    expect(checkFees(texts)).toEqual({ ok: false, problems: { bill_fee_cap_idr: 'digits' } });
  });
});

describe('bills in the mock engine', () => {
  const mock = engineTests();
  const { call, fails, settled } = mock;
  const statuses = (id: string) => mock.updates(id).map((o) => o.status);
  const inquire = (sku: string, customerNo: string) => call<BillInquiry>('bill_inquiry', { sku, customerNo });

  it('offers a product for every bill kind, with the shop fee from the settings', async () => {
    const products = await call<BillProduct[]>('bill_products');
    expect(new Set(products.map((p) => p.kind))).toEqual(new Set(BILL_KINDS));
    expect(products.map((p) => p.name)).toContain('PLN Pascabayar');
    expect(products.map((p) => p.name)).toContain('BPJS Kesehatan');
    expect(products.every((p) => p.available && p.shop_fee_idr === 2_500)).toBe(true);
    mock.engine.setOnline(false);
    const offline = await call<BillProduct[]>('bill_products');
    expect(offline.every((p) => !p.available && p.unavailable_reason)).toBe(true);
    expect(await fails('bill_inquiry', { sku: 'pln', customerNo: '530000000001' })).toMatchObject({ code: 'offline', field: 'customer_no' });
  });

  it('finds one PLN bill for 530000000001 and two for …0002, the totals adding up as the contract says', async () => {
    const one = await inquire('pln', '530000000001');
    expect(one.periods).toHaveLength(1);
    const two = await inquire('pln', '530000000002');
    expect(two).toMatchObject({ kind: 'pln_pasca', customer_no: '530000000002', customer_name: 'BUDI SANTOSO', tariff: 'R1', power: '1300 VA' });
    expect(two.periods).toHaveLength(2);
    for (const inq of [one, two]) {
      const sum = (f: (p: BillInquiry['periods'][number]) => number) => inq.periods.reduce((a, p) => a + f(p), 0);
      expect(inq.bill_idr).toBe(sum((p) => p.amount_idr));
      expect(inq.penalty_idr).toBe(sum((p) => p.penalty_idr));
      expect(inq.admin_idr).toBe(sum((p) => p.admin_idr));
      expect(inq.total_idr).toBe(inq.bill_idr + inq.penalty_idr + inq.admin_idr);
      expect(inq.customer_total_idr).toBe(inq.total_idr + inq.shop_fee_idr);
      for (const p of inq.periods) {
        expect(p.period).toMatch(/^\d{6}$/);
        expect(Number(p.meter_end)).toBeGreaterThan(Number(p.meter_start));
        for (const v of [p.amount_idr, p.admin_idr, p.penalty_idr]) expect(Number.isSafeInteger(v)).toBe(true);
      }
      expect(new Date(inq.expires_at).getTime()).toBeGreaterThan(Date.now());
    }
    expect(two.periods[0]?.penalty_idr).toBeGreaterThan(0);
    // The same number gives the same bill every time.
    const again = await inquire('pln', '530000000002');
    expect({ ...again, inquiry_id: '', expires_at: '', created_at: '' }).toEqual({ ...two, inquiry_id: '', expires_at: '', created_at: '' });
    expect(again.inquiry_id).not.toBe(two.inquiry_id);
  });

  it('follows the documented test numbers of every kind', async () => {
    expect(await inquire('bpjs', '8801234560001')).toMatchObject({ kind: 'bpjs', customer_name: 'SUPARMAN' });
    expect(await inquire('pdam', '1013226')).toMatchObject({ kind: 'pdam', customer_name: 'SLAMET RIYADI' });
    expect(await inquire('internet', '6391601001')).toMatchObject({ kind: 'internet', customer_name: 'SUTINI' });
    expect(await inquire('multifinance', '6391601201')).toMatchObject({ kind: 'multifinance', customer_name: 'RINA MARLINA' });
    for (const [sku, no] of [['pln', '530000000003'], ['bpjs', '8801234560002'], ['pdam', '1013227'], ['internet', '6391601002'], ['multifinance', '6391601202']] as const) {
      expect(await fails('bill_inquiry', { sku, customerNo: no }), `${sku} ${no}`).toMatchObject({ code: 'bill_not_found', field: 'customer_no' });
    }
    expect(await fails('bill_inquiry', { sku: 'pln', customerNo: '53000000' })).toMatchObject({ code: 'customer_no_wrong_length', field: 'customer_no' });
    expect(await fails('bill_inquiry', { sku: 'air', customerNo: '1013226' })).toMatchObject({ code: 'unknown_sku', field: 'sku' });
    expect(await fails('bill_inquiry', { sku: 'pdam', customerNo: '10132A6' })).toMatchObject({ code: 'customer_no_invalid_character', field: 'customer_no' });
    const stale = await inquire('pdam', '1013226');
    const held = mock.engine.ctx.db.inquiries.find((x) => x.inquiry.inquiry_id === stale.inquiry_id);
    if (held) held.inquiry.expires_at = new Date(Date.now() - 1_000).toISOString();
    expect(await fails('pay_bill', { inquiryId: stale.inquiry_id })).toMatchObject({ code: 'inquiry_expired', field: 'inquiry_id' });
  });

  it('pays a bill: the order is the bill, the saldo pays total_idr, the customer customer_total_idr', async () => {
    const before = await call<Saldo>('saldo');
    const inq = await inquire('pln', '530000000002');
    const cash = 600_000;
    const order = await call<Order>('pay_bill', { inquiryId: inq.inquiry_id, cashIdr: cash });
    expect(order).toMatchObject({
      category: 'bill',
      status: 'queued',
      sku: 'pln',
      target: '530000000002',
      product_name: 'PLN Pascabayar',
      price_idr: inq.customer_total_idr,
      cost_idr: inq.total_idr,
      cash_idr: cash,
      change_idr: cash - inq.customer_total_idr,
    });
    expect(order.bill).toEqual(inq);
    const done = await settled(order.id);
    expect(done.status).toBe('success');
    expect(done.sn).toMatch(/^\d+$/);
    expect(statuses(order.id)).toEqual(['queued', 'accepted', 'processing', 'pending', 'success']);
    const after = await call<Saldo>('saldo');
    expect(before.balance_idr - after.balance_idr).toBe(inq.total_idr);
    expect(after.available_idr).toBe(before.available_idr - inq.total_idr);
  });

  it('never pays the same bill twice', async () => {
    const inq = await inquire('bpjs', '8801234560001');
    const order = await call<Order>('pay_bill', { inquiryId: inq.inquiry_id });
    expect(await fails('pay_bill', { inquiryId: inq.inquiry_id })).toMatchObject({ code: 'bill_already_paid', field: 'inquiry_id' });
    expect(await fails('bill_inquiry', { sku: 'bpjs', customerNo: '8801234560001' })).toMatchObject({ code: 'bill_already_paid', field: 'customer_no' });
    expect(await fails('pay_bill', { inquiryId: 'INQ-NOPE' })).toMatchObject({ code: 'unknown_inquiry', field: 'inquiry_id' });
    await settled(order.id);
  });

  it('fails a payment the biller refuses (530000000006) and gives the saldo back', async () => {
    const before = await call<Saldo>('saldo');
    const inq = await inquire('pln', '530000000006');
    const order = await call<Order>('pay_bill', { inquiryId: inq.inquiry_id });
    const done = await settled(order.id);
    expect(done.status).toBe('failed');
    expect(done.failure?.message).toContain('ditolak biller');
    expect((await call<Saldo>('saldo')).available_idr).toBe(before.available_idr);
    for (const [sku, no] of [['bpjs', '8801234560005'], ['pdam', '1013230']] as const) {
      const i = await inquire(sku, no);
      expect((await settled((await call<Order>('pay_bill', { inquiryId: i.inquiry_id })).id)).status, no).toBe('failed');
    }
  });

  it('keeps 630000000001 pending longer, then pays it', async () => {
    const inq = await inquire('pln', '630000000001');
    const order = await call<Order>('pay_bill', { inquiryId: inq.inquiry_id });
    expect((await settled(order.id)).status).toBe('success');
    const seen = statuses(order.id);
    expect(seen).toContain('pending');
    expect(seen.at(-1)).toBe('success');
  });

  it('refuses short cash on the cash field and a bill bigger than the saldo', async () => {
    const inq = await inquire('multifinance', '6391601201');
    expect(await fails('pay_bill', { inquiryId: inq.inquiry_id, cashIdr: inq.customer_total_idr - 1 })).toMatchObject({ code: 'cash_short', field: 'cash_idr' });
    mock.engine.ctx.db.balance_idr = inq.total_idr - 1;
    expect(await fails('pay_bill', { inquiryId: inq.inquiry_id })).toMatchObject({ code: 'saldo_short' });
  });

  it('holds the counter fees, refuses one above the cap on its own field and saves nothing then', async () => {
    const s = await call<Settings>('settings');
    expect(s.bill_fees).toEqual({ pln_pasca: 2_500, bpjs: 2_500, pdam: 2_500, internet: 2_500, multifinance: 2_500 });
    expect(s.bill_fee_cap_idr).toBe(10_000);
    const tooHigh = structuredClone(s);
    tooHigh.bill_fees.pdam = 12_000;
    tooHigh.receipt_footer = 'changed';
    expect(await fails('save_settings', { settings: tooHigh })).toMatchObject({ code: 'bill_fee_above_cap', field: 'bill_fees.pdam' });
    expect(await call<Settings>('settings')).toEqual(s);
    const negative = structuredClone(s);
    negative.bill_fees.bpjs = -1;
    expect(await fails('save_settings', { settings: negative })).toMatchObject({ field: 'bill_fees.bpjs' });

    const ok = structuredClone(s);
    ok.bill_fees.pdam = 4_000;
    await call('save_settings', { settings: ok });
    expect((await call<BillProduct[]>('bill_products')).find((p) => p.sku === 'pdam')?.shop_fee_idr).toBe(4_000);
    const inq = await inquire('pdam', '1013226');
    expect(inq.shop_fee_idr).toBe(4_000);
    expect(inq.customer_total_idr).toBe(inq.total_idr + 4_000);
  });

  it('reports bills in the totals and apart: omzet = bills paid, laba = the counter fees', async () => {
    const before = await call<Report>('report');
    expect(before.bills).toMatchObject({ key: 'bill', count: 1 });
    const inq = await inquire('internet', '6391601001');
    await settled((await call<Order>('pay_bill', { inquiryId: inq.inquiry_id })).id);
    const r = await call<Report>('report');
    expect(r.bills.count).toBe(before.bills.count + 1);
    expect(r.bills.omzet_idr - before.bills.omzet_idr).toBe(inq.customer_total_idr);
    expect(r.bills.laba_idr - before.bills.laba_idr).toBe(inq.shop_fee_idr);
    expect(r.bills.laba_idr).toBe(r.bills.omzet_idr - r.bills.modal_idr);
    // The day's omzet includes the bill; its laba only the shop's fee.
    expect(r.omzet_idr - before.omzet_idr).toBe(inq.customer_total_idr);
    expect(r.laba_idr - before.laba_idr).toBe(inq.shop_fee_idr);
    expect(r.by_category.find((c) => c.key === 'bill')?.count).toBe(r.bills.count);
    expect(r.cash_expected_idr - before.cash_expected_idr).toBe(inq.customer_total_idr);
  });

  it('prints the bill lines on the receipt', async () => {
    const inq = await inquire('pln', '530000000002');
    const order = await call<Order>('pay_bill', { inquiryId: inq.inquiry_id, cashIdr: 600_000 });
    const pending = await call<string>('receipt_preview', { id: order.id, copy: false });
    expect(pending).toContain('BELUM SELESAI');
    expect(pending).toContain('BUDI SANTOSO');
    const done = await settled(order.id);
    const text = await call<string>('receipt_preview', { id: order.id, copy: false });
    const first = inq.periods[0];
    const last = inq.periods[1];
    for (const line of [
      'PLN PASCABAYAR',
      'ID Pelanggan : 530000000002',
      'Nama         : BUDI SANTOSO',
      'Tarif/Daya   : R1 / 1300 VA',
      'Lembar       : 2',
      `Stand Meter  : ${first?.meter_start}-${last?.meter_end}`,
      `No. Ref      : ${done.sn}`,
      'Status       : SUKSES',
    ]) {
      expect(text).toContain(line);
    }
    expect(text).toMatch(/Periode {6}: [A-Z]{3} \d{4}\n {15}[A-Z]{3} \d{4}/);
    for (const [label, amount] of [['Tagihan', inq.bill_idr], ['Denda', inq.penalty_idr], ['Admin', inq.admin_idr], ['Admin loket', inq.shop_fee_idr], ['TOTAL BAYAR', inq.customer_total_idr], ['Kembali', 600_000 - inq.customer_total_idr]] as const) {
      expect(text).toMatch(new RegExp(`^${label} +${rp(amount).replace('.', '\\.')}$`, 'm'));
    }
    expect(text.split('\n').every((l) => l.length <= 32)).toBe(true);
  });

  it('detects a 12-digit number as a PLN number and a pascabayar bill; 13 or 16 digits as BPJS', async () => {
    const q = await call<Quote>('quote', { input: '530000000002' });
    expect(q.detected).toEqual([
      { kind: 'pln', number: '530000000002' },
      { kind: 'bill', number: '530000000002', bill: 'pln_pasca' },
    ]);
    expect(q.products.length).toBeGreaterThan(0);
    expect((await call<Quote>('quote', { input: '12345678901' })).detected).toEqual([{ kind: 'pln', number: '12345678901' }]);
    expect((await call<Quote>('quote', { input: '8801234560001' })).detected).toEqual([{ kind: 'bill', number: '8801234560001', bill: 'bpjs' }]);
    expect((await call<Quote>('quote', { input: '8888801234567890' })).detected).toEqual([{ kind: 'bill', number: '8888801234567890', bill: 'bpjs' }]);
    // 14 digits are nothing yet: the smart input keeps quiet rather than refuse, as the engine's.
    expect(await call<Quote>('quote', { input: '12345678901234' })).toMatchObject({ detected: [], products: [] });
  });
});
