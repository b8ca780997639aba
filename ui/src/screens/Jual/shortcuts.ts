// Typing a game's or a wallet's name in the smart input opens its panel: "ml", "ff",
// "dana"… Numbers never match, so the phone/PLN path is untouched.

import type { Game } from '../../lib/types';

export type Shortcut =
  | { mode: 'game'; game: Game; label: string }
  | { mode: 'emoney'; brand: string; label: string };

const GAMES: readonly [Game, string, readonly string[]][] = [
  ['mobile_legends', 'Mobile Legends', ['ml', 'mlbb', 'mobile', 'mobile legends', 'mobilelegends']],
  ['free_fire', 'Free Fire', ['ff', 'free fire', 'freefire', 'free']],
  ['genshin_impact', 'Genshin Impact', ['genshin', 'gi', 'genshin impact']],
];

const WALLETS: readonly [string, string, readonly string[]][] = [
  ['DANA', 'DANA', ['dana']],
  ['OVO', 'OVO', ['ovo']],
  ['GOPAY', 'GoPay', ['gopay', 'gojek', 'gopay customer']],
  ['SHOPEEPAY', 'ShopeePay', ['shopeepay', 'shopee', 'spay']],
];

export function matchShortcut(input: string): Shortcut | null {
  const s = input.trim().toLowerCase().replace(/\s+/g, ' ');
  if (s.length < 2 || /\d/.test(s)) return null;
  for (const [game, label, aliases] of GAMES) {
    if (aliases.includes(s)) return { mode: 'game', game, label };
  }
  for (const [brand, label, aliases] of WALLETS) {
    if (aliases.includes(s)) return { mode: 'emoney', brand, label };
  }
  return null;
}

/** How wallet brands read on screen. */
export function walletLabel(brand: string): string {
  return WALLETS.find(([b]) => b === brand)?.[1] ?? brand;
}
