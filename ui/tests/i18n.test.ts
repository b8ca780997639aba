import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUES, LANGUAGES, placeholders, translate, type MessageKey } from '../src/lib/i18n';

const SRC = join(import.meta.dirname, '..', 'src');

function files(dir: string, ext: string[]): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p, ext);
    return ext.some((e) => p.endsWith(e)) ? [p] : [];
  });
}

describe('the catalogue', () => {
  const idKeys = Object.keys(CATALOGUES.id);

  it('has Bahasa Indonesia first and English second', () => {
    expect(LANGUAGES).toEqual(['id', 'en']);
    expect(idKeys.length).toBeGreaterThan(200);
  });

  it('has every key, non-empty, in both languages', () => {
    for (const lang of LANGUAGES) {
      const cat = CATALOGUES[lang];
      expect(Object.keys(cat).sort(), lang).toEqual([...idKeys].sort());
      for (const k of idKeys) expect(cat[k as MessageKey].trim(), `${lang}:${k}`).not.toBe('');
    }
  });

  it('uses the same placeholders in both languages', () => {
    for (const k of idKeys as MessageKey[]) {
      expect(placeholders(CATALOGUES.en[k]), k).toEqual(placeholders(CATALOGUES.id[k]));
    }
  });

  it('is really translated (English differs from Indonesian for most keys)', () => {
    const same = idKeys.filter((k) => CATALOGUES.en[k as MessageKey] === CATALOGUES.id[k as MessageKey]);
    expect(same.length / idKeys.length).toBeLessThan(0.2);
  });

  it('fills placeholders', () => {
    expect(translate('id', 'bar.queue', { n: 3 })).toBe('Antre 3');
    expect(translate('en', 'order.refundCash', { amount: 'Rp11.500' })).toBe('Give Rp11.500 back to the customer');
    expect(translate('id', 'order.refundCash', { amount: 'Rp11.500' })).toBe('Kembalikan uang Rp11.500 ke pelanggan');
  });

  it('knows every literal key the source code asks for', () => {
    const used = new Set<string>();
    for (const f of files(SRC, ['.svelte', '.ts'])) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\b(?:t|toast)\(\s*'([a-zA-Z0-9_.]+)'/g)) used.add(m[1] ?? '');
    }
    expect(used.size).toBeGreaterThan(150);
    const missing = [...used].filter((k) => !(k in CATALOGUES.id));
    expect(missing).toEqual([]);
  });

  it('leaves no hard-coded words in the markup of components', () => {
    // Text between tags must come from t(); brand names, units and symbols are allowed.
    const allowed = /^(Bahasa Indonesia|English|Enter|Esc|Alt|PIN|SN|Rp|×|⌫|✓|·|\+|…|←|→|↑|↓|1-9|08…)$/;
    const offenders: string[] = [];
    for (const f of files(SRC, ['.svelte'])) {
      const markup = readFileSync(f, 'utf8')
        .replace(/<script[\s\S]*?<\/script>/g, '')
        .replace(/<style[\s\S]*?<\/style>/g, '')
        .replace(/<!--[\s\S]*?-->/g, '');
      const text = markup
        .replace(/\{[^{}]*(\{[^{}]*\}[^{}]*)*\}/g, ' ')
        .replace(/<[^>]*>/g, '\n');
      for (const raw of text.split('\n')) {
        const chunk = raw.trim();
        if (chunk && /[A-Za-z]/.test(chunk) && !allowed.test(chunk)) offenders.push(`${f.slice(SRC.length)}: ${chunk}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
