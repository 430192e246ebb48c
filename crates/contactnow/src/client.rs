//! The client: core build -> send (with retries) -> core parse, plus token handling.

use std::{
    fmt,
    sync::Arc,
    time::{Duration, Instant},
};

use contactnow_core::{
    Assignment, CreateAssignments, CreatePolicies, Endpoint, Format, HttpRequest, HttpResponse, Listing, NewTodPolicy,
    Operation, ReadAssignments, ReadPolicies, TodPolicy, TodPolicyUpdate, Token, UpdateAssignments, UpdatePolicies,
    WriteResult,
};

use crate::{
    auth::{unix_now, Auth},
    retry::retryable_status,
    transport::{self, Attempt},
    BatchOutcome, ChunkFailure, ClientBuilder, Error, RetryPolicy,
};

/// A blocking ContactNow client. Cheap to clone (clones share the connection pool and the
/// token cache), `Send + Sync`.
///
/// `Debug` shows the endpoint and settings, never the token or the password.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub agent: ureq::Agent,
    pub endpoint: Endpoint,
    pub format: Format,
    pub auth: Auth,
    pub attempt_timeout: Duration,
    pub total_timeout: Duration,
    pub connect_timeout: Duration,
    pub retry: RetryPolicy,
    pub max_response_bytes: u64,
    pub batch_size: usize,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("Client")
            .field("endpoint", &inner.endpoint.as_str())
            .field("format", &inner.format)
            .field("auth", &inner.auth)
            .field("connect_timeout", &inner.connect_timeout)
            .field("timeout", &inner.attempt_timeout)
            .field("total_timeout", &inner.total_timeout)
            .field("retry", &inner.retry)
            .field("max_response_bytes", &inner.max_response_bytes)
            .field("batch_size", &inner.batch_size)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder with the defaults (EU endpoint, JSON, 10 s connect, 30 s per attempt, 120 s
    /// in all or more when the attempts need it, 3 attempts, 64 MiB responses, batches of 100).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from `CONTACTNOW_TOKEN` (or `CONTACTNOW_USERNAME` and
    /// `CONTACTNOW_PASSWORD`) and optionally `CONTACTNOW_BASE_URL`.
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// The body format of requests and responses.
    pub fn format(&self) -> Format {
        self.inner.format
    }

    /// The base URL calls go to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    /// The number of records per request used by the `*_batched` helpers.
    pub fn batch_size(&self) -> usize {
        self.inner.batch_size
    }

    /// Assigns agents to queues in one request (`priority` create). Existing pairs are
    /// not added again (`total` counts the new ones). Repeated on failure: safe.
    pub fn create_assignments(&self, records: &[Assignment]) -> Result<WriteResult, Error> {
        self.execute(&CreateAssignments { records: records.to_vec() })
    }

    /// Lists assignments, optionally of one agent and/or one queue.
    pub fn read_assignments(&self, agent_id: Option<u64>, queue_id: Option<u64>) -> Result<Listing<Assignment>, Error> {
        self.execute(&ReadAssignments { agent_id, queue_id })
    }

    /// Changes the level of existing assignments in one request.
    pub fn update_assignments(&self, records: &[Assignment]) -> Result<WriteResult, Error> {
        self.execute(&UpdateAssignments { records: records.to_vec() })
    }

    /// Creates TOD policies in one request. Never repeated once it may have reached the
    /// server: a failure then has `outcome_unknown` set (a transport failure or timeout after
    /// sending, or an HTTP 5xx that can follow an applied write: 500, 502, 504, ...; not 503).
    pub fn create_policies(&self, records: &[NewTodPolicy]) -> Result<WriteResult, Error> {
        self.execute(&CreatePolicies { records: records.to_vec() })
    }

    /// Lists TOD policies, all or the one with `policy_id`.
    pub fn read_policies(&self, policy_id: Option<u64>) -> Result<Listing<TodPolicy>, Error> {
        self.execute(&ReadPolicies { policy_id })
    }

    /// Changes existing TOD policies in one request.
    pub fn update_policies(&self, records: &[TodPolicyUpdate]) -> Result<WriteResult, Error> {
        self.execute(&UpdatePolicies { records: records.to_vec() })
    }

    /// [`Client::create_assignments`] in chunks of `batch_size`, one request per chunk.
    pub fn create_assignments_batched(&self, records: &[Assignment]) -> BatchOutcome {
        self.batched(records, |records| CreateAssignments { records })
    }

    /// [`Client::update_assignments`] in chunks of `batch_size`, one request per chunk.
    pub fn update_assignments_batched(&self, records: &[Assignment]) -> BatchOutcome {
        self.batched(records, |records| UpdateAssignments { records })
    }

    /// [`Client::create_policies`] in chunks of `batch_size`, one request per chunk.
    pub fn create_policies_batched(&self, records: &[NewTodPolicy]) -> BatchOutcome {
        self.batched(records, |records| CreatePolicies { records })
    }

    /// [`Client::update_policies`] in chunks of `batch_size`, one request per chunk.
    pub fn update_policies_batched(&self, records: &[TodPolicyUpdate]) -> BatchOutcome {
        self.batched(records, |records| UpdatePolicies { records })
    }

    fn batched<R: Clone, O: Operation<Output = WriteResult>>(
        &self,
        records: &[R],
        make: impl Fn(Vec<R>) -> O,
    ) -> BatchOutcome {
        let mut outcome = BatchOutcome::default();
        for (n, chunk) in records.chunks(self.inner.batch_size.max(1)).enumerate() {
            outcome.chunks += 1;
            let offset = n * self.inner.batch_size.max(1);
            match self.execute(&make(chunk.to_vec())) {
                Ok(result) => {
                    outcome.total += result.total;
                    outcome.bad += result.bad;
                    outcome.keys.extend(result.key.filter(|k| *k != 0));
                }
                Err(error) => {
                    if let Error::Api(api) = &error {
                        outcome.total += api.total.unwrap_or(0);
                        outcome.bad += api.bad.unwrap_or(0);
                        outcome.keys.extend(api.key.filter(|k| *k != 0));
                    }
                    outcome.failures.push(ChunkFailure { offset, len: chunk.len(), error });
                }
            }
        }
        outcome
    }

    /// Runs any operation: builds its request with the current token, sends it (repeating
    /// it only when that is safe), gets a new token once if the server rejects it, and
    /// parses the answer.
    pub fn execute<O: Operation>(&self, op: &O) -> Result<O::Output, Error> {
        let inner = &*self.inner;
        let deadline = deadline_in(inner.total_timeout);
        let (mut token, mut generation) = inner.token(deadline)?;
        let mut refreshed = false;
        loop {
            let secrets = inner.secrets(&token);
            let request = op.build_request(&inner.endpoint, &token, inner.format).map_err(Error::from)?;
            let response = inner.send_with_retry(&request, op.is_idempotent(), deadline, &secrets)?;
            let parsed = op.parse_response(inner.format, &response).map_err(|e| match e {
                // A non-2xx answer whose body is the API's own `success: false` envelope
                // is reported as that API error.
                contactnow_core::Error::HttpStatus { .. } if (400..500).contains(&response.status) => {
                    let as_ok = HttpResponse { status: 200, ..response.clone() };
                    match op.parse_response(inner.format, &as_ok) {
                        Err(api @ contactnow_core::Error::Api(_)) => api,
                        _ => e,
                    }
                }
                e => e,
            });
            match parsed {
                Ok(output) => return Ok(output),
                // A rejected token means nothing was applied: repeating is safe for every op.
                Err(contactnow_core::Error::Api(api))
                    if !refreshed && api.is_token_rejected() && !matches!(inner.auth, Auth::Static(_)) =>
                {
                    refreshed = true;
                    (token, generation) = inner.refresh(generation, deadline)?;
                }
                // A 5xx or an unreadable 2xx after a write that is not safe to repeat leaves
                // its outcome unknown (the core marks its own; this covers any operation).
                Err(e) => {
                    let e = if op.is_idempotent() { e } else { e.after_unrepeatable_write(response.status) };
                    return Err(Error::from(e).scrubbed(&secrets));
                }
            }
        }
    }
}

impl Inner {
    fn secrets<'a>(&'a self, token: &'a Token) -> Vec<&'a str> {
        let mut secrets = vec![token.expose()];
        secrets.extend(self.auth.password());
        secrets
    }

    /// The token to use now, and the cache generation it belongs to.
    fn token(&self, deadline: Instant) -> Result<(Token, u64), Error> {
        if let Auth::Static(token) = &self.auth {
            return Ok((token.clone(), 0));
        }
        let Some(mut cache) = self.auth.cache() else { return Err(Error::invalid("token", "no token source")) };
        if let Some(token) = cache.fresh() {
            return Ok((token, cache.generation));
        }
        self.fetch_into(&mut cache, deadline)
    }

    /// Gets a new token after `stale` was rejected, unless another call already did.
    fn refresh(&self, stale: u64, deadline: Instant) -> Result<(Token, u64), Error> {
        let Some(mut cache) = self.auth.cache() else { return Err(Error::invalid("token", "no token source")) };
        if cache.generation != stale {
            if let Some(token) = cache.fresh() {
                return Ok((token, cache.generation));
            }
        }
        self.fetch_into(&mut cache, deadline)
    }

    /// Fetches a token while holding the cache lock, so concurrent callers share it (they
    /// wait for it, within their own deadline only once it is done; a token provider must
    /// therefore not call this client).
    fn fetch_into(&self, cache: &mut crate::auth::Cache, deadline: Instant) -> Result<(Token, u64), Error> {
        let (token, expire) = match &self.auth {
            Auth::Static(token) => (token.clone(), None),
            Auth::Provider { provider, .. } => {
                let token = provider()?;
                if token.is_empty() {
                    return Err(Error::invalid("token", "the token provider returned an empty token"));
                }
                (token, None)
            }
            Auth::Credentials { request: get, .. } => {
                let secrets = [get.password.expose()];
                let request = get.build_request(&self.endpoint).map_err(Error::from)?;
                let response = self.send_with_retry(&request, true, deadline, &secrets)?;
                let grant = get.parse_response(&response).map_err(|e| Error::from(e).scrubbed(&secrets))?;
                // An expiry already in the past (clock skew) still allows this one call.
                let expire = (grant.expire > unix_now()).then_some(grant.expire);
                (grant.token, expire)
            }
        };
        cache.store(token.clone(), expire);
        Ok((token, cache.generation))
    }

    /// Sends `request`, repeating it on retryable failures when `idempotent` (or when the
    /// failure proves it was never sent), within `deadline`.
    fn send_with_retry(
        &self,
        request: &HttpRequest,
        idempotent: bool,
        deadline: Instant,
        secrets: &[&str],
    ) -> Result<HttpResponse, Error> {
        let max_attempts = self.retry.max_attempts.max(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(Error::Timeout {
                    message: format!("total timeout of {} expired before attempt {attempt}", limit(self.total_timeout)),
                    outcome_unknown: false,
                });
            }
            let whole = (remaining < self.attempt_timeout).then_some(remaining);
            let attempt_deadline = Instant::now() + remaining.min(self.attempt_timeout);
            let sent = transport::send(&self.agent, request, attempt_deadline, whole, self.max_response_bytes);
            let (error, retry_after) = match sent {
                Attempt::Response { response, retry_after } => {
                    if !(idempotent && retryable_status(response.status)) {
                        return Ok(response);
                    }
                    let retry_after = matches!(response.status, 429 | 503).then_some(retry_after).flatten();
                    if attempt >= max_attempts || !self.pause(attempt, retry_after, deadline) {
                        return Ok(response);
                    }
                    continue;
                }
                Attempt::TooLarge { status, limit } => {
                    return Err(Error::Decode {
                        outcome_unknown: !idempotent && (200..300).contains(&status),
                        format: self.format,
                        reason: format!(
                            "response body (HTTP {status}) is larger than the limit of {limit} bytes \
                             (max_response_bytes); it was not read further"
                        ),
                        excerpt: String::new(),
                    });
                }
                Attempt::Failed(failure) => {
                    let outcome_unknown = !idempotent && !failure.not_sent;
                    let mut message = crate::redact::clean(&failure.message, secrets);
                    if attempt > 1 {
                        message.push_str(&format!(" (after {attempt} attempts)"));
                    }
                    let error = if failure.timeout {
                        message.push_str(&format!(
                            " (connect timeout {:?}, per-attempt timeout {:?}, total timeout {})",
                            self.connect_timeout,
                            self.attempt_timeout,
                            limit(self.total_timeout)
                        ));
                        Error::Timeout { message, outcome_unknown }
                    } else {
                        Error::Transport { message, outcome_unknown }
                    };
                    if !(idempotent || failure.not_sent) {
                        return Err(error);
                    }
                    (error, None)
                }
            };
            if attempt >= max_attempts || !self.pause(attempt, retry_after, deadline) {
                return Err(error);
            }
        }
    }

    /// Sleeps before the next attempt; false when there is to be none: the pause would pass
    /// the deadline, or the server's `Retry-After` is longer than `max_backoff` (repeating
    /// sooner than the server allowed would only be refused again).
    fn pause(&self, attempt: u32, retry_after: Option<Duration>, deadline: Instant) -> bool {
        let Some(pause) = self.retry.backoff(attempt, retry_after) else { return false };
        let remaining = deadline.saturating_duration_since(Instant::now());
        if pause >= remaining {
            return false;
        }
        std::thread::sleep(pause);
        true
    }
}

/// A total timeout as shown in errors: `none` for one of a century or more (no limit).
fn limit(total: Duration) -> String {
    if total >= CENTURY {
        "none".to_owned()
    } else {
        format!("{total:?}")
    }
}

/// A century: a budget at least this long means no limit.
const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// The instant `budget` from now; a budget too large for the clock (`Duration::MAX`, meaning
/// "no limit") is capped at a century.
fn deadline_in(budget: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(budget).or_else(|| now.checked_add(CENTURY)).unwrap_or(now)
}
