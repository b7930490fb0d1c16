//! Git feeds: `linkfeed sync` against repositories built here (`file://`
//! URLs: the test machines have no network), `is:new`, `feeds`, `--feed`.
//! Needs the `git` program (`.ci/run` installs it).

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
    let (code, out, _) = s.run(&["sync"]);
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.starts_with("news: failed: ") && out.trim_end().ends_with("(the last copy is kept)"),
        "{out}"
    );
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
