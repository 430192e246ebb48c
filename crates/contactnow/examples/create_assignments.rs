//! Assigns agent 1234 to queue 1234 at level 100.
//!
//! Run against the sandbox or your account:
//! `CONTACTNOW_BASE_URL=http://127.0.0.1:8080 CONTACTNOW_TOKEN=... cargo run -p contactnow --example create_assignments`
//! (or set `CONTACTNOW_USERNAME` and `CONTACTNOW_PASSWORD` instead of the token).

use contactnow::{Assignment, Client};

fn main() -> Result<(), contactnow::Error> {
    let client = Client::from_env()?;
    let result = client.create_assignments(&[Assignment::new(1234, 1234, 100)])?;
    println!("created {} assignment(s) (bad {})", result.total, result.bad);
    Ok(())
}
