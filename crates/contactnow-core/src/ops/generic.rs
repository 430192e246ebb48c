//! The generic call: any `database.php` method (`queues`, `agents`, `campaigns`, ...) and
//! action, for what the typed operations do not model, with the same token handling, errors
//! and redaction. Records come back as fields of text, as the server sent them.
//!
//! ```
//! use contactnow_core::{ops::generic::GenericCall, Endpoint, Format, HttpResponse, Operation, Token};
//!
//! let call = GenericCall::read("queues", "read").filter("qid", "1007");
//! let request = call.build_request(&Endpoint::default(), &Token::new("T0KEN"), Format::Json)?;
//! assert!(request.url.ends_with("method=queues&action=read&format=json&raw=1&qid=1007"));
//! let body = r#"{"success":true,"total":1,"list":[{"qid":"1007","name":"Sales","size":12}]}"#;
//! let result = call.parse_response(Format::Json, &HttpResponse::new(200, None, body))?;
//! assert_eq!(result.records[0].get("name"), Some("Sales"));
//! assert_eq!(result.records[0].get("size"), Some("12"));
//! # Ok::<(), contactnow_core::Error>(())
//! ```

use std::borrow::Cow;

use super::{database_url, decode, read_request, write_request, Operation};
use crate::{query::push_param, wire::xml_out::Layout, Endpoint, Error, Format, HttpRequest, HttpResponse, Token};

/// Query arguments the call sets itself: a filter cannot replace them.
const RESERVED: [&str; 5] = ["token", "method", "action", "format", "raw"];

/// A call of any method and action.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GenericCall {
    /// The `method`, e.g. `queues` (lower-case letters, digits and `_`).
    pub method: String,
    /// The `action`, e.g. `read` or `create`.
    pub action: String,
    /// Extra query arguments (filters), in order.
    pub filters: Vec<(String, String)>,
    /// The records of a write, each a list of `(field, value)`; none for a read (sent as GET).
    pub records: Vec<Vec<(String, String)>>,
    /// Whether repeating the call after a failure cannot change the outcome. False unless the
    /// caller says so for a write; reads (no records) are always repeatable.
    pub repeatable: bool,
}

/// A record as the server sent it: every field as text, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GenericRecord(pub Vec<(String, String)>);

impl serde::Serialize for GenericRecord {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(name, value)| (name, value)))
    }
}

// Kotlin and Swift see a record as a map of field name to text.
#[cfg(feature = "uniffi")]
uniffi::custom_type!(GenericRecord, std::collections::HashMap<String, String>, {
    lower: |record| record.0.into_iter().collect(),
    try_lift: |fields| Ok(GenericRecord(fields.into_iter().collect())),
});

impl GenericRecord {
    /// The value of `field`, if the record has it.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(name, _)| name == field).map(|(_, value)| value.as_str())
    }
}

/// What a generic call answered (`success` was true). In JSON, each record is an object of
/// its fields in the server's order.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GenericResult {
    /// `account_id`, if present.
    pub account_id: Option<u64>,
    /// `total`, if present.
    pub total: Option<u64>,
    /// `bad`, if present (a write with `bad > 0` is an [`Error::Api`] with `partial`).
    pub bad: Option<u64>,
    /// `key`, if present.
    pub key: Option<u64>,
    /// `error`, if the server sent a text with its success.
    pub error: Option<String>,
    /// The `list` of a read; empty for writes.
    pub records: Vec<GenericRecord>,
}

impl GenericCall {
    /// A read (or any call without records) of `method` and `action`.
    pub fn read(method: impl Into<String>, action: impl Into<String>) -> Self {
        Self { method: method.into(), action: action.into(), repeatable: true, ..Self::default() }
    }

    /// A write of `records` (never repeated unless [`GenericCall::repeatable`] is set).
    pub fn write(method: impl Into<String>, action: impl Into<String>, records: Vec<Vec<(String, String)>>) -> Self {
        Self { method: method.into(), action: action.into(), records, ..Self::default() }
    }

    /// The same call with one more filter.
    #[must_use]
    pub fn filter(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters.push((name.into(), value.into()));
        self
    }

    fn validate(&self) -> Result<(), Error> {
        for (field, value) in [("method", &self.method), ("action", &self.action)] {
            if !is_name(value) || value.bytes().any(|b| b.is_ascii_uppercase()) {
                return Err(Error::invalid(field, format!("{value:?} is not a method or action name (a-z, 0-9, _)")));
            }
        }
        for (i, (name, value)) in self.filters.iter().enumerate() {
            let field = || format!("filters[{i}]");
            if !is_name(name) {
                return Err(Error::invalid(field(), format!("{name:?} is not an argument name (letters, digits, _)")));
            }
            if RESERVED.contains(&name.to_ascii_lowercase().as_str()) {
                return Err(Error::invalid(field(), format!("{name:?} is set by the call itself")));
            }
            check_value(field, value)?;
        }
        for (i, record) in self.records.iter().enumerate() {
            if record.is_empty() {
                return Err(Error::invalid(format!("records[{i}]"), "has no fields"));
            }
            for (name, value) in record {
                let field = || format!("records[{i}].{name}");
                if !is_name(name) {
                    return Err(Error::invalid(field(), "is not a field name (letters, digits, _)"));
                }
                check_value(field, value)?;
            }
        }
        Ok(())
    }
}

fn is_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 64 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// A value may be empty, but carries no control character the API cannot take.
fn check_value(field: impl Fn() -> String, value: &str) -> Result<(), Error> {
    match value.chars().find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        Some(c) => Err(Error::invalid(field(), format!("contains the control character U+{:04X}", u32::from(c)))),
        None => Ok(()),
    }
}

impl Operation for GenericCall {
    type Output = GenericResult;

    fn build_request(&self, endpoint: &Endpoint, token: &Token, format: Format) -> Result<HttpRequest, Error> {
        self.validate()?;
        let mut url = database_url(endpoint, token, &self.method, &self.action, format, &[])?;
        for (name, value) in &self.filters {
            push_param(&mut url, name, value);
        }
        if self.records.is_empty() {
            return Ok(read_request(url, format));
        }
        // Each record wrapped in an element named after the method (assumed: the documents
        // show `<priority>` records for method=priority).
        Ok(write_request(url, format, &self.method, Layout::Wrapped, self.records.iter().cloned()))
    }

    fn parse_response(&self, format: Format, response: &HttpResponse) -> Result<GenericResult, Error> {
        let envelope = decode::<GenericRecord>(format, response)?;
        if !self.records.is_empty() && envelope.bad.unwrap_or(0) > 0 {
            return envelope.into_write().map(|_| GenericResult::default());
        }
        Ok(GenericResult {
            account_id: envelope.account_id,
            total: envelope.total,
            bad: envelope.bad,
            key: envelope.key,
            error: envelope.error,
            records: envelope.list.unwrap_or_default(),
        })
    }

    fn name(&self) -> Cow<'static, str> {
        Cow::Owned(format!("{}.{}", self.method, self.action))
    }

    fn records(&self) -> usize {
        self.records.len()
    }

    fn is_idempotent(&self) -> bool {
        self.records.is_empty() || self.repeatable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(call: &GenericCall) -> String {
        match call.build_request(&Endpoint::default(), &Token::new("T"), Format::Json) {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn names_and_values_are_checked() {
        assert_eq!(field(&GenericCall::read("Queues", "read")), "method");
        assert_eq!(field(&GenericCall::read("queues", "read all")), "action");
        assert_eq!(field(&GenericCall::read("queues", "read").filter("token", "x")), "filters[0]");
        assert_eq!(field(&GenericCall::read("queues", "read").filter("a", "b").filter("q&x", "1")), "filters[1]");
        let bad = GenericCall::write("agents", "create", vec![vec![("name".into(), "a\u{1}".into())]]);
        assert_eq!(field(&bad), "records[0].name");
        assert_eq!(field(&GenericCall::write("agents", "create", vec![vec![]])), "records[0]");
    }

    #[test]
    fn writes_are_not_repeated_unless_said() {
        let write = GenericCall::write("agents", "create", vec![vec![("name".into(), "A".into())]]);
        assert!(!write.is_idempotent());
        assert!(GenericCall { repeatable: true, ..write.clone() }.is_idempotent());
        assert!(GenericCall::read("agents", "read").is_idempotent());
        let request = write.build_request(&Endpoint::default(), &Token::new("T"), Format::Xml).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&request.body),
            r#"<?xml version="1.0" encoding="utf-8"?><dxi><agents><name>A</name></agents></dxi>"#
        );
    }

    #[test]
    fn xml_lists_of_any_tag_and_partial_writes() {
        let call = GenericCall::read("queues", "read");
        let body = "<result><success>1</success><total>2</total><list><queue><qid>1</qid><name>A &amp; B</name></queue><item><qid>2</qid><empty/></item></list></result>";
        let result = call.parse_response(Format::Xml, &HttpResponse::new(200, None, body)).unwrap();
        assert_eq!(result.records.len(), 2);
        assert_eq!(result.records[0].get("name"), Some("A & B"));
        assert_eq!(result.records[1].get("empty"), Some(""));
        let write = GenericCall::write("agents", "update", vec![vec![("id".into(), "1".into())]]);
        let partial = r#"{"success":true,"total":0,"bad":1,"error":"unknown agent"}"#;
        let err = write.parse_response(Format::Json, &HttpResponse::new(200, None, partial)).unwrap_err();
        assert!(err.api().is_some_and(|a| a.partial));
    }
}
