//! The records the API manages and the results it returns.

mod action;
mod assignment;
mod policy;
mod result;

pub use action::DefaultAction;
pub use assignment::Assignment;
pub use policy::{NewTodPolicy, TodPolicy, TodPolicyUpdate};
pub use result::{Listing, WriteResult};

use crate::Error;

/// Rejects an id of zero: ids on this API are positive.
pub(crate) fn check_id(field: impl FnOnce() -> String, id: u64) -> Result<(), Error> {
    if id == 0 {
        return Err(Error::invalid(field(), "must be a positive id, got 0"));
    }
    Ok(())
}

/// Rejects empty text and characters that cannot travel in XML 1.0.
pub(crate) fn check_text(field: impl Fn() -> String, text: &str) -> Result<(), Error> {
    if text.trim().is_empty() {
        return Err(Error::invalid(field(), "must not be empty"));
    }
    if let Some(c) = text.chars().find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        return Err(Error::invalid(
            field(),
            format!("contains the control character U+{:04X}, which the API cannot carry", u32::from(c)),
        ));
    }
    Ok(())
}
