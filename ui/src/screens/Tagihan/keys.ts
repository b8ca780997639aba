// The keyboard on the Tagihan (bills) screen, as a pure function so it can be tested
// without a screen.
//
// Typing the customer number (the input keeps the focus):
//   Alt+1…9 picks the bill product by its number, ←/→ steps through the products,
//   Enter checks the bill (inquiry), Esc clears the number.
// On the product tabs themselves, plain 1…9 and ←/→ pick.
// While the bill is being checked: Esc stops waiting for it.
// With the bill shown (cash field focused): Enter pays (empty cash = exact), Esc goes back
// to the number; an expired check is checked again by Enter instead of paid.
//
// So a bill is: number, Enter (check), Enter (pay with exact cash) — or cash, Enter.

export type BillPhase = 'input' | 'inquiring' | 'detail' | 'paying';

export interface BillKeyState {
  phase: BillPhase;
  /** How many bill products the tabs show. */
  productCount: number;
  /** Index of the chosen product; -1 when none. */
  selected: number;
  /** Something is typed in the customer number field. */
  hasNumber: boolean;
  /** The shown bill's check has expired (detail phase). */
  expired: boolean;
}

export type BillAction =
  | { kind: 'none' }
  | { kind: 'pick'; index: number }
  | { kind: 'inquire' }
  | { kind: 'pay' }
  | { kind: 'back' }
  | { kind: 'clear' }
  | { kind: 'cancel' };

export interface KeyPress {
  key: string;
  altKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
}

const NONE: BillAction = { kind: 'none' };

function step(s: BillKeyState, by: 1 | -1): BillAction {
  if (s.productCount < 2) return NONE;
  const from = s.selected < 0 ? (by === 1 ? -1 : 0) : s.selected;
  return { kind: 'pick', index: (from + by + s.productCount) % s.productCount };
}

function digitPick(s: BillKeyState, key: string): BillAction {
  const index = Number(key) - 1;
  return index < s.productCount ? { kind: 'pick', index } : NONE;
}

/**
 * What a key does. `onTabs` is true when the product tabs have the focus: there plain
 * digits pick, because nothing is being typed.
 */
export function billKey(s: BillKeyState, k: KeyPress, onTabs = false): BillAction {
  if (k.ctrlKey || k.metaKey) return NONE;
  switch (s.phase) {
    case 'input':
      if (/^[1-9]$/.test(k.key) && (k.altKey || onTabs)) return digitPick(s, k.key);
      if (k.altKey) return NONE;
      if (k.key === 'ArrowRight') return step(s, 1);
      if (k.key === 'ArrowLeft') return step(s, -1);
      if (k.key === 'Enter') return s.hasNumber && s.selected >= 0 ? { kind: 'inquire' } : NONE;
      if (k.key === 'Escape') return s.hasNumber ? { kind: 'clear' } : NONE;
      return NONE;
    case 'inquiring':
      return k.key === 'Escape' ? { kind: 'cancel' } : NONE;
    case 'detail':
      if (k.altKey) return NONE;
      if (k.key === 'Enter') return s.expired ? { kind: 'inquire' } : { kind: 'pay' };
      if (k.key === 'Escape') return { kind: 'back' };
      return NONE;
    case 'paying':
      return NONE;
  }
}

/**
 * The change to hand back, shown before paying: cash − what the customer pays, in whole
 * rupiah. Empty cash means exact money (no change); `null` when the cash is not a number or
 * is short (the engine refuses short cash; the screen says so instead of a negative change).
 */
export function changeFor(cashIdr: number | null, customerTotalIdr: number): number | null {
  if (cashIdr === null) return 0;
  if (!Number.isSafeInteger(cashIdr) || !Number.isSafeInteger(customerTotalIdr)) return null;
  return cashIdr >= customerTotalIdr ? cashIdr - customerTotalIdr : null;
}

/** A customer number as sent to the engine: spaces, dots and dashes a cashier types removed. */
export function cleanCustomerNo(input: string): string {
  return input.replace(/[\s.-]/g, '');
}

/** True once the moment `expiresAt` is past `nowMs`. An unreadable time never expires here. */
export function isExpired(expiresAt: string, nowMs: number): boolean {
  const at = new Date(expiresAt).getTime();
  return Number.isFinite(at) && nowMs > at;
}
