import { describe, expect, it } from 'vitest';
import { OPERATOR_BADGES, PLN_BADGE, detectedBadge, operatorBadge } from '../src/lib/operators';
import type { Operator } from '../src/lib/types';

const ALL: Operator[] = ['telkomsel', 'byu', 'indosat', 'xl', 'axis', 'tri', 'smartfren'];

describe('operator badges', () => {
  it('has a badge for every operator the engine can detect, and nothing else', () => {
    expect(Object.keys(OPERATOR_BADGES).sort()).toEqual([...ALL].sort());
  });

  it('names operators as customers know them', () => {
    expect(operatorBadge('telkomsel').name).toBe('Telkomsel');
    expect(operatorBadge('byu').name).toBe('by.U');
    expect(operatorBadge('xl').name).toBe('XL');
    expect(operatorBadge('tri').name).toBe('Tri');
    expect(operatorBadge('smartfren').name).toBe('Smartfren');
  });

  it('gives every operator (and PLN) its own colour, so a wrong one stands out', () => {
    const colours = [...ALL.map((o) => operatorBadge(o).background), PLN_BADGE.background];
    expect(new Set(colours).size).toBe(colours.length);
    for (const c of colours) expect(c).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('maps what the engine detected to a badge', () => {
    expect(detectedBadge({ kind: 'phone', number: '0817', operator: 'xl' })).toBe(OPERATOR_BADGES.xl);
    expect(detectedBadge({ kind: 'pln', number: '12345678901' })).toBe(PLN_BADGE);
  });

  it('uses dark text on the yellow Indosat badge', () => {
    expect(operatorBadge('indosat').foreground).toBe('#1a1a1a');
  });
});
