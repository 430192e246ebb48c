//! Renames TOD policy 1 and makes it hang up.
//!
//! Run against the sandbox or your account:
//! `CONTACTNOW_BASE_URL=http://127.0.0.1:8080 CONTACTNOW_TOKEN=... cargo run -p contactnow --example update_policies`
//! (or set `CONTACTNOW_USERNAME` and `CONTACTNOW_PASSWORD` instead of the token).

use contactnow::{Client, DefaultAction, TodPolicyUpdate};

fn main() -> Result<(), contactnow::Error> {
    let client = Client::from_env()?;
    let update = TodPolicyUpdate::new(1).description("Closed").default_action(DefaultAction::Hangup);
    let result = client.update_policies(&[update])?;
    println!("updated {} policy(ies)", result.total);
    Ok(())
}
