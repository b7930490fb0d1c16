//! The command line: [`args`] holds what clap reads; each subcommand is a
//! file with its `run`; [`CliError`] is the one place failures become a
//! message on stderr and an exit code. `main` parses, calls [`run`], and
//! returns its code.
//!
//! Exit codes: 0 done; 1 the command ran and found something wrong (`check`
//! found errors, a sync failed, an import was not an export); 2 it could not
//! run (bad config, no such feed or folder, a file that cannot be written).

pub mod args;
mod article;
mod cache;
mod check;
mod completions;
mod config;
mod feeds;
mod fetch;
mod list;
mod man;
mod muting;
mod state;
mod sync;
mod tags;

use crate::config::Config;
use crate::sources::Resolved;
use args::{Cli, Cmd};
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Why a command stopped.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// It could not run: a message, exit 2.
    #[error("{0}")]
    Cannot(String),
    /// What it was given is wrong: a message, exit 1.
    #[error("{0}")]
    Invalid(String),
    /// A file could not be read or written: exit 2.
    #[error("{}: {source}", path.display())]
    File { path: PathBuf, source: io::Error },
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Load(#[from] crate::feed::LoadError),
    #[error(transparent)]
    Reader(#[from] crate::tui::StartError),
    /// Writing the output failed (a closed pipe is not a failure: `list | head`).
    #[error(transparent)]
    Output(#[from] io::Error),
}

impl CliError {
    /// A file's error, named by its path.
    pub fn file(path: &Path) -> impl FnOnce(io::Error) -> CliError + '_ {
        move |source| CliError::File { path: path.to_path_buf(), source }
    }
}

/// Prints `err` and gives the exit code it means.
pub fn report(err: CliError) -> ExitCode {
    match err {
        CliError::Output(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        CliError::Invalid(e) => {
            eprintln!("linkfeed: error: {e}");
            ExitCode::from(1)
        }
        e => {
            eprintln!("linkfeed: error: {e}");
            ExitCode::from(2)
        }
    }
}

/// What every subcommand is given: the configuration and the global flags.
pub struct Context {
    pub config: Config,
    /// `--feed NAME`.
    pub feed: Option<String>,
    /// Not `--no-cache`.
    pub use_cache: bool,
}

impl Context {
    /// Reads the configuration file (defaults when there is none).
    pub fn new(cli: &Cli) -> Result<Context, CliError> {
        let config = match crate::config::default_path() {
            Some(path) => crate::config::load(&path)?,
            None => Config::default(),
        };
        crate::feed::walk::FOLLOW_LINKS_OUTSIDE
            .store(config.follow_links_outside == Some(true), std::sync::atomic::Ordering::Relaxed);
        Ok(Context { config, feed: cli.feed.clone(), use_cache: !cli.no_cache })
    }

    /// The feed a command reads: `dir`, else as [`crate::sources::resolve`] says.
    pub fn resolve(&self, dir: Option<PathBuf>) -> Result<Resolved, CliError> {
        crate::sources::resolve(dir, self.feed.as_deref(), &self.config)
            .map_err(|e| CliError::Cannot(e.to_string()))
    }

    /// Whether drafts are shown (the flag, or `show_drafts` in the config).
    pub fn drafts(&self, flag: bool) -> bool {
        flag || self.config.show_drafts == Some(true)
    }
}

/// Runs the command line: a subcommand, or the reader.
pub fn run(cli: Cli) -> Result<ExitCode, CliError> {
    let cx = Context::new(&cli)?;
    match cli.command {
        Some(Cmd::List(args)) => list::run(args, &cx),
        Some(Cmd::Check { dir }) => check::run(dir, &cx),
        Some(Cmd::Article { target, refresh }) => article::run(&target, refresh, &cx),
        Some(Cmd::Fetch(args)) => fetch::run(args, &cx),
        Some(Cmd::Tags { dir, drafts }) => tags::run(dir, drafts, &cx),
        Some(Cmd::Completions { shell }) => completions::run(shell),
        Some(Cmd::Man) => man::run(),
        Some(Cmd::State { action }) => state::run(action, &cx),
        Some(Cmd::Cache { action }) => cache::run(action),
        Some(Cmd::Sync { names, stats }) => sync::run(&names, stats, &cx),
        Some(Cmd::Feeds { action }) => feeds::run(action, &cx),
        Some(Cmd::Config) => config::run(&cx),
        None => {
            if let Some(dir) = &cli.dir
                && let Some(command) = mistyped_command(dir)
            {
                return Err(CliError::Cannot(format!(
                    "{} is neither a folder nor a command: did you mean `linkfeed {command}`? \
                     (`linkfeed --help` lists the commands)",
                    crate::text::sanitize::one_line(&dir.to_string_lossy())
                )));
            }
            let resolved = cx.resolve(cli.dir)?;
            let options = crate::tui::StartOptions { drafts: cx.drafts(cli.drafts), use_cache: cx.use_cache };
            crate::tui::start(resolved, options, &cx.config)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The subcommand a folder argument that does not exist was perhaps meant
/// to be (`lsit`: `list`): a plain word one typo from a command's name
/// (the query's own rule, `search::tiers::one_typo`).
fn mistyped_command(dir: &Path) -> Option<String> {
    use clap::CommandFactory;
    let word = dir.to_str()?;
    if dir.exists() || word.contains(std::path::is_separator) || word.starts_with('.') {
        return None;
    }
    let cli = Cli::command();
    let names = cli.get_subcommands().map(|c| c.get_name().to_string());
    names.filter(|n| n != "help").find(|n| crate::search::tiers::one_typo(word, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mistyped_command_is_named() {
        assert_eq!(mistyped_command(Path::new("lsit")).as_deref(), Some("list"));
        assert_eq!(mistyped_command(Path::new("snyc")).as_deref(), Some("sync"));
        assert_eq!(mistyped_command(Path::new("chek")).as_deref(), Some("check"));
        assert_eq!(mistyped_command(Path::new("notes/feed")), None);
        assert_eq!(mistyped_command(Path::new("kubernetes")), None);
    }
}
