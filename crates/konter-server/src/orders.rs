//! Taking an order: validate, price, hold, store — or answer a retry with what was stored.

use axum::http::StatusCode;
use konter_domain::FieldError;
use konter_domain::api::v1::{CreateOrder, Order};
use konter_domain::bill::bill_day_start;
use konter_domain::catalogue::Category;
use konter_domain::ids::{InquiryId, OrderId};
use konter_domain::money::{MAX_ABS_IDR, Rupiah};
use konter_domain::target::Target;
use sha2::{Digest, Sha256};

use crate::App;
use crate::http::error::{ApiFailure, ApiResult};
use crate::metrics::Metrics;
use crate::store::{
    AuthDevice, NewOrder, PlaceOutcome, Refusal, RefuseOutcome, Store, StoredOrder,
};

/// The request's fingerprint: SHA-256 of its canonical JSON (the parsed request written
/// back out), so whitespace and key order do not make a retry look different.
pub fn request_hash<T: serde::Serialize>(req: &T) -> ApiResult<String> {
    let canonical = serde_json::to_vec(req).map_err(ApiFailure::internal)?;
    Ok(hex::encode(Sha256::digest(&canonical)))
}

/// What a retry of a stored order gets.
fn replay(
    stored: StoredOrder,
    device: AuthDevice,
    hash: &str,
    app_metrics: &Metrics,
) -> ApiResult<(StatusCode, Order)> {
    // A conflict is counted as a rejection by `create`, like every other refusal.
    if stored.shop_id != device.shop_id || stored.request_hash != hash {
        return Err(id_conflict());
    }
    Metrics::inc(&app_metrics.orders_replayed);
    Ok((StatusCode::OK, stored.order))
}

fn id_conflict() -> ApiFailure {
    ApiFailure::new(
        StatusCode::CONFLICT,
        "id_conflict",
        "id pesanan ini sudah dipakai untuk pesanan lain",
        "this order id was already used for a different order",
        Some("id"),
    )
}

/// What a copy of a refused order id gets: the first copy's refusal, word for word.
fn replay_refusal(kept: Refusal, device: AuthDevice, hash: &str) -> ApiFailure {
    if kept.shop_id != device.shop_id || kept.request_hash != hash {
        return id_conflict();
    }
    let status = StatusCode::from_u16(kept.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    match serde_json::from_str(&kept.body) {
        Ok(body) => ApiFailure { status, body },
        Err(e) => ApiFailure::internal(e),
    }
}

fn missing(field: &str) -> ApiFailure {
    ApiFailure::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "missing_field",
        &format!("'{field}' wajib diisi"),
        &format!("'{field}' is required"),
        Some(field),
    )
}

/// Accepts one order for the device's shop. `201` when stored now, `200` for a retry of the
/// same order; errors change nothing.
pub async fn create<S: Store + Clone + 'static>(
    app: &App<S>,
    device: AuthDevice,
    req: CreateOrder,
) -> ApiResult<(StatusCode, Order)> {
    let result = create_inner(app, device, req).await;
    if result.is_err() {
        Metrics::inc(&app.metrics.orders_rejected);
    }
    result
}

async fn create_inner<S: Store + Clone + 'static>(
    app: &App<S>,
    device: AuthDevice,
    req: CreateOrder,
) -> ApiResult<(StatusCode, Order)> {
    let hash = request_hash(&req)?;
    let refusal = match validate(app, device, &req, &hash).await {
        Ok(new) => match place(app, device, &new, &hash).await? {
            Ok(answer) => return Ok(answer),
            Err(refusal) => refusal,
        },
        Err(refusal) => refusal,
    };
    if refusal.status.is_server_error() {
        // Not final: the counter sends the order again.
        return Err(refusal);
    }
    // A refusal is final for the counter — the customer gets the cash back — so it is final
    // for every copy of this id: kept, unless a copy was stored first (then that copy's
    // order is the answer, even when the same request would no longer pass today).
    let body = serde_json::to_string(&refusal.body).map_err(ApiFailure::internal)?;
    let kept = Refusal {
        id: req.id,
        shop_id: device.shop_id,
        request_hash: hash.clone(),
        status: refusal.status.as_u16(),
        body,
        at: app.clock.now(),
    };
    match app.store.refuse_order(&kept).await? {
        RefuseOutcome::Exists(stored) => replay(stored, device, &hash, &app.metrics),
        RefuseOutcome::Refused(kept) => Err(replay_refusal(kept, device, &hash)),
    }
}

/// Stores a validated order: the answer, or the refusal the intake decided on.
async fn place<S: Store + Clone + 'static>(
    app: &App<S>,
    device: AuthDevice,
    new: &NewOrder,
    hash: &str,
) -> ApiResult<Result<(StatusCode, Order), ApiFailure>> {
    let price = new.price;
    Ok(match app.store.place_order(new).await? {
        PlaceOutcome::Created(order) => {
            Metrics::inc(&app.metrics.orders_accepted);
            app.fulfil_wake.order_arrived();
            app.feed.changed(device.shop_id);
            tracing::info!(order_id = %order.id, shop_id = %device.shop_id, sku = %order.sku, price_idr = price.idr(), "order accepted");
            Ok((StatusCode::CREATED, order))
        }
        PlaceOutcome::Exists(stored) => return replay(stored, device, hash, &app.metrics).map(Ok),
        // A copy of an id refused before: that answer, not refused (nor kept) anew.
        PlaceOutcome::Refused(kept) => return Err(replay_refusal(kept, device, hash)),
        PlaceOutcome::BillPaid => Err(bill_paid()),
        PlaceOutcome::BillPaymentOpen { earlier } => Err(bill_payment_open(earlier)),
        PlaceOutcome::SaldoShort { available } => Err(ApiFailure::new(
            StatusCode::PAYMENT_REQUIRED,
            "saldo_short",
            &format!("saldo tidak cukup: tersedia {available}, perlu {price}"),
            &format!("saldo too low: {available} available, {price} needed"),
            Some("max_price_idr"),
        )),
    })
}

/// Checks a new order against the catalogue and prices it; the order to store, or why not.
async fn validate<S: Store + Clone + 'static>(
    app: &App<S>,
    device: AuthDevice,
    req: &CreateOrder,
    hash: &str,
) -> ApiResult<NewOrder> {
    let max_price = req.max_price_idr;
    if !max_price.is_positive() || max_price.idr() > MAX_ABS_IDR {
        return Err(ApiFailure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "amount_invalid",
            "harga maksimum harus lebih dari nol",
            "the maximum price must be more than zero",
            Some("max_price_idr"),
        ));
    }
    if let Some(inquiry) = req.inquiry_id {
        return validate_bill(app, device, req, inquiry, hash).await;
    }
    let sku = req.sku.as_ref().ok_or_else(|| missing("sku"))?;
    let target_text = req.target.as_deref().ok_or_else(|| missing("target"))?;
    let catalogue = app.catalogue.get(&app.store).await?;
    let entry = catalogue.entry(sku.as_str()).ok_or_else(|| {
        ApiFailure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_sku",
            &format!("produk '{sku}' tidak ada"),
            &format!("there is no product '{sku}'"),
            Some("sku"),
        )
    })?;
    if entry.product.category == Category::Bill {
        return Err(ApiFailure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bill_needs_inquiry",
            "tagihan dibayar lewat cek tagihan dulu (inquiry_id)",
            "a bill is paid through its inquiry (inquiry_id)",
            Some("inquiry_id"),
        ));
    }
    let target = Target::parse(entry.product.input, target_text, entry.product.operator)
        .map_err(|e| ApiFailure::invalid(&e as &dyn FieldError))?;
    let now = app.clock.now();
    let (price, cost) = catalogue.quote(entry, device.tier, now).map_err(|why| {
        let (id, en) = why.message();
        ApiFailure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "product_unavailable",
            id,
            en,
            Some("sku"),
        )
    })?;
    if price > max_price {
        return Err(price_changed(price, max_price));
    }
    Ok(NewOrder {
        id: req.id,
        shop_id: device.shop_id,
        device_id: device.device_id,
        request_hash: hash.to_owned(),
        sku: sku.to_string(),
        target: target.to_string(),
        price,
        cost,
        max_price,
        inquiry_id: None,
        now,
    })
}

/// A bill payment: the order pays exactly the inquiry's total, before the inquiry's day
/// ends, and only if no other order paid it.
async fn validate_bill<S: Store + Clone + 'static>(
    app: &App<S>,
    device: AuthDevice,
    req: &CreateOrder,
    inquiry_id: InquiryId,
    hash: &str,
) -> ApiResult<NewOrder> {
    let stored = app
        .store
        .inquiry(inquiry_id)
        .await?
        .filter(|s| s.shop_id == device.shop_id)
        .ok_or_else(|| {
            ApiFailure::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_inquiry",
                "cek tagihan ini tidak ada; cek tagihan lagi",
                "there is no such bill inquiry; look the bill up again",
                Some("inquiry_id"),
            )
        })?;
    let inquiry = &stored.inquiry;
    let differs = req.sku.as_ref().is_some_and(|s| *s != inquiry.sku)
        || req
            .target
            .as_deref()
            .is_some_and(|t| t != inquiry.customer_no);
    if differs {
        return Err(ApiFailure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "inquiry_mismatch",
            "produk atau nomor pelanggan tidak sama dengan cek tagihan",
            "the product or customer number differs from the inquiry's",
            Some("inquiry_id"),
        ));
    }
    if inquiry.order_id.is_some() {
        return Err(bill_paid());
    }
    let now = app.clock.now();
    // Another inquiry of the same bill: refused while an earlier payment is open (the
    // supplier still shows the bill unpaid then) or after one succeeded today.
    let earlier = app
        .store
        .bill_payment_of(
            device.shop_id,
            inquiry.sku.as_str(),
            &inquiry.customer_no,
            bill_day_start(now),
        )
        .await?;
    // Checked again in the order's transaction, where two counters paying it at the same
    // moment meet.
    if let Some(earlier) = earlier.filter(|o| *o != req.id) {
        return Err(bill_payment_open(earlier));
    }
    if now >= inquiry.expires_at {
        return Err(ApiFailure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "inquiry_expired",
            "cek tagihan sudah lewat hari; cek tagihan lagi sebelum membayar",
            "the inquiry is from an earlier day; look the bill up again before paying",
            Some("inquiry_id"),
        ));
    }
    let price = inquiry.bill.total_idr;
    if price > req.max_price_idr {
        return Err(price_changed(price, req.max_price_idr));
    }
    Ok(NewOrder {
        id: req.id,
        shop_id: device.shop_id,
        device_id: device.device_id,
        request_hash: hash.to_owned(),
        sku: inquiry.sku.to_string(),
        target: inquiry.customer_no.clone(),
        price,
        cost: stored.cost,
        max_price: req.max_price_idr,
        inquiry_id: Some(inquiry_id),
        now,
    })
}

fn bill_payment_open(earlier: OrderId) -> ApiFailure {
    ApiFailure::new(
        StatusCode::CONFLICT,
        "bill_payment_open",
        &format!(
            "tagihan nomor ini sudah dibayar atau sedang diproses hari ini (pesanan {earlier})"
        ),
        &format!("this customer's bill was paid or is being paid today (order {earlier})"),
        Some("inquiry_id"),
    )
}

fn bill_paid() -> ApiFailure {
    ApiFailure::new(
        StatusCode::CONFLICT,
        "bill_already_paid",
        "tagihan ini sudah dibayar dengan pesanan lain",
        "this bill was already paid by another order",
        Some("inquiry_id"),
    )
}

fn price_changed(price: Rupiah, max: Rupiah) -> ApiFailure {
    ApiFailure::new(
        StatusCode::CONFLICT,
        "price_changed",
        &format!("harga berubah: sekarang {price}, batas {max}"),
        &format!("the price changed: now {price}, limit {max}"),
        Some("max_price_idr"),
    )
}
