//! Reading and parsing post files, on many threads.

use super::{LoadStats, MAX_FILE_BYTES, Parsed, Progress, error, frontmatter};
use crate::cache;
use crate::problem::Problem;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use std::{fs, io};

/// Threads reading and parsing. More than the cores: reads wait on the
/// disk, and many in flight keep it busy (measured in BENCHMARKS.md).
const LOAD_THREADS: usize = 8;

/// Whether a load keeps the posts' tldr and summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LongText {
    Keep,
    Drop,
}

/// What parsing one file gave: its index, the result, and (when asked) its
/// stat and CRC for the cache.
pub(super) type ParsedFile = (usize, Parsed, Option<cache::Meta>);

/// Reads and parses the files at indices `todo` on many threads; with
/// `meta`, also each file's stat and CRC (for the cache).
pub(super) fn parse_files(
    files: &[PathBuf],
    todo: &[usize],
    meta: bool,
    text: LongText,
    rel: &(dyn Fn(&Path) -> String + Sync),
    progress: &Progress,
) -> (Vec<Vec<ParsedFile>>, LoadStats) {
    let pool_size = std::env::var("LINKFEED_LOAD_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(LOAD_THREADS)
        .clamp(1, 256);
    let threads = pool_size.min(todo.len() / 16 + 1);
    let next = AtomicUsize::new(0);
    const CHUNK: usize = 32;
    type Part = (Vec<ParsedFile>, Duration, Duration);
    let parts: Vec<Part> = crate::par::workers(crate::par::io_pool(pool_size), threads, || {
        let mut out = Vec::new();
        let (mut read, mut parse) = (Duration::ZERO, Duration::ZERO);
        let mut buf = Vec::new();
        while !progress.cancel.load(Ordering::Relaxed) {
            let start = next.fetch_add(CHUNK, Ordering::Relaxed);
            if start >= todo.len() {
                break;
            }
            for &i in todo.iter().skip(start).take(CHUNK) {
                let Some(path) = files.get(i) else { continue };
                let t = Instant::now();
                let (r, stat) = if meta {
                    // An oversized file's problem is cached with its
                    // metadata too, so every run reports it.
                    read_file_meta(path, &mut buf)
                } else {
                    (read_file(path, &mut buf), None)
                };
                let t2 = Instant::now();
                read += t2 - t;
                let m = stat.map(|m| cache::Meta::of(rel(path), &m, Some(crc32fast::hash(&buf))));
                // Bodies stay on disk: read again when a post is shown.
                let mut parsed = r.and_then(|()| parse_bytes_with(path, &buf, false));
                if let (LongText::Drop, Ok((post, _))) = (text, &mut parsed) {
                    post.leave_out_long_text();
                }
                out.push((i, parsed, m));
                parse += t2.elapsed();
            }
            progress.done.fetch_add(CHUNK.min(todo.len() - start), Ordering::Relaxed);
        }
        (out, read, parse)
    })
    .into_iter()
    .map(Option::unwrap_or_default)
    .collect();
    let mut stats = LoadStats { threads, ..LoadStats::default() };
    for p in &parts {
        stats.read_sum += p.1;
        stats.parse_sum += p.2;
    }
    // Order does not matter: posts are sorted by date and problems by path
    // afterwards. Moving results straight out avoids a second copy of them all.
    let results = parts.into_iter().map(|p| p.0).collect();
    (results, stats)
}

/// As [`read_file`], also giving the file's metadata (from the open file,
/// so it describes the bytes read); with the problem, the metadata when the
/// file could be opened (an oversized file's problem is cached by it).
pub(super) fn read_file_meta(path: &Path, buf: &mut Vec<u8>) -> (Result<(), Problem>, Option<fs::Metadata>) {
    use std::io::Read;
    buf.clear();
    let cannot = |e: io::Error| error(path, None, format!("cannot read this file: {e}"));
    let meta = match fs::File::open(path).and_then(|f| f.metadata().map(|m| (f, m))) {
        Ok((file, meta)) => match file.take(MAX_FILE_BYTES + 1).read_to_end(buf) {
            Ok(_) => meta,
            Err(e) => return (Err(cannot(e)), None),
        },
        Err(e) => return (Err(cannot(e)), None),
    };
    if buf.len() as u64 > MAX_FILE_BYTES {
        let why = format!("the file is over {} MiB, larger than any post: skipped", MAX_FILE_BYTES >> 20);
        return (Err(error(path, None, why)), Some(meta));
    }
    (Ok(()), Some(meta))
}

/// Reads a file into `buf` (reused between files), refusing huge ones.
pub(super) fn read_file(path: &Path, buf: &mut Vec<u8>) -> Result<(), Problem> {
    read_file_meta(path, buf).0
}

/// Parses one file's bytes: binary and non-UTF-8 files are problems. The
/// body is kept (for the bundled sample and tests).
pub fn parse_bytes(path: &Path, bytes: &[u8]) -> Parsed {
    parse_bytes_with(path, bytes, true)
}

/// Why a post's body could not be read again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    /// The file went away or grew too large (the loader's words).
    #[error("{0}")]
    Unreadable(String),
    #[error("the file is no longer valid UTF-8")]
    NotUtf8,
    /// Its front matter no longer holds (why).
    #[error("{0}")]
    NotAPost(String),
}

/// The body of the post file at `path`, read again (the loader does not keep
/// bodies of a folder's posts): the text below its front matter, trimmed.
/// A file that went away, grew past [`MAX_FILE_BYTES`] or stopped being a
/// post says why.
pub fn read_body(path: &Path) -> Result<String, BodyError> {
    let mut buf = Vec::new();
    read_file(path, &mut buf).map_err(|p| BodyError::Unreadable(p.message))?;
    let text = std::str::from_utf8(&buf).map_err(|_| BodyError::NotUtf8)?;
    let parts = frontmatter::split(text).map_err(|(_, m)| BodyError::NotAPost(m))?;
    Ok(parts.body.trim().to_string())
}

pub(super) fn parse_bytes_with(path: &Path, bytes: &[u8], keep_body: bool) -> Parsed {
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err(error(path, None, "this is a binary file (it holds NUL bytes), not a post".into()));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let upto = e.valid_up_to();
        let line = bytes[..upto].iter().filter(|&&b| b == b'\n').count() + 1;
        error(path, Some(line), "the file is not valid UTF-8: save it as UTF-8".into())
    })?;
    frontmatter::parse_post_with(path, text, keep_body)
}
