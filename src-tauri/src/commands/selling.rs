//! The counter's sale: what the typed input is, what can be sold to it, the checks before
//! payment, and the order itself.

use konter_client::sell::Sale;
use konter_domain::catalogue::Category;
use konter_domain::game::Game;
use konter_domain::money::Rupiah;
use konter_domain::target::{InputSchema, Target};

use super::Shared;
use crate::error::{CommandError, CommandResult};
use crate::events::ORDER_UPDATED;
use crate::wire;

#[tauri::command]
pub async fn quote(state: Shared<'_>, input: String) -> CommandResult<wire::Quote> {
    state.require_cashier()?;
    Ok(wire::Quote::from(state.engine.quote(&input)?))
}

#[tauri::command]
pub async fn game_products(state: Shared<'_>, game: Game) -> CommandResult<Vec<wire::QuoteItem>> {
    state.require_cashier()?;
    let schema = InputSchema::Game { game };
    Ok(state
        .engine
        .products(Category::Game)?
        .into_iter()
        .filter(|i| i.input == Some(schema))
        .collect())
}

#[tauri::command]
pub async fn emoney_products(
    state: Shared<'_>,
    input: String,
) -> CommandResult<Vec<wire::QuoteItem>> {
    state.require_cashier()?;
    Target::parse(InputSchema::EMoneyAccount, &input, None)
        .map_err(|e| CommandError::from(konter_client::EngineError::from_field(&e)))?;
    Ok(state.engine.products(Category::Emoney)?)
}

#[tauri::command]
pub async fn pln_inquiry(state: Shared<'_>, target: String) -> CommandResult<wire::PlnInquiry> {
    state.require_cashier()?;
    Ok(state.engine.pln_inquiry(&target).await?)
}

#[tauri::command]
pub async fn game_inquiry(
    state: Shared<'_>,
    game: Game,
    target: String,
) -> CommandResult<wire::GameInquiry> {
    state.require_cashier()?;
    Ok(wire::GameInquiry::from(
        state.engine.game_inquiry(game, &target).await?,
    ))
}

#[tauri::command]
pub async fn place_order(
    state: Shared<'_>,
    sku: String,
    target: String,
    cash_idr: Option<i64>,
    confirm_repeat: Option<bool>,
) -> CommandResult<wire::Order> {
    let cashier = state.require_cashier()?;
    let order = state.engine.place_order(&Sale {
        sku,
        target,
        cash: cash_idr.map(Rupiah::from_idr),
        confirm_repeat: confirm_repeat.unwrap_or(false),
        cashier_id: Some(cashier.id),
        cashier_name: Some(cashier.name),
    })?;
    // The engine woke its sync loop: the order goes now.
    announce(&state, &order);
    Ok(order)
}

#[tauri::command]
pub async fn bill_products(state: Shared<'_>) -> CommandResult<Vec<wire::BillProduct>> {
    state.require_cashier()?;
    Ok(state.engine.bill_products()?)
}

#[tauri::command]
pub async fn bill_inquiry(
    state: Shared<'_>,
    sku: String,
    customer_no: String,
) -> CommandResult<wire::BillInquiry> {
    state.require_cashier()?;
    Ok(state.engine.bill_inquiry(&sku, &customer_no).await?)
}

#[tauri::command]
pub async fn pay_bill(
    state: Shared<'_>,
    inquiry_id: String,
    cash_idr: Option<i64>,
) -> CommandResult<wire::Order> {
    let cashier = state.require_cashier()?;
    let order = state.engine.pay_bill(
        &inquiry_id,
        cash_idr.map(Rupiah::from_idr),
        Some(&cashier.id),
        Some(&cashier.name),
    )?;
    // The engine woke its sync loop: the order goes now.
    announce(&state, &order);
    Ok(order)
}

/// Queued orders that waited longer than the owner allows (`max_queue_age_h`): the sync
/// loop no longer sends them on its own, a cashier confirms or cancels each.
#[tauri::command]
pub async fn stale_orders(state: Shared<'_>) -> CommandResult<Vec<wire::Order>> {
    state.require_cashier()?;
    Ok(state.engine.stale_orders()?)
}

/// Sends a stale queued order at today's saldo price; the customer's price stays.
#[tauri::command]
pub async fn reconfirm_order(state: Shared<'_>, id: String) -> CommandResult<wire::Order> {
    state.require_cashier()?;
    let order = state.engine.reconfirm(&id)?;
    // The engine woke its sync loop: the order goes now.
    announce(&state, &order);
    Ok(order)
}

/// Cancels a queued order that never reached the server: the hold is released and the
/// cashier gives the customer's cash back.
#[tauri::command]
pub async fn cancel_queued_order(state: Shared<'_>, id: String) -> CommandResult<wire::Order> {
    state.require_cashier()?;
    let order = state.engine.cancel_queued(&id)?;
    announce(&state, &order);
    Ok(order)
}

/// Tells the UI an order moved.
fn announce(state: &Shared<'_>, order: &wire::Order) {
    state
        .seen
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .note(order);
    state.emit(ORDER_UPDATED, order);
}
