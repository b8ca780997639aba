//! The Midtrans adapter (Core API; docs/suppliers.md, "Midtrans"): charges for saldo
//! deposits, the status API, and the notification signature.
//!
//! A charge's Midtrans `order_id` is derived from the deposit id, so a retried deposit
//! request charges the same order: Midtrans refuses a second charge of an order id (406),
//! and we then read the existing charge back through the status API instead of creating
//! another.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use konter_domain::api::v1::DepositMethod;
use konter_domain::ids::DepositId;
use konter_domain::money::Rupiah;
use serde_json::{Value, json};
use sha2::{Digest, Sha512};

use crate::config::{Midtrans as MidtransConfig, Secret};
use crate::suppliers::Transport;

/// A gateway call that takes longer than this is abandoned; the device retries the deposit
/// request with the same id, which is safe (see the module docs).
const TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Clone)]
pub struct Midtrans {
    base_url: String,
    server_key: Secret,
    transport: Arc<dyn Transport>,
}

/// What a charge gives the customer to pay with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Charge {
    pub va_number: Option<String>,
    pub bank: Option<String>,
    pub qr_string: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// The gateway's view of a transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub transaction_status: String,
    pub fraud_status: Option<String>,
    pub gross_amount: Option<String>,
    pub charge: Charge,
}

impl Status {
    /// Paid: `settlement`, or a card `capture` whose fraud check accepted it.
    pub fn is_paid(&self) -> bool {
        self.transaction_status == "settlement"
            || (self.transaction_status == "capture"
                && self.fraud_status.as_deref() == Some("accept"))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("the gateway could not be reached: {0}")]
    Unreachable(String),
    #[error("the gateway refused: {status} {message}")]
    Refused { status: u16, message: String },
    #[error("the gateway's answer could not be read: {0}")]
    Malformed(String),
}

/// `DEP-` and the deposit id's 32 hex digits: 36 characters, inside Midtrans' 50.
pub fn gateway_order_id(id: DepositId) -> String {
    format!("DEP-{}", id.as_uuid().simple())
}

/// `sha512(order_id + status_code + gross_amount + server_key)`, hex.
pub fn signature(
    order_id: &str,
    status_code: &str,
    gross_amount: &str,
    server_key: &str,
) -> String {
    hex::encode(Sha512::digest(
        format!("{order_id}{status_code}{gross_amount}{server_key}").as_bytes(),
    ))
}

/// Compares in time independent of where the strings differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Midtrans writes times in WIB (UTC+7) without a zone: `2025-01-01 10:00:00`.
fn parse_wib(text: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .ok()
        .map(|t| t.and_utc() - TimeDelta::hours(7))
}

fn charge_from(v: &Value) -> Charge {
    let (bank, va) = if let Some(va) = v["va_numbers"].get(0) {
        (va["bank"].as_str(), va["va_number"].as_str())
    } else if let Some(va) = v["permata_va_number"].as_str() {
        (Some("permata"), Some(va))
    } else {
        (None, None)
    };
    Charge {
        va_number: va.map(str::to_owned),
        bank: bank.map(str::to_owned),
        qr_string: v["qr_string"].as_str().map(str::to_owned),
        expires_at: v["expiry_time"].as_str().and_then(parse_wib),
    }
}

impl Midtrans {
    /// The gateway of `config`, reached through `transport` (HTTP, or a model in the
    /// simulation).
    pub fn new(config: &MidtransConfig, transport: Arc<dyn Transport>) -> Midtrans {
        Midtrans {
            base_url: config.base_url.trim_end_matches('/').to_owned(),
            server_key: config.server_key.clone(),
            transport,
        }
    }

    pub fn verify(
        &self,
        order_id: &str,
        status_code: &str,
        gross_amount: &str,
        given: &str,
    ) -> bool {
        let expected = signature(
            order_id,
            status_code,
            gross_amount,
            self.server_key.expose(),
        );
        constant_time_eq(expected.as_bytes(), given.to_ascii_lowercase().as_bytes())
    }

    /// `POST` of `body` to `path`, or `GET` without one; the HTTP status and the JSON.
    async fn send(&self, path: &str, body: Option<&Value>) -> Result<(u16, Value), GatewayError> {
        let url = format!("{}{path}", self.base_url);
        let (status, text) = self
            .transport
            .gateway(&url, self.server_key.expose(), body, TIMEOUT)
            .await
            .map_err(GatewayError::Unreachable)?;
        let body: Value = serde_json::from_str(&text)
            .map_err(|e| GatewayError::Malformed(format!("HTTP {status}: {e}")))?;
        Ok((status, body))
    }

    /// Creates the charge, or reads it back when it was created before.
    pub async fn charge(
        &self,
        order_id: &str,
        amount: Rupiah,
        method: DepositMethod,
        bank: &str,
    ) -> Result<Charge, GatewayError> {
        let mut body = json!({
            "transaction_details": {"order_id": order_id, "gross_amount": amount.idr()},
        });
        match method {
            DepositMethod::Va => {
                body["payment_type"] = json!("bank_transfer");
                body["bank_transfer"] = json!({"bank": bank});
            }
            DepositMethod::Qris => {
                body["payment_type"] = json!("qris");
                body["qris"] = json!({"acquirer": "gopay"});
            }
        }
        let (http_status, answer) = self.send("/v2/charge", Some(&body)).await?;
        let code = answer["status_code"].as_str().unwrap_or_default();
        if code == "406" || http_status == 406 {
            return Ok(self.status(order_id).await?.charge);
        }
        if !(200..300).contains(&http_status) || !matches!(code, "200" | "201") {
            return Err(refused(http_status, &answer));
        }
        Ok(charge_from(&answer))
    }

    pub async fn status(&self, order_id: &str) -> Result<Status, GatewayError> {
        let (http_status, answer) = self.send(&format!("/v2/{order_id}/status"), None).await?;
        let Some(transaction_status) = answer["transaction_status"].as_str() else {
            return Err(refused(http_status, &answer));
        };
        Ok(Status {
            transaction_status: transaction_status.to_owned(),
            fraud_status: answer["fraud_status"].as_str().map(str::to_owned),
            gross_amount: answer["gross_amount"].as_str().map(str::to_owned),
            charge: charge_from(&answer),
        })
    }
}

/// The gateway's refusal, in its own words.
fn refused(status: u16, answer: &Value) -> GatewayError {
    GatewayError::Refused {
        status,
        message: answer["status_message"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_the_reference_vector() {
        assert_eq!(
            signature("ORDER-1", "200", "50000.00", "SB-Mid-server-TEST"),
            "4e240cd98df89af7225a863f891b9c39efe34991329ac55f59154c7fb476990e4953aee11e5272e19c247c8f99b5d1dd95fe4401ba5860fa3ce3f3ff29d34bf9"
        );
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[test]
    fn wib_times_become_utc() {
        let t = parse_wib("2025-01-01 10:00:00").expect("parses");
        assert_eq!(t.to_rfc3339(), "2025-01-01T03:00:00+00:00");
        assert_eq!(gateway_order_id(DepositId::new()).len(), 36);
    }
}
