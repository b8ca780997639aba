//! What suppliers and the payment gateway send the server on their own: webhooks and
//! callbacks (duplicated, reordered, stale and forged on the simulation's word), and
//! Midtrans notifications with their retries; and the customers who pay or let a deposit
//! expire.

use rand::Rng;
use serde_json::{Value, json};

use crate::model::Supplier;
use crate::{DF_SECRET, IAK_KEY, IAK_USER, SimStore, World, df_signature, gateway, request};

impl<S: SimStore> World<S> {
    /// Delivers the webhooks due now; `mangle` duplicates, reorders, adds stale and forged
    /// ones.
    pub async fn deliver_hooks(&mut self, mangle: bool) {
        self.model.tick();
        let mut hooks = self.model.take_hooks();
        if mangle && hooks.len() > 1 && self.rng.random_bool(0.5) {
            hooks.reverse();
        }
        for hook in hooks {
            let copies = if mangle && self.rng.random_range(0..4) == 0 {
                2
            } else {
                1
            };
            for _ in 0..copies {
                self.post_hook(hook.supplier, &hook.body, true).await;
            }
            if mangle && self.rng.random_range(0..4) == 0 {
                self.forge(hook.supplier, &hook.body).await;
            }
        }
        self.gather();
    }

    /// Posts a webhook as the supplier would (`signed`), or with a wrong signature.
    pub async fn post_hook(&mut self, supplier: Supplier, body: &Value, signed: bool) -> u16 {
        let (uri, headers, text) = match supplier {
            Supplier::Digiflazz => {
                let text = body.to_string();
                let secret = if signed { DF_SECRET } else { "not-the-secret" };
                (
                    "/hooks/digiflazz",
                    vec![("x-hub-signature", df_signature(secret, &text))],
                    text,
                )
            }
            Supplier::Iak => {
                let mut body = body.clone();
                let ref_id = body["data"]["ref_id"].as_str().unwrap_or_default();
                let key = if signed { IAK_KEY } else { "not-the-key" };
                let sign = konter_server::suppliers::digiflazz::sign(IAK_USER, key, ref_id);
                body["data"]["sign"] = json!(sign);
                ("/hooks/iak", Vec::new(), body.to_string())
            }
        };
        let (status, _) = request(&self.server.router, "POST", uri, &headers, Some(text)).await;
        self.note(format!(
            "{} webhook {} {} -> {status}",
            supplier.name(),
            body["data"]["ref_id"],
            body["data"]["status"]
        ));
        status
    }

    /// Forged webhooks: the opposite status with a bad signature, a stale "pending", and for
    /// IAK a captured callback replayed with another status (its sign stays valid).
    async fn forge(&mut self, supplier: Supplier, body: &Value) {
        let mut flipped = body.clone();
        let d = &mut flipped["data"];
        let success = d["status"] == json!("Sukses") || d["status"] == json!("1");
        match supplier {
            Supplier::Digiflazz => {
                *d = json!({"ref_id": d["ref_id"], "status": if success { "Gagal" } else { "Sukses" },
                    "rc": if success { "02" } else { "00" }, "sn": "FORGED", "price": d["price"],
                    "message": "forged"});
                let status = self.post_hook(supplier, &flipped, false).await;
                if status != 401 {
                    let ref_id = &body["data"]["ref_id"];
                    self.broken.push(format!(
                        "a forged Digiflazz webhook for {ref_id} got {status}, not 401"
                    ));
                }
                let mut stale = body.clone();
                stale["data"]["status"] = json!("Pending");
                stale["data"]["rc"] = json!("03");
                self.post_hook(supplier, &stale, true).await;
            }
            Supplier::Iak => {
                d["status"] = json!(if success { "2" } else { "1" });
                d["rc"] = json!(if success { "07" } else { "00" });
                d["sn"] = json!("FORGED");
                self.post_hook(supplier, &flipped, true).await;
            }
        }
    }

    /// A customer pays a pending deposit the server gave a counter, or lets it expire.
    pub async fn finish_deposit(&mut self, pay: bool) -> anyhow::Result<()> {
        let now = self.clock.now();
        let pending: Vec<String> = self.model.gateway.with(|gw| {
            gw.charges
                .values()
                .filter(|c| c.status == "pending")
                .map(|c| c.order_id.clone())
                .collect()
        });
        let mut shown = Vec::new();
        for id in pending {
            if self
                .server
                .app
                .store
                .deposit_by_gateway_id(&id)
                .await?
                .is_some()
            {
                shown.push(id);
            }
        }
        if shown.is_empty() {
            return Ok(());
        }
        let pick = shown[self.rng.random_range(0..shown.len())].clone();
        self.model
            .gateway
            .with(|gw| gw.finish(&pick, if pay { "settlement" } else { "expire" }, now));
        self.gather();
        Ok(())
    }

    /// Midtrans sends the notifications due now; one the server does not take with a 200
    /// is sent again later, a few times at most. `mangle` duplicates them and adds forged
    /// and stale ones.
    pub async fn deliver_notifications(&mut self, mangle: bool) {
        let now = self.clock.now();
        let due = self.model.gateway.with(|gw| gw.due(now));
        for mut n in due {
            let body = n.body(gateway::SERVER_KEY);
            let copies = if mangle && self.rng.random_range(0..4) == 0 {
                2
            } else {
                1
            };
            let mut taken = false;
            for _ in 0..copies {
                let status = self.post_notification(&body).await;
                taken |= status == 200;
            }
            if mangle && self.rng.random_range(0..3) == 0 {
                // The opposite outcome, signed without the key: refused, changes nothing.
                let mut forged = n.clone();
                forged.status = if n.status == "settlement" {
                    "expire"
                } else {
                    "settlement"
                };
                let status = self.post_notification(&forged.body("not-the-key")).await;
                if status != 401 {
                    self.broken.push(format!(
                        "a forged Midtrans notification for {} got {status}, not 401",
                        n.order_id
                    ));
                }
                // A stale "pending", validly signed, arriving after the outcome.
                let mut stale = n.clone();
                stale.status = "pending";
                self.post_notification(&stale.body(gateway::SERVER_KEY))
                    .await;
            }
            if !taken {
                n.tries += 1;
                if n.tries < gateway::NOTIFICATION_TRIES {
                    n.due = now + chrono::Duration::minutes(5 * i64::from(n.tries));
                    self.model.gateway.with(|gw| gw.outbox.push(n));
                } else {
                    self.note(format!("midtrans gives up notifying {}", n.order_id));
                }
            }
        }
        self.gather();
    }

    async fn post_notification(&mut self, body: &Value) -> u16 {
        let (status, _) = request(
            &self.server.router,
            "POST",
            "/hooks/midtrans",
            &[],
            Some(body.to_string()),
        )
        .await;
        self.note(format!(
            "midtrans notification {} {} -> {status}",
            body["order_id"], body["transaction_status"]
        ));
        status
    }
}
