//! What a call reports: the events of `on_event` and `tracing`, in order, never a secret.
#![allow(clippy::unwrap_used)]

use std::{
    io,
    sync::{Arc, Mutex},
    time::Duration,
};

use contactnow::{Client, Event, RetryPolicy};
use contactnow_sandbox::{Config, Fault, FaultSpec, Sandbox, Seed};

const USER: &str = "api-user";
/// A password with characters that are percent-encoded in a form.
const PASSWORD: &str = "pw-EVENTS-SECRET 9&x";

fn sandbox() -> Sandbox {
    Sandbox::start(Config {
        seed: Seed::Demo,
        users: vec![(USER.to_owned(), PASSWORD.to_owned())],
        ..Config::default()
    })
    .unwrap()
}

/// A writer `tracing-subscriber` writes its lines into.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl io::Write for Lines {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Every form of `secret` that must not appear.
fn forms(secret: &str) -> Vec<String> {
    let encoded: String = secret.bytes().map(|b| format!("%{b:02X}")).collect();
    vec![secret.to_owned(), encoded, secret.replace(' ', "+").replace('&', "%26"), secret.replace(' ', "%20")]
}

#[test]
fn a_retried_call_with_a_refresh_reports_every_step_in_order() {
    let sb = sandbox();
    let events = Arc::new(Mutex::new(Vec::<Event>::new()));
    let sink = Arc::clone(&events);
    let client = Client::builder()
        .base_url(&sb.base_url())
        .credentials(USER, PASSWORD)
        .retry(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(5),
        })
        .on_event(move |e| sink.lock().unwrap().push(e.clone()))
        .build()
        .unwrap();
    sb.push_fault(FaultSpec::new(Fault::Status { status: 503, retry_after: None }).method("priority"));
    sb.push_fault(FaultSpec::new(Fault::ApiError { error: "Expired token".into() }).method("priority"));

    let lines = Lines::default();
    let writer = lines.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let listing = tracing::subscriber::with_default(subscriber, || client.read_assignments(Some(1234), None)).unwrap();
    assert_eq!(listing.records.len(), 2);

    let events = events.lock().unwrap();
    let names: Vec<_> = events.iter().map(Event::name).collect();
    assert_eq!(
        names,
        [
            "call.start",
            "call.attempt", // token.php
            "call.attempt", // 503
            "call.retry",
            "call.attempt", // Expired token
            "call.refresh",
            "call.attempt", // token.php again
            "call.attempt", // 200
            "call.end"
        ]
    );
    let statuses: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Attempt { status, purpose, .. } => Some((purpose.as_str(), *status)),
            _ => None,
        })
        .collect();
    assert_eq!(
        statuses,
        [("token", Some(200)), ("call", Some(503)), ("call", Some(200)), ("token", Some(200)), ("call", Some(200))]
    );
    assert!(matches!(events.last(), Some(Event::End { result: "ok", attempts: 5, outcome_unknown: false, .. })));

    // The same events reach tracing, in the call's span, with their fields.
    let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
    let traced: Vec<_> = text.lines().collect();
    assert_eq!(traced.len(), events.len(), "{text}");
    assert!(traced[3].contains("WARN") && traced[3].contains("reason=\"HTTP 503\""), "{text}");
    assert!(traced.iter().all(|l| l.contains("contactnow.call{call=0 operation=\"priority.read\"}")), "{text}");
    assert!(traced[8].contains("INFO") && traced[8].contains("result=\"ok\""), "{text}");

    // No form of the password or of a granted token, anywhere.
    let granted: Vec<String> = sb.issued_tokens();
    assert_eq!(granted.len(), 2);
    let all =
        format!("{text}\n{events:?}\n{}", events.iter().map(|e| format!("{e} {:?}", e.fields())).collect::<String>());
    for secret in granted.iter().map(String::as_str).chain([PASSWORD]) {
        for form in forms(secret) {
            assert!(!all.contains(&form), "{form} in {all}");
        }
    }
    assert!(all.contains("token=***"), "{all}");
    no_listener_and_no_subscriber_make_no_event();
}

/// Not a test of its own: `tracing` caches each callsite's interest process-wide, and a
/// test without a subscriber running beside the one with a scoped subscriber can race it.
fn no_listener_and_no_subscriber_make_no_event() {
    // An observer that is never enabled is never called: the engine does not make events.
    struct Deaf(Mutex<u32>);
    impl contactnow::Observer for Deaf {
        fn enabled(&self) -> bool {
            false
        }
        fn event(&self, _: &Event) {
            *self.0.lock().unwrap() += 1;
        }
    }
    let sb = sandbox();
    let deaf = Arc::new(Deaf(Mutex::new(0)));
    let client = Client::builder().base_url(&sb.base_url()).token(sb.token()).observer(deaf.clone()).build().unwrap();
    client.read_policies(None).unwrap();
    assert_eq!(*deaf.0.lock().unwrap(), 0);
}
