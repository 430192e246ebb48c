//! The in-process sandbox (`contactnow_sandbox`), for the tests of Python users.

use std::sync::Mutex;

use contactnow_sandbox::{Config, FaultSpec, Sandbox, Seed};
use pyo3::prelude::*;

use crate::{
    error::{contactnow_error, invalid_input},
    value,
};

/// A running sandbox server on a free loopback port.
#[pyclass(frozen, name = "Sandbox", module = "contactnow._contactnow")]
pub(crate) struct PySandbox {
    inner: Mutex<Option<Sandbox>>,
    base_url: String,
    token: String,
}

impl PySandbox {
    fn with<T>(&self, py: Python<'_>, f: impl FnOnce(&Sandbox) -> T) -> PyResult<T> {
        let guard = self.inner.lock().map_err(|_| contactnow_error(py, "sandbox state is poisoned"))?;
        let sandbox = guard.as_ref().ok_or_else(|| contactnow_error(py, "the sandbox is stopped"))?;
        Ok(f(sandbox))
    }
}

#[pymethods]
impl PySandbox {
    /// Starts a sandbox; `seed` is `empty` (default) or `demo`; `tokens` (static, valid from
    /// any address), `users` (`token.php` pairs) and `account_id` replace the defaults.
    #[new]
    #[pyo3(signature = (*, seed = "empty", users = None, tokens = None, account_id = None))]
    fn new(
        py: Python<'_>,
        seed: &str,
        users: Option<Vec<(String, String)>>,
        tokens: Option<Vec<String>>,
        account_id: Option<u64>,
    ) -> PyResult<Self> {
        let seed: Seed = seed.parse().map_err(|e: String| invalid_input(py, "seed", e))?;
        let mut config = Config { seed, ..Config::default() };
        if let Some(users) = users {
            config.users = users;
        }
        if let Some(tokens) = tokens {
            config.tokens = tokens;
        }
        if let Some(account_id) = account_id {
            config.account_id = account_id;
        }
        let sandbox = py
            .detach(|| Sandbox::start(config))
            .map_err(|e| contactnow_error(py, format!("cannot start the sandbox: {e}")))?;
        Ok(Self { base_url: sandbox.base_url(), token: sandbox.token(), inner: Mutex::new(Some(sandbox)) })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    #[getter]
    fn url(&self) -> &str {
        &self.base_url
    }

    /// A token the sandbox accepts.
    #[getter]
    fn token(&self) -> &str {
        &self.token
    }

    /// Queues a fault (a dict: `kind`, the fields of that kind, `times`, `method`, `action`;
    /// see `FaultSpec::from_json`); a bad one is an input error naming its field.
    fn push_fault(&self, fault: &Bound<'_, PyAny>) -> PyResult<()> {
        let py = fault.py();
        let spec = FaultSpec::from_json(&value::json(fault, "fault")?).map_err(|(f, why)| invalid_input(py, f, why))?;
        self.with(py, |s| s.try_push_fault(spec))?.map_err(|e| invalid_input(py, "fault", e.to_string()))
    }

    /// The API requests received so far, oldest first (tokens and passwords as `***`), each
    /// a dict of the fields of `contactnow.testing.RecordedRequest`.
    fn requests<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let requests = serde_json::to_value(self.with(py, Sandbox::requests)?);
        value::python(py, &requests.map_err(|e| contactnow_error(py, e.to_string()))?)
    }

    /// Forgets the recorded requests.
    fn clear_requests(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, Sandbox::clear_requests)
    }

    /// Makes `token` expired: calls with it answer "Expired token".
    fn expire_token(&self, py: Python<'_>, token: &str) -> PyResult<()> {
        self.with(py, |s| s.expire_token(token))
    }

    /// Makes `token` unknown: calls with it answer "Invalid token".
    fn revoke_token(&self, py: Python<'_>, token: &str) -> PyResult<()> {
        self.with(py, |s| s.revoke_token(token))
    }

    /// Returns to the seed data, clears faults and recorded requests, revalidates tokens.
    fn reset(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, Sandbox::reset)
    }

    /// Stops the server (idempotent).
    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        let sandbox = self.inner.lock().map_err(|_| contactnow_error(py, "sandbox state is poisoned"))?.take();
        if let Some(sandbox) = sandbox {
            py.detach(|| sandbox.stop());
        }
        Ok(())
    }

    /// Whether `stop()` was called.
    #[getter]
    fn stopped(&self) -> bool {
        self.inner.lock().map(|g| g.is_none()).unwrap_or(true)
    }

    fn __repr__(&self) -> String {
        format!("Sandbox(url={})", crate::client::quote(&self.base_url))
    }
}
