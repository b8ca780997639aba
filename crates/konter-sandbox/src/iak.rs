//! IAK (Mobilepulsa) prepaid API v2 (docs/suppliers.md, "IAK"), under `/iak/api`:
//! `check-balance`, `pricelist[/:type[/:operator]]`, `top-up`, `check-status`, `inquiry-pln`,
//! `inquiry-game`.
//! JSON POSTs signed `md5(username + api_key + X)`, answers wrapped in `data`, always HTTP
//! 200 (ours: IAK reports errors in `rc`).
//!
//! A top-up always answers PROCESS first (status 0, rc 39); the result comes by callback to
//! `{webhook_base}/hooks/iak` with every value a string and `sign = md5(username + api_key +
//! ref_id)` in the body. A re-posted ref_id is a status check, whatever else the body says
//! (IAK's documented behaviour).
//!
//! Two keys, as IAK's two hosts: the development key behaves like IAK's sandbox
//! (docs/suppliers.md, "IAK: callbacks" and "IAK: sandbox test data"): top-ups stay PROCESS
//! until `POST /_sandbox/iak/{ref_id}/success` or `/failed` (the "sandbox report" buttons),
//! and only the documented inquiry test data succeeds. The production key follows the
//! simulator's last-digit rules and calls back by itself.
//!
//! Admin: `/_sandbox/iak/{ref_id}/success|failed|refund|notify`,
//! `POST /_sandbox/iak/balance {"key":"prod","balance_idr":N}`.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};

use crate::catalogue::{self, Game, Kind, PRODUCTS, Product};
use crate::faults::Effect;
use crate::ledger::{Key, NewPurchase, Purchase, Refusal};
use crate::lifecycle::{self, Fields, Reply, Then};
use crate::rules::{self, Failure, Final, Plan, Status, Waiting};
use crate::sign::{md5_sign, same};
use crate::webhooks::{self, Outgoing};
use crate::{Api, Sandbox, lock};

/// IAK usernames are the account's registered phone number.
pub const DEFAULT_USERNAME: &str = "081211112222";
/// The sandbox's keys say what they are, so nobody takes them for real ones.
pub const DEFAULT_DEV_KEY: &str = "konter-sandbox-iak-dev-not-a-real-key";
pub const DEFAULT_PROD_KEY: &str = "konter-sandbox-iak-not-a-real-key";
/// IAK's sandbox examples show balances near a billion rupiah.
pub const DEV_OPENING_BALANCE_IDR: i64 = 1_000_000_000;
/// As Digiflazz's: enough for a long demo; tests lower it with the balance admin call.
pub const PROD_OPENING_BALANCE_IDR: i64 = 10_000_000;
/// Longest string field read: far above any real ref_id or customer id.
pub const MAX_FIELD_CHARS: usize = 100;
/// An outcome the rules call "at once" is settled immediately but its callback waits this
/// long, so it lands after the PROCESS answer as it does at IAK (unless the out-of-order
/// fault asks for the race).
pub const CALLBACK_LAG_MS: u64 = 200;
/// The inquiry test data of IAK's sandbox (docs/suppliers.md, "IAK: sandbox test data").
const SANDBOX_PLN_ID: &str = "12345678901";
const SANDBOX_GAME_CODE: &str = "103";
const SANDBOX_GAME_ID: &str = "156378300|8483";

pub fn routes() -> Router<Sandbox> {
    Router::new()
        .route("/check-balance", post(check_balance))
        .route(
            "/pricelist",
            post(|State(s), body: Bytes| pricelist(s, None, None, body)),
        )
        .route(
            "/pricelist/{type}",
            post(|State(s), Path(t): Path<String>, body: Bytes| pricelist(s, Some(t), None, body)),
        )
        .route(
            "/pricelist/{type}/{operator}",
            post(
                |State(s), Path((t, op)): Path<(String, String)>, body: Bytes| {
                    pricelist(s, Some(t), Some(op), body)
                },
            ),
        )
        .route("/top-up", post(top_up))
        .route("/check-status", post(check_status))
        .route("/inquiry-pln", post(inquiry_pln))
        .route("/inquiry-game", post(inquiry_game))
}

pub fn admin_routes() -> Router<Sandbox> {
    const API: Api = Api::Iak;
    let failed = Final::Failed(Failure::Failed);
    Router::new()
        .route(
            "/_sandbox/iak/{ref_id}/success",
            post(|State(s), Path(r), Query(q)| {
                lifecycle::admin_settle(s, API, r, q, Final::Success)
            }),
        )
        .route(
            "/_sandbox/iak/{ref_id}/failed",
            post(move |State(s), Path(r), Query(q)| lifecycle::admin_settle(s, API, r, q, failed)),
        )
        .merge(lifecycle::shared_admin_routes(API))
}

/// A request refused before any purchase exists.
struct Rejection {
    rc: &'static str,
    message: &'static str,
}

const BAD_FORMAT: Rejection = Rejection {
    rc: "107",
    message: "ERROR IN XML FORMAT",
};
const WRONG_AUTH: Rejection = Rejection {
    rc: "204",
    message: "WRONG AUTHENTICATION",
};
const CODE_NOT_FOUND: Rejection = Rejection {
    rc: "20",
    message: "CODE NOT FOUND",
};

fn rejected(r: Rejection) -> Reply {
    Reply::new(
        StatusCode::OK,
        json!({"data": {"status": 2, "message": r.message, "rc": r.rc}}),
    )
}

fn fields(f: Option<&Fields>) -> Result<&Fields, Rejection> {
    f.ok_or(BAD_FORMAT)
}

fn text<'a>(f: &'a Fields, name: &str) -> Result<&'a str, Rejection> {
    match f.get(name).and_then(Value::as_str) {
        Some(v) if !v.is_empty() && v.chars().count() <= MAX_FIELD_CHARS => Ok(v),
        _ => Err(BAD_FORMAT),
    }
}

fn key_of(s: &Sandbox, key: Key) -> &str {
    match key {
        Key::Dev => &s.settings.iak_dev_key,
        Key::Prod => &s.settings.iak_prod_key,
    }
}

fn authenticate(s: &Sandbox, f: &Fields, suffix: &str) -> Result<Key, Rejection> {
    let username = text(f, "username")?;
    let sign = text(f, "sign")?;
    if username != s.settings.iak_username {
        return Err(WRONG_AUTH);
    }
    [Key::Prod, Key::Dev]
        .into_iter()
        .find(|k| same(sign, &md5_sign(username, key_of(s, *k), suffix)))
        .ok_or(WRONG_AUTH)
}

async fn check_balance(State(s): State<Sandbox>, body: Bytes) -> Response {
    lifecycle::serve(&s, Api::Iak, "/api/check-balance", &body, |f| {
        let run = || -> Result<Reply, Rejection> {
            let key = authenticate(&s, fields(f)?, "bl")?;
            let balance = s.books(Api::Iak).balance_idr(key);
            Ok(Reply::new(
                StatusCode::OK,
                json!({"data": {"balance": balance, "message": "SUCCESS", "rc": "00"}}),
            ))
        };
        run().unwrap_or_else(rejected)
    })
    .await
}

fn price_item(p: &Product, code: &str) -> Value {
    let active_period = match p.kind {
        Kind::Pulsa(_) | Kind::Data(_) => "30",
        _ => "0",
    };
    json!({
        "product_code": code,
        "product_description": p.brand,
        "product_nominal": p.name,
        "product_details": if p.detail.is_empty() { "-" } else { p.detail },
        "product_price": p.iak_price_idr,
        "product_type": p.iak_type(),
        "active_period": active_period,
        "status": "active",
        "icon_url": "-",
        "product_category": p.iak_type(),
    })
}

async fn pricelist(
    s: Sandbox,
    kind: Option<String>,
    operator: Option<String>,
    body: Bytes,
) -> Response {
    let path = match (&kind, &operator) {
        (Some(t), Some(o)) => format!("/api/pricelist/{t}/{o}"),
        (Some(t), None) => format!("/api/pricelist/{t}"),
        _ => "/api/pricelist".to_owned(),
    };
    lifecycle::serve(&s, Api::Iak, &path, &body, |f| {
        let run = || -> Result<Reply, Rejection> {
            let f = fields(f)?;
            authenticate(&s, f, "pl")?;
            // Every simulated product is active, so only "non active" filters anything out.
            let wanted = match f.get("status").and_then(Value::as_str) {
                None | Some("all" | "active") => true,
                Some("non active") => false,
                Some(_) => return Err(BAD_FORMAT),
            };
            let items: Vec<Value> = PRODUCTS
                .iter()
                .filter(|_| wanted)
                .filter_map(|p| p.iak_code.map(|code| (p, code)))
                .filter(|(p, _)| kind.as_deref().is_none_or(|t| p.iak_type() == t))
                .filter(|(p, _)| operator.as_deref().is_none_or(|o| p.iak_operator() == o))
                .map(|(p, code)| price_item(p, code))
                .collect();
            Ok(Reply::new(StatusCode::OK, json!({"data": items})))
        };
        run().unwrap_or_else(rejected)
    })
    .await
}

/// `(status, rc, message)` for a purchase's state (docs/prepaid/response-code.md).
fn words(status: Status) -> (u8, &'static str, &'static str) {
    match status {
        Status::Pending(Waiting::Normal) => (0, "39", "PROCESS"),
        Status::Pending(Waiting::RouterIssue) => (0, "201", "UNDEFINED RESPONSE CODE"),
        Status::Success => (1, "00", "SUCCESS"),
        Status::Failed(why) => {
            let (rc, message) = match why {
                Failure::Failed => ("07", "FAILED"),
                Failure::WrongNumber | Failure::WrongDigitCount => {
                    ("14", "INCORRECT DESTINATION NUMBER")
                }
                Failure::NumberTooLong => ("203", "NUMBER IS TOO LONG"),
                Failure::PrefixMismatch => ("16", "NUMBER NOT MATCH WITH OPERATOR"),
                Failure::Disrupted => ("106", "PRODUCT IS TEMPORARILY OUT OF SERVICE"),
                Failure::InvalidGameAccount => {
                    ("141", "INVALID USER ID / ZONE ID / SERVER ID / ROLENAME")
                }
                Failure::InvalidUserId => ("142", "INVALID USER ID"),
                // IAK documents no refund code; a refund reads as a failure (ours).
                Failure::Refunded => ("07", "REFUND"),
            };
            (2, rc, message)
        }
    }
}

fn product_code(p: &Purchase) -> &'static str {
    p.product.iak_code.unwrap_or_default()
}

/// The check-status `data`: numbers as numbers, `sn` only on success.
fn status_data(p: &Purchase) -> Value {
    let (status, rc, message) = words(p.status);
    let mut v = json!({
        "ref_id": p.ref_id, "status": status, "product_code": product_code(p),
        "customer_id": p.customer_no, "price": p.price_idr, "message": message,
        "balance": p.balance_after_idr, "tr_id": p.tr_id, "rc": rc,
    });
    if p.status == Status::Success {
        v["sn"] = json!(p.sn);
    }
    v
}

async fn top_up(State(s): State<Sandbox>, body: Bytes) -> Response {
    lifecycle::serve(&s, Api::Iak, "/api/top-up", &body, |f| {
        top_up_work(&s, f).unwrap_or_else(|r| {
            let echo = |name: &str| f.and_then(|f| f.get(name)).cloned().unwrap_or(Value::Null);
            Reply::new(
                StatusCode::OK,
                json!({"data": {"ref_id": echo("ref_id"), "status": 2,
                    "product_code": echo("product_code"), "customer_id": echo("customer_id"),
                    "message": r.message, "rc": r.rc}}),
            )
        })
    })
    .await
}

fn top_up_work(s: &Sandbox, f: Option<&Fields>) -> Result<Reply, Rejection> {
    let f = fields(f)?;
    let ref_id = text(f, "ref_id")?;
    let customer_id = text(f, "customer_id")?;
    let code = text(f, "product_code")?;
    let key = authenticate(s, f, ref_id)?;
    let mut books = s.books(Api::Iak);
    if let Some(p) = books.get(key, ref_id) {
        return Ok(Reply::new(StatusCode::OK, json!({"data": status_data(p)})));
    }
    let product = catalogue::by_iak_code(code).ok_or(CODE_NOT_FOUND)?;
    // IAK's sandbox (the development key) waits for the sandbox-report button: no plan.
    let plan = (key == Key::Prod).then(|| rules::judge(Api::Iak, product, customer_id));
    let initial = match plan {
        Some(Plan::Later { waiting, .. }) => Status::Pending(waiting),
        _ => Status::Pending(Waiting::Normal),
    };
    let opened = books.open(
        NewPurchase {
            key,
            ref_id: ref_id.to_owned(),
            product,
            customer_no: customer_id.to_owned(),
            price_idr: product.iak_price_idr,
            testing: false,
            cb_url: None,
            extra: None,
        },
        initial,
    );
    let p = match opened {
        Ok(p) => p,
        Err(Refusal::Funds) => {
            return Err(Rejection {
                rc: "17",
                message: "INSUFFICIENT DEPOSIT",
            });
        }
        Err(Refusal::Full) => {
            return Err(Rejection {
                rc: "110",
                message: "SYSTEM UNDER MAINTENANCE",
            });
        }
    };
    // Always PROCESS first, whatever happens next.
    let first = Purchase {
        status: Status::Pending(Waiting::Normal),
        ..p.clone()
    };
    let mut reply = Reply::new(StatusCode::OK, json!({"data": status_data(&first)}));
    let Some(plan) = plan else {
        return Ok(reply);
    };
    let race = lock(&s.faults).take(Api::Iak, Effect::OutOfOrderWebhooks);
    let ref_id = p.ref_id;
    let then = match plan {
        Plan::Now(to) => {
            books.settle(key, &ref_id, to);
            if race {
                Then::NotifyBeforeAnswer { key, ref_id }
            } else {
                Then::Notify {
                    key,
                    ref_id,
                    delay_ms: CALLBACK_LAG_MS,
                }
            }
        }
        Plan::Later { then, .. } if race => {
            books.settle(key, &ref_id, then);
            Then::NotifyBeforeAnswer { key, ref_id }
        }
        Plan::Later { then, .. } => Then::Settle {
            key,
            ref_id,
            to: then,
            delay_ms: s.pending_delay_ms(),
        },
    };
    reply.then.push(then);
    Ok(reply)
}

async fn check_status(State(s): State<Sandbox>, body: Bytes) -> Response {
    lifecycle::serve(&s, Api::Iak, "/api/check-status", &body, |f| {
        let run = || -> Result<Reply, Rejection> {
            let f = fields(f)?;
            let ref_id = text(f, "ref_id")?;
            let key = authenticate(&s, f, ref_id)?;
            let books = s.books(Api::Iak);
            let p = books.get(key, ref_id).ok_or(Rejection {
                rc: "06",
                message: "TRANSACTION NOT FOUND",
            })?;
            Ok(Reply::new(StatusCode::OK, json!({"data": status_data(p)})))
        };
        run().unwrap_or_else(rejected)
    })
    .await
}

async fn inquiry_pln(State(s): State<Sandbox>, body: Bytes) -> Response {
    lifecycle::serve(&s, Api::Iak, "/api/inquiry-pln", &body, |f| {
        let run = || -> Result<Reply, Rejection> {
            let f = fields(f)?;
            let id = text(f, "customer_id")?;
            let key = authenticate(&s, f, id)?;
            let found = match key {
                Key::Dev => id == SANDBOX_PLN_ID,
                Key::Prod => {
                    rules::check_number(Api::Iak, Kind::Pln, id).is_ok()
                        && !rules::unknown_customer(id)
                }
            };
            let data = if !found {
                json!({"status": "2", "customer_id": id, "meter_no": "", "subscriber_id": "",
                    "name": "", "segment_power": "", "message": "INCORRECT DESTINATION NUMBER",
                    "rc": "14"})
            } else if key == Key::Dev {
                // The documented sandbox answer.
                json!({"status": "1", "customer_id": id, "meter_no": "548933889287",
                    "subscriber_id": id, "name": "Sintya Oktaviani",
                    "segment_power": "R1 /000001300", "message": "SUCCESS", "rc": "00"})
            } else {
                let m = rules::meter(id);
                json!({"status": "1", "customer_id": id, "meter_no": m.meter_no,
                    "subscriber_id": m.subscriber_id, "name": m.name,
                    "segment_power": m.segment_power(), "message": "SUCCESS", "rc": "00"})
            };
            Ok(Reply::new(StatusCode::OK, json!({"data": data})))
        };
        run().unwrap_or_else(rejected)
    })
    .await
}

async fn inquiry_game(State(s): State<Sandbox>, body: Bytes) -> Response {
    lifecycle::serve(&s, Api::Iak, "/api/inquiry-game", &body, |f| {
        let run = || -> Result<Reply, Rejection> {
            let f = fields(f)?;
            let game_code = text(f, "game_code")?;
            let id = text(f, "customer_id")?;
            let key = authenticate(&s, f, game_code)?;
            let outcome = match key {
                Key::Dev if game_code != SANDBOX_GAME_CODE => Err(CODE_NOT_FOUND),
                Key::Dev if id != SANDBOX_GAME_ID => Err(Rejection {
                    rc: "14",
                    message: "INCORRECT DESTINATION NUMBER",
                }),
                Key::Dev => Ok("budi"),
                Key::Prod => {
                    let game = Game::from_iak_game_code(game_code).ok_or(CODE_NOT_FOUND)?;
                    let check =
                        rules::check_number(Api::Iak, Kind::Game(game), id).and_then(|()| {
                            if rules::unknown_customer(id) {
                                Err(Failure::InvalidUserId)
                            } else {
                                Ok(())
                            }
                        });
                    match check {
                        Ok(()) => Ok(rules::nickname(id)),
                        Err(why) => {
                            let (_, rc, message) = words(Status::Failed(why));
                            Err(Rejection { rc, message })
                        }
                    }
                }
            };
            let data = match outcome {
                Ok(name) => {
                    json!({"username": name, "status": 1, "message": "SUCCESS", "rc": "00"})
                }
                Err(r) => json!({"username": "", "status": 2, "message": r.message, "rc": r.rc}),
            };
            Ok(Reply::new(StatusCode::OK, json!({"data": data})))
        };
        run().unwrap_or_else(rejected)
    })
    .await
}

/// The callback body: every value a string, signed in the body
/// (docs/suppliers.md, "IAK: callbacks").
fn callback(s: &Sandbox, p: &Purchase, bad: bool, stale: bool, url: &str) -> Outgoing {
    let (status, rc, message) = words(p.status);
    let username = &s.settings.iak_username;
    let key = if bad {
        format!("{}-wrong", key_of(s, p.key))
    } else {
        key_of(s, p.key).to_owned()
    };
    let mut data = json!({
        "ref_id": p.ref_id, "status": status.to_string(), "product_code": product_code(p),
        "customer_id": p.customer_no, "price": p.price_idr.to_string(), "message": message,
        "balance": p.balance_after_idr.to_string(), "tr_id": p.tr_id.to_string(), "rc": rc,
        "sign": md5_sign(username, &key, &p.ref_id),
    });
    if p.status == Status::Success {
        data["sn"] = json!(p.sn);
    }
    Outgoing {
        url: url.to_owned(),
        headers: Vec::new(),
        body: json!({ "data": data }).to_string().into_bytes(),
        event: None,
        signature_valid: !bad,
        stale,
    }
}

/// Sends the callback for a settled purchase, bent by the webhook faults. IAK calls back
/// only with success or failed, so a pending purchase sends nothing.
pub(crate) async fn notify(s: &Sandbox, p: &Purchase) {
    const API: Api = Api::Iak;
    if matches!(p.status, Status::Pending(_)) {
        return;
    }
    let Some(base) = s.settings.webhook_base.as_ref() else {
        return;
    };
    let url = format!("{base}/hooks/iak");
    // Only a final state can be replayed late (the success after its refund).
    let stale = p
        .as_before()
        .filter(|old| !matches!(old.status, Status::Pending(_)));
    let (twice, bad, replay) = {
        let mut f = lock(&s.faults);
        let twice = f.take(API, Effect::DuplicateWebhooks);
        let bad = f.take(API, Effect::BadWebhookSignature);
        let replay = stale.is_some() && f.take(API, Effect::OutOfOrderWebhooks);
        (twice, bad, replay)
    };
    let out = callback(s, p, bad, false, &url);
    webhooks::send(s, API, &out).await;
    if twice {
        webhooks::send(s, API, &out).await;
    }
    if let Some(old) = stale.filter(|_| replay) {
        webhooks::send(s, API, &callback(s, &old, bad, true, &url)).await;
    }
}
