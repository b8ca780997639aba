//! konter-server: the sync server behind every Konter counter. It holds the supplier and
//! gateway credentials, keeps each shop's saldo in a double-entry ledger, accepts orders
//! idempotently, and feeds every paired device the changes of its shop.
//!
//! It must never: let a device see or touch another shop's data; move money outside a
//! balanced ledger posting; let a shop's saldo go below zero; put a credential in a log
//! line or an API answer.

pub mod alarms;
pub mod auth;
pub mod backup;
pub mod bills;
pub mod catalogue_file;
pub mod catalogue_import;
pub mod clock;
pub mod config;
pub mod deposits;
pub mod feed;
pub mod fulfil;
pub mod http;
pub mod metrics;
pub mod midtrans;
pub mod orders;
pub mod owner;
pub mod prices;
pub mod pricing;
pub mod store;
pub mod suppliers;
pub mod tls;

use std::sync::Arc;

use auth::PairLimiter;
use clock::Clock;
use config::Config;
use feed::FeedNotifier;
use fulfil::Wake;
use metrics::Metrics;
use midtrans::Midtrans;
use pricing::CatalogueCache;
use suppliers::Suppliers;

/// Everything a request handler needs. Cheap to clone.
#[derive(Clone)]
pub struct App<S> {
    pub store: S,
    pub config: Arc<Config>,
    pub feed: FeedNotifier,
    pub metrics: Arc<Metrics>,
    pub catalogue: Arc<CatalogueCache>,
    pub pair_limiter: Arc<PairLimiter>,
    /// Failed owner sign-ins, per phone and per address.
    pub login_limiter: Arc<owner::session::LoginLimiter>,
    /// The payment gateway, when configured.
    pub midtrans: Option<Midtrans>,
    /// The configured suppliers.
    pub suppliers: Suppliers,
    /// Wakes the fulfilment workers when an order arrives.
    pub fulfil_wake: Wake,
    /// Where "now" comes from: the system, or the simulation.
    pub clock: Clock,
    /// What the operator must hear about, as last seen.
    pub alarms: Arc<alarms::Alarms>,
}

impl<S: store::Store + Clone + 'static> App<S> {
    /// Builds the state; fails only when an HTTP client cannot be made.
    pub fn new(store: S, config: Config) -> anyhow::Result<App<S>> {
        let suppliers = Suppliers::from_config(&config)?;
        App::with_parts(store, config, suppliers, Clock::system())
    }

    /// The state with the given suppliers (reached through any transport) and clock.
    pub fn with_parts(
        store: S,
        config: Config,
        suppliers: Suppliers,
        clock: Clock,
    ) -> anyhow::Result<App<S>> {
        let transport: Arc<dyn suppliers::Transport> = match &suppliers.transport {
            Some(t) => t.clone(),
            None => Arc::new(suppliers::HttpTransport::new()?),
        };
        let midtrans = config
            .gateways
            .midtrans
            .as_ref()
            .map(|c| Midtrans::new(c, transport));
        Ok(App {
            store,
            config: Arc::new(config),
            feed: FeedNotifier::default(),
            metrics: Arc::new(Metrics::default()),
            catalogue: Arc::new(CatalogueCache::default()),
            pair_limiter: Arc::new(PairLimiter::default()),
            login_limiter: Arc::new(owner::session::LoginLimiter::default()),
            midtrans,
            suppliers,
            fulfil_wake: Wake::default(),
            clock,
            alarms: Arc::new(alarms::Alarms::default()),
        })
    }
}
