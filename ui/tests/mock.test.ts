import { describe, expect, it } from 'vitest';
import type { Order, Quote, QuoteItem, Saldo } from '../src/lib/types';
import { engineTests } from './fixtures';

const mock = engineTests();
const { call, fails, settled, updates } = mock;

describe('the mock engine', () => {
  it('detects operators from the prefix like konter-domain', async () => {
    const cases: [string, string][] = [
      ['0812-3456-7890', 'telkomsel'],
      ['+62 857 1234 5678', 'indosat'],
      ['0817 1234 5678', 'xl'],
      ['0838-1234-5678', 'axis'],
      ['0896 1234 5678', 'tri'],
      ['0881 1234 5678', 'smartfren'],
    ];
    for (const [input, op] of cases) {
      const q = await call<Quote>('quote', { input });
      expect(q.detected[0], input).toMatchObject({ kind: 'phone', operator: op });
      expect(q.products.length, input).toBeGreaterThan(0);
      expect(q.products.every((p) => p.operator === op), input).toBe(true);
    }
    // by.U numbers live inside Telkomsel's 0851 block and take Telkomsel products too.
    const byu = await call<Quote>('quote', { input: '085155512345' });
    expect(byu.detected).toEqual([{ kind: 'phone', number: '085155512345', operator: 'byu' }]);
    expect(new Set(byu.products.map((p) => p.operator))).toEqual(new Set(['byu', 'telkomsel']));
    expect((await call<Quote>('quote', { input: '12345678901' })).detected[0]?.kind).toBe('pln');
    // A number still being typed, or one of no operator, is nothing yet: never a refusal.
    expect(await call<Quote>('quote', { input: '0812' })).toMatchObject({ detected: [], products: [] });
    expect(await call<Quote>('quote', { input: '0800-1234-56' })).toMatchObject({ detected: [], products: [] });
  });

  it('prices with the shop rules, rounding up, and reports profit = price - cost', async () => {
    const q = await call<Quote>('quote', { input: '081234567890' });
    for (const p of q.products) {
      expect(p.profit_idr).toBe(p.price_idr - p.cost_idr);
      expect(p.price_idr % 500).toBe(0);
      expect(p.price_idr).toBeGreaterThanOrEqual(p.cost_idr);
    }
    await call('save_price_rule', { rule: { id: '', scope: 'product', key: 'tsel10', markup: { kind: 'fixed', idr: 3_000 }, round_to: 1000 } });
    const after = await call<Quote>('quote', { input: '081234567890' });
    const tsel10 = after.products.find((p) => p.sku === 'tsel10') as QuoteItem;
    expect(tsel10.price_idr).toBe(Math.ceil((tsel10.cost_idr + 3_000) / 1000) * 1000);
  });

  it('asks "isi ke-2?" for the same product to the same number today', async () => {
    const first = await call<Order>('place_order', { sku: 'tsel10', target: '081234567890' });
    expect(first.status).toBe('queued');
    expect(await fails('place_order', { sku: 'tsel10', target: '0812-3456-7890' })).toMatchObject({ code: 'repeat_sale' });
    const second = await call<Order>('place_order', { sku: 'tsel10', target: '081234567890', confirmRepeat: true });
    expect(second.id).not.toBe(first.id);
  });

  it('gives change from the cash received, and refuses short cash on the cash field', async () => {
    const o = await call<Order>('place_order', { sku: 'xl25', target: '081787650000', cashIdr: 50_000 });
    expect(o.change_idr).toBe(50_000 - o.price_idr);
    expect(await fails('place_order', { sku: 'xl50', target: '081787651111', cashIdr: 1_000 })).toMatchObject({
      code: 'cash_short',
      field: 'cash_idr',
    });
  });

  it('moves an order forward only, emitting each step; 0000 numbers fail and release the hold', async () => {
    const before = await call<Saldo>('saldo');
    const ok = await call<Order>('place_order', { sku: 'tsel10', target: '081211112222' });
    const bad = await call<Order>('place_order', { sku: 'tsel20', target: '081211110000' });
    const [a, b] = await Promise.all([settled(ok.id), settled(bad.id)]);
    expect(a.status).toBe('success');
    expect(a.sn).toMatch(/^\d+$/);
    expect(b.status).toBe('failed');
    expect(b.failure?.message).toContain('tidak aktif');
    const seen = updates(ok.id).map((o) => o.status);
    expect(seen).toEqual(['queued', 'accepted', 'processing', 'pending', 'success']);
    const after = await call<Saldo>('saldo');
    expect(after.available_idr).toBe(before.available_idr - a.cost_idr);
  });

  it('keeps orders queued while offline, then drains them once', async () => {
    mock.engine.setOnline(false);
    const o = await call<Order>('place_order', { sku: 'axis10', target: '083112345678' });
    await new Promise((r) => setTimeout(r, 20));
    expect((await call<Order[]>('orders', { query: o.id }))[0]?.status).toBe('queued');
    expect((await call<Saldo>('saldo')).local_held_idr).toBe(o.cost_idr);
    mock.engine.setOnline(true);
    expect((await settled(o.id)).status).toBe('success');
    const syncs = mock.events.filter(([e]) => e === 'sync-state').map(([, p]) => p as { state: string; queue_len: number });
    expect(syncs.some((s) => s.state === 'offline' && s.queue_len === 1)).toBe(true);
    expect(syncs.at(-1)).toMatchObject({ state: 'online', queue_len: 0 });
  });

  it('keeps a queued order older than a day out of the sync until a cashier confirms it', async () => {
    mock.engine.setOnline(false);
    const a = await call<Order>('place_order', { sku: 'axis10', target: '083112345678' });
    const b = await call<Order>('place_order', { sku: 'tri20', target: '089612345678' });
    const fresh = await call<Order>('place_order', { sku: 'xl25', target: '081787651234' });
    expect(await call<Order[]>('stale_orders')).toEqual([]);
    mock.engine.age(a.id, 30);
    mock.engine.age(b.id, 25);
    // Oldest first; a day exactly is not stale yet, a moment more is.
    expect((await call<Order[]>('stale_orders')).map((o) => o.id)).toEqual([a.id, b.id]);
    mock.engine.age(fresh.id, 23.9);
    expect(await call<Order[]>('stale_orders')).toHaveLength(2);
    mock.engine.setOnline(true);
    expect((await settled(fresh.id)).status).toBe('success');
    await new Promise((r) => setTimeout(r, 30));
    const left = await call<Order[]>('stale_orders');
    expect(left.map((o) => [o.id, o.status])).toEqual([[a.id, 'queued'], [b.id, 'queued']]);
    expect(mock.events.filter(([e]) => e === 'sync-state').at(-1)?.[1]).toMatchObject({ state: 'online', queue_len: 2 });
  });

  it('sends a stale order again at today\'s saldo price: still queued, no longer stale, out with the next sync', async () => {
    mock.engine.setOnline(false);
    const o = await call<Order>('place_order', { sku: 'axis10', target: '083112345678', cashIdr: 20_000 });
    mock.engine.age(o.id, 26);
    // The saldo price went up by Rp300 since: the hold grows by that, the customer's price stays.
    mock.engine.ctx.db.orders.find((x) => x.id === o.id)!.cost_idr -= 300;
    const before = await call<Saldo>('saldo');
    const r = await call<Order>('reconfirm_order', { id: o.id });
    expect(r).toMatchObject({ id: o.id, status: 'queued', price_idr: o.price_idr, cost_idr: o.cost_idr, cash_idr: 20_000 });
    expect(r.created_at).toBe(mock.engine.ctx.db.orders.find((x) => x.id === o.id)?.created_at);
    expect(await call<Order[]>('stale_orders')).toEqual([]);
    expect((await call<Saldo>('saldo')).local_held_idr).toBe(before.local_held_idr + 300);
    expect(mock.events.some(([e, p]) => e === 'order-updated' && (p as Order).id === o.id && (p as Order).updated_at === r.updated_at)).toBe(true);
    mock.engine.setOnline(true);
    expect((await settled(o.id)).status).toBe('success');
  });

  it('refuses to send again a bill, a product no longer sold, or an order that is not queued', async () => {
    mock.engine.setOnline(false);
    mock.engine.seedStale();
    const stale = await call<Order[]>('stale_orders');
    expect(stale.map((o) => o.sku)).toEqual(['sf5', 'isat10']);
    expect(await fails('reconfirm_order', { id: stale[0]!.id })).toMatchObject({
      code: 'product_unavailable',
      field: 'order_id',
      message: 'produk tidak tersedia lagi; batalkan pesanan / the product is no longer available; cancel the order',
    });
    const paid = mock.engine.ctx.db.orders.find((x) => x.id === 'KNT-SEED-000013')!;
    paid.status = 'queued';
    paid.sent = false;
    expect(await fails('reconfirm_order', { id: paid.id })).toMatchObject({ code: 'bill_needs_inquiry', field: 'order_id' });
    expect(await fails('reconfirm_order', { id: 'KNT-SEED-000001' })).toMatchObject({ code: 'not_queued', field: 'order_id' });
    expect(await fails('cancel_queued_order', { id: 'KNT-NOPE' })).toMatchObject({ code: 'not_queued' });
  });

  it('cancels a queued order: failed as "cancelled", the hold released, the queue shorter', async () => {
    mock.engine.setOnline(false);
    const before = await call<Saldo>('saldo');
    const o = await call<Order>('place_order', { sku: 'tri20', target: '089612345678' });
    mock.engine.age(o.id, 48);
    const r = await call<Order>('cancel_queued_order', { id: o.id });
    expect(r.status).toBe('failed');
    expect(r.failure).toEqual({ code: 'cancelled', message: 'dibatalkan kasir sebelum terkirim / cancelled before it was sent' });
    const after = await call<Saldo>('saldo');
    expect(after.available_idr).toBe(before.available_idr);
    expect(after.local_held_idr).toBe(before.local_held_idr);
    expect(await call<Order[]>('stale_orders')).toEqual([]);
    expect(mock.events.filter(([e]) => e === 'sync-state').at(-1)?.[1]).toMatchObject({ queue_len: 0 });
    expect(await fails('cancel_queued_order', { id: o.id })).toMatchObject({ code: 'not_queued' });
    expect(await fails('reconfirm_order', { id: o.id })).toMatchObject({ code: 'not_queued' });
    mock.engine.setOnline(true);
    await new Promise((r) => setTimeout(r, 30));
    expect((await call<Order[]>('orders', { query: o.id }))[0]?.status).toBe('failed');
  });

  it('checks PLN and game accounts before payment', async () => {
    expect(await call('pln_inquiry', { target: '12345678901' })).toMatchObject({ name: expect.any(String), meter_no: '12345678901' });
    expect(await fails('pln_inquiry', { target: '123' })).toMatchObject({ code: 'pln_wrong_length', field: 'target' });
    expect(await call('game_inquiry', { game: 'mobile_legends', target: '12345678 (1234)' })).toMatchObject({ available: true, nickname: expect.any(String) });
    expect(await fails('game_inquiry', { game: 'mobile_legends', target: '12345678' })).toMatchObject({ field: 'zone_id' });
    expect(await call('game_inquiry', { game: 'genshin_impact', target: '812345678' })).toEqual({ available: false });
  });

  it('guards the owner screens', async () => {
    await call('login', { pin: '1111' });
    expect(await fails('report', {})).toMatchObject({ code: 'owner_only' });
    expect(await fails('login', { pin: '9999' })).toMatchObject({ code: 'pin_wrong', field: 'pin' });
  });

  it('answers every command in the IPC contract', async () => {
    const r = await call<{ count: number; by_category: unknown[] }>('report', {});
    expect(r.count).toBeGreaterThan(0);
    expect(await call('export_csv', {})).toMatchObject({ path: expect.stringContaining('.csv') });
    const dep = await call<{ va_number: string }>('request_deposit', { amountIdr: 500_000, method: 'va', bank: 'bca' });
    expect(dep.va_number).toMatch(/^\d{16}$/);
    const text = await call<string>('receipt_preview', { id: 'KNT-SEED-000001', copy: true });
    expect(text).toContain('*** SALINAN ***');
    expect(text.split('\n').every((l) => l.length <= 32)).toBe(true);
  });
});
