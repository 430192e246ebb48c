//! Input shapes, declared here so that the generated typings (`binding.d.ts`) describe
//! them. The values themselves arrive as plain JavaScript data and are read, with exact
//! error messages, in the crate's input module; both casings (`agentId` / `agent_id`) work.
#![allow(dead_code)] // Declared for typings only.

use napi_derive::napi;

/// An assignment to create or update.
#[napi(object)]
pub struct AssignmentInput {
    /// The agent's id (a positive safe integer).
    pub agent_id: f64,
    /// The queue's id (a positive safe integer).
    pub queue_id: f64,
    /// The priority level (0 to 2^32 - 1).
    pub level: f64,
}

/// A time-of-day policy to create.
#[napi(object)]
pub struct NewTodPolicyInput {
    /// The policy's name; must not be empty.
    pub description: String,
    /// `'queue'`, `'voicemail'`, `'hangup'` or `'jump:<queue id>'`.
    pub default: String,
}

/// Changes to a time-of-day policy: fields left out are not sent.
#[napi(object)]
pub struct TodPolicyUpdateInput {
    /// The id of the policy to change.
    pub uid: f64,
    /// A new name.
    pub description: Option<String>,
    /// A new default action.
    pub default: Option<String>,
}

/// The retry policy in full.
#[napi(object)]
pub struct RetryOptions {
    /// Attempts in all, including the first (default 3).
    pub max_attempts: Option<f64>,
    /// The cap of the first pause, in ms (default 200); each later cap doubles.
    pub initial_backoff_ms: Option<f64>,
    /// The largest pause, in ms (default 5000).
    pub max_backoff_ms: Option<f64>,
}

/// Settings of a client. Give `token`, or `username` and `password`.
#[napi(object)]
pub struct ClientOptions {
    /// A token from `token.php`.
    pub token: Option<String>,
    /// An API user's name: the client gets, caches and renews tokens itself.
    pub username: Option<String>,
    /// The API user's password.
    pub password: Option<String>,
    /// The base URL (default `https://api-106.dxi.eu`; US: `https://api.contactnow.8x8.com/api`).
    pub base_url: Option<String>,
    /// A documented region instead of `baseUrl`: `'eu'` or `'us'`.
    #[napi(ts_type = "'eu' | 'us'")]
    pub region: Option<String>,
    /// `'json'` (default) or `'xml'`.
    #[napi(ts_type = "'json' | 'xml'")]
    pub format: Option<String>,
    /// Timeout of opening a connection, in ms (default 10000).
    pub connect_timeout_ms: Option<f64>,
    /// Timeout of one attempt, in ms (default 30000).
    pub timeout_ms: Option<f64>,
    /// Timeout of a whole call with its retries, in ms (default 120000, or more when the
    /// attempts and pauses need it).
    pub total_timeout_ms: Option<f64>,
    /// Retries after the first attempt (default 2), or the policy in full. Only calls that
    /// are safe to repeat are repeated (never a TOD policy create that may have arrived).
    #[napi(ts_type = "number | RetryOptions")]
    pub retries: Option<f64>,
    /// Allows `http://` to hosts other than loopback ones (default false).
    pub allow_insecure_http: Option<bool>,
    /// Responses larger than this are refused (default 64 MiB).
    pub max_response_bytes: Option<f64>,
    /// An HTTP proxy, `http://host:port` (CONNECT for HTTPS).
    pub proxy: Option<String>,
    /// The `User-Agent` header (default `contactnow-rust/<version>`).
    pub user_agent: Option<String>,
    /// Records per request of batched writes (default 100).
    pub batch_size: Option<f64>,
}
