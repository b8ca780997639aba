//! Money: whole rupiah in an `i64`.
//!
//! Rupiah has no minor unit in practice (no sen coins circulate, and every supplier and
//! gateway we talk to prices in whole rupiah), so an amount is an integer count of rupiah.
//! Arithmetic is checked: an overflow is an error, never a wrap. Anything fractional —
//! percent markups, gateway strings such as `"50000.00"` — goes through `rust_decimal` and
//! comes back to whole rupiah by an explicit rounding rule stated where it happens.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::codes::{self, Code};

/// The largest amount any single Konter figure may hold: Rp1 quadrillion (10^15). It is far
/// above any shop's yearly turnover, and keeps every sum of a few thousand amounts (a day's
/// report) far from `i64::MAX` (~9.2 * 10^18), so an "absurd" amount is rejected at the edge
/// instead of overflowing somewhere in the middle.
pub const MAX_ABS_IDR: i64 = 1_000_000_000_000_000;

/// Whole Indonesian rupiah. Serialised as a plain JSON integer (`10000`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Rupiah(i64);

/// Why an amount could not be made or computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("{field}: '{input}' is not an amount of rupiah")]
    Invalid { field: &'static str, input: String },
    #[error("{field}: '{input}' has a fraction of a rupiah")]
    Fraction { field: &'static str, input: String },
    #[error("{field}: the amount is beyond the allowed range")]
    OutOfRange { field: &'static str },
    #[error("{field}: the amount must be more than zero")]
    NotPositive { field: &'static str },
}

impl MoneyError {
    /// The same error, about another field.
    pub fn for_field(self, name: &'static str) -> Self {
        match self {
            Self::Invalid { input, .. } => Self::Invalid { field: name, input },
            Self::Fraction { input, .. } => Self::Fraction { field: name, input },
            Self::OutOfRange { .. } => Self::OutOfRange { field: name },
            Self::NotPositive { .. } => Self::NotPositive { field: name },
        }
    }
}

impl FieldError for MoneyError {
    fn field(&self) -> &'static str {
        match self {
            Self::Invalid { field, .. }
            | Self::Fraction { field, .. }
            | Self::OutOfRange { field }
            | Self::NotPositive { field } => field,
        }
    }
    fn code(&self) -> Code {
        match self {
            Self::Invalid { .. } => codes::AMOUNT_INVALID,
            Self::Fraction { .. } => codes::AMOUNT_FRACTION,
            Self::OutOfRange { .. } => codes::AMOUNT_OUT_OF_RANGE,
            Self::NotPositive { .. } => codes::AMOUNT_NOT_POSITIVE,
        }
    }
    fn message_id(&self) -> String {
        match self {
            Self::Invalid { input, .. } => format!("'{input}' bukan jumlah rupiah yang sah"),
            Self::Fraction { input, .. } => format!("'{input}' memuat pecahan rupiah"),
            Self::OutOfRange { .. } => "jumlah di luar batas yang diizinkan".into(),
            Self::NotPositive { .. } => "jumlah harus lebih dari nol".into(),
        }
    }
}

const DEFAULT_FIELD: &str = "amount_idr";

fn out_of_range() -> MoneyError {
    MoneyError::OutOfRange {
        field: DEFAULT_FIELD,
    }
}

impl Rupiah {
    pub const ZERO: Rupiah = Rupiah(0);

    /// An amount, checked against [`MAX_ABS_IDR`].
    pub fn new(idr: i64) -> Result<Self, MoneyError> {
        if idr.checked_abs().is_none_or(|abs| abs > MAX_ABS_IDR) {
            return Err(out_of_range());
        }
        Ok(Rupiah(idr))
    }

    /// An amount from a trusted source (a constant, a database column written by us).
    /// Use [`Rupiah::new`] for anything a person or another system typed.
    pub const fn from_idr(idr: i64) -> Self {
        Rupiah(idr)
    }

    /// A strictly positive amount, as an order price or a deposit must be.
    pub fn positive(idr: i64) -> Result<Self, MoneyError> {
        let amount = Self::new(idr)?;
        if idr <= 0 {
            return Err(MoneyError::NotPositive {
                field: DEFAULT_FIELD,
            });
        }
        Ok(amount)
    }

    pub const fn idr(self) -> i64 {
        self.0
    }

    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_add(self, other: Rupiah) -> Result<Rupiah, MoneyError> {
        self.0
            .checked_add(other.0)
            .ok_or_else(out_of_range)
            .and_then(Rupiah::new)
    }

    pub fn checked_sub(self, other: Rupiah) -> Result<Rupiah, MoneyError> {
        self.0
            .checked_sub(other.0)
            .ok_or_else(out_of_range)
            .and_then(Rupiah::new)
    }

    pub fn checked_mul(self, times: i64) -> Result<Rupiah, MoneyError> {
        self.0
            .checked_mul(times)
            .ok_or_else(out_of_range)
            .and_then(Rupiah::new)
    }

    pub fn checked_neg(self) -> Result<Rupiah, MoneyError> {
        self.0.checked_neg().ok_or_else(out_of_range).map(Rupiah)
    }

    /// Sums amounts, failing on overflow instead of wrapping.
    pub fn checked_sum<I: IntoIterator<Item = Rupiah>>(items: I) -> Result<Rupiah, MoneyError> {
        items
            .into_iter()
            .try_fold(Rupiah::ZERO, |acc, x| acc.checked_add(x))
    }

    /// `percent`% of this amount, rounded **up** (towards positive infinity) to a whole
    /// rupiah. Up, because this is used for markups and fees: rounding down would sell a
    /// fraction of a rupiah below the owner's rule.
    pub fn percent(self, percent: Decimal) -> Result<Rupiah, MoneyError> {
        let exact = Decimal::from(self.0)
            .checked_mul(percent)
            .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
            .ok_or_else(out_of_range)?;
        decimal_to_rupiah_ceil(exact)
    }

    /// The smallest multiple of `step` that is at least this amount (for positive steps).
    /// Selling prices are rounded up to Rp500 or Rp1.000 so the counter deals in coins and
    /// notes that exist; rounding up keeps the margin the owner asked for.
    pub fn round_up_to(self, step: Rupiah) -> Result<Rupiah, MoneyError> {
        if step.0 <= 1 {
            return Ok(self);
        }
        let rem = self.0.rem_euclid(step.0);
        if rem == 0 {
            return Ok(self);
        }
        self.checked_add(Rupiah(step.0 - rem))
    }

    /// Parses a gateway or supplier decimal string such as `"50000.00"` or `"50000"`.
    /// A non-zero fraction is an error: we never silently drop part of a payment.
    pub fn from_decimal_str(input: &str) -> Result<Rupiah, MoneyError> {
        let invalid = || MoneyError::Invalid {
            field: DEFAULT_FIELD,
            input: input.to_owned(),
        };
        let trimmed = input.trim();
        let digits_ok = !trimmed.is_empty()
            && trimmed
                .trim_start_matches('-')
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.')
            && trimmed.matches('.').count() <= 1
            && !trimmed.starts_with('.')
            && !trimmed.ends_with('.');
        if !digits_ok {
            return Err(invalid());
        }
        let value = Decimal::from_str(trimmed).map_err(|_| invalid())?;
        if value.fract() != Decimal::ZERO {
            return Err(MoneyError::Fraction {
                field: DEFAULT_FIELD,
                input: input.to_owned(),
            });
        }
        let whole: i64 = value.trunc().try_into().map_err(|_| out_of_range())?;
        Rupiah::new(whole)
    }

    /// This amount as a gateway decimal string with two places (`"50000.00"`), the form
    /// Midtrans signs.
    pub fn to_decimal_str(self) -> String {
        format!("{}.00", self.0)
    }
}

/// Whole rupiah from an exact decimal, rounding towards positive infinity.
pub fn decimal_to_rupiah_ceil(exact: Decimal) -> Result<Rupiah, MoneyError> {
    let rounded = exact.round_dp_with_strategy(0, RoundingStrategy::ToPositiveInfinity);
    let whole: i64 = rounded.try_into().map_err(|_| out_of_range())?;
    Rupiah::new(whole)
}

/// Formats as the counter writes it: `Rp10.000`, `Rp1.250.000`, `-Rp5.000`, `Rp0`.
impl fmt::Display for Rupiah {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}Rp{}", group_thousands(self.0.unsigned_abs()))
    }
}

/// `1250000` -> `1.250.000`: Indonesian thousands grouping with dots.
pub fn group_thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Parses what a person types or reads: `10000`, `10.000`, `Rp 10.000`, `Rp10.000`,
/// `-Rp5.000`, `Rp10.000,00`. Dots are thousands separators and must group digits by three;
/// a comma starts a fraction, which must be zero.
impl FromStr for Rupiah {
    type Err = MoneyError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let invalid = || MoneyError::Invalid {
            field: DEFAULT_FIELD,
            input: input.to_owned(),
        };
        let mut s = input.trim();
        let negative = s.starts_with('-');
        if negative {
            s = s[1..].trim_start();
        }
        if let Some(rest) = s.strip_prefix("Rp").or_else(|| s.strip_prefix("rp")) {
            s = rest.strip_prefix('.').unwrap_or(rest).trim_start();
        }
        let (whole, fraction) = match s.split_once(',') {
            Some((w, f)) => (w, Some(f)),
            None => (s, None),
        };
        if let Some(f) = fraction {
            if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) {
                return Err(invalid());
            }
            if f.chars().any(|c| c != '0') {
                return Err(MoneyError::Fraction {
                    field: DEFAULT_FIELD,
                    input: input.to_owned(),
                });
            }
        }
        if whole.is_empty() {
            return Err(invalid());
        }
        let groups: Vec<&str> = whole.split('.').collect();
        let grouped_ok = groups.len() == 1
            || (!groups[0].is_empty()
                && groups[0].len() <= 3
                && groups[1..].iter().all(|g| g.len() == 3));
        if !grouped_ok || !groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit())) {
            return Err(invalid());
        }
        let mut value: i64 = 0;
        for c in groups.concat().bytes() {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(i64::from(c - b'0')))
                .ok_or_else(out_of_range)?;
        }
        Rupiah::new(if negative { -value } else { value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rp(x: i64) -> Rupiah {
        Rupiah::from_idr(x)
    }

    #[test]
    fn formats_the_indonesian_way() {
        for (value, text) in [
            (0, "Rp0"),
            (5, "Rp5"),
            (999, "Rp999"),
            (1_000, "Rp1.000"),
            (10_000, "Rp10.000"),
            (1_250_000, "Rp1.250.000"),
            (-5_000, "-Rp5.000"),
            (MAX_ABS_IDR, "Rp1.000.000.000.000.000"),
        ] {
            assert_eq!(rp(value).to_string(), text, "formatting {value}");
        }
    }

    #[test]
    fn parses_what_people_type() {
        for (text, value) in [
            ("10000", 10_000),
            ("10.000", 10_000),
            ("Rp 10.000", 10_000),
            ("Rp10.000", 10_000),
            ("Rp. 10.000", 10_000),
            ("  rp 1.250.000 ", 1_250_000),
            ("-Rp5.000", -5_000),
            ("Rp10.000,00", 10_000),
            ("0", 0),
        ] {
            assert_eq!(text.parse::<Rupiah>(), Ok(rp(value)), "parsing {text:?}");
        }
    }

    #[test]
    fn rejects_what_is_not_an_amount() {
        for text in [
            "", "Rp", "abc", "10.00", "1.0000", ".100", "10,", "10,5x", "1e5", "10 000", "+5",
        ] {
            assert!(text.parse::<Rupiah>().is_err(), "{text:?} must not parse");
        }
        assert!(matches!(
            "Rp10.000,50".parse::<Rupiah>(),
            Err(MoneyError::Fraction { .. })
        ));
        assert!(matches!(
            "99999999999999999999".parse::<Rupiah>(),
            Err(MoneyError::OutOfRange { .. })
        ));
    }

    #[test]
    fn gateway_decimal_strings() {
        assert_eq!(Rupiah::from_decimal_str("50000.00"), Ok(rp(50_000)));
        assert_eq!(Rupiah::from_decimal_str("50000"), Ok(rp(50_000)));
        assert_eq!(Rupiah::from_decimal_str("50000.0"), Ok(rp(50_000)));
        assert!(matches!(
            Rupiah::from_decimal_str("50000.50"),
            Err(MoneyError::Fraction { .. })
        ));
        for bad in ["", "50,000.00", "5e4", "50000.", "1.2.3", "abc"] {
            assert!(Rupiah::from_decimal_str(bad).is_err(), "{bad:?}");
        }
        assert_eq!(rp(50_000).to_decimal_str(), "50000.00");
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(rp(MAX_ABS_IDR).checked_add(rp(1)), Err(out_of_range()));
        assert_eq!(rp(-MAX_ABS_IDR).checked_sub(rp(1)), Err(out_of_range()));
        assert_eq!(rp(i64::MAX / 2).checked_mul(3), Err(out_of_range()));
        assert_eq!(rp(7).checked_mul(3), Ok(rp(21)));
        assert_eq!(Rupiah::new(i64::MIN), Err(out_of_range()));
        assert_eq!(Rupiah::checked_sum([rp(1), rp(2), rp(3)]), Ok(rp(6)));
        assert!(matches!(
            Rupiah::positive(0),
            Err(MoneyError::NotPositive { .. })
        ));
    }

    #[test]
    fn percent_rounds_up_to_whole_rupiah() {
        let pct = |s: &str| Decimal::from_str(s).expect("test decimal");
        assert_eq!(rp(10_000).percent(pct("2.5")), Ok(rp(250)));
        assert_eq!(
            rp(10_001).percent(pct("2.5")),
            Ok(rp(251)),
            "250.025 -> 251"
        );
        assert_eq!(rp(3).percent(pct("10")), Ok(rp(1)), "0.3 -> 1");
        assert_eq!(rp(0).percent(pct("10")), Ok(rp(0)));
    }

    #[test]
    fn rounding_up_to_a_step() {
        assert_eq!(rp(10_250).round_up_to(rp(500)), Ok(rp(10_500)));
        assert_eq!(rp(10_500).round_up_to(rp(500)), Ok(rp(10_500)));
        assert_eq!(rp(10_501).round_up_to(rp(1_000)), Ok(rp(11_000)));
        assert_eq!(rp(10_001).round_up_to(rp(1)), Ok(rp(10_001)));
    }

    proptest! {
        #[test]
        fn parse_of_format_is_identity(x in -MAX_ABS_IDR..=MAX_ABS_IDR) {
            let shown = rp(x).to_string();
            prop_assert_eq!(shown.parse::<Rupiah>(), Ok(rp(x)));
        }

        #[test]
        fn decimal_string_round_trips(x in -MAX_ABS_IDR..=MAX_ABS_IDR) {
            prop_assert_eq!(Rupiah::from_decimal_str(&rp(x).to_decimal_str()), Ok(rp(x)));
        }

        #[test]
        fn parsing_random_text_never_panics(s in "\\PC{0,24}") {
            let _ = s.parse::<Rupiah>();
            let _ = Rupiah::from_decimal_str(&s);
        }

        #[test]
        fn round_up_is_the_least_multiple_not_below(x in 0i64..1_000_000_000, step in prop::sample::select(vec![500i64, 1_000, 100])) {
            let r = rp(x).round_up_to(rp(step)).expect("in range");
            prop_assert!(r.idr() >= x);
            prop_assert_eq!(r.idr() % step, 0);
            prop_assert!(r.idr() - x < step);
        }
    }
}
