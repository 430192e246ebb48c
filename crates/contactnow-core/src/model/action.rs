//! What a time-of-day policy does with a call: the `default` field.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{similar, Error};

/// A TOD policy's default action: `queue`, `voicemail`, `hangup` or `jump:<queue id>`.
///
/// Values this version does not know are kept as [`DefaultAction::Other`] when read, so a
/// newer server never makes a read fail.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DefaultAction {
    /// Place the call into the queuing system.
    Queue,
    /// Play the queue's voicemail message and record the call.
    Voicemail,
    /// Hang up the call.
    Hangup,
    /// Send the call to the queue with this id.
    Jump(#[cfg_attr(feature = "uniffi", uniffi(name = "queue_id"))] u64),
    /// A value this version does not know, kept as sent.
    Other(#[cfg_attr(feature = "uniffi", uniffi(name = "value"))] String),
}

impl DefaultAction {
    /// Reads a value from the server; never fails (unknown values become `Other`).
    pub fn from_wire(value: &str) -> Self {
        match value {
            "queue" => DefaultAction::Queue,
            "voicemail" => DefaultAction::Voicemail,
            "hangup" => DefaultAction::Hangup,
            _ => match value.strip_prefix("jump:").map(str::parse::<u64>) {
                Some(Ok(qid)) if qid > 0 => DefaultAction::Jump(qid),
                _ => DefaultAction::Other(value.to_owned()),
            },
        }
    }

    /// Checks that the action can be sent: jump targets are positive; unknown values are
    /// single words, not malformed jumps, not documented actions in another case, and not
    /// near misses of one (`voicemial`: "did you mean voicemail?").
    pub fn validate(&self, field: &str) -> Result<(), Error> {
        match self {
            DefaultAction::Jump(0) => Err(Error::invalid(field, "jump target must be a positive queue id")),
            DefaultAction::Other(value) => {
                let lower = value.to_ascii_lowercase();
                if lower != *value && (DefaultAction::from_wire(&lower) != DefaultAction::Other(lower.clone())) {
                    Err(Error::invalid(field, format!("actions are lower case: {value:?} is not sent; use {lower:?}")))
                } else if lower.starts_with("jump:") || lower == "jump" {
                    Err(Error::invalid(field, format!("malformed jump target in {value:?}; expected jump:<queue id>")))
                } else if let Some(known) = near_miss(&lower) {
                    Err(Error::invalid(field, format!("unknown action {value:?}; did you mean {known:?}?")))
                } else if value.is_empty() || !value.chars().all(|c| c.is_ascii_graphic()) {
                    Err(unknown(field, value))
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }
}

/// The error for an action that is none of the documented ones.
fn unknown(field: &str, value: &str) -> Error {
    Error::invalid(field, format!("unknown action {value:?}; expected queue, voicemail, hangup or jump:<queue id>"))
}

/// The documented action a value is a likely misspelling of (see [`similar::nearest`]): its
/// word, the part before any `:`, is near `queue`, `voicemail` or `hangup`, or, with a `:`
/// part, near `jump`. Values further away, like `transfer:12` or `requeue`, stay sendable for
/// newer servers.
fn near_miss(value: &str) -> Option<&'static str> {
    let (word, target) = value.split_once(':').map_or((value, false), |(word, _)| (word, true));
    let jump = if target { &["jump"][..] } else { &[] };
    similar::nearest(word, ["queue", "voicemail", "hangup"].into_iter().chain(jump.iter().copied()))
}

impl fmt::Display for DefaultAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DefaultAction::Queue => f.write_str("queue"),
            DefaultAction::Voicemail => f.write_str("voicemail"),
            DefaultAction::Hangup => f.write_str("hangup"),
            DefaultAction::Jump(qid) => write!(f, "jump:{qid}"),
            DefaultAction::Other(value) => f.write_str(value),
        }
    }
}

/// Strict parsing of user input: only the four documented forms are accepted.
impl FromStr for DefaultAction {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let action = DefaultAction::from_wire(s.trim());
        match &action {
            // The reasons `validate` gives (case, malformed jump, near miss) say most.
            DefaultAction::Other(value) => {
                Err(action.validate("default").err().unwrap_or_else(|| unknown("default", value)))
            }
            _ => Ok(action),
        }
    }
}

impl Serialize for DefaultAction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DefaultAction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = std::borrow::Cow::<str>::deserialize(deserializer)?;
        Ok(DefaultAction::from_wire(&value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_values_round_trip() {
        for s in ["queue", "voicemail", "hangup", "jump:1007", "transfer:99", "jump:x"] {
            assert_eq!(DefaultAction::from_wire(s).to_string(), s);
        }
        assert_eq!(DefaultAction::from_wire("jump:1007"), DefaultAction::Jump(1007));
        assert_eq!(DefaultAction::from_wire("jump:0"), DefaultAction::Other("jump:0".into()));
    }

    #[test]
    fn strict_parse_rejects_unknown_and_malformed() {
        assert_eq!("jump:12".parse::<DefaultAction>().unwrap(), DefaultAction::Jump(12));
        for bad in ["jump:", "jump:abc", "jump:-1", "jump:0", "voicemial", "", "JUMP:12", "Queue"] {
            let err = bad.parse::<DefaultAction>().unwrap_err();
            assert!(matches!(err, Error::InvalidInput { ref field, .. } if field == "default"), "{bad}");
        }
    }

    #[test]
    fn validate_names_the_field() {
        assert!(DefaultAction::Jump(0).validate("x").is_err());
        assert!(DefaultAction::Other("jump:q".into()).validate("x").is_err());
        assert!(DefaultAction::Other("two words".into()).validate("x").is_err());
        assert!(DefaultAction::Other("transfer:9".into()).validate("x").is_ok());
        for upper in ["JUMP:12", "Queue", "HANGUP", "Jump:1"] {
            assert!(DefaultAction::Other(upper.into()).validate("x").is_err(), "{upper} is refused, not sent");
        }
        assert!(DefaultAction::Other("TRANSFER:9".into()).validate("x").is_ok(), "unknown words keep their case");
    }

    #[test]
    fn near_misses_are_refused_with_a_suggestion() {
        for (typo, meant) in [
            ("voicemial", "voicemail"),
            ("voicemai", "voicemail"),
            ("queu", "queue"),
            ("hangpu", "hangup"),
            ("hang", "hangup"),
            ("jmup:12", "jump"),
            ("Voicemial", "voicemail"),
        ] {
            let err = DefaultAction::Other(typo.into()).validate("default").unwrap_err();
            assert!(err.to_string().contains(&format!("did you mean {meant:?}")), "{typo}: {err}");
        }
        assert!(DefaultAction::Other("jump".into()).validate("x").is_err(), "a jump needs a target");
        for far in
            ["transfer:12", "ivr", "menu", "callback", "qa", "requeue", "queued", "dump", "bump", "hup", "voicemail2"]
        {
            assert!(DefaultAction::Other(far.into()).validate("x").is_ok(), "{far} is not a near miss");
        }
    }
}
