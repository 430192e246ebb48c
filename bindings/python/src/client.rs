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
use pyo3::{prelude::*, types::PyType};

use crate::{
    convert,
    error::{contactnow_error, to_py},
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

/// `client.priority` or `client.tod_policies`: the class `name` of `contactnow._api`
/// around the client.
pub(crate) fn namespace<'py>(client: &Bound<'py, PyAny>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    client.py().import("contactnow._api")?.getattr(name)?.call1((client,))
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
        $class:ident($name:literal, $engine:ty), $priority:literal, $tod:literal, { $($extra:tt)* }
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
            fn priority<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
                $crate::client::namespace(slf.as_any(), $priority)
            }

            /// Time-of-day policies (`method=tod_policy`).
            #[getter]
            fn tod_policies<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
                $crate::client::namespace(slf.as_any(), $tod)
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

client_class!(
    /// A blocking client for the ContactNow `database.php` API; releases the GIL while a
    /// call is on the network.
    PyClient("Client", contactnow::Client), "PriorityApi", "TodPolicyApi", {
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
