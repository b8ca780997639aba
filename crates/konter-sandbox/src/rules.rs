//! The simulator's deterministic rules: whether a customer number is well formed for a
//! product (docs/suppliers.md, "Indonesian mobile numbers and operator prefixes" and
//! "PLN numbers and tokens"), what happens to a purchase (decided by the number's last
//! digit), and the made-up but stable names, serials and PLN tokens that come back. Both
//! suppliers share these rules; each renders the outcome in its own codes.
//!
//! The last-digit rule (the last ASCII digit of the customer number, so `user|zone` and
//! `user`+`zone` agree):
//!
//! | digit      | outcome                                                        |
//! |------------|----------------------------------------------------------------|
//! | 0, 1, 8, 9 | success at once                                                |
//! | 2          | failed at once (Digiflazz rc 02, IAK rc 07)                     |
//! | 3          | pending, then success after the pending delay                   |
//! | 4          | pending, then failed (rc 02 / 07) after the pending delay       |
//! | 5          | pending as "DF Router Issue" (rc 99 / IAK rc 201), then success |
//! | 6          | failed at once: wrong number (rc 54 / IAK 14; games: IAK 142)   |
//! | 7          | failed at once: product disrupted (rc 55 / IAK 106)             |
//!
//! Digiflazz's magic numbers `087800001230/2/3/4`
//! (docs/suppliers.md, "Digiflazz: development mode and test numbers") are instances of this
//! table.

use crate::Api;
use crate::catalogue::{Game, Kind, Operator, Product};

/// Domestic mobile numbers are 10 to 13 digits with the leading 0
/// (docs/suppliers.md, "Indonesian mobile numbers and operator prefixes").
const MIN_PHONE_DIGITS: usize = 10;
const MAX_PHONE_DIGITS: usize = 13;
/// PLN meter numbers have 11 digits, customer IDs (IDPEL) 12
/// (docs/suppliers.md, "PLN numbers and tokens").
const PLN_METER_DIGITS: usize = 11;
const PLN_IDPEL_DIGITS: usize = 12;
/// A Mobile Legends user id has 6 to 10 digits and a zone 3 to 5; Digiflazz takes them
/// concatenated, IAK as `user|zone` (docs/suppliers.md,
/// "Digiflazz: game customer numbers" and "IAK: game codes and account formats").
const ML_USER_DIGITS: std::ops::RangeInclusive<usize> = 6..=10;
const ML_ZONE_DIGITS: std::ops::RangeInclusive<usize> = 3..=5;
/// Free Fire player ids run from 6 to 12 digits.
const FF_USER_DIGITS: std::ops::RangeInclusive<usize> = 6..=12;
/// Genshin UIDs have 9 or 10 digits; IAK adds the server after a `|`.
const GENSHIN_UID_DIGITS: std::ops::RangeInclusive<usize> = 9..=10;
const GENSHIN_SERVERS: [&str; 4] = ["os_asia", "os_usa", "os_euro", "os_cht"];

/// Why a purchase failed, in the simulator's words; each supplier renders its own rc.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    Failed,
    WrongNumber,
    WrongDigitCount,
    NumberTooLong,
    PrefixMismatch,
    Disrupted,
    InvalidGameAccount,
    InvalidUserId,
    Refunded,
}

/// Why a purchase is still pending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Waiting {
    Normal,
    RouterIssue,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Pending(Waiting),
    Success,
    Failed(Failure),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Final {
    Success,
    Failed(Failure),
}

impl From<Final> for Status {
    fn from(f: Final) -> Status {
        match f {
            Final::Success => Status::Success,
            Final::Failed(why) => Status::Failed(why),
        }
    }
}

/// What will happen to an accepted purchase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    Now(Final),
    Later { waiting: Waiting, then: Final },
}

/// The plan for `customer_no` buying `product` at `api`: a malformed number fails at once,
/// anything else follows the last-digit table.
pub fn judge(api: Api, product: &Product, customer_no: &str) -> Plan {
    if let Err(why) = check_number(api, product.kind, customer_no) {
        return Plan::Now(Final::Failed(why));
    }
    let digit = last_digit(customer_no);
    let wrong = match product.kind {
        Kind::Game(_) => Failure::InvalidUserId,
        _ => Failure::WrongNumber,
    };
    match digit {
        2 => Plan::Now(Final::Failed(Failure::Failed)),
        3 => Plan::Later {
            waiting: Waiting::Normal,
            then: Final::Success,
        },
        4 => Plan::Later {
            waiting: Waiting::Normal,
            then: Final::Failed(Failure::Failed),
        },
        5 => Plan::Later {
            waiting: Waiting::RouterIssue,
            then: Final::Success,
        },
        6 => Plan::Now(Final::Failed(wrong)),
        7 => Plan::Now(Final::Failed(Failure::Disrupted)),
        _ => Plan::Now(Final::Success),
    }
}

/// The digit that decides the outcome: the number's last ASCII digit (0 if none).
pub fn last_digit(customer_no: &str) -> u8 {
    customer_no
        .bytes()
        .rev()
        .find(u8::is_ascii_digit)
        .map_or(0, |b| b - b'0')
}

/// Digit 6 is the "wrong number" outcome, which inquiries report too.
pub fn unknown_customer(customer_no: &str) -> bool {
    last_digit(customer_no) == 6
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `customer_no` has the shape `kind` needs at `api`.
pub fn check_number(api: Api, kind: Kind, no: &str) -> Result<(), Failure> {
    match kind {
        Kind::Pulsa(op) | Kind::Data(op) => {
            check_phone(no)?;
            let sold_to = operator_of(no);
            let fits = match op {
                // by.U numbers are Telkomsel numbers, so Telkomsel pulsa reaches them too.
                Operator::Telkomsel => matches!(sold_to, Some(Operator::Telkomsel | Operator::ByU)),
                other => sold_to == Some(other),
            };
            if fits {
                Ok(())
            } else {
                Err(Failure::PrefixMismatch)
            }
        }
        Kind::EMoney => check_phone(no),
        Kind::Pln => {
            if all_digits(no) && (no.len() == PLN_METER_DIGITS || no.len() == PLN_IDPEL_DIGITS) {
                Ok(())
            } else {
                Err(Failure::WrongDigitCount)
            }
        }
        Kind::Game(game) => check_game_id(api, game, no),
        Kind::Bill => {
            if (4..=20).contains(&no.len()) && no.bytes().all(|b| b.is_ascii_alphanumeric()) {
                Ok(())
            } else {
                Err(Failure::WrongDigitCount)
            }
        }
    }
}

fn check_phone(no: &str) -> Result<(), Failure> {
    if !no.starts_with("08") || !all_digits(no) {
        return Err(Failure::WrongNumber);
    }
    if no.len() < MIN_PHONE_DIGITS {
        return Err(Failure::WrongDigitCount);
    }
    if no.len() > MAX_PHONE_DIGITS {
        return Err(Failure::NumberTooLong);
    }
    // Mobile numbers are 08[1-35-9]…; 080x and 084x are not mobile ranges
    // (docs/suppliers.md, "Indonesian mobile numbers and operator prefixes").
    match no.as_bytes().get(2) {
        Some(b'0' | b'4') => Err(Failure::WrongNumber),
        _ => Ok(()),
    }
}

/// The operator a number belongs to by its prefix, taking the union where sources disagree
/// (docs/suppliers.md, "Indonesian mobile numbers and operator prefixes").
pub fn operator_of(no: &str) -> Option<Operator> {
    use Operator::*;
    if ["085154", "085155", "085156", "085157", "085158"]
        .iter()
        .any(|p| no.starts_with(p))
    {
        return Some(ByU);
    }
    let table: [(Operator, &[&str]); 6] = [
        (
            Telkomsel,
            &[
                "0811", "0812", "0813", "0821", "0822", "0823", "0851", "0852", "0853",
            ],
        ),
        (
            Indosat,
            &["0814", "0815", "0816", "0855", "0856", "0857", "0858"],
        ),
        (Xl, &["0817", "0818", "0819", "0859", "0877", "0878"]),
        (Axis, &["0831", "0832", "0833", "0837", "0838"]),
        (Tri, &["0895", "0896", "0897", "0898", "0899"]),
        (
            Smartfren,
            &[
                "0881", "0882", "0883", "0884", "0885", "0886", "0887", "0888", "0889",
            ],
        ),
    ];
    table
        .iter()
        .find(|(_, prefixes)| prefixes.iter().any(|p| no.starts_with(p)))
        .map(|(op, _)| *op)
}

fn check_game_id(api: Api, game: Game, no: &str) -> Result<(), Failure> {
    let digits_in =
        |s: &str, r: &std::ops::RangeInclusive<usize>| all_digits(s) && r.contains(&s.len());
    match (api, game) {
        (Api::Digiflazz, Game::MobileLegends) => {
            let total = ML_USER_DIGITS.start() + ML_ZONE_DIGITS.start()
                ..=ML_USER_DIGITS.end() + ML_ZONE_DIGITS.end();
            ok_or(digits_in(no, &total), Failure::InvalidUserId)
        }
        (Api::Iak, Game::MobileLegends) => match no.split_once('|') {
            Some((user, zone))
                if digits_in(user, &ML_USER_DIGITS) && digits_in(zone, &ML_ZONE_DIGITS) =>
            {
                Ok(())
            }
            _ => Err(Failure::InvalidGameAccount),
        },
        (_, Game::FreeFire) => ok_or(digits_in(no, &FF_USER_DIGITS), Failure::InvalidUserId),
        (Api::Digiflazz, Game::Genshin) => {
            ok_or(digits_in(no, &GENSHIN_UID_DIGITS), Failure::InvalidUserId)
        }
        (Api::Iak, Game::Genshin) => match no.split_once('|') {
            Some((uid, server))
                if digits_in(uid, &GENSHIN_UID_DIGITS) && GENSHIN_SERVERS.contains(&server) =>
            {
                Ok(())
            }
            _ => Err(Failure::InvalidGameAccount),
        },
    }
}

fn ok_or(ok: bool, why: Failure) -> Result<(), Failure> {
    if ok { Ok(()) } else { Err(why) }
}

/// FNV-1a over the parts: a stable seed (std's hasher may change between releases, and the
/// same number must always get the same name).
pub fn seed(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// `n` pseudo-random decimal digits from `seed` (splitmix64 steps).
pub fn digits(mut seed: u64, n: usize) -> String {
    (0..n)
        .map(|_| {
            seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = seed;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            char::from(b'0' + u8::try_from((z ^ (z >> 31)) % 10).unwrap_or(0))
        })
        .collect()
}

const NAMES: [&str; 12] = [
    "BUDI SANTOSO",
    "SITI AMINAH",
    "AGUS SETIAWAN",
    "DEWI LESTARI",
    "HENDRA GUNAWAN",
    "SRI MULYANI",
    "ANDI PRATAMA",
    "NUR HIDAYAH",
    "EKO PRASETYO",
    "RATNA SARI",
    "YOGI SAPUTRA",
    "FITRI HANDAYANI",
];
const NICKNAMES: [&str; 8] = [
    "budi",
    "SiPalingMVP",
    "AyamGeprek99",
    "KopiSusuGula",
    "RajaJungle",
    "NasiPadang",
    "MasterMoba",
    "BocilKematian",
];

fn pick<'a>(list: &[&'a str], seed: u64) -> &'a str {
    let i = usize::try_from(seed % u64::try_from(list.len()).unwrap_or(1)).unwrap_or(0);
    list.get(i).copied().unwrap_or("BUDI")
}

/// Only the digits count, so one person is the same at both suppliers whatever the
/// separator (`user|zone` at IAK, `userzone` at Digiflazz).
fn digits_of(customer_no: &str) -> String {
    customer_no.chars().filter(char::is_ascii_digit).collect()
}

pub fn person_name(customer_no: &str) -> &'static str {
    pick(&NAMES, seed(&["name", &digits_of(customer_no)]))
}

pub fn nickname(customer_no: &str) -> &'static str {
    pick(&NICKNAMES, seed(&["nick", &digits_of(customer_no)]))
}

/// A prepaid PLN customer, made up from the number so inquiry and token agree.
pub struct Meter {
    pub meter_no: String,
    pub subscriber_id: String,
    pub name: &'static str,
    pub tariff: &'static str,
    pub power_va: u32,
    /// Rupiah per kWh in hundredths, so kWh can be computed without floats.
    pub rate_centi_idr: i64,
}

impl Meter {
    /// `"R1 /000001300"`, the inquiry's `segment_power`
    /// (docs/suppliers.md, "Digiflazz: PLN inquiry" and "IAK: endpoints").
    pub fn segment_power(&self) -> String {
        format!("{} /{:09}", self.tariff, self.power_va)
    }
}

pub fn meter(customer_no: &str) -> Meter {
    // 2024 PLN tariffs: R1M 900 VA Rp 1.352/kWh, R1 1300–2200 VA Rp 1.444,70/kWh.
    let classes = [
        ("R1M", 900, 135_200),
        ("R1", 1300, 144_470),
        ("R1", 2200, 144_470),
    ];
    let s = seed(&["meter", customer_no]);
    let i = usize::try_from(s % 3).unwrap_or(0);
    let (tariff, power_va, rate_centi_idr) = classes.get(i).copied().unwrap_or(classes[1]);
    let (meter_no, subscriber_id) = if customer_no.len() == PLN_IDPEL_DIGITS {
        (
            format!("1{}", digits(s, PLN_METER_DIGITS - 1)),
            customer_no.to_owned(),
        )
    } else {
        (
            customer_no.to_owned(),
            format!("5{}", digits(s, PLN_IDPEL_DIGITS - 1)),
        )
    };
    Meter {
        meter_no,
        subscriber_id,
        name: person_name(customer_no),
        tariff,
        power_va,
        rate_centi_idr,
    }
}

/// The 20-digit token in 4-4-4-4-4 groups (docs/suppliers.md, "PLN numbers and tokens").
pub fn pln_token(ref_id: &str, customer_no: &str) -> String {
    let d = digits(seed(&["token", ref_id, customer_no]), 20);
    let groups: Vec<&str> = (0..5).filter_map(|i| d.get(i * 4..i * 4 + 4)).collect();
    groups.join("-")
}

/// kWh for `nominal_idr` at `rate_centi_idr`, as `"13.8"` (tenths, rounded down).
pub fn kwh(nominal_idr: i64, rate_centi_idr: i64) -> String {
    let tenths = nominal_idr.saturating_mul(1000) / rate_centi_idr.max(1);
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// The `sn` of a successful purchase, in the shape each supplier uses
/// (docs/suppliers.md, "Digiflazz: serial numbers" and "PLN numbers and tokens").
pub fn serial(api: Api, product: &Product, ref_id: &str, customer_no: &str) -> String {
    let s = seed(&["sn", ref_id, customer_no]);
    match product.kind {
        Kind::Pulsa(_) | Kind::Data(_) => digits(s, 14),
        Kind::Pln => {
            let m = meter(customer_no);
            let token = pln_token(ref_id, customer_no);
            let kwh = kwh(product.nominal_idr, m.rate_centi_idr);
            match api {
                // TOKEN/NAME/TARIFF/POWER/KWH, as a raw Digiflazz response shows it.
                Api::Digiflazz => {
                    format!("{token}/{}/{}/{}VA/{kwh}KWH", m.name, m.tariff, m.power_va)
                }
                // IAK's documented sn-format: token/name/segment/power/kwh.
                Api::Iak => format!("{token}/{}/{} /{:09}/{kwh}", m.name, m.tariff, m.power_va),
            }
        }
        Kind::Game(_) => {
            let d = digits(s, 16);
            format!("{}/{}", nickname(customer_no), d)
        }
        Kind::EMoney => format!(
            "{} - {customer_no}/{}/Reff: {}",
            product.brand.to_lowercase(),
            person_name(customer_no),
            digits(s, 9)
        ),
        // A postpaid payment's reference: 32 hex characters, as Digiflazz's pay example.
        Kind::Bill => {
            let a = seed(&["ref-a", ref_id, customer_no]);
            let b = seed(&["ref-b", ref_id, customer_no]);
            format!("{a:016X}{b:016X}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::by_digiflazz_code;

    #[test]
    fn kwh_uses_integer_tenths() {
        assert_eq!(kwh(20_000, 144_470), "13.8");
        assert_eq!(kwh(1_000_000, 135_200), "739.6");
    }

    #[test]
    fn prefixes_pick_the_operator() {
        assert_eq!(operator_of("087800001230"), Some(Operator::Xl));
        assert_eq!(operator_of("085155001234"), Some(Operator::ByU));
        assert_eq!(operator_of("085212345678"), Some(Operator::Telkomsel));
        assert_eq!(operator_of("0840123456"), None);
    }

    #[test]
    fn numbers_are_checked_per_supplier_format() {
        let ml = by_digiflazz_code("ml86").map(|p| p.kind);
        let Some(ml) = ml else {
            panic!("ml86 is in the catalogue")
        };
        assert_eq!(check_number(Api::Digiflazz, ml, "123456781234"), Ok(()));
        assert_eq!(check_number(Api::Iak, ml, "12345678|1234"), Ok(()));
        assert!(check_number(Api::Digiflazz, ml, "12345678|1234").is_err());
        assert!(check_number(Api::Iak, ml, "123456781234").is_err());
    }

    #[test]
    fn pln_token_is_twenty_digits_in_groups() {
        let t = pln_token("r1", "12345678901");
        assert_eq!(t.len(), 24, "{t}");
        assert_eq!(t.replace('-', "").len(), 20);
    }
}
