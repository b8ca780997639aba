//! The owner's back office, served by `konter-server` itself at `/owner/` (docs/owners.md):
//! the page (`crates/konter-server/owner/`, embedded in the binary) and its JSON API under
//! `/owner/api/`. Every API call but sign-in and setup needs an owner's session cookie
//! ([`session::SignedIn`]); a device token opens nothing here, and an owner reads only the
//! shops they own.

pub mod report;
pub mod session;

use std::time::Instant;

use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use konter_domain::api::v1::{Change, CreateDeposit, Deposit, DepositMethod, Saldo};
use konter_domain::ids::DepositId;
use konter_domain::money::Rupiah;
use konter_domain::phone::PhoneNumber;
use konter_domain::shop::ShopSettings;
use serde::{Deserialize, Serialize};

use crate::App;
use crate::http::error::{ApiFailure, ApiResult};
use crate::http::extract::{ApiJson, PeerAddr};
use crate::store::journal::Owner;
use crate::store::{Shop, Store};
use session::{LoginKey, SignedIn};

/// The page's files, embedded: the name under `/owner/` and the text.
const FILES: &[(&str, &str)] = &[
    ("index.html", include_str!("../../owner/index.html")),
    ("style.css", include_str!("../../owner/style.css")),
    ("report.css", include_str!("../../owner/report.css")),
    ("pages.css", include_str!("../../owner/pages.css")),
    ("app.js", include_str!("../../owner/app.js")),
    ("state.js", include_str!("../../owner/state.js")),
    ("i18n.js", include_str!("../../owner/i18n.js")),
    ("api.js", include_str!("../../owner/api.js")),
    ("dom.js", include_str!("../../owner/dom.js")),
    ("format.js", include_str!("../../owner/format.js")),
    ("shell.js", include_str!("../../owner/shell.js")),
    ("charts.js", include_str!("../../owner/charts.js")),
    ("tables.js", include_str!("../../owner/tables.js")),
    ("summary.js", include_str!("../../owner/summary.js")),
    ("saldo.js", include_str!("../../owner/saldo.js")),
    (
        "settings-data.js",
        include_str!("../../owner/settings-data.js"),
    ),
    ("settings.js", include_str!("../../owner/settings.js")),
];

/// Deposits and saldo movements shown at most.
const HISTORY_LIMIT: i64 = 100;

pub fn routes<S: Store + Clone + 'static>() -> Router<App<S>> {
    Router::new()
        .route("/owner", get(|| async { Redirect::permanent("/owner/") }))
        .route("/owner/", get(|| asset(Path("index.html".into()))))
        .route("/owner/{file}", get(asset))
        .route("/owner/api/login", post(login::<S>))
        .route("/owner/api/setup", post(setup::<S>))
        .route("/owner/api/logout", post(logout::<S>))
        .route("/owner/api/logout_all", post(logout_all::<S>))
        .route("/owner/api/me", get(me::<S>))
        .route("/owner/api/report", get(report::<S>))
        .route("/owner/api/sales.csv", get(sales_csv::<S>))
        .route("/owner/api/saldo", get(saldo::<S>))
        .route("/owner/api/deposits", post(create_deposit::<S>))
        .route(
            "/owner/api/settings",
            get(settings::<S>).post(save_settings::<S>),
        )
}

/// One of the page's [`FILES`], by name; 404 for anything else.
async fn asset(Path(name): Path<String>) -> Response {
    let Some(&(_, body)) = FILES.iter().find(|(n, _)| *n == name) else {
        return ApiFailure::not_found("berkas", "file").into_response();
    };
    let content_type = match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        _ => "text/javascript; charset=utf-8",
    };
    (
        [
            ("content-type", content_type),
            ("cache-control", "no-cache"),
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "DENY"),
            ("referrer-policy", "same-origin"),
            (
                "content-security-policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
            ),
        ],
        body,
    )
        .into_response()
}

/// The signed-in owner's account as the page sees it.
#[derive(Serialize)]
pub struct Me {
    pub phone: String,
    pub shops: Vec<ShopRef>,
    pub csrf: String,
}

#[derive(Serialize)]
pub struct ShopRef {
    pub id: String,
    pub code: String,
    pub name: String,
}

async fn me_of<S: Store>(app: &App<S>, owner: &Owner, csrf: String) -> ApiResult<Me> {
    let shops = app.store.owner_shops(owner.id).await?;
    Ok(Me {
        phone: owner.phone.clone(),
        shops: shops
            .into_iter()
            .map(|s| ShopRef {
                id: s.id.to_string(),
                code: s.code,
                name: s.name,
            })
            .collect(),
        csrf,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub phone: String,
    pub password: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    pub phone: String,
    pub code: String,
    pub password: String,
}

fn too_many() -> ApiFailure {
    ApiFailure::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
        "terlalu banyak percobaan; coba lagi 15 menit lagi",
        "too many attempts; try again in 15 minutes",
        None,
    )
}

fn login_failed() -> ApiFailure {
    ApiFailure::new(
        StatusCode::UNAUTHORIZED,
        "login_failed",
        "nomor atau kata sandi salah",
        "wrong phone number or password",
        Some("password"),
    )
}

/// The phone in its local form, or an error naming `phone`.
fn phone_of(input: &str) -> ApiResult<String> {
    PhoneNumber::parse(input)
        .map(|p| p.local().to_owned())
        .map_err(|_| {
            ApiFailure::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "phone_invalid",
                "nomor HP tidak sah",
                "not a valid phone number",
                Some("phone"),
            )
        })
}

fn check_password(password: &str) -> ApiResult<()> {
    let n = password.chars().count();
    if n < session::MIN_PASSWORD_CHARS {
        return Err(ApiFailure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "password_too_short",
            "kata sandi paling sedikit 8 karakter",
            "a password has at least 8 characters",
            Some("password"),
        ));
    }
    if n > session::MAX_PASSWORD_CHARS {
        return Err(ApiFailure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "password_too_long",
            "kata sandi paling banyak 128 karakter",
            "a password has at most 128 characters",
            Some("password"),
        ));
    }
    Ok(())
}

/// A browser's cross-site form post carries its own origin; only this host's page may sign
/// in (the session cookie itself is `SameSite=Strict`).
fn same_origin(headers: &HeaderMap) -> ApiResult<()> {
    let Some(origin) = headers.get("origin").and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
    if origin_host.eq_ignore_ascii_case(host) {
        Ok(())
    } else {
        Err(ApiFailure::new(
            StatusCode::FORBIDDEN,
            "origin_invalid",
            "permintaan dari situs lain ditolak",
            "a request from another site is refused",
            None,
        ))
    }
}

/// Starts a session for `owner`: the cookie and the account.
async fn start<S: Store>(app: &App<S>, owner: &Owner, headers: &HeaderMap) -> ApiResult<Response> {
    let token = session::new_secret();
    let csrf = session::new_secret();
    let now = app.clock.now();
    let expires = now + session::SESSION_TTL;
    app.store
        .start_owner_session(
            owner.id,
            &crate::auth::hash_secret(&token),
            &csrf,
            expires,
            now,
        )
        .await?;
    let me = me_of(app, owner, csrf).await?;
    let secure = session::over_tls(
        headers,
        app.config.owner.secure_cookie || app.config.tls.is_some(),
    );
    let cookie = HeaderValue::from_str(&session::session_cookie(&token, secure))
        .map_err(ApiFailure::internal)?;
    Ok(([(SET_COOKIE, cookie)], Json(me)).into_response())
}

async fn login<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    PeerAddr(addr): PeerAddr,
    headers: HeaderMap,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    same_origin(&headers)?;
    let phone = phone_of(&req.phone)?;
    let keys = [LoginKey::Phone(phone.clone()), LoginKey::Addr(addr)];
    let clock = Instant::now();
    if !app.login_limiter.allowed(&keys, clock) {
        return Err(too_many());
    }
    let owner = app.store.owner_by_phone(&phone).await?;
    let hash = owner.as_ref().and_then(|o| o.password_hash.clone());
    let password = req.password;
    let matches =
        tokio::task::spawn_blocking(move || session::password_matches(&password, hash.as_deref()))
            .await
            .map_err(ApiFailure::internal)?;
    match owner {
        Some(owner) if matches => {
            tracing::info!(owner_id = %owner.id, "owner signed in");
            start(&app, &owner, &headers).await
        }
        _ => {
            app.login_limiter.failed(keys.to_vec(), clock);
            tracing::warn!("owner sign-in failed");
            Err(login_failed())
        }
    }
}

async fn setup<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    PeerAddr(addr): PeerAddr,
    headers: HeaderMap,
    ApiJson(req): ApiJson<SetupRequest>,
) -> ApiResult<Response> {
    same_origin(&headers)?;
    let phone = phone_of(&req.phone)?;
    check_password(&req.password)?;
    let keys = [LoginKey::Phone(phone.clone()), LoginKey::Addr(addr)];
    let clock = Instant::now();
    if !app.login_limiter.allowed(&keys, clock) {
        return Err(too_many());
    }
    let invalid = || {
        ApiFailure::new(
            StatusCode::UNAUTHORIZED,
            "setup_code_invalid",
            "kode pengaturan salah atau kedaluwarsa",
            "the setup code is wrong or expired",
            Some("code"),
        )
    };
    let code_hash = session::setup_code_hash(&req.code);
    let owner = app.store.owner_by_phone(&phone).await?;
    let Some(owner) = owner.filter(|o| {
        o.setup
            .as_ref()
            .is_some_and(|(hash, _)| session::same_secret(hash, &code_hash))
    }) else {
        app.login_limiter.failed(keys.to_vec(), clock);
        return Err(invalid());
    };
    let password = req.password;
    let hash = tokio::task::spawn_blocking(move || session::hash_password(&password))
        .await
        .map_err(ApiFailure::internal)??;
    if !app
        .store
        .set_owner_password(owner.id, &code_hash, &hash, app.clock.now())
        .await?
    {
        app.login_limiter.failed(keys.to_vec(), clock);
        return Err(invalid());
    }
    tracing::info!(owner_id = %owner.id, "owner set a password");
    start(&app, &owner, &headers).await
}

fn signed_out_response<S: Store>(app: &App<S>, headers: &HeaderMap) -> ApiResult<Response> {
    let secure = session::over_tls(
        headers,
        app.config.owner.secure_cookie || app.config.tls.is_some(),
    );
    let cookie =
        HeaderValue::from_str(&session::cleared_cookie(secure)).map_err(ApiFailure::internal)?;
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cookie)]).into_response())
}

async fn logout<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    signed: SignedIn,
    headers: HeaderMap,
) -> ApiResult<Response> {
    app.store.end_owner_session(&signed.token_hash).await?;
    signed_out_response(&app, &headers)
}

async fn logout_all<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    signed: SignedIn,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let ended = app
        .store
        .end_owner_sessions(signed.session.owner.id)
        .await?;
    tracing::info!(owner_id = %signed.session.owner.id, sessions = ended, "owner signed out everywhere");
    signed_out_response(&app, &headers)
}

async fn me<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    signed: SignedIn,
) -> ApiResult<Json<Me>> {
    let s = signed.session;
    Ok(Json(me_of(&app, &s.owner, s.csrf_token).await?))
}

#[derive(Deserialize)]
pub struct RangeQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub shop: Option<String>,
}

fn shop_unknown() -> ApiFailure {
    ApiFailure::new(
        StatusCode::NOT_FOUND,
        "shop_unknown",
        "outlet tidak ditemukan",
        "no such outlet",
        Some("shop"),
    )
}

/// The owner's shops a request names, and its range of days (today in WIB by default).
async fn scope<S: Store>(
    app: &App<S>,
    signed: &SignedIn,
    q: &RangeQuery,
) -> ApiResult<(Vec<Shop>, NaiveDate, NaiveDate)> {
    let owned = app.store.owner_shops(signed.session.owner.id).await?;
    let shops = report::pick(owned, q.shop.as_deref()).ok_or_else(shop_unknown)?;
    // "Today" in the zone of the first outlet asked for (an owner's outlets share one, as a
    // rule).
    let zone = match shops.first() {
        Some(shop) => report::shop_zone(&app.store, shop.id).await?,
        None => return Err(shop_unknown()),
    };
    let today = app.clock.now().with_timezone(&zone).date_naive();
    let day = |v: &Option<String>, field: &str| -> ApiResult<NaiveDate> {
        match v.as_deref().filter(|v| !v.is_empty()) {
            None => Ok(today),
            Some(text) => text.parse().map_err(|_| {
                ApiFailure::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "date_invalid",
                    "tanggal harus YYYY-MM-DD",
                    "a date is YYYY-MM-DD",
                    Some(field),
                )
            }),
        }
    };
    let (from, to) = (day(&q.from, "from")?, day(&q.to, "to")?);
    report::check_range(from, to).map_err(|_| {
        ApiFailure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "range_invalid",
            "rentang tanggal tidak sah (paling lama 92 hari)",
            "the date range is not valid (at most 92 days)",
            Some("to"),
        )
    })?;
    Ok((shops, from, to))
}

async fn report<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    signed: SignedIn,
    Query(q): Query<RangeQuery>,
) -> ApiResult<Json<report::OwnerReport>> {
    let (shops, from, to) = scope(&app, &signed, &q).await?;
    Ok(Json(
        report::build(&app.store, &shops, from, to, app.clock.now()).await?,
    ))
}

async fn sales_csv<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    signed: SignedIn,
    Query(q): Query<RangeQuery>,
) -> ApiResult<Response> {
    let (shops, from, to) = scope(&app, &signed, &q).await?;
    let csv = report::sales_csv(&app.store, &shops, from, to).await?;
    let name = format!("attachment; filename=\"konter-penjualan-{from}_{to}.csv\"");
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (CONTENT_DISPOSITION, name),
        ],
        // A BOM, so spreadsheet programs read the names as UTF-8.
        format!("\u{feff}{csv}"),
    )
        .into_response())
}

#[derive(Serialize)]
pub struct SaldoView {
    pub saldo: Saldo,
    pub history: Vec<SaldoLine>,
    pub deposits: Vec<Deposit>,
}

/// One saldo movement for the page.
#[derive(Serialize)]
pub struct SaldoLine {
    pub at: chrono::DateTime<chrono::Utc>,
    pub reason: konter_domain::api::v1::SaldoReason,
    pub amount_idr: Rupiah,
    pub saldo: Saldo,
    pub order_id: Option<String>,
    pub deposit_id: Option<String>,
    pub reference: Option<String>,
}

async fn one_shop<S: Store>(
    app: &App<S>,
    signed: &SignedIn,
    asked: Option<&str>,
) -> ApiResult<Shop> {
    let owned = app.store.owner_shops(signed.session.owner.id).await?;
    let first = owned.first().cloned();
    match asked.filter(|a| !a.is_empty()) {
        None => first.ok_or_else(shop_unknown),
        Some(_) => report::pick(owned, asked)
            .and_then(|v| v.into_iter().next())
            .ok_or_else(shop_unknown),
    }
}

#[derive(Deserialize)]
pub struct ShopQuery {
    pub shop: Option<String>,
}

async fn saldo<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    signed: SignedIn,
    Query(q): Query<ShopQuery>,
) -> ApiResult<Json<SaldoView>> {
    let shop = one_shop(&app, &signed, q.shop.as_deref()).await?;
    let (saldo, history, deposits) = tokio::try_join!(
        app.store.saldo(shop.id),
        app.store.money_history(shop.id, HISTORY_LIMIT),
        app.store.deposits_of(shop.id, HISTORY_LIMIT),
    )?;
    let history = history
        .into_iter()
        .filter_map(|c: Change| match c.kind {
            konter_domain::api::v1::ChangeKind::Saldo { movement } => Some(SaldoLine {
                at: c.at,
                reason: movement.reason,
                amount_idr: movement.amount_idr,
                saldo: movement.saldo,
                order_id: movement.order_id.map(|id| id.to_string()),
                deposit_id: movement.deposit_id.map(|id| id.to_string()),
                reference: movement.reference,
            }),
            _ => None,
        })
        .collect();
    Ok(Json(SaldoView {
        saldo,
        history,
        deposits,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepositRequest {
    pub shop: String,
    pub amount_idr: Rupiah,
    pub method: DepositMethod,
    #[serde(default)]
    pub bank: Option<String>,
}

async fn create_deposit<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    signed: SignedIn,
    ApiJson(req): ApiJson<DepositRequest>,
) -> ApiResult<(StatusCode, Json<Deposit>)> {
    let shop = one_shop(&app, &signed, Some(&req.shop)).await?;
    let (status, deposit) = crate::deposits::create(
        &app,
        shop.id,
        CreateDeposit {
            id: DepositId::new(),
            amount_idr: req.amount_idr,
            method: req.method,
            bank: req.bank,
        },
    )
    .await?;
    tracing::info!(owner_id = %signed.session.owner.id, shop_id = %shop.id, deposit_id = %deposit.id, "owner requested a deposit");
    Ok((status, Json(deposit)))
}

async fn settings<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    signed: SignedIn,
    Query(q): Query<ShopQuery>,
) -> ApiResult<Json<ShopSettings>> {
    let shop = one_shop(&app, &signed, q.shop.as_deref()).await?;
    Ok(Json(app.store.shop_settings(shop.id).await?))
}

/// Saves one outlet's settings; every counter of it receives them through the change feed.
async fn save_settings<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    signed: SignedIn,
    Query(q): Query<ShopQuery>,
    ApiJson(settings): ApiJson<ShopSettings>,
) -> ApiResult<Json<ShopSettings>> {
    let shop = one_shop(&app, &signed, q.shop.as_deref()).await?;
    let saved = crate::http::settings::save(&app, shop.id, &settings).await?;
    tracing::info!(owner_id = %signed.session.owner.id, shop_id = %shop.id, version = saved.version, "owner saved the shop's settings");
    Ok(Json(saved))
}
