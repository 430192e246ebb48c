//! A faithful, stateful emulator of the 8x8 ContactNow (DXI) `database.php` and `token.php`
//! API, for tests and demos.
//!
//! **In scope:** `database.php` with `method=priority|tod_policy`, `action=create|read|update`,
//! `format=json|xml`; parameters from the query string and from urlencoded or multipart POST
//! bodies, as PHP reads them; `token.php` get and validate; tokens bound to the issuing IP with a
//! lifetime; in-memory state, optionally persisted atomically to a JSON file; a demo seed;
//! fault injection and test controls under `/_sandbox/` (see the crate README).
//!
//! **Out of scope:** TLS, every other DXI method, performance beyond loopback testing.
//!
//! The server runs on its own tokio runtime on a background thread, so callers need no async
//! code:
//!
//! ```
//! use contactnow_sandbox::{Config, Sandbox};
//!
//! let sandbox = Sandbox::start(Config::default())?;
//! assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
//! assert_eq!(sandbox.token(), "sandbox-token");
//! sandbox.stop();
//! # Ok::<(), contactnow_sandbox::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod auth;
mod fault;
mod kit;
mod params;
mod payload;
mod reply;
mod server;
mod store;

use std::{
    net::{SocketAddr, TcpListener},
    path::PathBuf,
    sync::Arc,
    thread::JoinHandle,
    time::Duration,
};

pub use fault::{Fault, FaultSpec};
pub use kit::Kit;
pub use server::RecordedRequest;

/// The timeout per attempt of a kit's clients unless one is given, in every language (Python
/// `Sandbox.client`, `CLIENT_TIMEOUT`; Node `sandbox.client`, `Sandbox.CLIENT_TIMEOUT_MS`;
/// Kotlin and Swift `Sandbox.client`): a test that hangs fails in seconds. A kit's client also
/// takes the kit's URL, and its token unless a token or a username is given.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(5);

/// The data set the sandbox starts from (and returns to on reset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Seed {
    /// No assignments, no policies.
    #[default]
    Empty,
    /// A small realistic data set: 6 agents, 4 queues, 12 assignments, 4 policies.
    Demo,
}

impl std::str::FromStr for Seed {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "empty" => Ok(Seed::Empty),
            "demo" => Ok(Seed::Demo),
            other => Err(format!("unknown seed {other:?}; expected demo or empty")),
        }
    }
}

/// How to start a sandbox.
///
/// Its `Debug` output shows the user names and how many static tokens there are, never a
/// password or a token.
#[derive(Clone)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port. Default `127.0.0.1:0`.
    pub listen: SocketAddr,
    /// Static tokens, valid from any IP until expired or revoked. Default `["sandbox-token"]`.
    pub tokens: Vec<String>,
    /// `token.php` users as (username, password). Default `[("demo", "demo-password")]`.
    pub users: Vec<(String, String)>,
    /// Lifetime of tokens issued by `token.php`. Default 11 h 59 s (43,199 s), as documented.
    pub token_lifetime: Duration,
    /// Persist state to this JSON file after each successful write; reload it at start.
    pub state_file: Option<PathBuf>,
    /// The data to start from when there is no state file yet, and to reset to.
    pub seed: Seed,
    /// The account id reported in write responses. Default 10278 (the documents' value).
    pub account_id: u64,
    /// Largest request body accepted, in bytes. Default 1 MiB.
    pub max_body_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            tokens: vec!["sandbox-token".to_owned()],
            users: vec![("demo".to_owned(), "demo-password".to_owned())],
            token_lifetime: Duration::from_secs(43_199),
            state_file: None,
            seed: Seed::Empty,
            account_id: 10278,
            max_body_bytes: 1 << 20,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let user_names: Vec<&str> = self.users.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("tokens", &format_args!("<{} redacted>", self.tokens.len()))
            .field("users", &format_args!("{user_names:?} (passwords redacted)"))
            .field("token_lifetime", &self.token_lifetime)
            .field("state_file", &self.state_file)
            .field("seed", &self.seed)
            .field("account_id", &self.account_id)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}

/// Why the sandbox could not start, or why [`Sandbox::try_push_fault`] refused a fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The state file exists but cannot be read or parsed; it is left untouched.
    #[error("state file {path} is corrupt or unreadable, refusing to start (it was not modified): {reason}")]
    CorruptState {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The state file could not be written.
    #[error("cannot write state file {path}: {source}")]
    StateWrite {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The configuration is unusable.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A fault spec was refused (`times` 0, a status outside 100..=599, a delay over
    /// 600,000 ms); the text is the one `POST /_sandbox/faults` answers.
    #[error("{0}")]
    InvalidFault(String),
    /// The runtime or server thread could not be started.
    #[error("cannot start the server runtime: {0}")]
    Runtime(std::io::Error),
}

/// A running sandbox server. Dropping it stops the server.
pub struct Sandbox {
    base_url: String,
    shared: Arc<server::Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("base_url", &self.base_url).finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Binds the listen address, loads or seeds the state and starts serving.
    pub fn start(config: Config) -> Result<Sandbox, Error> {
        if config.tokens.iter().any(|t| t.is_empty()) {
            return Err(Error::Config("static tokens must not be empty".into()));
        }
        if config.account_id == 0 {
            return Err(Error::Config("account id must be positive".into()));
        }
        let store = store::Store::open(config.seed, config.state_file.clone())?;
        let listener =
            TcpListener::bind(config.listen).map_err(|source| Error::Bind { addr: config.listen, source })?;
        let addr = listener.local_addr().map_err(|source| Error::Bind { addr: config.listen, source })?;
        listener.set_nonblocking(true).map_err(|source| Error::Bind { addr, source })?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("contactnow-sandbox")
            .enable_all()
            .build()
            .map_err(Error::Runtime)?;
        let shared = Arc::new(server::Shared::new(config, store));
        let (tx, rx) = tokio::sync::oneshot::channel();
        let for_thread = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("contactnow-sandbox-main".into())
            .spawn(move || {
                runtime.block_on(server::serve(listener, for_thread, rx));
                runtime.shutdown_timeout(Duration::from_secs(5));
            })
            .map_err(Error::Runtime)?;
        let host = if addr.ip().is_unspecified() {
            if addr.is_ipv4() {
                "127.0.0.1".to_owned()
            } else {
                "[::1]".to_owned()
            }
        } else if addr.is_ipv6() {
            format!("[{}]", addr.ip())
        } else {
            addr.ip().to_string()
        };
        Ok(Sandbox {
            base_url: format!("http://{host}:{}", addr.port()),
            shared,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The first static token (empty if none was configured).
    pub fn token(&self) -> String {
        self.shared.first_token()
    }

    /// Queues a fault for the next matching API request(s); the same as `POST /_sandbox/faults`.
    ///
    /// # Panics
    ///
    /// If the spec is invalid, as `POST /_sandbox/faults` would refuse it: `times` 0, a
    /// `status` outside 100..=599, or a `delay` over 600,000 ms. Nothing is queued then. Use
    /// [`Sandbox::try_push_fault`] to get an error instead.
    pub fn push_fault(&self, fault: impl Into<FaultSpec>) {
        if let Err(e) = self.try_push_fault(fault) {
            panic!("Sandbox::push_fault: {e}");
        }
    }

    /// Queues a fault for the next matching API request(s), like [`Sandbox::push_fault`], or
    /// returns [`Error::InvalidFault`] (and queues nothing) if the spec is invalid, with the
    /// message `POST /_sandbox/faults` answers, e.g. `invalid fault spec: times must be at least 1`.
    pub fn try_push_fault(&self, fault: impl Into<FaultSpec>) -> Result<(), Error> {
        self.shared.faults_push(vec![fault.into()]).map(drop).map_err(Error::InvalidFault)
    }

    /// The API requests received so far, oldest first, with tokens and passwords redacted.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.shared.clear_requests();
    }

    /// Makes a token expired: calls with it answer "Expired token".
    pub fn expire_token(&self, token: &str) {
        self.shared.auth_expire(token);
    }

    /// The tokens `token.php` has issued (to check that none leaks into a log).
    pub fn issued_tokens(&self) -> Vec<String> {
        self.shared.auth_issued()
    }

    /// Makes a token unknown: calls with it answer "Invalid token".
    pub fn revoke_token(&self, token: &str) {
        self.shared.auth_revoke(token);
    }

    /// Returns the data to the seed, clears queued faults and recorded requests and makes
    /// the static tokens valid again.
    pub fn reset(&self) {
        // A failed save is reported by the HTTP control; here the in-memory reset still holds.
        let _ = self.shared.reset();
    }

    /// Stops the server and waits for it to finish.
    pub fn stop(mut self) {
        self.shutdown_now();
    }

    fn shutdown_now(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shutdown_now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_debug_redacts_passwords_and_tokens() {
        let config = Config {
            tokens: vec!["static-tok-3f9a".into(), "static-tok-77c1".into()],
            users: vec![("alice".into(), "pw-alice-secret".into()), ("bob".into(), "pw-bob-secret".into())],
            ..Config::default()
        };
        for shown in [format!("{config:?}"), format!("{config:#?}")] {
            for secret in ["static-tok-3f9a", "static-tok-77c1", "pw-alice-secret", "pw-bob-secret", "secret", "tok-"] {
                assert!(!shown.contains(secret), "{secret} in {shown}");
            }
            assert!(shown.contains("\"alice\"") && shown.contains("\"bob\""), "{shown}");
            assert!(shown.contains("<2 redacted>"), "{shown}");
            assert!(shown.contains("listen: 127.0.0.1:0"), "{shown}");
        }
        let default = format!("{:?}", Config::default());
        assert!(!default.contains("sandbox-token") && !default.contains("demo-password"), "{default}");
        assert!(default.contains("[\"demo\"]"), "{default}");
    }
}
