//! The generic call: any `database.php` method and action, answered with every record's
//! fields as the text the server sent.

/// One `name = value` pair: a filter, or a field of a record to write.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GenericField {
    /// The name, e.g. `qid`.
    pub name: String,
    /// The value, as text.
    pub value: String,
}

/// The `(name, value)` pairs the core's generic call takes.
fn pairs(fields: Vec<GenericField>) -> Vec<(String, String)> {
    fields.into_iter().map(|f| (f.name, f.value)).collect()
}

/// The core's generic call of `method` and `action` (a write when `records` are given).
pub(crate) fn call(
    method: String,
    action: String,
    filters: Vec<GenericField>,
    records: Vec<Vec<GenericField>>,
    repeatable: bool,
) -> contactnow::GenericCall {
    let records = records.into_iter().map(pairs).collect();
    contactnow::GenericCall {
        filters: pairs(filters),
        repeatable,
        ..contactnow::GenericCall::write(method, action, records)
    }
}
