//! Double-entry bookkeeping for Konter, shared by the server and the device.
//!
//! A [`Posting`] is one ledger event: a set of entries, each a debit or a credit of a
//! positive amount to one account, whose debits equal its credits. A posting that does not
//! balance cannot be constructed. Each side persists postings in its own store and keeps
//! entries append-only; balances are always derivable by replaying entries through
//! [`Balances`], which is how `konter-server audit` checks the stored balances.
//!
//! Orders use TigerBeetle's two-phase model: accepting an order moves its price from the
//! shop's saldo into the shop's holds (the *pending* phase); the hold is later either
//! *posted* (the supplier delivered: the money goes to the supplier payable and our
//! revenue) or *voided* (it did not: the money goes back to the saldo) — exactly once,
//! enforced by [`HoldState::settle`].
//!
//! This crate does no I/O and knows nothing about SQL.

use std::collections::BTreeMap;
use std::fmt;

use konter_domain::ids::ShopId;
use konter_domain::money::{MoneyError, Rupiah};
use serde::{Deserialize, Serialize};

/// Which side of an account an entry is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Side {
    Debit,
    Credit,
}

impl Side {
    pub fn code(self) -> &'static str {
        match self {
            Side::Debit => "D",
            Side::Credit => "C",
        }
    }

    pub fn from_code(code: &str) -> Option<Side> {
        match code {
            "D" => Some(Side::Debit),
            "C" => Some(Side::Credit),
            _ => None,
        }
    }
}

/// The server's accounts.
///
/// - `ShopSaldo` (liability): what the shop can spend now.
/// - `ShopHolds` (liability): the shop's money held for orders in flight.
/// - `SupplierPayable` (liability): what we owe suppliers for delivered products.
/// - `PlatformRevenue` (income): our margin on delivered products.
/// - `GatewayClearing` (asset): money paid in through the payment gateway, not yet settled
///   to our bank.
/// - `CashDeposits` (asset): deposits an operator took by hand (cash, bank transfer).
///
/// The device keeps its own books with the `Device*` accounts:
///
/// - `DeviceCash` (asset): the cash drawer.
/// - `DeviceSaldo` (asset): the shop's saldo at the server, as far as this device moved it.
/// - `DeviceHolds` (asset): saldo held for orders this device placed, not yet settled.
/// - `DeviceSales` (income): what walk-in customers paid.
/// - `DeviceCost` (expense): what delivered orders cost the shop (its saldo price).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Account {
    ShopSaldo(ShopId),
    ShopHolds(ShopId),
    SupplierPayable,
    PlatformRevenue,
    GatewayClearing,
    CashDeposits,
    DeviceCash,
    DeviceSaldo,
    DeviceHolds,
    DeviceSales,
    DeviceCost,
}

/// Which side increases an account's natural balance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Normal {
    Debit,
    Credit,
}

impl Account {
    pub fn normal(&self) -> Normal {
        match self {
            Account::GatewayClearing
            | Account::CashDeposits
            | Account::DeviceCash
            | Account::DeviceSaldo
            | Account::DeviceHolds
            | Account::DeviceCost => Normal::Debit,
            _ => Normal::Credit,
        }
    }

    /// The account's key in a store: `shop_saldo:<uuid>`, `supplier_payable`, …
    pub fn key(&self) -> String {
        match self {
            Account::ShopSaldo(shop) => format!("shop_saldo:{shop}"),
            Account::ShopHolds(shop) => format!("shop_holds:{shop}"),
            Account::SupplierPayable => "supplier_payable".into(),
            Account::PlatformRevenue => "platform_revenue".into(),
            Account::GatewayClearing => "gateway_clearing".into(),
            Account::CashDeposits => "cash_deposits".into(),
            Account::DeviceCash => "device_cash".into(),
            Account::DeviceSaldo => "device_saldo".into(),
            Account::DeviceHolds => "device_holds".into(),
            Account::DeviceSales => "device_sales".into(),
            Account::DeviceCost => "device_cost".into(),
        }
    }

    pub fn parse(key: &str) -> Option<Account> {
        if let Some((kind, id)) = key.split_once(':') {
            let shop: ShopId = id.parse().ok()?;
            return match kind {
                "shop_saldo" => Some(Account::ShopSaldo(shop)),
                "shop_holds" => Some(Account::ShopHolds(shop)),
                _ => None,
            };
        }
        match key {
            "supplier_payable" => Some(Account::SupplierPayable),
            "platform_revenue" => Some(Account::PlatformRevenue),
            "gateway_clearing" => Some(Account::GatewayClearing),
            "cash_deposits" => Some(Account::CashDeposits),
            "device_cash" => Some(Account::DeviceCash),
            "device_saldo" => Some(Account::DeviceSaldo),
            "device_holds" => Some(Account::DeviceHolds),
            "device_sales" => Some(Account::DeviceSales),
            "device_cost" => Some(Account::DeviceCost),
            _ => None,
        }
    }

    pub fn shop(&self) -> Option<ShopId> {
        match self {
            Account::ShopSaldo(s) | Account::ShopHolds(s) => Some(*s),
            _ => None,
        }
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

/// One line of a posting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub account: Account,
    pub side: Side,
    pub amount: Rupiah,
}

impl Entry {
    pub fn debit(account: Account, amount: Rupiah) -> Entry {
        Entry {
            account,
            side: Side::Debit,
            amount,
        }
    }

    pub fn credit(account: Account, amount: Rupiah) -> Entry {
        Entry {
            account,
            side: Side::Credit,
            amount,
        }
    }
}

/// Why a posting could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("a posting needs at least two entries")]
    TooFewEntries,
    #[error("entry amounts must be positive, got {0}")]
    NotPositive(Rupiah),
    #[error("debits {debits} do not equal credits {credits}")]
    Unbalanced { debits: Rupiah, credits: Rupiah },
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// What a posting is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Deposit,
    Hold,
    PostHold,
    VoidHold,
    Refund,
    Adjustment,
    /// A walk-in customer paid cash for a sale (device).
    CashSale,
    /// The cash of a failed sale went back to the customer (device).
    CashRefund,
}

impl EventKind {
    pub fn code(self) -> &'static str {
        match self {
            EventKind::Deposit => "deposit",
            EventKind::Hold => "hold",
            EventKind::PostHold => "post_hold",
            EventKind::VoidHold => "void_hold",
            EventKind::Refund => "refund",
            EventKind::Adjustment => "adjustment",
            EventKind::CashSale => "cash_sale",
            EventKind::CashRefund => "cash_refund",
        }
    }
}

/// A balanced set of entries: one ledger event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Posting {
    kind: EventKind,
    entries: Vec<Entry>,
}

impl Posting {
    /// Builds a posting, refusing one whose debits and credits differ or whose amounts are
    /// not positive. Every posting that reaches a store went through here.
    pub fn new(kind: EventKind, entries: Vec<Entry>) -> Result<Posting, LedgerError> {
        if entries.len() < 2 {
            return Err(LedgerError::TooFewEntries);
        }
        let mut debits = Rupiah::ZERO;
        let mut credits = Rupiah::ZERO;
        for e in &entries {
            if !e.amount.is_positive() {
                return Err(LedgerError::NotPositive(e.amount));
            }
            match e.side {
                Side::Debit => debits = debits.checked_add(e.amount)?,
                Side::Credit => credits = credits.checked_add(e.amount)?,
            }
        }
        if debits != credits {
            return Err(LedgerError::Unbalanced { debits, credits });
        }
        Ok(Posting { kind, entries })
    }

    pub fn kind(&self) -> EventKind {
        self.kind
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The total moved (debits, which equal credits).
    pub fn total(&self) -> Rupiah {
        Rupiah::from_idr(
            self.entries
                .iter()
                .filter(|e| e.side == Side::Debit)
                .map(|e| e.amount.idr())
                .sum(),
        )
    }

    /// A deposit into a shop's saldo, paid through the gateway or by hand.
    pub fn deposit(
        shop: ShopId,
        amount: Rupiah,
        via_gateway: bool,
    ) -> Result<Posting, LedgerError> {
        let source = if via_gateway {
            Account::GatewayClearing
        } else {
            Account::CashDeposits
        };
        Posting::new(
            EventKind::Deposit,
            vec![
                Entry::debit(source, amount),
                Entry::credit(Account::ShopSaldo(shop), amount),
            ],
        )
    }

    /// The pending phase of an order: its price moves from saldo to holds.
    pub fn hold(shop: ShopId, price: Rupiah) -> Result<Posting, LedgerError> {
        Posting::new(
            EventKind::Hold,
            vec![
                Entry::debit(Account::ShopSaldo(shop), price),
                Entry::credit(Account::ShopHolds(shop), price),
            ],
        )
    }

    /// Posting a hold: the order was delivered at `cost`. The price goes to the supplier
    /// payable (cost) and our revenue (the margin). A cost above the price — a supplier that
    /// raised its price after the order was accepted — is a loss we carry, never the shop.
    pub fn post_hold(shop: ShopId, price: Rupiah, cost: Rupiah) -> Result<Posting, LedgerError> {
        let margin = price.checked_sub(cost)?;
        let mut entries = vec![
            Entry::debit(Account::ShopHolds(shop), price),
            Entry::credit(Account::SupplierPayable, cost),
        ];
        if margin.is_positive() {
            entries.push(Entry::credit(Account::PlatformRevenue, margin));
        } else if margin.is_negative() {
            entries.push(Entry::debit(
                Account::PlatformRevenue,
                margin.checked_neg()?,
            ));
        }
        Posting::new(EventKind::PostHold, entries)
    }

    /// Voiding a hold: the order failed and its price goes back to the saldo.
    pub fn void_hold(shop: ShopId, price: Rupiah) -> Result<Posting, LedgerError> {
        Posting::new(
            EventKind::VoidHold,
            vec![
                Entry::debit(Account::ShopHolds(shop), price),
                Entry::credit(Account::ShopSaldo(shop), price),
            ],
        )
    }

    /// A supplier reversed a delivered order: undo [`Posting::post_hold`] into the saldo.
    pub fn refund(shop: ShopId, price: Rupiah, cost: Rupiah) -> Result<Posting, LedgerError> {
        let margin = price.checked_sub(cost)?;
        let mut entries = vec![
            Entry::debit(Account::SupplierPayable, cost),
            Entry::credit(Account::ShopSaldo(shop), price),
        ];
        if margin.is_positive() {
            entries.push(Entry::debit(Account::PlatformRevenue, margin));
        } else if margin.is_negative() {
            entries.push(Entry::credit(
                Account::PlatformRevenue,
                margin.checked_neg()?,
            ));
        }
        Posting::new(EventKind::Refund, entries)
    }
}

/// The device's postings for one sale: what the customer paid, and the saldo the order
/// holds at the server's price (`cost`, what the shop pays).
impl Posting {
    pub fn device_cash_sale(price: Rupiah) -> Result<Posting, LedgerError> {
        Posting::new(
            EventKind::CashSale,
            vec![
                Entry::debit(Account::DeviceCash, price),
                Entry::credit(Account::DeviceSales, price),
            ],
        )
    }

    pub fn device_cash_refund(price: Rupiah) -> Result<Posting, LedgerError> {
        Posting::new(
            EventKind::CashRefund,
            vec![
                Entry::debit(Account::DeviceSales, price),
                Entry::credit(Account::DeviceCash, price),
            ],
        )
    }

    pub fn device_hold(cost: Rupiah) -> Result<Posting, LedgerError> {
        Posting::new(
            EventKind::Hold,
            vec![
                Entry::debit(Account::DeviceHolds, cost),
                Entry::credit(Account::DeviceSaldo, cost),
            ],
        )
    }

    /// Delivered: the held saldo became the cost of the sale.
    pub fn device_post_hold(cost: Rupiah) -> Result<Posting, LedgerError> {
        Posting::new(
            EventKind::PostHold,
            vec![
                Entry::debit(Account::DeviceCost, cost),
                Entry::credit(Account::DeviceHolds, cost),
            ],
        )
    }

    /// Not delivered: the held saldo is back.
    pub fn device_void_hold(cost: Rupiah) -> Result<Posting, LedgerError> {
        Posting::new(
            EventKind::VoidHold,
            vec![
                Entry::debit(Account::DeviceSaldo, cost),
                Entry::credit(Account::DeviceHolds, cost),
            ],
        )
    }
}

/// The state of a two-phase hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldState {
    Pending,
    Posted,
    Voided,
}

/// A hold was already settled the other way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a hold that is {from:?} cannot become {to:?}")]
pub struct HoldConflict {
    pub from: HoldState,
    pub to: HoldState,
}

impl HoldState {
    pub fn code(self) -> &'static str {
        match self {
            HoldState::Pending => "pending",
            HoldState::Posted => "posted",
            HoldState::Voided => "voided",
        }
    }

    pub fn from_code(code: &str) -> Option<HoldState> {
        match code {
            "pending" => Some(HoldState::Pending),
            "posted" => Some(HoldState::Posted),
            "voided" => Some(HoldState::Voided),
            _ => None,
        }
    }

    /// Settles a hold exactly once. `Ok(true)`: do it (write the posting); `Ok(false)`: it
    /// is already in that state, a duplicate to ignore; `Err`: it was settled the other way.
    pub fn settle(self, to: HoldState) -> Result<bool, HoldConflict> {
        match (self, to) {
            (HoldState::Pending, HoldState::Posted | HoldState::Voided) => Ok(true),
            (a, b) if a == b => Ok(false),
            (from, to) => Err(HoldConflict { from, to }),
        }
    }
}

/// Balances derived from entries alone: each account's debits and credits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Balances {
    accounts: BTreeMap<Account, (i64, i64)>,
}

impl Balances {
    pub fn new() -> Balances {
        Balances::default()
    }

    pub fn apply(&mut self, posting: &Posting) {
        for e in posting.entries() {
            self.apply_entry(e.account, e.side, e.amount);
        }
    }

    /// Adds one stored entry (for replays from a store, which reads entries one by one).
    pub fn apply_entry(&mut self, account: Account, side: Side, amount: Rupiah) {
        let slot = self.accounts.entry(account).or_insert((0, 0));
        match side {
            Side::Debit => slot.0 = slot.0.saturating_add(amount.idr()),
            Side::Credit => slot.1 = slot.1.saturating_add(amount.idr()),
        }
    }

    /// (debits, credits) of an account.
    pub fn totals(&self, account: &Account) -> (i64, i64) {
        self.accounts.get(account).copied().unwrap_or((0, 0))
    }

    /// The natural balance: credits − debits for credit-normal accounts, the reverse for
    /// debit-normal ones.
    pub fn balance(&self, account: &Account) -> Rupiah {
        let (d, c) = self.totals(account);
        Rupiah::from_idr(match account.normal() {
            Normal::Credit => c - d,
            Normal::Debit => d - c,
        })
    }

    /// Sum of all debits minus all credits: zero for any set of balanced postings.
    pub fn trial_balance(&self) -> i64 {
        self.accounts.values().map(|(d, c)| d - c).sum()
    }

    pub fn accounts(&self) -> impl Iterator<Item = (&Account, &(i64, i64))> {
        self.accounts.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rp(x: i64) -> Rupiah {
        Rupiah::from_idr(x)
    }

    #[test]
    fn unbalanced_and_empty_postings_cannot_be_built() {
        let shop = ShopId::new();
        assert_eq!(
            Posting::new(
                EventKind::Adjustment,
                vec![
                    Entry::debit(Account::CashDeposits, rp(10)),
                    Entry::credit(Account::ShopSaldo(shop), rp(9)),
                ]
            ),
            Err(LedgerError::Unbalanced {
                debits: rp(10),
                credits: rp(9)
            })
        );
        assert_eq!(
            Posting::new(
                EventKind::Adjustment,
                vec![Entry::debit(Account::CashDeposits, rp(10))]
            ),
            Err(LedgerError::TooFewEntries)
        );
        assert_eq!(
            Posting::hold(shop, rp(0)),
            Err(LedgerError::NotPositive(rp(0)))
        );
    }

    #[test]
    fn an_order_lifecycle_moves_money_where_it_belongs() {
        let shop = ShopId::new();
        let mut b = Balances::new();
        b.apply(&Posting::deposit(shop, rp(100_000), true).expect("deposit"));
        b.apply(&Posting::hold(shop, rp(10_500)).expect("hold"));
        assert_eq!(b.balance(&Account::ShopSaldo(shop)), rp(89_500));
        assert_eq!(b.balance(&Account::ShopHolds(shop)), rp(10_500));
        b.apply(&Posting::post_hold(shop, rp(10_500), rp(10_150)).expect("post"));
        assert_eq!(b.balance(&Account::ShopHolds(shop)), rp(0));
        assert_eq!(b.balance(&Account::SupplierPayable), rp(10_150));
        assert_eq!(b.balance(&Account::PlatformRevenue), rp(350));
        b.apply(&Posting::refund(shop, rp(10_500), rp(10_150)).expect("refund"));
        assert_eq!(b.balance(&Account::ShopSaldo(shop)), rp(100_000));
        assert_eq!(b.balance(&Account::PlatformRevenue), rp(0));
        assert_eq!(b.balance(&Account::GatewayClearing), rp(100_000));
        assert_eq!(b.trial_balance(), 0);
    }

    #[test]
    fn a_cost_above_the_price_is_our_loss_not_the_shops() {
        let shop = ShopId::new();
        let post = Posting::post_hold(shop, rp(10_000), rp(10_200)).expect("balanced");
        let mut b = Balances::new();
        b.apply(&post);
        assert_eq!(b.balance(&Account::PlatformRevenue), rp(-200));
        assert_eq!(b.balance(&Account::ShopHolds(shop)), rp(-10_000));
        assert_eq!(b.trial_balance(), 0);
    }

    #[test]
    fn holds_settle_exactly_once() {
        assert_eq!(HoldState::Pending.settle(HoldState::Posted), Ok(true));
        assert_eq!(HoldState::Posted.settle(HoldState::Posted), Ok(false));
        assert!(HoldState::Posted.settle(HoldState::Voided).is_err());
        assert!(HoldState::Voided.settle(HoldState::Posted).is_err());
        assert!(HoldState::Posted.settle(HoldState::Pending).is_err());
    }

    #[test]
    fn account_keys_round_trip() {
        let shop = ShopId::new();
        for a in [
            Account::ShopSaldo(shop),
            Account::ShopHolds(shop),
            Account::SupplierPayable,
            Account::PlatformRevenue,
            Account::GatewayClearing,
            Account::CashDeposits,
            Account::DeviceCash,
            Account::DeviceSaldo,
            Account::DeviceHolds,
            Account::DeviceSales,
            Account::DeviceCost,
        ] {
            assert_eq!(Account::parse(&a.key()), Some(a));
        }
        assert_eq!(Account::parse("shop_saldo:nope"), None);
        assert_eq!(Account::parse("bank"), None);
    }

    proptest! {
        /// Any sequence of order events keeps the books balanced and the saldo plus holds
        /// equal to deposits minus what was delivered.
        #[test]
        fn books_always_balance(ops in prop::collection::vec((0u8..4, 1i64..100_000, 0i64..5_000), 1..60)) {
            let shop = ShopId::new();
            let mut b = Balances::new();
            let mut open: Vec<(Rupiah, Rupiah)> = Vec::new();
            let mut deposited = 0i64;
            let mut delivered = 0i64;
            for (op, amount, margin) in ops {
                match op {
                    0 => { b.apply(&Posting::deposit(shop, rp(amount), false).expect("ok")); deposited += amount; }
                    1 => { let price = rp(amount + margin); b.apply(&Posting::hold(shop, price).expect("ok")); open.push((price, rp(amount))); }
                    2 => if let Some((price, cost)) = open.pop() { b.apply(&Posting::post_hold(shop, price, cost).expect("ok")); delivered += price.idr(); },
                    _ => if let Some((price, _)) = open.pop() { b.apply(&Posting::void_hold(shop, price).expect("ok")); },
                }
                prop_assert_eq!(b.trial_balance(), 0);
                let owned = b.balance(&Account::ShopSaldo(shop)).idr() + b.balance(&Account::ShopHolds(shop)).idr();
                prop_assert_eq!(owned, deposited - delivered);
            }
        }
    }
}
