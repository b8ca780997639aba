// The shop's time zone as the engine keeps it (Pengaturan, `utc_offset_h`: 7 WIB, 8 WITA,
// 9 WIT). The engine's day — Riwayat's date filter, the report, "isi ke-2" — is the shop's,
// whatever zone the PC is set to, so "today" is asked for in the shop's zone too.

import { shopDate } from './format';

export const shop = $state<{ zoneH: number }>({ zoneH: 7 });

/** Keeps the zone the engine answered (WIB when it sent none). */
export function setShopZone(hours: number | undefined): void {
  shop.zoneH = hours === 8 || hours === 9 ? hours : 7;
}

/** The shop's date `YYYY-MM-DD` of a moment (now by default). */
export function shopToday(at: Date = new Date()): string {
  return shopDate(at, shop.zoneH);
}
