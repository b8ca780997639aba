// @ts-check
// Formatting: money, counts, dates and times, phone numbers; CSV files built in the browser.

import { lang } from './i18n.js';
import { h } from './dom.js';

const MONTHS = {
  id: ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'],
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
};

export const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
const groupThousands = (/** @type {string} */ digits) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
/** `150000` -> `Rp150.000`, `-5000` -> `-Rp5.000`. @param {number} idr */
export const money = (idr) => `${idr < 0 ? '-' : ''}Rp${groupThousands(String(Math.abs(Math.round(idr))))}`;
/** @param {number} idr */
export const signedMoney = (idr) => (idr > 0 ? '+' : '') + money(idr);
/** @param {number} n */
export const count = (n) => (n < 0 ? '-' : '') + groupThousands(String(Math.abs(Math.round(n))));
/** @param {Date} d */
const isoDate = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
/** @param {string} iso YYYY-MM-DD */
const parseDay = (iso) => {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(y, m - 1, d);
};
/** @param {string} iso @param {number} n */
export const addDays = (iso, n) => {
  const d = parseDay(iso);
  d.setDate(d.getDate() + n);
  return isoDate(d);
};
/** Days from `a` to `b` inclusive. @param {string} a @param {string} b */
export const spanDays = (a, b) => Math.round((Date.UTC(...ymd(b)) - Date.UTC(...ymd(a))) / 86_400_000) + 1;
/** @param {string} iso @returns {[number, number, number]} */
function ymd(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return [y, m - 1, d];
}
/** `2026-12-03` -> `3 Des 2026`; `short` drops the year. @param {string} iso @param {boolean} [short] */
export function formatDay(iso, short) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const [y, m, d] = ymd(iso);
  return `${d} ${MONTHS[lang][m]}` + (short ? '' : ` ${y}`);
}
/** @param {string} iso RFC 3339 @returns {Date|null} */
export function parseTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}
/** Local `HH:MM` (with `:SS` when asked). @param {Date} d @param {boolean} [seconds] */
export const clock = (d, seconds) => `${pad(d.getHours())}:${pad(d.getMinutes())}` + (seconds ? `:${pad(d.getSeconds())}` : '');
/** A timestamp for a table: `14:05` today, `3 Des 14:05` this year, else with the year. @param {string|null|undefined} iso */
export function stamp(iso) {
  const d = iso ? parseTime(iso) : null;
  if (!d || !iso) return iso ?? '';
  const day = isoDate(d);
  if (day === todayIso()) return clock(d);
  return `${formatDay(day, d.getFullYear() === new Date().getFullYear())} ${clock(d)}`;
}
/** A timestamp for CSV: local `YYYY-MM-DD HH:MM`. @param {string|null|undefined} iso */
export function csvStamp(iso) {
  const d = iso ? parseTime(iso) : null;
  return d ? `${isoDate(d)} ${clock(d)}` : iso ?? '';
}
export const todayIso = () => isoDate(new Date());

/** @param {string} phone */
export const formatPhone = (phone) => (/^0\d{9,12}$/.test(phone) ? phone.replace(/(\d{4})(?=\d)/g, '$1-') : phone);

/** A spreadsheet-safe cell: quoted when needed; text that looks like a formula gets a leading apostrophe. @param {string|number|null|undefined} v */
function csvCell(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** @param {string} filename @param {(string|number|null)[][]} lines */
export function downloadCsv(filename, lines) {
  const text = '\uFEFF' + lines.map((line) => line.map(csvCell).join(',')).join('\r\n') + '\r\n';
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
