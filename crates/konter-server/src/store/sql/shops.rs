//! Shops, pairing codes and devices.

use chrono::{DateTime, Utc};
use konter_domain::catalogue::Tier;
use konter_domain::ids::{DeviceId, ShopId};
use konter_ledger::Account;

use super::dialect::{Dialect, query};
use super::{SqlStore, corrupt, ms, parse_id, rows};
use crate::store::{AuthDevice, PairOutcome, Shop, StoreError, StoreResult};

pub(super) async fn create_shop<D: Dialect>(
    store: &SqlStore<D>,
    code: &str,
    name: &str,
    tier: Tier,
    now: DateTime<Utc>,
) -> StoreResult<Shop> {
    let shop = Shop {
        id: ShopId::new(),
        code: code.to_owned(),
        name: name.to_owned(),
        tier,
    };
    let mut tx = store.write(None).await?;
    let inserted = query(
        "INSERT INTO shops (id, code, name, tier, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (code) DO NOTHING",
    )
    .bind(shop.id.to_string())
    .bind(code)
    .bind(name)
    .bind(tier.code())
    .bind(ms(now))
    .execute(&mut tx)
    .await?;
    if inserted != 1 {
        return Err(StoreError::ShopCodeTaken(code.to_owned()));
    }
    for account in [Account::ShopSaldo(shop.id), Account::ShopHolds(shop.id)] {
        query("INSERT INTO accounts (key, shop_id) VALUES ($1, $2)")
            .bind(account.key())
            .bind(shop.id.to_string())
            .execute(&mut tx)
            .await?;
    }
    tx.commit().await?;
    Ok(shop)
}

pub(super) async fn shop_by_code<D: Dialect>(
    store: &SqlStore<D>,
    code: &str,
) -> StoreResult<Option<Shop>> {
    let row = query("SELECT id, code, name, tier FROM shops WHERE code = $1")
        .bind(code)
        .fetch_optional(&mut store.read().await?)
        .await?;
    row.as_ref().map(rows::shop).transpose()
}

pub(super) async fn shop<D: Dialect>(store: &SqlStore<D>, id: ShopId) -> StoreResult<Option<Shop>> {
    let row = query("SELECT id, code, name, tier FROM shops WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut store.read().await?)
        .await?;
    row.as_ref().map(rows::shop).transpose()
}

pub(super) async fn shops<D: Dialect>(store: &SqlStore<D>) -> StoreResult<Vec<Shop>> {
    let rows = query("SELECT id, code, name, tier FROM shops ORDER BY code")
        .fetch_all(&mut store.read().await?)
        .await?;
    rows.iter().map(rows::shop).collect()
}

pub(super) async fn add_pairing_code<D: Dialect>(
    store: &SqlStore<D>,
    shop: ShopId,
    code_hash: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    query(
        "INSERT INTO pairing_codes (code_hash, shop_id, expires_at, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(code_hash)
    .bind(shop.to_string())
    .bind(ms(expires_at))
    .bind(ms(now))
    .execute(&mut store.writer().await?)
    .await?;
    Ok(())
}

pub(super) async fn pair_device<D: Dialect>(
    store: &SqlStore<D>,
    code_hash: &str,
    device: DeviceId,
    name: &str,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<PairOutcome> {
    let mut tx = store.write(None).await?;
    // Single use: only the first exchange flips `used_at`.
    let claimed = query(
        "UPDATE pairing_codes SET used_at = $2 \
         WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING shop_id",
    )
    .bind(code_hash)
    .bind(ms(now))
    .fetch_optional(&mut tx)
    .await?;
    let Some(row) = claimed else {
        return Ok(PairOutcome::Refused);
    };
    let shop_id: String = row.try_get(0)?;
    query(
        "INSERT INTO devices (id, shop_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(device.to_string())
    .bind(&shop_id)
    .bind(name)
    .bind(token_hash)
    .bind(ms(now))
    .execute(&mut tx)
    .await?;
    let shop_row = query("SELECT id, code, name, tier FROM shops WHERE id = $1")
        .bind(&shop_id)
        .fetch_one(&mut tx)
        .await?;
    let shop = rows::shop(&shop_row)?;
    tx.commit().await?;
    Ok(PairOutcome::Paired(shop))
}

pub(super) async fn device_by_token<D: Dialect>(
    store: &SqlStore<D>,
    token_hash: &str,
) -> StoreResult<Option<AuthDevice>> {
    let row = query(
        "SELECT d.id, d.shop_id, s.tier FROM devices d JOIN shops s ON s.id = d.shop_id \
         WHERE d.token_hash = $1 AND d.revoked_at IS NULL",
    )
    .bind(token_hash)
    .fetch_optional(&mut store.read().await?)
    .await?;
    row.map(|r| {
        let tier: String = r.try_get(2)?;
        Ok(AuthDevice {
            device_id: parse_id("device id", &r.try_get::<String, _>(0)?)?,
            shop_id: parse_id("shop id", &r.try_get::<String, _>(1)?)?,
            tier: tier.parse().map_err(|_| corrupt("tier", &tier))?,
        })
    })
    .transpose()
}

pub(super) async fn revoke_device<D: Dialect>(
    store: &SqlStore<D>,
    device: DeviceId,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let done = query("UPDATE devices SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
        .bind(device.to_string())
        .bind(ms(now))
        .execute(&mut store.writer().await?)
        .await?;
    Ok(done == 1)
}
