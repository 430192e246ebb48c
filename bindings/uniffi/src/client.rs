//! The `Client` object: the Rust `AsyncClient`, its calls awaited by Kotlin and Swift async
//! calls or waited for by blocking ones.

use std::{fmt, future::Future, sync::Arc};

use contactnow_core::{
    CreateAssignments, CreatePolicies, Operation, ReadAssignments, ReadPolicies, UpdateAssignments, UpdatePolicies,
};

use contactnow::options::{in_casing, Casing};

use crate::{
    config::ClientConfig,
    generic::{GenericField, GenericResult},
    guard,
    run::{self, Cancellation},
    sansio::{ApiCall, ApiOutput, Foreign, HttpSender},
    types::{to_core, Assignment, AssignmentListing, NewTodPolicy, PolicyListing, TodPolicyUpdate, WriteResult},
    ContactNowError,
};

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

/// A call of `op` through `client`, stopped when `cancellation` is cancelled, as a future that
/// owns what it uses, its answer and error in the bindings' types.
fn call<O, T>(
    client: &contactnow::AsyncClient,
    op: O,
    cancellation: Option<Arc<Cancellation>>,
) -> impl Future<Output = Result<T, ContactNowError>> + Send
where
    O: Operation + Send + Sync + 'static,
    T: From<O::Output>,
{
    let client = client.clone();
    async move { Ok(client.execute_until(&op, run::cancelled(cancellation)).await?.into()) }
}

impl Client {
    /// Runs `op`, waiting on the caller's thread.
    fn blocking<O, T>(&self, op: O) -> Result<T, ContactNowError>
    where
        O: Operation + Send + Sync + 'static,
        T: From<O::Output>,
    {
        guard(|| run::wait(call(&self.inner, op, None)))
    }

    /// Runs `op` without blocking the caller's thread: awaited on tokio, or, through an app's
    /// sender (which blocks), on a blocking thread of the runtime.
    async fn nonblocking<O, T>(&self, op: O, cancellation: Option<Arc<Cancellation>>) -> Result<T, ContactNowError>
    where
        O: Operation + Send + Sync + 'static,
        T: From<O::Output> + Send + 'static,
    {
        let call = call(&self.inner, op, cancellation);
        if self.foreign_sender {
            return match tokio::task::spawn_blocking(move || guard(|| run::wait(call))).await {
                Ok(result) => result,
                Err(e) => Err(ContactNowError::Internal { detail: format!("the call's thread failed: {e}") }),
            };
        }
        run::guarded(call).await
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
        let secrets: Vec<String> = [config.token.clone(), config.password.clone()].into_iter().flatten().collect();
        let foreign_sender = sender.is_some();
        let built = config.options().and_then(|options| {
            let mut builder = options.builder()?.observer(listeners.clone());
            if let Some(sender) = sender {
                builder = builder.sender(Arc::new(Foreign(sender)));
            }
            builder.build_async()
        });
        // Option errors name the option as Kotlin and Swift write it (`timeoutMs`).
        built
            .map(|inner| Client { inner, listeners, foreign_sender })
            .map_err(|e| scrub_all(in_casing(e, Casing::Camel).into(), &secrets))
    })
}

/// Scrubs each secret from the error's texts.
fn scrub_all(err: ContactNowError, secrets: &[String]) -> ContactNowError {
    secrets.iter().fold(err, |err, secret| err.scrubbed(secret))
}
