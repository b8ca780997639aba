//! Owners' credentials and sessions (docs/owners.md, "Accounts and sessions").
//!
//! - A password is kept only as an Argon2id hash (the `argon2` crate's defaults: 19 MiB,
//!   2 passes, 1 lane, the OWASP minimum) with a random salt.
//! - A one-time setup code (printed by `konter-server owner create`) is kept as a SHA-256,
//!   works once and for [`SETUP_TTL`].
//! - A session is a random 256-bit token in an `HttpOnly; SameSite=Strict` cookie scoped to
//!   `/owner` (`Secure` over TLS); the server keeps its SHA-256 and a CSRF token that every
//!   change must echo in `X-CSRF-Token`. A device token is never a session: the back office
//!   reads only this cookie.
//! - Failed logins and setup attempts are counted per phone and per address.

use std::net::IpAddr;
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::header::COOKIE;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::App;
use crate::auth::{Limiter, hash_secret};
use crate::http::error::ApiFailure;
use crate::store::Store;
use crate::store::journal::OwnerSession;

/// The session cookie's name.
pub const COOKIE_NAME: &str = "konter_owner";
/// How long a session lasts from sign-in.
pub const SESSION_TTL: Duration = Duration::from_secs(14 * 24 * 3600);
/// How long a setup code works.
pub const SETUP_TTL: Duration = Duration::from_secs(72 * 3600);
/// Characters of a setup code (as pairing codes: no look-alikes).
pub const SETUP_CODE_LEN: usize = 10;
pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;
/// Failed sign-ins (or setup attempts) per phone and per address in a window.
pub const LOGIN_FAILURES_PER_WINDOW: u32 = 10;
/// Failed sign-ins from everywhere together per window.
pub const LOGIN_FAILURES_TOTAL: u32 = 1_000;
pub const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);

/// What a failed sign-in is counted against.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LoginKey {
    Phone(String),
    Addr(Option<IpAddr>),
}

pub type LoginLimiter = Limiter<LoginKey>;

impl Default for LoginLimiter {
    fn default() -> Self {
        Limiter::new(
            LOGIN_FAILURES_PER_WINDOW,
            LOGIN_FAILURES_TOTAL,
            LOGIN_WINDOW,
        )
    }
}

/// An Argon2id hash of `password` with a new random salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, ApiFailure> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(ApiFailure::internal)
}

/// Whether `password` matches the stored hash. Without a hash (an unknown phone, or an
/// account not set up yet) a hash of a fixed password is checked anyway, so the answer
/// takes as long either way.
pub fn password_matches(password: &str, stored: Option<&str>) -> bool {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let decoy = DECOY.get_or_init(|| hash_password("decoy-password").unwrap_or_default());
    let (hash, real) = match stored {
        Some(h) => (h, true),
        None => (decoy.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let ok = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    ok && real
}

/// A new setup code of [`SETUP_CODE_LEN`] characters, grouped `ABCDE-FGHJK` for reading.
pub fn new_setup_code() -> String {
    let raw: String = (0..2)
        .map(|_| crate::auth::new_pairing_code())
        .collect::<String>()
        .chars()
        .take(SETUP_CODE_LEN)
        .collect();
    format!("{}-{}", &raw[..5], &raw[5..])
}

/// The stored form of a setup code as typed (case, spaces and dashes do not matter).
pub fn setup_code_hash(code: &str) -> String {
    hash_secret(&crate::auth::normalise_code(code))
}

/// A new random token (256 bits, base64url).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Equal in constant time (for the CSRF token).
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// The `Set-Cookie` value that starts a session.
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{COOKIE_NAME}={token}; Path=/owner; Max-Age={}; HttpOnly; SameSite=Strict{}",
        SESSION_TTL.as_secs(),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that ends one.
pub fn cleared_cookie(secure: bool) -> String {
    format!(
        "{COOKIE_NAME}=; Path=/owner; Max-Age=0; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The session token from the request's cookies.
pub fn cookie_token(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|v| !v.is_empty())
}

pub fn signed_out() -> ApiFailure {
    ApiFailure::new(
        StatusCode::UNAUTHORIZED,
        "signed_out",
        "silakan masuk sebagai pemilik",
        "sign in as the owner",
        None,
    )
}

fn csrf_invalid() -> ApiFailure {
    ApiFailure::new(
        StatusCode::FORBIDDEN,
        "csrf_invalid",
        "sesi halaman kedaluwarsa; muat ulang halaman",
        "the page's session token is missing or wrong; reload the page",
        Some("x-csrf-token"),
    )
}

/// A signed-in owner and the session's token hash. Changes (any method but GET/HEAD) must
/// carry the session's CSRF token.
pub struct SignedIn {
    pub session: OwnerSession,
    pub token_hash: String,
}

impl<S: Store + Clone + 'static> FromRequestParts<App<S>> for SignedIn {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, app: &App<S>) -> Result<Self, Self::Rejection> {
        let token = cookie_token(parts).ok_or_else(signed_out)?;
        let token_hash = hash_secret(&token);
        let session = app
            .store
            .owner_session(&token_hash, app.clock.now())
            .await?
            .ok_or_else(signed_out)?;
        let reads = matches!(parts.method.as_str(), "GET" | "HEAD");
        if !reads {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if !same_secret(sent, &session.csrf_token) {
                return Err(csrf_invalid());
            }
        }
        Ok(SignedIn {
            session,
            token_hash,
        })
    }
}

/// Whether the request came over TLS (directly, or through a proxy that says so), for the
/// cookie's `Secure` flag.
pub fn over_tls(parts_headers: &axum::http::HeaderMap, configured: bool) -> bool {
    configured
        || parts_headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_salted_argon2id_and_checked() {
        let a = hash_password("rahasia-toko-1").expect("hash");
        let b = hash_password("rahasia-toko-1").expect("hash");
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "a new salt each time");
        assert!(password_matches("rahasia-toko-1", Some(&a)));
        assert!(!password_matches("rahasia-toko-2", Some(&a)));
        assert!(
            !password_matches("decoy-password", None),
            "no account never matches"
        );
        assert!(!password_matches("x", Some("not a hash")));
    }

    #[test]
    fn setup_codes_read_and_hash_as_typed() {
        let code = new_setup_code();
        assert_eq!(code.len(), SETUP_CODE_LEN + 1);
        assert_eq!(&code[5..6], "-");
        let typed = code.to_lowercase().replace('-', " ");
        assert_eq!(setup_code_hash(&typed), setup_code_hash(&code));
        assert_ne!(new_setup_code(), code);
    }

    #[test]
    fn the_cookie_is_strict_http_only_and_scoped() {
        let c = session_cookie("tok", true);
        for part in [
            "konter_owner=tok",
            "Path=/owner",
            "HttpOnly",
            "SameSite=Strict",
            "Secure",
        ] {
            assert!(c.contains(part), "{c} lacks {part}");
        }
        assert!(!session_cookie("tok", false).contains("Secure"));
        assert!(cleared_cookie(false).contains("Max-Age=0"));
        let req = axum::http::Request::builder()
            .header(COOKIE, "a=1; konter_owner=abc ; b=2")
            .body(())
            .expect("request");
        let (parts, ()) = req.into_parts();
        assert_eq!(cookie_token(&parts).as_deref(), Some("abc"));
        assert!(same_secret("x", "x") && !same_secret("x", "y"));
    }
}
