// One bill payment in progress on the Tagihan screen: the product, the customer number, the
// engine's inquiry (the bill as the supplier itemised it), the cash and paying. Whatever the
// engine answers is kept as it came; the screen shows it.

import { productForKind, type BillOffer } from '../../lib/bills';
import { toCommandError, type FieldErrors } from '../../lib/errors';
import { parseCash } from '../../lib/format';
import * as ipc from '../../lib/ipc';
import { errFields, errText, t } from '../../lib/locale.svelte';
import { recent, upsertOrder } from '../../lib/orders.svelte';
import { go } from '../../lib/session.svelte';
import type { BillInquiry, BillKind, BillProduct } from '../../lib/types';
import { cleanCustomerNo, type BillPhase } from './keys';

/** Fields the engine may name in a bill's errors. */
export const BILL_FIELDS = ['customer_no', 'sku', 'cash_idr'] as const;

export const bill = $state<{
  phase: BillPhase;
  products: BillProduct[];
  productsError: string;
  sku: string;
  /** The cashier chose the product; a kind guessed from the number no longer changes it. */
  chosen: boolean;
  customerNo: string;
  inquiry: BillInquiry | null;
  cashText: string;
  errors: FieldErrors;
  /** The bill paid last in this session, shown beside the next one. */
  lastOrderId: string | null;
  /** Goes up by one after each payment, so the screen clears and refocuses. */
  paid: number;
}>({
  phase: 'input',
  products: [],
  productsError: '',
  sku: '',
  chosen: false,
  customerNo: '',
  inquiry: null,
  cashText: '',
  errors: {},
  lastOrderId: null,
  paid: 0,
});

/** A kind asked for (from Jual) before the product list had arrived. */
let wantedKind: BillKind | null = null;
/** Each inquiry gets a number; an answer for an older one (or a cancelled one) is dropped. */
let seq = 0;

function choose(p: BillProduct | null, chosen: boolean): void {
  if (!p) return;
  bill.sku = p.sku;
  bill.chosen = chosen;
}

export async function loadProducts(): Promise<void> {
  try {
    const list = await ipc.billProducts();
    bill.products = list;
    bill.productsError = '';
    if (wantedKind) {
      choose(productForKind(list, wantedKind), true);
      wantedKind = null;
    } else if (!list.some((p) => p.sku === bill.sku)) {
      choose(list.find((p) => p.available) ?? list[0] ?? null, false);
    }
  } catch (e) {
    bill.productsError = errText(e);
  }
}

/** The cashier picked a product (tab, Alt+digit, arrow). */
export function pickProduct(index: number): void {
  const p = bill.products[index];
  if (!p || bill.phase !== 'input') return;
  choose(p, true);
  bill.errors = {};
}

/** The engine recognised the number as this kind: follow it unless the cashier chose. */
export function followKind(kind: BillKind): void {
  if (bill.chosen || bill.phase !== 'input') return;
  const p = productForKind(bill.products, kind);
  if (p && p.sku !== bill.sku) choose(p, false);
}

/** Opens Tagihan with a number and a kind, as Jual offers for a number that fits a bill. */
export function openBills(offer: BillOffer): void {
  seq++;
  bill.phase = 'input';
  bill.inquiry = null;
  bill.cashText = '';
  bill.errors = {};
  bill.customerNo = offer.customerNo;
  const p = productForKind(bill.products, offer.kind);
  if (p) choose(p, true);
  else wantedKind = offer.kind;
  go('tagihan');
}

export async function inquire(): Promise<void> {
  const no = cleanCustomerNo(bill.customerNo);
  if (no === '') {
    bill.errors = { customer_no: t('tagihan.numberRequired') };
    return;
  }
  if (!bill.sku || bill.phase === 'inquiring' || bill.phase === 'paying') return;
  const mine = ++seq;
  bill.phase = 'inquiring';
  bill.errors = {};
  bill.inquiry = null;
  bill.cashText = '';
  try {
    const inq = await ipc.billInquiry(bill.sku, no);
    if (mine !== seq) return;
    bill.inquiry = inq;
    bill.phase = 'detail';
  } catch (e) {
    if (mine !== seq) return;
    bill.errors = errFields(e, BILL_FIELDS);
    bill.phase = 'input';
  }
}

/** Stops waiting for an inquiry: its answer, when it comes, is dropped. */
export function cancelInquiry(): void {
  seq++;
  bill.phase = 'input';
}

/** From the bill back to the number (Esc): the number stays, the check is dropped. */
export function back(): void {
  if (bill.phase === 'paying') return;
  seq++;
  bill.phase = 'input';
  bill.inquiry = null;
  bill.cashText = '';
  bill.errors = {};
}

export function clearNumber(): void {
  bill.customerNo = '';
  bill.errors = {};
}

/** Pays the bill shown, with the cash typed (empty = exact cash). */
export async function pay(): Promise<void> {
  const inq = bill.inquiry;
  if (!inq || bill.phase !== 'detail') return;
  const cash = parseCash(bill.cashText);
  if (bill.cashText.trim() !== '' && cash === null) {
    bill.errors = { cash_idr: t('tagihan.cashDigits') };
    return;
  }
  bill.phase = 'paying';
  bill.errors = {};
  try {
    const order = await ipc.payBill(inq.inquiry_id, cash ?? undefined);
    upsertOrder(order);
    recent.currentId = order.id;
    bill.lastOrderId = order.id;
    bill.inquiry = null;
    bill.cashText = '';
    bill.customerNo = '';
    // The product stays (a queue often pays the same kind), but the next number may move it.
    bill.chosen = false;
    bill.phase = 'input';
    bill.paid += 1;
  } catch (e) {
    const err = toCommandError(e);
    bill.errors = errFields(err, BILL_FIELDS);
    // An error about the check itself (`inquiry_id`: unknown, expired, already paid) or the
    // number needs a new check, so it goes back to the number and is shown there; others
    // (short cash, saldo) leave the bill on screen to fix and pay.
    if (err.field === 'inquiry_id') bill.errors = { customer_no: errText(err) };
    if (err.field === 'inquiry_id' || err.field === 'customer_no' || err.field === 'sku') {
      bill.inquiry = null;
      bill.phase = 'input';
    } else {
      bill.phase = 'detail';
    }
  }
}
