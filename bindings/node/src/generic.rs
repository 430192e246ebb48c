//! The generic call from JavaScript: `client.call(method, action, { filters, records,
//! repeatable })` for any `database.php` method, answered with the fields as text.

use contactnow::{Error, GenericCall};
use napi::{bindgen_prelude::Unknown, Env};
use serde_json::Value;

use crate::{
    client::{json, string},
    error::Result,
    input,
};

/// Field/value pairs of a plain object (values strings or safe integers).
fn pairs(value: &Value, field: &str) -> Result<Vec<(String, String)>> {
    let Value::Object(map) = value else { return Err(Error::invalid(field, "expected an object")) };
    map.iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k.clone(), s.clone())),
            Value::Number(n) if n.as_u64().is_some() => Ok((k.clone(), n.to_string())),
            _ => Err(Error::invalid(format!("{field}.{k}"), "expected a string or a non-negative integer")),
        })
        .collect()
}

/// The call from `client.call`'s arguments.
pub(crate) fn generic_call(env: &Env, method: Unknown, action: Unknown, options: Unknown) -> Result<GenericCall> {
    let mut call = GenericCall::read(string(method, "method")?, string(action, "action")?);
    let options = json(env, options, "options")?;
    let options =
        input::options(&options, &[("filters", "filters"), ("records", "records"), ("repeatable", "repeatable")])?;
    if let Some(filters) = options.get("filters").filter(|v| !v.is_null()) {
        call.filters = pairs(filters, "filters")?;
    }
    if let Some(records) = options.get("records").filter(|v| !v.is_null()) {
        let Value::Array(list) = records else {
            return Err(Error::invalid("records", "expected an array of objects"));
        };
        for (i, record) in list.iter().enumerate() {
            call.records.push(pairs(record, &format!("records[{i}]"))?);
        }
    }
    call.repeatable = input::opt_bool(&options, "repeatable", "repeatable")?.unwrap_or(false);
    Ok(call)
}
