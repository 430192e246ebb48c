//! The blocking client: a driver of the core's call engine over one pooled ureq agent.
//! Every rule of a call (tokens, retries, pauses, refresh, outcome) is the engine's
//! (`contactnow_core::engine`); this file only sends, sleeps and reads the clocks.

use std::{fmt, sync::Arc, time::Instant};

use contactnow_core::{
    engine::{Call, Step},
    Assignment, CreateAssignments, CreatePolicies, Listing, NewTodPolicy, Operation, ReadAssignments, ReadPolicies,
    TodPolicy, TodPolicyUpdate, UpdateAssignments, UpdatePolicies, WriteResult,
};

use crate::{
    batch,
    driver::{self, Common},
    transport, BatchOutcome, ClientBuilder, Error,
};

/// A blocking ContactNow client. Cheap to clone (clones share the connection pool and the
/// token cache), `Send + Sync`.
///
/// `Debug` shows the endpoint and settings, never the token or the password.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub agent: ureq::Agent,
    pub common: Common,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.common.debug(f, "Client")
    }
}

impl Client {
    /// A builder with the defaults (EU endpoint, JSON, 10 s connect, 30 s per attempt, 120 s
    /// in all or more when the attempts need it, 3 attempts, 64 MiB responses, batches of 100).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from `CONTACTNOW_TOKEN` (or `CONTACTNOW_USERNAME` and
    /// `CONTACTNOW_PASSWORD`) and optionally `CONTACTNOW_BASE_URL`.
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    driver::settings_accessors!();

    /// Assigns agents to queues in one request (`priority` create). Existing pairs are
    /// not added again (`total` counts the new ones). Repeated on failure: safe.
    pub fn create_assignments(&self, records: &[Assignment]) -> Result<WriteResult, Error> {
        self.execute(&CreateAssignments { records: records.to_vec() })
    }

    /// Lists assignments, optionally of one agent and/or one queue.
    pub fn read_assignments(&self, agent_id: Option<u64>, queue_id: Option<u64>) -> Result<Listing<Assignment>, Error> {
        self.execute(&ReadAssignments { agent_id, queue_id })
    }

    /// Changes the level of existing assignments in one request.
    pub fn update_assignments(&self, records: &[Assignment]) -> Result<WriteResult, Error> {
        self.execute(&UpdateAssignments { records: records.to_vec() })
    }

    /// Creates TOD policies in one request. Never repeated once it may have reached the
    /// server: a failure then has `outcome_unknown` set (a transport failure or timeout after
    /// sending, or an HTTP 5xx that can follow an applied write: 500, 502, 504, ...; not 503).
    pub fn create_policies(&self, records: &[NewTodPolicy]) -> Result<WriteResult, Error> {
        self.execute(&CreatePolicies { records: records.to_vec() })
    }

    /// Lists TOD policies, all or the one with `policy_id`.
    pub fn read_policies(&self, policy_id: Option<u64>) -> Result<Listing<TodPolicy>, Error> {
        self.execute(&ReadPolicies { policy_id })
    }

    /// Changes existing TOD policies in one request.
    pub fn update_policies(&self, records: &[TodPolicyUpdate]) -> Result<WriteResult, Error> {
        self.execute(&UpdatePolicies { records: records.to_vec() })
    }

    /// [`Client::create_assignments`] in chunks of `batch_size`, one request per chunk.
    pub fn create_assignments_batched(&self, records: &[Assignment]) -> BatchOutcome {
        self.batched(records, |records| CreateAssignments { records })
    }

    /// [`Client::update_assignments`] in chunks of `batch_size`, one request per chunk.
    pub fn update_assignments_batched(&self, records: &[Assignment]) -> BatchOutcome {
        self.batched(records, |records| UpdateAssignments { records })
    }

    /// [`Client::create_policies`] in chunks of `batch_size`, one request per chunk.
    pub fn create_policies_batched(&self, records: &[NewTodPolicy]) -> BatchOutcome {
        self.batched(records, |records| CreatePolicies { records })
    }

    /// [`Client::update_policies`] in chunks of `batch_size`, one request per chunk.
    pub fn update_policies_batched(&self, records: &[TodPolicyUpdate]) -> BatchOutcome {
        self.batched(records, |records| UpdatePolicies { records })
    }

    fn batched<R: Clone, O: Operation<Output = WriteResult>>(
        &self,
        records: &[R],
        make: impl Fn(Vec<R>) -> O,
    ) -> BatchOutcome {
        batch::chunks(records, self.batch_size(), make)
            .fold(BatchOutcome::default(), |outcome, (offset, len, op)| outcome.with(offset, len, self.execute(&op)))
    }

    /// An engine call of `op` in this client's session (its settings and token cache), for a
    /// driver of your own to run: send what [`Step::Send`] says with any HTTP stack, sleep
    /// what [`Step::Sleep`] says, answer [`Step::NeedToken`] with
    /// [`Client::provide_token`]. Used by the Node binding's JavaScript driver loop.
    pub fn start<O: Operation>(&self, op: O) -> Call<O> {
        self.inner.common.start(op)
    }

    /// A token from the client's token callback (for [`Step::NeedToken`]).
    pub fn provide_token(&self) -> Result<contactnow_core::Token, Error> {
        self.inner.common.token()
    }

    /// Runs any operation through the engine: gets a token, sends the request (repeating it
    /// only when that is safe), gets a new token once if the server rejects it, and parses
    /// the answer.
    pub fn execute<O: Operation>(&self, op: &O) -> Result<O::Output, Error> {
        let Inner { agent, common } = &*self.inner;
        let mut call = common.start(op);
        let span = crate::events::span(call.id(), &op.name());
        let _in_span = span.enter();
        let origin = Instant::now();
        loop {
            match call.step(driver::now(origin)) {
                Step::Send(send) => match &common.sender {
                    Some(sender) => common.send_through(&**sender, send.request, send.timeout),
                    None => {
                        let deadline = Instant::now() + send.timeout;
                        let whole = send.budget_limited.then_some(send.timeout);
                        transport::send(agent, send.request, deadline, whole, common.max_response_bytes)
                    }
                }
                .report(&mut call),
                Step::Sleep(pause) => match &common.sender {
                    Some(sender) => sender.sleep(pause),
                    None => std::thread::sleep(pause),
                },
                Step::NeedToken => call.provide_token(common.token()),
                Step::Done(result) => return result,
            }
        }
    }
}
