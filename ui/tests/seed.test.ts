import { describe, expect, it } from 'vitest';
import { emptyDb } from '../src/lib/mock/db';
import { earlierToday } from '../src/lib/mock/seed';

const MIN = 60_000;

describe("the demo shop's earlier sales", () => {
  it("happened when they say, once the shop's day is old enough", () => {
    const now = Date.parse('2026-03-10T05:00:00Z'); // 12:00 WIB
    expect(earlierToday(emptyDb(), now, 190)).toBe(now - 190 * MIN);
    expect(earlierToday(emptyDb(), now, 50)).toBe(now - 50 * MIN);
  });

  it("stay in the shop's today just after its midnight, in the same order", () => {
    const db = emptyDb();
    const now = Date.parse('2026-03-10T17:20:00Z'); // 00:20 WIB on the 11th
    const midnight = Date.parse('2026-03-10T17:00:00Z');
    const times = [190, 125, 70, 50].map((m) => earlierToday(db, now, m));
    for (const t of times) {
      expect(t).toBeGreaterThanOrEqual(midnight);
      expect(t).toBeLessThanOrEqual(now);
    }
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it("follow the shop's zone, and leave yesterday's sale in yesterday", () => {
    const db = emptyDb();
    db.settings.utc_offset_h = 9; // WIT: 00:20 is 15:20 UTC
    const now = Date.parse('2026-03-10T15:20:00Z');
    expect(earlierToday(db, now, 190)).toBeGreaterThanOrEqual(Date.parse('2026-03-10T15:00:00Z'));
    expect(earlierToday(db, now, 24 * 60 + 30)).toBe(now - (24 * 60 + 30) * MIN);
  });
});
