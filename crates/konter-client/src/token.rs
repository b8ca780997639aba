//! Where the device token lives: the OS keyring (Secret Service on Linux) by default, or —
//! only when the user asks for it with `KONTER_TOKEN_STORE=file` — a 0600 file in the data
//! directory for headless machines without a keyring. Never in the database.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{EngineError, EngineResult};

/// The keyring service name entries are filed under.
const SERVICE: &str = "konter";
const TOKEN_FILE: &str = "device-token";

pub trait TokenStore: Send + Sync {
    fn get(&self) -> EngineResult<Option<String>>;
    fn set(&self, token: &str) -> EngineResult<()>;
    fn clear(&self) -> EngineResult<()>;
    /// Where the token is kept, for messages (`OS keyring`, a file path).
    fn describe(&self) -> String;
}

/// Picks the store: `KONTER_TOKEN_STORE=file` for the file, otherwise the OS keyring.
pub fn from_env(data_dir: &Path) -> Box<dyn TokenStore> {
    match std::env::var("KONTER_TOKEN_STORE").as_deref() {
        Ok("file") => Box::new(FileStore::new(data_dir)),
        _ => Box::new(KeyringStore::new(data_dir)),
    }
}

/// The OS keyring. One entry per data directory, so two engines on one machine (a test
/// and the app) do not share a token.
pub struct KeyringStore {
    user: String,
}

impl KeyringStore {
    pub fn new(data_dir: &Path) -> KeyringStore {
        let dir = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_owned());
        KeyringStore {
            user: format!("device-token:{}", dir.display()),
        }
    }

    fn entry(&self) -> EngineResult<keyring::Entry> {
        keyring::Entry::new(SERVICE, &self.user).map_err(|e| {
            EngineError::TokenStore(format!(
                "{e}. Start a Secret Service (GNOME Keyring) or set KONTER_TOKEN_STORE=file to keep the token in a 0600 file"
            ))
        })
    }
}

impl TokenStore for KeyringStore {
    fn get(&self) -> EngineResult<Option<String>> {
        match self.entry()?.get_password() {
            Ok(t) => Ok(Some(t)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(EngineError::TokenStore(e.to_string())),
        }
    }

    fn set(&self, token: &str) -> EngineResult<()> {
        self.entry()?
            .set_password(token)
            .map_err(|e| EngineError::TokenStore(e.to_string()))
    }

    fn clear(&self) -> EngineResult<()> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(EngineError::TokenStore(e.to_string())),
        }
    }

    fn describe(&self) -> String {
        "OS keyring".into()
    }
}

/// A 0600 file in the data directory. Opt-in only.
pub struct FileStore {
    path: PathBuf,
}

impl FileStore {
    pub fn new(data_dir: &Path) -> FileStore {
        FileStore {
            path: data_dir.join(TOKEN_FILE),
        }
    }
}

impl TokenStore for FileStore {
    fn get(&self) -> EngineResult<Option<String>> {
        match std::fs::read_to_string(&self.path) {
            Ok(t) => Ok(Some(t.trim().to_owned()).filter(|t| !t.is_empty())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(EngineError::TokenStore(format!(
                "{}: {e}",
                self.path.display()
            ))),
        }
    }

    fn set(&self, token: &str) -> EngineResult<()> {
        use std::io::Write;
        #[cfg(unix)]
        use std::os::unix::fs::OpenOptionsExt;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        options.mode(0o600);
        let mut file = options
            .open(&self.path)
            .map_err(|e| EngineError::TokenStore(format!("{}: {e}", self.path.display())))?;
        file.write_all(token.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| EngineError::TokenStore(format!("{}: {e}", self.path.display())))
    }

    fn clear(&self) -> EngineResult<()> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(EngineError::TokenStore(e.to_string())),
        }
    }

    fn describe(&self) -> String {
        format!("file {}", self.path.display())
    }
}

/// In memory, for tests.
#[derive(Default)]
pub struct MemoryStore(Mutex<Option<String>>);

impl TokenStore for MemoryStore {
    fn get(&self) -> EngineResult<Option<String>> {
        Ok(self.0.lock().unwrap_or_else(|p| p.into_inner()).clone())
    }

    fn set(&self, token: &str) -> EngineResult<()> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(token.to_owned());
        Ok(())
    }

    fn clear(&self) -> EngineResult<()> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = None;
        Ok(())
    }

    fn describe(&self) -> String {
        "memory".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_store_is_private_and_round_trips() {
        let dir = tempfile::tempdir().expect("dir");
        let store = FileStore::new(dir.path());
        assert_eq!(store.get().expect("get"), None);
        store.set("kt_secret").expect("set");
        assert_eq!(store.get().expect("get").as_deref(), Some("kt_secret"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(TOKEN_FILE))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "only the owner may read the token");
        }
        store.clear().expect("clear");
        assert_eq!(store.get().expect("get"), None);
    }

    /// With no Secret Service (no D-Bus session here unless a test starts one), the keyring
    /// store says so and names the fallback.
    #[test]
    fn keyring_without_a_session_says_what_to_do() {
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() {
            return;
        }
        let dir = tempfile::tempdir().expect("dir");
        let err = KeyringStore::new(dir.path())
            .get()
            .expect_err("no keyring here");
        assert!(err.to_string().contains("KONTER_TOKEN_STORE=file"), "{err}");
    }
}
