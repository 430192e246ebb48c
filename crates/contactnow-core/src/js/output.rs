//! What calls resolve to in JavaScript: the core's outputs as plain objects in camelCase (their
//! shapes declared in `index.d.ts`), and a `priority.read` listing as typed columns.
//!
//! Ids and counts are JavaScript numbers. A value beyond `Number.MAX_SAFE_INTEGER` cannot
//! be represented exactly, so it is a `Decode` error naming the field rather than a
//! silently rounded number; but the `key` of a write (the created record's id, after the
//! write was applied) beyond it is a `bigint`, as in an `ApiError`: an error there would
//! hide that the write happened.

use super::error::Result;
use crate::{
    naming::{option_name, Casing},
    ApiOutput, Assignment, Error, Format,
};
use napi::{bindgen_prelude::Float64Array, Either};
use napi_derive::napi;
use serde_json::{json, Value};

/// `Number.MAX_SAFE_INTEGER`.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Any call's value: a `priority.read` listing as columns, or any other output.
pub type Output = Either<JsAssignmentColumns, Value>;

/// The assignments a read returned, column by column: one typed array per field.
///
/// Crossing into JavaScript as three typed arrays costs three copies instead of one
/// object and three properties per record; `index.js` turns the columns into
/// `AssignmentListing` records, which V8 builds far faster than Node-API can.
#[napi(object, js_name = "AssignmentColumns", object_from_js = false)]
pub struct JsAssignmentColumns {
    /// The account, or `null` if not reported.
    #[napi(ts_type = "number | null")]
    pub account_id: Value,
    /// The server's `total`.
    pub total: f64,
    /// `agentId` of each record.
    pub agent_ids: Float64Array,
    /// `queueId` of each record.
    pub queue_ids: Float64Array,
    /// `level` of each record.
    pub levels: Float64Array,
}

/// `value` as an exact JavaScript number, or a `Decode` error naming `field`.
fn exact(value: u64, format: Format, field: impl FnOnce() -> String) -> Result<f64> {
    if value > MAX_SAFE_INTEGER {
        let reason =
            format!("{} = {value} is beyond Number.MAX_SAFE_INTEGER and cannot be represented exactly", field());
        return Err(Error::Decode { format, reason, excerpt: String::new(), outcome_unknown: false });
    }
    Ok(value as f64)
}

/// `value` (the output's field `path`) with camelCase keys, every integer checked by [`exact`].
fn camel(value: Value, path: &str, format: Format) -> Result<Value> {
    Ok(match value {
        // napi makes the number a `bigint` when it is beyond the safe integers.
        Value::Number(n) if path == "key" => Value::Number(n),
        Value::Number(n) => {
            exact(n.as_u64().unwrap_or_default(), format, || path.to_owned()).map(|_| Value::Number(n))?
        }
        Value::Array(items) => {
            let items = items.into_iter().enumerate().map(|(i, v)| camel(v, &format!("{path}[{i}]"), format));
            Value::Array(items.collect::<Result<_>>()?)
        }
        Value::Object(map) => {
            let field = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
            let fields =
                map.into_iter().map(|(k, v)| Ok((option_name(&k, Casing::Camel), camel(v, &field(&k), format)?)));
            Value::Object(fields.collect::<Result<_>>()?)
        }
        other => other,
    })
}

/// An operation's output as the JavaScript value its call resolves to, refusing numbers
/// JavaScript cannot hold exactly (the response was in `format`).
pub fn js(output: ApiOutput, format: Format) -> Result<Output> {
    let listing = match output {
        ApiOutput::Assignments(listing) => listing,
        ApiOutput::Generic(result) => {
            let fields =
                json!({"account_id": result.account_id, "total": result.total, "bad": result.bad, "key": result.key});
            let mut value = camel(fields, "", format)?;
            value["error"] = json!(result.error);
            // The records' fields as the server named them.
            value["records"] = json!(result.records);
            return Ok(Either::B(value));
        }
        // Plain structs with text keys: serialising them cannot fail.
        other => return Ok(Either::B(camel(serde_json::to_value(other).unwrap_or_default(), "", format)?)),
    };
    let column = |field: &str, of: fn(&Assignment) -> u64| {
        let values = listing.records.iter().enumerate();
        let values = values.map(|(i, a)| exact(of(a), format, || format!("list[{i}].{field}")));
        values.collect::<Result<Vec<f64>>>().map(Float64Array::new)
    };
    Ok(Either::A(JsAssignmentColumns {
        account_id: camel(json!(listing.account_id), "account_id", format)?,
        total: exact(listing.total, format, || "total".into())?,
        agent_ids: column("agentid", |a| a.agent_id)?,
        queue_ids: column("qid", |a| a.queue_id)?,
        levels: column("level", |a| a.level.into())?,
    }))
}

#[cfg(test)]
mod tests {
    use crate::{DefaultAction, Listing, TodPolicy, WriteResult};

    use super::*;

    #[test]
    fn ids_beyond_safe_integers_are_decode_errors() {
        let error = |output: ApiOutput| js(output, Format::Json).err().map(|e| e.to_string()).unwrap_or_default();
        let listing = |id| Listing { account_id: None, total: 1, records: vec![Assignment::new(id, 1, 0)] };
        assert!(error(ApiOutput::Assignments(listing(MAX_SAFE_INTEGER + 1))).contains("list[0].agentid"));
        assert!(js(ApiOutput::Assignments(listing(MAX_SAFE_INTEGER)), Format::Xml).is_ok());
        let policy = TodPolicy { uid: MAX_SAFE_INTEGER + 1, description: "d".into(), default: DefaultAction::Hangup };
        let policies = ApiOutput::Policies(Listing { account_id: None, total: 1, records: vec![policy] });
        assert!(error(policies).contains("records[0].uid"));
        let write = ApiOutput::Write(WriteResult { account_id: Some(7), total: 1, bad: 0, key: None });
        let Ok(Either::B(value)) = js(write, Format::Json) else { panic!("not an object") };
        assert_eq!(value, json!({"accountId": 7, "total": 1, "bad": 0, "key": null}));
        let applied = ApiOutput::Write(WriteResult { account_id: None, total: 1, bad: 0, key: Some(u64::MAX) });
        let Ok(Either::B(value)) = js(applied, Format::Json) else { panic!("a write's key is never an error") };
        assert_eq!(value["key"], json!(u64::MAX));
        let counted =
            ApiOutput::Write(WriteResult { account_id: None, total: MAX_SAFE_INTEGER + 1, bad: 0, key: None });
        assert!(error(counted).contains("total"));
    }
}
