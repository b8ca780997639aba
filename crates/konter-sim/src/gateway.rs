//! A Midtrans-like payment gateway (docs/suppliers.md): charges keyed by order id (a second
//! charge of one order id is refused with 406), the status API, and notifications sent to
//! the server until it answers 200, a limited number of times, as Midtrans does. Customers
//! pay or let a charge expire when the simulation says.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use konter_server::clock::Clock;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::model::draw;

/// The server key the simulation's server is configured with.
pub const SERVER_KEY: &str = "SIM-Mid-server-key";

/// How many times a notification is sent before the gateway gives up on it.
pub const NOTIFICATION_TRIES: u32 = 5;

/// A charge as the gateway keeps it.
#[derive(Clone, Debug)]
pub struct GwCharge {
    pub order_id: String,
    pub amount: i64,
    /// `pending`, `settlement` or `expire`.
    pub status: &'static str,
}

/// A notification on its way to the server.
#[derive(Clone, Debug)]
pub struct Notification {
    pub order_id: String,
    pub status: &'static str,
    pub amount: i64,
    pub tries: u32,
    pub due: DateTime<Utc>,
}

impl Notification {
    /// The body Midtrans posts, signed with `key`.
    pub fn body(&self, key: &str) -> Value {
        let status_code = if self.status == "settlement" {
            "200"
        } else if self.status == "pending" {
            "201"
        } else {
            "407"
        };
        let gross = format!("{}.00", self.amount);
        let sig = konter_server::midtrans::signature(&self.order_id, status_code, &gross, key);
        json!({"order_id": self.order_id, "status_code": status_code, "gross_amount": gross,
            "signature_key": sig, "transaction_status": self.status,
            "payment_type": "bank_transfer", "fraud_status": "accept"})
    }
}

/// What the gateway does wrong, per mille of calls.
#[derive(Clone, Copy, Debug, Default)]
pub struct GwFaults {
    /// The status API answers 500.
    pub status_500_pm: u32,
    /// A charge request is answered 500 after the charge was made.
    pub lose_charge_answer_pm: u32,
}

/// The gateway model, shared by the server's transport and the simulation.
#[derive(Clone)]
pub struct Gateway {
    clock: Clock,
    state: Arc<Mutex<GwState>>,
}

impl Gateway {
    pub fn new(clock: Clock, seed: u64) -> Gateway {
        Gateway {
            clock,
            state: Arc::new(Mutex::new(GwState {
                rng: StdRng::seed_from_u64(seed ^ 0x6a7e_3a1d),
                charges: BTreeMap::new(),
                outbox: Vec::new(),
                faults: GwFaults::default(),
                trace: Vec::new(),
            })),
        }
    }

    /// The gateway's state, for the transport and for the simulation to pay, expire and
    /// notify.
    pub fn with<T>(&self, f: impl FnOnce(&mut GwState) -> T) -> T {
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let now = self.clock.now();
        let before = guard.trace.len();
        let out = f(&mut guard);
        for line in &mut guard.trace[before..] {
            *line = format!("{now} {line}");
        }
        out
    }

    pub fn take_trace(&self) -> Vec<String> {
        std::mem::take(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()).trace)
    }
}

pub struct GwState {
    rng: StdRng,
    pub charges: BTreeMap<String, GwCharge>,
    pub outbox: Vec<Notification>,
    pub faults: GwFaults,
    pub trace: Vec<String>,
}

impl GwState {
    /// One gateway call: `/v2/charge` or `/v2/{order_id}/status`.
    pub fn handle(&mut self, path: &str, user: &str, body: Option<&Value>) -> (u16, Value) {
        if user != SERVER_KEY {
            return (
                401,
                json!({"status_code": "401", "status_message": "Access denied"}),
            );
        }
        if let Some(body) = body {
            let order_id = body["transaction_details"]["order_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let amount = body["transaction_details"]["gross_amount"]
                .as_i64()
                .unwrap_or(0);
            if self.charges.contains_key(&order_id) {
                self.trace
                    .push(format!("midtrans charge {order_id}: 406, charged before"));
                return (
                    200,
                    json!({"status_code": "406", "status_message": "The request could not be completed due to a conflict with the current state of the target resource, please try again"}),
                );
            }
            self.charges.insert(
                order_id.clone(),
                GwCharge {
                    order_id: order_id.clone(),
                    amount,
                    status: "pending",
                },
            );
            let lost = draw(&mut self.rng, self.faults.lose_charge_answer_pm);
            self.trace.push(format!(
                "midtrans charge {order_id} of {amount}{}",
                if lost { " (answer lost)" } else { "" }
            ));
            if lost {
                return (
                    500,
                    json!({"status_code": "500", "status_message": "internal error"}),
                );
            }
            return (200, charge_body(&order_id, amount, "pending", "201"));
        }
        let order_id = path
            .trim_start_matches("/v2/")
            .trim_end_matches("/status")
            .to_owned();
        if draw(&mut self.rng, self.faults.status_500_pm) {
            self.trace.push(format!("midtrans status {order_id}: 500"));
            return (
                500,
                json!({"status_code": "500", "status_message": "internal error"}),
            );
        }
        match self.charges.get(&order_id) {
            Some(c) => {
                let code = if c.status == "settlement" {
                    "200"
                } else {
                    "201"
                };
                (200, charge_body(&order_id, c.amount, c.status, code))
            }
            None => (
                200,
                json!({"status_code": "404", "status_message": "Transaction doesn't exist."}),
            ),
        }
    }

    /// The customer pays (`settlement`) or lets the charge run out (`expire`).
    pub fn finish(&mut self, order_id: &str, to: &'static str, now: DateTime<Utc>) -> bool {
        let Some(c) = self.charges.get_mut(order_id) else {
            return false;
        };
        if c.status != "pending" {
            return false;
        }
        c.status = to;
        let amount = c.amount;
        self.trace.push(format!("midtrans {order_id} is now {to}"));
        self.outbox.push(Notification {
            order_id: order_id.to_owned(),
            status: to,
            amount,
            tries: 0,
            due: now,
        });
        true
    }

    /// Notifications due now (taken out; the caller puts back the ones to retry).
    pub fn due(&mut self, now: DateTime<Utc>) -> Vec<Notification> {
        let (due, later) = std::mem::take(&mut self.outbox)
            .into_iter()
            .partition(|n| n.due <= now);
        self.outbox = later;
        due
    }

    /// A random pick among `ids`.
    pub fn pick(&mut self, ids: &[String]) -> Option<String> {
        (!ids.is_empty()).then(|| ids[self.rng.random_range(0..ids.len())].clone())
    }

    /// Paid charges' order ids.
    pub fn paid(&self) -> Vec<String> {
        self.charges
            .values()
            .filter(|c| c.status == "settlement")
            .map(|c| c.order_id.clone())
            .collect()
    }
}

fn charge_body(order_id: &str, amount: i64, status: &str, code: &str) -> Value {
    json!({"status_code": code, "status_message": "Success", "order_id": order_id,
        "transaction_id": format!("tx-{order_id}"), "gross_amount": format!("{amount}.00"),
        "payment_type": "bank_transfer", "transaction_status": status, "fraud_status": "accept",
        "va_numbers": [{"bank": "bca", "va_number": "12345678901"}],
        "expiry_time": "2027-01-16 10:00:00"})
}
