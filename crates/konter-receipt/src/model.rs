//! What a receipt says, and which receipt an order may get.
//!
//! The device engine fills a [`ReceiptOrder`] from committed rows and a [`ShopProfile`]
//! from the shop's settings. [`Receipt::for_order`] is the only way to make a [`Receipt`],
//! and it asks [`receipt_kind`] first: there is no way to build a success receipt for an
//! order that has not succeeded.

use chrono::{DateTime, FixedOffset, Utc};
use konter_domain::bill::{Bill, BillKind};
use konter_domain::money::Rupiah;
use konter_domain::order::OrderStatus;
use konter_domain::phone::PhoneNumber;
use konter_domain::pln::{PlnNumberKind, PlnTokenSn};
use konter_domain::target::Target;
use serde::{Deserialize, Serialize};

use crate::codepage::printable_line;

/// Longest order reference we accept. The QR code carries it, and 32 bytes keep the symbol
/// at QR version 3 or below at error level M (29 modules, 174 dots at 6 dots a module),
/// which fits the 384-dot printhead of 58 mm paper with room for the quiet zone.
pub const MAX_REFERENCE_CHARS: usize = 32;

/// Longest text field (shop name, address, product, cashier, SN, one footer line), in
/// characters as typed. About five lines at 32 columns: anything longer is a bug upstream,
/// not a name, and would push the token and the amounts off the first screen of paper.
pub const MAX_FIELD_CHARS: usize = 160;

/// Most footer lines a shop may set: a greeting, an opening-hours line, a complaint number,
/// a social account — six is plenty and stops a pasted paragraph from wasting a metre of roll.
pub const MAX_FOOTER_LINES: usize = 6;

/// Widest logo, in dots: the printable width of 58 mm paper (48 mm at 8 dots/mm). A wider
/// raster is clipped or rejected by 58 mm printers; 80 mm printers centre it.
pub const MAX_LOGO_WIDTH_PX: u16 = 384;

/// Tallest logo, in dots (32 mm). Bounds the raster to 12 KiB and the paper it costs.
pub const MAX_LOGO_HEIGHT_PX: u16 = 256;

/// Indonesia's three time zones. None has daylight saving, so each is a fixed offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShopZone {
    /// Waktu Indonesia Barat, UTC+7 (Sumatra, Java, West and Central Kalimantan).
    Wib,
    /// Waktu Indonesia Tengah, UTC+8 (Bali, Nusa Tenggara, Sulawesi, East Kalimantan).
    Wita,
    /// Waktu Indonesia Timur, UTC+9 (Maluku, Papua).
    Wit,
}

impl ShopZone {
    pub fn offset_hours(self) -> i32 {
        match self {
            ShopZone::Wib => 7,
            ShopZone::Wita => 8,
            ShopZone::Wit => 9,
        }
    }

    /// The abbreviation printed after the time.
    pub fn label(self) -> &'static str {
        match self {
            ShopZone::Wib => "WIB",
            ShopZone::Wita => "WITA",
            ShopZone::Wit => "WIT",
        }
    }

    /// `28/11/2026 14:05 WIB`: the shop's wall clock, as a customer reads it.
    pub fn format(self, at: DateTime<Utc>) -> Result<String, ReceiptError> {
        let offset = FixedOffset::east_opt(self.offset_hours() * 3600)
            .ok_or(ReceiptError::TimeOutOfRange)?;
        let local = at.with_timezone(&offset);
        Ok(format!(
            "{} {}",
            local.format("%d/%m/%Y %H:%M"),
            self.label()
        ))
    }
}

/// A shop logo as a 1-bit raster, already scaled and dithered by whoever stored it: rows top
/// to bottom, each `ceil(width_px / 8)` bytes, most significant bit leftmost, 1 = black.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logo {
    pub width_px: u16,
    pub height_px: u16,
    pub bits: Vec<u8>,
}

impl Logo {
    pub fn bytes_per_row(&self) -> usize {
        usize::from(self.width_px).div_ceil(8)
    }

    fn check(&self) -> Result<(), ReceiptError> {
        let bad = |reason: String| Err(ReceiptError::Logo { reason });
        if self.width_px == 0 || self.height_px == 0 {
            return bad("the logo is empty".into());
        }
        if self.width_px > MAX_LOGO_WIDTH_PX || self.height_px > MAX_LOGO_HEIGHT_PX {
            return bad(format!(
                "the logo is {}x{} dots; at most {MAX_LOGO_WIDTH_PX}x{MAX_LOGO_HEIGHT_PX}",
                self.width_px, self.height_px
            ));
        }
        let expected = self.bytes_per_row() * usize::from(self.height_px);
        if self.bits.len() != expected {
            return bad(format!(
                "the logo has {} bytes of raster; {expected} expected",
                self.bits.len()
            ));
        }
        Ok(())
    }
}

/// The shop's receipt settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopProfile {
    pub name: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub logo: Option<Logo>,
    pub zone: ShopZone,
    /// Printed at the bottom of success receipts only: a footer such as "pulsa sudah masuk"
    /// would be a lie on a slip for an order that is not finished.
    pub footer: Vec<String>,
    /// Whether success receipts show `Tunai` and `Kembali` under the price.
    pub show_cash_block: bool,
    /// Whether an original print opens the cash drawer (never a reprint).
    pub kick_drawer: bool,
}

/// Cash the customer handed over, and the change given back, as committed by the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashPayment {
    pub received: Rupiah,
    pub change: Rupiah,
}

/// One order, as the device store committed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptOrder {
    /// The short number the customer sees (`KNT-2611-000123`), which the QR code carries.
    pub reference: String,
    pub status: OrderStatus,
    /// The catalogue name, `PULSA TELKOMSEL 10.000`.
    pub product_name: String,
    pub target: Target,
    /// The supplier's serial number, exactly as sent.
    pub sn: Option<String>,
    pub price: Rupiah,
    pub cash: Option<CashPayment>,
    pub cashier: String,
    pub ordered_at: DateTime<Utc>,
    /// A bill payment's lines; `price` is then their sum.
    pub bill: Option<ReceiptBill>,
}

/// A paid bill as its inquiry itemised it, plus the shop's own fee.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptBill {
    pub bill: Bill,
    /// The shop's "biaya admin loket".
    pub shop_fee: Rupiah,
}

/// What the cashier asked to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Wanted {
    /// The receipt the order's status allows: a success receipt or a pending slip.
    Receipt,
    /// A slip for a failed or refunded order, saying the money went back.
    RefundSlip,
}

/// A first print, or a copy printed later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrintCopy {
    Original,
    /// A reprint says `*** SALINAN ***` and when it was printed.
    Reprint {
        printed_at: DateTime<Utc>,
    },
}

/// Which receipt an order gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptKind {
    /// The order succeeded: the full receipt with SN or token.
    Success,
    /// Queued, accepted, processing or pending: `BUKTI PESANAN - BELUM SELESAI`, never a
    /// success receipt, because the product may still fail.
    PendingSlip,
    /// Failed or refunded, printed only on request: the money went back to the customer.
    RefundSlip,
}

/// Decides what may be printed for an order in `status`. `None` means nothing: a failed
/// order gets no receipt unless a refund slip is asked for, and a refund slip is never
/// printed for an order that may still succeed or already did.
pub fn receipt_kind(status: OrderStatus, wanted: Wanted) -> Option<ReceiptKind> {
    use OrderStatus::*;
    match (wanted, status) {
        (Wanted::Receipt, Success) => Some(ReceiptKind::Success),
        (Wanted::Receipt, Queued | Accepted | Processing | Pending) => {
            Some(ReceiptKind::PendingSlip)
        }
        (Wanted::Receipt, Failed | Refunded) => None,
        (Wanted::RefundSlip, Failed | Refunded) => Some(ReceiptKind::RefundSlip),
        (Wanted::RefundSlip, Queued | Accepted | Processing | Pending | Success) => None,
    }
}

/// Why a receipt could not be made from the order and the shop's settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    #[error(
        "reference: '{reference}' is not an order number (1 to {MAX_REFERENCE_CHARS} of A-Z, 0-9, - _ / .)"
    )]
    Reference { reference: String },
    #[error("{field}: empty")]
    Empty { field: &'static str },
    #[error("{field}: longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("footer: more than {MAX_FOOTER_LINES} lines")]
    FooterTooLong,
    #[error("cash: received {received} for a price of {price}, change {change} does not add up")]
    ChangeMismatch {
        price: Rupiah,
        received: Rupiah,
        change: Rupiah,
    },
    #[error("logo: {reason}")]
    Logo { reason: String },
    #[error("bill: its lines add up to {lines} but the price is {price}")]
    BillMismatch { lines: Rupiah, price: Rupiah },
    #[error("time: outside the range a receipt can show")]
    TimeOutOfRange,
}

/// The PLN part of a success receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PlnDetails {
    /// `1234-5678-9012-3456-7890`.
    pub token: String,
    pub name: Option<String>,
    /// `R1M / 900 VA`.
    pub tariff_power: Option<String>,
    /// `32,5`.
    pub kwh: Option<String>,
}

/// The bill part of a bill receipt, printable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BillDetails {
    pub name: String,
    /// `R1 / 2200 VA`.
    pub tariff_power: Option<String>,
    /// `202610, 202611`.
    pub periods: String,
    /// PLN: `00029867 - 00030195`.
    pub stand_meter: Option<String>,
    pub bill: Rupiah,
    pub penalty: Rupiah,
    pub admin: Rupiah,
    pub shop_fee: Rupiah,
}

/// A receipt ready to lay out: every text already printable in the code page, every
/// number formatted. Made only by [`Receipt::for_order`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub(crate) kind: ReceiptKind,
    pub(crate) shop_name: String,
    pub(crate) shop_address: Option<String>,
    pub(crate) shop_phone: Option<String>,
    pub(crate) logo: Option<Logo>,
    pub(crate) ordered_at: String,
    pub(crate) reprinted_at: Option<String>,
    pub(crate) cashier: String,
    pub(crate) reference: String,
    pub(crate) product: String,
    pub(crate) target_label: &'static str,
    pub(crate) target: String,
    pub(crate) status: String,
    pub(crate) sn: Option<String>,
    pub(crate) pln: Option<PlnDetails>,
    pub(crate) bill: Option<BillDetails>,
    pub(crate) price: Rupiah,
    pub(crate) cash: Option<CashPayment>,
    pub(crate) footer: Vec<String>,
    pub(crate) kick_drawer: bool,
}

impl Receipt {
    /// The receipt `wanted` for `order`, or `Ok(None)` when [`receipt_kind`] says nothing
    /// may be printed.
    pub fn for_order(
        shop: &ShopProfile,
        order: &ReceiptOrder,
        wanted: Wanted,
        copy: PrintCopy,
    ) -> Result<Option<Receipt>, ReceiptError> {
        let Some(kind) = receipt_kind(order.status, wanted) else {
            return Ok(None);
        };
        check_reference(&order.reference)?;
        if let Some(logo) = &shop.logo {
            logo.check()?;
        }
        if shop.footer.len() > MAX_FOOTER_LINES {
            return Err(ReceiptError::FooterTooLong);
        }
        if let Some(cash) = order.cash {
            let adds_up = cash
                .received
                .checked_sub(order.price)
                .is_ok_and(|change| change == cash.change && !change.is_negative());
            if !adds_up {
                return Err(ReceiptError::ChangeMismatch {
                    price: order.price,
                    received: cash.received,
                    change: cash.change,
                });
            }
        }
        let shop_name = required("shop.name", &shop.name)?;
        let product = required("product_name", &order.product_name)?;
        let shop_phone = match shop.phone.as_deref() {
            Some(raw) => match PhoneNumber::parse(raw) {
                Ok(phone) => Some(phone.grouped()),
                Err(_) => optional("shop.phone", Some(raw))?,
            },
            None => None,
        };
        let (target_label, target) = target_text(&order.target);
        let sn = optional("sn", order.sn.as_deref())?;
        let bill = order
            .bill
            .as_ref()
            .map(|b| bill_details(b, order.price))
            .transpose()?;
        let pln = match (&order.target, kind, order.sn.as_deref()) {
            (Target::Pln(_), ReceiptKind::Success, Some(raw)) => pln_details(raw)?,
            _ => None,
        };
        let reprinted_at = match copy {
            PrintCopy::Original => None,
            PrintCopy::Reprint { printed_at } => Some(shop.zone.format(printed_at)?),
        };
        let status = match kind {
            ReceiptKind::PendingSlip => {
                format!("MENUNGGU ({})", order.status.label_id().to_lowercase())
            }
            ReceiptKind::Success | ReceiptKind::RefundSlip => {
                order.status.label_id().to_uppercase()
            }
        };
        let footer = shop
            .footer
            .iter()
            .map(|line| clean("shop.footer", line))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(Receipt {
            kind,
            shop_name,
            shop_address: optional("shop.address", shop.address.as_deref())?,
            shop_phone,
            logo: shop.logo.clone(),
            ordered_at: shop.zone.format(order.ordered_at)?,
            reprinted_at,
            cashier: clean("cashier", &order.cashier)?,
            reference: order.reference.clone(),
            product,
            target_label,
            target,
            status,
            // Only a success shows an SN (on a slip it would read like proof of delivery),
            // and a PLN token receipt shows the token block instead of the raw SN.
            sn: sn.filter(|_| kind == ReceiptKind::Success && pln.is_none()),
            pln,
            bill,
            price: order.price,
            cash: order.cash.filter(|_| shop.show_cash_block),
            footer,
            kick_drawer: shop.kick_drawer && copy == PrintCopy::Original,
        }))
    }

    pub fn kind(&self) -> ReceiptKind {
        self.kind
    }

    pub fn reference(&self) -> &str {
        &self.reference
    }

    pub fn is_reprint(&self) -> bool {
        self.reprinted_at.is_some()
    }
}

/// A bill's printable lines; they must add up to what the customer paid.
fn bill_details(b: &ReceiptBill, price: Rupiah) -> Result<BillDetails, ReceiptError> {
    let bill = &b.bill;
    let lines = Rupiah::checked_sum([bill.total_idr, b.shop_fee]).unwrap_or(Rupiah::ZERO);
    if lines != price {
        return Err(ReceiptError::BillMismatch { lines, price });
    }
    let tariff_power = match (bill.tariff.as_deref(), bill.power.as_deref()) {
        (Some(t), Some(p)) => Some(format!("{t} / {p}")),
        (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
        (None, None) => None,
    };
    let periods: Vec<&str> = bill.periods.iter().map(|p| p.period.as_str()).collect();
    let stand_meter = match (
        bill.periods.first().and_then(|p| p.meter_start.as_deref()),
        bill.periods.last().and_then(|p| p.meter_end.as_deref()),
    ) {
        (Some(start), Some(end)) => Some(format!("{start} - {end}")),
        _ => None,
    };
    Ok(BillDetails {
        name: required("bill.customer_name", &bill.customer_name)?,
        tariff_power: optional("bill.tariff", tariff_power.as_deref())?,
        periods: clean("bill.periods", &periods.join(", "))?,
        stand_meter: optional("bill.meter", stand_meter.as_deref())?,
        bill: bill.bill_idr,
        penalty: bill.penalty_idr,
        admin: bill.admin_idr,
        shop_fee: b.shop_fee,
    })
}

/// The reference goes into the QR code as raw bytes (the `escpos` crate does not encode QR
/// data through the code page), so only ASCII that every scanner reads back unchanged.
fn check_reference(reference: &str) -> Result<(), ReceiptError> {
    let ok = (1..=MAX_REFERENCE_CHARS).contains(&reference.len())
        && reference
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'/' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(ReceiptError::Reference {
            reference: reference.chars().take(MAX_REFERENCE_CHARS).collect(),
        })
    }
}

/// A text field made printable, after its length is checked on the input as typed (so the
/// work done on it is bounded whatever it contains).
fn clean(field: &'static str, raw: &str) -> Result<String, ReceiptError> {
    if raw.chars().count() > MAX_FIELD_CHARS {
        return Err(ReceiptError::TooLong {
            field,
            max: MAX_FIELD_CHARS,
        });
    }
    Ok(printable_line(raw))
}

fn required(field: &'static str, raw: &str) -> Result<String, ReceiptError> {
    let text = clean(field, raw)?;
    if text.is_empty() {
        return Err(ReceiptError::Empty { field });
    }
    Ok(text)
}

fn optional(field: &'static str, raw: Option<&str>) -> Result<Option<String>, ReceiptError> {
    match raw {
        Some(raw) => Ok(Some(clean(field, raw)?).filter(|t| !t.is_empty())),
        None => Ok(None),
    }
}

/// The label and the number as a person reads it: phones grouped 4-4-4, PLN numbers as
/// printed on the meter, game ids with their zone.
fn target_text(target: &Target) -> (&'static str, String) {
    match target {
        Target::Phone(phone) => ("Nomor", phone.grouped()),
        Target::EMoney(account) => ("Nomor", group_by_four(account.local())),
        Target::Pln(number) => match number.kind() {
            PlnNumberKind::Meter => ("No. Meter", number.as_str().to_owned()),
            PlnNumberKind::CustomerId => ("ID Pelanggan", number.as_str().to_owned()),
        },
        Target::Game(game) => ("ID Game", printable_line(&game.to_string())),
        Target::Bill(number) if number.kind() == BillKind::PlnPasca => {
            ("ID Pelanggan", number.as_str().to_owned())
        }
        Target::Bill(number) => ("No. Pelanggan", number.as_str().to_owned()),
    }
}

fn group_by_four(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 4);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && i.is_multiple_of(4) {
            out.push('-');
        }
        out.push(c);
    }
    out
}

/// The token block of a PLN receipt. An SN without a 20-digit token is not an error: the
/// receipt then prints the SN as the supplier sent it, and the cashier reads it from there.
fn pln_details(sn: &str) -> Result<Option<PlnDetails>, ReceiptError> {
    if sn.chars().count() > MAX_FIELD_CHARS {
        return Err(ReceiptError::TooLong {
            field: "sn",
            max: MAX_FIELD_CHARS,
        });
    }
    let Ok(parsed) = PlnTokenSn::parse(sn) else {
        return Ok(None);
    };
    let power = parsed.power_va.map(|va| format!("{va} VA"));
    let tariff = parsed
        .tariff
        .as_deref()
        .map(printable_line)
        .filter(|t| !t.is_empty());
    let tariff_power = match (tariff, power) {
        (Some(t), Some(p)) => Some(format!("{t} / {p}")),
        (Some(t), None) => Some(t),
        (None, Some(p)) => Some(p),
        (None, None) => None,
    };
    Ok(Some(PlnDetails {
        token: parsed.token.to_string(),
        name: parsed
            .name
            .as_deref()
            .map(printable_line)
            .filter(|n| !n.is_empty()),
        tariff_power,
        // Indonesian writes a decimal comma: 32,5 kWh.
        kwh: parsed
            .kwh
            .map(|k| k.normalize().to_string().replace('.', ",")),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_success_gets_a_success_receipt() {
        for status in OrderStatus::ALL {
            let kind = receipt_kind(status, Wanted::Receipt);
            assert_eq!(
                kind == Some(ReceiptKind::Success),
                status == OrderStatus::Success,
                "{status:?} must get a success receipt only when it succeeded"
            );
            let refund = receipt_kind(status, Wanted::RefundSlip);
            assert_eq!(
                refund.is_some(),
                matches!(status, OrderStatus::Failed | OrderStatus::Refunded),
                "a refund slip for {status:?} would tell the customer the wrong thing"
            );
        }
        assert_eq!(
            receipt_kind(OrderStatus::Queued, Wanted::Receipt),
            Some(ReceiptKind::PendingSlip)
        );
        assert_eq!(receipt_kind(OrderStatus::Failed, Wanted::Receipt), None);
    }

    #[test]
    fn zones_are_fixed_offsets() {
        let at = DateTime::parse_from_rfc3339("2026-11-28T07:05:00Z")
            .expect("fixed")
            .with_timezone(&Utc);
        assert_eq!(
            ShopZone::Wib.format(at).expect("in range"),
            "28/11/2026 14:05 WIB"
        );
        assert_eq!(
            ShopZone::Wita.format(at).expect("in range"),
            "28/11/2026 15:05 WITA"
        );
        assert_eq!(
            ShopZone::Wit.format(at).expect("in range"),
            "28/11/2026 16:05 WIT"
        );
    }

    #[test]
    fn references_are_plain_ascii() {
        assert!(check_reference("KNT-2611-000123").is_ok());
        for bad in ["", "KNT 1", "KNT-é", &"X".repeat(MAX_REFERENCE_CHARS + 1)] {
            assert!(check_reference(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn pln_details_read_every_sn_shape() {
        let d = pln_details("5721-7714-3897-2629-3021/BUDI-SANTOSO  /R1M/900VA/32.5KWH")
            .expect("short")
            .expect("token");
        assert_eq!(d.token, "5721-7714-3897-2629-3021");
        assert_eq!(d.name.as_deref(), Some("BUDI SANTOSO"));
        assert_eq!(d.tariff_power.as_deref(), Some("R1M / 900 VA"));
        assert_eq!(d.kwh.as_deref(), Some("32,5"));
        assert_eq!(pln_details("REF-123").expect("short"), None);
    }
}
