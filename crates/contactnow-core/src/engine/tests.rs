//! The engine on scripted answers: the steps it takes, with fixed time and seed.

use std::time::{Duration, UNIX_EPOCH};

use super::*;
use crate::{CreatePolicies, DefaultAction, ErrorKind, NewTodPolicy, ReadAssignments, ReadPolicies};

const T0: u64 = 1_800_000_000;

/// A scripted answer to one attempt.
enum Answer {
    Status(u16, &'static str),
    Fail(Failure),
}

/// Runs `call` against `answers`, with time moving only by the pauses; returns what was sent,
/// the pauses, and the result.
fn run<O: Operation>(
    mut call: Call<O>,
    answers: Vec<Answer>,
) -> (Vec<String>, Vec<Duration>, Result<O::Output, Error>) {
    let mut answers = answers.into_iter();
    let (mut sent, mut pauses) = (Vec::new(), Vec::new());
    let mut clock = Duration::ZERO;
    loop {
        let now = Now { monotonic: clock, wall: UNIX_EPOCH + Duration::from_secs(T0) + clock };
        match call.step(now) {
            Step::Send(send) => {
                sent.push(send.request.redacted_url());
                match answers.next() {
                    Some(Answer::Status(status, body)) => {
                        let mut response = HttpResponse::new(status, Some("application/json"), body);
                        if status == 429 {
                            response = response.with_retry_after("2");
                        }
                        call.received(response)
                    }
                    Some(Answer::Fail(f)) => call.failed(f),
                    None => panic!("no scripted answer left"),
                }
            }
            Step::Sleep(d) => {
                pauses.push(d);
                clock += d;
            }
            Step::NeedToken => call.provide_token(Ok(Token::new("PROVIDED"))),
            Step::Done(result) => return (sent, pauses, result),
        }
    }
}

fn session(auth: Auth) -> Arc<Session> {
    let config = Config {
        retry: RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
        },
        ..Config::default()
    };
    Arc::new(Session::new(config, auth))
}

const EMPTY: &str = r#"{"success":true,"total":0,"list":[]}"#;
const EXPIRED: &str = r#"{"success":false,"error":"Expired token","expire":-1}"#;

#[test]
fn retries_a_read_with_jitter_and_retry_after() {
    let read = ReadAssignments::default();
    let call = Call::new(session(Auth::Token(Token::new("T"))), read, 1);
    let (sent, pauses, result) =
        run(call, vec![Answer::Status(503, "busy"), Answer::Status(429, "slow"), Answer::Status(200, EMPTY)]);
    assert_eq!(sent.len(), 3);
    assert!(result.is_ok());
    assert!(pauses[0] <= Duration::from_millis(100), "jittered under the first cap: {pauses:?}");
    assert_eq!(pauses[1], Duration::from_secs(2), "Retry-After wins");
    // The same seed, the same pauses.
    let again = Call::new(session(Auth::Token(Token::new("T"))), read, 1);
    let (_, repeat, _) = run(again, vec![Answer::Status(503, ""), Answer::Status(429, ""), Answer::Status(200, EMPTY)]);
    assert_eq!(pauses, repeat);
}

#[test]
fn a_tod_create_is_never_repeated_once_it_may_have_been_sent() {
    let op = CreatePolicies { records: vec![NewTodPolicy::new("Night", DefaultAction::Hangup)] };
    let call = Call::new(session(Auth::Token(Token::new("T"))), op.clone(), 1);
    let (sent, _, result) = run(call, vec![Answer::Fail(Failure::new("connection reset"))]);
    let e = result.unwrap_err();
    assert_eq!((sent.len(), e.kind(), e.outcome_unknown()), (1, ErrorKind::Transport, true));
    // Refused before sending: repeated, and then answered.
    let call = Call::new(session(Auth::Token(Token::new("T"))), op, 1);
    let ok = r#"{"success":true,"total":1,"bad":0,"key":7}"#;
    let refused = Failure::new("connection refused").before_sending();
    let (sent, _, result) = run(call, vec![Answer::Fail(refused), Answer::Status(200, ok)]);
    assert_eq!((sent.len(), result.unwrap().key), (2, Some(7)));
}

#[test]
fn credentials_fetch_then_one_refresh() {
    let auth = Auth::Credentials(GetToken::new("user", "pw-SECRET"));
    let s = session(auth);
    let grant = |t: &str| -> &'static str {
        Box::leak(format!(r#"{{"success":true,"token":"{t}","expire":{}}}"#, T0 + 3600).into_boxed_str())
    };
    let call = Call::new(s.clone(), ReadPolicies::default(), 1);
    let (sent, _, result) = run(
        call,
        vec![
            Answer::Status(200, grant("TOK1")),
            Answer::Status(200, EXPIRED),
            Answer::Status(200, grant("TOK2")),
            Answer::Status(200, EMPTY),
        ],
    );
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(sent.len(), 4);
    assert!(sent[0].contains("token.php") && sent[0].contains("password=***"), "{sent:?}");
    // The next call reuses the cached token.
    let (sent, _, _) = run(Call::new(s.clone(), ReadPolicies::default(), 1), vec![Answer::Status(200, EMPTY)]);
    assert_eq!(sent.len(), 1);
    // Rejected twice in one call: refreshed once, then the error.
    let (sent, _, result) = run(
        Call::new(s, ReadPolicies::default(), 1),
        vec![Answer::Status(401, EXPIRED), Answer::Status(200, grant("TOK3")), Answer::Status(200, EXPIRED)],
    );
    let e = result.unwrap_err();
    assert_eq!((sent.len(), e.kind()), (3, ErrorKind::Api), "{e:?}");
}

#[test]
fn a_waiting_call_takes_the_token_another_call_fetched() {
    let s = session(Auth::Provider);
    let now = Now { monotonic: Duration::ZERO, wall: UNIX_EPOCH + Duration::from_secs(T0) };
    let mut first = Call::new(s.clone(), ReadPolicies::default(), 1);
    let mut second = Call::new(s.clone(), ReadPolicies::default(), 1);
    assert!(matches!(first.step(now), Step::NeedToken));
    assert!(matches!(second.step(now), Step::Sleep(d) if d == LEASE_WAIT));
    first.provide_token(Ok(Token::new("P1")));
    assert!(matches!(first.step(now), Step::Send(_)));
    match second.step(now) {
        Step::Send(send) => assert!(send.request.url.contains("token=P1")),
        other => panic!("{other:?}"),
    }
    // A call dropped while holding the lease frees it.
    let mut third = Call::new(s.clone(), ReadPolicies::default(), 1);
    third.token = None;
    s.cache().store(Token::new("P1"), None, now.wall);
    let rejected = Some(s.cache().generation_for_tests());
    third.state = State::Token { rejected };
    assert!(matches!(third.step(now), Step::NeedToken));
    drop(third);
    let mut fourth = Call::new(s, ReadPolicies::default(), 1);
    fourth.state = State::Token { rejected };
    assert!(matches!(fourth.step(now), Step::NeedToken), "not waiting for a dropped call");
}

#[test]
fn the_total_budget_ends_the_call() {
    let s = Arc::new(Session::new(
        Config { total_timeout: Duration::from_millis(50), retry: RetryPolicy::with_retries(5), ..Config::default() },
        Auth::Token(Token::new("T")),
    ));
    let (sent, pauses, result) =
        run(Call::new(s, ReadPolicies::default(), 3), vec![Answer::Status(429, ""), Answer::Status(200, EMPTY)]);
    // Retry-After 2 s is longer than what is left: no repeat, the 429 is the answer.
    assert_eq!((sent.len(), pauses.len()), (1, 0));
    assert_eq!(result.unwrap_err().status(), Some(429));
}

#[test]
fn errors_never_show_secrets() {
    let s = session(Auth::Credentials(GetToken::new("user", "pw-SECRET")));
    let echo = r#"{"success":false,"error":"bad password pw-SECRET"}"#;
    let (_, _, result) = run(Call::new(s, ReadPolicies::default(), 1), vec![Answer::Status(200, echo)]);
    let text = format!("{:?}", result.unwrap_err());
    assert!(!text.contains("pw-SECRET"), "{text}");
}

#[test]
fn a_too_large_answer_after_a_tod_create_follows_the_status_rule() {
    let op = CreatePolicies { records: vec![NewTodPolicy::new("Night", DefaultAction::Hangup)] };
    let now = Now { monotonic: Duration::ZERO, wall: UNIX_EPOCH + Duration::from_secs(T0) };
    for (status, unknown) in
        [(200, true), (502, true), (504, true), (500, true), (503, false), (429, false), (404, false)]
    {
        let mut call = Call::new(session(Auth::Token(Token::new("T"))), op.clone(), 1);
        assert!(matches!(call.step(now), Step::Send(_)));
        call.too_large(status, 1);
        match call.step(now) {
            Step::Done(Err(e)) => assert_eq!((e.kind(), e.outcome_unknown()), (ErrorKind::Decode, unknown), "{status}"),
            other => panic!("{status}: {other:?}"),
        }
    }
}

/// A session that records every event of its calls.
fn recorded(auth: Auth) -> (Arc<Session>, Arc<Mutex<Vec<Event>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    let observer = move |e: &Event| sink.lock().unwrap().push(e.clone());
    let base = Arc::into_inner(session(auth)).unwrap();
    (Arc::new(base.with_observer(Arc::new(observer))), events)
}

fn names(events: &Mutex<Vec<Event>>) -> Vec<&'static str> {
    events.lock().unwrap().iter().map(Event::name).collect()
}

#[test]
fn events_follow_the_steps_in_order() {
    let (session, events) = recorded(Auth::Token(Token::new("T0KEN")));
    let call = Call::new(session, ReadAssignments { agent_id: Some(7), queue_id: None }, 1);
    let (_, pauses, result) = run(call, vec![Answer::Status(503, "busy"), Answer::Status(200, EMPTY)]);
    assert!(result.is_ok());
    assert_eq!(names(&events), ["call.start", "call.attempt", "call.retry", "call.attempt", "call.end"]);
    let events = events.lock().unwrap();
    let Event::Attempt { status, url, purpose, .. } = &events[1] else { panic!("{events:?}") };
    assert_eq!((*status, *purpose), (Some(503), Purpose::Call));
    assert!(url.contains("token=***") && url.contains("agent=7"), "{url}");
    let Event::Retry { attempt, pause, reason, .. } = &events[2] else { panic!() };
    assert_eq!((*attempt, *pause, reason.as_str()), (2, pauses[0], "HTTP 503"));
    let Event::End { result, attempts, outcome_unknown, .. } = &events[4] else { panic!() };
    assert_eq!((*result, *attempts, *outcome_unknown), ("ok", 2, false));
    assert_eq!(events[0].fields()[1], ("operation", Value::Str("priority.read".into())));
    assert_eq!(events[2].level(), Level::Warn);
    assert_eq!(events[4].level(), Level::Info);
}

#[test]
fn events_report_give_up_refresh_and_never_a_secret() {
    let get = GetToken::new("api-user", "pa ss&word");
    let (session, events) = recorded(Auth::Credentials(get));
    let grant = |t: &str| format!(r#"{{"success":true,"token":"{t}","expire":{}}}"#, T0 + 3600);
    let (first, second) = (grant("TOK-ONE"), grant("TOK-TWO"));
    let echo = "echo TOK-ONE TOK%2DTWO pa+ss%26word token=TOK-TWO";
    let answers = vec![
        Answer::Status(200, Box::leak(first.into_boxed_str())),
        Answer::Status(200, EXPIRED),
        Answer::Status(200, Box::leak(second.into_boxed_str())),
        Answer::Fail(Failure::new(echo)),
        Answer::Fail(Failure::new(echo)),
        Answer::Status(503, echo),
    ];
    let call = Call::new(session, ReadPolicies::default(), 3);
    let (_, _, result) = run(call, answers);
    assert_eq!(result.unwrap_err().kind(), ErrorKind::HttpStatus);
    assert_eq!(
        names(&events),
        [
            "call.start",
            "call.attempt",
            "call.attempt",
            "call.refresh",
            "call.attempt",
            "call.attempt",
            "call.retry",
            "call.attempt",
            "call.retry",
            "call.attempt",
            "call.give_up",
            "call.end"
        ]
    );
    let events = events.lock().unwrap();
    let text: String = events.iter().map(|e| format!("{e} {e:?} {:?}\n", e.fields())).collect();
    for secret in ["TOK-ONE", "TOK-TWO", "TOK%2DTWO", "pa ss&word", "pa+ss%26word", "ss%26"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert!(text.contains("3 of 3 attempts made"), "{text}");
    let Event::Attempt { purpose, .. } = &events[1] else { panic!() };
    assert_eq!(*purpose, Purpose::Token);
}

#[test]
fn a_cancelled_create_in_flight_is_outcome_unknown() {
    let (session, events) = recorded(Auth::Token(Token::new("T")));
    let create = CreatePolicies { records: vec![NewTodPolicy::new("Hours", DefaultAction::Hangup)] };
    let now = Now { monotonic: Duration::ZERO, wall: UNIX_EPOCH + Duration::from_secs(T0) };
    let mut call = Call::new(Arc::clone(&session), create.clone(), 1);
    assert!(matches!(call.step(now), Step::Send(_)));
    assert!(call.cancel().outcome_unknown());
    assert!(matches!(call.step(now), Step::Done(Err(_))));
    // Cancelled before sending: known not applied. Dropped unfinished: the same end event.
    let mut call = Call::new(Arc::clone(&session), create.clone(), 1);
    assert!(matches!(call.step(now), Step::Send(_)));
    call.failed(Failure::new("refused").before_sending());
    assert!(!call.cancel().outcome_unknown());
    let mut call = Call::new(session, create, 1);
    assert!(matches!(call.step(now), Step::Send(_)));
    drop(call);
    let ends: Vec<_> = events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            Event::End { result, outcome_unknown, .. } => Some((*result, *outcome_unknown)),
            _ => None,
        })
        .collect();
    assert_eq!(ends, [("Cancelled", true), ("Cancelled", false), ("Cancelled", true)]);
}

#[test]
fn a_senders_error_reads_as_a_failure() {
    let timeout = Failure::from(Error::Timeout { message: "slow".into(), outcome_unknown: true });
    assert_eq!((timeout.timeout, timeout.not_sent, timeout.message.as_str()), (true, false, "slow"));
    let refused = Failure::from(Error::Transport { message: "refused".into(), outcome_unknown: false });
    assert_eq!((refused.timeout, refused.not_sent), (false, true));
    let reset = Failure::from(Error::Transport { message: "reset".into(), outcome_unknown: true });
    assert_eq!((reset.timeout, reset.not_sent), (false, false));
    let other = Failure::from(Error::invalid("body", "bad"));
    assert_eq!((other.not_sent, other.message.as_str()), (false, "invalid input: body: bad"));
}
