import { describe, expect, it } from 'vitest';
import { ageMs, canReconfirm, formatAge, refundOf, staleBanner, staleNotice } from '../src/lib/outbox';
import { order } from './fixtures';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('how long a stale order has waited', () => {
  it('counts from the sale, never below zero', () => {
    const now = Date.parse('2026-11-28T10:00:00Z');
    expect(ageMs({ created_at: '2026-11-27T08:30:00Z' }, now)).toBe(25.5 * HOUR);
    expect(ageMs({ created_at: '2026-11-28T10:05:00Z' }, now)).toBe(0);
    expect(ageMs({ created_at: 'not a date' }, now)).toBe(0);
  });

  it('reads minutes, then hours up to two days, then days and hours, rounded down', () => {
    expect(formatAge(0, 'id')).toBe('0 menit');
    expect(formatAge(40 * MIN + 59_000, 'id')).toBe('40 menit');
    expect(formatAge(HOUR, 'id')).toBe('1 jam');
    expect(formatAge(25 * HOUR + 59 * MIN, 'id')).toBe('25 jam');
    expect(formatAge(47 * HOUR, 'id')).toBe('47 jam');
    expect(formatAge(48 * HOUR, 'id')).toBe('2 hari');
    expect(formatAge(3 * 24 * HOUR + 4 * HOUR + 10 * MIN, 'id')).toBe('3 hari 4 jam');
    expect(formatAge(26 * HOUR, 'en')).toBe('26 h');
    expect(formatAge(3 * 24 * HOUR + 4 * HOUR, 'en')).toBe('3 d 4 h');
    expect(formatAge(-5, 'id')).toBe('0 menit');
  });
});

describe('what the notice and the banner say', () => {
  it('names the count and F2 in the status bar, in both languages', () => {
    expect(staleNotice(0, 'id')).toBe('');
    expect(staleNotice(1, 'id')).toBe('1 antre perlu konfirmasi (F2)');
    expect(staleNotice(2, 'id')).toBe('2 antre perlu konfirmasi (F2)');
    expect(staleNotice(1, 'en')).toBe('1 queued order needs confirming (F2)');
    expect(staleNotice(3, 'en')).toBe('3 queued orders need confirming (F2)');
  });

  it('says in the banner that the orders are not sent automatically', () => {
    expect(staleBanner(0, 'id')).toBe('');
    expect(staleBanner(2, 'id')).toBe('2 pesanan antre terlalu lama — tidak dikirim otomatis');
    expect(staleBanner(1, 'id')).toBe('1 pesanan antre terlalu lama — tidak dikirim otomatis');
    expect(staleBanner(1, 'en')).toBe('1 order queued too long — not sent automatically');
    expect(staleBanner(4, 'en')).toBe('4 orders queued too long — not sent automatically');
  });
});

describe('the actions on a stale order', () => {
  it('gives back what the customer paid (the price, not the cash handed over)', () => {
    expect(refundOf(order('queued', { price_idr: 11_500, cash_idr: 20_000, change_idr: 8_500 }))).toBe(11_500);
  });

  it('offers "send at today\'s price" for everything but a bill payment', () => {
    expect(canReconfirm(order('queued'))).toBe(true);
    expect(canReconfirm(order('queued', { category: 'pln' }))).toBe(true);
    expect(canReconfirm(order('queued', { category: 'bill' }))).toBe(false);
  });
});
