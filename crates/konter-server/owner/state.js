// @ts-check
// The page's state, shared by every module. Only the language and the outlet/range choice go to
// localStorage (app.js); never credentials. The language itself lives in i18n.js.

/** @typedef {'masuk'|'atur'|'ringkasan'|'saldo'|'pengaturan'} Route */
/** @typedef {'today'|'yesterday'|'7'|'30'|'custom'} Preset */

/** @typedef {import('./api.js').Deposit} Deposit */
/** @typedef {import('./api.js').Me} Me */
/** @typedef {import('./api.js').SaldoResponse} SaldoResponse */
/** @typedef {import('./api.js').SalesReport} SalesReport */
/** @typedef {import('./settings-data.js').SettingsEdit} SettingsEdit */

export const state = {
  /** @type {Route} */ route: 'masuk',
  /** @type {Me|null} */ me: null,
  shop: '',
  /** @type {Preset} */ preset: 'today',
  from: '',
  to: '',
  /** @type {SalesReport|null} */ report: null,
  reportKey: '', // what the shown report was asked for (from|to|shop)
  reportJson: '', // the shown report minus generated_at, to skip re-rendering unchanged data
  /** @type {SaldoResponse|null} */ saldo: null,
  saldoShop: '',
  /** @type {{deposit: Deposit, shop: string}|null} */ created: null,
  /** @type {{ringkasan: Date|null, saldo: Date|null, pengaturan: Date|null}} */ updated: { ringkasan: null, saldo: null, pengaturan: null },
  /** Per outlet id. @type {Record<string, SettingsEdit>} */ settings: {},
  settingsSaving: false,
};

/**
 * Each load has a sequence number so a late answer never overwrites a newer one; a bump makes the
 * answers still on their way stale (a new session, a save).
 */
export const loadSeq = { report: 0, saldo: 0, settings: 0 };
