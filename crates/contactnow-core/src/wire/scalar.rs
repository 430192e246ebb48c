//! One field value as it arrives, in JSON or XML, and its lenient conversions.
//!
//! The API sends numbers as strings (`"1234"`) or numbers, and booleans as `true`/`false`
//! (JSON) or `1`/`0` (XML); every conversion accepts all of them.

use std::borrow::Cow;

/// A field value before conversion.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar<'a> {
    /// A string (JSON) or element text (XML).
    Text(Cow<'a, str>),
    /// A JSON non-negative integer.
    Unsigned(u64),
    /// A JSON negative integer.
    Signed(i64),
    /// A JSON number with a fraction or exponent.
    Float(f64),
    /// A JSON boolean.
    Bool(bool),
    /// JSON `null`.
    Null,
    /// A JSON array or object where a scalar was expected.
    Nested,
}

impl Scalar<'_> {
    /// Whether the value is absent in all but name: `null` or an empty/blank string.
    pub(crate) fn is_blank(&self) -> bool {
        match self {
            Scalar::Null => true,
            Scalar::Text(text) => text.trim().is_empty(),
            _ => false,
        }
    }

    /// A non-negative integer; `Err` says why not.
    #[inline]
    pub(crate) fn to_u64(&self) -> Result<u64, String> {
        match self {
            Scalar::Unsigned(n) => Ok(*n),
            Scalar::Signed(n) => Err(format!("expected a non-negative number, got {n}")),
            Scalar::Float(f) if f.fract() == 0.0 && *f >= 0.0 && *f < 18_446_744_073_709_551_616.0 => Ok(*f as u64),
            Scalar::Float(f) => Err(format!("expected a whole non-negative number, got {f}")),
            Scalar::Text(text) => parse_u64(text),
            other => Err(format!("expected a number, got {}", other.describe())),
        }
    }

    /// A signed integer (token expiry times, which may be `-1`).
    pub(crate) fn to_i64(&self) -> Result<i64, String> {
        match self {
            Scalar::Unsigned(n) => i64::try_from(*n).map_err(|_| format!("number {n} is out of range")),
            Scalar::Signed(n) => Ok(*n),
            Scalar::Text(text) => {
                let t = text.trim();
                t.parse::<i64>().map_err(|_| format!("expected a whole number, got {t:?}"))
            }
            other => Err(format!("expected a whole number, got {}", other.describe())),
        }
    }

    /// A `u32` (priority levels).
    #[inline]
    pub(crate) fn to_u32(&self) -> Result<u32, String> {
        let n = self.to_u64()?;
        u32::try_from(n).map_err(|_| format!("number {n} is out of range (at most {})", u32::MAX))
    }

    /// A boolean from `true`/`false`, `1`/`0`, or their string forms.
    pub(crate) fn to_bool(&self) -> Result<bool, String> {
        match self {
            Scalar::Bool(b) => Ok(*b),
            Scalar::Unsigned(1) => Ok(true),
            Scalar::Unsigned(0) => Ok(false),
            Scalar::Text(text) => match text.trim() {
                "1" => Ok(true),
                "0" => Ok(false),
                t if t.eq_ignore_ascii_case("true") => Ok(true),
                t if t.eq_ignore_ascii_case("false") => Ok(false),
                t => Err(format!("expected true/false or 1/0, got {t:?}")),
            },
            other => Err(format!("expected true/false or 1/0, got {}", other.describe())),
        }
    }

    /// Text, with numbers and booleans written out as the server would in XML.
    pub(crate) fn into_text(self) -> Result<String, String> {
        match self {
            Scalar::Text(text) => Ok(text.into_owned()),
            Scalar::Unsigned(n) => Ok(n.to_string()),
            Scalar::Signed(n) => Ok(n.to_string()),
            Scalar::Float(f) => Ok(f.to_string()),
            Scalar::Bool(b) => Ok(if b { "1" } else { "0" }.to_owned()),
            other => Err(format!("expected text, got {}", other.describe())),
        }
    }

    fn describe(&self) -> &'static str {
        match self {
            Scalar::Text(_) => "text",
            Scalar::Unsigned(_) | Scalar::Signed(_) | Scalar::Float(_) => "a number",
            Scalar::Bool(_) => "a boolean",
            Scalar::Null => "null",
            Scalar::Nested => "an array or object",
        }
    }
}

/// The common case in one pass: 1 to 19 plain digits (which cannot overflow).
#[inline]
fn plain_u64(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    if !(1..=19).contains(&bytes.len()) {
        return None;
    }
    let mut n: u64 = 0;
    for &b in bytes {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(b - b'0');
    }
    Some(n)
}

fn parse_u64(text: &str) -> Result<u64, String> {
    if let Some(n) = plain_u64(text) {
        return Ok(n);
    }
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<u64>().map_err(|_| format!("number {t} is out of range (at most {})", u64::MAX));
    }
    Err(format!("expected a number, got {t:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Scalar<'_> {
        Scalar::Text(Cow::Borrowed(s))
    }

    #[test]
    fn numbers_from_strings_and_numbers() {
        assert_eq!(text(" 1234 ").to_u64(), Ok(1234));
        assert_eq!(Scalar::Unsigned(7).to_u64(), Ok(7));
        assert_eq!(Scalar::Float(3.0).to_u64(), Ok(3));
        assert!(text("99999999999999999999").to_u64().unwrap_err().contains("out of range"));
        assert!(text("-1").to_u64().is_err());
        assert!(text("12a").to_u64().is_err());
        assert!(Scalar::Signed(-2).to_u64().is_err());
        assert!(text("4294967296").to_u32().unwrap_err().contains("out of range"));
        assert_eq!(text("-1").to_i64(), Ok(-1));
        assert_eq!(text("9999999999999999999").to_u64(), Ok(9_999_999_999_999_999_999));
        assert_eq!(text("18446744073709551615").to_u64(), Ok(u64::MAX));
        assert!(text("18446744073709551616").to_u64().is_err());
        assert_eq!(text("0").to_u64(), Ok(0));
        assert!(text("").to_u64().is_err() && text("1 2").to_u64().is_err() && text("+1").to_u64().is_err());
    }

    #[test]
    fn booleans_in_every_spelling() {
        for (s, b) in [(text("1"), true), (text("0"), false), (text("true"), true), (text("FALSE"), false)] {
            assert_eq!(s.to_bool(), Ok(b));
        }
        assert_eq!(Scalar::Unsigned(1).to_bool(), Ok(true));
        assert_eq!(Scalar::Bool(false).to_bool(), Ok(false));
        assert!(text("yes").to_bool().is_err());
        assert!(Scalar::Unsigned(2).to_bool().is_err());
    }
}
