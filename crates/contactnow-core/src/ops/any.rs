//! The operation registry: every operation as one value, with its wire name
//! (`priority.create` ...), so that drivers, bindings and vector runners name and run any of
//! them the same way; the generic call of any method and action is one of them (`call`).
//! Adding an operation means a variant here (and its module).

use std::borrow::Cow;

use serde::{ser::SerializeMap, Serialize, Serializer};
use serde_json::Value;

use super::Operation;
use crate::{
    Assignment, CreateAssignments, CreatePolicies, Endpoint, Error, Format, GenericCall, GenericResult, GetToken,
    HttpRequest, HttpResponse, Listing, ReadAssignments, ReadPolicies, TodPolicy, Token, TokenGrant, TokenStatus,
    UpdateAssignments, UpdatePolicies, ValidateToken, WriteResult,
};

/// Any operation of the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiCall {
    /// `priority.create`.
    CreateAssignments(CreateAssignments),
    /// `priority.read`.
    ReadAssignments(ReadAssignments),
    /// `priority.update`.
    UpdateAssignments(UpdateAssignments),
    /// `tod_policy.create`.
    CreatePolicies(CreatePolicies),
    /// `tod_policy.read`.
    ReadPolicies(ReadPolicies),
    /// `tod_policy.update`.
    UpdatePolicies(UpdatePolicies),
    /// `token.get`.
    GetToken(GetToken),
    /// `token.validate`.
    ValidateToken(ValidateToken),
    /// `call`: any method and action.
    Generic(GenericCall),
}

/// What any operation returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiOutput {
    /// A create or update.
    Write(WriteResult),
    /// A `priority` read.
    Assignments(Listing<Assignment>),
    /// A `tod_policy` read.
    Policies(Listing<TodPolicy>),
    /// `token.get`.
    TokenGrant(TokenGrant),
    /// `token.validate`.
    TokenStatus(TokenStatus),
    /// `call`.
    Generic(GenericResult),
}

/// Runs `$body` with `$op` bound to the operation inside any variant.
macro_rules! each {
    ($call:expr, $op:ident => $body:expr) => {
        match $call {
            ApiCall::CreateAssignments($op) => $body,
            ApiCall::ReadAssignments($op) => $body,
            ApiCall::UpdateAssignments($op) => $body,
            ApiCall::CreatePolicies($op) => $body,
            ApiCall::ReadPolicies($op) => $body,
            ApiCall::UpdatePolicies($op) => $body,
            ApiCall::GetToken($op) => $body,
            ApiCall::ValidateToken($op) => $body,
            ApiCall::Generic($op) => $body,
        }
    };
}

impl ApiCall {
    /// Every wire name, in the order of the variants.
    pub const NAMES: [&'static str; 9] = [
        "priority.create",
        "priority.read",
        "priority.update",
        "tod_policy.create",
        "tod_policy.read",
        "tod_policy.update",
        "token.get",
        "token.validate",
        "call",
    ];

    /// The wire name, e.g. `priority.create`.
    pub fn name(&self) -> &'static str {
        let index = match self {
            ApiCall::CreateAssignments(_) => 0,
            ApiCall::ReadAssignments(_) => 1,
            ApiCall::UpdateAssignments(_) => 2,
            ApiCall::CreatePolicies(_) => 3,
            ApiCall::ReadPolicies(_) => 4,
            ApiCall::UpdatePolicies(_) => 5,
            ApiCall::GetToken(_) => 6,
            ApiCall::ValidateToken(_) => 7,
            ApiCall::Generic(_) => 8,
        };
        Self::NAMES[index]
    }

    /// Operation `name` as [`ApiCall::NAMES`] spells it: the TOD policy calls may also be
    /// named as the clients' namespace is (`tod_policies.read`, `todPolicies.read`).
    pub fn canonical(name: &str) -> &str {
        let action = name.strip_prefix("tod_policies.").or_else(|| name.strip_prefix("todPolicies."));
        let known = action.and_then(|a| Self::NAMES.iter().find(|n| n.strip_prefix("tod_policy.") == Some(a)));
        known.copied().unwrap_or(name)
    }

    /// The operation `name` with no input: what parsing its answer needs.
    pub fn empty(name: &str) -> Result<Self, Error> {
        Ok(match Self::canonical(name) {
            "priority.create" => ApiCall::CreateAssignments(CreateAssignments { records: vec![] }),
            "priority.read" => ApiCall::ReadAssignments(ReadAssignments::default()),
            "priority.update" => ApiCall::UpdateAssignments(UpdateAssignments { records: vec![] }),
            "tod_policy.create" => ApiCall::CreatePolicies(CreatePolicies { records: vec![] }),
            "tod_policy.read" => ApiCall::ReadPolicies(ReadPolicies::default()),
            "tod_policy.update" => ApiCall::UpdatePolicies(UpdatePolicies { records: vec![] }),
            "token.get" => ApiCall::GetToken(GetToken::new("", "")),
            "token.validate" => ApiCall::ValidateToken(ValidateToken::new("")),
            "call" => ApiCall::Generic(GenericCall::default()),
            _ => return Self::from_json(name, &Value::Null),
        })
    }

    /// The request of this call as every binding's sans-IO `build_request` builds it: to
    /// `base_url` (default: the EU host; plain http only as [`Endpoint::check_secure`] allows),
    /// with `token` (required, except by the token calls), every error cleaned of the call's
    /// secrets and of the token.
    pub fn request(
        &self,
        token: Option<&str>,
        base_url: Option<&str>,
        format: Format,
        allow_insecure_http: bool,
    ) -> Result<HttpRequest, Error> {
        let built = (|| {
            let endpoint = base_url.map_or_else(|| Ok(Endpoint::default()), Endpoint::new)?;
            endpoint.check_secure(allow_insecure_http)?;
            let token = match token {
                None if self.needs_token() => return Err(Error::invalid("token", "required to build this request")),
                token => Token::new(token.unwrap_or_default()),
            };
            self.build_request(&endpoint, &token, format)
        })();
        built.map_err(|e| e.scrubbed(&[self.secrets(), token.into_iter().collect()].concat()))
    }

    /// The operation `name` with `input` in the vectors' keys, read by
    /// [`Reader::ANY`](crate::input::Reader) (see [`crate::input`] for the rules).
    pub fn from_json(name: &str, input: &Value) -> Result<Self, Error> {
        crate::input::Reader::ANY.call(name, input)
    }

    /// [`Operation::parse_response`], its error free of the call's secrets.
    pub fn parse_response_scrubbed(&self, format: Format, response: &HttpResponse) -> Result<ApiOutput, Error> {
        self.parse_response(format, response).map_err(|e| e.scrubbed(&self.secrets()))
    }
}

impl Operation for ApiCall {
    type Output = ApiOutput;

    fn build_request(&self, endpoint: &Endpoint, token: &Token, format: Format) -> Result<HttpRequest, Error> {
        each!(self, op => Operation::build_request(op, endpoint, token, format))
    }

    fn parse_response(&self, format: Format, response: &HttpResponse) -> Result<ApiOutput, Error> {
        Ok(match self {
            ApiCall::CreateAssignments(op) => ApiOutput::Write(op.parse_response(format, response)?),
            ApiCall::UpdateAssignments(op) => ApiOutput::Write(op.parse_response(format, response)?),
            ApiCall::CreatePolicies(op) => ApiOutput::Write(op.parse_response(format, response)?),
            ApiCall::UpdatePolicies(op) => ApiOutput::Write(op.parse_response(format, response)?),
            ApiCall::ReadAssignments(op) => ApiOutput::Assignments(op.parse_response(format, response)?),
            ApiCall::ReadPolicies(op) => ApiOutput::Policies(op.parse_response(format, response)?),
            ApiCall::GetToken(op) => ApiOutput::TokenGrant(GetToken::parse_response(op, response)?),
            ApiCall::ValidateToken(op) => ApiOutput::TokenStatus(ValidateToken::parse_response(op, response)?),
            ApiCall::Generic(op) => ApiOutput::Generic(op.parse_response(format, response)?),
        })
    }

    fn name(&self) -> Cow<'static, str> {
        each!(self, op => Operation::name(op))
    }

    fn records(&self) -> usize {
        each!(self, op => op.records())
    }

    fn is_idempotent(&self) -> bool {
        each!(self, op => op.is_idempotent())
    }

    fn needs_token(&self) -> bool {
        each!(self, op => op.needs_token())
    }

    fn secrets(&self) -> Vec<&str> {
        each!(self, op => op.secrets())
    }
}

/// The vectors' JSON shape of each output. A granted token is written as it is: serialising
/// a `TokenGrant` exposes it on purpose.
impl Serialize for ApiOutput {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ApiOutput::Write(result) => result.serialize(serializer),
            ApiOutput::Assignments(listing) => listing.serialize(serializer),
            ApiOutput::Policies(listing) => listing.serialize(serializer),
            ApiOutput::TokenGrant(grant) => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("token", grant.token.expose())?;
                map.serialize_entry("expire", &grant.expire)?;
                map.end()
            }
            ApiOutput::TokenStatus(status) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("expire", &status.expire)?;
                map.end()
            }
            ApiOutput::Generic(result) => result.serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_namespace_spellings_name_the_tod_policy_calls() {
        assert_eq!(ApiCall::canonical("tod_policies.read"), "tod_policy.read");
        assert_eq!(ApiCall::canonical("todPolicies.create"), "tod_policy.create");
        assert_eq!(ApiCall::canonical("todPolicies.delete"), "todPolicies.delete");
        assert_eq!(ApiCall::canonical("priority.read"), "priority.read");
        assert!(matches!(ApiCall::empty("tod_policies.update"), Ok(ApiCall::UpdatePolicies(_))));
    }

    #[test]
    fn names_round_trip_and_inputs_name_their_field() {
        let inputs = [
            json!({"records": [{"agent_id": 1, "queue_id": 2, "level": 3}]}),
            json!({"agent_id": 1}),
            json!({"records": [{"agent_id": 1, "queue_id": 2, "level": 3}]}),
            json!({"records": [{"description": "d", "default": "queue"}]}),
            json!({}),
            json!({"records": [{"uid": 5, "default": "hangup"}]}),
            json!({"username": "u", "password": "p"}),
            json!({"token": "t"}),
            json!({"method": "queues", "action": "read", "filters": {"qid": 1007}}),
        ];
        for (name, input) in ApiCall::NAMES.iter().zip(inputs) {
            assert_eq!(ApiCall::from_json(name, &input).map(|c| c.name()), Ok(*name));
            assert_eq!(ApiCall::empty(name).map(|c| c.name()), Ok(*name));
        }
        assert!(ApiCall::empty("priority.delete").is_err());
        let field = |name, input| match ApiCall::from_json(name, &input) {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field("priority.read", json!({"agent_id": "x"})), "agent_id");
        assert_eq!(field("priority.read", json!({"agentid": 1})), "agentid");
        assert_eq!(field("priority.create", json!({})), "records");
        assert_eq!(field("nope.read", json!({})), "operation");
        let grant = ApiOutput::TokenGrant(TokenGrant { token: Token::new("t"), expire: 9 });
        assert_eq!(serde_json::to_value(&grant).ok(), Some(json!({"token": "t", "expire": 9})));
    }

    #[test]
    fn the_sans_io_request_needs_a_token_but_for_token_calls_and_hides_it() {
        let read = ApiCall::ReadPolicies(ReadPolicies::default());
        let field = |result: Result<HttpRequest, Error>| match result {
            Err(Error::InvalidInput { field, .. }) => field,
            other => format!("{other:?}"),
        };
        assert_eq!(field(read.request(None, None, Format::Json, false)), "token");
        let built = read.request(Some("T0KEN"), None, Format::Xml, false).map(|r| r.url);
        assert_eq!(
            built,
            Ok(format!("{}/database.php?token=T0KEN&method=tod_policy&action=read&format=xml&raw=1", Endpoint::EU))
        );
        let validate = ApiCall::ValidateToken(ValidateToken::new("abc"));
        assert!(validate.request(None, None, Format::Json, false).is_ok());
        let error = read.request(Some("T0KEN"), Some("ftp://T0KEN@example.com"), Format::Json, false);
        let text = error.map(|r| r.url).unwrap_or_else(|e| e.to_string());
        assert!(!text.contains("T0KEN"), "{text}");
    }

    #[test]
    fn the_sans_io_request_refuses_plain_http_to_a_remote_host_as_the_client_does() {
        let read = ApiCall::ReadPolicies(ReadPolicies::default());
        let url = |base: &str, allow: bool| read.request(Some("T0KEN"), Some(base), Format::Json, allow).map(|r| r.url);
        match url("http://example.com", false) {
            Err(Error::InvalidInput { field, reason }) => assert!(field == "base_url" && reason.contains("plain http")),
            other => panic!("{other:?}"),
        }
        assert!(url("http://example.com", true).is_ok_and(|u| u.starts_with("http://example.com/database.php")));
        assert!(url("http://127.0.0.1:9", false).is_ok(), "loopback is allowed");
        assert!(url("https://example.com", false).is_ok());
    }

    #[test]
    fn a_parse_error_keeps_the_calls_secrets_out() {
        let get = ApiCall::GetToken(GetToken::new("u", "pw-SECRET"));
        let answer = HttpResponse::new(500, None, "denied for pw-SECRET");
        let err = get.parse_response_scrubbed(Format::Json, &answer).map(drop).unwrap_err().to_string();
        assert!(!err.contains("pw-SECRET") && err.contains("***"), "{err}");
    }
}
