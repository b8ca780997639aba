//! Receipts: printing in the background with `print-job` events, and the text preview.

use std::sync::Arc;

use super::Shared;
use super::admin::printer;
use crate::error::{CommandError, CommandResult};
use crate::events::PRINT_JOB;
use crate::state::Konter;
use crate::wire::{self, PrintStatus};
use konter_domain::codes;

/// The `order_id` of a test page's print-job events.
const TEST_JOB: &str = "test";
/// Paper width of a preview when no printer was set up.
const DEFAULT_WIDTH: u16 = 32;

fn job(order_id: &str, status: PrintStatus, error: Option<String>) -> wire::PrintJob {
    wire::PrintJob {
        order_id: order_id.to_owned(),
        status,
        error,
    }
}

fn no_printer() -> String {
    "printer belum diatur — atur di Pengaturan / no printer set up — see Settings".into()
}

/// Announces the job, prints off the command's path, and announces how it went. A printer
/// that is off or out of paper never holds up the counter.
fn spawn_print(state: Arc<Konter>, order_id: String, copy: bool) -> CommandResult<()> {
    state.emit(PRINT_JOB, &job(&order_id, PrintStatus::Queued, None));
    let Some((address, width)) = printer(&state)? else {
        state.emit(
            PRINT_JOB,
            &job(&order_id, PrintStatus::Failed, Some(no_printer())),
        );
        return Ok(());
    };
    tauri::async_runtime::spawn(async move {
        state.emit(PRINT_JOB, &job(&order_id, PrintStatus::Printing, None));
        let result = if order_id == TEST_JOB {
            state.engine.test_print(&address, width).await
        } else {
            state
                .engine
                .print_now(&order_id, &address, width, copy)
                .await
        };
        let done = match result {
            Ok(_) => job(&order_id, PrintStatus::Done, None),
            Err(e) => job(
                &order_id,
                PrintStatus::Failed,
                Some(CommandError::from(e).message),
            ),
        };
        state.emit(PRINT_JOB, &done);
    });
    Ok(())
}

fn unknown_order() -> CommandError {
    CommandError::new(
        codes::ORDER_UNKNOWN,
        "pesanan tidak ditemukan",
        "order not found",
    )
    .on("id")
}

#[tauri::command]
pub async fn print_order(state: Shared<'_>, id: String, copy: bool) -> CommandResult<()> {
    state.require_cashier()?;
    if state.engine.order(&id)?.is_none() {
        return Err(unknown_order());
    }
    spawn_print(Arc::clone(&state), id, copy)
}

#[tauri::command]
pub async fn test_print(state: Shared<'_>) -> CommandResult<()> {
    state.require_cashier()?;
    spawn_print(Arc::clone(&state), TEST_JOB.into(), false)
}

/// The receipt as it would print now, at the configured width; a failed order shows its
/// refund slip.
#[tauri::command]
pub async fn receipt_preview(state: Shared<'_>, id: String, copy: bool) -> CommandResult<String> {
    state.require_cashier()?;
    if state.engine.order(&id)?.is_none() {
        return Err(unknown_order());
    }
    let width = state
        .engine
        .setting("printer_width")?
        .and_then(|w| w.parse().ok())
        .unwrap_or(DEFAULT_WIDTH);
    let rendered = match state.engine.receipt(&id, width, copy, false)? {
        Some(r) => Some(r),
        None => state.engine.receipt(&id, width, copy, true)?,
    };
    rendered.map(|r| r.preview_text).ok_or_else(|| {
        CommandError::new(
            codes::NOTHING_TO_PRINT,
            "pesanan ini tidak punya struk",
            "this order has no receipt",
        )
        .on("id")
    })
}
