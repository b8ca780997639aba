//! The owner's settings and what each accepts, checked in one place for the app's form and
//! `konter set`. A form of several settings is checked whole before anything is written, so a
//! refused form changes nothing.

use crate::Engine;
use crate::db;
use crate::error::{EngineError, EngineResult};
use konter_domain::codes::{self, Code};

/// Settings the owner may change, with what each accepts.
pub const SETTINGS: [(&str, &str); 11] = [
    ("max_queue_age_h", "hours from 1 to 168"),
    (
        "printer",
        "tcp:HOST:PORT, file:PATH, usb:/dev/usb/lp0 or serial:/dev/ttyUSB0",
    ),
    ("printer_width", "32, 42 or 48"),
    ("auto_print", "true or false"),
    ("kick_drawer", "true or false"),
    ("shop_address", "text"),
    ("shop_phone", "text"),
    (
        "receipt_header",
        "one line of text (empty: the shop's name)",
    ),
    ("receipt_footer", "text, one line per line"),
    ("receipt_cash_block", "true or false"),
    ("utc_offset_h", "7 (WIB), 8 (WITA) or 9 (WIT)"),
];

/// The longest free text a setting takes, in characters.
pub const MAX_TEXT_CHARS: usize = 200;

/// Whether `value` fits `key`; the error names the setting.
pub fn check(key: &str, value: &str) -> EngineResult<()> {
    let Some((_, accepts)) = SETTINGS.iter().find(|(k, _)| *k == key) else {
        return Err(EngineError::input(
            codes::SETTING_UNKNOWN,
            &format!("pengaturan '{key}' tidak ada"),
            &format!("there is no setting '{key}'"),
            "key",
        ));
    };
    let refuse = |code: Code, id: &str, en: &str| Err(EngineError::input(code, id, en, key));
    match key {
        "printer" => match value.parse::<konter_receipt::PrinterAddress>() {
            Ok(_) => Ok(()),
            Err(e) => refuse(
                codes::PRINTER_ADDRESS_INVALID,
                &e.message_id(),
                &e.to_string(),
            ),
        },
        "printer_width" if !matches!(value, "32" | "42" | "48") => refuse(
            codes::WIDTH_INVALID,
            "lebar kertas 32, 42 atau 48 kolom",
            "the paper width is 32, 42 or 48 columns",
        ),
        "utc_offset_h" if !matches!(value, "7" | "8" | "9") => refuse(
            codes::ZONE_UNKNOWN,
            "zona waktu WIB (7), WITA (8) atau WIT (9)",
            "the time zone is WIB (7), WITA (8) or WIT (9)",
        ),
        "auto_print" | "kick_drawer" | "receipt_cash_block"
            if !matches!(value, "true" | "false") =>
        {
            refuse(
                codes::SETTING_INVALID,
                &format!("{key} harus {accepts}"),
                &format!("{key} takes {accepts}"),
            )
        }
        "max_queue_age_h" if !value.parse::<i64>().is_ok_and(|h| (1..=168).contains(&h)) => refuse(
            codes::SETTING_INVALID,
            &format!("{key} harus {accepts}"),
            &format!("{key} takes {accepts}"),
        ),
        "shop_address" | "shop_phone" | "receipt_header" | "receipt_footer"
            if value.chars().count() > MAX_TEXT_CHARS =>
        {
            refuse(
                codes::TOO_LONG,
                &format!("paling panjang {MAX_TEXT_CHARS} huruf"),
                &format!("at most {MAX_TEXT_CHARS} characters"),
            )
        }
        "receipt_header" if value.lines().count() > 1 => refuse(
            codes::ONE_LINE,
            "kepala struk satu baris",
            "the receipt header is one line",
        ),
        _ => Ok(()),
    }
}

impl Engine {
    /// Changes one of the owner's settings, refusing a value that does not fit.
    pub fn set_setting(&self, key: &str, value: &str) -> EngineResult<()> {
        self.set_settings(&[(key, value)])
    }

    /// Changes several settings at once: every one is checked first, then all are written
    /// in one transaction, so a refusal changes nothing.
    pub fn set_settings(&self, changes: &[(&str, &str)]) -> EngineResult<()> {
        for (key, value) in changes {
            check(key, value)?;
        }
        let mut conn = self.db();
        let tx = conn.transaction()?;
        for (key, value) in changes {
            db::set_setting(&tx, key, value)?;
        }
        if changes
            .iter()
            .any(|(key, _)| crate::shop::SHARED_KEYS.contains(key))
        {
            crate::shop::edited(&tx)?;
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::MemoryStore;

    #[test]
    fn a_form_with_one_bad_value_changes_nothing() {
        let dir = tempfile::tempdir().expect("dir");
        let e = Engine::open(dir.path(), Box::new(MemoryStore::default())).expect("engine");
        let err = e
            .set_settings(&[("shop_phone", "0812"), ("receipt_header", "TOKO\nSRI")])
            .expect_err("two lines");
        assert!(
            matches!(&err, EngineError::Input { code, field, .. } if code == "one_line" && field == "receipt_header"),
            "{err}"
        );
        assert_eq!(
            e.setting("shop_phone").expect("read"),
            None,
            "nothing written"
        );
        for (key, value, code) in [
            ("printer_width", "40", "width_invalid"),
            ("utc_offset_h", "10", "zone_unknown"),
            ("printer", "lpt1", "printer_address_invalid"),
            ("shop_address", &"x".repeat(201), "too_long"),
            ("auto_print", "yes", "setting_invalid"),
            ("colour", "red", "setting_unknown"),
        ] {
            let err = e.set_setting(key, value).expect_err(key);
            assert!(
                matches!(&err, EngineError::Input { code: c, .. } if c == code),
                "{key}: {err}"
            );
        }
        e.set_settings(&[("shop_phone", "0812"), ("utc_offset_h", "8")])
            .expect("good values");
        assert_eq!(
            e.setting("utc_offset_h").expect("read").as_deref(),
            Some("8")
        );
    }
}
