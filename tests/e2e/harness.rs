//! A konter-server on a socket (settling by hand, or fulfilling through konter-sandbox),
//! devices paired with it, and the checks every test ends with.

use std::net::SocketAddr;
use std::path::Path;

use chrono::Utc;
use konter_client::Engine;
use konter_client::sell::{LocalOrder, Sale};
use konter_client::token::FileStore;
use konter_domain::catalogue::{Category, Markup, PriceRule, Product, Sku, Tier};
use konter_domain::money::Rupiah;
use konter_domain::order::OrderStatus;
use konter_domain::target::InputSchema;
use konter_server::App;
use konter_server::config::Config;
use konter_server::store::{SqliteStore, Store};

pub(crate) fn rp(x: i64) -> Rupiah {
    Rupiah::from_idr(x)
}

pub(crate) struct Server {
    pub(crate) app: App<SqliteStore>,
    addr: SocketAddr,
    task: Option<(
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<()>,
    )>,
    _dir: tempfile::TempDir,
}

impl Server {
    /// A server whose orders wait to be settled by hand (`settle`).
    pub(crate) async fn start() -> Server {
        Server::start_with(false).await
    }

    /// A server that fulfils through konter-sandbox's Digiflazz (webhooks back to it).
    pub(crate) async fn start_fulfilling() -> Server {
        Server::start_with(true).await
    }

    pub(crate) async fn start_with(fulfil: bool) -> Server {
        Server::start_configured(fulfil, |_| {}).await
    }

    /// A server whose settings `configure` changes last (TLS, say).
    pub(crate) async fn start_configured(
        fulfil: bool,
        configure: impl FnOnce(&mut Config),
    ) -> Server {
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
        let product = konter_tests::tsel10();
        konter_tests::stock(&store, &product, "tsel10", 10_150).await;
        // A data package cheaper than the pulsa: the counter still lists pulsa first.
        let data = Product {
            sku: Sku::parse("tseldata1").expect("sku"),
            name: "Telkomsel Data 1GB".into(),
            category: Category::Data,
            nominal_idr: None,
            ..product
        };
        konter_tests::stock(&store, &data, "tseldata1", 5_000).await;
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
            let sandbox = konter_tests::spawn_sandbox(konter_sandbox::Settings {
                webhook_base: Some(format!("http://{addr}")),
                pending_delay_ms: 300,
                ..konter_sandbox::Settings::default()
            })
            .await;
            config.suppliers.digiflazz = Some(konter_tests::digiflazz(&sandbox, 200));
            config.fulfilment.price_sync_s = Some(0);
            config.alarms.deposit_check_s = Some(0);
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
            konter_tests::stock(&store, &bill, "pln", 0).await;
        }
        configure(&mut config);
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

    pub(crate) fn serve(&mut self, listener: tokio::net::TcpListener) {
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
    pub(crate) async fn stop(&mut self) {
        if let Some((stop, task)) = self.task.take() {
            let _ = stop.send(());
            let _ = task.await;
        }
    }

    pub(crate) async fn restart(&mut self) {
        self.stop().await;
        let listener = tokio::net::TcpListener::bind(self.addr)
            .await
            .expect("rebind the same port");
        self.serve(listener);
    }

    /// `https://localhost:PORT` when the server speaks TLS (its test certificate names
    /// localhost), else `http://127.0.0.1:PORT`.
    pub(crate) fn url(&self) -> String {
        match self.app.config.tls {
            Some(_) => format!("https://localhost:{}", self.addr.port()),
            None => format!("http://{}", self.addr),
        }
    }

    /// The shop every device pairs with.
    pub(crate) async fn shop(&self) -> konter_server::store::Shop {
        self.app
            .store
            .shop_by_code("E01")
            .await
            .expect("read")
            .expect("shop")
    }

    pub(crate) async fn pairing_code(&self) -> String {
        konter_tests::pairing_code(&self.app.store, self.shop().await.id).await
    }

    /// Settles an order as fulfilment will, through the test-only endpoint.
    pub(crate) async fn settle(&self, token: &str, id: &str, body: serde_json::Value) {
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

    pub(crate) async fn order_count(&self) -> i64 {
        let changes = self.shop().await;
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

    pub(crate) async fn assert_books(&self) {
        let report = self.app.store.audit().await.expect("audit");
        assert!(
            report.problems.is_empty(),
            "server audit: {:?}",
            report.problems
        );
    }
}

/// A fresh device paired with the server.
pub(crate) async fn paired(server: &Server) -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().expect("dir");
    let engine = open(dir.path());
    engine
        .pair(&server.url(), &server.pairing_code().await, "Kasir 1")
        .await
        .expect("pair");
    (dir, engine)
}

pub(crate) fn open(dir: &Path) -> Engine {
    Engine::open(dir, Box::new(FileStore::new(dir))).expect("engine")
}

pub(crate) fn token(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("device-token")).expect("token file")
}

pub(crate) fn assert_device_books(engine: &Engine) {
    let problems = engine.audit().expect("audit");
    assert!(problems.is_empty(), "device audit: {problems:?}");
}

pub(crate) fn sale(target: &str) -> Sale {
    Sale {
        sku: "tsel10".into(),
        target: target.into(),
        ..Sale::default()
    }
}

/// Syncs until every listed order is settled (success, failed or refunded).
pub(crate) async fn sync_until_settled(engine: &Engine, ids: &[String]) -> Vec<LocalOrder> {
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

/// Every order on the device is `status`, and the device's and the server's books audit
/// clean.
pub(crate) async fn assert_all_and_books(server: &Server, engine: &Engine, status: OrderStatus) {
    let orders = engine.orders(500).expect("orders");
    assert!(
        orders.iter().all(|o| o.status == status),
        "not all {status}: {:?}",
        orders
            .iter()
            .map(|o| (&o.target, o.status))
            .collect::<Vec<_>>()
    );
    assert_device_books(engine);
    server.assert_books().await;
}
