//! The sales journal end to end: two counters of one shop, one selling online and one
//! offline for hundreds of sales; when the second comes back, its journal arrives exactly
//! once and the owner's figures on the server equal what the two devices' own reports say.

use std::collections::BTreeSet;
use std::time::Instant;

use chrono::NaiveDate;
use konter_client::report::Reach;
use konter_domain::order::OrderStatus;
use konter_server::owner::report;
use konter_server::store::Store;
use serde_json::json;

use crate::harness::*;

/// Offline sales on the second counter.
const OFFLINE_SALES: usize = 500;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_counters_journal_every_sale_once_and_the_owner_sees_what_they_see() {
    let mut server = Server::start().await;
    let shop = server.shop().await;
    server
        .app
        .store
        .credit_manual(shop.id, rp(6_000_000), "modal besar", chrono::Utc::now())
        .await
        .expect("credit");
    let (dir1, online) = paired(&server).await;
    let (dir2, offline) = paired(&server).await;
    online.sync_once(0).await.expect("sync");
    offline.sync_once(0).await.expect("sync");

    for i in 0..3 {
        online
            .place_order(&sale(&format!("0812555{i:05}")))
            .expect("sells");
    }
    online.sync_once(0).await.expect("sync");

    server.stop().await;
    for i in 0..OFFLINE_SALES {
        let o = offline
            .place_order(&sale(&format!("0813{i:08}")))
            .expect("sells offline");
        assert_eq!(o.status, OrderStatus::Queued);
    }
    assert!(offline.sync_once(0).await.is_err(), "the server is down");
    let waiting = offline.journal_waiting().expect("count");
    assert_eq!(waiting, OFFLINE_SALES as i64);

    server.restart().await;
    let back = Instant::now();
    offline.sync_once(0).await.expect("drains");
    eprintln!(
        "{OFFLINE_SALES} offline sales and their journal reached the server in {:.2} s",
        back.elapsed().as_secs_f64()
    );
    assert_eq!(offline.journal_waiting().expect("count"), 0);
    // Answers lost on the way back: the counter still holds five entries the server stored
    // (as if it crashed before recording the answers). Sent again, they meet themselves.
    {
        let db = rusqlite::Connection::open(dir2.path().join("konter.db")).expect("device db");
        db.execute(
            "INSERT INTO journal_outbox (kind, ref_id, utc_offset_h, created_at) \
             SELECT 'sale', id, 7, 0 FROM orders ORDER BY created_at LIMIT 5",
            [],
        )
        .expect("requeue");
    }
    assert_eq!(offline.journal_waiting().expect("count"), 5);
    offline.sync_once(0).await.expect("sync");
    assert_eq!(
        offline.journal_waiting().expect("count"),
        0,
        "answered, not refused"
    );

    // Every order delivered, except one that failed.
    let (tok1, tok2) = (token(dir1.path()), token(dir2.path()));
    let mut failed_one = None;
    for (engine, tok) in [(&online, &tok1), (&offline, &tok2)] {
        for o in engine.orders(1_000).expect("orders") {
            let body = if failed_one.is_none() {
                failed_one = Some(o.id);
                json!({"outcome": "failed", "code": "45", "message": "Nomor salah"})
            } else {
                json!({"outcome": "success", "sn": "SN"})
            };
            server.settle(tok, &o.id.to_string(), body).await;
        }
    }
    online.sync_once(0).await.expect("pull");
    offline.sync_once(0).await.expect("pull");

    let days: BTreeSet<NaiveDate> = [&online, &offline]
        .iter()
        .flat_map(|e| e.orders(1_000).expect("orders"))
        .map(|o| {
            o.created_at
                .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).expect("WIB"))
                .date_naive()
        })
        .collect();
    let mut journaled = 0;
    for day in days {
        let owner = report::build(
            &server.app.store,
            std::slice::from_ref(&shop),
            day,
            day,
            chrono::Utc::now(),
        )
        .await
        .expect("report");
        let (a, b) = (
            online.daily_report(day).expect("report"),
            offline.daily_report(day).expect("report"),
        );
        let t = &owner.totals;
        assert_eq!(t.count, a.count + b.count, "{day}");
        assert_eq!(
            t.omzet_idr.idr(),
            a.omzet_idr.idr() + b.omzet_idr.idr(),
            "{day}"
        );
        assert_eq!(
            t.modal_idr.idr(),
            a.modal_idr.idr() + b.modal_idr.idr(),
            "{day}"
        );
        assert_eq!(
            t.laba_idr.idr(),
            a.laba_idr.idr() + b.laba_idr.idr(),
            "{day}"
        );
        assert_eq!(t.failed_count, a.failed_count + b.failed_count, "{day}");
        assert_eq!(t.pending_count, a.pending_count + b.pending_count, "{day}");
        assert_eq!(
            owner.by_device.len(),
            [a.count, b.count].iter().filter(|c| **c > 0).count()
        );
        journaled += t.count + t.failed_count + t.pending_count;
        // The desktop app's Laporan: the whole shop while the server answers.
        let whole = online.shop_report(day).await.expect("report");
        assert_eq!(whole.reach, Reach::Shop);
        assert_eq!(
            (whole.count, whole.omzet_idr, whole.failed_count),
            (t.count, t.omzet_idr, t.failed_count)
        );
    }
    assert_eq!(journaled, (OFFLINE_SALES + 3) as i64, "every sale once");
    server.assert_books().await;
    // Offline, this counter's own day, and it says so.
    server.stop().await;
    let today = online.today().expect("today");
    let own = online.shop_report(today).await.expect("report");
    assert_eq!(own.reach, Reach::Device);
    assert_eq!(own, online.daily_report(today).expect("report"));
}

fn tsel10_price(engine: &konter_client::Engine) -> i64 {
    engine
        .products(konter_domain::catalogue::Category::Pulsa)
        .expect("products")
        .into_iter()
        .find(|p| p.sku == "tsel10")
        .expect("tsel10")
        .price_idr
        .idr()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_price_set_once_reaches_every_counter_and_an_offline_counter_keeps_the_last() {
    use konter_domain::catalogue::{Markup, RuleScope, SellingRule};
    use konter_server::store::SettingsStore;
    use konter_server::store::journal::SettingsWrite;

    let mut server = Server::start().await;
    let shop = server.shop().await;
    let (_d1, first) = paired(&server).await;
    let (_d2, second) = paired(&server).await;
    for e in [&first, &second] {
        e.sync_once(0).await.expect("sync");
    }
    // The first counter's own settings became the shop's when it paired; the second
    // received them.
    let shared = server.app.store.shop_settings(shop.id).await.expect("read");
    assert_eq!(shared.version, 1, "{shared:?}");
    // Saldo price 10.500 + the counter's default Rp2.000, up to Rp500.
    assert_eq!(
        (tsel10_price(&first), tsel10_price(&second)),
        (12_500, 12_500)
    );

    // The owner sets pulsa at +Rp1.000 in the back office (the same store call).
    let rule = |idr: i64| SellingRule {
        scope: RuleScope::Category,
        key: "pulsa".into(),
        markup: Markup::Fixed { idr: rp(idr) },
        round_to: rp(500),
    };
    let mut settings = shared.clone();
    settings.price_rules.push(rule(1_000));
    let saved = server
        .app
        .store
        .save_shop_settings(shop.id, &settings, chrono::Utc::now())
        .await
        .expect("save");
    assert!(
        matches!(saved, SettingsWrite::Saved(ref s) if s.version == 2),
        "{saved:?}"
    );
    for e in [&first, &second] {
        e.sync_once(0).await.expect("sync");
    }
    assert_eq!(
        (tsel10_price(&first), tsel10_price(&second)),
        (11_500, 11_500)
    );
    let sold = second.place_order(&sale("081234567890")).expect("sells");
    assert_eq!(sold.price_idr, rp(11_500), "sold at the new price");

    // An owner's edit at the first counter reaches the second.
    first.save_price_rule(&rule(3_000)).expect("edit");
    assert_eq!(
        tsel10_price(&first),
        13_500,
        "the counter sells with it at once"
    );
    first.sync_once(0).await.expect("sends the edit");
    second.sync_once(0).await.expect("receives it");
    assert_eq!(tsel10_price(&second), 13_500);
    assert_eq!(
        server
            .app
            .store
            .shop_settings(shop.id)
            .await
            .expect("read")
            .version,
        3
    );

    // Offline, a counter keeps the last settings it had; a change made meanwhile arrives
    // when it is back.
    server.stop().await;
    assert_eq!(tsel10_price(&second), 13_500);
    let mut later = server.app.store.shop_settings(shop.id).await.expect("read");
    later.price_rules.retain(|r| r.scope != RuleScope::Category);
    server
        .app
        .store
        .save_shop_settings(shop.id, &later, chrono::Utc::now())
        .await
        .expect("save");
    assert_eq!(tsel10_price(&second), 13_500);
    server.restart().await;
    second.sync_once(0).await.expect("sync");
    assert_eq!(tsel10_price(&second), 12_500, "back to the default rule");
}
