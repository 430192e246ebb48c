//! `Client`: the blocking Rust client driven from the libuv thread pool, so that every call
//! returns a Promise and the event loop keeps running while a request is in flight.

use std::sync::Arc;

use contactnow::{Assignment, Client, Format, Listing, NewTodPolicy, TodPolicy, TodPolicyUpdate, WriteResult};
use napi::{
    bindgen_prelude::{AsyncTask, FromNapiValue, Function, Unknown},
    Env, Task,
};
use napi_derive::napi;
use serde_json::Value;

use crate::{
    error::Failure,
    input,
    output::{JsAssignmentColumns, JsTodPolicyListing, JsWriteResult},
};

/// Reads any JavaScript value as JSON data; values JSON cannot hold are an input error.
pub(crate) fn json(env: &Env, value: Unknown, field: &str) -> Result<Value, Failure> {
    env.from_js_value::<Value, _>(value)
        .map_err(|e| Failure::invalid(field, format!("not a plain data value: {}", e.reason)))
}

/// Reads a JavaScript string; any other value is an input error (never napi's own error).
pub(crate) fn string(value: Unknown, field: &str) -> Result<String, Failure> {
    String::from_unknown(value).map_err(|_| Failure::invalid(field, "expected a string"))
}

/// A ContactNow API client. Wrapped by `Client` in `index.js`, which groups the calls
/// under `client.priority` and `client.todPolicies`.
#[napi(js_name = "NativeClient")]
pub struct JsClient {
    client: Client,
    secrets: Arc<[String]>,
    listening: Arc<std::sync::atomic::AtomicBool>,
}

/// The client of `options` (see `options.rs`), reporting its events to `events`.
fn build(options: &Value, events: crate::events::JsEvents) -> Result<(Client, Vec<String>), Failure> {
    let options = crate::options::read(options, &[])?;
    let secrets: Vec<String> = options.secrets().into_iter().map(str::to_owned).collect();
    let client = options.builder().and_then(|b| b.observer(Arc::new(events)).build());
    Ok((client.map_err(|e| Failure::from(e).scrubbed(&secrets))?, secrets))
}

#[napi]
impl JsClient {
    /// Makes a client from `{ token | username + password, baseUrl?, format?, timeoutMs?,
    /// totalTimeoutMs?, retries?, allowInsecureHttp?, maxResponseBytes? }`.
    /// `onEvent` gets every call event (see `events.rs`) while `listening` is true.
    #[napi(constructor, ts_args_type = "options: ClientOptions, onEvent: (event: Record<string, unknown>) => void")]
    pub fn new(env: Env, options: Unknown, on_event: Function<'_, Value, ()>) -> napi::Result<Self> {
        let events = crate::events::JsEvents::new(&on_event)?;
        let listening = Arc::clone(&events.listening);
        let parsed = json(&env, options, "options").and_then(|v| build(&v, events));
        match parsed {
            Ok((client, secrets)) => Ok(Self { client, secrets: secrets.into(), listening }),
            Err(failure) => Err(failure.into_napi(&env)),
        }
    }

    /// Whether anyone listens to call events (set by `index.js` before each call).
    #[napi(setter)]
    pub fn set_listening(&self, on: bool) {
        self.listening.store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Any `database.php` method and action, with `{ filters?, records?, repeatable? }`.
    #[napi(
        ts_args_type = "method: string, action: string, options?: { filters?: Record<string, string | number>; records?: Array<Record<string, string | number>>; repeatable?: boolean }",
        ts_return_type = "Promise<GenericResult>"
    )]
    pub fn call(
        &self,
        env: Env,
        method: Unknown,
        action: Unknown,
        options: Unknown,
    ) -> AsyncTask<crate::generic::GenericTask> {
        let call = crate::generic::generic_call(&env, method, action, options);
        AsyncTask::new(crate::generic::GenericTask { client: self.client.clone(), call: Some(call) })
    }

    /// Starts a generic call (see `call`), to be driven by JavaScript with the client's
    /// `sender` (see `NativeCall`).
    #[napi(
        ts_args_type = "method: string, action: string, options?: { filters?: Record<string, string | number>; records?: Array<Record<string, string | number>>; repeatable?: boolean }"
    )]
    pub fn start_generic(
        &self,
        env: Env,
        method: Unknown,
        action: Unknown,
        options: Unknown,
    ) -> napi::Result<crate::call::JsCall> {
        match crate::generic::generic_call(&env, method, action, options) {
            Ok(call) => Ok(crate::call::JsCall::generic(&self.client, call)),
            Err(failure) => Err(failure.into_napi(&env)),
        }
    }

    /// Starts a call of `operation` with `input` (as for `buildRequest`), to be driven by
    /// JavaScript with the client's `sender` (see `NativeCall`).
    #[napi(ts_args_type = "operation: string, input: unknown")]
    pub fn start(&self, env: Env, operation: Unknown, input: Unknown) -> napi::Result<crate::call::JsCall> {
        let call = string(operation, "operation").and_then(|name| {
            let op = crate::sansio::op(&name)?;
            let value = json(&env, input, "input")?;
            crate::sansio::api_call(op, &value, &contactnow::Token::new(""))
        });
        match call {
            Ok(call) => Ok(crate::call::JsCall::new(&self.client, call)),
            Err(failure) => Err(failure.into_napi(&env)),
        }
    }

    /// The base URL calls go to.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.client.endpoint().as_str().to_owned()
    }

    /// The body format: `'json'` or `'xml'`.
    #[napi(getter, ts_return_type = "'json' | 'xml'")]
    pub fn format(&self) -> String {
        self.client.format().as_str().to_owned()
    }

    fn task(&self, call: Result<WriteCall, Failure>) -> AsyncTask<WriteTask> {
        AsyncTask::new(WriteTask { client: self.client.clone(), call: Some(call), secrets: self.secrets.clone() })
    }

    /// Assigns agents to queues (one request; the records are one batch).
    #[napi(ts_args_type = "records: AssignmentInput | AssignmentInput[]", ts_return_type = "Promise<WriteResult>")]
    pub fn create_assignments(&self, env: Env, records: Unknown) -> AsyncTask<WriteTask> {
        let call =
            json(&env, records, "records").and_then(|v| Ok(WriteCall::CreateAssignments(input::assignments(&v)?)));
        self.task(call)
    }

    /// Lists assignments, optionally of one agent and/or one queue (as columns: see
    /// `AssignmentColumns`).
    #[napi(
        ts_args_type = "filter?: { agentId?: number; queueId?: number }",
        ts_return_type = "Promise<AssignmentColumns>"
    )]
    pub fn read_assignments(&self, env: Env, filter: Unknown) -> AsyncTask<ReadAssignmentsTask> {
        let call = json(&env, filter, "filter").and_then(|v| Ok(input::assignment_filter(&v)?));
        AsyncTask::new(ReadAssignmentsTask {
            client: self.client.clone(),
            call: Some(call),
            secrets: self.secrets.clone(),
        })
    }

    /// Changes the level of existing assignments.
    #[napi(ts_args_type = "records: AssignmentInput | AssignmentInput[]", ts_return_type = "Promise<WriteResult>")]
    pub fn update_assignments(&self, env: Env, records: Unknown) -> AsyncTask<WriteTask> {
        let call =
            json(&env, records, "records").and_then(|v| Ok(WriteCall::UpdateAssignments(input::assignments(&v)?)));
        self.task(call)
    }

    /// Creates time-of-day policies (never repeated automatically: duplicates).
    #[napi(ts_args_type = "records: NewTodPolicyInput | NewTodPolicyInput[]", ts_return_type = "Promise<WriteResult>")]
    pub fn create_policies(&self, env: Env, records: Unknown) -> AsyncTask<WriteTask> {
        let call = json(&env, records, "records").and_then(|v| Ok(WriteCall::CreatePolicies(input::new_policies(&v)?)));
        self.task(call)
    }

    /// Lists time-of-day policies, all or one.
    #[napi(ts_args_type = "filter?: { policyId?: number }", ts_return_type = "Promise<TodPolicyListing>")]
    pub fn read_policies(&self, env: Env, filter: Unknown) -> AsyncTask<ReadPoliciesTask> {
        let call = json(&env, filter, "filter").and_then(|v| Ok(input::policy_filter(&v)?));
        AsyncTask::new(ReadPoliciesTask {
            client: self.client.clone(),
            call: Some(call),
            secrets: self.secrets.clone(),
        })
    }

    /// Changes existing time-of-day policies.
    #[napi(
        ts_args_type = "records: TodPolicyUpdateInput | TodPolicyUpdateInput[]",
        ts_return_type = "Promise<WriteResult>"
    )]
    pub fn update_policies(&self, env: Env, records: Unknown) -> AsyncTask<WriteTask> {
        let call =
            json(&env, records, "records").and_then(|v| Ok(WriteCall::UpdatePolicies(input::policy_updates(&v)?)));
        self.task(call)
    }
}

/// A write, checked and ready to send.
pub enum WriteCall {
    /// `priority` create.
    CreateAssignments(Vec<Assignment>),
    /// `priority` update.
    UpdateAssignments(Vec<Assignment>),
    /// `tod_policy` create.
    CreatePolicies(Vec<NewTodPolicy>),
    /// `tod_policy` update.
    UpdatePolicies(Vec<TodPolicyUpdate>),
}

/// A pending write, run on the libuv thread pool.
pub struct WriteTask {
    client: Client,
    call: Option<Result<WriteCall, Failure>>,
    secrets: Arc<[String]>,
}

fn taken<T>(call: &mut Option<Result<T, Failure>>) -> Result<T, Failure> {
    call.take().unwrap_or_else(|| Err(Failure::invalid("call", "already run")))
}

#[napi]
impl Task for WriteTask {
    type Output = Result<WriteResult, Failure>;
    type JsValue = JsWriteResult;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let client = &self.client;
        Ok(taken(&mut self.call).and_then(|call| {
            match call {
                WriteCall::CreateAssignments(records) => client.create_assignments(&records),
                WriteCall::UpdateAssignments(records) => client.update_assignments(&records),
                WriteCall::CreatePolicies(records) => client.create_policies(&records),
                WriteCall::UpdatePolicies(records) => client.update_policies(&records),
            }
            .map_err(Failure::from)
        }))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<JsWriteResult> {
        let format = self.client.format();
        output.and_then(|r| JsWriteResult::convert(r, format)).map_err(|f| f.scrubbed(&self.secrets).into_napi(&env))
    }
}

/// The filters of a `priority` read: agent id and queue id.
type AssignmentFilter = (Option<u64>, Option<u64>);

/// A pending `priority` read, run on the libuv thread pool.
pub struct ReadAssignmentsTask {
    client: Client,
    call: Option<Result<AssignmentFilter, Failure>>,
    secrets: Arc<[String]>,
}

#[napi]
impl Task for ReadAssignmentsTask {
    type Output = Result<Listing<Assignment>, Failure>;
    type JsValue = JsAssignmentColumns;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let client = &self.client;
        Ok(taken(&mut self.call)
            .and_then(|(agent, queue)| client.read_assignments(agent, queue).map_err(Failure::from)))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<JsAssignmentColumns> {
        let format = self.client.format();
        output
            .and_then(|l| JsAssignmentColumns::convert(l, format))
            .map_err(|f| f.scrubbed(&self.secrets).into_napi(&env))
    }
}

/// A pending `tod_policy` read, run on the libuv thread pool.
pub struct ReadPoliciesTask {
    client: Client,
    call: Option<Result<Option<u64>, Failure>>,
    secrets: Arc<[String]>,
}

#[napi]
impl Task for ReadPoliciesTask {
    type Output = Result<Listing<TodPolicy>, Failure>;
    type JsValue = JsTodPolicyListing;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let client = &self.client;
        Ok(taken(&mut self.call).and_then(|policy| client.read_policies(policy).map_err(Failure::from)))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<JsTodPolicyListing> {
        let format: Format = self.client.format();
        output
            .and_then(|l| JsTodPolicyListing::convert(l, format))
            .map_err(|f| f.scrubbed(&self.secrets).into_napi(&env))
    }
}
