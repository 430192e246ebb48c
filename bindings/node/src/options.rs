//! The client's options from a JavaScript object, into `contactnow::options::Options` (which
//! checks them): names in camelCase (snake_case accepted too), durations in milliseconds
//! (`timeoutMs`), as `contactnow::options::option_name` names them for every language.

use std::time::Duration;

use contactnow::options::{option_name, Casing, Options, Retries};
use contactnow_core::Error;
use serde_json::{Map, Value};

use crate::input;

/// `(camelCase key, snake_case key)` of an option (the part after the last `.`).
fn keys(name: &str) -> (String, String) {
    let camel = option_name(name, Casing::Camel);
    let camel = camel.rsplit('.').next().unwrap_or(&camel).to_owned();
    let snake = name.rsplit('.').next().unwrap_or(name);
    let snake = if camel.ends_with("Ms") { format!("{snake}_ms") } else { snake.to_owned() };
    (camel, snake)
}

/// Reads `value` (an options object; `null`/`undefined` is none).
pub(crate) fn read(value: &Value) -> Result<Options, Error> {
    let pairs: Vec<(String, String)> = Options::NAMES.iter().filter(|n| !n.contains('.')).map(|n| keys(n)).collect();
    let allowed: Vec<(&str, &str)> = pairs.iter().map(|(c, s)| (c.as_str(), s.as_str())).collect();
    let map = input::options(value, &allowed)?;
    let text = |name: &str| {
        let (camel, snake) = keys(name);
        input::opt_string(&map, &camel, &snake).map_err(|e| named(e, name))
    };
    let int = |map: &Map<String, Value>, name: &str| {
        let (camel, snake) = keys(name);
        input::opt_integer(map, &camel, &snake).map_err(|e| named(e, name))
    };
    let millis = |map: &Map<String, Value>, name: &str| Ok::<_, Error>(int(map, name)?.map(Duration::from_millis));
    let retries = match map.get("retries").filter(|v| !v.is_null()) {
        None => None,
        Some(Value::Object(_)) => {
            let policy_keys: Vec<(String, String)> =
                Options::NAMES.iter().filter(|n| n.starts_with("retries.")).map(|n| keys(n)).collect();
            let allowed: Vec<(&str, &str)> = policy_keys.iter().map(|(c, s)| (c.as_str(), s.as_str())).collect();
            let policy = input::options(&map["retries"], &allowed).map_err(|e| named(e, "retries"))?;
            Some(Retries::Policy {
                max_attempts: int(&policy, "retries.max_attempts")?.map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
                initial_backoff: millis(&policy, "retries.initial_backoff")?,
                max_backoff: millis(&policy, "retries.max_backoff")?,
            })
        }
        Some(_) => Some(Retries::Count(int(&map, "retries")?.map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)))),
    };
    let (allow, _) = keys("allow_insecure_http");
    Ok(Options {
        token: text("token")?,
        username: text("username")?,
        password: text("password")?,
        base_url: text("base_url")?,
        region: text("region")?,
        format: text("format")?,
        connect_timeout: millis(&map, "connect_timeout")?,
        timeout: millis(&map, "timeout")?,
        total_timeout: millis(&map, "total_timeout")?,
        retries,
        max_response_bytes: int(&map, "max_response_bytes")?,
        proxy: text("proxy")?,
        user_agent: text("user_agent")?,
        batch_size: int(&map, "batch_size")?,
        allow_insecure_http: input::opt_bool(&map, &allow, "allow_insecure_http")
            .map_err(|e| named(e, "allow_insecure_http"))?,
    })
}

/// An error about one option, under the option's `Options` name (`retries.max_attempts`),
/// which the caller then writes in camelCase with `contactnow::options::in_casing`.
fn named(error: Error, name: &str) -> Error {
    match error {
        Error::InvalidInput { reason, .. } => Error::InvalidInput { field: name.to_owned(), reason },
        other => other,
    }
}
