//! `bench server.owner_report_ms_1m.*`: the owner's report over a journal of 1,000,000 sales,
//! for today and for the last 30 days, on SQLite and (when `KONTER_TEST_PG_URL` is set) on
//! PostgreSQL.
//!
//! The journal belongs to one owner's two outlets (four counters, six cashiers, twenty
//! products) and spans two years: ~1,370 sales a day, so 30 days read ~41,000 rows. 95% of
//! the sales are delivered, 3% failed, 1% refunded, 1% pending. The rows are written with
//! one generating statement per backend (the journal's own insert is exercised by the
//! tests); the report is the back office's own code (`owner::report::build`), end to end
//! from the store. Each figure is the median of 15 runs after one warm-up run.

// Milliseconds are floats here; no money is computed in this file.
#![allow(clippy::float_arithmetic)]

use std::time::Instant;

use chrono::{Days, NaiveDate, Utc};
use konter_domain::catalogue::Tier;
use konter_domain::ids::DeviceId;
use konter_server::owner::report;
use konter_server::store::{PgStore, Shop, SqliteStore, Store};

const ROWS: i64 = 1_000_000;
const DAYS: i64 = 730;
const RUNS: usize = 15;

/// The SQL expressions of one generated row, from its number `i`, shared by both backends
/// but for the day's arithmetic.
fn generating_insert(day_expr: &str, series: &str) -> String {
    format!(
        "INSERT INTO journal_sales (shop_id, order_id, device_id, cashier_id, cashier_name, sku, product_name, category, \
         price_idr, cost_idr, fee_idr, cash_idr, change_idr, sold_at, day, hour, utc_offset_h, status, status_at, received_at) \
         SELECT CASE WHEN i % 2 = 0 THEN $1 ELSE $2 END, \
           '00000000-0000-7000-8000-' || substr('000000000000' || i, -12, 12), \
           CASE i % 4 WHEN 0 THEN $3 WHEN 1 THEN $4 WHEN 2 THEN $5 ELSE $6 END, NULL, \
           CASE i % 6 WHEN 0 THEN 'Sri' WHEN 1 THEN 'Budi' WHEN 2 THEN 'Ayu' WHEN 3 THEN 'Dedi' WHEN 4 THEN 'Rina' ELSE 'Joko' END, \
           'sku' || (i % 20), 'Produk ' || (i % 20), \
           CASE (i % 20) % 6 WHEN 0 THEN 'pulsa' WHEN 1 THEN 'data' WHEN 2 THEN 'pln' WHEN 3 THEN 'emoney' WHEN 4 THEN 'game' ELSE 'bill' END, \
           10000 + (i % 20) * 1000, 9500 + (i % 20) * 1000, 0, 10000 + (i % 20) * 1000, 0, \
           $7 - (i % {DAYS}) * 86400000 + ((i / 7) % 24) * 3600000, {day_expr}, (i / 7) % 24, 7, \
           CASE WHEN i % 100 < 95 THEN 'success' WHEN i % 100 < 98 THEN 'failed' WHEN i % 100 < 99 THEN 'refunded' ELSE 'pending' END, \
           $7 - (i % {DAYS}) * 86400000 + ((i / 7) % 24) * 3600000 + 60000, $7 \
         FROM {series}"
    )
}

async fn setup<S: Store>(store: &S) -> (Vec<Shop>, Vec<DeviceId>) {
    store.migrate().await.expect("migrate");
    let now = Utc::now();
    let mut shops = Vec::new();
    let mut devices = Vec::new();
    for (code, name) in [("OUT1", "Outlet Satu"), ("OUT2", "Outlet Dua")] {
        let shop = store
            .create_shop(code, name, Tier::Gold, now)
            .await
            .expect("shop");
        for n in 0..2 {
            let hash = format!("{code}-{n}");
            store
                .add_pairing_code(shop.id, &hash, now + chrono::TimeDelta::minutes(5), now)
                .await
                .expect("code");
            let device = DeviceId::new();
            store
                .pair_device(
                    &hash,
                    device,
                    &format!("Kasir {}", n + 1),
                    &format!("t-{hash}"),
                    now,
                )
                .await
                .expect("pair");
            devices.push(device);
        }
        shops.push(shop);
    }
    (shops, devices)
}

fn today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).expect("WIB"))
        .date_naive()
}

async fn measure<S: Store>(store: &S, shops: &[Shop], backend: &str) {
    let to = today();
    for (label, from) in [("1d", to), ("30d", to - Days::new(29))] {
        let mut times = Vec::with_capacity(RUNS);
        let mut sales = 0;
        for run in 0..=RUNS {
            let start = Instant::now();
            let r = report::build(store, shops, from, to, Utc::now())
                .await
                .expect("report");
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            sales = r.totals.count + r.totals.failed_count + r.totals.pending_count;
            if run > 0 {
                times.push(ms);
            }
        }
        times.sort_by(f64::total_cmp);
        eprintln!("{backend} {label}: {sales} sales in the range");
        println!(
            "bench server.owner_report_ms_1m.{backend}.{label} {:.1} ms",
            times[RUNS / 2]
        );
    }
}

/// Writes the million rows with `sql` (from [`generating_insert`]) on `pool`, then lets the
/// planner see them (`analyze`).
async fn load<DB: sqlx::Database>(
    pool: &sqlx::Pool<DB>,
    sql: &str,
    shops: &[Shop],
    devices: &[DeviceId],
    analyze: &str,
) where
    for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'c> &'c mut <DB as sqlx::Database>::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let started = Instant::now();
    let mut q = sqlx::query::<DB>(sql);
    for id in shops
        .iter()
        .map(|s| s.id.to_string())
        .chain(devices.iter().map(ToString::to_string))
    {
        q = q.bind(id);
    }
    q.bind(Utc::now().timestamp_millis())
        .bind(today().to_string())
        .execute(pool)
        .await
        .expect("load");
    sqlx::query::<DB>(analyze)
        .execute(pool)
        .await
        .expect("analyze");
    eprintln!(
        "{ROWS} journal rows in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        let store = SqliteStore::open(&url).await.expect("sqlite");
        let (shops, devices) = setup(&store).await;
        let raw = sqlx::SqlitePool::connect(&url).await.expect("raw");
        let sql = generating_insert(
            &format!("date($8, '-' || (i % {DAYS}) || ' days')"),
            &format!("(WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {}) SELECT i FROM n)", ROWS - 1),
        );
        load(&raw, &sql, &shops, &devices, "ANALYZE").await;
        measure(&store, &shops, "sqlite").await;

        let Some(pg) = konter_tests::postgres_url().await else {
            eprintln!("KONTER_TEST_PG_URL unset: no PostgreSQL figures");
            return;
        };
        let store = PgStore::open(&pg).await.expect("postgres");
        let (shops, devices) = setup(&store).await;
        let raw = sqlx::PgPool::connect(&pg).await.expect("raw");
        let sql = generating_insert(
            &format!("to_char($8::date - (i % {DAYS})::int, 'YYYY-MM-DD')"),
            &format!("generate_series(0::bigint, {}::bigint) AS n(i)", ROWS - 1),
        )
        // PostgreSQL's substr does not count from the end; lpad does the same.
        .replace(
            "substr('000000000000' || i, -12, 12)",
            "lpad(i::text, 12, '0')",
        );
        load(&raw, &sql, &shops, &devices, "VACUUM ANALYZE journal_sales").await;
        measure(&store, &shops, "postgres").await;
    });
}
