//! The client's error is the core's: one type for the whole stack (input, API, decoding, HTTP
//! status, transport, timeout), so no layer mirrors another.

pub use contactnow_core::{Error, ErrorKind};
