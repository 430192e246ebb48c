//! Secrets: the API token and the API password, redacted wherever they are printed.

use std::fmt;

use crate::percent_encode;

/// Text shown instead of a secret.
pub const REDACTED: &str = "***";

macro_rules! secret {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The secret itself, for the one place that must send it.
            pub fn expose(&self) -> &str {
                &self.0
            }

            /// Whether the secret is the empty string.
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({REDACTED})", stringify!($name))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(REDACTED)
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }
    };
}

secret!(
    /// An API access token from `token.php`; `Debug` and `Display` print `***`.
    Token
);

secret!(
    /// An API user's password; `Debug` and `Display` print `***`.
    Password
);

/// Replaces every occurrence of `secret` in `text` with `***` (no-op for an empty secret).
pub fn scrub(text: &str, secret: &str) -> String {
    if secret.is_empty() || !text.contains(secret) {
        return text.to_owned();
    }
    text.replace(secret, REDACTED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let token = Token::new("tok-SECRET-123");
        assert_eq!(format!("{token:?}"), "Token(***)");
        assert_eq!(format!("{token}"), "***");
        let password = Password::from("hunter2");
        assert!(!format!("{password:?} {password}").contains("hunter2"));
        assert_eq!(token.expose(), "tok-SECRET-123");
    }

    #[test]
    fn scrub_replaces_all_occurrences() {
        assert_eq!(scrub("a tok b tok", "tok"), "a *** b ***");
        assert_eq!(scrub("abc", ""), "abc");
    }
}

/// Removes each secret (raw and percent-encoded) from `text`, and the values of any
/// `token=` / `password=` query parameters in URLs it quotes: the one scrubber every
/// error text goes through.
pub fn scrub_secrets(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        let encoded = percent_encode(secret);
        for form in [secret.to_string(), encoded.clone(), encoded.to_ascii_lowercase()] {
            out = scrub(&out, &form);
            out = cut_tail(out, &form);
        }
    }
    redact_params(&out)
}

/// An excerpt cut short (ending in `…`) may end with the start of a secret: hide it.
fn cut_tail(text: String, secret: &str) -> String {
    let Some(head) = text.strip_suffix('…') else { return text };
    let longest = (3..secret.len().min(head.len()) + 1)
        .rev()
        .filter(|&n| secret.is_char_boundary(n))
        .find(|&n| head.ends_with(&secret[..n]));
    match longest {
        Some(n) => format!("{}{REDACTED}…", &head[..head.len() - n]),
        None => text,
    }
}

/// Replaces the values of `token=` and `password=` wherever they appear in `text`.
fn redact_params(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    if !lower.contains("token=") && !lower.contains("password=") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        let rest = &lower[i..];
        let key_len = if rest.starts_with("token=") && boundary(bytes, i) {
            Some(6)
        } else if rest.starts_with("password=") && boundary(bytes, i) {
            Some(9)
        } else {
            None
        };
        if let Some(len) = key_len {
            out.push_str(&text[i..i + len]);
            i += len;
            let end = text[i..]
                .find(|c: char| c == '&' || c == '#' || c == '"' || c == '\'' || c == '<' || c.is_whitespace())
                .map_or(text.len(), |n| i + n);
            if end > i {
                out.push_str(REDACTED);
            }
            i = end;
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8().max(1);
        }
    }
    out
}

/// Whether the parameter name starting at `i` is not the tail of a longer word.
fn boundary(bytes: &[u8], i: usize) -> bool {
    i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')
}

#[cfg(test)]
mod scrub_tests {
    use super::*;

    #[test]
    fn removes_raw_encoded_and_params() {
        let text = "GET http://h/database.php?token=abc%2Fd&method=x failed; echo abc/d, abc%2fd password=p w";
        let out = scrub_secrets(text, &["abc/d"]);
        assert_eq!(out, "GET http://h/database.php?token=***&method=x failed; echo ***, *** password=*** w");
        assert_eq!(scrub_secrets("mytoken=1 é", &[]), "mytoken=1 é");
        assert_eq!(scrub_secrets("no secrets", &["", "zzz"]), "no secrets");
        assert_eq!(scrub_secrets("echo (token tok-SE…", &["tok-SECRET"]), "echo (token ***…");
        assert_eq!(scrub_secrets("echo to…", &["tok-SECRET"]), "echo to…");
    }
}
