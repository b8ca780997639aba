//! The `konter-server` binary: admin commands print results on stdout, and the served API
//! and its logs never contain a credential.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_konter-server");
const SECRETS: [&str; 4] = [
    "dfz-api-key-7f3a9c1e5b",
    "dfz-hook-secret-42aa9e",
    "iak-api-key-0c9d8e7f",
    "SB-Mid-server-9Xq2Lm7Pz",
];

fn run(db: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run konter-server");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn admin_commands_print_results_on_stdout() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}", dir.path().join("s.db").display());
    let (ok, out, err) = run(
        &db,
        &[
            "shop",
            "create",
            "MAJU01",
            "--name",
            "Konter Maju",
            "--tier",
            "gold",
        ],
    );
    assert!(ok, "{err}");
    assert!(
        out.trim().parse::<konter_domain::ids::ShopId>().is_ok(),
        "prints the shop id alone: {out:?}"
    );
    let (ok, out, _) = run(&db, &["device", "pair-code", "MAJU01"]);
    assert!(ok);
    assert_eq!(out.trim().len(), 8, "the code alone: {out:?}");
    let (ok, out, _) = run(
        &db,
        &["saldo", "credit", "MAJU01", "Rp50.000", "--ref", "kas-001"],
    );
    assert!(ok);
    assert_eq!(out.trim(), "50000");
    let (ok, out, err) = run(
        &db,
        &["saldo", "credit", "MAJU01", "50000", "--ref", "kas-001"],
    );
    assert!(ok);
    assert_eq!(
        out.trim(),
        "50000",
        "the same reference is not credited twice"
    );
    assert!(err.contains("credited before"));
    let (ok, _, err) = run(&db, &["saldo", "credit", "MAJU01", "-5", "--ref", "x"]);
    assert!(!ok && err.contains("amount_idr"), "{err}");
    let (ok, _, err) = run(&db, &["saldo", "credit", "NOPE", "5000", "--ref", "x"]);
    assert!(!ok && err.contains("NOPE"), "{err}");
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/catalogue.toml");
    let (ok, _, err) = run(&db, &["catalog", "load", demo]);
    assert!(ok && err.contains("loaded 69 products"), "{err}");
    let (ok, out, _) = run(&db, &["audit"]);
    assert!(ok, "{out}");
    assert!(out.contains("0 problems"));
}

#[test]
fn audit_fails_when_the_books_were_tampered_with() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("s.db");
    let db = format!("sqlite://{}", path.display());
    assert!(run(&db, &["shop", "create", "T01", "--name", "T"]).0);
    assert!(run(&db, &["saldo", "credit", "T01", "10000", "--ref", "a"]).0);
    let rt = tokio::runtime::Runtime::new().expect("rt");
    rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&db).await.expect("open");
        sqlx::query(
            "UPDATE accounts SET credits_idr = credits_idr + 1 WHERE key LIKE 'shop_saldo:%'",
        )
        .execute(&pool)
        .await
        .expect("tamper");
        pool.close().await;
    });
    let (ok, out, _) = run(&db, &["audit"]);
    assert!(!ok, "audit must fail: {out}");
    assert!(out.contains("PROBLEM account shop_saldo:"), "{out}");
}

#[test]
fn credentials_never_reach_logs_or_answers() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}", dir.path().join("s.db").display());
    let code = shop_with_pair_code(&db, "S01");
    let (base, mut child, lines) = serve(
        &db,
        &[
            ("RUST_LOG", "trace"),
            (
                "KONTER_SUPPLIERS__DIGIFLAZZ__BASE_URL",
                "http://127.0.0.1:9/digiflazz/v1",
            ),
            ("KONTER_SUPPLIERS__DIGIFLAZZ__USERNAME", "konteruser"),
            ("KONTER_SUPPLIERS__DIGIFLAZZ__API_KEY", SECRETS[0]),
            ("KONTER_SUPPLIERS__DIGIFLAZZ__WEBHOOK_SECRET", SECRETS[1]),
            ("KONTER_SUPPLIERS__IAK__BASE_URL", "http://127.0.0.1:9/iak"),
            ("KONTER_SUPPLIERS__IAK__USERNAME", "081234567890"),
            ("KONTER_SUPPLIERS__IAK__API_KEY", SECRETS[2]),
            (
                "KONTER_GATEWAYS__MIDTRANS__BASE_URL",
                "http://127.0.0.1:9/midtrans",
            ),
            ("KONTER_GATEWAYS__MIDTRANS__SERVER_KEY", SECRETS[3]),
        ],
    );
    let addr = base.trim_start_matches("http://").to_owned();
    let log =
        std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>().join("\n"));
    let rt = tokio::runtime::Runtime::new().expect("rt");
    let answers = rt.block_on(async {
        let c = reqwest::Client::new();
        let base = format!("http://{addr}");
        let mut answers = String::new();
        let pair: Value = c
            .post(format!("{base}/v1/devices/pair"))
            .json(&json!({"pairing_code": code, "device_name": "K"}))
            .send()
            .await
            .expect("pair")
            .json()
            .await
            .expect("json");
        let token = pair["token"].as_str().expect("token").to_owned();
        answers.push_str(&pair.to_string());
        for path in [
            "/healthz",
            "/metrics",
            "/v1/catalog",
            "/v1/saldo",
            "/v1/changes",
            "/v1/orders/nope",
            "/nope",
        ] {
            let r = c
                .get(format!("{base}{path}"))
                .bearer_auth(&token)
                .send()
                .await
                .expect("get");
            answers.push_str(&r.text().await.expect("text"));
        }
        let r = c
            .post(format!("{base}/v1/orders"))
            .bearer_auth(&token)
            .json(&json!({"bad": true}))
            .send()
            .await
            .expect("post");
        answers.push_str(&r.text().await.expect("text"));
        answers
    });
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let _ = child.wait_timeout_or_kill(Duration::from_secs(40));
    let log = log.join().expect("log");
    assert!(log.contains("device paired"), "the log was captured: {log}");
    for secret in SECRETS {
        assert!(!answers.contains(secret), "an API answer contains {secret}");
        assert!(!log.contains(secret), "the log contains {secret}");
    }
}

trait WaitTimeout {
    fn wait_timeout_or_kill(&mut self, limit: Duration) -> std::io::Result<()>;
}

impl WaitTimeout for std::process::Child {
    fn wait_timeout_or_kill(&mut self, limit: Duration) -> std::io::Result<()> {
        let start = std::time::Instant::now();
        while start.elapsed() < limit {
            if self.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.kill()
    }
}

/// `order settle`: an order the workers gave up on (`review`) is settled by hand, with who
/// and why in the audit trail; an order not in review is refused and nothing changes.
#[tokio::test]
async fn an_order_in_review_is_settled_by_hand_and_no_other() {
    use chrono::Utc;
    use konter_domain::money::Rupiah;
    use konter_server::store::{
        Attempt, AttemptState, JobNext, NewOrder, PlaceOutcome, SqliteStore, Store,
    };

    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}", dir.path().join("s.db").display());
    let store = SqliteStore::open(&db).await.expect("open");
    store.migrate().await.expect("migrate");
    konter_tests::seed_catalogue(&store).await;
    let now = Utc::now();
    let shop = store
        .create_shop(
            "REV01",
            "Konter Review",
            konter_domain::catalogue::Tier::Gold,
            now,
        )
        .await
        .expect("shop");
    store
        .credit_manual(shop.id, Rupiah::from_idr(100_000), "modal", now)
        .await
        .expect("credit");
    let place = |target: &str| NewOrder {
        target: target.into(),
        now,
        ..NewOrder::sample(shop.id, Rupiah::from_idr(10_700), Rupiah::from_idr(10_150))
    };
    let mut ids = Vec::new();
    for target in ["081234567890", "081234567891"] {
        let new = place(target);
        let PlaceOutcome::Created(order) = store.place_order(&new).await.expect("place") else {
            panic!("placed");
        };
        let ref_id = konter_server::suppliers::ref_id(order.id, 1);
        let attempt = Attempt::sent(order.id, 1, ("digiflazz", "tsel10"), ref_id, new.cost, now);
        assert!(store.begin_attempt(&attempt).await.expect("attempt"));
        ids.push(order.id);
    }
    let held = |s: konter_domain::api::v1::Saldo| s.held_idr.idr();
    assert_eq!(held(store.saldo(shop.id).await.expect("saldo")), 21_400);

    // Not in review: refused, nothing written.
    let id0 = ids[0].to_string();
    let (ok, _, err) = run(
        &db,
        &["order", "settle", &id0, "--failed", "x", "--by", "ops"],
    );
    assert!(!ok && err.contains("not in review"), "{err}");
    assert_eq!(held(store.saldo(shop.id).await.expect("saldo")), 21_400);

    for id in &ids {
        store
            .schedule_job(*id, JobNext::Review, Utc::now())
            .await
            .expect("review");
    }
    let (ok, _, err) = run(&db, &["order", "settle", &id0, "--by", "ops"]);
    assert!(!ok, "success or failed must be said: {err}");
    let (ok, out, err) = run(
        &db,
        &[
            "order",
            "settle",
            &id0,
            "--success",
            "SN-77",
            "--by",
            "ops",
            "--note",
            "DF report 3/12",
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("success"), "{out}");
    let id1 = ids[1].to_string();
    let (ok, out, err) = run(
        &db,
        &[
            "order",
            "settle",
            &id1,
            "--failed",
            "Gagal in the supplier's report",
            "--by",
            "ops",
        ],
    );
    assert!(ok && out.contains("failed"), "{out} {err}");

    let (done, attempts) = store
        .fulfilment(ids[0])
        .await
        .expect("read")
        .expect("order");
    assert_eq!(done.order.sn.as_deref(), Some("SN-77"));
    assert_eq!(attempts[0].state, AttemptState::Success);
    let (failed, attempts) = store
        .fulfilment(ids[1])
        .await
        .expect("read")
        .expect("order");
    assert_eq!(failed.order.status.code(), "failed");
    assert_eq!(attempts[0].state, AttemptState::Failed);
    // One charged, one given back: nothing left held.
    let saldo = store.saldo(shop.id).await.expect("saldo");
    assert_eq!(held(saldo), 0);
    assert_eq!(saldo.available_idr.idr(), 100_000 - 10_700);
    let calls = store.calls(ids[0]).await.expect("calls");
    let by_hand = calls
        .iter()
        .find(|c| c.supplier == "operator")
        .expect("kept");
    assert!(by_hand.request.contains("\"by\":\"ops\"") && by_hand.request.contains("DF report"));
    // Settled: no longer in review, so a second settlement is refused.
    let (ok, _, err) = run(
        &db,
        &["order", "settle", &id1, "--success", "SN-1", "--by", "ops"],
    );
    assert!(!ok && err.contains("not in review"), "{err}");
    let (ok, out, _) = run(&db, &["audit"]);
    assert!(ok, "{out}");
}

/// Creates shop `id` in `db` and returns a pairing code for one of its counters.
fn shop_with_pair_code(db: &str, id: &str) -> String {
    let (ok, _, err) = run(
        db,
        &["shop", "create", id, "--name", &format!("Konter {id}")],
    );
    assert!(ok, "{err}");
    let (ok, code, err) = run(db, &["device", "pair-code", id]);
    assert!(ok, "{err}");
    code.trim().to_owned()
}

/// A running `konter-server serve`: its base URL, the child, and the rest of its log lines.
type Served = (
    String,
    std::process::Child,
    std::io::Lines<BufReader<std::process::ChildStderr>>,
);

/// Starts `konter-server serve` on `db` (port 0) with `envs`.
fn serve(db: &str, envs: &[(&str, &str)]) -> Served {
    serve_with(&[], db, envs)
}

/// [`serve`] with `global` arguments (e.g. `--config FILE`) before the command; the base URL
/// has the scheme the server announced.
fn serve_with(global: &[&str], db: &str, envs: &[(&str, &str)]) -> Served {
    let mut child = Command::new(BIN)
        .args(global)
        .args(["--db", db, "serve", "--listen", "127.0.0.1:0"])
        .envs(envs.iter().copied())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("server printed its address")
            .expect("line");
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest.trim().to_owned();
        }
    };
    (addr, child, lines)
}

/// The README's HTTPS settings as the binary reads them: a settings file with `[tls] cert`
/// and `key`. A device trusting the shop's CA pairs over HTTPS and is shown that
/// certificate; a client that does not trust the CA, and plain HTTP to the same port, get
/// no answer.
#[test]
fn the_binary_serves_https_from_its_settings_file() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}", dir.path().join("s.db").display());
    let code = shop_with_pair_code(&db, "T01");
    let ca = konter_tests::TestCa::new("Toko CA");
    let served = ca.server_cert();
    let (cert, key) = served.write(dir.path());
    let config = dir.path().join("konter-server.toml");
    std::fs::write(
        &config,
        format!(
            "[tls]\ncert = \"{}\"\nkey = \"{}\"\n",
            cert.display(),
            key.display()
        ),
    )
    .expect("settings");
    let config = config.to_str().expect("utf-8 path");
    let (base, mut child, lines) = serve_with(&["--config", config], &db, &[]);
    std::thread::spawn(move || lines.map_while(Result::ok).for_each(drop));
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");

    let rt = tokio::runtime::Runtime::new().expect("rt");
    let (shown, token, untrusted, plain) = rt.block_on(async {
        let trusting = reqwest::Client::builder()
            .tls_built_in_root_certs(false)
            .add_root_certificate(reqwest::Certificate::from_pem(ca.pem.as_bytes()).expect("ca"))
            .tls_info(true)
            .build()
            .expect("client");
        let health = trusting
            .get(format!("{base}/healthz"))
            .send()
            .await
            .expect("healthz over https");
        assert!(health.status().is_success(), "{}", health.status());
        let shown = health
            .extensions()
            .get::<reqwest::tls::TlsInfo>()
            .and_then(|i| i.peer_certificate().map(<[u8]>::to_vec))
            .unwrap_or_default();
        let token = konter_tests::pair_over_http(&trusting, &base, &code).await;
        let untrusted = reqwest::Client::new()
            .get(format!("{base}/healthz"))
            .send()
            .await;
        let plain = reqwest::Client::new()
            .get(format!(
                "{}/healthz",
                base.replacen("https://", "http://", 1)
            ))
            .timeout(Duration::from_secs(5))
            .send()
            .await;
        (shown, token, untrusted, plain)
    });
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(shown, served.der, "the certificate from the settings file");
    assert!(!token.is_empty(), "paired over https");
    assert!(
        untrusted.is_err(),
        "a client not trusting the CA: {untrusted:?}"
    );
    assert!(
        plain.as_ref().map_or(true, |r| !r.status().is_success()),
        "plain http to the https port: {plain:?}"
    );
}

#[test]
fn a_backup_taken_while_orders_flow_restores_every_order_accepted_before_it() {
    const ORDERS: usize = 1_000;
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}", dir.path().join("live.db").display());
    let copy = dir.path().join("backup.db");
    assert!(
        run(
            &db,
            &[
                "shop", "create", "B01", "--name", "Konter B", "--tier", "gold"
            ]
        )
        .0
    );
    assert!(
        run(
            &db,
            &["saldo", "credit", "B01", "100000000", "--ref", "modal"]
        )
        .0
    );
    let catalogue = concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/catalogue.toml");
    let (ok, _, err) = run(&db, &["catalog", "load", catalogue]);
    assert!(ok, "{err}");
    let code = run(&db, &["device", "pair-code", "B01"])
        .1
        .trim()
        .to_owned();
    let (base, mut server, lines) = serve(&db, &[]);
    std::thread::spawn(move || lines.map_while(Result::ok).for_each(drop));
    let rt = tokio::runtime::Runtime::new().expect("rt");
    let (before_backup, backup_ok, refused) = rt.block_on(async {
        let http = reqwest::Client::new();
        let token = konter_tests::pair_over_http(&http, &base, &code).await;
        let accepted = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let flow = {
            let (http, base, accepted) = (http.clone(), base.clone(), accepted.clone());
            tokio::spawn(async move {
                for i in 0..ORDERS {
                    let id = konter_domain::ids::OrderId::new();
                    let body = json!({"id": id, "sku": "tsel10", "target": format!("0813{i:08}"), "max_price_idr": 20_000});
                    let (status, _) =
                        konter_tests::device_post(&http, &base, &token, "/v1/orders", body).await;
                    if status == 201 {
                        accepted.lock().expect("ids").push(id);
                    }
                }
            })
        };
        // Wait until orders are flowing, then back up while they go on.
        while accepted.lock().expect("ids").len() < 200 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let before: Vec<_> = accepted.lock().expect("ids").clone();
        let (backup_ok, _, err) = run(&db, &["backup", &copy.display().to_string()]);
        assert!(backup_ok, "{err}");
        let during = accepted.lock().expect("ids").len();
        // A restore while the server serves the database is refused.
        let (restored, _, refusal) = run(&db, &["restore", &copy.display().to_string()]);
        flow.await.expect("orders");
        assert!(
            during < ORDERS && accepted.lock().expect("ids").len() == ORDERS,
            "the backup ran while orders flowed ({during} of {ORDERS} when it ended)"
        );
        (before, backup_ok, (restored, refusal))
    });
    assert!(backup_ok);
    assert!(!refused.0, "restore refused while serving");
    assert!(refused.1.contains("stop it first"), "{}", refused.1);
    // A backup never overwrites.
    assert!(!run(&db, &["backup", &copy.display().to_string()]).0);
    server.kill().expect("stop");
    server.wait().expect("stopped");

    let (ok, _, err) = run(&db, &["restore", &copy.display().to_string()]);
    assert!(ok, "{err}");
    let (ok, out, err) = run(&db, &["audit"]);
    assert!(ok, "audit after restore: {out} {err}");
    let rt = tokio::runtime::Runtime::new().expect("rt");
    rt.block_on(async {
        use konter_server::store::Store;
        let store = konter_server::store::SqliteStore::open(&db)
            .await
            .expect("open");
        for id in &before_backup {
            assert!(
                store.order(*id).await.expect("read").is_some(),
                "order {id}, accepted before the backup, is in the restored database"
            );
        }
    });
    // Not a Konter database: refused, nothing changes.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database").expect("junk");
    assert!(!run(&db, &["restore", &junk.display().to_string()]).0);
    assert!(run(&db, &["audit"]).0);
}
