import { describe, expect, it } from 'vitest';
import {
  formatDay,
  formatElapsed,
  formatRupiah,
  formatSize,
  formatTarget,
  formatToken,
  groupBy,
  localDate,
  parseCash,
  shortTarget,
} from '../src/lib/format';

describe('formatRupiah', () => {
  it('writes rupiah with dots and no decimals', () => {
    expect(formatRupiah(0)).toBe('Rp0');
    expect(formatRupiah(500)).toBe('Rp500');
    expect(formatRupiah(10_000)).toBe('Rp10.000');
    expect(formatRupiah(11_500)).toBe('Rp11.500');
    expect(formatRupiah(1_245_000)).toBe('Rp1.245.000');
    expect(formatRupiah(1_000_000_000)).toBe('Rp1.000.000.000');
  });

  it('puts the minus before Rp', () => {
    expect(formatRupiah(-5_000)).toBe('-Rp5.000');
    expect(formatRupiah(-1)).toBe('-Rp1');
  });

  it('refuses anything that is not whole rupiah', () => {
    expect(() => formatRupiah(1.5)).toThrow(TypeError);
    expect(() => formatRupiah(Number.NaN)).toThrow(TypeError);
    expect(() => formatRupiah(2 ** 60)).toThrow(TypeError);
  });
});

describe('targets and tokens', () => {
  it('groups a PLN token 4-4-4-4-4 whatever the engine sent', () => {
    expect(formatToken('57217714389726293021')).toBe('5721-7714-3897-2629-3021');
    expect(formatToken('5721 7714 3897 2629 3021')).toBe('5721-7714-3897-2629-3021');
    expect(formatToken('not a token')).toBe('not a token');
  });

  it('groups phone numbers for reading, leaves other targets alone', () => {
    expect(formatTarget('081234567890')).toBe('0812-3456-7890');
    expect(formatTarget('0812345678901')).toBe('0812-3456-7890-1');
    expect(formatTarget('12345678901')).toBe('12345678901');
    expect(formatTarget('87654321 (2345)')).toBe('87654321 (2345)');
    expect(shortTarget('081712345678')).toBe('0817…5678');
    expect(shortTarget('12345678 (1234)')).toBe('12345678 (1234)');
    expect(groupBy('8808000812345670', 4, ' ')).toBe('8808 0008 1234 5670');
  });
});

describe('parseCash', () => {
  it('reads typed cash as whole rupiah', () => {
    expect(parseCash('50000')).toBe(50_000);
    expect(parseCash('50.000')).toBe(50_000);
    expect(parseCash('Rp100.000')).toBe(100_000);
    expect(parseCash('')).toBeNull();
    expect(parseCash('  ')).toBeNull();
    expect(parseCash('12,5')).toBeNull();
    expect(parseCash('abc')).toBeNull();
  });
});

describe('time', () => {
  it('formats a pending timer', () => {
    expect(formatElapsed(0)).toBe('0:00');
    expect(formatElapsed(42_000)).toBe('0:42');
    expect(formatElapsed(61_500)).toBe('1:01');
    expect(formatElapsed(3_725_000)).toBe('1:02:05');
    expect(formatElapsed(-5)).toBe('0:00');
  });

  it('gives the local date', () => {
    expect(localDate(new Date(2026, 10, 28, 23, 59))).toBe('2026-11-28');
  });
});

describe('days and sizes', () => {
  it('writes a day in words, with its weekday when asked, in either language', () => {
    expect(formatDay('2026-03-09')).toBe('9 Maret 2026');
    expect(formatDay('2026-03-09', 'id', true)).toBe('Senin, 9 Maret 2026');
    expect(formatDay('2026-08-17', 'id', true)).toBe('Senin, 17 Agustus 2026');
    expect(formatDay('2026-12-31', 'en', true)).toBe('Thursday, 31 December 2026');
    expect(formatDay('2026-02-01', 'en')).toBe('1 February 2026');
    expect(formatDay('2026-02-30')).toBe('2026-02-30');
    expect(formatDay('kemarin')).toBe('kemarin');
  });

  it('writes a size in KB under a MB, else in MB with one decimal', () => {
    expect(formatSize(0)).toBe('0 KB');
    expect(formatSize(980)).toBe('980 KB');
    expect(formatSize(1_023)).toBe('1023 KB');
    expect(formatSize(1_024)).toBe('1 MB');
    expect(formatSize(1_284)).toBe('1,3 MB');
    expect(formatSize(1_284, 'en')).toBe('1.3 MB');
    expect(formatSize(20_480)).toBe('20 MB');
  });
});
