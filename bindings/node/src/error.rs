//! The one place where Rust errors become JavaScript `Error`s.
//!
//! Every error thrown or rejected by the addon is an `Error` named `ContactNowError` with a
//! stable `code` (`contactnow::ErrorKind`: `'InvalidInput'`, `'Api'`, `'Decode'`,
//! `'HttpStatus'`, `'Transport'`, `'Timeout'`, `'Cancelled'`), its message, and the fields of
//! its kind (`field`, `status`, `total`, `bad`, `key`, `partial`, `tokenRejected`,
//! `outcomeUnknown`, ...), field paths in camelCase. Until then an error is the client's own
//! `contactnow::Error` (plain data, so it can cross threads).
//!
//! `index.js` (`fromNative`) turns each of them into the matching public class
//! (`ApiError`, `InvalidInputError`, ..., all `ContactNowError`s) with the same `code`,
//! message and fields: the `name` and `code` set here are what it recognises them by.

use contactnow::{
    options::{in_casing, Casing},
    Error,
};
use napi::{
    bindgen_prelude::{BigInt, Either, Object},
    Env, JsValue, Status,
};

/// A result of the crate's own functions, thrown into JavaScript with [`OrThrow::or_throw`].
pub(crate) type Result<T> = std::result::Result<T, Error>;

/// Turns the client's error into the JavaScript error napi throws or rejects with.
pub(crate) trait OrThrow<T> {
    /// The value, or the error as a `ContactNowError` object.
    fn or_throw(self, env: &Env) -> napi::Result<T>;
}

impl<T> OrThrow<T> for Result<T> {
    fn or_throw(self, env: &Env) -> napi::Result<T> {
        self.map_err(|error| to_js(env, error))
    }
}

/// The error as a `ContactNowError` object (a plain error keeping the code if even that fails).
pub(crate) fn to_js(env: &Env, error: Error) -> napi::Error {
    let error = in_casing(error, Casing::Camel);
    match object(env, &error) {
        Ok(object) => napi::Error::from(object.to_unknown()),
        Err(_) => napi::Error::new(Status::GenericFailure, format!("[{}] {error}", error.kind().as_str())),
    }
}

fn object<'env>(env: &'env Env, error: &Error) -> napi::Result<Object<'env>> {
    let mut object = env.create_error(napi::Error::new(Status::GenericFailure, error.to_string()))?;
    object.set("name", "ContactNowError")?;
    object.set("code", error.kind().as_str())?;
    match error {
        Error::InvalidInput { field, reason } => {
            object.set("field", field.as_str())?;
            object.set("reason", reason.as_str())?;
            return Ok(object);
        }
        Error::Api(api) => {
            object.set("apiMessage", api.message.as_str())?;
            object.set("accountId", api.account_id.map(exact))?;
            // Counts: no batch comes near 2^53 records.
            object.set("total", api.total.map(|n| n as f64))?;
            object.set("bad", api.bad.map(|n| n as f64))?;
            object.set("key", api.key.map(exact))?;
            if let Some(expire) = api.expire {
                object.set("expire", expire as f64)?;
            }
            object.set("partial", api.partial)?;
            object.set("tokenRejected", api.is_token_rejected())?;
            return Ok(object);
        }
        Error::Decode { format, reason, excerpt, .. } => {
            object.set("format", format.as_str())?;
            object.set("reason", reason.as_str())?;
            object.set("excerpt", excerpt.as_str())?;
        }
        Error::HttpStatus { status, excerpt, .. } => {
            object.set("status", u32::from(*status))?;
            object.set("excerpt", excerpt.as_str())?;
        }
        _ => {}
    }
    object.set("outcomeUnknown", error.outcome_unknown())?;
    Ok(object)
}

/// A server number in an error field, never rounded: a `number` up to
/// `Number.MAX_SAFE_INTEGER`, a `bigint` beyond it.
fn exact(n: u64) -> Either<f64, BigInt> {
    if n <= crate::output::MAX_SAFE_INTEGER {
        Either::A(n as f64)
    } else {
        Either::B(BigInt::from(n))
    }
}
