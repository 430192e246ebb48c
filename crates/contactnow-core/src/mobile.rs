//! The core's values in Kotlin and Swift (feature `uniffi`, for `bindings/uniffi`) that do not
//! cross as they are: the error, an action's wire form, the request to send (an object: its
//! text hides the token) and `HttpSender`, the app's HTTP stack that sends it. (The records
//! derive uniffi's traits where they are declared.)
//!
//! The error is the one type of the Rust stack written again, field for field, because
//! Kotlin cannot take it as it is: a field named `message` clashes with `Throwable.message`
//! (uniffi-rs#1434), and `Api` holds its fields in a struct.

use std::{fmt, sync::Arc};

use crate::{
    naming::{in_casing, Casing},
    ApiError, DefaultAction, Error, Format, HttpResponse, Method,
};

/// The wire form of an action (`jump:1007`); unknown values come back as they were read.
#[uniffi::export]
pub fn default_action_to_wire(action: DefaultAction) -> String {
    action.to_string()
}

/// Reads a wire value leniently, as the server's values are read: unknown ones become `Other`.
#[uniffi::export]
pub fn default_action_from_wire(value: String) -> DefaultAction {
    DefaultAction::from_wire(&value)
}

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
            // In the error's own crate the match is exhaustive: a new kind must be mapped here.
            Error::Cancelled { outcome_unknown } => Self::Cancelled { outcome_unknown },
        }
    }
}

impl ContactNowError {
    /// The Rust error this is (as a foreign `HttpSender` may throw it), or an `Internal` one's text.
    pub fn rust(self) -> Result<Error, String> {
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

/// One header.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct HttpHeader {
    /// The name, e.g. `Content-Type`.
    pub name: String,
    /// The value.
    pub value: String,
}

/// A request to send. Its URL carries the token; `toString()`/`description` shows it as `***`.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Display)]
pub struct HttpRequest(crate::HttpRequest);

impl From<crate::HttpRequest> for HttpRequest {
    fn from(request: crate::HttpRequest) -> Self {
        Self(request)
    }
}

impl fmt::Display for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.0.method, self.0.redacted_url())
    }
}

#[uniffi::export]
impl HttpRequest {
    /// GET or POST.
    pub fn method(&self) -> Method {
        self.0.method
    }

    /// The full URL, token included: send it, never log it.
    pub fn url(&self) -> String {
        self.0.url.clone()
    }

    /// The URL with the token and password shown as `***`, safe to log.
    pub fn redacted_url(&self) -> String {
        self.0.redacted_url()
    }

    /// The headers to send (`Accept`, and `Content-Type` for writes).
    pub fn headers(&self) -> Vec<HttpHeader> {
        self.0.headers.iter().map(|(name, value)| HttpHeader { name: name.clone(), value: value.clone() }).collect()
    }

    /// A header's value by case-insensitive name.
    pub fn header(&self, name: String) -> Option<String> {
        self.0.header(&name).map(str::to_owned)
    }

    /// The body: empty for GET.
    pub fn body(&self) -> Vec<u8> {
        self.0.body.clone()
    }
}

/// An HTTP stack implemented by the app: send the request as given, within `timeout_ms`, and
/// return the response whatever its status. Throw `Timeout` for a timeout and `Transport` for
/// other failures (`outcomeUnknown = false`: the request certainly did not leave, so even a
/// TOD policy create may be sent again); anything else is a failure after sending.
#[uniffi::export(with_foreign)]
pub trait HttpSender: Send + Sync {
    /// Sends `request` and returns the answer.
    fn send(&self, request: Arc<HttpRequest>, timeout_ms: u64) -> Result<HttpResponse, ContactNowError>;
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
