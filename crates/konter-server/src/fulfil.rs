//! Fulfilment: the workers that take accepted orders to their suppliers, exactly once.
//!
//! The queue is the `fulfil_jobs` table. A worker leases a due job and does one step:
//!
//! * the last attempt is open (`sent` or `pending`): **ask** the supplier about its ref_id —
//!   never buy again under a new one while an outcome is unknown — no sooner than the
//!   supplier's status interval after the last call, and never past [`MAX_ASK_AGE`];
//! * otherwise **buy** from the next supplier offering the product (by priority), after
//!   committing the attempt row with its derived ref_id; with no supplier left, fail the
//!   order and void its hold.
//!
//! Answers and webhooks go through [`apply`], which writes the attempt, the order's
//! settlement and the job's next step in one transaction. Each outcome class:
//!
//! | class                  | attempt  | order                        | job                        |
//! |------------------------|----------|------------------------------|----------------------------|
//! | success                | success  | success, hold posted, SN     | done                       |
//! | pending                | pending  | pending                      | ask after the interval     |
//! | unknown                | as it was| as it was                    | ask after the interval     |
//! | failed, try elsewhere  | failed   | (next supplier)              | now                        |
//! | rejected (our config)  | failed   | next supplier; paused 2 min  | now                        |
//! | failed, final          | failed   | failed, hold voided          | done                       |
//! | refunded (after success)| failed  | refunded, saldo back         | done                       |
//! | refused question       | as it was| as it was; alarm             | ask after the interval     |
//! | not found (asked)      | as it was| as it was                    | ask after the interval     |
//!
//! "Try elsewhere" and "rejected" come only from the answer to a purchase: a refusal of a
//! status question says nothing about the purchase (`suppliers::failure_outcome`). A success
//! at a price of zero or less, or above what the order allowed, cannot be true and is kept
//! open (alarm) like an unknown answer. IAK's callbacks are signed with a value that does not
//! cover their content, so one only wakes the order up: IAK is asked, and its answer counts.
//!
//! A bill is paid once, at the supplier that looked it up, under its inquiry's ref_id
//! (`pay-pasca`), and asked about with `status-pasca`; asked and not found (rc 50), the
//! payment never arrived, and it is paid then under the same ref_id.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use konter_domain::api::v1::Order;
use konter_domain::catalogue::Category;
use konter_domain::game::SupplierFormat;
use konter_domain::ids::OrderId;
use konter_domain::money::Rupiah;
use konter_domain::pln::PlnToken;
use konter_domain::target::Target;
use tokio::sync::{Notify, Semaphore, watch};

use crate::App;
use crate::metrics::Metrics;
use crate::store::{
    Attempt, AttemptResult, AttemptState, JobNext, Settlement, Store, StoreResult, StoredOrder,
    SupplierCall,
};
use crate::suppliers::{Call, Outcome, Purchase, ref_id};

mod answers;
mod hooks;
use answers::failure_text;
pub use answers::{apply, audit_row, log_call};
pub use hooks::{WAKE_UP_GAP, wake_up, webhook};

/// Order steps in flight in one process.
pub const MAX_STEPS: usize = 128;
/// Supplier calls in flight per supplier in one process: suppliers throttle buyers that
/// open too many connections.
pub const PER_SUPPLIER_CALLS: usize = 64;
/// A claimed job is this process's for this long; a crashed process's jobs return to the
/// queue after it. Longer than the slowest supplier call (30 s) plus the writes around it.
pub const LEASE: Duration = Duration::from_secs(90);
/// How often an idle worker looks for due jobs when nothing wakes it.
pub const IDLE_POLL: Duration = Duration::from_millis(200);
/// Digiflazz treats a status query about a ref_id older than 90 days as a new purchase
/// (docs/suppliers.md, "Digiflazz: status check"), so past this an open attempt goes to an
/// operator instead.
pub const MAX_ASK_AGE: chrono::Duration = chrono::Duration::days(89);

/// How long new purchases skip a supplier that refused our configuration (keys, IP,
/// deposit) before one is tried again: long enough not to hammer it, short enough that a
/// fixed key or a topped-up deposit is used within minutes.
pub const CONFIG_PAUSE: Duration = Duration::from_secs(120);

/// Wakes the workers when an order arrives.
#[derive(Clone, Default)]
pub struct Wake(Arc<Notify>);

impl Wake {
    pub fn order_arrived(&self) {
        self.0.notify_one();
    }
}

/// The customer number in the supplier's format, from the order's stored target.
fn customer_no(
    order: &Order,
    category_input: konter_domain::target::InputSchema,
    format: SupplierFormat,
) -> Option<String> {
    let target = Target::parse(category_input, &order.target, None).ok()?;
    Some(target.customer_no(format))
}

/// The fulfilment workers of one process.
pub struct Fulfiller<S> {
    app: App<S>,
    owner: String,
    lease: chrono::Duration,
    steps: Arc<Semaphore>,
    calls: HashMap<&'static str, Arc<Semaphore>>,
    /// Suppliers that refused our credentials, IP or deposit, until when: new purchases skip
    /// them (to the next supplier) instead of each making a call that cannot succeed.
    paused: std::sync::Mutex<HashMap<String, DateTime<Utc>>>,
    /// When this worker last asked the gateway about pending deposits.
    deposits_asked: std::sync::Mutex<Option<DateTime<Utc>>>,
}

impl<S: Store + Clone + 'static> Fulfiller<S> {
    pub fn new(app: App<S>) -> Arc<Fulfiller<S>> {
        let calls = app
            .suppliers
            .names()
            .into_iter()
            .map(|n| (n, Arc::new(Semaphore::new(PER_SUPPLIER_CALLS))))
            .collect();
        let lease = app
            .config
            .fulfilment
            .lease_ms
            .map_or(LEASE, Duration::from_millis);
        Arc::new(Fulfiller {
            lease: chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::seconds(90)),
            app,
            owner: format!("{}-{}", std::process::id(), uuid::Uuid::now_v7()),
            steps: Arc::new(Semaphore::new(MAX_STEPS)),
            calls,
            paused: std::sync::Mutex::new(HashMap::new()),
            deposits_asked: std::sync::Mutex::new(None),
        })
    }

    /// Claims and works jobs until `stop` turns true; steps in flight finish first.
    pub async fn run(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        tracing::info!(owner = %self.owner, "fulfilment workers started");
        loop {
            if *stop.borrow() {
                break;
            }
            // Beside the steps, so a slow gateway never holds up a purchase; a task only
            // when a round is due, not one per turn of this loop.
            if self.deposits_due() {
                let app = self.app.clone();
                tokio::spawn(async move { ask_about_deposits(&app).await });
            }
            let free = self.steps.available_permits();
            let claimed = if free == 0 {
                Vec::new()
            } else {
                let now = self.app.clock.now();
                let until = now + self.lease;
                let limit = u32::try_from(free).unwrap_or(u32::MAX);
                match self
                    .app
                    .store
                    .claim_jobs(&self.owner, now, until, limit)
                    .await
                {
                    Ok(ids) => ids,
                    Err(e) => {
                        tracing::warn!(error = %e, "claiming fulfilment jobs failed; retrying");
                        Vec::new()
                    }
                }
            };
            let idle = claimed.is_empty();
            for id in claimed {
                let Ok(permit) = self.steps.clone().acquire_owned().await else {
                    return;
                };
                let me = self.clone();
                tokio::spawn(async move {
                    if let Err(e) = me.step(id).await {
                        tracing::warn!(order_id = %id, error = %e, "fulfilment step failed; the job is retried after its lease");
                    }
                    drop(permit);
                });
            }
            if idle {
                tokio::select! {
                    _ = self.app.fulfil_wake.0.notified() => {}
                    _ = tokio::time::sleep(IDLE_POLL) => {}
                    _ = stop.changed() => {}
                }
            } else if self.steps.available_permits() == 0 {
                // Wait for a step to finish before claiming more.
                if let Ok(p) = self.steps.acquire().await {
                    drop(p);
                }
            }
        }
        // Let steps in flight finish: their attempts are committed, their answers should be.
        let _ = self
            .steps
            .acquire_many(u32::try_from(MAX_STEPS).unwrap_or(u32::MAX))
            .await;
        tracing::info!("fulfilment workers stopped");
    }

    /// Claims every job due now (by the app's clock) and works each one step, one after the
    /// other: the simulation's and the tests' way of moving fulfilment on without a timer.
    /// How many steps were taken.
    pub async fn run_due(&self) -> StoreResult<usize> {
        if self.deposits_due() {
            ask_about_deposits(&self.app).await;
        }
        let now = self.app.clock.now();
        let ids = self
            .app
            .store
            .claim_jobs(&self.owner, now, now + self.lease, 1024)
            .await?;
        for id in &ids {
            self.step(*id).await?;
        }
        Ok(ids.len())
    }

    /// Whether a round of questions about pending deposits is due (every
    /// [`deposits::ASK_EVERY`](crate::deposits::ASK_EVERY)); taking it marks it done.
    fn deposits_due(&self) -> bool {
        let now = self.app.clock.now();
        let mut last = self
            .deposits_asked
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if last.is_some_and(|at| now - at < crate::deposits::ASK_EVERY) {
            return false;
        }
        *last = Some(now);
        true
    }

    /// One step of one order.
    pub async fn step(&self, id: OrderId) -> StoreResult<()> {
        let Some((stored, attempts)) = self.app.store.fulfilment(id).await? else {
            let now = self.app.clock.now();
            return self.app.store.schedule_job(id, JobNext::Done, now).await;
        };
        self.step_on(stored, attempts).await
    }

    /// One step from a view of the order read earlier. A worker whose view went stale while
    /// another worker or a webhook committed must still never buy twice: the store refuses
    /// the new attempt then. The simulation drives this with views it kept on purpose.
    pub async fn step_on(&self, stored: StoredOrder, attempts: Vec<Attempt>) -> StoreResult<()> {
        let store = &self.app.store;
        let now = self.app.clock.now();
        let id = stored.order.id;
        if stored.order.status.is_settled() {
            return store.schedule_job(id, JobNext::Done, now).await;
        }
        let catalogue = self.app.catalogue.get(store).await?;
        let Some(entry) = catalogue.entry(stored.order.sku.as_str()) else {
            return self
                .fail(
                    &stored,
                    "unavailable",
                    "Produk tidak ada lagi / the product no longer exists",
                    now,
                )
                .await;
        };
        let is_pln = entry.product.category == Category::Pln;
        let is_bill = entry.product.category == Category::Bill;
        let input = entry.product.input;
        if let Some(last) = attempts.last().filter(|a| a.state.is_open()) {
            return self.ask(&stored, last, input, is_pln, now).await;
        }
        if is_bill {
            return self.pay_bill(&stored, attempts.len(), now).await;
        }
        // Buy from the next supplier not tried yet.
        let tried: Vec<&str> = attempts.iter().map(|a| a.supplier.as_str()).collect();
        let mut offers: Vec<_> = entry
            .suppliers
            .iter()
            .filter(|o| {
                o.active
                    && self.app.suppliers.has(&o.supplier)
                    && !self.is_paused(&o.supplier, now)
                    && !tried.contains(&o.supplier.as_str())
            })
            .collect();
        offers.sort_by_key(|o| o.priority);
        let Some(offer) = offers.first() else {
            let (code, message) = failure_text(&Outcome::Pending);
            self.fail(&stored, code, &message, now).await?;
            tracing::info!(order_id = %id, attempts = attempts.len(), "no supplier left; order failed, hold voided");
            return Ok(());
        };
        let Some(customer_no) = customer_no(
            &stored.order,
            input,
            self.app.suppliers.format(&offer.supplier),
        ) else {
            return self
                .fail(
                    &stored,
                    "wrong_number",
                    "Nomor tujuan tidak valid / invalid destination",
                    now,
                )
                .await;
        };
        let n = i64::try_from(attempts.len()).unwrap_or(i64::MAX - 1) + 1;
        let attempt = Attempt::sent(
            id,
            n,
            (&offer.supplier, &offer.supplier_sku),
            ref_id(id, n),
            offer.cost,
            now,
        );
        // Committed before the call: after a crash, the attempt says "ask", not "buy".
        if !store.begin_attempt(&attempt).await? {
            return Ok(());
        }
        self.app.feed.changed(stored.shop_id);
        self.exchange(&stored, &attempt, customer_no, true, is_pln)
            .await?;
        Ok(())
    }

    /// Pays a bill: one attempt only, at the supplier that looked it up and under the
    /// inquiry's ref_id (`pay-pasca` must name it). Another supplier knows nothing of the
    /// inquiry, so a refusal fails the order (hold voided) instead of trying elsewhere.
    async fn pay_bill(
        &self,
        stored: &StoredOrder,
        tried: usize,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let store = &self.app.store;
        let inquiry = match stored.inquiry_id {
            Some(id) => store.inquiry(id).await?,
            None => None,
        };
        let Some(inquiry) = inquiry.filter(|_| tried == 0) else {
            return self
                .fail(
                    stored,
                    "bill_failed",
                    "Tagihan gagal dibayar; saldo dikembalikan / the bill could not be paid; saldo returned",
                    now,
                )
                .await;
        };
        let attempt = Attempt::sent(
            stored.order.id,
            1,
            (&inquiry.supplier, &inquiry.supplier_sku),
            inquiry.ref_id.clone(),
            inquiry.cost,
            now,
        );
        if !store.begin_attempt(&attempt).await? {
            return Ok(());
        }
        self.app.feed.changed(stored.shop_id);
        self.exchange(stored, &attempt, inquiry.inquiry.customer_no, true, false)
            .await?;
        Ok(())
    }

    /// Asks about an open attempt, when the supplier's limits allow.
    async fn ask(
        &self,
        stored: &StoredOrder,
        attempt: &Attempt,
        input: konter_domain::target::InputSchema,
        is_pln: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let store = &self.app.store;
        if now - attempt.created_at > MAX_ASK_AGE {
            tracing::error!(order_id = %attempt.order_id, ref_id = %attempt.ref_id,
                "an attempt is too old to ask about; an operator must settle it");
            return store
                .schedule_job(attempt.order_id, JobNext::Review, now)
                .await;
        }
        let interval = self.app.suppliers.status_interval(&attempt.supplier);
        let due = attempt.last_call_at
            + chrono::Duration::from_std(interval).unwrap_or(chrono::Duration::seconds(60));
        if now < due {
            return store
                .schedule_job(attempt.order_id, JobNext::At(due), now)
                .await;
        }
        let Some(customer_no) = customer_no(
            &stored.order,
            input,
            self.app.suppliers.format(&attempt.supplier),
        ) else {
            return store
                .schedule_job(attempt.order_id, JobNext::Review, now)
                .await;
        };
        if self
            .exchange(stored, attempt, customer_no, false, is_pln)
            .await?
            .is_none()
        {
            // A webhook answered first; make sure the job does not linger.
            if let Some((s, _)) = store.fulfilment(attempt.order_id).await?
                && s.order.status.is_settled()
            {
                store
                    .schedule_job(attempt.order_id, JobNext::Done, self.app.clock.now())
                    .await?;
            }
        }
        Ok(())
    }

    /// Buys (`buy`) or asks about `attempt`'s ref_id, keeps the exchange in the audit trail
    /// and writes what it means; `None` when the answer changed nothing.
    async fn exchange(
        &self,
        stored: &StoredOrder,
        attempt: &Attempt,
        customer_no: String,
        buy: bool,
        is_pln: bool,
    ) -> StoreResult<Option<Order>> {
        let is_bill = stored.inquiry_id.is_some();
        let mut outcome = self.call(stored, attempt, customer_no.clone(), buy).await;
        if is_bill && !buy && matches!(outcome, Outcome::NotFound { .. }) {
            // The supplier never saw the payment (the attempt row was committed, the call
            // was lost before it arrived): pay now under the same ref_id. A ref_id the
            // supplier does know is refused (rc 49, an unknown outcome), never paid twice —
            // and then asked again.
            outcome = self.call(stored, attempt, customer_no, true).await;
        }
        let at = self.app.clock.now();
        apply(&self.app, stored, attempt, &outcome, is_pln, at).await
    }

    /// One supplier call about `attempt`, kept in the audit trail.
    async fn call(
        &self,
        stored: &StoredOrder,
        attempt: &Attempt,
        customer_no: String,
        buy: bool,
    ) -> Outcome {
        let purchase = purchase(stored, attempt, customer_no);
        let (outcome, call) = {
            let _slot = self.call_slot(&attempt.supplier).await;
            if buy {
                self.app.suppliers.topup(&attempt.supplier, &purchase).await
            } else {
                self.app
                    .suppliers
                    .status(&attempt.supplier, &purchase)
                    .await
            }
        };
        let at = self.app.clock.now();
        let row = audit_row(
            Some(attempt.order_id),
            Some(&attempt.ref_id),
            &attempt.supplier,
            &call,
            outcome.class(),
            at,
        );
        log_call(&self.app.store, &row).await;
        tracing::info!(order_id = %attempt.order_id, ref_id = %attempt.ref_id, supplier = %attempt.supplier,
            outcome = outcome.class(), "{}", if buy { "bought" } else { "asked" });
        match &outcome {
            Outcome::RejectedConfig { code, message }
            | Outcome::Refused {
                code,
                message,
                ours: true,
            } => {
                self.app.alarms.refused(&attempt.supplier, code, message);
                self.pause(&attempt.supplier, at);
            }
            Outcome::Unknown { .. } | Outcome::Refused { .. } => {}
            _ => self.app.alarms.answered(&attempt.supplier),
        }
        outcome
    }

    /// Fails an order that has no attempt left to make (its hold is voided) and tells its
    /// shop.
    async fn fail(
        &self,
        stored: &StoredOrder,
        code: &str,
        message: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.app
            .store
            .fail_unsent(stored.order.id, code, message, now)
            .await?;
        self.app.feed.changed(stored.shop_id);
        Ok(())
    }

    fn pause(&self, supplier: &str, now: DateTime<Utc>) {
        tracing::error!(
            supplier,
            pause_s = CONFIG_PAUSE.as_secs(),
            "new purchases skip this supplier until its configuration is fixed"
        );
        let pause = chrono::Duration::from_std(CONFIG_PAUSE).unwrap_or(chrono::Duration::MAX);
        if let Ok(mut paused) = self.paused.lock() {
            paused.insert(supplier.to_owned(), now + pause);
        }
    }

    fn is_paused(&self, supplier: &str, now: DateTime<Utc>) -> bool {
        self.paused
            .lock()
            .is_ok_and(|p| p.get(supplier).is_some_and(|until| now < *until))
    }

    async fn call_slot(&self, supplier: &str) -> Option<tokio::sync::OwnedSemaphorePermit> {
        let sem = self.calls.get(supplier)?.clone();
        sem.acquire_owned().await.ok()
    }
}

/// Asks the gateway about deposits whose notification has not come
/// ([`deposits::reconcile`](crate::deposits::reconcile)).
async fn ask_about_deposits<S: Store + Clone + 'static>(app: &App<S>) {
    if let Err(e) = crate::deposits::reconcile(app).await {
        tracing::warn!(error = %e, "asking about pending deposits failed; asked again next round");
    }
}

/// The purchase (or the question about it) an attempt stands for.
fn purchase(stored: &StoredOrder, attempt: &Attempt, customer_no: String) -> Purchase {
    Purchase {
        ref_id: attempt.ref_id.clone(),
        supplier_sku: attempt.supplier_sku.clone(),
        customer_no,
        max_price: stored.order.price_idr,
        bill: stored.inquiry_id.is_some(),
    }
}
