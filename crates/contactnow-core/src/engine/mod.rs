//! The call engine: one whole call as sans-IO steps.
//!
//! A [`Call`] owns every rule of a call that is not I/O: getting a token (from the session's
//! cache, from `token.php` with the session's credentials, or from the driver's callback),
//! which failures are repeated for which operations, the pause before each repeat (capped
//! exponential backoff with full jitter from a seeded generator, or the server's
//! `Retry-After`), the total budget, one token refresh when the server rejects the token, the
//! 4xx-envelope rule, `outcome_unknown`, and scrubbing secrets from every error. A driver
//! only does I/O: it asks [`Call::step`] what to do, does it, and reports back.
//!
//! ```
//! use std::{sync::Arc, time::{Duration, UNIX_EPOCH}};
//! use contactnow_core::{
//!     engine::{Auth, Call, Config, Now, Session, Step},
//!     HttpResponse, ReadAssignments, Token,
//! };
//!
//! let session = Arc::new(Session::new(Config::default(), Auth::Token(Token::new("T0KEN"))));
//! let mut call = Call::new(session, ReadAssignments { agent_id: Some(7), queue_id: None }, 42);
//! let now = Now { monotonic: Duration::ZERO, wall: UNIX_EPOCH + Duration::from_secs(1_800_000_000) };
//! let mut answers = vec![
//!     HttpResponse::new(200, Some("application/json"), r#"{"success":true,"total":0,"list":[]}"#),
//!     HttpResponse::new(503, None, "busy").with_retry_after("0"),
//! ];
//! let listing = loop {
//!     match call.step(now) {
//!         Step::Send(send) => {
//!             assert!(send.request.url.contains("agent=7"));
//!             call.received(answers.pop().unwrap());
//!         }
//!         Step::Sleep(pause) => assert_eq!(pause, Duration::ZERO),
//!         Step::NeedToken => unreachable!("a fixed token needs no callback"),
//!         Step::Done(result) => break result?,
//!     }
//! };
//! assert!(listing.records.is_empty());
//! # Ok::<(), contactnow_core::Error>(())
//! ```

mod auth;
mod config;
mod event;
mod retry;
mod rng;

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, MutexGuard,
    },
    time::{Duration, SystemTime},
};

pub use auth::{Auth, EXPIRY_MARGIN_SECS};
pub use config::{Config, NO_LIMIT};
pub use event::{CallEvent, Event, Level, Observer, Purpose, Value};
pub use retry::{parse_retry_after, retryable_status, RetryPolicy};

use self::{
    auth::{Lookup, TokenCache, LEASE_WAIT},
    rng::Rng,
};
use crate::{excerpt, redact_url, scrub_secrets, Error, Format, GetToken, HttpRequest, HttpResponse, Operation, Token};

/// What the driver reads off its clocks before each [`Call::step`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    /// A monotonic time (any origin, the same for the whole call): budgets and pauses.
    pub monotonic: Duration,
    /// The wall clock: token expiry and `Retry-After` dates.
    pub wall: SystemTime,
}

/// What a call shares with every other call of the same client: settings, how it
/// authenticates, the token cache, and who hears its events.
pub struct Session {
    /// The settings every call uses.
    pub config: Config,
    auth: Auth,
    cache: Mutex<TokenCache>,
    calls: AtomicU64,
    observer: Option<Arc<dyn Observer>>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("config", &self.config)
            .field("auth", &self.auth)
            .field("observer", &self.observer.is_some())
            .finish_non_exhaustive()
    }
}

impl Session {
    /// A session with `config`, authenticated by `auth`.
    pub fn new(config: Config, auth: Auth) -> Self {
        Self { config, auth, cache: Mutex::default(), calls: AtomicU64::new(0), observer: None }
    }

    /// The same session, reporting the [`Event`]s of its calls to `observer`.
    #[must_use]
    pub fn with_observer(mut self, observer: Arc<dyn Observer>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// How the session authenticates.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    fn cache(&self) -> MutexGuard<'_, TokenCache> {
        // The cache is plain data: a panic elsewhere while it was locked leaves it usable.
        self.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// What the driver must do next.
#[derive(Debug)]
pub enum Step<'a, T> {
    /// Send this request, waiting at most `timeout` for the whole answer, then report it with
    /// [`Call::received`], [`Call::failed`] or [`Call::too_large`].
    Send(Send<'a>),
    /// Wait this long, then call [`Call::step`] again (the engine takes the pause as done).
    Sleep(Duration),
    /// Call the token callback and report with [`Call::provide_token`] (only for
    /// [`Auth::Provider`]).
    NeedToken,
    /// The call is over: its result (later steps answer an error).
    Done(Result<T, Error>),
}

/// One attempt to send.
#[derive(Debug)]
pub struct Send<'a> {
    /// The request, with the token in its URL: send it, never log it (its `Debug` redacts).
    pub request: &'a HttpRequest,
    /// The longest this attempt may take: the attempt timeout, or what is left of the total
    /// budget when that is shorter.
    pub timeout: Duration,
    /// True when `timeout` is the rest of the total budget (shorter than an attempt).
    pub budget_limited: bool,
    /// The attempt's number within its exchange, from 1.
    pub attempt: u32,
}

/// Why an attempt got no usable answer, as the driver saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// A timeout expired (rather than another transport failure).
    pub timeout: bool,
    /// The request certainly did not reach the server (DNS, connect, TLS handshake): even a
    /// write that is not safe to repeat may then be sent again.
    pub not_sent: bool,
    /// What happened, in the driver's words (the engine removes secrets).
    pub message: String,
}

impl Failure {
    /// A failure that may have happened after the request reached the server.
    pub fn new(message: impl Into<String>) -> Self {
        Self { timeout: false, not_sent: false, message: message.into() }
    }

    /// A timeout, possibly after the request reached the server.
    pub fn timeout(message: impl Into<String>) -> Self {
        Self { timeout: true, not_sent: false, message: message.into() }
    }

    /// The same failure, known to have happened before anything was sent.
    #[must_use]
    pub fn before_sending(mut self) -> Self {
        self.not_sent = true;
        self
    }
}

/// What an error a sender reports means to the engine: `Timeout` is a timeout, `Transport`
/// without `outcome_unknown` happened before sending, and anything else may have followed
/// sending (its wording is the message).
impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        match error {
            Error::Timeout { message, .. } => Self::timeout(message),
            Error::Transport { message, outcome_unknown: false } => Self::new(message).before_sending(),
            Error::Transport { message, .. } => Self::new(message),
            other => Self::new(other.to_string()),
        }
    }
}

/// What came back from one attempt.
#[derive(Debug)]
enum Outcome {
    Response(HttpResponse),
    Failed(Failure),
    TooLarge { status: u16, limit: u64 },
}

/// A request being sent, possibly several times.
#[derive(Debug)]
struct Exchange {
    purpose: Purpose,
    request: HttpRequest,
    repeatable: bool,
    attempt: u32,
}

#[derive(Debug)]
enum State {
    Start,
    /// Needs a token; `rejected` is the generation the server refused, if any.
    Token {
        rejected: Option<u64>,
    },
    /// Waits for the driver's token callback.
    Provider,
    /// Builds the operation's request with the token.
    Build,
    /// Sends the exchange's request (checking the budget first).
    Send(Exchange),
    /// Waits for the outcome of the attempt in flight.
    Sent(Exchange),
    /// Pauses until `until` before the next attempt.
    Pause(Exchange, Duration),
    Done,
}

/// One whole call of `O`, as steps (see the module documentation).
#[derive(Debug)]
pub struct Call<O: Operation> {
    session: Arc<Session>,
    op: O,
    id: u64,
    rng: Rng,
    state: State,
    deadline: Option<Duration>,
    token: Option<(Token, u64)>,
    /// The token the server rejected, if the call refreshed it (still a secret).
    stale: Option<Token>,
    refreshed: bool,
    leased: bool,
    /// Whether the input is known to be good (the request was built, or `Config::check`ed).
    checked: bool,
    outcome: Option<Outcome>,
    provided: Option<Result<Token, Error>>,
    /// When the call started, the attempt in flight was sent, and the last step was taken.
    started: Duration,
    sent_at: Duration,
    last: Duration,
    /// Attempts sent in all.
    attempts: u32,
}

impl<O: Operation> Call<O> {
    /// A call of `op` in `session`; `seed` drives the jitter of its pauses (pass a random
    /// one; tests pass a constant to get the same steps every time).
    pub fn new(session: Arc<Session>, op: O, seed: u64) -> Self {
        let id = session.calls.fetch_add(1, Ordering::Relaxed);
        Self {
            session,
            op,
            id,
            rng: Rng::new(seed),
            state: State::Start,
            deadline: None,
            token: None,
            stale: None,
            refreshed: false,
            leased: false,
            checked: false,
            outcome: None,
            provided: None,
            started: Duration::ZERO,
            sent_at: Duration::ZERO,
            last: Duration::ZERO,
            attempts: 0,
        }
    }

    /// The call's number in its session (the `call` of its [`Event`]s).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Tells the call the time without taking a step: a driver that cancels or drops it
    /// between steps tells it first, so that its end event's duration counts the time the
    /// request was in flight.
    pub fn tell_time(&mut self, now: Now) {
        self.last = self.last.max(now.monotonic);
    }

    /// Ends the call at the caller's request, and says so in its error: `outcome_unknown`
    /// when a write that is not safe to repeat was in flight (it may have been applied).
    /// A call dropped unfinished ends the same way (its end event says `Cancelled`).
    pub fn cancel(&mut self) -> Error {
        Error::Cancelled { outcome_unknown: self.abandon() }
    }

    /// Stops the call; whether a write not safe to repeat may have been applied.
    fn abandon(&mut self) -> bool {
        let in_flight = match &self.state {
            State::Sent(exchange) => {
                !exchange.repeatable && !matches!(&self.outcome, Some(Outcome::Failed(Failure { not_sent: true, .. })))
            }
            State::Done | State::Start => return false,
            _ => false,
        };
        self.state = State::Done;
        self.release();
        let (call, attempts, duration) = (self.id, self.attempts, self.last.saturating_sub(self.started));
        self.emit(|| Event::End { call, result: "Cancelled", outcome_unknown: in_flight, attempts, duration });
        in_flight
    }

    /// Reports an event to the session's observer, making it only when one listens.
    fn emit(&self, make: impl FnOnce() -> Event) {
        if let Some(observer) = self.session.observer.as_deref() {
            if observer.enabled() {
                observer.event(&make());
            }
        }
    }

    /// The operation this call runs.
    pub fn operation(&self) -> &O {
        &self.op
    }

    /// Reports the answer to the last [`Step::Send`], whatever its status.
    pub fn received(&mut self, response: HttpResponse) {
        self.outcome = Some(Outcome::Response(response));
    }

    /// Reports that the last [`Step::Send`] got no usable answer.
    pub fn failed(&mut self, failure: Failure) {
        self.outcome = Some(Outcome::Failed(failure));
    }

    /// Reports that the answer to the last [`Step::Send`] (with `status`) had a body larger
    /// than the driver's limit of `limit` bytes, and was not read further.
    pub fn too_large(&mut self, status: u16, limit: u64) {
        self.outcome = Some(Outcome::TooLarge { status, limit });
    }

    /// Reports what the token callback returned, after a [`Step::NeedToken`].
    pub fn provide_token(&mut self, token: Result<Token, Error>) {
        self.provided = Some(token);
    }

    /// What to do next, at `now`.
    pub fn step(&mut self, now: Now) -> Step<'_, O::Output> {
        self.last = now.monotonic;
        loop {
            match std::mem::replace(&mut self.state, State::Done) {
                State::Start => {
                    self.deadline = now.monotonic.checked_add(self.session.config.total_timeout);
                    self.started = now.monotonic;
                    let (call, format) = (self.id, self.session.config.format);
                    self.emit(|| Event::Start { call, operation: self.op.name(), format, records: self.op.records() });
                    self.state = if self.op.needs_token() { State::Token { rejected: None } } else { State::Build };
                }
                State::Token { rejected } => {
                    if let Err(e) = self.lookup(rejected, now) {
                        return self.finish(Err(e));
                    }
                    // No token at hand (a fetch, or a wait for another call's): bad input is
                    // refused before that, as before any request (`Config::check`), once.
                    if !self.checked && !matches!(self.state, State::Build) {
                        self.checked = true;
                        if let Err(e) = self.session.config.check(&self.op) {
                            return self.finish(Err(e));
                        }
                    }
                    if matches!(self.state, State::Token { .. }) {
                        // Another call is fetching the token: wait for it, within the budget.
                        match self.remaining(now) {
                            Some(left) if left.is_zero() => {
                                let e = self.timeout("expired while waiting for another call's token fetch");
                                return self.finish(Err(e));
                            }
                            left => return Step::Sleep(left.map_or(LEASE_WAIT, |l| l.min(LEASE_WAIT))),
                        }
                    }
                    if matches!(self.state, State::Provider) {
                        return Step::NeedToken;
                    }
                }
                State::Provider => match self.provided.take() {
                    None => {
                        self.state = State::Provider;
                        return Step::NeedToken;
                    }
                    Some(Ok(token)) if !token.is_empty() => {
                        self.store(token, None, now);
                        self.state = State::Build;
                    }
                    Some(Ok(_)) => {
                        self.release();
                        let e = Error::invalid("token", "the token provider returned an empty token");
                        return self.finish(Err(e));
                    }
                    Some(Err(e)) => {
                        self.release();
                        return self.finish(Err(e));
                    }
                },
                State::Build => {
                    let config = &self.session.config;
                    let token = self.token.as_ref().map_or_else(|| Token::new(""), |(t, _)| t.clone());
                    match self.op.build_request(&config.endpoint, &token, config.format) {
                        Ok(request) => {
                            self.checked = true;
                            let repeatable = self.op.is_idempotent();
                            self.state =
                                State::Send(Exchange { purpose: Purpose::Call, request, repeatable, attempt: 1 });
                        }
                        Err(e) => return self.finish(Err(e)),
                    }
                }
                State::Send(exchange) => {
                    let attempt_timeout = self.session.config.attempt_timeout;
                    let (timeout, budget_limited) = match self.remaining(now) {
                        Some(left) if left.is_zero() => {
                            let e = self.timeout(&format!("expired before attempt {}", exchange.attempt));
                            self.release();
                            return self.finish(Err(e));
                        }
                        Some(left) if left < attempt_timeout => (left, true),
                        _ => (attempt_timeout, false),
                    };
                    self.outcome = None;
                    self.sent_at = now.monotonic;
                    self.attempts += 1;
                    self.state = State::Sent(exchange);
                    let State::Sent(exchange) = &self.state else { unreachable!("just set") };
                    let attempt = exchange.attempt;
                    return Step::Send(Send { request: &exchange.request, timeout, budget_limited, attempt });
                }
                State::Sent(exchange) => match self.outcome.take() {
                    // The driver asked again without reporting: the attempt is still due.
                    None => self.state = State::Send(exchange),
                    Some(outcome) => {
                        self.emit(|| self.attempt_event(&exchange, &outcome, now));
                        if let Some(result) = self.after_attempt(exchange, outcome, now) {
                            return self.finish(result);
                        }
                    }
                },
                // The driver sleeps as told, then steps again: the next attempt is due then,
                // whatever its clock says (a test driver may only record the pause).
                State::Pause(exchange, until) => {
                    self.state = State::Send(exchange);
                    if now.monotonic < until {
                        return Step::Sleep(until - now.monotonic);
                    }
                }
                State::Done => {
                    return Step::Done(Err(Error::invalid("call", "already finished: make a new call")));
                }
            }
        }
    }

    /// Ends the call with `result`, its error cleaned of every secret.
    fn finish(&mut self, result: Result<O::Output, Error>) -> Step<'_, O::Output> {
        self.state = State::Done;
        self.release();
        let result = result.map_err(|e| e.scrubbed(&self.secrets()));
        let (call, attempts, duration) = (self.id, self.attempts, self.last.saturating_sub(self.started));
        self.emit(|| {
            let (result, outcome_unknown) = match &result {
                Ok(_) => ("ok", false),
                Err(e) => (e.kind().as_str(), e.outcome_unknown()),
            };
            Event::End { call, result, outcome_unknown, attempts, duration }
        });
        Step::Done(result)
    }

    /// `text` with every secret of the call hidden, for events.
    fn clean(&self, text: &str) -> String {
        scrub_secrets(text, &self.secrets())
    }

    /// The event of an attempt that just ended with `outcome`.
    fn attempt_event(&self, exchange: &Exchange, outcome: &Outcome, now: Now) -> Event {
        let (status, bytes, error) = match outcome {
            Outcome::Response(response) => (Some(response.status), Some(response.body.len() as u64), None),
            Outcome::TooLarge { status, limit } => {
                (Some(*status), None, Some(format!("body larger than the limit of {limit} bytes")))
            }
            Outcome::Failed(failure) => (None, None, Some(self.clean(&failure.message))),
        };
        Event::Attempt {
            call: self.id,
            attempt: exchange.attempt,
            purpose: exchange.purpose,
            method: exchange.request.method,
            url: self.clean(&redact_url(&exchange.request.url)),
            status,
            duration: now.monotonic.saturating_sub(self.sent_at),
            bytes,
            error,
        }
    }

    /// Reports that `exchange` will not be repeated after `what`, for `why`.
    fn give_up(&self, what: &str, why: &str) {
        let call = self.id;
        self.emit(|| Event::GiveUp { call, reason: format!("{what}: {why}") });
    }

    /// Decides whether to repeat `exchange` after `what` went wrong: sets the pause and
    /// returns true, or reports why not.
    fn repeat(&mut self, exchange: &Exchange, what: &str, retry_after: Option<Duration>, now: Now) -> Option<Duration> {
        let max_attempts = self.session.config.retry.max_attempts.max(1);
        if exchange.attempt >= max_attempts {
            self.give_up(what, &format!("{} of {max_attempts} attempts made", exchange.attempt));
            return None;
        }
        match self.pause_until(exchange.attempt, retry_after, now) {
            Ok(until) => {
                let (call, attempt, pause) = (self.id, exchange.attempt + 1, until.saturating_sub(now.monotonic));
                let reason = what.to_owned();
                self.emit(|| Event::Retry { call, attempt, pause, reason });
                Some(until)
            }
            Err(why) => {
                self.give_up(what, why);
                None
            }
        }
    }

    /// Every secret this call knows: the operation's own, the tokens it used, the password.
    fn secrets(&self) -> Vec<&str> {
        let mut secrets: Vec<&str> = self.op.secrets();
        secrets.extend(self.token.as_ref().map(|(t, _)| t.expose()));
        secrets.extend(self.stale.as_ref().map(Token::expose));
        if let Auth::Token(token) = &self.session.auth {
            secrets.push(token.expose());
        }
        secrets.extend(self.session.auth.password());
        secrets
    }

    /// The error's body excerpt made again from `body` with the call's secrets, scrubbed
    /// before it is cut or its controls replaced (the core made it knowing none). Only for
    /// `database.php` answers: a `token.php` excerpt already hides a granted token.
    fn excerpt_again(&self, error: Error, body: &[u8]) -> Error {
        if !self.op.needs_token() {
            return error;
        }
        match error {
            Error::Decode { format, reason, outcome_unknown, .. } => {
                Error::Decode { format, reason, excerpt: excerpt(body, &self.secrets()), outcome_unknown }
            }
            Error::HttpStatus { status, outcome_unknown, .. } => {
                Error::HttpStatus { status, excerpt: excerpt(body, &self.secrets()), outcome_unknown }
            }
            other => other,
        }
    }

    /// Finds a token for the call, or starts getting one; sets the next state.
    fn lookup(&mut self, rejected: Option<u64>, now: Now) -> Result<(), Error> {
        let session = Arc::clone(&self.session);
        let lookup = match &session.auth {
            Auth::Token(token) => Lookup::Use(token.clone(), 0),
            Auth::Credentials(_) | Auth::Provider => session.cache().lookup(self.id, rejected, now.wall),
        };
        self.state = match lookup {
            Lookup::Use(token, generation) => {
                self.token = Some((token, generation));
                State::Build
            }
            Lookup::Wait => State::Token { rejected },
            Lookup::Fetch => {
                self.leased = true;
                match &session.auth {
                    Auth::Credentials(get) => {
                        let request = get.build_request(&session.config.endpoint)?;
                        State::Send(Exchange { purpose: Purpose::Token, request, repeatable: true, attempt: 1 })
                    }
                    _ => State::Provider,
                }
            }
        };
        Ok(())
    }

    /// Stores a token this call got, and makes it the call's token.
    fn store(&mut self, token: Token, expire: Option<i64>, now: Now) {
        let generation = self.session.cache().store(token.clone(), expire, now.wall);
        self.leased = false;
        self.token = Some((token, generation));
    }

    /// Gives up this call's fetch lease, if it holds one.
    fn release(&mut self) {
        if std::mem::take(&mut self.leased) {
            self.session.cache().release(self.id);
        }
    }

    /// What is left of the total budget at `now` (`None`: no limit).
    fn remaining(&self, now: Now) -> Option<Duration> {
        self.deadline.map(|d| d.saturating_sub(now.monotonic))
    }

    /// A total-budget timeout.
    fn timeout(&self, when: &str) -> Error {
        let message = format!("total timeout of {} {when}", self.session.config.total_label());
        Error::Timeout { message, outcome_unknown: false }
    }

    /// Handles one attempt's outcome: sets the next state, or returns the call's result.
    fn after_attempt(&mut self, exchange: Exchange, outcome: Outcome, now: Now) -> Option<Result<O::Output, Error>> {
        let format = self.session.config.format;
        match outcome {
            Outcome::Response(response) => {
                if retryable_status(response.status) {
                    let what = format!("HTTP {}", response.status);
                    if !exchange.repeatable {
                        self.give_up(&what, "the request is not safe to repeat");
                    } else {
                        let retry_after = match response.status {
                            429 | 503 => response.retry_after.as_deref().and_then(|v| parse_retry_after(v, now.wall)),
                            _ => None,
                        };
                        if let Some(until) = self.repeat(&exchange, &what, retry_after, now) {
                            self.state = State::Pause(exchange.next(), until);
                            return None;
                        }
                    }
                }
                match exchange.purpose {
                    Purpose::Token => self.after_token(&response, now),
                    Purpose::Call => self.after_main(&exchange, response),
                }
            }
            Outcome::TooLarge { status, limit } => {
                let format = if exchange.purpose == Purpose::Token { Format::Json } else { format };
                Some(Err(Error::Decode {
                    // An unread 2xx, or a status that may follow an applied write.
                    outcome_unknown: !exchange.repeatable
                        && ((200..300).contains(&status) || crate::status_may_follow_apply(status)),
                    format,
                    reason: format!(
                        "response body (HTTP {status}) is larger than the limit of {limit} bytes \
                         (max_response_bytes); it was not read further"
                    ),
                    excerpt: String::new(),
                }))
            }
            Outcome::Failed(failure) => {
                let config = &self.session.config;
                let outcome_unknown = !exchange.repeatable && !failure.not_sent;
                let mut message = failure.message;
                if exchange.attempt > 1 {
                    message.push_str(&format!(" (after {} attempts)", exchange.attempt));
                }
                let error = if failure.timeout {
                    message.push_str(&format!(
                        " (connect timeout {:?}, per-attempt timeout {:?}, total timeout {})",
                        config.connect_timeout,
                        config.attempt_timeout,
                        config.total_label()
                    ));
                    Error::Timeout { message, outcome_unknown }
                } else {
                    Error::Transport { message, outcome_unknown }
                };
                let what = if failure.timeout { "timeout" } else { "transport failure" };
                if exchange.repeatable || failure.not_sent {
                    if let Some(until) = self.repeat(&exchange, what, None, now) {
                        self.state = State::Pause(exchange.next(), until);
                        return None;
                    }
                } else {
                    self.give_up(what, "the request may have been sent and is not safe to repeat");
                }
                Some(Err(error))
            }
        }
    }

    /// The end of the pause before the attempt after `attempt`, or `None` when there is to
    /// be no repeat: the server's `Retry-After` is longer than `max_backoff` (repeating
    /// sooner than it allowed would only be refused again), or the pause would not end
    /// before the total budget does.
    fn pause_until(&mut self, attempt: u32, retry_after: Option<Duration>, now: Now) -> Result<Duration, &'static str> {
        let pause = self
            .session
            .config
            .retry
            .backoff(attempt, retry_after, &mut self.rng)
            .ok_or("the server's Retry-After is longer than max_backoff")?;
        if self.remaining(now).is_some_and(|left| pause >= left) {
            return Err("the pause would not end before the total timeout");
        }
        now.monotonic.checked_add(pause).ok_or("the pause is too long")
    }

    /// The answer of `token.php`: store the token and build the call, or fail.
    fn after_token(&mut self, response: &HttpResponse, now: Now) -> Option<Result<O::Output, Error>> {
        let Auth::Credentials(get) = &self.session.auth else {
            return Some(Err(Error::invalid("auth", "a token answer without credentials")));
        };
        match GetToken::parse_response(get, response) {
            Ok(grant) => {
                self.store(grant.token, Some(grant.expire), now);
                self.state = State::Build;
                None
            }
            Err(e) => {
                self.release();
                Some(Err(e))
            }
        }
    }

    /// The answer to the operation's request: its result, or one refresh of the token.
    fn after_main(&mut self, exchange: &Exchange, response: HttpResponse) -> Option<Result<O::Output, Error>> {
        match self.op.parse_response(self.session.config.format, &response) {
            Ok(output) => Some(Ok(output)),
            // A rejected token means nothing was applied: repeating is safe for every op.
            Err(Error::Api(api))
                if !self.refreshed
                    && api.is_token_rejected()
                    && self.op.needs_token()
                    && self.session.auth.refreshable() =>
            {
                self.refreshed = true;
                let (call, reason) = (self.id, api.message.clone());
                self.emit(|| Event::Refresh { call, reason: self.clean(&reason) });
                self.state = State::Token { rejected: self.token.as_ref().map(|(_, g)| *g) };
                self.stale = self.token.take().map(|(t, _)| t);
                None
            }
            // A 5xx or an unreadable 2xx after a write that is not safe to repeat leaves its
            // outcome unknown (the core's own operations mark theirs; this covers any other).
            Err(e) if !exchange.repeatable => {
                Some(Err(self.excerpt_again(e, &response.body).after_unrepeatable_write(response.status)))
            }
            Err(e) => Some(Err(self.excerpt_again(e, &response.body))),
        }
    }
}

impl Exchange {
    /// The same request, as the next attempt.
    fn next(self) -> Self {
        Self { attempt: self.attempt + 1, ..self }
    }
}

impl<O: Operation> Drop for Call<O> {
    /// A call dropped while fetching a token (a cancelled future, say) frees the lease, so
    /// the next call fetches instead of waiting for it.
    fn drop(&mut self) {
        self.abandon();
    }
}

#[cfg(test)]
mod tests;
