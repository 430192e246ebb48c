//! The sans-IO layer: build the exact HTTP request of a call, send it with any HTTP stack
//! (e.g. `fetch`), and parse the answer with the same code the client uses.

use contactnow::{
    input::Reader,
    options::{Casing, Options},
    ApiCall, Error, Format,
};
use napi::{bindgen_prelude::Unknown, Env};
use napi_derive::napi;
use serde_json::Value;

use crate::{
    error::{throw, Result},
    output::{self, Output},
    value::{self, json, response_of, string},
};

/// `url` with the values of `token` and `password` shown as `***`, safe to log.
#[napi]
pub fn redact_url(env: Env, url: Unknown) -> napi::Result<String> {
    string(url, "url").map(|url| contactnow::redact_url(&url)).map_err(throw(&env))
}

/// The core call of operation `name` for `value` (`{ records }` for writes, the filter for reads).
pub(crate) fn api_call(name: &str, value: &Value) -> Result<ApiCall> {
    Reader::JAVASCRIPT.call(name, value)
}

/// Reads the options of `buildRequest` and `parseResponse`, `allowed` of `token`, `baseUrl`,
/// `format` and `allowInsecureHttp`.
fn options(env: &Env, value: Unknown, allowed: &[&str]) -> Result<(Options, Format)> {
    let value = json(env, value, "options")?;
    let keys = value.as_object().map(|map| map.keys().collect()).or_else(|| value.is_null().then(Vec::new));
    // Refused without the value itself: a string here may be the token.
    let keys: Vec<&String> = keys.ok_or_else(|| Error::invalid("options", "expected an object"))?;
    if let Some(key) = keys.into_iter().find(|k| !allowed.contains(&k.as_str())) {
        return Err(Error::invalid(key.as_str(), format!("unknown option; expected {}", allowed.join(", "))));
    }
    let options = Options::from_json(&value, Casing::Camel, Reader::JAVASCRIPT, &[])?;
    let format = options.format.as_deref().unwrap_or("json").parse()?;
    Ok((options, format))
}

/// Builds the exact HTTP request of `operation` for `input` (`{ records }` for writes, the
/// filter for reads), with `{ token, baseUrl?, format?, allowInsecureHttp? }`. Throws an `InvalidInput` error
/// for invalid input.
#[napi]
pub fn build_request(env: Env, operation: Unknown, input: Unknown, options: Unknown) -> napi::Result<Value> {
    let request = (|| {
        let call = api_call(&string(operation, "operation")?, &json(&env, input, "input")?)?;
        let allowed = ["token", "baseUrl", "format", "allowInsecureHttp"];
        let (o, format) = self::options(&env, options, &allowed)?;
        call.request(o.token.as_deref(), o.base_url.as_deref(), format, o.allow_insecure_http.unwrap_or(false))
    })();
    request.map(|r| value::request(&r)).map_err(throw(&env))
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
        let (_, format) = self::options(&env, options, &["format"])?;
        output::js(call.parse_response_scrubbed(format, &response)?, format)
    })();
    parsed.map_err(throw(&env))
}
