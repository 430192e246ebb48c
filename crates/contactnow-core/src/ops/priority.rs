//! `method=priority`: agent-to-queue assignments.

use std::borrow::Cow;

use super::{check_batch, database_url, decode, read_request, write_request, Operation};
use crate::{
    wire::{
        record::{NoRecord, WireRecord},
        xml_out::Layout,
    },
    Assignment, Endpoint, Error, Format, HttpRequest, HttpResponse, Listing, Token, WriteResult,
};

const METHOD: &str = "priority";

fn fields(a: &Assignment) -> Vec<(&'static str, String)> {
    vec![("agentid", a.agent_id.to_string()), ("qid", a.queue_id.to_string()), ("level", a.level.to_string())]
}

fn build_write(
    action: &str,
    layout: Layout,
    records: &[Assignment],
    endpoint: &Endpoint,
    token: &Token,
    format: Format,
) -> Result<HttpRequest, Error> {
    check_batch(records)?;
    for (i, record) in records.iter().enumerate() {
        record.validate(&format!("records[{i}]"))?;
    }
    let url = database_url(endpoint, token, METHOD, action, format, &[])?;
    Ok(write_request(url, format, Assignment::XML_TAG, layout, records.iter().map(fields)))
}

/// Assigns agents to queues (`action=create`). A pair that already exists is not added
/// again: the call succeeds with `total` counting only new pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateAssignments {
    /// The assignments to add; one call is one batch.
    pub records: Vec<Assignment>,
}

impl Operation for CreateAssignments {
    type Output = WriteResult;

    fn build_request(&self, endpoint: &Endpoint, token: &Token, format: Format) -> Result<HttpRequest, Error> {
        build_write("create", Layout::Wrapped, &self.records, endpoint, token, format)
    }

    fn parse_response(&self, format: Format, response: &HttpResponse) -> Result<WriteResult, Error> {
        decode::<NoRecord>(format, response)?.into_write()
    }

    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("priority.create")
    }

    fn records(&self) -> usize {
        self.records.len()
    }

    fn is_idempotent(&self) -> bool {
        true
    }
}

/// Lists assignments (`action=read`), optionally only one agent's or one queue's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReadAssignments {
    /// Only this agent's assignments (`agent`).
    pub agent_id: Option<u64>,
    /// Only this queue's assignments (`qid`).
    pub queue_id: Option<u64>,
}

impl Operation for ReadAssignments {
    type Output = Listing<Assignment>;

    fn build_request(&self, endpoint: &Endpoint, token: &Token, format: Format) -> Result<HttpRequest, Error> {
        let filters = [("agent", "agent_id", self.agent_id), ("qid", "queue_id", self.queue_id)];
        Ok(read_request(database_url(endpoint, token, METHOD, "read", format, &filters)?, format))
    }

    fn parse_response(&self, format: Format, response: &HttpResponse) -> Result<Listing<Assignment>, Error> {
        decode::<Assignment>(format, response)?.into_listing()
    }

    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("priority.read")
    }

    fn is_idempotent(&self) -> bool {
        true
    }
}

/// Changes the level of existing assignments (`action=update`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateAssignments {
    /// The assignments with their new levels; one call is one batch.
    pub records: Vec<Assignment>,
}

impl Operation for UpdateAssignments {
    type Output = WriteResult;

    fn build_request(&self, endpoint: &Endpoint, token: &Token, format: Format) -> Result<HttpRequest, Error> {
        build_write("update", Layout::BareWhenSingle, &self.records, endpoint, token, format)
    }

    fn parse_response(&self, format: Format, response: &HttpResponse) -> Result<WriteResult, Error> {
        decode::<NoRecord>(format, response)?.into_write()
    }

    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("priority.update")
    }

    fn records(&self) -> usize {
        self.records.len()
    }

    fn is_idempotent(&self) -> bool {
        true
    }
}
