//! Request parameters as the PHP endpoint reads them, and where a write's payload comes from.
//!
//! Parameters are the query string (`$_GET`) followed by the POST variables of an
//! `application/x-www-form-urlencoded` or `multipart/form-data` body (`$_POST`); the last
//! value of a name wins, so a POST variable overrides a GET one (`$_REQUEST`). A write's
//! payload is the raw body, or, when the body was read as variables, an `easycall` file part,
//! else an `easycall` (or `data`) variable.

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;

/// Name of the multipart file (or form variable) that carries a write's payload.
const PAYLOAD_FIELD: &str = "easycall";
/// Earlier sandbox name of the payload variable, still accepted after `easycall`.
const OLD_PAYLOAD_FIELD: &str = "data";
/// Characters of one argument's value kept in the request log.
const MAX_RECORDED_PARAM: usize = 4096;
/// Parameters whose values never show in the request log.
const SECRETS: [&str; 2] = ["token", "password"];

/// The request's parameters in arrival order, GET then POST; the last value of a name wins.
#[derive(Debug, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    /// The parameters of a query string (or of any urlencoded text).
    pub(crate) fn from_query(query: &str) -> Self {
        Self(form_urlencoded::parse(query.as_bytes()).into_owned().collect())
    }

    /// The value PHP would see for `name`: the last one given.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The arguments as the server sees them (the last value of each name, in the order of
    /// first appearance), `token` and `password` values as `***`: for the request log.
    pub(crate) fn effective(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for (name, _) in &self.0 {
            if out.iter().any(|(n, _)| n == name) {
                continue;
            }
            let value = if SECRETS.contains(&name.as_str()) { "***" } else { self.get(name).unwrap_or_default() };
            let value = match value.char_indices().nth(MAX_RECORDED_PARAM) {
                Some((cut, _)) => format!("{}…", &value[..cut]),
                None => value.to_owned(),
            };
            out.push((name.clone(), value));
        }
        out
    }

    /// Whether `name` is set in PHP's sense: present, not empty and not `0`.
    fn is_set(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| !v.is_empty() && v != "0")
    }
}

/// Why the body could not be used; the request is answered with an error, nothing changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BodyProblem {
    /// Over the size limit (HTTP 413).
    TooLarge,
    /// A multipart body that does not parse (HTTP 400), with the reason.
    Malformed(String),
}

/// A request's parameters and payload, read from its query string and body.
#[derive(Debug)]
pub(crate) struct Parsed {
    /// GET then POST variables.
    pub(crate) params: Params,
    /// A write's records, as sent (empty when there are none).
    pub(crate) payload: Vec<u8>,
    /// The body for the request log: lossy UTF-8, capped, `token`/`password` values as `***`.
    pub(crate) recorded_body: String,
    /// Set when the body could not be used.
    pub(crate) problem: Option<BodyProblem>,
}

impl Parsed {
    /// A body over `limit` bytes, not read: only the query string counts.
    pub(crate) fn too_large(query: Params, limit: usize) -> Self {
        Self {
            params: query,
            payload: Vec::new(),
            recorded_body: format!("<{limit}+ bytes, over the limit, not read>"),
            problem: Some(BodyProblem::TooLarge),
        }
    }
}

/// How a request's body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Largest body (already enforced while reading it; multipart parsing checks it again).
    pub(crate) body: usize,
    /// Longest body text kept in the request log.
    pub(crate) recorded: usize,
}

/// The body's kind, from its `Content-Type` media type (case-insensitive, parameters aside).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    Urlencoded,
    Multipart,
    Other,
}

fn body_kind(content_type: Option<&str>) -> BodyKind {
    let essence = content_type.and_then(|ct| ct.split(';').next()).unwrap_or_default().trim();
    if essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        BodyKind::Urlencoded
    } else if essence.eq_ignore_ascii_case("multipart/form-data") {
        BodyKind::Multipart
    } else {
        BodyKind::Other
    }
}

/// Reads a request: `query` holds the query string's parameters, `post` says whether the
/// HTTP method is POST (PHP reads POST variables from POST bodies only).
///
/// An urlencoded body is read as variables unless it is a raw write's payload (`raw` set and
/// `action` create or update in the query string: what `curl -d` sends). A multipart body is
/// always read as variables (PHP gives a script no raw multipart body); a malformed one is a
/// [`BodyProblem::Malformed`]. Any other body (or none, or no Content-Type) is the payload.
pub(crate) async fn read(query: Params, content_type: Option<&str>, post: bool, body: Bytes, limits: Limits) -> Parsed {
    let raw_write = query.is_set("raw") && matches!(query.get("action"), Some("create" | "update"));
    let kind = if post { body_kind(content_type) } else { BodyKind::Other };
    match kind {
        BodyKind::Urlencoded if !raw_write => {
            let recorded = redact(&lossy_prefix(&body, limits.recorded));
            let mut params = query;
            params.0.extend(form_urlencoded::parse(&body).into_owned());
            let payload = payload_variable(&params);
            Parsed { params, payload, recorded_body: recorded, problem: None }
        }
        BodyKind::Multipart => {
            match read_multipart(content_type.unwrap_or_default(), body.clone(), limits.body).await {
                Ok((boundary, parts)) => {
                    let recorded = cap(record_multipart(&boundary, &parts), limits.recorded);
                    let mut params = query;
                    let mut file = None;
                    for part in parts {
                        match part {
                            // Files are `$_FILES`, not variables; the last `easycall` one wins.
                            Part { name, file_name: Some(_), data, .. } => {
                                if name == PAYLOAD_FIELD {
                                    file = Some(data);
                                }
                            }
                            Part { name, file_name: None, data, .. } => {
                                params.0.push((name, String::from_utf8_lossy(&data).into_owned()));
                            }
                        }
                    }
                    let payload = file.map(|f| f.to_vec()).unwrap_or_else(|| payload_variable(&params));
                    Parsed { params, payload, recorded_body: recorded, problem: None }
                }
                Err(why) => Parsed {
                    params: query,
                    payload: Vec::new(),
                    recorded_body: format!("<malformed multipart/form-data body of {} bytes, not shown>", body.len()),
                    problem: Some(BodyProblem::Malformed(why)),
                },
            }
        }
        BodyKind::Urlencoded | BodyKind::Other => Parsed {
            recorded_body: lossy_prefix(&body, limits.recorded),
            params: query,
            payload: body.to_vec(),
            problem: None,
        },
    }
}

/// The payload sent as a variable: `easycall`, else `data`; empty when neither is there.
fn payload_variable(params: &Params) -> Vec<u8> {
    params.get(PAYLOAD_FIELD).or_else(|| params.get(OLD_PAYLOAD_FIELD)).unwrap_or_default().as_bytes().to_vec()
}

/// One named part of a multipart body (PHP ignores parts without a name).
struct Part {
    name: String,
    /// Set (possibly empty) for a file part.
    file_name: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

/// Parses a multipart body with `multer`, within `limit` bytes; the boundary and the named
/// parts in order, or why it is malformed.
async fn read_multipart(content_type: &str, body: Bytes, limit: usize) -> Result<(String, Vec<Part>), String> {
    let malformed = |e: multer::Error| format!("Malformed multipart/form-data body: {e}");
    let boundary = multer::parse_boundary(content_type).map_err(malformed)?;
    if body.is_empty() {
        // No body at all: no variables (PHP does not complain either).
        return Ok((boundary, Vec::new()));
    }
    let limit = u64::try_from(limit).unwrap_or(u64::MAX);
    let constraints =
        multer::Constraints::new().size_limit(multer::SizeLimit::new().whole_stream(limit).per_field(limit));
    let stream = Full::new(body).into_data_stream();
    let mut multipart = multer::Multipart::with_constraints(stream, boundary.clone(), constraints);
    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().map(str::to_owned);
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(ToString::to_string);
        let data = field.bytes().await.map_err(malformed)?;
        if let Some(name) = name {
            parts.push(Part { name, file_name, content_type, data });
        }
    }
    Ok((boundary, parts))
}

/// The multipart body re-encoded for the log (named parts only, in order), with the values
/// of `token` and `password` parts as `***`.
fn record_multipart(boundary: &str, parts: &[Part]) -> String {
    let mut out = String::new();
    for part in parts {
        out.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"", part.name));
        if let Some(file_name) = &part.file_name {
            out.push_str(&format!("; filename=\"{file_name}\""));
        }
        out.push_str("\r\n");
        if let Some(content_type) = &part.content_type {
            out.push_str(&format!("Content-Type: {content_type}\r\n"));
        }
        out.push_str("\r\n");
        if SECRETS.contains(&part.name.as_str()) {
            out.push_str("***");
        } else {
            out.push_str(&String::from_utf8_lossy(&part.data));
        }
        out.push_str("\r\n");
    }
    out.push_str(&format!("--{boundary}--\r\n"));
    out
}

/// The first `limit` bytes of `body` as lossy UTF-8.
fn lossy_prefix(body: &[u8], limit: usize) -> String {
    String::from_utf8_lossy(&body[..body.len().min(limit)]).into_owned()
}

/// `text` cut to at most `limit` bytes, at a character boundary.
fn cap(mut text: String, limit: usize) -> String {
    if text.len() > limit {
        let mut end = limit;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// Urlencoded text with the values of `token` and `password` replaced by `***` (names are
/// compared decoded, so `tok%65n` counts too).
pub(crate) fn redact(encoded: &str) -> String {
    encoded
        .split('&')
        .map(|pair| {
            let key = pair.split('=').next().unwrap_or_default();
            let decoded: String = form_urlencoded::parse(key.as_bytes()).map(|(k, _)| k.into_owned()).collect();
            if SECRETS.contains(&decoded.as_str()) {
                format!("{key}=***")
            } else {
                pair.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const LIMITS: Limits = Limits { body: 1 << 20, recorded: 64 * 1024 };

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
    }

    fn read_now(query: &str, content_type: Option<&str>, post: bool, body: &'static [u8]) -> Parsed {
        block_on(read(Params::from_query(query), content_type, post, Bytes::from_static(body), LIMITS))
    }

    #[test]
    fn redaction() {
        assert_eq!(
            redact("token=abc&method=priority&password=p%40ss&tok%65n=x"),
            "token=***&method=priority&password=***&tok%65n=***"
        );
        assert_eq!(redact(""), "");
    }

    #[test]
    fn last_value_wins_and_post_overrides_get() {
        let parsed =
            read_now("agent=1&agent=2&qid=7", Some("application/x-www-form-urlencoded"), true, b"agent=3&extra=x");
        assert_eq!(parsed.params.get("agent"), Some("3"));
        assert_eq!(parsed.params.get("qid"), Some("7"));
        assert_eq!(parsed.params.get("missing"), None);
        assert!(parsed.problem.is_none());
    }

    #[test]
    fn content_types_are_matched_case_insensitively_with_parameters() {
        assert_eq!(body_kind(Some("Application/X-WWW-Form-Urlencoded; charset=UTF-8")), BodyKind::Urlencoded);
        assert_eq!(body_kind(Some(" multipart/form-data ; boundary=x")), BodyKind::Multipart);
        assert_eq!(body_kind(Some("application/json")), BodyKind::Other);
        assert_eq!(body_kind(None), BodyKind::Other);
    }

    #[test]
    fn a_raw_write_body_is_the_payload_even_as_a_form() {
        let body = br#"[{"agentid":"1","qid":"2","level":"3"}]"#;
        let parsed = read_now("raw=1&action=create", Some("application/x-www-form-urlencoded"), true, body);
        assert_eq!(parsed.payload, body);
        // A read with raw=1 still reads its form body as variables.
        let parsed = read_now("raw=1&action=read", Some("application/x-www-form-urlencoded"), true, b"agent=5");
        assert_eq!(parsed.params.get("agent"), Some("5"));
        // raw=0 is not set, as in PHP.
        let parsed =
            read_now("raw=0&action=create", Some("application/x-www-form-urlencoded"), true, b"easycall=%5B%5D");
        assert_eq!(parsed.payload, b"[]");
    }

    #[test]
    fn only_post_bodies_are_variables() {
        let parsed = read_now("", Some("application/x-www-form-urlencoded"), false, b"agent=5");
        assert_eq!(parsed.params.get("agent"), None);
        assert_eq!(parsed.payload, b"agent=5");
    }

    #[test]
    fn multipart_fields_files_and_the_log() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\nsecret\r\n\
            --b\r\nContent-Disposition: form-data; name=\"agent\"\r\n\r\n1234\r\n\
            --b\r\nContent-Disposition: form-data; name=\"qid\"; filename=\"q.txt\"\r\n\r\n99\r\n\
            --b\r\nContent-Disposition: form-data; name=\"easycall\"; filename=\"a.json\"\r\n\
            Content-Type: application/json\r\n\r\n[1]\r\n\
            --b\r\nContent-Disposition: form-data\r\n\r\nnameless\r\n--b--\r\n";
        let parsed = read_now("qid=1", Some("multipart/form-data; boundary=b"), true, body);
        assert!(parsed.problem.is_none(), "{:?}", parsed.problem);
        assert_eq!(parsed.params.get("agent"), Some("1234"));
        // A file part is not a variable.
        assert_eq!(parsed.params.get("qid"), Some("1"));
        assert_eq!(parsed.payload, b"[1]");
        assert!(!parsed.recorded_body.contains("secret"), "{}", parsed.recorded_body);
        assert!(parsed
            .recorded_body
            .starts_with("--b\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\n***\r\n"));
        assert!(parsed
            .recorded_body
            .contains("name=\"easycall\"; filename=\"a.json\"\r\nContent-Type: application/json"));
        assert!(!parsed.recorded_body.contains("nameless"));
        assert!(parsed.recorded_body.ends_with("--b--\r\n"));
    }

    #[test]
    fn an_empty_multipart_body_has_no_parts() {
        let parsed = read_now("agent=1", Some("multipart/form-data; boundary=b"), true, b"");
        assert!(parsed.problem.is_none(), "{:?}", parsed.problem);
        assert_eq!(parsed.params.0.len(), 1);
        assert!(parsed.payload.is_empty());
        let parsed = read_now("", Some("multipart/form-data; boundary=b"), true, b"--b--\r\n");
        assert!(parsed.problem.is_none(), "{:?}", parsed.problem);
        assert!(parsed.params.0.is_empty());
    }

    #[test]
    fn malformed_multipart_is_a_problem_not_a_panic() {
        for (content_type, body) in [
            ("multipart/form-data", &b"--b\r\n\r\n--b--\r\n"[..]),
            ("multipart/form-data; boundary=b", b"no boundary at all"),
            ("multipart/form-data; boundary=b", b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunfinished"),
            ("multipart/form-data; boundary=b", b"--b\r\nno header end"),
        ] {
            let parsed = block_on(read(
                Params::from_query("agent=1"),
                Some(content_type),
                true,
                Bytes::copy_from_slice(body),
                LIMITS,
            ));
            match &parsed.problem {
                Some(BodyProblem::Malformed(why)) => {
                    assert!(why.starts_with("Malformed multipart/form-data body: "), "{why}")
                }
                other => panic!("{content_type} {body:?}: {other:?}"),
            }
            assert_eq!(parsed.params.get("agent"), Some("1"));
            assert!(parsed.payload.is_empty());
        }
    }

    #[test]
    fn the_log_is_capped_at_a_character_boundary() {
        assert_eq!(cap("aé".to_owned(), 2), "a");
        assert_eq!(cap("abc".to_owned(), 5), "abc");
    }
}

#[cfg(test)]
mod effective_tests {
    use super::*;

    #[test]
    fn the_log_shows_what_the_server_read_with_secrets_hidden() {
        let mut params = Params::from_query("token=T0KEN&method=priority&action=read&agent=1");
        params.0.push(("agent".into(), "2".into()));
        params.0.push(("password".into(), "pw".into()));
        params.0.push(("big".into(), "x".repeat(5000)));
        let shown = params.effective();
        assert_eq!(
            &shown[..4],
            &[
                ("token".to_owned(), "***".to_owned()),
                ("method".to_owned(), "priority".to_owned()),
                ("action".to_owned(), "read".to_owned()),
                ("agent".to_owned(), "2".to_owned()),
            ]
        );
        assert_eq!(shown[4], ("password".to_owned(), "***".to_owned()));
        assert_eq!(shown[5].1.chars().count(), MAX_RECORDED_PARAM + 1);
    }
}
