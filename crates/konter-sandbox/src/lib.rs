//! konter-sandbox: simulators of the outside parties Konter talks to — Midtrans today,
//! Digiflazz and IAK next — built from `shared/reference/suppliers.md` and nothing of
//! Konter's own, so they cannot share our bugs.
//!
//! Every request is kept in a log that tests read (`GET /_sandbox/requests`). Admin actions
//! (a customer paying a VA, an expiry) live under `/_sandbox/…`.

pub mod midtrans;

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

/// Most requests kept in the log; older ones are dropped so a long demo cannot grow
/// without bound.
pub const MAX_LOGGED_REQUESTS: usize = 10_000;

#[derive(Clone, Debug)]
pub struct Settings {
    /// Where webhooks go: the Konter server's base URL (`http://127.0.0.1:8080`).
    pub webhook_base: Option<String>,
    pub midtrans_server_key: String,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            webhook_base: None,
            midtrans_server_key: midtrans::DEFAULT_SERVER_KEY.into(),
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
    pub http: reqwest::Client,
}

impl Sandbox {
    pub fn new(settings: Settings) -> Sandbox {
        Sandbox {
            settings: Arc::new(settings),
            log: Arc::default(),
            midtrans: Arc::default(),
            http: reqwest::Client::new(),
        }
    }

    pub fn record(&self, api: &'static str, method: &str, path: &str, body: serde_json::Value) {
        let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
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
}

pub fn router(sandbox: Sandbox) -> Router {
    Router::new()
        .nest("/midtrans", midtrans::routes())
        .route("/_sandbox/requests", get(requests))
        .merge(midtrans::admin_routes())
        .with_state(sandbox)
}

async fn requests(State(s): State<Sandbox>) -> Json<Vec<LoggedRequest>> {
    Json(s.log.lock().unwrap_or_else(|p| p.into_inner()).clone())
}
