//! The command line: global options and subcommands.

use std::{fmt, path::PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::output::Output;

/// Manage 8x8 ContactNow agent-to-queue assignments and time-of-day policies.
#[derive(Debug, Parser)]
#[command(name = "contactnow", version, about, propagate_version = true)]
pub struct Cli {
    /// Connection and output options.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every command. `Debug` shows whether a token or password is set, never
/// its value.
#[derive(Args)]
pub struct Global {
    /// API base URL (default: the documented EU host, api-106.dxi.eu, over HTTPS).
    #[arg(long, env = "CONTACTNOW_BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// Documented region preset; takes precedence over --base-url and CONTACTNOW_BASE_URL.
    #[arg(long, value_enum, global = true)]
    pub region: Option<RegionArg>,
    /// API token (prefer the environment variable: arguments are visible to other users).
    #[arg(long, env = "CONTACTNOW_TOKEN", hide_env_values = true, global = true)]
    pub token: Option<String>,
    /// API user name, to get tokens from token.php instead of --token.
    #[arg(long, env = "CONTACTNOW_USERNAME", global = true)]
    pub username: Option<String>,
    /// API user password (with --username).
    #[arg(long, env = "CONTACTNOW_PASSWORD", hide_env_values = true, global = true)]
    pub password: Option<String>,
    /// Wire format of requests and responses.
    #[arg(long, value_enum, default_value_t = FormatArg::Json, global = true)]
    pub format: FormatArg,
    /// How to print results.
    #[arg(long, short = 'o', value_enum, default_value_t = Output::Table, global = true)]
    pub output: Output,
    /// Allow a plain http:// base URL to a host that is not this machine (the token then
    /// travels unencrypted).
    #[arg(long, env = "CONTACTNOW_ALLOW_INSECURE_HTTP", global = true)]
    pub allow_insecure_http: bool,
    /// Run against an embedded sandbox with demo data instead of the real API.
    #[arg(long, global = true)]
    pub sandbox: bool,
    /// Print each attempt to stderr (token redacted); -vv also the start, every repeat and
    /// its reason, token refreshes and the end of each call.
    #[arg(long, short = 'v', action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

impl fmt::Debug for Global {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |v: &Option<String>| if v.is_some() { "Some(***)" } else { "None" };
        f.debug_struct("Global")
            .field("base_url", &self.base_url)
            .field("region", &self.region)
            .field("token", &format_args!("{}", secret(&self.token)))
            .field("username", &self.username)
            .field("password", &format_args!("{}", secret(&self.password)))
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("format", &self.format)
            .field("output", &self.output)
            .field("sandbox", &self.sandbox)
            .field("verbose", &self.verbose)
            .finish()
    }
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// JSON bodies.
    Json,
    /// XML bodies.
    Xml,
}

/// `--region`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RegionArg {
    /// Europe and the rest of the world.
    Eu,
    /// United States.
    Us,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Agent-to-queue assignments (method=priority).
    #[command(subcommand)]
    Priority(Priority),
    /// Time-of-day policies (method=tod_policy).
    #[command(subcommand, name = "tod-policy")]
    TodPolicy(TodPolicy),
    /// Any database.php method and action (queues, agents, campaigns, ...), with the same
    /// token handling and errors; records print with the fields the server sent.
    Call {
        /// The method, e.g. queues.
        method: String,
        /// The action, e.g. read.
        action: String,
        /// A query argument name=value (repeatable), e.g. --filter qid=1007.
        #[arg(long = "filter")]
        filters: Vec<String>,
        /// A CSV file of records to send (a header of field names): makes the call a write.
        #[arg(long)]
        records: Option<PathBuf>,
        /// The write is safe to repeat after a failure (writes are never repeated otherwise).
        #[arg(long)]
        repeatable: bool,
    },
    /// The configured token or credentials.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Print a shell completion script, e.g. `contactnow completions bash > /etc/bash_completion.d/contactnow`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// `token ...`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Check that the token (or the credentials) work: prints the account, the expiry and
    /// the time left. Read-only: token.php (get or validate) and one tod_policy read.
    Check,
}

/// `priority ...`.
#[derive(Debug, Subcommand)]
pub enum Priority {
    /// List assignments, optionally of one agent or one queue.
    List {
        /// Only this agent's assignments.
        #[arg(long, allow_negative_numbers = true, value_parser = id())]
        agent: Option<u64>,
        /// Only this queue's assignments.
        #[arg(long, allow_negative_numbers = true, value_parser = id())]
        queue: Option<u64>,
    },
    /// Assign an agent to a queue (no change if the pair exists).
    Assign {
        /// Agent id.
        #[arg(allow_negative_numbers = true, value_parser = id())]
        agent: u64,
        /// Queue id.
        #[arg(allow_negative_numbers = true, value_parser = id())]
        queue: u64,
        /// Priority level.
        #[arg(allow_negative_numbers = true)]
        level: u32,
    },
    /// Change the level of an existing assignment.
    SetLevel {
        /// Agent id.
        #[arg(allow_negative_numbers = true, value_parser = id())]
        agent: u64,
        /// Queue id.
        #[arg(allow_negative_numbers = true, value_parser = id())]
        queue: u64,
        /// New priority level.
        #[arg(allow_negative_numbers = true)]
        level: u32,
    },
    /// Make the server match a CSV file (agent_id,queue_id,level): plan, then apply in batches.
    Apply {
        /// The CSV file.
        file: PathBuf,
        /// Show the plan without changing anything.
        #[arg(long)]
        dry_run: bool,
        /// Records per request.
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u16).range(1..=1000))]
        batch_size: u16,
    },
}

/// `tod-policy ...`.
#[derive(Debug, Subcommand)]
pub enum TodPolicy {
    /// List policies, or one policy.
    List {
        /// Only the policy with this uid.
        #[arg(long, allow_negative_numbers = true, value_parser = id())]
        id: Option<u64>,
    },
    /// Create a policy (the API always adds one, even if an identical one exists).
    Create {
        /// The policy's name.
        #[arg(long)]
        description: String,
        /// queue, voicemail, hangup or jump:QUEUE_ID.
        #[arg(long = "default")]
        default: String,
    },
    /// Change a policy's name or default action (at least one of them).
    #[command(group(clap::ArgGroup::new("change").args(["description", "default"]).required(true).multiple(true)))]
    Update {
        /// The policy's uid.
        #[arg(allow_negative_numbers = true, value_parser = id())]
        id: u64,
        /// A new name.
        #[arg(long)]
        description: Option<String>,
        /// A new default action: queue, voicemail, hangup or jump:QUEUE_ID.
        #[arg(long = "default")]
        default: Option<String>,
    },
}

/// An agent, queue or policy id: a positive whole number (0 names nothing).
fn id() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(1..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token_or_password() {
        let cli = Cli::parse_from([
            "contactnow",
            "--token",
            "tok-SECRET-1",
            "--username",
            "ops",
            "--password",
            "pw-SECRET-2",
            "priority",
            "list",
        ]);
        let text = format!("{cli:?}");
        assert!(!text.contains("SECRET"), "{text}");
        assert!(text.contains("token: Some(***)") && text.contains("username: Some(\"ops\")"), "{text}");
    }
}
