//! Fulfilment: the jobs workers claim, the attempts at suppliers, settling an order, and
//! the audit trail of supplier calls.

use chrono::{DateTime, Utc};
use konter_domain::api::v1::{ChangeKind, Failure, Order, SaldoReason};
use konter_domain::ids::OrderId;
use konter_domain::money::Rupiah;
use konter_domain::order::{OrderStatus, Transition};
use konter_ledger::{HoldState, Posting};

use super::dialect::{Conn, Dialect, query};
use super::ledger::{self, EventMeta};
use super::{SqlStore, corrupt, feed, from_ms, journal, ms, parse_id, rows};
use crate::store::{
    Attempt, AttemptResult, AttemptState, JobNext, QueueHealth, Settlement, StoreError,
    StoreResult, StoredOrder, SupplierCall,
};

/// The order `id`, its row locked until `tx` ends (PostgreSQL; SQLite's writer holds
/// the database).
async fn locked_order<D: Dialect>(tx: &mut Conn<D>, id: OrderId) -> StoreResult<StoredOrder> {
    let sql = &format!("SELECT * FROM orders WHERE id = $1{}", D::FOR_UPDATE);
    let row = query(sql)
        .bind(id.to_string())
        .fetch_optional(tx)
        .await?
        .ok_or(StoreError::NotFound("order"))?;
    rows::order(&row)
}

/// Ends an order: posts or voids its hold (or refunds a success), in `tx`. Settling a
/// final order the same way again changes nothing.
pub(super) async fn settle_in<D: Dialect>(
    tx: &mut Conn<D>,
    id: OrderId,
    settlement: &Settlement,
    now: DateTime<Utc>,
) -> StoreResult<Order> {
    let stored = locked_order(tx, id).await?;
    let mut order = stored.order;
    let shop = stored.shop_id;
    let target_status = match settlement {
        Settlement::Success { .. } => OrderStatus::Success,
        Settlement::Failed { .. } => OrderStatus::Failed,
        Settlement::Refunded { .. } => OrderStatus::Refunded,
    };
    match order.status.apply(target_status) {
        Ok(Transition::Ignored) => return Ok(order),
        Err(conflict) => return Err(StoreError::Conflict(conflict.to_string())),
        Ok(Transition::Moved(_)) => {}
    }
    let price = order.price_idr;
    let (hold_to, posting, reason, change) = match settlement {
        Settlement::Success { cost, .. } => (
            Some(HoldState::Posted),
            Posting::post_hold(shop, price, *cost)?,
            SaldoReason::Charge,
            Rupiah::ZERO,
        ),
        Settlement::Failed { .. } => (
            Some(HoldState::Voided),
            Posting::void_hold(shop, price)?,
            SaldoReason::Release,
            price,
        ),
        Settlement::Refunded { .. } => (
            None,
            Posting::refund(shop, price, stored.cost)?,
            SaldoReason::Refund,
            price,
        ),
    };
    if let Some(to) = hold_to {
        // Exactly once: only a pending hold can be posted or voided.
        let done = query(
            "UPDATE holds SET state = $2, settled_at = $3 WHERE order_id = $1 AND state = $4",
        )
        .bind(id.to_string())
        .bind(to.code())
        .bind(ms(now))
        .bind(HoldState::Pending.code())
        .execute(tx)
        .await?;
        if done != 1 {
            return Err(StoreError::Conflict(format!(
                "hold of order {id} is not pending"
            )));
        }
    }
    let meta = EventMeta {
        shop: Some(shop),
        order: Some(id),
        ..EventMeta::default()
    };
    ledger::apply_posting(tx, &posting, meta, now).await?;
    order.status = target_status;
    order.updated_at = from_ms(ms(now))?;
    let mut cost = stored.cost;
    match settlement {
        Settlement::Success {
            sn,
            pln_token,
            cost: c,
        } => {
            order.sn = sn.clone();
            order.pln_token = pln_token.clone();
            cost = *c;
        }
        Settlement::Failed { code, message } | Settlement::Refunded { code, message } => {
            order.failure = Some(Failure {
                code: code.clone(),
                message: message.clone(),
            });
        }
    }
    query(
        "UPDATE orders SET status = $2, sn = $3, pln_token = $4, failure_code = $5, failure_message = $6, \
         cost_idr = $7, updated_at = $8 WHERE id = $1",
    )
    .bind(id.to_string())
    .bind(order.status.code())
    .bind(&order.sn)
    .bind(&order.pln_token)
    .bind(order.failure.as_ref().map(|f| f.code.clone()))
    .bind(order.failure.as_ref().map(|f| f.message.clone()))
    .bind(cost.idr())
    .bind(ms(now))
    .execute(tx)
    .await?;
    journal::order_moved(tx, shop, &order).await?;
    feed::append_change_in(
        tx,
        shop,
        &ChangeKind::Order {
            order: order.clone(),
        },
        now,
    )
    .await?;
    let meta = EventMeta {
        shop: Some(shop),
        order: Some(id),
        ..EventMeta::default()
    };
    ledger::saldo_change(tx, shop, reason, change, &meta, now).await?;
    Ok(order)
}

/// Moves an order forward to `to` (never back), with its change; `None` when it
/// was there or past it already.
pub(super) async fn advance_in<D: Dialect>(
    tx: &mut Conn<D>,
    id: OrderId,
    to: OrderStatus,
    now: DateTime<Utc>,
) -> StoreResult<Option<Order>> {
    let stored = locked_order(tx, id).await?;
    let mut order = stored.order;
    match order.status.apply(to) {
        Ok(Transition::Moved(_)) => {}
        Ok(Transition::Ignored) | Err(_) => return Ok(None),
    }
    order.status = to;
    order.updated_at = from_ms(ms(now))?;
    query("UPDATE orders SET status = $2, updated_at = $3 WHERE id = $1")
        .bind(id.to_string())
        .bind(to.code())
        .bind(ms(now))
        .execute(tx)
        .await?;
    journal::order_moved(tx, stored.shop_id, &order).await?;
    feed::append_change_in(
        tx,
        stored.shop_id,
        &ChangeKind::Order {
            order: order.clone(),
        },
        now,
    )
    .await?;
    Ok(Some(order))
}

/// Whether, in `tx` (the order row locked), the order is settled, gone, or has an
/// attempt that is open, delivered, or numbered `n` or above: then neither a new
/// purchase nor failing the order as "never sent" may happen.
pub(super) async fn settled_or_standing_in<D: Dialect>(
    tx: &mut Conn<D>,
    id: OrderId,
    n: i64,
) -> StoreResult<bool> {
    let sql = &format!("SELECT status FROM orders WHERE id = $1{}", D::FOR_UPDATE);
    let Some(row) = query(sql).bind(id.to_string()).fetch_optional(tx).await? else {
        return Ok(true);
    };
    let status: String = row.try_get(0)?;
    let settled = status
        .parse::<OrderStatus>()
        .map_err(|_| corrupt("order status", &status))?
        .is_settled();
    let standing: i64 = query(
        "SELECT COUNT(*) FROM attempts WHERE order_id = $1 AND (state IN ($2, $3, $4) OR n >= $5)",
    )
    .bind(id.to_string())
    .bind(AttemptState::Sent.code())
    .bind(AttemptState::Pending.code())
    .bind(AttemptState::Success.code())
    .bind(n)
    .fetch_one(tx)
    .await?
    .try_get(0)?;
    Ok(settled || standing > 0)
}

/// Sets a job's next step and frees its lease.
pub(super) async fn set_job_in<D: Dialect>(
    tx: &mut Conn<D>,
    id: OrderId,
    next: JobNext,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let (state, at) = match next {
        JobNext::Done => ("done", now),
        JobNext::At(at) => ("open", at),
        JobNext::Review => ("review", now),
    };
    query(
        "UPDATE fulfil_jobs SET state = $2, next_at = $3, lease_owner = NULL, lease_until = NULL, updated_at = $4 \
         WHERE order_id = $1",
    )
    .bind(id.to_string())
    .bind(state)
    .bind(ms(at))
    .bind(ms(now))
    .execute(tx)
    .await?;
    Ok(())
}

/// Keeps one supplier call (or an operator's settlement) in the audit trail.
pub(super) async fn insert_call<D: Dialect>(
    conn: &mut Conn<D>,
    c: &SupplierCall,
) -> StoreResult<()> {
    query(
        "INSERT INTO supplier_calls (order_id, ref_id, supplier, operation, request, response, http_status, latency_ms, outcome, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(c.order_id.map(|o| o.to_string()))
    .bind(&c.ref_id)
    .bind(&c.supplier)
    .bind(&c.operation)
    .bind(&c.request)
    .bind(&c.response)
    .bind(c.http_status)
    .bind(c.latency_ms)
    .bind(&c.outcome)
    .bind(ms(c.at))
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn order_by_id<D: Dialect>(
    store: &SqlStore<D>,
    id: OrderId,
) -> StoreResult<Option<StoredOrder>> {
    let row = query("SELECT * FROM orders WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut store.read().await?)
        .await?;
    row.as_ref().map(rows::order).transpose()
}

pub(super) async fn settle_order<D: Dialect>(
    store: &SqlStore<D>,
    id: OrderId,
    settlement: &Settlement,
    now: DateTime<Utc>,
) -> StoreResult<Order> {
    let mut tx = store.write(None).await?;
    let order = settle_in(&mut tx, id, settlement, now).await?;
    set_job_in(&mut tx, id, JobNext::Done, now).await?;
    tx.commit().await?;
    Ok(order)
}

pub(super) async fn claim_jobs<D: Dialect>(
    store: &SqlStore<D>,
    owner: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u32,
) -> StoreResult<Vec<OrderId>> {
    let sql = format!(
        "UPDATE fulfil_jobs SET lease_owner = $1, lease_until = $2 WHERE order_id IN (\
         SELECT order_id FROM fulfil_jobs WHERE state = 'open' AND next_at <= $3 \
         AND (lease_until IS NULL OR lease_until < $3) ORDER BY next_at LIMIT $4{}\
         ) RETURNING order_id",
        D::SKIP_LOCKED
    );
    let rows = query(sql)
        .bind(owner)
        .bind(ms(lease_until))
        .bind(ms(now))
        .bind(i64::from(limit))
        .fetch_all(&mut store.writer().await?)
        .await?;
    rows.iter()
        .map(|r| parse_id("order id", &r.try_get::<String, _>(0)?))
        .collect()
}

pub(super) async fn fulfilment<D: Dialect>(
    store: &SqlStore<D>,
    id: OrderId,
) -> StoreResult<Option<(StoredOrder, Vec<Attempt>)>> {
    // One snapshot for both reads: an answer committed between them would show
    // the order open and its last attempt closed, which reads as "buy again".
    let mut tx = Conn::begin(&store.reader, Some(D::BEGIN_SNAPSHOT)).await?;
    let Some(row) = query("SELECT * FROM orders WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut tx)
        .await?
    else {
        return Ok(None);
    };
    let order = rows::order(&row)?;
    let attempts = query("SELECT * FROM attempts WHERE order_id = $1 ORDER BY n")
        .bind(id.to_string())
        .fetch_all(&mut tx)
        .await?
        .iter()
        .map(rows::attempt)
        .collect::<StoreResult<Vec<_>>>()?;
    tx.commit().await?;
    Ok(Some((order, attempts)))
}

pub(super) async fn begin_attempt<D: Dialect>(
    store: &SqlStore<D>,
    a: &Attempt,
) -> StoreResult<bool> {
    let mut tx = store.write(Some(D::BEGIN_WRITE)).await?;
    // Whatever the caller read, a new purchase is refused here, in the write
    // transaction, when the order is settled or an earlier attempt is open or
    // delivered: that attempt may still buy, or has bought.
    if settled_or_standing_in(&mut tx, a.order_id, a.n).await? {
        return Ok(false);
    }
    let inserted = query(
        "INSERT INTO attempts (order_id, n, supplier, supplier_sku, ref_id, state, cost_idr, last_call_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $8) ON CONFLICT DO NOTHING",
    )
    .bind(a.order_id.to_string())
    .bind(a.n)
    .bind(&a.supplier)
    .bind(&a.supplier_sku)
    .bind(&a.ref_id)
    .bind(AttemptState::Sent.code())
    .bind(a.cost.idr())
    .bind(ms(a.created_at))
    .execute(&mut tx)
    .await?;
    if inserted != 1 {
        return Ok(false);
    }
    advance_in(&mut tx, a.order_id, OrderStatus::Processing, a.created_at).await?;
    tx.commit().await?;
    Ok(true)
}

pub(super) async fn record_attempt<D: Dialect>(
    store: &SqlStore<D>,
    r: &AttemptResult,
) -> StoreResult<Option<Order>> {
    let mut tx = store.write(None).await?;
    // A refund reverses a success; everything else answers an open attempt.
    let (from_a, from_b) = match r.settle {
        Some(Settlement::Refunded { .. }) => (AttemptState::Success, AttemptState::Success),
        _ => (AttemptState::Sent, AttemptState::Pending),
    };
    let updated = query(
        "UPDATE attempts SET state = $3, code = COALESCE($4, code), message = COALESCE($5, message), \
         sn = COALESCE($6, sn), cost_idr = COALESCE($7, cost_idr), last_call_at = $8, updated_at = $8 \
         WHERE order_id = $1 AND n = $2 AND state IN ($9, $10)",
    )
    .bind(r.order_id.to_string())
    .bind(r.n)
    .bind(r.state.code())
    .bind(&r.code)
    .bind(&r.message)
    .bind(&r.sn)
    .bind(r.cost.map(Rupiah::idr))
    .bind(ms(r.now))
    .bind(from_a.code())
    .bind(from_b.code())
    .execute(&mut tx)
    .await?;
    if updated != 1 {
        return Ok(None);
    }
    let mut order = None;
    if r.order_pending {
        order = advance_in(&mut tx, r.order_id, OrderStatus::Pending, r.now).await?;
    }
    if let Some(settlement) = &r.settle {
        order = Some(settle_in(&mut tx, r.order_id, settlement, r.now).await?);
    }
    set_job_in(&mut tx, r.order_id, r.job, r.now).await?;
    tx.commit().await?;
    match order {
        Some(order) => Ok(Some(order)),
        None => Ok(order_by_id(store, r.order_id).await?.map(|s| s.order)),
    }
}

pub(super) async fn schedule_job<D: Dialect>(
    store: &SqlStore<D>,
    id: OrderId,
    next: JobNext,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let mut tx = store.write(None).await?;
    set_job_in(&mut tx, id, next, now).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn fail_unsent<D: Dialect>(
    store: &SqlStore<D>,
    id: OrderId,
    code: &str,
    message: &str,
    now: DateTime<Utc>,
) -> StoreResult<Order> {
    let settlement = Settlement::Failed {
        code: code.to_owned(),
        message: message.to_owned(),
    };
    let mut tx = store.write(Some(D::BEGIN_WRITE)).await?;
    // A worker that read "every supplier tried" may be behind: another worker
    // has begun a purchase since, or the order settled. Then nothing changes.
    if settled_or_standing_in(&mut tx, id, i64::MAX).await? {
        drop(tx);
        return order_by_id(store, id)
            .await?
            .map(|s| s.order)
            .ok_or(StoreError::NotFound("order"));
    }
    let order = settle_in(&mut tx, id, &settlement, now).await?;
    set_job_in(&mut tx, id, JobNext::Done, now).await?;
    tx.commit().await?;
    Ok(order)
}

pub(super) async fn attempt_by_ref<D: Dialect>(
    store: &SqlStore<D>,
    ref_id: &str,
) -> StoreResult<Option<Attempt>> {
    let row = query("SELECT * FROM attempts WHERE ref_id = $1")
        .bind(ref_id)
        .fetch_optional(&mut store.read().await?)
        .await?;
    row.as_ref().map(rows::attempt).transpose()
}

pub(super) async fn log_call<D: Dialect>(store: &SqlStore<D>, c: &SupplierCall) -> StoreResult<()> {
    let mut conn = store.writer().await?;
    insert_call(&mut conn, c).await
}

pub(super) async fn settle_review<D: Dialect>(
    store: &SqlStore<D>,
    id: OrderId,
    settlement: &Settlement,
    note: &SupplierCall,
) -> StoreResult<Option<Order>> {
    let now = note.at;
    let mut tx = store.write(Some(D::BEGIN_WRITE)).await?;
    let sql = &format!(
        "SELECT state FROM fulfil_jobs WHERE order_id = $1{}",
        D::FOR_UPDATE
    );
    let state: Option<String> = match query(sql)
        .bind(id.to_string())
        .fetch_optional(&mut tx)
        .await?
    {
        Some(row) => row.try_get(0)?,
        None => None,
    };
    if state.as_deref() != Some("review") {
        return Ok(None);
    }
    // The open attempt ends as the operator found it at the supplier.
    let (to, sn) = match settlement {
        Settlement::Success { sn, .. } => (AttemptState::Success, sn.clone()),
        _ => (AttemptState::Failed, None),
    };
    query(
        "UPDATE attempts SET state = $2, sn = COALESCE($3, sn), code = 'operator', message = $4, updated_at = $5 \
         WHERE order_id = $1 AND state IN ($6, $7)",
    )
    .bind(id.to_string())
    .bind(to.code())
    .bind(sn)
    .bind(&note.request)
    .bind(ms(now))
    .bind(AttemptState::Sent.code())
    .bind(AttemptState::Pending.code())
    .execute(&mut tx)
    .await?;
    let order = settle_in(&mut tx, id, settlement, now).await?;
    set_job_in(&mut tx, id, JobNext::Done, now).await?;
    insert_call(&mut tx, note).await?;
    tx.commit().await?;
    Ok(Some(order))
}

pub(super) async fn calls<D: Dialect>(
    store: &SqlStore<D>,
    order: OrderId,
) -> StoreResult<Vec<SupplierCall>> {
    // A bill payment's story starts with its inquiry's call, made before the order
    // existed under the ref_id the payment uses again.
    let rows = query(
        "SELECT * FROM supplier_calls WHERE order_id = $1 \
         OR (order_id IS NULL AND ref_id = (SELECT ref_id FROM bill_inquiries WHERE order_id = $1)) \
         ORDER BY id",
    )
    .bind(order.to_string())
    .fetch_all(&mut store.read().await?)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(SupplierCall {
                order_id: row
                    .try_get::<Option<String>, _>("order_id")?
                    .map(|id| parse_id("order id", &id))
                    .transpose()?,
                ref_id: row.try_get("ref_id")?,
                supplier: row.try_get("supplier")?,
                operation: row.try_get("operation")?,
                request: row.try_get("request")?,
                response: row.try_get("response")?,
                http_status: row.try_get("http_status")?,
                latency_ms: row.try_get("latency_ms")?,
                outcome: row.try_get("outcome")?,
                at: from_ms(row.try_get("created_at")?)?,
            })
        })
        .collect()
}

pub(super) async fn queue_health<D: Dialect>(
    store: &SqlStore<D>,
    stale_before: DateTime<Utc>,
) -> StoreResult<QueueHealth> {
    let rows = query(
        "SELECT j.state, COUNT(*), \
         SUM(CASE WHEN o.created_at < $1 THEN 1 ELSE 0 END), MIN(o.created_at) \
         FROM fulfil_jobs j JOIN orders o ON o.id = j.order_id \
         WHERE j.state IN ('open', 'review') GROUP BY j.state",
    )
    .bind(ms(stale_before))
    .fetch_all(&mut store.read().await?)
    .await?;
    let mut health = QueueHealth::default();
    for row in rows {
        let state: String = row.try_get(0)?;
        let count: i64 = row.try_get(1)?;
        if state == "open" {
            health.open = count;
            health.stale = row.try_get::<Option<i64>, _>(2)?.unwrap_or(0);
            health.oldest_open = row.try_get::<Option<i64>, _>(3)?.map(from_ms).transpose()?;
        } else {
            health.review = count;
        }
    }
    if health.review > 0 {
        let ids = query(
            "SELECT order_id FROM fulfil_jobs WHERE state = 'review' ORDER BY updated_at LIMIT $1",
        )
        .bind(QueueHealth::LISTED)
        .fetch_all(&mut store.read().await?)
        .await?;
        for row in ids {
            health
                .in_review
                .push(parse_id("order id", &row.try_get::<String, _>(0)?)?);
        }
    }
    Ok(health)
}
