// The screens behind the login and their function keys. The keys are shown on the nav bar
// so nobody has to remember them.

import type { MessageKey } from './i18n';

export type Screen = 'jual' | 'tagihan' | 'riwayat' | 'saldo' | 'laporan' | 'pengaturan';

export interface NavItem {
  screen: Screen;
  key: string;
  label: MessageKey;
  ownerOnly: boolean;
}

export const NAV: readonly NavItem[] = [
  { screen: 'jual', key: 'F1', label: 'nav.jual', ownerOnly: false },
  { screen: 'riwayat', key: 'F2', label: 'nav.riwayat', ownerOnly: false },
  { screen: 'saldo', key: 'F3', label: 'nav.saldo', ownerOnly: false },
  { screen: 'pengaturan', key: 'F4', label: 'nav.pengaturan', ownerOnly: true },
  // Bills sit on F5, next to the sale keys: every cashier pays bills, like Jual.
  { screen: 'tagihan', key: 'F5', label: 'nav.tagihan', ownerOnly: false },
  // F9 = laporan, as on the counter screen's key line.
  { screen: 'laporan', key: 'F9', label: 'nav.laporan', ownerOnly: true },
];

/** The screen a function key opens, or `null` when the key is not a screen key. */
export function screenForKey(key: string): Screen | null {
  return NAV.find((n) => n.key === key)?.screen ?? null;
}
