//! Errors that reach a person: every one names the field it is about and carries a message
//! in Bahasa Indonesia (shown first at the counter) and in English.

/// An input error that a cashier, an owner or an API client can act on.
///
/// `Display` (from `thiserror`) gives the English text; `message_id` the Indonesian one that
/// the UI shows first.
pub trait FieldError: std::error::Error {
    /// The name of the input field the error is about, as the API spells it (`target`,
    /// `amount_idr`, …).
    fn field(&self) -> &'static str;
    /// A stable machine-readable code (`phone_unknown_operator`, …).
    fn code(&self) -> crate::codes::Code;
    /// The message in Bahasa Indonesia.
    fn message_id(&self) -> String;
    /// The message in English.
    fn message_en(&self) -> String {
        self.to_string()
    }
}
