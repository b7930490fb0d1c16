//! Reading the feed again: on request (`r`) or when the folder changes
//! (watched with notify, debounced), always off the UI thread.

use crate::feed::{Feed, LoadError};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long the folder must be quiet before a change triggers a reload.
pub const DEBOUNCE: Duration = Duration::from_millis(500);

type LoadFn = dyn Fn() -> Result<Feed, LoadError> + Send + Sync;

/// What the reloader reports, from its own threads.
pub enum Reload {
    /// A load finished: the feed, or why it could not be read.
    Done(Result<Box<Feed>, Arc<LoadError>>),
    /// The watch asked for could not be set up (said once).
    WatchProblem(Arc<notify::Error>),
}

type ReportFn = dyn Fn(Reload) + Send + Sync;

struct Inner {
    load: Box<LoadFn>,
    busy: AtomicBool,
    report: Box<ReportFn>,
}

impl Inner {
    /// Starts a load on its own thread unless one is running.
    fn start(self: &Arc<Self>) {
        if self.busy.swap(true, Ordering::SeqCst) {
            return;
        }
        let me = Arc::clone(self);
        std::thread::spawn(move || {
            let result = (me.load)();
            me.busy.store(false, Ordering::SeqCst);
            (me.report)(Reload::Done(result.map(Box::new).map_err(Arc::new)));
        });
    }
}

/// Reloads a feed in the background; each result goes to the `report` it
/// was made with (the reader's loop turns it into an action).
pub struct Reloader {
    inner: Arc<Inner>,
    /// A folder to watch once [`Reloader::begin_watch`] is called, and the
    /// one file in it that matters (`None`: everything below it).
    deferred: Mutex<Option<(std::path::PathBuf, Option<String>)>>,
    /// The watch, once set up: it lasts as long as the reloader.
    watcher: Arc<Mutex<Option<notify::RecommendedWatcher>>>,
}

impl Reloader {
    /// Loads with `load` when asked or when the watched folder changes;
    /// every outcome goes to `report`, on the thread that had it.
    pub fn new(
        load: impl Fn() -> Result<Feed, LoadError> + Send + Sync + 'static,
        report: impl Fn(Reload) + Send + Sync + 'static,
    ) -> Reloader {
        let inner =
            Arc::new(Inner { load: Box::new(load), busy: AtomicBool::new(false), report: Box::new(report) });
        Reloader { inner, deferred: Mutex::new(None), watcher: Arc::new(Mutex::new(None)) }
    }

    /// Also reload when anything below `dir` changes (a post file, or a
    /// folder), once the folder has been quiet for [`DEBOUNCE`]; the watch is
    /// set up on another thread once [`Reloader::begin_watch`] is called: a
    /// recursive watch of a large folder walks all of it, and the first
    /// screen should not wait for that.
    pub fn watch_later(&mut self, dir: &Path) {
        if let Ok(mut d) = self.deferred.lock() {
            *d = Some((dir.to_path_buf(), None));
        }
    }

    /// Also reload when the file `name` in `dir` is written or replaced (a
    /// synced feed's `sync.json`, written last by every sync, in this reader
    /// or another process), once it has been quiet for [`DEBOUNCE`].
    pub fn watch_file_later(&mut self, dir: &Path, name: &str) {
        if let Ok(mut d) = self.deferred.lock() {
            *d = Some((dir.to_path_buf(), Some(name.to_string())));
        }
    }

    /// Starts the watch asked for by [`Reloader::watch_later`], on a thread
    /// that hands the watcher to the reloader and ends.
    pub fn begin_watch(&self) {
        let Some((dir, file)) = self.deferred.lock().ok().and_then(|mut d| d.take()) else { return };
        let (inner, keep) = (Arc::clone(&self.inner), Arc::clone(&self.watcher));
        std::thread::spawn(move || match watch_dir(Arc::clone(&inner), &dir, file) {
            Ok(watcher) => {
                if let Ok(mut k) = keep.lock() {
                    *k = Some(watcher);
                }
            }
            Err(e) => (inner.report)(Reload::WatchProblem(Arc::new(e))),
        });
    }

    pub fn start(&self) {
        self.inner.start();
    }
}

/// Watches `dir`: a change below it (a post file, or a folder) starts a
/// reload with `inner` once the folder has been quiet for [`DEBOUNCE`]. The
/// watch lasts as long as the watcher returned.
///
/// With `file`, only that file of `dir` counts (the folder alone is watched).
fn watch_dir(
    inner: Arc<Inner>,
    dir: &Path,
    file: Option<String>,
) -> Result<notify::RecommendedWatcher, notify::Error> {
    use notify::Watcher;
    let (ping, pings) = channel::<()>();
    let root = dir.to_path_buf();
    let only_file = file.is_some();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // Reading a file (ours, or anyone's) is not a change: only
        // creations, removals, renames and new contents are.
        use notify::EventKind;
        use notify::event::ModifyKind;
        if let Ok(e) = event
            && matches!(
                e.kind,
                EventKind::Create(_)
                    | EventKind::Remove(_)
                    | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Name(_) | ModifyKind::Any)
                    | EventKind::Any
            )
            && e.paths.iter().any(|p| match &file {
                Some(name) => p.file_name().is_some_and(|n| n == name.as_str()),
                None => relevant(p.strip_prefix(&root).unwrap_or(p)),
            })
        {
            let _ = ping.send(());
        }
    })?;
    let mode = if only_file { notify::RecursiveMode::NonRecursive } else { notify::RecursiveMode::Recursive };
    watcher.watch(dir, mode)?;
    std::thread::spawn(move || {
        // Each burst of changes triggers one reload, after it has settled.
        while pings.recv().is_ok() {
            loop {
                match pings.recv_timeout(DEBOUNCE) {
                    Ok(()) => continue,
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            inner.start();
        }
    });
    Ok(watcher)
}

/// Whether a changed path (relative to the feed folder) can change the feed:
/// post files and folders, not hidden ones (`.git`) and not editors' swap files.
fn relevant(path: &Path) -> bool {
    if path
        .components()
        .any(|c| c.as_os_str().to_str().is_some_and(|s| s.starts_with('.') && s.len() > 1 && s != ".."))
    {
        return false;
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some(e) => e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relevant_paths() {
        assert!(relevant(Path::new("2024/a.md")));
        assert!(relevant(Path::new("2024/B.MARKDOWN")));
        assert!(relevant(Path::new("2024")));
        assert!(!relevant(Path::new(".git/index")));
        assert!(!relevant(Path::new("a.md.swp")));
        assert!(!relevant(Path::new("notes.txt")));
    }
}
