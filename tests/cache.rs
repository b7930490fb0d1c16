//! The parse cache, from the outside: `list --stats` says what came from
//! it; edits, removals, same-second edits and damaged caches never show
//! stale content.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

use std::path::{Path, PathBuf};

mod common;
use common::backdate;

struct Feed {
    sandbox: common::Sandbox,
    dir: PathBuf,
    cache: PathBuf,
}

fn post(dir: &Path, name: &str, title: &str) {
    std::fs::write(
        dir.join(name),
        format!(
            "---\ntitle: {title}\ndate: 2026-01-0{}\nexternal_url: https://example.org/{name}\n---\nBody.\n",
            name.len() % 9 + 1
        ),
    )
    .expect("write");
}

impl Feed {
    fn new() -> Feed {
        let sandbox = common::Sandbox::new();
        let dir = sandbox.root.join("feed");
        std::fs::create_dir_all(dir.join("2026")).expect("mkdir");
        for i in 0..20 {
            post(&dir.join("2026"), &format!("p{i:02}.md"), &format!("Post {i:02}"));
        }
        let cache = sandbox.cache();
        Feed { sandbox, dir, cache }
    }

    /// `list --stats`: the titles, and the stats line.
    fn list(&self, extra: &[&str]) -> (Vec<String>, String) {
        let out = self
            .sandbox
            .linkfeed()
            .arg("list")
            .arg(&self.dir)
            .arg("--stats")
            .args(extra)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let mut titles: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split('\t').nth(1).map(str::to_string))
            .collect();
        titles.sort();
        (titles, String::from_utf8_lossy(&out.stderr).into_owned())
    }

    /// The parse caches (`.bin`; beside each, its saved order and index).
    fn cache_files(&self) -> Vec<PathBuf> {
        self.all_cache_files().into_iter().filter(|p| p.extension().is_some_and(|e| e == "bin")).collect()
    }

    fn all_cache_files(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.cache.join("linkfeed/feeds"))
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default()
    }
}

#[test]
fn the_second_start_parses_nothing_and_an_edit_shows_its_new_title() {
    let f = Feed::new();
    let (first, stats) = f.list(&[]);
    assert_eq!(first.len(), 20);
    assert!(stats.contains("parsed: 20, from cache: 0") && stats.contains("(written)"), "{stats}");
    assert!(stats.contains("no cache yet"), "{stats}");
    let (second, stats) = f.list(&[]);
    assert_eq!(second, first);
    assert!(stats.contains("parsed: 0, from cache: 20, stale cache entries: 0"), "{stats}");
    assert!(!stats.contains("(written)"), "nothing changed: nothing written: {stats}");
    // An edited post shows its new title; only it is parsed again.
    post(&f.dir.join("2026"), "p03.md", "Post 03, edited later");
    let (third, stats) = f.list(&[]);
    assert!(third.contains(&"Post 03, edited later".to_string()), "{third:?}");
    assert!(!third.contains(&"Post 03".to_string()));
    assert!(stats.contains("parsed: 1, from cache: 19, stale cache entries: 1"), "{stats}");
    // A removed file is gone; a new one is there.
    std::fs::remove_file(f.dir.join("2026/p04.md")).expect("rm");
    post(&f.dir, "new.md", "A new post");
    let (fourth, stats) = f.list(&[]);
    assert_eq!(fourth.len(), 20);
    assert!(!fourth.contains(&"Post 04".to_string()) && fourth.contains(&"A new post".to_string()));
    assert!(stats.contains("parsed: 1, from cache: 19, stale cache entries: 1"), "{stats}");
}

#[test]
fn an_edit_in_the_same_second_with_the_same_size_and_time_is_caught_by_its_checksum() {
    let f = Feed::new();
    let path = f.dir.join("2026/p05.md");
    post(&f.dir.join("2026"), "p05.md", "Racy AAAA");
    let before = std::fs::metadata(&path).expect("stat");
    // The cache is written within the second the file was.
    let (titles, _) = f.list(&[]);
    assert!(titles.contains(&"Racy AAAA".to_string()));
    // Same length, same inode, and the time put back: only the bytes differ.
    let text = std::fs::read_to_string(&path).expect("read").replace("Racy AAAA", "Racy BBBB");
    let file = std::fs::OpenOptions::new().write(true).open(&path).expect("open");
    use std::io::Write;
    (&file).write_all(text.as_bytes()).expect("write");
    file.set_modified(before.modified().expect("mtime")).expect("set mtime");
    drop(file);
    let after = std::fs::metadata(&path).expect("stat");
    assert_eq!((after.len(), after.modified().ok()), (before.len(), before.modified().ok()));
    let (titles, _) = f.list(&[]);
    assert!(titles.contains(&"Racy BBBB".to_string()), "{titles:?}");
}

#[test]
fn a_truncated_or_damaged_cache_is_rebuilt_never_trusted() {
    let f = Feed::new();
    let (good, _) = f.list(&[]);
    let files = f.cache_files();
    assert_eq!(files.len(), 1, "{files:?}");
    let cache = files[0].clone();
    // Truncated.
    let bytes = std::fs::read(&cache).expect("read");
    std::fs::write(&cache, &bytes[..bytes.len() / 2]).expect("truncate");
    let (titles, stats) = f.list(&[]);
    assert_eq!(titles, good);
    assert!(stats.contains("cache ignored: truncated") && stats.contains("parsed: 20"), "{stats}");
    // Bytes flipped in the middle of a block (a title, say).
    let mut bytes = std::fs::read(&cache).expect("read");
    let at = bytes.windows(7).position(|w| w == b"Post 07").expect("a title in the cache");
    bytes[at + 5] ^= 0x01;
    std::fs::write(&cache, &bytes).expect("flip");
    let (titles, stats) = f.list(&[]);
    assert_eq!(titles, good, "never the damaged title");
    assert!(stats.contains("cache ignored: damaged") && stats.contains("parsed: 20"), "{stats}");
    // Garbage.
    std::fs::write(&cache, b"not a cache at all").expect("write");
    let (titles, stats) = f.list(&[]);
    assert_eq!(titles, good);
    assert!(stats.contains("cache ignored"), "{stats}");
    // And it was rebuilt each time: the next start uses it.
    let (_, stats) = f.list(&[]);
    assert!(stats.contains("parsed: 0, from cache: 20"), "{stats}");
}

#[test]
fn a_cache_written_for_another_folder_is_ignored() {
    let f = Feed::new();
    f.list(&[]);
    let other = f.dir.parent().expect("parent").join("other");
    std::fs::create_dir_all(&other).expect("mkdir");
    post(&other, "x.md", "Only in the other folder");
    let list_other = || f.sandbox.linkfeed().args(["list", "--stats"]).arg(&other).output().expect("runs");
    // Give the other folder this folder's cache.
    let out = list_other();
    assert!(String::from_utf8_lossy(&out.stderr).contains("no cache yet"));
    let files = f.cache_files();
    assert_eq!(files.len(), 2);
    // Which cache is whose: the footer names the folder.
    let other_key = std::fs::canonicalize(&other).expect("canonical").to_string_lossy().into_owned();
    let holds =
        |p: &PathBuf, s: &str| std::fs::read(p).expect("read").windows(s.len()).any(|w| w == s.as_bytes());
    let (theirs, mine): (Vec<&PathBuf>, Vec<&PathBuf>) = files.iter().partition(|p| holds(p, &other_key));
    assert_eq!((theirs.len(), mine.len()), (1, 1));
    std::fs::copy(mine[0], theirs[0]).expect("copy");
    let out = list_other();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.contains("Only in the other folder"));
    assert!(stderr.contains("cache ignored: written for another folder"), "{stderr}");
}

#[test]
fn no_cache_reads_everything_and_writes_nothing_and_clear_removes_it() {
    let f = Feed::new();
    let (_, stats) = f.list(&["--no-cache"]);
    assert!(stats.contains("parsed: 20, from cache: 0") && !stats.contains("written"), "{stats}");
    assert!(f.cache_files().is_empty());
    f.list(&[]);
    assert_eq!(f.cache_files().len(), 1);
    let (_, stats) = f.list(&["--no-cache"]);
    assert!(stats.contains("parsed: 20"), "{stats}");
    let out = f.sandbox.linkfeed().args(["cache", "clear"]).output().expect("runs");
    assert!(out.status.success());
    assert!(f.all_cache_files().is_empty());
}

#[test]
fn a_cache_that_cannot_be_written_costs_only_the_speed() {
    let f = Feed::new();
    // The cache folder is a file: nothing can be written below it.
    std::fs::write(&f.cache, b"").expect("write");
    let (titles, stats) = f.list(&[]);
    assert_eq!(titles.len(), 20);
    assert!(stats.contains("cache not written"), "{stats}");
}

#[test]
fn when_no_folder_changed_the_walk_is_skipped_and_edits_still_show() {
    let f = Feed::new();
    backdate(&f.dir);
    let (first, stats) = f.list(&[]);
    assert!(!stats.contains("skipped"), "no cache yet: {stats}");
    let (second, stats) = f.list(&[]);
    assert_eq!(second, first);
    assert!(stats.contains("(skipped: no folder changed)") && stats.contains("parsed: 0"), "{stats}");
    // An edit in place changes the file, not its folder: still no walk, and the new title.
    post(&f.dir.join("2026"), "p07.md", "Post 07 rewritten");
    let (third, stats) = f.list(&[]);
    assert!(third.contains(&"Post 07 rewritten".to_string()), "{third:?}");
    assert!(stats.contains("(skipped: no folder changed)") && stats.contains("parsed: 1"), "{stats}");
    // A new file changes its folder: walked, and found.
    post(&f.dir.join("2026"), "p99.md", "Post 99 arrives");
    let (fourth, stats) = f.list(&[]);
    assert!(fourth.contains(&"Post 99 arrives".to_string()), "{fourth:?}");
    assert!(!stats.contains("skipped"), "{stats}");
    // A file removed from a backdated folder: walked, and gone.
    backdate(&f.dir);
    f.list(&[]);
    std::fs::remove_file(f.dir.join("2026/p01.md")).expect("rm");
    let (fifth, _) = f.list(&[]);
    assert!(!fifth.contains(&"Post 01".to_string()));
    assert_eq!(fifth.len(), 20);
}

/// `list` without `--json` or a text query loads the posts without their
/// tldr and summary (they are most of a large feed's memory). That must
/// never reach the cache: after lean starts, with and without an edit in
/// between, `list --json` still gives every summary, and the edited one new.
#[test]
fn lean_starts_leave_every_summary_in_the_cache() {
    let f = Feed::new();
    let with_summary = |name: &str, title: &str, summary: &str| {
        std::fs::write(
            f.dir.join("2026").join(name),
            format!("---\ntitle: {title}\ndate: 2026-02-01\ntldr: Short {title}.\nsummary: {summary}\n---\n"),
        )
        .expect("write");
    };
    with_summary("s1.md", "Summed one", "The first summary.");
    with_summary("s2.md", "Summed two", "The second summary.");
    // Old files and folders: the start that skips the walk (the usual one).
    backdate(&f.dir);
    f.list(&[]); // writes the cache
    let (_, stats) = f.list(&[]); // lean, from the cache
    assert!(stats.contains("(skipped: no folder changed)"), "{stats}");
    assert!(stats.contains("parsed: 0, from cache: 22"), "{stats}");
    let summaries = || -> Vec<(String, String, String)> {
        let (json, _) = common::list_in(&f.dir, &f.cache, &f.sandbox.state(), &["--json"]);
        let v: serde_json::Value = serde_json::from_str(&json).expect("json");
        let mut s: Vec<(String, String, String)> = v
            .as_array()
            .expect("array")
            .iter()
            .filter(|p| p["title"].as_str().is_some_and(|t| t.starts_with("Summed")))
            .map(|p| {
                let text = |k: &str| p[k].as_str().unwrap_or_default().to_string();
                (text("title"), text("tldr"), text("summary"))
            })
            .collect();
        s.sort();
        s
    };
    let whole = vec![
        ("Summed one".to_string(), "Short Summed one.".to_string(), "The first summary.".to_string()),
        ("Summed two".to_string(), "Short Summed two.".to_string(), "The second summary.".to_string()),
    ];
    assert_eq!(summaries(), whole);
    // An edit: the lean start finds it, loads whole, and writes the cache back.
    with_summary("s2.md", "Summed two", "The second summary, revised.");
    let (_, stats) = f.list(&[]);
    assert!(stats.contains("(skipped: no folder changed)"), "{stats}");
    assert!(stats.contains("parsed: 1") && stats.contains("(written)"), "{stats}");
    let (_, stats) = f.list(&[]);
    assert!(stats.contains("parsed: 0, from cache: 22"), "{stats}");
    let mut revised = whole.clone();
    revised[1].2 = "The second summary, revised.".to_string();
    assert_eq!(summaries(), revised);
    // A post comes (its folder changes: the walk, as after a sync): the lean
    // start reads the cache without the text and writes it anew a block at
    // a time, every summary kept, the new one with them.
    with_summary("s3.md", "Summed three", "The third summary.");
    let (_, stats) = f.list(&[]);
    assert!(
        !stats.contains("skipped") && stats.contains("parsed: 1") && stats.contains("(written)"),
        "{stats}"
    );
    revised.push((
        "Summed three".to_string(),
        "Short Summed three.".to_string(),
        "The third summary.".to_string(),
    ));
    revised.sort();
    assert_eq!(summaries(), revised);
    // And a post goes: the others keep theirs.
    std::fs::remove_file(f.dir.join("2026/s1.md")).expect("rm");
    let (_, stats) = f.list(&[]);
    assert!(!stats.contains("skipped") && stats.contains("(written)"), "{stats}");
    revised.retain(|(title, _, _)| title != "Summed one");
    assert_eq!(summaries(), revised);
}

/// Issue 21: problems are part of what the cache remembers: an oversized
/// post is reported by every `check`, also when the walk is skipped for an
/// unchanged folder.
#[test]
fn an_oversized_post_is_reported_by_every_run() {
    let f = Feed::new();
    let big = f.dir.join("2026/huge.md");
    let mut text = b"---\ntitle: Huge\n---\n".to_vec();
    text.resize(33 << 20, b'x');
    std::fs::write(&big, text).expect("write");
    std::fs::write(f.dir.join("2026/binary.md"), b"---\ntitle: x\n---\n\0\0").expect("write");
    backdate(&f.dir);
    for run in 1..=3 {
        let out = f.sandbox.linkfeed().arg("check").arg(&f.dir).output().expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "run {run}: {text}");
        assert!(text.contains("huge.md:1: error: the file is over 32 MiB"), "run {run}: {text}");
        assert!(text.contains("binary.md:1: error: this is a binary file"), "run {run}: {text}");
        assert!(text.contains("2 errors"), "run {run}: {text}");
    }
    let (_, stats) = f.list(&[]);
    assert!(stats.contains("(skipped: no folder changed)"), "the walk was skipped: {stats}");
}

/// Issue 25: the order saved beside the cache puts an unchanged feed newest
/// first without sorting it again, and is passed over once the clock moves
/// past an event's date (an event still to come sorts by when it was
/// published, one that has happened by its date): then, and back again,
/// every listing is the one a load without the cache gives.
#[test]
fn the_saved_order_holds_until_an_upcoming_event_starts() {
    let sandbox = common::Sandbox::new();
    let dir = sandbox.root.join("feed");
    for section in ["news", "events"] {
        std::fs::create_dir_all(dir.join(section)).expect("mkdir");
    }
    for day in 1..=28 {
        let text = format!(
            "---\ntitle: News of February {day}\ndate: 2026-02-{day:02}\nexternal_url: https://example.org/{day}\n---\n"
        );
        std::fs::write(dir.join(format!("news/{day:02}.md")), text).expect("write");
    }
    std::fs::write(
        dir.join("events/summit.md"),
        "---\ntitle: The March summit\ndate: 2026-03-10\npublishDate: 2026-01-05\nexternal_url: https://example.org/summit\n---\n",
    )
    .expect("write");
    // Written an hour ago: nothing is racy, the unchanged-folder load runs.
    backdate(&dir);
    let list = |now: &str, extra: &[&str]| {
        let out = sandbox
            .linkfeed()
            .env("LINKFEED_NOW", now)
            .arg("list")
            .arg(&dir)
            .arg("--stats")
            .args(extra)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let titles: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split('\t').nth(1).map(str::to_string))
            .collect();
        (titles, String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let feb = "2026-03-01T08:00:00Z";
    let march = "2026-03-11T08:00:00Z";
    let (first, stats) = list(feb, &[]);
    assert!(stats.contains("(written)") && !stats.contains("(the saved order)"), "{stats}");
    assert_eq!(first.len(), 29);
    assert_eq!(first.last().map(String::as_str), Some("The March summit"), "to come: by its publish date");
    let (second, stats) = list(feb, &[]);
    assert!(stats.contains("from cache: 29") && stats.contains("(the saved order)"), "{stats}");
    assert_eq!(second, first);
    assert_eq!(list(feb, &["--no-cache"]).0, first);
    // The summit has happened: it is the newest post.
    let (after, stats) = list(march, &[]);
    assert!(stats.contains("from cache: 29") && !stats.contains("(the saved order)"), "{stats}");
    assert_eq!(after.first().map(String::as_str), Some("The March summit"), "{after:?}");
    assert_eq!(after, list(march, &["--no-cache"]).0);
    assert!(list(march, &[]).1.contains("(the saved order)"), "saved again for the new time");
    // Back before it (a clock set back): sorted again, as without the cache.
    let (back, stats) = list(feb, &[]);
    assert!(!stats.contains("(the saved order)"), "{stats}");
    assert_eq!(back, first);
}

/// Issue 25: whatever writes the parse cache writes the search index, so a
/// one-shot query after a plain `list` (no reader run), and after one post
/// changed, finds words in the summaries through it, without reading them,
/// and lists what a load without the cache lists.
#[test]
fn a_list_that_writes_the_cache_writes_the_index_a_query_then_uses() {
    let f = Feed::new();
    let summary = |name: &str, title: &str, summary: &str| {
        std::fs::write(
            f.dir.join(name),
            format!("---\ntitle: {title}\ndate: 2026-02-01\nsummary: {summary}\nexternal_url: https://example.org/{name}\n---\n"),
        )
        .expect("write");
    };
    summary("2026/s1.md", "Quarterly numbers", "The zeppelin fleet grew by three airships.");
    summary("2026/s2.md", "Harbour news", "Nothing about airships here.");
    backdate(&f.dir);
    let (_, stats) = f.list(&[]);
    assert!(
        stats.contains("(written)") && stats.contains("word index of the text built and saved"),
        "{stats}"
    );
    let query = |q: &str| {
        let (titles, stats) = f.list(&["-q", q]);
        assert_eq!(titles, f.list(&["-q", q, "--no-cache"]).0, "{q}: as without the cache");
        (titles, stats)
    };
    let (titles, stats) = query("zeppelin");
    assert_eq!(titles, vec!["Quarterly numbers".to_string()]);
    // The index answers it alone: the posts only gone through, the one
    // printed read in place.
    assert!(
        stats.contains("(with the saved word index of the text)")
            && stats.contains("parsed: 0")
            && stats.contains("posts only gone through; 0 made whole, 1 rows read in place"),
        "{stats}"
    );
    let (titles, _) = query("airships");
    assert_eq!(titles.len(), 2, "{titles:?}");
    // One post changes: the list that rewrites the cache rewrites the
    // index, renumbering the one saved (only the changed post's text read).
    summary("2026/s2.md", "Harbour news", "A zeppelin moored in the harbour.");
    let (_, stats) = f.list(&[]);
    assert!(
        stats.contains("parsed: 1") && stats.contains("word index of the text renumbered and saved"),
        "{stats}"
    );
    let (titles, stats) = query("zeppelin");
    assert_eq!(titles, vec!["Harbour news".to_string(), "Quarterly numbers".to_string()]);
    assert!(stats.contains("(with the saved word index of the text"), "{stats}");
    // The changed post's old words are gone from the index.
    let (titles, _) = query("airships");
    assert_eq!(titles, vec!["Quarterly numbers".to_string()]);
    // A phrase reads the text itself: still right.
    let (titles, _) = query("\"moored in\"");
    assert_eq!(titles, vec!["Harbour news".to_string()]);
    // A post comes (its folder changes: the folder is walked, the cache
    // written whole): the index is renumbered too, and finds the new words.
    summary("2026/s3.md", "Fresh arrival", "A quokka boarded the zeppelin.");
    let (_, stats) = f.list(&["-q", "quokka"]);
    assert!(
        !stats.contains("skipped") && stats.contains("word index of the text renumbered and saved"),
        "{stats}"
    );
    let (titles, _) = query("zeppelin");
    assert_eq!(titles, ["Fresh arrival", "Harbour news", "Quarterly numbers"].map(String::from));
    let (titles, _) = query("quokka");
    assert_eq!(titles, vec!["Fresh arrival".to_string()]);
    // Words of the titles, looked up in the short fields' words the saved
    // index keeps (moved to the posts' places now, the new post's added).
    let (titles, stats) = query("fresh");
    assert_eq!(titles, vec!["Fresh arrival".to_string()]);
    assert!(stats.contains("(with the saved word index of the text"), "{stats}");
    let (titles, _) = query("quarterly");
    assert_eq!(titles, vec!["Quarterly numbers".to_string()]);
    let (titles, _) = query("news");
    assert_eq!(titles, vec!["Harbour news".to_string()]);
}

/// The folders' times of `dir` an hour back, its files' left as they are.
fn backdate_folders(dir: &Path) {
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            backdate_folders(&entry.path());
        }
    }
    std::fs::File::open(dir).expect("open folder").set_modified(hour_ago).expect("set folder mtime");
}

/// A cache written right after posts came (as a sync does) records folders
/// changed within a second of its writing, which it cannot trust: the next
/// load walks. Once the folders have settled, a walk that finds every file
/// as the cache holds them writes the cache again with the folders as they
/// are (the same posts: the saved order and index still fit), so the loads
/// after it skip the walk again instead of walking on every start.
#[test]
fn a_walk_that_finds_nothing_changed_lets_the_next_load_skip_the_walk() {
    let f = Feed::new();
    backdate(&f.dir);
    f.list(&[]);
    post(&f.dir.join("2026"), "p99.md", "Post 99 arrives");
    let (_, stats) = f.list(&[]);
    assert!(stats.contains("parsed: 1") && stats.contains("(written)"), "{stats}");
    let (titles, stats) = f.list(&[]);
    assert!(!stats.contains("skipped") && stats.contains("parsed: 0"), "the folder is racy: {stats}");
    // Time passes (the folder's time moves back, its files stay as they are).
    backdate_folders(&f.dir);
    let (again, stats) = f.list(&["-q", "post"]);
    assert!(!stats.contains("skipped") && stats.contains("parsed: 0"), "{stats}");
    assert_eq!(again.len(), 21);
    let (after, stats) = f.list(&[]);
    assert_eq!(after, titles);
    assert!(
        stats.contains("(skipped: no folder changed)")
            && stats.contains("parsed: 0")
            && stats.contains("(the saved order)"),
        "{stats}"
    );
    let (found, stats) = f.list(&["-q", "arrives"]);
    assert_eq!(found, vec!["Post 99 arrives".to_string()]);
    assert!(stats.contains("(skipped: no folder changed)"), "{stats}");
    // A post added after it is still found (the folder changes again).
    post(&f.dir.join("2026"), "p98.md", "Post 98 later");
    let (later, _) = f.list(&[]);
    assert!(later.contains(&"Post 98 later".to_string()), "{later:?}");
}

/// Issue 25: after one post of a 1,300-post feed changed (three blocks of
/// the cache), the cache is written anew a block at a time (the blocks
/// that did not change copied as they were, the one that did re-encoded,
/// the new entry after them): the next loads read every post from it as a
/// load without the cache gives them, in the same order, and a query finds
/// words of summaries in all three blocks through the index built from it.
#[test]
fn a_cache_rewritten_a_block_at_a_time_gives_the_posts_a_full_load_gives() {
    let sandbox = common::Sandbox::new();
    let dir = sandbox.root.join("feed");
    std::fs::create_dir_all(dir.join("a")).expect("mkdir");
    let write = |i: usize, word: &str| {
        std::fs::write(
            dir.join(format!("a/p{i:04}.md")),
            format!(
                "---\ntitle: Post number {i}\ndate: 2026-01-01T00:{:02}:{:02}Z\ntags: [t{}]\nsummary: A summary with {word} in it.\nexternal_url: https://example.org/{i}\n---\n",
                i / 60 % 60,
                i % 60,
                i % 7
            ),
        )
        .expect("write");
    };
    for i in 0..1300 {
        write(i, if i % 500 == 3 { "quokka" } else { "nothing" });
    }
    backdate(&dir);
    let list = |extra: &[&str]| {
        let out = sandbox.linkfeed().arg("list").arg(&dir).arg("--stats").args(extra).output().expect("runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (first, stats) = list(&[]);
    assert!(stats.contains("(written)"), "{stats}");
    // One post in the middle block changes, in place (its folder does not).
    write(700, "quokka");
    // (Newest first: a query the lazy path leaves to the usual load.)
    let (_, stats) = list(&["-q", "quokka", "--sort", "newest"]);
    assert!(
        stats.contains("parsed: 1, from cache: 1299")
            && stats.contains("(written)")
            && stats.contains("the word index of the text renumbered and saved"),
        "{stats}"
    );
    let after = list(&[]).0;
    assert_eq!(after, first, "the rows show no summary: the same rows");
    let (again, stats) = list(&[]);
    assert!(stats.contains("parsed: 0, from cache: 1300") && !stats.contains("(written)"), "{stats}");
    let (whole, _) = list(&["--no-cache"]);
    assert_eq!(after, whole);
    assert_eq!(again, whole);
    // Words of summaries from every block, through the index made from the
    // rewritten cache, and the same with the text read (--json reads it).
    let (found, stats) = list(&["-q", "quokka"]);
    assert!(stats.contains("with the saved word index of the text"), "{stats}");
    let titles = |text: &str| {
        let mut t: Vec<String> =
            text.lines().filter_map(|l| l.split('\t').nth(1).map(String::from)).collect();
        t.sort();
        t
    };
    assert_eq!(titles(&found), ["Post number 1003", "Post number 3", "Post number 503", "Post number 700"]);
    assert_eq!(found, list(&["-q", "quokka", "--no-cache"]).0);
    // Whole posts from the rewritten cache: the JSON equals a full load's.
    assert_eq!(list(&["--json"]).0, list(&["--json", "--no-cache"]).0);
}

/// Issue 25: a one-shot query the saved search index answers alone, on a
/// feed unchanged since its cache was written, goes through the cache's
/// entries without making the posts and makes only those it prints: it
/// lists exactly what a load without the cache lists (every column, in
/// order), with section pages, posts that share a link, a draft, a post
/// not published yet, an event and a file that does not parse in the feed.
/// A query it cannot answer alone, and any query once a file changed, is
/// answered by the usual load, the same.
/// The feed of the lazy-query tests: 120 posts over four sections (two
/// with section pages), two pairs that share a link, a draft, a post not
/// published yet and a file that does not parse; its cache written by a
/// `list` once the folders settled.
fn feed_for_queries() -> (Feed, impl Fn(&str, &str)) {
    let f = Feed::new();
    let dir = f.dir.clone();
    let write = move |rel: &str, text: &str| {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write("docs/_index.md", "---\ntitle: The Documentation\n---\n");
    write("events/_index.md", "---\ntitle: Meetups\n---\n");
    let words = ["kube", "security", "gateway", "mesh", "rust", "storage", "editor"];
    for i in 0..120 {
        let w = |k: usize| words[(i * 3 + k) % words.len()];
        let section = ["docs", "blog", "events", "releases"][i % 4];
        let link = if i % 29 == 1 { i - 1 } else { i };
        write(
            &format!("{section}/{}/p{i}.md", i % 5),
            &format!(
                "---\ntitle: {} {} notes {i}\ndate: 2025-{:02}-{:02}\ntags: [{}, t{}]\nsource: {} Weekly\nexternal_url: https://example.org/{link}\nsummary: On {} and {}.\n---\nBody.\n",
                w(0),
                w(1),
                1 + i % 12,
                1 + i % 27,
                w(2),
                i % 4,
                w(3),
                w(4),
                w(5),
            ),
        );
    }
    write("blog/draft.md", "---\ntitle: Kube draft\ndate: 2025-06-01\ndraft: true\n---\n");
    write("blog/later.md", "---\ntitle: Kube later\ndate: 2025-06-01\npublishDate: 2099-01-01\n---\n");
    write("blog/broken.md", "---\ntitle: [unclosed\n---\n");
    backdate(&f.dir);
    f.list(&[]);
    (f, write)
}

/// `linkfeed list DIR --stats ARGS`: its stdout and stderr.
fn raw_list(f: &Feed, args: &[&str]) -> (String, String) {
    let out = f.sandbox.linkfeed().arg("list").arg(&f.dir).arg("--stats").args(args).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_query_the_index_answers_alone_makes_only_the_posts_it_prints() {
    let (f, write) = feed_for_queries();
    let raw = |args: &[&str]| raw_list(&f, args);
    let lazy = "posts only gone through";
    let queries = [
        "kube sec",
        "security",
        "gatway",
        "mesh -rust",
        "kube #secur",
        "rust @weekly",
        "kube in:docs",
        "notes",
    ];
    // The problems counted as a load without the cache counts them: the
    // broken file, and each post whose link another has too.
    let problems =
        |stats: &str| stats.split("problems: ").nth(1).and_then(|r| r.split(';').next()).map(str::to_string);
    for q in queries {
        let (out, stats) = raw(&["-q", q]);
        assert!(stats.contains(lazy), "{q}: {stats}");
        let (want, want_stats) = raw(&["-q", q, "--no-cache"]);
        assert_eq!(out, want, "{q}: as without the cache");
        assert_eq!(problems(&stats), problems(&want_stats), "{q}: {stats}");
        assert!(!out.is_empty() || q == "mesh -rust", "{q}");
    }
    // With the drafts, other posts: the index saved is not theirs (the
    // usual load makes theirs), then it is.
    for q in ["kube draft", "kube"] {
        let (out, _) = raw(&["-q", q, "--drafts"]);
        assert_eq!(out, raw(&["-q", q, "--drafts", "--no-cache"]).0, "{q} --drafts");
        assert!(out.contains("Kube draft") && !out.contains("Kube later"), "{out}");
    }
    assert!(raw(&["-q", "kube draft", "--drafts"]).1.contains(lazy));
    // Not answered by the index alone: the usual load, the same lines.
    for args in [
        &["-q", "Kube"][..],
        &["-q", "kube", "--sort", "newest"],
        &["-q", "kube", "--json"],
        &["-q", "\"kube sec\""],
    ] {
        let (out, stats) = raw(args);
        assert!(!stats.contains(lazy), "{args:?}: {stats}");
        let no_cache: Vec<&str> = args.iter().copied().chain(["--no-cache"]).collect();
        assert_eq!(out, raw(&no_cache).0, "{args:?}");
    }
    // A file changed, its link too: the usual load (which writes the cache
    // and index again), then the lazy one again.
    write("docs/0/p0.md", "---\ntitle: Kube security, rewritten\ndate: 2025-01-01\n---\n");
    let (out, stats) = raw(&["-q", "kube sec"]);
    assert!(!stats.contains(lazy) && stats.contains("parsed: 1"), "{stats}");
    assert!(out.contains("Kube security, rewritten"), "{out}");
    assert_eq!(out, raw(&["-q", "kube sec", "--no-cache"]).0);
    let (again, stats) = raw(&["-q", "kube sec"]);
    assert!(stats.contains(lazy), "{stats}");
    assert_eq!(again, out);
}

/// Issue 25: right after a few posts were edited in place (their words:
/// title, tags, source, summary), a one-shot query the saved index
/// answers alone still takes the lazy path: it reads the edited files
/// again and matches them through an index of their own, and lists
/// exactly what a load without the cache lists, edits found and old words
/// gone. An edit that moves or folds a post (its date, its link, a post
/// that shares its link), a file that no longer parses and more edits than
/// it takes in are left to the usual load, which lists the same.
#[test]
fn a_query_right_after_posts_were_edited_reads_only_the_edited_files() {
    let (f, write) = feed_for_queries();
    let raw = |args: &[&str]| raw_list(&f, args);
    let lazy = "posts only gone through";
    // p4: a word no post had; p8: its words gone; p13: a new tag and
    // source; p41: its body only.
    write(
        "docs/4/p4.md",
        "---\ntitle: Quokka census notes\ndate: 2025-05-05\ntags: [wildlife]\nsource: Island Weekly\nexternal_url: https://example.org/4\nsummary: Counting marsupials.\n---\nBody.\n",
    );
    write("docs/3/p8.md", "---\ntitle: Plain\ndate: 2025-09-09\nexternal_url: https://example.org/8\n---\n");
    write(
        "blog/3/p13.md",
        "---\ntitle: Editor notes 13\ndate: 2025-02-14\ntags: [kubernetes]\nsource: Zebra Digest\nexternal_url: https://example.org/13\nsummary: On kube security.\n---\n",
    );
    write(
        "blog/1/p41.md",
        "---\ntitle: mesh rust notes 41\ndate: 2025-06-15\ntags: [kube, t1]\nsource: storage Weekly\nexternal_url: https://example.org/41\nsummary: On editor and kube.\n---\nA longer body now.\n",
    );
    let queries = [
        "quokka",
        "quok",
        "marsupials",
        "census kube",
        "census #wildlife",
        "quokka @island",
        "zebra",
        "notes #kubernetes",
        "kube sec",
        "security",
        "mesh -rust",
        "kube in:docs",
        "notes",
        "plain",
        "gatway",
        "notes #kub",
    ];
    for q in queries {
        let (out, stats) = raw(&["-q", q]);
        assert!(stats.contains(lazy) && stats.contains("parsed: 4"), "{q}: {stats}");
        assert_eq!(out, raw(&["-q", q, "--no-cache"]).0, "{q}: as without the cache");
    }
    assert!(raw(&["-q", "quokka"]).0.contains("Quokka census notes"));
    assert!(!raw(&["-q", "kube"]).0.contains("\tPlain\t"), "p8 lost its words");
    // Each edit the lazy path leaves to the usual load, then a query after
    // the cache was written again (by that load) is lazy and reads none.
    let edits: [(&str, &str); 4] = [
        // An older date: it moves down among the posts "notes" ties.
        (
            "docs/4/p4.md",
            "---\ntitle: Quokka census notes\ndate: 2020-05-06\nexternal_url: https://example.org/4\n---\n",
        ),
        (
            "docs/4/p4.md",
            "---\ntitle: Quokka census notes\ndate: 2020-05-06\nexternal_url: https://example.org/x\n---\n",
        ),
        // It says less than p0, whose link it shares: p0's row is shown
        // now, which the saved index is not for.
        (
            "blog/1/p1.md",
            "---\ntitle: Quokka pair notes\ndate: 2025-02-02\nexternal_url: https://example.org/0\n---\n",
        ),
        ("docs/4/p4.md", "---\ntitle: [Quokka\n---\n"),
    ];
    for (rel, text) in edits {
        write(rel, text);
        let (out, stats) = raw(&["-q", "notes"]);
        assert!(!stats.contains(lazy), "{rel}: {stats}");
        assert_eq!(out, raw(&["-q", "notes", "--no-cache"]).0, "{rel}");
        let (again, stats) = raw(&["-q", "quokka"]);
        assert!(stats.contains(lazy) && stats.contains("parsed: 0"), "{stats}");
        assert_eq!(again, raw(&["-q", "quokka", "--no-cache"]).0);
    }
    // More edits than it reads again: the usual load.
    for i in (2..120).step_by(2).filter(|i| i % 29 != 1 && i % 29 != 0) {
        let section = ["docs", "blog", "events", "releases"][i % 4];
        write(
            &format!("{section}/{}/p{i}.md", i % 5),
            &format!(
                "---\ntitle: Quokka {i}\ndate: 2025-{:02}-{:02}\nexternal_url: https://example.org/{i}\n---\n",
                1 + i % 12,
                1 + i % 27
            ),
        );
    }
    let (out, stats) = raw(&["-q", "quokka"]);
    assert!(!stats.contains(lazy), "{stats}");
    assert_eq!(out, raw(&["-q", "quokka", "--no-cache"]).0);
}

/// A lazy query that prints thousands of rows (made on every core, a batch
/// at a time) prints them in the order and with the sections a load
/// without the cache gives: across the batches' and the cores' seams.
#[test]
fn a_lazy_query_printing_thousands_of_rows_keeps_their_order_and_sections() {
    let f = Feed::new();
    for section in ["docs", "blog", "events", "releases"] {
        let page = f.dir.join(section).join("_index.md");
        std::fs::create_dir_all(page.parent().expect("parent")).expect("mkdir");
        std::fs::write(page, format!("---\ntitle: All the {section}\n---\n")).expect("write");
    }
    for i in 0..2600 {
        let section = ["docs", "blog", "events", "releases"][i % 4];
        let path = f.dir.join(section).join(format!("{}/p{i}.md", i % 7));
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        let text = format!(
            "---\ntitle: Notes {i}\ndate: 2024-{:02}-{:02}T{:02}:00:00Z\ntags: [t{}]\nsource: Source {}\nexternal_url: https://example.org/{i}\n---\n",
            1 + i % 12,
            1 + i % 28,
            i % 24,
            i % 9,
            i % 13
        );
        std::fs::write(path, text).expect("write");
    }
    backdate(&f.dir);
    f.list(&[]);
    for q in ["notes", "notes #t3"] {
        let (out, stats) = raw_list(&f, &["-q", q]);
        assert!(stats.contains("posts only gone through"), "{q}: {stats}");
        assert_eq!(out, raw_list(&f, &["-q", q, "--no-cache"]).0, "{q}");
        let lines = out.lines().count();
        assert!(lines == 2600 || (q == "notes #t3" && lines > 250), "{q}: {lines}");
    }
}

/// A byte of the cache's check part changed (the part a lazy query stats
/// the files against): the query lists what a load without the cache
/// lists, its block's files are read again and the block written anew,
/// and the next query is lazy again.
#[test]
fn a_damaged_check_part_is_read_again_and_healed() {
    let (f, _write) = feed_for_queries();
    let lazy = "posts only gone through";
    let (want, stats) = raw_list(&f, &["-q", "kube sec"]);
    assert!(stats.contains(lazy), "{stats}");
    // Written anew first (not appended to): the file's end before the
    // footer is the last block's check part.
    for file in f.cache_files() {
        std::fs::remove_file(file).expect("rm");
    }
    f.list(&[]);
    let cache = f.cache_files().pop().expect("a cache");
    let mut bytes = std::fs::read(&cache).expect("read");
    let footer = u32::from_le_bytes(bytes[bytes.len() - 16..bytes.len() - 12].try_into().expect("4 bytes"));
    let at = bytes.len() - 16 - footer as usize - 5;
    bytes[at] ^= 0x40;
    std::fs::write(&cache, &bytes).expect("write");
    let (out, stats) = raw_list(&f, &["-q", "kube sec"]);
    assert!(!stats.contains(lazy) && !stats.contains("parsed: 0,"), "read again: {stats}");
    assert_eq!(out, want);
    let (again, stats) = raw_list(&f, &["-q", "kube sec"]);
    assert!(stats.contains(lazy) && stats.contains("parsed: 0,"), "healed: {stats}");
    assert_eq!(again, want);
}

/// A byte of a light part changed where the lazy pass does not look (a
/// block of plain posts, whose check records say all): the query still
/// lists what a load without the cache lists, not an error half-way, and
/// the cache is written again, so the next query is lazy.
#[test]
fn a_damaged_light_part_leaves_the_query_to_the_usual_load() {
    let f = Feed::new();
    for i in 0..1100 {
        let path = f.dir.join(format!("s{}/p{i:04}.md", i % 3));
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        let text = format!(
            "---\ntitle: Notes {i}\ndate: 2024-03-{:02}\nexternal_url: https://example.org/{i}\n---\n",
            1 + i % 28
        );
        std::fs::write(path, text).expect("write");
    }
    backdate(&f.dir);
    f.list(&[]);
    let lazy = "posts only gone through";
    let (want, stats) = raw_list(&f, &["-q", "notes"]);
    assert!(stats.contains(lazy), "{stats}");
    assert_eq!(want.lines().count(), 1100);
    // The first block's light part starts after the magic: its first
    // entry's path.
    let cache = f.cache_files().pop().expect("a cache");
    let mut bytes = std::fs::read(&cache).expect("read");
    bytes[8 + 6] ^= 0x01;
    std::fs::write(&cache, &bytes).expect("write");
    let (out, stats) = raw_list(&f, &["-q", "notes"]);
    assert!(!stats.contains(lazy), "{stats}");
    assert_eq!(out, want);
    let (again, stats) = raw_list(&f, &["-q", "notes"]);
    assert!(stats.contains(lazy), "written again: {stats}");
    assert_eq!(again, want);
}

/// Issue 42: a write of the search index (or the cache) killed half-way
/// leaves a temporary file; every command that uses the caches removes it
/// (a dead writer's only: a live one's is left).
#[test]
fn a_killed_writers_temporary_files_go_with_any_command() {
    let f = Feed::new();
    f.list(&[]);
    let feeds = f.cache.join("linkfeed/feeds");
    let dead = 4_000_000_000u32;
    for args in [&["list"][..], &["list", "--json"], &["tags"], &["check"], &["list", "-q", "\"post 1\""]] {
        let orphans =
            [format!(".0123456789abcdef.index.{dead}.7.tmp"), format!(".0123456789abcdef.bin.{dead}.0.tmp")];
        for o in &orphans {
            std::fs::write(feeds.join(o), vec![0u8; 4096]).unwrap();
        }
        let out = f.sandbox.linkfeed().args(args).arg(&f.dir).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        for o in &orphans {
            assert!(!feeds.join(o).exists(), "{args:?} left {o}");
        }
    }
}
