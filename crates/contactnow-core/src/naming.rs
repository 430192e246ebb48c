//! The one naming rule of every language: option and field names as errors give them
//! (snake_case, `retries.max_attempts`), written in a language's casing.

use crate::{input::UNKNOWN_KEY, Error};

/// How a language writes option names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Casing {
    /// Python: `connect_timeout` (seconds), `retries.max_attempts`: the names as they are.
    Snake,
    /// Node, Kotlin, Swift: `connectTimeoutMs`, `retries.maxAttempts`: camelCase, and the
    /// durations in milliseconds with an `Ms` suffix.
    Camel,
}

/// The options that are durations (milliseconds, `…Ms`, in [`Casing::Camel`]).
const DURATIONS: [&str; 5] =
    ["connect_timeout", "timeout", "total_timeout", "retries.initial_backoff", "retries.max_backoff"];

/// The name of option `name` (`contactnow::options::Options::NAMES`) in `casing`:
/// `connect_timeout` becomes `connectTimeoutMs` in [`Casing::Camel`]. Other field paths
/// (`records[1].agent_id`) get the same camelCase, without the suffix.
pub fn option_name(name: &str, casing: Casing) -> String {
    if casing == Casing::Snake {
        return name.to_owned();
    }
    let mut out = crate::input::camel_case(name);
    if DURATIONS.contains(&name) {
        out.push_str("Ms");
    }
    out
}

/// `reason` with each option it names in backticks (`` `allow_insecure_http` ``) written in
/// `casing`: the rule for a reason that names an option.
fn named_in_casing(reason: &str, casing: Casing) -> String {
    if casing == Casing::Snake || !reason.contains('`') {
        return reason.to_owned();
    }
    let parts = reason.split('`').enumerate();
    parts
        .map(|(i, part)| if i % 2 == 1 { option_name(part, casing) } else { part.to_owned() })
        .collect::<Vec<_>>()
        .join("`")
}

/// How the reason of an unknown option's error starts (its suggestion, if any, is already in
/// the caller's casing).
pub const UNKNOWN_OPTION: &str = "unknown option";

/// The error with its field (an option or input path) in `casing` (see [`option_name`]). An
/// unknown key or option stays as the caller wrote it (`records[0].agent_idd`,
/// `retries.max_atempts`), and the names a key could have been are written in `casing` too.
pub fn in_casing(error: Error, casing: Casing) -> Error {
    match error {
        Error::InvalidInput { field, reason }
            if reason.starts_with(UNKNOWN_KEY) || reason.starts_with(UNKNOWN_OPTION) =>
        {
            let (path, key) = field.rsplit_once('.').map_or(("", field.as_str()), |(p, k)| (p, k));
            let field = if path.is_empty() { key.to_owned() } else { format!("{}.{key}", option_name(path, casing)) };
            let Some(names) = reason.strip_prefix(UNKNOWN_KEY) else {
                return Error::InvalidInput { field, reason };
            };
            let names = names.split(", ").map(|n| option_name(n, casing));
            Error::InvalidInput { field, reason: format!("{UNKNOWN_KEY}{}", names.collect::<Vec<_>>().join(", ")) }
        }
        Error::InvalidInput { field, reason } => {
            // The builder's own name for the policy's attempts is the option's.
            let field = if field == "retry.max_attempts" { "retries.max_attempts".to_owned() } else { field };
            Error::InvalidInput { field: option_name(&field, casing), reason: named_in_casing(&reason, casing) }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_option_keeps_the_callers_spelling() {
        let error = Error::invalid("retries.max_atempts", format!("{UNKNOWN_OPTION}; did you mean \"maxAttempts\"?"));
        match in_casing(error, Casing::Camel) {
            Error::InvalidInput { field, reason } => {
                assert_eq!(field, "retries.max_atempts");
                assert!(reason.ends_with("did you mean \"maxAttempts\"?"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        let known = in_casing(Error::invalid("connect_timeout", "must be greater than zero"), Casing::Camel);
        assert!(matches!(known, Error::InvalidInput { field, .. } if field == "connectTimeoutMs"));
    }

    #[test]
    fn options_a_reason_names_are_in_the_callers_casing() {
        let error = || Error::invalid("region", "give `base_url` or `region`, not both; `connect_timeout` too");
        let reason = |casing| match in_casing(error(), casing) {
            Error::InvalidInput { reason, .. } => reason,
            other => format!("{other:?}"),
        };
        assert_eq!(reason(Casing::Camel), "give `baseUrl` or `region`, not both; `connectTimeoutMs` too");
        assert_eq!(reason(Casing::Snake), "give `base_url` or `region`, not both; `connect_timeout` too");
    }
}
