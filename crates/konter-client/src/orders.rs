//! The device's orders and what they hold, as rows: the order as the device knows it (with a
//! bill payment's bill), committing a sale with its hold, cash and outbox row in one
//! transaction, and the saldo this device may still spend. The lowest layer of the engine
//! after `db`: it imports no use case.

use chrono::{DateTime, Utc};
use konter_domain::api::v1::{BillInquiry, CreateOrder, Saldo};
use konter_domain::ids::OrderId;
use konter_domain::money::Rupiah;
use konter_domain::order::OrderStatus;
use konter_ledger::Posting;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use crate::db::{self, from_ms, now_ms};
use crate::error::{EngineError, EngineResult};

/// An order as the device knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "Order"))]
pub struct LocalOrder {
    pub id: OrderId,
    pub sku: String,
    pub product_name: String,
    pub category: String,
    pub target: String,
    pub status: OrderStatus,
    pub price_idr: Rupiah,
    pub cost_idr: Rupiah,
    pub cash_idr: Rupiah,
    pub change_idr: Rupiah,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub sn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub pln_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub failure: Option<konter_domain::api::v1::Failure>,
    pub cashier_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// A bill payment's bill, with the shop's fee (`price_idr` is its customer total).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub bill: Option<LocalBill>,
}

pub(crate) const ORDER_COLUMNS: &str = "id, sku, product_name, category, target, status, price_idr, cost_idr, cash_idr, \
     change_idr, sn, pln_token, failure_code, failure_message, cashier_name, created_at, updated_at, \
     (SELECT body FROM bill_inquiries b WHERE b.id = orders.inquiry_id), \
     (SELECT shop_fee_idr FROM bill_inquiries b WHERE b.id = orders.inquiry_id)";

pub(crate) fn order_from_row(r: &Row<'_>) -> rusqlite::Result<LocalOrder> {
    let id: String = r.get(0)?;
    let status: String = r.get(5)?;
    let bad = |what: &str, v: String| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("{what}: {v}").into(),
        )
    };
    let failure = match (
        r.get::<_, Option<String>>(12)?,
        r.get::<_, Option<String>>(13)?,
    ) {
        (Some(code), Some(message)) => Some(konter_domain::api::v1::Failure { code, message }),
        _ => None,
    };
    Ok(LocalOrder {
        id: id.parse().map_err(|_| bad("order id", id.clone()))?,
        sku: r.get(1)?,
        product_name: r.get(2)?,
        category: r.get(3)?,
        target: r.get(4)?,
        status: status.parse().map_err(|_| bad("status", status.clone()))?,
        price_idr: Rupiah::from_idr(r.get(6)?),
        cost_idr: Rupiah::from_idr(r.get(7)?),
        cash_idr: Rupiah::from_idr(r.get(8)?),
        change_idr: Rupiah::from_idr(r.get(9)?),
        sn: r.get(10)?,
        pln_token: r.get(11)?,
        failure,
        cashier_name: r.get(14)?,
        created_at: from_ms(r.get(15)?),
        updated_at: from_ms(r.get(16)?),
        bill: match (
            r.get::<_, Option<String>>(17)?,
            r.get::<_, Option<i64>>(18)?,
        ) {
            (Some(body), Some(fee)) => Some(
                LocalBill::from_stored(&body, Rupiah::from_idr(fee))
                    .map_err(|e| bad("bill inquiry", e))?,
            ),
            _ => None,
        },
    })
}

pub(crate) fn load_order(conn: &Connection, id: &str) -> EngineResult<Option<LocalOrder>> {
    Ok(conn
        .query_row(
            &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?1"),
            [id],
            order_from_row,
        )
        .optional()?)
}

/// A sale about to be committed: the order row and what goes with it.
pub(crate) struct NewLocalOrder<'a> {
    /// What the outbox sends; its `id` is the order's.
    pub request: CreateOrder,
    pub sku: &'a str,
    pub product_name: &'a str,
    pub category: &'a str,
    pub brand: &'a str,
    pub target: &'a str,
    /// What the customer pays.
    pub price: Rupiah,
    /// What the saldo pays.
    pub cost: Rupiah,
    pub cash: Rupiah,
    pub cashier_id: Option<&'a str>,
    pub cashier_name: Option<&'a str>,
    pub day: &'a str,
    pub at: DateTime<Utc>,
    pub inquiry_id: Option<&'a str>,
}

/// Commits a sale in `tx`, all or nothing: the order row and its first history entry, the
/// cash taken and the saldo hold on the device's ledger, the outbox row that sends it, and
/// the journal row that tells the owner's figures about it.
pub(crate) fn commit_order(
    tx: &rusqlite::Transaction<'_>,
    o: &NewLocalOrder<'_>,
) -> EngineResult<LocalOrder> {
    let id_text = o.request.id.to_string();
    let ms = o.at.timestamp_millis();
    tx.execute(
        "INSERT INTO orders (id, sku, product_name, category, brand, target, status, price_idr, cost_idr, cash_idr, change_idr, \
         cashier_id, cashier_name, day, created_at, updated_at, inquiry_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued', ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, ?15)",
        params![
            id_text,
            o.sku,
            o.product_name,
            o.category,
            o.brand,
            o.target,
            o.price.idr(),
            o.cost.idr(),
            o.cash.idr(),
            o.cash.idr() - o.price.idr(),
            o.cashier_id,
            o.cashier_name.unwrap_or("Pemilik"),
            o.day,
            ms,
            o.inquiry_id
        ],
    )?;
    tx.execute(
        "INSERT INTO order_history (order_id, status, at) VALUES (?1, 'queued', ?2)",
        params![id_text, ms],
    )?;
    let ledger = |e: konter_ledger::LedgerError| EngineError::Corrupt(e.to_string());
    db::post(
        tx,
        &Posting::device_cash_sale(o.price).map_err(ledger)?,
        Some(&id_text),
    )?;
    db::post(
        tx,
        &Posting::device_hold(o.cost).map_err(ledger)?,
        Some(&id_text),
    )?;
    let body =
        serde_json::to_string(&o.request).map_err(|e| EngineError::Corrupt(e.to_string()))?;
    tx.execute(
        "INSERT INTO outbox (order_id, body, created_at) VALUES (?1, ?2, ?3)",
        params![id_text, body, now_ms()],
    )?;
    crate::journal::enqueue_sale(tx, &id_text)?;
    load_order(tx, &id_text)?.ok_or_else(|| EngineError::Corrupt("order vanished".into()))
}

/// The saldo this device may still spend: the last saldo the server reported, less what
/// orders not yet accepted by the server hold locally.
pub(crate) fn available(conn: &Connection) -> EngineResult<(Option<Saldo>, Rupiah)> {
    let saldo: Option<Saldo> = db::setting(conn, "saldo")?
        .map(|s| serde_json::from_str(&s).map_err(|e| EngineError::Corrupt(format!("saldo: {e}"))))
        .transpose()?;
    let local_held: i64 = conn.query_row(
        "SELECT COALESCE(SUM(cost_idr), 0) FROM orders WHERE status = 'queued'",
        [],
        |r| r.get(0),
    )?;
    let server_available = saldo.map_or(0, |s| s.available_idr.idr());
    Ok((saldo, Rupiah::from_idr(server_available - local_held)))
}

/// A looked-up bill with what the customer pays at this counter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "BillInquiry"))]
pub struct LocalBill {
    #[serde(flatten)]
    pub inquiry: BillInquiry,
    /// The shop's own fee ("biaya admin loket") on this bill.
    pub shop_fee_idr: Rupiah,
    /// The bill's total plus the shop's fee.
    pub customer_total_idr: Rupiah,
}

impl LocalBill {
    pub(crate) fn new(inquiry: BillInquiry, shop_fee: Rupiah) -> Result<LocalBill, String> {
        let customer_total_idr = inquiry
            .bill
            .total_idr
            .checked_add(shop_fee)
            .map_err(|e| e.to_string())?;
        Ok(LocalBill {
            inquiry,
            shop_fee_idr: shop_fee,
            customer_total_idr,
        })
    }

    pub(crate) fn from_stored(body: &str, shop_fee: Rupiah) -> Result<LocalBill, String> {
        let inquiry: BillInquiry = serde_json::from_str(body).map_err(|e| e.to_string())?;
        LocalBill::new(inquiry, shop_fee)
    }
}

/// How long an order may wait in the outbox before it needs confirming again: prices and
/// the customer's intent both go stale. The owner sets `max_queue_age_h`; a day by default.
pub const DEFAULT_MAX_QUEUE_AGE_H: i64 = 24;

pub(crate) fn max_queue_age_ms(conn: &Connection) -> EngineResult<i64> {
    let hours = db::setting(conn, "max_queue_age_h")?
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|h| (1..=24 * 7).contains(h))
        .unwrap_or(DEFAULT_MAX_QUEUE_AGE_H);
    Ok(hours * 3_600_000)
}
