//! Round trips per second on loopback keep-alive against the in-process sandbox:
//! `Client::read_assignments` vs a plain `ureq::Agent` loop sending the same GET.
//! Prints the ratio (goal: at least 0.9x).
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::{Duration, Instant};

use contactnow::{Assignment, Client};
use criterion::{criterion_group, criterion_main, Criterion};

mod server;

fn roundtrip(c: &mut Criterion) {
    let (base_url, token, _guard) = server::start();
    let client = Client::builder().base_url(&base_url).token(token.as_str()).build().unwrap();
    // A few records so the client has something to parse.
    let _ = client.create_assignments(&[Assignment::new(1, 1, 10), Assignment::new(2, 1, 20)]);
    let url = format!("{base_url}/database.php?token={token}&method=priority&action=read&format=json&raw=1");
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let plain = || {
        let mut response = agent.get(&url).header("Accept", "application/json").call().unwrap();
        let body = response.body_mut().read_to_vec().unwrap();
        assert!(!body.is_empty());
    };
    let typed = || {
        let listing = client.read_assignments(None, None).unwrap();
        std::hint::black_box(listing);
    };

    let mut group = c.benchmark_group("roundtrip");
    group.bench_function("plain_ureq_get", |b| b.iter(plain));
    group.bench_function("client_read_assignments", |b| b.iter(typed));
    group.finish();

    // The ratio from interleaved timed loops in the same run.
    let rate = |f: &dyn Fn()| {
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed() < Duration::from_secs(2) {
            f();
            n += 1;
        }
        n as f64 / start.elapsed().as_secs_f64()
    };
    let (mut plain_rate, mut client_rate) = (0.0, 0.0);
    for _ in 0..2 {
        plain_rate += rate(&plain);
        client_rate += rate(&typed);
    }
    println!(
        "round trips/s: plain ureq {:.0}, client {:.0}, ratio {:.3}x (goal >= 0.9x)",
        plain_rate / 2.0,
        client_rate / 2.0,
        client_rate / plain_rate
    );
}

criterion_group!(benches, roundtrip);
criterion_main!(benches);
