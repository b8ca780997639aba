//! `make bench` figures for fulfilment: 10,000 orders through the whole pipeline — intake
//! over HTTP, the durable queue, the workers, konter-sandbox's Digiflazz answering each call
//! 200 ms after committing it, the ledger — on SQLite (`synchronous=FULL`).
//!
//! Prints the throughput from the first order accepted to the last settled, the p99 of each
//! order's accepted-to-settled time, and how many orders were bought more than once (the
//! sandbox's request log and the attempts table must both say zero).
//!
//! Server, sandbox and load run in one process on a 2-core machine: the figures are a floor.

// Rates and percentiles are floats here; no money is computed in this file.
#![allow(clippy::float_arithmetic)]

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::Utc;
use konter_domain::catalogue::Tier;
use konter_domain::ids::OrderId;
use konter_domain::money::Rupiah;
use konter_server::App;
use konter_server::config::Config;
use konter_server::store::{SqliteStore, Store};
use serde_json::{Value, json};

const ORDERS: usize = 10_000;
const BATCH: usize = 100;
/// Batches sent at once, like a few hundred counters draining their outboxes.
const SENDERS: usize = 4;
const SUPPLIER_DELAY_MS: u64 = 200;
const SETTLE_LIMIT: Duration = Duration::from_secs(300);

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().expect("dir");
    let store = SqliteStore::open(&format!("sqlite://{}", dir.path().join("b.db").display()))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");

    let (server_listener, base) = konter_tests::listener().await;
    let sandbox = konter_tests::spawn_sandbox(konter_sandbox::Settings {
        webhook_base: Some(base.clone()),
        ..konter_sandbox::Settings::default()
    })
    .await;
    let http = reqwest::Client::new();
    for (path, body) in [
        ("/_sandbox/faults", json!({"delay_ms": SUPPLIER_DELAY_MS})),
        (
            "/_sandbox/digiflazz/balance",
            json!({"key": "prod", "balance_idr": 1_000_000_000_000_i64}),
        ),
    ] {
        http.post(format!("{sandbox}{path}"))
            .json(&body)
            .send()
            .await
            .expect("sandbox admin");
    }

    konter_tests::load_demo_catalogue(&store).await;
    let shop = store
        .create_shop("BENCH", "Bench", Tier::Gold, Utc::now())
        .await
        .expect("shop");
    store
        .credit_manual(shop.id, Rupiah::from_idr(200_000_000), "modal", Utc::now())
        .await
        .expect("credit");
    let mut config: Config = toml::from_str("").expect("config");
    config.suppliers.digiflazz = Some(konter_tests::digiflazz(&sandbox, 1_000));
    let app = App::new(store.clone(), config).expect("app");
    let code = konter_tests::pairing_code(&store, shop.id).await;
    let serving = app.clone();
    tokio::spawn(async move {
        konter_server::http::serve_until(server_listener, serving, std::future::pending()).await
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let token = konter_tests::pair_over_http(&http, &base, &code).await;

    // Every order goes to a number ending in 0: success at once (after the delay).
    let ids: Vec<OrderId> = (0..ORDERS).map(|_| OrderId::new()).collect();
    let started = Instant::now();
    let chunks: Vec<Vec<OrderId>> = ids.chunks(BATCH).map(<[OrderId]>::to_vec).collect();
    let queue = std::sync::Arc::new(tokio::sync::Mutex::new(chunks.into_iter().enumerate()));
    let mut senders = Vec::new();
    for _ in 0..SENDERS {
        let queue = queue.clone();
        let http = http.clone();
        let (base, token) = (base.clone(), token.clone());
        senders.push(tokio::spawn(async move {
            loop {
                let Some((b, chunk)) = queue.lock().await.next() else {
                    break;
                };
                let orders: Vec<Value> = chunk
                    .iter()
                    .enumerate()
                    .map(|(i, id)| {
                        json!({"id": id, "sku": "tsel10", "target": format!("0812{:07}0", b * BATCH + i), "max_price_idr": 20_000})
                    })
                    .collect();
                let resp = http
                    .post(format!("{base}/v1/orders/batch"))
                    .bearer_auth(&token)
                    .json(&json!({"orders": orders}))
                    .send()
                    .await
                    .expect("batch");
                assert_eq!(resp.status(), 200, "batch accepted");
            }
        }));
    }
    for s in senders {
        s.await.expect("sender");
    }
    let intake = started.elapsed();

    // Wait for the queue to drain.
    loop {
        let open = store
            .queue_health(chrono::Utc::now())
            .await
            .expect("queue")
            .open;
        if open == 0 {
            break;
        }
        assert!(started.elapsed() < SETTLE_LIMIT, "{open} orders still open");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let total = started.elapsed();

    let mut latencies = Vec::with_capacity(ORDERS);
    let mut not_success = 0;
    let mut bought_twice = 0;
    for id in &ids {
        let (stored, attempts) = store.fulfilment(*id).await.expect("read").expect("order");
        if stored.order.status != konter_domain::order::OrderStatus::Success {
            not_success += 1;
        }
        if attempts.len() != 1 {
            bought_twice += 1;
        }
        let took = stored.order.updated_at - stored.order.created_at;
        latencies.push(took.num_milliseconds());
    }
    latencies.sort_unstable();
    let p99 = latencies[latencies.len() * 99 / 100] as f64 / 1000.0;
    let log: Vec<Value> = http
        .get(format!("{sandbox}/_sandbox/requests"))
        .send()
        .await
        .expect("log")
        .json()
        .await
        .expect("log json");
    let mut per_ref: HashMap<String, usize> = HashMap::new();
    for r in &log {
        if r["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("/transaction"))
            && let Some(ref_id) = r["body"]["ref_id"].as_str()
        {
            *per_ref.entry(ref_id.to_owned()).or_default() += 1;
        }
    }
    let repeated_refs = per_ref.values().filter(|n| **n > 1).count();
    let audit = store.audit().await.expect("audit");
    assert!(audit.problems.is_empty(), "audit: {:?}", audit.problems);
    assert_eq!(not_success, 0, "every order succeeds");

    println!(
        "bench fulfil.orders_per_s.sqlite {:.0} orders/s",
        ORDERS as f64 / total.as_secs_f64()
    );
    println!("bench fulfil.total_s.sqlite {:.1} s", total.as_secs_f64());
    println!("bench fulfil.intake_s.sqlite {:.1} s", intake.as_secs_f64());
    println!("bench fulfil.p99_s {p99:.2} s");
    println!(
        "bench fulfil.bought_twice {} orders",
        bought_twice + repeated_refs
    );
}
