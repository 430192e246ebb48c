//! `NativeClient`: every call a future on the addon's tokio runtime driving
//! `contactnow::AsyncClient`, so a call in flight holds no thread (neither the event loop nor
//! one of libuv's pool) while it waits, ended early by its `NativeAbort`; or, for a client
//! with a `sender`, engine calls (`NativeCall`) that JavaScript drives.

use std::{
    future::Future,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
};

use contactnow::{
    input::Reader,
    options::{self, Casing, Options},
    ApiCall, AsyncClient, Client, Error,
};
use napi::{
    bindgen_prelude::{Either, Function, PromiseRaw, Unknown},
    Env,
};
use napi_derive::napi;
use serde_json::Value;
use tokio::sync::watch;

use crate::{
    call::JsCall,
    error::{throw, to_js, Result},
    events::JsEvents,
    output::{self, Output},
    sansio::api_call,
    value::{json, string},
};

/// A ContactNow API client. Wrapped by `Client` in `index.js`, which groups the calls
/// under `client.priority` and `client.todPolicies`.
#[napi(js_name = "NativeClient")]
pub struct JsClient {
    /// `None` once closed.
    driver: Option<Driver>,
    listening: Arc<AtomicBool>,
    /// The base URL calls go to.
    #[napi(readonly)]
    pub base_url: String,
    /// The body format: `'json'` or `'xml'`.
    #[napi(readonly)]
    pub format: String,
}

/// Who does a client's I/O: the addon, every call a future on its tokio runtime; or
/// JavaScript, through the client's `sender`, every call a `NativeCall` it drives.
enum Driver {
    Tokio(AsyncClient),
    Js(Client),
}

/// A call as it starts: a promise of its value, or with a `sender` a `NativeCall` to drive.
pub type Started<'env> = Either<PromiseRaw<'env, Output>, JsCall>;

impl JsClient {
    /// Starts `op`: on the tokio runtime, the promise settling on the JavaScript thread with the
    /// output or the call's error (which the engine cleaned of secrets), `abort` ending it with
    /// a `Cancelled` error; or as a `NativeCall`. Input errors (`op` is `Err`) are thrown at
    /// once: `index.js` turns them into rejections.
    fn run<'env>(&self, env: &'env Env, op: Result<ApiCall>, abort: Option<&JsAbort>) -> napi::Result<Started<'env>> {
        let op = op.map_err(throw(env))?;
        let client = match &self.driver {
            Some(Driver::Tokio(client)) => client.clone(),
            Some(Driver::Js(client)) => return Ok(Either::B(JsCall::new(client, op))),
            None => return Err(throw(env)(Error::invalid("client", "the client is closed"))),
        };
        let (format, cancel) = (client.format(), cancelled(abort));
        let call = async move { Ok(client.execute_until(&op, cancel).await) };
        let promise = env.spawn_future_with_callback(call, move |env, result| {
            result.and_then(|output| output::js(output, format)).map_err(|e| to_js(env, e))
        });
        promise.map(Either::A)
    }
}

#[napi]
impl JsClient {
    /// Makes a client from its options (`ClientOptions` in `index.d.ts`); `onEvent` gets every
    /// call event while `listening` is true. `driven`: the calls are `NativeCall`s that
    /// JavaScript drives through its `sender`, not promises of calls on the tokio runtime;
    /// `sleeps`: the options name a `sleep` function (which goes with a `sender`).
    #[napi(constructor)]
    pub fn new(
        env: Env,
        options: Unknown,
        on_event: Function<'_, Value, ()>,
        driven: bool,
        sleeps: bool,
    ) -> napi::Result<Self> {
        let events = JsEvents::new(&on_event)?;
        let listening = Arc::clone(&events.listening);
        let options = json(&env, options, "options").map_err(throw(&env))?;
        let options = Options::from_json(&options, Casing::Camel, Reader::JAVASCRIPT, &[]).map_err(throw(&env))?;
        options::check_sleep(driven, sleeps).map_err(throw(&env))?;
        let builder = options.builder().map(|b| b.observer(Arc::new(events)));
        let driver =
            builder.and_then(|b| if driven { b.build().map(Driver::Js) } else { b.build_async().map(Driver::Tokio) });
        let driver = driver.map_err(|e| e.scrubbed(&options.secrets())).map_err(throw(&env))?;
        let (base_url, format) = match &driver {
            Driver::Tokio(client) => (client.endpoint().to_string(), client.format().to_string()),
            Driver::Js(client) => (client.endpoint().to_string(), client.format().to_string()),
        };
        Ok(Self { driver: Some(driver), listening, base_url, format })
    }

    /// Frees the connection pool; later calls fail with `InvalidInput` on `client` (calls in
    /// flight end as they would have).
    #[napi]
    pub fn close(&mut self) {
        self.driver = None;
    }

    /// Whether `close()` was called.
    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.driver.is_none()
    }

    /// Whether anyone listens to call events (set by `index.js` before each call).
    #[napi(setter)]
    pub fn set_listening(&self, on: bool) {
        self.listening.store(on, Ordering::Relaxed);
    }

    /// Runs `operation` (as for `buildRequest`) with `input`.
    #[napi(ts_return_type = "Promise<unknown> | NativeCall")]
    pub fn execute<'env>(
        &self,
        env: &'env Env,
        operation: Unknown,
        input: Unknown,
        abort: Option<&JsAbort>,
    ) -> napi::Result<Started<'env>> {
        let call = string(operation, "operation").and_then(|name| api_call(&name, &json(env, input, "input")?));
        self.run(env, call, abort)
    }
}

/// The native end of a call's `AbortSignal` (`index.js` calls `abort()` from the signal's
/// listener): `abort()` ends the call where it is (the request in flight is abandoned, a pause
/// cut short) and rejects its promise with the engine's `Cancelled` error.
#[napi(js_name = "NativeAbort")]
pub struct JsAbort {
    switch: Arc<watch::Sender<bool>>,
}

/// Completes once `abort` (if any) is aborted, at once if it already is; never without one.
pub(crate) fn cancelled(abort: Option<&JsAbort>) -> impl Future<Output = ()> + Send + 'static {
    // The future holds the sender, so the wait ends only with an abort.
    let switch = abort.map(|a| Arc::clone(&a.switch));
    async move {
        match switch {
            Some(switch) => drop(switch.subscribe().wait_for(|&on| on).await),
            None => std::future::pending().await,
        }
    }
}

#[napi]
impl JsAbort {
    /// A switch not yet flipped.
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self { switch: Arc::new(watch::Sender::new(false)) }
    }

    /// Cancels the call (if it has not ended yet); calling it again does nothing.
    #[napi]
    pub fn abort(&self) {
        self.switch.send_replace(true);
    }
}
