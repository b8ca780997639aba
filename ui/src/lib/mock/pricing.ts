// Selling prices, as the engine makes them (konter-domain `PriceRule`): cost plus the most
// specific rule (product, then brand, then category), rounded UP to the rule's step. Only
// the mock computes prices; the UI shows what comes back.

import type { PriceRule, QuoteItem } from '../types';
import type { MockProduct } from './catalogue';
import { fail } from './db';

/** Percent markups are strings like "2.5"; two decimals at most, like the engine. */
function basisPoints(percent: string): number {
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(percent.trim())) {
    fail('markup_invalid', 'persen tidak sah (contoh 2.5)', 'not a valid percent (e.g. 2.5)', 'markup');
  }
  const [whole = '0', frac = ''] = percent.trim().split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

export function checkRule(rule: PriceRule): void {
  if (!['category', 'brand', 'product'].includes(rule.scope)) {
    fail('scope_invalid', 'cakupan tidak dikenal', 'unknown scope', 'scope');
  }
  if (rule.key.trim() === '') fail('key_empty', 'isi kategori, merek atau kode produk', 'fill in a category, brand or product code', 'key');
  if (rule.markup.kind === 'fixed') {
    if (!Number.isSafeInteger(rule.markup.idr) || rule.markup.idr < 0) {
      fail('markup_negative', 'markup tidak boleh negatif', 'a markup cannot be negative', 'markup');
    }
  } else {
    const bp = basisPoints(rule.markup.percent);
    if (bp > 10_000) fail('markup_too_large', 'markup persen paling besar 100%', 'a percent markup must be at most 100%', 'markup');
  }
  if (![1, 100, 500, 1000].includes(rule.round_to)) {
    fail('rounding_invalid', 'pembulatan harus ke Rp1, Rp100, Rp500 atau Rp1.000', 'rounding must be to 1, 100, 500 or 1000 rupiah', 'round_to');
  }
}

export function ruleFor(p: MockProduct, rules: readonly PriceRule[]): PriceRule | undefined {
  const brand = p.brand.toLowerCase();
  return (
    rules.find((r) => r.scope === 'product' && r.key === p.sku) ??
    rules.find((r) => r.scope === 'brand' && r.key.toLowerCase() === brand) ??
    rules.find((r) => r.scope === 'category' && r.key === p.category)
  );
}

export function priceOf(cost: number, rule: PriceRule | undefined): number {
  if (!rule) return cost;
  const markup =
    rule.markup.kind === 'fixed'
      ? rule.markup.idr
      : Math.ceil((cost * basisPoints(rule.markup.percent)) / 10_000);
  const raw = cost + markup;
  return Math.ceil(raw / rule.round_to) * rule.round_to;
}

export function quoteItem(
  p: MockProduct,
  rules: readonly PriceRule[],
  availableIdr: number,
): QuoteItem {
  const price = priceOf(p.cost_idr, ruleFor(p, rules));
  const item: QuoteItem = {
    sku: p.sku,
    name: p.name,
    category: p.category,
    brand: p.brand,
    cost_idr: p.cost_idr,
    price_idr: price,
    profit_idr: price - p.cost_idr,
    available: true,
  };
  if (p.operator) item.operator = p.operator;
  if (p.nominal_idr !== undefined) item.nominal_idr = p.nominal_idr;
  if (p.disrupted) {
    item.available = false;
    item.unavailable_reason = 'Gangguan dari supplier / Supplier disruption';
  } else if (p.cost_idr > availableIdr) {
    item.available = false;
    item.unavailable_reason = 'Saldo tidak cukup / Saldo too low';
  }
  return item;
}
