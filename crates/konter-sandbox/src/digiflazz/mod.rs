//! Digiflazz buyer API (docs/suppliers.md, "Digiflazz"), under `/digiflazz/v1`: `cek-saldo`,
//! `price-list`, `deposit`, `transaction` (a re-post of the same ref_id is the status check)
//! and `inquiry-pln`. Every call is a JSON POST signed `md5(username + key + X)`; every answer
//! is wrapped in `data`; rc 40–49 come back with HTTP 400, everything else with 200.
//!
//! Two keys: the development key only works with `testing: true` and only for the test SKU
//! `xld10` (docs/suppliers.md, "Digiflazz: development mode and test numbers"); the
//! production key must not send `testing: true` (ours: a leftover testing flag in production
//! should fail loudly). Each key has its own balance and books.
//!
//! Webhooks (docs/suppliers.md, "Digiflazz: webhooks") go to the request's `cb_url`, else
//! `{webhook_base}/hooks/digiflazz`: `X-Digiflazz-Event: update`,
//! `User-Agent: Digiflazz-Hookshot`, `X-Hub-Signature: sha1=<hmac-sha1(body, secret)>`, body
//! `{"data":{…}}` as the answer.
//!
//! Admin: `POST /_sandbox/digiflazz/{ref_id}/refund` (rc 74 after a Sukses),
//! `/{ref_id}/notify` (send again), `POST /_sandbox/digiflazz/deposits/{notes}/pay`,
//! `POST /_sandbox/digiflazz/balance {"key":"prod","balance_idr":N}`.

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};

use crate::catalogue::{self, DIGIFLAZZ_TEST_SKU, PRODUCTS, Product};
use crate::faults::Effect;
use crate::ledger::{Books, Key, NewPurchase, Purchase, Refusal};
use crate::lifecycle::{self, Fields, Reply, Then};
use crate::rules::{self, Failure, Plan, Status, Waiting};
use crate::sign::{hub_signature, md5_sign, same};
use crate::webhooks::{self, Outgoing};
use crate::{Api, Sandbox, lock};

mod deposit;
pub mod pasca;

pub use deposit::{MAX_DEPOSIT_IDR, MIN_DEPOSIT_IDR};

pub const DEFAULT_USERNAME: &str = "kontersandbox";
/// Development keys start with `dev-` (docs/suppliers.md, "Digiflazz: transport, keys and
/// errors"). The sandbox's keys say what they are, so nobody takes them for real ones.
pub const DEFAULT_DEV_KEY: &str = "dev-konter-sandbox-not-a-real-key";
pub const DEFAULT_PROD_KEY: &str = "konter-sandbox-digiflazz-not-a-real-key";
pub const DEFAULT_WEBHOOK_SECRET: &str = "konter-sandbox-digiflazz-secret";
/// The doc's example answers `buyer_last_saldo 990000` after a 10,000 test purchase.
pub const DEV_OPENING_BALANCE_IDR: i64 = 1_000_000;
/// Enough for a long demo of a busy konter; tests lower it with the balance admin call.
pub const PROD_OPENING_BALANCE_IDR: i64 = 10_000_000;
/// Longest string field read. Digiflazz publishes no limit; 100 is far above any real
/// ref_id or customer number and keeps the books' keys small.
pub const MAX_FIELD_CHARS: usize = 100;
const TELE: &str = "@kontersandbox";
const WA: &str = "081200000000";

pub fn routes() -> Router<Sandbox> {
    Router::new()
        .route("/cek-saldo", post(cek_saldo))
        .route("/price-list", post(price_list))
        .route("/deposit", post(deposit::deposit))
        .route("/transaction", post(transaction))
        .route("/inquiry-pln", post(inquiry_pln))
}

pub fn admin_routes() -> Router<Sandbox> {
    const API: Api = Api::Digiflazz;
    lifecycle::shared_admin_routes(API).route(
        "/_sandbox/digiflazz/deposits/{notes}/pay",
        post(deposit::pay_ticket),
    )
}

/// A request refused before any purchase exists.
pub(crate) struct Rejection {
    rc: &'static str,
    message: String,
}

pub(crate) fn reject(rc: &'static str, message: &str) -> Rejection {
    Rejection {
        rc,
        message: message.to_owned(),
    }
}

pub(crate) fn payload_error(what: &str) -> Rejection {
    reject("40", &format!("Payload Error: {what}"))
}

/// rc 40–49 are request-level rejections, which Digiflazz answers with HTTP 400
/// (docs/suppliers.md, "Digiflazz: transport, keys and errors").
pub(crate) fn http_for(rc: &str) -> StatusCode {
    if rc.len() == 2 && rc.starts_with('4') {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    }
}

/// `{"data":{"rc","message"}}`, the error shape of the account endpoints.
fn short_rejection(r: Rejection) -> Reply {
    Reply::new(
        http_for(r.rc),
        json!({"data": {"rc": r.rc, "message": r.message}}),
    )
}

pub(crate) fn text<'a>(f: &'a Fields, name: &str) -> Result<&'a str, Rejection> {
    match f.get(name).and_then(Value::as_str) {
        Some(v) if !v.is_empty() && v.chars().count() <= MAX_FIELD_CHARS => Ok(v),
        _ => Err(payload_error(&format!(
            "{name} is required, a string of 1..={MAX_FIELD_CHARS} characters"
        ))),
    }
}

/// The `testing` flag of a transaction (absent = false).
pub(crate) fn testing_flag(f: &Fields) -> Result<bool, Rejection> {
    match f.get("testing") {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(payload_error("testing must be a boolean")),
    }
}

pub(crate) fn fields(f: Option<&Fields>) -> Result<&Fields, Rejection> {
    f.ok_or_else(|| payload_error("the body must be a JSON object"))
}

/// Checks the username and which key signed `suffix`.
pub(crate) fn authenticate(s: &Sandbox, f: &Fields, suffix: &str) -> Result<Key, Rejection> {
    let username = text(f, "username")?;
    let sign = text(f, "sign")?;
    let cfg = &s.settings;
    if username != cfg.digiflazz_username {
        return Err(reject(
            "42",
            "Username salah, tidak dapat memproses API Buyer",
        ));
    }
    if same(sign, &md5_sign(username, &cfg.digiflazz_prod_key, suffix)) {
        Ok(Key::Prod)
    } else if same(sign, &md5_sign(username, &cfg.digiflazz_dev_key, suffix)) {
        Ok(Key::Dev)
    } else {
        Err(reject("41", "Signature Anda salah"))
    }
}

async fn cek_saldo(State(s): State<Sandbox>, body: Bytes) -> Response {
    lifecycle::serve(&s, Api::Digiflazz, "/v1/cek-saldo", &body, |f| {
        let run = || -> Result<Reply, Rejection> {
            let f = fields(f)?;
            if f.get("cmd").and_then(Value::as_str) != Some("deposit") {
                return Err(payload_error("cmd must be \"deposit\""));
            }
            let key = authenticate(&s, f, "depo")?;
            let balance = s.books(Api::Digiflazz).balance_idr(key);
            Ok(Reply::new(
                StatusCode::OK,
                json!({"data": {"deposit": balance}}),
            ))
        };
        run().unwrap_or_else(short_rejection)
    })
    .await
}

fn price_item(p: &Product) -> Value {
    json!({
        "product_name": p.name,
        "category": p.digiflazz_category(),
        "brand": p.brand,
        "type": "Umum",
        "seller_name": "KONTER SANDBOX",
        "price": p.digiflazz_price_idr,
        "buyer_sku_code": p.digiflazz_code,
        "buyer_product_status": true,
        "seller_product_status": true,
        "unlimited_stock": true,
        "stock": 0,
        "multi": true,
        "start_cut_off": "00:00",
        "end_cut_off": "00:00",
        "desc": p.digiflazz_desc(),
    })
}

async fn price_list(State(s): State<Sandbox>, body: Bytes) -> Response {
    lifecycle::serve(&s, Api::Digiflazz, "/v1/price-list", &body, |f| {
        let run = || -> Result<Reply, Rejection> {
            let f = fields(f)?;
            let cmd = f.get("cmd").and_then(Value::as_str).unwrap_or_default();
            if cmd != "prepaid" && cmd != "pasca" {
                return Err(payload_error("cmd must be \"prepaid\" or \"pasca\""));
            }
            let key = authenticate(&s, f, "pricelist")?;
            let mut filters = Vec::new();
            for name in ["code", "category", "brand", "type"] {
                match f.get(name) {
                    None | Some(Value::Null) => {}
                    Some(Value::String(v)) => filters.push((name, v.to_lowercase())),
                    Some(_) => return Err(payload_error(&format!("{name} must be a string"))),
                }
            }
            if filters.is_empty() && !rate_allows(&s, key) {
                return Ok(short_rejection(reject(
                    "83",
                    "Anda telah mencapai limitasi pengecekan pricelist, silahkan coba beberapa saat lagi",
                )));
            }
            if cmd == "pasca" {
                return Ok(Reply::new(StatusCode::OK, json!({"data": pasca::price_list(&filters)})));
            }
            let items: Vec<Value> = PRODUCTS
                .iter()
                // The test SKU belongs to development mode only.
                .filter(|p| p.digiflazz_code != DIGIFLAZZ_TEST_SKU || key == Key::Dev)
                .filter(|p| {
                    filters.iter().all(|(name, want)| {
                        let have = match *name {
                            "code" => p.digiflazz_code,
                            "category" => p.digiflazz_category(),
                            "brand" => p.brand,
                            _ => "Umum",
                        };
                        have.to_lowercase() == *want
                    })
                })
                .map(price_item)
                .collect();
            Ok(Reply::new(StatusCode::OK, json!({"data": items})))
        };
        run().unwrap_or_else(short_rejection)
    })
    .await
}

/// Whether `key` may fetch the full list now (rc 83 otherwise), when the limit is on.
fn rate_allows(s: &Sandbox, key: Key) -> bool {
    let interval = Duration::from_millis(s.settings.pricelist_interval_ms);
    if interval.is_zero() {
        return true;
    }
    let mut books = s.books(Api::Digiflazz);
    let slot = &mut books.pricelist_at[key.index()];
    if slot.is_some_and(|at| at.elapsed() < interval) {
        return false;
    }
    *slot = Some(Instant::now());
    true
}

/// `(rc, status, message)` for a purchase's state.
pub(crate) fn words(status: Status) -> (&'static str, &'static str, &'static str) {
    match status {
        Status::Pending(Waiting::Normal) => ("03", "Pending", "Transaksi Pending"),
        Status::Pending(Waiting::RouterIssue) => ("99", "Pending", "DF Router Issue"),
        Status::Success => ("00", "Sukses", "Transaksi Sukses"),
        Status::Failed(why) => {
            let (rc, message) = match why {
                Failure::Failed => ("02", "Transaksi Gagal"),
                Failure::WrongNumber | Failure::InvalidGameAccount | Failure::InvalidUserId => {
                    ("54", "Nomor Tujuan Salah")
                }
                Failure::WrongDigitCount | Failure::NumberTooLong => {
                    ("57", "Jumlah Digit Kurang Atau Lebih")
                }
                Failure::PrefixMismatch => ("52", "Prefix Tidak Sesuai Operator"),
                Failure::Disrupted => ("55", "Produk Sedang Gangguan"),
                Failure::Refunded => ("74", "Transaksi Refund"),
            };
            (rc, "Gagal", message)
        }
    }
}

/// The `data` of a transaction answer, status check and webhook
/// (docs/suppliers.md, "Digiflazz: transaction answer").
pub(crate) fn purchase_data(p: &Purchase) -> Value {
    let (rc, status, message) = words(p.status);
    let mut data = json!({
        "ref_id": p.ref_id,
        "customer_no": p.customer_no,
        "buyer_sku_code": p.product.digiflazz_code,
        "message": message,
        "status": status,
        "rc": rc,
        "sn": p.sn,
        "buyer_last_saldo": p.balance_after_idr,
        "price": p.price_idr,
        "tele": TELE,
        "wa": WA,
    });
    // A bill payment repeats its inquiry's fields (customer name, amounts, `desc`).
    if let (Some(extra), Value::Object(out)) = (&p.extra, &mut data) {
        for (k, v) in extra {
            out.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    data
}

async fn transaction(State(s): State<Sandbox>, body: Bytes) -> Response {
    lifecycle::serve(&s, Api::Digiflazz, "/v1/transaction", &body, |f| {
        let echo = |f: Option<&Fields>, name: &str| {
            f.and_then(|f| f.get(name)).cloned().unwrap_or(Value::Null)
        };
        match transact(&s, f) {
            Ok(reply) => reply,
            Err((r, balance)) => Reply::new(
                http_for(r.rc),
                json!({"data": {
                    "ref_id": echo(f, "ref_id"), "customer_no": echo(f, "customer_no"),
                    "buyer_sku_code": echo(f, "buyer_sku_code"), "message": r.message,
                    "status": "Gagal", "rc": r.rc, "sn": "", "buyer_last_saldo": balance,
                    "price": 0}}),
            ),
        }
    })
    .await
}

/// A prepaid top-up or its status check; a rejection carries the balance when the key is
/// known (0 otherwise).
fn transact(s: &Sandbox, f: Option<&Fields>) -> Result<Reply, (Rejection, i64)> {
    let f = fields(f).map_err(|r| (r, 0))?;
    if f.contains_key("commands") {
        return pasca::transact(s, f);
    }
    let read = || -> Result<_, Rejection> {
        let sku = text(f, "buyer_sku_code")?;
        let customer_no = text(f, "customer_no")?;
        let ref_id = text(f, "ref_id")?;
        let testing = testing_flag(f)?;
        let max_price = match f.get("max_price") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                v.as_i64()
                    .ok_or_else(|| payload_error("max_price must be an integer"))?,
            ),
        };
        let cb_url = match f.get("cb_url") {
            None | Some(Value::Null) => None,
            Some(_) => Some(text(f, "cb_url")?.to_owned()),
        };
        Ok((sku, customer_no, ref_id, testing, max_price, cb_url))
    };
    let (sku, customer_no, ref_id, testing, max_price, cb_url) = read().map_err(|r| (r, 0))?;
    let key = authenticate(s, f, ref_id).map_err(|r| (r, 0))?;
    // A development key without the testing flag, or a production key with it, fails the
    // way Digiflazz fails a key/mode mix-up: as a bad signature
    // (docs/suppliers.md, "Digiflazz: development mode and test numbers").
    if (key == Key::Dev) != testing {
        return Err((reject("41", "Signature Anda salah"), 0));
    }
    let mut books = s.books(Api::Digiflazz);
    let balance = books.balance_idr(key);
    if let Some(p) = books.get(key, ref_id) {
        if p.product.digiflazz_code == sku && p.customer_no == customer_no {
            return Ok(Reply::new(
                StatusCode::OK,
                json!({"data": purchase_data(p)}),
            ));
        }
        return Err((reject("49", "Ref ID tidak unik"), balance));
    }
    if testing && sku != DIGIFLAZZ_TEST_SKU {
        // Development mode knows only the test SKU and answers anything else like this
        // (docs/suppliers.md, "Digiflazz: development mode and test numbers").
        return Err((reject("41", "Signature Anda salah"), balance));
    }
    let Some(product) = catalogue::by_digiflazz_code(sku) else {
        return Err((reject("43", "SKU Tidak di Temukan atau Non-Aktif"), balance));
    };
    let price = product.digiflazz_price_idr;
    if max_price.is_some_and(|m| m < price) {
        return Err((
            reject("69", "Harga Seller lebih besar dari ketentuan harga Buyer"),
            balance,
        ));
    }
    let plan = rules::judge(Api::Digiflazz, product, customer_no);
    let new = NewPurchase {
        key,
        ref_id: ref_id.to_owned(),
        product,
        customer_no: customer_no.to_owned(),
        price_idr: price,
        testing,
        cb_url,
        extra: None,
    };
    open_purchase(s, &mut books, new, plan)
}

/// Opens a purchase (prepaid or a bill payment) as `plan` says and answers it: refused with
/// rc 44 when the balance is short and rc 62 when the books are full; a pending one is
/// settled later by the lifecycle.
pub(crate) fn open_purchase(
    s: &Sandbox,
    books: &mut Books,
    new: NewPurchase,
    plan: Plan,
) -> Result<Reply, (Rejection, i64)> {
    let key = new.key;
    let balance = books.balance_idr(key);
    let status = match plan {
        Plan::Now(to) => to.into(),
        Plan::Later { waiting, .. } => Status::Pending(waiting),
    };
    let p = match books.open(new, status) {
        Ok(p) => p,
        Err(Refusal::Funds) => return Err((reject("44", "Saldo tidak cukup"), balance)),
        Err(Refusal::Full) => {
            return Err((reject("62", "Seller sedang mengalami gangguan"), balance));
        }
    };
    let mut reply = Reply::new(StatusCode::OK, json!({"data": purchase_data(&p)}));
    if let Plan::Later { then, .. } = plan {
        reply.then.push(Then::Settle {
            key,
            ref_id: p.ref_id,
            to: then,
            delay_ms: s.pending_delay_ms(),
        });
    }
    Ok(reply)
}

async fn inquiry_pln(State(s): State<Sandbox>, body: Bytes) -> Response {
    lifecycle::serve(&s, Api::Digiflazz, "/v1/inquiry-pln", &body, |f| {
        let run = || -> Result<Reply, Rejection> {
            let f = fields(f)?;
            let customer_no = text(f, "customer_no")?;
            authenticate(&s, f, customer_no)?;
            let failure = rules::check_number(Api::Digiflazz, catalogue::Kind::Pln, customer_no)
                .err()
                .or_else(|| rules::unknown_customer(customer_no).then_some(Failure::WrongNumber));
            if let Some(why) = failure {
                let (rc, status, message) = words(Status::Failed(why));
                return Ok(Reply::new(
                    StatusCode::OK,
                    json!({"data": {"message": message, "status": status, "rc": rc,
                        "customer_no": customer_no, "meter_no": "", "subscriber_id": "",
                        "name": "", "segment_power": ""}}),
                ));
            }
            let m = rules::meter(customer_no);
            Ok(Reply::new(
                StatusCode::OK,
                json!({"data": {"message": "Transaksi Sukses", "status": "Sukses", "rc": "00",
                    "customer_no": customer_no, "meter_no": m.meter_no,
                    "subscriber_id": m.subscriber_id, "name": m.name,
                    "segment_power": m.segment_power()}}),
            ))
        };
        run().unwrap_or_else(short_rejection)
    })
    .await
}

fn outgoing(
    s: &Sandbox,
    url: &str,
    p: &Purchase,
    event: &'static str,
    bad: bool,
    stale: bool,
) -> Outgoing {
    let body = json!({"data": purchase_data(p)}).to_string().into_bytes();
    // Postpaid webhooks come from their own hookshot (docs/suppliers.md, "Digiflazz: webhooks").
    let agent = if p.product.kind == catalogue::Kind::Bill {
        "Digiflazz-Pasca-Hookshot"
    } else {
        "Digiflazz-Hookshot"
    };
    let mut headers = vec![
        ("X-Digiflazz-Event", event.to_owned()),
        ("User-Agent", agent.to_owned()),
    ];
    let secret = &s.settings.digiflazz_webhook_secret;
    // Digiflazz signs only when a secret is set (docs/suppliers.md, "Digiflazz: webhooks").
    if !secret.is_empty() {
        let key = if bad {
            format!("{secret}-wrong")
        } else {
            secret.clone()
        };
        headers.push(("X-Hub-Signature", hub_signature(&body, &key)));
    }
    Outgoing {
        url: url.to_owned(),
        headers,
        body,
        event: Some(event),
        signature_valid: !bad,
        stale,
    }
}

/// Sends the `update` webhook for `p`, bent by the webhook faults.
pub(crate) async fn notify(s: &Sandbox, p: &Purchase) {
    const API: Api = Api::Digiflazz;
    let base = s.settings.webhook_base.as_ref();
    let Some(url) = p
        .cb_url
        .clone()
        .or_else(|| base.map(|b| format!("{b}/hooks/digiflazz")))
    else {
        return;
    };
    let stale = p.as_before();
    let (twice, bad, replay) = {
        let mut f = lock(&s.faults);
        let twice = f.take(API, Effect::DuplicateWebhooks);
        let bad = f.take(API, Effect::BadWebhookSignature);
        let replay = stale.is_some() && f.take(API, Effect::OutOfOrderWebhooks);
        (twice, bad, replay)
    };
    let out = outgoing(s, &url, p, "update", bad, false);
    webhooks::send(s, API, &out).await;
    if twice {
        webhooks::send(s, API, &out).await;
    }
    if let Some(old) = stale.filter(|_| replay) {
        // The state before, arriving late: a Pending is the original `create` event.
        let event = if matches!(old.status, Status::Pending(_)) {
            "create"
        } else {
            "update"
        };
        webhooks::send(s, API, &outgoing(s, &url, &old, event, bad, true)).await;
    }
}
