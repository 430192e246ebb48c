//! Reading records field by field, the same way from JSON and from XML.

use super::scalar::Scalar;
use crate::{Assignment, DefaultAction, TodPolicy};

/// A record type that can appear in a read's `list`.
pub(crate) trait WireRecord: Sized {
    /// The element wrapping each record in an XML list.
    const XML_TAG: &'static str;
    /// Whether responses carrying this record have a `list` worth reading.
    const HAS_LIST: bool = true;
    /// The fields read, as named on the wire; others are ignored.
    const FIELDS: &'static [&'static str];
    /// Collects fields until the record is complete.
    type Builder: Default;

    /// The slot of the field named `name` in [`WireRecord::FIELDS`], if read. (A `match`
    /// on the literal names, which compiles to far quicker tests than a search of `FIELDS`.)
    fn slot(name: &str) -> Option<usize>;

    /// Takes field `FIELDS[slot]`. `Err` is `"<field>: <why>"`.
    fn field(builder: &mut Self::Builder, slot: usize, value: Scalar<'_>) -> Result<(), String>;

    /// The record, or `Err("missing field <name>")`.
    fn finish(builder: Self::Builder) -> Result<Self, String>;

    /// Whether fields outside [`WireRecord::FIELDS`] are kept, by name (the generic call's
    /// records); the typed records ignore them.
    const NAMED: bool = false;

    /// Takes a field outside [`WireRecord::FIELDS`] (only called when [`WireRecord::NAMED`]).
    fn named(builder: &mut Self::Builder, name: &str, value: Scalar<'_>) -> Result<(), String> {
        let _ = (builder, name, value);
        Ok(())
    }
}

/// The record type of responses without a list (writes, token calls).
#[derive(Debug)]
pub(crate) enum NoRecord {}

impl WireRecord for NoRecord {
    const XML_TAG: &'static str = "record";
    const HAS_LIST: bool = false;
    const FIELDS: &'static [&'static str] = &[];
    type Builder = ();

    fn slot(_: &str) -> Option<usize> {
        None
    }

    fn field(_: &mut (), _: usize, _: Scalar<'_>) -> Result<(), String> {
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
    const FIELDS: &'static [&'static str] = &["agentid", "qid", "level"];
    type Builder = AssignmentFields;

    #[inline]
    fn slot(name: &str) -> Option<usize> {
        match name {
            "agentid" => Some(0),
            "qid" => Some(1),
            "level" => Some(2),
            _ => None,
        }
    }

    #[inline]
    fn field(b: &mut AssignmentFields, slot: usize, value: Scalar<'_>) -> Result<(), String> {
        let name = Self::FIELDS.get(slot).copied().unwrap_or_default();
        match slot {
            0 => b.agent_id = Some(value.to_u64().map_err(at(name))?),
            1 => b.queue_id = Some(value.to_u64().map_err(at(name))?),
            2 => b.level = Some(value.to_u32().map_err(at(name))?),
            _ => {}
        }
        Ok(())
    }

    #[inline]
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
    const FIELDS: &'static [&'static str] = &["uid", "description", "default"];
    type Builder = PolicyFields;

    #[inline]
    fn slot(name: &str) -> Option<usize> {
        match name {
            "uid" => Some(0),
            "description" => Some(1),
            "default" => Some(2),
            _ => None,
        }
    }

    fn field(b: &mut PolicyFields, slot: usize, value: Scalar<'_>) -> Result<(), String> {
        let name = Self::FIELDS.get(slot).copied().unwrap_or_default();
        match slot {
            0 => b.uid = Some(value.to_u64().map_err(at(name))?),
            1 if value == Scalar::Null => b.description = Some(String::new()),
            1 => b.description = Some(value.into_text().map_err(at(name))?),
            2 => {
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

/// A record of the generic call: every field as the text the server sent.
impl WireRecord for crate::ops::generic::GenericRecord {
    const XML_TAG: &'static str = "record";
    const FIELDS: &'static [&'static str] = &[];
    const NAMED: bool = true;
    type Builder = Vec<(String, String)>;

    fn slot(_: &str) -> Option<usize> {
        None
    }

    fn field(_: &mut Self::Builder, _: usize, _: Scalar<'_>) -> Result<(), String> {
        Ok(())
    }

    fn named(builder: &mut Self::Builder, name: &str, value: Scalar<'_>) -> Result<(), String> {
        let text = match value {
            Scalar::Null => return Ok(()),
            Scalar::Text(text) => text.into_owned(),
            Scalar::Unsigned(n) => n.to_string(),
            Scalar::Signed(n) => n.to_string(),
            Scalar::Float(x) => x.to_string(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Nested => return Err(format!("{name}: a nested value, not a field")),
        };
        builder.push((name.to_owned(), text));
        Ok(())
    }

    fn finish(fields: Self::Builder) -> Result<Self, String> {
        Ok(crate::ops::generic::GenericRecord(fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots_match_fields<T: WireRecord>() {
        for (i, name) in T::FIELDS.iter().enumerate() {
            assert_eq!(T::slot(name), Some(i), "{name}");
        }
        assert_eq!(T::slot("unknown"), None);
    }

    #[test]
    fn every_field_has_its_slot() {
        slots_match_fields::<Assignment>();
        slots_match_fields::<TodPolicy>();
        slots_match_fields::<NoRecord>();
    }
}
