//! `linkfeed cache clear|path`.

use super::CliError;
use super::args::CacheCmd;
use std::io;
use std::process::ExitCode;

pub fn run(action: CacheCmd) -> Result<ExitCode, CliError> {
    let dir = crate::feed::cache::folder().ok_or_else(|| {
        CliError::Cannot("neither XDG_CACHE_HOME nor HOME is set: there is no cache".into())
    })?;
    match action {
        CacheCmd::Path => println!("{}", dir.display()),
        CacheCmd::Clear => match std::fs::remove_dir_all(&dir) {
            Ok(()) => println!("removed {}", dir.display()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => println!("no cache at {}", dir.display()),
            Err(e) => return Err(CliError::file(&dir)(e)),
        },
    }
    Ok(ExitCode::SUCCESS)
}
