//! Request extractors that answer in the API's error shape: JSON bodies whose errors name
//! the field (via `serde_path_to_error`), and the device's bearer token.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::ApiFailure;
use crate::App;
use crate::auth::hash_secret;
use crate::store::{AuthDevice, Store};

/// A JSON body. Errors: 415 without a JSON content type, 413 over the body limit, 400 for
/// malformed JSON, 422 for a wrong field (named in `field`).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiFailure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json {
            return Err(ApiFailure::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "content_type",
                "kirim JSON dengan Content-Type: application/json",
                "send JSON with Content-Type: application/json",
                None,
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|_| {
            ApiFailure::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "isi permintaan terlalu besar",
                "the request body is too large",
                None,
            )
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses a JSON body, naming the field an error is about.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiFailure> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let syntax = matches!(
            inner.classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        );
        if syntax {
            return ApiFailure::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                "JSON tidak bisa dibaca",
                &format!("malformed JSON: {inner}"),
                None,
            );
        }
        // A missing or unknown field is reported at the parent; take its name from serde's
        // message, which quotes it in backticks.
        let named = inner
            .to_string()
            .split('`')
            .nth(1)
            .map(str::to_owned)
            .filter(|_| path == ".");
        let field = named.unwrap_or(path);
        ApiFailure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            &format!("isian '{field}' tidak sah"),
            &format!("field '{field}': {inner}"),
            Some(&field),
        )
    })
}

/// The authenticated device. Every device endpoint takes this, and every query it makes is
/// scoped by `shop_id`.
pub struct Device(pub AuthDevice);

impl<S: Store + Clone + 'static> FromRequestParts<App<S>> for Device {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, app: &App<S>) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(ApiFailure::unauthorized)?;
        let device = app
            .store
            .device_by_token(&hash_secret(token))
            .await?
            .ok_or_else(ApiFailure::unauthorized)?;
        Ok(Device(device))
    }
}

/// The client's address when the server runs on a socket (`None` under `oneshot` tests).
pub struct PeerAddr(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for PeerAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PeerAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}
