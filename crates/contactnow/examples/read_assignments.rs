//! Lists the assignments of queue 1234 (or all, with no argument).
//!
//! Run against the sandbox or your account:
//! `CONTACTNOW_BASE_URL=http://127.0.0.1:8080 CONTACTNOW_TOKEN=... cargo run -p contactnow --example read_assignments`
//! (or set `CONTACTNOW_USERNAME` and `CONTACTNOW_PASSWORD` instead of the token).

use contactnow::Client;

fn main() -> Result<(), contactnow::Error> {
    let client = Client::from_env()?;
    let queue = std::env::args().nth(1).and_then(|q| q.parse().ok());
    let listing = client.read_assignments(None, queue)?;
    for a in &listing.records {
        println!("agent {:>8}  queue {:>8}  level {:>4}", a.agent_id, a.queue_id, a.level);
    }
    println!("{} assignment(s)", listing.total);
    Ok(())
}
