//! Operation inputs from a language's own values, read once for every binding.
//!
//! A binding turns its caller's value (a Python dict, a JavaScript object) into a
//! [`serde_json::Value`] and reads it here, so that every language accepts the same keys and
//! names the same field in its errors. The rules:
//!
//! - keys in snake_case (`agent_id`) or camelCase (`agentId`); record fields also by their
//!   wire names (`agentid`, `qid`); a field given under two spellings is refused;
//! - a batch is a list of records, or one record on its own; record `i` is `records[i]`;
//! - `null` is the same as absent;
//! - ids and levels are non-negative integers up to the [`Reader`]'s `max_integer` (2^53 - 1
//!   in JavaScript, where a larger number may already have been rounded); booleans are not
//!   numbers;
//! - every error is [`Error::InvalidInput`] naming the field in snake_case
//!   (`records[1].agent_id`), which bindings write in their casing (`contactnow::options::in_casing`).
//!
//! Values are checked further (ids > 0, texts, actions) when the request is built.

use serde_json::Value;

use crate::{
    ApiCall, Assignment, CreateAssignments, CreatePolicies, DefaultAction, Error, GenericCall, GetToken, NewTodPolicy,
    ReadAssignments, ReadPolicies, TodPolicyUpdate, UpdateAssignments, UpdatePolicies, ValidateToken,
};

/// Reads inputs with one language's integer limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader {
    /// The largest integer accepted: larger ones are refused rather than sent.
    pub max_integer: u64,
}

/// A field: its snake_case name and the other spellings accepted for it (its camelCase and,
/// for record fields, its wire name), listed so that reading a key compares text only.
type Field = (&'static str, &'static [&'static str]);

const AGENT_ID: Field = ("agent_id", &["agentId", "agentid"]);
const QUEUE_ID: Field = ("queue_id", &["queueId", "qid"]);
const LEVEL: Field = ("level", &[]);
const UID: Field = ("uid", &[]);
const DESCRIPTION: Field = ("description", &[]);
const DEFAULT: Field = ("default", &[]);
const FILTER_AGENT_ID: Field = ("agent_id", &["agentId"]);
const FILTER_QUEUE_ID: Field = ("queue_id", &["queueId"]);
const POLICY_ID: Field = ("policy_id", &["policyId"]);
/// The input of `call`: the method and action, then the options of [`Reader::generic`].
const GENERIC: [Field; 5] = [("method", &[]), ("action", &[]), ("filters", &[]), ("records", &[]), ("repeatable", &[])];

/// Where an object is: the top of the input, or record `i` of a batch. Paths are written
/// only for errors.
#[derive(Debug, Clone, Copy)]
enum At {
    Top,
    Record(usize),
}

impl At {
    /// The path of field `name` here: `name`, or `records[i].name`.
    fn join(self, name: &str) -> String {
        match self {
            At::Top => name.to_owned(),
            At::Record(i) => format!("records[{i}].{name}"),
        }
    }

    /// The path of the object itself.
    fn path(self) -> String {
        match self {
            At::Top => "input".to_owned(),
            At::Record(i) => format!("records[{i}]"),
        }
    }
}

/// `error` (about a value read as `name`) moved to the path of `name` at `at`.
fn located(error: Error, at: At) -> Error {
    match (error, at) {
        (Error::InvalidInput { field, reason }, At::Record(_)) => {
            Error::InvalidInput { field: at.join(&field), reason }
        }
        (error, _) => error,
    }
}

/// What a value is, for error texts.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The camelCase of a snake_case name or field path: `policy_id` -> `policyId`,
/// `records[1].agent_id` -> `records[1].agentId` (the one rule every binding writes names by).
pub fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' && !out.is_empty() && !out.ends_with(['.', '[']) {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// How the reason of an unknown key's error starts; the names it could have been follow,
/// comma-separated (`in_casing` writes those in the caller's casing, the key as written).
pub const UNKNOWN_KEY: &str = "unknown key; expected ";

/// The most fields an object of the input has.
const MOST_FIELDS: usize = 5;

/// An object's fields by their snake_case names, every key known and given once (no
/// allocation: this runs for every record of a batch).
struct Fields<'a> {
    at: At,
    known: &'a [Field],
    /// The value of `known[i]`, if given and not `null`.
    found: [Option<&'a Value>; MOST_FIELDS],
}

impl<'a> Fields<'a> {
    /// Reads `value` (an object; `null` is an empty one at the top) against `known` (at most
    /// [`MOST_FIELDS`]).
    fn of(value: &'a Value, at: At, known: &'a [Field]) -> Result<Self, Error> {
        let mut fields = Self { at, known, found: [None; MOST_FIELDS] };
        let map = match value {
            Value::Object(map) => map,
            Value::Null if matches!(at, At::Top) => return Ok(fields),
            other => return Err(Error::invalid(at.path(), format!("expected an object, got {}", kind(other)))),
        };
        debug_assert!(known.len() <= MOST_FIELDS, "an object of at most {MOST_FIELDS} fields");
        for (key, item) in map {
            let key = key.as_str();
            let index = known.iter().position(|(snake, others)| key == *snake || others.contains(&key));
            let Some(index) = index.filter(|&i| i < MOST_FIELDS) else {
                let names: Vec<&str> = known.iter().map(|(snake, _)| *snake).collect();
                return Err(Error::invalid(at.join(key), format!("{UNKNOWN_KEY}{}", names.join(", "))));
            };
            // `null` is absent: it neither counts as given nor hides another spelling.
            if item.is_null() {
                continue;
            }
            if fields.found[index].replace(item).is_some() {
                return Err(Error::invalid(at.join(known[index].0), "given twice (under two spellings)"));
            }
        }
        Ok(fields)
    }

    fn get(&self, name: &str) -> Option<&'a Value> {
        self.known.iter().position(|(snake, _)| *snake == name).and_then(|i| *self.found.get(i)?)
    }

    fn required(&self, name: &str) -> Result<&'a Value, Error> {
        self.get(name).ok_or_else(|| Error::invalid(self.at.join(name), "is required"))
    }

    /// Field `name` read by `read` (a [`Reader`] method), if given.
    fn optional<T>(&self, name: &str, read: impl Fn(&Value, &str) -> Result<T, Error>) -> Result<Option<T>, Error> {
        self.get(name).map(|v| read(v, name).map_err(|e| located(e, self.at))).transpose()
    }

    /// Field `name` read by `read`, which must be given.
    fn read<T>(&self, name: &str, read: impl Fn(&Value, &str) -> Result<T, Error>) -> Result<T, Error> {
        read(self.required(name)?, name).map_err(|e| located(e, self.at))
    }
}

impl Reader {
    /// Every integer a `u64` holds (Python, Rust, Kotlin, Swift).
    pub const ANY: Reader = Reader { max_integer: u64::MAX };
    /// JavaScript's safe integers (`Number.MAX_SAFE_INTEGER`).
    pub const JAVASCRIPT: Reader = Reader { max_integer: (1 << 53) - 1 };

    /// A non-negative integer up to `max_integer`.
    pub fn integer(&self, value: &Value, field: &str) -> Result<u64, Error> {
        let too_large = |n: &dyn std::fmt::Display| {
            Error::invalid(
                field,
                format!(
                    "{n} is not a safe integer (at most {}): a larger number may have been rounded, \
                     so it is refused rather than sent",
                    self.max_integer
                ),
            )
        };
        let Value::Number(n) = value else {
            return Err(Error::invalid(field, format!("expected an integer, got {}", kind(value))));
        };
        if let Some(u) = n.as_u64() {
            return if u > self.max_integer { Err(too_large(&u)) } else { Ok(u) };
        }
        if n.as_i64().is_some() {
            return Err(Error::invalid(field, format!("must not be negative, got {n}")));
        }
        match n.as_f64() {
            Some(f) if f < 0.0 => Err(Error::invalid(field, format!("must not be negative, got {n}"))),
            Some(f) if f.fract() != 0.0 => Err(Error::invalid(field, format!("must be an integer, got {n}"))),
            // A float that holds an integer exactly (Python's `1234.0`) is still a float.
            Some(f) if f <= Reader::JAVASCRIPT.max_integer as f64 => {
                Err(Error::invalid(field, format!("must be an integer, got the float {n}")))
            }
            _ => Err(too_large(n)),
        }
    }

    /// An integer that fits in a `u32` (levels, counts).
    pub fn small(&self, value: &Value, field: &str) -> Result<u32, Error> {
        let n = self.integer(value, field)?;
        u32::try_from(n).map_err(|_| Error::invalid(field, format!("must be at most {}, got {n}", u32::MAX)))
    }

    /// A string.
    pub fn text(&self, value: &Value, field: &str) -> Result<String, Error> {
        match value {
            Value::String(s) => Ok(s.clone()),
            other => Err(Error::invalid(field, format!("expected a string, got {}", kind(other)))),
        }
    }

    /// A boolean.
    pub fn boolean(&self, value: &Value, field: &str) -> Result<bool, Error> {
        match value {
            Value::Bool(b) => Ok(*b),
            other => Err(Error::invalid(field, format!("expected a boolean, got {}", kind(other)))),
        }
    }

    /// A default action's wire text (`queue`, `jump:12`); unknown words are kept, and refused
    /// when the request is built.
    fn action(&self, value: &Value, field: &str) -> Result<DefaultAction, Error> {
        Ok(DefaultAction::from_wire(&self.text(value, field)?))
    }

    /// A batch: a list of records, or one record; `read` gets each with where it is.
    fn batch<T>(&self, value: &Value, read: impl Fn(&Value, At) -> Result<T, Error>) -> Result<Vec<T>, Error> {
        match value {
            Value::Array(items) => items.iter().enumerate().map(|(i, item)| read(item, At::Record(i))).collect(),
            Value::Object(_) => Ok(vec![read(value, At::Record(0))?]),
            other => Err(Error::invalid("records", format!("expected a list of records, got {}", kind(other)))),
        }
    }

    /// Assignments `{agent_id, queue_id, level}`.
    pub fn assignments(&self, value: &Value) -> Result<Vec<Assignment>, Error> {
        self.batch(value, |item, at| {
            let f = Fields::of(item, at, &[AGENT_ID, QUEUE_ID, LEVEL])?;
            Ok(Assignment {
                agent_id: f.read("agent_id", |v, n| self.integer(v, n))?,
                queue_id: f.read("queue_id", |v, n| self.integer(v, n))?,
                level: f.read("level", |v, n| self.small(v, n))?,
            })
        })
    }

    /// New policies `{description, default}`.
    pub fn new_policies(&self, value: &Value) -> Result<Vec<NewTodPolicy>, Error> {
        self.batch(value, |item, at| {
            let f = Fields::of(item, at, &[DESCRIPTION, DEFAULT])?;
            Ok(NewTodPolicy {
                description: f.read("description", |v, n| self.text(v, n))?,
                default: f.read("default", |v, n| self.action(v, n))?,
            })
        })
    }

    /// Policy updates `{uid, description?, default?}`.
    pub fn policy_updates(&self, value: &Value) -> Result<Vec<TodPolicyUpdate>, Error> {
        self.batch(value, |item, at| {
            let f = Fields::of(item, at, &[UID, DESCRIPTION, DEFAULT])?;
            Ok(TodPolicyUpdate {
                uid: f.read("uid", |v, n| self.integer(v, n))?,
                description: f.optional("description", |v, n| self.text(v, n))?,
                default: f.optional("default", |v, n| self.action(v, n))?,
            })
        })
    }

    /// The filters of a `priority` read: `{agent_id?, queue_id?}`.
    pub fn read_assignments(&self, value: &Value) -> Result<ReadAssignments, Error> {
        let f = Fields::of(value, At::Top, &[FILTER_AGENT_ID, FILTER_QUEUE_ID])?;
        let id = |name| f.optional(name, |v, n| self.integer(v, n));
        Ok(ReadAssignments { agent_id: id("agent_id")?, queue_id: id("queue_id")? })
    }

    /// The filter of a `tod_policy` read: `{policy_id?}`.
    pub fn read_policies(&self, value: &Value) -> Result<ReadPolicies, Error> {
        let f = Fields::of(value, At::Top, &[POLICY_ID])?;
        Ok(ReadPolicies { policy_id: f.optional("policy_id", |v, n| self.integer(v, n))? })
    }

    /// Field/value pairs of an object whose values are strings or integers.
    fn pairs(&self, value: &Value, at: &str) -> Result<Vec<(String, String)>, Error> {
        let Value::Object(map) = value else {
            return Err(Error::invalid(at, format!("expected an object, got {}", kind(value))));
        };
        map.iter()
            .map(|(key, item)| match item {
                Value::String(s) => Ok((key.clone(), s.clone())),
                Value::Number(_) => Ok((key.clone(), self.integer(item, &format!("{at}.{key}"))?.to_string())),
                other => Err(Error::invalid(
                    format!("{at}.{key}"),
                    format!("expected a string or an integer, got {}", kind(other)),
                )),
            })
            .collect()
    }

    /// A generic call of `method` and `action`, from `{filters?, records?, repeatable?}`:
    /// filters an object of strings or integers, records a list of such objects.
    pub fn generic(&self, method: &str, action: &str, options: &Value) -> Result<GenericCall, Error> {
        self.generic_of(method, action, &Fields::of(options, At::Top, &GENERIC[2..])?)
    }

    /// The generic call of `method` and `action` with the options in `f`.
    fn generic_of(&self, method: &str, action: &str, f: &Fields<'_>) -> Result<GenericCall, Error> {
        let mut call = GenericCall::read(method, action);
        if let Some(filters) = f.get("filters") {
            call.filters = self.pairs(filters, "filters")?;
        }
        if let Some(records) = f.get("records") {
            let Value::Array(list) = records else {
                return Err(Error::invalid("records", format!("expected a list of objects, got {}", kind(records))));
            };
            call.records = list
                .iter()
                .enumerate()
                .map(|(i, r)| self.pairs(r, &format!("records[{i}]")))
                .collect::<Result<_, _>>()?;
        }
        let repeatable = f.optional("repeatable", |v, n| self.boolean(v, n))?;
        if !call.records.is_empty() {
            // Reads are always repeatable; a write only when the caller says so.
            call.repeatable = repeatable.unwrap_or(false);
        }
        Ok(call)
    }

    /// The operation `name` ([`ApiCall::NAMES`], or a spelling [`ApiCall::canonical`] knows)
    /// with `input`: `records` for writes, the filters for reads, `username` and `password`
    /// for `token.get`, `token` for `token.validate`, and for `call` the `method` and
    /// `action` with the options of [`Reader::generic`].
    pub fn call(&self, name: &str, input: &Value) -> Result<ApiCall, Error> {
        let records =
            || -> Result<&Value, Error> { Fields::of(input, At::Top, &[("records", &[])])?.required("records") };
        let texts = |keys: &[Field]| -> Result<Vec<String>, Error> {
            let f = Fields::of(input, At::Top, keys)?;
            keys.iter().map(|(key, _)| self.text(f.required(key)?, key)).collect()
        };
        Ok(match ApiCall::canonical(name) {
            "priority.create" => {
                ApiCall::CreateAssignments(CreateAssignments { records: self.assignments(records()?)? })
            }
            "priority.update" => {
                ApiCall::UpdateAssignments(UpdateAssignments { records: self.assignments(records()?)? })
            }
            "tod_policy.create" => ApiCall::CreatePolicies(CreatePolicies { records: self.new_policies(records()?)? }),
            "tod_policy.update" => {
                ApiCall::UpdatePolicies(UpdatePolicies { records: self.policy_updates(records()?)? })
            }
            "priority.read" => ApiCall::ReadAssignments(self.read_assignments(input)?),
            "tod_policy.read" => ApiCall::ReadPolicies(self.read_policies(input)?),
            "token.get" => {
                let [username, password]: [String; 2] =
                    texts(&[("username", &[]), ("password", &[])])?.try_into().unwrap_or_default();
                ApiCall::GetToken(GetToken::new(username, password))
            }
            "token.validate" => {
                let token = texts(&[("token", &[])])?.pop().unwrap_or_default();
                ApiCall::ValidateToken(ValidateToken::new(token))
            }
            "call" => {
                let f = Fields::of(input, At::Top, &GENERIC)?;
                let text = |name| f.read(name, |v, n| self.text(v, n));
                ApiCall::Generic(self.generic_of(&text("method")?, &text("action")?, &f)?)
            }
            _ => {
                let known = ApiCall::NAMES.join(", ");
                return Err(Error::invalid(
                    "operation",
                    format!("unknown operation {name:?}; expected one of {known}"),
                ));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn field(result: Result<impl std::fmt::Debug, Error>) -> String {
        match result {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("expected an input error, got {other:?}"),
        }
    }

    #[test]
    fn every_spelling_reads_the_same_record() {
        let any = Reader::ANY;
        for record in [
            json!({"agent_id": 1, "queue_id": 2, "level": 3}),
            json!({"agentId": 1, "queueId": 2, "level": 3}),
            json!([{"agentid": 1, "qid": 2, "level": 3}]),
        ] {
            assert_eq!(any.assignments(&record), Ok(vec![Assignment::new(1, 2, 3)]));
        }
        let read = any.call("priority.read", &json!({"queueId": 4, "agent_id": null}));
        assert_eq!(read, Ok(ApiCall::ReadAssignments(ReadAssignments { agent_id: None, queue_id: Some(4) })));
        let update = any.policy_updates(&json!({"uid": 3, "default": "jump:7"})).map(|u| u[0].clone());
        assert_eq!(update, Ok(TodPolicyUpdate::new(3).default_action(DefaultAction::Jump(7))));
    }

    #[test]
    fn each_mistake_names_its_field() {
        let any = Reader::ANY;
        let records = |r: Value| json!({ "records": r });
        assert_eq!(field(any.call("priority.delete", &json!({}))), "operation");
        assert_eq!(field(any.call("priority.create", &json!({}))), "records");
        assert_eq!(field(any.call("priority.read", &json!({"agent": 1}))), "agent");
        assert_eq!(field(any.call("priority.read", &json!({"agent_id": "x"}))), "agent_id");
        assert_eq!(field(any.call("priority.read", &json!([1]))), "input");
        let bad = records(json!([{"agentId": 1, "queueId": 2, "level": 3}, {"agentId": 1, "level": 1}]));
        assert_eq!(field(any.call("priority.create", &bad)), "records[1].queue_id");
        let twice = records(json!([{"agentId": 1, "agent_id": 1, "queueId": 2, "level": 3}]));
        assert_eq!(field(any.call("priority.create", &twice)), "records[0].agent_id");
        assert_eq!(field(any.assignments(&json!({"agentID": 1}))), "records[0].agentID");
        assert_eq!(field(any.assignments(&json!({"agentId": true, "queueId": 2, "level": 3}))), "records[0].agent_id");
        assert_eq!(
            field(any.assignments(&json!({"agentId": 1, "queueId": 2, "level": 1_u64 << 32}))),
            "records[0].level"
        );
        assert_eq!(field(any.new_policies(&json!([{"description": 5, "default": "queue"}]))), "records[0].description");
        assert_eq!(field(any.call("token.get", &json!({"username": "u"}))), "password");
        assert_eq!(field(any.generic("queues", "read", &json!({"filters": {"qid": [1]}}))), "filters.qid");
        assert_eq!(field(any.generic("queues", "create", &json!({"records": [{"a": "1"}, 2]}))), "records[1]");
        assert_eq!(field(any.call("call", &json!({"method": "queues"}))), "action");
        assert_eq!(field(any.call("call", &json!({"method": 5, "action": "read"}))), "method");
        assert_eq!(field(any.call("call", &json!({"method": "queues", "action": "read", "filter": {}}))), "filter");
        assert_eq!(field(any.call("call", &json!({"method": "q", "action": "r", "repeatable": 1}))), "repeatable");
    }

    #[test]
    fn null_is_absent_under_any_spelling() {
        let read = Reader::ANY.assignments(&json!({"agent_id": null, "agentId": 5, "queueId": 2, "level": 3}));
        assert_eq!(read.map(|r| r[0].agent_id), Ok(5));
        let read = Reader::ANY.assignments(&json!({"agentId": 5, "agentid": null, "queueId": 2, "level": 3}));
        assert_eq!(read.map(|r| r[0].agent_id), Ok(5));
        let call = Reader::ANY.call("call", &json!({"method": "queues", "action": "read", "filters": {"qid": 7}}));
        let Ok(ApiCall::Generic(call)) = call else { panic!("not a generic call: {call:?}") };
        assert_eq!((call.method.as_str(), call.filters), ("queues", vec![("qid".to_owned(), "7".to_owned())]));
    }

    #[test]
    fn integers_are_exact_or_refused() {
        let js = Reader::JAVASCRIPT;
        assert_eq!(js.integer(&json!(js.max_integer), "x"), Ok(js.max_integer));
        for bad in
            [json!(js.max_integer + 1), json!(1.5), json!(-1), json!(-1.5), json!(1e300), json!("7"), Value::Null]
        {
            assert!(js.integer(&bad, "x").is_err(), "{bad}");
        }
        assert!(js.integer(&json!(js.max_integer + 1), "x").is_err_and(|e| e.to_string().contains("safe integer")));
        assert_eq!(Reader::ANY.integer(&json!(u64::MAX), "x"), Ok(u64::MAX));
    }

    #[test]
    fn generic_calls_read_filters_records_and_repeatable() {
        let call = Reader::ANY.generic(
            "priority",
            "create",
            &json!({"records": [{"agentid": 1, "qid": "2"}], "repeatable": true}),
        );
        let want = GenericCall {
            repeatable: true,
            ..GenericCall::write(
                "priority",
                "create",
                vec![vec![("agentid".into(), "1".into()), ("qid".into(), "2".into())]],
            )
        };
        assert_eq!(call, Ok(want));
        assert_eq!(Reader::ANY.generic("queues", "read", &Value::Null), Ok(GenericCall::read("queues", "read")));
    }
}
