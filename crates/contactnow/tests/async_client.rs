//! `AsyncClient` (feature `async`) against the in-process sandbox and raw loopback servers:
//! every call, many calls in flight at once, retries, the size limit, timeouts, cancellation
//! (nothing sent or left running after a dropped call), outcome-unknown writes, the
//! certainly-not-sent mark, the proxy tunnel and the pool. No assertion depends on timing:
//! waits are for things to happen, bounded only so that a broken build fails, not hangs.
#![cfg(feature = "async")]
#![allow(clippy::unwrap_used)]

mod common;

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{Shutdown, TcpListener, TcpStream},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    thread,
    time::{Duration, Instant},
};

use common::{json, FakeServer};
use contactnow::{
    ApiCall, ApiOutput, Assignment, AsyncClient, Client, ClientBuilder, DefaultAction, Error, ErrorKind, Format,
    NewTodPolicy, RetryPolicy, TodPolicyUpdate,
};
use contactnow_sandbox::{Config, Fault, FaultSpec, Sandbox, Seed};
use serde_json::json;

const TOKEN: &str = "tok-ASYNC-SECRET-5x/+=";
const USER: &str = "api-user";
const PASSWORD: &str = "pw-ASYNC-SECRET-77&y";

fn sandbox(seed: Seed) -> Sandbox {
    let users = vec![(USER.to_owned(), PASSWORD.to_owned())];
    Sandbox::start(Config { seed, tokens: vec![TOKEN.to_owned()], users, ..Config::default() }).unwrap()
}

/// Small timeouts and pauses, so that a failing test fails quickly.
fn settings(base_url: &str) -> ClientBuilder {
    let retry = retry(3, Duration::from_millis(2), Duration::from_millis(20));
    AsyncClient::builder()
        .base_url(base_url)
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(5))
        .total_timeout(Duration::from_secs(20))
        .retry(retry)
}

/// Up to `attempts` attempts, pauses from `first` capped at `cap`.
fn retry(attempts: u32, first: Duration, cap: Duration) -> RetryPolicy {
    RetryPolicy { max_attempts: attempts, initial_backoff: first, max_backoff: cap }
}

fn client_of(sb: &Sandbox) -> AsyncClient {
    settings(&sb.base_url()).token(TOKEN).build_async().unwrap()
}

/// How many `database.php` requests of `method` and `action` the sandbox received.
fn seen(sb: &Sandbox, method: &str, action: &str) -> usize {
    let wanted = [format!("method={method}"), format!("action={action}")];
    let matches = |query: &str| wanted.iter().all(|w| query.split('&').any(|pair| pair == w));
    sb.requests().iter().filter(|r| r.path == "/database.php" && matches(&r.query)).count()
}

/// Waits until `done` holds (polling; the bound only keeps a broken build from hanging).
async fn until(what: &str, done: impl Fn() -> bool) {
    let give_up = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < give_up, "still waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A loopback server running `serve` on each connection (in a thread of its own): its base
/// URL with `scheme`, and the number of connections accepted.
fn raw_server(scheme: &str, serve: impl Fn(TcpStream) + Send + Sync + 'static) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("{scheme}://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let (counter, serve) = (accepted.clone(), Arc::new(serve));
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            let serve = serve.clone();
            thread::spawn(move || serve(stream));
        }
    });
    (base_url, accepted)
}

fn no_secret(text: &str) {
    assert!(!text.contains("ASYNC-SECRET"), "a secret leaked: {text}");
}

fn status(status: u16) -> Fault {
    Fault::Status { status, retry_after: None }
}

#[test]
fn the_client_and_its_futures_are_send_sync_clone() {
    fn send_sync_clone<T: Send + Sync + Clone>(_: &T) {}
    fn send<T: Send>(_: T) {}
    let client = AsyncClient::builder().token(TOKEN).build_async().unwrap();
    send_sync_clone(&client);
    // Never polled: only their types are checked.
    let (records, policies) = (vec![Assignment::new(1, 2, 3)], vec![NewTodPolicy::new("x", DefaultAction::Queue)]);
    send(client.read_assignments(None, None));
    send(client.create_assignments(&records));
    send(client.update_assignments(&records));
    send(client.read_policies(None));
    send(client.create_policies(&policies));
    send(client.update_policies(&[TodPolicyUpdate::new(1)]));
    send(client.create_assignments_batched(&records));
    send(client.update_assignments_batched(&records));
    send(client.create_policies_batched(&policies));
    send(client.update_policies_batched(&[TodPolicyUpdate::new(1)]));
    let call = ApiCall::from_json("priority.read", &json!({})).unwrap();
    send(client.execute(&call));
}

#[test]
fn debug_shows_settings_never_secrets() {
    let client = AsyncClient::builder()
        .token(TOKEN)
        .proxy("http://user:proxy-ASYNC-SECRET@127.0.0.1:3128")
        .build_async()
        .unwrap();
    let text = format!("{client:?}");
    assert!(text.starts_with("AsyncClient {") && text.contains("max_response_bytes"), "{text}");
    no_secret(&text);
    let client = AsyncClient::builder().credentials(USER, PASSWORD).build_async().unwrap();
    no_secret(&format!("{client:?}"));
}

#[test]
fn build_async_refuses_what_build_refuses_with_the_same_error() {
    type Case = (&'static str, fn() -> ClientBuilder);
    let cases: Vec<Case> = vec![
        ("no token", || Client::builder()),
        ("empty token", || Client::builder().token("")),
        ("plain http", || Client::builder().base_url("http://api.example.com").token(TOKEN)),
        ("bad url", || Client::builder().base_url("not a url").token(TOKEN)),
        ("zero connect timeout", || Client::builder().token(TOKEN).connect_timeout(Duration::ZERO)),
        ("zero timeout", || Client::builder().token(TOKEN).timeout(Duration::ZERO)),
        ("zero total", || Client::builder().token(TOKEN).total_timeout(Duration::ZERO)),
        ("no attempts", || {
            Client::builder().token(TOKEN).retry(RetryPolicy { max_attempts: 0, ..RetryPolicy::default() })
        }),
        ("no bytes", || Client::builder().token(TOKEN).max_response_bytes(0)),
        ("no batch", || Client::builder().token(TOKEN).batch_size(0)),
        ("control in user agent", || Client::builder().token(TOKEN).user_agent("a\r\nX-Injected: 1")),
        ("bad proxy", || Client::builder().token(TOKEN).proxy("http://[::1")),
        ("bad credentials", || Client::builder().credentials("", PASSWORD)),
    ];
    for (what, builder) in cases {
        let blocking = builder().build().map(drop).unwrap_err();
        let non_blocking = builder().build_async().map(drop).unwrap_err();
        assert_eq!(non_blocking, blocking, "{what}");
        assert_eq!(non_blocking.kind(), ErrorKind::InvalidInput, "{what}: {non_blocking}");
    }
    // And what one accepts, so does the other, with the same settings.
    let builder = || Client::builder().base_url("http://127.0.0.1:9").token(TOKEN).batch_size(7).format(Format::Xml);
    let (blocking, non_blocking) = (builder().build().unwrap(), builder().build_async().unwrap());
    assert_eq!(format!("{blocking:?}").replacen("Client", "AsyncClient", 1), format!("{non_blocking:?}"));
    assert_eq!((non_blocking.format(), non_blocking.batch_size()), (Format::Xml, 7));
    assert_eq!(non_blocking.endpoint(), blocking.endpoint());
}

async fn every_call(format: Format) {
    let sb = sandbox(Seed::Demo);
    let client = settings(&sb.base_url()).token(TOKEN).format(format).build_async().unwrap();
    let oracle = Client::builder().base_url(&sb.base_url()).token(TOKEN).format(format).build().unwrap();

    assert_eq!(client.read_assignments(None, None).await.unwrap(), oracle.read_assignments(None, None).unwrap());
    let agent = client.read_assignments(Some(1234), None).await.unwrap();
    assert_eq!(agent.records, vec![Assignment::new(1234, 1007, 0), Assignment::new(1234, 1234, 100)]);
    assert_eq!(client.read_assignments(None, Some(1301)).await.unwrap().records.len(), 3);

    let created =
        client.create_assignments(&[Assignment::new(77, 1007, 5), Assignment::new(77, 1234, 6)]).await.unwrap();
    assert_eq!((created.total, created.bad), (2, 0));
    let updated = client.update_assignments(&[Assignment::new(77, 1007, 9)]).await.unwrap();
    assert_eq!(updated.total, 1);
    assert_eq!(
        client.read_assignments(Some(77), None).await.unwrap().records,
        vec![Assignment::new(77, 1007, 9), Assignment::new(77, 1234, 6)]
    );

    let policies = client.read_policies(None).await.unwrap();
    assert_eq!(policies, oracle.read_policies(None).unwrap());
    let created = client.create_policies(&[NewTodPolicy::new("Async lunch", DefaultAction::Hangup)]).await.unwrap();
    let uid = created.key.unwrap();
    let update = TodPolicyUpdate::new(uid).description("Async tea");
    assert_eq!(client.update_policies(&[update]).await.unwrap().total, 1);
    let one = client.read_policies(Some(uid)).await.unwrap().records;
    assert_eq!(
        (one.len(), one[0].description.as_str(), one[0].default.clone()),
        (1, "Async tea", DefaultAction::Hangup)
    );

    // The generic call, on any operation.
    let call = ApiCall::from_json("priority.read", &json!({ "agent_id": 1234 })).unwrap();
    match client.execute(&call).await.unwrap() {
        ApiOutput::Assignments(listing) => assert_eq!(listing.records, agent.records),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn every_call_works_in_json() {
    every_call(Format::Json).await;
}

#[tokio::test]
async fn every_call_works_in_xml() {
    every_call(Format::Xml).await;
}

#[tokio::test]
async fn batched_helpers_split_and_aggregate() {
    let sb = sandbox(Seed::Empty);
    let client = settings(&sb.base_url()).token(TOKEN).batch_size(4).build_async().unwrap();
    let records: Vec<_> = (0..10).map(|i| Assignment::new(500 + i, 1300, 10)).collect();
    let outcome = client.create_assignments_batched(&records).await;
    assert!(outcome.is_complete(), "{outcome:?}");
    assert_eq!((outcome.chunks, outcome.total, outcome.keys.len()), (3, 10, 3));
    assert_eq!(seen(&sb, "priority", "create"), 3);

    let mut changes: Vec<_> = (0..10).map(|i| Assignment::new(500 + i, 1300, 20)).collect();
    changes.push(Assignment::new(999, 1300, 1));
    let outcome = client.update_assignments_batched(&changes).await;
    assert_eq!((outcome.chunks, outcome.total, outcome.bad, outcome.failures.len()), (3, 10, 1, 1));
    assert_eq!((outcome.failures[0].offset, outcome.failures[0].len), (8, 3));

    let new: Vec<_> = (0..6).map(|i| NewTodPolicy::new(format!("P{i}"), DefaultAction::Queue)).collect();
    let outcome = client.create_policies_batched(&new).await;
    assert_eq!((outcome.chunks, outcome.total, outcome.keys.len()), (2, 6, 2));
    let uids: Vec<_> = client.read_policies(None).await.unwrap().records.iter().map(|p| p.uid).collect();
    let updates: Vec<_> =
        uids.iter().map(|&uid| TodPolicyUpdate::new(uid).default_action(DefaultAction::Hangup)).collect();
    let outcome = client.update_policies_batched(&updates).await;
    assert!(outcome.is_complete(), "{outcome:?}");
    assert_eq!((outcome.chunks, outcome.total), (2, 6));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_calls_in_flight_at_once_all_complete_with_the_right_answers() {
    const CALLS: usize = 256;
    let sb = sandbox(Seed::Demo);
    let client = client_of(&sb);
    let oracle = Client::builder().base_url(&sb.base_url()).token(TOKEN).build().unwrap();
    let agents = [1234, 1235, 1240, 1241, 1250, 9999];
    let expected: Vec<_> = agents.iter().map(|&a| oracle.read_assignments(Some(a), None).unwrap().records).collect();
    sb.clear_requests();
    // Every request waits on the server: they overlap, or the test would take minutes.
    sb.push_fault(FaultSpec::new(Fault::Delay { ms: 200 }).times(CALLS as u32));

    let mut calls = tokio::task::JoinSet::new();
    for n in 0..CALLS {
        let client = client.clone();
        let agent = agents[n % agents.len()];
        calls.spawn(async move { (n, client.read_assignments(Some(agent), None).await) });
    }
    let mut answered = vec![false; CALLS];
    while let Some(joined) = calls.join_next().await {
        let (n, result) = joined.unwrap();
        assert_eq!(result.unwrap().records, expected[n % agents.len()], "call {n}");
        answered[n] = true;
    }
    assert!(answered.iter().all(|a| *a));
    assert_eq!(seen(&sb, "priority", "read"), CALLS);
    assert!(sb.requests().iter().all(|r| r.fault.as_deref() == Some("delay 200 ms")));
}

#[tokio::test]
async fn a_scripted_503_is_retried_then_succeeds() {
    let sb = sandbox(Seed::Demo);
    let client = client_of(&sb);
    sb.push_fault(FaultSpec::new(status(503)).times(2));
    assert_eq!(client.read_assignments(Some(1234), None).await.unwrap().records.len(), 2);
    assert_eq!(seen(&sb, "priority", "read"), 3);

    // Retry-After is honoured as the blocking client does, then the call succeeds.
    sb.push_fault(Fault::Status { status: 429, retry_after: Some(0) });
    assert_eq!(client.update_policies(&[TodPolicyUpdate::new(2170).description("x")]).await.unwrap().total, 1);
    assert_eq!(seen(&sb, "tod_policy", "update"), 2);

    // More failures than attempts: the last status is the error.
    sb.push_fault(FaultSpec::new(status(503)).times(3));
    let err = client.read_policies(None).await.unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::HttpStatus, Some(503)), "{err}");
    assert_eq!(seen(&sb, "tod_policy", "read"), 3);
}

#[tokio::test]
async fn a_body_over_the_size_limit_is_refused() {
    let sb = sandbox(Seed::Demo);
    let client = settings(&sb.base_url()).token(TOKEN).max_response_bytes(200).build_async().unwrap();
    let err = client.read_assignments(None, None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.to_string().contains("larger than the limit of 200 bytes"), "{err}");
    // A small answer still fits.
    assert_eq!(client.read_assignments(Some(1235), Some(1300)).await.unwrap().records.len(), 1);
}

#[tokio::test]
async fn the_size_limit_stops_a_streamed_body_without_reading_it_all() {
    // A chunked answer with no length, that would go on for 64 MiB: the call ends at the
    // limit, and the server sees the connection closed long before its end.
    let written = Arc::new(AtomicUsize::new(0));
    let counter = written.clone();
    let (base_url, _) = raw_server("http", move |stream| {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 2 {
            line.clear();
        }
        let mut stream = stream;
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        stream.write_all(head.as_bytes()).unwrap();
        let chunk = format!("{:x}\r\n{}\r\n", 16 * 1024, " ".repeat(16 * 1024));
        for _ in 0..4096 {
            if stream.write_all(chunk.as_bytes()).is_err() {
                return;
            }
            counter.fetch_add(16 * 1024, Ordering::SeqCst);
        }
    });
    let client = settings(&base_url).token(TOKEN).max_response_bytes(64 * 1024).build_async().unwrap();
    let err = client.read_assignments(None, None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.to_string().contains("larger than the limit of 65536 bytes"), "{err}");
    drop(client);
    // Socket buffers hold a few MiB at most; the body would have been 64 MiB.
    until("the server to stop writing", || {
        let before = written.load(Ordering::SeqCst);
        thread::sleep(Duration::from_millis(50));
        written.load(Ordering::SeqCst) == before
    })
    .await;
    assert!(written.load(Ordering::SeqCst) < 16 * 1024 * 1024, "{} bytes written", written.load(Ordering::SeqCst));
}

#[tokio::test]
async fn an_attempt_over_its_timeout_is_a_timeout() {
    let sb = sandbox(Seed::Demo);
    let retry = retry(2, Duration::from_millis(2), Duration::from_millis(5));
    let client =
        settings(&sb.base_url()).token(TOKEN).timeout(Duration::from_millis(200)).retry(retry).build_async().unwrap();
    sb.push_fault(FaultSpec::new(Fault::Delay { ms: 2000 }).times(2));
    let err = client.read_assignments(Some(1234), None).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { outcome_unknown: false, .. }), "{err:?}");
    assert!(err.to_string().contains("after 2 attempts"), "{err}");
    assert_eq!(seen(&sb, "priority", "read"), 2);
    no_secret(&format!("{err} {err:?}"));

    // A TOD create that timed out may have been applied: not repeated, outcome unknown.
    sb.push_fault(Fault::Delay { ms: 2000 });
    let err = client.create_policies(&[NewTodPolicy::new("Slow", DefaultAction::Queue)]).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { outcome_unknown: true, .. }), "{err:?}");
    assert_eq!(seen(&sb, "tod_policy", "create"), 1);

    // The client is still good.
    assert_eq!(client.read_assignments(Some(1234), None).await.unwrap().records.len(), 2);
}

#[tokio::test]
async fn a_call_dropped_in_a_retry_pause_sends_nothing_more() {
    let sb = sandbox(Seed::Demo);
    let retry = retry(3, Duration::from_millis(10), Duration::from_secs(2));
    let client = settings(&sb.base_url()).token(TOKEN).retry(retry).build_async().unwrap();
    // The answer asks for a 1 s pause before the repeat.
    sb.push_fault(FaultSpec::new(Fault::Status { status: 503, retry_after: Some(1) }).times(3));
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.read_assignments(Some(1234), None).await }
    });
    until("the first attempt", || seen(&sb, "priority", "read") == 1).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    call.abort();
    assert!(call.await.unwrap_err().is_cancelled());
    // Past the end of the pause, nothing more came.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(seen(&sb, "priority", "read"), 1);
    assert_eq!(sb.requests().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_dropped_in_flight_leaves_nothing_running() {
    let sb = sandbox(Seed::Demo);
    let client = client_of(&sb);
    let metrics = tokio::runtime::Handle::current().metrics();
    sb.push_fault(Fault::Delay { ms: 3000 });
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.read_policies(None).await }
    });
    until("the request to arrive", || seen(&sb, "tod_policy", "read") == 1).await;
    // The call's task and its connection's task.
    assert_eq!(metrics.num_alive_tasks(), 2);
    call.abort();
    assert!(call.await.unwrap_err().is_cancelled());
    // hyper closes the connection of an abandoned request: its task ends too, long before
    // the server's 3 s delay is over.
    until("no task left", || metrics.num_alive_tasks() == 0).await;
    assert_eq!(sb.requests().len(), 1);

    // The client goes on with a new connection.
    assert_eq!(client.read_policies(Some(2164)).await.unwrap().records.len(), 1);
}

#[tokio::test]
async fn a_tod_create_reset_after_sending_is_outcome_unknown_and_not_repeated() {
    let sb = sandbox(Seed::Demo);
    let client = client_of(&sb);
    sb.push_fault(FaultSpec::new(Fault::Reset).method("tod_policy").action("create"));
    let err = client.create_policies(&[NewTodPolicy::new("Reset", DefaultAction::Queue)]).await.unwrap_err();
    assert!(matches!(err, Error::Transport { outcome_unknown: true, .. }), "{err:?}");
    assert!(err.to_string().contains("outcome unknown"), "{err}");
    assert_eq!(seen(&sb, "tod_policy", "create"), 1);
    no_secret(&format!("{err} {err:?}"));

    // A truncated answer to one is the same; a read after a reset is repeated and succeeds.
    sb.push_fault(Fault::Truncate);
    let err = client.create_policies(&[NewTodPolicy::new("Cut", DefaultAction::Queue)]).await.unwrap_err();
    assert!(matches!(err, Error::Transport { outcome_unknown: true, .. }), "{err:?}");
    assert_eq!(seen(&sb, "tod_policy", "create"), 2);
    sb.push_fault(FaultSpec::new(Fault::Reset).action("read"));
    assert_eq!(client.read_policies(Some(2164)).await.unwrap().records.len(), 1);
    assert_eq!(seen(&sb, "tod_policy", "read"), 2);
}

#[tokio::test]
async fn a_refused_connection_is_not_sent_so_even_a_tod_create_is_repeated() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = settings(&format!("http://127.0.0.1:{port}")).token(TOKEN).build_async().unwrap();
    let err = client.create_policies(&[NewTodPolicy::new("x", DefaultAction::Queue)]).await.unwrap_err();
    assert!(matches!(err, Error::Transport { outcome_unknown: false, .. }), "{err:?}");
    assert!(err.to_string().contains("before sending"), "{err}");
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
}

#[tokio::test]
async fn a_failed_tls_handshake_is_not_sent_so_even_a_tod_create_is_repeated() {
    // A server that answers the TLS hello with plain HTTP.
    let (base_url, accepted) = raw_server("https", |mut stream| {
        let _ = stream.read(&mut [0u8; 4096]);
        let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    });
    let client = settings(&base_url).token(TOKEN).build_async().unwrap();
    let err = client.create_policies(&[NewTodPolicy::new("x", DefaultAction::Queue)]).await.unwrap_err();
    assert!(matches!(err, Error::Transport { outcome_unknown: false, .. }), "{err:?}");
    assert!(err.to_string().contains("TLS handshake"), "{err}");
    assert_eq!(accepted.load(Ordering::SeqCst), 3, "{err}");
}

#[tokio::test]
async fn connections_are_kept_alive_and_reused() {
    let server = FakeServer::start(|_, _| json(200, r#"{"success":true,"total":0,"list":[]}"#));
    let client = settings(&server.base_url).token(TOKEN).build_async().unwrap();
    for _ in 0..20 {
        client.read_assignments(None, None).await.unwrap();
    }
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
    // Clones share the pool.
    client.clone().read_policies(None).await.unwrap();
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn requests_are_the_blocking_clients_headers_and_all() {
    let server = FakeServer::start(|_, _| json(200, r#"{"success":true,"total":1,"bad":0,"key":5}"#));
    let builder = || Client::builder().base_url(&server.base_url).token(TOKEN).user_agent("tester/1.0");
    let records = [Assignment::new(1, 2, 3)];
    builder().build().unwrap().create_assignments(&records).unwrap();
    builder().build_async().unwrap().create_assignments(&records).await.unwrap();
    let requests = server.requests();
    let (blocking, non_blocking) = (&requests[0], &requests[1]);
    assert_eq!((&non_blocking.method, &non_blocking.target), (&blocking.method, &blocking.target));
    assert_eq!(non_blocking.body, blocking.body);
    for name in ["user-agent", "accept", "content-type", "content-length", "host"] {
        assert_eq!(non_blocking.header(name), blocking.header(name), "{name}");
    }
    assert_eq!(non_blocking.header("user-agent"), Some("tester/1.0"));
}

#[tokio::test]
async fn a_redirect_is_an_answer_not_followed() {
    // The URL carries the token: it must never go to another address.
    let target = FakeServer::start(|_, _| json(200, r#"{"success":true,"total":0,"list":[]}"#));
    let location = format!("{}/database.php", target.base_url);
    let server =
        FakeServer::start(move |_, _| common::Reply::Respond(302, vec![("Location".into(), location.clone())], vec![]));
    let client = settings(&server.base_url).token(TOKEN).build_async().unwrap();
    let err = client.read_assignments(None, None).await.unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::HttpStatus, Some(302)), "{err}");
    assert_eq!((server.requests().len(), target.requests().len()), (1, 0));
}

#[tokio::test]
async fn tokens_from_credentials_are_fetched_cached_and_refreshed_once() {
    let sb = sandbox(Seed::Demo);
    let client = settings(&sb.base_url()).credentials(USER, PASSWORD).build_async().unwrap();
    let token_gets = || sb.requests().iter().filter(|r| r.path == "/token.php").count();
    assert_eq!(client.read_assignments(Some(1234), None).await.unwrap().records.len(), 2);
    assert_eq!(client.read_policies(None).await.unwrap().records.len(), 4);
    assert_eq!(token_gets(), 1);

    // The callback source (the engine's NeedToken step), asked once and again on rejection.
    let asked = Arc::new(Mutex::new(0));
    let counter = asked.clone();
    let provider = Arc::new(move || {
        *counter.lock().unwrap() += 1;
        Ok(contactnow::Token::new(TOKEN))
    });
    let client = settings(&sb.base_url()).token_provider(provider).build_async().unwrap();
    assert_eq!(client.read_policies(Some(2164)).await.unwrap().records.len(), 1);
    assert_eq!(client.read_policies(Some(2164)).await.unwrap().records.len(), 1);
    assert_eq!(*asked.lock().unwrap(), 1);
}

/// A CONNECT proxy on loopback that records each CONNECT head and splices to the target.
fn connect_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let heads = Arc::new(Mutex::new(Vec::new()));
    let log = heads.clone();
    let (url, _) = raw_server("http", move |client| {
        let mut reader = BufReader::new(client.try_clone().unwrap());
        let mut head = String::new();
        while !head.ends_with("\r\n\r\n") {
            if reader.read_line(&mut head).unwrap_or(0) == 0 {
                return;
            }
        }
        let target = head.split_whitespace().nth(1).unwrap_or_default().to_owned();
        log.lock().unwrap().push(head);
        let Ok(mut upstream) = TcpStream::connect(target) else { return };
        let mut client = client;
        client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").unwrap();
        let (mut from_upstream, mut to_client) = (upstream.try_clone().unwrap(), client.try_clone().unwrap());
        thread::spawn(move || {
            let _ = std::io::copy(&mut from_upstream, &mut to_client);
            let _ = to_client.shutdown(Shutdown::Both);
        });
        let _ = upstream.write_all(reader.buffer());
        let _ = std::io::copy(&mut reader.into_inner(), &mut upstream);
        let _ = upstream.shutdown(Shutdown::Both);
    });
    (url, heads)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_gets_the_connect_request_the_blocking_client_sends() {
    let sb = sandbox(Seed::Demo);
    let (proxy, heads) = connect_proxy();
    let with_credentials = proxy.replacen("http://", "http://user:pass%21word@", 1);
    let builder = || Client::builder().base_url(&sb.base_url()).token(TOKEN).proxy(&with_credentials);
    let blocking = builder().build().unwrap();
    let expected = tokio::task::spawn_blocking(move || blocking.read_assignments(Some(1234), None).unwrap());
    let expected = expected.await.unwrap();
    let client = builder().build_async().unwrap();
    assert_eq!(client.read_assignments(Some(1234), None).await.unwrap(), expected);
    let heads = heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 2, "{heads:?}");
    assert_eq!(heads[1], heads[0]);
    assert!(heads[0].starts_with("CONNECT 127.0.0.1:"), "{}", heads[0]);
    assert!(heads[0].contains("Proxy-Authorization: Basic dXNlcjpwYXNzIXdvcmQ=\r\n"), "{}", heads[0]);
    assert_eq!(seen(&sb, "priority", "read"), 2);
}

#[tokio::test]
async fn an_unusable_proxy_fails_before_sending() {
    // A SOCKS proxy (which neither client speaks), and a proxy that refuses the tunnel.
    let client = settings("http://127.0.0.1:9").token(TOKEN).proxy("socks5://127.0.0.1:1080").build_async().unwrap();
    let err = client.create_policies(&[NewTodPolicy::new("x", DefaultAction::Queue)]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(!err.outcome_unknown(), "nothing was sent: {err}");

    let refusing = FakeServer::start(|_, _| json(403, "no"));
    let client = settings("http://127.0.0.1:9").token(TOKEN).proxy(&refusing.base_url).build_async().unwrap();
    let err = client.create_policies(&[NewTodPolicy::new("x", DefaultAction::Queue)]).await.unwrap_err();
    assert!(matches!(err, Error::Transport { outcome_unknown: false, .. }), "{err:?}");
    assert!(err.to_string().contains("proxy server responded HTTP/1.1 403"), "{err}");
}

#[test]
fn calls_run_on_a_current_thread_runtime_too() {
    let sb = sandbox(Seed::Demo);
    let client = client_of(&sb);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (a, b) =
        runtime.block_on(async { tokio::join!(client.read_policies(None), client.read_assignments(None, None)) });
    assert_eq!((a.unwrap().records.len(), b.unwrap().records.len()), (4, 12));
}
