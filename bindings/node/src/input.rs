//! Reading JavaScript inputs (already converted to JSON values) into the core's types.
//!
//! Ids must be JavaScript safe integers: a number that is not an integer, or lies beyond
//! `Number.MAX_SAFE_INTEGER`, was (or may have been) rounded by JavaScript, so it is
//! rejected with an `InvalidInput` error naming the field, never sent rounded.

use contactnow_core::{Assignment, DefaultAction, Error, Format, NewTodPolicy, TodPolicyUpdate};
use serde_json::{Map, Value};

/// `Number.MAX_SAFE_INTEGER`.
pub(crate) const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// The input as an object, or an error naming `field`.
pub(crate) fn object<'a>(value: &'a Value, field: &str) -> Result<&'a Map<String, Value>, Error> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(Error::invalid(field, format!("expected an object, got {}", type_name(other)))),
    }
}

/// Rejects keys other than `allowed` (each given as `camelCase` and `snake_case`).
fn only_keys(map: &Map<String, Value>, at: &str, allowed: &[(&str, &str)]) -> Result<(), Error> {
    for key in map.keys() {
        if !allowed.iter().any(|(camel, snake)| key == camel || key == snake) {
            let names: Vec<&str> = allowed.iter().map(|(camel, _)| *camel).collect();
            let field = if at.is_empty() { key.clone() } else { format!("{at}.{key}") };
            return Err(Error::invalid(field, format!("unknown property; expected one of {}", names.join(", "))));
        }
    }
    Ok(())
}

/// The value of `camel` or `snake`, treating `null` as absent.
fn get<'a>(map: &'a Map<String, Value>, camel: &str, snake: &str) -> Option<&'a Value> {
    map.get(camel).or_else(|| map.get(snake)).filter(|v| !v.is_null())
}

fn join(at: &str, name: &str) -> String {
    if at.is_empty() {
        name.to_owned()
    } else {
        format!("{at}.{name}")
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null (or NaN, Infinity, undefined)",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A non-negative safe integer.
pub(crate) fn safe_integer(value: &Value, field: &str) -> Result<u64, Error> {
    let not_safe = || {
        Error::invalid(
            field,
            format!(
                "{value} is not a safe integer (at most Number.MAX_SAFE_INTEGER = {MAX_SAFE_INTEGER}); \
                 larger numbers are rounded by JavaScript, so they are refused rather than sent rounded"
            ),
        )
    };
    match value {
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                if u > MAX_SAFE_INTEGER {
                    return Err(not_safe());
                }
                Ok(u)
            } else if n.as_i64().is_some() {
                Err(Error::invalid(field, format!("must not be negative, got {n}")))
            } else {
                match n.as_f64() {
                    Some(f) if f.fract() != 0.0 => Err(Error::invalid(field, format!("must be an integer, got {n}"))),
                    _ => Err(not_safe()),
                }
            }
        }
        other => Err(Error::invalid(field, format!("expected a number, got {}", type_name(other)))),
    }
}

fn required<'a>(map: &'a Map<String, Value>, at: &str, camel: &str, snake: &str) -> Result<&'a Value, Error> {
    get(map, camel, snake).ok_or_else(|| Error::invalid(join(at, camel), "is required"))
}

fn required_id(map: &Map<String, Value>, at: &str, camel: &str, snake: &str) -> Result<u64, Error> {
    safe_integer(required(map, at, camel, snake)?, &join(at, camel))
}

fn optional_id(map: &Map<String, Value>, at: &str, camel: &str, snake: &str) -> Result<Option<u64>, Error> {
    get(map, camel, snake).map(|v| safe_integer(v, &join(at, camel))).transpose()
}

fn string(value: &Value, field: &str) -> Result<String, Error> {
    match value {
        Value::String(s) => Ok(s.clone()),
        other => Err(Error::invalid(field, format!("expected a string, got {}", type_name(other)))),
    }
}

/// A batch: an array of records, or one record on its own.
fn records<T>(value: &Value, read: impl Fn(&Value, &str) -> Result<T, Error>) -> Result<Vec<T>, Error> {
    match value {
        Value::Array(items) => items.iter().enumerate().map(|(i, item)| read(item, &format!("records[{i}]"))).collect(),
        Value::Object(_) => Ok(vec![read(value, "records[0]")?]),
        other => Err(Error::invalid("records", format!("expected an array of records, got {}", type_name(other)))),
    }
}

/// `[{ agentId, queueId, level }]` (or one such object).
pub(crate) fn assignments(value: &Value) -> Result<Vec<Assignment>, Error> {
    records(value, |item, at| {
        let map = object(item, at)?;
        only_keys(map, at, &[("agentId", "agent_id"), ("queueId", "queue_id"), ("level", "level")])?;
        let agent_id = required_id(map, at, "agentId", "agent_id")?;
        let queue_id = required_id(map, at, "queueId", "queue_id")?;
        let level_field = join(at, "level");
        let level = safe_integer(required(map, at, "level", "level")?, &level_field)?;
        let level = u32::try_from(level)
            .map_err(|_| Error::invalid(level_field, format!("must be at most {}, got {level}", u32::MAX)))?;
        Ok(Assignment::new(agent_id, queue_id, level))
    })
}

/// `[{ description, default }]` (or one such object).
pub(crate) fn new_policies(value: &Value) -> Result<Vec<NewTodPolicy>, Error> {
    records(value, |item, at| {
        let map = object(item, at)?;
        only_keys(map, at, &[("description", "description"), ("default", "default")])?;
        let description = string(required(map, at, "description", "description")?, &join(at, "description"))?;
        let default = string(required(map, at, "default", "default")?, &join(at, "default"))?;
        Ok(NewTodPolicy::new(description, DefaultAction::from_wire(&default)))
    })
}

/// `[{ uid, description?, default? }]` (or one such object).
pub(crate) fn policy_updates(value: &Value) -> Result<Vec<TodPolicyUpdate>, Error> {
    records(value, |item, at| {
        let map = object(item, at)?;
        only_keys(map, at, &[("uid", "uid"), ("description", "description"), ("default", "default")])?;
        let mut update = TodPolicyUpdate::new(required_id(map, at, "uid", "uid")?);
        if let Some(description) = get(map, "description", "description") {
            update = update.description(string(description, &join(at, "description"))?);
        }
        if let Some(default) = get(map, "default", "default") {
            update = update.default_action(DefaultAction::from_wire(&string(default, &join(at, "default"))?));
        }
        Ok(update)
    })
}

/// An optional filter id: a positive safe integer (ids on this API start at 1).
fn filter_id(map: &Map<String, Value>, camel: &str, snake: &str) -> Result<Option<u64>, Error> {
    match optional_id(map, "", camel, snake)? {
        Some(0) => Err(Error::invalid(camel, "must be a positive id, got 0")),
        other => Ok(other),
    }
}

/// Read filters of `priority.read`: `{ agentId?, queueId? }`.
pub(crate) fn assignment_filter(value: &Value) -> Result<(Option<u64>, Option<u64>), Error> {
    if value.is_null() {
        return Ok((None, None));
    }
    let map = object(value, "filter")?;
    only_keys(map, "", &[("agentId", "agent_id"), ("queueId", "queue_id")])?;
    Ok((filter_id(map, "agentId", "agent_id")?, filter_id(map, "queueId", "queue_id")?))
}

/// Read filter of `todPolicies.read`: `{ policyId? }`.
pub(crate) fn policy_filter(value: &Value) -> Result<Option<u64>, Error> {
    if value.is_null() {
        return Ok(None);
    }
    let map = object(value, "filter")?;
    only_keys(map, "", &[("policyId", "policy_id")])?;
    filter_id(map, "policyId", "policy_id")
}

/// An optional string option.
pub(crate) fn opt_string(map: &Map<String, Value>, camel: &str, snake: &str) -> Result<Option<String>, Error> {
    get(map, camel, snake).map(|v| string(v, camel)).transpose()
}

/// An optional non-negative integer option.
pub(crate) fn opt_integer(map: &Map<String, Value>, camel: &str, snake: &str) -> Result<Option<u64>, Error> {
    optional_id(map, "", camel, snake)
}

/// An optional boolean option.
pub(crate) fn opt_bool(map: &Map<String, Value>, camel: &str, snake: &str) -> Result<Option<bool>, Error> {
    match get(map, camel, snake) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(Error::invalid(camel, format!("expected a boolean, got {}", type_name(other)))),
    }
}

/// An optional `format` option: `'json'` (the default) or `'xml'`.
pub(crate) fn opt_format(map: &Map<String, Value>) -> Result<Format, Error> {
    match opt_string(map, "format", "format")? {
        None => Ok(Format::Json),
        Some(text) => text.parse(),
    }
}

/// Checks that an options object has only `allowed` keys.
pub(crate) fn options(value: &Value, allowed: &[(&str, &str)]) -> Result<Map<String, Value>, Error> {
    if value.is_null() {
        return Ok(Map::new());
    }
    let map = object(value, "options")?;
    only_keys(map, "", allowed)?;
    Ok(map.clone())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn field_of(err: Error) -> String {
        match err {
            Error::InvalidInput { field, .. } => field,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    #[test]
    fn accepts_both_casings_and_single_records() {
        let a = assignments(&json!([{"agentId": 1, "queue_id": 2, "level": 3}])).unwrap();
        assert_eq!(a, vec![Assignment::new(1, 2, 3)]);
        assert_eq!(assignments(&json!({"agentId": 1, "queueId": 2, "level": 0})).unwrap().len(), 1);
    }

    #[test]
    fn rejects_unsafe_and_fractional_ids() {
        let max = json!(MAX_SAFE_INTEGER);
        assert_eq!(safe_integer(&max, "x").unwrap(), MAX_SAFE_INTEGER);
        for bad in [json!(MAX_SAFE_INTEGER + 1), json!(1.5), json!(-1), json!(1e300), json!("7"), Value::Null] {
            assert!(safe_integer(&bad, "x").is_err(), "{bad}");
        }
        let err = assignments(&json!([{"agentId": 1, "queueId": 2, "level": 3}, {"agentId": 9007199254740992_u64, "queueId": 2, "level": 3}]))
            .unwrap_err();
        assert!(err.to_string().contains("safe integer"));
        assert_eq!(field_of(err), "records[1].agentId");
    }

    #[test]
    fn unknown_and_missing_keys_are_named() {
        assert_eq!(field_of(assignments(&json!([{"agentID": 1}])).unwrap_err()), "records[0].agentID");
        assert_eq!(field_of(assignments(&json!([{"agentId": 1, "level": 1}])).unwrap_err()), "records[0].queueId");
        assert_eq!(field_of(assignment_filter(&json!({"agentid": 5})).unwrap_err()), "agentid");
        assert_eq!(
            field_of(new_policies(&json!([{"description": 5, "default": "queue"}])).unwrap_err()),
            "records[0].description"
        );
    }

    #[test]
    fn filters_and_updates() {
        assert_eq!(assignment_filter(&Value::Null).unwrap(), (None, None));
        assert_eq!(assignment_filter(&json!({"queueId": 4, "agentId": null})).unwrap(), (None, Some(4)));
        assert_eq!(policy_filter(&json!({"policy_id": 8})).unwrap(), Some(8));
        let u = policy_updates(&json!({"uid": 3, "default": "jump:7"})).unwrap();
        assert_eq!(u[0].default, Some(DefaultAction::Jump(7)));
        assert_eq!(u[0].description, None);
    }
}
