//! Selling: online to success with the SN, refusals giving the money back, selling prices.

use std::str::FromStr;

use chrono::Utc;
use konter_client::sell::Sale;
use konter_domain::catalogue::Markup;
use konter_domain::order::OrderStatus;
use konter_server::store::{Store, SupplierProduct};
use serde_json::json;

use crate::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sales_through_the_sandbox_converge_with_sn_or_reason_and_balanced_books() {
    let server = Server::start_fulfilling().await;
    let (_dir, engine) = paired(&server).await;
    // Last digits: 0 success, 3 pending then success, 4 pending then failed, 6 wrong number.
    let targets = [
        "081234567890",
        "081234567893",
        "081234567894",
        "081234567896",
    ];
    let ids: Vec<String> = targets
        .iter()
        .map(|t| engine.place_order(&sale(t)).expect("sell").id.to_string())
        .collect();
    let done = sync_until_settled(&engine, &ids).await;
    let by_target = |t: &str| done.iter().find(|o| o.target == t).expect("order");
    for t in ["081234567890", "081234567893"] {
        let o = by_target(t);
        assert_eq!(o.status, OrderStatus::Success, "{t}");
        assert!(
            o.sn.as_deref().is_some_and(|s| !s.is_empty()),
            "{t} has its SN"
        );
    }
    for (t, code) in [
        ("081234567894", "supplier_failed"),
        ("081234567896", "wrong_number"),
    ] {
        let o = by_target(t);
        assert_eq!(o.status, OrderStatus::Failed, "{t}");
        assert_eq!(
            o.failure.as_ref().map(|f| f.code.as_str()),
            Some(code),
            "{t}"
        );
    }
    // Inquiries go through the server to the supplier.
    let pln = engine
        .pln_inquiry("12345678900")
        .await
        .expect("PLN inquiry");
    assert!(!pln.name.is_empty(), "{pln:?}");
    assert!(
        engine.pln_inquiry("123").await.is_err(),
        "a bad number is refused"
    );
    let game = engine
        .game_inquiry(konter_domain::game::Game::MobileLegends, "156378300|8483")
        .await
        .expect("game inquiry");
    assert!(
        !game.available && game.nickname.is_none(),
        "only IAK offers the nickname check, and this server has Digiflazz alone: {game:?}"
    );
    // Two successes at the server's price; the failed ones' holds are back.
    let charged: i64 = ["081234567890", "081234567893"]
        .iter()
        .map(|t| by_target(t).cost_idr.idr())
        .sum();
    assert!(charged >= 2 * 10_500, "{charged}");
    let saldo = engine.saldo().expect("saldo");
    assert_eq!(saldo.available_idr, rp(300_000 - charged));
    assert_eq!(saldo.local_held_idr, rp(0));
    assert_device_books(&engine);
    server.assert_books().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_online_sale_reaches_success_with_its_sn() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().expect("dir");
    let engine = open(dir.path());
    let code = server.pairing_code().await;
    engine
        .pair(&server.url(), &code, "Kasir 1")
        .await
        .expect("pair");
    let db_text = std::fs::read(dir.path().join("konter.db")).expect("db");
    assert!(
        !String::from_utf8_lossy(&db_text).contains(&token(dir.path())),
        "the token is never in the database"
    );

    let quote = engine.quote("0812-3456-7890").expect("quote");
    assert_eq!(
        quote.products.first().map(|p| p.sku.as_str()),
        Some("tsel10"),
        "pulsa before data, whatever the price: Enter, Enter sells pulsa"
    );
    let item = quote
        .products
        .iter()
        .find(|p| p.sku == "tsel10")
        .expect("tsel10 offered");
    // Server: 10.150 + 350 = 10.500 for the shop; owner's default: + 2.000, up to Rp500.
    assert_eq!(
        (item.cost_idr, item.price_idr, item.profit_idr),
        (rp(10_500), rp(12_500), rp(2_000))
    );

    let order = engine
        .place_order(&Sale {
            cash: Some(rp(20_000)),
            ..sale("+62 812 3456 7890")
        })
        .expect("sell");
    assert_eq!(order.status, OrderStatus::Queued);
    assert_eq!((order.price_idr, order.change_idr), (rp(12_500), rp(7_500)));
    let report = engine.sync_once(0).await.expect("sync");
    assert_eq!(report.sent, 1);
    assert_eq!(
        engine
            .order(&order.id.to_string())
            .expect("read")
            .expect("order")
            .status,
        OrderStatus::Accepted
    );

    server
        .settle(
            &token(dir.path()),
            &order.id.to_string(),
            json!({"outcome": "success", "sn": "41002315042959"}),
        )
        .await;
    engine.sync_once(0).await.expect("sync");
    let done = engine
        .order(&order.id.to_string())
        .expect("read")
        .expect("order");
    assert_eq!(
        (done.status, done.sn.as_deref()),
        (OrderStatus::Success, Some("41002315042959"))
    );
    let saldo = engine.saldo().expect("saldo");
    assert_eq!(saldo.available_idr, rp(300_000 - 10_500));
    let day = engine
        .daily_report(engine.today().expect("today"))
        .expect("report");
    assert_eq!(
        (day.count, day.omzet_idr, day.modal_idr, day.laba_idr),
        (1, rp(12_500), rp(10_500), rp(2_000))
    );
    assert_device_books(&engine);
    server.assert_books().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_fail_the_order_and_give_the_money_back() {
    let server = Server::start().await;
    let (_dir, engine) = paired(&server).await;
    engine.sync_once(0).await.expect("sync");
    // A cashier mistake the engine catches before anything is stored.
    for (s, field) in [
        (sale("0812"), "target"),
        (sale("081712345678"), "target"),
        (
            Sale {
                sku: "nope".into(),
                ..sale("081234567890")
            },
            "sku",
        ),
        (
            Sale {
                cash: Some(rp(5_000)),
                ..sale("081234567890")
            },
            "cash_idr",
        ),
    ] {
        let err = engine.place_order(&s).expect_err("refused");
        assert_eq!(err.to_ui().field.as_deref(), Some(field), "{err}");
    }
    assert!(
        engine.orders(10).expect("orders").is_empty(),
        "refused sales store nothing"
    );
    let first = engine
        .place_order(&sale("081234567890"))
        .expect("first sale");
    let repeat = engine
        .place_order(&sale("081234567890"))
        .expect_err("isi ke-2 needs confirming");
    assert_eq!(repeat.to_ui().code, "repeat_sale");
    engine
        .place_order(&Sale {
            confirm_repeat: true,
            ..sale("081234567890")
        })
        .expect("confirmed isi ke-2");

    // The supplier cost rises before the order reaches the server: "harga berubah".
    let offer = SupplierProduct {
        sku: "tsel10".into(),
        supplier: "digiflazz".into(),
        supplier_sku: "tsel10".into(),
        cost: rp(11_000),
        priority: 1,
        active: true,
    };
    server
        .app
        .store
        .upsert_supplier_product(&offer, Utc::now())
        .await
        .expect("price up");
    server.app.catalogue.invalidate().await;
    let report = engine.sync_once(0).await.expect("sync");
    assert_eq!(report.rejected, 2);
    let failed = engine
        .order(&first.id.to_string())
        .expect("read")
        .expect("order");
    assert_eq!(failed.status, OrderStatus::Failed);
    assert_eq!(
        failed.failure.as_ref().map(|f| f.code.as_str()),
        Some("price_changed")
    );
    let day = engine
        .daily_report(engine.today().expect("today"))
        .expect("report");
    assert_eq!(
        (day.failed_count, day.cash_expected_idr),
        (2, rp(0)),
        "the cash went back to the customers"
    );
    assert_eq!(
        engine.saldo().expect("saldo").available_idr,
        rp(300_000),
        "no hold remains"
    );
    assert_device_books(&engine);
}

#[test]
fn prices_follow_the_most_specific_rule() {
    let dir = tempfile::tempdir().expect("dir");
    let engine = open(dir.path());
    engine
        .save_price_rule(&konter_client::catalog::SellingRule {
            scope: konter_client::catalog::RuleScope::Category,
            key: "pulsa".into(),
            markup: Markup::Percent {
                percent: rust_decimal::Decimal::from_str("10").expect("dec"),
            },
            round_to: rp(1_000),
        })
        .expect("rule");
    let bad = engine.save_price_rule(&konter_client::catalog::SellingRule {
        scope: konter_client::catalog::RuleScope::Brand,
        key: "TELKOMSEL".into(),
        markup: Markup::Fixed { idr: rp(1_000) },
        round_to: rp(250),
    });
    assert_eq!(
        bad.expect_err("bad rounding").to_ui().field.as_deref(),
        Some("round_to")
    );
    assert_eq!(engine.price_rules().expect("rules").len(), 1);
}
