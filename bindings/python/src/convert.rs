//! Python values to Rust inputs, with errors naming the field at fault.

use contactnow_core::DefaultAction;
use pyo3::{
    prelude::*,
    types::{PyBool, PyBytes, PyInt, PyString},
};

use crate::{error::invalid_input, models::PyDefaultAction};

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

/// A `str`.
pub(crate) fn text(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<String> {
    match obj.cast::<PyString>() {
        Ok(s) => s.to_cow().map(|text| text.into_owned()).map_err(|_| {
            invalid_input(obj.py(), field, "contains a lone surrogate: not valid Unicode, so it cannot be sent")
        }),
        Err(_) => Err(invalid_input(obj.py(), field, format!("must be a str, got {}", type_name(obj)))),
    }
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
