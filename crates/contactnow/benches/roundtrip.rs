//! Round trips per second on loopback keep-alive against the in-process sandbox:
//! `Client::read_assignments` (a small filtered read, two records) vs a plain `ureq::Agent`
//! loop sending the identical GET (the same URL with the token, the same headers) and reading
//! the body without parsing it, in the same run.
//!
//! The two are measured in alternating rounds (A B, then B A, ...) and compared by their
//! medians, so that noise on a small shared machine does not favour either side. Prints both
//! rates and the ratio (goal: at least 0.9x).
//!
//! `cargo bench -p contactnow --bench roundtrip`. With `--list` it only names itself; run
//! without `--bench` (as `cargo test --benches` does) it only checks that both loops work.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::{
    hint::black_box,
    time::{Duration, Instant},
};

use common::median;
use contactnow::{Client, Method, Operation, ReadAssignments, Token};
use contactnow_sandbox::{Config, Sandbox, Seed};

const ROUNDS: usize = 20;
const ROUND_TIME: Duration = Duration::from_millis(200);
const WARM_UP: usize = 500;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        println!("roundtrip: benchmark");
        return;
    }
    let full = args.iter().any(|a| a == "--bench");

    let sandbox = Sandbox::start(Config { seed: Seed::Demo, ..Config::default() }).unwrap();
    let client = Client::builder().base_url(&sandbox.base_url()).token(sandbox.token()).build().unwrap();

    // The client's own request, sent as is by the plain loop.
    let op = ReadAssignments { agent_id: Some(1234), queue_id: None };
    let request = op.build_request(client.endpoint(), &Token::new(sandbox.token()), client.format()).unwrap();
    assert_eq!(request.method, Method::Get);
    let agent: ureq::Agent =
        ureq::Agent::config_builder().http_status_as_error(false).user_agent(contactnow::USER_AGENT).build().into();

    let plain = || {
        let mut builder = agent.get(&request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let mut response = builder.call().unwrap();
        assert_eq!(response.status(), 200);
        black_box(response.body_mut().read_to_vec().unwrap());
    };
    let typed = || {
        let listing = client.read_assignments(Some(1234), None).unwrap();
        assert_eq!(listing.records.len(), 2);
        black_box(listing);
    };

    if !full {
        for _ in 0..20 {
            plain();
            typed();
        }
        println!("roundtrip: both loops work (run with `cargo bench` to measure)");
        return;
    }

    for _ in 0..WARM_UP {
        plain();
        typed();
    }
    let rate = |f: &dyn Fn()| {
        sandbox.clear_requests();
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed() < ROUND_TIME {
            f();
            n += 1;
        }
        n as f64 / start.elapsed().as_secs_f64()
    };
    let (mut plain_rates, mut client_rates, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let (p, c) = if round % 2 == 0 {
            let p = rate(&plain);
            (p, rate(&typed))
        } else {
            let c = rate(&typed);
            (rate(&plain), c)
        };
        plain_rates.push(p);
        client_rates.push(c);
        ratios.push(c / p);
    }
    let (plain_median, client_median) = (median(&mut plain_rates), median(&mut client_rates));
    let ratio_median = median(&mut ratios);
    let best = |values: &[f64]| values.iter().copied().fold(0.0, f64::max);
    let worst = |values: &[f64]| values.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "roundtrip against the in-process sandbox (loopback, keep-alive), {ROUNDS} alternating rounds of {ROUND_TIME:?}:"
    );
    println!("  plain ureq GET            median {plain_median:>7.0} round trips/s (best {:.0})", best(&plain_rates));
    println!("  Client::read_assignments  median {client_median:>7.0} round trips/s (best {:.0})", best(&client_rates));
    println!(
        "  ratio client/plain: {:.3}x of the medians; per-round ratios: median {ratio_median:.3}x, \
         range {:.3}x..{:.3}x (goal >= 0.9x)",
        client_median / plain_median,
        worst(&ratios),
        best(&ratios)
    );
}
