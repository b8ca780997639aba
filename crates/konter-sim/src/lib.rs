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
mod hooks;
pub mod model;
mod schedule;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use chrono::{DateTime, Utc};
use counter::{Device, SimLink};
use hmac::{Hmac, Mac};
use http_body_util::BodyExt;
use konter_client::token::TokenStore;
use konter_domain::catalogue::Tier;
use konter_domain::ids::{DepositId, OrderId};
use konter_server::App;
use konter_server::auth::{hash_secret, new_pairing_code};
use konter_server::catalogue_file::CatalogueFile;
use konter_server::clock::Clock;
use konter_server::config::{Config, Digiflazz, Iak, Secret};
use konter_server::fulfil::Fulfiller;
use konter_server::store::{Attempt, PgStore, SqliteStore, Store, StoredOrder};
use konter_server::suppliers::Suppliers;
use model::Model;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
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
pub struct Server<S> {
    pub app: App<S>,
    pub router: Router,
    pub workers: Vec<Arc<Fulfiller<S>>>,
}

/// Everything one seed runs.
pub struct World<S: SimStore = SqliteStore> {
    pub seed: u64,
    pub rng: StdRng,
    pub clock: Clock,
    pub model: Model,
    pub server: Server<S>,
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

/// A store the simulation can run the server on: SQLite (the default) or PostgreSQL.
pub trait SimStore: Store + Clone + 'static {
    /// Opens and migrates the store at `url`.
    fn open_at(url: &str) -> impl std::future::Future<Output = anyhow::Result<Self>> + Send;
}

impl SimStore for SqliteStore {
    async fn open_at(url: &str) -> anyhow::Result<SqliteStore> {
        let store = SqliteStore::open(url).await?;
        store.migrate().await?;
        Ok(store)
    }
}

impl SimStore for PgStore {
    async fn open_at(url: &str) -> anyhow::Result<PgStore> {
        let store = PgStore::open(url).await?;
        store.migrate().await?;
        Ok(store)
    }
}

async fn start_server<S: SimStore>(
    db_url: &str,
    clock: &Clock,
    model: &Model,
) -> anyhow::Result<Server<S>> {
    let store = S::open_at(db_url).await?;
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

impl World<SqliteStore> {
    /// A fresh world on SQLite: a server with the simulation's catalogue, `shops` shops with
    /// `devices_per_shop` paired counters each and Rp`saldo` of saldo.
    pub async fn new(
        seed: u64,
        shops: usize,
        devices_per_shop: usize,
        saldo: i64,
    ) -> anyhow::Result<World> {
        World::build(seed, shops, devices_per_shop, saldo, None).await
    }
}

impl<S: SimStore> World<S> {
    /// A fresh world whose server keeps its data at `db_url` (an empty database), or in a
    /// SQLite file of its own when `None`.
    pub async fn build(
        seed: u64,
        shops: usize,
        devices_per_shop: usize,
        saldo: i64,
        db_url: Option<String>,
    ) -> anyhow::Result<World<S>> {
        let clock = Clock::manual(epoch());
        let model = Model::new(clock.clone(), seed);
        let dir = temp_dir()?;
        let db_url = db_url
            .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("server.db").display()));
        let server = start_server::<S>(&db_url, &clock, &model).await?;
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
            .pair("http://localhost", &code, &format!("Kasir {d}"))
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
    pub(crate) fn gather(&mut self) {
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
}

/// What one seed did.
#[derive(Debug, Default)]
pub struct SeedReport {
    pub orders: usize,
    /// Its events, for `--trace`.
    pub trace: Vec<String>,
}

/// Where a seed's server keeps its data.
#[derive(Clone, Debug, Default)]
pub enum Backend {
    /// A SQLite file of the seed's own.
    #[default]
    Sqlite,
    /// A database of the seed's own on the PostgreSQL server at `admin_url` (created, then
    /// dropped).
    Postgres { admin_url: String },
}

/// Runs one seed on SQLite: `events` random events, then settling and the checks.
pub async fn run_seed(seed: u64, events: usize) -> anyhow::Result<Result<SeedReport, Violation>> {
    run_seed_on(seed, events, &Backend::Sqlite).await
}

/// Runs one seed with its server on `backend`.
pub async fn run_seed_on(
    seed: u64,
    events: usize,
    backend: &Backend,
) -> anyhow::Result<Result<SeedReport, Violation>> {
    match backend {
        Backend::Sqlite => run::<SqliteStore>(seed, events, None).await,
        Backend::Postgres { admin_url } => {
            let name = format!("sim_{seed}_{}", uuid::Uuid::now_v7().simple());
            let admin = sqlx::PgPool::connect(admin_url).await?;
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&admin)
                .await?;
            let base = admin_url
                .rsplit_once('/')
                .map_or(admin_url.as_str(), |(b, _)| b);
            let result = run::<PgStore>(seed, events, Some(format!("{base}/{name}"))).await;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&admin)
                .await?;
            admin.close().await;
            result
        }
    }
}

async fn run<S: SimStore>(
    seed: u64,
    events: usize,
    db_url: Option<String>,
) -> anyhow::Result<Result<SeedReport, Violation>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let shops = rng.random_range(1..=2);
    let devices = rng.random_range(1..=2);
    let saldo = [60_000, 150_000, 500_000][rng.random_range(0..3)];
    let mut world = World::<S>::build(seed, shops, devices, saldo, db_url).await?;
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
