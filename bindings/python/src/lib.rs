//! Python bindings for contactnow (the `contactnow._contactnow` extension module).
//!
//! **In scope:** converting Python arguments to JSON values that `contactnow_core::input`
//! reads (`value.rs`), results to the frozen model classes (`models.rs`) and plain Python
//! values, and errors (`error.rs`) to the exception tree rooted at
//! `contactnow.ContactNowError`; releasing the GIL while a call is on the network or
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
mod error;
mod events;
mod exit;
mod models;
#[cfg(feature = "sandbox")]
mod sandbox;
mod sansio;
mod sender;
mod value;

use pyo3::prelude::*;

/// The extension module.
#[pymodule]
fn _contactnow(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", contactnow_core::VERSION)?;
    client::init_runtime();
    exit::register(m)?;
    m.add_class::<client::NativeClient>()?;
    m.add_class::<models::PyDefaultAction>()?;
    m.add_class::<models::PyAssignment>()?;
    m.add_class::<models::PyTodPolicy>()?;
    m.add_class::<models::PyNewTodPolicy>()?;
    m.add_class::<models::PyTodPolicyUpdate>()?;
    m.add_class::<models::PyWriteResult>()?;
    // Pickle's helper: an attribute, but not in `__all__`.
    m.setattr("_default_action_from_wire", wrap_pyfunction!(models::default_action_from_wire, m)?)?;
    m.add_function(wrap_pyfunction!(sansio::build_request, m)?)?;
    m.add_function(wrap_pyfunction!(sansio::parse_response, m)?)?;
    m.add_function(wrap_pyfunction!(sansio::redact_url, m)?)?;
    #[cfg(feature = "sandbox")]
    m.add_class::<sandbox::PySandbox>()?;
    Ok(())
}
