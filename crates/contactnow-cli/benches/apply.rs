//! `priority apply` of 10,000 assignments against the in-process sandbox: batched (100 per
//! request) vs one record per request, same run. Prints both rates and the ratio.

use std::time::{Duration, Instant};

use contactnow::{Assignment, Client};
use contactnow_cli::apply;
use contactnow_sandbox::{Config, Sandbox};

const RECORDS: u64 = 10_000;

fn desired() -> Vec<Assignment> {
    (0..RECORDS).map(|i| Assignment::new(1 + i / 50, 1 + i % 50, (i % 100) as u32)).collect()
}

/// Time of one full apply (plan + send) into an empty sandbox.
fn run(sandbox: &Sandbox, client: &Client, batch_size: usize) -> Duration {
    sandbox.reset();
    let desired = desired();
    let start = Instant::now();
    let plan = apply::plan(client, &desired).expect("plan");
    let report = apply::apply(client, plan, &desired, batch_size, &mut |_, _| {});
    let elapsed = start.elapsed();
    assert!(report.is_complete(), "{:?}", report.errors);
    assert_eq!(report.created, RECORDS);
    elapsed
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let sandbox = Sandbox::start(Config::default()).expect("sandbox starts");
    let client = Client::builder().base_url(&sandbox.base_url()).token(sandbox.token()).build().expect("client");
    run(&sandbox, &client, 100); // warm up
    let batched = (0..3).map(|_| run(&sandbox, &client, 100)).min().unwrap_or_default();
    let single = run(&sandbox, &client, 1);
    let rate = |d: Duration| RECORDS as f64 / d.as_secs_f64();
    println!("priority apply of {RECORDS} assignments against the in-process sandbox:");
    println!("  batched (100/request): {:>8.1} ms  {:>9.0} records/s", batched.as_secs_f64() * 1e3, rate(batched));
    println!("  one per request:       {:>8.1} ms  {:>9.0} records/s", single.as_secs_f64() * 1e3, rate(single));
    println!("  ratio batched / single: {:.1}x (goal >= 20x)", single.as_secs_f64() / batched.as_secs_f64());
}
