//! Web feeds (RSS 0.9x/1.0/2.0, Atom 1.0, JSON Feed 1.x) followed into a
//! folder of posts: `feeds/NAME/current/*.md`, one file per item, written
//! in the project's schema so that everything else reads them as any feed.
//!
//! - this module: [`sync`], which fetches the document (reader mode's HTTP
//!   rules, conditional: a 304 costs nothing), writes what is new or
//!   changed, prunes with `keep_days`, and records the sync as git feeds do
//!   (`sync.json`, so `is:new` works); `web.json` beside it keeps the
//!   validators and each item's file;
//! - [`items`]: an item made a post;
//! - [`opml`]: feed lists in and out; [`discover`]: a page's own feed.
//!
//! The address a user gave is theirs: its host is fetched from whatever it
//! resolves to (an intranet feed works). A redirect to another host is
//! judged by reader mode's rule: refused when it resolves to a loopback,
//! private or link-local address, unless `fetch_private_addresses = true`.

pub mod discover;
pub mod items;
pub mod opml;

use super::git::{SyncError, file_error};
use super::newness::{Report, SyncState, load_state, write_state};
use crate::article::fetch::{self, Got, Validators};
use items::Item;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A web feed of the config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebFeed {
    pub name: String,
    pub url: String,
    /// Items gone from the feed are deleted this many days after their date.
    pub keep_days: Option<u64>,
}

/// The most items one document may bring.
pub const MAX_ITEMS: usize = 10_000;

/// What the Accept header asks for.
const ACCEPT: &str = "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5";

/// What is kept between syncs (`web.json`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Kept {
    etag: Option<String>,
    last_modified: Option<String>,
    /// Each item's id and where it went.
    items: BTreeMap<String, Seen>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Seen {
    /// Its file, under `current/`.
    file: String,
    /// The date written in it (the item's, else when it was first seen).
    date: String,
}

/// Checks a web feed's address: `http` or `https`, nothing else.
pub fn valid_url(url: &str) -> Result<(), SyncError> {
    match url::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty()) => {
            Ok(())
        }
        _ => Err(SyncError::Web(format!("{url:?} is not a web feed's address (http:// or https://)"))),
    }
}

/// The folder a web feed's posts are written to.
pub fn content_dir(dir: &Path) -> PathBuf {
    dir.join("current")
}

/// Fetches `feed` into `dir` (its folder under the feeds' folder). On a
/// failure the posts of earlier syncs stay as they were.
pub fn sync(feed: &WebFeed, dir: &Path, options: &crate::article::Options) -> Result<Report, SyncError> {
    sync_gated(feed, dir, options, None)
}

/// As [`sync`]; the request itself made holding `gate` (the feeds of one
/// host share one: one request per host at a time, the rest of the work
/// in parallel).
pub fn sync_gated(
    feed: &WebFeed,
    dir: &Path,
    options: &crate::article::Options,
    gate: Option<&std::sync::Mutex<()>>,
) -> Result<Report, SyncError> {
    valid_url(&feed.url)?;
    super::newness::locked(dir, &feed.name, || sync_locked(feed, dir, options, gate))
}

fn sync_locked(
    feed: &WebFeed,
    dir: &Path,
    options: &crate::article::Options,
    gate: Option<&std::sync::Mutex<()>>,
) -> Result<Report, SyncError> {
    let current = content_dir(dir);
    let previous = load_state(dir).filter(|_| current.is_dir());
    let kept_path = dir.join("web.json");
    let mut kept: Kept = previous
        .as_ref()
        .and_then(|_| fs::read(&kept_path).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let validators = Validators { etag: kept.etag.clone(), last_modified: kept.last_modified.clone() };
    let host = url::Url::parse(&feed.url).ok().and_then(|u| u.host_str().map(str::to_string));
    let held = gate.map(|g| g.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    let got = fetch::get(&feed.url, previous.as_ref().map(|_| &validators), options, ACCEPT, host.as_deref());
    drop(held);
    // Reader mode's words name its keys; a sync is not in the reader.
    let got = got.map_err(|e| {
        let why = e.to_string();
        SyncError::Web(why.split("; `o` opens").next().unwrap_or(&why).to_string())
    })?;
    let body = match got {
        Got::NotModified => return unchanged(feed, dir, previous),
        Got::Body(b) => b,
    };
    let bytes = in_utf8(&body.bytes, body.charset.as_deref());
    let (doc, broken) = parse(&bytes, &body.final_url)?;
    fs::create_dir_all(&current).map_err(file_error(&current))?;
    let base = url::Url::parse(&body.final_url).ok();
    let title = doc.title.as_ref().map(|t| t.content.trim().to_string()).filter(|t| !t.is_empty());
    let title = title.unwrap_or_else(|| feed.name.clone());
    let now = crate::clock::now();
    let today = chrono::DateTime::from_timestamp(now, 0).unwrap_or_default().to_rfc3339();
    let mut taken: HashSet<String> = kept.items.values().map(|s| s.file.clone()).collect();
    let (mut added, mut changed, mut in_doc) = (Vec::new(), Vec::new(), HashSet::new());
    for entry in doc.entries.iter().take(MAX_ITEMS) {
        let Some(item) = Item::of(entry, &title, base.as_ref()) else { continue };
        if !in_doc.insert(item.id.clone()) {
            continue;
        }
        let seen = kept.items.get(&item.id).cloned();
        let date =
            item.date.clone().or_else(|| seen.as_ref().map(|s| s.date.clone())).unwrap_or(today.clone());
        let file = match &seen {
            Some(s) => s.file.clone(),
            None => unique_name(&item.file_name(&date), &item.id, &mut taken),
        };
        let text = item.file_text(&date);
        let path = current.join(&file);
        let old = fs::read(&path).ok();
        if old.as_deref() != Some(text.as_bytes()) {
            // Not flushed one by one (5,000 fsyncs were most of a first
            // sync): a post lost to a power cut is missing from the folder,
            // so the next sync finds it so and writes it again.
            crate::store::paths::replace_cache_file(&path, |f| std::io::Write::write_all(f, text.as_bytes()))
                .map_err(file_error(&path))?;
            if old.is_some() { changed.push(file.clone()) } else { added.push(file.clone()) }
        }
        kept.items.insert(item.id, Seen { file, date });
    }
    let removed = prune(&mut kept, &in_doc, feed.keep_days, now, &current);
    let nothing = added.is_empty() && changed.is_empty() && removed.is_empty();
    let validators_changed = kept.etag != body.etag || kept.last_modified != body.last_modified;
    (kept.etag, kept.last_modified) = (body.etag, body.last_modified);
    if !nothing || validators_changed || previous.is_none() {
        crate::store::paths::replace_file(&kept_path, |f| {
            serde_json::to_writer(&mut *f, &kept).map_err(std::io::Error::other)
        })
        .map_err(file_error(&kept_path))?;
    }
    if nothing && previous.is_some() && broken.is_none() {
        return unchanged(feed, dir, previous);
    }
    let (posts, added_rows, parsed) = super::newness::settle(&current, &added);
    let first = previous.is_none();
    let state = SyncState {
        at: now,
        url: feed.url.clone(),
        commit: String::new(),
        commit_date: doc.updated.map_or(today, |d| d.to_rfc3339()),
        added,
        changed,
        removed,
        rewritten: false,
        posts,
        first,
        added_rows,
        broken,
    };
    write_state(dir, &state)?;
    Ok(Report { name: feed.name.clone(), state, first, unchanged: false, busy: false, parsed })
}

/// Nothing came (a 304, or the same items): what the last sync brought
/// stays "new"; no post file is written.
fn unchanged(feed: &WebFeed, dir: &Path, previous: Option<SyncState>) -> Result<Report, SyncError> {
    let state = SyncState { at: crate::clock::now(), broken: None, ..previous.unwrap_or_default() };
    write_state(dir, &state)?;
    Ok(Report { name: feed.name.clone(), state, first: false, unchanged: true, busy: false, parsed: (0, 0) })
}

/// `name`, or with a few letters of `id`'s hash when another item has it.
fn unique_name(name: &str, id: &str, taken: &mut HashSet<String>) -> String {
    let mut candidate = name.to_string();
    let mut n = 0u64;
    while taken.contains(&candidate) {
        let stem = name.strip_suffix(".md").unwrap_or(name);
        let hash = crate::article::cache::key(&format!("{id}#{n}"));
        candidate = format!("{stem}-{:08x}.md", hash as u32);
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

/// With `keep_days`: the items no longer in the feed whose date is older
/// than that, deleted; their files, as removed.
fn prune(
    kept: &mut Kept,
    in_doc: &HashSet<String>,
    keep_days: Option<u64>,
    now: i64,
    current: &Path,
) -> Vec<String> {
    let Some(days) = keep_days else { return Vec::new() };
    let limit = now.saturating_sub(i64::try_from(days.saturating_mul(86_400)).unwrap_or(i64::MAX));
    let old: Vec<String> = kept
        .items
        .iter()
        .filter(|(id, s)| {
            !in_doc.contains(*id)
                && chrono::DateTime::parse_from_rfc3339(&s.date).is_ok_and(|d| d.timestamp() < limit)
        })
        .map(|(id, _)| id.clone())
        .collect();
    let mut removed = Vec::new();
    for id in old {
        if let Some(s) = kept.items.remove(&id) {
            let _ = fs::remove_file(current.join(&s.file));
            removed.push(s.file);
        }
    }
    removed
}

/// The document parsed; a broken one is cut after its last whole item
/// and read again, so what parses is kept (and why it broke is said).
fn parse(bytes: &[u8], base: &str) -> Result<(feed_rs::model::Feed, Option<String>), SyncError> {
    if let Some(what) = fetch::binary(bytes) {
        return Err(SyncError::Web(format!("not a feed: {what}")));
    }
    let parser = || {
        feed_rs::parser::Builder::new()
            .base_uri(Some(base))
            // An item without an id is known by its link, else its title.
            .id_generator(|links, title, _| {
                links
                    .first()
                    .map(|l| l.href.clone())
                    .or_else(|| title.as_ref().map(|t| format!("title:{}", t.content)))
                    .unwrap_or_default()
            })
            .timestamp_parser(timestamp)
            .build()
    };
    let why = match parser().parse(bytes) {
        Ok(doc) => return Ok((doc, None)),
        Err(e) => {
            crate::text::sanitize::truncate_chars(&crate::text::sanitize::one_line(&e.to_string()), 200)
        }
    };
    let salvaged = salvage(bytes).and_then(|b| parser().parse(b.as_slice()).ok());
    match salvaged {
        Some(doc) if !doc.entries.is_empty() => Ok((doc, Some(why))),
        _ => Err(SyncError::Web(format!("not a feed it can read: {why}"))),
    }
}

/// A date as feeds write them: RFC 3339 (Atom, JSON Feed, and many RSS
/// feeds), RFC 822/2822 with or without the weekday, seconds, or a numeric
/// zone (`GMT`, `EST`, `UTC`, `Z`), ISO dates with a space and no zone (taken
/// as UTC), a bare `YYYY-MM-DD`.
pub fn timestamp(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::{DateTime, NaiveDateTime, Utc};
    let t = text.trim();
    let utc = |d: DateTime<chrono::FixedOffset>| d.with_timezone(&Utc);
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(utc(d));
    }
    // RFC 2822, and what feeds make of it: `UTC`, a weekday that is wrong
    // or missing, white space doubled.
    let spaced = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let zoned = spaced.strip_suffix(" UTC").map_or(spaced.clone(), |s| format!("{s} +0000"));
    let no_weekday = zoned.split_once(", ").map_or(zoned.as_str(), |(_, rest)| rest).to_string();
    for candidate in [&zoned, &no_weekday] {
        if let Ok(d) = DateTime::parse_from_rfc2822(candidate) {
            return Some(utc(d));
        }
    }
    for f in ["%d %b %Y %H:%M:%S %z", "%d %b %Y %H:%M %z", "%d %B %Y %H:%M:%S %z"] {
        if let Ok(d) = DateTime::parse_from_str(&no_weekday, f) {
            return Some(utc(d));
        }
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, f) {
            return Some(d.and_utc());
        }
    }
    crate::feed::frontmatter::parse_date(t).map(utc)
}

/// The document in UTF-8 when the answer's header names another charset
/// and the document declares none of its own (a declaration wins: the XML
/// parser follows it).
fn in_utf8<'a>(bytes: &'a [u8], charset: Option<&str>) -> std::borrow::Cow<'a, [u8]> {
    let Some(encoding) = charset.and_then(|c| encoding_rs::Encoding::for_label(c.trim().as_bytes())) else {
        return bytes.into();
    };
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).to_ascii_lowercase();
    let declared = head.trim_start().starts_with("<?xml")
        && head.split("?>").next().is_some_and(|d| d.contains("encoding"));
    if encoding == encoding_rs::UTF_8 || declared {
        return bytes.into();
    }
    encoding.decode(bytes).0.into_owned().into_bytes().into()
}

/// A broken XML document cut after its last whole item, its root closed.
fn salvage(bytes: &[u8]) -> Option<Vec<u8>> {
    let text = String::from_utf8_lossy(bytes);
    let (close, after) = if text.contains("<feed") {
        ("</entry>", "</feed>")
    } else if text.contains("<rdf:RDF") {
        ("</item>", "</rdf:RDF>")
    } else {
        ("</item>", "</channel></rss>")
    };
    let end = text.rfind(close)? + close.len();
    let mut out = text[..end].to_string();
    out.push_str(after);
    Some(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_document_keeps_its_whole_items() {
        let doc = b"<rss version=\"2.0\"><channel><title>T</title><item><title>one</title><guid>1</guid></item><item><title>two</title><guid>2</guid></item><item><title>thr";
        let (feed, broken) = parse(doc, "https://x.example/feed").expect("salvaged");
        assert_eq!(feed.entries.len(), 2);
        assert!(broken.is_some());
        assert!(parse(b"<html><body>no</body></html>", "https://x.example/").is_err());
    }

    #[test]
    fn dates_in_the_shapes_feeds_write_them() {
        let day = |t: &str| timestamp(t).map(|d| d.to_rfc3339());
        let want = Some("2026-12-07T09:00:00+00:00".to_string());
        for t in [
            "2026-12-07T09:00:00Z",
            "2026-12-07T10:00:00+01:00",
            "Mon, 07 Dec 2026 09:00:00 GMT",
            "Mon, 7 Dec 2026 09:00:00 +0000",
            "Fri, 07 Dec 2026 09:00:00 UTC",
            "07 Dec 2026 04:00:00 EST",
            "Mon, 07 Dec 2026 09:00 GMT",
            "2026-12-07 09:00:00",
            "  Mon,  07 Dec 2026 09:00:00 GMT ",
        ] {
            assert_eq!(day(t), want, "{t}");
        }
        assert_eq!(day("2026-12-07"), Some("2026-12-07T00:00:00+00:00".into()));
        assert_eq!(day("yesterday"), None);
    }

    #[test]
    fn the_headers_charset_when_the_document_names_none() {
        let latin1 = b"<rss version=\"2.0\"><channel><title>Caf\xe9</title><item><title>Cr\xe8me</title><guid>1</guid></item></channel></rss>";
        let (doc, _) = parse(&in_utf8(latin1, Some("ISO-8859-1")), "https://x.example/").expect("parses");
        assert_eq!(doc.entries[0].title.as_ref().map(|t| t.content.as_str()), Some("Crème"));
        let declared = b"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss/>";
        assert_eq!(&*in_utf8(declared, Some("ISO-8859-1")), declared);
    }

    #[test]
    fn names_stay_unique() {
        let mut taken = HashSet::new();
        let a = unique_name("2026-01-01-x.md", "a", &mut taken);
        let b = unique_name("2026-01-01-x.md", "b", &mut taken);
        assert_eq!(a, "2026-01-01-x.md");
        assert_ne!(a, b);
        assert!(b.starts_with("2026-01-01-x-") && b.ends_with(".md"), "{b}");
    }
}
