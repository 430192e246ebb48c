//! Fault injection over HTTP and through the library, and the other controls.
#![allow(clippy::unwrap_used)]

mod common;
use std::{
    io::{Read, Write},
    time::{Duration, Instant},
};

use common::*;

fn queue(a: &ureq::Agent, sb: &Sandbox, spec: &str) -> serde_json::Value {
    let answer = post(a, &format!("{}/_sandbox/faults", sb.base_url()), "application/json", spec);
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.json()
}

fn read_url(sb: &Sandbox) -> String {
    db_url(sb, "tod_policy", "read", "json", "")
}

#[test]
fn status_faults_apply_the_given_number_of_times() {
    let sb = start(Seed::Demo);
    let a = agent();
    assert_eq!(queue(&a, &sb, r#"{"kind":"status","status":503,"times":2}"#)["pending"], 1);
    for _ in 0..2 {
        let answer = get(&a, &read_url(&sb));
        assert_eq!(answer.status, 503);
        assert!(answer.body.contains("503 Service Unavailable"));
    }
    assert_eq!(get(&a, &read_url(&sb)).status, 200);
    queue(&a, &sb, r#"{"kind":"status","status":429,"retry_after":1}"#);
    let answer = get(&a, &read_url(&sb));
    assert_eq!((answer.status, answer.retry_after.as_deref()), (429, Some("1")));
    queue(&a, &sb, r#"[{"kind":"status","status":500},{"kind":"status","status":502}]"#);
    assert_eq!(get(&a, &read_url(&sb)).status, 500);
    assert_eq!(get(&a, &read_url(&sb)).status, 502);
    // Controls are never faulted, and faulted requests are recorded with their fault.
    let log = sb.requests();
    assert_eq!(log.iter().filter(|r| r.fault.is_some()).count(), 5);
    assert_eq!(log[0].fault.as_deref(), Some("status 503"));
}

#[test]
fn faulted_writes_are_not_applied() {
    let sb = start(Seed::Demo);
    let a = agent();
    sb.push_fault(Fault::Status { status: 503, retry_after: None });
    sb.push_fault(Fault::ApiError { error: "Database busy".into() });
    let url = db_url(&sb, "tod_policy", "create", "xml", "");
    let body = "<dxi><tod_policy><description>X</description><default>queue</default></tod_policy></dxi>";
    assert_eq!(post(&a, &url, "application/xml", body).status, 503);
    let answer = post(&a, &url, "application/xml", body);
    assert_eq!(answer.body, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<result><success>0</success><error>Database busy</error></result>\n");
    assert_eq!(get(&a, &read_url(&sb)).json()["total"], 4);
}

#[test]
fn faults_match_method_and_action() {
    let sb = start(Seed::Demo);
    let a = agent();
    queue(&a, &sb, r#"{"kind":"api_error","error":"no","method":"priority","action":"create"}"#);
    assert_eq!(get(&a, &read_url(&sb)).json()["success"], true);
    assert_eq!(get(&a, &db_url(&sb, "priority", "read", "json", "")).json()["success"], true);
    let answer = post(
        &a,
        &db_url(&sb, "priority", "create", "json", ""),
        "application/json",
        r#"[{"agentid":"1","qid":"1","level":"1"}]"#,
    );
    assert_eq!(answer.body, r#"{"success":false,"error":"no"}"#);
    // token.php requests can be faulted too (action=get).
    sb.push_fault(FaultSpec::new(Fault::Status { status: 502, retry_after: None }).action("get"));
    let pending: serde_json::Value = get(&a, &format!("{}/_sandbox/faults", sb.base_url())).json();
    assert_eq!(pending[0]["status"], 502);
    let token = get(&a, &format!("{}/token.php?action=get&username=demo&password=demo-password", sb.base_url()));
    assert_eq!(token.status, 502);
    // DELETE clears the queue.
    queue(&a, &sb, r#"{"kind":"reset","times":5}"#);
    assert_eq!(a.delete(&format!("{}/_sandbox/faults", sb.base_url())).call().unwrap().status().as_u16(), 200);
    assert_eq!(get(&a, &read_url(&sb)).status, 200);
}

#[test]
fn invalid_fault_specs_are_refused() {
    let sb = start(Seed::Demo);
    let a = agent();
    for spec in [
        r#"{"kind":"boom"}"#,
        r#"{"kind":"status","status":42}"#,
        r#"{"kind":"status"}"#,
        r#"{"kind":"delay","ms":1,"times":0}"#,
        "nope",
    ] {
        let answer = post(&a, &format!("{}/_sandbox/faults", sb.base_url()), "application/json", spec);
        assert_eq!(answer.status, 400, "{spec}");
        assert_eq!(answer.json()["ok"], false);
    }
    assert_eq!(get(&a, &format!("{}/_sandbox/nothing", sb.base_url())).status, 404);
    assert_eq!(get(&a, &format!("{}/_sandbox/reset", sb.base_url())).status, 405);
}

/// The library path refuses what the HTTP control refuses; a `times: 0` fault used to get
/// in through `push_fault` and underflow its counter on the next request.
#[test]
fn library_refuses_invalid_fault_specs_like_the_control() {
    let sb = start(Seed::Demo);
    let a = agent();
    let cases = [
        (FaultSpec::new(Fault::Reset).times(0), r#"{"kind":"reset","times":0}"#),
        (FaultSpec::new(Fault::Status { status: 42, retry_after: None }), r#"{"kind":"status","status":42}"#),
        (FaultSpec::new(Fault::Delay { ms: 600_001 }), r#"{"kind":"delay","ms":600001}"#),
    ];
    for (spec, json) in cases {
        let over_http = post(&a, &format!("{}/_sandbox/faults", sb.base_url()), "application/json", json);
        assert_eq!(over_http.status, 400, "{json}");
        let err = sb.try_push_fault(spec.clone()).unwrap_err();
        assert!(matches!(err, contactnow_sandbox::Error::InvalidFault(_)), "{err:?}");
        assert_eq!(over_http.json()["error"], err.to_string());
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sb.push_fault(spec))).unwrap_err();
        let message = panicked.downcast_ref::<String>().unwrap();
        assert_eq!(*message, format!("Sandbox::push_fault: {err}"));
    }
    assert_eq!(err_text(&sb, FaultSpec::new(Fault::Truncate).times(0)), "invalid fault spec: times must be at least 1");
    // Nothing was queued: the next requests are served normally, by a healthy server.
    assert_eq!(get(&a, &format!("{}/_sandbox/faults", sb.base_url())).body, "[]");
    for _ in 0..3 {
        let answer = get(&a, &read_url(&sb));
        assert_eq!((answer.status, answer.json()["total"].clone()), (200, 4.into()), "{}", answer.body);
    }
    assert!(sb.requests().iter().all(|r| r.fault.is_none()));
    // A valid spec still goes through both ways.
    sb.try_push_fault(FaultSpec::new(Fault::ApiError { error: "once".into() }).times(1)).unwrap();
    assert_eq!(get(&a, &read_url(&sb)).json()["error"], "once");
    assert_eq!(get(&a, &read_url(&sb)).json()["total"], 4);
}

fn err_text(sb: &Sandbox, spec: FaultSpec) -> String {
    sb.try_push_fault(spec).unwrap_err().to_string()
}

#[test]
fn reset_fault_resets_the_connection_before_any_byte() {
    let sb = start(Seed::Demo);
    let a = agent();
    queue(&a, &sb, r#"{"kind":"reset"}"#);
    let addr = sb.base_url().trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET /database.php?token={}&method=priority&action=read HTTP/1.1\r\nHost: x\r\n\r\n", sb.token())
        .unwrap();
    let mut buf = Vec::new();
    let result = stream.read_to_end(&mut buf);
    assert!(buf.is_empty(), "got bytes: {}", String::from_utf8_lossy(&buf));
    assert_eq!(result.unwrap_err().kind(), std::io::ErrorKind::ConnectionReset);
    // The client sees an error; the next request works.
    sb.push_fault(Fault::Reset);
    assert!(try_get(&a, &read_url(&sb)).is_err());
    assert_eq!(get(&a, &read_url(&sb)).status, 200);
}

#[test]
fn truncate_fault_cuts_the_body_and_closes() {
    let sb = start(Seed::Demo);
    let a = agent();
    sb.push_fault(Fault::Truncate);
    let addr = sb.base_url().trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET /database.php?token={}&method=tod_policy&action=read HTTP/1.1\r\nHost: x\r\n\r\n", sb.token())
        .unwrap();
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8(buf).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    let declared: usize = head.lines().find_map(|l| l.strip_prefix("content-length: ")).unwrap().parse().unwrap();
    assert!(body.len() < declared && !body.is_empty(), "{} of {declared}", body.len());
    assert!(body.starts_with(r#"{"success":true"#));
    // A client reading the body gets an error, never a short success.
    sb.push_fault(Fault::Truncate);
    assert!(try_get(&a, &read_url(&sb)).is_err());
    // A truncated write was applied (the answer was lost, not the write).
    sb.push_fault(Fault::Truncate);
    let url = db_url(&sb, "tod_policy", "create", "json", "");
    assert!(try_post(&a, &url, "application/json", r#"[{"description":"Lost","default":"queue"}]"#).is_err());
    assert_eq!(get(&a, &read_url(&sb)).json()["total"], 5);
}

#[test]
fn delays_do_not_block_other_connections() {
    // Three requests delayed 400 ms each, sent at once on separate connections: together
    // they take at least 400 ms (the delay applies) and well under the 1.2 s they would take
    // one after another. The upper bound leaves 600 ms for a slow, shared machine.
    let sb = start(Seed::Demo);
    let a = agent();
    queue(&a, &sb, r#"{"kind":"delay","ms":400,"times":3}"#);
    let started = Instant::now();
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let url = read_url(&sb);
            std::thread::spawn(move || get(&agent(), &url).status)
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 200);
    }
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(400), "three delayed requests took only {elapsed:?}");
    assert!(elapsed < Duration::from_secs(1), "three delayed requests took {elapsed:?}; were they serialised?");
    let delayed = sb.requests().iter().filter(|r| r.fault.as_deref() == Some("delay 400 ms")).count();
    assert_eq!(delayed, 3);
}

#[test]
fn requests_log_and_reset_control() {
    let sb = start(Seed::Demo);
    let a = agent();
    post(
        &a,
        &db_url(&sb, "priority", "create", "json", ""),
        "application/json",
        r#"[{"agentid":"9","qid":"9","level":"9"}]"#,
    );
    let log: serde_json::Value = get(&a, &format!("{}/_sandbox/requests", sb.base_url())).json();
    assert_eq!(log[0]["method"], "POST");
    assert_eq!(log[0]["path"], "/database.php");
    assert_eq!(log[0]["query"], "token=***&method=priority&action=create&format=json&raw=1");
    assert_eq!(log[0]["body"], r#"[{"agentid":"9","qid":"9","level":"9"}]"#);
    // Every argument as an object, in the order the server read them, secrets redacted.
    let params: Vec<(&str, &str)> = log[0]["params"]
        .as_object()
        .map(|p| p.iter().map(|(k, v)| (k.as_str(), v.as_str().unwrap_or_default())).collect())
        .unwrap_or_default();
    assert_eq!(
        params[..5],
        [("token", "***"), ("method", "priority"), ("action", "create"), ("format", "json"), ("raw", "1")]
    );
    let back: Vec<contactnow_sandbox::RecordedRequest> = serde_json::from_value(log.clone()).unwrap();
    assert_eq!(back, sb.requests(), "the JSON reads back as the recorded requests");
    assert_eq!(log.as_array().unwrap().len(), 1, "controls are not recorded");
    a.delete(&format!("{}/_sandbox/requests", sb.base_url())).call().unwrap();
    assert!(sb.requests().is_empty());
    assert_eq!(get(&a, &db_url(&sb, "priority", "read", "json", "")).json()["total"], 13);
    let reset = post(&a, &format!("{}/_sandbox/reset", sb.base_url()), "application/json", "");
    assert_eq!(reset.json()["ok"], true);
    assert_eq!(get(&a, &db_url(&sb, "priority", "read", "json", "")).json()["total"], 12);
    sb.clear_requests();
    assert!(sb.requests().is_empty());
}

/// "Timed out but applied": a client that gives up during a delay (closes its socket) does
/// not stop the request; the delayed tod_policy create is applied once the delay is over.
#[test]
fn a_delayed_create_is_applied_after_the_client_disconnects() {
    let sb = start(Seed::Demo);
    let a = agent();
    sb.push_fault(FaultSpec::new(Fault::Delay { ms: 300 }).method("tod_policy").action("create"));
    let addr = sb.base_url().trim_start_matches("http://").to_owned();
    let body = r#"[{"description":"Gone","default":"queue"}]"#;
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "POST /database.php?token={}&method=tod_policy&action=create&raw=1 HTTP/1.1\r\nHost: x\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        sb.token(),
        body.len()
    )
    .unwrap();
    // Wait until the sandbox has the request (it is recorded before the delay), then leave.
    let deadline = Instant::now() + Duration::from_secs(10);
    while sb.requests().is_empty() {
        assert!(Instant::now() < deadline, "the request never arrived");
        std::thread::sleep(Duration::from_millis(5));
    }
    stream.shutdown(std::net::Shutdown::Both).unwrap();
    drop(stream);
    assert_eq!(sb.requests()[0].fault.as_deref(), Some("delay 300 ms"));
    // Well after the delay, the policy is there, exactly once.
    let deadline = Instant::now() + Duration::from_secs(10);
    let created = loop {
        let list = get(&a, &read_url(&sb)).json()["list"].as_array().unwrap().clone();
        let created: Vec<_> = list.into_iter().filter(|p| p["description"] == "Gone").collect();
        if !created.is_empty() || Instant::now() > deadline {
            break created;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(created.len(), 1, "the delayed create was not applied after the disconnect");
    assert_eq!(created[0]["uid"], "2179");
    assert_eq!(created[0]["default"], "queue");
}
