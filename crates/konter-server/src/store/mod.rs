//! The server's store: a narrow set of domain operations (not CRUD), implemented once in
//! SQL for both SQLite and PostgreSQL (`sql/`, split by area over a small dialect seam), each
//! backend with its own migrations.
//!
//! Every operation that moves money runs in one transaction that writes the ledger
//! posting, the account totals, the business row and the shop's change-feed entries
//! together; a failure anywhere rolls all of it back.

mod intake;
pub mod journal;
mod sql;

use std::future::Future;

pub use journal::{Journal, Owners, Settings as SettingsStore};

use chrono::{DateTime, NaiveTime, Utc};
use konter_domain::api::v1::{BillInquiry, Change, ChangeKind, Deposit, Order, Saldo};
use konter_domain::catalogue::{PriceRule, Product, Tier};
use konter_domain::ids::{DepositId, DeviceId, InquiryId, OrderId, ShopId};
use konter_domain::money::Rupiah;
use konter_ledger::LedgerError;

pub use sql::{Dialect, PgStore, SqlStore, SqliteStore};

/// A shop as the server knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shop {
    pub id: ShopId,
    pub code: String,
    pub name: String,
    pub tier: Tier,
}

/// The device a bearer token belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthDevice {
    pub device_id: DeviceId,
    pub shop_id: ShopId,
    /// The shop's price tier, read with the token so pricing needs no second query.
    pub tier: Tier,
}

/// One supplier's offer of a product.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupplierProduct {
    pub sku: String,
    pub supplier: String,
    pub supplier_sku: String,
    pub cost: Rupiah,
    /// Lower is tried first.
    pub priority: i64,
    pub active: bool,
}

/// A product with its supplier offers and cut-off window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogueEntry {
    pub product: Product,
    pub cut_off: Option<(NaiveTime, NaiveTime)>,
    pub suppliers: Vec<SupplierProduct>,
}

/// An order row with what idempotency needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredOrder {
    pub shop_id: ShopId,
    pub request_hash: String,
    pub cost: Rupiah,
    /// The bill inquiry a bill payment pays.
    pub inquiry_id: Option<InquiryId>,
    pub order: Order,
}

/// A bill inquiry as stored: what the device was shown, and the supplier side of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredInquiry {
    pub shop_id: ShopId,
    pub device_id: DeviceId,
    pub request_hash: String,
    pub supplier: String,
    pub supplier_sku: String,
    /// The ref_id of the inquiry, which the payment must use again.
    pub ref_id: String,
    /// What the supplier charges us on payment.
    pub cost: Rupiah,
    pub inquiry: BillInquiry,
}

/// What to store for an accepted order.
#[derive(Clone, Debug)]
pub struct NewOrder {
    pub id: OrderId,
    pub shop_id: ShopId,
    pub device_id: DeviceId,
    pub request_hash: String,
    pub sku: String,
    pub target: String,
    pub price: Rupiah,
    pub cost: Rupiah,
    pub max_price: Rupiah,
    /// For a bill payment: the inquiry it pays, claimed in the order's transaction.
    pub inquiry_id: Option<InquiryId>,
    pub now: DateTime<Utc>,
}

impl NewOrder {
    /// A Telkomsel 10.000 order to 081234567890 from a new device, placed now: the one
    /// order the store's tests, the conformance story and the CLI tests start from.
    #[doc(hidden)]
    pub fn sample(shop_id: ShopId, price: Rupiah, cost: Rupiah) -> Self {
        Self {
            id: OrderId::new(),
            shop_id,
            device_id: DeviceId::new(),
            request_hash: "h".into(),
            sku: "tsel10".into(),
            target: "081234567890".into(),
            price,
            cost,
            max_price: price,
            inquiry_id: None,
            now: Utc::now(),
        }
    }
}

/// The result of placing an order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlaceOutcome {
    /// Stored with a hold on the saldo.
    Created(Order),
    /// The same id was placed before (by a concurrent retry); the caller compares.
    Exists(StoredOrder),
    /// Not stored, nothing held: the saldo cannot cover the price.
    SaldoShort { available: Rupiah },
    /// Not stored, nothing held: another order already pays this bill inquiry.
    BillPaid,
    /// Not stored, nothing held: another order of the shop pays the same customer's bill
    /// (through another inquiry) and is still open, or succeeded today.
    BillPaymentOpen { earlier: OrderId },
    /// Not stored, nothing held: this id was refused before; the caller answers the same.
    Refused(Refusal),
}

/// A final refusal of an order id, kept so that every copy of the id is answered alike.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub id: OrderId,
    pub shop_id: ShopId,
    pub request_hash: String,
    /// The HTTP status and the error body (JSON) of the refusal.
    pub status: u16,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// What recording a refusal came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefuseOutcome {
    /// Kept (or an earlier refusal of the id, which stands): answer with it.
    Refused(Refusal),
    /// A copy of the id was stored first: answer with the order.
    Exists(StoredOrder),
}

/// How an order ended with its supplier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settlement {
    Success {
        sn: Option<String>,
        pln_token: Option<String>,
        cost: Rupiah,
    },
    Failed {
        code: String,
        message: String,
    },
    /// Delivered, then reversed by the supplier.
    Refunded {
        code: String,
        message: String,
    },
}

/// Where one purchase attempt stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptState {
    /// Committed before the supplier call; what became of it is unknown until an answer.
    Sent,
    /// The supplier took it and will answer later.
    Pending,
    Success,
    Failed,
}

impl AttemptState {
    pub fn code(self) -> &'static str {
        match self {
            AttemptState::Sent => "sent",
            AttemptState::Pending => "pending",
            AttemptState::Success => "success",
            AttemptState::Failed => "failed",
        }
    }

    pub fn parse(code: &str) -> Option<AttemptState> {
        [
            AttemptState::Sent,
            AttemptState::Pending,
            AttemptState::Success,
            AttemptState::Failed,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    /// Whether the supplier may still change its mind without a refund.
    pub fn is_open(self) -> bool {
        matches!(self, AttemptState::Sent | AttemptState::Pending)
    }
}

/// One purchase sent (or about to be sent) to a supplier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub order_id: OrderId,
    /// 1 for the first supplier tried, 2 for the next, …
    pub n: i64,
    pub supplier: String,
    pub supplier_sku: String,
    pub ref_id: String,
    pub state: AttemptState,
    /// What we expected to pay, then what the supplier charged.
    pub cost: Rupiah,
    pub code: Option<String>,
    pub message: Option<String>,
    pub sn: Option<String>,
    pub last_call_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

impl Attempt {
    /// A purchase about to be sent (state `sent`): committed before the supplier call, so
    /// after a crash it says "ask", never "buy".
    pub fn sent(
        order_id: OrderId,
        n: i64,
        offer: (&str, &str),
        ref_id: String,
        cost: Rupiah,
        now: DateTime<Utc>,
    ) -> Attempt {
        Attempt {
            order_id,
            n,
            supplier: offer.0.to_owned(),
            supplier_sku: offer.1.to_owned(),
            ref_id,
            state: AttemptState::Sent,
            cost,
            code: None,
            message: None,
            sn: None,
            last_call_at: now,
            created_at: now,
        }
    }
}

/// What a fulfilment step wrote about an attempt, in one transaction with the order's
/// settlement and the job's next step.
#[derive(Clone, Debug)]
pub struct AttemptResult {
    pub order_id: OrderId,
    pub n: i64,
    pub state: AttemptState,
    pub code: Option<String>,
    pub message: Option<String>,
    pub sn: Option<String>,
    /// What the supplier charged, when it said.
    pub cost: Option<Rupiah>,
    /// The order's end, if this is it.
    pub settle: Option<Settlement>,
    /// Move the order to `pending` (the supplier took it).
    pub order_pending: bool,
    pub job: JobNext,
    pub now: DateTime<Utc>,
}

/// What the fulfilment queue does with an order next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobNext {
    /// The order is final.
    Done,
    /// Look again at this time.
    At(DateTime<Utc>),
    /// The supplier can no longer be asked; an operator must look.
    Review,
}

/// One request to a supplier or webhook from one, as the audit trail keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupplierCall {
    pub order_id: Option<OrderId>,
    pub ref_id: Option<String>,
    pub supplier: String,
    pub operation: String,
    /// The request with credentials and signatures removed.
    pub request: String,
    pub response: String,
    pub http_status: Option<i64>,
    pub latency_ms: i64,
    /// The outcome class we read from it.
    pub outcome: String,
    pub at: DateTime<Utc>,
}

/// The result of pairing a device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PairOutcome {
    Paired(Shop),
    /// Unknown, used or expired: the caller does not say which.
    Refused,
}

/// A deposit row with idempotency data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDeposit {
    pub shop_id: ShopId,
    pub request_hash: String,
    pub gateway_order_id: String,
    pub deposit: Deposit,
}

/// The fulfilment queue at a glance ([`Store::queue_health`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueHealth {
    /// Jobs with work to do (a purchase to send or to ask about).
    pub open: i64,
    /// Open jobs whose order was accepted before the threshold.
    pub stale: i64,
    /// When the oldest order with an open job was accepted.
    pub oldest_open: Option<DateTime<Utc>>,
    /// Orders an operator must settle by hand (`konter-server order settle`).
    pub review: i64,
    /// The first of them, longest waiting first (at most [`QueueHealth::LISTED`]).
    pub in_review: Vec<OrderId>,
}

impl QueueHealth {
    pub const LISTED: i64 = 20;
}

/// Webhooks from one source refused for a bad signature ([`Store::bad_signatures`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadSignatures {
    pub source: String,
    pub count: i64,
    /// When the last one was refused.
    pub last_at: DateTime<Utc>,
}

/// What `audit` found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditReport {
    pub accounts_checked: usize,
    pub events_checked: usize,
    /// Human-readable problems; empty means the books are right.
    pub problems: Vec<String>,
}

/// Store failures. Domain refusals are outcomes, not errors.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("ledger: {0}")]
    Ledger(#[from] LedgerError),
    #[error("a shop with code '{0}' exists already")]
    ShopCodeTaken(String),
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("status conflict: {0}")]
    Conflict(String),
    #[error("the commit failed: {0}")]
    CommitFailed(String),
    /// Another transaction stored the same order id first (PostgreSQL).
    #[error("a concurrent request stored this order first")]
    RaceLost,
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The server's domain operations. Implemented for SQLite and PostgreSQL; the conformance
/// suite in `tests/` runs the same script against both.
pub trait Store: Journal + Owners + SettingsStore + Send + Sync {
    fn migrate(&self) -> impl Future<Output = StoreResult<()>> + Send;

    fn create_shop(
        &self,
        code: &str,
        name: &str,
        tier: Tier,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<Shop>> + Send;
    fn shop_by_code(&self, code: &str) -> impl Future<Output = StoreResult<Option<Shop>>> + Send;
    fn shop(&self, id: ShopId) -> impl Future<Output = StoreResult<Option<Shop>>> + Send;
    fn shops(&self) -> impl Future<Output = StoreResult<Vec<Shop>>> + Send;

    fn add_pairing_code(
        &self,
        shop: ShopId,
        code_hash: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn pair_device(
        &self,
        code_hash: &str,
        device: DeviceId,
        name: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<PairOutcome>> + Send;
    fn device_by_token(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = StoreResult<Option<AuthDevice>>> + Send;
    fn revoke_device(
        &self,
        device: DeviceId,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<bool>> + Send;

    fn upsert_product(
        &self,
        product: &Product,
        cut_off: Option<(NaiveTime, NaiveTime)>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn upsert_supplier_product(
        &self,
        offer: &SupplierProduct,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn set_tier_rule(
        &self,
        tier: Tier,
        rule: &PriceRule,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Applies a supplier's price list to its offers: new costs, and active only where the
    /// list says so (an offer missing from the list is switched off). The catalogue SKUs
    /// whose offers changed.
    fn apply_price_list(
        &self,
        supplier: &str,
        items: &[crate::suppliers::PriceItem],
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<Vec<String>>> + Send;
    fn tier_rules(&self) -> impl Future<Output = StoreResult<Vec<(Tier, PriceRule)>>> + Send;
    fn catalogue(&self) -> impl Future<Output = StoreResult<Vec<CatalogueEntry>>> + Send;

    fn order(&self, id: OrderId) -> impl Future<Output = StoreResult<Option<StoredOrder>>> + Send;
    /// Keeps a bill inquiry; `Some(existing)` when its id was stored before (nothing written).
    fn save_inquiry(
        &self,
        inquiry: &StoredInquiry,
    ) -> impl Future<Output = StoreResult<Option<StoredInquiry>>> + Send;
    fn inquiry(
        &self,
        id: InquiryId,
    ) -> impl Future<Output = StoreResult<Option<StoredInquiry>>> + Send;
    /// A bill payment of the shop for this product and customer that is still open, or that
    /// succeeded at or after `since`: another inquiry of the same bill must not pay it again.
    fn bill_payment_of(
        &self,
        shop: ShopId,
        sku: &str,
        customer_no: &str,
        since: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<Option<OrderId>>> + Send;
    fn place_order(&self, new: &NewOrder)
    -> impl Future<Output = StoreResult<PlaceOutcome>> + Send;
    /// Keeps a final refusal of an order id — unless a copy of the id was stored first —
    /// serialised with the intake of that id (SQLite: the one writer; PostgreSQL: a lock on
    /// the id), so that every copy of an id gets one answer.
    fn refuse_order(
        &self,
        refusal: &Refusal,
    ) -> impl Future<Output = StoreResult<RefuseOutcome>> + Send;
    fn settle_order(
        &self,
        id: OrderId,
        settlement: &Settlement,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<Order>> + Send;

    /// Leases up to `limit` due fulfilment jobs to `owner` until `lease_until`. On
    /// PostgreSQL several processes claim concurrently without taking the same job.
    fn claim_jobs(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<OrderId>>> + Send;
    /// An order with its attempts, oldest first.
    fn fulfilment(
        &self,
        id: OrderId,
    ) -> impl Future<Output = StoreResult<Option<(StoredOrder, Vec<Attempt>)>>> + Send;
    /// Commits a new attempt (state `sent`) before its supplier call and moves the order to
    /// `processing`. `false` when attempt `n` exists already: another worker got there first
    /// and nothing was written.
    fn begin_attempt(&self, attempt: &Attempt) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Writes what an attempt came to, the order's settlement and the job's next step in one
    /// transaction. `None` when the attempt was no longer open (a webhook or another worker
    /// recorded it first; a refund applies only to a successful attempt): nothing changes.
    fn record_attempt(
        &self,
        result: &AttemptResult,
    ) -> impl Future<Output = StoreResult<Option<Order>>> + Send;
    /// Releases an order's job lease and sets its next step, leaving attempts alone. A
    /// `Done` with an order to settle goes through [`Store::record_attempt`] instead.
    fn schedule_job(
        &self,
        id: OrderId,
        next: JobNext,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Fails an order that has no attempt left to make (no supplier offers it, every one was
    /// tried, its target no longer parses), voiding the hold and closing the job. Nothing
    /// changes when, in the write transaction, the order turns out settled or an attempt is
    /// open or delivered (the caller read before another worker's commit).
    fn fail_unsent(
        &self,
        id: OrderId,
        code: &str,
        message: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<Order>> + Send;
    /// An operator settles an order in `review` (its attempt too old to ask about, or its
    /// target no longer readable) as they found it at the supplier: the open attempt, the
    /// order, its hold and its job, with `note` (who, why, as an audit-trail row) in the same
    /// transaction. `None`, with nothing written, when the order is not in review.
    fn settle_review(
        &self,
        id: OrderId,
        settlement: &Settlement,
        note: &SupplierCall,
    ) -> impl Future<Output = StoreResult<Option<Order>>> + Send;
    fn attempt_by_ref(
        &self,
        ref_id: &str,
    ) -> impl Future<Output = StoreResult<Option<Attempt>>> + Send;
    fn log_call(&self, call: &SupplierCall) -> impl Future<Output = StoreResult<()>> + Send;
    fn calls(&self, order: OrderId) -> impl Future<Output = StoreResult<Vec<SupplierCall>>> + Send;
    /// The fulfilment queue at a glance, for the operator's alarms: open jobs, those whose
    /// order was accepted before `stale_before`, the oldest open order, orders in review.
    fn queue_health(
        &self,
        stale_before: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<QueueHealth>> + Send;
    /// `n` webhooks or notifications from `source` were refused for a bad signature, the
    /// last at `last_at`: counted for the operator (`konter-server status` in any process).
    fn note_bad_signatures(
        &self,
        source: &str,
        n: i64,
        last_at: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Webhooks refused for a bad signature so far, per source.
    fn bad_signatures(&self) -> impl Future<Output = StoreResult<Vec<BadSignatures>>> + Send;

    fn saldo(&self, shop: ShopId) -> impl Future<Output = StoreResult<Saldo>> + Send;
    /// Credits a hand-taken deposit once per `(shop, reference)`; `false` when that
    /// reference was credited before (nothing changes).
    fn credit_manual(
        &self,
        shop: ShopId,
        amount: Rupiah,
        reference: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<(bool, Saldo)>> + Send;

    fn append_change(
        &self,
        shop: ShopId,
        kind: &ChangeKind,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<i64>> + Send;
    fn changes(
        &self,
        shop: ShopId,
        after: i64,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<Change>>> + Send;

    fn create_deposit(
        &self,
        stored: &StoredDeposit,
    ) -> impl Future<Output = StoreResult<Option<StoredDeposit>>> + Send;
    fn deposit(
        &self,
        id: DepositId,
    ) -> impl Future<Output = StoreResult<Option<StoredDeposit>>> + Send;
    fn deposit_by_gateway_id(
        &self,
        gateway_order_id: &str,
    ) -> impl Future<Output = StoreResult<Option<StoredDeposit>>> + Send;
    /// Deposits still waiting for the customer's payment that were asked for at or before
    /// `created_by`, oldest first: the ones to ask the gateway about when its notification
    /// has not come.
    fn pending_deposits(
        &self,
        created_by: DateTime<Utc>,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<StoredDeposit>>> + Send;
    /// Marks a deposit paid and credits its saldo, exactly once; `false` when it was
    /// already settled.
    fn deposit_paid(
        &self,
        id: DepositId,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    fn deposit_closed(
        &self,
        id: DepositId,
        status: konter_domain::api::v1::DepositStatus,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<bool>> + Send;

    fn audit(&self) -> impl Future<Output = StoreResult<AuditReport>> + Send;
}
