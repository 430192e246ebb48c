//! Creates a TOD policy that sends calls to voicemail. Never repeated automatically.
//!
//! Run against the sandbox or your account:
//! `CONTACTNOW_BASE_URL=http://127.0.0.1:8080 CONTACTNOW_TOKEN=... cargo run -p contactnow --example create_policies`
//! (or set `CONTACTNOW_USERNAME` and `CONTACTNOW_PASSWORD` instead of the token).

use contactnow::{Client, DefaultAction, NewTodPolicy};

fn main() -> Result<(), contactnow::Error> {
    let client = Client::from_env()?;
    match client.create_policies(&[NewTodPolicy::new("Out of hours", DefaultAction::Voicemail)]) {
        Ok(result) => println!("created policy uid {:?}", result.key),
        Err(e) if e.outcome_unknown() => {
            eprintln!("{e}\nlist the policies before trying again");
            return Err(e);
        }
        Err(e) => return Err(e),
    }
    Ok(())
}
