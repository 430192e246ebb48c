//! A Python callable as the client's HTTP stack (`Client(sender=...)`): the Rust client's
//! engine still runs the call (retries, pauses, token refresh, outcome rules).

use std::time::Duration;

use contactnow::{Failure, HttpRequest, HttpResponse};
use pyo3::{exceptions, prelude::*};

use crate::{sansio, value};

/// `sender(request, timeout)` returns `(status, content_type, body)` or `(status,
/// content_type, body, retry_after)`; it raises `TimeoutError` for a timeout,
/// `ConnectionRefusedError` when the request certainly did not leave, anything else for a
/// failure after sending. `sleep(seconds)`, when given, makes the pauses between attempts.
pub(crate) struct PySender {
    pub send: Py<PyAny>,
    pub sleep: Option<Py<PyAny>>,
}

impl contactnow::Sender for PySender {
    fn send(&self, request: &HttpRequest, timeout: Duration) -> Result<HttpResponse, Failure> {
        Python::attach(|py| {
            let answer =
                sansio::request(py, request).and_then(|request| self.send.call1(py, (request, timeout.as_secs_f64())));
            match answer {
                Ok(answer) => response(answer.bind(py)).map_err(|e| Failure::new(format!("the sender's answer: {e}"))),
                Err(e) => Err(failure(py, &e)),
            }
        })
    }

    fn sleep(&self, pause: Duration) {
        match &self.sleep {
            // An exception in the sleep callable ends nothing: the pause is just shorter.
            Some(sleep) => Python::attach(|py| drop(sleep.call1(py, (pause.as_secs_f64(),)))),
            None => std::thread::sleep(pause),
        }
    }
}

/// The sender's answer tuple as a response.
fn response(answer: &Bound<'_, PyAny>) -> PyResult<HttpResponse> {
    let items: Vec<Bound<'_, PyAny>> = answer.extract()?;
    let (status, content_type, body, retry_after) = match &items[..] {
        [status, content_type, body] => (status, content_type, body, None),
        [status, content_type, body, retry_after] => (status, content_type, body, Some(retry_after)),
        _ => return Err(exceptions::PyValueError::new_err("expected (status, content_type, body[, retry_after])")),
    };
    let mut response = HttpResponse::new(
        status.extract::<u16>()?,
        content_type.extract::<Option<String>>()?.as_deref(),
        value::bytes(body, "body")?,
    );
    response.retry_after = retry_after.map(|r| r.extract::<Option<String>>()).transpose()?.flatten();
    Ok(response)
}

/// A Python exception from the sender as the engine's failure.
fn failure(py: Python<'_>, error: &PyErr) -> Failure {
    let name = error.get_type(py).name().map(|n| n.to_string()).unwrap_or_else(|_| "Exception".to_owned());
    let message = format!("{name}: {}", error.value(py));
    if error.is_instance_of::<exceptions::PyTimeoutError>(py) {
        Failure::timeout(message)
    } else if error.is_instance_of::<exceptions::PyConnectionRefusedError>(py) {
        Failure::new(message).before_sending()
    } else {
        Failure::new(message)
    }
}
