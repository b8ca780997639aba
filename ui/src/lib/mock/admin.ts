// Setup, login, settings (with the counter fees for bills, each at most the owner's cap),
// price rules, cashiers and the store's daily copies (backups) in the mock engine, with the
// engine's checks in its order (src-tauri `commands/session.rs` and `commands/admin.rs` over
// konter-client's `cashiers.rs`, `settings.rs`, `catalog.rs` and `backups.rs`).

import type { AppState, Backups, BillKind, Cashier, PriceRule, PrinterKind, Role, Settings } from '../types';
import { fromWire } from './catalogue';
import type { Ctx } from './context';
import {
  fail,
  hasOwner,
  publicCashier,
  queueLen,
  requireOwner,
  rupiah,
  syncStatus,
  type MockCashier,
  type MockDb,
} from './db';
import { checkRule, parseRuleId, ruleId } from './pricing';
import { DEMO_SHOP, seedShop } from './seed';

export function appState(ctx: Ctx): AppState {
  const db = ctx.db;
  const s = db.settings;
  const sync: AppState['sync'] = { state: syncStatus(db), queue_len: queueLen(db) };
  if (db.lastSyncAt) sync.last_sync_at = db.lastSyncAt;
  return {
    paired: db.paired,
    shop: db.paired
      ? { name: db.shopName, address: s.shop_address, phone: s.shop_phone, footer: s.receipt_footer }
      : null,
    cashier: db.current ? publicCashier(db.current) : null,
    sync,
    has_owner: hasOwner(db),
  };
}

/** The server's refusal of a pairing code (konter-server `pair`), on the form's field. */
function pairingRefused(): never {
  return fail('pairing_code_invalid', 'kode pemasangan salah, sudah dipakai, atau kedaluwarsa', 'the pairing code is wrong, used or expired', 'code');
}

/**
 * Pairs with the test server when one is given (its one code, exactly as typed), else with
 * the demo shop's server, which takes any 8 letters/digits (`ABCD-1234`) but `0000-0000`.
 */
export function pair(ctx: Ctx, args: { serverUrl: string; code: string; deviceName: string; lanConfirmed?: boolean }): { shop_name: string } {
  const db = ctx.db;
  if (db.paired) fail('already_paired', 'perangkat ini sudah terhubung', 'this device is already paired');
  const name = args.deviceName.trim();
  if (name === '') fail('device_name_empty', 'beri nama perangkat ini', 'name this device', 'device_name');
  checkServerUrl(args.serverUrl, args.lanConfirmed === true);
  if ([...name].length > 80) {
    fail('device_name_invalid', 'nama perangkat wajib diisi, paling panjang 80 karakter', 'the device name is required, at most 80 characters', 'device_name');
  }
  const server = ctx.opts.server;
  if (server) {
    if (args.code !== server.pairingCode) pairingRefused();
    db.shopName = server.shopName;
    db.catalogue = fromWire(server.catalogue);
    db.catalogAsOf = server.catalogue.as_of;
    db.balance_idr = server.saldoIdr;
  } else {
    const code = args.code.toUpperCase().replace(/[\s-]/g, '');
    if (!/^[A-Z0-9]{8}$/.test(code) || code === '00000000') pairingRefused();
    db.shopName = DEMO_SHOP;
    seedShop(db);
  }
  db.paired = true;
  db.deviceName = name;
  return { shop_name: db.shopName };
}

function checkPin(pin: string): void {
  if (!/^\d{4,6}$/.test(pin)) fail('pin_invalid', 'PIN harus 4 sampai 6 angka', 'the PIN must be 4 to 6 digits', 'pin');
}

function addCashier(db: MockDb, name: string, role: Role, pin: string): MockCashier {
  const trimmed = name.trim();
  if (trimmed === '' || [...trimmed].length > 40) {
    fail('name_invalid', 'nama wajib diisi, paling panjang 40 huruf', 'the name is required, at most 40 characters', 'name');
  }
  checkPin(pin);
  // A PIN identifies its person at login, so two active people cannot share one.
  if (db.cashiers.some((c) => c.active && c.pin === pin)) {
    fail('pin_taken', 'PIN ini sudah dipakai orang lain', 'another person already uses this PIN', 'pin');
  }
  const c: MockCashier = { id: `c-${db.cashiers.length + 1}`, name: trimmed, role, pin, active: true };
  db.cashiers.push(c);
  return c;
}

/** The first owner, added without a login (paired or not yet). */
export function setupOwner(ctx: Ctx, args: { name: string; pin: string }): void {
  const db = ctx.db;
  if (hasOwner(db)) fail('owner_exists', 'pemilik sudah ada', 'the owner already exists');
  addCashier(db, args.name, 'owner', args.pin);
}

/** Wrong PINs in a row before logins pause, and for how long (konter-client `cashiers.rs`). */
const MAX_FAILED_LOGINS = 5;
const LOGIN_PAUSE_MS = 60_000;

/** Logs a person in by their PIN and opens their shift (an open one carries on). */
export function login(ctx: Ctx, args: { pin: string }): Cashier {
  const db = ctx.db;
  const now = Date.now();
  const failures = db.loginFailures;
  if (failures.count >= MAX_FAILED_LOGINS && now - failures.at < LOGIN_PAUSE_MS) {
    fail('login_paused', 'terlalu banyak PIN salah; tunggu 1 menit', 'too many wrong PINs; wait a minute', 'pin');
  }
  const c = db.cashiers.find((x) => x.active && x.pin === args.pin);
  if (!c) {
    db.loginFailures = { count: failures.count + 1, at: now };
    return fail('pin_wrong', 'PIN salah', 'wrong PIN', 'pin');
  }
  db.loginFailures = { count: 0, at: 0 };
  if (!db.shifts.some((s) => s.cashier_id === c.id && !s.closed)) {
    db.shifts.push({ cashier_id: c.id, opened_at: new Date(now).toISOString(), closed: false });
  }
  db.current = c;
  return publicCashier(c);
}

export function logout(ctx: Ctx): void {
  ctx.db.current = null;
}

/** The owner's header if set, else the shop's name, as the engine reads it back. */
export function settings(ctx: Ctx): Settings {
  const s = structuredClone(ctx.db.settings);
  s.receipt_header = s.receipt_header.trim() || ctx.db.shopName;
  return s;
}

/** Why a printer address does not parse (konter-receipt `PrinterAddress::from_str`), or null. */
function printerAddressProblem(kind: PrinterKind, address: string): [string, string] | null {
  const scheme: [string, string] = ['awali dengan tcp:, usb:, serial: atau file:', 'start with tcp:, usb:, serial: or file:'];
  const host: [string, string] = ['nama host atau alamat IP tidak sah', 'not a valid host name or IP address'];
  const port: [string, string] = ['nomor port harus 1 sampai 65535', 'the port must be 1 to 65535'];
  const path: [string, string] = ['path perangkat harus absolut, misalnya /dev/usb/lp0', 'the device path must be absolute, like /dev/usb/lp0'];
  const tooLongPath = address.length > 4096 || address.includes('\0');
  switch (kind) {
    case 'none':
      return null;
    case 'usb':
    case 'serial':
      return !address.startsWith('/') || tooLongPath ? path : null;
    case 'file':
      return address === '' || tooLongPath ? path : null;
    case 'tcp': {
      let h: string;
      let p: string | undefined;
      if (address.startsWith('[')) {
        const close = address.indexOf(']');
        if (close < 0) return host;
        h = address.slice(1, close);
        if (!/^[0-9A-Fa-f:.]+$/.test(h) || !h.includes(':')) return host;
        const after = address.slice(close + 1);
        if (after !== '') {
          if (!after.startsWith(':')) return port;
          p = after.slice(1);
        }
      } else {
        const colon = address.indexOf(':');
        h = colon < 0 ? address : address.slice(0, colon);
        p = colon < 0 ? undefined : address.slice(colon + 1);
        if (h === '' || h.length > 253 || !/^[A-Za-z0-9.-]+$/.test(h)) return host;
      }
      if (p !== undefined && !(/^\+?\d+$/.test(p) && Number(p) > 0 && Number(p) <= 65_535)) return port;
      return null;
    }
    default:
      return scheme;
  }
}

/** The engine's limit on the receipt header, footer, shop address and phone. */
const MAX_TEXT_CHARS = 200;

function textSetting(field: string, value: string, oneLine = false): void {
  // Characters as Rust counts them (code points), not UTF-16 units.
  if ([...value].length > MAX_TEXT_CHARS) {
    fail('too_long', `paling panjang ${MAX_TEXT_CHARS} huruf`, `at most ${MAX_TEXT_CHARS} characters`, field);
  }
  if (oneLine && value.split('\n').length > 1) fail('one_line', 'kepala struk satu baris', 'the receipt header is one line', field);
}

/**
 * Checks the whole form first, in the engine's order, so a refused form changes nothing:
 * the language, the bill fees, then each setting as the app hands them to the engine
 * (printer, paper width, header, footer, zone, address, phone).
 */
export function saveSettings(ctx: Ctx, args: { settings: Settings }): void {
  const s = args.settings;
  // Before the owner exists (first-run setup) the shop profile may be saved without a login.
  if (hasOwner(ctx.db)) requireOwner(ctx.db);
  if (s.language !== 'id' && s.language !== 'en') fail('language_unknown', 'bahasa tidak dikenal', 'unknown language', 'language');
  const fees = mergedFees(ctx.db, s);
  const address = s.printer.address.trim();
  const problem = printerAddressProblem(s.printer.kind, address);
  if (problem) {
    const shown = `${s.printer.kind}:${address}`.slice(0, 80);
    fail('printer_address_invalid', `alamat printer '${shown}': ${problem[0]}`, `printer address '${shown}': ${problem[1]}`, 'printer.address');
  }
  if (![32, 42, 48].includes(s.printer.width)) {
    fail('width_invalid', 'lebar kertas 32, 42 atau 48 kolom', 'the paper width is 32, 42 or 48 columns', 'printer.width');
  }
  // The shop's name heads the receipt unless the owner writes another; saving the name
  // itself (or nothing) goes back to it.
  const trimmed = s.receipt_header.trim();
  const header = trimmed === ctx.db.shopName ? '' : trimmed;
  textSetting('receipt_header', header, true);
  textSetting('receipt_footer', s.receipt_footer.trim());
  if (s.utc_offset_h != null && !(Number.isInteger(s.utc_offset_h) && s.utc_offset_h >= 7 && s.utc_offset_h <= 9)) {
    fail('zone_unknown', 'zona waktu WIB (7), WITA (8) atau WIT (9)', 'the time zone is WIB (7), WITA (8) or WIT (9)', 'utc_offset_h');
  }
  textSetting('shop_address', s.shop_address.trim());
  textSetting('shop_phone', s.shop_phone.trim());
  const before = ctx.db.settings;
  ctx.db.settings = {
    ...structuredClone(s),
    printer: { ...s.printer, address },
    receipt_header: header,
    receipt_footer: s.receipt_footer.trim(),
    shop_address: s.shop_address.trim(),
    shop_phone: s.shop_phone.trim(),
    bill_fees: fees.fees,
    bill_fee_cap_idr: fees.cap,
    show_cash_block: s.show_cash_block ?? before.show_cash_block ?? true,
    kick_drawer: s.kick_drawer ?? before.kick_drawer ?? false,
    utc_offset_h: s.utc_offset_h ?? before.utc_offset_h ?? 7,
  };
}

const BILL_KINDS: readonly BillKind[] = ['pln_pasca', 'bpjs', 'pdam', 'internet', 'multifinance'];
/** The highest cap an owner may set: above it a fee is a typo, not a price. */
const MAX_BILL_FEE_CAP_IDR = 50_000;

/**
 * The form's fees over the kept ones (a kind left out keeps its fee, a cap left out its
 * cap), checked: the cap first, then each fee whole rupiah, not negative, at most the cap.
 */
function mergedFees(db: MockDb, s: Settings): { fees: Record<BillKind, number>; cap: number } {
  const fees = { ...db.settings.bill_fees, ...(s.bill_fees ?? {}) };
  const cap = s.bill_fee_cap_idr ?? db.settings.bill_fee_cap_idr;
  if (!Number.isSafeInteger(cap) || cap < 0 || cap > MAX_BILL_FEE_CAP_IDR) {
    fail('bill_fee_cap_invalid', `batas biaya admin harus antara Rp0 dan ${rupiah(MAX_BILL_FEE_CAP_IDR)}`, `bill_fee_cap_idr: the cap must be between Rp0 and ${rupiah(MAX_BILL_FEE_CAP_IDR)}`, 'bill_fee_cap_idr');
  }
  for (const kind of BILL_KINDS) {
    const fee = fees[kind];
    const field = `bill_fees.${kind}`;
    if (!Number.isSafeInteger(fee) || fee < 0) {
      fail('bill_fee_negative', 'biaya admin tidak boleh negatif', `${field}: the fee cannot be negative`, field);
    }
    if (fee > cap) {
      fail('bill_fee_above_cap', `biaya admin ${rupiah(fee)} melebihi batas ${rupiah(cap)}`, `${field}: the fee ${rupiah(fee)} is above the cap ${rupiah(cap)}`, field);
    }
  }
  return { fees, cap };
}

export function priceRules(ctx: Ctx): PriceRule[] {
  return structuredClone(ctx.db.rules);
}

/**
 * Saves a rule under its scope and key (the key trimmed), replacing the rule of that scope
 * and key; an edit that changed the scope or key replaces the rule the form came from.
 * Answers the rule with its id, `scope:key`.
 */
export function savePriceRule(ctx: Ctx, args: { rule: PriceRule }): PriceRule {
  const db = ctx.db;
  requireOwner(db);
  const rule: PriceRule = { ...structuredClone(args.rule), key: args.rule.key.trim() };
  checkRule(rule);
  rule.id = ruleId(rule.scope, rule.key);
  const same = db.rules.findIndex((r) => r.scope === rule.scope && r.key === rule.key);
  if (same === -1) db.rules.push(rule);
  else db.rules[same] = rule;
  const was = parseRuleId(args.rule.id);
  if (was && ruleId(was.scope, was.key) !== rule.id) {
    db.rules = db.rules.filter((r) => !(r.scope === was.scope && r.key === was.key));
  }
  return structuredClone(rule);
}

/** Deletes the rule an id names; an id that names no rule's scope and key is refused. */
export function deletePriceRule(ctx: Ctx, args: { id: string }): void {
  requireOwner(ctx.db);
  const named = parseRuleId(args.id);
  if (!named) fail('rule_unknown', 'aturan tidak ada', 'no such rule', 'id');
  ctx.db.rules = ctx.db.rules.filter((r) => !(r.scope === named.scope && r.key === named.key));
}

export function cashiers(ctx: Ctx): Cashier[] {
  requireOwner(ctx.db);
  return ctx.db.cashiers.map(publicCashier);
}

export function createCashier(ctx: Ctx, args: { name: string; role: Role; pin: string }): Cashier {
  requireOwner(ctx.db);
  return publicCashier(addCashier(ctx.db, args.name, args.role, args.pin));
}

export function disableCashier(ctx: Ctx, args: { id: string }): void {
  const me = requireOwner(ctx.db);
  if (args.id === me.id) fail('cashier_self', 'tidak bisa menonaktifkan diri sendiri', 'you cannot disable yourself', 'id');
  const c = ctx.db.cashiers.find((x) => x.id === args.id);
  if (!c) fail('cashier_unknown', 'kasir tidak ada', 'no such cashier', 'id');
  c.active = false;
}

function backupsOf(db: MockDb): Backups {
  const out: Backups = { copies: structuredClone(db.backups) };
  if (db.pendingBackupDay !== undefined) out.pending_day = db.pendingBackupDay;
  return out;
}

/** The kept copies of the store, newest first, and the one chosen for the next start. */
export function backups(ctx: Ctx): Backups {
  requireOwner(ctx.db);
  return backupsOf(ctx.db);
}

/**
 * Chooses the copy of `day` to replace the store at the app's next start; nothing changes
 * now. Choosing again replaces the choice.
 */
export function restoreBackup(ctx: Ctx, args: { day: string }): Backups {
  const db = ctx.db;
  requireOwner(db);
  const copy = db.backups.find((b) => b.day === args.day);
  if (!copy) fail('not_found', 'tidak ada salinan tanggal itu', 'there is no copy of that day', 'day');
  db.pendingBackupDay = copy.day;
  return backupsOf(db);
}

/** The real app restarts itself; the stand-in only counts that it was asked to. */
export function restartApp(ctx: Ctx): void {
  requireOwner(ctx.db);
  ctx.db.restartsAsked += 1;
}

/** The engine's rule for a server address (konter-client `link::check_server_url`): HTTPS
 * anywhere; plain HTTP on this machine, or on the shop's own network when confirmed. */
function checkServerUrl(input: string, lanConfirmed: boolean): void {
  const badUrl = () =>
    fail('server_url', 'alamat server harus diawali http:// atau https://', 'the server URL must start with http:// or https://', 'server_url');
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return badUrl();
  }
  if (url.protocol === 'https:') return;
  if (url.protocol !== 'http:') return badUrl();
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const v4 = host.match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)$/)?.slice(1).map(Number);
  const loopback = host === 'localhost' || host.endsWith('.localhost') || host === '::1' || (v4 !== undefined && v4[0] === 127);
  const lan =
    (v4 !== undefined &&
      (v4[0] === 10 || (v4[0] === 172 && (v4[1] ?? 0) >= 16 && (v4[1] ?? 0) <= 31) || (v4[0] === 192 && v4[1] === 168) || (v4[0] === 169 && v4[1] === 254))) ||
    /^f[cd][0-9a-f]{2}:/.test(host) ||
    /^fe[89ab][0-9a-f]:/.test(host) ||
    ['.local', '.lan', '.home.arpa', '.internal'].some((s) => host.endsWith(s));
  if (loopback || (lan && lanConfirmed)) return;
  if (lan) {
    fail(
      'server_url_lan_http',
      'alamat http:// tanpa enkripsi: pastikan server ini di jaringan toko sendiri, lalu konfirmasi',
      "a plain http:// address: confirm this server is on the shop's own network",
      'server_url',
    );
  }
  fail(
    'server_url_plain_http',
    'server di internet harus memakai https://; http:// mengirim token perangkat tanpa enkripsi',
    'a server on the internet must use https://; http:// would send the device token in clear',
    'server_url',
  );
}
