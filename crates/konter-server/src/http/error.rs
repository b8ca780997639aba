//! The one error answer of the API: `{"code", "message", "field"}` with a 4xx or 5xx status.
//! Messages are Bahasa Indonesia first, English after ` / `.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use konter_domain::FieldError;
use konter_domain::api::v1::ApiError;

use crate::store::StoreError;

#[derive(Debug)]
pub struct ApiFailure {
    pub status: StatusCode,
    pub body: ApiError,
}

impl ApiFailure {
    pub fn new(
        status: StatusCode,
        code: &str,
        message_id: &str,
        message_en: &str,
        field: Option<&str>,
    ) -> ApiFailure {
        ApiFailure {
            status,
            body: ApiError {
                code: code.to_owned(),
                message: format!("{message_id} / {message_en}"),
                field: field.map(str::to_owned),
            },
        }
    }

    /// A domain input error: 422, naming its field.
    pub fn invalid(e: &dyn FieldError) -> ApiFailure {
        ApiFailure {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: ApiError::from_field_error(e),
        }
    }

    pub fn not_found(what_id: &str, what_en: &str) -> ApiFailure {
        ApiFailure::new(
            StatusCode::NOT_FOUND,
            "not_found",
            &format!("{what_id} tidak ditemukan"),
            &format!("{what_en} not found"),
            None,
        )
    }

    pub fn unauthorized() -> ApiFailure {
        ApiFailure::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "token perangkat tidak sah atau sudah dicabut",
            "the device token is missing, wrong or revoked",
            Some("authorization"),
        )
    }

    /// A failure of ours. The detail goes to the log; the client gets a generic answer.
    pub fn internal(detail: impl std::fmt::Display) -> ApiFailure {
        tracing::error!(error = %detail, "internal error");
        ApiFailure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "kesalahan di server, coba lagi",
            "server error, try again",
            None,
        )
    }
}

impl From<StoreError> for ApiFailure {
    fn from(e: StoreError) -> ApiFailure {
        match e {
            StoreError::NotFound(what) => ApiFailure::not_found(what, what),
            StoreError::Conflict(detail) => ApiFailure::new(
                StatusCode::CONFLICT,
                "status_conflict",
                "status pesanan tidak bisa diubah begitu",
                &detail,
                Some("status"),
            ),
            other => ApiFailure::internal(other),
        }
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiFailure>;
