//! The device engine against a real konter-server on a socket: selling online, selling
//! offline and draining exactly once, crashes in the middle of a sync, and the server's
//! refusals.

use std::net::SocketAddr;
use std::path::Path;
use std::str::FromStr;

use chrono::Utc;
use konter_client::Engine;
use konter_client::sell::{LocalOrder, Sale};
use konter_client::token::FileStore;
use konter_domain::catalogue::{Category, Markup, PriceRule, Product, Sku, Tier};
use konter_domain::money::Rupiah;
use konter_domain::order::OrderStatus;
use konter_domain::phone::Operator;
use konter_domain::target::InputSchema;
use konter_server::App;
use konter_server::auth::{hash_secret, new_pairing_code};
use konter_server::config::Config;
use konter_server::store::{SqliteStore, Store, SupplierProduct};
use serde_json::json;

fn rp(x: i64) -> Rupiah {
    Rupiah::from_idr(x)
}

struct Server {
    app: App<SqliteStore>,
    addr: SocketAddr,
    task: Option<(
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<()>,
    )>,
    _dir: tempfile::TempDir,
}

impl Server {
    /// A server whose orders wait to be settled by hand (`settle`).
    async fn start() -> Server {
        Server::start_with(false).await
    }

    /// A server that fulfils through konter-sandbox's Digiflazz (webhooks back to it).
    async fn start_fulfilling() -> Server {
        Server::start_with(true).await
    }

    async fn start_with(fulfil: bool) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite://{}", dir.path().join("server.db").display());
        let store = SqliteStore::open(&url).await.expect("open");
        store.migrate().await.expect("migrate");
        let now = Utc::now();
        let shop = store
            .create_shop("E01", "Konter Engine", Tier::Gold, now)
            .await
            .expect("shop");
        let product = Product {
            sku: Sku::parse("tsel10").expect("sku"),
            name: "Telkomsel 10.000".into(),
            category: Category::Pulsa,
            brand: "TELKOMSEL".into(),
            operator: Some(Operator::Telkomsel),
            nominal_idr: Some(rp(10_000)),
            input: InputSchema::Phone,
            active: true,
        };
        store
            .upsert_product(&product, None, now)
            .await
            .expect("product");
        let offer = SupplierProduct {
            sku: "tsel10".into(),
            supplier: "digiflazz".into(),
            supplier_sku: "tsel10".into(),
            cost: rp(10_150),
            priority: 1,
            active: true,
        };
        store
            .upsert_supplier_product(&offer, now)
            .await
            .expect("offer");
        // A data package cheaper than the pulsa: the counter still lists pulsa first.
        let data = Product {
            sku: Sku::parse("tseldata1").expect("sku"),
            name: "Telkomsel Data 1GB".into(),
            category: Category::Data,
            nominal_idr: None,
            ..product.clone()
        };
        store
            .upsert_product(&data, None, now)
            .await
            .expect("product");
        let data_offer = SupplierProduct {
            sku: "tseldata1".into(),
            supplier_sku: "tseldata1".into(),
            cost: rp(5_000),
            ..offer.clone()
        };
        store
            .upsert_supplier_product(&data_offer, now)
            .await
            .expect("offer");
        let rule = PriceRule::new(Markup::Fixed { idr: rp(350) }, rp(500)).expect("rule");
        store
            .set_tier_rule(Tier::Gold, &rule, now)
            .await
            .expect("rule");
        store
            .credit_manual(shop.id, rp(300_000), "modal", now)
            .await
            .expect("credit");
        let mut config: Config = toml::from_str("").expect("config");
        config.testing.allow_manual_settle = !fulfil;
        if fulfil {
            let sandbox_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let sandbox = format!("http://{}", sandbox_listener.local_addr().expect("addr"));
            let sim = konter_sandbox::Sandbox::new(konter_sandbox::Settings {
                webhook_base: Some(format!("http://{addr}")),
                pending_delay_ms: 300,
                ..konter_sandbox::Settings::default()
            });
            tokio::spawn(async move {
                axum::serve(sandbox_listener, konter_sandbox::router(sim)).await
            });
            config.suppliers.digiflazz = Some(konter_server::config::Digiflazz {
                base_url: format!("{sandbox}/digiflazz/v1"),
                username: konter_sandbox::digiflazz::DEFAULT_USERNAME.into(),
                api_key: konter_server::config::Secret::new(
                    konter_sandbox::digiflazz::DEFAULT_PROD_KEY,
                ),
                webhook_secret: konter_server::config::Secret::new(
                    konter_sandbox::digiflazz::DEFAULT_WEBHOOK_SECRET,
                ),
                testing: false,
                status_interval_ms: Some(200),
            });
            config.fulfilment.price_sync_s = Some(0);
            // PLN pascabayar, paid through an inquiry (no fixed cost).
            let bill = Product {
                sku: Sku::parse("plnpasca").expect("sku"),
                name: "PLN Pascabayar".into(),
                category: Category::Bill,
                brand: "PLN".into(),
                operator: None,
                nominal_idr: None,
                input: InputSchema::Bill {
                    bill: konter_domain::bill::BillKind::PlnPasca,
                },
                active: true,
            };
            store.upsert_product(&bill, None, now).await.expect("bill");
            let bill_offer = SupplierProduct {
                sku: "plnpasca".into(),
                supplier: "digiflazz".into(),
                supplier_sku: "pln".into(),
                cost: rp(0),
                priority: 1,
                active: true,
            };
            store
                .upsert_supplier_product(&bill_offer, now)
                .await
                .expect("bill offer");
        }
        let app = App::new(store, config).expect("app");
        let mut server = Server {
            app,
            addr,
            task: None,
            _dir: dir,
        };
        server.serve(listener);
        server
    }

    fn serve(&mut self, listener: tokio::net::TcpListener) {
        let app = self.app.clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = konter_server::http::serve_until(listener, app, async move {
                let _ = stopped.await;
            })
            .await;
        });
        self.task = Some((stop, task));
    }

    /// Stops accepting and closes every connection: the device sees the server gone.
    async fn stop(&mut self) {
        if let Some((stop, task)) = self.task.take() {
            let _ = stop.send(());
            let _ = task.await;
        }
    }

    async fn restart(&mut self) {
        self.stop().await;
        let listener = tokio::net::TcpListener::bind(self.addr)
            .await
            .expect("rebind the same port");
        self.serve(listener);
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    async fn pairing_code(&self) -> String {
        let code = new_pairing_code();
        let shop = self
            .app
            .store
            .shop_by_code("E01")
            .await
            .expect("read")
            .expect("shop");
        let now = Utc::now();
        self.app
            .store
            .add_pairing_code(
                shop.id,
                &hash_secret(&code),
                now + chrono::TimeDelta::minutes(5),
                now,
            )
            .await
            .expect("code");
        code
    }

    /// Settles an order as fulfilment will, through the test-only endpoint.
    async fn settle(&self, token: &str, id: &str, body: serde_json::Value) {
        let r = reqwest::Client::new()
            .post(format!("{}/_test/orders/{id}/settle", self.url()))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("settle");
        assert!(
            r.status().is_success(),
            "settle {id}: {}",
            r.text().await.unwrap_or_default()
        );
    }

    async fn order_count(&self) -> i64 {
        let changes = self
            .app
            .store
            .shop_by_code("E01")
            .await
            .expect("read")
            .expect("shop");
        let all = self
            .app
            .store
            .changes(changes.id, 0, 500)
            .await
            .expect("changes");
        let mut ids: Vec<String> = all
            .iter()
            .filter_map(|c| match &c.kind {
                konter_domain::api::v1::ChangeKind::Order { order } => Some(order.id.to_string()),
                _ => None,
            })
            .collect();
        ids.sort();
        ids.dedup();
        ids.len() as i64
    }

    async fn assert_books(&self) {
        let report = self.app.store.audit().await.expect("audit");
        assert!(
            report.problems.is_empty(),
            "server audit: {:?}",
            report.problems
        );
    }
}

/// A fresh device paired with the server.
async fn paired(server: &Server) -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().expect("dir");
    let engine = open(dir.path());
    engine
        .pair(&server.url(), &server.pairing_code().await, "Kasir 1")
        .await
        .expect("pair");
    (dir, engine)
}

fn open(dir: &Path) -> Engine {
    Engine::open(dir, Box::new(FileStore::new(dir))).expect("engine")
}

fn token(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("device-token")).expect("token file")
}

fn assert_device_books(engine: &Engine) {
    let problems = engine.audit().expect("audit");
    assert!(problems.is_empty(), "device audit: {problems:?}");
}

fn sale(target: &str) -> Sale {
    Sale {
        sku: "tsel10".into(),
        target: target.into(),
        ..Sale::default()
    }
}

/// Syncs until every listed order is settled (success, failed or refunded).
async fn sync_until_settled(engine: &Engine, ids: &[String]) -> Vec<LocalOrder> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        engine.sync_once(1).await.expect("sync");
        let orders: Vec<LocalOrder> = ids
            .iter()
            .map(|id| engine.order(id).expect("read").expect("order"))
            .collect();
        if orders.iter().all(|o| o.status.is_settled()) {
            return orders;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "still open: {:?}",
            orders
                .iter()
                .map(|o| (o.target.clone(), o.status))
                .collect::<Vec<_>>()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sales_through_the_sandbox_converge_with_sn_or_reason_and_balanced_books() {
    let server = Server::start_fulfilling().await;
    let (_dir, engine) = paired(&server).await;
    // Last digits: 0 success, 3 pending then success, 4 pending then failed, 6 wrong number.
    let targets = [
        "081234567890",
        "081234567893",
        "081234567894",
        "081234567896",
    ];
    let ids: Vec<String> = targets
        .iter()
        .map(|t| engine.place_order(&sale(t)).expect("sell").id.to_string())
        .collect();
    let done = sync_until_settled(&engine, &ids).await;
    let by_target = |t: &str| done.iter().find(|o| o.target == t).expect("order");
    for t in ["081234567890", "081234567893"] {
        let o = by_target(t);
        assert_eq!(o.status, OrderStatus::Success, "{t}");
        assert!(
            o.sn.as_deref().is_some_and(|s| !s.is_empty()),
            "{t} has its SN"
        );
    }
    for (t, code) in [
        ("081234567894", "supplier_failed"),
        ("081234567896", "wrong_number"),
    ] {
        let o = by_target(t);
        assert_eq!(o.status, OrderStatus::Failed, "{t}");
        assert_eq!(
            o.failure.as_ref().map(|f| f.code.as_str()),
            Some(code),
            "{t}"
        );
    }
    // Inquiries go through the server to the supplier.
    let pln = engine
        .pln_inquiry("12345678900")
        .await
        .expect("PLN inquiry");
    assert!(!pln.name.is_empty(), "{pln:?}");
    assert!(
        engine.pln_inquiry("123").await.is_err(),
        "a bad number is refused"
    );
    let game = engine
        .game_inquiry(konter_domain::game::Game::MobileLegends, "156378300|8483")
        .await
        .expect("game inquiry");
    assert!(
        !game.available && game.nickname.is_none(),
        "only IAK offers the nickname check, and this server has Digiflazz alone: {game:?}"
    );
    // Two successes at the server's price; the failed ones' holds are back.
    let charged: i64 = ["081234567890", "081234567893"]
        .iter()
        .map(|t| by_target(t).cost_idr.idr())
        .sum();
    assert!(charged >= 2 * 10_500, "{charged}");
    let saldo = engine.saldo().expect("saldo");
    assert_eq!(saldo.available_idr, rp(300_000 - charged));
    assert_eq!(saldo.local_held_idr, rp(0));
    assert_device_books(&engine);
    server.assert_books().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bill_is_looked_up_paid_printed_and_counted_apart() {
    use konter_domain::bill::{BillKind, ShopFees};
    let server = Server::start_fulfilling().await;
    let (_dir, engine) = paired(&server).await;
    // Bills run to hundreds of thousands: a bigger saldo than the top-up tests need.
    let shop = server
        .app
        .store
        .shop_by_code("E01")
        .await
        .expect("read")
        .expect("shop");
    server
        .app
        .store
        .credit_manual(shop.id, rp(1_000_000), "modal tagihan", Utc::now())
        .await
        .expect("credit");
    engine.sync_once(1).await.expect("sync");
    let products = engine.bill_products().expect("bill products");
    assert_eq!(products.len(), 1, "{products:?}");
    assert_eq!(products[0].kind, BillKind::PlnPasca);
    assert_eq!(products[0].shop_fee_idr, rp(2_500), "the default fee");

    let mut fees = ShopFees::default();
    fees.fees.insert(BillKind::PlnPasca, rp(12_000));
    let err = engine
        .set_bill_fees(&fees)
        .expect_err("above the cap")
        .to_ui();
    assert_eq!(err.field.as_deref(), Some("bill_fees.pln_pasca"));
    assert_eq!(
        engine.bill_fees().expect("fees"),
        ShopFees::default(),
        "nothing saved"
    );
    fees.fees.insert(BillKind::PlnPasca, rp(3_000));
    engine.set_bill_fees(&fees).expect("within the cap");

    let err = engine
        .bill_inquiry("plnpasca", "530000000003")
        .await
        .expect_err("no bill")
        .to_ui();
    assert_eq!(
        (err.code.as_str(), err.field.as_deref()),
        ("bill_not_found", Some("customer_no"))
    );
    let err = engine
        .bill_inquiry("plnpasca", "5300")
        .await
        .expect_err("too short")
        .to_ui();
    assert_eq!(err.field.as_deref(), Some("customer_no"));

    let bill = engine
        .bill_inquiry("plnpasca", "5300 0000 0002")
        .await
        .expect("inquiry");
    assert_eq!(bill.inquiry.bill.periods.len(), 2);
    assert_eq!(bill.shop_fee_idr, rp(3_000));
    let total = bill.inquiry.bill.total_idr;
    assert_eq!(bill.customer_total_idr.idr(), total.idr() + 3_000);
    let id = bill.inquiry.inquiry_id.to_string();
    let err = engine
        .pay_bill(&id, Some(rp(total.idr())), None, Some("Sri"))
        .expect_err("cash short of the customer total")
        .to_ui();
    assert_eq!(err.field.as_deref(), Some("cash_idr"));
    let paid = engine
        .pay_bill(
            &id,
            Some(rp(bill.customer_total_idr.idr() + 500)),
            None,
            Some("Sri"),
        )
        .expect("pay");
    assert_eq!(
        (paid.category.as_str(), paid.status),
        ("bill", OrderStatus::Queued)
    );
    assert_eq!(
        (paid.price_idr, paid.cost_idr, paid.change_idr),
        (bill.customer_total_idr, total, rp(500))
    );
    assert!(paid.bill.is_some(), "the order carries its bill");
    let err = engine
        .pay_bill(&id, None, None, None)
        .expect_err("paid")
        .to_ui();
    assert_eq!(err.code, "bill_already_paid");
    // The same bill looked up again while its payment is queued: not paid twice.
    let again = engine
        .bill_inquiry("plnpasca", "530000000002")
        .await
        .expect("inquiry");
    let err = engine
        .pay_bill(&again.inquiry.inquiry_id.to_string(), None, None, None)
        .expect_err("an open payment of the same bill")
        .to_ui();
    assert_eq!(err.code, "bill_payment_open");
    // A bill is neither re-priced nor sold like a top-up.
    let err = engine
        .reconfirm(&paid.id.to_string())
        .expect_err("a bill")
        .to_ui();
    assert_eq!(err.code, "bill_needs_inquiry");
    let err = engine
        .place_order(&Sale {
            sku: "plnpasca".into(),
            target: "530000000002".into(),
            ..Sale::default()
        })
        .expect_err("a bill")
        .to_ui();
    assert_eq!(err.code, "bill_needs_inquiry");

    let failing = engine
        .bill_inquiry("plnpasca", "530000000006")
        .await
        .expect("inquiry");
    let failed = engine
        .pay_bill(
            &failing.inquiry.inquiry_id.to_string(),
            None,
            None,
            Some("Sri"),
        )
        .expect("pay");
    let done = sync_until_settled(&engine, &[paid.id.to_string(), failed.id.to_string()]).await;
    assert_eq!(done[0].status, OrderStatus::Success);
    let sn = done[0].sn.clone().expect("the supplier's reference");
    assert_eq!(done[1].status, OrderStatus::Failed);

    let receipt = engine
        .receipt(&paid.id.to_string(), 32, false, false)
        .expect("receipt")
        .expect("printable");
    for want in [
        "ID Pelanggan",
        "Periode",
        "Stand Meter",
        "Tagihan",
        "Admin",
        "Biaya loket",
        "Total bayar",
        &sn,
    ] {
        assert!(
            receipt.preview_text.contains(want),
            "{want} in\n{}",
            receipt.preview_text
        );
    }
    // The header and the cash block are the shop's to set; the header is one line.
    assert!(engine.set_setting("receipt_header", "A\nB").is_err());
    engine
        .set_setting("receipt_header", "PONSEL BU SRI")
        .expect("header");
    engine
        .set_setting("receipt_cash_block", "false")
        .expect("cash block");
    let plain = engine
        .receipt(&paid.id.to_string(), 32, false, false)
        .expect("receipt")
        .expect("printable");
    assert!(
        receipt.preview_text.contains("Tunai") && !plain.preview_text.contains("Tunai"),
        "{}",
        plain.preview_text
    );
    assert!(
        plain.preview_text.contains("PONSEL BU SRI") && plain.preview_text.contains(&sn),
        "{}",
        plain.preview_text
    );
    let report = engine
        .daily_report(engine.today().expect("today"))
        .expect("report");
    assert_eq!(report.bills.count, 1);
    assert_eq!(
        report.bills.omzet_idr, bill.customer_total_idr,
        "omzet holds the bill"
    );
    assert_eq!(
        report.bills.laba_idr,
        rp(3_000),
        "laba is the shop's fee only"
    );
    let saldo = engine.saldo().expect("saldo");
    assert_eq!(saldo.available_idr, rp(1_300_000 - total.idr()));
    // The saldo's movements as the feed reported them, newest first.
    let history = engine.saldo_history(50).expect("history");
    assert_eq!(history[0].balance_idr, saldo.available_idr, "{history:?}");
    assert!(
        history.windows(2).all(|w| w[0].at >= w[1].at),
        "newest first"
    );
    assert!(
        history.iter().any(|m| m.reason == "hold"
            && m.amount_idr == rp(-total.idr())
            && m.reference
                .as_deref()
                .is_some_and(|r| r.contains("530000000002"))),
        "the bill's hold, named by its number: {history:?}"
    );
    assert!(
        history
            .iter()
            .any(|m| m.reason == "deposit" && m.amount_idr == rp(1_000_000)),
        "{history:?}"
    );
    assert_device_books(&engine);
    server.assert_books().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_online_sale_reaches_success_with_its_sn() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().expect("dir");
    let engine = open(dir.path());
    let code = server.pairing_code().await;
    engine
        .pair(&server.url(), &code, "Kasir 1")
        .await
        .expect("pair");
    let db_text = std::fs::read(dir.path().join("konter.db")).expect("db");
    assert!(
        !String::from_utf8_lossy(&db_text).contains(&token(dir.path())),
        "the token is never in the database"
    );

    let quote = engine.quote("0812-3456-7890").expect("quote");
    assert_eq!(
        quote.products.first().map(|p| p.sku.as_str()),
        Some("tsel10"),
        "pulsa before data, whatever the price: Enter, Enter sells pulsa"
    );
    let item = quote
        .products
        .iter()
        .find(|p| p.sku == "tsel10")
        .expect("tsel10 offered");
    // Server: 10.150 + 350 = 10.500 for the shop; owner's default: + 2.000, up to Rp500.
    assert_eq!(
        (item.cost_idr, item.price_idr, item.profit_idr),
        (rp(10_500), rp(12_500), rp(2_000))
    );

    let order = engine
        .place_order(&Sale {
            cash: Some(rp(20_000)),
            ..sale("+62 812 3456 7890")
        })
        .expect("sell");
    assert_eq!(order.status, OrderStatus::Queued);
    assert_eq!((order.price_idr, order.change_idr), (rp(12_500), rp(7_500)));
    let report = engine.sync_once(0).await.expect("sync");
    assert_eq!(report.sent, 1);
    assert_eq!(
        engine
            .order(&order.id.to_string())
            .expect("read")
            .expect("order")
            .status,
        OrderStatus::Accepted
    );

    server
        .settle(
            &token(dir.path()),
            &order.id.to_string(),
            json!({"outcome": "success", "sn": "41002315042959"}),
        )
        .await;
    engine.sync_once(0).await.expect("sync");
    let done = engine
        .order(&order.id.to_string())
        .expect("read")
        .expect("order");
    assert_eq!(
        (done.status, done.sn.as_deref()),
        (OrderStatus::Success, Some("41002315042959"))
    );
    let saldo = engine.saldo().expect("saldo");
    assert_eq!(saldo.available_idr, rp(300_000 - 10_500));
    let day = engine
        .daily_report(engine.today().expect("today"))
        .expect("report");
    assert_eq!(
        (day.count, day.omzet_idr, day.modal_idr, day.laba_idr),
        (1, rp(12_500), rp(10_500), rp(2_000))
    );
    assert_device_books(&engine);
    server.assert_books().await;
}

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
    assert!(
        engine
            .orders(100)
            .expect("orders")
            .iter()
            .all(|o| o.status == OrderStatus::Success)
    );
    assert_device_books(&engine);
    server.assert_books().await;
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
async fn refusals_fail_the_order_and_give_the_money_back() {
    let server = Server::start().await;
    let (_dir, engine) = paired(&server).await;
    engine.sync_once(0).await.expect("sync");
    // A cashier mistake the engine catches before anything is stored.
    for (s, field) in [
        (sale("0812"), "target"),
        (sale("081712345678"), "target"),
        (
            Sale {
                sku: "nope".into(),
                ..sale("081234567890")
            },
            "sku",
        ),
        (
            Sale {
                cash: Some(rp(5_000)),
                ..sale("081234567890")
            },
            "cash_idr",
        ),
    ] {
        let err = engine.place_order(&s).expect_err("refused");
        assert_eq!(err.to_ui().field.as_deref(), Some(field), "{err}");
    }
    assert!(
        engine.orders(10).expect("orders").is_empty(),
        "refused sales store nothing"
    );
    let first = engine
        .place_order(&sale("081234567890"))
        .expect("first sale");
    let repeat = engine
        .place_order(&sale("081234567890"))
        .expect_err("isi ke-2 needs confirming");
    assert_eq!(repeat.to_ui().code, "repeat_sale");
    engine
        .place_order(&Sale {
            confirm_repeat: true,
            ..sale("081234567890")
        })
        .expect("confirmed isi ke-2");

    // The supplier cost rises before the order reaches the server: "harga berubah".
    let offer = SupplierProduct {
        sku: "tsel10".into(),
        supplier: "digiflazz".into(),
        supplier_sku: "tsel10".into(),
        cost: rp(11_000),
        priority: 1,
        active: true,
    };
    server
        .app
        .store
        .upsert_supplier_product(&offer, Utc::now())
        .await
        .expect("price up");
    server.app.catalogue.invalidate().await;
    let report = engine.sync_once(0).await.expect("sync");
    assert_eq!(report.rejected, 2);
    let failed = engine
        .order(&first.id.to_string())
        .expect("read")
        .expect("order");
    assert_eq!(failed.status, OrderStatus::Failed);
    assert_eq!(
        failed.failure.as_ref().map(|f| f.code.as_str()),
        Some("price_changed")
    );
    let day = engine
        .daily_report(engine.today().expect("today"))
        .expect("report");
    assert_eq!(
        (day.failed_count, day.cash_expected_idr),
        (2, rp(0)),
        "the cash went back to the customers"
    );
    assert_eq!(
        engine.saldo().expect("saldo").available_idr,
        rp(300_000),
        "no hold remains"
    );
    assert_device_books(&engine);
}

#[test]
fn prices_follow_the_most_specific_rule() {
    let dir = tempfile::tempdir().expect("dir");
    let engine = open(dir.path());
    engine
        .save_price_rule(&konter_client::catalog::SellingRule {
            scope: konter_client::catalog::RuleScope::Category,
            key: "pulsa".into(),
            markup: Markup::Percent {
                percent: rust_decimal::Decimal::from_str("10").expect("dec"),
            },
            round_to: rp(1_000),
        })
        .expect("rule");
    let bad = engine.save_price_rule(&konter_client::catalog::SellingRule {
        scope: konter_client::catalog::RuleScope::Brand,
        key: "TELKOMSEL".into(),
        markup: Markup::Fixed { idr: rp(1_000) },
        round_to: rp(250),
    });
    assert_eq!(
        bad.expect_err("bad rounding").to_ui().field.as_deref(),
        Some("round_to")
    );
    assert_eq!(engine.price_rules().expect("rules").len(), 1);
}

/// Every line of the preview is in the printed bytes, in order, and no byte outside the
/// printer's code page is there: the receipt decodes back to the text the UI showed.
fn assert_decodes_to(bytes: &[u8], preview: &str) {
    assert!(
        bytes.iter().all(|b| *b < 0xB0),
        "no UTF-8 or box-drawing byte reaches the printer"
    );
    let mut from = 0;
    for line in preview.lines().filter(|l| !l.trim().is_empty()) {
        let needle = line.trim().as_bytes();
        let found = bytes[from..]
            .windows(needle.len())
            .position(|w| w == needle);
        let at = found.unwrap_or_else(|| panic!("line {line:?} is not in the printed bytes"));
        from += at + needle.len();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipts_print_to_a_file_printer_and_auto_print_on_success() {
    let server = Server::start().await;
    let (dir, engine) = paired(&server).await;
    let order = engine
        .place_order(&Sale {
            cash: Some(rp(15_000)),
            ..sale("081234567890")
        })
        .expect("sell");
    let id = order.id.to_string();
    let file = dir.path().join("slip.bin");
    let printer = format!("file:{}", file.display());

    // Not finished yet: only the "not finished" slip may print.
    let slip = engine
        .print_now(&id, &printer, 32, false)
        .await
        .expect("slip");
    assert!(
        slip.preview_text.contains("BELUM SELESAI"),
        "{}",
        slip.preview_text
    );
    assert!(!slip.preview_text.contains("41002315042959"));

    engine
        .set_setting(
            "printer",
            &format!("file:{}", dir.path().join("auto.bin").display()),
        )
        .expect("printer");
    engine
        .set_setting("auto_print", "true")
        .expect("auto print");
    assert!(
        engine.set_setting("printer_width", "40").is_err(),
        "40 columns is no printer"
    );
    engine.sync_once(0).await.expect("sync");
    server
        .settle(
            &token(dir.path()),
            &id,
            json!({"outcome": "success", "sn": "41002315042959"}),
        )
        .await;
    engine.sync_once(0).await.expect("sync");
    let mut heard = engine.print_events();
    let jobs = engine.run_print_queue().await.expect("queue");
    assert_eq!(
        jobs.iter().map(|j| j.status.as_str()).collect::<Vec<_>>(),
        vec!["done"],
        "{jobs:?}"
    );
    let event = heard.try_recv().expect("the background job is announced");
    assert_eq!(
        (event.order_id.as_str(), event.status.as_str()),
        (id.as_str(), "done")
    );
    let auto = std::fs::read(dir.path().join("auto.bin")).expect("auto-printed");
    assert!(
        auto.windows(14).any(|w| w == b"41002315042959"),
        "the SN is on the receipt"
    );

    // The CLI over the same store, by a cashier logged in: a reprint says SALINAN and
    // decodes back to its preview.
    konter_cli(
        dir.path(),
        &["cashier", "Bu Sari", "--role", "owner", "--pin", "123456"],
    );
    konter_cli(dir.path(), &["login", "Bu Sari", "--pin", "123456"]);
    let preview = konter_cli(
        dir.path(),
        &[
            "print",
            &id,
            "--printer",
            &printer,
            "--width",
            "32",
            "--copy",
            "--preview",
        ],
    );
    assert!(
        preview.contains("SALINAN")
            && preview.contains("0812-3456-7890")
            && preview.contains("PULSA "),
        "{preview}"
    );
    assert_decodes_to(&std::fs::read(&file).expect("printed"), &preview);

    let test_page = dir.path().join("test.bin");
    let page = engine
        .test_print(&format!("file:{}", test_page.display()), 48)
        .await
        .expect("test print");
    assert!(
        page.preview_text.contains("TES PRINTER") && page.preview_text.contains("BELUM SELESAI"),
        "{}",
        page.preview_text
    );
    assert_decodes_to(
        &std::fs::read(&test_page).expect("printed"),
        &page.preview_text,
    );
    assert!(
        engine.test_print("lpt1", 32).await.is_err(),
        "an address that is no printer is refused"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cashiers_log_in_by_pin_and_a_shift_closes_against_the_drawer() {
    use konter_client::cashiers::{LoginGuard, MAX_FAILED_LOGINS, Role};
    let server = Server::start().await;
    let (dir, engine) = paired(&server).await;
    let owner = engine
        .create_cashier("Pak Budi", Role::Owner, "1234")
        .expect("owner");
    let sri = engine
        .create_cashier("Sri", Role::Cashier, "5678")
        .expect("cashier");
    assert_eq!(
        engine
            .create_cashier("Dup", Role::Cashier, "5678")
            .expect_err("same PIN")
            .to_ui()
            .field
            .as_deref(),
        Some("pin")
    );
    assert_eq!(
        engine
            .create_cashier("Bad", Role::Cashier, "12a4")
            .expect_err("not digits")
            .to_ui()
            .field
            .as_deref(),
        Some("pin")
    );
    let guard = LoginGuard::default();
    assert_eq!(engine.login(&guard, "5678").expect("login").id, sri.id);
    assert_eq!(
        engine.login(&guard, "1234").expect("login").role,
        Role::Owner
    );
    for _ in 0..MAX_FAILED_LOGINS {
        assert!(engine.login(&guard, "0000").is_err());
    }
    assert_eq!(
        engine
            .login(&guard, "5678")
            .expect_err("paused")
            .to_ui()
            .code,
        "login_paused"
    );
    let db_text =
        String::from_utf8_lossy(&std::fs::read(dir.path().join("konter.db")).expect("db"))
            .into_owned();
    assert!(!db_text.contains("5678"), "PINs are stored hashed");

    engine.open_shift(&sri, rp(50_000)).expect("open");
    let o = engine
        .place_order(&Sale {
            cashier_id: Some(sri.id.clone()),
            cashier_name: Some(sri.name.clone()),
            ..sale("081234567890")
        })
        .expect("sell");
    let summary = engine.close_shift(&sri, rp(60_000)).expect("close");
    assert_eq!(summary.expected_idr, rp(50_000 + o.price_idr.idr()));
    assert_eq!(
        summary.difference_idr,
        rp(60_000 - 50_000 - o.price_idr.idr())
    );
    let day = engine
        .daily_report(engine.today().expect("today"))
        .expect("report");
    assert_eq!(day.pending_count, 1);
    assert!(
        engine.close_shift(&owner, rp(0)).is_err(),
        "the owner opened no shift"
    );
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

/// The `konter` binary of this crate.
const KONTER: &str = env!("CARGO_BIN_EXE_konter");

/// Runs `konter` over the device data in `dir`.
fn run_konter(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(KONTER)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("KONTER_TOKEN_STORE", "file")
        .output()
        .expect("konter runs")
}

/// Runs `konter` over the device data in `dir`; its standard output, after checking it
/// succeeded.
fn konter_cli(dir: &std::path::Path, args: &[&str]) -> String {
    let out = run_konter(dir, args);
    assert!(
        out.status.success(),
        "konter {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `konter` over the device data in `dir` expecting a refusal; its standard error.
fn konter_cli_fails(dir: &std::path::Path, args: &[&str]) -> String {
    let out = run_konter(dir, args);
    assert!(!out.status.success(), "konter {args:?} was let through");
    String::from_utf8_lossy(&out.stderr).into_owned()
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
        let mut child = std::process::Command::new(KONTER)
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
    assert!(
        engine
            .orders(10)
            .expect("orders")
            .iter()
            .all(|o| o.status == OrderStatus::Accepted)
    );
    assert_device_books(&engine);
    server.assert_books().await;
}
