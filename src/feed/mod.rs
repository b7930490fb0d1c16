//! Loading a feed: walk the folder once, read and parse on every core,
//! collect problems, sort newest first.

pub mod frontmatter;
pub mod hugo;
pub mod watch;

use crate::post::Post;
use crate::problem::{Problem, Severity};
use frontmatter::Parsed;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
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
            Source::Dir(p) => crate::text::sanitize::one_line(&p.to_string_lossy()),
            Source::Sample => "sample feed".into(),
        }
    }
}

/// A loaded feed: the posts, newest first, and what was wrong with the rest.
#[derive(Debug, Default, Clone)]
pub struct Feed {
    /// The folder the feed was read from (empty for the bundled sample).
    pub root: PathBuf,
    pub posts: Vec<Post>,
    /// Every section that has posts (first folder) with its title, ordered by
    /// the weight of its section page, then title.
    pub sections: Vec<(String, String)>,
    /// Posts hidden because their `publishDate` is still to come or their
    /// `expiryDate` has passed.
    pub not_live: usize,
    pub problems: Vec<Problem>,
    /// Post files found (loaded or not), section pages included.
    pub files: usize,
    /// Section pages (`_index.md`) read.
    pub pages: usize,
    /// How long each phase took.
    pub stats: LoadStats,
}

/// Timings of a load, for `list --stats` and the benchmarks.
#[derive(Debug, Default, Clone, Copy)]
pub struct LoadStats {
    /// Walking the folder tree.
    pub walk: Duration,
    /// Reading and parsing, overlapped on every thread (wall time).
    pub read_parse: Duration,
    /// Time spent in reads, summed over threads.
    pub read_sum: Duration,
    /// Time spent parsing, summed over threads.
    pub parse_sum: Duration,
    /// Sorting the posts, settling sections and kinds, finding duplicate links.
    pub sort: Duration,
    /// Dropping drafts and posts outside their dates, folding duplicates.
    pub visible: Duration,
    pub threads: usize,
}

/// How far a load has got, shared with the TUI's loading screen; setting
/// `cancel` makes the load stop early.
#[derive(Debug, Default)]
pub struct Progress {
    pub total: AtomicUsize,
    pub done: AtomicUsize,
    pub walked: AtomicBool,
    pub cancel: AtomicBool,
}

impl Feed {
    /// How many files were kept out by an error.
    pub fn skipped(&self) -> usize {
        self.problems.iter().filter(|p| p.severity == Severity::Error).count()
    }

    /// The feed as a reader sees it: drafts dropped unless they were asked
    /// for, posts outside their `publishDate`..`expiryDate` dropped, and posts
    /// that share a link folded into one row.
    pub fn visible(mut self, show_drafts: bool) -> Self {
        let t = Instant::now();
        if !show_drafts {
            self.posts.retain(|p| !p.draft);
        }
        let now = crate::clock::now();
        let before = self.posts.len();
        self.posts.retain(|p| hugo::is_live(p, now));
        self.not_live = before - self.posts.len();
        self.posts = hugo::fold_duplicates(std::mem::take(&mut self.posts));
        self.stats.visible = t.elapsed();
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
    let names: Vec<&Path> = SAMPLE_FILES.iter().map(|(name, _)| Path::new(*name)).collect();
    let resources = hugo::bundle_resources(&names);
    let results: Vec<Parsed> = SAMPLE_FILES
        .iter()
        .filter(|(name, _)| !resources.contains(Path::new(name)))
        .map(|(name, bytes)| parse_bytes(Path::new(name), bytes))
        .collect();
    assemble(results)
}

/// Loads every `*.md` / `*.markdown` below `dir`.
pub fn load_dir(dir: &Path) -> Result<Feed, LoadError> {
    load_dir_with(dir, &Progress::default())
}

/// Whether `dir` is a folder that can be read.
pub fn check_dir(dir: &Path) -> Result<(), LoadError> {
    let meta = fs::metadata(dir).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => LoadError::NotFound(dir.to_path_buf()),
        _ => LoadError::Unreadable(dir.to_path_buf(), e),
    })?;
    if !meta.is_dir() {
        return Err(LoadError::NotADir(dir.to_path_buf()));
    }
    fs::read_dir(dir).map_err(|e| LoadError::Unreadable(dir.to_path_buf(), e))?;
    Ok(())
}

/// As [`load_dir`], reporting progress and stopping early on `cancel`.
pub fn load_dir_with(dir: &Path, progress: &Progress) -> Result<Feed, LoadError> {
    check_dir(dir)?;
    let t = Instant::now();
    let (files, mut walk_problems) = walk(dir);
    let walk_time = t.elapsed();
    progress.total.store(files.len(), Ordering::Relaxed);
    progress.walked.store(true, Ordering::Relaxed);
    let t = Instant::now();
    let (results, mut stats) = parse_files(&files, progress);
    stats.read_parse = t.elapsed();
    stats.walk = walk_time;
    let t = Instant::now();
    let mut feed = assemble_in(dir, results.into_iter().flatten().map(|(_, r)| r));
    stats.sort = t.elapsed();
    feed.stats = stats;
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

/// A file's (device, inode) without a stat: the inode comes from the
/// directory listing, the device from the folder it is in.
#[cfg(unix)]
fn entry_identity(entry: &fs::DirEntry, dir_dev: u64) -> (u64, u64) {
    use std::os::unix::fs::DirEntryExt;
    (dir_dev, entry.ino())
}

#[cfg(not(unix))]
fn entry_identity(entry: &fs::DirEntry, _dir_dev: u64) -> (u64, u64) {
    fs::metadata(entry.path()).map(|m| identity(&m)).unwrap_or((0, 0))
}

/// Every post file below `root`, each real file once; symbolic links are
/// followed and loops cut. Hidden entries (`.git`, `.cache`) are skipped.
pub fn walk(root: &Path) -> (Vec<PathBuf>, Vec<Problem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    let mut stack = Vec::new();
    if let Ok(m) = fs::metadata(root) {
        seen.insert(identity(&m));
        stack.push((root.to_path_buf(), identity(&m).0));
    }
    while let Some((dir, dir_dev)) = stack.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                problems.push(error(&dir, None, format!("cannot read this folder: {e}")));
                continue;
            }
        };
        let mut children: Vec<fs::DirEntry> = entries.flatten().collect();
        children.sort_by_key(|e| e.file_name());
        // A leaf bundle (a folder below the root with an `index.md`) is one
        // post; its other files and folders are that post's resources.
        if dir != root
            && let Some(index) =
                children.iter().position(|e| e.file_name().to_str().is_some_and(hugo::is_leaf_index))
        {
            children = vec![children.swap_remove(index)];
        }
        for entry in children.into_iter().rev() {
            let path = entry.path();
            if entry.file_name().to_str().is_some_and(|n| n.starts_with('.')) {
                continue;
            }
            // The entry's own type needs no extra system call; only symbolic
            // links are followed with a stat of their target.
            let Ok(kind) = entry.file_type() else { continue };
            // Folders (few) are always stat'ed, so their device is exact.
            let (is_dir, id) = if kind.is_symlink() || kind.is_dir() {
                match fs::metadata(&path) {
                    Ok(m) if m.is_dir() || m.is_file() => (m.is_dir(), identity(&m)),
                    Ok(_) => continue,
                    Err(e) => {
                        if is_post_file(&path) {
                            problems.push(error(&path, None, format!("cannot read this file: {e}")));
                        }
                        continue;
                    }
                }
            } else if kind.is_file() {
                (false, entry_identity(&entry, dir_dev))
            } else {
                continue;
            };
            if is_dir {
                if seen.insert(id) {
                    stack.push((path, id.0));
                }
            } else if is_post_file(&path) && seen.insert(id) {
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

/// Threads reading and parsing. More than the cores: reads wait on the
/// disk, and many in flight keep it busy (measured in BENCHMARKS.md).
const LOAD_THREADS: usize = 8;

/// Reads and parses `files` on many threads, keeping their order.
fn parse_files(files: &[PathBuf], progress: &Progress) -> (Vec<Vec<(usize, Parsed)>>, LoadStats) {
    let threads = std::env::var("LINKFEED_LOAD_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(LOAD_THREADS)
        .clamp(1, 256)
        .min(files.len() / 16 + 1);
    let next = AtomicUsize::new(0);
    const CHUNK: usize = 32;
    type Part = (Vec<(usize, Parsed)>, Duration, Duration);
    let parts: Vec<Part> = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    let (mut read, mut parse) = (Duration::ZERO, Duration::ZERO);
                    let mut buf = Vec::new();
                    while !progress.cancel.load(Ordering::Relaxed) {
                        let start = next.fetch_add(CHUNK, Ordering::Relaxed);
                        if start >= files.len() {
                            break;
                        }
                        for (i, path) in files.iter().enumerate().skip(start).take(CHUNK) {
                            let t = Instant::now();
                            let r = read_file(path, &mut buf);
                            let t2 = Instant::now();
                            read += t2 - t;
                            // Bodies stay on disk: read again when a post is shown.
                            out.push((i, r.and_then(|()| parse_bytes_with(path, &buf, false))));
                            parse += t2.elapsed();
                        }
                        progress.done.fetch_add(CHUNK.min(files.len() - start), Ordering::Relaxed);
                    }
                    (out, read, parse)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
    });
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

/// Reads a file into `buf` (reused between files), refusing huge ones.
fn read_file(path: &Path, buf: &mut Vec<u8>) -> Result<(), Problem> {
    use std::io::Read;
    buf.clear();
    let cannot = |e: io::Error| error(path, None, format!("cannot read this file: {e}"));
    let file = fs::File::open(path).map_err(cannot)?;
    file.take(MAX_FILE_BYTES + 1).read_to_end(buf).map_err(cannot)?;
    if buf.len() as u64 > MAX_FILE_BYTES {
        return Err(error(
            path,
            None,
            format!("the file is over {} MiB, larger than any post: skipped", MAX_FILE_BYTES >> 20),
        ));
    }
    Ok(())
}

/// Parses one file's bytes: binary and non-UTF-8 files are problems. The
/// body is kept (for the bundled sample and tests).
pub fn parse_bytes(path: &Path, bytes: &[u8]) -> Parsed {
    parse_bytes_with(path, bytes, true)
}

/// The body of the post file at `path`, read again (the loader does not keep
/// bodies of a folder's posts): the text below its front matter, trimmed.
/// A file that went away, grew past [`MAX_FILE_BYTES`] or stopped being a
/// post says why.
pub fn read_body(path: &Path) -> Result<String, String> {
    let mut buf = Vec::new();
    read_file(path, &mut buf).map_err(|p| p.message)?;
    let text = std::str::from_utf8(&buf).map_err(|_| "the file is no longer valid UTF-8".to_string())?;
    let parts = frontmatter::split(text).map_err(|(_, m)| m)?;
    Ok(parts.body.trim().to_string())
}

fn parse_bytes_with(path: &Path, bytes: &[u8], keep_body: bool) -> Parsed {
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

/// Posts sorted newest first (undated last, then by path), problems in file
/// order; paths taken as they are (the sample feed's, relative).
pub fn assemble(results: impl IntoIterator<Item = Parsed>) -> Feed {
    assemble_in(Path::new(""), results)
}

/// As [`assemble`], for files below `root`: section pages give their section
/// a title and are not posts; each post learns its section and kind.
pub fn assemble_in(root: &Path, results: impl IntoIterator<Item = Parsed>) -> Feed {
    let results = results.into_iter();
    let mut posts = Vec::with_capacity(results.size_hint().0);
    let mut problems = Vec::new();
    let mut files = 0;
    let mut titles = hugo::Sections::default();
    let mut weights: HashMap<String, Option<i64>> = HashMap::new();
    let mut pages = 0;
    for r in results {
        files += 1;
        match r {
            // A section page: only its title is used, and only a broken one is reported.
            Ok((page, _)) if hugo::is_section_page(&page.path) => {
                let rel = page.path.strip_prefix(root).unwrap_or(&page.path);
                let folder = rel.parent().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
                weights.insert(folder.clone(), page.weight());
                titles.titles.insert(folder, page.title);
                pages += 1;
            }
            Ok((post, mut warnings)) => {
                posts.push(post);
                problems.append(&mut warnings);
            }
            Err(p) => problems.push(p),
        }
    }
    for p in &mut posts {
        hugo::settle(p, root, &mut titles);
    }
    let mut sections: Vec<(String, String)> = Vec::new();
    let mut seen = HashSet::new();
    for p in &posts {
        if seen.insert(&*p.section) {
            sections.push((p.section.to_string(), p.section_title.to_string()));
        }
    }
    // As Hugo orders sections: by the weight of their page (weighted first),
    // then by title.
    sections.sort_by_cached_key(|(name, title)| {
        let w = weights.get(name).copied().flatten().filter(|w| *w != 0);
        (w.is_none(), w, title.to_lowercase(), name.clone())
    });
    sort_newest_first(&mut posts);
    problems.extend(duplicate_urls(&posts));
    problems.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
    Feed {
        root: root.to_path_buf(),
        posts,
        sections,
        not_live: 0,
        problems,
        files,
        pages,
        stats: LoadStats::default(),
    }
}

/// A warning for each post whose link another post has too (compared by
/// [`hugo::link_key`]); the reader folds them into one row.
fn duplicate_urls(posts: &[Post]) -> Vec<Problem> {
    let mut out = Vec::new();
    for group in hugo::same_link_groups(posts) {
        for &i in &group {
            let others: Vec<String> = group
                .iter()
                .filter(|&&o| o != i)
                .map(|&o| crate::text::sanitize::one_line(&posts[o].path.to_string_lossy()))
                .collect();
            out.push(Problem {
                path: posts[i].path.clone(),
                line: None,
                severity: Severity::Warning,
                message: format!("the same link is in {} (shown as one row)", others.join(", ")),
            });
        }
    }
    out
}

/// Newest first; posts without a date last; ties by path so the order is stable.
pub fn sort_newest_first(posts: &mut [Post]) {
    // Sorting indices, then moving each post once: a post is a few hundred
    // bytes, and a sort moves its elements many times.
    let mut order: Vec<usize> = (0..posts.len()).collect();
    // `None < Some`, so comparing b to a puts undated posts last.
    order.sort_by(|&a, &b| {
        let (a, b) = (&posts[a], &posts[b]);
        b.timestamp().cmp(&a.timestamp()).then_with(|| a.path.cmp(&b.path))
    });
    // Apply the order in place, cycle by cycle: no second array of posts.
    let mut placed = vec![false; order.len()];
    for start in 0..order.len() {
        if placed[start] {
            continue;
        }
        // Position `j` takes the post now at `order[j]`.
        let mut j = start;
        loop {
            placed[j] = true;
            let from = order[j];
            if from == start {
                break;
            }
            posts.swap(j, from);
            j = from;
        }
    }
}

/// Every tag with how many posts carry it, most used first, then by name.
pub fn tag_counts(posts: &[Post]) -> Vec<(String, usize)> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for p in posts {
        for t in &p.tags {
            *counts.entry(t.as_str()).or_default() += 1;
        }
    }
    let mut v: Vec<(String, usize)> = counts.into_iter().map(|(t, n)| (t.to_string(), n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}
