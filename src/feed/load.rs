//! Loading a feed: [`load`] with [`LoadOptions`], the one way in. The
//! sample feed is parsed from the binary; a folder is read through the
//! parse cache: unchecked for a first screen (`newest`, or the whole cache
//! here), else walked (`walked`) or, when no folder changed, stat'ed file
//! by file (`unchanged`).

use super::assemble::{Arrange, assemble, assemble_arranged};
use super::entries::{Checked, each_block, reroot};
use super::read::LongText;
use super::read::parse_bytes;
use super::walked::load_dir_checked;
use super::{Feed, LoadError, Progress, SAMPLE_FILES, Source, hugo};
use crate::cache;
use crate::problem::Parsed;
use std::path::Path;

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
    /// that found some changed, [`Checked`]): when the cache
    /// is still that writing and no folder changed, they are not stat'ed
    /// again.
    pub checked: Option<&'a Checked>,
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

#[cfg(test)]
mod tests;
