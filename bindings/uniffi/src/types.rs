//! The core's listings (generic, so declared here as uniffi remote types); the core's other
//! records cross as they are (its feature `uniffi`).

use contactnow_core::{Assignment, Listing, TodPolicy};

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
