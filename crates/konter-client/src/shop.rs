//! The shop-wide settings on this counter (docs/owners.md, "Shop-wide settings"): the
//! price rules, bill fees, receipt texts, address, phone and zone the server keeps for the
//! whole shop. The server's version arrives through the change feed and replaces the local
//! one whole; an owner's edit here is kept locally at once (the counter sells with it) and
//! marked to send, and sync sends it to the server, which gives it to every other counter.
//! Rows only, like `orders.rs`.

use konter_domain::bill::ShopFees;
use konter_domain::catalogue::SellingRule;
use konter_domain::shop::ShopSettings;
use rusqlite::{Connection, params};

use crate::db;
use crate::error::{EngineError, EngineResult};

/// Settings keys that are the shop's, not this counter's.
pub const SHARED_KEYS: [&str; 5] = [
    "receipt_header",
    "receipt_footer",
    "shop_address",
    "shop_phone",
    "utc_offset_h",
];

/// The setting that holds the shop's bill fees (JSON of [`ShopFees`]).
pub(crate) const FEES_SETTING: &str = "bill_fees";
const VERSION: &str = "shop_settings_version";
/// Counts the owner's edits here; sending clears it only if no edit came meanwhile.
const EDITS: &str = "shop_settings_edits";

/// Notes an owner's edit of a shop-wide setting (in the edit's transaction).
pub(crate) fn edited(conn: &Connection) -> EngineResult<()> {
    let n = edits(conn)?;
    db::set_setting(conn, EDITS, &(n + 1).to_string())
}

/// The owner's edits not yet sent (0: nothing to send).
pub(crate) fn edits(conn: &Connection) -> EngineResult<i64> {
    Ok(db::setting(conn, EDITS)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// The owner's selling-price rules.
pub(crate) fn rules(conn: &Connection) -> EngineResult<Vec<SellingRule>> {
    let mut stmt = conn.prepare_cached("SELECT rule FROM price_rules")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.map(|r| {
        serde_json::from_str(&r?).map_err(|e| EngineError::Corrupt(format!("price rule: {e}")))
    })
    .collect()
}

/// Adds a selling-price rule, or replaces the one of its scope and key.
pub(crate) fn put_rule(conn: &Connection, rule: &SellingRule) -> EngineResult<()> {
    let text = serde_json::to_string(rule).map_err(|e| EngineError::Corrupt(e.to_string()))?;
    conn.execute(
        "INSERT INTO price_rules (id, scope, key, rule) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (scope, key) DO UPDATE SET rule = excluded.rule",
        params![
            uuid::Uuid::now_v7().to_string(),
            rule.scope.code(),
            rule.key,
            text
        ],
    )?;
    Ok(())
}

/// The shop-wide settings as this counter has them, with the server version they start
/// from.
pub(crate) fn local(conn: &Connection) -> EngineResult<ShopSettings> {
    let text =
        |key: &str| -> EngineResult<String> { Ok(db::setting(conn, key)?.unwrap_or_default()) };
    let bill_fees = match db::setting(conn, FEES_SETTING)? {
        Some(t) => {
            serde_json::from_str(&t).map_err(|e| EngineError::Corrupt(format!("bill fees: {e}")))?
        }
        None => ShopFees::default(),
    };
    let mut price_rules = rules(conn)?;
    price_rules.sort_by(|a, b| (a.scope, &a.key).cmp(&(b.scope, &b.key)));
    Ok(ShopSettings {
        version: db::setting(conn, VERSION)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
        price_rules,
        bill_fees,
        receipt_header: text("receipt_header")?,
        receipt_footer: text("receipt_footer")?,
        shop_address: text("shop_address")?,
        shop_phone: text("shop_phone")?,
        utc_offset_h: i8::try_from(db::shop_offset(conn)?.local_minus_utc() / 3600)
            .map_err(|_| EngineError::Corrupt("utc offset".into()))?,
    })
}

/// Applies the server's settings whole (in the feed's transaction): they replace this
/// counter's, including an edit not yet sent (the server's are newer). An older version
/// than the one held changes nothing.
pub(crate) fn apply(conn: &Connection, s: &ShopSettings) -> EngineResult<()> {
    let held: i64 = db::setting(conn, VERSION)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if s.version <= held {
        return Ok(());
    }
    conn.execute("DELETE FROM price_rules", [])?;
    for rule in &s.price_rules {
        put_rule(conn, rule)?;
    }
    let fees =
        serde_json::to_string(&s.bill_fees).map_err(|e| EngineError::Corrupt(e.to_string()))?;
    db::set_setting(conn, FEES_SETTING, &fees)?;
    for (key, value) in [
        ("receipt_header", s.receipt_header.clone()),
        ("receipt_footer", s.receipt_footer.clone()),
        ("shop_address", s.shop_address.clone()),
        ("shop_phone", s.shop_phone.clone()),
        ("utc_offset_h", s.utc_offset_h.to_string()),
    ] {
        db::set_setting(conn, key, &value)?;
    }
    db::set_setting(conn, VERSION, &s.version.to_string())?;
    db::set_setting(conn, EDITS, "0")
}

/// After the server took this counter's edits (made from `sent_edits` edits): its version
/// is held, and the edits count is cleared unless another edit came meanwhile.
pub(crate) fn sent(conn: &Connection, saved: &ShopSettings, sent_edits: i64) -> EngineResult<()> {
    db::set_setting(conn, VERSION, &saved.version.to_string())?;
    if edits(conn)? == sent_edits {
        db::set_setting(conn, EDITS, "0")?;
    }
    Ok(())
}
