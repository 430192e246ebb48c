//! The retry policy: how many attempts, and how long to wait between them.

use std::time::Duration;

/// How often, and after what pause, a failed call that is safe to repeat is sent again.
///
/// The pause before attempt `n + 1` is a random duration in `[0, min(max_backoff,
/// initial_backoff * 2^(n-1))]` ("full jitter"). A `Retry-After: <seconds>` header on a 429
/// or 503 answer replaces it, capped by `max_backoff`. No pause outlasts the call's total
/// timeout. Only reads, updates and priority creates are repeated, on transport errors,
/// timeouts and HTTP 429, 500, 502, 503 and 504.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RetryPolicy {
    /// Attempts in all, including the first (at least 1).
    pub max_attempts: u32,
    /// The cap of the first pause; each later cap doubles.
    pub initial_backoff: Duration,
    /// The largest pause, also the cap applied to `Retry-After`.
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// One attempt, no repetition.
    pub fn none() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// The pause before the attempt following failed attempt number `attempt` (1-based).
    pub(crate) fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(after) = retry_after {
            return after.min(self.max_backoff);
        }
        let shift = attempt.saturating_sub(1).min(30);
        let cap = self.initial_backoff.saturating_mul(1u32 << shift).min(self.max_backoff);
        let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

impl Default for RetryPolicy {
    /// Three attempts, pauses capped at 200 ms, 400 ms, ..., at most 5 s.
    fn default() -> Self {
        Self { max_attempts: 3, initial_backoff: Duration::from_millis(200), max_backoff: Duration::from_secs(5) }
    }
}

/// Whether an HTTP status is worth another attempt of a repeatable call.
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// Parses `Retry-After` given in seconds (the HTTP-date form is ignored).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_jittered_and_capped() {
        let p = RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(300),
        };
        for attempt in 1..10 {
            let cap = Duration::from_millis(100 * (1 << (attempt - 1).min(10))).min(p.max_backoff);
            assert!(p.backoff(attempt, None) <= cap);
        }
        assert_eq!(p.backoff(1, Some(Duration::from_secs(10))), Duration::from_millis(300));
        assert_eq!(p.backoff(1, Some(Duration::from_millis(50))), Duration::from_millis(50));
        assert_eq!(RetryPolicy::none().max_attempts, 1);
    }

    #[test]
    fn statuses_and_retry_after() {
        assert!(retryable_status(503) && retryable_status(429) && !retryable_status(404));
        assert_eq!(parse_retry_after(" 2 "), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
