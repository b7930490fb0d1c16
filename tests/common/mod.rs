//! Helpers shared by the integration tests.
#![allow(dead_code)]

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
}

impl Host for FakeHost {
    fn save_marks(
        &self,
        records: &[linkfeed::store::marks::Record],
    ) -> Result<Option<linkfeed::tui::host::MarkSets>, String> {
        let mut marks = self.marks.borrow_mut();
        for r in records {
            marks.apply(r);
        }
        let mut keys: Vec<String> = marks.read.iter().cloned().collect();
        keys.sort();
        self.saved.borrow_mut().push(keys);
        Ok(None)
    }

    fn copy(&self, text: &str) -> Result<(), String> {
        self.copied.borrow_mut().push(text.to_string());
        Ok(())
    }

    fn open(&self, url: &str) -> Result<(), String> {
        if let Some(e) = &self.fail {
            return Err(e.clone());
        }
        self.opened.borrow_mut().push(url.to_string());
        Ok(())
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
    feed::load(&Source::Sample).expect("the bundled sample loads").visible(false)
}

/// The sample feed in an app sized `w` x `h`.
pub fn sample_app(w: u16, h: u16) -> App {
    app_with(sample_feed(), w, h)
}

/// The clock the tests' apps read: 2025-11-01 12:26:40 UTC, so relative
/// dates ("3d", "Oct 20", "2024") do not change as the years pass.
pub const TEST_NOW: i64 = 1_762_000_000;

pub fn app_with(feed: Feed, w: u16, h: u16) -> App {
    let mut app = App::new(feed, "sample feed".into());
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
/// <Tab> <C-d> <C-u> <C-c> <C-s> <C-Down> <C-Up>.
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
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).expect("test terminal");
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

/// The real feed snapshot beside the clone (`../shared/real-feed`), canonical.
pub fn real_feed() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/real-feed");
    assert!(
        p.is_dir(),
        "these tests read the real feed snapshot at {} (CI lays ../shared beside the clone)",
        p.display()
    );
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

/// `linkfeed list REAL_FEED --json ARGS` with a fixed clock and no state or
/// cache of the user's: the posts as JSON values.
pub fn list_real_feed(args: &[&str]) -> Vec<serde_json::Value> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_linkfeed"))
        .arg("list")
        .arg(real_feed())
        .arg("--json")
        .args(args)
        .env("XDG_STATE_HOME", "/nonexistent/linkfeed-test-state")
        .env("XDG_CACHE_HOME", "/nonexistent/linkfeed-test-cache")
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
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_linkfeed"))
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
