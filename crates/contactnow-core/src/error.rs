//! The one error type of the whole stack, split by phase: input, API answer, decoding, HTTP
//! status, transport and timeout. Every binding maps this type, and only this one.

use std::fmt;

use crate::{
    redact::{scrub_own, scrub_secrets},
    Format,
};

/// Everything a call can fail with. Texts never contain the token or the password once the
/// engine has returned them (see [`Error::scrubbed`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input was rejected before anything was sent.
    #[error("invalid input: {field}: {reason}")]
    InvalidInput {
        /// The field at fault, e.g. `records[2].description`.
        field: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The API answered `success: false`, or a batch in which some records failed.
    #[error("{0}")]
    Api(ApiError),
    /// The body could not be read as the expected format.
    #[error("could not decode {format} response: {reason}; body starts {excerpt:?}{}", unknown_note(*outcome_unknown))]
    Decode {
        /// The format that was expected.
        format: Format,
        /// What was wrong, naming the field where one is at fault.
        reason: String,
        /// The first bytes of the body, for diagnosis.
        excerpt: String,
        /// True when a write that is not safe to repeat (a TOD policy create) got a 2xx
        /// answer that could not be read: it was probably applied; check before repeating it.
        outcome_unknown: bool,
    },
    /// The server answered with a status other than 2xx.
    #[error("unexpected HTTP status {status}; body starts {excerpt:?}{}", unknown_note(*outcome_unknown))]
    HttpStatus {
        /// The status code.
        status: u16,
        /// The first bytes of the body, for diagnosis.
        excerpt: String,
        /// True when a write that is not safe to repeat (a TOD policy create) got a status
        /// that may come after the write was applied: a 5xx other than 501, 503 and 505 (a PHP
        /// 500, a gateway's 502 or 504). Always false for 4xx (429 included) and 503, which
        /// say the request was not processed.
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
    /// The caller cancelled the call (a Node `AbortSignal`, say) before it ended.
    #[error("cancelled by the caller{}", unknown_note(*outcome_unknown))]
    Cancelled {
        /// True when a write that is not safe to repeat was in flight: it may have been
        /// applied; check the server's state before trying again.
        outcome_unknown: bool,
    },
}

/// The note a display text ends with when the outcome is unknown.
pub(crate) fn unknown_note(outcome_unknown: bool) -> &'static str {
    if outcome_unknown {
        "; outcome unknown: the request may have reached the server and was not repeated \
         because repeating it could apply it twice; check the server's state before retrying"
    } else {
        ""
    }
}

/// Whether a status may come after the request was applied: a 5xx other than 501 (not
/// implemented), 503 (unavailable) and 505 (version not supported), which say it was not
/// processed.
pub fn status_may_follow_apply(status: u16) -> bool {
    (500..600).contains(&status) && !matches!(status, 501 | 503 | 505)
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
    /// See [`Error::Cancelled`].
    Cancelled,
}

impl ErrorKind {
    /// The stable name used by every binding and by the test vectors: `InvalidInput`, `Api`,
    /// `Decode`, `HttpStatus`, `Transport`, `Timeout` or `Cancelled`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "InvalidInput",
            ErrorKind::Api => "Api",
            ErrorKind::Decode => "Decode",
            ErrorKind::HttpStatus => "HttpStatus",
            ErrorKind::Transport => "Transport",
            ErrorKind::Timeout => "Timeout",
            ErrorKind::Cancelled => "Cancelled",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The API's own account of a failed call.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiError {
    /// The server's `error` text (or a description of the partial failure).
    pub message: String,
    /// `account_id`, if present.
    pub account_id: Option<u64>,
    /// `total`: records affected, if present.
    pub total: Option<u64>,
    /// `bad`: records that failed, if present.
    pub bad: Option<u64>,
    /// `key`, if present.
    pub key: Option<u64>,
    /// `expire`, as sent by `token.php` (`-1` for an expired token).
    pub expire: Option<i64>,
    /// True when the server said `success: true` but some records of the batch failed.
    pub partial: bool,
}

impl ApiError {
    /// Whether the server refused the token (expired, invalid or unknown): getting a new
    /// token and repeating the call may succeed.
    pub fn is_token_rejected(&self) -> bool {
        if self.partial {
            return false;
        }
        let message = self.message.to_ascii_lowercase();
        self.expire == Some(-1)
            || ["expired token", "invalid token", "unknown token"].iter().any(|m| message.contains(m))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.partial {
            write!(f, "batch partly failed: {} records failed", self.bad.unwrap_or(0))?;
            write!(f, ", {} affected", self.total.unwrap_or(0))?;
            if !self.message.is_empty() {
                write!(f, ": {}", self.message)?;
            }
            return Ok(());
        }
        write!(f, "API error: {}", self.message)?;
        if let (Some(total), Some(bad)) = (self.total, self.bad) {
            write!(f, " (total {total}, bad {bad})")?;
        }
        Ok(())
    }
}

impl Error {
    /// The error's fields as data, by their snake_case names, as every binding exposes them
    /// (in its own casing): `field`, `reason` (input); `message` (the server's text),
    /// `account_id`, `total`, `bad`, `key`, `expire`, `partial`, `token_rejected` (API);
    /// `format`, `reason`, `excerpt` (decode); `status`, `excerpt` (HTTP status); and
    /// `outcome_unknown` for every kind but input and API. Texts are as scrubbed as the error.
    pub fn fields(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Error::InvalidInput { field, reason } => json!({ "field": field, "reason": reason }),
            Error::Api(api) => json!({
                "message": api.message, "account_id": api.account_id, "total": api.total, "bad": api.bad,
                "key": api.key, "expire": api.expire, "partial": api.partial, "token_rejected": api.is_token_rejected(),
            }),
            Error::Decode { format, reason, excerpt, outcome_unknown } => json!({
                "format": format.as_str(), "reason": reason, "excerpt": excerpt, "outcome_unknown": outcome_unknown,
            }),
            Error::HttpStatus { status, excerpt, outcome_unknown } => {
                json!({ "status": status, "excerpt": excerpt, "outcome_unknown": outcome_unknown })
            }
            other => json!({ "outcome_unknown": other.outcome_unknown() }),
        }
    }

    /// An [`Error::InvalidInput`] for `field`.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidInput { field: field.into(), reason: reason.into() }
    }

    /// A [`Error::Decode`] with an excerpt of `body`.
    pub(crate) fn decode(format: Format, reason: impl Into<String>, body: &[u8]) -> Self {
        Error::Decode { format, reason: reason.into(), excerpt: excerpt(body), outcome_unknown: false }
    }

    /// Marks the error of a write that is not safe to repeat, answered with `status`: a
    /// status that may follow its application, or a 2xx that could not be read, leaves its
    /// outcome unknown.
    /// (The core's own non-repeatable operation does this; a client running an operation of
    /// its own that is not safe to repeat applies it too.)
    #[must_use]
    pub fn after_unrepeatable_write(mut self, status: u16) -> Self {
        match &mut self {
            Error::HttpStatus { status, outcome_unknown, .. } => *outcome_unknown = status_may_follow_apply(*status),
            Error::Decode { outcome_unknown, .. } => *outcome_unknown = (200..300).contains(&status),
            Error::InvalidInput { .. }
            | Error::Api(_)
            | Error::Transport { .. }
            | Error::Timeout { .. }
            | Error::Cancelled { .. } => {}
        }
        self
    }

    /// True when the request may have been applied although this error came back (see
    /// [`Error::HttpStatus`] and [`Error::Decode`]): check the server's state before repeating it.
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self,
            Error::Decode { outcome_unknown: true, .. }
                | Error::HttpStatus { outcome_unknown: true, .. }
                | Error::Transport { outcome_unknown: true, .. }
                | Error::Timeout { outcome_unknown: true, .. }
                | Error::Cancelled { outcome_unknown: true }
        )
    }

    /// The HTTP status, for [`Error::HttpStatus`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::HttpStatus { status, .. } => Some(*status),
            _ => None,
        }
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
            Error::Cancelled { .. } => ErrorKind::Cancelled,
        }
    }

    /// The API error, when this is one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// Removes every echo of each secret from the error's texts (see
    /// [`scrub_secrets`](crate::scrub_secrets); an input error's reason, the SDK's own text,
    /// by [`scrub_own`](crate::scrub_own)).
    ///
    /// The core never puts secrets in texts on purpose, but a server may echo them (an error
    /// page quoting the URL); the engine calls this with the call's token and password.
    #[must_use]
    pub fn scrubbed(self, secrets: &[&str]) -> Self {
        let clean = |text: String| scrub_secrets(&text, secrets);
        match self {
            // The SDK's own text (quoting the input at most): its words stay whole.
            Error::InvalidInput { field, reason } => Error::InvalidInput { field, reason: scrub_own(&reason, secrets) },
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
            cancelled @ Error::Cancelled { .. } => cancelled,
        }
    }
}

/// The start of a body as printable text (see [`crate::excerpt`], here with no secret known:
/// the engine makes the excerpt again with the call's secrets).
pub(crate) fn excerpt(body: &[u8]) -> String {
    crate::redact::excerpt(body, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_name_what_each_kind_carries() {
        let keys = |e: Error| e.fields().as_object().map(|m| m.keys().cloned().collect::<Vec<_>>()).unwrap_or_default();
        assert_eq!(keys(Error::invalid("records[0].level", "x")), ["field", "reason"]);
        let status = Error::HttpStatus { status: 502, excerpt: "x".into(), outcome_unknown: true };
        assert_eq!(status.fields(), serde_json::json!({"status": 502, "excerpt": "x", "outcome_unknown": true}));
        assert_eq!(Error::Cancelled { outcome_unknown: true }.fields(), serde_json::json!({"outcome_unknown": true}));
        let api = Error::Api(ApiError { message: "Expired token".into(), expire: Some(-1), ..ApiError::default() });
        assert_eq!(api.fields()["token_rejected"], true);
    }

    #[test]
    fn statuses_that_may_follow_an_applied_write() {
        for status in [500, 502, 504, 507, 520, 524, 599] {
            assert!(status_may_follow_apply(status), "{status}");
        }
        for status in [200, 400, 404, 408, 429, 499, 501, 503, 505, 600] {
            assert!(!status_may_follow_apply(status), "{status}");
        }
    }

    #[test]
    fn an_unrepeatable_write_marks_its_outcome_unknown() {
        let status = |s| Error::HttpStatus { status: s, excerpt: String::new(), outcome_unknown: false };
        assert!(status(502).after_unrepeatable_write(502).outcome_unknown());
        assert!(!status(503).after_unrepeatable_write(503).outcome_unknown());
        assert!(!status(429).after_unrepeatable_write(429).outcome_unknown());
        let decode = Error::decode(Format::Json, "truncated", b"{");
        assert!(decode.clone().after_unrepeatable_write(200).outcome_unknown());
        assert!(!decode.after_unrepeatable_write(404).outcome_unknown());
        let shown = status(500).after_unrepeatable_write(500).to_string();
        assert!(shown.contains("outcome unknown"), "{shown}");
    }

    #[test]
    fn token_rejection_is_recognised() {
        let api = |message: &str, expire| ApiError { message: message.into(), expire, ..Default::default() };
        assert!(api("Expired token", Some(-1)).is_token_rejected());
        assert!(api("Invalid token", None).is_token_rejected());
        assert!(api("Unknown token", None).is_token_rejected());
        assert!(api("something", Some(-1)).is_token_rejected());
        assert!(!api("Authentication failure", None).is_token_rejected());
    }

    #[test]
    fn excerpt_is_short_and_printable() {
        let body = format!("<html>\n{}\u{1}", "x".repeat(500));
        let e = excerpt(body.as_bytes());
        assert!(e.starts_with("<html> x") && e.ends_with('…'));
        assert_eq!(e.chars().count(), 120 + 1);
        assert_eq!(excerpt(b"\xff\x01"), "\u{fffd}\u{fffd}");
    }

    #[test]
    fn scrubbed_removes_secret() {
        let err = Error::HttpStatus { status: 502, excerpt: "bad token=s3cret".into(), outcome_unknown: false };
        assert!(!err.scrubbed(&["s3cret"]).to_string().contains("s3cret"));
        let e = Error::Transport { message: "token=tok-S%2F1 tok-S/1".into(), outcome_unknown: true };
        let text = e.scrubbed(&["tok-S/1"]).to_string();
        assert!(!text.contains("tok-S") && text.contains("outcome unknown"), "{text}");
    }
}
