//! Call events: an app's [`EventListener`] gets a [`CallEvent`] for each step of every call of
//! the client it is set on, in order, on the thread that runs or polls the call at that step.
//! Never a token, a password or record content.

use std::sync::{Arc, Mutex};

use contactnow::{Event, Observer, Value};

/// Declares `CallEvent` with its optional fields, each read from the event field of its name.
macro_rules! call_event {
    ($($(#[doc = $doc:literal])* $field:ident: $ty:ty = $kind:ident,)*) => {
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
            $($(#[doc = $doc])* pub $field: Option<$ty>,)*
        }

        impl From<&Event> for CallEvent {
            fn from(event: &Event) -> Self {
                let (name, level) = (event.name().to_owned(), event.level().as_str().to_owned());
                let mut out = CallEvent { name, level, message: event.message(), call: event.call(), $($field: None,)* };
                for (key, value) in event.fields() {
                    match (key, value) {
                        $((stringify!($field), Value::$kind(v)) => out.$field = Some(v),)*
                        _ => {}
                    }
                }
                out
            }
        }
    };
}

call_event! {
    /// `call.start`: the operation, e.g. `priority.read`.
    operation: String = Str,
    /// `call.start`: `json` or `xml`.
    format: String = Str,
    /// `call.start`: records in the request.
    records: u64 = Int,
    /// `call.attempt`: its number; `call.retry`: the number of the attempt to come.
    attempt: u64 = Int,
    /// `call.attempt`: `token` (token.php) or `call`.
    purpose: String = Str,
    /// `call.attempt`: `GET` or `POST`.
    method: String = Str,
    /// `call.attempt`: the URL with the token replaced by `***`.
    url: String = Str,
    /// `call.attempt`: the HTTP status, when an answer came.
    status: u64 = Int,
    /// `call.attempt` and `call.end`: how long it took, in milliseconds.
    duration_ms: f64 = Millis,
    /// `call.attempt`: the body's size.
    bytes: u64 = Int,
    /// `call.attempt`: why there was no usable answer.
    error: String = Str,
    /// `call.retry`: the pause before the next attempt, in milliseconds.
    pause_ms: f64 = Millis,
    /// `call.retry`, `call.refresh`, `call.give_up`: why.
    reason: String = Str,
    /// `call.end`: `ok` or the error's kind.
    result: String = Str,
    /// `call.end`: a write not safe to repeat may have been applied.
    outcome_unknown: bool = Bool,
    /// `call.end`: attempts sent in all.
    attempts: u64 = Int,
}

/// Implemented in Kotlin or Swift to see what calls do; keep it quick, it runs on the call's thread.
#[uniffi::export(with_foreign)]
pub trait EventListener: Send + Sync {
    /// One event.
    fn on_event(&self, event: CallEvent);
}

/// The client's observer: the listener set on it, if any.
#[derive(Default)]
pub(crate) struct Listeners(pub(crate) Mutex<Option<Arc<dyn EventListener>>>);

impl Listeners {
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
