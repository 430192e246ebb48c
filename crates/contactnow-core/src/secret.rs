//! Secrets: the API token and the API password, redacted wherever they are printed.

use std::fmt;

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

/// Replaces every echo of `secret` in `text` with `***`: [`scrub_secrets`](crate::scrub_secrets)
/// with this one secret (so encoded echoes, `token=` / `password=` values and a secret's
/// start at a `…` cut are hidden too).
pub fn scrub(text: &str, secret: &str) -> String {
    crate::redact::scrub_secrets(text, &[secret])
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
