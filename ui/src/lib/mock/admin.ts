// Setup, login, settings (with the counter fees for bills, each at most the owner's cap),
// price rules and cashiers in the mock engine.

import type { AppState, BillKind, Cashier, PriceRule, Role, Settings } from '../types';
import type { Ctx } from './context';
import { fail, publicCashier, queueLen, requireOwner, syncStatus, type MockCashier, type MockDb } from './db';
import { checkRule } from './pricing';
import { seedShop } from './seed';

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
    has_owner: db.cashiers.some((c) => c.role === 'owner' && c.active),
  };
}

/** Pairing codes are 8 characters (`ABCD-1234`) and used once; `0000-0000` is always refused. */
export function pair(ctx: Ctx, args: { serverUrl: string; code: string; deviceName: string }): { shop_name: string } {
  const db = ctx.db;
  if (db.paired) fail('already_paired', 'Perangkat ini sudah terhubung', 'This device is already paired');
  if (!/^https?:\/\/[^\s/]+/.test(args.serverUrl.trim())) {
    fail('server_url_invalid', 'Alamat server diawali http:// atau https://', 'The server address starts with http:// or https://', 'server_url');
  }
  const code = args.code.trim().toUpperCase().replace(/\s/g, '');
  if (!/^[A-Z0-9]{4}-?[A-Z0-9]{4}$/.test(code)) {
    fail('pairing_code_invalid', 'Kode pasangan 8 huruf/angka, contoh ABCD-1234', 'A pairing code is 8 letters/digits, e.g. ABCD-1234', 'code');
  }
  if (code.replace('-', '') === '00000000') {
    fail('pairing_code_unknown', 'Kode pasangan salah atau sudah dipakai', 'Pairing code wrong or already used', 'code');
  }
  if (args.deviceName.trim() === '') fail('device_name_empty', 'Beri nama perangkat ini', 'Name this device', 'device_name');
  db.paired = true;
  db.deviceName = args.deviceName.trim();
  db.shopName = 'KONTER MAJU JAYA';
  seedShop(db);
  return { shop_name: db.shopName };
}

function checkPin(pin: string): void {
  if (!/^\d{4,6}$/.test(pin)) fail('pin_invalid', 'PIN 4 sampai 6 angka', 'A PIN is 4 to 6 digits', 'pin');
}

function addCashier(db: MockDb, name: string, role: Role, pin: string): MockCashier {
  if (name.trim() === '') fail('name_empty', 'Isi nama', 'Fill in the name', 'name');
  checkPin(pin);
  if (db.cashiers.some((c) => c.active && c.pin === pin)) {
    fail('pin_taken', 'PIN ini sudah dipakai orang lain', 'This PIN is already in use', 'pin');
  }
  const c: MockCashier = { id: `c-${db.cashiers.length + 1}`, name: name.trim(), role, pin, active: true };
  db.cashiers.push(c);
  return c;
}

export function setupOwner(ctx: Ctx, args: { name: string; pin: string }): void {
  const db = ctx.db;
  if (!db.paired) fail('not_paired', 'Hubungkan perangkat dulu', 'Pair the device first');
  if (db.cashiers.some((c) => c.role === 'owner')) fail('owner_exists', 'Pemilik sudah ada', 'The owner already exists');
  addCashier(db, args.name, 'owner', args.pin);
}

export function login(ctx: Ctx, args: { pin: string }): Cashier {
  const c = ctx.db.cashiers.find((x) => x.active && x.pin === args.pin);
  if (!c) fail('pin_wrong', 'PIN salah', 'Wrong PIN', 'pin');
  ctx.db.current = c;
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

/** The engine's limit on the receipt header, footer, shop address and phone. */
const MAX_TEXT_CHARS = 200;

function tooLong(field: string, value: string): void {
  // Characters as Rust counts them (code points), not UTF-16 units.
  if ([...value].length > MAX_TEXT_CHARS) {
    fail('too_long', `paling panjang ${MAX_TEXT_CHARS} huruf`, `at most ${MAX_TEXT_CHARS} characters`, field);
  }
}

export function saveSettings(ctx: Ctx, args: { settings: Settings }): void {
  const s = args.settings;
  // Before the owner exists (first-run setup) the shop profile may be saved without a login.
  if (ctx.db.cashiers.some((c) => c.role === 'owner')) requireOwner(ctx.db);
  if (s.language !== 'id' && s.language !== 'en') fail('language_unknown', 'Bahasa tidak dikenal', 'Unknown language', 'language');
  if (![32, 42, 48].includes(s.printer.width)) fail('width_invalid', 'Lebar kertas 32, 42 atau 48 kolom', 'Paper width is 32, 42 or 48 columns', 'printer.width');
  const addr = s.printer.address.trim();
  const badAddress =
    (s.printer.kind === 'tcp' && !/^[\w.-]+:\d{2,5}$/.test(addr)) ||
    ((s.printer.kind === 'usb' || s.printer.kind === 'serial' || s.printer.kind === 'file') && !addr.startsWith('/'));
  if (badAddress) {
    fail('printer_address_invalid', s.printer.kind === 'tcp' ? 'Alamat printer jaringan: IP:port, contoh 192.168.1.50:9100' : 'Isi path perangkat, contoh /dev/usb/lp0', s.printer.kind === 'tcp' ? 'Network printer address: IP:port, e.g. 192.168.1.50:9100' : 'Fill in a device path, e.g. /dev/usb/lp0', 'printer.address');
  }
  // The shop's name heads the receipt unless the owner writes another; saving the name
  // itself (or nothing) goes back to it.
  const trimmed = s.receipt_header.trim();
  const header = trimmed === ctx.db.shopName ? '' : trimmed;
  tooLong('receipt_header', header);
  if (header.includes('\n')) fail('one_line', 'kepala struk satu baris', 'the receipt header is one line', 'receipt_header');
  if (s.utc_offset_h != null && !(Number.isInteger(s.utc_offset_h) && s.utc_offset_h >= 7 && s.utc_offset_h <= 9)) {
    fail('zone_unknown', 'zona waktu WIB (7), WITA (8) atau WIT (9)', 'the time zone is WIB (7), WITA (8) or WIT (9)', 'utc_offset_h');
  }
  tooLong('receipt_footer', s.receipt_footer);
  tooLong('shop_address', s.shop_address);
  tooLong('shop_phone', s.shop_phone);
  checkBillFees(s);
  // Everything was checked first, so a refused form changes nothing.
  const before = ctx.db.settings;
  ctx.db.settings = {
    ...structuredClone(s),
    receipt_header: header,
    receipt_footer: s.receipt_footer.trim(),
    shop_address: s.shop_address.trim(),
    shop_phone: s.shop_phone.trim(),
    show_cash_block: s.show_cash_block ?? before.show_cash_block ?? true,
    kick_drawer: s.kick_drawer ?? before.kick_drawer ?? false,
    utc_offset_h: s.utc_offset_h ?? before.utc_offset_h ?? 7,
  };
}

const BILL_KINDS: readonly BillKind[] = ['pln_pasca', 'bpjs', 'pdam', 'internet', 'multifinance'];
/** The highest cap an owner may set: above it a fee is a typo, not a price. */
const MAX_BILL_FEE_CAP_IDR = 50_000;

const rupiah = (n: number) => `Rp${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.')}`;

/** Each shop fee is whole rupiah, at least 0 and at most the owner's cap. */
function checkBillFees(s: Settings): void {
  const cap = s.bill_fee_cap_idr;
  if (!Number.isSafeInteger(cap) || cap < 0 || cap > MAX_BILL_FEE_CAP_IDR) {
    fail('bill_fee_cap_invalid', `Batas biaya admin Rp0 sampai ${rupiah(MAX_BILL_FEE_CAP_IDR)}`, `The fee cap is Rp0 to ${rupiah(MAX_BILL_FEE_CAP_IDR)}`, 'bill_fee_cap_idr');
  }
  for (const kind of BILL_KINDS) {
    const fee = s.bill_fees?.[kind];
    const field = `bill_fees.${kind}`;
    if (fee === undefined || !Number.isSafeInteger(fee) || fee < 0) {
      fail('bill_fee_negative', 'Biaya admin dalam rupiah, tidak negatif', 'A fee is whole rupiah, not negative', field);
    }
    if (fee > cap) {
      fail('bill_fee_above_cap', `Biaya admin loket paling besar ${rupiah(cap)}`, `The counter fee is at most ${rupiah(cap)}`, field);
    }
  }
}

export function priceRules(ctx: Ctx): PriceRule[] {
  return structuredClone(ctx.db.rules);
}

export function savePriceRule(ctx: Ctx, args: { rule: PriceRule }): PriceRule {
  requireOwner(ctx.db);
  const rule = structuredClone(args.rule);
  checkRule(rule);
  if (rule.id === '') rule.id = `r-${++ctx.db.seq}`;
  const i = ctx.db.rules.findIndex((r) => r.id === rule.id);
  if (i === -1) {
    const same = ctx.db.rules.findIndex((r) => r.scope === rule.scope && r.key === rule.key);
    if (same !== -1) ctx.db.rules.splice(same, 1);
    ctx.db.rules.push(rule);
  } else ctx.db.rules[i] = rule;
  return structuredClone(rule);
}

export function deletePriceRule(ctx: Ctx, args: { id: string }): void {
  requireOwner(ctx.db);
  ctx.db.rules = ctx.db.rules.filter((r) => r.id !== args.id);
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
  const c = ctx.db.cashiers.find((x) => x.id === args.id);
  if (!c) fail('cashier_unknown', 'Kasir tidak ada', 'No such cashier', 'id');
  if (c.id === me.id) fail('cashier_self', 'Tidak bisa menonaktifkan diri sendiri', 'You cannot disable yourself', 'id');
  c.active = false;
}
