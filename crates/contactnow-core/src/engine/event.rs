//! What a call did, as events: one shape for every language's logs and listeners.
//!
//! The engine reports each step that matters to the session's [`Observer`]: the call's
//! start, every attempt (with the URL redacted), every decision (a repeat and why, a token
//! refresh, giving up on a failure that could have been repeated) and the end. An event
//! never holds a token, a password or record content: URLs go through
//! [`redact_url`](crate::redact_url) and every reason through the call's secret scrubber.
//!
//! Bindings turn an event into their language's shape through [`Event::name`],
//! [`Event::level`], [`Event::message`] and [`Event::fields`], so every language shows the
//! same names and values.

use std::{borrow::Cow, fmt, time::Duration};

use crate::{Format, Method};

/// Receives the events of every call of a session (see [`Session::with_observer`](super::Session::with_observer)).
///
/// Called on the thread that steps the call, in order; keep it quick.
pub trait Observer: Send + Sync {
    /// Whether events are wanted now; when false the engine does not even make them.
    fn enabled(&self) -> bool {
        true
    }

    /// Handles one event.
    fn event(&self, event: &Event);
}

impl<F: Fn(&Event) + Send + Sync> Observer for F {
    fn event(&self, event: &Event) {
        self(event);
    }
}

/// How much an event matters, for loggers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Every attempt, the start of a call.
    Debug,
    /// The end of a call.
    Info,
    /// A repeat, a token refresh, giving up.
    Warn,
}

impl Level {
    /// `debug`, `info` or `warn`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
        }
    }
}

/// Which request an attempt sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `token.php`, for a token from the session's credentials.
    Token,
    /// The operation's own request.
    Call,
}

impl Purpose {
    /// `token` or `call`.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Token => "token",
            Purpose::Call => "call",
        }
    }
}

/// One thing a call did. `call` numbers the calls of a session, so that the events of calls
/// in flight together can be told apart.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A call began.
    Start {
        /// The call's number in its session.
        call: u64,
        /// The operation, e.g. `priority.read`.
        operation: Cow<'static, str>,
        /// The body format.
        format: Format,
        /// Records in the request (0 for a read).
        records: usize,
    },
    /// One attempt ended, with an answer or without one.
    Attempt {
        /// The call's number in its session.
        call: u64,
        /// The attempt's number within its request, from 1.
        attempt: u32,
        /// Which request it sent.
        purpose: Purpose,
        /// `GET` or `POST`.
        method: Method,
        /// The URL, with the token's value replaced by `***`.
        url: String,
        /// The HTTP status, when an answer came.
        status: Option<u16>,
        /// How long the attempt took.
        duration: Duration,
        /// The body's size, when it was read.
        bytes: Option<u64>,
        /// Why there was no usable answer, when there was none.
        error: Option<String>,
    },
    /// The call sends its request again after a pause.
    Retry {
        /// The call's number in its session.
        call: u64,
        /// The number of the attempt to come.
        attempt: u32,
        /// The pause before it.
        pause: Duration,
        /// What the last attempt got, e.g. `HTTP 503`.
        reason: String,
    },
    /// The server rejected the token: the call gets a new one and sends again.
    Refresh {
        /// The call's number in its session.
        call: u64,
        /// The server's message, e.g. `Expired token`.
        reason: String,
    },
    /// A failure that could have been repeated was not.
    GiveUp {
        /// The call's number in its session.
        call: u64,
        /// Why not, e.g. `3 of 3 attempts made`.
        reason: String,
    },
    /// The call ended.
    End {
        /// The call's number in its session.
        call: u64,
        /// `ok`, or the error's kind (`Api`, `Timeout`, `Cancelled`, ...).
        result: &'static str,
        /// True when a write that is not safe to repeat may have been applied.
        outcome_unknown: bool,
        /// Attempts sent in all (token fetches included).
        attempts: u32,
        /// How long the call took.
        duration: Duration,
    },
}

/// A value of an event's field.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text.
    Str(String),
    /// A count, a number or a status.
    Int(u64),
    /// Milliseconds, to the microsecond.
    Millis(f64),
    /// A flag.
    Bool(bool),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => f.write_str(s),
            Value::Int(n) => write!(f, "{n}"),
            Value::Millis(ms) => write!(f, "{ms}"),
            Value::Bool(b) => write!(f, "{b}"),
        }
    }
}

fn millis(duration: Duration) -> Value {
    Value::Millis((duration.as_secs_f64() * 1e6).round() / 1e3)
}

impl Event {
    /// The event's name: `call.start`, `call.attempt`, `call.retry`, `call.refresh`,
    /// `call.give_up` or `call.end`.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Start { .. } => "call.start",
            Event::Attempt { .. } => "call.attempt",
            Event::Retry { .. } => "call.retry",
            Event::Refresh { .. } => "call.refresh",
            Event::GiveUp { .. } => "call.give_up",
            Event::End { .. } => "call.end",
        }
    }

    /// The call's number in its session.
    pub fn call(&self) -> u64 {
        match self {
            Event::Start { call, .. }
            | Event::Attempt { call, .. }
            | Event::Retry { call, .. }
            | Event::Refresh { call, .. }
            | Event::GiveUp { call, .. }
            | Event::End { call, .. } => *call,
        }
    }

    /// Debug for the start and the attempts, info for the end, warn for the decisions.
    pub fn level(&self) -> Level {
        match self {
            Event::Start { .. } | Event::Attempt { .. } => Level::Debug,
            Event::End { .. } => Level::Info,
            Event::Retry { .. } | Event::Refresh { .. } | Event::GiveUp { .. } => Level::Warn,
        }
    }

    /// The event's fields (`call` first), with the same names and values in every language.
    pub fn fields(&self) -> Vec<(&'static str, Value)> {
        let mut fields = vec![("call", Value::Int(self.call()))];
        match self {
            Event::Start { operation, format, records, .. } => {
                fields.push(("operation", Value::Str(operation.to_string())));
                fields.push(("format", Value::Str(format.as_str().to_owned())));
                fields.push(("records", Value::Int(*records as u64)));
            }
            Event::Attempt { attempt, purpose, method, url, status, duration, bytes, error, .. } => {
                fields.push(("attempt", Value::Int(u64::from(*attempt))));
                fields.push(("purpose", Value::Str(purpose.as_str().to_owned())));
                fields.push(("method", Value::Str(method.as_str().to_owned())));
                fields.push(("url", Value::Str(url.clone())));
                fields.extend(status.map(|s| ("status", Value::Int(u64::from(s)))));
                fields.push(("duration_ms", millis(*duration)));
                fields.extend(bytes.map(|b| ("bytes", Value::Int(b))));
                fields.extend(error.clone().map(|e| ("error", Value::Str(e))));
            }
            Event::Retry { attempt, pause, reason, .. } => {
                fields.push(("attempt", Value::Int(u64::from(*attempt))));
                fields.push(("pause_ms", millis(*pause)));
                fields.push(("reason", Value::Str(reason.clone())));
            }
            Event::Refresh { reason, .. } | Event::GiveUp { reason, .. } => {
                fields.push(("reason", Value::Str(reason.clone())));
            }
            Event::End { result, outcome_unknown, attempts, duration, .. } => {
                fields.push(("result", Value::Str((*result).to_owned())));
                fields.push(("outcome_unknown", Value::Bool(*outcome_unknown)));
                fields.push(("attempts", Value::Int(u64::from(*attempts))));
                fields.push(("duration_ms", millis(*duration)));
            }
        }
        fields
    }

    /// One line for a human, e.g. `call 3: attempt 1 GET https://h/database.php?token=***&.. -> HTTP 503 in 12.1 ms`.
    pub fn message(&self) -> String {
        let ms = |d: &Duration| format!("{:.1} ms", d.as_secs_f64() * 1e3);
        match self {
            Event::Start { call, operation, format, records } => {
                format!("call {call}: {operation} ({format}, {records} records)")
            }
            Event::Attempt { call, attempt, method, url, status, duration, bytes, error, .. } => {
                let outcome = match (status, error) {
                    (_, Some(error)) => format!("failed: {error}"),
                    (Some(status), None) => match bytes {
                        Some(bytes) => format!("HTTP {status}, {bytes} bytes"),
                        None => format!("HTTP {status}"),
                    },
                    (None, None) => "no answer".to_owned(),
                };
                format!("call {call}: attempt {attempt} {} {url} -> {outcome} in {}", method.as_str(), ms(duration))
            }
            Event::Retry { call, attempt, pause, reason } => {
                format!("call {call}: {reason}; attempt {attempt} after {}", ms(pause))
            }
            Event::Refresh { call, reason } => format!("call {call}: token rejected ({reason}); getting a new one"),
            Event::GiveUp { call, reason } => format!("call {call}: not repeated: {reason}"),
            Event::End { call, result, outcome_unknown, attempts, duration } => {
                let unknown = if *outcome_unknown { " (outcome unknown)" } else { "" };
                let s = if *attempts == 1 { "" } else { "s" };
                format!("call {call}: {result}{unknown} after {attempts} attempt{s} in {}", ms(duration))
            }
        }
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// Declares [`CallEvent`] with its optional fields, each read from the event field of its name.
macro_rules! call_event {
    ($($(#[doc = $doc:literal])* $field:ident: $ty:ty = $kind:ident,)*) => {
        /// One event as a flat record, for bindings whose events are records (Kotlin and Swift
        /// `CallEvent`): [`Event::fields`] by name, `None` where the event has no such field.
        #[derive(Debug, Clone, PartialEq)]
        #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_event_has_every_field_of_its_event() {
        let end = Event::End {
            call: 3,
            result: "Timeout",
            outcome_unknown: true,
            attempts: 2,
            duration: Duration::from_micros(12_345),
        };
        let record = CallEvent::from(&end);
        assert_eq!((record.name.as_str(), record.level.as_str(), record.call), ("call.end", "info", 3));
        assert_eq!(
            (record.result.as_deref(), record.outcome_unknown, record.attempts),
            (Some("Timeout"), Some(true), Some(2))
        );
        assert_eq!((record.duration_ms, record.attempt, record.url), (Some(12.345), None, None));
        assert_eq!(record.message, end.message());
    }
}
