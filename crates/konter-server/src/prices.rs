//! Price sync: pulls each supplier's price list on a schedule, updates offer costs and
//! switches off what the supplier no longer sells, then tells every shop's devices the new
//! prices of what changed through the change feed (each at its tier's price).
//!
//! Digiflazz allows a full price list once per 5 minutes, rc 83 beyond (docs/suppliers.md,
//! "Digiflazz: price list"), so the interval never goes below [`MIN_INTERVAL`].

use std::time::Duration;

use chrono::Utc;
use konter_domain::api::v1::{CatalogItem, ChangeKind};
use tokio::sync::watch;

use crate::App;
use crate::store::Store;

/// How often prices are pulled unless the configuration says otherwise.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(10 * 60);
/// Digiflazz's limit on full price lists.
pub const MIN_INTERVAL: Duration = Duration::from_secs(5 * 60);

/// What one sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Synced {
    /// Catalogue SKUs whose offers changed (cost or availability).
    pub changed: Vec<String>,
    /// Suppliers whose list could not be read, with why.
    pub failed: Vec<(String, String)>,
    /// Feed entries written (one per shop and changed product).
    pub announced: usize,
}

/// Pulls every configured supplier's list once and announces what changed.
pub async fn sync_once<S: Store + Clone + 'static>(app: &App<S>) -> anyhow::Result<Synced> {
    let mut synced = Synced::default();
    let now = Utc::now();
    for name in app.suppliers.names() {
        match app.suppliers.price_list(name).await {
            Ok(items) if items.is_empty() => {
                // An empty list is a supplier fault, not "nothing is sold any more".
                synced
                    .failed
                    .push((name.to_owned(), "the price list was empty".into()));
            }
            Ok(items) => {
                for sku in app.store.apply_price_list(name, &items, now).await? {
                    if !synced.changed.contains(&sku) {
                        synced.changed.push(sku);
                    }
                }
            }
            Err(why) => synced.failed.push((name.to_owned(), why)),
        }
    }
    if synced.changed.is_empty() {
        return Ok(synced);
    }
    app.catalogue.invalidate().await;
    let snapshot = app.catalogue.get(&app.store).await?;
    for shop in app.store.shops().await? {
        for sku in &synced.changed {
            let Some(entry) = snapshot.entry(sku) else {
                continue;
            };
            // No active offer left: the device learns the product is not for sale now.
            let item = snapshot.item_for(entry, shop.tier).unwrap_or_else(|| {
                let mut product = entry.product.clone();
                product.active = false;
                CatalogItem {
                    product,
                    price_idr: entry
                        .suppliers
                        .iter()
                        .map(|o| o.cost)
                        .max()
                        .unwrap_or_default(),
                    cut_off: None,
                }
            });
            app.store
                .append_change(shop.id, &ChangeKind::Catalog { item }, now)
                .await?;
            synced.announced += 1;
        }
        app.feed.changed(shop.id);
    }
    Ok(synced)
}

/// Syncs at startup and then every interval until `stop`; `price_sync_s = 0` turns the
/// schedule off (`konter-server prices sync` still works).
pub async fn run<S: Store + Clone + 'static>(app: App<S>, mut stop: watch::Receiver<bool>) {
    let interval = match app.config.fulfilment.price_sync_s {
        Some(0) => {
            tracing::info!("scheduled price sync is off (fulfilment.price_sync_s = 0)");
            return;
        }
        Some(s) => Duration::from_secs(s).max(MIN_INTERVAL),
        None => DEFAULT_INTERVAL,
    };
    loop {
        match sync_once(&app).await {
            Ok(s) => {
                for (supplier, why) in &s.failed {
                    tracing::warn!(supplier, error = %why, "price list not read; offers unchanged");
                }
                tracing::info!(
                    changed = s.changed.len(),
                    announced = s.announced,
                    "prices synced"
                );
            }
            Err(e) => tracing::warn!(error = %e, "price sync failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stop.changed() => return,
        }
    }
}
