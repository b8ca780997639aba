//! Sync with konter-server: pairing, draining the outbox exactly once, and applying the
//! change feed.
//!
//! Exactly once rests on two facts. The order id is minted and committed locally before
//! the first send, and the server answers a repeated id with the stored order; so a row
//! leaves the outbox only in the same local transaction that records the server's answer,
//! and a crash at any point just means the row is sent again. Changes are applied together
//! with the new cursor in one transaction, and applying a status the order already has (or
//! is past) changes nothing; so a page applied twice is applied once.

use std::time::Duration;

use chrono::{DateTime, Utc};
use konter_domain::api::v1::{
    BatchOrdersResult, Change, ChangeKind, Changes, CreateOrder, MAX_BATCH_ORDERS, PairResponse,
};
use konter_domain::journal::{BatchResult as JournalResult, Entry, MAX_JOURNAL_BATCH};
use konter_domain::shop::ShopSettings;
use rusqlite::{Transaction, params};
use serde::Serialize;

use crate::Engine;
use crate::catalog;
use crate::db::{self, now_ms};
use crate::error::{EngineError, EngineResult};
use crate::journal;
use crate::lifecycle::{apply_order, reject_order};
use crate::link::{Call, Method, check_server_url, credentials, json_or_error};
use crate::shop;

pub use crate::link::LONG_POLL_S;
/// Changes per page.
const PAGE: u32 = 500;
/// Backoff between failed sync rounds: doubling from 1 s up to this, with jitter so many
/// counters coming back online do not hit the server in step.
const MAX_BACKOFF_MS: u64 = 60_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "SyncStatus"))]
pub enum Connectivity {
    Online,
    Offline,
    Syncing,
}

/// What the UI shows in its status bar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SyncState {
    pub state: Connectivity,
    pub queue_len: i64,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

impl SyncState {
    pub fn initial(queue_len: i64) -> SyncState {
        SyncState {
            state: Connectivity::Offline,
            queue_len,
            last_sync_at: None,
            last_error: None,
        }
    }
}

/// What one round did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub sent: usize,
    pub rejected: usize,
    pub changes: usize,
}

impl Engine {
    /// Exchanges a pairing code for a device token, kept in the token store (never in the
    /// database), and fetches the catalogue. The server must be HTTPS, or plain HTTP on
    /// this machine ([`link::check_server_url`]); a server on the shop's own network over
    /// plain HTTP needs [`Engine::pair_on_lan`].
    pub async fn pair(
        &self,
        server_url: &str,
        code: &str,
        device_name: &str,
    ) -> EngineResult<PairResponse> {
        self.pair_checked(check_server_url(server_url, false)?, code, device_name)
            .await
    }

    /// [`Engine::pair`] for a server on the shop's own network over plain HTTP, which the
    /// owner confirmed.
    pub async fn pair_on_lan(
        &self,
        server_url: &str,
        code: &str,
        device_name: &str,
    ) -> EngineResult<PairResponse> {
        self.pair_checked(check_server_url(server_url, true)?, code, device_name)
            .await
    }

    async fn pair_checked(
        &self,
        base: String,
        code: &str,
        device_name: &str,
    ) -> EngineResult<PairResponse> {
        let call = Call {
            method: Method::Post,
            path: "/v1/devices/pair".into(),
            token: None,
            body: Some(serde_json::json!({"pairing_code": code, "device_name": device_name})),
        };
        let paired: PairResponse = json_or_error(&self.send(&base, call).await?)?;
        self.tokens().set(&paired.token)?;
        {
            let conn = self.db();
            db::set_setting(&conn, "server_url", &base)?;
            db::set_setting(&conn, "shop_name", &paired.shop_name)?;
            db::set_setting(&conn, "shop_id", &paired.shop_id.to_string())?;
            db::set_setting(&conn, "device_id", &paired.device_id.to_string())?;
            // This counter's settings become the shop's if the shop has none yet; the
            // pull below replaces them with the shop's where it has.
            shop::edited(&conn)?;
        }
        self.refresh_catalog().await?;
        // The saldo and the shop's history so far; a failure here is retried by sync.
        let _ = self.pull(0).await;
        Ok(paired)
    }

    /// Sends queued orders, oldest first, in batches, until the outbox is empty or the
    /// server cannot be reached. Returns (accepted, rejected).
    pub async fn push(&self) -> EngineResult<(usize, usize)> {
        let (base, token) = credentials(self)?;
        let mut sent = 0;
        let mut rejected = 0;
        loop {
            let rows: Vec<(i64, String, String)> = {
                let conn = self.db();
                // Orders queued longer than the owner allows wait for a cashier to confirm
                // them at today's price (or cancel them); they are never sent on their own.
                let cutoff = now_ms() - crate::orders::max_queue_age_ms(&conn)?;
                // An order sent once may have reached the server: it is always sent again as
                // it was, however old, so the server answers with what it stored.
                let mut stmt = conn.prepare_cached(
                    "SELECT seq, order_id, body FROM outbox WHERE created_at >= ?2 OR attempts > 0 ORDER BY seq LIMIT ?1",
                )?;
                let rows = stmt.query_map(params![MAX_BATCH_ORDERS as i64, cutoff], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?;
                rows.collect::<Result<_, _>>()?
            };
            if rows.is_empty() {
                return Ok((sent, rejected));
            }
            let orders: Vec<CreateOrder> = rows
                .iter()
                .map(|(_, _, body)| {
                    serde_json::from_str(body)
                        .map_err(|e| EngineError::Corrupt(format!("outbox: {e}")))
                })
                .collect::<Result<_, _>>()?;
            // Counted before the request leaves (a crash while it is out counts too): once
            // it may have reached the server, the order is no longer the cashier's to
            // re-price or cancel. A connection never made takes the count back.
            {
                let conn = self.db();
                for (seq, _, _) in &rows {
                    conn.execute(
                        "UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?1",
                        [seq],
                    )?;
                }
            }
            let call = Call {
                method: Method::Post,
                path: "/v1/orders/batch".into(),
                token: Some(token.clone()),
                body: Some(serde_json::json!({ "orders": orders })),
            };
            let result: BatchOrdersResult = match self.send(&base, call).await {
                Ok(answer) => {
                    json_or_error(&answer).inspect_err(|e| self.note_failure(&rows, e))?
                }
                Err(failure) => {
                    let never_left = failure.never_left();
                    let err = EngineError::from(failure);
                    self.note_failure(&rows, &err);
                    if never_left {
                        self.not_sent(&rows);
                    }
                    return Err(err);
                }
            };
            let mut progressed = false;
            {
                let mut conn = self.db();
                let tx = conn.transaction()?;
                for r in &result.results {
                    let id = r.id.to_string();
                    match (&r.order, &r.error, r.status) {
                        (Some(order), _, _) => {
                            apply_order(&tx, order)?;
                            sent += 1;
                        }
                        // 4xx: the server will never take this order; it fails here too.
                        (None, Some(error), status) if (400..500).contains(&status) => {
                            reject_order(&tx, &id, error)?;
                            rejected += 1;
                        }
                        // 5xx for this order alone: keep it for the next round.
                        _ => continue,
                    }
                    tx.execute("DELETE FROM outbox WHERE order_id = ?1", [&id])?;
                    progressed = true;
                }
                tx.commit()?;
                let left = db::outbox_len(&conn)?;
                drop(conn);
                self.set_sync_state(|s| s.queue_len = left);
            }
            if !progressed {
                return Err(EngineError::Network(
                    "the server kept every order for later".into(),
                ));
            }
        }
    }

    /// Journal entries (sales, shift closes) not yet on the server.
    pub fn journal_waiting(&self) -> EngineResult<i64> {
        journal::waiting(&self.db())
    }

    /// Sends the journal (each sale once its order has left the outbox, and shift closes)
    /// in batches until nothing is ready or the server cannot be reached. Each entry leaves
    /// the queue in the transaction that records the server's answer for it; an entry the
    /// server refuses (4xx) is kept aside, never resent. Returns how many went.
    pub async fn push_journal(&self) -> EngineResult<usize> {
        let (base, token) = credentials(self)?;
        let mut sent = 0;
        loop {
            let ready = journal::ready(&self.db(), MAX_JOURNAL_BATCH)?;
            if ready.is_empty() {
                return Ok(sent);
            }
            let entries: Vec<&Entry> = ready.iter().map(|(_, e)| e).collect();
            let call = Call {
                method: Method::Post,
                path: "/v1/journal".into(),
                token: Some(token.clone()),
                body: Some(serde_json::json!({ "entries": entries })),
            };
            let answer: JournalResult = match self.send(&base, call).await {
                Ok(answer) => json_or_error(&answer)?,
                Err(failure) => {
                    let err = EngineError::from(failure);
                    let conn = self.db();
                    for (seq, _) in &ready {
                        journal::not_yet(&conn, *seq, &err.to_string())?;
                    }
                    return Err(err);
                }
            };
            let mut progressed = false;
            {
                let mut conn = self.db();
                let tx = conn.transaction()?;
                for (seq, entry) in &ready {
                    let id = entry.id();
                    let Some(r) = answer.results.iter().find(|r| r.id == id) else {
                        continue;
                    };
                    match r.status {
                        200..=299 => {
                            journal::sent(&tx, *seq)?;
                            sent += 1;
                        }
                        400..=499 => {
                            let why = r
                                .error
                                .as_ref()
                                .map_or_else(|| r.status.to_string(), |e| e.message.clone());
                            journal::refused(&tx, *seq, &why)?;
                        }
                        _ => {
                            journal::not_yet(&tx, *seq, &r.status.to_string())?;
                            continue;
                        }
                    }
                    progressed = true;
                }
                tx.commit()?;
            }
            if !progressed {
                return Err(EngineError::Network(
                    "the server kept every journal entry for later".into(),
                ));
            }
        }
    }

    /// Sends the owner's edits of the shop-wide settings made on this counter, from the
    /// version it held. The server keeps them as the next version and gives them to every
    /// counter; when someone changed them first, the server's current ones replace this
    /// counter's edit. Returns whether anything was sent.
    pub async fn push_settings(&self) -> EngineResult<bool> {
        // Most rounds have nothing to send: only the edits count is read then.
        let (edits, settings) = {
            let conn = self.db();
            let edits = shop::edits(&conn)?;
            if edits == 0 {
                return Ok(false);
            }
            (edits, shop::local(&conn)?)
        };
        let (base, token) = credentials(self)?;
        let call = Call {
            method: Method::Post,
            path: "/v1/settings".into(),
            token: Some(token.clone()),
            body: Some(
                serde_json::to_value(&settings).map_err(|e| EngineError::Corrupt(e.to_string()))?,
            ),
        };
        let answer = self.send(&base, call).await?;
        if answer.status == 409 {
            let call = Call {
                method: Method::Get,
                path: "/v1/settings".into(),
                token: Some(token),
                body: None,
            };
            let current: ShopSettings = json_or_error(&self.send(&base, call).await?)?;
            shop::apply(&self.db(), &current)?;
            return Ok(true);
        }
        let saved: ShopSettings = json_or_error(&answer)?;
        shop::sent(&self.db(), &saved, edits)?;
        Ok(true)
    }

    /// Takes back the count of a request that never reached the server.
    fn not_sent(&self, rows: &[(i64, String, String)]) {
        let conn = self.db();
        for (seq, _, _) in rows {
            let _ = conn.execute(
                "UPDATE outbox SET attempts = attempts - 1 WHERE seq = ?1 AND attempts > 0",
                [seq],
            );
        }
    }

    fn note_failure(&self, rows: &[(i64, String, String)], e: &EngineError) {
        let conn = self.db();
        for (seq, _, _) in rows {
            let _ = conn.execute(
                "UPDATE outbox SET last_error = ?2 WHERE seq = ?1",
                params![seq, e.to_string()],
            );
        }
    }

    /// Reads the change feed from the stored cursor and applies it; `wait_s > 0` long-polls.
    pub async fn pull(&self, wait_s: u64) -> EngineResult<usize> {
        let (base, token) = credentials(self)?;
        let mut applied = 0;
        let mut wait = wait_s;
        loop {
            let after: i64 = db::setting(&self.db(), "cursor")?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let call = Call {
                method: Method::Get,
                path: format!("/v1/changes?after={after}&limit={PAGE}&wait_s={wait}"),
                token: Some(token.clone()),
                body: None,
            };
            let page: Changes = json_or_error(&self.send(&base, call).await?)?;
            let n = page.changes.len();
            {
                let mut conn = self.db();
                let tx = conn.transaction()?;
                let current: i64 = db::setting(&tx, "cursor")?
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                for change in page.changes.iter().filter(|c| c.seq > current) {
                    apply_change(&tx, change)?;
                }
                if page.last_seq > current {
                    db::set_setting(&tx, "cursor", &page.last_seq.to_string())?;
                }
                tx.commit()?;
            }
            applied += n;
            if n < PAGE as usize {
                return Ok(applied);
            }
            wait = 0;
        }
    }

    /// One round: send what is queued, then read what changed.
    ///
    /// The state is `syncing` only while queued orders go out; the long-poll that follows
    /// is the counter idling online, and the status bar says so.
    pub async fn sync_once(&self, wait_s: u64) -> EngineResult<SyncReport> {
        if db::outbox_len(&self.db()).unwrap_or(0) > 0 {
            self.set_sync_state(|s| s.state = Connectivity::Syncing);
        }
        let result = async {
            let (sent, rejected) = self.push().await?;
            // The owner's figures and shop-wide settings: what the server cannot take now
            // goes next round, and never holds up orders or the feed.
            let _ = self.push_journal().await;
            let _ = self.push_settings().await;
            if sent + rejected > 0 {
                let queue = db::outbox_len(&self.db()).unwrap_or(0);
                self.set_sync_state(|s| {
                    s.state = Connectivity::Online;
                    s.queue_len = queue;
                });
            }
            // Until the server has answered once, ask without waiting: the status bar
            // learns at once that the counter is online, and the next round long-polls.
            let online = self.sync_state().borrow().state == Connectivity::Online;
            let changes = if online && wait_s > 0 {
                tokio::select! {
                    changes = self.pull(wait_s) => changes?,
                    // A sale was queued during the wait: it goes now (the loop's next round),
                    // not when the long-poll ends. The feed is asked again then.
                    () = self.order_waiting() => 0,
                }
            } else {
                self.pull(0).await?
            };
            Ok::<_, EngineError>(SyncReport {
                sent,
                rejected,
                changes,
            })
        }
        .await;
        let queue = db::outbox_len(&self.db()).unwrap_or(0);
        self.set_sync_state(|s| {
            s.queue_len = queue;
            match &result {
                Ok(_) => {
                    s.state = Connectivity::Online;
                    s.last_sync_at = Some(Utc::now());
                    s.last_error = None;
                }
                Err(e) => {
                    s.state = Connectivity::Offline;
                    s.last_error = Some(e.to_string());
                }
            }
        });
        result
    }

    /// Syncs until `stop` turns true: long-polls while online, backs off with jitter while
    /// offline. Never drops a queued order.
    pub async fn run_sync(&self, mut stop: tokio::sync::watch::Receiver<bool>) {
        let mut backoff_ms = 1_000u64;
        while !*stop.borrow() {
            let wait = if self.sync_state().borrow().queue_len > 0 {
                0
            } else {
                LONG_POLL_S
            };
            let outcome = tokio::select! {
                r = self.sync_once(wait) => r,
                _ = stop.changed() => return,
            };
            // Receipts waiting for the printer go out between rounds; a printer that is off
            // only keeps its jobs queued.
            let _ = self.run_print_queue().await;
            // Once a day, a copy of the store (kept in the data directory, the last seven).
            let _ = self.daily_backup();
            match outcome {
                Ok(_) => backoff_ms = 1_000,
                Err(EngineError::NotPaired) => backoff_ms = MAX_BACKOFF_MS,
                Err(_) => {
                    let jitter = rand::random_range(0..=backoff_ms / 2);
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_millis(backoff_ms + jitter)) => {},
                        // A new sale is worth a try at once.
                        () = self.order_waiting() => {},
                        _ = stop.changed() => return,
                    }
                    backoff_ms = (backoff_ms * 2).min(MAX_BACKOFF_MS);
                }
            }
        }
    }
}

fn apply_change(tx: &Transaction<'_>, change: &Change) -> EngineResult<()> {
    match &change.kind {
        ChangeKind::Order { order } => {
            apply_order(tx, order)?;
        }
        ChangeKind::Saldo { movement } => {
            let text = serde_json::to_string(&movement.saldo)
                .map_err(|e| EngineError::Corrupt(e.to_string()))?;
            db::set_setting(tx, "saldo", &text)?;
            db::set_setting(tx, "saldo_as_of", &now_ms().to_string())?;
            let reason = serde_json::to_value(movement.reason)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            tx.execute(
                "INSERT INTO saldo_movements (seq, at, reason, amount_idr, available_idr, order_id, deposit_id, reference) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (seq) DO NOTHING",
                params![
                    change.seq,
                    change.at.timestamp_millis(),
                    reason,
                    movement.amount_idr.idr(),
                    movement.saldo.available_idr.idr(),
                    movement.order_id.map(|i| i.to_string()),
                    movement.deposit_id.map(|i| i.to_string()),
                    movement.reference
                ],
            )?;
        }
        ChangeKind::Catalog { item } => catalog::upsert_item(tx, item)?,
        ChangeKind::Settings { settings } => shop::apply(tx, settings)?,
        ChangeKind::Deposit { deposit } => {
            let body =
                serde_json::to_string(deposit).map_err(|e| EngineError::Corrupt(e.to_string()))?;
            tx.execute(
                "INSERT INTO deposits (id, body, updated_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                params![deposit.id.to_string(), body, now_ms()],
            )?;
        }
    }
    Ok(())
}
