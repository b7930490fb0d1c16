//! Loading a feed: walk the folder once, read and parse on every core,
//! collect problems, sort newest first.

pub mod cache;
pub mod fastyaml;
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
    /// Why the parse cache was not used, when it was asked for and not used.
    pub cache_note: Option<String>,
    /// The groups of posts that share a link (indices into `posts`), as
    /// assembling found them: folding reuses them when no post was dropped.
    pub link_groups: Option<Vec<Vec<usize>>>,
    /// For a synced git feed, the posts its last sync brought (`is:new`),
    /// read with the posts, so a reload after a sync done elsewhere shows
    /// them as new; `None` for a folder (the loader leaves it).
    pub new_posts: Option<Vec<PathBuf>>,
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
    /// Checking the cache against the files (a stat of each).
    pub validate: Duration,
    /// Decoding the cache's entries (wall time).
    pub cache_read: Duration,
    /// Writing the cache back.
    pub cache_write: Duration,
    /// Files read and parsed (the rest came from the cache).
    pub parsed: usize,
    /// Files whose parse came from the cache.
    pub cached: usize,
    /// Cache entries for files that are gone or changed.
    pub stale: usize,
    /// The cache was written back.
    pub cache_written: bool,
    /// No folder had changed: the walk was skipped.
    pub walk_skipped: bool,
    /// A check of the cache ([`cache_holds`]) found every file as cached:
    /// nothing was loaded (the feed has no posts) and the feed in hand stands.
    pub checked_unchanged: bool,
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
        let total = self.files.saturating_sub(self.pages);
        // The groups found when assembling hold while no post was dropped.
        let groups =
            self.link_groups.take().filter(|_| self.posts.len() == before && self.posts.len() == total);
        self.posts = hugo::fold_duplicates_with(std::mem::take(&mut self.posts), groups);
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

/// As [`load`], with the parse cache for a folder when `use_cache`.
pub fn load_cached(source: &Source, use_cache: bool) -> Result<Feed, LoadError> {
    load_cached_with(source, use_cache, &Progress::default())
}

/// As [`load_cached`], for views that show no post's tldr or summary (the
/// rows of `list`): the posts come without them. From a cache that still
/// holds (the usual start), they are dropped as each block is decoded, so
/// they never all sit in memory; otherwise the feed is loaded whole (the
/// cache written back needs them) and they are dropped after.
pub fn load_cached_without_text(source: &Source, use_cache: bool) -> Result<Feed, LoadError> {
    let mut feed = match source {
        Source::Dir(dir) => {
            let path = if use_cache { cache::path_for(dir) } else { None };
            load_dir_cached_as(dir, &Progress::default(), path.as_deref(), LongText::Drop)?
        }
        Source::Sample => load_sample(),
    };
    for p in &mut feed.posts {
        p.leave_out_long_text();
    }
    Ok(feed)
}

/// Whether a load keeps the posts' tldr and summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LongText {
    Keep,
    Drop,
}

/// As [`load_cached`], reporting progress.
pub fn load_cached_with(source: &Source, use_cache: bool, progress: &Progress) -> Result<Feed, LoadError> {
    match source {
        Source::Sample => Ok(load_sample()),
        Source::Dir(dir) => {
            let path = if use_cache { cache::path_for(dir) } else { None };
            load_dir_cached(dir, progress, path.as_deref())
        }
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
    load_dir_cached(dir, progress, None)
}

/// As [`load_dir_with`], with the parse cache at `cache` (see [`cache`]):
/// files whose size, time and inode match their entry (and, when modified
/// within a second of the cache's writing, their CRC) are taken from it; the
/// rest are read and parsed; the cache is written back when anything changed.
pub fn load_dir_cached(
    dir: &Path,
    progress: &Progress,
    cache_path: Option<&Path>,
) -> Result<Feed, LoadError> {
    load_dir_cached_as(dir, progress, cache_path, LongText::Keep)
}

fn load_dir_cached_as(
    dir: &Path,
    progress: &Progress,
    cache_path: Option<&Path>,
    text: LongText,
) -> Result<Feed, LoadError> {
    check_dir(dir)?;
    let root_key = cache_path.map(|_| cache::root_key(dir)).unwrap_or_default();
    let rel = |p: &Path| -> String {
        let r = p.strip_prefix(dir).unwrap_or(p).to_string_lossy();
        if std::path::MAIN_SEPARATOR == '/' {
            r.into_owned()
        } else {
            r.replace(std::path::MAIN_SEPARATOR, "/")
        }
    };
    let opened = cache_path.map(|path| (path, cache::Reader::open(path, &root_key)));
    // No folder changed since the cache was written: no file came or went,
    // so the walk is skipped and only the files' own stats are checked.
    if let Some((path, Ok(Some(reader)))) = &opened
        && reader.folders_unchanged(dir)
    {
        // Without the long text when asked and no file changed; else whole.
        let first = load_unchanged_folders(dir, path, &root_key, reader, &rel, progress, text);
        if let Some(feed) = first
            .or_else(|| load_unchanged_folders(dir, path, &root_key, reader, &rel, progress, LongText::Keep))
        {
            return Ok(feed);
        }
    }
    let t = Instant::now();
    let (files, mut walk_problems, walked_dirs) = walk_dirs(dir);
    let walk_time = t.elapsed();
    progress.total.store(files.len(), Ordering::Relaxed);
    progress.walked.store(true, Ordering::Relaxed);
    // Folders are remembered only from a clean walk (a folder that could not
    // be read must be tried again).
    let dirs: Vec<(String, i64)> = if walk_problems.is_empty() {
        walked_dirs.iter().map(|(p, t)| (rel(p), *t)).collect()
    } else {
        Vec::new()
    };
    let mut stats = LoadStats::default();
    let mut note = None;
    // What the cache still holds and what parsing gives stay in the parts
    // they were made in (no array of every file): assembling takes them in
    // turn, so the peak is the posts plus one part, not the posts twice.
    let mut parts: Vec<Vec<ParsedFile>> = Vec::new();
    let mut have = vec![false; files.len()];
    if let Some((_, opened)) = opened {
        match opened {
            Ok(Some(reader)) => {
                let t = Instant::now();
                let metas = stat_all(&files, &rel);
                stats.validate = t.elapsed();
                let t = Instant::now();
                match from_cache(&reader, &files, &metas) {
                    Ok((found, stale)) => {
                        stats.stale = stale;
                        stats.cached = found.len();
                        for (i, _, _) in &found {
                            have[*i] = true;
                        }
                        parts.push(found.into_iter().map(|(i, p, m)| (i, p, Some(m))).collect());
                    }
                    Err(why) => note = Some(format!("cache ignored: {why}; rebuilt")),
                }
                stats.cache_read = t.elapsed();
                progress.done.store(stats.cached, Ordering::Relaxed);
            }
            Ok(None) => note = Some("no cache yet: written".to_string()),
            Err(why) => note = Some(format!("cache ignored: {why}; rebuilt")),
        }
    }
    let todo: Vec<usize> = (0..files.len()).filter(|&i| !have[i]).collect();
    drop(have);
    let t = Instant::now();
    // Without a cache to write, what the load is not to keep goes at once.
    let keep = if cache_path.is_some() { LongText::Keep } else { text };
    let (parsed, parse_stats) = parse_files(&files, &todo, cache_path.is_some(), keep, &rel, progress);
    stats.read_parse = t.elapsed();
    stats.read_sum = parse_stats.read_sum;
    stats.parse_sum = parse_stats.parse_sum;
    stats.threads = parse_stats.threads;
    stats.walk = walk_time;
    stats.parsed = todo.len();
    parts.extend(parsed);
    if let Some(path) = cache_path
        && (stats.parsed > 0 || stats.stale > 0 || note.is_some())
        && !progress.cancel.load(Ordering::Relaxed)
    {
        let t = Instant::now();
        let entries: Vec<(&cache::Meta, &Parsed)> =
            parts.iter().flatten().filter_map(|(_, p, m)| m.as_ref().map(|m| (m, p))).collect();
        match cache::write_all(path, &root_key, &dirs, &entries) {
            Ok(()) => stats.cache_written = true,
            Err(e) => note = Some(format!("cache not written: {e}")),
        }
        stats.cache_write = t.elapsed();
    }
    let t = Instant::now();
    let n: usize = parts.iter().map(Vec::len).sum();
    let mut feed = assemble_with_capacity(dir, parts.into_iter().flatten().map(|(_, p, _)| p), n);
    stats.sort = t.elapsed();
    feed.stats = stats;
    feed.cache_note = note;
    feed.problems.append(&mut walk_problems);
    Ok(feed)
}

/// The load when no folder changed since the cache was written: every
/// cached file is stat'ed (and its entry decoded) on every core; the ones
/// that changed are parsed again. With `LongText::Drop`, each post's tldr
/// and summary are dropped as it is decoded, and `None` comes back when a
/// file changed (the cache written back needs them whole).
fn load_unchanged_folders(
    dir: &Path,
    path: &Path,
    root_key: &str,
    reader: &cache::Reader,
    rel: &(dyn Fn(&Path) -> String + Sync),
    progress: &Progress,
    text: LongText,
) -> Option<Feed> {
    let mut stats = LoadStats { walk_skipped: true, ..LoadStats::default() };
    let mut note = None;
    let t = Instant::now();
    let racy_from = reader.written_ns.saturating_sub(1_000_000_000);
    // Posts and their stats apart: the stats are dropped before assembling
    // when nothing needs writing back.
    let decoded = each_block(
        reader,
        || (Vec::new(), Vec::new(), Vec::new()),
        |(kept, metas, todo), b, buf| {
            for (meta, parsed) in reader.block(b, buf)? {
                let file = dir.join(&meta.rel);
                let now = fs::metadata(&file).ok().map(|m| cache::Meta::of(String::new(), &m, None));
                if still_holds(&meta, now.as_ref(), &file, racy_from) {
                    let mut parsed = reroot(parsed, &file);
                    if let (LongText::Drop, Ok((post, _))) = (text, &mut parsed) {
                        post.leave_out_long_text();
                    }
                    kept.push(parsed);
                    metas.push(meta);
                } else {
                    todo.push(file);
                }
            }
            Ok(())
        },
    );
    let decoded = match decoded {
        Ok(d) => d,
        Err(why) => {
            // A damaged block: trust nothing; read every file, rebuild.
            let _ = fs::remove_file(path);
            let mut feed = load_dir_cached(dir, progress, Some(path)).unwrap_or_default();
            feed.cache_note = Some(format!("cache ignored: {why}; rebuilt"));
            return Some(feed);
        }
    };
    // Each thread's posts stay in their own vector (no copy into one big
    // one): assembling takes them in turn, freeing each as it goes.
    let mut kept: Vec<(Vec<Parsed>, Vec<cache::Meta>)> = Vec::with_capacity(decoded.len() + 2);
    let mut todo = Vec::new();
    for (k, m, mut t) in decoded {
        kept.push((k, m));
        todo.append(&mut t);
    }
    let n_kept: usize = kept.iter().map(|(k, _)| k.len()).sum();
    stats.cache_read = t.elapsed();
    if text == LongText::Drop && !todo.is_empty() {
        // The cache is written back from the posts: they must be whole.
        return None;
    }
    stats.cached = n_kept;
    stats.stale = todo.len();
    stats.parsed = todo.len();
    progress.total.store(n_kept + todo.len(), Ordering::Relaxed);
    progress.walked.store(true, Ordering::Relaxed);
    progress.done.store(n_kept, Ordering::Relaxed);
    if !todo.is_empty() {
        let t = Instant::now();
        let indices: Vec<usize> = (0..todo.len()).collect();
        let (parsed, ps) = parse_files(&todo, &indices, true, LongText::Keep, rel, progress);
        stats.read_parse = t.elapsed();
        stats.read_sum = ps.read_sum;
        stats.parse_sum = ps.parse_sum;
        stats.threads = ps.threads;
        // A file that cannot be read now is reported, and not cached.
        let (mut fresh, mut fresh_metas, mut unreadable) = (Vec::new(), Vec::new(), Vec::new());
        for (_, p, m) in parsed.into_iter().flatten() {
            match m {
                Some(m) => {
                    fresh.push(p);
                    fresh_metas.push(m);
                }
                None => unreadable.push(p),
            }
        }
        kept.push((fresh, fresh_metas));
        let t = Instant::now();
        let entries: Vec<(&cache::Meta, &Parsed)> =
            kept.iter().flat_map(|(ps, ms)| ms.iter().zip(ps.iter())).collect();
        match cache::write_all(path, root_key, reader.folders(), &entries) {
            Ok(()) => stats.cache_written = true,
            Err(e) => note = Some(format!("cache not written: {e}")),
        }
        stats.cache_write = t.elapsed();
        kept.push((unreadable, Vec::new()));
    }
    // The files' stats are not needed any more.
    for (_, metas) in &mut kept {
        *metas = Vec::new();
    }
    let t = Instant::now();
    let n: usize = kept.iter().map(|(ps, _)| ps.len()).sum();
    let mut feed = assemble_with_capacity(dir, kept.into_iter().flat_map(|(ps, _)| ps), n);
    stats.sort = t.elapsed();
    feed.stats = stats;
    feed.cache_note = note;
    Some(feed)
}

/// Each file's size, time and inode (on every core); `None` when it cannot be stat'ed.
fn stat_all(files: &[PathBuf], rel: &(dyn Fn(&Path) -> String + Sync)) -> Vec<Option<cache::Meta>> {
    crate::par::map_chunks(files, 1024, |chunk| {
        chunk.iter().map(|p| fs::metadata(p).ok().map(|m| cache::Meta::of(rel(p), &m, None))).collect()
    })
}

/// The cache's entries that still hold (by file index) and how many did not.
type FromCache = (Vec<(usize, Parsed, cache::Meta)>, usize);

/// The cache's entries that still hold, by file index: a file whose stat
/// matches, and, when it was modified within a second of the cache's
/// writing, whose bytes still have the CRC. Also how many entries did not
/// hold (changed or gone files). An error: the cache cannot be trusted.
fn from_cache(
    reader: &cache::Reader,
    files: &[PathBuf],
    metas: &[Option<cache::Meta>],
) -> Result<FromCache, String> {
    let by_rel: HashMap<&str, usize> =
        metas.iter().enumerate().filter_map(|(i, m)| m.as_ref().map(|m| (m.rel.as_str(), i))).collect();
    let racy_from = reader.written_ns.saturating_sub(1_000_000_000);
    let parts = each_block(
        reader,
        || (Vec::new(), 0),
        |(out, stale), b, buf| {
            for (meta, parsed) in reader.block(b, buf)? {
                let hit = by_rel
                    .get(meta.rel.as_str())
                    .copied()
                    .filter(|&i| still_holds(&meta, metas[i].as_ref(), &files[i], racy_from));
                match hit {
                    // Paths as this load spells the folder.
                    Some(i) => out.push((i, reroot(parsed, &files[i]), meta)),
                    None => *stale += 1,
                }
            }
            Ok(())
        },
    )?;
    let mut all = Vec::with_capacity(reader.entries());
    let mut stale = 0;
    for (mut v, n) in parts {
        all.append(&mut v);
        stale += n;
    }
    Ok((all, stale))
}

/// Whether a cache entry still describes `file`, stat'ed `now`: the same
/// size, time and inode, and, when it was modified within a second of the
/// cache's writing (`racy_from`), the same bytes.
fn still_holds(cached: &cache::Meta, now: Option<&cache::Meta>, file: &Path, racy_from: i64) -> bool {
    now.is_some_and(|n| n.same_stat(cached)) && (cached.mtime_ns < racy_from || same_crc(file, cached.crc))
}

/// `work` on every block of the cache, the blocks shared out over the
/// cores; each thread adds to its own `A` (made by `init`), and those are
/// the result. Large per-thread vectors, not one per block: many middling
/// vectors left the heap fragmented (25 MB more peak RSS at 100k posts).
/// A failed block fails the whole.
fn each_block<A: Send>(
    reader: &cache::Reader,
    init: impl Fn() -> A + Sync,
    work: impl Fn(&mut A, usize, &mut Vec<u8>) -> Result<(), String> + Sync,
) -> Result<Vec<A>, String> {
    let threads = thread::available_parallelism().map_or(1, |n| n.get()).min(reader.blocks()).max(1);
    let next = AtomicUsize::new(0);
    let parts: Vec<Result<A, String>> = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let (mut buf, mut acc) = (Vec::new(), init());
                    loop {
                        let b = next.fetch_add(1, Ordering::Relaxed);
                        if b >= reader.blocks() {
                            return Ok(acc);
                        }
                        work(&mut acc, b, &mut buf)?;
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("a decoder failed".into()))).collect()
    });
    parts.into_iter().collect()
}

/// Whether the cache at `cache_path` still describes the folder `dir` whole:
/// no folder changed since it was written (so no file came or went) and
/// every file's stat (and, where racy, CRC) matches its entry. Decodes the
/// cache a block at a time and keeps nothing: the reader's check after a
/// first screen drawn from the cache costs no second copy of the feed when
/// nothing changed (the usual case).
pub fn cache_holds(dir: &Path, cache_path: &Path) -> bool {
    let Ok(Some(reader)) = cache::Reader::open(cache_path, &cache::root_key(dir)) else {
        return false;
    };
    if !reader.folders_unchanged(dir) {
        return false;
    }
    let racy_from = reader.written_ns.saturating_sub(1_000_000_000);
    let parts = each_block(
        &reader,
        || true,
        |holds, b, buf| {
            for (meta, _) in reader.block(b, buf)? {
                let file = dir.join(&meta.rel);
                let now = fs::metadata(&file).ok().map(|m| cache::Meta::of(String::new(), &m, None));
                *holds &= still_holds(&meta, now.as_ref(), &file, racy_from);
            }
            Ok(())
        },
    );
    parts.is_ok_and(|p| p.into_iter().all(|h| h))
}

/// A cached parse with its paths set to `path` (the folder may have been
/// named differently when the cache was written: `feed` or `./feed`).
fn reroot(parsed: Parsed, path: &Path) -> Parsed {
    match parsed {
        Ok((mut post, mut warnings)) => {
            post.path = path.to_path_buf();
            for w in &mut warnings {
                w.path = path.to_path_buf();
            }
            Ok((post, warnings))
        }
        Err(mut p) => {
            p.path = path.to_path_buf();
            Err(p)
        }
    }
}

/// Whether the file's bytes still have this CRC.
fn same_crc(path: &Path, crc: Option<u32>) -> bool {
    let mut buf = Vec::new();
    crc.is_some() && read_file(path, &mut buf).is_ok() && Some(crc32fast::hash(&buf)) == crc
}

/// The cached parse of every file below `dir`, unchecked: for a first
/// screen while the real check runs. `None` when there is no usable cache.
pub fn load_from_cache_unchecked(dir: &Path, cache_path: &Path) -> Option<Feed> {
    let reader = cache::Reader::open(cache_path, &cache::root_key(dir)).ok()??;
    let parts = each_block(&reader, Vec::new, |out, b, buf| {
        out.extend(reader.block_ref(b, buf)?.into_iter().map(|(m, p)| reroot(p, &dir.join(m.rel))));
        Ok(())
    })
    .ok()?;
    let n: usize = parts.iter().map(Vec::len).sum();
    Some(assemble_with_capacity(dir, parts.into_iter().flatten(), n))
}

/// Whether the loader reads this file as a post (`.md`, `.markdown`).
pub fn is_post_file(path: &Path) -> bool {
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
    let (files, problems, _) = walk_dirs(root);
    (files, problems)
}

/// As [`walk`], also giving every folder read and its modification time.
pub fn walk_dirs(root: &Path) -> (Vec<PathBuf>, Vec<Problem>, Vec<(PathBuf, i64)>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut dirs = Vec::new();
    let mut seen = HashSet::new();
    let mut stack = Vec::new();
    if let Ok(m) = fs::metadata(root) {
        seen.insert(identity(&m));
        stack.push((root.to_path_buf(), identity(&m).0));
        dirs.push((root.to_path_buf(), cache::mtime_ns(&m)));
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
                    Ok(m) if m.is_dir() => {
                        if !seen.contains(&identity(&m)) {
                            dirs.push((path.clone(), cache::mtime_ns(&m)));
                        }
                        (true, identity(&m))
                    }
                    Ok(m) if m.is_file() => (false, identity(&m)),
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
    (files, problems, dirs)
}

fn error(path: &Path, line: Option<usize>, message: String) -> Problem {
    Problem { path: path.to_path_buf(), line, severity: Severity::Error, message }
}

/// Threads reading and parsing. More than the cores: reads wait on the
/// disk, and many in flight keep it busy (measured in BENCHMARKS.md).
const LOAD_THREADS: usize = 8;

/// What parsing one file gave: its index, the result, and (when asked) its
/// stat and CRC for the cache.
type ParsedFile = (usize, Parsed, Option<cache::Meta>);

/// Reads and parses the files at indices `todo` on many threads; with
/// `meta`, also each file's stat and CRC (for the cache).
fn parse_files(
    files: &[PathBuf],
    todo: &[usize],
    meta: bool,
    text: LongText,
    rel: &(dyn Fn(&Path) -> String + Sync),
    progress: &Progress,
) -> (Vec<Vec<ParsedFile>>, LoadStats) {
    let threads = std::env::var("LINKFEED_LOAD_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(LOAD_THREADS)
        .clamp(1, 256)
        .min(todo.len() / 16 + 1);
    let next = AtomicUsize::new(0);
    const CHUNK: usize = 32;
    type Part = (Vec<ParsedFile>, Duration, Duration);
    let parts: Vec<Part> = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
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

/// As [`read_file`], also giving the file's metadata (from the open file,
/// so it describes the bytes read); with the problem, the metadata when the
/// file could be opened (an oversized file's problem is cached by it).
fn read_file_meta(path: &Path, buf: &mut Vec<u8>) -> (Result<(), Problem>, Option<fs::Metadata>) {
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
fn read_file(path: &Path, buf: &mut Vec<u8>) -> Result<(), Problem> {
    read_file_meta(path, buf).0
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
    let n = results.size_hint().0;
    assemble_with_capacity(root, results, n)
}

/// As [`assemble_in`], with room made for `capacity` posts up front (a
/// chain of parts cannot say how many it holds, and growing a vector of
/// 100,000 posts moves them many times).
pub fn assemble_with_capacity(
    root: &Path,
    results: impl IntoIterator<Item = Parsed>,
    capacity: usize,
) -> Feed {
    let results = results.into_iter();
    let mut posts = Vec::with_capacity(capacity);
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
    let groups = hugo::same_link_groups(&posts);
    problems.extend(duplicate_urls(&posts, &groups));
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
        cache_note: None,
        link_groups: Some(groups),
        new_posts: None,
    }
}

/// A warning for each post whose link an earlier post of its group has too
/// (compared by [`hugo::link_key`]), naming that post: each pair once. The
/// reader folds them into one row.
fn duplicate_urls(posts: &[Post], groups: &[Vec<usize>]) -> Vec<Problem> {
    let mut out = Vec::new();
    for group in groups {
        let Some((&first, rest)) = group.split_first() else { continue };
        let kept = crate::text::sanitize::one_line(&posts[first].path.to_string_lossy());
        for &i in rest {
            out.push(Problem {
                path: posts[i].path.clone(),
                line: None,
                severity: Severity::Warning,
                message: format!("the same link is in {kept} (shown as one row)"),
            });
        }
    }
    out
}

/// When a post reached the feed, for the newest-first order: its date; but
/// an event's date is when it happens, so an event still to come (at `now`)
/// counts from when it was published (`publishDate`) or, else, from when its
/// file arrived here (its modification time: a sync writes a new post's
/// file, and keeps an unchanged one's), never from its future date. An
/// upcoming event whose arrival is unknown or later than `now` has none and
/// sorts with the undated posts (the Events section and `is:upcoming` list
/// it soonest first).
pub fn arrival(post: &Post, now: i64) -> Option<i64> {
    let date = post.timestamp()?;
    if post.event.is_none() || date <= now {
        return Some(date);
    }
    let published = post.publish_date().map(|d| d.timestamp()).or_else(|| {
        let m = fs::metadata(&post.path).ok()?.modified().ok()?;
        m.duration_since(std::time::UNIX_EPOCH).ok().and_then(|d| i64::try_from(d.as_secs()).ok())
    });
    published.filter(|&t| t <= now).map(|t| t.min(date))
}

/// Newest first by [`arrival`]; posts without one last; ties by path so the
/// order is stable.
pub fn sort_newest_first(posts: &mut [Post]) {
    let now = crate::clock::now();
    // Sorting indices, then moving each post once: a post is a few hundred
    // bytes, and a sort moves its elements many times.
    let keys: Vec<Option<i64>> = posts.iter().map(|p| arrival(p, now)).collect();
    let mut order: Vec<usize> = (0..posts.len()).collect();
    // `None < Some`, so comparing b to a puts undated posts last.
    order.sort_by(|&a, &b| keys[b].cmp(&keys[a]).then_with(|| posts[a].path.cmp(&posts[b].path)));
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
pub fn tag_counts<'a>(posts: impl IntoIterator<Item = &'a Post>) -> Vec<(String, usize)> {
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
