//! Fulfilment end to end: a server on a socket with its workers, konter-sandbox's Digiflazz
//! and IAK on another, webhooks flowing back. Each test checks the order, the saldo, the
//! sandbox's request log (what was bought, how often) and the ledger audit.

use std::time::Duration;

use chrono::Utc;
use konter_domain::ids::OrderId;
use konter_domain::order::OrderStatus;
use konter_server::config::Secret;
use konter_server::store::{Store, SupplierProduct};
use serde_json::{Value, json};

use konter_tests::rig::{PENDING_DELAY_MS, rig, rig_with};
use konter_tests::{rp, sqlite};

/// The ref_id prefix of an order's attempts.
fn refs(id: OrderId) -> String {
    let r = konter_server::suppliers::ref_id(id, 1);
    r[..r.len() - 1].to_owned()
}

#[tokio::test]
async fn success_posts_the_hold_and_buys_once() {
    let (store, _dir) = sqlite().await;
    let rig = rig(store, "F1").await;
    let before = rig.saldo_available().await;
    let placed = rig.order("tsel10", "081234567890", 20_000).await;
    let done = rig.wait_for(placed.id, OrderStatus::Success).await;
    assert!(
        done.sn.as_deref().is_some_and(|s| !s.is_empty()),
        "SN stored"
    );
    assert_eq!(rig.saldo_available().await, before - placed.price_idr.idr());
    let bought = rig.purchases(&refs(placed.id)).await;
    assert_eq!(bought.len(), 1, "one purchase request: {bought:?}");
    assert!(bought[0].0.ends_with("/v1/transaction"), "priority 1 first");
    let calls = rig.app.store.calls(placed.id).await.expect("calls");
    assert_eq!(calls.len(), 1);
    assert!(
        !calls[0].request.contains("sign"),
        "no signature in the audit trail"
    );
    assert!(
        !calls[0]
            .request
            .contains(konter_sandbox::digiflazz::DEFAULT_USERNAME)
    );
    rig.audit_clean().await;
}

#[tokio::test]
async fn pln_success_keeps_the_token() {
    let (store, _dir) = sqlite().await;
    let rig = rig(store, "F2").await;
    let placed = rig.order("pln20", "12345678900", 30_000).await;
    let done = rig.wait_for(placed.id, OrderStatus::Success).await;
    let token = done.pln_token.expect("token parsed from the SN");
    assert_eq!(token.len(), 24, "20 digits in groups of four: {token}");
    rig.audit_clean().await;
}

#[tokio::test]
async fn pending_then_webhook_success_and_pending_then_failure_releases_the_hold() {
    let (store, _dir) = sqlite().await;
    let rig = rig(store, "F3").await;
    let before = rig.saldo_available().await;
    let ok = rig.order("tsel10", "081234567893", 20_000).await;
    let bad = rig.order("tsel10", "081234567894", 20_000).await;
    rig.wait_for(ok.id, OrderStatus::Pending).await;
    let ok = rig.wait_for(ok.id, OrderStatus::Success).await;
    let bad = rig.wait_for(bad.id, OrderStatus::Failed).await;
    assert!(ok.sn.is_some());
    let failure = bad.failure.expect("reason");
    assert_eq!(failure.code, "supplier_failed", "{failure:?}");
    assert_eq!(
        rig.saldo_available().await,
        before - ok.price_idr.idr(),
        "the failed one's hold is back"
    );
    // A pending purchase is never bought again: every request for it carries its one ref_id.
    for id in [ok.id, bad.id] {
        let reqs = rig.purchases(&refs(id)).await;
        assert!(reqs.iter().all(|(_, r)| r.ends_with("-1")), "{reqs:?}");
    }
    rig.audit_clean().await;
}

#[tokio::test]
async fn a_wrong_number_fails_at_once_without_trying_another_supplier() {
    let (store, _dir) = sqlite().await;
    let rig = rig(store, "F4").await;
    let before = rig.saldo_available().await;
    let placed = rig.order("tsel10", "081234567896", 20_000).await;
    let failed = rig.wait_for(placed.id, OrderStatus::Failed).await;
    assert_eq!(failed.failure.expect("reason").code, "wrong_number");
    let reqs = rig.purchases(&refs(placed.id)).await;
    assert_eq!(reqs.len(), 1, "IAK is not tried: {reqs:?}");
    assert_eq!(rig.saldo_available().await, before);
    rig.audit_clean().await;
}

#[tokio::test]
async fn a_product_down_fails_over_to_the_next_supplier_and_all_down_fails_the_order() {
    let (store, _dir) = sqlite().await;
    let rig = rig(store, "F5").await;
    // Digiflazz does not know this SKU (rc 43, try elsewhere); IAK delivers.
    rig.app
        .store
        .upsert_supplier_product(
            &SupplierProduct {
                sku: "tsel10".into(),
                supplier: "digiflazz".into(),
                supplier_sku: "no-such-sku".into(),
                cost: rp(10_300),
                priority: 1,
                active: true,
            },
            Utc::now(),
        )
        .await
        .expect("offer");
    rig.app.catalogue.invalidate().await;
    let before = rig.saldo_available().await;
    let placed = rig.order("tsel10", "081234567890", 20_000).await;
    let done = rig.wait_for(placed.id, OrderStatus::Success).await;
    let reqs = rig.purchases(&refs(placed.id)).await;
    assert!(
        reqs[0].0.ends_with("/v1/transaction") && reqs[0].1.ends_with("-1"),
        "{reqs:?}"
    );
    assert!(
        reqs.iter()
            .any(|(p, r)| p.ends_with("/api/top-up") && r.ends_with("-2")),
        "{reqs:?}"
    );
    assert!(done.sn.is_some());
    // Last digit 7: disrupted at both suppliers (rc 55, IAK 106): failed, saldo back.
    let down = rig.order("tsel10", "081234567897", 20_000).await;
    let failed = rig.wait_for(down.id, OrderStatus::Failed).await;
    assert_eq!(failed.failure.expect("reason").code, "unavailable");
    assert_eq!(rig.saldo_available().await, before - placed.price_idr.idr());
    rig.audit_clean().await;
}

#[tokio::test]
async fn a_dropped_answer_is_asked_about_under_the_same_ref_id_never_bought_again() {
    let (store, _dir) = sqlite().await;
    let rig = rig(store, "F6").await;
    rig.sandbox_post(
        "/_sandbox/faults",
        json!({"api": "digiflazz", "drop_after_commit": true, "count": 1}),
    )
    .await;
    let placed = rig.order("tsel10", "081234567890", 20_000).await;
    rig.wait_for(placed.id, OrderStatus::Success).await;
    let reqs = rig.purchases(&refs(placed.id)).await;
    assert!(reqs.len() >= 2, "bought, then asked: {reqs:?}");
    assert!(
        reqs.iter()
            .all(|(p, r)| p.ends_with("/v1/transaction") && r.ends_with("-1")),
        "{reqs:?}"
    );
    rig.audit_clean().await;
}

#[tokio::test]
async fn a_refund_after_success_gives_the_saldo_back() {
    let (store, _dir) = sqlite().await;
    let rig = rig(store, "F7").await;
    let before = rig.saldo_available().await;
    let placed = rig.order("tsel10", "081234567890", 20_000).await;
    rig.wait_for(placed.id, OrderStatus::Success).await;
    let ref_id = konter_server::suppliers::ref_id(placed.id, 1);
    rig.sandbox_post(&format!("/_sandbox/digiflazz/{ref_id}/refund"), Value::Null)
        .await;
    let refunded = rig.wait_for(placed.id, OrderStatus::Refunded).await;
    assert_eq!(refunded.failure.expect("reason").code, "refunded");
    assert_eq!(rig.saldo_available().await, before);
    rig.audit_clean().await;
}

#[tokio::test]
async fn webhooks_bad_signatures_are_refused_and_duplicates_change_nothing() {
    let (store, _dir) = sqlite().await;
    let rig = rig(store, "F8").await;
    rig.sandbox_post(
        "/_sandbox/faults",
        json!({"duplicate_webhooks": true, "out_of_order_webhooks": true}),
    )
    .await;
    let placed = rig.order("tsel10", "081234567893", 20_000).await;
    let done = rig.wait_for(placed.id, OrderStatus::Success).await;
    // A forged "failed" webhook for the same ref_id: 401, the order stays a success.
    let ref_id = konter_server::suppliers::ref_id(placed.id, 1);
    let body = json!({"data": {"ref_id": ref_id, "status": "Gagal", "rc": "02", "message": "x"}})
        .to_string();
    let forged = rig
        .http
        .post(format!("{}/hooks/digiflazz", rig.base))
        .header(
            "x-hub-signature",
            "sha1=0000000000000000000000000000000000000000",
        )
        .body(body)
        .send()
        .await
        .expect("hook");
    assert_eq!(forged.status(), 401);
    let iak_forged = rig
        .http
        .post(format!("{}/hooks/iak", rig.base))
        .json(&json!({"data": {"ref_id": ref_id, "status": "2", "rc": "07", "sign": "nope"}}))
        .send()
        .await
        .expect("hook");
    assert_eq!(iak_forged.status(), 401);
    // The operator hears of both, and of nothing signed right.
    let metrics = crate::alarms::metrics(&rig.http, &rig.base).await;
    for source in ["digiflazz", "iak"] {
        assert_eq!(
            crate::alarms::gauge(
                &metrics,
                &format!("konter_webhook_signature_failures_total{{source=\"{source}\"}}")
            ),
            Some(1),
            "{source}: {metrics}"
        );
    }
    tokio::time::sleep(Duration::from_millis(PENDING_DELAY_MS * 2)).await;
    let after = rig
        .app
        .store
        .order(placed.id)
        .await
        .expect("read")
        .expect("order")
        .order;
    assert_eq!(after.status, OrderStatus::Success);
    assert_eq!(after.sn, done.sn);
    rig.audit_clean().await;
}

#[tokio::test]
async fn inquiries_answer_through_the_suppliers() {
    let (store, _dir) = sqlite().await;
    let rig = rig(store, "F9").await;
    let (_, pln) = rig
        .post_json("/v1/inquiries/pln", json!({"target": "12345678900"}))
        .await;
    assert!(pln["name"].as_str().is_some_and(|n| !n.is_empty()), "{pln}");
    assert!(pln["segment_power"].as_str().is_some(), "{pln}");
    let (status, body) = rig
        .post_json("/v1/inquiries/pln", json!({"target": "123"}))
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["field"], "target", "{body}");
    let (_, game) = rig
        .post_json(
            "/v1/inquiries/game",
            json!({"game": "mobile_legends", "target": "156378300|8483"}),
        )
        .await;
    assert_eq!(game["available"], true, "{game}");
    assert!(
        game["nickname"].as_str().is_some_and(|n| !n.is_empty()),
        "{game}"
    );
}

/// The same pipeline on PostgreSQL.
#[tokio::test]
async fn postgres_fulfils_the_same_way() {
    let Some(store) = konter_tests::postgres().await else {
        return;
    };
    let rig = rig(store, "FP").await;
    let ok = rig.order("tsel10", "081234567890", 20_000).await;
    let pending = rig.order("tsel10", "081234567893", 20_000).await;
    let wrong = rig.order("tsel10", "081234567896", 20_000).await;
    rig.wait_for(ok.id, OrderStatus::Success).await;
    rig.wait_for(pending.id, OrderStatus::Success).await;
    rig.wait_for(wrong.id, OrderStatus::Failed).await;
    rig.audit_clean().await;
}

#[tokio::test]
async fn price_sync_updates_costs_switches_off_what_is_gone_and_tells_the_devices() {
    let (store, _dir) = sqlite().await;
    let rig = rig(store, "FA").await;
    let offer = |supplier_sku: &str, cost: i64| SupplierProduct {
        sku: "tsel10".into(),
        supplier: "digiflazz".into(),
        supplier_sku: supplier_sku.into(),
        cost: rp(cost),
        priority: 1,
        active: true,
    };
    // A stale cost for a SKU Digiflazz lists, and an offer for a SKU it does not.
    rig.app
        .store
        .upsert_supplier_product(&offer("tsel10", 9_000), Utc::now())
        .await
        .expect("offer");
    let mut gone = offer("tsel-gone", 5_000);
    gone.sku = "tsel5".into();
    rig.app
        .store
        .upsert_supplier_product(&gone, Utc::now())
        .await
        .expect("offer");
    let synced = konter_server::prices::sync_once(&rig.app)
        .await
        .expect("sync");
    assert!(synced.failed.is_empty(), "{:?}", synced.failed);
    let catalogue = rig.app.store.catalogue().await.expect("catalogue");
    let offer_of = |sku: &str| {
        catalogue
            .iter()
            .find(|e| e.product.sku.as_str() == sku)
            .and_then(|e| e.suppliers.iter().find(|o| o.supplier == "digiflazz"))
            .cloned()
            .expect("offer")
    };
    let tsel10 = offer_of("tsel10");
    assert_ne!(
        tsel10.cost,
        rp(9_000),
        "the listed price replaced the stale cost"
    );
    assert!(tsel10.active);
    assert!(!offer_of("tsel5").active, "not on the list: switched off");
    // The device hears the new tier price of tsel10 through its feed.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let changes = rig.get_json("/v1/changes?after=0&limit=500").await;
        let announced = changes["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .any(|c| c["type"] == "catalog" && c["item"]["sku"] == "tsel10");
        if announced {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{changes}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_supplier_refusing_our_key_is_skipped_until_fixed() {
    let (store, _dir) = sqlite().await;
    let rig = rig_with(store, "FB", |c| {
        if let Some(d) = c.suppliers.digiflazz.as_mut() {
            d.api_key = Secret::new("not-the-key");
        }
    })
    .await;
    let first = rig.order("tsel10", "081234567890", 20_000).await;
    rig.wait_for(first.id, OrderStatus::Success).await;
    let reqs = rig.purchases(&refs(first.id)).await;
    assert!(
        reqs.iter()
            .any(|(p, r)| p.ends_with("/v1/transaction") && r.ends_with("-1"))
            && reqs
                .iter()
                .any(|(p, r)| p.ends_with("/api/top-up") && r.ends_with("-2")),
        "refused (rc 41), then IAK: {reqs:?}"
    );
    // Digiflazz is paused: the next order goes to IAK first, without a doomed call.
    let second = rig.order("tsel10", "081234567890", 20_000).await;
    rig.wait_for(second.id, OrderStatus::Success).await;
    let reqs = rig.purchases(&refs(second.id)).await;
    assert!(
        reqs.iter()
            .all(|(p, _)| p.ends_with("/api/top-up") || p.ends_with("/api/check-status"))
            && reqs.iter().all(|(_, r)| r.ends_with("-1")),
        "{reqs:?}"
    );
    rig.audit_clean().await;
}
