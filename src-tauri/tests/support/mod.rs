//! What the shell's IPC tests share: a counter (the real commands on Tauri's mock runtime
//! over a real engine on a temp directory) and a stand-in for konter-server on a local port
//! that answers the few endpoints pairing and selling use.

#![allow(dead_code)] // each test binary uses its own part

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use konter_app::Konter;
use konter_client::Engine;
use konter_client::token::MemoryStore;
use konter_domain::api::v1::{
    BatchOrders, BatchOrdersResult, BatchResult, Change, ChangeKind, Failure, Order,
};
use konter_domain::order::OrderStatus;
use serde_json::{Value, json};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::{WebviewWindow, WebviewWindowBuilder};

pub struct Counter {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    pub dir: tempfile::TempDir,
}

pub fn counter() -> Counter {
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = Engine::open(dir.path(), Box::new(MemoryStore::default())).expect("engine");
    let app = konter_app::commands(mock_builder())
        .manage(Arc::new(Konter::new(engine)))
        .build(tauri::generate_context!())
        .expect("mock app");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("main window");
    Counter {
        _app: app,
        window,
        dir,
    }
}

impl Counter {
    /// Invokes a command as the UI does; `Err` holds what the UI's `invoke` rejects with.
    pub fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.window,
            tauri::webview::InvokeRequest {
                cmd: cmd.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                // On Linux the app's own origin is tauri://localhost; any other origin is
                // remote and gets no commands.
                url: "tauri://localhost".parse().expect("url"),
                body: tauri::ipc::InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().expect("JSON answer"))
    }

    pub fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} should succeed, got {e}"))
    }

    pub fn err(&self, cmd: &str, args: Value) -> Value {
        match self.call(cmd, args) {
            Ok(v) => panic!("{cmd} should fail, got {v}"),
            Err(e) => e,
        }
    }

    pub fn owner_logged_in(&self) {
        self.ok("setup_owner", json!({"name": "Bu Sri", "pin": "123456"}));
        self.ok("login", json!({"pin": "123456"}));
    }
}

/// What the server does with the orders it is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Orders {
    /// `503` to every batch: the orders stay queued, as when the server is down.
    Down,
    /// Each order is answered `success`, and the change feed then reports it `refunded`.
    Refunds,
}

/// The stand-in server's answers.
#[derive(Clone, Debug)]
pub struct StandIn {
    pub pairing_code: String,
    pub shop_name: String,
    /// The first page of the change feed holds a deposit of this much.
    pub saldo_idr: i64,
    /// `GET /v1/catalog`, as sent.
    pub catalogue: Value,
    pub orders: Orders,
}

struct Served {
    config: StandIn,
    /// Changes after the opening deposit (seq 2 on), in order.
    later: Mutex<Vec<Change>>,
}

/// Starts the stand-in on a local port; its base URL.
pub fn stand_in_server(config: StandIn) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let served = Arc::new(Served {
        config,
        later: Mutex::new(Vec::new()),
    });
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let served = Arc::clone(&served);
            std::thread::spawn(move || serve(stream, &served));
        }
    });
    format!("http://{addr}")
}

fn answer(stream: &mut TcpStream, status: &str, body: &Value) {
    let text = body.to_string();
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
}

/// The query parameter `name` of `path`, as a number.
fn param(path: &str, name: &str) -> Option<i64> {
    let query = path.split_once('?')?.1;
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))?
        .parse()
        .ok()
}

/// One request: the request line, then the body by its Content-Length.
fn serve(mut stream: TcpStream, served: &Served) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let body = String::from_utf8_lossy(&body);
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let config = &served.config;
    match (method, path.split('?').next().unwrap_or("")) {
        ("POST", "/v1/devices/pair") => {
            let sent: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            if sent["pairing_code"] == config.pairing_code.as_str() {
                answer(
                    &mut stream,
                    "200 OK",
                    &json!({
                        "device_id": "0190f5a8-0000-7000-8000-000000000001",
                        "shop_id": "0190f5a8-0000-7000-8000-000000000002",
                        "shop_name": config.shop_name,
                        "token": "kt_test_secret",
                    }),
                );
            } else {
                answer(
                    &mut stream,
                    "401 Unauthorized",
                    &json!({
                        "code": "pairing_code_invalid",
                        "message": "kode pemasangan salah / the pairing code is wrong",
                        "field": "pairing_code",
                    }),
                );
            }
        }
        ("GET", "/v1/catalog") => answer(&mut stream, "200 OK", &config.catalogue),
        ("GET", "/v1/changes") => changes(&mut stream, served, param(path, "after").unwrap_or(0)),
        ("POST", "/v1/orders/batch") if config.orders == Orders::Refunds => {
            let batch: BatchOrders = serde_json::from_str(&body).expect("a batch of orders");
            let results = batch
                .orders
                .into_iter()
                .map(|o| refunded_later(served, o))
                .collect();
            let value = serde_json::to_value(BatchOrdersResult { results }).expect("JSON");
            answer(&mut stream, "200 OK", &value);
        }
        ("POST", "/v1/orders/batch") => answer(
            &mut stream,
            "503 Service Unavailable",
            &json!({"code": "unavailable", "message": "coba lagi / try again"}),
        ),
        _ => answer(
            &mut stream,
            "404 Not Found",
            &json!({"code": "not_found", "message": "alamat tidak ditemukan / route not found"}),
        ),
    }
}

/// The change feed after `after`: the opening deposit (seq 1), then what happened since.
fn changes(stream: &mut TcpStream, served: &Served, after: i64) {
    let mut page = Vec::new();
    if after < 1 {
        let saldo = served.config.saldo_idr;
        page.push(json!({
            "seq": 1, "at": Utc::now(), "type": "saldo",
            "movement": {
                "reason": "deposit", "amount_idr": saldo,
                "saldo": {"balance_idr": saldo, "held_idr": 0, "available_idr": saldo},
            },
        }));
    }
    let later = served.later.lock().expect("changes").clone();
    page.extend(
        later
            .iter()
            .filter(|c| c.seq > after)
            .map(|c| serde_json::to_value(c).expect("change JSON")),
    );
    let last_seq = 1 + later.len() as i64;
    if page.is_empty() {
        // A long-poll with nothing new: wait a little, as the server would.
        std::thread::sleep(Duration::from_millis(300));
    }
    answer(
        stream,
        "200 OK",
        &json!({"changes": page, "last_seq": last_seq.max(after)}),
    );
}

/// Answers an order `success` and puts its refund in the feed.
fn refunded_later(served: &Served, o: konter_domain::api::v1::CreateOrder) -> BatchResult {
    let now = Utc::now();
    let order = Order {
        id: o.id,
        sku: o.sku.expect("a prepaid order"),
        target: o.target.unwrap_or_default(),
        status: OrderStatus::Success,
        price_idr: o.max_price_idr,
        sn: Some("SN-STAND-IN".into()),
        pln_token: None,
        failure: None,
        created_at: now,
        updated_at: now,
    };
    let refunded = Order {
        status: OrderStatus::Refunded,
        failure: Some(Failure {
            code: "refunded".into(),
            message: "dibatalkan pemasok / reversed by the supplier".into(),
        }),
        ..order.clone()
    };
    let mut later = served.later.lock().expect("changes");
    let seq = 2 + later.len() as i64;
    later.push(Change {
        seq,
        at: now,
        kind: ChangeKind::Order { order: refunded },
    });
    BatchResult {
        id: o.id,
        order: Some(order),
        error: None,
        status: 200,
    }
}
