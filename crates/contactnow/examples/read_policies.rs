//! Lists the TOD policies.
//!
//! Run against the sandbox or your account:
//! `CONTACTNOW_BASE_URL=http://127.0.0.1:8080 CONTACTNOW_TOKEN=... cargo run -p contactnow --example read_policies`
//! (or set `CONTACTNOW_USERNAME` and `CONTACTNOW_PASSWORD` instead of the token).

use contactnow::Client;

fn main() -> Result<(), contactnow::Error> {
    let client = Client::from_env()?;
    let listing = client.read_policies(None)?;
    for p in &listing.records {
        println!("{:>6}  {:<30}  {}", p.uid, p.description, p.default);
    }
    Ok(())
}
