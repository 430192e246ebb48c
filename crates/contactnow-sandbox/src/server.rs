//! The HTTP side: accept loop, per-connection control (reset, truncate), routing, the API
//! endpoints and the `/_sandbox/` controls.

use std::{
    collections::VecDeque,
    convert::Infallible,
    net::{IpAddr, SocketAddr},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, MutexGuard, PoisonError,
    },
    time::Duration,
};

use http_body_util::{BodyExt, Full, Limited};
use hyper::{
    body::{Bytes, Incoming},
    header::{HeaderValue, ALLOW, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER},
    Method, Request, Response, StatusCode,
};
use hyper_util::rt::TokioIo;
use serde::{Deserialize, Serialize};
use tokio::{io::AsyncWriteExt, sync::Notify};

use crate::{
    auth::{Refusal, Tokens},
    fault::{Fault, FaultQueue, FaultSpec},
    params::{self, BodyProblem, Limits, Params, Parsed},
    payload,
    reply::{json_str, Answer, Format},
    store::{number_value, Data, Store},
    Config,
};

/// Most requests kept for `GET /_sandbox/requests`; older ones are dropped.
const MAX_RECORDED: usize = 100_000;
/// Longest body text kept per recorded request.
const MAX_RECORDED_BODY: usize = 64 * 1024;

/// One API request as the sandbox received it (controls are not recorded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// Order of arrival, from 1.
    pub seq: u64,
    /// HTTP method (`GET`, `POST`).
    pub method: String,
    /// Path, e.g. `/database.php`.
    pub path: String,
    /// Query string as sent, with `token` and `password` values replaced by `***`.
    pub query: String,
    /// Body as text (lossy UTF-8, at most 64 KiB), form fields redacted like the query; a
    /// multipart body is shown re-encoded (named parts only), `token`/`password` parts as `***`.
    pub body: String,
    /// The client's IP address.
    pub remote_ip: String,
    /// The fault applied to this request (`status`, `delay`, `reset`...), if any.
    pub fault: Option<String>,
    /// The `method` argument (`priority`, `tod_policy`; `token.php` has none).
    pub api_method: Option<String>,
    /// The `action` argument (`create`, `read`, `update`, `get`, `validate`...).
    pub action: Option<String>,
    /// Every argument as the server read it (query string and POST variables, POST winning,
    /// the payload field included), `token` and `password` as `***`. In JSON, an object.
    #[serde(with = "as_object")]
    pub params: Vec<(String, String)>,
}

/// Name/value pairs (each name once) as a JSON object, in their order.
mod as_object {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(pairs: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(pairs.iter().map(|(k, v)| (k, v)))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, String)>, D::Error> {
        Ok(serde_json::Map::deserialize(d)?
            .into_iter()
            .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
            .collect())
    }
}

/// State shared by every connection.
pub(crate) struct Shared {
    config: Config,
    store: Mutex<Store>,
    tokens: Mutex<Tokens>,
    faults: Mutex<FaultQueue>,
    recorded: Mutex<VecDeque<RecordedRequest>>,
    seq: AtomicU64,
    connections: AtomicU64,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub(crate) fn new(config: Config, store: Store) -> Self {
        let tokens = Tokens::new(&config.tokens, &config.users, config.token_lifetime);
        Self {
            config,
            store: Mutex::new(store),
            tokens: Mutex::new(tokens),
            faults: Mutex::new(FaultQueue::default()),
            recorded: Mutex::new(VecDeque::new()),
            seq: AtomicU64::new(0),
            connections: AtomicU64::new(0),
        }
    }

    pub(crate) fn first_token(&self) -> String {
        lock(&self.tokens).first_static()
    }

    /// Queues the specs if all are valid (see [`FaultQueue::push_all`]).
    pub(crate) fn faults_push(&self, specs: Vec<FaultSpec>) -> Result<usize, String> {
        lock(&self.faults).push_all(specs)
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.recorded).iter().cloned().collect()
    }

    pub(crate) fn clear_requests(&self) {
        lock(&self.recorded).clear();
    }

    pub(crate) fn auth_expire(&self, token: &str) -> bool {
        lock(&self.tokens).expire(token)
    }

    pub(crate) fn auth_issued(&self) -> Vec<String> {
        lock(&self.tokens).issued()
    }

    pub(crate) fn auth_revoke(&self, token: &str) -> bool {
        lock(&self.tokens).revoke(token)
    }

    /// Back to the seed (saved if persistent), no faults, no recorded requests, static
    /// tokens valid.
    pub(crate) fn reset(&self) -> std::io::Result<()> {
        let saved = {
            let mut store = lock(&self.store);
            let seed = store.seed;
            store.write(|data| *data = Data::seeded(seed))
        };
        lock(&self.faults).clear();
        self.clear_requests();
        lock(&self.tokens).reset_statics();
        saved
    }

    fn record(&self, request: RecordedRequest) {
        let mut recorded = lock(&self.recorded);
        if recorded.len() >= MAX_RECORDED {
            recorded.pop_front();
        }
        recorded.push_back(request);
    }
}

/// What a handler asks its connection to do instead of answering normally.
enum Takeover {
    /// Close with SO_LINGER 0: the peer sees a reset, no response byte.
    Reset,
    /// Write these raw bytes (a response cut short), then close.
    Truncate(Vec<u8>),
}

/// Per-connection control shared with that connection's handlers.
struct ConnCtl {
    ip: IpAddr,
    notify: Notify,
    takeover: Mutex<Option<Takeover>>,
}

type Reply = Response<Full<Bytes>>;

/// Accepts connections until `shutdown` fires.
pub(crate) async fn serve(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    mut shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    shared.connections.fetch_add(1, Ordering::Relaxed);
                    tokio::spawn(connection(stream, peer, Arc::clone(&shared)));
                }
                // Out of file descriptors or similar: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
        }
    }
}

async fn connection(stream: tokio::net::TcpStream, peer: SocketAddr, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    // Keep a second handle on the socket so that a handler can reset or cut the
    // connection after hyper's side is dropped.
    let Ok(std_stream) = stream.into_std() else { return };
    let Ok(spare) = std_stream.try_clone() else { return };
    let Ok(stream) = tokio::net::TcpStream::from_std(std_stream) else { return };
    let ctl = Arc::new(ConnCtl { ip: peer.ip(), notify: Notify::new(), takeover: Mutex::new(None) });
    let for_service = Arc::clone(&ctl);
    let service = hyper::service::service_fn(move |req| {
        let shared = Arc::clone(&shared);
        let ctl = Arc::clone(&for_service);
        async move { Ok::<_, Infallible>(route(req, shared, ctl).await) }
    });
    let conn =
        hyper::server::conn::http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = conn => {}
        () = ctl.notify.notified() => {}
    }
    // hyper's handle on the socket is closed now; act on the spare one.
    let takeover = lock(&ctl.takeover).take();
    match takeover {
        Some(Takeover::Reset) => {
            let _ = socket2::SockRef::from(&spare).set_linger(Some(Duration::ZERO));
            drop(spare);
        }
        Some(Takeover::Truncate(bytes)) => {
            if let Ok(mut stream) = tokio::net::TcpStream::from_std(spare) {
                let _ = stream.write_all(&bytes).await;
                let _ = stream.flush().await;
                let _ = stream.shutdown().await;
            }
        }
        None => drop(spare),
    }
}

async fn take_over(ctl: &ConnCtl, takeover: Takeover) -> Reply {
    *lock(&ctl.takeover) = Some(takeover);
    ctl.notify.notify_one();
    // The connection task drops this future when it takes over.
    std::future::pending::<Reply>().await
}

async fn route(req: Request<Incoming>, shared: Arc<Shared>, ctl: Arc<ConnCtl>) -> Reply {
    let path = req.uri().path().to_owned();
    if let Some(control) = path.strip_prefix("/_sandbox/") {
        let control = control.trim_end_matches('/').to_owned();
        return controls(req, &control, &shared).await;
    }
    let endpoint = if path.ends_with("/database.php") {
        Endpoint::Database
    } else if path.ends_with("/token.php") {
        Endpoint::Token
    } else {
        return text(StatusCode::NOT_FOUND, "text/plain; charset=utf-8", format!("404 Not Found: {path}\n"));
    };
    api(req, endpoint, shared, ctl).await
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    Database,
    Token,
}

async fn api(req: Request<Incoming>, endpoint: Endpoint, shared: Arc<Shared>, ctl: Arc<ConnCtl>) -> Reply {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or_default().to_owned();
    let content_type = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let limit = shared.config.max_body_bytes;
    let declared_too_large = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > limit as u64);
    // Read the whole body (chunked or not) within the limit before anything else.
    let body = if declared_too_large {
        None
    } else {
        match Limited::new(req.into_body(), limit).collect().await {
            Ok(collected) => Some(collected.to_bytes()),
            Err(e) if e.is::<http_body_util::LengthLimitError>() => None,
            Err(_) => {
                return text(StatusCode::BAD_REQUEST, "text/plain; charset=utf-8", "could not read the request body\n")
            }
        }
    };

    let query_params = Params::from_query(&query);
    if method != Method::GET && method != Method::POST {
        // Refused before anything else: not recorded, no fault consumed, nothing changed.
        // The body was read above so that the connection stays usable.
        let format = match query_params.get("format") {
            Some("xml") if endpoint == Endpoint::Database => Format::Xml,
            _ => Format::Json,
        };
        let message = format!("Method {method} not allowed; use GET or POST");
        let mut reply = answer(StatusCode::METHOD_NOT_ALLOWED, format, &Answer::error(message, false));
        reply.headers_mut().insert(ALLOW, HeaderValue::from_static("GET, POST"));
        return reply;
    }
    let parsed = match body {
        Some(body) => {
            let limits = Limits { body: limit, recorded: MAX_RECORDED_BODY };
            params::read(query_params, content_type.as_deref(), method == Method::POST, body, limits).await
        }
        None => Parsed::too_large(query_params, limit),
    };
    let params = &parsed.params;

    let fault = lock(&shared.faults).take(params.get("method"), params.get("action"));
    let seq = shared.seq.fetch_add(1, Ordering::Relaxed) + 1;
    shared.record(RecordedRequest {
        seq,
        method: method.to_string(),
        path,
        query: params::redact(&query),
        body: parsed.recorded_body.clone(),
        remote_ip: ctl.ip.to_string(),
        fault: fault.as_ref().map(fault_name),
        api_method: params.get("method").map(str::to_owned),
        action: params.get("action").map(str::to_owned),
        params: params.effective(),
    });

    let format = match params.get("format") {
        Some("xml") if endpoint == Endpoint::Database => Format::Xml,
        _ => Format::Json,
    };
    let delay = match fault {
        Some(Fault::Status { status, retry_after }) => return status_fault(status, retry_after),
        Some(Fault::ApiError { ref error }) => {
            return answer(StatusCode::OK, format, &Answer::error(error.clone(), false))
        }
        Some(Fault::Reset) => return take_over(&ctl, Takeover::Reset).await,
        Some(Fault::Delay { ms }) => Some(Duration::from_millis(ms)),
        Some(Fault::Truncate) | None => None,
    };

    // The request runs to its end in a task of its own, as a PHP script keeps running when
    // its client goes away: a client that disconnects (hyper then drops this future), for
    // instance timing out during a delay, does not stop a write from being applied.
    let for_task = Arc::clone(&shared);
    let ip = ctl.ip;
    let work = tokio::spawn(async move {
        if let Some(delay) = delay {
            tokio::time::sleep(delay).await;
        }
        match endpoint {
            Endpoint::Database => database(&for_task, parsed, ip).await,
            Endpoint::Token => token(&for_task, &parsed, ip),
        }
    });
    let reply = match work.await {
        Ok(reply) => reply,
        Err(_) => answer(StatusCode::INTERNAL_SERVER_ERROR, format, &Answer::error("Internal error", false)),
    };
    if fault == Some(Fault::Truncate) {
        return take_over(&ctl, Takeover::Truncate(truncated(reply).await)).await;
    }
    reply
}

fn fault_name(fault: &Fault) -> String {
    match fault {
        Fault::Status { status, .. } => format!("status {status}"),
        Fault::Delay { ms } => format!("delay {ms} ms"),
        Fault::Reset => "reset".into(),
        Fault::Truncate => "truncate".into(),
        Fault::ApiError { .. } => "api_error".into(),
    }
}

/// The raw bytes of `reply` with the full Content-Length but only half of the body.
async fn truncated(reply: Reply) -> Vec<u8> {
    let (parts, body) = reply.into_parts();
    let body = body.collect().await.map(|c| c.to_bytes()).unwrap_or_default();
    let mut out =
        format!("HTTP/1.1 {} {}\r\n", parts.status.as_u16(), parts.status.canonical_reason().unwrap_or("Unknown"))
            .into_bytes();
    for (name, value) in &parts.headers {
        if name != CONTENT_LENGTH {
            out.extend_from_slice(name.as_str().as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
    }
    out.extend_from_slice(format!("content-length: {}\r\nconnection: close\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(&body[..body.len() / 2]);
    out
}

fn status_fault(status: u16, retry_after: Option<u64>) -> Reply {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let title = format!("{} {}", code.as_u16(), code.canonical_reason().unwrap_or("Error"));
    let mut reply = text(
        code,
        "text/html; charset=utf-8",
        format!("<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>\n"),
    );
    if let Some(secs) = retry_after {
        reply.headers_mut().insert(RETRY_AFTER, HeaderValue::from(secs));
    }
    reply
}

fn text(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Reply {
    let mut reply = Response::new(Full::new(body.into()));
    *reply.status_mut() = status;
    reply.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    reply
}

fn answer(status: StatusCode, format: Format, answer: &Answer) -> Reply {
    text(status, format.content_type(), answer.encode(format))
}

fn error(format: Format, message: impl Into<String>) -> Reply {
    answer(StatusCode::OK, format, &Answer::error(message, false))
}

#[derive(Clone, Copy)]
enum Api {
    Priority,
    Tod,
}

/// The answer to a body that cannot be used: 413 over the limit, 400 for malformed multipart.
fn body_refusal(shared: &Shared, format: Format, problem: &BodyProblem) -> Reply {
    match problem {
        BodyProblem::TooLarge => {
            let message = format!("Request body too large: the limit is {} bytes", shared.config.max_body_bytes);
            answer(StatusCode::PAYLOAD_TOO_LARGE, format, &Answer::error(message, false))
        }
        BodyProblem::Malformed(why) => answer(StatusCode::BAD_REQUEST, format, &Answer::error(why.clone(), false)),
    }
}

/// `database.php`: checks in this order: format, body, token, method, action, payload.
async fn database(shared: &Arc<Shared>, parsed: Parsed, ip: IpAddr) -> Reply {
    let Parsed { params, payload, problem, .. } = parsed;
    let params = &params;
    let format = match params.get("format") {
        None | Some("" | "json") => Format::Json,
        Some("xml") => Format::Xml,
        Some(other) => return error(Format::Json, format!("Unknown format '{other}'; expected json or xml")),
    };
    if let Some(problem) = &problem {
        return body_refusal(shared, format, problem);
    }
    let checked = lock(&shared.tokens).check(params.get("token").unwrap_or_default(), ip);
    match checked {
        Ok(_) => {}
        Err(Refusal::Invalid) => return error(format, "Invalid token"),
        Err(Refusal::Expired) => return answer(StatusCode::OK, format, &Answer::error("Expired token", true)),
    }
    let api = match params.get("method") {
        Some("priority") => Api::Priority,
        Some("tod_policy") => Api::Tod,
        None | Some("") => return error(format, "Missing method; expected priority or tod_policy"),
        Some(other) => return error(format, format!("Unknown method '{other}'; expected priority or tod_policy")),
    };
    let action = match params.get("action") {
        Some(a @ ("create" | "read" | "update")) => a,
        None | Some("") => return error(format, "Missing action; expected create, read or update"),
        Some(other) => return error(format, format!("Unknown action '{other}'; expected create, read or update")),
    };
    if action == "read" {
        return read(shared, params, api, format);
    }
    if payload.iter().all(u8::is_ascii_whitespace) {
        return error(
            format,
            "Missing payload: send the records as the raw request body (raw=1) or as an easycall file",
        );
    }
    let wrapper = match api {
        Api::Priority => "priority",
        Api::Tod => "tod_policy",
    };
    let records = match format {
        Format::Json => payload::parse_json(&payload),
        Format::Xml => payload::parse_xml(&payload, wrapper),
    };
    let records = match records {
        Ok(records) if records.is_empty() => return error(format, "No records in payload"),
        Ok(records) => records,
        Err(why) => return error(format, why),
    };
    let create = action == "create";
    let for_write = Arc::clone(shared);
    let outcome = tokio::task::spawn_blocking(move || {
        let mut store = lock(&for_write.store);
        store.write(|data| match (api, create) {
            (Api::Priority, true) => data.create_assignments(&records),
            (Api::Priority, false) => Ok(data.update_assignments(&records)),
            (Api::Tod, true) => data.create_policies(&records),
            (Api::Tod, false) => Ok(data.update_policies(&records)),
        })
    })
    .await;
    match outcome {
        Ok(Ok(Ok(outcome))) => answer(StatusCode::OK, format, &Answer::write(shared.config.account_id, &outcome)),
        // Ids exhausted: refused as a whole, nothing was changed (so nothing was saved).
        Ok(Ok(Err(why))) => error(format, why),
        Ok(Err(e)) => answer(
            StatusCode::INTERNAL_SERVER_ERROR,
            format,
            &Answer::error(format!("Could not save state, nothing was changed: {e}"), false),
        ),
        Err(_) => answer(StatusCode::INTERNAL_SERVER_ERROR, format, &Answer::error("Internal error", false)),
    }
}

fn filter(params: &Params, name: &str) -> Result<Option<u64>, String> {
    match params.get(name) {
        None | Some("") => Ok(None),
        Some(value) => number_value(name, &payload::Value::Text(value.to_owned()))
            .map(Some)
            .map_err(|why| format!("Invalid {name} filter: {why}")),
    }
}

fn read(shared: &Shared, params: &Params, api: Api, format: Format) -> Reply {
    match api {
        Api::Priority => {
            let (agent, qid) = match (filter(params, "agent"), filter(params, "qid")) {
                (Ok(a), Ok(q)) => (a, q),
                (Err(why), _) | (_, Err(why)) => return error(format, why),
            };
            let rows = lock(&shared.store).data.read_assignments(agent, qid);
            answer(StatusCode::OK, format, &Answer::assignments(&rows))
        }
        Api::Tod => {
            let policy = match filter(params, "policy") {
                Ok(p) => p,
                Err(why) => return error(format, why),
            };
            let rows = lock(&shared.store).data.read_policies(policy);
            answer(StatusCode::OK, format, &Answer::policies(&rows))
        }
    }
}

/// `token.php`: always JSON.
fn token(shared: &Shared, parsed: &Parsed, ip: IpAddr) -> Reply {
    if let Some(problem) = &parsed.problem {
        return body_refusal(shared, Format::Json, problem);
    }
    let params = &parsed.params;
    match params.get("action") {
        Some("get") => {
            let user = params.get("username").unwrap_or_default();
            let password = params.get("password").unwrap_or_default();
            match lock(&shared.tokens).issue(user, password, ip) {
                Some((token, expire)) => {
                    let mut body = String::from("{\"success\":true,\"token\":");
                    json_str(&mut body, &token);
                    body.push_str(&format!(",\"expire\":{expire}}}"));
                    text(StatusCode::OK, "application/json", body)
                }
                None => error(Format::Json, "Authentication failure"),
            }
        }
        Some("validate") => {
            let checked = lock(&shared.tokens).check(params.get("token").unwrap_or_default(), ip);
            match checked {
                Ok(expire) => {
                    text(StatusCode::OK, "application/json", format!("{{\"success\":true,\"expire\":{expire}}}"))
                }
                Err(Refusal::Invalid) => error(Format::Json, "Invalid token"),
                Err(Refusal::Expired) => answer(StatusCode::OK, Format::Json, &Answer::error("Expired token", true)),
            }
        }
        None | Some("") => error(Format::Json, "Missing action; expected get or validate"),
        Some(other) => error(Format::Json, format!("Unknown action '{other}'; expected get or validate")),
    }
}

// ---------------------------------------------------------------------------------------
// Controls

fn json_reply(status: StatusCode, value: &serde_json::Value) -> Reply {
    text(status, "application/json", value.to_string())
}

fn control_error(status: StatusCode, message: impl Into<String>) -> Reply {
    json_reply(status, &serde_json::json!({"ok": false, "error": message.into()}))
}

#[derive(Deserialize)]
struct TokenBody {
    token: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum FaultBody {
    One(FaultSpec),
    Many(Vec<FaultSpec>),
}

async fn controls(req: Request<Incoming>, control: &str, shared: &Shared) -> Reply {
    let method = req.method().clone();
    let body = match Limited::new(req.into_body(), 1 << 20).collect().await {
        Ok(c) => c.to_bytes(),
        Err(_) => return control_error(StatusCode::PAYLOAD_TOO_LARGE, "control body too large or unreadable"),
    };
    let ok = || json_reply(StatusCode::OK, &serde_json::json!({"ok": true}));
    match (control, &method) {
        ("faults", &Method::POST) => {
            let specs = match serde_json::from_slice::<FaultBody>(&body) {
                Ok(FaultBody::One(spec)) => vec![spec],
                Ok(FaultBody::Many(specs)) => specs,
                Err(e) => return control_error(StatusCode::BAD_REQUEST, format!("invalid fault spec: {e}")),
            };
            match shared.faults_push(specs) {
                Ok(pending) => json_reply(StatusCode::OK, &serde_json::json!({"ok": true, "pending": pending})),
                Err(why) => control_error(StatusCode::BAD_REQUEST, why),
            }
        }
        ("faults", &Method::GET) => text(
            StatusCode::OK,
            "application/json",
            serde_json::to_string(&lock(&shared.faults).list()).unwrap_or_default(),
        ),
        ("faults", &Method::DELETE) => {
            lock(&shared.faults).clear();
            ok()
        }
        ("requests", &Method::GET) => {
            text(StatusCode::OK, "application/json", serde_json::to_string(&shared.requests()).unwrap_or_default())
        }
        ("requests", &Method::DELETE) => {
            shared.clear_requests();
            ok()
        }
        ("tokens/expire" | "tokens/revoke", &Method::POST) => {
            let token = match serde_json::from_slice::<TokenBody>(&body) {
                Ok(b) => b.token,
                Err(e) => {
                    return control_error(StatusCode::BAD_REQUEST, format!("expected {{\"token\":\"...\"}}: {e}"))
                }
            };
            let known =
                if control == "tokens/expire" { shared.auth_expire(&token) } else { shared.auth_revoke(&token) };
            json_reply(StatusCode::OK, &serde_json::json!({"ok": true, "known": known}))
        }
        ("reset", &Method::POST) => match shared.reset() {
            Ok(()) => ok(),
            Err(e) => control_error(StatusCode::INTERNAL_SERVER_ERROR, format!("reset, but could not save state: {e}")),
        },
        ("stats", &Method::GET) => json_reply(
            StatusCode::OK,
            &serde_json::json!({
                "connections": shared.connections.load(Ordering::Relaxed),
                "requests": shared.seq.load(Ordering::Relaxed),
            }),
        ),
        ("faults" | "requests" | "tokens/expire" | "tokens/revoke" | "reset" | "stats", _) => {
            let allow = match control {
                "faults" => "GET, POST, DELETE",
                "requests" => "GET, DELETE",
                "stats" => "GET",
                _ => "POST",
            };
            let mut reply = control_error(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("{method} is not allowed on /_sandbox/{control}; use {allow}"),
            );
            reply.headers_mut().insert(ALLOW, HeaderValue::from_static(allow));
            reply
        }
        _ => control_error(StatusCode::NOT_FOUND, format!("unknown control /_sandbox/{control}")),
    }
}
