// Display formatting. Money goes through `formatRupiah` only; these helpers change how a
// value looks, never what it is.

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** `10000` -> `Rp10.000`, `-5000` -> `-Rp5.000`. Money is whole rupiah: anything else throws. */
export function formatRupiah(idr: number): string {
  if (!Number.isSafeInteger(idr)) {
    throw new TypeError(`formatRupiah: ${idr} is not a whole number of rupiah`);
  }
  const sign = idr < 0 ? '-' : '';
  return `${sign}Rp${groupThousands(String(Math.abs(idr)))}`;
}

/** `10000` -> `10.000` (a nominal, without the currency). */
export function formatNominal(n: number): string {
  return groupThousands(String(Math.trunc(Math.abs(n))));
}

/** Only the digits of a string. */
export function digitsOf(s: string): string {
  return s.replace(/\D/g, '');
}

/** Digits in groups of `size` joined by `sep`: PLN tokens, VA numbers. */
export function groupBy(digits: string, size: number, sep: string): string {
  const out: string[] = [];
  for (let i = 0; i < digits.length; i += size) out.push(digits.slice(i, i + size));
  return out.join(sep);
}

/** A PLN token as printed: 4-4-4-4-4, whatever separators the engine sent. */
export function formatToken(token: string): string {
  const d = digitsOf(token);
  return d.length === 20 ? groupBy(d, 4, '-') : token;
}

/** A phone number for reading: `0812-3456-7890`. Other targets come back unchanged. */
export function formatTarget(target: string): string {
  return /^0\d{9,12}$/.test(target) ? groupBy(target, 4, '-') : target;
}

/** `0817…5678`: short form of a long number for the recent-orders strip; others unchanged. */
export function shortTarget(target: string): string {
  return /^\d{10,}$/.test(target) ? `${target.slice(0, 4)}…${target.slice(-4)}` : target;
}

/** Cash typed by the cashier (`50.000`, `50000`) as whole rupiah; `null` when empty or not a number. */
export function parseCash(input: string): number | null {
  const cleaned = input.replace(/[.\s]/g, '').replace(/^rp/i, '');
  if (cleaned === '' || !/^\d{1,12}$/.test(cleaned)) return null;
  return Number(cleaned);
}

/** `m:ss` (or `h:mm:ss`) for a pending order's timer. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local wall-clock time `14:05`. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Local `28/11/2026 14:05`. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()} ${formatTime(iso)}`;
}

/** The local date `YYYY-MM-DD` of a moment (today by default). */
export function localDate(at: Date = new Date()): string {
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/**
 * The shop's calendar date `YYYY-MM-DD` of a moment, in its zone (`zoneH` hours east of UTC:
 * 7 WIB, 8 WITA, 9 WIT) whatever the PC's zone: the engine's day for reports, Riwayat and the
 * "isi ke-2" check (konter-client `db::shop_day`).
 */
export function shopDate(at: Date | string, zoneH: number): string {
  const ms = (typeof at === 'string' ? new Date(at) : at).getTime() + zoneH * 3_600_000;
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** The hour (0–23) of a moment on the shop's clock. */
export function shopHour(at: Date | string, zoneH: number): number {
  const ms = (typeof at === 'string' ? new Date(at) : at).getTime() + zoneH * 3_600_000;
  return new Date(ms).getUTCHours();
}

const MONTHS: Readonly<Record<'id' | 'en', readonly string[]>> = {
  id: ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'],
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
};

/**
 * A bill period for reading: the supplier's `202611` becomes `Nov 2026`. Anything else the
 * supplier wrote (`NOV 2026`, `Angsuran 12`) is shown as it came.
 */
export function formatPeriod(period: string, lang: 'id' | 'en' = 'id'): string {
  const m = /^(\d{4})(\d{2})$/.exec(period.trim());
  const month = m ? MONTHS[lang][Number(m[2]) - 1] : undefined;
  return m && month ? `${month} ${m[1]}` : period;
}

/** A meter stand range `00012345–00012495`; one side alone when the other is missing. */
export function formatMeter(start?: string, end?: string): string {
  if (start && end) return `${start}–${end}`;
  return start ?? end ?? '';
}

const MONTHS_LONG: Readonly<Record<'id' | 'en', readonly string[]>> = {
  id: ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

const WEEKDAYS: Readonly<Record<'id' | 'en', readonly string[]>> = {
  id: ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};

/**
 * A calendar day `YYYY-MM-DD` in words: `9 Maret 2026`, or with `weekday`
 * `Senin, 9 Maret 2026`. Anything that is not such a day is shown as it came.
 */
export function formatDay(day: string, lang: 'id' | 'en' = 'id', weekday = false): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(Date.UTC(y, mo - 1, d));
  if (at.getUTCFullYear() !== y || at.getUTCMonth() !== mo - 1 || at.getUTCDate() !== d) return day;
  const text = `${d} ${MONTHS_LONG[lang][mo - 1]} ${y}`;
  return weekday ? `${WEEKDAYS[lang][at.getUTCDay()]}, ${text}` : text;
}

/**
 * A size given in KiB for reading: `820 KB` under a MiB, else MiB with one decimal
 * (`1,3 MB`, `1.3 MB` in English; `2 MB` when whole).
 */
export function formatSize(kb: number, lang: 'id' | 'en' = 'id'): string {
  const whole = Math.max(0, Math.ceil(kb));
  if (whole < 1024) return `${whole} KB`;
  const mb = Math.round((whole / 1024) * 10) / 10;
  const text = Number.isInteger(mb) ? String(mb) : mb.toFixed(1);
  return `${lang === 'id' ? text.replace('.', ',') : text} MB`;
}
