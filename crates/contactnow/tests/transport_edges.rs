//! The transport at its edges, against raw loopback servers: an answer sent before the
//! request body was read (413 and close).
#![allow(clippy::unwrap_used)]

use std::{
    io::{BufRead, BufReader, Write},
    net::{TcpListener, TcpStream},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    thread,
    time::{Duration, Instant},
};

use contactnow::{Assignment, Client, DefaultAction, ErrorKind, NewTodPolicy, RetryPolicy};

/// A server running `serve` on each connection it accepts (counted), on its own thread.
struct RawServer {
    base_url: String,
    connections: Arc<AtomicUsize>,
}

impl RawServer {
    fn start(serve: impl Fn(TcpStream, Instant) + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let count = connections.clone();
        let serve = Arc::new(serve);
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let accepted = Instant::now();
                count.fetch_add(1, Ordering::SeqCst);
                let serve = serve.clone();
                thread::spawn(move || serve(stream, accepted));
            }
        });
        Self { base_url, connections }
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// Reads the request line and headers; returns the Content-Length.
fn read_head(reader: &mut BufReader<TcpStream>) -> usize {
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return length;
        }
        let line = line.trim_end();
        if line.is_empty() {
            return length;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
}

fn response(status: &str, body: &str) -> String {
    format!("HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len())
}

/// About 9 MB of JSON: more than the socket buffers of both ends hold (4 MB at most here).
fn big_batch() -> Vec<Assignment> {
    (0..200_000).map(|i| Assignment::new(1_000_000 + i, 2_000_000 + i, 100)).collect()
}

/// About 4 MB of policies.
fn big_policies() -> Vec<NewTodPolicy> {
    (0..80_000).map(|i| NewTodPolicy::new(format!("policy {i}"), DefaultAction::Voicemail)).collect()
}

fn client(server: &RawServer, timeout: Duration) -> Client {
    Client::builder()
        .base_url(&server.base_url)
        .token("tok-SECRET-4242")
        .timeout(timeout)
        .total_timeout(Duration::from_secs(20))
        .retry(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
        })
        .build()
        .unwrap()
}

/// Answers `413` as soon as the headers are in, and closes without reading the body (the
/// unread body makes the close a reset, and the client's writes fail).
fn early_413(stream: TcpStream, _: Instant) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    read_head(&mut reader);
    let mut stream = stream;
    let _ = stream.write_all(response("413 Payload Too Large", r#"{"error":"too large"}"#).as_bytes());
    let _ = stream.flush();
    thread::sleep(Duration::from_millis(50));
}

#[test]
fn an_answer_sent_before_the_body_was_read_is_the_answer() {
    let server = RawServer::start(early_413);
    let client = client(&server, Duration::from_secs(5));
    let started = Instant::now();
    let err = client.create_assignments(&big_batch()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::HttpStatus, "{err}");
    assert_eq!(err.status(), Some(413), "{err}");
    assert!(!err.outcome_unknown(), "{err}");
    assert!(err.to_string().contains("too large"), "{err}");
    assert_eq!(server.connections(), 1, "a 413 is not repeated");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());

    // A write that is not safe to repeat: the server said no, so nothing was applied.
    let err = client.create_policies(&big_policies()).unwrap_err();
    assert_eq!(err.status(), Some(413), "{err}");
    assert!(!err.outcome_unknown(), "{err}");
    assert_eq!(server.connections(), 2);
}

#[test]
fn a_close_without_an_answer_is_still_a_transport_failure() {
    // Reads the headers and closes: no status came back, so the write failure stands (and a
    // repeatable write is repeated).
    let server = RawServer::start(|stream, _| {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        read_head(&mut reader);
    });
    let client = client(&server, Duration::from_secs(5));
    let err = client.create_assignments(&big_batch()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert_eq!(server.connections(), 3, "{err}");
    let err = client.create_policies(&big_policies()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(err.outcome_unknown(), "{err}");
    assert_eq!(server.connections(), 4);
}

#[test]
fn a_socks_proxy_this_build_cannot_use_is_an_error_not_a_panic() {
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .token("tok-SECRET-4242")
        .proxy("socks5://127.0.0.1:1080")
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.create_policies(&[NewTodPolicy::new("x", DefaultAction::Queue)]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(!err.outcome_unknown(), "nothing was sent: {err}");
}
