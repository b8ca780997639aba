//! The device store: SQLite in WAL mode with `synchronous=FULL` (a sale that was confirmed
//! to the cashier survives a power cut), one writer, migrations from `migrations/client/`.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};
use konter_ledger::Posting;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::error::{EngineError, EngineResult};

/// Migrations in order; each runs once, recorded in `schema_migrations`.
const MIGRATIONS: [(i64, &str); 5] = [
    (1, include_str!("../../../migrations/client/0001_init.sql")),
    (
        2,
        include_str!("../../../migrations/client/0002_report_indexes.sql"),
    ),
    (3, include_str!("../../../migrations/client/0003_bills.sql")),
    (
        4,
        include_str!("../../../migrations/client/0004_saldo_history.sql"),
    ),
    (
        5,
        include_str!("../../../migrations/client/0005_journal.sql"),
    ),
];

/// How long a statement waits for a lock held by another process (the CLI next to the app).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub fn open(path: &Path) -> EngineResult<Connection> {
    let mut conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrate(&mut conn)?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> EngineResult<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
    )?;
    for (version, sql) in MIGRATIONS {
        let tx = conn.transaction()?;
        let done: Option<i64> = tx
            .query_row(
                "SELECT version FROM schema_migrations WHERE version = ?1",
                [version],
                |r| r.get(0),
            )
            .optional()?;
        if done.is_none() {
            tx.execute_batch(sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                params![version, now_ms()],
            )?;
        }
        tx.commit()?;
    }
    Ok(())
}

pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// The shop's time zone: WIB (UTC+7) unless the owner set WITA (+8) or WIT (+9).
pub fn shop_offset(conn: &Connection) -> EngineResult<FixedOffset> {
    let hours: i32 = setting(conn, "utc_offset_h")?
        .and_then(|v| v.parse().ok())
        .filter(|h| (7..=9).contains(h))
        .unwrap_or(7);
    FixedOffset::east_opt(hours * 3600).ok_or_else(|| EngineError::Corrupt("utc offset".into()))
}

/// The shop's calendar day of a moment, `YYYY-MM-DD`: reports and the "isi ke-2" check
/// count days as the counter does, not in UTC.
pub fn shop_day(conn: &Connection, at: DateTime<Utc>) -> EngineResult<String> {
    Ok(at
        .with_timezone(&shop_offset(conn)?)
        .format("%Y-%m-%d")
        .to_string())
}

pub fn setting(conn: &Connection, key: &str) -> EngineResult<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

pub fn set_setting(conn: &Connection, key: &str, value: &str) -> EngineResult<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// Writes a balanced posting (checked when it was built) as an event and its entries.
pub fn post(tx: &Transaction<'_>, posting: &Posting, order_id: Option<&str>) -> EngineResult<()> {
    tx.execute(
        "INSERT INTO ledger_events (kind, order_id, created_at) VALUES (?1, ?2, ?3)",
        params![posting.kind().code(), order_id, now_ms()],
    )?;
    let event = tx.last_insert_rowid();
    let mut insert = tx.prepare_cached(
        "INSERT INTO ledger_entries (event_id, account, side, amount_idr) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for e in posting.entries() {
        insert.execute(params![
            event,
            e.account.key(),
            e.side.code(),
            e.amount.idr()
        ])?;
    }
    Ok(())
}

pub fn outbox_len(conn: &Connection) -> EngineResult<i64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0))?)
}

/// Every event's debits equal its credits, and account balances derive from entries:
/// the device's own audit, run by tests after every scenario.
pub fn audit(conn: &Connection) -> EngineResult<Vec<String>> {
    let mut problems = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT event_id, SUM(CASE side WHEN 'D' THEN amount_idr ELSE -amount_idr END) \
         FROM ledger_entries GROUP BY event_id HAVING SUM(CASE side WHEN 'D' THEN amount_idr ELSE -amount_idr END) <> 0",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (event, sum) = row?;
        problems.push(format!("event {event} does not balance by {sum}"));
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: the sale path summed queued orders with a full scan, 100+ ms per sale
    /// once a store held a million orders.
    #[test]
    fn the_sale_and_report_queries_read_indexes_not_the_whole_table() {
        let dir = tempfile::tempdir().expect("dir");
        let conn = open(&dir.path().join("k.db")).expect("open");
        for q in [
            "SELECT COALESCE(SUM(cost_idr), 0) FROM orders WHERE status = 'queued'",
            "SELECT id FROM orders WHERE day = '2026-11-28' AND target = '0812' AND sku = 'x' AND status NOT IN ('failed', 'refunded') LIMIT 1",
            "SELECT sku, COUNT(*), SUM(price_idr) FROM orders WHERE day = '2026-11-28' AND status = 'success' GROUP BY sku",
        ] {
            let mut stmt = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {q}"))
                .expect("plan");
            let plan: Vec<String> = stmt
                .query_map([], |r| r.get::<_, String>(3))
                .expect("rows")
                .collect::<Result<_, _>>()
                .expect("plan rows");
            assert!(!plan.iter().any(|p| p == "SCAN orders"), "{q}: {plan:?}");
        }
    }
}
