//! Client behaviour against a scripted loopback server: retries, outcome-unknown writes,
//! Retry-After, token refresh, size limit, HTTPS rule, batching.
#![allow(clippy::unwrap_used)]

mod common;

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use common::{json, query, FakeServer, Reply};
use contactnow::{
    Assignment, Client, ClientBuilder, DefaultAction, Error, ErrorKind, Format, NewTodPolicy, RetryPolicy,
    TodPolicyUpdate, Token,
};

const OK_WRITE: &str = r#"{"success":true,"account_id":"1","total":"1","bad":"0","key":"77"}"#;
const OK_READ: &str = r#"{"success":true,"total":"1","list":[{"agentid":"7","qid":"9","level":"100"}]}"#;

fn fast_retry() -> RetryPolicy {
    RetryPolicy { max_attempts: 3, initial_backoff: Duration::from_millis(5), max_backoff: Duration::from_millis(20) }
}

fn builder(server: &FakeServer) -> ClientBuilder {
    Client::builder().base_url(&server.base_url).token("tok-SECRET-4242").retry(fast_retry())
}

#[test]
fn read_sends_documented_request() {
    let server = FakeServer::start(|_, _| json(200, OK_READ));
    let client = builder(&server).build().unwrap();
    let listing = client.read_assignments(Some(7), Some(9)).unwrap();
    assert_eq!(listing.records, vec![Assignment::new(7, 9, 100)]);
    let req = &server.requests()[0];
    assert_eq!(req.method, "GET");
    assert!(
        req.target.starts_with("/database.php?token=tok-SECRET-4242&method=priority&action=read"),
        "{}",
        req.target
    );
    assert_eq!(query(&req.target, "agent"), Some("7"));
    assert_eq!(query(&req.target, "qid"), Some("9"));
    assert_eq!(req.header("user-agent"), Some(contactnow::USER_AGENT));
    assert_eq!(client.format(), Format::Json);
    assert_eq!(client.endpoint().as_str(), server.base_url);
}

#[test]
fn retries_503_for_idempotent_ops() {
    let server = FakeServer::start(|req, i| {
        if i % 3 < 2 {
            return json(503, "busy");
        }
        if req.method == "GET" {
            json(200, OK_READ)
        } else {
            json(200, OK_WRITE)
        }
    });
    let client = builder(&server).build().unwrap();
    client.read_assignments(None, None).unwrap();
    client.update_assignments(&[Assignment::new(1, 2, 3)]).unwrap();
    client.create_assignments(&[Assignment::new(1, 2, 3)]).unwrap();
    client.update_policies(&[TodPolicyUpdate::new(5).description("x")]).unwrap();
    assert_eq!(server.requests().len(), 12);
}

#[test]
fn gives_up_after_max_attempts_with_status() {
    let server = FakeServer::start(|_, _| json(502, "bad gateway"));
    let client = builder(&server).build().unwrap();
    let err = client.read_policies(None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::HttpStatus);
    assert_eq!(err.status(), Some(502));
    assert_eq!(server.requests().len(), 3);
    let client = builder(&server).retry(RetryPolicy::none()).build().unwrap();
    client.read_policies(None).unwrap_err();
    assert_eq!(server.requests().len(), 4);
}

#[test]
fn policy_create_is_never_repeated_after_sending() {
    let server = FakeServer::start(|_, _| Reply::Close);
    let client = builder(&server).build().unwrap();
    let err = client.create_policies(&[NewTodPolicy::new("Night", DefaultAction::Voicemail)]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(err.outcome_unknown(), "{err:?}");
    assert!(err.to_string().contains("outcome unknown"), "{err}");
    assert_eq!(server.count("action=create"), 1);

    // A 503 answer is not repeated either, and is not "unknown": the server answered.
    let server = FakeServer::start(|_, _| json(503, "busy"));
    let client = builder(&server).build().unwrap();
    let err = client.create_policies(&[NewTodPolicy::new("Night", DefaultAction::Hangup)]).unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(!err.outcome_unknown());
    assert_eq!(server.requests().len(), 1);

    // A read after a dropped connection is repeated.
    let server = FakeServer::start(|_, i| if i == 0 { Reply::Close } else { json(200, OK_READ) });
    let client = builder(&server).build().unwrap();
    client.read_assignments(None, None).unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn policy_create_after_refused_connection_is_not_unknown() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .base_url(&format!("http://127.0.0.1:{port}"))
        .token("tok-SECRET-4242")
        .retry(fast_retry())
        .build()
        .unwrap();
    let err = client.create_policies(&[NewTodPolicy::new("x", DefaultAction::Queue)]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(!err.outcome_unknown(), "{err:?}");
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
}

#[test]
fn honours_retry_after() {
    let server = FakeServer::start(|_, i| {
        if i == 0 {
            Reply::Respond(429, vec![("Retry-After".into(), "1".into())], b"slow down".to_vec())
        } else {
            json(200, OK_READ)
        }
    });
    let client = builder(&server)
        .retry(RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_secs(5),
        })
        .build()
        .unwrap();
    let start = Instant::now();
    client.read_assignments(None, None).unwrap();
    assert!(start.elapsed() >= Duration::from_millis(900), "{:?}", start.elapsed());

    // Longer than max_backoff: never repeated early; the call ends with the status at once.
    let server = FakeServer::start(|_, i| {
        if i == 0 {
            Reply::Respond(503, vec![("Retry-After".into(), "30".into())], b"".to_vec())
        } else {
            json(200, OK_READ)
        }
    });
    let start = Instant::now();
    let err = builder(&server).build().unwrap().read_assignments(None, None).unwrap_err();
    assert_eq!((err.status(), err.outcome_unknown()), (Some(503), false), "{err:?}");
    assert_eq!(server.requests().len(), 1);
    assert!(start.elapsed() < Duration::from_secs(5));

    // The HTTP-date form: far in the future ends the call like a long delay; in the past it
    // means "now", and the call is repeated.
    for (date, requests) in [("Fri, 01 Jan 2100 00:00:00 GMT", 1), ("Wed, 21 Oct 2015 07:28:00 GMT", 2)] {
        let server = FakeServer::start(move |_, i| {
            if i == 0 {
                Reply::Respond(429, vec![("Retry-After".into(), date.into())], b"".to_vec())
            } else {
                json(200, OK_READ)
            }
        });
        let result = builder(&server).build().unwrap().read_assignments(None, None);
        assert_eq!(server.requests().len(), requests, "{date}: {result:?}");
        match requests {
            1 => assert_eq!(result.unwrap_err().status(), Some(429)),
            _ => assert_eq!(result.unwrap().records.len(), 1),
        }
    }

    // A Retry-After beyond the total timeout ends the call with the status.
    let server = FakeServer::start(|_, _| Reply::Respond(503, vec![("Retry-After".into(), "3".into())], vec![]));
    let client = builder(&server)
        .retry(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_secs(10),
        })
        .total_timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    assert_eq!(client.read_assignments(None, None).unwrap_err().status(), Some(503));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn timeout_is_reported_and_unknown_for_policy_create() {
    let server = FakeServer::start(|_, _| Reply::Hang(Duration::from_secs(3)));
    let client = builder(&server).timeout(Duration::from_millis(200)).retry(RetryPolicy::none()).build().unwrap();
    let err = client.read_assignments(None, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(!err.outcome_unknown());
    let err = client.create_policies(&[NewTodPolicy::new("x", DefaultAction::Queue)]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.outcome_unknown());

    // The total timeout bounds all attempts.
    let client = builder(&server)
        .timeout(Duration::from_millis(150))
        .total_timeout(Duration::from_millis(400))
        .retry(RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
        })
        .build()
        .unwrap();
    let start = Instant::now();
    assert_eq!(client.read_assignments(None, None).unwrap_err().kind(), ErrorKind::Timeout);
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[test]
fn refuses_large_responses() {
    let big = format!(r#"{{"success":true,"list":[{}]}}"#, "0,".repeat(100_000));
    let server = FakeServer::start(move |_, _| json(200, &big));
    let client = builder(&server).max_response_bytes(10_000).build().unwrap();
    let err = client.read_assignments(None, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("larger than the limit of 10000 bytes"), "{err}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn https_rule() {
    let err = Client::builder().base_url("http://api.example.com").token("t").build().unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "base_url"), "{err}");
    Client::builder().base_url("http://api.example.com").token("t").allow_insecure_http(true).build().unwrap();
    for ok in ["http://localhost:8080", "http://127.0.0.5", "http://[::1]:9", "https://api.example.com"] {
        Client::builder().base_url(ok).token("t").build().unwrap();
    }
    let err = Client::builder().token("t").timeout(Duration::ZERO).build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err = Client::builder().build().unwrap_err();
    assert!(err.to_string().contains("no token source"));
    let err = Client::builder().token("t").batch_size(0).build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[test]
fn invalid_input_is_rejected_before_sending() {
    let server = FakeServer::start(|_, _| json(200, OK_WRITE));
    let client = builder(&server).build().unwrap();
    let err = client.create_assignments(&[]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(server.requests().is_empty());
}

/// A token.php + database.php server: tokens `T1`, `T2`, ...; only the newest is accepted.
fn token_server(lifetime: i64) -> (FakeServer, Arc<AtomicUsize>) {
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = issued.clone();
    let server = FakeServer::start(move |req, _| {
        if req.target.starts_with("/token.php") {
            if query(&req.target, "password") != Some("pw-SECRET-77") {
                return json(200, r#"{"success":false,"error":"Authentication failure"}"#);
            }
            std::thread::sleep(Duration::from_millis(50));
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            let expire = contactnow_now() + lifetime;
            return json(200, &format!(r#"{{"success":true,"token":"T{n}","expire":{expire}}}"#));
        }
        let current = format!("T{}", counter.load(Ordering::SeqCst));
        if query(&req.target, "token") == Some(current.as_str()) {
            json(200, OK_READ)
        } else {
            json(200, r#"{"success":false,"error":"Expired token","expire":-1}"#)
        }
    });
    (server, issued)
}

fn contactnow_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

#[test]
fn credentials_fetch_cache_and_refresh_once() {
    let (server, issued) = token_server(3600);
    let client = builder(&server).credentials("api-user", "pw-SECRET-77").build().unwrap();
    client.read_assignments(None, None).unwrap();
    client.read_assignments(None, None).unwrap();
    assert_eq!(issued.load(Ordering::SeqCst), 1, "token cached");

    // The server forgets the token (another client got a new one): one refresh, shared by
    // every concurrent call.
    issued.fetch_add(1, Ordering::SeqCst);
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            std::thread::spawn(move || client.read_assignments(None, None))
        })
        .collect();
    for t in threads {
        t.join().unwrap().unwrap();
    }
    assert_eq!(server.count("token.php"), 2, "exactly one refresh");
    assert!(!format!("{client:?}").contains("pw-SECRET-77"));

    // A short-lived token is still reused: the margin is at most half its lifetime.
    let (server, issued) = token_server(30);
    let client = builder(&server).credentials("api-user", "pw-SECRET-77").build().unwrap();
    client.read_assignments(None, None).unwrap();
    client.read_assignments(None, None).unwrap();
    assert_eq!(issued.load(Ordering::SeqCst), 1);

    // Wrong password: an API error, without the password in it.
    let client = builder(&server).credentials("api-user", "wrong-SECRET").build().unwrap();
    let err = client.read_assignments(None, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert!(!format!("{err} {err:?}").contains("wrong-SECRET"));
}

#[test]
fn static_token_is_not_refreshed_and_provider_is() {
    let (server, issued) = token_server(3600);
    issued.store(5, Ordering::SeqCst);
    let client = builder(&server).token("T4").build().unwrap();
    let err = client.read_assignments(None, None).unwrap_err();
    assert!(err.api().unwrap().is_token_rejected());
    assert_eq!(server.requests().len(), 1);

    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let client = builder(&server)
        .token_provider(Arc::new(move || {
            let n = c.fetch_add(1, Ordering::SeqCst);
            Ok(Token::new(if n == 0 { "T4" } else { "T5" }))
        }))
        .build()
        .unwrap();
    client.read_assignments(None, None).unwrap();
    client.read_assignments(None, None).unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn batches_are_split_and_aggregated() {
    let server = FakeServer::start(|req, _| {
        let body = String::from_utf8_lossy(&req.body);
        let n = body.matches("agentid").count();
        if body.contains(r#""agentid":"13""#) {
            json(200, &format!(r#"{{"success":true,"total":{},"bad":1,"key":0}}"#, n - 1))
        } else {
            json(200, &format!(r#"{{"success":true,"total":{n},"bad":0,"key":{n}}}"#))
        }
    });
    let client = builder(&server).batch_size(10).build().unwrap();
    let records: Vec<_> = (1..=25).map(|i| Assignment::new(i, 1, 5)).collect();
    let outcome = client.create_assignments_batched(&records);
    assert_eq!(outcome.chunks, 3);
    assert_eq!(outcome.total, 24);
    assert_eq!(outcome.bad, 1);
    assert_eq!(outcome.keys, vec![10, 5]);
    assert_eq!(outcome.failures.len(), 1);
    assert_eq!((outcome.failures[0].offset, outcome.failures[0].len), (10, 10));
    assert!(!outcome.is_complete());
    let ok: Vec<_> = (100..=120).map(|i| Assignment::new(i, 1, 5)).collect();
    let outcome = client.update_assignments_batched(&ok);
    assert!(outcome.is_complete());
    assert_eq!((outcome.chunks, outcome.total), (3, 21));
    assert_eq!(client.create_assignments_batched(&[]).chunks, 0);
}

#[test]
fn xml_format_round_trip() {
    let server = FakeServer::start(|_, _| {
        Reply::Respond(
            200,
            vec![("Content-Type".into(), "text/xml".into())],
            b"<?xml version=\"1.0\"?><result><success>1</success><total>1</total><bad>0</bad><key>12</key></result>"
                .to_vec(),
        )
    });
    let client = builder(&server).format(Format::Xml).build().unwrap();
    let result = client.create_policies(&[NewTodPolicy::new("Night", DefaultAction::Jump(5))]).unwrap();
    assert_eq!(result.key, Some(12));
    let req = &server.requests()[0];
    assert_eq!(query(&req.target, "format"), Some("xml"));
    assert_eq!(req.header("content-type"), Some("application/xml"));
}

#[test]
fn trickling_answers_stop_at_the_attempt_deadline() {
    // Each byte arrives well within the timeout; the attempt as a whole does not, whether
    // the headers or the body trickle.
    for reply in [Reply::TrickleHeaders, Reply::Trickle] {
        let server = FakeServer::start(move |_, _| reply(Duration::from_millis(20)));
        let client = builder(&server).timeout(Duration::from_millis(300)).retry(RetryPolicy::none()).build().unwrap();
        let start = Instant::now();
        let err = client.read_assignments(None, None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
        assert!(start.elapsed() < Duration::from_secs(3), "{:?}", start.elapsed());
    }
}

#[test]
fn a_total_timeout_of_duration_max_means_no_total_limit() {
    let server = FakeServer::start(|_, _| json(200, OK_READ));
    let client = builder(&server).total_timeout(Duration::MAX).build().unwrap();
    assert_eq!(client.read_assignments(None, None).unwrap().records.len(), 1);
}

#[test]
fn unreadable_answer_to_a_policy_create_says_outcome_unknown() {
    let server = FakeServer::start(|_, _| json(200, "<html>proxy error</html>"));
    let client = builder(&server).build().unwrap();
    let create = client.create_policies(&[NewTodPolicy::new("Night", DefaultAction::Hangup)]).unwrap_err();
    assert!(matches!(create, Error::Decode { outcome_unknown: true, .. }), "{create:?}");
    assert!(create.outcome_unknown() && create.to_string().contains("outcome unknown"), "{create}");
    assert_eq!(server.requests().len(), 1, "never repeated");
    // Reads and repeatable writes have nothing to be unsure about.
    let read = client.read_policies(None).unwrap_err();
    assert!(matches!(read, Error::Decode { outcome_unknown: false, .. }), "{read:?}");
    let update = client.update_assignments(&[Assignment::new(1, 2, 3)]).unwrap_err();
    assert!(!update.outcome_unknown(), "{update:?}");
}

#[test]
fn a_token_in_an_unreadable_token_answer_never_shows() {
    let server = FakeServer::start(|_, _| json(200, r#"{"success":true,"token":"NEW-SECRET-91","expire":"soon"}"#));
    let client = builder(&server).credentials("api-user", "pw-SECRET-77").build().unwrap();
    let err = client.read_assignments(None, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("NEW-SECRET-91") && !shown.contains("pw-SECRET-77"), "{shown}");
}

/// A caller's own operation that is not safe to repeat: a priority create declared as such.
struct OwnWrite(contactnow::CreateAssignments);

impl contactnow::Operation for OwnWrite {
    type Output = contactnow::WriteResult;

    fn build_request(
        &self,
        endpoint: &contactnow::Endpoint,
        token: &Token,
        format: Format,
    ) -> Result<contactnow::HttpRequest, contactnow_core::Error> {
        self.0.build_request(endpoint, token, format)
    }

    fn parse_response(
        &self,
        format: Format,
        response: &contactnow::HttpResponse,
    ) -> Result<contactnow::WriteResult, contactnow_core::Error> {
        self.0.parse_response(format, response)
    }

    fn is_idempotent(&self) -> bool {
        false
    }
}

#[test]
fn any_unrepeatable_operation_gets_outcome_unknown() {
    let server = FakeServer::start(|_, _| json(502, "<html>bad gateway</html>"));
    let client = builder(&server).build().unwrap();
    let op = OwnWrite(contactnow::CreateAssignments { records: vec![Assignment::new(1, 2, 3)] });
    let err = client.execute(&op).unwrap_err();
    assert!(matches!(err, Error::HttpStatus { status: 502, outcome_unknown: true, .. }), "{err:?}");
    assert_eq!(server.requests().len(), 1, "never repeated");
}
