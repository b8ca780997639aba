//! Riwayat, saldo and the owner's day.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};
use konter_client::print::reference;
use konter_client::sell::LocalOrder;
use konter_domain::api::v1::DepositMethod;
use konter_domain::ids::DepositId;
use konter_domain::money::Rupiah;
use konter_domain::order::OrderStatus;

use super::Shared;
use crate::error::{CommandError, CommandResult};
use crate::state::Konter;
use crate::wire;

/// Orders one `orders` call returns at most, and what it returns when not told.
const MAX_ORDERS_LIMIT: u32 = 200;
const DEFAULT_ORDERS_LIMIT: u32 = 100;
/// How far back a search looks: the newest orders of a busy counter's last weeks. Older
/// orders are in the owner's reports and CSV exports.
const MAX_ORDERS_SCANNED: u32 = 5_000;

/// The shop's zone as hours east of UTC (WIB 7, WITA 8, WIT 9), as the engine keeps it.
pub(crate) fn zone_hours(state: &Konter) -> CommandResult<i32> {
    Ok(state
        .engine
        .setting("utc_offset_h")?
        .and_then(|v| v.parse().ok())
        .filter(|h| (7..=9).contains(h))
        .unwrap_or(7))
}

fn shop_time(at: DateTime<Utc>, hours: i32) -> DateTime<FixedOffset> {
    let zone = FixedOffset::east_opt(hours * 3600).unwrap_or(Utc.fix());
    at.with_timezone(&zone)
}

fn parse_date(date: Option<&str>, state: &Konter) -> CommandResult<NaiveDate> {
    match date.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(state.engine.today()?),
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
            CommandError::new(
                "date_invalid",
                "tanggal ditulis TTTT-BB-HH",
                "a date is written YYYY-MM-DD",
            )
            .on("date")
        }),
    }
}

fn matches(order: &LocalOrder, query: &str, digits: &str) -> bool {
    query.is_empty()
        || order.id.to_string().contains(query)
        || order.product_name.to_lowercase().contains(query)
        || (!digits.is_empty()
            && (order
                .target
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
                .contains(digits)
                || order.sn.as_deref().is_some_and(|sn| sn.contains(digits))))
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
    let limit = limit
        .unwrap_or(DEFAULT_ORDERS_LIMIT)
        .clamp(1, MAX_ORDERS_LIMIT) as usize;
    let day = match date.as_deref() {
        Some(d) => Some(parse_date(Some(d), &state)?),
        None => None,
    };
    let hours = zone_hours(&state)?;
    let query = query.unwrap_or_default().trim().to_lowercase();
    let digits: String = query.chars().filter(char::is_ascii_digit).collect();
    Ok(state
        .engine
        .orders(MAX_ORDERS_SCANNED)?
        .into_iter()
        .filter(|o| status.is_none_or(|s| o.status == s))
        .filter(|o| day.is_none_or(|d| shop_time(o.created_at, hours).date_naive() == d))
        .filter(|o| matches(o, &query, &digits))
        .take(limit)
        .collect())
}

#[tauri::command]
pub async fn order_detail(state: Shared<'_>, id: String) -> CommandResult<wire::OrderDetail> {
    state.require_cashier()?;
    let order = state.engine.order(&id)?.ok_or_else(|| {
        CommandError::new(
            "order_unknown",
            "pesanan tidak ditemukan",
            "order not found",
        )
        .on("id")
    })?;
    let hours = zone_hours(&state)?;
    let history = state
        .engine
        .order_history(&id)?
        .into_iter()
        .map(|(status, at)| wire::OrderHistoryEntry { status, at })
        .collect();
    let complaint_text = [
        format!("Komplain pesanan {}", reference(&order, hours)),
        format!("Produk : {} ({})", order.product_name, order.sku),
        format!("Tujuan : {}", order.target),
        format!(
            "Waktu  : {}",
            shop_time(order.created_at, hours).format("%d/%m/%Y %H:%M")
        ),
        format!("Status : {}", order.status.code()),
        format!("SN     : {}", order.sn.as_deref().unwrap_or("-")),
        format!("ID     : {}", order.id),
    ]
    .join("\n");
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
    let day = parse_date(date.as_deref(), &state)?;
    Ok(state.engine.daily_report(day)?)
}

#[tauri::command]
pub async fn export_csv(state: Shared<'_>, date: Option<String>) -> CommandResult<wire::CsvExport> {
    state.require_owner()?;
    let day = parse_date(date.as_deref(), &state)?;
    let csv = state.engine.report_csv(day)?;
    let dir = state.export_dir();
    let path = dir.join(format!("laporan-{}.csv", day.format("%Y-%m-%d")));
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&path, csv))
        .map_err(|e| {
            CommandError::new(
                "export_failed",
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
