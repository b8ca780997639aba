//! Owners' accounts and sessions for the back office, and the shop-wide settings
//! (docs/owners.md).

use chrono::{DateTime, Utc};
use konter_domain::api::v1::ChangeKind;
use konter_domain::ids::{OwnerId, ShopId};
use konter_domain::shop::ShopSettings;

use super::dialect::{Conn, Dialect, Row, query};
use super::{SqlStore, corrupt, from_ms, ms, parse_id, rows};
use crate::store::journal::{Owner, OwnerSession, Owners, Settings, SettingsWrite};
use crate::store::{Shop, StoreResult};

fn owner(r: &Row) -> StoreResult<Owner> {
    let setup = match (
        r.try_get::<Option<String>, _>("setup_hash")?,
        r.try_get::<Option<i64>, _>("setup_expires_at")?,
    ) {
        (Some(hash), Some(at)) => Some((hash, from_ms(at)?)),
        _ => None,
    };
    Ok(Owner {
        id: parse_id("owner id", &r.try_get::<String, _>("id")?)?,
        phone: r.try_get("phone")?,
        password_hash: r.try_get("password_hash")?,
        setup,
    })
}

pub(super) async fn owner_setup_code<D: Dialect>(
    store: &SqlStore<D>,
    phone: &str,
    shop: ShopId,
    setup_hash: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<Owner> {
    let mut tx = store.write(Some(D::BEGIN_WRITE)).await?;
    let known = query(format!(
        "SELECT * FROM owners WHERE phone = $1{}",
        D::FOR_UPDATE
    ))
    .bind(phone)
    .fetch_optional(&mut tx)
    .await?;
    let id = match known {
        Some(row) => {
            let id = owner(&row)?.id;
            query("UPDATE owners SET setup_hash = $2, setup_expires_at = $3 WHERE id = $1")
                .bind(id.to_string())
                .bind(setup_hash)
                .bind(ms(expires_at))
                .execute(&mut tx)
                .await?;
            id
        }
        None => {
            let id = OwnerId::new();
            query(
                "INSERT INTO owners (id, phone, setup_hash, setup_expires_at, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id.to_string())
            .bind(phone)
            .bind(setup_hash)
            .bind(ms(expires_at))
            .bind(ms(now))
            .execute(&mut tx)
            .await?;
            id
        }
    };
    query(
        "INSERT INTO owner_shops (owner_id, shop_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (owner_id, shop_id) DO NOTHING",
    )
    .bind(id.to_string())
    .bind(shop.to_string())
    .bind(ms(now))
    .execute(&mut tx)
    .await?;
    let row = query("SELECT * FROM owners WHERE id = $1")
        .bind(id.to_string())
        .fetch_one(&mut tx)
        .await?;
    tx.commit().await?;
    owner(&row)
}

pub(super) async fn owner_by_phone<D: Dialect>(
    store: &SqlStore<D>,
    phone: &str,
) -> StoreResult<Option<Owner>> {
    let row = query("SELECT * FROM owners WHERE phone = $1")
        .bind(phone)
        .fetch_optional(&mut store.read().await?)
        .await?;
    row.as_ref().map(owner).transpose()
}

pub(super) async fn set_owner_password<D: Dialect>(
    store: &SqlStore<D>,
    id: OwnerId,
    setup_hash: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let mut tx = store.write(Some(D::BEGIN_WRITE)).await?;
    let set = query(
        "UPDATE owners SET password_hash = $3, setup_hash = NULL, setup_expires_at = NULL \
         WHERE id = $1 AND setup_hash = $2 AND setup_expires_at > $4",
    )
    .bind(id.to_string())
    .bind(setup_hash)
    .bind(password_hash)
    .bind(ms(now))
    .execute(&mut tx)
    .await?;
    if set != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    query("DELETE FROM owner_sessions WHERE owner_id = $1")
        .bind(id.to_string())
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

pub(super) async fn owner_shops<D: Dialect>(
    store: &SqlStore<D>,
    id: OwnerId,
) -> StoreResult<Vec<Shop>> {
    let rows = query(
        "SELECT s.* FROM shops s JOIN owner_shops o ON o.shop_id = s.id WHERE o.owner_id = $1 ORDER BY s.name, s.code",
    )
    .bind(id.to_string())
    .fetch_all(&mut store.read().await?)
    .await?;
    rows.iter().map(rows::shop).collect()
}

pub(super) async fn start_owner_session<D: Dialect>(
    store: &SqlStore<D>,
    id: OwnerId,
    token_hash: &str,
    csrf_token: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let mut tx = store.write(None).await?;
    // Expired sessions of this owner go as a new one starts.
    query("DELETE FROM owner_sessions WHERE owner_id = $1 AND expires_at <= $2")
        .bind(id.to_string())
        .bind(ms(now))
        .execute(&mut tx)
        .await?;
    query(
        "INSERT INTO owner_sessions (token_hash, owner_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(id.to_string())
    .bind(csrf_token)
    .bind(ms(now))
    .bind(ms(expires_at))
    .execute(&mut tx)
    .await?;
    tx.commit().await
}

pub(super) async fn owner_session<D: Dialect>(
    store: &SqlStore<D>,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<OwnerSession>> {
    let row = query(
        "SELECT o.*, s.csrf_token AS csrf_token, s.expires_at AS session_expires_at \
         FROM owner_sessions s JOIN owners o ON o.id = s.owner_id WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash)
    .bind(ms(now))
    .fetch_optional(&mut store.read().await?)
    .await?;
    row.map(|r| {
        Ok(OwnerSession {
            owner: owner(&r)?,
            csrf_token: r.try_get("csrf_token")?,
            expires_at: from_ms(r.try_get("session_expires_at")?)?,
        })
    })
    .transpose()
}

pub(super) async fn end_owner_session<D: Dialect>(
    store: &SqlStore<D>,
    token_hash: &str,
) -> StoreResult<()> {
    query("DELETE FROM owner_sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&mut store.writer().await?)
        .await?;
    Ok(())
}

pub(super) async fn end_owner_sessions<D: Dialect>(
    store: &SqlStore<D>,
    id: OwnerId,
) -> StoreResult<u64> {
    query("DELETE FROM owner_sessions WHERE owner_id = $1")
        .bind(id.to_string())
        .execute(&mut store.writer().await?)
        .await
}

fn settings_of(body: &str, version: i64) -> StoreResult<ShopSettings> {
    let mut s: ShopSettings =
        serde_json::from_str(body).map_err(|e| corrupt("shop settings", e.to_string()))?;
    s.version = version;
    Ok(s)
}

async fn settings_in<D: Dialect>(
    conn: &mut Conn<D>,
    shop: ShopId,
    lock: bool,
) -> StoreResult<ShopSettings> {
    let sql = format!(
        "SELECT version, body FROM shop_settings WHERE shop_id = $1{}",
        if lock { D::FOR_UPDATE } else { "" }
    );
    match query(sql)
        .bind(shop.to_string())
        .fetch_optional(conn)
        .await?
    {
        Some(row) => settings_of(&row.try_get::<String, _>(1)?, row.try_get(0)?),
        None => Ok(ShopSettings::default()),
    }
}

pub(super) async fn shop_settings<D: Dialect>(
    store: &SqlStore<D>,
    shop: ShopId,
) -> StoreResult<ShopSettings> {
    settings_in(&mut store.read().await?, shop, false).await
}

pub(super) async fn save_shop_settings<D: Dialect>(
    store: &SqlStore<D>,
    shop: ShopId,
    settings: &ShopSettings,
    now: DateTime<Utc>,
) -> StoreResult<SettingsWrite> {
    let mut tx = store.write(Some(D::BEGIN_WRITE)).await?;
    // The shop row's lock (PostgreSQL) or the single writer (SQLite): two saves from the
    // same version cannot both win.
    query(format!(
        "SELECT id FROM shops WHERE id = $1{}",
        D::FOR_UPDATE
    ))
    .bind(shop.to_string())
    .fetch_optional(&mut tx)
    .await?
    .ok_or(crate::store::StoreError::NotFound("shop"))?;
    let current = settings_in(&mut tx, shop, true).await?;
    if current.version != settings.version {
        tx.rollback().await?;
        return Ok(SettingsWrite::Stale(current));
    }
    let saved = ShopSettings {
        version: current.version + 1,
        ..settings.clone()
    };
    let body =
        serde_json::to_string(&saved).map_err(|e| corrupt("shop settings", e.to_string()))?;
    query(
        "INSERT INTO shop_settings (shop_id, version, body, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (shop_id) DO UPDATE SET version = excluded.version, body = excluded.body, updated_at = excluded.updated_at",
    )
    .bind(shop.to_string())
    .bind(saved.version)
    .bind(body)
    .bind(ms(now))
    .execute(&mut tx)
    .await?;
    super::feed::append_change_in(
        &mut tx,
        shop,
        &ChangeKind::Settings {
            settings: saved.clone(),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(SettingsWrite::Saved(saved))
}

impl<D: Dialect> Owners for SqlStore<D> {
    async fn owner_setup_code(
        &self,
        phone: &str,
        shop: ShopId,
        setup_hash: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Owner> {
        owner_setup_code(self, phone, shop, setup_hash, expires_at, now).await
    }

    async fn owner_by_phone(&self, phone: &str) -> StoreResult<Option<Owner>> {
        owner_by_phone(self, phone).await
    }

    async fn set_owner_password(
        &self,
        owner: OwnerId,
        setup_hash: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        set_owner_password(self, owner, setup_hash, password_hash, now).await
    }

    async fn owner_shops(&self, owner: OwnerId) -> StoreResult<Vec<Shop>> {
        owner_shops(self, owner).await
    }

    async fn start_owner_session(
        &self,
        owner: OwnerId,
        token_hash: &str,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        start_owner_session(self, owner, token_hash, csrf_token, expires_at, now).await
    }

    async fn owner_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<OwnerSession>> {
        owner_session(self, token_hash, now).await
    }

    async fn end_owner_session(&self, token_hash: &str) -> StoreResult<()> {
        end_owner_session(self, token_hash).await
    }

    async fn end_owner_sessions(&self, owner: OwnerId) -> StoreResult<u64> {
        end_owner_sessions(self, owner).await
    }
}

impl<D: Dialect> Settings for SqlStore<D> {
    async fn shop_settings(&self, shop: ShopId) -> StoreResult<ShopSettings> {
        shop_settings(self, shop).await
    }

    async fn save_shop_settings(
        &self,
        shop: ShopId,
        settings: &ShopSettings,
        now: DateTime<Utc>,
    ) -> StoreResult<SettingsWrite> {
        save_shop_settings(self, shop, settings, now).await
    }
}
