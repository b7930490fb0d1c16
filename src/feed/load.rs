//! Loading a folder through the parse cache: what still holds comes from
//! it, the rest is read and parsed; the cache is written back when
//! anything changed.

use super::{
    Arrange, Feed, LoadError, LoadStats, Parsed, ParsedFile, Progress, SAMPLE_FILES, Source, Split, assemble,
    assemble_arranged, assemble_split, hugo, parse_bytes, parse_files, read_file, stat, walk_dirs,
};
use crate::cache;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use std::{fs, io};

/// Each file's entry number in a cache written with the cached ones of
/// `cached` (whether each file was) numbered on from `first`, in order;
/// `u32::MAX` for a file not cached (unreadable).
fn numbered(cached: impl IntoIterator<Item = bool>, first: u32) -> Vec<u32> {
    let mut next = first;
    cached
        .into_iter()
        .map(|c| {
            let id = if c { next } else { u32::MAX };
            next += u32::from(c);
            id
        })
        .collect()
}

/// Files parsed, written to a new cache and let go of their text at a
/// time, on a first load that does not keep the text: two blocks of the
/// cache, enough files to keep every reading thread busy.
const STREAM_GROUP: usize = 1024;

/// How to load a feed. The default: every file read and parsed, no cache,
/// the posts whole.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions<'a> {
    /// Use the parse cache of a folder (`$XDG_CACHE_HOME/linkfeed`): files
    /// whose size, time and inode match their entry (and, when modified
    /// within a second of the cache's writing, their CRC) are taken from
    /// it; the rest are read and parsed; it is written back when anything
    /// changed.
    pub use_cache: bool,
    /// Keep each post's tldr and summary. Views that show neither (the rows
    /// of `list`) load without: from a cache that still holds (the usual
    /// start) they are dropped as each block is decoded, so they never all
    /// sit in memory; otherwise the feed is loaded whole (the cache written
    /// back needs them) and they are dropped after.
    pub long_text: bool,
    /// Take the cache as it is, without looking at the files: the reader's
    /// first screen, checked right after with [`cache_holds`]. Without a
    /// usable cache, the load is the usual one. `Feed::stats.unchecked`
    /// says which it was.
    pub unchecked: bool,
    /// How far the load has got (the loading screen); its `cancel` stops it.
    pub progress: Option<&'a Progress>,
    /// With `unchecked`: the posts taken from the cache come without their
    /// tldr and summary (the reader's first screen: [`long_text_of`] reads
    /// them after). A load that does not come from the cache unchecked is
    /// whole all the same.
    pub unchecked_light: bool,
    /// With `unchecked`: only this many of the newest posts (and those that
    /// share a link with them), when the cache's saved order holds: a first
    /// screen that does not wait for the rest (`Feed::partial`). Else the
    /// load is as without it.
    pub newest: Option<usize>,
    /// The files were stat'ed against the cache just before (a lazy load
    /// that found some changed, [`super::lazy::Checked`]): when the cache
    /// is still that writing and no folder changed, they are not stat'ed
    /// again.
    pub checked: Option<&'a super::lazy::Checked>,
}

impl Default for LoadOptions<'_> {
    fn default() -> Self {
        LoadOptions {
            use_cache: false,
            long_text: true,
            unchecked: false,
            progress: None,
            unchecked_light: false,
            newest: None,
            checked: None,
        }
    }
}

/// Loads every post of `source` ([`LoadOptions`] says how): the one way a
/// feed is loaded.
pub fn load(source: &Source, options: &LoadOptions) -> Result<Feed, LoadError> {
    let text = if options.long_text { LongText::Keep } else { LongText::Drop };
    let mut feed = match source {
        Source::Sample => load_sample(),
        Source::Dir(dir) => {
            let path = if options.use_cache { cache::path_for(dir) } else { None };
            let unchecked = match (&path, options.unchecked) {
                (Some(path), true) => options
                    .newest
                    .and_then(|rows| super::newest::load(dir, path, rows))
                    .or_else(|| load_from_cache_unchecked(dir, path, !options.unchecked_light)),
                _ => None,
            };
            match unchecked {
                Some(f) => f,
                None => {
                    let idle = Progress::default();
                    let progress = options.progress.unwrap_or(&idle);
                    load_dir_checked(dir, progress, path.as_deref(), text, options.checked)?
                }
            }
        }
    };
    if text == LongText::Drop {
        for p in &mut feed.posts {
            p.leave_out_long_text();
        }
    }
    // A feed named as a writing of the cache is one whose every post can be
    // found in it (its tldr and summary are read back by entry): a post
    // without its entry makes it a feed of no writing, which the reader
    // then loads whole.
    if feed.cache_generation.is_some() && feed.posts.iter().any(|p| p.entry.is_none()) {
        feed.cache_generation = None;
        feed.cache_renumbering = None;
    }
    Ok(feed)
}

/// Whether a load keeps the posts' tldr and summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LongText {
    Keep,
    Drop,
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

pub(super) fn load_dir_cached_as(
    dir: &Path,
    progress: &Progress,
    cache_path: Option<&Path>,
    text: LongText,
) -> Result<Feed, LoadError> {
    load_dir_checked(dir, progress, cache_path, text, None)
}

/// [`load_dir_cached_as`], the files' stats already checked against the
/// cache when `checked` says so ([`LoadOptions::checked`]).
pub(super) fn load_dir_checked(
    dir: &Path,
    progress: &Progress,
    cache_path: Option<&Path>,
    text: LongText,
    checked: Option<&super::lazy::Checked>,
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
        let checked =
            checked.filter(|c| c.generation == reader.generation() && c.holds.len() == reader.entries());
        return Ok(load_unchanged_folders(dir, path, reader, &rel, progress, text, checked));
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
    // The cache's writing the posts are, when they are exactly one's.
    let mut read_generation = None;
    let mut generation = None;
    // With the cache's entries that still hold (the first part), their
    // numbers in it; and the cache they came from.
    let mut old_ids: Vec<u32> = Vec::new();
    let mut renumbering = None;
    let mut old_reader = None;
    if let Some((_, opened)) = opened {
        match opened {
            Ok(Some(reader)) => {
                read_generation = Some(reader.generation());
                let t = Instant::now();
                let metas = stat_all(dir, &files, &rel);
                stats.validate = t.elapsed();
                let t = Instant::now();
                match from_cache(&reader, &files, &metas, text == LongText::Keep) {
                    Ok((found, stale)) => {
                        stats.stale = stale;
                        stats.cached = found.len();
                        for (i, _, _, _) in &found {
                            have[*i] = true;
                        }
                        old_ids = found.iter().map(|f| f.3).collect();
                        parts.push(found.into_iter().map(|(i, p, m, _)| (i, p, Some(m))).collect());
                        old_reader = Some(reader);
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
    // Each file's entry number in the cache written (by its place in the parts).
    let mut ids: Vec<u32> = Vec::new();
    // No cache to start from, and the posts are not to keep their text: the
    // files are parsed a group at a time, each group written to the new
    // cache and its text let go before the next, so the first load of a
    // large feed never holds every post's text.
    let mut streamed_files = 0;
    let mut streamed_posts = Split::default();
    let mut every_one_cached = true;
    let streamed = match cache_path {
        Some(path) if old_reader.is_none() && text == LongText::Drop && !todo.is_empty() => {
            let mut sums = LoadStats::default();
            let written = cache::write_streamed(path, &root_key, &dirs, |push| {
                for group in todo.chunks(STREAM_GROUP) {
                    if progress.cancel.load(Ordering::Relaxed) {
                        return Err(io::Error::other("cancelled"));
                    }
                    let (parsed, ps) = parse_files(&files, group, true, LongText::Keep, &rel, progress);
                    sums.read_sum += ps.read_sum;
                    sums.parse_sum += ps.parse_sum;
                    sums.threads = sums.threads.max(ps.threads);
                    let entries: Vec<(&cache::Meta, &Parsed)> =
                        parsed.iter().flatten().filter_map(|(_, p, m)| m.as_ref().map(|m| (m, p))).collect();
                    let first = push(&entries)?;
                    drop(entries);
                    let group_ids = numbered(parsed.iter().flatten().map(|(_, _, m)| m.is_some()), first);
                    every_one_cached &= group_ids.iter().all(|&id| id != u32::MAX);
                    // Each post kept as a light copy made here, in the
                    // posts taken apart for assembling; the parsed group is
                    // let go whole, so the parsing threads' heaps hold one
                    // group at a time (the next group's parse reuses them).
                    for ((_, p, _), id) in parsed.into_iter().flatten().zip(group_ids) {
                        let light = match p {
                            Ok((post, warnings)) => Ok((post.without_long_text(), warnings)),
                            Err(e) => Err(e),
                        };
                        streamed_posts.push(light, id);
                    }
                    streamed_files += group.len();
                }
                Ok(())
            });
            stats.read_sum = sums.read_sum;
            stats.parse_sum = sums.parse_sum;
            stats.threads = sums.threads;
            Some(written)
        }
        _ => None,
    };
    match &streamed {
        None => {
            // Without a cache to write, what the load is not to keep goes at once.
            let keep = if cache_path.is_some() { LongText::Keep } else { text };
            let (parsed, parse_stats) =
                parse_files(&files, &todo, cache_path.is_some(), keep, &rel, progress);
            stats.read_sum = parse_stats.read_sum;
            stats.parse_sum = parse_stats.parse_sum;
            stats.threads = parse_stats.threads;
            parts.extend(parsed);
        }
        // The cache could not be written (or not to the end): the files not
        // parsed yet are parsed all the same; it costs only the speed.
        Some(Err(_)) => {
            let rest = todo.get(streamed_files..).unwrap_or_default();
            let (parsed, parse_stats) = parse_files(&files, rest, false, text, &rel, progress);
            stats.read_sum += parse_stats.read_sum;
            stats.parse_sum += parse_stats.parse_sum;
            stats.threads = stats.threads.max(parse_stats.threads);
            parts.extend(parsed);
        }
        Some(Ok(_)) => {}
    }
    stats.read_parse = t.elapsed();
    stats.walk = walk_time;
    stats.parsed = todo.len();
    let changed = stats.parsed > 0 || stats.stale > 0 || note.is_some();
    // Every file as the cache holds it, but its folders could not be
    // trusted (some changed within a second of its writing): written again
    // with the folders as they are now, unless they are that fresh still,
    // so the next load skips the walk.
    if let (Some(path), Some(reader), false) = (cache_path, &old_reader, changed) {
        let settled = cache::now_ns().saturating_sub(2_000_000_000);
        if !dirs.is_empty() && dirs.iter().all(|(_, t)| *t < settled) {
            let t = Instant::now();
            // The same posts and generation: not `cache_written` (nothing
            // that follows the posts needs making again).
            let _ = cache::refresh_folders(path, reader, &dirs);
            stats.cache_write = t.elapsed();
        }
    }
    if !changed {
        // Every post is the cache's entry it came from: numbered as that
        // entry, so its tldr and summary (left out) are read back by it.
        generation = read_generation;
        ids = old_ids.clone();
    }
    let was_streamed = streamed.is_some();
    match streamed {
        Some(Ok(g)) => {
            stats.cache_written = true;
            // Unreadable files are not cached: then the posts are not the cache's.
            generation = Some(g).filter(|_| every_one_cached);
        }
        Some(Err(e)) => note = Some(format!("cache not written: {e}")),
        None => {}
    }
    if let Some(path) = cache_path
        && changed
        && !was_streamed
        && !progress.cancel.load(Ordering::Relaxed)
    {
        let t = Instant::now();
        let flat: Vec<&ParsedFile> = parts.iter().flatten().collect();
        let written = match &old_reader {
            // The cache the unchanged files came from (the first part, light
            // unless the text is kept) is written again a block at a time
            // (`cache::rewrite`: appended to, or written anew): its blocks
            // whose files all hold kept as they are, then the files parsed.
            // Neither the cache nor the posts are held whole with their
            // text (a list after a sync that brought posts).
            Some(reader) => {
                let mut holds = vec![false; reader.entries()];
                for &id in &old_ids {
                    if let Some(h) = holds.get_mut(id as usize) {
                        *h = true;
                    }
                }
                let fresh: Vec<(&cache::Meta, &Parsed)> =
                    flat[old_ids.len()..].iter().filter_map(|(_, p, m)| m.as_ref().map(|m| (m, p))).collect();
                cache::rewrite(path, &root_key, &dirs, reader, &holds, &fresh).map(|r| {
                    ids = old_ids
                        .iter()
                        .map(|&id| r.renumbered.get(id as usize).copied().unwrap_or(u32::MAX))
                        .collect();
                    ids.extend(numbered(
                        flat[old_ids.len()..].iter().map(|(_, _, m)| m.is_some()),
                        r.fresh_from,
                    ));
                    (r.generation, fresh.len() + old_ids.len(), Some(r))
                })
            }
            None => {
                let entries: Vec<(&cache::Meta, &Parsed)> =
                    flat.iter().filter_map(|(_, p, m)| m.as_ref().map(|m| (m, p))).collect();
                cache::write_all(path, &root_key, &dirs, &entries).map(|g| {
                    ids = numbered(flat.iter().map(|(_, _, m)| m.is_some()), 0);
                    (g, entries.len(), None)
                })
            }
        };
        match written {
            Ok((g, cached, renumbered)) => {
                stats.cache_written = true;
                // Unreadable files are not cached: then the posts are not the cache's.
                generation = Some(g).filter(|_| cached == flat.len());
                renumbering = renumbered.filter(|_| generation.is_some());
            }
            Err(e) => note = Some(format!("cache not written: {e}")),
        }
        stats.cache_write = t.elapsed();
    }
    drop(old_reader);
    let t = Instant::now();
    let n: usize = parts.iter().map(Vec::len).sum();
    // The posts are exactly the entries of the writing `generation` (read
    // unchanged, or just written), each numbered as its entry: the
    // arrangement made is saved for the next load.
    let arrange = Arrange { generation, ..Arrange::default() };
    let (mut feed, made) = if was_streamed {
        // Taken apart as they were parsed; those parsed after a failed
        // write (not in the cache) follow.
        for (_, p, _) in parts.into_iter().flatten() {
            streamed_posts.push(p, u32::MAX);
        }
        assemble_split(dir, streamed_posts, arrange)
    } else {
        let results = parts.into_iter().flatten().enumerate().map(|(i, (_, p, _))| {
            let id = ids.get(i).copied().unwrap_or(i as u32);
            (p, id)
        });
        assemble_arranged(dir, results, n, arrange)
    };
    if let (Some(made), Some(path)) = (made, cache_path) {
        let _ = made.save(&cache::arranged_path_for(path));
    }
    stats.sort = t.elapsed();
    stats.arranged = feed.stats.arranged;
    feed.stats = stats;
    feed.cache_note = note;
    feed.problems.append(&mut walk_problems);
    feed.cache_generation = generation;
    feed.cache_renumbering = renumbering.map(std::sync::Arc::new);
    Ok(feed)
}

/// The load when no folder changed since the cache was written: every
/// cached file is stat'ed (and its entry decoded) on every core; the ones
/// that changed are parsed again, and the cache is written again from the
/// old one a block at a time ([`cache::rewrite`]: appended to, or written
/// anew; unchanged blocks kept as they are), so the posts are never needed
/// whole for it. With
/// `LongText::Drop`, only the light parts are read: no post holds its tldr
/// or summary.
fn load_unchanged_folders(
    dir: &Path,
    path: &Path,
    reader: &cache::Reader,
    rel: &(dyn Fn(&Path) -> String + Sync),
    progress: &Progress,
    text: LongText,
    checked: Option<&super::lazy::Checked>,
) -> Feed {
    let mut stats = LoadStats { walk_skipped: true, ..LoadStats::default() };
    let mut note = None;
    let t = Instant::now();
    let racy_from = reader.written_ns.saturating_sub(1_000_000_000);
    // The arrangement saved for this writing: its titles of the section
    // pages settle each post as it is decoded, on its core, while it is
    // at hand (the assembling checks them against the pages after).
    let arranged_path = cache::arranged_path_for(path);
    let saved = cache::Arranged::load(&arranged_path, reader.generation());
    let titles: Option<HashMap<String, String>> = saved.as_ref().map(|a| a.titles.iter().cloned().collect());
    // Each entry's place in the saved order, when it holds now: each post
    // decoded is put straight into its place (no joining of the cores'
    // posts and permuting them after, 20-25 ms of one core at 100,000).
    let places = saved
        .as_ref()
        .filter(|a| a.holds_at(crate::clock::now()))
        .and_then(|a| places_of(&a.order, reader.entries()));
    let scatter = places.as_ref().map(|p| crate::par::Scatter::<crate::post::Post>::new(p.1));
    // Each core's posts taken apart as they are decoded, each post with
    // its entry number in the cache (for the arrangement); with each file
    // that changed, the number of its old entry.
    let decoded = each_block(
        reader,
        || (Split::default(), Vec::new(), Vec::new(), titles.clone().map(hugo::Sections::with_titles)),
        |(kept, todo, stale, met), b, buf| {
            let mut stater = stat::Stater::new(dir);
            for (k, (meta, parsed)) in
                reader.block_ref(b, buf, text == LongText::Keep)?.into_iter().enumerate()
            {
                let file = joined(dir, meta.rel);
                let id = reader.entry_id(b, k);
                let holds = match checked {
                    Some(c) => c.holds.get(id as usize).copied().unwrap_or(false),
                    None => still_holds(&meta.stat(), stater.stat(meta.rel).as_ref(), &file, racy_from),
                };
                if holds {
                    let place = places.as_ref().and_then(|(p, _)| p.get(id as usize)).copied();
                    let put = |post| match (&scatter, place) {
                        (Some(s), Some(at)) if at != u32::MAX => s.put(at as usize, post).err(),
                        _ => Some(post),
                    };
                    kept.put_settled(reroot(parsed, file), id, met.as_mut().map(|m| (dir, m)), put);
                } else {
                    todo.push(file);
                    stale.push(reader.entry_id(b, k));
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
            let mut feed = load_dir_cached_as(dir, progress, Some(path), LongText::Keep).unwrap_or_default();
            feed.cache_note = Some(format!("cache ignored: {why}; rebuilt"));
            return feed;
        }
    };
    // The cores' parts joined: whole vectors appended, not post by post.
    let mut kept = Split::default();
    let (mut todo, mut stale, mut met) = (Vec::new(), Vec::new(), Vec::new());
    for (k, mut t, mut s, m) in decoded {
        kept.append(k);
        todo.append(&mut t);
        stale.append(&mut s);
        met.extend(m);
    }
    if let Some(scatter) = scatter {
        // Every post in its place: the posts in the saved order; else those
        // placed join the others, to be ordered as they are.
        let (Ok(placed) | Err(placed)) = scatter.into_vec();
        kept.put_first(placed);
    }
    let n_kept = kept.files();
    stats.cache_read = t.elapsed();
    let mut generation = todo.is_empty().then(|| reader.generation());
    let mut renumbering = None;
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
        let t = Instant::now();
        let mut holds = vec![true; reader.entries()];
        for id in stale {
            if let Some(h) = holds.get_mut(id as usize) {
                *h = false;
            }
        }
        let entries: Vec<(&cache::Meta, &Parsed)> = fresh_metas.iter().zip(fresh.iter()).collect();
        let mut fresh_ids = vec![u32::MAX; fresh.len()];
        match cache::rewrite(path, &cache::root_key(dir), reader.folders(), reader, &holds, &entries) {
            Ok(r) => {
                stats.cache_written = true;
                generation = Some(r.generation).filter(|_| unreadable.is_empty());
                kept.renumber(|id| r.renumbered.get(id as usize).copied().unwrap_or(u32::MAX));
                fresh_ids = (r.fresh_from..r.entries).collect();
                renumbering = Some(r);
            }
            Err(e) => note = Some(format!("cache not written: {e}")),
        }
        stats.cache_write = t.elapsed();
        if text == LongText::Drop {
            for p in fresh.iter_mut().flat_map(|p| p.as_mut().ok()) {
                p.0.leave_out_long_text();
            }
        }
        // Settled as the decoded posts were (when they were).
        let mut fresh_met = titles.clone().map(hugo::Sections::with_titles);
        for (p, id) in fresh.into_iter().zip(fresh_ids) {
            kept.push_settled(p, id, fresh_met.as_mut().map(|m| (dir, m)));
        }
        for p in unreadable {
            kept.push_settled(p, u32::MAX, fresh_met.as_mut().map(|m| (dir, m)));
        }
        met.extend(fresh_met);
    }
    let t = Instant::now();
    let settled = titles.map(|t| (t, met));
    let arrange = Arrange {
        generation,
        saved: saved.filter(|a| !stats.cache_written && Some(a.generation) == generation),
        settled,
    };
    let (mut feed, made) = assemble_split(dir, kept, arrange);
    if let Some(made) = made {
        let _ = made.save(&arranged_path);
    }
    stats.sort = t.elapsed();
    stats.arranged = feed.stats.arranged;
    feed.stats = stats;
    feed.cache_note = note;
    feed.cache_generation = generation;
    feed.cache_renumbering = renumbering.map(std::sync::Arc::new);
    feed
}

/// For each of a cache's `entries`, its place in `order` (`u32::MAX`: none),
/// with the number of places; `None` unless `order` names entries of the
/// cache, each once.
pub(super) fn places_of(order: &[u32], entries: usize) -> Option<(Vec<u32>, usize)> {
    let mut places = vec![u32::MAX; entries];
    for (at, &id) in order.iter().enumerate() {
        let slot = places.get_mut(id as usize)?;
        if *slot != u32::MAX {
            return None;
        }
        *slot = u32::try_from(at).ok()?;
    }
    Some((places, order.len()))
}

/// Each file's size, time and inode (on every core); `None` when it cannot be stat'ed.
fn stat_all(
    dir: &Path,
    files: &[PathBuf],
    rel: &(dyn Fn(&Path) -> String + Sync),
) -> Vec<Option<cache::Meta>> {
    crate::par::map_chunks(files, 1024, |chunk| {
        let mut stater = stat::Stater::new(dir);
        chunk
            .iter()
            .map(|p| {
                let rel = rel(p);
                stater.stat(&rel).map(|m| cache::Meta { rel, ..m })
            })
            .collect()
    })
}

/// The cache's entries that still hold (by file index, with their entry
/// number in the cache) and how many did not.
type FromCache = (Vec<(usize, Parsed, cache::Meta, u32)>, usize);

/// The cache's entries that still hold, by file index (with their tldr and
/// summary when `text`): a file whose stat matches, and, when it was
/// modified within a second of the cache's writing, whose bytes still have
/// the CRC. Also how many entries did not
/// hold (changed or gone files). An error: the cache cannot be trusted.
fn from_cache(
    reader: &cache::Reader,
    files: &[PathBuf],
    metas: &[Option<cache::Meta>],
    text: bool,
) -> Result<FromCache, String> {
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

/// Whether a cache entry still describes `file`, stat'ed `now`: the same
/// size, time and inode, and, when it was modified within a second of the
/// cache's writing (`racy_from`), the same bytes.
pub(super) fn still_holds(
    cached: &cache::Meta,
    now: Option<&cache::Meta>,
    file: &Path,
    racy_from: i64,
) -> bool {
    now.is_some_and(|n| n.same_stat(cached)) && (cached.mtime_ns < racy_from || same_crc(file, cached.crc))
}

/// `work` on every block of the cache, the blocks shared out over the
/// cores; each thread adds to its own `A` (made by `init`), and those are
/// the result. Large per-thread vectors, not one per block: many middling
/// vectors left the heap fragmented (25 MB more peak RSS at 100k posts).
/// A failed block fails the whole.
pub(super) fn each_block<A: Send>(
    reader: &cache::Reader,
    init: impl Fn() -> A + Sync,
    work: impl Fn(&mut A, usize, &mut Vec<u8>) -> Result<(), String> + Sync,
) -> Result<Vec<A>, String> {
    let threads = rayon::current_num_threads().min(reader.blocks()).max(1);
    let next = AtomicUsize::new(0);
    let parts = crate::par::workers(None, threads, || {
        let (mut buf, mut acc) = (Vec::new(), init());
        loop {
            let b = next.fetch_add(1, Ordering::Relaxed);
            if b >= reader.blocks() {
                return Ok(acc);
            }
            work(&mut acc, b, &mut buf)?;
        }
    });
    parts.into_iter().map(|p| p.unwrap_or_else(|| Err("a decoder failed".into()))).collect()
}

/// Whether the cache at `cache_path` still describes the folder `dir` whole:
/// no folder changed since it was written (so no file came or went) and
/// every file's stat (and, where racy, CRC) matches its entry. Reads each
/// block's check part ([`cache::Check`]), no entry decoded, and keeps
/// nothing: the reader's check after a first screen drawn from the cache
/// costs no second copy of the feed when nothing changed (the usual case).
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
            // Each file against its entry's check record: no entry decoded.
            let mut stater = stat::Stater::new(dir);
            for c in reader.checks(b, buf)? {
                if !*holds {
                    break;
                }
                let now = stater.stat(c.rel);
                *holds &= still_holds(&c.stat(), now.as_ref(), &joined(dir, c.rel), racy_from);
            }
            Ok(())
        },
    );
    parts.is_ok_and(|p| p.into_iter().all(|h| h))
}

/// A cached parse with its paths set to `path` (the folder may have been
/// named differently when the cache was written: `feed` or `./feed`).
/// `dir.join(rel)`, made at its length at once (`Path::join` copies `dir`
/// and grows the copy for `rel`: a second allocation and copy per post).
pub(super) fn joined(dir: &Path, rel: &str) -> PathBuf {
    let mut path = PathBuf::with_capacity(dir.as_os_str().len() + 1 + rel.len());
    path.push(dir);
    path.push(rel);
    path
}

pub(super) fn reroot(parsed: Parsed, path: PathBuf) -> Parsed {
    match parsed {
        Ok((mut post, mut warnings)) => {
            for w in &mut warnings {
                w.path = path.clone();
            }
            post.path = path;
            Ok((post, warnings))
        }
        Err(mut p) => {
            p.path = path;
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
fn load_from_cache_unchecked(dir: &Path, cache_path: &Path, text: bool) -> Option<Feed> {
    let reader = cache::Reader::open(cache_path, &cache::root_key(dir)).ok()??;
    let parts = each_block(&reader, Vec::new, |out, b, buf| {
        for (k, (m, p)) in reader.block_ref(b, buf, text)?.into_iter().enumerate() {
            out.push((reroot(p, dir.join(m.rel)), reader.entry_id(b, k)));
        }
        Ok(())
    })
    .ok()?;
    let n: usize = parts.iter().map(Vec::len).sum();
    let generation = reader.generation();
    let arranged_path = cache::arranged_path_for(cache_path);
    let arrange = Arrange {
        generation: Some(generation),
        saved: cache::Arranged::load(&arranged_path, generation),
        settled: None,
    };
    let (mut feed, made) = assemble_arranged(dir, parts.into_iter().flatten(), n, arrange);
    if let Some(made) = made {
        let _ = made.save(&arranged_path);
    }
    feed.stats.unchecked = true;
    feed.cache_generation = Some(generation);
    Some(feed)
}

/// The tldr and summary of each of `entries` from the parse cache of `dir`,
/// when it is still the writing `generation` (the posts in hand came from
/// it without them): only the text parts of the blocks that hold them are
/// read. The reader's detail pane asks for the post it shows.
pub fn texts_of(
    dir: &Path,
    cache_path: &Path,
    generation: u64,
    entries: &[u32],
) -> Result<Vec<(u32, String, String)>, String> {
    let reader = cache::Reader::open(cache_path, &cache::root_key(dir))?.ok_or("the cache is gone")?;
    if reader.generation() != generation {
        return Err("the cache was written again".into());
    }
    let mut out = Vec::with_capacity(entries.len());
    // The block whose text part is in hand, and that text.
    let (mut buf, mut held, mut texts) = (Vec::new(), None, Vec::new());
    for &e in entries {
        let (b, k) = reader.locate(e).ok_or("no such entry")?;
        if held != Some(b) {
            texts = reader.block_text(b, &mut buf)?;
            held = Some(b);
        }
        let (tldr, summary) = texts.get_mut(k).ok_or("no such entry")?;
        out.push((e, std::mem::take(tldr), std::mem::take(summary)));
    }
    Ok(out)
}

/// Every entry's tldr and summary (by entry number) from the parse cache of
/// `dir`, when it is still the writing `generation` (the posts in hand came
/// from it without them: [`LoadOptions::unchecked_light`]); read a block's
/// text part at a time, on every core.
pub fn long_text_of(dir: &Path, cache_path: &Path, generation: u64) -> Option<Vec<(String, String)>> {
    let reader = cache::Reader::open(cache_path, &cache::root_key(dir)).ok()??;
    if reader.generation() != generation {
        return None;
    }
    let parts = each_block(&reader, Vec::new, |out, b, buf| {
        out.push((b, reader.block_text(b, buf)?));
        Ok(())
    })
    .ok()?;
    let mut blocks: Vec<(usize, Vec<(String, String)>)> = parts.into_iter().flatten().collect();
    blocks.sort_by_key(|(b, _)| *b);
    let mut all = Vec::with_capacity(reader.entries());
    for (b, texts) in blocks {
        if reader.entry_id(b, 0) as usize != all.len() || texts.len() != reader.block_len(b) {
            return None;
        }
        all.extend(texts);
    }
    Some(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::testing::{backdate_folders, feed_with_a_blog, write};
    use crate::post::Post;

    /// What settling gives each post: its title, section, the section's
    /// title, its kind and whether it is an event.
    fn settled(feed: &Feed) -> Vec<(String, String, String, String, bool)> {
        feed.posts
            .iter()
            .map(|p| {
                let (s, t, k) = (p.section.to_string(), p.section_title.to_string(), p.kind.to_string());
                (p.title.clone(), s, t, k, p.event.is_some())
            })
            .collect()
    }

    /// Issue 25: a load from the cache when nothing changed settles each
    /// post as it is decoded, with the saved arrangement's titles of the
    /// section pages: the same sections, titles and kinds as a load that
    /// reads every file. When those titles are not the pages' (whatever
    /// made them differ), the posts are settled again with the pages'.
    #[test]
    fn posts_settled_as_they_are_decoded_are_as_a_full_load_settles_them() {
        let (tmp, dir) = feed_with_a_blog();
        write(&dir, "events/_index.md", "---\ntitle: Meetups\n---\n");
        for (i, section) in ["blog", "events", "releases", "blog", "events"].iter().enumerate() {
            let text = format!(
                "---\ntitle: Post {i}\ndate: 2026-01-0{}\nexternal_url: https://example.org/{i}\n---\n",
                i + 1
            );
            write(&dir, &format!("{section}/p{i}.md"), &text);
        }
        write(&dir, "root.md", "---\ntitle: At the root\ndate: 2026-02-01\n---\n");
        backdate_folders(&dir);
        let cache = tmp.path().join("cache.bin");
        let load =
            || load_dir_cached_as(&dir, &Progress::default(), Some(&cache), LongText::Drop).expect("loads");
        let full = load_dir_cached_as(&dir, &Progress::default(), None, LongText::Drop).expect("loads");
        let want = settled(&full);
        assert!(
            want.iter().any(|p| p.2 == "The Blog") && want.iter().any(|p| p.3 == "event" && p.4),
            "{want:?}"
        );
        let first = load();
        assert!(!first.stats.walk_skipped, "the first load walks");
        assert_eq!(settled(&first), want);
        let second = load();
        assert!(second.stats.walk_skipped && second.stats.arranged, "{:?}", second.stats);
        assert_eq!(settled(&second), want);
        assert_eq!(second.sections, full.sections);
        // The saved arrangement's titles no longer the pages': settled again.
        let arranged_path = cache::arranged_path_for(&cache);
        let generation = second.cache_generation.expect("one writing");
        let mut arranged = cache::Arranged::load(&arranged_path, generation).expect("saved");
        for (_, title) in &mut arranged.titles {
            *title = "Stale".into();
        }
        arranged.save(&arranged_path).expect("save");
        let third = load();
        assert!(third.stats.walk_skipped, "{:?}", third.stats);
        assert_eq!(settled(&third), want);
        assert_eq!(third.sections, full.sections);
        // The saved arrangement made again (with the pages' titles), then
        // a post edited in place (parsed again, settled as it is read),
        // then a section page's title: as a full load settles them.
        fs::remove_file(&arranged_path).expect("rm");
        assert_eq!(settled(&load()), want);
        let full_now =
            || settled(&load_dir_cached_as(&dir, &Progress::default(), None, LongText::Drop).expect("loads"));
        let edits = [
            ("events/p1.md", "---\ntitle: Post 1, edited\ndate: 2026-01-02\n---\n"),
            ("blog/_index.md", "---\ntitle: The Blog, renamed\n---\n"),
        ];
        for (rel, text) in edits {
            write(&dir, rel, text);
            let after = load();
            assert!(after.stats.walk_skipped && after.stats.parsed == 1, "{rel}: {:?}", after.stats);
            assert_eq!(settled(&after), full_now(), "{rel}");
        }
        assert!(settled(&load()).iter().any(|p| p.0 == "Post 1, edited" && p.3 == "event"));
        assert!(settled(&load()).iter().any(|p| p.2 == "The Blog, renamed"));
    }

    /// The reader's check after its first screen ([`cache_holds`]): it
    /// holds for an unchanged feed (across several blocks), and not after
    /// an edit in place, an edit that keeps the file's size and time (seen
    /// by its CRC while it is racy), a file added, or a damaged check part.
    #[test]
    fn the_cache_holds_until_a_file_changes() {
        let (tmp, dir) = feed_with_a_blog();
        for i in 0..1300 {
            write(&dir, &format!("blog/{}/p{i}.md", i % 3), &format!("---\ntitle: Post {i}\n---\n"));
        }
        backdate_folders(&dir);
        let cache = tmp.path().join("cache.bin");
        let load =
            || load_dir_cached_as(&dir, &Progress::default(), Some(&cache), LongText::Drop).expect("loads");
        load();
        assert!(cache_holds(&dir, &cache), "unchanged");
        // An edit in place: another size and time.
        write(&dir, "blog/1/p700.md", "---\ntitle: Post 700, edited\n---\n");
        assert!(!cache_holds(&dir, &cache), "edited");
        load();
        assert!(cache_holds(&dir, &cache), "cached again");
        // Within a second of the cache's writing, an edit that keeps the
        // size and the time: only the CRC tells.
        // (Written again just before a load, so that its time is within a
        // second of the cache's writing however slow the machine is.)
        write(&dir, "blog/2/p5.md", "---\ntitle: Post 5\n---\n");
        load();
        let path = dir.join("blog/2/p5.md");
        let mtime = fs::metadata(&path).and_then(|m| m.modified()).expect("mtime");
        write(&dir, "blog/2/p5.md", "---\ntitle: Post X\n---\n");
        fs::File::options().write(true).open(&path).and_then(|f| f.set_modified(mtime)).expect("set mtime");
        assert!(!cache_holds(&dir, &cache), "racy edit");
        load();
        // A file added: its folder changed.
        write(&dir, "blog/0/new.md", "---\ntitle: New\n---\n");
        assert!(!cache_holds(&dir, &cache), "added");
        fs::remove_file(dir.join("blog/0/new.md")).expect("rm");
        backdate_folders(&dir);
        // Written anew (not appended to): the file's end before the footer
        // is the last block's check part.
        fs::remove_file(&cache).expect("rm");
        load();
        assert!(cache_holds(&dir, &cache), "cached again");
        // A byte of that check part changed: not trusted.
        let mut bytes = fs::read(&cache).expect("read");
        let reader = cache::Reader::open(&cache, &cache::root_key(&dir)).expect("opens").expect("there");
        let last = reader.blocks() - 1;
        let mut buf = Vec::new();
        let checks = reader.checks(last, &mut buf).expect("checks").len();
        assert_eq!(checks, reader.block_len(last));
        drop(reader);
        let footer =
            u32::from_le_bytes(bytes[bytes.len() - 16..bytes.len() - 12].try_into().expect("4 bytes"));
        let at = bytes.len() - 16 - footer as usize - 3;
        bytes[at] ^= 0x01;
        fs::write(&cache, &bytes).expect("write");
        assert!(!cache_holds(&dir, &cache), "damaged check part");
    }

    /// Issue 25: the posts put straight into their places in the saved
    /// order as they are decoded (on every core) are a full load's posts,
    /// in its order, with its groups of posts that share a link; also when
    /// a post changed since (the placed posts join the one parsed again,
    /// and are sorted), and when the saved order names an entry twice (it
    /// is not used).
    #[test]
    fn posts_placed_in_the_saved_order_as_decoded_are_a_full_loads() {
        let (tmp, dir) = feed_with_a_blog();
        for i in 0..300 {
            // Days repeat (the path decides between equal dates); every
            // 37th post shares its link with the one before.
            let link = if i % 37 == 1 { i - 1 } else { i };
            let text = format!(
                "---\ntitle: Post {i}\ndate: 2025-{:02}-{:02}\nexternal_url: https://example.org/{link}\ntags: [t{}]\n---\nBody {i}.\n",
                1 + i % 12,
                1 + i % 9,
                i % 7
            );
            let folder = ["blog", "events", "releases", "docs/deep"][i % 4];
            write(&dir, &format!("{folder}/{:03}/p{i}.md", i % 10), &text);
        }
        backdate_folders(&dir);
        let cache = tmp.path().join("cache.bin");
        let load =
            || load_dir_cached_as(&dir, &Progress::default(), Some(&cache), LongText::Drop).expect("loads");
        // Posts as a load without the cache gives them (no entry numbers).
        let posts = |feed: &Feed| -> Vec<Post> {
            feed.posts.iter().cloned().map(|p| Post { entry: None, ..p }).collect()
        };
        let full = || load_dir_cached_as(&dir, &Progress::default(), None, LongText::Drop).expect("loads");
        let want = full();
        assert!(want.link_groups.as_ref().is_some_and(|g| g.len() >= 8), "{:?}", want.link_groups);
        load();
        let second = load();
        assert!(second.stats.walk_skipped && second.stats.arranged, "{:?}", second.stats);
        assert_eq!(posts(&second), posts(&want));
        assert_eq!(second.link_groups, want.link_groups);
        assert_eq!(posts(&second.visible(false)), posts(&want.visible(false)));
        // A post changed: parsed again, sorted with the placed ones.
        write(&dir, "events/005/p5.md", "---\ntitle: Five, moved to 2030\ndate: 2030-01-01\n---\n");
        let changed = load();
        assert!(changed.stats.walk_skipped && changed.stats.parsed == 1, "{:?}", changed.stats);
        let want = full();
        assert_eq!(want.posts[0].title, "Five, moved to 2030");
        assert_eq!(posts(&changed), posts(&want));
        assert_eq!(changed.link_groups, want.link_groups);
        // The saved order names an entry twice: not used, the posts sorted.
        let arranged_path = cache::arranged_path_for(&cache);
        let generation = load().cache_generation.expect("one writing");
        let mut arranged = cache::Arranged::load(&arranged_path, generation).expect("saved");
        arranged.order[1] = arranged.order[0];
        arranged.save(&arranged_path).expect("save");
        let twice = load();
        assert!(twice.stats.walk_skipped && !twice.stats.arranged, "{:?}", twice.stats);
        assert_eq!(posts(&twice), posts(&want));
        assert!(load().stats.arranged, "the arrangement made again");
    }

    /// Places of a saved order: each entry's, none for an entry not in
    /// it; no places for an order that names an entry twice or one the
    /// cache does not have.
    #[test]
    fn places_of_an_order() {
        assert_eq!(places_of(&[2, 0, 3], 5), Some((vec![1, u32::MAX, 0, 2, u32::MAX], 3)));
        assert_eq!(places_of(&[2, 0, 2], 5), None);
        assert_eq!(places_of(&[5], 5), None);
        assert_eq!(places_of(&[], 0), Some((vec![], 0)));
    }
}
