//! `ClientBuilder`: every setting of a client, with safe defaults.

use std::{fmt, sync::Arc, time::Duration};

use contactnow_core::{
    engine::{Auth, Config, Event, Observer, Session},
    Endpoint, Format, GetToken, Password, Region, Token,
};

use crate::{
    auth::TokenProvider,
    client::{Client, Inner},
    driver::Common,
    sender::Sender,
    transport::{self, AgentSettings},
    Error, RetryPolicy,
};

/// The default maximum response size: 64 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;
/// The default number of records per request in the `*_batched` helpers.
pub const DEFAULT_BATCH_SIZE: usize = 100;

/// The limit of one attempt unless set (`ClientBuilder::timeout`).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default `User-Agent`: `contactnow-rust/<version>`.
pub const USER_AGENT: &str = concat!("contactnow-rust/", env!("CARGO_PKG_VERSION"));

enum AuthSpec {
    Token(Token),
    Credentials(String, Password),
    Provider(TokenProvider),
}

/// Settings for a [`Client`] (or, with feature `async`, an `AsyncClient`). Invalid values are
/// reported by [`ClientBuilder::build`] (and `build_async`, which checks the same).
///
/// `Debug` never shows the token, the password or the proxy URL.
pub struct ClientBuilder {
    endpoint: Result<Endpoint, Error>,
    auth: Option<AuthSpec>,
    format: Format,
    connect_timeout: Duration,
    timeout: Duration,
    total_timeout: Option<Duration>,
    retry: RetryPolicy,
    max_response_bytes: u64,
    user_agent: String,
    proxy: Option<String>,
    allow_insecure_http: bool,
    batch_size: usize,
    sender: Option<Arc<dyn Sender>>,
    observer: Option<Arc<dyn Observer>>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match &self.auth {
            None => "none".to_owned(),
            Some(AuthSpec::Token(_)) => "Token(***)".to_owned(),
            Some(AuthSpec::Credentials(user, _)) => format!("Credentials {{ username: {user:?}, password: *** }}"),
            Some(AuthSpec::Provider(_)) => "TokenProvider".to_owned(),
        };
        f.debug_struct("ClientBuilder")
            .field("endpoint", &self.endpoint.as_ref().map(Endpoint::as_str))
            .field("auth", &format_args!("{auth}"))
            .field("format", &self.format)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("total_timeout", &self.total_timeout)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("user_agent", &self.user_agent)
            .field("proxy", &self.proxy.as_ref().map(|_| "***"))
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("batch_size", &self.batch_size)
            .field("sender", &self.sender.as_ref().map(|_| "custom"))
            .field("on_event", &self.observer.is_some())
            .finish()
    }
}

impl ClientBuilder {
    /// The defaults: EU endpoint, JSON, connect 10 s, 30 s per attempt, 120 s in all (or
    /// more when the attempts need it: see [`ClientBuilder::total_timeout`]),
    /// [`RetryPolicy::default`], 64 MiB responses, batches of 100, HTTPS required except
    /// for loopback hosts. A token source must still be set.
    pub fn new() -> Self {
        Self {
            endpoint: Ok(Endpoint::default()),
            auth: None,
            format: Format::Json,
            connect_timeout: Duration::from_secs(10),
            timeout: DEFAULT_TIMEOUT,
            total_timeout: None,
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            user_agent: USER_AGENT.to_owned(),
            proxy: None,
            allow_insecure_http: false,
            batch_size: DEFAULT_BATCH_SIZE,
            sender: None,
            observer: None,
        }
    }

    /// A builder from the environment: `CONTACTNOW_TOKEN`, or `CONTACTNOW_USERNAME` and
    /// `CONTACTNOW_PASSWORD`; `CONTACTNOW_BASE_URL` if set.
    pub fn from_env() -> Result<Self, Error> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let mut builder = Self::new();
        if let Some(url) = var("CONTACTNOW_BASE_URL") {
            builder = builder.base_url(url.trim());
        }
        if let Some(token) = var("CONTACTNOW_TOKEN") {
            return Ok(builder.token(token.trim()));
        }
        match (var("CONTACTNOW_USERNAME"), var("CONTACTNOW_PASSWORD")) {
            (Some(user), Some(password)) => Ok(builder.credentials(user.trim(), password)),
            _ => Err(Error::invalid(
                "CONTACTNOW_TOKEN",
                "not set: set CONTACTNOW_TOKEN, or CONTACTNOW_USERNAME and CONTACTNOW_PASSWORD",
            )),
        }
    }

    /// The base URL under which `database.php` and `token.php` live.
    pub fn base_url(mut self, url: &str) -> Self {
        self.endpoint = Endpoint::new(url);
        self
    }

    /// The base URL of a documented region.
    pub fn region(mut self, region: Region) -> Self {
        self.endpoint = Ok(Endpoint::region(region));
        self
    }

    /// An already parsed endpoint.
    pub fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = Ok(endpoint);
        self
    }

    /// A fixed token (never refreshed).
    pub fn token(mut self, token: impl Into<Token>) -> Self {
        self.auth = Some(AuthSpec::Token(token.into()));
        self
    }

    /// An API user's name and password: the client gets tokens from `token.php`, caches
    /// each until shortly before it expires (60 s, or half its lifetime if shorter), and
    /// gets a new one when the server rejects it.
    pub fn credentials(mut self, username: impl Into<String>, password: impl Into<Password>) -> Self {
        self.auth = Some(AuthSpec::Credentials(username.into(), password.into()));
        self
    }

    /// A callback that supplies tokens; called once, then again when the server rejects
    /// the token it gave.
    pub fn token_provider(mut self, provider: TokenProvider) -> Self {
        self.auth = Some(AuthSpec::Provider(provider));
        self
    }

    /// JSON (default) or XML bodies.
    pub fn format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// The limit for opening a connection (TCP and TLS).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The limit for one attempt: no socket read or write waits longer, and reading the
    /// body stops once the attempt has lasted this long. Near the end of the total timeout
    /// the remaining budget bounds the whole attempt, headers included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The limit for one call, all attempts and pauses included. Unset, it is 120 s, or
    /// the time every attempt and pause may take when that is longer (each attempt's
    /// lookup, connection and attempt timeout, for every attempt and a token fetch, plus the
    /// longest pause for every retry), so raising those never cuts calls short.
    /// `Duration::MAX` means no limit beyond the attempts' own.
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }

    /// The retry policy; [`RetryPolicy::none`] disables repetition.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Repeats a failed call that is safe to repeat up to `retries` times (`0`: never),
    /// with the default pauses: shorthand for [`RetryPolicy::with_retries`].
    pub fn retries(mut self, retries: u32) -> Self {
        self.retry = RetryPolicy::with_retries(retries);
        self
    }

    /// Responses with a larger body are refused with [`Error::Decode`].
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// An HTTP proxy (`http://host:port`, CONNECT for HTTPS). Without one, ureq honours the
    /// usual proxy environment variables.
    pub fn proxy(mut self, proxy: &str) -> Self {
        self.proxy = Some(proxy.to_owned());
        self
    }

    /// Allows `http://` to hosts other than loopback ones. Off by default: the token travels
    /// in the URL.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Records per request in the `*_batched` helpers (default 100).
    pub fn batch_size(mut self, size: usize) -> Self {
        self.batch_size = size;
        self
    }

    /// Sends through `sender` (your own HTTP stack) instead of the built-in ureq agent; the
    /// timeouts are then the sender's to apply (each send gets its limit), the response size
    /// limit is checked on what it returns, and proxy and user agent are its own. An
    /// `AsyncClient` uses it too, calling its blocking methods on the task: for senders that
    /// answer at once (scripted tests), not ones that wait on the network.
    pub fn sender(mut self, sender: Arc<dyn Sender>) -> Self {
        self.sender = Some(sender);
        self
    }

    /// Calls `listener` with every [`Event`] of every call (start, each attempt, each repeat
    /// and its reason, a token refresh, giving up, the end), on the thread that runs the
    /// call, in order. Events never hold a token, a password or record content. The same
    /// events go to `tracing` (target `contactnow`) whether or not this is set.
    pub fn on_event(self, listener: impl Fn(&Event) + Send + Sync + 'static) -> Self {
        self.observer(Arc::new(listener))
    }

    /// [`ClientBuilder::on_event`] with an [`Observer`], which can also say when it is
    /// not listening (then no event is made).
    pub fn observer(mut self, observer: Arc<dyn Observer>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Checks the settings and makes the client.
    pub fn build(self) -> Result<Client, Error> {
        let (common, transport) = self.parts()?;
        Ok(Client { inner: Arc::new(Inner { agent: transport::agent(transport), common }) })
    }

    /// Checks the settings, exactly as [`ClientBuilder::build`] does, and makes an
    /// [`AsyncClient`](crate::AsyncClient) (feature `async`). Needs no runtime; its calls
    /// run on tokio.
    #[cfg(feature = "async")]
    pub fn build_async(self) -> Result<crate::AsyncClient, Error> {
        let (common, transport) = self.parts()?;
        crate::async_client::AsyncClient::new(common, transport)
    }

    /// The validation of every setting and what both clients are made of: the session and
    /// limits, and the transport's settings (one function, so the two clients cannot differ).
    pub(crate) fn parts(self) -> Result<(Common, AgentSettings), Error> {
        let endpoint = self.endpoint?;
        endpoint.check_secure(self.allow_insecure_http)?;
        for (field, value) in [
            ("connect_timeout", self.connect_timeout),
            ("timeout", self.timeout),
            ("total_timeout", self.total_timeout.unwrap_or(Duration::MAX)),
        ] {
            if value.is_zero() {
                return Err(Error::invalid(field, "must be greater than zero (timeouts are never infinite)"));
            }
        }
        if self.retry.max_attempts == 0 {
            return Err(Error::invalid("retry.max_attempts", "must be at least 1"));
        }
        if self.max_response_bytes == 0 {
            return Err(Error::invalid("max_response_bytes", "must be greater than zero"));
        }
        if self.batch_size == 0 {
            return Err(Error::invalid("batch_size", "must be at least 1"));
        }
        if self.user_agent.chars().any(char::is_control) {
            return Err(Error::invalid("user_agent", "must not contain control characters"));
        }
        let proxy = match &self.proxy {
            None => None,
            Some(url) => Some(
                ureq::Proxy::new(url)
                    .map_err(|_| Error::invalid("proxy", "not a valid proxy URL (expected e.g. http://host:port)"))?,
            ),
        };
        let (auth, provider) = match self.auth {
            None => return Err(Error::invalid("token", "no token source: set token, credentials or token_provider")),
            Some(AuthSpec::Token(token)) => {
                if token.is_empty() {
                    return Err(Error::invalid("token", "must not be empty"));
                }
                (Auth::Token(token), None)
            }
            Some(AuthSpec::Credentials(username, password)) => {
                let request = GetToken::new(username, password);
                // Validates both fields now rather than on the first call.
                request.build_request(&endpoint)?;
                (Auth::Credentials(request), None)
            }
            Some(AuthSpec::Provider(provider)) => (Auth::Provider, Some(provider)),
        };
        let transport = AgentSettings {
            connect_timeout: self.connect_timeout.min(self.timeout),
            attempt_timeout: self.timeout,
            user_agent: self.user_agent,
            proxy,
        };
        let config = Config {
            endpoint,
            format: self.format,
            retry: self.retry,
            connect_timeout: self.connect_timeout,
            attempt_timeout: self.timeout,
            total_timeout: self
                .total_timeout
                .unwrap_or_else(|| default_total(self.connect_timeout.min(self.timeout), self.timeout, &self.retry)),
        };
        let common = Common {
            session: Arc::new(Session::new(config, auth).with_observer(crate::events::observer(self.observer))),
            provider,
            sender: self.sender,
            max_response_bytes: self.max_response_bytes,
            batch_size: self.batch_size,
        };
        Ok((common, transport))
    }
}

/// The total timeout when none is set: 120 s, or what every attempt (lookup and connection
/// included) and pause may take, plus a token fetch, when that is longer.
fn default_total(connect: Duration, attempt: Duration, retry: &RetryPolicy) -> Duration {
    let attempts = retry.max_attempts.max(1);
    let one = attempt.saturating_add(connect.saturating_mul(2));
    let needed =
        one.saturating_mul(attempts.saturating_add(1)).saturating_add(retry.max_backoff.saturating_mul(attempts - 1));
    needed.max(Duration::from_secs(120))
}
