//! The one place where Rust errors become Python exceptions.
//!
//! The exception classes live in `contactnow/_errors.py` (so that they can inherit from
//! both `ContactNowError` and `ValueError` / the built-in `TimeoutError`); this module
//! imports them once and fills in their attributes. Every text passed on has already been
//! scrubbed of secrets by the Rust layers.

use pyo3::{prelude::*, types::PyDict};

use crate::{Error, ErrorKind};

/// Where the exception classes are defined.
const ERRORS_MODULE: &str = "contactnow._errors";

/// An exception of class `name` of [`ERRORS_MODULE`] with `message` and the keyword
/// attributes `fields` (an object).
fn raise(py: Python<'_>, name: &str, message: String, fields: &serde_json::Value) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let class = py.import(ERRORS_MODULE)?.getattr(name)?;
        let kwargs = super::value::python(py, fields)?.cast_into::<PyDict>()?;
        Ok(PyErr::from_value(class.call((message.as_str(),), Some(&kwargs))?))
    };
    // If the classes cannot be loaded (a broken install), still raise something readable.
    build().unwrap_or_else(|e| e)
}

/// The base class `ContactNowError`, for errors of the Python binding itself (e.g. a closed client).
pub fn contactnow_error(py: Python<'_>, message: impl Into<String>) -> PyErr {
    raise(py, "ContactNowError", message.into(), &serde_json::json!({}))
}

/// An `InvalidInputError` for `field`, raised by the conversions of Python values.
pub fn invalid_input(py: Python<'_>, field: impl Into<String>, reason: impl Into<String>) -> PyErr {
    client_error(py, Error::invalid(field, reason))
}

/// Converts an error of any layer (one type for the whole stack): the class of its kind, its fields as
/// attributes (`Error::fields`).
pub fn client_error(py: Python<'_>, error: Error) -> PyErr {
    let class = match error.kind() {
        ErrorKind::InvalidInput => "InvalidInputError",
        ErrorKind::Api => "ApiError",
        ErrorKind::Decode => "DecodeError",
        ErrorKind::HttpStatus => "HttpStatusError",
        ErrorKind::Transport => "TransportError",
        ErrorKind::Timeout => "TimeoutError",
        // A kind without a class of its own (a cancelled call) reaches Python as the base.
        _ => return contactnow_error(py, error.to_string()),
    };
    raise(py, class, error.to_string(), &error.fields())
}

/// `Result` conversion for the client's errors, e.g. `client.read(..).map_err(to_py(py))`.
pub fn to_py(py: Python<'_>) -> impl Fn(Error) -> PyErr + '_ {
    move |e| client_error(py, e)
}
