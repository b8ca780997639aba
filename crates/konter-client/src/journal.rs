//! The device's side of the sales journal (docs/owners.md): each sale and shift close is
//! queued in the transaction that makes it, and read back as a journal entry when it is
//! sent. Rows only, like `orders.rs`; the sending is `sync.rs`'s.

use chrono::NaiveDate;
use konter_domain::catalogue::{Category, Sku};
use konter_domain::journal::{Entry, Sale, ShiftClose};
use konter_domain::money::Rupiah;
use rusqlite::{Connection, OptionalExtension, params};

use crate::db::{self, from_ms, now_ms};
use crate::error::{EngineError, EngineResult};

fn offset_h(conn: &Connection) -> EngineResult<i64> {
    Ok(i64::from(db::shop_offset(conn)?.local_minus_utc() / 3600))
}

/// Queues the sale of `order_id` (in the sale's transaction).
pub(crate) fn enqueue_sale(conn: &Connection, order_id: &str) -> EngineResult<()> {
    enqueue(conn, "sale", order_id)
}

/// Queues a shift's close (in the close's transaction).
pub(crate) fn enqueue_close(conn: &Connection, shift_id: &str) -> EngineResult<()> {
    enqueue(conn, "shift_close", shift_id)
}

fn enqueue(conn: &Connection, kind: &str, id: &str) -> EngineResult<()> {
    conn.execute(
        "INSERT INTO journal_outbox (kind, ref_id, utc_offset_h, created_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (kind, ref_id) DO NOTHING",
        params![kind, id, offset_h(conn)?, now_ms()],
    )?;
    Ok(())
}

/// Drops the sale of an order cancelled before it left the device: it never happened.
pub(crate) fn forget_sale(conn: &Connection, order_id: &str) -> EngineResult<()> {
    conn.execute(
        "DELETE FROM journal_outbox WHERE kind = 'sale' AND ref_id = ?1",
        [order_id],
    )?;
    Ok(())
}

/// Entries waiting to go, oldest first, at most `limit`: sales whose order has left the
/// outbox, and shift closes. Each with its row's `seq`.
pub(crate) fn ready(conn: &Connection, limit: usize) -> EngineResult<Vec<(i64, Entry)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, kind, ref_id, utc_offset_h FROM journal_outbox WHERE refused_at IS NULL \
         AND NOT (kind = 'sale' AND ref_id IN (SELECT order_id FROM outbox)) ORDER BY seq LIMIT ?1",
    )?;
    let rows: Vec<(i64, String, String, i64)> = stmt
        .query_map([limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (seq, kind, id, offset) in rows {
        let offset = i8::try_from(offset).map_err(|_| corrupt("utc offset", &id))?;
        let entry = match kind.as_str() {
            "sale" => sale(conn, &id, offset)?.map(Entry::Sale),
            _ => close(conn, &id, offset)?.map(Entry::ShiftClose),
        };
        match entry {
            Some(e) => out.push((seq, e)),
            // What it names is gone (never the case unless the store was edited): nothing
            // to send.
            None => {
                conn.execute("DELETE FROM journal_outbox WHERE seq = ?1", [seq])?;
            }
        }
    }
    Ok(out)
}

fn corrupt(what: &str, id: &str) -> EngineError {
    EngineError::Corrupt(format!("journal: {what} of {id}"))
}

fn sale(conn: &Connection, id: &str, utc_offset_h: i8) -> EngineResult<Option<Sale>> {
    let row = conn
        .query_row(
            "SELECT cashier_id, cashier_name, sku, product_name, category, price_idr, cost_idr, \
             cash_idr, change_idr, created_at, day FROM orders WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    (r.get::<_, i64>(5)?, r.get::<_, i64>(6)?),
                    (r.get::<_, i64>(7)?, r.get::<_, i64>(8)?),
                    r.get::<_, i64>(9)?,
                    r.get::<_, String>(10)?,
                ))
            },
        )
        .optional()?;
    let Some((
        cashier_id,
        cashier_name,
        sku,
        product,
        category,
        (price, cost),
        (cash, change),
        at,
        day,
    )) = row
    else {
        return Ok(None);
    };
    let category = Category::from_code(&category).ok_or_else(|| corrupt("category", id))?;
    Ok(Some(Sale {
        order_id: id.parse().map_err(|_| corrupt("order id", id))?,
        cashier_id: cashier_id.and_then(|c| c.parse().ok()),
        cashier_name,
        sku: Sku::parse(&sku).map_err(|_| corrupt("sku", id))?,
        product_name: product,
        category,
        price_idr: Rupiah::from_idr(price),
        cost_idr: Rupiah::from_idr(cost),
        // A bill's price is its total plus the shop's fee; what the saldo pays is the total.
        fee_idr: Rupiah::from_idr(if category == Category::Bill {
            price - cost
        } else {
            0
        }),
        cash_idr: Rupiah::from_idr(cash),
        change_idr: Rupiah::from_idr(change),
        sold_at: from_ms(at),
        day: day_of(&day, id)?,
        utc_offset_h,
    }))
}

fn day_of(text: &str, id: &str) -> EngineResult<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| corrupt("day", id))
}

fn close(conn: &Connection, id: &str, utc_offset_h: i8) -> EngineResult<Option<ShiftClose>> {
    let row = conn
        .query_row(
            "SELECT s.cashier_id, COALESCE(c.name, ''), s.opened_at, s.closed_at, s.opening_cash_idr, \
             s.expected_cash_idr, s.counted_cash_idr FROM shifts s LEFT JOIN cashiers c ON c.id = s.cashier_id \
             WHERE s.id = ?1 AND s.closed_at IS NOT NULL",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, i64>(6)?,
                ))
            },
        )
        .optional()?;
    let Some((cashier_id, name, opened, closed, opening, expected, counted)) = row else {
        return Ok(None);
    };
    let closed_at = from_ms(closed);
    let zone = konter_domain::journal::zone(utc_offset_h).ok_or_else(|| corrupt("zone", id))?;
    Ok(Some(ShiftClose {
        shift_id: id.parse().map_err(|_| corrupt("shift id", id))?,
        cashier_id: cashier_id.parse().map_err(|_| corrupt("cashier id", id))?,
        cashier_name: name.clone(),
        opened_at: from_ms(opened),
        closed_at,
        opening_cash_idr: Rupiah::from_idr(opening),
        expected_cash_idr: Rupiah::from_idr(expected),
        counted_cash_idr: Rupiah::from_idr(counted),
        difference_idr: Rupiah::from_idr(counted - expected),
        closed_by: name,
        day: closed_at.with_timezone(&zone).date_naive(),
        utc_offset_h,
    }))
}

/// The server kept the entry (new, or the same again): it leaves the queue.
pub(crate) fn sent(conn: &Connection, seq: i64) -> EngineResult<()> {
    conn.execute("DELETE FROM journal_outbox WHERE seq = ?1", [seq])?;
    Ok(())
}

/// The server refused the entry for good: kept with why, never sent again.
pub(crate) fn refused(conn: &Connection, seq: i64, why: &str) -> EngineResult<()> {
    conn.execute(
        "UPDATE journal_outbox SET refused_at = ?2, last_error = ?3, attempts = attempts + 1 WHERE seq = ?1",
        params![seq, now_ms(), why],
    )?;
    Ok(())
}

/// No answer for the entry: tried again next round.
pub(crate) fn not_yet(conn: &Connection, seq: i64, why: &str) -> EngineResult<()> {
    conn.execute(
        "UPDATE journal_outbox SET last_error = ?2, attempts = attempts + 1 WHERE seq = ?1",
        params![seq, why],
    )?;
    Ok(())
}

/// Entries still to send (refused ones not counted).
pub(crate) fn waiting(conn: &Connection) -> EngineResult<i64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM journal_outbox WHERE refused_at IS NULL",
        [],
        |r| r.get(0),
    )?)
}
