//! The load that walks the folder: what the cache still holds is taken
//! from it, the rest is read and parsed, and the cache is written back
//! when anything changed. Four phases, one function each: [`Walk::take_cached`]
//! decides what to read, [`Walk::parse`] reads it (writing the cache as it
//! goes on a first light load), [`Walk::write_back`] writes the cache
//! again, [`Walk::assemble`] makes the feed.

use super::assemble::{Arrange, Split, assemble_arranged, assemble_split};
use super::entries::{Checked, Rel, each_block, numbered, reroot, stat_all, still_holds};
use super::read::LongText;
use super::read::{ParsedFile, parse_files};
use super::unchanged::load_unchanged_folders;
use super::walk::{check_dir, walk_dirs};
use super::{Feed, LoadError, LoadStats, Progress};
use crate::cache::{self, CacheError};
use crate::problem::Parsed;
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Instant;

/// Files parsed, written to a new cache and let go of their text at a
/// time, on a first load that does not keep the text: two blocks of the
/// cache, enough files to keep every reading thread busy.
const STREAM_GROUP: usize = 1024;

/// The load of `dir`, through the cache at `cache_path` when there is one.
pub(super) fn load_dir_cached_as(
    dir: &Path,
    progress: &Progress,
    cache_path: Option<&Path>,
    text: LongText,
) -> Result<Feed, LoadError> {
    load_dir_checked(dir, progress, cache_path, text, None)
}

/// [`load_dir_cached_as`], the files' stats already checked against the
/// cache when `checked` says so ([`super::LoadOptions`]).
pub(super) fn load_dir_checked(
    dir: &Path,
    progress: &Progress,
    cache_path: Option<&Path>,
    text: LongText,
    checked: Option<&Checked>,
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
    let opened = cache_path.map(|path| cache::Reader::open(path, &root_key));
    // No folder changed since the cache was written: no file came or went,
    // so the walk is skipped and only the files' own stats are checked.
    if let (Some(path), Some(Ok(Some(reader)))) = (cache_path, &opened)
        && reader.folders_unchanged(dir)
    {
        let checked =
            checked.filter(|c| c.generation == reader.generation() && c.holds.len() == reader.entries());
        return match load_unchanged_folders(dir, path, reader, &rel, progress, text, checked) {
            Ok(feed) => Ok(feed),
            Err(why) => {
                // A damaged block: trust nothing; read every file, rebuild.
                let _ = std::fs::remove_file(path);
                let mut feed =
                    load_dir_cached_as(dir, progress, Some(path), LongText::Keep).unwrap_or_default();
                feed.cache_note = Some(format!("cache ignored: {why}; rebuilt"));
                Ok(feed)
            }
        };
    }
    let t = Instant::now();
    let (files, walk_problems, walked_dirs) = walk_dirs(dir);
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
    let walk = Walk { dir, files, dirs, rel: &rel, progress, cache_path, root_key, text };
    let mut stats = LoadStats::default();
    let old = walk.take_cached(opened, &mut stats);
    let mut note = old.note.clone();
    let parsed = walk.parse(&old, &mut stats);
    stats.walk = walk_time;
    let written = walk.write_back(&old, &parsed, &mut stats, &mut note);
    drop(old.reader);
    let mut parts = old.parts;
    parts.extend(parsed.parts);
    let split = parsed.streamed.map(|(_, split, _)| split);
    let mut feed = walk.assemble(parts, split, written.generation, &written.ids, &mut stats);
    feed.stats = stats;
    feed.cache_note = note;
    feed.problems.extend(walk_problems);
    feed.cache_generation = written.generation;
    feed.cache_renumbering = written.renumbering.map(std::sync::Arc::new);
    Ok(feed)
}

/// What a walked load works with.
struct Walk<'a> {
    dir: &'a Path,
    files: Vec<PathBuf>,
    /// The folders the walk read (relative) and their times; empty when
    /// the walk met a problem.
    dirs: Vec<(String, i64)>,
    rel: Rel<'a>,
    progress: &'a Progress,
    cache_path: Option<&'a Path>,
    root_key: String,
    text: LongText,
}

/// What the cache still holds (the first phase).
struct FromOld {
    /// The entries that still hold, as parsed files (one part).
    parts: Vec<Vec<ParsedFile>>,
    /// Their entry numbers in the cache, in the same order.
    old_ids: Vec<u32>,
    /// The cache they came from.
    reader: Option<cache::Reader>,
    /// Why the cache was not used, when it was not.
    note: Option<String>,
    /// The files not taken from the cache: to read.
    todo: Vec<usize>,
}

/// What parsing gave (the second phase).
struct Fresh {
    /// The parsed files, after those taken from the cache.
    parts: Vec<Vec<ParsedFile>>,
    /// A first light load's parse, written to the cache as it went: the
    /// cache's generation (or why not), the posts taken apart, whether
    /// every one is in the cache, how many files it parsed.
    streamed: Option<(io::Result<u64>, Split, bool)>,
}

/// How the cache was written back (the third phase).
struct Written {
    /// The cache's writing the posts are, when they are exactly one's.
    generation: Option<u64>,
    /// Each post's entry number in it, in the parts' order.
    ids: Vec<u32>,
    renumbering: Option<cache::Renumbering>,
}

impl Walk<'_> {
    /// The cache's entries that still hold, and which files are to be read.
    fn take_cached(
        &self,
        opened: Option<Result<Option<cache::Reader>, CacheError>>,
        stats: &mut LoadStats,
    ) -> FromOld {
        let mut old =
            FromOld { parts: Vec::new(), old_ids: Vec::new(), reader: None, note: None, todo: Vec::new() };
        let mut have = vec![false; self.files.len()];
        match opened {
            None => {}
            Some(Ok(Some(reader))) => {
                let t = Instant::now();
                let metas = stat_all(self.dir, &self.files, self.rel);
                stats.validate = t.elapsed();
                let t = Instant::now();
                match from_cache(&reader, &self.files, &metas, self.text == LongText::Keep) {
                    Ok((found, stale)) => {
                        stats.stale = stale;
                        stats.cached = found.len();
                        for (i, _, _, _) in &found {
                            have[*i] = true;
                        }
                        old.old_ids = found.iter().map(|f| f.3).collect();
                        old.parts.push(found.into_iter().map(|(i, p, m, _)| (i, p, Some(m))).collect());
                        old.reader = Some(reader);
                    }
                    Err(why) => old.note = Some(format!("cache ignored: {why}; rebuilt")),
                }
                stats.cache_read = t.elapsed();
                self.progress.done.store(stats.cached, Ordering::Relaxed);
            }
            Some(Ok(None)) => old.note = Some("no cache yet: written".to_string()),
            Some(Err(why)) => old.note = Some(format!("cache ignored: {why}; rebuilt")),
        }
        old.todo = (0..self.files.len()).filter(|&i| !have[i]).collect();
        old
    }

    /// Reads and parses the files the cache did not give. With no cache to
    /// start from and the posts not to keep their text, the files are
    /// parsed a group at a time, each group written to the new cache and
    /// its text let go before the next, so the first load of a large feed
    /// never holds every post's text.
    fn parse(&self, old: &FromOld, stats: &mut LoadStats) -> Fresh {
        let t = Instant::now();
        let todo = &old.todo;
        let mut out = Fresh { parts: Vec::new(), streamed: None };
        let stream_to = self.cache_path.filter(|_| old.reader.is_none() && self.text == LongText::Drop);
        match stream_to {
            Some(path) if !todo.is_empty() => {
                let (written, split, all_cached, done) = self.parse_streamed(path, todo, stats);
                if written.is_err() {
                    // The cache could not be written (or not to the end):
                    // the files not parsed yet are parsed all the same; it
                    // costs only the speed.
                    let rest = todo.get(done..).unwrap_or_default();
                    let (parsed, ps) =
                        parse_files(&self.files, rest, false, self.text, self.rel, self.progress);
                    stats.read_sum += ps.read_sum;
                    stats.parse_sum += ps.parse_sum;
                    stats.threads = stats.threads.max(ps.threads);
                    out.parts.extend(parsed);
                }
                out.streamed = Some((written, split, all_cached));
            }
            _ => {
                // Without a cache to write, what the load is not to keep goes at once.
                let keep = if self.cache_path.is_some() { LongText::Keep } else { self.text };
                let (parsed, ps) =
                    parse_files(&self.files, todo, self.cache_path.is_some(), keep, self.rel, self.progress);
                stats.read_sum = ps.read_sum;
                stats.parse_sum = ps.parse_sum;
                stats.threads = ps.threads;
                out.parts.extend(parsed);
            }
        }
        stats.read_parse = t.elapsed();
        stats.parsed = todo.len();
        out
    }

    /// [`Walk::parse`] a group at a time into a new cache at `path`: the
    /// cache's generation (or why it could not be written), the posts
    /// taken apart, whether each is in the cache, how many files were parsed.
    fn parse_streamed(
        &self,
        path: &Path,
        todo: &[usize],
        stats: &mut LoadStats,
    ) -> (io::Result<u64>, Split, bool, usize) {
        let (mut sums, mut split, mut all_cached, mut done) =
            (LoadStats::default(), Split::default(), true, 0);
        let written = cache::write_streamed(path, &self.root_key, &self.dirs, |push| {
            for group in todo.chunks(STREAM_GROUP) {
                if self.progress.cancel.load(Ordering::Relaxed) {
                    return Err(io::Error::other("cancelled"));
                }
                let (parsed, ps) =
                    parse_files(&self.files, group, true, LongText::Keep, self.rel, self.progress);
                sums.read_sum += ps.read_sum;
                sums.parse_sum += ps.parse_sum;
                sums.threads = sums.threads.max(ps.threads);
                let entries: Vec<(&cache::Meta, &Parsed)> =
                    parsed.iter().flatten().filter_map(|(_, p, m)| m.as_ref().map(|m| (m, p))).collect();
                let first = push(&entries)?;
                drop(entries);
                let group_ids = numbered(parsed.iter().flatten().map(|(_, _, m)| m.is_some()), first);
                all_cached &= group_ids.iter().all(|&id| id != u32::MAX);
                // Each post kept as a light copy made here, in the posts
                // taken apart for assembling; the parsed group is let go
                // whole, so the parsing threads' heaps hold one group at a
                // time (the next group's parse reuses them).
                for ((_, p, _), id) in parsed.into_iter().flatten().zip(group_ids) {
                    let light = match p {
                        Ok((post, warnings)) => Ok((post.without_long_text(), warnings)),
                        Err(e) => Err(e),
                    };
                    split.push(light, id);
                }
                done += group.len();
            }
            Ok(())
        });
        stats.read_sum = sums.read_sum;
        stats.parse_sum = sums.parse_sum;
        stats.threads = sums.threads;
        (written, split, all_cached, done)
    }

    /// Writes the cache back when anything changed (or, when nothing did
    /// but the folders could not be trusted, their times); the writing the
    /// posts are and their entry numbers in it.
    fn write_back(
        &self,
        old: &FromOld,
        parsed: &Fresh,
        stats: &mut LoadStats,
        note: &mut Option<String>,
    ) -> Written {
        let changed = stats.parsed > 0 || stats.stale > 0 || note.is_some();
        let mut w = Written { generation: None, ids: Vec::new(), renumbering: None };
        if let (Some(path), Some(reader), false) = (self.cache_path, &old.reader, changed) {
            // Every file as the cache holds it, but its folders could not
            // be trusted (some changed within a second of its writing):
            // written again with the folders as they are now, unless they
            // are that fresh still, so the next load skips the walk. The
            // same posts and generation: not `cache_written`.
            let settled = cache::now_ns().saturating_sub(2_000_000_000);
            if !self.dirs.is_empty() && self.dirs.iter().all(|(_, t)| *t < settled) {
                let t = Instant::now();
                let _ = cache::refresh_folders(path, reader, &self.dirs);
                stats.cache_write = t.elapsed();
            }
        }
        if !changed {
            // Every post is the cache's entry it came from: numbered as
            // that entry, so its tldr and summary (left out) are read back
            // by it.
            w.generation = old.reader.as_ref().map(cache::Reader::generation);
            w.ids = old.old_ids.clone();
        }
        match &parsed.streamed {
            Some((Ok(g), _, all_cached)) => {
                stats.cache_written = true;
                // Unreadable files are not cached: then the posts are not the cache's.
                w.generation = Some(*g).filter(|_| *all_cached);
                return w;
            }
            Some((Err(e), _, _)) => {
                *note = Some(format!("cache not written: {e}"));
                return w;
            }
            None => {}
        }
        let Some(path) = self.cache_path.filter(|_| changed && !self.progress.cancel.load(Ordering::Relaxed))
        else {
            return w;
        };
        let t = Instant::now();
        let flat: Vec<&ParsedFile> = old.parts.iter().chain(&parsed.parts).flatten().collect();
        let written = match &old.reader {
            // The cache the unchanged files came from (the first part, light
            // unless the text is kept) is written again a block at a time
            // (`cache::rewrite`: appended to, or written anew): its blocks
            // whose files all hold kept as they are, then the files parsed.
            // Neither the cache nor the posts are held whole with their
            // text (a list after a sync that brought posts).
            Some(reader) => self.rewrite(path, reader, &old.old_ids, &flat, &mut w),
            None => {
                let entries: Vec<(&cache::Meta, &Parsed)> =
                    flat.iter().filter_map(|(_, p, m)| m.as_ref().map(|m| (m, p))).collect();
                cache::write_all(path, &self.root_key, &self.dirs, &entries).map(|g| {
                    w.ids = numbered(flat.iter().map(|(_, _, m)| m.is_some()), 0);
                    (g, entries.len(), None)
                })
            }
        };
        match written {
            Ok((g, cached, renumbered)) => {
                stats.cache_written = true;
                // Unreadable files are not cached: then the posts are not the cache's.
                w.generation = Some(g).filter(|_| cached == flat.len());
                w.renumbering = renumbered.filter(|_| w.generation.is_some());
            }
            Err(e) => *note = Some(format!("cache not written: {e}")),
        }
        stats.cache_write = t.elapsed();
        w
    }

    /// The cache `reader` written again with the entries of `old_ids` kept
    /// and the rest of `flat` (after them) new: the generation, how many
    /// entries it has, how it renumbers the old ones; the posts' numbers
    /// into `w`.
    fn rewrite(
        &self,
        path: &Path,
        reader: &cache::Reader,
        old_ids: &[u32],
        flat: &[&ParsedFile],
        w: &mut Written,
    ) -> io::Result<(u64, usize, Option<cache::Renumbering>)> {
        let mut holds = vec![false; reader.entries()];
        for &id in old_ids {
            if let Some(h) = holds.get_mut(id as usize) {
                *h = true;
            }
        }
        let fresh: Vec<(&cache::Meta, &Parsed)> =
            flat[old_ids.len()..].iter().filter_map(|(_, p, m)| m.as_ref().map(|m| (m, p))).collect();
        let r = cache::rewrite(path, &self.root_key, &self.dirs, reader, &holds, &fresh)?;
        w.ids =
            old_ids.iter().map(|&id| r.renumbered.get(id as usize).copied().unwrap_or(u32::MAX)).collect();
        let fresh_ids = numbered(flat[old_ids.len()..].iter().map(|(_, _, m)| m.is_some()), r.fresh_from);
        w.ids.extend(fresh_ids);
        Ok((r.generation, fresh.len() + old_ids.len(), Some(r)))
    }

    /// The feed of the parts (or of the posts taken apart as a streamed
    /// parse went, `split`, the parts after them), each post numbered as
    /// its entry (`ids`) of the writing `generation`: the arrangement made
    /// is saved for the next load.
    fn assemble(
        &self,
        parts: Vec<Vec<ParsedFile>>,
        split: Option<Split>,
        generation: Option<u64>,
        ids: &[u32],
        stats: &mut LoadStats,
    ) -> Feed {
        let t = Instant::now();
        let arrange = Arrange { generation, ..Arrange::default() };
        let (feed, made) = match split {
            Some(mut split) => {
                // Taken apart as they were parsed; those parsed after a
                // failed write (not in the cache) follow.
                for (_, p, _) in parts.into_iter().flatten() {
                    split.push(p, u32::MAX);
                }
                assemble_split(self.dir, split, arrange)
            }
            None => {
                let n: usize = parts.iter().map(Vec::len).sum();
                let results = parts.into_iter().flatten().enumerate().map(|(i, (_, p, _))| {
                    let id = ids.get(i).copied().unwrap_or(i as u32);
                    (p, id)
                });
                assemble_arranged(self.dir, results, n, arrange)
            }
        };
        if let (Some(made), Some(path)) = (made, self.cache_path) {
            let _ = made.save(&cache::arranged_path_for(path));
        }
        stats.sort = t.elapsed();
        stats.arranged = feed.stats.arranged;
        feed
    }
}

/// The cache's entries that still hold (by file index, with their entry
/// number in the cache) and how many did not.
type FromCache = (Vec<(usize, Parsed, cache::Meta, u32)>, usize);

/// The cache's entries that still hold, by file index (with their tldr and
/// summary when `text`): a file whose stat matches, and, when it was
/// modified within a second of the cache's writing, whose bytes still have
/// the CRC. Also how many entries did not hold (changed or gone files). An
/// error: the cache cannot be trusted.
fn from_cache(
    reader: &cache::Reader,
    files: &[PathBuf],
    metas: &[Option<cache::Meta>],
    text: bool,
) -> Result<FromCache, CacheError> {
    let by_rel: HashMap<&str, usize> =
        metas.iter().enumerate().filter_map(|(i, m)| m.as_ref().map(|m| (m.rel.as_str(), i))).collect();
    let racy_from = reader.written_ns.saturating_sub(1_000_000_000);
    let parts = each_block(
        reader,
        || (Vec::new(), 0),
        |(out, stale), b, buf| {
            for (k, (meta, parsed)) in reader.block(b, buf, text)?.into_iter().enumerate() {
                let hit = by_rel
                    .get(meta.rel.as_str())
                    .copied()
                    .filter(|&i| still_holds(&meta, metas[i].as_ref(), &files[i], racy_from));
                match hit {
                    // Paths as this load spells the folder.
                    Some(i) => out.push((i, reroot(parsed, files[i].clone()), meta, reader.entry_id(b, k))),
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
