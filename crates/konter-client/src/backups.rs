//! The counter's own daily copies of its store: one a day (the shop's day) in
//! `DATA_DIR/backups/konter-YYYY-MM-DD.db`, the last [`KEEP`] kept. A copy is `VACUUM INTO`:
//! the store as of one commit, taken while the counter keeps selling. The device token is
//! never in the store, so a copy holds no credential.

use std::path::PathBuf;

use rusqlite::OptionalExtension;

use crate::Engine;
use crate::db;
use crate::error::{EngineError, EngineResult};

/// Daily copies kept.
pub const KEEP: usize = 7;
/// Names the copy to put back the next time the store opens.
const PENDING: &str = "restore-pending";

/// One kept copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backup {
    /// The shop's day it was taken, `YYYY-MM-DD`.
    pub day: String,
    pub path: PathBuf,
    pub bytes: u64,
}

fn io(e: std::io::Error) -> EngineError {
    EngineError::Io(e.to_string())
}

impl Engine {
    fn backup_dir(&self) -> PathBuf {
        self.data_dir().join("backups")
    }

    /// Takes today's copy unless it exists, then keeps only the newest [`KEEP`]. Returns
    /// the new copy's path, or `None` when today's was there.
    pub fn daily_backup(&self) -> EngineResult<Option<PathBuf>> {
        let dir = self.backup_dir();
        std::fs::create_dir_all(&dir).map_err(io)?;
        let day = {
            let conn = self.db();
            db::shop_day(&conn, chrono::Utc::now())?
        };
        let path = dir.join(format!("konter-{day}.db"));
        if path.exists() {
            return Ok(None);
        }
        // Written beside, then renamed: a copy cut short by a power cut is never taken for
        // a whole one.
        let partial = dir.join(format!("konter-{day}.db.partial"));
        let _ = std::fs::remove_file(&partial);
        self.db()
            .execute("VACUUM INTO ?1", [partial.display().to_string()])?;
        std::fs::rename(&partial, &path).map_err(io)?;
        for old in self.backups()?.into_iter().skip(KEEP) {
            std::fs::remove_file(&old.path).map_err(io)?;
        }
        Ok(Some(path))
    }

    /// The kept copies, newest first.
    pub fn backups(&self) -> EngineResult<Vec<Backup>> {
        let dir = self.backup_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io(e)),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(io)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(day) = name
                .strip_prefix("konter-")
                .and_then(|n| n.strip_suffix(".db"))
                .filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok())
            else {
                continue;
            };
            out.push(Backup {
                day: day.to_owned(),
                path: entry.path(),
                bytes: entry.metadata().map_err(io)?.len(),
            });
        }
        out.sort_by(|a, b| b.day.cmp(&a.day));
        Ok(out)
    }
}

impl Engine {
    /// Chooses the kept copy of `day` to put back. It replaces the store the next time the
    /// engine opens (the app's next start, the CLI's next command); the store it replaces
    /// is kept beside the copies. Orders sent since the copy are on the server and come back
    /// through the change feed; queued ones in the copy are sent again and answered with
    /// what the server stored. Owner only (the app and the CLI ask).
    pub fn schedule_restore(&self, day: &str) -> EngineResult<PathBuf> {
        let copy = self
            .backups()?
            .into_iter()
            .find(|b| b.day == day)
            .ok_or_else(|| {
                EngineError::input(
                    konter_domain::codes::NOT_FOUND,
                    "tidak ada salinan tanggal itu",
                    "there is no copy of that day",
                    "day",
                )
            })?;
        if !is_store(&copy.path) {
            return Err(EngineError::Corrupt(format!(
                "{} is not a counter's store",
                copy.path.display()
            )));
        }
        std::fs::write(
            self.data_dir().join(PENDING),
            copy.path.display().to_string(),
        )
        .map_err(io)?;
        Ok(copy.path)
    }
}

impl Engine {
    /// The day of the copy chosen to replace the store at the next open, if one is.
    pub fn pending_restore(&self) -> EngineResult<Option<String>> {
        let Ok(text) = std::fs::read_to_string(self.data_dir().join(PENDING)) else {
            return Ok(None);
        };
        let name = PathBuf::from(text.trim());
        Ok(name
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("konter-"))
            .and_then(|n| n.strip_suffix(".db"))
            .map(str::to_owned))
    }
}

/// Puts back the copy [`Engine::schedule_restore`] chose, before the store opens.
pub(crate) fn finish_restore(data_dir: &std::path::Path) -> EngineResult<()> {
    let marker = data_dir.join(PENDING);
    let Ok(text) = std::fs::read_to_string(&marker) else {
        return Ok(());
    };
    let from = PathBuf::from(text.trim());
    std::fs::remove_file(&marker).map_err(io)?;
    if !is_store(&from) {
        return Err(EngineError::Corrupt(format!(
            "the copy to restore, {}, is not a counter's store",
            from.display()
        )));
    }
    let store = data_dir.join("konter.db");
    if store.exists() {
        // Everything in the write-ahead log into the store first, so the store kept aside
        // is whole.
        rusqlite::Connection::open(&store)?.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
        let kept = data_dir.join("backups").join(format!(
            "replaced-{}.db",
            chrono::Utc::now().format("%Y%m%dT%H%M%S")
        ));
        std::fs::rename(&store, &kept).map_err(io)?;
    }
    for side in ["konter.db-wal", "konter.db-shm"] {
        let _ = std::fs::remove_file(data_dir.join(side));
    }
    let partial = data_dir.join("konter.db.partial");
    std::fs::copy(&from, &partial).map_err(io)?;
    std::fs::rename(&partial, &store).map_err(io)?;
    Ok(())
}

/// Whether `path` is a counter's store (it has the engine's tables).
pub fn is_store(path: &std::path::Path) -> bool {
    let Ok(conn) =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return false;
    };
    conn.query_row("SELECT COUNT(*) FROM schema_migrations", [], |r| {
        r.get::<_, i64>(0)
    })
    .optional()
    .ok()
    .flatten()
    .is_some_and(|n| n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::MemoryStore;

    #[test]
    fn one_copy_a_day_the_last_seven_kept() {
        let dir = tempfile::tempdir().expect("dir");
        let e = Engine::open(dir.path(), Box::new(MemoryStore::default())).expect("engine");
        let first = e.daily_backup().expect("backup").expect("today's copy");
        assert!(is_store(&first), "the copy is a counter's store");
        assert_eq!(e.daily_backup().expect("backup"), None, "once a day");
        // Copies of nine earlier days (as if taken then), then today's again.
        let backups = dir.path().join("backups");
        for d in 1..=9 {
            std::fs::copy(&first, backups.join(format!("konter-2026-01-{d:02}.db"))).expect("copy");
        }
        std::fs::write(backups.join("notes.txt"), "not a copy").expect("write");
        std::fs::remove_file(&first).expect("remove");
        e.daily_backup().expect("backup").expect("today's again");
        let kept = e.backups().expect("list");
        assert_eq!(kept.len(), KEEP);
        assert_eq!(kept[0].path, first, "newest first");
        assert_eq!(kept[KEEP - 1].day, "2026-01-04", "the oldest went");
        assert!(
            backups.join("notes.txt").exists(),
            "other files are left alone"
        );
        assert!(!is_store(&backups.join("notes.txt")));
    }

    #[test]
    fn a_chosen_copy_replaces_the_store_at_the_next_open() {
        let dir = tempfile::tempdir().expect("dir");
        let open = || Engine::open(dir.path(), Box::new(MemoryStore::default())).expect("engine");
        let e = open();
        e.set_setting("shop_phone", "0811").expect("set");
        let day = {
            e.daily_backup().expect("backup").expect("copy");
            e.backups().expect("list")[0].day.clone()
        };
        e.set_setting("shop_phone", "0899").expect("set");
        assert!(e.schedule_restore("2020-01-01").is_err(), "no such copy");
        assert_eq!(e.pending_restore().expect("read"), None);
        e.schedule_restore(&day).expect("chosen");
        assert_eq!(e.pending_restore().expect("read"), Some(day.clone()));
        assert_eq!(
            e.setting("shop_phone").expect("read").as_deref(),
            Some("0899"),
            "not before the next open"
        );
        drop(e);
        let e = open();
        assert_eq!(e.pending_restore().expect("read"), None, "done");
        assert_eq!(
            e.setting("shop_phone").expect("read").as_deref(),
            Some("0811"),
            "the copy is back"
        );
        let replaced: Vec<_> = std::fs::read_dir(dir.path().join("backups"))
            .expect("dir")
            .filter_map(Result::ok)
            .filter(|f| f.file_name().to_string_lossy().starts_with("replaced-"))
            .collect();
        assert_eq!(replaced.len(), 1, "the store it replaced is kept");
        drop(e);
        assert_eq!(
            open().setting("shop_phone").expect("read").as_deref(),
            Some("0811"),
            "once"
        );
    }
}
