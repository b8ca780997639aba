//! `konter`: the device engine on the command line — pair, sell, sync, list, report and
//! show saldo against a konter-server, over the same engine the desktop app uses. Results
//! go to standard output, hints to standard error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use konter_client::cashiers::LoginGuard;
use konter_client::sell::Sale;
use konter_client::session::Gate;
use konter_client::{Engine, EngineError, token};
use konter_domain::codes;
use konter_domain::money::Rupiah;
use konter_domain::order::OrderStatus;

#[derive(Parser)]
#[command(
    name = "konter",
    version,
    about = "Konter's device engine on the command line",
    long_about = "Konter's device engine on the command line: the same local ledger, outbox \
and sync as the desktop app.\n\nThe device token is kept in the OS keyring (Secret Service). \
On a headless machine without one, set KONTER_TOKEN_STORE=file to keep it in a 0600 file in \
the data directory."
)]
struct Cli {
    /// Where the device store lives (default: $XDG_DATA_HOME/konter or ~/.local/share/konter).
    #[arg(long, global = true, value_name = "DIR", env = "KONTER_DATA_DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Pairs this device with a server using a one-time code from `konter-server device pair-code`.
    Pair {
        server_url: String,
        pairing_code: String,
        #[arg(long, default_value = "Konter CLI")]
        name: String,
        /// The server is on the shop's own network over plain http:// (a private address or
        /// a .local name): the owner confirms it. Internet servers must use https://.
        #[arg(long)]
        lan: bool,
    },
    /// Sells a product to a target (phone, PLN number, game id); prints the order id and status.
    Sell {
        target: String,
        sku: String,
        /// Cash received (default: exactly the price).
        #[arg(long, value_name = "AMOUNT_IDR")]
        cash: Option<String>,
        /// Confirm a second identical sale today ("isi ke-2").
        #[arg(long)]
        again: bool,
        /// Sync and wait (up to 60 s) until the order is settled.
        #[arg(long)]
        wait: bool,
    },
    /// Sends queued orders and applies the server's changes; without --once keeps syncing.
    Sync {
        #[arg(long)]
        once: bool,
    },
    /// Lists orders, newest first.
    Orders {
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Only queued orders too old to be sent on their own (see `reconfirm`, `cancel`).
        #[arg(long)]
        stale: bool,
    },
    /// Sends a stale queued order at today's saldo price (the customer's price stays).
    Reconfirm { order_id: String },
    /// Cancels a queued order that never reached the server; prints the cash to give back.
    Cancel { order_id: String },
    /// Shows the saldo.
    Saldo {
        #[arg(long)]
        json: bool,
    },
    /// Prints an order's receipt (a pending slip while it is not finished; `--copy` marks a
    /// reprint SALINAN) to a printer: file:PATH, tcp:HOST:PORT, usb:/dev/usb/lp0, serial:/dev/ttyUSB0.
    Print {
        order_id: String,
        #[arg(long)]
        printer: String,
        /// Columns: 32 (58 mm), 42 or 48 (80 mm).
        #[arg(long, default_value_t = 32)]
        width: u16,
        #[arg(long)]
        copy: bool,
        /// Also print the plain-text preview on standard output.
        #[arg(long)]
        preview: bool,
    },
    /// Changes a setting (printer, printer_width, auto_print, kick_drawer, shop_address,
    /// shop_phone, receipt_header, receipt_footer, receipt_cash_block, utc_offset_h,
    /// max_queue_age_h).
    Set { key: String, value: String },
    /// Adds a person who may log in at the counter: the owner first, then cashiers. The
    /// PIN (4 to 6 digits) is stored only as an Argon2 hash.
    Cashier {
        name: String,
        #[arg(long, value_enum, default_value = "cashier")]
        role: RoleArg,
        #[arg(long, env = "KONTER_PIN", hide_env_values = true)]
        pin: String,
    },
    /// Logs a person in with their PIN; the session is kept in the data directory until
    /// `konter logout`. Selling, the order list and printing need one.
    Login {
        name: String,
        #[arg(long, env = "KONTER_PIN", hide_env_values = true)]
        pin: String,
    },
    /// Ends the kept session.
    Logout,
    /// Lists this counter's daily copies of its store (the last seven), newest first.
    Backups,
    /// Puts back the daily copy of DAY (YYYY-MM-DD) the next time the store opens (the
    /// app's next start, this CLI's next command). Owner only.
    Restore { day: String },
    /// The day's report.
    Report {
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        #[arg(long)]
        json: bool,
        /// CSV of the day's orders instead.
        #[arg(long)]
        csv: bool,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum RoleArg {
    Owner,
    Cashier,
}

fn data_dir(given: Option<PathBuf>) -> PathBuf {
    given.unwrap_or_else(|| {
        let base = std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .unwrap_or_else(|| PathBuf::from("."));
        base.join("konter")
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.to_ui().message);
            if matches!(e, EngineError::RepeatSale { .. }) {
                eprintln!("jual lagi dengan --again / sell it again with --again");
            }
            if !matches!(
                e,
                EngineError::Input { .. }
                    | EngineError::RepeatSale { .. }
                    | EngineError::SaldoShort { .. }
            ) {
                eprintln!("detail: {e}");
            }
            ExitCode::FAILURE
        }
    }
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, EngineError> {
    serde_json::to_string_pretty(v).map_err(|e| EngineError::Corrupt(e.to_string()))
}

/// What a command needs of the person at the counter (the engine's rule,
/// `konter_client::session`).
fn gate_of(command: &Command) -> Option<Gate> {
    match command {
        Command::Sell { .. }
        | Command::Orders { .. }
        | Command::Print { .. }
        | Command::Reconfirm { .. }
        | Command::Cancel { .. } => Some(Gate::Cashier),
        Command::Report { .. }
        | Command::Set { .. }
        | Command::Cashier { .. }
        | Command::Backups
        | Command::Restore { .. } => Some(Gate::Owner),
        _ => None,
    }
}

/// The engine's refusal, with the command that gets past it.
fn with_login_hint(e: EngineError) -> EngineError {
    match &e {
        EngineError::Input { code, .. } if code == "not_logged_in" => EngineError::input(
            codes::NOT_LOGGED_IN,
            "masuk dulu: konter login NAMA --pin PIN",
            "log in first: konter login NAME --pin PIN",
            "pin",
        ),
        EngineError::Input { code, .. } if code == "owner_only" => EngineError::input(
            codes::OWNER_ONLY,
            "hanya pemilik yang boleh: konter login NAMA_PEMILIK --pin PIN",
            "only the owner may do this: konter login OWNER_NAME --pin PIN",
            "pin",
        ),
        _ => e,
    }
}

async fn run(cli: Cli) -> Result<(), EngineError> {
    let dir = data_dir(cli.data_dir);
    let engine = Engine::open(&dir, token::from_env(&dir))?;
    let who = match gate_of(&cli.command) {
        Some(gate) => engine
            .allow(engine.session()?, gate)
            .map_err(with_login_hint)?,
        None => None,
    };
    match cli.command {
        Command::Pair {
            server_url,
            pairing_code,
            name,
            lan,
        } => {
            let paired = if lan {
                engine
                    .pair_on_lan(&server_url, &pairing_code, &name)
                    .await?
            } else {
                engine.pair(&server_url, &pairing_code, &name).await?
            };
            println!("{}\t{}", paired.device_id, paired.shop_name);
            eprintln!(
                "paired with {} ({server_url}); token kept in {}",
                paired.shop_name,
                engine.token_store()
            );
            if let Err(e) = engine.sync_once(0).await {
                eprintln!("first sync failed, will retry: {e}");
            }
        }
        Command::Sell {
            target,
            sku,
            cash,
            again,
            wait,
        } => {
            let cash = cash
                .map(|c| {
                    c.parse::<Rupiah>()
                        .map_err(|e| EngineError::from_field(&e.for_field("cash_idr")))
                })
                .transpose()?;
            let order = engine.place_order(&Sale {
                sku,
                target,
                cash,
                confirm_repeat: again,
                cashier_id: who.as_ref().map(|c| c.id.clone()),
                cashier_name: who.as_ref().map(|c| c.name.clone()),
            })?;
            let id = order.id.to_string();
            let mut status = order.status;
            // Send at once; offline is fine, the order stays queued.
            if let Err(e) = engine.sync_once(0).await {
                eprintln!("not sent yet ({e}); it stays queued and goes out with the next sync");
            }
            if wait {
                let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
                loop {
                    status = engine.order(&id)?.map_or(status, |o| o.status);
                    if status.is_settled() || tokio::time::Instant::now() >= deadline {
                        break;
                    }
                    let _ = engine.sync_once(5).await;
                }
            }
            let order = engine.order(&id)?.unwrap_or(order);
            println!("{id}\t{}", order.status);
            eprintln!(
                "{} {} -> {}  harga {}  tunai {}  kembali {}{}",
                order.status.label_id(),
                order.product_name,
                order.target,
                order.price_idr,
                order.cash_idr,
                order.change_idr,
                order
                    .sn
                    .as_ref()
                    .map(|sn| format!("  SN {sn}"))
                    .unwrap_or_default()
            );
            if let (OrderStatus::Failed, Some(f)) = (order.status, &order.failure) {
                eprintln!("gagal: {} — kembalikan uang {}", f.message, order.price_idr);
            }
        }
        Command::Sync { once } => {
            if once {
                let report = engine.sync_once(0).await?;
                println!(
                    "sent={} rejected={} changes={}",
                    report.sent, report.rejected, report.changes
                );
            } else {
                let (_stop_tx, stop) = tokio::sync::watch::channel(false);
                eprintln!("syncing; Ctrl-C stops");
                tokio::select! {
                    _ = engine.run_sync(stop) => {},
                    _ = tokio::signal::ctrl_c() => {},
                }
            }
        }
        Command::Reconfirm { order_id } => {
            let o = engine.reconfirm(&order_id)?;
            println!(
                "{}\t{}\tdikirim dengan harga saldo hari ini / sent at today's saldo price",
                o.id, o.status
            );
        }
        Command::Cancel { order_id } => {
            let o = engine.cancel_queued(&order_id)?;
            println!(
                "{}\t{}\tkembalikan uang / give back {}",
                o.id, o.status, o.price_idr
            );
        }
        Command::Orders {
            json: as_json,
            limit,
            stale,
        } => {
            let orders = if stale {
                engine.stale_orders()?
            } else {
                engine.orders(limit)?
            };
            if as_json {
                println!("{}", json(&orders)?);
            } else {
                for o in orders {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        o.id,
                        o.created_at.format("%Y-%m-%d %H:%M"),
                        o.status,
                        o.sku,
                        o.target,
                        o.price_idr.idr()
                    );
                }
            }
        }
        Command::Saldo { json: as_json } => {
            let s = engine.saldo()?;
            if as_json {
                println!("{}", json(&s)?);
            } else {
                println!(
                    "available_idr={} balance_idr={} held_idr={} local_held_idr={}",
                    s.available_idr.idr(),
                    s.balance_idr.idr(),
                    s.held_idr.idr(),
                    s.local_held_idr.idr()
                );
            }
        }
        Command::Print {
            order_id,
            printer,
            width,
            copy,
            preview,
        } => {
            let rendered = engine.print_now(&order_id, &printer, width, copy).await?;
            if preview {
                print!("{}", rendered.preview_text);
            }
            eprintln!("printed {} bytes to {printer}", rendered.bytes.len());
        }
        Command::Cashier { name, role, pin } => {
            let role = match role {
                RoleArg::Owner => konter_client::cashiers::Role::Owner,
                RoleArg::Cashier => konter_client::cashiers::Role::Cashier,
            };
            let cashier = engine.create_cashier(&name, role, &pin)?;
            println!("{}", cashier.id);
        }
        Command::Login { name, pin } => {
            let c = engine.start_session(&LoginGuard::default(), &name, &pin)?;
            println!("{}\t{}", c.name, c.role.code());
        }
        Command::Logout => {
            engine.end_session()?;
            eprintln!("logged out");
        }
        Command::Backups => {
            for b in engine.backups()? {
                println!("{}\t{}\t{}", b.day, b.bytes, b.path.display());
            }
        }
        Command::Restore { day } => {
            let path = engine.schedule_restore(&day)?;
            eprintln!(
                "the copy {} replaces this counter's store at its next start",
                path.display()
            );
        }
        Command::Set { key, value } => {
            engine.set_setting(&key, &value)?;
            eprintln!("{key} = {value}");
        }
        Command::Report {
            date,
            json: as_json,
            csv,
        } => {
            let date = engine.parse_day(date.as_deref())?;
            if csv {
                print!("{}", engine.report_csv(date)?);
            } else if as_json {
                println!("{}", json(&engine.daily_report(date)?)?);
            } else {
                let r = engine.daily_report(date)?;
                println!(
                    "tanggal {}\ttransaksi {}\tomzet {}\tmodal {}\tlaba {}\tpending {}\tgagal {}\tuang di laci {}",
                    r.date,
                    r.count,
                    r.omzet_idr,
                    r.modal_idr,
                    r.laba_idr,
                    r.pending_count,
                    r.failed_count,
                    r.cash_expected_idr
                );
            }
        }
    }
    Ok(())
}
