//! Call events as records of the stdlib `logging` logger `contactnow`: DEBUG for the start
//! and each attempt, INFO for the end of a call, WARNING for a repeat, a token refresh or
//! giving up. The event's fields go in `extra` (so `record.status`, `record.url`, ...), plus
//! `record.event` (its name, e.g. `call.attempt`).
//!
//! Which of those levels the logger is enabled for is read when a call starts, on the
//! thread that starts it (which holds the GIL anyway), and kept in an atomic: an event of a
//! level not enabled then costs nothing, and in particular takes no GIL on the threads of
//! the async client's runtime (where waiting for the GIL would hold up every call on that
//! thread). A change of the logger's level applies from the next call.

use std::sync::atomic::{AtomicU8, Ordering};

use contactnow::{Event, Level, Observer, Value};
use pyo3::{
    prelude::*,
    types::{PyDict, PyString},
};

/// The observer of every client: logs through `logging.getLogger("contactnow")`.
pub(crate) struct PyLogging {
    logger: Py<PyAny>,
    /// The levels the logger was enabled for when the last call started: one bit per
    /// [`Level`] (see [`bit`]).
    enabled: AtomicU8,
}

impl PyLogging {
    /// The observer, with the logger looked up once and its levels read.
    pub(crate) fn new(py: Python<'_>) -> PyResult<Self> {
        let logger = py.import("logging")?.call_method1("getLogger", ("contactnow",))?;
        let this = Self { logger: logger.unbind(), enabled: AtomicU8::new(0) };
        this.refresh(py);
        Ok(this)
    }

    /// Reads again which levels the logger is enabled for: called as each call starts.
    pub(crate) fn refresh(&self, py: Python<'_>) {
        let logger = self.logger.bind(py);
        let mut enabled = 0;
        for level in [Level::Debug, Level::Info, Level::Warn] {
            // A logger that cannot answer logs nothing.
            let on = logger
                .call_method1(pyo3::intern!(py, "isEnabledFor"), (levelno(level),))
                .and_then(|b| b.extract::<bool>());
            if on.unwrap_or(false) {
                enabled |= bit(level);
            }
        }
        self.enabled.store(enabled, Ordering::Relaxed);
    }

    fn is_enabled(&self, level: Level) -> bool {
        self.enabled.load(Ordering::Relaxed) & bit(level) != 0
    }
}

/// The `logging` level of an event.
fn levelno(level: Level) -> u8 {
    match level {
        Level::Debug => 10,
        Level::Info => 20,
        Level::Warn => 30,
    }
}

/// A level's bit in [`PyLogging::enabled`].
fn bit(level: Level) -> u8 {
    match level {
        Level::Debug => 1,
        Level::Info => 2,
        Level::Warn => 4,
    }
}

impl Observer for PyLogging {
    fn enabled(&self) -> bool {
        self.enabled.load(Ordering::Relaxed) != 0
    }

    fn event(&self, event: &Event) {
        if !self.is_enabled(event.level()) {
            return;
        }
        // An event may come from a thread of the async client's runtime (a call's future
        // dropped there, say): once the interpreter exits, it is not logged (`exit.rs`).
        crate::exit::attach(|py| {
            // A failing handler is logging's to report; the call goes on.
            let _ = log(py, self.logger.bind(py), event);
        });
    }
}

fn log(py: Python<'_>, logger: &Bound<'_, PyAny>, event: &Event) -> PyResult<()> {
    let levelno = levelno(event.level());
    let extra = PyDict::new(py);
    extra.set_item("event", event.name())?;
    for (key, value) in event.fields() {
        match value {
            Value::Str(s) => extra.set_item(key, PyString::new(py, &s))?,
            Value::Int(n) => extra.set_item(key, n)?,
            Value::Millis(ms) => extra.set_item(key, ms)?,
            Value::Bool(b) => extra.set_item(key, b)?,
        }
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item("extra", extra)?;
    logger.call_method("log", (levelno, "%s", event.message()), Some(&kwargs))?;
    Ok(())
}
