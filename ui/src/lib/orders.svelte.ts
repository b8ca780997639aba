// The orders of this session, kept current by the engine's `order-updated` events: the
// order just sold (shown large on Jual) and the recent strip below it.

import type { Order } from './types';

/** How many orders the strip keeps: a queue's worth, not a history (that is Riwayat). */
export const RECENT_MAX = 12;

export const recent = $state<{ list: Order[]; currentId: string | null }>({
  list: [],
  currentId: null,
});

/** Puts the engine's latest view of an order in place; an older copy never replaces a newer one. */
export function upsertOrder(o: Order): void {
  const i = recent.list.findIndex((x) => x.id === o.id);
  if (i === -1) {
    recent.list = [o, ...recent.list].slice(0, RECENT_MAX);
    return;
  }
  const old = recent.list[i];
  if (old && old.updated_at > o.updated_at) return;
  recent.list[i] = o;
}

export function seedRecent(list: Order[]): void {
  for (const o of [...list].reverse()) upsertOrder(o);
}

export function findOrder(id: string | null): Order | undefined {
  return id ? recent.list.find((o) => o.id === id) : undefined;
}
