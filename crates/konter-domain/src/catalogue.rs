//! The catalogue: what a shop can sell and at what price.
//!
//! A product (one SKU) belongs to a category and a brand, asks for one kind of target, and
//! has a face value. The server prices it for a shop as the supplier's cost plus the shop's
//! tier markup; the device prices it for the walk-in customer as the shop's price plus the
//! owner's selling rule. Both use [`PriceRule`], so the rounding is the same everywhere.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::codes::{self, Code};
use crate::money::{MoneyError, Rupiah};
use crate::phone::Operator;
use crate::target::InputSchema;

/// Longest SKU we accept. Digiflazz buyer SKU codes are short (`xld10`); this is a bound,
/// not a format.
pub const MAX_SKU_LEN: usize = 40;

/// Largest percent markup accepted (100 = doubling the price). Anything above is a typo.
pub const MAX_MARKUP_PERCENT: i64 = 100;
/// The largest fixed markup: far above any konter's margin on a single sale.
pub const MAX_MARKUP_IDR: i64 = 1_000_000;

/// What the counter sells.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Category {
    Pulsa,
    Data,
    Game,
    Emoney,
    Pln,
    /// Postpaid bills (PPOB); priced per inquiry, not per product.
    Bill,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Pulsa,
        Category::Data,
        Category::Game,
        Category::Emoney,
        Category::Pln,
        Category::Bill,
    ];

    pub fn code(&self) -> &'static str {
        match self {
            Category::Pulsa => "pulsa",
            Category::Data => "data",
            Category::Game => "game",
            Category::Emoney => "emoney",
            Category::Pln => "pln",
            Category::Bill => "bill",
        }
    }

    pub fn label_id(&self) -> &'static str {
        match self {
            Category::Pulsa => "Pulsa",
            Category::Data => "Paket Data",
            Category::Game => "Voucher Game",
            Category::Emoney => "E-Money",
            Category::Pln => "Token PLN",
            Category::Bill => "Tagihan",
        }
    }

    pub fn from_code(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == code)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A shop's price tier on the server: bigger shops get smaller markups.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Basic,
    Silver,
    Gold,
    Platinum,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Basic, Tier::Silver, Tier::Gold, Tier::Platinum];

    pub fn code(&self) -> &'static str {
        match self {
            Tier::Basic => "basic",
            Tier::Silver => "silver",
            Tier::Gold => "gold",
            Tier::Platinum => "platinum",
        }
    }
}

impl FromStr for Tier {
    type Err = CatalogueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Tier::ALL
            .into_iter()
            .find(|t| t.code() == s)
            .ok_or_else(|| CatalogueError::UnknownTier { input: s.into() })
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Catalogue input that does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("sku: '{input}' is not a product code (letters, digits, '-' and '_', at most 40)")]
    InvalidSku { input: String },
    #[error("tier: '{input}' is not one of basic, silver, gold, platinum")]
    UnknownTier { input: String },
    #[error("markup: a markup cannot be negative")]
    NegativeMarkup,
    #[error("markup: a percent markup must be at most {MAX_MARKUP_PERCENT}%")]
    MarkupTooLarge,
    #[error("markup: a fixed markup must be at most Rp1.000.000")]
    FixedMarkupTooLarge,
    #[error("round_to: rounding must be to 1, 100, 500 or 1000 rupiah")]
    InvalidRounding,
    #[error(transparent)]
    Money(#[from] MoneyError),
}

impl FieldError for CatalogueError {
    fn field(&self) -> &'static str {
        match self {
            CatalogueError::InvalidSku { .. } => "sku",
            CatalogueError::UnknownTier { .. } => "tier",
            CatalogueError::NegativeMarkup
            | CatalogueError::MarkupTooLarge
            | CatalogueError::FixedMarkupTooLarge => "markup",
            CatalogueError::InvalidRounding => "round_to",
            CatalogueError::Money(e) => e.field(),
        }
    }
    fn code(&self) -> Code {
        match self {
            CatalogueError::InvalidSku { .. } => codes::SKU_INVALID,
            CatalogueError::UnknownTier { .. } => codes::TIER_UNKNOWN,
            CatalogueError::NegativeMarkup => codes::MARKUP_NEGATIVE,
            CatalogueError::MarkupTooLarge | CatalogueError::FixedMarkupTooLarge => {
                codes::MARKUP_TOO_LARGE
            }
            CatalogueError::InvalidRounding => codes::ROUNDING_INVALID,
            CatalogueError::Money(e) => e.code(),
        }
    }
    fn message_id(&self) -> String {
        match self {
            CatalogueError::InvalidSku { input } => format!("'{input}' bukan kode produk yang sah"),
            CatalogueError::UnknownTier { input } => {
                format!("'{input}' bukan tier (basic, silver, gold, platinum)")
            }
            CatalogueError::NegativeMarkup => "markup tidak boleh negatif".into(),
            CatalogueError::FixedMarkupTooLarge => "markup tetap paling besar Rp1.000.000".into(),
            CatalogueError::MarkupTooLarge => {
                format!("markup persen paling besar {MAX_MARKUP_PERCENT}%")
            }
            CatalogueError::InvalidRounding => {
                "pembulatan harus ke Rp1, Rp100, Rp500 atau Rp1.000".into()
            }
            CatalogueError::Money(e) => e.message_id(),
        }
    }
}

/// A product code, as the catalogue and the suppliers spell it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub struct Sku(String);

impl Sku {
    pub fn parse(input: &str) -> Result<Sku, CatalogueError> {
        let ok = !input.is_empty()
            && input.len() <= MAX_SKU_LEN
            && input
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(Sku(input.to_owned()))
        } else {
            Err(CatalogueError::InvalidSku {
                input: input.chars().take(MAX_SKU_LEN + 8).collect(),
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Sku {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Sku".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[A-Za-z0-9_-]{1,40}$",
            "description": "A product code"
        })
    }
}

impl TryFrom<String> for Sku {
    type Error = CatalogueError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Sku::parse(&s)
    }
}

impl From<Sku> for String {
    fn from(s: Sku) -> String {
        s.0
    }
}

impl fmt::Display for Sku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One sellable product.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub sku: Sku,
    /// As shown to the cashier: `Telkomsel 10.000`, `MLBB 86 Diamonds`.
    pub name: String,
    pub category: Category,
    /// `TELKOMSEL`, `MOBILE LEGENDS`, `DANA`, `PLN`: the supplier's brand.
    pub brand: String,
    /// The operator a phone product can be delivered to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<Operator>,
    /// The face value (pulsa nominal, token value), when the product has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nominal_idr: Option<Rupiah>,
    pub input: InputSchema,
    pub active: bool,
}

/// What a selling-price rule applies to: the most specific rule wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleScope {
    Default,
    Category,
    Brand,
    Product,
}

impl RuleScope {
    pub fn code(self) -> &'static str {
        match self {
            RuleScope::Default => "default",
            RuleScope::Category => "category",
            RuleScope::Brand => "brand",
            RuleScope::Product => "product",
        }
    }
}

/// One of the owner's selling-price rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SellingRule {
    pub scope: RuleScope,
    /// Category code, brand, or SKU; empty for the default rule.
    pub key: String,
    pub markup: Markup,
    pub round_to: Rupiah,
}

/// A markup on a price.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Markup {
    /// A fixed number of rupiah on top.
    Fixed { idr: Rupiah },
    /// A percentage of the base price, e.g. `2.5`.
    Percent {
        #[serde(with = "rust_decimal::serde::str")]
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        percent: Decimal,
    },
}

impl Markup {
    pub fn check(&self) -> Result<(), CatalogueError> {
        match self {
            Markup::Fixed { idr } if idr.is_negative() => Err(CatalogueError::NegativeMarkup),
            Markup::Fixed { idr } if idr.idr() > MAX_MARKUP_IDR => {
                Err(CatalogueError::FixedMarkupTooLarge)
            }
            Markup::Percent { percent } if percent.is_sign_negative() => {
                Err(CatalogueError::NegativeMarkup)
            }
            Markup::Percent { percent } if *percent > Decimal::from(MAX_MARKUP_PERCENT) => {
                Err(CatalogueError::MarkupTooLarge)
            }
            _ => Ok(()),
        }
    }

    /// The markup in rupiah on `base`. Percent markups round up to a whole rupiah
    /// ([`Rupiah::percent`]).
    pub fn amount_on(&self, base: Rupiah) -> Result<Rupiah, MoneyError> {
        match self {
            Markup::Fixed { idr } => Ok(*idr),
            Markup::Percent { percent } => base.percent(*percent),
        }
    }
}

/// The rupiah steps a price may be rounded up to.
pub const ROUNDING_STEPS_IDR: [i64; 4] = [1, 100, 500, 1_000];

/// How a price is derived from a base price: add the markup, then round the total **up**
/// to the next multiple of `round_to`. Up, so the margin is never less than the rule says
/// and the counter never has to give back coins that do not exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceRule {
    pub markup: Markup,
    pub round_to: Rupiah,
}

impl PriceRule {
    pub fn new(markup: Markup, round_to: Rupiah) -> Result<PriceRule, CatalogueError> {
        let rule = PriceRule { markup, round_to };
        rule.check()?;
        Ok(rule)
    }

    pub fn check(&self) -> Result<(), CatalogueError> {
        self.markup.check()?;
        if !ROUNDING_STEPS_IDR.contains(&self.round_to.idr()) {
            return Err(CatalogueError::InvalidRounding);
        }
        Ok(())
    }

    /// The price for a base price (a supplier cost, or the shop's own price).
    pub fn price(&self, base: Rupiah) -> Result<Rupiah, MoneyError> {
        let raw = base.checked_add(self.markup.amount_on(base)?)?;
        raw.round_up_to(self.round_to)
    }
}

/// A daily window in which a product cannot be sold (suppliers' maintenance around
/// midnight, operator cut-offs). `start > end` means the window wraps past midnight.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CutOff {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl CutOff {
    /// Whether a local wall-clock time falls in the window (start inclusive, end exclusive).
    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start <= self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
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
    fn fixed_and_percent_rules() {
        let fixed = PriceRule::new(Markup::Fixed { idr: rp(1_500) }, rp(500)).expect("valid");
        assert_eq!(fixed.price(rp(10_150)), Ok(rp(12_000)), "11.650 -> 12.000");
        let pct = PriceRule::new(
            Markup::Percent {
                percent: Decimal::new(25, 1),
            },
            rp(1),
        )
        .expect("valid");
        assert_eq!(pct.price(rp(10_001)), Ok(rp(10_252)), "10.001 + 250,025 up");
        let pct_round = PriceRule::new(
            Markup::Percent {
                percent: Decimal::new(5, 0),
            },
            rp(1_000),
        )
        .expect("valid");
        assert_eq!(pct_round.price(rp(20_000)), Ok(rp(21_000)));
        assert_eq!(
            pct_round.price(rp(20_100)),
            Ok(rp(22_000)),
            "21.105 -> 22.000"
        );
    }

    #[test]
    fn bad_rules_are_refused_naming_the_field() {
        let err = PriceRule::new(Markup::Fixed { idr: rp(-1) }, rp(1)).expect_err("negative");
        assert_eq!(err.field(), "markup");
        let err = PriceRule::new(
            Markup::Percent {
                percent: Decimal::from(101),
            },
            rp(1),
        )
        .expect_err("too large");
        assert_eq!(err, CatalogueError::MarkupTooLarge);
        let err = PriceRule::new(Markup::Fixed { idr: rp(0) }, rp(250)).expect_err("step");
        assert_eq!(err.field(), "round_to");
    }

    #[test]
    fn skus_and_tiers() {
        assert!(Sku::parse("xld10").is_ok());
        assert!(Sku::parse("ML-86_d").is_ok());
        for bad in ["", "x y", "ä", &"a".repeat(41)] {
            assert_eq!(
                Sku::parse(bad).map_err(|e| e.field()),
                Err("sku"),
                "{bad:?}"
            );
        }
        assert_eq!("gold".parse::<Tier>(), Ok(Tier::Gold));
        assert!("diamond".parse::<Tier>().is_err());
        let json = serde_json::to_string(&Markup::Percent {
            percent: Decimal::new(25, 1),
        })
        .expect("ser");
        assert_eq!(json, r#"{"kind":"percent","percent":"2.5"}"#);
    }

    #[test]
    fn cut_off_windows_wrap_midnight() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("time");
        let nightly = CutOff {
            start: t(23, 45),
            end: t(0, 15),
        };
        assert!(nightly.contains(t(23, 50)));
        assert!(nightly.contains(t(0, 5)));
        assert!(!nightly.contains(t(0, 15)));
        assert!(!nightly.contains(t(12, 0)));
        let day = CutOff {
            start: t(1, 0),
            end: t(2, 0),
        };
        assert!(day.contains(t(1, 30)) && !day.contains(t(2, 30)));
    }

    proptest! {
        #[test]
        fn a_price_is_never_below_base_plus_markup(base in 0i64..10_000_000, fixed in 0i64..100_000, step in prop::sample::select(ROUNDING_STEPS_IDR.to_vec())) {
            let rule = PriceRule::new(Markup::Fixed { idr: rp(fixed) }, rp(step)).expect("valid");
            let price = rule.price(rp(base)).expect("in range");
            prop_assert!(price.idr() >= base + fixed);
            prop_assert!(price.idr() < base + fixed + step);
            prop_assert_eq!(price.idr() % step, 0);
        }
    }
}
