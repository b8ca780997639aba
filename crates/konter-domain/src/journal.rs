//! The sales journal: the facts of each sale and shift close that only the counter knows
//! (what the customer paid, the cash and change, who sold it, when in the shop's day), sent
//! by each device through its outbox so the owner sees the whole shop on the server.
//!
//! The server keeps one row per id (the order's id for a sale, the shift's for a close): a
//! copy sent again is the same row, never a second one. Every fact is checked here, the
//! same way on both sides, so the server stores only what adds up.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::catalogue::{Category, Sku};
use crate::codes::{self, Code};
use crate::error::FieldError;
use crate::ids::{CashierId, OrderId, ShiftId};
use crate::money::Rupiah;

/// Most entries one `POST /v1/journal` may carry: a day offline (a few hundred sales)
/// arrives in a few requests, each well under the body limit.
pub const MAX_JOURNAL_BATCH: usize = 100;
/// Longest cashier or product name kept.
pub const MAX_NAME_CHARS: usize = 80;
/// The zones of Indonesia: WIB (UTC+7), WITA (UTC+8), WIT (UTC+9).
pub const UTC_OFFSETS_H: std::ops::RangeInclusive<i8> = 7..=9;

/// One sale as the counter made it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sale {
    /// The order's id: the journal row's key.
    pub order_id: OrderId,
    /// The device's cashier account; none when the owner sold without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cashier_id: Option<CashierId>,
    pub cashier_name: String,
    pub sku: Sku,
    pub product_name: String,
    pub category: Category,
    /// What the customer paid (the shop's selling price, with a bill's fee).
    pub price_idr: Rupiah,
    /// What the shop's saldo pays for it.
    pub cost_idr: Rupiah,
    /// The shop's own fee on a bill ("biaya admin loket"); zero for anything else.
    pub fee_idr: Rupiah,
    /// Cash received and the change given: received − change = price.
    pub cash_idr: Rupiah,
    pub change_idr: Rupiah,
    pub sold_at: DateTime<Utc>,
    /// The shop's calendar day of `sold_at` in its zone, as the device's report counts it.
    pub day: NaiveDate,
    /// The shop's zone: hours east of UTC (7 WIB, 8 WITA, 9 WIT).
    pub utc_offset_h: i8,
}

/// One shift closed against the counted cash.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftClose {
    pub shift_id: ShiftId,
    pub cashier_id: CashierId,
    pub cashier_name: String,
    pub opened_at: DateTime<Utc>,
    pub closed_at: DateTime<Utc>,
    pub opening_cash_idr: Rupiah,
    /// The opening cash plus every sale of the shift not given back.
    pub expected_cash_idr: Rupiah,
    pub counted_cash_idr: Rupiah,
    /// Counted − expected: negative when the drawer is short.
    pub difference_idr: Rupiah,
    /// Who closed it (the cashier, or the owner for them).
    pub closed_by: String,
    pub day: NaiveDate,
    pub utc_offset_h: i8,
}

/// One entry of the journal.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entry {
    Sale(Sale),
    ShiftClose(ShiftClose),
}

impl Entry {
    /// The entry's key: the order's id or the shift's.
    pub fn id(&self) -> uuid::Uuid {
        match self {
            Entry::Sale(s) => s.order_id.as_uuid(),
            Entry::ShiftClose(c) => c.shift_id.as_uuid(),
        }
    }

    /// Checks every fact; the first that does not hold names its field.
    pub fn check(&self) -> Result<(), JournalError> {
        match self {
            Entry::Sale(s) => s.check(),
            Entry::ShiftClose(c) => c.check(),
        }
    }
}

/// `POST /v1/journal`: up to [`MAX_JOURNAL_BATCH`] entries, oldest first.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    pub entries: Vec<Entry>,
}

/// What became of one entry: `stored` (new), `exists` (the same entry came before), or
/// refused with an error naming the field (a 4xx is final: the device drops the entry).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryResult {
    pub id: uuid::Uuid,
    pub status: u16,
    pub outcome: EntryOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<crate::api::v1::ApiError>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryOutcome {
    Stored,
    Exists,
    Refused,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResult {
    pub results: Vec<EntryResult>,
}

/// A journal fact that does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JournalError {
    #[error("{field}: a name must have 1 to {MAX_NAME_CHARS} characters")]
    Name { field: &'static str },
    #[error("{field}: an amount cannot be negative")]
    Negative { field: &'static str },
    #[error("change_idr: cash received less change must equal the price")]
    CashMismatch,
    #[error("fee_idr: the fee is part of the price, so it cannot exceed it")]
    FeeAbovePrice,
    #[error("fee_idr: only a bill carries the shop's fee")]
    FeeNotBill,
    #[error("utc_offset_h: the zone must be UTC+7, +8 or +9")]
    Zone,
    #[error("day: the day is not {field}'s date in the shop's zone")]
    Day { field: &'static str },
    #[error("closed_at: a shift closes after it opens")]
    ClosedBeforeOpened,
    #[error("difference_idr: the difference must be counted − expected")]
    Difference,
    #[error("entries: at most {MAX_JOURNAL_BATCH} entries per request")]
    TooMany,
}

impl FieldError for JournalError {
    fn field(&self) -> &'static str {
        match self {
            JournalError::Name { field } | JournalError::Negative { field } => field,
            JournalError::CashMismatch => "change_idr",
            JournalError::FeeAbovePrice | JournalError::FeeNotBill => "fee_idr",
            JournalError::Zone => "utc_offset_h",
            JournalError::Day { .. } => "day",
            JournalError::ClosedBeforeOpened => "closed_at",
            JournalError::Difference => "difference_idr",
            JournalError::TooMany => "entries",
        }
    }
    fn code(&self) -> Code {
        match self {
            JournalError::Name { .. } => codes::NAME_INVALID,
            JournalError::Negative { .. } => codes::AMOUNT_INVALID,
            JournalError::CashMismatch => codes::CASH_MISMATCH,
            JournalError::FeeAbovePrice | JournalError::FeeNotBill => codes::FEE_INVALID,
            JournalError::Zone => codes::ZONE_UNKNOWN,
            JournalError::Day { .. } => codes::DATE_INVALID,
            JournalError::ClosedBeforeOpened => codes::DATE_INVALID,
            JournalError::Difference => codes::AMOUNT_INVALID,
            JournalError::TooMany => codes::BATCH_TOO_LARGE,
        }
    }
    fn message_id(&self) -> String {
        match self {
            JournalError::Name { .. } => format!("nama harus 1 sampai {MAX_NAME_CHARS} huruf"),
            JournalError::Negative { .. } => "jumlah uang tidak boleh negatif".into(),
            JournalError::CashMismatch => {
                "uang diterima dikurangi kembalian harus sama dengan harga".into()
            }
            JournalError::FeeAbovePrice => "biaya tidak boleh melebihi harga".into(),
            JournalError::FeeNotBill => "hanya tagihan yang memakai biaya admin loket".into(),
            JournalError::Zone => "zona waktu harus WIB, WITA atau WIT".into(),
            JournalError::Day { .. } => "tanggal tidak sesuai waktu di zona toko".into(),
            JournalError::ClosedBeforeOpened => "shift ditutup sebelum dibuka".into(),
            JournalError::Difference => "selisih harus uang dihitung dikurangi seharusnya".into(),
            JournalError::TooMany => {
                format!("paling banyak {MAX_JOURNAL_BATCH} catatan per kiriman")
            }
        }
    }
}

/// The zone of `hours` east of UTC, when it is one of Indonesia's.
pub fn zone(hours: i8) -> Option<FixedOffset> {
    UTC_OFFSETS_H
        .contains(&hours)
        .then(|| FixedOffset::east_opt(i32::from(hours) * 3600))
        .flatten()
}

/// The shop's day and hour (0–23) of `at` in the zone `hours` east of UTC.
pub fn local_day_hour(at: DateTime<Utc>, hours: i8) -> Option<(NaiveDate, u32)> {
    use chrono::Timelike;
    let local = at.with_timezone(&zone(hours)?);
    Some((local.date_naive(), local.hour()))
}

fn name(value: &str, field: &'static str) -> Result<(), JournalError> {
    let n = value.trim().chars().count();
    if n == 0 || n > MAX_NAME_CHARS || value.chars().any(char::is_control) {
        return Err(JournalError::Name { field });
    }
    Ok(())
}

fn not_negative(amounts: &[(Rupiah, &'static str)]) -> Result<(), JournalError> {
    match amounts.iter().find(|(a, _)| a.is_negative()) {
        Some((_, field)) => Err(JournalError::Negative { field }),
        None => Ok(()),
    }
}

fn day_of(
    at: DateTime<Utc>,
    hours: i8,
    day: NaiveDate,
    field: &'static str,
) -> Result<(), JournalError> {
    match local_day_hour(at, hours) {
        None => Err(JournalError::Zone),
        Some((d, _)) if d != day => Err(JournalError::Day { field }),
        Some(_) => Ok(()),
    }
}

impl Sale {
    pub fn check(&self) -> Result<(), JournalError> {
        name(&self.cashier_name, "cashier_name")?;
        name(&self.product_name, "product_name")?;
        not_negative(&[
            (self.price_idr, "price_idr"),
            (self.cost_idr, "cost_idr"),
            (self.fee_idr, "fee_idr"),
            (self.cash_idr, "cash_idr"),
            (self.change_idr, "change_idr"),
        ])?;
        if self.cash_idr.checked_sub(self.change_idr).ok() != Some(self.price_idr) {
            return Err(JournalError::CashMismatch);
        }
        if self.fee_idr > self.price_idr {
            return Err(JournalError::FeeAbovePrice);
        }
        if self.fee_idr != Rupiah::ZERO && self.category != Category::Bill {
            return Err(JournalError::FeeNotBill);
        }
        day_of(self.sold_at, self.utc_offset_h, self.day, "sold_at")
    }
}

impl ShiftClose {
    pub fn check(&self) -> Result<(), JournalError> {
        name(&self.cashier_name, "cashier_name")?;
        name(&self.closed_by, "closed_by")?;
        not_negative(&[
            (self.opening_cash_idr, "opening_cash_idr"),
            (self.expected_cash_idr, "expected_cash_idr"),
            (self.counted_cash_idr, "counted_cash_idr"),
        ])?;
        if self.closed_at < self.opened_at {
            return Err(JournalError::ClosedBeforeOpened);
        }
        if self
            .counted_cash_idr
            .checked_sub(self.expected_cash_idr)
            .ok()
            != Some(self.difference_idr)
        {
            return Err(JournalError::Difference);
        }
        day_of(self.closed_at, self.utc_offset_h, self.day, "closed_at")
    }
}

/// Checks a batch's size; each entry is checked on its own ([`Entry::check`]).
pub fn check_batch(batch: &Batch) -> Result<(), JournalError> {
    if batch.entries.len() > MAX_JOURNAL_BATCH {
        return Err(JournalError::TooMany);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rp(idr: i64) -> Rupiah {
        Rupiah::from_idr(idr)
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("time")
            .with_timezone(&Utc)
    }

    pub(crate) fn sale() -> Sale {
        Sale {
            order_id: OrderId::new(),
            cashier_id: Some(CashierId::new()),
            cashier_name: "Sri".into(),
            sku: Sku::parse("tsel10").expect("sku"),
            product_name: "Telkomsel 10.000".into(),
            category: Category::Pulsa,
            price_idr: rp(11_500),
            cost_idr: rp(10_700),
            fee_idr: Rupiah::ZERO,
            cash_idr: rp(20_000),
            change_idr: rp(8_500),
            // 23:30 UTC is 06:30 the next morning in WIB.
            sold_at: at("2026-12-02T23:30:00Z"),
            day: NaiveDate::from_ymd_opt(2026, 12, 3).expect("date"),
            utc_offset_h: 7,
        }
    }

    fn close() -> ShiftClose {
        ShiftClose {
            shift_id: ShiftId::new(),
            cashier_id: CashierId::new(),
            cashier_name: "Sri".into(),
            opened_at: at("2026-12-03T01:00:00Z"),
            closed_at: at("2026-12-03T09:00:00Z"),
            opening_cash_idr: rp(100_000),
            expected_cash_idr: rp(250_000),
            counted_cash_idr: rp(245_000),
            difference_idr: rp(-5_000),
            closed_by: "Sri".into(),
            day: NaiveDate::from_ymd_opt(2026, 12, 3).expect("date"),
            utc_offset_h: 7,
        }
    }

    #[test]
    fn a_sale_that_adds_up_passes() {
        assert_eq!(sale().check(), Ok(()));
        assert_eq!(close().check(), Ok(()));
        let (day, hour) = local_day_hour(sale().sold_at, 7).expect("zone");
        assert_eq!((day.to_string(), hour), ("2026-12-03".to_owned(), 6));
    }

    #[test]
    fn each_broken_fact_names_its_field() {
        let cases: Vec<(Sale, &str, &str)> = vec![
            (
                Sale {
                    cashier_name: " ".into(),
                    ..sale()
                },
                "cashier_name",
                "name_invalid",
            ),
            (
                Sale {
                    product_name: "a\u{7}".into(),
                    ..sale()
                },
                "product_name",
                "name_invalid",
            ),
            (
                Sale {
                    cost_idr: rp(-1),
                    ..sale()
                },
                "cost_idr",
                "amount_invalid",
            ),
            (
                Sale {
                    change_idr: rp(8_000),
                    ..sale()
                },
                "change_idr",
                "cash_mismatch",
            ),
            (
                Sale {
                    fee_idr: rp(2_500),
                    ..sale()
                },
                "fee_idr",
                "fee_invalid",
            ),
            (
                Sale {
                    fee_idr: rp(20_000),
                    category: Category::Bill,
                    ..sale()
                },
                "fee_idr",
                "fee_invalid",
            ),
            (
                Sale {
                    utc_offset_h: 6,
                    ..sale()
                },
                "utc_offset_h",
                "zone_unknown",
            ),
            // The UTC date, not the shop's.
            (
                Sale {
                    day: NaiveDate::from_ymd_opt(2026, 12, 2).expect("date"),
                    ..sale()
                },
                "day",
                "date_invalid",
            ),
        ];
        for (s, field, code) in cases {
            let e = s.check().expect_err("refused");
            assert_eq!((e.field(), e.code().as_str()), (field, code), "{e}");
        }
        let short = ShiftClose {
            difference_idr: rp(5_000),
            ..close()
        };
        assert_eq!(short.check().map_err(|e| e.field()), Err("difference_idr"));
        let backwards = ShiftClose {
            closed_at: at("2026-12-03T00:00:00Z"),
            ..close()
        };
        assert_eq!(backwards.check().map_err(|e| e.field()), Err("closed_at"));
    }

    #[test]
    fn entries_travel_tagged_by_kind() {
        let e = Entry::Sale(sale());
        let json = serde_json::to_value(&e).expect("json");
        assert_eq!(json["kind"], "sale");
        assert_eq!(json["day"], "2026-12-03");
        let back: Entry = serde_json::from_value(json).expect("back");
        assert_eq!(back, e);
        let mut unknown = serde_json::to_value(Entry::ShiftClose(close())).expect("json");
        unknown["extra"] = serde_json::json!(1);
        assert!(serde_json::from_value::<Entry>(unknown).is_err());
    }
}
