//! The generic call for Kotlin and Swift: any `database.php` method and action, answered
//! with every record's fields as the text the server sent.

use std::collections::HashMap;

/// One `name = value` pair: a filter, or a field of a record to write.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GenericField {
    /// The name, e.g. `qid`.
    pub name: String,
    /// The value, as text.
    pub value: String,
}

/// What a generic call answered.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GenericResult {
    /// `account_id`, if present.
    pub account_id: Option<u64>,
    /// `total`, if present.
    pub total: Option<u64>,
    /// `bad`, if present.
    pub bad: Option<u64>,
    /// `key`, if present.
    pub key: Option<u64>,
    /// The server's `error` text with its success, if any.
    pub error: Option<String>,
    /// The records of a read: field name to text.
    pub records: Vec<HashMap<String, String>>,
}

impl From<contactnow::GenericResult> for GenericResult {
    fn from(r: contactnow::GenericResult) -> Self {
        Self {
            account_id: r.account_id,
            total: r.total,
            bad: r.bad,
            key: r.key,
            error: r.error,
            records: r.records.into_iter().map(|record| record.0.into_iter().collect()).collect(),
        }
    }
}

/// The core's call from the arguments of `Client.call`.
pub(crate) fn call(
    method: String,
    action: String,
    filters: Vec<GenericField>,
    records: Vec<Vec<GenericField>>,
    repeatable: bool,
) -> contactnow::GenericCall {
    let pairs = |fields: Vec<GenericField>| fields.into_iter().map(|f| (f.name, f.value)).collect();
    contactnow::GenericCall {
        method,
        action,
        filters: pairs(filters),
        records: records.into_iter().map(pairs).collect(),
        repeatable,
    }
}
