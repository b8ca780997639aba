// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emit } from '@tauri-apps/api/event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import { messageIn, toCommandError } from '../src/lib/errors';
import * as ipc from '../src/lib/ipc';
import { MOCK_COMMANDS } from '../src/lib/mock';
import type { Order, SyncState } from '../src/lib/types';
import { order, recordIpc, settings } from './fixtures';

afterEach(() => clearMocks());

describe('the IPC layer', () => {
  it('names commands in snake_case and arguments in camelCase', async () => {
    const calls = recordIpc();
    await ipc.pair('https://k.id', 'ABCD-1234', 'Kasir depan');
    await ipc.placeOrder({ sku: 'tsel10', target: '081234567890', cashIdr: 20_000, confirmRepeat: true });
    await ipc.placeOrder({ sku: 'tsel10', target: '081234567890' });
    await ipc.requestDeposit(500_000, 'va', 'bca');
    await ipc.closeShift(1_000_000);
    await ipc.gameInquiry('mobile_legends', '12345678 (1234)');
    await ipc.printOrder('KNT-1', true);
    await ipc.staleOrders();
    await ipc.reconfirmOrder('KNT-2');
    await ipc.cancelQueuedOrder('KNT-3');
    await ipc.saveSettings(settings({ printer: { kind: 'tcp', address: '10.0.0.5:9100', width: 32 } }));
    await ipc.backups();
    await ipc.restoreBackup('2026-03-09');
    await ipc.restartApp();
    expect(calls.map((c) => c[0])).toEqual([
      'pair',
      'place_order',
      'place_order',
      'request_deposit',
      'close_shift',
      'game_inquiry',
      'print_order',
      'stale_orders',
      'reconfirm_order',
      'cancel_queued_order',
      'save_settings',
      'backups',
      'restore_backup',
      'restart_app',
    ]);
    expect(calls[0]?.[1]).toEqual({ serverUrl: 'https://k.id', code: 'ABCD-1234', deviceName: 'Kasir depan', lanConfirmed: false });
    expect(calls[1]?.[1]).toEqual({ sku: 'tsel10', target: '081234567890', cashIdr: 20_000, confirmRepeat: true });
    expect(calls[2]?.[1]).toEqual({ sku: 'tsel10', target: '081234567890' });
    expect(calls[3]?.[1]).toEqual({ amountIdr: 500_000, method: 'va', bank: 'bca' });
    expect(calls[4]?.[1]).toEqual({ countedCashIdr: 1_000_000 });
    expect(calls[5]?.[1]).toEqual({ game: 'mobile_legends', target: '12345678 (1234)' });
    expect(calls[6]?.[1]).toEqual({ id: 'KNT-1', copy: true });
    expect(calls[7]?.[1]).toEqual({});
    expect(calls[8]?.[1]).toEqual({ id: 'KNT-2' });
    expect(calls[9]?.[1]).toEqual({ id: 'KNT-3' });
    expect(Object.keys(calls[10]?.[1] as object)).toEqual(['settings']);
    expect(calls[11]?.[1]).toEqual({});
    expect(calls[12]?.[1]).toEqual({ day: '2026-03-09' });
    expect(calls[13]?.[1]).toEqual({});
  });

  it('rejects with {code, message, field} whatever shape the error came in', async () => {
    mockIPC(() => {
      throw { code: 'cash_short', message: 'Uang kurang / Cash short', field: 'cash_idr' };
    });
    await expect(ipc.placeOrder({ sku: 'x', target: 'y' })).rejects.toEqual({
      code: 'cash_short',
      message: 'Uang kurang / Cash short',
      field: 'cash_idr',
    });
    mockIPC(() => {
      throw 'boom';
    });
    await expect(ipc.saldo()).rejects.toEqual({ code: 'internal', message: 'boom' });
    expect(toCommandError('{"code":"pin_wrong","message":"PIN salah / Wrong PIN","field":"pin"}')).toEqual({
      code: 'pin_wrong',
      message: 'PIN salah / Wrong PIN',
      field: 'pin',
    });
  });

  it('shows the half of a bilingual message in the chosen language', () => {
    expect(messageIn('PIN salah / Wrong PIN', 'id')).toBe('PIN salah');
    expect(messageIn('PIN salah / Wrong PIN', 'en')).toBe('Wrong PIN');
    expect(messageIn('Hanya satu bahasa', 'en')).toBe('Hanya satu bahasa');
  });

  it('delivers engine events to typed listeners', async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    const orders: Order[] = [];
    const syncs: SyncState[] = [];
    const u1 = await ipc.onOrderUpdated((o) => orders.push(o));
    const u2 = await ipc.onSyncState((s) => syncs.push(s));
    await emit('order-updated', order('pending'));
    await emit('sync-state', { state: 'offline', queue_len: 2 });
    expect(orders.map((o) => o.status)).toEqual(['pending']);
    expect(syncs).toEqual([{ state: 'offline', queue_len: 2 }]);
    await u1();
    await u2();
    await emit('order-updated', order('success'));
    expect(orders).toHaveLength(1);
  });

  it('has a mock for every command the IPC layer can call', () => {
    const source = readFileSync(join(import.meta.dirname, '..', 'src', 'lib', 'ipc.ts'), 'utf8');
    const called = [...source.matchAll(/call<[^>]*>\(\s*'([a-z_]+)'/g)].map((m) => m[1]);
    expect(called.length).toBeGreaterThan(25);
    for (const c of called) expect(MOCK_COMMANDS, c).toContain(c);
  });
});
