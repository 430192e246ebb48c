//! Running a parsed command line: build the client, call the API, print, pick the exit code.

use std::{
    fs::File,
    io::{self, IsTerminal, Write},
    process::ExitCode,
    sync::atomic::{AtomicUsize, Ordering},
};

use clap::CommandFactory;
use contactnow::{
    Assignment, Client, ClientBuilder, DefaultAction, Error, Event, Format, NewTodPolicy, Region, TodPolicyUpdate,
};

use crate::{
    apply, apply_output,
    cli::{Cli, Command, FormatArg, Global, Priority, RegionArg, TodPolicy, TokenCommand},
    csv_input,
    output::{print_rows, print_write, Output},
};

/// Process exit codes.
pub mod exit {
    /// The API refused the call, or some records failed.
    pub const API: u8 = 1;
    /// Bad usage or bad input: nothing was sent.
    pub const USAGE: u8 = 2;
    /// The API could not be reached, or did not answer in time.
    pub const TRANSPORT: u8 = 3;
}

/// A failure with the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub code: u8,
    /// What to tell the user.
    pub message: String,
}

impl Failure {
    fn usage(message: impl Into<String>) -> Self {
        Self { code: exit::USAGE, message: message.into() }
    }
}

impl From<Error> for Failure {
    /// The exit code of `e`: 3 also for a server that stayed unavailable (5xx, 429) after
    /// the repeats, since trying again later may work, as for a transport failure.
    fn from(e: Error) -> Self {
        let code = match &e {
            Error::InvalidInput { .. } => exit::USAGE,
            Error::Transport { .. } | Error::Timeout { .. } => exit::TRANSPORT,
            Error::HttpStatus { status, .. } if *status >= 500 || *status == 429 => exit::TRANSPORT,
            _ => exit::API,
        };
        // The library names its own option; here it is a flag.
        let message = e.to_string().replace("with `allow_insecure_http`", "with --allow-insecure-http");
        Self { code, message }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Self { code: exit::API, message: format!("cannot write output: {e}") }
    }
}

/// Runs the command, printing results to `out`; errors are returned, not printed.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<(), Failure> {
    if let Command::Completions { shell } = cli.command {
        clap_complete::generate(shell, &mut Cli::command(), "contactnow", out);
        return Ok(());
    }
    let sandbox = if cli.global.sandbox { Some(start_sandbox()?) } else { None };
    let (client, auth) = client(&cli.global, sandbox.as_ref())?;
    let output = cli.global.output;
    match cli.command {
        Command::Completions { .. } => {}
        Command::Token(TokenCommand::Check) => {
            let report = crate::token::check(&cli.global, auth, &client)?;
            crate::token::print(out, output, &report)?;
        }
        Command::Priority(Priority::List { agent, queue }) => {
            print_rows(out, output, &client.read_assignments(agent, queue)?.records)?;
        }
        Command::Priority(Priority::Assign { agent, queue, level }) => {
            let result = client.create_assignments(&[Assignment::new(agent, queue, level)])?;
            let what = if result.total == 0 { "already assigned" } else { "assigned" };
            print_write(out, output, what, &result)?;
        }
        Command::Priority(Priority::SetLevel { agent, queue, level }) => {
            let result = client.update_assignments(&[Assignment::new(agent, queue, level)])?;
            print_write(out, output, "updated", &result)?;
        }
        Command::Priority(Priority::Apply { file, dry_run, batch_size }) => {
            let options = ApplyOptions { dry_run, batch_size: usize::from(batch_size), output };
            return apply_file(&client, &file, options, out);
        }
        Command::Call { method, action, filters, records, repeatable } => {
            let call = crate::generic::call(method, action, &filters, records.as_deref(), repeatable)?;
            crate::generic::run(&client, &call, out, output)?;
        }
        Command::TodPolicy(TodPolicy::List { id }) => {
            print_rows(out, output, &client.read_policies(id)?.records)?;
        }
        Command::TodPolicy(TodPolicy::Create { description, default }) => {
            let default: DefaultAction = default.parse()?;
            let result = client.create_policies(&[NewTodPolicy::new(description, default)])?;
            print_write(out, output, "created", &result)?;
        }
        Command::TodPolicy(TodPolicy::Update { id, description, default }) => {
            let mut update = TodPolicyUpdate::new(id);
            update.description = description;
            update.default = default.map(|d| d.parse::<DefaultAction>()).transpose()?;
            let result = client.update_policies(&[update])?;
            print_write(out, output, "updated", &result)?;
        }
    }
    Ok(())
}

/// How `priority apply` runs and prints.
#[derive(Debug, Clone, Copy)]
struct ApplyOptions {
    dry_run: bool,
    batch_size: usize,
    output: Output,
}

fn start_sandbox() -> Result<contactnow_sandbox::Sandbox, Failure> {
    let config = contactnow_sandbox::Config { seed: contactnow_sandbox::Seed::Demo, ..Default::default() };
    contactnow_sandbox::Sandbox::start(config)
        .map_err(|e| Failure { code: exit::TRANSPORT, message: format!("cannot start the sandbox: {e}") })
}

/// The token source the command line names.
pub enum Auth {
    /// `--token` / `CONTACTNOW_TOKEN`.
    Token(String),
    /// `--username` and `--password` (or their variables).
    Credentials(String, String),
}

/// HTTP requests sent by the clients of [`builder`] (the process runs one command).
static ATTEMPTS: AtomicUsize = AtomicUsize::new(0);

/// The HTTP requests the clients of [`builder`] have sent so far, repeats included.
pub fn attempts() -> usize {
    ATTEMPTS.load(Ordering::Relaxed)
}

/// A builder with the options every client of the command line shares: the format, and a
/// listener that counts requests ([`attempts`]) and with `-v` prints them to stderr.
pub fn builder(global: &Global) -> Result<ClientBuilder, Failure> {
    let format = match global.format {
        FormatArg::Json => Format::Json,
        FormatArg::Xml => Format::Xml,
    };
    let level = global.verbose;
    Ok(Client::builder().format(format).on_event(move |event| {
        let attempt = matches!(event, Event::Attempt { .. });
        if attempt {
            ATTEMPTS.fetch_add(1, Ordering::Relaxed);
        }
        if level >= 2 || (level == 1 && attempt) {
            // A closed stderr must not stop the call.
            let _ = writeln!(io::stderr(), "contactnow: {event}");
        }
    }))
}

fn client(global: &Global, sandbox: Option<&contactnow_sandbox::Sandbox>) -> Result<(Client, Auth), Failure> {
    let mut builder = builder(global)?;
    if let Some(sandbox) = sandbox {
        let client = builder.base_url(&sandbox.base_url()).token(sandbox.token()).build()?;
        return Ok((client, Auth::Token(sandbox.token())));
    }
    // An empty or blank variable (`CONTACTNOW_TOKEN=`) counts as unset, as in
    // `Client::from_env`; a value but the password is used without the spaces around it.
    let set = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let password = global.password.clone().filter(|p| !p.trim().is_empty());
    builder = match (global.region, set(&global.base_url)) {
        (Some(RegionArg::Us), _) => builder.region(Region::Us),
        (Some(RegionArg::Eu), _) | (None, None) => builder.region(Region::Eu),
        (None, Some(url)) => builder.base_url(&url),
    };
    builder = builder.allow_insecure_http(global.allow_insecure_http);
    let auth = match (set(&global.token), set(&global.username), password) {
        (Some(_), Some(_), _) => {
            return Err(Failure::usage(
                "both a token (--token or CONTACTNOW_TOKEN) and a username (--username or CONTACTNOW_USERNAME) \
                 are set: give one way to sign in",
            ))
        }
        (Some(token), None, _) => Auth::Token(token),
        (None, Some(user), Some(password)) => Auth::Credentials(user, password),
        (None, Some(_), None) => return Err(Failure::usage("--username needs --password (or CONTACTNOW_PASSWORD)")),
        (None, None, _) => {
            return Err(Failure::usage(
                "no credentials: set CONTACTNOW_TOKEN, or CONTACTNOW_USERNAME and CONTACTNOW_PASSWORD \
                 (or try --sandbox)",
            ))
        }
    };
    builder = match &auth {
        Auth::Token(token) => builder.token(token.as_str()),
        Auth::Credentials(user, password) => builder.credentials(user.as_str(), password.as_str()),
    };
    Ok((builder.build()?, auth))
}

fn apply_file(
    client: &Client,
    path: &std::path::Path,
    options: ApplyOptions,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let ApplyOptions { dry_run, batch_size, output } = options;
    let file = File::open(path).map_err(|e| Failure::usage(format!("cannot open {}: {e}", path.display())))?;
    let desired = csv_input::read_assignments(file).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| format!("  {}: {e}", path.display())).collect();
        Failure::usage(format!("{} bad row(s), nothing was sent:\n{}", errors.len(), lines.join("\n")))
    })?;
    let plan = apply::plan(client, &desired)?;
    if dry_run || plan.is_empty() {
        return Ok(apply_output::print(out, output, &plan, None, dry_run)?);
    }
    let records = plan.create.len() + plan.update.len();
    let bar = if io::stderr().is_terminal() && records > batch_size {
        indicatif::ProgressBar::new(records as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("[{bar:30}] {pos}/{len} records, {per_sec}, {eta} left")
            .map_or_else(|_| indicatif::ProgressStyle::default_bar(), |s| s.progress_chars("#>-")),
    );
    let mut progress = |done: usize, _total: usize| bar.set_position(done as u64);
    // As text, the plan is shown before anything is sent; JSON and CSV are one document each.
    if output == Output::Table {
        apply_output::print_plan(out, &plan)?;
        out.flush()?;
    }
    let report = apply::apply(client, plan, &desired, batch_size, &mut progress);
    bar.finish_and_clear();
    match output {
        Output::Table => apply_output::print_outcome(out, &report)?,
        _ => apply_output::print(out, output, &report.plan, Some(&report), false)?,
    }
    if report.is_complete() {
        return Ok(());
    }
    let code = if report.stopped { exit::TRANSPORT } else { exit::API };
    Err(Failure { code, message: report.errors.join("\n") })
}

/// Parses arguments, runs, prints errors to stderr and returns the exit code.
pub fn main_with(cli: Cli) -> ExitCode {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match run(cli, &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let _ = out.flush();
            let _ = writeln!(io::stderr(), "error: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    fn endpoint_of(args: &[&str]) -> String {
        let cli = Cli::parse_from(args);
        let (client, _) = client(&cli.global, None).unwrap();
        format!("{client:?}")
    }

    #[test]
    fn region_wins_over_a_base_url_and_base_url_over_the_default() {
        let base = ["contactnow", "--token", "t", "--base-url", "https://example.test"];
        let us = endpoint_of(&[&base[..], &["--region", "us", "priority", "list"]].concat());
        assert!(us.contains("8x8.com") && !us.contains("example.test"), "{us}");
        let custom = endpoint_of(&[&base[..], &["priority", "list"]].concat());
        assert!(custom.contains("example.test"), "{custom}");
        let default = endpoint_of(&["contactnow", "--token", "t", "priority", "list"]);
        assert!(default.contains("api-106.dxi.eu"), "{default}");
    }
}
