//! A Rust future's result to the asyncio event loop in two thread hand-offs (the loop wakes
//! the runtime; the runtime wakes the loop), where `pyo3_async_runtimes::future_into_py`
//! takes three (its runtime task hands each result to a blocking thread, which takes the
//! GIL and calls `call_soon_threadsafe`).
//!
//! Each event loop gets one [`Bridge`] (kept in `contactnow._async._bridges`): a queue of
//! finished calls and a socket pair whose reading end the loop watches (`add_reader`). A
//! finished call's task pushes its result, Rust data, and writes one byte when the queue was
//! empty; the loop, woken, converts each result to Python and sets its future. No runtime
//! thread takes the GIL for it. Cancelling the asyncio future aborts the task (a done
//! callback), which drops the call's future on the runtime, as before.

use std::{
    future::Future,
    io::{Read, Write},
    os::{fd::AsRawFd, unix::net::UnixStream},
    sync::Mutex,
};

use pyo3::{prelude::*, sync::PyOnceLock};

/// One finished call: its asyncio future and what makes the result, in the loop.
type Done = Box<dyn for<'py> FnOnce(Python<'py>) -> (Py<PyAny>, PyResult<Py<PyAny>>) + Send>;

/// The queue and socket pair of one event loop.
#[pyclass(frozen, name = "_Bridge", module = "contactnow._contactnow")]
pub(crate) struct Bridge {
    queue: Mutex<Vec<Done>>,
    reader: UnixStream,
    writer: UnixStream,
}

#[pymethods]
impl Bridge {
    /// Sets the future of every finished call (the loop's reader callback).
    fn drain(&self, py: Python<'_>) -> PyResult<()> {
        let mut buf = [0u8; 256];
        while matches!((&self.reader).read(&mut buf), Ok(n) if n > 0) {}
        let done = std::mem::take(&mut *self.queue.lock().unwrap_or_else(|p| p.into_inner()));
        for finish in done {
            let (future, result) = finish(py);
            let future = future.bind(py);
            // A cancelled call's future is done already; its result is dropped.
            if future.call_method0("done")?.extract::<bool>()? {
                continue;
            }
            match result {
                Ok(value) => future.call_method1("set_result", (value,))?,
                Err(error) => future.call_method1("set_exception", (error.value(py).clone(),))?,
            };
        }
        Ok(())
    }
}

impl Bridge {
    /// A bridge with an empty queue.
    fn new() -> PyResult<Self> {
        let (reader, writer) = UnixStream::pair()?;
        reader.set_nonblocking(true)?;
        writer.set_nonblocking(true)?;
        Ok(Self { queue: Mutex::new(Vec::new()), reader, writer })
    }

    /// The descriptor the loop watches.
    fn fileno(&self) -> i32 {
        self.reader.as_raw_fd()
    }

    /// Queues a finished call, waking the loop if the queue was empty.
    fn push(&self, done: Done) {
        let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        queue.push(done);
        if queue.len() == 1 {
            // A full socket means a wake-up is pending already.
            let _ = (&self.writer).write(&[1]);
        }
    }
}

/// Aborts a call's task when its asyncio future is cancelled (a done callback).
#[pyclass(frozen, name = "_Abort", module = "contactnow._contactnow")]
struct Abort(tokio::task::AbortHandle);

#[pymethods]
impl Abort {
    fn __call__(&self, future: &Bound<'_, PyAny>) -> PyResult<()> {
        if future.call_method0("cancelled")?.extract::<bool>()? {
            self.0.abort();
        }
        Ok(())
    }
}

/// The asyncio future of `call`, run on the runtime; `convert` makes its result in the loop.
pub(crate) fn spawn<'py, T: Send + 'static>(
    py: Python<'py>,
    call: impl Future<Output = T> + Send + 'static,
    convert: fn(Python<'_>, T) -> PyResult<Py<PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    static BRIDGES: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let bridges = BRIDGES
        .get_or_try_init(py, || Ok::<_, PyErr>(py.import("contactnow._async")?.getattr("_bridges")?.unbind()))?
        .bind(py);
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let bridge: Py<Bridge> = match bridges.call_method1("get", (&event_loop,))? {
        known if !known.is_none() => known.extract()?,
        _ => {
            let bridge = Bound::new(py, Bridge::new()?)?;
            event_loop.call_method1("add_reader", (bridge.get().fileno(), bridge.getattr("drain")?))?;
            bridges.set_item(&event_loop, &bridge)?;
            bridge.unbind()
        }
    };
    let future = event_loop.call_method0("create_future")?;
    let handle = {
        let future = future.clone().unbind();
        pyo3_async_runtimes::tokio::get_runtime().spawn(async move {
            let output = call.await;
            bridge.get().push(Box::new(move |py| (future, convert(py, output))));
        })
    };
    future.call_method1("add_done_callback", (Abort(handle.abort_handle()),))?;
    Ok(future)
}
