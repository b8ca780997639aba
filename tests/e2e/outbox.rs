//! The outbox: offline sales drained exactly once, crashes mid-sync, server errors retried,
//! orders queued too long waiting for a cashier.

use konter_domain::order::OrderStatus;
use serde_json::json;

use crate::cli::*;
use crate::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_sales_drain_exactly_once_after_a_restart() {
    let mut server = Server::start().await;
    let (dir, engine) = paired(&server).await;
    {
        engine
            .sync_once(0)
            .await
            .expect("first sync gets the saldo");
        server.stop().await;
        for i in 0..20 {
            let o = engine
                .place_order(&sale(&format!("08123456{i:04}")))
                .expect("sells offline");
            assert_eq!(
                o.status,
                OrderStatus::Queued,
                "offline orders stay queued, never success"
            );
        }
        assert!(engine.sync_once(0).await.is_err(), "the server is down");
        assert_eq!(engine.sync_state().borrow().queue_len, 20);
        // Twenty orders of Rp10.500 hold Rp210.000 of the Rp300.000 locally.
        assert_eq!(engine.saldo().expect("saldo").available_idr, rp(90_000));
        let short = engine.place_order(&sale("081299990000"));
        assert!(
            short.is_ok(),
            "Rp90.000 still covers a 21st order of Rp10.500"
        );
        let many: Vec<_> = (0..9)
            .map(|i| engine.place_order(&sale(&format!("08129999{i:04}"))))
            .collect();
        assert!(
            many.iter()
                .any(|r| matches!(r, Err(konter_client::EngineError::SaldoShort { .. }))),
            "beyond the saldo, sales are refused locally"
        );
    }
    drop(engine);
    // The device closed; reopen it and bring the server back.
    server.restart().await;
    let engine = open(dir.path());
    let queued = engine.sync_state().borrow().queue_len;
    assert!(queued >= 21, "the outbox survived the restart: {queued}");
    engine.sync_once(0).await.expect("drains");
    assert_eq!(engine.sync_state().borrow().queue_len, 0);
    assert_eq!(
        server.order_count().await,
        queued,
        "each order reached the server exactly once"
    );
    // Settle them all; statuses converge.
    let tok = token(dir.path());
    for o in engine.orders(100).expect("orders") {
        server
            .settle(
                &tok,
                &o.id.to_string(),
                json!({"outcome": "success", "sn": format!("SN{}", o.target)}),
            )
            .await;
    }
    engine.sync_once(0).await.expect("pull");
    assert_all_and_books(&server, &engine, OrderStatus::Success).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_after_the_server_committed_resends_without_duplicates() {
    let server = Server::start().await;
    let (dir, engine) = paired(&server).await;
    let backup = tempfile::tempdir().expect("backup");
    {
        engine.sync_once(0).await.expect("sync");
        for i in 0..5 {
            engine
                .place_order(&sale(&format!("08138888{i:04}")))
                .expect("sell");
        }
    }
    drop(engine);
    // Keep the device as it was before the send: restoring it afterwards is a crash
    // between the server's commit and the device recording the answer.
    for f in [
        "konter.db",
        "konter.db-wal",
        "konter.db-shm",
        "device-token",
    ] {
        let _ = std::fs::copy(dir.path().join(f), backup.path().join(f));
    }
    {
        let engine = open(dir.path());
        engine.push().await.expect("push");
        assert_eq!(engine.sync_state().borrow().queue_len, 0);
    }
    for f in ["konter.db", "konter.db-wal", "konter.db-shm"] {
        let _ = std::fs::remove_file(dir.path().join(f));
        let _ = std::fs::copy(backup.path().join(f), dir.path().join(f));
    }
    let engine = open(dir.path());
    assert_eq!(
        engine.sync_state().borrow().queue_len,
        5,
        "the restored device still has its outbox"
    );
    engine.sync_once(0).await.expect("resend");
    assert_eq!(engine.sync_state().borrow().queue_len, 0);
    assert_eq!(
        server.order_count().await,
        5,
        "resent orders were not bought twice"
    );
    assert!(
        engine
            .orders(10)
            .expect("orders")
            .iter()
            .all(|o| o.status == OrderStatus::Accepted)
    );
    server.assert_books().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_queued_too_long_wait_for_a_cashier() {
    let server = Server::start().await;
    let (dir, engine) = paired(&server).await;
    let old = engine.place_order(&sale("081234567891")).expect("sell");
    let gone = engine.place_order(&sale("081234567892")).expect("sell");
    let tried = engine.place_order(&sale("081234567893")).expect("sell");
    // The line is down: no request reaches the server, so none of them counts as sent.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let dead = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let conn = rusqlite::Connection::open(dir.path().join("konter.db")).expect("db");
    let url: String = conn
        .query_row(
            "SELECT value FROM settings WHERE key = 'server_url'",
            [],
            |r| r.get(0),
        )
        .expect("server url");
    conn.execute(
        "UPDATE settings SET value = ?1 WHERE key = 'server_url'",
        [&dead],
    )
    .expect("line down");
    assert!(engine.sync_once(0).await.is_err(), "the line is down");
    conn.execute(
        "UPDATE settings SET value = ?1 WHERE key = 'server_url'",
        [&url],
    )
    .expect("line up");
    drop(conn);
    // All were queued 25 hours ago (the device was offline for a day); one of them went out
    // once and its answer never came back, so the server may have it.
    let conn = rusqlite::Connection::open(dir.path().join("konter.db")).expect("db");
    conn.execute(
        "UPDATE outbox SET created_at = created_at - 25 * 3600000",
        [],
    )
    .expect("age");
    conn.execute(
        "UPDATE outbox SET attempts = 1 WHERE order_id = ?1",
        [tried.id.to_string()],
    )
    .expect("sent once");
    drop(conn);
    assert!(engine.set_setting("max_queue_age_h", "0").is_err());
    assert_eq!(engine.stale_orders().expect("stale").len(), 2);
    for refused in [
        engine.reconfirm(&tried.id.to_string()),
        engine.cancel_queued(&tried.id.to_string()),
    ] {
        let code = refused
            .expect_err("not the cashier's any more")
            .to_ui()
            .code;
        assert_eq!(code, "already_sent");
    }
    let report = engine.sync_once(0).await.expect("sync");
    assert_eq!(
        report.sent, 1,
        "stale orders are not sent on their own; one sent before is sent again as it was"
    );
    assert_eq!(server.order_count().await, 1);
    assert_eq!(engine.stale_orders().expect("stale").len(), 2);

    // The cashier's commands from the command line, over the same store.
    // The command line needs someone logged in, as the app does; the first owner is added
    // without one (the device's setup).
    let refused = konter_cli_fails(dir.path(), &["orders", "--stale"]);
    assert!(refused.contains("konter login"), "{refused}");
    konter_cli(
        dir.path(),
        &["cashier", "Bu Sari", "--role", "owner", "--pin", "123456"],
    );
    let wrong = konter_cli_fails(dir.path(), &["login", "Bu Sari", "--pin", "654321"]);
    assert!(wrong.contains("wrong PIN"), "{wrong}");
    let me = konter_cli(dir.path(), &["login", "Bu Sari", "--pin", "123456"]);
    assert!(me.starts_with("Bu Sari\towner"), "{me}");
    let listed = konter_cli(dir.path(), &["orders", "--stale"]);
    assert_eq!(listed.lines().count(), 2, "{listed}");
    konter_cli(dir.path(), &["reconfirm", &old.id.to_string()]);
    let said = konter_cli(dir.path(), &["cancel", &gone.id.to_string()]);
    assert!(
        said.contains(&gone.price_idr.to_string()),
        "the cash to give back: {said}"
    );
    let cancelled = engine
        .order(&gone.id.to_string())
        .expect("read")
        .expect("order");
    assert_eq!(cancelled.status, OrderStatus::Failed);
    assert!(engine.stale_orders().expect("stale").is_empty());
    engine.sync_once(0).await.expect("sync");
    assert_eq!(
        server.order_count().await,
        2,
        "the confirmed order went out, the cancelled one never"
    );
    let day = engine
        .daily_report(engine.today().expect("today"))
        .expect("report");
    assert_eq!(
        day.cash_expected_idr,
        old.price_idr.checked_add(tried.price_idr).expect("sum"),
        "the cancelled sale's cash went back"
    );
    assert_device_books(&engine);

    // A cashier sells and lists, but the report and the settings are the owner's; logging
    // out closes the counter again.
    konter_cli(
        dir.path(),
        &["cashier", "Sri", "--role", "cashier", "--pin", "5678"],
    );
    konter_cli(dir.path(), &["login", "Sri", "--pin", "5678"]);
    konter_cli(dir.path(), &["orders"]);
    let not_hers = konter_cli_fails(dir.path(), &["report"]);
    assert!(not_hers.contains("owner"), "{not_hers}");
    let not_hers = konter_cli_fails(dir.path(), &["set", "auto_print", "true"]);
    assert!(not_hers.contains("owner"), "{not_hers}");
    konter_cli(dir.path(), &["logout"]);
    let closed = konter_cli_fails(dir.path(), &["orders"]);
    assert!(closed.contains("konter login"), "{closed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_killed_mid_sync_sends_every_order_exactly_once() {
    let server = Server::start_fulfilling().await;
    let (dir, engine) = paired(&server).await;
    engine
        .sync_once(0)
        .await
        .expect("first sync gets the saldo");
    // Twenty-five queued sales (most of the saldo), committed locally, none sent yet.
    let mut ids = Vec::new();
    for i in 0..25 {
        let o = engine
            .place_order(&sale(&format!("0812345{i:04}0")))
            .expect("sells");
        ids.push(o.id.to_string());
    }
    drop(engine);
    // `konter sync` in its own process, killed with SIGKILL at several points: before,
    // during and after it sends; each run starts from whatever the last one left.
    for wait_ms in [5, 30, 80, 150, 400] {
        let mut child = std::process::Command::new(konter_bin())
            .arg("--data-dir")
            .arg(dir.path())
            .arg("sync")
            .env("KONTER_TOKEN_STORE", "file")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn konter sync");
        tokio::time::sleep(std::time::Duration::from_millis(wait_ms)).await;
        child.kill().expect("kill -9");
        let _ = child.wait();
    }
    let engine = open(dir.path());
    let done = sync_until_settled(&engine, &ids).await;
    assert_eq!(engine.sync_state().borrow().queue_len, 0);
    assert_eq!(
        server.order_count().await,
        25,
        "each order reached the server exactly once"
    );
    assert!(
        done.iter()
            .all(|o| o.status == OrderStatus::Success && o.sn.is_some())
    );
    assert_device_books(&engine);
    server.assert_books().await;
}

/// A proxy between device and server whose first order batch gets a 500 after the server
/// committed it, and whose second gets a 500 without reaching the server; everything else
/// passes through. Returns its URL and how many batches it saw.
async fn flaky_proxy(target: String) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    use std::sync::atomic::Ordering;
    let batches = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = batches.clone();
    let http = reqwest::Client::new();
    let router = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let (http, target, seen) = (http.clone(), target.clone(), seen.clone());
        async move {
            let (parts, body) = req.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
                return StatusCode::BAD_REQUEST.into_response();
            };
            let n = (parts.uri.path() == "/v1/orders/batch")
                .then(|| seen.fetch_add(1, Ordering::SeqCst));
            if n == Some(1) {
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "injected before the server",
                )
                    .into_response();
            }
            let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            let mut forward = http.request(parts.method.clone(), format!("{target}{path}"));
            for (k, v) in &parts.headers {
                if k == "authorization" || k == "content-type" {
                    forward = forward.header(k, v);
                }
            }
            let Ok(resp) = forward.body(bytes).send().await else {
                return StatusCode::BAD_GATEWAY.into_response();
            };
            if n == Some(0) {
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "injected after the server",
                )
                    .into_response();
            }
            let status = resp.status();
            let body = resp.bytes().await.unwrap_or_default();
            (status, [("content-type", "application/json")], body).into_response()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, batches)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_never_duplicated() {
    let server = Server::start().await;
    let (proxy, batches) = flaky_proxy(server.url()).await;
    let dir = tempfile::tempdir().expect("dir");
    let engine = open(dir.path());
    engine
        .pair(&proxy, &server.pairing_code().await, "Kasir 1")
        .await
        .expect("pair through the proxy");
    engine
        .sync_once(0)
        .await
        .expect("first sync gets the saldo");
    for i in 0..5 {
        engine
            .place_order(&sale(&format!("08137777{i:04}")))
            .expect("sell");
    }
    let mut failures = 0;
    for _ in 0..10 {
        match engine.sync_once(0).await {
            Ok(_) if engine.sync_state().borrow().queue_len == 0 => break,
            Ok(_) => {}
            Err(_) => failures += 1,
        }
    }
    assert_eq!(
        engine.sync_state().borrow().queue_len,
        0,
        "the outbox drained"
    );
    assert!(failures >= 2, "both injected 500s were seen: {failures}");
    assert!(batches.load(std::sync::atomic::Ordering::SeqCst) >= 3);
    assert_eq!(
        server.order_count().await,
        5,
        "a 500 after the commit did not buy twice"
    );
    assert_all_and_books(&server, &engine, OrderStatus::Accepted).await;
}

/// A sale made while the sync loop waits on the server's long-poll (up to LONG_POLL_S) goes
/// at once: the loop wakes for it. Three sales in a row, each on the server well before a
/// long-poll could have ended.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sale_wakes_the_sync_loop_from_its_long_poll() {
    use konter_client::sync::{Connectivity, LONG_POLL_S};
    use std::time::{Duration, Instant};

    let server = Server::start().await;
    let (_dir, engine) = paired(&server).await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let looping = {
        let engine = engine.clone();
        tokio::spawn(async move { engine.run_sync(stopped).await })
    };
    let mut state = engine.sync_state();
    state
        .wait_for(|s| s.state == Connectivity::Online)
        .await
        .expect("the loop's first round");
    for i in 0..3 {
        // The loop is back in its long-poll by now: nothing on the server moves to end it.
        tokio::time::sleep(Duration::from_millis(500)).await;
        engine
            .place_order(&sale(&format!("0812777700{i:02}")))
            .expect("sells");
        let deadline = Instant::now() + Duration::from_secs(LONG_POLL_S / 3);
        while server.order_count().await < i + 1 {
            assert!(
                Instant::now() < deadline,
                "sale {i} still not on the server: the loop waited out its long-poll"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    stop.send_replace(true);
    looping.await.expect("the loop stops");
}

/// The UI keeps the latest copy of an order it is sent, judged by `updated_at`: each change
/// of an order must be later than the one before, even after the counter's clock was
/// corrected backwards (here: the sale was made an hour "ahead").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_change_of_an_order_is_later_than_the_last_even_after_the_clock_stepped_back() {
    let server = Server::start().await;
    let (dir, engine) = paired(&server).await;
    engine
        .sync_once(0)
        .await
        .expect("first sync gets the saldo");
    let sold = engine.place_order(&sale("081277771111")).expect("sells");
    let id = sold.id.to_string();
    rusqlite::Connection::open(dir.path().join("konter.db"))
        .expect("device db")
        .execute(
            "UPDATE orders SET updated_at = updated_at + 3600000 WHERE id = ?1",
            [&id],
        )
        .expect("the clock was an hour ahead");
    let copy = |engine: &konter_client::Engine| {
        engine
            .orders(10)
            .expect("orders")
            .into_iter()
            .find(|o| o.id.to_string() == id)
            .expect("the order")
    };
    let queued = copy(&engine);
    engine.sync_once(0).await.expect("sent");
    let accepted = copy(&engine);
    assert_ne!(accepted.status, OrderStatus::Queued, "the server took it");
    assert!(
        accepted.updated_at > queued.updated_at,
        "{:?} at {} after {:?} at {}",
        accepted.status,
        accepted.updated_at,
        queued.status,
        queued.updated_at
    );
    server
        .settle(
            &token(dir.path()),
            &id,
            json!({"outcome": "success", "sn": "SN-CLOCK"}),
        )
        .await;
    engine.sync_once(0).await.expect("pull");
    let done = copy(&engine);
    assert_eq!(done.status, OrderStatus::Success);
    assert!(
        done.updated_at > accepted.updated_at,
        "success at {} after {:?} at {}",
        done.updated_at,
        accepted.status,
        accepted.updated_at
    );
}
