//! The `async` feature's transport: one core `HttpRequest` sent on tokio with hyper-util's
//! pooled client, the answer read within a size limit.
//!
//! **Why hyper 1 + hyper-util's legacy client, not reqwest 0.13.** Both pool the same way:
//! reqwest's pool *is* hyper-util's legacy pool (keep-alive, idle connections reused per
//! host). Timeouts cost a few lines here (`tokio::time::timeout` around an attempt and
//! around opening a connection) where reqwest has them as settings. The difference is the
//! rest:
//! - dependencies: hyper, hyper-util, http-body-util and tokio are already in the workspace
//!   (the sandbox serves with them), and this adds tokio-rustls, tower-service and base64:
//!   40 crates in all. reqwest with `default-features = false, features =
//!   ["rustls-no-provider"]` is 82: `url` with `idna` and the ICU normalisation tables
//!   (a dozen crates, several proc macros), tower, tower-http, sync_wrapper, hyper-rustls,
//!   rustls-platform-verifier and rustls-native-certs, all for features this client turns
//!   off (redirects, URL parsing, platform roots);
//! - TLS: reqwest's `rustls` feature means aws-lc-rs (a C build, which the manylinux2014
//!   wheel cannot have); ring with the webpki roots takes `rustls-no-provider` plus a
//!   preconfigured rustls config, which still carries the platform verifier;
//! - proxy: reqwest picks `HTTP_PROXY` or `HTTPS_PROXY` by the target's scheme; ureq takes the
//!   first of `ALL_PROXY`, `HTTPS_PROXY`, `HTTP_PROXY` for every target. Here the proxy is
//!   ureq's own [`ureq::Proxy`] value (the builder's, or `ureq::Proxy::try_from_env` read when
//!   the client is built, as ureq does), so both clients parse, pick and skip (`NO_PROXY`)
//!   proxies identically, and the CONNECT request below is the one ureq writes;
//! - the "certainly not sent" mark needs to see the connect phase: with a connector of our
//!   own every failure of DNS, TCP, proxy tunnel or TLS handshake is ours to mark.
//!
//! What it does:
//! - statuses are answers, never errors; no redirects (hyper follows none; the URL carries
//!   the token); the builder's `User-Agent` on every request and on the proxy CONNECT;
//! - opening a connection (lookup, TCP, proxy CONNECT, TLS handshake) is bounded by the
//!   connect timeout and its failures are [`Failure::before_sending`]; a timeout anywhere is a
//!   [`Failure`] with `timeout` set;
//! - the whole attempt (connection, request, headers and body) is bounded by the step's
//!   timeout;
//! - the body is read frame by frame and the attempt stops as soon as it would pass the
//!   limit (a `Content-Length` over it stops it before reading): never more than the limit
//!   is kept;
//! - rustls with ring and the webpki roots, TLS 1.2 and 1.3, HTTP/1.1 only, as ureq has it;
//! - the pool keeps idle connections 15 s (ureq's default) and, unlike ureq's 3 per host,
//!   every one a burst of calls opened (hyper-util's default): the next burst reuses them.
//!
//! Dropping an attempt's future drops hyper's response future and body: hyper then closes
//! that connection (its task ends) rather than reuse it. A DNS lookup in progress is the
//! one thing that finishes on its own: hyper-util runs `getaddrinfo` on tokio's blocking
//! pool, which cannot interrupt it (IP literal hosts need no lookup).

use std::{
    error::Error as StdError,
    fmt,
    future::Future,
    io,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::Duration,
};

use base64::Engine as _;
use contactnow_core::{engine::Failure, HttpRequest, HttpResponse, Method};
use http_body_util::{BodyExt, Full};
use hyper::{
    body::Bytes,
    header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER, USER_AGENT},
    http::uri::Scheme,
    Request, Uri,
};
use hyper_util::{
    client::legacy::{
        connect::{Connected, Connection, HttpConnector},
        Client,
    },
    rt::{TokioExecutor, TokioIo},
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_rustls::{
    rustls::{self, pki_types::ServerName},
    TlsConnector,
};

use crate::{driver::Attempt, transport::AgentSettings, Error};

/// How long an idle pooled connection is kept: ureq's default, which the blocking client
/// has too (servers close idle keep-alive connections after 5 to 15 s).
const IDLE_TIMEOUT: Duration = Duration::from_secs(15);

/// The most a response body buffer is sized to ahead of reading, whatever `Content-Length`
/// says (a body grows as it arrives).
const PREALLOCATE: u64 = 256 * 1024;

/// The longest answer a CONNECT proxy may send before its blank line.
const MAX_PROXY_HEAD: usize = 16 * 1024;

/// The pooled client every call of an `AsyncClient` (and its clones) sends through.
pub(crate) struct Transport {
    client: Client<Connector, Full<Bytes>>,
    user_agent: HeaderValue,
}

impl Transport {
    /// A transport with the builder's (already validated) settings.
    pub fn new(settings: AgentSettings) -> Result<Self, Error> {
        let user_agent = HeaderValue::from_bytes(settings.user_agent.as_bytes())
            .map_err(|_| Error::invalid("user_agent", "must not contain control characters"))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(rustls::ALL_VERSIONS)
            .map_err(|e| Error::invalid("tls", e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let mut tcp = HttpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        let connector = Connector(Arc::new(Connect {
            tcp,
            tls: TlsConnector::from(Arc::new(tls)),
            proxy: settings.proxy.or_else(ureq::Proxy::try_from_env),
            user_agent: user_agent.clone(),
            timeout: settings.connect_timeout,
        }));
        let client = Client::builder(TokioExecutor::new()).pool_idle_timeout(IDLE_TIMEOUT).build(connector);
        Ok(Self { client, user_agent })
    }

    /// Sends `request` and reads the answer, all within `timeout`, keeping at most `limit`
    /// bytes of body. The future owns what it needs (it borrows neither `self` nor
    /// `request`), so the driver can report its result to the call that made the request.
    pub fn send(&self, request: &HttpRequest, timeout: Duration, limit: u64) -> impl Future<Output = Attempt> + Send {
        let request = self.request(request);
        let client = self.client.clone();
        async move {
            let request = match request {
                Ok(request) => request,
                Err(failure) => return Attempt::Failed(failure),
            };
            match tokio::time::timeout(timeout, exchange(&client, request, limit)).await {
                Ok(attempt) => attempt,
                Err(_) => Attempt::Failed(Failure::timeout(format!(
                    "timeout expired: the attempt did not end within {timeout:?}"
                ))),
            }
        }
    }

    /// The hyper request for `request`, with the client's `User-Agent`.
    fn request(&self, request: &HttpRequest) -> Result<Request<Full<Bytes>>, Failure> {
        let method = match request.method {
            Method::Get => hyper::Method::GET,
            Method::Post => hyper::Method::POST,
        };
        let mut builder =
            Request::builder().method(method).uri(request.url.as_str()).header(USER_AGENT, &self.user_agent);
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder
            .body(Full::new(Bytes::copy_from_slice(&request.body)))
            .map_err(|e| Failure::new(format!("before sending: invalid request: {e}")).before_sending())
    }
}

/// One request and its answer, read within `limit`.
async fn exchange(client: &Client<Connector, Full<Bytes>>, request: Request<Full<Bytes>>, limit: u64) -> Attempt {
    let response = match client.request(request).await {
        Ok(response) => response,
        Err(e) => return Attempt::Failed(failure(&e)),
    };
    let status = response.status().as_u16();
    let header = |name| response.headers().get(name).and_then(|v: &HeaderValue| v.to_str().ok()).map(str::to_owned);
    let content_type = header(CONTENT_TYPE);
    let retry_after = header(RETRY_AFTER);
    let declared = header(CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit) {
        return Attempt::TooLarge { status, limit };
    }
    let capacity = usize::try_from(declared.unwrap_or(0).min(PREALLOCATE)).unwrap_or(0);
    let mut body = Vec::with_capacity(capacity);
    let mut incoming = response.into_body();
    while let Some(frame) = incoming.frame().await {
        let frame = match frame {
            Ok(frame) => frame,
            // Headers came, so the request reached the server.
            Err(e) => return Attempt::Failed(Failure::new(format!("reading the response body: {}", chain(&e)))),
        };
        if let Some(data) = frame.data_ref() {
            if body.len() as u64 + data.len() as u64 > limit {
                return Attempt::TooLarge { status, limit };
            }
            body.extend_from_slice(data);
        }
    }
    Attempt::Response { response: HttpResponse { status, content_type, body, retry_after } }
}

/// Classifies a failure of the client's request future (no response headers came).
fn failure(error: &hyper_util::client::legacy::Error) -> Failure {
    let mut timeout = false;
    let mut source = error.source();
    while let Some(e) = source {
        if let Some(connect) = e.downcast_ref::<ConnectError>() {
            timeout |= connect.timeout;
        }
        timeout |= e.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::TimedOut);
        source = e.source();
    }
    let message = error.source().map_or_else(|| error.to_string(), chain);
    if error.is_connect() {
        // Every error of our connector: lookup, TCP, proxy or TLS, before any request byte.
        Failure { timeout, not_sent: true, message: format!("before sending: {message}") }
    } else {
        Failure { timeout, not_sent: false, message }
    }
}

/// An error and its sources, `a: b: c`, without repeats.
fn chain(error: &(dyn StdError + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let next = e.to_string();
        if !text.ends_with(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = e.source();
    }
    text
}

/// A connection being opened failed (the request was not sent).
#[derive(Debug)]
struct ConnectError {
    message: String,
    timeout: bool,
}

impl ConnectError {
    fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), timeout: false }
    }

    fn io(what: &str, error: &io::Error) -> Self {
        Self { message: format!("{what}: {error}"), timeout: error.kind() == io::ErrorKind::TimedOut }
    }
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for ConnectError {}

/// Any stream a connection runs on: TCP, TLS over TCP, TLS through a tunnel.
trait Io: AsyncRead + AsyncWrite + Send + Unpin {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

type BoxIo = Box<dyn Io>;

/// The connector: TCP (hyper-util's, with happy eyeballs), then a CONNECT tunnel when a
/// proxy applies, then TLS for `https`.
#[derive(Clone)]
struct Connector(Arc<Connect>);

struct Connect {
    tcp: HttpConnector,
    tls: TlsConnector,
    proxy: Option<ureq::Proxy>,
    user_agent: HeaderValue,
    timeout: Duration,
}

impl tower_service::Service<Uri> for Connector {
    type Response = Conn;
    type Error = ConnectError;
    type Future = Pin<Box<dyn Future<Output = Result<Conn, ConnectError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), ConnectError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, target: Uri) -> Self::Future {
        let connect = Arc::clone(&self.0);
        Box::pin(async move {
            let limit = connect.timeout;
            match tokio::time::timeout(limit, connect.open(&target)).await {
                Ok(opened) => opened.map(|io| Conn(TokioIo::new(io))),
                Err(_) => Err(ConnectError { message: format!("connect timeout of {limit:?} expired"), timeout: true }),
            }
        })
    }
}

impl Connect {
    /// A connection to `target`'s host, direct or through the proxy, with TLS for `https`.
    async fn open(&self, target: &Uri) -> Result<BoxIo, ConnectError> {
        let https = target.scheme() == Some(&Scheme::HTTPS);
        let host = target.host().ok_or_else(|| ConnectError::new("the URL has no host"))?;
        let port = target.port_u16().unwrap_or(if https { 443 } else { 80 });
        let stream = match self.proxy.as_ref().filter(|p| !p.is_no_proxy(target)) {
            Some(proxy) if matches!(proxy.protocol(), ureq::ProxyProtocol::Http | ureq::ProxyProtocol::Https) => {
                self.tunnel(proxy, host, port).await?
            }
            // A SOCKS proxy from the environment is ignored, as in the blocking client.
            Some(proxy) if proxy.is_from_env() => self.tcp(target.clone()).await?,
            Some(_) => return Err(ConnectError::new("a SOCKS proxy is not supported: use an http:// proxy")),
            None => self.tcp(target.clone()).await?,
        };
        if https {
            self.tls(stream, host).await
        } else {
            Ok(stream)
        }
    }

    /// A TCP connection to `uri`'s host and port.
    async fn tcp(&self, uri: Uri) -> Result<BoxIo, ConnectError> {
        let mut tcp = self.tcp.clone();
        match tower_service::Service::call(&mut tcp, uri).await {
            Ok(stream) => Ok(Box::new(stream.into_inner())),
            Err(e) => Err(ConnectError {
                timeout: chain_has_timeout(&e),
                message: chain(&e).replacen("tcp connect error", "connection failed", 1),
            }),
        }
    }

    /// TLS on `stream`, verifying the certificate of `host`.
    async fn tls(&self, stream: BoxIo, host: &str) -> Result<BoxIo, ConnectError> {
        let name = host.trim_start_matches('[').trim_end_matches(']').to_owned();
        let name = ServerName::try_from(name).map_err(|_| ConnectError::new("not a valid TLS server name"))?;
        match self.tls.connect(name, stream).await {
            Ok(tls) => Ok(Box::new(tls)),
            Err(e) => Err(ConnectError::io("TLS handshake failed", &e)),
        }
    }

    /// A tunnel to `host:port` through an HTTP(S) proxy: the CONNECT request ureq sends.
    async fn tunnel(&self, proxy: &ureq::Proxy, host: &str, port: u16) -> Result<BoxIo, ConnectError> {
        let mut stream = self.tcp(proxy.uri().clone()).await?;
        if proxy.protocol() == ureq::ProxyProtocol::Https {
            stream = self.tls(stream, proxy.host()).await?;
        }
        let mut head = format!("CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: ").into_bytes();
        head.extend_from_slice(self.user_agent.as_bytes());
        head.extend_from_slice(b"\r\nProxy-Connection: Keep-Alive\r\n");
        if proxy.username().is_some() || proxy.password().is_some() {
            let credentials =
                format!("{}:{}", proxy.username().unwrap_or_default(), proxy.password().unwrap_or_default());
            let encoded = base64::prelude::BASE64_STANDARD.encode(credentials);
            head.extend_from_slice(format!("Proxy-Authorization: Basic {encoded}\r\n").as_bytes());
        }
        head.extend_from_slice(b"\r\n");
        let sent = async {
            stream.write_all(&head).await?;
            stream.flush().await
        };
        sent.await.map_err(|e| ConnectError::io("writing to the proxy", &e))?;

        let mut answer = Vec::new();
        let mut buf = [0u8; 1024];
        let end = loop {
            let n = stream.read(&mut buf).await.map_err(|e| ConnectError::io("reading from the proxy", &e))?;
            if n == 0 {
                return Err(ConnectError::new("proxy server did not respond"));
            }
            answer.extend_from_slice(&buf[..n]);
            if let Some(at) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            if answer.len() > MAX_PROXY_HEAD {
                return Err(ConnectError::new("proxy server sent an overlong answer"));
            }
        };
        let line = String::from_utf8_lossy(answer.split(|b| *b == b'\r').next().unwrap_or_default()).into_owned();
        if line.split(' ').nth(1) != Some("200") {
            return Err(ConnectError::new(format!("proxy server responded {}", line.trim())));
        }
        // The target speaks only after the client does (the TLS hello, or the request).
        if end != answer.len() {
            return Err(ConnectError::new("proxy server sent data after its answer"));
        }
        Ok(stream)
    }
}

/// Whether a timeout is among an error's sources.
fn chain_has_timeout(error: &(dyn StdError + 'static)) -> bool {
    let mut source: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(e) = source {
        if e.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::TimedOut) {
            return true;
        }
        source = e.source();
    }
    false
}

/// An open connection, as hyper reads and writes it.
struct Conn(TokioIo<BoxIo>);

impl Connection for Conn {
    fn connected(&self) -> Connected {
        Connected::new()
    }
}

impl hyper::rt::Read for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Conn {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write_vectored(cx, bufs)
    }
}
