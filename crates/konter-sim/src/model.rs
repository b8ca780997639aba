//! Supplier models: a Digiflazz-like and an IAK-like supplier behind the server's
//! [`Transport`] seam, spoken to in their real JSON contracts (docs/suppliers.md).
//!
//! Each keeps its transactions by ref_id (a known ref_id is never bought again, as both
//! suppliers promise), resolves pending ones at a time on the simulation's clock, queues the
//! webhooks it would send, and counts what it *charged* per order — the number the
//! "never bought twice" invariant is checked against. Faults are switched on by the
//! simulation: refusals of every class before anything is processed, answers lost after the
//! purchase was committed, requests lost before they arrived, 500s, and successes reported
//! at an impossible price.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use konter_server::clock::Clock;
use konter_server::suppliers::{Posted, Transport};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

mod wire;
use wire::{answer_body, fail_rc, is_success, refusal, status_word};

/// Which supplier a request is for, from its URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Supplier {
    Digiflazz,
    Iak,
}

impl Supplier {
    pub fn name(self) -> &'static str {
        match self {
            Supplier::Digiflazz => "digiflazz",
            Supplier::Iak => "iak",
        }
    }
}

/// How a purchase the supplier accepted will end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    Success,
    /// The transaction fails (Digiflazz rc 02, IAK rc 07): nothing charged.
    Fail,
    /// The product is down (Digiflazz rc 55, IAK rc 106): refused, nothing charged.
    Down,
}

/// Where one transaction stands at the supplier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TxnState {
    Pending { until: DateTime<Utc>, fate: Fate },
    Success { sn: String },
    Failed { rc: &'static str },
    Refunded,
}

#[derive(Clone, Debug)]
pub struct Txn {
    pub supplier: Supplier,
    pub ref_id: String,
    pub customer_no: String,
    pub price: i64,
    pub state: TxnState,
}

/// A webhook or callback the supplier sends, due at `at`.
#[derive(Clone, Debug)]
pub struct Hook {
    pub supplier: Supplier,
    pub at: DateTime<Utc>,
    pub body: Value,
}

/// Faults in force. Probabilities are per mille, drawn per request.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// Every request to the supplier is refused with this rc before anything is processed
    /// (an IP allow-list, a rotated key, an empty deposit).
    pub refuse: BTreeMap<Supplier, &'static str>,
    /// Rate limited (Digiflazz rc 85) before anything is processed.
    pub rate_limit_pm: u32,
    /// The request is processed and committed, then the answer is lost.
    pub lose_answer_pm: u32,
    /// The request never arrives.
    pub lose_request_pm: u32,
    /// 500 without processing.
    pub http_500_pm: u32,
    /// A status answer about a success says the price was 0 (a supplier bug).
    pub bad_price_pm: u32,
    /// Every success reports this price (a supplier bug), until cleared.
    pub price_override: Option<i64>,
    /// Every success reports an empty serial number / reference (a supplier bug).
    pub empty_sn: bool,
    /// The server process dies while a worker's request is out: before the supplier sees
    /// it, or after the supplier committed it and before the answer is recorded.
    pub crash_pm: u32,
}

/// Which fates new purchases get, per mille (the rest succeed at once at Digiflazz).
#[derive(Clone, Copy, Debug)]
pub struct Mix {
    pub pending_pm: u32,
    pub fail_pm: u32,
    pub down_pm: u32,
}

impl Default for Mix {
    fn default() -> Mix {
        Mix {
            pending_pm: 300,
            fail_pm: 80,
            down_pm: 60,
        }
    }
}

struct State {
    rng: StdRng,
    faults: Faults,
    mix: Mix,
    /// Queued fates for the next purchases, before `mix` is drawn from (scripted tests).
    scripted: Vec<(Supplier, Fate, bool)>,
    txns: BTreeMap<(Supplier, String), Txn>,
    /// Requests received, by supplier and path (`digiflazz/transaction`, `iak/check-status`).
    requests: BTreeMap<String, usize>,
    /// Bills looked up (`inq-pasca`), by ref_id: what paying them costs.
    inquiries: BTreeMap<String, i64>,
    hooks: Vec<Hook>,
    trace: Vec<String>,
    serial: u64,
    /// Crashes may happen now (a worker's step is running, not a webhook's handler).
    armed: bool,
}

/// Both supplier models, sharing the simulation's clock and random source.
#[derive(Clone)]
pub struct Model {
    clock: Clock,
    state: Arc<Mutex<State>>,
    /// Rung when the server process dies in the middle of a call.
    crash: Arc<tokio::sync::Notify>,
    /// The payment gateway, reached through the same transport.
    pub gateway: crate::gateway::Gateway,
}

/// How long a pending purchase stays pending, in seconds: from a few seconds to a few
/// minutes, so that status questions, webhooks and faults overlap.
const PENDING_S: (i64, i64) = (5, 600);

impl Model {
    pub fn new(clock: Clock, seed: u64) -> Model {
        Model {
            gateway: crate::gateway::Gateway::new(clock.clone(), seed),
            clock,
            state: Arc::new(Mutex::new(State {
                rng: StdRng::seed_from_u64(seed ^ 0x5eed_5eed),
                faults: Faults::default(),
                mix: Mix::default(),
                scripted: Vec::new(),
                txns: BTreeMap::new(),
                inquiries: BTreeMap::new(),
                requests: BTreeMap::new(),
                hooks: Vec::new(),
                trace: Vec::new(),
                serial: 0,
                armed: false,
            })),
            crash: Arc::new(tokio::sync::Notify::new()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    pub fn set_faults(&self, faults: Faults) {
        self.state().faults = faults;
    }

    /// The next purchase at `supplier` ends in `fate`, pending first when `pending`.
    pub fn script(&self, supplier: Supplier, fate: Fate, pending: bool) {
        self.state().scripted.push((supplier, fate, pending));
    }

    /// Reverses a delivered purchase (Digiflazz rc 74) and queues its webhook.
    pub fn refund(&self, supplier: Supplier, ref_id: &str) -> bool {
        let now = self.clock.now();
        let mut st = self.state();
        let Some(txn) = st.txns.get_mut(&(supplier, ref_id.to_owned())) else {
            return false;
        };
        if !matches!(txn.state, TxnState::Success { .. }) || supplier != Supplier::Digiflazz {
            return false;
        }
        txn.state = TxnState::Refunded;
        let body = answer_body(txn, false);
        st.hooks.push(Hook {
            supplier,
            at: now,
            body,
        });
        st.trace
            .push(format!("{now} {} refunds {ref_id}", supplier.name()));
        true
    }

    /// Resolves every pending transaction whose time has come, queueing its webhook.
    pub fn tick(&self) {
        let now = self.clock.now();
        let mut st = self.state();
        let mut fired = Vec::new();
        let mut serial = st.serial;
        for txn in st.txns.values_mut() {
            if let TxnState::Pending { until, fate } = txn.state
                && until <= now
            {
                txn.state = match fate {
                    Fate::Success => {
                        serial += 1;
                        TxnState::Success {
                            sn: format!("SN{serial:08}"),
                        }
                    }
                    Fate::Fail | Fate::Down => TxnState::Failed {
                        rc: fail_rc(txn.supplier, fate),
                    },
                };
                fired.push(txn.clone());
            }
        }
        st.serial = serial;
        for txn in fired {
            st.trace.push(format!(
                "{now} {} resolves {} -> {:?}",
                txn.supplier.name(),
                txn.ref_id,
                txn.state
            ));
            st.hooks.push(Hook {
                supplier: txn.supplier,
                at: now,
                body: answer_body(&txn, true),
            });
        }
    }

    /// The webhooks due now, removed from the queue.
    pub fn take_hooks(&self) -> Vec<Hook> {
        let now = self.clock.now();
        let mut st = self.state();
        let (due, later) = st.hooks.drain(..).partition(|h| h.at <= now);
        st.hooks = later;
        due
    }

    /// A copy of every transaction.
    pub fn txns(&self) -> Vec<Txn> {
        self.state().txns.values().cloned().collect()
    }

    /// What the suppliers charged for each order: transactions that succeeded (and were
    /// not reversed) or are still pending towards a success, by the ref_id's order part.
    pub fn charges(&self) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for txn in self.state().txns.values() {
            let charged = matches!(
                txn.state,
                TxnState::Success { .. }
                    | TxnState::Pending {
                        fate: Fate::Success,
                        ..
                    }
            );
            if charged {
                out.entry(order_key(&txn.ref_id).to_owned())
                    .or_default()
                    .push(format!("{}:{}", txn.supplier.name(), txn.ref_id));
            }
        }
        out
    }

    /// How many requests reached `path` (`iak/check-status`, …), whatever became of them.
    pub fn requests(&self, path: &str) -> usize {
        self.state().requests.get(path).copied().unwrap_or(0)
    }

    pub fn take_trace(&self) -> Vec<String> {
        let mut lines = std::mem::take(&mut self.state().trace);
        lines.extend(self.gateway.take_trace());
        lines
    }

    /// Answers one request. `Err` is a connection that broke (before or after the supplier
    /// processed it: the caller cannot tell).
    fn handle(&self, url: &str, body: &Value) -> Result<(u16, String), String> {
        let now = self.clock.now();
        let supplier = if url.contains("/iak") {
            Supplier::Iak
        } else {
            Supplier::Digiflazz
        };
        let path = url.rsplit('/').next().unwrap_or_default().to_owned();
        let mut guard = self.state();
        let st = &mut *guard;
        let ref_id = body["ref_id"].as_str().unwrap_or_default().to_owned();
        let what = format!("{now} {} {path} {ref_id}", supplier.name());
        *st.requests
            .entry(format!("{}/{path}", supplier.name()))
            .or_default() += 1;
        if draw(&mut st.rng, st.faults.lose_request_pm) {
            st.trace.push(format!("{what}: request lost"));
            return Err("connection refused (simulated)".into());
        }
        if draw(&mut st.rng, st.faults.http_500_pm) {
            st.trace.push(format!("{what}: 500"));
            return Ok((500, "Internal Server Error".into()));
        }
        if let Some(rc) = st.faults.refuse.get(&supplier).copied() {
            st.trace.push(format!("{what}: refused rc {rc}"));
            return Ok((400, refusal(supplier, rc, &ref_id)));
        }
        if supplier == Supplier::Digiflazz && draw(&mut st.rng, st.faults.rate_limit_pm) {
            st.trace.push(format!("{what}: rate limited"));
            return Ok((200, refusal(supplier, "85", &ref_id)));
        }
        let command = body["commands"].as_str().unwrap_or_default();
        let answer = match (supplier, path.as_str()) {
            (Supplier::Digiflazz, "transaction") if command == "inq-pasca" => {
                let price = 25_000 + i64::from(st.rng.random_range(0..50_000u32));
                st.inquiries.insert(ref_id.clone(), price);
                json!({"data": {"ref_id": ref_id, "status": "Sukses", "rc": "00",
                    "message": "Inquiry sukses", "customer_no": body["customer_no"],
                    "customer_name": "PELANGGAN SIMULASI", "buyer_sku_code": body["buyer_sku_code"],
                    "periode": "202611", "admin": 2500, "price": price,
                    "selling_price": price + 2500, "sn": ""}})
            }
            (Supplier::Digiflazz, "transaction")
                if command == "status-pasca"
                    && !st.txns.contains_key(&(supplier, ref_id.clone())) =>
            {
                json!({"data": {"ref_id": ref_id, "status": "Gagal", "rc": "50",
                    "message": "Transaksi tidak ditemukan", "sn": ""}})
            }
            (Supplier::Digiflazz, "transaction")
                if command == "pay-pasca" && !st.inquiries.contains_key(&ref_id) =>
            {
                json!({"data": {"ref_id": ref_id, "status": "Gagal", "rc": "60",
                    "message": "Tagihan belum tersedia", "sn": ""}})
            }
            (Supplier::Digiflazz, "transaction") | (Supplier::Iak, "top-up") => {
                self.buy_or_report(st, supplier, &ref_id, body, now)
            }
            (Supplier::Iak, "check-status") => match st.txns.get(&(supplier, ref_id.clone())) {
                Some(txn) => answer_body(txn, false),
                None => json!({"data": {"ref_id": ref_id, "status": 2, "rc": "06",
                        "message": "TRANSACTION NOT FOUND"}}),
            },
            _ => json!({"data": {"rc": "40", "message": "unknown path"}}),
        };
        let mut answer = answer;
        if is_success(&answer["data"]) && command != "inq-pasca" {
            if let Some(p) = st.faults.price_override {
                answer["data"]["price"] = json!(p);
                st.trace
                    .push(format!("{what}: success reported at price {p}"));
            }
            if st.faults.empty_sn {
                answer["data"]["sn"] = json!("");
            }
        }
        if answer["data"]["price"].as_i64().is_some_and(|p| p > 0)
            && path != "top-up"
            && is_success(&answer["data"])
            && draw(&mut st.rng, st.faults.bad_price_pm)
        {
            answer["data"]["price"] = json!(0);
            st.trace
                .push(format!("{what}: success reported at price 0"));
        }
        let lost = draw(&mut st.rng, st.faults.lose_answer_pm);
        st.trace.push(format!(
            "{what}: {}{}",
            answer["data"],
            if lost { " (answer lost)" } else { "" }
        ));
        if lost {
            return Err("connection reset after the request was processed (simulated)".into());
        }
        Ok((200, answer.to_string()))
    }

    fn buy_or_report(
        &self,
        st: &mut State,
        supplier: Supplier,
        ref_id: &str,
        body: &Value,
        now: DateTime<Utc>,
    ) -> Value {
        let key = (supplier, ref_id.to_owned());
        if let Some(txn) = st.txns.get(&key) {
            // A known ref_id is a status question at both suppliers, never a new purchase.
            return answer_body(txn, false);
        }
        let customer_no = body["customer_no"]
            .as_str()
            .or_else(|| body["customer_id"].as_str())
            .unwrap_or_default()
            .to_owned();
        let scripted = st
            .scripted
            .iter()
            .position(|(s, _, _)| *s == supplier)
            .map(|i| st.scripted.remove(i));
        let (fate, pending) = match scripted {
            Some((_, fate, pending)) => (fate, pending),
            None => {
                let mix = st.mix;
                let roll = st.rng.random_range(0..1000);
                let fate = if roll < mix.down_pm {
                    Fate::Down
                } else if roll < mix.down_pm + mix.fail_pm {
                    Fate::Fail
                } else {
                    Fate::Success
                };
                let pending = st.rng.random_range(0..1000) < mix.pending_pm;
                (fate, pending || supplier == Supplier::Iak)
            }
        };
        // Digiflazz reports a product down (rc 55) when a purchase is made; a pending one
        // that fails later fails as a transaction (rc 02). Asked about, a 55 is read as a
        // refusal of the question (docs/suppliers.md), so the model keeps to the contract.
        let fate = if supplier == Supplier::Digiflazz && pending && fate == Fate::Down {
            Fate::Fail
        } else {
            fate
        };
        if fate == Fate::Down && !pending {
            // Refused before a transaction was made: nothing kept under the ref_id.
            return json!({"data": {"ref_id": ref_id, "status": status_word(supplier, "failed"),
                "rc": fail_rc(supplier, fate), "message": "produk gangguan", "price": 0}});
        }
        let price = match st.inquiries.get(ref_id) {
            Some(bill) => *bill,
            None => 10_000 + i64::from(st.rng.random_range(0..500u32)),
        };
        let state = if pending || supplier == Supplier::Iak {
            let wait = st.rng.random_range(PENDING_S.0..PENDING_S.1);
            TxnState::Pending {
                until: now + chrono::Duration::seconds(wait),
                fate,
            }
        } else if fate == Fate::Success {
            st.serial += 1;
            TxnState::Success {
                sn: format!("SN{:08}", st.serial),
            }
        } else {
            TxnState::Failed {
                rc: fail_rc(supplier, fate),
            }
        };
        let txn = Txn {
            supplier,
            ref_id: ref_id.to_owned(),
            customer_no,
            price,
            state,
        };
        let answer = answer_body(&txn, false);
        st.txns.insert(key, txn);
        answer
    }
}

/// The order part of a ref_id (`K<order>-<n>` -> `K<order>`).
pub fn order_key(ref_id: &str) -> &str {
    ref_id.rsplit_once('-').map_or(ref_id, |(k, _)| k)
}

/// Whether an event of `per_mille` chance happens now.
pub(crate) fn draw(rng: &mut StdRng, per_mille: u32) -> bool {
    per_mille > 0 && rng.random_range(0..1000) < per_mille
}

impl Transport for Model {
    fn post<'a>(&'a self, url: &'a str, body: &'a Value, _timeout: Duration) -> Posted<'a> {
        let crash = {
            let mut st = self.state();
            let pm = st.faults.crash_pm;
            (st.armed && draw(&mut st.rng, pm)).then(|| st.rng.random_bool(0.5))
        };
        let Some(after) = crash else {
            let answer = self.handle(url, body);
            return Box::pin(async move { answer });
        };
        if after {
            let _ = self.handle(url, body);
        }
        let now = self.clock.now();
        self.state().trace.push(format!(
            "{now} the server dies while {url} {} is out ({})",
            body["ref_id"].as_str().unwrap_or_default(),
            if after {
                "after the supplier committed it"
            } else {
                "before it arrived"
            }
        ));
        self.crash.notify_one();
        // The call never returns: the process is gone.
        Box::pin(std::future::pending())
    }

    fn gateway<'a>(
        &'a self,
        url: &'a str,
        user: &'a str,
        body: Option<&'a Value>,
        _timeout: Duration,
    ) -> Posted<'a> {
        let path = url.split_once("/midtrans").map_or(url, |(_, p)| p);
        let (status, answer) = self.gateway.with(|gw| gw.handle(path, user, body));
        Box::pin(async move { Ok((status, answer.to_string())) })
    }
}

impl Model {
    /// Lets crashes happen (`true`) while a worker's step runs, and not in a webhook's
    /// handler; returns what rings when one happens.
    pub fn arm_crashes(&self, armed: bool) -> Arc<tokio::sync::Notify> {
        self.state().armed = armed;
        self.crash.clone()
    }
}
