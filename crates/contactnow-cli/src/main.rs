//! `contactnow`: manage ContactNow assignments and TOD policies from the shell.

use std::process::ExitCode;

use clap::Parser;
use contactnow_cli::{cli::Cli, run::main_with};

fn main() -> ExitCode {
    main_with(Cli::parse())
}
