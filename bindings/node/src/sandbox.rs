//! `NativeSandbox`: the in-process emulator (`contactnow_sandbox::Kit`) for users' own tests.

use std::sync::Arc;

use contactnow::input::{camel_case, Reader};
use contactnow_sandbox::{Config, Kit};
use napi::{
    bindgen_prelude::{PromiseRaw, Unknown},
    Env,
};
use napi_derive::napi;
use serde_json::{Map, Value};

use crate::{
    error::throw,
    value::{json, string},
};

/// The in-process sandbox. Wrapped by `Sandbox` in `index.js`.
#[napi(js_name = "NativeSandbox")]
pub struct JsSandbox {
    kit: Arc<Kit>,
    /// The base URL, e.g. `http://127.0.0.1:43121`.
    #[napi(readonly)]
    pub url: String,
    /// The first static token.
    #[napi(readonly)]
    pub token: String,
}

#[napi]
impl JsSandbox {
    /// Starts a sandbox on a free loopback port (`SandboxOptions` in `index.d.ts`).
    #[napi(factory)]
    pub fn start(env: Env, options: Unknown) -> napi::Result<Self> {
        let config = json(&env, options, "options").and_then(|v| Config::from_json(&v, Reader::JAVASCRIPT));
        let kit = config.and_then(Kit::start).map_err(throw(&env))?;
        Ok(Self { url: kit.url().to_owned(), token: kit.token().to_owned(), kit: Arc::new(kit) })
    }

    /// The base URL for a client of the sandbox; throws once stopped.
    #[napi]
    pub fn client_url(&self, env: Env) -> napi::Result<String> {
        self.kit.client_url().map(str::to_owned).map_err(throw(&env))
    }

    /// Queues a fault (`SandboxFault` in `index.d.ts`), refused as `POST /_sandbox/faults` refuses it.
    #[napi]
    pub fn push_fault(&self, env: Env, fault: Unknown) -> napi::Result<()> {
        json(&env, fault, "fault").and_then(|v| self.kit.push_fault(&v)).map_err(throw(&env))
    }

    /// The API requests received so far, oldest first, secrets redacted (keys in camelCase).
    #[napi]
    pub fn requests(&self, env: Env) -> napi::Result<Vec<Value>> {
        let camel = |r| match serde_json::to_value(r) {
            Ok(Value::Object(map)) => Value::Object(map.into_iter().map(|(k, v)| (camel_case(&k), v)).collect()),
            _ => Value::Object(Map::new()),
        };
        self.kit.requests().map(|rs| rs.into_iter().map(camel).collect()).map_err(throw(&env))
    }

    /// The number of API requests received so far.
    #[napi]
    pub fn request_count(&self, env: Env) -> napi::Result<f64> {
        self.kit.request_count().map(|n| n as f64).map_err(throw(&env))
    }

    /// Forgets the recorded requests.
    #[napi]
    pub fn clear_requests(&self, env: Env) -> napi::Result<()> {
        self.kit.clear_requests().map_err(throw(&env))
    }

    /// Makes `token` (default: the kit's) unknown: calls with it answer "Invalid token".
    #[napi]
    pub fn revoke_token(&self, env: Env, token: Option<Unknown>) -> napi::Result<()> {
        let token = token.map(|t| string(t, "token")).transpose();
        token.and_then(|t| self.kit.revoke_token(t.as_deref())).map_err(throw(&env))
    }

    /// Makes `token` (default: the kit's) expired: calls with it answer "Expired token".
    #[napi]
    pub fn expire_token(&self, env: Env, token: Option<Unknown>) -> napi::Result<()> {
        let token = token.map(|t| string(t, "token")).transpose();
        token.and_then(|t| self.kit.expire_token(t.as_deref())).map_err(throw(&env))
    }

    /// Restores the seed data, clears faults and recorded requests, revalidates tokens.
    #[napi]
    pub fn reset(&self, env: Env) -> napi::Result<()> {
        self.kit.reset().map_err(throw(&env))
    }

    /// Whether `stop()` was called.
    #[napi(getter)]
    pub fn stopped(&self) -> bool {
        self.kit.stopped()
    }

    /// Stops the server (off the JavaScript thread: it waits for the server to finish).
    #[napi]
    pub fn stop<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, ()>> {
        let kit = Arc::clone(&self.kit);
        env.spawn_future(async move {
            let _ = tokio::task::spawn_blocking(move || kit.stop()).await;
            Ok(())
        })
    }
}
