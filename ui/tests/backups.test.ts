// @vitest-environment jsdom
// The counter's daily copies of its store: the mock engine's `backups`, `restore_backup` and
// `restart_app` (owner only, a day without a copy refused on `day`, choosing changes nothing
// but the copy for the next start), and Pengaturan → Cadangan through the real components:
// the list, the question before a restore, the notice that stays, the restart, and a cashier
// kept out.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { createMockEngine } from '../src/lib/mock';
import { emptyDb, shopDay } from '../src/lib/mock/db';
import { setCashier } from '../src/lib/session.svelte';
import type { Backups as BackupsAnswer, CommandError } from '../src/lib/types';
import Backups from '../src/screens/Pengaturan/Backups.svelte';
import SettingsBody from '../src/screens/Pengaturan/SettingsBody.svelte';
import { engineTests } from './fixtures';
import { openApp, screenTests } from './screens';

const DAY_MS = 86_400_000;

/** Three fixed copies, newest first: the dates and sizes the screen must write out. */
const COPIES = [
  { day: '2026-03-10', size_kb: 1_284 },
  { day: '2026-03-09', size_kb: 1_262 },
  { day: '2026-03-08', size_kb: 980 },
];

describe('backups in the mock engine', () => {
  const mock = engineTests();
  const { call, fails } = mock;

  it("lists the demo device's three copies, newest first, from the shop's today, none chosen", async () => {
    const b = await call<BackupsAnswer>('backups');
    const db = mock.engine.ctx.db;
    const now = Date.now();
    expect(b.copies.map((c) => c.day)).toEqual([0, 1, 2].map((i) => shopDay(db, new Date(now - i * DAY_MS))));
    expect(b.copies.every((c) => Number.isInteger(c.size_kb) && c.size_kb > 0)).toBe(true);
    expect('pending_day' in b, 'no pending_day while none is chosen').toBe(false);
  });

  it('chooses a copy for the next start and changes nothing else; choosing again replaces the choice', async () => {
    const before = await call<BackupsAnswer>('backups');
    const second = before.copies[1]!.day;
    const answer = await call<BackupsAnswer>('restore_backup', { day: second });
    expect(answer).toEqual({ copies: before.copies, pending_day: second });
    expect(await call('backups')).toEqual(answer);
    const third = before.copies[2]!.day;
    expect((await call<BackupsAnswer>('restore_backup', { day: third })).pending_day).toBe(third);
    expect(mock.engine.ctx.db.restartsAsked).toBe(0);
  });

  it('refuses a day without a copy on `day`, and keeps the earlier choice', async () => {
    const first = (await call<BackupsAnswer>('backups')).copies[0]!.day;
    await call('restore_backup', { day: first });
    const err = await fails('restore_backup', { day: '2001-01-01' });
    expect(err).toMatchObject({ code: 'not_found', field: 'day' });
    expect(err.message).toMatch(/^.+ \/ .+$/);
    expect((await call<BackupsAnswer>('backups')).pending_day).toBe(first);
  });

  it('only records that a restart was asked', async () => {
    expect(await call('restart_app')).toBeUndefined();
    await call('restart_app');
    expect(mock.engine.ctx.db.restartsAsked).toBe(2);
  });

  it("are the owner's: a cashier is refused, and nothing is chosen or restarted", async () => {
    const day = mock.engine.ctx.db.backups[0]!.day;
    await call('login', { pin: '1111' });
    expect(await fails('backups', {})).toMatchObject({ code: 'owner_only' });
    expect(await fails('restore_backup', { day })).toMatchObject({ code: 'owner_only' });
    expect(await fails('restart_app', {})).toMatchObject({ code: 'owner_only' });
    expect(mock.engine.ctx.db.pendingBackupDay).toBeUndefined();
    expect(mock.engine.ctx.db.restartsAsked).toBe(0);
    await call('logout');
    expect(await fails('backups', {})).toMatchObject({ code: 'not_logged_in' });
  });

  it('has no copies on a new device', async () => {
    expect(emptyDb().backups).toEqual([]);
    const fresh = createMockEngine('fresh');
    await fresh.handle('setup_owner', { name: 'Bu Sri', pin: '2468' });
    await fresh.handle('login', { pin: '2468' });
    expect(await fresh.handle('backups', {})).toEqual({ copies: [] });
    fresh.stop();
  });
});

describe('Pengaturan → Cadangan', () => {
  const install = screenTests(() => setCashier(null));

  /** The owner logged in, with the three fixed copies. */
  async function owner(): Promise<ReturnType<typeof install>> {
    const installed = install();
    installed.engine.ctx.db.backups = structuredClone(COPIES);
    await installed.engine.handle('login', { pin: '123456' });
    return installed;
  }

  const rows = () => screen.getAllByTestId('backup-row');
  const rowOf = (day: string) => rows().find((r) => r.dataset['day'] === day)!;
  const restored = (calls: [string, unknown][]) => calls.filter(([c]) => c === 'restore_backup');

  it('lists the copies, asks before a restore, then says which copy the next start uses and restarts', async () => {
    const { engine, calls } = await owner();
    render(SettingsBody);
    await fireEvent.click(await screen.findByRole('button', { name: 'Cadangan' }));
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(rows().map((r) => [...r.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent))).toEqual([
      ['Selasa, 10 Maret 2026', '1,3 MB'],
      ['Senin, 9 Maret 2026', '1,2 MB'],
      ['Minggu, 8 Maret 2026', '980 KB'],
    ]);
    expect(screen.queryByTestId('backup-pending')).toBeNull();

    await fireEvent.click(within(rowOf('2026-03-09')).getByRole('button', { name: 'Pulihkan' }));
    const dialog = screen.getByRole('dialog', { name: 'Pulihkan salinan 9 Maret 2026?' });
    const confirm = within(dialog).getByTestId('backup-confirm');
    expect(confirm.textContent).toContain('Tidak ada yang berubah sekarang.');
    expect(confirm.textContent).toContain('Data yang diganti tidak dihapus');
    expect(confirm.textContent).toContain('Penjualan yang sudah terkirim ke server akan kembali dari server');
    expect(confirm.textContent).toContain('belum sampai ke server tidak ikut kembali');
    expect(document.activeElement?.textContent, 'the safe answer has the focus').toBe('Batal');
    expect(restored(calls), 'asking changes nothing yet').toEqual([]);
    expect(engine.ctx.db.pendingBackupDay).toBeUndefined();

    await fireEvent.click(within(dialog).getByRole('button', { name: 'Ya, pakai salinan ini' }));
    const notice = await screen.findByTestId('backup-pending');
    expect(notice.textContent).toContain('Salinan 9 Maret 2026 akan dipakai saat Konter dibuka lagi.');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(restored(calls)).toEqual([['restore_backup', { day: '2026-03-09' }]]);
    expect(engine.ctx.db.pendingBackupDay).toBe('2026-03-09');
    expect(within(rowOf('2026-03-09')).queryByRole('button')).toBeNull();
    expect(rowOf('2026-03-09').textContent).toContain('Dipilih');
    expect(within(rowOf('2026-03-10')).getByRole('button', { name: 'Pulihkan' })).toBeTruthy();

    const restart = within(notice).getByRole('button', { name: 'Mulai ulang sekarang' });
    expect(document.activeElement).toBe(restart);
    expect(engine.ctx.db.restartsAsked).toBe(0);
    await fireEvent.click(restart);
    await waitFor(() => expect(engine.ctx.db.restartsAsked).toBe(1));
    await waitFor(() => expect(screen.getByTestId('backup-restart').textContent?.trim()).toBe('Memulai ulang…'));
    expect((screen.getByTestId('backup-restart') as HTMLButtonElement).disabled).toBe(true);
  });

  it('changes nothing when the owner cancels, by the button or Esc', async () => {
    const { engine, calls } = await owner();
    render(Backups);
    await waitFor(() => expect(rows()).toHaveLength(3));
    await fireEvent.click(within(rowOf('2026-03-10')).getByRole('button', { name: 'Pulihkan' }));
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Batal' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    await fireEvent.click(within(rowOf('2026-03-08')).getByRole('button', { name: 'Pulihkan' }));
    expect(screen.getByRole('dialog', { name: 'Pulihkan salinan 8 Maret 2026?' })).toBeTruthy();
    await fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(restored(calls)).toEqual([]);
    expect(engine.ctx.db.pendingBackupDay).toBeUndefined();
    expect(screen.queryByTestId('backup-pending')).toBeNull();
  });

  it('shows the notice for a copy chosen earlier as soon as it opens', async () => {
    const { engine } = await owner();
    engine.ctx.db.pendingBackupDay = '2026-03-08';
    render(Backups);
    const notice = await screen.findByTestId('backup-pending');
    expect(notice.textContent).toContain('Salinan 8 Maret 2026 akan dipakai saat Konter dibuka lagi.');
    expect(within(notice).getByRole('button', { name: 'Mulai ulang sekarang' })).toBeTruthy();
  });

  it('says when the first copy comes while there is none', async () => {
    const { engine } = await owner();
    engine.ctx.db.backups = [];
    render(Backups);
    expect((await screen.findByTestId('backups-empty')).textContent).toBe('Belum ada salinan. Salinan pertama dibuat hari ini selama Konter menyala.');
    expect(screen.queryByRole('table')).toBeNull();
  });

  it("shows the engine's refusal of a copy it no longer keeps, and drops it from the list", async () => {
    const { engine } = await owner();
    render(Backups);
    await waitFor(() => expect(rows()).toHaveLength(3));
    engine.ctx.db.backups = engine.ctx.db.backups.filter((b) => b.day !== '2026-03-08');
    await fireEvent.click(within(rowOf('2026-03-08')).getByRole('button', { name: 'Pulihkan' }));
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Ya, pakai salinan ini' }));
    expect((await screen.findByTestId('backup-error')).textContent).toBe('tidak ada salinan tanggal itu');
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(screen.queryByTestId('backup-pending')).toBeNull();
    expect(engine.ctx.db.pendingBackupDay).toBeUndefined();
  });

  it('keeps a cashier out: Pengaturan asks for the owner PIN, and the engine refuses the list', async () => {
    const { engine } = install();
    await openApp(engine, '1111');
    await fireEvent.keyDown(window, { key: 'F4' });
    await screen.findByTestId('owner-gate');
    expect(screen.queryByRole('button', { name: 'Cadangan' })).toBeNull();
    expect(screen.queryByTestId('backups')).toBeNull();

    render(Backups);
    expect((await screen.findByTestId('backups-error')).textContent).toBe('hanya pemilik yang boleh');
    expect(screen.queryByTestId('backup-row')).toBeNull();
    expect((await engine.handle('backups', {}).catch((e: CommandError) => e)) as CommandError).toMatchObject({ code: 'owner_only' });
  });
});
