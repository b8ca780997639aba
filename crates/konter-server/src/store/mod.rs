//! The server's store: a narrow set of domain operations (not CRUD), implemented once in
//! SQL for both SQLite and PostgreSQL (`sql.rs`), each backend with its own migrations.
//!
//! Every operation that moves money runs in one transaction that writes the ledger
//! posting, the account totals, the business row and the shop's change-feed entries
//! together; a failure anywhere rolls all of it back.

mod sql;

use std::future::Future;

use chrono::{DateTime, NaiveTime, Utc};
use konter_domain::api::v1::{Change, ChangeKind, Deposit, Order, Saldo};
use konter_domain::catalogue::{PriceRule, Product, Tier};
use konter_domain::ids::{DepositId, DeviceId, OrderId, ShopId};
use konter_domain::money::Rupiah;
use konter_ledger::LedgerError;

pub use sql::{PgStore, SqliteStore};

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
    pub order: Order,
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
    pub now: DateTime<Utc>,
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
pub trait Store: Send + Sync {
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
    fn tier_rules(&self) -> impl Future<Output = StoreResult<Vec<(Tier, PriceRule)>>> + Send;
    fn catalogue(&self) -> impl Future<Output = StoreResult<Vec<CatalogueEntry>>> + Send;

    fn order(&self, id: OrderId) -> impl Future<Output = StoreResult<Option<StoredOrder>>> + Send;
    fn place_order(&self, new: &NewOrder)
    -> impl Future<Output = StoreResult<PlaceOutcome>> + Send;
    fn settle_order(
        &self,
        id: OrderId,
        settlement: &Settlement,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<Order>> + Send;

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
