//! `make bench` figures for the device engine: the daily report over a store holding a
//! million orders (a year of a busy konter), and the latency of committing a sale.

// Rates and percentiles are floats here; no money is computed in this file.
#![allow(clippy::float_arithmetic)]

use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeDelta, Utc};
use konter_client::Engine;
use konter_client::sell::Sale;
use konter_client::token::MemoryStore;
use konter_domain::api::v1::{CatalogItem, Saldo};
use konter_domain::catalogue::{Category, Product, Sku};
use konter_domain::money::Rupiah;
use konter_domain::phone::Operator;
use konter_domain::target::InputSchema;
use rusqlite::params;

const ORDERS: i64 = 1_000_000;
const DAYS: i64 = 365;
const SALES: usize = 2_000;

fn main() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("konter.db");
    let first_day = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    {
        let mut conn = konter_client::db::open(&path).expect("open");
        let tx = conn.transaction().expect("tx");
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO orders (id, sku, product_name, category, brand, target, status, price_idr, cost_idr, cash_idr, \
                     change_idr, cashier_name, day, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'TELKOMSEL', ?5, ?6, ?7, ?8, ?7, 0, ?9, ?10, ?11, ?11)",
                )
                .expect("prepare");
            let statuses = [
                "success", "success", "success", "success", "success", "success", "success",
                "success", "failed", "pending",
            ];
            for i in 0..ORDERS {
                let day = first_day + TimeDelta::days(i % DAYS);
                let at = day
                    .and_hms_opt(1 + (i % 14) as u32, (i % 60) as u32, 0)
                    .expect("time")
                    .and_utc();
                let sku = ["tsel10", "xl25", "pln20", "ml86", "dana50"][(i % 5) as usize];
                insert
                    .execute(params![
                        uuid::Uuid::now_v7().to_string(),
                        sku,
                        sku,
                        ["pulsa", "pulsa", "pln", "game", "emoney"][(i % 5) as usize],
                        format!("0812{:08}", i % 100_000_000),
                        statuses[(i % 10) as usize],
                        12_000 + (i % 7) * 1_000,
                        10_500 + (i % 7) * 1_000,
                        ["Sri", "Budi", "Ani"][(i % 3) as usize],
                        day.format("%Y-%m-%d").to_string(),
                        at.timestamp_millis()
                    ])
                    .expect("insert");
            }
        }
        let item = CatalogItem {
            product: Product {
                sku: Sku::parse("tsel10").expect("sku"),
                name: "Telkomsel 10.000".into(),
                category: Category::Pulsa,
                brand: "TELKOMSEL".into(),
                operator: Some(Operator::Telkomsel),
                nominal_idr: Some(Rupiah::from_idr(10_000)),
                input: InputSchema::Phone,
                active: true,
            },
            price_idr: Rupiah::from_idr(10_500),
            cut_off: None,
        };
        tx.execute(
            "INSERT INTO catalog (sku, item, category, price_idr, active) VALUES ('tsel10', ?1, 'pulsa', 10500, 1)",
            [serde_json::to_string(&item).expect("json")],
        )
        .expect("catalog");
        let saldo = Saldo {
            balance_idr: Rupiah::from_idr(1_000_000_000),
            held_idr: Rupiah::ZERO,
            available_idr: Rupiah::from_idr(1_000_000_000),
        };
        tx.execute(
            "INSERT INTO settings (key, value) VALUES ('saldo', ?1)",
            [serde_json::to_string(&saldo).expect("json")],
        )
        .expect("saldo");
        tx.commit().expect("commit");
    }
    let engine = Engine::open(dir.path(), Box::new(MemoryStore::default())).expect("engine");
    let day = first_day + TimeDelta::days(200);
    let mut best = Duration::MAX;
    for _ in 0..20 {
        let t = Instant::now();
        let report = engine.daily_report(day).expect("report");
        best = best.min(t.elapsed());
        assert!(report.count > 0, "the day has sales");
    }
    println!(
        "bench client.daily_report_ms_1m {:.2} ms",
        best.as_secs_f64() * 1000.0
    );

    let mut latencies = Vec::with_capacity(SALES);
    for i in 0..SALES {
        let sale = Sale {
            sku: "tsel10".into(),
            target: format!("0813{:08}", i),
            ..Sale::default()
        };
        let t = Instant::now();
        engine.place_order(&sale).expect("sell");
        latencies.push(t.elapsed());
    }
    latencies.sort();
    let p99 = latencies[(SALES * 99 / 100).saturating_sub(1)];
    println!(
        "bench client.place_order_p99_ms {:.2} ms",
        p99.as_secs_f64() * 1000.0
    );
    let _ = Utc::now();
}
