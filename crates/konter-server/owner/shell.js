// @ts-check
// What the logged-in screens share: the shown outlet, the status line, the offline banner, load
// errors, and errors and busy state under forms.

import { state } from './state.js';
import { t } from './i18n.js';
import { clock, formatDay } from './format.js';
import { byId } from './dom.js';
import { ApiError, errorText } from './api.js';

/** Shows an error under a form and marks the field the server named. @param {HTMLFormElement} form @param {unknown} e */
export function showFormError(form, e) {
  if (e instanceof ApiError && e.status === 0 && state.me) setOffline(true); // polling will clear it
  const box = /** @type {HTMLElement} */ (form.querySelector('.error'));
  box.textContent = typeof e === 'string' ? e : errorText(e);
  box.hidden = false;
  const name = e instanceof ApiError ? e.field : null;
  const input = name ? form.elements.namedItem(name) : null;
  if (input instanceof HTMLElement) {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
}
/** @param {HTMLFormElement} form */
export function clearFormError(form) {
  const box = /** @type {HTMLElement} */ (form.querySelector('.error'));
  box.hidden = true;
  box.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}
/** Disables a form's submit button while a request runs. @param {HTMLFormElement} form @param {boolean} busy */
export function setBusy(form, busy) {
  const btn = /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]'));
  btn.disabled = busy;
  btn.setAttribute('aria-busy', String(busy));
}

/** Connection trouble: a quiet banner, old figures stay. @param {boolean} offline */
export function setOffline(offline) {
  const banner = byId('offline-banner');
  banner.textContent = t('status.offline');
  banner.hidden = !offline;
}

/** Network trouble and server errors: the banner. A refusal of the question: words near it. @param {unknown} e @param {HTMLElement} box */
export function showLoadError(e, box) {
  if (!(e instanceof ApiError) || e.status === 401) return;
  if (e.status === 0 || e.status >= 500) return setOffline(true);
  setOffline(false);
  box.textContent = errorText(e);
  box.hidden = false;
}

/** Re-renders without moving the page. @param {() => void} render */
export function keepScroll(render) {
  const y = window.scrollY;
  render();
  if (window.scrollY !== y) window.scrollTo(0, y);
}

export function saldoShop() {
  const shops = state.me?.shops ?? [];
  return shops.find((s) => s.id === state.shop) ?? shops[0] ?? null;
}

export function renderStatus() {
  const when = state.route === 'saldo' ? state.updated.saldo : state.route === 'pengaturan' ? state.updated.pengaturan : state.updated.ringkasan;
  byId('updated-at').textContent = when ? t('status.updated', { time: clock(when, true) }) : state.me ? t('status.never') : '';
  const r = state.report;
  byId('period').textContent =
    state.route === 'ringkasan' && r ? (r.from === r.to ? formatDay(r.from) : `${formatDay(r.from)} – ${formatDay(r.to)}`) : '';
}
