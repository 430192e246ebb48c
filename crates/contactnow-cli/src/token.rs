//! `contactnow token check`: whether the configured token or credentials work, for whom, and
//! for how long. `token.php` says whether the token is valid and until when; a read of
//! `database.php` with it proves the API accepts it from this address (tokens are bound to
//! the IP that got them). The account id is shown when an answer carries it (the documents
//! show it on writes only); with credentials, the API user is the account's name.

use std::{
    io::{self, Write},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use contactnow::{Client, GetToken, ValidateToken};
use serde::Serialize;

use crate::{
    cli::Global,
    output::Output,
    run::{Auth, Failure},
};

/// What `token check` found.
#[derive(Debug, Serialize)]
pub struct TokenReport {
    /// `token` or `credentials`.
    pub auth: &'static str,
    /// The API user, with credentials.
    pub username: Option<String>,
    /// The account the token belongs to, when an answer reports it.
    pub account_id: Option<u64>,
    /// TOD policies the token can read (what the `database.php` check saw).
    pub policies: usize,
    /// When the token expires, in Unix seconds.
    pub expire: i64,
    /// Seconds left until then (0 when past).
    pub expires_in: u64,
}

/// Validates the token (or gets one with the credentials), then reads the account id with a
/// small read-only call made with that token.
pub fn check(global: &Global, auth: Auth, client: &Client) -> Result<TokenReport, Failure> {
    let (token, username) = match auth {
        Auth::Token(token) => (token, None),
        Auth::Credentials(username, password) => {
            let grant = client.execute(&GetToken::new(username.clone(), password))?;
            (grant.token.expose().to_owned(), Some(username))
        }
    };
    let status = client.execute(&ValidateToken::new(token.as_str()))?;
    let account = crate::run::builder(global)?.endpoint(client.endpoint().clone()).token(token).build()?;
    let listing = account.read_policies(None)?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let expires_in = u64::try_from(status.expire).map_or(0, |e| e.saturating_sub(now));
    let auth = if username.is_some() { "credentials" } else { "token" };
    Ok(TokenReport {
        auth,
        username,
        account_id: listing.account_id,
        policies: listing.records.len(),
        expire: status.expire,
        expires_in,
    })
}

/// Prints the report as text (a line per field) or JSON.
pub fn print(out: &mut dyn Write, output: Output, report: &TokenReport) -> io::Result<()> {
    if output == Output::Json {
        serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::other)?;
        return writeln!(out);
    }
    let expires = u64::try_from(report.expire)
        .ok()
        .and_then(|s| UNIX_EPOCH.checked_add(Duration::from_secs(s)))
        .map_or_else(|| "never".to_owned(), |t| humantime::format_rfc3339_seconds(t).to_string());
    let account = match (report.account_id, &report.username) {
        (Some(id), _) => id.to_string(),
        (None, Some(user)) => format!("API user {user}"),
        (None, None) => "not reported (token.php and reads do not name it)".to_owned(),
    };
    writeln!(out, "valid: {}", report.auth)?;
    writeln!(out, "account: {account}")?;
    writeln!(out, "expires: {expires} ({})", report.expire)?;
    writeln!(out, "time left: {}", humantime::format_duration(Duration::from_secs(report.expires_in)))?;
    writeln!(out, "database.php: accepts it ({} TOD policies readable)", report.policies)
}
