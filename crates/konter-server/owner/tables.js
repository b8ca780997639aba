// @ts-check
// Tables: one description per table gives the screen columns and the CSV columns alike.

import { state } from './state.js';
import { hasWord, lang, t } from './i18n.js';
import { count, csvStamp, downloadCsv, money, signedMoney, stamp } from './format.js';
import { byTest, h } from './dom.js';

/** @typedef {import('./dom.js').Kid} Kid */
/** @typedef {import('./api.js').Deposit} Deposit */
/** @typedef {import('./api.js').HistoryEntry} HistoryEntry */
/** @typedef {import('./api.js').Problem} Problem */
/** @typedef {import('./api.js').Refund} Refund */
/** @typedef {import('./api.js').Row} Row */
/** @typedef {import('./api.js').SalesReport} SalesReport */
/** @typedef {import('./api.js').Shift} Shift */

export const BANKS = /** @type {Record<string, string>} */ ({ bca: 'BCA', bni: 'BNI', bri: 'BRI', permata: 'Permata' });

/**
 * @template T
 * @typedef {{head: string, kind: 'text'|'money'|'count'|'time', get: (row: T) => string|number|null,
 *   show?: (row: T) => Kid, csvOnly?: boolean, total?: boolean, wrap?: boolean}} Col
 */
/**
 * @template T
 * @typedef {{name: string, file: string, title: string, wide?: boolean, csv: boolean, cols: Col<T>[], rows: (r: SalesReport) => T[], totals?: boolean}} TableDef
 */

/** @param {string} headKey @param {(row: Row) => string} [label] @returns {Col<Row>[]} */
function rowCols(headKey, label) {
  return [
    { head: headKey, kind: 'text', get: label ?? ((r) => r.label) },
    { head: 'col.count', kind: 'count', get: (r) => r.count, total: true },
    { head: 'col.omzet', kind: 'money', get: (r) => r.omzet_idr, total: true },
    { head: 'col.modal', kind: 'money', get: (r) => r.modal_idr, total: true },
    { head: 'col.laba', kind: 'money', get: (r) => r.laba_idr, total: true },
  ];
}

/** Known category keys in the page's language; otherwise the server's label. @param {Row} row */
const categoryLabel = (row) => (lang === 'en' && hasWord(`cat.${row.key}`) ? t(`cat.${row.key}`) : row.label);

/** @param {string} status */
export const statusBadge = (status) => h('span', { class: `badge st-${status}` }, hasWord(`st.${status}`) ? t(`st.${status}`) : status);
/** @param {string} status */
const statusWord = (status) => (hasWord(`st.${status}`) ? t(`st.${status}`) : status);

/** @param {number} diff */
function cashDifference(diff) {
  if (diff === 0) return h('span', { class: 'diff' }, money(0));
  const short = diff < 0;
  return h('span', { class: short ? 'diff diff-short' : 'diff diff-over' }, signedMoney(diff), ' ', h('small', {}, t(short ? 'diff.short' : 'diff.over')));
}

/** @type {TableDef<any>[]} */
export const SUMMARY_TABLES = [
  /** @type {TableDef<Row>} */ ({ name: 'shop', file: 'outlet', title: 'table.shop', csv: true, totals: true, cols: rowCols('col.outlet'), rows: (r) => r.by_shop }),
  /** @type {TableDef<Row>} */ ({ name: 'device', file: 'perangkat', title: 'table.device', csv: true, totals: true, cols: rowCols('col.device'), rows: (r) => r.by_device }),
  /** @type {TableDef<Row>} */ ({ name: 'cashier', file: 'kasir', title: 'table.cashier', csv: true, totals: true, cols: rowCols('col.cashier'), rows: (r) => r.by_cashier }),
  /** @type {TableDef<Row>} */ ({ name: 'category', file: 'kategori', title: 'table.category', csv: true, totals: true, cols: rowCols('col.category', categoryLabel), rows: (r) => r.by_category }),
  /** @type {TableDef<Row>} */ ({ name: 'product', file: 'produk', title: 'table.product', wide: true, csv: true, totals: true, cols: rowCols('col.product'), rows: (r) => r.by_product }),
  /** @type {TableDef<Row & {fee_idr: number}>} */ ({
    name: 'bills', file: 'tagihan', title: 'table.bills', csv: true,
    cols: [...rowCols('col.name'), { head: 'col.fee', kind: 'money', get: (r) => r.fee_idr }],
    rows: (r) => (r.bills ? [{ ...r.bills, label: categoryLabel(r.bills), fee_idr: r.totals.fee_idr }] : []),
  }),
  /** @type {TableDef<Refund>} */ ({
    name: 'refunds', file: 'refund', title: 'table.refunds', csv: true,
    cols: [
      { head: 'col.time', kind: 'time', get: (r) => r.refunded_at },
      { head: 'col.outlet', kind: 'text', get: (r) => r.shop },
      { head: 'col.product', kind: 'text', get: (r) => r.product },
      { head: 'col.price', kind: 'money', get: (r) => r.price_idr, total: true },
      { head: 'col.modal', kind: 'money', get: (r) => r.cost_idr, total: true },
      { head: 'col.order', kind: 'text', get: (r) => r.order_id, csvOnly: true },
    ],
    rows: (r) => r.refunds,
  }),
  /** @type {TableDef<Problem>} */ ({
    name: 'problems', file: 'pending-gagal', title: 'table.problems', wide: true, csv: true,
    cols: [
      { head: 'col.time', kind: 'time', get: (r) => r.sold_at },
      { head: 'col.status', kind: 'text', get: (r) => statusWord(r.status), show: (r) => statusBadge(r.status) },
      { head: 'col.product', kind: 'text', get: (r) => r.product },
      { head: 'col.target', kind: 'text', get: (r) => r.target },
      { head: 'col.price', kind: 'money', get: (r) => r.price_idr },
      { head: 'col.reason', kind: 'text', get: (r) => r.reason, wrap: true },
      { head: 'col.outlet', kind: 'text', get: (r) => r.shop },
      { head: 'col.device', kind: 'text', get: (r) => r.device },
      { head: 'col.cashier', kind: 'text', get: (r) => r.cashier },
      { head: 'col.order', kind: 'text', get: (r) => r.order_id, csvOnly: true },
    ],
    rows: (r) => r.problems,
  }),
  /** @type {TableDef<Shift>} */ ({
    name: 'shifts', file: 'tutup-shift', title: 'table.shifts', wide: true, csv: true,
    cols: [
      { head: 'col.closed', kind: 'time', get: (r) => r.closed_at },
      { head: 'col.outlet', kind: 'text', get: (r) => r.shop },
      { head: 'col.cashier', kind: 'text', get: (r) => r.cashier },
      { head: 'col.difference', kind: 'money', get: (r) => r.difference_idr, show: (r) => cashDifference(r.difference_idr) },
      { head: 'col.counted', kind: 'money', get: (r) => r.counted_cash_idr },
      { head: 'col.expected', kind: 'money', get: (r) => r.expected_cash_idr },
      { head: 'col.opening_cash', kind: 'money', get: (r) => r.opening_cash_idr },
      { head: 'col.opened', kind: 'time', get: (r) => r.opened_at },
      { head: 'col.device', kind: 'text', get: (r) => r.device },
      { head: 'col.closed_by', kind: 'text', get: (r) => r.closed_by },
      { head: 'col.shift', kind: 'text', get: (r) => r.id, csvOnly: true },
    ],
    rows: (r) => r.shifts,
  }),
];

/** The saldo tables read from the saldo answer, not the report; `rows` is unused for them. */
/** @type {TableDef<any>[]} */
export const SALDO_TABLES = [
  /** @type {TableDef<Deposit>} */ ({
    name: 'deposits', file: 'isi-saldo', title: 'table.deposits', wide: true, csv: false, rows: () => [],
    cols: [
      { head: 'col.time', kind: 'time', get: (d) => d.created_at },
      { head: 'col.amount', kind: 'money', get: (d) => d.amount_idr },
      { head: 'col.method', kind: 'text', get: (d) => (d.method === 'va' ? `VA ${BANKS[d.bank ?? ''] ?? d.bank ?? ''}`.trim() : 'QRIS') },
      { head: 'col.status', kind: 'text', get: (d) => statusWord(d.status), show: (d) => statusBadge(d.status) },
      { head: 'col.expires', kind: 'time', get: (d) => (d.status === 'pending' ? d.expires_at ?? null : null) },
    ],
  }),
  /** @type {TableDef<HistoryEntry>} */ ({
    name: 'history', file: 'mutasi-saldo', title: 'table.history', wide: true, csv: false, rows: () => [],
    cols: [
      { head: 'col.time', kind: 'time', get: (x) => x.at },
      { head: 'col.amount', kind: 'money', get: (x) => x.amount_idr, show: (x) => h('span', { class: x.amount_idr < 0 ? 'minus' : x.amount_idr > 0 ? 'plus' : '' }, signedMoney(x.amount_idr)) },
      { head: 'col.ref', kind: 'text', get: (x) => (hasWord(`reason.${x.reason}`) ? t(`reason.${x.reason}`) : x.reason), wrap: true },
      { head: 'col.available_after', kind: 'money', get: (x) => x.saldo.available_idr },
      { head: 'col.balance_after', kind: 'money', get: (x) => x.saldo.balance_idr },
      { head: 'col.reference', kind: 'text', get: historyRef, wrap: true },
    ],
  }),
];

/** @param {HistoryEntry} x */
function historyRef(x) {
  if (x.reference) return x.reference;
  if (x.order_id) return t('ref.order', { id: x.order_id.slice(0, 8) });
  if (x.deposit_id) return t('ref.deposit', { id: x.deposit_id.slice(0, 8) });
  return '';
}

/** Builds each table's panel once (heading, CSV button, scroll box); fillTable fills it. @param {HTMLElement} host @param {TableDef<any>[]} defs */
export function mountTables(host, defs) {
  for (const def of defs) {
    const title = h('h2', { 'data-i18n': def.title }, t(def.title));
    const csv = def.csv
      ? h('button', { type: 'button', class: 'small', 'data-testid': `csv-${def.name}` }, 'CSV', h('span', { class: 'sr-only', 'data-i18n': def.title }, t(def.title)))
      : null;
    csv?.addEventListener('click', () => exportCsv(def));
    host.append(h('section', { class: def.wide ? 'card panel wide' : 'card panel' },
      h('div', { class: 'panel-head' }, title, csv),
      h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': t(def.title), 'data-i18n-aria': def.title },
        h('table', { 'data-testid': `table-${def.name}` }))));
  }
}

/** @template T @param {TableDef<T>} def @param {T[]} rows */
export function fillTable(def, rows) {
  const table = byTest(`table-${def.name}`);
  const cols = def.cols.filter((c) => !c.csvOnly);
  const numeric = (/** @type {Col<T>} */ c) => c.kind === 'money' || c.kind === 'count';
  const cellClass = (/** @type {Col<T>} */ c) => [numeric(c) ? 'num' : '', c.wrap ? 'wrap' : ''].filter(Boolean).join(' ') || null;
  const head = h('thead', {}, h('tr', {}, ...cols.map((c) => h('th', { scope: 'col', class: cellClass(c) }, t(c.head)))));
  const body = h('tbody', {});
  for (const row of rows) body.append(h('tr', {}, ...cols.map((c) => h('td', { class: cellClass(c) }, c.show ? c.show(row) : display(c, row)))));
  if (!rows.length) body.append(h('tr', {}, h('td', { colspan: cols.length, class: 'empty' }, t('table.empty'))));
  const foot = h('tfoot', {});
  if (def.totals && rows.length > 1) {
    foot.append(h('tr', {}, ...cols.map((c, i) => {
      if (i === 0) return h('th', { scope: 'row' }, t('table.total'));
      if (!c.total) return h('td', {});
      const sum = rows.reduce((acc, row) => acc + Number(c.get(row) ?? 0), 0);
      return h('td', { class: 'num' }, c.kind === 'money' ? money(sum) : count(sum));
    })));
  }
  table.replaceChildren(head, body, foot);
}

/** @template T @param {Col<T>} col @param {T} row @returns {string} */
function display(col, row) {
  const v = col.get(row);
  if (v === null || v === undefined) return '';
  if (col.kind === 'money') return money(Number(v));
  if (col.kind === 'count') return count(Number(v));
  if (col.kind === 'time') return stamp(String(v));
  return String(v);
}

/** @param {TableDef<any>} def */
function exportCsv(def) {
  const r = state.report;
  if (!r) return;
  const cols = def.cols;
  const lines = [cols.map((c) => t(c.head)), ...def.rows(r).map((row) => cols.map((c) => (c.kind === 'time' ? csvStamp(/** @type {string|null} */ (c.get(row))) : c.get(row))))];
  downloadCsv(`konter-${def.file}-${r.from}_${r.to}.csv`, lines);
}
