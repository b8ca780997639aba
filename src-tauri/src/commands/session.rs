//! Setup, pairing and who is at the counter.

use konter_client::cashiers::Role;
use konter_domain::money::Rupiah;

use super::Shared;
use crate::error::{CommandError, CommandResult};
use crate::wire;
use konter_domain::codes;

#[tauri::command]
pub async fn app_state(state: Shared<'_>) -> CommandResult<wire::AppState> {
    let engine = &state.engine;
    let paired = state.paired()?;
    let shop = if paired {
        let get = |k: &str| engine.setting(k).map(Option::unwrap_or_default);
        Some(wire::ShopProfile {
            name: get("shop_name")?,
            address: get("shop_address")?,
            phone: get("shop_phone")?,
            footer: get("receipt_footer")?,
        })
    } else {
        None
    };
    Ok(wire::AppState {
        paired,
        shop,
        cashier: state.cashier().map(wire::Cashier::from),
        sync: wire::SyncStatus::from(&*engine.sync_state().borrow()),
        has_owner: state.has_owner()?,
    })
}

#[tauri::command]
pub async fn pair(
    state: Shared<'_>,
    server_url: String,
    code: String,
    device_name: String,
    lan_confirmed: Option<bool>,
) -> CommandResult<wire::Paired> {
    if state.paired()? {
        return Err(CommandError::new(
            codes::ALREADY_PAIRED,
            "perangkat ini sudah terhubung",
            "this device is already paired",
        ));
    }
    let name = device_name.trim();
    if name.is_empty() {
        return Err(CommandError::new(
            codes::DEVICE_NAME_EMPTY,
            "beri nama perangkat ini",
            "name this device",
        )
        .on("device_name"));
    }
    let paired = if lan_confirmed == Some(true) {
        state.engine.pair_on_lan(&server_url, &code, name).await
    } else {
        state.engine.pair(&server_url, &code, name).await
    }
    .map_err(|e| pair_error(CommandError::from(e)))?;
    state.start_sync();
    Ok(wire::Paired {
        shop_name: paired.shop_name.clone(),
    })
}

/// The server's refusals of a pairing, next to the input they are about.
fn pair_error(e: CommandError) -> CommandError {
    let field = match e.code.as_str() {
        "pairing_code_invalid" | "too_many_attempts" => Some("code"),
        "device_name_invalid" => Some("device_name"),
        _ => None,
    };
    match field {
        Some(f) => e.on(f),
        None => e,
    }
}

#[tauri::command]
pub async fn setup_owner(state: Shared<'_>, name: String, pin: String) -> CommandResult<()> {
    if state.has_owner()? {
        return Err(CommandError::new(
            codes::OWNER_EXISTS,
            "pemilik sudah ada",
            "the owner already exists",
        ));
    }
    state.engine.create_cashier(&name, Role::Owner, &pin)?;
    Ok(())
}

#[tauri::command]
pub async fn login(state: Shared<'_>, pin: String) -> CommandResult<wire::Cashier> {
    let cashier = state.engine.login(&state.guard, &pin)?;
    // Each person's cash is counted from their login; an open shift carries on.
    state.engine.open_shift(&cashier, Rupiah::ZERO)?;
    state.set_cashier(Some(cashier.clone()));
    Ok(wire::Cashier::from(cashier))
}

#[tauri::command]
pub async fn logout(state: Shared<'_>) -> CommandResult<()> {
    state.set_cashier(None);
    Ok(())
}
