//! The in-process sandbox (`contactnow_sandbox::Kit`), for the tests of Python users.

use contactnow_sandbox::{Config, Kit};
use pyo3::{prelude::*, types::PyDict};

use crate::{
    error::to_py,
    value::{self, READER},
};

/// A running sandbox server on a free loopback port.
#[pyclass(frozen, name = "Sandbox", module = "contactnow._contactnow")]
pub(crate) struct PySandbox(Kit);

#[pymethods]
impl PySandbox {
    /// Starts a sandbox; `seed` is `empty` (default) or `demo`; `tokens` (static, valid from
    /// any address), `users` (`token.php` pairs) and `account_id` replace the defaults.
    #[new]
    #[pyo3(signature = (**options))]
    fn new(py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let options = options.map(|o| value::json(o.as_any(), "")).transpose()?.unwrap_or_default();
        let config = Config::from_json(&options, READER).map_err(to_py(py))?;
        py.detach(|| Kit::start(config)).map(Self).map_err(to_py(py))
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    #[getter]
    fn url(&self) -> &str {
        self.0.url()
    }

    /// The base URL for a client of the sandbox; raises once stopped.
    fn client_url(&self, py: Python<'_>) -> PyResult<&str> {
        self.0.client_url().map_err(to_py(py))
    }

    /// A token the sandbox accepts.
    #[getter]
    fn token(&self) -> &str {
        self.0.token()
    }

    /// Queues a fault (a dict: `kind`, the fields of that kind, `times`, `method`, `action`;
    /// see `FaultSpec::from_json`); a bad one is an input error naming its field.
    fn push_fault(&self, fault: &Bound<'_, PyAny>) -> PyResult<()> {
        self.0.push_fault(&value::json(fault, "fault")?).map_err(to_py(fault.py()))
    }

    /// The API requests received so far, oldest first (tokens and passwords as `***`), each
    /// a dict of the fields of `contactnow.testing.RecordedRequest`.
    fn requests<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let requests = self.0.requests().map_err(to_py(py))?;
        // Plain records with text keys: serialising them cannot fail.
        value::python(py, &serde_json::to_value(requests).unwrap_or_default())
    }

    /// The number of API requests received so far.
    fn request_count(&self, py: Python<'_>) -> PyResult<u64> {
        self.0.request_count().map_err(to_py(py))
    }

    /// Forgets the recorded requests.
    fn clear_requests(&self, py: Python<'_>) -> PyResult<()> {
        self.0.clear_requests().map_err(to_py(py))
    }

    /// Makes `token` (default: the kit's) expired: calls with it answer "Expired token".
    #[pyo3(signature = (token = None))]
    fn expire_token(&self, py: Python<'_>, token: Option<&str>) -> PyResult<()> {
        self.0.expire_token(token).map_err(to_py(py))
    }

    /// Makes `token` (default: the kit's) unknown: calls with it answer "Invalid token".
    #[pyo3(signature = (token = None))]
    fn revoke_token(&self, py: Python<'_>, token: Option<&str>) -> PyResult<()> {
        self.0.revoke_token(token).map_err(to_py(py))
    }

    /// Returns to the seed data, clears faults and recorded requests, revalidates tokens.
    fn reset(&self, py: Python<'_>) -> PyResult<()> {
        self.0.reset().map_err(to_py(py))
    }

    /// Stops the server (idempotent).
    fn stop(&self, py: Python<'_>) {
        py.detach(|| self.0.stop());
    }

    /// Whether `stop()` was called.
    #[getter]
    fn stopped(&self) -> bool {
        self.0.stopped()
    }

    fn __repr__(&self) -> String {
        format!("Sandbox(url={})", crate::client::quote(self.0.url()))
    }
}
