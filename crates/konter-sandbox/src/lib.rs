//! konter-sandbox: simulators of the outside parties Konter talks to — Midtrans, Digiflazz
//! and IAK — built from their published contracts, as `docs/suppliers.md` records them, and
//! from no Konter code, so they cannot share our bugs. It must never depend on a Konter
//! crate, and never be pointed at real money: its keys are its own and every purchase is
//! make-believe.
//!
//! Every request is kept in a log that tests read (`GET /_sandbox/requests`), and every
//! webhook sent in another (`GET /_sandbox/webhooks`). Admin actions (a customer paying a VA,
//! a supplier refunding, fault switches) live under `/_sandbox/…`.

pub mod catalogue;
pub mod digiflazz;
pub mod faults;
pub mod iak;
pub mod ledger;
mod lifecycle;
pub mod midtrans;
pub mod rules;
pub mod sign;
pub mod webhooks;

use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

/// Most requests kept in the log; older ones are dropped so a long demo cannot grow
/// without bound.
pub const MAX_LOGGED_REQUESTS: usize = 10_000;
/// Largest request body the supplier endpoints read. Their real requests are a few hundred
/// bytes; 64 KiB leaves room for odd clients while refusing anything absurd.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// How long a pending purchase waits before it settles and its webhook goes out, unless
/// `--pending-delay-ms` says otherwise: long enough to see "pending" in the demo, short
/// enough not to bore anyone.
pub const DEFAULT_PENDING_DELAY_MS: u64 = 3_000;
/// The longest pending delay accepted: ten minutes is past any reconciliation interval a
/// test would wait for, and a bound keeps a typo from parking purchases for days.
pub const MAX_PENDING_DELAY_MS: u64 = 600_000;

/// The two suppliers whose faults and books are kept apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Api {
    Digiflazz,
    Iak,
}

impl Api {
    pub fn name(self) -> &'static str {
        match self {
            Api::Digiflazz => "digiflazz",
            Api::Iak => "iak",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Settings {
    /// Where webhooks go: the Konter server's base URL (`http://127.0.0.1:8080`).
    pub webhook_base: Option<String>,
    pub midtrans_server_key: String,
    /// How long pending purchases stay pending (ms).
    pub pending_delay_ms: u64,
    pub digiflazz_username: String,
    pub digiflazz_dev_key: String,
    pub digiflazz_prod_key: String,
    /// Signs Digiflazz webhooks; empty sends them unsigned, as Digiflazz does without one.
    pub digiflazz_webhook_secret: String,
    /// Least time between two full Digiflazz price lists per key (ms); 0 turns the rc 83
    /// limit off. Digiflazz's own is 5 minutes.
    pub pricelist_interval_ms: u64,
    pub iak_username: String,
    pub iak_dev_key: String,
    pub iak_prod_key: String,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            webhook_base: None,
            midtrans_server_key: midtrans::DEFAULT_SERVER_KEY.into(),
            pending_delay_ms: DEFAULT_PENDING_DELAY_MS,
            digiflazz_username: digiflazz::DEFAULT_USERNAME.into(),
            digiflazz_dev_key: digiflazz::DEFAULT_DEV_KEY.into(),
            digiflazz_prod_key: digiflazz::DEFAULT_PROD_KEY.into(),
            digiflazz_webhook_secret: digiflazz::DEFAULT_WEBHOOK_SECRET.into(),
            pricelist_interval_ms: 0,
            iak_username: iak::DEFAULT_USERNAME.into(),
            iak_dev_key: iak::DEFAULT_DEV_KEY.into(),
            iak_prod_key: iak::DEFAULT_PROD_KEY.into(),
        }
    }
}

/// One request the sandbox received.
#[derive(Clone, Debug, Serialize)]
pub struct LoggedRequest {
    pub api: &'static str,
    pub method: String,
    pub path: String,
    pub body: serde_json::Value,
}

#[derive(Clone)]
pub struct Sandbox {
    pub settings: Arc<Settings>,
    pub log: Arc<Mutex<Vec<LoggedRequest>>>,
    pub midtrans: Arc<Mutex<midtrans::Ledger>>,
    pub digiflazz: Arc<Mutex<ledger::Books>>,
    pub iak: Arc<Mutex<ledger::Books>>,
    pub faults: Arc<Mutex<faults::Faults>>,
    pub webhooks: Arc<Mutex<Vec<webhooks::SentWebhook>>>,
    pub http: reqwest::Client,
}

/// Locks `m`, carrying on after a panic elsewhere: the simulator's state stays usable for
/// the tests that are still running.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Sandbox {
    pub fn new(settings: Settings) -> Sandbox {
        Sandbox {
            settings: Arc::new(settings),
            log: Arc::default(),
            midtrans: Arc::default(),
            digiflazz: Arc::new(Mutex::new(ledger::Books::new(
                Api::Digiflazz,
                digiflazz::DEV_OPENING_BALANCE_IDR,
                digiflazz::PROD_OPENING_BALANCE_IDR,
            ))),
            iak: Arc::new(Mutex::new(ledger::Books::new(
                Api::Iak,
                iak::DEV_OPENING_BALANCE_IDR,
                iak::PROD_OPENING_BALANCE_IDR,
            ))),
            faults: Arc::default(),
            webhooks: Arc::default(),
            http: reqwest::Client::new(),
        }
    }

    pub fn record(&self, api: &'static str, method: &str, path: &str, body: serde_json::Value) {
        let mut log = lock(&self.log);
        if log.len() >= MAX_LOGGED_REQUESTS {
            log.remove(0);
        }
        log.push(LoggedRequest {
            api,
            method: method.to_owned(),
            path: path.to_owned(),
            body,
        });
    }

    pub(crate) fn books(&self, api: Api) -> MutexGuard<'_, ledger::Books> {
        match api {
            Api::Digiflazz => lock(&self.digiflazz),
            Api::Iak => lock(&self.iak),
        }
    }

    pub(crate) fn pending_delay_ms(&self) -> u64 {
        self.settings.pending_delay_ms.min(MAX_PENDING_DELAY_MS)
    }
}

pub fn router(sandbox: Sandbox) -> Router {
    Router::new()
        .nest("/midtrans", midtrans::routes())
        .nest(
            "/digiflazz/v1",
            digiflazz::routes().layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        )
        .nest(
            "/iak/api",
            iak::routes().layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        )
        .route("/_sandbox/requests", get(requests).delete(clear_requests))
        .route(
            "/_sandbox/webhooks",
            get(webhooks::list).delete(webhooks::clear),
        )
        .merge(midtrans::admin_routes())
        .merge(faults::admin_routes())
        .merge(digiflazz::admin_routes())
        .merge(iak::admin_routes())
        .with_state(sandbox)
}

async fn requests(State(s): State<Sandbox>) -> Json<Vec<LoggedRequest>> {
    Json(lock(&s.log).clone())
}

async fn clear_requests(State(s): State<Sandbox>) -> Json<Vec<LoggedRequest>> {
    lock(&s.log).clear();
    Json(Vec::new())
}
