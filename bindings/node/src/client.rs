//! `NativeClient`: every call a future on the addon's tokio runtime driving
//! `contactnow::AsyncClient`, so a call in flight holds no thread (neither the event loop nor
//! one of libuv's pool) while it waits; or, for a client with a `sender`, engine calls
//! (`NativeCall`) that JavaScript drives.

use std::{
    future::Future,
    sync::{atomic::AtomicBool, Arc},
};

use contactnow::{AsyncClient, Client, Format};
use contactnow_core::{
    CreateAssignments, CreatePolicies, Operation, ReadAssignments, ReadPolicies, UpdateAssignments, UpdatePolicies,
};
use napi::{
    bindgen_prelude::{FromNapiValue, Function, PromiseRaw, ToNapiValue, Unknown},
    Env,
};
use napi_derive::napi;
use serde_json::Value;

use crate::{
    abort::{cancelled, JsAbort},
    error::Failure,
    generic::JsGenericResult,
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
    driver: Driver,
    secrets: Arc<[String]>,
    listening: Arc<AtomicBool>,
}

/// Who does a client's I/O.
enum Driver {
    /// The addon: every call a future on its tokio runtime.
    Tokio(AsyncClient),
    /// JavaScript, through the client's `sender`: calls are `NativeCall`s it drives.
    Js(Client),
}

impl Driver {
    fn format(&self) -> Format {
        match self {
            Driver::Tokio(client) => client.format(),
            Driver::Js(client) => client.format(),
        }
    }

    fn base_url(&self) -> &str {
        match self {
            Driver::Tokio(client) => client.endpoint().as_str(),
            Driver::Js(client) => client.endpoint().as_str(),
        }
    }
}

/// The client of `options` (see `options.rs`), reporting its events to `events`: an
/// `AsyncClient`, or for a client whose calls JavaScript drives (`driven`) a `Client`.
fn build(options: &Value, events: crate::events::JsEvents, driven: bool) -> Result<(Driver, Vec<String>), Failure> {
    let options = crate::options::read(options, &[])?;
    let secrets: Vec<String> = options.secrets().into_iter().map(str::to_owned).collect();
    let builder = options.builder().map(|b| b.observer(Arc::new(events)));
    let driver =
        builder.and_then(|b| if driven { b.build().map(Driver::Js) } else { b.build_async().map(Driver::Tokio) });
    Ok((driver.map_err(|e| Failure::from(e).scrubbed(&secrets))?, secrets))
}

/// What a client call resolves to, made on the JavaScript thread from the call's output.
type Convert<T, V> = fn(T, Format) -> Result<V, Failure>;

impl JsClient {
    /// The async client, or an input error for a client whose calls JavaScript drives.
    fn tokio(&self) -> Result<&AsyncClient, Failure> {
        match &self.driver {
            Driver::Tokio(client) => Ok(client),
            Driver::Js(_) => Err(Failure::invalid("sender", "a client with a sender runs its calls through it")),
        }
    }

    /// The engine client of a client whose calls JavaScript drives, or an input error.
    fn driven(&self) -> Result<&Client, Failure> {
        match &self.driver {
            Driver::Js(client) => Ok(client),
            Driver::Tokio(_) => Err(Failure::invalid("sender", "needs a client made with a sender")),
        }
    }

    /// Runs `op` on the addon's tokio runtime: the promise settles on the JavaScript thread
    /// with the output converted by `convert`, or rejects with the call's error (secrets
    /// scrubbed). `abort`, once flipped, ends the call with a `Cancelled` error. Input
    /// errors (`op` is `Err`) are thrown at once: `index.js` turns them into rejections.
    fn run<'env, O, V>(
        &self,
        env: &'env Env,
        op: Result<O, Failure>,
        abort: Option<&JsAbort>,
        convert: Convert<O::Output, V>,
    ) -> napi::Result<PromiseRaw<'env, V>>
    where
        O: Operation + Send + Sync + 'static,
        O::Output: Send + 'static,
        V: ToNapiValue + 'static,
    {
        let started = self.tokio().and_then(|client| Ok((client.clone(), op?)));
        let (client, op) = started.map_err(|f| f.scrubbed(&self.secrets).into_napi(env))?;
        let format = client.format();
        let secrets = Arc::clone(&self.secrets);
        let cancel = cancelled(abort.map(JsAbort::switch));
        env.spawn_future_with_callback(call(client, op, cancel), move |env, result| {
            result.and_then(|output| convert(output, format)).map_err(|f| f.scrubbed(&secrets).into_napi(env))
        })
    }
}

/// One call on the runtime, its error as plain data until it reaches the JavaScript thread.
async fn call<O: Operation + Sync>(
    client: AsyncClient,
    op: O,
    cancel: impl Future<Output = ()>,
) -> napi::Result<Result<O::Output, Failure>> {
    Ok(client.execute_until(&op, cancel).await.map_err(Failure::from))
}

#[napi]
impl JsClient {
    /// Makes a client from `{ token | username + password, baseUrl?, format?, timeoutMs?,
    /// totalTimeoutMs?, retries?, allowInsecureHttp?, maxResponseBytes? }`.
    /// `onEvent` gets every call event (see `events.rs`) while `listening` is true.
    /// `driven`: JavaScript drives the calls (`start`, `startGeneric`) through its `sender`;
    /// otherwise the calls below run on the addon's tokio runtime.
    #[napi(
        constructor,
        ts_args_type = "options: ClientOptions, onEvent: (event: Record<string, unknown>) => void, driven?: boolean"
    )]
    pub fn new(
        env: Env,
        options: Unknown,
        on_event: Function<'_, Value, ()>,
        driven: Option<bool>,
    ) -> napi::Result<Self> {
        let events = crate::events::JsEvents::new(&on_event)?;
        let listening = Arc::clone(&events.listening);
        let parsed = json(&env, options, "options").and_then(|v| build(&v, events, driven.unwrap_or(false)));
        match parsed {
            Ok((driver, secrets)) => Ok(Self { driver, secrets: secrets.into(), listening }),
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
        ts_args_type = "method: string, action: string, options?: { filters?: Record<string, string | number>; records?: Array<Record<string, string | number>>; repeatable?: boolean }, abort?: NativeAbort",
        ts_return_type = "Promise<GenericResult>"
    )]
    pub fn call<'env>(
        &self,
        env: &'env Env,
        method: Unknown,
        action: Unknown,
        options: Unknown,
        abort: Option<&JsAbort>,
    ) -> napi::Result<PromiseRaw<'env, JsGenericResult>> {
        let call = crate::generic::generic_call(env, method, action, options);
        self.run(env, call, abort, JsGenericResult::convert)
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
        let call = self.driven().and_then(|client| {
            Ok(crate::call::JsCall::generic(client, crate::generic::generic_call(&env, method, action, options)?))
        });
        call.map_err(|failure| failure.into_napi(&env))
    }

    /// Starts a call of `operation` with `input` (as for `buildRequest`), to be driven by
    /// JavaScript with the client's `sender` (see `NativeCall`).
    #[napi(ts_args_type = "operation: string, input: unknown")]
    pub fn start(&self, env: Env, operation: Unknown, input: Unknown) -> napi::Result<crate::call::JsCall> {
        let call = self.driven().and_then(|client| {
            let name = string(operation, "operation")?;
            let op = crate::sansio::op(&name)?;
            let value = json(&env, input, "input")?;
            let call = crate::sansio::api_call(op, &value, &contactnow::Token::new(""))?;
            Ok(crate::call::JsCall::new(client, call))
        });
        call.map_err(|failure| failure.into_napi(&env))
    }

    /// The base URL calls go to.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.driver.base_url().to_owned()
    }

    /// The body format: `'json'` or `'xml'`.
    #[napi(getter, ts_return_type = "'json' | 'xml'")]
    pub fn format(&self) -> String {
        self.driver.format().as_str().to_owned()
    }

    /// Assigns agents to queues (one request; the records are one batch).
    #[napi(
        ts_args_type = "records: AssignmentInput | AssignmentInput[], abort?: NativeAbort",
        ts_return_type = "Promise<WriteResult>"
    )]
    pub fn create_assignments<'env>(
        &self,
        env: &'env Env,
        records: Unknown,
        abort: Option<&JsAbort>,
    ) -> napi::Result<PromiseRaw<'env, JsWriteResult>> {
        let op = json(env, records, "records").and_then(|v| Ok(CreateAssignments { records: input::assignments(&v)? }));
        self.run(env, op, abort, JsWriteResult::convert)
    }

    /// Lists assignments, optionally of one agent and/or one queue (as columns: see
    /// `AssignmentColumns`).
    #[napi(
        ts_args_type = "filter?: { agentId?: number; queueId?: number }, abort?: NativeAbort",
        ts_return_type = "Promise<AssignmentColumns>"
    )]
    pub fn read_assignments<'env>(
        &self,
        env: &'env Env,
        filter: Unknown,
        abort: Option<&JsAbort>,
    ) -> napi::Result<PromiseRaw<'env, JsAssignmentColumns>> {
        let op = json(env, filter, "filter").and_then(|v| {
            let (agent_id, queue_id) = input::assignment_filter(&v)?;
            Ok(ReadAssignments { agent_id, queue_id })
        });
        self.run(env, op, abort, JsAssignmentColumns::convert)
    }

    /// Changes the level of existing assignments.
    #[napi(
        ts_args_type = "records: AssignmentInput | AssignmentInput[], abort?: NativeAbort",
        ts_return_type = "Promise<WriteResult>"
    )]
    pub fn update_assignments<'env>(
        &self,
        env: &'env Env,
        records: Unknown,
        abort: Option<&JsAbort>,
    ) -> napi::Result<PromiseRaw<'env, JsWriteResult>> {
        let op = json(env, records, "records").and_then(|v| Ok(UpdateAssignments { records: input::assignments(&v)? }));
        self.run(env, op, abort, JsWriteResult::convert)
    }

    /// Creates time-of-day policies (never repeated automatically: duplicates).
    #[napi(
        ts_args_type = "records: NewTodPolicyInput | NewTodPolicyInput[], abort?: NativeAbort",
        ts_return_type = "Promise<WriteResult>"
    )]
    pub fn create_policies<'env>(
        &self,
        env: &'env Env,
        records: Unknown,
        abort: Option<&JsAbort>,
    ) -> napi::Result<PromiseRaw<'env, JsWriteResult>> {
        let op = json(env, records, "records").and_then(|v| Ok(CreatePolicies { records: input::new_policies(&v)? }));
        self.run(env, op, abort, JsWriteResult::convert)
    }

    /// Lists time-of-day policies, all or one.
    #[napi(
        ts_args_type = "filter?: { policyId?: number }, abort?: NativeAbort",
        ts_return_type = "Promise<TodPolicyListing>"
    )]
    pub fn read_policies<'env>(
        &self,
        env: &'env Env,
        filter: Unknown,
        abort: Option<&JsAbort>,
    ) -> napi::Result<PromiseRaw<'env, JsTodPolicyListing>> {
        let op = json(env, filter, "filter").and_then(|v| Ok(ReadPolicies { policy_id: input::policy_filter(&v)? }));
        self.run(env, op, abort, JsTodPolicyListing::convert)
    }

    /// Changes existing time-of-day policies.
    #[napi(
        ts_args_type = "records: TodPolicyUpdateInput | TodPolicyUpdateInput[], abort?: NativeAbort",
        ts_return_type = "Promise<WriteResult>"
    )]
    pub fn update_policies<'env>(
        &self,
        env: &'env Env,
        records: Unknown,
        abort: Option<&JsAbort>,
    ) -> napi::Result<PromiseRaw<'env, JsWriteResult>> {
        let op = json(env, records, "records").and_then(|v| Ok(UpdatePolicies { records: input::policy_updates(&v)? }));
        self.run(env, op, abort, JsWriteResult::convert)
    }
}
