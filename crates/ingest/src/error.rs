//! The one error type of this crate: a stable code for the server, a message for humans.

use std::fmt;

/// Why a body was rejected; the server maps these to HTTP statuses in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The body is not JSON (syntax error, invalid UTF-8, trailing garbage).
    InvalidJson,
    /// The body nests arrays/objects deeper than [`crate::MAX_DEPTH`].
    TooDeep,
    /// A field has the wrong type or an unacceptable value.
    InvalidField,
    /// A required field is absent (or `null`).
    MissingField,
    /// More than [`crate::MAX_BATCH`] alerts or events in one request.
    BatchTooLarge,
    /// One or more items of a batch are invalid; see [`IngestError::items`].
    InvalidItems,
    /// Well-formed, but a different kind of payload than this endpoint takes
    /// (an EventBridge event sent to the SNS endpoint, an Azure alert without
    /// the common alert schema, …); the message says what it looks like.
    WrongPayloadKind,
    /// An Amazon SNS message whose signature does not verify (or is stale,
    /// or was signed with an unknown `SignatureVersion` or certificate).
    SignatureInvalid,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidJson => "invalid_json",
            Self::TooDeep => "too_deep",
            Self::InvalidField => "invalid_field",
            Self::MissingField => "missing_field",
            Self::BatchTooLarge => "batch_too_large",
            Self::InvalidItems => "invalid_items",
            Self::WrongPayloadKind => "wrong_payload_kind",
            Self::SignatureInvalid => "signature_invalid",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rejected body. Batches are atomic: when any item is invalid the whole
/// body is rejected with [`ErrorCode::InvalidItems`] and one [`ItemError`]
/// per bad item.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct IngestError {
    pub code: ErrorCode,
    pub message: String,
    pub items: Vec<ItemError>,
}

/// Why one item of a batch was rejected; `message` starts with the item's
/// path, e.g. `alerts[3].labels: must not be empty`.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemError {
    pub index: usize,
    pub message: String,
}

impl IngestError {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), items: Vec::new() }
    }
}

/// A problem with one field, before we know whether it belongs to a batch item.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldError {
    pub(crate) missing: bool,
    /// Starts with the field's path.
    pub(crate) message: String,
}

impl FieldError {
    pub(crate) fn invalid(path: &str, reason: impl fmt::Display) -> Self {
        Self { missing: false, message: format!("{path}: {reason}") }
    }

    pub(crate) fn missing(path: &str, reason: impl fmt::Display) -> Self {
        Self { missing: true, message: format!("{path}: {reason}") }
    }
}

impl From<FieldError> for IngestError {
    fn from(error: FieldError) -> Self {
        let code = if error.missing { ErrorCode::MissingField } else { ErrorCode::InvalidField };
        Self::new(code, error.message)
    }
}
