//! Helpers shared by the integration tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers: a failure is the test's"
)]
#![allow(dead_code)]

pub mod http;

use linkfeed::app::{Action, App};
use linkfeed::feed::{self, Feed, Source};
use linkfeed::tui;
use linkfeed::tui::host::Host;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use std::cell::RefCell;
use std::path::{Path, PathBuf};

/// An opener that records what it was asked to open, and can be told to fail.
#[derive(Default)]
pub struct FakeHost {
    pub opened: RefCell<Vec<String>>,
    pub copied: RefCell<Vec<String>>,
    /// The read keys after each save, sorted.
    pub saved: RefCell<Vec<Vec<String>>>,
    /// The marks as saved so far.
    pub marks: RefCell<linkfeed::store::marks::Marks>,
    pub fail: Option<String>,
    /// The article URLs reader mode asked for.
    pub fetched: RefCell<Vec<String>>,
    /// The mute rules kept (query, until, on).
    pub mutes: RefCell<Vec<(String, Option<String>, bool)>>,
}

impl Host for FakeHost {
    fn save_marks(
        &self,
        records: &[linkfeed::store::marks::Record],
    ) -> Result<Option<linkfeed::tui::host::MarkSets>, linkfeed::app::HostError> {
        let mut marks = self.marks.borrow_mut();
        for r in records {
            marks.apply(r);
        }
        let mut keys: Vec<String> = marks.read.iter().cloned().collect();
        keys.sort();
        self.saved.borrow_mut().push(keys);
        Ok(None)
    }

    fn save_mute(&self, query: &str, until: Option<&str>, on: bool) -> Result<(), linkfeed::app::HostError> {
        self.mutes.borrow_mut().push((query.to_string(), until.map(str::to_string), on));
        Ok(())
    }

    fn fetch_article(&self, url: &str) {
        self.fetched.borrow_mut().push(url.to_string());
    }

    fn copy(&self, text: &str) -> Result<(), linkfeed::app::HostError> {
        self.copied.borrow_mut().push(text.to_string());
        Ok(())
    }

    fn open(&self, url: &str) -> Result<linkfeed::tui::host::Opened, linkfeed::app::HostError> {
        if let Some(e) = &self.fail {
            return Err(linkfeed::app::HostError::Browser(e.clone()));
        }
        self.opened.borrow_mut().push(url.to_string());
        Ok(linkfeed::tui::host::Opened::Now)
    }
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The link posts of the bundled sample (its `links` section), without
/// drafts, parsed once per test binary: the 44 posts the navigation tests
/// count on. [`whole_sample`] has every section.
pub fn sample_feed() -> Feed {
    static FEED: std::sync::OnceLock<Feed> = std::sync::OnceLock::new();
    FEED.get_or_init(|| {
        let mut f = whole_sample();
        f.posts.retain(|p| &*p.section == "links");
        f.sections.retain(|(name, _)| name == "links");
        f
    })
    .clone()
}

/// The whole bundled sample (links, releases, events, blog), without drafts.
pub fn whole_sample() -> Feed {
    feed::load(&Source::Sample, &Default::default()).expect("the bundled sample loads").visible(false)
}

/// The sample feed in an app sized `w` x `h`.
pub fn sample_app(w: u16, h: u16) -> App {
    app_with(sample_feed(), w, h)
}

/// The clock the tests' apps read: 2025-11-01 12:26:40 UTC, so relative
/// dates ("3d", "Oct 20", "2024") do not change as the years pass.
pub const TEST_NOW: i64 = 1_762_000_000;

pub fn app_with(feed: Feed, w: u16, h: u16) -> App {
    app_called(feed, "sample feed", w, h)
}

/// As [`app_with`], the feed called `label` (its folder, on screen).
pub fn app_called(feed: Feed, label: &str, w: u16, h: u16) -> App {
    let mut app = App::new(feed, label.into());
    app.update(Action::Clock(TEST_NOW));
    app.update(Action::Resize(w, h));
    app
}

/// A key as crossterm reports it (shifted letters carry SHIFT).
pub fn key_event(code: KeyCode, mods: KeyModifiers) -> Event {
    let mods = match code {
        KeyCode::Char(c) if c.is_uppercase() => mods | KeyModifiers::SHIFT,
        _ => mods,
    };
    Event::Key(KeyEvent::new(code, mods))
}

/// Types `keys` through the real input path. Words in angle brackets name
/// special keys: <Enter> <Esc> <Down> <Up> <PgDn> <PgUp> <Home> <End> <BS>
/// <Tab> <C-d> <C-u> <C-c> <C-s> <C-a> <C-Down> <C-Up>.
pub fn press(app: &mut App, opener: &FakeHost, keys: &str) {
    let mut rest = keys;
    while !rest.is_empty() {
        let (ev, len) = if rest.starts_with('<') && rest.contains('>') {
            let end = rest.find('>').unwrap_or(0);
            let name = &rest[1..end];
            let (code, mods) = match name {
                "Enter" => (KeyCode::Enter, KeyModifiers::NONE),
                "Esc" => (KeyCode::Esc, KeyModifiers::NONE),
                "Down" => (KeyCode::Down, KeyModifiers::NONE),
                "Up" => (KeyCode::Up, KeyModifiers::NONE),
                "PgDn" => (KeyCode::PageDown, KeyModifiers::NONE),
                "PgUp" => (KeyCode::PageUp, KeyModifiers::NONE),
                "Home" => (KeyCode::Home, KeyModifiers::NONE),
                "End" => (KeyCode::End, KeyModifiers::NONE),
                "BS" => (KeyCode::Backspace, KeyModifiers::NONE),
                "Tab" => (KeyCode::Tab, KeyModifiers::NONE),
                "C-d" => (KeyCode::Char('d'), KeyModifiers::CONTROL),
                "C-u" => (KeyCode::Char('u'), KeyModifiers::CONTROL),
                "C-c" => (KeyCode::Char('c'), KeyModifiers::CONTROL),
                "C-s" => (KeyCode::Char('s'), KeyModifiers::CONTROL),
                "C-a" => (KeyCode::Char('a'), KeyModifiers::CONTROL),
                "C-Down" => (KeyCode::Down, KeyModifiers::CONTROL),
                "C-Up" => (KeyCode::Up, KeyModifiers::CONTROL),
                other => panic!("unknown key name <{other}>"),
            };
            (key_event(code, mods), end + 1)
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            (key_event(KeyCode::Char(c), KeyModifiers::NONE), c.len_utf8())
        };
        tui::handle_event(app, ev, opener);
        rest = &rest[len..];
    }
}

/// Draws the app on a TestBackend of its size.
pub fn draw(app: &App) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(app.size().0, app.size().1)).expect("test terminal");
    t.draw(|f| f.render_widget(app, f.area())).expect("draw");
    t
}

/// The screen as text, one line per row.
pub fn screen(app: &App) -> String {
    let t = draw(app);
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// The title of the selected post.
pub fn selected_title(app: &App) -> String {
    app.current().map(|p| p.title.clone()).unwrap_or_default()
}

/// Runs git in `repo` with a fixed author and no user configuration
/// (`.ci/run` installs git).
pub fn git_in(repo: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .current_dir(repo)
        .args(args)
        .env("GIT_AUTHOR_NAME", "curator")
        .env("GIT_AUTHOR_EMAIL", "c@example.org")
        .env("GIT_COMMITTER_NAME", "curator")
        .env("GIT_COMMITTER_EMAIL", "c@example.org")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git is installed (the CI script installs it)");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// The real feed snapshot kept in the repository (`tests/data/real-feed`,
/// see `tests/data/README.md`), canonical.
pub fn real_feed() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real-feed");
    assert!(p.is_dir(), "the real feed snapshot is missing from the repository: {}", p.display());
    p.canonicalize().unwrap_or(p)
}

/// Every `.md` file under `dir`, recursively.
pub fn md_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            md_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
}

/// `linkfeed list REAL_FEED --json ARGS` with a fixed clock, in a sandbox of
/// its own but for the parse cache: the posts as JSON values.
pub fn list_real_feed(args: &[&str]) -> Vec<serde_json::Value> {
    // One parse cache for the snapshot's many one-shot queries, in cargo's
    // scratch folder for tests (target/tmp): a fresh one per run would parse
    // the whole feed for each query.
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("real-feed-cache");
    let out = linkfeed()
        .arg("list")
        .arg(real_feed())
        .arg("--json")
        .args(args)
        .env("XDG_CACHE_HOME", cache)
        .env("LINKFEED_NOW", "2026-11-25T12:00:00Z")
        .output()
        .expect("run linkfeed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    v.as_array().cloned().unwrap_or_default()
}

/// `linkfeed list ARGS DIR` with its parse cache in `cache` and its state in
/// `state`: it must succeed; its stdout and stderr.
pub fn list_in(dir: &Path, cache: &Path, state: &Path, args: &[&str]) -> (String, String) {
    let out = linkfeed()
        .arg("list")
        .args(args)
        .arg(dir)
        .env("XDG_CACHE_HOME", cache)
        .env("XDG_STATE_HOME", state)
        .output()
        .expect("run linkfeed list");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Sets the modification time of every file and folder below `dir` (and
/// `dir`) to an hour ago: a feed that has not changed for a while (nothing
/// is "racy" for the parse cache any more).
pub fn backdate(dir: &Path) {
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            backdate(&entry.path());
        } else {
            let f = std::fs::OpenOptions::new().write(true).open(entry.path()).expect("open");
            f.set_modified(hour_ago).expect("set mtime");
        }
    }
    std::fs::File::open(dir).expect("open folder").set_modified(hour_ago).expect("set folder mtime");
}

/// A test's own home: `HOME` and the four XDG base folders inside one
/// temporary folder (removed with it), so nothing a test runs reads the
/// user's config or writes to their cache, state or data.
pub struct Sandbox {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

/// The variables of the user's that could steer the binary a test runs:
/// [`linkfeed_bare`] removes them (a test sets what it needs after it).
const USER_VARS: [&str; 4] = ["LINKFEED_DIR", "LINKFEED_NOW", "BROWSER", "LINKFEED_LOAD_THREADS"];

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root = dir.path().to_path_buf();
        Sandbox { _dir: dir, root }
    }

    /// The sandbox's `$HOME` (`~` in a config expands to it).
    pub fn home(&self) -> PathBuf {
        self.root.join("home")
    }

    /// `$XDG_CONFIG_HOME`: the config file is `config()/linkfeed/config.toml`.
    pub fn config(&self) -> PathBuf {
        self.root.join("config")
    }

    /// `$XDG_CACHE_HOME`.
    pub fn cache(&self) -> PathBuf {
        self.root.join("cache")
    }

    /// `$XDG_STATE_HOME`.
    pub fn state(&self) -> PathBuf {
        self.root.join("state")
    }

    /// `$XDG_DATA_HOME`.
    pub fn data(&self) -> PathBuf {
        self.root.join("data")
    }

    /// Writes `text` as the sandbox's `config.toml`.
    pub fn write_config(&self, text: &str) {
        let dir = self.config().join("linkfeed");
        std::fs::create_dir_all(&dir).expect("config folder");
        std::fs::write(dir.join("config.toml"), text).expect("write config.toml");
    }

    /// `HOME` and the XDG variables, pointing into the sandbox.
    pub fn vars(&self) -> Vec<(&'static str, PathBuf)> {
        vec![
            ("HOME", self.home()),
            ("XDG_CONFIG_HOME", self.config()),
            ("XDG_CACHE_HOME", self.cache()),
            ("XDG_STATE_HOME", self.state()),
            ("XDG_DATA_HOME", self.data()),
        ]
    }

    /// Points `cmd` at the sandbox and removes the user's linkfeed variables.
    /// The binary, run in this sandbox, without the user's linkfeed variables.
    pub fn linkfeed(&self) -> std::process::Command {
        let mut cmd = linkfeed_bare();
        cmd.envs(self.vars());
        cmd
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Sandbox::new()
    }
}

/// The binary without the user's linkfeed variables, and with no `HOME` or
/// XDG folders of the test's: the caller sets them (the e2e panes' own).
pub fn linkfeed_bare() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_linkfeed"));
    for v in USER_VARS {
        cmd.env_remove(v);
    }
    // Times in a fixed zone, whatever the machine's (a test sets TZ after
    // this to try another).
    cmd.env("TZ", "UTC");
    cmd
}

/// The binary in a sandbox of its own that lives as long as the command:
/// `linkfeed().args(["list", dir]).output()`. Each call has a new cache, so
/// runs never share one.
pub fn linkfeed() -> Isolated {
    let sandbox = Sandbox::new();
    let cmd = sandbox.linkfeed();
    Isolated { cmd, _sandbox: sandbox }
}

/// A command and the sandbox it runs in (see [`linkfeed`]).
pub struct Isolated {
    cmd: std::process::Command,
    _sandbox: Sandbox,
}

impl std::ops::Deref for Isolated {
    type Target = std::process::Command;
    fn deref(&self) -> &Self::Target {
        &self.cmd
    }
}

impl std::ops::DerefMut for Isolated {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.cmd
    }
}

/// `s` quoted for `sh`: a path with spaces or quotes stays one word.
pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A config that would change what the tests see if it were ever read:
/// README's example with a folder that does not exist, another order, other
/// keys, a browser that writes where it should not.
pub const HOSTILE_CONFIG: &str = "dir = \"~/feed\"\nbrowser = \"touch %s\"\nsort = \"title\"\n\
show_drafts = true\nopen_advances = false\n\n[keys]\nopen = [\"x\"]\nquit = \"Q\"\ndown = \"Up\"\nup = \"Down\"\n";

/// Every file and folder under `root` with its length and contents: what
/// "untouched" compares.
pub fn tree_listing(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap_or(&p).to_path_buf();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                out.push((rel.join(""), Vec::new()));
                walk(&p, root, out);
            } else {
                out.push((rel, std::fs::read(&p).unwrap_or_default()));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// Runs this test binary again, every test but `me`, with `HOME` and every
/// XDG variable pointing into a sentinel folder that holds
/// [`HOSTILE_CONFIG`] (as `~/.config/linkfeed/config.toml` and in
/// `$XDG_CONFIG_HOME`) and the user's linkfeed variables set to wrong
/// values. The tests must all pass (they never read the user's config), and
/// the sentinel folder and `/nonexistent` must be as they were (they never
/// write to the user's cache, state or data).
///
/// `only`: the tests to run again (all when empty), so a slow suite need not
/// run twice at once on two cores.
pub fn rerun_with_a_sentinel_home(me: &str, only: &[&str]) {
    if std::env::var_os("LINKFEED_SENTINEL_RUN").is_some() {
        return; // the inner run
    }
    let sentinel = tempfile::tempdir().expect("tempdir");
    let s = sentinel.path();
    for cfg in [s.join("home/.config/linkfeed"), s.join("xdg-config/linkfeed")] {
        std::fs::create_dir_all(&cfg).expect("mkdir");
        std::fs::write(cfg.join("config.toml"), HOSTILE_CONFIG).expect("write config");
    }
    for d in ["home/.cache", "home/.local/state", "home/.local/share", "xdg-cache", "xdg-state", "xdg-data"] {
        std::fs::create_dir_all(s.join(d)).expect("mkdir");
    }
    let before = tree_listing(s);
    let nonexistent_before = Path::new("/nonexistent").exists();
    let exe = std::env::current_exe().expect("the test binary");
    let out = std::process::Command::new(exe)
        .args(["--skip", me, "--test-threads", "2"])
        .args(only)
        .env("LINKFEED_SENTINEL_RUN", "1")
        .env("HOME", s.join("home"))
        .env("XDG_CONFIG_HOME", s.join("xdg-config"))
        .env("XDG_CACHE_HOME", s.join("xdg-cache"))
        .env("XDG_STATE_HOME", s.join("xdg-state"))
        .env("XDG_DATA_HOME", s.join("xdg-data"))
        .env("LINKFEED_DIR", s.join("no-such-feed"))
        .env("BROWSER", "touch")
        .env("LINKFEED_NOW", "1999-01-01T00:00:00Z")
        .output()
        .expect("run the test binary again");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the tests fail with a hostile config in $HOME:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("test result: ok") && !stdout.contains("ok. 0 passed"), "{stdout}");
    let after = tree_listing(s);
    let changed: Vec<&PathBuf> = after
        .iter()
        .filter(|a| !before.contains(a))
        .chain(before.iter().filter(|b| !after.contains(b)))
        .map(|(p, _)| p)
        .collect();
    assert!(changed.is_empty(), "the tests touched the user's folders: {changed:?}");
    if !nonexistent_before {
        assert!(!Path::new("/nonexistent").exists(), "the tests made /nonexistent");
    }
}

/// Changes the app's settings the way the reader does: through `update`.
pub fn configure(app: &mut App, change: impl FnOnce(&mut linkfeed::app::Settings)) {
    let mut settings = app.settings().clone();
    change(&mut settings);
    app.update(Action::Settings(Box::new(settings)));
}

/// Opens the section or view called `name` as `default_view` does; whether
/// one was found (no error said).
pub fn open_named(app: &mut App, name: &str) -> bool {
    app.update(Action::OpenView(name.to_string()));
    !app.message().as_ref().is_some_and(|m| m.error)
}
