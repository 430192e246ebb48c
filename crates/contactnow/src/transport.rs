//! Sending one core `HttpRequest` with ureq and reading the answer with a size limit.
//!
//! The agent's connector is ureq's default chain (CONNECT proxy, TCP, rustls) with three
//! additions:
//! - every failure while opening a connection (TCP connect, proxy, TLS handshake) is
//!   marked: such a request was certainly not sent, which is what lets a non-repeatable
//!   write be tried again after a refused connection;
//! - below TLS, a write the peer refused (broken pipe, reset) does not end the request: the
//!   rest of the request is dropped and the answer the server may already have sent is
//!   read (a `413 Payload Too Large` sent before the body was read, then a close). Only
//!   when no answer comes does the write's error stand;
//! - on top, while [`send`] reads a body, reads stop at the attempt's deadline: a read near
//!   it waits at most until it, a read past it takes only what has already arrived.

use std::{
    cell::Cell,
    fmt,
    io::{self, Read},
    time::{Duration, Instant},
};

use contactnow_core::{HttpRequest, HttpResponse, Method};

use crate::driver::Attempt;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    time::Duration as UreqDuration, Buffers, ConnectProxyConnector, ConnectionDetails, Connector, NextTimeout,
    RustlsConnector, TcpConnector, Transport,
};

/// The settings the agent is made from.
pub(crate) struct AgentSettings {
    pub connect_timeout: Duration,
    pub attempt_timeout: Duration,
    pub user_agent: String,
    pub proxy: Option<ureq::Proxy>,
}

/// Builds the pooled agent: statuses are not errors, no redirects (the URL carries the
/// token, and must never be sent to another host), never-infinite timeouts.
///
/// The DNS lookup and the connection are bounded by the connect timeout; the response
/// headers must arrive within the attempt timeout, however slowly they trickle; every read
/// and write waits at most that long, and the body read stops at the attempt's deadline
/// (see [`send`], which also applies the call's total budget). These are constants, so
/// the socket options are not reset on every read of a pooled connection (ureq's
/// whole-call timeout would do that, at a measurable cost per round trip); only body reads
/// in an attempt's last second are shortened to end at its deadline ([`BodyDeadline`]).
pub(crate) fn agent(settings: AgentSettings) -> ureq::Agent {
    let mut config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .timeout_resolve(Some(settings.connect_timeout))
        .timeout_connect(Some(settings.connect_timeout))
        .timeout_per_read(Some(settings.attempt_timeout))
        .timeout_per_write(Some(settings.attempt_timeout))
        .timeout_recv_response(Some(settings.attempt_timeout))
        .user_agent(settings.user_agent)
        .save_redirect_history(false);
    if settings.proxy.is_some() {
        config = config.proxy(settings.proxy);
    }
    // ureq's DefaultConnector for the features enabled here, with `AnswerDespiteWrite`
    // between TCP and TLS.
    let chain =
        ().chain(NoSocks)
            .chain(ConnectProxyConnector::default())
            .chain(TcpConnector::default())
            .chain(AnswerDespiteWrite)
            .chain(RustlsConnector::default());
    ureq::Agent::with_parts(config.build(), MarkingConnector(chain), MarkingResolver(DefaultResolver::default()))
}

/// A connector that marks every error it returns as "failed before sending", and bounds
/// the reads of a body by the attempt's deadline ([`BodyDeadline`]).
#[derive(Debug)]
struct MarkingConnector<C>(C);

impl<C: Connector<()>> Connector<()> for MarkingConnector<C> {
    type Out = Box<dyn Transport>;

    fn connect(&self, details: &ConnectionDetails, chained: Option<()>) -> Result<Option<Self::Out>, ureq::Error> {
        match self.0.connect(details, chained) {
            Ok(transport) => Ok(transport.map(|t| Box::new(BodyDeadline(t)) as Box<dyn Transport>)),
            Err(e) => Err(ureq::Error::Other(Box::new(NotSent(e)))),
        }
    }
}

/// Refuses a SOCKS proxy set in code, which this build cannot use (ureq's default chain
/// would panic); one from the environment is ignored, as ureq does.
#[derive(Debug)]
struct NoSocks;

impl<In: Transport> Connector<In> for NoSocks {
    type Out = In;

    fn connect(&self, details: &ConnectionDetails, chained: Option<In>) -> Result<Option<In>, ureq::Error> {
        if chained.is_none() {
            if let Some(proxy) = details.config.proxy() {
                let socks = !matches!(proxy.protocol(), ureq::ProxyProtocol::Http | ureq::ProxyProtocol::Https);
                if socks && !proxy.is_from_env() {
                    return Err(ureq::Error::InvalidProxyUrl);
                }
            }
        }
        Ok(chained)
    }
}

/// Wraps each connection in [`AnswerTransport`].
#[derive(Debug)]
struct AnswerDespiteWrite;

impl<In: Transport> Connector<In> for AnswerDespiteWrite {
    type Out = AnswerTransport<In>;

    fn connect(&self, _: &ConnectionDetails, chained: Option<In>) -> Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(|inner| AnswerTransport { inner, refused: None, answered: false }))
    }
}

/// A connection on which a write the peer refused does not end the request.
///
/// A server may answer before it has read the whole request (`413 Payload Too Large`,
/// `401`) and close: its kernel then resets the connection, and the client's next write
/// fails although the answer is already on its way, or in the client's socket buffer.
/// ureq gives up at the failed write; here the failure is kept, the rest of the request is
/// dropped, and ureq goes on to read the answer. When none comes (the peer closed or reset
/// before a byte of it), the kept failure is returned instead, so a close without an answer
/// reads as it did. The connection is never reused after that.
#[derive(Debug)]
struct AnswerTransport<T> {
    inner: T,
    /// The refused write's error, until it is returned or an answer starts.
    refused: Option<ureq::Error>,
    /// Bytes came in after the refused write.
    answered: bool,
}

impl<T> AnswerTransport<T> {
    fn peer_gone(error: &ureq::Error) -> bool {
        matches!(error, ureq::Error::Io(e) if matches!(
            e.kind(),
            io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted
        ))
    }
}

impl<T: Transport> Transport for AnswerTransport<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        if self.refused.is_some() || self.answered {
            return Ok(());
        }
        match self.inner.transmit_output(amount, timeout) {
            Err(e) if Self::peer_gone(&e) => {
                self.refused = Some(e);
                Ok(())
            }
            other => other,
        }
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let result = self.inner.await_input(timeout);
        if self.answered {
            return result;
        }
        let Some(refused) = self.refused.take() else { return result };
        match result {
            Ok(true) => {
                self.answered = true;
                Ok(true)
            }
            Ok(false) | Err(_) => Err(refused),
        }
    }

    fn is_open(&mut self) -> bool {
        !self.answered && self.refused.is_none() && self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

thread_local! {
    /// The deadline of the body [`send`] is reading on this thread, if any. (ureq drives a
    /// request's transport on the calling thread.)
    static BODY_DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// How long a read past the deadline may wait for bytes already on their way.
const LATE_READ: Duration = Duration::from_millis(1);

/// How close to the deadline reads are shortened to end at it. (Earlier, the socket keeps
/// its constant timeout, which saves a system call per read.)
const LAST_STRETCH: Duration = Duration::from_secs(1);

/// Sets [`BODY_DEADLINE`] for as long as it lives.
struct ArmedDeadline;

impl ArmedDeadline {
    fn arm(deadline: Instant) -> Self {
        BODY_DEADLINE.with(|d| d.set(Some(deadline)));
        ArmedDeadline
    }
}

impl Drop for ArmedDeadline {
    fn drop(&mut self) {
        BODY_DEADLINE.with(|d| d.set(None));
    }
}

/// A connection whose reads, while a body is read under [`ArmedDeadline`], end at the
/// deadline: a read that would wait past it waits until it; past it, a read takes what has
/// already arrived (waiting [`LATE_READ`] at most), so a body complete by then is still
/// read whole, and one still arriving fails with a timeout.
#[derive(Debug)]
struct BodyDeadline<T>(T);

impl<T: Transport> Transport for BodyDeadline<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.0.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.0.transmit_output(amount, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let Some(deadline) = BODY_DEADLINE.with(Cell::get) else { return self.0.await_input(timeout) };
        let left = deadline.saturating_duration_since(Instant::now());
        let wait = if left.is_zero() { LATE_READ } else { left };
        let longer = match timeout.for_read().after {
            UreqDuration::Exact(after) => after > wait,
            UreqDuration::NotHappening => true,
        };
        if !longer || wait > LAST_STRETCH {
            return self.0.await_input(timeout);
        }
        let capped = NextTimeout {
            after: UreqDuration::Exact(wait),
            reason: ureq::Timeout::RecvBody,
            per_read: None,
            per_write: timeout.per_write,
        };
        self.0.await_input(capped)
    }

    fn is_open(&mut self) -> bool {
        self.0.is_open()
    }

    fn is_tls(&self) -> bool {
        self.0.is_tls()
    }
}

/// A resolver that marks every error it returns as "failed before sending".
///
/// ureq resolves before every request, pooled connection or not, and bounds a lookup by
/// running it on a new thread. An IP address needs no lookup, so it gets no thread.
#[derive(Debug)]
struct MarkingResolver(DefaultResolver);

impl Resolver for MarkingResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let literal = uri.host().is_some_and(|host| {
            let host = host.trim_start_matches('[').trim_end_matches(']');
            host.parse::<std::net::IpAddr>().is_ok()
        });
        let timeout = if literal { NextTimeout::default() } else { timeout };
        self.0.resolve(uri, config, timeout).map_err(|e| ureq::Error::Other(Box::new(NotSent(e))))
    }
}

/// A ureq error raised while resolving or connecting: the request was not sent.
#[derive(Debug)]
struct NotSent(ureq::Error);

impl fmt::Display for NotSent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for NotSent {}

/// Why one attempt failed below HTTP: the engine's report type (its text is cleaned of
/// secrets by the engine).
pub(crate) use contactnow_core::engine::Failure as SendFailure;

/// Sends `request` and reads the answer until `deadline`.
///
/// `whole` is set when the call's remaining budget is shorter than a normal attempt: the
/// request then gets ureq's whole-call timeout, which bounds the headers phase too.
pub(crate) fn send(
    agent: &ureq::Agent,
    request: &HttpRequest,
    deadline: Instant,
    whole: Option<Duration>,
    limit: u64,
) -> Attempt {
    let result = match request.method {
        Method::Get => {
            let mut builder = agent.get(&request.url);
            for (name, value) in &request.headers {
                builder = builder.header(name.as_str(), value.as_str());
            }
            match whole {
                Some(t) => builder.config().timeout_global(Some(t)).build().call(),
                None => builder.call(),
            }
        }
        Method::Post => {
            let mut builder = agent.post(&request.url);
            for (name, value) in &request.headers {
                builder = builder.header(name.as_str(), value.as_str());
            }
            match whole {
                Some(t) => builder.config().timeout_global(Some(t)).build().send(&request.body[..]),
                None => builder.send(&request.body[..]),
            }
        }
    };
    let mut response = match result {
        Ok(response) => response,
        Err(e) => return Attempt::Failed(failure(e, false)),
    };
    let status = response.status().as_u16();
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let content_type = header("content-type");
    let retry_after = header("retry-after");
    let mut reader = response.body_mut().with_config().limit(limit).reader();
    let mut body = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    // Past the deadline, reads take only what has already arrived; a body still streaming
    // in without pause is cut off this long after the deadline (or after its headers, when
    // they came later: a slow upload may end past the deadline).
    let late = deadline.max(Instant::now());
    let late = late.checked_add(LATE_GRACE).unwrap_or(late);
    let _armed = ArmedDeadline::arm(deadline);
    loop {
        match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                body.extend_from_slice(&chunk[..n]);
                if Instant::now() >= late {
                    return still_arriving();
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                return match ureq::Error::from(e) {
                    ureq::Error::BodyExceedsLimit(_) => Attempt::TooLarge { status, limit },
                    other if is_timeout(&other) && Instant::now() >= deadline => still_arriving(),
                    // Headers arrived, so the request reached the server.
                    other => Attempt::Failed(failure(other, true)),
                };
            }
        }
    }
    Attempt::Response { response: HttpResponse { status, content_type, body, retry_after } }
}

/// How long after the deadline a body that keeps arriving without pause is still read.
const LATE_GRACE: Duration = Duration::from_millis(100);

/// The failure of a body not complete at the deadline.
fn still_arriving() -> Attempt {
    Attempt::Failed(SendFailure {
        timeout: true,
        not_sent: false,
        message: "the response body was still arriving when the timeout expired".to_owned(),
    })
}

/// Whether a ureq error is a timeout.
fn is_timeout(error: &ureq::Error) -> bool {
    match error {
        ureq::Error::Timeout(_) => true,
        ureq::Error::Io(e) => e.kind() == io::ErrorKind::TimedOut,
        _ => false,
    }
}

/// Classifies a ureq error. `answered` is true once response headers were received.
fn failure(error: ureq::Error, answered: bool) -> SendFailure {
    let (error, connect_phase) = match error {
        ureq::Error::Other(boxed) => match boxed.downcast::<NotSent>() {
            Ok(not_sent) => (not_sent.0, true),
            Err(other) => (ureq::Error::Other(other), false),
        },
        other => (other, false),
    };
    let not_sent = !answered
        && (connect_phase
            || matches!(
                error,
                ureq::Error::HostNotFound
                    | ureq::Error::ConnectionFailed
                    | ureq::Error::BadUri(_)
                    | ureq::Error::InvalidProxyUrl
                    | ureq::Error::ConnectProxyFailed(_)
                    | ureq::Error::TlsRequired
                    | ureq::Error::RequireHttpsOnly(_)
                    | ureq::Error::Timeout(ureq::Timeout::Resolve | ureq::Timeout::Connect)
            )
            || matches!(&error, ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused));
    let timeout = is_timeout(&error);
    let message = match &error {
        ureq::Error::Timeout(which) => format!("{which} timeout expired"),
        ureq::Error::HostNotFound => "host not found (DNS lookup failed)".to_owned(),
        ureq::Error::Io(e) => format!("i/o error: {e}"),
        other => other.to_string(),
    };
    let phase = if connect_phase { "before sending: " } else { "" };
    SendFailure { timeout, not_sent, message: format!("{phase}{message}") }
}
