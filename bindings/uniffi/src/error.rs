//! The one error type of the bindings: Kotlin `ContactNowException` (sealed), Swift `Error`.

use std::fmt;

use contactnow::Format;

/// Everything a call can fail with, split by phase like the Rust error. Texts never contain
/// the token or the password. (No field is called `message`: that would clash with Kotlin's
/// `Exception.message`; the API's text is `detail`.)
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
#[uniffi::export(Display)]
pub enum ContactNowError {
    /// An input or a setting was rejected before anything was sent.
    InvalidInput {
        /// The field at fault, e.g. `records[1].agent_id` or `base_url`.
        field: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The API answered `success: false`, or some records of a batch failed (`partial`).
    Api {
        /// The server's `error` text (or a description of the partial failure).
        detail: String,
        /// `account_id`, if present.
        account_id: Option<u64>,
        /// `total`: records affected, if present.
        total: Option<u64>,
        /// `bad`: records that failed, if present.
        bad: Option<u64>,
        /// `key`, if present.
        key: Option<u64>,
        /// `expire` from `token.php` (`-1` for an expired token), if present.
        expire: Option<i64>,
        /// True when the server said `success` but some records of the batch failed.
        partial: bool,
        /// True when the server refused the token (expired, invalid, unknown).
        token_rejected: bool,
    },
    /// The response body could not be read as the expected format, or was too large.
    Decode {
        /// The format that was expected.
        format: Format,
        /// What was wrong.
        reason: String,
        /// The first characters of the body, for diagnosis.
        excerpt: String,
        /// True when a write that is not safe to repeat got a 2xx answer that could not be
        /// read: it was probably applied; check the server's state before trying again.
        outcome_unknown: bool,
    },
    /// The server answered with a status other than 2xx.
    HttpStatus {
        /// The status code.
        status: u16,
        /// The first characters of the body, for diagnosis.
        excerpt: String,
        /// True when a write that is not safe to repeat got a 5xx that may follow its
        /// application (500, 502, 504...): check the server's state before trying again.
        outcome_unknown: bool,
    },
    /// Connecting, TLS or I/O failed (or a foreign `HttpSender` threw).
    Transport {
        /// What failed.
        detail: String,
        /// True when a write that is not safe to repeat may have reached the server:
        /// check the server's state before trying again.
        outcome_unknown: bool,
    },
    /// A timeout expired.
    Timeout {
        /// Which timeout expired.
        detail: String,
        /// As for `Transport`.
        outcome_unknown: bool,
    },
    /// The call was cancelled before it ended (its coroutine cancelled, or a `Cancellation`
    /// given to it set off); the request in flight, if any, was abandoned.
    Cancelled {
        /// True when a write that is not safe to repeat (a TOD policy create) was in flight:
        /// it may have been applied; check the server's state before trying again.
        outcome_unknown: bool,
    },
    /// A bug in contactnow (a caught panic); never expected.
    Internal {
        /// What happened.
        detail: String,
    },
}

impl ContactNowError {
    /// The Rust client error with the same content, whose `Display` is the shared wording.
    fn as_client_error(&self) -> Option<contactnow::Error> {
        Some(match self.clone() {
            ContactNowError::InvalidInput { field, reason } => contactnow::Error::InvalidInput { field, reason },
            ContactNowError::Api { detail, account_id, total, bad, key, expire, partial, .. } => {
                contactnow::Error::Api(contactnow::ApiError {
                    message: detail,
                    account_id,
                    total,
                    bad,
                    key,
                    expire,
                    partial,
                })
            }
            ContactNowError::Decode { format, reason, excerpt, outcome_unknown } => {
                contactnow::Error::Decode { format, reason, excerpt, outcome_unknown }
            }
            ContactNowError::HttpStatus { status, excerpt, outcome_unknown } => {
                contactnow::Error::HttpStatus { status, excerpt, outcome_unknown }
            }
            ContactNowError::Transport { detail, outcome_unknown } => {
                contactnow::Error::Transport { message: detail, outcome_unknown }
            }
            ContactNowError::Timeout { detail, outcome_unknown } => {
                contactnow::Error::Timeout { message: detail, outcome_unknown }
            }
            ContactNowError::Cancelled { outcome_unknown } => contactnow::Error::Cancelled { outcome_unknown },
            ContactNowError::Internal { .. } => return None,
        })
    }

    /// Replaces `secret` (when not empty) in every text with `***`.
    pub(crate) fn scrubbed(self, secret: &str) -> Self {
        if secret.is_empty() {
            return self;
        }
        let s = |text: String| contactnow::scrub(&text, secret);
        match self {
            ContactNowError::InvalidInput { field, reason } => {
                ContactNowError::InvalidInput { field, reason: s(reason) }
            }
            ContactNowError::Api { detail, account_id, total, bad, key, expire, partial, token_rejected } => {
                ContactNowError::Api { detail: s(detail), account_id, total, bad, key, expire, partial, token_rejected }
            }
            ContactNowError::Decode { format, reason, excerpt, outcome_unknown } => {
                ContactNowError::Decode { format, reason: s(reason), excerpt: s(excerpt), outcome_unknown }
            }
            ContactNowError::HttpStatus { status, excerpt, outcome_unknown } => {
                ContactNowError::HttpStatus { status, excerpt: s(excerpt), outcome_unknown }
            }
            ContactNowError::Transport { detail, outcome_unknown } => {
                ContactNowError::Transport { detail: s(detail), outcome_unknown }
            }
            ContactNowError::Timeout { detail, outcome_unknown } => {
                ContactNowError::Timeout { detail: s(detail), outcome_unknown }
            }
            cancelled @ ContactNowError::Cancelled { .. } => cancelled,
            ContactNowError::Internal { detail } => ContactNowError::Internal { detail: s(detail) },
        }
    }
}

/// The shared wording of the Rust error (Kotlin `toString()`, Swift `description`).
impl fmt::Display for ContactNowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self, self.as_client_error()) {
            (_, Some(err)) => err.fmt(f),
            (ContactNowError::Internal { detail }, None) => write!(f, "internal error: {detail}"),
            (_, None) => f.write_str("error"),
        }
    }
}

impl std::error::Error for ContactNowError {}

impl From<contactnow::Error> for ContactNowError {
    fn from(err: contactnow::Error) -> Self {
        match err {
            contactnow::Error::InvalidInput { field, reason } => ContactNowError::InvalidInput { field, reason },
            contactnow::Error::Api(api) => ContactNowError::Api {
                token_rejected: api.is_token_rejected(),
                detail: api.message,
                account_id: api.account_id,
                total: api.total,
                bad: api.bad,
                key: api.key,
                expire: api.expire,
                partial: api.partial,
            },
            contactnow::Error::Decode { format, reason, excerpt, outcome_unknown } => {
                ContactNowError::Decode { format, reason, excerpt, outcome_unknown }
            }
            contactnow::Error::HttpStatus { status, excerpt, outcome_unknown } => {
                ContactNowError::HttpStatus { status, excerpt, outcome_unknown }
            }
            contactnow::Error::Transport { message, outcome_unknown } => {
                ContactNowError::Transport { detail: message, outcome_unknown }
            }
            contactnow::Error::Timeout { message, outcome_unknown } => {
                ContactNowError::Timeout { detail: message, outcome_unknown }
            }
            contactnow::Error::Cancelled { outcome_unknown } => ContactNowError::Cancelled { outcome_unknown },
            // A kind added to the client later: keep its text rather than lose the error.
            other => ContactNowError::Internal { detail: other.to_string() },
        }
    }
}

/// An exception thrown by a foreign `HttpSender` that is not a `ContactNowError` becomes a
/// transport error (its text is scrubbed of the token before it reaches the caller).
impl From<uniffi::UnexpectedUniFFICallbackError> for ContactNowError {
    fn from(err: uniffi::UnexpectedUniFFICallbackError) -> Self {
        ContactNowError::Transport { detail: format!("HTTP sender failed: {}", err.reason), outcome_unknown: true }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_the_rust_wording() {
        let err: ContactNowError = contactnow::Error::invalid("records[0].agent_id", "must be positive").into();
        assert_eq!(err.to_string(), "invalid input: records[0].agent_id: must be positive");
        let err = ContactNowError::Transport { detail: "boom token=SECRET".into(), outcome_unknown: true };
        let text = err.scrubbed("SECRET").to_string();
        assert!(text.contains("outcome unknown") && !text.contains("SECRET"), "{text}");
        let err: ContactNowError = contactnow::Error::Cancelled { outcome_unknown: true }.into();
        assert_eq!(err, ContactNowError::Cancelled { outcome_unknown: true });
        assert!(err.to_string().starts_with("cancelled by the caller; outcome unknown"), "{err}");
    }
}
