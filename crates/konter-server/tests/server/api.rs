//! The HTTP API through the router (`oneshot`) and through a real server on port 0.

use std::time::Duration;

use axum::http::StatusCode;
use chrono::Utc;
use konter_domain::catalogue::Tier;
use konter_domain::ids::OrderId;
use konter_server::App;
use konter_server::http::app;
use konter_server::store::{SqliteStore, Store};
use serde_json::{Value, json};

use konter_tests::{call, call_raw, pair, rp, seed_catalogue, sqlite, test_config};

struct World {
    app: App<SqliteStore>,
    router: axum::Router,
    token_a: String,
    token_b: String,
    _dir: tempfile::TempDir,
}

/// Shop A (gold, Rp100.000) and shop B (basic, empty), each with a paired device.
async fn world() -> World {
    let (store, dir) = sqlite().await;
    let now = Utc::now();
    let a = store
        .create_shop("A01", "Konter A", Tier::Gold, now)
        .await
        .expect("shop");
    let b = store
        .create_shop("B01", "Konter B", Tier::Basic, now)
        .await
        .expect("shop");
    seed_catalogue(&store).await;
    store
        .credit_manual(a.id, rp(100_000), "modal", now)
        .await
        .expect("credit");
    let app = App::new(store, test_config()).expect("app");
    let token_a = pair(&app, &a).await;
    let token_b = pair(&app, &b).await;
    World {
        router: app_router(&app),
        app,
        token_a,
        token_b,
        _dir: dir,
    }
}

fn app_router(state: &App<SqliteStore>) -> axum::Router {
    app(state.clone())
}

fn order(id: OrderId, sku: &str, target: &str, max: i64) -> Value {
    json!({"id": id.to_string(), "sku": sku, "target": target, "max_price_idr": max})
}

/// Everything a bad request must leave untouched.
async fn fingerprint(w: &World) -> (Value, Value, usize, usize) {
    let (_, saldo_a) = call(&w.router, "GET", "/v1/saldo", Some(&w.token_a), None).await;
    let (_, saldo_b) = call(&w.router, "GET", "/v1/saldo", Some(&w.token_b), None).await;
    let report = w.app.store.audit().await.expect("audit");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let (_, feed) = call(
        &w.router,
        "GET",
        "/v1/changes?limit=500",
        Some(&w.token_a),
        None,
    )
    .await;
    (
        saldo_a,
        saldo_b,
        report.events_checked,
        feed["changes"].as_array().map_or(0, Vec::len),
    )
}

#[tokio::test]
async fn catalogue_is_priced_for_the_shops_tier() {
    let w = world().await;
    let (status, body) = call(&w.router, "GET", "/v1/catalog", Some(&w.token_a), None).await;
    assert_eq!(status, StatusCode::OK);
    let price = |b: &Value, sku: &str| {
        b["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["sku"] == sku)
            .expect(sku)["price_idr"]
            .clone()
    };
    // Gold: cost 10.150 + 500 = 10.650, up to Rp500 -> 11.000.
    assert_eq!(price(&body, "tsel10"), 11_000);
    let (_, body_b) = call(&w.router, "GET", "/v1/catalog", Some(&w.token_b), None).await;
    // Basic: 10.150 + 2% (203) = 10.353, up to Rp1.000 -> 11.000; XL 24.900 + 498 -> 26.000.
    assert_eq!(price(&body_b, "xl25"), 26_000);
}

#[tokio::test]
async fn an_order_is_accepted_once_and_retries_get_the_stored_answer() {
    let w = world().await;
    let id = OrderId::new();
    let body = order(id, "tsel10", "0812-3456-7890", 11_000);
    let (status, first) = call(
        &w.router,
        "POST",
        "/v1/orders",
        Some(&w.token_a),
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["status"], "accepted");
    assert_eq!(first["target"], "081234567890", "stored in canonical form");
    assert_eq!(first["price_idr"], 11_000);
    let (status, again) = call(
        &w.router,
        "POST",
        "/v1/orders",
        Some(&w.token_a),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again, first, "a retry gets the stored order");
    let before = fingerprint(&w).await;
    let different = order(id, "tsel10", "081299999999", 11_000);
    let (status, err) = call(
        &w.router,
        "POST",
        "/v1/orders",
        Some(&w.token_a),
        Some(different),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["code"], "id_conflict");
    assert_eq!(err["field"], "id");
    assert_eq!(fingerprint(&w).await, before, "a conflict changes nothing");
    let (_, metrics) = call(&w.router, "GET", "/metrics", None, None).await;
    let metrics = metrics.as_str().expect("text").to_owned();
    assert!(
        metrics.contains("konter_orders_rejected_total 1\n"),
        "one conflict, counted once: {metrics}"
    );
    assert!(
        metrics.contains("konter_orders_replayed_total 1\n"),
        "{metrics}"
    );
    let (_, saldo) = call(&w.router, "GET", "/v1/saldo", Some(&w.token_a), None).await;
    assert_eq!(
        saldo,
        json!({"balance_idr": 100_000, "held_idr": 11_000, "available_idr": 89_000})
    );
    let (status, got) = call(
        &w.router,
        "GET",
        &format!("/v1/orders/{id}"),
        Some(&w.token_a),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got["id"], id.to_string());
}

#[tokio::test]
async fn refusals_store_nothing_and_hold_nothing() {
    let w = world().await;
    let before = fingerprint(&w).await;
    let cases: Vec<(Value, StatusCode, &str, &str)> = vec![
        (
            order(OrderId::new(), "tsel10", "081234567890", 10_999),
            StatusCode::CONFLICT,
            "price_changed",
            "max_price_idr",
        ),
        (
            order(OrderId::new(), "nope", "081234567890", 11_000),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_sku",
            "sku",
        ),
        (
            order(OrderId::new(), "tsel10", "0812", 11_000),
            StatusCode::UNPROCESSABLE_ENTITY,
            "phone_too_short",
            "target",
        ),
        (
            order(OrderId::new(), "tsel10", "081712345678", 11_000),
            StatusCode::UNPROCESSABLE_ENTITY,
            "target_operator_mismatch",
            "target",
        ),
        (
            order(OrderId::new(), "tsel10", "081012345678", 11_000),
            StatusCode::UNPROCESSABLE_ENTITY,
            "phone_unknown_operator",
            "target",
        ),
        (
            order(OrderId::new(), "pln20", "123", 25_000),
            StatusCode::UNPROCESSABLE_ENTITY,
            "pln_wrong_length",
            "target",
        ),
        (
            order(OrderId::new(), "tsel10", "081234567890", 0),
            StatusCode::UNPROCESSABLE_ENTITY,
            "amount_invalid",
            "max_price_idr",
        ),
        (
            order(OrderId::new(), "tsel10", "081234567890", -5),
            StatusCode::UNPROCESSABLE_ENTITY,
            "amount_invalid",
            "max_price_idr",
        ),
        (
            order(
                OrderId::new(),
                "tsel10",
                "081234567890",
                9_000_000_000_000_000_000,
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "amount_invalid",
            "max_price_idr",
        ),
        (
            json!({"id": OrderId::new().to_string(), "target": "081234567890", "max_price_idr": 11_000}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "missing_field",
            "sku",
        ),
        (
            json!({"id": "67e55044-10b1-426f-9247-bb680e5fe0c8", "sku": "tsel10", "target": "081234567890", "max_price_idr": 11_000}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "id",
        ),
        (
            json!({"id": OrderId::new().to_string(), "sku": "tsel10", "target": "081234567890", "max_price_idr": "11000"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "max_price_idr",
        ),
        (
            json!({"id": OrderId::new().to_string(), "sku": "tsel10", "target": "081234567890", "max_price_idr": 11_000, "price_idr": 1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "price_idr",
        ),
        (
            json!({"sku": "tsel10", "target": "081234567890", "max_price_idr": 11_000}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "id",
        ),
    ];
    for (body, status, code, field) in cases {
        let (got, err) = call(
            &w.router,
            "POST",
            "/v1/orders",
            Some(&w.token_a),
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            (got, err["code"].as_str(), err["field"].as_str()),
            (status, Some(code), Some(field)),
            "{body} -> {err}"
        );
        assert!(
            err["message"].as_str().is_some_and(|m| m.contains(" / ")),
            "message in both languages: {err}"
        );
    }
    // Shop B has no saldo.
    let (status, err) = call(
        &w.router,
        "POST",
        "/v1/orders",
        Some(&w.token_b),
        Some(order(OrderId::new(), "tsel10", "081234567890", 11_000)),
    )
    .await;
    assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
    assert!(
        err["message"]
            .as_str()
            .expect("message")
            .contains("saldo tidak cukup")
    );
    // Broken bodies.
    let (status, err) = call_raw(
        &w.router,
        "POST",
        "/v1/orders",
        Some(&w.token_a),
        Some("{\"id\":"),
        "application/json",
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("malformed_json"))
    );
    let (status, _) = call_raw(
        &w.router,
        "POST",
        "/v1/orders",
        Some(&w.token_a),
        Some("{}"),
        "text/plain",
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(100_000));
    let (status, err) = call_raw(
        &w.router,
        "POST",
        "/v1/orders",
        Some(&w.token_a),
        Some(&huge),
        "application/json",
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("body_too_large"))
    );
    // Bad tokens.
    for token in [None, Some("kt_wrong"), Some("")] {
        let (status, err) = call(&w.router, "GET", "/v1/saldo", token, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert_eq!(err["field"], "authorization");
    }
    // Bad feed parameters.
    for q in ["after=-1", "limit=0", "limit=501", "wait_s=31", "after=abc"] {
        let (status, err) = call(
            &w.router,
            "GET",
            &format!("/v1/changes?{q}"),
            Some(&w.token_a),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        assert_eq!(err["field"].as_str(), q.split('=').next());
    }
    assert_eq!(
        fingerprint(&w).await,
        before,
        "no refused request changed anything"
    );
}

#[tokio::test]
async fn a_device_never_sees_another_shops_data() {
    let w = world().await;
    let id = OrderId::new();
    let (status, _) = call(
        &w.router,
        "POST",
        "/v1/orders",
        Some(&w.token_a),
        Some(order(id, "tsel10", "081234567890", 11_000)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, err) = call(
        &w.router,
        "GET",
        &format!("/v1/orders/{id}"),
        Some(&w.token_b),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{err}");
    let (status, _) = call(
        &w.router,
        "POST",
        &format!("/_test/orders/{id}/settle"),
        Some(&w.token_b),
        Some(json!({"outcome": "failed", "code": "x", "message": "y"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // B replaying A's order id is a conflict, and reveals nothing of the order.
    let (status, err) = call(
        &w.router,
        "POST",
        "/v1/orders",
        Some(&w.token_b),
        Some(order(id, "tsel10", "081234567890", 11_000)),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(err.get("price_idr").is_none());
    let (_, saldo_b) = call(&w.router, "GET", "/v1/saldo", Some(&w.token_b), None).await;
    assert_eq!(saldo_b["balance_idr"], 0);
    let (_, feed_b) = call(&w.router, "GET", "/v1/changes", Some(&w.token_b), None).await;
    let text = feed_b.to_string();
    assert!(
        !text.contains(&id.to_string()),
        "B's feed mentions A's order: {text}"
    );
}

#[tokio::test]
async fn batch_drains_an_outbox_in_order() {
    let w = world().await;
    let ids: Vec<OrderId> = (0..3).map(|_| OrderId::new()).collect();
    let batch = json!({"orders": [
        order(ids[0], "tsel10", "081234567890", 11_000),
        order(ids[1], "nope", "081234567890", 11_000),
        order(ids[2], "xl25", "087812345678", 30_000),
    ]});
    let (status, body) = call(
        &w.router,
        "POST",
        "/v1/orders/batch",
        Some(&w.token_a),
        Some(batch.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let results = body["results"].as_array().expect("results");
    assert_eq!(
        results
            .iter()
            .map(|r| r["status"].as_u64())
            .collect::<Vec<_>>(),
        vec![Some(201), Some(422), Some(201)]
    );
    assert_eq!(results[1]["error"]["field"], "sku");
    let (_, again) = call(
        &w.router,
        "POST",
        "/v1/orders/batch",
        Some(&w.token_a),
        Some(batch),
    )
    .await;
    let statuses: Vec<_> = again["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["status"].as_u64())
        .collect();
    assert_eq!(
        statuses,
        vec![Some(200), Some(422), Some(200)],
        "a re-sent batch is idempotent"
    );
    let too_many = json!({"orders": (0..101).map(|_| order(OrderId::new(), "tsel10", "081234567890", 11_000)).collect::<Vec<_>>()});
    let (status, err) = call(
        &w.router,
        "POST",
        "/v1/orders/batch",
        Some(&w.token_a),
        Some(too_many),
    )
    .await;
    assert_eq!(
        (status, err["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("orders"))
    );
}

#[tokio::test]
async fn settling_reaches_the_feed_and_a_long_poll_wakes_up() {
    let w = world().await;
    let id = OrderId::new();
    call(
        &w.router,
        "POST",
        "/v1/orders",
        Some(&w.token_a),
        Some(order(id, "pln20", "1423-4567-890", 21_000)),
    )
    .await;
    let (_, feed) = call(&w.router, "GET", "/v1/changes", Some(&w.token_a), None).await;
    let cursor = feed["last_seq"].as_i64().expect("cursor");
    let router = w.router.clone();
    let token = w.token_a.clone();
    let poll = tokio::spawn(async move {
        let started = std::time::Instant::now();
        let (_, body) = call(
            &router,
            "GET",
            &format!("/v1/changes?after={cursor}&wait_s=20"),
            Some(&token),
            None,
        )
        .await;
        (started.elapsed(), body)
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, settled) = call(&w.router, "POST", &format!("/_test/orders/{id}/settle"), Some(&w.token_a),
        Some(json!({"outcome": "success", "sn": "5721-7714-3897-2629-3021/BUDI/R1M/900VA/14.5KWH", "pln_token": "5721-7714-3897-2629-3021"}))).await;
    assert_eq!(status, StatusCode::OK, "{settled}");
    let (waited, body) = poll.await.expect("poll");
    assert!(
        waited < Duration::from_secs(10),
        "the long-poll should wake on the commit, waited {waited:?}"
    );
    let changes = body["changes"].as_array().expect("changes");
    assert!(
        changes.iter().any(|c| c["type"] == "order"
            && c["order"]["status"] == "success"
            && c["order"]["pln_token"] == "5721-7714-3897-2629-3021"),
        "{body}"
    );
    assert!(
        changes
            .iter()
            .any(|c| c["type"] == "saldo" && c["movement"]["reason"] == "charge")
    );
    // An empty long-poll returns the cursor it was given.
    let last = body["last_seq"].as_i64().expect("last");
    let (_, empty) = call(
        &w.router,
        "GET",
        &format!("/v1/changes?after={last}&wait_s=1"),
        Some(&w.token_a),
        None,
    )
    .await;
    assert_eq!(empty, json!({"changes": [], "last_seq": last}));
}

#[tokio::test]
async fn pairing_codes_work_once_and_guessing_is_limited() {
    let w = world().await;
    let (status, err) = call(
        &w.router,
        "POST",
        "/v1/devices/pair",
        None,
        Some(json!({"pairing_code": "AAAAAAAA", "device_name": "x"})),
    )
    .await;
    assert_eq!(
        (status, err["field"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("pairing_code"))
    );
    for _ in 0..12 {
        call(
            &w.router,
            "POST",
            "/v1/devices/pair",
            None,
            Some(json!({"pairing_code": "BBBBBBBB", "device_name": "x"})),
        )
        .await;
    }
    let (status, err) = call(
        &w.router,
        "POST",
        "/v1/devices/pair",
        None,
        Some(json!({"pairing_code": "CCCCCCCC", "device_name": "x"})),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts"))
    );
}

#[tokio::test]
async fn ops_endpoints_answer() {
    let w = world().await;
    let (status, body) = call(&w.router, "GET", "/healthz", None, None).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"status": "ok"})));
    let (status, body) = call(&w.router, "GET", "/metrics", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let text = body.as_str().expect("text");
    assert!(text.contains("konter_pair_succeeded_total 2"), "{text}");
    let (status, body) = call(&w.router, "GET", "/nope", None, None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}

/// The real server on a socket: bind port 0, talk HTTP, shut down.
#[tokio::test]
async fn a_real_server_on_port_0() {
    let w = world().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(konter_server::http::serve(listener, w.app.clone()));
    let client = reqwest::Client::new();
    let health: Value = client
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(health["status"], "ok");
    let id = OrderId::new();
    let resp = client
        .post(format!("http://{addr}/v1/orders"))
        .bearer_auth(&w.token_a)
        .json(&order(id, "tsel10", "+62 812 3456 7890", 11_000))
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status().as_u16(), 201);
    server.abort();
}

#[tokio::test]
async fn openapi_documents_every_route_with_resolvable_schemas() {
    let w = world().await;
    let (status, doc) = call(&w.router, "GET", "/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    for (path, method) in [
        ("/v1/devices/pair", "post"),
        ("/v1/catalog", "get"),
        ("/v1/orders", "post"),
        ("/v1/orders/batch", "post"),
        ("/v1/orders/{id}", "get"),
        ("/v1/changes", "get"),
        ("/v1/saldo", "get"),
        ("/v1/deposits", "post"),
        ("/hooks/midtrans", "post"),
        ("/healthz", "get"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is documented"
        );
    }
    let text = doc.to_string();
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for piece in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = piece.split('"').next().expect("name");
        assert!(schemas.contains_key(name), "$ref to {name} resolves");
    }
    assert!(schemas.contains_key("CreateOrder") && schemas.contains_key("Change"));
    let max_price = &schemas["CreateOrder"]["properties"]["max_price_idr"];
    assert_eq!(
        max_price["allOf"][0]["$ref"], "#/components/schemas/Rupiah",
        "{max_price}"
    );
    assert_eq!(
        schemas["Rupiah"]["type"], "integer",
        "money is an integer on the wire"
    );
}
