//! The real client against the real in-process sandbox: every operation in both formats,
//! batching, retries and non-retries under injected faults, token refresh, timeouts and
//! redaction. Every check reads the sandbox's state or its recorded requests back.
#![allow(clippy::unwrap_used)]

use std::{
    io::{Read, Write},
    net::{Shutdown, TcpListener, TcpStream},
    sync::{Arc, Barrier, Mutex},
    thread,
    time::{Duration, Instant},
};

use contactnow::{
    Assignment, Client, ClientBuilder, DefaultAction, Error, ErrorKind, Format, NewTodPolicy, RetryPolicy, TodPolicy,
    TodPolicyUpdate,
};
use contactnow_sandbox::{Config, Fault, FaultSpec, RecordedRequest, Sandbox, Seed};

/// A token with characters that are percent-encoded in the URL.
const SECRET_TOKEN: &str = "tok-SANDBOX-SECRET-7q/+=";
const USER: &str = "api-user";
const PASSWORD: &str = "pw-SANDBOX-SECRET-99&x";

fn start(seed: Seed) -> Sandbox {
    start_with(Config { seed, ..Config::default() })
}

fn start_with(config: Config) -> Sandbox {
    Sandbox::start(Config {
        tokens: vec![SECRET_TOKEN.to_owned()],
        users: vec![(USER.to_owned(), PASSWORD.to_owned())],
        ..config
    })
    .unwrap()
}

fn fast_retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy { max_attempts, initial_backoff: Duration::from_millis(2), max_backoff: Duration::from_millis(20) }
}

/// A client on `base_url` with small timeouts and backoff; the token source is still to set.
fn quick(base_url: &str) -> ClientBuilder {
    Client::builder()
        .base_url(base_url)
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(2))
        .total_timeout(Duration::from_secs(10))
        .retry(fast_retry(3))
}

/// A client with the sandbox's static token.
fn client(sb: &Sandbox, format: Format) -> Client {
    quick(&sb.base_url()).token(SECRET_TOKEN).format(format).build().unwrap()
}

/// Recorded `database.php` requests with this `method` and `action`.
fn api_requests(sb: &Sandbox, method: &str, action: &str) -> Vec<RecordedRequest> {
    let (method, action) = (format!("method={method}"), format!("action={action}"));
    sb.requests()
        .into_iter()
        .filter(|r| r.path == "/database.php" && has_param(&r.query, &method) && has_param(&r.query, &action))
        .collect()
}

fn has_param(query: &str, pair: &str) -> bool {
    query.split('&').any(|p| p == pair)
}

/// Number of `token.php?action=get` requests received.
fn token_gets(sb: &Sandbox) -> usize {
    sb.requests().iter().filter(|r| r.path == "/token.php" && has_param(&r.query, "action=get")).count()
}

fn status(status: u16) -> Fault {
    Fault::Status { status, retry_after: None }
}

fn policy(uid: u64, description: &str, default: DefaultAction) -> TodPolicy {
    TodPolicy { uid, description: description.to_owned(), default }
}

fn assert_no_secret(what: &str, text: &str) {
    for needle in ["SANDBOX-SECRET", "tok-SANDBOX", "pw-SANDBOX"] {
        assert!(!text.contains(needle), "{what} leaks {needle:?}: {text}");
    }
}

fn assert_error_clean(what: &str, err: &Error) {
    assert_no_secret(what, &err.to_string());
    assert_no_secret(what, &format!("{err:?}"));
}

// ---------------------------------------------------------------------------------------
// The six operations

fn six_operations(format: Format) {
    let sb = start(Seed::Demo);
    let client = client(&sb, format);

    // priority read, with each filter.
    let all = client.read_assignments(None, None).unwrap();
    assert_eq!((all.total, all.records.len()), (12, 12));
    let agent = client.read_assignments(Some(1234), None).unwrap();
    assert_eq!(agent.records, vec![Assignment::new(1234, 1007, 0), Assignment::new(1234, 1234, 100)]);
    assert_eq!(agent.total, 2);
    let queue = client.read_assignments(None, Some(1301)).unwrap();
    assert_eq!(
        queue.records,
        vec![Assignment::new(1240, 1301, 90), Assignment::new(1241, 1301, 100), Assignment::new(1250, 1301, 30)]
    );
    let both = client.read_assignments(Some(1235), Some(1300)).unwrap();
    assert_eq!(both.records, vec![Assignment::new(1235, 1300, 100)]);
    assert!(client.read_assignments(Some(9999), None).unwrap().records.is_empty());

    // priority create, then read back.
    let created = client.create_assignments(&[Assignment::new(77, 1007, 5), Assignment::new(77, 1234, 6)]).unwrap();
    assert_eq!((created.total, created.bad, created.account_id), (2, 0, Some(10278)));
    assert!(created.key.is_some_and(|k| k > 0), "{created:?}");
    let back = client.read_assignments(Some(77), None).unwrap();
    assert_eq!(back.records, vec![Assignment::new(77, 1007, 5), Assignment::new(77, 1234, 6)]);

    // Creating an existing pair adds nothing and keeps its level.
    let again = client.create_assignments(&[Assignment::new(77, 1007, 9)]).unwrap();
    assert_eq!((again.total, again.bad), (0, 0));
    let seeded = client.create_assignments(&[Assignment::new(1234, 1007, 42)]).unwrap();
    assert_eq!(seeded.total, 0);
    assert_eq!(client.read_assignments(Some(77), Some(1007)).unwrap().records, vec![Assignment::new(77, 1007, 5)]);
    assert_eq!(client.read_assignments(Some(1234), Some(1007)).unwrap().records, vec![Assignment::new(1234, 1007, 0)]);

    // priority update, then read back.
    let updated = client.update_assignments(&[Assignment::new(77, 1007, 50)]).unwrap();
    assert_eq!((updated.total, updated.bad), (1, 0));
    assert_eq!(
        client.read_assignments(Some(77), None).unwrap().records,
        vec![Assignment::new(77, 1007, 50), Assignment::new(77, 1234, 6)]
    );

    // tod_policy read, all and by id.
    let policies = client.read_policies(None).unwrap();
    assert_eq!(
        policies.records,
        vec![
            policy(2164, "MyTOD", DefaultAction::Queue),
            policy(2170, "Lunch", DefaultAction::Voicemail),
            policy(2175, "Overflow", DefaultAction::Jump(1300)),
            policy(2178, "OutOfHours", DefaultAction::Hangup),
        ]
    );
    assert_eq!(
        client.read_policies(Some(2175)).unwrap().records,
        vec![policy(2175, "Overflow", DefaultAction::Jump(1300))]
    );
    assert!(client.read_policies(Some(1)).unwrap().records.is_empty());

    // tod_policy create twice: two different keys, both readable.
    let new = NewTodPolicy::new("Nuit & <café> ☎", DefaultAction::Jump(1007));
    let first = client.create_policies(std::slice::from_ref(&new)).unwrap();
    let second = client.create_policies(std::slice::from_ref(&new)).unwrap();
    assert_eq!((first.total, first.bad, second.total), (1, 0, 1));
    let (k1, k2) = (first.key.unwrap(), second.key.unwrap());
    assert_ne!(k1, k2);
    assert!(k1 > 2178 && k2 > 2178, "{k1} {k2}");
    assert_eq!(
        client.read_policies(Some(k1)).unwrap().records,
        vec![policy(k1, "Nuit & <café> ☎", DefaultAction::Jump(1007))]
    );
    assert_eq!(client.read_policies(None).unwrap().records.len(), 6);

    // tod_policy update: both fields, then one, read back each time.
    let up = client
        .update_policies(&[TodPolicyUpdate::new(k1).description("Night").default_action(DefaultAction::Voicemail)])
        .unwrap();
    assert_eq!((up.total, up.bad), (1, 0));
    assert_eq!(client.read_policies(Some(k1)).unwrap().records, vec![policy(k1, "Night", DefaultAction::Voicemail)]);
    client.update_policies(&[TodPolicyUpdate::new(k2).default_action(DefaultAction::Hangup)]).unwrap();
    assert_eq!(
        client.read_policies(Some(k2)).unwrap().records,
        vec![policy(k2, "Nuit & <café> ☎", DefaultAction::Hangup)]
    );

    // Updating an unknown policy is an API error, and changes nothing.
    let err = client.update_policies(&[TodPolicyUpdate::new(999_999).description("x")]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api, "{err}");
    assert_eq!(client.read_policies(None).unwrap().records.len(), 6);

    // Every call went out in the client's format.
    let wire = match format {
        Format::Json => "format=json",
        Format::Xml => "format=xml",
    };
    let requests = sb.requests();
    assert!(requests.len() >= 20);
    for r in &requests {
        assert!(has_param(&r.query, wire), "{r:?}");
    }
}

#[test]
fn six_operations_json() {
    six_operations(Format::Json);
}

#[test]
fn six_operations_xml() {
    six_operations(Format::Xml);
}

// ---------------------------------------------------------------------------------------
// Batches

#[test]
fn batches_are_split_and_aggregated() {
    let sb = start(Seed::Empty);
    let client = quick(&sb.base_url()).token(SECRET_TOKEN).batch_size(4).build().unwrap();
    assert_eq!(client.batch_size(), 4);
    assert_eq!((client.timeout(), client.retry()), (Duration::from_secs(2), fast_retry(3)));

    let records: Vec<_> = (0..10).map(|i| Assignment::new(500 + i, 1300, 10)).collect();
    let outcome = client.create_assignments_batched(&records);
    assert!(outcome.is_complete(), "{outcome:?}");
    assert_eq!((outcome.chunks, outcome.total, outcome.bad), (3, 10, 0));
    assert_eq!(outcome.keys.len(), 3);
    assert!(outcome.keys.windows(2).all(|w| w[0] < w[1]), "{:?}", outcome.keys);
    let creates = api_requests(&sb, "priority", "create");
    assert_eq!(creates.len(), 3);
    let per_request: Vec<_> = creates.iter().map(|r| r.body.matches("agentid").count()).collect();
    assert_eq!(per_request, vec![4, 4, 2]);
    assert_eq!(client.read_assignments(None, Some(1300)).unwrap().records, records);

    // An update batch with one unknown pair in the last chunk: that chunk is a partial
    // failure, the rest is applied.
    let mut changes: Vec<_> = (0..10).map(|i| Assignment::new(500 + i, 1300, 20 + i as u32)).collect();
    changes.push(Assignment::new(999, 1300, 1));
    let outcome = client.update_assignments_batched(&changes);
    assert_eq!((outcome.chunks, outcome.total, outcome.bad), (3, 10, 1));
    assert!(!outcome.is_complete());
    assert!(!outcome.outcome_unknown());
    assert_eq!(outcome.failures.len(), 1);
    let failure = &outcome.failures[0];
    assert_eq!((failure.offset, failure.len), (8, 3));
    let api = failure.error.api().unwrap();
    assert!(api.partial, "{api:?}");
    assert_eq!((api.total, api.bad), (Some(2), Some(1)));
    assert_eq!(api_requests(&sb, "priority", "update").len(), 3);
    assert_eq!(client.read_assignments(None, Some(1300)).unwrap().records, changes[..10].to_vec());

    // TOD policies: 6 in chunks of 4.
    let new: Vec<_> = (0..6).map(|i| NewTodPolicy::new(format!("Policy {i}"), DefaultAction::Queue)).collect();
    let outcome = client.create_policies_batched(&new);
    assert!(outcome.is_complete(), "{outcome:?}");
    assert_eq!((outcome.chunks, outcome.total), (2, 6));
    assert_eq!(api_requests(&sb, "tod_policy", "create").len(), 2);
    let stored = client.read_policies(None).unwrap().records;
    assert_eq!(
        stored.iter().map(|p| p.description.as_str()).collect::<Vec<_>>(),
        ["Policy 0", "Policy 1", "Policy 2", "Policy 3", "Policy 4", "Policy 5"]
    );
    let uids: Vec<_> = stored.iter().map(|p| p.uid).collect();
    assert_eq!(outcome.keys.len(), 2);
    assert!(outcome.keys.iter().all(|k| uids.contains(k)), "{:?} not in {uids:?}", outcome.keys);

    let updates: Vec<_> =
        uids.iter().map(|&uid| TodPolicyUpdate::new(uid).default_action(DefaultAction::Hangup)).collect();
    let outcome = client.update_policies_batched(&updates);
    assert!(outcome.is_complete(), "{outcome:?}");
    assert_eq!((outcome.chunks, outcome.total), (2, 6));
    assert_eq!(api_requests(&sb, "tod_policy", "update").len(), 2);
    assert!(client.read_policies(None).unwrap().records.iter().all(|p| p.default == DefaultAction::Hangup));
}

// ---------------------------------------------------------------------------------------
// Retries

#[test]
fn reads_updates_and_priority_creates_are_retried_on_503() {
    let sb = start(Seed::Demo);
    let client = client(&sb, Format::Json);

    sb.push_fault(FaultSpec::new(status(503)).times(2));
    let listing = client.read_assignments(Some(1234), None).unwrap();
    assert_eq!(listing.records.len(), 2);
    let reads = api_requests(&sb, "priority", "read");
    assert_eq!(reads.len(), 3);
    assert_eq!(reads.iter().filter(|r| r.fault.is_some()).count(), 2);

    sb.push_fault(FaultSpec::new(status(503)).times(2));
    assert_eq!(client.update_assignments(&[Assignment::new(1234, 1007, 7)]).unwrap().total, 1);
    assert_eq!(api_requests(&sb, "priority", "update").len(), 3);

    sb.push_fault(FaultSpec::new(status(502)).times(2));
    assert_eq!(client.create_assignments(&[Assignment::new(88, 1007, 3)]).unwrap().total, 1);
    assert_eq!(api_requests(&sb, "priority", "create").len(), 3);

    sb.push_fault(FaultSpec::new(status(503)).times(2));
    assert_eq!(client.read_policies(Some(2170)).unwrap().records.len(), 1);
    assert_eq!(api_requests(&sb, "tod_policy", "read").len(), 3);

    sb.push_fault(FaultSpec::new(status(500)).times(2));
    assert_eq!(client.update_policies(&[TodPolicyUpdate::new(2170).description("Long lunch")]).unwrap().total, 1);
    assert_eq!(api_requests(&sb, "tod_policy", "update").len(), 3);

    // Each change was applied once, and is visible.
    assert_eq!(client.read_assignments(Some(1234), Some(1007)).unwrap().records, vec![Assignment::new(1234, 1007, 7)]);
    assert_eq!(client.read_assignments(Some(88), None).unwrap().records, vec![Assignment::new(88, 1007, 3)]);
    assert_eq!(client.read_policies(Some(2170)).unwrap().records[0].description, "Long lunch");

    // More faults than attempts: the last status is reported, after max_attempts requests.
    sb.clear_requests();
    sb.push_fault(FaultSpec::new(status(503)).times(3));
    let err = client.read_policies(None).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::HttpStatus, Some(503)), "{err}");
    assert_eq!(sb.requests().len(), 3);
}

#[test]
fn retry_after_on_429_is_honoured() {
    let sb = start(Seed::Demo);
    let client = quick(&sb.base_url())
        .token(SECRET_TOKEN)
        .retry(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_secs(2),
        })
        .build()
        .unwrap();
    // Retry-After: 1 s, within max_backoff, where the jitter alone would be <= 1 ms.
    sb.push_fault(Fault::Status { status: 429, retry_after: Some(1) });
    let start = Instant::now();
    let listing = client.read_assignments(None, Some(1007)).unwrap();
    let elapsed = start.elapsed();
    assert_eq!(listing.records.len(), 4);
    let reads = api_requests(&sb, "priority", "read");
    assert_eq!(reads.len(), 2);
    assert!(reads[0].fault.is_some() && reads[1].fault.is_none(), "{reads:?}");
    // A lower bound only: the pause before the repeat was the whole Retry-After.
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");

    // Also for the writes that are safe to repeat.
    for action in ["update", "create"] {
        sb.push_fault(
            FaultSpec::new(Fault::Status { status: 429, retry_after: Some(1) }).method("priority").action(action),
        );
    }
    assert_eq!(client.update_assignments(&[Assignment::new(1241, 1007, 6)]).unwrap().total, 1);
    assert_eq!(client.create_assignments(&[Assignment::new(1241, 1300, 8)]).unwrap().total, 1);
    assert_eq!(api_requests(&sb, "priority", "update").len(), 2);
    assert_eq!(api_requests(&sb, "priority", "create").len(), 2);
    assert_eq!(
        client.read_assignments(Some(1241), None).unwrap().records,
        vec![Assignment::new(1241, 1007, 6), Assignment::new(1241, 1300, 8), Assignment::new(1241, 1301, 100)]
    );
}

#[test]
fn retry_after_beyond_the_cap_or_budget_ends_the_call() {
    // The client never repeats earlier than the server allowed (RetryPolicy docs): a
    // Retry-After longer than max_backoff (20 ms here) ends the call with that status at
    // once, after exactly one request, instead of waiting 30 s or repeating after 20 ms.
    let sb = start(Seed::Demo);
    let client = client(&sb, Format::Json);
    for status in [429, 503] {
        sb.clear_requests();
        sb.push_fault(Fault::Status { status, retry_after: Some(30) });
        let start = Instant::now();
        let err = client.read_assignments(None, Some(1007)).unwrap_err();
        let elapsed = start.elapsed();
        assert_eq!((err.kind(), err.status()), (ErrorKind::HttpStatus, Some(status)), "{err}");
        assert!(!err.outcome_unknown(), "{err:?}");
        assert_eq!(sb.requests().len(), 1, "{:?}", sb.requests());
        assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    }
    // The same for a write that is safe to repeat.
    sb.clear_requests();
    sb.push_fault(FaultSpec::new(Fault::Status { status: 429, retry_after: Some(30) }).action("update"));
    let err = client.update_assignments(&[Assignment::new(1234, 1007, 9)]).unwrap_err();
    assert_eq!(err.status(), Some(429), "{err}");
    assert_eq!(sb.requests().len(), 1);
    // The fault is used up: the next call goes through at once.
    assert_eq!(client.read_assignments(None, Some(1007)).unwrap().records.len(), 4);

    // Within max_backoff but longer than what is left of the total timeout: the same.
    let client = quick(&sb.base_url())
        .token(SECRET_TOKEN)
        .retry(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_secs(60),
        })
        .total_timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    sb.clear_requests();
    sb.push_fault(Fault::Status { status: 429, retry_after: Some(2) });
    let start = Instant::now();
    let err = client.read_policies(None).unwrap_err();
    assert_eq!(err.status(), Some(429), "{err}");
    assert_eq!(sb.requests().len(), 1);
    assert!(start.elapsed() < Duration::from_secs(5), "{:?}", start.elapsed());
}

#[test]
fn policy_create_is_not_repeated_after_a_reset() {
    let sb = start(Seed::Demo);
    let client = client(&sb, Format::Json);
    sb.push_fault(FaultSpec::new(Fault::Reset).method("tod_policy").action("create"));
    let err = client.create_policies(&[NewTodPolicy::new("Reset", DefaultAction::Queue)]).unwrap_err();
    assert!(matches!(err, Error::Transport { outcome_unknown: true, .. }), "{err:?}");
    assert!(err.outcome_unknown());
    assert!(err.to_string().contains("outcome unknown"), "{err}");
    assert_eq!(api_requests(&sb, "tod_policy", "create").len(), 1);
    // The sandbox resets before processing: nothing was created (the client could not know).
    assert_eq!(client.read_policies(None).unwrap().records.len(), 4);

    // A read after a reset is repeated, on a new connection, and succeeds.
    sb.push_fault(FaultSpec::new(Fault::Reset).action("read"));
    assert_eq!(client.read_policies(Some(2164)).unwrap().records.len(), 1);
    assert_eq!(api_requests(&sb, "tod_policy", "read").len(), 3);
}

#[test]
fn policy_create_is_not_repeated_after_a_truncated_answer() {
    for format in [Format::Json, Format::Xml] {
        let sb = start(Seed::Demo);
        let client = client(&sb, format);
        sb.push_fault(Fault::Truncate);
        let err = client.create_policies(&[NewTodPolicy::new("Cut", DefaultAction::Hangup)]).unwrap_err();
        assert!(matches!(err, Error::Transport { outcome_unknown: true, .. }), "{err:?}");
        assert!(err.to_string().contains("outcome unknown"), "{err}");
        assert_eq!(api_requests(&sb, "tod_policy", "create").len(), 1);
        // The write was applied, exactly once: only the answer was lost.
        let cut: Vec<_> =
            client.read_policies(None).unwrap().records.into_iter().filter(|p| p.description == "Cut").collect();
        assert_eq!(cut.len(), 1, "{cut:?}");

        // A priority create is repeated after the same fault: the repeat finds the pair
        // already there (total 0), and the pair exists once.
        sb.push_fault(Fault::Truncate);
        let result = client.create_assignments(&[Assignment::new(66, 1300, 4)]).unwrap();
        assert_eq!(result.total, 0);
        assert_eq!(api_requests(&sb, "priority", "create").len(), 2);
        assert_eq!(client.read_assignments(Some(66), None).unwrap().records, vec![Assignment::new(66, 1300, 4)]);
    }
}

#[test]
fn policy_create_on_an_error_status_is_reported_not_repeated() {
    // The client's rule (RetryPolicy docs, design.md §5): only reads, updates and priority
    // creates are repeated; a TOD policy create never is, whatever the status. A PHP 500 or a
    // gateway's 502/504 may come after the write was applied, so it is reported with
    // `outcome_unknown`; 503 and 429 say "not processed", so the outcome is known. (The
    // sandbox answers every status fault before processing: nothing is created either way,
    // which the client cannot know for 500/502/504.) Each fault is pushed once, so a repeat
    // would have succeeded and created a policy.
    let sb = start(Seed::Demo);
    let client = client(&sb, Format::Json);
    for (status, unknown) in [(500, true), (502, true), (504, true), (503, false), (429, false)] {
        sb.clear_requests();
        sb.push_fault(FaultSpec::new(self::status(status)).method("tod_policy").action("create"));
        let err = client.create_policies(&[NewTodPolicy::new("Busy", DefaultAction::Queue)]).unwrap_err();
        assert_eq!((err.kind(), err.status()), (ErrorKind::HttpStatus, Some(status)), "{err}");
        assert!(matches!(err, Error::HttpStatus { outcome_unknown, .. } if outcome_unknown == unknown), "{err:?}");
        assert_eq!(err.outcome_unknown(), unknown, "{status}: {err:?}");
        assert_eq!(err.to_string().contains("outcome unknown"), unknown, "{err}");
        assert_error_clean("policy create status", &err);
        assert_eq!(api_requests(&sb, "tod_policy", "create").len(), 1, "{status}");
        assert_eq!(client.read_policies(None).unwrap().records.len(), 4, "{status}");
    }

    // The same statuses on operations that are safe to repeat are never "outcome unknown".
    sb.push_fault(FaultSpec::new(status(502)).times(3).action("update"));
    let err = client.update_policies(&[TodPolicyUpdate::new(2170).description("x")]).unwrap_err();
    assert_eq!((err.status(), err.outcome_unknown()), (Some(502), false), "{err:?}");
    sb.push_fault(FaultSpec::new(status(500)).times(3).action("create"));
    let err = client.create_assignments(&[Assignment::new(77, 1007, 1)]).unwrap_err();
    assert_eq!((err.status(), err.outcome_unknown()), (Some(500), false), "{err:?}");

    // Two queued 503s: each create gets one, unrepeated; then one succeeds.
    sb.clear_requests();
    sb.push_fault(FaultSpec::new(status(503)).times(2).method("tod_policy").action("create"));
    for _ in 0..2 {
        let err = client.create_policies(&[NewTodPolicy::new("Busy", DefaultAction::Queue)]).unwrap_err();
        assert_eq!((err.status(), err.outcome_unknown()), (Some(503), false), "{err:?}");
    }
    let ok = client.create_policies(&[NewTodPolicy::new("Busy", DefaultAction::Queue)]).unwrap();
    assert_eq!(
        client.read_policies(ok.key).unwrap().records,
        vec![policy(ok.key.unwrap(), "Busy", DefaultAction::Queue)]
    );
    assert_eq!(api_requests(&sb, "tod_policy", "create").len(), 3);
}

// ---------------------------------------------------------------------------------------
// Tokens

/// A loopback relay in front of the sandbox that remembers the last token sent to
/// `database.php`: the sandbox records tokens as `***` and the client never shows them, but
/// a test must name the client's current token to expire it.
struct Sniffer {
    base_url: String,
    last_token: Arc<Mutex<Option<String>>>,
}

impl Sniffer {
    fn start(upstream: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let target = upstream.trim_start_matches("http://").to_owned();
        let last_token = Arc::new(Mutex::new(None));
        let seen = last_token.clone();
        thread::spawn(move || {
            for downstream in listener.incoming().flatten() {
                let Ok(upstream) = TcpStream::connect(&target) else { continue };
                let (mut down_read, mut up_write) = (downstream.try_clone().unwrap(), upstream.try_clone().unwrap());
                let seen = seen.clone();
                thread::spawn(move || {
                    let mut text = String::new();
                    let mut buf = [0u8; 16 * 1024];
                    while let Ok(n @ 1..) = down_read.read(&mut buf) {
                        text.push_str(&String::from_utf8_lossy(&buf[..n]));
                        while let Some(start) = text.find("/database.php?token=") {
                            let rest = &text[start + "/database.php?token=".len()..];
                            let Some(end) = rest.find(['&', ' ']) else { break };
                            *seen.lock().unwrap() = Some(rest[..end].to_owned());
                            text = rest[end..].to_owned();
                        }
                        if up_write.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = up_write.shutdown(Shutdown::Write);
                });
                thread::spawn(move || {
                    let (mut up_read, mut down_write) = (upstream, downstream);
                    let _ = std::io::copy(&mut up_read, &mut down_write);
                    let _ = down_write.shutdown(Shutdown::Both);
                });
            }
        });
        Self { base_url, last_token }
    }

    fn token(&self) -> String {
        self.last_token.lock().unwrap().clone().unwrap()
    }
}

#[test]
fn expired_token_is_refreshed_once() {
    let sb = start(Seed::Demo);
    let relay = Sniffer::start(&sb.base_url());
    let client = quick(&relay.base_url).credentials(USER, PASSWORD).build().unwrap();
    assert_eq!(client.read_assignments(Some(1234), None).unwrap().records.len(), 2);
    client.read_policies(None).unwrap();
    assert_eq!(token_gets(&sb), 1, "the token is cached");
    let first = relay.token();
    assert_eq!(first.len(), 32);

    sb.expire_token(&first);
    sb.clear_requests();
    assert_eq!(client.read_assignments(Some(1234), None).unwrap().records.len(), 2);
    let second = relay.token();
    assert_ne!(first, second);
    // Rejected read, one token fetch, repeated read.
    let paths: Vec<_> = sb.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, ["/database.php", "/token.php", "/database.php"]);
    assert_eq!(token_gets(&sb), 1);

    // The new token is cached in turn, for every operation.
    client.create_assignments(&[Assignment::new(1234, 1300, 1)]).unwrap();
    client.update_policies(&[TodPolicyUpdate::new(2164).description("Mine")]).unwrap();
    assert_eq!(token_gets(&sb), 1);
    assert_eq!(relay.token(), second);

    // A policy create with an expired token is also refreshed and sent again: the rejection
    // proves nothing was applied.
    sb.expire_token(&second);
    let created = client.create_policies(&[NewTodPolicy::new("After refresh", DefaultAction::Queue)]).unwrap();
    assert_eq!(created.total, 1);
    assert_eq!(token_gets(&sb), 2);
    assert_eq!(api_requests(&sb, "tod_policy", "create").len(), 2);
    assert_eq!(
        client.read_policies(None).unwrap().records.iter().filter(|p| p.description == "After refresh").count(),
        1
    );
}

#[test]
fn token_is_refreshed_before_it_expires() {
    // 4 s of life, so a margin of half that: the client reuses it for about 2 s, then gets a
    // new one before the sandbox would refuse the old one.
    let sb = start_with(Config { seed: Seed::Demo, token_lifetime: Duration::from_secs(4), ..Config::default() });
    let client = quick(&sb.base_url()).credentials(USER, PASSWORD).build().unwrap();
    client.read_assignments(Some(1235), None).unwrap();
    client.read_assignments(Some(1235), None).unwrap();
    assert_eq!(token_gets(&sb), 1, "reused");
    thread::sleep(Duration::from_millis(2100));
    assert_eq!(client.read_assignments(Some(1235), None).unwrap().records.len(), 2);
    let paths: Vec<_> = sb.requests().iter().map(|r| r.path.clone()).collect();
    // No request was refused: the refresh came first.
    assert_eq!(paths, ["/token.php", "/database.php", "/database.php", "/token.php", "/database.php"]);
}

#[test]
fn rejected_static_token_is_an_api_error_without_a_loop() {
    let sb = start(Seed::Demo);
    let client = client(&sb, Format::Json);
    client.read_policies(None).unwrap();

    sb.revoke_token(SECRET_TOKEN);
    sb.clear_requests();
    let err = client.read_policies(None).unwrap_err();
    let api = err.api().unwrap();
    assert!(api.is_token_rejected(), "{api:?}");
    assert!(api.message.contains("Invalid token"), "{api:?}");
    assert_eq!(sb.requests().len(), 1, "no refresh, no repeat");
    assert_error_clean("revoked", &err);

    // Expired (after a reset makes it valid again): the same, with expire -1.
    sb.reset();
    client.read_policies(None).unwrap();
    sb.expire_token(SECRET_TOKEN);
    sb.clear_requests();
    let xml = quick(&sb.base_url()).token(SECRET_TOKEN).format(Format::Xml).build().unwrap();
    for client in [&client, &xml] {
        let err = client.create_assignments(&[Assignment::new(1, 1007, 1)]).unwrap_err();
        let api = err.api().unwrap();
        assert!(api.is_token_rejected(), "{api:?}");
        assert_eq!(api.expire, Some(-1), "{api:?}");
    }
    assert_eq!(sb.requests().len(), 2);
}

#[test]
fn concurrent_calls_share_one_refresh() {
    // Every call that saw the rejected token asks for a refresh with that token's cache
    // generation; the first fetches under the cache lock, the others find a newer generation
    // and reuse its token (src/auth.rs, Client::execute). So exactly one token.php request.
    const THREADS: usize = 8;
    let sb = start(Seed::Demo);
    let relay = Sniffer::start(&sb.base_url());
    let client = quick(&relay.base_url).credentials(USER, PASSWORD).build().unwrap();
    client.read_policies(None).unwrap();
    sb.expire_token(&relay.token());
    sb.clear_requests();

    let barrier = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|i| {
            let (client, barrier) = (client.clone(), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                if i % 2 == 0 {
                    client.read_assignments(Some(1234), None).map(|l| l.records.len())
                } else {
                    client.read_policies(None).map(|l| l.records.len())
                }
            })
        })
        .collect();
    for (i, t) in threads.into_iter().enumerate() {
        assert_eq!(t.join().unwrap().unwrap(), if i % 2 == 0 { 2 } else { 4 });
    }
    assert_eq!(token_gets(&sb), 1);
    let api_calls = sb.requests().iter().filter(|r| r.path == "/database.php").count();
    // Each call is sent at most twice (rejected, then repeated once); at least the one that
    // triggered the refresh was rejected.
    eprintln!("{api_calls} database.php requests for {THREADS} calls");
    assert!((THREADS + 1..=2 * THREADS).contains(&api_calls), "{api_calls}");
}

// ---------------------------------------------------------------------------------------
// Timeouts and redaction

#[test]
fn delay_past_the_attempt_timeout_is_a_timeout() {
    let sb = start(Seed::Demo);
    let client = quick(&sb.base_url())
        .token(SECRET_TOKEN)
        .timeout(Duration::from_millis(200))
        .retry(fast_retry(2))
        .build()
        .unwrap();
    sb.push_fault(FaultSpec::new(Fault::Delay { ms: 1000 }).times(2));
    let err = client.read_assignments(Some(1234), None).unwrap_err();
    assert!(matches!(err, Error::Timeout { outcome_unknown: false, .. }), "{err:?}");
    assert!(err.to_string().contains("after 2 attempts"), "{err}");
    assert_eq!(api_requests(&sb, "priority", "read").len(), 2);
    assert_error_clean("read timeout", &err);

    // A policy create that timed out is not repeated, and its outcome is unknown.
    sb.push_fault(Fault::Delay { ms: 1000 });
    let err = client.create_policies(&[NewTodPolicy::new("Slow", DefaultAction::Queue)]).unwrap_err();
    assert!(matches!(err, Error::Timeout { outcome_unknown: true, .. }), "{err:?}");
    assert_eq!(api_requests(&sb, "tod_policy", "create").len(), 1);
    assert_error_clean("create timeout", &err);

    // Once the delay is gone the same client works.
    assert_eq!(client.read_assignments(Some(1234), None).unwrap().records.len(), 2);
}

#[test]
fn secrets_never_leak() {
    let sb = start(Seed::Demo);
    let client = quick(&sb.base_url())
        .token(SECRET_TOKEN)
        .retry(fast_retry(2))
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    assert_no_secret("client", &format!("{client:?}"));
    client.read_assignments(Some(1234), None).unwrap();

    let mut errors = Vec::new();
    sb.push_fault(FaultSpec::new(status(503)).times(2));
    errors.push(("503", client.read_policies(None).unwrap_err()));
    sb.push_fault(Fault::ApiError { error: format!("Refused token {SECRET_TOKEN} (token={SECRET_TOKEN})") });
    errors.push(("api error", client.read_policies(None).unwrap_err()));
    sb.push_fault(FaultSpec::new(Fault::Reset).times(2));
    errors.push(("reset", client.read_policies(None).unwrap_err()));
    sb.push_fault(Fault::Truncate);
    errors.push(("truncate", client.create_policies(&[NewTodPolicy::new("x", DefaultAction::Queue)]).unwrap_err()));
    sb.push_fault(FaultSpec::new(Fault::Delay { ms: 600 }).times(2));
    errors.push(("delay", client.read_policies(None).unwrap_err()));
    let kinds: Vec<_> = errors.iter().map(|(_, e)| e.kind()).collect();
    assert_eq!(
        kinds,
        [ErrorKind::HttpStatus, ErrorKind::Api, ErrorKind::Transport, ErrorKind::Transport, ErrorKind::Timeout]
    );
    assert!(errors[1].1.to_string().contains("Refused token"), "{}", errors[1].1);
    sb.revoke_token(SECRET_TOKEN);
    errors.push(("revoked", client.read_policies(None).unwrap_err()));
    for (what, err) in &errors {
        eprintln!("{what}: {err}");
        assert_error_clean(what, err);
    }

    // Credentials: neither the password nor the issued token shows, also on a wrong password.
    let creds = quick(&sb.base_url()).credentials(USER, PASSWORD).build().unwrap();
    assert_no_secret("credentials client", &format!("{creds:?}"));
    creds.read_policies(None).unwrap();
    let wrong = quick(&sb.base_url()).credentials(USER, "pw-SANDBOX-SECRET-wrong").build().unwrap();
    let err = wrong.read_policies(None).unwrap_err();
    assert!(err.api().unwrap().message.contains("Authentication failure"), "{err}");
    assert_error_clean("wrong password", &err);

    // What reached the sandbox carried the secrets, and its records show them as ***.
    let requests = sb.requests();
    assert!(requests.len() > 10);
    for r in &requests {
        assert_no_secret("recorded request", &format!("{r:?}"));
        let secret_param = if r.path == "/token.php" { "password=***" } else { "token=***" };
        assert!(has_param(&r.query, secret_param), "{r:?}");
    }
}

// ---------------------------------------------------------------------------------------
// The generic call

#[test]
fn the_generic_call_on_priority_gives_the_typed_fields() {
    let sb = start(Seed::Demo);
    for format in [Format::Json, Format::Xml] {
        let client = quick(&sb.base_url()).token(sb.token()).format(format).build().unwrap();
        let typed = client.read_assignments(Some(1234), None).unwrap();
        let generic =
            client.execute(&contactnow::GenericCall::read("priority", "read").filter("agent", "1234")).unwrap();
        let fields: Vec<(String, String, String)> = generic
            .records
            .iter()
            .map(|r| {
                let get = |f| r.get(f).unwrap_or_default().to_owned();
                (get("agentid"), get("qid"), get("level"))
            })
            .collect();
        let expected: Vec<(String, String, String)> = typed
            .records
            .iter()
            .map(|a| (a.agent_id.to_string(), a.queue_id.to_string(), a.level.to_string()))
            .collect();
        assert_eq!(fields, expected, "{format:?}");
        assert_eq!(generic.total, Some(typed.total), "{format:?}");
        // A write through the generic call, then the typed read sees it.
        let record = vec![
            ("agentid".to_owned(), "1234".to_owned()),
            ("qid".to_owned(), "1301".to_owned()),
            ("level".to_owned(), "7".to_owned()),
        ];
        let mut write = contactnow::GenericCall::write("priority", "create", vec![record]);
        write.repeatable = true;
        client.execute(&write).unwrap();
        assert!(client.read_assignments(Some(1234), Some(1301)).unwrap().records.iter().any(|a| a.level == 7));
        // A method the sandbox does not emulate: its documented error, as an API error.
        let err = client.execute(&contactnow::GenericCall::read("queues", "read")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Api, "{err}");
    }
}
