//! konter-app: the desktop shell of Konter. It serves the counter UI (`ui/`) in a Tauri 2
//! window and answers the UI's commands (`ui/src/lib/ipc.ts`) by calling the device engine
//! (`konter-client`), converting the answers into the UI's shapes (`ui/src/lib/types.ts`)
//! and the engine's errors into `{code, message, field}`. It forwards the engine's news as
//! the events `order-updated`, `sync-state` and `print-job`, and runs the sync loop.
//!
//! It must never: hold business rules of its own (prices, statuses and money come from the
//! engine); put the device token in a log, an event or an answer; give the UI more than
//! its commands and event listening (no file system, shell or HTTP from the page).

pub mod commands;
pub mod error;
pub mod events;
pub mod memory;
pub mod prefs;
pub mod state;
pub mod wire;

use std::path::PathBuf;
use std::sync::Arc;

use konter_client::{Engine, token};
use tauri::{Emitter, Manager, RunEvent, Runtime};

pub use state::Konter;

/// Overrides where the engine keeps its data (tests, the demo).
pub const DATA_DIR_ENV: &str = "KONTER_DATA_DIR";

/// Registers every command the UI calls. Used by [`run`] and by the tests (on the mock
/// runtime).
pub fn commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    use commands::{admin, books, printing, selling, session};
    builder.invoke_handler(tauri::generate_handler![
        session::app_state,
        session::pair,
        session::setup_owner,
        session::login,
        session::logout,
        selling::quote,
        selling::game_products,
        selling::emoney_products,
        selling::pln_inquiry,
        selling::game_inquiry,
        selling::place_order,
        selling::bill_products,
        selling::bill_inquiry,
        selling::pay_bill,
        selling::stale_orders,
        selling::reconfirm_order,
        selling::cancel_queued_order,
        books::orders,
        books::order_detail,
        books::saldo,
        books::saldo_history,
        books::request_deposit,
        books::report,
        books::export_csv,
        books::close_shift,
        admin::settings,
        admin::save_settings,
        admin::price_rules,
        admin::save_price_rule,
        admin::delete_price_rule,
        admin::cashiers,
        admin::create_cashier,
        admin::disable_cashier,
        admin::backups,
        admin::restore_backup,
        admin::restart_app,
        printing::print_order,
        printing::test_print,
        printing::receipt_preview,
    ])
}

/// The engine's data directory: `KONTER_DATA_DIR`, else the app's data directory.
fn data_dir<R: Runtime>(app: &tauri::App<R>) -> anyhow::Result<PathBuf> {
    match std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        Some(dir) => Ok(PathBuf::from(dir)),
        None => Ok(app.path().app_data_dir()?),
    }
}

/// Connects a running app to the engine: events out, sync loop on when paired.
pub fn attach<R: Runtime>(app: &tauri::AppHandle<R>, konter: &Arc<Konter>) {
    let handle = app.clone();
    konter.set_emitter(move |event, payload| {
        if let Err(e) = handle.emit(event, payload) {
            tracing::warn!(event, error = %e, "event not delivered");
        }
    });
    events::forward(Arc::clone(konter));
    konter.start_sync();
}

pub fn run() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let app = commands(tauri::Builder::default())
        .setup(|app| {
            let dir = data_dir(app)?;
            let engine = Engine::open(&dir, token::from_env(&dir))?;
            tracing::info!(data_dir = %dir.display(), tokens = %engine.token_store(), "engine open");
            let konter = Arc::new(Konter::new(engine));
            if let Ok(docs) = app.path().document_dir() {
                konter.set_export_dir(docs.join("Konter"));
            }
            attach(app.handle(), &konter);
            app.manage(konter);
            Ok(())
        })
        .build(tauri::generate_context!())?;
    app.run(|handle, event| {
        if let RunEvent::Exit = event
            && let Some(konter) = handle.try_state::<Arc<Konter>>()
        {
            konter.stop_sync();
        }
    });
    Ok(())
}
