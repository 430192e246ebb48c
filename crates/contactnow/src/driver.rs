//! What the blocking and the async client share: a built client's parts (its session,
//! token callback, sender and limits), an attempt's result and how it is reported to the
//! engine, and the steps a caller's [`Sender`] or token callback answer. The two driver
//! loops (`Client::execute`, `AsyncClient::execute`) are each a few lines over
//! [`Call::step`] on top of these; every rule of a call is the engine's.

use std::{
    fmt,
    sync::Arc,
    time::{Duration, Instant, SystemTime},
};

use contactnow_core::{
    engine::{Call, Failure, Now, Session},
    HttpRequest, HttpResponse, Operation, Token,
};

use crate::{auth::TokenProvider, Error, Sender};

/// The parts of a client that do not depend on its transport, from
/// [`ClientBuilder::parts`](crate::ClientBuilder): both clients hold one.
pub(crate) struct Common {
    /// Settings, authentication and the token cache, shared by the client's calls.
    pub session: Arc<Session>,
    /// The token callback, for a session with `Auth::Provider`.
    pub provider: Option<TokenProvider>,
    /// The caller's HTTP stack, used instead of the built-in transport when set.
    pub sender: Option<Arc<dyn Sender>>,
    /// The response size limit.
    pub max_response_bytes: u64,
    /// Records per request in the `*_batched` helpers.
    pub batch_size: usize,
}

impl Common {
    /// A new engine call of `op` in the session, with a random jitter seed.
    pub fn start<O: Operation>(&self, op: O) -> Call<O> {
        Call::new(self.session.clone(), op, fastrand::u64(..))
    }

    /// A token from the token callback, for `Step::NeedToken`.
    pub fn token(&self) -> Result<Token, Error> {
        match &self.provider {
            Some(provider) => provider(),
            None => Err(Error::invalid("token", "no token source")),
        }
    }

    /// One attempt through the caller's `sender`, the size limit checked on what it returns.
    pub fn send_through(&self, sender: &dyn Sender, request: &HttpRequest, timeout: Duration) -> Attempt {
        match sender.send(request, timeout) {
            Ok(response) if response.body.len() as u64 > self.max_response_bytes => {
                Attempt::TooLarge { status: response.status, limit: self.max_response_bytes }
            }
            Ok(response) => Attempt::Response { response },
            Err(failure) => Attempt::Failed(failure),
        }
    }

    /// The client's `Debug`: endpoint and settings, never a token, password or proxy URL.
    pub fn debug(&self, f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
        let config = &self.session.config;
        f.debug_struct(name)
            .field("endpoint", &config.endpoint.as_str())
            .field("format", &config.format)
            .field("auth", self.session.auth())
            .field("connect_timeout", &config.connect_timeout)
            .field("timeout", &config.attempt_timeout)
            .field("total_timeout", &config.total_timeout)
            .field("retry", &config.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("batch_size", &self.batch_size)
            .finish_non_exhaustive()
    }
}

/// The settings' accessors of both clients (`format`, `endpoint`, `batch_size`, `timeout`,
/// `retry`) and `check`, read from their `inner.common`.
macro_rules! settings_accessors {
    () => {
        /// The body format of requests and responses.
        pub fn format(&self) -> contactnow_core::Format {
            self.inner.common.session.config.format
        }

        /// The base URL calls go to.
        pub fn endpoint(&self) -> &contactnow_core::Endpoint {
            &self.inner.common.session.config.endpoint
        }

        /// The number of records per request used by the `*_batched` helpers.
        pub fn batch_size(&self) -> usize {
            self.inner.common.batch_size
        }

        /// The longest one attempt may take.
        pub fn timeout(&self) -> std::time::Duration {
            self.inner.common.session.config.attempt_timeout
        }

        /// Checks `op`'s input as a call of it would, sending nothing (`Config::check`).
        pub fn check<O: contactnow_core::Operation + ?Sized>(&self, op: &O) -> Result<(), contactnow_core::Error> {
            self.inner.common.session.config.check(op)
        }

        /// The retry policy of calls that are safe to repeat.
        pub fn retry(&self) -> contactnow_core::engine::RetryPolicy {
            self.inner.common.session.config.retry
        }
    };
}
pub(crate) use settings_accessors;

/// The clocks read before each step of a call that started at `origin`.
pub(crate) fn now(origin: Instant) -> Now {
    Now { monotonic: origin.elapsed(), wall: SystemTime::now() }
}

/// One attempt's result: a response (any status) or a failure below HTTP.
pub(crate) enum Attempt {
    /// The server answered; the body is within the limit.
    Response { response: HttpResponse },
    /// The body was larger than the limit.
    TooLarge { status: u16, limit: u64 },
    /// Nothing usable came back.
    Failed(Failure),
}

impl Attempt {
    /// Reports the attempt to the call that asked for it.
    pub fn report<O: Operation>(self, call: &mut Call<O>) {
        match self {
            Attempt::Response { response } => call.received(response),
            Attempt::TooLarge { status, limit } => call.too_large(status, limit),
            Attempt::Failed(failure) => call.failed(failure),
        }
    }
}
