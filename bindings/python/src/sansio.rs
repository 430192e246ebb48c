//! The sans-IO layer: build a request, parse a response, with no I/O of our own.

use contactnow_core::{ApiCall, ApiOutput, HttpRequest, HttpResponse};
use pyo3::{
    prelude::*,
    sync::PyOnceLock,
    types::{IntoPyDict, PyBytes, PyDict},
};

use crate::{
    error::to_py,
    models::listing,
    value::{self, READER},
};

/// The classes of `contactnow._sansio`, looked up once per interpreter.
static REQUEST: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static TOKEN_GRANT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static TOKEN_STATUS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `request` as a `contactnow.core.Request`.
pub(crate) fn request<'py>(py: Python<'py>, request: &HttpRequest) -> PyResult<Bound<'py, PyAny>> {
    let args = (
        request.method.as_str(),
        &request.url,
        request.redacted_url(),
        request.headers.clone(),
        PyBytes::new(py, &request.body),
    );
    REQUEST.import(py, "contactnow._sansio", "Request")?.call1(args)
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
        ApiOutput::Write(result) => Py::new(py, result)?.into_any(),
        ApiOutput::Assignments(records) => listing(py, records)?,
        ApiOutput::Policies(records) => listing(py, records)?,
        ApiOutput::TokenGrant(grant) => {
            let class = TOKEN_GRANT.import(py, "contactnow._sansio", "TokenGrant")?;
            class.call1((grant.token.expose(), grant.expire))?.unbind()
        }
        ApiOutput::TokenStatus(status) => {
            TOKEN_STATUS.import(py, "contactnow._sansio", "TokenStatus")?.call1((status.expire,))?.unbind()
        }
        // A dict; each record a dict of its fields as text, in the server's order.
        ApiOutput::Generic(result) => {
            let dict = PyDict::new(py);
            dict.set_item("account_id", result.account_id)?;
            dict.set_item("total", result.total)?;
            dict.set_item("bad", result.bad)?;
            dict.set_item("key", result.key)?;
            dict.set_item("error", result.error)?;
            let records = result.records.into_iter().map(|r| r.0.into_py_dict(py));
            dict.set_item("records", records.collect::<PyResult<Vec<_>>>()?)?;
            dict.into_any().unbind()
        }
    })
}

/// `url` with the values of `token` and `password` shown as `***`, safe to log.
#[pyfunction]
pub(crate) fn redact_url(url: &str) -> String {
    contactnow_core::redact_url(url)
}

/// Builds the request for `operation` (`priority.create`, ..., `token.validate`) from
/// `input` (the keys of the test vectors: `records`, `agent_id`, `policy_id`, ...); plain
/// http to a host that is not loopback needs `allow_insecure_http`, as in the client.
#[pyfunction]
#[pyo3(signature = (operation, input = None, *, token = None, base_url = None, format = "json", allow_insecure_http = false))]
pub(crate) fn build_request<'py>(
    py: Python<'py>,
    operation: &str,
    input: Option<&Bound<'_, PyAny>>,
    token: Option<&str>,
    base_url: Option<&str>,
    format: &str,
    allow_insecure_http: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let call = api_call(py, operation, input)?;
    let format = format.parse::<contactnow_core::Format>().map_err(to_py(py))?;
    request(py, &call.request(token, base_url, format, allow_insecure_http).map_err(to_py(py))?)
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
    let format = format.parse::<contactnow_core::Format>().map_err(to_py(py))?;
    let body = value::bytes(body, "body")?;
    let response = HttpResponse { status, content_type: content_type.map(str::to_owned), body, retry_after: None };
    let parsed = py.detach(|| call.parse_response_scrubbed(format, &response));
    output(py, parsed.map_err(to_py(py))?)
}
