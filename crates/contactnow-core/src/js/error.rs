//! The one place where Rust errors become JavaScript `Error`s: until then an error is the
//! one `Error` of the stack (plain data, so it can cross threads); it is thrown or rejected
//! as an `Error` named `ContactNowError` with the kind's stable `code` (`'InvalidInput'`,
//! `'Api'`, `'Decode'`, ...), its message, and its fields (`field` in camelCase, `status`,
//! `apiMessage`, `outcomeUnknown`, ...), which `index.js` (`fromNative`) turns into the
//! public class of the code (`InvalidInputError`, `ApiError`, ...).

use crate::{
    input::camel_case,
    naming::{in_casing, Casing},
    Error,
};
use napi::{bindgen_prelude::Object, Env, JsValue, Status};

/// A result of the crate's own functions; [`throw`] turns its error into JavaScript's.
pub type Result<T> = std::result::Result<T, Error>;

/// `map_err` to the JavaScript error napi throws or rejects with (see [`to_js`]).
pub fn throw(env: &Env) -> impl Fn(Error) -> napi::Error + '_ {
    move |error| to_js(env, error)
}

/// The error as a `ContactNowError` object (a plain error keeping the code if even that fails).
pub fn to_js(env: &Env, error: Error) -> napi::Error {
    let error = in_casing(error, Casing::Camel);
    let fallback = || napi::Error::new(Status::GenericFailure, format!("[{}] {error}", error.kind().as_str()));
    object(env, &error).map_or_else(|_| fallback(), |object| napi::Error::from(object.to_unknown()))
}

fn object<'env>(env: &'env Env, error: &Error) -> napi::Result<Object<'env>> {
    let mut object = env.create_error(napi::Error::new(Status::GenericFailure, error.to_string()))?;
    object.set("name", "ContactNowError")?;
    object.set("code", error.kind().as_str())?;
    // Numbers beyond `Number.MAX_SAFE_INTEGER` become `bigint`s (napi's conversion): never rounded.
    for (key, value) in error.fields().as_object().into_iter().flatten() {
        match key.as_str() {
            "expire" if value.is_null() => {}
            // `message` is the JavaScript error's own text.
            "message" => object.set("apiMessage", value)?,
            key => object.set(camel_case(key), value)?,
        }
    }
    Ok(object)
}
