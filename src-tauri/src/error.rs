//! What every command rejects with: `{code, message, field}`, the `CommandError` of the UI's
//! `types.ts`. `message` is Bahasa Indonesia, then English after ` / `; `field` names the
//! input to show it next to, and is left out when the error is about the whole form.

use konter_client::EngineError;
use konter_domain::codes::{self, Code};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CommandError {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub field: Option<String>,
}

pub type CommandResult<T> = Result<T, CommandError>;

impl CommandError {
    pub fn new(code: Code, message_id: &str, message_en: &str) -> CommandError {
        CommandError {
            code: code.into(),
            message: format!("{message_id} / {message_en}"),
            field: None,
        }
    }

    pub fn on(mut self, field: &str) -> CommandError {
        self.field = Some(field.into());
        self
    }

    pub fn not_logged_in() -> CommandError {
        CommandError::new(
            codes::NOT_LOGGED_IN,
            "masuk dulu dengan PIN",
            "log in with your PIN first",
        )
    }

    pub fn owner_only() -> CommandError {
        CommandError::new(
            codes::OWNER_ONLY,
            "hanya pemilik yang boleh",
            "only the owner may do this",
        )
    }

    /// A feature the engine does not offer yet: said plainly, never faked.
    pub fn not_available(what_id: &str, what_en: &str) -> CommandError {
        CommandError::new(
            codes::NOT_AVAILABLE,
            &format!("{what_id} belum tersedia"),
            &format!("{what_en} is not available yet"),
        )
    }

    /// The same error about another field (the engine's name for an input is not always
    /// the UI's).
    pub fn rename_field(mut self, from: &str, to: &str) -> CommandError {
        if self.field.as_deref() == Some(from) {
            self.field = Some(to.into());
        }
        self
    }
}

impl From<EngineError> for CommandError {
    fn from(e: EngineError) -> CommandError {
        match &e {
            EngineError::TokenStore(_) => CommandError::new(
                codes::TOKEN_STORE,
                "penyimpanan rahasia perangkat tidak tersedia; nyalakan keyring atau set KONTER_TOKEN_STORE=file",
                "the device's secret storage is not available; start a keyring or set KONTER_TOKEN_STORE=file",
            ),
            _ => {
                let ui = e.to_ui();
                CommandError {
                    code: ui.code,
                    message: ui.message,
                    field: ui.field.filter(|f| !f.is_empty()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_refusal_keeps_its_code() {
        let e = CommandError::from(EngineError::Server {
            code: "pairing_code_invalid".into(),
            message: "kode salah / the code is wrong".into(),
            field: Some("pairing_code".into()),
        });
        assert_eq!(e.code, "pairing_code_invalid");
        assert_eq!(e.message, "kode salah / the code is wrong");
        assert_eq!(e.field.as_deref(), Some("pairing_code"));
    }

    #[test]
    fn input_errors_keep_their_field() {
        let e = CommandError::from(EngineError::input(
            codes::PIN_WRONG,
            "PIN salah",
            "wrong PIN",
            "pin",
        ));
        assert_eq!(e.field.as_deref(), Some("pin"));
        let json =
            serde_json::to_value(CommandError::new(codes::NOT_AVAILABLE, "a", "b")).expect("json");
        assert!(
            json.get("field").is_none(),
            "no field means the whole form: {json}"
        );
    }
}
