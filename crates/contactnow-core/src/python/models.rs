//! The model classes: the core's own types as frozen, comparable and hashable `pyclass`es
//! (derived on them in `crate::model`), and `DefaultAction`, a class over the enum.
//!
//! Every model pickles and copies (`__reduce__`) as a call of its public constructor, so
//! an unpickled value is equal to the original and has the same hash; `DefaultAction`,
//! whose constructor is strict, goes through [`default_action_from_wire`] instead.

use pyo3::{
    prelude::*,
    sync::PyOnceLock,
    types::{PyDict, PyTuple, PyType},
};

use super::{error::to_py, value};
use crate::{Assignment, DefaultAction, Listing, NewTodPolicy, TodPolicy, TodPolicyUpdate, WriteResult};

/// Python's `repr` of a string.
fn py_repr(py: Python<'_>, text: &str) -> String {
    pyo3::types::PyString::new(py, text).repr().map(|r| r.to_string()).unwrap_or_else(|_| format!("{text:?}"))
}

/// What `__reduce__` returns: a callable and its positional arguments.
type Reduced<'py> = (Bound<'py, PyAny>, Bound<'py, PyTuple>);

/// The pickle recipe "call `cls(*args)`", for the classes with positional constructors.
fn reduce_new<'py>(cls: Bound<'py, PyType>, args: Bound<'py, PyTuple>) -> Reduced<'py> {
    (cls.into_any(), args)
}

/// `copyreg.__newobj_ex__`, looked up once per interpreter.
static NEWOBJ_EX: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The pickle recipe "call `cls(**kwargs)`" (`copyreg.__newobj_ex__`, which pickle writes
/// as its `NEWOBJ_EX` opcode), for the classes with keyword-only constructors.
fn reduce_new_kw<'py>(cls: Bound<'py, PyType>, kwargs: Bound<'py, PyDict>) -> PyResult<Reduced<'py>> {
    let py = cls.py();
    let newobj_ex = NEWOBJ_EX.import(py, "copyreg", "__newobj_ex__")?.clone();
    let args = (cls, PyTuple::empty(py), kwargs).into_pyobject(py)?;
    Ok((newobj_ex, args))
}

/// [`default_action_from_wire`] as the module holds it, looked up once per interpreter.
static FROM_WIRE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `DefaultAction.from_wire` as a module-level function (`contactnow._contactnow`), so that
/// pickle finds it by name: a value the strict constructor refuses (an unknown action kept
/// as read) still round-trips.
#[pyfunction]
#[pyo3(name = "_default_action_from_wire")]
pub fn default_action_from_wire(value: &str) -> PyDefaultAction {
    DefaultAction::from_wire(value).into()
}

/// What a TOD policy does with a call by default (a class over the enum: a Python class per
/// variant would not keep `DefaultAction.QUEUE` and `DefaultAction.jump(7)`).
#[pyclass(frozen, eq, hash, name = "DefaultAction", module = "contactnow")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyDefaultAction {
    pub(crate) inner: DefaultAction,
}

impl From<DefaultAction> for PyDefaultAction {
    fn from(inner: DefaultAction) -> Self {
        Self { inner }
    }
}

/// An action reaches Python as a `DefaultAction` (the getters of `TodPolicy.default`...).
impl<'py> IntoPyObject<'py> for DefaultAction {
    type Target = PyDefaultAction;
    type Output = Bound<'py, PyDefaultAction>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        Bound::new(py, PyDefaultAction::from(self))
    }
}

#[pymethods]
impl PyDefaultAction {
    /// Strict parse of `queue`, `voicemail`, `hangup` or `jump:<queue id>`.
    #[new]
    fn new(py: Python<'_>, value: &str) -> PyResult<Self> {
        value.parse::<DefaultAction>().map(Self::from).map_err(to_py(py))
    }

    #[classattr]
    #[pyo3(name = "QUEUE")]
    fn queue() -> Self {
        DefaultAction::Queue.into()
    }

    #[classattr]
    #[pyo3(name = "VOICEMAIL")]
    fn voicemail() -> Self {
        DefaultAction::Voicemail.into()
    }

    #[classattr]
    #[pyo3(name = "HANGUP")]
    fn hangup() -> Self {
        DefaultAction::Hangup.into()
    }

    /// Send the call to the queue `queue_id` (a positive id).
    #[staticmethod]
    fn jump(queue_id: &Bound<'_, PyAny>) -> PyResult<Self> {
        let qid = value::integer(queue_id, "queue_id")?;
        if qid == 0 {
            return Err(super::error::invalid_input(queue_id.py(), "queue_id", "must be a positive queue id"));
        }
        Ok(DefaultAction::Jump(qid).into())
    }

    /// Lenient parse of a value as the server sends it: unknown values are kept.
    #[staticmethod]
    fn from_wire(value: &str) -> Self {
        DefaultAction::from_wire(value).into()
    }

    /// The wire text, e.g. `queue` or `jump:1007`.
    #[getter]
    fn value(&self) -> String {
        self.inner.to_string()
    }

    /// `queue`, `voicemail`, `hangup`, `jump` or `unknown`.
    #[getter]
    fn kind(&self) -> &'static str {
        match self.inner {
            DefaultAction::Queue => "queue",
            DefaultAction::Voicemail => "voicemail",
            DefaultAction::Hangup => "hangup",
            DefaultAction::Jump(_) => "jump",
            _ => "unknown",
        }
    }

    /// The target queue of a jump, else `None`.
    #[getter]
    fn queue_id(&self) -> Option<u64> {
        match self.inner {
            DefaultAction::Jump(qid) => Some(qid),
            _ => None,
        }
    }

    /// Whether this version knows the action.
    #[getter]
    fn is_known(&self) -> bool {
        !matches!(self.inner, DefaultAction::Other(_))
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        match &self.inner {
            DefaultAction::Queue => "DefaultAction.QUEUE".to_owned(),
            DefaultAction::Voicemail => "DefaultAction.VOICEMAIL".to_owned(),
            DefaultAction::Hangup => "DefaultAction.HANGUP".to_owned(),
            DefaultAction::Jump(qid) => format!("DefaultAction.jump({qid})"),
            other => format!("DefaultAction.from_wire({})", py_repr(py, &other.to_string())),
        }
    }

    /// Pickles as `_default_action_from_wire(value)`: the wire text parses back to an equal
    /// action, known or not.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        let rebuild = FROM_WIRE.import(py, "contactnow._contactnow", "_default_action_from_wire")?.clone();
        Ok((rebuild, (self.inner.to_string(),).into_pyobject(py)?))
    }
}

/// A field of a model as Python sees it: the getter's value, its entry in `to_dict` and
/// its part of `repr`.
trait Field {
    /// What the getter answers.
    fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>>;
    /// What `to_dict` holds (plain data: an action as its wire text).
    fn plain(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.get(py)
    }
    /// How `repr` writes it.
    fn repr(&self, py: Python<'_>) -> String;
}

impl Field for u64 {
    fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(self.into_pyobject(py)?.into_any().unbind())
    }
    fn repr(&self, _: Python<'_>) -> String {
        self.to_string()
    }
}

impl Field for u32 {
    fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(self.into_pyobject(py)?.into_any().unbind())
    }
    fn repr(&self, _: Python<'_>) -> String {
        self.to_string()
    }
}

impl Field for String {
    fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(pyo3::types::PyString::new(py, self).into_any().unbind())
    }
    fn repr(&self, py: Python<'_>) -> String {
        py_repr(py, self)
    }
}

impl Field for DefaultAction {
    fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(self.clone().into_pyobject(py)?.into_any().unbind())
    }
    fn plain(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.to_string().get(py)
    }
    fn repr(&self, py: Python<'_>) -> String {
        PyDefaultAction::from(self.clone()).__repr__(py)
    }
}

impl<T: Field> Field for Option<T> {
    fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.as_ref().map_or_else(|| Ok(py.None()), |v| v.get(py))
    }
    fn plain(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.as_ref().map_or_else(|| Ok(py.None()), |v| v.plain(py))
    }
    fn repr(&self, py: Python<'_>) -> String {
        self.as_ref().map_or_else(|| "None".to_owned(), |v| v.repr(py))
    }
}

/// The methods of the model class `$class` (its fields' getters come with the `pyclass`,
/// `get_all`): the constructor given, `to_dict`, `repr`, and pickling as a call of the
/// constructor (`positional`, or `keywords` for a keyword-only one).
macro_rules! model {
    (
        $class:ident $reduce:ident,
        { $($field:ident),* $(,)? }
        $($new:tt)*
    ) => {
        #[pymethods]
        impl $class {
            $($new)*

            /// The fields as a dict of plain values (an action as its wire text).
            #[allow(clippy::wrong_self_convention, reason = "a Python method: by reference")]
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                let d = PyDict::new(py);
                $(d.set_item(stringify!($field), Field::plain(&self.$field, py)?)?;)*
                Ok(d)
            }

            fn __repr__(&self, py: Python<'_>) -> String {
                let parts: Vec<String> =
                    vec![$(format!("{}={}", stringify!($field), Field::repr(&self.$field, py))),*];
                format!("{}({})", stringify!($class), parts.join(", "))
            }

            /// Pickles as a call of the constructor.
            fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
                model!(@reduce $reduce, self, py, $($field),*)
            }
        }
    };
    (@reduce positional, $self:ident, $py:ident, $($field:ident),*) => {{
        let args = ($(Field::get(&$self.$field, $py)?,)*).into_pyobject($py)?;
        Ok(reduce_new($py.get_type::<Self>(), args))
    }};
    (@reduce keywords, $self:ident, $py:ident, $($field:ident),*) => {
        reduce_new_kw($py.get_type::<Self>(), $self.to_dict($py)?)
    };
}

model! {
    Assignment positional, { agent_id, queue_id, level }
    #[new]
    #[pyo3(signature = (agent_id, queue_id, level))]
    fn py_new(agent_id: &Bound<'_, PyAny>, queue_id: &Bound<'_, PyAny>, level: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Assignment {
            agent_id: value::integer(agent_id, "agent_id")?,
            queue_id: value::integer(queue_id, "queue_id")?,
            level: value::level(level, "level")?,
        })
    }
}

model! {
    TodPolicy positional, { uid, description, default }
    #[new]
    #[pyo3(signature = (uid, description, default))]
    fn py_new(uid: &Bound<'_, PyAny>, description: &Bound<'_, PyAny>, default: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(TodPolicy {
            uid: value::integer(uid, "uid")?,
            description: value::text(description, "description")?,
            default: value::action(default, "default")?,
        })
    }
}

model! {
    NewTodPolicy positional, { description, default }
    #[new]
    #[pyo3(signature = (description, default))]
    fn py_new(description: &Bound<'_, PyAny>, default: &Bound<'_, PyAny>) -> PyResult<Self> {
        let description = value::text(description, "description")?;
        Ok(NewTodPolicy { description, default: value::action(default, "default")? })
    }
}

model! {
    TodPolicyUpdate positional, { uid, description, default }
    #[new]
    #[pyo3(signature = (uid, description = None, default = None))]
    fn py_new(
        uid: &Bound<'_, PyAny>,
        description: Option<&Bound<'_, PyAny>>,
        default: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        Ok(TodPolicyUpdate {
            uid: value::integer(uid, "uid")?,
            description: description.filter(|d| !d.is_none()).map(|d| value::text(d, "description")).transpose()?,
            default: default.filter(|d| !d.is_none()).map(|d| value::action(d, "default")).transpose()?,
        })
    }
}

model! {
    WriteResult keywords, { account_id, total, bad, key }
    #[new]
    #[pyo3(signature = (*, account_id = None, total = 0, bad = 0, key = None))]
    fn py_new(account_id: Option<u64>, total: u64, bad: u64, key: Option<u64>) -> Self {
        WriteResult { account_id, total, bad, key }
    }
}

/// `contactnow._listing.Listing`, looked up once per interpreter.
static LISTING: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// A `Listing` (a Python class: one object per read) of `listing`'s records.
pub fn listing<T>(py: Python<'_>, listing: Listing<T>) -> PyResult<Py<PyAny>>
where
    T: pyo3::PyClass + Into<pyo3::PyClassInitializer<T>>,
{
    let records = listing.records.into_iter().map(|r| Py::new(py, r)).collect::<PyResult<Vec<_>>>()?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("records", PyTuple::new(py, records)?)?;
    kwargs.set_item("account_id", listing.account_id)?;
    kwargs.set_item("total", listing.total)?;
    Ok(LISTING.import(py, "contactnow._listing", "Listing")?.call((), Some(&kwargs))?.unbind())
}
