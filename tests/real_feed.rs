//! The real feed (`tests/data/real-feed/`, a snapshot of the Hugo site the
//! format comes from), read as a user reads it: through `linkfeed list`, and
//! the expectations computed from the files themselves, not from our loader.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

mod common;
use common::{list_real_feed as list_json, md_files as files, real_feed};

/// A front-matter key's value as written on its own line (quotes stripped).
fn key(text: &str, key: &str) -> Option<String> {
    let fm = text.strip_prefix("---\n")?.split("\n---").next()?;
    fm.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .map(|v| v.trim().trim_matches('"').trim_matches('\'').to_string())
        .filter(|v| !v.is_empty() && v != "null")
}

fn path_of(v: &serde_json::Value) -> PathBuf {
    PathBuf::from(v["path"].as_str().unwrap_or(""))
}

#[test]
fn every_post_is_listed_or_folded_and_no_section_page_is() {
    let root = real_feed();
    let mut all = Vec::new();
    files(&root, &mut all);
    let posts: BTreeSet<PathBuf> = all
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n != "_index.md"))
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            key(&text, "draft").as_deref() != Some("true")
        })
        .cloned()
        .collect();
    let rows = list_json(&[]);
    let mut seen = BTreeSet::new();
    for r in &rows {
        let p = path_of(r);
        assert!(!p.ends_with("_index.md"), "a section page is listed: {}", p.display());
        seen.insert(p);
        for a in r["also"].as_array().into_iter().flatten() {
            seen.insert(PathBuf::from(a.as_str().unwrap_or("")));
        }
    }
    let missing: Vec<_> = posts.difference(&seen).collect();
    assert!(missing.is_empty(), "not listed nor folded: {missing:#?}");
    let extra: Vec<_> = seen.difference(&posts).collect();
    assert!(extra.is_empty(), "listed but not a post: {extra:#?}");
    let folded = rows.iter().map(|r| r["also"].as_array().map_or(0, Vec::len)).sum::<usize>();
    assert_eq!(rows.len() + folded, posts.len());
    eprintln!(
        "real feed: {} files, {} posts, {} rows, {} folded",
        all.len(),
        posts.len(),
        rows.len(),
        folded
    );
}

#[test]
fn every_blog_post_opens_its_devto_url() {
    let root = real_feed();
    let mut blog = Vec::new();
    files(&root.join("blog"), &mut blog);
    let rows: HashMap<PathBuf, serde_json::Value> =
        list_json(&[]).into_iter().map(|r| (path_of(&r), r)).collect();
    let mut checked = 0;
    for p in blog.iter().filter(|p| p.file_name().is_some_and(|n| n != "_index.md")) {
        let text = std::fs::read_to_string(p).expect("read");
        let Some(devto) = key(&text, "devto_url") else { continue };
        let external = key(&text, "external_url");
        let row = rows.get(p).unwrap_or_else(|| panic!("{} is listed", p.display()));
        let want = external.unwrap_or(devto);
        assert_eq!(row["external_url"].as_str(), Some(want.as_str()), "{}", p.display());
        assert_eq!(row["kind"], "blog", "{}", p.display());
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} blog posts with a devto_url");
}

#[test]
fn in_events_is_exactly_the_event_files() {
    let root = real_feed();
    let mut events = Vec::new();
    files(&root.join("events"), &mut events);
    let expected: BTreeSet<PathBuf> =
        events.into_iter().filter(|p| p.file_name().is_some_and(|n| n != "_index.md")).collect();
    let rows = list_json(&["-q", "in:events"]);
    let mut got = BTreeSet::new();
    for r in &rows {
        got.insert(path_of(r));
        got.extend(
            r["also"].as_array().into_iter().flatten().map(|a| PathBuf::from(a.as_str().unwrap_or(""))),
        );
        assert_eq!(r["kind"], "event");
        assert!(r["event"].is_object(), "{r}");
    }
    assert_eq!(got, expected);
    // Every event file that names a place shows it.
    for r in &rows {
        let text = std::fs::read_to_string(path_of(r)).expect("read");
        if let Some(loc) = key(&text, "location") {
            assert_eq!(r["event"]["location"].as_str(), Some(loc.as_str()), "{}", path_of(r).display());
        }
    }
    let upcoming = list_json(&["-q", "is:upcoming"]).len();
    let past = list_json(&["-q", "is:past"]).len();
    assert_eq!(upcoming + past, rows.len(), "every event here has a date");
    eprintln!("real feed events: {} rows, {upcoming} upcoming, {past} past", rows.len());
}

/// `list` loads the posts without their tldr and summary when it shows
/// neither; the rows (and which of several posts with one link is shown)
/// are the same from the cache as from the files, with and without them.
#[test]
fn list_rows_are_the_same_however_the_feed_was_loaded() {
    let cache = tempfile::tempdir().expect("tempdir");
    let (feed, state) = (real_feed(), std::path::Path::new("/nonexistent/linkfeed-test-state"));
    let list = |extra: &[&str]| common::list_in(&feed, cache.path(), state, &[&["--stats"], extra].concat());
    let (files, stats) = list(&[]);
    assert!(stats.contains("(written)"), "{stats}");
    let (cached, stats) = list(&[]);
    assert!(stats.contains("parsed: 0"), "{stats}");
    let (whole, _) = list(&["--no-cache", "--json"]);
    let whole: Vec<serde_json::Value> = serde_json::from_str(&whole).expect("json");
    assert!(whole.len() > 300);
    assert_eq!(files.lines().count(), whole.len());
    assert_eq!(cached, files);
    // Each row is the JSON's post, in the JSON's order (the folded groups'
    // chosen post depends on which posts have a summary).
    for (row, post) in cached.lines().zip(&whole) {
        let title = post["title"].as_str().unwrap_or_default();
        assert_eq!(row.split('\t').nth(1), Some(title), "{row}");
    }
}
