//! `AsyncClient`: the calls of `Client` (same constructor, arguments and errors, from the
//! macros of `client.rs`) as coroutines over `contactnow::AsyncClient`, whose futures run
//! on the tokio runtime of pyo3-async-runtimes: no thread waits for a call in flight.
//!
//! A call converts its arguments at once (bad input raises before anything is awaited) and
//! answers a coroutine of `contactnow._async`; awaited, it starts the Rust future on the
//! runtime of pyo3-async-runtimes and awaits its asyncio future, which `bridge.rs` completes
//! from the event loop. Cancelling the task cancels the asyncio future; its done callback
//! aborts the task on the runtime, which drops the call's future there: the request in flight is abandoned
//! (its connection closed), no pause or retry follows, and the engine's `Call`, dropped
//! unfinished, emits its `call.end` event (result `Cancelled`) to the `contactnow` logger
//! from that runtime thread. asyncio's `CancelledError` reaches the caller unchanged.
//!
//! At interpreter exit, `exit.rs` keeps the runtime's threads out of Python.
//!
//! With `sender=` (a blocking Python callable) the calls run on the blocking engine in the
//! event loop's default executor, one thread per call in flight, as `Client` would run
//! them; cancelling such a call stops awaiting it, not the thread.

use std::sync::Mutex;

use contactnow::{ClientBuilder, Operation};
use pyo3::{prelude::*, sync::PyOnceLock, types::PyType};

use crate::{
    client::{client_class, run_blocking, IntoPython, Settings},
    error::{contactnow_error, to_py},
};

/// The threads of tokio's blocking pool at most: hyper-util looks host names up there (a
/// finished call reaches the event loop through `bridge.rs`, not through this pool); without
/// a cap a burst of lookups would start a thread for each.
pub(crate) const MAX_BLOCKING_THREADS: usize = 4;

/// Sets up the runtime pyo3-async-runtimes starts on first use (not before: a process
/// that never awaits a call starts no thread): threads named `contactnow`, a small blocking
/// pool, and one worker unless `TOKIO_WORKER_THREADS` (tokio's own setting) asks for more.
///
/// One worker is enough: what a call does in Rust (build the request, TLS, parse the
/// answer) is small next to what its result costs in Python, under the GIL, so a single
/// event loop cannot keep even one worker busy; and every hand-off between the loop and a
/// worker is a thread wake-up, which a second worker (waking, searching for work, stealing)
/// only makes slower, most of all on a machine with few cores.
pub(crate) fn init_runtime() {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all().thread_name("contactnow").max_blocking_threads(MAX_BLOCKING_THREADS);
    if std::env::var_os("TOKIO_WORKER_THREADS").is_none() {
        builder.worker_threads(1);
    }
    pyo3_async_runtimes::tokio::init(builder);
}

/// What runs an async client's calls.
#[derive(Clone)]
pub(crate) enum Engine {
    /// The built-in transport: each call is a Rust future on the runtime.
    Native(contactnow::AsyncClient),
    /// `sender=`: each call runs on the blocking engine in the event loop's executor.
    Threaded(contactnow::Client),
}

client_class!(
    /// The asyncio client: the settings and calls of `Client`, each call a coroutine whose
    /// request runs on a Rust runtime (no thread per call). Cancelling the task awaiting a
    /// call cancels its request; the end of a cancelled call is logged (`call.end`, result
    /// `Cancelled`, `outcome_unknown` for a TOD policy create that was sent).
    PyAsyncClient("AsyncClient", Engine), "AsyncPriorityApi", "AsyncTodPolicyApi", {
        /// Drops the connection pool (calls in flight finish); later calls raise
        /// `ContactNowError`. Awaitable.
        fn close<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
            self.state.close();
            ready(py, py.None().into_bound(py))
        }

        /// `close()`, by the name `contextlib.aclosing` calls.
        fn aclose<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
            self.close(py)
        }

        fn __aenter__(slf: Bound<'_, Self>) -> PyResult<Bound<'_, PyAny>> {
            let py = slf.py();
            ready(py, slf.into_any())
        }

        #[pyo3(signature = (_exc_type = None, _exc = None, _tb = None))]
        fn __aexit__<'py>(
            &self,
            py: Python<'py>,
            _exc_type: Option<&Bound<'py, PyType>>,
            _exc: Option<&Bound<'py, PyAny>>,
            _tb: Option<&Bound<'py, PyAny>>,
        ) -> PyResult<Bound<'py, PyAny>> {
            self.close(py)
        }
    }
);

impl PyAsyncClient {
    /// The client of `builder`: the async engine, or the blocking one for `sender=`.
    fn build(py: Python<'_>, builder: ClientBuilder, settings: Settings) -> PyResult<Self> {
        let (engine, endpoint) = if settings.custom_sender {
            let client = builder.build().map_err(to_py(py))?;
            let endpoint = client.endpoint().clone();
            (Engine::Threaded(client), endpoint)
        } else {
            let client = builder.build_async().map_err(to_py(py))?;
            let endpoint = client.endpoint().clone();
            (Engine::Native(client), endpoint)
        };
        Ok(Self::with_engine(&settings, engine, &endpoint))
    }

    /// The coroutine of a call of `op`: it starts the call when awaited.
    fn run<O>(&self, py: Python<'_>, op: O) -> PyResult<Py<PyAny>>
    where
        O: Operation + Send + Sync + 'static,
        O::Output: IntoPython,
    {
        let engine = self.state.get(py)?;
        self.logging.refresh(py);
        let (helper, start): (&Helper, Start) = match engine {
            Engine::Native(client) => (
                &WAIT,
                Box::new(move |py| {
                    crate::exit::use_runtime(py)?;
                    crate::bridge::spawn(py, async move { client.execute(&op).await }, |py, result| {
                        result.map_err(to_py(py))?.into_python(py)
                    })
                }),
            ),
            Engine::Threaded(client) => {
                (&IN_THREAD, Box::new(move |py| Ok(run_blocking(py, &client, &op)?.into_bound(py))))
            }
        };
        Ok(helper.call(py, Deferred(Mutex::new(Some(start))))?.unbind())
    }
}

/// What starts a call: the asyncio future of its Rust future, or (for `sender=`) its
/// result, run in the executor thread.
type Start = Box<dyn for<'py> FnOnce(Python<'py>) -> PyResult<Bound<'py, PyAny>> + Send>;

/// A call not started yet, called (once) by the coroutine that awaits it.
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

/// A function of `contactnow._async` (the coroutines that await calls), looked up once
/// per interpreter.
struct Helper {
    name: &'static str,
    function: PyOnceLock<Py<PyAny>>,
}

impl Helper {
    const fn new(name: &'static str) -> Self {
        Self { name, function: PyOnceLock::new() }
    }

    /// `helper(argument)`: a coroutine.
    fn call<'py>(&self, py: Python<'py>, argument: impl IntoPyObject<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.function.import(py, "contactnow._async", self.name)?.call1((argument,))
    }
}

/// `_wait(start)`: awaits the asyncio future `start()` answers.
static WAIT: Helper = Helper::new("_wait");
/// `_in_thread(job)`: answers `job()`, run in the loop's default executor.
static IN_THREAD: Helper = Helper::new("_in_thread");
/// `_ready(value)`: answers `value`.
static READY: Helper = Helper::new("_ready");

/// A coroutine that answers `value` (for the awaitable methods that do not wait).
fn ready<'py>(py: Python<'py>, value: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    READY.call(py, value)
}
