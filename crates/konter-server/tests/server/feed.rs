//! The change feed never skips: a reader that keeps its cursor sees every change exactly
//! once, in order, while many writers commit concurrently.

use std::time::Duration;

use chrono::Utc;
use konter_domain::catalogue::Tier;
use konter_server::store::Store;

use konter_tests::{postgres, rp, sqlite};

const WRITERS: usize = 8;
const WRITES_EACH: usize = 25;

async fn reader_sees_every_change<S: Store + Clone + 'static>(store: S) {
    let shop = store
        .create_shop("F01", "Konter F", Tier::Basic, Utc::now())
        .await
        .expect("shop");
    let total = WRITERS * WRITES_EACH;
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let store = store.clone();
        writers.push(tokio::spawn(async move {
            for i in 0..WRITES_EACH {
                store
                    .credit_manual(shop.id, rp(1_000), &format!("w{w}-{i}"), Utc::now())
                    .await
                    .expect("credit");
            }
        }));
    }
    // Read while they write, with small pages so reads interleave with commits.
    let mut cursor = 0i64;
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while seen.len() < total {
        assert!(
            tokio::time::Instant::now() < deadline,
            "reader saw {} of {total}",
            seen.len()
        );
        let page = store.changes(shop.id, cursor, 7).await.expect("read");
        for c in &page {
            assert_eq!(
                c.seq,
                cursor + 1,
                "the feed skipped from {cursor} to {}",
                c.seq
            );
            cursor = c.seq;
            seen.push(c.seq);
        }
        if page.is_empty() {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    for w in writers {
        w.await.expect("writer");
    }
    assert_eq!(seen.len(), total);
    // The balance each movement reports is the running total, in feed order.
    let all = store.changes(shop.id, 0, 500).await.expect("all");
    for (i, c) in all.iter().enumerate() {
        let konter_domain::api::v1::ChangeKind::Saldo { movement } = &c.kind else {
            panic!("only saldo changes were written");
        };
        assert_eq!(
            movement.saldo.available_idr,
            rp(1_000 * (i as i64 + 1)),
            "seq {}",
            c.seq
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn feed_never_skips_on_sqlite() {
    let (store, _dir) = sqlite().await;
    reader_sees_every_change(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn feed_never_skips_on_postgres() {
    if let Some(store) = postgres().await {
        reader_sees_every_change(store).await;
    }
}
