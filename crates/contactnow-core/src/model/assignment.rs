//! An agent-to-queue assignment (`method=priority`).

use serde::{Deserialize, Serialize};

use super::check_id;
use crate::Error;

/// An agent assigned to a queue with a priority level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, ord, hash, get_all, name = "Assignment", module = "contactnow")
)]
pub struct Assignment {
    /// The agent's id (`agentid`).
    pub agent_id: u64,
    /// The queue's id (`qid`).
    pub queue_id: u64,
    /// The priority level (`level`).
    pub level: u32,
}

impl Assignment {
    /// An assignment of `agent_id` to `queue_id` at `level`.
    pub fn new(agent_id: u64, queue_id: u64, level: u32) -> Self {
        Self { agent_id, queue_id, level }
    }

    /// Checks the ids; `at` names the record in error messages, e.g. `records[0]`.
    pub(crate) fn validate(&self, at: &str) -> Result<(), Error> {
        check_id(|| format!("{at}.agent_id"), self.agent_id)?;
        check_id(|| format!("{at}.queue_id"), self.queue_id)
    }
}
