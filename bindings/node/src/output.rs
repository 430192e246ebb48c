//! What calls resolve to in JavaScript: plain objects in camelCase.
//!
//! Ids and counts are JavaScript numbers. A value beyond `Number.MAX_SAFE_INTEGER` cannot
//! be represented exactly, so it is a `Decode` error naming the field rather than a
//! silently rounded number.

use contactnow_core::{Assignment, Format, Listing, TodPolicy, WriteResult};
use napi::bindgen_prelude::{Float64Array, Null};
use napi::Either;
use napi_derive::napi;

use crate::{error::Failure, input::MAX_SAFE_INTEGER};

/// A number that may be `null` (the server did not send it).
pub type Nullable = Either<f64, Null>;

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

/// An agent assigned to a queue with a priority level.
#[napi(object, js_name = "Assignment")]
pub struct JsAssignment {
    /// The agent's id.
    pub agent_id: f64,
    /// The queue's id.
    pub queue_id: f64,
    /// The priority level.
    pub level: f64,
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

/// The assignments a read returned (built in `index.js` from [`JsAssignmentColumns`]).
#[napi(object, js_name = "AssignmentListing")]
pub struct JsAssignmentListing {
    /// The account, or `null` if not reported.
    #[napi(ts_type = "number | null")]
    pub account_id: Nullable,
    /// The server's `total`.
    pub total: f64,
    /// The records, in the server's order.
    pub records: Vec<JsAssignment>,
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

/// Converts a value to an exact JavaScript number, or fails naming `field`.
pub(crate) fn exact(value: u64, format: Format, field: impl FnOnce() -> String) -> Result<f64, Failure> {
    if value > MAX_SAFE_INTEGER {
        return Err(Failure::decode(
            format,
            format!("{} = {value} is beyond Number.MAX_SAFE_INTEGER and cannot be represented exactly", field()),
        ));
    }
    Ok(value as f64)
}

pub(crate) fn nullable(value: Option<u64>, format: Format, field: &str) -> Result<Nullable, Failure> {
    Ok(match value {
        Some(v) => Either::A(exact(v, format, || field.to_owned())?),
        None => Either::B(Null),
    })
}

impl JsWriteResult {
    pub(crate) fn convert(result: WriteResult, format: Format) -> Result<Self, Failure> {
        Ok(Self {
            account_id: nullable(result.account_id, format, "account_id")?,
            total: exact(result.total, format, || "total".into())?,
            bad: exact(result.bad, format, || "bad".into())?,
            key: nullable(result.key, format, "key")?,
        })
    }
}

impl JsAssignmentColumns {
    pub(crate) fn convert(listing: Listing<Assignment>, format: Format) -> Result<Self, Failure> {
        let n = listing.records.len();
        let (mut agent_ids, mut queue_ids, mut levels) =
            (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
        for (i, a) in listing.records.into_iter().enumerate() {
            agent_ids.push(exact(a.agent_id, format, || format!("list[{i}].agentid"))?);
            queue_ids.push(exact(a.queue_id, format, || format!("list[{i}].qid"))?);
            levels.push(f64::from(a.level));
        }
        Ok(Self {
            account_id: nullable(listing.account_id, format, "account_id")?,
            total: exact(listing.total, format, || "total".into())?,
            agent_ids: Float64Array::new(agent_ids),
            queue_ids: Float64Array::new(queue_ids),
            levels: Float64Array::new(levels),
        })
    }
}

impl JsTodPolicyListing {
    pub(crate) fn convert(listing: Listing<TodPolicy>, format: Format) -> Result<Self, Failure> {
        let mut records = Vec::with_capacity(listing.records.len());
        for (i, p) in listing.records.into_iter().enumerate() {
            records.push(JsTodPolicy {
                uid: exact(p.uid, format, || format!("list[{i}].uid"))?,
                description: p.description,
                default: p.default.to_string(),
            });
        }
        Ok(Self {
            account_id: nullable(listing.account_id, format, "account_id")?,
            total: exact(listing.total, format, || "total".into())?,
            records,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_beyond_safe_integers_are_decode_errors() {
        let listing =
            Listing { account_id: None, total: 1, records: vec![Assignment::new(MAX_SAFE_INTEGER + 1, 1, 0)] };
        let err =
            JsAssignmentColumns::convert(listing, Format::Json).err().map(|f| format!("{f:?}")).unwrap_or_default();
        assert!(err.contains("list[0].agentid") && err.contains("Decode"), "{err}");
        let listing = Listing { account_id: Some(3), total: 1, records: vec![Assignment::new(MAX_SAFE_INTEGER, 1, 0)] };
        assert!(JsAssignmentColumns::convert(listing, Format::Xml).is_ok());
    }
}
