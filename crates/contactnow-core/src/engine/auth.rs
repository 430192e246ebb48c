//! Where a call's token comes from, and the token cache every call of a session shares.
//!
//! The cache hands out one fetch at a time (a lease): while one call fetches a token, the
//! others that need one wait for it (short pauses) instead of fetching their own, so a burst
//! of calls that all saw the same rejected token makes exactly one `token.php` request.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::{GetToken, Token};

/// How a session authenticates.
#[derive(Debug, Clone)]
pub enum Auth {
    /// A token given by the caller: used as it is, never refreshed.
    Token(Token),
    /// An API user's credentials, exchanged for a token through `token.php` (cached, and
    /// fetched again once per call when the server rejects it).
    Credentials(GetToken),
    /// The driver's token callback, asked through [`Step::NeedToken`](super::Step::NeedToken)
    /// (cached, and asked again once per call when the server rejects it).
    Provider,
}

impl Auth {
    /// The password, when the session has one (a secret to keep out of every text).
    pub fn password(&self) -> Option<&str> {
        match self {
            Auth::Credentials(get) => Some(get.password.expose()),
            _ => None,
        }
    }

    /// Whether a token the server rejected can be replaced.
    pub fn refreshable(&self) -> bool {
        !matches!(self, Auth::Token(_))
    }
}

/// A fetched token is dropped this many seconds before its `expire`, or half its lifetime
/// before when that is shorter (so a short-lived token is still reused).
pub const EXPIRY_MARGIN_SECS: i64 = 60;

/// How long a call waits before looking again while another call fetches the token.
pub(crate) const LEASE_WAIT: Duration = Duration::from_millis(5);

/// The cached token of a session.
#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    token: Option<Token>,
    /// Unix seconds, when known.
    expire: Option<i64>,
    /// Seconds before `expire` from which the token is no longer used.
    margin: i64,
    /// Bumped by every stored token: a call that saw generation `g` rejected takes any
    /// newer one instead of fetching again.
    generation: u64,
    /// The call that is fetching a token now.
    lease: Option<u64>,
}

/// What a call that needs a token should do.
pub(crate) enum Lookup {
    /// Use this token (of this generation).
    Use(Token, u64),
    /// Another call is fetching one: look again after [`LEASE_WAIT`].
    Wait,
    /// Fetch one: this call now holds the lease and must [`TokenCache::store`] or
    /// [`TokenCache::release`].
    Fetch,
}

impl TokenCache {
    /// The token for call `call` at `now`, given that the token of generation `rejected`
    /// (if any) was refused by the server.
    pub fn lookup(&mut self, call: u64, rejected: Option<u64>, now: SystemTime) -> Lookup {
        if let Some(token) = self.fresh(now) {
            if rejected != Some(self.generation) {
                return Lookup::Use(token, self.generation);
            }
        }
        match self.lease {
            Some(holder) if holder != call => Lookup::Wait,
            _ => {
                self.lease = Some(call);
                Lookup::Fetch
            }
        }
    }

    /// Stores a token fetched at `now` that expires at `expire` (Unix seconds), if known,
    /// ends the lease, and returns the token's generation.
    pub fn store(&mut self, token: Token, expire: Option<i64>, now: SystemTime) -> u64 {
        let now = unix(now);
        // An expiry already in the past (clock skew) still allows the call that fetched it.
        let expire = expire.filter(|e| *e > now);
        let lifetime = expire.map_or(0, |e| e.saturating_sub(now));
        self.margin = EXPIRY_MARGIN_SECS.min(lifetime / 2);
        self.token = Some(token);
        self.expire = expire;
        self.generation += 1;
        self.lease = None;
        self.generation
    }

    /// Ends `call`'s lease without a token (its fetch failed, or it was dropped).
    pub fn release(&mut self, call: u64) {
        if self.lease == Some(call) {
            self.lease = None;
        }
    }

    #[cfg(test)]
    pub fn generation_for_tests(&self) -> u64 {
        self.generation
    }

    fn fresh(&self, now: SystemTime) -> Option<Token> {
        let token = self.token.as_ref()?;
        match self.expire {
            Some(expire) if unix(now) >= expire.saturating_sub(self.margin) => None,
            _ => Some(token.clone()),
        }
    }
}

/// Seconds since the Unix epoch (0 before it, saturating far after it).
pub(crate) fn unix(now: SystemTime) -> i64 {
    now.duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn one_fetch_at_a_time_and_generations() {
        let mut cache = TokenCache::default();
        assert!(matches!(cache.lookup(1, None, at(1000)), Lookup::Fetch));
        assert!(matches!(cache.lookup(2, None, at(1000)), Lookup::Wait));
        assert!(matches!(cache.lookup(1, None, at(1000)), Lookup::Fetch), "the holder may look again");
        let generation = cache.store(Token::new("t1"), Some(4600), at(1000));
        assert!(matches!(cache.lookup(2, None, at(1001)), Lookup::Use(t, g) if t.expose() == "t1" && g == generation));
        // Call 3 saw generation 1 rejected: it fetches; call 4, rejected on the same one, waits.
        assert!(matches!(cache.lookup(3, Some(generation), at(1002)), Lookup::Fetch));
        assert!(matches!(cache.lookup(4, Some(generation), at(1002)), Lookup::Wait));
        cache.release(4);
        assert!(matches!(cache.lookup(4, Some(generation), at(1002)), Lookup::Wait), "not 4's lease");
        let newer = cache.store(Token::new("t2"), None, at(1003));
        assert!(
            matches!(cache.lookup(4, Some(generation), at(1003)), Lookup::Use(t, g) if t.expose() == "t2" && g == newer)
        );
        cache.release(9);
        assert!(matches!(cache.lookup(5, Some(newer), at(1004)), Lookup::Fetch));
        cache.release(5);
        assert!(matches!(cache.lookup(6, Some(newer), at(1004)), Lookup::Fetch), "a released lease is free");
    }

    #[test]
    fn expiry_margin() {
        let mut cache = TokenCache::default();
        cache.store(Token::new("t"), Some(1000 + 3600), at(1000));
        assert!(cache.fresh(at(1000 + 3600 - 61)).is_some());
        assert!(cache.fresh(at(1000 + 3600 - 60)).is_none(), "dropped 60 s before expiry");
        // A 30 s token is used for 15 s.
        cache.store(Token::new("t"), Some(2030), at(2000));
        assert!(cache.fresh(at(2014)).is_some());
        assert!(cache.fresh(at(2015)).is_none());
        // Already expired (clock skew): kept without an expiry for the call that fetched it.
        cache.store(Token::new("t"), Some(10), at(2000));
        assert!(cache.fresh(at(2000)).is_some());
    }
}
