//! The owner's report as it travels: the back office reads it (`/owner/api/report`), and a
//! counter reads its shop's day (`GET /v1/report`) for the desktop app's Laporan when online
//! (docs/owners.md, "The report").

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::money::Rupiah;

/// One line of a report table: a device, cashier, category or product.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ReportRow"))]
pub struct Row {
    pub key: String,
    pub label: String,
    pub count: i64,
    pub omzet_idr: Rupiah,
    pub modal_idr: Rupiah,
    pub laba_idr: Rupiah,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Delivered sales.
    pub count: i64,
    pub omzet_idr: Rupiah,
    pub modal_idr: Rupiah,
    pub laba_idr: Rupiah,
    /// The shops' bill fees in the delivered sales.
    pub fee_idr: Rupiah,
    pub pending_count: i64,
    pub pending_idr: Rupiah,
    /// Failed or refunded, as the device's report counts them.
    pub failed_count: i64,
    pub refunded_count: i64,
}

/// One hour of the shop's day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "HourRow"))]
pub struct Hour {
    pub hour: u32,
    pub count: i64,
    pub omzet_idr: Rupiah,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Day {
    pub day: NaiveDate,
    pub count: i64,
    pub omzet_idr: Rupiah,
    pub laba_idr: Rupiah,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub order_id: String,
    pub shop: String,
    pub device: String,
    pub cashier: String,
    pub product: String,
    pub target: Option<String>,
    pub price_idr: Rupiah,
    pub status: String,
    pub reason: Option<String>,
    pub sold_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    pub order_id: String,
    pub shop: String,
    pub product: String,
    pub price_idr: Rupiah,
    pub cost_idr: Rupiah,
    pub refunded_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    pub id: String,
    pub shop: String,
    pub device: String,
    pub cashier: String,
    pub opened_at: DateTime<Utc>,
    pub closed_at: DateTime<Utc>,
    pub opening_cash_idr: Rupiah,
    pub expected_cash_idr: Rupiah,
    pub counted_cash_idr: Rupiah,
    pub difference_idr: Rupiah,
    pub closed_by: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub generated_at: DateTime<Utc>,
    pub totals: Totals,
    pub by_shop: Vec<Row>,
    pub by_device: Vec<Row>,
    pub by_cashier: Vec<Row>,
    pub by_category: Vec<Row>,
    pub by_product: Vec<Row>,
    pub bills: Row,
    pub hourly: Vec<Hour>,
    pub daily: Vec<Day>,
    pub problems: Vec<Problem>,
    pub refunds: Vec<Refund>,
    pub shifts: Vec<Shift>,
}
