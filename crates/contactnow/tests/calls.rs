//! Runs every execution vector in `tests/vectors/calls/` through each client's own driver
//! loop (the blocking one, and with feature `async` the async one), with a scripted `Sender`
//! in place of the network: the requests sent, the pauses, and the final result or error
//! must be the vector's.

use std::{
    fs,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::Duration,
};

use contactnow::{
    ApiCall, ApiOutput, Client, ClientBuilder, Error, Failure, Format, HttpRequest, HttpResponse, Sender,
};
use serde_json::{json, Value};

fn calls_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/calls")
}

/// Answers each send with the next scripted exchange and records what was sent and slept.
struct Script {
    exchanges: Vec<Value>,
    log: Mutex<Log>,
}

#[derive(Default)]
struct Log {
    sent: Vec<(HttpRequest, Duration)>,
    pending_pause: Duration,
}

impl Sender for Script {
    fn send(&self, request: &HttpRequest, _timeout: Duration) -> Result<HttpResponse, Failure> {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        let pause = std::mem::take(&mut log.pending_pause);
        log.sent.push((request.clone(), pause));
        let Some(exchange) = self.exchanges.get(log.sent.len() - 1) else {
            return Err(Failure::new("the script has no more exchanges"));
        };
        if let Some(f) = exchange.get("failure") {
            let mut failure = Failure::new(f["message"].as_str().unwrap_or("failure"));
            failure.timeout = f.get("timeout").and_then(Value::as_bool).unwrap_or(false);
            failure.not_sent = f.get("not_sent").and_then(Value::as_bool).unwrap_or(false);
            return Err(failure);
        }
        let a = &exchange["answer"];
        let mut response = HttpResponse::new(
            a["status"].as_u64().unwrap_or(0) as u16,
            a.get("content_type").and_then(Value::as_str),
            a["body"].as_str().unwrap_or_default(),
        );
        response.retry_after = a.get("retry_after").and_then(Value::as_str).map(str::to_owned);
        Ok(response)
    }

    fn sleep(&self, pause: Duration) {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).pending_pause += pause;
    }
}

/// Builds the client from the vector's builder and runs the call with one client's driver.
type Driver = fn(ClientBuilder, &ApiCall) -> Result<Result<ApiOutput, Error>, String>;

fn blocking(builder: ClientBuilder, call: &ApiCall) -> Result<Result<ApiOutput, Error>, String> {
    Ok(builder.build().map_err(|e| e.to_string())?.execute(call))
}

#[cfg(feature = "async")]
fn on_tokio(builder: ClientBuilder, call: &ApiCall) -> Result<Result<ApiOutput, Error>, String> {
    let client = builder.build_async().map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    Ok(runtime.block_on(client.execute(call)))
}

fn check(case: &Value, driver: Driver) -> Result<(), String> {
    let script = Arc::new(Script {
        exchanges: case["exchanges"].as_array().cloned().unwrap_or_default(),
        log: Mutex::default(),
    });
    let auth = &case["auth"];
    let format: Format = case["format"].as_str().unwrap_or("json").parse().map_err(|e| format!("{e}"))?;
    let builder = Client::builder().format(format).sender(script.clone());
    let builder = match (auth.get("token"), auth.get("username")) {
        (Some(token), _) => builder.token(token.as_str().unwrap_or_default()),
        (None, Some(user)) => {
            builder.credentials(user.as_str().unwrap_or_default(), auth["password"].as_str().unwrap_or_default())
        }
        _ => return Err("auth needs token or username".into()),
    };
    let call = ApiCall::from_json(case["operation"].as_str().unwrap_or_default(), &case["input"])
        .map_err(|e| format!("input: {e}"))?;
    let result = driver(builder, &call)?;

    let log = script.log.lock().unwrap_or_else(|e| e.into_inner());
    if log.sent.len() != script.exchanges.len() {
        return Err(format!("{} requests sent, {} scripted ({result:?})", log.sent.len(), script.exchanges.len()));
    }
    for (n, ((request, pause), exchange)) in log.sent.iter().zip(&script.exchanges).enumerate() {
        let want = &exchange["request"];
        let mut actual = json!({ "method": request.method.as_str(), "url": request.url });
        if want.get("body").is_some() {
            actual["content_type"] = json!(request.header("Content-Type"));
            actual["body"] = json!(String::from_utf8_lossy(&request.body));
        }
        if &actual != want {
            return Err(format!("request {n} differs\n expected {want}\n   actual {actual}"));
        }
        let ms = pause.as_secs_f64() * 1000.0;
        match exchange.get("pause_ms") {
            None if ms == 0.0 => {}
            Some(Value::Number(exact)) if exact.as_f64() == Some(ms) => {}
            Some(Value::Object(range)) if range.get("max").and_then(Value::as_f64).is_some_and(|max| ms <= max) => {}
            want => return Err(format!("pause before request {n}: expected {want:?}, paused {ms} ms")),
        }
    }
    match (&case["expect"].get("ok"), &case["expect"].get("error"), result) {
        (Some(ok), None, Ok(output)) => {
            let value = serde_json::to_value(&output).map_err(|e| e.to_string())?;
            if *ok != &value {
                return Err(format!("value differs\n expected {ok}\n   actual {value}"));
            }
            Ok(())
        }
        (None, Some(want), Err(err)) => check_error(want, &err),
        (_, _, result) => Err(format!("expected {}, got {result:?}", case["expect"])),
    }
}

fn check_error(want: &Value, err: &Error) -> Result<(), String> {
    let text = format!("{err} {err:?}");
    if want["kind"].as_str() != Some(err.kind().as_str()) {
        return Err(format!("expected a {} error, got {err:?}", want["kind"]));
    }
    let api = err.api();
    let actual = json!({
        "status": err.status(),
        "outcome_unknown": err.outcome_unknown(),
        "message": api.map(|a| a.message.clone()),
        "token_rejected": api.map(|a| a.is_token_rejected()),
        "field": match err {
            Error::InvalidInput { field, .. } => Some(field.as_str()),
            _ => None,
        },
    });
    for (key, value) in want.as_object().into_iter().flatten() {
        match key.as_str() {
            "kind" => {}
            "message_contains" if text.contains(value.as_str().unwrap_or_default()) => {}
            "absent" if value.as_array().into_iter().flatten().all(|s| !text.contains(s.as_str().unwrap_or("\0"))) => {}
            "status" | "outcome_unknown" | "message" | "token_rejected" | "field" if actual.get(key) == Some(value) => {
            }
            _ => return Err(format!("error.{key}: expected {value}, got {err:?}")),
        }
    }
    Ok(())
}

#[test]
fn every_execution_vector_passes() {
    run_every_vector(blocking);
}

#[cfg(feature = "async")]
#[test]
fn every_execution_vector_passes_through_the_async_client() {
    run_every_vector(on_tokio);
}

fn run_every_vector(driver: Driver) {
    let mut files: Vec<_> = fs::read_dir(calls_dir())
        .expect("tests/vectors/calls exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "expected at least 15 execution vectors, found {}", files.len());
    let failures: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let case: Value = serde_json::from_slice(&fs::read(path).ok()?).ok()?;
            check(&case, driver).err().map(|why| format!("{}: {why}", path.display()))
        })
        .collect();
    println!("{} execution vectors, {} failed", files.len(), failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
