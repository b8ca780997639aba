//! The shop-wide settings the server keeps for every counter of a shop (docs/owners.md,
//! "Shop-wide settings"): selling-price rules, bill fees and their cap, the receipt's header
//! and footer, the shop's address and phone, and its time zone. The owner sets them once (the
//! back office, or the owner's login at any counter); every counter receives them through
//! the change feed and keeps selling with the last ones it had while offline.

use serde::{Deserialize, Serialize};

use crate::bill::ShopFees;
use crate::catalogue::{Category, PriceRule, RuleScope, SellingRule, Sku};
use crate::codes::{self, Code};
use crate::error::FieldError;

/// The longest free text a setting takes, in characters.
pub const MAX_TEXT_CHARS: usize = 200;
/// Selling-price rules one shop may have.
pub const MAX_RULES: usize = 500;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShopSettings {
    /// Given by the server, one more at every change; a change names the version it was
    /// made from, and one made from an older version is refused (someone else changed them
    /// first).
    #[serde(default)]
    pub version: i64,
    pub price_rules: Vec<SellingRule>,
    pub bill_fees: ShopFees,
    /// One line; empty: the shop's name.
    #[serde(default)]
    pub receipt_header: String,
    /// One line per line.
    #[serde(default)]
    pub receipt_footer: String,
    #[serde(default)]
    pub shop_address: String,
    #[serde(default)]
    pub shop_phone: String,
    /// Hours east of UTC: 7 (WIB), 8 (WITA) or 9 (WIT).
    pub utc_offset_h: i8,
}

impl Default for ShopSettings {
    fn default() -> Self {
        ShopSettings {
            version: 0,
            price_rules: Vec::new(),
            bill_fees: ShopFees::default(),
            receipt_header: String::new(),
            receipt_footer: String::new(),
            shop_address: String::new(),
            shop_phone: String::new(),
            utc_offset_h: 7,
        }
    }
}

/// The settings' JSON Schema for the server's OpenAPI document: an object, described in
/// docs/owners.md.
#[cfg(feature = "schema")]
pub fn settings_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "object",
        "description": "The shop-wide settings (docs/owners.md, \"Shop-wide settings\")"
    })
}

/// An inner check's words and code, carried whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub id: String,
    pub en: String,
    pub code: Code,
}

impl Said {
    fn of(e: &dyn FieldError) -> Said {
        Said {
            id: e.message_id(),
            en: e.message_en(),
            code: e.code(),
        }
    }
}

/// A shop-wide setting that does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("{field}: at most {MAX_TEXT_CHARS} characters")]
    TooLong { field: &'static str },
    #[error("receipt_header: one line")]
    OneLine,
    #[error("utc_offset_h: the zone must be UTC+7, +8 or +9")]
    Zone,
    #[error("price_rules: at most {MAX_RULES} rules")]
    TooManyRules,
    #[error("price_rules: the default rule has no key; other rules need a category, brand or SKU")]
    RuleKey,
    #[error("price_rules: two rules for {scope} '{key}'")]
    DuplicateRule { scope: &'static str, key: String },
    #[error(
        "price_rules: a category rule names one of pulsa, data, game, emoney, pln, bill; a brand rule the brand as the catalogue spells it; a product rule a SKU ('{key}')"
    )]
    RuleKeyInvalid { key: String },
    #[error("price_rules: {}", .0.en)]
    Rule(Said),
    #[error("bill_fees: {}", .0.en)]
    Fees(Said),
}

impl FieldError for SettingsError {
    fn field(&self) -> &'static str {
        match self {
            SettingsError::TooLong { field } => field,
            SettingsError::OneLine => "receipt_header",
            SettingsError::Zone => "utc_offset_h",
            SettingsError::TooManyRules
            | SettingsError::RuleKey
            | SettingsError::DuplicateRule { .. }
            | SettingsError::RuleKeyInvalid { .. }
            | SettingsError::Rule(..) => "price_rules",
            SettingsError::Fees(..) => "bill_fees",
        }
    }
    fn code(&self) -> Code {
        match self {
            SettingsError::TooLong { .. } => codes::TOO_LONG,
            SettingsError::OneLine => codes::ONE_LINE,
            SettingsError::Zone => codes::ZONE_UNKNOWN,
            SettingsError::TooManyRules | SettingsError::DuplicateRule { .. } => {
                codes::SETTING_INVALID
            }
            SettingsError::RuleKey | SettingsError::RuleKeyInvalid { .. } => codes::RULE_KEY,
            SettingsError::Rule(said) | SettingsError::Fees(said) => said.code,
        }
    }
    fn message_id(&self) -> String {
        match self {
            SettingsError::TooLong { .. } => format!("paling banyak {MAX_TEXT_CHARS} huruf"),
            SettingsError::OneLine => "kepala struk hanya satu baris".into(),
            SettingsError::Zone => "zona waktu harus WIB, WITA atau WIT".into(),
            SettingsError::TooManyRules => format!("paling banyak {MAX_RULES} aturan harga"),
            SettingsError::RuleKey => {
                "aturan bawaan tanpa kunci; aturan lain perlu kategori, merek atau SKU".into()
            }
            SettingsError::DuplicateRule { scope, key } => {
                format!("dua aturan untuk {scope} '{key}'")
            }
            SettingsError::RuleKeyInvalid { key } => format!(
                "kunci aturan '{key}' tidak sah: kategori (pulsa, data, game, emoney, pln, bill), merek seperti di katalog, atau SKU"
            ),
            SettingsError::Rule(said) | SettingsError::Fees(said) => said.id.clone(),
        }
    }
}

/// Checks one selling-price rule: its markup and rounding, and that only the default rule
/// has no key.
pub fn check_rule(rule: &SellingRule) -> Result<(), SettingsError> {
    PriceRule {
        markup: rule.markup,
        round_to: rule.round_to,
    }
    .check()
    .map_err(|e| SettingsError::Rule(Said::of(&e)))?;
    if (rule.scope == RuleScope::Default) != rule.key.is_empty() {
        return Err(SettingsError::RuleKey);
    }
    let key = rule.key.as_str();
    let fits = match rule.scope {
        RuleScope::Default => true,
        RuleScope::Category => Category::from_code(key).is_some(),
        RuleScope::Brand => key.trim() == key && key.chars().count() <= 40,
        RuleScope::Product => Sku::parse(key).is_ok(),
    };
    if !fits {
        return Err(SettingsError::RuleKeyInvalid { key: key.into() });
    }
    Ok(())
}

impl ShopSettings {
    /// Checks every setting; the first that does not hold names its field.
    pub fn check(&self) -> Result<(), SettingsError> {
        for (value, field) in [
            (&self.receipt_header, "receipt_header"),
            (&self.receipt_footer, "receipt_footer"),
            (&self.shop_address, "shop_address"),
            (&self.shop_phone, "shop_phone"),
        ] {
            if value.chars().count() > MAX_TEXT_CHARS {
                return Err(SettingsError::TooLong { field });
            }
        }
        if self.receipt_header.contains(['\n', '\r']) {
            return Err(SettingsError::OneLine);
        }
        if !(7..=9).contains(&self.utc_offset_h) {
            return Err(SettingsError::Zone);
        }
        if self.price_rules.len() > MAX_RULES {
            return Err(SettingsError::TooManyRules);
        }
        let mut seen = std::collections::BTreeSet::new();
        for rule in &self.price_rules {
            check_rule(rule)?;
            if !seen.insert((rule.scope, rule.key.as_str())) {
                return Err(SettingsError::DuplicateRule {
                    scope: rule.scope.code(),
                    key: rule.key.clone(),
                });
            }
        }
        self.bill_fees
            .check()
            .map_err(|e| SettingsError::Fees(Said::of(&e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Markup;
    use crate::money::Rupiah;

    fn rule(scope: RuleScope, key: &str, idr: i64) -> SellingRule {
        SellingRule {
            scope,
            key: key.into(),
            markup: Markup::Fixed {
                idr: Rupiah::from_idr(idr),
            },
            round_to: Rupiah::from_idr(500),
        }
    }

    #[test]
    fn settings_that_hold_pass_and_each_fault_names_its_field() {
        let good = ShopSettings {
            price_rules: vec![
                rule(RuleScope::Default, "", 2_000),
                rule(RuleScope::Category, "pulsa", 1_500),
            ],
            receipt_footer: "Terima kasih\nSimpan struk".into(),
            ..ShopSettings::default()
        };
        assert_eq!(good.check(), Ok(()));
        let cases: Vec<(ShopSettings, &str)> = vec![
            (
                ShopSettings {
                    receipt_header: "a\nb".into(),
                    ..good.clone()
                },
                "receipt_header",
            ),
            (
                ShopSettings {
                    shop_address: "x".repeat(201),
                    ..good.clone()
                },
                "shop_address",
            ),
            (
                ShopSettings {
                    utc_offset_h: 6,
                    ..good.clone()
                },
                "utc_offset_h",
            ),
            (
                ShopSettings {
                    price_rules: vec![rule(RuleScope::Category, "", 1_000)],
                    ..good.clone()
                },
                "price_rules",
            ),
            (
                ShopSettings {
                    price_rules: vec![
                        rule(RuleScope::Brand, "DANA", 1_000),
                        rule(RuleScope::Brand, "DANA", 2_000),
                    ],
                    ..good.clone()
                },
                "price_rules",
            ),
            (
                ShopSettings {
                    price_rules: vec![rule(RuleScope::Default, "", -1)],
                    ..good.clone()
                },
                "price_rules",
            ),
        ];
        for (s, field) in cases {
            assert_eq!(s.check().map_err(|e| e.field()), Err(field), "{s:?}");
        }
        let mut fees = good.clone();
        fees.bill_fees.cap_idr = Rupiah::from_idr(1_000);
        let e = fees.check().expect_err("a fee above the cap");
        assert_eq!(e.field(), "bill_fees");
        // Each language in its own words.
        assert_ne!(e.message_id(), e.to_string());
        assert!(e.to_string().starts_with("bill_fees: "), "{e}");
    }
}
