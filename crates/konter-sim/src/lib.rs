//! A seeded, deterministic simulation of Konter's money path, in the spirit of TigerBeetle's
//! VOPR: the real server (store on SQLite, HTTP router, fulfilment workers, webhooks) runs in
//! one process against supplier models ([`model`]) on a clock that moves only when the
//! simulation says. Each seed draws a schedule of sales from several counters, lost answers
//! both ways, refusals of every class, duplicated, reordered, stale and forged webhooks,
//! refunds after success, price changes, server restarts and workers acting on stale views;
//! then the faults stop, everything is let settle, and the invariants are checked
//! ([`World::check`]). A failing seed replays exactly with `make sim SEED=…`.

pub mod check;
pub mod counter;
pub mod gateway;
pub mod model;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use chrono::{DateTime, Utc};
use counter::{Device, DeviceOrder, LinkFaults, SimLink};
use hmac::{Hmac, Mac};
use http_body_util::BodyExt;
use konter_client::sell::Sale;
use konter_client::token::TokenStore;
use konter_domain::catalogue::Tier;
use konter_domain::ids::{DepositId, OrderId};
use konter_domain::order::OrderStatus;
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
    c.gateways.midtrans = Some(konter_server::config::Midtrans {
        base_url: "http://model/midtrans".into(),
        server_key: Secret::new(gateway::SERVER_KEY),
    });
    c.suppliers.iak = Some(Iak {
        base_url: "http://model/iak".into(),
        username: IAK_USER.into(),
        api_key: Secret::new(IAK_KEY),
        status_interval_ms: None,
    });
    c
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
    /// The router every counter's link reaches; replaced when the server restarts.
    pub wire: Arc<Mutex<Router>>,
    pub devices: Vec<Device>,
    pub shops: Vec<konter_server::store::Shop>,
    /// Deposits the counters asked for: (counter, id, amount).
    pub deposits: Vec<(usize, DepositId, i64)>,
    /// The saldo each shop started with.
    pub initial_saldo: i64,
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

/// One request through the router, without a socket: its status and body.
pub async fn request_raw(
    router: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, String)],
    body: Option<String>,
) -> (u16, Vec<u8>) {
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
        return (0, Vec::new());
    };
    let resp = match router.clone().oneshot(req).await {
        Ok(resp) => resp,
        Err(never) => match never {},
    };
    let status = resp.status().as_u16();
    match resp.into_body().collect().await {
        Ok(b) => (status, b.to_bytes().to_vec()),
        Err(_) => (status, Vec::new()),
    }
}

/// One request through the router, its body read as JSON (`Null` when it is not).
pub async fn request(
    router: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, String)],
    body: Option<String>,
) -> (u16, Value) {
    let (status, bytes) = request_raw(router, method, uri, headers, body).await;
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
        let wire = Arc::new(Mutex::new(server.router.clone()));
        let mut world = World {
            seed,
            rng: StdRng::seed_from_u64(seed),
            clock,
            model,
            server,
            wire,
            devices: Vec::new(),
            shops: Vec::new(),
            deposits: Vec::new(),
            initial_saldo: saldo,
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
                let device = world.pair(&shop, d).await?;
                world.devices.push(device);
            }
            world.shops.push(shop);
        }
        Ok(world)
    }

    /// A new counter of `shop`, paired with a fresh code through its own engine.
    async fn pair(&self, shop: &konter_server::store::Shop, d: usize) -> anyhow::Result<Device> {
        let n = self.devices.len();
        let name = format!("counter {n}");
        let dir = self._dir.path().join(format!("counter-{n}"));
        let salt = self.seed.wrapping_mul(1_000_003).wrapping_add(n as u64);
        let link = Arc::new(SimLink::new(name, self.wire.clone(), salt));
        let start_ms = u64::try_from(self.clock.now().timestamp_millis()).unwrap_or(0);
        let ids = counter::seeded_ids(salt, start_ms + 1_000_000 * n as u64);
        let mut device = Device::open(dir.clone(), link, ids)?;
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
        device
            .engine
            .pair("http://konter-sim", &code, &format!("Kasir {d}"))
            .await?;
        device.token = konter_client::token::FileStore::new(&dir)
            .get()?
            .unwrap_or_default();
        device.link.take_trace();
        Ok(device)
    }

    pub fn note(&mut self, line: String) {
        let now = self.clock.now();
        self.trace.push(format!("{now} {line}"));
    }

    /// Moves the supplier models' and the counters' lines into the world's trace.
    fn gather(&mut self) {
        let lines = self.model.take_trace();
        self.trace.extend(lines);
        let now = self.clock.now();
        for d in &self.devices {
            for line in d.link.take_trace() {
                self.trace.push(format!("{now} {line}"));
            }
        }
    }

    /// A new order id, from the seed and the simulated clock (a UUIDv7 like a device's).
    pub fn order_id(&mut self) -> OrderId {
        let ms = u64::try_from(self.clock.now().timestamp_millis()).unwrap_or(0);
        let bytes: [u8; 10] = self.rng.random();
        let uuid = uuid::Builder::from_unix_timestamp_millis(ms, &bytes).into_uuid();
        OrderId::from_uuid(uuid).unwrap_or_else(|_| OrderId::new())
    }

    /// A counter sells: the cashier takes the cash, the engine commits the sale and sends
    /// it at once; `lose` drops the server's answer on its way back. The order's status at
    /// the counter afterwards, or `None` when the counter refused the sale.
    pub async fn sell(
        &mut self,
        device: usize,
        sku: &str,
        target: &str,
        lose: bool,
    ) -> Option<OrderStatus> {
        let sale = Sale {
            sku: sku.to_owned(),
            target: target.to_owned(),
            confirm_repeat: true,
            ..Sale::default()
        };
        let placed = self.devices[device].engine.place_order(&sale);
        let order = match placed {
            Ok(order) => order,
            Err(e) => {
                self.note(format!(
                    "counter {device} refuses to sell {sku} to {target}: {e}"
                ));
                return None;
            }
        };
        self.note(format!(
            "counter {device} sells {sku} to {target}: {} at {}",
            order.id, order.cost_idr
        ));
        self.devices[device]
            .orders
            .push(DeviceOrder::sale(order.id, target));
        if lose {
            self.devices[device].link.lose_next_answer();
        }
        self.push(device).await;
        let local = self.devices[device].engine.order(&order.id.to_string());
        local.ok().flatten().map(|o| o.status)
    }

    /// A counter looks up a postpaid PLN bill and, when the server finds it, the customer
    /// pays it; `lose` drops the server's answer to the payment.
    pub async fn pay_bill(&mut self, device: usize, customer_no: &str, lose: bool) {
        let engine = self.devices[device].engine.clone();
        let looked_up = engine.bill_inquiry("plnpasca", customer_no).await;
        self.gather();
        self.after_crash(device);
        let bill = match looked_up {
            Ok(bill) => bill,
            Err(e) => {
                self.note(format!(
                    "counter {device} could not look up bill {customer_no}: {e}"
                ));
                return;
            }
        };
        let inquiry = bill.inquiry.inquiry_id;
        let paid = engine.pay_bill(&inquiry.to_string(), None, None, None);
        let order = match paid {
            Ok(order) => order,
            Err(e) => {
                self.note(format!(
                    "counter {device} refuses to pay bill {customer_no}: {e}"
                ));
                return;
            }
        };
        self.note(format!(
            "counter {device} takes bill {customer_no}: {} at {}",
            order.id, order.cost_idr
        ));
        self.devices[device]
            .orders
            .push(DeviceOrder::bill(order.id, customer_no, inquiry));
        if lose {
            self.devices[device].link.lose_next_answer();
        }
        self.push(device).await;
    }

    /// A counter asks for a deposit by virtual account (or asks again under the same id).
    pub async fn deposit(&mut self, device: usize, id: DepositId, amount: i64, lose: bool) {
        if !self.deposits.iter().any(|(_, d, _)| *d == id) {
            self.deposits.push((device, id, amount));
        }
        if lose {
            self.devices[device].link.lose_next_answer();
        }
        let engine = self.devices[device].engine.clone();
        let asked = engine
            .request_deposit(
                id,
                konter_domain::money::Rupiah::from_idr(amount),
                konter_domain::api::v1::DepositMethod::Va,
                Some("bca"),
            )
            .await;
        self.gather();
        self.after_crash(device);
        match asked {
            Ok(d) => self.note(format!("counter {device} deposit {id}: {:?}", d.status)),
            Err(e) => self.note(format!("counter {device} deposit {id} not made: {e}")),
        }
    }

    /// A customer pays a pending deposit the server gave a counter, or lets it expire.
    pub async fn finish_deposit(&mut self, pay: bool) -> anyhow::Result<()> {
        let now = self.clock.now();
        let pending: Vec<String> = self.model.with_gateway(|gw, _| {
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
            .with_gateway(|gw, _| gw.finish(&pick, if pay { "settlement" } else { "expire" }, now));
        self.gather();
        Ok(())
    }

    /// Midtrans sends the notifications due now; one the server does not take with a 200
    /// is sent again later, a few times at most. `mangle` duplicates them and adds forged
    /// and stale ones.
    pub async fn deliver_notifications(&mut self, mangle: bool) {
        let now = self.clock.now();
        let due = self.model.with_gateway(|gw, _| gw.due(now));
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
                    self.model.with_gateway(|gw, _| gw.outbox.push(n));
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

    /// A counter sends what its outbox holds; a crash of the counter meanwhile reopens its
    /// engine from its files.
    pub async fn push(&mut self, device: usize) {
        let result = self.devices[device].engine.push().await;
        self.gather();
        match result {
            Ok((sent, rejected)) if sent + rejected > 0 => {
                self.note(format!("counter {device} sent {sent}, refused {rejected}"));
            }
            Ok(_) => {}
            Err(e) => self.note(format!("counter {device} could not send: {e}")),
        }
        self.after_crash(device);
    }

    /// A counter reads the change feed.
    pub async fn pull(&mut self, device: usize) {
        let result = self.devices[device].engine.pull(0).await;
        self.gather();
        if let Err(e) = result {
            self.note(format!("counter {device} could not read changes: {e}"));
        }
        self.after_crash(device);
    }

    fn after_crash(&mut self, device: usize) {
        if self.devices[device].link.take_crash() {
            self.note(format!("counter {device} restarts"));
            if let Err(e) = self.devices[device].crash() {
                self.broken
                    .push(format!("counter {device} could not restart: {e}"));
            }
        }
    }

    /// Every counter sends its outbox and reads the feed.
    pub async fn sync_counters(&mut self) {
        for d in 0..self.devices.len() {
            self.push(d).await;
            self.pull(d).await;
        }
    }

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
        self.model.with_gateway(|g, _| g.faults = gw);
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

/// What one seed did.
#[derive(Debug, Default)]
pub struct SeedReport {
    pub orders: usize,
    /// Its events, for `--trace`.
    pub trace: Vec<String>,
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
    world.gather();
    if problems.is_empty() {
        Ok(Ok(SeedReport {
            orders,
            trace: world.trace,
        }))
    } else {
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
