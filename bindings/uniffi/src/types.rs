//! The core's listings (generic, so declared here as uniffi remote types) and the wire form of
//! a default action; the core's other records cross as they are (its feature `uniffi`).

use contactnow_core::{Assignment, DefaultAction, Listing, TodPolicy};

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
