//! `contactnow-sandbox`: runs the ContactNow API emulator until SIGINT or SIGTERM.
#![forbid(unsafe_code)]

use std::{io::Write, net::SocketAddr, path::PathBuf, process::ExitCode, time::Duration};

use clap::Parser;
use contactnow_sandbox::{Config, Sandbox, Seed};

/// A faithful, stateful emulator of the 8x8 ContactNow (DXI) database.php and token.php API.
// No Debug: the arguments hold tokens and passwords.
#[derive(Parser)]
#[command(name = "contactnow-sandbox", version)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// A static token, valid from any IP (repeatable). Default: sandbox-token.
    #[arg(long = "token", value_name = "T")]
    tokens: Vec<String>,
    /// A token.php user as NAME:PASSWORD (repeatable). Default: demo:demo-password.
    #[arg(long = "user", value_name = "NAME:PASSWORD", value_parser = parse_user)]
    users: Vec<(String, String)>,
    /// Persist state to this JSON file after each write, and reload it at start.
    #[arg(long = "state", value_name = "FILE")]
    state: Option<PathBuf>,
    /// Data to start from when there is no state file: demo or empty.
    #[arg(long, default_value = "empty", value_parser = clap::value_parser!(SeedArg))]
    seed: SeedArg,
    /// Lifetime of tokens issued by token.php, in seconds.
    #[arg(long, default_value_t = 43_199)]
    token_lifetime: u64,
    /// Account id reported in write answers.
    #[arg(long, default_value_t = 10278)]
    account_id: u64,
    /// Largest request body accepted, in bytes.
    #[arg(long, default_value_t = 1 << 20)]
    max_body_bytes: usize,
}

#[derive(Clone, Debug)]
struct SeedArg(Seed);

impl std::str::FromStr for SeedArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        s.parse().map(SeedArg)
    }
}

fn parse_user(s: &str) -> Result<(String, String), String> {
    match s.split_once(':') {
        Some((name, password)) if !name.is_empty() => Ok((name.to_owned(), password.to_owned())),
        _ => Err(format!("expected NAME:PASSWORD, got {s:?}")),
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let defaults = Config::default();
    let config = Config {
        listen: args.listen,
        tokens: if args.tokens.is_empty() { defaults.tokens } else { args.tokens },
        users: if args.users.is_empty() { defaults.users } else { args.users },
        token_lifetime: Duration::from_secs(args.token_lifetime),
        state_file: args.state,
        seed: args.seed.0,
        account_id: args.account_id,
        max_body_bytes: args.max_body_bytes,
    };
    let sandbox = match Sandbox::start(config) {
        Ok(sandbox) => sandbox,
        Err(e) => {
            eprintln!("contactnow-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "contactnow-sandbox listening on {}", sandbox.base_url());
    let _ = stdout.flush();
    drop(stdout);

    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("contactnow-sandbox: cannot wait for signals: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(wait_for_signal());
    sandbox.stop();
    ExitCode::SUCCESS
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
