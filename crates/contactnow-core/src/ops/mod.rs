//! Operations: one value per API action, each building its request and parsing its response.

use std::borrow::Cow;

pub mod any;
pub mod generic;
pub mod priority;
pub mod tod_policy;
pub mod token;

use crate::{
    query::push_param,
    wire::{envelope::Envelope, json_in, json_out, record::WireRecord, xml_in, xml_out},
    Endpoint, Error, Format, HttpRequest, HttpResponse, Method, Token,
};

/// An API call as a value: it builds its HTTP request and parses the HTTP response, with
/// no I/O of its own.
pub trait Operation {
    /// What a successful call returns.
    type Output;

    /// Builds the request for `endpoint`, authenticated by `token`, bodies in `format`.
    /// Invalid input is rejected here, before anything is sent.
    fn build_request(&self, endpoint: &Endpoint, token: &Token, format: Format) -> Result<HttpRequest, Error>;

    /// Parses the response to a request built in `format`.
    fn parse_response(&self, format: Format, response: &HttpResponse) -> Result<Self::Output, Error>;

    /// Whether sending the request again after a failure cannot change the outcome
    /// (reads, updates, priority creates); false for TOD policy creates, which duplicate.
    fn is_idempotent(&self) -> bool;

    /// Whether the request carries the session's token (false for the `token.php` calls,
    /// which carry their own credentials).
    fn needs_token(&self) -> bool {
        true
    }

    /// Secrets of the operation itself (a password, a token being validated), kept out of
    /// every error text along with the session's.
    fn secrets(&self) -> Vec<&str> {
        Vec::new()
    }

    /// The name events report, e.g. `priority.read` (method and action).
    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("operation")
    }

    /// How many records the request carries (0 for a read), for events.
    fn records(&self) -> usize {
        0
    }
}

impl<O: Operation + ?Sized> Operation for &O {
    type Output = O::Output;

    fn build_request(&self, endpoint: &Endpoint, token: &Token, format: Format) -> Result<HttpRequest, Error> {
        (**self).build_request(endpoint, token, format)
    }

    fn parse_response(&self, format: Format, response: &HttpResponse) -> Result<Self::Output, Error> {
        (**self).parse_response(format, response)
    }

    fn is_idempotent(&self) -> bool {
        (**self).is_idempotent()
    }

    fn needs_token(&self) -> bool {
        (**self).needs_token()
    }

    fn secrets(&self) -> Vec<&str> {
        (**self).secrets()
    }

    fn name(&self) -> Cow<'static, str> {
        (**self).name()
    }

    fn records(&self) -> usize {
        (**self).records()
    }
}

/// `database.php?token=..&method=..&action=..&format=..&raw=1`, plus `filters` as
/// `(wire name, field name, value)`: an invalid value is reported under its field name
/// (`agent_id`), the same as every other input, not its wire name (`agent`).
fn database_url(
    endpoint: &Endpoint,
    token: &Token,
    method: &str,
    action: &str,
    format: Format,
    filters: &[(&str, &str, Option<u64>)],
) -> Result<String, Error> {
    if token.is_empty() {
        return Err(Error::invalid("token", "must not be empty"));
    }
    let mut url = endpoint.script("database.php");
    push_param(&mut url, "token", token.expose());
    push_param(&mut url, "method", method);
    push_param(&mut url, "action", action);
    push_param(&mut url, "format", format.as_str());
    push_param(&mut url, "raw", "1");
    for (name, field, value) in filters {
        if let Some(value) = value {
            crate::model::check_id(|| (*field).to_owned(), *value)?;
            push_param(&mut url, name, &value.to_string());
        }
    }
    Ok(url)
}

/// A GET request for a read.
fn read_request(url: String, format: Format) -> HttpRequest {
    HttpRequest { method: Method::Get, url, headers: vec![("Accept".into(), accept(format).into())], body: Vec::new() }
}

/// A POST request whose body holds `records`, each given as `(field, value)` pairs.
fn write_request<K: AsRef<str>>(
    url: String,
    format: Format,
    xml_tag: &str,
    xml_layout: xml_out::Layout,
    records: impl ExactSizeIterator<Item = Vec<(K, String)>>,
) -> HttpRequest {
    let body = match format {
        Format::Json => json_out::encode(records),
        Format::Xml => xml_out::encode(xml_tag, xml_layout, records),
    };
    HttpRequest {
        method: Method::Post,
        url,
        headers: vec![("Content-Type".into(), format.content_type().into()), ("Accept".into(), accept(format).into())],
        body,
    }
}

fn accept(format: Format) -> &'static str {
    match format {
        Format::Json => "application/json",
        Format::Xml => "application/xml, text/xml",
    }
}

/// Rejects an empty batch.
fn check_batch<T>(records: &[T]) -> Result<(), Error> {
    if records.is_empty() {
        return Err(Error::invalid("records", "empty batch: at least one record is required"));
    }
    Ok(())
}

/// Checks the status, decodes the body in `format`, and turns a missing `success` into a
/// decode error and `success: false` into an API error: an `Ok` envelope said `success: true`.
///
/// A 4xx whose body is the API's own `success: false` envelope is that API error (an
/// expired token answered with a 401, say), the same on every path; any other non-2xx
/// answer is an [`Error::HttpStatus`].
fn decode<T: WireRecord>(format: Format, response: &HttpResponse) -> Result<Envelope<T>, Error> {
    let body = response.body.as_slice();
    if !(200..300).contains(&response.status) {
        if (400..500).contains(&response.status) {
            let envelope = match format {
                Format::Json => json_in::decode::<T>(body).ok(),
                Format::Xml => xml_in::decode::<T>(body).ok(),
            };
            if let Some(envelope) = envelope.filter(|e| e.success == Some(false)) {
                return Err(Error::Api(envelope.into_api_error()));
            }
        }
        return Err(Error::HttpStatus {
            status: response.status,
            excerpt: crate::error::excerpt(body),
            outcome_unknown: false,
        });
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::decode(format, "empty body", body));
    }
    let decoded = match format {
        Format::Json => json_in::decode(body),
        Format::Xml => xml_in::decode(body),
    };
    let envelope = decoded.map_err(|reason| {
        let ct = response.content_type.as_deref().unwrap_or("none");
        Error::decode(format, format!("{reason} (content type {ct})"), body)
    })?;
    match envelope.success {
        Some(true) => Ok(envelope),
        Some(false) => Err(Error::Api(envelope.into_api_error())),
        None => Err(Error::decode(format, "missing field success", body)),
    }
}
