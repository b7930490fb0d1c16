//! The reader's start: the checks before the screen changes, the loader
//! thread (the first screen from the parse cache when it can), the
//! reloader, the marks, the app built from the feed and the settings, the
//! event loop, and the view remembered on the way out.

use super::host::{Host, SystemHost};
use crate::app::{Action, App, Settings};
use crate::cache;
use crate::config::Config;
use crate::feed::watch::{Reload, Reloader};
use crate::feed::{self, Feed, LoadOptions, Progress, Source};
use crate::sources::Resolved;
use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// How the reader is started (from the command line).
#[derive(Debug, Clone, Copy, Default)]
pub struct StartOptions {
    /// Show drafts.
    pub drafts: bool,
    /// Read and write the parse cache.
    pub use_cache: bool,
}

/// Why the reader did not run, or stopped.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Load(#[from] feed::LoadError),
    /// No terminal to draw on.
    #[error("{0}")]
    Terminal(String),
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Why the reader cannot run on this terminal (`TERM=dumb`, none at all).
fn unusable_terminal() -> Option<&'static str> {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        return Some("the reader needs a terminal");
    }
    match std::env::var("TERM") {
        Ok(t) if t == "dumb" => Some("the reader cannot draw on TERM=dumb"),
        Ok(t) if t.is_empty() && cfg!(unix) => Some("the reader needs TERM to name the terminal"),
        Err(_) if cfg!(unix) => Some("the reader needs TERM to name the terminal"),
        _ => None,
    }
}

/// The interactive reader.
pub fn start(resolved: Resolved, options: StartOptions, config: &Config) -> Result<(), StartError> {
    let StartOptions { drafts, use_cache } = options;
    let fresh = resolved.new_posts();
    let feed_name = resolved.name.clone();
    let resolved_git = resolved.git.clone();
    let source = resolved.source;
    // A folder that cannot be read is an error before the screen changes.
    if let Source::Dir(dir) = &source
        && let Err(e) = feed::check_dir(dir)
    {
        return Err(StartError::Load(e));
    }
    if let Some(why) = unusable_terminal() {
        return Err(StartError::Terminal(format!("{why}; for scripts use `linkfeed list`")));
    }
    let stop = Arc::new(AtomicBool::new(false));
    // Load on another thread while the screen shows how far it has got.
    let progress = Arc::new(Progress::default());
    // With a parse cache, the first screen comes from it unchecked, and the
    // check (a stat of every file, a parse of the changed ones) runs right
    // after, in the background: the feed is updated in place if it differs.
    let loader = {
        let (source, progress) = (source.clone(), Arc::clone(&progress));
        std::thread::spawn(move || first_screen(&source, use_cache, &progress))
    };
    // The first load after a first screen drawn from the cache is its check:
    // when every file is as cached, nothing is loaded again.
    let check_first = Arc::new(AtomicBool::new(false));
    // The first screen held the newest posts only: its check loads the
    // feed whole (and so checks it).
    let first_partial = Arc::new(AtomicBool::new(false));
    // The one channel the loop waits on: input, and what background work
    // reports, as actions.
    let inbox = super::inbox::Inbox::new();
    watch_signals(Arc::clone(&stop), inbox.outbox());
    let mut reloader = {
        let (source, check_first) = (source.clone(), Arc::clone(&check_first));
        let first_partial = Arc::clone(&first_partial);
        let git = resolved_git.clone();
        let outbox = inbox.outbox();
        let report = move |r: Reload| {
            outbox.send(match r {
                Reload::Done(result) => Action::Reloaded(result),
                Reload::WatchProblem(e) => {
                    Action::Notice(format!("not watching the folder for changes ({e}); r reloads"), true)
                }
            })
        };
        let load = move || {
            let check = check_first.swap(false, std::sync::atomic::Ordering::SeqCst)
                && !first_partial.swap(false, std::sync::atomic::Ordering::SeqCst);
            let mut f = reload(&source, use_cache, drafts, check)?;
            // A synced feed's newness is read again with it: a sync done
            // elsewhere (or `r` after one) shows its `+` marks.
            if let Some((g, dir)) = &git {
                f.new_posts = Some(crate::sources::newness::new_posts(dir, g.path()));
            }
            Ok(f)
        };
        Reloader::new(load, report)
    };
    // Watched once the first screen is up (a recursive watch walks the folder).
    // A synced git feed changes only by a sync (here, or in another process):
    // its sync.json, written last, is watched (a watch of the checkout would
    // follow the old copy, which a later sync removes).
    match (&source, &resolved_git) {
        (_, Some((_, dir))) => reloader.watch_file_later(dir, "sync.json"),
        (Source::Dir(dir), None) => reloader.watch_later(dir),
        _ => {}
    }
    let mut opener = SystemHost::from_env(inbox.outbox()).with_reload(reloader);
    if config.browser.is_some() {
        opener.browser = config.browser.clone();
    }
    opener.in_terminal = config.browser_in_terminal == Some(true);
    opener.article_options = config.article_options();
    if let (Source::Dir(dir), true) = (&source, use_cache) {
        opener.index_file = cache::index_path_for(dir);
        opener.feed_cache = cache::path_for(dir).map(|cache| (dir.clone(), cache));
    }
    let sync_feed = resolved_git.as_ref().map(|(g, _)| g.name().to_string());
    opener.git = resolved_git;
    opener.state = config.auto_state().cloned();
    opener.share = config.share.clone();
    opener.pipe_command = config.pipe.clone();
    opener.pipe_json = config.pipe_json;
    opener.notify = config.notify.clone();
    opener.mutes = config.mute.clone();
    let (opener, (mut marks_loaded, mut marks_problem)) = open_marks(opener);
    let mut terminal = match super::init() {
        Ok(t) => t,
        Err(e) => {
            super::restore();
            return Err(StartError::Terminal(format!("cannot set up the terminal: {e}")));
        }
    };
    // A feed opened by name is called by its name.
    let label = feed_name.map_or_else(|| source.label(), |n| crate::text::sanitize::one_line(&n));
    // Where `remember_view` keeps the last view of this feed.
    let view_file = crate::store::paths::file(
        crate::store::paths::Base::State,
        &format!(
            "view-{:016x}.json",
            crate::cache::key_hash(&match &source {
                Source::Dir(d) => cache::root_key(d),
                _ => label.clone(),
            })
        ),
    );
    let result = super::wait_for_load(&mut terminal, &progress, &label, &stop, loader).and_then(|loaded| {
        let Some((feed, early)) = loaded else { return Ok(None) };
        let mut feed = feed.map_err(io::Error::other)?.visible(drafts);
        if feed.stats.unchecked {
            // Drawn from the cache: check it against the files now.
            // Drawn without the long text (`LoadOptions::FirstScreen`): it is read
            // from the cache when wanted.
            first_partial.store(feed.partial.is_some(), std::sync::atomic::Ordering::SeqCst);
            check_first.store(true, std::sync::atomic::Ordering::SeqCst);
            opener.check_after_first_frame.set(true);
        }
        feed.new_posts = Some(fresh.into_iter().collect());
        let depth = crate::ui::theme::Depth::from_env(
            std::env::var("TERM").ok().as_deref(),
            std::env::var("COLORTERM").ok().as_deref(),
        );
        let mutes = crate::store::mutes::with_config(&config.mute);
        let settings = Settings {
            theme: config.theme(crate::config::no_color(), depth),
            keymap: config.keymap(),
            open_advances: config.open_advances != Some(false),
            views: config.views.clone(),
            sort: config.sort,
            sync_feed,
            prefetch: config.prefetch == Some(true),
            share_marks: config.auto_state().is_some(),
            share: config.share.iter().map(|(n, _)| n.clone()).collect(),
            pipe: config.pipe.is_some(),
            mutes: mutes.0,
        };
        let mut app = App::with_settings(feed, label.clone(), settings);
        if let Some(marks) = marks_loaded.take() {
            app.update(Action::Marks(Box::new(marks)));
        }
        if let Some((text, error)) = marks_problem.take() {
            app.update(Action::Notice(text, error));
        }
        if let Some(p) = mutes.1.first() {
            app.update(Action::Notice(format!("mute rules: {p}"), true));
        }
        // The view each start opens: the last one, or the configured one.
        let remember = config.remember_view == Some(true);
        let saved = remember.then(|| load_saved_view(&view_file)).flatten();
        match (saved, &config.default_view) {
            (Some(v), _) => app.update(Action::Restore(v)),
            (None, Some(name)) => app.update(Action::OpenView(name.clone())),
            (None, None) => None,
        };
        let result = super::run(&mut terminal, &mut app, &opener, &stop, early, inbox);
        if remember && let Some(path) = &view_file {
            let _ = crate::store::paths::replace_file(path, |f| {
                serde_json::to_writer(f, &app.saved_view()).map_err(io::Error::other)
            });
        }
        result.map(Some)
    });
    super::restore();
    opener.at_quit();
    result.map(|_| ()).map_err(StartError::Io)
}

/// The marks the reader starts with, given to `opener`: the read and
/// starred keys, and what to say about them (a problem when `true`).
type MarkSetsAndProblem =
    (Option<(std::collections::HashSet<String>, std::collections::HashSet<String>)>, Option<(String, bool)>);

fn open_marks(mut opener: SystemHost) -> (SystemHost, MarkSetsAndProblem) {
    let mut marks_problem = None;
    let mut marks_loaded = None;
    match crate::store::marks::default_dir().map(|d| crate::store::marks::Store::open(&d)) {
        Some(Ok((mut store, mut marks, opened))) => {
            let _ = store.compact_if_worth_it(&mut marks);
            if let Some(p) = opened.problem {
                marks_problem = Some((p, true));
            } else if let Some(n) = opened.migrated {
                marks_problem =
                    Some((format!("moved {n} read marks from read.json (kept as a backup)"), false));
            } else if opened.bad_lines > 0 {
                marks_problem =
                    Some((format!("{} damaged lines in the marks were skipped", opened.bad_lines), true));
            }
            marks_loaded = Some((marks.read.clone(), marks.starred.clone()));
            opener = opener.with_marks(store, marks);
        }
        Some(Err(e)) => marks_problem = Some((format!("marks are kept for this run only: {e}"), true)),
        None => marks_problem = Some(("marks are kept for this run only: no HOME".to_string(), true)),
    }
    (opener, (marks_loaded, marks_problem))
}

/// The reader's first screen: from the parse cache unchecked when it can
/// (the newest posts alone, when its saved order holds), without the tldr
/// and summary (they come after, with the check); else the usual load.
pub fn first_screen(source: &Source, use_cache: bool, progress: &Progress) -> Result<Feed, feed::LoadError> {
    feed::load(source, &LoadOptions::first_screen(use_cache, feed::NEWEST, progress))
}

/// The reader's every load after its first screen (`r`, a change in the
/// folder, a sync), the posts as the reader shows them (`visible`). With
/// `check`, it is the check of a whole first screen drawn from the cache:
/// when every file is as cached, nothing is loaded
/// (`stats.checked_unchanged`) and the posts in hand stand.
pub fn reload(source: &Source, use_cache: bool, drafts: bool, check: bool) -> Result<Feed, feed::LoadError> {
    if check
        && let (Source::Dir(dir), true) = (source, use_cache)
        && let Some(path) = cache::path_for(dir)
        && feed::cache_holds(dir, &path)
    {
        // The posts in hand stand; they lack their long text, which
        // is read from the cache when a post is shown (or a query
        // reads it), so it is never all in memory for nothing.
        let mut unchanged = Feed::default();
        unchanged.stats.checked_unchanged = true;
        return Ok(unchanged);
    }
    // From the cache, the posts come without their tldr and summary
    // (read back by entry when wanted); unless they are not exactly
    // one writing's (a file that could not be cached): then with them.
    let light = use_cache && matches!(source, Source::Dir(_));
    let options = LoadOptions::new(use_cache, !light);
    let mut f = feed::load(source, &options)?;
    if light && f.cache_generation.is_none() {
        f = feed::load(source, &LoadOptions::new(use_cache, true))?;
    }
    Ok(f.visible(drafts))
}

/// The view `remember_view` saved for this feed, if it can be read.
fn load_saved_view(path: &Option<PathBuf>) -> Option<crate::app::SavedView> {
    let bytes = std::fs::read(path.as_ref()?).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// On SIGTERM, SIGHUP, SIGINT or SIGQUIT (sent by `kill`, or a closing
/// multiplexer: in raw mode the keys send none), asks the event loop to
/// stop; if it has not within half a second (crossterm can spin inside
/// `poll` once the terminal is gone), restores the terminal from here and
/// exits with 128 + the signal. On SIGTSTP (`kill -TSTP`, or Ctrl-z as a
/// key), gives the terminal back and stops; when continued (`fg`), takes
/// it again and has the next frame drawn whole (`Action::Resize` wakes the
/// loop).
fn watch_signals(stop: Arc<AtomicBool>, outbox: super::inbox::Outbox) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};
    let mut signals = match signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGTSTP]) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("linkfeed: warning: cannot watch SIGTERM/SIGHUP/SIGINT/SIGTSTP: {e}");
            return;
        }
    };
    std::thread::spawn(move || {
        for sig in signals.forever() {
            if sig == SIGTSTP {
                super::suspend();
                // Stops here (the default action) until continued.
                let _ = signal_hook::low_level::emulate_default_handler(SIGTSTP);
                super::resume();
                super::REDRAW.store(true, std::sync::atomic::Ordering::SeqCst);
                if let Ok((w, h)) = ratatui::crossterm::terminal::size() {
                    outbox.send(Action::Resize(w, h));
                }
                continue;
            }
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
            std::thread::sleep(std::time::Duration::from_millis(500));
            super::restore();
            std::process::exit(128 + sig);
        }
    });
}
