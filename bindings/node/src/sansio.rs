//! The sans-IO layer: build the exact HTTP request of a call, send it with any HTTP stack
//! (e.g. `fetch`), and parse the answer with the same code the client uses.

use contactnow::{
    input::Reader,
    options::{Casing, Options},
    ApiCall, Error, Format, HttpRequest, HttpResponse,
};
use napi::{
    bindgen_prelude::{FromNapiValue, Object, Uint8Array, Unknown},
    Either, Env, ValueType,
};
use napi_derive::napi;
use serde_json::{json, Map, Value};

use crate::{
    client::{json, string},
    error::{throw, Result},
    output::{self, Output},
};

/// A request as JavaScript gets it: `{ method, url, redactedUrl, headers, body }`
/// (`HttpRequest` in `index.d.ts`; the URL carries the token or password: never log it).
pub(crate) fn request(request: &HttpRequest) -> Value {
    let headers: Map<String, Value> = request.headers.iter().map(|(k, v)| (k.clone(), v.as_str().into())).collect();
    let (method, url, redacted_url) = (request.method.as_str(), &request.url, request.redacted_url());
    let body = String::from_utf8_lossy(&request.body);
    json!({ "method": method, "url": url, "redactedUrl": redacted_url, "headers": headers, "body": body })
}

/// `url` with the values of `token` and `password` shown as `***`, safe to log.
#[napi]
pub fn redact_url(env: Env, url: Unknown) -> napi::Result<String> {
    string(url, "url").map(|url| contactnow::redact_url(&url)).map_err(throw(&env))
}

/// Reads a response `{ status, contentType?, body, retryAfter? }` (body a string, a `Buffer`
/// or a `Uint8Array`), each wrong value an `InvalidInput` error naming its field.
pub(crate) fn response_of(value: Unknown) -> Result<HttpResponse> {
    let bad = |key: &str, expected: &str| Error::invalid(format!("response{key}"), format!("expected {expected}"));
    let object = Some(value).filter(|v| v.get_type().ok() == Some(ValueType::Object));
    let object = object.and_then(|v| Object::from_unknown(v).ok());
    let object = object.ok_or_else(|| bad("", "an object { status, contentType?, body }"))?;
    let text = |key: &str| object.get::<Option<String>>(key).map_err(|_| bad(&format!(".{key}"), "a string"));
    let status = object.get::<u32>("status").ok().flatten().and_then(|s| u16::try_from(s).ok());
    let body = object.get::<Either<String, Uint8Array>>("body").ok().flatten();
    Ok(HttpResponse {
        status: status.ok_or_else(|| bad(".status", "an HTTP status number"))?,
        content_type: text("contentType")?.flatten(),
        body: match body.ok_or_else(|| bad(".body", "a string, a Buffer or a Uint8Array"))? {
            Either::A(text) => text.into_bytes(),
            Either::B(bytes) => bytes.to_vec(),
        },
        retry_after: text("retryAfter")?.flatten(),
    })
}

/// The core call of operation `name` for `value` (`{ records }` for writes, the filter for reads).
pub(crate) fn api_call(name: &str, value: &Value) -> Result<ApiCall> {
    Reader::JAVASCRIPT.call(name, value)
}

/// Reads the options of `buildRequest` and `parseResponse`, `allowed` of `token`, `baseUrl`
/// and `format`.
fn options(env: &Env, value: Unknown, allowed: &[&str]) -> Result<(Option<String>, Option<String>, Format)> {
    let value = json(env, value, "options")?;
    let keys = value.as_object().map(|map| map.keys().collect()).or_else(|| value.is_null().then(Vec::new));
    // Refused without the value itself: a string here may be the token.
    let keys: Vec<&String> = keys.ok_or_else(|| Error::invalid("options", "expected an object"))?;
    if let Some(key) = keys.into_iter().find(|k| !allowed.contains(&k.as_str())) {
        return Err(Error::invalid(key.as_str(), format!("unknown option; expected {}", allowed.join(", "))));
    }
    let options = Options::from_json(&value, Casing::Camel, Reader::JAVASCRIPT, &[])?;
    Ok((options.token, options.base_url, options.format.as_deref().unwrap_or("json").parse()?))
}

/// Builds the exact HTTP request of `operation` for `input` (`{ records }` for writes, the
/// filter for reads), with `{ token, baseUrl?, format? }`. Throws an `InvalidInput` error
/// for invalid input.
#[napi]
pub fn build_request(env: Env, operation: Unknown, input: Unknown, options: Unknown) -> napi::Result<Value> {
    let request = (|| {
        let call = api_call(&string(operation, "operation")?, &json(&env, input, "input")?)?;
        let (token, base_url, format) = self::options(&env, options, &["token", "baseUrl", "format"])?;
        call.request(token.as_deref(), base_url.as_deref(), format)
    })();
    request.map(|r| self::request(&r)).map_err(throw(&env))
}

/// Parses the response to a request built by `buildRequest` for `operation`, with
/// `{ format }` (default `'json'`); a `priority.read` listing comes as columns (see
/// `AssignmentColumns`), which `index.js` turns into records. Throws an `Api`, `Decode` or
/// `HttpStatus` error when the call failed (and `InvalidInput` for invalid arguments).
#[napi(ts_return_type = "unknown")]
pub fn parse_response(env: Env, operation: Unknown, response: Unknown, options: Unknown) -> napi::Result<Output> {
    let parsed = (|| {
        let name = string(operation, "operation")?;
        let call = ApiCall::empty(&name)?;
        let response = response_of(response)?;
        let (_, _, format) = self::options(&env, options, &["format"])?;
        output::js(call.parse_response_scrubbed(format, &response)?, format)
    })();
    parsed.map_err(throw(&env))
}
