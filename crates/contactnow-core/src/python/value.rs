//! Python values as JSON values, which `contactnow_core::input` reads (the one set of
//! input rules for every language): mappings become objects, other iterables lists, and the
//! model classes their fields.

use pyo3::{
    prelude::*,
    types::{PyBool, PyBytes, PyFloat, PyInt, PyMapping, PyString},
};
use serde_json::{Map, Number, Value};

use super::{
    error::{invalid_input, to_py},
    models::PyDefaultAction,
};
use crate::{input::Reader, Assignment, DefaultAction, NewTodPolicy, TodPolicy, TodPolicyUpdate};

/// How Python reads inputs: any integer a `u64` holds.
pub const READER: Reader = Reader::ANY;

/// A failure at a path below the value: the path's parts, innermost first, and the reason.
struct Bad(Vec<String>, String);

/// The type's name, for error texts.
fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "object".to_owned())
}

/// `obj` as a JSON value; `field` names it in errors (`records`, `input`).
pub fn json(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Value> {
    convert(obj).map_err(|Bad(mut path, reason)| {
        path.push(field.to_owned());
        let mut at = String::new();
        for part in path.iter().rev() {
            if !at.is_empty() && !part.starts_with('[') {
                at.push('.');
            }
            at.push_str(part);
        }
        invalid_input(obj.py(), at, reason)
    })
}

/// A model's fields as an object (the action as its wire text).
fn model(obj: &Bound<'_, PyAny>) -> Option<Value> {
    let to_value = |v: Result<Value, serde_json::Error>| v.ok();
    if let Ok(a) = obj.cast::<Assignment>() {
        return to_value(serde_json::to_value(a.get()));
    }
    if let Ok(p) = obj.cast::<NewTodPolicy>() {
        return to_value(serde_json::to_value(p.get()));
    }
    if let Ok(u) = obj.cast::<TodPolicyUpdate>() {
        return to_value(serde_json::to_value(u.get()));
    }
    if let Ok(p) = obj.cast::<TodPolicy>() {
        return to_value(serde_json::to_value(p.get()));
    }
    obj.cast::<PyDefaultAction>().ok().map(|a| Value::String(a.get().inner.to_string()))
}

fn convert(obj: &Bound<'_, PyAny>) -> Result<Value, Bad> {
    let bad = |reason: String| Bad(Vec::new(), reason);
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::from(u));
        }
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        // Beyond 64 bits: a float, which the reader refuses as too large (or negative).
        let f: f64 = obj.extract().map_err(|_| bad(format!("{obj} is out of range")))?;
        return Number::from_f64(f).map(Value::Number).ok_or_else(|| bad(format!("{obj} is out of range")));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let value = f.value();
        return Number::from_f64(value)
            .map(Value::Number)
            .ok_or_else(|| bad(format!("must be a finite number, got {value}")));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return s
            .to_cow()
            .map(|text| Value::String(text.into_owned()))
            .map_err(|_| bad("contains a lone surrogate: not valid Unicode, so it cannot be sent".into()));
    }
    if let Some(value) = model(obj) {
        return Ok(value);
    }
    if let Ok(mapping) = obj.cast::<PyMapping>() {
        let mut map = Map::new();
        let items = mapping.items().map_err(|e| bad(e.to_string()))?;
        for item in items.iter() {
            let (key, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) =
                item.extract().map_err(|e: PyErr| bad(e.to_string()))?;
            let Ok(key) = key.cast::<PyString>().map(|k| k.to_string()) else {
                return Err(bad(format!("keys must be str, got {}", type_name(&key))));
            };
            let value = convert(&value).map_err(|Bad(mut path, reason)| {
                path.push(key.clone());
                Bad(path, reason)
            })?;
            map.insert(key, value);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_instance_of::<PyBytes>() {
        return Err(bad("must not be bytes".into()));
    }
    let Ok(iter) = obj.try_iter() else {
        return Err(bad(format!("unsupported type {}", type_name(obj))));
    };
    let mut list = Vec::new();
    for (i, item) in iter.enumerate() {
        let item = item.map_err(|e| bad(e.to_string()))?;
        list.push(convert(&item).map_err(|Bad(mut path, reason)| {
            path.push(format!("[{i}]"));
            Bad(path, reason)
        })?);
    }
    Ok(Value::Array(list))
}

/// Reads `obj` (named `field`) with `read`, e.g. `READER.assignments`.
pub fn read<T>(
    obj: &Bound<'_, PyAny>,
    field: &str,
    read: impl FnOnce(&Value) -> Result<T, crate::Error>,
) -> PyResult<T> {
    read(&json(obj, field)?).map_err(to_py(obj.py()))
}

/// A non-negative integer argument (`agent_id=`).
pub(crate) fn integer(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<u64> {
    read(obj, field, |v| READER.integer(v, field))
}

/// A level argument: an integer that fits in a `u32`.
pub(crate) fn level(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<u32> {
    read(obj, field, |v| READER.small(v, field))
}

/// A `str` argument.
pub(crate) fn text(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<String> {
    read(obj, field, |v| READER.text(v, field))
}

/// An action argument: a `DefaultAction` or its wire text (unknown words are kept; the core
/// decides whether they can be sent).
pub(crate) fn action(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<DefaultAction> {
    text(obj, field).map(|t| DefaultAction::from_wire(&t))
}

/// Bytes: `bytes`, `str` (as UTF-8) or any buffer of bytes.
pub fn bytes(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Vec<u8>> {
    if let Ok(bytes) = obj.cast::<PyBytes>() {
        return Ok(bytes.as_bytes().to_vec());
    }
    if let Ok(text) = obj.cast::<PyString>() {
        return Ok(text.to_cow()?.as_bytes().to_vec());
    }
    obj.extract::<Vec<u8>>().map_err(|_| invalid_input(obj.py(), field, "must be bytes or str"))
}

/// A JSON value as Python data: objects become dicts, arrays lists.
pub fn python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => u.into_pyobject(py)?.into_any(),
            (_, Some(i)) => i.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            pyo3::types::PyList::new(py, items.iter().map(|v| python(py, v)).collect::<PyResult<Vec<_>>>()?)?.into_any()
        }
        Value::Object(map) => {
            let dict = pyo3::types::PyDict::new(py);
            for (key, item) in map {
                dict.set_item(key, python(py, item)?)?;
            }
            dict.into_any()
        }
    })
}
