//! What calls resolve to in JavaScript: plain objects in camelCase.
//!
//! Ids and counts are JavaScript numbers. A value beyond `Number.MAX_SAFE_INTEGER` cannot
//! be represented exactly, so it is a `Decode` error naming the field rather than a
//! silently rounded number.

use std::collections::HashMap;

use contactnow::{ApiOutput, Error, Format, GenericResult};
use napi::bindgen_prelude::{Either6, Float64Array, Null};
use napi::Either;
use napi_derive::napi;

use crate::error::Result;

/// `Number.MAX_SAFE_INTEGER`.
pub(crate) const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A number that may be `null` (the server did not send it).
pub type Nullable = Either<f64, Null>;

/// Any call's value: an operation's output, or a generic call's result.
pub type Output =
    Either6<JsWriteResult, JsAssignmentColumns, JsTodPolicyListing, JsTokenGrant, JsTokenStatus, JsGenericResult>;

/// The outcome of a create or update in which every record was accepted.
#[napi(object, js_name = "WriteResult")]
pub struct JsWriteResult {
    /// The account that ran the call, or `null` if not reported.
    #[napi(ts_type = "number | null")]
    pub account_id: Nullable,
    /// Records affected (`0` when a priority create found the pair already there).
    pub total: f64,
    /// Records that failed: always `0` here (a batch with failures is an `Api` error).
    pub bad: f64,
    /// The id of the created record, or `null` if not reported.
    #[napi(ts_type = "number | null")]
    pub key: Nullable,
}

/// The assignments a read returned, column by column: one typed array per field.
///
/// Crossing into JavaScript as three typed arrays costs three copies instead of one
/// object and three properties per record; `index.js` turns the columns into
/// `AssignmentListing` records, which V8 builds far faster than Node-API can.
#[napi(object, js_name = "AssignmentColumns")]
pub struct JsAssignmentColumns {
    /// The account, or `null` if not reported.
    #[napi(ts_type = "number | null")]
    pub account_id: Nullable,
    /// The server's `total`.
    pub total: f64,
    /// `agentId` of each record.
    pub agent_ids: Float64Array,
    /// `queueId` of each record.
    pub queue_ids: Float64Array,
    /// `level` of each record.
    pub levels: Float64Array,
}

/// A stored time-of-day policy.
#[napi(object, js_name = "TodPolicy")]
pub struct JsTodPolicy {
    /// The policy's id.
    pub uid: f64,
    /// The policy's name.
    pub description: String,
    /// `'queue'`, `'voicemail'`, `'hangup'`, `'jump:<queue id>'`, or a value this version
    /// does not know, as sent.
    pub default: String,
}

/// The policies a read returned.
#[napi(object, js_name = "TodPolicyListing")]
pub struct JsTodPolicyListing {
    /// The account, or `null` if not reported.
    #[napi(ts_type = "number | null")]
    pub account_id: Nullable,
    /// The server's `total`.
    pub total: f64,
    /// The records, in the server's order.
    pub records: Vec<JsTodPolicy>,
}

/// A token granted by `token.php?action=get`.
#[napi(object, js_name = "TokenGrant")]
pub struct JsTokenGrant {
    /// The token.
    pub token: String,
    /// When it expires, in Unix seconds.
    pub expire: f64,
}

/// The answer of `token.php?action=validate` for a valid token.
#[napi(object, js_name = "TokenStatus")]
pub struct JsTokenStatus {
    /// When the token expires, in Unix seconds.
    pub expire: f64,
}

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
    pub error: Either<String, Null>,
    /// The records of a read: every field as the text the server sent.
    pub records: Vec<HashMap<String, String>>,
}

/// Converts `value` to an exact JavaScript number, or fails naming `field`.
fn exact(value: u64, format: Format, field: impl FnOnce() -> String) -> Result<f64> {
    if value > MAX_SAFE_INTEGER {
        let reason =
            format!("{} = {value} is beyond Number.MAX_SAFE_INTEGER and cannot be represented exactly", field());
        return Err(Error::Decode { format, reason, excerpt: String::new(), outcome_unknown: false });
    }
    Ok(value as f64)
}

fn nullable(value: Option<u64>, format: Format, field: &str) -> Result<Nullable> {
    Ok(match value {
        Some(v) => Either::A(exact(v, format, || field.to_owned())?),
        None => Either::B(Null),
    })
}

/// An operation's output as the JavaScript value its call resolves to.
pub(crate) trait ToJs {
    /// Converts, refusing numbers JavaScript cannot hold exactly (the response was in `format`).
    fn to_js(self, format: Format) -> Result<Output>;
}

impl ToJs for ApiOutput {
    fn to_js(self, format: Format) -> Result<Output> {
        let total = |total| exact(total, format, || "total".into());
        Ok(match self {
            ApiOutput::Write(result) => Either6::A(JsWriteResult {
                account_id: nullable(result.account_id, format, "account_id")?,
                total: total(result.total)?,
                bad: exact(result.bad, format, || "bad".into())?,
                key: nullable(result.key, format, "key")?,
            }),
            ApiOutput::Assignments(listing) => {
                let mut columns = [(); 3].map(|()| Vec::with_capacity(listing.records.len()));
                for (i, a) in listing.records.into_iter().enumerate() {
                    columns[0].push(exact(a.agent_id, format, || format!("list[{i}].agentid"))?);
                    columns[1].push(exact(a.queue_id, format, || format!("list[{i}].qid"))?);
                    columns[2].push(f64::from(a.level));
                }
                let [agent_ids, queue_ids, levels] = columns.map(Float64Array::new);
                let account_id = nullable(listing.account_id, format, "account_id")?;
                Either6::B(JsAssignmentColumns {
                    account_id,
                    total: total(listing.total)?,
                    agent_ids,
                    queue_ids,
                    levels,
                })
            }
            ApiOutput::Policies(listing) => {
                let records = listing.records.into_iter().enumerate().map(|(i, p)| {
                    let uid = exact(p.uid, format, || format!("list[{i}].uid"))?;
                    Ok(JsTodPolicy { uid, description: p.description, default: p.default.to_string() })
                });
                Either6::C(JsTodPolicyListing {
                    account_id: nullable(listing.account_id, format, "account_id")?,
                    total: total(listing.total)?,
                    records: records.collect::<Result<_>>()?,
                })
            }
            ApiOutput::TokenGrant(grant) => {
                Either6::D(JsTokenGrant { token: grant.token.expose().to_owned(), expire: grant.expire as f64 })
            }
            ApiOutput::TokenStatus(status) => Either6::E(JsTokenStatus { expire: status.expire as f64 }),
        })
    }
}

impl ToJs for GenericResult {
    fn to_js(self, format: Format) -> Result<Output> {
        Ok(Either6::F(JsGenericResult {
            account_id: nullable(self.account_id, format, "account_id")?,
            total: nullable(self.total, format, "total")?,
            bad: nullable(self.bad, format, "bad")?,
            key: nullable(self.key, format, "key")?,
            error: self.error.map_or(Either::B(Null), Either::A),
            records: self.records.into_iter().map(|r| r.0.into_iter().collect()).collect(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use contactnow::{Assignment, Listing};

    use super::*;

    #[test]
    fn ids_beyond_safe_integers_are_decode_errors() {
        let listing = |id| {
            ApiOutput::Assignments(Listing { account_id: None, total: 1, records: vec![Assignment::new(id, 1, 0)] })
        };
        let err = listing(MAX_SAFE_INTEGER + 1).to_js(Format::Json).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("list[0].agentid") && err.starts_with("could not decode"), "{err}");
        assert!(listing(MAX_SAFE_INTEGER).to_js(Format::Xml).is_ok());
    }
}
