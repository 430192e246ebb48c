//! The settings a call runs with.

use std::time::Duration;

use super::RetryPolicy;
use crate::{Endpoint, Error, Format, Operation, Token};

/// A total timeout meaning "no limit".
pub const NO_LIMIT: Duration = Duration::MAX;

/// The settings of a session's calls: where, in which format, how long, how often.
///
/// Clients fill it from their builder, which validates every value; the defaults are the
/// client's (EU endpoint, JSON, 10 s connect, 30 s per attempt, 120 s in all, three attempts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The base URL.
    pub endpoint: Endpoint,
    /// The body format of requests and responses.
    pub format: Format,
    /// How often, and after what pause, a failure is repeated.
    pub retry: RetryPolicy,
    /// The driver's connect timeout (quoted in timeout errors).
    pub connect_timeout: Duration,
    /// The longest one attempt may take.
    pub attempt_timeout: Duration,
    /// The longest the whole call may take, token fetch and pauses included ([`NO_LIMIT`]:
    /// none).
    pub total_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            endpoint: Endpoint::default(),
            format: Format::Json,
            retry: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(10),
            attempt_timeout: Duration::from_secs(30),
            total_timeout: Duration::from_secs(120),
        }
    }
}

impl Config {
    /// Checks `op`'s input as a call of it with these settings would, sending nothing: the
    /// error it would end with before its first request. A call checks first when a token
    /// must be fetched before its request is built; a binding whose calls start later (when
    /// awaited) checks at the call.
    pub fn check<O: Operation + ?Sized>(&self, op: &O) -> Result<(), Error> {
        op.build_request(&self.endpoint, &Token::new("unchecked"), self.format).map(drop)
    }

    /// The total timeout as errors show it: `none` for no limit.
    pub(crate) fn total_label(&self) -> String {
        // A century or more is no limit in practice.
        if self.total_timeout >= Duration::from_secs(100 * 365 * 24 * 3600) {
            "none".to_owned()
        } else {
            format!("{:?}", self.total_timeout)
        }
    }
}
