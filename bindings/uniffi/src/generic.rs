//! The generic call: any `database.php` method and action, answered with every record's
//! fields as the text the server sent.

use std::collections::HashMap;

use contactnow::{GenericRecord, GenericResult};

/// One `name = value` pair: a filter, or a field of a record to write.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GenericField {
    /// The name, e.g. `qid`.
    pub name: String,
    /// The value, as text.
    pub value: String,
}

uniffi::custom_type!(GenericRecord, HashMap<String, String>, {
    remote,
    lower: |record| record.0.into_iter().collect(),
    try_lift: |fields| Ok(GenericRecord(fields.into_iter().collect())),
});

/// What a generic call answered.
#[uniffi::remote(Record)]
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
    pub records: Vec<GenericRecord>,
}

/// The `(name, value)` pairs the core's generic call takes.
pub(crate) fn pairs(fields: Vec<GenericField>) -> Vec<(String, String)> {
    fields.into_iter().map(|f| (f.name, f.value)).collect()
}
