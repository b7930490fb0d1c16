//! The non-interactive faces of the feed: `list`, `check`, `tags`.

use crate::feed::Feed;
use crate::post::Post;
use crate::problem::{Problem, Severity};
use crate::search::{Matcher, Query};
use crate::store::marks::Marks;
use serde::Serialize;
use std::collections::HashSet;
use std::io::{self, Write};
use std::path::PathBuf;

/// One post as `list --json` prints it.
#[derive(Serialize)]
struct JsonPost<'a> {
    path: String,
    title: &'a str,
    date: Option<String>,
    tags: &'a [String],
    /// `categories` and `keywords`.
    categories: &'a [String],
    source: &'a str,
    /// The link the reader opens (from `external_url`, `devto_url`, ...).
    external_url: &'a str,
    section: &'a str,
    kind: &'a str,
    tldr: &'a str,
    summary: &'a str,
    draft: bool,
    read: bool,
    starred: bool,
    /// The last sync brought it.
    new: bool,
    /// Paths of the files with the same link, folded into this row.
    also: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<JsonEvent<'a>>,
}

/// An event's data in `list --json`.
#[derive(Serialize)]
struct JsonEvent<'a> {
    start: Option<String>,
    end: Option<String>,
    location: &'a str,
    mode: &'a str,
    organizer: &'a str,
}

/// The posts a query selects, in its ranking order.
/// Events alone (`in:events`, `kind:event`) come upcoming first, soonest first.
/// With `newest`, a query with words lists newest first, not best first.
/// `marks` answer `is:read`, `is:unread` and `is:starred`.
/// `fresh`: the posts the last sync brought (`is:new`). `saved_index`: where
/// the reader keeps the feed's search index (`search::saved`), with the word
/// index of the long text; used when it fits these posts (else the short
/// fields are indexed now and the text is scanned).
pub fn select<'a>(
    posts: &'a [Post],
    query: &str,
    newest: bool,
    marks: &Marks,
    fresh: &HashSet<PathBuf>,
    saved_index: Option<&std::path::Path>,
) -> (Vec<&'a Post>, FilterStats) {
    let mut stats = FilterStats::default();
    let q = Query::parse(query);
    let mut matcher = Matcher::default();
    if q.terms.iter().any(|t| t.scope == crate::search::Scope::Is) {
        matcher.marks =
            posts.iter().map(|p| crate::store::marks::bits(p, &marks.read, &marks.starred, fresh)).collect();
    }
    let mut matches = if q.is_empty() {
        matcher.filter(&q, posts)
    } else {
        let t = std::time::Instant::now();
        let mut index = None;
        if q.uses_text_words() {
            stats.words = Some(false);
            if let Some(path) = saved_index
                && let Some(saved) = crate::search::saved::load(path, crate::search::saved::key(posts))
                && saved.len() == posts.len()
            {
                index = Some(saved);
                stats.words = Some(true);
            }
        }
        let index = index.unwrap_or_else(|| crate::search::Index::new(posts));
        stats.index = t.elapsed();
        let t = std::time::Instant::now();
        let m = matcher.filter_within(&q, posts, &index, None);
        stats.filter = t.elapsed();
        m
    };
    stats.loose = crate::search::closest(&q, &mut matches);
    if newest {
        matches.sort_unstable_by_key(|m| m.idx);
    }
    if (!q.ranks_by_score() || newest) && crate::search::all_events(&matches, posts) {
        crate::search::sort_events(&mut matches, posts, matcher.now);
    }
    (matches.into_iter().filter_map(|m| posts.get(m.idx)).collect(), stats)
}

/// What `select` spent its time on, for `list --stats`, and the terms it
/// matched only loosely.
#[derive(Debug, Clone, Default)]
pub struct FilterStats {
    /// The terms no post held: their close matches were listed.
    pub loose: Vec<crate::search::Loose>,
    /// Reading the search index the reader saved, or building the one of
    /// the short fields.
    pub index: std::time::Duration,
    /// For a query that looks in the long text: whether a saved word index
    /// fitted the posts (else the text was scanned).
    pub words: Option<bool>,
    /// Matching and ranking.
    pub filter: std::time::Duration,
}

/// `linkfeed list`: one tab-separated line per post (date, title, source,
/// URL, section), or a JSON array.
pub fn list(
    out: &mut dyn Write,
    posts: &[&Post],
    json: bool,
    marks: &Marks,
    fresh: &HashSet<PathBuf>,
) -> io::Result<()> {
    if json {
        let items: Vec<JsonPost> = posts
            .iter()
            .map(|p| JsonPost {
                path: p.path.to_string_lossy().into_owned(),
                title: &p.title,
                date: p.date.map(|d| d.to_rfc3339()),
                tags: &p.tags,
                categories: p.categories(),
                source: &p.source,
                external_url: &p.url,
                section: &p.section,
                kind: &p.kind,
                tldr: &p.tldr,
                summary: &p.summary,
                draft: p.draft,
                read: marks.read.contains(crate::store::read::key(p).as_ref()),
                starred: marks.starred.contains(crate::store::read::key(p).as_ref()),
                new: fresh.contains(&p.path),
                also: p.also.iter().map(|a| a.to_string_lossy().into_owned()).collect(),
                event: p.event.as_deref().map(|e| JsonEvent {
                    start: e.start.map(|d| d.to_rfc3339()),
                    end: e.end.map(|d| d.to_rfc3339()),
                    location: &e.place,
                    mode: &e.mode,
                    organizer: &e.organizer,
                }),
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &items)?;
        writeln!(out)?;
        return Ok(());
    }
    for p in posts {
        writeln!(out, "{}\t{}\t{}\t{}\t{}", p.day(), p.title, p.source, p.url, p.section)?;
    }
    Ok(())
}

/// `linkfeed tags`: count and tag, most used first.
pub fn tags(out: &mut dyn Write, posts: &[Post]) -> io::Result<()> {
    for (tag, n) in crate::feed::tag_counts(posts) {
        writeln!(out, "{n}\t{tag}")?;
    }
    Ok(())
}

/// Every finding `check` reports, sorted by file and line.
pub fn findings(feed: &Feed) -> Vec<Problem> {
    let mut all = feed.problems.clone();
    all.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)).then(a.severity.cmp(&b.severity)));
    all
}

/// `linkfeed check`: prints the findings and a summary; true when there was an error.
pub fn check(out: &mut dyn Write, feed: &Feed) -> io::Result<bool> {
    let all = findings(feed);
    for p in &all {
        writeln!(out, "{p}")?;
    }
    let errors = all.iter().filter(|p| p.severity == Severity::Error).count();
    let warnings = all.len() - errors;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    writeln!(
        out,
        "checked {}: {}{} loaded, {}, {}",
        plural(feed.files, "file"),
        plural(feed.posts.len(), "post"),
        if feed.pages > 0 { format!(" and {}", plural(feed.pages, "section page")) } else { String::new() },
        plural(errors, "error"),
        plural(warnings, "warning"),
    )?;
    Ok(errors > 0)
}

/// `list --stats`: files, posts, problems and the time of each phase.
pub fn stats_line(feed: &Feed, filter: &FilterStats, total: std::time::Duration) -> String {
    let ms = |d: std::time::Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
    let s = &feed.stats;
    let mut line = format!(
        "files: {}, posts: {}, problems: {}; parsed: {}, from cache: {}, stale cache entries: {}; walk: {}{}, validate: {}, cache read: {}, read+parse: {} on {} threads (read {} + parse {} summed), cache write: {}{}, sort: {}, visible: {}, index: {}{}, filter: {}, total: {}",
        feed.files,
        feed.posts.len(),
        feed.problems.len(),
        s.parsed,
        s.cached,
        s.stale,
        ms(s.walk),
        if s.walk_skipped { " (skipped: no folder changed)" } else { "" },
        ms(s.validate),
        ms(s.cache_read),
        ms(s.read_parse),
        s.threads,
        ms(s.read_sum),
        ms(s.parse_sum),
        ms(s.cache_write),
        if s.cache_written { " (written)" } else { "" },
        ms(s.sort),
        ms(s.visible),
        ms(filter.index),
        match filter.words {
            Some(true) => " (with the saved word index of the text)",
            Some(false) => " (no saved word index fits: text scanned)",
            None => "",
        },
        ms(filter.filter),
        ms(total),
    );
    if let Some(note) = &feed.cache_note {
        line.push_str(&format!("; {note}"));
    }
    line
}
