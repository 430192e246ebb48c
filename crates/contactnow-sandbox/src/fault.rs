//! Faults queued for the next API requests.

use contactnow_core::input::camel_case;
use serde::{Deserialize, Serialize};

/// An input error on `fault` or on its field `field` (`fault.times`).
fn invalid(field: &str, reason: String) -> contactnow_core::Error {
    contactnow_core::Error::invalid(format!("fault{}{field}", if field.is_empty() { "" } else { "." }), reason)
}

/// What goes wrong with a request.
///
/// In JSON (the HTTP control), the variant is the `kind` field:
/// `{"kind":"status","status":503}`, `{"kind":"status","status":429,"retry_after":1}`,
/// `{"kind":"delay","ms":200}`, `{"kind":"reset"}`, `{"kind":"truncate"}`,
/// `{"kind":"api_error","error":"Database busy"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// Answer this HTTP status (with a small HTML body) without processing the request.
    Status {
        /// The HTTP status, 100..=599.
        status: u16,
        /// Seconds for a `Retry-After` header, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<u64>,
    },
    /// Wait this long, then process the request normally, even if the client has
    /// disconnected meanwhile (a timed-out write is still applied).
    Delay {
        /// Milliseconds to wait.
        ms: u64,
    },
    /// Reset the connection (TCP RST) before any response byte; the request is not processed.
    Reset,
    /// Process the request, then send its headers with the full `Content-Length` but only
    /// half the body, and close the connection.
    Truncate,
    /// Answer `success: false` with this error text (HTTP 200) without processing the request.
    ApiError {
        /// The error text.
        #[serde(default = "default_error")]
        error: String,
    },
}

fn default_error() -> String {
    "Simulated failure".to_owned()
}

fn one() -> u32 {
    1
}

/// A fault with how many of the next matching requests it applies to and what it matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultSpec {
    /// The fault.
    #[serde(flatten)]
    pub fault: Fault,
    /// How many of the next matching requests it applies to (default 1).
    #[serde(default = "one")]
    pub times: u32,
    /// Only requests with this `method` parameter (`priority`, `tod_policy`), if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Only requests with this `action` parameter (`create`, `read`, `get`...), if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
}

impl FaultSpec {
    /// A fault for the next request, whatever it is.
    pub fn new(fault: Fault) -> Self {
        Self { fault, times: 1, method: None, action: None }
    }

    /// Applies to the next `times` matching requests.
    #[must_use]
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    /// Only matches requests with this `method` parameter.
    #[must_use]
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    /// Only matches requests with this `action` parameter.
    #[must_use]
    pub fn action(mut self, action: impl Into<String>) -> Self {
        self.action = Some(action.into());
        self
    }

    /// A fault spec from its JSON form, as every binding's test kit takes it: `kind`, the
    /// fields of that kind (`status` and `retry_after`, `ms`, `error`), `times`, `method` and
    /// `action`, keys in snake_case or camelCase (`retryAfter`). An error is an
    /// `InvalidInput` naming the field at fault (`fault`, `fault.times`, `fault.ms`...).
    pub fn from_json(value: &serde_json::Value) -> Result<Self, contactnow_core::Error> {
        let kind = value.get("kind").and_then(|k| k.as_str()).unwrap_or_default();
        let own: &[&str] = match kind {
            "status" => &["status", "retry_after"],
            "delay" => &["ms"],
            "api_error" => &["error"],
            "reset" | "truncate" => &[],
            other => {
                let reason = format!("unknown fault kind {other:?}: status, delay, reset, truncate or api_error");
                return Err(invalid("", reason));
            }
        };
        let mut map = serde_json::Map::new();
        let keys = value.as_object().into_iter().flat_map(|m| m.iter()).filter(|(_, v)| !v.is_null());
        for (key, field) in keys {
            let known = own.iter().chain(&["kind", "times", "method", "action"]);
            let Some(name) = known.copied().find(|n| *n == key || camel_case(n) == *key) else {
                return Err(invalid(key, format!("does not go with a {kind} fault")));
            };
            typed(name, field)?;
            if map.insert(name.to_owned(), field.clone()).is_some() {
                return Err(invalid(name, "given twice (under two spellings)".into()));
            }
        }
        // The value a kind cannot go without (`retry_after` and `error` have defaults).
        let required = own.first().filter(|name| matches!(**name, "status" | "ms"));
        if let Some(name) = required.filter(|name| !map.contains_key(**name)) {
            return Err(invalid(name, format!("is required for a {kind} fault")));
        }
        let spec: FaultSpec =
            serde_json::from_value(map.into()).map_err(|e| invalid("", format!("not a fault: {e}")))?;
        spec.check()?;
        Ok(spec)
    }

    /// Whether the sandbox can apply this fault: an `InvalidInput` naming the field at fault
    /// (`fault.times`, `fault.status`, `fault.ms`) if not.
    pub fn check(&self) -> Result<(), contactnow_core::Error> {
        let field = match (&self.fault, self.times) {
            (_, 0) => "times",
            (Fault::Status { .. }, _) => "status",
            (Fault::Delay { .. }, _) => "ms",
            _ => "",
        };
        self.validate().map_err(|why| invalid(field, why))
    }

    /// Checks the values an HTTP caller could get wrong.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.times == 0 {
            return Err("times must be at least 1".into());
        }
        match &self.fault {
            Fault::Status { status, .. } if !(100..=599).contains(status) => {
                Err(format!("status must be 100..=599, got {status}"))
            }
            Fault::Delay { ms } if *ms > 600_000 => Err("delay must be at most 600000 ms".into()),
            _ => Ok(()),
        }
    }

    fn matches(&self, method: Option<&str>, action: Option<&str>) -> bool {
        self.method.as_deref().is_none_or(|m| Some(m) == method)
            && self.action.as_deref().is_none_or(|a| Some(a) == action)
    }
}

/// Checks the type of field `name` of a fault spec (a number where a number goes), so that a
/// wrong one is named (`fault.times`), not reported for the whole fault.
/// The range of `status` is [`FaultSpec::validate`]'s rule; here only that it is a number.
fn typed(name: &str, value: &serde_json::Value) -> Result<(), contactnow_core::Error> {
    let reader = contactnow_core::input::Reader::ANY;
    let field = &format!("fault.{name}");
    match name {
        "status" => reader.small(value, field).and_then(|status| {
            u16::try_from(status).map(drop).map_err(|_| invalid(name, format!("must be 100..=599, got {status}")))
        }),
        "times" => reader.small(value, field).map(drop),
        "retry_after" | "ms" => reader.integer(value, field).map(drop),
        _ => reader.text(value, field).map(drop),
    }
}

impl From<Fault> for FaultSpec {
    fn from(fault: Fault) -> Self {
        FaultSpec::new(fault)
    }
}

/// Pending faults, first queued first served.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    pending: Vec<FaultSpec>,
}

impl FaultQueue {
    /// Queues `specs` if every one is valid; otherwise queues none of them and says why,
    /// as `invalid fault spec: ...`. Returns how many faults are then pending.
    pub(crate) fn push_all(&mut self, specs: Vec<FaultSpec>) -> Result<usize, String> {
        if let Some(why) = specs.iter().find_map(|s| s.validate().err()) {
            return Err(format!("invalid fault spec: {why}"));
        }
        self.pending.extend(specs);
        Ok(self.pending.len())
    }

    pub(crate) fn list(&self) -> Vec<FaultSpec> {
        self.pending.clone()
    }

    pub(crate) fn clear(&mut self) {
        self.pending.clear();
    }

    /// Takes one use of the first fault matching the request.
    pub(crate) fn take(&mut self, method: Option<&str>, action: Option<&str>) -> Option<Fault> {
        let index = self.pending.iter().position(|spec| spec.matches(method, action))?;
        let spec = &mut self.pending[index];
        let fault = spec.fault.clone();
        // `push_all` refuses `times: 0`; saturating keeps a zero from ever wrapping around.
        spec.times = spec.times.saturating_sub(1);
        if spec.times == 0 {
            self.pending.remove(index);
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_forms_parse() {
        let spec: FaultSpec = serde_json::from_str(r#"{"kind":"status","status":503,"times":2}"#).unwrap();
        assert_eq!(spec, FaultSpec::new(Fault::Status { status: 503, retry_after: None }).times(2));
        let spec: FaultSpec =
            serde_json::from_str(r#"{"kind":"status","status":429,"retry_after":1,"action":"read"}"#).unwrap();
        assert_eq!(spec.fault, Fault::Status { status: 429, retry_after: Some(1) });
        assert_eq!(spec.action.as_deref(), Some("read"));
        let spec: FaultSpec = serde_json::from_str(r#"{"kind":"reset"}"#).unwrap();
        assert_eq!(spec, FaultSpec::new(Fault::Reset));
        let spec: FaultSpec = serde_json::from_str(r#"{"kind":"api_error"}"#).unwrap();
        assert_eq!(spec.fault, Fault::ApiError { error: "Simulated failure".into() });
        assert!(serde_json::from_str::<FaultSpec>(r#"{"kind":"boom"}"#).is_err());
        let back = serde_json::to_string(&FaultSpec::new(Fault::Delay { ms: 5 }).method("priority")).unwrap();
        assert_eq!(back, r#"{"kind":"delay","ms":5,"times":1,"method":"priority"}"#);
    }

    #[test]
    fn from_json_names_the_field_of_a_wrong_type() {
        let field = |v: serde_json::Value| match FaultSpec::from_json(&v) {
            Err(contactnow_core::Error::InvalidInput { field, .. }) => field,
            other => format!("{other:?}"),
        };
        use serde_json::json;
        assert_eq!(field(json!({"kind": "status", "status": "x"})), "fault.status");
        assert_eq!(field(json!({"kind": "status", "status": 70000})), "fault.status");
        assert_eq!(field(json!({"kind": "status", "status": 503, "times": "x"})), "fault.times");
        assert_eq!(field(json!({"kind": "status", "status": 503, "retryAfter": "soon"})), "fault.retry_after");
        assert_eq!(field(json!({"kind": "delay", "ms": -3})), "fault.ms");
        assert_eq!(field(json!({"kind": "reset", "method": 5})), "fault.method");
        assert_eq!(field(json!({"kind": "reset", "times": 0})), "fault.times");
        let spec = FaultSpec::from_json(&json!({"kind": "status", "status": 503, "times": 2, "retryAfter": 1}));
        assert_eq!(spec.ok(), Some(FaultSpec::new(Fault::Status { status: 503, retry_after: Some(1) }).times(2)));
    }

    #[test]
    fn queue_matches_and_counts() {
        let mut q = FaultQueue::default();
        assert_eq!(q.push_all(vec![FaultSpec::new(Fault::Reset).action("create")]), Ok(1));
        assert_eq!(q.push_all(vec![FaultSpec::new(Fault::Truncate).times(2)]), Ok(2));
        assert_eq!(q.take(Some("priority"), Some("read")), Some(Fault::Truncate));
        assert_eq!(q.take(Some("priority"), Some("create")), Some(Fault::Reset));
        assert_eq!(q.take(None, None), Some(Fault::Truncate));
        assert_eq!(q.take(None, None), None);
    }

    #[test]
    fn queue_refuses_invalid_specs_and_never_underflows() {
        let mut q = FaultQueue::default();
        // One bad spec in a batch refuses the whole batch.
        let why = q.push_all(vec![FaultSpec::new(Fault::Truncate), FaultSpec::new(Fault::Reset).times(0)]);
        assert_eq!(why, Err("invalid fault spec: times must be at least 1".to_owned()));
        let why = q.push_all(vec![FaultSpec::new(Fault::Status { status: 42, retry_after: None })]);
        assert_eq!(why, Err("invalid fault spec: status must be 100..=599, got 42".to_owned()));
        let why = q.push_all(vec![FaultSpec::new(Fault::Delay { ms: 600_001 })]);
        assert_eq!(why, Err("invalid fault spec: delay must be at most 600000 ms".to_owned()));
        assert!(q.list().is_empty());
        assert_eq!(q.take(None, None), None);
        // Even a zero that got in some other way is used once and dropped, never wrapped.
        q.pending.push(FaultSpec::new(Fault::Reset).times(0));
        assert_eq!(q.take(None, None), Some(Fault::Reset));
        assert_eq!(q.take(None, None), None);
    }
}
