//! Fault switches: the ways a real supplier misbehaves, turned on by a test.
//!
//! `POST /_sandbox/faults` adds rules, `GET` lists them, `DELETE` removes them all. A body
//! names one or more effects, optionally an `api` (`"digiflazz"` or `"iak"`; both if absent)
//! and a `count` (how many uses before the rule expires; forever if absent):
//!
//! ```json
//! {"api": "digiflazz", "count": 1, "delay_ms": 1500, "drop_after_commit": true,
//!  "http_500": true, "malformed_json": true, "duplicate_webhooks": true,
//!  "out_of_order_webhooks": true, "bad_webhook_signature": true}
//! ```
//!
//! Each effect becomes its own rule. Request effects count supplier API requests; webhook
//! effects count webhook deliveries they change. Midtrans and admin calls are never faulted.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::{Api, Sandbox, lock};

/// Most rules at once; a test sets a few, and a cap keeps a runaway script from growing
/// the list (every request walks it).
pub const MAX_RULES: usize = 64;
/// Longest injected delay: two minutes outlasts any client timeout Konter uses, yet a
/// forgotten switch cannot stall a test run for long.
pub const MAX_FAULT_DELAY_MS: u64 = 120_000;
/// Largest `count`; beyond this a test means "forever" and should leave `count` out.
pub const MAX_FAULT_COUNT: u32 = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "effect")]
pub enum Effect {
    /// Answer this much later; the request is processed (and committed) first.
    Delay { delay_ms: u64 },
    /// Process and commit, then drop the connection without an answer.
    DropAfterCommit,
    /// Answer 500 without processing anything.
    #[serde(rename = "http_500")]
    Http500,
    /// Process and commit, then answer with cut-off JSON.
    MalformedJson,
    /// Send every webhook twice.
    DuplicateWebhooks,
    /// Digiflazz: follow a webhook with a stale one for the state before it (the Pending
    /// after the Sukses, the Sukses after the refund). IAK: send the callback before the
    /// top-up's PROCESS answer, and the stale success after a refund.
    OutOfOrderWebhooks,
    /// Sign webhooks with the wrong secret.
    BadWebhookSignature,
}

impl Effect {
    fn on_requests(self) -> bool {
        matches!(
            self,
            Effect::Delay { .. }
                | Effect::DropAfterCommit
                | Effect::Http500
                | Effect::MalformedJson
        )
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Rule {
    pub id: u64,
    pub api: Option<Api>,
    /// Uses left; `None` lasts until `DELETE /_sandbox/faults`.
    pub remaining: Option<u32>,
    #[serde(flatten)]
    pub effect: Effect,
}

#[derive(Default)]
pub struct Faults {
    rules: Vec<Rule>,
    next_id: u64,
}

/// The request effects that apply to one request.
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestFaults {
    pub delay_ms: u64,
    pub drop_after_commit: bool,
    pub http_500: bool,
    pub malformed_json: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Switches {
    api: Option<Api>,
    count: Option<u32>,
    delay_ms: Option<u64>,
    #[serde(default)]
    drop_after_commit: bool,
    #[serde(default)]
    http_500: bool,
    #[serde(default)]
    malformed_json: bool,
    #[serde(default)]
    duplicate_webhooks: bool,
    #[serde(default)]
    out_of_order_webhooks: bool,
    #[serde(default)]
    bad_webhook_signature: bool,
}

impl Faults {
    fn applies(rule: &Rule, api: Api) -> bool {
        rule.api.is_none_or(|a| a == api) && rule.remaining != Some(0)
    }

    fn use_once(rule: &mut Rule) {
        if let Some(n) = rule.remaining.as_mut() {
            *n = n.saturating_sub(1);
        }
    }

    fn expire(&mut self) {
        self.rules.retain(|r| r.remaining != Some(0));
    }

    /// Takes one use of every request rule for `api` and says what they do together.
    pub fn for_request(&mut self, api: Api) -> RequestFaults {
        let mut f = RequestFaults::default();
        for rule in &mut self.rules {
            if !Self::applies(rule, api) || !rule.effect.on_requests() {
                continue;
            }
            Self::use_once(rule);
            match rule.effect {
                Effect::Delay { delay_ms } => f.delay_ms = f.delay_ms.max(delay_ms),
                Effect::DropAfterCommit => f.drop_after_commit = true,
                Effect::Http500 => f.http_500 = true,
                Effect::MalformedJson => f.malformed_json = true,
                _ => {}
            }
        }
        self.expire();
        f
    }

    /// Whether a webhook rule with `effect` is on for `api`, taking one use if so.
    pub fn take(&mut self, api: Api, effect: Effect) -> bool {
        let hit = self
            .rules
            .iter_mut()
            .find(|r| r.effect == effect && Self::applies(r, api));
        let taken = hit.map(Self::use_once).is_some();
        self.expire();
        taken
    }

    /// Whether a webhook rule with `effect` is on for `api`, without using it.
    pub fn is_on(&self, api: Api, effect: Effect) -> bool {
        self.rules
            .iter()
            .any(|r| r.effect == effect && Self::applies(r, api))
    }

    fn add(&mut self, s: Switches) -> Result<(), String> {
        if let Some(count) = s.count
            && !(1..=MAX_FAULT_COUNT).contains(&count)
        {
            return Err(format!(
                "count must be 1..={MAX_FAULT_COUNT}, or absent for no limit"
            ));
        }
        let mut effects = Vec::new();
        if let Some(delay_ms) = s.delay_ms {
            if delay_ms > MAX_FAULT_DELAY_MS {
                return Err(format!("delay_ms must be at most {MAX_FAULT_DELAY_MS}"));
            }
            effects.push(Effect::Delay { delay_ms });
        }
        for (on, effect) in [
            (s.drop_after_commit, Effect::DropAfterCommit),
            (s.http_500, Effect::Http500),
            (s.malformed_json, Effect::MalformedJson),
            (s.duplicate_webhooks, Effect::DuplicateWebhooks),
            (s.out_of_order_webhooks, Effect::OutOfOrderWebhooks),
            (s.bad_webhook_signature, Effect::BadWebhookSignature),
        ] {
            if on {
                effects.push(effect);
            }
        }
        if effects.is_empty() {
            return Err("name at least one effect".into());
        }
        if self.rules.len() + effects.len() > MAX_RULES {
            return Err(format!(
                "at most {MAX_RULES} rules; DELETE /_sandbox/faults first"
            ));
        }
        for effect in effects {
            self.next_id += 1;
            self.rules.push(Rule {
                id: self.next_id,
                api: s.api,
                remaining: s.count,
                effect,
            });
        }
        Ok(())
    }
}

pub fn admin_routes() -> Router<Sandbox> {
    Router::new().route("/_sandbox/faults", get(list).post(set).delete(reset))
}

fn rules_json(f: &Faults) -> Json<Value> {
    Json(json!({ "rules": f.rules }))
}

async fn list(State(s): State<Sandbox>) -> Json<Value> {
    rules_json(&lock(&s.faults))
}

async fn set(State(s): State<Sandbox>, body: Bytes) -> (StatusCode, Json<Value>) {
    let parsed = serde_json::from_slice::<Switches>(&body).map_err(|e| e.to_string());
    let mut faults = lock(&s.faults);
    match parsed.and_then(|sw| faults.add(sw)) {
        Ok(()) => (StatusCode::OK, rules_json(&faults)),
        Err(e) => (StatusCode::BAD_REQUEST, Json(json!({ "error": e }))),
    }
}

async fn reset(State(s): State<Sandbox>) -> Json<Value> {
    let mut faults = lock(&s.faults);
    faults.rules.clear();
    rules_json(&faults)
}

/// The 500 a broken gateway in front of the supplier would send, after any delay.
pub async fn server_error(f: RequestFaults) -> Response {
    tokio::time::sleep(Duration::from_millis(f.delay_ms)).await;
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/html")],
        "<html><head><title>500 Internal Server Error</title></head><body><center><h1>500 Internal Server Error</h1></center></body></html>",
    )
        .into_response()
}

/// Sends `body` as the answer, bent by the request faults.
pub async fn answer(f: RequestFaults, status: StatusCode, body: Value) -> Response {
    tokio::time::sleep(Duration::from_millis(f.delay_ms)).await;
    if f.drop_after_commit {
        // A body that fails before its first byte makes the server abandon the connection,
        // so the client sees it close with no answer, as when a proxy times out.
        let failing = futures_util::stream::once(async {
            Err::<Bytes, std::io::Error>(std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "sandbox fault: connection dropped after commit",
            ))
        });
        return Response::new(Body::from_stream(failing));
    }
    if f.malformed_json {
        let text = body.to_string();
        let mut cut = text.len() / 2;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        return (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            text[..cut].to_owned(),
        )
            .into_response();
    }
    (status, Json(body)).into_response()
}
