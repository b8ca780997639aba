// Selling prices, as the engine makes them (konter-client `catalog.rs`, konter-domain
// `PriceRule`): the saldo price plus the most specific of the owner's rules — product, then
// brand (its exact spelling), then category — or the engine's default rule when none
// applies, rounded UP to the rule's step. Only the mock computes prices; the UI shows what
// comes back.

import type { Markup, PriceRule, QuoteItem, RoundTo, RuleScope } from '../types';
import type { MockProduct } from './catalogue';
import { fail } from './db';

/** What a price is made with: a markup and the step it is rounded up to. */
export interface Rule {
  markup: Markup;
  round_to: RoundTo;
}

/**
 * The selling rule when the owner set none (konter-client `catalog::DEFAULT_RULE`): Rp2.000
 * on the saldo price, rounded up to Rp500.
 */
export const DEFAULT_RULE: Rule = { markup: { kind: 'fixed', idr: 2_000 }, round_to: 500 };

/** konter-domain `MAX_MARKUP_PERCENT`. */
const MAX_MARKUP_PERCENT = 100n;
const ROUNDING_STEPS: readonly number[] = [1, 100, 500, 1_000];

/** A decimal string (`2.5`, `-1`, `0.125`) as an exact fraction: digits over 10^scale. */
function decimal(text: string): { units: bigint; scale: number } | null {
  const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return null;
  const frac = m[3] ?? '';
  const units = BigInt(`${m[2]}${frac}`);
  return { units: m[1] === '-' ? -units : units, scale: frac.length };
}

function percentOf(text: string): { units: bigint; scale: number } {
  const p = decimal(text);
  // The engine cannot read such a rule at all (its IPC refuses the argument); the stand-in
  // names the field instead.
  if (!p) return fail('markup_invalid', 'persen tidak sah (contoh 2.5)', 'not a valid percent (e.g. 2.5)', 'markup');
  return p;
}

/** A rule the engine accepts (konter-domain `PriceRule::check`, then the key), or its refusal. */
export function checkRule(rule: PriceRule): void {
  if (!['category', 'brand', 'product'].includes(rule.scope)) {
    fail('scope_invalid', 'cakupan tidak dikenal', 'unknown scope', 'scope');
  }
  const m = rule.markup;
  const negative = m.kind === 'fixed' ? !Number.isSafeInteger(m.idr) || m.idr < 0 : percentOf(m.percent).units < 0n;
  if (negative) fail('markup_negative', 'markup tidak boleh negatif', 'markup: a markup cannot be negative', 'markup');
  if (m.kind === 'percent') {
    const p = percentOf(m.percent);
    if (p.units > MAX_MARKUP_PERCENT * 10n ** BigInt(p.scale)) {
      fail('markup_too_large', 'markup persen paling besar 100%', 'markup: a percent markup must be at most 100%', 'markup');
    }
  }
  if (!ROUNDING_STEPS.includes(rule.round_to)) {
    fail('rounding_invalid', 'pembulatan harus ke Rp1, Rp100, Rp500 atau Rp1.000', 'round_to: rounding must be to 1, 100, 500 or 1000 rupiah', 'round_to');
  }
  if (rule.key.trim() === '') {
    fail(
      'rule_key',
      'aturan bawaan tanpa kunci; aturan lain perlu kategori, merek atau SKU',
      'the default rule has no key; other rules need a category, brand or SKU',
      'key',
    );
  }
}

/** A rule's id, its scope and key (`brand:DANA`), as konter-client `catalog::rule_id`. */
export function ruleId(scope: RuleScope, key: string): string {
  return `${scope}:${key}`;
}

/** The scope and key an id names; `null` for anything else (`catalog::parse_rule_id`). */
export function parseRuleId(id: string): { scope: RuleScope; key: string } | null {
  const i = id.indexOf(':');
  if (i < 0) return null;
  const scope = id.slice(0, i);
  if (scope !== 'category' && scope !== 'brand' && scope !== 'product') return null;
  return { scope, key: id.slice(i + 1) };
}

/** The rule for a product: product, then brand, then category, then the default. */
export function ruleFor(p: MockProduct, rules: readonly PriceRule[]): Rule {
  const find = (scope: RuleScope, key: string) => rules.find((r) => r.scope === scope && r.key === key);
  return find('product', p.sku) ?? find('brand', p.brand) ?? find('category', p.category) ?? DEFAULT_RULE;
}

/** The markup in rupiah on `cost`; a percent one rounds up to a whole rupiah. */
function markupOn(cost: number, m: Markup): number {
  if (m.kind === 'fixed') return m.idr;
  const p = percentOf(m.percent);
  const num = BigInt(cost) * p.units;
  const den = 100n * 10n ** BigInt(p.scale);
  const q = num / den;
  return Number(num % den > 0n ? q + 1n : q);
}

export function priceOf(cost: number, rule: Rule): number {
  const raw = cost + markupOn(cost, rule.markup);
  const step = rule.round_to;
  if (step <= 1) return raw;
  const rem = ((raw % step) + step) % step;
  return rem === 0 ? raw : raw + step - rem;
}

/** A product as the counter offers it (konter-client `catalog::quote_item`). */
export function quoteItem(p: MockProduct, rules: readonly PriceRule[]): QuoteItem {
  const price = priceOf(p.cost_idr, ruleFor(p, rules));
  const item: QuoteItem = {
    sku: p.sku,
    name: p.name,
    category: p.category,
    brand: p.brand,
    cost_idr: p.cost_idr,
    price_idr: price,
    profit_idr: price - p.cost_idr,
    available: p.active,
  };
  if (p.operator) item.operator = p.operator;
  if (p.nominal_idr !== undefined) item.nominal_idr = p.nominal_idr;
  if (!p.active) item.unavailable_reason = 'produk sedang tidak aktif / inactive';
  return item;
}
