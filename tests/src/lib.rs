//! What the tests and benches of every crate share: stores on a temp SQLite file or a fresh
//! PostgreSQL database, a seeded catalogue, the sandbox on a socket, a server with its
//! workers and a paired device ([`rig`]), requests through the router without a socket, and
//! the workspace's binaries. The end-to-end tests that span the device engine, the server
//! and the sandbox live beside this, in `e2e/`.

pub mod rig;

use std::str::FromStr;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Utc;
use http_body_util::BodyExt;
use konter_domain::catalogue::{Category, Markup, PriceRule, Product, Sku, Tier};
use konter_domain::ids::ShopId;
use konter_domain::money::Rupiah;
use konter_domain::phone::Operator;
use konter_domain::target::InputSchema;
use konter_server::App;
use konter_server::auth::{hash_secret, new_pairing_code};
use konter_server::config::{Config, Digiflazz, Secret};
use konter_server::store::{PgStore, Shop, SqliteStore, Store, SupplierProduct};
use serde_json::Value;
use tower::ServiceExt;

pub fn rp(x: i64) -> Rupiah {
    Rupiah::from_idr(x)
}

/// A SQLite store in a temp dir that lives as long as the returned guard.
pub async fn sqlite() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("konter.db").display());
    let store = SqliteStore::open(&url).await.expect("open sqlite");
    store.migrate().await.expect("migrate sqlite");
    (store, dir)
}

/// A fresh, empty PostgreSQL database's URL, or `None` when no server was started for the
/// tests. `make test` always starts one and sets `KONTER_TEST_REQUIRE_PG`, so there a
/// missing server is a failure, not a skip.
pub async fn postgres_url() -> Option<String> {
    let Ok(admin_url) = std::env::var("KONTER_TEST_PG_URL") else {
        assert!(
            std::env::var_os("KONTER_TEST_REQUIRE_PG").is_none(),
            "KONTER_TEST_REQUIRE_PG is set but KONTER_TEST_PG_URL is not"
        );
        eprintln!("KONTER_TEST_PG_URL unset: PostgreSQL part not run (make test runs it)");
        return None;
    };
    let name = format!("t_{}", uuid::Uuid::now_v7().simple());
    let admin = sqlx::PgPool::connect(&admin_url)
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .expect("create database");
    admin.close().await;
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(b, _)| b);
    Some(format!("{base}/{name}"))
}

/// A PostgreSQL store in a database of its own (see [`postgres_url`]).
pub async fn postgres() -> Option<PgStore> {
    let url = postgres_url().await?;
    let store = PgStore::open(&url).await.expect("open test database");
    store.migrate().await.expect("migrate postgres");
    Some(store)
}

/// Telkomsel 10.000, the product most tests sell.
pub fn tsel10() -> Product {
    product(
        "tsel10",
        "Telkomsel 10.000",
        Category::Pulsa,
        Some(Operator::Telkomsel),
        InputSchema::Phone,
        10_000,
    )
}

pub fn product(
    sku: &str,
    name: &str,
    category: Category,
    operator: Option<Operator>,
    input: InputSchema,
    nominal: i64,
) -> Product {
    Product {
        sku: Sku::parse(sku).expect("sku"),
        name: name.into(),
        category,
        brand: operator.map_or_else(|| "PLN".to_owned(), |o| o.display_name().to_uppercase()),
        operator,
        nominal_idr: Some(rp(nominal)),
        input,
        active: true,
    }
}

/// `product` in the catalogue, sold by Digiflazz as `supplier_sku` at `cost`.
pub async fn stock<S: Store>(store: &S, product: &Product, supplier_sku: &str, cost: i64) {
    let now = Utc::now();
    store
        .upsert_product(product, None, now)
        .await
        .expect("product");
    let offer = SupplierProduct {
        sku: product.sku.to_string(),
        supplier: "digiflazz".into(),
        supplier_sku: supplier_sku.into(),
        cost: rp(cost),
        priority: 1,
        active: true,
    };
    store
        .upsert_supplier_product(&offer, now)
        .await
        .expect("offer");
}

/// Telkomsel 10k (cost 10.150), XL 25k (cost 24.900), PLN 20k (cost 20.300); gold tier
/// adds Rp500 rounded up to Rp500, basic adds 2% rounded up to Rp1.000.
pub async fn seed_catalogue<S: Store>(store: &S) {
    let now = Utc::now();
    let items = [
        (tsel10(), 10_150),
        (
            product(
                "xl25",
                "XL 25.000",
                Category::Pulsa,
                Some(Operator::Xl),
                InputSchema::Phone,
                25_000,
            ),
            24_900,
        ),
        (
            product(
                "pln20",
                "Token PLN 20.000",
                Category::Pln,
                None,
                InputSchema::PlnNumber,
                20_000,
            ),
            20_300,
        ),
    ];
    for (p, cost) in items {
        stock(store, &p, p.sku.as_str(), cost).await;
    }
    let gold = PriceRule::new(Markup::Fixed { idr: rp(500) }, rp(500)).expect("rule");
    let basic = PriceRule::new(
        Markup::Percent {
            percent: rust_decimal::Decimal::from_str("2").expect("dec"),
        },
        rp(1_000),
    )
    .expect("rule");
    store
        .set_tier_rule(Tier::Gold, &gold, now)
        .await
        .expect("tier");
    store
        .set_tier_rule(Tier::Basic, &basic, now)
        .await
        .expect("tier");
}

/// Pairs a device through the store and returns its bearer token.
pub async fn pair<S: Store + Clone + 'static>(app: &App<S>, shop: &Shop) -> String {
    let code = new_pairing_code();
    let now = Utc::now();
    app.store
        .add_pairing_code(
            shop.id,
            &hash_secret(&code),
            now + chrono::TimeDelta::minutes(15),
            now,
        )
        .await
        .expect("code");
    let (status, body) = call(
        &konter_server::http::app(app.clone()),
        "POST",
        "/v1/devices/pair",
        None,
        Some(serde_json::json!({"pairing_code": code, "device_name": "Kasir 1"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "pairing must succeed: {body}");
    body["token"].as_str().expect("token").to_owned()
}

pub fn test_config() -> Config {
    let mut c: Config = toml::from_str("").expect("empty config is valid");
    c.testing.allow_manual_settle = true;
    c
}

/// One request through the router, without a socket.
pub async fn call(
    router: &Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let raw = body.map(|b| b.to_string());
    call_raw(
        router,
        method,
        uri,
        token,
        raw.as_deref(),
        "application/json",
    )
    .await
}

pub async fn call_raw(
    router: &Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<&str>,
    content_type: &str,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req
            .header("content-type", content_type)
            .body(Body::from(b.to_owned())),
        None => req.body(Body::empty()),
    }
    .expect("request");
    let resp = router.clone().oneshot(req).await.expect("router answers");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, value)
}

/// Every request the sandbox received, oldest first (`GET /_sandbox/requests`).
pub async fn sandbox_log(http: &reqwest::Client, sandbox: &str) -> Vec<Value> {
    http.get(format!("{sandbox}/_sandbox/requests"))
        .send()
        .await
        .expect("the sandbox's request log")
        .json()
        .await
        .expect("the log is JSON")
}

/// The demo catalogue (`demo/catalogue.toml`: both suppliers' SKUs, tiers, cut-offs), loaded.
pub async fn load_demo_catalogue<S: Store>(store: &S) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo/catalogue.toml");
    konter_server::catalogue_file::CatalogueFile::read(&path)
        .expect("demo catalogue")
        .load(store, Utc::now())
        .await
        .expect("load");
}

/// A listener on a free local port, and its base URL.
pub async fn listener() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    (listener, base)
}

/// konter-sandbox on a socket, sending its webhooks to `webhook_base`; its base URL.
pub async fn spawn_sandbox(settings: konter_sandbox::Settings) -> String {
    let (listener, base) = listener().await;
    let sandbox = konter_sandbox::Sandbox::new(settings);
    tokio::spawn(async move { axum::serve(listener, konter_sandbox::router(sandbox)).await });
    base
}

/// The sandbox's Digiflazz as a supplier of the server, asked about pending orders every
/// `status_interval_ms`.
pub fn digiflazz(sandbox: &str, status_interval_ms: u64) -> Digiflazz {
    Digiflazz {
        base_url: format!("{sandbox}/digiflazz/v1"),
        username: konter_sandbox::digiflazz::DEFAULT_USERNAME.into(),
        api_key: Secret::new(konter_sandbox::digiflazz::DEFAULT_PROD_KEY),
        webhook_secret: Secret::new(konter_sandbox::digiflazz::DEFAULT_WEBHOOK_SECRET),
        testing: false,
        status_interval_ms: Some(status_interval_ms),
    }
}

/// A fresh pairing code for `shop`, valid for five minutes.
pub async fn pairing_code<S: Store>(store: &S, shop: ShopId) -> String {
    let code = new_pairing_code();
    let now = Utc::now();
    store
        .add_pairing_code(
            shop,
            &hash_secret(&code),
            now + chrono::TimeDelta::minutes(5),
            now,
        )
        .await
        .expect("code");
    code
}

/// A binary of this workspace (`konter`, `konter-server`), built in the same profile as the
/// running test; built first when a test of another package runs alone.
pub fn workspace_bin(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    // target/<profile>/deps/<test> → target/<profile>/<name>
    let profile = exe
        .parent()
        .and_then(std::path::Path::parent)
        .expect("a target directory");
    let bin = profile.join(name);
    if !bin.exists() {
        let package = match name {
            "konter" => "konter-client",
            other => other,
        };
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut build = std::process::Command::new(cargo);
        build.args(["build", "--quiet", "-p", package, "--bin", name]);
        if profile.file_name().is_some_and(|p| p == "release") {
            build.arg("--release");
        }
        let status = build.status().expect("run cargo build");
        assert!(status.success(), "building {name} failed");
    }
    bin
}

/// Pairs a device over HTTP with `code`; its bearer token.
pub async fn pair_over_http(http: &reqwest::Client, base: &str, code: &str) -> String {
    let paired: Value = http
        .post(format!("{base}/v1/devices/pair"))
        .json(&serde_json::json!({"pairing_code": code, "device_name": "Kasir"}))
        .send()
        .await
        .expect("pair")
        .json()
        .await
        .expect("pair json");
    paired["token"].as_str().expect("token").to_owned()
}

/// A paired device's POST of `body` to `path` on the server at `base`: the status and the
/// JSON answer (`null` when it has none).
pub async fn device_post(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let resp = http
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("post");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// A paired device's GET of `path` on the server at `base`, as JSON.
pub async fn device_get(http: &reqwest::Client, base: &str, token: &str, path: &str) -> Value {
    http.get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json")
}

/// A certificate authority of a test's own, for HTTPS between a test server and a device.
pub struct TestCa {
    /// The CA's certificate, for the device to trust.
    pub pem: String,
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
}

impl TestCa {
    pub fn new(name: &str) -> TestCa {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::DigitalSignature,
        ];
        let key = rcgen::KeyPair::generate().expect("ca key");
        let cert = params.self_signed(&key).expect("ca cert");
        TestCa {
            pem: cert.pem(),
            issuer: rcgen::Issuer::new(params, key),
        }
    }

    /// A server certificate for localhost and 127.0.0.1.
    pub fn server_cert(&self) -> ServerCert {
        let mut params =
            rcgen::CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
                .expect("params");
        params
            .extended_key_usages
            .push(rcgen::ExtendedKeyUsagePurpose::ServerAuth);
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = params.signed_by(&key, &self.issuer).expect("sign");
        ServerCert {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            der: cert.der().to_vec(),
        }
    }
}

pub struct ServerCert {
    pub cert_pem: String,
    pub key_pem: String,
    /// The certificate as a client sees it in the handshake.
    pub der: Vec<u8>,
}

impl ServerCert {
    /// Writes `cert.pem` and `key.pem` into `dir` (replacing them) and returns their paths.
    pub fn write(&self, dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
        let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
        std::fs::write(&cert, &self.cert_pem).expect("write cert");
        std::fs::write(&key, &self.key_pem).expect("write key");
        (cert, key)
    }
}
