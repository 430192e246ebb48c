//! The core's records and enums, crossing the boundary as they are (uniffi remote types:
//! copies of their definitions; the core documents their fields).

use contactnow_core::{
    Assignment, DefaultAction, Format, Listing, NewTodPolicy, TodPolicy, TodPolicyUpdate, WriteResult,
};

/// The body format of requests and responses: `json` (the default) or `xml`.
#[uniffi::remote(Enum)]
pub enum Format {
    Json,
    Xml,
}

/// An agent assigned to a queue with a priority level (`method=priority`).
#[uniffi::remote(Record)]
pub struct Assignment {
    pub agent_id: u64,
    pub queue_id: u64,
    pub level: u32,
}

/// A TOD policy's default action: unknown values are kept as read (`Other`), refused on writes when malformed.
#[uniffi::remote(Enum)]
pub enum DefaultAction {
    Queue,
    Voicemail,
    Hangup,
    Jump(#[uniffi(name = "queue_id")] u64),
    Other(#[uniffi(name = "value")] String),
}

/// The wire form of an action (`jump:1007`); unknown values come back as they were read.
#[uniffi::export]
pub fn default_action_to_wire(action: DefaultAction) -> String {
    action.to_string()
}

/// Reads a wire value leniently, as the server's values are read: unknown ones become `Other`.
#[uniffi::export]
pub fn default_action_from_wire(value: String) -> DefaultAction {
    DefaultAction::from_wire(&value)
}

/// A stored time-of-day policy.
#[uniffi::remote(Record)]
pub struct TodPolicy {
    pub uid: u64,
    pub description: String,
    pub default: DefaultAction,
}

/// A policy to create; the server assigns the uid (the write's `key`).
#[uniffi::remote(Record)]
pub struct NewTodPolicy {
    pub description: String,
    pub default: DefaultAction,
}

/// Changes to an existing policy: fields left null/nil are not sent.
#[uniffi::remote(Record)]
pub struct TodPolicyUpdate {
    pub uid: u64,
    #[uniffi(default)]
    pub description: Option<String>,
    #[uniffi(default)]
    pub default: Option<DefaultAction>,
}

/// The outcome of a create or update in which every record was accepted.
#[uniffi::remote(Record)]
pub struct WriteResult {
    pub account_id: Option<u64>,
    pub total: u64,
    pub bad: u64,
    pub key: Option<u64>,
}

pub(crate) type AssignmentListing = Listing<Assignment>;

/// The assignments a read returned, in the server's order.
#[uniffi::remote(Record)]
pub struct AssignmentListing {
    pub account_id: Option<u64>,
    pub total: u64,
    pub records: Vec<Assignment>,
}

pub(crate) type PolicyListing = Listing<TodPolicy>;

/// The policies a read returned, in the server's order.
#[uniffi::remote(Record)]
pub struct PolicyListing {
    pub account_id: Option<u64>,
    pub total: u64,
    pub records: Vec<TodPolicy>,
}
