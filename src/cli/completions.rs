//! `linkfeed completions SHELL`: the shell's completion script on stdout.

use super::CliError;
use super::args::Cli;
use std::process::ExitCode;

pub fn run(shell: clap_complete::Shell) -> Result<ExitCode, CliError> {
    use clap::CommandFactory;
    clap_complete::generate(shell, &mut Cli::command(), "linkfeed", &mut std::io::stdout().lock());
    Ok(ExitCode::SUCCESS)
}
