//! The store's side of the owners' features: each shop's sales journal, the figures the
//! back office reads from it, and the owners' accounts and sessions (docs/owners.md).

use std::future::Future;

use chrono::{DateTime, NaiveDate, Utc};
use konter_domain::api::v1::{Change, Deposit};
use konter_domain::ids::{DeviceId, OwnerId, ShopId};
use konter_domain::journal::Entry;
use konter_domain::money::Rupiah;
use konter_domain::shop::ShopSettings;

use super::{Shop, StoreResult};

/// What became of one journal entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JournalWrite {
    /// A new row.
    Stored,
    /// The same entry was stored before: nothing changed.
    Exists,
    /// An entry with this id but other facts was stored before: nothing changed.
    Conflict,
}

/// Which sales a report reads: a shop's days from `from` to `to`, both included. A report
/// over several outlets reads each on its own and adds them up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportScope {
    pub shop: ShopId,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// What a report groups a shop's sales by: two keys at once, so one pass over the rows
/// feeds two of the report's tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grouping {
    /// The device's id, the cashier's name.
    Seller,
    /// The SKU (labelled with the product's name), the category's code.
    Product,
    /// The day, the hour (0–23) in the shop's zone.
    Time,
}

/// Sales summed over one pair of keys of a [`Grouping`] and one status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sum {
    pub keys: (String, String),
    /// A label for the first key where the journal has one (the product's name).
    pub label: Option<String>,
    pub status: String,
    pub count: i64,
    pub price: Rupiah,
    pub cost: Rupiah,
    pub fee: Rupiah,
}

/// A sale that needs the owner's eye: pending, failed or refunded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaleLine {
    pub shop_id: ShopId,
    pub order_id: String,
    pub device_id: DeviceId,
    pub cashier_name: String,
    pub sku: String,
    pub product_name: String,
    pub category: String,
    pub target: Option<String>,
    pub price: Rupiah,
    pub cost: Rupiah,
    pub fee: Rupiah,
    pub cash: Rupiah,
    pub change: Rupiah,
    pub sold_at: DateTime<Utc>,
    pub day: NaiveDate,
    pub utc_offset_h: i8,
    pub status: String,
    pub status_at: DateTime<Utc>,
    /// The order's failure, as the supplier or the server gave it.
    pub reason: Option<String>,
}

/// A shift close as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShiftLine {
    pub shop_id: ShopId,
    pub device_id: DeviceId,
    pub close: konter_domain::journal::ShiftClose,
}

/// The journal and what the back office reads from it.
pub trait Journal: Send + Sync {
    /// Stores a device's entries, each on its own: a new id is stored, the same entry again
    /// changes nothing. Entries must have been checked ([`Entry::check`]).
    fn record_journal(
        &self,
        shop: ShopId,
        device: DeviceId,
        entries: &[Entry],
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<Vec<JournalWrite>>> + Send;

    /// The scope's sales summed by `by` and status.
    fn journal_sums(
        &self,
        scope: &ReportScope,
        by: Grouping,
    ) -> impl Future<Output = StoreResult<Vec<Sum>>> + Send;

    /// The scope's sales whose order is not (yet) delivered, newest first, at most `limit`.
    fn journal_problems(
        &self,
        scope: &ReportScope,
        limit: i64,
    ) -> impl Future<Output = StoreResult<Vec<SaleLine>>> + Send;

    /// Sales of `shop` refunded within [`from`, `to`) (whatever day they were sold).
    fn journal_refunds(
        &self,
        shop: ShopId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<Vec<SaleLine>>> + Send;

    /// Every sale of the scope, oldest first (for CSV).
    fn journal_sales(
        &self,
        scope: &ReportScope,
    ) -> impl Future<Output = StoreResult<Vec<SaleLine>>> + Send;

    /// The scope's shift closes, newest first.
    fn journal_shifts(
        &self,
        scope: &ReportScope,
    ) -> impl Future<Output = StoreResult<Vec<ShiftLine>>> + Send;

    /// The names of a shop's devices, by id.
    fn device_names(
        &self,
        shop: ShopId,
    ) -> impl Future<Output = StoreResult<Vec<(DeviceId, String)>>> + Send;

    /// A shop's latest saldo and deposit changes, newest first, at most `limit`.
    fn money_history(
        &self,
        shop: ShopId,
        limit: i64,
    ) -> impl Future<Output = StoreResult<Vec<Change>>> + Send;

    /// A shop's latest deposits, newest first.
    fn deposits_of(
        &self,
        shop: ShopId,
        limit: i64,
    ) -> impl Future<Output = StoreResult<Vec<Deposit>>> + Send;
}

/// An owner's account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub id: OwnerId,
    /// The local form, `08…`.
    pub phone: String,
    /// Argon2id, as a PHC string; `None` until the owner sets a password.
    pub password_hash: Option<String>,
    /// The SHA-256 of the one-time setup code and when it expires.
    pub setup: Option<(String, DateTime<Utc>)>,
}

/// A signed-in owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerSession {
    pub owner: Owner,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// Owners' accounts and sessions.
pub trait Owners: Send + Sync {
    /// Makes `phone` an owner of `shop` (creating the account when new) and gives it a
    /// new one-time setup code (its hash), which replaces any earlier one.
    fn owner_setup_code(
        &self,
        phone: &str,
        shop: ShopId,
        setup_hash: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<Owner>> + Send;

    fn owner_by_phone(
        &self,
        phone: &str,
    ) -> impl Future<Output = StoreResult<Option<Owner>>> + Send;

    /// Sets the password if the owner's setup code is still `setup_hash` and unexpired,
    /// using the code up and ending every session; false (nothing changed) otherwise.
    fn set_owner_password(
        &self,
        owner: OwnerId,
        setup_hash: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<bool>> + Send;

    /// The shops the owner sees, by name.
    fn owner_shops(&self, owner: OwnerId) -> impl Future<Output = StoreResult<Vec<Shop>>> + Send;

    fn start_owner_session(
        &self,
        owner: OwnerId,
        token_hash: &str,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// The session of a token (its hash), when it has not expired.
    fn owner_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<Option<OwnerSession>>> + Send;

    fn end_owner_session(&self, token_hash: &str) -> impl Future<Output = StoreResult<()>> + Send;

    /// Ends every session of the owner ("log out everywhere").
    fn end_owner_sessions(&self, owner: OwnerId) -> impl Future<Output = StoreResult<u64>> + Send;
}

/// What saving the shop-wide settings did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SettingsWrite {
    /// Saved as the returned version, and announced on the shop's change feed.
    Saved(ShopSettings),
    /// Someone saved another version first; nothing changed. The current settings.
    Stale(ShopSettings),
}

/// The shop-wide settings.
pub trait Settings: Send + Sync {
    /// The shop's settings; version 0 with the defaults while none were saved.
    fn shop_settings(&self, shop: ShopId)
    -> impl Future<Output = StoreResult<ShopSettings>> + Send;

    /// Saves `settings` (checked) as the next version if the shop is still at
    /// `settings.version`, with a change-feed entry, in one transaction.
    fn save_shop_settings(
        &self,
        shop: ShopId,
        settings: &ShopSettings,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<SettingsWrite>> + Send;
}
