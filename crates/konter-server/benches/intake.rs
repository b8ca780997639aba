//! `make bench` figures for the server: order intake with 64 concurrent clients against a
//! real server on 127.0.0.1 (SQLite, and PostgreSQL when `KONTER_TEST_PG_URL` is set), and
//! `/healthz` as the HTTP floor.
//!
//! The clients run in the same process as the server, so on a 2-core machine the load
//! generator takes a share of the CPU the server would otherwise have: the figures are a
//! floor. SQLite runs with `synchronous=FULL`; the PostgreSQL cluster `make bench` starts
//! has `fsync=on`.

// Rates and percentiles are floats here; no money is computed in this file.
#![allow(clippy::float_arithmetic)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use konter_domain::catalogue::Tier;
use konter_domain::ids::OrderId;
use konter_domain::money::Rupiah;
use konter_server::App;
use konter_server::config::Config;
use konter_server::store::{PgStore, SqliteStore, Store};
use tokio::sync::Mutex;

const CLIENTS: usize = 64;
/// Counters are spread over shops as in the field (a shop has one or two counters); each
/// shop's orders serialise on its saldo row by design.
const SHOPS: usize = 32;
const ORDER_SECONDS: u64 = 8;
const HEALTHZ_SECONDS: u64 = 4;

async fn prepare<S: Store + Clone + 'static>(store: S) -> (String, Vec<String>) {
    store.migrate().await.expect("migrate");
    let now = Utc::now();
    // Telkomsel 10.000 at a cost of Rp10.150; the gold tier adds Rp500.
    konter_tests::seed_catalogue(&store).await;
    let mut codes = Vec::new();
    for i in 0..SHOPS {
        let shop = store
            .create_shop(&format!("BENCH{i}"), "Bench", Tier::Gold, now)
            .await
            .expect("shop");
        store
            .credit_manual(shop.id, Rupiah::from_idr(1_000_000_000_000), "bench", now)
            .await
            .expect("credit");
        codes.push(konter_tests::pairing_code(&store, shop.id).await);
    }
    let config: Config = toml::from_str("").expect("config");
    let app = App::new(store, config).expect("app");
    let (listener, base) = konter_tests::listener().await;
    tokio::spawn(konter_server::http::serve(listener, app));
    let http = reqwest::Client::new();
    let mut tokens = Vec::new();
    for code in codes {
        tokens.push(konter_tests::pair_over_http(&http, &base, &code).await);
    }
    (base, tokens)
}

fn p99_ms(latencies: &mut [Duration]) -> f64 {
    latencies.sort();
    let i = ((latencies.len() as f64) * 0.99).ceil() as usize;
    latencies
        .get(i.saturating_sub(1))
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// Sends orders from 64 clients for a fixed time; returns (accepted per second, p99 ms).
async fn orders(base: &str, tokens: &[String]) -> (f64, f64) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()
        .expect("client");
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let deadline = Instant::now() + Duration::from_secs(ORDER_SECONDS);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..CLIENTS {
        let token = tokens[i % tokens.len()].clone();
        let (client, base, latencies) = (client.clone(), base.to_owned(), latencies.clone());
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            let mut accepted = 0u64;
            while Instant::now() < deadline {
                let body = serde_json::json!({"id": OrderId::new().to_string(), "sku": "tsel10", "target": "081234567890", "max_price_idr": 11_000});
                let t = Instant::now();
                let resp = client.post(format!("{base}/v1/orders")).bearer_auth(&token).json(&body).send().await;
                mine.push(t.elapsed());
                if resp.is_ok_and(|r| r.status().as_u16() == 201) {
                    accepted += 1;
                }
            }
            latencies.lock().await.extend(mine);
            accepted
        }));
    }
    let mut accepted = 0;
    for t in tasks {
        accepted += t.await.expect("client");
    }
    let elapsed = start.elapsed().as_secs_f64();
    let mut all = latencies.lock().await.clone();
    (accepted as f64 / elapsed, p99_ms(&mut all))
}

async fn healthz(base: &str) -> f64 {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()
        .expect("client");
    let deadline = Instant::now() + Duration::from_secs(HEALTHZ_SECONDS);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (client, url) = (client.clone(), format!("{base}/healthz"));
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < deadline {
                if client
                    .get(&url)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
                {
                    n += 1;
                }
            }
            n
        }));
    }
    let mut n = 0;
    for t in tasks {
        n += t.await.expect("client");
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        let (base, tokens) = prepare(SqliteStore::open(&url).await.expect("sqlite")).await;
        let (per_s, p99) = orders(&base, &tokens).await;
        println!("bench server.orders_per_s.sqlite {per_s:.0} orders/s");
        println!("bench server.order_p99_ms.sqlite {p99:.1} ms");
        println!(
            "bench server.healthz_per_s {:.0} requests/s",
            healthz(&base).await
        );
        if let Ok(pg) = std::env::var("KONTER_TEST_PG_URL") {
            let name = format!("bench_{}", uuid::Uuid::now_v7().simple());
            let admin = sqlx::PgPool::connect(&pg).await.expect("pg");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&admin)
                .await
                .expect("create");
            let base_url = pg.rsplit_once('/').map_or(pg.as_str(), |(b, _)| b);
            let store = PgStore::open(&format!("{base_url}/{name}"))
                .await
                .expect("open");
            let (base, tokens) = prepare(store).await;
            let (per_s, p99) = orders(&base, &tokens).await;
            println!("bench server.orders_per_s.postgres {per_s:.0} orders/s");
            println!("bench server.order_p99_ms.postgres {p99:.1} ms");
        } else {
            eprintln!("KONTER_TEST_PG_URL unset: no PostgreSQL figures");
        }
    });
}
