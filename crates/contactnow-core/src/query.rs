//! Query strings: percent-encoding of values and redaction of secret ones.

use crate::secret::REDACTED;

/// Query parameters whose values are secrets.
const SECRET_PARAMS: [&str; 2] = ["token", "password"];

/// Appends `key=value` to `url`, starting the query with `?` or continuing it with `&`.
pub(crate) fn push_param(url: &mut String, key: &str, value: &str) {
    url.push(if url.contains('?') { '&' } else { '?' });
    url.push_str(key);
    url.push('=');
    encode_into(url, value);
}

/// Percent-encodes `value` as query strings built here encode it: everything but RFC 3986
/// unreserved characters (so a client can also recognise a secret in its encoded form).
///
/// ```
/// assert_eq!(contactnow_core::percent_encode("a b/é"), "a%20b%2F%C3%A9");
/// ```
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    encode_into(&mut out, value);
    out
}

/// Percent-encodes everything but RFC 3986 unreserved characters onto `out`.
pub(crate) fn encode_into(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
}

/// Returns `url` with the values of `token` and `password` replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let (query, fragment) = match query.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (query, None),
    };
    let mut out = String::with_capacity(url.len());
    out.push_str(base);
    for (i, pair) in query.split('&').enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        match pair.split_once('=') {
            Some((key, _)) if SECRET_PARAMS.iter().any(|s| key.eq_ignore_ascii_case(s)) => {
                out.push_str(key);
                out.push('=');
                out.push_str(REDACTED);
            }
            _ => out.push_str(pair),
        }
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_and_unicode() {
        let mut url = String::from("https://h/database.php");
        push_param(&mut url, "token", "a b&c=d/é");
        push_param(&mut url, "raw", "1");
        assert_eq!(url, "https://h/database.php?token=a%20b%26c%3Dd%2F%C3%A9&raw=1");
    }

    #[test]
    fn redacts_secret_values() {
        let url = "https://h/token.php?action=get&username=u&password=p%20w&token=t#x";
        assert_eq!(redact_url(url), "https://h/token.php?action=get&username=u&password=***&token=***#x");
        assert_eq!(redact_url("https://h/x"), "https://h/x");
    }
}
