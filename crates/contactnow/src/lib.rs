//! Blocking client for the 8x8 ContactNow (formerly DXI) `database.php` admin API, and with
//! feature `async` a non-blocking one on tokio ([`AsyncClient`](#asyncclient-feature-async)).
//!
//! **In scope:** a [`Client`] made by a [`ClientBuilder`] that sends the requests built by
//! [`contactnow_core`] with one pooled [`ureq`] agent (rustls), with timeouts that are never
//! infinite (connect, per attempt, total), retries with capped exponential backoff and full
//! jitter that honour `Retry-After` (never repeating sooner than it allows) and repeat only
//! what is safe to repeat (reads, updates, priority creates; a TOD policy create never once
//! it may have reached the server, which the error then says through `outcome_unknown`),
//! tokens (fixed, from an API user's credentials through `token.php` with caching and one
//! shared refresh on rejection, or from a callback), a response size limit, HTTPS-only
//! unless the host is loopback, batch helpers, and secrets kept out of every `Debug`,
//! `Display` and error text.
//!
//! The client is a driver of the core's call engine ([`contactnow_core::engine`]): the
//! rules above are the engine's, the same for every driver in every language; the client
//! sends, sleeps and reads the clocks.
//!
//! **Out of scope:** encoding, decoding and validation (all in `contactnow-core`, re-exported
//! here) and deleting records (the API offers no delete).
//!
//! ## `AsyncClient` (feature `async`)
//!
//! With `features = ["async"]`, `ClientBuilder::build_async` makes an `AsyncClient`: the
//! calls of [`Client`] as `Send` futures on tokio, any number in flight at once over one pool
//! of keep-alive connections (hyper-util's pooled client, rustls with ring and the webpki
//! roots, the same proxy handling as ureq's). It is a second driver of the same engine, so
//! tokens, retries and pauses, `outcome_unknown`, the size limit and redaction are the
//! blocking client's, and it passes the same execution vectors. Dropping a call's future
//! cancels it: nothing more is sent and nothing of it keeps running.
//!
//! A feature rather than a crate of its own: one builder, one set of settings and one
//! validation serve both clients (a setting cannot exist for one only, or be checked
//! differently), and both report the one [`Error`] type; without the feature nothing of
//! tokio or hyper is built. The feature adds 20 crates (tokio, hyper, hyper-util,
//! tokio-rustls and their dependencies; `async_transport.rs` says why not reqwest) and about
//! 40 s to a clean debug build on 2 cores.
//!
//! Measured (`cargo bench -p contactnow --features async --bench concurrency`, 2 cores, the
//! in-process sandbox with a 100 ms delay on every request, medians of alternating rounds):
//! 64 reads at once take 1.00x the wall time of a plain hyper-util client sending the same
//! requests from a `JoinSet` (104 ms), 256 at once 1.01x (109 to 110 ms); sequential round
//! trips without the delay run at 0.96x to 1.03x the plain loop's rate (two runs); a call in
//! flight costs 24 to 26 KiB of memory (the plain loop's request: 18 to 20 KiB).
//!
//! A whole call against a tiny canned server:
//!
//! ```
//! use std::{io::{Read, Write}, net::TcpListener};
//! use contactnow::{Assignment, Client};
//!
//! let listener = TcpListener::bind("127.0.0.1:0")?;
//! let base_url = format!("http://{}", listener.local_addr()?);
//! std::thread::spawn(move || {
//!     let (mut stream, _) = listener.accept().unwrap();
//!     let mut buf = [0u8; 4096];
//!     let _ = stream.read(&mut buf);
//!     let body = r#"{"success":true,"total":"1","list":[{"agentid":"7","qid":"9","level":"100"}]}"#;
//!     let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", body.len());
//!     stream.write_all(head.as_bytes()).unwrap();
//!     stream.write_all(body.as_bytes()).unwrap();
//! });
//!
//! let client = Client::builder().base_url(&base_url).token("tok-SECRET").build()?;
//! let listing = client.read_assignments(Some(7), None)?;
//! assert_eq!(listing.records, vec![Assignment::new(7, 9, 100)]);
//! assert!(!format!("{client:?}").contains("tok-SECRET"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(feature = "async")]
mod async_client;
#[cfg(feature = "async")]
mod async_transport;
mod auth;
mod batch;
mod builder;
mod client;
mod driver;
mod error;
mod events;
pub mod options;
mod sender;
mod transport;

#[cfg(feature = "async")]
pub use async_client::AsyncClient;
pub use auth::TokenProvider;
pub use batch::{BatchOutcome, ChunkFailure};
pub use builder::{ClientBuilder, DEFAULT_BATCH_SIZE, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, USER_AGENT};
pub use client::Client;
pub use contactnow_core::engine::{Event, Failure, Level, Observer, Purpose, RetryPolicy, Value};
pub use error::{Error, ErrorKind};
pub use events::TARGET;
pub use sender::Sender;

pub use contactnow_core::{
    input, ops, redact_url, scrub, ApiCall, ApiError, ApiOutput, Assignment, CreateAssignments, CreatePolicies,
    DefaultAction, Endpoint, Format, GenericCall, GenericRecord, GenericResult, GetToken, HttpRequest, HttpResponse,
    Listing, Method, NewTodPolicy, Operation, Password, ReadAssignments, ReadPolicies, Region, TodPolicy,
    TodPolicyUpdate, Token, TokenGrant, TokenStatus, UpdateAssignments, UpdatePolicies, ValidateToken, WriteResult,
    VERSION,
};

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + Clone>() {}

    #[test]
    fn client_is_send_sync_clone() {
        assert_send_sync::<Client>();
        assert_send_sync::<Error>();
        #[cfg(feature = "async")]
        assert_send_sync::<AsyncClient>();
    }
}

/// The workspace README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
