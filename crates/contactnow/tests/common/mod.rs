//! A tiny scripted HTTP/1.1 server on loopback, for tests that need exact control.
#![allow(dead_code, clippy::unwrap_used)]

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{TcpListener, TcpStream},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    thread,
    time::Duration,
};

/// One request as received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// What to do with a request.
pub enum Reply {
    /// Answer with status, extra headers and body.
    Respond(u16, Vec<(String, String)>, Vec<u8>),
    /// Close the connection without answering.
    Close,
    /// Wait, then close.
    Hang(Duration),
    /// Send headers announcing a long body, then one byte per interval.
    Trickle(Duration),
    /// Send the status line, then one header byte per interval, never ending the headers.
    TrickleHeaders(Duration),
}

pub fn json(status: u16, body: &str) -> Reply {
    Reply::Respond(status, vec![("Content-Type".into(), "application/json".into())], body.as_bytes().to_vec())
}

type Handler = dyn Fn(&Seen, usize) -> Reply + Send + Sync;

pub struct FakeServer {
    pub base_url: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    /// Connections accepted so far.
    pub connections: Arc<AtomicUsize>,
}

impl FakeServer {
    /// Starts a server calling `handler(request, index)` for each request.
    pub fn start(handler: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = seen.clone();
        let connections = Arc::new(AtomicUsize::new(0));
        let accepted = connections.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                accepted.fetch_add(1, Ordering::SeqCst);
                let handler = handler.clone();
                let log = log.clone();
                thread::spawn(move || serve(stream, &*handler, &log));
            }
        });
        Self { base_url, seen, connections }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn count(&self, needle: &str) -> usize {
        self.requests().iter().filter(|r| r.target.contains(needle)).count()
    }
}

fn serve(stream: TcpStream, handler: &Handler, log: &Mutex<Vec<Seen>>) {
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_owned();
        let target = parts.next().unwrap_or_default().to_owned();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((n, v)) = h.split_once(':') {
                headers.push((n.trim().to_owned(), v.trim().to_owned()));
            }
        }
        let len = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let seen = Seen { method, target, headers, body };
        let index = {
            let mut log = log.lock().unwrap();
            log.push(seen.clone());
            log.len() - 1
        };
        match handler(&seen, index) {
            Reply::Respond(status, headers, body) => {
                let mut head = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\n", body.len());
                for (n, v) in headers {
                    head.push_str(&format!("{n}: {v}\r\n"));
                }
                head.push_str("\r\n");
                if stream.write_all(head.as_bytes()).is_err() || stream.write_all(&body).is_err() {
                    return;
                }
            }
            Reply::Close => return,
            Reply::TrickleHeaders(every) => {
                if stream.write_all(b"HTTP/1.1 200 OK\r\nX-Slow: ").is_err() {
                    return;
                }
                for _ in 0..100_000 {
                    thread::sleep(every);
                    if stream.write_all(b"a").is_err() {
                        return;
                    }
                }
                return;
            }
            Reply::Trickle(every) => {
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
                if stream.write_all(head.as_bytes()).is_err() {
                    return;
                }
                for _ in 0..100_000 {
                    thread::sleep(every);
                    if stream.write_all(b" ").is_err() {
                        return;
                    }
                }
                return;
            }
            Reply::Hang(d) => {
                thread::sleep(d);
                return;
            }
        }
    }
}

/// Query value of `key` in a request target.
pub fn query<'a>(target: &'a str, key: &str) -> Option<&'a str> {
    let query = target.split_once('?')?.1;
    query.split('&').find_map(|pair| pair.split_once('=').filter(|(k, _)| *k == key).map(|(_, v)| v))
}
