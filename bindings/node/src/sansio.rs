//! The sans-IO layer: build the exact HTTP request of a call, send it with any HTTP stack
//! (e.g. `fetch`), and parse the answer with the same code the client uses.

use std::collections::BTreeMap;

use contactnow::{
    ApiCall, CreateAssignments, CreatePolicies, Endpoint, Error, Format, GetToken, HttpRequest, HttpResponse,
    Operation, ReadAssignments, ReadPolicies, Token, UpdateAssignments, UpdatePolicies, ValidateToken,
};
use napi::{
    bindgen_prelude::{FromNapiValue, Object, Uint8Array, Unknown},
    Either, Env, ValueType,
};
use napi_derive::napi;
use serde_json::Value;

use crate::{
    client::{json, string},
    error::{OrThrow, Result},
    input,
    output::{Output, ToJs},
};

/// A request to send.
#[napi(object, js_name = "HttpRequest")]
pub struct JsHttpRequest {
    /// `'GET'` or `'POST'`.
    #[napi(ts_type = "'GET' | 'POST'")]
    pub method: String,
    /// The full URL. It carries the token (or password): do not log it.
    pub url: String,
    /// Header names and values (`Accept`, and `Content-Type` for writes).
    pub headers: BTreeMap<String, String>,
    /// The body text; `''` for GET.
    pub body: String,
}

impl From<HttpRequest> for JsHttpRequest {
    fn from(request: HttpRequest) -> Self {
        JsHttpRequest {
            method: request.method.as_str().to_owned(),
            headers: request.headers.into_iter().collect(),
            body: String::from_utf8_lossy(&request.body).into_owned(),
            url: request.url,
        }
    }
}

/// Reads a response `{ status, contentType?, body, retryAfter? }` (body a string, a `Buffer`
/// or a `Uint8Array`), each wrong value an `InvalidInput` error naming its field.
pub(crate) fn response_of(value: Unknown) -> Result<HttpResponse> {
    let bad = |key: &str, expected: &str| {
        let field = if key.is_empty() { "response".to_owned() } else { format!("response.{key}") };
        Error::invalid(field, format!("expected {expected}"))
    };
    if value.get_type().ok() != Some(ValueType::Object) {
        return Err(bad("", "an object { status, contentType?, body }"));
    }
    let object = Object::from_unknown(value).map_err(|_| bad("", "an object"))?;
    let text = |key: &str| object.get::<Option<String>>(key).map_err(|_| bad(key, "a string")).map(Option::flatten);
    let status = object.get::<u32>("status").ok().flatten().and_then(|s| u16::try_from(s).ok());
    let body = object.get::<Either<String, Uint8Array>>("body").ok().flatten();
    Ok(HttpResponse {
        status: status.ok_or_else(|| bad("status", "an HTTP status number"))?,
        content_type: text("contentType")?,
        body: match body.ok_or_else(|| bad("body", "a string, a Buffer or a Uint8Array"))? {
            Either::A(text) => text.into_bytes(),
            Either::B(bytes) => bytes.to_vec(),
        },
        retry_after: text("retryAfter")?,
    })
}

/// The core's call `name` with no input; JavaScript's `todPolicies.*` is the core's
/// `tod_policy.*` (which works too).
pub(crate) fn named(name: &str) -> Result<ApiCall> {
    ApiCall::empty(&name.replacen("todPolicies.", "tod_policy.", 1))
}

/// The core call of operation `name` (`todPolicies.read` or `tod_policy.read`) for `value`
/// (`{ records }` for writes, the filter for reads); `token.validate` checks `token` when the
/// input names none.
pub(crate) fn api_call(name: &str, value: &Value, token: &Token) -> Result<ApiCall> {
    let call = named(name)?;
    let map = || input::object(value, "input");
    let records = || Ok::<_, Error>(map()?.get("records").cloned().unwrap_or(Value::Null));
    let text = |key| Ok::<_, Error>(input::opt_string(map()?, key, key)?.unwrap_or_default());
    Ok(match call {
        ApiCall::CreateAssignments(_) => {
            ApiCall::CreateAssignments(CreateAssignments { records: input::assignments(&records()?)? })
        }
        ApiCall::UpdateAssignments(_) => {
            ApiCall::UpdateAssignments(UpdateAssignments { records: input::assignments(&records()?)? })
        }
        ApiCall::ReadAssignments(_) => {
            let (agent_id, queue_id) = input::assignment_filter(value)?;
            ApiCall::ReadAssignments(ReadAssignments { agent_id, queue_id })
        }
        ApiCall::CreatePolicies(_) => {
            ApiCall::CreatePolicies(CreatePolicies { records: input::new_policies(&records()?)? })
        }
        ApiCall::UpdatePolicies(_) => {
            ApiCall::UpdatePolicies(UpdatePolicies { records: input::policy_updates(&records()?)? })
        }
        ApiCall::ReadPolicies(_) => ApiCall::ReadPolicies(ReadPolicies { policy_id: input::policy_filter(value)? }),
        ApiCall::GetToken(_) => ApiCall::GetToken(GetToken::new(text("username")?, text("password")?)),
        ApiCall::ValidateToken(_) => {
            let checked = input::opt_string(map()?, "token", "token")?;
            ApiCall::ValidateToken(ValidateToken::new(checked.unwrap_or_else(|| token.expose().to_owned())))
        }
    })
}

/// Reads the options of `buildRequest` / `parseResponse`: `allowed` of `token`, `baseUrl`, `format`.
fn options(env: &Env, value: Option<Unknown>, allowed: &[(&str, &str)]) -> Result<(Token, Endpoint, Format)> {
    let value = value.map(|v| json(env, v, "options")).transpose()?.unwrap_or(Value::Null);
    let map = input::options(&value, allowed)?;
    let token = Token::new(input::opt_string(&map, "token", "token")?.unwrap_or_default());
    let endpoint = Endpoint::new(input::opt_string(&map, "baseUrl", "base_url")?.as_deref().unwrap_or(Endpoint::EU))?;
    Ok((token, endpoint, input::opt_format(&map)?))
}

/// Builds the exact HTTP request of `operation` for `input` (`{ records }` for writes, the
/// filter for reads), with `{ token, baseUrl?, format? }`. Throws an `InvalidInput` error
/// for invalid input.
#[napi(ts_args_type = "operation: string, input: unknown, options: unknown")]
pub fn build_request(env: Env, operation: Unknown, input: Unknown, options: Unknown) -> napi::Result<JsHttpRequest> {
    let request = (|| {
        let name = string(operation, "operation")?;
        let value = json(&env, input, "input")?;
        let allowed = [("token", "token"), ("baseUrl", "base_url"), ("format", "format")];
        let (token, endpoint, format) = self::options(&env, Some(options), &allowed)?;
        let call = api_call(&name, &value, &token)?;
        call.build_request(&endpoint, &token, format).map_err(|e| e.scrubbed(&call.secrets()))
    })();
    request.map(JsHttpRequest::from).or_throw(&env)
}

/// Parses the response to a request built by `buildRequest` for `operation`, with
/// `{ format }` (default `'json'`); a `priority.read` listing comes as columns (see
/// `AssignmentColumns`), which `index.js` turns into records. Throws an `Api`, `Decode` or
/// `HttpStatus` error when the call failed (and `InvalidInput` for invalid arguments).
#[napi(
    ts_args_type = "operation: string, response: unknown, options?: unknown",
    ts_return_type = "WriteResult | AssignmentColumns | TodPolicyListing | TokenGrant | TokenStatus"
)]
pub fn parse_response(
    env: Env,
    operation: Unknown,
    response: Unknown,
    options: Option<Unknown>,
) -> napi::Result<Output> {
    let parsed = (|| {
        let name = string(operation, "operation")?;
        let call = named(&name)?;
        let response = response_of(response)?;
        let (_, _, format) = self::options(&env, options, &[("format", "format")])?;
        call.parse_response(format, &response).map_err(|e| e.scrubbed(&call.secrets()))?.to_js(format)
    })();
    parsed.or_throw(&env)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names() {
        assert_eq!(named("todPolicies.read").map(|c| c.name()), Ok("tod_policy.read"));
        assert_eq!(named("tod_policy.update").map(|c| c.name()), Ok("tod_policy.update"));
        assert!(named("priority.delete").is_err());
    }
}
