//! The Digiflazz buyer API (docs/suppliers.md, "Digiflazz"): top-up and status by re-posting
//! the same `ref_id`, PLN inquiry and balance, each signed `md5(username + api_key + suffix)`.
//! Every rc Digiflazz documents (docs/suppliers.md, "Digiflazz result codes") maps to one
//! [`Outcome`]; only `status` decides the state, `rc` explains it (an rc 99 still says
//! Pending).

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use konter_domain::api::v1::PlnInquiry;
use konter_domain::game::SupplierFormat;
use konter_domain::money::Rupiah;
use md5::{Digest, Md5};
use serde_json::{Value, json};
use sha1::Sha1;

use super::{
    Asked, BillAnswer, Call, INQUIRY_TIMEOUT, Inquired, InquiryError, Listed, Meaning, Outcome,
    PriceItem, Purchase, Reply, SupplierApi, Transport, failure_outcome, inquire, meaning_of,
    post_json, whole_rupiah,
};
use crate::config::Digiflazz as DigiflazzConfig;

mod pasca;
pub use pasca::parse_bill;

/// The name catalogues and the audit trail use.
pub const NAME: &str = "digiflazz";
/// A top-up answers in a few seconds; past this it is an unknown outcome, asked about later
/// under the same ref_id.
const TIMEOUT: Duration = Duration::from_secs(30);
/// Digiflazz: no status query about one ref_id within a minute of the last
/// (docs/suppliers.md, "Digiflazz: status check").
pub const DEFAULT_STATUS_INTERVAL: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct Digiflazz {
    config: DigiflazzConfig,
    transport: Arc<dyn Transport>,
}

pub fn sign(username: &str, api_key: &str, suffix: &str) -> String {
    hex::encode(Md5::digest(
        format!("{username}{api_key}{suffix}").as_bytes(),
    ))
}

/// Checks a webhook's `X-Hub-Signature` (`sha1=` + hex HMAC-SHA1 of the raw body) in
/// constant time. An empty secret accepts nothing: an unsigned hook cannot move money.
pub fn verify_webhook(secret: &str, body: &[u8], header: Option<&str>) -> bool {
    let Some(hex_sig) = header.and_then(|h| h.strip_prefix("sha1=")) else {
        return false;
    };
    let Ok(sig) = hex::decode(hex_sig.trim()) else {
        return false;
    };
    if secret.is_empty() {
        return false;
    }
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}

/// What each rc of a `Gagal` answer says (docs/suppliers.md, "Digiflazz result codes").
/// An rc not listed here is read as "we do not know".
pub const GAGAL: &[(&str, Meaning)] = &[
    // Our configuration, account or deposit: refused before any purchase.
    ("40", Meaning::OurSide),
    ("41", Meaning::OurSide),
    ("42", Meaning::OurSide),
    ("44", Meaning::OurSide),
    ("45", Meaning::OurSide),
    ("61", Meaning::OurSide),
    ("82", Meaning::OurSide),
    ("88", Meaning::OurSide),
    // The product or the seller, not the customer: another supplier may deliver.
    ("43", Meaning::Unavailable),
    ("53", Meaning::Unavailable),
    ("55", Meaning::Unavailable),
    ("58", Meaning::Unavailable),
    ("62", Meaning::Unavailable),
    ("66", Meaning::Unavailable),
    ("67", Meaning::Unavailable),
    ("68", Meaning::Unavailable),
    ("69", Meaning::Unavailable),
    ("70", Meaning::Unavailable),
    ("71", Meaning::Unavailable),
    ("80", Meaning::Unavailable),
    ("81", Meaning::Unavailable),
    // Rate limits: nothing happened now.
    ("83", Meaning::RateLimited),
    ("85", Meaning::RateLimited),
    ("86", Meaning::RateLimited),
    // The transaction failed: the number, the biller, the nominal.
    ("01", Meaning::Failed),
    ("02", Meaning::Failed),
    ("47", Meaning::Failed),
    ("51", Meaning::Failed),
    ("52", Meaning::Failed),
    ("54", Meaning::Failed),
    ("57", Meaning::Failed),
    ("59", Meaning::Failed),
    ("60", Meaning::Failed),
    ("63", Meaning::Failed),
    ("64", Meaning::Failed),
    ("72", Meaning::Failed),
    ("73", Meaning::Failed),
    ("84", Meaning::Failed),
    ("87", Meaning::Failed),
    // Reversed, after a success a refund.
    ("74", Meaning::Reversed),
    ("50", Meaning::NotFound),
    // 49 (ref_id not unique) is left out on purpose: the ref_id exists, in a state this
    // answer does not tell.
];

/// The class of an answer, from its `status` and `rc`
/// (docs/suppliers.md, "Digiflazz result codes"): only `status` decides Sukses or Pending; a
/// `Gagal`'s rc is read through [`GAGAL`] and [`failure_outcome`].
pub fn classify(
    asked: Asked,
    status: &str,
    rc: &str,
    message: &str,
    sn: &str,
    price: Option<i64>,
) -> Outcome {
    match status {
        "Sukses" => Outcome::Success {
            sn: sn.to_owned(),
            cost_idr: price,
        },
        "Pending" => Outcome::Pending,
        "Gagal" => failure_outcome(asked, meaning_of(GAGAL, rc), rc, message),
        other => Outcome::Unknown {
            reason: format!("unexpected status '{other}' (rc {rc})"),
        },
    }
}

/// The class of a transaction `data` object (an answer, or a webhook body's `data`, which
/// is read as an answer to a status question: it is not the reply to a purchase).
pub fn classify_data(asked: Asked, d: &Value) -> Outcome {
    classify(
        asked,
        d["status"].as_str().unwrap_or_default(),
        d["rc"].as_str().unwrap_or_default(),
        d["message"].as_str().unwrap_or_default(),
        d["sn"].as_str().unwrap_or_default(),
        // The doc types `price` as an integer; accept a numeric string too.
        d["price"]
            .as_i64()
            .or_else(|| d["price"].as_str().and_then(|p| p.parse().ok())),
    )
}

impl Digiflazz {
    pub fn new(config: DigiflazzConfig, transport: Arc<dyn Transport>) -> Digiflazz {
        Digiflazz { config, transport }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_url.trim_end_matches('/'))
    }

    pub fn status_interval(&self) -> Duration {
        self.config
            .status_interval_ms
            .map_or(DEFAULT_STATUS_INTERVAL, Duration::from_millis)
    }

    pub fn webhook_secret(&self) -> &str {
        self.config.webhook_secret.expose()
    }

    /// A `/transaction` body; `command` is the postpaid `commands` (none for prepaid).
    fn transaction_body(&self, p: &Purchase, command: Option<&str>) -> Value {
        let c = &self.config;
        let mut body = json!({
            "username": c.username,
            "buyer_sku_code": p.supplier_sku,
            "customer_no": p.customer_no,
            "ref_id": p.ref_id,
            "sign": sign(&c.username, c.api_key.expose(), &p.ref_id),
        });
        match command {
            Some(command) => body["commands"] = json!(command),
            None => body["max_price"] = json!(p.max_price.idr()),
        }
        if c.testing {
            body["testing"] = json!(true);
        }
        body
    }

    async fn transaction(&self, p: &Purchase, operation: &'static str) -> (Outcome, Call) {
        // A bill is paid with `pay-pasca` and asked about with `status-pasca`, both under
        // the inquiry's ref_id; a prepaid status check is the top-up posted again.
        let command = match (p.bill, operation) {
            (false, _) => None,
            (true, "topup") => Some("pay-pasca"),
            (true, _) => Some("status-pasca"),
        };
        let body = self.transaction_body(p, command);
        let (answer, call) = post_json(
            self.transport.as_ref(),
            self.url("/transaction"),
            operation,
            &body,
            TIMEOUT,
        )
        .await;
        let asked = if operation == "topup" {
            Asked::Buy
        } else {
            Asked::Status
        };
        let outcome = match answer {
            Ok(v) => classify_data(asked, &v["data"]),
            Err(reason) => Outcome::Unknown { reason },
        };
        (outcome, call)
    }

    /// Buys `p.supplier_sku` for `p.customer_no` under `p.ref_id`. `max_price` makes a price
    /// jump fail (rc 69) instead of overcharging.
    pub async fn topup(&self, p: &Purchase) -> (Outcome, Call) {
        self.transaction(p, "topup").await
    }

    /// Asks what became of `p.ref_id`: Digiflazz's status check is the same request again
    /// (docs/suppliers.md, "Digiflazz: status check"), so it can never buy twice under one
    /// ref_id.
    pub async fn status(&self, p: &Purchase) -> (Outcome, Call) {
        self.transaction(p, "status").await
    }

    /// The PLN customer behind a meter or customer number
    /// (docs/suppliers.md, "Digiflazz: PLN inquiry").
    pub async fn pln_inquiry(&self, target: &str) -> (Result<PlnInquiry, InquiryError>, Call) {
        let c = &self.config;
        let body = json!({
            "username": c.username,
            "customer_no": target,
            "sign": sign(&c.username, c.api_key.expose(), target),
        });
        let (data, call) = inquire(
            self.transport.as_ref(),
            self.url("/inquiry-pln"),
            "inquiry_pln",
            &body,
        )
        .await;
        let d = match data {
            Ok(d) => d,
            Err(e) => return (Err(e), call),
        };
        let text = |k: &str| d[k].as_str().filter(|s| !s.is_empty()).map(str::to_owned);
        let result = match d["status"].as_str() {
            Some("Sukses") => Ok(PlnInquiry {
                target: target.to_owned(),
                name: text("name").unwrap_or_default(),
                meter_no: text("meter_no"),
                subscriber_id: text("subscriber_id"),
                segment_power: text("segment_power"),
            }),
            Some("Gagal") => Err(InquiryError::NotFound(
                text("message").unwrap_or_else(|| "nomor tidak ditemukan".into()),
            )),
            _ => Err(InquiryError::Unavailable(format!("unexpected answer: {d}"))),
        };
        (result, call)
    }

    /// Looks a bill up (`inq-pasca`) under `ref_id`; the payment must use the same ref_id on
    /// the same day (docs/suppliers.md, "Digiflazz: postpaid bills").
    pub async fn bill_inquiry(
        &self,
        ref_id: &str,
        supplier_sku: &str,
        customer_no: &str,
    ) -> (Result<BillAnswer, InquiryError>, Call) {
        let purchase = Purchase {
            ref_id: ref_id.to_owned(),
            supplier_sku: supplier_sku.to_owned(),
            customer_no: customer_no.to_owned(),
            max_price: Rupiah::ZERO,
            bill: true,
        };
        let body = self.transaction_body(&purchase, Some("inq-pasca"));
        let (data, call) = inquire(
            self.transport.as_ref(),
            self.url("/transaction"),
            "bill_inquiry",
            &body,
        )
        .await;
        let d = match data {
            Ok(d) => d,
            Err(e) => return (Err(e), call),
        };
        // An inquiry buys nothing, so it is read as a question.
        let result = match classify_data(Asked::Status, &d) {
            Outcome::Success { .. } => parse_bill(&d).map_err(InquiryError::Unavailable),
            Outcome::FailedFinal { message, .. } | Outcome::NotFound { message, .. } => {
                Err(InquiryError::NotFound(message))
            }
            other => Err(InquiryError::Unavailable(format!(
                "the inquiry came to {}: {}",
                other.class(),
                d["message"]
            ))),
        };
        (result, call)
    }

    /// The prepaid price list (at most once per 5 minutes, rc 83 beyond; docs/suppliers.md,
    /// "Digiflazz: price list").
    pub async fn price_list(&self) -> Result<Vec<Listed>, String> {
        let c = &self.config;
        let body = json!({"cmd": "prepaid", "username": c.username, "sign": sign(&c.username, c.api_key.expose(), "pricelist")});
        let (answer, _) = post_json(
            self.transport.as_ref(),
            self.url("/price-list"),
            "price_list",
            &body,
            TIMEOUT,
        )
        .await;
        let v = answer?;
        let Some(items) = v["data"].as_array() else {
            return Err(format!(
                "no price list in the answer (rc {})",
                v["data"]["rc"]
            ));
        };
        Ok(items.iter().filter_map(listed).collect())
    }

    /// The deposit left at Digiflazz, in rupiah.
    pub async fn balance(&self) -> Result<i64, String> {
        let c = &self.config;
        let body = json!({"cmd": "deposit", "username": c.username, "sign": sign(&c.username, c.api_key.expose(), "depo")});
        let (answer, _) = post_json(
            self.transport.as_ref(),
            self.url("/cek-saldo"),
            "balance",
            &body,
            INQUIRY_TIMEOUT,
        )
        .await;
        let v = answer?;
        // The doc types the deposit as a number that may carry a fraction; whole rupiah.
        let deposit = &v["data"]["deposit"];
        deposit
            .as_i64()
            .or_else(|| {
                deposit
                    .as_number()
                    .and_then(|n| n.to_string().split('.').next()?.parse().ok())
            })
            .ok_or_else(|| format!("no deposit in {v}"))
    }
}

/// A prepaid price-list item (docs/suppliers.md, "Digiflazz: price list"); `None` without a
/// SKU or a price.
fn listed(i: &Value) -> Option<Listed> {
    let text = |k: &str| i[k].as_str().unwrap_or_default().trim().to_owned();
    let time = |k: &str| chrono::NaiveTime::parse_from_str(i[k].as_str()?, "%H:%M").ok();
    let cut_off = match (time("start_cut_off"), time("end_cut_off")) {
        (Some(start), Some(end)) if start != end => Some((start, end)),
        _ => None,
    };
    Some(Listed {
        item: PriceItem {
            supplier_sku: i["buyer_sku_code"].as_str()?.to_owned(),
            cost: whole_rupiah(&i["price"])?,
            active: i["buyer_product_status"].as_bool() == Some(true)
                && i["seller_product_status"].as_bool() == Some(true),
        },
        name: text("product_name"),
        category: text("category"),
        brand: text("brand"),
        nominal: None,
        detail: text("desc"),
        cut_off,
    })
}

impl SupplierApi for Digiflazz {
    fn name(&self) -> &'static str {
        NAME
    }

    fn format(&self) -> SupplierFormat {
        SupplierFormat::Digiflazz
    }

    fn status_interval(&self) -> Duration {
        Digiflazz::status_interval(self)
    }

    fn topup<'a>(&'a self, p: &'a Purchase) -> Reply<'a, (Outcome, Call)> {
        Box::pin(Digiflazz::topup(self, p))
    }

    fn status<'a>(&'a self, p: &'a Purchase) -> Reply<'a, (Outcome, Call)> {
        Box::pin(Digiflazz::status(self, p))
    }

    fn price_list(&self) -> Reply<'_, Result<Vec<Listed>, String>> {
        Box::pin(Digiflazz::price_list(self))
    }

    fn balance(&self) -> Reply<'_, Result<i64, String>> {
        Box::pin(Digiflazz::balance(self))
    }

    fn pays_bills(&self) -> bool {
        true
    }

    fn bill_inquiry<'a>(
        &'a self,
        ref_id: &'a str,
        supplier_sku: &'a str,
        customer_no: &'a str,
    ) -> Reply<'a, Inquired<BillAnswer>> {
        Box::pin(async move {
            let (r, call) = Digiflazz::bill_inquiry(self, ref_id, supplier_sku, customer_no).await;
            (r, Some(call))
        })
    }

    fn pln_inquiry<'a>(&'a self, target: &'a str) -> Reply<'a, Inquired<PlnInquiry>> {
        Box::pin(async move {
            let (r, call) = Digiflazz::pln_inquiry(self, target).await;
            (r, Some(call))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bills_are_read_from_their_detail_rows() {
        let d = json!({"customer_name": "BUDI", "price": 288000, "selling_price": 290000,
            "admin": 5000, "desc": {"tarif": "R1", "daya": 1300, "detail": [
                {"periode": "202610", "nilai_tagihan": "150000", "admin": "2500", "denda": "5000",
                 "meter_awal": "00010000", "meter_akhir": "00010100"},
                {"periode": "202611", "nilai_tagihan": "130000", "admin": "2500", "denda": "0"}]}});
        let a = parse_bill(&d).expect("a bill");
        assert_eq!(a.bill.total_idr, Rupiah::from_idr(290_000));
        assert_eq!(a.bill.penalty_idr, Rupiah::from_idr(5_000));
        assert_eq!(a.bill.power.as_deref(), Some("1300 VA"));
        assert_eq!(a.bill.periods[0].meter_end.as_deref(), Some("00010100"));
        assert_eq!(a.cost, Rupiah::from_idr(288_000));
        let mut wrong = d.clone();
        wrong["selling_price"] = json!(300_000);
        assert!(parse_bill(&wrong).is_err(), "lines that do not add up");
        let mut loss = d.clone();
        loss["price"] = json!(300_000);
        assert!(parse_bill(&loss).is_err(), "a bill paid at a loss");
        let flat = json!({"customer_name": "SITI", "price": 51000, "selling_price": 52500,
            "admin": 2500, "periode": "202611"});
        let a = parse_bill(&flat).expect("no detail");
        assert_eq!(a.bill.bill_idr, Rupiah::from_idr(50_000));
        let mut months_only = flat.clone();
        months_only["desc"] = json!({"detail": [{"periode": "OKT26"}, {"periode": "NOV26"}]});
        let a = parse_bill(&months_only).expect("months listed, amounts at the top");
        assert_eq!(a.bill.periods[0].period, "OKT26, NOV26");
        assert_eq!(a.bill.total_idr, Rupiah::from_idr(52_500));
        let mut dotted = d.clone();
        dotted["desc"]["detail"][0]["denda"] = json!("5.000");
        assert!(
            parse_bill(&dotted).is_err(),
            "an unreadable amount is not zero"
        );
    }

    #[test]
    fn signs_like_the_reference_vectors() {
        // docs/suppliers.md, "Test vectors".
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
        let c = |status, rc| classify(Asked::Buy, status, rc, "m", "SN1", Some(10_000));
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
        assert!(matches!(c("Gagal", "74"), Outcome::Refunded { .. }));
        assert!(
            matches!(c("Gagal", "85"), Outcome::Unknown { .. }),
            "rate limited: ask again"
        );
        assert!(matches!(c("", ""), Outcome::Unknown { .. }));
        assert!(
            matches!(c("Gagal", "49"), Outcome::Unknown { .. }),
            "a ref_id that exists says nothing of its state"
        );
        assert!(
            matches!(c("Gagal", "46"), Outcome::Unknown { .. }),
            "an unlisted rc is not a failure"
        );
    }

    /// A status question refused for a reason about our request (keys, IP, a product check)
    /// leaves the purchase unknown; only the transaction's own failure closes it.
    #[test]
    fn a_refused_status_question_is_not_an_answer() {
        let ask = |rc| classify(Asked::Status, "Gagal", rc, "m", "", None);
        for rc in [
            "40", "41", "42", "44", "45", "61", "82", "88", "43", "53", "55", "58", "62", "66",
            "67", "68", "69", "70", "71", "80", "81",
        ] {
            assert!(matches!(ask(rc), Outcome::Refused { .. }), "rc {rc}");
        }
        for rc in ["83", "85", "86", "49", "46", "99"] {
            assert!(matches!(ask(rc), Outcome::Unknown { .. }), "rc {rc}");
        }
        for rc in ["01", "02", "52", "54", "57", "73"] {
            assert!(matches!(ask(rc), Outcome::FailedFinal { .. }), "rc {rc}");
        }
        assert!(matches!(ask("74"), Outcome::Refunded { .. }));
        assert!(matches!(ask("50"), Outcome::NotFound { .. }));
        // Every rc the table lists that means "nothing was bought" does so only for a buy.
        for (rc, meaning) in GAGAL {
            let bought = classify(Asked::Buy, "Gagal", rc, "m", "", None);
            let asked = ask(rc);
            if matches!(meaning, Meaning::OurSide | Meaning::Unavailable) {
                assert!(
                    matches!(
                        bought,
                        Outcome::RejectedConfig { .. } | Outcome::FailedTryElsewhere { .. }
                    ),
                    "rc {rc}"
                );
                assert!(matches!(asked, Outcome::Refused { .. }), "rc {rc}");
            }
        }
    }

    #[test]
    fn webhook_signatures_are_checked() {
        let body = br#"{"data":{"ref_id":"K1-1","status":"Sukses"}}"#;
        let mut mac = Hmac::<Sha1>::new_from_slice(b"s3cret").expect("any key length");
        mac.update(body);
        let good = format!("sha1={}", hex::encode(mac.finalize().into_bytes()));
        assert!(verify_webhook("s3cret", body, Some(&good)));
        assert!(!verify_webhook("other", body, Some(&good)), "wrong secret");
        assert!(
            !verify_webhook("s3cret", b"{}", Some(&good)),
            "changed body"
        );
        assert!(!verify_webhook("s3cret", body, None), "no header");
        assert!(!verify_webhook("s3cret", body, Some("sha1=zz")), "not hex");
        assert!(
            !verify_webhook("", body, Some(&good)),
            "no secret configured"
        );
    }
}
