//! Bad requests answer clearly, change nothing, and batches count good and bad records.
#![allow(clippy::unwrap_used)]

mod common;
use common::*;

const JSON: &str = "application/json";

fn error_of(answer: &Answer) -> String {
    let v = answer.json();
    assert_eq!(v["success"], false, "{}", answer.body);
    v["error"].as_str().unwrap().to_owned()
}

#[test]
fn unknown_method_action_format() {
    let sb = start(Seed::Demo);
    let a = agent();
    let base = format!("{}/database.php?token={}", sb.base_url(), sb.token());
    let cases = [
        ("&method=queue&action=read", "Unknown method 'queue'; expected priority or tod_policy"),
        ("&action=read", "Missing method; expected priority or tod_policy"),
        ("&method=priority&action=delete", "Unknown action 'delete'; expected create, read or update"),
        ("&method=priority", "Missing action; expected create, read or update"),
        ("&method=priority&action=read&format=yaml", "Unknown format 'yaml'; expected json or xml"),
        (
            "&method=priority&action=read&agent=abc",
            "Invalid agent filter: agent must be a non-negative whole number, got \"abc\"",
        ),
        (
            "&method=tod_policy&action=read&policy=-1",
            "Invalid policy filter: policy must be a non-negative whole number, got \"-1\"",
        ),
    ];
    for (query, message) in cases {
        let answer = get(&a, &format!("{base}{query}"));
        assert_eq!(answer.status, 200);
        assert_eq!(error_of(&answer), message);
    }
    let xml = get(&a, &format!("{base}&method=nope&action=read&format=xml"));
    assert!(
        xml.body.contains(
            "<success>0</success><error>Unknown method &apos;nope&apos;; expected priority or tod_policy</error>"
        ),
        "{}",
        xml.body
    );
    let missing = get(&a, &format!("{}/nothing.php", sb.base_url()));
    assert_eq!(missing.status, 404);
}

#[test]
fn malformed_payloads_change_nothing() {
    let sb = start(Seed::Demo);
    let a = agent();
    let before = get(&a, &db_url(&sb, "priority", "read", "json", "")).body;
    let json_cases = [
        ("", "Missing payload"),
        ("[{\"agentid\":\"1\"", "Malformed JSON payload"),
        ("{\"agentid\":\"1\",\"qid\":\"2\",\"level\":\"3\"}", "Malformed JSON payload: expected an array"),
        ("[1,2]", "Malformed JSON payload: record 1 is not an object"),
        ("[]", "No records in payload"),
    ];
    for (body, start) in json_cases {
        let answer = post(&a, &db_url(&sb, "priority", "create", "json", ""), JSON, body);
        assert!(error_of(&answer).starts_with(start), "{body}: {}", answer.body);
    }
    let xml_cases = [
        "<dxi><priority><agentid>1</agentid>",
        "<dxi><agentid>1</qid></dxi>",
        "[{\"agentid\":\"1\"}]",
        "<dxi><tod_policy><agentid>1</agentid></tod_policy></dxi>",
    ];
    for body in xml_cases {
        let answer = post(&a, &db_url(&sb, "priority", "create", "xml", ""), "application/xml", body);
        assert!(answer.body.contains("<success>0</success><error>Malformed XML payload"), "{body}: {}", answer.body);
    }
    assert_eq!(get(&a, &db_url(&sb, "priority", "read", "json", "")).body, before);
}

#[test]
fn repeated_fields_are_malformed_and_change_nothing() {
    let sb = start(Seed::Demo);
    let a = agent();
    let priorities = get(&a, &db_url(&sb, "priority", "read", "json", "")).body;
    let policies = get(&a, &db_url(&sb, "tod_policy", "read", "json", "")).body;
    let cases = [
        (
            "priority",
            "update",
            "<dxi><agentid>1234</agentid><agentid>1235</agentid><qid>1007</qid><level>5</level></dxi>",
            "field &lt;agentid&gt; appears more than once directly under &lt;dxi&gt;",
        ),
        (
            "priority",
            "create",
            "<dxi><priority><agentid>77</agentid><qid>1007</qid><level>1</level></priority>\
             <priority><agentid>78</agentid><qid>1007</qid><level>1</level><level>2</level></priority></dxi>",
            "field &lt;level&gt; appears more than once in &lt;priority&gt; record 2",
        ),
        (
            "tod_policy",
            "create",
            "<dxi><description>A</description><default>queue</default><default>hangup</default></dxi>",
            "field &lt;default&gt; appears more than once directly under &lt;dxi&gt;",
        ),
    ];
    for (method, action, body, message) in cases {
        let answer = post(&a, &db_url(&sb, method, action, "xml", ""), "application/xml", body);
        assert_eq!(answer.status, 200);
        assert!(answer.body.contains("<success>0</success><error>Malformed XML payload: "), "{}", answer.body);
        assert!(answer.body.contains(message), "{body}: {}", answer.body);
    }
    let json = post(
        &a,
        &db_url(&sb, "priority", "create", "json", ""),
        JSON,
        r#"[{"agentid":"77","qid":"1007","level":"1","qid":"1300"}]"#,
    );
    assert_eq!(
        error_of(&json),
        "Malformed JSON payload: field \"qid\" appears more than once in record 1; give each field once per record"
    );
    assert_eq!(get(&a, &db_url(&sb, "priority", "read", "json", "")).body, priorities);
    assert_eq!(get(&a, &db_url(&sb, "tod_policy", "read", "json", "")).body, policies);
}

/// Status, `Allow` header and body of a response.
fn allow_of(response: ureq::http::Response<ureq::Body>) -> (u16, Option<String>, String, String) {
    let status = response.status().as_u16();
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let allow = header("allow");
    let content_type = header("content-type").unwrap_or_default();
    let body = response.into_body().read_to_string().unwrap();
    (status, allow, content_type, body)
}

#[test]
fn methods_other_than_get_and_post_answer_405() {
    let sb = start(Seed::Demo);
    let a = agent();
    let priorities = get(&a, &db_url(&sb, "priority", "read", "json", "")).body;
    let policies = get(&a, &db_url(&sb, "tod_policy", "read", "json", "")).body;
    // A queued fault must survive the refused requests.
    sb.push_fault(Fault::ApiError { error: "still queued".into() });
    sb.clear_requests();

    let create = db_url(&sb, "priority", "create", "json", "");
    let record = r#"[{"agentid":"77","qid":"1007","level":"1"}]"#;
    let tod_create = db_url(&sb, "tod_policy", "create", "json", "");
    let tod_record = r#"[{"description":"Put","default":"queue"}]"#;
    let responses = [
        ("PUT", a.put(&create).header("content-type", JSON).send(record)),
        ("PATCH", a.patch(&create).header("content-type", JSON).send(record)),
        ("DELETE", a.delete(&create).call()),
        ("DELETE", a.delete(&tod_create).force_send_body().send(tod_record)),
        ("PUT", a.put(&tod_create).send(tod_record)),
        ("OPTIONS", a.options(&db_url(&sb, "priority", "read", "json", "")).call()),
    ];
    for (method, response) in responses {
        let (status, allow, content_type, body) = allow_of(response.unwrap());
        assert_eq!(status, 405, "{method}: {body}");
        assert_eq!(allow.as_deref(), Some("GET, POST"), "{method}");
        assert_eq!(content_type, "application/json");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"success": false, "error": format!("Method {method} not allowed; use GET or POST")})
        );
    }
    // HEAD gets the status and header (no body, as HTTP requires).
    let (status, allow, _, body) = allow_of(a.head(&db_url(&sb, "priority", "read", "json", "")).call().unwrap());
    assert_eq!((status, allow.as_deref(), body.as_str()), (405, Some("GET, POST"), ""));
    // format=xml answers the XML error shape; token.php always JSON.
    let (status, allow, content_type, body) =
        allow_of(a.put(&db_url(&sb, "priority", "create", "xml", "")).send("<dxi/>").unwrap());
    assert_eq!((status, allow.as_deref()), (405, Some("GET, POST")));
    assert_eq!(content_type, "text/xml; charset=ISO-8859-1");
    assert!(
        body.trim_end()
            .ends_with("<result><success>0</success><error>Method PUT not allowed; use GET or POST</error></result>"),
        "{body}"
    );
    let token_url = format!("{}/token.php?action=get&username=demo&password=demo-password", sb.base_url());
    let (status, allow, _, body) = allow_of(a.delete(&token_url).call().unwrap());
    assert_eq!((status, allow.as_deref()), (405, Some("GET, POST")));
    assert_eq!(body, r#"{"success":false,"error":"Method DELETE not allowed; use GET or POST"}"#);
    // Unknown paths stay 404 whatever the method.
    assert_eq!(allow_of(a.put(&format!("{}/nothing.php", sb.base_url())).send("x").unwrap()).0, 404);

    // Nothing changed, nothing recorded, the fault still pending, and the same agent's
    // (kept-alive) connections still work.
    assert!(sb.requests().is_empty(), "{:?}", sb.requests());
    let faulted = get(&a, &db_url(&sb, "priority", "read", "json", ""));
    assert_eq!(error_of(&faulted), "still queued");
    assert_eq!(get(&a, &db_url(&sb, "priority", "read", "json", "")).body, priorities);
    assert_eq!(get(&a, &db_url(&sb, "tod_policy", "read", "json", "")).body, policies);
}

#[test]
fn controls_answer_405_with_allow() {
    let sb = start(Seed::Empty);
    let a = agent();
    let cases = [
        ("faults", a.put(&format!("{}/_sandbox/faults", sb.base_url())).send("{}"), "GET, POST, DELETE"),
        ("requests", a.post(&format!("{}/_sandbox/requests", sb.base_url())).send("{}"), "GET, DELETE"),
        ("stats", a.delete(&format!("{}/_sandbox/stats", sb.base_url())).call(), "GET"),
        ("reset", a.get(&format!("{}/_sandbox/reset", sb.base_url())).call(), "POST"),
        ("tokens/expire", a.get(&format!("{}/_sandbox/tokens/expire", sb.base_url())).call(), "POST"),
    ];
    for (control, response, expected) in cases {
        let (status, allow, _, body) = allow_of(response.unwrap());
        assert_eq!(status, 405, "{control}: {body}");
        assert_eq!(allow.as_deref(), Some(expected), "{control}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["ok"], false);
    }
}

#[test]
fn batch_counting_rules() {
    let sb = start(Seed::Demo);
    let a = agent();
    let url = db_url(&sb, "priority", "create", "json", "");
    // Every record bad: success false, nothing applied, each reason listed.
    let answer = post(
        &a,
        &url,
        JSON,
        r#"[{"agentid":"1","qid":"x","level":"1"},{"agentid":0,"qid":1,"level":1},{"qid":"1","level":"1"}]"#,
    );
    assert_eq!(answer.json()["success"], false);
    assert_eq!((answer.json()["total"].as_u64(), answer.json()["bad"].as_u64()), (Some(0), Some(3)));
    assert_eq!(
        answer.json()["error"],
        "record 1: qid must be a non-negative whole number, got \"x\"; record 2: agentid must be a positive id, got 0; record 3: agentid is required"
    );
    // Mixed batch: valid records applied, invalid ones counted in bad, success true (partial).
    let answer = post(&a, &url, JSON, r#"[{"agentid":"1","qid":"2","level":"3"},{"agentid":"1","qid":"2.5","level":"3"},{"agentid":1,"qid":3,"level":4}]"#).json();
    assert_eq!(answer["success"], true);
    assert_eq!(
        (answer["total"].as_u64(), answer["bad"].as_u64(), answer["key"].as_u64()),
        (Some(2), Some(1), Some(550424))
    );
    assert!(answer["error"].as_str().unwrap().starts_with("1 of the records failed: record 2: qid"), "{answer}");
    // Only existing pairs: success, total 0, nothing bad.
    let answer = post(&a, &url, JSON, r#"[{"agentid":"1","qid":"2","level":"9"}]"#).json();
    assert_eq!(
        (answer["success"].as_bool(), answer["total"].as_u64(), answer["key"].as_u64()),
        (Some(true), Some(0), Some(0))
    );
    let read = get(&a, &db_url(&sb, "priority", "read", "json", "&agent=1")).json();
    assert_eq!(
        read["list"],
        serde_json::json!([{"agentid":"1","qid":"2","level":"3"},{"agentid":"1","qid":"3","level":"4"}])
    );

    // Non-numeric or out-of-range values, wrong types.
    for (record, reason) in [
        (r#"{"agentid":"1","qid":"2","level":"-1"}"#, "level must be a non-negative whole number"),
        (r#"{"agentid":"1","qid":"2","level":4294967296}"#, "level must be at most 4294967295"),
        (r#"{"agentid":"1","qid":"2","level":null}"#, "level must be a number, got null"),
        (r#"{"agentid":true,"qid":"2","level":1}"#, "agentid must be a number, got a boolean"),
        (r#"{"agentid":"1","qid":"2","level":1.5}"#, "level must be a non-negative whole number, got 1.5"),
    ] {
        let answer = post(&a, &db_url(&sb, "priority", "update", "json", ""), JSON, &format!("[{record}]")).json();
        assert!(answer["error"].as_str().unwrap().contains(reason), "{record}: {answer}");
    }
}

#[test]
fn tod_validation() {
    let sb = start(Seed::Demo);
    let a = agent();
    let create = db_url(&sb, "tod_policy", "create", "json", "");
    for (record, reason) in [
        (r#"{"default":"queue"}"#, "description is required"),
        (r#"{"description":"  ","default":"queue"}"#, "description must not be empty"),
        (r#"{"description":"x"}"#, "default is required"),
        (r#"{"description":"x","default":"transfer"}"#, "default must be queue, voicemail, hangup or jump:<queue id>"),
        (r#"{"description":"x","default":"jump:0"}"#, "default must be"),
        (r#"{"description":"x","default":"jump:abc"}"#, "default must be"),
        (r#"{"description":"a\u0001b","default":"queue"}"#, "control character U+0001"),
    ] {
        let answer = post(&a, &create, JSON, &format!("[{record}]")).json();
        assert_eq!(answer["success"], false);
        assert!(answer["error"].as_str().unwrap().contains(reason), "{record}: {answer}");
    }
    let long = "x".repeat(256);
    let answer = post(&a, &create, JSON, &format!(r#"[{{"description":"{long}","default":"queue"}}]"#)).json();
    assert!(answer["error"].as_str().unwrap().contains("at most 255"), "{answer}");

    let update = db_url(&sb, "tod_policy", "update", "json", "");
    for (record, reason) in [
        (r#"{"description":"x"}"#, "uid is required"),
        (r#"{"uid":"9999","description":"x"}"#, "policy 9999 does not exist"),
        (r#"{"uid":"2164"}"#, "nothing to update"),
        (r#"{"uid":"abc","default":"queue"}"#, "uid must be"),
    ] {
        let answer = post(&a, &update, JSON, &format!("[{record}]")).json();
        assert_eq!(answer["success"], false);
        assert!(answer["error"].as_str().unwrap().contains(reason), "{record}: {answer}");
        assert!(answer.get("key").is_none());
    }
    // `policy` is accepted as the id field (the document names it so).
    let answer = post(&a, &update, JSON, r#"[{"policy":"2164","default":"jump:1007"}]"#).json();
    assert_eq!(answer["total"], 1);
    let read = get(&a, &db_url(&sb, "tod_policy", "read", "json", "&policy=2164")).json();
    assert_eq!(read["list"][0]["default"], "jump:1007");
    assert_eq!(get(&a, &db_url(&sb, "tod_policy", "read", "json", "")).json()["total"], 4);
}

/// Deep nesting is answered like any other malformed payload; before the fix, a nested XML
/// body overflowed the server's stack and aborted the whole process (this test binary).
#[test]
fn deeply_nested_payloads_are_malformed_and_the_server_keeps_serving() {
    let sb = start(Seed::Demo);
    let a = agent();
    let before = get(&a, &db_url(&sb, "priority", "read", "json", "")).body;
    let limit = Config::default().max_body_bytes;
    let depth = 100_000;
    let xml_cases = [
        (
            format!("<dxi>{}{}</dxi>", "<a>".repeat(depth), "</a>".repeat(depth)),
            "Malformed XML payload: &lt;a&gt; inside &lt;a&gt; has child elements",
        ),
        (
            format!("<dxi><priority>{}", "<agentid>".repeat(depth)),
            "Malformed XML payload: &lt;agentid&gt; inside &lt;priority&gt; has child elements",
        ),
    ];
    for (body, message) in xml_cases {
        assert!(body.len() < limit, "{} bytes: over the body limit, it would not be parsed", body.len());
        let answer = post(&a, &db_url(&sb, "priority", "create", "xml", ""), "application/xml", &body);
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert!(answer.body.contains(&format!("<success>0</success><error>{message}</error>")), "{}", answer.body);
    }
    // JSON: a nested non-record is skipped without recursing; a nested value in a record
    // meets serde_json's recursion limit. Both are clean answers.
    let json = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let answer = post(&a, &db_url(&sb, "priority", "create", "json", ""), JSON, &json);
    assert_eq!(error_of(&answer), "Malformed JSON payload: record 1 is not an object");
    let nested_record = format!("[{{\"agentid\":{}{}}}]", "[".repeat(depth), "]".repeat(depth));
    let answer = post(&a, &db_url(&sb, "priority", "create", "json", ""), JSON, &nested_record);
    assert!(error_of(&answer).starts_with("Malformed JSON payload: recursion limit exceeded"), "{}", answer.body);
    // ... and so is the fault control's.
    let answer = post(&a, &format!("{}/_sandbox/faults", sb.base_url()), JSON, &json);
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert_eq!(answer.json()["ok"], false);
    // The server is still up, and nothing changed.
    assert_eq!(get(&a, &db_url(&sb, "priority", "read", "json", "")).body, before);
    assert_eq!(get(&agent(), &db_url(&sb, "tod_policy", "read", "json", "")).json()["total"], 4);
}

#[test]
fn body_over_the_limit_is_refused() {
    let sb = Sandbox::start(Config { max_body_bytes: 1024, seed: Seed::Demo, ..Config::default() }).unwrap();
    let a = agent();
    let records: Vec<String> = (1..200).map(|i| format!(r#"{{"agentid":"{i}","qid":"1","level":"1"}}"#)).collect();
    let body = format!("[{}]", records.join(","));
    assert!(body.len() > 1024);
    let answer = post(&a, &db_url(&sb, "priority", "create", "json", ""), JSON, &body);
    assert_eq!(answer.status, 413);
    assert_eq!(error_of(&answer), "Request body too large: the limit is 1024 bytes");
    assert_eq!(get(&a, &db_url(&sb, "priority", "read", "json", "")).json()["total"], 12);
    // Without Content-Length (chunked), the limit holds too.
    let chunked = a
        .post(&db_url(&sb, "priority", "create", "json", ""))
        .header("content-type", JSON)
        .send(ureq::SendBody::from_reader(&mut body.as_bytes()))
        .unwrap();
    assert_eq!(chunked.status().as_u16(), 413);
}

#[test]
fn form_posts_and_get_writes() {
    let sb = start(Seed::Empty);
    let a = agent();
    // Parameters as POST variables, the payload in the `data` field (no raw=1).
    let form = format!(
        "token={}&method=priority&action=create&data={}",
        sb.token(),
        "%5B%7B%22agentid%22%3A%221%22%2C%22qid%22%3A%222%22%2C%22level%22%3A%223%22%7D%5D"
    );
    let answer = post(&a, &format!("{}/database.php", sb.base_url()), "application/x-www-form-urlencoded", &form);
    assert_eq!(answer.json()["total"], 1, "{}", answer.body);
    assert!(sb.requests()[0].body.starts_with("token=***&"), "{:?}", sb.requests());
    // curl -d sends a form content type; with raw=1 the body is the payload.
    let answer = post(
        &a,
        &db_url(&sb, "priority", "create", "json", ""),
        "application/x-www-form-urlencoded",
        r#"[{"agentid":"1","qid":"3","level":"3"}]"#,
    );
    assert_eq!(answer.json()["total"], 1, "{}", answer.body);
    // A write sent as GET has no payload.
    assert_eq!(
        error_of(&get(&a, &db_url(&sb, "priority", "create", "json", ""))),
        "Missing payload: send the records as the raw request body (raw=1) or as an easycall file"
    );
}
