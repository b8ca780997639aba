//! What a counter reads and sets for its whole shop: `GET /v1/report` (the shop's day over
//! every counter) and `GET`/`POST /v1/settings`: the shop-wide settings for a counter (docs/owners.md,
//! "Shop-wide settings"). A counter sends the owner's edits made there (its engine asks for
//! the owner's PIN first), from the version it held; the back office saves through
//! [`save`] too.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use konter_domain::ids::ShopId;
use konter_domain::shop::ShopSettings;

use super::error::{ApiFailure, ApiResult};
use super::extract::{ApiJson, Device};
use crate::App;
use crate::store::Store;
use crate::store::journal::SettingsWrite;

pub async fn get<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    Device(device): Device,
) -> ApiResult<Json<ShopSettings>> {
    Ok(Json(app.store.shop_settings(device.shop_id).await?))
}

pub async fn post<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    Device(device): Device,
    ApiJson(settings): ApiJson<ShopSettings>,
) -> ApiResult<Json<ShopSettings>> {
    save(&app, device.shop_id, &settings).await.map(Json)
}

/// Checks and saves a shop's settings made from `settings.version`: 422 naming the field
/// that does not hold, 409 when another save came first (nothing changes either way).
pub async fn save<S: Store>(
    app: &App<S>,
    shop: ShopId,
    settings: &ShopSettings,
) -> ApiResult<ShopSettings> {
    settings.check().map_err(|e| ApiFailure::invalid(&e))?;
    match app
        .store
        .save_shop_settings(shop, settings, app.clock.now())
        .await?
    {
        SettingsWrite::Saved(saved) => {
            app.feed.changed(shop);
            tracing::info!(shop_id = %shop, version = saved.version, "shop settings saved");
            Ok(saved)
        }
        SettingsWrite::Stale(current) => Err(ApiFailure::new(
            StatusCode::CONFLICT,
            "settings_changed",
            &format!(
                "pengaturan toko sudah diubah (versi {}); muat ulang lalu ubah lagi",
                current.version
            ),
            &format!(
                "the shop's settings were changed meanwhile (version {}); reload and edit again",
                current.version
            ),
            Some("version"),
        )),
    }
}

#[derive(serde::Deserialize)]
pub struct ReportQuery {
    pub date: String,
}

/// `GET /v1/report?date=YYYY-MM-DD`: the shop's day over every counter, for the desktop
/// app's Laporan (the counter asks for its owner's PIN first).
pub async fn report<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    Device(device): Device,
    axum::extract::Query(q): axum::extract::Query<ReportQuery>,
) -> ApiResult<Json<konter_domain::report::OwnerReport>> {
    let day: chrono::NaiveDate = q.date.parse().map_err(|_| {
        ApiFailure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "date_invalid",
            "tanggal harus YYYY-MM-DD",
            "a date is YYYY-MM-DD",
            Some("date"),
        )
    })?;
    let shop = app
        .store
        .shop(device.shop_id)
        .await?
        .ok_or_else(|| ApiFailure::not_found("toko", "shop"))?;
    Ok(Json(
        crate::owner::report::build(&app.store, &[shop], day, day, app.clock.now()).await?,
    ))
}
