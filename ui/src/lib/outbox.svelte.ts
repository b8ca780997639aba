// Stale queued orders (older than the owner's `max_queue_age_h`), kept for the status bar's
// notice and Riwayat's banner. Asked of the engine when the outbox may have changed (its
// sync-state and order events) and once a minute, since an order goes stale by waiting
// alone; one call at a time, a request during a call runs once after it.

import * as ipc from './ipc';
import type { Order } from './types';

/** Time alone makes an order stale; a minute late is soon enough for a notice. */
export const STALE_POLL_MS = 60_000;

export const outbox = $state<{ stale: Order[] }>({ stale: [] });

let running: Promise<void> | null = null;
let again = false;

/** Asks the engine for the stale orders; on an error the last list stays. */
export function refreshStale(): Promise<void> {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    do {
      again = false;
      try {
        outbox.stale = await ipc.staleOrders();
      } catch {
        // The notice keeps the last known list; Riwayat shows errors of its own actions.
      }
    } while (again);
  })().finally(() => {
    running = null;
  });
  return running;
}

/**
 * Keeps `outbox.stale` current while a cashier is logged in; the returned function stops
 * watching and forgets the list (the next cashier's session asks again).
 */
export function watchOutbox(): () => void {
  void refreshStale();
  const timer = setInterval(() => void refreshStale(), STALE_POLL_MS);
  const unlisten = [
    ipc.onSyncState(() => void refreshStale()),
    ipc.onOrderUpdated((o) => {
      // Only a queued order (new, or sent again) or a failed one (cancelled) moves the list.
      if (o.status === 'queued' || o.status === 'failed') void refreshStale();
    }),
  ];
  return () => {
    clearInterval(timer);
    for (const u of unlisten) void u.then((f) => f()).catch(() => {});
    outbox.stale = [];
  };
}
