//! The shell through its IPC, as the UI calls it: real commands on Tauri's mock runtime
//! (no display), a real engine on a temp directory, and for pairing a small stand-in for
//! konter-server on a local port that answers the few endpoints pairing and selling use.

mod support;

use chrono::Utc;
use konter_domain::api::v1::{Catalog, CatalogItem};
use konter_domain::catalogue::{Category, Product, Sku};
use konter_domain::money::Rupiah;
use konter_domain::phone::Operator;
use konter_domain::target::InputSchema;
use serde_json::{Value, json};
use support::{Orders, StandIn, counter, stand_in_server};

#[test]
fn a_fresh_data_dir_starts_unpaired_without_an_owner() {
    let c = counter();
    let s = c.ok("app_state", json!({}));
    assert_eq!(s["paired"], false);
    assert_eq!(s["shop"], Value::Null);
    assert_eq!(s["cashier"], Value::Null);
    assert_eq!(s["has_owner"], false);
    assert_eq!(s["sync"]["state"], "offline");
    assert_eq!(s["sync"]["queue_len"], 0);
    assert!(
        s["sync"].get("last_sync_at").is_none(),
        "a device that never synced has no last sync time: {s}"
    );
}

#[test]
fn the_owner_is_set_up_once_and_logs_in_with_the_pin() {
    let c = counter();
    c.ok("setup_owner", json!({"name": "Bu Sri", "pin": "123456"}));
    assert_eq!(c.ok("app_state", json!({}))["has_owner"], true);
    let again = c.err("setup_owner", json!({"name": "Lain", "pin": "654321"}));
    assert_eq!(again["code"], "owner_exists");

    let me = c.ok("login", json!({"pin": "123456"}));
    assert_eq!(me["name"], "Bu Sri");
    assert_eq!(me["role"], "owner");
    let s = c.ok("app_state", json!({}));
    assert_eq!(s["cashier"]["id"], me["id"]);

    c.ok("logout", json!({}));
    assert_eq!(c.ok("app_state", json!({}))["cashier"], Value::Null);
}

#[test]
fn a_bad_pin_is_refused_with_the_ui_error_shape() {
    let c = counter();
    let bad = c.err("setup_owner", json!({"name": "Bu Sri", "pin": "12a4"}));
    assert_eq!(bad["code"], "pin_invalid");
    assert_eq!(bad["field"], "pin");
    let message = bad["message"].as_str().expect("message text");
    assert!(
        message.contains(" / "),
        "Bahasa Indonesia first, then English: {message}"
    );

    c.ok("setup_owner", json!({"name": "Bu Sri", "pin": "123456"}));
    let wrong = c.err("login", json!({"pin": "000000"}));
    assert_eq!(wrong["code"], "pin_wrong");
    assert_eq!(wrong["field"], "pin");
    assert_eq!(c.ok("app_state", json!({}))["cashier"], Value::Null);
}

#[test]
fn selling_needs_a_login_and_an_unpaired_device_says_so() {
    let c = counter();
    let e = c.err("quote", json!({"input": "0812-3456-7890"}));
    assert_eq!(e["code"], "not_logged_in");
    c.owner_logged_in();
    let q = c.ok("quote", json!({"input": "0812-3456-7890"}));
    assert_eq!(
        q["detected"],
        json!([{"kind": "phone", "number": "081234567890", "operator": "telkomsel"}])
    );
    assert_eq!(q["products"], json!([]), "no catalogue before pairing");
    assert_eq!(q["prices_as_of"], "");
    let e = c.err("pln_inquiry", json!({"target": "12345678901"}));
    assert_eq!(e["code"], "not_paired");
    let e = c.err("pln_inquiry", json!({"target": "123"}));
    assert_eq!(
        e["field"], "target",
        "a malformed number is refused here: {e}"
    );
    let e = c.err(
        "place_order",
        json!({"sku": "tsel10", "target": "081234567890"}),
    );
    assert_eq!(e["field"], "sku");
}

#[test]
fn settings_round_trip_and_bad_ones_change_nothing() {
    let c = counter();
    let before = c.ok("settings", json!({}));
    assert_eq!(before["language"], "id");
    assert_eq!(before["printer"]["kind"], "none");

    let wanted = json!({
        "language": "en",
        "auto_print": true,
        "printer": {"kind": "tcp", "address": "192.168.1.50:9100", "width": 42},
        "receipt_header": "",
        "receipt_footer": "Terima kasih",
        "shop_address": "Jl. Margonda 1, Depok",
        "shop_phone": "0812-1111-2222",
        "bill_fees": {"pln_pasca": 3000, "bpjs": 2000, "pdam": 2500, "internet": 2500, "multifinance": 5000},
        "bill_fee_cap_idr": 7500,
        "show_cash_block": false,
        "kick_drawer": true,
        "utc_offset_h": 8,
    });
    // Before the owner exists, the first-run setup saves the profile without a login.
    c.ok("save_settings", json!({"settings": wanted}));
    assert_eq!(c.ok("settings", json!({})), wanted);

    let mut bad = wanted.clone();
    bad["printer"]["address"] = json!("not a printer");
    bad["shop_phone"] = json!("0000");
    let e = c.err("save_settings", json!({"settings": bad}));
    assert_eq!(e["field"], "printer.address");
    assert_eq!(
        c.ok("settings", json!({})),
        wanted,
        "a refused form changes nothing"
    );

    let mut east = wanted.clone();
    east["utc_offset_h"] = json!(10);
    let e = c.err("save_settings", json!({"settings": east}));
    assert_eq!(e["field"], "utc_offset_h");
    assert_eq!(c.ok("settings", json!({})), wanted);

    // The engine's codes, under the form's names for the fields.
    for (field, value, code, named) in [
        (
            "receipt_header",
            json!("TOKO\nSRI"),
            "one_line",
            "receipt_header",
        ),
        (
            "receipt_footer",
            json!("x".repeat(201)),
            "too_long",
            "receipt_footer",
        ),
        ("utc_offset_h", json!(6), "zone_unknown", "utc_offset_h"),
    ] {
        let mut wrong = wanted.clone();
        wrong[field] = value;
        let e = c.err("save_settings", json!({"settings": wrong}));
        assert_eq!((&e["code"], &e["field"]), (&json!(code), &json!(named)));
    }
    let mut wide = wanted.clone();
    wide["printer"]["width"] = json!(40);
    let e = c.err("save_settings", json!({"settings": wide}));
    assert_eq!(
        (&e["code"], &e["field"]),
        (&json!("width_invalid"), &json!("printer.width"))
    );
    assert_eq!(
        c.ok("settings", json!({})),
        wanted,
        "refusals change nothing"
    );

    // The owner's own receipt header; the shop's name again once it is cleared.
    let mut named = wanted.clone();
    named["receipt_header"] = json!("PONSEL BU SRI");
    c.ok("save_settings", json!({"settings": named}));
    assert_eq!(c.ok("settings", json!({})), named);
    c.ok("save_settings", json!({"settings": wanted}));
    assert_eq!(c.ok("settings", json!({}))["receipt_header"], "");

    let mut greedy = wanted.clone();
    greedy["bill_fees"]["bpjs"] = json!(8000);
    let e = c.err("save_settings", json!({"settings": greedy}));
    assert_eq!(
        (&e["code"], &e["field"]),
        (&json!("bill_fee_above_cap"), &json!("bill_fees.bpjs"))
    );
    assert_eq!(
        c.ok("settings", json!({})),
        wanted,
        "a fee above the cap saves nothing"
    );

    let mut off = wanted.clone();
    off["printer"]["kind"] = json!("none");
    c.ok("save_settings", json!({"settings": off}));
    assert_eq!(c.ok("settings", json!({}))["printer"]["kind"], "none");

    // Once the owner exists, only the owner may change settings.
    c.ok("setup_owner", json!({"name": "Bu Sri", "pin": "123456"}));
    let e = c.err("save_settings", json!({"settings": wanted}));
    assert_eq!(e["code"], "not_logged_in");
}

#[test]
fn price_rules_round_trip() {
    let c = counter();
    c.owner_logged_in();
    let rule = json!({
        "id": "", "scope": "brand", "key": "DANA",
        "markup": {"kind": "percent", "percent": "2.5"}, "round_to": 500,
    });
    let saved = c.ok("save_price_rule", json!({"rule": rule}));
    assert_eq!(saved["id"], "brand:DANA");
    assert_eq!(c.ok("price_rules", json!({})), json!([saved]));
    let bad = json!({
        "id": "", "scope": "category", "key": "pulsa",
        "markup": {"kind": "fixed", "idr": 1000}, "round_to": 250,
    });
    assert_eq!(
        c.err("save_price_rule", json!({"rule": bad}))["field"],
        "round_to"
    );
    // An edit that changes the key replaces the old rule.
    let mut moved = saved.clone();
    moved["key"] = json!("OVO");
    let moved = c.ok("save_price_rule", json!({"rule": moved}));
    assert_eq!(moved["id"], "brand:OVO");
    assert_eq!(c.ok("price_rules", json!({})), json!([moved]));
    let e = c.err("delete_price_rule", json!({"id": "DANA"}));
    assert_eq!(
        (&e["code"], &e["field"]),
        (&json!("rule_unknown"), &json!("id"))
    );
    c.ok("delete_price_rule", json!({"id": "brand:OVO"}));
    assert_eq!(c.ok("price_rules", json!({})), json!([]));
}

// --- a paired counter -------------------------------------------------------------------

const PAIRING_CODE: &str = "ABCD2345";

fn catalogue() -> Catalog {
    let item = |sku: &str, name: &str, nominal: i64, cost: i64| CatalogItem {
        product: Product {
            sku: Sku::parse(sku).expect("sku"),
            name: name.into(),
            category: Category::Pulsa,
            brand: "TELKOMSEL".into(),
            operator: Some(Operator::Telkomsel),
            nominal_idr: Some(Rupiah::from_idr(nominal)),
            input: InputSchema::Phone,
            active: true,
        },
        price_idr: Rupiah::from_idr(cost),
        cut_off: None,
    };
    Catalog {
        items: vec![
            item("tsel10", "Telkomsel 10.000", 10_000, 10_100),
            item("tsel20", "Telkomsel 20.000", 20_000, 19_950),
        ],
        as_of: Utc::now(),
    }
}

fn stand_in() -> String {
    stand_in_server(StandIn {
        pairing_code: PAIRING_CODE.into(),
        shop_name: "KONTER MAJU JAYA".into(),
        saldo_idr: 500_000,
        catalogue: serde_json::to_value(catalogue()).expect("catalogue JSON"),
        orders: Orders::Down,
    })
}

#[test]
fn a_paired_counter_quotes_from_its_catalogue_and_queues_a_sale() {
    let server = stand_in();
    let c = counter();
    let refused = c.err(
        "pair",
        json!({"serverUrl": server, "code": "WXYZ9999", "deviceName": "Kasir 1"}),
    );
    assert_eq!(refused["code"], "pairing_code_invalid");
    assert_eq!(refused["field"], "code");

    let paired = c.ok(
        "pair",
        json!({"serverUrl": server, "code": PAIRING_CODE, "deviceName": "Kasir 1"}),
    );
    assert_eq!(paired, json!({"shop_name": "KONTER MAJU JAYA"}));
    let s = c.ok("app_state", json!({}));
    assert_eq!(s["paired"], true);
    assert_eq!(s["shop"]["name"], "KONTER MAJU JAYA");
    assert!(
        !s.to_string().contains("kt_test_secret"),
        "the device token never reaches the UI"
    );

    c.owner_logged_in();
    let q = c.ok("quote", json!({"input": "0812-3456-7890"}));
    let products = q["products"].as_array().expect("products");
    assert_eq!(products.len(), 2);
    // The default selling rule: Rp2.000 on the saldo price, rounded up to Rp500.
    assert_eq!(products[0]["sku"], "tsel10");
    assert_eq!(products[0]["cost_idr"], 10_100);
    assert_eq!(products[0]["price_idr"], 12_500);
    assert_eq!(products[0]["profit_idr"], 2_400);
    assert_eq!(products[0]["operator"], "telkomsel");
    assert_eq!(products[0]["available"], true);
    assert_ne!(q["prices_as_of"], "");

    let order = c.ok(
        "place_order",
        json!({"sku": "tsel10", "target": "0812-3456-7890", "cashIdr": 20_000}),
    );
    assert_eq!(order["status"], "queued");
    assert_eq!(order["price_idr"], 12_500);
    assert_eq!(order["change_idr"], 7_500);
    assert_eq!(order["cashier_name"], "Bu Sri");
    let again = c.err(
        "place_order",
        json!({"sku": "tsel10", "target": "081234567890"}),
    );
    assert_eq!(again["code"], "repeat_sale");
    let short = c.err(
        "place_order",
        json!({"sku": "tsel20", "target": "081234567890", "cashIdr": 100}),
    );
    assert_eq!(short["field"], "cash_idr");

    let list = c.ok("orders", json!({"query": "3456"}));
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let detail = c.ok("order_detail", json!({"id": order["id"]}));
    assert_eq!(detail["history"][0]["status"], "queued");
    assert!(
        detail["complaint_text"]
            .as_str()
            .is_some_and(|t| t.contains("081234567890"))
    );

    let e = c.err("pln_inquiry", json!({"target": "12345678901"}));
    assert_eq!(e["code"], "not_available");
    assert_eq!(e["field"], "target");

    let report = c.ok("report", json!({}));
    assert_eq!(report["pending_count"], 1);
    assert_eq!(report["hourly"].as_array().map(Vec::len), Some(24));

    // The server stays down for a day: the queued sales wait for a cashier.
    let other = c.ok(
        "place_order",
        json!({"sku": "tsel20", "target": "0813-1111-2222", "cashIdr": 50_000}),
    );
    assert_eq!(c.ok("stale_orders", json!({})), json!([]));
    // Each sale went out once at once and got a 503: the server may have it, so it is sent
    // again on its own however old. Make them a day old and never sent, as on a counter
    // whose line was down.
    let db = rusqlite::Connection::open(c.dir.path().join("konter.db")).expect("device db");
    let sent_once = |db: &rusqlite::Connection| -> i64 {
        db.query_row("SELECT COUNT(*) FROM outbox WHERE attempts > 0", [], |r| {
            r.get(0)
        })
        .expect("outbox")
    };
    for _ in 0..100 {
        if sent_once(&db) == 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(sent_once(&db), 2, "both sales were sent once");
    assert_eq!(c.ok("stale_orders", json!({})), json!([]));
    db.execute(
        "UPDATE outbox SET created_at = created_at - 25 * 3600000",
        [],
    )
    .expect("age the queue");
    assert_eq!(
        c.ok("stale_orders", json!({})),
        json!([]),
        "an order the server may have is never the cashier's to cancel"
    );
    let e = c.err("cancel_queued_order", json!({"id": other["id"]}));
    assert_eq!(e["code"], "already_sent");
    db.execute("UPDATE outbox SET attempts = 0", [])
        .expect("never sent");
    let stale = c.ok("stale_orders", json!({}));
    assert_eq!(stale.as_array().map(Vec::len), Some(2));
    let sent = c.ok("reconfirm_order", json!({"id": order["id"]}));
    assert_eq!(sent["status"], "queued");
    let cancelled = c.ok("cancel_queued_order", json!({"id": other["id"]}));
    assert_eq!(cancelled["status"], "failed");
    assert_eq!(cancelled["failure"]["code"], "cancelled");
    assert_eq!(c.ok("stale_orders", json!({})), json!([]));
    let twice = c.err("cancel_queued_order", json!({"id": other["id"]}));
    assert_eq!(twice["code"], "not_queued");
}

#[test]
fn the_owner_sees_the_daily_copies_and_chooses_one_for_the_next_start() {
    let c = counter();
    assert_eq!(c.err("backups", json!({}))["code"], "not_logged_in");
    c.owner_logged_in();
    let none = c.ok("backups", json!({}));
    assert_eq!(none["copies"], json!([]));
    assert!(none.get("pending_day").is_none(), "{none}");
    // The sync loop takes the day's copy; here a second handle on the same store does.
    let engine = konter_client::Engine::open(
        c.dir.path(),
        Box::new(konter_client::token::MemoryStore::default()),
    )
    .expect("engine");
    engine.daily_backup().expect("copy").expect("a new copy");
    let listed = c.ok("backups", json!({}));
    let day = listed["copies"][0]["day"].as_str().expect("day").to_owned();
    assert!(
        listed["copies"][0]["size_kb"]
            .as_u64()
            .is_some_and(|k| k > 0),
        "{listed}"
    );
    let missing = c.err("restore_backup", json!({"day": "2020-01-01"}));
    assert_eq!(
        (missing["code"].as_str(), missing["field"].as_str()),
        (Some("not_found"), Some("day"))
    );
    assert!(
        c.ok("backups", json!({})).get("pending_day").is_none(),
        "a refusal chooses nothing"
    );
    let chosen = c.ok("restore_backup", json!({"day": day}));
    assert_eq!(chosen["pending_day"], json!(day));

    c.ok(
        "create_cashier",
        json!({"name": "Sri", "role": "cashier", "pin": "222333"}),
    );
    c.ok("logout", json!({}));
    c.ok("login", json!({"pin": "222333"}));
    assert_eq!(c.err("backups", json!({}))["code"], "owner_only");
    assert_eq!(
        c.err("restore_backup", json!({"day": day}))["code"],
        "owner_only"
    );
}
