//! Riwayat: finding past orders by number, product, SN or id, by status and by the shop's
//! day, and the text a cashier sends the supplier's support about one. The app and the
//! `konter` CLI read the same rules from here.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use konter_domain::order::OrderStatus;

use crate::Engine;
use crate::db;
use crate::error::{EngineError, EngineResult};
use crate::orders::LocalOrder;
use crate::print::reference;
use konter_domain::codes;

/// Orders one search returns at most, and what it returns when not told.
pub const MAX_ORDERS_LIMIT: u32 = 200;
pub const DEFAULT_ORDERS_LIMIT: u32 = 100;
/// How far back a search looks: the newest orders of a busy counter's last weeks. Older
/// orders are in the owner's reports and CSV exports.
pub const MAX_ORDERS_SCANNED: u32 = 5_000;

/// What a cashier looks for in Riwayat.
#[derive(Clone, Debug, Default)]
pub struct OrderQuery {
    /// Part of the number (digits only count), the product's name, the SN or the order id.
    pub text: String,
    pub status: Option<OrderStatus>,
    /// The shop's calendar day the order was taken.
    pub day: Option<NaiveDate>,
    /// At most this many, newest first ([`DEFAULT_ORDERS_LIMIT`] when `None`).
    pub limit: Option<u32>,
}

fn matches(order: &LocalOrder, query: &str, digits: &str) -> bool {
    query.is_empty()
        || order.id.to_string().contains(query)
        || order.product_name.to_lowercase().contains(query)
        || (!digits.is_empty()
            && (order
                .target
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
                .contains(digits)
                || order.sn.as_deref().is_some_and(|sn| sn.contains(digits))))
}

impl Engine {
    /// The shop's time zone (WIB unless the owner set WITA or WIT).
    pub fn shop_zone(&self) -> EngineResult<FixedOffset> {
        db::shop_offset(&self.db())
    }

    /// A moment on the shop's clock.
    pub fn shop_time(&self, at: DateTime<Utc>) -> EngineResult<DateTime<FixedOffset>> {
        Ok(at.with_timezone(&self.shop_zone()?))
    }

    /// A typed day (`YYYY-MM-DD`), or the shop's today when none is given; an error naming
    /// `date` otherwise.
    pub fn parse_day(&self, date: Option<&str>) -> EngineResult<NaiveDate> {
        match date.map(str::trim).filter(|d| !d.is_empty()) {
            None => self.today(),
            Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                EngineError::input(
                    codes::DATE_INVALID,
                    "tanggal ditulis TTTT-BB-HH",
                    "a date is written YYYY-MM-DD",
                    "date",
                )
            }),
        }
    }

    /// Past orders matching `q`, newest first.
    pub fn search_orders(&self, q: &OrderQuery) -> EngineResult<Vec<LocalOrder>> {
        let limit = q
            .limit
            .unwrap_or(DEFAULT_ORDERS_LIMIT)
            .clamp(1, MAX_ORDERS_LIMIT) as usize;
        let zone = self.shop_zone()?;
        let text = q.text.trim().to_lowercase();
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        Ok(self
            .orders(MAX_ORDERS_SCANNED)?
            .into_iter()
            .filter(|o| q.status.is_none_or(|s| o.status == s))
            .filter(|o| {
                q.day
                    .is_none_or(|d| o.created_at.with_timezone(&zone).date_naive() == d)
            })
            .filter(|o| matches(o, &text, &digits))
            .take(limit)
            .collect())
    }

    /// What a cashier sends the supplier's support about `order`, in the shop's time.
    pub fn complaint_text(&self, order: &LocalOrder) -> EngineResult<String> {
        let zone = self.shop_zone()?;
        let hours = zone.local_minus_utc() / 3600;
        Ok([
            format!("Komplain pesanan {}", reference(order, hours)),
            format!("Produk : {} ({})", order.product_name, order.sku),
            format!("Tujuan : {}", order.target),
            format!(
                "Waktu  : {}",
                order
                    .created_at
                    .with_timezone(&zone)
                    .format("%d/%m/%Y %H:%M")
            ),
            format!("Status : {}", order.status.code()),
            format!("SN     : {}", order.sn.as_deref().unwrap_or("-")),
            format!("ID     : {}", order.id),
        ]
        .join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::MemoryStore;

    #[test]
    fn a_typed_day_is_read_or_refused_naming_the_date() {
        let dir = tempfile::tempdir().expect("dir");
        let e = Engine::open(dir.path(), Box::new(MemoryStore::default())).expect("engine");
        assert_eq!(
            e.parse_day(Some(" 2026-12-03 ")).expect("a day"),
            NaiveDate::from_ymd_opt(2026, 12, 3).expect("date")
        );
        assert_eq!(
            e.parse_day(Some("")).expect("today"),
            e.today().expect("today")
        );
        let err = e.parse_day(Some("03/12/2026")).expect_err("not a day");
        assert!(
            matches!(err, EngineError::Input { ref field, .. } if field == "date"),
            "{err}"
        );
    }

    #[test]
    fn the_shop_zone_follows_the_owner_setting() {
        let dir = tempfile::tempdir().expect("dir");
        let e = Engine::open(dir.path(), Box::new(MemoryStore::default())).expect("engine");
        assert_eq!(
            e.shop_zone().expect("zone").local_minus_utc(),
            7 * 3600,
            "WIB"
        );
        e.set_setting("utc_offset_h", "9").expect("WIT");
        let at = DateTime::from_timestamp(1_764_777_600, 0).expect("moment"); // 16:00 UTC
        assert_eq!(
            e.shop_time(at).expect("time").format("%H:%M").to_string(),
            "01:00"
        );
    }
}
