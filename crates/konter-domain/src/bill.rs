//! Postpaid bills (PPOB): the kinds a counter pays for its customers, their customer-number
//! rules, a bill as the supplier itemises it, and the shop's own admin fee.
//!
//! A bill is paid in two steps at the supplier: an inquiry (`inq-pasca`) that returns the
//! customer's name and the amounts, then a payment (`pay-pasca`) under the **same** `ref_id`
//! on the same calendar day (docs/suppliers.md, "Digiflazz: postpaid bills"). The shop's
//! saldo pays the bill's total (bill + penalty + the supplier's admin); the customer pays
//! that plus the shop's own "biaya admin loket", which is the shop's margin on a bill.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Duration, FixedOffset, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::codes::{self, Code};
use crate::money::{MoneyError, Rupiah};

/// The kinds of bills a counter pays.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum BillKind {
    /// PLN pascabayar: the monthly electricity bill, by 12-digit ID Pelanggan.
    PlnPasca,
    /// BPJS Kesehatan contributions, by the 13-digit card number or 16-digit VA.
    Bpjs,
    /// Regional water companies; each PDAM numbers its customers its own way.
    Pdam,
    /// Internet and TV subscriptions (IndiHome, Biznet, First Media, …).
    Internet,
    /// Instalments of a finance company (motorbike, goods); contract numbers.
    Multifinance,
}

impl BillKind {
    pub const ALL: [BillKind; 5] = [
        BillKind::PlnPasca,
        BillKind::Bpjs,
        BillKind::Pdam,
        BillKind::Internet,
        BillKind::Multifinance,
    ];

    pub fn code(&self) -> &'static str {
        match self {
            BillKind::PlnPasca => "pln_pasca",
            BillKind::Bpjs => "bpjs",
            BillKind::Pdam => "pdam",
            BillKind::Internet => "internet",
            BillKind::Multifinance => "multifinance",
        }
    }

    pub fn from_code(code: &str) -> Option<BillKind> {
        BillKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_id(&self) -> &'static str {
        match self {
            BillKind::PlnPasca => "PLN Pascabayar",
            BillKind::Bpjs => "BPJS Kesehatan",
            BillKind::Pdam => "PDAM",
            BillKind::Internet => "Internet & TV",
            BillKind::Multifinance => "Angsuran Kredit",
        }
    }

    /// The settings field of this kind's shop fee, as errors name it.
    pub fn fee_field(&self) -> &'static str {
        match self {
            BillKind::PlnPasca => "bill_fees.pln_pasca",
            BillKind::Bpjs => "bill_fees.bpjs",
            BillKind::Pdam => "bill_fees.pdam",
            BillKind::Internet => "bill_fees.internet",
            BillKind::Multifinance => "bill_fees.multifinance",
        }
    }

    /// How many characters a customer number of this kind has, and whether letters are
    /// allowed (finance contract numbers carry them).
    fn number_rule(&self) -> (usize, usize, bool) {
        match self {
            BillKind::PlnPasca => (12, 12, false),
            BillKind::Bpjs => (13, 16, false),
            BillKind::Pdam => (4, 20, false),
            BillKind::Internet => (6, 16, false),
            BillKind::Multifinance => (5, 20, true),
        }
    }

    fn number_hint_id(&self) -> &'static str {
        match self {
            BillKind::PlnPasca => "ID Pelanggan PLN 12 digit",
            BillKind::Bpjs => "nomor kartu BPJS 13 digit atau VA 16 digit",
            BillKind::Pdam => "nomor pelanggan PDAM 4 sampai 20 digit",
            BillKind::Internet => "nomor pelanggan internet/TV 6 sampai 16 digit",
            BillKind::Multifinance => "nomor kontrak 5 sampai 20 huruf/angka",
        }
    }
}

impl fmt::Display for BillKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The most a shop may set as its own fee on one bill, whatever cap it chooses.
pub const MAX_SHOP_FEE_IDR: i64 = 50_000;
/// A new shop's fee per bill, and its cap.
pub const DEFAULT_SHOP_FEE_IDR: i64 = 2_500;
pub const DEFAULT_SHOP_FEE_CAP_IDR: i64 = 10_000;

/// Bill input that does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BillError {
    #[error("customer_no: the customer number is empty")]
    Empty,
    #[error("customer_no: '{ch}' is not allowed in a {kind} customer number")]
    InvalidCharacter { kind: BillKind, ch: char },
    #[error("customer_no: a {kind} customer number has {min} to {max} characters, not {len}")]
    WrongLength {
        kind: BillKind,
        len: usize,
        min: usize,
        max: usize,
    },
    #[error("{}: the fee cannot be negative", kind.fee_field())]
    FeeNegative { kind: BillKind },
    #[error("{}: the fee {fee} is above the cap {cap}", kind.fee_field())]
    FeeAboveCap {
        kind: BillKind,
        fee: Rupiah,
        cap: Rupiah,
    },
    #[error(
        "bill_fee_cap_idr: the cap must be between Rp0 and {}",
        Rupiah::from_idr(MAX_SHOP_FEE_IDR)
    )]
    CapOutOfRange,
    #[error("periods: a bill has at least one period")]
    NoPeriods,
    #[error("periods: an amount of a bill cannot be negative")]
    NegativeAmount,
    #[error(transparent)]
    Money(#[from] MoneyError),
}

impl FieldError for BillError {
    fn field(&self) -> &'static str {
        match self {
            BillError::Empty
            | BillError::InvalidCharacter { .. }
            | BillError::WrongLength { .. } => "customer_no",
            BillError::FeeNegative { kind } | BillError::FeeAboveCap { kind, .. } => {
                kind.fee_field()
            }
            BillError::CapOutOfRange => "bill_fee_cap_idr",
            BillError::NoPeriods | BillError::NegativeAmount => "periods",
            BillError::Money(e) => e.field(),
        }
    }
    fn code(&self) -> Code {
        match self {
            BillError::Empty => codes::CUSTOMER_NO_EMPTY,
            BillError::InvalidCharacter { .. } => codes::CUSTOMER_NO_INVALID_CHARACTER,
            BillError::WrongLength { .. } => codes::CUSTOMER_NO_WRONG_LENGTH,
            BillError::FeeNegative { .. } => codes::BILL_FEE_NEGATIVE,
            BillError::FeeAboveCap { .. } => codes::BILL_FEE_ABOVE_CAP,
            BillError::CapOutOfRange => codes::BILL_FEE_CAP_INVALID,
            BillError::NoPeriods => codes::BILL_NO_PERIODS,
            BillError::NegativeAmount => codes::BILL_AMOUNT_NEGATIVE,
            BillError::Money(e) => e.code(),
        }
    }
    fn message_id(&self) -> String {
        match self {
            BillError::Empty => "nomor pelanggan kosong".into(),
            BillError::InvalidCharacter { kind, ch } => {
                format!(
                    "karakter '{ch}' tidak boleh ada di {}",
                    kind.number_hint_id()
                )
            }
            BillError::WrongLength { kind, len, .. } => {
                format!("harus {}, bukan {len}", kind.number_hint_id())
            }
            BillError::FeeNegative { .. } => "biaya admin tidak boleh negatif".into(),
            BillError::FeeAboveCap { fee, cap, .. } => {
                format!("biaya admin {fee} melebihi batas {cap}")
            }
            BillError::CapOutOfRange => format!(
                "batas biaya admin harus antara Rp0 dan {}",
                Rupiah::from_idr(MAX_SHOP_FEE_IDR)
            ),
            BillError::NoPeriods => "tagihan tanpa periode".into(),
            BillError::NegativeAmount => "jumlah tagihan tidak boleh negatif".into(),
            BillError::Money(e) => e.message_id(),
        }
    }
}

/// A checked customer number for one kind of bill: separators removed, letters upper-case.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CustomerNo {
    kind: BillKind,
    text: String,
}

impl CustomerNo {
    /// Reads a typed customer number; spaces, dashes, dots and slashes between characters
    /// are ignored.
    pub fn parse(kind: BillKind, input: &str) -> Result<CustomerNo, BillError> {
        let (min, max, letters) = kind.number_rule();
        let mut text = String::with_capacity(input.len().min(max + 1));
        for ch in input.chars() {
            match ch {
                '0'..='9' => text.push(ch),
                c if letters && c.is_ascii_alphabetic() => text.push(c.to_ascii_uppercase()),
                ' ' | '-' | '.' | '/' | '\t' => {}
                ch => return Err(BillError::InvalidCharacter { kind, ch }),
            }
            if text.len() > max {
                break;
            }
        }
        let len = text.len();
        if len == 0 {
            return Err(BillError::Empty);
        }
        if len < min || len > max {
            return Err(BillError::WrongLength {
                kind,
                len: input.chars().filter(|c| c.is_ascii_alphanumeric()).count(),
                min,
                max,
            });
        }
        Ok(CustomerNo { kind, text })
    }

    pub fn kind(&self) -> BillKind {
        self.kind
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Debug for CustomerNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CustomerNo({}:{})", self.kind, self.text)
    }
}

impl fmt::Display for CustomerNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The bill kinds a typed number plausibly is, for the counter's smart input. Only shapes
/// that are distinctive are guessed: 12 digits (PLN ID Pelanggan) and 13 or 16 digits
/// (BPJS). PDAM, internet and finance numbers overlap with everything; the cashier picks
/// those explicitly.
pub fn detect(input: &str) -> Vec<BillKind> {
    let digits_only = input
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.'));
    if !digits_only {
        return Vec::new();
    }
    let n = input.chars().filter(char::is_ascii_digit).count();
    match n {
        12 => vec![BillKind::PlnPasca],
        13 | 16 => vec![BillKind::Bpjs],
        _ => Vec::new(),
    }
}

/// One period (usually a month) of a bill.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BillPeriod {
    /// As the supplier writes it: `202611`, `NOV 2026`.
    pub period: String,
    pub amount_idr: Rupiah,
    pub admin_idr: Rupiah,
    pub penalty_idr: Rupiah,
    /// PLN: meter stand at the start and the end of the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub meter_start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub meter_end: Option<String>,
}

/// A bill as the supplier itemised it at inquiry, with its totals.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Bill {
    pub customer_name: String,
    /// PLN: the tariff (`R1`) and power (`1300 VA`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub tariff: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub power: Option<String>,
    pub periods: Vec<BillPeriod>,
    /// Sum of the periods' amounts.
    pub bill_idr: Rupiah,
    pub penalty_idr: Rupiah,
    /// The supplier's admin fee over all periods.
    pub admin_idr: Rupiah,
    /// bill + penalty + admin: what the shop's saldo pays.
    pub total_idr: Rupiah,
}

impl Bill {
    /// A bill from its periods; the totals are their sums, so they always agree.
    pub fn from_periods(
        customer_name: String,
        tariff: Option<String>,
        power: Option<String>,
        periods: Vec<BillPeriod>,
    ) -> Result<Bill, BillError> {
        if periods.is_empty() {
            return Err(BillError::NoPeriods);
        }
        let negative = periods.iter().any(|p| {
            p.amount_idr.is_negative() || p.admin_idr.is_negative() || p.penalty_idr.is_negative()
        });
        if negative {
            return Err(BillError::NegativeAmount);
        }
        let sum = |f: fn(&BillPeriod) -> Rupiah| Rupiah::checked_sum(periods.iter().map(f));
        let bill_idr = sum(|p| p.amount_idr)?;
        let penalty_idr = sum(|p| p.penalty_idr)?;
        let admin_idr = sum(|p| p.admin_idr)?;
        let total_idr = bill_idr.checked_add(penalty_idr)?.checked_add(admin_idr)?;
        Ok(Bill {
            customer_name,
            tariff,
            power,
            periods,
            bill_idr,
            penalty_idr,
            admin_idr,
            total_idr,
        })
    }
}

/// Western Indonesia Time (UTC+7), the suppliers' calendar for the same-day rule.
pub const WIB: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+7 is a valid offset"),
};

/// Until when a bill inquired at `at` may be paid: the end of that calendar day in WIB
/// (a bill can only be paid on the day of its inquiry).
pub fn inquiry_expires_at(at: DateTime<Utc>) -> DateTime<Utc> {
    let local = at.with_timezone(&WIB);
    let next_midnight = local.date_naive().and_time(NaiveTime::MIN) + Duration::days(1);
    next_midnight
        .and_local_timezone(WIB)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(at)
}

/// The start of the WIB calendar day `at` falls in: a bill paid since then is paid today.
pub fn bill_day_start(at: DateTime<Utc>) -> DateTime<Utc> {
    inquiry_expires_at(at) - Duration::days(1)
}

/// The shop's own admin fee per bill kind, within a cap the owner sets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopFees {
    pub cap_idr: Rupiah,
    pub fees: BTreeMap<BillKind, Rupiah>,
}

impl Default for ShopFees {
    fn default() -> Self {
        ShopFees {
            cap_idr: Rupiah::from_idr(DEFAULT_SHOP_FEE_CAP_IDR),
            fees: BillKind::ALL
                .into_iter()
                .map(|k| (k, Rupiah::from_idr(DEFAULT_SHOP_FEE_IDR)))
                .collect(),
        }
    }
}

impl ShopFees {
    /// Checks the cap and every fee against it; the first field that does not hold.
    pub fn check(&self) -> Result<(), BillError> {
        if self.cap_idr.is_negative() || self.cap_idr.idr() > MAX_SHOP_FEE_IDR {
            return Err(BillError::CapOutOfRange);
        }
        for (kind, fee) in &self.fees {
            if fee.is_negative() {
                return Err(BillError::FeeNegative { kind: *kind });
            }
            if *fee > self.cap_idr {
                return Err(BillError::FeeAboveCap {
                    kind: *kind,
                    fee: *fee,
                    cap: self.cap_idr,
                });
            }
        }
        Ok(())
    }

    /// The fee for one bill of `kind` (zero when the owner set none).
    pub fn fee(&self, kind: BillKind) -> Rupiah {
        self.fees.get(&kind).copied().unwrap_or(Rupiah::ZERO)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rp(x: i64) -> Rupiah {
        Rupiah::from_idr(x)
    }

    fn period(amount: i64, admin: i64, penalty: i64) -> BillPeriod {
        BillPeriod {
            period: "202611".into(),
            amount_idr: rp(amount),
            admin_idr: rp(admin),
            penalty_idr: rp(penalty),
            meter_start: None,
            meter_end: None,
        }
    }

    #[test]
    fn customer_numbers_follow_each_kind() {
        let pln = CustomerNo::parse(BillKind::PlnPasca, "5300 0000 0001").expect("idpel");
        assert_eq!(pln.as_str(), "530000000001");
        let err = CustomerNo::parse(BillKind::PlnPasca, "53000000001").expect_err("11 digits");
        assert_eq!(err.field(), "customer_no");
        assert_eq!(err.code(), "customer_no_wrong_length");
        assert!(
            err.message_id().contains("12 digit"),
            "{}",
            err.message_id()
        );
        assert!(CustomerNo::parse(BillKind::Bpjs, "8801234560001").is_ok());
        assert!(CustomerNo::parse(BillKind::Bpjs, "8888801234567890").is_ok());
        assert!(CustomerNo::parse(BillKind::Bpjs, "88012345600").is_err());
        assert!(CustomerNo::parse(BillKind::Pdam, "1013226").is_ok());
        assert!(CustomerNo::parse(BillKind::Pdam, "10A3226").is_err());
        let mf = CustomerNo::parse(BillKind::Multifinance, "adr-1234/56").expect("contract");
        assert_eq!(mf.as_str(), "ADR123456");
        assert_eq!(
            CustomerNo::parse(BillKind::Internet, "").map_err(|e| e.code().as_str()),
            Err("customer_no_empty")
        );
        assert!(CustomerNo::parse(BillKind::Internet, &"1".repeat(40)).is_err());
    }

    #[test]
    fn detection_guesses_only_distinctive_shapes() {
        assert_eq!(detect("5300-0000-0001"), vec![BillKind::PlnPasca]);
        assert_eq!(detect("8801234560001"), vec![BillKind::Bpjs]);
        assert!(detect("1013226").is_empty());
        assert!(detect("ABC123456789").is_empty());
    }

    #[test]
    fn a_bill_totals_its_periods() {
        let bill = Bill::from_periods(
            "BUDI".into(),
            Some("R1".into()),
            Some("1300 VA".into()),
            vec![period(150_000, 2_500, 0), period(120_000, 2_500, 5_000)],
        )
        .expect("bill");
        assert_eq!(bill.bill_idr, rp(270_000));
        assert_eq!(bill.admin_idr, rp(5_000));
        assert_eq!(bill.penalty_idr, rp(5_000));
        assert_eq!(bill.total_idr, rp(280_000));
        assert_eq!(
            Bill::from_periods("X".into(), None, None, vec![]).map_err(|e| e.field()),
            Err("periods")
        );
        assert!(Bill::from_periods("X".into(), None, None, vec![period(-1, 0, 0)]).is_err());
    }

    #[test]
    fn an_inquiry_expires_at_midnight_wib() {
        let at = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .expect("time")
                .with_timezone(&Utc)
        };
        // 16:59 UTC is 23:59 WIB: one minute left.
        assert_eq!(
            inquiry_expires_at(at("2026-11-28T16:59:00Z")),
            at("2026-11-28T17:00:00Z")
        );
        // 17:00 UTC is already the next day in WIB.
        assert_eq!(
            inquiry_expires_at(at("2026-11-28T17:00:00Z")),
            at("2026-11-29T17:00:00Z")
        );
        assert_eq!(
            inquiry_expires_at(at("2026-11-28T03:00:00Z")),
            at("2026-11-28T17:00:00Z")
        );
        // 03:00 UTC is 10:00 WIB; that day began at 17:00 UTC the day before.
        assert_eq!(
            bill_day_start(at("2026-11-28T03:00:00Z")),
            at("2026-11-27T17:00:00Z")
        );
        assert_eq!(
            bill_day_start(at("2026-11-28T17:00:00Z")),
            at("2026-11-28T17:00:00Z")
        );
    }

    #[test]
    fn shop_fees_stay_within_the_cap() {
        let mut fees = ShopFees::default();
        assert_eq!(fees.check(), Ok(()));
        assert_eq!(fees.fee(BillKind::Pdam), rp(DEFAULT_SHOP_FEE_IDR));
        fees.fees.insert(BillKind::Bpjs, rp(12_000));
        let err = fees.check().expect_err("above cap");
        assert_eq!(err.field(), "bill_fees.bpjs");
        assert_eq!(err.code(), "bill_fee_above_cap");
        fees.fees.insert(BillKind::Bpjs, rp(-1));
        assert_eq!(
            fees.check().map_err(|e| e.code().as_str()),
            Err("bill_fee_negative")
        );
        fees.fees.insert(BillKind::Bpjs, rp(0));
        fees.cap_idr = rp(MAX_SHOP_FEE_IDR + 1);
        assert_eq!(fees.check().map_err(|e| e.field()), Err("bill_fee_cap_idr"));
    }
}
