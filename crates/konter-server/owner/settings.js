// @ts-check
// Pengaturan toko (shop settings): one outlet's selling-price rules, bill fees, receipt texts and
// zone. The owner's edits are kept per outlet (picking another outlet keeps them) until saved or
// discarded; Save sends the whole object with the version it was loaded at (409 when someone
// saved first).

import { loadSeq, state } from './state.js';
import { lang, t } from './i18n.js';
import { money } from './format.js';
import { byId, byTest, field, h, nodes } from './dom.js';
import { ApiError, api, post, query } from './api.js';
import { keepScroll, renderStatus, saldoShop, setBusy, setOffline, showLoadError } from './shell.js';
import {
  CATEGORIES, MAX_FEE_IDR, MAX_MARKUP_PERCENT, MAX_TEXT_CHARS, ROUNDINGS, SCOPES, SETTINGS_TEXTS,
  categoryName, editOf, feeKeys, feeName, markupText, ruleName, settingsBody, settingsDirty, settingsErrorText,
} from './settings-data.js';

/** @typedef {import('./api.js').Markup} Markup */
/** @typedef {import('./api.js').RuleScope} RuleScope */
/** @typedef {import('./api.js').SellingRule} SellingRule */
/** @typedef {import('./api.js').ShopSettings} ShopSettings */
/** @typedef {import('./settings-data.js').SettingsEdit} SettingsEdit */
/** @typedef {import('./settings-data.js').SettingsMsg} SettingsMsg */

/** The shown outlet's settings, once loaded. */
function currentEdit() {
  const shop = saldoShop();
  return shop ? state.settings[shop.id] ?? null : null;
}

/** The section and the input a field belongs to. @param {string|null} f */
function settingsPlace(f) {
  const form = byId('settings-form');
  if (!f) return { section: null, input: null };
  /** @type {Record<string, string>} */
  const inputs = { receipt_header: 'receipt_header', receipt_footer: 'receipt_footer', shop_address: 'shop_address', shop_phone: 'shop_phone', utc_offset_h: 'zone', bill_fee_cap_idr: 'cap' };
  const name = f.startsWith('bill_fees.') ? `fee.${f.slice('bill_fees.'.length)}` : inputs[f];
  const input = name ? /** @type {HTMLElement|null} */ (form.querySelector(`[name="${CSS.escape(name)}"]`)) : null;
  const texts = /** @type {readonly string[]} */ (SETTINGS_TEXTS);
  const id = f === 'price_rules' ? 'sec-price_rules' : f.startsWith('bill_fee') ? 'sec-bill_fees' : f === 'utc_offset_h' ? 'sec-utc_offset_h' : texts.includes(f) ? 'sec-receipt' : '';
  return { section: id ? byId(id) : null, input };
}

export function renderSettings() {
  const shops = state.me?.shops ?? [];
  const shop = saldoShop();
  byId('settings-title').textContent = shop ? t('set.title', { shop: shop.name }) : t('saldo.no_shop');
  const hint = byId('settings-hint');
  hint.textContent = t('saldo.first_hint');
  hint.hidden = !(shop && state.shop === '' && shops.length > 1);
  const edit = currentEdit();
  const form = /** @type {HTMLFormElement} */ (byId('settings-form'));
  form.hidden = !edit;
  if (!edit || !shop) return;
  byId('settings-version').textContent = String(edit.base.version);
  byId('settings-never').hidden = edit.base.version !== 0;
  byId('header-hint').textContent = t('set.header_hint', { shop: shop.name });
  renderRules(edit);
  renderRuleEditor(edit);
  renderFees(edit);
  for (const name of ['cap', ...SETTINGS_TEXTS, 'zone']) field(form, name).value = edit.form[name] ?? '';
  renderSettingsMsg(edit);
  renderDirty(edit);
  setBusy(form, state.settingsSaving);
}

/** @param {SettingsEdit} edit */
function renderRules(edit) {
  const order = (/** @type {SellingRule} */ r) => SCOPES.indexOf(r.scope);
  const rows = edit.rules
    .map((rule, index) => ({ rule, index }))
    .sort((a, b) => order(a.rule) - order(b.rule) || a.rule.key.localeCompare(b.rule.key));
  const head = h('thead', {}, h('tr', {},
    h('th', { scope: 'col' }, t('set.col_rule')),
    h('th', { scope: 'col', class: 'num' }, t('set.col_markup')),
    h('th', { scope: 'col', class: 'num' }, t('set.col_round')),
    h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, t('set.col_actions')))));
  const body = h('tbody', {});
  for (const { rule, index } of rows) {
    const name = ruleName(rule);
    const change = h('button', { type: 'button', class: 'small', 'data-testid': 'rule-edit', 'aria-label': `${t('set.rule_edit')}: ${name}` }, t('set.rule_edit'));
    const remove = h('button', { type: 'button', class: 'small', 'data-testid': 'rule-delete', 'aria-label': `${t('set.rule_delete')}: ${name}` }, t('set.rule_delete'));
    change.addEventListener('click', () => openRule(index));
    remove.addEventListener('click', () => deleteRule(index));
    body.append(h('tr', { 'data-testid': 'rule-row', 'data-scope': rule.scope, 'data-key': rule.key, class: edit.draft?.index === index ? 'editing' : null },
      h('td', { class: 'wrap' }, name),
      h('td', { class: 'num' }, markupText(rule.markup)),
      h('td', { class: 'num', 'data-label': t('set.round_short') }, money(rule.round_to)),
      h('td', { class: 'actions' }, change, remove)));
  }
  if (!rows.length) body.append(h('tr', {}, h('td', { colspan: 4, class: 'empty wrap' }, t('set.rules_empty'))));
  byId('rules-table').replaceChildren(head, body);
  byTest('rule-add').hidden = edit.draft !== null;
}

/** Opens the rule editor on rule `index`, or on a new rule (-1). @param {number} index */
function openRule(index) {
  const edit = currentEdit();
  if (!edit) return;
  const rule = edit.rules[index];
  edit.draft = rule
    ? { index, scope: rule.scope, key: rule.key, kind: rule.markup.kind, amount: rule.markup.kind === 'fixed' ? String(rule.markup.idr) : rule.markup.percent, round: String(rule.round_to) }
    : { index: -1, scope: edit.rules.some((r) => r.scope === 'default') ? 'category' : 'default', key: '', kind: 'fixed', amount: '', round: '500' };
  if (edit.draft.scope === 'category' && !CATEGORIES.includes(edit.draft.key)) edit.draft.key = CATEGORIES[0];
  edit.ruleError = '';
  if (edit.msg && 'saved' in edit.msg) edit.msg = null;
  renderRules(edit);
  renderRuleEditor(edit);
  renderSettingsMsg(edit);
  renderDirty(edit);
  byTest('rule-scope').focus();
}

/** @param {number} index */
function deleteRule(index) {
  const edit = currentEdit();
  if (!edit) return;
  edit.rules.splice(index, 1);
  if (edit.draft?.index === index) edit.draft = null;
  else if (edit.draft && edit.draft.index > index) edit.draft.index -= 1;
  rulesChanged(edit);
  renderRules(edit);
  renderRuleEditor(edit);
  renderSettingsMsg(edit);
  renderDirty(edit);
  byTest('rule-add').focus();
}

/** @param {SettingsEdit} edit */
function closeRule(edit) {
  edit.draft = null;
  edit.ruleError = '';
  renderRules(edit);
  renderRuleEditor(edit);
  renderDirty(edit);
  byTest('rule-add').focus();
}

/**
 * @param {string} label
 * @param {HTMLElement} control
 */
const labelled = (label, control) => h('label', { class: 'field' }, h('span', {}, label), control);

/** The rule editor, rebuilt from the draft (a change of scope or kind changes its fields). @param {SettingsEdit} edit */
function renderRuleEditor(edit) {
  const box = byId('rule-editor');
  const d = edit.draft;
  box.hidden = !d;
  if (!d) return box.replaceChildren();
  const otherDefault = edit.rules.some((r, i) => r.scope === 'default' && i !== d.index);
  const scope = /** @type {HTMLSelectElement} */ (h('select', { 'data-testid': 'rule-scope' },
    ...SCOPES.map((s) => h('option', { value: s, disabled: s === 'default' && otherDefault }, t(`scope.${s}`)))));
  scope.value = d.scope;
  scope.addEventListener('change', () => {
    const next = /** @type {RuleScope} */ (scope.value);
    if (next === 'category' && !CATEGORIES.includes(d.key)) d.key = CATEGORIES[0];
    else if (d.scope === 'category' && next !== 'category') d.key = '';
    d.scope = next;
    edit.ruleError = '';
    renderRuleEditor(edit);
    byTest('rule-scope').focus();
  });
  /** @type {HTMLElement|null} */
  let keyField = null;
  if (d.scope === 'category') {
    const key = /** @type {HTMLSelectElement} */ (h('select', { 'data-testid': 'rule-key' }, ...CATEGORIES.map((c) => h('option', { value: c }, categoryName(c)))));
    key.value = d.key;
    key.addEventListener('change', () => (d.key = key.value));
    keyField = labelled(t('set.key_category'), key);
  } else if (d.scope !== 'default') {
    const brand = d.scope === 'brand';
    const key = /** @type {HTMLInputElement} */ (h('input', {
      type: 'text', 'data-testid': 'rule-key', autocomplete: 'off', spellcheck: 'false', maxlength: brand ? MAX_TEXT_CHARS : 40,
      autocapitalize: brand ? 'characters' : 'none', placeholder: brand ? 'TELKOMSEL' : 'tsel10',
    }));
    key.value = d.key;
    key.addEventListener('input', () => (d.key = key.value));
    keyField = labelled(t(brand ? 'set.key_brand' : 'set.key_product'), key);
  }
  const kind = /** @type {HTMLSelectElement} */ (h('select', { 'data-testid': 'rule-kind' },
    h('option', { value: 'fixed' }, t('kind.fixed')), h('option', { value: 'percent' }, t('kind.percent'))));
  kind.value = d.kind;
  kind.addEventListener('change', () => {
    d.kind = kind.value === 'percent' ? 'percent' : 'fixed';
    renderRuleEditor(edit);
    byTest('rule-kind').focus();
  });
  const amount = /** @type {HTMLInputElement} */ (h('input', {
    type: 'text', 'data-testid': 'rule-amount', autocomplete: 'off', inputmode: d.kind === 'fixed' ? 'numeric' : 'decimal',
    placeholder: d.kind === 'fixed' ? '1500' : lang === 'id' ? '2,5' : '2.5',
  }));
  amount.value = d.amount;
  amount.addEventListener('input', () => (d.amount = amount.value));
  const round = /** @type {HTMLSelectElement} */ (h('select', { 'data-testid': 'rule-round' }, ...ROUNDINGS.map((v) => h('option', { value: v }, money(v)))));
  round.value = d.round;
  round.addEventListener('change', () => (d.round = round.value));
  const cancel = h('button', { type: 'button', class: 'small', 'data-testid': 'rule-cancel' }, t('set.rule_cancel'));
  cancel.addEventListener('click', () => closeRule(edit));
  const apply = h('button', { type: 'button', class: 'small primary', 'data-testid': 'rule-save' }, t(d.index < 0 ? 'set.rule_apply_new' : 'set.rule_apply_edit'));
  apply.addEventListener('click', () => applyRule(edit));
  box.replaceChildren(
    h('h3', {}, t(d.index < 0 ? 'set.rule_new' : 'set.rule_change')),
    h('div', { class: 'rule-grid' },
      labelled(t('set.scope'), scope),
      keyField,
      labelled(t('set.kind'), kind),
      labelled(t(d.kind === 'fixed' ? 'set.amount_fixed' : 'set.amount_percent'), amount),
      labelled(t('set.round'), round)),
    h('p', { class: 'error', role: 'alert', 'data-testid': 'rule-error', hidden: !edit.ruleError }, edit.ruleError),
    h('div', { class: 'rule-actions' }, cancel, apply));
}

/** Checks the open rule and puts it in the list; false (and words in the editor) when it does not hold. @param {SettingsEdit} edit */
function applyRule(edit) {
  const d = edit.draft;
  if (!d) return true;
  /** @param {string} key @param {Record<string, string>} [vars] */
  const fail = (key, vars) => {
    edit.ruleError = t(key, vars);
    renderRuleEditor(edit);
    byTest('rule-error').scrollIntoView({ block: 'nearest' });
    return false;
  };
  let key = d.scope === 'default' ? '' : d.key.trim();
  if (d.scope === 'brand') key = key.toUpperCase();
  if (d.scope !== 'default' && !key) return fail('serr.key_missing');
  if (d.scope === 'category' && !CATEGORIES.includes(key)) return fail('serr.key_missing');
  if (d.scope === 'product' && !/^[A-Za-z0-9_-]{1,40}$/.test(key)) return fail('serr.sku_invalid');
  if ([...key].length > MAX_TEXT_CHARS) return fail('serr.key_too_long');
  const raw = d.amount.trim();
  if (raw.startsWith('-')) return fail('serr.markup_negative');
  /** @type {Markup} */
  let markup;
  if (d.kind === 'fixed') {
    const digits = raw.replace(/^rp\s*/i, '').replace(/[.\s]/g, ''); // `Rp1.500` and `1.500` are 1500
    if (!/^\d+$/.test(digits) || !Number.isSafeInteger(Number(digits))) return fail('serr.amount_fixed');
    markup = { kind: 'fixed', idr: Number(digits) };
  } else {
    const percent = raw.replace(/\s*%$/, '').replace(',', '.');
    if (!/^\d+(\.\d+)?$/.test(percent)) return fail('serr.amount_percent');
    if (Number(percent) > MAX_MARKUP_PERCENT) return fail('serr.markup_too_large');
    markup = { kind: 'percent', percent };
  }
  const round_to = Number(d.round);
  if (!ROUNDINGS.includes(round_to)) return fail('serr.rounding_invalid');
  const clash = edit.rules.find((r, i) => i !== d.index && r.scope === d.scope && r.key === key);
  if (clash) return fail(d.scope === 'default' ? 'serr.default_twice' : 'serr.rule_duplicate', { rule: ruleName(clash) });
  /** @type {SellingRule} */
  const rule = { scope: d.scope, key, markup, round_to };
  if (d.index >= 0) edit.rules[d.index] = rule;
  else edit.rules.push(rule);
  rulesChanged(edit);
  renderSettingsMsg(edit);
  closeRule(edit);
  return true;
}

/** @param {SettingsEdit} edit */
function renderFees(edit) {
  byId('fee-fields').replaceChildren(...feeKeys(edit.base).map((key) => {
    const input = /** @type {HTMLInputElement} */ (h('input', { name: `fee.${key}`, type: 'number', inputmode: 'numeric', min: 0, max: MAX_FEE_IDR, step: 1, 'data-testid': `fee-${key}` }));
    input.value = edit.form[`fee.${key}`] ?? '';
    return labelled(t('set.fee_of', { name: feeName(key) }), input);
  }));
}

/** @param {SettingsEdit} edit */
function renderDirty(edit) {
  const dirty = settingsDirty(edit);
  byId('settings-dirty').hidden = !dirty;
  byId('settings-discard').hidden = !dirty;
  byId('savebar').classList.toggle('pinned', dirty);
  byId('rules-unsaved').hidden = JSON.stringify(edit.rules) === JSON.stringify(edit.base.price_rules);
}

/** The save bar's words; an error goes next to the section its field names. @param {SettingsEdit} edit */
function renderSettingsMsg(edit) {
  const saved = byTest('settings-saved');
  const box = byTest('settings-error');
  const msg = edit.msg;
  saved.hidden = !(msg && 'saved' in msg);
  saved.textContent = msg && 'saved' in msg ? t('set.saved', { v: msg.saved }) : '';
  for (const el of byId('settings-form').querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  if (!msg || 'saved' in msg) {
    box.hidden = true;
    box.replaceChildren();
    byId('savebar').prepend(box);
    return { box, input: null };
  }
  const err = 'error' in msg ? msg.error : null;
  const conflict = 'newer' in msg || (err instanceof ApiError && err.code === 'settings_changed');
  const { section, input } = settingsPlace(err instanceof ApiError ? err.field : null);
  let reload = null;
  if (conflict) {
    reload = h('button', { type: 'button', class: 'small', 'data-testid': 'settings-reload' }, t('set.reload'));
    reload.addEventListener('click', () => loadSettings(true));
  }
  box.replaceChildren(...nodes(['newer' in msg ? t('set.newer', { v: msg.newer }) : settingsErrorText(err), reload ? ' ' : null, reload]));
  if (section) section.querySelector('h2')?.after(box);
  else byId('savebar').prepend(box);
  input?.setAttribute('aria-invalid', 'true');
  box.hidden = false;
  return { box, input };
}

/** @param {SettingsEdit} edit @param {SettingsMsg} msg @param {boolean} point move focus to the field (or the words) */
function showSettingsMsg(edit, msg, point) {
  edit.msg = msg;
  if (currentEdit() !== edit) return;
  const { box, input } = renderSettingsMsg(edit);
  if (!point) return;
  if (input) input.focus();
  else (box.hidden ? byTest('settings-saved') : box).scrollIntoView({ block: 'nearest' });
}

/** Loads the shown outlet's settings. Edits in progress are kept: a newer version then only shows a note. @param {boolean} force drop the edits */
export async function loadSettings(force) {
  const shop = saldoShop();
  if (!shop) return renderSettings();
  const seq = ++loadSeq.settings;
  const errorBox = byId('settings-load-error');
  try {
    /** @type {ShopSettings} */
    const s = await api('GET', `/settings?${query({ shop: shop.id })}`);
    if (seq !== loadSeq.settings) return;
    errorBox.hidden = true;
    setOffline(false);
    state.updated.pengaturan = new Date();
    const edit = state.settings[shop.id];
    if (force || !edit || (s.version > edit.base.version && !settingsDirty(edit))) {
      state.settings[shop.id] = editOf(s);
      keepScroll(renderSettings);
    } else if (s.version > edit.base.version && !(edit.msg && 'newer' in edit.msg && edit.msg.newer === s.version)) {
      showSettingsMsg(edit, { newer: s.version }, false);
    }
    renderStatus();
  } catch (e) {
    if (seq !== loadSeq.settings) return;
    showLoadError(e, errorBox);
  }
}

/** @param {SubmitEvent} ev */
async function onSettingsSave(ev) {
  ev.preventDefault();
  const form = /** @type {HTMLFormElement} */ (ev.currentTarget);
  const shop = saldoShop();
  const edit = currentEdit();
  if (!shop || !edit || state.settingsSaving) return;
  if (edit.draft && !applyRule(edit)) return; // the open rule goes in first
  /** @type {ShopSettings} */
  let body;
  try {
    body = settingsBody(edit);
  } catch (e) {
    return showSettingsMsg(edit, { error: e }, true);
  }
  const sent = JSON.stringify([edit.rules, edit.form]);
  state.settingsSaving = true;
  setBusy(form, true);
  loadSeq.settings++; // a poll on its way must not bring back the old version
  try {
    /** @type {ShopSettings} */
    const saved = await post(`/settings?${query({ shop: shop.id })}`, body);
    loadSeq.settings++;
    const now = state.settings[shop.id];
    if (!now) return;
    // Edits made while saving stay on top of the saved version.
    if (!now.draft && JSON.stringify([now.rules, now.form]) === sent) Object.assign(now, editOf(saved));
    else now.base = saved;
    now.msg = { saved: saved.version };
    state.updated.pengaturan = new Date();
    if (currentEdit() === now) {
      renderSettings();
      byTest('settings-saved').scrollIntoView({ block: 'nearest' });
    }
    renderStatus();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    if (e instanceof ApiError && e.status === 0) setOffline(true);
    showSettingsMsg(edit, { error: e }, true);
  } finally {
    state.settingsSaving = false;
    setBusy(form, false);
  }
}

/** Typing in the form's own fields (the rule editor keeps its draft itself). @param {Event} ev */
function onSettingsInput(ev) {
  const el = ev.target;
  if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement)) return;
  const edit = currentEdit();
  if (!edit || !el.name || !(el.name in edit.form)) return;
  edit.form[el.name] = el.value;
  // A saved note goes on the first edit; an error when the field it names is edited.
  const msg = edit.msg;
  if (msg && ('saved' in msg || ('error' in msg && msg.error instanceof ApiError && settingsPlace(msg.error.field).input === el))) {
    edit.msg = null;
    renderSettingsMsg(edit);
  }
  renderDirty(edit);
}

/** After a change of the rules: the saved note, or an error about the rules, has had its day. @param {SettingsEdit} edit */
function rulesChanged(edit) {
  const msg = edit.msg;
  if (msg && ('saved' in msg || ('error' in msg && msg.error instanceof ApiError && msg.error.field === 'price_rules'))) edit.msg = null;
}

export function bindSettings() {
  const form = byId('settings-form');
  form.addEventListener('submit', (ev) => onSettingsSave(/** @type {SubmitEvent} */ (ev)));
  form.addEventListener('input', onSettingsInput);
  form.addEventListener('change', onSettingsInput);
  byTest('rule-add').addEventListener('click', () => openRule(-1));
  byId('settings-discard').addEventListener('click', () => {
    const shop = saldoShop();
    const edit = currentEdit();
    if (!shop || !edit) return;
    state.settings[shop.id] = editOf(edit.base);
    renderSettings();
    byTest('settings-save').focus();
  });
  // Enter in the rule editor puts the rule in the list rather than saving the whole form.
  byId('rule-editor').addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' || !(ev.target instanceof HTMLInputElement)) return;
    ev.preventDefault();
    const edit = currentEdit();
    if (edit) applyRule(edit);
  });
}
