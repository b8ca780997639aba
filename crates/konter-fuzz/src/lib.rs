//! Fuzz targets: each takes arbitrary bytes, feeds them to one parser that reads outside
//! input, and checks what the parser promises beyond "does not panic" (a number that parses
//! parses again to itself, a success is only read from a success status, …). A broken
//! promise panics, which both drivers report as a crash:
//!
//! - `make fuzz` runs [`drive`] (stable Rust, in `src/main.rs`): inputs mutated from each
//!   target's seed corpus and random bytes, 10 million per target by default;
//! - `fuzz/` holds the same targets for `cargo fuzz` (libFuzzer, coverage-guided, nightly
//!   Rust), used where a nightly toolchain is at hand.
//!
//! Every crash found becomes a unit test next to the parser it broke.

use konter_domain::money::Rupiah;
use konter_domain::phone::PhoneNumber;
use konter_domain::pln::{PlnNumber, PlnToken, PlnTokenSn};
use konter_server::suppliers::{Asked, Outcome, digiflazz, iak};
use serde_json::Value;

pub mod driver;

pub use driver::drive;

/// One fuzz target: its name, what it reads, and inputs to start mutating from.
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8]),
    pub seeds: &'static [&'static str],
}

/// Every target, as `make fuzz` and `fuzz/` name them.
pub const TARGETS: [Target; 9] = [
    Target {
        name: "phone",
        run: phone,
        seeds: &[
            "081234567890",
            "+62 812-3456-7890",
            "62812 3456 7890",
            "0895.1234.5678",
            "(0812) 3456 7890",
        ],
    },
    Target {
        name: "pln_number",
        run: pln_number,
        seeds: &[
            "12345678901",
            "123 456 789 012",
            "512-345-678-901",
            "12.345.678.901",
        ],
    },
    Target {
        name: "sn_token",
        run: sn_token,
        seeds: &[
            "1234-5678-9012-3456-7890/BUDI SANTOSO/R1/1300/32.5",
            "12345678901234567890",
            "1234 5678 9012 3456 7890/A/B/C/D/E",
            "SN00000001",
        ],
    },
    Target {
        name: "money",
        run: money,
        seeds: &[
            "10000",
            "10000.00",
            "1234567.5",
            "0",
            "-5",
            "9223372036854775807",
        ],
    },
    Target {
        name: "digiflazz_answer",
        run: digiflazz_answer,
        seeds: &[
            r#"{"data":{"ref_id":"K1-1","status":"Sukses","rc":"00","sn":"SN1","price":10300}}"#,
            r#"{"data":{"ref_id":"K1-1","status":"Gagal","rc":"45","message":"IP","price":0}}"#,
            r#"{"data":{"ref_id":"K1-1","status":"Pending","rc":"03","price":"10300"}}"#,
        ],
    },
    Target {
        name: "iak_answer",
        run: iak_answer,
        seeds: &[
            r#"{"data":{"ref_id":"K1-1","status":1,"rc":"00","sn":"SN1","price":10350}}"#,
            r#"{"data":{"ref_id":"K1-1","status":2,"rc":"106","message":"x","price":0}}"#,
            r#"{"data":{"ref_id":"K1-1","status":"0","rc":"39","price":"10350"}}"#,
        ],
    },
    Target {
        name: "webhook_digiflazz",
        run: webhook_digiflazz,
        seeds: &[
            r#"{"data":{"trx_id":"1","ref_id":"K1-1","customer_no":"081234567890","buyer_sku_code":"tsel10","message":"Transaksi Sukses","status":"Sukses","rc":"00","sn":"SN","price":10300}}"#,
        ],
    },
    Target {
        name: "webhook_iak",
        run: webhook_iak,
        seeds: &[
            r#"{"data":{"ref_id":"K1-1","status":"1","code":"htelkomsel10000","hp":"081234567890","price":"10350","message":"SUCCESS","sn":"SN","balance":"1","tr_id":"9","rc":"00","sign":"abc"}}"#,
        ],
    },
    Target {
        name: "webhook_midtrans",
        run: webhook_midtrans,
        seeds: &[
            r#"{"order_id":"DEP-0","status_code":"200","gross_amount":"50000.00","signature_key":"ab","transaction_status":"settlement"}"#,
        ],
    },
];

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// A typed phone number: one that parses prints as a number that parses to the same.
pub fn phone(data: &[u8]) {
    let Some(input) = text(data) else { return };
    if let Ok(p) = PhoneNumber::parse(input) {
        let again = PhoneNumber::parse(&p.to_string());
        assert_eq!(
            again.as_ref().ok(),
            Some(&p),
            "{input:?} -> {p} -> {again:?}"
        );
        assert!(p.local().bytes().all(|b| b.is_ascii_digit()), "{p}");
    }
}

/// A typed PLN number: 11 or 12 digits, every one typed, in order.
pub fn pln_number(data: &[u8]) {
    let Some(input) = text(data) else { return };
    if let Ok(n) = PlnNumber::parse(input) {
        let digits: String = input.chars().filter(char::is_ascii_digit).collect();
        assert_eq!(n.as_str(), digits, "{input:?}");
        assert!(
            matches!(n.as_str().len(), 11 | 12),
            "{input:?} -> {}",
            n.as_str()
        );
        assert_eq!(PlnNumber::parse(n.as_str()).ok(), Some(n));
    }
}

/// A supplier's serial number: a token is 20 digits taken from its first field.
pub fn sn_token(data: &[u8]) {
    let Some(sn) = text(data) else { return };
    if let Ok(t) = PlnToken::from_sn(sn) {
        assert_eq!(t.digits().len(), 20, "{sn:?}");
        assert!(t.digits().bytes().all(|b| b.is_ascii_digit()));
    }
    if let Ok(full) = PlnTokenSn::parse(sn) {
        assert_eq!(Some(full.token), PlnToken::from_sn(sn).ok(), "{sn:?}");
    }
}

/// A decimal amount: whole rupiah read back from their own digits.
pub fn money(data: &[u8]) {
    let Some(input) = text(data) else { return };
    if let Ok(r) = Rupiah::from_decimal_str(input) {
        assert_eq!(
            Rupiah::from_decimal_str(&r.idr().to_string()).ok(),
            Some(r),
            "{input:?}"
        );
    }
}

/// What an outcome may be, given the status word the supplier sent: a success only from a
/// success, and an answer to a status question never "nothing was bought" through a refusal
/// of the question (docs/exactly-once.md) — failing over from a status answer is allowed only
/// where the supplier reports the transaction itself out of service (`elsewhere_rc`).
fn check_outcome(outcome: &Outcome, success_status: bool, asked: Asked, elsewhere_rc: bool) {
    if matches!(outcome, Outcome::Success { .. }) {
        assert!(
            success_status,
            "a success read from another status: {outcome:?}"
        );
    }
    if asked == Asked::Status {
        assert!(
            !matches!(outcome, Outcome::RejectedConfig { .. }),
            "a refused question read as a refused purchase: {outcome:?}"
        );
        if matches!(outcome, Outcome::FailedTryElsewhere { .. }) {
            assert!(elsewhere_rc, "failover from a status answer: {outcome:?}");
        }
    }
}

fn json(data: &[u8]) -> Option<Value> {
    serde_json::from_slice(data).ok()
}

/// A Digiflazz answer, read as the answer to a purchase and to a status question.
pub fn digiflazz_answer(data: &[u8]) {
    let Some(v) = json(data) else { return };
    let d = &v["data"];
    let success = d["status"].as_str() == Some("Sukses");
    for asked in [Asked::Buy, Asked::Status] {
        check_outcome(&digiflazz::classify_data(asked, d), success, asked, false);
    }
    let _ = digiflazz::parse_bill(d);
}

/// An IAK answer (numbers) or callback (strings).
pub fn iak_answer(data: &[u8]) {
    let Some(v) = json(data) else { return };
    let d = &v["data"];
    let success = d["status"] == 1 || d["status"] == "1";
    let out_of_service = d["rc"] == "106" || d["rc"] == 106;
    for asked in [Asked::Buy, Asked::Status] {
        check_outcome(
            &iak::classify_data(asked, d),
            success,
            asked,
            out_of_service,
        );
    }
}

/// A Digiflazz webhook body: its signature over any bytes, then its `data`.
pub fn webhook_digiflazz(data: &[u8]) {
    let header = format!("sha1={}", "0".repeat(40));
    assert!(!digiflazz::verify_webhook("secret", data, Some(&header)));
    assert!(!digiflazz::verify_webhook("secret", data, None));
    digiflazz_answer(data);
}

/// An IAK callback body: read as a wake-up only, its `data` as a status answer.
pub fn webhook_iak(data: &[u8]) {
    iak_answer(data);
}

/// A Midtrans notification: the fields the server relies on, and its signature check.
pub fn webhook_midtrans(data: &[u8]) {
    let Ok(n) = serde_json::from_slice::<konter_server::deposits::Notification>(data) else {
        return;
    };
    let expected = konter_server::midtrans::signature(
        &n.order_id,
        &n.status_code,
        &n.gross_amount,
        "server-key",
    );
    let matches =
        konter_server::midtrans::constant_time_eq(expected.as_bytes(), n.signature_key.as_bytes());
    assert_eq!(matches, expected == n.signature_key);
}
