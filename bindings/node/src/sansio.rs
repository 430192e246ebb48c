//! The sans-IO layer: build the exact HTTP request of a call, send it with any HTTP stack
//! (e.g. `fetch`), and parse the answer with the same code the client uses.

use std::collections::BTreeMap;

use contactnow_core::{
    ApiCall, ApiOutput, CreateAssignments, CreatePolicies, Endpoint, Format, GetToken, HttpRequest, HttpResponse,
    Operation, ReadAssignments, ReadPolicies, Token, UpdateAssignments, UpdatePolicies, ValidateToken,
};
use napi::{
    bindgen_prelude::{Either5, FromNapiValue, Object, Uint8Array, Unknown},
    Either, Env, ValueType,
};
use napi_derive::napi;
use serde_json::Value;

use crate::{
    client::{json, string},
    error::Failure,
    input,
    output::{JsAssignmentColumns, JsTodPolicyListing, JsTokenGrant, JsTokenStatus, JsWriteResult},
};

/// The operations, by their JavaScript names (the vectors' `tod_policy.*` spelling works too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    PriorityCreate,
    PriorityRead,
    PriorityUpdate,
    TodCreate,
    TodRead,
    TodUpdate,
    TokenGet,
    TokenValidate,
}

pub(crate) fn op(name: &str) -> Result<Op, Failure> {
    Ok(match name {
        "priority.create" => Op::PriorityCreate,
        "priority.read" => Op::PriorityRead,
        "priority.update" => Op::PriorityUpdate,
        "todPolicies.create" | "tod_policy.create" => Op::TodCreate,
        "todPolicies.read" | "tod_policy.read" => Op::TodRead,
        "todPolicies.update" | "tod_policy.update" => Op::TodUpdate,
        "token.get" => Op::TokenGet,
        "token.validate" => Op::TokenValidate,
        other => {
            return Err(Failure::invalid(
                "operation",
                format!(
                    "unknown operation {other:?}; expected priority.create|read|update, \
                     todPolicies.create|read|update, token.get or token.validate"
                ),
            ))
        }
    })
}

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

/// A response as received.
#[napi(object, js_name = "HttpResponse")]
pub struct JsHttpResponse {
    /// The HTTP status code.
    pub status: u32,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body: text, or the raw bytes (`Buffer` / `Uint8Array`), which keeps
    /// ISO-8859-1 XML exact.
    pub body: Either<String, Uint8Array>,
    /// The `Retry-After` header, if any (read on a 429 or 503).
    pub retry_after: Option<String>,
}

impl JsHttpResponse {
    /// The core's response.
    pub(crate) fn into_core(self) -> Result<HttpResponse, Failure> {
        let status =
            u16::try_from(self.status).map_err(|_| Failure::invalid("response.status", "is not an HTTP status"))?;
        let body = match self.body {
            Either::A(text) => text.into_bytes(),
            Either::B(bytes) => bytes.to_vec(),
        };
        Ok(HttpResponse { status, content_type: self.content_type, body, retry_after: self.retry_after })
    }
}

/// Reads the `response` argument of `parseResponse`, field by field, so that each wrong
/// value is an `InvalidInput` error naming its field.
pub(crate) fn response_of(value: Unknown) -> Result<JsHttpResponse, Failure> {
    let not_object = || Failure::invalid("response", "expected an object { status, contentType?, body }");
    if value.get_type().map_err(|_| not_object())? != ValueType::Object {
        return Err(not_object());
    }
    let object = Object::from_unknown(value).map_err(|_| not_object())?;
    let status = object
        .get::<u32>("status")
        .ok()
        .flatten()
        .ok_or_else(|| Failure::invalid("response.status", "expected an HTTP status number"))?;
    let content_type = object
        .get::<Option<String>>("contentType")
        .map_err(|_| Failure::invalid("response.contentType", "expected a string"))?
        .flatten();
    let body = object
        .get::<Either<String, Uint8Array>>("body")
        .ok()
        .flatten()
        .ok_or_else(|| Failure::invalid("response.body", "expected a string, a Buffer or a Uint8Array"))?;
    let retry_after = object
        .get::<Option<String>>("retryAfter")
        .map_err(|_| Failure::invalid("response.retryAfter", "expected a string"))?
        .flatten();
    Ok(JsHttpResponse { status, content_type, body, retry_after })
}

fn endpoint(map: &serde_json::Map<String, Value>) -> Result<Endpoint, Failure> {
    let url = input::opt_string(map, "baseUrl", "base_url")?;
    Ok(Endpoint::new(url.as_deref().unwrap_or(Endpoint::EU))?)
}

/// The core call of `op` for `value` (`{ records }` for writes, the filter for reads);
/// `token.validate` checks `fallback` when the input names no token.
pub(crate) fn api_call(op: Op, value: &Value, fallback: &Token) -> Result<ApiCall, Failure> {
    let records = |v: &Value| -> Result<Value, Failure> {
        let map = input::object(v, "input")?;
        Ok(map.get("records").cloned().unwrap_or(Value::Null))
    };
    Ok(match op {
        Op::PriorityCreate => {
            ApiCall::CreateAssignments(CreateAssignments { records: input::assignments(&records(value)?)? })
        }
        Op::PriorityUpdate => {
            ApiCall::UpdateAssignments(UpdateAssignments { records: input::assignments(&records(value)?)? })
        }
        Op::PriorityRead => {
            let (agent_id, queue_id) = input::assignment_filter(value)?;
            ApiCall::ReadAssignments(ReadAssignments { agent_id, queue_id })
        }
        Op::TodCreate => ApiCall::CreatePolicies(CreatePolicies { records: input::new_policies(&records(value)?)? }),
        Op::TodUpdate => ApiCall::UpdatePolicies(UpdatePolicies { records: input::policy_updates(&records(value)?)? }),
        Op::TodRead => ApiCall::ReadPolicies(ReadPolicies { policy_id: input::policy_filter(value)? }),
        Op::TokenGet => {
            let map = input::object(value, "input")?;
            let username = input::opt_string(map, "username", "username")?.unwrap_or_default();
            let password = input::opt_string(map, "password", "password")?.unwrap_or_default();
            ApiCall::GetToken(GetToken::new(username, password))
        }
        Op::TokenValidate => {
            let map = input::object(value, "input")?;
            let checked = input::opt_string(map, "token", "token")?.unwrap_or_else(|| fallback.expose().to_owned());
            ApiCall::ValidateToken(ValidateToken::new(checked))
        }
    })
}

/// Any operation's output as its JavaScript value (numbers beyond 2^53 per `format`'s rules).
pub(crate) fn output(output: ApiOutput, format: Format) -> Result<Parsed, Failure> {
    Ok(match output {
        ApiOutput::Write(result) => Either5::A(JsWriteResult::convert(result, format)?),
        ApiOutput::Assignments(listing) => Either5::B(JsAssignmentColumns::convert(listing, format)?),
        ApiOutput::Policies(listing) => Either5::C(JsTodPolicyListing::convert(listing, format)?),
        ApiOutput::TokenGrant(grant) => {
            Either5::D(JsTokenGrant { token: grant.token.expose().to_owned(), expire: grant.expire as f64 })
        }
        ApiOutput::TokenStatus(status) => Either5::E(JsTokenStatus { expire: status.expire as f64 }),
    })
}

fn request_of(env: &Env, operation: &str, input_value: Unknown, options: Unknown) -> Result<JsHttpRequest, Failure> {
    let op = op(operation)?;
    let value = json(env, input_value, "input")?;
    let options = json(env, options, "options")?;
    let options = input::options(&options, &[("token", "token"), ("baseUrl", "base_url"), ("format", "format")])?;
    let endpoint = endpoint(&options)?;
    let format = input::opt_format(&options)?;
    let token = Token::new(input::opt_string(&options, "token", "token")?.unwrap_or_default());
    let call = api_call(op, &value, &token)?;
    let request = call.build_request(&endpoint, &token, format).map_err(|e| e.scrubbed(&call.secrets()))?;
    Ok(convert_request(request))
}

pub(crate) fn convert_request(request: HttpRequest) -> JsHttpRequest {
    JsHttpRequest {
        method: request.method.as_str().to_owned(),
        headers: request.headers.into_iter().collect(),
        body: String::from_utf8_lossy(&request.body).into_owned(),
        url: request.url,
    }
}

/// Builds the exact HTTP request of `operation` (`'priority.create'`, `'priority.read'`,
/// `'priority.update'`, `'todPolicies.create'`, `'todPolicies.read'`,
/// `'todPolicies.update'`, `'token.get'`, `'token.validate'`) for `input` (`{ records }` for
/// writes, the filter for reads), with `{ token, baseUrl?, format? }`. Throws an
/// `InvalidInput` error for invalid input.
#[napi(
    ts_args_type = "operation: 'priority.create' | 'priority.read' | 'priority.update' | 'todPolicies.create' | 'todPolicies.read' | 'todPolicies.update' | 'token.get' | 'token.validate', input: unknown, options: { token?: string; baseUrl?: string; format?: 'json' | 'xml' }"
)]
pub fn build_request(env: Env, operation: Unknown, input: Unknown, options: Unknown) -> napi::Result<JsHttpRequest> {
    string(operation, "operation")
        .and_then(|operation| request_of(&env, &operation, input, options))
        .map_err(|f| f.into_napi(&env))
}

/// What `parseResponse` returns, by operation.
pub type Parsed = Either5<JsWriteResult, JsAssignmentColumns, JsTodPolicyListing, JsTokenGrant, JsTokenStatus>;

fn parse_of(env: &Env, operation: &str, response: JsHttpResponse, options: Option<Unknown>) -> Result<Parsed, Failure> {
    // Checks the name (and its error); the core's registry knows the wire spelling.
    op(operation)?;
    let options = match options {
        Some(o) => json(env, o, "options")?,
        None => Value::Null,
    };
    let options = input::options(&options, &[("format", "format")])?;
    let format = input::opt_format(&options)?;
    let response = response.into_core()?;
    let call = ApiCall::empty(&operation.replace("todPolicies.", "tod_policy."))?;
    output(call.parse_response(format, &response).map_err(|e| e.scrubbed(&call.secrets()))?, format)
}

/// Parses the response to a request built by `buildRequest` for `operation`, with
/// `{ format }` (default `'json'`); a `priority.read` listing comes as columns (see
/// `AssignmentColumns`), which `index.js` turns into records. Throws an `Api`, `Decode` or
/// `HttpStatus` error when the call failed (and `InvalidInput` for invalid arguments).
#[napi(
    ts_args_type = "operation: 'priority.create' | 'priority.read' | 'priority.update' | 'todPolicies.create' | 'todPolicies.read' | 'todPolicies.update' | 'token.get' | 'token.validate', response: HttpResponse, options?: { format?: 'json' | 'xml' }",
    ts_return_type = "WriteResult | AssignmentColumns | TodPolicyListing | TokenGrant | TokenStatus"
)]
pub fn parse_response(
    env: Env,
    operation: Unknown,
    response: Unknown,
    options: Option<Unknown>,
) -> napi::Result<Parsed> {
    string(operation, "operation")
        .and_then(|operation| Ok((operation, response_of(response)?)))
        .and_then(|(operation, response)| parse_of(&env, &operation, response, options))
        .map_err(|f| f.into_napi(&env))
}

#[cfg(test)]
mod tests {
    use contactnow_core::Format;

    use super::*;

    #[test]
    fn operation_names() {
        assert_eq!(op("todPolicies.read").ok(), Some(Op::TodRead));
        assert_eq!(op("tod_policy.update").ok(), Some(Op::TodUpdate));
        assert!(op("priority.delete").is_err());
    }

    #[test]
    fn requests_convert() {
        let req = CreateAssignments { records: vec![contactnow_core::Assignment::new(1, 2, 3)] }
            .build_request(&Endpoint::default(), &Token::new("T"), Format::Xml)
            .map(convert_request);
        let req = req.ok().map(|r| (r.method, r.headers.len()));
        assert_eq!(req, Some(("POST".to_owned(), 2)));
    }
}
