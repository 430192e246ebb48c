//! Tokens: static ones from the configuration, and ones issued by `token.php`.

use std::{collections::HashMap, net::IpAddr, time::Duration};

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Missing, unknown, revoked, or used from another IP: "Invalid token".
    Invalid,
    /// Past its lifetime or expired by a control: "Expired token", `expire: -1`.
    Expired,
}

#[derive(Debug, Clone)]
struct Issued {
    ip: IpAddr,
    /// Unix time (seconds) at which it expires.
    expire: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StaticState {
    Valid,
    Expired,
    Revoked,
}

/// All tokens the sandbox knows. Its `Debug` output shows counts and user names only.
pub(crate) struct Tokens {
    statics: Vec<(String, StaticState)>,
    issued: HashMap<String, Issued>,
    users: Vec<(String, String)>,
    lifetime: Duration,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = |wanted: StaticState| self.statics.iter().filter(|(_, state)| *state == wanted).count();
        let user_names: Vec<&str> = self.users.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("Tokens")
            .field(
                "statics",
                &format_args!(
                    "<{} redacted: {} valid, {} expired, {} revoked>",
                    self.statics.len(),
                    count(StaticState::Valid),
                    count(StaticState::Expired),
                    count(StaticState::Revoked)
                ),
            )
            .field("issued", &format_args!("<{} redacted>", self.issued.len()))
            .field("users", &format_args!("{user_names:?} (passwords redacted)"))
            .field("lifetime", &self.lifetime)
            .finish()
    }
}

/// The latest expiry time reported: `i64::MAX`, the largest Unix time a PHP integer (and
/// the core's `expire: i64`) holds. A huge lifetime saturates here instead of overflowing.
const MAX_EXPIRE: u64 = i64::MAX.unsigned_abs();

/// The expiry time of a token issued now with `lifetime`, saturated at [`MAX_EXPIRE`].
fn expiry(lifetime: Duration) -> u64 {
    now_secs().saturating_add(lifetime.as_secs()).min(MAX_EXPIRE)
}

pub(crate) fn now_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl Tokens {
    pub(crate) fn new(statics: &[String], users: &[(String, String)], lifetime: Duration) -> Self {
        Self {
            statics: statics.iter().map(|t| (t.clone(), StaticState::Valid)).collect(),
            issued: HashMap::new(),
            users: users.to_vec(),
            lifetime,
        }
    }

    pub(crate) fn first_static(&self) -> String {
        self.statics.first().map(|(t, _)| t.clone()).unwrap_or_default()
    }

    /// `token.php?action=get`: a new random token bound to `ip`, with its expiry time.
    pub(crate) fn issue(&mut self, username: &str, password: &str, ip: IpAddr) -> Option<(String, u64)> {
        let known = self.users.iter().any(|(u, p)| u == username && p == password);
        if !known || username.is_empty() {
            return None;
        }
        let mut rng = fastrand::Rng::new();
        let token: String = (0..32).map(|_| char::from(b"0123456789abcdef"[rng.usize(..16)])).collect();
        let expire = expiry(self.lifetime);
        self.issued.insert(token.clone(), Issued { ip, expire });
        // Forget long-expired tokens so the map cannot grow without bound.
        if self.issued.len() > 10_000 {
            let now = now_secs();
            self.issued.retain(|_, t| t.expire.saturating_add(86_400) > now);
        }
        Some((token, expire))
    }

    /// Checks a token used from `ip`; `Ok` carries its expiry time.
    pub(crate) fn check(&self, token: &str, ip: IpAddr) -> Result<u64, Refusal> {
        if token.is_empty() {
            return Err(Refusal::Invalid);
        }
        if let Some((_, state)) = self.statics.iter().find(|(t, _)| t == token) {
            return match state {
                StaticState::Valid => Ok(expiry(self.lifetime)),
                StaticState::Expired => Err(Refusal::Expired),
                StaticState::Revoked => Err(Refusal::Invalid),
            };
        }
        match self.issued.get(token) {
            Some(t) if t.ip != ip => Err(Refusal::Invalid),
            Some(t) if t.expire <= now_secs() => Err(Refusal::Expired),
            Some(t) => Ok(t.expire),
            None => Err(Refusal::Invalid),
        }
    }

    /// Returns whether the token was known.
    /// The tokens `token.php` issued, in no particular order.
    pub(crate) fn issued(&self) -> Vec<String> {
        self.issued.keys().cloned().collect()
    }

    pub(crate) fn expire(&mut self, token: &str) -> bool {
        if let Some((_, state)) = self.statics.iter_mut().find(|(t, _)| t == token) {
            *state = StaticState::Expired;
            return true;
        }
        match self.issued.get_mut(token) {
            Some(t) => {
                t.expire = 0;
                true
            }
            None => false,
        }
    }

    /// Returns whether the token was known.
    pub(crate) fn revoke(&mut self, token: &str) -> bool {
        if let Some((_, state)) = self.statics.iter_mut().find(|(t, _)| t == token) {
            *state = StaticState::Revoked;
            return true;
        }
        self.issued.remove(token).is_some()
    }

    /// Makes every static token valid again (issued tokens are kept as they are).
    pub(crate) fn reset_statics(&mut self) {
        for (_, state) in &mut self.statics {
            *state = StaticState::Valid;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_check_expire_revoke() {
        let ip: IpAddr = [127, 0, 0, 1].into();
        let other: IpAddr = [127, 0, 0, 2].into();
        let mut tokens = Tokens::new(&["s".into()], &[("u".into(), "p".into())], Duration::from_secs(60));
        assert!(tokens.issue("u", "wrong", ip).is_none());
        let (t, expire) = tokens.issue("u", "p", ip).unwrap();
        assert_eq!(tokens.check(&t, ip), Ok(expire));
        assert_eq!(tokens.check(&t, other), Err(Refusal::Invalid));
        assert!(tokens.check("s", other).is_ok());
        assert!(tokens.expire(&t));
        assert_eq!(tokens.check(&t, ip), Err(Refusal::Expired));
        assert!(tokens.revoke(&t));
        assert_eq!(tokens.check(&t, ip), Err(Refusal::Invalid));
        tokens.expire("s");
        assert_eq!(tokens.check("s", ip), Err(Refusal::Expired));
        tokens.reset_statics();
        assert!(tokens.check("s", ip).is_ok());
        let mut zero = Tokens::new(&[], &[("u".into(), "p".into())], Duration::ZERO);
        let (t, _) = zero.issue("u", "p", ip).unwrap();
        assert_eq!(zero.check(&t, ip), Err(Refusal::Expired));
    }

    #[test]
    fn huge_lifetimes_saturate_instead_of_overflowing() {
        let ip: IpAddr = [127, 0, 0, 1].into();
        for lifetime in [Duration::MAX, Duration::from_secs(u64::MAX), Duration::from_secs(i64::MAX.unsigned_abs())] {
            let mut tokens = Tokens::new(&["s".into()], &[("u".into(), "p".into())], lifetime);
            let (t, expire) = tokens.issue("u", "p", ip).unwrap();
            assert_eq!(expire, MAX_EXPIRE);
            assert_eq!(tokens.check(&t, ip), Ok(MAX_EXPIRE));
            assert_eq!(tokens.check("s", ip), Ok(MAX_EXPIRE));
            // The clean-up of old tokens adds a day to each expiry: it must not overflow either.
            for _ in 0..10_001 {
                tokens.issue("u", "p", ip).unwrap();
            }
            assert_eq!(tokens.check(&t, ip), Ok(MAX_EXPIRE));
            assert!(tokens.expire(&t));
            assert_eq!(tokens.check(&t, ip), Err(Refusal::Expired));
        }
    }

    #[test]
    fn debug_redacts_tokens_and_passwords() {
        let ip: IpAddr = [127, 0, 0, 1].into();
        let mut tokens = Tokens::new(
            &["static-tok-3f9a".into(), "static-tok-77c1".into()],
            &[("alice".into(), "pw-alice-secret".into())],
            Duration::from_secs(60),
        );
        let (issued, _) = tokens.issue("alice", "pw-alice-secret", ip).unwrap();
        tokens.expire("static-tok-77c1");
        for shown in [format!("{tokens:?}"), format!("{tokens:#?}")] {
            for secret in [issued.as_str(), "static-tok-3f9a", "static-tok-77c1", "pw-alice-secret"] {
                assert!(!shown.contains(secret), "{secret} in {shown}");
            }
            assert!(shown.contains("<2 redacted: 1 valid, 1 expired, 0 revoked>"), "{shown}");
            assert!(shown.contains("issued: <1 redacted>"), "{shown}");
            assert!(shown.contains("[\"alice\"]"), "{shown}");
        }
    }
}
