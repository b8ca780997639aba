//! Events to the UI: `sync-state` whenever the engine's sync state changes, `order-updated`
//! for every order whose status or details moved since the UI last heard of it, and
//! `print-job` from the print commands and from the engine's background print queue
//! (auto-print). The engine announces sync rounds on a watch
//! channel; each round may have moved orders, so each change of the sync state is also
//! the moment to look for moved orders.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use konter_client::sell::LocalOrder;
use konter_domain::order::OrderStatus;

use crate::state::Konter;
use crate::wire;

pub const ORDER_UPDATED: &str = "order-updated";
pub const SYNC_STATE: &str = "sync-state";
pub const PRINT_JOB: &str = "print-job";

/// How many of the newest orders are compared after each sync round. A round moves at most
/// a page of orders the UI cares about (its strip shows the last few); older ones are read
/// again when a screen opens.
const WATCHED_ORDERS: u32 = 200;

/// What the UI was last told about each recent order.
#[derive(Default)]
pub struct SeenOrders(HashMap<String, (OrderStatus, DateTime<Utc>)>);

impl SeenOrders {
    /// Remembers `order`; true when the UI has not seen it like this yet.
    pub fn note(&mut self, order: &LocalOrder) -> bool {
        let now = (order.status, order.updated_at);
        self.0.insert(order.id.to_string(), now) != Some(now)
    }
}

/// Emits the orders that moved since the last look, and forgets orders that fell out of
/// the watched window so the map stays bounded.
pub fn emit_moved_orders(konter: &Konter) {
    let Ok(recent) = konter.engine.orders(WATCHED_ORDERS) else {
        return;
    };
    let moved: Vec<LocalOrder> = {
        let mut seen = konter.seen.lock().unwrap_or_else(|p| p.into_inner());
        let moved = recent.iter().filter(|o| seen.note(o)).cloned().collect();
        seen.0
            .retain(|id, _| recent.iter().any(|o| o.id.to_string() == *id));
        moved
    };
    for order in moved {
        konter.emit(ORDER_UPDATED, &order);
    }
}

/// Forwards the engine's sync state, and the orders each round moved, until the engine
/// goes away.
pub fn forward(konter: Arc<Konter>) {
    // What the UI shows at start was read by `app_state`; only changes are news.
    if let Ok(recent) = konter.engine.orders(WATCHED_ORDERS) {
        let mut seen = konter.seen.lock().unwrap_or_else(|p| p.into_inner());
        for o in &recent {
            seen.note(o);
        }
    }
    let mut prints = konter.engine.print_events();
    let printing = Arc::clone(&konter);
    tauri::async_runtime::spawn(async move {
        loop {
            match prints.recv().await {
                Ok(job) => printing.emit(PRINT_JOB, &wire::PrintJob::from(job)),
                // Fell behind: the jobs missed are in the engine's queue all the same.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    });
    let mut rx = konter.engine.sync_state();
    tauri::async_runtime::spawn(async move {
        while rx.changed().await.is_ok() {
            let state = wire::SyncStatus::from(&*rx.borrow_and_update());
            konter.emit(SYNC_STATE, &state);
            emit_moved_orders(&konter);
        }
    });
}
