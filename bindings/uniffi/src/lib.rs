//! Kotlin and Swift bindings for contactnow ([uniffi](https://mozilla.github.io/uniffi-rs/)): the
//! calls only, the core's records crossing as they are (they derive uniffi's traits with the
//! core's feature `uniffi`), and its error, request object and `HttpSender` from
//! `contactnow_core::mobile` (Kotlin package `contactnow.core`); protocol logic is in
//! `contactnow-core`, HTTP in `contactnow`. Generate the foreign sources from the built library
//! with the bundled binary: `cargo run -p contactnow-uniffi --bin uniffi-bindgen -- generate
//! --library target/debug/libcontactnow_uniffi.so --language kotlin --out-dir out/kotlin`.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod client;
mod config;
mod events;
mod generic;
mod run;
#[cfg(feature = "sandbox")]
mod sandbox;
mod sansio;
mod types;

pub use client::Client;
pub use config::{ClientConfig, RetryPolicy};
pub use contactnow_core::mobile::{
    default_action_from_wire, default_action_to_wire, ContactNowError, HttpHeader, HttpRequest, HttpSender,
};
pub use events::EventListener;
pub use generic::GenericField;
pub use run::Cancellation;
#[cfg(feature = "sandbox")]
pub use sandbox::{Sandbox, SandboxRequest, SandboxUser};
pub use sansio::{build_request, parse_response, redact_url, ApiCall, ApiOutput};

uniffi::setup_scaffolding!();

/// The version of contactnow, shared by every package.
#[uniffi::export]
pub fn version() -> String {
    contactnow::VERSION.to_owned()
}

/// Runs `f`, turning a panic into [`ContactNowError::Internal`] so that none crosses the FFI
/// boundary as an untyped failure.
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T, ContactNowError>) -> Result<T, ContactNowError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| Err(panicked()))
}

/// The error a caught panic becomes.
pub(crate) fn panicked() -> ContactNowError {
    ContactNowError::Internal { detail: "a bug in contactnow: the call panicked (caught)".to_owned() }
}
