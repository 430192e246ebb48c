//! Records and enums crossing the boundary, and their conversions to and from the core's.

use contactnow_core as core;

/// The body format of requests and responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, uniffi::Enum)]
pub enum Format {
    /// `format=json` (the default).
    #[default]
    Json,
    /// `format=xml`.
    Xml,
}

impl From<core::Format> for Format {
    fn from(format: core::Format) -> Self {
        match format {
            core::Format::Json => Format::Json,
            core::Format::Xml => Format::Xml,
        }
    }
}

impl From<Format> for core::Format {
    fn from(format: Format) -> Self {
        match format {
            Format::Json => core::Format::Json,
            Format::Xml => core::Format::Xml,
        }
    }
}

/// An agent assigned to a queue with a priority level (`method=priority`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Record)]
pub struct Assignment {
    /// The agent's id (`agentid`).
    pub agent_id: u64,
    /// The queue's id (`qid`).
    pub queue_id: u64,
    /// The priority level (`level`).
    pub level: u32,
}

impl From<core::Assignment> for Assignment {
    fn from(a: core::Assignment) -> Self {
        Self { agent_id: a.agent_id, queue_id: a.queue_id, level: a.level }
    }
}

impl From<Assignment> for core::Assignment {
    fn from(a: Assignment) -> Self {
        core::Assignment::new(a.agent_id, a.queue_id, a.level)
    }
}

/// A TOD policy's default action: `queue`, `voicemail`, `hangup`, `jump:<queue id>`, or a
/// value this version does not know (kept as read; rejected on writes when malformed).
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum DefaultAction {
    /// Place the call into the queuing system.
    Queue,
    /// Play the queue's voicemail message and record the call.
    Voicemail,
    /// Hang up the call.
    Hangup,
    /// Send the call to another queue.
    Jump {
        /// The target queue's id.
        queue_id: u64,
    },
    /// A value this version does not know, kept as sent.
    Other {
        /// The wire value.
        value: String,
    },
}

impl From<core::DefaultAction> for DefaultAction {
    fn from(action: core::DefaultAction) -> Self {
        match action {
            core::DefaultAction::Queue => DefaultAction::Queue,
            core::DefaultAction::Voicemail => DefaultAction::Voicemail,
            core::DefaultAction::Hangup => DefaultAction::Hangup,
            core::DefaultAction::Jump(queue_id) => DefaultAction::Jump { queue_id },
            core::DefaultAction::Other(value) => DefaultAction::Other { value },
        }
    }
}

impl From<DefaultAction> for core::DefaultAction {
    fn from(action: DefaultAction) -> Self {
        match action {
            DefaultAction::Queue => core::DefaultAction::Queue,
            DefaultAction::Voicemail => core::DefaultAction::Voicemail,
            DefaultAction::Hangup => core::DefaultAction::Hangup,
            DefaultAction::Jump { queue_id } => core::DefaultAction::Jump(queue_id),
            DefaultAction::Other { value } => core::DefaultAction::Other(value),
        }
    }
}

/// The wire form of an action (`jump:1007`); unknown values come back as they were read.
#[uniffi::export]
pub fn default_action_to_wire(action: DefaultAction) -> String {
    core::DefaultAction::from(action).to_string()
}

/// Reads a wire value leniently, as the server's values are read: unknown ones become `Other`.
#[uniffi::export]
pub fn default_action_from_wire(value: String) -> DefaultAction {
    core::DefaultAction::from_wire(&value).into()
}

/// A stored time-of-day policy.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct TodPolicy {
    /// The policy id (`uid`).
    pub uid: u64,
    /// The policy's name.
    pub description: String,
    /// What happens to calls by default.
    pub default: DefaultAction,
}

impl From<core::TodPolicy> for TodPolicy {
    fn from(p: core::TodPolicy) -> Self {
        Self { uid: p.uid, description: p.description, default: p.default.into() }
    }
}

/// A policy to create; the server assigns the uid (the write's `key`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct NewTodPolicy {
    /// The policy's name; must not be empty.
    pub description: String,
    /// What happens to calls by default.
    pub default: DefaultAction,
}

impl From<NewTodPolicy> for core::NewTodPolicy {
    fn from(p: NewTodPolicy) -> Self {
        core::NewTodPolicy::new(p.description, p.default.into())
    }
}

/// Changes to an existing policy: fields left null/nil are not sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct TodPolicyUpdate {
    /// The id of the policy to change.
    pub uid: u64,
    /// A new name, if it changes.
    #[uniffi(default = None)]
    pub description: Option<String>,
    /// A new default action, if it changes.
    #[uniffi(default = None)]
    pub default: Option<DefaultAction>,
}

impl From<TodPolicyUpdate> for core::TodPolicyUpdate {
    fn from(u: TodPolicyUpdate) -> Self {
        core::TodPolicyUpdate { uid: u.uid, description: u.description, default: u.default.map(Into::into) }
    }
}

/// The outcome of a create or update in which every record was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Record)]
pub struct WriteResult {
    /// The authenticated account, if reported.
    pub account_id: Option<u64>,
    /// Records affected (`0` when a priority create found the pair already there).
    pub total: u64,
    /// Records that failed; always `0` here (a batch with failures is an `Api` error).
    pub bad: u64,
    /// The id of the created record, if reported.
    pub key: Option<u64>,
}

impl From<core::WriteResult> for WriteResult {
    fn from(w: core::WriteResult) -> Self {
        Self { account_id: w.account_id, total: w.total, bad: w.bad, key: w.key }
    }
}

/// The assignments a read returned.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct AssignmentListing {
    /// The authenticated account, if reported.
    pub account_id: Option<u64>,
    /// The server's `total`.
    pub total: u64,
    /// The assignments, in the server's order.
    pub records: Vec<Assignment>,
}

impl From<core::Listing<core::Assignment>> for AssignmentListing {
    fn from(l: core::Listing<core::Assignment>) -> Self {
        Self { account_id: l.account_id, total: l.total, records: l.records.into_iter().map(Into::into).collect() }
    }
}

/// The policies a read returned.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct PolicyListing {
    /// The authenticated account, if reported.
    pub account_id: Option<u64>,
    /// The server's `total`.
    pub total: u64,
    /// The policies, in the server's order.
    pub records: Vec<TodPolicy>,
}

impl From<core::Listing<core::TodPolicy>> for PolicyListing {
    fn from(l: core::Listing<core::TodPolicy>) -> Self {
        Self { account_id: l.account_id, total: l.total, records: l.records.into_iter().map(Into::into).collect() }
    }
}

/// Converts a slice of binding records into core records.
pub(crate) fn to_core<T: Into<U>, U>(records: Vec<T>) -> Vec<U> {
    records.into_iter().map(Into::into).collect()
}
