//! What an operator must hear about (docs/operations.md, "Alarms"): a supplier refusing our
//! credentials or IP, a supplier deposit below its floor, orders in review, orders waiting
//! too long in the queue, webhooks with bad signatures.
//!
//! Each is a gauge or counter on `/metrics` (rules in `deploy/prometheus/konter.rules.yml`)
//! and an ERROR log line with an `alarm` field when it starts, one INFO line when it ends: a
//! condition that lasts is not logged again at every check. `konter-server status` prints
//! the same for a person.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use konter_domain::money::Rupiah;
use tokio::sync::watch;

use crate::App;
use crate::config::AlarmsConfig;
use crate::store::{QueueHealth, Store};

/// How often the queue is looked at for the log lines.
pub const QUEUE_CHECK: Duration = Duration::from_secs(60);
/// Default deposit check interval.
pub const DEFAULT_DEPOSIT_CHECK: Duration = Duration::from_secs(300);
/// An order waiting longer than this in the queue is stale, unless configured.
pub const DEFAULT_JOB_AGE: Duration = Duration::from_secs(600);
/// The least time between two ERROR lines about bad webhook signatures from one source.
const SIGNATURE_LOG_EVERY: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// One supplier as last seen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SupplierState {
    /// Our side refused (keys, IP, account) on the last call, with the supplier's words;
    /// `None` once a call is answered.
    pub refusing: Option<String>,
    /// The deposit at the last balance check.
    pub deposit_idr: Option<i64>,
    /// Why the last balance check got no balance.
    pub deposit_error: Option<String>,
    pub checked_at: Option<DateTime<Utc>>,
}

/// Bad signatures from one source.
#[derive(Default)]
struct Signatures {
    /// So far, in this process.
    count: u64,
    /// When the last ERROR line about them was.
    logged: Option<DateTime<Utc>>,
    /// Not yet added to the store, and when the last of them was refused.
    unrecorded: u64,
    last_at: Option<DateTime<Utc>>,
}

#[derive(Default)]
pub struct Alarms {
    suppliers: Mutex<BTreeMap<String, SupplierState>>,
    /// Per source (`digiflazz`, `iak`, `midtrans`).
    signatures: Mutex<BTreeMap<&'static str, Signatures>>,
    /// The queue as last logged: (stale, review).
    queue: Mutex<(i64, i64)>,
}

impl AlarmsConfig {
    pub fn job_age(&self) -> Duration {
        self.job_age_s.map_or(DEFAULT_JOB_AGE, Duration::from_secs)
    }

    pub fn deposit_check(&self) -> Option<Duration> {
        match self.deposit_check_s {
            Some(0) => None,
            Some(s) => Some(Duration::from_secs(s)),
            None => Some(DEFAULT_DEPOSIT_CHECK),
        }
    }

    pub fn floor(&self, supplier: &str) -> Option<i64> {
        self.deposit_floor_idr.get(supplier).copied()
    }
}

impl Alarms {
    fn with_supplier<T>(&self, name: &str, f: impl FnOnce(&mut SupplierState) -> T) -> T {
        let mut all = self.suppliers.lock().unwrap_or_else(|p| p.into_inner());
        f(all.entry(name.to_owned()).or_default())
    }

    /// The supplier refused our side (credentials, IP, account, deposit).
    pub fn refused(&self, supplier: &str, code: &str, message: &str) {
        let why = format!("rc {code}: {message}");
        let started = self.with_supplier(supplier, |s| s.refusing.replace(why.clone()).is_none());
        if started {
            tracing::error!(
                alarm = "supplier_refusing",
                supplier,
                code,
                message,
                "the supplier refuses our requests: check our credentials, IP allow-list and account there"
            );
        }
    }

    /// The supplier answered a call: whatever it refused before, it takes our requests now.
    pub fn answered(&self, supplier: &str) {
        if self
            .with_supplier(supplier, |s| s.refusing.take())
            .is_some()
        {
            tracing::info!(
                alarm = "supplier_refusing",
                supplier,
                "the supplier takes our requests again"
            );
        }
    }

    /// A balance check's result; `floor` is the configured minimum.
    pub fn deposit(
        &self,
        supplier: &str,
        result: Result<i64, String>,
        floor: Option<i64>,
        now: DateTime<Utc>,
    ) {
        let low = |d: Option<i64>| matches!((d, floor), (Some(d), Some(f)) if d < f);
        let (was_low, was_failed) = self.with_supplier(supplier, |s| {
            let before = (low(s.deposit_idr), s.deposit_error.is_some());
            s.checked_at = Some(now);
            match &result {
                Ok(d) => {
                    s.deposit_idr = Some(*d);
                    s.deposit_error = None;
                }
                Err(e) => s.deposit_error = Some(e.clone()),
            }
            before
        });
        match result {
            Ok(deposit) => {
                if was_failed {
                    tracing::info!(
                        alarm = "deposit_check_failed",
                        supplier,
                        "the balance check works again"
                    );
                }
                if low(Some(deposit)) && !was_low {
                    tracing::error!(
                        alarm = "deposit_low",
                        supplier,
                        deposit_idr = deposit,
                        floor_idr = floor,
                        "the supplier deposit is below its floor: top it up before purchases fail"
                    );
                } else if was_low && !low(Some(deposit)) {
                    tracing::info!(
                        alarm = "deposit_low",
                        supplier,
                        deposit_idr = deposit,
                        "the supplier deposit is above its floor again"
                    );
                }
            }
            Err(e) if !was_failed => tracing::error!(
                alarm = "deposit_check_failed",
                supplier,
                error = %e,
                "the supplier's balance could not be read"
            ),
            Err(_) => {}
        }
    }

    /// A webhook or notification whose signature did not verify. When it is time for an
    /// ERROR line (the first, then at most once a minute per source), also the refusals to
    /// add to the store now: `(source, how many, the last one)`.
    pub fn bad_signature(
        &self,
        source: &'static str,
        now: DateTime<Utc>,
    ) -> Option<(&'static str, u64, DateTime<Utc>)> {
        let mut all = self.signatures.lock().unwrap_or_else(|p| p.into_inner());
        let s = all.entry(source).or_default();
        s.count += 1;
        s.unrecorded += 1;
        s.last_at = Some(now);
        if s.logged.is_some_and(|at| now - at < SIGNATURE_LOG_EVERY) {
            return None;
        }
        s.logged = Some(now);
        tracing::error!(
            alarm = "webhook_signature",
            source,
            total = s.count,
            "a webhook with a bad signature was refused: a forged call, or our webhook secret differs from the supplier's"
        );
        Some((source, std::mem::take(&mut s.unrecorded), now))
    }

    /// The refusals counted here and not yet added to the store, taken.
    pub fn unrecorded_signatures(&self) -> Vec<(&'static str, u64, DateTime<Utc>)> {
        let mut all = self.signatures.lock().unwrap_or_else(|p| p.into_inner());
        all.iter_mut()
            .filter_map(|(source, s)| {
                let at = s.last_at?;
                let n = std::mem::take(&mut s.unrecorded);
                (n > 0).then_some((*source, n, at))
            })
            .collect()
    }

    /// Logs the queue's alarms when they start or grow, and once when they end.
    pub fn queue(&self, health: &QueueHealth, job_age: Duration) {
        let mut last = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        let (stale, review) = *last;
        if health.stale > 0 && stale == 0 {
            tracing::error!(
                alarm = "jobs_stale",
                stale = health.stale,
                older_than_s = job_age.as_secs(),
                "orders are waiting too long for their supplier: see `konter-server status`"
            );
        } else if health.stale == 0 && stale > 0 {
            tracing::info!(alarm = "jobs_stale", "no order waits too long any more");
        }
        if health.review > review {
            tracing::error!(
                alarm = "orders_in_review",
                review = health.review,
                "orders need an operator: see `konter-server status`, then `konter-server order settle`"
            );
        }
        *last = (health.stale, health.review);
    }

    pub fn suppliers(&self) -> BTreeMap<String, SupplierState> {
        self.suppliers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The gauges and counters for `/metrics`, for the configured `suppliers`.
    pub fn render(
        &self,
        suppliers: &[&str],
        config: &AlarmsConfig,
        queue: &QueueHealth,
        now: DateTime<Utc>,
    ) -> String {
        let mut out = String::new();
        let mut family = |name: &str, kind: &str, help: &str, rows: Vec<(String, i64)>| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for (labels, value) in rows {
                let _ = writeln!(out, "{name}{labels} {value}");
            }
        };
        let state = self.suppliers();
        let per = |f: &dyn Fn(&str, Option<&SupplierState>) -> Option<i64>| -> Vec<(String, i64)> {
            suppliers
                .iter()
                .filter_map(|s| Some((format!("{{supplier=\"{s}\"}}"), f(s, state.get(*s))?)))
                .collect()
        };
        family(
            "konter_supplier_refusing",
            "gauge",
            "1 while a supplier refuses our credentials, IP or account",
            per(&|_, s| Some(i64::from(s.is_some_and(|s| s.refusing.is_some())))),
        );
        family(
            "konter_supplier_deposit_idr",
            "gauge",
            "the deposit at the supplier at the last balance check, rupiah",
            per(&|_, s| s.and_then(|s| s.deposit_idr)),
        );
        family(
            "konter_supplier_deposit_floor_idr",
            "gauge",
            "the configured least deposit, rupiah",
            per(&|name, _| config.floor(name)),
        );
        family(
            "konter_supplier_deposit_low",
            "gauge",
            "1 while the last deposit seen is below its floor",
            per(&|name, s| {
                let low = matches!((s.and_then(|s| s.deposit_idr), config.floor(name)), (Some(d), Some(f)) if d < f);
                Some(i64::from(low))
            }),
        );
        family(
            "konter_supplier_deposit_check_failed",
            "gauge",
            "1 while the supplier's balance call fails",
            per(&|_, s| Some(i64::from(s.is_some_and(|s| s.deposit_error.is_some())))),
        );
        family(
            "konter_orders_in_review",
            "gauge",
            "orders an operator must settle by hand",
            vec![(String::new(), queue.review)],
        );
        family(
            "konter_jobs_open",
            "gauge",
            "orders in the fulfilment queue",
            vec![(String::new(), queue.open)],
        );
        family(
            "konter_jobs_stale",
            "gauge",
            "orders in the queue for longer than alarms.job_age_s",
            vec![(String::new(), queue.stale)],
        );
        family(
            "konter_jobs_oldest_age_seconds",
            "gauge",
            "how long the oldest order in the queue has waited",
            vec![(
                String::new(),
                queue
                    .oldest_open
                    .map_or(0, |t| (now - t).num_seconds().max(0)),
            )],
        );
        let signatures = self.signatures.lock().unwrap_or_else(|p| p.into_inner());
        family(
            "konter_webhook_signature_failures_total",
            "counter",
            "webhooks and notifications refused for a bad signature",
            ["digiflazz", "iak", "midtrans"]
                .iter()
                .map(|s| {
                    let n = signatures.get(s).map_or(0, |s| s.count);
                    (
                        format!("{{source=\"{s}\"}}"),
                        i64::try_from(n).unwrap_or(i64::MAX),
                    )
                })
                .collect(),
        );
        out
    }
}

/// Checks deposits on their schedule and the queue every minute, until `stop`.
pub async fn run<S: Store + Clone + 'static>(app: App<S>, mut stop: watch::Receiver<bool>) {
    let config = app.config.alarms.clone();
    let deposit_every = config.deposit_check();
    let mut next_deposit = tokio::time::Instant::now();
    loop {
        let now = app.clock.now();
        match app.store.queue_health(stale_before(&config, now)).await {
            Ok(health) => app.alarms.queue(&health, config.job_age()),
            Err(e) => tracing::warn!(error = %e, "the queue could not be read for the alarms"),
        }
        flush_signatures(&app).await;
        if let Some(every) = deposit_every
            && tokio::time::Instant::now() >= next_deposit
        {
            check_deposits(&app).await;
            next_deposit = tokio::time::Instant::now() + every;
        }
        tokio::select! {
            _ = tokio::time::sleep(QUEUE_CHECK) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Asks every configured supplier for its balance once.
pub async fn check_deposits<S: Store + Clone + 'static>(app: &App<S>) {
    for name in app.suppliers.names() {
        let result = app.suppliers.balance(name).await;
        if result.is_ok() {
            app.alarms.answered(name);
        }
        let floor = app.config.alarms.floor(name);
        app.alarms.deposit(name, result, floor, app.clock.now());
    }
}

/// How long after the last webhook refused for a bad signature `konter-server status` still
/// calls it an alarm.
const SIGNATURE_ALARM_WINDOW_H: i64 = 24;

/// A webhook or notification from `source` refused for a bad signature: the ERROR line and
/// `/metrics` of this process, and the count in the store that `konter-server status` reads
/// from any process. The store is written with the ERROR line (the first refusal, then at
/// most once a minute per source); refusals in between are added by [`run`] within a
/// minute, so a flood of forged calls cannot queue writes in front of orders.
pub async fn note_bad_signature<S: Store>(app: &App<S>, source: &'static str) {
    let now = app.clock.now();
    let due = app.alarms.bad_signature(source, now);
    record_signatures(app, due.into_iter().collect()).await;
}

/// Adds refusals this process counted to the store: `(source, how many, the last one)`.
async fn record_signatures<S: Store>(app: &App<S>, due: Vec<(&'static str, u64, DateTime<Utc>)>) {
    for (source, n, at) in due {
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        if let Err(e) = app.store.note_bad_signatures(source, n, at).await {
            tracing::warn!(error = %e, source, "refused webhooks were not counted in the store");
        }
    }
}

/// Adds to the store every refusal this process counted and has not written yet (what
/// [`run`] does each minute).
pub async fn flush_signatures<S: Store>(app: &App<S>) {
    let due = app.alarms.unrecorded_signatures();
    record_signatures(app, due).await;
}

/// Orders accepted before this are stale.
pub fn stale_before(config: &AlarmsConfig, now: DateTime<Utc>) -> DateTime<Utc> {
    now - chrono::Duration::from_std(config.job_age()).unwrap_or(chrono::Duration::MAX)
}

/// `konter-server status`: the alarms for a person, asking each supplier's balance now.
/// The text, and whether anything needs an operator.
pub async fn status<S: Store + Clone + 'static>(app: &App<S>) -> anyhow::Result<(String, bool)> {
    let now = app.clock.now();
    let config = &app.config.alarms;
    let queue = app.store.queue_health(stale_before(config, now)).await?;
    check_deposits(app).await;
    // (Some(alarm?), text) for a finding, (None, text) for a hint under it.
    let mut lines: Vec<(Option<bool>, String)> = Vec::new();
    let age = queue.oldest_open.map_or_else(String::new, |t| {
        format!(", the oldest waiting {}", minutes(now - t))
    });
    lines.push((
        Some(queue.stale > 0),
        format!(
            "queue: {} orders open{age}; {} waiting longer than {}",
            queue.open,
            queue.stale,
            minutes(chrono::Duration::from_std(config.job_age()).unwrap_or_default())
        ),
    ));
    lines.push((
        Some(queue.review > 0),
        format!("review: {} orders need an operator", queue.review),
    ));
    for id in &queue.in_review {
        lines.push((
            None,
            format!("konter-server order show {id}   (then: order settle {id} --success SN | --failed REASON)"),
        ));
    }
    let refused = app.store.bad_signatures().await?;
    if refused.is_empty() {
        lines.push((
            Some(false),
            "webhooks: none refused for a bad signature".into(),
        ));
    }
    for r in &refused {
        let recent = now - r.last_at < chrono::Duration::hours(SIGNATURE_ALARM_WINDOW_H);
        lines.push((
            Some(recent),
            format!(
                "webhooks: {} from {} refused for a bad signature, the last {} ago \
                 (a forged call, or our webhook secret differs from theirs)",
                r.count,
                r.source,
                minutes(now - r.last_at)
            ),
        ));
    }
    let names = app.suppliers.names();
    if names.is_empty() {
        lines.push((Some(true), "suppliers: none configured, orders wait".into()));
    }
    let state = app.alarms.suppliers();
    for name in names {
        let s = state.get(name).cloned().unwrap_or_default();
        let floor = config.floor(name);
        let floor_text = floor.map_or_else(
            || "no floor set (alarms.deposit_floor_idr)".to_owned(),
            |f| format!("floor {}", Rupiah::from_idr(f)),
        );
        lines.push(match (&s.deposit_error, s.deposit_idr) {
            (Some(e), _) => (Some(true), format!("{name}: the balance call failed: {e}")),
            (None, Some(d)) => (
                Some(floor.is_some_and(|f| d < f)),
                format!("{name}: deposit {}, {floor_text}", Rupiah::from_idr(d)),
            ),
            (None, None) => (Some(true), format!("{name}: no balance read")),
        });
    }
    let alarm = lines.iter().any(|(bad, _)| *bad == Some(true));
    let mut out = String::new();
    for (bad, text) in lines {
        let mark = match bad {
            Some(true) => "ALARM",
            Some(false) => "ok   ",
            None => "     ",
        };
        let _ = writeln!(out, "{mark} {text}");
    }
    Ok((out, alarm))
}

fn minutes(d: chrono::Duration) -> String {
    let m = d.num_minutes();
    if m < 120 {
        format!("{m} min")
    } else {
        format!("{} h {} min", m / 60, m % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(text: &str, series: &str) -> Option<i64> {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
    }

    #[test]
    fn a_flood_of_forged_webhooks_writes_the_store_once_a_minute() {
        let alarms = Alarms::default();
        let start = Utc::now();
        let first = alarms.bad_signature("iak", start);
        assert_eq!(
            first,
            Some(("iak", 1, start)),
            "the first is written at once"
        );
        let mut at = start;
        for i in 1..1000 {
            at = start + chrono::TimeDelta::milliseconds(i);
            assert_eq!(alarms.bad_signature("iak", at), None, "refusal {i}");
        }
        assert_eq!(alarms.unrecorded_signatures(), [("iak", 999, at)]);
        assert_eq!(alarms.unrecorded_signatures(), []);
        let minute = start + SIGNATURE_LOG_EVERY;
        assert_eq!(
            alarms.bad_signature("iak", minute),
            Some(("iak", 1, minute))
        );
        assert!(
            sample(
                &alarms.render(
                    &[],
                    &AlarmsConfig::default(),
                    &QueueHealth::default(),
                    minute
                ),
                "konter_webhook_signature_failures_total{source=\"iak\"}"
            ) == Some(1001)
        );
    }

    #[test]
    fn alarms_start_and_end_with_what_the_suppliers_answer() {
        let alarms = Alarms::default();
        let config = AlarmsConfig {
            deposit_floor_idr: [("digiflazz".to_owned(), 500_000)].into(),
            ..AlarmsConfig::default()
        };
        let now = Utc::now();
        let render = |a: &Alarms| a.render(&["digiflazz"], &config, &QueueHealth::default(), now);
        let refusing = "konter_supplier_refusing{supplier=\"digiflazz\"}";
        let low = "konter_supplier_deposit_low{supplier=\"digiflazz\"}";
        let failed = "konter_supplier_deposit_check_failed{supplier=\"digiflazz\"}";
        alarms.refused("digiflazz", "45", "IP not allowed");
        alarms.refused("digiflazz", "45", "IP not allowed");
        assert_eq!(sample(&render(&alarms), refusing), Some(1));
        alarms.answered("digiflazz");
        assert_eq!(sample(&render(&alarms), refusing), Some(0));

        alarms.deposit("digiflazz", Err("rc 45".into()), Some(500_000), now);
        let text = render(&alarms);
        assert_eq!(
            (sample(&text, failed), sample(&text, low)),
            (Some(1), Some(0))
        );
        alarms.deposit("digiflazz", Ok(499_999), Some(500_000), now);
        let text = render(&alarms);
        assert_eq!(
            (sample(&text, failed), sample(&text, low)),
            (Some(0), Some(1))
        );
        alarms.deposit("digiflazz", Ok(500_000), Some(500_000), now);
        assert_eq!(
            sample(&render(&alarms), low),
            Some(0),
            "at the floor is enough"
        );

        for _ in 0..3 {
            alarms.bad_signature("iak", now);
        }
        let text = render(&alarms);
        let series = "konter_webhook_signature_failures_total";
        assert_eq!(
            sample(&text, &format!("{series}{{source=\"iak\"}}")),
            Some(3)
        );
        assert_eq!(
            sample(&text, &format!("{series}{{source=\"midtrans\"}}")),
            Some(0)
        );
    }
}
