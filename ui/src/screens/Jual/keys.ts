// The keyboard at the counter, as a pure function so it can be tested without a screen.
//
// With the number typed (the smart input keeps the focus):
//   ↑/↓ move the highlight, ←/→ switch the category tab, Alt+1…9 pick a product,
//   Enter pays for the highlighted product (the first available one by default).
// In the payment step: Enter sends (empty cash = exact money), Esc goes back.
// When the engine asks "isi ke-2?": Enter (or Y) sends again, Esc (or N) cancels.
//
// So a pulsa sale after the number is Enter, Enter: two keys; the third product is
// ↓ ↓ Enter Enter: four.

export type SellPhase = 'input' | 'pay' | 'repeat' | 'sending';

export interface SellKeyState {
  phase: SellPhase;
  /** Index into the visible products; -1 when nothing can be picked. */
  highlight: number;
  /** Which visible products can be sold. */
  available: readonly boolean[];
  tab: number;
  tabCount: number;
  /** False while something the sale needs is missing (PLN inquiry, game nickname check). */
  ready: boolean;
}

export type SellAction =
  | { kind: 'none' }
  | { kind: 'move'; highlight: number }
  | { kind: 'tab'; tab: number }
  | { kind: 'open_pay'; index: number }
  | { kind: 'send' }
  | { kind: 'confirm_repeat' }
  | { kind: 'cancel' }
  | { kind: 'clear' };

export interface KeyPress {
  key: string;
  altKey?: boolean;
  ctrlKey?: boolean;
  shiftKey?: boolean;
}

const NONE: SellAction = { kind: 'none' };

/** The first sellable product at or after `from` going in `step` direction, or -1. */
export function nextAvailable(available: readonly boolean[], from: number, step: 1 | -1): number {
  for (let i = from; i >= 0 && i < available.length; i += step) {
    if (available[i]) return i;
  }
  return -1;
}

export function firstAvailable(available: readonly boolean[]): number {
  return nextAvailable(available, 0, 1);
}

function inputKey(s: SellKeyState, k: KeyPress): SellAction {
  const any = s.available.length > 0;
  if (k.altKey && /^[1-9]$/.test(k.key)) {
    const index = Number(k.key) - 1;
    return s.ready && s.available[index] ? { kind: 'open_pay', index } : NONE;
  }
  if (k.altKey || k.ctrlKey) return NONE;
  switch (k.key) {
    case 'ArrowDown': {
      if (!any) return NONE;
      const n = nextAvailable(s.available, s.highlight + 1, 1);
      return n === -1 ? NONE : { kind: 'move', highlight: n };
    }
    case 'ArrowUp': {
      if (!any || s.highlight <= 0) return NONE;
      const n = nextAvailable(s.available, s.highlight - 1, -1);
      return n === -1 ? NONE : { kind: 'move', highlight: n };
    }
    case 'ArrowRight':
      return s.tabCount > 1 ? { kind: 'tab', tab: (s.tab + 1) % s.tabCount } : NONE;
    case 'ArrowLeft':
      return s.tabCount > 1 ? { kind: 'tab', tab: (s.tab + s.tabCount - 1) % s.tabCount } : NONE;
    case 'Enter':
      return s.ready && s.highlight >= 0 && s.available[s.highlight]
        ? { kind: 'open_pay', index: s.highlight }
        : NONE;
    case 'Escape':
      return { kind: 'clear' };
    default:
      return NONE;
  }
}

/** What a key press does in the sell flow. */
export function sellKey(s: SellKeyState, k: KeyPress): SellAction {
  switch (s.phase) {
    case 'input':
      return inputKey(s, k);
    case 'pay':
      if (k.key === 'Enter') return { kind: 'send' };
      if (k.key === 'Escape') return { kind: 'cancel' };
      return NONE;
    case 'repeat':
      if (k.key === 'Enter' || k.key === 'y' || k.key === 'Y') return { kind: 'confirm_repeat' };
      if (k.key === 'Escape' || k.key === 'n' || k.key === 'N') return { kind: 'cancel' };
      return NONE;
    case 'sending':
      return NONE;
  }
}

/** The state after an action, as the Jual screen applies it (sending is done by the screen). */
export function applySellAction(s: SellKeyState, a: SellAction): SellKeyState {
  switch (a.kind) {
    case 'move':
      return { ...s, highlight: a.highlight };
    case 'tab':
      return { ...s, tab: a.tab };
    case 'open_pay':
      return { ...s, highlight: a.index, phase: 'pay' };
    case 'send':
    case 'confirm_repeat':
      return { ...s, phase: 'sending' };
    case 'cancel':
      return { ...s, phase: 'input' };
    case 'clear':
      return { ...s, phase: 'input', highlight: -1, available: [], tab: 0, tabCount: 0 };
    case 'none':
      return s;
  }
}
