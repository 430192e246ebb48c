//! The async client (feature `async`): the blocking client's calls as futures on tokio, a
//! second driver of the core's call engine over the pooled hyper transport
//! (`async_transport.rs`). Every rule of a call is the engine's
//! (`contactnow_core::engine`); this file only sends, sleeps and reads the clocks.

use std::{
    fmt,
    future::{poll_fn, Future},
    pin::pin,
    sync::Arc,
    task::Poll,
    time::{Duration, Instant},
};

use contactnow_core::{
    engine::{Call, Step},
    Assignment, CreateAssignments, CreatePolicies, Listing, NewTodPolicy, Operation, ReadAssignments, ReadPolicies,
    TodPolicy, TodPolicyUpdate, UpdateAssignments, UpdatePolicies, WriteResult,
};

use crate::{
    async_transport::Transport,
    batch,
    driver::{self, Attempt, Common},
    transport::AgentSettings,
    BatchOutcome, ClientBuilder, Error,
};

/// A non-blocking ContactNow client on tokio (feature `async`): the calls of
/// [`Client`](crate::Client) as `Send` futures, any number in flight at once on one
/// connection pool. Made by [`ClientBuilder::build_async`] with the same settings and
/// validation as the blocking client. Cheap to clone (clones share the pool and the token
/// cache), `Send + Sync`.
///
/// Calls must run inside a tokio runtime with I/O and time enabled (any flavour), and one
/// client is best kept to one runtime: its pooled connections are tasks of the runtime that
/// opened them. Dropping a call's future cancels it: the request in flight is abandoned
/// (its connection closed, not reused), no pause or attempt follows, and nothing of the call
/// keeps running. The token callback ([`ClientBuilder::token_provider`]) is a plain function
/// called on the task: it must return quickly (hand out a token you already have). A
/// [`Sender`](crate::Sender) set on the builder is used as by the blocking client, its
/// `send` and `sleep` called on the task: it suits senders that answer at once (scripted
/// tests, recorded exchanges), not ones that block on the network.
///
/// `Debug` shows the endpoint and settings, never the token or the password.
///
/// ```
/// use contactnow::{Assignment, AsyncClient};
/// use contactnow_sandbox::{Config, Sandbox, Seed};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let sandbox = Sandbox::start(Config { seed: Seed::Demo, ..Config::default() })?;
/// let client = AsyncClient::builder().base_url(&sandbox.base_url()).token(sandbox.token()).build_async()?;
/// assert!(!format!("{client:?}").contains(&sandbox.token()));
///
/// tokio::runtime::Runtime::new()?.block_on(async {
///     // Ten reads in flight at once, each on a task of its own.
///     let mut calls = tokio::task::JoinSet::new();
///     for _ in 0..10 {
///         let client = client.clone();
///         calls.spawn(async move { client.read_assignments(Some(1234), None).await });
///     }
///     while let Some(done) = calls.join_next().await {
///         assert_eq!(done??.records.len(), 2);
///     }
///     let created = client.create_assignments(&[Assignment::new(77, 1007, 5)]).await?;
///     assert_eq!(created.total, 1);
///     Ok(())
/// })
/// # }
/// ```
#[derive(Clone)]
pub struct AsyncClient {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    common: Common,
}

impl fmt::Debug for AsyncClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.common.debug(f, "AsyncClient")
    }
}

/// What a call waits for between two steps.
enum Wait<F> {
    /// An attempt on the transport.
    Attempt(F),
    /// The pause before the next attempt.
    Pause(Duration),
}

impl<F: Future<Output = Attempt>> Wait<F> {
    /// Waits; an attempt's result is to be reported to the call.
    async fn done(self) -> Option<Attempt> {
        match self {
            Wait::Attempt(attempt) => Some(attempt.await),
            Wait::Pause(pause) => {
                tokio::time::sleep(pause).await;
                None
            }
        }
    }
}

impl AsyncClient {
    pub(crate) fn new(common: Common, settings: AgentSettings) -> Result<Self, Error> {
        Ok(Self { inner: Arc::new(Inner { transport: Transport::new(settings)?, common }) })
    }

    /// A builder with the defaults (the blocking client's); finish it with
    /// [`ClientBuilder::build_async`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// An async client configured from the environment, as [`Client::from_env`](crate::Client::from_env).
    pub fn from_env() -> Result<AsyncClient, Error> {
        ClientBuilder::from_env()?.build_async()
    }

    driver::settings_accessors!();

    /// Assigns agents to queues in one request, as [`Client::create_assignments`](crate::Client::create_assignments).
    pub async fn create_assignments(&self, records: &[Assignment]) -> Result<WriteResult, Error> {
        self.execute(&CreateAssignments { records: records.to_vec() }).await
    }

    /// Lists assignments, optionally of one agent and/or one queue.
    pub async fn read_assignments(
        &self,
        agent_id: Option<u64>,
        queue_id: Option<u64>,
    ) -> Result<Listing<Assignment>, Error> {
        self.execute(&ReadAssignments { agent_id, queue_id }).await
    }

    /// Changes the level of existing assignments in one request.
    pub async fn update_assignments(&self, records: &[Assignment]) -> Result<WriteResult, Error> {
        self.execute(&UpdateAssignments { records: records.to_vec() }).await
    }

    /// Creates TOD policies in one request, never repeated once it may have reached the
    /// server (see [`Client::create_policies`](crate::Client::create_policies)).
    pub async fn create_policies(&self, records: &[NewTodPolicy]) -> Result<WriteResult, Error> {
        self.execute(&CreatePolicies { records: records.to_vec() }).await
    }

    /// Lists TOD policies, all or the one with `policy_id`.
    pub async fn read_policies(&self, policy_id: Option<u64>) -> Result<Listing<TodPolicy>, Error> {
        self.execute(&ReadPolicies { policy_id }).await
    }

    /// Changes existing TOD policies in one request.
    pub async fn update_policies(&self, records: &[TodPolicyUpdate]) -> Result<WriteResult, Error> {
        self.execute(&UpdatePolicies { records: records.to_vec() }).await
    }

    /// [`AsyncClient::create_assignments`] in chunks of `batch_size`, one request after another.
    pub async fn create_assignments_batched(&self, records: &[Assignment]) -> BatchOutcome {
        self.batched(records, |records| CreateAssignments { records }).await
    }

    /// [`AsyncClient::update_assignments`] in chunks of `batch_size`, one request after another.
    pub async fn update_assignments_batched(&self, records: &[Assignment]) -> BatchOutcome {
        self.batched(records, |records| UpdateAssignments { records }).await
    }

    /// [`AsyncClient::create_policies`] in chunks of `batch_size`, one request after another.
    pub async fn create_policies_batched(&self, records: &[NewTodPolicy]) -> BatchOutcome {
        self.batched(records, |records| CreatePolicies { records }).await
    }

    /// [`AsyncClient::update_policies`] in chunks of `batch_size`, one request after another.
    pub async fn update_policies_batched(&self, records: &[TodPolicyUpdate]) -> BatchOutcome {
        self.batched(records, |records| UpdatePolicies { records }).await
    }

    async fn batched<R: Clone, O: Operation<Output = WriteResult>>(
        &self,
        records: &[R],
        make: impl Fn(Vec<R>) -> O,
    ) -> BatchOutcome {
        let mut outcome = BatchOutcome::default();
        for (offset, len, op) in batch::chunks(records, self.batch_size(), make) {
            outcome = outcome.with(offset, len, self.execute(&op).await);
        }
        outcome
    }

    /// Runs any operation through the engine, as [`Client::execute`](crate::Client::execute)
    /// does: gets a token, sends the request (repeating it only when that is safe), gets a
    /// new token once if the server rejects it, and parses the answer. The future is `Send`
    /// when `O` is `Sync`, as every operation of this crate is.
    pub async fn execute<O: Operation>(&self, op: &O) -> Result<O::Output, Error> {
        self.execute_until(op, std::future::pending()).await
    }

    /// [`AsyncClient::execute`], stopped when `cancel` completes first: the request in flight
    /// or the pause is abandoned (as when the future is dropped) and the call ends with the
    /// engine's [`Error::Cancelled`], whose `outcome_unknown` says whether a write that is not
    /// safe to repeat was in flight. A `cancel` already complete sends nothing. For callers
    /// that cancel from outside and want that error, e.g. the Node binding's `AbortSignal`.
    pub async fn execute_until<O: Operation>(
        &self,
        op: &O,
        cancel: impl Future<Output = ()>,
    ) -> Result<O::Output, Error> {
        let Inner { transport, common } = &*self.inner;
        let mut cancel = pin!(cancel);
        let origin = Instant::now();
        // Dropped unfinished (a cancelled future), the call ends timed to the drop.
        let mut timed = Timed { call: common.start(op), origin };
        let call = &mut timed.call;
        // Events come only out of `step`: the call's span is entered around each one.
        let span = crate::events::span(call.id(), &op.name());
        loop {
            if poll_fn(|cx| Poll::Ready(cancel.as_mut().poll(cx).is_ready())).await {
                call.tell_time(driver::now(origin));
                return Err(span.in_scope(|| call.cancel()));
            }
            let wait = match span.in_scope(|| call.step(driver::now(origin))) {
                Step::Done(result) => return result,
                Step::NeedToken => {
                    call.provide_token(common.token());
                    continue;
                }
                Step::Send(send) => match &common.sender {
                    None => Wait::Attempt(transport.send(send.request, send.timeout, common.max_response_bytes)),
                    Some(sender) => {
                        common.send_through(&**sender, send.request, send.timeout).report(call);
                        continue;
                    }
                },
                Step::Sleep(pause) => match &common.sender {
                    None => Wait::Pause(pause),
                    Some(sender) => {
                        sender.sleep(pause);
                        continue;
                    }
                },
            };
            // The call's one await: all it waits for (an attempt, a pause) is waited for
            // here, raced against `cancel`, so a cancel stops the call wherever it is.
            let mut done = pin!(wait.done());
            let waited = poll_fn(|cx| match cancel.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(None),
                Poll::Pending => done.as_mut().poll(cx).map(Some),
            })
            .await;
            match waited {
                None => {
                    call.tell_time(driver::now(origin));
                    return Err(span.in_scope(|| call.cancel()));
                }
                Some(Some(attempt)) => attempt.report(call),
                Some(None) => {}
            }
        }
    }
}

/// A call and the instant it started, telling it the time as it is dropped (see
/// [`Call::tell_time`]).
struct Timed<O: Operation> {
    call: Call<O>,
    origin: Instant,
}

impl<O: Operation> Drop for Timed<O> {
    fn drop(&mut self) {
        self.call.tell_time(driver::now(self.origin));
    }
}
