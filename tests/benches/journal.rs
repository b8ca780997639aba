//! `bench client.journal_500_offline_s`: a counter sells 500 times while the server is down;
//! the figure is how long after the server is back the counter's next sync round takes to
//! deliver all 500 orders and all 500 journal entries, exactly once (checked: the shop's
//! journal holds 500 sales). Real server on 127.0.0.1 (SQLite, `synchronous=FULL`), the
//! device engine over HTTP; the median of 3 runs.

// Seconds are floats here; no money is computed in this file.
#![allow(clippy::float_arithmetic)]

use std::time::Instant;

use chrono::Utc;
use konter_client::Engine;
use konter_client::sell::Sale;
use konter_client::token::MemoryStore;
use konter_domain::catalogue::Tier;
use konter_domain::money::Rupiah;
use konter_server::App;
use konter_server::config::Config;
use konter_server::store::{SqliteStore, Store};

const SALES: usize = 500;
const RUNS: usize = 3;

/// Serves `app` on `listener` until the returned sender fires.
fn serve(
    app: &App<SqliteStore>,
    listener: tokio::net::TcpListener,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = app.clone();
    let task = tokio::spawn(async move {
        let _ = konter_server::http::serve_until(listener, app, async move {
            let _ = stopped.await;
        })
        .await;
    });
    (stop, task)
}

async fn one_run() -> f64 {
    let (store, _dir) = konter_tests::sqlite().await;
    let now = Utc::now();
    let shop = store
        .create_shop("J01", "Konter Bench", Tier::Gold, now)
        .await
        .expect("shop");
    konter_tests::seed_catalogue(&store).await;
    store
        .credit_manual(shop.id, Rupiah::from_idr(100_000_000), "bench", now)
        .await
        .expect("credit");
    let mut config: Config = toml::from_str("").expect("config");
    config.testing.allow_manual_settle = true;
    let app = App::new(store, config).expect("app");
    let (listener, base) = konter_tests::listener().await;
    let addr = listener.local_addr().expect("addr");
    let (stop, task) = serve(&app, listener);
    let device_dir = tempfile::tempdir().expect("dir");
    let engine = Engine::open(device_dir.path(), Box::new(MemoryStore::default())).expect("engine");
    let code = konter_tests::pairing_code(&app.store, shop.id).await;
    engine.pair(&base, &code, "Kasir 1").await.expect("pair");
    engine.sync_once(0).await.expect("saldo");
    let _ = stop.send(());
    let _ = task.await;
    for i in 0..SALES {
        engine
            .place_order(&Sale {
                sku: "tsel10".into(),
                target: format!("0813{i:08}"),
                ..Sale::default()
            })
            .expect("sells offline");
    }
    let listener = tokio::net::TcpListener::bind(addr).await.expect("rebind");
    let (stop, task) = serve(&app, listener);
    let back = Instant::now();
    engine.sync_once(0).await.expect("drains");
    let seconds = back.elapsed().as_secs_f64();
    assert_eq!(engine.journal_waiting().expect("count"), 0);
    let today = engine.today().expect("today");
    let report = konter_server::owner::report::build(
        &app.store,
        &[shop],
        today - chrono::Days::new(1),
        today,
        Utc::now(),
    )
    .await
    .expect("report");
    let t = report.totals;
    assert_eq!(
        t.count + t.pending_count + t.failed_count,
        SALES as i64,
        "every sale journaled once"
    );
    let _ = stop.send(());
    let _ = task.await;
    seconds
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut runs: Vec<f64> = (0..RUNS).map(|_| rt.block_on(one_run())).collect();
    runs.sort_by(f64::total_cmp);
    eprintln!("runs: {runs:?}");
    println!("bench client.journal_500_offline_s {:.2} s", runs[RUNS / 2]);
}
