// The shop settings in the mock engine, as the Rust `settings` / `save_settings` commands
// hold them: the owner's own receipt header (the shop's name when empty or the same), the
// cash block, the drawer kick and the time zone; each refusal on its field, and a refused
// form changes nothing. The receipt preview follows the header, cash block and zone.
import { describe, expect, it } from 'vitest';
import type { Settings } from '../src/lib/types';
import { engineTests } from './fixtures';

const mock = engineTests();
const { call, fails } = mock;

const SHOP = 'KONTER MAJU JAYA';
const read = () => call<Settings>('settings');
const save = (settings: object) => call('save_settings', { settings });
const refusal = (settings: Record<string, unknown>) => fails('save_settings', { settings });
const preview = () => call<string>('receipt_preview', { id: 'KNT-SEED-000001', copy: false });

describe('settings in the mock engine', () => {
  it('start with the shop name as header, the cash block on, no drawer kick, WIB', async () => {
    const s = await read();
    expect(s).toMatchObject({ receipt_header: SHOP, show_cash_block: true, kick_drawer: false, utc_offset_h: 7 });
    const text = await preview();
    expect(text.split('\n')[0]?.trim()).toBe(SHOP);
    expect(text).toMatch(/^Tunai +Rp/m);
    expect(text).toMatch(/^Kembali +Rp0$/m);
    expect(text).toMatch(/\d\d\/\d\d\/\d{4} \d\d:\d\d WIB/);
  });

  it('round-trip the header, cash block, drawer kick and zone, and the receipt follows them', async () => {
    const wanted: Settings = { ...(await read()), receipt_header: 'PONSEL BU SRI', show_cash_block: false, kick_drawer: true, utc_offset_h: 8 };
    await save(wanted);
    expect(await read()).toEqual(wanted);
    const text = await preview();
    expect(text.split('\n')[0]?.trim()).toBe('PONSEL BU SRI');
    expect(text).not.toContain(SHOP);
    expect(text).not.toMatch(/^(Tunai|Kembali)\b/m);
    expect(text).toMatch(/^Harga +Rp/m);
    // The same moment, an hour later on the shop's wall clock.
    const wita = /(\d\d):(\d\d) WITA/.exec(text);
    await save({ ...wanted, utc_offset_h: 7 });
    const wib = /(\d\d):(\d\d) WIB/.exec(await preview());
    expect(wita && wib).toBeTruthy();
    expect((Number(wita![1]) - Number(wib![1]) + 24) % 24).toBe(1);
    expect(wita![2]).toBe(wib![2]);
    await save({ ...wanted, utc_offset_h: 9 });
    expect(await preview()).toMatch(/\d\d:\d\d WIT\b/);
  });

  it("go back to the shop's name when the header is emptied or is the name itself", async () => {
    const s = await read();
    await save({ ...s, receipt_header: '  PONSEL BU SRI  ' });
    expect((await read()).receipt_header).toBe('PONSEL BU SRI');
    await save({ ...s, receipt_header: '' });
    expect((await read()).receipt_header).toBe(SHOP);
    expect(mock.engine.ctx.db.settings.receipt_header).toBe('');
    await save({ ...s, receipt_header: 'PONSEL BU SRI' });
    await save({ ...s, receipt_header: ` ${SHOP} ` });
    expect(mock.engine.ctx.db.settings.receipt_header).toBe('');
    expect((await read()).receipt_header).toBe(SHOP);
  });

  it('leave the cash block, drawer kick and zone as they are when a save leaves them out', async () => {
    const s = await read();
    await save({ ...s, show_cash_block: false, kick_drawer: true, utc_offset_h: 9 });
    const { show_cash_block: _c, kick_drawer: _k, utc_offset_h: _z, ...older } = s;
    await save({ ...older, shop_phone: '0812-0000-1111' });
    expect(await read()).toMatchObject({ show_cash_block: false, kick_drawer: true, utc_offset_h: 9, shop_phone: '0812-0000-1111' });
    await save({ ...older, show_cash_block: null, kick_drawer: null, utc_offset_h: null });
    expect(await read()).toMatchObject({ show_cash_block: false, kick_drawer: true, utc_offset_h: 9 });
  });

  it('refuse a header over 200 characters or of two lines, and a zone that is not WIB/WITA/WIT, on the field', async () => {
    const before = await read();
    const long = 'A'.repeat(201);
    expect(await refusal({ ...before, receipt_header: long, kick_drawer: true })).toMatchObject({ code: 'too_long', field: 'receipt_header' });
    expect(await refusal({ ...before, receipt_header: 'TOKO\nSRI' })).toMatchObject({ code: 'one_line', field: 'receipt_header' });
    for (const zone of [6, 10, 7.5, -7]) {
      expect(await refusal({ ...before, utc_offset_h: zone, show_cash_block: false }), String(zone)).toMatchObject({ code: 'zone_unknown', field: 'utc_offset_h' });
    }
    expect((await refusal({ ...before, utc_offset_h: 10 })).message).toBe('zona waktu WIB (7), WITA (8) atau WIT (9) / the time zone is WIB (7), WITA (8) or WIT (9)');
    expect(await refusal({ ...before, receipt_footer: 'x'.repeat(201) })).toMatchObject({ code: 'too_long', field: 'receipt_footer' });
    expect(await read(), 'a refused form changes nothing').toEqual(before);

    // 200 characters, counted as the engine counts them (an emoji is one), is fine.
    await save({ ...before, receipt_header: '📱'.repeat(200) });
    expect((await read()).receipt_header).toBe('📱'.repeat(200));
    // A header padded past 200 is measured after trimming, as the engine does.
    await save({ ...before, receipt_header: ` ${'B'.repeat(200)} ` });
    expect((await read()).receipt_header).toBe('B'.repeat(200));
  });

  it('are the owner’s to change', async () => {
    const s = await read();
    await mock.engine.handle('login', { pin: '1111' });
    expect(await refusal({ ...s, utc_offset_h: 8 })).toMatchObject({ code: 'owner_only' });
  });

  it('give a QRIS deposit a well-formed payload: EMV fields with their lengths and a valid CRC', async () => {
    const dep = (await mock.engine.handle('request_deposit', { amountIdr: 250_000, method: 'qris' })) as { qr_string: string };
    const qr = dep.qr_string;
    const fields = new Map<string, string>();
    for (let i = 0; i < qr.length; ) {
      const id = qr.slice(i, i + 2);
      const len = Number(qr.slice(i + 2, i + 4));
      fields.set(id, qr.slice(i + 4, i + 4 + len));
      i += 4 + len;
    }
    expect(fields.get('54')).toBe('250000');
    expect(fields.get('53')).toBe('360');
    expect(fields.get('58')).toBe('ID');
    expect(fields.get('26')).toContain('ID.CO.QRIS.WWW');
    let crc = 0xffff;
    for (const byte of new TextEncoder().encode(qr.slice(0, -4))) {
      crc ^= byte << 8;
      for (let b = 0; b < 8; b += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
    expect(fields.get('63')).toBe(crc.toString(16).toUpperCase().padStart(4, '0'));
    // The checksum is CRC-16/CCITT-FALSE: its check value over "123456789" is 29B1.
    crc = 0xffff;
    for (const byte of new TextEncoder().encode('123456789')) {
      crc ^= byte << 8;
      for (let b = 0; b < 8; b += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
    expect(crc).toBe(0x29b1);
  });
});
