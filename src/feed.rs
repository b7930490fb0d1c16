//! Loading a feed: walk the folder once, read and parse on every core,
//! collect problems, sort newest first.

use crate::frontmatter::{self, Parsed};
use crate::post::Post;
use crate::problem::{Problem, Severity};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::{fs, io, thread};

include!(concat!(env!("OUT_DIR"), "/sample_files.rs"));

/// A file larger than this is reported, not read: no post is that long.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Where posts come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A folder tree of Markdown files.
    Dir(PathBuf),
    /// The sample feed bundled into the binary.
    Sample,
}

impl Source {
    /// How the feed is named on screen.
    pub fn label(&self) -> String {
        match self {
            Source::Dir(p) => crate::sanitize::one_line(&p.to_string_lossy()),
            Source::Sample => "sample feed".into(),
        }
    }
}

/// A loaded feed: the posts, newest first, and what was wrong with the rest.
#[derive(Debug, Default, Clone)]
pub struct Feed {
    pub posts: Vec<Post>,
    pub problems: Vec<Problem>,
    /// Post files found (loaded or not).
    pub files: usize,
}

impl Feed {
    /// How many files were kept out by an error.
    pub fn skipped(&self) -> usize {
        self.problems.iter().filter(|p| p.severity == Severity::Error).count()
    }

    /// Drops drafts unless they were asked for.
    pub fn without_drafts(mut self, show_drafts: bool) -> Self {
        if !show_drafts {
            self.posts.retain(|p| !p.draft);
        }
        self
    }
}

/// Why a feed could not be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("the feed folder {0} does not exist")]
    NotFound(PathBuf),
    #[error("{0} is not a folder: name the folder that holds the posts")]
    NotADir(PathBuf),
    #[error("cannot read the feed folder {0}: {1}")]
    Unreadable(PathBuf, io::Error),
}

/// Loads every post of `source`.
pub fn load(source: &Source) -> Result<Feed, LoadError> {
    match source {
        Source::Sample => Ok(load_sample()),
        Source::Dir(dir) => load_dir(dir),
    }
}

fn load_sample() -> Feed {
    let results: Vec<Parsed> =
        SAMPLE_FILES.iter().map(|(name, bytes)| parse_bytes(Path::new(name), bytes)).collect();
    assemble(results)
}

/// Loads every `*.md` / `*.markdown` below `dir`.
pub fn load_dir(dir: &Path) -> Result<Feed, LoadError> {
    let meta = fs::metadata(dir).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => LoadError::NotFound(dir.to_path_buf()),
        _ => LoadError::Unreadable(dir.to_path_buf(), e),
    })?;
    if !meta.is_dir() {
        return Err(LoadError::NotADir(dir.to_path_buf()));
    }
    fs::read_dir(dir).map_err(|e| LoadError::Unreadable(dir.to_path_buf(), e))?;
    let (files, mut walk_problems) = walk(dir);
    let results = parse_files(&files);
    let mut feed = assemble(results);
    feed.problems.append(&mut walk_problems);
    Ok(feed)
}

fn is_post_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

#[cfg(unix)]
fn identity(meta: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(_meta: &fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// Every post file below `root`, each real file once; symbolic links are
/// followed and loops cut. Hidden entries (`.git`, `.cache`) are skipped.
pub fn walk(root: &Path) -> (Vec<PathBuf>, Vec<Problem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    let mut stack = vec![root.to_path_buf()];
    if let Ok(m) = fs::metadata(root) {
        seen.insert(identity(&m));
    }
    while let Some(dir) = stack.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                problems.push(error(&dir, None, format!("cannot read this folder: {e}")));
                continue;
            }
        };
        let mut children: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        children.sort();
        for path in children.into_iter().rev() {
            if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.')) {
                continue;
            }
            let meta = match fs::metadata(&path) {
                Ok(m) => m,
                Err(e) => {
                    if is_post_file(&path) {
                        problems.push(error(&path, None, format!("cannot read this file: {e}")));
                    }
                    continue;
                }
            };
            if meta.is_dir() {
                if seen.insert(identity(&meta)) {
                    stack.push(path);
                }
            } else if meta.is_file() && is_post_file(&path) && seen.insert(identity(&meta)) {
                files.push(path);
            }
        }
    }
    files.sort();
    (files, problems)
}

fn error(path: &Path, line: Option<usize>, message: String) -> Problem {
    Problem { path: path.to_path_buf(), line, severity: Severity::Error, message }
}

/// Reads and parses `files` on every core, keeping their order.
fn parse_files(files: &[PathBuf]) -> Vec<Parsed> {
    let threads = thread::available_parallelism().map_or(1, |n| n.get()).min(files.len() / 32 + 1);
    let next = AtomicUsize::new(0);
    const CHUNK: usize = 64;
    let mut parts: Vec<Vec<(usize, Parsed)>> = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let start = next.fetch_add(CHUNK, Ordering::Relaxed);
                        if start >= files.len() {
                            break;
                        }
                        for (i, path) in files.iter().enumerate().skip(start).take(CHUNK) {
                            out.push((i, read_and_parse(path)));
                        }
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
    });
    let mut all: Vec<(usize, Parsed)> = parts.iter_mut().flat_map(std::mem::take).collect();
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, p)| p).collect()
}

fn read_and_parse(path: &Path) -> Parsed {
    match fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE_BYTES => {
            return Err(error(
                path,
                None,
                format!("the file is {} MiB, larger than any post: skipped", m.len() >> 20),
            ));
        }
        _ => {}
    }
    match fs::read(path) {
        Ok(bytes) => parse_bytes(path, &bytes),
        Err(e) => Err(error(path, None, format!("cannot read this file: {e}"))),
    }
}

/// Parses one file's bytes: binary and non-UTF-8 files are problems.
pub fn parse_bytes(path: &Path, bytes: &[u8]) -> Parsed {
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err(error(path, None, "this is a binary file (it holds NUL bytes), not a post".into()));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let upto = e.valid_up_to();
        let line = bytes[..upto].iter().filter(|&&b| b == b'\n').count() + 1;
        error(path, Some(line), "the file is not valid UTF-8: save it as UTF-8".into())
    })?;
    frontmatter::parse_post(path, text)
}

/// Posts sorted newest first (undated last, then by path), problems in file order.
pub fn assemble(results: Vec<Parsed>) -> Feed {
    let files = results.len();
    let mut posts = Vec::with_capacity(files);
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok((post, mut warnings)) => {
                posts.push(post);
                problems.append(&mut warnings);
            }
            Err(p) => problems.push(p),
        }
    }
    sort_newest_first(&mut posts);
    problems.extend(duplicate_urls(&posts));
    Feed { posts, problems, files }
}

/// A warning for each post whose external_url another post has too.
fn duplicate_urls(posts: &[Post]) -> Vec<Problem> {
    let mut by_url: HashMap<&str, Vec<&Post>> = HashMap::new();
    for p in posts.iter().filter(|p| !p.url.is_empty()) {
        by_url.entry(p.url.as_str()).or_default().push(p);
    }
    let mut out = Vec::new();
    for same in by_url.values().filter(|v| v.len() > 1) {
        for p in same {
            let others: Vec<String> = same
                .iter()
                .filter(|o| o.path != p.path)
                .map(|o| crate::sanitize::one_line(&o.path.to_string_lossy()))
                .collect();
            out.push(Problem {
                path: p.path.clone(),
                line: None,
                severity: Severity::Warning,
                message: format!("the same external_url is in {}", others.join(", ")),
            });
        }
    }
    out
}

/// Newest first; posts without a date last; ties by path so the order is stable.
pub fn sort_newest_first(posts: &mut [Post]) {
    // `None < Some`, so comparing b to a puts undated posts last.
    posts.sort_by(|a, b| b.timestamp().cmp(&a.timestamp()).then_with(|| a.path.cmp(&b.path)));
}
