// @ts-check
// Konter owner back office: summary report, saldo and top-up, shop settings. Served at /owner/ by
// konter-server; no build step. This module starts the page: session, routing, polling, the
// header and controls, preferences and the login and setup forms. The screens live in
// summary.js, saldo.js and settings.js.

import { loadSeq, state } from './state.js';
import { lang, setLang, t } from './i18n.js';
import { formatPhone } from './format.js';
import { byId, field, h } from './dom.js';
import { ApiError, api, errorText, post, session } from './api.js';
import { clearFormError, renderStatus, setBusy, setOffline, showFormError } from './shell.js';
import { SALDO_TABLES, SUMMARY_TABLES, mountTables } from './tables.js';
import { currentRange, loadReport, rangeValid, renderRangeControls, renderSummary } from './summary.js';
import { bindSaldo, loadSaldo, renderSaldo } from './saldo.js';
import { bindSettings, loadSettings, renderSettings } from './settings.js';

/** @typedef {import('./state.js').Preset} Preset */
/** @typedef {import('./state.js').Route} Route */
/** @typedef {import('./api.js').Me} Me */

const POLL_MS = 10_000;
const LS_LANG = 'konter.owner.lang';
const LS_VIEW = 'konter.owner.view';
const ROUTES = /** @type {Route[]} */ (['masuk', 'atur', 'ringkasan', 'saldo', 'pengaturan']);
const PRESETS = /** @type {Preset[]} */ (['today', 'yesterday', '7', '30', 'custom']);

// ---------------------------------------------------------------------------------------------
// Session and routing.

/** @param {Me} me */
function setMe(me) {
  state.me = me;
  if (!me.shops.some((s) => s.id === state.shop)) state.shop = '';
  renderHeader();
  renderShopPicker();
}

function clearSession() {
  state.me = null;
  state.report = null;
  state.reportKey = state.reportJson = '';
  state.saldo = null;
  state.saldoShop = '';
  state.created = null;
  state.settings = {};
  state.updated = { ringkasan: null, saldo: null, pengaturan: null };
  window.clearTimeout(pollTimer);
  loadSeq.report++; // answers still on their way belong to the old session
  loadSeq.saldo++;
  loadSeq.settings++;
  renderHeader();
  renderSummary();
  renderSaldo();
  renderSettings();
}

function sessionEnded() {
  if (!state.me) return;
  clearSession();
  showNotice(t('auth.session_ended'));
  go('masuk');
}

/** @param {string} text */
function showNotice(text) {
  const el = byId('login-notice');
  el.textContent = text;
  el.hidden = !text;
}

/** @param {Route} route */
function go(route) {
  if (location.hash !== `#/${route}`) location.hash = `#/${route}`;
  else showRoute();
}

/** Shows the screen the hash asks for, or the one the session allows. */
function showRoute() {
  const asked = /** @type {Route} */ (location.hash.replace(/^#\/?/, ''));
  /** @type {Route} */
  let route = ROUTES.includes(asked) ? asked : 'ringkasan';
  if (!state.me) route = route === 'atur' ? 'atur' : 'masuk';
  else if (route !== 'saldo' && route !== 'pengaturan') route = 'ringkasan';
  if (location.hash !== `#/${route}`) history.replaceState(null, '', `#/${route}`);
  const changed = state.route !== route;
  state.route = route;
  byId('boot').hidden = true;
  byId('view-masuk').hidden = route !== 'masuk';
  byId('view-atur').hidden = route !== 'atur';
  byId('view-app').hidden = !state.me;
  byId('view-ringkasan').hidden = route !== 'ringkasan';
  byId('view-saldo').hidden = route !== 'saldo';
  byId('view-pengaturan').hidden = route !== 'pengaturan';
  byId('range-controls').hidden = route !== 'ringkasan';
  byId('sales-csv').hidden = route !== 'ringkasan';
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('data-route') === route) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (state.me) {
    renderStatus();
    refresh();
    schedulePoll();
  } else if (changed) {
    const first = /** @type {HTMLElement|null} */ (document.querySelector(`#view-${route} input`));
    first?.focus();
  }
}

// ---------------------------------------------------------------------------------------------
// Polling.

let pollTimer = 0;

function schedulePoll() {
  window.clearTimeout(pollTimer);
  if (!state.me) return;
  pollTimer = window.setTimeout(async () => {
    if (document.visibilityState === 'visible') await refresh();
    schedulePoll();
  }, POLL_MS);
}

function refresh() {
  if (!state.me) return Promise.resolve();
  if (state.route === 'pengaturan') return loadSettings(false);
  return state.route === 'saldo' ? loadSaldo() : loadReport();
}

// ---------------------------------------------------------------------------------------------
// Preferences.

function loadPrefs() {
  try {
    const saved = localStorage.getItem(LS_LANG);
    if (saved === 'id' || saved === 'en') setLang(saved);
    const view = JSON.parse(localStorage.getItem(LS_VIEW) ?? 'null');
    if (view && typeof view === 'object') {
      if (typeof view.shop === 'string') state.shop = view.shop;
      if (PRESETS.includes(view.preset)) state.preset = view.preset;
      if (state.preset === 'custom' && rangeValid(String(view.from), String(view.to))) [state.from, state.to] = [view.from, view.to];
      else if (state.preset === 'custom') state.preset = 'today';
    }
  } catch {
    /* storage blocked or garbled: defaults */
  }
}

function savePrefs() {
  try {
    localStorage.setItem(LS_LANG, lang);
    const { shop, preset, from, to } = state;
    localStorage.setItem(LS_VIEW, JSON.stringify(preset === 'custom' ? { shop, preset, from, to } : { shop, preset }));
  } catch {
    /* storage blocked: the choice lasts this visit */
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering: language, header, outlet picker.

function applyLang() {
  document.documentElement.lang = lang;
  document.title = t('app.title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.getAttribute('data-i18n') ?? '');
  for (const el of document.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.getAttribute('data-i18n-aria') ?? ''));
  const toggle = byId('lang-toggle');
  toggle.textContent = t('lang.other');
  toggle.title = t('lang.other_label');
  toggle.setAttribute('lang', lang === 'id' ? 'en' : 'id');
  if (!byId('offline-banner').hidden) setOffline(true);
  renderShopPicker();
  renderStatus();
  renderSummary();
  renderSaldo();
  renderSettings();
}

function renderHeader() {
  const me = state.me;
  const who = byId('who');
  who.hidden = !me;
  who.textContent = me ? [me.shops.length === 1 ? me.shops[0].name : '', formatPhone(me.phone)].filter(Boolean).join(' · ') : '';
  byId('nav').hidden = !me;
  byId('logout').hidden = !me;
}

function renderShopPicker() {
  const picker = /** @type {HTMLSelectElement} */ (byId('shop-picker'));
  const shops = state.me?.shops ?? [];
  picker.replaceChildren(
    h('option', { value: '' }, t('ctl.all')),
    ...shops.map((s) => h('option', { value: s.id }, s.code && s.code !== s.name ? `${s.name} (${s.code})` : s.name)),
  );
  picker.value = state.shop;
}

// ---------------------------------------------------------------------------------------------
// Actions.

/** @param {SubmitEvent} ev */
async function onLogin(ev) {
  ev.preventDefault();
  const form = /** @type {HTMLFormElement} */ (ev.currentTarget);
  const phone = field(form, 'phone').value.trim();
  const password = field(form, 'password');
  clearFormError(form);
  showNotice('');
  if (!phone || !password.value) return showFormError(form, t('err.required'));
  setBusy(form, true);
  try {
    const me = await api('POST', '/login', { phone, password: password.value });
    password.value = '';
    enter(me);
  } catch (e) {
    password.value = '';
    showFormError(form, e);
    if (!(e instanceof ApiError && e.field)) password.focus();
  } finally {
    setBusy(form, false);
  }
}

/** @param {SubmitEvent} ev */
async function onSetup(ev) {
  ev.preventDefault();
  const form = /** @type {HTMLFormElement} */ (ev.currentTarget);
  const phone = field(form, 'phone').value.trim();
  const code = field(form, 'code').value.trim();
  const password = field(form, 'password');
  const password2 = field(form, 'password2');
  clearFormError(form);
  if (!phone || !code || !password.value || !password2.value) return showFormError(form, t('err.required'));
  if ([...password.value].length < 8) return showFormError(form, new ApiError(400, 'password_too_short', '', 'password'));
  if (password.value !== password2.value) return showFormError(form, new ApiError(400, 'password_mismatch', '', 'password2'));
  setBusy(form, true);
  try {
    const me = await api('POST', '/setup', { phone, code, password: password.value });
    form.reset();
    enter(me);
  } catch (e) {
    showFormError(form, e);
  } finally {
    setBusy(form, false);
  }
}

/** @param {Me} me */
function enter(me) {
  setOffline(false);
  setMe(me);
  const asked = location.hash.replace(/^#\/?/, '');
  go(asked === 'saldo' || asked === 'pengaturan' ? asked : 'ringkasan');
}

/** @param {boolean} everywhere */
async function logout(everywhere) {
  try {
    await post(everywhere ? '/logout_all' : '/logout', {});
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) {
      if (e instanceof ApiError && (e.status === 0 || e.status >= 500)) setOffline(true);
      return;
    }
  }
  clearSession();
  showNotice(t(everywhere ? 'auth.logged_out_all' : 'auth.logged_out'));
  go('masuk');
}

function bindEvents() {
  window.addEventListener('hashchange', showRoute);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && state.me) {
      refresh();
      schedulePoll();
    }
  });
  byId('login-form').addEventListener('submit', (ev) => onLogin(/** @type {SubmitEvent} */ (ev)));
  byId('setup-form').addEventListener('submit', (ev) => onSetup(/** @type {SubmitEvent} */ (ev)));
  bindSaldo();
  bindSettings();
  byId('logout').addEventListener('click', () => logout(false));
  byId('logout-all').addEventListener('click', () => logout(true));
  byId('lang-toggle').addEventListener('click', () => {
    setLang(lang === 'id' ? 'en' : 'id');
    savePrefs();
    applyLang();
  });
  byId('shop-picker').addEventListener('change', (ev) => {
    state.shop = /** @type {HTMLSelectElement} */ (ev.currentTarget).value;
    savePrefs();
    renderSummary();
    renderSaldo();
    renderSettings();
    refresh();
    schedulePoll();
  });
  for (const btn of document.querySelectorAll('[data-range]')) {
    btn.addEventListener('click', () => {
      state.preset = /** @type {Preset} */ (btn.getAttribute('data-range'));
      changeRange();
    });
  }
  for (const id of ['range-from', 'range-to']) {
    byId(id).addEventListener('change', () => {
      state.preset = 'custom';
      state.from = /** @type {HTMLInputElement} */ (byId('range-from')).value;
      state.to = /** @type {HTMLInputElement} */ (byId('range-to')).value;
      changeRange();
    });
  }
  // Edits clear the "this field is wrong" mark.
  document.addEventListener('input', (ev) => /** @type {Element} */ (ev.target).removeAttribute?.('aria-invalid'));
}

function changeRange() {
  currentRange();
  savePrefs();
  renderRangeControls();
  renderSummary(); // marks the old figures as stale until the new ones arrive
  loadReport();
  schedulePoll();
}

async function boot() {
  session.ended = sessionEnded;
  session.renewed = setMe;
  loadPrefs();
  currentRange();
  mountTables(byId('summary-tables'), SUMMARY_TABLES);
  mountTables(byId('saldo-tables'), SALDO_TABLES);
  bindEvents();
  applyLang();
  renderRangeControls();
  try {
    setMe(await api('GET', '/me'));
  } catch (e) {
    if (e instanceof ApiError && e.status !== 401) showNotice(errorText(e)); // nothing retries on the login screen
  }
  showRoute();
}

boot();
