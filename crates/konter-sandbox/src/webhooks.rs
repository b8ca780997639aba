//! Sending webhooks and keeping a log of them (`GET /_sandbox/webhooks`, `DELETE` clears),
//! so a test can see what went out even when its receiver rejected it.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use chrono::Utc;
use serde::Serialize;
use serde_json::Value;

use crate::{Api, Sandbox, lock};

/// Most webhooks kept in the log, for the same reason as the request log's bound.
pub const MAX_LOGGED_WEBHOOKS: usize = 10_000;
/// How long a receiver may take to answer. Ten seconds is Digiflazz-like patience and keeps
/// a hung receiver from piling up tasks.
pub const WEBHOOK_TIMEOUT_MS: u64 = 10_000;

/// One webhook as it was sent.
#[derive(Clone, Debug, Serialize)]
pub struct SentWebhook {
    pub api: Api,
    pub url: String,
    /// Digiflazz's `X-Digiflazz-Event`; `None` for IAK.
    pub event: Option<String>,
    pub body: Value,
    /// The receiver's HTTP status; 0 when it could not be reached.
    pub http_status: u16,
    /// False when the bad-signature fault signed it wrongly.
    pub signature_valid: bool,
    /// True for the replayed old state an out-of-order fault sends.
    pub stale: bool,
    pub sent_at: String,
}

/// A webhook ready to go: exact body bytes and headers.
pub struct Outgoing {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    pub event: Option<&'static str>,
    pub signature_valid: bool,
    pub stale: bool,
}

/// Posts `out` once and logs it; returns the receiver's status (0 if unreachable).
pub async fn send(s: &Sandbox, api: Api, out: &Outgoing) -> u16 {
    let mut req = s
        .http
        .post(&out.url)
        .timeout(Duration::from_millis(WEBHOOK_TIMEOUT_MS))
        .header("Content-Type", "application/json")
        .body(out.body.clone());
    for (name, value) in &out.headers {
        req = req.header(*name, value);
    }
    let status = match req.send().await {
        Ok(r) => r.status().as_u16(),
        Err(e) => {
            tracing::warn!(url = %out.url, error = %e, "webhook not delivered");
            0
        }
    };
    let mut log = lock(&s.webhooks);
    if log.len() >= MAX_LOGGED_WEBHOOKS {
        log.remove(0);
    }
    log.push(SentWebhook {
        api,
        url: out.url.clone(),
        event: out.event.map(str::to_owned),
        body: serde_json::from_slice(&out.body).unwrap_or(Value::Null),
        http_status: status,
        signature_valid: out.signature_valid,
        stale: out.stale,
        sent_at: Utc::now().to_rfc3339(),
    });
    status
}

pub async fn list(State(s): State<Sandbox>) -> Json<Vec<SentWebhook>> {
    Json(lock(&s.webhooks).clone())
}

pub async fn clear(State(s): State<Sandbox>) -> Json<Vec<SentWebhook>> {
    lock(&s.webhooks).clear();
    Json(Vec::new())
}
