// @ts-check
// The server: one JSON call under /owner/api, the CSRF token, errors and their words, and the JSON
// shapes it answers with. The session cookie is HttpOnly; JS only holds the CSRF token.

// The JSON the server answers with.
/** @typedef {{id: string, code: string, name: string}} Shop */
/** @typedef {{phone: string, shops: Shop[], csrf: string}} Me */
/** @typedef {{key: string, label: string, count: number, omzet_idr: number, modal_idr: number, laba_idr: number}} Row */
/** @typedef {{count: number, omzet_idr: number, modal_idr: number, laba_idr: number, fee_idr: number, pending_count: number, pending_idr: number, failed_count: number, refunded_count: number}} Totals */
/** @typedef {{order_id: string, shop: string, device: string, cashier: string, product: string, target: string|null, price_idr: number, status: string, reason: string|null, sold_at: string}} Problem */
/** @typedef {{order_id: string, shop: string, product: string, price_idr: number, cost_idr: number, refunded_at: string}} Refund */
/** @typedef {{id: string, shop: string, device: string, cashier: string, opened_at: string, closed_at: string, opening_cash_idr: number, expected_cash_idr: number, counted_cash_idr: number, difference_idr: number, closed_by: string}} Shift */
/**
 * @typedef {{from: string, to: string, generated_at: string, totals: Totals,
 *   by_shop: Row[], by_device: Row[], by_cashier: Row[], by_category: Row[], by_product: Row[], bills: Row,
 *   hourly: {hour: number, count: number, omzet_idr: number}[],
 *   daily: {day: string, count: number, omzet_idr: number, laba_idr: number}[],
 *   problems: Problem[], refunds: Refund[], shifts: Shift[]}} SalesReport
 */
/** @typedef {{balance_idr: number, held_idr: number, available_idr: number}} Saldo */
/** @typedef {{at: string, reason: string, amount_idr: number, saldo: Saldo, order_id: string|null, deposit_id: string|null, reference: string|null}} HistoryEntry */
/** @typedef {{id: string, amount_idr: number, method: 'va'|'qris', status: string, bank?: string, va_number?: string, qr_string?: string, expires_at?: string, created_at: string}} Deposit */
/** @typedef {{saldo: Saldo, history: HistoryEntry[], deposits: Deposit[]}} SaldoResponse */
/** @typedef {'default'|'category'|'brand'|'product'} RuleScope */
/** A markup on the saldo price; a percent is a decimal string (`"2.5"`). @typedef {{kind: 'fixed', idr: number} | {kind: 'percent', percent: string}} Markup */
/** @typedef {{scope: RuleScope, key: string, markup: Markup, round_to: number}} SellingRule */
/** @typedef {{cap_idr: number, fees: Record<string, number>}} BillFees */
/**
 * Everything the counters of one outlet share; `version` 0 = never saved (defaults).
 * @typedef {{version: number, price_rules: SellingRule[], bill_fees: BillFees, receipt_header: string, receipt_footer: string,
 *   shop_address: string, shop_phone: string, utc_offset_h: number}} ShopSettings
 */

import { state } from './state.js';
import { hasWord, lang, t } from './i18n.js';

export const API = '/owner/api';

/** What the session does about the server's answers; app.js fills these in before the first call. */
export const session = {
  /** A 401 outside login/setup: the session is over. */
  ended: () => {},
  /** A fresh /me (after a stale CSRF token). */
  renewed: /** @type {(me: Me) => void} */ (() => {}),
};

export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message @param {string|null} field */
  constructor(status, code, message, field) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/**
 * One JSON call. 204 gives null; non-2xx throws ApiError; a 401 outside login/setup ends the session.
 * @param {'GET'|'POST'} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function api(method, path, body) {
  const isAuth = path === '/login' || path === '/setup';
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (method === 'POST') {
    headers['Content-Type'] = 'application/json';
    if (!isAuth && state.me) headers['X-CSRF-Token'] = state.me.csrf;
  }
  /** @type {Response} */
  let res;
  try {
    res = await fetch(API + path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
      signal: AbortSignal.timeout(20_000),
    });
  } catch {
    throw new ApiError(0, 'network', '', null);
  }
  if (res.status === 204) return null;
  /** @type {any} */
  let data = null;
  try {
    data = await res.json();
  } catch {
    if (res.ok) throw new ApiError(res.status, 'bad_response', '', null);
  }
  if (res.ok) return data;
  const code = typeof data?.code === 'string' ? data.code : res.status === 429 ? 'too_many_attempts' : `http_${res.status}`;
  const err = new ApiError(res.status, code, typeof data?.message === 'string' ? data.message : '', data?.field ?? null);
  if (res.status === 401 && !isAuth) session.ended();
  throw err;
}

/** A POST with the CSRF token; a stale token is refreshed from /me and the call tried once more. */
export async function post(/** @type {string} */ path, /** @type {unknown} */ body) {
  try {
    return await api('POST', path, body);
  } catch (e) {
    if (!(e instanceof ApiError) || e.code !== 'csrf_invalid') throw e;
    session.renewed(await api('GET', '/me'));
    return api('POST', path, body);
  }
}

/** Words for an error: our translation of the code, else the server's message. @param {unknown} e */
export function errorText(e) {
  if (!(e instanceof ApiError)) return t('err.generic', { status: '?' });
  if (hasWord(`err.${e.code}`)) return t(`err.${e.code}`);
  if (!e.message || e.message === e.code) return t('err.generic', { status: e.status });
  // The server writes "Bahasa Indonesia / English"; show the half in the page's language.
  const halves = e.message.split(' / ');
  const text = halves.length === 2 ? halves[lang === 'en' ? 1 : 0] : e.message;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** @param {Record<string, string>} params */
export const query = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '')).toString();
