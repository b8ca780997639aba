//! Selling: one SQLite transaction commits the order (its id minted here), the cash taken,
//! the saldo hold and the outbox row, and returns at once. The network comes later.

use chrono::{DateTime, Utc};
use konter_domain::api::v1::CreateOrder;
use konter_domain::catalogue::{Category, Sku};
use konter_domain::ids::OrderId;
use konter_domain::money::Rupiah;
use konter_domain::order::OrderStatus;
use konter_domain::target::Target;
use konter_ledger::Posting;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::Engine;
use crate::catalog::{self, quote_item};
use crate::db::{self, from_ms, now_ms};
use crate::error::{EngineError, EngineResult};
use crate::lifecycle::{Found, move_order};
pub use crate::orders::{DEFAULT_MAX_QUEUE_AGE_H, LocalOrder};
use crate::orders::{
    NewLocalOrder, ORDER_COLUMNS, available, commit_order, load_order, max_queue_age_ms,
    order_from_row,
};
use konter_domain::codes;

/// What the cashier asked for.
#[derive(Clone, Debug, Default)]
pub struct Sale {
    pub sku: String,
    pub target: String,
    /// Cash the customer handed over; `None` means exactly the price.
    pub cash: Option<Rupiah>,
    /// The cashier confirmed a second identical sale today ("isi ke-2").
    pub confirm_repeat: bool,
    pub cashier_id: Option<String>,
    pub cashier_name: Option<String>,
}

fn bill_needs_inquiry(field: &str) -> EngineError {
    EngineError::input(
        codes::BILL_NEEDS_INQUIRY,
        "tagihan dibayar lewat cek tagihan (Tagihan, F5); cek tagihan lagi",
        "a bill is paid through its inquiry (Tagihan, F5); look the bill up again",
        field,
    )
}

impl Engine {
    /// Commits a sale locally and queues it for the server. Fails, changing nothing, on bad
    /// input, an unknown or inactive product, short saldo, too little cash, or a repeat
    /// sale without `confirm_repeat`.
    pub fn place_order(&self, sale: &Sale) -> EngineResult<LocalOrder> {
        let mut conn = self.db();
        let tx = conn.transaction()?;
        let item = catalog::item(&tx, &sale.sku)?.ok_or_else(|| {
            EngineError::input(
                codes::UNKNOWN_SKU,
                &format!("produk '{}' tidak ada di katalog", sale.sku),
                &format!("there is no product '{}' in the catalogue", sale.sku),
                "sku",
            )
        })?;
        if !item.product.active {
            return Err(EngineError::input(
                codes::PRODUCT_UNAVAILABLE,
                "produk sedang tidak aktif",
                "the product is inactive",
                "sku",
            ));
        }
        if item.product.category == Category::Bill {
            return Err(bill_needs_inquiry("sku"));
        }
        let target = Target::parse(item.product.input, &sale.target, item.product.operator)
            .map_err(|e| EngineError::from_field(&e))?;
        let target_text = target.to_string();
        let quoted = quote_item(&catalog::rules(&tx)?, &item)?;
        let price = quoted.price_idr;
        let cost = quoted.cost_idr;
        let cash = sale.cash.unwrap_or(price);
        if cash < price {
            return Err(EngineError::input(
                codes::CASH_SHORT,
                &format!("uang tunai {cash} kurang dari harga {price}"),
                &format!("cash {cash} is less than the price {price}"),
                "cash_idr",
            ));
        }
        let now = Utc::now();
        let day = db::shop_day(&tx, now)?;
        if !sale.confirm_repeat {
            let repeat: Option<String> = tx
                .query_row(
                    "SELECT id FROM orders WHERE day = ?1 AND target = ?2 AND sku = ?3 AND status NOT IN ('failed', 'refunded') LIMIT 1",
                    params![day, target_text, sale.sku],
                    |r| r.get(0),
                )
                .optional()?;
            if repeat.is_some() {
                return Err(EngineError::RepeatSale {
                    target: target_text,
                    sku: sale.sku.clone(),
                });
            }
        }
        let (_, spendable) = available(&tx)?;
        if spendable < cost {
            return Err(EngineError::SaldoShort {
                available: spendable,
                needed: cost,
            });
        }
        let id = OrderId::from_uuid(self.new_uuid())
            .map_err(|e| EngineError::Corrupt(format!("new order id: {e}")))?;
        let request = CreateOrder {
            id,
            sku: Some(Sku::parse(&sale.sku).map_err(|e| EngineError::from_field(&e))?),
            target: Some(target_text.clone()),
            inquiry_id: None,
            // The shop agreed to the price it was quoted; a higher server price is refused.
            max_price_idr: cost,
        };
        let order = commit_order(
            &tx,
            &NewLocalOrder {
                request,
                sku: &sale.sku,
                product_name: &item.product.name,
                category: item.product.category.code(),
                brand: &item.product.brand,
                target: &target_text,
                price,
                cost,
                cash,
                cashier_id: sale.cashier_id.as_deref(),
                cashier_name: sale.cashier_name.as_deref(),
                day: &day,
                at: now,
                inquiry_id: None,
            },
        )?;
        tx.commit()?;
        drop(conn);
        self.order_queued(true);
        Ok(order)
    }

    pub fn order(&self, id: &str) -> EngineResult<Option<LocalOrder>> {
        load_order(&self.db(), id)
    }

    /// Every status an order went through, oldest first, with when it got there.
    pub fn order_history(&self, id: &str) -> EngineResult<Vec<(OrderStatus, DateTime<Utc>)>> {
        let conn = self.db();
        let mut stmt = conn.prepare_cached(
            "SELECT status, at FROM order_history WHERE order_id = ?1 ORDER BY at, rowid",
        )?;
        let rows = stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        rows.map(|row| {
            let (status, at) = row?;
            let status = status
                .parse()
                .map_err(|_| EngineError::Corrupt(format!("order history status: {status}")))?;
            Ok((status, from_ms(at)))
        })
        .collect()
    }

    /// Newest first.
    pub fn orders(&self, limit: u32) -> EngineResult<Vec<LocalOrder>> {
        let conn = self.db();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {ORDER_COLUMNS} FROM orders ORDER BY created_at DESC LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit], order_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The saldo as this device sees it.
    pub fn saldo(&self) -> EngineResult<LocalSaldo> {
        let conn = self.db();
        let (server, spendable) = available(&conn)?;
        Ok(LocalSaldo {
            balance_idr: server.map_or(Rupiah::ZERO, |s| s.balance_idr),
            held_idr: server.map_or(Rupiah::ZERO, |s| s.held_idr),
            local_held_idr: Rupiah::from_idr(
                server.map_or(0, |s| s.available_idr.idr()) - spendable.idr(),
            ),
            available_idr: spendable,
            as_of: db::setting(&conn, "saldo_as_of")?
                .and_then(|v| v.parse().ok())
                .map(from_ms),
        })
    }
}

/// One saldo movement the server reported, newest first in [`Engine::saldo_history`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "SaldoMovement"))]
pub struct SaldoEntry {
    pub at: DateTime<Utc>,
    /// `hold`, `charge`, `release`, `refund`, `deposit` or `adjustment`.
    pub reason: String,
    /// Signed change of the available saldo.
    pub amount_idr: Rupiah,
    /// The available saldo after it.
    pub balance_idr: Rupiah,
    /// What it was for: the reference text, else the order's product and number, else the
    /// deposit.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub reference: Option<String>,
}

/// Most movements one history page returns.
pub const MAX_SALDO_HISTORY: u32 = 500;

impl Engine {
    /// The latest saldo movements, newest first.
    pub fn saldo_history(&self, limit: u32) -> EngineResult<Vec<SaldoEntry>> {
        let conn = self.db();
        let mut stmt = conn.prepare_cached(
            "SELECT m.at, m.reason, m.amount_idr, m.available_idr, \
               COALESCE(m.reference, o.product_name || ' ' || o.target, \
                        CASE WHEN m.deposit_id IS NOT NULL THEN 'deposit ' || substr(m.deposit_id, 1, 8) END, \
                        substr(m.order_id, 1, 8)) \
             FROM saldo_movements m LEFT JOIN orders o ON o.id = m.order_id \
             ORDER BY m.seq DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit.clamp(1, MAX_SALDO_HISTORY)], |r| {
            Ok(SaldoEntry {
                at: from_ms(r.get(0)?),
                reason: r.get(1)?,
                amount_idr: Rupiah::from_idr(r.get(2)?),
                balance_idr: Rupiah::from_idr(r.get(3)?),
                reference: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LocalSaldo {
    pub balance_idr: Rupiah,
    pub held_idr: Rupiah,
    /// Held by orders this device has not yet delivered to the server.
    pub local_held_idr: Rupiah,
    pub available_idr: Rupiah,
    pub as_of: Option<DateTime<Utc>>,
}

/// An order still in the outbox and never sent, or an error naming `order_id`. One that was
/// sent may have reached the server, so only the server's answer may end it.
fn queued_order(conn: &Connection, order_id: &str) -> EngineResult<LocalOrder> {
    let order = load_order(conn, order_id)?
        .filter(|o| o.status == OrderStatus::Queued)
        .ok_or_else(|| {
            EngineError::input(
                codes::NOT_QUEUED,
                "pesanan ini tidak sedang antre",
                "this order is not queued",
                "order_id",
            )
        })?;
    let sent: Option<i64> = conn
        .query_row(
            "SELECT attempts FROM outbox WHERE order_id = ?1",
            [order_id],
            |r| r.get(0),
        )
        .optional()?;
    if sent.unwrap_or(0) > 0 {
        return Err(EngineError::input(
            codes::ALREADY_SENT,
            "pesanan ini sudah pernah dikirim; tunggu jawaban server",
            "this order was sent already; wait for the server's answer",
            "order_id",
        ));
    }
    Ok(order)
}

impl Engine {
    /// Queued orders too old to be sent without a cashier confirming them.
    pub fn stale_orders(&self) -> EngineResult<Vec<LocalOrder>> {
        let conn = self.db();
        let cutoff = now_ms() - max_queue_age_ms(&conn)?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE status = 'queued' \
             AND id IN (SELECT order_id FROM outbox WHERE created_at < ?1 AND attempts = 0) ORDER BY created_at"
        ))?;
        let rows = stmt.query_map([cutoff], order_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Confirms a stale queued order at today's saldo price: the order is sent again with
    /// that price as its limit. The customer already paid, so their price stays; a change in
    /// the saldo price moves the local hold, and the shop's margin, by the difference.
    pub fn reconfirm(&self, order_id: &str) -> EngineResult<LocalOrder> {
        let mut conn = self.db();
        let tx = conn.transaction()?;
        let order = queued_order(&tx, order_id)?;
        // A bill's price is its inquiry's, which is only good for its own day: a stale bill
        // payment is cancelled and the bill looked up again, never re-priced here.
        if order.bill.is_some() {
            return Err(bill_needs_inquiry("order_id"));
        }
        let item = catalog::item(&tx, &order.sku)?
            .filter(|i| i.product.active)
            .ok_or_else(|| {
                EngineError::input(
                    codes::PRODUCT_UNAVAILABLE,
                    "produk tidak tersedia lagi; batalkan pesanan",
                    "the product is no longer available; cancel the order",
                    "order_id",
                )
            })?;
        let cost = item.price_idr;
        let diff = cost.idr() - order.cost_idr.idr();
        let ledger = |e: konter_ledger::LedgerError| EngineError::Corrupt(e.to_string());
        // A price that rose holds the difference too, and only if the saldo covers it.
        let (_, spendable) = available(&tx)?;
        if diff > spendable.idr() {
            return Err(EngineError::SaldoShort {
                available: spendable,
                needed: Rupiah::from_idr(diff),
            });
        }
        if diff > 0 {
            db::post(
                &tx,
                &Posting::device_hold(Rupiah::from_idr(diff)).map_err(ledger)?,
                Some(order_id),
            )?;
        } else if diff < 0 {
            db::post(
                &tx,
                &Posting::device_void_hold(Rupiah::from_idr(-diff)).map_err(ledger)?,
                Some(order_id),
            )?;
        }
        let body: String = tx.query_row(
            "SELECT body FROM outbox WHERE order_id = ?1",
            [order_id],
            |r| r.get(0),
        )?;
        let mut request: CreateOrder =
            serde_json::from_str(&body).map_err(|e| EngineError::Corrupt(e.to_string()))?;
        request.max_price_idr = cost;
        let body =
            serde_json::to_string(&request).map_err(|e| EngineError::Corrupt(e.to_string()))?;
        let now = now_ms();
        tx.execute(
            "UPDATE outbox SET body = ?2, created_at = ?3 WHERE order_id = ?1",
            params![order_id, body, now],
        )?;
        tx.execute(
            "UPDATE orders SET cost_idr = ?2, updated_at = MAX(?3, updated_at + 1) WHERE id = ?1",
            params![order_id, cost.idr(), now],
        )?;
        let order = load_order(&tx, order_id)?
            .ok_or_else(|| EngineError::Corrupt("order vanished".into()))?;
        tx.commit()?;
        drop(conn);
        self.order_queued(false);
        Ok(order)
    }

    /// Cancels a queued order that never reached the server: it fails locally, the cash goes
    /// back to the customer and the hold is released.
    pub fn cancel_queued(&self, order_id: &str) -> EngineResult<LocalOrder> {
        let mut conn = self.db();
        let tx = conn.transaction()?;
        let order = queued_order(&tx, order_id)?;
        let cancelled = Found {
            failure: Some(konter_domain::api::v1::Failure {
                code: "cancelled".into(),
                message: "dibatalkan kasir sebelum terkirim / cancelled before it was sent".into(),
            }),
            ..Found::default()
        };
        move_order(&tx, &order, OrderStatus::Failed, &cancelled)?;
        tx.execute("DELETE FROM outbox WHERE order_id = ?1", [order_id])?;
        crate::journal::forget_sale(&tx, order_id)?;
        let order = load_order(&tx, order_id)?
            .ok_or_else(|| EngineError::Corrupt("order vanished".into()))?;
        tx.commit()?;
        Ok(order)
    }
}
