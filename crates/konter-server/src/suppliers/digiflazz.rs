//! The Digiflazz buyer API (suppliers.md §1): top-up and status by re-posting the same
//! `ref_id`, PLN inquiry and balance, each signed `md5(username + api_key + suffix)`.
//! Every rc of the §1.4 table maps to one [`Outcome`]; only `status` decides the state,
//! `rc` explains it (an rc 99 still says Pending).

use std::time::Duration;

use md5::{Digest, Md5};
use serde_json::{Value, json};

use super::Outcome;
use crate::config::Digiflazz as DigiflazzConfig;

/// A top-up answers in a few seconds; past this it is an unknown outcome, asked about later
/// under the same ref_id.
const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Digiflazz {
    config: DigiflazzConfig,
    http: reqwest::Client,
}

pub fn sign(username: &str, api_key: &str, suffix: &str) -> String {
    hex::encode(Md5::digest(
        format!("{username}{api_key}{suffix}").as_bytes(),
    ))
}

/// The class of an answer, from its `status` and `rc` (§1.4).
pub fn classify(status: &str, rc: &str, message: &str, sn: &str, price: Option<i64>) -> Outcome {
    let code = rc.to_owned();
    let message = message.to_owned();
    match status {
        "Sukses" => Outcome::Success {
            sn: sn.to_owned(),
            cost_idr: price,
        },
        "Pending" => Outcome::Pending,
        "Gagal" => match rc {
            // Our configuration or deposit: nothing was bought.
            "40" | "41" | "42" | "44" | "45" | "61" | "82" | "88" => {
                Outcome::RejectedConfig { code, message }
            }
            // The product or the seller, not the customer: another supplier may deliver.
            "43" | "53" | "55" | "58" | "62" | "66" | "67" | "68" | "69" | "70" | "71" | "80"
            | "81" => Outcome::FailedTryElsewhere { code, message },
            // Rate limits: the purchase was not made now; ask again later, same ref_id.
            "83" | "85" | "86" => Outcome::Unknown {
                reason: format!("rc {rc}: {message}"),
            },
            _ => Outcome::FailedFinal { code, message },
        },
        other => Outcome::Unknown {
            reason: format!("unexpected status '{other}' (rc {rc})"),
        },
    }
}

impl Digiflazz {
    pub fn new(config: DigiflazzConfig) -> Result<Digiflazz, reqwest::Error> {
        Ok(Digiflazz {
            http: reqwest::Client::builder().timeout(TIMEOUT).build()?,
            config,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_url.trim_end_matches('/'))
    }

    async fn post(&self, path: &str, body: &Value) -> Result<Value, String> {
        let resp = self
            .http
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .map_err(|e| e.without_url().to_string())?;
        let status = resp.status();
        let value: Value = resp
            .json()
            .await
            .map_err(|e| format!("HTTP {status}: unreadable answer: {}", e.without_url()))?;
        if status.is_server_error() {
            return Err(format!("HTTP {status}"));
        }
        Ok(value)
    }

    /// Buys `sku` for `customer_no` under `ref_id`, or — the same call — asks what became of
    /// that ref_id. `max_price` makes a price jump fail (rc 69) instead of overcharging.
    pub async fn topup(
        &self,
        ref_id: &str,
        sku: &str,
        customer_no: &str,
        max_price_idr: i64,
    ) -> Outcome {
        let c = &self.config;
        let mut body = json!({
            "username": c.username,
            "buyer_sku_code": sku,
            "customer_no": customer_no,
            "ref_id": ref_id,
            "max_price": max_price_idr,
            "sign": sign(&c.username, c.api_key.expose(), ref_id),
        });
        if c.testing {
            body["testing"] = json!(true);
        }
        match self.post("/transaction", &body).await {
            Ok(v) => {
                let d = &v["data"];
                classify(
                    d["status"].as_str().unwrap_or_default(),
                    d["rc"].as_str().unwrap_or_default(),
                    d["message"].as_str().unwrap_or_default(),
                    d["sn"].as_str().unwrap_or_default(),
                    d["price"].as_i64(),
                )
            }
            Err(reason) => Outcome::Unknown { reason },
        }
    }

    /// The deposit left at Digiflazz, in rupiah.
    pub async fn balance(&self) -> Result<i64, String> {
        let c = &self.config;
        let body = json!({"cmd": "deposit", "username": c.username, "sign": sign(&c.username, c.api_key.expose(), "depo")});
        let v = self.post("/cek-saldo", &body).await?;
        v["data"]["deposit"]
            .as_f64()
            .map(|d| d as i64)
            .or_else(|| v["data"]["deposit"].as_i64())
            .ok_or_else(|| format!("no deposit in {v}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_like_the_reference_vectors() {
        // suppliers.md §7.
        assert_eq!(
            sign("username", "apikey", "depo"),
            "e251663c764fe6136a8f9c6861720241"
        );
        assert_eq!(
            sign("username", "apikey", "test1"),
            "e54414720db8e70813b0ad379c9d1d7f"
        );
    }

    #[test]
    fn every_class_of_the_rc_table() {
        let c = |status, rc| classify(status, rc, "m", "SN1", Some(10_000));
        assert_eq!(
            c("Sukses", "00"),
            Outcome::Success {
                sn: "SN1".into(),
                cost_idr: Some(10_000)
            }
        );
        assert_eq!(c("Pending", "03"), Outcome::Pending);
        assert_eq!(
            c("Pending", "99"),
            Outcome::Pending,
            "DF Router Issue is pending"
        );
        assert!(matches!(c("Gagal", "41"), Outcome::RejectedConfig { .. }));
        assert!(matches!(c("Gagal", "44"), Outcome::RejectedConfig { .. }));
        assert!(matches!(
            c("Gagal", "55"),
            Outcome::FailedTryElsewhere { .. }
        ));
        assert!(matches!(
            c("Gagal", "69"),
            Outcome::FailedTryElsewhere { .. }
        ));
        assert!(
            matches!(c("Gagal", "54"), Outcome::FailedFinal { .. }),
            "a wrong number fails at once"
        );
        assert!(matches!(c("Gagal", "52"), Outcome::FailedFinal { .. }));
        assert!(matches!(c("Gagal", "74"), Outcome::FailedFinal { .. }));
        assert!(
            matches!(c("Gagal", "85"), Outcome::Unknown { .. }),
            "rate limited: ask again"
        );
        assert!(matches!(c("", ""), Outcome::Unknown { .. }));
    }
}
