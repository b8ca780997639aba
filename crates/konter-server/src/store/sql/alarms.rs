//! What the operator's alarms need from the store beyond the queue: webhooks refused for a
//! bad signature, counted per source.

use chrono::{DateTime, Utc};

use super::dialect::{Dialect, query};
use super::{SqlStore, from_ms, ms};
use crate::store::{BadSignatures, StoreResult};

pub(super) async fn note_bad_signatures<D: Dialect>(
    store: &SqlStore<D>,
    source: &str,
    n: i64,
    last_at: DateTime<Utc>,
) -> StoreResult<()> {
    let mut conn = store.writer().await?;
    // Two processes may add at once; the later refusal's time wins either way.
    query(
        "INSERT INTO webhook_refusals (source, count, last_at) VALUES ($1, $2, $3) \
         ON CONFLICT (source) DO UPDATE SET count = webhook_refusals.count + excluded.count, \
         last_at = CASE WHEN excluded.last_at > webhook_refusals.last_at \
         THEN excluded.last_at ELSE webhook_refusals.last_at END",
    )
    .bind(source)
    .bind(n)
    .bind(ms(last_at))
    .execute(&mut conn)
    .await?;
    Ok(())
}

pub(super) async fn bad_signatures<D: Dialect>(
    store: &SqlStore<D>,
) -> StoreResult<Vec<BadSignatures>> {
    let rows = query("SELECT source, count, last_at FROM webhook_refusals ORDER BY source")
        .fetch_all(&mut store.read().await?)
        .await?;
    rows.into_iter()
        .map(|row| {
            Ok(BadSignatures {
                source: row.try_get(0)?,
                count: row.try_get(1)?,
                last_at: from_ms(row.try_get(2)?)?,
            })
        })
        .collect()
}
