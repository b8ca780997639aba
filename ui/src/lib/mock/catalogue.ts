// The mock engine's catalogue: what a shop can buy from its upstream, at the shop's cost.
// The demo shop's products are made up but in the right range for 2026 Indonesia; a test
// can hand the mock a server catalogue in its wire shape instead (`fromWire`), as the engine
// receives it from `GET /v1/catalog`. Either way the device only has a catalogue once it is
// paired, and lists it in the engine's counter order (`catalogueOrder`).

import type { Category, Game, Operator } from '../types';
import type { MockDb } from './db';
import { GAME_NAMES, OPERATOR_NAMES, type InputSchema } from './domain';

export interface MockProduct {
  sku: string;
  name: string;
  category: Category;
  brand: string;
  operator?: Operator;
  game?: Game;
  nominal_idr?: number;
  /** What the shop's saldo pays (the server's `price_idr`). */
  cost_idr: number;
  input: InputSchema;
  /** Listed but not sellable (a supplier disruption) when false. */
  active: boolean;
}

/** One product of the server's catalogue, as `konter_domain::api::v1::CatalogItem` serialises it. */
export interface WireCatalogItem {
  sku: string;
  name: string;
  category: Category;
  brand: string;
  operator?: Operator;
  nominal_idr?: number;
  input: InputSchema;
  active: boolean;
  price_idr: number;
  cut_off?: { start: string; end: string };
}

/** The server's catalogue for a shop (`konter_domain::api::v1::Catalog`). */
export interface WireCatalog {
  items: WireCatalogItem[];
  as_of: string;
}

/** The catalogue the device keeps from a server's answer. */
export function fromWire(c: WireCatalog): MockProduct[] {
  return catalogueOrder(
    c.items.map((i) => {
      const p: MockProduct = {
        sku: i.sku,
        name: i.name,
        category: i.category,
        brand: i.brand,
        cost_idr: i.price_idr,
        input: structuredClone(i.input),
        active: i.active,
      };
      if (i.operator) p.operator = i.operator;
      if (i.nominal_idr !== undefined) p.nominal_idr = i.nominal_idr;
      if (i.input.kind === 'game') p.game = i.input.game;
      return p;
    }),
  );
}

/** The product a SKU names in the device's catalogue. */
export function productIn(db: MockDb, sku: string): MockProduct | undefined {
  return db.catalogue.find((p) => p.sku === sku);
}

const CATEGORY_ORDER: readonly Category[] = ['pulsa', 'data', 'game', 'emoney', 'pln', 'bill'];

/**
 * The engine's counter order (konter-client `catalog::load_items`): categories in their
 * fixed order (pulsa first), then by saldo price, then by SKU.
 */
export function catalogueOrder(list: readonly MockProduct[]): MockProduct[] {
  return [...list]
    .sort((a, b) => a.cost_idr - b.cost_idr || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0))
    .sort((a, b) => CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category));
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
        name: `${OPERATOR_NAMES[o.op]} ${group(nominal)}`,
        category: 'pulsa',
        brand: o.brand,
        operator: o.op,
        nominal_idr: nominal,
        cost_idr: pulsaCost(nominal, o.spread),
        input: { kind: 'phone' },
        // Smartfren 5.000 is disrupted at the supplier: listed, not sellable.
        active: !(o.op === 'smartfren' && nominal === 5_000),
      };
      out.push(p);
    }
    for (const [label, gb, cost] of DATA_PACKS) {
      out.push({
        sku: `${o.code}d${gb}`,
        name: `${OPERATOR_NAMES[o.op]} Data ${label}`,
        category: 'data',
        brand: o.brand,
        operator: o.op,
        cost_idr: cost + o.spread * 4,
        input: { kind: 'phone' },
        active: true,
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
    input: { kind: 'pln_number' as const },
    active: true,
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


function gameProducts(): MockProduct[] {
  return GAMES.flatMap(([game, brand, code, packs]) =>
    packs.map(([label, cost], i) => ({
      sku: `${code}${i + 1}`,
      name: `${GAME_NAMES[game]} ${label}`,
      category: 'game' as const,
      brand,
      game,
      cost_idr: cost,
      input: { kind: 'game' as const, game },
      active: true,
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
      input: { kind: 'e_money_account' as const },
      active: true,
    })),
  );
}

/** What the demo shop can buy (its server's catalogue), in counter order. */
export const CATALOGUE: readonly MockProduct[] = catalogueOrder([
  ...phoneProducts(),
  ...plnProducts(),
  ...gameProducts(),
  ...emoneyProducts(),
]);

/** When the demo shop's prices were read: a few minutes before the page opened. */
export const CATALOGUE_AS_OF = new Date(Date.now() - 12 * 60_000).toISOString();
