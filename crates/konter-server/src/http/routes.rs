//! Handlers: each a few lines of HTTP around a store or service call.

use std::time::Instant;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use konter_domain::api::v1::{
    BatchOrders, BatchOrdersResult, BatchResult, BillInquiry, BillInquiryRequest, Catalog,
    CreateDeposit, CreateOrder, Deposit, GameInquiry, GameInquiryRequest, MAX_BATCH_ORDERS, Order,
    PairRequest, PairResponse, PlnInquiry, PlnInquiryRequest, Saldo,
};
use konter_domain::game::GameTarget;
use konter_domain::ids::{DepositId, DeviceId, OrderId};
use konter_domain::money::Rupiah;
use konter_domain::pln::PlnNumber;
use serde::Deserialize;

use super::error::{ApiFailure, ApiResult};
use super::extract::{ApiJson, Device, PeerAddr};
use crate::App;
use crate::auth::{CODE_LEN, hash_secret, new_token, normalise_code};
use crate::metrics::Metrics;
use crate::store::{PairOutcome, Settlement, Store};
use crate::suppliers::InquiryError;
use crate::{deposits, orders};

/// Longest device name kept; a label for the owner, not a document.
const MAX_DEVICE_NAME: usize = 80;

pub async fn healthz() -> impl IntoResponse {
    Json(serde_json::json!({ "status": "ok" }))
}

pub async fn metrics<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
) -> Result<impl IntoResponse, ApiFailure> {
    let now = app.clock.now();
    let config = &app.config.alarms;
    let queue = app
        .store
        .queue_health(crate::alarms::stale_before(config, now))
        .await?;
    let alarms = app
        .alarms
        .render(&app.suppliers.names(), config, &queue, now);
    Ok((
        [("content-type", "text/plain; version=0.0.4")],
        format!("{}{alarms}", app.metrics.render()),
    ))
}

pub async fn no_route() -> ApiFailure {
    ApiFailure::not_found("alamat", "route")
}

pub async fn pair<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    PeerAddr(addr): PeerAddr,
    ApiJson(req): ApiJson<PairRequest>,
) -> ApiResult<Json<PairResponse>> {
    let now = Instant::now();
    if !app.pair_limiter.allowed(&[addr], now) {
        return Err(ApiFailure::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "terlalu banyak percobaan kode; tunggu 15 menit",
            "too many pairing attempts; wait 15 minutes",
            Some("pairing_code"),
        ));
    }
    let name = req.device_name.trim();
    if name.is_empty() || name.chars().count() > MAX_DEVICE_NAME {
        return Err(ApiFailure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "device_name_invalid",
            "nama perangkat wajib diisi, paling panjang 80 karakter",
            "the device name is required, at most 80 characters",
            Some("device_name"),
        ));
    }
    let code = normalise_code(&req.pairing_code);
    let token = new_token();
    let device_id = DeviceId::new();
    let outcome = if code.len() == CODE_LEN {
        app.store
            .pair_device(
                &hash_secret(&code),
                device_id,
                name,
                &hash_secret(&token),
                app.clock.now(),
            )
            .await?
    } else {
        PairOutcome::Refused
    };
    match outcome {
        PairOutcome::Paired(shop) => {
            Metrics::inc(&app.metrics.pair_succeeded);
            tracing::info!(shop_id = %shop.id, device_id = %device_id, "device paired");
            Ok(Json(PairResponse {
                device_id,
                shop_id: shop.id,
                shop_name: shop.name,
                token,
            }))
        }
        PairOutcome::Refused => {
            app.pair_limiter.failed(vec![addr], now);
            Metrics::inc(&app.metrics.pair_refused);
            Err(ApiFailure::new(
                StatusCode::UNAUTHORIZED,
                "pairing_code_invalid",
                "kode pemasangan salah, sudah dipakai, atau kedaluwarsa",
                "the pairing code is wrong, used or expired",
                Some("pairing_code"),
            ))
        }
    }
}

pub async fn catalog<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    Device(device): Device,
) -> ApiResult<Json<Catalog>> {
    let snapshot = app.catalogue.get(&app.store).await?;
    Ok(Json(Catalog {
        items: snapshot.items_for(device.tier),
        as_of: app.clock.now(),
    }))
}

pub async fn create_order<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    Device(device): Device,
    ApiJson(req): ApiJson<CreateOrder>,
) -> ApiResult<(StatusCode, Json<Order>)> {
    let (status, order) = orders::create(&app, device, req).await?;
    Ok((status, Json(order)))
}

pub async fn create_batch<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    Device(device): Device,
    ApiJson(batch): ApiJson<BatchOrders>,
) -> ApiResult<Json<BatchOrdersResult>> {
    if batch.orders.is_empty() || batch.orders.len() > MAX_BATCH_ORDERS {
        return Err(ApiFailure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "batch_size",
            &format!("kirim 1 sampai {MAX_BATCH_ORDERS} pesanan sekaligus"),
            &format!("send 1 to {MAX_BATCH_ORDERS} orders at once"),
            Some("orders"),
        ));
    }
    let mut results = Vec::with_capacity(batch.orders.len());
    // In order: the device's outbox order is the order the cashier sold in.
    for req in batch.orders {
        let id = req.id;
        results.push(match orders::create(&app, device, req).await {
            Ok((status, order)) => BatchResult {
                id,
                order: Some(order),
                error: None,
                status: status.as_u16(),
            },
            Err(failure) => BatchResult {
                id,
                order: None,
                status: failure.status.as_u16(),
                error: Some(failure.body),
            },
        });
    }
    Ok(Json(BatchOrdersResult { results }))
}

fn parse_order_id(text: &str) -> ApiResult<OrderId> {
    text.parse()
        .map_err(|e: konter_domain::ids::IdError| ApiFailure::invalid(&e))
}

pub async fn get_order<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    Device(device): Device,
    Path(id): Path<String>,
) -> ApiResult<Json<Order>> {
    let id = parse_order_id(&id)?;
    match app.store.order(id).await? {
        // Another shop's order is "not found", exactly like a missing one.
        Some(stored) if stored.shop_id == device.shop_id => Ok(Json(stored.order)),
        _ => Err(ApiFailure::not_found("pesanan", "order")),
    }
}

pub async fn saldo<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    Device(device): Device,
) -> ApiResult<Json<Saldo>> {
    Ok(Json(app.store.saldo(device.shop_id).await?))
}

pub async fn create_deposit<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    Device(device): Device,
    ApiJson(req): ApiJson<CreateDeposit>,
) -> ApiResult<(StatusCode, Json<Deposit>)> {
    let (status, deposit) = deposits::create(&app, device.shop_id, req).await?;
    Ok((status, Json(deposit)))
}

pub async fn get_deposit<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    Device(device): Device,
    Path(id): Path<String>,
) -> ApiResult<Json<Deposit>> {
    let id: DepositId = id
        .parse()
        .map_err(|e: konter_domain::ids::IdError| ApiFailure::invalid(&e))?;
    match app.store.deposit(id).await? {
        Some(stored) if stored.shop_id == device.shop_id => Ok(Json(stored.deposit)),
        _ => Err(ApiFailure::not_found("deposit", "deposit")),
    }
}

pub async fn midtrans_hook<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    ApiJson(n): ApiJson<deposits::Notification>,
) -> ApiResult<Json<serde_json::Value>> {
    deposits::notification(&app, n).await?;
    Ok(Json(serde_json::json!({"status": "ok"})))
}

/// Body of the test-only settle endpoint.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, tag = "outcome", rename_all = "snake_case")]
pub enum SettleRequest {
    Success {
        sn: Option<String>,
        pln_token: Option<String>,
        cost_idr: Option<Rupiah>,
    },
    Failed {
        code: String,
        message: String,
    },
    Refunded {
        code: String,
        message: String,
    },
}

/// `POST /_test/orders/{id}/settle`: settles an order by hand. Mounted only with
/// `testing.allow_manual_settle`; fulfilment workers do this in production.
pub async fn settle<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    Device(device): Device,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<SettleRequest>,
) -> ApiResult<Json<Order>> {
    let id = parse_order_id(&id)?;
    let stored = match app.store.order(id).await? {
        Some(s) if s.shop_id == device.shop_id => s,
        _ => return Err(ApiFailure::not_found("pesanan", "order")),
    };
    let settlement = match req {
        SettleRequest::Success {
            sn,
            pln_token,
            cost_idr,
        } => Settlement::Success {
            sn,
            pln_token,
            cost: cost_idr.unwrap_or(stored.cost),
        },
        SettleRequest::Failed { code, message } => Settlement::Failed { code, message },
        SettleRequest::Refunded { code, message } => Settlement::Refunded { code, message },
    };
    let order = app
        .store
        .settle_order(id, &settlement, app.clock.now())
        .await?;
    Metrics::inc(&app.metrics.orders_settled);
    app.feed.changed(device.shop_id);
    Ok(Json(order))
}

fn inquiry_failure(e: InquiryError, what: &str) -> ApiFailure {
    match e {
        InquiryError::NotFound(message) => ApiFailure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_found",
            &format!("{what} tidak ditemukan: {message}"),
            &format!("{what} not found: {message}"),
            Some("target"),
        ),
        InquiryError::NotOffered => ApiFailure::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "inquiry_unavailable",
            "cek nama tidak tersedia untuk produk ini",
            "no supplier offers this check",
            None,
        ),
        InquiryError::Unavailable(why) => {
            tracing::warn!(error = %why, "an inquiry got no answer");
            ApiFailure::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "inquiry_unavailable",
                "pemasok tidak menjawab; coba lagi atau lanjutkan tanpa cek nama",
                "the supplier did not answer; retry or go on without the check",
                None,
            )
        }
    }
}

/// `POST /v1/bills/inquiry`: a bill looked up at the supplier, to be paid by an order that
/// names its `inquiry_id`.
pub async fn bill_inquiry<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    Device(device): Device,
    ApiJson(req): ApiJson<BillInquiryRequest>,
) -> ApiResult<(StatusCode, Json<BillInquiry>)> {
    let (status, inquiry) = crate::bills::inquire(&app, device, req).await?;
    Ok((status, Json(inquiry)))
}

/// `POST /v1/inquiries/pln`: the customer's name and tariff/power before a PLN sale.
pub async fn pln_inquiry<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    Device(_device): Device,
    ApiJson(req): ApiJson<PlnInquiryRequest>,
) -> ApiResult<Json<PlnInquiry>> {
    let number = PlnNumber::parse(&req.target).map_err(|e| ApiFailure::invalid(&e))?;
    let (result, call) = app.suppliers.pln_inquiry(number.as_str()).await;
    if let Some(call) = call {
        let outcome = match &result {
            Ok(_) => "success",
            Err(InquiryError::NotFound(_)) => "not_found",
            Err(_) => "unavailable",
        };
        let row = crate::fulfil::audit_row(None, None, "inquiry", &call, outcome, app.clock.now());
        crate::fulfil::log_call(&app.store, &row).await;
    }
    result
        .map(Json)
        .map_err(|e| inquiry_failure(e, "nomor PLN"))
}

/// `POST /v1/inquiries/game`: a game account's nickname; `available: false` when no
/// supplier offers the check.
pub async fn game_inquiry<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    Device(_device): Device,
    ApiJson(req): ApiJson<GameInquiryRequest>,
) -> ApiResult<Json<GameInquiry>> {
    let target = GameTarget::parse(req.game, &req.target).map_err(|e| ApiFailure::invalid(&e))?;
    let (result, _call) = app.suppliers.game_inquiry(req.game, &target).await;
    match result {
        Ok(nickname) => Ok(Json(GameInquiry {
            game: req.game,
            target: target.to_string(),
            nickname: Some(nickname),
            available: true,
        })),
        Err(InquiryError::NotOffered) => Ok(Json(GameInquiry {
            game: req.game,
            target: target.to_string(),
            nickname: None,
            available: false,
        })),
        Err(e) => Err(inquiry_failure(e, "ID game")),
    }
}
