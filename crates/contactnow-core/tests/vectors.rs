//! Runs every case in `tests/vectors/` (the cross-language contract) through the core.

use std::{fs, path::PathBuf};

use contactnow_core::{
    ops::generic::{GenericCall, GenericResult},
    CreateAssignments, CreatePolicies, Endpoint, Error, Format, GetToken, HttpRequest, HttpResponse, Operation,
    ReadAssignments, ReadPolicies, Token, UpdateAssignments, UpdatePolicies, ValidateToken,
};
use serde_json::{json, Value};

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

/// What a case produced: the request it built (if any) and the parsed value or error.
struct Outcome {
    request: Option<HttpRequest>,
    result: Result<Value, Error>,
}

fn run<O: Operation>(op: O, case: &Value, endpoint: &Endpoint, token: &Token, format: Format) -> Outcome
where
    O::Output: serde::Serialize,
{
    let request = match op.build_request(endpoint, token, format) {
        Ok(request) => request,
        Err(e) => return Outcome { request: None, result: Err(e) },
    };
    let result = match response(case) {
        Some(resp) => op.parse_response(format, &resp).map(|v| serde_json::to_value(v).expect("serialisable")),
        None => Ok(Value::Null),
    };
    Outcome { request: Some(request), result }
}

fn response(case: &Value) -> Option<HttpResponse> {
    let r = case.get("response")?;
    let body = match (r.get("body"), r.get("body_hex")) {
        (Some(Value::String(s)), _) => s.as_bytes().to_vec(),
        (_, Some(Value::String(hex))) => (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("body_hex is hex"))
            .collect(),
        _ => panic!("response needs body or body_hex"),
    };
    let status = r["status"].as_u64().expect("status") as u16;
    Some(HttpResponse::new(status, r.get("content_type").and_then(Value::as_str), body))
}

fn input<T: serde::de::DeserializeOwned>(case: &Value, key: &str) -> T {
    serde_json::from_value(case["input"][key].clone()).unwrap_or_else(|e| panic!("input.{key}: {e}"))
}

fn opt(case: &Value, key: &str) -> Option<u64> {
    case["input"].get(key).and_then(Value::as_u64)
}

fn execute(case: &Value) -> Outcome {
    let endpoint =
        Endpoint::new(case.get("base_url").and_then(Value::as_str).unwrap_or(Endpoint::EU)).expect("base_url");
    let token = Token::new(case.get("token").and_then(Value::as_str).unwrap_or("T0KEN"));
    let format: Format = case.get("format").and_then(Value::as_str).unwrap_or("json").parse().expect("format");
    match case["operation"].as_str().expect("operation") {
        "priority.create" => {
            run(CreateAssignments { records: input(case, "records") }, case, &endpoint, &token, format)
        }
        "priority.update" => {
            run(UpdateAssignments { records: input(case, "records") }, case, &endpoint, &token, format)
        }
        "priority.read" => {
            let op = ReadAssignments { agent_id: opt(case, "agent_id"), queue_id: opt(case, "queue_id") };
            run(op, case, &endpoint, &token, format)
        }
        "tod_policy.create" => run(CreatePolicies { records: input(case, "records") }, case, &endpoint, &token, format),
        "tod_policy.update" => run(UpdatePolicies { records: input(case, "records") }, case, &endpoint, &token, format),
        "tod_policy.read" => run(ReadPolicies { policy_id: opt(case, "policy_id") }, case, &endpoint, &token, format),
        "token.get" => {
            let op = GetToken::new(input::<String>(case, "username"), input::<String>(case, "password"));
            token_call(op.build_request(&endpoint), case, |r| {
                op.parse_response(r).map(|g| json!({"token": g.token.expose(), "expire": g.expire}))
            })
        }
        "token.validate" => {
            let op = ValidateToken::new(input::<String>(case, "token"));
            token_call(op.build_request(&endpoint), case, |r| op.parse_response(r).map(|s| json!({"expire": s.expire})))
        }
        other => panic!("unknown operation {other}"),
    }
}

fn token_call(
    request: Result<HttpRequest, Error>,
    case: &Value,
    parse: impl Fn(&HttpResponse) -> Result<Value, Error>,
) -> Outcome {
    match request {
        Err(e) => Outcome { request: None, result: Err(e) },
        Ok(request) => {
            let result = response(case).map_or(Ok(Value::Null), |r| parse(&r));
            Outcome { request: Some(request), result }
        }
    }
}

fn check(name: &str, case: &Value) -> Result<(), String> {
    compare(case, execute(case)).map_err(|why| format!("{name}: {why}"))
}

/// Compares what a case produced with its `request` and `expect`.
fn compare(case: &Value, outcome: Outcome) -> Result<(), String> {
    if let Some(expected) = case.get("request") {
        let request = outcome.request.as_ref().ok_or_else(|| format!("no request built: {:?}", outcome.result))?;
        let actual = json!({
            "method": request.method.as_str(),
            "url": request.url,
            "content_type": request.header("Content-Type"),
            "body": String::from_utf8_lossy(&request.body),
        });
        if &actual != expected {
            return Err(format!("request differs\n expected {expected}\n   actual {actual}"));
        }
    }
    let expect = case.get("expect").ok_or("case has no expect")?;
    match (expect.get("ok"), expect.get("error"), outcome.result) {
        (Some(ok), None, Ok(value)) if case.get("response").is_some() => {
            if ok != &value {
                return Err(format!("value differs\n expected {ok}\n   actual {value}"));
            }
        }
        (Some(_), None, Ok(_)) => return Err("expect.ok needs a response".into()),
        (None, Some(want), Err(err)) => check_error(want, &err)?,
        (_, _, result) => return Err(format!("expected {expect}, got {result:?}")),
    }
    Ok(())
}

fn check_error(want: &Value, err: &Error) -> Result<(), String> {
    let kind = want["kind"].as_str().ok_or("error.kind missing")?;
    if err.kind().as_str() != kind {
        return Err(format!("expected a {kind} error, got {err:?}"));
    }
    let text = err.to_string();
    if let Some(needle) = want.get("message_contains").and_then(Value::as_str) {
        if !text.contains(needle) {
            return Err(format!("error text {text:?} lacks {needle:?}"));
        }
    }
    let actual = match err {
        Error::InvalidInput { field, .. } => json!({ "field": field }),
        Error::Api(api) => json!({
            "message": api.message, "total": api.total, "bad": api.bad, "key": api.key,
            "partial": api.partial, "token_rejected": api.is_token_rejected(),
        }),
        Error::HttpStatus { status, outcome_unknown, .. } => {
            json!({ "status": status, "outcome_unknown": outcome_unknown })
        }
        Error::Decode { outcome_unknown, .. } => json!({ "outcome_unknown": outcome_unknown }),
        _ => json!({}),
    };
    for (key, value) in want.as_object().into_iter().flatten() {
        if matches!(key.as_str(), "kind" | "message_contains") {
            continue;
        }
        if actual.get(key) != Some(value) {
            return Err(format!("error.{key}: expected {value}, got {:?} ({err:?})", actual.get(key)));
        }
    }
    Ok(())
}

#[test]
fn every_vector_passes() {
    let mut files: Vec<_> = fs::read_dir(vectors_dir())
        .expect("tests/vectors exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 40, "expected at least 40 vector cases, found {}", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let case: Value = serde_json::from_slice(&fs::read(path).expect("readable")).expect("valid JSON");
        if let Err(why) = check(&name, &case) {
            failures.push(format!("{name}: {why}"));
        }
    }
    println!("{} vector cases, {} failed", files.len(), failures.len());
    assert!(failures.is_empty(), "{} of {} vectors failed:\n{}", failures.len(), files.len(), failures.join("\n"));
}

/// A generic case's call (`tests/vectors/generic/`).
fn generic_call(case: &Value) -> GenericCall {
    let c = &case["call"];
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let pairs = |v: &Value| -> Vec<(String, String)> {
        v.as_array().into_iter().flatten().map(|p| (text(&p[0]), text(&p[1]))).collect()
    };
    GenericCall {
        method: text(&c["method"]),
        action: text(&c["action"]),
        filters: pairs(&c["filters"]),
        records: c["records"].as_array().into_iter().flatten().map(pairs).collect(),
        repeatable: c["repeatable"].as_bool().unwrap_or(false),
    }
}

fn generic_value(result: GenericResult) -> Value {
    let records: Vec<Value> = result
        .records
        .iter()
        .map(|r| Value::Object(r.0.iter().map(|(k, v)| (k.clone(), json!(v))).collect()))
        .collect();
    json!({
        "account_id": result.account_id, "total": result.total, "bad": result.bad, "key": result.key,
        "error": result.error, "records": records,
    })
}

#[test]
fn every_generic_vector_passes() {
    let dir = vectors_dir().join("generic");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("tests/vectors/generic exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "expected at least 5 generic cases, found {}", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let case: Value = serde_json::from_slice(&fs::read(path).expect("readable")).expect("valid JSON");
        let format: Format = case["format"].as_str().unwrap_or("json").parse().expect("format");
        let call = generic_call(&case);
        let outcome = match call.build_request(&Endpoint::default(), &Token::new("T0KEN"), format) {
            Err(e) => Outcome { request: None, result: Err(e) },
            Ok(request) => {
                let result =
                    response(&case).map_or(Ok(Value::Null), |r| call.parse_response(format, &r).map(generic_value));
                Outcome { request: Some(request), result }
            }
        };
        if let Err(why) = compare(&case, outcome) {
            failures.push(format!("{}: {why}", path.display()));
        }
    }
    println!("{} generic vector cases, {} failed", files.len(), failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
