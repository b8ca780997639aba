//! Looking a bill up: `POST /v1/bills/inquiry` asks the supplier (`inq-pasca`) under a
//! ref_id derived from the device's inquiry id, keeps the answer, and gives the device the
//! bill to read out. The order that pays it names the inquiry (see `orders.rs`), and its
//! payment goes out under the same ref_id (see `fulfil.rs`).

use axum::http::StatusCode;
use konter_domain::api::v1::{BillInquiry, BillInquiryRequest};
use konter_domain::bill::{CustomerNo, inquiry_expires_at};
use konter_domain::catalogue::Category;
use konter_domain::target::InputSchema;

use crate::App;
use crate::http::error::{ApiFailure, ApiResult};
use crate::orders::request_hash;
use crate::store::{AuthDevice, Store, StoredInquiry};
use crate::suppliers::{InquiryError, inquiry_ref_id};

fn conflict() -> ApiFailure {
    ApiFailure::new(
        StatusCode::CONFLICT,
        "id_conflict",
        "id cek tagihan ini sudah dipakai untuk tagihan lain",
        "this inquiry id was already used for a different bill",
        Some("id"),
    )
}

/// What a retry of a stored inquiry gets: the stored bill, or 409 for another request.
fn replay(stored: StoredInquiry, device: AuthDevice, hash: &str) -> ApiResult<BillInquiry> {
    if stored.shop_id != device.shop_id || stored.request_hash != hash {
        return Err(conflict());
    }
    Ok(stored.inquiry)
}

/// Looks a bill up for the device's shop. A retry with the same id answers the stored bill
/// without asking the supplier again.
pub async fn inquire<S: Store + Clone + 'static>(
    app: &App<S>,
    device: AuthDevice,
    req: BillInquiryRequest,
) -> ApiResult<(StatusCode, BillInquiry)> {
    let hash = request_hash(&req)?;
    if let Some(stored) = app.store.inquiry(req.id).await? {
        return replay(stored, device, &hash).map(|i| (StatusCode::OK, i));
    }
    let catalogue = app.catalogue.get(&app.store).await?;
    let entry = catalogue
        .entry(req.sku.as_str())
        .filter(|e| e.product.category == Category::Bill)
        .ok_or_else(|| {
            ApiFailure::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_sku",
                &format!("'{}' bukan produk tagihan", req.sku),
                &format!("'{}' is not a bill product", req.sku),
                Some("sku"),
            )
        })?;
    let InputSchema::Bill { bill: kind } = entry.product.input else {
        return Err(ApiFailure::internal("a bill product without a bill input"));
    };
    let customer_no =
        CustomerNo::parse(kind, &req.customer_no).map_err(|e| ApiFailure::invalid(&e))?;
    let unavailable = |en: &str| {
        ApiFailure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "product_unavailable",
            "produk tagihan ini sedang tidak tersedia",
            en,
            Some("sku"),
        )
    };
    if !entry.product.active {
        return Err(unavailable("the bill product is inactive"));
    }
    let mut offers: Vec<_> = entry
        .suppliers
        .iter()
        .filter(|o| o.active && app.suppliers.pays_bills(&o.supplier))
        .collect();
    offers.sort_by_key(|o| o.priority);
    let offer = offers
        .first()
        .ok_or_else(|| unavailable("no configured supplier pays this bill"))?;
    let ref_id = inquiry_ref_id(req.id);
    // The supplier's day is the one the inquiry was asked on, whenever the answer comes.
    let asked_at = app.clock.now();
    let (result, call) = app
        .suppliers
        .bill_inquiry(
            &offer.supplier,
            &ref_id,
            &offer.supplier_sku,
            customer_no.as_str(),
        )
        .await;
    let now = app.clock.now();
    if let Some(call) = call {
        let outcome = match &result {
            Ok(_) => "success",
            Err(InquiryError::NotFound(_)) => "not_found",
            Err(_) => "unavailable",
        };
        let row =
            crate::fulfil::audit_row(None, Some(&ref_id), &offer.supplier, &call, outcome, now);
        crate::fulfil::log_call(&app.store, &row).await;
    }
    let answer = result.map_err(|e| match e {
        InquiryError::NotFound(message) => ApiFailure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bill_not_found",
            &format!("tagihan tidak ditemukan: {message}"),
            &format!("no bill found: {message}"),
            Some("customer_no"),
        ),
        InquiryError::NotOffered => unavailable("no configured supplier pays this bill"),
        InquiryError::Unavailable(why) => {
            tracing::warn!(error = %why, ref_id = %ref_id, "a bill inquiry got no usable answer");
            ApiFailure::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "inquiry_unavailable",
                "pemasok tidak menjawab cek tagihan; coba lagi",
                "the supplier did not answer the bill inquiry; retry",
                None,
            )
        }
    })?;
    let stored = StoredInquiry {
        shop_id: device.shop_id,
        device_id: device.device_id,
        request_hash: hash.clone(),
        supplier: offer.supplier.clone(),
        supplier_sku: offer.supplier_sku.clone(),
        ref_id,
        cost: answer.cost,
        inquiry: BillInquiry {
            inquiry_id: req.id,
            sku: req.sku.clone(),
            kind,
            product_name: entry.product.name.clone(),
            customer_no: customer_no.as_str().to_owned(),
            bill: answer.bill,
            expires_at: inquiry_expires_at(asked_at),
            created_at: now,
            order_id: None,
        },
    };
    match app.store.save_inquiry(&stored).await? {
        None => {
            tracing::info!(inquiry_id = %req.id, shop_id = %device.shop_id, sku = %req.sku,
                total_idr = stored.inquiry.bill.total_idr.idr(), "bill inquired");
            Ok((StatusCode::CREATED, stored.inquiry))
        }
        Some(existing) => replay(existing, device, &hash).map(|i| (StatusCode::OK, i)),
    }
}
