//! konter-client: the engine of the counter. It keeps the shop's sales in a local SQLite
//! ledger, queues orders in an outbox that survives crashes and days offline, sends each
//! order to the server exactly once, applies the server's change feed, prices products
//! with the owner's rules, and reports the day. The Tauri shell and the `konter` command
//! line are thin layers over [`Engine`].
//!
//! It must never: talk to a supplier (only to konter-server); put the device token in its
//! database; show a queued or pending order as a success; lose a committed sale.

pub mod backups;
pub mod bills;
pub mod cashiers;
pub mod catalog;
pub mod db;
pub mod error;
pub mod history;
pub mod inquiry;
mod journal;
mod lifecycle;
pub mod link;
mod orders;
pub mod print;
pub mod report;
pub mod sell;
pub mod session;
pub mod settings;
mod shop;
pub mod sync;
pub mod token;

/// The device books balance: see [`db::audit`].
impl Engine {
    /// One stored setting (the owner's, or one the engine keeps such as `shop_name` and
    /// `server_url`); `None` when it was never set. The device token is never a setting.
    pub fn setting(&self, key: &str) -> EngineResult<Option<String>> {
        db::setting(&self.db(), key)
    }

    pub fn audit(&self) -> EngineResult<Vec<String>> {
        db::audit(&self.db())
    }
}

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;
use tokio::sync::watch;

pub use error::{EngineError, EngineResult};
use link::{Answer, Call, Failure, HttpLink, Link};
use sync::SyncState;
use token::TokenStore;

/// Where new ids (orders, inquiries) come from: UUIDv7 from the clock and the OS, or a
/// seeded source in the simulation so that a run replays exactly.
pub type IdSource = Arc<dyn Fn() -> uuid::Uuid + Send + Sync>;

/// How an engine reaches the world: the server, and new ids.
pub struct Wiring {
    pub link: Arc<dyn Link>,
    pub ids: IdSource,
}

/// The device engine. Cheap to clone; all clones share one SQLite writer.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    db: Mutex<Connection>,
    data_dir: PathBuf,
    tokens: Box<dyn TokenStore>,
    link: Arc<dyn Link>,
    ids: IdSource,
    sync: watch::Sender<SyncState>,
    /// Rung when an order enters the outbox: the sync loop sends it now rather than when its
    /// long-poll or backoff ends (a permit waits if the loop is busy).
    queued: tokio::sync::Notify,
    /// Background print jobs as they finish, for the UI to hear about.
    prints: tokio::sync::broadcast::Sender<print::PrintJob>,
}

/// Print outcomes a slow listener may fall behind by before it misses some.
const PRINT_EVENTS: usize = 64;

impl Engine {
    /// Opens (creating if needed) the engine's store in `data_dir`.
    pub fn open(data_dir: &Path, tokens: Box<dyn TokenStore>) -> EngineResult<Engine> {
        let wiring = Wiring {
            link: Arc::new(HttpLink::new()?),
            ids: Arc::new(uuid::Uuid::now_v7),
        };
        Engine::open_wired(data_dir, tokens, wiring)
    }

    /// Opens the engine's store in `data_dir`, talking to the server and drawing new ids
    /// as `wiring` says.
    pub fn open_wired(
        data_dir: &Path,
        tokens: Box<dyn TokenStore>,
        wiring: Wiring,
    ) -> EngineResult<Engine> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| EngineError::Io(format!("creating {}: {e}", data_dir.display())))?;
        backups::finish_restore(data_dir)?;
        let conn = db::open(&data_dir.join("konter.db"))?;
        let queued = db::outbox_len(&conn)?;
        let (sync, _) = watch::channel(SyncState::initial(queued));
        let (prints, _) = tokio::sync::broadcast::channel(PRINT_EVENTS);
        Ok(Engine {
            inner: Arc::new(Inner {
                db: Mutex::new(conn),
                data_dir: data_dir.to_owned(),
                tokens,
                link: wiring.link,
                ids: wiring.ids,
                sync,
                queued: tokio::sync::Notify::new(),
                prints,
            }),
        })
    }

    /// Where the device token is kept, for messages.
    pub fn token_store(&self) -> String {
        self.inner.tokens.describe()
    }

    pub fn data_dir(&self) -> &Path {
        &self.inner.data_dir
    }

    /// The one writer. Held only for the length of a local transaction, never across a
    /// network call.
    pub(crate) fn db(&self) -> MutexGuard<'_, Connection> {
        self.inner.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A new UUIDv7 for an order or an inquiry.
    pub(crate) fn new_uuid(&self) -> uuid::Uuid {
        (self.inner.ids)()
    }

    /// One request to the server at `base`.
    pub(crate) async fn send(&self, base: &str, call: Call) -> Result<Answer, Failure> {
        self.inner.link.send(base, call).await
    }

    pub(crate) fn tokens(&self) -> &dyn TokenStore {
        self.inner.tokens.as_ref()
    }

    /// Online/offline/syncing and the queue length, for the UI to watch.
    pub fn sync_state(&self) -> watch::Receiver<SyncState> {
        self.inner.sync.subscribe()
    }

    /// Jobs of the background print queue (auto-print) as each attempt ends: `done`, or
    /// `queued` again with the error when the printer failed.
    pub fn print_events(&self) -> tokio::sync::broadcast::Receiver<print::PrintJob> {
        self.inner.prints.subscribe()
    }

    pub(crate) fn print_sender(&self) -> &tokio::sync::broadcast::Sender<print::PrintJob> {
        &self.inner.prints
    }

    pub(crate) fn set_sync_state(&self, f: impl FnOnce(&mut SyncState)) {
        self.inner.sync.send_modify(f);
    }

    /// An order entered the outbox (or is ready to go again): counted, and the sync loop
    /// woken to send it now.
    pub(crate) fn order_queued(&self, new: bool) {
        if new {
            self.set_sync_state(|s| s.queue_len += 1);
        }
        self.inner.queued.notify_one();
    }

    /// Resolves when an order was queued since the sync loop last looked.
    pub(crate) async fn order_waiting(&self) {
        self.inner.queued.notified().await;
    }
}
