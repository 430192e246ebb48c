//! Where a client's call events go: `tracing` (always; nothing is made unless a subscriber
//! listens at the `contactnow` target) and the observer set with
//! [`ClientBuilder::on_event`](crate::ClientBuilder::on_event), if any.
//!
//! `tracing` levels: DEBUG for the start and each attempt, INFO for the end, WARN for a
//! repeat, a token refresh or giving up; every event inside the `contactnow.call` span the
//! driver opens per call. The fields are the event's own ([`Event::fields`]).

use std::sync::Arc;

use contactnow_core::engine::{Event, Observer};

/// The target of every `tracing` span and event of the SDK.
pub const TARGET: &str = "contactnow";

/// The session's observer: `tracing`, plus the caller's.
pub(crate) fn observer(user: Option<Arc<dyn Observer>>) -> Arc<dyn Observer> {
    Arc::new(Fanout { user })
}

struct Fanout {
    user: Option<Arc<dyn Observer>>,
}

impl Observer for Fanout {
    fn enabled(&self) -> bool {
        tracing::enabled!(target: TARGET, tracing::Level::WARN) || self.user.as_ref().is_some_and(|u| u.enabled())
    }

    fn event(&self, event: &Event) {
        trace(event);
        if let Some(user) = self.user.as_deref().filter(|u| u.enabled()) {
            user.event(event);
        }
    }
}

/// Milliseconds, to the microsecond, as the events' fields give them.
fn ms(duration: std::time::Duration) -> f64 {
    (duration.as_secs_f64() * 1e6).round() / 1e3
}

/// Emits `event` as a `tracing` event.
fn trace(event: &Event) {
    let message = event.message();
    match event {
        Event::Start { call, operation, format, records } => tracing::debug!(
            name: "call.start", target: TARGET, call, operation = &**operation, format = format.as_str(),
            records, "{message}"
        ),
        Event::Attempt { call, attempt, purpose, method, url, status, duration, bytes, error } => tracing::debug!(
            name: "call.attempt", target: TARGET, call, attempt, purpose = purpose.as_str(),
            method = method.as_str(), url = url.as_str(), status, duration_ms = ms(*duration), bytes,
            error = error.as_deref(), "{message}"
        ),
        Event::Retry { call, attempt, pause, reason } => tracing::warn!(
            name: "call.retry", target: TARGET, call, attempt, pause_ms = ms(*pause), reason = reason.as_str(),
            "{message}"
        ),
        Event::Refresh { call, reason } => {
            tracing::warn!(name: "call.refresh", target: TARGET, call, reason = reason.as_str(), "{message}")
        }
        Event::GiveUp { call, reason } => {
            tracing::warn!(name: "call.give_up", target: TARGET, call, reason = reason.as_str(), "{message}")
        }
        Event::End { call, result, outcome_unknown, attempts, duration } => tracing::info!(
            name: "call.end", target: TARGET, call, result, outcome_unknown, attempts, duration_ms = ms(*duration),
            "{message}"
        ),
    }
}

/// The span a driver runs one call in.
pub(crate) fn span(call: u64, operation: &str) -> tracing::Span {
    tracing::info_span!(target: TARGET, "contactnow.call", call, operation)
}
