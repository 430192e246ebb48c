//! The in-process sandbox (feature `sandbox`): start it, point a `Client` at it, stop it.

use std::{collections::HashMap, sync::Mutex};

use contactnow::Error;
use contactnow_sandbox::{Config, Fault, FaultSpec, Seed};

use crate::ContactNowError;

/// A fault for the sandbox's next matching API request(s): answer a status (with `Retry-After`
/// seconds) or an API error unprocessed, delay (ms) then process, reset, or process and truncate.
#[uniffi::remote(Enum)]
#[uniffi(name = "SandboxFault")]
pub enum Fault {
    Status { status: u16, retry_after: Option<u64> },
    Delay { ms: u64 },
    Reset,
    Truncate,
    ApiError { error: String },
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
    /// The fault that answered it (`status 503`, `delay 200 ms`, ...), if any.
    pub fault: Option<String>,
    /// The `method` argument (`priority`, `tod_policy`); none for `token.php`.
    pub api_method: Option<String>,
    /// The `action` argument (`create`, `read`, `get`, ...).
    pub action: Option<String>,
    /// Every argument as the server read it (query and POST variables, POST winning).
    pub params: HashMap<String, String>,
}

/// The ContactNow emulator, in this process on a loopback port: point a `Client` at `url()`
/// with `token()` and `allowInsecureHttp`.
#[derive(uniffi::Object)]
pub struct Sandbox {
    inner: Mutex<Option<contactnow_sandbox::Sandbox>>,
    url: String,
    token: String,
}

impl Sandbox {
    /// Runs `f` on the sandbox unless it was stopped.
    fn with<T>(&self, f: impl FnOnce(&contactnow_sandbox::Sandbox) -> T) -> Option<T> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref().map(f)
    }
}

#[uniffi::export]
impl Sandbox {
    /// Starts a sandbox on a free loopback port, empty or with the demo data set (6 agents, 4 queues,
    /// 12 assignments, 4 policies), accepting `users` (default `demo` / `demo-password`).
    #[uniffi::constructor(default(demo = false, users = []))]
    pub fn start(demo: bool, users: Vec<SandboxUser>) -> Result<Self, ContactNowError> {
        let mut config = Config { seed: if demo { Seed::Demo } else { Seed::Empty }, ..Config::default() };
        if !users.is_empty() {
            config.users = users.into_iter().map(|u| (u.username, u.password)).collect();
        }
        let sandbox = contactnow_sandbox::Sandbox::start(config)
            .map_err(|e| ContactNowError::Transport { detail: format!("sandbox: {e}"), outcome_unknown: false })?;
        let (url, token) = (sandbox.base_url(), sandbox.token());
        Ok(Self { inner: Mutex::new(Some(sandbox)), url, token })
    }

    /// The base URL to give a `Client` (`http://127.0.0.1:<port>`).
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// A token the sandbox accepts.
    pub fn token(&self) -> String {
        self.token.clone()
    }

    /// Queues `fault` for the next `times` API requests matching `method` and `action` when
    /// given; `InvalidInput` for a spec the sandbox refuses or a stopped sandbox.
    #[uniffi::method(default(times = 1, method = None, action = None))]
    pub fn push_fault(
        &self,
        fault: Fault,
        times: u32,
        method: Option<String>,
        action: Option<String>,
    ) -> Result<(), ContactNowError> {
        let spec = FaultSpec { method, action, ..FaultSpec::new(fault).times(times) };
        match self.with(|s| s.try_push_fault(spec)) {
            Some(result) => result.map_err(|e| Error::invalid("fault", e.to_string()).into()),
            None => Err(Error::invalid("sandbox", "is stopped").into()),
        }
    }

    /// The number of API requests received since the start or the last reset.
    pub fn request_count(&self) -> u64 {
        self.with(|s| s.requests().len() as u64).unwrap_or(0)
    }

    /// The API requests received since the start or the last reset, oldest first.
    pub fn requests(&self) -> Vec<SandboxRequest> {
        let requests = self.with(contactnow_sandbox::Sandbox::requests).unwrap_or_default();
        let request = |r: contactnow_sandbox::RecordedRequest| SandboxRequest {
            seq: r.seq,
            method: r.method,
            path: r.path,
            query: r.query,
            body: r.body,
            fault: r.fault,
            api_method: r.api_method,
            action: r.action,
            params: r.params.into_iter().collect(),
        };
        requests.into_iter().map(request).collect()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.with(contactnow_sandbox::Sandbox::clear_requests);
    }

    /// Makes a token expired: calls with it answer "Expired token".
    pub fn expire_token(&self, token: String) {
        self.with(|s| s.expire_token(&token));
    }

    /// Makes a token unknown: calls with it answer "Invalid token".
    pub fn revoke_token(&self, token: String) {
        self.with(|s| s.revoke_token(&token));
    }

    /// Returns the data to the seed and clears faults and recorded requests.
    pub fn reset(&self) {
        self.with(contactnow_sandbox::Sandbox::reset);
    }

    /// Stops the server; later calls to it fail with a transport error. Idempotent.
    pub fn stop(&self) {
        let taken = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        if let Some(sandbox) = taken {
            sandbox.stop();
        }
    }
}
