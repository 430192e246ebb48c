//! The server the round-trip bench talks to.
//!
//! A minimal keep-alive loopback server with fixed answers, used until the bench is moved
//! onto the in-process sandbox.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpListener,
    thread,
};

const READ: &[u8] = br#"{"success":true,"account_id":"1","total":"2","list":[{"agentid":"1","qid":"1","level":"10"},{"agentid":"2","qid":"1","level":"20"}]}"#;
const WRITE: &[u8] = br#"{"success":true,"account_id":"1","total":"2","bad":"0","key":"0"}"#;

/// Starts the server: base URL, token, and a guard that keeps it alive.
pub fn start() -> (String, String, ()) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || {
                let _ = stream.set_nodelay(true);
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut stream = stream;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let mut len = 0;
                    loop {
                        let mut h = String::new();
                        if reader.read_line(&mut h).unwrap_or(0) == 0 {
                            return;
                        }
                        if h.trim().is_empty() {
                            break;
                        }
                        if let Some((n, v)) = h.split_once(':') {
                            if n.eq_ignore_ascii_case("content-length") {
                                len = v.trim().parse().unwrap_or(0);
                            }
                        }
                    }
                    let mut body = vec![0; len];
                    if reader.read_exact(&mut body).is_err() {
                        return;
                    }
                    let answer = if line.starts_with("GET") { READ } else { WRITE };
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                        answer.len()
                    );
                    let mut out = head.into_bytes();
                    out.extend_from_slice(answer);
                    if stream.write_all(&out).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (base, "bench-token".to_owned(), ())
}
