// konter-domain's input checks, ported for the stand-in engine: phone numbers and their
// operators (phone.rs), PLN numbers (pln.rs), game accounts (game.rs), e-money wallets and
// the product's target schema (target.rs), and the smart input's guess (target.rs `detect`,
// bill.rs `detect`). Codes, fields and messages are the engine's: the Indonesian text, then
// " / ", then the Rust error's English `Display`, which starts with the field it is about.
// Nothing here throws: each parser answers a value or the error the engine would give.

import type { BillKind, Detected, ErrorCode, Game, Operator } from '../types';

/** What a product needs typed in before it can be sold (konter-domain `InputSchema`). */
export type InputSchema =
  | { kind: 'phone' }
  | { kind: 'pln_number' }
  | { kind: 'game'; game: Game }
  | { kind: 'e_money_account' }
  | { kind: 'bill'; bill: BillKind };

/** An input error as konter-domain's `FieldError` describes it. */
export interface DomainError {
  code: ErrorCode;
  field: string;
  /** Bahasa Indonesia. */
  id: string;
  /** English, as the Rust `Display` writes it. */
  en: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: DomainError };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const err = (code: ErrorCode, field: string, id: string, en: string): Parsed<never> => ({
  ok: false,
  error: { code, field, id, en },
});

// --- phone numbers ------------------------------------------------------------------------

/** The name a customer recognises (`Operator::display_name`). */
export const OPERATOR_NAMES: Readonly<Record<Operator, string>> = {
  telkomsel: 'Telkomsel',
  byu: 'by.U',
  indosat: 'Indosat',
  xl: 'XL',
  axis: 'Axis',
  tri: 'Tri',
  smartfren: 'Smartfren',
};

/**
 * Four-digit prefixes, as konter-domain's `PREFIXES`
 * (docs/suppliers.md, "Indonesian mobile numbers and operator prefixes").
 */
const PREFIXES: Readonly<Record<string, Operator>> = {
  '0811': 'telkomsel', '0812': 'telkomsel', '0813': 'telkomsel', '0821': 'telkomsel',
  '0822': 'telkomsel', '0823': 'telkomsel', '0851': 'telkomsel', '0852': 'telkomsel',
  '0853': 'telkomsel', '0814': 'indosat', '0815': 'indosat', '0816': 'indosat',
  '0855': 'indosat', '0856': 'indosat', '0857': 'indosat', '0858': 'indosat',
  '0817': 'xl', '0818': 'xl', '0819': 'xl', '0859': 'xl', '0877': 'xl', '0878': 'xl',
  '0831': 'axis', '0832': 'axis', '0833': 'axis', '0837': 'axis', '0838': 'axis',
  '0895': 'tri', '0896': 'tri', '0897': 'tri', '0898': 'tri', '0899': 'tri',
  '0881': 'smartfren', '0882': 'smartfren', '0883': 'smartfren', '0884': 'smartfren',
  '0885': 'smartfren', '0886': 'smartfren', '0887': 'smartfren', '0888': 'smartfren',
  '0889': 'smartfren',
};

/** by.U numbers (`BYU_RANGE`): 085154 to 085158, inside Telkomsel's 0851 block. */
const BYU_FIRST = 85154;
const BYU_LAST = 85158;

const MIN_LOCAL_DIGITS = 10;
const MAX_LOCAL_DIGITS = 13;
/** Typed input (separators included) longer than this is refused at once. */
const MAX_INPUT_BYTES = 40;

const phoneErr = {
  empty: () => err('phone_empty', 'target', 'nomor HP kosong', 'target: the phone number is empty'),
  invalidCharacter: (ch: string) =>
    err('phone_invalid_character', 'target', `karakter '${ch}' tidak boleh ada di nomor HP`, `target: '${ch}' is not allowed in a phone number`),
  notMobile: () =>
    err('phone_not_mobile', 'target', 'nomor HP harus diawali 08, 628 atau +628', 'target: a phone number starts with 08, 628 or +628'),
  length: (code: 'phone_too_short' | 'phone_too_long', digits: number) =>
    err(
      code,
      'target',
      `nomor HP ${digits} digit; seharusnya 10 sampai 13 digit (dengan 0 di depan)`,
      `target: the phone number has ${digits} digits; it needs 10 to 13 (with the leading 0)`,
    ),
  unknownOperator: (prefix: string) =>
    err(
      'phone_unknown_operator',
      'target',
      `awalan ${prefix} bukan milik operator seluler yang dikenal`,
      `target: prefix ${prefix} belongs to no mobile operator we know`,
    ),
};

/** A typed mobile number in local form (`08…`), checked for shape but not for operator. */
export function parseLocalDigits(input: string): Parsed<string> {
  if (new TextEncoder().encode(input).length > MAX_INPUT_BYTES) {
    return phoneErr.length('phone_too_long', input.replace(/[^0-9]/g, '').length);
  }
  let digits = '';
  let plus = false;
  for (const ch of input) {
    if (ch >= '0' && ch <= '9') digits += ch;
    else if (ch === ' ' || ch === '-' || ch === '.' || ch === '(' || ch === ')' || ch === '\t') continue;
    else if (ch === '+' && digits === '' && !plus) plus = true;
    else return phoneErr.invalidCharacter(ch);
  }
  if (digits === '') return plus ? phoneErr.notMobile() : phoneErr.empty();
  let nsn: string;
  if (plus || digits.startsWith('62')) {
    if (!digits.startsWith('62')) return phoneErr.notMobile();
    const rest = digits.slice(2);
    nsn = rest.startsWith('0') ? rest.slice(1) : rest;
  } else if (digits.startsWith('0')) {
    nsn = digits.slice(1);
  } else {
    return phoneErr.notMobile();
  }
  if (nsn.length >= 2 && (nsn[0] !== '8' || !/[1235-9]/.test(nsn[1] ?? ''))) return phoneErr.notMobile();
  const localLen = nsn.length + 1;
  if (localLen < MIN_LOCAL_DIGITS) return phoneErr.length('phone_too_short', localLen);
  if (localLen > MAX_LOCAL_DIGITS) return phoneErr.length('phone_too_long', localLen);
  return ok(`0${nsn}`);
}

export interface PhoneNumber {
  local: string;
  operator: Operator;
}

/** A mobile number whose operator is known (`PhoneNumber::parse`). */
export function parsePhone(input: string): Parsed<PhoneNumber> {
  const local = parseLocalDigits(input);
  if (!local.ok) return local;
  const d = local.value;
  const op = PREFIXES[d.slice(0, 4)];
  if (!op) return phoneErr.unknownOperator(d.slice(0, 4));
  const six = Number(d.slice(1, 6));
  const operator: Operator = op === 'telkomsel' && d.startsWith('0851') && six >= BYU_FIRST && six <= BYU_LAST ? 'byu' : op;
  return ok({ local: d, operator });
}

// --- PLN numbers --------------------------------------------------------------------------

const METER_DIGITS = 11;
const CUSTOMER_ID_DIGITS = 12;

const plnErr = {
  empty: () => err('pln_empty', 'target', 'nomor PLN kosong', 'target: the PLN number is empty'),
  invalidCharacter: (ch: string) =>
    err('pln_invalid_character', 'target', `karakter '${ch}' tidak boleh ada di nomor PLN`, `target: '${ch}' is not allowed in a PLN number`),
  wrongLength: (digits: number) =>
    err(
      'pln_wrong_length',
      'target',
      `nomor PLN harus 11 digit (No. Meter) atau 12 digit (ID Pelanggan), bukan ${digits}`,
      `target: a PLN number has 11 digits (meter) or 12 digits (customer id), not ${digits}`,
    ),
  malformed: () =>
    err(
      'pln_malformed',
      'target',
      'pemisah hanya boleh di antara kelompok angka; tanda minus, pecahan desimal atau angka dari spreadsheet bukan nomor PLN',
      'target: separators go only between groups of digits; a sign, a fraction or a spreadsheet number is not a PLN number',
    ),
};

/**
 * A PLN meter number (11 digits) or customer id (12): separators only between groups of
 * digits, a dot only as a thousands separator (`PlnNumber::parse`).
 */
export function parsePln(input: string): Parsed<string> {
  let digits = '';
  let separator: string | null = null;
  let afterDot: number | null = null;
  for (const ch of input.trim()) {
    if (ch >= '0' && ch <= '9') {
      digits += ch;
      separator = null;
      if (afterDot !== null) afterDot += 1;
    } else if (ch === ' ' || ch === '-' || ch === '.' || ch === '\t') {
      const space = (c: string | null) => c === ' ' || c === '\t';
      const repeatedSpace = space(separator) && space(ch);
      if (digits === '' || (separator !== null && !repeatedSpace)) return plnErr.malformed();
      if (ch === '.') {
        if (afterDot !== null && afterDot !== 3) return plnErr.malformed();
        afterDot = 0;
      }
      separator = ch;
    } else {
      return plnErr.invalidCharacter(ch);
    }
  }
  if (separator !== null || (afterDot !== null && afterDot !== 3)) return plnErr.malformed();
  if (digits === '') return plnErr.empty();
  if (digits.length !== METER_DIGITS && digits.length !== CUSTOMER_ID_DIGITS) return plnErr.wrongLength(digits.length);
  return ok(digits);
}

// --- game accounts ------------------------------------------------------------------------

interface GameField {
  name: string;
  min: number;
  max: number;
}

const GAME_FIELDS: Readonly<Record<Game, readonly GameField[]>> = {
  mobile_legends: [
    { name: 'user_id', min: 5, max: 12 },
    { name: 'zone_id', min: 4, max: 5 },
  ],
  free_fire: [{ name: 'user_id', min: 6, max: 12 }],
  genshin_impact: [{ name: 'user_id', min: 9, max: 10 }],
};

export const GAME_NAMES: Readonly<Record<Game, string>> = {
  mobile_legends: 'Mobile Legends',
  free_fire: 'Free Fire',
  genshin_impact: 'Genshin Impact',
};

/** A Genshin uid's first digit tells its server. */
const GENSHIN_SERVERS: Readonly<Record<string, string>> = { '6': 'os_usa', '7': 'os_euro', '8': 'os_asia', '9': 'os_cht' };

const gameErr = {
  missing: (game: Game, field: string) =>
    err('game_field_missing', field, `${GAME_NAMES[game]} memerlukan ${field}`, `${field}: ${GAME_NAMES[game]} needs this field`),
  notDigits: (field: string) => err('game_field_not_digits', field, `${field} hanya boleh berisi angka`, `${field}: must be digits only`),
  wrongLength: (f: GameField, got: number) =>
    err('game_field_length', f.name, `${f.name} harus ${f.min} sampai ${f.max} digit, bukan ${got}`, `${f.name}: must have ${f.min} to ${f.max} digits, not ${got}`),
  unknownServer: () =>
    err('game_unknown_server', 'user_id', 'UID Genshin harus diawali 6, 7, 8 atau 9 (kode server)', 'user_id: a Genshin uid starts with 6, 7, 8 or 9 (its server)'),
  tooManyFields: (game: Game, expected: number) =>
    err('game_too_many_fields', 'target', `${GAME_NAMES[game]} hanya memerlukan ${expected} isian`, `target: ${GAME_NAMES[game]} takes ${expected} field(s)`),
};

export interface GameAccount {
  user_id: string;
  /** Mobile Legends' zone id; the server code for Genshin; absent for Free Fire. */
  zone_id?: string;
}

function checkDigits(f: GameField, value: string): Parsed<string> {
  const v = value.trim();
  if (!/^[0-9]*$/.test(v)) return gameErr.notDigits(f.name);
  if (v.length < f.min || v.length > f.max) return gameErr.wrongLength(f, v.length);
  return ok(v);
}

/** One typed line: `12345678 (1234)`, `12345678|1234`, … (`GameTarget::parse`). */
export function parseGameTarget(game: Game, input: string): Parsed<GameAccount> {
  const parts = input.replace(/[()|]/g, ' ').split(/\s+/).filter(Boolean);
  const fields = GAME_FIELDS[game];
  if (parts.length > 2) return gameErr.tooManyFields(game, fields.length);
  const [userField] = fields as [GameField];
  const user = parts[0] ?? '';
  if (user.trim() === '') return gameErr.missing(game, userField.name);
  const userId = checkDigits(userField, user);
  if (!userId.ok) return userId;
  const zone = parts[1]?.trim() || undefined;
  switch (game) {
    case 'mobile_legends': {
      if (zone === undefined) return gameErr.missing(game, 'zone_id');
      const zoneId = checkDigits(fields[1] as GameField, zone);
      if (!zoneId.ok) return zoneId;
      return ok({ user_id: userId.value, zone_id: zoneId.value });
    }
    case 'free_fire':
      if (zone !== undefined) return gameErr.tooManyFields(game, 1);
      return ok({ user_id: userId.value });
    case 'genshin_impact': {
      const server = GENSHIN_SERVERS[userId.value[0] ?? ''];
      if (!server || (zone !== undefined && zone !== server)) return gameErr.unknownServer();
      return ok({ user_id: userId.value, zone_id: server });
    }
  }
}

/** As cashiers and receipts show it: `12345678 (1234)`. */
export function gameTargetText(a: GameAccount): string {
  return a.zone_id === undefined ? a.user_id : `${a.user_id} (${a.zone_id})`;
}

// --- a product's target -------------------------------------------------------------------

/**
 * Checks typed input against a product's schema and answers its canonical text, what the
 * order stores as `target` (`Target::parse` and its `Display`). Phone products of one
 * operator refuse another operator's number; by.U numbers take Telkomsel products too.
 */
export function parseTarget(schema: InputSchema, input: string, operator?: Operator): Parsed<string> {
  switch (schema.kind) {
    case 'phone': {
      const phone = parsePhone(input);
      if (!phone.ok) return phone;
      const got = phone.value.operator;
      if (operator && got !== operator && !(got === 'byu' && operator === 'telkomsel')) {
        return err(
          'target_operator_mismatch',
          'target',
          `produk ${OPERATOR_NAMES[operator]} tidak bisa dikirim ke nomor ${OPERATOR_NAMES[got]}`,
          `target: ${OPERATOR_NAMES[operator]} product cannot be sent to a ${OPERATOR_NAMES[got]} number`,
        );
      }
      return ok(phone.value.local);
    }
    case 'pln_number':
      return parsePln(input);
    case 'game': {
      const account = parseGameTarget(schema.game, input);
      return account.ok ? ok(gameTargetText(account.value)) : account;
    }
    case 'e_money_account':
      return parseLocalDigits(input);
    case 'bill':
      return parseCustomerNo(schema.bill, input);
  }
}

// --- postpaid customer numbers, for the smart input -----------------------------------------

/** Characters of a customer number of each kind, and whether letters are allowed. */
const CUSTOMER_NO_RULES: Readonly<Record<BillKind, readonly [number, number, boolean]>> = {
  pln_pasca: [12, 12, false],
  bpjs: [13, 16, false],
  pdam: [4, 20, false],
  internet: [6, 16, false],
  multifinance: [5, 20, true],
};

/** A customer number of a bill kind, separators dropped (`CustomerNo::parse`, codes only). */
function parseCustomerNo(kind: BillKind, input: string): Parsed<string> {
  const [min, max, letters] = CUSTOMER_NO_RULES[kind];
  let text = '';
  for (const ch of input) {
    if (ch >= '0' && ch <= '9') text += ch;
    else if (letters && /[A-Za-z]/.test(ch)) text += ch.toUpperCase();
    else if (ch === ' ' || ch === '-' || ch === '.' || ch === '/' || ch === '\t') continue;
    else return err('customer_no_invalid_character', 'customer_no', `karakter '${ch}' tidak boleh ada di nomor pelanggan`, `customer_no: '${ch}' is not allowed in a ${kind} customer number`);
    if (text.length > max) break;
  }
  if (text === '') return err('customer_no_empty', 'customer_no', 'nomor pelanggan kosong', 'customer_no: the customer number is empty');
  if (text.length < min || text.length > max) {
    const len = [...input].filter((c) => /[A-Za-z0-9]/.test(c)).length;
    return err('customer_no_wrong_length', 'customer_no', `nomor pelanggan ${min} sampai ${max} karakter, bukan ${len}`, `customer_no: a ${kind} customer number has ${min} to ${max} characters, not ${len}`);
  }
  return ok(text);
}

/** Bill kinds a typed number plausibly is: 12 digits PLN pascabayar, 13 or 16 BPJS. */
function billKinds(input: string): BillKind[] {
  if (![...input].every((c) => (c >= '0' && c <= '9') || c === ' ' || c === '-' || c === '.')) return [];
  const n = input.replace(/[^0-9]/g, '').length;
  if (n === 12) return ['pln_pasca'];
  if (n === 13 || n === 16) return ['bpjs'];
  return [];
}

/**
 * What a typed line could be (`target::detect`): a mobile number with a known operator, a
 * PLN number (not an `08…` one when it is a mobile number too), and bills by their shape.
 * Nothing found (keep typing) is an empty list, never an error.
 */
export function detect(input: string): Detected[] {
  const out: Detected[] = [];
  const phone = parsePhone(input);
  if (phone.ok) out.push({ kind: 'phone', number: phone.value.local, operator: phone.value.operator });
  const looksMobile = phone.ok;
  const pln = parsePln(input);
  if (pln.ok && (!pln.value.startsWith('08') || !looksMobile)) out.push({ kind: 'pln', number: pln.value });
  if (!looksMobile) {
    for (const bill of billKinds(input)) {
      const number = parseCustomerNo(bill, input);
      if (number.ok) out.push({ kind: 'bill', number: number.value, bill });
    }
  }
  return out;
}
