//! The one place where Rust errors become JavaScript `Error`s.
//!
//! Every error thrown or rejected by the addon is an `Error` named `ContactNowError` with a
//! stable `code`: `'InvalidInput'`, `'Api'`, `'Decode'`, `'HttpStatus'`, `'Transport'`,
//! `'Timeout'` or `'Cancelled'` (an `AbortSignal` ended the call), plus the fields that
//! matter for that kind (`field`, `status`, `total`, `bad`, `key`, `partial`,
//! `tokenRejected`, `outcomeUnknown`, ...). Texts are scrubbed of the client's secrets before
//! they reach JavaScript.
//!
//! `index.js` (`fromNative`) turns each of them into the matching public class
//! (`ApiError`, `InvalidInputError`, ..., all `ContactNowError`s) with the same `code`,
//! message and fields: the `name` and `code` set here are what it recognises them by.

use contactnow_core::{scrub, ApiError, Format};
use napi::{
    bindgen_prelude::{BigInt, Either, Object},
    Env, JsValue,
};

/// An error on its way to JavaScript: plain data, so it can cross threads; it becomes an
/// `Error` named `ContactNowError` when the call settles.
#[derive(Debug, Clone)]
pub struct Failure(Box<Details>);

/// The contents of a [`Failure`].
#[derive(Debug, Clone)]
struct Details {
    code: &'static str,
    message: String,
    field: Option<String>,
    reason: Option<String>,
    status: Option<u16>,
    format: Option<Format>,
    excerpt: Option<String>,
    api: Option<ApiError>,
    outcome_unknown: bool,
}

impl Details {
    fn new(code: &'static str, message: String) -> Self {
        Self {
            code,
            message,
            field: None,
            reason: None,
            status: None,
            format: None,
            excerpt: None,
            api: None,
            outcome_unknown: false,
        }
    }

    /// An `InvalidInput` error for `field` (given in JavaScript or Rust casing).
    fn invalid(field: &str, reason: impl Into<String>) -> Self {
        let field = camel_path(field);
        let reason = reason.into();
        Self {
            field: Some(field.clone()),
            reason: Some(reason.clone()),
            ..Self::new("InvalidInput", format!("invalid input: {field}: {reason}"))
        }
    }

    /// A `Decode` error: a value the server sent cannot be given to JavaScript exactly.
    fn decode(format: Format, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        Self {
            format: Some(format),
            reason: Some(reason.clone()),
            ..Self::new("Decode", format!("could not decode {format} response: {reason}"))
        }
    }

    /// Replaces each non-empty secret in every text with `***`.
    fn scrubbed(mut self, secrets: &[String]) -> Self {
        for secret in secrets.iter().filter(|s| !s.is_empty()) {
            for text in [
                Some(&mut self.message),
                self.reason.as_mut(),
                self.excerpt.as_mut(),
                self.api.as_mut().map(|a| &mut a.message),
            ]
            .into_iter()
            .flatten()
            {
                *text = scrub(text, secret);
            }
        }
        self
    }

    fn into_napi(self, env: &Env) -> napi::Error {
        match self.to_object(env) {
            Ok(object) => napi::Error::from(object.to_unknown()),
            // Could not even build the object: fall back to a plain error keeping the code.
            Err(_) => napi::Error::new(napi::Status::GenericFailure, format!("[{}] {}", self.code, self.message)),
        }
    }

    fn to_object<'env>(&self, env: &'env Env) -> napi::Result<Object<'env>> {
        let mut error = env.create_error(napi::Error::new(napi::Status::GenericFailure, self.message.clone()))?;
        error.set("name", "ContactNowError")?;
        error.set("code", self.code)?;
        if let Some(field) = &self.field {
            error.set("field", field.as_str())?;
        }
        if let Some(reason) = &self.reason {
            error.set("reason", reason.as_str())?;
        }
        if let Some(status) = self.status {
            error.set("status", u32::from(status))?;
        }
        if let Some(format) = self.format {
            error.set("format", format.as_str())?;
        }
        if let Some(excerpt) = &self.excerpt {
            error.set("excerpt", excerpt.as_str())?;
        }
        if let Some(api) = &self.api {
            error.set("apiMessage", api.message.as_str())?;
            error.set("accountId", api.account_id.map(exact))?;
            // Counts: no batch comes near 2^53 records.
            error.set("total", api.total.map(|n| n as f64))?;
            error.set("bad", api.bad.map(|n| n as f64))?;
            error.set("key", api.key.map(exact))?;
            if let Some(expire) = api.expire {
                error.set("expire", expire as f64)?;
            }
            error.set("partial", api.partial)?;
            error.set("tokenRejected", api.is_token_rejected())?;
        }
        if matches!(self.code, "Transport" | "Timeout" | "HttpStatus" | "Decode" | "Cancelled") {
            error.set("outcomeUnknown", self.outcome_unknown)?;
        }
        Ok(error)
    }
}

impl Failure {
    /// An `InvalidInput` error for `field` (given in JavaScript or Rust casing).
    pub(crate) fn invalid(field: &str, reason: impl Into<String>) -> Self {
        Self(Box::new(Details::invalid(field, reason)))
    }

    /// A `Decode` error: a value the server sent cannot be given to JavaScript exactly.
    pub(crate) fn decode(format: Format, reason: impl Into<String>) -> Self {
        Self(Box::new(Details::decode(format, reason)))
    }

    /// Replaces each non-empty secret in every text with `***`.
    #[must_use]
    pub(crate) fn scrubbed(self, secrets: &[String]) -> Self {
        Self(Box::new(self.0.scrubbed(secrets)))
    }

    /// The stable code, e.g. `'Api'`.
    #[cfg(test)]
    pub(crate) fn code(&self) -> &'static str {
        self.0.code
    }

    /// Builds the JavaScript `Error` object and wraps it so napi throws or rejects with it.
    pub(crate) fn into_napi(self, env: &Env) -> napi::Error {
        self.0.into_napi(env)
    }
}

/// A server number in an error field, never rounded: a `number` up to
/// `Number.MAX_SAFE_INTEGER`, a `bigint` beyond it.
fn exact(n: u64) -> Either<f64, BigInt> {
    if n <= crate::input::MAX_SAFE_INTEGER {
        Either::A(n as f64)
    } else {
        Either::B(BigInt::from(n))
    }
}

impl From<contactnow::Error> for Failure {
    fn from(error: contactnow::Error) -> Self {
        Self(Box::new(Details::from(error)))
    }
}

impl From<contactnow::Error> for Details {
    fn from(error: contactnow::Error) -> Self {
        let code = error.kind().as_str();
        let message = error.to_string();
        match error {
            contactnow::Error::InvalidInput { field, reason } => Details::invalid(&field, reason),
            contactnow::Error::Api(api) => Self { api: Some(api), ..Self::new(code, message) },
            contactnow::Error::Decode { format, reason, excerpt, outcome_unknown } => Self {
                format: Some(format),
                reason: Some(reason),
                excerpt: Some(excerpt),
                outcome_unknown,
                ..Self::new(code, message)
            },
            contactnow::Error::HttpStatus { status, excerpt, outcome_unknown } => {
                Self { status: Some(status), excerpt: Some(excerpt), outcome_unknown, ..Self::new(code, message) }
            }
            contactnow::Error::Transport { outcome_unknown, .. }
            | contactnow::Error::Timeout { outcome_unknown, .. }
            | contactnow::Error::Cancelled { outcome_unknown } => Self { outcome_unknown, ..Self::new(code, message) },
            // The client's enum is non-exhaustive: keep its kind and text.
            _ => Self::new(code, message),
        }
    }
}

/// `records[1].agent_id` -> `records[1].agentId`, `timeout` -> `timeoutMs`: field paths in
/// JavaScript casing, by the one rule of every camelCase language.
pub(crate) fn camel_path(path: &str) -> String {
    contactnow::options::option_name(path, contactnow::options::Casing::Camel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_become_camel_case() {
        assert_eq!(camel_path("records[1].agent_id"), "records[1].agentId");
        assert_eq!(camel_path("base_url"), "baseUrl");
        assert_eq!(camel_path("records[0].description"), "records[0].description");
        assert_eq!(camel_path("retries.max_attempts"), "retries.maxAttempts");
        assert_eq!(camel_path("total_timeout"), "totalTimeoutMs");
    }

    #[test]
    fn kinds_map_to_codes() {
        let core = contactnow_core::Error::invalid("records[0].queue_id", "must be a positive id, got 0");
        let failure = Failure::from(core);
        assert_eq!(failure.code(), "InvalidInput");
        assert_eq!(failure.0.field.as_deref(), Some("records[0].queueId"));
        assert!(failure.0.message.contains("records[0].queueId"));
        let timeout = contactnow::Error::Timeout { message: "total".into(), outcome_unknown: true };
        let failure = Failure::from(timeout);
        assert_eq!(failure.code(), "Timeout");
        assert!(failure.0.outcome_unknown);
        let cancelled = Failure::from(contactnow::Error::Cancelled { outcome_unknown: true });
        assert_eq!(cancelled.code(), "Cancelled");
        assert!(cancelled.0.outcome_unknown);
        assert!(cancelled.0.message.starts_with("cancelled by the caller"));
    }

    #[test]
    fn scrubbing_covers_every_text() {
        let api = ApiError { message: "bad tok-123".into(), ..Default::default() };
        let failure = Failure::from(contactnow::Error::Api(api)).scrubbed(&["tok-123".into(), String::new()]);
        assert!(!format!("{failure:?}").contains("tok-123"));
    }
}
