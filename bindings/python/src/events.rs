//! Call events as records of the stdlib `logging` logger `contactnow`: DEBUG for the start
//! and each attempt, INFO for the end of a call, WARNING for a repeat, a token refresh or
//! giving up. The event's fields go in `extra` (so `record.status`, `record.url`, ...), plus
//! `record.event` (its name, e.g. `call.attempt`). Nothing is made while the logger is not
//! enabled for WARNING (the highest level used), checked before every event.

use contactnow::{Event, Level, Observer, Value};
use pyo3::{
    prelude::*,
    types::{PyDict, PyString},
};

/// The observer of every client: logs through `logging.getLogger("contactnow")`.
pub(crate) struct PyLogging {
    logger: Py<PyAny>,
}

impl PyLogging {
    /// The observer, with the logger looked up once.
    pub(crate) fn new(py: Python<'_>) -> PyResult<Self> {
        let logger = py.import("logging")?.call_method1("getLogger", ("contactnow",))?;
        Ok(Self { logger: logger.unbind() })
    }
}

/// The `logging` level of an event.
fn level(level: Level) -> u8 {
    match level {
        Level::Debug => 10,
        Level::Info => 20,
        Level::Warn => 30,
    }
}

impl Observer for PyLogging {
    fn enabled(&self) -> bool {
        Python::attach(|py| {
            self.logger.call_method1(py, "isEnabledFor", (30,)).and_then(|b| b.extract::<bool>(py)).unwrap_or(false)
        })
    }

    fn event(&self, event: &Event) {
        Python::attach(|py| {
            // A failing handler is logging's to report; the call goes on.
            let _ = log(py, self.logger.bind(py), event);
        });
    }
}

fn log(py: Python<'_>, logger: &Bound<'_, PyAny>, event: &Event) -> PyResult<()> {
    let levelno = level(event.level());
    if !logger.call_method1("isEnabledFor", (levelno,))?.extract::<bool>()? {
        return Ok(());
    }
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
