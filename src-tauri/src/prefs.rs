//! The UI's own preferences, which the engine has no setting for: the language, and that
//! the owner switched the printer off. A small JSON file next to the engine's database;
//! a missing or unreadable file means the defaults.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{CommandError, CommandResult};
use konter_domain::codes;

pub const FILE: &str = "ui-prefs.json";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// `id` or `en`.
    pub language: String,
    /// The owner chose "no printer": the engine keeps its last printer address, but nothing
    /// prints until a printer is chosen again.
    pub printer_off: bool,
}

impl Default for Prefs {
    fn default() -> Prefs {
        Prefs {
            language: "id".into(),
            printer_off: false,
        }
    }
}

impl Prefs {
    pub fn load(path: &Path) -> Prefs {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Written to a temporary file and renamed, so a crash never leaves half a file.
    pub fn save(&self, path: &Path) -> CommandResult<()> {
        let text = serde_json::to_string_pretty(self).map_err(|e| io_error(&e.to_string()))?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, path))
            .map_err(|e| io_error(&e.to_string()))
    }
}

fn io_error(detail: &str) -> CommandError {
    CommandError::new(
        codes::PREFS_IO,
        &format!("pengaturan tampilan tidak bisa disimpan: {detail}"),
        &format!("the display settings cannot be saved: {detail}"),
    )
}
