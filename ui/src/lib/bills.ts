// Postpaid bills (PPOB) as the UI sees them: the kinds in a fixed order and the one rule the
// Jual screen needs — which of the engine's detections is a bill worth offering. Amounts are
// never computed here; the engine sends every total.

import type { MessageKey } from './i18n';
import type { BillKind, BillProduct, Detected } from './types';

/** Every bill kind, in the order the settings and the fee list show them. */
export const BILL_KINDS: readonly BillKind[] = ['pln_pasca', 'bpjs', 'pdam', 'internet', 'multifinance'];

/** How a bill kind is named on screen ("PLN Pascabayar", "BPJS Kesehatan", …). */
export function billKindLabel(kind: BillKind): MessageKey {
  return `billKind.${kind}`;
}

/** What the Jual screen offers to open in Tagihan: a number and the kind it fits. */
export interface BillOffer {
  customerNo: string;
  kind: BillKind;
}

/** The first detection of kind `bill`, if the engine saw one in what was typed. */
export function billOffer(detected: readonly Detected[]): BillOffer | null {
  for (const d of detected) {
    if (d.kind === 'bill') return { customerNo: d.number, kind: d.bill };
  }
  return null;
}

/** The detection the product list is for: a phone or PLN number before a bill guess. */
export function sellDetection(detected: readonly Detected[]): Detected | null {
  return detected.find((d) => d.kind !== 'bill') ?? detected[0] ?? null;
}

/**
 * The product a kind opens: the first available product of that kind, else the first of
 * that kind at all (so its "unavailable" reason is what the cashier sees), else none.
 */
export function productForKind(products: readonly BillProduct[], kind: BillKind): BillProduct | null {
  const same = products.filter((p) => p.kind === kind);
  return same.find((p) => p.available) ?? same[0] ?? null;
}
