//! Deposits end to end: the server on a socket, the Midtrans simulator on another, the
//! signed notification between them.

use chrono::Utc;
use konter_domain::catalogue::Tier;
use konter_domain::ids::DepositId;
use konter_server::App;
use konter_server::config::{Midtrans, Secret};
use konter_server::store::Store;
use serde_json::{Value, json};

use konter_tests::{listener, pair, sandbox_log, spawn_sandbox, sqlite, test_config};

struct Rig {
    base: String,
    sandbox: String,
    token: String,
    app: App<konter_server::store::SqliteStore>,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

async fn rig() -> Rig {
    let (server_listener, base) = listener().await;
    let sandbox = spawn_sandbox(konter_sandbox::Settings {
        webhook_base: Some(base.clone()),
        ..konter_sandbox::Settings::default()
    })
    .await;
    let (store, dir) = sqlite().await;
    let shop = store
        .create_shop("D01", "Konter D", Tier::Basic, Utc::now())
        .await
        .expect("shop");
    let mut config = test_config();
    config.gateways.midtrans = Some(Midtrans {
        base_url: format!("{sandbox}/midtrans"),
        server_key: Secret::new(konter_sandbox::midtrans::DEFAULT_SERVER_KEY),
    });
    let app = App::new(store, config).expect("app");
    let token = pair(&app, &shop).await;
    tokio::spawn(konter_server::http::serve(server_listener, app.clone()));
    Rig {
        base,
        sandbox,
        token,
        app,
        http: reqwest::Client::new(),
        _dir: dir,
    }
}

impl Rig {
    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        konter_tests::device_post(&self.http, &self.base, &self.token, path, body).await
    }

    async fn get(&self, path: &str) -> Value {
        konter_tests::device_get(&self.http, &self.base, &self.token, path).await
    }

    async fn sandbox(&self, path: &str) -> Value {
        self.http
            .post(format!("{}{path}", self.sandbox))
            .send()
            .await
            .expect("sandbox")
            .json()
            .await
            .expect("json")
    }
}

fn gw(id: DepositId) -> String {
    format!("DEP-{}", id.as_uuid().simple())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_va_deposit_is_credited_exactly_once() {
    let r = rig().await;
    let id = DepositId::new();
    let req = json!({"id": id.to_string(), "amount_idr": 50_000, "method": "va", "bank": "bni"});
    let (status, dep) = r.post("/v1/deposits", req.clone()).await;
    assert_eq!(status, 201, "{dep}");
    assert_eq!(dep["status"], "pending");
    assert_eq!(dep["bank"], "bni");
    let va = dep["va_number"]
        .as_str()
        .expect("a VA number to pay")
        .to_owned();
    let (status, again) = r.post("/v1/deposits", req).await;
    assert_eq!(
        (status, again["va_number"].as_str()),
        (200, Some(va.as_str())),
        "a retry gets the same VA"
    );
    let (status, err) = r
        .post(
            "/v1/deposits",
            json!({"id": id.to_string(), "amount_idr": 60_000, "method": "va"}),
        )
        .await;
    assert_eq!((status, err["field"].as_str()), (409, Some("id")));

    let paid = r
        .sandbox(&format!("/_sandbox/midtrans/{}/pay", gw(id)))
        .await;
    assert_eq!(paid["webhook_status"], 200, "{paid}");
    for _ in 0..3 {
        let dup = r
            .sandbox(&format!("/_sandbox/midtrans/{}/notify", gw(id)))
            .await;
        assert_eq!(
            dup["webhook_status"], 200,
            "duplicates are acknowledged: {dup}"
        );
    }
    let saldo = r.get("/v1/saldo").await;
    assert_eq!(saldo["available_idr"], 50_000, "credited once: {saldo}");
    let got = r.get(&format!("/v1/deposits/{id}")).await;
    assert_eq!(got["status"], "paid");
    let feed = r.get("/v1/changes").await;
    let deposits: Vec<&Value> = feed["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["type"] == "deposit")
        .collect();
    assert_eq!(deposits.len(), 1);
    let report = r.app.store.audit().await.expect("audit");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_notifications_change_nothing() {
    let r = rig().await;
    let id = DepositId::new();
    let (status, _) = r
        .post(
            "/v1/deposits",
            json!({"id": id.to_string(), "amount_idr": 25_000, "method": "qris"}),
        )
        .await;
    assert_eq!(status, 201);
    let forged = json!({
        "order_id": gw(id), "status_code": "200", "gross_amount": "25000.00",
        "transaction_status": "settlement",
        "signature_key": konter_server::midtrans::signature(&gw(id), "200", "25000.00", "not-the-key"),
    });
    let resp = r
        .http
        .post(format!("{}/hooks/midtrans", r.base))
        .json(&forged)
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status().as_u16(), 401);
    // A correctly signed notification that lies about the status: the status API says
    // pending, so nothing is credited.
    let key = konter_sandbox::midtrans::DEFAULT_SERVER_KEY;
    let lying = json!({
        "order_id": gw(id), "status_code": "200", "gross_amount": "25000.00",
        "transaction_status": "settlement",
        "signature_key": konter_server::midtrans::signature(&gw(id), "200", "25000.00", key),
    });
    let resp = r
        .http
        .post(format!("{}/hooks/midtrans", r.base))
        .json(&lying)
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(r.get("/v1/saldo").await["available_idr"], 0);
    let expired = r
        .sandbox(&format!("/_sandbox/midtrans/{}/expire", gw(id)))
        .await;
    assert_eq!(expired["webhook_status"], 200, "{expired}");
    assert_eq!(
        r.get(&format!("/v1/deposits/{id}")).await["status"],
        "expired"
    );
    assert_eq!(r.get("/v1/saldo").await["available_idr"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_deposit_requests_name_the_field() {
    let r = rig().await;
    for (body, field) in [
        (
            json!({"id": DepositId::new().to_string(), "amount_idr": 5_000, "method": "va"}),
            "amount_idr",
        ),
        (
            json!({"id": DepositId::new().to_string(), "amount_idr": 100_000_000, "method": "va"}),
            "amount_idr",
        ),
        (
            json!({"id": DepositId::new().to_string(), "amount_idr": 50_000, "method": "va", "bank": "xyz"}),
            "bank",
        ),
        (
            json!({"id": DepositId::new().to_string(), "amount_idr": 50_000, "method": "qris", "bank": "bca"}),
            "bank",
        ),
        (
            json!({"id": DepositId::new().to_string(), "amount_idr": 50_000, "method": "cash"}),
            "method",
        ),
        (
            json!({"id": DepositId::new().to_string(), "amount_idr": 50_000.5, "method": "va"}),
            "amount_idr",
        ),
    ] {
        let (status, err) = r.post("/v1/deposits", body.clone()).await;
        assert_eq!(
            (status, err["field"].as_str()),
            (422, Some(field)),
            "{body}: {err}"
        );
    }
    let log = sandbox_log(&r.http, &r.sandbox).await;
    assert!(log.is_empty(), "refused requests never reach the gateway");
}
