//! The SQL behind [`Store`], written once and compiled for both backends.
//!
//! Every statement uses `$N` placeholders, which PostgreSQL and sqlx's SQLite driver both
//! understand, and only SQL both dialects share (`ON CONFLICT`, `RETURNING`). The one
//! dialect difference — row locks — is a macro parameter. SQLite gets one writer connection
//! (SQLite allows one writer at a time anyway, and a single connection turns lock contention
//! into a queue) plus a pool of readers; PostgreSQL gets one pool.
//!
//! This file is long because it is the whole persistence story in one place; splitting it
//! would scatter transactions that must be read together.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, NaiveTime, Utc};
use konter_domain::api::v1::{
    BillInquiry, Change, ChangeKind, Deposit, DepositMethod, DepositStatus, Failure, Order, Saldo,
    SaldoMovement, SaldoReason,
};
use konter_domain::bill::bill_day_start;
use konter_domain::catalogue::{Category, PriceRule, Product, Sku, Tier};
use konter_domain::ids::{DepositId, DeviceId, InquiryId, OrderId, ShopId};
use konter_domain::money::Rupiah;
use konter_domain::order::{OrderStatus, Transition};
use konter_domain::phone::Operator;
use konter_ledger::{Account, Balances, HoldState, Posting, Side};
use sqlx::Row;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use tokio::sync::{mpsc, oneshot};

use super::intake;
use super::{
    Attempt, AttemptResult, AttemptState, AuditReport, AuthDevice, CatalogueEntry, JobNext,
    NewOrder, PairOutcome, PlaceOutcome, Refusal, RefuseOutcome, Settlement, Shop, Store,
    StoreError, StoreResult, StoredDeposit, StoredInquiry, StoredOrder, SupplierCall,
    SupplierProduct,
};

/// How long a SQLite connection waits for a lock before failing. Only the CLI and the
/// server share the file, so waits are short; this bounds the rare long one.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Readers for SQLite: enough for the long-polls' short queries and catalogue reads on a
/// small machine.
const SQLITE_READERS: u32 = 8;
/// PostgreSQL connections per server process; several processes share one database.
const PG_CONNECTIONS: u32 = 16;

/// Orders committed together at most: enough to amortise one fsync over a burst of
/// concurrent counters, small enough that one batch's latency stays a few milliseconds.
const MAX_GROUP_COMMIT: usize = 64;
/// Orders waiting for the group-commit writer before senders have to wait.
const INTAKE_QUEUE: usize = 1024;

/// A bill payment of a shop ($1) for a product ($2) and customer ($3) that is open, or
/// succeeded at or after $4.
const BILL_PAYMENT_OF: &str = "SELECT id FROM orders WHERE shop_id = $1 AND sku = $2 AND target = $3 AND inquiry_id IS NOT NULL \
     AND (status IN ('accepted', 'processing', 'pending') OR (status = 'success' AND created_at >= $4)) LIMIT 1";

type IntakeJob = (NewOrder, oneshot::Sender<StoreResult<PlaceOutcome>>);

/// The embedded store. Orders go through one writer task that places whatever has queued
/// up — up to [`MAX_GROUP_COMMIT`] orders — in one transaction with a few multi-row
/// statements: group commit keeps `synchronous=FULL` durability at a fraction of the fsyncs,
/// and the batch crosses to SQLite's thread a handful of times instead of nine per order.
#[derive(Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    intake: mpsc::Sender<IntakeJob>,
}

/// The store for deployments that outgrow one machine.
#[derive(Clone)]
pub struct PgStore {
    writer: PgPool,
    reader: PgPool,
}

impl SqliteStore {
    /// Opens (creating if needed) a SQLite database: WAL, `synchronous=FULL` — durability
    /// is not traded for speed where money lives.
    pub async fn open(url: &str) -> StoreResult<SqliteStore> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(SQLITE_BUSY_TIMEOUT);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(SQLITE_READERS)
            .connect_with(options.read_only(true))
            .await?;
        let (intake, jobs) = mpsc::channel(INTAKE_QUEUE);
        tokio::spawn(group_commit(writer.clone(), jobs));
        Ok(SqliteStore {
            writer,
            reader,
            intake,
        })
    }

    async fn place_order_routed(&self, new: &NewOrder) -> StoreResult<PlaceOutcome> {
        let (reply, answer) = oneshot::channel();
        self.intake
            .send((new.clone(), reply))
            .await
            .map_err(|_| StoreError::CommitFailed("the order writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::CommitFailed("the order writer has stopped".into()))?
    }
}

/// The group-commit writer: takes the first waiting order, everything else already queued
/// (up to [`MAX_GROUP_COMMIT`]), and commits them together.
async fn group_commit(writer: SqlitePool, mut jobs: mpsc::Receiver<IntakeJob>) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_GROUP_COMMIT {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let (orders, replies): (Vec<NewOrder>, Vec<_>) = batch.into_iter().unzip();
        match SqliteStore::place_orders_on(&writer, &orders).await {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    let _ = reply.send(Ok(outcome));
                }
            }
            Err(e) => {
                let why = e.to_string();
                for reply in replies {
                    let _ = reply.send(Err(StoreError::CommitFailed(why.clone())));
                }
            }
        }
    }
}

impl PgStore {
    /// PostgreSQL commits concurrent transactions together by itself, so each order is
    /// its own transaction.
    async fn place_order_routed(&self, new: &NewOrder) -> StoreResult<PlaceOutcome> {
        match Self::place_orders_on(&self.writer, std::slice::from_ref(new)).await {
            Ok(mut outcomes) => outcomes
                .pop()
                .ok_or_else(|| StoreError::CommitFailed("no outcome".into())),
            // The transaction was rolled back; the other one's order is the answer.
            Err(StoreError::RaceLost) => {
                let stored = self
                    .order(new.id)
                    .await?
                    .ok_or(StoreError::NotFound("order"))?;
                Ok(PlaceOutcome::Exists(stored))
            }
            Err(e) => Err(e),
        }
    }

    pub async fn open(url: &str) -> StoreResult<PgStore> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(PG_CONNECTIONS)
            .connect_with(options)
            .await?;
        Ok(PgStore {
            writer: pool.clone(),
            reader: pool,
        })
    }
}

pub(crate) fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn from_ms(v: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp_millis(v).ok_or_else(|| corrupt("timestamp", v))
}

fn corrupt(what: &str, value: impl std::fmt::Debug) -> StoreError {
    StoreError::Corrupt(format!("{what}: {value:?}"))
}

fn parse_id<T: FromStr>(what: &str, text: &str) -> StoreResult<T> {
    text.parse().map_err(|_| corrupt(what, text))
}

pub(super) fn saldo_from(saldo_acct: (i64, i64), holds_acct: (i64, i64)) -> Saldo {
    let available = saldo_acct.1 - saldo_acct.0;
    let held = holds_acct.1 - holds_acct.0;
    Saldo {
        balance_idr: Rupiah::from_idr(available + held),
        held_idr: Rupiah::from_idr(held),
        available_idr: Rupiah::from_idr(available),
    }
}

fn time_text(t: Option<NaiveTime>) -> Option<String> {
    t.map(|t| t.format("%H:%M").to_string())
}

fn parse_time(text: Option<String>) -> StoreResult<Option<NaiveTime>> {
    text.map(|t| NaiveTime::parse_from_str(&t, "%H:%M").map_err(|_| corrupt("cut-off time", t)))
        .transpose()
}

/// Where an account's row comes in the lock order (see `apply_posting`).
fn lock_rank(account: &Account) -> u8 {
    match account {
        Account::ShopSaldo(_) => 0,
        Account::ShopHolds(_) => 1,
        _ => 2,
    }
}

/// Who a posting is about, for the event row.
#[derive(Default)]
struct EventMeta<'a> {
    shop: Option<ShopId>,
    order: Option<OrderId>,
    deposit: Option<DepositId>,
    reference: Option<&'a str>,
}

macro_rules! sql_store {
    ($store:ident, $db:ty, $migrator:expr, $for_update:literal, $skip_locked:literal, $begin_write:literal, $begin_snapshot:literal, $lock_id:literal, $numbered:literal) => {
        impl $store {
            /// Writes a posting: its account totals, its event and its entries.
            async fn apply_posting(
                tx: &mut sqlx::Transaction<'_, $db>,
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
                    sqlx::query(
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
                    .execute(&mut **tx)
                    .await?;
                }
                let event_id: i64 = sqlx::query(
                    "INSERT INTO ledger_events (kind, shop_id, order_id, deposit_id, reference, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(posting.kind().code())
                .bind(meta.shop.map(|s| s.to_string()))
                .bind(meta.order.map(|s| s.to_string()))
                .bind(meta.deposit.map(|s| s.to_string()))
                .bind(meta.reference)
                .bind(ms(now))
                .fetch_one(&mut **tx)
                .await?
                .try_get(0)?;
                // All entries in one statement: one round trip instead of one per entry.
                let values: Vec<String> = (0..posting.entries().len())
                    .map(|i| format!("($1, ${}, ${}, ${})", 3 * i + 2, 3 * i + 3, 3 * i + 4))
                    .collect();
                let sql = format!(
                    "INSERT INTO ledger_entries (event_id, account, side, amount_idr) VALUES {}",
                    values.join(", ")
                );
                let mut insert = sqlx::query(&sql).bind(event_id);
                for e in posting.entries() {
                    insert = insert.bind(e.account.key()).bind(e.side.code()).bind(e.amount.idr());
                }
                insert.execute(&mut **tx).await?;
                Ok(())
            }

            async fn saldo_in(
                conn: &mut <$db as sqlx::Database>::Connection,
                shop: ShopId,
            ) -> StoreResult<Saldo> {
                let rows = sqlx::query(
                    "SELECT key, debits_idr, credits_idr FROM accounts WHERE key = $1 OR key = $2",
                )
                .bind(Account::ShopSaldo(shop).key())
                .bind(Account::ShopHolds(shop).key())
                .fetch_all(&mut *conn)
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

            async fn append_change_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                shop: ShopId,
                kind: &ChangeKind,
                now: DateTime<Utc>,
            ) -> StoreResult<i64> {
                Self::append_changes_in(tx, shop, std::slice::from_ref(kind), now).await
            }

            async fn saldo_change(
                tx: &mut sqlx::Transaction<'_, $db>,
                shop: ShopId,
                reason: SaldoReason,
                amount: Rupiah,
                meta: &EventMeta<'_>,
                now: DateTime<Utc>,
            ) -> StoreResult<Saldo> {
                let saldo = Self::saldo_in(&mut **tx, shop).await?;
                let movement = SaldoMovement {
                    reason,
                    amount_idr: amount,
                    order_id: meta.order,
                    deposit_id: meta.deposit,
                    reference: meta.reference.map(str::to_owned),
                    saldo,
                };
                Self::append_change_in(tx, shop, &ChangeKind::Saldo { movement }, now).await?;
                Ok(saldo)
            }

            fn shop_from_row(row: &<$db as sqlx::Database>::Row) -> StoreResult<Shop> {
                let tier: String = row.try_get("tier")?;
                Ok(Shop {
                    id: parse_id("shop id", &row.try_get::<String, _>("id")?)?,
                    code: row.try_get("code")?,
                    name: row.try_get("name")?,
                    tier: tier.parse().map_err(|_| corrupt("tier", &tier))?,
                })
            }

            fn order_from_row(row: &<$db as sqlx::Database>::Row) -> StoreResult<StoredOrder> {
                let status: String = row.try_get("status")?;
                let failure = match (
                    row.try_get::<Option<String>, _>("failure_code")?,
                    row.try_get::<Option<String>, _>("failure_message")?,
                ) {
                    (Some(code), Some(message)) => Some(Failure { code, message }),
                    _ => None,
                };
                let sku: String = row.try_get("sku")?;
                let inquiry_id = row
                    .try_get::<Option<String>, _>("inquiry_id")?
                    .map(|id| parse_id("inquiry id", &id))
                    .transpose()?;
                Ok(StoredOrder {
                    shop_id: parse_id("shop id", &row.try_get::<String, _>("shop_id")?)?,
                    request_hash: row.try_get("request_hash")?,
                    cost: Rupiah::from_idr(row.try_get("cost_idr")?),
                    inquiry_id,
                    order: Order {
                        id: parse_id("order id", &row.try_get::<String, _>("id")?)?,
                        sku: Sku::parse(&sku).map_err(|_| corrupt("sku", &sku))?,
                        target: row.try_get("target")?,
                        status: status.parse().map_err(|_| corrupt("status", &status))?,
                        price_idr: Rupiah::from_idr(row.try_get("price_idr")?),
                        sn: row.try_get("sn")?,
                        pln_token: row.try_get("pln_token")?,
                        failure,
                        created_at: from_ms(row.try_get("created_at")?)?,
                        updated_at: from_ms(row.try_get("updated_at")?)?,
                    },
                })
            }

            fn inquiry_from_row(row: &<$db as sqlx::Database>::Row) -> StoreResult<StoredInquiry> {
                let json: String = row.try_get("bill")?;
                let mut inquiry: BillInquiry = serde_json::from_str(&json)
                    .map_err(|e| StoreError::Corrupt(format!("bill inquiry: {e}")))?;
                // The columns are the truth for what decides a payment.
                inquiry.expires_at = from_ms(row.try_get("expires_at")?)?;
                inquiry.order_id = row
                    .try_get::<Option<String>, _>("order_id")?
                    .map(|id| parse_id("order id", &id))
                    .transpose()?;
                Ok(StoredInquiry {
                    shop_id: parse_id("shop id", &row.try_get::<String, _>("shop_id")?)?,
                    device_id: parse_id("device id", &row.try_get::<String, _>("device_id")?)?,
                    request_hash: row.try_get("request_hash")?,
                    supplier: row.try_get("supplier")?,
                    supplier_sku: row.try_get("supplier_sku")?,
                    ref_id: row.try_get("ref_id")?,
                    cost: Rupiah::from_idr(row.try_get("cost_idr")?),
                    inquiry,
                })
            }

            fn deposit_from_row(row: &<$db as sqlx::Database>::Row) -> StoreResult<StoredDeposit> {
                let method: String = row.try_get("method")?;
                let status: String = row.try_get("status")?;
                Ok(StoredDeposit {
                    shop_id: parse_id("shop id", &row.try_get::<String, _>("shop_id")?)?,
                    request_hash: row.try_get("request_hash")?,
                    gateway_order_id: row.try_get("gateway_order_id")?,
                    deposit: Deposit {
                        id: parse_id("deposit id", &row.try_get::<String, _>("id")?)?,
                        amount_idr: Rupiah::from_idr(row.try_get("amount_idr")?),
                        method: serde_json::from_value(serde_json::Value::String(method.clone()))
                            .map_err(|_| corrupt("deposit method", &method))?,
                        status: serde_json::from_value(serde_json::Value::String(status.clone()))
                            .map_err(|_| corrupt("deposit status", &status))?,
                        bank: row.try_get("bank")?,
                        va_number: row.try_get("va_number")?,
                        qr_string: row.try_get("qr_string")?,
                        expires_at: row
                            .try_get::<Option<i64>, _>("expires_at")?
                            .map(from_ms)
                            .transpose()?,
                        created_at: from_ms(row.try_get("created_at")?)?,
                    },
                })
            }

            /// Places a batch of orders in one transaction (one commit, one fsync). Each run
            /// of distinct ids is read in a few statements, decided in memory
            /// ([`intake::plan`]) and written with one multi-row statement per table. A
            /// refusal (a known id, a short saldo, a paid bill) writes nothing for that order;
            /// a store error fails the whole batch and nothing of it is kept.
            async fn place_orders_on(
                writer: &sqlx::Pool<$db>,
                batch: &[NewOrder],
            ) -> StoreResult<Vec<PlaceOutcome>> {
                // SQLite: the write lock from the start, so nothing read for the decisions
                // can change before they are written.
                let mut tx = writer.begin_with($begin_write).await?;
                let mut outcomes = Vec::with_capacity(batch.len());
                let mut rest = batch;
                while !rest.is_empty() {
                    let (run, later) = rest.split_at(intake::distinct_run(rest));
                    outcomes.extend(Self::place_run_in(&mut tx, run).await?);
                    rest = later;
                }
                tx.commit().await?;
                Ok(outcomes)
            }

            async fn place_run_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                run: &[NewOrder],
            ) -> StoreResult<Vec<PlaceOutcome>> {
                // Locks first, then the known ids: on PostgreSQL a retry of an order that
                // another transaction placed waits on the same saldo (or bill) lock, so the
                // ids read after it see that order and answer with it — never with a refusal
                // decided on a saldo the order itself spent.
                Self::lock_ids_in(tx, run.iter().map(|new| new.id)).await?;
                let refused = Self::refusals_in(tx, run).await?;
                if !refused.is_empty() {
                    // Copies of ids refused before are refused again; the rest go on.
                    let rest: Vec<NewOrder> = run.iter().filter(|n| !refused.contains_key(&n.id)).cloned().collect();
                    let placed = if rest.is_empty() {
                        Vec::new()
                    } else {
                        Box::pin(Self::place_run_in(tx, &rest)).await?
                    };
                    let mut placed = placed.into_iter();
                    return run
                        .iter()
                        .map(|n| match refused.get(&n.id) {
                            Some(r) => Ok(PlaceOutcome::Refused(r.clone())),
                            None => placed.next().ok_or_else(|| StoreError::CommitFailed("an outcome is missing".into())),
                        })
                        .collect();
                }
                let claimable = Self::claimable_inquiries_in(tx, run).await?;
                let shops: BTreeSet<ShopId> = run.iter().map(|new| new.shop_id).collect();
                let before = Self::lock_shop_accounts_in(tx, &shops).await?;
                let stored = Self::stored_orders_in(tx, run).await?;
                let open_bills = Self::open_bill_payments_in(tx, run).await?;
                let (outcomes, plan) = intake::plan(run, &stored, claimable, open_bills, before)?;
                if !plan.placed.is_empty() {
                    Self::write_run_in(tx, &plan).await?;
                }
                Ok(outcomes)
            }

            /// Serialises this transaction with any other about the same order ids (PostgreSQL;
            /// SQLite's single writer does it already), in a fixed order.
            async fn lock_ids_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                ids: impl Iterator<Item = OrderId>,
            ) -> StoreResult<()> {
                if $lock_id.is_empty() {
                    return Ok(());
                }
                let ids: BTreeSet<String> = ids.map(|id| id.to_string()).collect();
                for id in ids {
                    sqlx::query($lock_id).bind(id).execute(&mut **tx).await?;
                }
                Ok(())
            }

            /// The rows of `table` (keyed by `id`) for the run's order ids.
            async fn rows_of_run_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                table: &str,
                run: &[NewOrder],
            ) -> StoreResult<Vec<<$db as sqlx::Database>::Row>> {
                let sql = format!("SELECT * FROM {table} WHERE id IN ({})", intake::value_list(run.len(), $numbered));
                let mut query = sqlx::query(&sql).persistent(intake::keep_prepared(run.len()));
                for new in run {
                    query = query.bind(new.id.to_string());
                }
                Ok(query.fetch_all(&mut **tx).await?)
            }

            /// The refusals kept for the run's ids.
            async fn refusals_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                run: &[NewOrder],
            ) -> StoreResult<HashMap<OrderId, Refusal>> {
                Self::rows_of_run_in(tx, "order_refusals", run)
                    .await?
                    .iter()
                    .map(|row| Self::refusal_from_row(row).map(|r| (r.id, r)))
                    .collect()
            }

            fn refusal_from_row(row: &<$db as sqlx::Database>::Row) -> StoreResult<Refusal> {
                let status: i64 = row.try_get("status")?;
                Ok(Refusal {
                    id: parse_id("order id", &row.try_get::<String, _>("id")?)?,
                    shop_id: parse_id("shop id", &row.try_get::<String, _>("shop_id")?)?,
                    request_hash: row.try_get("request_hash")?,
                    status: u16::try_from(status).map_err(|_| corrupt("refusal status", status))?,
                    body: row.try_get("body")?,
                    at: from_ms(row.try_get("created_at")?)?,
                })
            }

            async fn stored_orders_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                run: &[NewOrder],
            ) -> StoreResult<HashMap<OrderId, StoredOrder>> {
                Self::rows_of_run_in(tx, "orders", run)
                    .await?
                    .iter()
                    .map(|row| Self::order_from_row(row).map(|s| (s.order.id, s)))
                    .collect()
            }

            /// The (inquiry, shop) pairs of the run's bill payments that no order pays yet,
            /// locked (PostgreSQL) until the run commits.
            async fn claimable_inquiries_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                run: &[NewOrder],
            ) -> StoreResult<HashSet<(InquiryId, ShopId)>> {
                let inquiries: Vec<InquiryId> = run.iter().filter_map(|new| new.inquiry_id).collect();
                if inquiries.is_empty() {
                    return Ok(HashSet::new());
                }
                let sql = format!(
                    "SELECT id, shop_id FROM bill_inquiries WHERE order_id IS NULL AND id IN ({}) ORDER BY id{}",
                    intake::value_list(inquiries.len(), $numbered),
                    $for_update
                );
                let mut query = sqlx::query(&sql).persistent(intake::keep_prepared(run.len()));
                for inquiry in &inquiries {
                    query = query.bind(inquiry.to_string());
                }
                query
                    .fetch_all(&mut **tx)
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
            async fn open_bill_payments_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                run: &[NewOrder],
            ) -> StoreResult<HashMap<intake::BillKey, OrderId>> {
                let mut open = HashMap::new();
                for new in run.iter().filter(|new| new.inquiry_id.is_some()) {
                    let key = intake::bill_key(new);
                    if open.contains_key(&key) {
                        continue;
                    }
                    let row = sqlx::query(BILL_PAYMENT_OF)
                        .bind(new.shop_id.to_string())
                        .bind(&key.1)
                        .bind(&key.2)
                        .bind(ms(bill_day_start(new.now)))
                        .fetch_optional(&mut **tx)
                        .await?;
                    if let Some(row) = row {
                        open.insert(key, parse_id("order id", &row.try_get::<String, _>(0)?)?);
                    }
                }
                Ok(open)
            }

            /// The saldo and holds totals of `shops`, locked (PostgreSQL) in the order every
            /// transaction locks accounts: saldo accounts, then holds accounts.
            async fn lock_shop_accounts_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                shops: &BTreeSet<ShopId>,
            ) -> StoreResult<BTreeMap<Account, intake::Totals>> {
                if shops.is_empty() {
                    return Ok(BTreeMap::new());
                }
                let accounts: HashMap<String, Account> = shops
                    .iter()
                    .flat_map(|shop| [Account::ShopSaldo(*shop), Account::ShopHolds(*shop)])
                    .map(|account| (account.key(), account))
                    .collect();
                let sql = format!(
                    "SELECT key, debits_idr, credits_idr FROM accounts WHERE key IN ({}) \
                     ORDER BY CASE WHEN key LIKE 'shop_saldo:%' THEN 0 ELSE 1 END, key{}",
                    intake::value_list(accounts.len(), $numbered),
                    $for_update
                );
                let mut query = sqlx::query(&sql).persistent(intake::keep_prepared(shops.len()));
                for key in accounts.keys() {
                    query = query.bind(key.as_str());
                }
                let mut totals = BTreeMap::new();
                for row in query.fetch_all(&mut **tx).await? {
                    let key: String = row.try_get(0)?;
                    let account = *accounts.get(&key).ok_or_else(|| corrupt("account", &key))?;
                    totals.insert(account, (row.try_get(1)?, row.try_get(2)?));
                }
                Ok(totals)
            }

            /// Writes a run's new orders: the orders, their bill claims, the account totals,
            /// the ledger events and entries, the holds, the fulfilment jobs and the change
            /// feed — one statement per table.
            async fn write_run_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                plan: &intake::IntakePlan<'_>,
            ) -> StoreResult<()> {
                let placed = &plan.placed;
                let sql = format!(
                    "INSERT INTO orders (id, shop_id, device_id, request_hash, sku, target, status, price_idr, cost_idr, max_price_idr, created_at, updated_at, inquiry_id) \
                     VALUES {} ON CONFLICT (id) DO NOTHING RETURNING id",
                    intake::value_rows(placed.len(), 13, $numbered)
                );
                let mut query = sqlx::query(&sql).persistent(intake::keep_prepared(placed.len()));
                for p in placed {
                    let new = p.new;
                    query = query
                        .bind(new.id.to_string())
                        .bind(new.shop_id.to_string())
                        .bind(new.device_id.to_string())
                        .bind(new.request_hash.as_str())
                        .bind(new.sku.as_str())
                        .bind(new.target.as_str())
                        .bind(OrderStatus::Accepted.code())
                        .bind(new.price.idr())
                        .bind(new.cost.idr())
                        .bind(new.max_price.idr())
                        .bind(ms(new.now))
                        .bind(ms(new.now))
                        .bind(new.inquiry_id.map(|i| i.to_string()));
                }
                // PostgreSQL: a retry of the same id committed after this run looked; the
                // caller answers with what that one stored.
                if query.fetch_all(&mut **tx).await?.len() != placed.len() {
                    return Err(StoreError::RaceLost);
                }
                for p in placed {
                    let Some(inquiry) = p.new.inquiry_id else { continue };
                    // One bill, one payment: the inquiry is claimed by exactly one order.
                    let claimed = sqlx::query(
                        "UPDATE bill_inquiries SET order_id = $1 WHERE id = $2 AND shop_id = $3 AND order_id IS NULL",
                    )
                    .bind(p.new.id.to_string())
                    .bind(inquiry.to_string())
                    .bind(p.new.shop_id.to_string())
                    .execute(&mut **tx)
                    .await?;
                    if claimed.rows_affected() != 1 {
                        return Err(StoreError::Corrupt(format!("inquiry {inquiry} claimed under the intake")));
                    }
                }
                let start = Self::move_accounts_in(tx, plan).await?;
                Self::write_postings_in(tx, placed).await?;
                let sql = format!(
                    "INSERT INTO holds (order_id, shop_id, amount_idr, state, created_at) VALUES {}",
                    intake::value_rows(placed.len(), 5, $numbered)
                );
                let mut query = sqlx::query(&sql).persistent(intake::keep_prepared(placed.len()));
                for p in placed {
                    query = query
                        .bind(p.new.id.to_string())
                        .bind(p.new.shop_id.to_string())
                        .bind(p.new.price.idr())
                        .bind(HoldState::Pending.code())
                        .bind(ms(p.new.now));
                }
                query.execute(&mut **tx).await?;
                let sql = format!(
                    "INSERT INTO fulfil_jobs (order_id, state, next_at, updated_at) VALUES {}",
                    intake::value_rows(placed.len(), 4, $numbered)
                );
                let mut query = sqlx::query(&sql).persistent(intake::keep_prepared(placed.len()));
                for p in placed {
                    query = query
                        .bind(p.new.id.to_string())
                        .bind("open")
                        .bind(ms(p.new.now))
                        .bind(ms(p.new.now));
                }
                query.execute(&mut **tx).await?;
                Self::append_run_changes_in(tx, placed, &start).await
            }

            /// Adds the run's moves to the accounts and returns their totals before the run,
            /// checked against what the decisions were made on. Every shop has its saldo and
            /// holds accounts from the day it was created; one missing is an error.
            async fn move_accounts_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                plan: &intake::IntakePlan<'_>,
            ) -> StoreResult<HashMap<Account, intake::Totals>> {
                // Updated in place: an upsert would check the saldo's "never below zero" on
                // the candidate row of the move alone.
                let sql = format!(
                    "UPDATE accounts SET debits_idr = debits_idr + v.column2, credits_idr = credits_idr + v.column3 \
                     FROM (VALUES {}) AS v WHERE accounts.key = v.column1 RETURNING key, debits_idr, credits_idr",
                    intake::value_rows(plan.moved.len(), 3, $numbered)
                );
                let mut query = sqlx::query(&sql).persistent(intake::keep_prepared(plan.placed.len()));
                let mut accounts = HashMap::with_capacity(plan.moved.len());
                for (account, (debits, credits)) in &plan.moved {
                    accounts.insert(account.key(), *account);
                    query = query.bind(account.key()).bind(*debits).bind(*credits);
                }
                let mut after = HashMap::with_capacity(plan.moved.len());
                for row in query.fetch_all(&mut **tx).await? {
                    let key: String = row.try_get(0)?;
                    let account = *accounts.get(&key).ok_or_else(|| corrupt("account", &key))?;
                    after.insert(account, (row.try_get(1)?, row.try_get(2)?));
                }
                plan.start(&after)
            }

            /// The run's ledger events (one per order) and their entries.
            async fn write_postings_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                placed: &[intake::Placed<'_>],
            ) -> StoreResult<()> {
                let sql = format!(
                    "INSERT INTO ledger_events (kind, shop_id, order_id, deposit_id, reference, created_at) VALUES {} RETURNING id, order_id",
                    intake::value_rows(placed.len(), 6, $numbered)
                );
                let mut query = sqlx::query(&sql).persistent(intake::keep_prepared(placed.len()));
                for p in placed {
                    query = query
                        .bind(p.posting.kind().code())
                        .bind(p.new.shop_id.to_string())
                        .bind(p.new.id.to_string())
                        .bind(None::<String>)
                        .bind(None::<String>)
                        .bind(ms(p.new.now));
                }
                let mut events = HashMap::with_capacity(placed.len());
                for row in query.fetch_all(&mut **tx).await? {
                    let order: String = row.try_get(1)?;
                    events.insert(order, row.try_get::<i64, _>(0)?);
                }
                let entries: usize = placed.iter().map(|p| p.posting.entries().len()).sum();
                let sql = format!(
                    "INSERT INTO ledger_entries (event_id, account, side, amount_idr) VALUES {}",
                    intake::value_rows(entries, 4, $numbered)
                );
                let mut query = sqlx::query(&sql).persistent(intake::keep_prepared(placed.len()));
                for p in placed {
                    let event = *events
                        .get(&p.new.id.to_string())
                        .ok_or_else(|| corrupt("ledger event of order", p.new.id))?;
                    for e in p.posting.entries() {
                        query = query
                            .bind(event)
                            .bind(e.account.key())
                            .bind(e.side.code())
                            .bind(e.amount.idr());
                    }
                }
                query.execute(&mut **tx).await?;
                Ok(())
            }

            /// Each new order's two changes (the order, the saldo movement of its hold), with
            /// one sequence bump per shop for the whole run.
            async fn append_run_changes_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                placed: &[intake::Placed<'_>],
                start: &HashMap<Account, intake::Totals>,
            ) -> StoreResult<()> {
                const PER_ORDER: i64 = 2;
                let mut counts: BTreeMap<ShopId, i64> = BTreeMap::new();
                for p in placed {
                    *counts.entry(p.new.shop_id).or_default() += PER_ORDER;
                }
                // The shop rows' locks (PostgreSQL) or the single writer (SQLite) serialise
                // each shop's feed writers until commit, so sequence order is commit order.
                let sql = format!(
                    "UPDATE shops SET next_seq = next_seq + v.column2 FROM (VALUES {}) AS v \
                     WHERE shops.id = v.column1 RETURNING id, next_seq",
                    intake::value_rows(counts.len(), 2, $numbered)
                );
                let mut query = sqlx::query(&sql).persistent(intake::keep_prepared(placed.len()));
                for (shop, n) in &counts {
                    query = query.bind(shop.to_string()).bind(*n);
                }
                let mut next: HashMap<ShopId, i64> = HashMap::with_capacity(counts.len());
                for row in query.fetch_all(&mut **tx).await? {
                    let shop: ShopId = parse_id("shop id", &row.try_get::<String, _>(0)?)?;
                    let after: i64 = row.try_get(1)?;
                    let n = counts.get(&shop).copied().unwrap_or_default();
                    next.insert(shop, after - n);
                }
                let sql = format!(
                    "INSERT INTO changes (shop_id, created_at, seq, payload) VALUES {}",
                    intake::value_rows(placed.len() * 2, 4, $numbered)
                );
                let mut query = sqlx::query(&sql).persistent(intake::keep_prepared(placed.len()));
                for p in placed {
                    let shop = p.new.shop_id;
                    let seq = next.get_mut(&shop).ok_or(StoreError::NotFound("shop"))?;
                    let movement = SaldoMovement {
                        reason: SaldoReason::Hold,
                        amount_idr: p.new.price.checked_neg().map_err(|e| StoreError::Corrupt(e.to_string()))?,
                        order_id: Some(p.new.id),
                        deposit_id: None,
                        reference: None,
                        saldo: intake::IntakePlan::saldo_after(p, start)?,
                    };
                    let changes = [ChangeKind::Order { order: p.order.clone() }, ChangeKind::Saldo { movement }];
                    for kind in &changes {
                        let payload = serde_json::to_string(kind)
                            .map_err(|e| StoreError::Corrupt(format!("change payload: {e}")))?;
                        query = query.bind(shop.to_string()).bind(ms(p.new.now)).bind(*seq).bind(payload);
                        *seq += 1;
                    }
                }
                query.execute(&mut **tx).await?;
                Ok(())
            }

            /// Appends changes to a shop's feed with one sequence bump for all of them.
            async fn append_changes_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                shop: ShopId,
                kinds: &[ChangeKind],
                now: DateTime<Utc>,
            ) -> StoreResult<i64> {
                let n = kinds.len() as i64;
                // The shop row's lock (PostgreSQL) or the single writer (SQLite) serialises
                // this shop's feed writers until commit, so sequence order is commit order.
                let first: i64 = sqlx::query(
                    "UPDATE shops SET next_seq = next_seq + $2 WHERE id = $1 RETURNING next_seq - $2",
                )
                .bind(shop.to_string())
                .bind(n)
                .fetch_optional(&mut **tx)
                .await?
                .ok_or(StoreError::NotFound("shop"))?
                .try_get(0)?;
                let values: Vec<String> = (0..kinds.len())
                    .map(|i| format!("($1, $2, ${}, ${})", 2 * i + 3, 2 * i + 4))
                    .collect();
                let sql = format!(
                    "INSERT INTO changes (shop_id, created_at, seq, payload) VALUES {}",
                    values.join(", ")
                );
                let mut insert = sqlx::query(&sql).bind(shop.to_string()).bind(ms(now));
                for (i, kind) in kinds.iter().enumerate() {
                    let payload = serde_json::to_string(kind)
                        .map_err(|e| StoreError::Corrupt(format!("change payload: {e}")))?;
                    insert = insert.bind(first + i as i64).bind(payload);
                }
                insert.execute(&mut **tx).await?;
                Ok(first + n - 1)
            }

            /// Ends an order: posts or voids its hold (or refunds a success), in `tx`. Settling a
            /// final order the same way again changes nothing.
            async fn settle_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                id: OrderId,
                settlement: &Settlement,
                now: DateTime<Utc>,
            ) -> StoreResult<Order> {
                let sql = concat!("SELECT * FROM orders WHERE id = $1", $for_update);
                let row = sqlx::query(sql)
                    .bind(id.to_string())
                    .fetch_optional(&mut **tx)
                    .await?
                    .ok_or(StoreError::NotFound("order"))?;
                let stored = Self::order_from_row(&row)?;
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
                    let done = sqlx::query(
                        "UPDATE holds SET state = $2, settled_at = $3 WHERE order_id = $1 AND state = $4",
                    )
                    .bind(id.to_string())
                    .bind(to.code())
                    .bind(ms(now))
                    .bind(HoldState::Pending.code())
                    .execute(&mut **tx)
                    .await?;
                    if done.rows_affected() != 1 {
                        return Err(StoreError::Conflict(format!("hold of order {id} is not pending")));
                    }
                }
                let meta = EventMeta { shop: Some(shop), order: Some(id), ..EventMeta::default() };
                Self::apply_posting(tx, &posting, meta, now).await?;
                order.status = target_status;
                order.updated_at = from_ms(ms(now))?;
                let mut cost = stored.cost;
                match settlement {
                    Settlement::Success { sn, pln_token, cost: c } => {
                        order.sn = sn.clone();
                        order.pln_token = pln_token.clone();
                        cost = *c;
                    }
                    Settlement::Failed { code, message } | Settlement::Refunded { code, message } => {
                        order.failure = Some(Failure { code: code.clone(), message: message.clone() });
                    }
                }
                sqlx::query(
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
                .execute(&mut **tx)
                .await?;
                Self::append_change_in(tx, shop, &ChangeKind::Order { order: order.clone() }, now).await?;
                let meta = EventMeta { shop: Some(shop), order: Some(id), ..EventMeta::default() };
                Self::saldo_change(tx, shop, reason, change, &meta, now).await?;
                Ok(order)
            }

            /// Moves an order forward to `to` (never back), with its change; `None` when it
            /// was there or past it already.
            async fn advance_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                id: OrderId,
                to: OrderStatus,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<Order>> {
                let sql = concat!("SELECT * FROM orders WHERE id = $1", $for_update);
                let row = sqlx::query(sql)
                    .bind(id.to_string())
                    .fetch_optional(&mut **tx)
                    .await?
                    .ok_or(StoreError::NotFound("order"))?;
                let stored = Self::order_from_row(&row)?;
                let mut order = stored.order;
                match order.status.apply(to) {
                    Ok(Transition::Moved(_)) => {}
                    Ok(Transition::Ignored) | Err(_) => return Ok(None),
                }
                order.status = to;
                order.updated_at = from_ms(ms(now))?;
                sqlx::query("UPDATE orders SET status = $2, updated_at = $3 WHERE id = $1")
                    .bind(id.to_string())
                    .bind(to.code())
                    .bind(ms(now))
                    .execute(&mut **tx)
                    .await?;
                Self::append_change_in(tx, stored.shop_id, &ChangeKind::Order { order: order.clone() }, now).await?;
                Ok(Some(order))
            }

            /// Whether, in `tx` (the order row locked), the order is settled, gone, or has an
            /// attempt that is open, delivered, or numbered `n` or above: then neither a new
            /// purchase nor failing the order as "never sent" may happen.
            async fn settled_or_standing_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                id: OrderId,
                n: i64,
            ) -> StoreResult<bool> {
                let sql = concat!("SELECT status FROM orders WHERE id = $1", $for_update);
                let Some(status) = sqlx::query_scalar::<_, String>(sql)
                    .bind(id.to_string())
                    .fetch_optional(&mut **tx)
                    .await?
                else {
                    return Ok(true);
                };
                let settled = status
                    .parse::<OrderStatus>()
                    .map_err(|_| corrupt("order status", &status))?
                    .is_settled();
                let standing: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM attempts WHERE order_id = $1 AND (state IN ($2, $3, $4) OR n >= $5)",
                )
                .bind(id.to_string())
                .bind(AttemptState::Sent.code())
                .bind(AttemptState::Pending.code())
                .bind(AttemptState::Success.code())
                .bind(n)
                .fetch_one(&mut **tx)
                .await?;
                Ok(settled || standing > 0)
            }

            /// Sets a job's next step and frees its lease.
            async fn set_job_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                id: OrderId,
                next: JobNext,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                let (state, at) = match next {
                    JobNext::Done => ("done", now),
                    JobNext::At(at) => ("open", at),
                    JobNext::Review => ("review", now),
                };
                sqlx::query(
                    "UPDATE fulfil_jobs SET state = $2, next_at = $3, lease_owner = NULL, lease_until = NULL, updated_at = $4 \
                     WHERE order_id = $1",
                )
                .bind(id.to_string())
                .bind(state)
                .bind(ms(at))
                .bind(ms(now))
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            /// Keeps one supplier call (or an operator's settlement) in the audit trail.
            async fn insert_call(conn: &mut <$db as sqlx::Database>::Connection, c: &SupplierCall) -> StoreResult<()> {
                sqlx::query(
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
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            fn attempt_from_row(row: &<$db as sqlx::Database>::Row) -> StoreResult<Attempt> {
                let state: String = row.try_get("state")?;
                Ok(Attempt {
                    order_id: parse_id("order id", &row.try_get::<String, _>("order_id")?)?,
                    n: row.try_get("n")?,
                    supplier: row.try_get("supplier")?,
                    supplier_sku: row.try_get("supplier_sku")?,
                    ref_id: row.try_get("ref_id")?,
                    state: AttemptState::parse(&state).ok_or_else(|| corrupt("attempt state", &state))?,
                    cost: Rupiah::from_idr(row.try_get("cost_idr")?),
                    code: row.try_get("code")?,
                    message: row.try_get("message")?,
                    sn: row.try_get("sn")?,
                    last_call_at: from_ms(row.try_get("last_call_at")?)?,
                    created_at: from_ms(row.try_get("created_at")?)?,
                })
            }

            async fn deposit_where(&self, column: &'static str, value: String) -> StoreResult<Option<StoredDeposit>> {
                let sql = format!("SELECT * FROM deposits WHERE {column} = $1");
                let row = sqlx::query(&sql).bind(value).fetch_optional(&self.reader).await?;
                row.as_ref().map(Self::deposit_from_row).transpose()
            }
        }

        impl Store for $store {
            async fn migrate(&self) -> StoreResult<()> {
                $migrator.run(&self.writer).await?;
                Ok(())
            }

            async fn create_shop(&self, code: &str, name: &str, tier: Tier, now: DateTime<Utc>) -> StoreResult<Shop> {
                let shop = Shop { id: ShopId::new(), code: code.to_owned(), name: name.to_owned(), tier };
                let mut tx = self.writer.begin().await?;
                let inserted = sqlx::query(
                    "INSERT INTO shops (id, code, name, tier, created_at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (code) DO NOTHING",
                )
                .bind(shop.id.to_string())
                .bind(code)
                .bind(name)
                .bind(tier.code())
                .bind(ms(now))
                .execute(&mut *tx)
                .await?;
                if inserted.rows_affected() != 1 {
                    return Err(StoreError::ShopCodeTaken(code.to_owned()));
                }
                for account in [Account::ShopSaldo(shop.id), Account::ShopHolds(shop.id)] {
                    sqlx::query("INSERT INTO accounts (key, shop_id) VALUES ($1, $2)")
                        .bind(account.key())
                        .bind(shop.id.to_string())
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(shop)
            }

            async fn shop_by_code(&self, code: &str) -> StoreResult<Option<Shop>> {
                let row = sqlx::query("SELECT id, code, name, tier FROM shops WHERE code = $1")
                    .bind(code)
                    .fetch_optional(&self.reader)
                    .await?;
                row.as_ref().map(Self::shop_from_row).transpose()
            }

            async fn shop(&self, id: ShopId) -> StoreResult<Option<Shop>> {
                let row = sqlx::query("SELECT id, code, name, tier FROM shops WHERE id = $1")
                    .bind(id.to_string())
                    .fetch_optional(&self.reader)
                    .await?;
                row.as_ref().map(Self::shop_from_row).transpose()
            }

            async fn shops(&self) -> StoreResult<Vec<Shop>> {
                let rows = sqlx::query("SELECT id, code, name, tier FROM shops ORDER BY code")
                    .fetch_all(&self.reader)
                    .await?;
                rows.iter().map(Self::shop_from_row).collect()
            }

            async fn add_pairing_code(&self, shop: ShopId, code_hash: &str, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO pairing_codes (code_hash, shop_id, expires_at, created_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(code_hash)
                .bind(shop.to_string())
                .bind(ms(expires_at))
                .bind(ms(now))
                .execute(&self.writer)
                .await?;
                Ok(())
            }

            async fn pair_device(&self, code_hash: &str, device: DeviceId, name: &str, token_hash: &str, now: DateTime<Utc>) -> StoreResult<PairOutcome> {
                let mut tx = self.writer.begin().await?;
                // Single use: only the first exchange flips `used_at`.
                let claimed = sqlx::query(
                    "UPDATE pairing_codes SET used_at = $2 \
                     WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING shop_id",
                )
                .bind(code_hash)
                .bind(ms(now))
                .fetch_optional(&mut *tx)
                .await?;
                let Some(row) = claimed else {
                    return Ok(PairOutcome::Refused);
                };
                let shop_id: String = row.try_get(0)?;
                sqlx::query(
                    "INSERT INTO devices (id, shop_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(device.to_string())
                .bind(&shop_id)
                .bind(name)
                .bind(token_hash)
                .bind(ms(now))
                .execute(&mut *tx)
                .await?;
                let shop_row = sqlx::query("SELECT id, code, name, tier FROM shops WHERE id = $1")
                    .bind(&shop_id)
                    .fetch_one(&mut *tx)
                    .await?;
                let shop = Self::shop_from_row(&shop_row)?;
                tx.commit().await?;
                Ok(PairOutcome::Paired(shop))
            }

            async fn device_by_token(&self, token_hash: &str) -> StoreResult<Option<AuthDevice>> {
                let row = sqlx::query(
                    "SELECT d.id, d.shop_id, s.tier FROM devices d JOIN shops s ON s.id = d.shop_id \
                     WHERE d.token_hash = $1 AND d.revoked_at IS NULL",
                )
                .bind(token_hash)
                .fetch_optional(&self.reader)
                .await?;
                row.map(|r| {
                    let tier: String = r.try_get(2)?;
                    Ok(AuthDevice {
                        device_id: parse_id("device id", &r.try_get::<String, _>(0)?)?,
                        shop_id: parse_id("shop id", &r.try_get::<String, _>(1)?)?,
                        tier: tier.parse().map_err(|_| corrupt("tier", &tier))?,
                    })
                })
                .transpose()
            }

            async fn revoke_device(&self, device: DeviceId, now: DateTime<Utc>) -> StoreResult<bool> {
                let done = sqlx::query("UPDATE devices SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
                    .bind(device.to_string())
                    .bind(ms(now))
                    .execute(&self.writer)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn upsert_product(&self, p: &Product, cut_off: Option<(NaiveTime, NaiveTime)>, now: DateTime<Utc>) -> StoreResult<()> {
                let input = serde_json::to_string(&p.input)
                    .map_err(|e| StoreError::Corrupt(format!("input schema: {e}")))?;
                sqlx::query(
                    "INSERT INTO products (sku, name, category, brand, operator, nominal_idr, input, active, cut_off_start, cut_off_end, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                     ON CONFLICT (sku) DO UPDATE SET name = excluded.name, category = excluded.category, \
                       brand = excluded.brand, operator = excluded.operator, nominal_idr = excluded.nominal_idr, \
                       input = excluded.input, active = excluded.active, cut_off_start = excluded.cut_off_start, \
                       cut_off_end = excluded.cut_off_end, updated_at = excluded.updated_at",
                )
                .bind(p.sku.as_str())
                .bind(&p.name)
                .bind(p.category.code())
                .bind(&p.brand)
                .bind(p.operator.map(|o| o.code()))
                .bind(p.nominal_idr.map(Rupiah::idr))
                .bind(input)
                .bind(p.active)
                .bind(time_text(cut_off.map(|c| c.0)))
                .bind(time_text(cut_off.map(|c| c.1)))
                .bind(ms(now))
                .execute(&self.writer)
                .await?;
                Ok(())
            }

            async fn upsert_supplier_product(&self, o: &SupplierProduct, now: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO supplier_products (sku, supplier, supplier_sku, cost_idr, priority, active, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (sku, supplier) DO UPDATE SET supplier_sku = excluded.supplier_sku, \
                       cost_idr = excluded.cost_idr, priority = excluded.priority, active = excluded.active, \
                       updated_at = excluded.updated_at",
                )
                .bind(&o.sku)
                .bind(&o.supplier)
                .bind(&o.supplier_sku)
                .bind(o.cost.idr())
                .bind(o.priority)
                .bind(o.active)
                .bind(ms(now))
                .execute(&self.writer)
                .await?;
                Ok(())
            }

            async fn set_tier_rule(&self, tier: Tier, rule: &PriceRule, now: DateTime<Utc>) -> StoreResult<()> {
                let text = serde_json::to_string(rule)
                    .map_err(|e| StoreError::Corrupt(format!("price rule: {e}")))?;
                sqlx::query(
                    "INSERT INTO tier_markups (tier, rule, updated_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (tier) DO UPDATE SET rule = excluded.rule, updated_at = excluded.updated_at",
                )
                .bind(tier.code())
                .bind(text)
                .bind(ms(now))
                .execute(&self.writer)
                .await?;
                Ok(())
            }

            async fn apply_price_list(&self, supplier: &str, items: &[crate::suppliers::PriceItem], now: DateTime<Utc>) -> StoreResult<Vec<String>> {
                let listed: BTreeMap<&str, &crate::suppliers::PriceItem> =
                    items.iter().map(|i| (i.supplier_sku.as_str(), i)).collect();
                let mut tx = self.writer.begin().await?;
                // Bills are priced per inquiry; the prepaid list says nothing about them.
                let rows = sqlx::query(
                    "SELECT sku, supplier_sku, cost_idr, active FROM supplier_products WHERE supplier = $1 \
                     AND sku NOT IN (SELECT sku FROM products WHERE category = 'bill')",
                )
                    .bind(supplier)
                    .fetch_all(&mut *tx)
                    .await?;
                let mut changed = Vec::new();
                for row in rows {
                    let sku: String = row.try_get("sku")?;
                    let supplier_sku: String = row.try_get("supplier_sku")?;
                    let cost: i64 = row.try_get("cost_idr")?;
                    let active: bool = row.try_get("active")?;
                    let (new_cost, new_active) = match listed.get(supplier_sku.as_str()) {
                        Some(item) => (item.cost.idr(), item.active),
                        None => (cost, false),
                    };
                    if (new_cost, new_active) == (cost, active) {
                        continue;
                    }
                    sqlx::query("UPDATE supplier_products SET cost_idr = $3, active = $4, updated_at = $5 WHERE sku = $1 AND supplier = $2")
                        .bind(&sku)
                        .bind(supplier)
                        .bind(new_cost)
                        .bind(new_active)
                        .bind(ms(now))
                        .execute(&mut *tx)
                        .await?;
                    changed.push(sku);
                }
                tx.commit().await?;
                Ok(changed)
            }

            async fn tier_rules(&self) -> StoreResult<Vec<(Tier, PriceRule)>> {
                let rows = sqlx::query("SELECT tier, rule FROM tier_markups")
                    .fetch_all(&self.reader)
                    .await?;
                rows.iter()
                    .map(|r| {
                        let tier: String = r.try_get(0)?;
                        let rule: String = r.try_get(1)?;
                        Ok((
                            tier.parse().map_err(|_| corrupt("tier", &tier))?,
                            serde_json::from_str(&rule).map_err(|_| corrupt("price rule", &rule))?,
                        ))
                    })
                    .collect()
            }

            async fn catalogue(&self) -> StoreResult<Vec<CatalogueEntry>> {
                let offers = sqlx::query(
                    "SELECT sku, supplier, supplier_sku, cost_idr, priority, active FROM supplier_products \
                     ORDER BY sku, priority, supplier",
                )
                .fetch_all(&self.reader)
                .await?;
                let mut by_sku: BTreeMap<String, Vec<SupplierProduct>> = BTreeMap::new();
                for r in offers {
                    let offer = SupplierProduct {
                        sku: r.try_get(0)?,
                        supplier: r.try_get(1)?,
                        supplier_sku: r.try_get(2)?,
                        cost: Rupiah::from_idr(r.try_get(3)?),
                        priority: r.try_get(4)?,
                        active: r.try_get(5)?,
                    };
                    by_sku.entry(offer.sku.clone()).or_default().push(offer);
                }
                let rows = sqlx::query(
                    "SELECT sku, name, category, brand, operator, nominal_idr, input, active, cut_off_start, cut_off_end \
                     FROM products ORDER BY category, brand, nominal_idr, sku",
                )
                .fetch_all(&self.reader)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in rows {
                    let sku: String = r.try_get(0)?;
                    let category: String = r.try_get(2)?;
                    let operator: Option<String> = r.try_get(4)?;
                    let input: String = r.try_get(6)?;
                    let start = parse_time(r.try_get(8)?)?;
                    let end = parse_time(r.try_get(9)?)?;
                    let product = Product {
                        sku: Sku::parse(&sku).map_err(|_| corrupt("sku", &sku))?,
                        name: r.try_get(1)?,
                        category: Category::from_code(&category).ok_or_else(|| corrupt("category", &category))?,
                        brand: r.try_get(3)?,
                        operator: operator
                            .map(|o| Operator::from_code(&o).ok_or_else(|| corrupt("operator", &o)))
                            .transpose()?,
                        nominal_idr: r.try_get::<Option<i64>, _>(5)?.map(Rupiah::from_idr),
                        input: serde_json::from_str(&input).map_err(|_| corrupt("input schema", &input))?,
                        active: r.try_get(7)?,
                    };
                    out.push(CatalogueEntry {
                        suppliers: by_sku.remove(&sku).unwrap_or_default(),
                        product,
                        cut_off: start.zip(end),
                    });
                }
                Ok(out)
            }

            async fn order(&self, id: OrderId) -> StoreResult<Option<StoredOrder>> {
                let row = sqlx::query("SELECT * FROM orders WHERE id = $1")
                    .bind(id.to_string())
                    .fetch_optional(&self.reader)
                    .await?;
                row.as_ref().map(Self::order_from_row).transpose()
            }

            async fn save_inquiry(&self, s: &StoredInquiry) -> StoreResult<Option<StoredInquiry>> {
                let json = serde_json::to_string(&s.inquiry)
                    .map_err(|e| StoreError::Corrupt(format!("bill inquiry: {e}")))?;
                let mut tx = self.writer.begin().await?;
                let inserted = sqlx::query(
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
                .execute(&mut *tx)
                .await?;
                if inserted.rows_affected() == 1 {
                    tx.commit().await?;
                    return Ok(None);
                }
                let row = sqlx::query("SELECT * FROM bill_inquiries WHERE id = $1")
                    .bind(s.inquiry.inquiry_id.to_string())
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::RaceLost)?;
                Ok(Some(Self::inquiry_from_row(&row)?))
            }

            async fn inquiry(&self, id: InquiryId) -> StoreResult<Option<StoredInquiry>> {
                let row = sqlx::query("SELECT * FROM bill_inquiries WHERE id = $1")
                    .bind(id.to_string())
                    .fetch_optional(&self.reader)
                    .await?;
                row.as_ref().map(Self::inquiry_from_row).transpose()
            }

            async fn bill_payment_of(&self, shop: ShopId, sku: &str, customer_no: &str, since: DateTime<Utc>) -> StoreResult<Option<OrderId>> {
                let row = sqlx::query(BILL_PAYMENT_OF)
                .bind(shop.to_string())
                .bind(sku)
                .bind(customer_no)
                .bind(ms(since))
                .fetch_optional(&self.reader)
                .await?;
                row.map(|r| parse_id("order id", &r.try_get::<String, _>(0)?)).transpose()
            }

            async fn place_order(&self, new: &NewOrder) -> StoreResult<PlaceOutcome> {
                self.place_order_routed(new).await
            }

            async fn refuse_order(&self, r: &Refusal) -> StoreResult<RefuseOutcome> {
                let mut tx = self.writer.begin_with($begin_write).await?;
                Self::lock_ids_in(&mut tx, std::iter::once(r.id)).await?;
                let row = sqlx::query("SELECT * FROM orders WHERE id = $1")
                    .bind(r.id.to_string())
                    .fetch_optional(&mut *tx)
                    .await?;
                if let Some(row) = row {
                    return Ok(RefuseOutcome::Exists(Self::order_from_row(&row)?));
                }
                sqlx::query(
                    "INSERT INTO order_refusals (id, shop_id, request_hash, status, body, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                )
                .bind(r.id.to_string())
                .bind(r.shop_id.to_string())
                .bind(&r.request_hash)
                .bind(i64::from(r.status))
                .bind(&r.body)
                .bind(ms(r.at))
                .execute(&mut *tx)
                .await?;
                let kept = sqlx::query("SELECT * FROM order_refusals WHERE id = $1")
                    .bind(r.id.to_string())
                    .fetch_one(&mut *tx)
                    .await?;
                let kept = Self::refusal_from_row(&kept)?;
                tx.commit().await?;
                Ok(RefuseOutcome::Refused(kept))
            }

            async fn settle_order(&self, id: OrderId, settlement: &Settlement, now: DateTime<Utc>) -> StoreResult<Order> {
                let mut tx = self.writer.begin().await?;
                let order = Self::settle_in(&mut tx, id, settlement, now).await?;
                Self::set_job_in(&mut tx, id, JobNext::Done, now).await?;
                tx.commit().await?;
                Ok(order)
            }

            async fn claim_jobs(&self, owner: &str, now: DateTime<Utc>, lease_until: DateTime<Utc>, limit: u32) -> StoreResult<Vec<OrderId>> {
                let sql = concat!(
                    "UPDATE fulfil_jobs SET lease_owner = $1, lease_until = $2 WHERE order_id IN (",
                    "SELECT order_id FROM fulfil_jobs WHERE state = 'open' AND next_at <= $3 ",
                    "AND (lease_until IS NULL OR lease_until < $3) ORDER BY next_at LIMIT $4",
                    $skip_locked,
                    ") RETURNING order_id"
                );
                let rows = sqlx::query(sql)
                    .bind(owner)
                    .bind(ms(lease_until))
                    .bind(ms(now))
                    .bind(i64::from(limit))
                    .fetch_all(&self.writer)
                    .await?;
                rows.iter()
                    .map(|r| parse_id("order id", &r.try_get::<String, _>(0)?))
                    .collect()
            }

            async fn fulfilment(&self, id: OrderId) -> StoreResult<Option<(StoredOrder, Vec<Attempt>)>> {
                // One snapshot for both reads: an answer committed between them would show
                // the order open and its last attempt closed, which reads as "buy again".
                let mut tx = self.reader.begin_with($begin_snapshot).await?;
                let Some(row) = sqlx::query("SELECT * FROM orders WHERE id = $1")
                    .bind(id.to_string())
                    .fetch_optional(&mut *tx)
                    .await?
                else {
                    return Ok(None);
                };
                let order = Self::order_from_row(&row)?;
                let attempts = sqlx::query("SELECT * FROM attempts WHERE order_id = $1 ORDER BY n")
                    .bind(id.to_string())
                    .fetch_all(&mut *tx)
                    .await?
                    .iter()
                    .map(Self::attempt_from_row)
                    .collect::<StoreResult<Vec<_>>>()?;
                tx.commit().await?;
                Ok(Some((order, attempts)))
            }

            async fn begin_attempt(&self, a: &Attempt) -> StoreResult<bool> {
                let mut tx = self.writer.begin_with($begin_write).await?;
                // Whatever the caller read, a new purchase is refused here, in the write
                // transaction, when the order is settled or an earlier attempt is open or
                // delivered: that attempt may still buy, or has bought.
                if Self::settled_or_standing_in(&mut tx, a.order_id, a.n).await? {
                    return Ok(false);
                }
                let inserted = sqlx::query(
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
                .execute(&mut *tx)
                .await?;
                if inserted.rows_affected() != 1 {
                    return Ok(false);
                }
                Self::advance_in(&mut tx, a.order_id, OrderStatus::Processing, a.created_at).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn record_attempt(&self, r: &AttemptResult) -> StoreResult<Option<Order>> {
                let mut tx = self.writer.begin().await?;
                // A refund reverses a success; everything else answers an open attempt.
                let (from_a, from_b) = match r.settle {
                    Some(Settlement::Refunded { .. }) => (AttemptState::Success, AttemptState::Success),
                    _ => (AttemptState::Sent, AttemptState::Pending),
                };
                let updated = sqlx::query(
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
                .execute(&mut *tx)
                .await?;
                if updated.rows_affected() != 1 {
                    return Ok(None);
                }
                let mut order = None;
                if r.order_pending {
                    order = Self::advance_in(&mut tx, r.order_id, OrderStatus::Pending, r.now).await?;
                }
                if let Some(settlement) = &r.settle {
                    order = Some(Self::settle_in(&mut tx, r.order_id, settlement, r.now).await?);
                }
                Self::set_job_in(&mut tx, r.order_id, r.job, r.now).await?;
                tx.commit().await?;
                match order {
                    Some(order) => Ok(Some(order)),
                    None => Ok(self.order(r.order_id).await?.map(|s| s.order)),
                }
            }

            async fn schedule_job(&self, id: OrderId, next: JobNext, now: DateTime<Utc>) -> StoreResult<()> {
                let mut tx = self.writer.begin().await?;
                Self::set_job_in(&mut tx, id, next, now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn fail_unsent(&self, id: OrderId, code: &str, message: &str, now: DateTime<Utc>) -> StoreResult<Order> {
                let settlement = Settlement::Failed { code: code.to_owned(), message: message.to_owned() };
                let mut tx = self.writer.begin_with($begin_write).await?;
                // A worker that read "every supplier tried" may be behind: another worker
                // has begun a purchase since, or the order settled. Then nothing changes.
                if Self::settled_or_standing_in(&mut tx, id, i64::MAX).await? {
                    drop(tx);
                    return self.order(id).await?.map(|s| s.order).ok_or(StoreError::NotFound("order"));
                }
                let order = Self::settle_in(&mut tx, id, &settlement, now).await?;
                Self::set_job_in(&mut tx, id, JobNext::Done, now).await?;
                tx.commit().await?;
                Ok(order)
            }

            async fn attempt_by_ref(&self, ref_id: &str) -> StoreResult<Option<Attempt>> {
                let row = sqlx::query("SELECT * FROM attempts WHERE ref_id = $1")
                    .bind(ref_id)
                    .fetch_optional(&self.reader)
                    .await?;
                row.as_ref().map(Self::attempt_from_row).transpose()
            }

            async fn log_call(&self, c: &SupplierCall) -> StoreResult<()> {
                let mut conn = self.writer.acquire().await?;
                Self::insert_call(&mut conn, c).await
            }

            async fn settle_review(&self, id: OrderId, settlement: &Settlement, note: &SupplierCall) -> StoreResult<Option<Order>> {
                let now = note.at;
                let mut tx = self.writer.begin_with($begin_write).await?;
                let sql = concat!("SELECT state FROM fulfil_jobs WHERE order_id = $1", $for_update);
                let state: Option<String> = sqlx::query_scalar(sql)
                    .bind(id.to_string())
                    .fetch_optional(&mut *tx)
                    .await?;
                if state.as_deref() != Some("review") {
                    return Ok(None);
                }
                // The open attempt ends as the operator found it at the supplier.
                let (to, sn) = match settlement {
                    Settlement::Success { sn, .. } => (AttemptState::Success, sn.clone()),
                    _ => (AttemptState::Failed, None),
                };
                sqlx::query(
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
                .execute(&mut *tx)
                .await?;
                let order = Self::settle_in(&mut tx, id, settlement, now).await?;
                Self::set_job_in(&mut tx, id, JobNext::Done, now).await?;
                Self::insert_call(&mut tx, note).await?;
                tx.commit().await?;
                Ok(Some(order))
            }

            async fn calls(&self, order: OrderId) -> StoreResult<Vec<SupplierCall>> {
                // A bill payment's story starts with its inquiry's call, made before the order
                // existed under the ref_id the payment uses again.
                let rows = sqlx::query(
                    "SELECT * FROM supplier_calls WHERE order_id = $1 \
                     OR (order_id IS NULL AND ref_id = (SELECT ref_id FROM bill_inquiries WHERE order_id = $1)) \
                     ORDER BY id",
                )
                .bind(order.to_string())
                .fetch_all(&self.reader)
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

            async fn open_jobs(&self) -> StoreResult<i64> {
                let n: i64 = sqlx::query("SELECT COUNT(*) FROM fulfil_jobs WHERE state = 'open'")
                    .fetch_one(&self.reader)
                    .await?
                    .try_get(0)?;
                Ok(n)
            }

            async fn saldo(&self, shop: ShopId) -> StoreResult<Saldo> {
                let mut conn = self.reader.acquire().await?;
                Self::saldo_in(&mut conn, shop).await
            }

            async fn credit_manual(&self, shop: ShopId, amount: Rupiah, reference: &str, now: DateTime<Utc>) -> StoreResult<(bool, Saldo)> {
                let mut tx = self.writer.begin().await?;
                let fresh = sqlx::query(
                    "INSERT INTO manual_credits (shop_id, reference, amount_idr, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (shop_id, reference) DO NOTHING",
                )
                .bind(shop.to_string())
                .bind(reference)
                .bind(amount.idr())
                .bind(ms(now))
                .execute(&mut *tx)
                .await?;
                if fresh.rows_affected() != 1 {
                    let saldo = Self::saldo_in(&mut *tx, shop).await?;
                    tx.rollback().await?;
                    return Ok((false, saldo));
                }
                let posting = Posting::deposit(shop, amount, false)?;
                let meta = EventMeta { shop: Some(shop), reference: Some(reference), ..EventMeta::default() };
                Self::apply_posting(&mut tx, &posting, meta, now).await?;
                let meta = EventMeta { shop: Some(shop), reference: Some(reference), ..EventMeta::default() };
                let saldo = Self::saldo_change(&mut tx, shop, SaldoReason::Deposit, amount, &meta, now).await?;
                tx.commit().await?;
                Ok((true, saldo))
            }

            async fn append_change(&self, shop: ShopId, kind: &ChangeKind, now: DateTime<Utc>) -> StoreResult<i64> {
                let mut tx = self.writer.begin().await?;
                let seq = Self::append_change_in(&mut tx, shop, kind, now).await?;
                tx.commit().await?;
                Ok(seq)
            }

            async fn changes(&self, shop: ShopId, after: i64, limit: u32) -> StoreResult<Vec<Change>> {
                let rows = sqlx::query(
                    "SELECT seq, payload, created_at FROM changes WHERE shop_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                )
                .bind(shop.to_string())
                .bind(after)
                .bind(i64::from(limit))
                .fetch_all(&self.reader)
                .await?;
                rows.iter()
                    .map(|r| {
                        let payload: String = r.try_get(1)?;
                        Ok(Change {
                            seq: r.try_get(0)?,
                            at: from_ms(r.try_get(2)?)?,
                            kind: serde_json::from_str(&payload).map_err(|e| corrupt("change payload", e.to_string()))?,
                        })
                    })
                    .collect()
            }

            async fn create_deposit(&self, s: &StoredDeposit) -> StoreResult<Option<StoredDeposit>> {
                let d = &s.deposit;
                let code = |v: &dyn erased::Code| v.code();
                let inserted = sqlx::query(
                    "INSERT INTO deposits (id, shop_id, request_hash, amount_idr, method, bank, status, gateway_order_id, \
                     va_number, qr_string, expires_at, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) ON CONFLICT (id) DO NOTHING",
                )
                .bind(d.id.to_string())
                .bind(s.shop_id.to_string())
                .bind(&s.request_hash)
                .bind(d.amount_idr.idr())
                .bind(code(&d.method))
                .bind(&d.bank)
                .bind(code(&d.status))
                .bind(&s.gateway_order_id)
                .bind(&d.va_number)
                .bind(&d.qr_string)
                .bind(d.expires_at.map(ms))
                .bind(ms(d.created_at))
                .execute(&self.writer)
                .await?;
                if inserted.rows_affected() == 1 {
                    Ok(None)
                } else {
                    self.deposit(d.id).await
                }
            }

            async fn deposit(&self, id: DepositId) -> StoreResult<Option<StoredDeposit>> {
                self.deposit_where("id", id.to_string()).await
            }

            async fn deposit_by_gateway_id(&self, gateway_order_id: &str) -> StoreResult<Option<StoredDeposit>> {
                self.deposit_where("gateway_order_id", gateway_order_id.to_owned()).await
            }

            async fn pending_deposits(&self, created_by: DateTime<Utc>, limit: u32) -> StoreResult<Vec<StoredDeposit>> {
                let rows = sqlx::query(
                    "SELECT * FROM deposits WHERE status = 'pending' AND created_at <= $1 ORDER BY created_at LIMIT $2",
                )
                .bind(ms(created_by))
                .bind(i64::from(limit))
                .fetch_all(&self.reader)
                .await?;
                rows.iter().map(Self::deposit_from_row).collect()
            }

            async fn deposit_paid(&self, id: DepositId, now: DateTime<Utc>) -> StoreResult<bool> {
                let mut tx = self.writer.begin().await?;
                // Exactly once: only the first confirmation flips the status; every later
                // notification finds it paid and changes nothing.
                let row = sqlx::query(
                    "UPDATE deposits SET status = 'paid', updated_at = $2 WHERE id = $1 AND status <> 'paid' \
                     RETURNING shop_id, amount_idr",
                )
                .bind(id.to_string())
                .bind(ms(now))
                .fetch_optional(&mut *tx)
                .await?;
                let Some(row) = row else {
                    return Ok(false);
                };
                let shop: ShopId = parse_id("shop id", &row.try_get::<String, _>(0)?)?;
                let amount = Rupiah::from_idr(row.try_get(1)?);
                let posting = Posting::deposit(shop, amount, true)?;
                let meta = EventMeta { shop: Some(shop), deposit: Some(id), ..EventMeta::default() };
                Self::apply_posting(&mut tx, &posting, meta, now).await?;
                let meta = EventMeta { shop: Some(shop), deposit: Some(id), ..EventMeta::default() };
                Self::saldo_change(&mut tx, shop, SaldoReason::Deposit, amount, &meta, now).await?;
                let stored = sqlx::query("SELECT * FROM deposits WHERE id = $1")
                    .bind(id.to_string())
                    .fetch_one(&mut *tx)
                    .await?;
                let deposit = Self::deposit_from_row(&stored)?.deposit;
                Self::append_change_in(&mut tx, shop, &ChangeKind::Deposit { deposit }, now).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn deposit_closed(&self, id: DepositId, status: DepositStatus, now: DateTime<Utc>) -> StoreResult<bool> {
                let mut tx = self.writer.begin().await?;
                let row = sqlx::query(
                    "UPDATE deposits SET status = $2, updated_at = $3 WHERE id = $1 AND status = 'pending' RETURNING *",
                )
                .bind(id.to_string())
                .bind(erased::Code::code(&status))
                .bind(ms(now))
                .fetch_optional(&mut *tx)
                .await?;
                let Some(row) = row else {
                    return Ok(false);
                };
                let stored = Self::deposit_from_row(&row)?;
                Self::append_change_in(&mut tx, stored.shop_id, &ChangeKind::Deposit { deposit: stored.deposit }, now).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn audit(&self) -> StoreResult<AuditReport> {
                let mut report = AuditReport::default();
                let entries = sqlx::query(
                    "SELECT event_id, account, side, amount_idr FROM ledger_entries ORDER BY event_id",
                )
                .fetch_all(&self.reader)
                .await?;
                let mut balances = Balances::new();
                let mut per_event: BTreeMap<i64, i64> = BTreeMap::new();
                for r in &entries {
                    let event: i64 = r.try_get(0)?;
                    let key: String = r.try_get(1)?;
                    let side_code: String = r.try_get(2)?;
                    let amount: i64 = r.try_get(3)?;
                    let account = Account::parse(&key).ok_or_else(|| corrupt("account", &key))?;
                    let side = Side::from_code(&side_code).ok_or_else(|| corrupt("side", &side_code))?;
                    balances.apply_entry(account, side, Rupiah::from_idr(amount));
                    *per_event.entry(event).or_default() += match side {
                        Side::Debit => amount,
                        Side::Credit => -amount,
                    };
                }
                report.events_checked = per_event.len();
                for (event, sum) in per_event {
                    if sum != 0 {
                        report.problems.push(format!("event {event} does not balance: debits - credits = {sum}"));
                    }
                }
                let accounts = sqlx::query("SELECT key, debits_idr, credits_idr FROM accounts ORDER BY key")
                    .fetch_all(&self.reader)
                    .await?;
                report.accounts_checked = accounts.len();
                for r in &accounts {
                    let key: String = r.try_get(0)?;
                    let stored = (r.try_get::<i64, _>(1)?, r.try_get::<i64, _>(2)?);
                    let account = Account::parse(&key).ok_or_else(|| corrupt("account", &key))?;
                    let derived = balances.totals(&account);
                    if stored != derived {
                        report.problems.push(format!(
                            "account {key}: stored debits/credits {stored:?} but entries give {derived:?}"
                        ));
                    }
                    if matches!(account, Account::ShopSaldo(_)) && stored.1 < stored.0 {
                        report.problems.push(format!("account {key} is below zero"));
                    }
                }
                for (account, totals) in balances.accounts() {
                    if !accounts.iter().any(|r| r.try_get::<String, _>(0).ok().as_deref() == Some(account.key().as_str())) {
                        report.problems.push(format!("entries post to {account} ({totals:?}) which has no account row"));
                    }
                }
                // Every shop's holds account equals the sum of its pending holds.
                let pending = sqlx::query(
                    "SELECT shop_id, CAST(SUM(amount_idr) AS BIGINT) FROM holds WHERE state = 'pending' GROUP BY shop_id",
                )
                .fetch_all(&self.reader)
                .await?;
                let mut pending_by_shop: BTreeMap<String, i64> = BTreeMap::new();
                for r in &pending {
                    pending_by_shop.insert(r.try_get(0)?, r.try_get::<Option<i64>, _>(1)?.unwrap_or(0));
                }
                for shop in self.shops().await? {
                    let held = balances.balance(&Account::ShopHolds(shop.id)).idr();
                    let expected = pending_by_shop.get(&shop.id.to_string()).copied().unwrap_or(0);
                    if held != expected {
                        report.problems.push(format!(
                            "shop {}: holds account {held} but pending holds sum to {expected}", shop.code
                        ));
                    }
                }
                if balances.trial_balance() != 0 {
                    report.problems.push(format!("trial balance is {} instead of 0", balances.trial_balance()));
                }
                Ok(report)
            }
        }
    };
}

/// Stable text codes for enums stored as text.
mod erased {
    use super::{DepositMethod, DepositStatus};

    pub trait Code {
        fn code(&self) -> &'static str;
    }

    impl Code for DepositMethod {
        fn code(&self) -> &'static str {
            match self {
                DepositMethod::Va => "va",
                DepositMethod::Qris => "qris",
            }
        }
    }

    impl Code for DepositStatus {
        fn code(&self) -> &'static str {
            match self {
                DepositStatus::Pending => "pending",
                DepositStatus::Paid => "paid",
                DepositStatus::Expired => "expired",
                DepositStatus::Cancelled => "cancelled",
                DepositStatus::Failed => "failed",
            }
        }
    }
}

sql_store!(
    SqliteStore,
    sqlx::Sqlite,
    sqlx::migrate!("../../migrations/server/sqlite"),
    "",
    "",
    "BEGIN IMMEDIATE",
    "BEGIN",
    "",
    false
);
sql_store!(
    PgStore,
    sqlx::Postgres,
    sqlx::migrate!("../../migrations/server/postgres"),
    " FOR UPDATE",
    " FOR UPDATE SKIP LOCKED",
    "BEGIN",
    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
    true
);
