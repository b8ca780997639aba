// @vitest-environment jsdom
// Pengaturan's new shop settings and Saldo's QRIS deposit, through the real components and
// the mock engine: the header, cash block, drawer kick and zone saved and read back, a
// refusal next to its field (in its own section), and the QRIS payload drawn as a QR code
// that a reader decodes back to the same text.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import * as QRCode from 'qrcode';
import { describe, expect, it, vi } from 'vitest';
import { QR_MARGIN, QR_MIN_PX, qrImage } from '../src/components/QrCode.svelte';
import { toasts } from '../src/lib/toasts.svelte';
import type { Deposit, Settings } from '../src/lib/types';
import SettingsBody from '../src/screens/Pengaturan/SettingsBody.svelte';
import DepositForm from '../src/screens/Saldo/DepositForm.svelte';
import { decodeModules, modulesOfSvgDataUrl } from './qr';
import { screenTests, typeInto } from './screens';

// The real library, watched: the component must hand it the payload itself.
vi.mock('qrcode', async (original) => {
  const real = await original<typeof import('qrcode')>();
  return { ...real, toString: vi.fn(real.toString) };
});

const install = screenTests(() => {
  toasts.list = [];
  vi.mocked(QRCode.toString).mockClear();
});

/** Waits for the "saved" notice (the window's Toasts shows it; here it is read from the list). */
const saved = () => waitFor(() => expect(toasts.list.some((t) => t.key === 'settings.saved')).toBe(true));

async function owner() {
  const { engine } = install();
  await engine.handle('login', { pin: '123456' });
  return engine;
}

const section = (name: string) => fireEvent.click(screen.getByRole('button', { name }));
const saveButton = () => screen.getByRole('button', { name: 'Simpan' });

describe('Pengaturan: receipt header, cash block, drawer kick, time zone', () => {
  it('saves them and shows them again after the screen is opened anew', async () => {
    const eng = await owner();
    render(SettingsBody);
    const zone = (await screen.findByLabelText('Zona waktu toko')) as HTMLSelectElement;
    expect([...zone.options].map((o) => o.textContent)).toEqual(['WIB (UTC+7)', 'WITA (UTC+8)', 'WIT (UTC+9)']);
    expect(zone.value).toBe('7');
    zone.value = '8';
    await fireEvent.change(zone);
    await fireEvent.click(saveButton());
    await saved();

    await section('Struk');
    const header = (await screen.findByLabelText('Kepala struk')) as HTMLInputElement;
    expect(header.value).toBe('KONTER MAJU JAYA');
    expect(screen.getByText('Satu baris, paling panjang 200 huruf. Kosongkan untuk kembali ke nama toko.')).toBeTruthy();
    const cash = screen.getByLabelText('Cetak Tunai dan Kembali di struk') as HTMLInputElement;
    expect(cash.checked).toBe(true);
    await typeInto(header, 'PONSEL BU SRI');
    await fireEvent.click(cash);
    await fireEvent.click(saveButton());
    await waitFor(() => expect(eng.ctx.db.settings.show_cash_block).toBe(false));

    await section('Printer');
    const kick = screen.getByLabelText('Buka laci uang saat struk lunas dicetak') as HTMLInputElement;
    expect(kick.checked).toBe(false);
    await fireEvent.click(kick);
    await fireEvent.click(saveButton());
    await waitFor(() => expect(eng.ctx.db.settings.kick_drawer).toBe(true));

    expect(await eng.handle('settings', {})).toMatchObject({ receipt_header: 'PONSEL BU SRI', show_cash_block: false, kick_drawer: true, utc_offset_h: 8 });

    cleanup();
    render(SettingsBody);
    expect(((await screen.findByLabelText('Zona waktu toko')) as HTMLSelectElement).value).toBe('8');
    await section('Printer');
    expect((screen.getByLabelText('Buka laci uang saat struk lunas dicetak') as HTMLInputElement).checked).toBe(true);
    await section('Struk');
    expect((screen.getByLabelText('Kepala struk') as HTMLInputElement).value).toBe('PONSEL BU SRI');
    expect((screen.getByLabelText('Cetak Tunai dan Kembali di struk') as HTMLInputElement).checked).toBe(false);
  });

  it('sends the zone as a number, and shows a refused header next to the field', async () => {
    const eng = await owner();
    const saves: Settings[] = [];
    const handle = eng.handle;
    eng.handle = (cmd, args) => {
      if (cmd === 'save_settings') saves.push((args as { settings: Settings }).settings);
      return handle(cmd, args);
    };
    render(SettingsBody);
    const zone = (await screen.findByLabelText('Zona waktu toko')) as HTMLSelectElement;
    zone.value = '9';
    await fireEvent.change(zone);
    await section('Struk');
    await typeInto(screen.getByLabelText('Kepala struk'), 'X'.repeat(201));
    await fireEvent.click(saveButton());
    const err = await waitFor(() => {
      const el = document.querySelector('[data-field-error="receipt-header"]');
      if (!el) throw new Error('no error next to the header yet');
      return el;
    });
    expect(err.textContent).toBe('paling panjang 200 huruf');
    expect(saves.at(-1)?.utc_offset_h).toBe(9);
    expect(eng.ctx.db.settings.utc_offset_h, 'a refused form changes nothing').toBe(7);

    // Saved from another section, the refusal takes the owner to the header.
    await section('Umum');
    await fireEvent.click(saveButton());
    await screen.findByLabelText('Kepala struk');
    expect(document.querySelector('[data-field-error="receipt-header"]')?.textContent).toBe('paling panjang 200 huruf');

    await typeInto(screen.getByLabelText('Kepala struk'), '');
    await fireEvent.click(saveButton());
    await saved();
    expect(document.querySelector('[data-field-error="receipt-header"]')).toBeNull();
    expect(eng.ctx.db.settings).toMatchObject({ receipt_header: '', utc_offset_h: 9 });
  });

  it('shows the zone the engine gave, and defaults when an older engine leaves the new settings out', async () => {
    const eng = await owner();
    const handle = eng.handle;
    eng.handle = async (cmd, args) => {
      const out = await handle(cmd, args);
      if (cmd !== 'settings') return out;
      const { show_cash_block: _c, kick_drawer: _k, utc_offset_h: _z, ...older } = out as Settings;
      return older;
    };
    render(SettingsBody);
    expect(((await screen.findByLabelText('Zona waktu toko')) as HTMLSelectElement).value).toBe('7');
    await section('Struk');
    expect((screen.getByLabelText('Cetak Tunai dan Kembali di struk') as HTMLInputElement).checked).toBe(true);
    await section('Printer');
    expect((screen.getByLabelText('Buka laci uang saat struk lunas dicetak') as HTMLInputElement).checked).toBe(false);
  });
});

describe('QRIS deposit: a QR code to scan', () => {
  it('draws the payload at level M with a 4-module quiet zone, big enough to scan, and it reads back', async () => {
    const payload = '00020101021226670016ID.CO.QRIS.WWW01189360000000000000010303UMI5204541153033605406500000' + '5802ID5916KONTER MAJU JAYA6005DEPOK6304ABCD';
    const img = await qrImage(payload);
    const expected = QRCode.create(payload, { errorCorrectionLevel: 'M' });
    expect(img.modules).toBe(expected.modules.size + 2 * QR_MARGIN);
    expect(img.px).toBeGreaterThanOrEqual(Math.max(220, QR_MIN_PX));
    expect(img.px % img.modules, 'a whole number of pixels per module').toBe(0);

    const drawn = modulesOfSvgDataUrl(img.src);
    expect(drawn.size).toBe(img.modules);
    // The quiet zone is blank; inside, the modules are the library's, level M.
    for (let i = 0; i < drawn.size; i += 1) {
      for (const edge of [0, 1, 2, 3, drawn.size - 4, drawn.size - 3, drawn.size - 2, drawn.size - 1]) {
        expect(drawn.dark[edge]![i] || drawn.dark[i]![edge]).toBe(false);
      }
    }
    const size = expected.modules.size;
    for (let r = 0; r < size; r += 1) {
      for (let c = 0; c < size; c += 1) {
        expect(drawn.dark[r + QR_MARGIN]![c + QR_MARGIN]).toBe(expected.modules.get(r, c) === 1);
      }
    }
    expect(decodeModules(drawn)).toBe(payload);
  });

  it('shows the deposit’s QR image on Saldo, the raw text folded away for support', async () => {
    const eng = await owner();
    const toString = vi.mocked(QRCode.toString);
    render(DepositForm);
    await typeInto(screen.getByLabelText('Nominal deposit'), '750000');
    await fireEvent.click(screen.getByLabelText('QRIS'));
    await fireEvent.click(screen.getByRole('button', { name: 'Minta instruksi bayar' }));
    const img = (await screen.findByTestId('qris-image')) as HTMLImageElement;
    const dep = eng.ctx.db.deposits[0] as Deposit;
    expect(dep.qr_string).toBeTruthy();

    expect(img.tagName).toBe('IMG');
    expect(img.alt).toBe('Kode QR QRIS untuk deposit Rp750.000');
    expect(img.src.startsWith('data:image/svg+xml')).toBe(true);
    expect(img.width).toBeGreaterThanOrEqual(220);
    expect(img.height).toBe(img.width);
    expect(toString).toHaveBeenCalledWith(dep.qr_string, expect.objectContaining({ type: 'svg', errorCorrectionLevel: 'M', margin: 4 }));
    expect(decodeModules(modulesOfSvgDataUrl(img.src))).toBe(dep.qr_string);

    const raw = screen.getByTestId('qris-text');
    expect(raw.textContent).toBe(dep.qr_string);
    const details = raw.closest('details') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(within(details).getByText('Teks kode QRIS (untuk bantuan teknis)').tagName).toBe('SUMMARY');
    expect(document.querySelector('[data-testid="deposit-result"]')?.textContent).toContain('Rp750.000');
  });
});
