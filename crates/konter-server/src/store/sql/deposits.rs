//! Deposits (saldo top-ups through the payment gateway) and bill inquiries.

use chrono::{DateTime, Utc};
use konter_domain::api::v1::{ChangeKind, DepositMethod, DepositStatus, SaldoReason};
use konter_domain::ids::{DepositId, InquiryId, OrderId, ShopId};
use konter_domain::money::Rupiah;
use konter_ledger::Posting;

use super::dialect::{Dialect, query};
use super::ledger::{self, EventMeta};
use super::{SqlStore, feed, ms, parse_id, rows};
use crate::store::{StoreError, StoreResult, StoredDeposit, StoredInquiry};

/// A bill payment of a shop ($1) for a product ($2) and customer ($3) that is open, or
/// succeeded at or after $4.
pub(super) const BILL_PAYMENT_OF: &str = "SELECT id FROM orders WHERE shop_id = $1 AND sku = $2 AND target = $3 AND inquiry_id IS NOT NULL \
     AND (status IN ('accepted', 'processing', 'pending') OR (status = 'success' AND created_at >= $4)) LIMIT 1";

fn method_code(method: DepositMethod) -> &'static str {
    match method {
        DepositMethod::Va => "va",
        DepositMethod::Qris => "qris",
    }
}

fn status_code(status: DepositStatus) -> &'static str {
    match status {
        DepositStatus::Pending => "pending",
        DepositStatus::Paid => "paid",
        DepositStatus::Expired => "expired",
        DepositStatus::Cancelled => "cancelled",
        DepositStatus::Failed => "failed",
    }
}

pub(super) async fn deposit_where<D: Dialect>(
    store: &SqlStore<D>,
    column: &'static str,
    value: String,
) -> StoreResult<Option<StoredDeposit>> {
    let sql = format!("SELECT * FROM deposits WHERE {column} = $1");
    let row = query(&sql)
        .bind(value)
        .fetch_optional(&mut store.read().await?)
        .await?;
    row.as_ref().map(rows::deposit).transpose()
}

pub(super) async fn save_inquiry<D: Dialect>(
    store: &SqlStore<D>,
    s: &StoredInquiry,
) -> StoreResult<Option<StoredInquiry>> {
    let json = serde_json::to_string(&s.inquiry)
        .map_err(|e| StoreError::Corrupt(format!("bill inquiry: {e}")))?;
    let mut tx = store.write(None).await?;
    let inserted = query(
        "INSERT INTO bill_inquiries (id, shop_id, device_id, request_hash, sku, customer_no, supplier, supplier_sku, ref_id, bill, total_idr, cost_idr, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (id) DO NOTHING",
    )
    .bind(s.inquiry.inquiry_id.to_string())
    .bind(s.shop_id.to_string())
    .bind(s.device_id.to_string())
    .bind(&s.request_hash)
    .bind(s.inquiry.sku.as_str())
    .bind(&s.inquiry.customer_no)
    .bind(&s.supplier)
    .bind(&s.supplier_sku)
    .bind(&s.ref_id)
    .bind(json)
    .bind(s.inquiry.bill.total_idr.idr())
    .bind(s.cost.idr())
    .bind(ms(s.inquiry.expires_at))
    .bind(ms(s.inquiry.created_at))
    .execute(&mut tx)
    .await?;
    if inserted == 1 {
        tx.commit().await?;
        return Ok(None);
    }
    let row = query("SELECT * FROM bill_inquiries WHERE id = $1")
        .bind(s.inquiry.inquiry_id.to_string())
        .fetch_optional(&mut tx)
        .await?
        .ok_or(StoreError::RaceLost)?;
    Ok(Some(rows::inquiry(&row)?))
}

pub(super) async fn inquiry<D: Dialect>(
    store: &SqlStore<D>,
    id: InquiryId,
) -> StoreResult<Option<StoredInquiry>> {
    let row = query("SELECT * FROM bill_inquiries WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut store.read().await?)
        .await?;
    row.as_ref().map(rows::inquiry).transpose()
}

pub(super) async fn bill_payment_of<D: Dialect>(
    store: &SqlStore<D>,
    shop: ShopId,
    sku: &str,
    customer_no: &str,
    since: DateTime<Utc>,
) -> StoreResult<Option<OrderId>> {
    let row = query(BILL_PAYMENT_OF)
        .bind(shop.to_string())
        .bind(sku)
        .bind(customer_no)
        .bind(ms(since))
        .fetch_optional(&mut store.read().await?)
        .await?;
    row.map(|r| parse_id("order id", &r.try_get::<String, _>(0)?))
        .transpose()
}

pub(super) async fn create_deposit<D: Dialect>(
    store: &SqlStore<D>,
    s: &StoredDeposit,
) -> StoreResult<Option<StoredDeposit>> {
    let d = &s.deposit;
    let inserted = query(
        "INSERT INTO deposits (id, shop_id, request_hash, amount_idr, method, bank, status, gateway_order_id, \
         va_number, qr_string, expires_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) ON CONFLICT (id) DO NOTHING",
    )
    .bind(d.id.to_string())
    .bind(s.shop_id.to_string())
    .bind(&s.request_hash)
    .bind(d.amount_idr.idr())
    .bind(method_code(d.method))
    .bind(&d.bank)
    .bind(status_code(d.status))
    .bind(&s.gateway_order_id)
    .bind(&d.va_number)
    .bind(&d.qr_string)
    .bind(d.expires_at.map(ms))
    .bind(ms(d.created_at))
    .execute(&mut store.writer().await?)
    .await?;
    if inserted == 1 {
        Ok(None)
    } else {
        deposit_where(store, "id", d.id.to_string()).await
    }
}

pub(super) async fn pending_deposits<D: Dialect>(
    store: &SqlStore<D>,
    created_by: DateTime<Utc>,
    limit: u32,
) -> StoreResult<Vec<StoredDeposit>> {
    let rows = query(
        "SELECT * FROM deposits WHERE status = 'pending' AND created_at <= $1 ORDER BY created_at LIMIT $2",
    )
    .bind(ms(created_by))
    .bind(i64::from(limit))
    .fetch_all(&mut store.read().await?)
    .await?;
    rows.iter().map(rows::deposit).collect()
}

pub(super) async fn deposit_paid<D: Dialect>(
    store: &SqlStore<D>,
    id: DepositId,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let mut tx = store.write(None).await?;
    // Exactly once: only the first confirmation flips the status; every later
    // notification finds it paid and changes nothing.
    let row = query(
        "UPDATE deposits SET status = 'paid', updated_at = $2 WHERE id = $1 AND status <> 'paid' \
         RETURNING shop_id, amount_idr",
    )
    .bind(id.to_string())
    .bind(ms(now))
    .fetch_optional(&mut tx)
    .await?;
    let Some(row) = row else {
        return Ok(false);
    };
    let shop: ShopId = parse_id("shop id", &row.try_get::<String, _>(0)?)?;
    let amount = Rupiah::from_idr(row.try_get(1)?);
    let posting = Posting::deposit(shop, amount, true)?;
    let meta = EventMeta {
        shop: Some(shop),
        deposit: Some(id),
        ..EventMeta::default()
    };
    ledger::apply_posting(&mut tx, &posting, meta, now).await?;
    let meta = EventMeta {
        shop: Some(shop),
        deposit: Some(id),
        ..EventMeta::default()
    };
    ledger::saldo_change(&mut tx, shop, SaldoReason::Deposit, amount, &meta, now).await?;
    let stored = query("SELECT * FROM deposits WHERE id = $1")
        .bind(id.to_string())
        .fetch_one(&mut tx)
        .await?;
    let deposit = rows::deposit(&stored)?.deposit;
    feed::append_change_in(&mut tx, shop, &ChangeKind::Deposit { deposit }, now).await?;
    tx.commit().await?;
    Ok(true)
}

pub(super) async fn deposit_closed<D: Dialect>(
    store: &SqlStore<D>,
    id: DepositId,
    status: DepositStatus,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let mut tx = store.write(None).await?;
    let row = query(
        "UPDATE deposits SET status = $2, updated_at = $3 WHERE id = $1 AND status = 'pending' RETURNING *",
    )
    .bind(id.to_string())
    .bind(status_code(status))
    .bind(ms(now))
    .fetch_optional(&mut tx)
    .await?;
    let Some(row) = row else {
        return Ok(false);
    };
    let stored = rows::deposit(&row)?;
    feed::append_change_in(
        &mut tx,
        stored.shop_id,
        &ChangeKind::Deposit {
            deposit: stored.deposit,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}
