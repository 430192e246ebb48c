//! Running a parsed command line: build the client, call the API, print, pick the exit code.

use std::{
    fs::File,
    io::{self, IsTerminal, Write},
    process::ExitCode,
};

use contactnow::{Assignment, Client, DefaultAction, Error, Format, NewTodPolicy, Region, TodPolicyUpdate};

use crate::{
    apply,
    cli::{Cli, Command, FormatArg, Global, Priority, RegionArg, TodPolicy},
    csv_input,
    output::{print_rows, print_write},
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
    fn from(e: Error) -> Self {
        let code = match e.kind().as_str() {
            "InvalidInput" => exit::USAGE,
            "Transport" | "Timeout" => exit::TRANSPORT,
            _ => exit::API,
        };
        Self { code, message: e.to_string() }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Self { code: exit::API, message: format!("cannot write output: {e}") }
    }
}

/// Runs the command, printing results to `out`; errors are returned, not printed.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<(), Failure> {
    let sandbox = if cli.global.sandbox { Some(start_sandbox()?) } else { None };
    let client = client(&cli.global, sandbox.as_ref())?;
    let output = cli.global.output;
    match cli.command {
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
            return apply_file(&client, &file, dry_run, usize::from(batch_size), out);
        }
        Command::TodPolicy(TodPolicy::List { id }) => {
            print_rows(out, output, &client.read_policies(id)?.records)?;
        }
        Command::TodPolicy(TodPolicy::Create { description, default }) => {
            let default: DefaultAction = default.parse().map_err(Error::from)?;
            let result = client.create_policies(&[NewTodPolicy::new(description, default)])?;
            print_write(out, output, "created", &result)?;
        }
        Command::TodPolicy(TodPolicy::Update { id, description, default }) => {
            let mut update = TodPolicyUpdate::new(id);
            update.description = description;
            update.default = default.map(|d| d.parse::<DefaultAction>()).transpose().map_err(Error::from)?;
            let result = client.update_policies(&[update])?;
            print_write(out, output, "updated", &result)?;
        }
    }
    Ok(())
}

fn start_sandbox() -> Result<contactnow_sandbox::Sandbox, Failure> {
    let config = contactnow_sandbox::Config { seed: contactnow_sandbox::Seed::Demo, ..Default::default() };
    contactnow_sandbox::Sandbox::start(config)
        .map_err(|e| Failure { code: exit::TRANSPORT, message: format!("cannot start the sandbox: {e}") })
}

fn client(global: &Global, sandbox: Option<&contactnow_sandbox::Sandbox>) -> Result<Client, Failure> {
    let format = match global.format {
        FormatArg::Json => Format::Json,
        FormatArg::Xml => Format::Xml,
    };
    let mut builder = Client::builder().format(format);
    if let Some(sandbox) = sandbox {
        return Ok(builder.base_url(&sandbox.base_url()).token(sandbox.token()).build()?);
    }
    builder = match (&global.base_url, global.region) {
        (Some(url), _) => builder.base_url(url),
        (None, Some(RegionArg::Us)) => builder.region(Region::Us),
        (None, _) => builder.region(Region::Eu),
    };
    builder = match (&global.token, &global.username, &global.password) {
        (Some(token), _, _) => builder.token(token.as_str()),
        (None, Some(user), Some(password)) => builder.credentials(user.as_str(), password.as_str()),
        (None, Some(_), None) => return Err(Failure::usage("--username needs --password (or CONTACTNOW_PASSWORD)")),
        (None, None, _) => {
            return Err(Failure::usage(
                "no credentials: set CONTACTNOW_TOKEN, or CONTACTNOW_USERNAME and CONTACTNOW_PASSWORD \
                 (or try --sandbox)",
            ))
        }
    };
    Ok(builder.build()?)
}

fn apply_file(
    client: &Client,
    path: &std::path::Path,
    dry_run: bool,
    batch_size: usize,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let file = File::open(path).map_err(|e| Failure::usage(format!("cannot open {}: {e}", path.display())))?;
    let desired = csv_input::read_assignments(file).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| format!("  {}: {e}", path.display())).collect();
        Failure::usage(format!("{} bad row(s), nothing was sent:\n{}", errors.len(), lines.join("\n")))
    })?;
    let plan = apply::plan(client, &desired)?;
    writeln!(
        out,
        "plan: {} to create, {} to update, {} unchanged, {} on the server but not in the file",
        plan.create.len(),
        plan.update.len(),
        plan.unchanged.len(),
        plan.not_in_file.len()
    )?;
    for a in &plan.create {
        writeln!(out, "  + agent {} queue {} level {}", a.agent_id, a.queue_id, a.level)?;
    }
    for (a, old) in &plan.update {
        writeln!(out, "  ~ agent {} queue {} level {old} -> {}", a.agent_id, a.queue_id, a.level)?;
    }
    for a in &plan.not_in_file {
        writeln!(
            out,
            "  ! agent {} queue {} level {} is not in the file (this API cannot remove it)",
            a.agent_id, a.queue_id, a.level
        )?;
    }
    if dry_run || plan.is_empty() {
        writeln!(out, "{}", if dry_run { "dry run: nothing sent" } else { "nothing to do" })?;
        return Ok(());
    }
    let show_progress = io::stderr().is_terminal() && plan.create.len() + plan.update.len() > batch_size;
    let mut progress = |done: usize, total: usize| {
        if show_progress {
            let width = 30;
            let filled = done * width / total.max(1);
            eprint!("\r[{}{}] {done}/{total}", "#".repeat(filled), " ".repeat(width - filled));
            if done == total {
                eprintln!();
            }
        }
    };
    let report = apply::apply(client, plan, &desired, batch_size, &mut progress);
    writeln!(
        out,
        "applied: {} created, {} updated, {} request(s), {} failed",
        report.created,
        report.updated,
        report.requests,
        report.failed.len()
    )?;
    for a in &report.failed {
        writeln!(out, "  failed: agent {} queue {} level {}", a.agent_id, a.queue_id, a.level)?;
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
            eprintln!("error: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}
