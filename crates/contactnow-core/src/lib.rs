//! Sans-IO protocol core for the 8x8 ContactNow (formerly DXI) `database.php` API.
//!
//! **In scope:** the records (`priority` assignments, `tod_policy` policies), the token
//! endpoint (`token.php`), input validation, building exact HTTP requests (method, URL with
//! percent-encoded query, headers, JSON or XML body) and parsing HTTP responses into typed
//! results or typed [`Error`]s, in both formats and with every quirk the documents show
//! (numbers as strings, `success` as `true`/`1`, XML read lists, ISO-8859-1 prologs).
//!
//! The [`engine`] runs a whole call as steps (send, sleep, done): tokens, retries, pauses,
//! refresh and outcome rules, with time and randomness passed in.
//!
//! **The core's values in each language**, behind a feature per binding, so that a binding
//! converts its calls and nothing else: `python` (pyo3: the models are the Python classes,
//! module `python`), `napi` (Node: module `js`), `uniffi` (Kotlin and Swift: the records derive
//! uniffi's traits, and module `mobile` holds the error). Each is one place per language where
//! the core's types, inputs and errors are mapped; none adds behaviour.
//!
//! **Out of scope:** sending anything. There is no network, file system, clock, randomness
//! or environment access here: bring your own HTTP client and drive the [`engine`], or use
//! the `contactnow` crate, whose clients are such drivers.
//!
//! A whole call on canned bytes:
//!
//! ```
//! use contactnow_core::{
//!     ops::priority::CreateAssignments, Assignment, Endpoint, Format, HttpResponse, Method,
//!     Operation, Token,
//! };
//!
//! let op = CreateAssignments { records: vec![Assignment::new(1234, 1234, 100)] };
//! let request = op.build_request(&Endpoint::default(), &Token::new("T0KEN"), Format::Json)?;
//! assert_eq!(request.method, Method::Post);
//! assert_eq!(
//!     request.url,
//!     "https://api-106.dxi.eu/database.php?token=T0KEN&method=priority&action=create&format=json&raw=1"
//! );
//! assert_eq!(request.body, br#"[{"agentid":"1234","qid":"1234","level":"100"}]"#);
//! assert!(!format!("{request:?}").contains("T0KEN"));
//!
//! let response = HttpResponse::new(
//!     200,
//!     Some("application/json"),
//!     r#"{"success":true,"account_id":"10278","total":1,"bad":0,"key":550423}"#,
//! );
//! let result = op.parse_response(Format::Json, &response)?;
//! assert_eq!((result.total, result.bad, result.key), (1, 0, Some(550423)));
//! # Ok::<(), contactnow_core::Error>(())
//! ```
#![deny(missing_docs)]
// napi-derive's code allows `unsafe` where it needs it, which `forbid` would refuse.
#![cfg_attr(not(feature = "napi"), forbid(unsafe_code))]
#![cfg_attr(feature = "napi", deny(unsafe_code))]

mod endpoint;
pub mod engine;
mod error;
mod format;
mod http;
pub mod input;
#[cfg(feature = "napi")]
pub mod js;
#[cfg(feature = "uniffi")]
pub mod mobile;
mod model;
pub mod naming;
pub mod ops;
#[cfg(feature = "python")]
pub mod python;
mod query;
mod redact;
mod secret;
pub mod similar;
mod wire;

pub use endpoint::{Endpoint, Region};
pub use error::{status_may_follow_apply, ApiError, Error, ErrorKind};
pub use format::Format;
pub use http::{HttpRequest, HttpResponse, Method};
pub use model::{Assignment, DefaultAction, Listing, NewTodPolicy, TodPolicy, TodPolicyUpdate, WriteResult};
pub use ops::{
    any::{ApiCall, ApiOutput},
    generic::{GenericCall, GenericRecord, GenericResult},
    priority::{CreateAssignments, ReadAssignments, UpdateAssignments},
    tod_policy::{CreatePolicies, ReadPolicies, UpdatePolicies},
    token::{GetToken, TokenGrant, TokenStatus, ValidateToken},
    Operation,
};
pub use query::{percent_encode, redact_url};
pub use redact::{excerpt, scrub_own, scrub_secrets};
pub use secret::{scrub, Password, Token, REDACTED};

/// The crate version, shared by every contactnow package.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();
