//! A sandbox on a real port, a webhook receiver on another, and signature helpers written
//! against the crypto crates directly, so the tests do not trust the simulator's own code.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hmac::{Hmac, Mac};
use konter_sandbox::{Sandbox, Settings, router};
use md5::{Digest, Md5};
use serde_json::Value;
use sha1::Sha1;
use tokio::sync::mpsc;

/// Pending purchases settle this fast in tests.
pub const PENDING_MS: u64 = 100;
/// How long a test waits for a webhook before failing.
const HOOK_WAIT_MS: u64 = 5_000;

pub struct Hook {
    /// The last path segment: `digiflazz`, `iak` or a `cb_url`'s.
    pub which: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Hook {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("webhook bodies are JSON")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

pub struct Sim {
    pub base: String,
    pub hooks_base: String,
    pub settings: Settings,
    pub http: reqwest::Client,
    hooks: mpsc::UnboundedReceiver<Hook>,
}

/// Starts a receiver and a sandbox whose webhooks go to it; `tune` adjusts the settings.
pub async fn start(tune: impl FnOnce(&mut Settings)) -> Sim {
    let (tx, hooks) = mpsc::unbounded_channel();
    let receiver = axum::Router::new().route(
        "/hooks/{which}",
        post(
            move |Path(which): Path<String>, headers: HeaderMap, body: Bytes| {
                let tx = tx.clone();
                async move {
                    let _ = tx.send(Hook {
                        which,
                        headers,
                        body,
                    });
                    StatusCode::OK
                }
            },
        ),
    );
    let hook_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the receiver");
    let hooks_base = format!("http://{}", hook_listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(hook_listener, receiver).await });

    let mut settings = Settings {
        webhook_base: Some(hooks_base.clone()),
        pending_delay_ms: PENDING_MS,
        ..Settings::default()
    };
    tune(&mut settings);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the sandbox");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let app = router(Sandbox::new(settings.clone()));
    tokio::spawn(async move { axum::serve(listener, app).await });
    Sim {
        base,
        hooks_base,
        settings,
        http: reqwest::Client::new(),
        hooks,
    }
}

impl Sim {
    /// POSTs JSON and returns the status and the parsed answer.
    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .expect("the sandbox answers");
        let status = r.status().as_u16();
        let text = r.text().await.expect("a body");
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, json)
    }

    pub async fn get(&self, path: &str) -> Value {
        self.json(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    pub async fn delete(&self, path: &str) -> Value {
        self.json(self.http.delete(format!("{}{path}", self.base)))
            .await
    }

    async fn json(&self, request: reqwest::RequestBuilder) -> Value {
        let r = request.send().await.expect("the sandbox answers");
        r.json().await.expect("JSON")
    }

    pub async fn df(&self, endpoint: &str, body: &Value) -> (u16, Value) {
        self.post(&format!("/digiflazz/v1/{endpoint}"), body).await
    }

    pub async fn iak(&self, endpoint: &str, body: &Value) -> (u16, Value) {
        self.post(&format!("/iak/api/{endpoint}"), body).await
    }

    /// `md5(username + key + suffix)` for Digiflazz with the production (or dev) key.
    pub fn df_sign(&self, dev: bool, suffix: &str) -> String {
        let key = if dev {
            &self.settings.digiflazz_dev_key
        } else {
            &self.settings.digiflazz_prod_key
        };
        md5_hex(&format!(
            "{}{key}{suffix}",
            self.settings.digiflazz_username
        ))
    }

    pub fn iak_sign(&self, dev: bool, suffix: &str) -> String {
        let key = if dev {
            &self.settings.iak_dev_key
        } else {
            &self.settings.iak_prod_key
        };
        md5_hex(&format!("{}{key}{suffix}", self.settings.iak_username))
    }

    /// Digiflazz's production balance, read with cek-saldo.
    pub async fn df_balance(&self, dev: bool) -> i64 {
        let body = serde_json::json!({"cmd": "deposit", "username": self.settings.digiflazz_username,
            "sign": self.df_sign(dev, "depo")});
        let (_, v) = self.df("cek-saldo", &body).await;
        v["data"]["deposit"]
            .as_i64()
            .expect("cek-saldo answers a deposit")
    }

    pub async fn iak_balance(&self, dev: bool) -> i64 {
        let body = serde_json::json!({"username": self.settings.iak_username,
            "sign": self.iak_sign(dev, "bl")});
        let (_, v) = self.iak("check-balance", &body).await;
        v["data"]["balance"]
            .as_i64()
            .expect("check-balance answers a balance")
    }

    /// A Digiflazz top-up (or status check) body.
    pub fn df_buy(&self, sku: &str, customer_no: &str, ref_id: &str) -> Value {
        serde_json::json!({"username": self.settings.digiflazz_username, "buyer_sku_code": sku,
            "customer_no": customer_no, "ref_id": ref_id, "sign": self.df_sign(false, ref_id)})
    }

    /// A Digiflazz development-mode top-up body (`testing: true`, the dev key).
    pub fn df_test_buy(&self, sku: &str, customer_no: &str, ref_id: &str) -> Value {
        serde_json::json!({"username": self.settings.digiflazz_username, "buyer_sku_code": sku,
            "customer_no": customer_no, "ref_id": ref_id, "testing": true,
            "sign": self.df_sign(true, ref_id)})
    }

    pub fn iak_status(&self, ref_id: &str) -> Value {
        serde_json::json!({"username": self.settings.iak_username, "ref_id": ref_id,
            "sign": self.iak_sign(false, ref_id)})
    }

    pub fn iak_buy(&self, code: &str, customer_id: &str, ref_id: &str) -> Value {
        serde_json::json!({"username": self.settings.iak_username, "ref_id": ref_id,
            "customer_id": customer_id, "product_code": code, "sign": self.iak_sign(false, ref_id)})
    }

    pub async fn next_hook(&mut self) -> Hook {
        tokio::time::timeout(Duration::from_millis(HOOK_WAIT_MS), self.hooks.recv())
            .await
            .expect("a webhook arrives in time")
            .expect("the receiver is running")
    }

    /// A webhook already received, without waiting.
    pub fn hook_already_here(&mut self) -> Option<Hook> {
        self.hooks.try_recv().ok()
    }

    /// Whether no webhook arrives within `ms`.
    pub async fn quiet_for(&mut self, ms: u64) -> bool {
        tokio::time::timeout(Duration::from_millis(ms), self.hooks.recv())
            .await
            .is_err()
    }
}

pub fn md5_hex(s: &str) -> String {
    hex::encode(Md5::digest(s.as_bytes()))
}

pub fn hub_signature(body: &[u8], secret: &str) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    format!("sha1={}", hex::encode(mac.finalize().into_bytes()))
}
