//! The order lifecycle on the device: one function, [`move_order`], decides what each new
//! status does to the local books (a success posts the hold; a failure voids it and gives the
//! cash back; a refund after success returns the cost to the saldo and the cash to the
//! customer). The server's reports ([`apply_order`]), its refusals ([`reject_order`]) and a
//! cashier cancelling an order never sent all go through it. Forward only: a late or repeated
//! report changes nothing.

use konter_domain::api::v1::{ApiError, Failure, Order};
use konter_domain::order::{OrderStatus, Transition};
use konter_ledger::{Account, Entry, EventKind, Posting};
use rusqlite::{Connection, Transaction, params};

use crate::db::{self, now_ms};
use crate::error::{EngineError, EngineResult};
use crate::orders::{LocalOrder, load_order};

/// What the server found out about an order besides its status.
#[derive(Clone, Debug, Default)]
pub(crate) struct Found {
    pub sn: Option<String>,
    pub pln_token: Option<String>,
    pub failure: Option<Failure>,
}

fn ledger_err(e: konter_ledger::LedgerError) -> EngineError {
    EngineError::Corrupt(e.to_string())
}

/// Moves `local` to `to` with what goes with it in the books, in `tx`. `false` when the move
/// is not forward (a late or repeated report), and then nothing changes.
pub(crate) fn move_order(
    tx: &Transaction<'_>,
    local: &LocalOrder,
    to: OrderStatus,
    found: &Found,
) -> EngineResult<bool> {
    match local.status.apply(to) {
        Ok(Transition::Moved(_)) => {}
        Ok(Transition::Ignored) | Err(_) => return Ok(false),
    }
    let id = local.id.to_string();
    let cost = local.cost_idr;
    match to {
        OrderStatus::Success => {
            db::post(
                tx,
                &Posting::device_post_hold(cost).map_err(ledger_err)?,
                Some(&id),
            )?;
        }
        OrderStatus::Failed => {
            db::post(
                tx,
                &Posting::device_void_hold(cost).map_err(ledger_err)?,
                Some(&id),
            )?;
            db::post(
                tx,
                &Posting::device_cash_refund(local.price_idr).map_err(ledger_err)?,
                Some(&id),
            )?;
        }
        OrderStatus::Refunded => {
            let back = Posting::new(
                EventKind::Refund,
                vec![
                    Entry::debit(Account::DeviceSaldo, cost),
                    Entry::credit(Account::DeviceCost, cost),
                ],
            )
            .map_err(ledger_err)?;
            db::post(tx, &back, Some(&id))?;
            db::post(
                tx,
                &Posting::device_cash_refund(local.price_idr).map_err(ledger_err)?,
                Some(&id),
            )?;
        }
        _ => {}
    }
    let now = now_ms();
    // Each change of an order is later than the one before, even when the clock stepped
    // back or two changes share a millisecond: the UI keeps the latest copy it is sent.
    tx.execute(
        "UPDATE orders SET status = ?2, sn = COALESCE(?3, sn), pln_token = COALESCE(?4, pln_token), \
         failure_code = COALESCE(?5, failure_code), failure_message = COALESCE(?6, failure_message), \
         updated_at = MAX(?7, updated_at + 1) WHERE id = ?1",
        params![
            id,
            to.code(),
            found.sn,
            found.pln_token,
            found.failure.as_ref().map(|f| f.code.clone()),
            found.failure.as_ref().map(|f| f.message.clone()),
            now
        ],
    )?;
    tx.execute(
        "INSERT INTO order_history (order_id, status, at) VALUES (?1, ?2, ?3)",
        params![id, to.code(), now],
    )?;
    // Auto-print goes through the queue, so a missing printer never holds up the sync.
    if auto_print_due(tx, to)? {
        tx.execute(
            "INSERT INTO print_jobs (order_id, kind, status, created_at, updated_at) VALUES (?1, 'receipt', 'queued', ?2, ?2)",
            params![id, now],
        )?;
    }
    Ok(true)
}

/// Moves the local order to the status and details the server reports.
pub(crate) fn apply_order(tx: &Transaction<'_>, order: &Order) -> EngineResult<bool> {
    let Some(local) = load_order(tx, &order.id.to_string())? else {
        return Ok(false);
    };
    let found = Found {
        sn: order.sn.clone(),
        pln_token: order.pln_token.clone(),
        failure: order.failure.clone(),
    };
    move_order(tx, &local, order.status, &found)
}

/// The server refused an order: it fails with the server's reason, and the cash and the
/// local hold are given back.
pub(crate) fn reject_order(tx: &Transaction<'_>, id: &str, error: &ApiError) -> EngineResult<()> {
    let Some(local) = load_order(tx, id)? else {
        return Ok(());
    };
    let found = Found {
        failure: Some(Failure {
            code: error.code.clone(),
            message: error.message.clone(),
        }),
        ..Found::default()
    };
    move_order(tx, &local, OrderStatus::Failed, &found)?;
    Ok(())
}

/// Whether an order's new status should print by itself (auto-print on success).
pub(crate) fn auto_print_due(conn: &Connection, to: OrderStatus) -> EngineResult<bool> {
    Ok(to == OrderStatus::Success && db::setting(conn, "auto_print")?.as_deref() == Some("true"))
}
