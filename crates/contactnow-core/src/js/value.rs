//! JavaScript values in and out: any value as JSON data, strings, and the HTTP request and
//! response of the sans-IO API and of a `sender`.

use napi::{
    bindgen_prelude::{FromNapiValue, Object, Uint8Array, Unknown},
    Either, Env, ValueType,
};
use serde_json::{json, Map, Value};

use super::error::Result;
use crate::{Error, HttpRequest, HttpResponse};

/// Reads any JavaScript value as JSON data; values JSON cannot hold are an input error.
pub fn json(env: &Env, value: Unknown, field: &str) -> Result<Value> {
    env.from_js_value::<Value, _>(value)
        .map_err(|e| Error::invalid(field, format!("not a plain data value: {}", e.reason)))
}

/// Reads a JavaScript string; any other value is an input error (never napi's own error).
pub fn string(value: Unknown, field: &str) -> Result<String> {
    String::from_unknown(value).map_err(|_| Error::invalid(field, "expected a string"))
}

/// A request as JavaScript gets it: `{ method, url, redactedUrl, headers, body }`
/// (`HttpRequest` in `index.d.ts`; the URL carries the token or password: never log it).
pub fn request(request: &HttpRequest) -> Value {
    let headers: Map<String, Value> = request.headers.iter().map(|(k, v)| (k.clone(), v.as_str().into())).collect();
    let (method, url, redacted_url) = (request.method.as_str(), &request.url, request.redacted_url());
    let body = String::from_utf8_lossy(&request.body);
    json!({ "method": method, "url": url, "redactedUrl": redacted_url, "headers": headers, "body": body })
}

/// Reads a response `{ status, contentType?, body, retryAfter? }` (body a string, a `Buffer`
/// or a `Uint8Array`), each wrong value an `InvalidInput` error naming its field.
pub fn response_of(value: Unknown) -> Result<HttpResponse> {
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
