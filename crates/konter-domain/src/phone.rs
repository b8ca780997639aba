//! Indonesian mobile numbers and their operators.
//!
//! A cashier types a number in whatever shape the customer says it: `0812-3456-7890`,
//! `+62 812 3456 7890`, `62812.3456.7890`, `(0812) 3456 7890`. All of them are the same
//! number. Suppliers want the local `08…` form; the E.164 form (`62…`) is for everything else.
//!
//! Operator detection is by prefix, from one table ([`PREFIXES`]) built from the prefix list
//! (docs/suppliers.md, "Indonesian mobile numbers and operator prefixes"). The supplier has
//! the last word (Digiflazz rc 52, IAK rc 16), but a number whose prefix belongs to no
//! operator is refused here, before a cashier takes money for a product that cannot be
//! delivered.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::codes::{self, Code};

/// A mobile operator as suppliers sell it. This is the brand on the SIM card, not the
/// corporate group: XL owns Axis and Indosat merged with Tri, but suppliers keep separate
/// products and SKUs for each.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Operator {
    Telkomsel,
    Byu,
    Indosat,
    Xl,
    Axis,
    Tri,
    Smartfren,
}

impl Operator {
    pub const ALL: [Operator; 7] = [
        Operator::Telkomsel,
        Operator::Byu,
        Operator::Indosat,
        Operator::Xl,
        Operator::Axis,
        Operator::Tri,
        Operator::Smartfren,
    ];

    /// The stable code used in the API, the catalogue and the UI: `telkomsel`, `byu`, …
    pub fn code(&self) -> &'static str {
        match self {
            Operator::Telkomsel => "telkomsel",
            Operator::Byu => "byu",
            Operator::Indosat => "indosat",
            Operator::Xl => "xl",
            Operator::Axis => "axis",
            Operator::Tri => "tri",
            Operator::Smartfren => "smartfren",
        }
    }

    /// The name a customer recognises.
    pub fn display_name(&self) -> &'static str {
        match self {
            Operator::Telkomsel => "Telkomsel",
            Operator::Byu => "by.U",
            Operator::Indosat => "Indosat",
            Operator::Xl => "XL",
            Operator::Axis => "Axis",
            Operator::Tri => "Tri",
            Operator::Smartfren => "Smartfren",
        }
    }

    pub fn from_code(code: &str) -> Option<Operator> {
        Operator::ALL.into_iter().find(|op| op.code() == code)
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

/// Four-digit prefixes (local form) and their operator.
///
/// Where sources disagree, the choice made
/// (docs/suppliers.md, "Indonesian mobile numbers and operator prefixes"):
/// - `0811` is Telkomsel's kartuHalo postpaid range; IAK's list omits it, but it is a
///   Telkomsel number and pulsa can be bought for it, so it is Telkomsel here.
/// - Axis: IAK lists 0831, 0832, 0837, 0838; other sources list 0833 instead of 0837. We
///   accept all five (0831–0833, 0837, 0838).
/// - Smartfren: IAK lists 0881–0888; general references add 0889. We accept 0881–0889.
/// - by.U lives inside Telkomsel's 0851 block; see [`BYU_RANGE`].
/// - One blog maps 085x to Tri and 089x to Smartfren; that is wrong and not used.
pub const PREFIXES: &[(&str, Operator)] = &[
    ("0811", Operator::Telkomsel),
    ("0812", Operator::Telkomsel),
    ("0813", Operator::Telkomsel),
    ("0821", Operator::Telkomsel),
    ("0822", Operator::Telkomsel),
    ("0823", Operator::Telkomsel),
    ("0851", Operator::Telkomsel),
    ("0852", Operator::Telkomsel),
    ("0853", Operator::Telkomsel),
    ("0814", Operator::Indosat),
    ("0815", Operator::Indosat),
    ("0816", Operator::Indosat),
    ("0855", Operator::Indosat),
    ("0856", Operator::Indosat),
    ("0857", Operator::Indosat),
    ("0858", Operator::Indosat),
    ("0817", Operator::Xl),
    ("0818", Operator::Xl),
    ("0819", Operator::Xl),
    ("0859", Operator::Xl),
    ("0877", Operator::Xl),
    ("0878", Operator::Xl),
    ("0831", Operator::Axis),
    ("0832", Operator::Axis),
    ("0833", Operator::Axis),
    ("0837", Operator::Axis),
    ("0838", Operator::Axis),
    ("0895", Operator::Tri),
    ("0896", Operator::Tri),
    ("0897", Operator::Tri),
    ("0898", Operator::Tri),
    ("0899", Operator::Tri),
    ("0881", Operator::Smartfren),
    ("0882", Operator::Smartfren),
    ("0883", Operator::Smartfren),
    ("0884", Operator::Smartfren),
    ("0885", Operator::Smartfren),
    ("0886", Operator::Smartfren),
    ("0887", Operator::Smartfren),
    ("0888", Operator::Smartfren),
    ("0889", Operator::Smartfren),
];

/// by.U numbers: `085154` to `085158` (IAK's list; another source starts at 085155). The
/// wider range is used so a by.U customer is offered by.U products; the rest of 0851 stays
/// Telkomsel.
pub const BYU_RANGE: std::ops::RangeInclusive<u32> = 85154..=85158;

/// The operator lookup, indexed by the two digits after `08`. Built at compile time from
/// [`PREFIXES`] so the hot path is one array read.
const BY_TWO_DIGITS: [Option<Operator>; 100] = {
    let mut table = [None; 100];
    let mut i = 0;
    while i < PREFIXES.len() {
        let p = PREFIXES[i].0.as_bytes();
        let index = ((p[2] - b'0') * 10 + (p[3] - b'0')) as usize;
        table[index] = Some(PREFIXES[i].1);
        i += 1;
    }
    table
};

/// Domestic length limits, trunk `0` included: the mobile NSN is `8[1-35-9]` followed by
/// 7 to 10 digits (libphonenumber), so 10 to 13 digits in the local form.
pub const MIN_LOCAL_DIGITS: usize = 10;
pub const MAX_LOCAL_DIGITS: usize = 13;

/// How much typed input (separators included) we look at before calling it too long; a
/// bound so a pasted paragraph is refused at once.
const MAX_INPUT_BYTES: usize = 40;

/// Why a text is not a mobile number we can sell to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("target: the phone number is empty")]
    Empty,
    #[error("target: '{ch}' is not allowed in a phone number")]
    InvalidCharacter { ch: char },
    #[error("target: a phone number starts with 08, 628 or +628")]
    NotMobile,
    #[error("target: the phone number has {digits} digits; it needs 10 to 13 (with the leading 0)")]
    TooShort { digits: usize },
    #[error("target: the phone number has {digits} digits; it needs 10 to 13 (with the leading 0)")]
    TooLong { digits: usize },
    #[error("target: prefix {prefix} belongs to no mobile operator we know")]
    UnknownOperator { prefix: String },
}

impl FieldError for PhoneError {
    fn field(&self) -> &'static str {
        "target"
    }
    fn code(&self) -> Code {
        match self {
            PhoneError::Empty => codes::PHONE_EMPTY,
            PhoneError::InvalidCharacter { .. } => codes::PHONE_INVALID_CHARACTER,
            PhoneError::NotMobile => codes::PHONE_NOT_MOBILE,
            PhoneError::TooShort { .. } => codes::PHONE_TOO_SHORT,
            PhoneError::TooLong { .. } => codes::PHONE_TOO_LONG,
            PhoneError::UnknownOperator { .. } => codes::PHONE_UNKNOWN_OPERATOR,
        }
    }
    fn message_id(&self) -> String {
        match self {
            PhoneError::Empty => "nomor HP kosong".into(),
            PhoneError::InvalidCharacter { ch } => {
                format!("karakter '{ch}' tidak boleh ada di nomor HP")
            }
            PhoneError::NotMobile => "nomor HP harus diawali 08, 628 atau +628".into(),
            PhoneError::TooShort { digits } | PhoneError::TooLong { digits } => {
                format!(
                    "nomor HP {digits} digit; seharusnya 10 sampai 13 digit (dengan 0 di depan)"
                )
            }
            PhoneError::UnknownOperator { prefix } => {
                format!("awalan {prefix} bukan milik operator seluler yang dikenal")
            }
        }
    }
}

/// A valid Indonesian mobile number whose operator we know. Kept in the local form
/// (`08…`) in a fixed buffer: parsing allocates nothing.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PhoneNumber {
    local: LocalDigits,
    operator: Operator,
}

/// The digits of a mobile number in local form, checked for shape but not for operator
/// (e-money wallets take any mobile number).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct LocalDigits {
    digits: [u8; MAX_LOCAL_DIGITS],
    len: u8,
}

impl LocalDigits {
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.digits[..usize::from(self.len)]).unwrap_or_default()
    }

    /// Reads a typed mobile number: digits with optional spaces, dashes, dots and
    /// parentheses, starting `08`, `628`, `+628` (an extra trunk zero after the country code,
    /// as in `+62 (0)812…`, is tolerated).
    pub(crate) fn parse(input: &str) -> Result<LocalDigits, PhoneError> {
        let bytes = input.as_bytes();
        if bytes.len() > MAX_INPUT_BYTES {
            return Err(PhoneError::TooLong {
                digits: bytes.iter().filter(|b| b.is_ascii_digit()).count(),
            });
        }
        // Collect the digits; the buffer has room for a country code and a stray trunk zero.
        let mut raw = [0u8; MAX_INPUT_BYTES];
        let mut n = 0usize;
        let mut plus = false;
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                b'0'..=b'9' => {
                    raw[n] = b;
                    n += 1;
                }
                b' ' | b'-' | b'.' | b'(' | b')' | b'\t' => {}
                b'+' if n == 0 && !plus => plus = true,
                _ => {
                    let ch = input[i..].chars().next().unwrap_or('?');
                    return Err(PhoneError::InvalidCharacter { ch });
                }
            }
        }
        if n == 0 {
            return Err(if plus {
                PhoneError::NotMobile
            } else {
                PhoneError::Empty
            });
        }
        let digits = &raw[..n];
        // The national significant number: what follows `0` or `62`.
        let nsn: &[u8] = if plus || digits.starts_with(b"62") {
            match digits.strip_prefix(b"62") {
                Some(rest) => rest.strip_prefix(b"0").unwrap_or(rest),
                None => return Err(PhoneError::NotMobile),
            }
        } else if let Some(rest) = digits.strip_prefix(b"0") {
            rest
        } else {
            return Err(PhoneError::NotMobile);
        };
        if nsn.len() >= 2 && (nsn[0] != b'8' || !matches!(nsn[1], b'1'..=b'3' | b'5'..=b'9')) {
            return Err(PhoneError::NotMobile);
        }
        let local_len = nsn.len() + 1;
        if local_len < MIN_LOCAL_DIGITS {
            return Err(PhoneError::TooShort { digits: local_len });
        }
        if local_len > MAX_LOCAL_DIGITS {
            return Err(PhoneError::TooLong { digits: local_len });
        }
        let mut out = [0u8; MAX_LOCAL_DIGITS];
        out[0] = b'0';
        out[1..local_len].copy_from_slice(nsn);
        Ok(LocalDigits {
            digits: out,
            len: local_len as u8,
        })
    }
}

impl PhoneNumber {
    /// Parses a typed number and detects its operator. See the module docs for the shapes
    /// accepted.
    pub fn parse(input: &str) -> Result<PhoneNumber, PhoneError> {
        let local = LocalDigits::parse(input)?;
        let d = &local.digits;
        let two = usize::from((d[2] - b'0') * 10 + (d[3] - b'0'));
        let operator = match BY_TWO_DIGITS[two] {
            Some(Operator::Telkomsel) if two == 51 && BYU_RANGE.contains(&six_digits(d)) => {
                Operator::Byu
            }
            Some(op) => op,
            None => {
                return Err(PhoneError::UnknownOperator {
                    prefix: local.as_str()[..4].to_owned(),
                });
            }
        };
        Ok(PhoneNumber { local, operator })
    }

    /// The local form suppliers expect: `081234567890`.
    pub fn local(&self) -> &str {
        self.local.as_str()
    }

    /// The E.164 form without `+`: `6281234567890`.
    pub fn e164(&self) -> String {
        let mut out = String::with_capacity(usize::from(self.local.len) + 1);
        out.push_str("62");
        out.push_str(&self.local()[1..]);
        out
    }

    pub fn operator(&self) -> Operator {
        self.operator
    }

    /// The number grouped for people, `0812-3456-7890`, as receipts print it.
    pub fn grouped(&self) -> String {
        let local = self.local();
        let mut out = String::with_capacity(local.len() + 3);
        for (i, c) in local.chars().enumerate() {
            if i > 0 && i.is_multiple_of(4) {
                out.push('-');
            }
            out.push(c);
        }
        out
    }
}

/// The first six digits of a local number as an integer (`085154…` -> 85154).
fn six_digits(d: &[u8; MAX_LOCAL_DIGITS]) -> u32 {
    d[..6]
        .iter()
        .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'))
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({}, {})", self.local(), self.operator.code())
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.local())
    }
}

impl FromStr for PhoneNumber {
    type Err = PhoneError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PhoneNumber::parse(s)
    }
}

impl Serialize for PhoneNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.local())
    }
}

impl<'de> Deserialize<'de> for PhoneNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        PhoneNumber::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_documented_shapes_are_one_number() {
        for input in [
            "081234567890",
            "0812-3456-7890",
            "0812 3456 7890",
            "+62 812 3456 7890",
            "+6281234567890",
            "6281234567890",
            "62812.3456.7890",
            "(0812) 3456-7890",
            "+62 (0)812 3456 7890",
            " 0812.3456.7890 ",
        ] {
            let n = PhoneNumber::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(n.local(), "081234567890", "{input:?}");
            assert_eq!(n.e164(), "6281234567890", "{input:?}");
            assert_eq!(n.operator(), Operator::Telkomsel, "{input:?}");
        }
    }

    #[test]
    fn every_prefix_in_the_table_detects_its_operator() {
        for (prefix, op) in PREFIXES {
            let number = format!("{prefix}12345678");
            let parsed = PhoneNumber::parse(&number).expect("table prefix parses");
            let expected = if *prefix == "0851" {
                // 085112… is below the by.U block, so it stays Telkomsel.
                Operator::Telkomsel
            } else {
                *op
            };
            assert_eq!(parsed.operator(), expected, "{number}");
            assert_eq!(parsed.operator().code(), expected.code());
        }
    }

    #[test]
    fn operators_by_example() {
        for (number, code) in [
            ("081112345678", "telkomsel"),
            ("085212345678", "telkomsel"),
            ("085153123456", "telkomsel"),
            ("085154123456", "byu"),
            ("085158123456", "byu"),
            ("085159123456", "telkomsel"),
            ("085712345678", "indosat"),
            ("087812345678", "xl"),
            ("085912345678", "xl"),
            ("083812345678", "axis"),
            ("083312345678", "axis"),
            ("083712345678", "axis"),
            ("089612345678", "tri"),
            ("088112345678", "smartfren"),
            ("088912345678", "smartfren"),
        ] {
            let op = PhoneNumber::parse(number).expect("valid").operator();
            assert_eq!(op.code(), code, "{number}");
            assert_eq!(Operator::from_code(code), Some(op));
        }
    }

    #[test]
    fn unknown_prefixes_are_an_error_saying_so() {
        for number in [
            "081012345678",
            "083412345678",
            "087912345678",
            "089012345678",
        ] {
            let err = PhoneNumber::parse(number).expect_err(number);
            assert_eq!(
                err,
                PhoneError::UnknownOperator {
                    prefix: number[..4].to_owned()
                }
            );
            assert_eq!(err.field(), "target");
            assert!(err.message_id().contains(&number[..4]));
            assert!(err.to_string().contains("no mobile operator"));
        }
    }

    #[test]
    fn shapes_that_are_not_mobile_numbers() {
        use PhoneError::*;
        for (input, expected) in [
            ("", Empty),
            ("  ", Empty),
            ("+", NotMobile),
            ("0812345678a", InvalidCharacter { ch: 'a' }),
            ("0812/3456/7890", InvalidCharacter { ch: '/' }),
            ("08123456789é", InvalidCharacter { ch: 'é' }),
            ("081234567", TooShort { digits: 9 }),
            ("08123456789012", TooLong { digits: 14 }),
            ("0212345678", NotMobile),      // Jakarta landline
            ("084123456789", NotMobile),    // 084x is not mobile
            ("+1 812 345 6789", NotMobile), // not Indonesia
            ("81234567890", NotMobile),     // no trunk or country code
            ("0812+34567890", InvalidCharacter { ch: '+' }),
        ] {
            assert_eq!(PhoneNumber::parse(input), Err(expected), "{input:?}");
        }
        assert!(matches!(
            PhoneNumber::parse(&"0".repeat(100)),
            Err(TooLong { .. })
        ));
    }

    #[test]
    fn length_limits_are_10_to_13_digits() {
        assert!(PhoneNumber::parse("0812345678").is_ok(), "10 digits");
        assert!(PhoneNumber::parse("0812345678901").is_ok(), "13 digits");
        assert_eq!(
            PhoneNumber::parse("081234567"),
            Err(PhoneError::TooShort { digits: 9 })
        );
    }

    #[test]
    fn grouped_and_serde() {
        let n = PhoneNumber::parse("+6281234567890").expect("valid");
        assert_eq!(n.grouped(), "0812-3456-7890");
        assert_eq!(serde_json::to_string(&n).expect("ser"), "\"081234567890\"");
        let back: PhoneNumber = serde_json::from_str("\"+62 812 3456 7890\"").expect("de");
        assert_eq!(back, n);
    }

    fn separator() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["", " ", "-", ".", "  "])
    }

    proptest! {
        /// Every way of writing a valid number parses to the same number.
        #[test]
        fn every_formatting_parses_to_the_same_number(
            entry in prop::sample::select(PREFIXES.to_vec()),
            rest in "[0-9]{6,9}",
            form in 0usize..4,
            seps in prop::collection::vec(separator(), 16),
            parens in any::<bool>(),
        ) {
            let local = format!("{}{rest}", entry.0);
            let canonical = PhoneNumber::parse(&local).expect("canonical parses");
            let nsn = &local[1..];
            let head = match form {
                0 => "0".to_owned(),
                1 => "62".to_owned(),
                2 => "+62".to_owned(),
                _ => "+62 ".to_owned(),
            };
            // Interleave separators between the digits of the NSN.
            let mut body = String::new();
            for (i, c) in nsn.chars().enumerate() {
                body.push(c);
                body.push_str(seps[i % seps.len()]);
            }
            let typed = if parens && form == 0 {
                format!("({head}{}) {}", &body[..3], &body[3..])
            } else {
                format!("{head}{body}")
            };
            let parsed = PhoneNumber::parse(&typed);
            prop_assert_eq!(parsed, Ok(canonical), "typed {:?}", typed);
        }

        #[test]
        fn random_input_never_panics(s in "\\PC{0,48}") {
            let _ = PhoneNumber::parse(&s);
        }

        #[test]
        fn random_digit_strings_never_panic(s in "[0-9+ ()-]{0,20}") {
            if let Ok(n) = PhoneNumber::parse(&s) {
                prop_assert!(n.local().starts_with("08"));
                prop_assert_eq!(PhoneNumber::parse(n.local()), Ok(n));
            }
        }
    }
}
