//! The sandbox as every binding's test kit offers it: started from the options a language
//! passes as plain data, held by a foreign object that may be stopped while other calls hold
//! it, each mistake an [`Error::InvalidInput`](CoreError::InvalidInput) naming its field
//! (`seed`, `account_id`, `fault.times`, `sandbox`), the same in every language.

use std::sync::{Mutex, PoisonError};

use contactnow_core::{
    input::{camel_case, Reader},
    Error as CoreError,
};
use serde_json::Value;

use crate::{Config, FaultSpec, RecordedRequest, Sandbox, Seed};

impl Config {
    /// The settings of `{seed?, tokens?, users?, account_id?}` (keys in snake_case or
    /// camelCase, each once; `null` is absent): `seed` `empty` or `demo`, `tokens` a list
    /// of non-empty strings, `users` a list of `[username, password]` pairs, `account_id` a
    /// positive integer. Errors name the field in snake_case.
    pub fn from_json(options: &Value, reader: Reader) -> Result<Config, CoreError> {
        let mut config = Config::default();
        let Some(map) = options.as_object() else {
            return if options.is_null() {
                Ok(config)
            } else {
                Err(CoreError::invalid("options", "expected an object"))
            };
        };
        let mut seen = Vec::new();
        for (key, value) in map.iter().filter(|(_, v)| !v.is_null()) {
            let name =
                ["seed", "tokens", "users", "account_id"].into_iter().find(|n| *n == key || camel_case(n) == *key);
            let Some(name) = name else {
                let reason = "unknown option; expected seed, tokens, users or account_id";
                return Err(CoreError::invalid(key.as_str(), reason));
            };
            if seen.contains(&name) {
                return Err(CoreError::invalid(name, "given twice (under two spellings)"));
            }
            seen.push(name);
            let bad = |reason: &str| CoreError::invalid(name, reason);
            match name {
                "seed" => config.seed = reader.text(value, name)?.parse::<Seed>().map_err(|e| bad(&e))?,
                "tokens" => {
                    config.tokens =
                        serde_json::from_value(value.clone()).map_err(|_| bad("expected a list of strings"))?
                }
                "users" => {
                    config.users = serde_json::from_value(value.clone())
                        .map_err(|_| bad("expected a list of [username, password] pairs"))?
                }
                _ => config.account_id = reader.integer(value, name)?,
            }
        }
        config.check()?;
        Ok(config)
    }

    /// Whether a test kit can start with these settings: an `InvalidInput` on `tokens` for
    /// no token or an empty one (the kit's token is the first), on `account_id` for account 0.
    pub fn check(&self) -> Result<(), CoreError> {
        if self.tokens.is_empty() {
            return Err(CoreError::invalid("tokens", "must hold a token (the kit's token is the first)"));
        }
        if self.tokens.iter().any(String::is_empty) {
            return Err(CoreError::invalid("tokens", "must not hold an empty token"));
        }
        if self.account_id == 0 {
            return Err(CoreError::invalid("account_id", "must be a positive account id"));
        }
        Ok(())
    }
}

/// A running sandbox held by a foreign object: [`Kit::stop`] may come while other calls
/// hold it; every use after that is an error naming `sandbox`.
pub struct Kit {
    sandbox: Mutex<Option<Sandbox>>,
    url: String,
    token: String,
}

impl std::fmt::Debug for Kit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kit").field("url", &self.url).finish_non_exhaustive()
    }
}

impl Kit {
    /// Starts a sandbox on a free loopback port with `config` (see [`Config::check`]).
    pub fn start(config: Config) -> Result<Kit, CoreError> {
        config.check()?;
        let sandbox =
            Sandbox::start(config).map_err(|e| CoreError::invalid("sandbox", format!("cannot start: {e}")))?;
        Ok(Kit { url: sandbox.base_url(), token: sandbox.token(), sandbox: Mutex::new(Some(sandbox)) })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The first static token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The base URL a client of the kit goes to (see [`crate::CLIENT_TIMEOUT`] for the rest
    /// of a kit's client): an `InvalidInput` on `sandbox` once stopped, as every use but
    /// reading [`Kit::url`] and [`Kit::token`].
    pub fn client_url(&self) -> Result<&str, CoreError> {
        self.with(|_| ())?;
        Ok(&self.url)
    }

    /// `f` of the sandbox, or an error once it is stopped.
    pub fn with<T>(&self, f: impl FnOnce(&Sandbox) -> T) -> Result<T, CoreError> {
        let guard = self.sandbox.lock().unwrap_or_else(PoisonError::into_inner);
        guard.as_ref().map(f).ok_or_else(|| CoreError::invalid("sandbox", "is stopped"))
    }

    /// Queues the fault `fault` (see [`FaultSpec::from_json`], which checks it).
    pub fn push_fault(&self, fault: &Value) -> Result<(), CoreError> {
        self.queue(FaultSpec::from_json(fault)?)
    }

    /// Queues `spec` (see [`FaultSpec::check`]).
    pub fn push(&self, spec: FaultSpec) -> Result<(), CoreError> {
        spec.check()?;
        self.queue(spec)
    }

    /// Queues a checked `spec`.
    fn queue(&self, spec: FaultSpec) -> Result<(), CoreError> {
        self.with(|s| s.try_push_fault(spec))?.map_err(|e| CoreError::invalid("fault", e.to_string()))
    }

    /// The API requests received so far, oldest first, secrets redacted.
    pub fn requests(&self) -> Result<Vec<RecordedRequest>, CoreError> {
        self.with(Sandbox::requests)
    }

    /// The number of API requests received so far.
    pub fn request_count(&self) -> Result<u64, CoreError> {
        self.with(|s| s.requests().len() as u64)
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) -> Result<(), CoreError> {
        self.with(Sandbox::clear_requests)
    }

    /// Makes `token` (by default the kit's, [`Kit::token`]) expired: calls with it answer
    /// "Expired token".
    pub fn expire_token(&self, token: Option<&str>) -> Result<(), CoreError> {
        self.with(|s| s.expire_token(token.unwrap_or(&self.token)))
    }

    /// Makes `token` (by default the kit's) unknown: calls with it answer "Invalid token".
    pub fn revoke_token(&self, token: Option<&str>) -> Result<(), CoreError> {
        self.with(|s| s.revoke_token(token.unwrap_or(&self.token)))
    }

    /// Returns to the seed data, clears faults and recorded requests, revalidates tokens.
    pub fn reset(&self) -> Result<(), CoreError> {
        self.with(Sandbox::reset)
    }

    /// Stops the server and waits for it to finish (again: nothing).
    pub fn stop(&self) {
        let sandbox = self.sandbox.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(sandbox) = sandbox {
            sandbox.stop();
        }
    }

    /// Whether [`Kit::stop`] was called.
    pub fn stopped(&self) -> bool {
        self.sandbox.lock().unwrap_or_else(PoisonError::into_inner).is_none()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn field(error: CoreError) -> String {
        match error {
            CoreError::InvalidInput { field, .. } => field,
            other => format!("not an input error: {other}"),
        }
    }

    #[test]
    fn options_read_in_either_casing_and_name_their_field() {
        let config = Config::from_json(&json!({"seed": "demo", "accountId": 7, "users": [["u", "p"]]}), Reader::ANY);
        let config = config.unwrap_or_default();
        assert_eq!((config.seed, config.account_id), (Seed::Demo, 7));
        assert_eq!(config.users, vec![("u".to_owned(), "p".to_owned())]);
        let bad = |options| Config::from_json(&options, Reader::ANY).map(drop).map_err(field);
        assert_eq!(bad(json!({"seed": "full"})), Err("seed".into()));
        assert_eq!(bad(json!({"account_id": -1})), Err("account_id".into()));
        assert_eq!(bad(json!({"tokens": "t"})), Err("tokens".into()));
        assert_eq!(bad(json!({"seeds": "demo"})), Err("seeds".into()));
        assert_eq!(bad(json!("a-token")), Err("options".into()));
        assert_eq!(bad(json!({"accountId": 0})), Err("account_id".into()));
        assert_eq!(bad(json!({"tokens": [""]})), Err("tokens".into()));
        assert_eq!(bad(json!({"account_id": 1, "accountId": 2})), Err("account_id".into()));
        assert_eq!(bad(json!({"account_id": null, "accountId": 2})), Ok(()));
        let config = Config { account_id: 0, ..Config::default() };
        assert_eq!(Kit::start(config).map(drop).map_err(field), Err("account_id".into()));
    }

    #[test]
    fn a_stopped_kit_refuses_every_use() {
        let Ok(kit) = Kit::start(Config::default()) else { panic!("the sandbox did not start") };
        assert_eq!(kit.push_fault(&json!({"kind": "reset", "times": 0})).map_err(field), Err("fault.times".into()));
        assert!(kit.push_fault(&json!({"kind": "reset"})).is_ok());
        let status = json!({"kind": "status", "status": 429, "retryAfter": 1});
        assert!(kit.push_fault(&status).is_ok());
        let twice = json!({"kind": "status", "status": 429, "retryAfter": 1, "retry_after": 1});
        assert_eq!(kit.push_fault(&twice).map_err(field), Err("fault.retry_after".into()));
        let spec = FaultSpec::new(crate::Fault::Reset).times(0);
        assert_eq!(kit.push(spec).map_err(field), Err("fault.times".into()));
        kit.stop();
        kit.stop();
        assert!(kit.stopped());
        assert_eq!(kit.requests().map_err(field), Err("sandbox".into()));
        assert_eq!(kit.request_count().map_err(field), Err("sandbox".into()));
        assert_eq!(kit.expire_token(None).map_err(field), Err("sandbox".into()));
        assert_eq!(kit.reset().map_err(field), Err("sandbox".into()));
    }
}
