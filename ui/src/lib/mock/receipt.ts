// The receipt text, at the configured paper width. Stands in for the engine's receipt
// renderer (konter-receipt) so the preview in Riwayat shows something true to life.
// A paid bill follows the PLN token's layout: customer number and name, tariff, each period
// on its own line, the meter stand, the reference, then bill, penalty, admin, the shop's fee
// and the total paid.

import type { BillInquiry, Settings } from '../types';
import type { MockOrder } from './db';

const rp = (n: number) => `Rp${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.')}`;
const pad2 = (n: number) => String(n).padStart(2, '0');

const ZONES: Readonly<Record<number, string>> = { 7: 'WIB', 8: 'WITA', 9: 'WIT' };

/** `28/11/2026 14:05 WIB`: the shop's wall clock (its zone, whatever the PC's), as the engine prints it. */
function stamp(iso: string, zoneH: number): string {
  const d = new Date(new Date(iso).getTime() + zoneH * 3_600_000);
  const date = `${pad2(d.getUTCDate())}/${pad2(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
  return `${date} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())} ${ZONES[zoneH] ?? 'WIB'}`;
}

function center(s: string, w: number): string {
  const text = s.slice(0, w);
  return ' '.repeat(Math.floor((w - text.length) / 2)) + text;
}

function lr(left: string, right: string, w: number): string {
  if (left.length + right.length + 1 > w) return `${left}\n${right.padStart(w)}`;
  return left + ' '.repeat(w - left.length - right.length) + right;
}

/** Hard-wraps every line to the paper width: the printer would do it worse. */
function fit(lines: string[], w: number): string {
  return lines
    .flatMap((l) => l.split('\n'))
    .flatMap((l) => {
      const out: string[] = [];
      for (let i = 0; i < l.length; i += w) out.push(l.slice(i, i + w));
      return out.length ? out : [''];
    })
    .join('\n');
}

const field = (label: string, value: string) => `${label.padEnd(13)}: ${value}`;

function phone(target: string): string {
  return /^0\d{9,12}$/.test(target) ? target.replace(/(\d{4})(?=\d)/g, '$1-') : target;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MEI', 'JUN', 'JUL', 'AGU', 'SEP', 'OKT', 'NOV', 'DES'];

/** `202611` -> `NOV 2026`; whatever else the supplier wrote, as it came. */
function period(p: string): string {
  const m = /^(\d{4})(\d{2})$/.exec(p);
  return m ? `${MONTHS[Number(m[2]) - 1] ?? m[2]} ${m[1]}` : p;
}

/** The bill block of a paid bill: who, which months, the meter stand, the reference. */
function billLines(b: BillInquiry, sn: string | undefined): string[] {
  const out = [field(b.kind === 'pln_pasca' ? 'ID Pelanggan' : 'No. Pelanggan', b.customer_no), field('Nama', b.customer_name)];
  if (b.tariff || b.power) out.push(field('Tarif/Daya', [b.tariff, b.power].filter(Boolean).join(' / ')));
  b.periods.forEach((p, i) => out.push(i === 0 ? field('Periode', period(p.period)) : `${' '.repeat(15)}${period(p.period)}`));
  if (b.periods.length > 1) out.push(field('Lembar', String(b.periods.length)));
  const first = b.periods[0];
  const last = b.periods[b.periods.length - 1];
  if (first?.meter_start && last?.meter_end) out.push(field('Stand Meter', `${first.meter_start}-${last.meter_end}`));
  out.push(field('No. Ref', sn ?? '-'));
  out.push(field('Status', 'SUKSES'));
  return out;
}

export function receiptText(o: MockOrder, s: Settings, shopName: string, copy: boolean): string {
  const w = s.printer.width;
  const zone = s.utc_offset_h ?? 7;
  const rule = '-'.repeat(w);
  const out: string[] = [];
  const header = s.receipt_header.trim() || shopName;
  out.push(center(header, w));
  if (s.shop_address) out.push(center(s.shop_address, w));
  if (s.shop_phone) out.push(center(s.shop_phone, w));
  out.push(rule);
  if (copy) out.push(center('*** SALINAN ***', w));
  if (o.status !== 'success') {
    out.push(center('BUKTI PESANAN — BELUM SELESAI', w));
    out.push(`No. ${o.id}`);
    out.push(`${o.product_name.toUpperCase()} ke ${phone(o.target)}`);
    if (o.bill) out.push(field('Nama', o.bill.customer_name));
    const st = o.status === 'failed' || o.status === 'refunded' ? 'GAGAL' : 'MENUNGGU (antre/pending)';
    out.push(field('Status', st));
    out.push(field('Uang diterima', rp(o.cash_idr ?? o.price_idr)));
    out.push(o.status === 'failed' ? 'Uang dikembalikan ke pelanggan.' : 'Struk lunas dicetak setelah sukses.');
    return fit(out, w);
  }
  out.push(lr(stamp(o.created_at, zone), `Kasir: ${o.cashier_name}`, w));
  if (copy) out.push(`Dicetak: ${stamp(new Date().toISOString(), zone)}`);
  out.push(`No. ${o.id}`);
  out.push(rule);
  out.push(o.product_name.toUpperCase());
  if (o.category === 'pln') {
    out.push(field('No. Meter', o.target));
    if (o.pln_name) out.push(field('Nama', o.pln_name));
    if (o.pln_segment) out.push(field('Tarif/Daya', o.pln_segment));
    if (o.kwh) out.push(field('kWh', o.kwh));
    out.push(rule, center('STROOM / TOKEN', w), center(o.pln_token ?? '', w));
  } else if (o.bill) {
    out.push(...billLines(o.bill, o.sn));
  } else {
    out.push(field(o.category === 'game' ? 'ID' : 'Nomor', phone(o.target)));
    out.push(field('SN', o.sn ?? '-'));
    out.push(field('Status', 'SUKSES'));
  }
  out.push(rule);
  if (o.bill) {
    out.push(lr('Tagihan', rp(o.bill.bill_idr), w));
    out.push(lr('Denda', rp(o.bill.penalty_idr), w));
    out.push(lr('Admin', rp(o.bill.admin_idr), w));
    if (o.bill.shop_fee_idr > 0) out.push(lr('Admin loket', rp(o.bill.shop_fee_idr), w));
    out.push(lr('TOTAL BAYAR', rp(o.price_idr), w));
  } else {
    out.push(lr('Harga', rp(o.price_idr), w));
  }
  // The owner may leave the cash block off (show_cash_block = false); a slip keeps "Uang diterima".
  if (s.show_cash_block !== false) {
    if (o.cash_idr !== undefined) out.push(lr('Tunai', rp(o.cash_idr), w));
    if (o.change_idr !== undefined) out.push(lr('Kembali', rp(o.change_idr), w));
  }
  out.push(rule);
  for (const line of s.receipt_footer.split('\n')) if (line.trim()) out.push(center(line.trim(), w));
  out.push(center('[QR]', w), center(o.id, w));
  return fit(out, w);
}
