//! Regression tests for the double-purchase paths (docs/exactly-once.md): each drives the
//! real server against the supplier models with one scripted fault, and failed on the code
//! before its fix.

use std::sync::atomic::Ordering;

use chrono::Duration;
use konter_domain::order::OrderStatus;
use konter_server::store::{Attempt, Store};
use konter_server::suppliers::ref_id;
use konter_sim::model::{Fate, Faults, Supplier, TxnState};
use konter_sim::{World, charges_of};
use serde_json::json;

async fn world() -> World {
    World::new(7, 1, 1, 500_000).await.expect("world")
}

async fn status_of(w: &World, id: konter_domain::ids::OrderId) -> OrderStatus {
    w.server
        .app
        .store
        .order(id)
        .await
        .expect("read")
        .expect("order")
        .order
        .status
}

fn last_order(w: &World) -> konter_domain::ids::OrderId {
    w.devices[0].orders.last().expect("an order").id
}

/// An order pending at IAK (attempt 2): Digiflazz had the product down.
async fn pending_at_iak() -> (World, konter_domain::ids::OrderId) {
    let mut w = world().await;
    w.model.script(Supplier::Digiflazz, Fate::Down, false);
    w.model.script(Supplier::Iak, Fate::Success, true);
    w.sell(0, "tsel10", "081234567890", false).await;
    let id = last_order(&w);
    w.run_workers().await.expect("step");
    w.run_workers().await.expect("step");
    (w, id)
}

/// The incident: a purchase pending at Digiflazz, Digiflazz then refusing our status
/// questions (rc 45, IP not allowed). The order must never be bought at IAK.
#[tokio::test]
async fn a_refused_status_question_never_leads_to_a_second_purchase() {
    for rc in ["45", "41", "44", "55", "69"] {
        let mut w = world().await;
        w.model.script(Supplier::Digiflazz, Fate::Success, true);
        w.sell(0, "tsel10", "081234567890", false).await;
        let id = last_order(&w);
        w.run_workers().await.expect("step");
        assert_eq!(status_of(&w, id).await, OrderStatus::Pending, "rc {rc}");
        let mut refusing = Faults::default();
        refusing.refuse.insert(Supplier::Digiflazz, rc);
        w.model.set_faults(refusing);
        // Keep the purchase pending at Digiflazz while it refuses every question.
        for _ in 0..5 {
            w.clock.advance(Duration::seconds(61));
            w.run_workers().await.expect("step");
        }
        assert!(
            !status_of(&w, id).await.is_settled(),
            "rc {rc}: still open while the supplier will not answer"
        );
        assert!(
            w.server
                .app
                .metrics
                .supplier_questions_refused
                .load(Ordering::Relaxed)
                > 0,
            "rc {rc}: the operator is alarmed"
        );
        w.settle_all().await.expect("settle");
        assert_eq!(charges_of(&w.model, id), 1, "rc {rc}: bought once");
        assert_eq!(status_of(&w, id).await, OrderStatus::Success, "rc {rc}");
        let problems = w.check().await.expect("check");
        assert!(problems.is_empty(), "rc {rc}: {problems:?}");
    }
}

/// A supplier removed from the config while a purchase there is open: the purchase is
/// still unknown, never a reason to buy elsewhere.
#[tokio::test]
async fn a_supplier_no_longer_configured_is_not_an_answer() {
    let w = world().await;
    let p = konter_server::suppliers::Purchase {
        ref_id: "K1-1".into(),
        supplier_sku: "x".into(),
        customer_no: "081234567890".into(),
        max_price: konter_domain::money::Rupiah::from_idr(20_000),
        bill: false,
    };
    let (outcome, _) = w.server.app.suppliers.status("gone", &p).await;
    assert!(
        matches!(outcome, konter_server::suppliers::Outcome::Refused { .. }),
        "{outcome:?}"
    );
}

/// A worker that read "open, nothing standing" before the order settled must not begin a
/// new purchase: the store refuses it in its write transaction.
#[tokio::test]
async fn a_new_attempt_is_refused_once_the_order_settled_or_one_is_open() {
    let mut w = world().await;
    w.model.script(Supplier::Digiflazz, Fate::Success, true);
    w.sell(0, "tsel10", "081234567890", false).await;
    let id = last_order(&w);
    w.run_workers().await.expect("step");
    let store = &w.server.app.store;
    let now = w.clock.now();
    let next = |n| {
        Attempt::sent(
            id,
            n,
            ("iak", "htelkomsel10000"),
            ref_id(id, n),
            konter_domain::money::Rupiah::from_idr(10_350),
            now,
        )
    };
    assert!(
        !store.begin_attempt(&next(2)).await.expect("begin"),
        "attempt 1 is pending: no second purchase"
    );
    w.settle_all().await.expect("settle");
    assert_eq!(status_of(&w, id).await, OrderStatus::Success);
    let store = &w.server.app.store;
    assert!(
        !store.begin_attempt(&next(2)).await.expect("begin"),
        "the order is settled: no new purchase"
    );
    let (_, attempts) = store.fulfilment(id).await.expect("read").expect("order");
    assert_eq!(attempts.len(), 1, "nothing was written");
}

/// An IAK callback's sign covers only the ref_id: a captured one replayed with another
/// status must not change the order; IAK's own status answer decides.
#[tokio::test]
async fn a_replayed_iak_callback_with_another_status_changes_nothing() {
    let (mut w, id) = pending_at_iak().await;
    assert_eq!(status_of(&w, id).await, OrderStatus::Pending);
    let forged = json!({"data": {"ref_id": ref_id(id, 2), "status": "2", "rc": "07",
        "message": "FAILED", "price": "10350"}});
    let status = w.post_hook(Supplier::Iak, &forged, true).await;
    assert_eq!(
        status, 200,
        "a validly signed callback is taken as a wake-up"
    );
    assert_eq!(
        status_of(&w, id).await,
        OrderStatus::Pending,
        "IAK says it is still in process"
    );
    w.settle_all().await.expect("settle");
    assert_eq!(status_of(&w, id).await, OrderStatus::Success);
    assert_eq!(charges_of(&w.model, id), 1);
    assert!(w.check().await.expect("check").is_empty());
}

/// A postpaid payment reported paid by webhook without a reference proves nothing.
#[tokio::test]
async fn a_bill_webhook_without_a_reference_is_not_a_paid_bill() {
    let mut w = world().await;
    let auth = [("authorization", format!("Bearer {}", w.devices[0].token))];
    let inquiry_id = konter_domain::ids::InquiryId::new();
    let (status, inq) = konter_sim::request(
        &w.server.router,
        "POST",
        "/v1/bills/inquiry",
        &auth,
        Some(
            json!({"id": inquiry_id, "sku": "plnpasca", "customer_no": "530000000001"}).to_string(),
        ),
    )
    .await;
    assert_eq!(status, 201, "{inq}");
    let total = inq["total_idr"].as_i64().expect("total");
    w.model.script(Supplier::Digiflazz, Fate::Success, true);
    let order_id = w.order_id();
    let (status, placed) = konter_sim::request(
        &w.server.router,
        "POST",
        "/v1/orders",
        &auth,
        Some(json!({"id": order_id, "inquiry_id": inquiry_id, "max_price_idr": total}).to_string()),
    )
    .await;
    assert_eq!(status, 201, "{placed}");
    w.run_workers().await.expect("step");
    assert_eq!(status_of(&w, order_id).await, OrderStatus::Pending);
    let pay_ref = konter_server::suppliers::inquiry_ref_id(inquiry_id);
    let hook = json!({"data": {"ref_id": pay_ref, "status": "Sukses", "rc": "00", "sn": "",
        "message": "Transaksi Sukses", "price": total - 2500}});
    assert_eq!(w.post_hook(Supplier::Digiflazz, &hook, true).await, 200);
    assert_eq!(
        status_of(&w, order_id).await,
        OrderStatus::Pending,
        "no reference, no paid bill"
    );
    w.settle_all().await.expect("settle");
    let done = w
        .server
        .app
        .store
        .order(order_id)
        .await
        .expect("read")
        .expect("order")
        .order;
    assert_eq!(done.status, OrderStatus::Success);
    assert!(
        done.sn.is_some_and(|s| !s.is_empty()),
        "paid with the supplier's reference"
    );
    let paid = w
        .model
        .txns()
        .into_iter()
        .filter(|t| t.ref_id == pay_ref && matches!(t.state, TxnState::Success { .. }))
        .count();
    assert_eq!(paid, 1);
}

/// A success at an impossible price is kept open and asked again, and the books take the
/// price the supplier then reports.
#[tokio::test]
async fn a_success_at_an_impossible_price_is_kept_open_and_asked_again() {
    for bad in [0, -5, 1_000_000] {
        let mut w = world().await;
        w.model.script(Supplier::Digiflazz, Fate::Success, false);
        w.model.set_faults(Faults {
            price_override: Some(bad),
            ..Faults::default()
        });
        w.sell(0, "tsel10", "081234567890", false).await;
        let id = last_order(&w);
        w.run_workers().await.expect("step");
        assert!(
            !status_of(&w, id).await.is_settled(),
            "price {bad}: not taken as a success"
        );
        assert!(
            w.server
                .app
                .metrics
                .supplier_answers_implausible
                .load(Ordering::Relaxed)
                > 0
        );
        w.settle_all().await.expect("settle");
        let done = w
            .server
            .app
            .store
            .order(id)
            .await
            .expect("read")
            .expect("order");
        assert_eq!(done.order.status, OrderStatus::Success, "price {bad}");
        let charged = w.model.txns()[0].price;
        assert_eq!(
            done.cost.idr(),
            charged,
            "price {bad}: the real cost is booked"
        );
        assert!(w.check().await.expect("check").is_empty());
    }
}

/// A worker that read "every supplier tried" must not fail an order another worker is
/// buying, or one that already succeeded: the store decides in its write transaction.
#[tokio::test]
async fn failing_as_never_sent_is_refused_while_an_attempt_stands() {
    let mut w = world().await;
    w.model.script(Supplier::Digiflazz, Fate::Success, true);
    w.sell(0, "tsel10", "081234567890", false).await;
    let id = last_order(&w);
    w.run_workers().await.expect("step");
    let now = w.clock.now();
    let store = &w.server.app.store;
    let order = store
        .fail_unsent(id, "unavailable", "no supplier left", now)
        .await
        .expect("fail");
    assert_eq!(order.status, OrderStatus::Pending, "attempt 1 is pending");
    w.settle_all().await.expect("settle");
    let store = &w.server.app.store;
    let order = store
        .fail_unsent(id, "unavailable", "no supplier left", w.clock.now())
        .await
        .expect("no conflict");
    assert_eq!(order.status, OrderStatus::Success, "a success stays one");
    assert_eq!(charges_of(&w.model, id), 1);
    assert!(w.check().await.expect("check").is_empty());
}

/// A captured callback replayed in a loop makes IAK be asked at most once per
/// `WAKE_UP_GAP`, and each copy still changes nothing by itself.
#[tokio::test]
async fn replayed_callbacks_do_not_flood_the_supplier_with_questions() {
    let (mut w, id) = pending_at_iak().await;
    w.clock.advance(Duration::seconds(3));
    let asked_before = w.model.requests("iak/check-status");
    let copy = json!({"data": {"ref_id": ref_id(id, 2), "status": "1", "rc": "00",
        "sn": "FORGED", "message": "SUCCESS", "price": "1"}});
    for _ in 0..20 {
        assert_eq!(w.post_hook(Supplier::Iak, &copy, true).await, 200);
    }
    assert_eq!(
        w.model.requests("iak/check-status") - asked_before,
        1,
        "one question for twenty copies"
    );
    assert_eq!(status_of(&w, id).await, OrderStatus::Pending);
}

/// Two copies of one order id: the first still waiting to be written when the second
/// arrives in a supplier cut-off. The counter must get one answer for both — a refusal of
/// the second while the first is accepted would make it give the cash back for an order the
/// server goes on to buy.
#[tokio::test]
async fn a_copy_refused_while_the_first_is_still_being_written_gets_the_same_answer() {
    use sqlx::Connection;
    let mut w = world().await;
    w.cut_off("tsel10", 60, 120).await.expect("cut-off");
    let id = w.order_id();
    let body =
        json!({"id": id, "sku": "tsel10", "target": "081234567890", "max_price_idr": 30_000})
            .to_string();
    let auth = vec![("authorization", format!("Bearer {}", w.devices[0].token))];
    // Another writer holds the database: the first copy waits in the intake.
    let mut holder = sqlx::SqliteConnection::connect(&w.db_url)
        .await
        .expect("connect");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut holder)
        .await
        .expect("lock");
    let send = |router: axum::Router, body: String, auth: Vec<(&'static str, String)>| {
        tokio::spawn(async move {
            konter_sim::request(&router, "POST", "/v1/orders", &auth, Some(body)).await
        })
    };
    let first = send(w.server.router.clone(), body.clone(), auth.clone());
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    w.clock.advance(Duration::minutes(90));
    let second = send(w.server.router.clone(), body.clone(), auth.clone());
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    sqlx::query("COMMIT")
        .execute(&mut holder)
        .await
        .expect("unlock");
    let (a, av) = first.await.expect("first");
    let (b, bv) = second.await.expect("second");
    assert_eq!(a, 201, "{av}");
    assert_eq!(b, 200, "the second copy is answered with the order: {bv}");
    assert_eq!(bv["id"], av["id"]);
}

/// A copy of a refused order id that arrives after the reason has passed (the cut-off is
/// over) is refused the same way: the counter has given the cash back.
#[tokio::test]
async fn a_late_copy_of_a_refused_order_is_refused_the_same() {
    let mut w = world().await;
    w.cut_off("tsel10", -10, 30).await.expect("cut-off");
    let id = w.order_id();
    let body =
        json!({"id": id, "sku": "tsel10", "target": "081234567890", "max_price_idr": 30_000})
            .to_string();
    let auth = [("authorization", format!("Bearer {}", w.devices[0].token))];
    let (first, fv) = konter_sim::request(
        &w.server.router,
        "POST",
        "/v1/orders",
        &auth,
        Some(body.clone()),
    )
    .await;
    assert_eq!(first, 422, "in the cut-off: {fv}");
    w.clock.advance(Duration::minutes(60));
    let (late, lv) =
        konter_sim::request(&w.server.router, "POST", "/v1/orders", &auth, Some(body)).await;
    assert_eq!((late, &lv), (first, &fv), "the same refusal, word for word");
    assert!(
        w.server.app.store.order(id).await.expect("read").is_none(),
        "never stored, never bought"
    );
    // Another order of the same product goes through now: the refusal was of that id only.
    let status = w.sell(0, "tsel10", "081234567890", false).await;
    assert!(
        matches!(status, Some(OrderStatus::Accepted | OrderStatus::Pending)),
        "{status:?}"
    );
}

/// A deposit the customer paid is credited even when the gateway's status API failed on
/// every notification and the gateway gave up sending them: the server asks about pending
/// deposits on its own.
#[tokio::test]
async fn a_paid_deposit_is_credited_when_every_notification_failed() {
    let mut w = world().await;
    let id = konter_domain::ids::DepositId::from_uuid(w.order_id().as_uuid()).expect("v7");
    w.deposit(0, id, 50_000, false).await;
    w.model.gateway.with(|g| g.faults.status_500_pm = 1000);
    w.finish_deposit(true).await.expect("pay");
    for _ in 0..12 {
        w.deliver_notifications(false).await;
        w.clock.advance(Duration::minutes(20));
    }
    assert!(
        w.model.gateway.with(|g| g.outbox.is_empty()),
        "the gateway gave up notifying"
    );
    w.settle_all().await.expect("settle");
    let deposit = w
        .server
        .app
        .store
        .deposit(id)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(
        deposit.deposit.status,
        konter_domain::api::v1::DepositStatus::Paid
    );
    let problems = w.check().await.expect("check");
    assert!(problems.is_empty(), "{problems:#?}");
}
