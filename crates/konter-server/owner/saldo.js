// @ts-check
// Saldo: the outlet's balance, its history and deposits, and the top-up form with its result.

import { loadSeq, state } from './state.js';
import { lang, t } from './i18n.js';
import { money, parseTime, stamp } from './format.js';
import { byId, byTest, field, h, nodes } from './dom.js';
import { ApiError, api, post, query } from './api.js';
import { clearFormError, keepScroll, renderStatus, saldoShop, setBusy, setOffline, showFormError, showLoadError } from './shell.js';
import { BANKS, SALDO_TABLES, fillTable, statusBadge } from './tables.js';

/** @typedef {import('./dom.js').Kid} Kid */
/** @typedef {import('./api.js').Deposit} Deposit */
/** @typedef {import('./api.js').SaldoResponse} SaldoResponse */

const MIN_DEPOSIT_IDR = 10_000;

export async function loadSaldo() {
  const shop = saldoShop();
  if (!shop) return renderSaldo();
  const seq = ++loadSeq.saldo;
  const errorBox = byId('saldo-error');
  try {
    /** @type {SaldoResponse} */
    const saldo = await api('GET', `/saldo?${query({ shop: shop.id })}`);
    if (seq !== loadSeq.saldo) return;
    errorBox.hidden = true;
    setOffline(false);
    state.updated.saldo = new Date();
    if (JSON.stringify(saldo) !== JSON.stringify(state.saldo) || shop.id !== state.saldoShop) {
      state.saldo = saldo;
      state.saldoShop = shop.id;
      keepScroll(renderSaldo);
    }
    renderStatus();
  } catch (e) {
    if (seq !== loadSeq.saldo) return;
    showLoadError(e, errorBox);
  }
}

export function renderSaldo() {
  const shops = state.me?.shops ?? [];
  const shop = saldoShop();
  byId('saldo-title').textContent = shop ? t('saldo.title', { shop: shop.name }) : t('saldo.no_shop');
  const hint = byId('saldo-hint');
  hint.textContent = t('saldo.first_hint');
  hint.hidden = !(shop && state.shop === '' && shops.length > 1);
  byId('saldo-body').hidden = !shop;
  const data = shop && state.saldoShop === shop.id ? state.saldo : null;
  byId('view-saldo').classList.toggle('stale', !!state.saldo && !data);
  const s = data?.saldo ?? state.saldo?.saldo;
  byTest('saldo-available').textContent = s ? money(s.available_idr) : '—';
  byTest('saldo-held').textContent = s ? money(s.held_idr) : '—';
  byTest('saldo-balance').textContent = s ? money(s.balance_idr) : '—';
  fillTable(SALDO_TABLES[0], data?.deposits ?? []);
  fillTable(SALDO_TABLES[1], data?.history ?? []);
  renderDepositResult();
}

let shownDeposit = ''; // what the result box shows; unchanged boxes are left alone so a copy button keeps focus

function renderDepositResult() {
  const box = byTest('deposit-result');
  const created = state.created;
  if (!created || created.shop !== saldoShop()?.id) {
    box.hidden = true;
    box.replaceChildren();
    shownDeposit = '';
    return;
  }
  // The deposits list on the next poll carries the fresh status.
  const fresh = state.saldo?.deposits.find((d) => d.id === created.deposit.id);
  const d = fresh ? { ...created.deposit, ...fresh } : created.deposit;
  const key = JSON.stringify([lang, d]);
  if (key === shownDeposit) return;
  shownDeposit = key;
  const expires = d.expires_at ? parseTime(d.expires_at) : null;
  const close = h('button', { type: 'button', class: 'small ghost' }, t('topup.close'));
  close.addEventListener('click', () => {
    state.created = null;
    renderDepositResult();
  });
  /** @type {Kid[]} */
  let how = [];
  if (d.method === 'va') {
    const bank = BANKS[d.bank ?? ''] ?? (d.bank ?? '').toUpperCase();
    const number = d.va_number ?? '';
    how = [h('p', { class: 'muted' }, t('topup.va_of', { bank })),
      h('div', { class: 'copy-row' }, h('strong', { class: 'va-number', 'data-testid': 'deposit-va' }, number.replace(/(\d{4})(?=\d)/g, '$1 ')), copyButton(number))];
  } else {
    const qr = d.qr_string ?? '';
    how = [h('p', {}, t('topup.scan')),
      h('p', { class: 'muted small-text' }, t('topup.qr_text')),
      h('div', { class: 'copy-row' }, h('code', { class: 'qr-text', 'data-testid': 'deposit-qr' }, qr), copyButton(qr))];
  }
  box.replaceChildren(...nodes([
    h('div', { class: 'panel-head' }, h('h2', {}, t('topup.created')), statusBadge(d.status), close),
    h('p', { class: 'pay-amount' }, t('topup.pay_exact', { v: money(d.amount_idr) })),
    ...how,
    expires && d.status === 'pending' ? h('p', { class: 'expires' }, t('topup.expires', { time: stamp(d.expires_at) })) : null,
    d.status === 'pending' ? h('p', { class: 'muted small-text' }, t('topup.auto')) : null,
  ]));
  box.hidden = false;
}

/** @param {string} text */
function copyButton(text) {
  const btn = h('button', { type: 'button', class: 'small' }, t('copy.copy'));
  btn.addEventListener('click', async () => {
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch {
      ok = legacyCopy(text);
    }
    btn.textContent = t(ok ? 'copy.done' : 'copy.failed');
    setTimeout(() => (btn.textContent = t('copy.copy')), 2000);
  });
  return btn;
}

/** Clipboard for plain-http pages, where navigator.clipboard is missing. @param {string} text */
function legacyCopy(text) {
  const area = /** @type {HTMLTextAreaElement} */ (h('textarea', { readonly: true, class: 'sr-only' }));
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

/** @param {SubmitEvent} ev */
async function onDeposit(ev) {
  ev.preventDefault();
  const form = /** @type {HTMLFormElement} */ (ev.currentTarget);
  const shop = saldoShop();
  clearFormError(form);
  if (!shop) return;
  const raw = field(form, 'amount_idr').value.trim();
  const amount = Number(raw);
  if (!raw || !Number.isSafeInteger(amount) || amount <= 0) return showFormError(form, new ApiError(400, 'amount_invalid', '', 'amount_idr'));
  if (amount < MIN_DEPOSIT_IDR) return showFormError(form, new ApiError(400, 'amount_too_small', '', 'amount_idr'));
  const method = field(form, 'method').value;
  /** @type {Record<string, string|number>} */
  const body = { shop: shop.id, amount_idr: amount, method };
  if (method === 'va') body.bank = field(form, 'bank').value;
  setBusy(form, true);
  try {
    /** @type {Deposit} */
    const deposit = await post('/deposits', body);
    state.created = { deposit, shop: shop.id };
    field(form, 'amount_idr').value = '';
    renderDepositResult();
    byTest('deposit-result').scrollIntoView({ block: 'nearest' });
    loadSaldo();
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) showFormError(form, e);
  } finally {
    setBusy(form, false);
  }
}

export function bindSaldo() {
  const depositForm = /** @type {HTMLFormElement} */ (byId('deposit-form'));
  depositForm.addEventListener('submit', (ev) => onDeposit(/** @type {SubmitEvent} */ (ev)));
  field(depositForm, 'method').addEventListener('change', () => (byId('bank-field').hidden = field(depositForm, 'method').value !== 'va'));
  for (const chip of depositForm.querySelectorAll('[data-amount]')) {
    chip.addEventListener('click', () => (field(depositForm, 'amount_idr').value = chip.getAttribute('data-amount') ?? ''));
  }
}
