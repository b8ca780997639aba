//! The Digiflazz adapter against konter-sandbox's Digiflazz on a socket.

use konter_domain::money::Rupiah;
use konter_server::config::{Digiflazz as Config, Iak as IakConfig, Secret};
use konter_server::suppliers::digiflazz::Digiflazz;
use konter_server::suppliers::iak::Iak;
use konter_server::suppliers::{Outcome, Purchase};

fn buy(ref_id: &str, sku: &str, customer_no: &str, max_price: i64) -> Purchase {
    Purchase {
        ref_id: ref_id.into(),
        supplier_sku: sku.into(),
        customer_no: customer_no.into(),
        max_price: Rupiah::from_idr(max_price),
        bill: false,
    }
}

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
    Digiflazz::new(
        Config {
            base_url: format!("{base}/digiflazz/v1"),
            username: konter_sandbox::digiflazz::DEFAULT_USERNAME.into(),
            api_key: Secret::new(key),
            webhook_secret: Secret::default(),
            testing,
            status_interval_ms: None,
        },
        http(),
    )
}

#[tokio::test]
async fn outcomes_by_class_and_the_same_ref_id_is_a_status_check() {
    let (base, _sim) = sandbox().await;
    let prod = adapter(&base, konter_sandbox::digiflazz::DEFAULT_PROD_KEY, false);
    // Last digit 0: success at once, with the SN.
    let ok = prod
        .topup(&buy("KNT-T1", "tsel10", "081234567890", 20_000))
        .await
        .0;
    assert!(
        matches!(&ok, Outcome::Success { sn, .. } if !sn.is_empty()),
        "{ok:?}"
    );
    let again = prod
        .topup(&buy("KNT-T1", "tsel10", "081234567890", 20_000))
        .await
        .0;
    assert_eq!(again, ok, "re-posting the ref_id answers the same purchase");
    // 2: failed; 3: pending; 6: wrong number (final); 7: product disrupted (elsewhere).
    assert!(matches!(
        prod.topup(&buy("KNT-T2", "tsel10", "081234567892", 20_000))
            .await
            .0,
        Outcome::FailedFinal { .. }
    ));
    assert_eq!(
        prod.topup(&buy("KNT-T3", "tsel10", "081234567893", 20_000))
            .await
            .0,
        Outcome::Pending
    );
    assert!(
        matches!(prod.topup(&buy("KNT-T6", "tsel10", "081234567896", 20_000)).await.0, Outcome::FailedFinal { code, .. } if code == "54")
    );
    assert!(
        matches!(prod.topup(&buy("KNT-T7", "tsel10", "081234567897", 20_000)).await.0, Outcome::FailedTryElsewhere { code, .. } if code == "55")
    );
    // A price above max_price is refused, not charged.
    assert!(
        matches!(prod.topup(&buy("KNT-T8", "tsel10", "081234567890", 100)).await.0, Outcome::FailedTryElsewhere { code, .. } if code == "69")
    );
    let wrong_key = adapter(&base, "not-the-key", false);
    assert!(
        matches!(wrong_key.topup(&buy("KNT-T9", "tsel10", "081234567890", 20_000)).await.0, Outcome::RejectedConfig { code, .. } if code == "41")
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
    let first = prod
        .topup(&buy("KNT-D1", "tsel10", "081234567890", 20_000))
        .await
        .0;
    assert!(matches!(first, Outcome::Unknown { .. }), "{first:?}");
    // Asking again under the same ref_id finds the purchase the supplier committed.
    let asked = prod
        .topup(&buy("KNT-D1", "tsel10", "081234567890", 20_000))
        .await
        .0;
    assert!(matches!(asked, Outcome::Success { .. }), "{asked:?}");
}

#[tokio::test]
async fn iak_answers_process_then_the_status_check_and_callback_sign_decide() {
    let (base, _sim) = sandbox().await;
    let iak = Iak::new(
        IakConfig {
            base_url: format!("{base}/iak"),
            username: konter_sandbox::iak::DEFAULT_USERNAME.into(),
            api_key: Secret::new(konter_sandbox::iak::DEFAULT_PROD_KEY),
            status_interval_ms: None,
        },
        http(),
    );
    let first = iak
        .topup(&buy("KNT-I1", "htelkomsel10000", "081234567890", 20_000))
        .await;
    assert_eq!(
        first.0,
        Outcome::Pending,
        "IAK always answers PROCESS first"
    );
    assert!(
        !first.1.request.to_string().contains("sign"),
        "the audit copy has no sign"
    );
    // The sandbox settles a success at once; the status check reads it.
    let mut status = Outcome::Pending;
    for _ in 0..50 {
        status = iak
            .status(&buy("KNT-I1", "htelkomsel10000", "081234567890", 20_000))
            .await
            .0;
        if status != Outcome::Pending {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        matches!(&status, Outcome::Success { sn, .. } if !sn.is_empty()),
        "{status:?}"
    );
    // A ref_id IAK never saw is bought under that same ref_id, once.
    let lost = iak
        .status(&buy("KNT-I2", "htelkomsel10000", "081234567892", 20_000))
        .await
        .0;
    assert_eq!(lost, Outcome::Pending, "{lost:?}");
    let again = iak
        .status(&buy("KNT-I2", "htelkomsel10000", "081234567892", 20_000))
        .await
        .0;
    assert!(
        matches!(again, Outcome::FailedFinal { .. } | Outcome::Pending),
        "{again:?}"
    );
    let sign = konter_server::suppliers::digiflazz::sign(
        konter_sandbox::iak::DEFAULT_USERNAME,
        konter_sandbox::iak::DEFAULT_PROD_KEY,
        "KNT-I1",
    );
    assert!(iak.verify_callback("KNT-I1", &sign));
    assert!(!iak.verify_callback("KNT-I2", &sign));
    assert!(iak.balance().await.expect("balance") > 0);
}

fn http() -> std::sync::Arc<dyn konter_server::suppliers::Transport> {
    std::sync::Arc::new(konter_server::suppliers::HttpTransport::new().expect("client"))
}
