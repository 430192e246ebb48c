//! The core's values in JavaScript (feature `napi`, for `bindings/node`): errors as
//! `ContactNowError` objects, outputs as camelCase objects with exact numbers, JavaScript
//! values read as the input reader's JSON, and the sans-IO request and response; so that the
//! binding only converts calls.

pub mod error;
pub mod output;
pub mod value;
