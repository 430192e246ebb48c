//! Parameters and payloads as a PHP endpoint reads them: the query string, urlencoded and
//! multipart POST bodies (POST over GET), the payload as an `easycall` file or variable,
//! chunked bodies, `Expect: 100-continue`, no Content-Type, unknown parameters, and
//! malformed multipart bodies.
#![allow(clippy::unwrap_used)]

mod common;
use std::{
    io::{Read, Write},
    net::TcpStream,
    time::Duration,
};

use common::*;

const BOUNDARY: &str = "----contactnow-test-7MA4YWxkTrZu0gW";
const MULTIPART: &str = "multipart/form-data; boundary=----contactnow-test-7MA4YWxkTrZu0gW";
const FORM: &str = "application/x-www-form-urlencoded";

/// One part of a multipart body: a variable, or a file when `file_name` is set.
struct Part<'a> {
    name: &'a str,
    file_name: Option<&'a str>,
    value: &'a str,
}

fn field<'a>(name: &'a str, value: &'a str) -> Part<'a> {
    Part { name, file_name: None, value }
}

fn file<'a>(name: &'a str, file_name: &'a str, value: &'a str) -> Part<'a> {
    Part { name, file_name: Some(file_name), value }
}

/// A `multipart/form-data` body as `curl -F` sends it, with [`BOUNDARY`].
fn multipart(parts: &[Part<'_>]) -> String {
    let mut body = String::new();
    for part in parts {
        body.push_str(&format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{}\"", part.name));
        match part.file_name {
            Some(file_name) => {
                body.push_str(&format!("; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n"))
            }
            None => body.push_str("\r\n"),
        }
        body.push_str(&format!("\r\n{}\r\n", part.value));
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    body
}

fn database(sb: &Sandbox, query: &str) -> String {
    format!("{}/database.php?{query}", sb.base_url())
}

/// The agent ids of a priority read's list.
fn agents(answer: &serde_json::Value) -> Vec<String> {
    answer["list"].as_array().unwrap().iter().map(|r| r["agentid"].as_str().unwrap().to_owned()).collect()
}

fn host(sb: &Sandbox) -> String {
    sb.base_url().trim_start_matches("http://").to_owned()
}

fn connect(sb: &Sandbox) -> TcpStream {
    let stream = TcpStream::connect(host(sb)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream
}

/// Status line and body of the one response on `stream`, read until the server closes
/// (requests here send `Connection: close`).
fn response(stream: &mut TcpStream) -> (String, String) {
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8(buf).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no header end: {text:?}"));
    (head.lines().next().unwrap().to_owned(), body.to_owned())
}

/// `body` as chunks of at most `size` bytes in chunked transfer coding.
fn chunked(body: &str, size: usize) -> String {
    let mut out = String::new();
    for chunk in body.as_bytes().chunks(size) {
        out.push_str(&format!("{:x}\r\n{}\r\n", chunk.len(), std::str::from_utf8(chunk).unwrap()));
    }
    out.push_str("0\r\n\r\n");
    out
}

#[test]
fn read_filters_as_multipart_fields() {
    let sb = start(Seed::Demo);
    let a = agent();
    // 8x8's PHP wrapper: raw=1 in the query, the filters (and an extra campaign) as fields.
    let url = database(&sb, &format!("token={}&method=priority&action=read&raw=1", sb.token()));
    let body = multipart(&[field("agent", "1234"), field("campaign", "5")]);
    let answer = post(&a, &url, MULTIPART, &body).json();
    assert_eq!(answer["total"], 2, "{answer}");
    assert_eq!(agents(&answer), ["1234", "1234"]);
    let body = multipart(&[field("agent", "1234"), field("qid", "1007")]);
    let answer = post(&a, &url, MULTIPART, &body).json();
    assert_eq!(answer["list"], serde_json::json!([{"agentid": "1234", "qid": "1007", "level": "0"}]));
    // Every parameter as a field, none in the query; format=xml from a field selects XML.
    let body = multipart(&[
        field("token", &sb.token()),
        field("method", "tod_policy"),
        field("action", "read"),
        field("format", "xml"),
        field("policy", "2170"),
    ]);
    let answer = post(&a, &format!("{}/database.php", sb.base_url()), MULTIPART, &body);
    assert!(answer.content_type.starts_with("text/xml"), "{answer:?}");
    assert!(answer.body.contains("<total>1</total>"), "{}", answer.body);
    assert!(answer.body.contains("<uid>2170</uid><description>Lunch</description>"), "{}", answer.body);
    // A bad filter in a field is refused like one in the query.
    let answer = post(&a, &url, MULTIPART, &multipart(&[field("agent", "abc")])).json();
    assert_eq!(answer["success"], false);
    assert!(answer["error"].as_str().unwrap().starts_with("Invalid agent filter"), "{answer}");
    // The log shows the fields, with the token redacted.
    let logged = &sb.requests()[2].body;
    assert!(logged.contains("name=\"token\"\r\n\r\n***\r\n") && !logged.contains(&sb.token()), "{logged}");
    assert!(logged.contains("name=\"policy\"\r\n\r\n2170\r\n"), "{logged}");
}

#[test]
fn read_filters_as_urlencoded_body() {
    let sb = start(Seed::Demo);
    let a = agent();
    let url = database(&sb, &format!("token={}&method=priority&action=read", sb.token()));
    let answer = post(&a, &url, FORM, "agent=1235").json();
    assert_eq!(agents(&answer), ["1235", "1235"]);
    // With raw=1 in the query too (a read has no payload, so the body is variables).
    let answer = post(&a, &format!("{url}&raw=1"), FORM, "qid=1301").json();
    assert_eq!(answer["total"], 3, "{answer}");
    // Everything in the body, a charset parameter on the content type.
    let body = format!("token={}&method=tod_policy&action=read&policy=2175", sb.token());
    let answer =
        post(&a, &format!("{}/database.php", sb.base_url()), "application/x-www-form-urlencoded; charset=UTF-8", &body);
    assert_eq!(answer.json()["list"][0]["default"], "jump:1300", "{}", answer.body);
    assert!(sb.requests()[2].body.starts_with("token=***&method=tod_policy"), "{:?}", sb.requests()[2]);
}

#[test]
fn post_overrides_get() {
    let sb = start(Seed::Demo);
    let a = agent();
    // GET says agent 1235 and XML; POST says agent 1234 and JSON: POST wins.
    let url = database(&sb, &format!("token={}&method=priority&action=read&agent=1235&format=xml", sb.token()));
    let answer = post(&a, &url, FORM, "agent=1234&format=json");
    assert_eq!(answer.content_type, "application/json");
    assert_eq!(agents(&answer.json()), ["1234", "1234"]);
    let answer = post(&a, &url, MULTIPART, &multipart(&[field("agent", "1236"), field("format", "json")])).json();
    assert_eq!(agents(&answer), ["1236", "1236"]);
    // A POST variable overrides an invalid GET one, and an empty POST value clears the filter.
    let bad = database(&sb, &format!("token={}&method=priority&action=read&agent=nope", sb.token()));
    assert_eq!(post(&a, &bad, FORM, "agent=1240").json()["total"], 2);
    assert_eq!(post(&a, &bad, MULTIPART, &multipart(&[field("agent", "")])).json()["total"], 12);
    // A POSTed token overrides a wrong one in the query.
    let wrong = database(&sb, "token=wrong&method=priority&action=read");
    assert_eq!(post(&a, &wrong, FORM, &format!("token={}", sb.token())).json()["total"], 12);
    // Within one source the last value wins: the query's own repeat, and the body's.
    let twice = database(&sb, &format!("token={}&method=priority&action=read&agent=1&agent=1241", sb.token()));
    assert_eq!(agents(&get(&a, &twice).json()), ["1241", "1241"]);
    assert_eq!(agents(&post(&a, &twice, FORM, "agent=1&agent=1250").json()), ["1250", "1250"]);
    let body = multipart(&[field("agent", "1"), field("agent", "1235")]);
    assert_eq!(agents(&post(&a, &twice, MULTIPART, &body).json()), ["1235", "1235"]);
}

#[test]
fn payload_as_easycall_multipart_file_without_raw() {
    let sb = start(Seed::Empty);
    let a = agent();
    let create = database(&sb, &format!("token={}&method=priority&action=create", sb.token()));
    let records = r#"[{"agentid":"1234","qid":"1300","level":"100"},{"agentid":"1235","qid":"1300","level":"90"}]"#;
    let answer = post(&a, &create, MULTIPART, &multipart(&[file("easycall", "priority.json", records)])).json();
    assert_eq!(
        (answer["success"].clone(), answer["total"].clone(), answer["bad"].clone()),
        (true.into(), 2.into(), 0.into())
    );
    let read = database(&sb, &format!("token={}&method=priority&action=read&qid=1300", sb.token()));
    assert_eq!(agents(&get(&a, &read).json()), ["1234", "1235"]);
    // Parameters as fields next to the file; the XML form, tod_policy.
    let xml = "<dxi><tod_policy><description>Night</description><default>hangup</default></tod_policy></dxi>";
    let body = multipart(&[
        field("token", &sb.token()),
        field("method", "tod_policy"),
        field("action", "create"),
        field("format", "xml"),
        field("campaign", "5"),
        file("easycall", "policy.xml", xml),
    ]);
    let answer = post(&a, &format!("{}/database.php", sb.base_url()), MULTIPART, &body);
    assert!(answer.body.contains("<success>1</success>") && answer.body.contains("<key>2179</key>"), "{}", answer.body);
    // raw=1 does not change a multipart request: the file is still the payload.
    let update = database(&sb, &format!("token={}&method=priority&action=update&raw=1", sb.token()));
    let level = r#"[{"agentid":"1235","qid":"1300","level":"7"}]"#;
    assert_eq!(post(&a, &update, MULTIPART, &multipart(&[file("easycall", "u.json", level)])).json()["total"], 1);
    // The payload as a variable: an easycall field, multipart or urlencoded.
    let one = r#"[{"agentid":"1236","qid":"1300","level":"5"}]"#;
    assert_eq!(post(&a, &create, MULTIPART, &multipart(&[field("easycall", one)])).json()["total"], 1);
    let encoded: String = form_urlencoded_value(r#"[{"agentid":"1240","qid":"1300","level":"5"}]"#);
    assert_eq!(post(&a, &create, FORM, &format!("easycall={encoded}")).json()["total"], 1);
    let answer = get(&a, &read).json();
    assert_eq!(agents(&answer), ["1234", "1235", "1236", "1240"]);
    assert_eq!(answer["list"][1]["level"], "7");
    // A file under another name is not the payload, nor a variable.
    let answer = post(&a, &create, MULTIPART, &multipart(&[file("upload", "x.json", one)])).json();
    assert_eq!(
        answer["error"],
        "Missing payload: send the records as the raw request body (raw=1) or as an easycall file"
    );
    let answer = post(&a, &read, MULTIPART, &multipart(&[file("agent", "a.txt", "1234")])).json();
    assert_eq!(answer["total"], 4, "a file named agent is no filter: {answer}");
}

/// Percent-encodes everything but unreserved characters.
fn form_urlencoded_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn chunked_bodies_are_read_whole() {
    let sb = start(Seed::Demo);
    let token = sb.token().to_owned();
    // A chunked multipart read, cut in 7-byte chunks (boundaries split across chunks).
    let body = multipart(&[field("agent", "1241"), field("campaign", "5")]);
    let mut stream = connect(&sb);
    write!(
        stream,
        "POST /database.php?token={token}&method=priority&action=read&raw=1 HTTP/1.1\r\nHost: x\r\n\
         Content-Type: {MULTIPART}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{}",
        chunked(&body, 7)
    )
    .unwrap();
    let (status, body) = response(&mut stream);
    assert_eq!(status, "HTTP/1.1 200 OK");
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(agents(&answer), ["1241", "1241"]);
    // A chunked easycall upload without raw.
    let records = r#"[{"agentid":"1300","qid":"1301","level":"1"}]"#;
    let body = multipart(&[file("easycall", "p.json", records)]);
    let mut stream = connect(&sb);
    write!(
        stream,
        "POST /database.php?token={token}&method=priority&action=create HTTP/1.1\r\nHost: x\r\n\
         Content-Type: {MULTIPART}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{}",
        chunked(&body, 16)
    )
    .unwrap();
    let (_, body) = response(&mut stream);
    assert!(body.contains(r#""total":1"#), "{body}");
    // A chunked urlencoded read and a chunked raw JSON write.
    let mut stream = connect(&sb);
    write!(
        stream,
        "POST /database.php?token={token}&method=priority&action=read HTTP/1.1\r\nHost: x\r\n\
         Content-Type: {FORM}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{}",
        chunked("agent=1300", 3)
    )
    .unwrap();
    let (_, body) = response(&mut stream);
    assert!(body.starts_with(r#"{"success":true,"total":1,"#), "{body}");
    let mut stream = connect(&sb);
    write!(
        stream,
        "POST /database.php?token={token}&method=priority&action=create&raw=1 HTTP/1.1\r\nHost: x\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{}",
        chunked(r#"[{"agentid":"1301","qid":"1301","level":"1"}]"#, 5)
    )
    .unwrap();
    let (_, body) = response(&mut stream);
    assert!(body.contains(r#""total":1"#), "{body}");
    assert_eq!(get(&agent(), &db_url(&sb, "priority", "read", "json", "&qid=1301")).json()["total"], 5);
}

#[test]
fn expect_100_continue_is_answered_before_the_body() {
    let sb = start(Seed::Empty);
    let records = r#"[{"agentid":"7","qid":"8","level":"9"}]"#;
    let body = multipart(&[field("token", &sb.token()), file("easycall", "p.json", records)]);
    let mut stream = connect(&sb);
    write!(
        stream,
        "POST /database.php?method=priority&action=create HTTP/1.1\r\nHost: x\r\n\
         Content-Type: {MULTIPART}\r\nContent-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    // The interim answer comes first, with nothing of the body sent yet.
    let mut interim = [0u8; 25];
    stream.read_exact(&mut interim).unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    stream.write_all(body.as_bytes()).unwrap();
    let (status, answer) = response(&mut stream);
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(answer.contains(r#""success":true"#) && answer.contains(r#""total":1"#), "{answer}");
    // A raw write with Expect (what curl sends for large -d bodies) works the same way.
    let raw = r#"[{"agentid":"7","qid":"9","level":"9"}]"#;
    let mut stream = connect(&sb);
    write!(
        stream,
        "POST /database.php?token={}&method=priority&action=create&raw=1 HTTP/1.1\r\nHost: x\r\n\
         Content-Type: {FORM}\r\nContent-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        sb.token(),
        raw.len()
    )
    .unwrap();
    stream.read_exact(&mut interim).unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    stream.write_all(raw.as_bytes()).unwrap();
    let (_, answer) = response(&mut stream);
    assert!(answer.contains(r#""total":1"#), "{answer}");
    assert_eq!(get(&agent(), &db_url(&sb, "priority", "read", "json", "&agent=7")).json()["total"], 2);
}

#[test]
fn a_body_without_content_type_is_the_payload() {
    let sb = start(Seed::Empty);
    let records = r#"[{"description":"Bare","default":"voicemail"}]"#;
    let mut stream = connect(&sb);
    write!(
        stream,
        "POST /database.php?token={}&method=tod_policy&action=create&raw=1 HTTP/1.1\r\nHost: x\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{records}",
        sb.token(),
        records.len()
    )
    .unwrap();
    let (status, answer) = response(&mut stream);
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(answer.contains(r#""key":2179"#), "{answer}");
    // A read without Content-Type and an empty body.
    let mut stream = connect(&sb);
    write!(
        stream,
        "POST /database.php?token={}&method=tod_policy&action=read HTTP/1.1\r\nHost: x\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n",
        sb.token()
    )
    .unwrap();
    let (_, answer) = response(&mut stream);
    assert!(answer.contains(r#""description":"Bare""#), "{answer}");
}

#[test]
fn unknown_parameters_are_ignored() {
    let sb = start(Seed::Demo);
    let a = agent();
    let extra = "&campaign=5&list%5B%5D=x&callback=&Agent=9";
    assert_eq!(get(&a, &db_url(&sb, "priority", "read", "json", &format!("{extra}&agent=1250"))).json()["total"], 2);
    let create = db_url(&sb, "priority", "create", "json", extra);
    let answer = post(&a, &create, "application/json", r#"[{"agentid":"1","qid":"2","level":"3"}]"#).json();
    assert_eq!(answer["total"], 1, "{answer}");
    let read = database(&sb, &format!("token={}&method=priority&action=read", sb.token()));
    let answer = post(&a, &read, FORM, "campaign=5&agent=1&unknown=yes").json();
    assert_eq!(agents(&answer), ["1"]);
    let answer = post(&a, &read, MULTIPART, &multipart(&[field("campaign", "5"), field("qid", "2")])).json();
    assert_eq!(agents(&answer), ["1"]);
    let token = format!("{}/token.php?action=get&username=demo&password=demo-password&campaign=5", sb.base_url());
    assert_eq!(get(&a, &token).json()["success"], true);
}

#[test]
fn malformed_multipart_is_refused_cleanly() {
    let sb = start(Seed::Demo);
    let a = agent();
    let create = database(&sb, &format!("token={}&method=priority&action=create", sb.token()));
    let good_record = r#"[{"agentid":"1","qid":"2","level":"3"}]"#;
    let unfinished = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"easycall\"\r\n\r\n{good_record}");
    let cases = [
        ("multipart/form-data".to_owned(), multipart(&[field("easycall", good_record)])),
        (MULTIPART.to_owned(), "this is not multipart".to_owned()),
        (MULTIPART.to_owned(), unfinished),
        (MULTIPART.to_owned(), format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"a\"")),
        ("multipart/form-data; boundary=other".to_owned(), multipart(&[field("easycall", good_record)])),
    ];
    for (content_type, body) in &cases {
        let answer = post(&a, &create, content_type, body);
        assert_eq!(answer.status, 400, "{content_type} {body:?}: {answer:?}");
        assert_eq!(answer.content_type, "application/json");
        let json = answer.json();
        assert_eq!(json["success"], false);
        assert!(json["error"].as_str().unwrap().starts_with("Malformed multipart/form-data body: "), "{json}");
        assert_eq!(json.as_object().unwrap().len(), 2, "{json}");
    }
    // XML error shape with format=xml; token.php answers JSON.
    let xml = post(&a, &format!("{create}&format=xml"), MULTIPART, "garbage");
    assert_eq!(xml.status, 400);
    assert!(xml.body.contains("<success>0</success><error>Malformed multipart/form-data body: "), "{}", xml.body);
    let token = post(&a, &format!("{}/token.php?action=get", sb.base_url()), MULTIPART, "garbage");
    assert_eq!(token.status, 400);
    assert!(
        token.json()["error"].as_str().unwrap().starts_with("Malformed multipart/form-data body: "),
        "{}",
        token.body
    );
    // Checked after the format and before the token.
    let no_token = database(&sb, "method=priority&action=create");
    assert_eq!(post(&a, &no_token, MULTIPART, "garbage").status, 400);
    let bad_format = post(&a, &format!("{create}&format=yaml"), MULTIPART, "garbage");
    assert_eq!(
        (bad_format.status, bad_format.json()["error"].clone()),
        (200, "Unknown format 'yaml'; expected json or xml".into())
    );
    // Nothing changed, the log does not show the body, and the server keeps serving.
    assert_eq!(get(&a, &db_url(&sb, "priority", "read", "json", "")).json()["total"], 12);
    let logged = &sb.requests()[1].body;
    assert!(
        logged.starts_with("<malformed multipart/form-data body of ") && !logged.contains("not multipart"),
        "{logged}"
    );
}

#[test]
fn multipart_bodies_are_bounded_by_the_body_limit() {
    let sb = Sandbox::start(Config { seed: Seed::Demo, max_body_bytes: 1024, ..Config::default() }).unwrap();
    let a = agent();
    let create = database(&sb, &format!("token={}&method=priority&action=create", sb.token()));
    let records: Vec<String> = (1..60).map(|i| format!(r#"{{"agentid":"{i}","qid":"1","level":"1"}}"#)).collect();
    let body = multipart(&[file("easycall", "big.json", &format!("[{}]", records.join(",")))]);
    assert!(body.len() > 1024);
    let answer = post(&a, &create, MULTIPART, &body);
    assert_eq!(answer.status, 413);
    assert_eq!(answer.json()["error"], "Request body too large: the limit is 1024 bytes");
    // Chunked (no Content-Length), the limit holds too.
    let mut stream = connect(&sb);
    write!(
        stream,
        "POST /database.php?token={}&method=priority&action=create HTTP/1.1\r\nHost: x\r\n\
         Content-Type: {MULTIPART}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{}",
        sb.token(),
        chunked(&body, 100)
    )
    .unwrap();
    let (status, _) = response(&mut stream);
    assert_eq!(status, "HTTP/1.1 413 Payload Too Large");
    // Within the limit it is applied.
    let small = multipart(&[file("easycall", "small.json", &format!("[{}]", records[..3].join(",")))]);
    assert_eq!(post(&a, &create, MULTIPART, &small).json()["total"], 3);
    assert_eq!(get(&a, &db_url(&sb, "priority", "read", "json", "")).json()["total"], 15);
}
