//! The newness record of a synced feed: `sync.json`, written last by each
//! sync, says when it ran, which commit it brought and which posts it
//! added, changed and removed (the added ones are "new": `is:new`).

use serde::{Deserialize, Serialize};
use std::fs;
use std::path::{Path, PathBuf};

/// What the last sync of a feed did.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SyncState {
    /// When it finished, seconds since the epoch.
    pub at: i64,
    pub url: String,
    pub commit: String,
    /// The commit's date (committer), RFC 3339.
    pub commit_date: String,
    /// Post files (relative to the feed's folder) this sync added, changed, removed.
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    /// The remote's history was rewritten (a force-push) and was followed.
    pub rewritten: bool,
    /// Posts in the feed after the sync.
    pub posts: usize,
    /// It was the feed's first sync (everything came with it; nothing is "new").
    #[serde(default)]
    pub first: bool,
    /// The rows the added files make in the reader (a file whose link another
    /// post has already is folded into its row).
    #[serde(default)]
    pub added_rows: usize,
    /// A web feed's document was broken: why (the items before it were kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broken: Option<String>,
}

impl SyncState {
    /// The commit's first 8 hex digits.
    pub fn short_commit(&self) -> &str {
        self.commit.get(..8).unwrap_or(&self.commit)
    }

    /// The commit's day, `YYYY-MM-DD`.
    pub fn commit_day(&self) -> &str {
        self.commit_date.get(..10).unwrap_or(&self.commit_date)
    }
}

/// The outcome of one sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub name: String,
    pub state: SyncState,
    /// The first sync of this feed.
    pub first: bool,
    /// Nothing changed since the last sync.
    pub unchanged: bool,
    /// Another sync of the feed held its lock: this one did nothing.
    pub busy: bool,
    /// Files the count of rows parsed, and took from the parse cache.
    pub parsed: (usize, usize),
}

impl std::fmt::Display for Report {
    /// `kubermates: 12 new, 3 changed, 1 removed (3096896e, 2026-02-27)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = &self.state;
        let (short, day) = (s.short_commit(), s.commit_day());
        // A web feed has no commit: nothing in parentheses.
        let at = if s.commit.is_empty() { String::new() } else { format!(" ({short}, {day})") };
        let broken = match &s.broken {
            Some(why) => format!("; its document is broken ({why}): the items before the break were kept"),
            None => String::new(),
        };
        if self.busy {
            write!(f, "{}: a sync of {} is already running; nothing done", self.name, self.name)
        } else if self.first {
            write!(f, "{}: {} posts, first sync{at}{broken}", self.name, s.posts)
        } else if self.unchanged {
            write!(f, "{}: up to date{at}", self.name)
        } else {
            let forced = if s.rewritten { "; the remote's history was rewritten: followed" } else { "" };
            // New rows, and the files when a link filed twice folded some.
            let files = if s.added_rows != s.added.len() {
                format!(" ({} files)", s.added.len())
            } else {
                String::new()
            };
            write!(
                f,
                "{}: {} new{files}, {} changed, {} removed{at}{forced}{broken}",
                self.name,
                s.added_rows,
                s.changed.len(),
                s.removed.len()
            )
        }
    }
}

/// The folder a synced feed is read from: `current/<path>` of its copy.
pub fn content_dir(feed_dir: &Path, path: &str) -> PathBuf {
    let current = feed_dir.join("current");
    let path = path.trim_matches('/');
    if path.is_empty() { current } else { current.join(path) }
}

/// Reads a feed's `sync.json` (None: never synced, or unreadable).
pub fn load_state(feed_dir: &Path) -> Option<SyncState> {
    let bytes = fs::read(feed_dir.join("sync.json")).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The posts the last sync added, as paths under the feed's content folder.
pub fn new_posts(feed_dir: &Path, path: &str) -> Vec<PathBuf> {
    let root = content_dir(feed_dir, path);
    load_state(feed_dir).map(|s| s.added.iter().map(|a| root.join(a)).collect()).unwrap_or_default()
}

/// How long a sync waits for another sync of the same feed.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Runs `sync` holding the feed's `sync.lock` (an advisory lock the system
/// lets go of when its process dies): a second sync of the feed waits up
/// to [`LOCK_WAIT`], then reports the feed busy and does nothing.
pub(super) fn locked(
    dir: &Path,
    name: &str,
    sync: impl FnOnce() -> Result<Report, super::error::SyncError>,
) -> Result<Report, super::error::SyncError> {
    let file_error = super::error::file_error;
    fs::create_dir_all(dir).map_err(file_error(dir))?;
    let lock_path = dir.join("sync.lock");
    let poll = std::time::Duration::from_millis(100);
    let Some(lock) =
        crate::store::paths::lock_waiting(&lock_path, LOCK_WAIT, poll).map_err(file_error(&lock_path))?
    else {
        let state = load_state(dir).unwrap_or_default();
        return Ok(Report {
            name: name.to_string(),
            state,
            first: false,
            unchanged: true,
            busy: true,
            parsed: (0, 0),
        });
    };
    let result = sync();
    drop(lock);
    result
}

/// After a sync wrote `root`: its posts loaded once (which fills the parse
/// cache and the saved search index the reader then starts from), counted
/// in rows as the reader shows them (a link filed twice is one row). The
/// posts, the rows the `added` files make, and (parsed, from the cache).
pub(super) fn settle(root: &Path, added: &[String]) -> (usize, usize, (usize, usize)) {
    match crate::feed::load(
        &crate::feed::Source::Dir(root.to_path_buf()),
        &crate::feed::LoadOptions::new(true, false),
    ) {
        Ok(feed) => {
            let parsed = (feed.stats.parsed, feed.stats.cached);
            let feed = feed.visible(false);
            let _ = crate::search::saved::refresh(root, &feed);
            let new: std::collections::HashSet<PathBuf> = added.iter().map(|a| root.join(a)).collect();
            let rows = feed.posts.iter().filter(|p| new.contains(&p.path)).count();
            (feed.posts.len(), rows, parsed)
        }
        Err(_) => (count_posts(root), added.len(), (0, 0)),
    }
}

pub use super::error::StateError;

/// The posts under `root` (section pages are not posts).
pub(super) fn count_posts(root: &Path) -> usize {
    crate::feed::walk(root).0.iter().filter(|p| !crate::feed::hugo::is_section_page(p)).count()
}

/// Writes `sync.json` whole (a reader watching it never sees half of it).
pub(crate) fn write_state(dir: &Path, state: &SyncState) -> Result<(), StateError> {
    let path = dir.join("sync.json");
    crate::store::paths::replace_file(&path, |f| {
        serde_json::to_writer_pretty(&mut *f, state).map_err(std::io::Error::other)
    })
    .map_err(|source| StateError { path, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_line() {
        let state = SyncState {
            commit: "3096896e0123".into(),
            commit_date: "2026-02-27T10:00:00+00:00".into(),
            added: vec!["a.md".into(); 12],
            changed: vec!["b.md".into(); 3],
            removed: vec!["c.md".into()],
            added_rows: 12,
            ..SyncState::default()
        };
        let r = Report {
            name: "kubermates".into(),
            state,
            first: false,
            unchanged: false,
            busy: false,
            parsed: (0, 0),
        };
        assert_eq!(r.to_string(), "kubermates: 12 new, 3 changed, 1 removed (3096896e, 2026-02-27)");
    }
}
