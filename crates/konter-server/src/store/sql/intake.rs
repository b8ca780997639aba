//! Placing and refusing orders. A batch is read in a few statements, decided in memory
//! (`store/intake.rs`) and written with one multi-row statement per table.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use konter_domain::api::v1::{ChangeKind, SaldoMovement, SaldoReason};
use konter_domain::bill::bill_day_start;
use konter_domain::ids::{InquiryId, OrderId, ShopId};
use konter_domain::order::OrderStatus;
use konter_ledger::{Account, HoldState};
use sqlx::Pool;

use super::deposits::BILL_PAYMENT_OF;
use super::dialect::{Conn, Dialect, Row, Sql, query};
use super::{SqlStore, corrupt, feed, ledger, ms, parse_id, rows};
use crate::store::intake as decide;
use crate::store::{
    NewOrder, PlaceOutcome, Refusal, RefuseOutcome, StoreError, StoreResult, StoredOrder,
};

/// Whether to keep a run's statements prepared: a one-order run's statements read the same
/// every time (PostgreSQL places every order alone), a bigger run's depend on its size and
/// would only push other statements out of the cache.
fn keep_prepared(orders: usize) -> bool {
    orders == 1
}

/// Places a batch of orders in one transaction (one commit, one fsync). Each run
/// of distinct ids is read in a few statements, decided in memory
/// ([`decide::plan`]) and written with one multi-row statement per table. A
/// refusal (a known id, a short saldo, a paid bill) writes nothing for that order;
/// a store error fails the whole batch and nothing of it is kept.
pub(super) async fn place_orders_on<D: Dialect>(
    writer: &Pool<D>,
    batch: &[NewOrder],
) -> StoreResult<Vec<PlaceOutcome>> {
    // SQLite: the write lock from the start, so nothing read for the decisions
    // can change before they are written.
    let mut tx = Conn::begin(writer, Some(D::BEGIN_WRITE)).await?;
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut rest = batch;
    while !rest.is_empty() {
        let (run, later) = rest.split_at(decide::distinct_run(rest));
        outcomes.extend(place_run_in(&mut tx, run).await?);
        rest = later;
    }
    tx.commit().await?;
    Ok(outcomes)
}

pub(super) async fn place_run_in<D: Dialect>(
    tx: &mut Conn<D>,
    run: &[NewOrder],
) -> StoreResult<Vec<PlaceOutcome>> {
    // Locks first, then the known ids: on PostgreSQL a retry of an order that
    // another transaction placed waits on the same saldo (or bill) lock, so the
    // ids read after it see that order and answer with it — never with a refusal
    // decided on a saldo the order itself spent.
    lock_ids_in(tx, run.iter().map(|new| new.id)).await?;
    let refused = refusals_in(tx, run).await?;
    if !refused.is_empty() {
        // Copies of ids refused before are refused again; the rest go on.
        let rest: Vec<NewOrder> = run
            .iter()
            .filter(|n| !refused.contains_key(&n.id))
            .cloned()
            .collect();
        let placed = if rest.is_empty() {
            Vec::new()
        } else {
            Box::pin(place_run_in(tx, &rest)).await?
        };
        let mut placed = placed.into_iter();
        return run
            .iter()
            .map(|n| match refused.get(&n.id) {
                Some(r) => Ok(PlaceOutcome::Refused(r.clone())),
                None => placed
                    .next()
                    .ok_or_else(|| StoreError::CommitFailed("an outcome is missing".into())),
            })
            .collect();
    }
    let claimable = claimable_inquiries_in(tx, run).await?;
    let shops: BTreeSet<ShopId> = run.iter().map(|new| new.shop_id).collect();
    let before = lock_shop_accounts_in(tx, &shops).await?;
    let stored = stored_orders_in(tx, run).await?;
    let open_bills = open_bill_payments_in(tx, run).await?;
    let (outcomes, plan) = decide::plan(run, &stored, claimable, open_bills, before)?;
    if !plan.placed.is_empty() {
        write_run_in(tx, &plan).await?;
    }
    Ok(outcomes)
}

/// Serialises this transaction with any other about the same order ids (PostgreSQL;
/// SQLite's single writer does it already), in a fixed order.
pub(super) async fn lock_ids_in<D: Dialect>(
    tx: &mut Conn<D>,
    ids: impl Iterator<Item = OrderId>,
) -> StoreResult<()> {
    if D::LOCK_ID.is_empty() {
        return Ok(());
    }
    let ids: BTreeSet<String> = ids.map(|id| id.to_string()).collect();
    for id in ids {
        query(D::LOCK_ID).bind(id).execute(tx).await?;
    }
    Ok(())
}

/// The rows of `table` (keyed by `id`) for the run's order ids.
pub(super) async fn rows_of_run_in<D: Dialect>(
    tx: &mut Conn<D>,
    table: &str,
    run: &[NewOrder],
) -> StoreResult<Vec<Row>> {
    let ids = run.iter().map(|new| new.id.to_string().into());
    Sql::list::<D>(
        &format!("SELECT * FROM {table} WHERE id IN ({{list}})"),
        ids,
    )
    .persistent(keep_prepared(run.len()))
    .fetch_all(tx)
    .await
}

/// The refusals kept for the run's ids.
pub(super) async fn refusals_in<D: Dialect>(
    tx: &mut Conn<D>,
    run: &[NewOrder],
) -> StoreResult<HashMap<OrderId, Refusal>> {
    rows_of_run_in(tx, "order_refusals", run)
        .await?
        .iter()
        .map(|row| rows::refusal(row).map(|r| (r.id, r)))
        .collect()
}

pub(super) async fn stored_orders_in<D: Dialect>(
    tx: &mut Conn<D>,
    run: &[NewOrder],
) -> StoreResult<HashMap<OrderId, StoredOrder>> {
    rows_of_run_in(tx, "orders", run)
        .await?
        .iter()
        .map(|row| rows::order(row).map(|s| (s.order.id, s)))
        .collect()
}

/// The (inquiry, shop) pairs of the run's bill payments that no order pays yet,
/// locked (PostgreSQL) until the run commits.
pub(super) async fn claimable_inquiries_in<D: Dialect>(
    tx: &mut Conn<D>,
    run: &[NewOrder],
) -> StoreResult<HashSet<(InquiryId, ShopId)>> {
    let inquiries: Vec<InquiryId> = run.iter().filter_map(|new| new.inquiry_id).collect();
    if inquiries.is_empty() {
        return Ok(HashSet::new());
    }
    let sql = format!(
        "SELECT id, shop_id FROM bill_inquiries WHERE order_id IS NULL AND id IN ({{list}}) \
         ORDER BY id{}",
        D::FOR_UPDATE
    );
    Sql::list::<D>(&sql, inquiries.iter().map(|i| i.to_string().into()))
        .persistent(keep_prepared(run.len()))
        .fetch_all(tx)
        .await?
        .iter()
        .map(|row| {
            let id: String = row.try_get(0)?;
            let shop: String = row.try_get(1)?;
            Ok((parse_id("inquiry id", &id)?, parse_id("shop id", &shop)?))
        })
        .collect()
}

/// For each bill the run pays: an order of the shop that pays the same bill and is
/// open, or succeeded that day. Read under the shop's saldo lock, so two counters
/// paying one bill through two inquiries cannot both pass.
pub(super) async fn open_bill_payments_in<D: Dialect>(
    tx: &mut Conn<D>,
    run: &[NewOrder],
) -> StoreResult<HashMap<decide::BillKey, OrderId>> {
    let mut open = HashMap::new();
    for new in run.iter().filter(|new| new.inquiry_id.is_some()) {
        let key = decide::bill_key(new);
        if open.contains_key(&key) {
            continue;
        }
        let row = query(BILL_PAYMENT_OF)
            .bind(new.shop_id.to_string())
            .bind(&key.1)
            .bind(&key.2)
            .bind(ms(bill_day_start(new.now)))
            .fetch_optional(tx)
            .await?;
        if let Some(row) = row {
            open.insert(key, parse_id("order id", &row.try_get::<String, _>(0)?)?);
        }
    }
    Ok(open)
}

/// The saldo and holds totals of `shops`, locked (PostgreSQL) in the order every
/// transaction locks accounts: saldo accounts, then holds accounts.
pub(super) async fn lock_shop_accounts_in<D: Dialect>(
    tx: &mut Conn<D>,
    shops: &BTreeSet<ShopId>,
) -> StoreResult<BTreeMap<Account, decide::Totals>> {
    if shops.is_empty() {
        return Ok(BTreeMap::new());
    }
    let accounts: HashMap<String, Account> = shops
        .iter()
        .flat_map(|shop| [Account::ShopSaldo(*shop), Account::ShopHolds(*shop)])
        .map(|account| (account.key(), account))
        .collect();
    let sql = format!(
        "SELECT key, debits_idr, credits_idr FROM accounts WHERE key IN ({{list}}) \
         ORDER BY CASE WHEN key LIKE 'shop_saldo:%' THEN 0 ELSE 1 END, key{}",
        D::FOR_UPDATE
    );
    let locked = Sql::list::<D>(&sql, accounts.keys().map(|key| key.as_str().into()))
        .persistent(keep_prepared(shops.len()))
        .fetch_all(tx)
        .await?;
    let mut totals = BTreeMap::new();
    for row in locked {
        let key: String = row.try_get(0)?;
        let account = *accounts.get(&key).ok_or_else(|| corrupt("account", &key))?;
        totals.insert(account, (row.try_get(1)?, row.try_get(2)?));
    }
    Ok(totals)
}

/// Writes a run's new orders: the orders, their bill claims, the account totals,
/// the ledger events and entries, the holds, the fulfilment jobs and the change
/// feed — one statement per table.
pub(super) async fn write_run_in<D: Dialect>(
    tx: &mut Conn<D>,
    plan: &decide::IntakePlan<'_>,
) -> StoreResult<()> {
    let placed = &plan.placed;
    let keep = keep_prepared(placed.len());
    let orders = Sql::rows::<D, 13>(
        "INSERT INTO orders (id, shop_id, device_id, request_hash, sku, target, status, price_idr, \
         cost_idr, max_price_idr, created_at, updated_at, inquiry_id) \
         VALUES {rows} ON CONFLICT (id) DO NOTHING RETURNING id",
        placed.iter().map(|p| {
            let new = p.new;
            [
                new.id.to_string().into(),
                new.shop_id.to_string().into(),
                new.device_id.to_string().into(),
                new.request_hash.as_str().into(),
                new.sku.as_str().into(),
                new.target.as_str().into(),
                OrderStatus::Accepted.code().into(),
                new.price.idr().into(),
                new.cost.idr().into(),
                new.max_price.idr().into(),
                ms(new.now).into(),
                ms(new.now).into(),
                new.inquiry_id.map(|i| i.to_string()).into(),
            ]
        }),
    );
    // PostgreSQL: a retry of the same id committed after this run looked; the
    // caller answers with what that one stored.
    if orders.persistent(keep).fetch_all(tx).await?.len() != placed.len() {
        return Err(StoreError::RaceLost);
    }
    for p in placed {
        let Some(inquiry) = p.new.inquiry_id else {
            continue;
        };
        // One bill, one payment: the inquiry is claimed by exactly one order.
        let claimed = query(
            "UPDATE bill_inquiries SET order_id = $1 \
             WHERE id = $2 AND shop_id = $3 AND order_id IS NULL",
        )
        .bind(p.new.id.to_string())
        .bind(inquiry.to_string())
        .bind(p.new.shop_id.to_string())
        .execute(tx)
        .await?;
        if claimed != 1 {
            return Err(StoreError::Corrupt(format!(
                "inquiry {inquiry} claimed under the intake"
            )));
        }
    }
    let start = move_accounts_in(tx, plan).await?;
    write_postings_in(tx, placed).await?;
    Sql::rows::<D, 5>(
        "INSERT INTO holds (order_id, shop_id, amount_idr, state, created_at) VALUES {rows}",
        placed.iter().map(|p| {
            [
                p.new.id.to_string().into(),
                p.new.shop_id.to_string().into(),
                p.new.price.idr().into(),
                HoldState::Pending.code().into(),
                ms(p.new.now).into(),
            ]
        }),
    )
    .persistent(keep)
    .execute(tx)
    .await?;
    Sql::rows::<D, 4>(
        "INSERT INTO fulfil_jobs (order_id, state, next_at, updated_at) VALUES {rows}",
        placed.iter().map(|p| {
            [
                p.new.id.to_string().into(),
                "open".into(),
                ms(p.new.now).into(),
                ms(p.new.now).into(),
            ]
        }),
    )
    .persistent(keep)
    .execute(tx)
    .await?;
    append_run_changes_in(tx, placed, &start).await
}

/// Adds the run's moves to the accounts and returns their totals before the run,
/// checked against what the decisions were made on. Every shop has its saldo and
/// holds accounts from the day it was created; one missing is an error.
async fn move_accounts_in<D: Dialect>(
    tx: &mut Conn<D>,
    plan: &decide::IntakePlan<'_>,
) -> StoreResult<HashMap<Account, decide::Totals>> {
    let accounts: HashMap<String, Account> = plan
        .moved
        .keys()
        .map(|account| (account.key(), *account))
        .collect();
    // Updated in place: an upsert would check the saldo's "never below zero" on
    // the candidate row of the move alone.
    let moved = Sql::rows::<D, 3>(
        "UPDATE accounts SET debits_idr = debits_idr + v.column2, \
         credits_idr = credits_idr + v.column3 FROM (VALUES {rows}) AS v \
         WHERE accounts.key = v.column1 RETURNING key, debits_idr, credits_idr",
        plan.moved.iter().map(|(account, (debits, credits))| {
            [account.key().into(), (*debits).into(), (*credits).into()]
        }),
    );
    let mut after = HashMap::with_capacity(plan.moved.len());
    let keep = keep_prepared(plan.placed.len());
    for row in moved.persistent(keep).fetch_all(tx).await? {
        let key: String = row.try_get(0)?;
        let account = *accounts.get(&key).ok_or_else(|| corrupt("account", &key))?;
        after.insert(account, (row.try_get(1)?, row.try_get(2)?));
    }
    plan.start(&after)
}

/// The run's ledger events (one per order) and their entries.
async fn write_postings_in<D: Dialect>(
    tx: &mut Conn<D>,
    placed: &[decide::Placed<'_>],
) -> StoreResult<()> {
    let keep = keep_prepared(placed.len());
    let events = Sql::rows::<D, 6>(
        "INSERT INTO ledger_events (kind, shop_id, order_id, deposit_id, reference, created_at) \
         VALUES {rows} RETURNING id, order_id",
        placed.iter().map(|p| {
            [
                p.posting.kind().code().into(),
                p.new.shop_id.to_string().into(),
                p.new.id.to_string().into(),
                None::<String>.into(),
                None::<String>.into(),
                ms(p.new.now).into(),
            ]
        }),
    );
    let mut event_of = HashMap::with_capacity(placed.len());
    for row in events.persistent(keep).fetch_all(tx).await? {
        let order: String = row.try_get(1)?;
        event_of.insert(order, row.try_get::<i64, _>(0)?);
    }
    let mut entries = Vec::new();
    for p in placed {
        let event = *event_of
            .get(&p.new.id.to_string())
            .ok_or_else(|| corrupt("ledger event of order", p.new.id))?;
        entries.extend(
            p.posting
                .entries()
                .iter()
                .map(|e| ledger::entry_row(event, e)),
        );
    }
    Sql::rows::<D, 4>(ledger::INSERT_ENTRIES, entries.into_iter())
        .persistent(keep)
        .execute(tx)
        .await?;
    Ok(())
}

/// Each new order's two changes (the order, the saldo movement of its hold), with
/// one sequence bump per shop for the whole run.
async fn append_run_changes_in<D: Dialect>(
    tx: &mut Conn<D>,
    placed: &[decide::Placed<'_>],
    start: &HashMap<Account, decide::Totals>,
) -> StoreResult<()> {
    const PER_ORDER: i64 = 2;
    let keep = keep_prepared(placed.len());
    let mut counts: BTreeMap<ShopId, i64> = BTreeMap::new();
    for p in placed {
        *counts.entry(p.new.shop_id).or_default() += PER_ORDER;
    }
    // The shop rows' locks (PostgreSQL) or the single writer (SQLite) serialise
    // each shop's feed writers until commit, so sequence order is commit order.
    let bumped = Sql::rows::<D, 2>(
        "UPDATE shops SET next_seq = next_seq + v.column2 FROM (VALUES {rows}) AS v \
         WHERE shops.id = v.column1 RETURNING id, next_seq",
        counts
            .iter()
            .map(|(shop, n)| [shop.to_string().into(), (*n).into()]),
    );
    let mut next: HashMap<ShopId, i64> = HashMap::with_capacity(counts.len());
    for row in bumped.persistent(keep).fetch_all(tx).await? {
        let shop: ShopId = parse_id("shop id", &row.try_get::<String, _>(0)?)?;
        let after: i64 = row.try_get(1)?;
        let n = counts.get(&shop).copied().unwrap_or_default();
        next.insert(shop, after - n);
    }
    let mut changes = Vec::with_capacity(placed.len() * 2);
    for p in placed {
        let shop = p.new.shop_id;
        let seq = next.get_mut(&shop).ok_or(StoreError::NotFound("shop"))?;
        let movement = SaldoMovement {
            reason: SaldoReason::Hold,
            amount_idr: p
                .new
                .price
                .checked_neg()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            order_id: Some(p.new.id),
            deposit_id: None,
            reference: None,
            saldo: decide::IntakePlan::saldo_after(p, start)?,
        };
        let kinds = [
            ChangeKind::Order {
                order: p.order.clone(),
            },
            ChangeKind::Saldo { movement },
        ];
        for kind in &kinds {
            changes.push(feed::change_row(shop, p.new.now, *seq, kind)?);
            *seq += 1;
        }
    }
    Sql::rows::<D, 4>(feed::INSERT_CHANGES, changes.into_iter())
        .persistent(keep)
        .execute(tx)
        .await?;
    Ok(())
}

pub(super) async fn refuse_order<D: Dialect>(
    store: &SqlStore<D>,
    r: &Refusal,
) -> StoreResult<RefuseOutcome> {
    let mut tx = store.write(Some(D::BEGIN_WRITE)).await?;
    lock_ids_in(&mut tx, std::iter::once(r.id)).await?;
    let row = query("SELECT * FROM orders WHERE id = $1")
        .bind(r.id.to_string())
        .fetch_optional(&mut tx)
        .await?;
    if let Some(row) = row {
        return Ok(RefuseOutcome::Exists(rows::order(&row)?));
    }
    query(
        "INSERT INTO order_refusals (id, shop_id, request_hash, status, body, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(r.id.to_string())
    .bind(r.shop_id.to_string())
    .bind(&r.request_hash)
    .bind(i64::from(r.status))
    .bind(&r.body)
    .bind(ms(r.at))
    .execute(&mut tx)
    .await?;
    let kept = query("SELECT * FROM order_refusals WHERE id = $1")
        .bind(r.id.to_string())
        .fetch_one(&mut tx)
        .await?;
    let kept = rows::refusal(&kept)?;
    tx.commit().await?;
    Ok(RefuseOutcome::Refused(kept))
}
