//! Digiflazz postpaid bills (docs/suppliers.md, "Digiflazz: postpaid bills"): `inq-pasca`,
//! `pay-pasca` and `status-pasca` on `/transaction` (field `commands`), and the `pasca` price
//! list (docs/suppliers.md, "Digiflazz: price list").
//!
//! A payment must name the ref_id of an inquiry for the same SKU and customer made on the
//! same calendar day (WIB); it is charged the inquiry's `price` (the bill's `selling_price`
//! minus the buyer's commission). A second `pay-pasca` of the same ref_id answers the
//! payment's current state and charges nothing.
//!
//! Outcomes by customer number: Digiflazz's documented test numbers for `pln`, `pdam`,
//! `internet`, `bpjs` and `multifinance`
//! (docs/suppliers.md, "Digiflazz: development mode and test numbers"); any other number by
//! its last digit: 3 the inquiry fails (rc 60, no bill), 6 the payment fails, 7 pending then
//! Sukses, 8 pending then Gagal, 2 two months owed (the older with a late fee), else one month.

use axum::http::StatusCode;
use chrono::{Datelike, FixedOffset, NaiveDate, Utc};
use serde_json::{Map, Value, json};

use super::{
    Rejection, authenticate, open_purchase, payload_error, purchase_data, reject, testing_flag,
    text, words,
};
use crate::catalogue::{Kind, Product};
use crate::ledger::{Key, MAX_PURCHASES, NewPurchase};
use crate::lifecycle::{Fields, Reply};
use crate::rules::{self, Failure, Final, Plan, Status, Waiting};
use crate::{Api, Sandbox};

/// A payable bill product with its admin fee per period and the buyer's commission per
/// period.
pub struct PascaProduct {
    pub product: Product,
    pub admin_idr: i64,
    pub commission_idr: i64,
    /// The late fee on every month but the newest.
    pub late_fee_idr: i64,
}

const fn bill(
    code: &'static str,
    name: &'static str,
    brand: &'static str,
    admin_idr: i64,
    commission_idr: i64,
    late_fee_idr: i64,
) -> PascaProduct {
    PascaProduct {
        product: Product {
            digiflazz_code: code,
            iak_code: None,
            name,
            kind: Kind::Bill,
            brand,
            nominal_idr: 0,
            detail: "",
            digiflazz_price_idr: 0,
            iak_price_idr: 0,
        },
        admin_idr,
        commission_idr,
        late_fee_idr,
    }
}

pub static PASCA: [PascaProduct; 5] = [
    bill(
        "pln",
        "PLN Pascabayar",
        "PLN PASCABAYAR",
        2_500,
        1_000,
        5_000,
    ),
    bill("bpjs", "BPJS Kesehatan", "BPJS KESEHATAN", 2_500, 1_000, 0),
    bill("pdam", "PDAM", "PDAM", 2_500, 800, 10_000),
    bill(
        "internet",
        "Internet & TV",
        "INTERNET PASCABAYAR",
        2_500,
        800,
        0,
    ),
    bill(
        "multifinance",
        "Multifinance",
        "MULTIFINANCE",
        5_000,
        1_500,
        25_000,
    ),
];

pub fn by_code(code: &str) -> Option<&'static PascaProduct> {
    PASCA.iter().find(|p| p.product.digiflazz_code == code)
}

/// What happens to a bill of one customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// Owes this many months; the payment succeeds.
    Owes(u8),
    InquiryFails,
    PaymentFails,
    PendingThenSuccess(u8),
    PendingThenFailed,
}

use Scenario::*;

/// Digiflazz's documented postpaid test numbers
/// (docs/suppliers.md, "Digiflazz: development mode and test numbers").
const TEST_NUMBERS: &[(&str, &str, Scenario)] = &[
    ("pln", "530000000001", Owes(1)),
    ("pln", "530000000002", Owes(2)),
    ("pln", "530000000003", InquiryFails),
    ("pln", "530000000006", PaymentFails),
    ("pln", "630000000001", PendingThenSuccess(1)),
    ("pln", "630000000002", PendingThenSuccess(2)),
    ("pln", "630000000006", PendingThenFailed),
    ("pdam", "1013226", Owes(1)),
    ("pdam", "1013227", InquiryFails),
    ("pdam", "1013230", PaymentFails),
    ("pdam", "2013226", PendingThenSuccess(1)),
    ("pdam", "2013230", PendingThenFailed),
    ("internet", "6391601001", Owes(1)),
    ("internet", "6391601002", InquiryFails),
    ("internet", "6391601005", PaymentFails),
    ("internet", "7391601001", PendingThenSuccess(1)),
    ("internet", "7391601005", PendingThenFailed),
    ("bpjs", "8801234560001", Owes(1)),
    ("bpjs", "8801234560002", InquiryFails),
    ("bpjs", "8801234560005", PaymentFails),
    ("bpjs", "9801234560001", PendingThenSuccess(1)),
    ("bpjs", "9801234560005", PendingThenFailed),
    ("multifinance", "6391601201", Owes(1)),
    ("multifinance", "6391601202", InquiryFails),
    ("multifinance", "6391601205", PaymentFails),
    ("multifinance", "7391601201", PendingThenSuccess(1)),
    ("multifinance", "7391601205", PendingThenFailed),
];

pub fn scenario(sku: &str, customer_no: &str) -> Scenario {
    if let Some((_, _, s)) = TEST_NUMBERS
        .iter()
        .find(|(k, n, _)| *k == sku && *n == customer_no)
    {
        return *s;
    }
    match rules::last_digit(customer_no) {
        3 => InquiryFails,
        6 => PaymentFails,
        7 => PendingThenSuccess(1),
        8 => PendingThenFailed,
        2 => Owes(2),
        _ => Owes(1),
    }
}

/// A bill looked up by `inq-pasca`, kept for the payment that names its ref_id.
#[derive(Clone, Debug)]
pub struct Inquiry {
    pub sku: &'static str,
    pub customer_no: String,
    /// The WIB calendar day of the inquiry; the bill can be paid on that day only.
    pub day: NaiveDate,
    pub scenario: Scenario,
    /// What the buyer is charged on payment.
    pub price_idr: i64,
    /// The bill's fields every answer about it repeats.
    pub fields: Map<String, Value>,
}

/// Western Indonesia Time, Digiflazz's calendar for the same-day rule.
const WIB: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+7 is a valid offset"),
};

fn wib_today() -> NaiveDate {
    Utc::now().with_timezone(&WIB).date_naive()
}

/// `YYYYMM` of the month `back` months before `day`'s.
fn period(day: NaiveDate, back: u32) -> String {
    let months = day.year() * 12 + i32::try_from(day.month0()).unwrap_or(0)
        - i32::try_from(back).unwrap_or(0);
    format!(
        "{:04}{:02}",
        months.div_euclid(12),
        months.rem_euclid(12) + 1
    )
}

fn amount(sku: &str, customer_no: &str, month: &str) -> i64 {
    let s = rules::seed(&["bill", sku, customer_no, month]);
    let step = i64::try_from(s % 300).unwrap_or(0);
    match sku {
        // BPJS Kesehatan kelas 3 is Rp35.000 a member a month.
        "bpjs" => 35_000 * (1 + step % 4),
        "pdam" => 30_000 + step * 400,
        "internet" => 250_000 + (step % 5) * 50_000,
        "multifinance" => 650_000 + (step % 8) * 50_000,
        _ => 60_000 + step * 1_000,
    }
}

/// The bill of `customer_no` owing `months` months, as the inquiry answers it.
fn make_bill(
    p: &PascaProduct,
    customer_no: &str,
    months: u8,
    day: NaiveDate,
) -> (i64, Map<String, Value>) {
    let sku = p.product.digiflazz_code;
    let months = u32::from(months.max(1));
    let mut detail = Vec::new();
    let mut bill = 0;
    let mut penalty = 0;
    let mut stand =
        10_000 + i64::try_from(rules::seed(&["stand", customer_no]) % 50_000).unwrap_or(0);
    for back in (0..months).rev() {
        let month = period(day, back);
        let value = amount(sku, customer_no, &month);
        let late = if back > 0 { p.late_fee_idr } else { 0 };
        bill += value;
        penalty += late;
        // The numbers inside `detail` are strings
        // (docs/suppliers.md, "Digiflazz: postpaid bills").
        let mut row = json!({"periode": month, "nilai_tagihan": value.to_string(),
            "admin": p.admin_idr.to_string(), "denda": late.to_string()});
        if sku == "pln" {
            let used = value / 1_450;
            row["meter_awal"] = json!(format!("{stand:08}"));
            stand += used;
            row["meter_akhir"] = json!(format!("{stand:08}"));
        }
        detail.push(row);
    }
    let admin = p.admin_idr * i64::from(months);
    let selling_price = bill + penalty + admin;
    let price = selling_price - p.product_commission(months);
    let name = rules::person_name(customer_no);
    let desc = match sku {
        "pln" => {
            let m = rules::meter(customer_no);
            json!({"tarif": m.tariff, "daya": m.power_va, "lembar_tagihan": months.to_string(), "detail": detail})
        }
        "bpjs" => {
            json!({"jumlah_peserta": "1", "lembar_tagihan": months.to_string(), "detail": detail})
        }
        _ => json!({"lembar_tagihan": months.to_string(), "detail": detail}),
    };
    let periode = (0..months)
        .rev()
        .map(|b| period(day, b))
        .collect::<Vec<_>>()
        .join(",");
    let mut fields = Map::new();
    fields.insert("customer_name".into(), json!(name));
    fields.insert("admin".into(), json!(admin));
    fields.insert("selling_price".into(), json!(selling_price));
    fields.insert("periode".into(), json!(periode));
    fields.insert("desc".into(), desc);
    (price, fields)
}

impl PascaProduct {
    fn product_commission(&self, months: u32) -> i64 {
        self.commission_idr * i64::from(months)
    }
}

/// The `pasca` price list: no price, stock or cut-off; admin and commission instead
/// (docs/suppliers.md, "Digiflazz: price list").
pub fn price_list(filters: &[(&str, String)]) -> Vec<Value> {
    PASCA
        .iter()
        .filter(|p| {
            filters.iter().all(|(name, want)| match *name {
                "code" => p.product.digiflazz_code.to_lowercase() == *want,
                "brand" => p.product.brand.to_lowercase() == *want,
                _ => true,
            })
        })
        .map(|p| {
            json!({"product_name": p.product.name, "category": "Pascabayar",
                "brand": p.product.brand, "seller_name": "KONTER SANDBOX",
                "admin": p.admin_idr, "commission": p.commission_idr,
                "buyer_sku_code": p.product.digiflazz_code, "buyer_product_status": true,
                "seller_product_status": true,
                "desc": "inq-pasca lalu pay-pasca dengan ref_id yang sama, di hari yang sama"})
        })
        .collect()
}

type Refused = (Rejection, i64);

/// `inq-pasca`, `pay-pasca` or `status-pasca`.
pub(crate) fn transact(s: &Sandbox, f: &Fields) -> Result<Reply, Refused> {
    let read = || -> Result<_, Rejection> {
        let command = text(f, "commands")?;
        let sku = text(f, "buyer_sku_code")?;
        let customer_no = text(f, "customer_no")?;
        let ref_id = text(f, "ref_id")?;
        Ok((command, sku, customer_no, ref_id, testing_flag(f)?))
    };
    let (command, sku, customer_no, ref_id, testing) = read().map_err(|r| (r, 0))?;
    let key = authenticate(s, f, ref_id).map_err(|r| (r, 0))?;
    if (key == Key::Dev) != testing {
        return Err((reject("41", "Signature Anda salah"), 0));
    }
    let call = Call {
        key,
        sku,
        customer_no,
        ref_id,
        testing,
    };
    match command {
        "inq-pasca" => inquire(s, &call),
        "pay-pasca" => pay(s, &call),
        "status-pasca" => status(s, &call),
        _ => Err((
            payload_error("commands must be inq-pasca, pay-pasca or status-pasca"),
            0,
        )),
    }
}

struct Call<'a> {
    key: Key,
    sku: &'a str,
    customer_no: &'a str,
    ref_id: &'a str,
    testing: bool,
}

fn ok(data: Value) -> Reply {
    Reply::new(StatusCode::OK, json!({ "data": data }))
}

fn inquiry_data(c: &Call, inq: &Inquiry, balance: i64) -> Value {
    let mut data = json!({"ref_id": c.ref_id, "customer_no": inq.customer_no,
        "buyer_sku_code": inq.sku, "message": "Transaksi Sukses", "status": "Sukses",
        "rc": "00", "sn": "", "buyer_last_saldo": balance, "price": inq.price_idr});
    if let Value::Object(out) = &mut data {
        out.extend(inq.fields.clone());
    }
    data
}

fn inquire(s: &Sandbox, c: &Call) -> Result<Reply, Refused> {
    let mut books = s.books(Api::Digiflazz);
    let balance = books.balance_idr(c.key);
    let slot = (c.key, c.ref_id.to_owned());
    if let Some(inq) = books.inquiries.get(&slot) {
        if inq.sku == c.sku && inq.customer_no == c.customer_no {
            return Ok(ok(inquiry_data(c, inq, balance)));
        }
        return Err((reject("49", "Ref ID tidak unik"), balance));
    }
    let Some(product) = by_code(c.sku) else {
        return Err((reject("43", "SKU Tidak di Temukan atau Non-Aktif"), balance));
    };
    if rules::check_number(Api::Digiflazz, Kind::Bill, c.customer_no).is_err() {
        let (rc, _, message) = words(Status::Failed(Failure::WrongDigitCount));
        return Err((reject(rc, message), balance));
    }
    let plan = scenario(c.sku, c.customer_no);
    let months = match plan {
        InquiryFails => return Err((reject("60", "Tagihan belum tersedia"), balance)),
        Owes(n) | PendingThenSuccess(n) => n,
        PaymentFails | PendingThenFailed => 1,
    };
    if books.inquiries.len() >= MAX_PURCHASES {
        return Err((reject("62", "Seller sedang mengalami gangguan"), balance));
    }
    let day = wib_today();
    let (price_idr, fields) = make_bill(product, c.customer_no, months, day);
    let inq = Inquiry {
        sku: product.product.digiflazz_code,
        customer_no: c.customer_no.to_owned(),
        day,
        scenario: plan,
        price_idr,
        fields,
    };
    let data = inquiry_data(c, &inq, balance);
    books.inquiries.insert(slot, inq);
    Ok(ok(data))
}

fn pay(s: &Sandbox, c: &Call) -> Result<Reply, Refused> {
    let mut books = s.books(Api::Digiflazz);
    let balance = books.balance_idr(c.key);
    if let Some(p) = books.get(c.key, c.ref_id) {
        if p.product.digiflazz_code == c.sku && p.customer_no == c.customer_no {
            return Ok(ok(purchase_data(p)));
        }
        return Err((reject("49", "Ref ID tidak unik"), balance));
    }
    let Some(inq) = books.inquiries.get(&(c.key, c.ref_id.to_owned())).cloned() else {
        return Err((
            reject("50", "Transaksi Tidak Ditemukan, lakukan inquiry dulu"),
            balance,
        ));
    };
    if inq.sku != c.sku || inq.customer_no != c.customer_no {
        return Err((reject("49", "Ref ID tidak unik"), balance));
    }
    if inq.day != wib_today() {
        return Err((
            reject("02", "Inquiry sudah kedaluwarsa, lakukan inquiry ulang"),
            balance,
        ));
    }
    let Some(product) = by_code(inq.sku) else {
        return Err((reject("43", "SKU Tidak di Temukan atau Non-Aktif"), balance));
    };
    let plan = match inq.scenario {
        PaymentFails => Plan::Now(Final::Failed(Failure::Failed)),
        PendingThenSuccess(_) => Plan::Later {
            waiting: Waiting::Normal,
            then: Final::Success,
        },
        PendingThenFailed => Plan::Later {
            waiting: Waiting::Normal,
            then: Final::Failed(Failure::Failed),
        },
        Owes(_) | InquiryFails => Plan::Now(Final::Success),
    };
    let new = NewPurchase {
        key: c.key,
        ref_id: c.ref_id.to_owned(),
        product: &product.product,
        customer_no: c.customer_no.to_owned(),
        price_idr: inq.price_idr,
        testing: c.testing,
        cb_url: None,
        extra: Some(inq.fields.clone()),
    };
    open_purchase(s, &mut books, new, plan)
}

fn status(s: &Sandbox, c: &Call) -> Result<Reply, Refused> {
    let books = s.books(Api::Digiflazz);
    let balance = books.balance_idr(c.key);
    match books.get(c.key, c.ref_id) {
        Some(p) if p.product.digiflazz_code == c.sku && p.customer_no == c.customer_no => {
            Ok(ok(purchase_data(p)))
        }
        Some(_) => Err((reject("49", "Ref ID tidak unik"), balance)),
        None => Err((reject("50", "Transaksi Tidak Ditemukan"), balance)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_numbers_and_last_digits() {
        assert_eq!(scenario("pln", "530000000002"), Owes(2));
        assert_eq!(scenario("pdam", "1013227"), InquiryFails);
        assert_eq!(scenario("bpjs", "9801234560005"), PendingThenFailed);
        assert_eq!(scenario("pln", "123456789013"), InquiryFails);
        assert_eq!(scenario("pln", "123456789017"), PendingThenSuccess(1));
        assert_eq!(scenario("pdam", "5550001"), Owes(1));
    }

    #[test]
    fn a_bill_adds_up_and_periods_count_back() {
        let day = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap_or_default();
        assert_eq!(period(day, 0), "202601");
        assert_eq!(period(day, 1), "202512");
        let Some(pln) = by_code("pln") else {
            panic!("pln product")
        };
        let (price, fields) = make_bill(pln, "530000000002", 2, day);
        let detail = fields["desc"]["detail"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(detail.len(), 2);
        let sum: i64 = detail
            .iter()
            .map(|d| {
                ["nilai_tagihan", "admin", "denda"]
                    .iter()
                    .map(|k| {
                        d[*k]
                            .as_str()
                            .and_then(|v| v.parse::<i64>().ok())
                            .unwrap_or(-1)
                    })
                    .sum::<i64>()
            })
            .sum();
        assert_eq!(fields["selling_price"], json!(sum));
        assert_eq!(price, sum - 2 * pln.commission_idr);
        assert_eq!(detail[0]["denda"], "5000", "the older month is late");
        assert_eq!(detail[0]["meter_akhir"], detail[1]["meter_awal"]);
    }
}
