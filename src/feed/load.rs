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

/// How to load a feed: one of the three ways there are. The default:
/// every file read and parsed, no cache, the posts whole.
#[derive(Debug, Clone, Copy)]
pub enum LoadOptions<'a> {
    /// Every file read and parsed; the parse cache neither read nor written
    /// (`--no-cache`, `use_cache = false`).
    Fresh {
        /// Whether the posts keep their tldr and summary.
        text: LongText,
        /// How far the load has got; its `cancel` stops it.
        progress: Option<&'a Progress>,
    },
    /// Through the parse cache of the folder (`$XDG_CACHE_HOME/linkfeed`):
    /// files whose size, time and inode match their entry (and, when
    /// modified within a second of the cache's writing, their CRC) are
    /// taken from it; the rest are read and parsed; it is written back when
    /// anything changed.
    Cached {
        /// Whether the posts keep their tldr and summary. Views that show
        /// neither (the rows of `list`) load without: from a cache that
        /// still holds they are dropped as each block is decoded, so they
        /// never all sit in memory; otherwise the feed is loaded whole (the
        /// cache written back needs them) and they are dropped after.
        text: LongText,
        /// How far the load has got (the loading screen); its `cancel`
        /// stops it.
        progress: Option<&'a Progress>,
        /// The files were stat'ed against the cache just before (a lazy
        /// load that found some changed, [`Checked`]): when the cache is
        /// still that writing and no folder changed, they are not stat'ed
        /// again.
        checked: Option<&'a Checked>,
    },
    /// The reader's first screen: the cache taken as it is, without looking
    /// at the files (checked right after with [`super::cache_holds`]), the
    /// posts without their tldr and summary ([`super::long_text_of`] reads
    /// them after); only the `newest` posts (and those that share a link
    /// with them) when the saved order holds (`Feed::partial`). Without a
    /// usable cache, a `Cached` load of the whole posts.
    /// `Feed::stats.unchecked` says which it was.
    FirstScreen { newest: usize, progress: Option<&'a Progress> },
}

impl Default for LoadOptions<'_> {
    fn default() -> Self {
        LoadOptions::Fresh { text: LongText::Keep, progress: None }
    }
}

impl<'a> LoadOptions<'a> {
    /// Through the cache when `use_cache` (else fresh), the posts with
    /// their tldr and summary when `long_text`.
    pub fn new(use_cache: bool, long_text: bool) -> LoadOptions<'a> {
        let text = if long_text { LongText::Keep } else { LongText::Drop };
        if use_cache {
            LoadOptions::Cached { text, progress: None, checked: None }
        } else {
            LoadOptions::Fresh { text, progress: None }
        }
    }

    /// The reader's first screen of `newest` posts through the cache when
    /// `use_cache` (else a fresh load of the whole posts).
    pub fn first_screen(use_cache: bool, newest: usize, progress: &'a Progress) -> LoadOptions<'a> {
        if use_cache {
            LoadOptions::FirstScreen { newest, progress: Some(progress) }
        } else {
            LoadOptions::Fresh { text: LongText::Keep, progress: Some(progress) }
        }
    }

    /// The same, its progress told to `p`.
    pub fn with_progress(self, p: &'a Progress) -> LoadOptions<'a> {
        match self {
            LoadOptions::Cached { text, checked, .. } => {
                LoadOptions::Cached { text, progress: Some(p), checked }
            }
            LoadOptions::FirstScreen { newest, .. } => LoadOptions::FirstScreen { newest, progress: Some(p) },
            LoadOptions::Fresh { text, .. } => LoadOptions::Fresh { text, progress: Some(p) },
        }
    }

    /// The same, with the stats `checked` of a lazy load just before.
    pub fn with_checked(self, c: Option<&'a Checked>) -> LoadOptions<'a> {
        match self {
            LoadOptions::Cached { text, progress, .. } => LoadOptions::Cached { text, progress, checked: c },
            other => other,
        }
    }
}

/// Loads every post of `source` ([`LoadOptions`] says how): the one way a
/// feed is loaded.
pub fn load(source: &Source, options: &LoadOptions) -> Result<Feed, LoadError> {
    let idle = Progress::default();
    let (text, mut feed) = match (source, *options) {
        (Source::Sample, LoadOptions::Fresh { text, .. } | LoadOptions::Cached { text, .. }) => {
            (text, load_sample())
        }
        (Source::Sample, LoadOptions::FirstScreen { .. }) => (LongText::Keep, load_sample()),
        (Source::Dir(dir), LoadOptions::Fresh { text, progress }) => {
            (text, load_dir_checked(dir, progress.unwrap_or(&idle), None, text, None)?)
        }
        (Source::Dir(dir), LoadOptions::Cached { text, progress, checked }) => {
            let path = cache::path_for(dir);
            (text, load_dir_checked(dir, progress.unwrap_or(&idle), path.as_deref(), text, checked)?)
        }
        (Source::Dir(dir), LoadOptions::FirstScreen { newest, progress }) => {
            let path = cache::path_for(dir);
            let unchecked = path.as_deref().and_then(|path| {
                super::newest::load(dir, path, newest).or_else(|| load_from_cache_unchecked(dir, path, false))
            });
            let feed = match unchecked {
                Some(f) => f,
                None => {
                    load_dir_checked(dir, progress.unwrap_or(&idle), path.as_deref(), LongText::Keep, None)?
                }
            };
            (LongText::Keep, feed)
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
