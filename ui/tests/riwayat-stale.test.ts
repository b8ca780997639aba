// @vitest-environment jsdom
// Stale queued orders through the real components and the mock engine: the status bar's
// notice, Riwayat's banner (F2) with each order's age and price, "send at today's price",
// the engine's refusal shown next to its order, and a cancellation that says what cash to
// give back.
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { MockEngine } from '../src/lib/mock';
import { rp } from './fixtures';
import { openApp, screenTests } from './screens';

const install = screenTests();

/** Offline, with the demo's two stale orders and whatever `prepare` adds, then the app opened. */
async function start(prepare?: (engine: MockEngine) => void) {
  const { engine } = install();
  engine.setOnline(false);
  engine.seedStale();
  prepare?.(engine);
  await openApp(engine);
  return engine;
}

const item = (id: string) => document.querySelector(`[data-stale-id="${id}"]`) as HTMLElement;

describe('stale queued orders', () => {
  it('are announced on the status bar and sent or cancelled from Riwayat', async () => {
    const eng = await start();
    const [unavailable, ok] = eng.ctx.db.orders.filter((o) => o.status === 'queued').sort((a, b) => (a.created_at < b.created_at ? -1 : 1));
    if (!unavailable || !ok) throw new Error('the demo has two stale orders');

    const notice = await screen.findByTestId('stale-notice');
    expect(notice.textContent).toContain('2 antre perlu konfirmasi (F2)');
    expect(notice.tagName).toBe('BUTTON');

    await fireEvent.keyDown(window, { key: 'F2' });
    const banner = await screen.findByTestId('stale-orders');
    expect(screen.queryByTestId('stale-notice')).toBeNull();
    expect(within(banner).getByRole('heading').textContent).toContain('2 pesanan antre terlalu lama — tidak dikirim otomatis');
    // Oldest first, each with product, target, price and age; the focus on the first action.
    const items = [...banner.querySelectorAll('[data-stale-id]')].map((el) => el.getAttribute('data-stale-id'));
    expect(items).toEqual([unavailable.id, ok.id]);
    expect(item(ok.id).textContent).toContain('Indosat 10.000');
    expect(item(ok.id).textContent).toContain('0857-1234-5678');
    expect(item(ok.id).textContent).toContain(rp(ok.price_idr));
    expect(within(item(ok.id)).getByTestId('stale-age').textContent).toBe('antre 27 jam');
    expect(within(item(unavailable.id)).getByTestId('stale-age').textContent).toBe('antre 30 jam');
    await waitFor(() => expect(document.activeElement?.getAttribute('data-action')).toBe('reconfirm'));

    // Smartfren 5.000 is no longer sold: the engine's message next to that order.
    await fireEvent.click(within(item(unavailable.id)).getByRole('button', { name: 'Kirim (harga hari ini)' }));
    expect((await within(item(unavailable.id)).findByTestId('stale-error')).textContent).toBe('produk tidak tersedia lagi; batalkan pesanan');

    // Indosat 10.000 goes again at today's price: still queued, no longer stale.
    await fireEvent.click(within(item(ok.id)).getByRole('button', { name: 'Kirim (harga hari ini)' }));
    await screen.findByText('Indosat 10.000 ke 0857-1234-5678 dikonfirmasi — dikirim saat sinkron berikutnya');
    await waitFor(() => expect(item(ok.id)).toBeNull());
    // The focus goes on to the order still waiting.
    await waitFor(() => expect(document.activeElement?.closest('[data-stale-id]')?.getAttribute('data-stale-id')).toBe(unavailable.id));
    expect(eng.ctx.db.orders.find((o) => o.id === ok.id)?.status).toBe('queued');
    expect(within(banner).getByRole('heading').textContent).toContain('1 pesanan antre terlalu lama');

    // Cancelling asks once more, then says what cash to give back.
    const refund = rp(unavailable.price_idr);
    await fireEvent.click(within(item(unavailable.id)).getByRole('button', { name: `Batalkan — kembalikan uang ${refund}` }));
    expect(item(unavailable.id).textContent).toContain(`Batalkan pesanan ini? Uang ${refund} dikembalikan ke pelanggan.`);
    await waitFor(() => expect(document.activeElement?.getAttribute('data-action')).toBe('confirm-cancel'));
    // Esc keeps the order; asking again and saying yes cancels it.
    await fireEvent.keyDown(document.activeElement as Element, { key: 'Escape' });
    await waitFor(() => expect(document.activeElement?.getAttribute('data-action')).toBe('cancel'));
    await fireEvent.click(document.activeElement as Element);
    await fireEvent.click(within(item(unavailable.id)).getByRole('button', { name: 'Ya, batalkan' }));
    await screen.findByText(`${unavailable.id} dibatalkan. Kembalikan uang ${refund} ke pelanggan`);
    await waitFor(() => expect(screen.queryByTestId('stale-orders')).toBeNull());
    const cancelled = eng.ctx.db.orders.find((o) => o.id === unavailable.id);
    expect(cancelled?.status).toBe('failed');
    expect(cancelled?.failure?.code).toBe('cancelled');
    // The cancelled order opens on the right, with the cash to give back.
    expect((await screen.findByTestId('refund-notice')).textContent).toContain(`Kembalikan uang ${refund} ke pelanggan`);
    await waitFor(() => expect(document.activeElement?.getAttribute('data-testid')).toBe('riwayat-search'));

    await fireEvent.keyDown(window, { key: 'F1' });
    await screen.findByTestId('smart-input');
    expect(screen.queryByTestId('stale-notice')).toBeNull();
  });

  it('drops an order the sync sent meanwhile, saying why, rather than cancel it', async () => {
    const eng = await start();
    const [, ok] = eng.ctx.db.orders.filter((o) => o.status === 'queued').sort((a, b) => (a.created_at < b.created_at ? -1 : 1));
    if (!ok) throw new Error('the demo has two stale orders');
    await fireEvent.keyDown(window, { key: 'F2' });
    await screen.findByTestId('stale-orders');
    await waitFor(() => expect(item(ok.id)).not.toBeNull());
    // The line came back and the order went out before the cashier acted on it.
    ok.sent = true;
    await fireEvent.click(within(item(ok.id)).getByRole('button', { name: `Batalkan — kembalikan uang ${rp(ok.price_idr)}` }));
    await fireEvent.click(within(item(ok.id)).getByRole('button', { name: 'Ya, batalkan' }));
    await screen.findByText(`${ok.id}: pesanan ini sudah pernah dikirim; tunggu jawaban server`);
    await waitFor(() => expect(item(ok.id)).toBeNull());
    expect(eng.ctx.db.orders.find((o) => o.id === ok.id)?.status).toBe('queued');
  });

  it('shows a bill payment without "send again": it is cancelled and looked up again', async () => {
    const paid = (eng: MockEngine) => eng.ctx.db.orders.find((o) => o.category === 'bill');
    // A payment that never left the counter, queued since yesterday (before the app opens: the
    // app hears of later changes only once it listens to the engine's events).
    const eng = await start((e) => {
      const b = paid(e);
      if (!b) return;
      b.status = 'queued';
      b.sent = false;
      e.age(b.id, 40);
    });
    const bill = paid(eng);
    if (!bill) throw new Error('the demo has a paid bill');
    await fireEvent.keyDown(window, { key: 'F2' });
    const banner = await screen.findByTestId('stale-orders');
    await waitFor(() => expect(item(bill.id)).not.toBeNull());
    expect(within(banner).getByRole('heading').textContent).toContain('3 pesanan');
    expect(within(item(bill.id)).queryByRole('button', { name: 'Kirim (harga hari ini)' })).toBeNull();
    expect(item(bill.id).textContent).toContain('batalkan, lalu cek tagihan lagi (F5)');
    expect(item(bill.id).textContent).toContain(bill.bill?.customer_name ?? '?');
  });
});
