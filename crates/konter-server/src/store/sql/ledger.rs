//! The books: a posting's account totals, event and entries; the saldo read from the
//! accounts; manual credits.

use chrono::{DateTime, Utc};
use konter_domain::api::v1::{ChangeKind, Saldo, SaldoMovement, SaldoReason};
use konter_domain::ids::{DepositId, OrderId, ShopId};
use konter_domain::money::Rupiah;
use konter_ledger::{Account, Entry, Posting, Side};

use super::dialect::{Arg, Conn, Dialect, Sql, query};
use super::{SqlStore, feed, ms, saldo_from};
use crate::store::StoreResult;

/// Where an account's row comes in the lock order (see `apply_posting`).
fn lock_rank(account: &Account) -> u8 {
    match account {
        Account::ShopSaldo(_) => 0,
        Account::ShopHolds(_) => 1,
        _ => 2,
    }
}

/// The entries of ledger events, one row per [`entry_row`].
pub(super) const INSERT_ENTRIES: &str =
    "INSERT INTO ledger_entries (event_id, account, side, amount_idr) VALUES {rows}";

/// One entry of event `event`, for [`INSERT_ENTRIES`].
pub(super) fn entry_row(event: i64, e: &Entry) -> [Arg<'static>; 4] {
    [
        event.into(),
        e.account.key().into(),
        e.side.code().into(),
        e.amount.idr().into(),
    ]
}

/// Who a posting is about, for the event row.
#[derive(Default)]
pub(super) struct EventMeta<'a> {
    pub shop: Option<ShopId>,
    pub order: Option<OrderId>,
    pub deposit: Option<DepositId>,
    pub reference: Option<&'a str>,
}

/// Writes a posting: its account totals, its event and its entries.
pub(super) async fn apply_posting<D: Dialect>(
    tx: &mut Conn<D>,
    posting: &Posting,
    meta: EventMeta<'_>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    // Rows are locked in one order in every transaction — a shop's saldo, then its
    // holds, then the rest by key — so two postings can never wait on each other
    // (PostgreSQL would abort one as a deadlock).
    let mut entries: Vec<_> = posting.entries().iter().collect();
    entries.sort_by_key(|e| (lock_rank(&e.account), e.account.key()));
    for e in entries {
        let (debit, credit) = match e.side {
            Side::Debit => (e.amount.idr(), 0),
            Side::Credit => (0, e.amount.idr()),
        };
        query(
            "INSERT INTO accounts (key, shop_id, debits_idr, credits_idr) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (key) DO UPDATE SET \
               debits_idr = accounts.debits_idr + excluded.debits_idr, \
               credits_idr = accounts.credits_idr + excluded.credits_idr",
        )
        .bind(e.account.key())
        .bind(e.account.shop().map(|s| s.to_string()))
        .bind(debit)
        .bind(credit)
        .execute(tx)
        .await?;
    }
    let event_id: i64 = query(
        "INSERT INTO ledger_events (kind, shop_id, order_id, deposit_id, reference, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(posting.kind().code())
    .bind(meta.shop.map(|s| s.to_string()))
    .bind(meta.order.map(|s| s.to_string()))
    .bind(meta.deposit.map(|s| s.to_string()))
    .bind(meta.reference)
    .bind(ms(now))
    .fetch_one(tx)
    .await?
    .try_get(0)?;
    // All entries in one statement: one round trip instead of one per entry.
    let entries = posting.entries().iter().map(|e| entry_row(event_id, e));
    Sql::rows::<D, 4>(INSERT_ENTRIES, entries)
        .execute(tx)
        .await?;
    Ok(())
}

pub(super) async fn saldo_in<D: Dialect>(conn: &mut Conn<D>, shop: ShopId) -> StoreResult<Saldo> {
    let rows =
        query("SELECT key, debits_idr, credits_idr FROM accounts WHERE key = $1 OR key = $2")
            .bind(Account::ShopSaldo(shop).key())
            .bind(Account::ShopHolds(shop).key())
            .fetch_all(conn)
            .await?;
    let mut saldo = (0, 0);
    let mut holds = (0, 0);
    for row in rows {
        let key: String = row.try_get(0)?;
        let totals = (row.try_get::<i64, _>(1)?, row.try_get::<i64, _>(2)?);
        if key.starts_with("shop_saldo:") {
            saldo = totals;
        } else {
            holds = totals;
        }
    }
    Ok(saldo_from(saldo, holds))
}

pub(super) async fn saldo_change<D: Dialect>(
    tx: &mut Conn<D>,
    shop: ShopId,
    reason: SaldoReason,
    amount: Rupiah,
    meta: &EventMeta<'_>,
    now: DateTime<Utc>,
) -> StoreResult<Saldo> {
    let saldo = saldo_in(tx, shop).await?;
    let movement = SaldoMovement {
        reason,
        amount_idr: amount,
        order_id: meta.order,
        deposit_id: meta.deposit,
        reference: meta.reference.map(str::to_owned),
        saldo,
    };
    feed::append_change_in(tx, shop, &ChangeKind::Saldo { movement }, now).await?;
    Ok(saldo)
}

pub(super) async fn saldo<D: Dialect>(store: &SqlStore<D>, shop: ShopId) -> StoreResult<Saldo> {
    let mut conn = store.read().await?;
    saldo_in(&mut conn, shop).await
}

pub(super) async fn credit_manual<D: Dialect>(
    store: &SqlStore<D>,
    shop: ShopId,
    amount: Rupiah,
    reference: &str,
    now: DateTime<Utc>,
) -> StoreResult<(bool, Saldo)> {
    let mut tx = store.write(None).await?;
    let fresh = query(
        "INSERT INTO manual_credits (shop_id, reference, amount_idr, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (shop_id, reference) DO NOTHING",
    )
    .bind(shop.to_string())
    .bind(reference)
    .bind(amount.idr())
    .bind(ms(now))
    .execute(&mut tx)
    .await?;
    if fresh != 1 {
        let saldo = saldo_in(&mut tx, shop).await?;
        tx.rollback().await?;
        return Ok((false, saldo));
    }
    let posting = Posting::deposit(shop, amount, false)?;
    let meta = EventMeta {
        shop: Some(shop),
        reference: Some(reference),
        ..EventMeta::default()
    };
    apply_posting(&mut tx, &posting, meta, now).await?;
    let meta = EventMeta {
        shop: Some(shop),
        reference: Some(reference),
        ..EventMeta::default()
    };
    let saldo = saldo_change(&mut tx, shop, SaldoReason::Deposit, amount, &meta, now).await?;
    tx.commit().await?;
    Ok((true, saldo))
}
