//! The counters: the real device engine (`konter-client`) on temp files, reaching the server's
//! router in memory through a [`SimLink`] that loses answers, keeps requests from leaving,
//! takes a counter offline and crashes it on the simulation's word.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use konter_client::link::{Answer, Call, Failure, Link, Method, Sent};
use konter_client::sell::Sale;
use konter_client::token::FileStore;
use konter_client::{Engine, IdSource, Wiring};
use konter_domain::ids::DepositId;
use konter_domain::ids::OrderId;
use konter_domain::order::OrderStatus;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::{SimStore, World};

/// What goes wrong between one counter and the server, per mille of requests.
#[derive(Clone, Copy, Debug, Default)]
pub struct LinkFaults {
    /// No request leaves the counter (the shop's internet is down).
    pub offline: bool,
    /// The request never reaches the server.
    pub never_left_pm: u32,
    /// The server handles the request; its answer is lost.
    pub lose_answer_pm: u32,
    /// The server handles the request and the counter crashes before reading the answer.
    pub crash_pm: u32,
}

struct LinkState {
    rng: StdRng,
    faults: LinkFaults,
    /// The next answer is lost, whatever the faults say (scripted by tests).
    lose_next: bool,
    crashed: bool,
    trace: Vec<String>,
}

/// The road from one counter to the server: the server's router (shared with the world,
/// replaced when the server restarts), without a socket.
pub struct SimLink {
    name: String,
    router: Arc<Mutex<Router>>,
    state: Mutex<LinkState>,
}

impl SimLink {
    pub fn new(name: String, router: Arc<Mutex<Router>>, seed: u64) -> SimLink {
        SimLink {
            name,
            router,
            state: Mutex::new(LinkState {
                rng: StdRng::seed_from_u64(seed),
                faults: LinkFaults::default(),
                lose_next: false,
                crashed: false,
                trace: Vec::new(),
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, LinkState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn set_faults(&self, faults: LinkFaults) {
        self.state().faults = faults;
    }

    pub fn faults(&self) -> LinkFaults {
        self.state().faults
    }

    pub fn lose_next_answer(&self) {
        self.state().lose_next = true;
    }

    /// Whether the counter crashed since the last call (and forgets it).
    pub fn take_crash(&self) -> bool {
        std::mem::take(&mut self.state().crashed)
    }

    pub fn take_trace(&self) -> Vec<String> {
        std::mem::take(&mut self.state().trace)
    }
}

/// What the link decided for one request before sending it.
enum Fate {
    NeverLeft,
    Deliver { lose: bool, crash: bool },
}

impl Link for SimLink {
    fn send<'a>(&'a self, _base: &'a str, call: Call) -> Sent<'a> {
        Box::pin(async move {
            let what = format!(
                "{} {}",
                if call.method == Method::Get {
                    "GET"
                } else {
                    "POST"
                },
                call.path.split('?').next().unwrap_or_default()
            );
            let fate = {
                let mut s = self.state();
                let f = s.faults;
                if f.offline || s.rng.random_range(0..1000) < f.never_left_pm {
                    Fate::NeverLeft
                } else {
                    let crash = s.rng.random_range(0..1000) < f.crash_pm;
                    let lose = std::mem::take(&mut s.lose_next)
                        || crash
                        || s.rng.random_range(0..1000) < f.lose_answer_pm;
                    Fate::Deliver { lose, crash }
                }
            };
            let (lose, crash) = match fate {
                Fate::NeverLeft => {
                    let line = format!("{}: {what} never leaves", self.name);
                    self.state().trace.push(line);
                    return Err(Failure::NeverLeft("simulated: offline".into()));
                }
                Fate::Deliver { lose, crash } => (lose, crash),
            };
            let router = self
                .router
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone();
            let mut headers = Vec::new();
            if let Some(token) = &call.token {
                headers.push(("authorization", format!("Bearer {token}")));
            }
            let method = if call.method == Method::Get {
                "GET"
            } else {
                "POST"
            };
            let body = call.body.as_ref().map(ToString::to_string);
            let (status, bytes) =
                crate::request_raw(&router, method, &call.path, &headers, body).await;
            let mut s = self.state();
            let line = format!(
                "{}: {what} -> {status}{}",
                self.name,
                if crash {
                    " (counter crashes before reading it)"
                } else if lose {
                    " (answer lost)"
                } else {
                    ""
                }
            );
            s.trace.push(line);
            if crash {
                s.crashed = true;
            }
            if lose {
                return Err(Failure::Lost("simulated: answer lost".into()));
            }
            Ok(Answer {
                status,
                body: bytes,
            })
        })
    }
}

/// A paired counter: its engine, the road to the server and the orders it sold.
pub struct Device {
    pub engine: Engine,
    pub link: Arc<SimLink>,
    pub dir: PathBuf,
    /// Its device token (kept in a file beside its database, never in it).
    pub token: String,
    pub orders: Vec<DeviceOrder>,
    ids: IdSource,
}

/// An order a counter took from a customer.
#[derive(Clone, Debug)]
pub struct DeviceOrder {
    pub id: OrderId,
    pub target: String,
    /// Whose ref_id the suppliers charge it under: the order's, or a bill's inquiry's (a
    /// postpaid bill is paid under the ref_id it was looked up with).
    pub charge_key: String,
}

impl DeviceOrder {
    pub fn sale(id: OrderId, target: &str) -> DeviceOrder {
        let ref_id = konter_server::suppliers::ref_id(id, 1);
        DeviceOrder {
            id,
            target: target.to_owned(),
            charge_key: crate::model::order_key(&ref_id).to_owned(),
        }
    }

    pub fn bill(
        id: OrderId,
        customer_no: &str,
        inquiry: konter_domain::ids::InquiryId,
    ) -> DeviceOrder {
        let ref_id = konter_server::suppliers::inquiry_ref_id(inquiry);
        DeviceOrder {
            id,
            target: customer_no.to_owned(),
            charge_key: crate::model::order_key(&ref_id).to_owned(),
        }
    }
}

/// UUIDv7s drawn from a seed, a millisecond apart, so that a seed replays to the id.
pub fn seeded_ids(seed: u64, start_ms: u64) -> IdSource {
    let state = Mutex::new((StdRng::seed_from_u64(seed), start_ms));
    Arc::new(move || {
        let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
        s.1 += 1;
        let bytes: [u8; 10] = s.0.random();
        uuid::Builder::from_unix_timestamp_millis(s.1, &bytes).into_uuid()
    })
}

impl Device {
    /// Opens (or, after a crash, reopens) a counter's engine in `dir`.
    pub fn open(dir: PathBuf, link: Arc<SimLink>, ids: IdSource) -> anyhow::Result<Device> {
        let engine = open_engine(&dir, &link, &ids)?;
        Ok(Device {
            engine,
            link,
            dir,
            token: String::new(),
            orders: Vec::new(),
            ids,
        })
    }

    /// The counter's process dies and starts again on the same files.
    pub fn crash(&mut self) -> anyhow::Result<()> {
        self.engine = open_engine(&self.dir, &self.link, &self.ids)?;
        Ok(())
    }
}

fn open_engine(
    dir: &std::path::Path,
    link: &Arc<SimLink>,
    ids: &IdSource,
) -> anyhow::Result<Engine> {
    let wiring = Wiring {
        link: link.clone(),
        ids: ids.clone(),
    };
    Ok(Engine::open_wired(
        dir,
        Box::new(FileStore::new(dir)),
        wiring,
    )?)
}

/// What the counters do, through their engines.
impl<S: SimStore> World<S> {
    /// A counter sells: the cashier takes the cash, the engine commits the sale and sends
    /// it at once; `lose` drops the server's answer on its way back. The order's status at
    /// the counter afterwards, or `None` when the counter refused the sale.
    pub async fn sell(
        &mut self,
        device: usize,
        sku: &str,
        target: &str,
        lose: bool,
    ) -> Option<OrderStatus> {
        let sale = Sale {
            sku: sku.to_owned(),
            target: target.to_owned(),
            confirm_repeat: true,
            ..Sale::default()
        };
        let placed = self.devices[device].engine.place_order(&sale);
        let order = match placed {
            Ok(order) => order,
            Err(e) => {
                self.note(format!(
                    "counter {device} refuses to sell {sku} to {target}: {e}"
                ));
                return None;
            }
        };
        self.note(format!(
            "counter {device} sells {sku} to {target}: {} at {}",
            order.id, order.cost_idr
        ));
        self.devices[device]
            .orders
            .push(DeviceOrder::sale(order.id, target));
        if lose {
            self.devices[device].link.lose_next_answer();
        }
        self.push(device).await;
        let local = self.devices[device].engine.order(&order.id.to_string());
        local.ok().flatten().map(|o| o.status)
    }

    /// A counter looks up a postpaid PLN bill and, when the server finds it, the customer
    /// pays it; `lose` drops the server's answer to the payment.
    pub async fn pay_bill(&mut self, device: usize, customer_no: &str, lose: bool) {
        let engine = self.devices[device].engine.clone();
        let looked_up = engine.bill_inquiry("plnpasca", customer_no).await;
        self.gather();
        self.after_crash(device);
        let bill = match looked_up {
            Ok(bill) => bill,
            Err(e) => {
                self.note(format!(
                    "counter {device} could not look up bill {customer_no}: {e}"
                ));
                return;
            }
        };
        let inquiry = bill.inquiry.inquiry_id;
        let paid = engine.pay_bill(&inquiry.to_string(), None, None, None);
        let order = match paid {
            Ok(order) => order,
            Err(e) => {
                self.note(format!(
                    "counter {device} refuses to pay bill {customer_no}: {e}"
                ));
                return;
            }
        };
        self.note(format!(
            "counter {device} takes bill {customer_no}: {} at {}",
            order.id, order.cost_idr
        ));
        self.devices[device]
            .orders
            .push(DeviceOrder::bill(order.id, customer_no, inquiry));
        if lose {
            self.devices[device].link.lose_next_answer();
        }
        self.push(device).await;
    }

    /// A counter asks for a deposit by virtual account (or asks again under the same id).
    pub async fn deposit(&mut self, device: usize, id: DepositId, amount: i64, lose: bool) {
        if !self.deposits.iter().any(|(_, d, _)| *d == id) {
            self.deposits.push((device, id, amount));
        }
        if lose {
            self.devices[device].link.lose_next_answer();
        }
        let engine = self.devices[device].engine.clone();
        let asked = engine
            .request_deposit(
                id,
                konter_domain::money::Rupiah::from_idr(amount),
                konter_domain::api::v1::DepositMethod::Va,
                Some("bca"),
            )
            .await;
        self.gather();
        self.after_crash(device);
        match asked {
            Ok(d) => self.note(format!("counter {device} deposit {id}: {:?}", d.status)),
            Err(e) => self.note(format!("counter {device} deposit {id} not made: {e}")),
        }
    }

    /// A counter sends what its outbox holds; a crash of the counter meanwhile reopens its
    /// engine from its files.
    pub async fn push(&mut self, device: usize) {
        let result = self.devices[device].engine.push().await;
        self.gather();
        match result {
            Ok((sent, rejected)) if sent + rejected > 0 => {
                self.note(format!("counter {device} sent {sent}, refused {rejected}"));
            }
            Ok(_) => {}
            Err(e) => self.note(format!("counter {device} could not send: {e}")),
        }
        self.after_crash(device);
    }

    /// A counter reads the change feed.
    pub async fn pull(&mut self, device: usize) {
        let result = self.devices[device].engine.pull(0).await;
        self.gather();
        if let Err(e) = result {
            self.note(format!("counter {device} could not read changes: {e}"));
        }
        self.after_crash(device);
    }

    fn after_crash(&mut self, device: usize) {
        if self.devices[device].link.take_crash() {
            self.note(format!("counter {device} restarts"));
            if let Err(e) = self.devices[device].crash() {
                self.broken
                    .push(format!("counter {device} could not restart: {e}"));
            }
        }
    }

    /// Every counter sends its outbox and reads the feed.
    pub async fn sync_counters(&mut self) {
        for d in 0..self.devices.len() {
            self.push(d).await;
            self.pull(d).await;
        }
    }
}
