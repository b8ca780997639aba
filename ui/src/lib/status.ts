// How an order's status looks to the cashier. This is presentation only: the engine decides
// the status; here each status gets a word, a tone and a hint. The one rule this file
// guards is the cashier's: nothing that is not `success` may look like a success.

import type { MessageKey } from './i18n';
import type { OrderStatus } from './types';

/** `wait`: still going; `ok`: delivered; `bad`: the customer gets the money back. */
export type Tone = 'queued' | 'wait' | 'ok' | 'bad';

export interface StatusView {
  label: MessageKey;
  hint: MessageKey;
  tone: Tone;
  icon: string;
  /** Show the pending timer. */
  timer: boolean;
  /** Show the SN / token block. */
  delivered: boolean;
  /** Show "Kembalikan uang". */
  refundCash: boolean;
}

const VIEWS: Readonly<Record<OrderStatus, StatusView>> = {
  queued: {
    label: 'status.queued',
    hint: 'status.queued.hint',
    tone: 'queued',
    icon: '‖',
    timer: true,
    delivered: false,
    refundCash: false,
  },
  accepted: {
    label: 'status.accepted',
    hint: 'status.accepted.hint',
    tone: 'wait',
    icon: '↗',
    timer: true,
    delivered: false,
    refundCash: false,
  },
  processing: {
    label: 'status.processing',
    hint: 'status.processing.hint',
    tone: 'wait',
    icon: '↻',
    timer: true,
    delivered: false,
    refundCash: false,
  },
  pending: {
    label: 'status.pending',
    hint: 'status.pending.hint',
    tone: 'wait',
    icon: '◷',
    timer: true,
    delivered: false,
    refundCash: false,
  },
  success: {
    label: 'status.success',
    hint: 'status.success.hint',
    tone: 'ok',
    icon: '✓',
    timer: false,
    delivered: true,
    refundCash: false,
  },
  failed: {
    label: 'status.failed',
    hint: 'status.failed.hint',
    tone: 'bad',
    icon: '✕',
    timer: false,
    delivered: false,
    refundCash: true,
  },
  refunded: {
    label: 'status.refunded',
    hint: 'status.refunded.hint',
    tone: 'bad',
    icon: '↩',
    timer: false,
    delivered: false,
    refundCash: true,
  },
};

export const ALL_STATUSES: readonly OrderStatus[] = [
  'queued',
  'accepted',
  'processing',
  'pending',
  'success',
  'failed',
  'refunded',
];

export function statusView(status: OrderStatus): StatusView {
  return VIEWS[status];
}
