//! The IAK (Mobilepulsa) prepaid API v2 (docs/suppliers.md, "IAK"): `api/top-up` (always
//! PROCESS first), `api/check-status`, `api/inquiry-pln`, `api/inquiry-game`,
//! `api/check-balance`, each signed `md5(username + api_key + suffix)`; callbacks carry the
//! same sign in the body. Every rc IAK documents (docs/suppliers.md, "IAK result codes") maps
//! to one [`Outcome`].

use std::sync::Arc;
use std::time::Duration;

use konter_domain::api::v1::PlnInquiry;
use konter_domain::game::{Game, SupplierFormat};
use serde_json::{Value, json};

use super::digiflazz::sign;
use super::{
    Asked, Call, INQUIRY_TIMEOUT, Inquired, InquiryError, Listed, Meaning, Outcome, PriceItem,
    Purchase, Reply, SupplierApi, Transport, failure_outcome, inquire, meaning_of, not_configured,
    post_json, whole_rupiah,
};
use crate::config::Iak as IakConfig;

pub const NAME: &str = "iak";
const TIMEOUT: Duration = Duration::from_secs(30);
/// IAK states no limit; a status check every 30 s keeps us polite while the callback is
/// the usual way the result arrives.
pub const DEFAULT_STATUS_INTERVAL: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct Iak {
    config: IakConfig,
    transport: Arc<dyn Transport>,
}

/// IAK's game codes for the games we sell
/// (docs/suppliers.md, "IAK: game codes and account formats").
pub fn game_code(game: Game) -> &'static str {
    match game {
        Game::MobileLegends => "103",
        Game::FreeFire => "135",
        Game::GenshinImpact => "172",
    }
}

/// What each rc of a FAILED (status 2) answer says (docs/suppliers.md, "IAK result
/// codes"). An rc not listed here is read as "we do not know".
pub const FAILED: &[(&str, Meaning)] = &[
    // Our side: deposit, IP, request format, account, signature, command.
    ("17", Meaning::OurSide),
    ("102", Meaning::OurSide),
    ("107", Meaning::OurSide),
    ("117", Meaning::OurSide),
    ("118", Meaning::OurSide),
    ("204", Meaning::OurSide),
    ("205", Meaning::OurSide),
    // The product or IAK, not the customer: another supplier may deliver.
    // A top-up is always answered "in process", so a product out of service shows in the
    // transaction's status.
    ("20", Meaning::Unavailable),
    ("106", Meaning::TransactionUnavailable),
    ("110", Meaning::Unavailable),
    // The transaction failed: the customer's number, limits, the player's region.
    ("07", Meaning::Failed),
    ("10", Meaning::Failed),
    ("12", Meaning::Failed),
    ("13", Meaning::Failed),
    ("14", Meaning::Failed),
    ("16", Meaning::Failed),
    ("121", Meaning::Failed),
    ("131", Meaning::Failed),
    ("141", Meaning::Failed),
    ("142", Meaning::Failed),
    ("202", Meaning::Failed),
    ("203", Meaning::Failed),
    ("206", Meaning::Failed),
    ("207", Meaning::Failed),
    ("06", Meaning::NotFound),
];

/// The class of an answer from its `status` (0 PROCESS, 1 SUCCESS, 2 FAILED; a number in
/// answers, a string in callbacks) and `rc` (docs/suppliers.md, "IAK result codes"), read
/// through [`FAILED`].
pub fn classify(
    asked: Asked,
    status: &str,
    rc: &str,
    message: &str,
    sn: &str,
    price: Option<i64>,
) -> Outcome {
    match (status, rc) {
        ("1", _) => Outcome::Success {
            sn: sn.to_owned(),
            cost_idr: price,
        },
        ("0", _) | (_, "39" | "201") => Outcome::Pending,
        ("2", rc) => failure_outcome(asked, meaning_of(FAILED, rc), rc, message),
        _ => Outcome::Unknown {
            reason: format!("unexpected status '{status}' (rc {rc})"),
        },
    }
}

/// A JSON value as text: IAK sends numbers in answers and strings in callbacks.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// The class of a top-up / check-status / callback `data` object.
pub fn classify_data(asked: Asked, d: &Value) -> Outcome {
    classify(
        asked,
        &text(&d["status"]),
        &text(&d["rc"]),
        &text(&d["message"]),
        &text(&d["sn"]),
        text(&d["price"]).parse().ok(),
    )
}

impl Iak {
    pub fn new(config: IakConfig, transport: Arc<dyn Transport>) -> Iak {
        Iak { config, transport }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_url.trim_end_matches('/'))
    }

    fn sign(&self, suffix: &str) -> String {
        sign(&self.config.username, self.config.api_key.expose(), suffix)
    }

    pub fn status_interval(&self) -> Duration {
        self.config
            .status_interval_ms
            .map_or(DEFAULT_STATUS_INTERVAL, Duration::from_millis)
    }

    /// Whether a callback's in-body sign is ours (`md5(username + api_key + ref_id)`), in
    /// constant time.
    pub fn verify_callback(&self, ref_id: &str, sign: &str) -> bool {
        let expected = self.sign(ref_id);
        expected.len() == sign.len()
            && expected
                .bytes()
                .zip(sign.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }

    async fn call(
        &self,
        asked: Asked,
        path: &str,
        operation: &'static str,
        body: &Value,
        timeout: Duration,
    ) -> (Outcome, Call) {
        let (answer, call) = post_json(
            self.transport.as_ref(),
            self.url(path),
            operation,
            body,
            timeout,
        )
        .await;
        let outcome = match answer {
            Ok(v) => classify_data(asked, &v["data"]),
            Err(reason) => Outcome::Unknown { reason },
        };
        (outcome, call)
    }

    /// Buys; IAK answers PROCESS and calls back later. A re-posted ref_id is a status check
    /// at IAK, so a retry cannot buy twice either.
    pub async fn topup(&self, p: &Purchase) -> (Outcome, Call) {
        self.post_topup(Asked::Buy, p).await
    }

    async fn post_topup(&self, asked: Asked, p: &Purchase) -> (Outcome, Call) {
        let body = json!({
            "username": self.config.username,
            "ref_id": p.ref_id,
            "customer_id": p.customer_no,
            "product_code": p.supplier_sku,
            "sign": self.sign(&p.ref_id),
        });
        self.call(asked, "/api/top-up", "topup", &body, TIMEOUT)
            .await
    }

    /// Asks what became of `p.ref_id`. When IAK never saw it (rc 06, the top-up was lost on
    /// the way), the same top-up is posted again under the same ref_id: IAK treats a known
    /// ref_id as a status check, so this cannot buy twice. Its answer is read as an answer
    /// to a question too: the lost top-up may have arrived between the two requests, so a
    /// refusal of the second says nothing about the first.
    pub async fn status(&self, p: &Purchase) -> (Outcome, Call) {
        let body = json!({
            "username": self.config.username,
            "ref_id": p.ref_id,
            "sign": self.sign(&p.ref_id),
        });
        let (outcome, call) = self
            .call(Asked::Status, "/api/check-status", "status", &body, TIMEOUT)
            .await;
        match &outcome {
            Outcome::NotFound { .. } => self.post_topup(Asked::Status, p).await,
            _ => (outcome, call),
        }
    }

    pub async fn pln_inquiry(&self, target: &str) -> (Result<PlnInquiry, InquiryError>, Call) {
        let body = json!({
            "username": self.config.username,
            "customer_id": target,
            "sign": self.sign(target),
        });
        let (data, call) = inquire(
            self.transport.as_ref(),
            self.url("/api/inquiry-pln"),
            "inquiry_pln",
            &body,
        )
        .await;
        let d = match data {
            Ok(d) => d,
            Err(e) => return (Err(e), call),
        };
        let field = |k: &str| Some(text(&d[k])).filter(|s| !s.is_empty());
        let result = match text(&d["status"]).as_str() {
            "1" => Ok(PlnInquiry {
                target: target.to_owned(),
                name: field("name").unwrap_or_default(),
                meter_no: field("meter_no"),
                subscriber_id: field("subscriber_id"),
                segment_power: field("segment_power"),
            }),
            "2" => Err(InquiryError::NotFound(
                field("message").unwrap_or_else(|| "nomor tidak ditemukan".into()),
            )),
            _ => Err(InquiryError::Unavailable(format!("unexpected answer: {d}"))),
        };
        (result, call)
    }

    /// The nickname of a game account (`customer_no` in IAK's format).
    pub async fn game_inquiry(
        &self,
        game: Game,
        customer_no: &str,
    ) -> (Result<String, InquiryError>, Call) {
        let code = game_code(game);
        let body = json!({
            "username": self.config.username,
            "game_code": code,
            "customer_id": customer_no,
            "sign": self.sign(code),
        });
        let (data, call) = inquire(
            self.transport.as_ref(),
            self.url("/api/inquiry-game"),
            "inquiry_game",
            &body,
        )
        .await;
        let d = match data {
            Ok(d) => d,
            Err(e) => return (Err(e), call),
        };
        let result = match text(&d["status"]).as_str() {
            "1" => Ok(text(&d["username"])),
            "2" => match text(&d["rc"]).as_str() {
                // Code not found / inquiry not needed: the check is not offered for this game.
                "20" | "143" => Err(InquiryError::NotOffered),
                _ => Err(InquiryError::NotFound(text(&d["message"]))),
            },
            _ => Err(InquiryError::Unavailable(format!("unexpected answer: {d}"))),
        };
        (result, call)
    }

    /// Every prepaid product, active or not: `pricelist` with `status: all`
    /// (docs/suppliers.md, "IAK: endpoints").
    pub async fn price_list(&self) -> Result<Vec<Listed>, String> {
        let body =
            json!({"username": self.config.username, "sign": self.sign("pl"), "status": "all"});
        let (answer, _) = post_json(
            self.transport.as_ref(),
            self.url("/api/pricelist"),
            "price_list",
            &body,
            TIMEOUT,
        )
        .await;
        let v = answer?;
        let items = v["data"]["pricelist"]
            .as_array()
            .or_else(|| v["data"].as_array())
            .ok_or_else(|| format!("no price list in the answer (rc {})", v["data"]["rc"]))?;
        Ok(items.iter().filter_map(listed).collect())
    }

    pub async fn balance(&self) -> Result<i64, String> {
        let body = json!({"username": self.config.username, "sign": self.sign("bl")});
        let (answer, _) = post_json(
            self.transport.as_ref(),
            self.url("/api/check-balance"),
            "balance",
            &body,
            INQUIRY_TIMEOUT,
        )
        .await;
        let v = answer?;
        text(&v["data"]["balance"])
            .parse()
            .map_err(|_| format!("no balance in {v}"))
    }
}

/// A price-list item (docs/suppliers.md, "IAK: prepaid API"); `None` without a code or a
/// price. `product_nominal` is the face value as digits, or a name.
fn listed(i: &Value) -> Option<Listed> {
    let field = |k: &str| {
        let t = text(&i[k]);
        if t == "-" {
            String::new()
        } else {
            t.trim().to_owned()
        }
    };
    let brand = field("product_description");
    let stated = field("product_nominal");
    let nominal = stated.parse::<i64>().ok().filter(|n| *n > 0);
    let name = match nominal {
        Some(_) => format!("{brand} {stated}"),
        None => stated,
    };
    Some(Listed {
        item: PriceItem {
            supplier_sku: i["product_code"].as_str()?.to_owned(),
            cost: whole_rupiah(&i["product_price"])?,
            active: i["status"].as_str() == Some("active"),
        },
        name,
        category: field("product_type"),
        brand,
        nominal,
        detail: field("product_details"),
        cut_off: None,
    })
}

impl SupplierApi for Iak {
    fn name(&self) -> &'static str {
        NAME
    }

    fn format(&self) -> SupplierFormat {
        SupplierFormat::Iak
    }

    fn status_interval(&self) -> Duration {
        Iak::status_interval(self)
    }

    /// IAK's prepaid API pays no bills: a bill is never bought here.
    fn topup<'a>(&'a self, p: &'a Purchase) -> Reply<'a, (Outcome, Call)> {
        if p.bill {
            return Box::pin(async { not_configured(NAME, Asked::Buy) });
        }
        Box::pin(Iak::topup(self, p))
    }

    fn status<'a>(&'a self, p: &'a Purchase) -> Reply<'a, (Outcome, Call)> {
        if p.bill {
            return Box::pin(async { not_configured(NAME, Asked::Status) });
        }
        Box::pin(Iak::status(self, p))
    }

    fn price_list(&self) -> Reply<'_, Result<Vec<Listed>, String>> {
        Box::pin(Iak::price_list(self))
    }

    fn balance(&self) -> Reply<'_, Result<i64, String>> {
        Box::pin(Iak::balance(self))
    }

    fn pln_inquiry<'a>(&'a self, target: &'a str) -> Reply<'a, Inquired<PlnInquiry>> {
        Box::pin(async move {
            let (r, call) = Iak::pln_inquiry(self, target).await;
            (r, Some(call))
        })
    }

    fn game_inquiry<'a>(&'a self, game: Game, customer_no: &'a str) -> Reply<'a, Inquired<String>> {
        Box::pin(async move {
            let (r, call) = Iak::game_inquiry(self, game, customer_no).await;
            (r, Some(call))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_of_the_rc_table() {
        let c = |status, rc| classify(Asked::Buy, status, rc, "m", "SN1", Some(10_000));
        assert!(matches!(c("1", "00"), Outcome::Success { .. }));
        assert_eq!(c("0", "39"), Outcome::Pending, "PROCESS");
        assert_eq!(c("0", "201"), Outcome::Pending, "undefined: ask CS, wait");
        assert!(
            matches!(c("2", "14"), Outcome::FailedFinal { .. }),
            "wrong number"
        );
        assert!(matches!(c("2", "07"), Outcome::FailedFinal { .. }));
        assert!(
            matches!(c("2", "106"), Outcome::FailedTryElsewhere { .. }),
            "product down"
        );
        assert!(
            matches!(c("2", "110"), Outcome::FailedTryElsewhere { .. }),
            "maintenance"
        );
        assert!(
            matches!(c("2", "17"), Outcome::RejectedConfig { .. }),
            "deposit"
        );
        assert!(
            matches!(c("2", "204"), Outcome::RejectedConfig { .. }),
            "sign"
        );
        assert!(matches!(c("", ""), Outcome::Unknown { .. }));
        let ask = |rc| classify(Asked::Status, "2", rc, "m", "", None);
        for rc in ["17", "102", "107", "117", "118", "204", "205", "20", "110"] {
            assert!(matches!(ask(rc), Outcome::Refused { .. }), "rc {rc}");
        }
        assert!(
            matches!(ask("106"), Outcome::FailedTryElsewhere { .. }),
            "the transaction's own failure: out of service"
        );
        assert!(matches!(ask("14"), Outcome::FailedFinal { .. }));
        assert!(matches!(ask("06"), Outcome::NotFound { .. }));
        assert!(matches!(ask("999"), Outcome::Unknown { .. }), "unlisted");
    }

    #[test]
    fn callbacks_with_string_values_read_the_same() {
        let answer =
            json!({"status": 1, "rc": "00", "sn": "S1", "price": 10150, "message": "SUCCESS"});
        let callback =
            json!({"status": "1", "rc": "00", "sn": "S1", "price": "10150", "message": "SUCCESS"});
        assert_eq!(
            classify_data(Asked::Status, &answer),
            classify_data(Asked::Status, &callback)
        );
        assert_eq!(
            classify_data(Asked::Status, &callback),
            Outcome::Success {
                sn: "S1".into(),
                cost_idr: Some(10_150)
            }
        );
    }
}
