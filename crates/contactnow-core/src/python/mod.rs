//! The core's values in Python (feature `python`, for `bindings/python`): the models as the
//! package's classes, Python values read by [`crate::input`], and errors as the exception
//! tree rooted at `contactnow.ContactNowError`, so that the binding only converts calls.
//!
//! The classes are the core's own types (`Assignment`, `TodPolicy`, ...: `pyclass` is derived
//! on them), registered by [`add_classes`] into `contactnow._contactnow`.

pub mod error;
pub mod models;
pub mod value;

use pyo3::prelude::*;

/// Adds the model classes, and pickle's helper for `DefaultAction`, to the module `m`.
pub fn add_classes(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<models::PyDefaultAction>()?;
    m.add_class::<crate::Assignment>()?;
    m.add_class::<crate::TodPolicy>()?;
    m.add_class::<crate::NewTodPolicy>()?;
    m.add_class::<crate::TodPolicyUpdate>()?;
    m.add_class::<crate::WriteResult>()?;
    // An attribute, but not in `__all__`.
    m.setattr("_default_action_from_wire", wrap_pyfunction!(models::default_action_from_wire, m)?)
}
