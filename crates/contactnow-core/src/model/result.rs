//! What a call returns: a write's counts, or a read's records.

use serde::{Deserialize, Serialize};

/// The outcome of a successful create or update: every record of the batch was accepted.
///
/// A batch with failed records (`bad > 0`) is never returned as a `WriteResult`: it is an
/// [`Error::Api`](crate::Error::Api) with `partial: true`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, eq, hash, get_all, name = "WriteResult", module = "contactnow"))]
pub struct WriteResult {
    /// The authenticated account that ran the call, if reported.
    pub account_id: Option<u64>,
    /// Records affected (`0` when a priority create found the pair already there).
    pub total: u64,
    /// Records that failed; always `0` here.
    pub bad: u64,
    /// The id of the created record, if reported (`0` when nothing was created).
    pub key: Option<u64>,
}

/// The records a read returned.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Listing<T> {
    /// The authenticated account, if reported.
    pub account_id: Option<u64>,
    /// The server's `total` (the number of records when it sends none).
    pub total: u64,
    /// The records, in the server's order.
    pub records: Vec<T>,
}
