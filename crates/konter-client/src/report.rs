//! The owner's day: count, omzet, modal, laba, by category, product and cashier, pending and
//! failed, cash expected in the drawer, an hourly series, and CSV. One indexed query per
//! section over the day's rows, so it stays fast with a million orders in the store.

use chrono::NaiveDate;
use konter_domain::catalogue::Category;
use konter_domain::money::Rupiah;
use rusqlite::{Connection, params};
use serde::Serialize;

use crate::Engine;
use crate::error::EngineResult;
use crate::link::{Call, Method, credentials, json_or_error};
use konter_domain::report::OwnerReport;

pub use konter_domain::report::{Hour, Row};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "Report"))]
pub struct DailyReport {
    pub date: String,
    /// Delivered orders.
    pub count: i64,
    /// What customers paid for delivered orders.
    pub omzet_idr: Rupiah,
    /// What the saldo paid for them.
    pub modal_idr: Rupiah,
    pub laba_idr: Rupiah,
    pub pending_count: i64,
    pub failed_count: i64,
    /// Cash of every sale not given back: delivered and still pending.
    pub cash_expected_idr: Rupiah,
    pub by_category: Vec<Row>,
    pub by_product: Vec<Row>,
    pub by_cashier: Vec<Row>,
    pub hourly: Vec<Hour>,
    /// Bill payments apart (they are in the totals above too): omzet holds the bills paid
    /// (customer totals), modal what the saldo paid for them, laba only the shop's fees.
    pub bills: Row,
    /// Whose sales these are: the whole shop (every counter, from the server) or only this
    /// counter's (offline).
    pub reach: Reach,
}

/// Whose sales a report counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ReportReach"))]
pub enum Reach {
    /// Every counter of the shop, as the server's sales journal has them.
    Shop,
    /// This counter only.
    Device,
}

const DELIVERED: &str = "status = 'success'";

fn rows(conn: &Connection, day: &str, key: &str, label: &str) -> EngineResult<Vec<Row>> {
    let sql = format!(
        "SELECT {key}, MAX({label}), COUNT(*), SUM(price_idr), SUM(cost_idr) FROM orders \
         WHERE day = ?1 AND {DELIVERED} GROUP BY {key} ORDER BY SUM(price_idr) DESC"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([day], |r| {
        let omzet: i64 = r.get(3)?;
        let modal: i64 = r.get(4)?;
        Ok(Row {
            key: r.get(0)?,
            label: r.get(1)?,
            count: r.get(2)?,
            omzet_idr: Rupiah::from_idr(omzet),
            modal_idr: Rupiah::from_idr(modal),
            laba_idr: Rupiah::from_idr(omzet - modal),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn daily(conn: &Connection, date: NaiveDate) -> EngineResult<DailyReport> {
    let day = date.format("%Y-%m-%d").to_string();
    let (count, omzet, modal, pending, failed, cash): (i64, i64, i64, i64, i64, i64) = conn
        .query_row(
            "SELECT \
           COALESCE(SUM(status = 'success'), 0), \
           COALESCE(SUM(CASE WHEN status = 'success' THEN price_idr END), 0), \
           COALESCE(SUM(CASE WHEN status = 'success' THEN cost_idr END), 0), \
           COALESCE(SUM(status IN ('queued', 'accepted', 'processing', 'pending')), 0), \
           COALESCE(SUM(status IN ('failed', 'refunded')), 0), \
           COALESCE(SUM(CASE WHEN status NOT IN ('failed', 'refunded') THEN price_idr END), 0) \
         FROM orders WHERE day = ?1",
            params![day],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )?;
    let offset = crate::db::shop_offset(conn)?.local_minus_utc() as i64 * 1000;
    let mut stmt = conn.prepare_cached(
        "SELECT ((created_at + ?2) / 3600000) % 24 AS h, COUNT(*), SUM(price_idr) FROM orders \
         WHERE day = ?1 AND status = 'success' GROUP BY h ORDER BY h",
    )?;
    let sold: Vec<Hour> = stmt
        .query_map(params![day, offset], |r| {
            Ok(Hour {
                hour: r.get::<_, i64>(0)? as u32,
                count: r.get(1)?,
                omzet_idr: Rupiah::from_idr(r.get(2)?),
            })
        })?
        .collect::<Result<_, _>>()?;
    // Every hour of the day, so a chart has no gaps where nothing sold.
    let hourly = (0..24)
        .map(|hour| {
            sold.iter()
                .find(|h| h.hour == hour)
                .cloned()
                .unwrap_or(Hour {
                    hour,
                    count: 0,
                    omzet_idr: Rupiah::ZERO,
                })
        })
        .collect();
    // Category rows are named as the counter shows them (`Token PLN`, `Tagihan`).
    let by_category: Vec<Row> = rows(conn, &day, "category", "category")?
        .into_iter()
        .map(|row| Row {
            label: Category::from_code(&row.key)
                .map_or_else(|| row.key.clone(), |c| c.label_id().to_owned()),
            ..row
        })
        .collect();
    let bills = by_category
        .iter()
        .find(|r| r.key == Category::Bill.code())
        .cloned()
        .unwrap_or(Row {
            key: Category::Bill.code().into(),
            label: Category::Bill.label_id().into(),
            count: 0,
            omzet_idr: Rupiah::ZERO,
            modal_idr: Rupiah::ZERO,
            laba_idr: Rupiah::ZERO,
        });
    Ok(DailyReport {
        date: day.clone(),
        count,
        omzet_idr: Rupiah::from_idr(omzet),
        modal_idr: Rupiah::from_idr(modal),
        laba_idr: Rupiah::from_idr(omzet - modal),
        pending_count: pending,
        failed_count: failed,
        cash_expected_idr: Rupiah::from_idr(cash),
        by_category,
        by_product: rows(conn, &day, "sku", "product_name")?,
        by_cashier: rows(conn, &day, "cashier_name", "cashier_name")?,
        hourly,
        bills,
        reach: Reach::Device,
    })
}

/// The shop's day from the server's report, in the shape of this counter's: cash expected
/// is every sale not given back (delivered and pending).
fn from_shop(date: NaiveDate, r: OwnerReport) -> DailyReport {
    let t = r.totals;
    DailyReport {
        date: date.format("%Y-%m-%d").to_string(),
        count: t.count,
        omzet_idr: t.omzet_idr,
        modal_idr: t.modal_idr,
        laba_idr: t.laba_idr,
        pending_count: t.pending_count,
        failed_count: t.failed_count,
        cash_expected_idr: Rupiah::from_idr(t.omzet_idr.idr() + t.pending_idr.idr()),
        by_category: r.by_category,
        by_product: r.by_product,
        by_cashier: r.by_cashier,
        hourly: r.hourly,
        bills: r.bills,
        reach: Reach::Shop,
    }
}

/// The day's delivered orders as CSV (comma-separated, amounts as plain integers).
pub fn csv(conn: &Connection, date: NaiveDate) -> EngineResult<String> {
    let day = date.format("%Y-%m-%d").to_string();
    let mut out =
        String::from("id,waktu,produk,tujuan,status,harga_idr,modal_idr,laba_idr,kasir,sn\n");
    let mut stmt = conn.prepare_cached(
        "SELECT id, created_at, product_name, target, status, price_idr, cost_idr, cashier_name, COALESCE(sn, '') \
         FROM orders WHERE day = ?1 ORDER BY created_at",
    )?;
    let rows = stmt.query_map([&day], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, i64>(6)?,
            r.get::<_, String>(7)?,
            r.get::<_, String>(8)?,
        ))
    })?;
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    for row in rows {
        let (id, at, product, target, status, price, cost, cashier, sn) = row?;
        let when = crate::db::from_ms(at).to_rfc3339();
        out.push_str(&format!(
            "{id},{when},{},{},{status},{price},{cost},{},{},{}\n",
            quote(&product),
            quote(&target),
            price - cost,
            quote(&cashier),
            quote(&sn)
        ));
    }
    Ok(out)
}

impl Engine {
    /// This counter's day, from its own books.
    pub fn daily_report(&self, date: NaiveDate) -> EngineResult<DailyReport> {
        daily(&self.db(), date)
    }

    /// The whole shop's day (every counter) from the server when it answers; this
    /// counter's own day otherwise. `reach` says which.
    pub async fn shop_report(&self, date: NaiveDate) -> EngineResult<DailyReport> {
        let from_server = async {
            let (base, token) = credentials(self)?;
            let call = Call {
                method: Method::Get,
                path: format!("/v1/report?date={}", date.format("%Y-%m-%d")),
                token: Some(token),
                body: None,
            };
            json_or_error::<OwnerReport>(&self.send(&base, call).await?)
        };
        match from_server.await {
            Ok(r) => Ok(from_shop(date, r)),
            Err(_) => self.daily_report(date),
        }
    }

    pub fn report_csv(&self, date: NaiveDate) -> EngineResult<String> {
        csv(&self.db(), date)
    }

    /// Today in the shop's zone.
    pub fn today(&self) -> EngineResult<NaiveDate> {
        let conn = self.db();
        Ok(chrono::Utc::now()
            .with_timezone(&crate::db::shop_offset(&conn)?)
            .date_naive())
    }
}
