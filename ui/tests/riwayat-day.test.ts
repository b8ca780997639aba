// @vitest-environment jsdom
// Riwayat opens on the shop's day (its zone, Pengaturan), not the PC's: the engine reads the
// date it is given in the shop's zone, so asking for the PC's date around midnight would
// list another day. Vitest's PC is in WIB; the shop here is in WIT, two hours ahead.
import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { setShopZone } from '../src/lib/shop.svelte';
import { openApp, screenTests } from './screens';

const install = screenTests(() => {
  vi.useRealTimers();
  setShopZone(7);
});

describe("Riwayat's day", () => {
  it("is the shop's today in the shop's zone, with that day's sales", async () => {
    // 16:30 UTC: 23:30 on the PC (WIB), already 01:30 the next day at a shop in WIT.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-10T16:30:00Z'));
    const { engine } = install();
    engine.ctx.db.settings.utc_offset_h = 9;
    await openApp(engine);

    await fireEvent.keyDown(window, { key: 'F2' });
    const date = (await screen.findByLabelText('Tanggal')) as HTMLInputElement;
    expect(date.value).toBe('2026-03-11');
    // by.U 10.000 was sold 64 minutes ago: 00:26 WIT, the shop's new day.
    await waitFor(() => expect(screen.getByTestId('riwayat').textContent).toContain('0851-5551-2345'));
  });
});
