//! The sans-IO layer: build a request, parse a response, with no I/O of our own.

use contactnow_core::{ApiCall, ApiOutput, Endpoint, HttpRequest, HttpResponse, Operation, Token};
use pyo3::{prelude::*, types::PyBytes};

use crate::{
    client::{format_arg, quote},
    convert,
    error::{invalid_input, not_picklable, to_py},
    models::{listing, PyAssignment, PyTodPolicy, PyWriteResult},
    value::{self, READER},
};

/// An HTTP request to send: the URL carries the token, so `repr` hides it.
#[pyclass(frozen, name = "Request", module = "contactnow.core")]
pub(crate) struct PyRequest {
    pub(crate) inner: HttpRequest,
}

#[pymethods]
impl PyRequest {
    /// `GET` or `POST`.
    #[getter]
    fn method(&self) -> &'static str {
        self.inner.method.as_str()
    }

    /// The full URL, with the token: send it, do not log it.
    #[getter]
    fn url(&self) -> &str {
        &self.inner.url
    }

    /// The URL with `token` and `password` replaced by `***`.
    #[getter]
    fn redacted_url(&self) -> String {
        self.inner.redacted_url()
    }

    /// Header names and values.
    #[getter]
    fn headers(&self) -> Vec<(String, String)> {
        self.inner.headers.clone()
    }

    /// The value of the `Content-Type` header, if any.
    #[getter]
    fn content_type(&self) -> Option<&str> {
        self.inner.header("Content-Type")
    }

    /// The body (empty for GET).
    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.body)
    }

    fn __repr__(&self) -> String {
        format!(
            "Request(method={}, url={}, headers=[{}], body=<{} bytes>)",
            quote(self.inner.method.as_str()),
            quote(&self.inner.redacted_url()),
            self.inner
                .headers
                .iter()
                .map(|(n, v)| format!("({}, {})", quote(n), quote(v)))
                .collect::<Vec<_>>()
                .join(", "),
            self.inner.body.len()
        )
    }

    /// Not picklable: the URL (and, for `token.get`, the body) carries a secret.
    fn __reduce__(&self) -> PyResult<()> {
        Err(not_picklable("Request", "its URL carries the token; pickle the operation and input instead"))
    }

    /// Immutable: a copy is the same object.
    fn __copy__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// Immutable: a copy is the same object.
    #[pyo3(signature = (memo))]
    fn __deepcopy__<'py>(slf: PyRef<'py, Self>, memo: &Bound<'py, PyAny>) -> PyRef<'py, Self> {
        let _ = memo;
        slf
    }
}

/// A token from `token.php?action=get`; `repr` hides it.
#[pyclass(frozen, name = "TokenGrant", module = "contactnow.core")]
pub(crate) struct PyTokenGrant {
    token: Token,
    expire: i64,
}

#[pymethods]
impl PyTokenGrant {
    /// The token itself.
    #[getter]
    fn token(&self) -> &str {
        self.token.expose()
    }

    /// When it expires, in Unix seconds.
    #[getter]
    fn expire(&self) -> i64 {
        self.expire
    }

    fn __repr__(&self) -> String {
        format!("TokenGrant(token='***', expire={})", self.expire)
    }

    /// Not picklable: it is the token.
    fn __reduce__(&self) -> PyResult<()> {
        Err(not_picklable("TokenGrant", "it holds the token; pickle .expire, or get a new token where it is needed"))
    }

    /// Immutable: a copy is the same object.
    fn __copy__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// Immutable: a copy is the same object.
    #[pyo3(signature = (memo))]
    fn __deepcopy__<'py>(slf: PyRef<'py, Self>, memo: &Bound<'py, PyAny>) -> PyRef<'py, Self> {
        let _ = memo;
        slf
    }
}

/// The answer of `token.php?action=validate` for a valid token.
#[pyclass(frozen, eq, hash, name = "TokenStatus", module = "contactnow.core")]
#[derive(PartialEq, Eq, Hash)]
pub(crate) struct PyTokenStatus {
    expire: i64,
}

#[pymethods]
impl PyTokenStatus {
    #[new]
    fn new(expire: i64) -> Self {
        Self { expire }
    }

    /// When the token expires, in Unix seconds.
    #[getter]
    fn expire(&self) -> i64 {
        self.expire
    }

    fn __repr__(&self) -> String {
        format!("TokenStatus(expire={})", self.expire)
    }

    /// Pickles as `TokenStatus(expire)`.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, pyo3::types::PyType>, (i64,))> {
        Ok((slf.get_type(), (slf.get().expire,)))
    }
}

/// The core call for `operation` with `input` (the keys of the test vectors).
pub(crate) fn api_call(py: Python<'_>, operation: &str, input: Option<&Bound<'_, PyAny>>) -> PyResult<ApiCall> {
    match input {
        Some(input) => value::read(input, "", |v| READER.call(operation, v)),
        None => READER.call(operation, &serde_json::Value::Null).map_err(to_py(py)),
    }
}

/// Any operation's output as its Python class.
pub(crate) fn output(py: Python<'_>, output: ApiOutput) -> PyResult<Py<PyAny>> {
    Ok(match output {
        ApiOutput::Write(result) => Py::new(py, PyWriteResult::from(result))?.into_any(),
        ApiOutput::Assignments(records) => listing::<_, PyAssignment>(py, records)?,
        ApiOutput::Policies(records) => listing::<_, PyTodPolicy>(py, records)?,
        ApiOutput::TokenGrant(grant) => {
            Py::new(py, PyTokenGrant { token: grant.token, expire: grant.expire })?.into_any()
        }
        ApiOutput::TokenStatus(status) => Py::new(py, PyTokenStatus { expire: status.expire })?.into_any(),
    })
}

/// Builds the request for `operation` (`priority.create`, ..., `token.validate`) from
/// `input` (the keys of the test vectors: `records`, `agent_id`, `policy_id`, ...).
#[pyfunction]
#[pyo3(signature = (operation, input = None, *, token = None, base_url = None, format = "json"))]
pub(crate) fn build_request(
    py: Python<'_>,
    operation: &str,
    input: Option<&Bound<'_, PyAny>>,
    token: Option<&str>,
    base_url: Option<&str>,
    format: &str,
) -> PyResult<PyRequest> {
    let call = api_call(py, operation, input)?;
    let format = format_arg(py, format)?;
    let endpoint = match base_url {
        Some(url) => Endpoint::new(url).map_err(to_py(py))?,
        None => Endpoint::default(),
    };
    let token = match token {
        Some(token) => Token::new(token),
        None if call.needs_token() => return Err(invalid_input(py, "token", "required: pass token=")),
        None => Token::new(""),
    };
    let built = call.build_request(&endpoint, &token, format).map_err(|e| e.scrubbed(&call.secrets()));
    Ok(PyRequest { inner: built.map_err(to_py(py))? })
}

/// Parses the response to a request for `operation`, built in `format`.
#[pyfunction]
#[pyo3(signature = (operation, status, content_type, body, *, format = "json"))]
pub(crate) fn parse_response(
    py: Python<'_>,
    operation: &str,
    status: u16,
    content_type: Option<&str>,
    body: &Bound<'_, PyAny>,
    format: &str,
) -> PyResult<Py<PyAny>> {
    let call = ApiCall::empty(operation).map_err(to_py(py))?;
    let format = format_arg(py, format)?;
    let body = convert::bytes(body, "body")?;
    let response = HttpResponse { status, content_type: content_type.map(str::to_owned), body, retry_after: None };
    let parsed = py.detach(|| call.parse_response(format, &response));
    output(py, parsed.map_err(to_py(py))?)
}
