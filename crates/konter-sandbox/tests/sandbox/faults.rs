//! The fault switches under /_sandbox/faults, each observed from the client's side.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::{hub_signature, md5_hex, start};

#[tokio::test]
async fn delay_holds_the_answer_for_the_next_request_only() {
    let sim = start(|_| {}).await;
    let (status, v) = sim
        .post(
            "/_sandbox/faults",
            &json!({"api": "digiflazz", "count": 1, "delay_ms": 1_000}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let t = Instant::now();
    let _ = sim.df_balance(false).await;
    assert!(
        t.elapsed() >= Duration::from_millis(1_000),
        "the first answer waits"
    );
    let t = Instant::now();
    let _ = sim.df_balance(false).await;
    assert!(
        t.elapsed() < Duration::from_millis(1_000),
        "count 1 means once"
    );
}

#[tokio::test]
async fn drop_after_commit_keeps_the_purchase() {
    let sim = start(|_| {}).await;
    sim.post(
        "/_sandbox/faults",
        &json!({"api": "digiflazz", "count": 1, "drop_after_commit": true}),
    )
    .await;
    let body = sim.df_buy("tsel10", "081212345670", "dropped");
    let sent = sim
        .http
        .post(format!("{}/digiflazz/v1/transaction", sim.base))
        .json(&body)
        .send()
        .await;
    let read = match sent {
        Ok(r) => r.bytes().await.map(|_| ()),
        Err(e) => Err(e),
    };
    assert!(read.is_err(), "the client sees the connection drop");
    let (status, v) = sim.df("transaction", &body).await;
    assert_eq!(
        (status, v["data"]["status"].as_str()),
        (200, Some("Sukses")),
        "the purchase happened: {v}"
    );
    assert_eq!(
        sim.df_balance(false).await,
        10_000_000 - 10_300,
        "and was charged once"
    );
}

#[tokio::test]
async fn http_500_commits_nothing() {
    let sim = start(|_| {}).await;
    sim.post(
        "/_sandbox/faults",
        &json!({"api": "iak", "count": 2, "http_500": true}),
    )
    .await;
    let body = sim.iak_buy("htelkomsel10000", "081212345670", "five-hundred");
    let (status, v) = sim.iak("top-up", &body).await;
    assert_eq!(status, 500, "{v}");
    assert!(v.is_string(), "not JSON: {v}");
    let (status, _) = sim.df("cek-saldo", &json!({"cmd": "deposit", "username": sim.settings.digiflazz_username, "sign": sim.df_sign(false, "depo")})).await;
    assert_eq!(status, 200, "an IAK fault leaves Digiflazz alone");
    let (status, _) = sim.iak("top-up", &body).await;
    assert_eq!(status, 500, "count 2 means twice");
    let (status, v) = sim.iak("top-up", &body).await;
    assert_eq!((status, v["data"]["rc"].as_str()), (200, Some("39")));
    assert_eq!(
        sim.iak_balance(false).await,
        10_000_000 - 10_350,
        "only the third try bought anything"
    );
}

#[tokio::test]
async fn malformed_json_is_sent_after_the_commit() {
    let sim = start(|_| {}).await;
    sim.post(
        "/_sandbox/faults",
        &json!({"count": 1, "malformed_json": true}),
    )
    .await;
    let body = sim.df_buy("tsel10", "081212345673", "garbled");
    let (status, v) = sim.df("transaction", &body).await;
    assert_eq!(status, 200);
    assert!(
        v.as_str().is_some_and(|t| t.starts_with("{\"data\"")),
        "cut-off JSON: {v}"
    );
    let (_, v) = sim.df("transaction", &body).await;
    assert_eq!(
        v["data"]["ref_id"], "garbled",
        "the re-post parses and finds the purchase: {v}"
    );
}

#[tokio::test]
async fn rules_are_listed_used_up_and_reset() {
    let sim = start(|_| {}).await;
    let (_, v) = sim
        .post(
            "/_sandbox/faults",
            &json!({"api": "digiflazz", "count": 1, "http_500": true, "duplicate_webhooks": true}),
        )
        .await;
    assert_eq!(
        v["rules"].as_array().map(Vec::len),
        Some(2),
        "one rule per effect: {v}"
    );
    let listed = sim.get("/_sandbox/faults").await;
    assert_eq!(listed["rules"][0]["effect"], "http_500");
    assert_eq!(listed["rules"][0]["remaining"], 1);
    let _ = sim.df("cek-saldo", &json!({})).await;
    let listed = sim.get("/_sandbox/faults").await;
    assert_eq!(
        listed["rules"].as_array().map(Vec::len),
        Some(1),
        "the used rule expired: {listed}"
    );
    assert_eq!(sim.delete("/_sandbox/faults").await["rules"], json!([]));
    for bad in [
        json!({}),
        json!({"http_500": true, "sparkles": 1}),
        json!({"delay_ms": 999_999_999}),
        json!({"api": "midtrans", "http_500": true}),
        json!({"count": 0, "http_500": true}),
    ] {
        let (status, v) = sim.post("/_sandbox/faults", &bad).await;
        assert_eq!(status, 400, "{bad} is refused: {v}");
    }
}

#[tokio::test]
async fn duplicate_webhooks_arrive_twice() {
    let mut sim = start(|_| {}).await;
    sim.post(
        "/_sandbox/faults",
        &json!({"api": "digiflazz", "count": 1, "duplicate_webhooks": true}),
    )
    .await;
    sim.df("transaction", &sim.df_buy("tsel10", "081212345673", "dup"))
        .await;
    let (a, b) = (sim.next_hook().await, sim.next_hook().await);
    assert_eq!(a.body, b.body, "the same bytes twice");
    assert_eq!(a.json()["data"]["status"], "Sukses");
}

#[tokio::test]
async fn out_of_order_webhooks_send_the_stale_state_last() {
    let mut sim = start(|_| {}).await;
    sim.post("/_sandbox/faults", &json!({"out_of_order_webhooks": true}))
        .await;
    sim.df("transaction", &sim.df_buy("tsel10", "081212345673", "ooo"))
        .await;
    let (first, second) = (sim.next_hook().await, sim.next_hook().await);
    assert_eq!(
        (
            first.json()["data"]["status"].as_str(),
            first.header("x-digiflazz-event")
        ),
        (Some("Sukses"), "update")
    );
    assert_eq!(
        (
            second.json()["data"]["status"].as_str(),
            second.header("x-digiflazz-event")
        ),
        (Some("Pending"), "create"),
        "the Pending arrives after the Sukses"
    );

    // IAK: the callback lands before the top-up's own answer.
    let (_, v) = sim
        .iak(
            "top-up",
            &sim.iak_buy("htelkomsel10000", "081212345673", "race"),
        )
        .await;
    assert_eq!(v["data"]["rc"], "39");
    let early = sim
        .hook_already_here()
        .map(|h| h.json()["data"]["status"].clone());
    assert_eq!(
        early,
        Some(json!("1")),
        "the callback was delivered before the answer"
    );

    // A refund followed by the stale success, at both suppliers.
    sim.post("/_sandbox/digiflazz/ooo/refund", &json!({})).await;
    let (refund, stale) = (sim.next_hook().await.json(), sim.next_hook().await.json());
    assert_eq!(
        (refund["data"]["rc"].as_str(), stale["data"]["rc"].as_str()),
        (Some("74"), Some("00"))
    );
    sim.post("/_sandbox/iak/race/refund", &json!({})).await;
    let (refund, stale) = (sim.next_hook().await.json(), sim.next_hook().await.json());
    assert_eq!(
        (
            refund["data"]["status"].as_str(),
            stale["data"]["status"].as_str()
        ),
        (Some("2"), Some("1"))
    );
}

#[tokio::test]
async fn bad_webhook_signatures_fail_an_independent_check() {
    let mut sim = start(|_| {}).await;
    sim.post(
        "/_sandbox/faults",
        &json!({"bad_webhook_signature": true, "count": 2}),
    )
    .await;
    sim.df("transaction", &sim.df_buy("tsel10", "081212345673", "bad"))
        .await;
    let hook = sim.next_hook().await;
    assert!(hook.header("x-hub-signature").starts_with("sha1="));
    assert_ne!(
        hook.header("x-hub-signature"),
        hub_signature(&hook.body, &sim.settings.digiflazz_webhook_secret)
    );
    sim.iak(
        "top-up",
        &sim.iak_buy("htelkomsel10000", "081212345670", "bad"),
    )
    .await;
    let data = sim.next_hook().await.json()["data"].clone();
    assert_ne!(
        data["sign"],
        md5_hex(&format!(
            "{}{}bad",
            sim.settings.iak_username, sim.settings.iak_prod_key
        ))
    );
    sim.iak(
        "top-up",
        &sim.iak_buy("htelkomsel10000", "081212345670", "good"),
    )
    .await;
    let data = sim.next_hook().await.json()["data"].clone();
    assert_eq!(
        data["sign"],
        md5_hex(&format!(
            "{}{}good",
            sim.settings.iak_username, sim.settings.iak_prod_key
        )),
        "the fault was used up"
    );
    let log = sim.get("/_sandbox/webhooks").await;
    let valid: Vec<bool> = log
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|w| w["signature_valid"].as_bool())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        valid,
        [false, false, true],
        "the webhook log says which were signed wrongly"
    );
}

#[tokio::test]
async fn the_request_log_keeps_everything_and_clears() {
    let sim = start(|_| {}).await;
    let body = sim.df_buy("tsel10", "081212345670", "logged");
    sim.df("transaction", &body).await;
    sim.iak(
        "check-balance",
        &json!({"username": sim.settings.iak_username, "sign": "nope"}),
    )
    .await;
    let log = sim.get("/_sandbox/requests").await;
    assert_eq!(log[0]["api"], "digiflazz");
    assert_eq!(log[0]["path"], "/v1/transaction");
    assert_eq!(
        log[0]["body"], body,
        "nothing is redacted, the sign included"
    );
    assert_eq!(
        (log[1]["api"].as_str(), log[1]["path"].as_str()),
        (Some("iak"), Some("/api/check-balance"))
    );
    assert_eq!(sim.delete("/_sandbox/requests").await, json!([]));
    assert_eq!(sim.get("/_sandbox/requests").await, json!([]));
}
