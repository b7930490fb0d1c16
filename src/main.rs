//! The binary: parse the command line, run it, turn the outcome into an
//! exit code. Everything else is in the library (`linkfeed::cli`).

use clap::Parser;
use linkfeed::cli::{self, args::Cli};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Times a person reads are in their zone (TZ, else the system's).
    linkfeed::clock::use_system_zone();
    cli::run(cli).unwrap_or_else(cli::report)
}
