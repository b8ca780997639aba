//! Wake-ups for long-polling readers of the change feed.
//!
//! The feed itself lives in the store; this only tells waiting requests of a shop that
//! something was committed, so they re-read at once instead of at their next poll tick.
//! Other server processes (PostgreSQL deployments) do not reach these wake-ups, which is why
//! waiters also re-read on a short tick.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use konter_domain::ids::ShopId;
use tokio::sync::Notify;

#[derive(Clone, Default)]
pub struct FeedNotifier {
    shops: Arc<Mutex<HashMap<ShopId, Arc<Notify>>>>,
}

impl FeedNotifier {
    /// The shop's wake-up. Register interest (`notified()` + `enable()`) *before* reading
    /// the feed, so a commit between the read and the wait is not missed.
    pub fn shop(&self, shop: ShopId) -> Arc<Notify> {
        let mut shops = self.shops.lock().unwrap_or_else(|p| p.into_inner());
        shops.entry(shop).or_default().clone()
    }

    /// Wakes every reader waiting on the shop. Call after the commit.
    pub fn changed(&self, shop: ShopId) {
        let shops = self.shops.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = shops.get(&shop) {
            n.notify_waiters();
        }
    }
}
