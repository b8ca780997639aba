//! Digiflazz postpaid: inquiry, payment under the inquiry's ref_id, status, the test numbers
//! (docs/suppliers.md, "Digiflazz: development mode and test numbers") and the pasca price
//! list.

use serde_json::{Value, json};

use crate::harness::{Sim, start};

fn pasca(sim: &Sim, command: &str, sku: &str, customer_no: &str, ref_id: &str) -> Value {
    let mut body = sim.df_buy(sku, customer_no, ref_id);
    body["commands"] = json!(command);
    body
}

fn int(v: &Value) -> i64 {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or_else(|| panic!("an integer: {v}"))
}

#[tokio::test]
async fn a_bill_is_inquired_then_paid_once_under_the_same_ref_id() {
    let sim = start(|_| {}).await;
    let opening = sim.df_balance(false).await;
    let (status, inq) = sim
        .df(
            "transaction",
            &pasca(&sim, "inq-pasca", "pln", "530000000002", "B-1"),
        )
        .await;
    let d = &inq["data"];
    assert_eq!(
        (status, &d["status"], &d["rc"]),
        (200, &json!("Sukses"), &json!("00")),
        "{inq}"
    );
    assert!(!d["customer_name"].as_str().unwrap_or_default().is_empty());
    let detail = d["desc"]["detail"].as_array().expect("detail rows");
    assert_eq!(detail.len(), 2, "530000000002 owes two months");
    let items: i64 = detail
        .iter()
        .map(|r| int(&r["nilai_tagihan"]) + int(&r["admin"]) + int(&r["denda"]))
        .sum();
    assert_eq!(
        int(&d["selling_price"]),
        items,
        "selling price = bills + admin + late fees"
    );
    let price = int(&d["price"]);
    assert!(price < items, "the buyer's commission comes off the price");
    assert_eq!(
        sim.df_balance(false).await,
        opening,
        "an inquiry charges nothing"
    );

    let (_, again) = sim
        .df(
            "transaction",
            &pasca(&sim, "inq-pasca", "pln", "530000000002", "B-1"),
        )
        .await;
    assert_eq!(
        again["data"]["selling_price"], d["selling_price"],
        "a repeated inquiry is the same bill"
    );

    let (_, paid) = sim
        .df(
            "transaction",
            &pasca(&sim, "pay-pasca", "pln", "530000000002", "B-1"),
        )
        .await;
    let p = &paid["data"];
    assert_eq!(p["status"], "Sukses", "{paid}");
    assert_eq!(
        p["sn"].as_str().map(str::len),
        Some(32),
        "a 32-hex reference"
    );
    assert_eq!(p["customer_name"], d["customer_name"]);
    assert_eq!(sim.df_balance(false).await, opening - price);
    for _ in 0..2 {
        let (_, replay) = sim
            .df(
                "transaction",
                &pasca(&sim, "pay-pasca", "pln", "530000000002", "B-1"),
            )
            .await;
        assert_eq!(replay["data"]["sn"], p["sn"]);
    }
    let (_, st) = sim
        .df(
            "transaction",
            &pasca(&sim, "status-pasca", "pln", "530000000002", "B-1"),
        )
        .await;
    assert_eq!(st["data"]["status"], "Sukses");
    assert_eq!(sim.df_balance(false).await, opening - price, "paid once");
}

#[tokio::test]
async fn test_numbers_fail_where_documented() {
    let sim = start(|_| {}).await;
    let opening = sim.df_balance(false).await;
    let (_, inq) = sim
        .df(
            "transaction",
            &pasca(&sim, "inq-pasca", "pdam", "1013227", "F-1"),
        )
        .await;
    assert_eq!(
        (&inq["data"]["status"], &inq["data"]["rc"]),
        (&json!("Gagal"), &json!("60"))
    );
    let (_, no_inq) = sim
        .df(
            "transaction",
            &pasca(&sim, "pay-pasca", "pdam", "1013227", "F-1"),
        )
        .await;
    assert_eq!(
        no_inq["data"]["rc"], "50",
        "no payment without an inquiry: {no_inq}"
    );

    sim.df(
        "transaction",
        &pasca(&sim, "inq-pasca", "bpjs", "8801234560005", "F-2"),
    )
    .await;
    let (_, pay) = sim
        .df(
            "transaction",
            &pasca(&sim, "pay-pasca", "bpjs", "8801234560005", "F-2"),
        )
        .await;
    assert_eq!(pay["data"]["status"], "Gagal", "{pay}");
    assert_eq!(
        sim.df_balance(false).await,
        opening,
        "a failed payment is not charged"
    );

    let (_, other) = sim
        .df(
            "transaction",
            &pasca(&sim, "pay-pasca", "bpjs", "8801234560001", "F-2"),
        )
        .await;
    assert_eq!(other["data"]["rc"], "49", "one ref_id, one customer");
}

#[tokio::test]
async fn pending_payments_settle_by_webhook() {
    let mut sim = start(|_| {}).await;
    for (no, want) in [("630000000001", "Sukses"), ("630000000006", "Gagal")] {
        let r = format!("P-{no}");
        sim.df("transaction", &pasca(&sim, "inq-pasca", "pln", no, &r))
            .await;
        let (_, pay) = sim
            .df("transaction", &pasca(&sim, "pay-pasca", "pln", no, &r))
            .await;
        assert_eq!(pay["data"]["status"], "Pending");
        let hook = sim.next_hook().await;
        assert_eq!(hook.header("User-Agent"), "Digiflazz-Pasca-Hookshot");
        let body = hook.json();
        assert_eq!(
            (&body["data"]["ref_id"], &body["data"]["status"]),
            (&json!(r), &json!(want))
        );
        assert!(
            body["data"]["desc"]["detail"].is_array(),
            "the webhook carries the bill"
        );
        let (_, st) = sim
            .df("transaction", &pasca(&sim, "status-pasca", "pln", no, &r))
            .await;
        assert_eq!(st["data"]["status"], want);
    }
}

#[tokio::test]
async fn the_pasca_price_list_has_admin_and_commission() {
    let sim = start(|s| s.pricelist_interval_ms = 0).await;
    let body = json!({"cmd": "pasca", "username": sim.settings.digiflazz_username,
        "sign": sim.df_sign(false, "pricelist")});
    let (status, list) = sim.df("price-list", &body).await;
    assert_eq!(status, 200);
    let items = list["data"].as_array().expect("a list");
    let codes: Vec<&str> = items
        .iter()
        .filter_map(|i| i["buyer_sku_code"].as_str())
        .collect();
    for code in ["pln", "bpjs", "pdam", "internet", "multifinance"] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
    for i in items {
        assert_eq!(i["category"], "Pascabayar");
        assert!(i["admin"].is_i64() && i["commission"].is_i64(), "{i}");
        assert!(i.get("price").is_none(), "postpaid has no fixed price");
    }
}
