//! The Digiflazz adapter against konter-sandbox's Digiflazz on a socket.

use konter_server::config::{Digiflazz as Config, Secret};
use konter_server::suppliers::Outcome;
use konter_server::suppliers::digiflazz::Digiflazz;

async fn sandbox() -> (String, konter_sandbox::Sandbox) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let sim = konter_sandbox::Sandbox::new(konter_sandbox::Settings::default());
    let router = konter_sandbox::router(sim.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (base, sim)
}

fn adapter(base: &str, key: &str, testing: bool) -> Digiflazz {
    Digiflazz::new(Config {
        base_url: format!("{base}/digiflazz/v1"),
        username: konter_sandbox::digiflazz::DEFAULT_USERNAME.into(),
        api_key: Secret::new(key),
        webhook_secret: Secret::default(),
        testing,
    })
    .expect("client")
}

#[tokio::test]
async fn outcomes_by_class_and_the_same_ref_id_is_a_status_check() {
    let (base, _sim) = sandbox().await;
    let prod = adapter(&base, konter_sandbox::digiflazz::DEFAULT_PROD_KEY, false);
    // Last digit 0: success at once, with the SN.
    let ok = prod.topup("KNT-T1", "tsel10", "081234567890", 20_000).await;
    assert!(
        matches!(&ok, Outcome::Success { sn, .. } if !sn.is_empty()),
        "{ok:?}"
    );
    let again = prod.topup("KNT-T1", "tsel10", "081234567890", 20_000).await;
    assert_eq!(again, ok, "re-posting the ref_id answers the same purchase");
    // 2: failed; 3: pending; 6: wrong number (final); 7: product disrupted (elsewhere).
    assert!(matches!(
        prod.topup("KNT-T2", "tsel10", "081234567892", 20_000).await,
        Outcome::FailedFinal { .. }
    ));
    assert_eq!(
        prod.topup("KNT-T3", "tsel10", "081234567893", 20_000).await,
        Outcome::Pending
    );
    assert!(
        matches!(prod.topup("KNT-T6", "tsel10", "081234567896", 20_000).await, Outcome::FailedFinal { code, .. } if code == "54")
    );
    assert!(
        matches!(prod.topup("KNT-T7", "tsel10", "081234567897", 20_000).await, Outcome::FailedTryElsewhere { code, .. } if code == "55")
    );
    // A price above max_price is refused, not charged.
    assert!(
        matches!(prod.topup("KNT-T8", "tsel10", "081234567890", 100).await, Outcome::FailedTryElsewhere { code, .. } if code == "69")
    );
    let wrong_key = adapter(&base, "not-the-key", false);
    assert!(
        matches!(wrong_key.topup("KNT-T9", "tsel10", "081234567890", 20_000).await, Outcome::RejectedConfig { code, .. } if code == "41")
    );
    assert!(prod.balance().await.expect("balance") > 0);
}

#[tokio::test]
async fn a_dropped_connection_is_unknown_never_failed() {
    let (base, _sim) = sandbox().await;
    let http = reqwest::Client::new();
    http.post(format!("{base}/_sandbox/faults"))
        .json(&serde_json::json!({"drop_after_commit": true, "count": 1}))
        .send()
        .await
        .expect("fault");
    let prod = adapter(&base, konter_sandbox::digiflazz::DEFAULT_PROD_KEY, false);
    let first = prod.topup("KNT-D1", "tsel10", "081234567890", 20_000).await;
    assert!(matches!(first, Outcome::Unknown { .. }), "{first:?}");
    // Asking again under the same ref_id finds the purchase the supplier committed.
    let asked = prod.topup("KNT-D1", "tsel10", "081234567890", 20_000).await;
    assert!(matches!(asked, Outcome::Success { .. }), "{asked:?}");
}
