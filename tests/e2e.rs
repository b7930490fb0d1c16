//! End to end: the real binary in a real pseudo-terminal (tmux), keys typed,
//! the screen read back, and a stand-in `$BROWSER` that records its arguments.
//!
//! Needs tmux (`.ci/run` installs it).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

mod common;
use common::{backdate, git_in};

const BIN: &str = env!("CARGO_BIN_EXE_linkfeed");

/// The sample's link posts as a folder: the 44 posts most tests count on.
/// (`shows_the_sample_feed_and_quits_cleanly` reads the bundled sample whole.)
const LINKS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-content/links");

/// The reader on [`LINKS`].
fn links() -> String {
    cmdline(&[BIN, LINKS])
}

/// A shell command line of `words`, each quoted.
fn cmdline(words: &[&str]) -> String {
    words.iter().map(|w| common::sh_quote(w)).collect::<Vec<_>>().join(" ")
}

/// One tmux server per test, so tests run in parallel without meeting.
struct Tmux {
    socket: String,
    _dir: tempfile::TempDir,
    dir: PathBuf,
}

impl Tmux {
    /// Starts `sh -c script` in a `w` x `h` pane. The pane stays after the
    /// program exits, so what it left behind can be read.
    ///
    /// The pane's `HOME` and XDG folders are the test's own (under its temp
    /// folder: [`Tmux::sandbox`]), unless `env` names them; nothing else of
    /// the user's environment but `PATH` and the locale reaches it (the tmux
    /// server is started with a cleared environment).
    fn start(script: &str, w: u16, h: u16, env: &[(&str, &str)]) -> Tmux {
        static N: AtomicUsize = AtomicUsize::new(0);
        let socket = format!("linkfeed-e2e-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().to_path_buf();
        let t = Tmux { socket, _dir: dir, dir: path.clone() };
        let mut args: Vec<String> = vec!["-f".into(), "/dev/null".into(), "new-session".into(), "-d".into()];
        args.extend(["-x".into(), w.to_string(), "-y".into(), h.to_string()]);
        args.extend(["-e".into(), "TERM=xterm-256color".into()]);
        // Times in a fixed zone unless the test names one.
        if !env.iter().any(|(k, _)| *k == "TZ") {
            args.extend(["-e".into(), "TZ=UTC".into()]);
        }
        for (k, v) in t.sandbox_vars() {
            if !env.iter().any(|(name, _)| *name == k) {
                args.extend(["-e".into(), format!("{k}={}", v.display())]);
            }
        }
        for (k, v) in env {
            args.extend(["-e".into(), format!("{k}={v}")]);
        }
        // The script goes in a file: its paths may hold spaces and quotes.
        let run = path.join("run.sh");
        std::fs::write(&run, format!("{script}\necho \"EXITED rc=$?\"\nstty -a\nsleep 30\n"))
            .expect("write the pane's script");
        args.push(format!("sh {}", common::sh_quote(&run.to_string_lossy())));
        let out = t.tmux(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(out.status.success(), "tmux failed to start: {}", String::from_utf8_lossy(&out.stderr));
        t
    }

    /// `HOME` and the XDG folders of this test, under its temp folder.
    fn sandbox_vars(&self) -> [(&'static str, PathBuf); 5] {
        [
            ("HOME", self.dir.join("home")),
            ("XDG_CONFIG_HOME", self.dir.join("config")),
            ("XDG_CACHE_HOME", self.dir.join("cache")),
            ("XDG_STATE_HOME", self.dir.join("state")),
            ("XDG_DATA_HOME", self.dir.join("data")),
        ]
    }

    /// The binary with this test's `HOME` and XDG folders (as its panes have
    /// them by default): what a script beside the reader would run.
    fn linkfeed(&self) -> Command {
        let mut cmd = common::linkfeed_bare();
        cmd.envs(self.sandbox_vars());
        cmd
    }

    /// [`Tmux::sandbox_vars`] as text, for another pane that shares them.
    fn sandbox_env(&self) -> Vec<(String, String)> {
        self.sandbox_vars().iter().map(|(k, v)| (k.to_string(), v.to_string_lossy().into_owned())).collect()
    }

    fn tmux(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new("tmux");
        cmd.env_clear();
        for keep in ["PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR"] {
            if let Some(v) = std::env::var_os(keep) {
                cmd.env(keep, v);
            }
        }
        cmd.env("HOME", self.dir.join("home"));
        cmd.arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux is installed (the CI script installs it)")
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "0"];
        args.extend(keys);
        self.tmux(&args);
    }

    /// Literal text, one character at a time as a person types.
    fn type_text(&self, text: &str) {
        // `--`: a text that starts with `-` is text, not an option.
        self.tmux(&["send-keys", "-t", "0", "-l", "--", text]);
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", "0"]).stdout).into_owned()
    }

    /// Waits until the screen satisfies `pred` (polling; a generous bound
    /// only so a broken build fails instead of hanging).
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if pred(&s) {
                if std::env::var_os("E2E_TRACE").is_some() {
                    eprintln!("{what}: {} ms", start.elapsed().as_millis());
                }
                return s;
            }
            if start.elapsed() > Duration::from_secs(60) {
                panic!("timed out waiting for {what}; the screen was:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_text(&self, text: &str) -> String {
        self.wait_for(text, |s| s.contains(text))
    }

    /// A stand-in browser that writes each argument it gets on its own line.
    fn fake_browser(&self) -> (PathBuf, PathBuf) {
        let log = self.dir.join("browser.log");
        let script = self.dir.join("browser.sh");
        std::fs::write(
            &script,
            format!("#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\" >> '{}'; done\n", log.display()),
        )
        .expect("write the browser script");
        Command::new("chmod").arg("+x").arg(&script).status().expect("chmod");
        (script, log)
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

fn read_log(log: &Path) -> String {
    let start = Instant::now();
    loop {
        if let Ok(s) = std::fs::read_to_string(log)
            && !s.is_empty()
        {
            return s;
        }
        if start.elapsed() > Duration::from_secs(60) {
            return String::new();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn shows_the_sample_feed_and_quits_cleanly() {
    let t = Tmux::start(&format!("echo BEFORE; {}", cmdline(&[BIN])), 100, 30, &[]);
    let s = t.wait_text("54 posts");
    assert!(s.contains("sample feed"), "{s}");
    assert!(s.contains("Testing terminal programs the way"), "{s}");
    assert!(s.contains("? help"), "{s}");
    assert!(!s.contains("BEFORE"), "the reader draws on the alternate screen");
    t.keys(&["q"]);
    let s = t.wait_for("the exit and stty's report", |s| s.contains("EXITED") && s.contains("icanon"));
    assert!(s.contains("BEFORE"), "the normal screen is back: {s}");
    assert!(s.contains("EXITED rc=0"), "{s}");
    assert!(s.contains(" icanon") && s.contains(" echo"), "the terminal left raw mode: {s}");
}

#[test]
fn keys_move_filter_and_open_in_the_browser() {
    let probe = Tmux::start("true", 10, 5, &[]);
    let (browser, log) = probe.fake_browser();
    let cmd = format!("{} --new-tab %s", browser.display());
    let t = Tmux::start(&links(), 110, 30, &[("BROWSER", &cmd)]);
    t.wait_text("44 posts");
    // j moves down: the detail pane follows.
    t.keys(&["j"]);
    t.wait_text("2025-09-09 · Grafana Labs Blog");
    // Filter as you type.
    t.keys(&["/"]);
    t.type_text("postgres");
    let s = t.wait_text("of 44");
    assert!(s.contains("/postgres"), "the filter is shown while typing: {s}");
    assert!(s.contains("PostgreSQL 17 released"), "{s}");
    assert!(!s.contains("Ratatui 0.30"), "non-matches are gone: {s}");
    t.keys(&["Enter"]);
    t.wait_text("filter: postgres");
    // Open the first match.
    t.keys(&["o"]);
    t.wait_text("opened https://");
    let got = read_log(&log);
    assert!(
        got == "--new-tab\nhttps://www.postgresql.org/about/news/postgresql-17-released-2936/\n"
            || got == "--new-tab\nhttps://supabase.com/blog/pgvector-0-7-0\n",
        "the browser got the URL as one argument after its own: {got:?}"
    );
    // Esc clears the filter; help opens and closes; q quits.
    t.keys(&["Escape"]);
    t.wait_text("44 posts");
    t.keys(&["?"]);
    t.wait_text("Esc or ? closes");
    t.keys(&["Escape"]);
    t.wait_for("help to close", |s| !s.contains("Esc or ? closes"));
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
    drop(probe);
}

#[test]
fn a_browser_that_cannot_start_is_reported() {
    let t = Tmux::start(&links(), 100, 30, &[("BROWSER", "/nonexistent/browser")]);
    t.wait_text("44 posts");
    t.keys(&["Enter"]);
    t.wait_text("could not open the page: /nonexistent/browser");
    t.keys(&["C-c"]);
    t.wait_text("EXITED rc=0");
}

#[test]
fn sigterm_restores_the_terminal() {
    let t = Tmux::start(&format!("echo BEFORE; {}", links()), 80, 24, &[]);
    t.wait_text("44 posts");
    let pane_pid = String::from_utf8_lossy(&t.tmux(&["display", "-p", "-t", "0", "#{pane_pid}"]).stdout)
        .trim()
        .to_string();
    let out =
        Command::new("pkill").args(["-TERM", "-P", &pane_pid, "-x", "linkfeed"]).output().expect("pkill");
    assert!(out.status.success(), "pkill found the reader");
    let s = t.wait_for("the exit and stty's report", |s| s.contains("EXITED") && s.contains("icanon"));
    assert!(s.contains("BEFORE"), "the normal screen is back: {s}");
    assert!(s.contains(" icanon") && s.contains(" echo"), "the terminal left raw mode: {s}");
}

#[test]
fn resizing_redraws() {
    let t = Tmux::start(&links(), 100, 30, &[]);
    t.wait_text("44 posts");
    t.tmux(&["resize-window", "-t", "0", "-x", "30", "-y", "8"]);
    t.wait_for("a small frame", |s| s.lines().count() <= 8 && s.contains("? help"));
    t.tmux(&["resize-window", "-t", "0", "-x", "120", "-y", "40"]);
    t.wait_text("Ratatui 0.30: a modular workspace");
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
}

#[test]
fn a_missing_folder_is_a_clear_error() {
    let out = common::linkfeed().arg("/no/such/feed").output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the feed folder /no/such/feed does not exist"), "{err}");
}

fn messy_dir() -> String {
    format!("{}/tests/fixtures/messy", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn refused_urls_never_reach_the_browser() {
    let probe = Tmux::start("true", 10, 5, &[]);
    let (browser, log) = probe.fake_browser();
    let t = Tmux::start(&cmdline(&[BIN, &messy_dir()]), 120, 30, &[("BROWSER", &browser.to_string_lossy())]);
    t.wait_text("11 files skipped");
    for (query, refusal) in [
        ("javascript", "only http and https"),
        ("file url", "only http and https"),
        ("looks like an option", "not a valid web address"),
        ("\"no url\"", "this post has no URL"),
    ] {
        t.keys(&["/"]);
        t.type_text(query);
        t.keys(&["Enter"]);
        t.wait_text(&format!("filter: {query}"));
        t.keys(&["o"]);
        t.wait_text(refusal);
        t.keys(&["Escape"]);
        // The refusal pushes the filter off the status bar, so its absence
        // proves nothing: wait for the unfiltered count, which only the
        // cleared filter shows (and which keeps the next `/` from reaching
        // the terminal in the same read as the Escape, as Alt+/).
        t.wait_text("22 posts, 22 unread");
    }
    // A good post still opens, so the stand-in works and was not called before.
    t.keys(&["/"]);
    t.type_text("\"a good post\"");
    t.keys(&["Enter"]);
    t.wait_text("filter: \"a good post\"");
    t.keys(&["o"]);
    t.wait_text("opened https://example.com/good");
    let t0 = Instant::now();
    assert_eq!(read_log(&log), "https://example.com/good\n", "only the good URL was ever opened");
    if std::env::var_os("E2E_TRACE").is_some() {
        eprintln!("read_log: {} ms", t0.elapsed().as_millis());
    }
    let t0 = Instant::now();
    drop(t);
    drop(probe);
    if std::env::var_os("E2E_TRACE").is_some() {
        eprintln!("drop: {} ms", t0.elapsed().as_millis());
    }
}

#[test]
fn hostile_text_is_shown_escaped_and_problems_are_listed() {
    let t = Tmux::start(&cmdline(&[BIN, &messy_dir()]), 120, 30, &[]);
    t.wait_text("11 files skipped");
    t.keys(&["/"]);
    t.type_text("evil");
    // Wait for what only the typed filter shows, so no key races ahead.
    let s = t.wait_for("the filter", |s| s.contains("/evil") && s.contains("1 of 22"));
    assert!(s.contains("Evil ␛[31mred") && s.contains("␛]0;owned␇"), "{s}");
    // Esc and the next key sent together would read as Alt+key, as in any
    // terminal: wait until the Esc has been read.
    t.keys(&["Escape"]);
    t.wait_for("the filter to close", |s| !s.contains("/evil") && s.contains("22 posts"));
    t.keys(&["p"]);
    // Waited for whole: tmux may show the box before its lines.
    let s =
        t.wait_for("the problem list", |s| s.contains("11 errors, 7 warnings") && s.contains("binary.md"));
    assert!(s.contains("binary.md:1: error: this is a binary file"), "{s}");
    t.keys(&["Escape"]);
    t.wait_for("the problem list to close", |s| !s.contains("11 errors, 7 warnings"));
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
}

#[test]
fn typing_a_tag_query_narrows_to_that_tag() {
    let t = Tmux::start(&links(), 120, 30, &[]);
    t.wait_text("44 posts");
    t.keys(&["/"]);
    t.type_text("#kube");
    let s = t.wait_text("7 of 44");
    assert!(s.contains("Kubeflow Pipelines 2.x"), "{s}");
    assert!(s.contains("Kubernetes v1.32: Penelope"), "{s}");
    assert!(!s.contains("Ratatui"), "{s}");
    t.keys(&["C-c"]);
    t.wait_text("EXITED rc=0");
}

#[test]
fn the_tag_picker_filters_by_the_chosen_tag() {
    let t = Tmux::start(&links(), 120, 30, &[]);
    t.wait_text("44 posts");
    t.keys(&["t"]);
    let s = t.wait_text("tags: Enter filters");
    assert!(s.contains("7  #kubernetes"), "most used first: {s}");
    t.type_text("ebpf");
    t.wait_text("tag: ebpf");
    t.keys(&["Enter"]);
    let s = t.wait_text("filter: #\"ebpf\"");
    assert!(s.contains("3 of 44"), "{s}");
    assert!(s.contains("sched_ext"), "{s}");
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
}

/// Whether `pid` is still running (a zombie has finished).
fn running(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| s.split_whitespace().nth(2).is_none_or(|state| state != "Z"))
        .unwrap_or(false)
}

#[test]
fn a_closed_terminal_ends_the_reader() {
    // When the terminal goes away (here: its tmux server is killed) the
    // reader gets SIGHUP and must exit rather than spin on a dead tty.
    let t = Tmux::start(&links(), 80, 24, &[]);
    t.wait_text("44 posts");
    let pane_pid = String::from_utf8_lossy(&t.tmux(&["display", "-p", "-t", "0", "#{pane_pid}"]).stdout)
        .trim()
        .to_string();
    let out = Command::new("pgrep").args(["-P", &pane_pid, "-x", "linkfeed"]).output().expect("pgrep");
    let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(!pid.is_empty(), "found the reader's pid");
    t.tmux(&["kill-server"]);
    let start = Instant::now();
    while running(&pid) && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!running(&pid), "the reader is still running after its terminal closed");
}

#[test]
fn y_copies_the_url_through_osc52() {
    let t = Tmux::start(&links(), 120, 30, &[]);
    t.tmux(&["set-option", "-s", "set-clipboard", "on"]);
    t.wait_text("44 posts");
    t.keys(&["y"]);
    t.wait_text("copied https://ratatui.rs/highlights/v030/ to the clipboard");
    let start = Instant::now();
    let mut buffer = String::new();
    while start.elapsed() < Duration::from_secs(10) {
        buffer = String::from_utf8_lossy(&t.tmux(&["show-buffer"]).stdout).into_owned();
        if !buffer.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(buffer, "https://ratatui.rs/highlights/v030/", "tmux received the URL through OSC 52");
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
}

#[test]
fn a_click_selects_a_row_and_mouse_reporting_ends_with_the_reader() {
    let t = Tmux::start(&links(), 120, 30, &[]);
    t.wait_text("44 posts");
    let flag = || {
        String::from_utf8_lossy(&t.tmux(&["display", "-p", "-t", "0", "#{mouse_any_flag}"]).stdout)
            .trim()
            .to_string()
    };
    assert_eq!(flag(), "1", "the reader asks for mouse reports");
    // An SGR mouse press at column 10, row 4 (1-based): the third post.
    t.type_text("\x1b[<0;10;4M\x1b[<0;10;4m");
    t.wait_text("2025-08-05 · Mozilla Hacks");
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
    assert_eq!(flag(), "0", "mouse reporting is off again after quitting");
}

#[test]
fn read_state_survives_a_restart() {
    let probe = Tmux::start("true", 10, 5, &[]);
    let (browser, _log) = probe.fake_browser();
    let state = probe.dir.join("state");
    let state_s = state.to_string_lossy().into_owned();
    let env = [("XDG_STATE_HOME", state_s.as_str()), ("BROWSER", browser.to_str().unwrap_or(""))];
    let t = Tmux::start(&links(), 120, 30, &env);
    t.wait_text("44 posts, 44 unread");
    // Open the first post (read by opening), mark the third by hand.
    t.keys(&["o"]);
    t.wait_text("43 unread");
    t.keys(&["j", "j", "m"]);
    t.wait_text("42 unread");
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
    drop(t);
    let t = Tmux::start(&links(), 120, 30, &env);
    t.wait_text("44 posts, 42 unread");
    t.keys(&["u"]);
    let s = t.wait_text("42 of 44, 42 unread (unread only)");
    assert!(!s.contains("Ratatui 0.30"), "the opened post is read: {s}");
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
    // The scripts see the same state.
    let out = common::linkfeed()
        .args(["list", LINKS, "--unread"])
        .env("XDG_STATE_HOME", &state)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 42);
    assert!(!text.contains("Ratatui 0.30"));
    let out = common::linkfeed()
        .args(["list", LINKS, "--json", "-q", "ratatui"])
        .env("XDG_STATE_HOME", &state)
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"read\": true"));
    drop(probe);
}

#[test]
fn a_damaged_read_state_is_kept_aside_and_the_reader_starts() {
    let probe = Tmux::start("true", 10, 5, &[]);
    let state = probe.dir.join("state");
    std::fs::create_dir_all(state.join("linkfeed")).expect("mkdir");
    std::fs::write(state.join("linkfeed/read.json"), b"{\"version\": 1, \"read\": [tru").expect("write");
    let t = Tmux::start(&links(), 160, 30, &[("XDG_STATE_HOME", &state.to_string_lossy())]);
    let s = t.wait_text("44 posts, 44 unread");
    assert!(s.contains("is damaged"), "the status bar says so: {s}");
    assert_eq!(
        std::fs::read(state.join("linkfeed/read.json.damaged-1")).expect("kept aside"),
        b"{\"version\": 1, \"read\": [tru"
    );
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
    drop(probe);
}

/// A git repository under the probe's folder holding `posts` (file, title,
/// day), and the probe's config naming it as the feed `news`.
fn git_feed(probe: &Tmux, posts: &[(&str, &str, &str)]) -> PathBuf {
    let repo = probe.dir.join("remote");
    std::fs::create_dir_all(&repo).expect("mkdir");
    git_in(&repo, &["init", "-q", "-b", "main"]);
    for (file, title, day) in posts {
        post_file(&repo, file, title, day);
    }
    git_in(&repo, &["add", "-A"]);
    git_in(&repo, &["commit", "-q", "-m", "first posts"]);
    let cfg = probe.dir.join("config/linkfeed");
    std::fs::create_dir_all(&cfg).expect("mkdir");
    std::fs::write(cfg.join("config.toml"), format!("[feeds.news]\ngit = \"file://{}\"\n", repo.display()))
        .expect("write config");
    repo
}

fn post_file(dir: &Path, name: &str, title: &str, day: &str) {
    std::fs::write(
        dir.join(name),
        format!("---\ntitle: {title}\ndate: {day}\nexternal_url: https://example.com/{name}\n---\n"),
    )
    .expect("write a post");
}

#[test]
fn the_folder_is_watched_and_r_reloads() {
    let probe = Tmux::start("true", 10, 5, &[]);
    let feed = probe.dir.join("feed");
    std::fs::create_dir_all(&feed).expect("mkdir");
    post_file(&feed, "a.md", "First post", "2024-01-01");
    post_file(&feed, "b.md", "Second post", "2024-02-01");
    let t = Tmux::start(&cmdline(&[BIN, &feed.to_string_lossy()]), 120, 30, &[]);
    t.wait_text("2 posts");
    // A new file shows up by itself.
    post_file(&feed, "c.md", "Third post", "2024-03-01");
    let s = t.wait_text("3 posts");
    assert!(s.contains("Third post"), "{s}");
    // A removed one goes away.
    std::fs::remove_file(feed.join("a.md")).expect("rm");
    t.wait_for("the removed post to go", |s| s.contains("2 posts") && !s.contains("First post"));
    // r reloads by hand and says so.
    t.keys(&["r"]);
    t.wait_text("reloaded: 2 posts");
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
    drop(probe);
}

#[test]
fn the_configs_browser_and_keys_are_used() {
    let probe = Tmux::start("true", 10, 5, &[]);
    let (browser, log) = probe.fake_browser();
    let cfg = probe.dir.join("config");
    std::fs::create_dir_all(cfg.join("linkfeed")).expect("mkdir");
    std::fs::write(
        cfg.join("linkfeed/config.toml"),
        format!("browser = \"{} --from-config %s\"\n[keys]\nopen = \"l\"\n", browser.display()),
    )
    .expect("write config");
    let cfg_s = cfg.to_string_lossy().into_owned();
    let t =
        Tmux::start(&links(), 120, 40, &[("XDG_CONFIG_HOME", &cfg_s), ("BROWSER", "/nonexistent/browser")]);
    t.wait_text("44 posts");
    t.keys(&["?"]);
    // The help shows the remapped key (waited for: tmux may be mid-frame).
    t.wait_for("the remapped key in the help", |s| {
        s.contains("help: Esc or ? closes")
            && s.lines().any(|l| l.contains("  l  ") && l.contains("open the original"))
    });
    t.keys(&["Escape"]);
    t.wait_for("help to close", |s| !s.contains("Esc or ? closes"));
    t.keys(&["l"]);
    t.wait_text("opened https://ratatui.rs/highlights/v030/");
    assert_eq!(
        read_log(&log),
        "--from-config\nhttps://ratatui.rs/highlights/v030/\n",
        "the config's browser wins over $BROWSER"
    );
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
    drop(probe);
}

/// The SGR parameter lists (`\x1b[...m`) in a screen captured with escapes.
fn sgr_params(screen: &str) -> Vec<String> {
    screen
        .split("\x1b[")
        .skip(1)
        .filter_map(|rest| rest.split_once('m').map(|(p, _)| p.to_string()))
        .collect()
}

fn has_colour(params: &str) -> bool {
    params
        .split(';')
        .any(|p| matches!(p.parse::<u32>().unwrap_or(0), 30..=38 | 40..=48 | 90..=97 | 100..=107))
}

#[test]
fn no_color_means_no_colour_but_a_visible_selection() {
    let t = Tmux::start(&links(), 120, 30, &[("NO_COLOR", "1")]);
    t.wait_text("44 posts");
    let out = t.tmux(&["capture-pane", "-p", "-e", "-t", "0"]);
    let screen = String::from_utf8_lossy(&out.stdout).into_owned();
    let params = sgr_params(&screen);
    assert!(params.iter().all(|p| !has_colour(p)), "no colour codes: {params:?}");
    assert!(params.iter().any(|p| p.split(';').any(|x| x == "7")), "the selection is reversed: {params:?}");
    drop(t);
    // Without NO_COLOR there is colour (so the check above can fail).
    let t = Tmux::start(&links(), 120, 30, &[]);
    t.wait_text("44 posts");
    let screen =
        String::from_utf8_lossy(&t.tmux(&["capture-pane", "-p", "-e", "-t", "0"]).stdout).into_owned();
    assert!(sgr_params(&screen).iter().any(|p| has_colour(p)));
}

#[test]
fn a_panic_leaves_the_terminal_as_it_was() {
    // The test binary is a debug build, where LINKFEED_TEST_PANIC panics
    // right after the first frame.
    let t = Tmux::start(
        &format!("echo BEFORE; {}", cmdline(&[BIN])),
        100,
        30,
        &[("LINKFEED_TEST_PANIC", "1"), ("RUST_BACKTRACE", "0")],
    );
    let s = t.wait_for("the exit and stty's report", |s| s.contains("EXITED") && s.contains("icanon"));
    assert!(s.contains("BEFORE"), "the normal screen is back: {s}");
    assert!(s.contains("EXITED rc=101"), "{s}");
    assert!(
        s.contains("LINKFEED_TEST_PANIC is set"),
        "the panic message is readable on the normal screen: {s}"
    );
    assert!(s.contains(" icanon") && s.contains(" echo"), "the terminal left raw mode: {s}");
    let flag = String::from_utf8_lossy(&t.tmux(&["display", "-p", "-t", "0", "#{mouse_any_flag}"]).stdout)
        .trim()
        .to_string();
    assert_eq!(flag, "0", "mouse reporting is off after the panic");
}

/// The real feed snapshot, read in the reader: sections, an event's place,
/// a blog post's rendered body, and the browser given its devto_url.
#[test]
fn the_real_feed_reads_as_its_site_shows_it() {
    let feed = common::real_feed();
    let probe = Tmux::start("true", 10, 5, &[]);
    let (browser, log) = probe.fake_browser();
    let t = Tmux::start(
        &cmdline(&[BIN, &feed.to_string_lossy()]),
        120,
        40,
        &[("BROWSER", &browser.to_string_lossy()), ("LINKFEED_NOW", "2026-11-25T12:00:00Z")],
    );
    t.wait_text("posts,");
    // The section picker lists the sections with their counts; pick Events by its number.
    t.keys(&["Tab"]);
    // The picker's row reads `│  3     96  Events`: a number, a count, the
    // title. Waited for itself: a capture can come while the picker is
    // still being drawn.
    let events_row = |s: &str| {
        s.lines().find_map(|l| {
            let cell = l[..l.find("Events")?].rsplit('│').next()?;
            let words: Vec<&str> = cell.split_whitespace().filter(|w| *w != "▶").collect();
            let numbers = words.len() == 2 && words.iter().all(|w| w.chars().all(|c| c.is_ascii_digit()));
            numbers.then(|| words[0].to_string())
        })
    };
    let s = t.wait_for("the Events row in the section picker", |s| {
        s.contains("all sections") && events_row(s).is_some()
    });
    let digit = events_row(&s).unwrap_or_else(|| panic!("an Events row in the picker: {s}"));
    assert!(!s.contains("_index"), "{s}");
    t.keys(&[&digit]);
    let s = t.wait_text("Events · ");
    assert!(s.contains("Where: "), "an event's place is shown: {s}");
    assert!(s.contains("When: "), "{s}");
    // A blog post: its Markdown is rendered, and Enter opens its devto_url.
    t.keys(&["0", "/"]);
    t.type_text("kind:blog composite");
    t.keys(&["Enter"]);
    let s = t.wait_text("filter: kind:blog composite");
    let detail: String = s.lines().filter_map(|l| l.rsplit_once("││").map(|(_, d)| d.to_string())).collect();
    assert!(detail.contains("Composite Actions"), "{s}");
    assert!(!detail.contains("##") && !detail.contains("**"), "no Markdown left: {s}");
    t.keys(&["Enter"]);
    assert!(read_log(&log).starts_with("https://dev.to/"), "the browser got the devto_url");
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
    drop(probe);
}

/// The clock of the skimming tests: relative dates stay put.
const SKIM_NOW: &str = "2025-11-01T12:26:40Z";

#[test]
fn skimming_keys_at_80x24_and_120x40() {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let t = Tmux::start(&links(), w, h, &[("LINKFEED_NOW", SKIM_NOW)]);
        let s = t.wait_text("44 posts, 44 unread");
        // Relative dates in the list; the title gets the room.
        assert!(s.contains("▶●     1w Ratatui 0.30: a modular workspace"), "{w}x{h}: {s}");
        // m reads the first post; n skips to the next unread.
        t.keys(&["m", "j", "m", "g", "n"]);
        let s = t.wait_text("42 unread");
        assert!(
            s.lines().any(|l| l.contains("▶●") && l.contains("What happened when we let")),
            "{w}x{h}: {s}"
        );
        // N wraps back round to the last unread post.
        t.keys(&["N", "N"]);
        let s = t.wait_text("wrapped around");
        assert!(s.contains("42 unread"), "{s}");
        // * stars it: a star in the list, and is:starred finds it.
        t.keys(&["g", "*"]);
        // The post was read: a hollow star (a filled one while unread).
        t.wait_for("the star", |s| s.contains("▶☆") && s.contains("starred"));
        t.keys(&["/"]);
        t.type_text("is:starred");
        t.keys(&["Enter"]);
        let s = t.wait_text("1 of 44");
        assert!(s.contains("Ratatui 0.30"), "{s}");
        // A on the whole list asks first (44 posts are more than a screen); y marks them.
        t.keys(&["Escape"]);
        t.wait_text("44 posts, 42 unread");
        t.keys(&["A"]);
        t.wait_text("mark 42 posts read? y/n");
        t.keys(&["y"]);
        let s = t.wait_text("44 posts, 0 unread");
        assert!(s.contains("marked 42 posts read (z undoes)"), "{s}");
        // z undoes it, then the star, then a read mark.
        t.keys(&["z"]);
        t.wait_text("44 posts, 42 unread");
        t.keys(&["z"]);
        t.wait_for("the star to go", |s| !s.contains('★') && !s.contains('☆'));
        t.keys(&["z"]);
        t.wait_text("44 posts, 43 unread");
        // is:read finds the one read post; -is:starred every post (no star is left).
        t.keys(&["/"]);
        t.type_text("is:read");
        t.keys(&["Enter"]);
        t.wait_text("1 of 44, 43 unread");
        t.keys(&["Escape"]);
        t.wait_text("44 posts, 43 unread");
        t.keys(&["/"]);
        t.type_text("-is:starred");
        t.keys(&["Enter"]);
        t.wait_text("44 of 44, 43 unread");
        t.keys(&["Escape"]);
        t.wait_text("44 posts, 43 unread");
        // u shows unread posts only, as a query term.
        t.keys(&["u"]);
        let s = t.wait_text("43 of 44, 43 unread (unread only)");
        assert!(w < 120 || s.contains("filter: is:unread"), "{s}");
        t.keys(&["q"]);
        t.wait_text("EXITED rc=0");
    }
}

#[test]
fn two_readers_marking_at_the_same_time_lose_no_mark() {
    let probe = Tmux::start("true", 10, 5, &[]);
    let state = probe.dir.join("shared-state");
    let state_s = state.to_string_lossy().into_owned();
    let env = [("XDG_STATE_HOME", state_s.as_str()), ("LINKFEED_NOW", SKIM_NOW)];
    let a = Tmux::start(&links(), 120, 40, &env);
    let b = Tmux::start(&links(), 120, 40, &env);
    a.wait_text("44 posts, 44 unread");
    b.wait_text("44 posts, 44 unread");
    // Reader a marks posts 0, 2, 4, ... from the top; b marks from the
    // bottom up, the keys sent to both at once.
    let down: Vec<&str> = ["m", "j", "j"].repeat(10);
    let up: Vec<&str> = ["m", "k", "k"].repeat(10);
    b.keys(&["G"]);
    b.wait_text("Container queries are here");
    std::thread::scope(|s| {
        s.spawn(|| a.keys(&down));
        s.spawn(|| b.keys(&up));
    });
    // Each reader picks up the other's marks: 20 of 44 read, in both.
    a.wait_text("44 posts, 24 unread");
    b.wait_text("44 posts, 24 unread");
    a.keys(&["q"]);
    b.keys(&["q"]);
    a.wait_text("EXITED rc=0");
    b.wait_text("EXITED rc=0");
    // On disk: 20 read marks.
    let out = common::linkfeed()
        .args(["list", "--json", "-q", "is:read", LINKS])
        .env("XDG_STATE_HOME", &state)
        .output()
        .expect("runs");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json.as_array().map(Vec::len), Some(20), "{json}");
    drop(probe);
}

#[test]
fn a_dumb_terminal_is_refused_with_a_pointer_to_list() {
    let t = Tmux::start(&format!("TERM=dumb {}", links()), 100, 40, &[]);
    let s = t.wait_text("EXITED rc=2");
    assert!(s.contains("the reader cannot draw on TERM=dumb; for scripts use `linkfeed list`"), "{s}");
}

#[test]
fn a_console_browser_gets_the_terminal_and_the_reader_comes_back() {
    let probe = Tmux::start("true", 10, 5, &[]);
    let bin = probe.dir.join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let w3m = bin.join("w3m");
    let log = probe.dir.join("w3m.log");
    // A stand-in w3m: draws on the terminal, waits for a key, records its argument.
    std::fs::write(
        &w3m,
        format!(
            "#!/bin/sh\nprintf 'W3M IS SHOWING %s\\n' \"$1\"\nread x\nprintf '%s\\n' \"$1\" > '{}'\n",
            log.display()
        ),
    )
    .expect("write w3m");
    Command::new("chmod").arg("+x").arg(&w3m).status().expect("chmod");
    let t = Tmux::start(&links(), 100, 30, &[("BROWSER", &w3m.to_string_lossy())]);
    t.wait_text("44 posts");
    t.keys(&["Enter"]);
    // The reader has left the screen to the browser, which reads keys itself.
    let s = t.wait_text("W3M IS SHOWING https://ratatui.rs/highlights/v030/");
    assert!(!s.contains("44 posts"), "{s}");
    t.keys(&["Enter"]);
    // Back: the whole screen drawn again, the post read.
    let s = t.wait_text("opened https://ratatui.rs/highlights/v030/");
    assert!(s.contains("44 posts, 43 unread") && !s.contains("W3M IS SHOWING"), "{s}");
    assert_eq!(read_log(&log), "https://ratatui.rs/highlights/v030/\n");
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
    drop(probe);
}

#[test]
fn terminals_without_256_colours_get_the_16_basic_colours() {
    let screen_with = |term: &str| {
        let t = Tmux::start(&format!("TERM={term} {}", links()), 100, 20, &[("COLORTERM", "")]);
        t.wait_text("44 posts");
        let out = t.tmux(&["capture-pane", "-e", "-p", "-t", "0"]);
        t.keys(&["q"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // tmux writes every colour as a palette index (`38;5;N`): the 16
    // basic colours are 0-15.
    let indices = |screen: &str| -> Vec<u32> {
        ["38;5;", "48;5;"]
            .iter()
            .flat_map(|p| screen.split(p).skip(1))
            .filter_map(|rest| rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
            .collect()
    };
    let basic = indices(&screen_with("xterm"));
    assert!(!basic.is_empty() && basic.iter().all(|&n| n < 16), "{basic:?}");
    let rich = indices(&screen_with("xterm-256color"));
    assert!(rich.iter().any(|&n| n >= 16), "{rich:?}");
}

#[test]
fn shift_s_syncs_the_open_feed_in_the_background_and_marks_what_is_new() {
    let probe = Tmux::start("true", 10, 5, &[]);
    let repo =
        git_feed(&probe, &[("a.md", "First post", "2026-01-01"), ("b.md", "Second post", "2026-02-01")]);
    let cfg = probe.dir.join("config");
    let env_vars = [
        ("XDG_CONFIG_HOME", cfg.to_string_lossy().into_owned()),
        ("XDG_DATA_HOME", probe.dir.join("data").to_string_lossy().into_owned()),
    ];
    let env: Vec<(&str, &str)> = env_vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let first = probe.linkfeed().args(["sync"]).envs(env.iter().copied()).output().expect("runs");
    assert!(String::from_utf8_lossy(&first.stdout).starts_with("news: 2 posts, first sync"));
    let t = Tmux::start(&cmdline(&[BIN, "-f", "news"]), 120, 30, &env);
    t.wait_text("2 posts, 2 unread");
    // The curator publishes a post; S fetches it while the reader stays usable.
    post_file(&repo, "c.md", "Third post", "2026-03-01");
    git_in(&repo, &["add", "-A"]);
    git_in(&repo, &["commit", "-q", "-m", "three"]);
    t.keys(&["S"]);
    let s = t.wait_text("news: 1 new, 0 changed, 0 removed");
    assert!(!s.contains("Third post") || s.contains("3 posts"), "{s}");
    let s = t.wait_text("3 posts");
    // The new post carries the new mark, and is:new finds it alone.
    assert!(s.lines().any(|l| l.contains("+") && l.contains("Third post")), "{s}");
    t.keys(&["/"]);
    t.type_text("is:new");
    t.keys(&["Enter"]);
    let s = t.wait_text("1 of 3");
    assert!(s.contains("Third post"), "{s}");
    // A folder feed has nothing to sync: S says so.
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
    let t = Tmux::start(&links(), 120, 30, &[]);
    t.wait_text("44 posts");
    t.keys(&["S"]);
    t.wait_text("this feed is a folder, not a git feed");
    drop(probe);
}

/// Issue 39: a web feed reads as any feed (its item's summary in the
/// detail pane at 80x24), and `S` syncs it: the new item arrives marked new.
#[test]
fn a_web_feed_reads_as_a_feed_and_s_brings_its_new_items() {
    use common::http::{Route, Server};
    let doc = |extra: &str| {
        format!(
            "<rss version=\"2.0\"><channel><title>Web Links</title>\
             <item><title>Old item</title><link>https://o.example/</link><guid>o</guid><pubDate>Mon, 07 Dec 2026 09:00:00 GMT</pubDate>\
             <description>About the Quillwort release.</description></item>{extra}</channel></rss>"
        )
    };
    let server = Server::start(vec![("/rss", Route::typed("application/rss+xml", doc("")))]);
    let probe = Tmux::start("true", 10, 5, &[]);
    let cfg = probe.dir.join("config/linkfeed");
    std::fs::create_dir_all(&cfg).expect("mkdir");
    std::fs::write(cfg.join("config.toml"), format!("[feeds.web]\nurl = \"{}\"\n", server.url("/rss")))
        .expect("config");
    let first = probe.linkfeed().args(["sync"]).output().expect("runs");
    assert_eq!(String::from_utf8_lossy(&first.stdout).trim(), "web: 1 posts, first sync");
    let env = probe.sandbox_env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let t = Tmux::start(&cmdline(&[BIN, "-f", "web"]), 80, 24, &env);
    let s = t.wait_text("1 post, 1 unread");
    assert!(s.contains("Old item") && s.contains("Quillwort"), "{s}");
    server.set(
        "/rss",
        Route::typed(
            "application/rss+xml",
            doc("<item><title>New item</title><link>https://n.example/</link><guid>n</guid><pubDate>Tue, 08 Dec 2026 09:00:00 GMT</pubDate></item>"),
        ),
    );
    t.keys(&["S"]);
    t.wait_text("web: 1 new, 0 changed, 0 removed");
    let s = t.wait_text("2 posts");
    assert!(s.lines().any(|l| l.contains('+') && l.contains("New item")), "{s}");
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
    drop(probe);
}

#[test]
fn opening_a_post_reads_it_and_moves_to_the_next_unread_unless_told_not_to() {
    let probe = Tmux::start("true", 10, 5, &[]);
    let (browser, log) = probe.fake_browser();
    let browser_s = browser.to_string_lossy().into_owned();
    for (advances, w, h) in [(true, 80u16, 24u16), (false, 120, 40)] {
        let cfg = probe.dir.join(format!("config-{advances}"));
        std::fs::create_dir_all(cfg.join("linkfeed")).expect("mkdir");
        std::fs::write(cfg.join("linkfeed/config.toml"), format!("open_advances = {advances}\n"))
            .expect("write");
        let cfg_s = cfg.to_string_lossy().into_owned();
        let env = [
            ("BROWSER", browser_s.as_str()),
            ("XDG_CONFIG_HOME", cfg_s.as_str()),
            ("LINKFEED_NOW", SKIM_NOW),
        ];
        let t = Tmux::start(&links(), w, h, &env);
        t.wait_text("44 posts, 44 unread");
        t.keys(&["o"]);
        let s = t.wait_text("44 posts, 43 unread");
        let selected = s.lines().find(|l| l.contains('▶')).unwrap_or_default().to_string();
        if advances {
            assert!(selected.contains("Cutting an observability"), "moved on: {s}");
        } else {
            assert!(selected.contains("Ratatui 0.30"), "stayed: {s}");
        }
        t.keys(&["q"]);
        t.wait_text("EXITED rc=0");
    }
    assert_eq!(read_log(&log).lines().count(), 2);
    drop(probe);
}

/// The reader builds the word index of the feed's text while idle and keeps
/// it beside the parse cache; `list -q` then uses it (and says so in
/// `--stats`), with the same answer as without it. A damaged index is
/// passed over: the text is scanned, and the answer is still the same.
#[test]
fn the_word_index_the_reader_saves_answers_list_queries_the_same() {
    let t = Tmux::start(&links(), 100, 30, &[]);
    t.wait_text("44 posts");
    let cache = t.dir.join("cache");
    // The index is written once the reader has been idle long enough.
    let start = Instant::now();
    let index_file = loop {
        let found = std::fs::read_dir(cache.join("linkfeed/feeds"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "index"));
        if let Some(p) = found {
            break p;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no word index was saved under {}",
            cache.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
    let state = t.dir.join("state");
    let list = |extra: &[&str]| {
        common::list_in(Path::new(LINKS), &cache, &state, &[&["--stats", "-q", "latency"], extra].concat())
    };
    let (with_index, stats) = list(&[]);
    assert!(stats.contains("with the saved word index of the text"), "{stats}");
    let (scanned, stats) = list(&["--no-cache"]);
    assert!(!stats.contains("saved word index of the text"), "{stats}");
    assert!(with_index.lines().count() >= 2, "{with_index}");
    assert_eq!(with_index, scanned);
    // Damaged: every byte after the header flipped.
    let mut bytes = std::fs::read(&index_file).expect("read the index");
    for b in bytes.iter_mut().skip(20) {
        *b ^= 0x5a;
    }
    std::fs::write(&index_file, bytes).expect("damage the index");
    // Passed over, built again from the text and saved (issue 25).
    let (damaged, stats) = list(&[]);
    assert!(stats.contains("the word index of the text built and saved"), "{stats}");
    assert_eq!(damaged, scanned);
    let (again, stats) = list(&[]);
    assert!(stats.contains("with the saved word index of the text"), "{stats}");
    assert_eq!(again, scanned);
}

/// The reader draws its first screen from the parse cache, then checks the
/// files: when none changed it keeps what it shows (the check loads nothing
/// again); when one changed, the list updates in place and says so.
#[test]
fn the_check_after_a_first_screen_from_the_cache_keeps_or_updates_the_list() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let feed = tmp.path().join("feed");
    let status = Command::new("cp").arg("-r").arg(LINKS).arg(&feed).status().expect("cp");
    assert!(status.success());
    backdate(&feed);
    let cache = tmp.path().join("cache");
    let cache_env = cache.to_string_lossy().into_owned();
    let run = |wait_for: &str| -> (Tmux, String) {
        let t = Tmux::start(
            &cmdline(&[BIN, &feed.to_string_lossy()]),
            110,
            30,
            &[("XDG_CACHE_HOME", &cache_env)],
        );
        let s = t.wait_text(wait_for);
        (t, s)
    };
    // First run: no cache yet; it is written.
    let (t, _) = run("44 posts");
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
    // Nothing changed: after the check (give it time), still all 44 posts.
    let (t, _) = run("44 posts");
    // The first screen came without the summaries (issue 25); the check
    // puts them back: the selected post's shows.
    t.wait_text("The terminal UI library");
    std::thread::sleep(Duration::from_millis(1500));
    let s = t.screen();
    assert!(s.contains("44 posts") && !s.contains("updated:"), "{s}");
    assert!(s.contains("Ratatui 0.30"), "{s}");
    assert!(s.contains("The terminal UI library"), "{s}");
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
    // One post retitled: the first screen comes from the cache, the check
    // finds the edit and the list shows the new title.
    let post = feed.join("2023/2023-02-14-css-container-queries.md");
    let text = std::fs::read_to_string(&post).expect("read the post");
    let edited = text.replace(
        "title: 'Container queries are here: components that size themselves'",
        "title: 'Container queries, retitled after the first run'",
    );
    assert_ne!(edited, text);
    std::fs::write(&post, edited).expect("edit the post");
    let (t, _) = run("44 posts");
    let s = t.wait_text("updated: 1 file changed since the last run");
    t.keys(&["/"]);
    t.type_text("retitled");
    let s2 = t.wait_text("Container queries, retitled");
    assert!(s.contains("44 posts") || s2.contains("of 44"), "{s}\n{s2}");
}

/// Issue 25: a feed larger than a first screen reads (`feed::NEWEST`, 512)
/// starts from the newest posts in the cache's saved order, and the whole
/// feed follows: the count is every post's, and the oldest post (never in
/// the first screen's part) is there at the end of the list.
#[test]
fn a_first_screen_of_the_newest_posts_is_followed_by_the_whole_feed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let feed = tmp.path().join("feed");
    std::fs::create_dir_all(feed.join("2025")).expect("mkdir");
    for i in 0..700 {
        let day = 1 + i / 24;
        let hour = i % 24;
        let text = format!(
            "---\ntitle: Numbered post {i:04}\ndate: 2025-{:02}-{:02}T{hour:02}:00:00Z\nexternal_url: https://example.org/{i}\nsummary: The summary of post {i:04}.\n---\n",
            1 + day / 28,
            1 + day % 28
        );
        std::fs::write(feed.join(format!("2025/p{i:04}.md")), text).expect("write");
    }
    backdate(&feed);
    let cache = tmp.path().join("cache").to_string_lossy().into_owned();
    let run =
        || Tmux::start(&cmdline(&[BIN, &feed.to_string_lossy()]), 110, 30, &[("XDG_CACHE_HOME", &cache)]);
    // The first run writes the cache and its saved order.
    let t = run();
    t.wait_text("700 posts, 700 unread");
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
    let t = run();
    let s = t.wait_text("Numbered post 0699");
    assert!(s.contains("The summary of post 0699"), "the newest post's summary on the first screen: {s}");
    t.wait_text("700 posts, 700 unread");
    t.keys(&["G"]);
    t.wait_text("The summary of post 0000");
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
}

/// Issue 25: a feed read from the cache keeps its summaries there, not in
/// memory; a quoted phrase (which reads the text itself) has them read in
/// and finds the post whose summary alone holds it.
#[test]
fn a_phrase_finds_a_summary_kept_in_the_cache() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let feed = tmp.path().join("feed");
    let status = Command::new("cp").arg("-r").arg(LINKS).arg(&feed).status().expect("cp");
    assert!(status.success());
    backdate(&feed);
    let cache = tmp.path().join("cache").to_string_lossy().into_owned();
    let run =
        || Tmux::start(&cmdline(&[BIN, &feed.to_string_lossy()]), 110, 30, &[("XDG_CACHE_HOME", &cache)]);
    let t = run();
    t.wait_text("44 posts, 44 unread");
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
    let t = run();
    t.wait_text("44 posts, 44 unread");
    t.keys(&["/"]);
    t.type_text("\"shared ring\"");
    let s = t.wait_text("1 of 44");
    assert!(s.contains("Why some platforms turned io_uring off"), "{s}");
    t.keys(&["Enter"]);
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
}

/// Issue 19: the end-to-end tests pass with a hostile config in the user's
/// home and leave the user's config, cache, state and data untouched. The
/// tests run again are those that go through every way the suite starts the
/// binary (a pane, `Tmux::linkfeed`, `common::linkfeed`, `list_in`) and that
/// read or write config, state, cache and data.
#[test]
fn the_e2e_tests_never_read_or_write_the_users_folders() {
    common::rerun_with_a_sentinel_home(
        "the_e2e_tests_never_read_or_write_the_users_folders",
        &[
            "keys_move_filter_and_open_in_the_browser",
            "read_state_survives_a_restart",
            "the_configs_browser_and_keys_are_used",
            "shift_s_syncs_the_open_feed",
            "the_check_after_a_first_screen_from_the_cache",
            "the_word_index_the_reader_saves",
            "two_readers_marking",
            "a_missing_folder_is_a_clear_error",
        ],
    );
}

/// Issue 23: a browser that exits non-zero at once is reported, with where
/// to set another, and the post stays unread.
#[test]
fn a_browser_that_fails_is_reported_and_the_post_stays_unread() {
    let t = Tmux::start(&links(), 160, 30, &[("BROWSER", "false")]);
    t.wait_text("44 posts, 44 unread");
    t.keys(&["o"]);
    let s = t.wait_text("the browser failed: exit 1; set $BROWSER or `browser` in the config");
    assert!(s.contains("44 posts, 44 unread"), "the post stays unread: {s}");
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
}

/// Issue 23: on a morning inside the snapshot, the first screen of the
/// mixed view shows the news: no event still to come sits above the first
/// news item, at 80x24 and 120x40.
#[test]
fn the_first_screen_of_a_morning_shows_the_news_first() {
    let feed = common::real_feed();
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let t = Tmux::start(
            &cmdline(&[BIN, &feed.to_string_lossy()]),
            w,
            h,
            &[("LINKFEED_NOW", "2025-09-01T07:00:00Z")],
        );
        let s = t.wait_text("posts,");
        // Every event dated after the morning of 2025-09-01: none may be on
        // the first screen (they are listed soonest first in Events).
        let out = common::linkfeed()
            .args(["list", "--json", "-q", "is:upcoming"])
            .arg(&feed)
            .env("LINKFEED_NOW", "2025-09-01T07:00:00Z")
            .output()
            .expect("list");
        let upcoming: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let titles: Vec<String> = upcoming
            .as_array()
            .expect("array")
            .iter()
            .filter_map(|p| p["title"].as_str().map(|t| t.chars().take(20).collect()))
            .collect();
        assert!(titles.len() > 5, "the snapshot has events after that morning");
        let list_rows: Vec<&str> = s.lines().skip(1).take(h as usize - 3).collect();
        for title in &titles {
            assert!(
                !list_rows.iter().any(|r| r.contains(title.as_str())),
                "{w}x{h}: {title:?} on the first screen:\n{s}"
            );
        }
        t.keys(&["q"]);
        t.wait_text("EXITED rc=0");
    }
}

/// Issue 23: Space pages a long blog post of the snapshot, at 80x24 and
/// 120x40, and the bottom border says how much is below.
#[test]
fn space_pages_a_long_blog_post() {
    let blog = common::real_feed().join("blog");
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let t = Tmux::start(&cmdline(&[BIN, &blog.to_string_lossy()]), w, h, &[("LINKFEED_NOW", SKIM_NOW)]);
        t.wait_text("36 posts");
        // The third post is long at both sizes.
        t.keys(&["j", "j"]);
        let before = t.wait_text("more below (");
        let pct = |s: &str| -> u32 {
            s.split("more below (")
                .nth(1)
                .and_then(|r| r.split('%').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0)
        };
        t.keys(&["Space"]);
        let after = t.wait_for("the next page", |s| pct(s) > pct(&before));
        if w >= 120 {
            assert!(after.contains("min read · more below ("), "{w}x{h}: {after}");
        }
        t.keys(&["q"]);
        t.wait_text("EXITED rc=0");
    }
}

/// Issue 23: `linkfeed sync` run in another shell while the reader is open:
/// the reader shows the new post, with its `+` mark, without a key press.
#[test]
fn a_sync_done_elsewhere_shows_in_the_open_reader() {
    let probe = Tmux::start("true", 10, 5, &[]);
    let repo = git_feed(&probe, &[("a.md", "First post", "2026-01-01")]);
    let sync = || {
        let out = probe.linkfeed().arg("sync").output().expect("sync");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    sync();
    // The reader shares the probe's config, data and state (as two shells would).
    let vars = probe.sandbox_env();
    let env: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let t = Tmux::start(&cmdline(&[BIN, "-f", "news"]), 120, 30, &env);
    t.wait_text("1 post, 1 unread");
    post_file(&repo, "b.md", "Second post", "2026-02-01");
    git_in(&repo, &["add", "-A"]);
    git_in(&repo, &["commit", "-q", "-m", "two"]);
    sync();
    let s = t.wait_text("2 posts, 2 unread");
    assert!(s.lines().any(|l| l.contains('+') && l.contains("Second post")), "the new mark: {s}");
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
}

/// Issue 23: titles full of emoji sequences (ZWJ, variation selectors, skin
/// tones, flags) and combining marks keep the pane borders straight: each
/// row's border stands at the same column, counting widths the way a
/// terminal does (one code point at a time), at 80x24 and 120x40.
#[test]
fn emoji_sequences_keep_the_borders_straight() {
    use unicode_width::UnicodeWidthChar;
    let probe = Tmux::start("true", 10, 5, &[]);
    let feed = probe.dir.join("feed");
    std::fs::create_dir_all(&feed).expect("mkdir");
    let titles = [
        "Swimmer 🏊\u{200d}\u{2642}\u{fe0f} and family 👨\u{200d}👩\u{200d}👧 on tour",
        "Tools 🛠\u{fe0f} and shields 🛡\u{fe0f} for the cluster",
        "Thumbs 👍\u{1f3fd} up for 🇩🇪 and 🇫🇷 flags",
        "Cafe\u{301} and nai\u{308}ve combining marks",
        "A plain title for comparison",
    ];
    for (i, t) in titles.iter().enumerate() {
        let text = format!(
            "---\ntitle: \"{t}\"\ndate: 2026-01-0{}\nsource: \"Src 🏊\u{200d}\u{2642}\u{fe0f}\"\nsummary: \"{t} {t}\"\n---\n",
            i + 1
        );
        std::fs::write(feed.join(format!("{i}.md")), text).expect("write");
    }
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let t = Tmux::start(&cmdline(&[BIN, &feed.to_string_lossy()]), w, h, &[]);
        let s = t.wait_text("5 posts");
        // The list's right border: the second `│` of a row (side by side it
        // meets the detail pane's; stacked it ends the row).
        let border_at = |line: &str| -> Option<usize> {
            let (i, _) = line.match_indices('│').nth(1)?;
            Some(line[..i].chars().map(|c| c.width().unwrap_or(0)).sum())
        };
        let cols: Vec<usize> = s.lines().skip(1).take(5).filter_map(border_at).collect();
        assert_eq!(cols.len(), 5, "{w}x{h}: {s}");
        assert!(cols.iter().all(|&c| c == cols[0]), "{w}x{h}: borders at {cols:?}:\n{s}");
        t.keys(&["q"]);
        t.wait_text("EXITED rc=0");
    }
}

/// Issue 23: a `[views]` entry shows as a tab with its unread count, opens
/// at its top, `default_view` opens it on start, and `remember_view`
/// reopens the last view and post; at 80x24 and 120x40.
#[test]
fn views_show_as_tabs_and_the_last_one_is_remembered() {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let probe = Tmux::start("true", 10, 5, &[]);
        let cfg = probe.dir.join("config/linkfeed");
        std::fs::create_dir_all(&cfg).expect("mkdir");
        std::fs::write(
            cfg.join("config.toml"),
            "default_view = \"rust\"\nremember_view = true\n[views]\nrust = \"#rust\"\nk8s = \"#kubernetes\"\n",
        )
        .expect("write config");
        let vars = probe.sandbox_env();
        let mut env: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        env.push(("LINKFEED_NOW", SKIM_NOW));
        let t = Tmux::start(&links(), w, h, &env);
        // Opened on the default view: the rust posts.
        let s = t.wait_text("6 of 44");
        // Numbered after the sample's three sections (its year folders).
        assert!(s.contains("4 rust 6") && s.contains("5 k8s 7"), "{w}x{h}: the tabs: {s}");
        // The k8s view, from its top.
        t.keys(&["5"]);
        let s = t.wait_text("7 of 44");
        assert!(s.lines().nth(1).is_some_and(|l| l.contains('▶')), "{w}x{h}: at its top: {s}");
        t.keys(&["j", "j", "m"]);
        t.wait_text("5 k8s 6");
        t.keys(&["q"]);
        t.wait_text("EXITED rc=0");
        drop(t);
        // The next start reopens the k8s view on the same post.
        let t = Tmux::start(&links(), w, h, &env);
        let s = t.wait_text("7 of 44");
        assert!(s.lines().nth(3).is_some_and(|l| l.contains('▶')), "{w}x{h}: the same post: {s}");
        t.keys(&["q"]);
        t.wait_text("EXITED rc=0");
    }
}

/// Issue 23: times are shown in the reader's zone (`TZ`), with the zone's
/// abbreviation: the same event at 17:00 UTC is 18:00 CET in Berlin.
#[test]
fn times_are_local_with_the_zones_abbreviation() {
    let probe = Tmux::start("true", 10, 5, &[]);
    let feed = probe.dir.join("feed/events");
    std::fs::create_dir_all(&feed).expect("mkdir");
    std::fs::write(
        feed.join("meetup.md"),
        "---\ntitle: Winter meetup\ndate: 2026-03-04T17:00:00Z\neventDate: 2026-03-04T17:00:00Z\nlocation: Berlin\n---\nTalks.\n",
    )
    .expect("write");
    let root = probe.dir.join("feed");
    for (tz, want) in
        [("UTC", "When: Wed 4 Mar 2026 17:00 UTC"), ("Europe/Berlin", "When: Wed 4 Mar 2026 18:00 CET")]
    {
        let t = Tmux::start(
            &cmdline(&[BIN, &root.to_string_lossy()]),
            120,
            30,
            &[("TZ", tz), ("LINKFEED_NOW", SKIM_NOW)],
        );
        let s = t.wait_text("1 post");
        assert!(s.contains(want), "{tz}: {s}");
        t.keys(&["q"]);
        t.wait_text("EXITED rc=0");
    }
}

/// Reader mode in a real terminal, at 80x24 and 120x40: `v` shows a spinner,
/// then the article (its own paragraphs, not the page around them), `o`
/// still opens the post's link in the browser, `Esc` goes back to the post;
/// a page that is no article says so in one line.
#[test]
fn v_reads_the_original_in_the_detail_pane_and_esc_goes_back() {
    use common::http::{Route, Server};
    let page = |name: &str| {
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pages").join(name))
            .expect("page")
    };
    let server = Server::start(vec![
        ("/news", Route::html(page("news-article.html")).delayed(Duration::from_millis(1500))),
        ("/login", Route::html(page("not-an-article.html"))),
    ]);
    for (w, h) in [(80, 24), (120, 40)] {
        let probe = Tmux::start("true", 10, 5, &[]);
        let (browser, log) = probe.fake_browser();
        let config = probe.dir.join("config/linkfeed");
        std::fs::create_dir_all(&config).expect("mkdir");
        std::fs::write(config.join("config.toml"), "fetch_private_addresses = true\n").expect("config");
        let feed = probe.dir.join("feed");
        std::fs::create_dir_all(&feed).expect("mkdir");
        let post = |file: &str, title: &str, date: &str, url: &str| {
            let text = format!(
                "---\ntitle: {title}\ndate: {date}\nexternal_url: {url}\nsummary: The post's own summary.\n---\n"
            );
            std::fs::write(feed.join(file), text).expect("post");
        };
        post("bikes.md", "Riverside bikes approved", "2026-11-27", &server.url("/news"));
        post("wall.md", "Behind a wall", "2026-11-26", &server.url("/login"));
        let env = [
            ("XDG_CONFIG_HOME", probe.dir.join("config").to_string_lossy().into_owned()),
            ("XDG_CACHE_HOME", probe.dir.join("cache").to_string_lossy().into_owned()),
            ("BROWSER", browser.to_string_lossy().into_owned()),
        ];
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let t = Tmux::start(&cmdline(&[BIN, &feed.to_string_lossy()]), w, h, &env);
        t.wait_text("2 posts");
        t.keys(&["v"]);
        let s = t.wait_text("fetching the article");
        assert!(s.contains("article · v or Esc: the post"), "{s}");
        let s = t.wait_text("ALPHA-PARA");
        assert!(s.contains("City council approves") && s.contains("The Morning Ledger"), "{s}");
        for junk in ["Accept all cookies", "ADVERTISEMENT", "COMMENT-TEXT", "Subscribe for one dollar"] {
            assert!(!s.contains(junk), "{junk} on screen:\n{s}");
        }
        // `o` still opens the post's link.
        t.keys(&["o"]);
        assert_eq!(read_log(&log), format!("{}\n", server.url("/news")));
        // Esc: back to the post.
        t.keys(&["Escape"]);
        let s = t.wait_for("the post again", |s| {
            s.contains("The post's own summary") && !s.contains("ALPHA-PARA")
        });
        assert!(!s.contains("article · v or Esc"), "{s}");
        // A sign-in wall is no article: said in one line.
        t.keys(&["j", "v"]);
        let s = t.wait_text("No article here: not an article:");
        // (Wrapped to the pane: the words are on one line or two.)
        assert!(s.contains("words") && s.contains("extracted."), "{s}");
        t.keys(&["v"]);
        t.wait_for("the post again", |s| !s.contains("No article here"));
        t.keys(&["q"]);
        t.wait_text("EXITED rc=0");
        drop(probe);
    }
}

/// The reader's pid in pane 0 of `t`.
fn reader_pid(t: &Tmux) -> String {
    let pane_pid = String::from_utf8_lossy(&t.tmux(&["display", "-p", "-t", "0", "#{pane_pid}"]).stdout)
        .trim()
        .to_string();
    let start = Instant::now();
    loop {
        let out = Command::new("pgrep").args(["-P", &pane_pid, "-x", "linkfeed"]).output().expect("pgrep");
        let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !pid.is_empty() || start.elapsed() > Duration::from_secs(10) {
            return pid;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The pane's terminal: (alternate screen on, mouse reporting on, cursor shown).
fn terminal_state(t: &Tmux) -> (String, String, String) {
    let f = |name: &str| {
        String::from_utf8_lossy(&t.tmux(&["display", "-p", "-t", "0", name]).stdout).trim().to_string()
    };
    (f("#{alternate_on}"), f("#{mouse_any_flag}"), f("#{cursor_flag}"))
}

fn waits_for(what: &str, cond: impl Fn() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < Duration::from_secs(10), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Issue 42: every signal that ends the reader leaves the terminal as it
/// was found (main screen, no mouse reports, the cursor shown); SIGTSTP
/// gives the terminal back while stopped, and after SIGCONT (what `fg`
/// sends) the reader takes it again, redraws and acts on keys; Ctrl-z
/// suspends as the key does in less and vim.
#[test]
fn signals_leave_the_terminal_as_it_was_and_a_suspend_resumes() {
    for sig in ["INT", "QUIT", "TERM", "HUP"] {
        let t = Tmux::start(&links(), 80, 24, &[]);
        t.wait_text("44 posts");
        assert_eq!(terminal_state(&t), ("1".into(), "1".into(), "0".into()), "SIG{sig}: the reader's own");
        let pid = reader_pid(&t);
        assert!(!pid.is_empty());
        Command::new("kill").args([&format!("-{sig}"), &pid]).status().expect("kill");
        t.wait_text("EXITED rc=");
        assert_eq!(terminal_state(&t), ("0".into(), "0".into(), "1".into()), "after SIG{sig}");
    }
    for (w, h) in [(80, 24), (120, 40)] {
        let t = Tmux::start(&links(), w, h, &[]);
        t.wait_text("44 posts");
        let pid = reader_pid(&t);
        let stopped = || {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .is_ok_and(|s| s.split_whitespace().nth(2) == Some("T"))
        };
        for how in ["signal", "key"] {
            match how {
                "signal" => {
                    Command::new("kill").args(["-TSTP", &pid]).status().expect("kill");
                }
                _ => t.keys(&["C-z"]),
            }
            waits_for("the reader to stop", stopped);
            waits_for("the terminal to be given back", || {
                terminal_state(&t) == ("0".into(), "0".into(), "1".into())
            });
            Command::new("kill").args(["-CONT", &pid]).status().expect("kill");
            waits_for("the terminal to be taken again", || terminal_state(&t).0 == "1");
            let s = t.wait_text("44 posts");
            assert!(s.contains("Ratatui 0.30"), "{w}x{h}, {how}: the frame is drawn again: {s}");
            assert_eq!(terminal_state(&t).1, "1", "{w}x{h}, {how}: mouse reports again");
            // Keys act, and are not echoed over the frame.
            t.keys(&["j"]);
            t.wait_for("the selection to move", |s| {
                s.lines().any(|l| l.contains('▶') && !l.contains("Ratatui 0.30"))
            });
            t.keys(&["k"]);
        }
        t.keys(&["q"]);
        t.wait_text("EXITED rc=0");
        assert_eq!(terminal_state(&t), ("0".into(), "0".into(), "1".into()));
    }
}

/// Issue 42: after `S` brings posts, every summary still shows, old posts'
/// and the new one's, and a word only a summary holds still finds its post
/// (the reload after a sync dropped the posts' cache entries, so their
/// text, left out of memory, could not be read back), at 80x24 and 120x40.
#[test]
fn summaries_stay_after_s_brings_posts() {
    let summary_post = |dir: &Path, name: &str, title: &str, day: &str, word: &str| {
        std::fs::write(
            dir.join(name),
            format!(
                "---\ntitle: {title}\ndate: {day}\nexternal_url: https://example.com/{name}\n\
                 summary: The summary of {title} mentions {word} once.\n---\n"
            ),
        )
        .expect("write a post");
    };
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let probe = Tmux::start("true", 10, 5, &[]);
        let repo = git_feed(&probe, &[("0.md", "Zero post", "2025-12-01")]);
        summary_post(&repo, "a.md", "First post", "2026-01-01", "zebrafish");
        summary_post(&repo, "b.md", "Second post", "2026-01-02", "axolotl");
        git_in(&repo, &["add", "-A"]);
        git_in(&repo, &["commit", "-q", "-m", "two"]);
        let out = probe.linkfeed().arg("sync").output().expect("sync");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let vars = probe.sandbox_env();
        let env: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let t = Tmux::start(&cmdline(&[BIN, "-f", "news"]), w, h, &env);
        t.wait_text("3 posts, 3 unread");
        summary_post(&repo, "c.md", "Third post", "2026-01-03", "narwhal");
        git_in(&repo, &["add", "-A"]);
        git_in(&repo, &["commit", "-q", "-m", "three"]);
        t.keys(&["S"]);
        t.wait_text("4 posts, 4 unread");
        // The selection stayed on its post; its summary shows.
        t.wait_for("the second post's summary", |s| s.contains("axolotl"));
        t.keys(&["g"]);
        t.wait_for("the new post's summary", |s| s.contains("narwhal"));
        t.keys(&["j", "j"]);
        t.wait_for("the first post's summary", |s| s.contains("zebrafish"));
        t.keys(&["/"]);
        t.type_text("zebrafish");
        t.keys(&["Enter"]);
        let s = t.wait_text("1 of 4");
        assert!(s.contains("First post"), "{w}x{h}: {s}");
        t.keys(&["q"]);
        t.wait_text("EXITED rc=0");
    }
}

/// Issue 37: marks shared through a `[state]` repository reach a running
/// reader without a key: those another machine pushed come in with the
/// reader's own sync at its start (the status bar says from where), and
/// those a later `linkfeed state sync` beside it brings show as they land.
#[test]
fn marks_from_another_machine_reach_the_reader_without_a_key() {
    let probe = Tmux::start("true", 10, 5, &[]);
    let remote = probe.dir.join("state.git");
    let ok = Command::new("git")
        .args(["init", "--quiet", "--bare"])
        .arg(&remote)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .expect("git runs");
    assert!(ok.success());
    let config = |dir: &Path, device: &str| {
        std::fs::create_dir_all(dir.join("linkfeed")).expect("mkdir");
        let text = format!("[state]\ngit = \"file://{}\"\ndevice = \"{device}\"\n", remote.display());
        std::fs::write(dir.join("linkfeed/config.toml"), text).expect("config");
    };
    // The other machine: folders of its own.
    let server = probe.dir.join("server");
    let server_cmd = |args: &[&str]| {
        let mut c = common::linkfeed_bare();
        for (k, sub) in [
            ("HOME", "home"),
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_STATE_HOME", "state"),
            ("XDG_DATA_HOME", "data"),
            ("XDG_CACHE_HOME", "cache"),
        ] {
            c.env(k, server.join(sub));
        }
        let out = c.args(args).output().expect("runs");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    config(&server.join("config"), "server");
    let json: serde_json::Value =
        serde_json::from_str(&server_cmd(&["list", "--json", LINKS])).expect("the posts as JSON");
    let urls: Vec<String> = json
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|p| p["external_url"].as_str().map(str::to_string))
        .take(5)
        .collect();
    let import = |urls: &[String]| {
        let lines: String =
            urls.iter().map(|u| format!("{{\"key\":\"{u}\",\"field\":\"read\",\"value\":true}}\n")).collect();
        let file = server.join("marks.jsonl");
        std::fs::write(&file, lines).expect("export");
        server_cmd(&["state", "import", &file.to_string_lossy()]);
        server_cmd(&["state", "sync"]);
    };
    import(&urls[..3]);
    // This machine: the reader, with its own folders and a config naming
    // the repository.
    let laptop_config = probe.dir.join("laptop-config");
    config(&laptop_config, "laptop");
    let lc = laptop_config.to_string_lossy().into_owned();
    let t2 = Tmux::start(&links(), 120, 40, &[("LINKFEED_NOW", SKIM_NOW), ("XDG_CONFIG_HOME", lc.as_str())]);
    t2.wait_text("3 marks from server");
    t2.wait_text("44 posts, 41 unread");
    // The other machine marks two more; a sync on this machine, by another
    // process (a timer, a script), brings them: shown with no key pressed.
    import(&urls[3..5]);
    let out =
        t2.linkfeed().args(["state", "sync"]).env("XDG_CONFIG_HOME", &laptop_config).output().expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 marks from server"), "{out:?}");
    t2.wait_text("44 posts, 39 unread");
    t2.keys(&["q"]);
    t2.wait_text("EXITED rc=0");
    drop(probe);
}

/// Issue 38: `f` numbers the links inside a post as its pane shows them, and
/// typing one opens it in the stand-in browser (the third here), at 80x24
/// and 120x40; `F` and a number copies one (OSC 52); Esc cancels a hint.
#[test]
fn a_link_hint_opens_the_third_link_of_a_post() {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let probe = Tmux::start("true", 10, 5, &[]);
        let (browser, log) = probe.fake_browser();
        let dir = probe.dir.join("feed");
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(
            dir.join("links.md"),
            "---\ntitle: Four links\ndate: 2025-10-01\nexternal_url: https://example.org/main\n---\n\
             Read [the first](https://one.example/a), then [the second](https://two.example/b),\n\
             and [the third one](https://three.example/c?x=1&y=2) before [a fourth](https://four.example/).\n",
        )
        .expect("post");
        let b = browser.to_string_lossy().into_owned();
        let t = Tmux::start(&cmdline(&[BIN, &dir.to_string_lossy()]), w, h, &[("BROWSER", &b)]);
        t.wait_text("[3] https://three.example/c?x=1&y=2");
        t.keys(&["f"]);
        t.wait_text("open link 1-4");
        t.keys(&["3"]);
        t.wait_text("opened https://three.example/c?x=1&y=2");
        assert_eq!(read_log(&log), "https://three.example/c?x=1&y=2\n", "{w}x{h}");
        assert!(t.screen().contains("1 unread"), "opening a link inside is not reading the post");
        // Esc cancels; nothing more reaches the browser.
        t.keys(&["f"]);
        t.wait_text("open link 1-4");
        t.keys(&["Escape"]);
        t.wait_for("the hint to close", |s| !s.contains("open link 1-4"));
        t.keys(&["F", "2"]);
        t.wait_text("copied https://two.example/b");
        assert_eq!(read_log(&log), "https://three.example/c?x=1&y=2\n");
        t.keys(&["q"]);
        t.wait_text("EXITED rc=0");
        drop(probe);
    }
}

/// Issue 38: `|` delivers the post's file byte for byte to the `pipe`
/// command, and a `[share]` template gets the URL and the title as separate
/// arguments though the title holds quotes, `$(...)` and a leading `-`
/// (nothing of it runs); a failing target's exit and first error line reach
/// the status bar. At 80x24 and 120x40.
#[test]
fn pipe_and_share_hand_the_post_to_commands_as_it_is() {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let probe = Tmux::start("true", 10, 5, &[]);
        let d = probe.dir.clone();
        let dir = d.join("feed");
        std::fs::create_dir_all(&dir).expect("mkdir");
        let post = "---\ntitle: '-rf \"quoted\" $(touch PWNED) `x`'\ndate: 2025-10-01\nexternal_url: https://example.org/b?x=1&y=2\ntags: [a, b]\n---\nThe body, as it is.\n";
        std::fs::write(dir.join("p.md"), post).expect("post");
        let script = |name: &str, body: &str| {
            let p = d.join(name);
            std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).expect("script");
            Command::new("chmod").arg("+x").arg(&p).status().expect("chmod");
            p.to_string_lossy().into_owned()
        };
        let args = script(
            "args.sh",
            &format!(
                "for a in \"$@\"; do printf '<%s>\\n' \"$a\" >> '{}'; done",
                d.join("args.log").display()
            ),
        );
        let pipe = script("pipe.sh", &format!("cat > '{}'", d.join("piped").display()));
        let cfg = d.join("cfg");
        std::fs::create_dir_all(cfg.join("linkfeed")).expect("mkdir");
        std::fs::write(
            cfg.join("linkfeed/config.toml"),
            format!("pipe = \"{pipe}\"\n[share]\nargs = \"{args} --url {{url}} -- {{title}}\"\nfail = \"sh -c 'echo nope >&2; exit 3'\"\n"),
        )
        .expect("config");
        let c = cfg.to_string_lossy().into_owned();
        let t = Tmux::start(
            &format!(
                "cd {} && {}",
                common::sh_quote(&d.to_string_lossy()),
                cmdline(&[BIN, &dir.to_string_lossy()])
            ),
            w,
            h,
            &[("XDG_CONFIG_HOME", &c)],
        );
        t.wait_text("1 post");
        t.keys(&["|"]);
        t.wait_text("pipe.sh: done");
        assert_eq!(std::fs::read_to_string(d.join("piped")).expect("piped"), post, "{w}x{h}");
        t.keys(&[">"]);
        t.wait_text("share to 1-2");
        t.keys(&["1"]);
        t.wait_text("args: done");
        assert_eq!(
            read_log(&d.join("args.log")),
            "<--url>\n<https://example.org/b?x=1&y=2>\n<-->\n<-rf \"quoted\" $(touch PWNED) `x`>\n"
        );
        assert!(!d.join("PWNED").exists(), "nothing of the title ran");
        t.keys(&[">", "2"]);
        t.wait_text("fail: exit 3: nope");
        t.keys(&["q"]);
        t.wait_text("EXITED rc=0");
        drop(probe);
    }
}

/// Issue 38: with `pipe_format = "json"`, `|` sends each picked post to
/// its own run of the command as one line of JSON: its fields (the title
/// with quotes and a newline as data), the body after the front matter.
#[test]
fn pipe_format_json_sends_one_json_line_per_post() {
    let probe = Tmux::start("true", 10, 5, &[]);
    let d = probe.dir.clone();
    let dir = d.join("feed");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("a.md"),
        "---\ntitle: \"Say \\\"hi\\\"\"\ndate: 2025-10-02\nsource: LWN\ntags: [rust]\nexternal_url: https://a.example/x\ntldr: Short.\n---\nBody A\nline two\n",
    )
    .expect("post");
    std::fs::write(
        dir.join("b.md"),
        "---\ntitle: Second\ndate: 2025-10-01\nexternal_url: https://b.example/\n---\n",
    )
    .expect("post");
    let pipe = d.join("pipe.sh");
    std::fs::write(&pipe, format!("#!/bin/sh\ncat >> '{}'\n", d.join("piped").display())).expect("script");
    Command::new("chmod").arg("+x").arg(&pipe).status().expect("chmod");
    let cfg = d.join("cfg");
    std::fs::create_dir_all(cfg.join("linkfeed")).expect("mkdir");
    std::fs::write(
        cfg.join("linkfeed/config.toml"),
        format!("pipe = \"{}\"\npipe_format = \"json\"\n", pipe.display()),
    )
    .expect("config");
    let c = cfg.to_string_lossy().into_owned();
    let t = Tmux::start(&cmdline(&[BIN, &dir.to_string_lossy()]), 80, 24, &[("XDG_CONFIG_HOME", &c)]);
    t.wait_text("2 posts");
    t.keys(&["x", "x"]);
    t.wait_text("2 picked");
    t.keys(&["|"]);
    t.wait_text("pipe.sh (2 posts): done");
    let piped = std::fs::read_to_string(d.join("piped")).expect("piped");
    let lines: Vec<serde_json::Value> =
        piped.lines().map(|l| serde_json::from_str(l).expect("a line of JSON")).collect();
    assert_eq!(lines.len(), 2, "{piped}");
    let a = &lines[0];
    assert_eq!(a["title"], "Say \"hi\"");
    assert_eq!(a["source"], "LWN");
    assert_eq!(a["tags"], serde_json::json!(["rust"]));
    assert_eq!(a["external_url"], "https://a.example/x");
    assert_eq!(a["tldr"], "Short.");
    assert_eq!(a["body"], "Body A\nline two\n");
    assert!(a["date"].as_str().is_some_and(|d| d.starts_with("2025-10-02")), "{a}");
    assert!(a["path"].as_str().is_some_and(|p| p.ends_with("a.md")), "{a}");
    assert_eq!(a["article"], serde_json::Value::Null);
    assert_eq!(lines[1]["title"], "Second");
    assert_eq!(lines[1]["body"], "");
    t.keys(&["q"]);
    t.wait_text("EXITED rc=0");
    drop(probe);
}

/// Issue 38: three posts picked (`x`), opened at once (each link to the
/// stand-in browser, the three marked read as one step), starred together,
/// and `z` undoes the star, then the read marks, of all three. At 80x24 and
/// 120x40.
#[test]
fn three_picked_posts_are_opened_and_marked_and_z_restores_them() {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let probe = Tmux::start("true", 10, 5, &[]);
        let (browser, log) = probe.fake_browser();
        let dir = probe.dir.join("feed");
        std::fs::create_dir_all(&dir).expect("mkdir");
        for i in 1..=4 {
            let text = format!(
                "---\ntitle: Post {i}\ndate: 2025-10-0{i}\nexternal_url: https://p{i}.example/\n---\n"
            );
            std::fs::write(dir.join(format!("p{i}.md")), text).expect("post");
        }
        let b = browser.to_string_lossy().into_owned();
        let t = Tmux::start(&cmdline(&[BIN, &dir.to_string_lossy()]), w, h, &[("BROWSER", &b)]);
        t.wait_text("4 posts, 4 unread");
        t.keys(&["x", "x", "x"]);
        t.wait_text("3 picked");
        t.keys(&["o"]);
        t.wait_text("4 posts, 1 unread");
        let mut got: Vec<String> = read_log(&log).lines().map(str::to_string).collect();
        got.sort();
        assert_eq!(got, ["https://p2.example/", "https://p3.example/", "https://p4.example/"], "{w}x{h}");
        t.keys(&["*"]);
        // The stars themselves: the status line's "3 picked posts starred"
        // is a notice that fades, and a loaded machine may miss it.
        t.wait_for("three stars", |s| s.matches('☆').count() == 3);
        t.keys(&["z"]);
        t.wait_for("the stars undone", |s| !s.contains('☆'));
        t.keys(&["z"]);
        t.wait_text("4 posts, 4 unread");
        // Esc drops the picks.
        t.keys(&["Escape"]);
        t.wait_for("no picks", |s| !s.contains(", 3 picked"));
        t.keys(&["q"]);
        t.wait_text("EXITED rc=0");
        drop(probe);
    }
}

/// Issue 38: a `[mute]` rule hides its posts from the list, the count and
/// a view's tab, and stops at its `until` (the next morning's start shows
/// them); `M` then mutes the selected post's source for a week from the
/// prompt. At 80x24 and 120x40.
#[test]
fn a_mute_rule_hides_its_posts_until_its_day_and_m_mutes_a_source() {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let probe = Tmux::start("true", 10, 5, &[]);
        let cfg = probe.dir.join("config/linkfeed");
        std::fs::create_dir_all(&cfg).expect("mkdir");
        std::fs::write(
            cfg.join("config.toml"),
            "[views]\nlinux = \"#linux\"\n[mute]\nlwn = { query = \"source:lwn\", until = \"2025-11-01\" }\n",
        )
        .expect("write config");
        let vars = probe.sandbox_env();
        let env_at = |now: &'static str| -> Vec<(String, String)> {
            let mut env = vars.clone();
            env.push(("LINKFEED_NOW".into(), now.into()));
            env
        };
        let env = env_at(SKIM_NOW);
        let refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let t = Tmux::start(&links(), w, h, &refs);
        let s = t.wait_text("41 posts, 41 unread, 3 muted");
        assert!(!s.contains("LWN"), "{w}x{h}: no LWN post in the list: {s}");
        assert!(s.contains("4 linux 2"), "{w}x{h}: the view's tab counts 5 - 3: {s}");
        // A query leaves them out; `is:muted` lists them.
        t.keys(&["/", "source:lwn", "Enter"]);
        t.wait_text("0 of 41");
        t.keys(&["Escape"]);
        std::thread::sleep(std::time::Duration::from_millis(150));
        t.keys(&["/", "is:muted", "Enter"]);
        let s = t.wait_text("3 of 44");
        assert!(s.contains("LWN"), "{w}x{h}: is:muted shows them: {s}");
        t.keys(&["q"]);
        t.wait_text("EXITED rc=0");
        drop(t);
        // The next day the rule has stopped by itself; M mutes the first
        // post's source (LWN's rust-in-linux post is among the newest).
        let env = env_at("2025-11-02T07:00:00Z");
        let refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let t = Tmux::start(&links(), w, h, &refs);
        let s = t.wait_text("44 posts, 44 unread");
        assert!(s.contains("LWN"), "{w}x{h}: the LWN posts are back: {s}");
        assert!(s.contains("4 linux 5"), "{w}x{h}: {s}");
        t.keys(&["/", "source:lwn", "Enter"]);
        t.wait_text("3 of 44");
        t.keys(&["M"]);
        t.wait_text("mute: 1 source:LWN.net");
        t.keys(&["1"]);
        t.wait_text("a week");
        t.keys(&["2"]);
        t.wait_text("through 2025-11-09");
        t.keys(&["Escape"]);
        std::thread::sleep(std::time::Duration::from_millis(150));
        let s = t.wait_text("41 posts, 41 unread, 3 muted");
        let panes: Vec<&str> =
            s.lines().filter(|l| !l.contains("posts hidden") && !l.contains("3 muted")).collect();
        assert!(!panes.join("\n").contains("LWN"), "{w}x{h}: muted by M: {s}");
        assert!(s.contains("4 linux 2"), "{w}x{h}: {s}");
        t.keys(&["q"]);
        t.wait_text("EXITED rc=0");
        let kept = std::fs::read_to_string(probe.dir.join("state/linkfeed/mutes.jsonl")).expect("kept");
        assert!(kept.contains("\"query\":\"source:LWN.net\"") && kept.contains("2025-11-09"), "{kept}");
    }
}
