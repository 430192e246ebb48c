//! Calls in flight at once, against the in-process sandbox with a 100 ms server-side delay on
//! every request: 64 and 256 concurrent `AsyncClient::read_assignments` vs a plain pooled
//! hyper-util client sending the identical GETs (the same URL with the token, the same
//! headers) from a `JoinSet` and reading the bodies without parsing them. Then sequential
//! round trips without the delay, the same two, and the memory per call in flight.
//!
//! Both sides run on one multi-thread tokio runtime and are measured in alternating rounds
//! (A B, then B A, ...) and compared by their medians, so that noise on a small shared
//! machine favours neither. Goals: at most 1.1x the plain loop's wall time at 64 and 256,
//! at least 0.9x its round trips per second.
//!
//! Memory: a child process of this benchmark (so that the sandbox's own memory is not
//! counted) opens one connection, reads its resident set, starts 256 calls that the server
//! holds for 2 s, reads it again halfway, and reports the growth per call in flight, for
//! `AsyncClient` and for the plain loop.
//!
//! `cargo bench -p contactnow --features async --bench concurrency`. With `--list` it only
//! names itself; run without `--bench` (as `cargo test --benches` does) it only checks that
//! every loop works.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::{
    hint::black_box,
    process::Command,
    time::{Duration, Instant},
};

use common::median;
use contactnow::{AsyncClient, Method, Operation, ReadAssignments, ReadPolicies, Token};
use contactnow_sandbox::{Config, Fault, FaultSpec, Sandbox, Seed};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::{
    client::legacy::{connect::HttpConnector, Client},
    rt::TokioExecutor,
};
use tokio::task::JoinSet;

const ROUNDS: usize = 15;
const ROUND_TIME: Duration = Duration::from_millis(300);
const SERVER_DELAY_MS: u64 = 100;
const IN_FLIGHT_FOR_MEMORY: usize = 256;

type Plain = Client<HttpConnector, Full<Bytes>>;

/// The identical request both sides send: the client's own, from the core.
#[derive(Clone)]
struct Request {
    url: String,
    headers: Vec<(String, String)>,
}

impl Request {
    fn of(op: &impl Operation, client: &AsyncClient, token: &str) -> Self {
        let request = op.build_request(client.endpoint(), &Token::new(token), client.format()).unwrap();
        assert_eq!(request.method, Method::Get);
        Self { url: request.url, headers: request.headers }
    }

    /// Sends it with the plain client, reads the whole body, checks the status.
    async fn send(&self, plain: &Plain) -> usize {
        let mut builder = hyper::Request::get(self.url.as_str()).header("user-agent", contactnow::USER_AGENT);
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let response = plain.request(builder.body(Full::new(Bytes::new())).unwrap()).await.unwrap();
        assert_eq!(response.status(), 200);
        response.into_body().collect().await.unwrap().to_bytes().len()
    }
}

fn plain_client() -> Plain {
    let mut http = HttpConnector::new();
    http.set_nodelay(true);
    Client::builder(TokioExecutor::new()).build(http)
}

fn async_client(base_url: &str, token: &str) -> AsyncClient {
    AsyncClient::builder().base_url(base_url).token(token).build_async().unwrap()
}

/// Wall time of `n` calls at once from a JoinSet.
async fn concurrent_async(client: &AsyncClient, n: usize) -> Duration {
    let start = Instant::now();
    let mut set = JoinSet::new();
    for _ in 0..n {
        let client = client.clone();
        set.spawn(async move { client.read_assignments(Some(1234), None).await.unwrap().records.len() });
    }
    while let Some(done) = set.join_next().await {
        assert_eq!(done.unwrap(), 2);
    }
    start.elapsed()
}

/// Wall time of `n` plain requests at once from a JoinSet.
async fn concurrent_plain(plain: &Plain, request: &Request, n: usize) -> Duration {
    let start = Instant::now();
    let mut set = JoinSet::new();
    for _ in 0..n {
        let (plain, request) = (plain.clone(), request.clone());
        set.spawn(async move { request.send(&plain).await });
    }
    while let Some(done) = set.join_next().await {
        assert!(done.unwrap() > 0);
    }
    start.elapsed()
}

/// Round trips per second of one call after another for `ROUND_TIME`.
async fn sequential_async(client: &AsyncClient) -> f64 {
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < ROUND_TIME {
        black_box(client.read_assignments(Some(1234), None).await.unwrap());
        n += 1;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

async fn sequential_plain(plain: &Plain, request: &Request) -> f64 {
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < ROUND_TIME {
        black_box(request.send(plain).await);
        n += 1;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// Medians of `a` and `b` measured in alternating rounds, and the median per-round ratio a/b.
async fn alternate<A, B, FA, FB>(mut a: A, mut b: B) -> (f64, f64, f64)
where
    A: FnMut() -> FA,
    B: FnMut() -> FB,
    FA: std::future::Future<Output = f64>,
    FB: std::future::Future<Output = f64>,
{
    let (mut xs, mut ys, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let (x, y) = if round % 2 == 0 {
            let x = a().await;
            (x, b().await)
        } else {
            let y = b().await;
            (a().await, y)
        };
        xs.push(x);
        ys.push(y);
        ratios.push(x / y);
    }
    (median(&mut xs), median(&mut ys), median(&mut ratios))
}

/// The resident set of this process, in bytes.
fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
    kb.unwrap_or(0) * 1024
}

/// The child's side of the memory measurement: prints the growth of the resident set per
/// call while `IN_FLIGHT_FOR_MEMORY` calls wait on the server.
fn memory_child(which: &str, base_url: &str, token: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let client = async_client(base_url, token);
        let plain = plain_client();
        let warm = Request::of(&ReadPolicies { policy_id: None }, &client, token);
        let read = Request::of(&ReadAssignments { agent_id: Some(1234), queue_id: None }, &client, token);
        // One connection opened, everything lazily made is made, before the baseline.
        match which {
            "async" => drop(client.read_policies(None).await.unwrap()),
            _ => drop(warm.send(&plain).await),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let before = rss();
        let mut set = JoinSet::new();
        for _ in 0..IN_FLIGHT_FOR_MEMORY {
            let (client, plain, read) = (client.clone(), plain.clone(), read.clone());
            match which {
                "async" => {
                    set.spawn(async move { client.read_assignments(Some(1234), None).await.unwrap().records.len() })
                }
                _ => set.spawn(async move { read.send(&plain).await }),
            };
        }
        tokio::time::sleep(Duration::from_millis(1000)).await;
        let during = rss();
        while let Some(done) = set.join_next().await {
            done.unwrap();
        }
        println!("{}", during.saturating_sub(before) / IN_FLIGHT_FOR_MEMORY as u64);
    });
}

/// Runs the memory child for `which` against `sandbox` and returns its bytes per call.
fn memory_per_call(sandbox: &Sandbox, which: &str) -> u64 {
    sandbox.push_fault(FaultSpec::new(Fault::Delay { ms: 2000 }).method("priority").times(IN_FLIGHT_FOR_MEMORY as u32));
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--memory-child", which, &sandbox.base_url(), &sandbox.token()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().parse().unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        println!("concurrency: benchmark");
        return;
    }
    if let [flag, which, base_url, token] = &args[..] {
        if flag == "--memory-child" {
            return memory_child(which, base_url, token);
        }
    }
    let full = args.iter().any(|a| a == "--bench");

    let delayed = Sandbox::start(Config { seed: Seed::Demo, ..Config::default() }).unwrap();
    delayed.push_fault(FaultSpec::new(Fault::Delay { ms: SERVER_DELAY_MS }).times(u32::MAX));
    let direct = Sandbox::start(Config { seed: Seed::Demo, ..Config::default() }).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();

    runtime.block_on(async {
        let (slow, fast) =
            (async_client(&delayed.base_url(), &delayed.token()), async_client(&direct.base_url(), &direct.token()));
        let op = ReadAssignments { agent_id: Some(1234), queue_id: None };
        let (slow_request, fast_request) =
            (Request::of(&op, &slow, &delayed.token()), Request::of(&op, &fast, &direct.token()));
        let plain = plain_client();

        if !full {
            concurrent_async(&slow, 8).await;
            concurrent_plain(&plain, &slow_request, 8).await;
            for _ in 0..5 {
                fast.read_assignments(Some(1234), None).await.unwrap();
                fast_request.send(&plain).await;
            }
            println!("concurrency: every loop works (run with `cargo bench` to measure)");
            return;
        }

        println!(
            "concurrency against the in-process sandbox (loopback, keep-alive, {SERVER_DELAY_MS} ms server delay), \
             {ROUNDS} alternating rounds, {} tokio worker threads:",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        for n in [64, 256] {
            // Warm-up: both pools hold n connections.
            for _ in 0..3 {
                concurrent_async(&slow, n).await;
                concurrent_plain(&plain, &slow_request, n).await;
            }
            let (sdk, base, ratio) = alternate(
                || async { concurrent_async(&slow, n).await.as_secs_f64() * 1000.0 },
                || async { concurrent_plain(&plain, &slow_request, n).await.as_secs_f64() * 1000.0 },
            )
            .await;
            println!(
                "  {n:>3} at once: AsyncClient median {sdk:>6.1} ms, plain hyper-util {base:>6.1} ms: \
                 {:.3}x of the medians, per-round median {ratio:.3}x (goal <= 1.1x)",
                sdk / base
            );
        }

        for _ in 0..500 {
            fast.read_assignments(Some(1234), None).await.unwrap();
            fast_request.send(&plain).await;
        }
        let (sdk, base, ratio) =
            alternate(|| sequential_async(&fast), || sequential_plain(&plain, &fast_request)).await;
        println!(
            "  sequential round trips (no delay): AsyncClient median {sdk:.0}/s, plain hyper-util {base:.0}/s: \
             {:.3}x of the medians, per-round median {ratio:.3}x (goal >= 0.9x)",
            sdk / base
        );
        let future = fast.read_assignments(Some(1234), None);
        println!(
            "  an AsyncClient::read_assignments future is {} bytes before it starts",
            std::mem::size_of_val(&future)
        );
    });

    let sdk = memory_per_call(&direct, "async");
    let base = memory_per_call(&direct, "plain");
    println!(
        "  memory per call in flight ({IN_FLIGHT_FOR_MEMORY} at once, resident set growth in a child process): \
         AsyncClient {:.1} KiB, plain hyper-util {:.1} KiB",
        sdk as f64 / 1024.0,
        base as f64 / 1024.0
    );
}
