//! The one place where Rust errors become Python exceptions.
//!
//! The exception classes live in `contactnow/_errors.py` (so that they can inherit from
//! both `ContactNowError` and `ValueError` / the built-in `TimeoutError`); this module
//! imports them once and fills in their attributes. Every text passed on has already been
//! scrubbed of secrets by the Rust layers.

use pyo3::{
    prelude::*,
    sync::PyOnceLock,
    types::{PyDict, PyType},
};

/// Where the exception classes are defined.
const ERRORS_MODULE: &str = "contactnow._errors";

/// The Python exception classes, looked up once per interpreter.
struct Classes {
    base: PyOnceLock<Py<PyType>>,
    invalid_input: PyOnceLock<Py<PyType>>,
    api: PyOnceLock<Py<PyType>>,
    decode: PyOnceLock<Py<PyType>>,
    http_status: PyOnceLock<Py<PyType>>,
    transport: PyOnceLock<Py<PyType>>,
    timeout: PyOnceLock<Py<PyType>>,
}

static CLASSES: Classes = Classes {
    base: PyOnceLock::new(),
    invalid_input: PyOnceLock::new(),
    api: PyOnceLock::new(),
    decode: PyOnceLock::new(),
    http_status: PyOnceLock::new(),
    transport: PyOnceLock::new(),
    timeout: PyOnceLock::new(),
};

/// Builds an exception of class `name` with `message` and keyword attributes.
fn raise(
    py: Python<'_>,
    cell: &PyOnceLock<Py<PyType>>,
    name: &str,
    message: String,
    fill: impl FnOnce(&Bound<'_, PyDict>) -> PyResult<()>,
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let class = cell.import(py, ERRORS_MODULE, name)?;
        let kwargs = PyDict::new(py);
        fill(&kwargs)?;
        let instance = class.call((message.as_str(),), Some(&kwargs))?;
        Ok(PyErr::from_value(instance))
    };
    // If the classes cannot be loaded (a broken install), still raise something readable.
    build().unwrap_or_else(|e| e)
}

/// The base class `ContactNowError`, for errors of the binding itself (e.g. a closed client).
pub(crate) fn contactnow_error(py: Python<'_>, message: impl Into<String>) -> PyErr {
    raise(py, &CLASSES.base, "ContactNowError", message.into(), |_| Ok(()))
}

/// An `InvalidInputError` for `field`, raised by the conversions of this binding.
pub(crate) fn invalid_input(py: Python<'_>, field: impl Into<String>, reason: impl Into<String>) -> PyErr {
    let (field, reason) = (field.into(), reason.into());
    let message = format!("invalid input: {field}: {reason}");
    raise(py, &CLASSES.invalid_input, "InvalidInputError", message, |kw| {
        kw.set_item("field", field)?;
        kw.set_item("reason", reason)
    })
}

fn api_error(py: Python<'_>, api: contactnow::ApiError) -> PyErr {
    let message = api.to_string();
    let token_rejected = api.is_token_rejected();
    raise(py, &CLASSES.api, "ApiError", message, |kw| {
        kw.set_item("message", api.message)?;
        kw.set_item("account_id", api.account_id)?;
        kw.set_item("total", api.total)?;
        kw.set_item("bad", api.bad)?;
        kw.set_item("key", api.key)?;
        kw.set_item("expire", api.expire)?;
        kw.set_item("partial", api.partial)?;
        kw.set_item("token_rejected", token_rejected)
    })
}

/// Converts an error of the `contactnow` client.
pub(crate) fn client_error(py: Python<'_>, error: contactnow::Error) -> PyErr {
    let message = error.to_string();
    match error {
        contactnow::Error::InvalidInput { field, reason } => invalid_input(py, field, reason),
        contactnow::Error::Api(api) => api_error(py, api),
        contactnow::Error::Decode { format, reason, excerpt, outcome_unknown } => {
            raise(py, &CLASSES.decode, "DecodeError", message, |kw| {
                kw.set_item("format", format.as_str())?;
                kw.set_item("reason", reason)?;
                kw.set_item("excerpt", excerpt)?;
                kw.set_item("outcome_unknown", outcome_unknown)
            })
        }
        contactnow::Error::HttpStatus { status, excerpt, outcome_unknown } => {
            raise(py, &CLASSES.http_status, "HttpStatusError", message, |kw| {
                kw.set_item("status", status)?;
                kw.set_item("excerpt", excerpt)?;
                kw.set_item("outcome_unknown", outcome_unknown)
            })
        }
        contactnow::Error::Transport { outcome_unknown, .. } => {
            raise(py, &CLASSES.transport, "TransportError", message, |kw| {
                kw.set_item("outcome_unknown", outcome_unknown)
            })
        }
        contactnow::Error::Timeout { outcome_unknown, .. } => {
            raise(py, &CLASSES.timeout, "TimeoutError", message, |kw| kw.set_item("outcome_unknown", outcome_unknown))
        }
        // The client's enum is non-exhaustive: a later kind still reaches Python, as the base.
        other => contactnow_error(py, other.to_string()),
    }
}

/// `Result` conversion for the client's errors, e.g. `client.read(..).map_err(to_py(py))`.
pub(crate) fn to_py(py: Python<'_>) -> impl Fn(contactnow::Error) -> PyErr + '_ {
    move |e| client_error(py, e)
}
