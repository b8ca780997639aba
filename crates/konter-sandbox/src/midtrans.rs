//! Midtrans Core API, as far as deposits need it (docs/suppliers.md, "Midtrans"):
//! `POST /v2/charge` (bank_transfer VA or QRIS), `GET /v2/{order_id}/status`, both with
//! `Authorization: Basic base64(server_key + ":")`, and the signed HTTP notification
//! `signature_key = sha512(order_id + status_code + gross_amount + server_key)` sent to
//! `{webhook_base}/hooks/midtrans` when a payment settles or expires.
//!
//! Admin: `POST /_sandbox/midtrans/{order_id}/pay` (the customer pays), `/expire`, and
//! `/notify` (send the current notification again, as Midtrans retries do).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha512};

use crate::Sandbox;

/// The sandbox's server key unless one is given; sandbox keys start with `SB-`.
pub const DEFAULT_SERVER_KEY: &str = "SB-Mid-server-KonterSandbox";
const MERCHANT_ID: &str = "G000000000";
/// Default expiry of a bank transfer: 24 hours (Midtrans' default).
const VA_EXPIRY_H: i64 = 24;
/// QRIS codes expire after 15 minutes.
const QRIS_EXPIRY_MIN: i64 = 15;
const BANKS: [&str; 4] = ["bca", "bni", "bri", "permata"];

#[derive(Clone, Debug)]
pub struct Transaction {
    pub order_id: String,
    pub transaction_id: String,
    /// `"50000.00"`: Midtrans sends amounts as strings with two decimals.
    pub gross_amount: String,
    pub payment_type: String,
    pub bank: Option<String>,
    pub va_number: Option<String>,
    pub qr_string: Option<String>,
    pub status: String,
    pub transaction_time: String,
    pub expiry_time: String,
}

impl Transaction {
    fn status_code(&self) -> &'static str {
        match self.status.as_str() {
            "settlement" | "capture" => "200",
            "pending" => "201",
            _ => "202",
        }
    }

    /// The JSON Midtrans answers and notifies with.
    fn body(&self, server_key: &str) -> Value {
        let code = self.status_code();
        let mut v = json!({
            "status_code": code,
            "status_message": format!("midtrans payment notification"),
            "transaction_id": self.transaction_id,
            "order_id": self.order_id,
            "merchant_id": MERCHANT_ID,
            "gross_amount": self.gross_amount,
            "currency": "IDR",
            "payment_type": self.payment_type,
            "transaction_time": self.transaction_time,
            "transaction_status": self.status,
            "fraud_status": "accept",
            "expiry_time": self.expiry_time,
            "signature_key": signature(&self.order_id, code, &self.gross_amount, server_key),
        });
        match (&self.bank, &self.va_number, &self.qr_string) {
            (Some(bank), Some(va), _) if bank == "permata" => v["permata_va_number"] = json!(va),
            (Some(bank), Some(va), _) => v["va_numbers"] = json!([{"bank": bank, "va_number": va}]),
            (_, _, Some(qr)) => {
                v["qr_string"] = json!(qr);
                v["acquirer"] = json!("gopay");
            }
            _ => {}
        }
        v
    }
}

#[derive(Default)]
pub struct Ledger {
    pub transactions: HashMap<String, Transaction>,
    next_va: u64,
}

/// `sha512(order_id + status_code + gross_amount + server_key)` in hex.
pub fn signature(
    order_id: &str,
    status_code: &str,
    gross_amount: &str,
    server_key: &str,
) -> String {
    hex::encode(Sha512::digest(format!(
        "{order_id}{status_code}{gross_amount}{server_key}"
    )))
}

pub fn routes() -> Router<Sandbox> {
    Router::new()
        .route("/v2/charge", post(charge))
        .route("/v2/{order_id}/status", get(status))
}

pub fn admin_routes() -> Router<Sandbox> {
    Router::new()
        .route("/_sandbox/midtrans/{order_id}/pay", post(pay))
        .route("/_sandbox/midtrans/{order_id}/expire", post(expire))
        .route("/_sandbox/midtrans/{order_id}/notify", post(renotify))
}

fn authorised(s: &Sandbox, headers: &HeaderMap) -> bool {
    use base64_lite::encode;
    let expected = format!(
        "Basic {}",
        encode(format!("{}:", s.settings.midtrans_server_key).as_bytes())
    );
    headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(expected.as_str())
}

fn error(status: StatusCode, code: &str, message: &str) -> (StatusCode, Json<Value>) {
    // Midtrans answers errors with HTTP 200 on some endpoints and the real code in the body;
    // the Core API charge uses the HTTP status too. We send both.
    (
        status,
        Json(json!({"status_code": code, "status_message": message})),
    )
}

fn wib_now() -> String {
    (Utc::now() + TimeDelta::hours(7))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

async fn charge(
    State(s): State<Sandbox>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    s.record("midtrans", "POST", "/v2/charge", body.clone());
    if !authorised(&s, &headers) {
        return error(
            StatusCode::UNAUTHORIZED,
            "401",
            "Access denied due to unauthorized transaction, please check client or server key",
        );
    }
    let order_id = body["transaction_details"]["order_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let Some(amount) = body["transaction_details"]["gross_amount"]
        .as_i64()
        .filter(|a| *a > 0)
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "400",
            "transaction_details.gross_amount is required and must be a positive integer",
        );
    };
    if order_id.is_empty() || order_id.len() > 50 {
        return error(
            StatusCode::BAD_REQUEST,
            "400",
            "transaction_details.order_id is required, at most 50 characters",
        );
    }
    let payment_type = body["payment_type"].as_str().unwrap_or_default().to_owned();
    let mut st = s.midtrans.lock().unwrap_or_else(|p| p.into_inner());
    if st.transactions.contains_key(&order_id) {
        return error(
            StatusCode::from_u16(406).unwrap_or(StatusCode::CONFLICT),
            "406",
            "The request could not be completed due to a conflict with the current state of the target resource, please try again",
        );
    }
    st.next_va += 1;
    let serial = st.next_va;
    let (bank, va, qr, expiry) = match payment_type.as_str() {
        "bank_transfer" => {
            let bank = body["bank_transfer"]["bank"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            if !BANKS.contains(&bank.as_str()) {
                return error(
                    StatusCode::BAD_REQUEST,
                    "400",
                    "bank_transfer.bank must be one of bca, bni, bri, permata",
                );
            }
            let va = format!("8808{serial:011}");
            (Some(bank), Some(va), None, TimeDelta::hours(VA_EXPIRY_H))
        }
        "qris" => {
            let qr = format!(
                "00020101021226620014COM.GO-JEK.WWW011893600914{serial:010}5204599953033605405{amount}.005802ID5912KONTER TEST6007JAKARTA6304ABCD"
            );
            (None, None, Some(qr), TimeDelta::minutes(QRIS_EXPIRY_MIN))
        }
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "400",
                "payment_type must be bank_transfer or qris",
            );
        }
    };
    let tx = Transaction {
        order_id: order_id.clone(),
        transaction_id: uuid::Uuid::now_v7().to_string(),
        gross_amount: format!("{amount}.00"),
        payment_type,
        bank,
        va_number: va,
        qr_string: qr,
        status: "pending".into(),
        transaction_time: wib_now(),
        expiry_time: (Utc::now() + TimeDelta::hours(7) + expiry)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string(),
    };
    let mut answer = tx.body(&s.settings.midtrans_server_key);
    answer["status_message"] = json!("Success, transaction is created");
    if let Some(map) = answer.as_object_mut() {
        map.remove("signature_key");
    }
    st.transactions.insert(order_id, tx);
    (StatusCode::OK, Json(answer))
}

async fn status(
    State(s): State<Sandbox>,
    headers: HeaderMap,
    Path(order_id): Path<String>,
) -> (StatusCode, Json<Value>) {
    s.record(
        "midtrans",
        "GET",
        &format!("/v2/{order_id}/status"),
        Value::Null,
    );
    if !authorised(&s, &headers) {
        return error(
            StatusCode::UNAUTHORIZED,
            "401",
            "Access denied due to unauthorized transaction, please check client or server key",
        );
    }
    let st = s.midtrans.lock().unwrap_or_else(|p| p.into_inner());
    match st.transactions.get(&order_id) {
        Some(tx) => (
            StatusCode::OK,
            Json(tx.body(&s.settings.midtrans_server_key)),
        ),
        None => error(StatusCode::NOT_FOUND, "404", "Transaction doesn't exist."),
    }
}

/// Moves a pending transaction to `to` and sends the notification.
async fn finish(s: &Sandbox, order_id: &str, to: &str) -> (StatusCode, Json<Value>) {
    let body = {
        let mut st = s.midtrans.lock().unwrap_or_else(|p| p.into_inner());
        let Some(tx) = st.transactions.get_mut(order_id) else {
            return error(StatusCode::NOT_FOUND, "404", "no such transaction");
        };
        if tx.status != "pending" {
            return error(
                StatusCode::CONFLICT,
                "409",
                "the transaction is not pending",
            );
        }
        tx.status = to.to_owned();
        tx.body(&s.settings.midtrans_server_key)
    };
    notify(s, body).await
}

async fn notify(s: &Sandbox, body: Value) -> (StatusCode, Json<Value>) {
    let Some(base) = &s.settings.webhook_base else {
        return (
            StatusCode::OK,
            Json(json!({"notified": false, "notification": body})),
        );
    };
    let result = s
        .http
        .post(format!("{base}/hooks/midtrans"))
        .json(&body)
        .send()
        .await;
    let delivered = result.as_ref().map(|r| r.status().as_u16()).unwrap_or(0);
    (
        StatusCode::OK,
        Json(json!({"notified": true, "webhook_status": delivered, "notification": body})),
    )
}

async fn pay(State(s): State<Sandbox>, Path(order_id): Path<String>) -> (StatusCode, Json<Value>) {
    finish(&s, &order_id, "settlement").await
}

async fn expire(
    State(s): State<Sandbox>,
    Path(order_id): Path<String>,
) -> (StatusCode, Json<Value>) {
    finish(&s, &order_id, "expire").await
}

async fn renotify(
    State(s): State<Sandbox>,
    Path(order_id): Path<String>,
) -> (StatusCode, Json<Value>) {
    let body = {
        let st = s.midtrans.lock().unwrap_or_else(|p| p.into_inner());
        match st.transactions.get(&order_id) {
            Some(tx) => tx.body(&s.settings.midtrans_server_key),
            None => return error(StatusCode::NOT_FOUND, "404", "no such transaction"),
        }
    };
    notify(&s, body).await
}

/// Base64 for the Basic auth header, written out so the simulator shares no encoder with
/// the server it checks.
mod base64_lite {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn encode(input: &[u8]) -> String {
        let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
        for chunk in input.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(TABLE[((n >> (18 - 6 * i)) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn encodes_like_rfc4648() {
            assert_eq!(
                super::encode(b"SB-Mid-server-x:"),
                "U0ItTWlkLXNlcnZlci14Og=="
            );
            assert_eq!(super::encode(b"ab"), "YWI=");
            assert_eq!(super::encode(b"abc"), "YWJj");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_reference_vectors() {
        // docs/suppliers.md, "Test vectors".
        assert_eq!(
            signature(
                "1111",
                "200",
                "100000",
                "askvnoibnosifnboseofinbofinfgbiufglnbfg"
            ),
            "5f363520e86c10c2ea14074cd09dc1d67299633558abe291ded95a16908f9ec5071e982c289c3333bcbcfe62dd8e78ae4c3d3bd92191707ba2e91f7169d8411a"
        );
        assert_eq!(
            signature("ORDER-1", "200", "50000.00", "SB-Mid-server-TEST"),
            "4e240cd98df89af7225a863f891b9c39efe34991329ac55f59154c7fb476990e4953aee11e5272e19c247c8f99b5d1dd95fe4401ba5860fa3ce3f3ff29d34bf9"
        );
    }
}
