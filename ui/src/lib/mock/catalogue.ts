// The mock engine's catalogue: what a shop could buy from its upstream today, at the
// shop's cost. Prices are made up but in the right range for 2026 Indonesia.

import type { Category, Game, Operator } from '../types';

export interface MockProduct {
  sku: string;
  name: string;
  category: Category;
  brand: string;
  operator?: Operator;
  game?: Game;
  nominal_idr?: number;
  cost_idr: number;
  /** A supplier disruption: listed, but not sellable. */
  disrupted?: boolean;
}

const OPERATORS: readonly { op: Operator; brand: string; code: string; spread: number }[] = [
  { op: 'telkomsel', brand: 'TELKOMSEL', code: 'tsel', spread: 350 },
  { op: 'byu', brand: 'BY.U', code: 'byu', spread: 250 },
  { op: 'indosat', brand: 'INDOSAT', code: 'isat', spread: 150 },
  { op: 'xl', brand: 'XL', code: 'xl', spread: 100 },
  { op: 'axis', brand: 'AXIS', code: 'axis', spread: 50 },
  { op: 'tri', brand: 'TRI', code: 'tri', spread: 0 },
  { op: 'smartfren', brand: 'SMARTFREN', code: 'sf', spread: 0 },
];

const DISPLAY: Readonly<Record<Operator, string>> = {
  telkomsel: 'Telkomsel',
  byu: 'by.U',
  indosat: 'Indosat',
  xl: 'XL',
  axis: 'Axis',
  tri: 'Tri',
  smartfren: 'Smartfren',
};

const PULSA_NOMINALS = [5_000, 10_000, 20_000, 25_000, 50_000, 100_000];
const DATA_PACKS: readonly (readonly [string, number, number])[] = [
  ['2GB 7 Hari', 2, 14_500],
  ['5GB 30 Hari', 5, 29_000],
  ['12GB 30 Hari', 12, 54_000],
  ['25GB 30 Hari', 25, 88_000],
];

const group = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');

function pulsaCost(nominal: number, spread: number): number {
  // Small denominations carry a fee; large ones sell under face value.
  if (nominal <= 5_000) return nominal + 150 + spread;
  if (nominal <= 25_000) return nominal - 100 + spread;
  return nominal - Math.round(nominal * 0.015) + spread;
}

function phoneProducts(): MockProduct[] {
  const out: MockProduct[] = [];
  for (const o of OPERATORS) {
    for (const nominal of PULSA_NOMINALS) {
      const p: MockProduct = {
        sku: `${o.code}${nominal / 1000}`,
        name: `${DISPLAY[o.op]} ${group(nominal)}`,
        category: 'pulsa',
        brand: o.brand,
        operator: o.op,
        nominal_idr: nominal,
        cost_idr: pulsaCost(nominal, o.spread),
      };
      if (o.op === 'smartfren' && nominal === 5_000) p.disrupted = true;
      out.push(p);
    }
    for (const [label, gb, cost] of DATA_PACKS) {
      out.push({
        sku: `${o.code}d${gb}`,
        name: `${DISPLAY[o.op]} Data ${label}`,
        category: 'data',
        brand: o.brand,
        operator: o.op,
        cost_idr: cost + o.spread * 4,
      });
    }
  }
  return out;
}

const PLN_NOMINALS = [20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000];

function plnProducts(): MockProduct[] {
  return PLN_NOMINALS.map((nominal) => ({
    sku: `pln${nominal / 1000}`,
    name: `Token PLN ${group(nominal)}`,
    category: 'pln' as const,
    brand: 'PLN',
    nominal_idr: nominal,
    cost_idr: nominal + 120,
  }));
}

const GAMES: readonly [Game, string, string, readonly [string, number][]][] = [
  [
    'mobile_legends',
    'MOBILE LEGENDS',
    'ml',
    [
      ['86 Diamonds', 19_800],
      ['172 Diamonds', 39_400],
      ['257 Diamonds', 58_900],
      ['344 Diamonds', 78_500],
      ['514 Diamonds', 117_000],
      ['706 Diamonds', 158_000],
    ],
  ],
  [
    'free_fire',
    'FREE FIRE',
    'ff',
    [
      ['70 Diamonds', 9_200],
      ['140 Diamonds', 18_300],
      ['355 Diamonds', 45_500],
      ['720 Diamonds', 90_500],
    ],
  ],
  [
    'genshin_impact',
    'GENSHIN IMPACT',
    'gi',
    [
      ['60 Genesis Crystals', 12_900],
      ['330 Genesis Crystals', 63_500],
      ['Blessing of the Welkin Moon', 63_500],
      ['1090 Genesis Crystals', 190_000],
    ],
  ],
];

const GAME_NAMES: Readonly<Record<Game, string>> = {
  mobile_legends: 'Mobile Legends',
  free_fire: 'Free Fire',
  genshin_impact: 'Genshin Impact',
};

function gameProducts(): MockProduct[] {
  return GAMES.flatMap(([game, brand, code, packs]) =>
    packs.map(([label, cost], i) => ({
      sku: `${code}${i + 1}`,
      name: `${GAME_NAMES[game]} ${label}`,
      category: 'game' as const,
      brand,
      game,
      cost_idr: cost,
    })),
  );
}

const WALLETS: readonly [string, string, string, number][] = [
  ['DANA', 'DANA', 'dana', 150],
  ['OVO', 'OVO', 'ovo', 200],
  ['GOPAY', 'GoPay', 'gopay', 250],
  ['SHOPEEPAY', 'ShopeePay', 'spay', 200],
];
const WALLET_NOMINALS = [10_000, 20_000, 25_000, 50_000, 100_000];

function emoneyProducts(): MockProduct[] {
  return WALLETS.flatMap(([brand, display, code, fee]) =>
    WALLET_NOMINALS.map((nominal) => ({
      sku: `${code}${nominal / 1000}`,
      name: `${display} ${group(nominal)}`,
      category: 'emoney' as const,
      brand,
      nominal_idr: nominal,
      cost_idr: nominal + fee,
    })),
  );
}

export const CATALOGUE: readonly MockProduct[] = [
  ...phoneProducts(),
  ...plnProducts(),
  ...gameProducts(),
  ...emoneyProducts(),
];

export function productBySku(sku: string): MockProduct | undefined {
  return CATALOGUE.find((p) => p.sku === sku);
}

/**
 * Four-digit prefixes, as konter-domain's phone table
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

/** The operator of a local number (`08…`) from its prefix; by.U lives inside 0851. */
export function operatorOf(local: string): Operator | null {
  const six = Number(local.slice(1, 6));
  if (local.length >= 6 && six >= 85154 && six <= 85158) return 'byu';
  return PREFIXES[local.slice(0, 4)] ?? null;
}

/** Digits of a typed number in local form: `+62 812-3456` -> `0812345…`. */
export function localDigits(input: string): string {
  const d = input.replace(/\D/g, '');
  return d.startsWith('62') ? `0${d.slice(2)}` : d;
}
