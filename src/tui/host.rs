//! Opening a URL: `$BROWSER` split into words (a `%s` word becomes the URL,
//! else the URL is appended), spawned directly with no shell and null stdio;
//! otherwise the `open` crate. The URL is always exactly one argument.

use super::inbox::Outbox;
use crate::app::{Action, HostError};
use crate::cache::CacheError;
use crate::store::marks::{Marks, Record, Store};
use std::cell::RefCell;
use std::collections::HashSet;
use std::process::{Command, Stdio};

/// How a writing of the parse cache renumbered the one before it.
type Renumbering = std::sync::Arc<crate::cache::Renumbering>;

/// Read and starred keys.
pub type MarkSets = (HashSet<String>, HashSet<String>);

/// Browsers that draw in the terminal they are started from.
pub const CONSOLE_BROWSERS: &[&str] = &["w3m", "lynx", "links", "elinks", "browsh", "carbonyl"];

/// Whether `$BROWSER` (its first word) names a console browser.
pub fn is_console_browser(browser: &str) -> bool {
    browser
        .split_whitespace()
        .next()
        .and_then(|p| std::path::Path::new(p).file_name())
        .and_then(|n| n.to_str())
        .is_some_and(|n| CONSOLE_BROWSERS.contains(&n))
}

/// The world outside the app: carries out its effects (open a URL, copy,
/// keep marks, start a reload or a sync, read a body or a saved index).
/// What finishes later comes back as an action through the loop's inbox
/// (`tui::inbox`), never by polling. The TUI takes one, so tests can pass a
/// fake.
pub trait Host {
    /// Starts the browser on `url`: done (`Opened::Now`), or started and
    /// still to be judged (`Opened::Later`: `Action::Opened` follows once it
    /// held or failed, within [`BROWSER_GRACE`]).
    fn open(&self, url: &str) -> Result<Opened, HostError>;
    fn copy(&self, text: &str) -> Result<(), HostError>;
    /// Keeps mark changes for the next run (and other readers). When other
    /// readers changed marks meanwhile, the marks as they now stand.
    fn save_marks(&self, records: &[Record]) -> Result<Option<MarkSets>, HostError>;
    /// The marks as they now stand, when another reader changed them since
    /// the last look.
    fn refresh_marks(&self) -> Option<MarkSets> {
        None
    }
    /// Whether another program drew on the screen since the last call (a
    /// console browser): the loop then draws the whole screen afresh.
    fn take_redraw(&self) -> bool {
        false
    }
    /// Starts reading the feed again in the background (`Action::Reloaded`
    /// follows).
    fn start_reload(&self) {}
    /// Stops the process for now, as the terminal's suspend key would
    /// (`SIGTSTP`: the signal watch gives the terminal back first).
    fn suspend_self(&self) {}
    /// The first frame is on the screen: work that could wait for it starts.
    fn first_frame_drawn(&self) {}
    /// Starts syncing the open git feed in the background (`Action::Synced`
    /// follows), then the marks (`Action::StateSynced`).
    fn start_sync(&self) {}
    /// Starts sharing the marks through the `[state]` repository in the
    /// background (`Action::StateSynced` follows); `asked` by the user.
    fn start_state_sync(&self, _asked: bool) {}
    /// The reader is quitting: the marks are shared once more, for at most
    /// a few seconds.
    fn at_quit(&self) {}
    /// Runs `[share]` target `target` for `post` in the background
    /// (`Action::Ran` follows).
    fn share(&self, _target: usize, _posts: &[crate::app::Shared]) {}
    /// Sends `post` to the `pipe` command in the background (`Action::Ran`
    /// follows).
    fn pipe(&self, _posts: &[crate::app::Shared]) {}
    /// Writes the terminal's notification (OSC 9, made by
    /// `sources::notify`) between two frames.
    fn notify_terminal(&self, _osc: &str) {}
    /// Keeps a mute rule made by key, or its lifting (`store::mutes`).
    fn save_mute(&self, _query: &str, _until: Option<&str>, _on: bool) -> Result<(), HostError> {
        Ok(())
    }
    /// Starts getting the article at `url` (from the cache, else fetched) in
    /// the background (`Action::Article` follows).
    fn fetch_article(&self, _url: &str) {}
    /// The keys of the kept articles (`article::cache::kept`).
    fn kept_articles(&self) -> std::collections::HashSet<u64> {
        Default::default()
    }
    /// Starts fetching these links' articles in the background, one at a
    /// time (`Action::KeptArticles` and a notice follow).
    fn prefetch(&self, _urls: Vec<String>) {}
    /// Starts reading the words of these posts' kept articles (index, link)
    /// in the background (`Action::ArticleWords` follows).
    fn load_article_words(&self, _posts: Vec<(usize, String)>) {}
    /// The search index saved for the posts with this key, if any.
    fn load_index(&self, _key: u32) -> Option<crate::search::Index> {
        None
    }
    /// Keeps the search index of the posts with this key for the next run.
    fn save_index(&self, _key: u32, _index: &crate::search::Index) {}
    /// The body of a post file, read again when the post is shown.
    fn read_body(&self, path: &std::path::Path) -> Result<String, crate::feed::BodyError> {
        crate::feed::read_body(path)
    }
    /// The tldr and summary of these posts (by entry) from the feed's parse
    /// cache, when it is still the writing `generation`.
    fn read_texts(
        &self,
        _generation: u64,
        _entries: &[u32],
    ) -> Result<Vec<(u32, String, String)>, CacheError> {
        Err(CacheError::NoCache)
    }
    /// Every entry's tldr and summary from the parse cache, in the
    /// background: `Action::LongText`.
    fn read_long_text(&self, _generation: u64) {}
    /// The word index of the text of the posts with these entries, from the
    /// parse cache (renumbered from the saved one when the load that wrote
    /// the cache says how: `search::saved::words_for`), in the background:
    /// `Action::TextWords`.
    fn build_text_words(
        &self,
        _key: u32,
        _generation: u64,
        _order: Vec<u32>,
        _renumbering: Option<Renumbering>,
    ) {
    }
}

/// The OSC 52 sequence that asks the terminal (through SSH and tmux) to put
/// `text` on the clipboard. The text travels base64-encoded, so nothing in it
/// can reach the terminal's escape parser.
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text))
}

/// The program and arguments `$BROWSER` asks for, or `None` when it is empty.
pub fn browser_command(browser: &str, url: &str) -> Option<(String, Vec<String>)> {
    let mut words = browser.split_whitespace();
    let program = words.next()?.to_string();
    let mut args: Vec<String> = Vec::new();
    let mut placed = false;
    for w in words {
        if w == "%s" {
            args.push(url.to_string());
            placed = true;
        } else {
            args.push(w.to_string());
        }
    }
    if !placed {
        args.push(url.to_string());
    }
    Some((program, args))
}

/// What [`Host::open`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    /// The browser opened the page (or the system opener took it).
    Now,
    /// The browser was started; whether it held is told by `poll_open`.
    Later,
}

/// A browser that exits non-zero within this long failed to open the page.
pub const BROWSER_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// Where to say which browser to use, after a failure.
const BROWSER_HINT: &str = "set $BROWSER or `browser` in the config";

/// `exit 1`, or the signal that ended it.
fn exit_words(status: &std::process::ExitStatus) -> String {
    match status.code() {
        Some(c) => format!("exit {c}"),
        None => status.to_string(),
    }
}

/// The real opener: `$BROWSER` (or a configured command) or the system's.
pub struct SystemHost {
    pub browser: Option<String>,
    /// Run the browser in this terminal, in the foreground (also when
    /// `browser` names a console browser).
    pub in_terminal: bool,
    /// The shared marks; `None` keeps them for this run only.
    marks: RefCell<Option<(Store, Marks)>>,
    reload: Option<crate::feed::watch::Reloader>,
    /// The open git feed and its folder, for `S`.
    pub git: Option<(crate::sources::Followed, std::path::PathBuf)>,
    /// A console browser drew on the screen.
    drew: std::cell::Cell<bool>,
    /// Check the feed drawn from the cache once the first frame is up.
    pub check_after_first_frame: std::cell::Cell<bool>,
    /// Where what finishes later is sent (the loop's inbox).
    outbox: Outbox,
    /// How reader mode fetches and keeps articles.
    pub article_options: crate::article::Options,
    /// Where the feed's search index (with the word index of the text) is
    /// kept between runs, beside the parse cache; `None`: built every run.
    pub index_file: Option<std::path::PathBuf>,
    /// The repository the marks are shared through (`[state]`, unless
    /// `state_sync = false`).
    pub state: Option<crate::sources::state::StateRepo>,
    /// `[share]` targets and `pipe`, from the config.
    pub share: Vec<(String, crate::text::template::Template)>,
    pub pipe_command: Option<crate::text::template::Template>,
    /// `pipe_format = "json"`.
    pub pipe_json: bool,
    /// How a sync (`S`) that brought posts says so.
    pub notify: Option<crate::text::template::Notify>,
    /// The config's `[mute]` rules: muted posts are not news.
    pub mutes: Vec<crate::search::mute::Rule>,
    /// The feed folder and its parse cache, where the posts' text is read
    /// from when they do not hold it.
    pub feed_cache: Option<(std::path::PathBuf, std::path::PathBuf)>,
}

impl SystemHost {
    /// The opener `$BROWSER` asks for; results of background work go to `outbox`.
    pub fn from_env(outbox: Outbox) -> Self {
        let browser = std::env::var("BROWSER").ok().filter(|b| !b.trim().is_empty());
        SystemHost {
            browser,
            in_terminal: false,
            marks: RefCell::new(None),
            reload: None,
            git: None,
            drew: std::cell::Cell::new(false),
            check_after_first_frame: std::cell::Cell::new(false),
            outbox,
            article_options: crate::article::Options::default(),
            index_file: None,
            state: None,
            share: Vec::new(),
            pipe_command: None,
            pipe_json: false,
            notify: None,
            mutes: Vec::new(),
            feed_cache: None,
        }
    }

    /// Keeps the marks in `store` from now on.
    pub fn with_marks(self, store: Store, marks: Marks) -> Self {
        *self.marks.borrow_mut() = Some((store, marks));
        self
    }

    /// Lets `r` reload with `load`, and reloads by itself when `watch`
    /// (the feed folder) changes.
    pub fn with_reload(mut self, reloader: crate::feed::watch::Reloader) -> Self {
        self.reload = Some(reloader);
        self
    }
}

impl SystemHost {
    /// Whether the browser takes over this terminal (a console browser).
    fn browser_in_terminal(&self) -> bool {
        self.browser.is_some()
            && (self.in_terminal || self.browser.as_deref().is_some_and(is_console_browser))
    }
}

impl Host for SystemHost {
    fn take_redraw(&self) -> bool {
        self.drew.replace(false)
    }

    fn load_index(&self, key: u32) -> Option<crate::search::Index> {
        crate::search::saved::load(self.index_file.as_deref()?, key)
    }

    fn read_texts(&self, generation: u64, entries: &[u32]) -> Result<Vec<(u32, String, String)>, CacheError> {
        let (dir, cache) = self.feed_cache.as_ref().ok_or(CacheError::NoCache)?;
        crate::feed::texts_of(dir, cache, generation, entries)
    }

    fn read_long_text(&self, generation: u64) {
        let outbox = self.outbox.clone();
        let Some((dir, cache)) = self.feed_cache.clone() else {
            return outbox.send(Action::LongText(generation, None));
        };
        std::thread::spawn(move || {
            outbox.send(Action::LongText(generation, crate::feed::long_text_of(&dir, &cache, generation)))
        });
    }

    fn build_text_words(&self, key: u32, generation: u64, order: Vec<u32>, renumbering: Option<Renumbering>) {
        let outbox = self.outbox.clone();
        let Some((dir, _)) = self.feed_cache.clone() else {
            return outbox.send(Action::TextWords(key, None));
        };
        let saved = self.index_file.clone();
        std::thread::spawn(move || {
            let words = crate::search::saved::words_for(
                &dir,
                generation,
                &order,
                saved.as_deref(),
                renumbering.as_deref(),
            );
            outbox.send(Action::TextWords(key, words.map(|(w, _)| Box::new(w))))
        });
    }

    /// A failure costs only the next run's time (it builds the index again).
    fn save_index(&self, key: u32, index: &crate::search::Index) {
        if let Some(path) = &self.index_file {
            let _ = crate::search::saved::save(path, key, index);
        }
    }

    fn open(&self, url: &str) -> Result<Opened, HostError> {
        let Some((program, args)) = self.browser.as_deref().and_then(|b| browser_command(b, url)) else {
            return open::that_detached(url).map(|()| Opened::Now).map_err(|e| {
                HostError::Browser(format!(
                    "{}; {BROWSER_HINT}",
                    crate::text::sanitize::one_line(&e.to_string())
                ))
            });
        };
        if self.browser_in_terminal() {
            // In the foreground, with the terminal to itself.
            super::suspend();
            let status = Command::new(&program).args(&args).status();
            super::resume();
            self.drew.set(true);
            let status = status.map_err(|e| HostError::Browser(format!("{program}: {e}")))?;
            return if status.success() {
                Ok(Opened::Now)
            } else {
                Err(HostError::Browser(format!(
                    "the browser failed: {}; {BROWSER_HINT}",
                    exit_words(&status)
                )))
            };
        }
        let mut cmd = Command::new(&program);
        cmd.args(&args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            // Its own process group: a Ctrl-C or hang-up meant for us is not its.
            cmd.process_group(0);
        }
        let mut child =
            cmd.spawn().map_err(|e| HostError::Browser(format!("{program}: {e}; {BROWSER_HINT}")))?;
        // Judged in the background: a browser that exits non-zero within the
        // grace period failed; one that runs on, or exits 0, opened the page.
        // It is reaped when it exits, without waiting here.
        let outbox = self.outbox.clone();
        let url = url.to_string();
        std::thread::spawn(move || {
            let start = std::time::Instant::now();
            let verdict = loop {
                match child.try_wait() {
                    Ok(Some(status)) if status.success() => break Ok(url),
                    Ok(Some(status)) => {
                        break Err(HostError::Browser(format!(
                            "the browser failed: {}; {BROWSER_HINT}",
                            exit_words(&status)
                        )));
                    }
                    Ok(None) if start.elapsed() < BROWSER_GRACE => {
                        std::thread::sleep(std::time::Duration::from_millis(20))
                    }
                    _ => break Ok(url),
                }
            };
            outbox.send(Action::Opened(verdict));
            let _ = child.wait();
        });
        Ok(Opened::Later)
    }

    fn suspend_self(&self) {
        #[cfg(unix)]
        let _ = signal_hook::low_level::raise(signal_hook::consts::SIGTSTP);
    }

    fn start_reload(&self) {
        if let Some(r) = &self.reload {
            r.start();
        }
    }

    fn first_frame_drawn(&self) {
        if self.check_after_first_frame.replace(false) {
            self.start_reload();
        }
        if let Some(r) = &self.reload {
            r.begin_watch();
        }
        if let Some(log) = self.marks.borrow().as_ref().map(|(store, _)| store.log()) {
            watch_marks(log, self.outbox.clone());
        }
        self.start_state_sync(false);
    }

    fn start_state_sync(&self, asked: bool) {
        let Some(repo) = self.state.clone() else { return };
        let outbox = self.outbox.clone();
        std::thread::spawn(move || {
            let result = crate::sources::state::sync_here(&repo).map_err(std::sync::Arc::new);
            outbox.send(Action::StateSynced { result, asked });
        });
    }

    fn notify_terminal(&self, osc: &str) {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(osc.as_bytes()).and_then(|()| out.flush());
    }

    fn share(&self, target: usize, posts: &[crate::app::Shared]) {
        let Some((name, template)) = self.share.get(target) else { return };
        let jobs = posts.iter().map(|p| Ok((super::commands::argv_for(template, p), None))).collect();
        super::commands::run_jobs(name.clone(), jobs, self.outbox.clone());
    }

    fn save_mute(&self, query: &str, until: Option<&str>, on: bool) -> Result<(), HostError> {
        let path = crate::store::mutes::default_path().ok_or(HostError::NoStateFolder)?;
        crate::store::mutes::append(&path, query, until, on, crate::clock::now())
            .map_err(|e| HostError::MarksLog { path, reason: e.to_string() })
    }

    fn pipe(&self, posts: &[crate::app::Shared]) {
        let Some(template) = &self.pipe_command else { return };
        let name = template.words.first().cloned().unwrap_or_default();
        let jobs = posts
            .iter()
            .map(|p| {
                super::commands::pipe_input(p, self.pipe_json)
                    .map(|bytes| (super::commands::argv_for(template, p), Some(bytes)))
            })
            .collect();
        super::commands::run_jobs(name, jobs, self.outbox.clone());
    }

    fn at_quit(&self) {
        let Some(repo) = self.state.clone() else { return };
        let (done, wait) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = done.send(crate::sources::state::sync_here(&repo));
        });
        // Bounded: a slow or unreachable remote does not hold the shell;
        // what is not sent now is sent by the next sync.
        let _ = wait.recv_timeout(QUIT_SYNC);
    }

    fn save_marks(&self, records: &[Record]) -> Result<Option<MarkSets>, HostError> {
        let mut guard = self.marks.borrow_mut();
        let Some((store, marks)) = guard.as_mut() else {
            return Err(HostError::NoStateFolder);
        };
        // What others appended first, then ours.
        // What others appended first (before and while taking the lock), then ours.
        let log = store.log();
        let log_error = |e: std::io::Error| HostError::MarksLog { path: log.clone(), reason: e.to_string() };
        let before = store.refresh(marks).map_err(log_error)?;
        let during = store.append(marks, records).map_err(log_error)?;
        Ok((before || during).then(|| (marks.read.clone(), marks.starred.clone())))
    }

    fn start_sync(&self) {
        let Some((feed, dir)) = self.git.clone() else { return };
        let (outbox, state, notify) = (self.outbox.clone(), self.state.clone(), self.notify.clone());
        let (mutes, options) = (self.mutes.clone(), self.article_options);
        std::thread::spawn(move || {
            let result = feed
                .sync(&dir, &options, &|_| {})
                .inspect(|report| {
                    super::commands::tell(notify.as_ref(), &mutes, report, &dir, feed.path(), &outbox)
                })
                .map(|report| (report.to_string(), crate::sources::newness::new_posts(&dir, feed.path())))
                .map_err(std::sync::Arc::new);
            outbox.send(Action::Synced(result));
            if let Some(repo) = state {
                let result = crate::sources::state::sync_here(&repo).map_err(std::sync::Arc::new);
                outbox.send(Action::StateSynced { result, asked: true });
            }
        });
    }

    fn kept_articles(&self) -> std::collections::HashSet<u64> {
        crate::article::cache::kept()
    }

    fn prefetch(&self, urls: Vec<String>) {
        let (outbox, options) = (self.outbox.clone(), self.article_options);
        std::thread::spawn(move || {
            let (mut fetched, mut failed) = (0, 0);
            for url in &urls {
                match crate::article::get(url, &options, false) {
                    Ok(_) => fetched += 1,
                    Err(_) => failed += 1,
                }
            }
            outbox.send(Action::KeptArticles(Box::new(crate::article::cache::kept())));
            let failed = if failed > 0 {
                format!(", {failed} failed (`linkfeed fetch` names why)")
            } else {
                String::new()
            };
            outbox
                .send(Action::Notice(format!("articles of unread posts: {fetched} fetched{failed}"), false));
        });
    }

    fn load_article_words(&self, posts: Vec<(usize, String)>) {
        let outbox = self.outbox.clone();
        std::thread::spawn(move || {
            let mut words = crate::search::ArticleWords::default();
            for (idx, url) in posts {
                if let Some(a) = crate::article::cache::load(&url) {
                    words.insert(idx, &a.markdown);
                }
            }
            outbox.send(Action::ArticleWords(Box::new(words)));
        });
    }

    fn fetch_article(&self, url: &str) {
        let (outbox, options, url) = (self.outbox.clone(), self.article_options, url.to_string());
        std::thread::spawn(move || {
            let result = crate::article::get(&url, &options, false);
            outbox.send(Action::Article(url, Box::new(result)));
        });
    }

    fn refresh_marks(&self) -> Option<MarkSets> {
        let mut guard = self.marks.borrow_mut();
        let (store, marks) = guard.as_mut()?;
        match store.refresh(marks) {
            Ok(true) => Some((marks.read.clone(), marks.starred.clone())),
            _ => None,
        }
    }

    fn copy(&self, text: &str) -> Result<(), HostError> {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        out.write_all(osc52(text).as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| HostError::Clipboard(e.to_string()))
    }
}

/// How long quitting waits for the marks' last sync.
const QUIT_SYNC: std::time::Duration = std::time::Duration::from_secs(3);

/// How often the marks' log is looked at for other readers' marks.
const MARKS_LOOK: std::time::Duration = std::time::Duration::from_millis(500);

/// Says `Action::MarksChanged` whenever the marks' log at `log` changes
/// size or time (another reader appended to it, or compacted it), looking
/// every [`MARKS_LOOK`]; ends with the loop.
fn watch_marks(log: std::path::PathBuf, outbox: Outbox) {
    let stamp = move || std::fs::metadata(&log).ok().map(|m| (m.len(), m.modified().ok()));
    std::thread::spawn(move || {
        let mut last = stamp();
        loop {
            std::thread::sleep(MARKS_LOOK);
            let now = stamp();
            if now != last {
                last = now;
                if !outbox.send_checked(Action::MarksChanged) {
                    return;
                }
            }
        }
    });
}

#[cfg(test)]
mod tests;
