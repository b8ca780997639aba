//! PLN prepaid electricity: the number a token is bought for, and the token a supplier sends
//! back inside its serial-number (`sn`) string.
//!
//! A token can be bought with the 11-digit meter number (No. Meter) or the 12-digit customer
//! id (ID Pelanggan, IDPEL). The token itself is 20 digits, valid only on that meter, and is
//! printed in five groups of four. Suppliers do not agree on the `sn` layout
//! (docs/suppliers.md, "Digiflazz: serial numbers" and "PLN numbers and tokens"), so the
//! token is read robustly and the rest is display-only.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::codes::{self, Code};

pub const METER_DIGITS: usize = 11;
pub const CUSTOMER_ID_DIGITS: usize = 12;
pub const TOKEN_DIGITS: usize = 20;

/// Why a PLN number or token could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlnError {
    #[error("target: the PLN number is empty")]
    Empty,
    #[error("target: '{ch}' is not allowed in a PLN number")]
    InvalidCharacter { ch: char },
    #[error("target: a PLN number has 11 digits (meter) or 12 digits (customer id), not {digits}")]
    WrongLength { digits: usize },
    #[error(
        "target: separators go only between groups of digits; a sign, a fraction or a spreadsheet number is not a PLN number"
    )]
    Malformed,
    #[error("sn: no 20-digit token in the supplier's serial number")]
    NoToken,
}

impl FieldError for PlnError {
    fn field(&self) -> &'static str {
        match self {
            PlnError::NoToken => "sn",
            _ => "target",
        }
    }
    fn code(&self) -> Code {
        match self {
            PlnError::Empty => codes::PLN_EMPTY,
            PlnError::InvalidCharacter { .. } => codes::PLN_INVALID_CHARACTER,
            PlnError::WrongLength { .. } => codes::PLN_WRONG_LENGTH,
            PlnError::Malformed => codes::PLN_MALFORMED,
            PlnError::NoToken => codes::PLN_NO_TOKEN,
        }
    }
    fn message_id(&self) -> String {
        match self {
            PlnError::Empty => "nomor PLN kosong".into(),
            PlnError::InvalidCharacter { ch } => {
                format!("karakter '{ch}' tidak boleh ada di nomor PLN")
            }
            PlnError::WrongLength { digits } => format!(
                "nomor PLN harus 11 digit (No. Meter) atau 12 digit (ID Pelanggan), bukan {digits}"
            ),
            PlnError::Malformed => "pemisah hanya boleh di antara kelompok angka; tanda minus, pecahan desimal atau angka dari spreadsheet bukan nomor PLN".into(),
            PlnError::NoToken => "SN dari supplier tidak memuat token 20 digit".into(),
        }
    }
}

/// Which of PLN's two numbers the customer gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlnNumberKind {
    /// No. Meter, 11 digits, printed on the meter.
    Meter,
    /// ID Pelanggan (IDPEL), 12 digits.
    CustomerId,
}

/// A PLN meter number or customer id: all digits, 11 or 12 of them.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PlnNumber {
    digits: [u8; CUSTOMER_ID_DIGITS],
    len: u8,
}

impl PlnNumber {
    /// Reads a typed PLN number. Spaces, dashes and dots are allowed only *between* groups of
    /// digits (one separator at a time, spaces may repeat), and a dot only as a thousands
    /// separator (three digits after each): `12345678901.0` (a fraction, another customer's
    /// number once the dot is dropped) and `-12345678901` (a sign) are refused.
    pub fn parse(input: &str) -> Result<PlnNumber, PlnError> {
        let input = input.trim();
        let mut digits = [0u8; CUSTOMER_ID_DIGITS];
        let mut n = 0usize;
        // The separator just seen, and the digits since the last dot (None before any).
        let mut separator: Option<char> = None;
        let mut after_dot: Option<usize> = None;
        for ch in input.chars() {
            match ch {
                '0'..='9' => {
                    if n < CUSTOMER_ID_DIGITS {
                        digits[n] = ch as u8;
                    }
                    n += 1;
                    separator = None;
                    if let Some(d) = after_dot.as_mut() {
                        *d += 1;
                    }
                }
                ' ' | '-' | '.' | '\t' => {
                    let repeated_space =
                        matches!(separator, Some(' ' | '\t')) && matches!(ch, ' ' | '\t');
                    if n == 0 || (separator.is_some() && !repeated_space) {
                        return Err(PlnError::Malformed);
                    }
                    if ch == '.' {
                        if after_dot.is_some_and(|d| d != 3) {
                            return Err(PlnError::Malformed);
                        }
                        after_dot = Some(0);
                    }
                    separator = Some(ch);
                }
                _ => return Err(PlnError::InvalidCharacter { ch }),
            }
        }
        if separator.is_some() || after_dot.is_some_and(|d| d != 3) {
            return Err(PlnError::Malformed);
        }
        match n {
            0 => Err(PlnError::Empty),
            METER_DIGITS | CUSTOMER_ID_DIGITS => Ok(PlnNumber {
                digits,
                len: n as u8,
            }),
            _ => Err(PlnError::WrongLength { digits: n }),
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.digits[..usize::from(self.len)]).unwrap_or_default()
    }

    pub fn kind(&self) -> PlnNumberKind {
        if usize::from(self.len) == METER_DIGITS {
            PlnNumberKind::Meter
        } else {
            PlnNumberKind::CustomerId
        }
    }
}

impl fmt::Debug for PlnNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlnNumber({:?}, {})", self.kind(), self.as_str())
    }
}

impl fmt::Display for PlnNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PlnNumber {
    type Err = PlnError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PlnNumber::parse(s)
    }
}

impl Serialize for PlnNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PlnNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        PlnNumber::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// A 20-digit PLN prepaid token. Displays as `1234-5678-9012-3456-7890`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PlnToken([u8; TOKEN_DIGITS]);

impl PlnToken {
    /// Reads the token out of a supplier's `sn`: the first `/`-separated field with every
    /// non-digit removed must hold exactly 20 digits. This takes every observed shape:
    /// hyphenated 4-4-4-4-4, 20 digits unbroken, space-separated, with or without the
    /// name/tariff/power/kWh fields after it.
    pub fn from_sn(sn: &str) -> Result<PlnToken, PlnError> {
        let first = sn.split('/').next().unwrap_or_default();
        let mut token = [0u8; TOKEN_DIGITS];
        let mut n = 0usize;
        for b in first.bytes().filter(u8::is_ascii_digit) {
            if n == TOKEN_DIGITS {
                return Err(PlnError::NoToken);
            }
            token[n] = b;
            n += 1;
        }
        if n == TOKEN_DIGITS {
            Ok(PlnToken(token))
        } else {
            Err(PlnError::NoToken)
        }
    }

    /// The 20 digits without separators.
    pub fn digits(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for PlnToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.digits();
        write!(
            f,
            "{}-{}-{}-{}-{}",
            &d[0..4],
            &d[4..8],
            &d[8..12],
            &d[12..16],
            &d[16..20]
        )
    }
}

impl fmt::Debug for PlnToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlnToken({self})")
    }
}

impl Serialize for PlnToken {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PlnToken {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        PlnToken::from_sn(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// Everything a token `sn` carries: the token, and — when the supplier sent them — the
/// customer's name, tariff, power and kWh for the receipt. Only the token is relied on;
/// the rest is shown as the supplier wrote it, tidied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlnTokenSn {
    pub token: PlnToken,
    pub name: Option<String>,
    pub tariff: Option<String>,
    pub power_va: Option<u32>,
    pub kwh: Option<Decimal>,
}

impl PlnTokenSn {
    /// Reads `TOKEN/NAME/TARIFF/POWER/KWH`. The name may itself contain slashes, so the
    /// last three fields are read from the right and everything between is the name.
    pub fn parse(sn: &str) -> Result<PlnTokenSn, PlnError> {
        let token = PlnToken::from_sn(sn)?;
        let fields: Vec<&str> = sn.split('/').collect();
        let mut out = PlnTokenSn {
            token,
            name: None,
            tariff: None,
            power_va: None,
            kwh: None,
        };
        if fields.len() >= 5 {
            let n = fields.len();
            out.name = tidy_name(&fields[1..n - 3].join(" "));
            out.tariff = Some(fields[n - 3].trim().to_owned()).filter(|t| !t.is_empty());
            out.power_va = parse_power(fields[n - 2]);
            out.kwh = parse_kwh(fields[n - 1]);
        } else if fields.len() >= 2 {
            out.name = tidy_name(&fields[1..].join(" "));
        }
        Ok(out)
    }
}

/// `BUDI-SANTOSO  ` -> `BUDI SANTOSO`: dashes stand for spaces, padding and doubled spaces
/// go.
fn tidy_name(raw: &str) -> Option<String> {
    let spaced = raw.replace('-', " ");
    let name = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    (!name.is_empty()).then_some(name)
}

/// `900VA`, `900`, `000001300` -> VA.
fn parse_power(raw: &str) -> Option<u32> {
    let digits: String = raw
        .trim()
        .trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '.')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// `14.5KWH`, `12,7`, `66.2`, `14.5 kWh.` -> kWh as a decimal.
fn parse_kwh(raw: &str) -> Option<Decimal> {
    let mut s = raw.trim().trim_end_matches('.');
    for suffix in ["KWH", "kWh", "Kwh", "kwh"] {
        if let Some(rest) = s.strip_suffix(suffix) {
            s = rest.trim();
            break;
        }
    }
    let s = s.trim_end_matches('.').replace(',', ".");
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    Decimal::from_str(&s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn separators_only_between_digit_groups() {
        for bad in [
            "12345678901.0",
            "-12345678901",
            "+12345678901",
            "12345678901-",
            "1234--5678901",
            "12.34.5678901",
            "123456789.01",
            "1.23456789E10",
            ".12345678901",
        ] {
            let err = PlnNumber::parse(bad).expect_err(bad);
            assert_eq!(err.field(), "target", "{bad}");
        }
        for good in [
            "12345678901",
            " 1234 5678 901 ",
            "1234-5678-901",
            "12.345.678.901",
            "123.456.789.012",
            "1234  5678 901",
        ] {
            let n = PlnNumber::parse(good).expect(good);
            assert!(n.as_str().chars().all(|c| c.is_ascii_digit()), "{good}");
        }
        assert_eq!(
            PlnNumber::parse("12.345.678.901").expect("dots").as_str(),
            "12345678901"
        );
    }

    #[test]
    fn meter_and_customer_numbers() {
        let meter = PlnNumber::parse("1423-4567-890").expect("11 digits");
        assert_eq!(meter.kind(), PlnNumberKind::Meter);
        assert_eq!(meter.as_str(), "14234567890");
        let idpel = PlnNumber::parse("5300 0000 0001").expect("12 digits");
        assert_eq!(idpel.kind(), PlnNumberKind::CustomerId);
        assert_eq!(idpel.to_string(), "530000000001");
        assert_eq!(
            PlnNumber::parse("1234567890"),
            Err(PlnError::WrongLength { digits: 10 })
        );
        assert_eq!(
            PlnNumber::parse("1234567890123"),
            Err(PlnError::WrongLength { digits: 13 })
        );
        assert_eq!(
            PlnNumber::parse("12345x67890"),
            Err(PlnError::InvalidCharacter { ch: 'x' })
        );
        assert_eq!(PlnNumber::parse(" "), Err(PlnError::Empty));
        assert_eq!(PlnError::Empty.field(), "target");
    }

    #[test]
    fn tokens_in_every_documented_sn_shape() {
        let cases = [
            "5721-7714-3897-2629-3021/BUDI-SANTOSO  /R1M/900VA/14.5KWH",
            "57217714389726293021/BUDI/R1/1300/12,7",
            "5721 7714 3897 2629 3021/BUDI/R1/1300/12,7",
            "5721-7714-3897-2629-3021",
            "57217714389726293021",
            "Token: 5721 7714 3897 2629 3021/X/R1/900/1.5.",
        ];
        for sn in cases {
            let token = PlnToken::from_sn(sn).unwrap_or_else(|e| panic!("{sn:?}: {e}"));
            assert_eq!(token.to_string(), "5721-7714-3897-2629-3021", "{sn:?}");
            assert_eq!(token.digits(), "57217714389726293021");
        }
        for sn in [
            "",
            "1234",
            "1234-5678-9012-3456-789",
            "1234-5678-9012-3456-78901",
            "004212C9245F1BA43A77CEBD5CD5DA39",
            "BUDI/5721-7714-3897-2629-3021",
        ] {
            assert_eq!(PlnToken::from_sn(sn), Err(PlnError::NoToken), "{sn:?}");
        }
    }

    #[test]
    fn sn_details_for_the_receipt() {
        let d = PlnTokenSn::parse("5721-7714-3897-2629-3021/BUDI-SANTOSO  /R1M/900VA/14.5KWH")
            .expect("parses");
        assert_eq!(d.name.as_deref(), Some("BUDI SANTOSO"));
        assert_eq!(d.tariff.as_deref(), Some("R1M"));
        assert_eq!(d.power_va, Some(900));
        assert_eq!(d.kwh, Some(Decimal::from_str("14.5").expect("dec")));

        let d = PlnTokenSn::parse("3643-9058-9448-3627-6760/BUDI/R1/1300/12,7").expect("parses");
        assert_eq!(d.power_va, Some(1300));
        assert_eq!(d.kwh, Some(Decimal::from_str("12.7").expect("dec")));

        let d = PlnTokenSn::parse(
            "0123-4567-8901-2345-6789/PT INDOBEST ARTHA KREASI/R1 /000001300/66.2",
        )
        .expect("parses");
        assert_eq!(d.name.as_deref(), Some("PT INDOBEST ARTHA KREASI"));
        assert_eq!(d.tariff.as_deref(), Some("R1"));
        assert_eq!(d.power_va, Some(1300));
        assert_eq!(d.kwh, Some(Decimal::from_str("66.2").expect("dec")));

        // Extra slashes inside the name, a stray dot after the kWh.
        let d = PlnTokenSn::parse("57217714389726293021/SITI/AMINAH/R1/2200VA/30,25KWH.")
            .expect("parses");
        assert_eq!(d.name.as_deref(), Some("SITI AMINAH"));
        assert_eq!(d.power_va, Some(2200));
        assert_eq!(d.kwh, Some(Decimal::from_str("30.25").expect("dec")));

        let bare = PlnTokenSn::parse("57217714389726293021").expect("parses");
        assert_eq!(bare.name, None);
        assert_eq!(bare.kwh, None);
    }

    proptest! {
        #[test]
        fn token_survives_any_separator_layout(digits in "[0-9]{20}", sep in prop::sample::select(vec!["", "-", " ", "."]), tail in "(/[A-Z -]{0,12}){0,5}") {
            let grouped: Vec<&str> = (0..5).map(|i| &digits[i * 4..i * 4 + 4]).collect();
            let sn = format!("{}{tail}", grouped.join(sep));
            let token = PlnToken::from_sn(&sn).expect("token found");
            prop_assert_eq!(token.digits(), digits.as_str());
            prop_assert_eq!(PlnToken::from_sn(&token.to_string()), Ok(token));
        }

        #[test]
        fn random_sn_never_panics(s in "\\PC{0,80}") {
            let _ = PlnTokenSn::parse(&s);
            let _ = PlnNumber::parse(&s);
        }
    }
}
