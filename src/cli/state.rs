//! `linkfeed state export|import|path`: the read and starred marks.

use super::CliError;
use super::args::StateCmd;
use crate::store::marks;
use std::io::{self, Write};
use std::process::ExitCode;

pub fn run(action: StateCmd) -> Result<ExitCode, CliError> {
    let dir = marks::default_dir().ok_or_else(|| {
        CliError::Cannot("neither XDG_STATE_HOME nor HOME is set: no place for the marks".into())
    })?;
    let (mut store, mut kept, found) = marks::Store::open(&dir).map_err(CliError::file(&dir))?;
    match action {
        StateCmd::Path => println!("{}", store.log().display()),
        StateCmd::Export => {
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
        StateCmd::Import { file } => {
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
