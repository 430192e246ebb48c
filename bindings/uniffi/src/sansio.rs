//! The sans-IO core across the boundary: build a request, send it yourself, parse the answer;
//! and `HttpSender`, a foreign-implemented HTTP stack that `SenderClient` runs calls through.

use std::{fmt, sync::Arc};

use contactnow_core::{self as core, Endpoint, Operation, Token};

use crate::{
    guard,
    types::{
        to_core, Assignment, AssignmentListing, Format, NewTodPolicy, PolicyListing, TodPolicyUpdate, WriteResult,
    },
    ContactNowError,
};

/// An API call as a value (exported as `ApiCall`): what [`build_request`] builds and
/// [`parse_response`] parses.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ApiCall {
    /// `priority` create.
    CreateAssignments {
        /// The batch.
        records: Vec<Assignment>,
    },
    /// `priority` read.
    ReadAssignments {
        /// Only this agent's assignments.
        agent_id: Option<u64>,
        /// Only this queue's assignments.
        queue_id: Option<u64>,
    },
    /// `priority` update.
    UpdateAssignments {
        /// The batch.
        records: Vec<Assignment>,
    },
    /// `tod_policy` create.
    CreatePolicies {
        /// The batch.
        records: Vec<NewTodPolicy>,
    },
    /// `tod_policy` read.
    ReadPolicies {
        /// Only this policy.
        policy_id: Option<u64>,
    },
    /// `tod_policy` update.
    UpdatePolicies {
        /// The batch.
        records: Vec<TodPolicyUpdate>,
    },
    /// `token.php?action=get`: a token for an API user (the request's token is not used).
    GetToken {
        /// The API user's name.
        username: String,
        /// The API user's password.
        password: String,
    },
    /// `token.php?action=validate`: whether a token is still valid.
    ValidateToken {
        /// The token to check.
        token: String,
    },
}

/// What a call returned, by operation.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ApiOutput {
    /// A create or update.
    Write {
        /// The counts.
        result: WriteResult,
    },
    /// A `priority` read.
    Assignments {
        /// The records.
        listing: AssignmentListing,
    },
    /// A `tod_policy` read.
    Policies {
        /// The records.
        listing: PolicyListing,
    },
    /// `token.php?action=get`.
    TokenGrant {
        /// The new token (a secret: do not log it).
        token: String,
        /// Its expiry, as a Unix time.
        expire: i64,
    },
    /// `token.php?action=validate`.
    TokenStatus {
        /// The token's expiry, as a Unix time.
        expire: i64,
    },
}

/// GET or POST.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum HttpMethod {
    /// Reads and token calls.
    Get,
    /// Writes.
    Post,
}

/// One header.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct HttpHeader {
    /// The name, e.g. `Content-Type`.
    pub name: String,
    /// The value.
    pub value: String,
}

/// A request to send. Its URL carries the token; `toString()`/`description` and
/// [`HttpRequest::redacted_url`] show it as `***`.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct HttpRequest {
    inner: core::HttpRequest,
}

impl fmt::Display for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.inner.method, self.inner.redacted_url())
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

#[uniffi::export]
impl HttpRequest {
    /// GET or POST.
    pub fn method(&self) -> HttpMethod {
        match self.inner.method {
            core::Method::Get => HttpMethod::Get,
            core::Method::Post => HttpMethod::Post,
        }
    }

    /// The full URL, token included: send it, never log it.
    pub fn url(&self) -> String {
        self.inner.url.clone()
    }

    /// The URL with the token and password shown as `***`, safe to log.
    pub fn redacted_url(&self) -> String {
        self.inner.redacted_url()
    }

    /// The headers to send (`Accept`, and `Content-Type` for writes).
    pub fn headers(&self) -> Vec<HttpHeader> {
        self.inner.headers.iter().map(|(name, value)| HttpHeader { name: name.clone(), value: value.clone() }).collect()
    }

    /// A header's value by case-insensitive name.
    pub fn header(&self, name: String) -> Option<String> {
        self.inner.header(&name).map(str::to_owned)
    }

    /// The body: empty for GET.
    pub fn body(&self) -> Vec<u8> {
        self.inner.body.clone()
    }
}

/// A response as received.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The `Content-Type` header, if any.
    #[uniffi(default = None)]
    pub content_type: Option<String>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl From<HttpResponse> for core::HttpResponse {
    fn from(r: HttpResponse) -> Self {
        core::HttpResponse { status: r.status, content_type: r.content_type, body: r.body, retry_after: None }
    }
}

/// The URL with `token` and `password` values shown as `***`.
#[uniffi::export]
pub fn redact_url(url: String) -> String {
    core::redact_url(&url)
}

/// An endpoint from an optional base URL (default EU).
fn endpoint(base_url: Option<&str>) -> Result<Endpoint, ContactNowError> {
    Ok(match base_url {
        Some(url) => Endpoint::new(url)?,
        None => Endpoint::default(),
    })
}

fn build_core(
    call: &ApiCall,
    endpoint: &Endpoint,
    token: &Token,
    format: core::Format,
) -> Result<core::HttpRequest, ContactNowError> {
    let records = |r: &Vec<Assignment>| to_core(r.clone());
    Ok(match call {
        ApiCall::CreateAssignments { records: r } => {
            core::CreateAssignments { records: records(r) }.build_request(endpoint, token, format)?
        }
        ApiCall::ReadAssignments { agent_id, queue_id } => {
            core::ReadAssignments { agent_id: *agent_id, queue_id: *queue_id }.build_request(endpoint, token, format)?
        }
        ApiCall::UpdateAssignments { records: r } => {
            core::UpdateAssignments { records: records(r) }.build_request(endpoint, token, format)?
        }
        ApiCall::CreatePolicies { records } => {
            core::CreatePolicies { records: to_core(records.clone()) }.build_request(endpoint, token, format)?
        }
        ApiCall::ReadPolicies { policy_id } => {
            core::ReadPolicies { policy_id: *policy_id }.build_request(endpoint, token, format)?
        }
        ApiCall::UpdatePolicies { records } => {
            core::UpdatePolicies { records: to_core(records.clone()) }.build_request(endpoint, token, format)?
        }
        ApiCall::GetToken { username, password } => {
            core::GetToken::new(username.clone(), password.clone()).build_request(endpoint)?
        }
        ApiCall::ValidateToken { token } => core::ValidateToken::new(token.clone()).build_request(endpoint)?,
    })
}

fn parse_core(
    call: &ApiCall,
    format: core::Format,
    response: &core::HttpResponse,
) -> Result<ApiOutput, ContactNowError> {
    let write = |r: core::WriteResult| ApiOutput::Write { result: r.into() };
    Ok(match call {
        ApiCall::CreateAssignments { .. } => {
            write(core::CreateAssignments { records: vec![] }.parse_response(format, response)?)
        }
        ApiCall::UpdateAssignments { .. } => {
            write(core::UpdateAssignments { records: vec![] }.parse_response(format, response)?)
        }
        ApiCall::CreatePolicies { .. } => {
            write(core::CreatePolicies { records: vec![] }.parse_response(format, response)?)
        }
        ApiCall::UpdatePolicies { .. } => {
            write(core::UpdatePolicies { records: vec![] }.parse_response(format, response)?)
        }
        ApiCall::ReadAssignments { agent_id, queue_id } => ApiOutput::Assignments {
            listing: core::ReadAssignments { agent_id: *agent_id, queue_id: *queue_id }
                .parse_response(format, response)?
                .into(),
        },
        ApiCall::ReadPolicies { policy_id } => ApiOutput::Policies {
            listing: core::ReadPolicies { policy_id: *policy_id }.parse_response(format, response)?.into(),
        },
        ApiCall::GetToken { username, password } => {
            let grant = core::GetToken::new(username.clone(), password.clone()).parse_response(response)?;
            ApiOutput::TokenGrant { token: grant.token.expose().to_owned(), expire: grant.expire }
        }
        ApiCall::ValidateToken { token } => {
            let status = core::ValidateToken::new(token.clone()).parse_response(response)?;
            ApiOutput::TokenStatus { expire: status.expire }
        }
    })
}

/// Whether repeating `call` after a failure cannot change the outcome.
fn is_idempotent(call: &ApiCall) -> bool {
    !matches!(call, ApiCall::CreatePolicies { .. })
}

/// The secrets a call carries, to scrub from error texts.
fn secrets<'a>(call: &'a ApiCall, token: &'a str) -> Vec<&'a str> {
    let mut secrets = vec![token];
    match call {
        ApiCall::GetToken { password, .. } => secrets.push(password),
        ApiCall::ValidateToken { token } => secrets.push(token),
        _ => {}
    }
    secrets.retain(|s| !s.is_empty());
    secrets
}

fn scrub(err: ContactNowError, secrets: &[&str]) -> ContactNowError {
    secrets.iter().fold(err, |err, secret| err.scrubbed(secret))
}

/// Builds the exact request for `call`: `base_url` null for the EU default, `token`
/// authenticates `database.php` calls (token calls ignore it). Invalid input fails here with
/// `InvalidInput`, before anything is sent.
#[uniffi::export(default(base_url = None))]
pub fn build_request(
    call: ApiCall,
    token: String,
    format: Format,
    base_url: Option<String>,
) -> Result<Arc<HttpRequest>, ContactNowError> {
    guard(|| {
        let inner = build_core(&call, &endpoint(base_url.as_deref())?, &Token::new(token.clone()), format.into())
            .map_err(|e| scrub(e, &secrets(&call, &token)))?;
        Ok(Arc::new(HttpRequest { inner }))
    })
}

/// Parses the response to the request built for `call` in `format` (token calls are always
/// JSON): the value, or the typed error (`Api`, `Decode`, `HttpStatus`).
#[uniffi::export]
pub fn parse_response(call: ApiCall, format: Format, response: HttpResponse) -> Result<ApiOutput, ContactNowError> {
    guard(|| parse_core(&call, format.into(), &response.into()).map_err(|e| scrub(e, &secrets(&call, ""))))
}

/// An HTTP stack implemented by the app (OkHttp, `HttpURLConnection`, URLSession...): send
/// the request as given and return the response, whatever its status.
///
/// Throw `ContactNowError.Transport` or `ContactNowError.Timeout` for failures; any other
/// exception becomes a `Transport` error. `SenderClient` removes the token from the texts.
#[uniffi::export(with_foreign)]
pub trait HttpSender: Send + Sync {
    /// Sends `request` and returns the answer.
    fn send(&self, request: Arc<HttpRequest>) -> Result<HttpResponse, ContactNowError>;
}

/// What a [`SenderClient`] needs besides its sender.
#[derive(Clone, PartialEq, Eq, Default, uniffi::Record)]
#[uniffi::export(Display)]
pub struct SenderConfig {
    /// The API token.
    pub token: String,
    /// The base URL; default the EU host.
    #[uniffi(default = None)]
    pub base_url: Option<String>,
    /// The body format; default JSON.
    #[uniffi(default = None)]
    pub format: Option<Format>,
}

impl fmt::Display for SenderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SenderConfig(token={}, baseUrl={:?}, format={:?})", core::REDACTED, self.base_url, self.format)
    }
}

impl fmt::Debug for SenderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Runs whole calls through an app's [`HttpSender`]: core build, foreign send, core parse.
/// It does not retry (the app's stack decides); a send failure of a TOD policy create is
/// reported with `outcomeUnknown` set.
#[derive(uniffi::Object)]
pub struct SenderClient {
    sender: Arc<dyn HttpSender>,
    endpoint: Endpoint,
    token: Token,
    format: core::Format,
}

impl fmt::Debug for SenderClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SenderClient").field("endpoint", &self.endpoint.as_str()).finish_non_exhaustive()
    }
}

impl SenderClient {
    fn run(&self, call: ApiCall) -> Result<ApiOutput, ContactNowError> {
        let secrets = secrets(&call, self.token.expose());
        guard(|| {
            let request = build_core(&call, &self.endpoint, &self.token, self.format)?;
            let response = self.sender.send(Arc::new(HttpRequest { inner: request })).map_err(|e| match e {
                ContactNowError::Transport { detail, .. } => {
                    ContactNowError::Transport { detail, outcome_unknown: !is_idempotent(&call) }
                }
                ContactNowError::Timeout { detail, .. } => {
                    ContactNowError::Timeout { detail, outcome_unknown: !is_idempotent(&call) }
                }
                other => other,
            })?;
            parse_core(&call, self.format, &response.into())
        })
        .map_err(|e| scrub(e, &secrets))
    }

    fn write(&self, call: ApiCall) -> Result<WriteResult, ContactNowError> {
        match self.run(call)? {
            ApiOutput::Write { result } => Ok(result),
            _ => Err(unexpected()),
        }
    }
}

fn unexpected() -> ContactNowError {
    ContactNowError::Internal { detail: "the operation returned an unexpected output".into() }
}

#[uniffi::export]
impl SenderClient {
    /// A client sending through `sender`.
    #[uniffi::constructor]
    pub fn new(config: SenderConfig, sender: Arc<dyn HttpSender>) -> Result<Self, ContactNowError> {
        let endpoint = endpoint(config.base_url.as_deref()).map_err(|e| e.scrubbed(&config.token))?;
        if config.token.is_empty() {
            return Err(ContactNowError::InvalidInput { field: "token".into(), reason: "must not be empty".into() });
        }
        Ok(Self { sender, endpoint, token: Token::new(config.token), format: config.format.unwrap_or_default().into() })
    }

    /// Runs any call (including token calls).
    pub fn execute(&self, call: ApiCall) -> Result<ApiOutput, ContactNowError> {
        self.run(call)
    }

    /// Assigns agents to queues in one request.
    pub fn create_assignments(&self, records: Vec<Assignment>) -> Result<WriteResult, ContactNowError> {
        self.write(ApiCall::CreateAssignments { records })
    }

    /// Lists assignments, optionally of one agent and/or one queue.
    pub fn read_assignments(
        &self,
        agent_id: Option<u64>,
        queue_id: Option<u64>,
    ) -> Result<AssignmentListing, ContactNowError> {
        match self.run(ApiCall::ReadAssignments { agent_id, queue_id })? {
            ApiOutput::Assignments { listing } => Ok(listing),
            _ => Err(unexpected()),
        }
    }

    /// Changes the level of existing assignments in one request.
    pub fn update_assignments(&self, records: Vec<Assignment>) -> Result<WriteResult, ContactNowError> {
        self.write(ApiCall::UpdateAssignments { records })
    }

    /// Creates TOD policies in one request.
    pub fn create_policies(&self, records: Vec<NewTodPolicy>) -> Result<WriteResult, ContactNowError> {
        self.write(ApiCall::CreatePolicies { records })
    }

    /// Lists TOD policies, all or one.
    pub fn read_policies(&self, policy_id: Option<u64>) -> Result<PolicyListing, ContactNowError> {
        match self.run(ApiCall::ReadPolicies { policy_id })? {
            ApiOutput::Policies { listing } => Ok(listing),
            _ => Err(unexpected()),
        }
    }

    /// Changes existing TOD policies in one request.
    pub fn update_policies(&self, records: Vec<TodPolicyUpdate>) -> Result<WriteResult, ContactNowError> {
        self.write(ApiCall::UpdatePolicies { records })
    }
}
