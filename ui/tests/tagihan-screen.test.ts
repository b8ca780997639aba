// @vitest-environment jsdom
// The Tagihan screen through the real components and the mock engine: a bill from the typed
// number to SUKSES by keyboard, Esc a step back, an inquiry error next to the number, the
// Jual → Tagihan hand-over; the counter-fee form; and the bill commands' IPC names.
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import * as ipc from '../src/lib/ipc';
import type { BillInquiry } from '../src/lib/types';
import BillFeeSettings from '../src/screens/Pengaturan/BillFeeSettings.svelte';
import { bill } from '../src/screens/Tagihan/bill.svelte';
import { recordIpc, rp, settings } from './fixtures';
import { openApp, screenTests, typeInto } from './screens';

// The screens keep their state for the session; each test starts a new session.
const install = screenTests(() =>
  Object.assign(bill, { phase: 'input', products: [], sku: '', chosen: false, customerNo: '', inquiry: null, cashText: '', errors: {}, lastOrderId: null }),
);

/** The mock engine with a cashier (not the owner: bills are for every cashier) logged in. */
async function start() {
  const { engine, calls } = install();
  await openApp(engine);
  return { calls, engine };
}

async function openTagihan(): Promise<HTMLInputElement> {
  await fireEvent.keyDown(window, { key: 'F5' });
  const input = (await screen.findByTestId('bill-customer')) as HTMLInputElement;
  await waitFor(() => expect(document.activeElement).toBe(input));
  await waitFor(() => expect(document.querySelector('[data-testid="bill-products"] [aria-selected="true"]')).not.toBeNull());
  return input;
}

describe('Tagihan, through the real components and the mock engine', () => {
  it('pays a two-month PLN bill with the number, Enter, cash, Enter and shows the live status', async () => {
    const { calls, engine } = await start();
    const input = await openTagihan();
    expect(document.querySelector('[data-testid="bill-products"] [aria-selected="true"]')?.getAttribute('data-sku')).toBe('pln');

    await typeInto(input, '530000000002');
    await fireEvent.keyDown(input, { key: 'Enter' });
    await screen.findByText('BUDI SANTOSO');
    const inq = calls.find(([c]) => c === 'bill_inquiry');
    expect(inq?.[1]).toEqual({ sku: 'pln', customerNo: '530000000002' });
    expect(screen.getAllByRole('row').filter((r) => r.hasAttribute('data-period'))).toHaveLength(2);

    const shown = engine.ctx.db.inquiries[0]?.inquiry as BillInquiry;
    expect(screen.getByTestId('bill-due').textContent).toBe(rp(shown.customer_total_idr));
    expect(screen.getByTestId('bill-total').textContent).toBe(rp(shown.total_idr));
    expect(screen.getByTestId('bill-shop-fee').textContent).toBe('Rp2.500');
    expect(screen.getByTestId('bill-expiry').textContent).toMatch(/Bayar sebelum/);

    const cash = document.getElementById('bill-cash') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(cash));
    await typeInto(cash, '600.000');
    await waitFor(() => expect(screen.getByTestId('bill-change').textContent).toContain(rp(600_000 - shown.customer_total_idr)));
    await fireEvent.keyDown(cash, { key: 'Enter' });

    const paid = calls.filter(([c]) => c === 'pay_bill');
    expect(paid).toHaveLength(1);
    expect(paid[0]?.[1]).toEqual({ inquiryId: shown.inquiry_id, cashIdr: 600_000 });

    const card = await screen.findByTestId('order-card');
    expect(card.textContent).toContain('BUDI SANTOSO');
    await waitFor(() => expect(card.getAttribute('data-status')).toBe('success'), { timeout: 3000 });
    expect(card.textContent).toContain('No. Referensi');
    expect(screen.getByTestId('order-change').textContent).toBe(rp(600_000 - shown.customer_total_idr));
    // The next customer: the number is empty and has the focus.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('bill-customer')));
    expect((screen.getByTestId('bill-customer') as HTMLInputElement).value).toBe('');
  });

  it('shows an inquiry error next to the number; Esc goes back from the bill and keeps the number', async () => {
    const { calls } = await start();
    const input = await openTagihan();
    await typeInto(input, '530000000003');
    await fireEvent.keyDown(input, { key: 'Enter' });
    const err = await waitFor(() => {
      const el = document.querySelector('[data-field-error="customer_no"]');
      expect(el).not.toBeNull();
      return el as HTMLElement;
    });
    expect(err.textContent).toContain('Tagihan tidak ditemukan');

    await fireEvent.keyDown(input, { key: 'Escape' });
    expect(input.value).toBe('');

    await fireEvent.keyDown(input, { key: '2', altKey: true });
    await waitFor(() => expect(document.querySelector('[aria-selected="true"]')?.getAttribute('data-sku')).toBe('bpjs'));
    await typeInto(input, '8801234560001');
    await fireEvent.keyDown(input, { key: 'Enter' });
    await screen.findByText('SUPARMAN');
    const cash = document.getElementById('bill-cash') as HTMLInputElement;
    await fireEvent.keyDown(cash, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('bill-detail')).toBeNull());
    const again = (await screen.findByTestId('bill-customer')) as HTMLInputElement;
    expect(again.value).toBe('8801234560001');
    await waitFor(() => expect(document.activeElement).toBe(again));
    expect(calls.filter(([c]) => c === 'pay_bill')).toHaveLength(0);
  });

  it('goes back to the number with the engine’s reason when the check expired before paying', async () => {
    const { calls, engine } = await start();
    const input = await openTagihan();
    await typeInto(input, '1013226');
    await fireEvent.keyDown(input, { key: 'ArrowRight' });
    await fireEvent.keyDown(input, { key: 'ArrowRight' });
    await waitFor(() => expect(document.querySelector('[aria-selected="true"]')?.getAttribute('data-sku')).toBe('pdam'));
    await fireEvent.keyDown(input, { key: 'Enter' });
    await screen.findByText('SLAMET RIYADI');
    // The supplier's same-day rule ran out while the customer counted the money.
    const held = engine.ctx.db.inquiries[0];
    if (held) held.inquiry.expires_at = new Date(Date.now() - 1_000).toISOString();
    await fireEvent.keyDown(document.getElementById('bill-cash') as HTMLInputElement, { key: 'Enter' });
    const err = await waitFor(() => {
      const el = document.querySelector('[data-field-error="customer_no"]');
      expect(el).not.toBeNull();
      return el as HTMLElement;
    });
    expect(err.textContent).toContain('kedaluwarsa');
    expect(screen.queryByTestId('bill-detail')).toBeNull();
    expect((screen.getByTestId('bill-customer') as HTMLInputElement).value).toBe('1013226');
    expect(calls.filter(([c]) => c === 'pay_bill')).toHaveLength(1);
    expect(engine.ctx.db.orders.some((o) => o.category === 'bill' && o.target === '1013226')).toBe(false);
  });

  it('offers the bill on Jual for a 12-digit number and F5 carries the number and kind over', async () => {
    await start();
    const smart = screen.getByTestId('smart-input') as HTMLInputElement;
    await typeInto(smart, '530000000001');
    const offer = await screen.findByTestId('bill-offer');
    expect(offer.textContent).toContain('Bayar tagihan PLN Pascabayar?');
    expect(offer.textContent).toContain('F5');
    // The token products are still there to sell.
    expect((await screen.findAllByRole('option')).length).toBeGreaterThan(0);

    await fireEvent.keyDown(smart, { key: 'F5' });
    const input = (await screen.findByTestId('bill-customer')) as HTMLInputElement;
    expect(input.value).toBe('530000000001');
    await waitFor(() => expect(document.querySelector('[aria-selected="true"]')?.getAttribute('data-sku')).toBe('pln'));
  });
});

describe('the counter-fee form', () => {
  it('refuses a fee above the cap next to that field without saving', async () => {
    const onsave = vi.fn(async () => true);
    render(BillFeeSettings, { props: { settings: settings(), errors: {}, busy: false, onsave } });
    const pln = document.getElementById('bill-fee-pln_pasca') as HTMLInputElement;
    expect(pln.value).toBe('2500');
    await typeInto(pln, '15000');
    await fireEvent.submit(screen.getByTestId('bill-fees'));
    await waitFor(() => expect(document.querySelector('[data-field-error="bill-fee-pln_pasca"]')?.textContent).toBe('Paling besar Rp10.000 (batas biaya admin)'));
    expect(pln.getAttribute('aria-invalid')).toBe('true');
    expect(onsave).not.toHaveBeenCalled();

    await typeInto(pln, '3000');
    await fireEvent.submit(screen.getByTestId('bill-fees'));
    await waitFor(() => expect(onsave).toHaveBeenCalledTimes(1));
    expect(document.querySelector('[data-field-error="bill-fee-pln_pasca"]')).toBeNull();
  });

  it('shows the engine\u2019s error on the field it names', () => {
    render(BillFeeSettings, {
      props: { settings: settings(), errors: { 'bill_fees.bpjs': 'Biaya admin loket paling besar Rp10.000' }, busy: false, onsave: async () => false },
    });
    expect(document.querySelector('[data-field-error="bill-fee-bpjs"]')?.textContent).toBe('Biaya admin loket paling besar Rp10.000');
  });
});

describe('the bill commands over IPC', () => {
  it('are named in snake_case with camelCase arguments; no cash means exact cash', async () => {
    const calls = recordIpc();
    await ipc.billProducts();
    await ipc.billInquiry('pln', '530000000002');
    await ipc.payBill('INQ-1');
    await ipc.payBill('INQ-1', 600_000);
    expect(calls.map((c) => c[0])).toEqual(['bill_products', 'bill_inquiry', 'pay_bill', 'pay_bill']);
    expect(calls[1]?.[1]).toEqual({ sku: 'pln', customerNo: '530000000002' });
    expect(calls[2]?.[1]).toEqual({ inquiryId: 'INQ-1' });
    expect(calls[3]?.[1]).toEqual({ inquiryId: 'INQ-1', cashIdr: 600_000 });
  });
});
