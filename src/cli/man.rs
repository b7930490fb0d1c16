//! `linkfeed man`: the manual page, made from the same clap definitions as
//! `--help` (so the two cannot drift apart), as roff on stdout.

use super::CliError;
use super::args::Cli;
use std::process::ExitCode;

pub fn run() -> Result<ExitCode, CliError> {
    use clap::CommandFactory;
    let mut out = std::io::stdout().lock();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    Ok(ExitCode::SUCCESS)
}
