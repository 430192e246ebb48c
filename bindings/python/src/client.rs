//! `Client` and its two namespaces, `priority` and `tod_policies`: argument conversion
//! around `contactnow::Client`, with the GIL released while a call is on the network.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use contactnow::Format;
use contactnow_core::{NewTodPolicy, TodPolicyUpdate};
use pyo3::{prelude::*, types::PyType};

use crate::{
    convert,
    error::{contactnow_error, invalid_input, to_py},
    models::{PyListing, PyWriteResult},
    sansio,
    sender::PySender,
};

/// A blocking client for the ContactNow `database.php` API.
#[pyclass(frozen, name = "Client", module = "contactnow")]
pub(crate) struct PyClient {
    inner: Mutex<Option<contactnow::Client>>,
    description: String,
}

impl PyClient {
    /// The client, or an error once it has been closed.
    fn client(&self, py: Python<'_>) -> PyResult<contactnow::Client> {
        let guard = self.inner.lock().map_err(|_| contactnow_error(py, "client state is poisoned"))?;
        guard.clone().ok_or_else(|| contactnow_error(py, "the client is closed"))
    }
}

/// A Python-style single-quoted string literal.
pub(crate) fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// Parses `json` / `xml`.
pub(crate) fn format_arg(py: Python<'_>, format: &str) -> PyResult<Format> {
    format.parse::<Format>().map_err(crate::error::to_py(py))
}

#[pymethods]
impl PyClient {
    #[new]
    #[pyo3(signature = (
        *, token = None, base_url = None, username = None, password = None, format = "json",
        timeout = None, retries = None, allow_insecure_http = false, sender = None, sleep = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        token: Option<&str>,
        base_url: Option<&str>,
        username: Option<&str>,
        password: Option<&str>,
        format: &str,
        timeout: Option<&Bound<'_, PyAny>>,
        retries: Option<&Bound<'_, PyAny>>,
        allow_insecure_http: bool,
        sender: Option<Py<PyAny>>,
        sleep: Option<Py<PyAny>>,
    ) -> PyResult<Self> {
        let format = format_arg(py, format)?;
        // Defaults: 30 s per attempt, 2 retries (as in every binding).
        let timeout = timeout.map_or(Ok(Duration::from_secs(30)), |t| convert::seconds(t, "timeout"))?;
        let retries = retries.map_or(Ok(2), |r| convert::count(r, "retries"))?;
        let mut builder = contactnow::Client::builder()
            .observer(Arc::new(crate::events::PyLogging::new(py)?))
            .format(format)
            .timeout(timeout)
            .retries(retries)
            .allow_insecure_http(allow_insecure_http);
        if let Some(url) = base_url {
            builder = builder.base_url(url);
        }
        let auth = match (token, username, password) {
            (Some(token), None, None) => {
                builder = builder.token(token);
                "token".to_owned()
            }
            (None, Some(user), Some(password)) => {
                builder = builder.credentials(user, password);
                format!("credentials(username={})", quote(user))
            }
            (None, None, None) => {
                return Err(invalid_input(py, "token", "give token=..., or username=... and password=..."))
            }
            (Some(_), _, _) => {
                return Err(invalid_input(py, "token", "give either token or username and password, not both"))
            }
            (None, _, _) => return Err(invalid_input(py, "password", "username and password go together")),
        };
        if let Some(send) = sender {
            builder = builder.sender(Arc::new(PySender { send, sleep }));
        } else if sleep.is_some() {
            return Err(invalid_input(py, "sleep", "goes with sender=: the built-in transport sleeps itself"));
        }
        let client = builder.build().map_err(to_py(py))?;
        let description = format!(
            "Client(base_url={}, format={}, auth={auth}, timeout={}, retries={retries})",
            quote(client.endpoint().as_str()),
            quote(format.as_str()),
            timeout.as_secs_f64(),
        );
        Ok(Self { inner: Mutex::new(Some(client)), description })
    }

    /// Runs any operation by name (`priority.read`, ..., `token.validate`) with `input` in
    /// the keys of the test vectors: the client's retries, token handling and errors apply.
    #[pyo3(signature = (operation, input = None))]
    fn execute(&self, py: Python<'_>, operation: &str, input: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let call = sansio::api_call(py, operation, input)?;
        let client = self.client(py)?;
        let result = py.detach(|| client.execute(&call));
        sansio::output(py, result.map_err(to_py(py))?)
    }

    /// Any `database.php` method and action (`queues`, `agents`, ...): `filters` as a mapping
    /// of query arguments, `records` (a write) as mappings of field to text. Answers a dict:
    /// `account_id`, `total`, `bad`, `key`, `error` and `records` (each a dict of the fields as
    /// the server sent them, as text). Writes are repeated only with `repeatable=True`.
    #[pyo3(signature = (method, action, *, filters = None, records = None, repeatable = false))]
    fn call(
        &self,
        py: Python<'_>,
        method: &str,
        action: &str,
        filters: Option<&Bound<'_, PyAny>>,
        records: Option<&Bound<'_, PyAny>>,
        repeatable: bool,
    ) -> PyResult<Py<PyAny>> {
        let call = convert::generic_call(py, method, action, filters, records, repeatable)?;
        let client = self.client(py)?;
        let result = py.detach(|| client.execute(&call)).map_err(to_py(py))?;
        convert::generic_result(py, result)
    }

    /// Agent-to-queue assignments (`method=priority`).
    #[getter]
    fn priority(slf: &Bound<'_, Self>) -> PriorityApi {
        PriorityApi { client: slf.clone().unbind() }
    }

    /// Time-of-day policies (`method=tod_policy`).
    #[getter]
    fn tod_policies(slf: &Bound<'_, Self>) -> TodPolicyApi {
        TodPolicyApi { client: slf.clone().unbind() }
    }

    /// The base URL.
    #[getter]
    fn base_url(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.client(py)?.endpoint().as_str().to_owned())
    }

    /// `json` or `xml`.
    #[getter]
    fn format(&self, py: Python<'_>) -> PyResult<&'static str> {
        Ok(self.client(py)?.format().as_str())
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.inner.lock().map(|g| g.is_none()).unwrap_or(true)
    }

    /// Drops the connection pool; later calls raise `ContactNowError`.
    fn close(&self) {
        if let Ok(mut guard) = self.inner.lock() {
            guard.take();
        }
    }

    fn __enter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    #[pyo3(signature = (_exc_type = None, _exc = None, _tb = None))]
    fn __exit__(
        &self,
        _exc_type: Option<&Bound<'_, PyType>>,
        _exc: Option<&Bound<'_, PyAny>>,
        _tb: Option<&Bound<'_, PyAny>>,
    ) -> bool {
        self.close();
        false
    }

    fn __repr__(&self) -> String {
        self.description.clone()
    }
}

/// `client.priority`: create, read and update assignments.
#[pyclass(frozen, name = "PriorityApi", module = "contactnow")]
pub(crate) struct PriorityApi {
    client: Py<PyClient>,
}

#[pymethods]
impl PriorityApi {
    /// Assigns agents to queues; an existing pair is not added again (`total` 0).
    fn create(&self, py: Python<'_>, records: &Bound<'_, PyAny>) -> PyResult<PyWriteResult> {
        let records = convert::records(records, convert::assignment, convert::is_assignment)?;
        let client = self.client.get().client(py)?;
        py.detach(|| client.create_assignments(&records)).map(Into::into).map_err(to_py(py))
    }

    /// Lists assignments, optionally only those of one agent and/or one queue.
    #[pyo3(signature = (agent_id = None, queue_id = None))]
    fn read(
        &self,
        py: Python<'_>,
        agent_id: Option<&Bound<'_, PyAny>>,
        queue_id: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyListing> {
        let agent_id = convert::opt_uint(agent_id, "agent_id")?;
        let queue_id = convert::opt_uint(queue_id, "queue_id")?;
        let client = self.client.get().client(py)?;
        let listing = py.detach(|| client.read_assignments(agent_id, queue_id)).map_err(to_py(py))?;
        PyListing::assignments(py, listing)
    }

    /// Changes the levels of existing assignments.
    fn update(&self, py: Python<'_>, records: &Bound<'_, PyAny>) -> PyResult<PyWriteResult> {
        let records = convert::records(records, convert::assignment, convert::is_assignment)?;
        let client = self.client.get().client(py)?;
        py.detach(|| client.update_assignments(&records)).map(Into::into).map_err(to_py(py))
    }

    fn __repr__(&self) -> String {
        format!("<priority API of {}>", self.client.get().description)
    }
}

/// `client.tod_policies`: create, read and update time-of-day policies.
#[pyclass(frozen, name = "TodPolicyApi", module = "contactnow")]
pub(crate) struct TodPolicyApi {
    client: Py<PyClient>,
}

#[pymethods]
impl TodPolicyApi {
    /// Creates policies: `create(description=..., default=...)` or `create([NewTodPolicy, ...])`.
    /// Never repeated automatically: a create that may have reached the server raises with
    /// `outcome_unknown` set.
    #[pyo3(signature = (records = None, *, description = None, default = None))]
    fn create(
        &self,
        py: Python<'_>,
        records: Option<&Bound<'_, PyAny>>,
        description: Option<&Bound<'_, PyAny>>,
        default: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyWriteResult> {
        let records: Vec<NewTodPolicy> = match (records, description, default) {
            (Some(records), None, None) => convert::records(records, convert::new_policy, convert::is_new_policy)?,
            (None, Some(description), Some(default)) => vec![NewTodPolicy {
                description: convert::text(description, "description")?,
                default: convert::action(default, "default")?,
            }],
            (None, None, _) => {
                return Err(invalid_input(py, "description", "missing: give description= and default=, or records"))
            }
            (None, Some(_), None) => return Err(invalid_input(py, "default", "missing")),
            (Some(_), _, _) => {
                return Err(invalid_input(py, "records", "give either records or description= and default=, not both"))
            }
        };
        let client = self.client.get().client(py)?;
        py.detach(|| client.create_policies(&records)).map(Into::into).map_err(to_py(py))
    }

    /// Lists policies, all of them or only `policy_id`.
    #[pyo3(signature = (policy_id = None))]
    fn read(&self, py: Python<'_>, policy_id: Option<&Bound<'_, PyAny>>) -> PyResult<PyListing> {
        let policy_id = convert::opt_uint(policy_id, "policy_id")?;
        let client = self.client.get().client(py)?;
        let listing = py.detach(|| client.read_policies(policy_id)).map_err(to_py(py))?;
        PyListing::policies(py, listing)
    }

    /// Changes policies: `update(uid, description=..., default=...)`, or `update(records)`
    /// with `TodPolicyUpdate`s, `TodPolicy`s or dicts.
    #[pyo3(signature = (uid, description = None, default = None))]
    fn update(
        &self,
        py: Python<'_>,
        uid: &Bound<'_, PyAny>,
        description: Option<&Bound<'_, PyAny>>,
        default: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyWriteResult> {
        let description = description.filter(|d| !d.is_none());
        let default = default.filter(|d| !d.is_none());
        let records: Vec<TodPolicyUpdate> = if uid.is_instance_of::<pyo3::types::PyInt>() {
            vec![TodPolicyUpdate {
                uid: convert::uint(uid, "uid")?,
                description: description.map(|d| convert::text(d, "description")).transpose()?,
                default: default.map(|d| convert::action(d, "default")).transpose()?,
            }]
        } else if description.is_some() || default.is_some() {
            return Err(invalid_input(py, "uid", "description= and default= go with an integer uid, not with records"));
        } else {
            convert::records(uid, convert::policy_update, convert::is_policy_update)?
        };
        let client = self.client.get().client(py)?;
        py.detach(|| client.update_policies(&records)).map(Into::into).map_err(to_py(py))
    }

    fn __repr__(&self) -> String {
        format!("<tod_policies API of {}>", self.client.get().description)
    }
}
