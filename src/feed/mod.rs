//! Loading a feed: [`load`] with [`LoadOptions`], the one way in.
//!
//! Owns: finding post files (`walk`), reading and parsing them on many
//! threads (`read`, `frontmatter`, `fastyaml`), the parse cache (`cache`,
//! and `load`, which takes what still holds from it; `newest`, the reader's
//! first screen from the newest posts' blocks alone), assembling posts into
//! a feed (`assemble`: sections, newest first, duplicate links), Hugo's rules
//! (`hugo`), and reloading when the folder changes (`watch`). Problems are
//! collected with the file and line, never fatal for the rest.

mod assemble;
mod entries;
pub mod fastyaml;
pub mod frontmatter;
pub mod hugo;
pub mod lazy;
mod load;
mod newest;
mod read;
mod stat;
#[cfg(test)]
mod testing;
mod texts;
mod unchanged;
pub mod walk;
mod walked;
pub mod watch;

pub use assemble::{assemble, assemble_in, sort_newest_first, tag_counts};
pub use entries::{Checked, cache_holds};
pub use load::{LoadOptions, load};
pub use newest::NEWEST;
pub use read::{BodyError, LongText, parse_bytes, read_body};
pub use texts::{long_text_of, texts_of};
pub use walk::{check_dir, is_post_file, walk, walk_dirs};

use crate::post::Post;
use crate::problem::Parsed;
use crate::problem::{Problem, Severity};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::time::{Duration, Instant};

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
    /// When every post is as the parse cache holds it (read from it
    /// unchanged, or just written to it): that writing's generation, which
    /// names these posts for the saved search index.
    pub cache_generation: Option<u64>,
    /// When the load wrote the cache anew from the one before: how the
    /// entries were renumbered (the saved search index follows it).
    pub cache_renumbering: Option<std::sync::Arc<crate::cache::Renumbering>>,
    /// Only the newest posts, for a first screen ([`LoadOptions::FirstScreen`]):
    /// how many posts the whole feed has (the load after it brings them).
    pub partial: Option<usize>,
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
    /// The posts came from the cache unchecked ([`LoadOptions::FirstScreen`]).
    pub unchecked: bool,
    /// The posts were put in the order saved with the cache
    /// ([`crate::cache::Arranged`]), not sorted.
    pub arranged: bool,
    /// A lazy load ([`lazy::load`]): how many posts were made whole.
    pub made: Option<usize>,
    /// A lazy load: how many printed posts were read in place, not made
    /// ([`lazy::Lazy::row`]).
    pub rows: usize,
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
    /// Every finding `check` reports, sorted by file and line.
    pub fn findings(&self) -> Vec<Problem> {
        let mut all = self.problems.clone();
        all.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)).then(a.severity.cmp(&b.severity)));
        all
    }

    /// How many files were kept out by an error.
    pub fn skipped(&self) -> usize {
        self.problems.iter().filter(|p| p.severity == Severity::Error).count()
    }

    /// The feed as a reader sees it: drafts dropped unless they were asked
    /// for, posts outside their `publishDate`..`expiryDate` dropped, and posts
    /// that share a link folded into one row.
    pub fn visible(mut self, show_drafts: bool) -> Self {
        let t = Instant::now();
        let now = crate::clock::now();
        let shown = |p: &Post| show_drafts || !p.draft;
        let keep: Vec<bool> = self.posts.iter().map(|p| shown(p) && hugo::is_live(p, now)).collect();
        self.not_live = self.posts.iter().filter(|p| shown(p) && !hugo::is_live(p, now)).count();
        // The groups found when assembling (of these posts, as the link
        // keys make them): the posts dropped taken out of them, the others
        // renumbered; a group left with one post is none. The same groups
        // as keying the links of the posts kept again, without their links
        // (a lazy load's stand-ins have none).
        let n = self.posts.len();
        let groups = self.link_groups.take().filter(|g| g.iter().flatten().all(|&i| i < n)).map(|groups| {
            let mut place = Vec::with_capacity(n);
            let mut kept = 0;
            for &k in &keep {
                place.push(kept);
                kept += usize::from(k);
            }
            groups
                .into_iter()
                .map(|g| g.into_iter().filter(|&i| keep[i]).map(|i| place[i]).collect::<Vec<usize>>())
                .filter(|g| g.len() > 1)
                .collect()
        });
        let mut i = 0;
        self.posts.retain(|_| {
            i += 1;
            keep[i - 1]
        });
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

fn error(path: &Path, line: Option<usize>, message: String) -> Problem {
    Problem { path: path.to_path_buf(), line, severity: Severity::Error, message }
}
