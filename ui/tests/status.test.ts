// @vitest-environment jsdom
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import OrderCard from '../src/components/OrderCard.svelte';
import StatusPill from '../src/components/StatusPill.svelte';
import { translate } from '../src/lib/i18n';
import { ALL_STATUSES, statusView } from '../src/lib/status';
import type { OrderStatus } from '../src/lib/types';
import { order } from './fixtures';

const NOT_DONE: OrderStatus[] = ['queued', 'accepted', 'processing', 'pending'];
const SUCCESS_WORDS = [translate('id', 'status.success'), translate('en', 'status.success'), 'SUKSES', 'Sudah masuk'];

describe('status presentation', () => {
  it('covers every status the engine has', () => {
    expect([...ALL_STATUSES].sort()).toEqual(
      ['accepted', 'failed', 'pending', 'processing', 'queued', 'refunded', 'success'].sort(),
    );
  });

  it('never gives a not-finished order the success tone, label or SN block', () => {
    for (const s of NOT_DONE) {
      const v = statusView(s);
      expect(v.tone, s).not.toBe('ok');
      expect(v.delivered, s).toBe(false);
      expect(v.label, s).not.toBe('status.success');
      expect(v.timer, s).toBe(true);
    }
  });

  it('shows only success as delivered, and failed/refunded as cash back', () => {
    expect(statusView('success')).toMatchObject({ tone: 'ok', delivered: true, refundCash: false });
    expect(statusView('failed')).toMatchObject({ tone: 'bad', delivered: false, refundCash: true });
    expect(statusView('refunded')).toMatchObject({ tone: 'bad', delivered: false, refundCash: true });
  });

  it('keeps queued visibly different from pending', () => {
    expect(statusView('queued').tone).not.toBe(statusView('pending').tone);
    expect(statusView('queued').label).not.toBe(statusView('pending').label);
  });
});

describe('OrderCard', () => {
  for (const s of NOT_DONE) {
    it(`a ${s} order does not look like a success, even with an SN present`, () => {
      const { container } = render(OrderCard, { order: order(s, { sn: '41002315042959' }) });
      const text = container.textContent ?? '';
      for (const w of SUCCESS_WORDS) expect(text).not.toContain(w);
      expect(text).not.toContain('41002315042959');
      expect(text).not.toContain('Kembalikan uang');
      expect(container.querySelector('[data-testid="order-card"]')?.getAttribute('data-status')).toBe(s);
    });
  }

  it('shows pending with its timer', () => {
    render(OrderCard, { order: order('pending') });
    expect(screen.getByText(/Pending/i)).toBeTruthy();
    expect(screen.getByText(/^0:4\d$/)).toBeTruthy();
  });

  it('shows the SN and the change from the engine on success', () => {
    render(OrderCard, { order: order('success', { sn: '41002315042959' }) });
    expect(screen.getByTestId('order-sn').textContent).toBe('41002315042959');
    expect(screen.getByTestId('order-change').textContent).toBe('Rp8.500');
    expect(screen.getByText(/Sukses/i)).toBeTruthy();
  });

  it('shows a PLN token large, in 4-digit groups', () => {
    render(OrderCard, { order: order('success', { category: 'pln', pln_token: '57217714389726293021' }) });
    expect(screen.getByTestId('pln-token').textContent).toBe('5721-7714-3897-2629-3021');
  });

  it('tells the cashier to give the money back when an order failed', () => {
    render(OrderCard, {
      order: order('failed', { failure: { code: 'x', message: 'Nomor tujuan tidak aktif / Destination number inactive' } }),
    });
    const notice = screen.getByTestId('refund-notice').textContent ?? '';
    expect(notice).toContain('Kembalikan uang Rp11.500 ke pelanggan');
    expect(notice).toContain('Nomor tujuan tidak aktif');
    expect(notice).not.toContain('Destination');
  });
});

describe('StatusPill', () => {
  it('labels queued as Antre and never as Sukses', () => {
    const { container } = render(StatusPill, { status: 'queued', since: new Date().toISOString() });
    expect(container.textContent).toContain('Antre');
    expect(container.textContent).not.toContain('Sukses');
  });
});
