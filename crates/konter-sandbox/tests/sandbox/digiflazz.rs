//! Digiflazz (docs/suppliers.md, "Digiflazz").

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::harness::{Sim, hub_signature, start};

/// A sandbox whose Digiflazz account is the test vectors' (`username` / `apikey`;
/// docs/suppliers.md, "Test vectors").
async fn vector_sim() -> Sim {
    start(|s| {
        s.digiflazz_username = "username".into();
        s.digiflazz_prod_key = "apikey".into();
    })
    .await
}

fn flip(sign: &str) -> String {
    let mut s = sign.to_owned();
    let last = if s.ends_with('0') { "1" } else { "0" };
    s.pop();
    s.push_str(last);
    s
}

#[tokio::test]
async fn signatures_follow_the_reference_vectors() {
    let sim = vector_sim().await;
    let calls = [
        (
            "cek-saldo",
            json!({"cmd": "deposit", "username": "username", "sign": "e251663c764fe6136a8f9c6861720241"}),
        ),
        (
            "price-list",
            json!({"cmd": "prepaid", "username": "username", "sign": "67408e55fae28a2b8adfc8f64efa94aa"}),
        ),
        (
            "deposit",
            json!({"username": "username", "amount": 1_000_000, "Bank": "BCA", "owner_name": "Budi", "sign": "b37eec551de581fbff8e41d819cd6f42"}),
        ),
        (
            "transaction",
            json!({"username": "username", "buyer_sku_code": "tsel10", "customer_no": "081234567890", "ref_id": "test1", "sign": "e54414720db8e70813b0ad379c9d1d7f"}),
        ),
        (
            "inquiry-pln",
            json!({"username": "username", "customer_no": "1234554321", "sign": "be1dba0c1b7b249e836d79e0fdb8df34"}),
        ),
    ];
    for (endpoint, good) in calls {
        let (status, v) = sim.df(endpoint, &good).await;
        assert_eq!(
            status, 200,
            "{endpoint} with the test-vector sign is accepted: {v}"
        );
        assert_ne!(v["data"]["rc"], "41", "{endpoint}: {v}");
        let mut bad = good.clone();
        bad["sign"] = json!(flip(good["sign"].as_str().unwrap_or_default()));
        let (status, v) = sim.df(endpoint, &bad).await;
        assert_eq!(status, 400, "a bad sign is a request-level rejection: {v}");
        assert_eq!(v["data"]["rc"], "41", "{endpoint}: {v}");
        assert_eq!(v["data"]["message"], "Signature Anda salah");
        let mut stranger = good.clone();
        stranger["username"] = json!("someoneelse");
        let (status, v) = sim.df(endpoint, &stranger).await;
        assert_eq!(
            (status, &v["data"]["rc"]),
            (400, &json!("42")),
            "{endpoint}: {v}"
        );
    }
    let (_, v) = sim.df("transaction", &calls_body_without_sign()).await;
    assert_eq!(
        v["data"]["rc"], "40",
        "a missing sign is a payload error: {v}"
    );
}

fn calls_body_without_sign() -> Value {
    json!({"username": "username", "buyer_sku_code": "tsel10", "customer_no": "081234567890", "ref_id": "x"})
}

#[tokio::test]
async fn development_key_needs_testing_and_the_test_sku() {
    let sim = start(|_| {}).await;
    let user = sim.settings.digiflazz_username.clone();
    let dev = |sku: &str, testing: Option<bool>, ref_id: &str| {
        let mut b = json!({"username": user, "buyer_sku_code": sku, "customer_no": "087800001230",
            "ref_id": ref_id, "sign": sim.df_sign(true, ref_id)});
        if let Some(t) = testing {
            b["testing"] = json!(t);
        }
        b
    };
    for (body, why) in [
        (dev("xld10", None, "d1"), "a dev key without testing"),
        (
            dev("xld10", Some(false), "d2"),
            "a dev key with testing false",
        ),
        (dev("xl10", Some(true), "d3"), "a real SKU in testing mode"),
    ] {
        let (status, v) = sim.df("transaction", &body).await;
        assert_eq!(
            (status, &v["data"]["rc"]),
            (400, &json!("41")),
            "{why}: {v}"
        );
    }
    let mut prod_testing = sim.df_buy("xl10", "087800001230", "p1");
    prod_testing["testing"] = json!(true);
    let (status, v) = sim.df("transaction", &prod_testing).await;
    assert_eq!(
        (status, &v["data"]["rc"]),
        (400, &json!("41")),
        "prod key with testing: {v}"
    );
    assert_eq!(sim.df_balance(true).await, 1_000_000, "nothing was charged");
}

#[tokio::test]
async fn magic_numbers_behave_as_documented() {
    let mut sim = start(|_| {}).await;
    let (status, v) = sim
        .df(
            "transaction",
            &sim.df_test_buy("xld10", "087800001230", "m0"),
        )
        .await;
    let d = &v["data"];
    assert_eq!(status, 200);
    assert_eq!(
        (d["status"].as_str(), d["rc"].as_str()),
        (Some("Sukses"), Some("00")),
        "{v}"
    );
    assert_eq!(d["sn"], "1234567890", "the doc's example sn");
    assert_eq!(
        (d["price"].as_i64(), d["buyer_last_saldo"].as_i64()),
        (Some(10_000), Some(990_000))
    );

    let (_, v) = sim
        .df(
            "transaction",
            &sim.df_test_buy("xld10", "087800001232", "m2"),
        )
        .await;
    assert_eq!(v["data"]["status"], "Gagal", "{v}");
    assert_eq!(
        v["data"]["buyer_last_saldo"], 990_000,
        "a failure costs nothing"
    );

    let body = sim.df_test_buy("xld10", "087800001233", "m3");
    let (_, v) = sim.df("transaction", &body).await;
    assert_eq!(
        (v["data"]["status"].as_str(), v["data"]["rc"].as_str()),
        (Some("Pending"), Some("03"))
    );
    assert_eq!(v["data"]["sn"], "", "no sn while pending");
    let hook = sim.next_hook().await;
    assert_eq!(hook.which, "digiflazz");
    assert_eq!(hook.header("x-digiflazz-event"), "update");
    assert_eq!(hook.header("user-agent"), "Digiflazz-Hookshot");
    assert_eq!(
        hook.header("x-hub-signature"),
        hub_signature(&hook.body, &sim.settings.digiflazz_webhook_secret),
        "the HMAC is over the raw body with the webhook secret"
    );
    let data = &hook.json()["data"];
    assert_eq!(
        (data["ref_id"].as_str(), data["status"].as_str()),
        (Some("m3"), Some("Sukses"))
    );
    assert_eq!(data["sn"], "1234567890");
    let (_, v) = sim.df("transaction", &body).await;
    assert_eq!(
        v["data"]["status"], "Sukses",
        "the status check agrees with the webhook"
    );

    let (_, v) = sim
        .df(
            "transaction",
            &sim.df_test_buy("xld10", "087800001234", "m4"),
        )
        .await;
    assert_eq!(v["data"]["status"], "Pending");
    let data = sim.next_hook().await.json()["data"].clone();
    assert_eq!(
        (data["ref_id"].as_str(), data["status"].as_str()),
        (Some("m4"), Some("Gagal"))
    );
    assert_eq!(
        sim.df_balance(true).await,
        980_000,
        "two successes of 10,000 each"
    );
}

#[tokio::test]
async fn every_last_digit_follows_the_table() {
    let mut sim = start(|_| {}).await;
    let expected_now = [
        ("Sukses", "00"),
        ("Sukses", "00"),
        ("Gagal", "02"),
        ("Pending", "03"),
        ("Pending", "03"),
        ("Pending", "99"),
        ("Gagal", "54"),
        ("Gagal", "55"),
        ("Sukses", "00"),
        ("Sukses", "00"),
    ];
    for (digit, (status, rc)) in expected_now.iter().enumerate() {
        let (_, v) = sim
            .df(
                "transaction",
                &sim.df_buy(
                    "tsel10",
                    &format!("08123456780{digit}"),
                    &format!("r{digit}"),
                ),
            )
            .await;
        assert_eq!(
            (v["data"]["status"].as_str(), v["data"]["rc"].as_str()),
            (Some(*status), Some(*rc)),
            "digit {digit}: {v}"
        );
        let has_sn = !v["data"]["sn"].as_str().unwrap_or_default().is_empty();
        assert_eq!(
            has_sn,
            *status == "Sukses",
            "only a success carries an sn: {v}"
        );
    }
    let mut finals = HashMap::new();
    for _ in 0..3 {
        let data = sim.next_hook().await.json()["data"].clone();
        finals.insert(
            data["ref_id"].as_str().unwrap_or_default().to_owned(),
            (data["status"].clone(), data["rc"].clone()),
        );
    }
    assert_eq!(finals["r3"], (json!("Sukses"), json!("00")));
    assert_eq!(finals["r4"], (json!("Gagal"), json!("02")));
    assert_eq!(finals["r5"], (json!("Sukses"), json!("00")));
    assert!(sim.quiet_for(300).await, "at-once outcomes send no webhook");
    let successes = [0, 1, 3, 5, 8, 9].len();
    assert_eq!(
        sim.df_balance(false).await,
        10_000_000 - 10_300 * i64::try_from(successes).unwrap_or(0)
    );
}

#[tokio::test]
async fn a_reposted_ref_id_is_answered_not_charged_again() {
    let sim = start(|_| {}).await;
    let body = sim.df_buy("xl25", "081712345670", "same-ref");
    let (_, first) = sim.df("transaction", &body).await;
    for _ in 0..3 {
        let (status, again) = sim.df("transaction", &body).await;
        assert_eq!(
            (status, &again),
            (200, &first),
            "a re-post answers the same purchase"
        );
    }
    assert_eq!(
        sim.df_balance(false).await,
        10_000_000 - 25_150,
        "charged once"
    );
    for other in [
        sim.df_buy("xl25", "081712345671", "same-ref"),
        sim.df_buy("xl10", "081712345670", "same-ref"),
    ] {
        let (status, v) = sim.df("transaction", &other).await;
        assert_eq!((status, &v["data"]["rc"]), (400, &json!("49")), "{v}");
    }
    assert_eq!(sim.df_balance(false).await, 10_000_000 - 25_150);
}

#[tokio::test]
async fn numbers_are_checked_before_the_digit() {
    let sim = start(|_| {}).await;
    for (sku, no, rc) in [
        ("tsel10", "081712345670", "52"),
        ("byu10", "081212345670", "52"),
        ("tsel10", "08121230", "57"),
        ("tsel10", "+6281212345670", "54"),
        ("ml86", "12345678|1230", "54"),
        ("pln20", "1234567890", "57"),
        ("dana20", "0840123456780", "54"),
    ] {
        let (status, v) = sim
            .df("transaction", &sim.df_buy(sku, no, &format!("{sku}-{no}")))
            .await;
        assert_eq!(
            (status, v["data"]["rc"].as_str()),
            (200, Some(rc)),
            "{sku} {no}: {v}"
        );
    }
    assert_eq!(
        sim.df_balance(false).await,
        10_000_000,
        "failures cost nothing"
    );
    let (_, v) = sim
        .df("transaction", &sim.df_buy("ml86", "123456781230", "ml"))
        .await;
    assert_eq!(
        v["data"]["status"], "Sukses",
        "user_id+zone_id concatenated: {v}"
    );
    let (_, v) = sim
        .df("transaction", &sim.df_buy("byu10", "085155123450", "byu"))
        .await;
    assert_eq!(v["data"]["status"], "Sukses", "{v}");
    let (_, v) = sim
        .df("transaction", &sim.df_buy("nosuch", "081212345670", "x"))
        .await;
    assert_eq!(v["data"]["rc"], "43");
}

#[tokio::test]
async fn pln_tokens_and_inquiry_agree() {
    let sim = start(|_| {}).await;
    let (_, v) = sim
        .df("transaction", &sim.df_buy("pln20", "530000000001", "pln"))
        .await;
    let sn = v["data"]["sn"].as_str().unwrap_or_default().to_owned();
    let parts: Vec<&str> = sn.split('/').collect();
    assert_eq!(parts.len(), 5, "TOKEN/NAME/TARIFF/POWER/KWH: {sn}");
    let groups: Vec<&str> = parts[0].split('-').collect();
    assert!(
        groups.len() == 5
            && groups
                .iter()
                .all(|g| g.len() == 4 && g.bytes().all(|b| b.is_ascii_digit())),
        "{sn}"
    );
    assert!(parts[2].starts_with("R1"), "{sn}");
    assert!(
        parts[3].ends_with("VA") && parts[4].ends_with("KWH"),
        "{sn}"
    );
    let body = json!({"username": sim.settings.digiflazz_username, "customer_no": "530000000001",
        "sign": sim.df_sign(false, "530000000001")});
    let (status, v) = sim.df("inquiry-pln", &body).await;
    let d = &v["data"];
    assert_eq!(
        (status, d["status"].as_str(), d["rc"].as_str()),
        (200, Some("Sukses"), Some("00")),
        "{v}"
    );
    assert_eq!(
        d["name"], parts[1],
        "the inquiry names the token's customer"
    );
    assert_eq!(
        d["subscriber_id"], "530000000001",
        "a 12-digit number is the IDPEL"
    );
    assert_eq!(d["meter_no"].as_str().map(str::len), Some(11));
    assert!(
        d["segment_power"]
            .as_str()
            .is_some_and(|s| s.starts_with("R1") && s.contains(" /")),
        "{v}"
    );
    let body = json!({"username": sim.settings.digiflazz_username, "customer_no": "530000000006",
        "sign": sim.df_sign(false, "530000000006")});
    let (_, v) = sim.df("inquiry-pln", &body).await;
    assert_eq!(
        (v["data"]["status"].as_str(), v["data"]["rc"].as_str()),
        (Some("Gagal"), Some("54"))
    );
}

#[tokio::test]
async fn balance_moves_with_deposits_purchases_and_refunds() {
    let mut sim = start(|_| {}).await;
    let (status, _) = sim
        .post(
            "/_sandbox/digiflazz/balance",
            &json!({"key": "prod", "balance_idr": 20_000}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, v) = sim
        .df("transaction", &sim.df_buy("tsel10", "081212345670", "b1"))
        .await;
    assert_eq!(v["data"]["buyer_last_saldo"], 9_700);
    let (status, v) = sim
        .df("transaction", &sim.df_buy("tsel10", "081212345670", "b2"))
        .await;
    assert_eq!((status, &v["data"]["rc"]), (400, &json!("44")), "{v}");
    let ticket = json!({"username": sim.settings.digiflazz_username, "amount": 100_000, "bank": "BCA",
        "owner_name": "Budi", "sign": sim.df_sign(false, "deposit")});
    let (_, v) = sim.df("deposit", &ticket).await;
    let d = &v["data"];
    assert_eq!(
        (d["rc"].as_str(), d["amount"].as_i64()),
        (Some("00"), Some(100_001)),
        "unique digits: {v}"
    );
    assert_eq!(
        sim.df_balance(false).await,
        9_700,
        "a ticket is not money yet"
    );
    let notes = d["notes"].as_str().unwrap_or_default();
    let (status, _) = sim
        .post(
            &format!("/_sandbox/digiflazz/deposits/{notes}/pay"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = sim
        .post(
            &format!("/_sandbox/digiflazz/deposits/{notes}/pay"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 409, "a ticket pays once");
    assert_eq!(sim.df_balance(false).await, 109_701);

    let (status, v) = sim.post("/_sandbox/digiflazz/b1/refund", &json!({})).await;
    assert_eq!(status, 200, "{v}");
    let hook = sim.next_hook().await;
    let data = hook.json()["data"].clone();
    assert_eq!(
        (
            data["ref_id"].as_str(),
            data["status"].as_str(),
            data["rc"].as_str()
        ),
        (Some("b1"), Some("Gagal"), Some("74"))
    );
    assert_eq!(
        sim.df_balance(false).await,
        120_001,
        "a refund credits the price back"
    );
    let (_, v) = sim
        .df("transaction", &sim.df_buy("tsel10", "081212345670", "b1"))
        .await;
    assert_eq!(
        v["data"]["rc"], "74",
        "the status check shows the refund: {v}"
    );
    let (status, _) = sim.post("/_sandbox/digiflazz/b1/refund", &json!({})).await;
    assert_eq!(status, 409, "a refund happens once");
}

#[tokio::test]
async fn price_list_has_every_demo_sku_and_the_documented_fields() {
    let sim = start(|_| {}).await;
    let list = |dev: bool, extra: Value| {
        let mut b = json!({"cmd": "prepaid", "username": sim.settings.digiflazz_username, "sign": sim.df_sign(dev, "pricelist")});
        if let (Some(b), Some(extra)) = (b.as_object_mut(), extra.as_object()) {
            b.extend(extra.clone());
        }
        b
    };
    let (status, v) = sim.df("price-list", &list(false, json!({}))).await;
    assert_eq!(status, 200);
    let items = v["data"].as_array().cloned().unwrap_or_default();
    let codes: Vec<&str> = items
        .iter()
        .filter_map(|i| i["buyer_sku_code"].as_str())
        .collect();
    let wanted = "tsel5 tsel10 tsel20 tsel25 tsel50 tsel100 byu5 byu10 byu25 byu50 isat5 isat10 isat20 isat25 isat50 isat100 xl5 xl10 xl25 xl50 xl100 axis5 axis10 axis25 axis50 tri5 tri10 tri20 tri50 tri100 sf5 sf10 sf20 sf50 sf100 tseld5 isatd10 xld6 trid8 axisd3 pln20 pln50 pln100 pln200 pln500 pln1000 ml86 ml172 ml257 ff70 ff140 gi60 dana20 dana50 dana100 ovo20 ovo50 ovo100 gopay20 gopay50 gopay100 shopee20 shopee50 shopee100";
    for code in wanted.split(' ') {
        assert!(codes.contains(&code), "{code} is in the price list");
    }
    assert_eq!(
        codes.len(),
        64,
        "exactly the demo catalogue with the production key"
    );
    for item in &items {
        for field in [
            "product_name",
            "category",
            "brand",
            "type",
            "seller_name",
            "buyer_sku_code",
            "start_cut_off",
            "end_cut_off",
            "desc",
        ] {
            assert!(item[field].is_string(), "{field} is a string: {item}");
        }
        for field in [
            "buyer_product_status",
            "seller_product_status",
            "unlimited_stock",
            "multi",
        ] {
            assert!(item[field].is_boolean(), "{field} is a boolean: {item}");
        }
        assert!(
            item["price"].as_i64().is_some_and(|p| p > 0),
            "price is a number: {item}"
        );
    }
    let ml = items.iter().find(|i| i["buyer_sku_code"] == "ml86");
    assert_eq!(
        ml.map(|i| i["desc"].clone()),
        Some(json!("customer_no = user_id + zone_id"))
    );
    let (_, v) = sim.df("price-list", &list(true, json!({}))).await;
    assert!(
        v["data"]
            .as_array()
            .is_some_and(|a| a.iter().any(|i| i["buyer_sku_code"] == "xld10")),
        "the dev key sees the test SKU"
    );
    let (_, v) = sim
        .df("price-list", &list(false, json!({"category": "pln"})))
        .await;
    assert_eq!(
        v["data"].as_array().map(Vec::len),
        Some(6),
        "filters ignore case: {v}"
    );
    let mut pasca = list(false, json!({}));
    pasca["cmd"] = json!("pasca");
    let (_, v) = sim.df("price-list", &pasca).await;
    assert_eq!(
        v["data"].as_array().map(Vec::len),
        Some(5),
        "the postpaid list is its own: {v}"
    );
    let mut wrong = list(false, json!({}));
    wrong["cmd"] = json!("postpaid");
    let (status, v) = sim.df("price-list", &wrong).await;
    assert_eq!(
        (status, &v["data"]["rc"]),
        (400, &json!("40")),
        "the command is pasca, not postpaid: {v}"
    );
}

#[tokio::test]
async fn price_list_rate_limit_answers_rc_83() {
    let sim = start(|s| s.pricelist_interval_ms = 60_000).await;
    let body = json!({"cmd": "prepaid", "username": sim.settings.digiflazz_username, "sign": sim.df_sign(false, "pricelist")});
    let (_, v) = sim.df("price-list", &body).await;
    assert!(v["data"].is_array());
    let (status, v) = sim.df("price-list", &body).await;
    assert_eq!(
        (status, &v["data"]["rc"]),
        (200, &json!("83")),
        "data becomes an object on error: {v}"
    );
    let mut one = body.clone();
    one["code"] = json!("tsel10");
    let (_, v) = sim.df("price-list", &one).await;
    assert_eq!(
        v["data"].as_array().map(Vec::len),
        Some(1),
        "a single code is not the full list"
    );
}

#[tokio::test]
async fn cb_url_overrides_the_webhook_target() {
    let mut sim = start(|_| {}).await;
    let mut body = sim.df_buy("tsel10", "081212345673", "cb");
    body["cb_url"] = json!(format!("{}/hooks/custom", sim.hooks_base));
    sim.df("transaction", &body).await;
    assert_eq!(sim.next_hook().await.which, "custom");
}
