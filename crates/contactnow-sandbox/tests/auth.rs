//! token.php and token checks on database.php.
#![allow(clippy::unwrap_used)]

mod common;
use std::time::Duration;

use common::*;

fn get_token(a: &ureq::Agent, sb: &Sandbox) -> (String, u64) {
    let answer = get(a, &format!("{}/token.php?action=get&username=demo&password=demo-password", sb.base_url())).json();
    assert_eq!(answer["success"], true, "{answer}");
    (answer["token"].as_str().unwrap().to_owned(), answer["expire"].as_u64().unwrap())
}

fn read_with(a: &ureq::Agent, sb: &Sandbox, token: &str, format: &str) -> Answer {
    get(a, &format!("{}/database.php?token={token}&method=tod_policy&action=read&format={format}", sb.base_url()))
}

#[test]
fn token_get_and_validate() {
    let sb = start(Seed::Demo);
    let a = agent();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let (token, expire) = get_token(&a, &sb);
    assert_eq!(token.len(), 32);
    assert!(expire >= now + 43_199 && expire <= now + 43_199 + 5, "{expire} vs {now}");
    let valid = get(&a, &format!("{}/token.php?action=validate&token={token}", sb.base_url()));
    assert_eq!(valid.body, format!(r#"{{"success":true,"expire":{expire}}}"#));
    assert_eq!(read_with(&a, &sb, &token, "json").json()["total"], 4);

    let wrong = get(&a, &format!("{}/token.php?action=get&username=demo&password=nope", sb.base_url()));
    assert_eq!(wrong.body, r#"{"success":false,"error":"Authentication failure"}"#);
    let nobody = get(&a, &format!("{}/token.php?action=get", sb.base_url()));
    assert_eq!(nobody.body, r#"{"success":false,"error":"Authentication failure"}"#);
    let unknown = get(&a, &format!("{}/token.php?action=validate&token=zzz", sb.base_url()));
    assert_eq!(unknown.body, r#"{"success":false,"error":"Invalid token"}"#);
    // Credentials may come as POST form fields too.
    let posted = post(
        &a,
        &format!("{}/token.php", sb.base_url()),
        "application/x-www-form-urlencoded",
        "action=get&username=demo&password=demo-password",
    );
    assert_eq!(posted.json()["success"], true);
    // The password never shows in the recorded requests.
    let log = serde_json::to_string(&sb.requests()).unwrap();
    assert!(!log.contains("demo-password") && !log.contains(&token), "{log}");
}

#[test]
fn invalid_and_missing_tokens_change_nothing() {
    let sb = start(Seed::Demo);
    let a = agent();
    for url in [
        format!("{}/database.php?token=nope&method=priority&action=create&raw=1", sb.base_url()),
        format!("{}/database.php?method=priority&action=create&raw=1", sb.base_url()),
        format!("{}/database.php?token=&method=priority&action=create&raw=1", sb.base_url()),
    ] {
        let answer = post(&a, &url, "application/json", r#"[{"agentid":"1","qid":"2","level":"3"}]"#);
        assert_eq!(answer.body, r#"{"success":false,"error":"Invalid token"}"#);
    }
    let xml = read_with(&a, &sb, "nope", "xml");
    assert_eq!(xml.body, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<result><success>0</success><error>Invalid token</error></result>\n");
    assert_eq!(get(&a, &db_url(&sb, "priority", "read", "json", "")).json()["total"], 12);
}

#[test]
fn expire_and_revoke_through_the_controls() {
    let sb = start(Seed::Demo);
    let a = agent();
    let (token, _) = get_token(&a, &sb);
    let control = |path: &str, token: &str| {
        post(
            &a,
            &format!("{}/_sandbox/tokens/{path}", sb.base_url()),
            "application/json",
            &serde_json::json!({"token": token}).to_string(),
        )
        .json()
    };
    assert_eq!(control("expire", &token), serde_json::json!({"ok": true, "known": true}));
    assert_eq!(read_with(&a, &sb, &token, "json").body, r#"{"success":false,"error":"Expired token","expire":-1}"#);
    assert_eq!(
        read_with(&a, &sb, &token, "xml").body,
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<result><success>0</success><error>Expired token</error><expire>-1</expire></result>\n"
    );
    let validate = get(&a, &format!("{}/token.php?action=validate&token={token}", sb.base_url()));
    assert_eq!(validate.body, r#"{"success":false,"error":"Expired token","expire":-1}"#);
    assert_eq!(control("revoke", &token)["known"], true);
    assert_eq!(read_with(&a, &sb, &token, "json").body, r#"{"success":false,"error":"Invalid token"}"#);
    assert_eq!(control("revoke", "never-issued")["known"], false);

    // Static tokens can be expired too, and reset makes them valid again.
    sb.expire_token("sandbox-token");
    assert_eq!(read_with(&a, &sb, "sandbox-token", "json").json()["error"], "Expired token");
    sb.reset();
    assert_eq!(read_with(&a, &sb, "sandbox-token", "json").json()["success"], true);
    sb.revoke_token("sandbox-token");
    assert_eq!(read_with(&a, &sb, "sandbox-token", "json").json()["error"], "Invalid token");
}

#[test]
fn short_token_lifetime_expires() {
    let sb = Sandbox::start(Config { token_lifetime: Duration::ZERO, ..Config::default() }).unwrap();
    let a = agent();
    let (token, _) = get_token(&a, &sb);
    assert_eq!(read_with(&a, &sb, &token, "json").json()["error"], "Expired token");
}

/// A huge lifetime used to overflow `now + lifetime` (a panic answering token.php, or a
/// wrapped expiry in the past in release builds). It saturates at `i64::MAX`, the largest
/// expiry a PHP integer or the core's `expire: i64` can hold.
#[test]
fn huge_token_lifetime_saturates() {
    for lifetime in [Duration::MAX, Duration::from_secs(u64::MAX)] {
        let sb = Sandbox::start(Config { token_lifetime: lifetime, seed: Seed::Demo, ..Config::default() }).unwrap();
        let a = agent();
        let max = i64::MAX.unsigned_abs();
        let (token, expire) = get_token(&a, &sb);
        assert_eq!(expire, max);
        let valid = get(&a, &format!("{}/token.php?action=validate&token={token}", sb.base_url()));
        assert_eq!(valid.body, format!(r#"{{"success":true,"expire":{max}}}"#));
        assert_eq!(read_with(&a, &sb, &token, "json").json()["total"], 4);
        assert_eq!(read_with(&a, &sb, &token, "xml").status, 200);
        let valid = get(&a, &format!("{}/token.php?action=validate&token=sandbox-token", sb.base_url()));
        assert_eq!(valid.body, format!(r#"{{"success":true,"expire":{max}}}"#));
        // Expiring it by the control still works.
        sb.expire_token(&token);
        assert_eq!(read_with(&a, &sb, &token, "json").json()["error"], "Expired token");
    }
}

#[test]
fn configured_users_and_tokens() {
    let sb = Sandbox::start(Config {
        tokens: vec!["t1".into(), "t2".into()],
        users: vec![("alice".into(), "p@ss word&x".into())],
        ..Config::default()
    })
    .unwrap();
    let a = agent();
    assert_eq!(sb.token(), "t1");
    assert_eq!(read_with(&a, &sb, "t2", "json").json()["success"], true);
    let ok = get(&a, &format!("{}/token.php?action=get&username=alice&password=p%40ss%20word%26x", sb.base_url()));
    assert_eq!(ok.json()["success"], true);
    let demo = get(&a, &format!("{}/token.php?action=get&username=demo&password=demo-password", sb.base_url()));
    assert_eq!(demo.json()["success"], false);
}

/// A token is bound to the IP that asked for it; another source IP gets "Invalid token".
#[cfg(target_os = "linux")]
#[test]
fn token_is_bound_to_the_issuing_ip() {
    use std::io::{Read, Write};

    let sb = start(Seed::Demo);
    let a = agent();
    let (token, _) = get_token(&a, &sb);
    let addr: std::net::SocketAddr = sb.base_url().trim_start_matches("http://").parse().unwrap();
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.bind(&std::net::SocketAddr::from(([127, 0, 0, 2], 0)).into()).unwrap();
    socket.connect(&addr.into()).unwrap();
    let mut stream: std::net::TcpStream = socket.into();
    write!(
        stream,
        "GET /database.php?token={token}&method=priority&action=read HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.ends_with(r#"{"success":false,"error":"Invalid token"}"#), "{response}");
    // The static token works from anywhere, and the issued one still works from its own IP.
    assert_eq!(read_with(&a, &sb, &token, "json").json()["success"], true);
    assert_eq!(sb.requests().last().unwrap().remote_ip, "127.0.0.1");
}
