//! `NativeClient`: the engine under both Python clients (`contactnow/_client.py`), which add
//! the namespaces, the context managers and `close()`'s awaitable. Options are read by
//! `contactnow::options::Options::from_json`; a call's input by `contactnow::input`.
//!
//! A blocking client runs each call with the GIL released and answers its result. An async
//! client answers a coroutine of `contactnow._async` that starts the call when awaited: its
//! Rust future on the runtime of pyo3-async-runtimes, whose result `bridge.rs` hands to the
//! event loop (no thread waits for a call in flight). Cancelling the awaiting task aborts
//! that future: the request in flight is abandoned, no pause or retry follows, and the
//! engine's `Call`, dropped unfinished, logs `call.end` (result `Cancelled`). With
//! `sender=` (a blocking callable) an async client's calls run on the blocking engine in
//! the event loop's default executor; cancelling one stops awaiting it, not the thread.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use contactnow::{
    options::{self, Casing, Options},
    ApiCall, RetryPolicy,
};
use pyo3::{prelude::*, sync::PyOnceLock, types::PyDict};

use crate::{
    error::{contactnow_error, invalid_input, to_py},
    events::PyLogging,
    sansio,
    value::{self, READER},
};

/// The threads of tokio's blocking pool at most: hyper-util looks host names up there;
/// without a cap a burst of lookups would start a thread for each.
const MAX_BLOCKING_THREADS: usize = 4;

/// Sets up the runtime pyo3-async-runtimes starts on first use (a process that never awaits
/// a call starts no thread): threads named `contactnow`, a small blocking pool, and one
/// worker unless `TOKIO_WORKER_THREADS` (tokio's own setting) asks for more.
///
/// One worker is enough: what a call does in Rust is small next to what its result costs
/// in Python, under the GIL, so one event loop cannot keep even one worker busy; and every
/// hand-off between the loop and a worker is a thread wake-up, which a second worker only
/// makes slower, most of all on a machine with few cores.
pub(crate) fn init_runtime() {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all().thread_name("contactnow").max_blocking_threads(MAX_BLOCKING_THREADS);
    if std::env::var_os("TOKIO_WORKER_THREADS").is_none() {
        builder.worker_threads(1);
    }
    pyo3_async_runtimes::tokio::init(builder);
}

/// What runs a client's calls.
#[derive(Clone)]
enum Engine {
    /// `Client`: the blocking engine.
    Blocking(contactnow::Client),
    /// `AsyncClient`: each call a Rust future on the runtime.
    Async(contactnow::AsyncClient),
    /// `AsyncClient(sender=...)`: the blocking engine, in the event loop's executor.
    Threaded(contactnow::Client),
}

/// A client's engine, until `close()` drops it (calls in flight keep their own handle).
#[pyclass(frozen, name = "NativeClient", module = "contactnow._contactnow")]
pub(crate) struct NativeClient {
    engine: Mutex<Option<Engine>>,
    logging: Arc<PyLogging>,
    description: String,
    base_url: String,
    format: &'static str,
}

/// A Python-style single-quoted string literal.
pub(crate) fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// What `repr` shows of a client of class `class` (never a secret): `options` for the
/// authentication, the built client's settings for the rest.
fn describe(
    class: &str,
    options: &Options,
    base_url: &str,
    format: &str,
    timeout: Duration,
    retry: RetryPolicy,
) -> String {
    let auth = match (&options.token, &options.username) {
        (None, Some(user)) => format!("credentials(username={})", quote(user)),
        _ => "token".to_owned(),
    };
    let (timeout, retries) = (timeout.as_secs_f64(), retry.max_attempts.saturating_sub(1));
    format!(
        "{class}(base_url={}, format={}, auth={auth}, timeout={timeout:?}, retries={retries})",
        quote(base_url),
        quote(format)
    )
}

#[pymethods]
impl NativeClient {
    /// The engine of a `Client` (or, `asynchronous`, an `AsyncClient`) from its options.
    #[new]
    #[pyo3(signature = (asynchronous, sender, sleep, options))]
    fn new(
        py: Python<'_>,
        asynchronous: bool,
        sender: Option<Py<PyAny>>,
        sleep: Option<Py<PyAny>>,
        options: &Bound<'_, PyDict>,
    ) -> PyResult<Self> {
        let options = Options::from_json(&value::json(options.as_any(), "")?, Casing::Snake, READER, &[]);
        let options = options.map_err(to_py(py))?;
        let logging = Arc::new(PyLogging::new(py)?);
        let mut builder = options.builder().map_err(to_py(py))?.observer(logging.clone());
        for (field, f) in [("sender", &sender), ("sleep", &sleep)] {
            if f.as_ref().is_some_and(|f| !f.bind(py).is_callable()) {
                return Err(invalid_input(py, field, "expected a function"));
            }
        }
        let threaded = sender.is_some();
        options::check_sleep(threaded, sleep.is_some()).map_err(to_py(py))?;
        if let Some(send) = sender {
            builder = builder.sender(Arc::new(crate::sender::PySender { send, sleep }));
        }
        let engine = match (asynchronous, threaded) {
            (false, _) => Engine::Blocking(builder.build().map_err(to_py(py))?),
            (true, false) => Engine::Async(builder.build_async().map_err(to_py(py))?),
            (true, true) => Engine::Threaded(builder.build().map_err(to_py(py))?),
        };
        let (endpoint, format, timeout, retry) = match &engine {
            Engine::Blocking(c) | Engine::Threaded(c) => {
                (c.endpoint().to_string(), c.format().as_str(), c.timeout(), c.retry())
            }
            Engine::Async(c) => (c.endpoint().to_string(), c.format().as_str(), c.timeout(), c.retry()),
        };
        let class = if asynchronous { "AsyncClient" } else { "Client" };
        let description = describe(class, &options, &endpoint, format, timeout, retry);
        Ok(Self { engine: Mutex::new(Some(engine)), logging, description, base_url: endpoint, format })
    }

    /// Runs operation `operation` (`priority.read`, ..., `token.validate`, `call`) with `input`.
    #[pyo3(signature = (operation, input = None))]
    fn execute(&self, py: Python<'_>, operation: &str, input: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        self.run(py, sansio::api_call(py, operation, input)?)
    }

    /// Drops the engine; later calls raise `InvalidInputError` on `client`.
    fn close(&self) {
        if let Ok(mut engine) = self.engine.lock() {
            engine.take();
        }
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.engine.lock().map(|e| e.is_none()).unwrap_or(true)
    }

    /// The base URL (raises once closed).
    #[getter]
    fn base_url(&self, py: Python<'_>) -> PyResult<String> {
        self.engine(py).map(|_| self.base_url.clone())
    }

    /// `json` or `xml` (raises once closed).
    #[getter]
    fn format(&self, py: Python<'_>) -> PyResult<&'static str> {
        self.engine(py).map(|_| self.format)
    }

    fn __repr__(&self) -> String {
        self.description.clone()
    }
}

impl NativeClient {
    /// The engine, or (once closed) an input error on `client`, as every language's closed
    /// client and stopped kit answer.
    fn engine(&self, py: Python<'_>) -> PyResult<Engine> {
        let guard = self.engine.lock().map_err(|_| contactnow_error(py, "client state is poisoned"))?;
        guard.clone().ok_or_else(|| invalid_input(py, "client", "the client is closed"))
    }

    /// What a call of `op` answers: its result, or the coroutine that runs it.
    fn run(&self, py: Python<'_>, op: ApiCall) -> PyResult<Py<PyAny>> {
        let engine = self.engine(py)?;
        self.logging.refresh(py);
        let blocking = |py: Python<'_>, client: &contactnow::Client, op: &ApiCall| {
            sansio::output(py, py.detach(|| client.execute(op)).map_err(to_py(py))?)
        };
        // An awaited call starts later: bad input fails here, at the call, as in a blocking one.
        match &engine {
            Engine::Blocking(_) => {}
            Engine::Async(client) => client.check(&op).map_err(to_py(py))?,
            Engine::Threaded(client) => client.check(&op).map_err(to_py(py))?,
        }
        let (helper, start): (&Helper, Start) = match engine {
            Engine::Blocking(client) => return blocking(py, &client, &op),
            Engine::Async(client) => (
                &WAIT,
                Box::new(move |py| {
                    crate::exit::use_runtime(py)?;
                    crate::bridge::spawn(py, async move { client.execute(&op).await }, |py, result| {
                        sansio::output(py, result.map_err(to_py(py))?)
                    })
                }),
            ),
            Engine::Threaded(client) => {
                (&IN_THREAD, Box::new(move |py| Ok(blocking(py, &client, &op)?.into_bound(py))))
            }
        };
        Ok(helper.call(py, Deferred(Mutex::new(Some(start))))?.unbind())
    }
}

/// What starts an async call: the asyncio future of its Rust future, or (for `sender=`) its
/// result, run in the executor thread.
type Start = Box<dyn for<'py> FnOnce(Python<'py>) -> PyResult<Bound<'py, PyAny>> + Send>;

/// An async call not started yet, called (once) by the coroutine that awaits it.
#[pyclass(frozen, name = "_Deferred", module = "contactnow._contactnow")]
struct Deferred(Mutex<Option<Start>>);

#[pymethods]
impl Deferred {
    /// Starts the call.
    fn __call__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let start = self.0.lock().ok().and_then(|mut start| start.take());
        start.ok_or_else(|| contactnow_error(py, "this call was started already"))?(py)
    }
}

/// A coroutine function of `contactnow._async`, looked up once per interpreter.
struct Helper(&'static str, PyOnceLock<Py<PyAny>>);

impl Helper {
    /// `helper(argument)`: a coroutine.
    fn call<'py>(&self, py: Python<'py>, argument: impl IntoPyObject<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.1.import(py, "contactnow._async", self.0)?.call1((argument,))
    }
}

/// `_wait(start)`: awaits the asyncio future `start()` answers.
static WAIT: Helper = Helper("_wait", PyOnceLock::new());
/// `_in_thread(job)`: answers `job()`, run in the loop's default executor.
static IN_THREAD: Helper = Helper("_in_thread", PyOnceLock::new());
