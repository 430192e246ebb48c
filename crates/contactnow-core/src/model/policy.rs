//! Time-of-day policies (`method=tod_policy`): as stored, as created, as updated.

use serde::{Deserialize, Serialize};

use super::{check_id, check_text, DefaultAction};
use crate::Error;

/// A stored time-of-day policy.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, eq, hash, get_all, name = "TodPolicy", module = "contactnow"))]
pub struct TodPolicy {
    /// The policy id (`uid`).
    pub uid: u64,
    /// The policy's name.
    pub description: String,
    /// What happens to calls by default.
    pub default: DefaultAction,
}

/// A policy to create; the server assigns the uid (returned as the write's `key`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, eq, hash, get_all, name = "NewTodPolicy", module = "contactnow"))]
pub struct NewTodPolicy {
    /// The policy's name; must not be empty.
    pub description: String,
    /// What happens to calls by default.
    pub default: DefaultAction,
}

impl NewTodPolicy {
    /// A new policy named `description` with action `default`.
    pub fn new(description: impl Into<String>, default: DefaultAction) -> Self {
        Self { description: description.into(), default }
    }

    pub(crate) fn validate(&self, at: &str) -> Result<(), Error> {
        check_text(|| format!("{at}.description"), &self.description)?;
        self.default.validate(&format!("{at}.default"))
    }
}

/// Changes to an existing policy: fields left `None` are not sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, hash, get_all, name = "TodPolicyUpdate", module = "contactnow")
)]
pub struct TodPolicyUpdate {
    /// The id of the policy to change (required).
    pub uid: u64,
    /// A new name, if it changes.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub description: Option<String>,
    /// A new default action, if it changes.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub default: Option<DefaultAction>,
}

impl TodPolicyUpdate {
    /// An update of policy `uid` that changes nothing yet.
    pub fn new(uid: u64) -> Self {
        Self { uid, description: None, default: None }
    }

    /// Sets a new name.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets a new default action.
    #[must_use]
    pub fn default_action(mut self, default: DefaultAction) -> Self {
        self.default = Some(default);
        self
    }

    pub(crate) fn validate(&self, at: &str) -> Result<(), Error> {
        check_id(|| format!("{at}.uid"), self.uid)?;
        if self.description.is_none() && self.default.is_none() {
            return Err(Error::invalid(at, "nothing to update: set description or default"));
        }
        if let Some(description) = &self.description {
            check_text(|| format!("{at}.description"), description)?;
        }
        if let Some(default) = &self.default {
            default.validate(&format!("{at}.default"))?;
        }
        Ok(())
    }
}

impl From<TodPolicy> for TodPolicyUpdate {
    fn from(policy: TodPolicy) -> Self {
        Self { uid: policy.uid, description: Some(policy.description), default: Some(policy.default) }
    }
}
