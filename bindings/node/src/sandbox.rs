//! `NativeSandbox`: the in-process emulator (`contactnow-sandbox`) for users' own tests.

use std::sync::{Arc, Mutex, PoisonError};

use contactnow_sandbox::{Config, FaultSpec, RecordedRequest, Sandbox, Seed};
use napi::{
    bindgen_prelude::{AsyncTask, Null, Unknown},
    Either, Env, Task,
};
use napi_derive::napi;
use serde_json::Value;

use crate::{
    client::{json, string},
    error::Failure,
    input,
};

/// A request the sandbox received; secrets are redacted.
#[napi(object, js_name = "SandboxRequest")]
pub struct JsRecordedRequest {
    /// Order of arrival, from 1.
    pub seq: f64,
    /// `'GET'` or `'POST'`.
    pub method: String,
    /// The path, e.g. `/database.php`.
    pub path: String,
    /// The query string as sent, with `token` and `password` values replaced by `***`.
    pub query: String,
    /// The body text.
    pub body: String,
    /// The fault applied to this request (`'status 503'`, `'delay 200 ms'`, ...), or `null`.
    #[napi(ts_type = "string | null")]
    pub fault: Either<String, Null>,
    /// The `method` argument (`'priority'`, `'tod_policy'`), or `null` (`token.php`).
    #[napi(ts_type = "string | null")]
    pub api_method: Either<String, Null>,
    /// The `action` argument (`'create'`, `'read'`, `'get'`, ...), or `null`.
    #[napi(ts_type = "string | null")]
    pub action: Either<String, Null>,
    /// Every argument as the server read it (query string and POST variables, POST
    /// winning), `token` and `password` as `'***'`.
    pub params: std::collections::HashMap<String, String>,
}

fn recorded(r: RecordedRequest) -> JsRecordedRequest {
    JsRecordedRequest {
        seq: r.seq as f64,
        method: r.method,
        path: r.path,
        query: r.query,
        body: r.body,
        fault: r.fault.map_or(Either::B(Null), Either::A),
        api_method: r.api_method.map_or(Either::B(Null), Either::A),
        action: r.action.map_or(Either::B(Null), Either::A),
        params: r.params.into_iter().collect(),
    }
}

/// The in-process sandbox. Wrapped by `Sandbox` in `index.js`.
#[napi(js_name = "NativeSandbox")]
pub struct JsSandbox {
    inner: Arc<Mutex<Option<Sandbox>>>,
    base_url: String,
    token: String,
}

fn config(options: &Value) -> Result<Config, Failure> {
    let map = input::options(
        options,
        &[("seed", "seed"), ("tokens", "tokens"), ("users", "users"), ("accountId", "account_id")],
    )?;
    let mut config = Config::default();
    if let Some(seed) = input::opt_string(&map, "seed", "seed")? {
        config.seed = seed.parse::<Seed>().map_err(|e| Failure::invalid("seed", e))?;
    }
    if let Some(tokens) = map.get("tokens").filter(|v| !v.is_null()) {
        let tokens: Vec<String> = serde_json::from_value(tokens.clone())
            .map_err(|_| Failure::invalid("tokens", "expected an array of strings"))?;
        config.tokens = tokens;
    }
    if let Some(users) = map.get("users").filter(|v| !v.is_null()) {
        let users: Vec<(String, String)> = serde_json::from_value(users.clone())
            .map_err(|_| Failure::invalid("users", "expected an array of [username, password] pairs"))?;
        config.users = users;
    }
    if let Some(account) = input::opt_integer(&map, "accountId", "account_id")? {
        config.account_id = account;
    }
    Ok(config)
}

impl JsSandbox {
    fn with<T>(&self, f: impl FnOnce(&Sandbox) -> T) -> Result<T, Failure> {
        let guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        guard.as_ref().map(f).ok_or_else(|| Failure::invalid("sandbox", "is stopped"))
    }
}

#[napi]
impl JsSandbox {
    /// Starts a sandbox on a free loopback port with `{ seed?: 'empty' | 'demo', tokens?,
    /// users?: [username, password][], accountId? }`.
    #[napi(
        factory,
        ts_args_type = "options?: { seed?: 'empty' | 'demo'; tokens?: string[]; users?: [string, string][]; accountId?: number }"
    )]
    pub fn start(env: Env, options: Unknown) -> napi::Result<Self> {
        let started = json(&env, options, "options").and_then(|v| config(&v)).and_then(|config| {
            Sandbox::start(config).map_err(|e| Failure::invalid("sandbox", format!("cannot start: {e}")))
        });
        match started {
            Ok(sandbox) => Ok(Self {
                base_url: sandbox.base_url(),
                token: sandbox.token(),
                inner: Arc::new(Mutex::new(Some(sandbox))),
            }),
            Err(failure) => Err(failure.into_napi(&env)),
        }
    }

    /// The base URL, e.g. `http://127.0.0.1:43121`.
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.base_url.clone()
    }

    /// The first static token.
    #[napi(getter)]
    pub fn token(&self) -> String {
        self.token.clone()
    }

    /// Queues a fault: `{ kind: 'status', status, retry_after? } | { kind: 'delay', ms } |
    /// { kind: 'reset' } | { kind: 'truncate' } | { kind: 'api_error', error? }`, with
    /// optional `times`, `method`, `action`.
    #[napi(
        ts_args_type = "fault: { kind: 'status' | 'delay' | 'reset' | 'truncate' | 'api_error'; status?: number; retry_after?: number; ms?: number; error?: string; times?: number; method?: string; action?: string }"
    )]
    pub fn push_fault(&self, env: Env, fault: Unknown) -> napi::Result<()> {
        let result = json(&env, fault, "fault").and_then(|v| {
            let spec: FaultSpec =
                serde_json::from_value(v).map_err(|e| Failure::invalid("fault", format!("not a fault: {e}")))?;
            if spec.times == 0 {
                return Err(Failure::invalid("fault.times", "must be at least 1"));
            }
            self.with(|s| s.try_push_fault(spec))?.map_err(|e| Failure::invalid("fault", e.to_string()))
        });
        result.map_err(|f| f.into_napi(&env))
    }

    /// The API requests received so far, oldest first, secrets redacted.
    #[napi]
    pub fn requests(&self, env: Env) -> napi::Result<Vec<JsRecordedRequest>> {
        self.with(|s| s.requests().into_iter().map(recorded).collect()).map_err(|f| f.into_napi(&env))
    }

    /// Forgets the recorded requests.
    #[napi]
    pub fn clear_requests(&self, env: Env) -> napi::Result<()> {
        self.with(Sandbox::clear_requests).map_err(|f| f.into_napi(&env))
    }

    /// Makes `token` unknown: calls with it answer "Invalid token".
    #[napi(ts_args_type = "token: string")]
    pub fn revoke_token(&self, env: Env, token: Unknown) -> napi::Result<()> {
        string(token, "token").and_then(|token| self.with(|s| s.revoke_token(&token))).map_err(|f| f.into_napi(&env))
    }

    /// Makes `token` expired.
    #[napi(ts_args_type = "token: string")]
    pub fn expire_token(&self, env: Env, token: Unknown) -> napi::Result<()> {
        string(token, "token").and_then(|token| self.with(|s| s.expire_token(&token))).map_err(|f| f.into_napi(&env))
    }

    /// Restores the seed data, clears faults and recorded requests, revalidates tokens.
    #[napi]
    pub fn reset(&self, env: Env) -> napi::Result<()> {
        self.with(Sandbox::reset).map_err(|f| f.into_napi(&env))
    }

    /// Stops the server (off the main thread: it waits for the server to finish).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn stop(&self) -> AsyncTask<StopTask> {
        let sandbox = self.inner.lock().unwrap_or_else(PoisonError::into_inner).take();
        AsyncTask::new(StopTask { sandbox })
    }
}

/// Stopping a sandbox, on the libuv thread pool.
pub struct StopTask {
    sandbox: Option<Sandbox>,
}

#[napi]
impl Task for StopTask {
    type Output = ();
    type JsValue = ();

    fn compute(&mut self) -> napi::Result<()> {
        if let Some(sandbox) = self.sandbox.take() {
            sandbox.stop();
        }
        Ok(())
    }

    fn resolve(&mut self, _env: Env, _output: ()) -> napi::Result<()> {
        Ok(())
    }
}
