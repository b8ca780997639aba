// Short notices at the corner of the screen: printing, saved, copied. They go away by
// themselves; anything the cashier must act on is shown in place instead.

import type { MessageKey, Params } from './i18n';

export type ToastTone = 'info' | 'ok' | 'bad';

export interface Toast {
  id: number;
  key: MessageKey;
  params?: Params;
  tone: ToastTone;
  /** A later toast of the same group replaces this one (a print job's steps). */
  group?: string;
}

/** Long enough to read at arm's length, short enough not to pile up in a queue. */
export const TOAST_MS = 3000;
const MAX_TOASTS = 3;

export const toasts = $state<{ list: Toast[] }>({ list: [] });
let next = 1;

export function toast(
  key: MessageKey,
  tone: ToastTone = 'info',
  params?: Params,
  group?: string,
): void {
  const item: Toast = { id: next++, key, tone };
  if (params) item.params = params;
  if (group) item.group = group;
  const others = group ? toasts.list.filter((x) => x.group !== group) : toasts.list;
  toasts.list = [...others, item].slice(-MAX_TOASTS);
  setTimeout(() => dismiss(item.id), TOAST_MS);
}

export function dismiss(id: number): void {
  toasts.list = toasts.list.filter((x) => x.id !== id);
}
