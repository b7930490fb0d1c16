//! Writes a synthetic feed for benchmarks: `cargo run --release --example
//! gen_corpus -- DIR 100000`. Posts follow the feed's format with realistic
//! lengths (about 1.8 KB a file); the same count gives the same corpus.
//! Also writes `DIR.lines`: one line per post (title, #tags, source) for
//! `fzf --filter`, the reference the filter is measured against.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

#[path = "../benches/support/synth.rs"]
mod synth;

use std::fs;
use std::io::Write as _;
use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "corpus".into()));
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let mut lines = std::io::BufWriter::new(fs::File::create(dir.with_extension("lines"))?);
    let mut bytes = 0usize;
    for i in 0..n {
        let s = synth::post(i, n);
        let path = dir.join(&s.rel_path);
        if let Some(parent) = path.parent()
            && !parent.is_dir()
        {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, &s.text)?;
        bytes += s.text.len();
        writeln!(lines, "{}", s.fzf_line)?;
    }
    lines.flush()?;
    eprintln!("wrote {n} posts, {:.1} MB, to {}", bytes as f64 / 1e6, dir.display());
    Ok(())
}
