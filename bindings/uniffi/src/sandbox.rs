//! The in-process sandbox (feature `sandbox`): `contactnow_sandbox::Kit`, the test kit every
//! language has, with the same options, calls and errors.

use std::{collections::HashMap, sync::Arc};

use contactnow_sandbox::{Config, Fault, FaultSpec, Kit, RecordedRequest, Seed, CLIENT_TIMEOUT};

use crate::{Client, ClientConfig, ContactNowError};

/// A fault for the sandbox's next matching API request(s): answer a status (with `Retry-After`
/// seconds) or an API error unprocessed, delay (ms) then process, reset, or process and truncate.
#[uniffi::remote(Enum)]
#[uniffi(name = "SandboxFault")]
pub enum Fault {
    Status {
        status: u16,
        retry_after: Option<u64>,
    },
    Delay {
        ms: u64,
    },
    Reset,
    Truncate,
    ApiError {
        #[uniffi(default = "Simulated failure")]
        error: String,
    },
}

/// The data a sandbox starts from and returns to on `reset()`: none, or the demo set (6
/// agents, 4 queues, 12 assignments, 4 policies).
#[uniffi::remote(Enum)]
#[uniffi(name = "SandboxSeed")]
pub enum Seed {
    Empty,
    Demo,
}

/// A `token.php` user the sandbox accepts (no `Debug`: it holds a password).
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct SandboxUser {
    /// The API user name.
    pub username: String,
    /// Its password.
    pub password: String,
}

/// An API request as the sandbox received it; tokens and passwords are `***`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SandboxRequest {
    /// Order of arrival, from 1.
    pub seq: u64,
    /// `GET` or `POST`.
    pub method: String,
    /// The path, e.g. `/database.php`.
    pub path: String,
    /// The query string as sent, secrets as `***`.
    pub query: String,
    /// The body as text (long ones cut), secrets of form bodies as `***`.
    pub body: String,
    /// The client's IP address.
    pub remote_ip: String,
    /// The fault that answered it (`status 503`, `delay 200 ms`, ...), if any.
    pub fault: Option<String>,
    /// The `method` argument (`priority`, `tod_policy`); none for `token.php`.
    pub api_method: Option<String>,
    /// The `action` argument (`create`, `read`, `get`, ...).
    pub action: Option<String>,
    /// Every argument as the server read it (query and POST variables, POST winning).
    pub params: HashMap<String, String>,
}

impl From<RecordedRequest> for SandboxRequest {
    fn from(r: RecordedRequest) -> Self {
        let RecordedRequest { seq, method, path, query, body, remote_ip, fault, api_method, action, params } = r;
        let params = params.into_iter().collect();
        Self { seq, method, path, query, body, remote_ip, fault, api_method, action, params }
    }
}

/// The ContactNow emulator, in this process on a loopback port: point a `Client` at `url()`
/// with `token()`. Once stopped, every call but `stop()` and `stopped()` throws
/// `InvalidInput` on `sandbox`.
#[derive(uniffi::Object)]
pub struct Sandbox(Kit);

#[uniffi::export]
impl Sandbox {
    /// Starts a sandbox on a free loopback port from `seed` (default empty), accepting
    /// `users` (default `demo` / `demo-password`) and the static `tokens` (valid from any
    /// address; `token()` is the first), its writes reporting `accountId` (default 10278).
    #[uniffi::constructor(default(seed = None, users = None, tokens = None, account_id = None))]
    pub fn start(
        seed: Option<Seed>,
        users: Option<Vec<SandboxUser>>,
        tokens: Option<Vec<String>>,
        account_id: Option<u64>,
    ) -> Result<Self, ContactNowError> {
        let mut config = Config { seed: seed.unwrap_or_default(), ..Config::default() };
        if let Some(users) = users {
            config.users = users.into_iter().map(|u| (u.username, u.password)).collect();
        }
        config.tokens = tokens.unwrap_or(config.tokens);
        config.account_id = account_id.unwrap_or(config.account_id);
        Kit::start(config).map(Self).map_err(ContactNowError::from)
    }

    /// The base URL to give a `Client` (`http://127.0.0.1:<port>`).
    pub fn url(&self) -> String {
        self.0.url().to_owned()
    }

    /// A token the sandbox accepts.
    pub fn token(&self) -> String {
        self.0.token().to_owned()
    }

    /// A `Client` for this sandbox: `config` (default none: the defaults) with the sandbox's
    /// URL, its `token()` unless `token` or `username` is given, and `timeoutMs` 5000 unless
    /// given (the kit's client in every language).
    #[uniffi::method(default(config = None))]
    pub fn client(&self, config: Option<ClientConfig>) -> Result<Arc<Client>, ContactNowError> {
        let mut config = config.unwrap_or_default();
        config.base_url = Some(self.0.client_url().map_err(ContactNowError::from)?.to_owned());
        if config.token.is_none() && config.username.is_none() {
            config.token = Some(self.token());
        }
        let timeout_ms = u64::try_from(CLIENT_TIMEOUT.as_millis()).unwrap_or(u64::MAX);
        config.timeout_ms = config.timeout_ms.or(Some(timeout_ms));
        Client::new(config).map(Arc::new)
    }

    /// Queues `fault` for the next `times` API requests matching `method` and `action` when
    /// given; `InvalidInput` for a spec the sandbox refuses.
    #[uniffi::method(default(times = 1, method = None, action = None))]
    pub fn push_fault(
        &self,
        fault: Fault,
        times: u32,
        method: Option<String>,
        action: Option<String>,
    ) -> Result<(), ContactNowError> {
        self.0.push(FaultSpec { method, action, ..FaultSpec::new(fault).times(times) }).map_err(ContactNowError::from)
    }

    /// The API requests received since the start or the last reset, oldest first.
    pub fn requests(&self) -> Result<Vec<SandboxRequest>, ContactNowError> {
        Ok(self.0.requests().map_err(ContactNowError::from)?.into_iter().map(SandboxRequest::from).collect())
    }

    /// The number of API requests received since the start or the last reset.
    pub fn request_count(&self) -> Result<u64, ContactNowError> {
        self.0.request_count().map_err(ContactNowError::from)
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) -> Result<(), ContactNowError> {
        self.0.clear_requests().map_err(ContactNowError::from)
    }

    /// Makes `token` (default: `token()`) expired: calls with it answer "Expired token".
    #[uniffi::method(default(token = None))]
    pub fn expire_token(&self, token: Option<String>) -> Result<(), ContactNowError> {
        self.0.expire_token(token.as_deref()).map_err(ContactNowError::from)
    }

    /// Makes `token` (default: `token()`) unknown: calls with it answer "Invalid token".
    #[uniffi::method(default(token = None))]
    pub fn revoke_token(&self, token: Option<String>) -> Result<(), ContactNowError> {
        self.0.revoke_token(token.as_deref()).map_err(ContactNowError::from)
    }

    /// Returns the data to the seed, clears faults and recorded requests, revalidates tokens.
    pub fn reset(&self) -> Result<(), ContactNowError> {
        self.0.reset().map_err(ContactNowError::from)
    }

    /// Stops the server and waits for it; later calls to it fail with a transport error. Idempotent.
    pub fn stop(&self) {
        self.0.stop();
    }

    /// Whether `stop()` was called.
    pub fn stopped(&self) -> bool {
        self.0.stopped()
    }
}
