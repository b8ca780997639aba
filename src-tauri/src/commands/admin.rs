//! The owner's settings, selling-price rules and people.

use konter_client::EngineError;
use konter_client::cashiers::Role;
use konter_client::catalog::{RuleScope, SellingRule};
use konter_client::print::DEFAULT_FOOTER;

use super::Shared;
use crate::error::{CommandError, CommandResult};
use crate::state::Konter;
use crate::wire::{self, PrinterKind};
use konter_domain::codes;

fn kind_code(kind: PrinterKind) -> Option<&'static str> {
    match kind {
        PrinterKind::None => None,
        PrinterKind::Tcp => Some("tcp"),
        PrinterKind::Usb => Some("usb"),
        PrinterKind::Serial => Some("serial"),
        PrinterKind::File => Some("file"),
    }
}

/// `tcp:192.168.1.50:9100` -> (tcp, `192.168.1.50:9100`).
fn split_printer(stored: &str) -> (PrinterKind, String) {
    let (kind, address) = stored.split_once(':').unwrap_or(("", stored));
    let kind = match kind {
        "tcp" => PrinterKind::Tcp,
        "usb" => PrinterKind::Usb,
        "serial" => PrinterKind::Serial,
        "file" => PrinterKind::File,
        _ => PrinterKind::None,
    };
    (kind, address.to_owned())
}

/// The engine's printer address for the configured printer, or `None` when switched off.
pub(crate) fn printer(state: &Konter) -> CommandResult<Option<(String, u16)>> {
    if state.prefs().printer_off {
        return Ok(None);
    }
    let width = state
        .engine
        .setting("printer_width")?
        .and_then(|w| w.parse().ok())
        .unwrap_or(32);
    Ok(state.engine.setting("printer")?.map(|p| (p, width)))
}

pub(crate) fn read_settings(state: &Konter) -> CommandResult<wire::Settings> {
    let engine = &state.engine;
    let get = |k: &str| engine.setting(k);
    let prefs = state.prefs();
    let fees = engine.bill_fees()?;
    let (mut kind, address) = get("printer")?
        .as_deref()
        .map_or((PrinterKind::None, String::new()), split_printer);
    if prefs.printer_off {
        kind = PrinterKind::None;
    }
    Ok(wire::Settings {
        language: prefs.language,
        auto_print: get("auto_print")?.as_deref() == Some("true"),
        printer: wire::PrinterSettings {
            kind,
            address,
            width: get("printer_width")?
                .and_then(|w| w.parse().ok())
                .unwrap_or(32),
        },
        receipt_header: get("receipt_header")?
            .filter(|h| !h.trim().is_empty())
            .or(get("shop_name")?)
            .unwrap_or_default(),
        receipt_footer: get("receipt_footer")?.unwrap_or_else(|| DEFAULT_FOOTER.into()),
        shop_address: get("shop_address")?.unwrap_or_default(),
        shop_phone: get("shop_phone")?.unwrap_or_default(),
        bill_fees: Some(fees.fees),
        bill_fee_cap_idr: Some(fees.cap_idr),
        show_cash_block: Some(get("receipt_cash_block")?.as_deref() != Some("false")),
        kick_drawer: Some(get("kick_drawer")?.as_deref() == Some("true")),
        utc_offset_h: Some(super::books::zone_hours(state)?),
    })
}

#[tauri::command]
pub async fn settings(state: Shared<'_>) -> CommandResult<wire::Settings> {
    read_settings(&state)
}

/// The form's name of a setting the engine refused.
fn form_field(key: &str) -> &str {
    match key {
        "printer" => "printer.address",
        "printer_width" => "printer.width",
        other => other,
    }
}

/// Checks everything first and only then writes, so a refused form changes nothing: the
/// engine checks the settings (`konter_client::settings`), the app only its own preferences.
#[tauri::command]
pub async fn save_settings(state: Shared<'_>, settings: wire::Settings) -> CommandResult<()> {
    // Before the owner exists (first-run setup) the shop profile is saved without a login.
    if state.has_owner()? {
        state.require_owner()?;
    }
    let s = &settings;
    if !matches!(s.language.as_str(), "id" | "en") {
        return Err(CommandError::new(
            codes::LANGUAGE_UNKNOWN,
            "bahasa tidak dikenal",
            "unknown language",
        )
        .on("language"));
    }
    let printer =
        kind_code(s.printer.kind).map(|kind| format!("{kind}:{}", s.printer.address.trim()));
    // The shop's name from the server heads the receipt unless the owner writes another.
    let shop_name = state.engine.setting("shop_name")?.unwrap_or_default();
    let header = Some(s.receipt_header.trim())
        .filter(|h| *h != shop_name)
        .unwrap_or("");
    let fees = match (&s.bill_fees, s.bill_fee_cap_idr) {
        (None, None) => None,
        (fees, cap) => {
            let mut merged = state.engine.bill_fees()?;
            if let Some(fees) = fees {
                merged.fees.extend(fees.iter().map(|(k, v)| (*k, *v)));
            }
            if let Some(cap) = cap {
                merged.cap_idr = cap;
            }
            merged
                .check()
                .map_err(|e| CommandError::from(EngineError::from_field(&e)))?;
            Some(merged)
        }
    };

    let flag = |on: bool| if on { "true" } else { "false" };
    let width = s.printer.width.to_string();
    let zone = s.utc_offset_h.map(|h| h.to_string());
    let mut changes: Vec<(&str, &str)> = Vec::new();
    if let Some(p) = &printer {
        changes.push(("printer", p));
    }
    changes.push(("printer_width", &width));
    changes.push(("auto_print", flag(s.auto_print)));
    changes.push(("receipt_header", header));
    changes.push(("receipt_footer", s.receipt_footer.trim()));
    if let Some(on) = s.show_cash_block {
        changes.push(("receipt_cash_block", flag(on)));
    }
    if let Some(on) = s.kick_drawer {
        changes.push(("kick_drawer", flag(on)));
    }
    if let Some(h) = &zone {
        changes.push(("utc_offset_h", h));
    }
    changes.push(("shop_address", s.shop_address.trim()));
    changes.push(("shop_phone", s.shop_phone.trim()));
    let engine = &state.engine;
    engine.set_settings(&changes).map_err(|e| {
        let mut refused = CommandError::from(e);
        refused.field = refused.field.map(|f| form_field(&f).to_owned());
        refused
    })?;
    if let Some(fees) = &fees {
        engine.set_bill_fees(fees)?;
    }
    let mut prefs = state.prefs();
    prefs.language = s.language.clone();
    prefs.printer_off = printer.is_none();
    state.save_prefs(&prefs)
}

#[tauri::command]
pub async fn price_rules(state: Shared<'_>) -> CommandResult<Vec<wire::PriceRule>> {
    Ok(state
        .engine
        .price_rules()?
        .into_iter()
        .filter_map(wire::PriceRule::from_engine)
        .collect())
}

#[tauri::command]
pub async fn save_price_rule(
    state: Shared<'_>,
    rule: wire::PriceRule,
) -> CommandResult<wire::PriceRule> {
    state.require_owner()?;
    let scope = RuleScope::from(rule.scope);
    let key = rule.key.trim().to_owned();
    let engine_rule = SellingRule {
        scope,
        key: key.clone(),
        markup: rule.markup,
        round_to: rule.round_to,
    };
    // Editing a rule's scope or key replaces the old rule.
    let id = state
        .engine
        .replace_price_rule(Some(&rule.id), &engine_rule)?;
    Ok(wire::PriceRule {
        id,
        scope: rule.scope,
        key,
        markup: rule.markup,
        round_to: rule.round_to,
    })
}

#[tauri::command]
pub async fn delete_price_rule(state: Shared<'_>, id: String) -> CommandResult<()> {
    state.require_owner()?;
    state.engine.delete_price_rule_by_id(&id)?;
    Ok(())
}

#[tauri::command]
pub async fn cashiers(state: Shared<'_>) -> CommandResult<Vec<wire::Cashier>> {
    state.require_owner()?;
    Ok(state
        .engine
        .cashiers()?
        .into_iter()
        .map(wire::Cashier::from)
        .collect())
}

#[tauri::command]
pub async fn create_cashier(
    state: Shared<'_>,
    name: String,
    role: Role,
    pin: String,
) -> CommandResult<wire::Cashier> {
    state.require_owner()?;
    Ok(wire::Cashier::from(
        state.engine.create_cashier(&name, role, &pin)?,
    ))
}

#[tauri::command]
pub async fn disable_cashier(state: Shared<'_>, id: String) -> CommandResult<()> {
    let me = state.require_owner()?;
    if me.id == id {
        return Err(CommandError::new(
            codes::CASHIER_SELF,
            "tidak bisa menonaktifkan diri sendiri",
            "you cannot disable yourself",
        )
        .on("id"));
    }
    if !state.engine.disable_cashier(&id)? {
        return Err(CommandError::new(
            codes::CASHIER_UNKNOWN,
            "kasir tidak ada",
            "no such cashier",
        )
        .on("id"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printer_addresses_split_into_kind_and_address() {
        assert_eq!(
            split_printer("tcp:192.168.1.50:9100"),
            (PrinterKind::Tcp, "192.168.1.50:9100".into())
        );
        assert_eq!(
            split_printer("usb:/dev/usb/lp0"),
            (PrinterKind::Usb, "/dev/usb/lp0".into())
        );
    }
}

fn backups_of(state: &Konter) -> CommandResult<wire::Backups> {
    let copies = state
        .engine
        .backups()?
        .into_iter()
        .map(|b| wire::Backup {
            day: b.day,
            size_kb: u32::try_from(b.bytes.div_ceil(1024)).unwrap_or(u32::MAX),
        })
        .collect();
    Ok(wire::Backups {
        copies,
        pending_day: state.engine.pending_restore()?,
    })
}

/// The counter's daily copies of its store (owner only).
#[tauri::command]
pub async fn backups(state: Shared<'_>) -> CommandResult<wire::Backups> {
    state.require_owner()?;
    backups_of(&state)
}

/// Chooses the copy of `day` to replace the store at the app's next start (owner only).
#[tauri::command]
pub async fn restore_backup(state: Shared<'_>, day: String) -> CommandResult<wire::Backups> {
    let owner = state.require_owner()?;
    state.engine.schedule_restore(&day)?;
    tracing::warn!(day, by = %owner.name, "a daily copy will replace the store at the next start");
    backups_of(&state)
}

/// Restarts the app, so a chosen copy comes back now (owner only).
#[tauri::command]
pub async fn restart_app<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: Shared<'_>,
) -> CommandResult<()> {
    state.require_owner()?;
    app.restart()
}
