//! A server on a socket with its workers, konter-sandbox's Digiflazz, IAK and Midtrans on
//! another with webhooks flowing back, the demo catalogue, a shop with saldo and a paired
//! device: what fulfilment, bill and crash tests start from.

use std::time::Duration;

use chrono::Utc;
use konter_domain::api::v1::Order;
use konter_domain::ids::{InquiryId, OrderId};
use konter_domain::order::OrderStatus;
use konter_server::App;
use konter_server::config::{Config, Iak, Secret};
use konter_server::store::Store;
use serde_json::{Value, json};

use crate::{
    digiflazz, listener, load_demo_catalogue, pair, rp, sandbox_log, spawn_sandbox, test_config,
};

/// How long a test waits for an order to settle: pending delays and status intervals here
/// are a few hundred milliseconds.
pub const SETTLE_WAIT: Duration = Duration::from_secs(15);
pub const PENDING_DELAY_MS: u64 = 300;

pub struct Rig<S> {
    pub app: App<S>,
    pub base: String,
    pub sandbox: String,
    pub token: String,
    pub http: reqwest::Client,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// A server config pointing both suppliers at the sandbox with short status intervals.
pub fn supplier_config(sandbox: &str) -> Config {
    let mut config = test_config();
    config.testing.allow_manual_settle = false;
    config.suppliers.digiflazz = Some(digiflazz(sandbox, 200));
    config.suppliers.iak = Some(Iak {
        base_url: format!("{sandbox}/iak"),
        username: konter_sandbox::iak::DEFAULT_USERNAME.into(),
        api_key: Secret::new(konter_sandbox::iak::DEFAULT_PROD_KEY),
        status_interval_ms: Some(200),
    });
    // Tests that want a price sync or a balance check run one; a scheduled one would race
    // their set-up and their counts of supplier calls.
    config.fulfilment.price_sync_s = Some(0);
    config.alarms.deposit_check_s = Some(0);
    config
}

/// Starts the sandbox (webhooks to the server) and the server with its workers, loads the
/// demo catalogue, creates shop `code` with Rp500.000 and pairs a device.
pub async fn rig<S: Store + Clone + 'static>(store: S, code: &str) -> Rig<S> {
    rig_with(store, code, |_| {}).await
}

/// [`rig`] with a change to the server's config.
pub async fn rig_with<S: Store + Clone + 'static>(
    store: S,
    code: &str,
    tweak: impl FnOnce(&mut Config),
) -> Rig<S> {
    let (server_listener, base) = listener().await;
    let sandbox = spawn_sandbox(konter_sandbox::Settings {
        webhook_base: Some(base.clone()),
        pending_delay_ms: PENDING_DELAY_MS,
        ..konter_sandbox::Settings::default()
    })
    .await;
    load_demo_catalogue(&store).await;
    let shop = store
        .create_shop(
            code,
            "Konter Uji",
            konter_domain::catalogue::Tier::Gold,
            Utc::now(),
        )
        .await
        .expect("shop");
    store
        .credit_manual(shop.id, rp(500_000), "modal", Utc::now())
        .await
        .expect("credit");
    let mut config = supplier_config(&sandbox);
    tweak(&mut config);
    let app = App::new(store, config).expect("app");
    let token = pair(&app, &shop).await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = app.clone();
    tokio::spawn(async move {
        konter_server::http::serve_until(server_listener, serving, async {
            let _ = stopped.await;
        })
        .await
    });
    Rig {
        app,
        base,
        sandbox,
        token,
        http: reqwest::Client::new(),
        _stop: stop,
    }
}

impl<S: Store + Clone + 'static> Rig<S> {
    pub async fn order(&self, sku: &str, target: &str, max_price: i64) -> Order {
        let (status, body) = self
            .post_json(
                "/v1/orders",
                json!({"id": OrderId::new(), "sku": sku, "target": target, "max_price_idr": max_price}),
            )
            .await;
        assert_eq!(status, 201, "order accepted: {body}");
        serde_json::from_value(body).expect("order json")
    }

    /// Waits until the order is settled (success, failed or refunded) or `status`.
    pub async fn wait_for(&self, id: OrderId, status: OrderStatus) -> Order {
        let deadline = tokio::time::Instant::now() + SETTLE_WAIT;
        loop {
            let order = self
                .app
                .store
                .order(id)
                .await
                .expect("read")
                .expect("order")
                .order;
            if order.status == status {
                return order;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "order {id} is still {} (waiting for {status})",
                order.status
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    pub async fn sandbox_post(&self, path: &str, body: Value) -> Value {
        self.http
            .post(format!("{}{path}", self.sandbox))
            .json(&body)
            .send()
            .await
            .expect("sandbox")
            .json()
            .await
            .unwrap_or(Value::Null)
    }

    /// Supplier purchase requests the sandbox received for `ref_prefix`, as (path, ref_id).
    pub async fn purchases(&self, ref_prefix: &str) -> Vec<(String, String)> {
        let log = sandbox_log(&self.http, &self.sandbox).await;
        log.iter()
            .filter(|r| {
                let p = r["path"].as_str().unwrap_or_default();
                p.ends_with("/transaction")
                    || p.ends_with("/top-up")
                    || p.ends_with("/check-status")
            })
            .filter_map(|r| {
                let ref_id = r["body"]["ref_id"].as_str()?;
                ref_id.starts_with(ref_prefix).then(|| {
                    (
                        r["path"].as_str().unwrap_or_default().to_owned(),
                        ref_id.to_owned(),
                    )
                })
            })
            .collect()
    }

    /// A device POST: the status and the JSON answer.
    pub async fn post_json(&self, path: &str, body: Value) -> (u16, Value) {
        crate::device_post(&self.http, &self.base, &self.token, path, body).await
    }

    /// A device GET, as JSON.
    pub async fn get_json(&self, path: &str) -> Value {
        crate::device_get(&self.http, &self.base, &self.token, path).await
    }

    pub async fn saldo_available(&self) -> i64 {
        let v = self.get_json("/v1/saldo").await;
        v["available_idr"].as_i64().expect("available")
    }

    pub async fn audit_clean(&self) {
        let report = self.app.store.audit().await.expect("audit");
        assert!(report.problems.is_empty(), "audit: {:?}", report.problems);
    }
}

/// Bills: inquiries, payments and what the sandbox's postpaid API was asked.
impl<S: Store + Clone + 'static> Rig<S> {
    /// Looks a bill up; the status and the answer.
    pub async fn inquire(&self, id: InquiryId, sku: &str, customer_no: &str) -> (u16, Value) {
        self.post_json(
            "/v1/bills/inquiry",
            json!({"id": id, "sku": sku, "customer_no": customer_no}),
        )
        .await
    }

    /// Pays an inquiry with a new order; the status and the answer.
    pub async fn pay(&self, inquiry: &Value) -> (u16, Value) {
        self.post_json(
            "/v1/orders",
            json!({"id": OrderId::new(), "inquiry_id": inquiry["inquiry_id"],
                "max_price_idr": inquiry["total_idr"]}),
        )
        .await
    }

    /// The postpaid commands the sandbox received for a ref_id, in order.
    pub async fn commands(&self, ref_id: &str) -> Vec<String> {
        let log = sandbox_log(&self.http, &self.sandbox).await;
        log.iter()
            .filter(|r| r["body"]["ref_id"] == json!(ref_id))
            .filter_map(|r| r["body"]["commands"].as_str().map(str::to_owned))
            .collect()
    }
}
