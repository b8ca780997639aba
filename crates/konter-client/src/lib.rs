//! konter-client: the engine of the counter. It keeps the shop's sales in a local SQLite
//! ledger, queues orders in an outbox that survives crashes and days offline, sends each
//! order to the server exactly once, applies the server's change feed, prices products
//! with the owner's rules, and reports the day. The Tauri shell and the `konter` command
//! line are thin layers over [`Engine`].
//!
//! It must never: talk to a supplier (only to konter-server); put the device token in its
//! database; show a queued or pending order as a success; lose a committed sale.

pub mod catalog;
pub mod db;
pub mod error;
pub mod report;
pub mod sell;
pub mod sync;
pub mod token;

/// The device books balance: see [`db::audit`].
impl Engine {
    pub fn audit(&self) -> EngineResult<Vec<String>> {
        db::audit(&self.db())
    }
}

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;
use tokio::sync::watch;

pub use error::{EngineError, EngineResult};
use sync::SyncState;
use token::TokenStore;

/// The device engine. Cheap to clone; all clones share one SQLite writer.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    db: Mutex<Connection>,
    data_dir: PathBuf,
    tokens: Box<dyn TokenStore>,
    http: reqwest::Client,
    sync: watch::Sender<SyncState>,
}

/// A request to the server that takes longer than this is abandoned and retried; long-polls
/// add their own wait on top.
const HTTP_TIMEOUT_S: u64 = 20;

impl Engine {
    /// Opens (creating if needed) the engine's store in `data_dir`.
    pub fn open(data_dir: &Path, tokens: Box<dyn TokenStore>) -> EngineResult<Engine> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| EngineError::Io(format!("creating {}: {e}", data_dir.display())))?;
        let conn = db::open(&data_dir.join("konter.db"))?;
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(
                HTTP_TIMEOUT_S + sync::LONG_POLL_S,
            ))
            .build()
            .map_err(|e| EngineError::Network(e.to_string()))?;
        let queued = db::outbox_len(&conn)?;
        let (sync, _) = watch::channel(SyncState::initial(queued));
        Ok(Engine {
            inner: Arc::new(Inner {
                db: Mutex::new(conn),
                data_dir: data_dir.to_owned(),
                tokens,
                http,
                sync,
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

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    pub(crate) fn tokens(&self) -> &dyn TokenStore {
        self.inner.tokens.as_ref()
    }

    /// Online/offline/syncing and the queue length, for the UI to watch.
    pub fn sync_state(&self) -> watch::Receiver<SyncState> {
        self.inner.sync.subscribe()
    }

    pub(crate) fn set_sync_state(&self, f: impl FnOnce(&mut SyncState)) {
        self.inner.sync.send_modify(f);
    }
}
