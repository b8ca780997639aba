//! Riwayat, saldo and the owner's day.

use konter_client::history::OrderQuery;
use konter_domain::api::v1::DepositMethod;
use konter_domain::ids::DepositId;
use konter_domain::money::Rupiah;
use konter_domain::order::OrderStatus;

use super::Shared;
use crate::error::{CommandError, CommandResult};
use crate::state::Konter;
use crate::wire;
use konter_domain::codes;

/// The shop's zone as hours east of UTC (WIB 7, WITA 8, WIT 9), as the engine keeps it.
pub(crate) fn zone_hours(state: &Konter) -> CommandResult<i32> {
    Ok(state.engine.shop_zone()?.local_minus_utc() / 3600)
}

#[tauri::command]
pub async fn orders(
    state: Shared<'_>,
    query: Option<String>,
    status: Option<OrderStatus>,
    date: Option<String>,
    limit: Option<u32>,
) -> CommandResult<Vec<wire::Order>> {
    state.require_cashier()?;
    let day = match date.as_deref() {
        Some(d) => Some(state.engine.parse_day(Some(d))?),
        None => None,
    };
    Ok(state.engine.search_orders(&OrderQuery {
        text: query.unwrap_or_default(),
        status,
        day,
        limit,
    })?)
}

#[tauri::command]
pub async fn order_detail(state: Shared<'_>, id: String) -> CommandResult<wire::OrderDetail> {
    state.require_cashier()?;
    let order = state.engine.order(&id)?.ok_or_else(|| {
        CommandError::new(
            codes::ORDER_UNKNOWN,
            "pesanan tidak ditemukan",
            "order not found",
        )
        .on("id")
    })?;
    let history = state
        .engine
        .order_history(&id)?
        .into_iter()
        .map(|(status, at)| wire::OrderHistoryEntry { status, at })
        .collect();
    let complaint_text = state.engine.complaint_text(&order)?;
    Ok(wire::OrderDetail {
        order,
        complaint_text,
        history,
    })
}

#[tauri::command]
pub async fn saldo(state: Shared<'_>) -> CommandResult<wire::Saldo> {
    state.require_cashier()?;
    Ok(wire::Saldo::from(state.engine.saldo()?))
}

#[tauri::command]
pub async fn saldo_history(
    state: Shared<'_>,
    limit: Option<u32>,
) -> CommandResult<Vec<wire::SaldoMovement>> {
    state.require_cashier()?;
    Ok(state.engine.saldo_history(limit.unwrap_or(50))?)
}

#[tauri::command]
pub async fn request_deposit(
    state: Shared<'_>,
    amount_idr: i64,
    method: DepositMethod,
    bank: Option<String>,
) -> CommandResult<wire::Deposit> {
    state.require_cashier()?;
    let deposit = state
        .engine
        .request_deposit(
            DepositId::new(),
            Rupiah::from_idr(amount_idr),
            method,
            bank.as_deref(),
        )
        .await?;
    Ok(wire::Deposit::from(deposit))
}

#[tauri::command]
pub async fn report(state: Shared<'_>, date: Option<String>) -> CommandResult<wire::Report> {
    state.require_owner()?;
    let day = state.engine.parse_day(date.as_deref())?;
    Ok(state.engine.shop_report(day).await?)
}

#[tauri::command]
pub async fn export_csv(state: Shared<'_>, date: Option<String>) -> CommandResult<wire::CsvExport> {
    state.require_owner()?;
    let day = state.engine.parse_day(date.as_deref())?;
    let csv = state.engine.report_csv(day)?;
    let dir = state.export_dir();
    let path = dir.join(format!("laporan-{}.csv", day.format("%Y-%m-%d")));
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&path, csv))
        .map_err(|e| {
            CommandError::new(
                codes::EXPORT_FAILED,
                &format!("laporan tidak bisa disimpan di {}: {e}", dir.display()),
                &format!("the report cannot be saved in {}: {e}", dir.display()),
            )
        })?;
    Ok(wire::CsvExport {
        path: path.display().to_string(),
    })
}

#[tauri::command]
pub async fn close_shift(
    state: Shared<'_>,
    counted_cash_idr: i64,
) -> CommandResult<wire::ShiftClose> {
    let cashier = state.require_cashier()?;
    let summary = state
        .engine
        .close_shift(&cashier, Rupiah::from_idr(counted_cash_idr))?;
    Ok(wire::ShiftClose {
        expected_idr: summary.expected_idr,
        counted_idr: summary.counted_idr,
        difference_idr: summary.difference_idr,
    })
}
