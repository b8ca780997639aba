//! The end of a seed: the faults stop, time passes until everything settles, and every
//! invariant of the money path is checked (docs/exactly-once.md).

use std::collections::BTreeMap;

use konter_domain::api::v1::{ChangeKind, DepositStatus};
use konter_domain::order::OrderStatus;
use konter_server::midtrans::gateway_order_id;

use crate::counter::LinkFaults;
use crate::model::{self, Faults};
use crate::{SimStore, World};

impl<S: SimStore> World<S> {
    /// The faults stop; time passes until every order has settled (or the budget is spent).
    pub async fn settle_all(&mut self) -> anyhow::Result<()> {
        self.model.set_faults(Faults::default());
        for d in &self.devices {
            d.link.set_faults(LinkFaults::default());
        }
        self.model
            .gateway
            .with(|g| g.faults = crate::gateway::GwFaults::default());
        self.note("faults stop".into());
        for _ in 0..600 {
            self.sync_counters().await;
            self.deliver_hooks(false).await;
            self.deliver_notifications(false).await;
            self.run_workers().await?;
            self.sync_counters().await;
            if self.all_settled().await? {
                return Ok(());
            }
            self.clock.advance(chrono::Duration::seconds(30));
        }
        Ok(())
    }

    async fn all_settled(&self) -> anyhow::Result<bool> {
        if self
            .model
            .txns()
            .iter()
            .any(|t| matches!(t.state, model::TxnState::Pending { .. }))
        {
            return Ok(false);
        }
        // Deposits: the gateway has nothing left to notify, and every charge it settled or
        // let expire is settled on the server too.
        let (notifying, finished) = self.model.gateway.with(|g| {
            let finished: Vec<String> = g
                .charges
                .values()
                .filter(|c| c.status != "pending")
                .map(|c| c.order_id.clone())
                .collect();
            (!g.outbox.is_empty(), finished)
        });
        if notifying {
            return Ok(false);
        }
        for order_id in finished {
            if let Some(d) = self
                .server
                .app
                .store
                .deposit_by_gateway_id(&order_id)
                .await?
                && d.deposit.status == DepositStatus::Pending
            {
                return Ok(false);
            }
        }
        for d in &self.devices {
            for o in &d.orders {
                let local = d.engine.order(&o.id.to_string())?;
                if !local.is_some_and(|l| l.status.is_settled()) {
                    return Ok(false);
                }
                if let Some(s) = self.server.app.store.order(o.id).await?
                    && !s.order.status.is_settled()
                {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    /// Every invariant, after [`World::settle_all`]. Empty when the money is right.
    pub async fn check(&mut self) -> anyhow::Result<Vec<String>> {
        let mut problems = self.broken.clone();
        let store = &self.server.app.store;
        let charges = self.model.charges();
        // 1. Never bought twice, across all suppliers.
        for (key, list) in &charges {
            if list.len() > 1 {
                problems.push(format!("order {key} bought {} times: {list:?}", list.len()));
            }
        }
        for (d, dev) in self.devices.iter().enumerate() {
            for o in &dev.orders {
                let charged = charges.get(&o.charge_key).map_or(0, Vec::len);
                let stored = store.order(o.id).await?;
                let local = dev.engine.order(&o.id.to_string())?;
                // 2. Every accepted order ends settled, and the ledger agrees with what the
                // suppliers charged.
                if let Some(s) = &stored {
                    match s.order.status {
                        OrderStatus::Success if charged != 1 => problems.push(format!(
                            "order {} is a success but was bought {charged} times",
                            o.id
                        )),
                        OrderStatus::Failed | OrderStatus::Refunded if charged != 0 => problems
                            .push(format!(
                                "order {} is {} but a supplier charged for it",
                                o.id, s.order.status
                            )),
                        st if !st.is_settled() => {
                            problems.push(format!("order {} never settled: {st}", o.id));
                        }
                        _ => {}
                    }
                } else if charged > 0 {
                    problems.push(format!("order {} bought but not on the server", o.id));
                }
                let Some(local) = local else {
                    problems.push(format!("counter {d} lost its order {}", o.id));
                    continue;
                };
                // 3. A counter gave cash back only for orders no supplier charged, and ends
                // where the server ended.
                let cash_back = matches!(local.status, OrderStatus::Failed | OrderStatus::Refunded);
                if cash_back && charged > 0 {
                    problems.push(format!(
                        "counter {d} gave the cash back for order {} that a supplier charged",
                        o.id
                    ));
                }
                if !local.status.is_settled() {
                    problems.push(format!(
                        "counter {d} never had an answer for {}: {}",
                        o.id, local.status
                    ));
                }
                match &stored {
                    Some(s) if s.order.status != local.status => problems.push(format!(
                        "order {} is {} on the server but {} at counter {d}",
                        o.id, s.order.status, local.status
                    )),
                    None if local.status != OrderStatus::Failed => problems.push(format!(
                        "order {} is {} at counter {d} but the server never took it",
                        o.id, local.status
                    )),
                    _ => {}
                }
            }
            // 4. The counter's own books balance and its saldo is the server's.
            problems.extend(
                dev.engine
                    .audit()?
                    .into_iter()
                    .map(|p| format!("counter {d} audit: {p}")),
            );
            let local = dev.engine.saldo()?;
            if local.local_held_idr.idr() != 0 {
                problems.push(format!(
                    "counter {d} still holds {} for orders never sent",
                    local.local_held_idr
                ));
            }
        }
        for (d, dev) in self.devices.iter().enumerate() {
            let shop_id = dev.engine.setting("shop_id")?.unwrap_or_default();
            let Some(shop) = self.shops.iter().find(|s| s.id.to_string() == shop_id) else {
                problems.push(format!("counter {d} does not know its shop"));
                continue;
            };
            let server = store.saldo(shop.id).await?;
            let local = dev.engine.saldo()?;
            if (local.balance_idr, local.held_idr) != (server.balance_idr, server.held_idr) {
                problems.push(format!(
                    "counter {d} sees saldo {} (held {}), the server {} (held {})",
                    local.balance_idr, local.held_idr, server.balance_idr, server.held_idr
                ));
            }
        }
        // 5. The books: every posting balanced, holds posted or voided once, saldo >= 0,
        // nothing left held once everything settled.
        let mut credited_anywhere = Vec::new();
        let audit = store.audit().await?;
        problems.extend(audit.problems.iter().map(|p| format!("audit: {p}")));
        for shop in &self.shops {
            let saldo = store.saldo(shop.id).await?;
            if saldo.available_idr.idr() < 0 {
                problems.push(format!("shop {} saldo below zero: {saldo:?}", shop.code));
            }
            if saldo.held_idr.idr() != 0 {
                problems.push(format!("shop {} still holds {}", shop.code, saldo.held_idr));
            }
            // 6. The change feed has no gaps.
            let mut orders = BTreeMap::new();
            let mut deposits = BTreeMap::new();
            let mut after = 0i64;
            let mut expect = 1i64;
            loop {
                let changes = store.changes(shop.id, after, 500).await?;
                if changes.is_empty() {
                    break;
                }
                for c in &changes {
                    if c.seq != expect {
                        problems.push(format!(
                            "shop {} feed jumps from {} to {}",
                            shop.code,
                            expect - 1,
                            c.seq
                        ));
                    }
                    expect = c.seq + 1;
                    after = c.seq;
                    match &c.kind {
                        ChangeKind::Order { order } => {
                            orders.insert(order.id, order.clone());
                        }
                        ChangeKind::Deposit { deposit } => {
                            deposits.insert(deposit.id, deposit.clone());
                        }
                        _ => {}
                    }
                }
            }
            // 7. A deposit is credited once it is paid at the gateway, and only then; the
            // saldo is what the shop started with, plus its deposits, less its purchases.
            let paid_at_gateway = self.model.gateway.with(|g| g.paid());
            let mut credited = 0i64;
            for d in deposits.values() {
                let at_gateway = paid_at_gateway.contains(&gateway_order_id(d.id));
                let paid = d.status == DepositStatus::Paid;
                if paid != at_gateway {
                    problems.push(format!(
                        "deposit {} is {:?} on the server, {} at the gateway",
                        d.id,
                        d.status,
                        if at_gateway { "paid" } else { "not paid" }
                    ));
                }
                if paid {
                    credited += d.amount_idr.idr();
                    credited_anywhere.push(gateway_order_id(d.id));
                }
            }
            let bought: i64 = orders
                .values()
                .filter(|o| o.status == OrderStatus::Success)
                .map(|o| o.price_idr.idr())
                .sum();
            let expected = self.initial_saldo + credited - bought;
            if saldo.balance_idr.idr() != expected {
                problems.push(format!(
                    "shop {} balance {} is not {} (start) + {credited} (deposits) - {bought} (purchases)",
                    shop.code, saldo.balance_idr, self.initial_saldo
                ));
            }
        }
        // 8. Every payment the gateway took reached a shop's saldo.
        for paid in self.model.gateway.with(|g| g.paid()) {
            if !credited_anywhere.contains(&paid) {
                problems.push(format!("{paid} was paid at the gateway but never credited"));
            }
        }
        Ok(problems)
    }
}
