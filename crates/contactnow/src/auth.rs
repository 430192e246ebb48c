//! The token callback type: the one piece of authentication that runs the caller's code
//! (everything else, the cache and the refresh rule, is the engine's: `contactnow_core::engine`).

use std::sync::Arc;

use contactnow_core::Token;

use crate::Error;

/// A callback that returns a fresh token, called when none is cached and after the server
/// rejected the cached one.
pub type TokenProvider = Arc<dyn Fn() -> Result<Token, Error> + Send + Sync>;
