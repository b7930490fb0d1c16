//! `linkfeed list`: one line per post (or JSON), the query's posts in the
//! reader's order.

use super::args::{ListArgs, ListSort};
use super::muting::Muting;
use super::{CliError, Context};
use crate::cache;
use crate::feed::{self, Feed, LoadOptions, Source};
use crate::post::Post;
use crate::search::{Matcher, Query, Scope};
use crate::store::marks::Marks;
use serde::Serialize;
use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

pub fn run(args: ListArgs, cx: &Context) -> Result<ExitCode, CliError> {
    let start = Instant::now();
    let resolved = cx.resolve(args.dir)?;
    let fresh = resolved.new_posts();
    let text = args.query.as_deref().unwrap_or("");
    let query_text = if args.unread { format!("{text} is:unread") } else { text.to_string() };
    let query = Query::parse(&query_text);
    let drafts = cx.drafts(args.drafts);
    let muting = Muting::new(cx, !args.muted);
    // What the rules look in counts as the query's.
    let rules: Vec<Query> = muting.rules.iter().map(|r| Query::parse(&r.query)).collect();
    let reads_long_text = query.reads_long_text() || rules.iter().any(Query::reads_long_text);
    // The rows show no tldr or summary: unless the JSON or the query reads
    // them, the posts are loaded without (a large feed's memory is mostly
    // those). A word looked for in them is found through the saved word
    // index of the text, which names the posts without reading their text.
    let long_text = args.json || reads_long_text;
    let cached_dir = match (&resolved.source, cx.use_cache) {
        (Source::Dir(dir), true) => Some(dir.as_path()),
        _ => None,
    };
    let index_path = cached_dir.and_then(cache::index_path_for);
    // A query that looks in the text reads the saved index on the core the
    // assembling of the posts leaves idle: from when the cache is read
    // (the load says so through its progress) while they are put in
    // order; whether it is theirs is asked after.
    // A query the search index answers alone, on a feed unchanged since
    // the cache was written: only the posts it prints are made. When files
    // changed, the load that follows is told which still hold.
    let mut checked = None;
    if let (Some(dir), Some(index_path)) = (cached_dir, index_path.as_deref())
        && !long_text
        && args.sort == ListSort::Best
        && !muting.applies(&query)
        && crate::search::shaped_for_the_index_alone(&query, true)
        && let Some(result) = run_lazily(dir, index_path, &query, drafts, args.stats, start, &mut checked)
    {
        return result;
    }
    let progress = feed::Progress::default();
    let options =
        LoadOptions::new(cx.use_cache, long_text).with_progress(&progress).with_checked(checked.as_ref());
    let wants_words =
        (!query.is_empty() && query.uses_text_words()) || rules.iter().any(Query::uses_text_words);
    let (loaded, mut early) = std::thread::scope(|s| {
        let early = index_path.as_deref().filter(|_| wants_words).map(|path| {
            let progress = &progress;
            s.spawn(move || {
                while !progress.walked.load(std::sync::atomic::Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(1));
                }
                crate::search::saved::load_any(path)
            })
        });
        let loaded = feed::load(&resolved.source, &options);
        progress.walked.store(true, std::sync::atomic::Ordering::Relaxed);
        (loaded, early.and_then(|h| h.join().ok()).flatten())
    });
    let mut feed = loaded?.visible(drafts);
    // A malformed term is searched as text; say so, on stderr.
    for p in &query.problems {
        eprintln!("linkfeed: warning: query: {p}");
    }
    let t = Instant::now();
    // The load wrote the parse cache: it writes the search index too, from
    // the cache's text parts, so the next query has it.
    let refreshed = cached_dir.and_then(|dir| crate::search::saved::refresh(dir, &feed));
    let renumbered = refreshed.as_ref().is_some_and(|(_, r)| *r);
    let mut index = refreshed.map(|(index, _)| index);
    let mut built = index.is_some();
    let mut read_early = false;
    // The words of the text: the index just built, else the saved one,
    // else one built from the cache (and saved for the next query), else
    // the text read.
    if wants_words && index.is_none() {
        let key = crate::search::saved::key_for(&feed.posts, feed.cache_generation);
        index = match early.take() {
            Some((k, read)) if k == key => {
                read_early = true;
                Some(read)
            }
            _ => index_path.as_deref().and_then(|p| crate::search::saved::load_mapped(p, key)),
        };
        if index.is_none()
            && let (Some(dir), Some(g)) = (cached_dir, feed.cache_generation)
        {
            index = crate::search::saved::build_from_cache(dir, g, &feed.posts);
            if let (Some(made), Some(path)) = (&index, &index_path) {
                built |= crate::search::saved::save(path, key, made).is_ok();
            }
        }
        if index.is_none() && !long_text {
            // Without a cache to read it from, the text is scanned once.
            let whole = LoadOptions::new(cx.use_cache, true);
            feed = feed::load(&resolved.source, &whole)?.visible(drafts);
        }
    }
    let index_time = t.elapsed();
    let marks = read_marks();
    let newest = args.sort == ListSort::Newest;
    let (places, mut filter) = select_places(&feed.posts, &query, newest, &marks, &fresh, index, &muting);
    filter.index = index_time;
    filter.built = built;
    filter.renumbered = renumbered;
    filter.read_early = read_early;
    let shown = Shown { json: args.json, marks: &marks, fresh: &fresh, stats: args.stats, start, rows: None };
    answer(feed, &places, &filter, &shown)
}

/// How `list` shows what it selected.
struct Shown<'a> {
    json: bool,
    marks: &'a Marks,
    fresh: &'a HashSet<PathBuf>,
    /// `--stats`, timed from `start`.
    stats: bool,
    start: Instant,
    /// A lazy load's cache ([`feed::lazy`]): the stand-ins not made whole
    /// are printed from what their entries say, read in place.
    rows: Option<&'a feed::lazy::Lazy>,
}

/// Prints the posts of `feed` at `places` (and the note on loose matches,
/// and the stats line when asked), then lets the feed go with the process.
fn answer(feed: Feed, places: &[usize], filter: &FilterStats, shown: &Shown) -> Result<ExitCode, CliError> {
    if let Some(note) = crate::search::Loose::message(&filter.loose) {
        eprintln!("linkfeed: note: {note}");
    }
    // Files kept out of the feed are not dropped without a word.
    let skipped = feed.skipped();
    if skipped > 0 {
        let s = if skipped == 1 { "" } else { "s" };
        eprintln!("linkfeed: {skipped} file{s} skipped (`linkfeed check` says why)");
    }
    let posts: Vec<&Post> = places.iter().filter_map(|&i| feed.posts.get(i)).collect();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let written = match shown.rows {
        Some(lazy) if !shown.json => print_rows(&mut out, &posts, lazy, &feed.root),
        _ => print(&mut out, &posts, shown.json, shown.marks, shown.fresh),
    };
    let written = written.and_then(|()| out.flush());
    if shown.stats {
        eprintln!("{}", stats_line(&feed, filter, shown.start.elapsed()));
    }
    drop(posts);
    // The process ends here: the OS takes the memory back faster than
    // freeing 100,000 posts one by one would.
    std::mem::forget(feed);
    written?;
    Ok(ExitCode::SUCCESS)
}

/// `list -q` of a query matched on the saved search index alone
/// ([`crate::search::on_the_index_alone`]), from a feed read lazily
/// ([`feed::lazy`]): every file stat'ed, no post made but those folded
/// together, each printed row read where its entry lies. `None` when that does not hold (a file
/// changed, no saved index for these posts, an article kept): nothing was
/// printed, and the usual load follows (told through `checked` which files
/// still hold, when some changed).
fn run_lazily(
    dir: &std::path::Path,
    index_path: &std::path::Path,
    query: &Query,
    drafts: bool,
    stats: bool,
    start: Instant,
    checked: &mut Option<feed::Checked>,
) -> Option<Result<ExitCode, CliError>> {
    // A word term looks in kept articles too, by the posts' links.
    if !crate::article::cache::kept().is_empty() {
        return None;
    }
    // The saved index read on another thread while the files are stat'ed;
    // whether it is these posts' is asked after.
    let (loaded, early) = std::thread::scope(|s| {
        let early = s.spawn(|| crate::search::saved::load_any(index_path));
        let loaded = cache::path_for(dir).map(|cache| feed::lazy::load(dir, &cache));
        (loaded, early.join().ok().flatten())
    });
    let (feed, mut lazy) = match loaded? {
        Ok(loaded) => loaded,
        Err(found) => {
            *checked = found;
            return None;
        }
    };
    let answered = answer_lazily(feed, &mut lazy, early, query, drafts, stats, start);
    if answered.is_none() {
        *checked = lazy.checked.take();
    }
    answered
}

/// [`run_lazily`] once the feed is read: `None` when its index or the
/// query does not fit after all.
fn answer_lazily(
    mut feed: Feed,
    lazy: &mut feed::lazy::Lazy,
    early: Option<(u32, crate::search::Index)>,
    query: &Query,
    drafts: bool,
    stats: bool,
    start: Instant,
) -> Option<Result<ExitCode, CliError>> {
    // Which of the posts that share a link is shown depends on what each says.
    let t = Instant::now();
    let folded: Vec<usize> = feed.link_groups.iter().flatten().flatten().copied().collect();
    let made = lazy.make(&mut feed.posts, &folded).ok()?;
    feed.stats.sort = t.elapsed();
    let mut feed = feed.visible(drafts);
    let t_index = Instant::now();
    let key = crate::search::saved::key_for(&feed.posts, feed.cache_generation);
    let index = early.filter(|(k, _)| *k == key).map(|(_, index)| index)?;
    if !crate::search::on_the_index_alone(query, &index) {
        return None;
    }
    // The posts edited since the index was saved (read again whole, with
    // no entry): matched through an index of their own.
    let edited: Vec<(usize, &Post)> =
        feed.posts.iter().enumerate().filter(|(_, p)| p.entry.is_none()).collect();
    let index = if edited.is_empty() { index } else { index.patched(&edited)? };
    let index_time = t_index.elapsed();
    let marks = read_marks();
    let none = Muting::default();
    let (places, mut filter) =
        select_places(&feed.posts, query, false, &marks, &HashSet::new(), Some(index), &none);
    filter.index = index_time;
    // The printed posts not made whole yet: a row needs only their title,
    // source and link, read where their entries lie, and their section
    // (found as they are printed).
    let rows: Vec<u32> = places
        .iter()
        .filter_map(|&at| feed.posts.get(at).and_then(|p| p.entry).filter(|&id| !lazy.is_made(id)))
        .collect();
    if !lazy.holds(rows.iter().copied()) {
        return None;
    }
    feed.stats.rows = rows.len();
    feed.stats.made = Some(made);
    for p in &query.problems {
        eprintln!("linkfeed: warning: query: {p}");
    }
    let shown = Shown { json: false, marks: &marks, fresh: &HashSet::new(), stats, start, rows: Some(lazy) };
    Some(answer(feed, &places, &filter, &shown))
}

/// The marks, read without writing (a script must not migrate or repair
/// them); a problem is a warning on stderr.
pub(super) fn read_marks() -> Marks {
    let Some(dir) = crate::store::marks::default_dir() else { return Marks::default() };
    let (marks, problem) = crate::store::marks::read_only(&dir);
    if let Some(p) = problem {
        eprintln!("linkfeed: warning: {p}");
    }
    marks
}

/// The posts a query selects, in the reader's order ([`crate::search::order`]).
/// With `newest`, a query with words lists newest first, not best first.
/// `marks` answer `is:read`, `is:unread` and `is:starred`; `fresh` (the
/// posts the last sync brought) `is:new`. `index`: the search index of the
/// posts with the word index of their text, when the query looks in it
/// (else the short fields are indexed now).
pub(super) fn select<'a>(
    posts: &'a [Post],
    q: &Query,
    newest: bool,
    marks: &Marks,
    fresh: &HashSet<PathBuf>,
    index: Option<crate::search::Index>,
    muting: &Muting,
) -> (Vec<&'a Post>, FilterStats) {
    let (places, stats) = select_places(posts, q, newest, marks, fresh, index, muting);
    (places.into_iter().filter_map(|i| posts.get(i)).collect(), stats)
}

/// [`select`], the posts by their places in `posts`.
fn select_places(
    posts: &[Post],
    q: &Query,
    newest: bool,
    marks: &Marks,
    fresh: &HashSet<PathBuf>,
    index: Option<crate::search::Index>,
    muting: &Muting,
) -> (Vec<usize>, FilterStats) {
    let mut stats = FilterStats::default();
    let mut matcher = Matcher::default();
    // Kept articles: `has:article` asks which posts have one (one listing
    // of the folder, a key per link); a word term also looks in them.
    let by_article = q.terms.iter().any(|t| t.scope == Scope::Is && t.text == "article");
    let by_words = q.terms.iter().any(|t| t.scope == Scope::Any);
    let kept = if by_article || by_words { crate::article::cache::kept() } else { HashSet::new() };
    // Each post's link when its article is kept (a URL parse per post, once).
    let kept_links: Vec<Option<String>> = if kept.is_empty() {
        Vec::new()
    } else {
        let link =
            |p: &Post| crate::article::link(&p.url).filter(|l| kept.contains(&crate::article::cache::key(l)));
        posts.iter().map(link).collect()
    };
    if by_words && !kept.is_empty() {
        let mut words = crate::search::ArticleWords::default();
        for (i, link) in kept_links.iter().enumerate() {
            if let Some(a) = link.as_deref().and_then(crate::article::cache::load) {
                words.insert(i, &a.markdown);
            }
        }
        matcher.articles = Some(std::sync::Arc::new(words));
    }
    let muting_on = muting.applies(q);
    if q.terms.iter().any(|t| t.scope == Scope::Is) || muting_on {
        matcher.marks = posts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let article = kept_links.get(i).is_some_and(Option::is_some);
                let article = if article { crate::search::ARTICLE } else { 0 };
                crate::store::marks::bits(p, &marks.read, &marks.starred, fresh) | article
            })
            .collect();
    }
    let mut matches = if q.is_empty() && !muting_on {
        matcher.filter(q, posts)
    } else {
        let t = Instant::now();
        if q.uses_text_words() {
            stats.words = Some(index.as_ref().is_some_and(|i| i.has_text()));
        }
        let index =
            index.filter(|i| i.len() == posts.len()).unwrap_or_else(|| crate::search::Index::new(posts));
        stats.index = t.elapsed();
        let t = Instant::now();
        if muting_on {
            let rules: Vec<&crate::search::mute::Rule> = muting.rules.iter().collect();
            let muted = crate::search::mute::muted(&rules, &matcher, posts, &index);
            for (bits, _) in matcher.marks.iter_mut().zip(&muted).filter(|(_, m)| **m) {
                *bits |= crate::search::mute::MUTED;
            }
        }
        let (mut m, _) = if q.is_empty() {
            (matcher.filter(q, posts), true)
        } else {
            matcher.matches_term_by_term(q, posts, &index)
        };
        if muting.hide {
            matcher.drop_muted(q, &mut m);
        }
        stats.filter = t.elapsed();
        m
    };
    let order = crate::search::order::Order { newest, ranks: None, now: matcher.now };
    stats.loose = crate::search::order::arrange(q, &mut matches, posts, &order);
    (matches.into_iter().map(|m| m.idx).filter(|&i| i < posts.len()).collect(), stats)
}

/// What `select` spent its time on, for `list --stats`, and the terms it
/// matched only loosely.
#[derive(Debug, Clone, Default)]
pub(super) struct FilterStats {
    /// The terms no post held: their close matches were listed.
    loose: Vec<crate::search::Loose>,
    /// Reading the search index the reader saved, or building the one of
    /// the short fields.
    index: Duration,
    /// For a query that looks in the long text: whether the word index of
    /// the text was at hand (else the text was scanned).
    words: Option<bool>,
    /// The search index was built and saved.
    built: bool,
    /// It was made by renumbering the one saved before (the cache's
    /// entries renumbered, only new posts' text read).
    renumbered: bool,
    /// The saved index was read while the posts were assembled.
    read_early: bool,
    /// Matching and ranking.
    filter: Duration,
}

/// One post as `list --json` prints it.
#[derive(Serialize)]
struct JsonPost<'a> {
    path: String,
    title: &'a str,
    date: Option<String>,
    tags: &'a [std::sync::Arc<str>],
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

/// One tab-separated line per post (date, title, source, URL, section), or
/// a JSON array.
fn print(
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
        row(out, [&p.day(), &p.title, &p.source, &p.url, &p.section])?;
    }
    Ok(())
}

/// One post's line: date, title, source, URL and section, a tab between:
/// the fields as they are, no formatting machinery per row (100,000 rows
/// of `writeln!` were a tenth of a second start).
fn row(out: &mut dyn Write, fields: [&str; 5]) -> io::Result<()> {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.write_all(b"\t")?;
        }
        out.write_all(field.as_bytes())?;
    }
    out.write_all(b"\n")
}

/// [`print`]'s lines for the posts of a lazy load: a stand-in not made
/// whole gives its date, its path its section, its entry in the mapped
/// cache its title, source and link ([`feed::lazy::Lazy::row`]). Made a
/// batch at a time on every core (a query at 100k prints ~18,000 rows:
/// 15 ms on one core) and written in order.
fn print_rows(out: &mut dyn Write, posts: &[&Post], lazy: &feed::lazy::Lazy, root: &Path) -> io::Result<()> {
    const BATCH: usize = 16 * 1024;
    for batch in posts.chunks(BATCH) {
        for part in crate::par::map_chunks(batch, 1024, |chunk| vec![lazy_rows(chunk, lazy, root)]) {
            out.write_all(&part?)?;
        }
    }
    Ok(())
}

/// [`print_rows`]'s lines for `posts`.
fn lazy_rows(posts: &[&Post], lazy: &feed::lazy::Lazy, root: &Path) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(posts.len() * 128);
    let mut sections = lazy.sections();
    for p in posts {
        match p.entry.filter(|&id| !lazy.is_made(id)) {
            Some(id) => {
                let r = lazy.row(id).ok().flatten().ok_or_else(|| {
                    io::Error::other(format!("the parse cache's entry for {} is damaged", p.path.display()))
                })?;
                let (section, _, _) = feed::hugo::section_for(&p.path, root, &mut sections);
                row(&mut out, [&p.day(), r.title, r.source, r.url, &section])?;
            }
            None => row(&mut out, [&p.day(), &p.title, &p.source, &p.url, &p.section])?,
        }
    }
    Ok(out)
}

/// `list --stats`: files, posts, problems and the time of each phase.
fn stats_line(feed: &Feed, filter: &FilterStats, total: Duration) -> String {
    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
    let s = &feed.stats;
    let mut line = format!(
        "files: {}, posts: {}, problems: {}; parsed: {}, from cache: {}, stale cache entries: {}; walk: {}{}, validate: {}, cache read: {}{}, read+parse: {} on {} threads (read {} + parse {} summed), cache write: {}{}, sort: {}{}, visible: {}, index: {}{}, filter: {}, total: {}",
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
        s.made
            .map(|n| format!(" (posts only gone through; {n} made whole, {} rows read in place)", s.rows))
            .unwrap_or_default(),
        ms(s.read_parse),
        s.threads,
        ms(s.read_sum),
        ms(s.parse_sum),
        ms(s.cache_write),
        if s.cache_written { " (written)" } else { "" },
        ms(s.sort),
        if s.arranged { " (the saved order)" } else { "" },
        ms(s.visible),
        ms(filter.index),
        match (filter.words, filter.built, filter.renumbered) {
            (Some(true), false, _) if filter.read_early => {
                " (with the saved word index of the text, read while the posts were assembled)"
            }
            (Some(true), false, _) => " (with the saved word index of the text)",
            (Some(true) | None, true, true) => " (the word index of the text renumbered and saved)",
            (Some(true) | None, true, false) => " (the word index of the text built and saved)",
            (Some(false), _, _) => " (no word index of the text: text scanned)",
            (None, false, _) => "",
        },
        ms(filter.filter),
        ms(total),
    );
    if let Some(note) = &feed.cache_note {
        line.push_str(&format!("; {note}"));
    }
    line
}
