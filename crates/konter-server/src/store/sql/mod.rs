//! The SQL behind [`Store`], written once and run on SQLite and PostgreSQL.
//!
//! The statements are ordinary generic code over a [`Dialect`] (`dialect.rs`: placeholders,
//! row locks, how transactions begin), split by area:
//!
//! | file            | what it keeps                                                     |
//! |-----------------|-------------------------------------------------------------------|
//! | `shops.rs`      | shops, pairing codes, devices and their tokens                    |
//! | `catalogue.rs`  | products, supplier offers, tier markups, price lists              |
//! | `intake.rs`     | placing and refusing orders (batched, see `store/intake.rs`)      |
//! | `fulfilment.rs` | jobs, attempts, settlement, the supplier-call audit trail          |
//! | `ledger.rs`     | postings, account totals, saldo, manual credits                   |
//! | `deposits.rs`   | deposits and bill inquiries                                       |
//! | `feed.rs`       | each shop's change feed                                           |
//! | `audit.rs`      | the books' self-check                                             |
//! | `journal.rs`    | the sales journal and the owners' reads of it                     |
//! | `owners.rs`     | owners' accounts and sessions, the shop-wide settings             |
//! | `rows.rs`       | stored rows back into domain values                               |
//!
//! SQLite gets one writer connection (SQLite allows one writer at a time anyway, and a
//! single connection turns lock contention into a queue) plus a pool of readers, and orders
//! reach it through a group-commit task; PostgreSQL gets one pool and places each order in
//! its own transaction (it commits concurrent transactions together by itself).

mod alarms;
mod audit;
mod catalogue;
mod deposits;
mod dialect;
mod feed;
mod fulfilment;
mod intake;
mod journal;
mod ledger;
mod owners;
mod rows;
mod shops;

use std::future::Future;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, NaiveTime, Utc};
use konter_domain::api::v1::{Change, ChangeKind, DepositStatus, Order, Saldo};
use konter_domain::catalogue::{PriceRule, Product, Tier};
use konter_domain::ids::{DepositId, DeviceId, InquiryId, OrderId, ShopId};
use konter_domain::money::Rupiah;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Pool, Postgres, Sqlite};
use tokio::sync::{mpsc, oneshot};

use dialect::Conn;
pub use dialect::Dialect;

use super::{
    Attempt, AttemptResult, AuditReport, AuthDevice, BadSignatures, CatalogueEntry, JobNext,
    NewOrder, PairOutcome, PlaceOutcome, QueueHealth, Refusal, RefuseOutcome, Settlement, Shop,
    Store, StoreError, StoreResult, StoredDeposit, StoredInquiry, StoredOrder, SupplierCall,
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

type IntakeJob = (NewOrder, oneshot::Sender<StoreResult<PlaceOutcome>>);

/// The store on a SQL database.
pub struct SqlStore<D: sqlx::Database> {
    writer: Pool<D>,
    reader: Pool<D>,
    /// The group-commit writer's queue (SQLite); `None` places each order in its own
    /// transaction (PostgreSQL).
    intake: Option<mpsc::Sender<IntakeJob>>,
}

impl<D: sqlx::Database> Clone for SqlStore<D> {
    fn clone(&self) -> Self {
        SqlStore {
            writer: self.writer.clone(),
            reader: self.reader.clone(),
            intake: self.intake.clone(),
        }
    }
}

/// The embedded store. Orders go through one writer task that places whatever has queued
/// up — up to [`MAX_GROUP_COMMIT`] orders — in one transaction with a few multi-row
/// statements: group commit keeps `synchronous=FULL` durability at a fraction of the fsyncs,
/// and the batch crosses to SQLite's thread a handful of times instead of nine per order.
pub type SqliteStore = SqlStore<Sqlite>;

/// The store for deployments that outgrow one machine.
pub type PgStore = SqlStore<Postgres>;

impl SqlStore<Sqlite> {
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
        Ok(SqlStore {
            writer,
            reader,
            intake: Some(intake),
        })
    }
}

impl SqlStore<Postgres> {
    pub async fn open(url: &str) -> StoreResult<PgStore> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(PG_CONNECTIONS)
            .connect_with(options)
            .await?;
        Ok(SqlStore {
            writer: pool.clone(),
            reader: pool,
            intake: None,
        })
    }
}

impl<D: Dialect> SqlStore<D> {
    /// A transaction on the writer, begun with `statement` (`BEGIN` when `None`).
    async fn write(&self, statement: Option<&'static str>) -> StoreResult<Conn<D>> {
        Conn::begin(&self.writer, statement).await
    }

    /// A reader connection, outside any transaction.
    async fn read(&self) -> StoreResult<Conn<D>> {
        Conn::acquire(&self.reader).await
    }

    /// A writer connection, outside any transaction (one statement, committed alone).
    async fn writer(&self) -> StoreResult<Conn<D>> {
        Conn::acquire(&self.writer).await
    }

    async fn place_order_routed(&self, new: &NewOrder) -> StoreResult<PlaceOutcome> {
        if let Some(queue) = &self.intake {
            let (reply, answer) = oneshot::channel();
            let stopped = || StoreError::CommitFailed("the order writer has stopped".into());
            queue
                .send((new.clone(), reply))
                .await
                .map_err(|_| stopped())?;
            return answer.await.map_err(|_| stopped())?;
        }
        match intake::place_orders_on(&self.writer, std::slice::from_ref(new)).await {
            Ok(mut outcomes) => outcomes
                .pop()
                .ok_or_else(|| StoreError::CommitFailed("no outcome".into())),
            // The transaction was rolled back; the other one's order is the answer.
            Err(StoreError::RaceLost) => {
                let stored = fulfilment::order_by_id(self, new.id)
                    .await?
                    .ok_or(StoreError::NotFound("order"))?;
                Ok(PlaceOutcome::Exists(stored))
            }
            Err(e) => Err(e),
        }
    }
}

/// The group-commit writer: takes the first waiting order, everything else already queued
/// (up to [`MAX_GROUP_COMMIT`]), and commits them together.
async fn group_commit<D: Dialect>(writer: Pool<D>, mut jobs: mpsc::Receiver<IntakeJob>) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_GROUP_COMMIT {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let (orders, replies): (Vec<NewOrder>, Vec<_>) = batch.into_iter().unzip();
        match intake::place_orders_on(&writer, &orders).await {
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

/// Each operation's home, by area.
impl<D: Dialect> Store for SqlStore<D> {
    async fn migrate(&self) -> StoreResult<()> {
        D::migrate(&self.writer).await
    }

    fn create_shop(
        &self,
        code: &str,
        name: &str,
        tier: Tier,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<Shop>> + Send {
        shops::create_shop(self, code, name, tier, now)
    }

    fn shop_by_code(&self, code: &str) -> impl Future<Output = StoreResult<Option<Shop>>> + Send {
        shops::shop_by_code(self, code)
    }

    fn shop(&self, id: ShopId) -> impl Future<Output = StoreResult<Option<Shop>>> + Send {
        shops::shop(self, id)
    }

    fn shops(&self) -> impl Future<Output = StoreResult<Vec<Shop>>> + Send {
        shops::shops(self)
    }

    fn add_pairing_code(
        &self,
        shop: ShopId,
        code_hash: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<()>> + Send {
        shops::add_pairing_code(self, shop, code_hash, expires_at, now)
    }

    fn pair_device(
        &self,
        code_hash: &str,
        device: DeviceId,
        name: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<PairOutcome>> + Send {
        shops::pair_device(self, code_hash, device, name, token_hash, now)
    }

    fn device_by_token(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = StoreResult<Option<AuthDevice>>> + Send {
        shops::device_by_token(self, token_hash)
    }

    fn revoke_device(
        &self,
        device: DeviceId,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<bool>> + Send {
        shops::revoke_device(self, device, now)
    }

    fn upsert_product(
        &self,
        product: &Product,
        cut_off: Option<(NaiveTime, NaiveTime)>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<()>> + Send {
        catalogue::upsert_product(self, product, cut_off, now)
    }

    fn upsert_supplier_product(
        &self,
        offer: &SupplierProduct,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<()>> + Send {
        catalogue::upsert_supplier_product(self, offer, now)
    }

    fn set_tier_rule(
        &self,
        tier: Tier,
        rule: &PriceRule,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<()>> + Send {
        catalogue::set_tier_rule(self, tier, rule, now)
    }

    fn apply_price_list(
        &self,
        supplier: &str,
        items: &[crate::suppliers::PriceItem],
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<Vec<String>>> + Send {
        catalogue::apply_price_list(self, supplier, items, now)
    }

    fn tier_rules(&self) -> impl Future<Output = StoreResult<Vec<(Tier, PriceRule)>>> + Send {
        catalogue::tier_rules(self)
    }

    fn catalogue(&self) -> impl Future<Output = StoreResult<Vec<CatalogueEntry>>> + Send {
        catalogue::catalogue(self)
    }

    fn order(&self, id: OrderId) -> impl Future<Output = StoreResult<Option<StoredOrder>>> + Send {
        fulfilment::order_by_id(self, id)
    }

    fn save_inquiry(
        &self,
        inquiry: &StoredInquiry,
    ) -> impl Future<Output = StoreResult<Option<StoredInquiry>>> + Send {
        deposits::save_inquiry(self, inquiry)
    }

    fn inquiry(
        &self,
        id: InquiryId,
    ) -> impl Future<Output = StoreResult<Option<StoredInquiry>>> + Send {
        deposits::inquiry(self, id)
    }

    fn bill_payment_of(
        &self,
        shop: ShopId,
        sku: &str,
        customer_no: &str,
        since: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<Option<OrderId>>> + Send {
        deposits::bill_payment_of(self, shop, sku, customer_no, since)
    }

    fn place_order(
        &self,
        new: &NewOrder,
    ) -> impl Future<Output = StoreResult<PlaceOutcome>> + Send {
        self.place_order_routed(new)
    }

    fn refuse_order(
        &self,
        refusal: &Refusal,
    ) -> impl Future<Output = StoreResult<RefuseOutcome>> + Send {
        intake::refuse_order(self, refusal)
    }

    fn settle_order(
        &self,
        id: OrderId,
        settlement: &Settlement,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<Order>> + Send {
        fulfilment::settle_order(self, id, settlement, now)
    }

    fn claim_jobs(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<OrderId>>> + Send {
        fulfilment::claim_jobs(self, owner, now, lease_until, limit)
    }

    fn fulfilment(
        &self,
        id: OrderId,
    ) -> impl Future<Output = StoreResult<Option<(StoredOrder, Vec<Attempt>)>>> + Send {
        fulfilment::fulfilment(self, id)
    }

    fn begin_attempt(&self, attempt: &Attempt) -> impl Future<Output = StoreResult<bool>> + Send {
        fulfilment::begin_attempt(self, attempt)
    }

    fn record_attempt(
        &self,
        result: &AttemptResult,
    ) -> impl Future<Output = StoreResult<Option<Order>>> + Send {
        fulfilment::record_attempt(self, result)
    }

    fn schedule_job(
        &self,
        id: OrderId,
        next: JobNext,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<()>> + Send {
        fulfilment::schedule_job(self, id, next, now)
    }

    fn fail_unsent(
        &self,
        id: OrderId,
        code: &str,
        message: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<Order>> + Send {
        fulfilment::fail_unsent(self, id, code, message, now)
    }

    fn settle_review(
        &self,
        id: OrderId,
        settlement: &Settlement,
        note: &SupplierCall,
    ) -> impl Future<Output = StoreResult<Option<Order>>> + Send {
        fulfilment::settle_review(self, id, settlement, note)
    }

    fn attempt_by_ref(
        &self,
        ref_id: &str,
    ) -> impl Future<Output = StoreResult<Option<Attempt>>> + Send {
        fulfilment::attempt_by_ref(self, ref_id)
    }

    fn log_call(&self, call: &SupplierCall) -> impl Future<Output = StoreResult<()>> + Send {
        fulfilment::log_call(self, call)
    }

    fn calls(&self, order: OrderId) -> impl Future<Output = StoreResult<Vec<SupplierCall>>> + Send {
        fulfilment::calls(self, order)
    }

    fn queue_health(
        &self,
        stale_before: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<QueueHealth>> + Send {
        fulfilment::queue_health(self, stale_before)
    }

    fn note_bad_signatures(
        &self,
        source: &str,
        n: i64,
        last_at: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<()>> + Send {
        alarms::note_bad_signatures(self, source, n, last_at)
    }

    fn bad_signatures(&self) -> impl Future<Output = StoreResult<Vec<BadSignatures>>> + Send {
        alarms::bad_signatures(self)
    }

    fn saldo(&self, shop: ShopId) -> impl Future<Output = StoreResult<Saldo>> + Send {
        ledger::saldo(self, shop)
    }

    fn credit_manual(
        &self,
        shop: ShopId,
        amount: Rupiah,
        reference: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<(bool, Saldo)>> + Send {
        ledger::credit_manual(self, shop, amount, reference, now)
    }

    fn append_change(
        &self,
        shop: ShopId,
        kind: &ChangeKind,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<i64>> + Send {
        feed::append_change(self, shop, kind, now)
    }

    fn changes(
        &self,
        shop: ShopId,
        after: i64,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<Change>>> + Send {
        feed::changes(self, shop, after, limit)
    }

    fn create_deposit(
        &self,
        deposit: &StoredDeposit,
    ) -> impl Future<Output = StoreResult<Option<StoredDeposit>>> + Send {
        deposits::create_deposit(self, deposit)
    }

    fn deposit(
        &self,
        id: DepositId,
    ) -> impl Future<Output = StoreResult<Option<StoredDeposit>>> + Send {
        deposits::deposit_where(self, "id", id.to_string())
    }

    fn deposit_by_gateway_id(
        &self,
        gateway_order_id: &str,
    ) -> impl Future<Output = StoreResult<Option<StoredDeposit>>> + Send {
        deposits::deposit_where(self, "gateway_order_id", gateway_order_id.to_owned())
    }

    fn pending_deposits(
        &self,
        created_by: DateTime<Utc>,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<StoredDeposit>>> + Send {
        deposits::pending_deposits(self, created_by, limit)
    }

    fn deposit_paid(
        &self,
        id: DepositId,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<bool>> + Send {
        deposits::deposit_paid(self, id, now)
    }

    fn deposit_closed(
        &self,
        id: DepositId,
        status: DepositStatus,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<bool>> + Send {
        deposits::deposit_closed(self, id, status, now)
    }

    fn audit(&self) -> impl Future<Output = StoreResult<AuditReport>> + Send {
        audit::audit(self)
    }
}
