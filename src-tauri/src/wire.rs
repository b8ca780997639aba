//! The shapes that cross IPC, field for field as the UI's `ui/src/lib/types.ts` declares
//! them, and their conversions from the engine's types. Amounts are whole rupiah
//! ([`Rupiah`] serialises as a JSON integer); times are RFC 3339 UTC.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use konter_client::cashiers::{self, Role};
use konter_client::catalog::{self, RuleScope, SellingRule};
use konter_client::sell::LocalSaldo;
use konter_client::sync::{Connectivity, SyncState};
use konter_domain::api::v1;
use konter_domain::bill::BillKind;
use konter_domain::catalogue::Markup;
use konter_domain::money::Rupiah;
use konter_domain::order::OrderStatus;
use konter_domain::target::Detected;
use serde::{Deserialize, Serialize};

/// A kept daily copy of the counter's store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Backup {
    /// The shop's day the copy was taken, `YYYY-MM-DD`.
    pub day: String,
    /// Its size in KiB, rounded up.
    pub size_kb: u32,
}

/// The counter's daily copies and the one chosen to come back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Backups {
    /// The kept copies, newest first (at most seven).
    pub copies: Vec<Backup>,
    /// The day of the copy chosen to replace the store at the next start, if one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub pending_day: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Cashier {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
}

impl From<cashiers::Cashier> for Cashier {
    fn from(c: cashiers::Cashier) -> Cashier {
        Cashier {
            id: c.id,
            name: c.name,
            role: c.role,
            active: c.active,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ShopProfile {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub footer: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "SyncState"))]
pub struct SyncStatus {
    pub state: Connectivity,
    pub queue_len: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub last_sync_at: Option<DateTime<Utc>>,
}

impl From<&SyncState> for SyncStatus {
    fn from(s: &SyncState) -> SyncStatus {
        SyncStatus {
            state: s.state,
            queue_len: s.queue_len,
            last_sync_at: s.last_sync_at,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AppState {
    pub paired: bool,
    pub shop: Option<ShopProfile>,
    pub cashier: Option<Cashier>,
    pub sync: SyncStatus,
    pub has_owner: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Paired {
    pub shop_name: String,
}

/// The engine's product line is already the UI's `QuoteItem`.
pub use konter_client::catalog::QuoteItem;

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Quote {
    pub detected: Vec<Detected>,
    pub products: Vec<QuoteItem>,
    /// Empty when no catalogue was ever fetched.
    pub prices_as_of: String,
}

impl From<catalog::Quote> for Quote {
    fn from(q: catalog::Quote) -> Quote {
        Quote {
            detected: q.detected,
            products: q.products,
            prices_as_of: q.prices_as_of.map(|t| t.to_rfc3339()).unwrap_or_default(),
        }
    }
}

/// The engine's bill product and looked-up bill are the UI's `BillProduct` and
/// `BillInquiry`.
pub use konter_client::bills::{BillProduct, LocalBill as BillInquiry};

/// The server's answer is already the UI's `PlnInquiry`.
pub use v1::PlnInquiry;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct GameInquiry {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub nickname: Option<String>,
    pub available: bool,
}

impl From<v1::GameInquiry> for GameInquiry {
    fn from(g: v1::GameInquiry) -> GameInquiry {
        GameInquiry {
            nickname: g.nickname,
            available: g.available,
        }
    }
}

/// The engine's order is already the UI's `Order`.
pub use konter_client::sell::LocalOrder as Order;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct OrderHistoryEntry {
    pub status: OrderStatus,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct OrderDetail {
    #[serde(flatten)]
    pub order: Order,
    pub complaint_text: String,
    pub history: Vec<OrderHistoryEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Saldo {
    pub balance_idr: Rupiah,
    pub held_idr: Rupiah,
    pub local_held_idr: Rupiah,
    pub available_idr: Rupiah,
    /// Empty until the server first reported the saldo.
    pub as_of: String,
}

impl From<LocalSaldo> for Saldo {
    fn from(s: LocalSaldo) -> Saldo {
        Saldo {
            balance_idr: s.balance_idr,
            held_idr: s.held_idr,
            local_held_idr: s.local_held_idr,
            available_idr: s.available_idr,
            as_of: s.as_of.map(|t| t.to_rfc3339()).unwrap_or_default(),
        }
    }
}

/// The engine's saldo movement is the UI's `SaldoMovement`.
pub use konter_client::sell::SaldoEntry as SaldoMovement;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Deposit {
    pub id: String,
    pub amount_idr: Rupiah,
    pub status: v1::DepositStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub va_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub bank: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub qr_string: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub expires_at: Option<DateTime<Utc>>,
}

impl From<v1::Deposit> for Deposit {
    fn from(d: v1::Deposit) -> Deposit {
        Deposit {
            id: d.id.to_string(),
            amount_idr: d.amount_idr,
            status: d.status,
            va_number: d.va_number,
            bank: d.bank,
            qr_string: d.qr_string,
            expires_at: d.expires_at,
        }
    }
}

/// The engine's day report is the UI's `Report` (every hour filled in, categories named).
pub use konter_client::report::{DailyReport as Report, Row as ReportRow};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CsvExport {
    pub path: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ShiftClose {
    pub expected_idr: Rupiah,
    pub counted_idr: Rupiah,
    pub difference_idr: Rupiah,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PrinterKind {
    None,
    Tcp,
    Usb,
    Serial,
    File,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PrinterSettings {
    pub kind: PrinterKind,
    pub address: String,
    /// Characters a line; the engine refuses any other (`width_invalid`).
    #[cfg_attr(test, ts(type = "32 | 42 | 48"))]
    pub width: u16,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Settings {
    /// The engine refuses any other (`language_unknown`).
    #[cfg_attr(test, ts(type = "\"id\" | \"en\""))]
    pub language: String,
    pub auto_print: bool,
    pub printer: PrinterSettings,
    pub receipt_header: String,
    pub receipt_footer: String,
    pub shop_address: String,
    pub shop_phone: String,
    /// The shop's fee per bill kind; absent in a save leaves the fees as they are. The
    /// engine's answer always has every kind, and the UI always sends them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(type = "Record<BillKind, Rupiah>", optional = false))]
    pub bill_fees: Option<BTreeMap<BillKind, Rupiah>>,
    /// The owner's cap on any bill fee; present in every answer, like `bill_fees`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(type = "Rupiah", optional = false))]
    pub bill_fee_cap_idr: Option<Rupiah>,
    /// Whether receipts show the cash paid and the change; absent in a save leaves it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub show_cash_block: Option<bool>,
    /// Whether a success receipt opens the cash drawer; absent in a save leaves it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub kick_drawer: Option<bool>,
    /// The shop's zone in hours east of UTC — 7 WIB, 8 WITA, 9 WIT — for its day, its
    /// reports and its receipts; absent in a save leaves it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub utc_offset_h: Option<i32>,
}

/// The UI's scopes; the engine's default rule has no place in the UI's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, ts(rename = "RuleScope"))]
pub enum UiRuleScope {
    Category,
    Brand,
    Product,
}

impl From<UiRuleScope> for RuleScope {
    fn from(s: UiRuleScope) -> RuleScope {
        match s {
            UiRuleScope::Category => RuleScope::Category,
            UiRuleScope::Brand => RuleScope::Brand,
            UiRuleScope::Product => RuleScope::Product,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PriceRule {
    /// `scope:key`: the engine keeps one rule per scope and key.
    pub id: String,
    pub scope: UiRuleScope,
    pub key: String,
    pub markup: Markup,
    /// The engine refuses any other step (`rounding_invalid`).
    #[cfg_attr(test, ts(type = "1 | 100 | 500 | 1000"))]
    pub round_to: Rupiah,
}

impl PriceRule {
    pub fn id_of(scope: RuleScope, key: &str) -> String {
        konter_client::catalog::rule_id(scope, key)
    }

    /// The UI's view of an engine rule; `None` for the default rule.
    pub fn from_engine(r: SellingRule) -> Option<PriceRule> {
        let scope = match r.scope {
            RuleScope::Default => return None,
            RuleScope::Category => UiRuleScope::Category,
            RuleScope::Brand => UiRuleScope::Brand,
            RuleScope::Product => UiRuleScope::Product,
        };
        Some(PriceRule {
            id: PriceRule::id_of(r.scope, &r.key),
            scope,
            key: r.key,
            markup: r.markup,
            round_to: r.round_to,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PrintStatus {
    Queued,
    Printing,
    Done,
    Failed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PrintJob {
    pub order_id: String,
    pub status: PrintStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub error: Option<String>,
}

/// A background job's attempt: printed, or failed (it stays queued for the next round).
impl From<konter_client::print::PrintJob> for PrintJob {
    fn from(job: konter_client::print::PrintJob) -> PrintJob {
        let status = if job.status == "done" {
            PrintStatus::Done
        } else {
            PrintStatus::Failed
        };
        PrintJob {
            order_id: job.order_id,
            status,
            error: job.last_error,
        }
    }
}

/// `ui/src/lib/wire.gen.ts` is written from the types above: the UI's view of every shape
/// that crosses IPC comes from here, never by hand. A change to a type that is not carried
/// to the file fails this test; `KONTER_WRITE_TYPES=1 cargo test -p konter-app wire` writes it.
#[cfg(test)]
mod typescript {
    use std::collections::BTreeMap;

    use ts_rs::{Config, TS, TypeVisitor};

    const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/lib/wire.gen.ts");

    /// Every declared type reachable from the visited ones, by name.
    struct Declarations {
        cfg: Config,
        found: BTreeMap<String, String>,
    }

    impl TypeVisitor for Declarations {
        fn visit<T: TS + 'static + ?Sized>(&mut self) {
            if T::output_path().is_none() {
                return; // a primitive or a container of others
            }
            let name = T::ident(&self.cfg);
            if self.found.contains_key(&name) {
                return;
            }
            let docs = T::docs().unwrap_or_default();
            let decl = format!("{docs}export {}\n", T::decl(&self.cfg));
            self.found.insert(name, decl);
            T::visit_dependencies(self);
        }
    }

    fn generated() -> String {
        let mut d = Declarations {
            // Amounts are whole rupiah, far below 2^53: a JSON number, not a bigint.
            cfg: Config::default().with_large_int("number"),
            found: BTreeMap::new(),
        };
        d.visit::<super::AppState>();
        d.visit::<super::Paired>();
        d.visit::<super::Quote>();
        d.visit::<super::BillProduct>();
        d.visit::<super::BillInquiry>();
        d.visit::<super::PlnInquiry>();
        d.visit::<super::GameInquiry>();
        d.visit::<super::Order>();
        d.visit::<super::OrderDetail>();
        d.visit::<super::Saldo>();
        d.visit::<super::SaldoMovement>();
        d.visit::<super::Deposit>();
        d.visit::<super::Report>();
        d.visit::<super::CsvExport>();
        d.visit::<super::ShiftClose>();
        d.visit::<super::Settings>();
        d.visit::<super::PriceRule>();
        d.visit::<super::PrintJob>();
        d.visit::<super::Backups>();
        d.visit::<crate::error::CommandError>();
        let mut out = String::from(
            "// Generated from src-tauri/src/wire.rs (and the engine types it names) by\n\
             // `KONTER_WRITE_TYPES=1 cargo test -p konter-app wire`. Do not edit by hand.\n\n",
        );
        for decl in d.found.values() {
            out.push_str(decl);
            out.push('\n');
        }
        // The codes a command can be refused with (konter_domain::codes); a server's code the
        // device passes on may be another.
        let codes: Vec<String> = konter_domain::codes::ALL
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect();
        out.push_str(&format!(
            "/**\n * Every code the engine and the app refuse a command with.\n */\nexport type ErrorCode = {};\n",
            codes.join(" | ")
        ));
        out
    }

    #[test]
    fn the_ui_types_are_generated_from_the_wire_types() {
        let fresh = generated();
        if std::env::var_os("KONTER_WRITE_TYPES").is_some() {
            std::fs::write(PATH, &fresh).expect("write wire.gen.ts");
        }
        let written = std::fs::read_to_string(PATH).unwrap_or_default();
        assert!(
            written == fresh,
            "ui/src/lib/wire.gen.ts is not what the wire types say; run \
             KONTER_WRITE_TYPES=1 cargo test -p konter-app wire"
        );
    }
}
