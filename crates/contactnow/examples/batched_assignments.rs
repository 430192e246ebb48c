//! Assigns 1,000 agents to queue 1234 in batches of 100 and prints the summary.
//!
//! Run against the sandbox or your account:
//! `CONTACTNOW_BASE_URL=http://127.0.0.1:8080 CONTACTNOW_TOKEN=... cargo run -p contactnow --example batched_assignments`
//! (or set `CONTACTNOW_USERNAME` and `CONTACTNOW_PASSWORD` instead of the token).

use contactnow::{Assignment, Client};

fn main() -> Result<(), contactnow::Error> {
    let client = Client::from_env()?;
    let records: Vec<_> = (1..=1000).map(|agent| Assignment::new(agent, 1234, 100)).collect();
    let outcome = client.create_assignments_batched(&records);
    println!("{} chunks, total {}, bad {}", outcome.chunks, outcome.total, outcome.bad);
    for failure in &outcome.failures {
        eprintln!("records {}..{}: {}", failure.offset, failure.offset + failure.len, failure.error);
    }
    Ok(())
}
