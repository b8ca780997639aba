//! The owners' side: the sales journal devices send (`POST /v1/journal`), the back office's
//! sessions and their rules, and the figures an owner reads — including what must never
//! happen: a retry making a second row, a device token or another shop's owner reading a
//! shop's figures, a change without the session's CSRF token.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{DateTime, FixedOffset, Utc};
use http_body_util::BodyExt;
use konter_domain::catalogue::Tier;
use konter_domain::ids::{CashierId, OrderId, ShiftId};
use konter_server::App;
use konter_server::owner::session::setup_code_hash;
use konter_server::store::{Owners, Shop, SqliteStore, Store};
use serde_json::{Value, json};
use tower::ServiceExt;

use konter_tests::{call, pair, rp, seed_catalogue, sqlite, test_config};

const OWNER_A: &str = "081211110001";
const OWNER_B: &str = "081211110002";
const PASSWORD: &str = "kata-sandi-toko";

struct World {
    app: App<SqliteStore>,
    router: axum::Router,
    a: Shop,
    a2: Shop,
    b: Shop,
    token_a: String,
    token_a2: String,
    token_b: String,
    _dir: tempfile::TempDir,
}

/// Owner A has two outlets (A and A2), owner B one (B); each outlet has a paired device.
async fn world() -> World {
    let (store, dir) = sqlite().await;
    let now = Utc::now();
    let mut shops = Vec::new();
    for (code, name) in [
        ("A01", "Konter A"),
        ("A02", "Konter A Dua"),
        ("B01", "Konter B"),
    ] {
        shops.push(
            store
                .create_shop(code, name, Tier::Gold, now)
                .await
                .expect("shop"),
        );
    }
    seed_catalogue(&store).await;
    for shop in &shops {
        store
            .credit_manual(shop.id, rp(100_000), "modal", now)
            .await
            .expect("credit");
    }
    let app = App::new(store, test_config()).expect("app");
    let [a, a2, b] = <[Shop; 3]>::try_from(shops).expect("three shops");
    let (token_a, token_a2, token_b) = (
        pair(&app, &a).await,
        pair(&app, &a2).await,
        pair(&app, &b).await,
    );
    for (phone, shop) in [(OWNER_A, &a), (OWNER_A, &a2), (OWNER_B, &b)] {
        app.store
            .owner_setup_code(
                phone,
                shop.id,
                &setup_code_hash(&format!("CODE-{phone}")),
                now + chrono::TimeDelta::hours(1),
                now,
            )
            .await
            .expect("owner");
    }
    World {
        router: konter_server::http::app(app.clone()),
        app,
        a,
        a2,
        b,
        token_a,
        token_a2,
        token_b,
        _dir: dir,
    }
}

fn wib(at: DateTime<Utc>) -> chrono::DateTime<FixedOffset> {
    at.with_timezone(&FixedOffset::east_opt(7 * 3600).expect("WIB"))
}

fn today() -> String {
    wib(Utc::now()).date_naive().to_string()
}

/// A sale as a device journals it: sold now, cash 20.000.
fn sale(order: OrderId, price: i64, cost: i64, cashier: &str) -> Value {
    let now = Utc::now();
    json!({
        "kind": "sale", "order_id": order.to_string(), "cashier_id": CashierId::new().to_string(),
        "cashier_name": cashier, "sku": "tsel10", "product_name": "Telkomsel 10.000",
        "category": "pulsa", "price_idr": price, "cost_idr": cost, "fee_idr": 0,
        "cash_idr": 20_000, "change_idr": 20_000 - price, "sold_at": now.to_rfc3339(),
        "day": wib(now).date_naive().to_string(), "utc_offset_h": 7
    })
}

async fn journal(w: &World, token: &str, entries: Vec<Value>) -> (StatusCode, Value) {
    call(
        &w.router,
        "POST",
        "/v1/journal",
        Some(token),
        Some(json!({ "entries": entries })),
    )
    .await
}

fn statuses(body: &Value) -> Vec<u64> {
    body["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["status"].as_u64().expect("status"))
        .collect()
}

/// A device places an order for 11.000 (the gold price of tsel10) and gets its id.
async fn place(w: &World, token: &str) -> OrderId {
    let id = OrderId::new();
    let (status, body) = call(
        &w.router,
        "POST",
        "/v1/orders",
        Some(token),
        Some(json!({"id": id, "sku": "tsel10", "target": "081234567890", "max_price_idr": 11_000})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    id
}

async fn settle(w: &World, token: &str, id: OrderId, body: Value) {
    let (status, answer) = call(
        &w.router,
        "POST",
        &format!("/_test/orders/{id}/settle"),
        Some(token),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

/// A browser on the back office: keeps the session cookie and the CSRF token.
struct Browser {
    router: axum::Router,
    cookie: Option<String>,
    csrf: Option<String>,
}

impl Browser {
    fn new(w: &World) -> Browser {
        Browser {
            router: w.router.clone(),
            cookie: None,
            csrf: None,
        }
    }

    async fn send(
        &mut self,
        method: &str,
        uri: &str,
        body: Option<Value>,
        with_csrf: bool,
    ) -> (StatusCode, Value, Option<String>) {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(c) = &self.cookie {
            req = req.header("cookie", format!("konter_owner={c}"));
        }
        if let (true, Some(t)) = (with_csrf, &self.csrf) {
            req = req.header("x-csrf-token", t);
        }
        let req = match body {
            Some(b) => req
                .header("content-type", "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .expect("request");
        let resp = self.router.clone().oneshot(req).await.expect("answer");
        let status = resp.status();
        let set_cookie = resp
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if let Some(sc) = &set_cookie {
            let value = sc
                .split(';')
                .next()
                .and_then(|kv| kv.split_once('='))
                .map(|(_, v)| v.to_owned())
                .unwrap_or_default();
            self.cookie = (!value.is_empty()).then_some(value);
        }
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        let value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        if let Some(csrf) = value.get("csrf").and_then(Value::as_str) {
            self.csrf = Some(csrf.to_owned());
        }
        (status, value, set_cookie)
    }

    async fn get(&mut self, uri: &str) -> (StatusCode, Value) {
        let (s, v, _) = self.send("GET", uri, None, false).await;
        (s, v)
    }

    async fn post(&mut self, uri: &str, body: Value) -> (StatusCode, Value) {
        let (s, v, _) = self.send("POST", uri, Some(body), true).await;
        (s, v)
    }

    /// Sets the password with the world's setup code, then is signed in.
    async fn set_up(w: &World, phone: &str) -> Browser {
        let mut b = Browser::new(w);
        let (status, me) = b
            .post(
                "/owner/api/setup",
                json!({"phone": phone, "code": format!("code {phone}"), "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{me}");
        b
    }
}

#[tokio::test]
async fn a_sale_is_journaled_once_however_often_it_is_sent() {
    let w = world().await;
    let id = place(&w, &w.token_a).await;
    let entry = sale(id, 11_000, 10_650, "Sri");
    // The same entry twice in one batch, then the whole batch again (a lost answer).
    let (status, first) = journal(&w, &w.token_a, vec![entry.clone(), entry.clone()]).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(statuses(&first), [201, 200]);
    let (_, again) = journal(&w, &w.token_a, vec![entry.clone()]).await;
    assert_eq!(statuses(&again), [200]);
    assert_eq!(again["results"][0]["outcome"], "exists");
    // The same id with other facts is refused, and changes nothing.
    let mut forged = entry.clone();
    forged["price_idr"] = json!(5_000);
    forged["change_idr"] = json!(15_000);
    let (_, conflict) = journal(&w, &w.token_a, vec![forged]).await;
    assert_eq!(statuses(&conflict), [409]);
    assert_eq!(conflict["results"][0]["error"]["field"], "id");
    // Nor can another device of the same shop send it as its own.
    let second = pair(&w.app, &w.a).await;
    let (_, other_device) = journal(&w, &second, vec![entry.clone()]).await;
    assert_eq!(statuses(&other_device), [409]);

    settle(
        &w,
        &w.token_a,
        id,
        json!({"outcome": "success", "sn": "SN1"}),
    )
    .await;
    let mut owner = Browser::set_up(&w, OWNER_A).await;
    let day = today();
    let (status, report) = owner
        .get(&format!(
            "/owner/api/report?from={day}&to={day}&shop={}",
            w.a.id
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["totals"]["count"], 1, "{report}");
    assert_eq!(report["totals"]["omzet_idr"], 11_000);
    assert_eq!(report["totals"]["modal_idr"], 10_650);
    assert_eq!(report["totals"]["laba_idr"], 350);
}

#[tokio::test]
async fn bad_entries_are_refused_naming_the_field_and_the_rest_are_kept() {
    let w = world().await;
    let good = sale(OrderId::new(), 11_000, 10_650, "Sri");
    let mut short_change = sale(OrderId::new(), 11_000, 10_650, "Sri");
    short_change["change_idr"] = json!(1_000);
    let mut wrong_day = sale(OrderId::new(), 11_000, 10_650, "Sri");
    wrong_day["day"] = json!("2020-01-01");
    let mut fee_on_pulsa = sale(OrderId::new(), 11_000, 10_650, "Sri");
    fee_on_pulsa["fee_idr"] = json!(1_000);
    let mut nameless = sale(OrderId::new(), 11_000, 10_650, " ");
    nameless["cashier_name"] = json!("   ");
    let close = json!({
        "kind": "shift_close", "shift_id": ShiftId::new(), "cashier_id": CashierId::new(),
        "cashier_name": "Sri", "opened_at": (Utc::now() - chrono::TimeDelta::hours(8)).to_rfc3339(),
        "closed_at": Utc::now().to_rfc3339(), "opening_cash_idr": 100_000,
        "expected_cash_idr": 111_000, "counted_cash_idr": 110_000, "difference_idr": -1_000,
        "closed_by": "Sri", "day": today(), "utc_offset_h": 7
    });
    let mut bad_difference = close.clone();
    bad_difference["shift_id"] = json!(ShiftId::new());
    bad_difference["difference_idr"] = json!(1_000);
    let (status, body) = journal(
        &w,
        &w.token_a,
        vec![
            good,
            short_change,
            wrong_day,
            fee_on_pulsa,
            nameless,
            close,
            bad_difference,
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(statuses(&body), [201, 422, 422, 422, 422, 201, 422]);
    let fields: Vec<&str> = body["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["error"]["field"].as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "change_idr",
            "day",
            "fee_idr",
            "cashier_name",
            "difference_idr"
        ]
    );
    // A whole batch of the wrong shape, or too big, is refused as a whole.
    let (status, body) = journal(&w, &w.token_a, vec![json!({"kind": "sale"})]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let many = (0..101)
        .map(|_| sale(OrderId::new(), 11_000, 10_650, "Sri"))
        .collect();
    let (status, body) = journal(&w, &w.token_a, many).await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("entries"))
    );
    // No token, no journal.
    let (status, _) = call(
        &w.router,
        "POST",
        "/v1/journal",
        None,
        Some(json!({"entries": []})),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let mut owner = Browser::set_up(&w, OWNER_A).await;
    let (_, report) = owner.get("/owner/api/report").await;
    // Kept: the one good sale (not yet on the server: queued) and the one shift close.
    assert_eq!(report["totals"]["pending_count"], 1, "{report}");
    assert_eq!(report["shifts"].as_array().map(Vec::len), Some(1));
    assert_eq!(report["shifts"][0]["difference_idr"], -1_000);
}

#[tokio::test]
async fn a_sale_follows_its_order_whichever_arrives_first_and_a_refund_counts_when_it_happens() {
    let w = world().await;
    // The journal before the order (a device that sent its journal first).
    let early = OrderId::new();
    let (_, body) = journal(&w, &w.token_a, vec![sale(early, 11_000, 10_650, "Sri")]).await;
    assert_eq!(statuses(&body), [201]);
    let (status, _) = call(
        &w.router,
        "POST",
        "/v1/orders",
        Some(&w.token_a),
        Some(json!({"id": early, "sku": "tsel10", "target": "081234567891", "max_price_idr": 11_000})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    settle(
        &w,
        &w.token_a,
        early,
        json!({"outcome": "success", "sn": "SN-EARLY"}),
    )
    .await;
    // The order first, the journal after; then delivered, then refunded by the supplier.
    let late = place(&w, &w.token_a).await;
    settle(
        &w,
        &w.token_a,
        late,
        json!({"outcome": "success", "sn": "SN-LATE"}),
    )
    .await;
    let (_, body) = journal(&w, &w.token_a, vec![sale(late, 11_000, 10_650, "Budi")]).await;
    assert_eq!(statuses(&body), [201]);
    // A failed one.
    let failed = place(&w, &w.token_a).await;
    let (_, body) = journal(&w, &w.token_a, vec![sale(failed, 11_000, 10_650, "Budi")]).await;
    assert_eq!(statuses(&body), [201]);
    settle(
        &w,
        &w.token_a,
        failed,
        json!({"outcome": "failed", "code": "45", "message": "Nomor salah"}),
    )
    .await;

    let mut owner = Browser::set_up(&w, OWNER_A).await;
    let (_, before) = owner.get("/owner/api/report").await;
    assert_eq!(before["totals"]["count"], 2, "{before}");
    assert_eq!(before["totals"]["failed_count"], 1);
    assert_eq!(before["problems"][0]["reason"], "Nomor salah");

    settle(
        &w,
        &w.token_a,
        late,
        json!({"outcome": "refunded", "code": "R", "message": "Refund supplier"}),
    )
    .await;
    let (_, after) = owner.get("/owner/api/report").await;
    assert_eq!(after["totals"]["count"], 1, "{after}");
    assert_eq!(after["totals"]["omzet_idr"], 11_000);
    assert_eq!(after["totals"]["failed_count"], 2);
    assert_eq!(after["totals"]["refunded_count"], 1);
    let refunds = after["refunds"].as_array().expect("refunds");
    assert_eq!(refunds.len(), 1, "{after}");
    assert_eq!(refunds[0]["order_id"], late.to_string());
    let cashiers: Vec<&str> = after["by_cashier"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["label"].as_str())
        .collect();
    assert!(
        cashiers.iter().any(|c| c.starts_with("Sri")),
        "{cashiers:?}"
    );
}

#[tokio::test]
async fn an_owner_sees_all_their_outlets_and_nothing_of_anyone_elses() {
    let w = world().await;
    for (token, price) in [
        (&w.token_a, 11_000),
        (&w.token_a2, 11_000),
        (&w.token_b, 11_000),
    ] {
        let id = place(&w, token).await;
        let (_, body) = journal(&w, token, vec![sale(id, price, 10_650, "Sri")]).await;
        assert_eq!(statuses(&body), [201]);
        settle(&w, token, id, json!({"outcome": "success", "sn": "SN"})).await;
    }
    let mut a = Browser::set_up(&w, OWNER_A).await;
    let (status, me) = a.get("/owner/api/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["shops"].as_array().map(Vec::len), Some(2), "{me}");
    let (_, all) = a.get("/owner/api/report").await;
    assert_eq!(all["totals"]["count"], 2, "both outlets of A: {all}");
    assert_eq!(all["by_shop"].as_array().map(Vec::len), Some(2));
    let (_, one) = a.get(&format!("/owner/api/report?shop={}", w.a2.id)).await;
    assert_eq!(one["totals"]["count"], 1);
    // B's shop, asked for by A's owner: as if it did not exist.
    for uri in [
        format!("/owner/api/report?shop={}", w.b.id),
        format!("/owner/api/saldo?shop={}", w.b.id),
        format!("/owner/api/sales.csv?shop={}", w.b.id),
    ] {
        let (status, body) = a.get(&uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: {body}");
        assert_eq!(body["code"], "shop_unknown");
    }
    let (status, _) = a
        .post(
            "/owner/api/deposits",
            json!({"shop": w.b.id, "amount_idr": 100_000, "method": "qris"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let mut b = Browser::set_up(&w, OWNER_B).await;
    let (_, only_b) = b.get("/owner/api/report").await;
    assert_eq!(only_b["totals"]["count"], 1, "{only_b}");
    let (_, csv) = b.get("/owner/api/sales.csv").await;
    let csv = csv.as_str().expect("csv text");
    assert_eq!(csv.lines().count(), 2, "a header and B's one sale: {csv}");
    assert!(
        csv.contains("Konter B") && !csv.contains("Konter A"),
        "{csv}"
    );
    // A device token opens nothing of the back office, and reads no other shop's journal.
    for token in [&w.token_a, &w.token_b] {
        let (status, _) = call(&w.router, "GET", "/owner/api/report", Some(token), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn sessions_need_the_setup_code_the_password_and_the_csrf_token() {
    let w = world().await;
    let mut guest = Browser::new(&w);
    let (status, body) = guest.get("/owner/api/me").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("signed_out"))
    );
    // Setup: a wrong code, a short password, then the right code once.
    let (status, body) = guest
        .post(
            "/owner/api/setup",
            json!({"phone": OWNER_A, "code": "WRONG-CODE1", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("setup_code_invalid"))
    );
    let (status, body) = guest
        .post(
            "/owner/api/setup",
            json!({"phone": OWNER_A, "code": format!("CODE-{OWNER_A}"), "password": "short"}),
        )
        .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("password"))
    );
    let mut owner = Browser::set_up(&w, OWNER_A).await;
    let (_, _, cookie) = owner.send("GET", "/owner/api/me", None, false).await;
    assert!(cookie.is_none(), "a read does not set cookies");
    let (status, body) = Browser::new(&w)
        .post("/owner/api/setup", json!({"phone": OWNER_A, "code": format!("CODE-{OWNER_A}"), "password": "another-password"}))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("setup_code_invalid")),
        "a code works once"
    );
    let stored = w
        .app
        .store
        .owner_by_phone(OWNER_A)
        .await
        .expect("read")
        .expect("owner");
    let hash = stored.password_hash.expect("a password");
    assert!(hash.starts_with("$argon2id$") && !hash.contains(PASSWORD));

    // Sign-in: the cookie's rules; the phone in any form people type.
    let mut phone = Browser::new(&w);
    let (status, _, cookie) = phone
        .send(
            "POST",
            "/owner/api/login",
            Some(json!({"phone": "+62 812-1111-0001", "password": PASSWORD})),
            false,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let cookie = cookie.expect("a session cookie");
    for part in ["HttpOnly", "SameSite=Strict", "Path=/owner"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    // A change without the CSRF token is refused and changes nothing.
    let (status, body, _) = phone.send("POST", "/owner/api/logout", None, false).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("csrf_invalid"))
    );
    assert_eq!(phone.get("/owner/api/me").await.0, StatusCode::OK);
    // A login posted from another site is refused.
    let req = Request::builder()
        .method("POST")
        .uri("/owner/api/login")
        .header("host", "konter.example")
        .header("origin", "https://evil.example")
        .header("content-type", "application/json")
        .body(Body::from(
            json!({"phone": OWNER_A, "password": PASSWORD}).to_string(),
        ))
        .expect("request");
    let resp = w.router.clone().oneshot(req).await.expect("answer");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    // Log out everywhere: both sessions end.
    let (status, _) = phone.post("/owner/api/logout_all", json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(owner.get("/owner/api/me").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(phone.get("/owner/api/me").await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sign_in_is_locked_out_after_repeated_failures() {
    let w = world().await;
    drop(Browser::set_up(&w, OWNER_A).await);
    // An unknown phone answers like a wrong password.
    let (status, body) = Browser::new(&w)
        .post(
            "/owner/api/login",
            json!({"phone": "081299998888", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("login_failed"))
    );
    // Wrong passwords: refused, then the phone (and the address) is locked out for the
    // window, even with the right password.
    let mut attacker = Browser::new(&w);
    for _ in 1..konter_server::owner::session::LOGIN_FAILURES_PER_WINDOW {
        let (status, body) = attacker
            .post(
                "/owner/api/login",
                json!({"phone": OWNER_A, "password": "tebak-tebak"}),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("login_failed"))
        );
    }
    let (status, body) = attacker
        .post(
            "/owner/api/login",
            json!({"phone": OWNER_A, "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts"))
    );
}

#[tokio::test]
async fn the_page_is_served_with_strict_headers() {
    let w = world().await;
    let resp = w
        .router
        .clone()
        .oneshot(
            Request::builder()
                .uri("/owner/")
                .body(Body::empty())
                .expect("req"),
        )
        .await
        .expect("answer");
    assert_eq!(resp.status(), StatusCode::OK);
    let h = resp.headers();
    assert!(
        h["content-security-policy"]
            .to_str()
            .expect("csp")
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(h["x-frame-options"], "DENY");
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("app.js"));
    for (path, status, kind) in [
        ("/owner/app.js", StatusCode::OK, "text/javascript"),
        ("/owner/style.css", StatusCode::OK, "text/css"),
        (
            "/owner/secret.toml",
            StatusCode::NOT_FOUND,
            "application/json",
        ),
        (
            "/owner/..%2Fsrc%2Flib.rs",
            StatusCode::NOT_FOUND,
            "application/json",
        ),
    ] {
        let resp = w
            .router
            .clone()
            .oneshot(
                Request::builder()
                    .uri(path)
                    .body(Body::empty())
                    .expect("req"),
            )
            .await
            .expect("answer");
        assert_eq!(resp.status(), status, "{path}");
        let ct = resp.headers()["content-type"]
            .to_str()
            .expect("type")
            .to_owned();
        assert!(ct.starts_with(kind), "{path}: {ct}");
    }
}

#[tokio::test]
async fn shop_wide_settings_are_saved_once_per_version_and_reach_every_counter() {
    let w = world().await;
    let mut owner = Browser::set_up(&w, OWNER_A).await;
    let uri = format!("/owner/api/settings?shop={}", w.a.id);
    let (status, current) = owner.get(&uri).await;
    assert_eq!(status, StatusCode::OK, "{current}");
    assert_eq!(current["version"], 0);
    let mut edit = current.clone();
    edit["price_rules"] = json!([
        {"scope": "default", "key": "", "markup": {"kind": "fixed", "idr": 1500}, "round_to": 500},
        {"scope": "category", "key": "pulsa", "markup": {"kind": "percent", "percent": "5"}, "round_to": 100}
    ]);
    edit["receipt_footer"] = json!("Terima kasih\nSampai jumpa");
    let (status, saved) = owner.post(&uri, edit.clone()).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], 1);
    // The same edit again, from the version it was made from: someone saved first.
    let (status, stale) = owner.post(&uri, edit.clone()).await;
    assert_eq!(
        (status, stale["code"].as_str()),
        (StatusCode::CONFLICT, Some("settings_changed"))
    );
    // Bad input names its field and changes nothing.
    let mut bad = saved.clone();
    bad["receipt_header"] = json!("DUA\nBARIS");
    let (status, body) = owner.post(&uri, bad).await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("receipt_header"))
    );
    let mut unknown = saved.clone();
    unknown["colour"] = json!("red");
    let (status, _) = owner.post(&uri, unknown).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Without the CSRF token: refused.
    let (status, _, _) = owner.send("POST", &uri, Some(saved.clone()), false).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The counters of A read them, and find them on their change feed; B's do not.
    let (status, on_device) = call(&w.router, "GET", "/v1/settings", Some(&w.token_a), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(on_device, saved);
    let (_, feed) = call(
        &w.router,
        "GET",
        "/v1/changes?limit=500",
        Some(&w.token_a),
        None,
    )
    .await;
    let settings: Vec<&Value> = feed["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["type"] == "settings")
        .collect();
    assert_eq!(settings.len(), 1, "{feed}");
    assert_eq!(settings[0]["settings"]["version"], 1);
    let (_, other) = call(&w.router, "GET", "/v1/settings", Some(&w.token_b), None).await;
    assert_eq!(other["version"], 0);
    // A counter's own edit (its owner's PIN was asked there) from version 1.
    let mut from_counter = saved.clone();
    from_counter["shop_phone"] = json!("0812-0000-1111");
    let (status, v2) = call(
        &w.router,
        "POST",
        "/v1/settings",
        Some(&w.token_a),
        Some(from_counter),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v2}");
    assert_eq!(v2["version"], 2);
    // The other owner cannot touch A's outlet.
    let mut b = Browser::set_up(&w, OWNER_B).await;
    let (status, _) = b.post(&uri, v2.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
