//! `POST /v1/journal`: a device's sales and shift closes for the owner's figures
//! (docs/owners.md). Each entry is answered on its own: stored (201), the same entry again
//! (200), refused naming the field (422), or an id already used for other facts (409). A
//! 4xx is final; the device drops that entry and keeps the rest flowing.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use konter_domain::api::v1::ApiError;
use konter_domain::journal::{
    Batch, BatchResult, Entry, EntryOutcome, EntryResult, MAX_JOURNAL_BATCH, check_batch,
};

use super::error::{ApiFailure, ApiResult};
use super::extract::{ApiJson, Device};
use crate::App;
use crate::store::Store;
use crate::store::journal::JournalWrite;

pub async fn record<S: Store + Clone + 'static>(
    State(app): State<App<S>>,
    Device(device): Device,
    ApiJson(batch): ApiJson<Batch>,
) -> ApiResult<Json<BatchResult>> {
    check_batch(&batch).map_err(|e| ApiFailure::invalid(&e))?;
    let mut results: Vec<Option<EntryResult>> = vec![None; batch.entries.len()];
    let mut valid: Vec<(usize, Entry)> = Vec::with_capacity(MAX_JOURNAL_BATCH);
    for (i, entry) in batch.entries.into_iter().enumerate() {
        match entry.check() {
            Ok(()) => valid.push((i, entry)),
            Err(e) => {
                results[i] = Some(EntryResult {
                    id: entry.id(),
                    status: StatusCode::UNPROCESSABLE_ENTITY.as_u16(),
                    outcome: EntryOutcome::Refused,
                    error: Some(ApiError::from_field_error(&e)),
                });
            }
        }
    }
    let entries: Vec<Entry> = valid.iter().map(|(_, e)| e.clone()).collect();
    let writes = app
        .store
        .record_journal(device.shop_id, device.device_id, &entries, app.clock.now())
        .await?;
    for ((i, entry), write) in valid.into_iter().zip(writes) {
        let (status, outcome, error) = match write {
            JournalWrite::Stored => (StatusCode::CREATED, EntryOutcome::Stored, None),
            JournalWrite::Exists => (StatusCode::OK, EntryOutcome::Exists, None),
            JournalWrite::Conflict => (
                StatusCode::CONFLICT,
                EntryOutcome::Refused,
                Some(
                    ApiFailure::new(
                        StatusCode::CONFLICT,
                        "id_conflict",
                        "id ini sudah tercatat dengan isi lain",
                        "this id was recorded with other facts",
                        Some("id"),
                    )
                    .body,
                ),
            ),
        };
        results[i] = Some(EntryResult {
            id: entry.id(),
            status: status.as_u16(),
            outcome,
            error,
        });
    }
    Ok(Json(BatchResult {
        results: results.into_iter().flatten().collect(),
    }))
}
