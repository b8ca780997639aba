//! Supplier webhooks. A bad signature is 401 and changes nothing; a duplicate or late
//! webhook is answered 200 and changes nothing either (see [`crate::fulfil::webhook`]). An
//! IAK callback is never taken at its word ([`crate::fulfil::wake_up`]).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use super::error::{ApiFailure, ApiResult};
use super::extract::parse_json;
use crate::App;
use crate::fulfil;
use crate::store::Store;
use crate::suppliers::{Asked, Call, digiflazz, iak, redact};

fn bad_signature() -> ApiFailure {
    ApiFailure::new(
        StatusCode::UNAUTHORIZED,
        "bad_signature",
        "tanda tangan webhook tidak sah",
        "the webhook signature is not valid",
        Some("signature"),
    )
}

fn missing_ref() -> ApiFailure {
    ApiFailure::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "missing_field",
        "'data.ref_id' wajib diisi",
        "'data.ref_id' is required",
        Some("data.ref_id"),
    )
}

fn webhook_call(data: &Value) -> Call {
    Call {
        operation: "webhook",
        request: redact(data),
        ..Call::default()
    }
}

/// `POST /hooks/digiflazz`: `X-Hub-Signature: sha1=<hex HMAC-SHA1(raw body, secret)>`.
pub async fn digiflazz<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let Some(d) = &app.suppliers.digiflazz else {
        return Err(ApiFailure::not_found("pemasok", "supplier"));
    };
    let signature = headers.get("x-hub-signature").and_then(|v| v.to_str().ok());
    if !digiflazz::verify_webhook(d.webhook_secret(), &body, signature) {
        crate::alarms::note_bad_signature(&app, "digiflazz").await;
        return Err(bad_signature());
    }
    let v: Value = parse_json(&body)?;
    let data = &v["data"];
    let ref_id = data["ref_id"].as_str().ok_or_else(missing_ref)?;
    // A webhook is not the reply to a purchase: a refusal in it never means "nothing bought".
    let outcome = digiflazz::classify_data(Asked::Status, data);
    let ours =
        fulfil::webhook(&app, digiflazz::NAME, ref_id, &outcome, &webhook_call(data)).await?;
    Ok(Json(json!({"status": "ok", "known": ours})))
}

/// `POST /hooks/iak`: `{"data": {..., "sign": md5(username + api_key + ref_id)}}`.
pub async fn iak<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let Some(i) = &app.suppliers.iak else {
        return Err(ApiFailure::not_found("pemasok", "supplier"));
    };
    let v: Value = parse_json(&body)?;
    let data = &v["data"];
    let ref_id = data["ref_id"].as_str().ok_or_else(missing_ref)?;
    let sign = data["sign"].as_str().unwrap_or_default();
    if !i.verify_callback(ref_id, sign) {
        crate::alarms::note_bad_signature(&app, "iak").await;
        return Err(bad_signature());
    }
    // The sign is the same for every callback of this ref_id and covers neither the status
    // nor the price: the callback only wakes the order up, and IAK's status answer counts.
    let said = iak::classify_data(Asked::Status, data).class();
    let ours = fulfil::wake_up(&app, iak::NAME, ref_id, said, &webhook_call(data)).await?;
    Ok(Json(json!({"status": "ok", "known": ours})))
}
