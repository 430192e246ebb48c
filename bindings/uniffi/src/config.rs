//! `ClientConfig`: every client option, read into `contactnow::options::Options`, which checks
//! them and names them as every language does (camelCase, durations in ms: `connectTimeoutMs`).

use std::{fmt, time::Duration};

use contactnow::{
    options::{in_casing, Casing, Options, Retries},
    Error, Format,
};

/// The retry policy in full (or give `ClientConfig.retries`, a count, instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Record)]
pub struct RetryPolicy {
    /// Attempts in all, at least 1 (default 3).
    #[uniffi(default)]
    pub max_attempts: Option<u32>,
    /// The cap of the first pause in ms (default 200); later caps double.
    #[uniffi(default)]
    pub initial_backoff_ms: Option<u64>,
    /// The largest pause in ms, and the longest `Retry-After` honoured (default 5000).
    #[uniffi(default)]
    pub max_backoff_ms: Option<u64>,
}

/// How to build a `Client`: a token or an API user's credentials, and settings (unset: the
/// default every language has). Its `toString()`/`description` hides the token, password and proxy.
#[derive(Clone, PartialEq, Eq, Default, uniffi::Record)]
#[uniffi::export(Display)]
pub struct ClientConfig {
    /// A fixed API token (or give `username` and `password`).
    #[uniffi(default)]
    pub token: Option<String>,
    /// The base URL; default the EU host `https://api-106.dxi.eu`. Not with `region`.
    #[uniffi(default)]
    pub base_url: Option<String>,
    /// An API user's name: tokens are then fetched from `token.php`, cached and renewed.
    #[uniffi(default)]
    pub username: Option<String>,
    /// The API user's password.
    #[uniffi(default)]
    pub password: Option<String>,
    /// The body format; default JSON.
    #[uniffi(default)]
    pub format: Option<Format>,
    /// The timeout of one attempt, in milliseconds; default 30 000.
    #[uniffi(default)]
    pub timeout_ms: Option<u64>,
    /// Retries after a failed attempt of a call that is safe to repeat; default 2.
    #[uniffi(default)]
    pub retries: Option<u32>,
    /// Allow plain `http://` to a host that is not loopback (loopback always may); default false.
    #[uniffi(default)]
    pub allow_insecure_http: bool,
    /// A documented region instead of `baseUrl`: `eu` or `us`.
    #[uniffi(default)]
    pub region: Option<String>,
    /// The timeout of opening a connection, in milliseconds; default 10 000.
    #[uniffi(default)]
    pub connect_timeout_ms: Option<u64>,
    /// The timeout of a whole call with its retries, in ms; default 120 000 (or what the attempts need).
    #[uniffi(default)]
    pub total_timeout_ms: Option<u64>,
    /// The retry policy in full, instead of `retries`.
    #[uniffi(default)]
    pub retry_policy: Option<RetryPolicy>,
    /// Larger response bodies are refused; default 64 MiB.
    #[uniffi(default)]
    pub max_response_bytes: Option<u64>,
    /// An HTTP proxy, `http://host:port`.
    #[uniffi(default)]
    pub proxy: Option<String>,
    /// The `User-Agent` header.
    #[uniffi(default)]
    pub user_agent: Option<String>,
    /// Records per request of the Rust client's batched writes; default 100. Checked like every
    /// option, but the writes of this package send all their records in one request.
    #[uniffi(default)]
    pub batch_size: Option<u64>,
}

impl ClientConfig {
    /// The options, for `Options::builder` to check (`retries` and `retryPolicy` are one option).
    pub(crate) fn options(&self) -> Result<Options, Error> {
        let ms = |v: Option<u64>| v.map(Duration::from_millis);
        let policy = self.retry_policy.map(|p| Retries::Policy {
            max_attempts: p.max_attempts,
            initial_backoff: ms(p.initial_backoff_ms),
            max_backoff: ms(p.max_backoff_ms),
        });
        Ok(Options {
            token: self.token.clone(),
            username: self.username.clone(),
            password: self.password.clone(),
            base_url: self.base_url.clone(),
            region: self.region.clone(),
            format: self.format.map(|f| f.as_str().to_owned()),
            connect_timeout: ms(self.connect_timeout_ms),
            timeout: ms(self.timeout_ms),
            total_timeout: ms(self.total_timeout_ms),
            retries: Retries::either(self.retries, policy)?,
            max_response_bytes: self.max_response_bytes,
            proxy: self.proxy.clone(),
            user_agent: self.user_agent.clone(),
            batch_size: self.batch_size,
            allow_insecure_http: Some(self.allow_insecure_http),
        })
    }

    /// `err` naming its field as this config does: camelCase (`timeoutMs`), and the fields
    /// of `retryPolicy` under that name (`retryPolicy.maxAttempts`).
    pub(crate) fn named(&self, err: Error) -> Error {
        match in_casing(err, Casing::Camel) {
            Error::InvalidInput { field, reason } if self.retry_policy.is_some() && field.starts_with("retries.") => {
                Error::InvalidInput { field: field.replacen("retries.", "retryPolicy.", 1), reason }
            }
            other => other,
        }
    }
}

/// The options as `Options` shows them: the token, the password and the proxy as `***`.
impl fmt::Display for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.options() {
            Ok(options) => write!(f, "ClientConfig({options:?})"),
            Err(e) => write!(f, "ClientConfig({e})"),
        }
    }
}
