//! The client's errors: the core's phases (input, API, decoding, HTTP status) plus
//! transport and timeout, each saying whether a write may have been applied.

use std::fmt;

pub use contactnow_core::ApiError;
use contactnow_core::Format;

/// Everything a call can fail with. Texts never contain the token or the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input or a client setting was rejected before anything was sent.
    #[error("invalid input: {field}: {reason}")]
    InvalidInput {
        /// The field or setting at fault, e.g. `records[2].level` or `base_url`.
        field: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The API answered `success: false`, or some records of a batch failed (`partial`).
    #[error("{0}")]
    Api(ApiError),
    /// The response body could not be read as the expected format, or was too large.
    #[error("could not decode {format} response: {reason}; body starts {excerpt:?}{}", unknown_note(*outcome_unknown))]
    Decode {
        /// The format that was expected.
        format: Format,
        /// What was wrong.
        reason: String,
        /// The first bytes of the body, for diagnosis.
        excerpt: String,
        /// True when a write that is not safe to repeat got a 2xx answer that could not be
        /// read: it was probably applied, and was not repeated; check the server's state.
        outcome_unknown: bool,
    },
    /// The server answered with a status other than 2xx (after any retries).
    #[error("unexpected HTTP status {status}; body starts {excerpt:?}{}", unknown_note(*outcome_unknown))]
    HttpStatus {
        /// The status code.
        status: u16,
        /// The first bytes of the body, for diagnosis.
        excerpt: String,
        /// True when a write that is not safe to repeat got a status that may come after the
        /// write was applied (a 5xx other than 501, 503 and 505: a PHP 500, a gateway's 502 or
        /// 504), and was not repeated: check the server's state before trying again. Always
        /// false for 4xx (429 included) and 503, which say the request was not processed.
        outcome_unknown: bool,
    },
    /// Connecting, TLS or I/O failed.
    #[error("transport error: {message}{}", unknown_note(*outcome_unknown))]
    Transport {
        /// What failed, with secrets removed.
        message: String,
        /// True when a write that is not safe to repeat may have reached the server and was
        /// not repeated: check the server's state before trying again.
        outcome_unknown: bool,
    },
    /// A timeout (connect, per attempt or total) expired.
    #[error("timed out: {message}{}", unknown_note(*outcome_unknown))]
    Timeout {
        /// Which timeout expired, with secrets removed.
        message: String,
        /// True when a write that is not safe to repeat may have reached the server and was
        /// not repeated: check the server's state before trying again.
        outcome_unknown: bool,
    },
}

fn unknown_note(outcome_unknown: bool) -> &'static str {
    if outcome_unknown {
        "; outcome unknown: the request may have reached the server and was not repeated \
         because repeating it could apply it twice; check the server's state before retrying"
    } else {
        ""
    }
}

/// What kind of error this is, for branching without matching on fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// See [`Error::InvalidInput`].
    InvalidInput,
    /// See [`Error::Api`].
    Api,
    /// See [`Error::Decode`].
    Decode,
    /// See [`Error::HttpStatus`].
    HttpStatus,
    /// See [`Error::Transport`].
    Transport,
    /// See [`Error::Timeout`].
    Timeout,
}

impl ErrorKind {
    /// The stable name used by every binding: `InvalidInput`, `Api`, `Decode`, `HttpStatus`,
    /// `Transport` or `Timeout`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "InvalidInput",
            ErrorKind::Api => "Api",
            ErrorKind::Decode => "Decode",
            ErrorKind::HttpStatus => "HttpStatus",
            ErrorKind::Transport => "Transport",
            ErrorKind::Timeout => "Timeout",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// An [`Error::InvalidInput`] for `field`.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidInput { field: field.into(), reason: reason.into() }
    }

    /// The kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidInput { .. } => ErrorKind::InvalidInput,
            Error::Api(_) => ErrorKind::Api,
            Error::Decode { .. } => ErrorKind::Decode,
            Error::HttpStatus { .. } => ErrorKind::HttpStatus,
            Error::Transport { .. } => ErrorKind::Transport,
            Error::Timeout { .. } => ErrorKind::Timeout,
        }
    }

    /// The API error, when this is one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// True when a non-repeatable write may have been applied by the server: see
    /// [`Error::Transport::outcome_unknown`] and [`Error::HttpStatus::outcome_unknown`].
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self,
            Error::Transport { outcome_unknown: true, .. }
                | Error::Timeout { outcome_unknown: true, .. }
                | Error::HttpStatus { outcome_unknown: true, .. }
                | Error::Decode { outcome_unknown: true, .. }
        )
    }

    /// The HTTP status, for [`Error::HttpStatus`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::HttpStatus { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Replaces every occurrence of each secret in the error's texts with `***`.
    pub(crate) fn scrubbed(self, secrets: &[&str]) -> Self {
        let clean = |text: String| crate::redact::clean(&text, secrets);
        match self {
            Error::InvalidInput { field, reason } => Error::InvalidInput { field, reason: clean(reason) },
            Error::Api(mut api) => {
                api.message = clean(api.message);
                Error::Api(api)
            }
            Error::Decode { format, reason, excerpt, outcome_unknown } => {
                Error::Decode { format, reason: clean(reason), excerpt: clean(excerpt), outcome_unknown }
            }
            Error::HttpStatus { status, excerpt, outcome_unknown } => {
                Error::HttpStatus { status, excerpt: clean(excerpt), outcome_unknown }
            }
            Error::Transport { message, outcome_unknown } => {
                Error::Transport { message: clean(message), outcome_unknown }
            }
            Error::Timeout { message, outcome_unknown } => Error::Timeout { message: clean(message), outcome_unknown },
        }
    }
}

impl From<contactnow_core::Error> for Error {
    fn from(error: contactnow_core::Error) -> Self {
        match error {
            contactnow_core::Error::InvalidInput { field, reason } => Error::InvalidInput { field, reason },
            contactnow_core::Error::Api(api) => Error::Api(api),
            contactnow_core::Error::Decode { format, reason, excerpt, outcome_unknown } => {
                Error::Decode { format, reason, excerpt, outcome_unknown }
            }
            contactnow_core::Error::HttpStatus { status, excerpt, outcome_unknown } => {
                Error::HttpStatus { status, excerpt, outcome_unknown }
            }
            // The core's enum is non-exhaustive: keep whatever a later version adds, as text.
            other => Error::Decode {
                format: Format::Json,
                reason: other.to_string(),
                excerpt: String::new(),
                outcome_unknown: false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_notes() {
        let e = Error::Transport { message: "reset".into(), outcome_unknown: true };
        assert_eq!(e.kind().as_str(), "Transport");
        assert!(e.outcome_unknown());
        assert!(e.to_string().contains("outcome unknown"));
        let e = Error::Timeout { message: "connect".into(), outcome_unknown: false };
        assert_eq!(e.kind(), ErrorKind::Timeout);
        assert!(!e.to_string().contains("outcome unknown"));
        let e = Error::HttpStatus { status: 503, excerpt: String::new(), outcome_unknown: false };
        assert_eq!((e.kind(), e.status(), e.outcome_unknown()), (ErrorKind::HttpStatus, Some(503), false));
        assert!(!e.to_string().contains("outcome unknown"));
        for unknown in [false, true] {
            let core =
                contactnow_core::Error::HttpStatus { status: 502, excerpt: String::new(), outcome_unknown: unknown };
            assert_eq!(Error::from(core).outcome_unknown(), unknown, "the core's verdict is kept");
        }
        let core = contactnow_core::Error::invalid("records", "empty");
        assert_eq!(Error::from(core).kind(), ErrorKind::InvalidInput);
    }

    #[test]
    fn scrubbed_removes_secrets() {
        let e = Error::HttpStatus { status: 502, excerpt: "token=tok-S%2F1 tok-S/1".into(), outcome_unknown: true };
        let e = e.scrubbed(&["tok-S/1"]);
        let text = e.to_string();
        assert!(!text.contains("tok-S"), "{text}");
        assert!(e.outcome_unknown() && text.contains("outcome unknown"), "{text}");
    }
}
