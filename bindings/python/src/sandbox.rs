//! The in-process sandbox (`contactnow_sandbox`), for the tests of Python users.

use std::sync::Mutex;

use contactnow_sandbox::{Config, FaultSpec, Sandbox, Seed};
use pyo3::{prelude::*, types::PyDict};

use crate::error::{contactnow_error, invalid_input};

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

    /// Queues a fault for the next `times` API requests matching `method` / `action`:
    /// `status` (`status`, `retry_after`), `delay` (`ms`), `reset`, `truncate`, `api_error`
    /// (`error`). A bad fault, or an argument that does not go with `kind`, is an input error
    /// of the field `fault`.
    #[pyo3(signature = (kind, *, times = 1, method = None, action = None, status = None, retry_after = None, ms = None, error = None))]
    #[allow(clippy::too_many_arguments)]
    fn push_fault(
        &self,
        py: Python<'_>,
        kind: &str,
        times: u32,
        method: Option<String>,
        action: Option<String>,
        status: Option<u16>,
        retry_after: Option<u64>,
        ms: Option<u64>,
        error: Option<String>,
    ) -> PyResult<()> {
        let fault = serde_json::json!({
            "kind": kind, "times": times, "method": method, "action": action,
            "status": status, "retry_after": retry_after, "ms": ms, "error": error,
        });
        let spec = FaultSpec::from_json(&fault).map_err(|(field, why)| invalid_input(py, field, why))?;
        self.with(py, |s| s.try_push_fault(spec))?.map_err(|e| invalid_input(py, "fault", e.to_string()))
    }

    /// The API requests received so far, oldest first (tokens and passwords as `***`), each
    /// as the keyword arguments of `contactnow.testing.RecordedRequest`.
    fn requests<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let requests = self.with(py, Sandbox::requests)?;
        requests
            .into_iter()
            .map(|r| {
                let d = PyDict::new(py);
                d.set_item("seq", r.seq)?;
                d.set_item("method", r.method)?;
                d.set_item("path", r.path)?;
                d.set_item("query", r.query)?;
                d.set_item("body", r.body)?;
                d.set_item("remote_ip", r.remote_ip)?;
                d.set_item("fault", r.fault)?;
                d.set_item("api_method", r.api_method)?;
                d.set_item("action", r.action)?;
                d.set_item("params", r.params.into_iter().collect::<std::collections::HashMap<_, _>>())?;
                Ok(d)
            })
            .collect()
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
