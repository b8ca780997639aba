//! The schedule: one random event at a time (sales, syncs, worker steps, webhooks, time,
//! faults, restarts and crashes, price changes and cut-offs, refunds, stale views), and the
//! server's side of a crash and a restart.

use konter_domain::ids::{DepositId, OrderId};
use konter_server::store::SupplierProduct;
use rand::Rng;

use crate::counter::LinkFaults;
use crate::model::{self, Faults, Supplier};
use crate::{SimStore, World, gateway, start_server};

impl<S: SimStore> World<S> {
    /// Every worker runs what is due, in turn.
    pub async fn run_workers(&mut self) -> anyhow::Result<()> {
        for w in self.server.workers.clone() {
            self.until_crash(async move { w.run_due().await.map(|_| ()) })
                .await?;
        }
        self.gather();
        Ok(())
    }

    /// Runs a worker's work until it ends, or until the server process dies in the middle
    /// of a supplier call (the model's `crash_pm`): then the work is dropped where it stood,
    /// as a killed process leaves it, and the server starts again on its database.
    pub async fn until_crash<F>(&mut self, work: F) -> anyhow::Result<()>
    where
        F: std::future::Future<Output = Result<(), konter_server::store::StoreError>>,
    {
        let crash = self.model.arm_crashes(true);
        let crashed = tokio::select! {
            biased;
            done = work => {
                done?;
                false
            }
            () = crash.notified() => true,
        };
        self.model.arm_crashes(false);
        if crashed {
            self.gather();
            self.restart().await?;
        }
        Ok(())
    }

    /// Stops the server and starts it again on the same database (what it had in memory —
    /// paused suppliers, leases — is gone; leases run out on the clock).
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        self.note("server restarts".into());
        self.server = start_server::<S>(&self.db_url, &self.clock, &self.model).await?;
        *self.wire.lock().unwrap_or_else(|p| p.into_inner()) = self.server.router.clone();
        self.clock.advance(
            chrono::Duration::from_std(konter_server::fulfil::LEASE)
                .unwrap_or(chrono::Duration::seconds(90)),
        );
        Ok(())
    }

    /// Changes what a supplier charges for a product, as a price-list sync would.
    pub async fn change_cost(
        &mut self,
        sku: &str,
        supplier: &str,
        cost: i64,
    ) -> anyhow::Result<()> {
        let catalogue = self.server.app.store.catalogue().await?;
        let Some(offer) = catalogue
            .iter()
            .find(|e| e.product.sku.as_str() == sku)
            .and_then(|e| e.suppliers.iter().find(|o| o.supplier == supplier))
        else {
            return Ok(());
        };
        let changed = SupplierProduct {
            cost: konter_domain::money::Rupiah::from_idr(cost),
            ..offer.clone()
        };
        self.server
            .app
            .store
            .upsert_supplier_product(&changed, self.clock.now())
            .await?;
        self.server.app.catalogue.invalidate().await;
        self.note(format!("{supplier} now charges {cost} for {sku}"));
        Ok(())
    }

    /// A supplier cut-off for `sku`, from `from` to `to` minutes from now (the catalogue
    /// announces it in WIB, UTC+7): the server refuses new orders of it meanwhile.
    pub async fn cut_off(&mut self, sku: &str, from: i64, to: i64) -> anyhow::Result<()> {
        let store = &self.server.app.store;
        let Some(entry) = store
            .catalogue()
            .await?
            .into_iter()
            .find(|e| e.product.sku.as_str() == sku)
        else {
            anyhow::bail!("no product {sku}");
        };
        let now = self.clock.now();
        let wib = |m| (now + chrono::Duration::hours(7) + chrono::Duration::minutes(m)).time();
        store
            .upsert_product(&entry.product, Some((wib(from), wib(to))), now)
            .await?;
        self.server.app.catalogue.invalidate().await;
        self.note(format!(
            "cut-off for {sku} from {from} to {to} minutes from now"
        ));
        Ok(())
    }

    /// Keeps a view of a random open order, to be acted on later as a stale worker.
    pub async fn keep_stale_view(&mut self) -> anyhow::Result<()> {
        let ids: Vec<OrderId> = self
            .devices
            .iter()
            .flat_map(|d| d.orders.iter().map(|o| o.id))
            .collect();
        if ids.is_empty() {
            return Ok(());
        }
        let id = ids[self.rng.random_range(0..ids.len())];
        if let Some(view) = self.server.app.store.fulfilment(id).await? {
            self.stale.push(view);
        }
        Ok(())
    }

    /// A worker acts on a view it read a while ago.
    pub async fn act_on_stale_view(&mut self) -> anyhow::Result<()> {
        if self.stale.is_empty() {
            return Ok(());
        }
        let (stored, attempts) = self.stale.remove(0);
        self.note(format!(
            "a worker acts on a stale view of {} ({}, {} attempts)",
            stored.order.id,
            stored.order.status,
            attempts.len()
        ));
        let w = self.server.workers[0].clone();
        self.until_crash(async move { w.step_on(stored, attempts).await })
            .await?;
        self.gather();
        Ok(())
    }

    /// One random event of the schedule.
    pub async fn random_event(&mut self) -> anyhow::Result<()> {
        let roll = self.rng.random_range(0..100);
        match roll {
            19..=21 => {
                let device = self.rng.random_range(0..self.devices.len());
                let customer = format!("5300{:08}", self.rng.random_range(0..100_000_000u32));
                let lose = self.rng.random_range(0..5) == 0;
                self.pay_bill(device, &customer, lose).await;
            }
            0..=18 => {
                let device = self.rng.random_range(0..self.devices.len());
                let (sku, target) = if self.rng.random_bool(0.7) {
                    (
                        "tsel10",
                        format!("0812{:08}", self.rng.random_range(0..100_000_000u32)),
                    )
                } else {
                    (
                        "pln20",
                        format!("1{:010}", self.rng.random_range(0..10_000_000_000u64)),
                    )
                };
                let lose = self.rng.random_range(0..5) == 0;
                self.sell(device, sku, &target, lose).await;
            }
            22..=28 => {
                let d = self.rng.random_range(0..self.devices.len());
                self.push(d).await;
                self.pull(d).await;
            }
            29 => {
                let d = self.rng.random_range(0..self.devices.len());
                self.note(format!("counter {d} crashes"));
                self.devices[d].crash()?;
            }
            30..=54 => {
                let w = self.rng.random_range(0..self.server.workers.len());
                let worker = self.server.workers[w].clone();
                self.until_crash(async move { worker.run_due().await.map(|_| ()) })
                    .await?;
                self.gather();
            }
            55..=64 => self.deliver_hooks(true).await,
            65..=75 => {
                let s = self.rng.random_range(1..180);
                self.clock.advance(chrono::Duration::seconds(s));
            }
            76 => {
                let device = self.rng.random_range(0..self.devices.len());
                let id = DepositId::from_uuid(self.order_id().as_uuid())?;
                let amount = [20_000, 50_000, 100_000][self.rng.random_range(0..3)];
                let lose = self.rng.random_range(0..4) == 0;
                self.deposit(device, id, amount, lose).await;
            }
            77 => {
                if !self.deposits.is_empty() {
                    let (device, id, amount) =
                        self.deposits[self.rng.random_range(0..self.deposits.len())];
                    self.deposit(device, id, amount, false).await;
                }
            }
            78..=79 => {
                let pay = self.rng.random_range(0..4) > 0;
                self.finish_deposit(pay).await?;
            }
            80..=81 => self.deliver_notifications(true).await,
            82..=87 => self.toggle_faults(),
            88 => self.restart().await?,
            90 => {
                let sku = if self.rng.random_bool(0.5) {
                    "tsel10"
                } else {
                    "pln20"
                };
                let from = self.rng.random_range(-10..30);
                let to = from + self.rng.random_range(10..90);
                self.cut_off(sku, from, to).await?;
            }
            89 => {
                let sku = if self.rng.random_bool(0.5) {
                    "tsel10"
                } else {
                    "pln20"
                };
                let supplier = if self.rng.random_bool(0.5) {
                    "digiflazz"
                } else {
                    "iak"
                };
                let base = if sku == "tsel10" { 10_300 } else { 20_300 };
                let cost = base + self.rng.random_range(-200..9_000);
                self.change_cost(sku, supplier, cost).await?;
            }
            91..=92 => {
                let txns = self.model.txns();
                let delivered: Vec<_> = txns
                    .iter()
                    .filter(|t| matches!(t.state, model::TxnState::Success { .. }))
                    .collect();
                if !delivered.is_empty() {
                    let t = delivered[self.rng.random_range(0..delivered.len())];
                    self.model.refund(t.supplier, &t.ref_id);
                }
            }
            93..=95 => self.keep_stale_view().await?,
            _ => self.act_on_stale_view().await?,
        }
        Ok(())
    }

    fn toggle_faults(&mut self) {
        let rng = &mut self.rng;
        let mut f = Faults::default();
        if rng.random_range(0..3) > 0 {
            if rng.random_bool(0.5) {
                let rc = [
                    "45", "41", "44", "40", "42", "61", "82", "88", "43", "55", "69",
                ][rng.random_range(0..11)];
                f.refuse.insert(Supplier::Digiflazz, rc);
            }
            if rng.random_bool(0.4) {
                let rc = ["102", "204", "17", "107", "118", "110"][rng.random_range(0..6)];
                f.refuse.insert(Supplier::Iak, rc);
            }
            f.rate_limit_pm = rng.random_range(0..200);
            f.lose_answer_pm = rng.random_range(0..300);
            f.lose_request_pm = rng.random_range(0..200);
            f.http_500_pm = rng.random_range(0..150);
            f.bad_price_pm = rng.random_range(0..100);
            f.crash_pm = rng.random_range(0..40);
        }
        let gw = gateway::GwFaults {
            status_500_pm: if rng.random_range(0..3) == 0 {
                rng.random_range(0..1000)
            } else {
                0
            },
            lose_charge_answer_pm: rng.random_range(0..200),
        };
        self.model.gateway.with(|g| g.faults = gw);
        let text = format!("faults now {f:?}");
        self.model.set_faults(f);
        self.note(text);
        for d in 0..self.devices.len() {
            let rng = &mut self.rng;
            let mut lf = LinkFaults::default();
            if rng.random_range(0..3) > 0 {
                lf.offline = rng.random_range(0..5) == 0;
                lf.never_left_pm = rng.random_range(0..200);
                lf.lose_answer_pm = rng.random_range(0..300);
                lf.crash_pm = rng.random_range(0..80);
            }
            self.devices[d].link.set_faults(lf);
            self.note(format!("counter {d} link now {lf:?}"));
        }
    }
}
