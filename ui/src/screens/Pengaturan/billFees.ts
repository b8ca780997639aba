// The owner's counter fees for bills, as typed in Pengaturan, checked before anything is
// sent: each fee whole rupiah and at most the cap. The engine checks the same and answers
// on the same fields (`bill_fees.<kind>`, `bill_fee_cap_idr`), so an error shows in one
// place whichever side found it.

import { BILL_KINDS } from '../../lib/bills';
import { parseCash } from '../../lib/format';
import type { BillKind, Settings } from '../../lib/types';

export interface FeeTexts {
  fees: Record<BillKind, string>;
  cap: string;
}

export type FeeProblem = 'digits' | 'over_cap';

export type FeeCheck =
  | { ok: true; fees: Record<BillKind, number>; capIdr: number }
  | { ok: false; problems: Record<string, FeeProblem> };

/** The engine's field name for one kind's fee. */
export const feeField = (kind: BillKind) => `bill_fees.${kind}`;
export const CAP_FIELD = 'bill_fee_cap_idr';
export const FEE_FIELDS: readonly string[] = [...BILL_KINDS.map(feeField), CAP_FIELD];

export function feeTexts(s: Settings): FeeTexts {
  const fees = {} as Record<BillKind, string>;
  for (const k of BILL_KINDS) fees[k] = String(s.bill_fees[k] ?? 0);
  return { fees, cap: String(s.bill_fee_cap_idr) };
}

export function checkFees(texts: FeeTexts): FeeCheck {
  const problems: Record<string, FeeProblem> = {};
  const capIdr = parseCash(texts.cap);
  if (capIdr === null) problems[CAP_FIELD] = 'digits';
  const fees = {} as Record<BillKind, number>;
  for (const k of BILL_KINDS) {
    const fee = parseCash(texts.fees[k]);
    if (fee === null) problems[feeField(k)] = 'digits';
    else if (capIdr !== null && fee > capIdr) problems[feeField(k)] = 'over_cap';
    else fees[k] = fee;
  }
  if (Object.keys(problems).length > 0 || capIdr === null) return { ok: false, problems };
  return { ok: true, fees, capIdr };
}
