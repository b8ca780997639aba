// @ts-check
// Shop settings as data: the form's values from and to the server's object, the checks the
// server will make, and the names of rules and fields in the page's language.

import { hasWord, lang, t } from './i18n.js';
import { money } from './format.js';
import { ApiError, errorText } from './api.js';

/** @typedef {import('./api.js').Markup} Markup */
/** @typedef {import('./api.js').RuleScope} RuleScope */
/** @typedef {import('./api.js').SellingRule} SellingRule */
/** @typedef {import('./api.js').ShopSettings} ShopSettings */

/** The settings form's fields as typed, by input name (`cap`, `fee.<key>`, `receipt_header`, …, `zone`). @typedef {Record<string, string>} SettingsForm */
/** The rule being added (`index` -1) or edited, as typed. @typedef {{index: number, scope: RuleScope, key: string, kind: 'fixed'|'percent', amount: string, round: string}} RuleDraft */
/** What the save bar says: saved (new version), an error, or a newer version seen while editing. @typedef {{saved: number} | {error: unknown} | {newer: number}} SettingsMsg */
/**
 * One outlet's settings as loaded (`base`) and the owner's edits on top, kept per outlet until saved or discarded.
 * @typedef {{base: ShopSettings, rules: SellingRule[], form: SettingsForm, draft: RuleDraft|null, ruleError: string, msg: SettingsMsg|null}} SettingsEdit
 */

export const SCOPES = /** @type {RuleScope[]} */ (['default', 'category', 'brand', 'product']);
export const CATEGORIES = ['pulsa', 'data', 'pln', 'emoney', 'game', 'bill'];
export const ROUNDINGS = [1, 100, 500, 1000];
/** The bill kinds in the order the page lists their fees; a key the server adds later follows them. */
const FEE_KEYS = ['pln_pasca', 'bpjs', 'pdam', 'internet', 'multifinance'];
const ZONES = [7, 8, 9];
export const SETTINGS_TEXTS = /** @type {const} */ (['receipt_header', 'receipt_footer', 'shop_address', 'shop_phone']);
export const MAX_TEXT_CHARS = 200;
export const MAX_FEE_IDR = 50_000;
export const MAX_MARKUP_PERCENT = 100;

/** @param {ShopSettings} s @returns {SettingsForm} */
function formOf(s) {
  /** @type {SettingsForm} */
  const form = { cap: String(s.bill_fees.cap_idr) };
  for (const key of feeKeys(s)) form[`fee.${key}`] = String(s.bill_fees.fees[key]);
  for (const name of SETTINGS_TEXTS) form[name] = s[name];
  // The header is one line; one with a line break (older data) shows, and is saved, as one line.
  if (/[\r\n]/.test(form.receipt_header)) form.receipt_header = form.receipt_header.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  form.zone = String(s.utc_offset_h);
  return form;
}

/** The fee keys the server sent, the known ones in their order first. @param {ShopSettings} s */
export function feeKeys(s) {
  const keys = Object.keys(s.bill_fees.fees);
  return [...FEE_KEYS.filter((k) => keys.includes(k)), ...keys.filter((k) => !FEE_KEYS.includes(k)).sort()];
}

/** @param {ShopSettings} s @returns {SettingsEdit} */
export const editOf = (s) => ({ base: s, rules: structuredClone(s.price_rules), form: formOf(s), draft: null, ruleError: '', msg: null });

/** @param {SettingsEdit} edit */
export const settingsDirty = (edit) =>
  edit.draft !== null ||
  JSON.stringify(edit.rules) !== JSON.stringify(edit.base.price_rules) ||
  JSON.stringify(edit.form) !== JSON.stringify(formOf(edit.base));

/** @param {string} key */
export const feeName = (key) => (hasWord(`fee.${key}`) ? t(`fee.${key}`) : key);
/** @param {string} key */
export const categoryName = (key) => (CATEGORIES.includes(key) ? t(`cat.${key}`) : key);
/** @param {RuleScope} scope */
const scopeShort = (scope) => t(scope === 'default' ? 'scope.default_short' : scope === 'product' ? 'scope.product_short' : `scope.${scope}`);
/** `Kategori · Pulsa`, `Merek · DANA`. @param {{scope: RuleScope, key: string}} r */
export const ruleName = (r) =>
  `${scopeShort(r.scope)} · ${r.scope === 'default' ? t('scope.all_products') : r.scope === 'category' ? categoryName(r.key) : r.key}`;
/** `+Rp1.500`, `+2,5%`. @param {Markup} m */
export const markupText = (m) => (m.kind === 'fixed' ? `+${money(m.idr)}` : `+${lang === 'id' ? m.percent.replace('.', ',') : m.percent}%`);

/** What a field the server (or the page) names is called on the page. @param {string|null} f */
function fieldName(f) {
  if (!f) return '';
  /** @type {Record<string, string>} */
  const words = {
    receipt_header: 'set.header_name', receipt_footer: 'set.footer_name', shop_address: 'set.address', shop_phone: 'set.phone',
    utc_offset_h: 'set.zone', price_rules: 'set.rules', bill_fees: 'set.fees', bill_fee_cap_idr: 'set.fee_cap_name',
  };
  if (f.startsWith('bill_fees.')) return feeName(f.slice('bill_fees.'.length));
  return words[f] ? t(words[f]) : f;
}

/** Words for a settings error: ours for the codes we know, else the server's half in the page's language. @param {unknown} e */
export function settingsErrorText(e) {
  if (!(e instanceof ApiError)) return errorText(e);
  const name = fieldName(e.field);
  if (hasWord(`serr.${e.code}`)) return t(`serr.${e.code}`, { field: name });
  if (hasWord(`err.${e.code}`) || !e.message || e.message === e.code) return errorText(e);
  const halves = e.message.split(' / ');
  const text = (halves.length === 2 ? halves[lang === 'en' ? 1 : 0] : e.message).replace(/^[a-z_.]+: /, '');
  return name ? `${name}: ${text}` : text.charAt(0).toUpperCase() + text.slice(1);
}

/** The object to send, checked as the server will check it; throws an ApiError naming the field. @param {SettingsEdit} edit @returns {ShopSettings} */
export function settingsBody(edit) {
  const f = edit.form;
  /** @param {string|undefined} value @param {string} name */
  const whole = (value, name) => {
    const s = (value ?? '').trim();
    if (/^-\d+$/.test(s)) throw new ApiError(422, name === 'bill_fee_cap_idr' ? 'bill_fee_cap_invalid' : 'bill_fee_negative', '', name);
    if (!/^\d+$/.test(s) || !Number.isSafeInteger(Number(s))) throw new ApiError(422, 'number_invalid', '', name);
    return Number(s);
  };
  const cap = whole(f.cap, 'bill_fee_cap_idr');
  if (cap > MAX_FEE_IDR) throw new ApiError(422, 'bill_fee_cap_invalid', '', 'bill_fee_cap_idr');
  /** @type {Record<string, number>} */
  const fees = {};
  for (const key of feeKeys(edit.base)) {
    const fee = whole(f[`fee.${key}`], `bill_fees.${key}`);
    if (fee > cap) throw new ApiError(422, 'bill_fee_above_cap', '', `bill_fees.${key}`);
    fees[key] = fee;
  }
  for (const name of SETTINGS_TEXTS) if ([...f[name]].length > MAX_TEXT_CHARS) throw new ApiError(422, 'too_long', '', name);
  if (/[\r\n]/.test(f.receipt_header)) throw new ApiError(422, 'one_line', '', 'receipt_header');
  const zone = Number(f.zone);
  if (!ZONES.includes(zone)) throw new ApiError(422, 'zone_unknown', '', 'utc_offset_h');
  return {
    version: edit.base.version,
    price_rules: edit.rules,
    bill_fees: { cap_idr: cap, fees },
    receipt_header: f.receipt_header,
    receipt_footer: f.receipt_footer,
    shop_address: f.shop_address,
    shop_phone: f.shop_phone,
    utc_offset_h: zone,
  };
}
