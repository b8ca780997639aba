// One sale in progress on the Jual screen: the product picked, the payment step, the
// "isi ke-2?" question, and sending. Whatever the engine answers is kept as it came.

import { errFields, errText } from '../../lib/locale.svelte';
import { toCommandError, type FieldErrors } from '../../lib/errors';
import * as ipc from '../../lib/ipc';
import { recent, upsertOrder } from '../../lib/orders.svelte';
import { parseCash } from '../../lib/format';
import type { QuoteItem } from '../../lib/types';
import type { SellPhase } from './keys';

export type Mode = 'phone' | 'game' | 'emoney';

export interface Pick {
  item: QuoteItem;
  target: string;
  /** What the cashier checks before taking money: PLN name and power, game nickname. */
  details: { label: string; value: string }[];
}

/** Fields the engine may name in a sale's errors. */
export const SALE_FIELDS = ['target', 'user_id', 'zone_id', 'cash_idr', 'sku'] as const;

export const sale = $state<{
  mode: Mode;
  phase: SellPhase;
  pick: Pick | null;
  cashText: string;
  errors: FieldErrors;
  repeatMessage: string;
  /** Goes up by one after each sent order, so the input panels clear and refocus. */
  sent: number;
}>({
  mode: 'phone',
  phase: 'input',
  pick: null,
  cashText: '',
  errors: {},
  repeatMessage: '',
  sent: 0,
});

export function openPay(pick: Pick): void {
  sale.pick = pick;
  sale.cashText = '';
  sale.errors = {};
  sale.phase = 'pay';
}

export function cancelPay(): void {
  sale.phase = 'input';
  sale.pick = null;
  sale.errors = {};
  sale.repeatMessage = '';
}

export function setMode(mode: Mode): void {
  cancelPay();
  sale.mode = mode;
}

/** Sends the picked product; `confirmRepeat` after the cashier said yes to "isi ke-2?". */
export async function send(confirmRepeat = false): Promise<void> {
  const pick = sale.pick;
  if (!pick || sale.phase === 'sending') return;
  const cash = parseCash(sale.cashText);
  if (sale.cashText.trim() !== '' && cash === null) {
    sale.errors = { cash_idr: errText({ code: 'cash', message: 'Uang diterima hanya angka / Cash is digits only' }) };
    return;
  }
  const before = sale.phase;
  sale.phase = 'sending';
  sale.errors = {};
  try {
    const order = await ipc.placeOrder({
      sku: pick.item.sku,
      target: pick.target,
      ...(cash === null ? {} : { cashIdr: cash }),
      confirmRepeat,
    });
    upsertOrder(order);
    recent.currentId = order.id;
    sale.pick = null;
    sale.cashText = '';
    sale.repeatMessage = '';
    sale.phase = 'input';
    sale.sent += 1;
  } catch (e) {
    const err = toCommandError(e);
    if (err.code === 'repeat_sale') {
      sale.repeatMessage = errText(err);
      sale.phase = 'repeat';
      return;
    }
    sale.errors = errFields(err, SALE_FIELDS);
    const targetError = err.field === 'target' || err.field === 'user_id' || err.field === 'zone_id';
    sale.phase = targetError ? 'input' : before === 'repeat' ? 'pay' : before;
    if (targetError) sale.pick = null;
  }
}
