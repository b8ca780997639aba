import { describe, expect, it } from 'vitest';
import {
  applySellAction,
  firstAvailable,
  sellKey,
  type KeyPress,
  type SellAction,
  type SellKeyState,
} from '../src/screens/Jual/keys';

function afterTyping(available: boolean[], tabCount = 2): SellKeyState {
  return { phase: 'input', highlight: firstAvailable(available), available, tab: 0, tabCount, ready: true };
}

/** Plays keys through the reducer; returns the actions and the final state. */
function play(start: SellKeyState, keys: (string | KeyPress)[]) {
  let s = start;
  const actions: SellAction[] = [];
  for (const k of keys) {
    const a = sellKey(s, typeof k === 'string' ? { key: k } : k);
    actions.push(a);
    s = applySellAction(s, a);
  }
  return { s, actions };
}

describe('the sell keyboard', () => {
  it('sells the first product in two keys after the number: Enter, Enter', () => {
    const { s, actions } = play(afterTyping([true, true, true]), ['Enter', 'Enter']);
    expect(actions).toEqual([{ kind: 'open_pay', index: 0 }, { kind: 'send' }]);
    expect(s.phase).toBe('sending');
  });

  it('sells the third product in four keys: ↓ ↓ Enter Enter', () => {
    const keys = ['ArrowDown', 'ArrowDown', 'Enter', 'Enter'];
    const { s, actions } = play(afterTyping([true, true, true, true]), keys);
    expect(actions[2]).toEqual({ kind: 'open_pay', index: 2 });
    expect(actions[3]).toEqual({ kind: 'send' });
    expect(s.phase).toBe('sending');
    expect(keys.length).toBeLessThanOrEqual(4);
  });

  it('picks by number with Alt, so digits keep typing the phone number', () => {
    expect(sellKey(afterTyping([true, true, true]), { key: '3', altKey: true })).toEqual({ kind: 'open_pay', index: 2 });
    expect(sellKey(afterTyping([true, true, true]), { key: '3' })).toEqual({ kind: 'none' });
    expect(sellKey(afterTyping([true, true]), { key: '7', altKey: true })).toEqual({ kind: 'none' });
  });

  it('starts on, and moves only between, products that can be sold', () => {
    const s = afterTyping([false, true, false, true]);
    expect(s.highlight).toBe(1);
    expect(sellKey(s, { key: 'ArrowDown' })).toEqual({ kind: 'move', highlight: 3 });
    expect(sellKey({ ...s, highlight: 3 }, { key: 'ArrowUp' })).toEqual({ kind: 'move', highlight: 1 });
    expect(sellKey(s, { key: 'ArrowUp' })).toEqual({ kind: 'none' });
    expect(sellKey({ ...s, highlight: 3 }, { key: 'ArrowDown' })).toEqual({ kind: 'none' });
    expect(sellKey(afterTyping([true, false]), { key: '2', altKey: true })).toEqual({ kind: 'none' });
  });

  it('does nothing on Enter with no product, or before the PLN/nickname check answered', () => {
    expect(sellKey(afterTyping([]), { key: 'Enter' })).toEqual({ kind: 'none' });
    expect(sellKey(afterTyping([false, false]), { key: 'Enter' })).toEqual({ kind: 'none' });
    expect(sellKey({ ...afterTyping([true]), ready: false }, { key: 'Enter' })).toEqual({ kind: 'none' });
    expect(sellKey({ ...afterTyping([true]), ready: false }, { key: '1', altKey: true })).toEqual({ kind: 'none' });
  });

  it('switches category tabs with ←/→, wrapping around', () => {
    const s = afterTyping([true], 2);
    expect(sellKey(s, { key: 'ArrowRight' })).toEqual({ kind: 'tab', tab: 1 });
    expect(sellKey(s, { key: 'ArrowLeft' })).toEqual({ kind: 'tab', tab: 1 });
    expect(sellKey({ ...s, tabCount: 1 }, { key: 'ArrowRight' })).toEqual({ kind: 'none' });
  });

  it('Esc goes back from payment, and clears the input', () => {
    const { s } = play(afterTyping([true]), ['Enter', 'Escape']);
    expect(s.phase).toBe('input');
    expect(sellKey(afterTyping([true]), { key: 'Escape' })).toEqual({ kind: 'clear' });
  });

  it('asks before a repeat sale: Enter/Y confirms, Esc/N cancels', () => {
    const repeat: SellKeyState = { ...afterTyping([true]), phase: 'repeat' };
    expect(sellKey(repeat, { key: 'Enter' })).toEqual({ kind: 'confirm_repeat' });
    expect(sellKey(repeat, { key: 'y' })).toEqual({ kind: 'confirm_repeat' });
    expect(sellKey(repeat, { key: 'Escape' })).toEqual({ kind: 'cancel' });
    expect(sellKey(repeat, { key: 'n' })).toEqual({ kind: 'cancel' });
    expect(sellKey(repeat, { key: 'ArrowDown' })).toEqual({ kind: 'none' });
  });

  it('ignores every key while an order is being sent (no double sale)', () => {
    const sending: SellKeyState = { ...afterTyping([true]), phase: 'sending' };
    for (const key of ['Enter', 'Escape', 'ArrowDown', 'y', '1']) {
      expect(sellKey(sending, { key })).toEqual({ kind: 'none' });
    }
  });
});
