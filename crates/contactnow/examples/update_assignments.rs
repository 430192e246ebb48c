//! Sets the level of agent 1234 in queue 1234 to 50.
//!
//! Run against the sandbox or your account:
//! `CONTACTNOW_BASE_URL=http://127.0.0.1:8080 CONTACTNOW_TOKEN=... cargo run -p contactnow --example update_assignments`
//! (or set `CONTACTNOW_USERNAME` and `CONTACTNOW_PASSWORD` instead of the token).

use contactnow::{Assignment, Client};

fn main() -> Result<(), contactnow::Error> {
    let client = Client::from_env()?;
    let result = client.update_assignments(&[Assignment::new(1234, 1234, 50)])?;
    println!("updated {} assignment(s)", result.total);
    Ok(())
}
