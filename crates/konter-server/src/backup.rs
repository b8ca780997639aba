//! Backups of the embedded SQLite store (`konter-server backup` / `restore`; PostgreSQL uses
//! `pg_dump`/`pg_restore`, see the README).
//!
//! - A backup is `VACUUM INTO` a new file: one read transaction, so the copy is the database
//!   as of one commit even while orders flow (WAL mode lets the server keep writing).
//! - A running server holds an exclusive lock on `<database>.serving` for as long as it
//!   serves; a restore takes the same lock first and refuses while it is held, so a live
//!   database is never swapped underneath a server.
//! - A restore checks that the file is a Konter database, removes the old write-ahead log
//!   (its pages belong to the old database), and moves a copy into place with one rename.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// The database file a `sqlite://PATH[?…]` URL names.
pub fn sqlite_path(url: &str) -> anyhow::Result<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .context("not a sqlite:// URL")?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        bail!("a backup needs a database file, not '{url}'");
    }
    Ok(PathBuf::from(path))
}

fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".serving");
    PathBuf::from(name)
}

/// Held while a server serves `db`; released when dropped (or when the process ends).
pub struct ServingLock {
    _file: File,
}

/// Takes the serving lock of `db`; an error when another process holds it.
pub fn lock_serving(db: &Path) -> anyhow::Result<ServingLock> {
    let path = lock_path(db);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(ServingLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => bail!(
            "a konter-server is serving {} (it holds {}); stop it first",
            db.display(),
            path.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("locking {}", path.display()))
        }
    }
}

/// Copies the live database at `url` into `target` (which must not exist yet).
pub async fn backup(url: &str, target: &Path) -> anyhow::Result<u64> {
    if target.exists() {
        bail!(
            "{} exists already; a backup never overwrites",
            target.display()
        );
    }
    let pool = sqlx::SqlitePool::connect(url)
        .await
        .context("opening the database")?;
    sqlx::query("VACUUM INTO ?")
        .bind(target.display().to_string())
        .execute(&pool)
        .await
        .context("VACUUM INTO")?;
    pool.close().await;
    Ok(std::fs::metadata(target)?.len())
}

/// Puts the backup `from` in place of the database at `url`, refusing while a server runs
/// on it.
pub async fn restore(url: &str, from: &Path) -> anyhow::Result<()> {
    let db = sqlite_path(url)?;
    let _lock = lock_serving(&db)?;
    // A Konter database: it has the migrations' table and a shops table that reads.
    let check_url = format!("sqlite://{}?mode=ro", from.display());
    let pool = sqlx::SqlitePool::connect(&check_url)
        .await
        .with_context(|| format!("opening {}", from.display()))?;
    let migrations: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(&pool)
        .await
        .with_context(|| format!("{} is not a konter-server database", from.display()))?;
    sqlx::query("SELECT COUNT(*) FROM shops")
        .fetch_one(&pool)
        .await
        .with_context(|| format!("{} is not a konter-server database", from.display()))?;
    pool.close().await;
    if migrations.0 == 0 {
        bail!("{} has no migrations applied", from.display());
    }
    let staged = db.with_extension("restoring");
    std::fs::copy(from, &staged).with_context(|| format!("copying to {}", staged.display()))?;
    File::open(&staged)?.sync_all()?;
    for suffix in ["-wal", "-shm"] {
        let mut side = db.as_os_str().to_owned();
        side.push(suffix);
        match std::fs::remove_file(PathBuf::from(&side)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).context("removing the old write-ahead log"),
        }
    }
    std::fs::rename(&staged, &db).with_context(|| format!("moving into {}", db.display()))?;
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_file() {
        assert_eq!(
            sqlite_path("sqlite:///var/lib/konter/k.db?mode=rwc").expect("path"),
            PathBuf::from("/var/lib/konter/k.db")
        );
        assert_eq!(
            sqlite_path("sqlite://konter-server.db").expect("path"),
            PathBuf::from("konter-server.db")
        );
        assert!(sqlite_path("sqlite::memory:").is_err());
        assert!(sqlite_path("postgres://x").is_err());
    }

    #[test]
    fn the_serving_lock_is_held_once() {
        let dir = tempfile::tempdir().expect("dir");
        let db = dir.path().join("k.db");
        let held = lock_serving(&db).expect("first");
        let again = lock_serving(&db);
        assert!(again.is_err(), "a second holder is refused");
        drop(held);
        assert!(lock_serving(&db).is_ok(), "free again once released");
    }
}
