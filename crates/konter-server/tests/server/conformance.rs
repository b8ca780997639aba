//! The store conformance script: the same story against every backend.

use std::collections::{HashMap, HashSet};

use chrono::{TimeDelta, Utc};
use konter_domain::api::v1::{
    BillInquiry, ChangeKind, Deposit, DepositMethod, DepositStatus, SaldoReason,
};
use konter_domain::bill::{Bill, BillKind, BillPeriod};
use konter_domain::catalogue::{Sku, Tier};
use konter_domain::ids::{DepositId, DeviceId, InquiryId, OrderId, ShopId};
use konter_domain::order::OrderStatus;
use konter_server::store::{
    JobNext, NewOrder, PairOutcome, PlaceOutcome, Refusal, RefuseOutcome, Settlement, Store,
    StoreError, StoredDeposit, StoredInquiry,
};

use konter_tests::{postgres, rp, seed_catalogue, sqlite};

fn new_order(shop: ShopId, price: i64, cost: i64) -> NewOrder {
    NewOrder::sample(shop, rp(price), rp(cost))
}
async fn assert_audit_clean<S: Store>(store: &S, when: &str) {
    let report = store.audit().await.expect("audit runs");
    assert!(
        report.problems.is_empty(),
        "audit after {when}: {:?}",
        report.problems
    );
}

/// The whole story of a shop's money, step by step.
async fn story<S: Store>(store: S) {
    let now = Utc::now();
    let a = store
        .create_shop("A01", "Konter A", Tier::Gold, now)
        .await
        .expect("shop A");
    let b = store
        .create_shop("B01", "Konter B", Tier::Basic, now)
        .await
        .expect("shop B");
    assert!(matches!(
        store.create_shop("A01", "dup", Tier::Basic, now).await,
        Err(StoreError::ShopCodeTaken(_))
    ));
    assert_eq!(
        store.shop_by_code("A01").await.expect("read"),
        Some(a.clone())
    );
    seed_catalogue(&store).await;
    let catalogue = store.catalogue().await.expect("catalogue");
    assert_eq!(catalogue.len(), 3);
    assert!(catalogue.iter().all(|e| e.suppliers.len() == 1));

    // Manual credit, idempotent by reference.
    let (fresh, saldo) = store
        .credit_manual(a.id, rp(100_000), "kas-1", now)
        .await
        .expect("credit");
    assert!(fresh);
    assert_eq!(saldo.available_idr, rp(100_000));
    let (fresh, saldo) = store
        .credit_manual(a.id, rp(100_000), "kas-1", now)
        .await
        .expect("again");
    assert!(!fresh, "the same reference is credited once");
    assert_eq!(saldo.available_idr, rp(100_000));

    // An order holds its price.
    let first = new_order(a.id, 10_500, 10_150);
    let PlaceOutcome::Created(order) = store.place_order(&first).await.expect("place") else {
        panic!("first order must be created");
    };
    assert_eq!(order.status, OrderStatus::Accepted);
    let saldo = store.saldo(a.id).await.expect("saldo");
    assert_eq!(
        (saldo.balance_idr, saldo.held_idr, saldo.available_idr),
        (rp(100_000), rp(10_500), rp(89_500))
    );
    assert!(matches!(
        store.place_order(&first).await.expect("again"),
        PlaceOutcome::Exists(_)
    ));
    // Its job waits in the queue: stale for a threshold after it, not before; then review.
    let queue = store.queue_health(now).await.expect("queue");
    assert_eq!((queue.open, queue.stale, queue.review), (1, 0, 0));
    assert!(queue.oldest_open.is_some());
    let later = now + chrono::TimeDelta::seconds(1);
    assert_eq!(store.queue_health(later).await.expect("queue").stale, 1);
    store
        .schedule_job(order.id, JobNext::Review, now)
        .await
        .expect("review");
    let queue = store.queue_health(later).await.expect("queue");
    assert_eq!((queue.open, queue.stale, queue.review), (0, 0, 1));
    assert_eq!(queue.in_review, [order.id]);
    store
        .schedule_job(order.id, JobNext::At(now), now)
        .await
        .expect("back to open");

    // Short saldo: nothing stored, nothing held.
    let big = new_order(a.id, 90_000, 89_000);
    assert_eq!(
        store.place_order(&big).await.expect("short"),
        PlaceOutcome::SaldoShort {
            available: rp(89_500)
        }
    );
    assert!(
        store.order(big.id).await.expect("read").is_none(),
        "a refused order is not stored"
    );

    // A refusal is kept for its id: a later copy is refused the same, even when it would
    // pass now; refusing an id whose order was stored answers with that order.
    let refusal = |id: OrderId, body: &str| Refusal {
        id,
        shop_id: a.id,
        request_hash: "h".into(),
        status: 422,
        body: body.into(),
        at: now,
    };
    let late = new_order(a.id, 10_500, 10_150);
    let kept = match store
        .refuse_order(&refusal(late.id, "{\"code\":\"price_changed\"}"))
        .await
        .expect("refuse")
    {
        RefuseOutcome::Refused(kept) => kept,
        other => panic!("kept: {other:?}"),
    };
    assert_eq!(kept.status, 422);
    assert_eq!(
        store
            .refuse_order(&refusal(late.id, "{}"))
            .await
            .expect("again"),
        RefuseOutcome::Refused(kept.clone()),
        "the first refusal stands"
    );
    assert_eq!(
        store.place_order(&late).await.expect("late copy"),
        PlaceOutcome::Refused(kept),
        "a copy arriving after the refusal is refused, not placed"
    );
    assert!(store.order(late.id).await.expect("read").is_none());
    assert!(matches!(
        store.refuse_order(&refusal(first.id, "{}")).await.expect("stored first"),
        RefuseOutcome::Exists(s) if s.order.id == first.id
    ));
    assert_eq!(
        store.saldo(a.id).await.expect("saldo").available_idr,
        rp(89_500)
    );

    // Success posts the hold, exactly once.
    let success = Settlement::Success {
        sn: Some("SN123".into()),
        pln_token: None,
        cost: rp(10_150),
    };
    let done = store
        .settle_order(first.id, &success, now)
        .await
        .expect("settle");
    assert_eq!(done.status, OrderStatus::Success);
    assert_eq!(done.sn.as_deref(), Some("SN123"));
    let again = store
        .settle_order(first.id, &success, now)
        .await
        .expect("duplicate settle");
    assert_eq!(again.status, OrderStatus::Success, "a duplicate is ignored");
    let failed = Settlement::Failed {
        code: "x".into(),
        message: "y".into(),
    };
    assert!(matches!(
        store.settle_order(first.id, &failed, now).await,
        Err(StoreError::Conflict(_))
    ));
    let saldo = store.saldo(a.id).await.expect("saldo");
    assert_eq!((saldo.balance_idr, saldo.held_idr), (rp(89_500), rp(0)));

    // Failure voids the hold.
    let second = new_order(a.id, 10_500, 10_150);
    assert!(matches!(
        store.place_order(&second).await.expect("place"),
        PlaceOutcome::Created(_)
    ));
    let f = store
        .settle_order(second.id, &failed, now)
        .await
        .expect("fail");
    assert_eq!(f.failure.as_ref().map(|f| f.code.as_str()), Some("x"));
    assert_eq!(
        store.saldo(a.id).await.expect("saldo").available_idr,
        rp(89_500)
    );

    // A refund after success gives the price back.
    let refund = Settlement::Refunded {
        code: "74".into(),
        message: "refund".into(),
    };
    let r = store
        .settle_order(first.id, &refund, now)
        .await
        .expect("refund");
    assert_eq!(r.status, OrderStatus::Refunded);
    assert_eq!(
        store.saldo(a.id).await.expect("saldo").available_idr,
        rp(100_000)
    );
    assert_audit_clean(&store, "orders").await;

    // The feed: contiguous sequence, every kind, nothing of shop A in shop B's.
    let changes = store.changes(a.id, 0, 500).await.expect("changes");
    let seqs: Vec<i64> = changes.iter().map(|c| c.seq).collect();
    assert_eq!(
        seqs,
        (1..=seqs.len() as i64).collect::<Vec<_>>(),
        "no gaps, no repeats"
    );
    assert!(changes.iter().any(|c| matches!(&c.kind, ChangeKind::Saldo { movement } if movement.reason == SaldoReason::Refund)));
    assert!(changes.iter().any(
        |c| matches!(&c.kind, ChangeKind::Order { order } if order.sn.as_deref() == Some("SN123"))
    ));
    let page = store.changes(a.id, 2, 3).await.expect("page");
    assert_eq!(
        page.iter().map(|c| c.seq).collect::<Vec<_>>(),
        vec![3, 4, 5]
    );
    assert!(
        store
            .changes(b.id, 0, 500)
            .await
            .expect("changes")
            .is_empty()
    );

    // Pairing codes: single use, expiring.
    let later = now + TimeDelta::minutes(15);
    store
        .add_pairing_code(a.id, "code-hash", later, now)
        .await
        .expect("code");
    let dev = DeviceId::new();
    assert_eq!(
        store
            .pair_device("code-hash", dev, "Kasir", "tok-hash", now)
            .await
            .expect("pair"),
        PairOutcome::Paired(a.clone())
    );
    assert_eq!(
        store
            .pair_device("code-hash", DeviceId::new(), "Kasir", "tok2", now)
            .await
            .expect("reuse"),
        PairOutcome::Refused
    );
    store
        .add_pairing_code(a.id, "old-hash", now, now - TimeDelta::minutes(20))
        .await
        .expect("code");
    assert_eq!(
        store
            .pair_device("old-hash", DeviceId::new(), "Kasir", "tok3", now)
            .await
            .expect("expired"),
        PairOutcome::Refused
    );
    assert_eq!(
        store
            .device_by_token("tok-hash")
            .await
            .expect("auth")
            .map(|d| d.shop_id),
        Some(a.id)
    );
    assert!(store.revoke_device(dev, now).await.expect("revoke"));
    assert_eq!(store.device_by_token("tok-hash").await.expect("auth"), None);

    // Deposits: created once, credited once.
    let dep = StoredDeposit {
        shop_id: b.id,
        request_hash: "dh".into(),
        gateway_order_id: "DEP-1".into(),
        deposit: Deposit {
            id: DepositId::new(),
            amount_idr: rp(50_000),
            method: DepositMethod::Va,
            status: DepositStatus::Pending,
            bank: Some("bca".into()),
            va_number: Some("12345678901".into()),
            qr_string: None,
            expires_at: Some(later),
            created_at: now,
        },
    };
    assert_eq!(store.create_deposit(&dep).await.expect("create"), None);
    let existing = store
        .create_deposit(&dep)
        .await
        .expect("again")
        .expect("exists");
    assert_eq!(existing.deposit.va_number.as_deref(), Some("12345678901"));
    assert_eq!(
        store
            .deposit_by_gateway_id("DEP-1")
            .await
            .expect("by gw")
            .map(|d| d.deposit.id),
        Some(dep.deposit.id)
    );
    // Pending deposits asked for by a moment are the ones to ask the gateway about.
    let ids =
        |found: Vec<StoredDeposit>| found.into_iter().map(|d| d.deposit.id).collect::<Vec<_>>();
    let due = store.pending_deposits(now, 10).await.expect("pending");
    assert_eq!(ids(due), vec![dep.deposit.id]);
    let early = chrono::Duration::seconds(1);
    let not_yet = store
        .pending_deposits(now - early, 10)
        .await
        .expect("pending");
    assert_eq!(ids(not_yet), Vec::new(), "not yet due");
    assert!(store.deposit_paid(dep.deposit.id, now).await.expect("paid"));
    let after = store.pending_deposits(now, 10).await.expect("pending");
    assert_eq!(ids(after), Vec::new(), "paid: no longer pending");
    assert!(
        !store
            .deposit_paid(dep.deposit.id, now)
            .await
            .expect("paid twice")
    );
    assert!(
        !store
            .deposit_closed(dep.deposit.id, DepositStatus::Expired, now)
            .await
            .expect("expire after pay")
    );
    assert_eq!(
        store.saldo(b.id).await.expect("saldo").available_idr,
        rp(50_000)
    );
    assert_audit_clean(&store, "deposits").await;

    // Webhooks refused for a bad signature: counted per source, with the last time, which an
    // earlier batch arriving after a later one (another process's) does not move back.
    assert!(store.bad_signatures().await.expect("none").is_empty());
    // (The store keeps milliseconds.)
    let first = chrono::DateTime::from_timestamp_millis(now.timestamp_millis()).expect("ms");
    let later = first + TimeDelta::minutes(5);
    for (source, n, at) in [("iak", 3, later), ("midtrans", 1, first), ("iak", 2, first)] {
        store
            .note_bad_signatures(source, n, at)
            .await
            .expect("counted");
    }
    let refused: Vec<_> = store
        .bad_signatures()
        .await
        .expect("read")
        .into_iter()
        .map(|b| (b.source, b.count, b.last_at))
        .collect();
    assert_eq!(
        refused,
        [
            ("iak".to_owned(), 5, later),
            ("midtrans".to_owned(), 1, first)
        ]
    );
}

/// Many concurrent orders against a saldo that covers only some: exactly that many are
/// accepted, the saldo never goes below zero, and the books balance.
async fn concurrent_holds<S: Store + Clone + 'static>(store: S) {
    let now = Utc::now();
    let shop = store
        .create_shop("C01", "Konter C", Tier::Gold, now)
        .await
        .expect("shop");
    store
        .credit_manual(shop.id, rp(200_000), "modal", now)
        .await
        .expect("credit");
    let mut tasks = Vec::new();
    for _ in 0..60 {
        let store = store.clone();
        let order = new_order(shop.id, 10_000, 9_900);
        tasks.push(tokio::spawn(async move { store.place_order(&order).await }));
    }
    let mut created = 0;
    for t in tasks {
        match t.await.expect("task").expect("store ok") {
            PlaceOutcome::Created(_) => created += 1,
            PlaceOutcome::SaldoShort { .. } => {}
            PlaceOutcome::Exists(_) | PlaceOutcome::Refused(_) => panic!("ids are unique"),
            PlaceOutcome::BillPaid | PlaceOutcome::BillPaymentOpen { .. } => {
                panic!("no bill here")
            }
        }
    }
    assert_eq!(
        created, 20,
        "Rp200.000 covers exactly twenty Rp10.000 orders"
    );
    let saldo = store.saldo(shop.id).await.expect("saldo");
    assert_eq!(saldo.available_idr, rp(0));
    let seqs: HashSet<i64> = store
        .changes(shop.id, 0, 500)
        .await
        .expect("feed")
        .iter()
        .map(|c| c.seq)
        .collect();
    assert_eq!(
        seqs.len(),
        1 + 20 * 2,
        "credit (1 change) + 20 orders (order + saldo each), one seq each"
    );
    assert_audit_clean(&store, "concurrent holds").await;
}

/// Places every order twice at the same moment (a retry sent while the first is still
/// queued); each order's two answers, sorted.
async fn place_each_twice<S: Store + Clone + 'static>(
    store: &S,
    orders: &[NewOrder],
) -> HashMap<OrderId, Vec<&'static str>> {
    let mut tasks = Vec::new();
    for order in orders {
        for _ in 0..2 {
            let (store, order) = (store.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                (order.id, store.place_order(&order).await)
            }));
        }
    }
    let mut answers: HashMap<OrderId, Vec<&'static str>> = HashMap::new();
    for t in tasks {
        let (id, outcome) = t.await.expect("task");
        let answer = match outcome.expect("store ok") {
            PlaceOutcome::Created(order) => {
                assert_eq!(order.id, id);
                "created"
            }
            PlaceOutcome::Exists(stored) => {
                assert_eq!(stored.order.id, id);
                "exists"
            }
            PlaceOutcome::SaldoShort { .. } => "short",
            PlaceOutcome::BillPaid => "bill_paid",
            PlaceOutcome::BillPaymentOpen { .. } => "bill_open",
            PlaceOutcome::Refused(_) => "refused",
        };
        answers.entry(id).or_default().push(answer);
    }
    for both in answers.values_mut() {
        both.sort_unstable();
    }
    answers
}

/// Many counters of several shops at once, each order sent twice at the same moment (a
/// retry while the first is still queued): every order is placed once and both answers to
/// it agree, a poor shop's saldo is spent exactly, and every saldo change in the feed shows
/// the balance right after its own hold, in sequence order.
async fn concurrent_mixed_intake<S: Store + Clone + 'static>(store: S) {
    let now = Utc::now();
    let mut shops = Vec::new();
    for (code, saldo) in [("M01", 100_000), ("M02", 10_000_000), ("M03", 50_000)] {
        let shop = store
            .create_shop(code, "Konter M", Tier::Gold, now)
            .await
            .expect("shop");
        store
            .credit_manual(shop.id, rp(saldo), "modal", now)
            .await
            .expect("credit");
        shops.push(shop.id);
    }
    let (poor, rich, first) = (shops[0], shops[1], shops[2]);
    let mut orders = Vec::new();
    orders.extend((0..15).map(|_| new_order(poor, 10_000, 9_900)));
    orders.extend((0..30).map(|_| new_order(rich, 12_000, 11_800)));
    orders.push(new_order(first, 20_000, 19_800));
    let answers = place_each_twice(&store, &orders).await;
    let mut created: HashSet<OrderId> = HashSet::new();
    for (id, both) in answers {
        match both.as_slice() {
            ["created", "exists"] => {
                created.insert(id);
            }
            ["short", "short"] => {}
            other => panic!("{id}: answers disagree: {other:?}"),
        }
    }
    let of = |shop: ShopId| {
        orders
            .iter()
            .filter(|o| o.shop_id == shop && created.contains(&o.id))
            .count()
    };
    assert_eq!(of(poor), 10, "Rp100.000 covers exactly ten Rp10.000 orders");
    assert_eq!(of(rich), 30);
    assert_eq!(of(first), 1);
    let expect = [(poor, 0), (rich, 10_000_000 - 30 * 12_000), (first, 30_000)];
    for (shop, available) in expect {
        let saldo = store.saldo(shop).await.expect("saldo");
        assert_eq!(saldo.available_idr, rp(available), "{shop}");
        let feed = store.changes(shop, 0, 500).await.expect("feed");
        let seqs: Vec<i64> = feed.iter().map(|c| c.seq).collect();
        let expected: Vec<i64> = (1..=i64::try_from(feed.len()).expect("len")).collect();
        assert_eq!(
            seqs, expected,
            "{shop}: one change per sequence number, no gap"
        );
        // After the credit, each hold's saldo change shows what is left after it.
        let mut left = None;
        for change in &feed {
            if let ChangeKind::Saldo { movement } = &change.kind {
                if movement.reason == SaldoReason::Hold {
                    let was = left.expect("a hold comes after the credit");
                    let now = movement.saldo.available_idr.idr();
                    assert_eq!(
                        now,
                        was + movement.amount_idr.idr(),
                        "{shop}: seq {}",
                        change.seq
                    );
                    assert_eq!(
                        movement.saldo.balance_idr,
                        movement
                            .saldo
                            .available_idr
                            .checked_add(movement.saldo.held_idr)
                            .expect("sum")
                    );
                }
                left = Some(movement.saldo.available_idr.idr());
            }
        }
        assert_eq!(left, Some(available), "{shop}: the feed ends at the saldo");
    }
    assert_audit_clean(&store, "mixed intake").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_mixed_intake_on_sqlite() {
    let (store, _dir) = sqlite().await;
    concurrent_mixed_intake(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_mixed_intake_on_postgres() {
    if let Some(store) = postgres().await {
        concurrent_mixed_intake(store).await;
    }
}

/// Three orders of one shop racing to pay the same customer's bill — two through one
/// inquiry, one through a second inquiry of the same bill — each sent twice at once: exactly
/// one pays it (its retry is answered with it), the others are refused both times, and only
/// the paying order holds saldo.
async fn concurrent_bill_claims<S: Store + Clone + 'static>(store: S) {
    let now = Utc::now();
    let shop = store
        .create_shop("B01", "Konter B", Tier::Gold, now)
        .await
        .expect("shop");
    store
        .credit_manual(shop.id, rp(1_000_000), "modal", now)
        .await
        .expect("credit");
    let period = BillPeriod {
        period: "202611".into(),
        amount_idr: rp(150_000),
        admin_idr: rp(2_500),
        penalty_idr: rp(0),
        meter_start: None,
        meter_end: None,
    };
    let bill = Bill::from_periods("BUDI".into(), None, None, vec![period]).expect("bill");
    let total = bill.total_idr;
    let inquiry = StoredInquiry {
        shop_id: shop.id,
        device_id: DeviceId::new(),
        request_hash: "inq".into(),
        supplier: "digiflazz".into(),
        supplier_sku: "pln".into(),
        ref_id: "Kinq-0".into(),
        cost: rp(151_000),
        inquiry: BillInquiry {
            inquiry_id: InquiryId::new(),
            sku: Sku::parse("plnpasca").expect("sku"),
            kind: BillKind::PlnPasca,
            product_name: "PLN Pascabayar".into(),
            customer_no: "530000000001".into(),
            bill,
            expires_at: now + TimeDelta::hours(1),
            created_at: now,
            order_id: None,
        },
    };
    let mut again = inquiry.clone();
    again.inquiry.inquiry_id = InquiryId::new();
    again.ref_id = "Kinq2-0".into();
    for inquiry in [&inquiry, &again] {
        assert_eq!(store.save_inquiry(inquiry).await.expect("save"), None);
    }
    let paying = |inquiry: &StoredInquiry| NewOrder {
        inquiry_id: Some(inquiry.inquiry.inquiry_id),
        sku: "plnpasca".into(),
        target: "530000000001".into(),
        ..new_order(shop.id, total.idr(), 151_000)
    };
    let payments = [paying(&inquiry), paying(&inquiry), paying(&again)];
    let answers = place_each_twice(&store, &payments).await;
    let mut payer = None;
    for (id, both) in answers {
        match both.as_slice() {
            ["created", "exists"] => assert!(payer.replace(id).is_none(), "paid twice"),
            refused
                if refused
                    .iter()
                    .all(|a| ["bill_paid", "bill_open"].contains(a)) => {}
            other => panic!("{id}: {other:?}"),
        }
    }
    let payer = payer.expect("one order pays the bill");
    let mut paid_by = Vec::new();
    for inquiry in [&inquiry, &again] {
        let stored = store
            .inquiry(inquiry.inquiry.inquiry_id)
            .await
            .expect("read")
            .expect("inquiry");
        paid_by.extend(stored.inquiry.order_id);
    }
    assert_eq!(paid_by, [payer], "one inquiry is paid, by the payer");
    let saldo = store.saldo(shop.id).await.expect("saldo");
    assert_eq!(saldo.held_idr, total);
    assert_audit_clean(&store, "bill claims").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_bill_claims_on_sqlite() {
    let (store, _dir) = sqlite().await;
    concurrent_bill_claims(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_bill_claims_on_postgres() {
    if let Some(store) = postgres().await {
        concurrent_bill_claims(store).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn story_on_sqlite() {
    let (store, _dir) = sqlite().await;
    story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn story_on_postgres() {
    if let Some(store) = postgres().await {
        story(store).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_holds_on_sqlite() {
    let (store, _dir) = sqlite().await;
    concurrent_holds(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_holds_on_postgres() {
    if let Some(store) = postgres().await {
        concurrent_holds(store).await;
    }
}

/// The journal and the owners' accounts: the same story on every backend.
async fn journal_story<S: Store>(store: S) {
    use konter_domain::ids::{CashierId, ShiftId};
    use konter_domain::journal::{Entry, Sale, ShiftClose};
    use konter_server::store::journal::{Grouping, JournalWrite, ReportScope};

    // The store keeps times to the millisecond.
    let now = chrono::DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).expect("now");
    let shop = store
        .create_shop("J01", "Konter J", Tier::Gold, now)
        .await
        .expect("shop");
    seed_catalogue(&store).await;
    store
        .credit_manual(shop.id, rp(100_000), "modal", now)
        .await
        .expect("credit");
    store
        .add_pairing_code(shop.id, "code-hash", now + TimeDelta::minutes(5), now)
        .await
        .expect("code");
    let device = DeviceId::new();
    let paired = store
        .pair_device("code-hash", device, "Kasir 1", "token-hash", now)
        .await
        .expect("pair");
    assert!(matches!(paired, PairOutcome::Paired(_)));
    let wib = chrono::FixedOffset::east_opt(7 * 3600).expect("WIB");
    let day = now.with_timezone(&wib).date_naive();
    let sale = |order: OrderId, cashier: &str, price: i64| Sale {
        order_id: order,
        cashier_id: Some(CashierId::new()),
        cashier_name: cashier.into(),
        sku: Sku::parse("tsel10").expect("sku"),
        product_name: "Telkomsel 10.000".into(),
        category: konter_domain::catalogue::Category::Pulsa,
        price_idr: rp(price),
        cost_idr: rp(10_650),
        fee_idr: rp(0),
        cash_idr: rp(price),
        change_idr: rp(0),
        sold_at: now,
        day,
        utc_offset_h: 7,
    };
    let mut ids = Vec::new();
    for target in ["081234567890", "081234567891", "081234567892"] {
        let new = NewOrder {
            target: target.into(),
            device_id: device,
            ..NewOrder::sample(shop.id, rp(10_650), rp(10_150))
        };
        assert!(matches!(
            store.place_order(&new).await.expect("place"),
            PlaceOutcome::Created(_)
        ));
        ids.push(new.id);
    }
    let entries: Vec<Entry> = vec![
        Entry::Sale(sale(ids[0], "Sri", 11_500)),
        Entry::Sale(sale(ids[1], "Sri", 11_500)),
        Entry::Sale(sale(ids[2], "Budi", 12_000)),
        Entry::ShiftClose(ShiftClose {
            shift_id: ShiftId::new(),
            cashier_id: CashierId::new(),
            cashier_name: "Sri".into(),
            opened_at: now - TimeDelta::hours(8),
            closed_at: now,
            opening_cash_idr: rp(50_000),
            expected_cash_idr: rp(73_000),
            counted_cash_idr: rp(72_000),
            difference_idr: rp(-1_000),
            closed_by: "Sri".into(),
            day,
            utc_offset_h: 7,
        }),
    ];
    let writes = store
        .record_journal(shop.id, device, &entries, now)
        .await
        .expect("journal");
    assert_eq!(writes, [JournalWrite::Stored; 4]);
    let again = store
        .record_journal(shop.id, device, &entries, now)
        .await
        .expect("journal");
    assert_eq!(again, [JournalWrite::Exists; 4]);
    let mut other = entries[0].clone();
    if let Entry::Sale(s) = &mut other {
        s.cashier_name = "Budi".into();
    }
    let conflict = store
        .record_journal(shop.id, device, &[other], now)
        .await
        .expect("journal");
    assert_eq!(conflict, [JournalWrite::Conflict]);

    let success = |sn: &str| Settlement::Success {
        sn: Some(sn.into()),
        pln_token: None,
        cost: rp(10_150),
    };
    store
        .settle_order(ids[0], &success("SN0"), now)
        .await
        .expect("settle");
    store
        .settle_order(ids[2], &success("SN2"), now)
        .await
        .expect("settle");
    let failed = Settlement::Failed {
        code: "45".into(),
        message: "Nomor salah".into(),
    };
    store
        .settle_order(ids[1], &failed, now)
        .await
        .expect("settle");
    let refund = Settlement::Refunded {
        code: "R".into(),
        message: "Refund".into(),
    };
    let later = now + TimeDelta::minutes(1);
    store
        .settle_order(ids[2], &refund, later)
        .await
        .expect("refund");

    let scope = ReportScope {
        shop: shop.id,
        from: day,
        to: day,
    };
    let sellers = store
        .journal_sums(&scope, Grouping::Seller)
        .await
        .expect("sums");
    let mut seen: Vec<(String, String, String, i64, i64)> = sellers
        .iter()
        .map(|s| {
            (
                s.keys.0.clone(),
                s.keys.1.clone(),
                s.status.clone(),
                s.count,
                s.price.idr(),
            )
        })
        .collect();
    seen.sort();
    let d = device.to_string();
    assert_eq!(
        seen,
        [
            (
                d.clone(),
                "Budi".to_owned(),
                "refunded".to_owned(),
                1,
                12_000
            ),
            (d.clone(), "Sri".to_owned(), "failed".to_owned(), 1, 11_500),
            (d, "Sri".to_owned(), "success".to_owned(), 1, 11_500),
        ]
    );
    let times = store
        .journal_sums(&scope, Grouping::Time)
        .await
        .expect("sums");
    let hour = now.with_timezone(&wib).format("%-H").to_string();
    assert!(
        times
            .iter()
            .all(|s| s.keys == (day.to_string(), hour.clone())),
        "{times:?}"
    );
    let products = store
        .journal_sums(&scope, Grouping::Product)
        .await
        .expect("sums");
    assert!(
        products
            .iter()
            .all(|s| s.label.as_deref() == Some("Telkomsel 10.000")
                && s.keys == ("tsel10".to_owned(), "pulsa".to_owned()))
    );
    for by in [Grouping::Seller, Grouping::Product, Grouping::Time] {
        let total: i64 = store
            .journal_sums(&scope, by)
            .await
            .expect("sums")
            .iter()
            .map(|s| s.count)
            .sum();
        assert_eq!(total, 3, "{by:?}");
    }
    let problems = store.journal_problems(&scope, 10).await.expect("problems");
    assert_eq!(problems.len(), 2);
    assert!(
        problems
            .iter()
            .any(|p| p.reason.as_deref() == Some("Nomor salah"))
    );
    let refunds = store
        .journal_refunds(shop.id, now, later + TimeDelta::seconds(1))
        .await
        .expect("refunds");
    assert_eq!(refunds.len(), 1);
    assert_eq!(
        refunds[0].status_at.timestamp_millis(),
        later.timestamp_millis()
    );
    assert!(
        store
            .journal_refunds(shop.id, now - TimeDelta::days(2), now)
            .await
            .expect("refunds")
            .is_empty()
    );
    assert_eq!(store.journal_sales(&scope).await.expect("sales").len(), 3);
    let shifts = store.journal_shifts(&scope).await.expect("shifts");
    assert_eq!(shifts.len(), 1);
    assert_eq!(Entry::ShiftClose(shifts[0].close.clone()), entries[3]);
    assert_eq!(
        store.device_names(shop.id).await.expect("names"),
        [(device, "Kasir 1".to_owned())]
    );
    let history = store.money_history(shop.id, 50).await.expect("history");
    assert!(!history.is_empty());
    assert!(
        store
            .deposits_of(shop.id, 10)
            .await
            .expect("deposits")
            .is_empty()
    );

    // Owners: a setup code, a password set once, sessions that end.
    let owner = store
        .owner_setup_code(
            "081211110001",
            shop.id,
            "setup-1",
            now + TimeDelta::hours(1),
            now,
        )
        .await
        .expect("owner");
    assert!(owner.password_hash.is_none());
    assert_eq!(store.owner_shops(owner.id).await.expect("shops").len(), 1);
    assert!(
        !store
            .set_owner_password(owner.id, "setup-other", "hash", now)
            .await
            .expect("set")
    );
    assert!(
        !store
            .set_owner_password(owner.id, "setup-1", "hash", now + TimeDelta::hours(2))
            .await
            .expect("set"),
        "an expired code"
    );
    assert!(
        store
            .set_owner_password(owner.id, "setup-1", "hash", now)
            .await
            .expect("set")
    );
    assert!(
        !store
            .set_owner_password(owner.id, "setup-1", "hash2", now)
            .await
            .expect("set"),
        "a code works once"
    );
    store
        .start_owner_session(owner.id, "s1", "csrf1", now + TimeDelta::hours(1), now)
        .await
        .expect("session");
    store
        .start_owner_session(owner.id, "s2", "csrf2", now + TimeDelta::hours(1), now)
        .await
        .expect("session");
    let s = store
        .owner_session("s1", now)
        .await
        .expect("read")
        .expect("session");
    assert_eq!((s.owner.id, s.csrf_token.as_str()), (owner.id, "csrf1"));
    assert!(
        store
            .owner_session("s1", now + TimeDelta::hours(2))
            .await
            .expect("read")
            .is_none(),
        "expired"
    );
    store.end_owner_session("s1").await.expect("end");
    assert!(
        store
            .owner_session("s1", now)
            .await
            .expect("read")
            .is_none()
    );
    assert_eq!(
        store.end_owner_sessions(owner.id).await.expect("end all"),
        1
    );
    assert!(
        store
            .owner_session("s2", now)
            .await
            .expect("read")
            .is_none()
    );
    assert_audit_clean(&store, "the journal story").await;
}

#[tokio::test]
async fn journal_story_on_sqlite() {
    let (store, _dir) = sqlite().await;
    journal_story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn journal_story_on_postgres() {
    if let Some(store) = postgres().await {
        journal_story(store).await;
    }
}
