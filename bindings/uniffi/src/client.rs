//! The `Client` object: the Rust blocking client, plus async variants run off the caller's thread.

use std::{
    fmt,
    sync::{Arc, OnceLock},
    time::Duration,
};

use crate::{
    generic::{GenericField, GenericResult},
    guard,
    sansio::{ApiCall, ApiOutput, Foreign, HttpSender},
    types::{
        to_core, Assignment, AssignmentListing, Format, NewTodPolicy, PolicyListing, TodPolicyUpdate, WriteResult,
    },
    ContactNowError,
};

/// How to build a [`Client`]: a token or an API user's credentials, and settings.
///
/// Its `toString()`/`description` never shows the token or the password.
#[derive(Clone, PartialEq, Eq, Default, uniffi::Record)]
#[uniffi::export(Display)]
pub struct ClientConfig {
    /// A fixed API token (or give `username` and `password`).
    #[uniffi(default = None)]
    pub token: Option<String>,
    /// The base URL; default the EU host `https://api-106.dxi.eu`.
    #[uniffi(default = None)]
    pub base_url: Option<String>,
    /// An API user's name: tokens are then fetched from `token.php`, cached and renewed.
    #[uniffi(default = None)]
    pub username: Option<String>,
    /// The API user's password.
    #[uniffi(default = None)]
    pub password: Option<String>,
    /// The body format; default JSON.
    #[uniffi(default = None)]
    pub format: Option<Format>,
    /// The timeout of one attempt, in milliseconds; default 30 000.
    #[uniffi(default = None)]
    pub timeout_ms: Option<u64>,
    /// Retries after a failed attempt of a call that is safe to repeat; default 2.
    #[uniffi(default = None)]
    pub retries: Option<u32>,
    /// Allow `http://` for a loopback host (a sandbox); default false.
    #[uniffi(default = false)]
    pub allow_insecure_http: bool,
}

impl fmt::Display for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |set: bool| if set { contactnow_core::REDACTED } else { "null" };
        write!(
            f,
            "ClientConfig(token={}, baseUrl={:?}, username={:?}, password={}, format={:?}, timeoutMs={:?}, \
             retries={:?}, allowInsecureHttp={})",
            hidden(self.token.is_some()),
            self.base_url,
            self.username,
            hidden(self.password.is_some()),
            self.format,
            self.timeout_ms,
            self.retries,
            self.allow_insecure_http,
        )
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A ContactNow client: thread-safe, with pooled connections,
/// timeouts, safe retries and token handling from the Rust `contactnow::Client`.
///
/// Each operation has a blocking form and an `*Async` form (Kotlin `suspend`, Swift
/// `async`) that runs the call on a background thread and never blocks the caller's thread.
#[derive(uniffi::Object)]
pub struct Client {
    inner: contactnow::Client,
    listeners: Arc<crate::events::Listeners>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

/// The pool that runs async calls: its blocking threads run the blocking client.
fn runtime() -> Result<&'static tokio::runtime::Runtime, ContactNowError> {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    if let Some(rt) = RUNTIME.get() {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(64)
        .thread_name("contactnow-uniffi")
        .build()
        .map_err(|e| ContactNowError::Internal { detail: format!("could not start the async thread pool: {e}") })?;
    Ok(RUNTIME.get_or_init(|| rt))
}

/// Runs a blocking call on the pool; the caller's thread is free while it runs.
pub(crate) async fn off_thread<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, ContactNowError> + Send + 'static,
) -> Result<T, ContactNowError> {
    match runtime()?.spawn_blocking(move || guard(call)).await {
        Ok(result) => result,
        Err(e) => Err(ContactNowError::Internal { detail: format!("the background call failed: {e}") }),
    }
}

#[uniffi::export]
impl Client {
    /// A client for `config`. Fails with `InvalidInput` for a bad base URL, a missing or
    /// ambiguous token source, or `http://` without `allowInsecureHttp` on a loopback host.
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Result<Self, ContactNowError> {
        build(config, None)
    }

    /// The same client, sending through the app's own HTTP stack: every rule of a call
    /// (retries, pauses, token fetch and refresh, outcome unknown) is still the client's.
    #[uniffi::constructor]
    pub fn with_sender(config: ClientConfig, sender: Arc<dyn HttpSender>) -> Result<Self, ContactNowError> {
        build(config, Some(sender))
    }

    /// Runs any call (including the token calls) through the client.
    pub fn execute(&self, call: ApiCall) -> Result<ApiOutput, ContactNowError> {
        guard(|| Ok(self.inner.execute(&contactnow_core::ApiCall::from(call))?.into()))
    }

    /// Any `database.php` method and action (`queues`, `agents`, ...): `filters` are query
    /// arguments, `records` (a write) the fields to send; writes are repeated only when
    /// `repeatable`. The records come back as the text the server sent.
    pub fn call(
        &self,
        method: String,
        action: String,
        filters: Vec<GenericField>,
        records: Vec<Vec<GenericField>>,
        repeatable: bool,
    ) -> Result<GenericResult, ContactNowError> {
        let call = crate::generic::call(method, action, filters, records, repeatable);
        guard(|| Ok(self.inner.execute(&call)?.into()))
    }

    /// [`Client::call`] without blocking the caller's thread.
    pub async fn call_async(
        &self,
        method: String,
        action: String,
        filters: Vec<GenericField>,
        records: Vec<Vec<GenericField>>,
        repeatable: bool,
    ) -> Result<GenericResult, ContactNowError> {
        let (inner, call) = (self.inner.clone(), crate::generic::call(method, action, filters, records, repeatable));
        off_thread(move || Ok(inner.execute(&call)?.into())).await
    }

    /// Assigns agents to queues in one request. Existing pairs are not added again.
    pub fn create_assignments(&self, records: Vec<Assignment>) -> Result<WriteResult, ContactNowError> {
        guard(|| Ok(self.inner.create_assignments(&to_core(records))?.into()))
    }

    /// Lists assignments, optionally of one agent and/or one queue.
    pub fn read_assignments(
        &self,
        agent_id: Option<u64>,
        queue_id: Option<u64>,
    ) -> Result<AssignmentListing, ContactNowError> {
        guard(|| Ok(self.inner.read_assignments(agent_id, queue_id)?.into()))
    }

    /// Changes the level of existing assignments in one request.
    pub fn update_assignments(&self, records: Vec<Assignment>) -> Result<WriteResult, ContactNowError> {
        guard(|| Ok(self.inner.update_assignments(&to_core(records))?.into()))
    }

    /// Creates TOD policies in one request; never repeated once it may have reached the
    /// server (a failure then has `outcomeUnknown` set).
    pub fn create_policies(&self, records: Vec<NewTodPolicy>) -> Result<WriteResult, ContactNowError> {
        guard(|| Ok(self.inner.create_policies(&to_core(records))?.into()))
    }

    /// Lists TOD policies, all or the one with `policy_id`.
    pub fn read_policies(&self, policy_id: Option<u64>) -> Result<PolicyListing, ContactNowError> {
        guard(|| Ok(self.inner.read_policies(policy_id)?.into()))
    }

    /// Changes existing TOD policies in one request.
    pub fn update_policies(&self, records: Vec<TodPolicyUpdate>) -> Result<WriteResult, ContactNowError> {
        guard(|| Ok(self.inner.update_policies(&to_core(records))?.into()))
    }

    /// [`Client::create_assignments`] without blocking the caller's thread.
    pub async fn create_assignments_async(&self, records: Vec<Assignment>) -> Result<WriteResult, ContactNowError> {
        let inner = self.inner.clone();
        off_thread(move || Ok(inner.create_assignments(&to_core(records))?.into())).await
    }

    /// [`Client::read_assignments`] without blocking the caller's thread.
    pub async fn read_assignments_async(
        &self,
        agent_id: Option<u64>,
        queue_id: Option<u64>,
    ) -> Result<AssignmentListing, ContactNowError> {
        let inner = self.inner.clone();
        off_thread(move || Ok(inner.read_assignments(agent_id, queue_id)?.into())).await
    }

    /// [`Client::update_assignments`] without blocking the caller's thread.
    pub async fn update_assignments_async(&self, records: Vec<Assignment>) -> Result<WriteResult, ContactNowError> {
        let inner = self.inner.clone();
        off_thread(move || Ok(inner.update_assignments(&to_core(records))?.into())).await
    }

    /// [`Client::create_policies`] without blocking the caller's thread.
    pub async fn create_policies_async(&self, records: Vec<NewTodPolicy>) -> Result<WriteResult, ContactNowError> {
        let inner = self.inner.clone();
        off_thread(move || Ok(inner.create_policies(&to_core(records))?.into())).await
    }

    /// [`Client::read_policies`] without blocking the caller's thread.
    pub async fn read_policies_async(&self, policy_id: Option<u64>) -> Result<PolicyListing, ContactNowError> {
        let inner = self.inner.clone();
        off_thread(move || Ok(inner.read_policies(policy_id)?.into())).await
    }

    /// [`Client::update_policies`] without blocking the caller's thread.
    pub async fn update_policies_async(&self, records: Vec<TodPolicyUpdate>) -> Result<WriteResult, ContactNowError> {
        let inner = self.inner.clone();
        off_thread(move || Ok(inner.update_policies(&to_core(records))?.into())).await
    }

    /// Gets every call's events from now on (`null`/`nil`: none); see [`CallEvent`](crate::CallEvent).
    pub fn set_event_listener(&self, listener: Option<Arc<dyn crate::EventListener>>) {
        self.listeners.set(listener);
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> String {
        self.inner.endpoint().as_str().to_owned()
    }
}

/// Builds the Rust client for `config`, sending through `sender` when given.
fn build(config: ClientConfig, sender: Option<Arc<dyn HttpSender>>) -> Result<Client, ContactNowError> {
    guard(|| {
        let listeners = Arc::new(crate::events::Listeners::default());
        let mut builder = contactnow::Client::builder().observer(listeners.clone());
        if let Some(url) = &config.base_url {
            builder = builder.base_url(url);
        }
        if let Some(token) = config.token.clone() {
            if config.username.is_some() || config.password.is_some() {
                return Err(contactnow::Error::invalid(
                    "token",
                    "give either token, or username and password, not both",
                )
                .into());
            }
            builder = builder.token(token);
        }
        match (config.username.clone(), config.password.clone()) {
            (Some(user), Some(password)) => builder = builder.credentials(user, password),
            (None, None) => {}
            (Some(_), None) => {
                return Err(contactnow::Error::invalid("password", "username given without password").into())
            }
            (None, Some(_)) => {
                return Err(contactnow::Error::invalid("username", "password given without username").into())
            }
        }
        if let Some(format) = config.format {
            builder = builder.format(format.into());
        }
        if let Some(ms) = config.timeout_ms {
            if ms == 0 {
                return Err(contactnow::Error::invalid("timeout_ms", "must be positive").into());
            }
            builder = builder.timeout(Duration::from_millis(ms));
        }
        if let Some(retries) = config.retries {
            builder = builder.retries(retries);
        }
        builder = builder.allow_insecure_http(config.allow_insecure_http);
        let secrets: Vec<String> = [config.token.clone(), config.password.clone()].into_iter().flatten().collect();
        if let Some(sender) = sender {
            builder = builder.sender(Arc::new(Foreign(sender)));
        }
        builder.build().map(|inner| Client { inner, listeners }).map_err(|e| scrub_all(e.into(), &secrets))
    })
}

/// Scrubs each secret from the error's texts.
fn scrub_all(err: ContactNowError, secrets: &[String]) -> ContactNowError {
    secrets.iter().fold(err, |err, secret| err.scrubbed(secret))
}
