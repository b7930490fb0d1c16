//! `linkfeed cache clear|path`: the parse caches and the kept articles.

use super::CliError;
use super::args::CacheCmd;
use std::io;
use std::process::ExitCode;

pub fn run(action: CacheCmd) -> Result<ExitCode, CliError> {
    let none = || CliError::Cannot("neither XDG_CACHE_HOME nor HOME is set: there is no cache".into());
    let parse = crate::cache::folder().ok_or_else(none)?;
    let articles = crate::article::cache::folder().ok_or_else(none)?;
    match action {
        CacheCmd::Path => {
            println!("{}", parse.display());
            println!("{}", articles.display());
        }
        CacheCmd::Clear => {
            for dir in [&parse, &articles] {
                match std::fs::remove_dir_all(dir) {
                    Ok(()) => println!("removed {}", dir.display()),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {
                        println!("no cache at {}", dir.display())
                    }
                    Err(e) => return Err(CliError::file(dir)(e)),
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
