//! `GET /v1/changes?after=SEQ&limit=N&wait_s=S`: the shop's change feed, long-polled.

use std::collections::HashMap;
use std::time::Duration;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use konter_domain::api::v1::{Changes, MAX_CHANGES_LIMIT, MAX_WAIT_S};

use super::error::{ApiFailure, ApiResult};
use super::extract::Device;
use crate::App;
use crate::store::Store;

/// Changes per page when the device does not say.
const DEFAULT_LIMIT: u32 = 100;
/// How often a waiting long-poll re-reads the store even without a wake-up: the wake-ups
/// only come from this process, and another process may share the database.
const POLL_TICK: Duration = Duration::from_millis(500);

fn int_param(
    q: &HashMap<String, String>,
    name: &str,
    default: i64,
    min: i64,
    max: i64,
) -> ApiResult<i64> {
    let Some(text) = q.get(name) else {
        return Ok(default);
    };
    match text.parse::<i64>() {
        Ok(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(ApiFailure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_query",
            &format!("'{name}' harus bilangan bulat {min} sampai {max}"),
            &format!("'{name}' must be a whole number from {min} to {max}"),
            Some(name),
        )),
    }
}

pub async fn changes<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    Device(device): Device,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Json<Changes>> {
    let after = int_param(&q, "after", 0, 0, i64::MAX)?;
    let limit = int_param(
        &q,
        "limit",
        i64::from(DEFAULT_LIMIT),
        1,
        i64::from(MAX_CHANGES_LIMIT),
    )? as u32;
    let wait_s = int_param(&q, "wait_s", 0, 0, i64::from(MAX_WAIT_S))? as u64;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(wait_s);
    let notify = app.feed.shop(device.shop_id);
    loop {
        // Arm the wake-up before reading, so a commit in between is not missed.
        let woken = notify.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        let changes = app.store.changes(device.shop_id, after, limit).await?;
        let now = tokio::time::Instant::now();
        if !changes.is_empty() || now >= deadline {
            let last_seq = changes.last().map_or(after, |c| c.seq);
            app.metrics
                .changes_served
                .fetch_add(changes.len() as u64, std::sync::atomic::Ordering::Relaxed);
            return Ok(Json(Changes { changes, last_seq }));
        }
        let tick = (deadline - now).min(POLL_TICK);
        tokio::select! {
            _ = &mut woken => {}
            _ = tokio::time::sleep(tick) => {}
        }
    }
}
