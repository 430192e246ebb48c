//! The token and the password never appear in `Debug` or `Display` of the client, its
//! builder or any error, on every failure path.
#![allow(clippy::unwrap_used)]

mod common;

use std::{
    io::{Read, Write},
    net::TcpListener,
    time::Duration,
};

use common::{json, FakeServer, Reply};
use contactnow::{Client, ClientBuilder, ErrorKind, RetryPolicy};

/// Contains characters that are percent-encoded in the URL.
const TOKEN: &str = "tok-SECRET-4242/+=";
const PASSWORD: &str = "pw-SECRET-99&x";

fn assert_clean(what: &str, text: &str) {
    for needle in ["tok-SECRET-4242", "pw-SECRET-99", "SECRET"] {
        assert!(!text.contains(needle), "{what} leaks {needle:?}: {text}");
    }
}

fn check(what: &str, err: &contactnow::Error) {
    eprintln!("{what}: {err}");
    assert_clean(what, &format!("{err}"));
    assert_clean(what, &format!("{err:?}"));
}

fn quick(base_url: &str) -> ClientBuilder {
    Client::builder()
        .base_url(base_url)
        .token(TOKEN)
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_millis(300))
        .total_timeout(Duration::from_secs(3))
        .retry(RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(5),
        })
}

#[test]
fn client_and_builder_debug() {
    let builder = quick("http://127.0.0.1:1").proxy("http://user:SECRET@127.0.0.1:3128");
    assert_clean("builder", &format!("{builder:?}"));
    let client = builder.build().unwrap();
    assert_clean("client", &format!("{client:?}"));
    let builder = quick("http://127.0.0.1:1").credentials("api-user", PASSWORD);
    assert_clean("builder", &format!("{builder:?}"));
    let client = builder.build().unwrap();
    let text = format!("{client:?}");
    assert_clean("client", &text);
    assert!(text.contains("api-user"));
}

#[test]
fn connection_refused() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let err = quick(&format!("http://127.0.0.1:{port}")).build().unwrap().read_assignments(None, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    check("refused", &err);
}

#[test]
fn dns_failure() {
    let err = quick("https://contactnow-sdk-test.invalid").build().unwrap().read_policies(None).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Transport | ErrorKind::Timeout), "{err}");
    assert!(!err.outcome_unknown());
    check("dns", &err);
    let client = quick("https://contactnow-sdk-test.invalid").build().unwrap();
    let err =
        client.create_policies(&[contactnow::NewTodPolicy::new("x", contactnow::DefaultAction::Queue)]).unwrap_err();
    assert!(!err.outcome_unknown(), "a failed lookup proves nothing was sent: {err}");
}

#[test]
fn timeout_without_answer() {
    // Accepts the connection (backlog) but never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let err = quick(&url).build().unwrap().read_assignments(Some(1), None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    check("timeout", &err);
    drop(listener);
}

#[test]
fn tls_failure_against_plain_tcp() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut buf = [0u8; 1024];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let client = quick(&url).build().unwrap();
    let err = client.read_assignments(None, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    check("tls", &err);
    // A handshake failure proves the request was not sent: not "unknown" even for a create.
    let err =
        client.create_policies(&[contactnow::NewTodPolicy::new("x", contactnow::DefaultAction::Queue)]).unwrap_err();
    assert!(!err.outcome_unknown(), "{err}");
    check("tls create", &err);
}

#[test]
fn status_body_echoing_the_url_and_token() {
    let server = FakeServer::start(|req, _| {
        let raw = common::query(&req.target, "token").unwrap_or_default().to_owned();
        let decoded = raw.replace("%2F", "/").replace("%2B", "+").replace("%3D", "=");
        json(502, &format!("upstream failed for {} (token {decoded}, {raw})", req.target))
    });
    let err = quick(&server.base_url).build().unwrap().read_assignments(None, None).unwrap_err();
    assert_eq!(err.status(), Some(502));
    check("502", &err);
}

#[test]
fn api_error_echoing_the_token() {
    let server = FakeServer::start(|_, _| json(200, r#"{"success":false,"error":"Invalid token tok-SECRET-4242/+="}"#));
    let err = quick(&server.base_url).build().unwrap().read_assignments(None, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    check("api", &err);
    let server = FakeServer::start(|_, _| json(200, r#"<html>token=tok-SECRET-4242%2F%2B%3D</html>"#));
    let err = quick(&server.base_url).build().unwrap().read_assignments(None, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    check("decode", &err);
}

#[test]
fn token_endpoint_errors_hide_the_password() {
    let server = FakeServer::start(|req, _| {
        if req.target.contains("token.php") {
            Reply::Respond(500, vec![], format!("failed: {} pw-SECRET-99&x", req.target).into_bytes())
        } else {
            json(200, "{}")
        }
    });
    let client = quick(&server.base_url).credentials("api-user", PASSWORD).build().unwrap();
    let err = client.read_policies(None).unwrap_err();
    assert_eq!(err.status(), Some(500));
    check("token.php", &err);
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = quick(&format!("http://127.0.0.1:{port}")).credentials("api-user", PASSWORD).build().unwrap();
    check("token.php refused", &client.read_policies(None).unwrap_err());
}
