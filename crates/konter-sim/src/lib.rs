//! A seeded, deterministic simulation of Konter's money path, in the spirit of TigerBeetle's
//! VOPR: the real server (store on SQLite, HTTP router, fulfilment workers, webhooks) runs in
//! one process against supplier models ([`model`]) on a clock that moves only when the
//! simulation says. Each seed draws a schedule of sales from several counters, lost answers
//! both ways, refusals of every class, duplicated, reordered, stale and forged webhooks,
//! refunds after success, price changes, server restarts and workers acting on stale views;
//! then the faults stop, everything is let settle, and the invariants are checked
//! ([`World::check`]). A failing seed replays exactly with `make sim SEED=…`.

pub mod model;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use http_body_util::BodyExt;
use konter_domain::catalogue::Tier;
use konter_domain::ids::OrderId;
use konter_server::App;
use konter_server::auth::{hash_secret, new_pairing_code};
use konter_server::catalogue_file::CatalogueFile;
use konter_server::clock::Clock;
use konter_server::config::{Config, Digiflazz, Iak, Secret};
use konter_server::fulfil::Fulfiller;
use konter_server::store::{Attempt, SqliteStore, Store, StoredOrder, SupplierProduct};
use konter_server::suppliers::Suppliers;
use model::{Faults, Model, Supplier};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use sha1::Sha1;
use tower::ServiceExt;

pub const DF_USER: &str = "sim-user";
pub const DF_KEY: &str = "sim-digiflazz-key";
pub const DF_SECRET: &str = "sim-webhook-secret";
pub const IAK_USER: &str = "081200000000";
pub const IAK_KEY: &str = "sim-iak-key";

/// The products the simulation sells: a pulsa and a PLN token, each at Digiflazz first and
/// IAK second.
pub const CATALOGUE: &str = r#"
[tiers.gold]
markup = { kind = "fixed", idr = 500 }
round_to = 100

[[products]]
sku = "tsel10"
name = "Telkomsel 10.000"
category = "pulsa"
brand = "TELKOMSEL"
operator = "telkomsel"
nominal_idr = 10000
input = { kind = "phone" }
active = true
[[products.suppliers]]
supplier = "digiflazz"
supplier_sku = "tsel10"
cost_idr = 10300
priority = 1
[[products.suppliers]]
supplier = "iak"
supplier_sku = "htelkomsel10000"
cost_idr = 10350
priority = 2

[[products]]
sku = "pln20"
name = "Token PLN 20.000"
category = "pln"
brand = "PLN"
nominal_idr = 20000
input = { kind = "pln_number" }
active = true
[[products.suppliers]]
supplier = "digiflazz"
supplier_sku = "pln20"
cost_idr = 20300
priority = 1
[[products.suppliers]]
supplier = "iak"
supplier_sku = "pln20000"
cost_idr = 20350
priority = 2

[[products]]
sku = "plnpasca"
name = "PLN Pascabayar"
category = "bill"
brand = "PLN"
input = { kind = "bill", bill = "pln_pasca" }
active = true
[[products.suppliers]]
supplier = "digiflazz"
supplier_sku = "pln"
cost_idr = 0
priority = 1
"#;

/// The server's config for the simulation: both suppliers at the model.
pub fn config() -> Config {
    let mut c: Config = toml::from_str("").unwrap_or_else(|_| unreachable!("empty is valid"));
    c.testing.allow_manual_settle = false;
    c.fulfilment.price_sync_s = Some(0);
    c.suppliers.digiflazz = Some(Digiflazz {
        base_url: "http://model/digiflazz".into(),
        username: DF_USER.into(),
        api_key: Secret::new(DF_KEY),
        webhook_secret: Secret::new(DF_SECRET),
        testing: false,
        status_interval_ms: None,
    });
    c.suppliers.iak = Some(Iak {
        base_url: "http://model/iak".into(),
        username: IAK_USER.into(),
        api_key: Secret::new(IAK_KEY),
        status_interval_ms: None,
    });
    c
}

/// One order as a counter sees it.
#[derive(Clone, Debug)]
pub struct DeviceOrder {
    pub id: OrderId,
    pub body: Value,
    /// The HTTP status of the last answer the device received.
    pub answered: Option<u16>,
    /// The cashier gave the customer the money back.
    pub refunded: bool,
}

/// A paired counter.
pub struct Device {
    pub token: String,
    pub orders: Vec<DeviceOrder>,
}

/// The server process: it can be stopped and started again on the same database.
pub struct Server {
    pub app: App<SqliteStore>,
    pub router: Router,
    pub workers: Vec<Arc<Fulfiller<SqliteStore>>>,
}

/// Everything one seed runs.
pub struct World {
    pub seed: u64,
    pub rng: StdRng,
    pub clock: Clock,
    pub model: Model,
    pub server: Server,
    pub devices: Vec<Device>,
    pub shops: Vec<konter_server::store::Shop>,
    /// Views of orders kept to be acted on later, as a worker that read before a commit.
    pub stale: Vec<(StoredOrder, Vec<Attempt>)>,
    pub trace: Vec<String>,
    /// Invariants seen broken while the schedule ran (checked with the others at the end).
    pub broken: Vec<String>,
    pub db_url: String,
    _dir: tempfile::TempDir,
}

/// A broken invariant, with the seed that shows it.
#[derive(Debug)]
pub struct Violation {
    pub seed: u64,
    pub problems: Vec<String>,
    pub trace: Vec<String>,
}

/// Where temp databases go: memory-backed when the machine has it, so a seed's fsyncs
/// cost nothing.
fn temp_dir() -> anyhow::Result<tempfile::TempDir> {
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::Builder::new()
            .prefix("konter-sim")
            .tempdir_in(shm)
    {
        return Ok(dir);
    }
    Ok(tempfile::tempdir()?)
}

async fn start_server(db_url: &str, clock: &Clock, model: &Model) -> anyhow::Result<Server> {
    let store = SqliteStore::open(db_url).await?;
    store.migrate().await?;
    let config = config();
    let suppliers = Suppliers::with_transport(&config, Arc::new(model.clone()));
    let app = App::with_parts(store, config, suppliers, clock.clone())?;
    let router = konter_server::http::app(app.clone());
    // Two workers, as two server processes on one database would have.
    let workers = vec![Fulfiller::new(app.clone()), Fulfiller::new(app.clone())];
    Ok(Server {
        app,
        router,
        workers,
    })
}

/// One request through the router, without a socket.
pub async fn request(
    router: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, String)],
    body: Option<String>,
) -> (u16, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let req = match body {
        Some(b) => req
            .header("content-type", "application/json")
            .body(Body::from(b)),
        None => req.body(Body::empty()),
    };
    let Ok(req) = req else {
        return (0, Value::Null);
    };
    let resp = match router.clone().oneshot(req).await {
        Ok(resp) => resp,
        Err(never) => match never {},
    };
    let status = resp.status().as_u16();
    let bytes = match resp.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return (status, Value::Null),
    };
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// `sha1=` + hex HMAC-SHA1 of `body` with Digiflazz's webhook secret.
pub fn df_signature(secret: &str, body: &str) -> String {
    let mut mac = match Hmac::<Sha1>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(body.as_bytes());
    format!("sha1={}", hex::encode(mac.finalize().into_bytes()))
}

/// The simulation's start: a fixed instant, so a seed replays to the millisecond.
pub fn epoch() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(1_800_000_000_000).unwrap_or(DateTime::UNIX_EPOCH)
}

impl World {
    /// A fresh world: a server with the simulation's catalogue, `shops` shops with
    /// `devices_per_shop` paired counters each and Rp`saldo` of saldo.
    pub async fn new(
        seed: u64,
        shops: usize,
        devices_per_shop: usize,
        saldo: i64,
    ) -> anyhow::Result<World> {
        let clock = Clock::manual(epoch());
        let model = Model::new(clock.clone(), seed);
        let dir = temp_dir()?;
        let db_url = format!("sqlite://{}", dir.path().join("server.db").display());
        let server = start_server(&db_url, &clock, &model).await?;
        let store = &server.app.store;
        CatalogueFile::parse(CATALOGUE)?
            .load(store, clock.now())
            .await?;
        let mut world = World {
            seed,
            rng: StdRng::seed_from_u64(seed),
            clock,
            model,
            server,
            devices: Vec::new(),
            shops: Vec::new(),
            stale: Vec::new(),
            trace: Vec::new(),
            broken: Vec::new(),
            db_url,
            _dir: dir,
        };
        for s in 0..shops {
            let store = &world.server.app.store;
            let now = world.clock.now();
            let shop = store
                .create_shop(&format!("SIM{s}"), "Konter Simulasi", Tier::Gold, now)
                .await?;
            let amount = konter_domain::money::Rupiah::from_idr(saldo);
            store.credit_manual(shop.id, amount, "modal", now).await?;
            for d in 0..devices_per_shop {
                let token = world.pair(&shop, d).await?;
                world.devices.push(Device {
                    token,
                    orders: Vec::new(),
                });
            }
            world.shops.push(shop);
        }
        Ok(world)
    }

    async fn pair(&self, shop: &konter_server::store::Shop, d: usize) -> anyhow::Result<String> {
        let code = new_pairing_code();
        let now = self.clock.now();
        self.server
            .app
            .store
            .add_pairing_code(
                shop.id,
                &hash_secret(&code),
                now + chrono::Duration::minutes(15),
                now,
            )
            .await?;
        let body = json!({"pairing_code": code, "device_name": format!("Kasir {d}")});
        let (status, v) = request(
            &self.server.router,
            "POST",
            "/v1/devices/pair",
            &[],
            Some(body.to_string()),
        )
        .await;
        anyhow::ensure!(status == 200, "pairing: {status} {v}");
        Ok(v["token"].as_str().unwrap_or_default().to_owned())
    }

    pub fn note(&mut self, line: String) {
        let now = self.clock.now();
        self.trace.push(format!("{now} {line}"));
    }

    /// Moves the supplier models' lines into the world's trace.
    fn gather(&mut self) {
        let lines = self.model.take_trace();
        self.trace.extend(lines);
    }

    /// A new order id, from the seed and the simulated clock (a UUIDv7 like a device's).
    pub fn order_id(&mut self) -> OrderId {
        let ms = u64::try_from(self.clock.now().timestamp_millis()).unwrap_or(0);
        let bytes: [u8; 10] = self.rng.random();
        let uuid = uuid::Builder::from_unix_timestamp_millis(ms, &bytes).into_uuid();
        OrderId::from_uuid(uuid).unwrap_or_else(|_| OrderId::new())
    }

    /// A counter sells: a new order, sent at once; `lose` drops the answer on its way back.
    pub async fn sell(
        &mut self,
        device: usize,
        sku: &str,
        target: &str,
        lose: bool,
    ) -> Option<u16> {
        let id = self.order_id();
        // The most the counter lets the server charge: today's price and a little room.
        let body = json!({"id": id, "sku": sku, "target": target, "max_price_idr": 30_000});
        self.devices[device].orders.push(DeviceOrder {
            id,
            body,
            answered: None,
            refunded: false,
        });
        let i = self.devices[device].orders.len() - 1;
        self.send(device, i, lose).await
    }

    /// Sends (or sends again) a device's order; `lose` drops the answer on its way back.
    pub async fn send(&mut self, device: usize, i: usize, lose: bool) -> Option<u16> {
        let dev = &self.devices[device];
        let order = dev.orders[i].clone();
        let auth = [("authorization", format!("Bearer {}", dev.token))];
        let (status, v) = request(
            &self.server.router,
            "POST",
            "/v1/orders",
            &auth,
            Some(order.body.to_string()),
        )
        .await;
        let code = v["code"].as_str().unwrap_or_default().to_owned();
        self.note(format!(
            "device {device} sends {} {} -> {status} {code}{}",
            order.id,
            order.body["target"],
            if lose { " (answer lost)" } else { "" }
        ));
        if lose {
            return None;
        }
        let o = &mut self.devices[device].orders[i];
        match status {
            200 | 201 => o.answered = Some(status),
            // A refusal is final for the counter: the customer gets the cash back.
            400..=499 => {
                o.answered = Some(status);
                o.refunded = true;
            }
            _ => {}
        }
        Some(status)
    }

    /// Every worker runs what is due, in turn.
    pub async fn run_workers(&mut self) -> anyhow::Result<()> {
        for w in self.server.workers.clone() {
            w.run_due().await?;
        }
        self.gather();
        Ok(())
    }

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

    /// Stops the server and starts it again on the same database (what it had in memory —
    /// paused suppliers, leases — is gone; leases run out on the clock).
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        self.note("server restarts".into());
        self.server = start_server(&self.db_url, &self.clock, &self.model).await?;
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
        w.step_on(stored, attempts).await?;
        self.gather();
        Ok(())
    }

    /// One random event of the schedule.
    pub async fn random_event(&mut self) -> anyhow::Result<()> {
        let roll = self.rng.random_range(0..100);
        match roll {
            0..=21 => {
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
            22..=29 => self.retry_unanswered(true).await,
            30..=54 => {
                let w = self.rng.random_range(0..self.server.workers.len());
                let worker = self.server.workers[w].clone();
                worker.run_due().await?;
                self.gather();
            }
            55..=64 => self.deliver_hooks(true).await,
            65..=81 => {
                let s = self.rng.random_range(1..180);
                self.clock.advance(chrono::Duration::seconds(s));
            }
            82..=87 => self.toggle_faults(),
            88 => self.restart().await?,
            89..=90 => {
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

    /// Sends again every order whose answer the device has not had.
    pub async fn retry_unanswered(&mut self, may_lose: bool) {
        for d in 0..self.devices.len() {
            for i in 0..self.devices[d].orders.len() {
                if self.devices[d].orders[i].answered.is_none() {
                    let lose = may_lose && self.rng.random_range(0..5) == 0;
                    self.send(d, i, lose).await;
                }
            }
        }
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
        }
        let text = format!("faults now {f:?}");
        self.model.set_faults(f);
        self.note(text);
    }

    /// The faults stop; time passes until every order has settled (or the budget is spent).
    pub async fn settle_all(&mut self) -> anyhow::Result<()> {
        self.model.set_faults(Faults::default());
        self.note("faults stop".into());
        for _ in 0..600 {
            self.retry_unanswered(false).await;
            self.deliver_hooks(false).await;
            self.run_workers().await?;
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
        for d in &self.devices {
            for o in &d.orders {
                if o.answered.is_none() {
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
                let key = konter_server::suppliers::ref_id(o.id, 1);
                let key = model::order_key(&key).to_owned();
                let charged = charges.get(&key).map_or(0, Vec::len);
                let stored = store.order(o.id).await?;
                // 2. Every accepted order ends settled, and the ledger agrees with what the
                // suppliers charged.
                if let Some(s) = &stored {
                    use konter_domain::order::OrderStatus as St;
                    match s.order.status {
                        St::Success if charged != 1 => problems.push(format!(
                            "order {} is a success but was bought {charged} times",
                            o.id
                        )),
                        St::Failed | St::Refunded if charged != 0 => problems.push(format!(
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
                // 3. A counter gave cash back only for orders no supplier charged.
                if o.refunded && charged > 0 {
                    problems.push(format!(
                        "device {d} refunded order {} that a supplier charged",
                        o.id
                    ));
                }
                if o.answered.is_none() {
                    problems.push(format!("device {d} never had an answer for {}", o.id));
                }
                // A counter told "accepted" must find it on the server.
                if matches!(o.answered, Some(200 | 201)) && stored.is_none() {
                    problems.push(format!("order {} accepted but not stored", o.id));
                }
            }
        }
        // 4. The books: every posting balanced, holds posted or voided once, saldo >= 0,
        // nothing left held once everything settled.
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
            // 5. The change feed has no gaps.
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
                }
            }
        }
        Ok(problems)
    }
}

/// What one seed did.
#[derive(Debug, Default)]
pub struct SeedReport {
    pub orders: usize,
}

/// Runs one seed: `events` random events, then settling and the checks.
pub async fn run_seed(seed: u64, events: usize) -> anyhow::Result<Result<SeedReport, Violation>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let shops = rng.random_range(1..=2);
    let devices = rng.random_range(1..=2);
    let saldo = [60_000, 150_000, 500_000][rng.random_range(0..3)];
    let mut world = World::new(seed, shops, devices, saldo).await?;
    world.note(format!(
        "seed {seed}: {shops} shop(s), {devices} device(s) each, saldo {saldo}"
    ));
    for _ in 0..events {
        world.random_event().await?;
    }
    world.settle_all().await?;
    let problems = world.check().await?;
    let orders = world.devices.iter().map(|d| d.orders.len()).sum();
    if problems.is_empty() {
        Ok(Ok(SeedReport { orders }))
    } else {
        world.gather();
        Ok(Err(Violation {
            seed,
            problems,
            trace: world.trace,
        }))
    }
}

/// Per-order counts of what the suppliers charged, for tests.
pub fn charges_of(model: &Model, id: OrderId) -> usize {
    let key = konter_server::suppliers::ref_id(id, 1);
    model
        .charges()
        .get(model::order_key(&key))
        .map_or(0, Vec::len)
}
