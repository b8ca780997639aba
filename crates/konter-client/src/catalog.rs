//! The cached catalogue and the owner's selling prices.
//!
//! The server prices every product for the shop (`cost`: what the saldo pays). The owner
//! decides what walk-in customers pay with rules per category, brand or product — the most
//! specific rule wins — each a markup rounded up (see `konter_domain::catalogue::PriceRule`).
//! The price quoted is the price charged and recorded.

use chrono::{DateTime, Utc};
use konter_domain::api::v1::{Catalog, CatalogItem};
use konter_domain::catalogue::{Category, Markup, PriceRule};
pub use konter_domain::catalogue::{RuleScope, SellingRule};
use konter_domain::money::Rupiah;
use konter_domain::phone::Operator;
use konter_domain::target::{Detected, InputSchema, detect};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::Engine;
use crate::db::{self, from_ms};
use crate::error::{EngineError, EngineResult};
use crate::link::{self, Call, Method};
use konter_domain::FieldError;
use konter_domain::codes;
use konter_domain::shop::SettingsError;

/// The selling rule when the owner set none: Rp2.000 on the saldo price, rounded up to
/// Rp500 — the common margin on pulsa at a konter.
pub const DEFAULT_RULE: PriceRule = PriceRule {
    markup: Markup::Fixed {
        idr: Rupiah::from_idr(2_000),
    },
    round_to: Rupiah::from_idr(500),
};

/// A rule's id, its scope and key (`brand:DANA`): the same rule has the same id on every
/// screen and after every edit of its markup.
pub fn rule_id(scope: RuleScope, key: &str) -> String {
    format!("{}:{key}", scope.code())
}

/// The scope and key an id names; `None` for anything else, and for the default rule, which
/// is edited apart and never deleted.
pub fn parse_rule_id(id: &str) -> Option<(RuleScope, &str)> {
    let (scope, key) = id.split_once(':')?;
    let scope = match scope {
        "category" => RuleScope::Category,
        "brand" => RuleScope::Brand,
        "product" => RuleScope::Product,
        _ => return None,
    };
    Some((scope, key))
}

/// A product as the counter offers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QuoteItem {
    pub sku: String,
    pub name: String,
    pub category: Category,
    pub brand: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub operator: Option<Operator>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub nominal_idr: Option<Rupiah>,
    /// What the shop's saldo pays.
    pub cost_idr: Rupiah,
    /// What the customer pays.
    pub price_idr: Rupiah,
    pub profit_idr: Rupiah,
    pub available: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub unavailable_reason: Option<String>,
    #[serde(skip)]
    pub input: Option<InputSchema>,
}

/// What the smart input found, with the matching products.
#[derive(Clone, Debug, Serialize)]
pub struct Quote {
    pub detected: Vec<Detected>,
    pub products: Vec<QuoteItem>,
    pub prices_as_of: Option<DateTime<Utc>>,
}

/// The cached catalogue in counter order: categories as [`Category::ALL`] lists them (pulsa
/// first: the sale a counter makes most), then by price. The order is the UI's: its first
/// tab and first product are what Enter, Enter sells.
pub(crate) fn load_items(conn: &Connection) -> EngineResult<Vec<CatalogItem>> {
    let mut stmt = conn.prepare_cached("SELECT item FROM catalog ORDER BY price_idr, sku")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut items = rows
        .map(|r| {
            let text = r?;
            serde_json::from_str(&text)
                .map_err(|e| EngineError::Corrupt(format!("catalog item: {e}")))
        })
        .collect::<EngineResult<Vec<CatalogItem>>>()?;
    // A stable sort keeps the price order within each category.
    items.sort_by_key(|i| Category::ALL.iter().position(|c| *c == i.product.category));
    Ok(items)
}

pub(crate) fn item(conn: &Connection, sku: &str) -> EngineResult<Option<CatalogItem>> {
    let text: Option<String> = conn
        .query_row("SELECT item FROM catalog WHERE sku = ?1", [sku], |r| {
            r.get(0)
        })
        .optional()?;
    text.map(|t| {
        serde_json::from_str(&t).map_err(|e| EngineError::Corrupt(format!("catalog item: {e}")))
    })
    .transpose()
}

pub(crate) fn upsert_item(conn: &Connection, item: &CatalogItem) -> EngineResult<()> {
    let text = serde_json::to_string(item).map_err(|e| EngineError::Corrupt(e.to_string()))?;
    conn.execute(
        "INSERT INTO catalog (sku, item, category, price_idr, active) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (sku) DO UPDATE SET item = excluded.item, category = excluded.category, \
         price_idr = excluded.price_idr, active = excluded.active",
        params![
            item.product.sku.as_str(),
            text,
            item.product.category.code(),
            item.price_idr.idr(),
            item.product.active
        ],
    )?;
    Ok(())
}

pub(crate) use crate::shop::rules;

/// The rule for an item: product, then brand, then category, then the default.
fn rule_for<'a>(rules: &'a [SellingRule], item: &CatalogItem) -> PriceRule {
    let p = &item.product;
    let find = |scope: RuleScope, key: &str| {
        rules
            .iter()
            .find(|r: &&'a SellingRule| r.scope == scope && r.key == key)
            .map(|r| PriceRule {
                markup: r.markup,
                round_to: r.round_to,
            })
    };
    find(RuleScope::Product, p.sku.as_str())
        .or_else(|| find(RuleScope::Brand, &p.brand))
        .or_else(|| find(RuleScope::Category, p.category.code()))
        .or_else(|| find(RuleScope::Default, ""))
        .unwrap_or(DEFAULT_RULE)
}

pub(crate) fn quote_item(rules: &[SellingRule], item: &CatalogItem) -> EngineResult<QuoteItem> {
    let cost = item.price_idr;
    let price = rule_for(rules, item)
        .price(cost)
        .map_err(|e| EngineError::Corrupt(e.to_string()))?;
    let p = &item.product;
    Ok(QuoteItem {
        sku: p.sku.to_string(),
        name: p.name.clone(),
        category: p.category,
        brand: p.brand.clone(),
        operator: p.operator,
        nominal_idr: p.nominal_idr,
        cost_idr: cost,
        price_idr: price,
        profit_idr: Rupiah::from_idr(price.idr() - cost.idr()),
        available: p.active,
        unavailable_reason: (!p.active).then(|| "produk sedang tidak aktif / inactive".to_owned()),
        input: Some(p.input),
    })
}

impl Engine {
    /// Pulls the shop's catalogue from the server and replaces the cache.
    pub async fn refresh_catalog(&self) -> EngineResult<usize> {
        let (base, token) = link::credentials(self)?;
        let call = Call {
            method: Method::Get,
            path: "/v1/catalog".into(),
            token: Some(token),
            body: None,
        };
        let catalog: Catalog = link::json_or_error(&self.send(&base, call).await?)?;
        let mut conn = self.db();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM catalog", [])?;
        for item in &catalog.items {
            upsert_item(&tx, item)?;
        }
        db::set_setting(
            &tx,
            "catalog_as_of",
            &catalog.as_of.timestamp_millis().to_string(),
        )?;
        tx.commit()?;
        Ok(catalog.items.len())
    }

    /// What the typed input is and what can be sold to it, at the shop's selling prices.
    pub fn quote(&self, input: &str) -> EngineResult<Quote> {
        let conn = self.db();
        let detected = detect(input);
        let rules = rules(&conn)?;
        let items = load_items(&conn)?;
        let mut products = Vec::new();
        for d in &detected {
            for item in &items {
                let p = &item.product;
                let matches = match d {
                    Detected::Phone { operator, .. } => {
                        p.input == InputSchema::Phone
                            && (p.operator == Some(*operator)
                                || (*operator == Operator::Byu
                                    && p.operator == Some(Operator::Telkomsel)))
                    }
                    Detected::Pln { .. } => p.input == InputSchema::PlnNumber,
                    // Bills have no price before their inquiry; the counter offers the
                    // Tagihan flow for them instead.
                    Detected::Bill { .. } => false,
                };
                if matches {
                    products.push(quote_item(&rules, item)?);
                }
            }
        }
        Ok(Quote {
            detected,
            products,
            prices_as_of: db::setting(&conn, "catalog_as_of")?
                .and_then(|v| v.parse().ok())
                .map(from_ms),
        })
    }

    /// Every product of a category (games, e-money), priced.
    pub fn products(&self, category: Category) -> EngineResult<Vec<QuoteItem>> {
        let conn = self.db();
        let rules = rules(&conn)?;
        load_items(&conn)?
            .iter()
            .filter(|i| i.product.category == category)
            .map(|i| quote_item(&rules, i))
            .collect()
    }

    pub fn price_rules(&self) -> EngineResult<Vec<SellingRule>> {
        rules(&self.db())
    }

    /// Adds or replaces the rule for a scope and key.
    pub fn save_price_rule(&self, rule: &SellingRule) -> EngineResult<()> {
        PriceRule {
            markup: rule.markup,
            round_to: rule.round_to,
        }
        .check()
        .map_err(|e| EngineError::from_field(&e))?;
        if (rule.scope == RuleScope::Default) != rule.key.is_empty() {
            return Err(EngineError::input(
                codes::RULE_KEY,
                "aturan bawaan tanpa kunci; aturan lain perlu kategori, merek atau SKU",
                "the default rule has no key; other rules need a category, brand or SKU",
                "key",
            ));
        }
        // The shop's settings take only keys a counter can match (the server refuses others).
        if let Err(e @ SettingsError::RuleKeyInvalid { .. }) = konter_domain::shop::check_rule(rule)
        {
            return Err(EngineError::input(
                codes::RULE_KEY,
                &e.message_id(),
                &e.to_string(),
                "key",
            ));
        }
        let mut conn = self.db();
        let tx = conn.transaction()?;
        crate::shop::put_rule(&tx, rule)?;
        crate::shop::edited(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Saves `rule`, replacing the rule called `was` when an edit changed its scope or key;
    /// returns the rule's id.
    pub fn replace_price_rule(
        &self,
        was: Option<&str>,
        rule: &SellingRule,
    ) -> EngineResult<String> {
        self.save_price_rule(rule)?;
        let id = rule_id(rule.scope, &rule.key);
        if let Some((old_scope, old_key)) = was.and_then(parse_rule_id)
            && rule_id(old_scope, old_key) != id
        {
            self.delete_price_rule(old_scope, old_key)?;
        }
        Ok(id)
    }

    /// Deletes the rule called `id`; an id that names no rule is refused naming `id`.
    pub fn delete_price_rule_by_id(&self, id: &str) -> EngineResult<bool> {
        let (scope, key) = parse_rule_id(id).ok_or_else(|| {
            EngineError::input(
                codes::RULE_UNKNOWN,
                "aturan tidak ada",
                "no such rule",
                "id",
            )
        })?;
        self.delete_price_rule(scope, key)
    }

    pub fn delete_price_rule(&self, scope: RuleScope, key: &str) -> EngineResult<bool> {
        let mut conn = self.db();
        let tx = conn.transaction()?;
        let deleted = tx.execute(
            "DELETE FROM price_rules WHERE scope = ?1 AND key = ?2",
            params![scope.code(), key],
        )? == 1;
        if deleted {
            crate::shop::edited(&tx)?;
        }
        tx.commit()?;
        Ok(deleted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_name_scope_and_key_and_never_the_default() {
        assert_eq!(rule_id(RuleScope::Brand, "DANA"), "brand:DANA");
        assert_eq!(
            parse_rule_id("brand:DANA"),
            Some((RuleScope::Brand, "DANA"))
        );
        assert_eq!(parse_rule_id("default:"), None);
        assert_eq!(parse_rule_id("DANA"), None);
    }
}
