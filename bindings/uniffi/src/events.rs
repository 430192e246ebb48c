//! Call events for Kotlin and Swift: an [`EventListener`] implemented in the app gets a
//! [`CallEvent`] for each step of every call of the client it is set on
//! ([`Client::set_event_listener`](crate::Client::set_event_listener)), in order, on the
//! thread that runs or polls the call at that step (a cancelled call's `call.end` comes on
//! the thread that cancels it). Never a token, a password or record content.

use std::sync::{Arc, Mutex};

use contactnow::{Event, Observer, Value};

/// One step of a call: the same names and values as every other language's events.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CallEvent {
    /// `call.start`, `call.attempt`, `call.retry`, `call.refresh`, `call.give_up` or `call.end`.
    pub name: String,
    /// `debug` (start, attempts), `info` (end) or `warn` (repeat, refresh, give-up).
    pub level: String,
    /// One line for a human.
    pub message: String,
    /// The call's number in its client (tells apart concurrent calls).
    pub call: u64,
    /// `call.start`: the operation, e.g. `priority.read`.
    pub operation: Option<String>,
    /// `call.start`: `json` or `xml`.
    pub format: Option<String>,
    /// `call.start`: records in the request.
    pub records: Option<u64>,
    /// `call.attempt`: its number; `call.retry`: the number of the attempt to come.
    pub attempt: Option<u64>,
    /// `call.attempt`: `token` (token.php) or `call`.
    pub purpose: Option<String>,
    /// `call.attempt`: `GET` or `POST`.
    pub method: Option<String>,
    /// `call.attempt`: the URL with the token replaced by `***`.
    pub url: Option<String>,
    /// `call.attempt`: the HTTP status, when an answer came.
    pub status: Option<u64>,
    /// `call.attempt` and `call.end`: how long it took, in milliseconds.
    pub duration_ms: Option<f64>,
    /// `call.attempt`: the body's size.
    pub bytes: Option<u64>,
    /// `call.attempt`: why there was no usable answer.
    pub error: Option<String>,
    /// `call.retry`: the pause before the next attempt, in milliseconds.
    pub pause_ms: Option<f64>,
    /// `call.retry`, `call.refresh`, `call.give_up`: why.
    pub reason: Option<String>,
    /// `call.end`: `ok` or the error's kind.
    pub result: Option<String>,
    /// `call.end`: a write not safe to repeat may have been applied.
    pub outcome_unknown: Option<bool>,
    /// `call.end`: attempts sent in all.
    pub attempts: Option<u64>,
}

/// Implemented in Kotlin or Swift to see what calls do. Keep it quick: it runs on the
/// call's thread (for an async call, the thread that polls it).
#[uniffi::export(with_foreign)]
pub trait EventListener: Send + Sync {
    /// One event.
    fn on_event(&self, event: CallEvent);
}

impl From<&Event> for CallEvent {
    fn from(event: &Event) -> Self {
        let mut out = CallEvent {
            name: event.name().to_owned(),
            level: event.level().as_str().to_owned(),
            message: event.message(),
            call: event.call(),
            operation: None,
            format: None,
            records: None,
            attempt: None,
            purpose: None,
            method: None,
            url: None,
            status: None,
            duration_ms: None,
            bytes: None,
            error: None,
            pause_ms: None,
            reason: None,
            result: None,
            outcome_unknown: None,
            attempts: None,
        };
        for (key, value) in event.fields() {
            match (key, value) {
                ("operation", Value::Str(s)) => out.operation = Some(s),
                ("format", Value::Str(s)) => out.format = Some(s),
                ("records", Value::Int(n)) => out.records = Some(n),
                ("attempt", Value::Int(n)) => out.attempt = Some(n),
                ("purpose", Value::Str(s)) => out.purpose = Some(s),
                ("method", Value::Str(s)) => out.method = Some(s),
                ("url", Value::Str(s)) => out.url = Some(s),
                ("status", Value::Int(n)) => out.status = Some(n),
                ("duration_ms", Value::Millis(ms)) => out.duration_ms = Some(ms),
                ("bytes", Value::Int(n)) => out.bytes = Some(n),
                ("error", Value::Str(s)) => out.error = Some(s),
                ("pause_ms", Value::Millis(ms)) => out.pause_ms = Some(ms),
                ("reason", Value::Str(s)) => out.reason = Some(s),
                ("result", Value::Str(s)) => out.result = Some(s),
                ("outcome_unknown", Value::Bool(b)) => out.outcome_unknown = Some(b),
                ("attempts", Value::Int(n)) => out.attempts = Some(n),
                _ => {}
            }
        }
        out
    }
}

/// The client's observer: the listener set on it, if any.
#[derive(Default)]
pub(crate) struct Listeners(Mutex<Option<Arc<dyn EventListener>>>);

impl Listeners {
    /// Sets (or with `None` removes) the listener.
    pub(crate) fn set(&self, listener: Option<Arc<dyn EventListener>>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = listener;
    }

    fn get(&self) -> Option<Arc<dyn EventListener>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Observer for Listeners {
    fn enabled(&self) -> bool {
        self.get().is_some()
    }

    fn event(&self, event: &Event) {
        if let Some(listener) = self.get() {
            // A throwing listener must not end the call: uniffi reports its panic here.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| listener.on_event(event.into())));
        }
    }
}
