//! The transport at its edges, against raw loopback servers: an answer sent before the
//! request body was read (413 and close), and answers completed around the attempt deadline.
#![allow(clippy::unwrap_used)]

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{TcpListener, TcpStream},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    thread,
    time::{Duration, Instant},
};

use contactnow::{Assignment, Client, DefaultAction, ErrorKind, NewTodPolicy, RetryPolicy};

const OK_WRITE: &str = r#"{"success":true,"account_id":"1","total":"1","bad":"0","key":"77"}"#;

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

const ATTEMPT: Duration = Duration::from_millis(800);

/// Sends a whole answer at once, then reads the request body slowly, so that the client
/// finishes sending (and starts reading the answer that has long been there) `past` the
/// attempt's deadline.
fn answer_first_read_slowly(past: Duration) -> impl Fn(TcpStream, Instant) + Send + Sync + 'static {
    move |stream, accepted| {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let length = read_head(&mut reader);
        let mut stream = stream;
        let _ = stream.write_all(response("200 OK", OK_WRITE).as_bytes());
        let _ = stream.flush();
        // Read 1 MB of the body halfway to the deadline (no write of the client waits as long
        // as its per-write timeout), the rest once the deadline has passed.
        let mut left = length;
        let mut chunk = vec![0; 64 * 1024];
        for (at, amount) in [(ATTEMPT / 2, 1 << 20), (ATTEMPT + past, usize::MAX)] {
            thread::sleep((accepted + at).saturating_duration_since(Instant::now()));
            let mut taken = 0;
            while left > 0 && taken < amount {
                let want = left.min(chunk.len());
                let n = reader.read(&mut chunk[..want]).unwrap_or(0);
                if n == 0 {
                    return;
                }
                left -= n;
                taken += n;
            }
        }
        thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_complete_answer_read_after_the_deadline_is_an_answer() {
    let server = RawServer::start(answer_first_read_slowly(Duration::from_millis(150)));
    let client = client(&server, ATTEMPT);
    let started = Instant::now();
    let result = client.create_assignments(&big_batch());
    let elapsed = started.elapsed();
    let result = result.unwrap();
    assert_eq!(result.key, Some(77));
    assert!(elapsed > ATTEMPT + Duration::from_millis(100), "the answer was read after the deadline: {elapsed:?}");
    assert_eq!(server.connections(), 1);
}

/// Sends the headers, then the body in pieces every `every`, the last one at `last` after
/// the connection was accepted.
fn slow_body(every: Duration, last: Duration) -> impl Fn(TcpStream, Instant) + Send + Sync + 'static {
    move |stream, accepted| {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let length = read_head(&mut reader);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let mut stream = stream;
        let padded = format!("{OK_WRITE}{}", " ".repeat(200));
        let head =
            format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", padded.len());
        if stream.write_all(head.as_bytes()).is_err() {
            return;
        }
        let bytes = padded.as_bytes();
        let end = accepted + last;
        let mut sent = 0;
        while sent < bytes.len() {
            let now = Instant::now();
            let remaining_time = end.saturating_duration_since(now);
            // Send what is due now: pieces spread evenly up to `end`, the rest at `end`.
            let steps_left = (remaining_time.as_micros() / every.as_micros().max(1)) as usize;
            let piece =
                if steps_left == 0 { bytes.len() - sent } else { ((bytes.len() - sent) / (steps_left + 1)).max(1) };
            if stream.write_all(&bytes[sent..sent + piece]).is_err() {
                return;
            }
            let _ = stream.flush();
            sent += piece;
            if sent < bytes.len() {
                thread::sleep(every.min(remaining_time));
            }
        }
        thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn an_answer_trickling_right_up_to_the_deadline_is_an_answer() {
    let server = RawServer::start(slow_body(Duration::from_millis(40), ATTEMPT - Duration::from_millis(100)));
    let client = client(&server, ATTEMPT);
    let started = Instant::now();
    let result = client.create_assignments(&[Assignment::new(1, 2, 3)]).unwrap();
    assert_eq!(result.key, Some(77));
    assert!(started.elapsed() > ATTEMPT / 2, "{:?}", started.elapsed());
    assert_eq!(server.connections(), 1);
}

#[test]
fn an_answer_still_arriving_after_the_deadline_times_out_at_the_deadline() {
    let server = RawServer::start(slow_body(Duration::from_millis(40), ATTEMPT + Duration::from_millis(700)));
    let client = Client::builder()
        .base_url(&server.base_url)
        .token("tok-SECRET-4242")
        .timeout(ATTEMPT)
        .total_timeout(Duration::from_secs(20))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.create_assignments(&[Assignment::new(1, 2, 3)]).unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.to_string().contains("still arriving"), "{err}");
    // Stopped at the deadline, not when the last byte came nor a read timeout later.
    assert!(elapsed >= ATTEMPT && elapsed < ATTEMPT + Duration::from_millis(500), "{elapsed:?}");
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
