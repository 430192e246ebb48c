//! Where the token comes from, and its cache shared by every clone of a client.

use std::{
    fmt,
    sync::{Arc, Mutex, MutexGuard},
    time::{SystemTime, UNIX_EPOCH},
};

use contactnow_core::{GetToken, Token};

use crate::Error;

/// A callback that returns a fresh token, called when none is cached and after the server
/// rejected the cached one.
pub type TokenProvider = Arc<dyn Fn() -> Result<Token, Error> + Send + Sync>;

/// A fetched token is dropped this many seconds before its `expire`, or half its lifetime
/// before when that is shorter (so a short-lived token is still reused).
pub(crate) const EXPIRY_MARGIN_SECS: i64 = 60;

/// How the client authenticates.
pub(crate) enum Auth {
    /// A token given by the caller: never refreshed.
    Static(Token),
    /// An API user's credentials, exchanged for a token through `token.php`.
    Credentials { request: GetToken, cache: Mutex<Cache> },
    /// A caller's callback.
    Provider { provider: TokenProvider, cache: Mutex<Cache> },
}

/// The cached token, and a counter bumped by every fetch so that concurrent callers that
/// saw the same rejected token share a single refresh.
#[derive(Default)]
pub(crate) struct Cache {
    pub token: Option<Token>,
    /// Unix seconds, when known.
    pub expire: Option<i64>,
    /// Seconds before `expire` from which the token is no longer used.
    pub margin: i64,
    pub generation: u64,
}

impl Cache {
    /// The cached token if it is not within the margin of its expiry.
    pub fn fresh(&self) -> Option<Token> {
        let token = self.token.as_ref()?;
        match self.expire {
            Some(expire) if unix_now() >= expire.saturating_sub(self.margin) => None,
            _ => Some(token.clone()),
        }
    }
}

impl Cache {
    /// Stores a token fetched now that expires at `expire` (Unix seconds), if known.
    pub fn store(&mut self, token: Token, expire: Option<i64>) {
        let lifetime = expire.map_or(0, |e| e.saturating_sub(unix_now()));
        self.margin = EXPIRY_MARGIN_SECS.min(lifetime / 2);
        self.token = Some(token);
        self.expire = expire;
        self.generation += 1;
    }
}

impl Auth {
    /// The secrets to remove from any text that leaves the client.
    pub fn password(&self) -> Option<&str> {
        match self {
            Auth::Credentials { request, .. } => Some(request.password.expose()),
            _ => None,
        }
    }

    /// The cache of a refreshable source.
    pub fn cache(&self) -> Option<MutexGuard<'_, Cache>> {
        let cache = match self {
            Auth::Static(_) => return None,
            Auth::Credentials { cache, .. } | Auth::Provider { cache, .. } => cache,
        };
        // A panic in a provider while holding the lock leaves a usable cache.
        Some(cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Static(_) => f.write_str("Token(***)"),
            Auth::Credentials { request, .. } => {
                write!(f, "Credentials {{ username: {:?}, password: *** }}", request.username)
            }
            Auth::Provider { .. } => f.write_str("TokenProvider"),
        }
    }
}

/// Seconds since the Unix epoch.
pub(crate) fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
