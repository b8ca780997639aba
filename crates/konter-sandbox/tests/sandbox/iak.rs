//! IAK (docs/suppliers.md, "IAK").

use serde_json::{Value, json};

use crate::harness::{PENDING_MS, Sim, md5_hex, start};

/// A sandbox whose IAK account is the test vectors' (`081234567890` / `iakkey`;
/// docs/suppliers.md, "Test vectors").
async fn vector_sim() -> Sim {
    start(|s| {
        s.iak_username = "081234567890".into();
        s.iak_prod_key = "iakkey".into();
    })
    .await
}

fn all_strings(data: &Value) -> bool {
    data.as_object()
        .is_some_and(|m| m.values().all(Value::is_string))
}

#[tokio::test]
async fn signatures_follow_the_reference_vectors() {
    let mut sim = vector_sim().await;
    let (status, v) = sim
        .iak(
            "check-balance",
            &json!({"username": "081234567890", "sign": "53f03bea618410dbb1f1544d7aeb47db"}),
        )
        .await;
    assert_eq!((status, &v["data"]["rc"]), (200, &json!("00")), "{v}");
    assert_eq!(v["data"]["balance"], 10_000_000);
    let (_, v) = sim
        .iak(
            "pricelist",
            &json!({"username": "081234567890", "sign": "93021d2fc10538b36b6739a3b1b1c226"}),
        )
        .await;
    assert!(v["data"].as_array().is_some_and(|a| !a.is_empty()), "{v}");
    let top_up = json!({"username": "081234567890", "ref_id": "order001", "customer_id": "081234567890",
        "product_code": "htelkomsel10000", "sign": "61637b59678e876889de7cbc83447d12"});
    let (_, v) = sim.iak("top-up", &top_up).await;
    let d = &v["data"];
    assert_eq!(
        (
            d["status"].as_i64(),
            d["rc"].as_str(),
            d["message"].as_str()
        ),
        (Some(0), Some("39"), Some("PROCESS")),
        "{v}"
    );
    assert_eq!(d["balance"], 10_000_000 - 10_350, "debited at once");
    let hook = sim.next_hook().await;
    assert_eq!(hook.which, "iak");
    let data = hook.json()["data"].clone();
    assert_eq!(
        data["sign"], "61637b59678e876889de7cbc83447d12",
        "the callback is signed md5(username+api_key+ref_id)"
    );
    assert!(
        all_strings(&data),
        "every callback value is a string: {data}"
    );
    assert_eq!(
        (data["status"].as_str(), data["rc"].as_str()),
        (Some("1"), Some("00"))
    );
    let (_, v) = sim
        .iak("check-status", &json!({"username": "081234567890", "ref_id": "order001", "sign": "61637b59678e876889de7cbc83447d12"}))
        .await;
    assert_eq!(v["data"]["status"], 1, "a number in API answers: {v}");
    assert_eq!(v["data"]["sn"], data["sn"]);
    for (endpoint, mut body) in [
        (
            "check-balance",
            json!({"username": "081234567890", "sign": "53f03bea618410dbb1f1544d7aeb47db"}),
        ),
        ("top-up", top_up.clone()),
    ] {
        body["sign"] = json!("0".repeat(32));
        let (status, v) = sim.iak(endpoint, &body).await;
        assert_eq!(
            (status, &v["data"]["rc"]),
            (200, &json!("204")),
            "{endpoint}: {v}"
        );
    }
}

#[tokio::test]
async fn top_up_answers_process_then_calls_back() {
    let mut sim = start(|_| {}).await;
    let (_, v) = sim
        .iak("top-up", &sim.iak_buy("xld10000", "081712345673", "p3"))
        .await;
    assert_eq!(v["data"]["rc"], "39");
    let (_, v) = sim.iak("check-status", &sim.iak_status("p3")).await;
    assert_eq!(
        (v["data"]["status"].as_i64(), v["data"]["rc"].as_str()),
        (Some(0), Some("39")),
        "still pending: {v}"
    );
    assert!(v["data"].get("sn").is_none(), "no sn before success");
    let data = sim.next_hook().await.json()["data"].clone();
    assert_eq!(
        (data["ref_id"].as_str(), data["status"].as_str()),
        (Some("p3"), Some("1"))
    );
    assert_eq!(
        data["sign"],
        md5_hex(&format!(
            "{}{}p3",
            sim.settings.iak_username, sim.settings.iak_prod_key
        ))
    );
    let (_, v) = sim.iak("check-status", &sim.iak_status("p3")).await;
    assert_eq!(v["data"]["status"], 1);

    let (_, v) = sim
        .iak("top-up", &sim.iak_buy("xld10000", "081712345675", "p5"))
        .await;
    assert_eq!(v["data"]["rc"], "39", "the first answer is always PROCESS");
    let (_, v) = sim.iak("check-status", &sim.iak_status("p5")).await;
    assert_eq!(
        (v["data"]["status"].as_i64(), v["data"]["rc"].as_str()),
        (Some(0), Some("201")),
        "{v}"
    );
    assert_eq!(sim.next_hook().await.json()["data"]["status"], "1");

    let before = sim.iak_balance(false).await;
    sim.iak("top-up", &sim.iak_buy("xld10000", "081712345674", "p4"))
        .await;
    let data = sim.next_hook().await.json()["data"].clone();
    assert_eq!(
        (
            data["status"].as_str(),
            data["rc"].as_str(),
            data["message"].as_str()
        ),
        (Some("2"), Some("07"), Some("FAILED"))
    );
    assert_eq!(
        sim.iak_balance(false).await,
        before,
        "a failure is credited back"
    );

    let (_, v) = sim
        .iak(
            "top-up",
            &sim.iak_buy("xld10000", "081212345670", "p-prefix"),
        )
        .await;
    assert_eq!(
        v["data"]["rc"], "39",
        "even a wrong number is PROCESS first"
    );
    let data = sim.next_hook().await.json()["data"].clone();
    assert_eq!(
        (data["status"].as_str(), data["rc"].as_str()),
        (Some("2"), Some("16")),
        "{data}"
    );

    let (_, v) = sim.iak("check-status", &sim.iak_status("never")).await;
    assert_eq!(
        (v["data"]["status"].as_i64(), v["data"]["rc"].as_str()),
        (Some(2), Some("06"))
    );
}

#[tokio::test]
async fn sandbox_key_waits_for_the_report_button() {
    let mut sim = start(|_| {}).await;
    let mut body = sim.iak_buy("htelkomsel10000", "081212345670", "dev1");
    body["sign"] = json!(sim.iak_sign(true, "dev1"));
    let (_, v) = sim.iak("top-up", &body).await;
    assert_eq!(v["data"]["rc"], "39");
    assert!(
        sim.quiet_for(PENDING_MS * 4).await,
        "IAK's sandbox does not call back by itself"
    );
    let (status, _) = sim.post("/_sandbox/iak/dev1/success", &json!({})).await;
    assert_eq!(status, 200);
    let data = sim.next_hook().await.json()["data"].clone();
    assert_eq!(data["status"], "1");
    assert_eq!(
        data["sign"],
        md5_hex(&format!(
            "{}{}dev1",
            sim.settings.iak_username, sim.settings.iak_dev_key
        ))
    );
    let (status, _) = sim.post("/_sandbox/iak/dev1/failed", &json!({})).await;
    assert_eq!(status, 409, "a settled purchase does not move again");
    assert_eq!(sim.iak_balance(true).await, 1_000_000_000 - 10_350);
}

#[tokio::test]
async fn a_reposted_ref_id_is_a_status_check() {
    let sim = start(|_| {}).await;
    let (_, first) = sim
        .iak(
            "top-up",
            &sim.iak_buy("hindosat10000", "081512345673", "again"),
        )
        .await;
    let (_, second) = sim
        .iak(
            "top-up",
            &sim.iak_buy("hindosat10000", "081512345673", "again"),
        )
        .await;
    assert_eq!(
        first["data"]["tr_id"], second["data"]["tr_id"],
        "the same purchase"
    );
    let (_, third) = sim
        .iak(
            "top-up",
            &sim.iak_buy("hindosat50000", "081512345679", "again"),
        )
        .await;
    assert_eq!(
        third["data"]["product_code"], "hindosat10000",
        "IAK answers the original, whatever the body says"
    );
    assert_eq!(
        sim.iak_balance(false).await,
        10_000_000 - 10_200,
        "charged once"
    );
}

#[tokio::test]
async fn inquiries_follow_the_sandbox_data_and_the_rules() {
    let sim = start(|_| {}).await;
    let u = sim.settings.iak_username.clone();
    let pln = |dev: bool, id: &str| json!({"username": u, "customer_id": id, "sign": sim.iak_sign(dev, id)});
    let game = |dev: bool, code: &str, id: &str| json!({"username": u, "game_code": code, "customer_id": id, "sign": sim.iak_sign(dev, code)});
    let (_, v) = sim.iak("inquiry-pln", &pln(true, "12345678901")).await;
    assert_eq!(
        (v["data"]["status"].as_str(), v["data"]["name"].as_str()),
        (Some("1"), Some("Sintya Oktaviani")),
        "{v}"
    );
    let (_, v) = sim.iak("inquiry-pln", &pln(true, "12345678902")).await;
    assert_eq!(
        v["data"]["rc"], "14",
        "only the documented number in the sandbox"
    );
    let (_, v) = sim.iak("inquiry-pln", &pln(false, "12345678902")).await;
    assert_eq!(v["data"]["status"], "1", "{v}");
    assert!(
        v["data"]["segment_power"]
            .as_str()
            .is_some_and(|s| s.starts_with("R1"))
    );

    for (dev, code, id, rc) in [
        (true, "103", "156378300|8483", "00"),
        (true, "104", "156378300|8483", "20"),
        (true, "103", "156378300|8484", "14"),
        (false, "103", "12345678|1234", "00"),
        (false, "103", "123456781234", "141"),
        (false, "135", "1234567", "00"),
        (false, "135", "1234566", "142"),
        (false, "172", "812345678|os_asia", "00"),
        (false, "999", "1234567", "20"),
    ] {
        let (_, v) = sim.iak("inquiry-game", &game(dev, code, id)).await;
        assert_eq!(v["data"]["rc"], rc, "{code} {id}: {v}");
        if rc == "00" {
            assert!(
                v["data"]["username"]
                    .as_str()
                    .is_some_and(|n| !n.is_empty())
            );
        }
    }
}

#[tokio::test]
async fn game_ids_use_pipes_at_iak() {
    let mut sim = start(|_| {}).await;
    sim.iak(
        "top-up",
        &sim.iak_buy("mobilelegend86", "12345678|1230", "g1"),
    )
    .await;
    let data = sim.next_hook().await.json()["data"].clone();
    assert_eq!(data["status"], "1", "{data}");
    sim.iak(
        "top-up",
        &sim.iak_buy("mobilelegend86", "123456781230", "g2"),
    )
    .await;
    let data = sim.next_hook().await.json()["data"].clone();
    assert_eq!(
        (data["status"].as_str(), data["rc"].as_str()),
        (Some("2"), Some("141")),
        "{data}"
    );
    sim.iak("top-up", &sim.iak_buy("pln20000", "12345678901", "t1"))
        .await;
    let data = sim.next_hook().await.json()["data"].clone();
    let sn = data["sn"].as_str().unwrap_or_default();
    assert_eq!(
        sn.split('/').count(),
        5,
        "IAK's token/name/segment/power/kwh: {sn}"
    );
    assert!(
        sn.split('/')
            .nth(3)
            .is_some_and(|p| p.len() == 9 && p.bytes().all(|b| b.is_ascii_digit())),
        "{sn}"
    );
}

#[tokio::test]
async fn pricelist_filters_by_type_and_operator() {
    let sim = start(|_| {}).await;
    let body = json!({"username": sim.settings.iak_username, "sign": sim.iak_sign(false, "pl")});
    let (_, v) = sim.iak("pricelist/pulsa/telkomsel", &body).await;
    let items = v["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 6, "{v}");
    for item in &items {
        assert!(
            item["product_code"]
                .as_str()
                .is_some_and(|c| c.starts_with("htelkomsel"))
        );
        for field in [
            "product_description",
            "product_nominal",
            "product_details",
            "product_type",
            "active_period",
            "status",
            "icon_url",
            "product_category",
        ] {
            assert!(item[field].is_string(), "{field}: {item}");
        }
        assert!(item["product_price"].is_number());
    }
    let (_, v) = sim.iak("pricelist/pln", &body).await;
    assert_eq!(v["data"].as_array().map(Vec::len), Some(6));
    let mut inactive = body.clone();
    inactive["status"] = json!("non active");
    let (_, v) = sim.iak("pricelist", &inactive).await;
    assert_eq!(v["data"], json!([]));
}
