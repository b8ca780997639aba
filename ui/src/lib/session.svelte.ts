// What the whole window shares: the engine's app state, the sync state, the saldo and the
// screen in view. Filled from the engine and from its events; never computed here.

import * as ipc from './ipc';
import type { AppState, Cashier, Saldo, SyncState } from './types';
import type { Screen } from './nav';

export const session = $state<{
  app: AppState | null;
  sync: SyncState;
  saldo: Saldo | null;
  screen: Screen;
}>({
  app: null,
  sync: { state: 'offline', queue_len: 0 },
  saldo: null,
  screen: 'jual',
});

export async function refreshApp(): Promise<AppState> {
  const app = await ipc.appState();
  session.app = app;
  session.sync = app.sync;
  return app;
}

export async function refreshSaldo(): Promise<void> {
  try {
    session.saldo = await ipc.saldo();
  } catch {
    // The status bar keeps the last known saldo; the Saldo screen shows the error.
  }
}

export function setCashier(c: Cashier | null): void {
  if (session.app) session.app.cashier = c;
}

export function isOwner(): boolean {
  return session.app?.cashier?.role === 'owner';
}

export function go(screen: Screen): void {
  session.screen = screen;
}
