//! The `Client` object: the Rust `AsyncClient`, its calls awaited by Kotlin and Swift async
//! calls or waited for by blocking ones.

use std::{fmt, future::Future, sync::Arc, time::Duration};

use contactnow_core::{
    CreateAssignments, CreatePolicies, Operation, ReadAssignments, ReadPolicies, UpdateAssignments, UpdatePolicies,
};

use crate::{
    generic::{GenericField, GenericResult},
    guard,
    run::{self, Cancellation},
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

/// A ContactNow client: thread-safe, with pooled connections, timeouts, safe retries and
/// token handling from the Rust `contactnow::AsyncClient`.
///
/// Each operation has a blocking form, which waits on the caller's thread, and an `*Async`
/// form (Kotlin `suspend`, Swift `async`) that awaits the Rust future on tokio: it never
/// blocks the caller's thread and holds no thread while it waits, so any number can be in
/// flight at once. Both forms share one connection pool and one token cache. Cancelling a
/// Kotlin coroutine cancels its call (the Rust future is dropped: the request in flight or
/// the pause is abandoned, and its `call.end` event says `Cancelled`); in Swift, give the call
/// a [`Cancellation`] (see `Cancellation.withTask`). Through an app's `HttpSender`
/// ([`Client::with_sender`]), which blocks, an async call runs on a thread of its own instead,
/// to its end.
#[derive(uniffi::Object)]
pub struct Client {
    inner: contactnow::AsyncClient,
    listeners: Arc<crate::events::Listeners>,
    /// Whether an app's (blocking) `HttpSender` is the transport.
    foreign_sender: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

/// A call of `op` through `client` as a future that owns what it uses, its answer and error
/// in the bindings' types.
fn call<O, T>(client: &contactnow::AsyncClient, op: O) -> impl Future<Output = Result<T, ContactNowError>> + Send
where
    O: Operation + Send + Sync + 'static,
    T: From<O::Output>,
{
    let client = client.clone();
    async move { Ok(client.execute(&op).await?.into()) }
}

impl Client {
    /// Runs `op`, waiting on the caller's thread.
    fn blocking<O, T>(&self, op: O) -> Result<T, ContactNowError>
    where
        O: Operation + Send + Sync + 'static,
        T: From<O::Output>,
    {
        guard(|| run::wait(call(&self.inner, op)))
    }

    /// Runs `op` without blocking the caller's thread: awaited on tokio, or, through an app's
    /// sender (which blocks), on a blocking thread of the runtime.
    async fn nonblocking<O, T>(&self, op: O, cancellation: Option<Arc<Cancellation>>) -> Result<T, ContactNowError>
    where
        O: Operation + Send + Sync + 'static,
        T: From<O::Output> + Send + 'static,
    {
        let call = call(&self.inner, op);
        if self.foreign_sender {
            return match tokio::task::spawn_blocking(move || guard(|| run::wait(call))).await {
                Ok(result) => result,
                Err(e) => Err(ContactNowError::Internal { detail: format!("the call's thread failed: {e}") }),
            };
        }
        run::guarded(run::cancellable(call, cancellation)).await
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

    /// Gets every call's events from now on (`null`/`nil`: none); see [`CallEvent`](crate::CallEvent).
    pub fn set_event_listener(&self, listener: Option<Arc<dyn crate::EventListener>>) {
        self.listeners.set(listener);
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> String {
        self.inner.endpoint().as_str().to_owned()
    }
}

/// The calls, each as a blocking method and an async one (`*_async`) with the same arguments
/// plus an optional `cancellation`: both run the operation built by the expression after `=`.
macro_rules! calls {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident / $async_name:ident($($arg:ident: $ty:ty),*) -> $out:ty = $op:expr;
    )*) => {
        #[uniffi::export]
        impl Client {
            $(
                $(#[doc = $doc])*
                pub fn $name(&self, $($arg: $ty),*) -> Result<$out, ContactNowError> {
                    self.blocking($op)
                }
            )*
        }

        #[uniffi::export(async_runtime = "tokio")]
        impl Client {
            $(
                $(#[doc = $doc])*
                ///
                /// The async form: awaits the call without blocking the caller's thread. When its
                /// coroutine is cancelled, or `cancellation` is set off, the call stops at once
                /// (its `call.end` event says `Cancelled`, with `outcomeUnknown` when a TOD policy
                /// create was in flight); through `cancellation` it fails with `Cancelled`.
                #[uniffi::method(default(cancellation = None))]
                pub async fn $async_name(
                    &self,
                    $($arg: $ty,)*
                    cancellation: Option<Arc<Cancellation>>,
                ) -> Result<$out, ContactNowError> {
                    self.nonblocking($op, cancellation).await
                }
            )*
        }
    };
}

calls! {
    /// Runs any call (including the token calls) through the client.
    fn execute / execute_async(call: ApiCall) -> ApiOutput = contactnow_core::ApiCall::from(call);

    /// Any `database.php` method and action (`queues`, `agents`, ...): `filters` are query
    /// arguments, `records` (a write) the fields to send; writes are repeated only when
    /// `repeatable`. The records come back as the text the server sent.
    fn call / call_async(
        method: String,
        action: String,
        filters: Vec<GenericField>,
        records: Vec<Vec<GenericField>>,
        repeatable: bool
    ) -> GenericResult = crate::generic::call(method, action, filters, records, repeatable);

    /// Assigns agents to queues in one request. Existing pairs are not added again.
    fn create_assignments / create_assignments_async(records: Vec<Assignment>) -> WriteResult =
        CreateAssignments { records: to_core(records) };

    /// Lists assignments, optionally of one agent and/or one queue.
    fn read_assignments / read_assignments_async(agent_id: Option<u64>, queue_id: Option<u64>) -> AssignmentListing =
        ReadAssignments { agent_id, queue_id };

    /// Changes the level of existing assignments in one request.
    fn update_assignments / update_assignments_async(records: Vec<Assignment>) -> WriteResult =
        UpdateAssignments { records: to_core(records) };

    /// Creates TOD policies in one request; never repeated once it may have reached the
    /// server (a failure then has `outcomeUnknown` set).
    fn create_policies / create_policies_async(records: Vec<NewTodPolicy>) -> WriteResult =
        CreatePolicies { records: to_core(records) };

    /// Lists TOD policies, all or the one with `policy_id`.
    fn read_policies / read_policies_async(policy_id: Option<u64>) -> PolicyListing = ReadPolicies { policy_id };

    /// Changes existing TOD policies in one request.
    fn update_policies / update_policies_async(records: Vec<TodPolicyUpdate>) -> WriteResult =
        UpdatePolicies { records: to_core(records) };
}

/// Builds the Rust client for `config`, sending through `sender` when given. Only the
/// `AsyncClient` is built: blocking calls wait for its futures, so that both kinds of call
/// share its pool and token cache.
fn build(config: ClientConfig, sender: Option<Arc<dyn HttpSender>>) -> Result<Client, ContactNowError> {
    guard(|| {
        let listeners = Arc::new(crate::events::Listeners::default());
        let mut builder = contactnow::AsyncClient::builder().observer(listeners.clone());
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
        let foreign_sender = sender.is_some();
        if let Some(sender) = sender {
            builder = builder.sender(Arc::new(Foreign(sender)));
        }
        builder
            .build_async()
            .map(|inner| Client { inner, listeners, foreign_sender })
            .map_err(|e| scrub_all(e.into(), &secrets))
    })
}

/// Scrubs each secret from the error's texts.
fn scrub_all(err: ContactNowError, secrets: &[String]) -> ContactNowError {
    secrets.iter().fold(err, |err, secret| err.scrubbed(secret))
}
