//! `linkfeed state [sync|export|import|path]`: the read and starred marks,
//! and the devices they are shared with (`[state]`).

use super::args::StateCmd;
use super::{CliError, Context};
use crate::store::marks;
use std::io::{self, Write};
use std::process::ExitCode;

pub fn run(action: Option<StateCmd>, cx: &Context) -> Result<ExitCode, CliError> {
    match action {
        None => return status(cx),
        Some(StateCmd::Sync) => return sync(cx, false),
        Some(_) => {}
    }
    let dir = marks::default_dir().ok_or_else(|| {
        CliError::Cannot("neither XDG_STATE_HOME nor HOME is set: no place for the marks".into())
    })?;
    let (mut store, mut kept, found) = marks::Store::open(&dir).map_err(CliError::file(&dir))?;
    match action {
        None | Some(StateCmd::Sync) => {}
        Some(StateCmd::Path) => println!("{}", store.log().display()),
        Some(StateCmd::Export) => {
            if found.bad_lines > 0 {
                let s = if found.bad_lines == 1 { "" } else { "s" };
                eprintln!(
                    "linkfeed: warning: {}: {} damaged line{s} skipped (not exported)",
                    store.log().display(),
                    found.bad_lines
                );
            }
            let mut out = io::BufWriter::new(io::stdout().lock());
            for r in kept.records() {
                serde_json::to_writer(&mut out, &r).map_err(io::Error::other)?;
                writeln!(out)?;
            }
            out.flush()?;
        }
        Some(StateCmd::Import { file }) => {
            let text = if file.as_os_str() == "-" {
                let mut t = String::new();
                io::Read::read_to_string(&mut io::stdin(), &mut t).map(|_| t)
            } else {
                std::fs::read_to_string(&file)
            };
            let text = text.map_err(CliError::file(&file))?;
            let records = marks::parse_export(&text)
                .map_err(|e| CliError::Invalid(format!("{}: {e}", file.display())))?;
            let total = records.len();
            let n = store.import(&mut kept, records).map_err(CliError::file(&store.log()))?;
            println!("imported {n} of {total} marks ({} older or already known)", total - n);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `linkfeed state sync` (and the sync after `linkfeed sync`, `quiet` when
/// nothing is configured): one line of what came in, or why it failed.
pub fn sync(cx: &Context, quiet: bool) -> Result<ExitCode, CliError> {
    let Some(repo) = &cx.config.state else {
        if quiet {
            return Ok(ExitCode::SUCCESS);
        }
        return Err(CliError::Cannot(
            "no [state] in the config file: add git = \"URL\" of a repository of your own to share the marks"
                .into(),
        ));
    };
    match crate::sources::state::sync_here(repo) {
        Ok(done) => {
            println!("{done}");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("marks: sync failed: {e} (every mark is kept here; the next sync sends it)");
            Ok(ExitCode::from(1))
        }
    }
}

/// `linkfeed state`: where the marks are, how many, and the devices the
/// last sync saw.
fn status(cx: &Context) -> Result<ExitCode, CliError> {
    let dir = marks::default_dir().ok_or_else(|| {
        CliError::Cannot("neither XDG_STATE_HOME nor HOME is set: no place for the marks".into())
    })?;
    let (kept, problem) = marks::read_only(&dir);
    println!(
        "marks: {} ({} read, {} starred) in {}",
        kept.len(),
        kept.read.len(),
        kept.starred.len(),
        dir.join(marks::LOG).display()
    );
    if let Some(p) = problem {
        println!("  {p}");
    }
    let Some(repo) = &cx.config.state else {
        println!("shared: no ([state] git = \"URL\" in the config file shares them between machines)");
        return Ok(ExitCode::SUCCESS);
    };
    let auto = if cx.config.auto_state().is_some() { "" } else { ", state_sync = false" };
    println!("shared through {} as {}{auto}", crate::text::sanitize::one_line(&repo.url), repo.device);
    let work = crate::sources::state::work_dir();
    let devices = work.as_deref().map(crate::sources::state::devices).unwrap_or_default();
    if devices.is_empty() {
        println!("  no sync yet: `linkfeed state sync`");
    }
    for d in devices {
        let when = d.pushed_at.map_or_else(
            || "not pushed yet".to_string(),
            |t| format!("last pushed {}", crate::clock::local(t, "%Y-%m-%d %H:%M %Z")),
        );
        let me = if d.name == repo.device { " (this machine)" } else { "" };
        println!("  {}{me}: {} marks, {when}", d.name, d.marks);
    }
    Ok(ExitCode::SUCCESS)
}
