//! Node.js bindings for contactnow (napi-rs): the addon behind the `contactnow` npm package.
//!
//! This crate only converts calls; behaviour lives in `contactnow` (the client) and
//! `contactnow-core` (the sans-IO protocol, and its values in JavaScript:
//! `contactnow_core::js`). It exports:
//! - `NativeClient` ([`client::JsClient`]): every call returns a Promise and runs as a
//!   future on the addon's tokio runtime (`contactnow::AsyncClient`), holding no thread while
//!   it waits, so any number can be in flight; or, for a client with a `sender` (bring your
//!   own HTTP, e.g. `fetch`), is a `NativeCall` ([`call::JsCall`]) that JavaScript drives;
//! - `NativeAbort` ([`client::JsAbort`]): the native end of a call's `AbortSignal`;
//! - `buildRequest` / `parseResponse` ([`sansio`]): the sans-IO layer, for callers who send
//!   requests with their own HTTP stack;
//! - `NativeSandbox` ([`sandbox::JsSandbox`]): the in-process emulator, for users' tests;
//! - errors as JavaScript `Error`s with a stable `code` (`contactnow_core::js::error`).
//!
//! Ids are JavaScript numbers. Inputs that are not safe integers are rejected
//! (`InvalidInput`) and server values beyond `Number.MAX_SAFE_INTEGER` are `Decode` errors:
//! nothing is ever rounded.
#![deny(missing_docs)]

pub mod call;
pub mod client;
pub mod events;
pub mod sandbox;
pub mod sansio;

pub(crate) use contactnow_core::js::{error, output, value};

use napi_derive::napi;

/// The package version, shared by every contactnow package.
#[napi]
pub const VERSION: &str = contactnow_core::VERSION;
