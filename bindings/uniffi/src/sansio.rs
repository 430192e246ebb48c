//! The sans-IO core across the boundary: build a request, send it yourself, parse the answer;
//! and `HttpSender`, a foreign-implemented HTTP stack that `Client.withSender` drives the call
//! engine through (retries, token refresh and outcome rules included).

use std::{fmt, sync::Arc, time::Duration};

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
    /// The `Retry-After` header, if any (read on a 429 or 503).
    #[uniffi(default = None)]
    pub retry_after: Option<String>,
}

impl From<HttpResponse> for core::HttpResponse {
    fn from(r: HttpResponse) -> Self {
        core::HttpResponse { status: r.status, content_type: r.content_type, body: r.body, retry_after: r.retry_after }
    }
}

/// The URL with `token` and `password` values shown as `***`.
#[uniffi::export]
pub fn redact_url(url: String) -> String {
    core::redact_url(&url)
}

/// An endpoint from an optional base URL (default EU).
fn endpoint(base_url: Option<&str>) -> Result<Endpoint, core::Error> {
    Ok(match base_url {
        Some(url) => Endpoint::new(url)?,
        None => Endpoint::default(),
    })
}

impl From<ApiCall> for core::ApiCall {
    fn from(call: ApiCall) -> Self {
        match call {
            ApiCall::CreateAssignments { records } => {
                core::ApiCall::CreateAssignments(core::CreateAssignments { records: to_core(records) })
            }
            ApiCall::ReadAssignments { agent_id, queue_id } => {
                core::ApiCall::ReadAssignments(core::ReadAssignments { agent_id, queue_id })
            }
            ApiCall::UpdateAssignments { records } => {
                core::ApiCall::UpdateAssignments(core::UpdateAssignments { records: to_core(records) })
            }
            ApiCall::CreatePolicies { records } => {
                core::ApiCall::CreatePolicies(core::CreatePolicies { records: to_core(records) })
            }
            ApiCall::ReadPolicies { policy_id } => core::ApiCall::ReadPolicies(core::ReadPolicies { policy_id }),
            ApiCall::UpdatePolicies { records } => {
                core::ApiCall::UpdatePolicies(core::UpdatePolicies { records: to_core(records) })
            }
            ApiCall::GetToken { username, password } => {
                core::ApiCall::GetToken(core::GetToken::new(username, password))
            }
            ApiCall::ValidateToken { token } => core::ApiCall::ValidateToken(core::ValidateToken::new(token)),
        }
    }
}

impl From<core::ApiOutput> for ApiOutput {
    fn from(output: core::ApiOutput) -> Self {
        match output {
            core::ApiOutput::Write(result) => ApiOutput::Write { result: result.into() },
            core::ApiOutput::Assignments(listing) => ApiOutput::Assignments { listing: listing.into() },
            core::ApiOutput::Policies(listing) => ApiOutput::Policies { listing: listing.into() },
            core::ApiOutput::TokenGrant(grant) => {
                ApiOutput::TokenGrant { token: grant.token.expose().to_owned(), expire: grant.expire }
            }
            core::ApiOutput::TokenStatus(status) => ApiOutput::TokenStatus { expire: status.expire },
        }
    }
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
        let call = core::ApiCall::from(call);
        let built = endpoint(base_url.as_deref())
            .and_then(|endpoint| call.build_request(&endpoint, &Token::new(token.clone()), format.into()));
        let mut secrets = call.secrets();
        secrets.push(&token);
        Ok(Arc::new(HttpRequest { inner: built.map_err(|e| e.scrubbed(&secrets))? }))
    })
}

/// Parses the response to the request built for `call` in `format` (token calls are always
/// JSON): the value, or the typed error (`Api`, `Decode`, `HttpStatus`).
#[uniffi::export]
pub fn parse_response(call: ApiCall, format: Format, response: HttpResponse) -> Result<ApiOutput, ContactNowError> {
    guard(|| {
        let call = core::ApiCall::from(call);
        let parsed = call.parse_response(format.into(), &response.into());
        Ok(parsed.map_err(|e| e.scrubbed(&call.secrets()))?.into())
    })
}

/// An HTTP stack implemented by the app (OkHttp, `HttpURLConnection`, URLSession...): send
/// the request as given, within `timeout_ms`, and return the response whatever its status.
///
/// Throw `ContactNowError.Timeout` for a timeout and `ContactNowError.Transport` for other
/// failures; a `Transport` with `outcomeUnknown = false` says the request certainly did not
/// leave (connection refused), which lets even a TOD policy create be sent again. Any other
/// exception is a failure after sending. The client removes the token from every text.
#[uniffi::export(with_foreign)]
pub trait HttpSender: Send + Sync {
    /// Sends `request` and returns the answer.
    fn send(&self, request: Arc<HttpRequest>, timeout_ms: u64) -> Result<HttpResponse, ContactNowError>;
}

/// An app's [`HttpSender`] as the Rust client's transport.
pub(crate) struct Foreign(pub Arc<dyn HttpSender>);

impl contactnow::Sender for Foreign {
    fn send(
        &self,
        request: &core::HttpRequest,
        timeout: Duration,
    ) -> Result<core::HttpResponse, core::engine::Failure> {
        let timeout_ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        let request = Arc::new(HttpRequest { inner: request.clone() });
        match guard(|| self.0.send(request, timeout_ms)) {
            Ok(response) => Ok(response.into()),
            Err(ContactNowError::Timeout { detail, .. }) => Err(core::engine::Failure::timeout(detail)),
            Err(ContactNowError::Transport { detail, outcome_unknown: false }) => {
                Err(core::engine::Failure::new(detail).before_sending())
            }
            Err(ContactNowError::Transport { detail, .. }) => Err(core::engine::Failure::new(detail)),
            Err(other) => Err(core::engine::Failure::new(other.to_string())),
        }
    }
}
