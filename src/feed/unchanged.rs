//! The load when no folder changed since the cache was written: no walk,
//! each cached file stat'ed against its entry.

use super::assemble::{Arrange, Split, assemble_split};
use super::entries::{Checked, Rel, each_block, joined, places_of, reroot, still_holds};
use super::read::LongText;
use super::read::parse_files;
use super::{Feed, LoadStats, Progress, hugo, stat};
use crate::cache::{self, CacheError};
use crate::problem::Parsed;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// The load when no folder changed since the cache was written: every
/// cached file is stat'ed (and its entry decoded) on every core; the ones
/// that changed are parsed again, and the cache is written again from the
/// old one a block at a time ([`cache::rewrite`]: appended to, or written
/// anew; unchanged blocks kept as they are), so the posts are never needed
/// whole for it. With
/// `LongText::Drop`, only the light parts are read: no post holds its tldr
/// or summary.
pub(super) fn load_unchanged_folders(
    dir: &Path,
    path: &Path,
    reader: &cache::Reader,
    rel: Rel,
    progress: &Progress,
    text: LongText,
    checked: Option<&Checked>,
) -> Result<Feed, CacheError> {
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
    // A damaged block: the caller trusts nothing of the cache.
    let decoded = decoded?;
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
        let changed = Changed { dir, path, reader, rel, progress, text, titles: titles.as_ref() };
        (generation, renumbering) = changed.read(todo, stale, &mut kept, &mut met, &mut stats, &mut note);
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
    Ok(feed)
}

/// What reading the files that changed since the cache was written needs.
struct Changed<'a> {
    dir: &'a Path,
    path: &'a Path,
    reader: &'a cache::Reader,
    rel: Rel<'a>,
    progress: &'a Progress,
    text: LongText,
    titles: Option<&'a HashMap<String, String>>,
}

impl Changed<'_> {
    /// Reads the files `todo` again (their old entries `stale`), writes the
    /// cache again without those entries and with the new ones, and puts
    /// the posts in `kept`; the writing the posts are, and how it
    /// renumbers the old one.
    fn read(
        &self,
        todo: Vec<std::path::PathBuf>,
        stale: Vec<u32>,
        kept: &mut Split,
        met: &mut Vec<hugo::Sections>,
        stats: &mut LoadStats,
        note: &mut Option<String>,
    ) -> (Option<u64>, Option<cache::Renumbering>) {
        let Changed { dir, path, reader, rel, progress, text, titles } = *self;
        let mut generation = None;
        let mut renumbering = None;
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
            Err(e) => *note = Some(format!("cache not written: {e}")),
        }
        stats.cache_write = t.elapsed();
        if text == LongText::Drop {
            for p in fresh.iter_mut().flat_map(|p| p.as_mut().ok()) {
                p.0.leave_out_long_text();
            }
        }
        // Settled as the decoded posts were (when they were).
        let mut fresh_met = titles.cloned().map(hugo::Sections::with_titles);
        for (p, id) in fresh.into_iter().zip(fresh_ids) {
            kept.push_settled(p, id, fresh_met.as_mut().map(|m| (dir, m)));
        }
        for p in unreadable {
            kept.push_settled(p, u32::MAX, fresh_met.as_mut().map(|m| (dir, m)));
        }
        met.extend(fresh_met);
        (generation, renumbering)
    }
}
