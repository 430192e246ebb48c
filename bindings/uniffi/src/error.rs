//! The one error type of the bindings: Kotlin `ContactNowException` (sealed), Swift `Error`.

use std::fmt;

use contactnow::{
    options::{in_casing, Casing},
    ApiError, Error, Format,
};

/// Everything a call can fail with, split by phase like the Rust error; no text in it ever
/// contains the token or the password. (The API's text is `detail`: Kotlin exceptions have a `message`.)
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
#[uniffi::export(Display)]
pub enum ContactNowError {
    /// An input or a setting was rejected before anything was sent.
    InvalidInput {
        /// The field at fault, e.g. `records[1].agentId` or `baseUrl`.
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
        /// The first characters of the body.
        excerpt: String,
        /// A write not safe to repeat got a 2xx it could not read: probably applied; check first.
        outcome_unknown: bool,
    },
    /// The server answered with a status other than 2xx.
    HttpStatus {
        /// The status code.
        status: u16,
        /// The first characters of the body.
        excerpt: String,
        /// A write not safe to repeat got a 5xx that may follow its application: check first.
        outcome_unknown: bool,
    },
    /// Connecting, TLS or I/O failed (or a foreign `HttpSender` threw).
    Transport {
        /// What failed.
        detail: String,
        /// A write not safe to repeat may have reached the server: check before trying again.
        outcome_unknown: bool,
    },
    /// A timeout expired.
    Timeout {
        /// Which timeout expired.
        detail: String,
        /// As for `Transport`.
        outcome_unknown: bool,
    },
    /// The call was cancelled (its coroutine, or a `Cancellation` given to it) before it ended.
    Cancelled {
        /// A write not safe to repeat (a TOD policy create) was in flight: check first.
        outcome_unknown: bool,
    },
    /// A bug in contactnow (a caught panic); never expected.
    Internal {
        /// What happened.
        detail: String,
    },
}

/// Every error as Kotlin and Swift name fields: camelCase (`records[1].agentId`).
impl From<Error> for ContactNowError {
    fn from(err: Error) -> Self {
        match in_casing(err, Casing::Camel) {
            Error::InvalidInput { field, reason } => Self::InvalidInput { field, reason },
            Error::Api(api) => {
                let token_rejected = api.is_token_rejected();
                let ApiError { message: detail, account_id, total, bad, key, expire, partial } = api;
                Self::Api { detail, account_id, total, bad, key, expire, partial, token_rejected }
            }
            Error::Decode { format, reason, excerpt, outcome_unknown } => {
                Self::Decode { format, reason, excerpt, outcome_unknown }
            }
            Error::HttpStatus { status, excerpt, outcome_unknown } => {
                Self::HttpStatus { status, excerpt, outcome_unknown }
            }
            Error::Transport { message, outcome_unknown } => Self::Transport { detail: message, outcome_unknown },
            Error::Timeout { message, outcome_unknown } => Self::Timeout { detail: message, outcome_unknown },
            Error::Cancelled { outcome_unknown } => Self::Cancelled { outcome_unknown },
            // A kind added to the client later: keep its text rather than lose the error.
            other => Self::Internal { detail: other.to_string() },
        }
    }
}

impl ContactNowError {
    /// The Rust error this is (as a foreign `HttpSender` may throw it), or an `Internal` one's text.
    pub(crate) fn rust(self) -> Result<Error, String> {
        Ok(match self {
            Self::InvalidInput { field, reason } => Error::InvalidInput { field, reason },
            Self::Api { detail: message, account_id, total, bad, key, expire, partial, .. } => {
                Error::Api(ApiError { message, account_id, total, bad, key, expire, partial })
            }
            Self::Decode { format, reason, excerpt, outcome_unknown } => {
                Error::Decode { format, reason, excerpt, outcome_unknown }
            }
            Self::HttpStatus { status, excerpt, outcome_unknown } => {
                Error::HttpStatus { status, excerpt, outcome_unknown }
            }
            Self::Transport { detail, outcome_unknown } => Error::Transport { message: detail, outcome_unknown },
            Self::Timeout { detail, outcome_unknown } => Error::Timeout { message: detail, outcome_unknown },
            Self::Cancelled { outcome_unknown } => Error::Cancelled { outcome_unknown },
            Self::Internal { detail } => return Err(format!("internal error: {detail}")),
        })
    }
}

/// The shared wording of the Rust error (Kotlin `toString()`, Swift `description`).
impl fmt::Display for ContactNowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.clone().rust() {
            Ok(err) => err.fmt(f),
            Err(text) => f.write_str(&text),
        }
    }
}

impl std::error::Error for ContactNowError {}

/// What a foreign `HttpSender` throws that is not a `ContactNowError`: a transport error.
impl From<uniffi::UnexpectedUniFFICallbackError> for ContactNowError {
    fn from(err: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Transport { detail: format!("HTTP sender failed: {}", err.reason), outcome_unknown: true }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_the_rust_wording() {
        let err: ContactNowError = Error::invalid("records[0].agent_id", "must be positive").into();
        assert_eq!(err.to_string(), "invalid input: records[0].agentId: must be positive");
        let err: ContactNowError = Error::Cancelled { outcome_unknown: true }.into();
        assert_eq!(err, ContactNowError::Cancelled { outcome_unknown: true });
        assert!(err.to_string().starts_with("cancelled by the caller; outcome unknown"), "{err}");
    }
}
