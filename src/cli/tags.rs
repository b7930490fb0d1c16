//! `linkfeed tags`: every tag with its post count, most used first.

use super::{CliError, Context};
use crate::feed::{self, LoadOptions};
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(dir: Option<PathBuf>, drafts: bool, cx: &Context) -> Result<ExitCode, CliError> {
    let source = cx.resolve(dir)?.source;
    let options = LoadOptions::new(cx.use_cache, false);
    let feed = feed::load(&source, &options)?.visible(drafts);
    // A load that wrote the parse cache writes the search index too.
    if let (feed::Source::Dir(dir), true) = (&source, cx.use_cache) {
        let _ = crate::search::saved::refresh(dir, &feed);
    }
    let mut out = io::BufWriter::new(io::stdout().lock());
    for (tag, n) in crate::feed::tag_counts(&feed.posts) {
        writeln!(out, "{n}\t{tag}")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
