//! What the window shares between commands: the engine, who is logged in, the login guard,
//! the UI's own preferences, and the way out to the UI's event listeners.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use konter_client::Engine;
use konter_client::cashiers::{Cashier, LoginGuard};
use konter_client::session::Gate;
use serde::Serialize;
use tokio::sync::watch;

use crate::error::{CommandError, CommandResult};
use crate::prefs::Prefs;

/// Sends an event to the window's listeners. Set once the app runs; tests run without one.
type Emitter = Box<dyn Fn(&str, serde_json::Value) + Send + Sync>;

pub struct Konter {
    pub engine: Engine,
    pub guard: LoginGuard,
    cashier: Mutex<Option<Cashier>>,
    prefs_path: PathBuf,
    prefs: Mutex<()>,
    export_dir: OnceLock<PathBuf>,
    emitter: OnceLock<Emitter>,
    /// Turns true when the app exits, to stop the sync loop.
    stop: watch::Sender<bool>,
    sync_started: Mutex<bool>,
    pub(crate) seen: Arc<Mutex<crate::events::SeenOrders>>,
}

impl Konter {
    pub fn new(engine: Engine) -> Konter {
        let prefs_path = engine.data_dir().join(crate::prefs::FILE);
        let (stop, _) = watch::channel(false);
        Konter {
            engine,
            guard: LoginGuard::default(),
            cashier: Mutex::new(None),
            prefs_path,
            prefs: Mutex::new(()),
            export_dir: OnceLock::new(),
            emitter: OnceLock::new(),
            stop,
            sync_started: Mutex::new(false),
            seen: Arc::default(),
        }
    }

    pub fn data_dir(&self) -> &Path {
        self.engine.data_dir()
    }

    /// Where report exports go: the user's documents folder when the app knows it.
    pub fn set_export_dir(&self, dir: PathBuf) {
        let _ = self.export_dir.set(dir);
    }

    pub fn export_dir(&self) -> PathBuf {
        self.export_dir
            .get()
            .cloned()
            .unwrap_or_else(|| self.data_dir().join("laporan"))
    }

    pub fn set_emitter(&self, emit: impl Fn(&str, serde_json::Value) + Send + Sync + 'static) {
        let _ = self.emitter.set(Box::new(emit));
    }

    pub fn emit(&self, event: &str, payload: &impl Serialize) {
        if let (Some(emit), Ok(value)) = (self.emitter.get(), serde_json::to_value(payload)) {
            emit(event, value);
        }
    }

    pub fn cashier(&self) -> Option<Cashier> {
        self.cashier
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn set_cashier(&self, c: Option<Cashier>) {
        *self.cashier.lock().unwrap_or_else(|p| p.into_inner()) = c;
    }

    /// The person logged in, or the error the UI shows for "log in first" (the engine's
    /// rule, `konter_client::session`).
    pub fn require_cashier(&self) -> CommandResult<Cashier> {
        self.engine
            .allow(self.cashier(), Gate::Cashier)?
            .ok_or_else(CommandError::not_logged_in)
    }

    /// Someone logged in whom the engine's owner gate lets through.
    pub fn require_owner(&self) -> CommandResult<Cashier> {
        let c = self.require_cashier()?;
        self.engine
            .allow(Some(c), Gate::Owner)?
            .ok_or_else(CommandError::not_logged_in)
    }

    pub fn has_owner(&self) -> CommandResult<bool> {
        Ok(self.engine.has_owner()?)
    }

    pub fn paired(&self) -> CommandResult<bool> {
        Ok(self.engine.setting("server_url")?.is_some())
    }

    pub fn prefs(&self) -> Prefs {
        let _held = self.prefs.lock().unwrap_or_else(|p| p.into_inner());
        Prefs::load(&self.prefs_path)
    }

    pub fn save_prefs(&self, prefs: &Prefs) -> CommandResult<()> {
        let _held = self.prefs.lock().unwrap_or_else(|p| p.into_inner());
        prefs.save(&self.prefs_path)
    }

    /// Starts the sync loop once, when the device is paired.
    pub fn start_sync(&self) {
        let mut started = self.sync_started.lock().unwrap_or_else(|p| p.into_inner());
        if *started || !self.paired().unwrap_or(false) {
            return;
        }
        *started = true;
        let engine = self.engine.clone();
        let stop = self.stop.subscribe();
        tauri::async_runtime::spawn(async move { engine.run_sync(stop).await });
    }

    pub fn stop_sync(&self) {
        self.stop.send_replace(true);
    }
}
