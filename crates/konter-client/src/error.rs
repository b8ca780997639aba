//! Engine errors. Input errors name their field and speak Bahasa Indonesia first, like the
//! server's; the UI shows `message` next to `field`.

use konter_domain::FieldError;
use konter_domain::codes::{self, Code};
use konter_domain::money::Rupiah;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// Bad input; nothing changed.
    #[error("{field}: {message}")]
    Input {
        code: String,
        message: String,
        field: String,
    },
    /// The same number and product were sold today; confirm "isi ke-2" to sell again.
    #[error("target: {target} already got {sku} today; confirm to sell it again")]
    RepeatSale { target: String, sku: String },
    #[error("saldo too low: {available} available, {needed} needed")]
    SaldoShort { available: Rupiah, needed: Rupiah },
    #[error("this device is not paired with a server yet")]
    NotPaired,
    /// The server refused the request with its `{code, message, field}`.
    #[error("the server refused: {message} ({code})")]
    Server {
        code: String,
        message: String,
        field: Option<String>,
    },
    #[error("the server cannot be reached: {0}")]
    Network(String),
    #[error("secure token storage is not available: {0}")]
    TokenStore(String),
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("{0}")]
    Io(String),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
}

pub type EngineResult<T> = Result<T, EngineError>;

/// What the UI gets for any error: `{code, message, field}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UiError {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

impl EngineError {
    pub fn input(code: Code, message_id: &str, message_en: &str, field: &str) -> EngineError {
        EngineError::Input {
            code: code.into(),
            message: format!("{message_id} / {message_en}"),
            field: field.into(),
        }
    }

    pub fn from_field(e: &dyn FieldError) -> EngineError {
        EngineError::Input {
            code: e.code().into(),
            message: format!("{} / {}", e.message_id(), e.message_en()),
            field: e.field().into(),
        }
    }

    pub fn to_ui(&self) -> UiError {
        let (code, message, field) = match self {
            EngineError::Input {
                code,
                message,
                field,
            } => (code.clone(), message.clone(), Some(field.clone())),
            EngineError::RepeatSale { target, sku } => (
                codes::REPEAT_SALE.into(),
                format!(
                    "{target} sudah diisi {sku} hari ini. Isi ke-2? / {target} already got {sku} today. Sell again?"
                ),
                Some("target".into()),
            ),
            EngineError::SaldoShort { available, needed } => (
                codes::SALDO_SHORT.into(),
                format!(
                    "saldo tidak cukup: tersedia {available}, perlu {needed} / saldo too low: {available} available, {needed} needed"
                ),
                None,
            ),
            EngineError::Server {
                code,
                message,
                field,
            } => (code.clone(), message.clone(), field.clone()),
            EngineError::NotPaired => (
                codes::NOT_PAIRED.into(),
                "perangkat belum dipasangkan ke server / this device is not paired yet".into(),
                None,
            ),
            EngineError::Network(_) => (
                codes::OFFLINE.into(),
                "server tidak bisa dihubungi / the server cannot be reached".into(),
                None,
            ),
            other => (codes::INTERNAL.into(), other.to_string(), None),
        };
        UiError {
            code,
            message,
            field,
        }
    }
}
