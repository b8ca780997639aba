// The games on the Game tab and the fields each asks for (konter-domain `Game::fields`).

import type { MessageKey } from '../../lib/i18n';
import type { Game } from '../../lib/types';

export interface GameField {
  name: 'user_id' | 'zone_id';
  label: MessageKey;
  maxDigits: number;
}

export interface GameInfo {
  game: Game;
  label: string;
  fields: readonly GameField[];
}

export const GAMES: readonly GameInfo[] = [
  {
    game: 'mobile_legends',
    label: 'Mobile Legends',
    fields: [
      { name: 'user_id', label: 'game.userId', maxDigits: 12 },
      { name: 'zone_id', label: 'game.zoneId', maxDigits: 5 },
    ],
  },
  { game: 'free_fire', label: 'Free Fire', fields: [{ name: 'user_id', label: 'game.playerId', maxDigits: 12 }] },
  { game: 'genshin_impact', label: 'Genshin Impact', fields: [{ name: 'user_id', label: 'game.uid', maxDigits: 10 }] },
];

/** The target string the engine reads: `12345678 (1234)` or the id alone. */
export function gameTarget(user: string, zone: string): string {
  const u = user.trim();
  const z = zone.trim();
  return z ? `${u} (${z})` : u;
}
