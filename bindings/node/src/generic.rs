//! The generic call from JavaScript: `client.call(method, action, { filters, records,
//! repeatable })` for any `database.php` method, answered with the fields as text.

use std::collections::HashMap;

use contactnow::{Format, GenericCall, GenericResult};
use napi::{bindgen_prelude::Unknown, Env};
use napi_derive::napi;
use serde_json::Value;

use crate::{
    client::{json, string},
    error::Failure,
    output::{nullable, Nullable},
};

/// What a generic call answered.
#[napi(object, js_name = "GenericResult")]
pub struct JsGenericResult {
    /// `account_id`, or `null`.
    #[napi(ts_type = "number | null")]
    pub account_id: Nullable,
    /// `total`, or `null`.
    #[napi(ts_type = "number | null")]
    pub total: Nullable,
    /// `bad`, or `null`.
    #[napi(ts_type = "number | null")]
    pub bad: Nullable,
    /// `key`, or `null`.
    #[napi(ts_type = "number | null")]
    pub key: Nullable,
    /// The server's `error` text with its success, or `null`.
    #[napi(ts_type = "string | null")]
    pub error: napi::Either<String, napi::bindgen_prelude::Null>,
    /// The records of a read: every field as the text the server sent.
    pub records: Vec<HashMap<String, String>>,
}

impl JsGenericResult {
    /// Converts, refusing numbers JavaScript cannot hold exactly.
    pub(crate) fn convert(result: GenericResult, format: Format) -> Result<Self, Failure> {
        Ok(Self {
            account_id: nullable(result.account_id, format, "account_id")?,
            total: nullable(result.total, format, "total")?,
            bad: nullable(result.bad, format, "bad")?,
            key: nullable(result.key, format, "key")?,
            error: result.error.map_or(napi::Either::B(napi::bindgen_prelude::Null), napi::Either::A),
            records: result.records.into_iter().map(|r| r.0.into_iter().collect()).collect(),
        })
    }
}

/// Field/value pairs of a plain object (values strings or safe integers).
fn pairs(value: &Value, field: &str) -> Result<Vec<(String, String)>, Failure> {
    let Value::Object(map) = value else { return Err(Failure::invalid(field, "expected an object")) };
    map.iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k.clone(), s.clone())),
            Value::Number(n) if n.as_u64().is_some() => Ok((k.clone(), n.to_string())),
            _ => Err(Failure::invalid(&format!("{field}.{k}"), "expected a string or a non-negative integer")),
        })
        .collect()
}

/// The call from `client.call`'s arguments.
pub(crate) fn generic_call(
    env: &Env,
    method: Unknown,
    action: Unknown,
    options: Unknown,
) -> Result<GenericCall, Failure> {
    let mut call = GenericCall::read(string(method, "method")?, string(action, "action")?);
    let options = json(env, options, "options")?;
    let options = crate::input::options(
        &options,
        &[("filters", "filters"), ("records", "records"), ("repeatable", "repeatable")],
    )?;
    if let Some(filters) = options.get("filters").filter(|v| !v.is_null()) {
        call.filters = pairs(filters, "filters")?;
    }
    if let Some(records) = options.get("records").filter(|v| !v.is_null()) {
        let Value::Array(list) = records else {
            return Err(Failure::invalid("records", "expected an array of objects"));
        };
        for (i, record) in list.iter().enumerate() {
            call.records.push(pairs(record, &format!("records[{i}]"))?);
        }
    }
    call.repeatable = crate::input::opt_bool(&options, "repeatable", "repeatable")?.unwrap_or(false);
    Ok(call)
}
