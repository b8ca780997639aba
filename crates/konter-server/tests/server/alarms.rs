//! The operator's alarms: a supplier refusing our key, deposits below their floor, orders
//! waiting too long or in review — on `/metrics`, in `konter-server status`, and every
//! metric the Prometheus rules file names exists.

use std::time::Duration;

use chrono::Utc;
use konter_domain::money::Rupiah;
use konter_server::config::Secret;
use konter_server::store::{JobNext, NewOrder, PlaceOutcome, Store};
use konter_tests::rig::rig_with;
use konter_tests::sqlite;

/// `GET /metrics` as text.
pub(crate) async fn metrics(http: &reqwest::Client, base: &str) -> String {
    http.get(format!("{base}/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text")
}

/// The value of the sample named exactly `series` (with its labels).
pub(crate) fn gauge(metrics: &str, series: &str) -> Option<i64> {
    metrics.lines().find_map(|l| {
        let (name, value) = l.rsplit_once(' ')?;
        (name == series).then(|| value.parse().ok())?
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supplier_refusing_our_key_is_an_alarm_and_its_deposit_cannot_be_read() {
    let (store, _dir) = sqlite().await;
    let rig = rig_with(store, "AL1", |c| {
        if let Some(d) = c.suppliers.digiflazz.as_mut() {
            d.api_key = Secret::new("a-key-digiflazz-does-not-know");
        }
        c.alarms.deposit_check_s = Some(0);
    })
    .await;
    let before = metrics(&rig.http, &rig.base).await;
    assert_eq!(
        gauge(&before, "konter_supplier_refusing{supplier=\"digiflazz\"}"),
        Some(0)
    );
    // Digiflazz refuses the purchase for our signature; IAK delivers it.
    let placed = rig.order("tsel10", "081234567890", 20_000).await;
    rig.wait_for(placed.id, konter_domain::order::OrderStatus::Success)
        .await;
    let after = metrics(&rig.http, &rig.base).await;
    assert_eq!(
        gauge(&after, "konter_supplier_refusing{supplier=\"digiflazz\"}"),
        Some(1),
        "{after}"
    );
    assert_eq!(
        gauge(&after, "konter_supplier_refusing{supplier=\"iak\"}"),
        Some(0),
        "IAK answered"
    );
    let (text, alarm) = konter_server::alarms::status(&rig.app)
        .await
        .expect("status");
    assert!(alarm, "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("ALARM digiflazz: the balance call failed")),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with("ok    iak: deposit Rp")),
        "{text}"
    );
    let checked = metrics(&rig.http, &rig.base).await;
    assert_eq!(
        gauge(
            &checked,
            "konter_supplier_deposit_check_failed{supplier=\"digiflazz\"}"
        ),
        Some(1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deposits_below_their_floor_and_a_stuck_queue_are_alarms_until_they_are_not() {
    let (store, _dir) = sqlite().await;
    let rig = rig_with(store, "AL2", |c| {
        c.alarms
            .deposit_floor_idr
            .insert("digiflazz".into(), 1_000_000_000_000);
        c.alarms.deposit_floor_idr.insert("iak".into(), 1);
        c.alarms.deposit_check_s = Some(0);
        c.alarms.job_age_s = Some(0);
    })
    .await;
    konter_server::alarms::check_deposits(&rig.app).await;
    let m = metrics(&rig.http, &rig.base).await;
    assert_eq!(
        gauge(&m, "konter_supplier_deposit_low{supplier=\"digiflazz\"}"),
        Some(1),
        "{m}"
    );
    assert_eq!(
        gauge(&m, "konter_supplier_deposit_low{supplier=\"iak\"}"),
        Some(0),
        "{m}"
    );
    assert!(gauge(&m, "konter_supplier_deposit_idr{supplier=\"iak\"}").is_some_and(|d| d > 1));
    assert_eq!(
        gauge(
            &m,
            "konter_supplier_deposit_floor_idr{supplier=\"digiflazz\"}"
        ),
        Some(1_000_000_000_000)
    );
    assert_eq!(
        gauge(&m, "konter_jobs_stale"),
        Some(0),
        "nothing waits: {m}"
    );
    assert_eq!(gauge(&m, "konter_orders_in_review"), Some(0));

    // Two orders the workers cannot reach (written straight to the store, their jobs due in
    // an hour), one of them handed to an operator.
    let store = &rig.app.store;
    let shop = store
        .shop_by_code("AL2")
        .await
        .expect("read")
        .expect("shop");
    let mut ids = Vec::new();
    for target in ["081234567890", "081234567891"] {
        let new = NewOrder {
            target: target.into(),
            ..NewOrder::sample(shop.id, Rupiah::from_idr(10_700), Rupiah::from_idr(10_150))
        };
        let PlaceOutcome::Created(order) = store.place_order(&new).await.expect("place") else {
            panic!("placed");
        };
        let later = Utc::now() + chrono::TimeDelta::hours(1);
        store
            .schedule_job(order.id, JobNext::At(later), Utc::now())
            .await
            .expect("later");
        ids.push(order.id);
    }
    store
        .schedule_job(ids[1], JobNext::Review, Utc::now())
        .await
        .expect("review");
    tokio::time::sleep(Duration::from_millis(20)).await;
    let m = metrics(&rig.http, &rig.base).await;
    assert_eq!(gauge(&m, "konter_jobs_open"), Some(1), "{m}");
    assert_eq!(gauge(&m, "konter_jobs_stale"), Some(1), "{m}");
    assert_eq!(gauge(&m, "konter_orders_in_review"), Some(1), "{m}");
    let (text, alarm) = konter_server::alarms::status(&rig.app)
        .await
        .expect("status");
    assert!(alarm);
    assert!(text.contains("ALARM queue: 1 orders open"), "{text}");
    assert!(
        text.contains("ALARM review: 1 orders need an operator"),
        "{text}"
    );
    assert!(
        text.contains(&format!("konter-server order show {}", ids[1])),
        "the order to look at is named: {text}"
    );
    assert!(text.contains("ALARM digiflazz: deposit"), "{text}");
    assert!(text.contains("ok    iak: deposit"), "{text}");
}

/// Every `konter_…` series the alert rules use is one `/metrics` serves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_alert_rules_name_only_metrics_the_server_serves() {
    let rules = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../deploy/prometheus/konter.rules.yml"
    ))
    .expect("rules file");
    let (store, _dir) = sqlite().await;
    let rig = rig_with(store, "AL3", |c| c.alarms.deposit_check_s = Some(0)).await;
    let served = metrics(&rig.http, &rig.base).await;
    let names: Vec<&str> = rules
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("konter_"))
        .collect();
    assert!(names.len() >= 8, "{names:?}");
    for name in names {
        assert!(
            served.contains(&format!("# TYPE {name} ")),
            "the rules use {name}, which /metrics does not serve"
        );
    }
}

/// Webhooks refused for a bad signature are an alarm in `konter-server status` whichever
/// process refused them: the count lives in the store, so another server process on the
/// same database (here a second `App` over it, with nothing in memory) reports them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_webhooks_are_an_alarm_in_any_process_status() {
    let (store, dir) = sqlite().await;
    let rig = rig_with(store, "AL3", |_| {}).await;
    let url = format!("sqlite://{}", dir.path().join("konter.db").display());
    let other = || async {
        let store = konter_server::store::SqliteStore::open(&url)
            .await
            .expect("the same database");
        konter_server::App::new(store, (*rig.app.config).clone()).expect("another process")
    };
    let (text, _) = konter_server::alarms::status(&other().await)
        .await
        .expect("status");
    assert!(
        text.lines()
            .any(|l| l == "ok    webhooks: none refused for a bad signature"),
        "{text}"
    );
    for _ in 0..2 {
        let forged = rig
            .http
            .post(format!("{}/hooks/digiflazz", rig.base))
            .header("x-hub-signature", "sha1=0000")
            .body(r#"{"data":{"ref_id":"K-forged-1","status":"Gagal"}}"#)
            .send()
            .await
            .expect("post");
        assert_eq!(forged.status(), 401);
    }
    // The first refusal is in the store at once; the second waits for the serving
    // process's next minute (its alarm loop adds what it counted since).
    let (text, alarm) = konter_server::alarms::status(&other().await)
        .await
        .expect("status");
    assert!(alarm, "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("ALARM webhooks: 1 from digiflazz refused for a bad signature")),
        "{text}"
    );
    konter_server::alarms::flush_signatures(&rig.app).await;
    let (text, alarm) = konter_server::alarms::status(&other().await)
        .await
        .expect("status");
    assert!(alarm, "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("ALARM webhooks: 2 from digiflazz refused for a bad signature")),
        "{text}"
    );
}
