//! `Client` and its two namespaces, `priority` and `tod_policies`, and what `AsyncClient`
//! (`async_client.rs`) shares with it: the constructor's checks, the conversion of every
//! call's arguments to an operation of `contactnow-core`, and of its result back to Python.
//!
//! Both clients' classes come out of two macros, [`client_class!`] and [`namespaces!`], so
//! that a signature, a default or a conversion is written once. What differs is each
//! client's `run`: the blocking client runs the operation with the GIL released and
//! answers the result; the async client answers a coroutine.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use contactnow::{
    options::{Options, Retries},
    ClientBuilder, Endpoint, Format, Operation, RetryPolicy,
};
use contactnow_core::{
    Assignment, CreateAssignments, CreatePolicies, Listing, NewTodPolicy, ReadAssignments, ReadPolicies, TodPolicy,
    TodPolicyUpdate, UpdateAssignments, UpdatePolicies, WriteResult,
};
use pyo3::{prelude::*, types::PyType};

use crate::{
    convert,
    error::{contactnow_error, invalid_input, to_py},
    events::PyLogging,
    sansio,
    value::{self, READER},
};

/// A Python-style single-quoted string literal.
pub(crate) fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// Parses `json` / `xml`.
pub(crate) fn format_arg(py: Python<'_>, format: &str) -> PyResult<Format> {
    format.parse::<Format>().map_err(crate::error::to_py(py))
}

/// What the constructor of either client (in [`client_class!`]) was given, checked, besides
/// the builder it made.
pub(crate) struct Settings {
    /// Whether `sender=` was given (the async client then runs calls in threads).
    pub custom_sender: bool,
    /// The wire format.
    pub format: Format,
    /// The client's observer: its levels are read again as each call starts.
    pub logging: Arc<PyLogging>,
    /// `token` or `credentials(username=...)`.
    pub auth: String,
    /// The limit of one attempt.
    pub timeout: Duration,
    /// Repeats of a call that is safe to repeat.
    pub retries: u32,
}

impl Settings {
    /// What `repr` shows of `options` (the defaults of every binding when unset).
    pub(crate) fn of(options: &Options, custom_sender: bool, logging: Arc<PyLogging>) -> Self {
        let auth = match (&options.token, &options.username) {
            (None, Some(user)) => format!("credentials(username={})", quote(user)),
            _ => "token".to_owned(),
        };
        let defaults = RetryPolicy::default();
        let retries = match &options.retries {
            None => defaults.max_attempts - 1,
            Some(Retries::Count(n)) => *n,
            Some(Retries::Policy { max_attempts, .. }) => {
                max_attempts.unwrap_or(defaults.max_attempts).saturating_sub(1)
            }
        };
        Self {
            custom_sender,
            format: options.format.as_deref().and_then(|f| f.parse().ok()).unwrap_or_default(),
            logging,
            auth,
            timeout: options.timeout.unwrap_or(contactnow::DEFAULT_TIMEOUT),
            retries,
        }
    }

    /// `repr` of a client of class `class` built from these settings (never a secret).
    pub(crate) fn describe(&self, class: &str, endpoint: &Endpoint) -> String {
        format!(
            "{class}(base_url={}, format={}, auth={}, timeout={}, retries={})",
            quote(endpoint.as_str()),
            quote(self.format.as_str()),
            self.auth,
            self.timeout.as_secs_f64(),
            self.retries,
        )
    }
}

/// A client's Rust client, until `close()` takes it.
pub(crate) struct Slot<T>(Mutex<Option<T>>);

impl<T: Clone> Slot<T> {
    /// A slot holding `client`.
    pub(crate) fn new(client: T) -> Self {
        Self(Mutex::new(Some(client)))
    }

    /// The client, or an error once it has been closed.
    pub(crate) fn get(&self, py: Python<'_>) -> PyResult<T> {
        let guard = self.0.lock().map_err(|_| contactnow_error(py, "client state is poisoned"))?;
        guard.clone().ok_or_else(|| contactnow_error(py, "the client is closed"))
    }

    /// Whether `close()` was called.
    pub(crate) fn closed(&self) -> bool {
        self.0.lock().map(|g| g.is_none()).unwrap_or(true)
    }

    /// Drops the client (calls in flight keep their own handle on it).
    pub(crate) fn close(&self) {
        if let Ok(mut guard) = self.0.lock() {
            guard.take();
        }
    }
}

/// A call's result as its Python object.
pub(crate) trait IntoPython: Send + 'static {
    /// Converts the result (holding the GIL).
    fn into_python(self, py: Python<'_>) -> PyResult<Py<PyAny>>;
}

impl IntoPython for WriteResult {
    fn into_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        sansio::output(py, contactnow::ApiOutput::Write(self))
    }
}

impl IntoPython for Listing<Assignment> {
    fn into_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        sansio::output(py, contactnow::ApiOutput::Assignments(self))
    }
}

impl IntoPython for Listing<TodPolicy> {
    fn into_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        sansio::output(py, contactnow::ApiOutput::Policies(self))
    }
}

impl IntoPython for contactnow::ApiOutput {
    fn into_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        sansio::output(py, self)
    }
}

impl IntoPython for contactnow::GenericResult {
    fn into_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        convert::generic_result(py, self)
    }
}

/// Runs `op` on the blocking `client` with the GIL released, and converts its result.
pub(crate) fn run_blocking<O>(py: Python<'_>, client: &contactnow::Client, op: &O) -> PyResult<Py<PyAny>>
where
    O: Operation + Sync,
    O::Output: IntoPython,
{
    py.detach(|| client.execute(op)).map_err(to_py(py))?.into_python(py)
}

// ---------------------------------------------------------------------------------------
// Every call's arguments as an operation: the same for both clients.

/// `priority.create` / `priority.update`: one record or an iterable of them.
pub(crate) fn assignments(records: &Bound<'_, PyAny>) -> PyResult<Vec<Assignment>> {
    value::read(records, "records", |v| READER.assignments(v))
}

/// An optional id argument (`None` is absent).
fn id(obj: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<Option<u64>> {
    match obj.filter(|o| !o.is_none()) {
        Some(obj) => value::read(obj, field, |v| READER.integer(v, field)).map(Some),
        None => Ok(None),
    }
}

/// `priority.read(agent_id=None, queue_id=None)`.
pub(crate) fn read_assignments(
    agent_id: Option<&Bound<'_, PyAny>>,
    queue_id: Option<&Bound<'_, PyAny>>,
) -> PyResult<ReadAssignments> {
    Ok(ReadAssignments { agent_id: id(agent_id, "agent_id")?, queue_id: id(queue_id, "queue_id")? })
}

/// `tod_policies.create(records)` or `tod_policies.create(description=..., default=...)`.
pub(crate) fn create_policies(
    py: Python<'_>,
    records: Option<&Bound<'_, PyAny>>,
    description: Option<&Bound<'_, PyAny>>,
    default: Option<&Bound<'_, PyAny>>,
) -> PyResult<CreatePolicies> {
    let records: Vec<NewTodPolicy> = match (records, description, default) {
        (Some(records), None, None) => value::read(records, "records", |v| READER.new_policies(v))?,
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
    Ok(CreatePolicies { records })
}

/// `tod_policies.read(policy_id=None)`.
pub(crate) fn read_policies(policy_id: Option<&Bound<'_, PyAny>>) -> PyResult<ReadPolicies> {
    Ok(ReadPolicies { policy_id: id(policy_id, "policy_id")? })
}

/// `tod_policies.update(uid, description=..., default=...)` or `tod_policies.update(records)`.
pub(crate) fn update_policies(
    py: Python<'_>,
    uid: &Bound<'_, PyAny>,
    description: Option<&Bound<'_, PyAny>>,
    default: Option<&Bound<'_, PyAny>>,
) -> PyResult<UpdatePolicies> {
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
        value::read(uid, "records", |v| READER.policy_updates(v))?
    };
    Ok(UpdatePolicies { records })
}

/// `priority.create(records)`.
pub(crate) fn create_assignments(records: &Bound<'_, PyAny>) -> PyResult<CreateAssignments> {
    Ok(CreateAssignments { records: assignments(records)? })
}

/// `priority.update(records)`.
pub(crate) fn update_assignments(records: &Bound<'_, PyAny>) -> PyResult<UpdateAssignments> {
    Ok(UpdateAssignments { records: assignments(records)? })
}

/// `call(method, action, filters=, records=, repeatable=)` as a generic call.
pub(crate) fn generic_call(
    py: Python<'_>,
    method: &str,
    action: &str,
    filters: Option<&Bound<'_, PyAny>>,
    records: Option<&Bound<'_, PyAny>>,
    repeatable: bool,
) -> PyResult<contactnow::GenericCall> {
    let mut options = serde_json::Map::new();
    for (name, obj) in [("filters", filters), ("records", records)] {
        if let Some(obj) = obj {
            options.insert(name.to_owned(), value::json(obj, name)?);
        }
    }
    options.insert("repeatable".to_owned(), repeatable.into());
    let options = serde_json::Value::Object(options);
    READER.generic(method, action, &options).map_err(to_py(py))
}

// ---------------------------------------------------------------------------------------
// The classes of both clients, from one text.

/// A client class `$class` (Python name `$name`) holding a `Slot<$engine>` and a
/// `description`: the constructor, `execute`, `call`, the namespaces, the settings'
/// getters and `repr`, plus the methods in `{ ... }`. The class implements
/// `fn build(py, ClientBuilder, Settings) -> PyResult<Self>` (making its engine) and
/// `fn run<O>(&self, py, op: O) -> PyResult<Py<PyAny>>` (what a call answers; it first
/// calls `self.logging.refresh(py)`).
macro_rules! client_class {
    (
        $(#[$meta:meta])*
        $class:ident($name:literal, $engine:ty), $priority:ident, $tod:ident, { $($extra:tt)* }
    ) => {
        $(#[$meta])*
        #[pyclass(frozen, name = $name, module = "contactnow")]
        pub(crate) struct $class {
            state: $crate::client::Slot<$engine>,
            logging: std::sync::Arc<$crate::events::PyLogging>,
            description: String,
            base_url: String,
            format: &'static str,
        }

        #[pymethods]
        impl $class {
            #[new]
            #[pyo3(signature = (*, sender = None, sleep = None, **options))]
            fn new(
                py: Python<'_>,
                sender: Option<Py<PyAny>>,
                sleep: Option<Py<PyAny>>,
                options: Option<&Bound<'_, pyo3::types::PyDict>>,
            ) -> PyResult<Self> {
                use $crate::error::{invalid_input, to_py};
                let options = match options {
                    Some(options) => $crate::value::json(options.as_any(), "")?,
                    None => serde_json::Value::Null,
                };
                let options = contactnow::options::Options::from_json(
                    &options,
                    contactnow::options::Casing::Snake,
                    $crate::value::READER,
                    &[],
                )
                .map_err(to_py(py))?;
                let logging = std::sync::Arc::new($crate::events::PyLogging::new(py)?);
                let settings = $crate::client::Settings::of(&options, sender.is_some(), logging.clone());
                let mut builder = options.builder().map_err(to_py(py))?.observer(logging);
                if let Some(send) = sender {
                    builder = builder.sender(std::sync::Arc::new($crate::sender::PySender { send, sleep }));
                } else if sleep.is_some() {
                    return Err(invalid_input(py, "sleep", "goes with sender=: the built-in transport sleeps itself"));
                }
                Self::build(py, builder, settings)
            }

            /// Runs any operation by name (`priority.read`, ..., `token.validate`) with `input` in
            /// the keys of the test vectors: the client's retries, token handling and errors apply.
            #[pyo3(signature = (operation, input = None))]
            fn execute(&self, py: Python<'_>, operation: &str, input: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
                self.run(py, $crate::sansio::api_call(py, operation, input)?)
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
                self.run(py, $crate::client::generic_call(py, method, action, filters, records, repeatable)?)
            }

            /// Agent-to-queue assignments (`method=priority`).
            #[getter]
            fn priority(slf: &Bound<'_, Self>) -> $priority {
                $priority { client: slf.clone().unbind() }
            }

            /// Time-of-day policies (`method=tod_policy`).
            #[getter]
            fn tod_policies(slf: &Bound<'_, Self>) -> $tod {
                $tod { client: slf.clone().unbind() }
            }

            /// The base URL.
            #[getter]
            fn base_url(&self, py: Python<'_>) -> PyResult<String> {
                self.state.get(py).map(|_| self.base_url.clone())
            }

            /// `json` or `xml`.
            #[getter]
            fn format(&self, py: Python<'_>) -> PyResult<&'static str> {
                self.state.get(py).map(|_| self.format)
            }

            /// Whether `close()` was called.
            #[getter]
            fn closed(&self) -> bool {
                self.state.closed()
            }

            fn __repr__(&self) -> String {
                self.description.clone()
            }

            $($extra)*
        }

        impl $class {
            /// The client with its engine, described as `repr` shows it.
            fn with_engine(settings: &$crate::client::Settings, engine: $engine, endpoint: &contactnow::Endpoint) -> Self {
                Self {
                    state: $crate::client::Slot::new(engine),
                    logging: settings.logging.clone(),
                    description: settings.describe($name, endpoint),
                    base_url: endpoint.as_str().to_owned(),
                    format: settings.format.as_str(),
                }
            }
        }
    };
}
pub(crate) use client_class;

/// The namespaces `$priority` (`client.priority`) and `$tod` (`client.tod_policies`) of the
/// client class `$client`, with Python names `$priority_name` and `$tod_name`: each method
/// converts its arguments to an operation and hands it to the client's `run`.
macro_rules! namespaces {
    ($client:ident, $priority:ident($priority_name:literal), $tod:ident($tod_name:literal)) => {
        /// `client.priority`: create, read and update assignments.
        #[pyclass(frozen, name = $priority_name, module = "contactnow")]
        pub(crate) struct $priority {
            client: Py<$client>,
        }

        #[pymethods]
        impl $priority {
            /// Assigns agents to queues; an existing pair is not added again (`total` 0).
            fn create(&self, py: Python<'_>, records: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                self.client.get().run(py, $crate::client::create_assignments(records)?)
            }

            /// Lists assignments, optionally only those of one agent and/or one queue.
            #[pyo3(signature = (agent_id = None, queue_id = None))]
            fn read(
                &self,
                py: Python<'_>,
                agent_id: Option<&Bound<'_, PyAny>>,
                queue_id: Option<&Bound<'_, PyAny>>,
            ) -> PyResult<Py<PyAny>> {
                self.client.get().run(py, $crate::client::read_assignments(agent_id, queue_id)?)
            }

            /// Changes the levels of existing assignments.
            fn update(&self, py: Python<'_>, records: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                self.client.get().run(py, $crate::client::update_assignments(records)?)
            }

            fn __repr__(&self) -> String {
                format!("<priority API of {}>", self.client.get().description)
            }
        }

        /// `client.tod_policies`: create, read and update time-of-day policies.
        #[pyclass(frozen, name = $tod_name, module = "contactnow")]
        pub(crate) struct $tod {
            client: Py<$client>,
        }

        #[pymethods]
        impl $tod {
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
            ) -> PyResult<Py<PyAny>> {
                self.client.get().run(py, $crate::client::create_policies(py, records, description, default)?)
            }

            /// Lists policies, all of them or only `policy_id`.
            #[pyo3(signature = (policy_id = None))]
            fn read(&self, py: Python<'_>, policy_id: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
                self.client.get().run(py, $crate::client::read_policies(policy_id)?)
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
            ) -> PyResult<Py<PyAny>> {
                self.client.get().run(py, $crate::client::update_policies(py, uid, description, default)?)
            }

            fn __repr__(&self) -> String {
                format!("<tod_policies API of {}>", self.client.get().description)
            }
        }
    };
}
pub(crate) use namespaces;

client_class!(
    /// A blocking client for the ContactNow `database.php` API; releases the GIL while a
    /// call is on the network.
    PyClient("Client", contactnow::Client), PriorityApi, TodPolicyApi, {
        /// Drops the connection pool; later calls raise `ContactNowError`.
        fn close(&self) {
            self.state.close();
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
    }
);
namespaces!(PyClient, PriorityApi("PriorityApi"), TodPolicyApi("TodPolicyApi"));

impl PyClient {
    /// The client of `builder`.
    fn build(py: Python<'_>, builder: ClientBuilder, settings: Settings) -> PyResult<Self> {
        let client = builder.build().map_err(to_py(py))?;
        let endpoint = client.endpoint().clone();
        Ok(Self::with_engine(&settings, client, &endpoint))
    }

    /// Runs `op` with the GIL released and answers its result.
    fn run<O>(&self, py: Python<'_>, op: O) -> PyResult<Py<PyAny>>
    where
        O: Operation + Sync,
        O::Output: IntoPython,
    {
        let client = self.state.get(py)?;
        self.logging.refresh(py);
        run_blocking(py, &client, &op)
    }
}
