// @ts-check
// Ringkasan (summary): the date range, the report, its cards, charts and tables.

import { loadSeq, state } from './state.js';
import { lang, t } from './i18n.js';
import { addDays, count, formatDay, money, pad, spanDays, todayIso } from './format.js';
import { byId, byTest } from './dom.js';
import { API, api, query } from './api.js';
import { keepScroll, renderStatus, setOffline, showLoadError } from './shell.js';
import { drawBars } from './charts.js';
import { SUMMARY_TABLES, fillTable } from './tables.js';

/** @typedef {import('./state.js').Preset} Preset */
/** @typedef {import('./api.js').SalesReport} SalesReport */

const MAX_RANGE_DAYS = 92;

/** What is asked for now; the presets follow the clock (at midnight "today" moves on). */
export function currentRange() {
  if (state.preset !== 'custom') [state.from, state.to] = presetRange(state.preset);
  return { from: state.from, to: state.to };
}

/** @param {Exclude<Preset, 'custom'>} preset @returns {[string, string]} */
function presetRange(preset) {
  const today = todayIso();
  if (preset === 'yesterday') return [addDays(today, -1), addDays(today, -1)];
  if (preset === '7') return [addDays(today, -6), today];
  if (preset === '30') return [addDays(today, -29), today];
  return [today, today];
}

/** @param {string} from @param {string} to */
export function rangeValid(from, to) {
  const re = /^\d{4}-\d{2}-\d{2}$/;
  return re.test(from) && re.test(to) && from <= to && spanDays(from, to) <= MAX_RANGE_DAYS;
}

export async function loadReport() {
  const { from, to } = currentRange();
  renderRangeControls();
  const rangeError = byId('range-error');
  if (!rangeValid(from, to)) {
    rangeError.textContent = t('err.range_invalid');
    rangeError.hidden = false;
    return;
  }
  const key = `${from}|${to}|${state.shop}`;
  const seq = ++loadSeq.report;
  try {
    /** @type {SalesReport} */
    const report = await api('GET', `/report?${query({ from, to, shop: state.shop })}`);
    if (seq !== loadSeq.report) return;
    rangeError.hidden = true;
    setOffline(false);
    state.updated.ringkasan = new Date();
    const json = JSON.stringify({ ...report, generated_at: '' });
    if (json !== state.reportJson || key !== state.reportKey) {
      state.report = report;
      state.reportJson = json;
      state.reportKey = key;
      keepScroll(renderSummary);
    }
    renderStatus();
  } catch (e) {
    if (seq !== loadSeq.report) return;
    showLoadError(e, rangeError);
  }
}

export function renderRangeControls() {
  for (const btn of document.querySelectorAll('[data-range]')) btn.setAttribute('aria-pressed', String(btn.getAttribute('data-range') === state.preset));
  const from = /** @type {HTMLInputElement} */ (byId('range-from'));
  const to = /** @type {HTMLInputElement} */ (byId('range-to'));
  if (document.activeElement !== from) from.value = state.from;
  if (document.activeElement !== to) to.value = state.to;
  const link = /** @type {HTMLAnchorElement} */ (byId('sales-csv'));
  link.href = `${API}/sales.csv?${query({ from: state.from, to: state.to, shop: state.shop })}`;
  link.download = `konter-penjualan-${state.from}_${state.to}.csv`;
}

export function renderSummary() {
  const r = state.report;
  const tot = r?.totals;
  const view = byId('view-ringkasan');
  view.classList.toggle('stale', !!r && state.reportKey !== `${state.from}|${state.to}|${state.shop}`);
  const set = (/** @type {string} */ id, /** @type {string} */ text) => (byTest(id).textContent = tot ? text : '—');
  set('card-omzet', money(tot?.omzet_idr ?? 0));
  set('card-modal', money(tot?.modal_idr ?? 0));
  set('card-laba', money(tot?.laba_idr ?? 0));
  set('card-count', count(tot?.count ?? 0));
  set('card-pending', count(tot?.pending_count ?? 0));
  set('card-failed', count(tot?.failed_count ?? 0));
  set('card-fee', money(tot?.fee_idr ?? 0));
  const margin = tot && tot.omzet_idr > 0 ? (tot.laba_idr / tot.omzet_idr) * 100 : null;
  byId('sub-laba').textContent = margin === null ? '' : t('card.margin', { p: `${margin.toLocaleString(lang === 'en' ? 'en' : 'id', { maximumFractionDigits: 1 })}%` });
  byId('sub-pending').textContent = tot && tot.pending_count ? money(tot.pending_idr) : '';
  byId('sub-failed').textContent = tot && tot.refunded_count ? t('card.refunded', { n: count(tot.refunded_count) }) : '';

  const hourly = Array.from({ length: 24 }, (_, hour) => r?.hourly.find((x) => x.hour === hour) ?? { hour, count: 0, omzet_idr: 0 });
  drawBars(byId('chart-hourly'), byId('max-hourly'), hourly.map((x) => ({
    value: x.omzet_idr,
    label: x.hour % 3 === 0 ? pad(x.hour) : '',
    title: `${pad(x.hour)}:00–${pad(x.hour)}:59 · ${money(x.omzet_idr)} · ${t('chart.tx', { n: count(x.count) })}`,
  })));
  const daily = r?.daily ?? [];
  byId('daily-figure').hidden = daily.length <= 1;
  const every = Math.max(1, Math.ceil(daily.length / 7));
  drawBars(byId('chart-daily'), byId('max-daily'), daily.map((x, i) => ({
    value: x.omzet_idr,
    label: i % every === 0 || i === daily.length - 1 ? formatDay(x.day, true) : '',
    title: `${formatDay(x.day)} · ${money(x.omzet_idr)} · ${t('chart.tx', { n: count(x.count) })} · ${t('chart.profit', { v: money(x.laba_idr) })}`,
  })));

  for (const def of SUMMARY_TABLES) fillTable(def, r ? def.rows(r) : []);
  renderStatus();
}
