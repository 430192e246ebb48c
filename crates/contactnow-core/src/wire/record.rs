//! Reading records field by field, the same way from JSON and from XML.

use super::scalar::Scalar;
use crate::{Assignment, DefaultAction, TodPolicy};

/// A record type that can appear in a read's `list`.
pub(crate) trait WireRecord: Sized {
    /// The element wrapping each record in an XML list.
    const XML_TAG: &'static str;
    /// Whether responses carrying this record have a `list` worth reading.
    const HAS_LIST: bool = true;
    /// Collects fields until the record is complete.
    type Builder: Default;

    /// Takes one field; unknown names are ignored. `Err` is `"<field>: <why>"`.
    fn field(builder: &mut Self::Builder, name: &str, value: Scalar<'_>) -> Result<(), String>;

    /// The record, or `Err("missing field <name>")`.
    fn finish(builder: Self::Builder) -> Result<Self, String>;
}

/// The record type of responses without a list (writes, token calls).
#[derive(Debug)]
pub(crate) enum NoRecord {}

impl WireRecord for NoRecord {
    const XML_TAG: &'static str = "record";
    const HAS_LIST: bool = false;
    type Builder = ();

    fn field(_: &mut (), _: &str, _: Scalar<'_>) -> Result<(), String> {
        Ok(())
    }

    fn finish(_: ()) -> Result<Self, String> {
        Err("unexpected record".to_owned())
    }
}

fn at(name: &str) -> impl FnOnce(String) -> String + '_ {
    move |why| format!("{name}: {why}")
}

/// Fields of an assignment as they arrive.
#[derive(Default)]
pub(crate) struct AssignmentFields {
    agent_id: Option<u64>,
    queue_id: Option<u64>,
    level: Option<u32>,
}

impl WireRecord for Assignment {
    const XML_TAG: &'static str = "priority";
    type Builder = AssignmentFields;

    fn field(b: &mut AssignmentFields, name: &str, value: Scalar<'_>) -> Result<(), String> {
        match name {
            "agentid" => b.agent_id = Some(value.to_u64().map_err(at(name))?),
            "qid" => b.queue_id = Some(value.to_u64().map_err(at(name))?),
            "level" => b.level = Some(value.to_u32().map_err(at(name))?),
            _ => {}
        }
        Ok(())
    }

    fn finish(b: AssignmentFields) -> Result<Self, String> {
        Ok(Assignment {
            agent_id: b.agent_id.ok_or("missing field agentid")?,
            queue_id: b.queue_id.ok_or("missing field qid")?,
            level: b.level.ok_or("missing field level")?,
        })
    }
}

/// Fields of a policy as they arrive.
#[derive(Default)]
pub(crate) struct PolicyFields {
    uid: Option<u64>,
    description: Option<String>,
    default: Option<DefaultAction>,
}

impl WireRecord for TodPolicy {
    const XML_TAG: &'static str = "tod_policy";
    type Builder = PolicyFields;

    fn field(b: &mut PolicyFields, name: &str, value: Scalar<'_>) -> Result<(), String> {
        match name {
            "uid" => b.uid = Some(value.to_u64().map_err(at(name))?),
            "description" if value == Scalar::Null => b.description = Some(String::new()),
            "description" => b.description = Some(value.into_text().map_err(at(name))?),
            "default" => {
                let text = value.into_text().map_err(at(name))?;
                b.default = Some(DefaultAction::from_wire(text.trim()));
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(b: PolicyFields) -> Result<Self, String> {
        Ok(TodPolicy {
            uid: b.uid.ok_or("missing field uid")?,
            description: b.description.unwrap_or_default(),
            default: b.default.ok_or("missing field default")?,
        })
    }
}
