//! The sales journal and what the back office reads from it (docs/owners.md).

use chrono::{DateTime, NaiveDate, Utc};
use konter_domain::api::v1::{Change, ChangeKind, Deposit};
use konter_domain::ids::{DeviceId, ShopId};
use konter_domain::journal::{Entry, Sale, ShiftClose, local_day_hour};
use konter_domain::money::Rupiah;
use konter_domain::order::OrderStatus;

use super::dialect::{Conn, Dialect, Row, query};
use super::{SqlStore, corrupt, from_ms, ms, parse_id, rows};
use crate::store::StoreResult;
use crate::store::journal::{
    Grouping, Journal, JournalWrite, ReportScope, SaleLine, ShiftLine, Sum,
};

/// What the journal keeps of an order's state: the status and when it was reached.
/// Called with every status change of an order, in the transaction that makes it.
pub(super) async fn order_moved<D: Dialect>(
    tx: &mut Conn<D>,
    shop: ShopId,
    order: &konter_domain::api::v1::Order,
) -> StoreResult<()> {
    query(
        "UPDATE journal_sales SET status = $3, status_at = $4 WHERE shop_id = $1 AND order_id = $2",
    )
    .bind(shop.to_string())
    .bind(order.id.to_string())
    .bind(order.status.code())
    .bind(ms(order.updated_at))
    .execute(tx)
    .await?;
    Ok(())
}

/// The order's state as the server knows it, read under the order's row lock so a status
/// change committing meanwhile either comes first (and is read) or waits for this journal
/// row (and moves it): `queued` when the order has not arrived, `failed` when it was
/// refused.
async fn order_state<D: Dialect>(
    tx: &mut Conn<D>,
    shop: ShopId,
    sale: &Sale,
    now: DateTime<Utc>,
) -> StoreResult<(&'static str, i64)> {
    let sql = format!(
        "SELECT status, updated_at FROM orders WHERE id = $1 AND shop_id = $2{}",
        D::FOR_UPDATE
    );
    let id = sale.order_id.to_string();
    if let Some(row) = query(sql)
        .bind(&id)
        .bind(shop.to_string())
        .fetch_optional(tx)
        .await?
    {
        let status: String = row.try_get(0)?;
        let status: OrderStatus = status.parse().map_err(|_| corrupt("status", &status))?;
        return Ok((status.code(), row.try_get(1)?));
    }
    let refused = query("SELECT created_at FROM order_refusals WHERE id = $1 AND shop_id = $2")
        .bind(&id)
        .bind(shop.to_string())
        .fetch_optional(tx)
        .await?;
    Ok(match refused {
        Some(row) => (OrderStatus::Failed.code(), row.try_get(0)?),
        None => (OrderStatus::Queued.code(), ms(now)),
    })
}

pub(super) async fn record_journal<D: Dialect>(
    store: &SqlStore<D>,
    shop: ShopId,
    device: DeviceId,
    entries: &[Entry],
    now: DateTime<Utc>,
) -> StoreResult<Vec<JournalWrite>> {
    let mut tx = store.write(Some(D::BEGIN_WRITE)).await?;
    let mut outcomes = Vec::with_capacity(entries.len());
    for entry in entries {
        outcomes.push(match entry {
            Entry::Sale(sale) => record_sale(&mut tx, shop, device, sale, now).await?,
            Entry::ShiftClose(close) => record_close(&mut tx, shop, device, close, now).await?,
        });
    }
    tx.commit().await?;
    Ok(outcomes)
}

async fn record_sale<D: Dialect>(
    tx: &mut Conn<D>,
    shop: ShopId,
    device: DeviceId,
    s: &Sale,
    now: DateTime<Utc>,
) -> StoreResult<JournalWrite> {
    let (_, hour) =
        local_day_hour(s.sold_at, s.utc_offset_h).ok_or_else(|| corrupt("zone", s.utc_offset_h))?;
    let (status, status_at) = order_state(tx, shop, s, now).await?;
    let stored = query(
        "INSERT INTO journal_sales (shop_id, order_id, device_id, cashier_id, cashier_name, sku, product_name, category, \
         price_idr, cost_idr, fee_idr, cash_idr, change_idr, sold_at, day, hour, utc_offset_h, status, status_at, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) \
         ON CONFLICT (shop_id, order_id) DO NOTHING",
    )
    .bind(shop.to_string())
    .bind(s.order_id.to_string())
    .bind(device.to_string())
    .bind(s.cashier_id.map(|c| c.to_string()))
    .bind(s.cashier_name.trim())
    .bind(s.sku.as_str())
    .bind(s.product_name.trim())
    .bind(s.category.code())
    .bind(s.price_idr.idr())
    .bind(s.cost_idr.idr())
    .bind(s.fee_idr.idr())
    .bind(s.cash_idr.idr())
    .bind(s.change_idr.idr())
    .bind(ms(s.sold_at))
    .bind(s.day.to_string())
    .bind(i64::from(hour))
    .bind(i64::from(s.utc_offset_h))
    .bind(status)
    .bind(status_at)
    .bind(ms(now))
    .execute(tx)
    .await?;
    if stored == 1 {
        return Ok(JournalWrite::Stored);
    }
    let row = query("SELECT * FROM journal_sales WHERE shop_id = $1 AND order_id = $2")
        .bind(shop.to_string())
        .bind(s.order_id.to_string())
        .fetch_one(tx)
        .await?;
    let same = row.try_get::<String, _>("device_id")? == device.to_string()
        && row.try_get::<Option<String>, _>("cashier_id")? == s.cashier_id.map(|c| c.to_string())
        && row.try_get::<String, _>("cashier_name")? == s.cashier_name.trim()
        && row.try_get::<String, _>("sku")? == s.sku.as_str()
        && row.try_get::<String, _>("category")? == s.category.code()
        && row.try_get::<i64, _>("price_idr")? == s.price_idr.idr()
        && row.try_get::<i64, _>("cost_idr")? == s.cost_idr.idr()
        && row.try_get::<i64, _>("fee_idr")? == s.fee_idr.idr()
        && row.try_get::<i64, _>("cash_idr")? == s.cash_idr.idr()
        && row.try_get::<i64, _>("change_idr")? == s.change_idr.idr()
        && row.try_get::<i64, _>("sold_at")? == ms(s.sold_at)
        && row.try_get::<String, _>("day")? == s.day.to_string();
    Ok(if same {
        JournalWrite::Exists
    } else {
        JournalWrite::Conflict
    })
}

async fn record_close<D: Dialect>(
    tx: &mut Conn<D>,
    shop: ShopId,
    device: DeviceId,
    c: &ShiftClose,
    now: DateTime<Utc>,
) -> StoreResult<JournalWrite> {
    let stored = query(
        "INSERT INTO journal_shifts (shop_id, shift_id, device_id, cashier_id, cashier_name, opened_at, closed_at, \
         opening_cash_idr, expected_cash_idr, counted_cash_idr, difference_idr, closed_by, day, utc_offset_h, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (shop_id, shift_id) DO NOTHING",
    )
    .bind(shop.to_string())
    .bind(c.shift_id.to_string())
    .bind(device.to_string())
    .bind(c.cashier_id.to_string())
    .bind(c.cashier_name.trim())
    .bind(ms(c.opened_at))
    .bind(ms(c.closed_at))
    .bind(c.opening_cash_idr.idr())
    .bind(c.expected_cash_idr.idr())
    .bind(c.counted_cash_idr.idr())
    .bind(c.difference_idr.idr())
    .bind(c.closed_by.trim())
    .bind(c.day.to_string())
    .bind(i64::from(c.utc_offset_h))
    .bind(ms(now))
    .execute(tx)
    .await?;
    if stored == 1 {
        return Ok(JournalWrite::Stored);
    }
    let row = query("SELECT * FROM journal_shifts WHERE shop_id = $1 AND shift_id = $2")
        .bind(shop.to_string())
        .bind(c.shift_id.to_string())
        .fetch_one(tx)
        .await?;
    let before = shift_line(&row)?;
    // Compared as stored: names trimmed, times to the millisecond.
    let mut close = c.clone();
    close.cashier_name = close.cashier_name.trim().to_owned();
    close.closed_by = close.closed_by.trim().to_owned();
    close.opened_at = from_ms(ms(c.opened_at))?;
    close.closed_at = from_ms(ms(c.closed_at))?;
    Ok(if before.device_id == device && before.close == close {
        JournalWrite::Exists
    } else {
        JournalWrite::Conflict
    })
}

pub(super) async fn journal_sums<D: Dialect>(
    store: &SqlStore<D>,
    scope: &ReportScope,
    by: Grouping,
) -> StoreResult<Vec<Sum>> {
    let (first, second, label, group) = match by {
        Grouping::Seller => (
            "device_id",
            "cashier_name",
            "NULL",
            "device_id, cashier_name",
        ),
        Grouping::Product => ("sku", "category", "MAX(product_name)", "sku, category"),
        Grouping::Time => ("day", "CAST(hour AS TEXT)", "NULL", "day, hour"),
    };
    let sql = format!(
        "SELECT {first}, {second}, {label}, status, COUNT(*), CAST(SUM(price_idr) AS BIGINT), \
         CAST(SUM(cost_idr) AS BIGINT), CAST(SUM(fee_idr) AS BIGINT) FROM journal_sales \
         WHERE shop_id = $1 AND day >= $2 AND day <= $3 GROUP BY {group}, status"
    );
    let rows = query(sql)
        .bind(scope.shop.to_string())
        .bind(scope.from.to_string())
        .bind(scope.to.to_string())
        .fetch_all(&mut store.read().await?)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Sum {
                keys: (r.try_get(0)?, r.try_get(1)?),
                label: r.try_get(2)?,
                status: r.try_get(3)?,
                count: r.try_get(4)?,
                price: Rupiah::from_idr(r.try_get(5)?),
                cost: Rupiah::from_idr(r.try_get(6)?),
                fee: Rupiah::from_idr(r.try_get(7)?),
            })
        })
        .collect()
}

/// The journal's columns with the order's target and failure, for [`sale_line`].
const SALE_LINES: &str = "SELECT j.*, o.target AS target, o.failure_message AS reason \
     FROM journal_sales j LEFT JOIN orders o ON o.id = j.order_id AND o.shop_id = j.shop_id";

fn sale_line(r: &Row) -> StoreResult<SaleLine> {
    let day: String = r.try_get("day")?;
    let offset: i64 = r.try_get("utc_offset_h")?;
    Ok(SaleLine {
        shop_id: parse_id("shop id", &r.try_get::<String, _>("shop_id")?)?,
        order_id: r.try_get("order_id")?,
        device_id: parse_id("device id", &r.try_get::<String, _>("device_id")?)?,
        cashier_name: r.try_get("cashier_name")?,
        sku: r.try_get("sku")?,
        product_name: r.try_get("product_name")?,
        category: r.try_get("category")?,
        target: r.try_get("target")?,
        price: Rupiah::from_idr(r.try_get("price_idr")?),
        cost: Rupiah::from_idr(r.try_get("cost_idr")?),
        fee: Rupiah::from_idr(r.try_get("fee_idr")?),
        cash: Rupiah::from_idr(r.try_get("cash_idr")?),
        change: Rupiah::from_idr(r.try_get("change_idr")?),
        sold_at: from_ms(r.try_get("sold_at")?)?,
        day: parse_day(&day)?,
        utc_offset_h: i8::try_from(offset).map_err(|_| corrupt("utc offset", offset))?,
        status: r.try_get("status")?,
        status_at: from_ms(r.try_get("status_at")?)?,
        reason: r.try_get("reason")?,
    })
}

fn parse_day(text: &str) -> StoreResult<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| corrupt("day", text))
}

pub(super) async fn journal_problems<D: Dialect>(
    store: &SqlStore<D>,
    scope: &ReportScope,
    limit: i64,
) -> StoreResult<Vec<SaleLine>> {
    let sql = format!(
        "{SALE_LINES} WHERE j.shop_id = $1 AND j.day >= $2 AND j.day <= $3 AND j.status <> 'success' \
         ORDER BY j.sold_at DESC LIMIT $4"
    );
    let rows = query(sql)
        .bind(scope.shop.to_string())
        .bind(scope.from.to_string())
        .bind(scope.to.to_string())
        .bind(limit)
        .fetch_all(&mut store.read().await?)
        .await?;
    rows.iter().map(sale_line).collect()
}

pub(super) async fn journal_refunds<D: Dialect>(
    store: &SqlStore<D>,
    shop: ShopId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<SaleLine>> {
    let sql = format!(
        "{SALE_LINES} WHERE j.shop_id = $1 AND j.status = 'refunded' AND j.status_at >= $2 \
         AND j.status_at < $3 ORDER BY j.status_at DESC"
    );
    let rows = query(sql)
        .bind(shop.to_string())
        .bind(ms(from))
        .bind(ms(to))
        .fetch_all(&mut store.read().await?)
        .await?;
    rows.iter().map(sale_line).collect()
}

pub(super) async fn journal_sales<D: Dialect>(
    store: &SqlStore<D>,
    scope: &ReportScope,
) -> StoreResult<Vec<SaleLine>> {
    let sql = format!(
        "{SALE_LINES} WHERE j.shop_id = $1 AND j.day >= $2 AND j.day <= $3 ORDER BY j.sold_at"
    );
    let rows = query(sql)
        .bind(scope.shop.to_string())
        .bind(scope.from.to_string())
        .bind(scope.to.to_string())
        .fetch_all(&mut store.read().await?)
        .await?;
    rows.iter().map(sale_line).collect()
}

fn shift_line(r: &Row) -> StoreResult<ShiftLine> {
    let day: String = r.try_get("day")?;
    let offset: i64 = r.try_get("utc_offset_h")?;
    Ok(ShiftLine {
        shop_id: parse_id("shop id", &r.try_get::<String, _>("shop_id")?)?,
        device_id: parse_id("device id", &r.try_get::<String, _>("device_id")?)?,
        close: ShiftClose {
            shift_id: parse_id("shift id", &r.try_get::<String, _>("shift_id")?)?,
            cashier_id: parse_id("cashier id", &r.try_get::<String, _>("cashier_id")?)?,
            cashier_name: r.try_get("cashier_name")?,
            opened_at: from_ms(r.try_get("opened_at")?)?,
            closed_at: from_ms(r.try_get("closed_at")?)?,
            opening_cash_idr: Rupiah::from_idr(r.try_get("opening_cash_idr")?),
            expected_cash_idr: Rupiah::from_idr(r.try_get("expected_cash_idr")?),
            counted_cash_idr: Rupiah::from_idr(r.try_get("counted_cash_idr")?),
            difference_idr: Rupiah::from_idr(r.try_get("difference_idr")?),
            closed_by: r.try_get("closed_by")?,
            day: parse_day(&day)?,
            utc_offset_h: i8::try_from(offset).map_err(|_| corrupt("utc offset", offset))?,
        },
    })
}

pub(super) async fn journal_shifts<D: Dialect>(
    store: &SqlStore<D>,
    scope: &ReportScope,
) -> StoreResult<Vec<ShiftLine>> {
    let rows = query(
        "SELECT * FROM journal_shifts WHERE shop_id = $1 AND day >= $2 AND day <= $3 ORDER BY closed_at DESC",
    )
    .bind(scope.shop.to_string())
    .bind(scope.from.to_string())
    .bind(scope.to.to_string())
    .fetch_all(&mut store.read().await?)
    .await?;
    rows.iter().map(shift_line).collect()
}

pub(super) async fn device_names<D: Dialect>(
    store: &SqlStore<D>,
    shop: ShopId,
) -> StoreResult<Vec<(DeviceId, String)>> {
    let rows = query("SELECT id, name FROM devices WHERE shop_id = $1 ORDER BY created_at")
        .bind(shop.to_string())
        .fetch_all(&mut store.read().await?)
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                parse_id("device id", &r.try_get::<String, _>(0)?)?,
                r.try_get(1)?,
            ))
        })
        .collect()
}

/// How far back [`money_history`] looks for saldo and deposit changes among the others.
const HISTORY_WINDOW: i64 = 2_000;

pub(super) async fn money_history<D: Dialect>(
    store: &SqlStore<D>,
    shop: ShopId,
    limit: i64,
) -> StoreResult<Vec<Change>> {
    let rows = query(
        "SELECT seq, payload, created_at FROM changes WHERE shop_id = $1 ORDER BY seq DESC LIMIT $2",
    )
    .bind(shop.to_string())
    .bind(HISTORY_WINDOW)
    .fetch_all(&mut store.read().await?)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let payload: String = r.try_get(1)?;
        let kind: ChangeKind =
            serde_json::from_str(&payload).map_err(|e| corrupt("change payload", e.to_string()))?;
        if matches!(kind, ChangeKind::Saldo { .. } | ChangeKind::Deposit { .. }) {
            out.push(Change {
                seq: r.try_get(0)?,
                at: from_ms(r.try_get(2)?)?,
                kind,
            });
        }
        if out.len() as i64 >= limit {
            break;
        }
    }
    Ok(out)
}

pub(super) async fn deposits_of<D: Dialect>(
    store: &SqlStore<D>,
    shop: ShopId,
    limit: i64,
) -> StoreResult<Vec<Deposit>> {
    let rows = query("SELECT * FROM deposits WHERE shop_id = $1 ORDER BY created_at DESC LIMIT $2")
        .bind(shop.to_string())
        .bind(limit)
        .fetch_all(&mut store.read().await?)
        .await?;
    rows.iter().map(|r| Ok(rows::deposit(r)?.deposit)).collect()
}

impl<D: Dialect> Journal for SqlStore<D> {
    async fn record_journal(
        &self,
        shop: ShopId,
        device: DeviceId,
        entries: &[Entry],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<JournalWrite>> {
        record_journal(self, shop, device, entries, now).await
    }

    async fn journal_sums(&self, scope: &ReportScope, by: Grouping) -> StoreResult<Vec<Sum>> {
        journal_sums(self, scope, by).await
    }

    async fn journal_problems(
        &self,
        scope: &ReportScope,
        limit: i64,
    ) -> StoreResult<Vec<SaleLine>> {
        journal_problems(self, scope, limit).await
    }

    async fn journal_refunds(
        &self,
        shop: ShopId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<SaleLine>> {
        journal_refunds(self, shop, from, to).await
    }

    async fn journal_sales(&self, scope: &ReportScope) -> StoreResult<Vec<SaleLine>> {
        journal_sales(self, scope).await
    }

    async fn journal_shifts(&self, scope: &ReportScope) -> StoreResult<Vec<ShiftLine>> {
        journal_shifts(self, scope).await
    }

    async fn device_names(&self, shop: ShopId) -> StoreResult<Vec<(DeviceId, String)>> {
        device_names(self, shop).await
    }

    async fn money_history(&self, shop: ShopId, limit: i64) -> StoreResult<Vec<Change>> {
        money_history(self, shop, limit).await
    }

    async fn deposits_of(&self, shop: ShopId, limit: i64) -> StoreResult<Vec<Deposit>> {
        deposits_of(self, shop, limit).await
    }
}
