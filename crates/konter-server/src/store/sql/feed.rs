//! Each shop's change feed: numbered entries a device reads after the last one it saw.

use chrono::{DateTime, Utc};
use konter_domain::api::v1::{Change, ChangeKind};
use konter_domain::ids::ShopId;

use super::dialect::{Arg, Conn, Dialect, Sql, query};
use super::{SqlStore, corrupt, from_ms, ms};
use crate::store::{StoreError, StoreResult};

/// Feed entries, one row per [`change_row`].
pub(super) const INSERT_CHANGES: &str =
    "INSERT INTO changes (shop_id, created_at, seq, payload) VALUES {rows}";

/// Entry `seq` of `shop`'s feed, for [`INSERT_CHANGES`].
pub(super) fn change_row(
    shop: ShopId,
    now: DateTime<Utc>,
    seq: i64,
    kind: &ChangeKind,
) -> StoreResult<[Arg<'static>; 4]> {
    let payload = serde_json::to_string(kind)
        .map_err(|e| StoreError::Corrupt(format!("change payload: {e}")))?;
    Ok([
        shop.to_string().into(),
        ms(now).into(),
        seq.into(),
        payload.into(),
    ])
}

pub(super) async fn append_change_in<D: Dialect>(
    tx: &mut Conn<D>,
    shop: ShopId,
    kind: &ChangeKind,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    append_changes_in(tx, shop, std::slice::from_ref(kind), now).await
}

/// Appends changes to a shop's feed with one sequence bump for all of them.
pub(super) async fn append_changes_in<D: Dialect>(
    tx: &mut Conn<D>,
    shop: ShopId,
    kinds: &[ChangeKind],
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let n = kinds.len() as i64;
    // The shop row's lock (PostgreSQL) or the single writer (SQLite) serialises
    // this shop's feed writers until commit, so sequence order is commit order.
    let first: i64 =
        query("UPDATE shops SET next_seq = next_seq + $2 WHERE id = $1 RETURNING next_seq - $2")
            .bind(shop.to_string())
            .bind(n)
            .fetch_optional(tx)
            .await?
            .ok_or(StoreError::NotFound("shop"))?
            .try_get(0)?;
    let rows = kinds
        .iter()
        .zip(first..)
        .map(|(kind, seq)| change_row(shop, now, seq, kind))
        .collect::<StoreResult<Vec<_>>>()?;
    Sql::rows::<D, 4>(INSERT_CHANGES, rows.into_iter())
        .execute(tx)
        .await?;
    Ok(first + n - 1)
}

pub(super) async fn append_change<D: Dialect>(
    store: &SqlStore<D>,
    shop: ShopId,
    kind: &ChangeKind,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let mut tx = store.write(None).await?;
    let seq = append_change_in(&mut tx, shop, kind, now).await?;
    tx.commit().await?;
    Ok(seq)
}

pub(super) async fn changes<D: Dialect>(
    store: &SqlStore<D>,
    shop: ShopId,
    after: i64,
    limit: u32,
) -> StoreResult<Vec<Change>> {
    let rows = query(
        "SELECT seq, payload, created_at FROM changes WHERE shop_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
    )
    .bind(shop.to_string())
    .bind(after)
    .bind(i64::from(limit))
    .fetch_all(&mut store.read().await?)
    .await?;
    rows.iter()
        .map(|r| {
            let payload: String = r.try_get(1)?;
            Ok(Change {
                seq: r.try_get(0)?,
                at: from_ms(r.try_get(2)?)?,
                kind: serde_json::from_str(&payload)
                    .map_err(|e| corrupt("change payload", e.to_string()))?,
            })
        })
        .collect()
}
