//! Plain HTTP values that cross the sans-IO boundary: what to send and what came back.

use std::fmt;

use crate::query::redact_url;

/// The HTTP method of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum), uniffi(name = "HttpMethod"))]
pub enum Method {
    /// Reads and token calls.
    Get,
    /// Writes: the body is the raw JSON or XML payload.
    Post,
}

impl Method {
    /// The method's name, `GET` or `POST`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request to send: method, full URL (which carries the token), headers and body.
///
/// `Debug` redacts the `token` and `password` query values.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// GET or POST.
    pub method: Method,
    /// The full URL including the secret query values; use [`HttpRequest::redacted_url`] to print.
    pub url: String,
    /// Header names and values (`Accept`, and `Content-Type` when there is a body).
    pub headers: Vec<(String, String)>,
    /// The raw body; empty for GET.
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// The URL with `token` and `password` values replaced by `***`, safe to log.
    pub fn redacted_url(&self) -> String {
        redact_url(&self.url)
    }

    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.redacted_url())
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

/// A response as received: status, `Content-Type` (if any) and body bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HttpResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The `Content-Type` header, if the server sent one.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub content_type: Option<String>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// The `Retry-After` header as sent, if any (read by the engine on a 429 or 503).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub retry_after: Option<String>,
}

impl HttpResponse {
    /// A response from its parts.
    pub fn new(status: u16, content_type: Option<&str>, body: impl Into<Vec<u8>>) -> Self {
        Self { status, content_type: content_type.map(str::to_owned), body: body.into(), retry_after: None }
    }

    /// The same response with a `Retry-After` header.
    #[must_use]
    pub fn with_retry_after(mut self, value: impl Into<String>) -> Self {
        self.retry_after = Some(value.into());
        self
    }
}
