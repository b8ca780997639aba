//! Order intake decided in memory. A run of new orders is read from the store in a few
//! statements (known ids, unpaid bill inquiries, the shops' saldo and holds accounts, locked),
//! decided here, and written back with one multi-row statement per table — so a batch costs
//! a handful of round trips to the database instead of nine per order (batching behind one
//! writer, an idea taken from TigerBeetle).
//!
//! Nothing here touches the database; `sql/intake.rs` does the reading and writing, and checks
//! after writing that the accounts moved exactly as decided.

use std::collections::{BTreeMap, HashMap, HashSet};

use konter_domain::api::v1::{Order, Saldo};
use konter_domain::catalogue::Sku;
use konter_domain::ids::{InquiryId, OrderId, ShopId};
use konter_domain::money::Rupiah;
use konter_domain::order::OrderStatus;
use konter_ledger::{Account, Posting, Side};

use super::{NewOrder, PlaceOutcome, StoreError, StoreResult, StoredOrder};

/// (debits, credits) of an account, in rupiah.
pub(super) type Totals = (i64, i64);

/// A customer's bill at a shop: (shop, product sku, customer number).
pub(super) type BillKey = (ShopId, String, String);

pub(super) fn bill_key(new: &NewOrder) -> BillKey {
    (new.shop_id, new.sku.clone(), new.target.clone())
}

/// An order the run stores.
pub(super) struct Placed<'a> {
    pub new: &'a NewOrder,
    pub order: Order,
    pub posting: Posting,
    /// What the run moved on this shop's saldo and holds accounts, up to and including this
    /// order: the saldo after this order's hold is the accounts' totals before the run plus
    /// these.
    pub saldo_moved: Totals,
    pub holds_moved: Totals,
}

/// What a run writes.
pub(super) struct IntakePlan<'a> {
    pub placed: Vec<Placed<'a>>,
    /// What the run adds to each account it touches, in lock order (every shop's saldo, then
    /// every shop's holds).
    pub moved: BTreeMap<Account, Totals>,
    /// The totals the decisions were made on.
    pub before: BTreeMap<Account, Totals>,
}

/// How long the first run of `batch` with no id twice is. A retry sent while its first try
/// still waits in the queue lands in a later run, which then sees the first as stored.
pub(super) fn distinct_run(batch: &[NewOrder]) -> usize {
    let mut seen = HashSet::with_capacity(batch.len());
    batch
        .iter()
        .position(|new| !seen.insert(new.id))
        .unwrap_or(batch.len())
}

fn add(totals: &mut Totals, side: Side, amount: i64) -> StoreResult<()> {
    let slot = match side {
        Side::Debit => &mut totals.0,
        Side::Credit => &mut totals.1,
    };
    *slot = slot
        .checked_add(amount)
        .ok_or_else(|| StoreError::Corrupt("an account total overflows".into()))?;
    Ok(())
}

fn sum(a: Totals, b: Totals) -> StoreResult<Totals> {
    match (a.0.checked_add(b.0), a.1.checked_add(b.1)) {
        (Some(d), Some(c)) => Ok((d, c)),
        _ => Err(StoreError::Corrupt("an account total overflows".into())),
    }
}

/// Decides every order of a run, in order, as placing them one by one would: a known id is
/// answered with what is stored, an inquiry another order pays refuses the order, a hold
/// the saldo cannot cover refuses it — each refusal leaves the rest of the run untouched.
///
/// `claimable` holds the (inquiry, shop) pairs no order pays yet; `open_bills` the bills of
/// the run's bill payments that another order pays (open, or paid today); `before` the
/// saldo and holds totals of the run's shops (an account not there is empty).
pub(super) fn plan<'a>(
    run: &'a [NewOrder],
    stored: &HashMap<OrderId, StoredOrder>,
    mut claimable: HashSet<(InquiryId, ShopId)>,
    mut open_bills: HashMap<BillKey, OrderId>,
    before: BTreeMap<Account, Totals>,
) -> StoreResult<(Vec<PlaceOutcome>, IntakePlan<'a>)> {
    let mut outcomes = Vec::with_capacity(run.len());
    let mut placed = Vec::with_capacity(run.len());
    let mut moved: BTreeMap<Account, Totals> = BTreeMap::new();
    for new in run {
        if let Some(known) = stored.get(&new.id) {
            outcomes.push(PlaceOutcome::Exists(known.clone()));
            continue;
        }
        let claim = new.inquiry_id.map(|inquiry| (inquiry, new.shop_id));
        if let Some(claim) = claim
            && !claimable.remove(&claim)
        {
            outcomes.push(PlaceOutcome::BillPaid);
            continue;
        }
        // Another inquiry of the same bill: the supplier shows it unpaid until that
        // payment ends, so paying it again would pay the bill twice.
        let bill = claim.map(|_| bill_key(new));
        if let Some(claim) = claim
            && let Some(earlier) = bill.as_ref().and_then(|key| open_bills.get(key))
        {
            claimable.insert(claim);
            outcomes.push(PlaceOutcome::BillPaymentOpen { earlier: *earlier });
            continue;
        }
        let saldo_acct = Account::ShopSaldo(new.shop_id);
        let holds_acct = Account::ShopHolds(new.shop_id);
        let saldo_now = sum(
            before.get(&saldo_acct).copied().unwrap_or_default(),
            moved.get(&saldo_acct).copied().unwrap_or_default(),
        )?;
        let available = saldo_now.1 - saldo_now.0;
        if available < new.price.idr() {
            // Refused: the bill stays payable by another order.
            if let Some(claim) = claim {
                claimable.insert(claim);
            }
            outcomes.push(PlaceOutcome::SaldoShort {
                available: Rupiah::from_idr(available),
            });
            continue;
        }
        let posting = Posting::hold(new.shop_id, new.price)?;
        for e in posting.entries() {
            add(moved.entry(e.account).or_default(), e.side, e.amount.idr())?;
        }
        let created_at = super::sql::from_ms(super::sql::ms(new.now))?;
        let order = Order {
            id: new.id,
            sku: Sku::parse(&new.sku)
                .map_err(|_| StoreError::Corrupt(format!("sku: {:?}", new.sku)))?,
            target: new.target.clone(),
            status: OrderStatus::Accepted,
            price_idr: new.price,
            sn: None,
            pln_token: None,
            failure: None,
            created_at,
            updated_at: created_at,
        };
        if let Some(bill) = bill {
            open_bills.insert(bill, new.id);
        }
        outcomes.push(PlaceOutcome::Created(order.clone()));
        placed.push(Placed {
            new,
            order,
            posting,
            saldo_moved: moved.get(&saldo_acct).copied().unwrap_or_default(),
            holds_moved: moved.get(&holds_acct).copied().unwrap_or_default(),
        });
    }
    Ok((
        outcomes,
        IntakePlan {
            placed,
            moved,
            before,
        },
    ))
}

impl IntakePlan<'_> {
    /// The totals before the run, from what the accounts hold after it (`after`, as the
    /// database returned them): checks that every saldo moved from exactly the totals the
    /// decisions were made on — a locked row cannot have changed, so a difference is a bug
    /// and the caller rolls the run back.
    pub fn start(&self, after: &HashMap<Account, Totals>) -> StoreResult<HashMap<Account, Totals>> {
        let mut start = HashMap::with_capacity(self.moved.len());
        for (account, moved) in &self.moved {
            let end = after
                .get(account)
                .ok_or_else(|| StoreError::Corrupt(format!("{} not written", account.key())))?;
            let was = (end.0 - moved.0, end.1 - moved.1);
            let decided_on = self.before.get(account).copied().unwrap_or_default();
            if matches!(account, Account::ShopSaldo(_)) && was != decided_on {
                return Err(StoreError::Corrupt(format!(
                    "{} changed under the intake: {decided_on:?} read, {was:?} written on",
                    account.key()
                )));
            }
            start.insert(*account, was);
        }
        Ok(start)
    }

    /// The shop's saldo right after `placed`'s hold.
    pub fn saldo_after(
        placed: &Placed<'_>,
        start: &HashMap<Account, Totals>,
    ) -> StoreResult<Saldo> {
        let shop = placed.new.shop_id;
        let at = |account: Account, moved: Totals| {
            sum(start.get(&account).copied().unwrap_or_default(), moved)
        };
        Ok(super::sql::saldo_from(
            at(Account::ShopSaldo(shop), placed.saldo_moved)?,
            at(Account::ShopHolds(shop), placed.holds_moved)?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn order(shop: ShopId, price: i64) -> NewOrder {
        NewOrder::sample(shop, Rupiah::from_idr(price), Rupiah::from_idr(price - 100))
    }

    fn kinds(outcomes: &[PlaceOutcome]) -> Vec<&'static str> {
        outcomes
            .iter()
            .map(|o| match o {
                PlaceOutcome::Created(_) => "created",
                PlaceOutcome::Exists(_) => "exists",
                PlaceOutcome::SaldoShort { .. } => "short",
                PlaceOutcome::BillPaid => "bill_paid",
                PlaceOutcome::BillPaymentOpen { .. } => "bill_open",
                PlaceOutcome::Refused(_) => "refused",
            })
            .collect()
    }

    /// Plans a run of plain orders (no bills, nothing stored before) on these balances.
    fn plan_from_saldo(
        run: &[NewOrder],
        before: BTreeMap<Account, Totals>,
    ) -> (Vec<PlaceOutcome>, IntakePlan<'_>) {
        plan(run, &HashMap::new(), HashSet::new(), HashMap::new(), before).expect("plan")
    }

    #[test]
    fn a_run_spends_each_rupiah_once_in_order() {
        let (a, b) = (ShopId::new(), ShopId::new());
        let run = vec![order(a, 600), order(b, 100), order(a, 600), order(a, 400)];
        let before = BTreeMap::from([
            (Account::ShopSaldo(a), (0, 1_000)),
            (Account::ShopSaldo(b), (0, 100)),
            (Account::ShopHolds(b), (50, 50)),
        ]);
        let (outcomes, plan) = plan_from_saldo(&run, before);
        assert_eq!(kinds(&outcomes), ["created", "created", "short", "created"]);
        assert!(
            matches!(outcomes[2], PlaceOutcome::SaldoShort { available } if available.idr() == 400)
        );
        assert_eq!(plan.moved[&Account::ShopSaldo(a)], (1_000, 0));
        assert_eq!(plan.moved[&Account::ShopHolds(a)], (0, 1_000));
        assert_eq!(plan.moved[&Account::ShopSaldo(b)], (100, 0));
        // The database adds the moves to what it holds; the saldo after each order follows.
        let after = HashMap::from([
            (Account::ShopSaldo(a), (1_000, 1_000)),
            (Account::ShopHolds(a), (0, 1_000)),
            (Account::ShopSaldo(b), (100, 100)),
            (Account::ShopHolds(b), (50, 150)),
        ]);
        let start = plan.start(&after).expect("start");
        let first = IntakePlan::saldo_after(&plan.placed[0], &start).expect("saldo");
        assert_eq!(
            (first.available_idr.idr(), first.held_idr.idr()),
            (400, 600)
        );
        let last = IntakePlan::saldo_after(&plan.placed[2], &start).expect("saldo");
        assert_eq!((last.available_idr.idr(), last.held_idr.idr()), (0, 1_000));
        let other = IntakePlan::saldo_after(&plan.placed[1], &start).expect("saldo");
        assert_eq!((other.available_idr.idr(), other.held_idr.idr()), (0, 100));
    }

    #[test]
    fn a_saldo_written_from_other_totals_is_refused() {
        let a = ShopId::new();
        let run = vec![order(a, 600)];
        let before = BTreeMap::from([(Account::ShopSaldo(a), (0, 1_000))]);
        let (_, plan) = plan_from_saldo(&run, before);
        let after = HashMap::from([
            (Account::ShopSaldo(a), (600, 900)),
            (Account::ShopHolds(a), (0, 600)),
        ]);
        assert!(matches!(plan.start(&after), Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn an_inquiry_is_claimed_once_and_released_when_the_saldo_is_short() {
        let a = ShopId::new();
        let inquiry = InquiryId::new();
        let mut poor = order(a, 5_000);
        poor.inquiry_id = Some(inquiry);
        let mut paying = order(a, 500);
        paying.inquiry_id = Some(inquiry);
        let mut again = order(a, 500);
        again.inquiry_id = Some(inquiry);
        let mut elsewhere = order(ShopId::new(), 500);
        elsewhere.inquiry_id = Some(inquiry);
        let run = vec![poor, paying, again, elsewhere];
        let before = BTreeMap::from([(Account::ShopSaldo(a), (0, 1_000))]);
        let claimable = HashSet::from([(inquiry, a)]);
        let (outcomes, plan) =
            plan(&run, &HashMap::new(), claimable, HashMap::new(), before).expect("plan");
        assert_eq!(
            kinds(&outcomes),
            ["short", "created", "bill_paid", "bill_paid"]
        );
        assert_eq!(plan.placed.len(), 1);
    }

    #[test]
    fn a_bill_is_paid_once_whichever_inquiry_pays_it() {
        let a = ShopId::new();
        let (first, second, other) = (InquiryId::new(), InquiryId::new(), InquiryId::new());
        let bill = |inquiry: InquiryId, customer: &str| NewOrder {
            inquiry_id: Some(inquiry),
            sku: "plnpasca".into(),
            target: customer.into(),
            ..order(a, 500)
        };
        let run = vec![
            bill(first, "530000000001"),
            bill(second, "530000000001"),
            bill(other, "530000000002"),
        ];
        let before = BTreeMap::from([(Account::ShopSaldo(a), (0, 10_000))]);
        let claimable = HashSet::from([(first, a), (second, a), (other, a)]);
        let (outcomes, _) = plan(
            &run,
            &HashMap::new(),
            claimable.clone(),
            HashMap::new(),
            before.clone(),
        )
        .expect("plan");
        assert_eq!(kinds(&outcomes), ["created", "bill_open", "created"]);
        assert!(
            matches!(outcomes[1], PlaceOutcome::BillPaymentOpen { earlier } if earlier == run[0].id)
        );
        // Paid by an order of an earlier run (or still open there): refused too.
        let earlier = OrderId::new();
        let open = HashMap::from([(bill_key(&run[0]), earlier)]);
        let (outcomes, _) = plan(&run, &HashMap::new(), claimable, open, before).expect("plan");
        assert_eq!(kinds(&outcomes), ["bill_open", "bill_open", "created"]);
    }

    #[test]
    fn a_known_id_is_answered_with_what_is_stored() {
        let a = ShopId::new();
        let run = vec![order(a, 600)];
        let stored = StoredOrder {
            shop_id: a,
            request_hash: "h".into(),
            cost: Rupiah::from_idr(500),
            inquiry_id: None,
            order: Order {
                id: run[0].id,
                sku: Sku::parse("tsel10").expect("sku"),
                target: "081234567890".into(),
                status: OrderStatus::Success,
                price_idr: Rupiah::from_idr(600),
                sn: Some("SN1".into()),
                pln_token: None,
                failure: None,
                created_at: Utc::now(),
                updated_at: Utc::now(),
            },
        };
        let known = HashMap::from([(run[0].id, stored)]);
        let (outcomes, plan) = plan(
            &run,
            &known,
            HashSet::new(),
            HashMap::new(),
            BTreeMap::new(),
        )
        .expect("plan");
        assert_eq!(kinds(&outcomes), ["exists"]);
        assert!(plan.placed.is_empty() && plan.moved.is_empty());
    }

    #[test]
    fn runs_split_where_an_id_comes_again() {
        let a = ShopId::new();
        let first = order(a, 600);
        let mut batch = vec![first.clone(), order(a, 100)];
        assert_eq!(distinct_run(&batch), 2);
        batch.push(first);
        batch.push(order(a, 100));
        assert_eq!(distinct_run(&batch), 2);
        assert_eq!(distinct_run(&batch[2..]), 2);
    }
}
