//! `linkfeed check`: every file that cannot be loaded, and the warnings.

use super::{CliError, Context};
use crate::feed::{self, LoadOptions};
use crate::problem::Severity;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Prints the findings and a summary; exit 1 when there was an error.
pub fn run(dir: Option<PathBuf>, cx: &Context) -> Result<ExitCode, CliError> {
    let source = cx.resolve(dir)?.source;
    let feed = feed::load(&source, &LoadOptions::new(cx.use_cache, true))?;
    let all = feed.findings();
    let mut out = io::BufWriter::new(io::stdout().lock());
    for p in &all {
        writeln!(out, "{p}")?;
    }
    let errors = all.iter().filter(|p| p.severity == Severity::Error).count();
    let warnings = all.len() - errors;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    writeln!(
        out,
        "checked {}: {}{} loaded, {}, {}",
        plural(feed.files, "file"),
        plural(feed.posts.len(), "post"),
        if feed.pages > 0 { format!(" and {}", plural(feed.pages, "section page")) } else { String::new() },
        plural(errors, "error"),
        plural(warnings, "warning"),
    )?;
    out.flush()?;
    Ok(if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
