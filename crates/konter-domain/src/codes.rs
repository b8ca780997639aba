//! Every error code the device answers its UI with, defined once. A [`Code`] can only be
//! made here, so a constructor that takes one (`FieldError::code`, the engine's
//! `EngineError::input`, the app's `CommandError::new`) cannot be given a code that is not
//! in this list; the list is written into the UI's types (`ErrorCode` in
//! `ui/src/lib/wire.gen.ts`), so the UI and its stand-in engine cannot use one either.

use std::fmt;

/// An error code: a stable, snake_case name a program can branch on (the message is for
/// people).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code(&'static str);

impl Code {
    pub const fn as_str(self) -> &'static str {
        self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl From<Code> for String {
    fn from(c: Code) -> String {
        c.0.to_owned()
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<Code> for &str {
    fn eq(&self, other: &Code) -> bool {
        *self == other.0
    }
}

pub const ALREADY_PAIRED: Code = Code("already_paired");
pub const ALREADY_SENT: Code = Code("already_sent");
pub const AMOUNT_FRACTION: Code = Code("amount_fraction");
pub const AMOUNT_INVALID: Code = Code("amount_invalid");
pub const AMOUNT_NOT_POSITIVE: Code = Code("amount_not_positive");
pub const AMOUNT_OUT_OF_RANGE: Code = Code("amount_out_of_range");
pub const BANK_MISSING: Code = Code("bank_missing");
pub const BANK_UNKNOWN: Code = Code("bank_unknown");
pub const BATCH_TOO_LARGE: Code = Code("batch_too_large");
pub const BILL_ALREADY_PAID: Code = Code("bill_already_paid");
pub const BILL_AMOUNT_NEGATIVE: Code = Code("bill_amount_negative");
pub const BILL_FEE_ABOVE_CAP: Code = Code("bill_fee_above_cap");
pub const BILL_FEE_CAP_INVALID: Code = Code("bill_fee_cap_invalid");
pub const BILL_FEE_NEGATIVE: Code = Code("bill_fee_negative");
pub const BILL_NEEDS_INQUIRY: Code = Code("bill_needs_inquiry");
pub const BILL_NO_PERIODS: Code = Code("bill_no_periods");
pub const BILL_NOT_FOUND: Code = Code("bill_not_found");
pub const BILL_PAYMENT_OPEN: Code = Code("bill_payment_open");
pub const CASH_MISMATCH: Code = Code("cash_mismatch");
pub const CASH_SHORT: Code = Code("cash_short");
pub const CASHIER_SELF: Code = Code("cashier_self");
pub const CASHIER_UNKNOWN: Code = Code("cashier_unknown");
pub const CUSTOMER_NO_EMPTY: Code = Code("customer_no_empty");
pub const CUSTOMER_NO_INVALID_CHARACTER: Code = Code("customer_no_invalid_character");
pub const CUSTOMER_NO_WRONG_LENGTH: Code = Code("customer_no_wrong_length");
pub const DATE_INVALID: Code = Code("date_invalid");
pub const DEVICE_NAME_EMPTY: Code = Code("device_name_empty");
pub const DEVICE_NAME_INVALID: Code = Code("device_name_invalid");
pub const EXPORT_FAILED: Code = Code("export_failed");
pub const FEE_INVALID: Code = Code("fee_invalid");
pub const GAME_ACCOUNT_NOT_FOUND: Code = Code("game_account_not_found");
pub const GAME_FIELD_LENGTH: Code = Code("game_field_length");
pub const GAME_FIELD_MISSING: Code = Code("game_field_missing");
pub const GAME_FIELD_NOT_DIGITS: Code = Code("game_field_not_digits");
pub const GAME_TOO_MANY_FIELDS: Code = Code("game_too_many_fields");
pub const GAME_UNKNOWN_SERVER: Code = Code("game_unknown_server");
pub const ID_INVALID: Code = Code("id_invalid");
pub const INQUIRY_EXPIRED: Code = Code("inquiry_expired");
pub const INQUIRY_UNAVAILABLE: Code = Code("inquiry_unavailable");
pub const INQUIRY_USED: Code = Code("inquiry_used");
pub const INTERNAL: Code = Code("internal");
pub const LANGUAGE_UNKNOWN: Code = Code("language_unknown");
pub const LOGIN_PAUSED: Code = Code("login_paused");
pub const MARKUP_NEGATIVE: Code = Code("markup_negative");
pub const MARKUP_TOO_LARGE: Code = Code("markup_too_large");
pub const NAME_INVALID: Code = Code("name_invalid");
pub const NO_SHIFT: Code = Code("no_shift");
pub const NOT_AVAILABLE: Code = Code("not_available");
pub const NOT_FOUND: Code = Code("not_found");
pub const NOT_LOGGED_IN: Code = Code("not_logged_in");
pub const NOT_PAIRED: Code = Code("not_paired");
pub const NOT_QUEUED: Code = Code("not_queued");
pub const NOTHING_TO_PRINT: Code = Code("nothing_to_print");
pub const OFFLINE: Code = Code("offline");
pub const ONE_LINE: Code = Code("one_line");
pub const ORDER_UNKNOWN: Code = Code("order_unknown");
pub const OWNER_EXISTS: Code = Code("owner_exists");
pub const OWNER_ONLY: Code = Code("owner_only");
pub const PAIRING_CODE_INVALID: Code = Code("pairing_code_invalid");
pub const PHONE_EMPTY: Code = Code("phone_empty");
pub const PHONE_INVALID_CHARACTER: Code = Code("phone_invalid_character");
pub const PHONE_NOT_MOBILE: Code = Code("phone_not_mobile");
pub const PHONE_TOO_LONG: Code = Code("phone_too_long");
pub const PHONE_TOO_SHORT: Code = Code("phone_too_short");
pub const PHONE_UNKNOWN_OPERATOR: Code = Code("phone_unknown_operator");
pub const PIN_INVALID: Code = Code("pin_invalid");
pub const PIN_TAKEN: Code = Code("pin_taken");
pub const PIN_WRONG: Code = Code("pin_wrong");
pub const PLN_EMPTY: Code = Code("pln_empty");
pub const PLN_INVALID_CHARACTER: Code = Code("pln_invalid_character");
pub const PLN_MALFORMED: Code = Code("pln_malformed");
pub const PLN_NO_TOKEN: Code = Code("pln_no_token");
pub const PLN_WRONG_LENGTH: Code = Code("pln_wrong_length");
pub const PREFS_IO: Code = Code("prefs_io");
pub const PRINTER: Code = Code("printer");
pub const PRINTER_ADDRESS_INVALID: Code = Code("printer_address_invalid");
pub const PRODUCT_UNAVAILABLE: Code = Code("product_unavailable");
pub const RECEIPT: Code = Code("receipt");
pub const REPEAT_SALE: Code = Code("repeat_sale");
pub const ROUNDING_INVALID: Code = Code("rounding_invalid");
pub const RULE_KEY: Code = Code("rule_key");
pub const RULE_UNKNOWN: Code = Code("rule_unknown");
pub const SALDO_SHORT: Code = Code("saldo_short");
pub const SERVER_REFUSED: Code = Code("server_refused");
pub const SERVER_URL: Code = Code("server_url");
pub const SERVER_URL_LAN_HTTP: Code = Code("server_url_lan_http");
pub const SERVER_URL_PLAIN_HTTP: Code = Code("server_url_plain_http");
pub const SETTING_INVALID: Code = Code("setting_invalid");
pub const SETTING_UNKNOWN: Code = Code("setting_unknown");
pub const SKU_INVALID: Code = Code("sku_invalid");
pub const TARGET_OPERATOR_MISMATCH: Code = Code("target_operator_mismatch");
pub const TIER_UNKNOWN: Code = Code("tier_unknown");
pub const TOKEN_STORE: Code = Code("token_store");
pub const TOO_LONG: Code = Code("too_long");
pub const TOO_MANY_ATTEMPTS: Code = Code("too_many_attempts");
pub const UNKNOWN_INQUIRY: Code = Code("unknown_inquiry");
pub const UNKNOWN_ORDER: Code = Code("unknown_order");
pub const UNKNOWN_SKU: Code = Code("unknown_sku");
pub const WIDTH: Code = Code("width");
pub const WIDTH_INVALID: Code = Code("width_invalid");
pub const ZONE_UNKNOWN: Code = Code("zone_unknown");

/// Every code, sorted.
pub const ALL: &[Code] = &[
    ALREADY_PAIRED,
    ALREADY_SENT,
    AMOUNT_FRACTION,
    AMOUNT_INVALID,
    AMOUNT_NOT_POSITIVE,
    AMOUNT_OUT_OF_RANGE,
    BANK_MISSING,
    BANK_UNKNOWN,
    BATCH_TOO_LARGE,
    BILL_ALREADY_PAID,
    BILL_AMOUNT_NEGATIVE,
    BILL_FEE_ABOVE_CAP,
    BILL_FEE_CAP_INVALID,
    BILL_FEE_NEGATIVE,
    BILL_NEEDS_INQUIRY,
    BILL_NO_PERIODS,
    BILL_NOT_FOUND,
    BILL_PAYMENT_OPEN,
    CASH_MISMATCH,
    CASH_SHORT,
    CASHIER_SELF,
    CASHIER_UNKNOWN,
    CUSTOMER_NO_EMPTY,
    CUSTOMER_NO_INVALID_CHARACTER,
    CUSTOMER_NO_WRONG_LENGTH,
    DATE_INVALID,
    DEVICE_NAME_EMPTY,
    DEVICE_NAME_INVALID,
    EXPORT_FAILED,
    FEE_INVALID,
    GAME_ACCOUNT_NOT_FOUND,
    GAME_FIELD_LENGTH,
    GAME_FIELD_MISSING,
    GAME_FIELD_NOT_DIGITS,
    GAME_TOO_MANY_FIELDS,
    GAME_UNKNOWN_SERVER,
    ID_INVALID,
    INQUIRY_EXPIRED,
    INQUIRY_UNAVAILABLE,
    INQUIRY_USED,
    INTERNAL,
    LANGUAGE_UNKNOWN,
    LOGIN_PAUSED,
    MARKUP_NEGATIVE,
    MARKUP_TOO_LARGE,
    NAME_INVALID,
    NO_SHIFT,
    NOT_AVAILABLE,
    NOT_FOUND,
    NOT_LOGGED_IN,
    NOT_PAIRED,
    NOT_QUEUED,
    NOTHING_TO_PRINT,
    OFFLINE,
    ONE_LINE,
    ORDER_UNKNOWN,
    OWNER_EXISTS,
    OWNER_ONLY,
    PAIRING_CODE_INVALID,
    PHONE_EMPTY,
    PHONE_INVALID_CHARACTER,
    PHONE_NOT_MOBILE,
    PHONE_TOO_LONG,
    PHONE_TOO_SHORT,
    PHONE_UNKNOWN_OPERATOR,
    PIN_INVALID,
    PIN_TAKEN,
    PIN_WRONG,
    PLN_EMPTY,
    PLN_INVALID_CHARACTER,
    PLN_MALFORMED,
    PLN_NO_TOKEN,
    PLN_WRONG_LENGTH,
    PREFS_IO,
    PRINTER,
    PRINTER_ADDRESS_INVALID,
    PRODUCT_UNAVAILABLE,
    RECEIPT,
    REPEAT_SALE,
    ROUNDING_INVALID,
    RULE_KEY,
    RULE_UNKNOWN,
    SALDO_SHORT,
    SERVER_REFUSED,
    SERVER_URL,
    SERVER_URL_LAN_HTTP,
    SERVER_URL_PLAIN_HTTP,
    SETTING_INVALID,
    SETTING_UNKNOWN,
    SKU_INVALID,
    TARGET_OPERATOR_MISMATCH,
    TIER_UNKNOWN,
    TOKEN_STORE,
    TOO_LONG,
    TOO_MANY_ATTEMPTS,
    UNKNOWN_INQUIRY,
    UNKNOWN_ORDER,
    UNKNOWN_SKU,
    WIDTH,
    WIDTH_INVALID,
    ZONE_UNKNOWN,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_unique_and_snake_case() {
        for pair in ALL.windows(2) {
            assert!(
                pair[0].as_str() < pair[1].as_str(),
                "{} before {}",
                pair[0],
                pair[1]
            );
        }
        for c in ALL {
            let ok = c
                .as_str()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            assert!(ok, "{c}");
        }
    }
}
