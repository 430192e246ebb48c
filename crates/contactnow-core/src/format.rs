//! The wire format of bodies: JSON (the API's default) or XML.

use std::{fmt, str::FromStr};

use crate::Error;

/// The `format` query argument: how request and response bodies are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Format {
    /// `format=json`, the API's default.
    #[default]
    Json,
    /// `format=xml`.
    Xml,
}

impl Format {
    /// The value sent in the `format` query argument.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Xml => "xml",
        }
    }

    /// The `Content-Type` used for request bodies in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Xml => "application/xml",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(Format::Json),
            "xml" => Ok(Format::Xml),
            _ => Err(Error::invalid("format", format!("unknown format {s:?}; expected json or xml"))),
        }
    }
}
