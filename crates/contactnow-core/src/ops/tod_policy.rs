//! `method=tod_policy`: time-of-day policies.

use std::borrow::Cow;

use super::{check_batch, database_url, decode, read_request, write_request, Operation};
use crate::{
    wire::{
        record::{NoRecord, WireRecord},
        xml_out::Layout,
    },
    Endpoint, Error, Format, HttpRequest, HttpResponse, Listing, NewTodPolicy, TodPolicy, TodPolicyUpdate, Token,
    WriteResult,
};

const METHOD: &str = "tod_policy";

/// Creates policies (`action=create`). The server always adds a record, even for a
/// duplicate, so this call is never repeated automatically; `key` is the new uid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatePolicies {
    /// The policies to add; one call is one batch.
    pub records: Vec<NewTodPolicy>,
}

impl Operation for CreatePolicies {
    type Output = WriteResult;

    fn build_request(&self, endpoint: &Endpoint, token: &Token, format: Format) -> Result<HttpRequest, Error> {
        check_batch(&self.records)?;
        for (i, record) in self.records.iter().enumerate() {
            record.validate(&format!("records[{i}]"))?;
        }
        let url = database_url(endpoint, token, METHOD, "create", format, &[])?;
        let fields =
            |p: &NewTodPolicy| vec![("description", p.description.clone()), ("default", p.default.to_string())];
        Ok(write_request(url, format, TodPolicy::XML_TAG, Layout::BareWhenSingle, self.records.iter().map(fields)))
    }

    /// A 5xx that may follow the write, or an unreadable 2xx, is an error with
    /// `outcome_unknown` set: the policy may have been created, and repeating would add it twice.
    fn parse_response(&self, format: Format, response: &HttpResponse) -> Result<WriteResult, Error> {
        decode::<NoRecord>(format, response)
            .and_then(|envelope| envelope.into_write())
            .map_err(|e| e.after_unrepeatable_write(response.status))
    }

    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("tod_policy.create")
    }

    fn records(&self) -> usize {
        self.records.len()
    }

    fn is_idempotent(&self) -> bool {
        false
    }
}

/// Lists policies (`action=read`), all of them or only one (`policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReadPolicies {
    /// Only the policy with this uid.
    pub policy_id: Option<u64>,
}

impl Operation for ReadPolicies {
    type Output = Listing<TodPolicy>;

    fn build_request(&self, endpoint: &Endpoint, token: &Token, format: Format) -> Result<HttpRequest, Error> {
        let filters = [("policy", "policy_id", self.policy_id)];
        Ok(read_request(database_url(endpoint, token, METHOD, "read", format, &filters)?, format))
    }

    fn parse_response(&self, format: Format, response: &HttpResponse) -> Result<Listing<TodPolicy>, Error> {
        decode::<TodPolicy>(format, response)?.into_listing()
    }

    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("tod_policy.read")
    }

    fn is_idempotent(&self) -> bool {
        true
    }
}

/// Changes existing policies (`action=update`); only the fields that are set are sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdatePolicies {
    /// The changes; one call is one batch.
    pub records: Vec<TodPolicyUpdate>,
}

impl Operation for UpdatePolicies {
    type Output = WriteResult;

    fn build_request(&self, endpoint: &Endpoint, token: &Token, format: Format) -> Result<HttpRequest, Error> {
        check_batch(&self.records)?;
        for (i, record) in self.records.iter().enumerate() {
            record.validate(&format!("records[{i}]"))?;
        }
        let url = database_url(endpoint, token, METHOD, "update", format, &[])?;
        let fields = |u: &TodPolicyUpdate| {
            let mut fields = vec![("uid", u.uid.to_string())];
            if let Some(description) = &u.description {
                fields.push(("description", description.clone()));
            }
            if let Some(default) = &u.default {
                fields.push(("default", default.to_string()));
            }
            fields
        };
        Ok(write_request(url, format, TodPolicy::XML_TAG, Layout::BareWhenSingle, self.records.iter().map(fields)))
    }

    fn parse_response(&self, format: Format, response: &HttpResponse) -> Result<WriteResult, Error> {
        decode::<NoRecord>(format, response)?.into_write()
    }

    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("tod_policy.update")
    }

    fn records(&self) -> usize {
        self.records.len()
    }

    fn is_idempotent(&self) -> bool {
        true
    }
}
