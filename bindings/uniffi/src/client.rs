//! The `Client` object: the Rust `AsyncClient`, its calls awaited by Kotlin and Swift async
//! calls or waited for by blocking ones.

use std::{future::Future, sync::Arc};

use contactnow::{
    Assignment, ClientBuilder, CreateAssignments, CreatePolicies, Format, GenericResult, NewTodPolicy, Operation,
    ReadAssignments, ReadPolicies, TodPolicyUpdate, UpdateAssignments, UpdatePolicies, WriteResult,
};

use crate::{
    config::ClientConfig,
    events::{EventListener, Listeners},
    generic::{self, GenericField},
    guard,
    run::{self, Cancellation},
    sansio::Foreign,
    types::{AssignmentListing, PolicyListing},
    ApiCall, ApiOutput, ContactNowError, HttpSender,
};

/// A ContactNow client (the Rust `contactnow::AsyncClient`): thread-safe, pooled, with timeouts,
/// safe retries and token handling. Each operation is blocking, and `*Async` (Kotlin `suspend`,
/// Swift `async`: awaited on tokio, holding no thread; through an app's blocking `HttpSender`,
/// on a thread of its own), sharing one pool and token cache. Cancelling a Kotlin coroutine
/// cancels its call; in Swift, give the call a [`Cancellation`].
#[derive(uniffi::Object)]
pub struct Client {
    inner: contactnow::AsyncClient,
    listeners: Arc<Listeners>,
    /// Whether an app's (blocking) `HttpSender` is the transport.
    foreign_sender: bool,
}

impl Client {
    /// The call of `op`, stopped when `cancellation` is cancelled, as a future that owns what it uses.
    fn start<O, T>(
        &self,
        op: O,
        cancellation: Option<Arc<Cancellation>>,
    ) -> impl Future<Output = Result<T, ContactNowError>>
    where
        O: Operation + Send + Sync + 'static,
        T: From<O::Output>,
    {
        let client = self.inner.clone();
        async move { Ok(client.execute_until(&op, run::cancelled(cancellation)).await?.into()) }
    }

    /// Runs `op` without blocking the caller's thread: awaited on tokio, or, through an app's
    /// (blocking) sender, on a blocking thread of the runtime.
    async fn nonblocking<O, T>(&self, op: O, cancellation: Option<Arc<Cancellation>>) -> Result<T, ContactNowError>
    where
        O: Operation + Send + Sync + 'static,
        T: From<O::Output> + Send + 'static,
    {
        let call = self.start(op, cancellation);
        if !self.foreign_sender {
            return run::guarded(call).await;
        }
        tokio::task::spawn_blocking(move || guard(|| run::wait(call)))
            .await
            .unwrap_or_else(|e| Err(ContactNowError::Internal { detail: format!("the call's thread failed: {e}") }))
    }
}

#[uniffi::export]
impl Client {
    /// A client for `config`; `InvalidInput` for a bad base URL, a missing or ambiguous token
    /// source, or `http://` to a host that is not loopback without `allowInsecureHttp`.
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

    /// Gets every call's events from now on (`null`/`nil`: none); see `CallEvent`.
    pub fn set_event_listener(&self, listener: Option<Arc<dyn EventListener>>) {
        *self.listeners.0.lock().unwrap_or_else(|p| p.into_inner()) = listener;
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> String {
        self.inner.endpoint().as_str().to_owned()
    }

    /// The body format of the calls (the token calls are always JSON).
    pub fn format(&self) -> Format {
        self.inner.format()
    }
}

/// The calls, each as a blocking method and an async one (`*_async`, plus an optional
/// `cancellation`), both running the operation built by the expression after `=`; an
/// argument with `= default` may be left out.
macro_rules! calls {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident / $async_name:ident($($arg:ident: $ty:ty $(= $default:tt)?),*) -> $out:ty = $op:expr;
    )*) => {
        #[uniffi::export]
        impl Client {
            $(
                $(#[doc = $doc])*
                #[uniffi::method(default($($($arg = $default,)?)*))]
                pub fn $name(&self, $($arg: $ty),*) -> Result<$out, ContactNowError> {
                    guard(|| run::wait(self.start($op, None)))
                }
            )*
        }

        #[uniffi::export(async_runtime = "tokio")]
        impl Client {
            $(
                $(#[doc = $doc])*
                ///
                /// Async: stops at once when its coroutine is cancelled or `cancellation` is set off.
                #[uniffi::method(default($($($arg = $default,)?)* cancellation = None))]
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
    fn execute / execute_async(call: ApiCall) -> ApiOutput = contactnow::ApiCall::from(call);

    /// Any `database.php` method and action (`queues`, ...) with query `filters` and, for a write,
    /// `records` (repeated only when `repeatable`); the records come back as the server's text.
    fn call / call_async(
        method: String,
        action: String,
        filters: Vec<GenericField> = [],
        records: Vec<Vec<GenericField>> = [],
        repeatable: bool = false
    ) -> GenericResult = generic::call(method, action, filters, records, repeatable);

    /// Assigns agents to queues in one request. Existing pairs are not added again.
    fn create_assignments / create_assignments_async(records: Vec<Assignment>) -> WriteResult =
        CreateAssignments { records };

    /// Lists assignments, optionally of one agent and/or one queue.
    fn read_assignments / read_assignments_async(agent_id: Option<u64> = None, queue_id: Option<u64> = None) -> AssignmentListing =
        ReadAssignments { agent_id, queue_id };

    /// Changes the level of existing assignments in one request.
    fn update_assignments / update_assignments_async(records: Vec<Assignment>) -> WriteResult =
        UpdateAssignments { records };

    /// Creates TOD policies in one request; never repeated once it may have reached the server.
    fn create_policies / create_policies_async(records: Vec<NewTodPolicy>) -> WriteResult =
        CreatePolicies { records };

    /// Lists TOD policies, all or the one with `policy_id`.
    fn read_policies / read_policies_async(policy_id: Option<u64> = None) -> PolicyListing = ReadPolicies { policy_id };

    /// Changes existing TOD policies in one request.
    fn update_policies / update_policies_async(records: Vec<TodPolicyUpdate>) -> WriteResult =
        UpdatePolicies { records };
}

/// Builds the Rust `AsyncClient` for `config` (blocking calls wait for its futures), sending
/// through `sender` when given.
fn build(config: ClientConfig, sender: Option<Arc<dyn HttpSender>>) -> Result<Client, ContactNowError> {
    guard(|| {
        let (listeners, foreign_sender) = (Arc::new(Listeners::default()), sender.is_some());
        let built = config.options().and_then(|options| {
            let builder = options.builder().map(|b| b.observer(listeners.clone()));
            let builder = builder.map(|b| match sender {
                Some(sender) => b.sender(Arc::new(Foreign(sender))),
                None => b,
            });
            builder.and_then(ClientBuilder::build_async).map_err(|e| e.scrubbed(&options.secrets()))
        });
        let inner = built.map_err(|e| config.named(e))?;
        Ok(Client { inner, listeners, foreign_sender })
    })
}
