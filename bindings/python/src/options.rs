//! The keyword arguments of `Client(...)` and `AsyncClient(...)` (see `client_class!`) go
//! into `contactnow::options::Options`, which checks them and names every option the same in
//! each language: snake_case names as in Rust, durations in seconds (`timeout=30.0`),
//! `retries` a count or a dict `{"max_attempts", "initial_backoff", "max_backoff"}`.

use std::time::Duration;

use contactnow::options::Retries;
use pyo3::{prelude::*, types::PyDict};

use crate::{convert, error::invalid_input};

/// A duration option given in seconds, if given.
pub(crate) fn seconds(value: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<Option<Duration>> {
    value.map(|v| convert::seconds(v, field)).transpose()
}

/// `retries=`: a count, or a dict of the policy's fields (seconds for the pauses).
pub(crate) fn retries(value: &Bound<'_, PyAny>) -> PyResult<Retries> {
    let py = value.py();
    let Ok(policy) = value.cast::<PyDict>() else {
        return Ok(Retries::Count(convert::count(value, "retries")?));
    };
    let (mut max_attempts, mut initial_backoff, mut max_backoff) = (None, None, None);
    for (key, value) in policy.iter() {
        let key: String = key.extract()?;
        let field = format!("retries.{key}");
        match key.as_str() {
            "max_attempts" => max_attempts = Some(convert::count(&value, &field)?),
            "initial_backoff" => initial_backoff = Some(convert::seconds(&value, &field)?),
            "max_backoff" => max_backoff = Some(convert::seconds(&value, &field)?),
            _ => {
                return Err(invalid_input(py, &field, "unknown; expected max_attempts, initial_backoff or max_backoff"))
            }
        }
    }
    Ok(Retries::Policy { max_attempts, initial_backoff, max_backoff })
}
