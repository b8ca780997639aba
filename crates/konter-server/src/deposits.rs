//! Saldo deposits through the payment gateway: the request, the gateway's signed
//! notification, and the confirmation that credits the saldo exactly once.

use axum::http::StatusCode;
use konter_domain::api::v1::{CreateDeposit, Deposit, DepositMethod, DepositStatus};
use konter_domain::ids::ShopId;
use konter_domain::money::Rupiah;
use serde::Deserialize;

use crate::App;
use crate::http::error::{ApiFailure, ApiResult};
use crate::metrics::Metrics;
use crate::midtrans::{GatewayError, Status, gateway_order_id};
use crate::orders::request_hash;
use crate::store::{Store, StoreResult, StoredDeposit};

/// Smallest deposit: below this the gateway fee is out of proportion.
pub const MIN_DEPOSIT_IDR: i64 = 10_000;
/// Largest single deposit: a week of a busy konter's sales; more is split or done by hand.
pub const MAX_DEPOSIT_IDR: i64 = 50_000_000;
/// Banks the VA method offers, as the gateway names them.
pub const VA_BANKS: [&str; 4] = ["bca", "bni", "bri", "permata"];

fn invalid(code: &str, id: &str, en: &str, field: &str) -> ApiFailure {
    ApiFailure::new(StatusCode::UNPROCESSABLE_ENTITY, code, id, en, Some(field))
}

fn gateway_failure(e: GatewayError) -> ApiFailure {
    tracing::warn!(error = %e, "midtrans call failed");
    ApiFailure::new(
        StatusCode::BAD_GATEWAY,
        "gateway_unavailable",
        "gateway pembayaran tidak bisa dihubungi; coba lagi dengan permintaan yang sama",
        "the payment gateway could not be reached; retry the same request",
        None,
    )
}

/// `POST /v1/deposits` (a device) and `POST /owner/api/deposits` (an owner, for one of their
/// shops): creates the charge and answers with how to pay. Retrying the same
/// request returns the same instructions; the same id with another body is a 409.
pub async fn create<S: Store + Clone + 'static>(
    app: &App<S>,
    shop: ShopId,
    req: CreateDeposit,
) -> ApiResult<(StatusCode, Deposit)> {
    let hash = request_hash(&req)?;
    if let Some(existing) = app.store.deposit(req.id).await? {
        if existing.shop_id != shop || existing.request_hash != hash {
            return Err(ApiFailure::new(
                StatusCode::CONFLICT,
                "id_conflict",
                "id deposit ini sudah dipakai untuk permintaan lain",
                "this deposit id was already used for a different request",
                Some("id"),
            ));
        }
        return Ok((StatusCode::OK, existing.deposit));
    }
    let amount = req.amount_idr.idr();
    if !(MIN_DEPOSIT_IDR..=MAX_DEPOSIT_IDR).contains(&amount) {
        return Err(invalid(
            "amount_out_of_range",
            &format!(
                "deposit harus {} sampai {}",
                Rupiah::from_idr(MIN_DEPOSIT_IDR),
                Rupiah::from_idr(MAX_DEPOSIT_IDR)
            ),
            &format!(
                "a deposit must be {} to {}",
                Rupiah::from_idr(MIN_DEPOSIT_IDR),
                Rupiah::from_idr(MAX_DEPOSIT_IDR)
            ),
            "amount_idr",
        ));
    }
    let bank = match (req.method, req.bank.as_deref()) {
        (DepositMethod::Va, None) => Some("bca".to_owned()),
        (DepositMethod::Va, Some(b)) if VA_BANKS.contains(&b) => Some(b.to_owned()),
        (DepositMethod::Va, Some(_)) => {
            return Err(invalid(
                "bank_unknown",
                "bank harus bca, bni, bri atau permata",
                "bank must be bca, bni, bri or permata",
                "bank",
            ));
        }
        (DepositMethod::Qris, None) => None,
        (DepositMethod::Qris, Some(_)) => {
            return Err(invalid(
                "bank_not_allowed",
                "QRIS tidak memakai bank",
                "QRIS takes no bank",
                "bank",
            ));
        }
    };
    let Some(gateway) = &app.midtrans else {
        return Err(ApiFailure::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "deposits_unavailable",
            "deposit lewat gateway belum diatur di server ini",
            "gateway deposits are not configured on this server",
            None,
        ));
    };
    let order_id = gateway_order_id(req.id);
    let charge = gateway
        .charge(
            &order_id,
            req.amount_idr,
            req.method,
            bank.as_deref().unwrap_or_default(),
        )
        .await
        .map_err(gateway_failure)?;
    let stored = StoredDeposit {
        shop_id: shop,
        request_hash: hash.clone(),
        gateway_order_id: order_id,
        deposit: Deposit {
            id: req.id,
            amount_idr: req.amount_idr,
            method: req.method,
            status: DepositStatus::Pending,
            bank: charge.bank.or(bank),
            va_number: charge.va_number,
            qr_string: charge.qr_string,
            expires_at: charge.expires_at,
            created_at: app.clock.now(),
        },
    };
    match app.store.create_deposit(&stored).await? {
        None => {
            Metrics::inc(&app.metrics.deposits_created);
            tracing::info!(shop_id = %shop, deposit_id = %req.id, amount_idr = amount, "deposit requested");
            Ok((StatusCode::CREATED, stored.deposit))
        }
        // A concurrent retry stored it first.
        Some(existing) if existing.request_hash == hash && existing.shop_id == shop => {
            Ok((StatusCode::OK, existing.deposit))
        }
        Some(_) => Err(ApiFailure::new(
            StatusCode::CONFLICT,
            "id_conflict",
            "id deposit sudah dipakai",
            "deposit id already used",
            Some("id"),
        )),
    }
}

/// The fields of a Midtrans notification we rely on; the rest is ignored.
#[derive(Deserialize)]
pub struct Notification {
    pub order_id: String,
    pub status_code: String,
    pub gross_amount: String,
    pub signature_key: String,
    pub transaction_status: String,
}

fn hook_refused(status: StatusCode, code: &str, en: &str) -> ApiFailure {
    ApiFailure::new(status, code, "notifikasi ditolak", en, None)
}

/// `POST /hooks/midtrans`. The signature is checked first (401 changes nothing); then the
/// gateway's status API, not the payload, decides what happened.
pub async fn notification<S: Store + Clone + 'static>(
    app: &App<S>,
    n: Notification,
) -> ApiResult<&'static str> {
    let Some(gateway) = &app.midtrans else {
        return Err(hook_refused(
            StatusCode::NOT_FOUND,
            "not_configured",
            "Midtrans is not configured",
        ));
    };
    if !gateway.verify(
        &n.order_id,
        &n.status_code,
        &n.gross_amount,
        &n.signature_key,
    ) {
        Metrics::inc(&app.metrics.webhooks_rejected);
        crate::alarms::note_bad_signature(app, "midtrans").await;
        return Err(hook_refused(
            StatusCode::UNAUTHORIZED,
            "bad_signature",
            "the signature does not match",
        ));
    }
    let Some(stored) = app.store.deposit_by_gateway_id(&n.order_id).await? else {
        return Err(hook_refused(
            StatusCode::NOT_FOUND,
            "unknown_order",
            "no deposit has this order_id",
        ));
    };
    let status = gateway.status(&n.order_id).await.map_err(gateway_failure)?;
    tracing::info!(deposit_id = %stored.deposit.id, shop_id = %stored.shop_id, notified = %n.transaction_status, confirmed = %status.transaction_status, "midtrans notification");
    apply_status(app, &stored, &status).await?;
    Ok("ok")
}

/// What the gateway's status API says about a deposit, applied once: paid credits the
/// saldo (only for the amount asked), expired, cancelled and failed close it, anything
/// else leaves it pending.
async fn apply_status<S: Store + Clone + 'static>(
    app: &App<S>,
    stored: &StoredDeposit,
    status: &Status,
) -> ApiResult<()> {
    let deposit = &stored.deposit;
    let now = app.clock.now();
    if status.is_paid() {
        let paid = status
            .gross_amount
            .as_deref()
            .map(Rupiah::from_decimal_str)
            .and_then(Result::ok);
        if paid != Some(deposit.amount_idr) {
            tracing::error!(deposit_id = %deposit.id, gateway_amount = ?status.gross_amount, "paid amount differs from the deposit; not credited");
            return Err(hook_refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "amount_mismatch",
                "the paid amount differs from the deposit",
            ));
        }
        if app.store.deposit_paid(deposit.id, now).await? {
            Metrics::inc(&app.metrics.deposits_paid);
            app.feed.changed(stored.shop_id);
        }
    } else {
        let closed = match status.transaction_status.as_str() {
            "expire" => Some(DepositStatus::Expired),
            "cancel" => Some(DepositStatus::Cancelled),
            "deny" | "failure" => Some(DepositStatus::Failed),
            _ => None,
        };
        if let Some(to) = closed
            && app.store.deposit_closed(deposit.id, to, now).await?
        {
            app.feed.changed(stored.shop_id);
        }
    }
    Ok(())
}

/// How long a deposit's notification has to come before the workers ask the gateway.
pub const ASK_AFTER: chrono::TimeDelta = chrono::TimeDelta::minutes(2);

/// How often the workers ask about pending deposits.
pub const ASK_EVERY: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// Most deposits asked about in one round (the oldest first).
const ASK_AT_MOST: u32 = 200;

/// Asks the gateway about every deposit still pending after [`ASK_AFTER`] and applies the
/// answer. A notification can fail every time it is sent (our server down, the status API
/// down while it was checking) and the gateway gives up after a few tries: without this a
/// deposit the customer paid would never reach the saldo. Returns how many changed.
pub async fn reconcile<S: Store + Clone + 'static>(app: &App<S>) -> StoreResult<usize> {
    let Some(gateway) = &app.midtrans else {
        return Ok(0);
    };
    let pending = app
        .store
        .pending_deposits(app.clock.now() - ASK_AFTER, ASK_AT_MOST)
        .await?;
    let mut changed = 0;
    for stored in pending {
        let status = match gateway.status(&stored.gateway_order_id).await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(deposit_id = %stored.deposit.id, error = %e, "asking the gateway about a pending deposit failed; asked again next round");
                continue;
            }
        };
        if status.transaction_status == "pending" {
            continue;
        }
        tracing::info!(deposit_id = %stored.deposit.id, shop_id = %stored.shop_id, confirmed = %status.transaction_status, "pending deposit asked about");
        match apply_status(app, &stored, &status).await {
            Ok(()) => changed += 1,
            Err(e) => {
                tracing::warn!(deposit_id = %stored.deposit.id, code = %e.body.code, "pending deposit not settled");
            }
        }
    }
    Ok(changed)
}
