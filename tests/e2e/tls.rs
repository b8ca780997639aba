//! HTTPS served by konter-server itself: a counter trusting the shop's own CA pairs and sells;
//! a counter that does not trust it cannot pair; plain HTTP gets nothing; a renewed
//! certificate is served from the next handshake on, without a restart; a broken one is not.

use std::sync::Arc;
use std::time::Duration;

use konter_client::link::HttpLink;
use konter_client::token::FileStore;
use konter_client::{Engine, Wiring};
use konter_domain::order::OrderStatus;
use konter_server::config::TlsConfig;
use konter_tests::TestCa;

use crate::harness::*;

/// The certificate a client that trusts `ca_pem` is shown by the server at `url`.
async fn served_certificate(url: &str, ca_pem: &str) -> Result<Vec<u8>, reqwest::Error> {
    let client = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes())?)
        .tls_info(true)
        .build()?;
    let resp = client.get(format!("{url}/healthz")).send().await?;
    let info = resp.extensions().get::<reqwest::tls::TlsInfo>().cloned();
    Ok(info
        .and_then(|i| i.peer_certificate().map(<[u8]>::to_vec))
        .unwrap_or_default())
}

/// Asks until the server shows `want`, for up to ten seconds.
async fn wait_for_certificate(url: &str, ca_pem: &str, want: &[u8]) -> bool {
    for _ in 0..100 {
        if served_certificate(url, ca_pem).await.ok().as_deref() == Some(want) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counter_pairs_and_sells_over_https_and_a_renewed_certificate_needs_no_restart() {
    let files = tempfile::tempdir().expect("dir");
    let ca = TestCa::new("Toko Test CA");
    let first = ca.server_cert();
    let (cert, key) = first.write(files.path());
    let server = Server::start_configured(true, |c| {
        c.tls = Some(TlsConfig {
            cert,
            key,
            min_version: None,
            reload_check_ms: Some(100),
        });
    })
    .await;
    let url = server.url();
    assert!(url.starts_with("https://"), "{url}");

    let dir = tempfile::tempdir().expect("dir");
    let engine = Engine::open_wired(
        dir.path(),
        Box::new(FileStore::new(dir.path())),
        Wiring {
            link: Arc::new(HttpLink::with_extra_roots(ca.pem.as_bytes()).expect("roots")),
            ids: Arc::new(uuid::Uuid::now_v7),
        },
    )
    .expect("engine");
    engine
        .pair(&url, &server.pairing_code().await, "Kasir 1")
        .await
        .expect("pairs over HTTPS");
    let id = engine.place_order(&sale("081234567890")).expect("sell").id;
    let done = sync_until_settled(&engine, &[id.to_string()]).await;
    assert_eq!(done[0].status, OrderStatus::Success, "{:?}", done[0]);

    // A counter trusting only the public and system roots refuses this certificate.
    let stranger_dir = tempfile::tempdir().expect("dir");
    let stranger = open(stranger_dir.path());
    let refused = stranger
        .pair(&url, &server.pairing_code().await, "Kasir 2")
        .await;
    assert!(refused.is_err(), "an untrusted certificate: {refused:?}");
    // The port speaks TLS only: a plain request gets no HTTP answer.
    let plain = url.replace("https://localhost", "http://127.0.0.1");
    let answer = reqwest::get(format!("{plain}/healthz")).await;
    assert!(answer.is_err(), "plain HTTP answered: {answer:?}");

    // Renewed: the new certificate from the next handshake on, same process.
    assert_eq!(
        served_certificate(&url, &ca.pem).await.expect("https"),
        first.der
    );
    let renewed = ca.server_cert();
    renewed.write(files.path());
    assert!(
        wait_for_certificate(&url, &ca.pem, &renewed.der).await,
        "the renewed certificate was not served"
    );
    // A half-written pair (a key that does not match) is not taken: the last good one stays.
    let other = ca.server_cert();
    std::fs::write(files.path().join("key.pem"), &other.key_pem).expect("write");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        served_certificate(&url, &ca.pem).await.expect("https"),
        renewed.der,
        "a mismatched key must not replace the certificate"
    );
    // The counter keeps working with the renewed certificate.
    let id = engine.place_order(&sale("081234567880")).expect("sell").id;
    let done = sync_until_settled(&engine, &[id.to_string()]).await;
    assert_eq!(done[0].status, OrderStatus::Success, "{:?}", done[0]);
    assert_device_books(&engine);
    server.assert_books().await;
}
