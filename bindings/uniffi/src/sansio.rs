//! The sans-IO core across the boundary (build a request, send it yourself, parse the answer),
//! and an app's `HttpSender` (`contactnow_core::mobile`) as the client's transport.

use std::{sync::Arc, time::Duration};

use contactnow_core::{
    self as core,
    engine::Failure,
    mobile::{HttpRequest, HttpSender},
    Assignment, Format, HttpResponse, NewTodPolicy, TodPolicyUpdate, WriteResult,
};

use crate::{
    generic::{self, GenericField},
    guard,
    types::{AssignmentListing, PolicyListing},
    ContactNowError,
};

/// An API call as a value: what [`build_request`] builds and [`parse_response`] parses.
/// (No `Debug`: it may hold a password or a token.)
#[derive(Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ApiCall {
    /// `priority` create of a batch.
    CreateAssignments(#[uniffi(name = "records")] Vec<Assignment>),
    /// `priority` read, optionally of one agent and/or one queue.
    ReadAssignments(#[uniffi(name = "agent_id")] Option<u64>, #[uniffi(name = "queue_id")] Option<u64>),
    /// `priority` update of a batch.
    UpdateAssignments(#[uniffi(name = "records")] Vec<Assignment>),
    /// `tod_policy` create of a batch.
    CreatePolicies(#[uniffi(name = "records")] Vec<NewTodPolicy>),
    /// `tod_policy` read, all or one.
    ReadPolicies(#[uniffi(name = "policy_id")] Option<u64>),
    /// `tod_policy` update of a batch.
    UpdatePolicies(#[uniffi(name = "records")] Vec<TodPolicyUpdate>),
    /// `token.php?action=get`: a token for an API user (the request's token is not used).
    GetToken(#[uniffi(name = "username")] String, #[uniffi(name = "password")] String),
    /// `token.php?action=validate`: whether `token` is still valid.
    ValidateToken(#[uniffi(name = "token")] String),
    /// Any method and action (`Client.call`): a write when `records` are given, repeated
    /// after a failure only when `repeatable`.
    Generic(
        #[uniffi(name = "method")] String,
        #[uniffi(name = "action")] String,
        #[uniffi(name = "filters")] Vec<GenericField>,
        #[uniffi(name = "records")] Vec<Vec<GenericField>>,
        #[uniffi(name = "repeatable")] bool,
    ),
}

impl From<ApiCall> for core::ApiCall {
    fn from(call: ApiCall) -> Self {
        match call {
            ApiCall::CreateAssignments(records) => Self::CreateAssignments(core::CreateAssignments { records }),
            ApiCall::ReadAssignments(agent_id, queue_id) => {
                Self::ReadAssignments(core::ReadAssignments { agent_id, queue_id })
            }
            ApiCall::UpdateAssignments(records) => Self::UpdateAssignments(core::UpdateAssignments { records }),
            ApiCall::CreatePolicies(records) => Self::CreatePolicies(core::CreatePolicies { records }),
            ApiCall::ReadPolicies(policy_id) => Self::ReadPolicies(core::ReadPolicies { policy_id }),
            ApiCall::UpdatePolicies(records) => Self::UpdatePolicies(core::UpdatePolicies { records }),
            ApiCall::GetToken(username, password) => Self::GetToken(core::GetToken::new(username, password)),
            ApiCall::ValidateToken(token) => Self::ValidateToken(core::ValidateToken::new(token)),
            ApiCall::Generic(method, action, filters, records, repeatable) => {
                Self::Generic(generic::call(method, action, filters, records, repeatable))
            }
        }
    }
}

/// What a call returned, by operation (no `Debug`: it may hold a token).
#[derive(Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ApiOutput {
    /// A create or update: its counts.
    Write(#[uniffi(name = "result")] WriteResult),
    /// A `priority` read.
    Assignments(#[uniffi(name = "listing")] AssignmentListing),
    /// A `tod_policy` read.
    Policies(#[uniffi(name = "listing")] PolicyListing),
    /// `token.php?action=get`: the new token (a secret: do not log it) and its expiry (Unix time).
    TokenGrant(#[uniffi(name = "token")] String, #[uniffi(name = "expire")] i64),
    /// `token.php?action=validate`: the token's expiry (Unix time).
    TokenStatus(#[uniffi(name = "expire")] i64),
    /// A generic call (`Client.call`).
    Generic(#[uniffi(name = "result")] contactnow::GenericResult),
}

impl From<core::ApiOutput> for ApiOutput {
    fn from(output: core::ApiOutput) -> Self {
        match output {
            core::ApiOutput::Write(result) => Self::Write(result),
            core::ApiOutput::Assignments(listing) => Self::Assignments(listing),
            core::ApiOutput::Policies(listing) => Self::Policies(listing),
            core::ApiOutput::TokenGrant(grant) => Self::TokenGrant(grant.token.expose().to_owned(), grant.expire),
            core::ApiOutput::TokenStatus(status) => Self::TokenStatus(status.expire),
            core::ApiOutput::Generic(result) => Self::Generic(result),
        }
    }
}

/// The URL with `token` and `password` values shown as `***`.
#[uniffi::export]
pub fn redact_url(url: String) -> String {
    core::redact_url(&url)
}

/// Builds the exact request for `call` (`token` null: only the token calls, which ignore it;
/// `format` null: JSON; `base_url` null: the EU default; plain http to a host that is not
/// loopback needs `allow_insecure_http`); invalid input fails here with `InvalidInput`, before
/// anything is sent.
#[uniffi::export(default(token = None, format = None, base_url = None, allow_insecure_http = false))]
pub fn build_request(
    call: ApiCall,
    token: Option<String>,
    format: Option<Format>,
    base_url: Option<String>,
    allow_insecure_http: bool,
) -> Result<Arc<HttpRequest>, ContactNowError> {
    let call = core::ApiCall::from(call);
    let format = format.unwrap_or_default();
    let request = || call.request(token.as_deref(), base_url.as_deref(), format, allow_insecure_http);
    guard(|| Ok(Arc::new(HttpRequest::from(request()?))))
}

/// Parses `response` to the request built for `call` in `format` (null: JSON; token calls
/// are always JSON): the value, or the typed error (`Api`, `Decode`, `HttpStatus`).
#[uniffi::export(default(format = None))]
pub fn parse_response(
    call: ApiCall,
    format: Option<Format>,
    response: HttpResponse,
) -> Result<ApiOutput, ContactNowError> {
    let format = format.unwrap_or_default();
    guard(|| Ok(core::ApiCall::from(call).parse_response_scrubbed(format, &response)?.into()))
}

/// An app's [`HttpSender`] as the Rust client's transport.
pub(crate) struct Foreign(pub Arc<dyn HttpSender>);

impl contactnow::Sender for Foreign {
    fn send(&self, request: &core::HttpRequest, timeout: Duration) -> Result<HttpResponse, Failure> {
        let timeout_ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        let request = Arc::new(HttpRequest::from(request.clone()));
        guard(|| self.0.send(request, timeout_ms)).map_err(|e| e.rust().map_or_else(Failure::new, Failure::from))
    }
}
