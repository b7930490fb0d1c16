//! Git feeds: `linkfeed sync` against repositories built here (`file://`
//! URLs: the test machines have no network), `is:new`, `feeds`, `--feed`.
//! Needs the `git` program (`.ci/run` installs it).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

use std::path::{Path, PathBuf};

mod common;
use common::git_in as git;

/// A scratch home: a config naming one git feed, and a repository for it.
struct Setup {
    sandbox: common::Sandbox,
    root: PathBuf,
    repo: PathBuf,
}

fn post(repo: &Path, name: &str, title: &str, day: &str) {
    let dir = repo.join("content/posts");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join(name),
        format!(
            "---\ntitle: {title}\ndate: {day}\ntags: [news]\nexternal_url: https://example.org/{name}\n---\n"
        ),
    )
    .expect("write a post");
}

impl Setup {
    fn new() -> Setup {
        let sandbox = common::Sandbox::new();
        let root = sandbox.root.clone();
        let repo = root.join("remote");
        std::fs::create_dir_all(&repo).expect("mkdir");
        git(&repo, &["init", "-q", "-b", "main"]);
        post(&repo, "a.md", "Post A", "2026-01-01");
        post(&repo, "b.md", "Post B", "2026-01-02");
        post(&repo, "c.md", "Post C", "2026-01-03");
        std::fs::write(repo.join("README.md"), "not a post: outside content/\n").expect("write");
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", "first posts"]);
        let config = root.join("config/linkfeed");
        std::fs::create_dir_all(&config).expect("mkdir");
        std::fs::write(
            config.join("config.toml"),
            format!(
                "default_feed = \"news\"\n[feeds.news]\ngit = \"file://{}\"\npath = \"content\"\n[feeds.local]\ndir = \"{}\"\n",
                repo.display(),
                repo.join("content").display()
            ),
        )
        .expect("write config");
        Setup { sandbox, root, repo }
    }

    fn run(&self, args: &[&str]) -> (i32, String, String) {
        // The sandbox's folders are root/config, root/data, root/state, root/cache.
        let out = self
            .sandbox
            .linkfeed()
            .args(args)
            .env("LINKFEED_NOW", "2026-11-25T12:00:00Z")
            .output()
            .expect("run linkfeed");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn titles(&self, args: &[&str]) -> Vec<String> {
        let (code, out, err) = self.run(args);
        assert_eq!(code, 0, "{err}");
        let mut t: Vec<String> =
            out.lines().filter_map(|l| l.split('\t').nth(1)).map(str::to_string).collect();
        t.sort();
        t
    }

    fn commit(&self, message: &str) {
        git(&self.repo, &["add", "-A"]);
        git(&self.repo, &["commit", "-q", "-m", message]);
    }
}

#[test]
fn first_sync_then_two_added_one_changed_one_removed() {
    let s = Setup::new();
    // Before any sync the feed cannot be opened, and says what to do.
    let (code, _, err) = s.run(&["list"]);
    assert_eq!(code, 2);
    assert!(err.contains("has not been synced yet: run `linkfeed sync news`"), "{err}");
    let (code, out, err) = s.run(&["sync"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("news: 3 posts, first sync ("), "{out}");
    assert_eq!(s.titles(&["list"]), ["Post A", "Post B", "Post C"]);
    assert!(s.titles(&["list", "-q", "is:new"]).is_empty(), "nothing is new on a first sync");
    let (_, feeds, _) = s.run(&["feeds"]);
    assert!(feeds.contains("3 posts: first sync"), "issue 23: not \"0 new\": {feeds}");
    // The curator adds two posts, edits one, removes one.
    post(&s.repo, "d.md", "Post D", "2026-02-01");
    post(&s.repo, "e.md", "Post E", "2026-02-02");
    post(&s.repo, "b.md", "Post B, corrected", "2026-01-02");
    std::fs::remove_file(s.repo.join("content/posts/c.md")).expect("rm");
    std::fs::write(s.repo.join("README.md"), "edited, still not a post\n").expect("write");
    s.commit("more posts");
    let (code, out, _) = s.run(&["sync", "news"]);
    assert_eq!(code, 0);
    let line = out.trim();
    assert!(line.starts_with("news: 2 new, 1 changed, 1 removed ("), "{line}");
    assert!(
        line.ends_with(')') && line.len() == "news: 2 new, 1 changed, 1 removed (12345678, 2026-11-25)".len(),
        "{line}"
    );
    assert_eq!(s.titles(&["list"]), ["Post A", "Post B, corrected", "Post D", "Post E"]);
    assert_eq!(s.titles(&["list", "-q", "is:new"]), ["Post D", "Post E"]);
    assert_eq!(s.titles(&["list", "-q", "-is:new"]), ["Post A", "Post B, corrected"]);
    let (_, json, _) = s.run(&["list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let new: Vec<&str> = v
        .as_array()
        .expect("array")
        .iter()
        .filter(|p| p["new"] == true)
        .filter_map(|p| p["title"].as_str())
        .collect();
    assert_eq!(new.len(), 2);
    // A sync with nothing new keeps what the last one brought as new.
    let (code, out, _) = s.run(&["sync"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("news: up to date ("), "{out}");
    assert_eq!(s.titles(&["list", "-q", "is:new"]), ["Post D", "Post E"]);
    // feeds lists both feeds and the last sync.
    let (_, feeds, _) = s.run(&["feeds"]);
    assert!(feeds.contains("news (default)\tgit\tfile://"), "{feeds}");
    assert!(feeds.contains("4 posts: 2 new, 1 changed, 1 removed"), "{feeds}");
    assert!(feeds.contains("local\tdir\t"), "{feeds}");
}

#[test]
fn a_remote_that_has_gone_fails_and_keeps_the_last_copy() {
    let s = Setup::new();
    assert_eq!(s.run(&["sync"]).0, 0);
    let gone = s.root.join("moved-away");
    std::fs::rename(&s.repo, &gone).expect("mv");
    let (code, out, err) = s.run(&["sync"]);
    assert_eq!(code, 1);
    assert_eq!(err.lines().count(), 1, "failures go to stderr: {err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.starts_with("news: failed: ") && err.trim_end().ends_with("(the last copy is kept)"),
        "{err}"
    );
    // git's own reason, not its last line of advice.
    assert!(err.contains("does not appear to be a git repository"), "{err}");
    assert_eq!(s.titles(&["list"]), ["Post A", "Post B", "Post C"]);
    // A bad address never reaches git as an option.
    let cfg = s.root.join("config/linkfeed/config.toml");
    std::fs::write(&cfg, "[feeds.evil]\ngit = \"--upload-pack=touch /tmp/pwned\"\n").expect("write");
    let (code, _, err) = s.run(&["sync"]);
    assert_eq!(code, 2);
    assert!(err.contains("config.toml:") && err.contains("not a repository address"), "{err}");
}

#[test]
fn a_force_pushed_remote_is_followed_and_said_so() {
    let s = Setup::new();
    assert_eq!(s.run(&["sync"]).0, 0);
    post(&s.repo, "d.md", "Post D", "2026-02-01");
    s.commit("d");
    assert_eq!(s.run(&["sync"]).0, 0);
    // History rewritten: D is dropped and replaced by X.
    git(&s.repo, &["reset", "-q", "--hard", "HEAD~1"]);
    post(&s.repo, "x.md", "Post X", "2026-03-01");
    s.commit("x instead of d");
    let (code, out, _) = s.run(&["sync"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("1 new, 0 changed, 1 removed") && out.contains("history was rewritten: followed"),
        "{out}"
    );
    assert_eq!(s.titles(&["list"]), ["Post A", "Post B", "Post C", "Post X"]);
    assert_eq!(s.titles(&["list", "-q", "is:new"]), ["Post X"]);
}

#[test]
fn feed_names_choose_what_to_read() {
    let s = Setup::new();
    // A folder feed needs no sync.
    assert_eq!(s.titles(&["list", "-f", "local"]), ["Post A", "Post B", "Post C"]);
    assert_eq!(s.titles(&["list", "--feed", "local"]), ["Post A", "Post B", "Post C"]);
    let (code, _, err) = s.run(&["list", "-f", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("no feed is called \"nope\"") && err.contains("feeds: local, news"), "{err}");
    let (code, _, err) = s.run(&["sync", "local"]);
    assert_eq!(code, 2);
    assert!(err.contains("a folder feed"), "{err}");
    // A DIR argument still wins.
    let dir = s.repo.join("content").to_string_lossy().into_owned();
    assert_eq!(s.titles(&["list", &dir]).len(), 3);
}

/// Issue 23: a first sync that fails says there is no copy yet, on stderr,
/// with git's reason.
#[test]
fn a_first_sync_of_a_bad_remote_says_why_and_that_there_is_no_copy() {
    let s = Setup::new();
    std::fs::rename(&s.repo, s.root.join("gone")).expect("mv");
    let (code, out, err) = s.run(&["sync"]);
    assert_eq!(code, 1);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("does not appear to be a git repository"), "{err}");
    assert!(err.trim_end().ends_with("(no copy yet)"), "{err}");
}

/// Issue 21: three syncs of one feed at once, fifteen rounds: every one
/// ends well and the copy made current is whole.
#[test]
fn concurrent_syncs_never_make_a_partial_copy_current() {
    let s = Setup::new();
    assert_eq!(s.run(&["sync"]).0, 0);
    for round in 0..15 {
        for k in 0..3 {
            post(&s.repo, &format!("r{round}-{k}.md"), &format!("Round {round} post {k}"), "2026-02-01");
        }
        s.commit(&format!("round {round}"));
        let children: Vec<_> = (0..3)
            .map(|_| {
                s.sandbox
                    .linkfeed()
                    .arg("sync")
                    .env("LINKFEED_NOW", "2026-11-25T12:00:00Z")
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        for c in children {
            let out = c.wait_with_output().expect("wait");
            assert!(
                out.status.success(),
                "round {round}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert_eq!(s.titles(&["list"]).len(), 3 + 3 * (round + 1), "round {round}: a whole copy");
    }
}

/// Issue 21: a sync killed with its git children, at several points, leaves
/// nothing that stops the next one (git's lock files of a dead sync are
/// removed under the feed's own lock).
#[test]
fn a_sync_killed_with_its_children_does_not_stop_the_next() {
    use std::os::unix::process::CommandExt;
    let s = Setup::new();
    assert_eq!(s.run(&["sync"]).0, 0);
    for (i, delay_ms) in [0u64, 5, 15, 40, 80].into_iter().enumerate() {
        post(&s.repo, &format!("k{i}.md"), &format!("Killed {i}"), "2026-02-01");
        s.commit(&format!("k{i}"));
        let mut child = s
            .sandbox
            .linkfeed()
            .arg("sync")
            .process_group(0)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let pgid = format!("-{}", child.id());
        let _ = std::process::Command::new("kill").args(["-9", "--", &pgid]).status();
        let _ = child.wait();
        // What a kill at the worst moment leaves: git's own lock files.
        let repo = s.root.join("data/linkfeed/feeds/news/repo.git");
        for lock in ["shallow.lock", "index.lock", "refs/linkfeed/tip.lock"] {
            let p = repo.join(lock);
            if let Some(d) = p.parent() {
                let _ = std::fs::create_dir_all(d);
            }
            std::fs::write(&p, "").expect("plant a stale lock");
        }
        let (code, out, err) = s.run(&["sync"]);
        assert_eq!(code, 0, "after a kill at {delay_ms} ms: {out}{err}");
        assert_eq!(s.titles(&["list"]).len(), 4 + i, "{out}");
    }
}

/// Issue 21: after a sync that added one post to a large feed, the next
/// load parses only the files that changed (the cache is the feed's, not the
/// checkout's, and unchanged files are linked from the previous copy); old
/// checkouts are pruned (the current and the previous are kept).
#[test]
fn a_sync_that_adds_one_post_costs_one_parse() {
    let s = Setup::new();
    for i in 0..1500 {
        post(&s.repo, &format!("bulk-{i:04}.md"), &format!("Bulk {i}"), "2025-06-01");
    }
    s.commit("bulk");
    let (code, _, stats) = s.run(&["sync", "--stats"]);
    assert_eq!(code, 0, "{stats}");
    assert!(stats.contains("news: parsed: 1503, from cache: 0"), "{stats}");
    for round in 0..3 {
        post(&s.repo, &format!("one-more-{round}.md"), "One more", "2026-03-01");
        s.commit("one more");
        let (code, out, stats) = s.run(&["sync", "--stats"]);
        assert_eq!(code, 0);
        assert!(out.contains("1 new, 0 changed, 0 removed"), "{out}");
        assert!(!out.contains("rewritten"), "{out}");
        assert!(stats.contains(&format!("news: parsed: 1, from cache: {}", 1503 + round)), "{stats}");
        // The reader's next start parses nothing: the sync filled the feed's cache.
        let (_, _, stats) = s.run(&["list", "--stats"]);
        assert!(stats.contains(&format!("parsed: 0, from cache: {}", 1504 + round)), "{stats}");
    }
    let trees = std::fs::read_dir(s.root.join("data/linkfeed/feeds/news/trees")).expect("trees").count();
    assert_eq!(trees, 2, "the current and the previous checkout");
    let caches = std::fs::read_dir(s.root.join("cache/linkfeed/feeds"))
        .expect("caches")
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "bin"))
        .count();
    assert_eq!(caches, 1, "one parse cache for the feed");
}

/// Issue 21: a repository copy that lost the last commit (an interrupted
/// fetch, a removed repo.git) is no reason to say the history was rewritten;
/// what changed is counted from the files.
#[test]
fn a_lost_old_commit_is_not_a_rewritten_history() {
    let s = Setup::new();
    assert_eq!(s.run(&["sync"]).0, 0);
    post(&s.repo, "d.md", "Post D", "2026-02-01");
    s.commit("d");
    std::fs::remove_dir_all(s.root.join("data/linkfeed/feeds/news/repo.git")).expect("rm repo.git");
    let (code, out, err) = s.run(&["sync"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("news: 1 new, 0 changed, 0 removed"), "{out}");
    assert!(!out.contains("rewritten"), "{out}");
    assert_eq!(s.titles(&["list", "-q", "is:new"]), ["Post D"]);
}

/// Issue 23: a sync counts new posts in rows as the reader shows them: a
/// link filed twice is one row (the files are said beside it).
#[test]
fn a_sync_counts_rows_as_the_reader_shows_them() {
    let s = Setup::new();
    assert_eq!(s.run(&["sync"]).0, 0);
    post(&s.repo, "d.md", "Post D", "2026-02-01");
    // The same link as d.md, filed again: folded into d's row.
    let dir = s.repo.join("content/posts");
    std::fs::write(
        dir.join("d-again.md"),
        "---\ntitle: Post D again\ndate: 2026-02-01\nexternal_url: https://example.org/d.md\n---\n",
    )
    .expect("write");
    post(&s.repo, "e.md", "Post E", "2026-02-02");
    s.commit("three files, two rows");
    let (code, out, err) = s.run(&["sync"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("news: 2 new (3 files), 0 changed, 0 removed"), "{out}");
    assert_eq!(s.titles(&["list"]).len(), 5, "A, B, C, D (with its twin folded) and E");
}

/// Issue 38: `notify`: a sync that brings two posts calls the stand-in
/// notifier once, with the count and both titles as separate arguments; a
/// first sync, and one that brings none, do not call it.
#[test]
fn a_sync_that_brings_posts_calls_the_notifier_once_with_their_titles() {
    let s = Setup::new();
    let log = s.root.join("notified.log");
    let script = s.root.join("notify.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho call >> '{0}'\nfor a in \"$@\"; do printf '<%s>\\n' \"$a\" >> '{0}'; done\n",
            log.display()
        ),
    )
    .expect("script");
    std::process::Command::new("chmod").arg("+x").arg(&script).status().expect("chmod");
    let config = s.root.join("config/linkfeed/config.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    std::fs::write(
        &config,
        format!("notify = \"{} {{feed}} {{count}} {{titles}}\"\n{text}", script.display()),
    )
    .expect("config");
    let read = || std::fs::read_to_string(&log).unwrap_or_default();
    let (code, _, err) = s.run(&["sync"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(read(), "", "a first sync brings the whole feed: not news");
    post(&s.repo, "d.md", "Post D", "2026-02-01");
    post(&s.repo, "e.md", "Post E", "2026-02-02");
    s.commit("two posts");
    let (code, _, err) = s.run(&["sync"]);
    assert_eq!(code, 0, "{err}");
    let got = read();
    assert_eq!(got.matches("call").count(), 1, "{got}");
    assert!(got.starts_with("call\n<news>\n<2>\n<Post "), "{got}");
    assert!(got.contains("Post D") && got.contains("Post E"), "{got}");
    let (code, _, _) = s.run(&["sync"]);
    assert_eq!(code, 0);
    assert_eq!(read(), got, "a sync that brings nothing tells nothing");
    // A muted post is no news: one of two counted, and a sync that brings
    // only muted posts tells nothing.
    let text = std::fs::read_to_string(&config).expect("config");
    std::fs::write(&config, format!("{text}\n[mute]\nspam = \"^Spam\"\n")).expect("config");
    post(&s.repo, "f.md", "Spam again", "2026-02-03");
    post(&s.repo, "g.md", "Post G", "2026-02-04");
    s.commit("one muted, one not");
    let (code, _, err) = s.run(&["sync"]);
    assert_eq!(code, 0, "{err}");
    let more = read()[got.len()..].to_string();
    assert_eq!(more, "call\n<news>\n<1>\n<Post G>\n", "{more}");
    post(&s.repo, "h.md", "Spam once more", "2026-02-05");
    s.commit("only muted");
    let (code, _, err) = s.run(&["sync"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(read()[got.len()..], more, "only muted posts: nothing told");
}
