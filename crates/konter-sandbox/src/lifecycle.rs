//! The path every supplier request takes (log it, apply request faults, do the work, run what
//! the work scheduled, answer), the timers that settle pending purchases and send their
//! webhooks, and the admin calls both suppliers share.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::ledger::{Key, Purchase};
use crate::rules::{Final, Status};
use crate::{Api, Sandbox, digiflazz, faults, iak, lock};

pub(crate) type Fields = Map<String, Value>;

/// The request body as a JSON object (if it is one) and as the log should show it.
fn parse(body: &[u8]) -> (Option<Fields>, Value) {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => (Some(m.clone()), Value::Object(m)),
        Ok(other) => (None, other),
        Err(_) => (
            None,
            Value::String(String::from_utf8_lossy(body).into_owned()),
        ),
    }
}

/// Work a request leaves for after its books are unlocked.
pub(crate) enum Then {
    /// Settle a pending purchase after the delay, then send its webhook.
    Settle {
        key: Key,
        ref_id: String,
        to: Final,
        delay_ms: u64,
    },
    /// Send the purchase's current state after the delay.
    Notify {
        key: Key,
        ref_id: String,
        delay_ms: u64,
    },
    /// Send the purchase's current state before the answer goes out (a race IAK allows).
    NotifyBeforeAnswer { key: Key, ref_id: String },
}

pub(crate) struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub then: Vec<Then>,
}

impl Reply {
    pub fn new(status: StatusCode, body: Value) -> Reply {
        Reply {
            status,
            body,
            then: Vec::new(),
        }
    }
}

/// Serves one supplier request: `work` runs on the parsed body (`None` if it is not a JSON
/// object) with no lock held by the caller.
pub(crate) async fn serve(
    s: &Sandbox,
    api: Api,
    path: &str,
    body: &[u8],
    work: impl FnOnce(Option<&Fields>) -> Reply,
) -> Response {
    let (fields, logged) = parse(body);
    s.record(api.name(), "POST", path, logged);
    let f = lock(&s.faults).for_request(api);
    if f.http_500 {
        return faults::server_error(f).await;
    }
    let reply = work(fields.as_ref());
    for then in reply.then {
        if let Then::NotifyBeforeAnswer { key, ref_id } = &then {
            notify_current(s, api, *key, ref_id).await;
        } else {
            let s = s.clone();
            tokio::spawn(async move { run(&s, api, then).await });
        }
    }
    faults::answer(f, reply.status, reply.body).await
}

async fn run(s: &Sandbox, api: Api, then: Then) {
    match then {
        Then::Settle {
            key,
            ref_id,
            to,
            delay_ms,
        } => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            let settled = s.books(api).settle(key, &ref_id, to);
            if let Some(p) = settled {
                notify(s, api, &p).await;
            }
        }
        Then::Notify {
            key,
            ref_id,
            delay_ms,
        } => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            notify_current(s, api, key, &ref_id).await;
        }
        Then::NotifyBeforeAnswer { key, ref_id } => notify_current(s, api, key, &ref_id).await,
    }
}

async fn notify_current(s: &Sandbox, api: Api, key: Key, ref_id: &str) {
    let current = s.books(api).get(key, ref_id).cloned();
    if let Some(p) = current {
        notify(s, api, &p).await;
    }
}

async fn notify(s: &Sandbox, api: Api, p: &Purchase) {
    match api {
        Api::Digiflazz => digiflazz::notify(s, p).await,
        Api::Iak => iak::notify(s, p).await,
    }
}

// Admin calls shared by both suppliers.

#[derive(Deserialize)]
pub(crate) struct KeyQuery {
    key: Option<Key>,
}

type AdminReply = (StatusCode, Json<Value>);

fn admin_error(status: StatusCode, message: &str) -> AdminReply {
    (status, Json(json!({ "error": message })))
}

fn state_name(status: Status) -> &'static str {
    match status {
        Status::Pending(_) => "pending",
        Status::Success => "success",
        Status::Failed(crate::rules::Failure::Refunded) => "refunded",
        Status::Failed(_) => "failed",
    }
}

fn view(p: &Purchase) -> Value {
    json!({
        "ref_id": p.ref_id,
        "key": p.key,
        "state": state_name(p.status),
        "sn": p.sn,
        "price_idr": p.price_idr,
        "balance_idr": p.balance_after_idr,
    })
}

/// The key a purchase lives under: the one asked for, or the only one that has it.
fn find_key(s: &Sandbox, api: Api, ref_id: &str, q: &KeyQuery) -> Result<Key, AdminReply> {
    let keys = s.books(api).keys_of(ref_id);
    match (q.key, keys.as_slice()) {
        (Some(k), _) if keys.contains(&k) => Ok(k),
        (None, [k]) => Ok(*k),
        (None, [_, _]) => Err(admin_error(
            StatusCode::CONFLICT,
            "this ref_id exists under both keys; add ?key=dev or ?key=prod",
        )),
        _ => Err(admin_error(StatusCode::NOT_FOUND, "no such purchase")),
    }
}

/// The admin routes both prepaid APIs share, under `/_sandbox/<api>/`: refund a success,
/// send its webhook again, set the deposit balance.
pub(crate) fn shared_admin_routes(api: Api) -> Router<Sandbox> {
    let at = |tail: &str| format!("/_sandbox/{}/{tail}", api.name());
    Router::new()
        .route(
            &at("{ref_id}/refund"),
            post(move |State(s), Path(r), Query(q)| admin_refund(s, api, r, q)),
        )
        .route(
            &at("{ref_id}/notify"),
            post(move |State(s), Path(r), Query(q)| admin_notify(s, api, r, q)),
        )
        .route(
            &at("balance"),
            post(move |State(s): State<Sandbox>, body: Bytes| async move {
                admin_balance(&s, api, &body)
            }),
        )
}

/// A late refund of a success, with its webhook.
pub(crate) async fn admin_refund(s: Sandbox, api: Api, ref_id: String, q: KeyQuery) -> AdminReply {
    let key = match find_key(&s, api, &ref_id, &q) {
        Ok(k) => k,
        Err(e) => return e,
    };
    let refunded = s.books(api).refund(key, &ref_id);
    match refunded {
        Ok(p) => {
            notify(&s, api, &p).await;
            (StatusCode::OK, Json(view(&p)))
        }
        Err(e) => admin_error(StatusCode::CONFLICT, e),
    }
}

/// Settles a pending purchase now (IAK's sandbox-report buttons), with its webhook.
pub(crate) async fn admin_settle(
    s: Sandbox,
    api: Api,
    ref_id: String,
    q: KeyQuery,
    to: Final,
) -> AdminReply {
    let key = match find_key(&s, api, &ref_id, &q) {
        Ok(k) => k,
        Err(e) => return e,
    };
    let settled = s.books(api).settle(key, &ref_id, to);
    match settled {
        Some(p) => {
            notify(&s, api, &p).await;
            (StatusCode::OK, Json(view(&p)))
        }
        None => admin_error(StatusCode::CONFLICT, "the purchase is not pending"),
    }
}

/// Sends the current state's webhook again, as a supplier's retry would.
pub(crate) async fn admin_notify(s: Sandbox, api: Api, ref_id: String, q: KeyQuery) -> AdminReply {
    let key = match find_key(&s, api, &ref_id, &q) {
        Ok(k) => k,
        Err(e) => return e,
    };
    let current = s.books(api).get(key, &ref_id).cloned();
    match current {
        Some(p) => {
            notify(&s, api, &p).await;
            (StatusCode::OK, Json(view(&p)))
        }
        None => admin_error(StatusCode::NOT_FOUND, "no such purchase"),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SetBalance {
    key: Key,
    balance_idr: i64,
}

/// Sets a key's balance, e.g. low enough to provoke "insufficient balance".
pub(crate) fn admin_balance(s: &Sandbox, api: Api, body: &[u8]) -> AdminReply {
    let req = match serde_json::from_slice::<SetBalance>(body) {
        Ok(r) => r,
        Err(e) => return admin_error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    match s.books(api).set_balance(req.key, req.balance_idr) {
        Ok(b) => (
            StatusCode::OK,
            Json(json!({ "key": req.key, "balance_idr": b })),
        ),
        Err(e) => admin_error(StatusCode::BAD_REQUEST, e),
    }
}
