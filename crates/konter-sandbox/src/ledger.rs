//! One supplier's books: the buyer's balance under each key (development and production
//! are separate accounts) and every purchase by `(key, ref_id)`. A purchase is kept for the
//! life of the process, so a ref_id re-posted at any time re-answers the same purchase and is
//! never charged twice.
//!
//! Money rules (docs/suppliers.md, "Digiflazz: balance and deposit tickets"): a purchase is
//! debited when it is accepted, pending or not; it is credited back when it fails and when a
//! success is refunded. The balance therefore always equals what was put in minus the price
//! of every purchase not failed, which [`Books::assert_balanced`] checks after each change.

use std::collections::HashMap;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::Api;
use crate::catalogue::Product;
use crate::rules::{self, Failure, Final, Status};

/// Most purchases kept per supplier. A demo makes hundreds; past this, new ref_ids are
/// refused (never forgotten, since forgetting one would let a re-post charge twice). At a
/// few hundred bytes each this stays in the tens of megabytes.
pub const MAX_PURCHASES: usize = 100_000;
/// Most open deposit tickets; a demo opens a handful.
pub const MAX_TICKETS: usize = 1_000;
/// Largest balance the admin call sets and a deposit may reach: Digiflazz's own example shows
/// 500 billion, and a trillion keeps sums far from overflowing an i64.
pub const MAX_BALANCE_IDR: i64 = 1_000_000_000_000;
/// The `sn` Digiflazz's development mode answers
/// (docs/suppliers.md, "Digiflazz: development mode and test numbers").
pub const TESTING_SN: &str = "1234567890";

/// Which of the buyer's two keys signed a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Key {
    Dev,
    Prod,
}

impl Key {
    pub(crate) fn index(self) -> usize {
        match self {
            Key::Dev => 0,
            Key::Prod => 1,
        }
    }
}

/// A purchase's state at one moment, kept so an out-of-order webhook can replay it.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub status: Status,
    pub sn: String,
    pub balance_after_idr: i64,
}

#[derive(Clone, Debug)]
pub struct Purchase {
    pub key: Key,
    pub ref_id: String,
    pub product: &'static Product,
    pub customer_no: String,
    pub price_idr: i64,
    pub status: Status,
    /// Serial, token or reference; empty until success.
    pub sn: String,
    /// The buyer's balance right after this purchase last changed.
    pub balance_after_idr: i64,
    pub tr_id: u64,
    /// Digiflazz development mode (`testing: true`).
    pub testing: bool,
    /// Digiflazz's per-request webhook URL, which overrides the configured one.
    pub cb_url: Option<String>,
    /// A bill payment's fields from its inquiry (customer name, amounts, `desc`), which
    /// every answer and webhook about it repeats.
    pub extra: Option<serde_json::Map<String, serde_json::Value>>,
    pub previous: Option<Snapshot>,
}

impl Purchase {
    /// This purchase as it was before its last change.
    pub fn as_before(&self) -> Option<Purchase> {
        let prev = self.previous.as_ref()?;
        Some(Purchase {
            status: prev.status,
            sn: prev.sn.clone(),
            balance_after_idr: prev.balance_after_idr,
            previous: None,
            ..self.clone()
        })
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            status: self.status,
            sn: self.sn.clone(),
            balance_after_idr: self.balance_after_idr,
        }
    }
}

pub struct NewPurchase {
    pub key: Key,
    pub ref_id: String,
    pub product: &'static Product,
    pub customer_no: String,
    pub price_idr: i64,
    pub testing: bool,
    pub cb_url: Option<String>,
    pub extra: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The books hold [`MAX_PURCHASES`] already.
    Full,
    /// The balance is below the price.
    Funds,
}

/// A Digiflazz deposit ticket: transfer `amount_idr` with `notes` as the remark.
#[derive(Clone, Debug, Serialize)]
pub struct Ticket {
    pub key: Key,
    pub notes: String,
    pub bank: String,
    pub amount_idr: i64,
    pub paid: bool,
}

pub struct Books {
    api: Api,
    /// Opening balance plus deposits and admin adjustments, per key.
    funded_idr: [i64; 2],
    balance_idr: [i64; 2],
    purchases: HashMap<(Key, String), Purchase>,
    next_tr_id: u64,
    pub tickets: HashMap<String, Ticket>,
    /// When each key last fetched the full Digiflazz price list (rc 83 limit).
    pub pricelist_at: [Option<Instant>; 2],
    /// Digiflazz postpaid inquiries by key and ref_id, which a payment must name.
    pub inquiries: HashMap<(Key, String), crate::digiflazz::pasca::Inquiry>,
}

impl Books {
    pub fn new(api: Api, dev_opening_idr: i64, prod_opening_idr: i64) -> Books {
        Books {
            api,
            funded_idr: [dev_opening_idr, prod_opening_idr],
            balance_idr: [dev_opening_idr, prod_opening_idr],
            purchases: HashMap::new(),
            next_tr_id: 1,
            tickets: HashMap::new(),
            pricelist_at: [None, None],
            inquiries: HashMap::new(),
        }
    }

    pub fn balance_idr(&self, key: Key) -> i64 {
        self.balance_idr[key.index()]
    }

    pub fn get(&self, key: Key, ref_id: &str) -> Option<&Purchase> {
        self.purchases.get(&(key, ref_id.to_owned()))
    }

    /// The keys under which `ref_id` exists, for admin calls that do not name one.
    pub fn keys_of(&self, ref_id: &str) -> Vec<Key> {
        [Key::Prod, Key::Dev]
            .into_iter()
            .filter(|k| self.get(*k, ref_id).is_some())
            .collect()
    }

    pub fn purchases(&self) -> impl Iterator<Item = &Purchase> {
        self.purchases.values()
    }

    fn serial(&self, p: &Purchase) -> String {
        if p.testing {
            TESTING_SN.to_owned()
        } else {
            rules::serial(self.api, p.product, &p.ref_id, &p.customer_no)
        }
    }

    /// Accepts a purchase in `status`, debiting its price unless it failed at once.
    pub fn open(&mut self, new: NewPurchase, status: Status) -> Result<Purchase, Refusal> {
        if self.purchases.len() >= MAX_PURCHASES {
            return Err(Refusal::Full);
        }
        let i = new.key.index();
        let debit = if matches!(status, Status::Failed(_)) {
            0
        } else {
            new.price_idr
        };
        if self.balance_idr[i] < debit {
            return Err(Refusal::Funds);
        }
        self.balance_idr[i] -= debit;
        let mut p = Purchase {
            key: new.key,
            ref_id: new.ref_id,
            product: new.product,
            customer_no: new.customer_no,
            price_idr: new.price_idr,
            status,
            sn: String::new(),
            balance_after_idr: self.balance_idr[i],
            tr_id: self.next_tr_id,
            testing: new.testing,
            cb_url: new.cb_url,
            extra: new.extra,
            previous: None,
        };
        if status == Status::Success {
            p.sn = self.serial(&p);
        }
        self.next_tr_id += 1;
        self.purchases.insert((p.key, p.ref_id.clone()), p.clone());
        self.assert_balanced(p.key);
        Ok(p)
    }

    /// Moves a pending purchase to its final state; `None` if it is not pending (it was
    /// settled already, by an admin call or an earlier timer).
    pub fn settle(&mut self, key: Key, ref_id: &str, to: Final) -> Option<Purchase> {
        let current = self.get(key, ref_id)?.clone();
        if !matches!(current.status, Status::Pending(_)) {
            return None;
        }
        let i = key.index();
        let mut next = current.clone();
        next.previous = Some(current.snapshot());
        next.status = to.into();
        if let Final::Failed(_) = to {
            self.balance_idr[i] += current.price_idr;
        } else {
            next.sn = self.serial(&next);
        }
        next.balance_after_idr = self.balance_idr[i];
        self.purchases
            .insert((key, ref_id.to_owned()), next.clone());
        self.assert_balanced(key);
        Some(next)
    }

    /// A success turning into a refund (Digiflazz rc 74 after a Sukses): the only move out
    /// of a final state, and it credits the price back.
    pub fn refund(&mut self, key: Key, ref_id: &str) -> Result<Purchase, &'static str> {
        let Some(current) = self.get(key, ref_id).cloned() else {
            return Err("no such purchase");
        };
        if current.status != Status::Success {
            return Err("only a successful purchase can be refunded");
        }
        let i = key.index();
        self.balance_idr[i] += current.price_idr;
        let mut next = current.clone();
        next.previous = Some(current.snapshot());
        next.status = Status::Failed(Failure::Refunded);
        next.balance_after_idr = self.balance_idr[i];
        self.purchases
            .insert((key, ref_id.to_owned()), next.clone());
        self.assert_balanced(key);
        Ok(next)
    }

    /// Adds money to a key's account (a paid deposit ticket).
    pub fn credit(&mut self, key: Key, amount_idr: i64) -> Result<i64, &'static str> {
        let i = key.index();
        let after = self.balance_idr[i]
            .checked_add(amount_idr)
            .filter(|b| *b <= MAX_BALANCE_IDR && amount_idr > 0)
            .ok_or("the amount must be positive and keep the balance within bounds")?;
        self.funded_idr[i] += amount_idr;
        self.balance_idr[i] = after;
        self.assert_balanced(key);
        Ok(after)
    }

    /// Sets a key's balance outright (an admin call, e.g. to provoke "insufficient balance").
    pub fn set_balance(&mut self, key: Key, balance_idr: i64) -> Result<i64, &'static str> {
        if !(0..=MAX_BALANCE_IDR).contains(&balance_idr) {
            return Err("balance_idr must be between 0 and 1,000,000,000,000");
        }
        let i = key.index();
        self.funded_idr[i] += balance_idr - self.balance_idr[i];
        self.balance_idr[i] = balance_idr;
        self.assert_balanced(key);
        Ok(balance_idr)
    }

    /// Balance = funded − price of every purchase not failed. Checked in debug builds (it
    /// walks every purchase), which is where the tests run.
    fn assert_balanced(&self, key: Key) {
        if cfg!(debug_assertions) {
            let spent: i64 = self
                .purchases
                .values()
                .filter(|p| p.key == key && !matches!(p.status, Status::Failed(_)))
                .map(|p| p.price_idr)
                .sum();
            assert_eq!(
                self.balance_idr[key.index()],
                self.funded_idr[key.index()] - spent,
                "the balance must equal funds minus live purchases, or a purchase was charged twice or never"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::by_digiflazz_code;

    fn buy(books: &mut Books, ref_id: &str, status: Status) -> Result<Purchase, Refusal> {
        let product = by_digiflazz_code("tsel10").ok_or(Refusal::Full)?;
        books.open(
            NewPurchase {
                key: Key::Prod,
                ref_id: ref_id.into(),
                product,
                customer_no: "081234567890".into(),
                price_idr: product.digiflazz_price_idr,
                testing: false,
                cb_url: None,
                extra: None,
            },
            status,
        )
    }

    #[test]
    fn money_moves_with_the_state() {
        let mut b = Books::new(Api::Digiflazz, 0, 100_000);
        let p = buy(&mut b, "a", Status::Pending(rules::Waiting::Normal));
        assert_eq!(p.map(|p| p.balance_after_idr), Ok(89_700));
        assert!(
            b.settle(Key::Prod, "a", Final::Failed(Failure::Failed))
                .is_some()
        );
        assert_eq!(b.balance_idr(Key::Prod), 100_000, "a failure credits back");
        assert!(
            b.settle(Key::Prod, "a", Final::Success).is_none(),
            "a final state does not move again"
        );
        assert!(buy(&mut b, "b", Status::Success).is_ok());
        assert!(b.refund(Key::Prod, "b").is_ok());
        assert_eq!(b.balance_idr(Key::Prod), 100_000, "a refund credits back");
        assert_eq!(b.balance_idr(Key::Dev), 0, "keys are separate accounts");
        assert!(b.set_balance(Key::Prod, 5).is_ok());
        assert_eq!(
            buy(&mut b, "c", Status::Success).err(),
            Some(Refusal::Funds)
        );
    }
}
