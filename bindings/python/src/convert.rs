//! Python values to Rust inputs, with errors naming the field at fault.

use contactnow_core::{Assignment, DefaultAction, NewTodPolicy, TodPolicyUpdate};
use pyo3::{
    prelude::*,
    types::{PyBool, PyBytes, PyInt, PyMapping, PyString},
};

use crate::{
    error::invalid_input,
    models::{PyAssignment, PyDefaultAction, PyNewTodPolicy, PyTodPolicy, PyTodPolicyUpdate},
};

/// The Python type name of `obj`, for error texts.
fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "object".to_owned())
}

/// A non-negative integer that fits in a `u64` (booleans are refused).
pub(crate) fn uint(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<u64> {
    let py = obj.py();
    if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
        return Err(invalid_input(py, field, format!("must be an integer, got {}", type_name(obj))));
    }
    obj.extract::<u64>()
        .map_err(|_| invalid_input(py, field, format!("must be an integer from 0 to 2**64-1, got {obj}")))
}

/// A level: a non-negative integer that fits in a `u32`.
pub(crate) fn level(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<u32> {
    let value = uint(obj, field)?;
    u32::try_from(value).map_err(|_| invalid_input(obj.py(), field, format!("must be at most 4294967295, got {value}")))
}

/// An optional id: `None` or a non-negative integer.
pub(crate) fn opt_uint(obj: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<Option<u64>> {
    match obj {
        None => Ok(None),
        Some(obj) if obj.is_none() => Ok(None),
        Some(obj) => uint(obj, field).map(Some),
    }
}

/// A `str`.
pub(crate) fn text(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<String> {
    match obj.cast::<PyString>() {
        Ok(s) => s.to_cow().map(|text| text.into_owned()).map_err(|_| {
            invalid_input(obj.py(), field, "contains a lone surrogate: not valid Unicode, so it cannot be sent")
        }),
        Err(_) => Err(invalid_input(obj.py(), field, format!("must be a str, got {}", type_name(obj)))),
    }
}

/// A positive, finite number of seconds (`int` or `float`; booleans are refused).
pub(crate) fn seconds(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<std::time::Duration> {
    let py = obj.py();
    let bad =
        || invalid_input(py, field, format!("must be a positive, finite number of seconds, got {}", type_name(obj)));
    if obj.is_instance_of::<PyBool>()
        || !(obj.is_instance_of::<PyInt>() || obj.is_instance_of::<pyo3::types::PyFloat>())
    {
        return Err(bad());
    }
    let value: f64 = obj.extract().map_err(|_| bad())?;
    std::time::Duration::try_from_secs_f64(value).ok().filter(|d| !d.is_zero()).ok_or_else(bad)
}

/// A count that fits in a `u32` (`retries`), non-negative.
pub(crate) fn count(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<u32> {
    let value = uint(obj, field)?;
    u32::try_from(value).map_err(|_| invalid_input(obj.py(), field, format!("must be at most 4294967295, got {value}")))
}

/// Bytes: `bytes`, `str` (as UTF-8) or any buffer of bytes.
pub(crate) fn bytes(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Vec<u8>> {
    if let Ok(bytes) = obj.cast::<PyBytes>() {
        return Ok(bytes.as_bytes().to_vec());
    }
    if let Ok(text) = obj.cast::<PyString>() {
        return Ok(text.to_cow()?.as_bytes().to_vec());
    }
    obj.extract::<Vec<u8>>().map_err(|_| invalid_input(obj.py(), field, "must be bytes or str"))
}

/// A default action: a `DefaultAction` or its wire text (`queue`, `jump:12`, ...). Unknown
/// words are kept; the core decides whether they can be sent.
pub(crate) fn action(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<DefaultAction> {
    if let Ok(action) = obj.cast::<PyDefaultAction>() {
        return Ok(action.get().inner.clone());
    }
    match obj.cast::<PyString>() {
        Ok(s) => Ok(DefaultAction::from_wire(&s.to_cow()?)),
        Err(_) => Err(invalid_input(
            obj.py(),
            field,
            format!("must be a DefaultAction or a str such as 'queue' or 'jump:12', got {}", type_name(obj)),
        )),
    }
}

/// The `(key, value)` pairs of a mapping, each key checked against `known` field names
/// (`known` pairs an accepted key with the field it sets).
fn fields<'py>(
    mapping: &Bound<'py, PyMapping>,
    at: &str,
    known: &[(&str, &'static str)],
) -> PyResult<Vec<(&'static str, Bound<'py, PyAny>)>> {
    let py = mapping.py();
    let mut out: Vec<(&'static str, Bound<'py, PyAny>)> = Vec::new();
    for item in mapping.items()?.iter() {
        let (key, value): (Bound<'py, PyAny>, Bound<'py, PyAny>) = item.extract()?;
        let key = text(&key, at)?;
        let Some((_, field)) = known.iter().find(|(k, _)| *k == key) else {
            let mut names: Vec<&str> = known.iter().map(|(_, f)| *f).collect();
            names.dedup();
            return Err(invalid_input(py, at, format!("unknown field {key:?}; expected {}", names.join(", "))));
        };
        if out.iter().any(|(f, _)| f == field) {
            return Err(invalid_input(py, format!("{at}.{field}"), "given twice (under two spellings)"));
        }
        out.push((field, value));
    }
    Ok(out)
}

fn take<'a, 'py>(fields: &'a [(&'static str, Bound<'py, PyAny>)], name: &str) -> Option<&'a Bound<'py, PyAny>> {
    fields.iter().find(|(f, _)| *f == name).map(|(_, v)| v)
}

fn required<'a, 'py>(
    py: Python<'py>,
    fields: &'a [(&'static str, Bound<'py, PyAny>)],
    at: &str,
    name: &str,
) -> PyResult<&'a Bound<'py, PyAny>> {
    take(fields, name).ok_or_else(|| invalid_input(py, join(at, name), "missing"))
}

/// `at.name`, or `name` alone when `at` is empty.
pub(crate) fn join(at: &str, name: &str) -> String {
    if at.is_empty() {
        name.to_owned()
    } else {
        format!("{at}.{name}")
    }
}

const ASSIGNMENT_KEYS: &[(&str, &str)] = &[
    ("agent_id", "agent_id"),
    ("agentid", "agent_id"),
    ("agentId", "agent_id"),
    ("queue_id", "queue_id"),
    ("qid", "queue_id"),
    ("queueId", "queue_id"),
    ("level", "level"),
];

/// One assignment: an `Assignment` or a mapping `{agent_id, queue_id, level}` (also
/// `agentid`/`agentId`, `qid`/`queueId`).
pub(crate) fn assignment(obj: &Bound<'_, PyAny>, at: &str) -> PyResult<Assignment> {
    if let Ok(a) = obj.cast::<PyAssignment>() {
        return Ok(a.get().inner);
    }
    let py = obj.py();
    let Ok(mapping) = obj.cast::<PyMapping>() else {
        return Err(invalid_input(py, at, format!("must be an Assignment or a dict, got {}", type_name(obj))));
    };
    let f = fields(mapping, at, ASSIGNMENT_KEYS)?;
    Ok(Assignment {
        agent_id: uint(required(py, &f, at, "agent_id")?, &join(at, "agent_id"))?,
        queue_id: uint(required(py, &f, at, "queue_id")?, &join(at, "queue_id"))?,
        level: level(required(py, &f, at, "level")?, &join(at, "level"))?,
    })
}

/// One new policy: a `NewTodPolicy` or a mapping `{description, default}`.
pub(crate) fn new_policy(obj: &Bound<'_, PyAny>, at: &str) -> PyResult<NewTodPolicy> {
    if let Ok(p) = obj.cast::<PyNewTodPolicy>() {
        return Ok(p.get().inner.clone());
    }
    let py = obj.py();
    let Ok(mapping) = obj.cast::<PyMapping>() else {
        return Err(invalid_input(py, at, format!("must be a NewTodPolicy or a dict, got {}", type_name(obj))));
    };
    let f = fields(mapping, at, &[("description", "description"), ("default", "default")])?;
    Ok(NewTodPolicy {
        description: text(required(py, &f, at, "description")?, &join(at, "description"))?,
        default: action(required(py, &f, at, "default")?, &join(at, "default"))?,
    })
}

/// One policy update: a `TodPolicyUpdate`, a `TodPolicy` (all fields sent) or a mapping
/// `{uid, description?, default?}`.
pub(crate) fn policy_update(obj: &Bound<'_, PyAny>, at: &str) -> PyResult<TodPolicyUpdate> {
    if let Ok(u) = obj.cast::<PyTodPolicyUpdate>() {
        return Ok(u.get().inner.clone());
    }
    if let Ok(p) = obj.cast::<PyTodPolicy>() {
        return Ok(TodPolicyUpdate::from(p.get().inner.clone()));
    }
    let py = obj.py();
    let Ok(mapping) = obj.cast::<PyMapping>() else {
        return Err(invalid_input(
            py,
            at,
            format!("must be a TodPolicyUpdate, a TodPolicy or a dict, got {}", type_name(obj)),
        ));
    };
    let f = fields(mapping, at, &[("uid", "uid"), ("description", "description"), ("default", "default")])?;
    let optional = |name: &str| take(&f, name).filter(|v| !v.is_none());
    Ok(TodPolicyUpdate {
        uid: uint(required(py, &f, at, "uid")?, &join(at, "uid"))?,
        description: optional("description").map(|v| text(v, &join(at, "description"))).transpose()?,
        default: optional("default").map(|v| action(v, &join(at, "default"))).transpose()?,
    })
}

/// A batch: one record (a model object or a mapping) or an iterable of them; record `i`
/// is named `records[i]` in errors.
pub(crate) fn records<T>(
    obj: &Bound<'_, PyAny>,
    single: fn(&Bound<'_, PyAny>, &str) -> PyResult<T>,
    is_single: fn(&Bound<'_, PyAny>) -> bool,
) -> PyResult<Vec<T>> {
    let py = obj.py();
    if is_single(obj) || obj.cast::<PyMapping>().is_ok() {
        return Ok(vec![single(obj, "records[0]")?]);
    }
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
        return Err(invalid_input(
            py,
            "records",
            format!("must be a record or a list of records, got {}", type_name(obj)),
        ));
    }
    let Ok(iter) = obj.try_iter() else {
        return Err(invalid_input(
            py,
            "records",
            format!("must be a record or a list of records, got {}", type_name(obj)),
        ));
    };
    let mut out = Vec::new();
    for (i, item) in iter.enumerate() {
        out.push(single(&item?, &format!("records[{i}]"))?);
    }
    Ok(out)
}

/// Whether `obj` is an `Assignment`.
pub(crate) fn is_assignment(obj: &Bound<'_, PyAny>) -> bool {
    obj.is_instance_of::<PyAssignment>()
}

/// Whether `obj` is a `NewTodPolicy`.
pub(crate) fn is_new_policy(obj: &Bound<'_, PyAny>) -> bool {
    obj.is_instance_of::<PyNewTodPolicy>()
}

/// Whether `obj` is a `TodPolicyUpdate` or a `TodPolicy`.
pub(crate) fn is_policy_update(obj: &Bound<'_, PyAny>) -> bool {
    obj.is_instance_of::<PyTodPolicyUpdate>() || obj.is_instance_of::<PyTodPolicy>()
}

/// Pairs of text from a mapping (`{"qid": "1007"}`; values may be `str` or `int`).
fn text_pairs(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Vec<(String, String)>> {
    let py = obj.py();
    let mapping = obj.cast::<PyMapping>().map_err(|_| invalid_input(py, field, "must be a dict"))?;
    let mut pairs = Vec::new();
    for item in mapping.items()?.iter() {
        let (key, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
        let key = text(&key, field)?;
        let at = format!("{field}.{key}");
        let value = if value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>() {
            uint(&value, &at)?.to_string()
        } else {
            text(&value, &at)?
        };
        pairs.push((key, value));
    }
    Ok(pairs)
}

/// A generic call from `Client.call`'s arguments.
pub(crate) fn generic_call(
    py: Python<'_>,
    method: &str,
    action: &str,
    filters: Option<&Bound<'_, PyAny>>,
    records: Option<&Bound<'_, PyAny>>,
    repeatable: bool,
) -> PyResult<contactnow::GenericCall> {
    let mut call = contactnow::GenericCall::read(method, action);
    if let Some(filters) = filters.filter(|f| !f.is_none()) {
        call.filters = text_pairs(filters, "filters")?;
    }
    if let Some(records) = records.filter(|r| !r.is_none()) {
        let list: Vec<Bound<'_, PyAny>> =
            records.extract().map_err(|_| invalid_input(py, "records", "must be a list of dicts"))?;
        for (i, record) in list.iter().enumerate() {
            call.records.push(text_pairs(record, &format!("records[{i}]"))?);
        }
        call.repeatable = repeatable;
    }
    Ok(call)
}

/// A generic result as a dict.
pub(crate) fn generic_result(py: Python<'_>, result: contactnow::GenericResult) -> PyResult<Py<PyAny>> {
    let dict = pyo3::types::PyDict::new(py);
    dict.set_item("account_id", result.account_id)?;
    dict.set_item("total", result.total)?;
    dict.set_item("bad", result.bad)?;
    dict.set_item("key", result.key)?;
    dict.set_item("error", result.error)?;
    let records = pyo3::types::PyList::empty(py);
    for record in result.records {
        let fields = pyo3::types::PyDict::new(py);
        for (name, value) in record.0 {
            fields.set_item(name, value)?;
        }
        records.append(fields)?;
    }
    dict.set_item("records", records)?;
    Ok(dict.into_any().unbind())
}
