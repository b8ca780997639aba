//! `konter-server`: the sync server and its admin commands. Results go to standard output,
//! logs and hints to standard error.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::Utc;
use clap::{Parser, Subcommand};
use konter_domain::catalogue::Tier;
use konter_domain::ids::DeviceId;
use konter_domain::money::Rupiah;
use konter_server::auth::{CODE_TTL, hash_secret, new_pairing_code};
use konter_server::catalogue_file::CatalogueFile;
use konter_server::config::Config;
use konter_server::store::{PgStore, Settlement, SqliteStore, Store, SupplierCall};
use konter_server::{App, http};

#[derive(Parser)]
#[command(
    name = "konter-server",
    version,
    about = "Konter's sync server: shops, devices, saldo ledger, catalogue, orders and the change feed",
    long_about = "Konter's sync server. Holds the supplier and gateway credentials, keeps every \
shop's saldo in a double-entry ledger, takes orders idempotently and feeds paired devices \
their shop's changes.\n\nSettings come from --config FILE (TOML), overridden by environment \
variables KONTER_<SECTION>__<KEY> (e.g. KONTER_SUPPLIERS__DIGIFLAZZ__BASE_URL), overridden by \
--db and --listen. --db takes sqlite://PATH (the embedded default) or postgres://…"
)]
struct Cli {
    /// TOML settings file.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST:PORT/DB.
    #[arg(long, global = true, value_name = "URL")]
    db: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the HTTP server (migrating the database first).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080 (port 0 picks a free port and prints it).
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
    },
    /// Applies database migrations and exits.
    Migrate,
    /// Shops.
    Shop {
        #[command(subcommand)]
        command: ShopCommand,
    },
    /// Paired devices.
    Device {
        #[command(subcommand)]
        command: DeviceCommand,
    },
    /// A shop's saldo.
    Saldo {
        #[command(subcommand)]
        command: SaldoCommand,
    },
    /// Owners' accounts for the back office at /owner/.
    Owner {
        #[command(subcommand)]
        command: OwnerCommand,
    },
    /// Loads products, supplier offers and tier markups from a TOML file.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// Supplier prices.
    Prices {
        #[command(subcommand)]
        command: PricesCommand,
    },
    /// Orders.
    Order {
        #[command(subcommand)]
        command: OrderCommand,
    },
    /// Recomputes every balance from the ledger entries; exits 0 only when all agree.
    Audit,
    /// What needs an operator: the fulfilment queue, orders in review, each supplier's
    /// deposit against its floor (asked now) or its refusal. Exits 1 when anything does.
    Status,
    /// Copies the live SQLite database into FILE (a new file), consistent as of one commit
    /// while the server keeps running. PostgreSQL: use pg_dump (see the README).
    Backup { file: PathBuf },
    /// Puts a backup in place of the SQLite database; refused while a server serves it.
    /// Run `konter-server audit` after.
    Restore { file: PathBuf },
}

#[derive(Subcommand)]
enum PricesCommand {
    /// Pulls every configured supplier's price list once, updates costs and availability,
    /// and announces changed prices to the shops' devices.
    Sync,
}

#[derive(Subcommand)]
enum OrderCommand {
    /// Prints an order's whole history: the order, every supplier attempt and every
    /// supplier call (credentials removed).
    Show {
        /// The order id (UUIDv7).
        id: String,
    },
    /// Settles an order in review as found at the supplier: `--success SN` (delivered, with
    /// its serial number or token) or `--failed REASON` (not delivered: the hold is voided).
    /// Kept in the audit trail with who and why. Refused for an order not in review.
    Settle {
        /// The order id (UUIDv7).
        id: String,
        /// Delivered: the supplier's serial number or token.
        #[arg(long, conflicts_with = "failed", required_unless_present = "failed")]
        success: Option<String>,
        /// Not delivered: why (what the supplier's report says).
        #[arg(long)]
        failed: Option<String>,
        /// Who settles it (default: the login name).
        #[arg(long, env = "USER")]
        by: String,
        /// Why, for the audit trail (where the evidence is).
        #[arg(long, default_value = "")]
        note: String,
    },
}

#[derive(Subcommand)]
enum ShopCommand {
    /// Creates a shop and prints its id.
    Create {
        /// Short unique code, e.g. MAJU01.
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "basic", value_parser = ["basic", "silver", "gold", "platinum"])]
        tier: String,
    },
    /// Lists shops.
    List,
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// Prints a one-time pairing code (valid 15 minutes) alone on stdout.
    PairCode { shop_code: String },
    /// Revokes a device: its token stops working at once.
    Revoke { device_id: String },
}

#[derive(Subcommand)]
enum OwnerCommand {
    /// Makes PHONE an owner of the shop (a new account, or another outlet for an existing
    /// one) and prints a one-time setup code alone on stdout: the owner opens /owner/ and
    /// sets a password with it. Valid 72 hours; a new code replaces the last one.
    Create {
        /// The owner's phone number, e.g. 0812-3456-7890.
        phone: String,
        #[arg(long = "shop", value_name = "CODE")]
        shop_code: String,
    },
}

#[derive(Subcommand)]
enum SaldoCommand {
    /// Credits a deposit taken by hand (cash, bank transfer). The reference makes it
    /// idempotent: the same reference is never credited twice.
    Credit {
        shop_code: String,
        /// Whole rupiah: 50000, 50.000 or Rp50.000.
        #[arg(allow_hyphen_values = true)]
        amount_idr: String,
        #[arg(long = "ref", value_name = "TEXT")]
        reference: String,
    },
    /// Prints a shop's saldo.
    Show { shop_code: String },
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Loads a catalogue file (products, supplier offers, tier markups).
    Load { file: PathBuf },
    /// Reads a configured supplier's price list and writes a catalogue file from it, or
    /// merges it into --out when that file exists: one product per denomination, matched
    /// across suppliers by operator/brand and face value, costs from the list. What the file
    /// already says (names, SKUs, priorities, cut-offs, tiers) stays. Lines that cannot be
    /// placed are listed on stderr. Nothing is loaded: check the file, then `catalog load`.
    Import {
        #[arg(value_parser = ["digiflazz", "iak"])]
        supplier: String,
        /// Only this category: pulsa, data, game, emoney or pln.
        #[arg(long)]
        category: Option<String>,
        /// Only this operator or brand (telkomsel, byu, DANA, PLN, "mobile legends").
        #[arg(long)]
        brand: Option<String>,
        /// The catalogue file to write or merge into (default: print it).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "konter_server=info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: starting the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(start(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn start(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(db) = cli.db {
        config.db = db;
    }
    if let Command::Serve { listen: Some(l) } = &cli.command {
        config.listen = l.clone();
    }
    let sqlite = config.db.starts_with("sqlite:");
    if let Command::Catalog {
        command:
            CatalogCommand::Import {
                supplier,
                category,
                brand,
                out,
            },
    } = &cli.command
    {
        import_catalogue(
            &config,
            supplier,
            category.as_deref(),
            brand.clone(),
            out.as_deref(),
        )
        .await?;
        return Ok(ExitCode::SUCCESS);
    }
    match &cli.command {
        Command::Restore { file } if sqlite => {
            konter_server::backup::restore(&config.db, file).await?;
            eprintln!(
                "restored {} into {}; check it with `konter-server audit`",
                file.display(),
                config.db
            );
            return Ok(ExitCode::SUCCESS);
        }
        Command::Backup { .. } | Command::Restore { .. } if !sqlite => bail!(
            "backup and restore are for the embedded SQLite store; for PostgreSQL use \
             pg_dump --format=custom and pg_restore (see the README)"
        ),
        _ => {}
    }
    // A server holds its SQLite database's serving lock while it runs, so a restore cannot
    // swap the file underneath it.
    let _serving = match &cli.command {
        Command::Serve { .. } if sqlite => Some(konter_server::backup::lock_serving(
            &konter_server::backup::sqlite_path(&config.db)?,
        )?),
        _ => None,
    };
    if config.db.starts_with("postgres://") || config.db.starts_with("postgresql://") {
        let store = PgStore::open(&config.db)
            .await
            .context("opening PostgreSQL")?;
        run(store, config, cli.command).await
    } else if config.db.starts_with("sqlite:") {
        let store = SqliteStore::open(&config.db)
            .await
            .context("opening SQLite")?;
        run(store, config, cli.command).await
    } else {
        bail!("--db must start with sqlite:// or postgres://")
    }
}

/// `catalog import`: needs the supplier's settings, not the database.
async fn import_catalogue(
    config: &Config,
    supplier: &str,
    category: Option<&str>,
    brand: Option<String>,
    out: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    use konter_server::catalogue_import::{Filter, import, merge_toml, to_toml};
    let category = match category {
        None => None,
        Some(c) => Some(
            konter_domain::catalogue::Category::from_code(&c.to_lowercase())
                .filter(|c| *c != konter_domain::catalogue::Category::Bill)
                .with_context(|| {
                    format!("--category: '{c}' is not one of pulsa, data, game, emoney, pln")
                })?,
        ),
    };
    let suppliers = konter_server::suppliers::Suppliers::from_config(config)?;
    if !suppliers.has(supplier) {
        bail!(
            "supplier '{supplier}' is not configured: add [suppliers.{supplier}] to the settings"
        );
    }
    // A file already there is merged into, keeping the operator's comments and layout.
    let original = match out {
        Some(path) if path.exists() => Some(
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
        ),
        _ => None,
    };
    let existing = match (&original, out) {
        (Some(text), Some(path)) => {
            CatalogueFile::parse(text).with_context(|| format!("parsing {}", path.display()))?
        }
        _ => CatalogueFile::parse("")?,
    };
    let lines = suppliers
        .listed(supplier)
        .await
        .map_err(|e| anyhow::anyhow!("{supplier}: price list not read: {e}"))?;
    if lines.is_empty() {
        bail!("{supplier}: the price list was empty; nothing written");
    }
    let (file, report) = import(existing, supplier, &lines, &Filter { category, brand });
    eprint!("{}", report.describe(supplier));
    let text = match &original {
        Some(text) => merge_toml(text, &file)?,
        None => to_toml(&file)?,
    };
    match out {
        None => print!("{text}"),
        Some(path) => {
            let partial = path.with_extension("toml.partial");
            std::fs::write(&partial, &text)
                .with_context(|| format!("writing {}", partial.display()))?;
            std::fs::rename(&partial, path)
                .with_context(|| format!("writing {}", path.display()))?;
            eprintln!(
                "wrote {}; check it, then `konter-server catalog load {}`",
                path.display(),
                path.display()
            );
        }
    }
    Ok(())
}

async fn shop_id<S: Store>(store: &S, code: &str) -> anyhow::Result<konter_server::store::Shop> {
    store
        .shop_by_code(code)
        .await?
        .with_context(|| format!("no shop with code '{code}'"))
}

async fn run<S: Store + Clone + 'static>(
    store: S,
    config: Config,
    command: Command,
) -> anyhow::Result<ExitCode> {
    store.migrate().await.context("migrating the database")?;
    let now = Utc::now();
    match command {
        Command::Serve { .. } => {
            let listener = tokio::net::TcpListener::bind(&config.listen)
                .await
                .with_context(|| format!("listening on {}", config.listen))?;
            let addr = listener.local_addr()?;
            let scheme = if config.tls.is_some() {
                "https"
            } else {
                "http"
            };
            eprintln!("konter-server listening on {scheme}://{addr}");
            tracing::info!(%addr, "serving");
            http::serve(listener, App::new(store, config)?).await?;
        }
        Command::Migrate => eprintln!("migrations applied"),
        Command::Status => {
            let app = konter_server::App::new(store.clone(), config.clone())?;
            let (text, alarm) = konter_server::alarms::status(&app).await?;
            print!("{text}");
            if alarm {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Shop {
            command: ShopCommand::Create { code, name, tier },
        } => {
            let tier: Tier = tier.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
            let shop = store.create_shop(&code, &name, tier, now).await?;
            println!("{}", shop.id);
        }
        Command::Shop {
            command: ShopCommand::List,
        } => {
            for shop in store.shops().await? {
                println!("{}\t{}\t{}\t{}", shop.code, shop.id, shop.tier, shop.name);
            }
        }
        Command::Device {
            command: DeviceCommand::PairCode { shop_code },
        } => {
            let shop = shop_id(&store, &shop_code).await?;
            let code = new_pairing_code();
            let expires = now + CODE_TTL;
            store
                .add_pairing_code(shop.id, &hash_secret(&code), expires, now)
                .await?;
            eprintln!(
                "pairing code for {} ({}), valid until {expires}",
                shop.name, shop.code
            );
            println!("{code}");
        }
        Command::Owner {
            command: OwnerCommand::Create { phone, shop_code },
        } => {
            let shop = shop_id(&store, &shop_code).await?;
            let phone = konter_domain::phone::PhoneNumber::parse(&phone)
                .map_err(|e| anyhow::anyhow!("phone: {e}"))?;
            let code = konter_server::owner::session::new_setup_code();
            let expires = now + konter_server::owner::session::SETUP_TTL;
            let owner = store
                .owner_setup_code(
                    phone.local(),
                    shop.id,
                    &konter_server::owner::session::setup_code_hash(&code),
                    expires,
                    now,
                )
                .await?;
            let state = if owner.password_hash.is_some() {
                "its password stays until the code is used"
            } else {
                "open /owner/ and choose \"Punya kode pengaturan?\""
            };
            eprintln!(
                "owner {} of {} ({}): setup code valid until {expires}; {state}",
                owner.phone, shop.name, shop.code
            );
            println!("{code}");
        }
        Command::Device {
            command: DeviceCommand::Revoke { device_id },
        } => {
            let id: DeviceId = device_id.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
            if !store.revoke_device(id, now).await? {
                bail!("no active device {id}");
            }
            eprintln!("device {id} revoked");
        }
        Command::Saldo {
            command:
                SaldoCommand::Credit {
                    shop_code,
                    amount_idr,
                    reference,
                },
        } => {
            let amount: Rupiah = amount_idr.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
            if !amount.is_positive() {
                bail!("amount_idr: the amount must be more than zero");
            }
            let reference = reference.trim();
            if reference.is_empty() {
                bail!("--ref: a reference is required (receipt number, transfer note)");
            }
            let shop = shop_id(&store, &shop_code).await?;
            let (fresh, saldo) = store.credit_manual(shop.id, amount, reference, now).await?;
            if !fresh {
                eprintln!("reference '{reference}' was credited before; nothing changed");
            }
            println!("{}", saldo.available_idr.idr());
        }
        Command::Saldo {
            command: SaldoCommand::Show { shop_code },
        } => {
            let shop = shop_id(&store, &shop_code).await?;
            let s = store.saldo(shop.id).await?;
            println!(
                "balance_idr={} held_idr={} available_idr={}",
                s.balance_idr.idr(),
                s.held_idr.idr(),
                s.available_idr.idr()
            );
        }
        Command::Catalog {
            command: CatalogCommand::Import { .. },
        } => bail!("catalog import is handled before the database is opened"),
        Command::Catalog {
            command: CatalogCommand::Load { file },
        } => {
            let loaded = CatalogueFile::read(&file)?.load(&store, now).await?;
            eprintln!("loaded {loaded} products from {}", file.display());
        }
        Command::Prices {
            command: PricesCommand::Sync,
        } => {
            let app = konter_server::App::new(store.clone(), config.clone())?;
            let synced = konter_server::prices::sync_once(&app).await?;
            for (supplier, why) in &synced.failed {
                eprintln!("{supplier}: price list not read: {why}");
            }
            println!(
                "changed={} announced={}",
                synced.changed.len(),
                synced.announced
            );
            if !synced.failed.is_empty() {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Order {
            command: OrderCommand::Show { id },
        } => {
            let id: konter_domain::ids::OrderId = id
                .parse()
                .map_err(|_| anyhow::anyhow!("'{id}' is not an order id (UUIDv7)"))?;
            let Some((stored, attempts)) = store.fulfilment(id).await? else {
                eprintln!("no order {id}");
                return Ok(ExitCode::FAILURE);
            };
            let o = &stored.order;
            println!(
                "order {} sku={} target={} status={} price_idr={} cost_idr={} created={} updated={}",
                o.id,
                o.sku,
                o.target,
                o.status,
                o.price_idr.idr(),
                stored.cost.idr(),
                o.created_at.to_rfc3339(),
                o.updated_at.to_rfc3339()
            );
            if let Some(sn) = &o.sn {
                println!("  sn={sn}");
            }
            if let Some(f) = &o.failure {
                println!("  failure={} {}", f.code, f.message);
            }
            for a in &attempts {
                println!(
                    "attempt {} supplier={} sku={} ref_id={} state={} cost_idr={} code={} message={} sn={} at={}",
                    a.n,
                    a.supplier,
                    a.supplier_sku,
                    a.ref_id,
                    a.state.code(),
                    a.cost.idr(),
                    a.code.as_deref().unwrap_or("-"),
                    a.message.as_deref().unwrap_or("-"),
                    a.sn.as_deref().unwrap_or("-"),
                    a.created_at.to_rfc3339()
                );
            }
            for c in store.calls(id).await? {
                println!(
                    "call {} {} {} ref_id={} http={} {}ms outcome={}\n  request  {}\n  response {}",
                    c.at.to_rfc3339(),
                    c.supplier,
                    c.operation,
                    c.ref_id.as_deref().unwrap_or("-"),
                    c.http_status.map_or("-".to_owned(), |s| s.to_string()),
                    c.latency_ms,
                    c.outcome,
                    c.request,
                    c.response
                );
            }
        }
        Command::Order {
            command:
                OrderCommand::Settle {
                    id,
                    success,
                    failed,
                    by,
                    note,
                },
        } => {
            let id: konter_domain::ids::OrderId = id
                .parse()
                .map_err(|_| anyhow::anyhow!("id: '{id}' is not an order id (UUIDv7)"))?;
            if by.trim().is_empty() {
                anyhow::bail!("by: say who settles the order");
            }
            let Some((stored, attempts)) = store.fulfilment(id).await? else {
                anyhow::bail!("id: no order {id}");
            };
            let settlement = match (&success, &failed) {
                (Some(sn), _) if sn.trim().is_empty() => {
                    anyhow::bail!("success: the serial number is empty")
                }
                (Some(sn), _) => {
                    let catalogue = store.catalogue().await?;
                    let is_pln = catalogue.iter().any(|e| {
                        e.product.sku == stored.order.sku
                            && e.product.category == konter_domain::catalogue::Category::Pln
                    });
                    let pln_token = is_pln
                        .then(|| konter_domain::pln::PlnToken::from_sn(sn).ok())
                        .flatten()
                        .map(|t| t.to_string());
                    // What we expected to pay the supplier for the open attempt.
                    let cost = attempts
                        .iter()
                        .rev()
                        .find(|a| a.state.is_open())
                        .map_or(stored.cost, |a| a.cost);
                    Settlement::Success {
                        sn: Some(sn.trim().to_owned()),
                        pln_token,
                        cost,
                    }
                }
                (None, Some(reason)) if reason.trim().is_empty() => {
                    anyhow::bail!("failed: say why the order failed")
                }
                (None, Some(reason)) => Settlement::Failed {
                    code: "operator_failed".into(),
                    message: format!(
                        "Dinyatakan gagal oleh operator / failed by the operator ({})",
                        reason.trim()
                    ),
                },
                (None, None) => anyhow::bail!("say --success SN or --failed REASON"),
            };
            let result = if success.is_some() {
                "success"
            } else {
                "failed"
            };
            let row = SupplierCall {
                order_id: Some(id),
                ref_id: None,
                supplier: "operator".into(),
                operation: "settle".into(),
                request: serde_json::json!({"by": by.trim(), "result": result,
                    "sn": success, "reason": failed, "note": note})
                .to_string(),
                response: String::new(),
                http_status: None,
                latency_ms: 0,
                outcome: result.into(),
                at: Utc::now(),
            };
            match store.settle_review(id, &settlement, &row).await? {
                Some(order) => println!("{} {}", order.id, order.status),
                None => anyhow::bail!(
                    "id: order {id} is not in review ({}); only an order the workers gave up on can be settled by hand",
                    stored.order.status
                ),
            }
        }
        Command::Backup { file } => {
            let bytes = konter_server::backup::backup(&config.db, &file).await?;
            eprintln!("backup of {} written ({bytes} bytes)", config.db);
            println!("{}", file.display());
        }
        Command::Restore { .. } => bail!("a restore runs before the store opens"),
        Command::Audit => {
            let report = store.audit().await?;
            for p in &report.problems {
                println!("PROBLEM {p}");
            }
            println!(
                "audit: {} accounts, {} events, {} problems",
                report.accounts_checked,
                report.events_checked,
                report.problems.len()
            );
            if !report.problems.is_empty() {
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
