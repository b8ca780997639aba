//! Prometheus counters, rendered by hand: a few atomics do not need a metrics framework.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Default)]
pub struct Metrics {
    pub http_requests: AtomicU64,
    pub orders_accepted: AtomicU64,
    pub orders_replayed: AtomicU64,
    pub orders_rejected: AtomicU64,
    pub orders_settled: AtomicU64,
    pub pair_succeeded: AtomicU64,
    pub pair_refused: AtomicU64,
    pub changes_served: AtomicU64,
    pub deposits_created: AtomicU64,
    pub deposits_paid: AtomicU64,
    pub webhooks_rejected: AtomicU64,
    /// A supplier refused our status question (keys, IP, account): a purchase is open and
    /// cannot be asked about until an operator fixes our side.
    pub supplier_questions_refused: AtomicU64,
    /// A supplier answer that cannot be true (a success at a price of zero or above what we
    /// allowed): kept open and asked again; an operator must look.
    pub supplier_answers_implausible: AtomicU64,
}

impl Metrics {
    pub fn inc(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn render(&self) -> String {
        let rows: [(&str, &str, &AtomicU64); 13] = [
            (
                "konter_http_requests_total",
                "HTTP requests served",
                &self.http_requests,
            ),
            (
                "konter_orders_accepted_total",
                "orders stored with a hold",
                &self.orders_accepted,
            ),
            (
                "konter_orders_replayed_total",
                "order retries answered from the stored order",
                &self.orders_replayed,
            ),
            (
                "konter_orders_rejected_total",
                "orders refused (input, saldo, price, conflict)",
                &self.orders_rejected,
            ),
            (
                "konter_orders_settled_total",
                "orders settled success/failed/refunded",
                &self.orders_settled,
            ),
            (
                "konter_pair_succeeded_total",
                "devices paired",
                &self.pair_succeeded,
            ),
            (
                "konter_pair_refused_total",
                "pairing attempts refused",
                &self.pair_refused,
            ),
            (
                "konter_changes_served_total",
                "change-feed entries served",
                &self.changes_served,
            ),
            (
                "konter_deposits_created_total",
                "deposit requests created",
                &self.deposits_created,
            ),
            (
                "konter_deposits_paid_total",
                "deposits credited",
                &self.deposits_paid,
            ),
            (
                "konter_webhooks_rejected_total",
                "webhooks refused (signature, shape)",
                &self.webhooks_rejected,
            ),
            (
                "konter_supplier_questions_refused_total",
                "status questions a supplier refused (keys, IP, account): an open purchase cannot be asked about",
                &self.supplier_questions_refused,
            ),
            (
                "konter_supplier_answers_implausible_total",
                "supplier successes at an impossible price, kept open for an operator",
                &self.supplier_answers_implausible,
            ),
        ];
        let mut out = String::new();
        for (name, help, value) in rows {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                value.load(Ordering::Relaxed)
            );
        }
        out
    }
}
