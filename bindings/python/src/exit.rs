//! Interpreter exit: keeping the threads of the async client's runtime out of Python.
//!
//! Up to Python 3.13, a thread other than the main one that takes the GIL again while the
//! interpreter finalizes is ended with `pthread_exit` (CPython gh-87135); a Rust thread
//! ended that way inside `Python::attach` aborts the process ("PyGILState_Release: thread
//! state must be current"). The runtime's threads enter Python in one place: the events of
//! calls logged from runtime threads (a logging handler may release the GIL for its I/O);
//! finished calls reach the event loop without the GIL (`bridge.rs`). So, before
//! finalization (an `atexit` hook, registered when the module is loaded, so run after the
//! hooks registered later), no thread enters Python through [`attach`] any more, and the
//! hook waits for those inside to leave. The wait releases the GIL and gives up after
//! [`GRACE`] (a thread stuck in a handler cannot hold the exit up for ever).

use std::{
    sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst},
    time::{Duration, Instant},
};

use pyo3::prelude::*;

/// The longest the exit hook waits for each of its two conditions.
const GRACE: Duration = Duration::from_secs(2);

/// Whether a call has started on the runtime (so that it exists).
static RUNTIME_USED: AtomicBool = AtomicBool::new(false);
/// Set by the exit hook: [`attach`] no longer enters Python.
static EXITING: AtomicBool = AtomicBool::new(false);
/// Threads inside [`attach`].
static INSIDE: AtomicUsize = AtomicUsize::new(0);

/// Notes that a call is to run on the runtime (then the exit hook has threads to stop);
/// refused once the hook has run (the runtime could no longer hand its result over).
pub(crate) fn use_runtime(py: Python<'_>) -> PyResult<()> {
    RUNTIME_USED.store(true, SeqCst);
    if EXITING.load(SeqCst) {
        return Err(crate::error::contactnow_error(py, "the interpreter is exiting: the AsyncClient no longer calls"));
    }
    Ok(())
}

/// `Python::try_attach` for code that may run on a thread of the runtime: `None` (and `f`
/// not run) once the interpreter exits.
pub(crate) fn attach<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> Option<R> {
    // Counted before the flag is read, and the hook sets the flag before it reads the
    // count: a thread either sees the flag or is seen by the hook.
    INSIDE.fetch_add(1, SeqCst);
    let out = if EXITING.load(SeqCst) { None } else { Python::try_attach(f) };
    INSIDE.fetch_sub(1, SeqCst);
    out
}

/// The exit hook: stops the runtime's threads from entering Python (see the module docs).
#[pyfunction]
#[pyo3(name = "_before_exit")]
pub(crate) fn before_exit(py: Python<'_>) {
    EXITING.store(true, SeqCst);
    if !RUNTIME_USED.load(SeqCst) {
        return;
    }
    py.detach(|| {
        let deadline = Instant::now() + GRACE;
        while INSIDE.load(SeqCst) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}

/// Registers [`before_exit`] with `atexit`.
pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let hook = wrap_pyfunction!(before_exit, module)?;
    module.py().import("atexit")?.call_method1("register", (hook,))?;
    Ok(())
}
