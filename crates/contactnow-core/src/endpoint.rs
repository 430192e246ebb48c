//! The API's base URL, with presets for the documented regions.

use std::{fmt, str::FromStr};

use crate::Error;

/// A documented ContactNow region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Region {
    /// Europe and the rest of the world: `https://api-106.dxi.eu`.
    Eu,
    /// United States: `https://api.contactnow.8x8.com/api`.
    Us,
}

impl Region {
    /// The region's base URL, without a trailing slash.
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Eu => Endpoint::EU,
            Region::Us => Endpoint::US,
        }
    }
}

impl FromStr for Region {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "eu" => Ok(Region::Eu),
            "us" => Ok(Region::Us),
            _ => Err(Error::invalid("region", format!("unknown region {s:?}; expected eu or us"))),
        }
    }
}

/// A validated base URL under which `database.php` and `token.php` live.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    base: String,
    https: bool,
    host_end: usize,
}

impl Endpoint {
    /// Base URL for Europe and the rest of the world (the documented default).
    pub const EU: &'static str = "https://api-106.dxi.eu";
    /// Base URL for the United States.
    pub const US: &'static str = "https://api.contactnow.8x8.com/api";

    /// Parses a base URL: `http` or `https`, a host, an optional port and path; no query,
    /// fragment, user info or whitespace. A trailing slash is dropped.
    pub fn new(url: &str) -> Result<Self, Error> {
        let bad = |why: &str| Error::invalid("base_url", format!("{why}: {:?}", shown(url)));
        let (https, rest) = if let Some(rest) = url.strip_prefix("https://") {
            (true, rest)
        } else if let Some(rest) = url.strip_prefix("http://") {
            (false, rest)
        } else {
            return Err(bad("must start with https:// (or http:// for a local sandbox)"));
        };
        if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("must not contain whitespace"));
        }
        if url.contains(['?', '#']) {
            return Err(bad("must not contain a query or fragment"));
        }
        let authority = rest.split('/').next().unwrap_or_default();
        if authority.contains('@') {
            return Err(bad("must not contain user info"));
        }
        if host_of(authority).is_empty() {
            return Err(bad("has no host"));
        }
        if let Some(port) = port_of(authority) {
            if port.parse::<u16>().is_err() {
                return Err(bad("has an invalid port"));
            }
        }
        let scheme_len = if https { 8 } else { 7 };
        let base = url.trim_end_matches('/').to_owned();
        Ok(Self { host_end: scheme_len + authority.len(), https, base })
    }

    /// The endpoint of a documented region.
    pub fn region(region: Region) -> Self {
        Self::new(region.base_url()).unwrap_or_else(|_| unreachable!("region presets are valid"))
    }

    /// The base URL without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.base
    }

    /// Whether the URL uses `https`.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// The host (without port or brackets), e.g. `api-106.dxi.eu` or `127.0.0.1`.
    pub fn host(&self) -> &str {
        let scheme_len = if self.https { 8 } else { 7 };
        host_of(&self.base[scheme_len..self.host_end])
    }

    /// Whether the host is a loopback address (`localhost`, `127.0.0.0/8`, `::1`).
    pub fn is_loopback(&self) -> bool {
        let host = self.host();
        host.eq_ignore_ascii_case("localhost") || host == "::1" || is_ipv4_loopback(host)
    }

    /// Refuses plain `http` to a host that is not loopback, unless `allow_insecure_http`: the
    /// token travels in the URL, so it would cross the network unencrypted. The one rule for
    /// every client and every sans-IO `build_request`; the error names `base_url`.
    pub fn check_secure(&self, allow_insecure_http: bool) -> Result<(), Error> {
        if self.is_https() || self.is_loopback() || allow_insecure_http {
            return Ok(());
        }
        Err(Error::invalid(
            "base_url",
            format!(
                "{} uses plain http, which would send the token unencrypted; use https (plain http \
                 is accepted only for loopback hosts, or with `allow_insecure_http`)",
                self.base
            ),
        ))
    }

    /// The URL of a script under the base, e.g. `database.php`.
    pub(crate) fn script(&self, name: &str) -> String {
        let mut url = String::with_capacity(self.base.len() + name.len() + 96);
        url.push_str(&self.base);
        url.push('/');
        url.push_str(name);
        url
    }
}

/// Whether `host` is an IPv4 address in `127.0.0.0/8` (strict dotted decimal, as the
/// resolver reads it; `core::net` only parses, it opens nothing).
fn is_ipv4_loopback(host: &str) -> bool {
    host.parse::<core::net::Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

/// A URL as shown in errors: user info (everything between `://` and the last `@`, which
/// may hold a password with any character) and any query or fragment after it (which may
/// hold a token) replaced by `***`.
fn shown(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let (mut out, rest) = match url.rfind('@').filter(|&at| at >= start) {
        Some(at) => (format!("{}***", &url[..start]), &url[at..]),
        None => (url[..start].to_owned(), &url[start..]),
    };
    match rest.find(['?', '#']) {
        Some(q) => {
            out.push_str(&rest[..q]);
            out.push_str("?***");
        }
        None => out.push_str(rest),
    }
    out
}

impl Default for Endpoint {
    fn default() -> Self {
        Self::region(Region::Eu)
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base)
    }
}

impl FromStr for Endpoint {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::new(s)
    }
}

fn host_of(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or_default();
    }
    authority.split(':').next().unwrap_or_default()
}

fn port_of(authority: &str) -> Option<&str> {
    let after_host = match authority.strip_prefix('[') {
        Some(rest) => rest.split_once(']').map(|(_, tail)| tail).unwrap_or_default(),
        None => authority.find(':').map(|i| &authority[i..]).unwrap_or_default(),
    };
    after_host.strip_prefix(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalises() {
        let e = Endpoint::new("https://api-106.dxi.eu/").unwrap();
        assert_eq!(e.as_str(), "https://api-106.dxi.eu");
        assert!(e.is_https() && !e.is_loopback());
        assert_eq!(e.host(), "api-106.dxi.eu");
        let us = Endpoint::region(Region::Us);
        assert_eq!(us.script("database.php"), "https://api.contactnow.8x8.com/api/database.php");
        let local = Endpoint::new("http://127.0.0.1:8080").unwrap();
        assert!(local.is_loopback() && !local.is_https());
        assert_eq!(local.host(), "127.0.0.1");
        assert!(Endpoint::new("http://[::1]:9/x").unwrap().is_loopback());
        assert!(Endpoint::new("http://localhost").unwrap().is_loopback());
    }

    #[test]
    fn rejects_bad_urls() {
        for url in
            ["ftp://x", "https://", "https://a b", "https://h?x=1", "https://u@h", "https://h:99999", "api-106.dxi.eu"]
        {
            let err = Endpoint::new(url).unwrap_err();
            assert!(matches!(err, Error::InvalidInput { ref field, .. } if field == "base_url"), "{url}: {err}");
        }
    }

    #[test]
    fn loopback_hosts() {
        for host in ["127.0.0.1", "127.255.0.9", "localhost", "[::1]"] {
            assert!(Endpoint::new(&format!("http://{host}:1")).unwrap().is_loopback(), "{host}");
        }
        for host in [
            "128.0.0.1",
            "127.0.0",
            "127.0.0.256",
            "127.0.0.1.5",
            "127.a.0.1",
            "127.0.0.09",
            "127.000.0.1",
            "example.com",
        ] {
            assert!(!Endpoint::new(&format!("http://{host}:1")).unwrap().is_loopback(), "{host}");
        }
    }

    #[test]
    fn errors_never_show_user_info_or_query() {
        for url in ["https://api:pa55word@h/x", "https://h/database.php?token=T0KEN", "ftp://u:pa55word@h?token=T0KEN"]
        {
            let err = Endpoint::new(url).unwrap_err().to_string();
            assert!(!err.contains("pa55word") && !err.contains("T0KEN"), "{err}");
            assert!(err.contains("***"), "{err}");
        }
        assert_eq!(shown("https://u:p@h:1/a"), "https://***@h:1/a");
        assert_eq!(shown("https://api:pa/ss@host"), "https://***@host");
        assert_eq!(shown("https://u:pa?ss@h"), "https://***@h");
        assert_eq!(shown("https://u:pa#ss@h/x?token=T"), "https://***@h/x?***");
        assert_eq!(shown("https://h/db.php?token=T"), "https://h/db.php?***");
        assert_eq!(shown("https://h/x"), "https://h/x");
    }
}
