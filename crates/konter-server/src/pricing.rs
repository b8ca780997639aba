//! What a shop pays: the catalogue priced for its tier.
//!
//! The price of a product for a shop is the cost of its first active supplier offer plus
//! the shop's tier markup, rounded up by the tier's rule ([`PriceRule`]). Orders are priced
//! from a cached snapshot of the catalogue, refreshed when this process changes it and at
//! least every [`CATALOGUE_TTL`] (another server process may have changed it).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use konter_domain::api::v1::CatalogItem;
use konter_domain::catalogue::{Category, CutOff, PriceRule, Tier};
use konter_domain::money::Rupiah;
use tokio::sync::RwLock;

use crate::store::{CatalogueEntry, Store, StoreResult, SupplierProduct};

/// How stale a cached catalogue may get when another process changed it.
pub const CATALOGUE_TTL: Duration = Duration::from_secs(5);

/// Supplier cut-off windows are announced in Western Indonesian Time (WIB, UTC+7).
const WIB_OFFSET_S: i64 = 7 * 3600;

/// A catalogue snapshot with the tier rules.
pub struct Snapshot {
    pub entries: Vec<CatalogueEntry>,
    pub rules: Vec<(Tier, PriceRule)>,
    read_at: Instant,
}

impl Snapshot {
    pub fn entry(&self, sku: &str) -> Option<&CatalogueEntry> {
        self.entries.iter().find(|e| e.product.sku.as_str() == sku)
    }

    fn rule(&self, tier: Tier) -> Option<&PriceRule> {
        self.rules.iter().find(|(t, _)| *t == tier).map(|(_, r)| r)
    }

    /// The shop's price and our cost for an entry, or why it cannot be sold now.
    pub fn quote(
        &self,
        entry: &CatalogueEntry,
        tier: Tier,
        now: DateTime<Utc>,
    ) -> Result<(Rupiah, Rupiah), Unavailable> {
        if !entry.product.active {
            return Err(Unavailable::Inactive);
        }
        let offer = first_offer(&entry.suppliers).ok_or(Unavailable::NoSupplier)?;
        if let Some((start, end)) = entry.cut_off {
            let wib = now + TimeDelta::seconds(WIB_OFFSET_S);
            if (CutOff { start, end }).contains(wib.time()) {
                return Err(Unavailable::CutOff);
            }
        }
        let price = match self.rule(tier) {
            Some(rule) => rule
                .price(offer.cost)
                .map_err(|_| Unavailable::NoSupplier)?,
            None => offer.cost,
        };
        Ok((price, offer.cost))
    }

    /// Every product, priced for a tier, as `GET /v1/catalog` shows it. Products that cannot
    /// be priced (no supplier) are left out; inactive ones are listed as inactive so a
    /// device drops them from its cache.
    pub fn items_for(&self, tier: Tier) -> Vec<CatalogItem> {
        self.entries
            .iter()
            .filter_map(|e| self.item_for(e, tier))
            .collect()
    }

    pub fn item_for(&self, e: &CatalogueEntry, tier: Tier) -> Option<CatalogItem> {
        let offer = first_offer(&e.suppliers)?;
        let price = match self.rule(tier) {
            // A bill's price is its inquiry's total: the catalogue lists it at zero.
            _ if e.product.category == Category::Bill => Rupiah::ZERO,
            Some(rule) => rule.price(offer.cost).ok()?,
            None => offer.cost,
        };
        Some(CatalogItem {
            product: e.product.clone(),
            price_idr: price,
            cut_off: e.cut_off.map(|(start, end)| CutOff { start, end }),
        })
    }
}

/// The offer orders are priced from: the active one with the lowest priority number.
fn first_offer(offers: &[SupplierProduct]) -> Option<&SupplierProduct> {
    offers
        .iter()
        .filter(|o| o.active)
        .min_by_key(|o| (o.priority, o.supplier.clone()))
}

/// Why a product cannot be sold right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unavailable {
    Inactive,
    NoSupplier,
    CutOff,
}

impl Unavailable {
    pub fn message(self) -> (&'static str, &'static str) {
        match self {
            Unavailable::Inactive => ("produk sedang tidak aktif", "the product is inactive"),
            Unavailable::NoSupplier => (
                "produk sedang gangguan di semua supplier",
                "no supplier offers the product now",
            ),
            Unavailable::CutOff => (
                "produk sedang cut-off, coba lagi nanti",
                "the product is in its cut-off window; try later",
            ),
        }
    }
}

/// The cached catalogue.
#[derive(Default)]
pub struct CatalogueCache {
    current: RwLock<Option<Arc<Snapshot>>>,
}

impl CatalogueCache {
    pub async fn get<S: Store>(&self, store: &S) -> StoreResult<Arc<Snapshot>> {
        if let Some(s) = self.current.read().await.as_ref()
            && s.read_at.elapsed() < CATALOGUE_TTL
        {
            return Ok(s.clone());
        }
        let snapshot = Arc::new(Snapshot {
            entries: store.catalogue().await?,
            rules: store.tier_rules().await?,
            read_at: Instant::now(),
        });
        *self.current.write().await = Some(snapshot.clone());
        Ok(snapshot)
    }

    /// Drops the snapshot after this process changed the catalogue.
    pub async fn invalidate(&self) {
        *self.current.write().await = None;
    }
}
