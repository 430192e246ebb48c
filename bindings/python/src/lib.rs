//! Python bindings for contactnow (the `contactnow._contactnow` extension module).
//!
//! **In scope:** the calls of the client and the sans-IO API, with the core's Python values
//! (`contactnow_core::python`: the model classes, Python values as inputs, errors as
//! exceptions); releasing the GIL while a call is on the network or
//! parsing; awaitables of Rust futures for the async client (on the tokio runtime of
//! pyo3-async-runtimes); the in-process sandbox for tests.
//!
//! **Out of scope:** behaviour. Validation, encoding, parsing, retries, timeouts and
//! redaction all live in the Rust crates; the Python package (`python/contactnow`) adds the
//! client classes over `NativeClient` (`_client.py`), the exception classes, the namespaces
//! (`_api.py`), `Listing`, the sans-IO values (`_sansio.py`), the coroutines that await the
//! async client's calls, and re-exports.

mod bridge;
mod client;
mod events;
mod exit;
#[cfg(feature = "sandbox")]
mod sandbox;
mod sansio;
mod sender;

pub(crate) use contactnow_core::python::{error, models, value};

use pyo3::prelude::*;

/// The extension module.
#[pymodule]
fn _contactnow(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", contactnow_core::VERSION)?;
    client::init_runtime();
    exit::register(m)?;
    m.add_class::<client::NativeClient>()?;
    contactnow_core::python::add_classes(m)?;
    m.add_function(wrap_pyfunction!(sansio::build_request, m)?)?;
    m.add_function(wrap_pyfunction!(sansio::parse_response, m)?)?;
    m.add_function(wrap_pyfunction!(sansio::redact_url, m)?)?;
    #[cfg(feature = "sandbox")]
    m.add_class::<sandbox::PySandbox>()?;
    Ok(())
}
