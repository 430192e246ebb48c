//! `NativeSandbox`: the in-process emulator (`contactnow-sandbox`) for users' own tests.

use std::sync::{Mutex, PoisonError};

use contactnow::{input::Reader, Error};
use contactnow_sandbox::{Config, FaultSpec, RecordedRequest, Sandbox, Seed};
use napi::{
    bindgen_prelude::{PromiseRaw, Unknown},
    Env,
};
use napi_derive::napi;
use serde_json::{from_value, json, Map, Value};

use crate::{
    client::{json, string},
    error::{throw, Result},
};

/// A request the sandbox received as JavaScript gets it (`SandboxRequest` in `index.d.ts`).
fn recorded(r: RecordedRequest) -> Value {
    let params: Map<String, Value> = r.params.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
    json!({
        "seq": r.seq, "method": r.method, "path": r.path, "query": r.query, "body": r.body, "fault": r.fault,
        "apiMethod": r.api_method, "action": r.action, "params": params,
    })
}

/// The in-process sandbox. Wrapped by `Sandbox` in `index.js`.
#[napi(js_name = "NativeSandbox")]
pub struct JsSandbox {
    inner: Mutex<Option<Sandbox>>,
    /// The base URL, e.g. `http://127.0.0.1:43121`.
    #[napi(readonly)]
    pub url: String,
    /// The first static token.
    #[napi(readonly)]
    pub token: String,
}

/// The sandbox's settings from `{ seed?, tokens?, users?, accountId? }`.
fn config(options: &Value) -> Result<Config> {
    let mut config = Config::default();
    let Some(map) = options.as_object() else {
        return if options.is_null() { Ok(config) } else { Err(Error::invalid("options", "expected an object")) };
    };
    for (key, value) in map.iter().filter(|(_, v)| !v.is_null()) {
        let bad = |what: String| Error::invalid(key.as_str(), what);
        let list = |what: &str| bad(format!("expected an array of {what}"));
        match key.as_str() {
            "seed" => config.seed = Reader::JAVASCRIPT.text(value, key)?.parse::<Seed>().map_err(bad)?,
            "tokens" => config.tokens = from_value(value.clone()).map_err(|_| list("strings"))?,
            "users" => config.users = from_value(value.clone()).map_err(|_| list("[username, password] pairs"))?,
            "accountId" | "account_id" => config.account_id = Reader::JAVASCRIPT.integer(value, "account_id")?,
            _ => return Err(bad("unknown option; expected seed, tokens, users or accountId".into())),
        }
    }
    Ok(config)
}

impl JsSandbox {
    /// `f` of the sandbox, or an input error once it is stopped.
    fn with<T>(&self, f: impl FnOnce(&Sandbox) -> T) -> Result<T> {
        let guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        guard.as_ref().map(f).ok_or_else(|| Error::invalid("sandbox", "is stopped"))
    }
}

#[napi]
impl JsSandbox {
    /// Starts a sandbox on a free loopback port (`SandboxOptions` in `index.d.ts`).
    #[napi(factory)]
    pub fn start(env: Env, options: Unknown) -> napi::Result<Self> {
        let started = json(&env, options, "options").and_then(|v| config(&v)).and_then(|config| {
            Sandbox::start(config).map_err(|e| Error::invalid("sandbox", format!("cannot start: {e}")))
        });
        let sandbox = started.map_err(throw(&env))?;
        Ok(Self { url: sandbox.base_url(), token: sandbox.token(), inner: Mutex::new(Some(sandbox)) })
    }

    /// Queues a fault (`SandboxFault` in `index.d.ts`), refused as `POST /_sandbox/faults` refuses it.
    #[napi]
    pub fn push_fault(&self, env: Env, fault: Unknown) -> napi::Result<()> {
        let result = json(&env, fault, "fault").and_then(|v| {
            let spec = FaultSpec::from_json(&v).map_err(|(field, why)| Error::invalid(field, why))?;
            self.with(|s| s.try_push_fault(spec))?.map_err(|e| Error::invalid("fault", e.to_string()))
        });
        result.map_err(throw(&env))
    }

    /// The API requests received so far, oldest first, secrets redacted.
    #[napi]
    pub fn requests(&self, env: Env) -> napi::Result<Vec<Value>> {
        self.with(|s| s.requests().into_iter().map(recorded).collect()).map_err(throw(&env))
    }

    /// Forgets the recorded requests.
    #[napi]
    pub fn clear_requests(&self, env: Env) -> napi::Result<()> {
        self.with(Sandbox::clear_requests).map_err(throw(&env))
    }

    /// Makes `token` unknown: calls with it answer "Invalid token".
    #[napi]
    pub fn revoke_token(&self, env: Env, token: Unknown) -> napi::Result<()> {
        string(token, "token").and_then(|token| self.with(|s| s.revoke_token(&token))).map_err(throw(&env))
    }

    /// Makes `token` expired.
    #[napi]
    pub fn expire_token(&self, env: Env, token: Unknown) -> napi::Result<()> {
        string(token, "token").and_then(|token| self.with(|s| s.expire_token(&token))).map_err(throw(&env))
    }

    /// Restores the seed data, clears faults and recorded requests, revalidates tokens.
    #[napi]
    pub fn reset(&self, env: Env) -> napi::Result<()> {
        self.with(Sandbox::reset).map_err(throw(&env))
    }

    /// Stops the server (off the JavaScript thread: it waits for the server to finish).
    #[napi]
    pub fn stop<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, ()>> {
        let sandbox = self.inner.lock().unwrap_or_else(PoisonError::into_inner).take();
        env.spawn_future(async move {
            let _ = tokio::task::spawn_blocking(move || sandbox.map(Sandbox::stop)).await;
            Ok(())
        })
    }
}
