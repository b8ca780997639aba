//! Postpaid bills end to end: the inquiry at the sandbox's Digiflazz, the payment under the
//! inquiry's ref_id, every outcome, and the ledger audit after each.

use konter_domain::ids::{InquiryId, OrderId};
use konter_domain::order::OrderStatus;
use konter_server::store::Store;
use konter_server::suppliers::inquiry_ref_id;
use serde_json::{Value, json};

use konter_tests::rig::{Rig, rig};
use konter_tests::{postgres, sqlite};

fn order_id(v: &Value) -> OrderId {
    serde_json::from_value(v["id"].clone()).expect("order id")
}

fn idr(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("an amount: {v}"))
}

async fn bill_paid_once<S: Store + Clone + 'static>(rig: Rig<S>) {
    let before = rig.saldo_available().await;
    let id = InquiryId::new();
    let (status, inq) = rig.inquire(id, "plnpasca", "5300-0000-0002").await;
    assert_eq!(status, 201, "{inq}");
    assert_eq!(inq["customer_no"], "530000000002");
    assert_eq!(inq["kind"], "pln_pasca");
    let periods = inq["periods"].as_array().expect("periods");
    assert_eq!(periods.len(), 2, "two months owed: {inq}");
    let lines: i64 = periods
        .iter()
        .map(|p| idr(&p["amount_idr"]) + idr(&p["admin_idr"]) + idr(&p["penalty_idr"]))
        .sum();
    let total = idr(&inq["total_idr"]);
    assert_eq!(total, lines, "the total is its lines");
    assert!(idr(&inq["penalty_idr"]) > 0, "the older month is late");
    assert!(
        periods[0]["meter_end"].is_string(),
        "PLN stand meter: {inq}"
    );
    assert!(inq["tariff"].is_string() && inq["power"].is_string());
    let (status, again) = rig.inquire(id, "plnpasca", "5300-0000-0002").await;
    assert_eq!((status, &again), (200, &inq), "a retry is the same bill");
    assert_eq!(
        rig.saldo_available().await,
        before,
        "an inquiry holds nothing"
    );

    let (status, placed) = rig.pay(&inq).await;
    assert_eq!(status, 201, "{placed}");
    assert_eq!(
        idr(&placed["price_idr"]),
        total,
        "the hold is the bill's total"
    );
    let done = rig.wait_for(order_id(&placed), OrderStatus::Success).await;
    assert_eq!(
        done.sn.as_deref().map(str::len),
        Some(32),
        "the supplier's reference"
    );
    assert_eq!(rig.saldo_available().await, before - total);
    let ref_id = inquiry_ref_id(id);
    assert_eq!(
        rig.commands(&ref_id).await,
        ["inq-pasca", "pay-pasca"],
        "paid under the inquiry's ref_id, once"
    );
    // The order's story (`konter-server order show`) starts with the inquiry's call.
    let calls = rig.app.store.calls(order_id(&placed)).await.expect("calls");
    assert_eq!(
        calls
            .iter()
            .map(|c| (c.operation.as_str(), c.order_id.is_some()))
            .collect::<Vec<_>>(),
        [("bill_inquiry", false), ("topup", true)],
        "{calls:?}"
    );

    let (status, twice) = rig.pay(&inq).await;
    assert_eq!(
        (status, &twice["code"]),
        (409, &json!("bill_already_paid")),
        "{twice}"
    );
    assert_eq!(twice["field"], "inquiry_id");
    assert_eq!(
        rig.saldo_available().await,
        before - total,
        "nothing held twice"
    );
    assert_eq!(rig.commands(&ref_id).await.len(), 2);
    rig.audit_clean().await;
}

#[tokio::test]
async fn a_bill_is_paid_once_under_its_inquiry_ref_id() {
    let (store, _dir) = sqlite().await;
    bill_paid_once(rig(store, "B1").await).await;
}

#[tokio::test]
async fn a_bill_is_paid_once_on_postgres() {
    if let Some(store) = postgres().await {
        bill_paid_once(rig(store, "B1PG").await).await;
    }
}

#[tokio::test]
async fn bad_inquiries_are_refused_naming_the_field() {
    let (store, _dir) = sqlite().await;
    let rig = rig(store, "B2").await;
    let before = rig.saldo_available().await;
    let not_found = InquiryId::new();
    for (id, sku, no, code, field) in [
        (
            not_found,
            "plnpasca",
            "530000000003",
            "bill_not_found",
            "customer_no",
        ),
        (
            InquiryId::new(),
            "plnpasca",
            "53000000",
            "customer_no_wrong_length",
            "customer_no",
        ),
        (
            InquiryId::new(),
            "bpjs",
            "88012345600A",
            "customer_no_invalid_character",
            "customer_no",
        ),
        (
            InquiryId::new(),
            "tsel10",
            "081234567890",
            "unknown_sku",
            "sku",
        ),
    ] {
        let (status, v) = rig.inquire(id, sku, no).await;
        assert_eq!(
            (status, &v["code"], &v["field"]),
            (422, &json!(code), &json!(field)),
            "{no}: {v}"
        );
    }
    assert!(
        rig.app
            .store
            .inquiry(not_found)
            .await
            .expect("read")
            .is_none(),
        "nothing kept"
    );
    // A bill product cannot be ordered like a top-up.
    let (status, v) = rig
        .post_json(
            "/v1/orders",
            json!({"id": OrderId::new(), "sku": "plnpasca", "target": "530000000001", "max_price_idr": 500000}),
        )
        .await;
    assert_eq!(
        (status, &v["code"]),
        (422, &json!("bill_needs_inquiry")),
        "{v}"
    );
    let (status, v) = rig
        .post_json(
            "/v1/orders",
            json!({"id": OrderId::new(), "inquiry_id": InquiryId::new(), "max_price_idr": 500000}),
        )
        .await;
    assert_eq!(
        (status, &v["code"]),
        (422, &json!("unknown_inquiry")),
        "{v}"
    );
    // The price guard holds for bills too.
    let (_, inq) = rig.inquire(InquiryId::new(), "pdam", "1013226").await;
    let (status, v) = rig
        .post_json(
            "/v1/orders",
            json!({"id": OrderId::new(), "inquiry_id": inq["inquiry_id"],
                "max_price_idr": idr(&inq["total_idr"]) - 1}),
        )
        .await;
    assert_eq!((status, &v["code"]), (409, &json!("price_changed")), "{v}");
    assert_eq!(rig.saldo_available().await, before);
    rig.audit_clean().await;
}

#[tokio::test]
async fn payment_failures_release_the_hold() {
    let (store, _dir) = sqlite().await;
    let rig = rig(store, "B3").await;
    let before = rig.saldo_available().await;
    let (_, inq) = rig
        .inquire(InquiryId::new(), "plnpasca", "530000000006")
        .await;
    let (status, placed) = rig.pay(&inq).await;
    assert_eq!(status, 201, "{placed}");
    let done = rig.wait_for(order_id(&placed), OrderStatus::Failed).await;
    assert!(done.failure.is_some());
    assert_eq!(rig.saldo_available().await, before, "saldo back");
    rig.audit_clean().await;
}

#[tokio::test]
async fn pending_payments_settle_both_ways() {
    let (store, _dir) = sqlite().await;
    let rig = rig(store, "B4").await;
    let before = rig.saldo_available().await;
    let (_, ok) = rig
        .inquire(InquiryId::new(), "plnpasca", "630000000001")
        .await;
    let (_, bad) = rig.inquire(InquiryId::new(), "bpjs", "9801234560005").await;
    let (_, ok_order) = rig.pay(&ok).await;
    let (_, bad_order) = rig.pay(&bad).await;
    rig.wait_for(order_id(&ok_order), OrderStatus::Pending)
        .await;
    // The supplier still shows the bill while its payment is out: a second inquiry of the
    // same bill finds it, but cannot pay it again.
    let (status, again) = rig
        .inquire(InquiryId::new(), "plnpasca", "630000000001")
        .await;
    assert_eq!(status, 201, "{again}");
    let (status, v) = rig.pay(&again).await;
    assert_eq!(
        (status, &v["code"]),
        (409, &json!("bill_payment_open")),
        "{v}"
    );
    let done = rig
        .wait_for(order_id(&ok_order), OrderStatus::Success)
        .await;
    assert!(done.sn.is_some());
    let (status, v) = rig.pay(&again).await;
    assert_eq!(
        (status, &v["code"]),
        (409, &json!("bill_payment_open")),
        "paid today: {v}"
    );
    rig.wait_for(order_id(&bad_order), OrderStatus::Failed)
        .await;
    assert_eq!(rig.saldo_available().await, before - idr(&ok["total_idr"]));
    for inq in [&ok, &bad] {
        let id: InquiryId = serde_json::from_value(inq["inquiry_id"].clone()).expect("id");
        let sent = rig.commands(&inquiry_ref_id(id)).await;
        assert_eq!(
            sent.iter().filter(|c| *c == "pay-pasca").count(),
            1,
            "paid once, then only asked: {sent:?}"
        );
    }
    rig.audit_clean().await;
}

#[tokio::test]
async fn lost_answers_are_asked_about_never_paid_twice() {
    let (store, _dir) = sqlite().await;
    let rig = rig(store, "B5").await;
    let before = rig.saldo_available().await;
    // The inquiry's answer is lost: the device retries with the same id.
    let id = InquiryId::new();
    rig.sandbox_post(
        "/_sandbox/faults",
        json!({"api": "digiflazz", "drop_after_commit": true, "count": 1}),
    )
    .await;
    let (status, v) = rig.inquire(id, "internet", "6391601001").await;
    assert_eq!(
        (status, &v["code"]),
        (503, &json!("inquiry_unavailable")),
        "{v}"
    );
    let (status, inq) = rig.inquire(id, "internet", "6391601001").await;
    assert_eq!(status, 201, "{inq}");
    // The payment's answer is lost: the worker asks (status-pasca), never pays again.
    rig.sandbox_post(
        "/_sandbox/faults",
        json!({"api": "digiflazz", "drop_after_commit": true, "count": 1}),
    )
    .await;
    let (_, placed) = rig.pay(&inq).await;
    rig.wait_for(order_id(&placed), OrderStatus::Success).await;
    let sent = rig.commands(&inquiry_ref_id(id)).await;
    assert_eq!(
        sent.iter().filter(|c| *c == "pay-pasca").count(),
        1,
        "{sent:?}"
    );
    assert!(sent.iter().any(|c| c == "status-pasca"), "{sent:?}");
    assert_eq!(rig.saldo_available().await, before - idr(&inq["total_idr"]));
    rig.audit_clean().await;
}

#[tokio::test]
async fn an_inquiry_from_an_earlier_day_cannot_be_paid() {
    let (store, dir) = sqlite().await;
    let rig = rig(store, "B6").await;
    let before = rig.saldo_available().await;
    let (_, inq) = rig.inquire(InquiryId::new(), "pdam", "1013226").await;
    // The supplier's day ended: move the inquiry's expiry into the past.
    let url = format!("sqlite://{}", dir.path().join("konter.db").display());
    let db = sqlx::SqlitePool::connect(&url).await.expect("open");
    sqlx::query("UPDATE bill_inquiries SET expires_at = 0")
        .execute(&db)
        .await
        .expect("expire");
    let (status, v) = rig.pay(&inq).await;
    assert_eq!(
        (status, &v["code"], &v["field"]),
        (422, &json!("inquiry_expired"), &json!("inquiry_id")),
        "{v}"
    );
    assert!(
        v["message"]
            .as_str()
            .unwrap_or_default()
            .contains("cek tagihan lagi")
    );
    assert_eq!(rig.saldo_available().await, before, "nothing held");
    rig.audit_clean().await;
}

#[tokio::test]
async fn a_payment_that_never_arrived_is_paid_under_the_same_ref_id() {
    let (store, _dir) = sqlite().await;
    let rig = rig(store, "B7").await;
    let before = rig.saldo_available().await;
    let id = InquiryId::new();
    let (_, inq) = rig.inquire(id, "pdam", "1013226").await;
    // The payment is refused with a 500 before the supplier keeps anything: the worker does
    // not know that, asks, hears "not found", and pays under the same ref_id.
    rig.sandbox_post(
        "/_sandbox/faults",
        json!({"api": "digiflazz", "http_500": true, "count": 1}),
    )
    .await;
    let (_, placed) = rig.pay(&inq).await;
    let done = rig.wait_for(order_id(&placed), OrderStatus::Success).await;
    assert!(done.sn.is_some());
    assert_eq!(
        rig.commands(&inquiry_ref_id(id)).await,
        ["inq-pasca", "pay-pasca", "status-pasca", "pay-pasca"],
        "lost, asked, paid once under the inquiry's ref_id"
    );
    assert_eq!(rig.saldo_available().await, before - idr(&inq["total_idr"]));
    rig.audit_clean().await;
}
