//! Supplier adapters. Each maps its supplier's answers to one [`Outcome`] class, so the
//! fulfilment workers decide by class, never by a supplier's raw codes.
//!
//! Every call returns, beside its result, a [`Call`]: the request with credentials and
//! signatures removed, the raw answer, the HTTP status and the latency, for the audit trail.

pub mod digiflazz;
pub mod iak;
mod registry;

pub(crate) use registry::not_configured;
pub use registry::{Inquired, Reply, SupplierApi, Suppliers};

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use konter_domain::bill::Bill;
use konter_domain::ids::OrderId;
use konter_domain::money::Rupiah;
use serde_json::Value;

/// What a purchase attempt came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Delivered; `sn` is the serial number or token.
    Success { sn: String, cost_idr: Option<i64> },
    /// Not delivered and never will be under this ref_id; the customer's number or the
    /// product is at fault, so trying another supplier would not help.
    FailedFinal { code: String, message: String },
    /// Not delivered; another supplier may deliver it (product down, cut-off, stock).
    FailedTryElsewhere { code: String, message: String },
    /// The supplier took it and will answer later (webhook or a status query).
    Pending,
    /// We do not know: timeout, dropped connection, 5xx, an answer we cannot read. Ask the
    /// supplier about the same ref_id; never buy again under a new one.
    Unknown { reason: String },
    /// Our side is wrong (keys, signature, IP, balance): no purchase was made, and an
    /// operator must act before any other order is sent to this supplier.
    RejectedConfig { code: String, message: String },
    /// A delivered purchase was reversed by the supplier (Digiflazz rc 74).
    Refunded { code: String, message: String },
    /// The supplier refused our *question* about a purchase (keys, IP, account, a request it
    /// could not read, a product check that belongs to a new purchase, or the supplier no
    /// longer configured here). It says nothing about the purchase: the attempt stays open,
    /// is asked about again, and the operator is alarmed. `ours` when the refusal is about
    /// our side (keys, IP, account, deposit): then new purchases skip the supplier too.
    Refused {
        code: String,
        message: String,
        ours: bool,
    },
    /// Asked about a ref_id, the supplier says it has no transaction under it.
    NotFound { code: String, message: String },
}

/// Which request an answer replies to. A refusal means "nothing was bought" only in reply
/// to a purchase; in reply to a status question it means only that the question was not
/// answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asked {
    Buy,
    Status,
}

/// What a supplier's failure code says, as each adapter's table (`digiflazz::GAGAL`,
/// `iak::FAILED`) records it from the supplier's documentation (docs/suppliers.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Meaning {
    /// Our keys, IP, account, deposit or request format: refused before any purchase.
    OurSide,
    /// The product or seller is unavailable now: refused before any purchase; another
    /// supplier may deliver.
    Unavailable,
    /// The transaction was taken and then failed because the product is out of service (a
    /// supplier that always answers a purchase "in process" reports this in its status):
    /// nothing was bought; another supplier may deliver.
    TransactionUnavailable,
    /// Too many requests: nothing happened now; ask again later.
    RateLimited,
    /// The transaction itself failed (the customer's number, the biller, the nominal).
    Failed,
    /// A delivered transaction was reversed.
    Reversed,
    /// No transaction under this ref_id.
    NotFound,
}

/// What `table` (an adapter's list of failure codes) says `rc` means; `None` when unlisted.
pub fn meaning_of(table: &[(&str, Meaning)], rc: &str) -> Option<Meaning> {
    table.iter().find(|(c, _)| *c == rc).map(|(_, m)| *m)
}

/// The one rule that turns a supplier's failure code into an outcome class. `meaning` is
/// `None` for a code the supplier's table does not list: we do not know what happened.
///
/// | meaning      | answer to a purchase   | answer to a status question |
/// |--------------|------------------------|-----------------------------|
/// | our side     | rejected (our config)  | refused: still unknown      |
/// | unavailable  | failed, try elsewhere  | refused: still unknown      |
/// | the transaction unavailable | failed, try elsewhere | failed, try elsewhere |
/// | rate limited | unknown                | unknown                     |
/// | failed       | failed, final          | failed, final               |
/// | reversed     | refunded               | refunded                    |
/// | not found    | unknown                | not found                   |
/// | unlisted     | unknown                | unknown                     |
pub fn failure_outcome(
    asked: Asked,
    meaning: Option<Meaning>,
    code: &str,
    message: &str,
) -> Outcome {
    let (code, message) = (code.to_owned(), message.to_owned());
    let unknown = |why: &str| Outcome::Unknown {
        reason: format!("{why} (rc {code}: {message})"),
    };
    match (meaning, asked) {
        (Some(Meaning::OurSide), Asked::Buy) => Outcome::RejectedConfig { code, message },
        (Some(Meaning::Unavailable), Asked::Buy) | (Some(Meaning::TransactionUnavailable), _) => {
            Outcome::FailedTryElsewhere { code, message }
        }
        (Some(m @ (Meaning::OurSide | Meaning::Unavailable)), Asked::Status) => Outcome::Refused {
            code,
            message,
            ours: m == Meaning::OurSide,
        },
        (Some(Meaning::RateLimited), _) => unknown("rate limited"),
        (Some(Meaning::Failed), _) => Outcome::FailedFinal { code, message },
        (Some(Meaning::Reversed), _) => Outcome::Refunded { code, message },
        (Some(Meaning::NotFound), Asked::Status) => Outcome::NotFound { code, message },
        (Some(Meaning::NotFound), Asked::Buy) => unknown("a purchase answered 'not found'"),
        (None, _) => unknown("a code the supplier's table does not list"),
    }
}

impl Outcome {
    /// The class name kept in the audit trail.
    pub fn class(&self) -> &'static str {
        match self {
            Outcome::Success { .. } => "success",
            Outcome::FailedFinal { .. } => "failed_final",
            Outcome::FailedTryElsewhere { .. } => "failed_try_elsewhere",
            Outcome::Pending => "pending",
            Outcome::Unknown { .. } => "unknown",
            Outcome::RejectedConfig { .. } => "rejected_config",
            Outcome::Refunded { .. } => "refunded",
            Outcome::Refused { .. } => "refused",
            Outcome::NotFound { .. } => "not_found",
        }
    }
}

/// One HTTP exchange with a supplier, for the audit trail.
#[derive(Clone, Debug, Default)]
pub struct Call {
    pub operation: &'static str,
    /// The request body without `username`, `sign` or any key.
    pub request: Value,
    /// The answer as received (or why there was none).
    pub response: String,
    pub http_status: Option<u16>,
    pub latency: Duration,
}

/// A purchase (or the question about one) as an adapter needs it.
#[derive(Clone, Debug)]
pub struct Purchase {
    pub ref_id: String,
    pub supplier_sku: String,
    /// Already in the supplier's format ([`SupplierFormat`]).
    pub customer_no: String,
    /// The most the supplier may charge: a price jump fails the purchase instead.
    pub max_price: Rupiah,
    /// A postpaid bill payment (`pay-pasca` / `status-pasca`) under its inquiry's ref_id.
    pub bill: bool,
}

/// A bill as a supplier's inquiry itemised it, and what paying it will cost us.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillAnswer {
    pub bill: Bill,
    pub cost: Rupiah,
}

/// One line of a supplier's price list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriceItem {
    pub supplier_sku: String,
    pub cost: Rupiah,
    /// Whether the supplier sells it now (Digiflazz: buyer and seller status both on).
    pub active: bool,
}

/// One line of a supplier's price list with what describes it, for the catalogue import
/// (`crate::catalogue_import`); price sync needs only its [`PriceItem`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    pub item: PriceItem,
    /// The supplier's product name (`Telkomsel 10.000`, `Mobile Legends 86 Diamonds`).
    pub name: String,
    /// The supplier's category (`Pulsa`, `Games`, `E-Money`; IAK's `pulsa`, `game`, `etoll`).
    pub category: String,
    /// The supplier's brand (`TELKOMSEL`, `BY.U`, `MOBILE LEGENDS`).
    pub brand: String,
    /// The face value when the supplier states it as a number of its own (IAK's
    /// `product_nominal`); otherwise the import reads it from the name.
    pub nominal: Option<i64>,
    /// Free text: a data package's quota, a game's account format.
    pub detail: String,
    /// A daily window the supplier does not sell in (Digiflazz's cut-off).
    pub cut_off: Option<(chrono::NaiveTime, chrono::NaiveTime)>,
}

/// A price (`10150`, `"10150"`, `10150.0`) as whole rupiah; suppliers type it loosely.
pub(crate) fn whole_rupiah(v: &Value) -> Option<Rupiah> {
    let idr = match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.to_string().split('.').next()?.parse().ok()),
        Value::String(s) => s.trim().split('.').next()?.parse().ok(),
        _ => None,
    }?;
    (idr > 0).then(|| Rupiah::from_idr(idr))
}

/// Why an inquiry gave no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InquiryError {
    /// The supplier says the number or id is wrong.
    NotFound(String),
    /// No configured supplier offers this inquiry.
    NotOffered,
    /// The supplier did not answer in time or answered nonsense.
    Unavailable(String),
}

/// The ref_id of attempt `n` of an order: `K`, the order id in base 36, `-`, `n`. At most
/// 29 characters of `[A-Za-z0-9-]` (ref_ids are kept within 30 characters), and derived,
/// so a restarted worker computes the same one.
pub fn ref_id(order: OrderId, n: i64) -> String {
    ref_id_of(order.as_uuid(), n)
}

/// The ref_id of a bill inquiry (and so of its payment): derived from the inquiry's id the
/// same way, so a retried inquiry asks about the same ref_id, and ending `-0`, a number no
/// order attempt has: even a device that reused an order's id for an inquiry could not make
/// the two ref_ids meet.
pub fn inquiry_ref_id(inquiry: konter_domain::ids::InquiryId) -> String {
    ref_id_of(inquiry.as_uuid(), 0)
}

fn ref_id_of(id: uuid::Uuid, n: i64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut v = id.as_u128();
    let mut out = Vec::with_capacity(25);
    while v > 0 {
        out.push(DIGITS[(v % 36) as usize]);
        v /= 36;
    }
    out.reverse();
    format!("K{}-{n}", String::from_utf8_lossy(&out))
}

/// Fields that never go into the audit trail.
const REDACTED_FIELDS: [&str; 3] = ["username", "sign", "api_key"];

/// The request body as the audit trail keeps it.
pub fn redact(body: &Value) -> Value {
    let mut v = body.clone();
    if let Some(map) = v.as_object_mut() {
        for key in REDACTED_FIELDS {
            map.remove(key);
        }
    }
    v
}

/// The HTTP status and body text of a posted request, or why there was no (whole) answer.
pub type Posted<'a> = Pin<Box<dyn Future<Output = Result<(u16, String), String>> + Send + 'a>>;

/// What carries a request to a supplier and its answer back: HTTP in production, an
/// in-process supplier model in the simulation (`crates/konter-sim`). The adapters build the
/// requests and read the answers either way, so the model is spoken to in the real contract.
pub trait Transport: Send + Sync {
    /// Posts `body` as JSON to `url`; the HTTP status and the body's text, or why there was
    /// no (whole) answer. An `Err` never says whether the supplier received the request.
    fn post<'a>(&'a self, url: &'a str, body: &'a Value, timeout: Duration) -> Posted<'a>;

    /// A payment gateway's call (Midtrans): `GET` (no body) or `POST` of `body` as JSON, with
    /// `user` as the HTTP basic-auth user and an empty password.
    fn gateway<'a>(
        &'a self,
        url: &'a str,
        user: &'a str,
        body: Option<&'a Value>,
        timeout: Duration,
    ) -> Posted<'a>;
}

/// Sends `req` within `timeout`: the status and text of the answer, or why there was none.
async fn exchange(
    req: reqwest::RequestBuilder,
    timeout: Duration,
) -> Result<(u16, String), String> {
    let resp = req
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| e.without_url().to_string())?;
    let status = resp.status().as_u16();
    let text = resp
        .text()
        .await
        .map_err(|e| format!("HTTP {status}: the answer broke off: {}", e.without_url()))?;
    Ok((status, text))
}

/// The production transport: reqwest over HTTPS.
pub struct HttpTransport(reqwest::Client);

impl HttpTransport {
    pub fn new() -> Result<HttpTransport, reqwest::Error> {
        Ok(HttpTransport(reqwest::Client::builder().build()?))
    }
}

impl Transport for HttpTransport {
    fn post<'a>(&'a self, url: &'a str, body: &'a Value, timeout: Duration) -> Posted<'a> {
        Box::pin(exchange(self.0.post(url).json(body), timeout))
    }

    fn gateway<'a>(
        &'a self,
        url: &'a str,
        user: &'a str,
        body: Option<&'a Value>,
        timeout: Duration,
    ) -> Posted<'a> {
        let req = match body {
            Some(body) => self.0.post(url).json(body),
            None => self.0.get(url),
        };
        Box::pin(exchange(req.basic_auth(user, Some("")), timeout))
    }
}

/// Posts a JSON body and reads a JSON answer. `Err` carries why the answer is unusable; the
/// [`Call`] is filled either way.
pub(crate) async fn post_json(
    transport: &dyn Transport,
    url: String,
    operation: &'static str,
    body: &Value,
    timeout: Duration,
) -> (Result<Value, String>, Call) {
    let started = Instant::now();
    let mut call = Call {
        operation,
        request: redact(body),
        ..Call::default()
    };
    let answer = transport.post(&url, body, timeout).await;
    call.latency = started.elapsed();
    let (status, text) = match answer {
        Ok(answer) => answer,
        Err(why) => {
            call.response = format!("(no answer: {why})");
            return (Err(why), call);
        }
    };
    call.http_status = Some(status);
    call.response = text.clone();
    if status >= 500 {
        return (Err(format!("HTTP {status}")), call);
    }
    match serde_json::from_str::<Value>(&text) {
        Ok(v) => (Ok(v), call),
        Err(e) => (Err(format!("HTTP {status}: unreadable answer: {e}")), call),
    }
}

/// A question the cashier waits for (an inquiry, a balance): a short wait, then "not
/// available".
pub(crate) const INQUIRY_TIMEOUT: Duration = Duration::from_secs(8);

/// An inquiry to `url`: the answer's `data` object (or the whole answer where it has none),
/// or "not available" when no answer came.
pub(crate) async fn inquire(
    transport: &dyn Transport,
    url: String,
    operation: &'static str,
    body: &Value,
) -> (Result<Value, InquiryError>, Call) {
    let (answer, call) = post_json(transport, url, operation, body, INQUIRY_TIMEOUT).await;
    let data = answer.map_err(InquiryError::Unavailable).map(|v| {
        if v["data"].is_object() {
            v["data"].clone()
        } else {
            v
        }
    });
    (data, call)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ref_ids_are_short_derived_and_distinct() {
        let a = OrderId::new();
        let b = OrderId::new();
        assert_eq!(ref_id(a, 1), ref_id(a, 1), "derived, not random");
        assert_ne!(ref_id(a, 1), ref_id(a, 2));
        assert_ne!(ref_id(a, 1), ref_id(b, 1));
        for r in [ref_id(a, 1), ref_id(b, 99)] {
            assert!(r.len() <= 30, "{r}");
            assert!(
                r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
                "{r}"
            );
        }
    }

    #[test]
    fn audit_copies_never_hold_credentials() {
        let body = serde_json::json!({"username": "u", "sign": "abc", "ref_id": "K1-1"});
        let kept = redact(&body);
        assert_eq!(kept, serde_json::json!({"ref_id": "K1-1"}));
    }
}
