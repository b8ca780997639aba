//! Loading the catalogue from a TOML file: products, their supplier offers and the tier
//! markups. Used by `konter-server catalog load`, the demo and tests. Every product whose
//! price changes for a shop is announced in that shop's change feed.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use chrono::{DateTime, NaiveTime, Utc};
use konter_domain::api::v1::ChangeKind;
use konter_domain::catalogue::{Category, PriceRule, Product, Tier};
use konter_domain::money::Rupiah;
use konter_domain::target::InputSchema;
use serde::{Deserialize, Serialize};

use crate::pricing::CatalogueCache;
use crate::store::{Store, SupplierProduct};

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueFile {
    #[serde(default)]
    pub tiers: BTreeMap<Tier, PriceRule>,
    #[serde(default)]
    pub products: Vec<ProductEntry>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProductEntry {
    #[serde(flatten)]
    pub product: Product,
    #[serde(default)]
    pub cut_off: Option<CutOffText>,
    #[serde(default)]
    pub suppliers: Vec<OfferEntry>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CutOffText {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OfferEntry {
    pub supplier: String,
    pub supplier_sku: String,
    pub cost_idr: Rupiah,
    #[serde(default)]
    pub priority: i64,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl CatalogueFile {
    pub fn read(path: &Path) -> anyhow::Result<CatalogueFile> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        CatalogueFile::parse(&text).with_context(|| format!("parsing {}", path.display()))
    }

    /// A catalogue from its TOML text, checked.
    pub fn parse(text: &str) -> anyhow::Result<CatalogueFile> {
        let file: CatalogueFile = toml::from_str(text)?;
        file.check()?;
        Ok(file)
    }

    fn check(&self) -> anyhow::Result<()> {
        for (tier, rule) in &self.tiers {
            rule.check().with_context(|| format!("tier {tier}"))?;
        }
        for p in &self.products {
            let is_bill = p.product.category == Category::Bill;
            anyhow::ensure!(
                is_bill == matches!(p.product.input, InputSchema::Bill { .. }),
                "product {}: category \"bill\" goes with input kind \"bill\", and only with it",
                p.product.sku
            );
            for o in &p.suppliers {
                // A bill's cost comes with each inquiry; a fixed one would only mislead.
                if is_bill {
                    anyhow::ensure!(
                        o.cost_idr == Rupiah::ZERO,
                        "product {}: supplier {} cost_idr must be 0 for a bill (priced per inquiry)",
                        p.product.sku,
                        o.supplier
                    );
                } else {
                    anyhow::ensure!(
                        o.cost_idr.is_positive(),
                        "product {}: supplier {} cost_idr must be more than zero",
                        p.product.sku,
                        o.supplier
                    );
                }
            }
        }
        Ok(())
    }

    /// Writes everything and announces price changes; returns the number of products.
    pub async fn load<S: Store>(&self, store: &S, now: DateTime<Utc>) -> anyhow::Result<usize> {
        let before = CatalogueCache::default();
        let old = before.get(store).await?;
        for (tier, rule) in &self.tiers {
            store.set_tier_rule(*tier, rule, now).await?;
        }
        for p in &self.products {
            let cut_off = p.cut_off.as_ref().map(|c| (c.start, c.end));
            store.upsert_product(&p.product, cut_off, now).await?;
            for o in &p.suppliers {
                let offer = SupplierProduct {
                    sku: p.product.sku.to_string(),
                    supplier: o.supplier.clone(),
                    supplier_sku: o.supplier_sku.clone(),
                    cost: o.cost_idr,
                    priority: o.priority,
                    active: o.active,
                };
                store.upsert_supplier_product(&offer, now).await?;
            }
        }
        let after = CatalogueCache::default();
        let new = after.get(store).await?;
        for shop in store.shops().await? {
            for entry in &new.entries {
                let item = new.item_for(entry, shop.tier);
                let previous = old
                    .entry(entry.product.sku.as_str())
                    .and_then(|e| old.item_for(e, shop.tier));
                if let Some(item) = item
                    && previous.as_ref() != Some(&item)
                {
                    store
                        .append_change(shop.id, &ChangeKind::Catalog { item }, now)
                        .await?;
                }
            }
        }
        Ok(self.products.len())
    }
}
