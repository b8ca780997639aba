//! Where each thing goes on the paper, at 32, 42 or 48 columns.
//!
//! The layout is a list of blocks: text lines (already padded with spaces for centring and
//! right-aligned amounts), the logo and the QR code. The ESC/POS encoder prints exactly
//! these lines and the preview shows exactly these lines, so the two cannot drift apart.
//! Alignment is done with spaces rather than `ESC a` for the same reason: the printed text
//! then equals the preview byte for byte (only the logo and the QR code are centred by the
//! printer, and they are not text).

use konter_domain::money::Rupiah;
use serde::{Deserialize, Serialize};

use crate::model::{Logo, Receipt, ReceiptKind};

/// Paper width in characters of font A.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PaperWidth {
    /// 58 mm paper.
    Cols32,
    /// 80 mm printers set to 42 columns (font B on some models, or narrower heads).
    Cols42,
    /// 80 mm paper.
    Cols48,
}

impl PaperWidth {
    pub const ALL: [PaperWidth; 3] = [PaperWidth::Cols32, PaperWidth::Cols42, PaperWidth::Cols48];

    pub fn columns(self) -> usize {
        match self {
            PaperWidth::Cols32 => 32,
            PaperWidth::Cols42 => 42,
            PaperWidth::Cols48 => 48,
        }
    }

    /// The width for a column count a printer setting names, if we lay out for it.
    pub fn from_columns(columns: usize) -> Option<PaperWidth> {
        PaperWidth::ALL.into_iter().find(|w| w.columns() == columns)
    }
}

/// How a line is printed. The preview carries it so the UI can show the token large.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TextStyle {
    pub bold: bool,
    pub double_width: bool,
    pub double_height: bool,
}

impl TextStyle {
    pub const NORMAL: TextStyle = TextStyle {
        bold: false,
        double_width: false,
        double_height: false,
    };
    pub const BOLD: TextStyle = TextStyle {
        bold: true,
        double_width: false,
        double_height: false,
    };
    /// The shop name: tall so it stands out, but not wide, so it wraps like any other line.
    pub const TALL_BOLD: TextStyle = TextStyle {
        bold: true,
        double_width: false,
        double_height: true,
    };
    /// The PLN token where 24 double-width characters fit (48 columns).
    pub const HUGE_BOLD: TextStyle = TextStyle {
        bold: true,
        double_width: true,
        double_height: true,
    };
}

/// One printed line of text, with the spaces that align it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewLine {
    pub text: String,
    pub style: TextStyle,
}

/// One thing on the paper, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Block<'a> {
    Logo(&'a Logo),
    Line(PreviewLine),
    Qr(&'a str),
}

/// Width of the label column in `Nomor        : 0812-…` rows: the longest label,
/// `Uang diterima`, is 13 characters.
const LABEL_CHARS: usize = 13;

/// Where a label row's value starts: the label, then `: `.
const VALUE_COLUMN: usize = LABEL_CHARS + 2;

struct Sheet<'a> {
    columns: usize,
    blocks: Vec<Block<'a>>,
}

impl<'a> Sheet<'a> {
    fn line(&mut self, text: String, style: TextStyle) {
        self.blocks.push(Block::Line(PreviewLine { text, style }));
    }

    fn rule(&mut self) {
        self.line("-".repeat(self.columns), TextStyle::NORMAL);
    }

    fn left(&mut self, text: &str, style: TextStyle) {
        for part in wrap(text, self.columns) {
            self.line(part, style);
        }
    }

    /// Centred with leading spaces. A double-width line has half as many columns.
    fn center(&mut self, text: &str, style: TextStyle) {
        let columns = if style.double_width {
            self.columns / 2
        } else {
            self.columns
        };
        for part in wrap(text, columns) {
            let pad = (columns - char_len(&part)) / 2;
            self.line(format!("{}{part}", " ".repeat(pad)), style);
        }
    }

    /// `left` and `right` on one line, pushed apart; on two lines when they do not fit.
    fn pair(&mut self, left: &str, right: &str) {
        let (l, r) = (char_len(left), char_len(right));
        if right.is_empty() {
            self.left(left, TextStyle::NORMAL);
        } else if l + 1 + r <= self.columns {
            let gap = self.columns - l - r;
            self.line(
                format!("{left}{}{right}", " ".repeat(gap)),
                TextStyle::NORMAL,
            );
        } else {
            self.left(left, TextStyle::NORMAL);
            self.right(right);
        }
    }

    fn right(&mut self, text: &str) {
        for part in wrap(text, self.columns) {
            let pad = self.columns - char_len(&part);
            self.line(format!("{}{part}", " ".repeat(pad)), TextStyle::NORMAL);
        }
    }

    /// An amount right-aligned against its label, in the Indonesian format (`Rp11.500`).
    fn money(&mut self, label: &str, amount: Rupiah) {
        self.pair(label, &amount.to_string());
    }

    /// `Label        : value`, the value wrapped under itself. A value with a word too long
    /// for the value column (an SN of 20 digits on 58 mm paper) goes on the lines below at
    /// full width instead, so it is never broken in the middle when it need not be.
    fn labelled(&mut self, label: &str, value: &str) {
        let head = format!("{label:<LABEL_CHARS$}:");
        let room = self.columns.saturating_sub(VALUE_COLUMN);
        let fits_column = room > 0 && value.split(' ').all(|w| char_len(w) <= room);
        if fits_column {
            for (i, part) in wrap(value, room).into_iter().enumerate() {
                let lead = if i == 0 {
                    format!("{head} ")
                } else {
                    " ".repeat(VALUE_COLUMN)
                };
                self.line(format!("{lead}{part}"), TextStyle::NORMAL);
            }
        } else {
            self.line(head, TextStyle::NORMAL);
            self.left(value, TextStyle::NORMAL);
        }
    }
}

fn char_len(text: &str) -> usize {
    text.chars().count()
}

/// Greedy word wrap to `width` columns. Words longer than a line are cut into pieces of
/// exactly `width`; an empty text gives no lines. Input is one printable line (single
/// spaces, no control characters), so a character is a column.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut current_len = 0usize;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word_len = char_len(word);
        let mut rest = word;
        if current_len > 0 && current_len + 1 + word_len <= width {
            current.push(' ');
            current.push_str(word);
            current_len += 1 + word_len;
            continue;
        }
        if current_len > 0 {
            lines.push(std::mem::take(&mut current));
        }
        while word_len > width {
            let cut = rest
                .char_indices()
                .nth(width)
                .map_or(rest.len(), |(at, _)| at);
            lines.push(rest[..cut].to_owned());
            rest = &rest[cut..];
            word_len -= width;
        }
        current.push_str(rest);
        current_len = word_len;
    }
    if current_len > 0 {
        lines.push(current);
    }
    lines
}

/// The pending slip's title. The issue writes it with an em dash, which neither CP437 nor
/// PC858 has; it prints, and previews, as a hyphen.
pub const PENDING_TITLE: &str = "BUKTI PESANAN - BELUM SELESAI";
pub const REFUND_TITLE: &str = "BUKTI PENGEMBALIAN UANG";
pub const COPY_MARK: &str = "*** SALINAN ***";

/// Lays a receipt out for one paper width.
pub(crate) fn lay_out(receipt: &Receipt, width: PaperWidth) -> Vec<Block<'_>> {
    let r = receipt;
    let mut sheet = Sheet {
        columns: width.columns(),
        blocks: Vec::with_capacity(48),
    };
    if let Some(logo) = &r.logo {
        sheet.blocks.push(Block::Logo(logo));
    }
    sheet.center(&r.shop_name, TextStyle::TALL_BOLD);
    if let Some(address) = &r.shop_address {
        sheet.center(address, TextStyle::NORMAL);
    }
    if let Some(phone) = &r.shop_phone {
        sheet.center(phone, TextStyle::NORMAL);
    }
    if r.reprinted_at.is_some() {
        sheet.center(COPY_MARK, TextStyle::BOLD);
    }
    sheet.rule();
    match r.kind {
        ReceiptKind::Success => {}
        ReceiptKind::PendingSlip => sheet.center(PENDING_TITLE, TextStyle::BOLD),
        ReceiptKind::RefundSlip => sheet.center(REFUND_TITLE, TextStyle::BOLD),
    }
    let cashier = if r.cashier.is_empty() {
        String::new()
    } else {
        format!("Kasir: {}", r.cashier)
    };
    sheet.pair(&r.ordered_at, &cashier);
    if let Some(at) = &r.reprinted_at {
        sheet.left(&format!("Dicetak ulang {at}"), TextStyle::NORMAL);
    }
    sheet.left(&format!("No. {}", r.reference), TextStyle::NORMAL);
    sheet.rule();

    sheet.left(&r.product, TextStyle::BOLD);
    sheet.labelled(r.target_label, &r.target);
    if let Some(pln) = &r.pln {
        if let Some(name) = &pln.name {
            sheet.labelled("Nama", name);
        }
        if let Some(tariff) = &pln.tariff_power {
            sheet.labelled("Tarif/Daya", tariff);
        }
        if let Some(kwh) = &pln.kwh {
            sheet.labelled("kWh", kwh);
        }
    }
    if let Some(bill) = &r.bill {
        sheet.labelled("Nama", &bill.name);
        if let Some(tariff) = &bill.tariff_power {
            sheet.labelled("Tarif/Daya", tariff);
        }
        sheet.labelled("Periode", &bill.periods);
        if let Some(stand) = &bill.stand_meter {
            sheet.labelled("Stand Meter", stand);
        }
    }
    if let Some(sn) = &r.sn {
        let label = if r.bill.is_some() { "No. Ref" } else { "SN" };
        sheet.labelled(label, sn);
    }
    sheet.labelled("Status", &r.status);
    if let Some(pln) = &r.pln {
        sheet.rule();
        sheet.center("STROOM / TOKEN", TextStyle::NORMAL);
        let huge_fits = char_len(&pln.token) * 2 <= sheet.columns;
        let style = if huge_fits {
            TextStyle::HUGE_BOLD
        } else {
            TextStyle::TALL_BOLD
        };
        sheet.center(&pln.token, style);
    }
    sheet.rule();

    match r.kind {
        ReceiptKind::Success => {
            if let Some(bill) = &r.bill {
                sheet.money("Tagihan", bill.bill);
                if bill.penalty.is_positive() {
                    sheet.money("Denda", bill.penalty);
                }
                sheet.money("Admin", bill.admin);
                if bill.shop_fee.is_positive() {
                    sheet.money("Biaya loket", bill.shop_fee);
                }
                sheet.money("Total bayar", r.price);
            } else {
                sheet.money("Harga", r.price);
            }
            if let Some(cash) = r.cash {
                sheet.money("Tunai", cash.received);
                sheet.money("Kembali", cash.change);
            }
        }
        ReceiptKind::PendingSlip => sheet.money("Uang diterima", r.price),
        ReceiptKind::RefundSlip => sheet.money("Dikembalikan", r.price),
    }
    sheet.rule();

    match r.kind {
        ReceiptKind::Success => {
            if r.pln.is_some() {
                sheet.center("Masukkan token ke meter", TextStyle::NORMAL);
            }
            for line in &r.footer {
                sheet.center(line, TextStyle::NORMAL);
            }
        }
        ReceiptKind::PendingSlip => {
            sheet.center("Struk lunas dicetak setelah sukses.", TextStyle::NORMAL);
        }
        ReceiptKind::RefundSlip => {
            sheet.center("Pesanan tidak berhasil.", TextStyle::NORMAL);
            sheet.center("Uang dikembalikan kepada pelanggan.", TextStyle::NORMAL);
        }
    }
    sheet.blocks.push(Block::Qr(&r.reference));
    sheet.center(&r.reference, TextStyle::NORMAL);
    sheet.blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_words_and_cuts_only_what_is_too_long() {
        assert_eq!(wrap("a bb ccc", 4), vec!["a bb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("xy abcdefgh z", 4), vec!["xy", "abcd", "efgh", "z"]);
        assert!(wrap("", 4).is_empty());
        assert_eq!(wrap("éééé é", 4), vec!["éééé", "é"]);
    }

    #[test]
    fn amounts_align_right() {
        let mut sheet = Sheet {
            columns: 32,
            blocks: Vec::new(),
        };
        sheet.money("Harga", Rupiah::from_idr(11_500));
        sheet.labelled("SN", "41002315042959123456");
        let lines: Vec<&str> = sheet
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Line(l) => Some(l.text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(
            lines,
            vec![
                "Harga                   Rp11.500",
                "SN           :",
                "41002315042959123456",
            ]
        );
    }
}
