// How each detected operator looks: the brand name a customer recognises and a badge colour
// close to the brand's own, so the cashier confirms the operator at a glance.

import type { BillKind, Detected, Operator } from './types';

export interface Badge {
  name: string;
  short: string;
  background: string;
  foreground: string;
}

export const OPERATOR_BADGES: Readonly<Record<Operator, Badge>> = {
  telkomsel: { name: 'Telkomsel', short: 'TSEL', background: '#d71920', foreground: '#ffffff' },
  byu: { name: 'by.U', short: 'BYU', background: '#0090d4', foreground: '#ffffff' },
  indosat: { name: 'Indosat', short: 'ISAT', background: '#ffc20e', foreground: '#1a1a1a' },
  xl: { name: 'XL', short: 'XL', background: '#003f8f', foreground: '#ffffff' },
  axis: { name: 'Axis', short: 'AXIS', background: '#6a2c91', foreground: '#ffffff' },
  tri: { name: 'Tri', short: 'TRI', background: '#231f20', foreground: '#ffffff' },
  smartfren: { name: 'Smartfren', short: 'SF', background: '#e4007c', foreground: '#ffffff' },
};

export const PLN_BADGE: Badge = {
  name: 'PLN',
  short: 'PLN',
  background: '#00a2b9',
  foreground: '#ffffff',
};

/** Postpaid bills: the biller's own colours where it has well-known ones. */
export const BILL_BADGES: Readonly<Record<BillKind, Badge>> = {
  pln_pasca: { name: 'PLN Pasca', short: 'PLN', background: '#00a2b9', foreground: '#ffffff' },
  bpjs: { name: 'BPJS', short: 'BPJS', background: '#00a04b', foreground: '#ffffff' },
  pdam: { name: 'PDAM', short: 'PDAM', background: '#1565c0', foreground: '#ffffff' },
  internet: { name: 'Internet', short: 'NET', background: '#e4002b', foreground: '#ffffff' },
  multifinance: { name: 'Multifinance', short: 'MF', background: '#5d4037', foreground: '#ffffff' },
};

export function operatorBadge(op: Operator): Badge {
  return OPERATOR_BADGES[op];
}

/** The badge for what the engine detected in the smart input. */
export function detectedBadge(d: Detected): Badge {
  switch (d.kind) {
    case 'pln':
      return PLN_BADGE;
    case 'bill':
      return BILL_BADGES[d.bill];
    case 'phone':
      return OPERATOR_BADGES[d.operator];
  }
}
