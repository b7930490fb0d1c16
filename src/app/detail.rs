//! The detail pane's content: the selected post's header, event data, the
//! summary and the rendered Markdown body, as lines of a given width, each run
//! with the part it belongs to (which decides its style). Built once per
//! selection (or width) change and kept by the app; the widget only draws a
//! window of it, and scrolling is clamped against its length.

use crate::post::{Event, Post};
use crate::text::markdown::{self, Ink};
use crate::text::wrap::wrap;
use chrono::{DateTime, FixedOffset};
use std::path::Path;

/// What a run of the detail pane is, which decides its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Title,
    Meta,
    Tags,
    Url,
    /// An event's when / where, and the "also in" line.
    Info,
    /// The summary or tldr.
    Summary,
    /// The rendered body, by ink.
    Body(Ink),
}

/// Lines of a summary shown at most.
const MAX_SUMMARY_LINES: usize = 5000;

/// One line of the pane.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DetailLine {
    pub spans: Vec<(String, Part)>,
}

impl DetailLine {
    pub fn text(&self) -> String {
        self.spans.iter().map(|(t, _)| t.as_str()).collect()
    }
}

/// The header lines above the text, unwrapped.
pub fn header(post: &Post, now: i64, root: &Path) -> Vec<(String, Part)> {
    let mut h = Vec::with_capacity(8);
    let title = if post.draft { format!("[draft] {}", post.title) } else { post.title.clone() };
    h.push((title, Part::Title));
    let date = match &post.event {
        // An event's own date is below; the post's date is when it was announced.
        Some(_) => post.date.map(|d| format!("posted {}", d.format("%Y-%m-%d"))).unwrap_or_default(),
        None => post.exact_date(),
    };
    // The kind is said only where the section does not say it already.
    let kind =
        if crate::feed::hugo::kind_for_section(&post.section) == &*post.kind { "" } else { &post.kind };
    let meta: Vec<String> = [date, post.source.to_string(), post.section_title.to_string(), kind.to_string()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if !meta.is_empty() {
        h.push((meta.join(" · "), Part::Meta));
    }
    if !post.tags.is_empty() || !post.categories().is_empty() {
        let tags = post
            .tags
            .iter()
            .map(|t| &**t)
            .chain(post.categories().iter().map(String::as_str))
            .map(|t| format!("#{t}"))
            .collect::<Vec<_>>();
        h.push((tags.join(" "), Part::Tags));
    }
    if let Some(e) = &post.event {
        h.extend(event_lines(e, now).into_iter().map(|l| (l, Part::Info)));
    }
    if post.url.is_empty() {
        h.push(("(no link: nothing to open)".into(), Part::Meta));
    } else {
        // A no-break space keeps the arrow with the URL; a long URL is cut, not moved.
        h.push((format!("↗\u{a0}{}", post.url), Part::Url));
    }
    if !post.also.is_empty() {
        let also: Vec<String> = post
            .also
            .iter()
            .map(|p| p.strip_prefix(root).unwrap_or(p).to_string_lossy().into_owned())
            .collect();
        h.push((crate::text::sanitize::one_line(&format!("also in: {}", also.join(", "))), Part::Meta));
    }
    h
}

/// When, where, how and by whom.
fn event_lines(e: &Event, now: i64) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(start) = e.start {
        let mut when = format!("When: {}", when_text(start, e.end));
        let rel = relative(start, e.end, now);
        if !rel.is_empty() {
            when.push_str(&format!(" ({rel})"));
        }
        out.push(when);
    }
    let mut where_ = Vec::new();
    if !e.place.is_empty() {
        where_.push(e.place.clone());
    }
    if !e.mode.is_empty() {
        where_.push(e.mode.clone());
    }
    if !where_.is_empty() {
        out.push(format!("Where: {}", where_.join(" · ")));
    }
    if !e.organizer.is_empty() {
        out.push(format!("Organizer: {}", e.organizer));
    }
    out
}

/// `Thu 28 Aug 2025 18:00 CEST`, with ` – 20:00` or ` – Fri 29 Aug 2025` for
/// an end: a time in the reader's zone (`clock::local`); a date without a
/// time (midnight as written) as the day it names.
fn when_text(start: DateTime<FixedOffset>, end: Option<DateTime<FixedOffset>>) -> String {
    let midnight = |d: &DateTime<FixedOffset>| d.format("%H:%M:%S").to_string() == "00:00:00";
    let full = |d: &DateTime<FixedOffset>| {
        if midnight(d) {
            d.format("%a %-d %b %Y").to_string()
        } else {
            crate::clock::local(d.timestamp(), "%a %-d %b %Y %H:%M %Z")
        }
    };
    let day = |d: &DateTime<FixedOffset>| {
        if midnight(d) {
            d.format("%Y-%m-%d").to_string()
        } else {
            crate::clock::local(d.timestamp(), "%Y-%m-%d")
        }
    };
    let mut s = full(&start);
    if let Some(end) = end.filter(|e| *e != start) {
        let same_day = day(&end) == day(&start);
        let tail = if same_day && !midnight(&end) {
            crate::clock::local(end.timestamp(), "%H:%M")
        } else {
            full(&end)
        };
        s.push_str(&format!(" – {tail}"));
    }
    s
}

/// `in 3 days`, `today`, `now`, `2 weeks ago`, relative to `now` (seconds).
pub fn relative(start: DateTime<FixedOffset>, end: Option<DateTime<FixedOffset>>, now: i64) -> String {
    let (s, e) = (start.timestamp(), end.map_or(start.timestamp(), |e| e.timestamp()));
    if s <= now && now <= e && end.is_some() {
        return "happening now".into();
    }
    let ago = now > e;
    let secs = if ago { now - e } else { s - now };
    let span = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    let amount = match secs {
        0..3600 => {
            return if ago { "just ended".into() } else { "within the hour".into() };
        }
        3600..86_400 => span(secs / 3600, "hour"),
        86_400..1_209_600 => span(secs / 86_400, "day"),
        1_209_600..5_184_000 => span(secs / 604_800, "week"),
        5_184_000..63_072_000 => span(secs / 2_592_000, "month"),
        _ => span(secs / 31_536_000, "year"),
    };
    if ago { format!("{amount} ago") } else { format!("in {amount}") }
}

/// Whether `body` (its plain text) begins with `summary`: then the summary
/// says nothing the body does not, and is not shown twice. A summary cut
/// short with `...` or `…` counts by what precedes the cut.
fn summary_in_body(summary: &str, body_lines: &[markdown::Line]) -> bool {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let s = summary.trim_end().trim_end_matches('…').trim_end_matches("...").trim_end();
    let s = norm(s);
    if s.len() < 20 {
        return false;
    }
    // Enough of the body to hold the summary.
    let mut body = String::new();
    for l in body_lines {
        body.push(' ');
        body.push_str(&l.text());
        if body.len() > s.len() * 2 + 64 {
            break;
        }
    }
    norm(&body).starts_with(&s)
}

/// Whether a body says nothing but "open the original ↗ URL" for the post's
/// own link (the link posts of a feed often carry just that line): the
/// header shows the link already.
fn only_points_at(body: &[markdown::Line], url: &str) -> bool {
    if url.is_empty() || body.len() > 6 {
        return false;
    }
    let text: String = body.iter().map(|l| l.text()).collect::<Vec<_>>().join("");
    let text: String = text.split_whitespace().collect();
    let url: String = url.split_whitespace().collect();
    text.contains(&url) && text.chars().count() < url.chars().count() + 40
}

/// Braille frames of the spinner shown while an article is fetched.
pub const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// Every line of the pane in reader mode: the article's title, site,
/// author and length, its address, and its text; or, while it comes, a
/// spinner; or why it could not be had.
pub fn build_article(
    post: &Post,
    state: &super::reader::ArticleState,
    spinner: usize,
    width: usize,
) -> Vec<DetailLine> {
    use super::reader::ArticleState;
    use crate::article::Origin;
    let width = width.max(1);
    let mut out: Vec<DetailLine> = Vec::new();
    let push = |text: &str, part: Part, out: &mut Vec<DetailLine>| {
        for l in wrap(text, width) {
            out.push(DetailLine { spans: vec![(l.to_string(), part)] });
        }
    };
    match state {
        ArticleState::Loading { url, .. } => {
            push(&post.title, Part::Title, &mut out);
            out.push(DetailLine {
                spans: vec![(crate::text::wrap::ellipsize(&format!("↗\u{a0}{url}"), width), Part::Url)],
            });
            out.push(DetailLine::default());
            let frame = SPINNER[spinner % SPINNER.len()];
            push(
                &format!("{frame} fetching the article… (v or Esc: back to the post)"),
                Part::Info,
                &mut out,
            );
        }
        ArticleState::Failed { url, why, .. } => {
            push(&post.title, Part::Title, &mut out);
            out.push(DetailLine {
                spans: vec![(crate::text::wrap::ellipsize(&format!("↗\u{a0}{url}"), width), Part::Url)],
            });
            out.push(DetailLine::default());
            // The hint below says what `o` does.
            let why = why.trim_end_matches("; `o` opens the page").trim_end_matches("; `o` opens it");
            push(&format!("No article here: {why}."), Part::Info, &mut out);
            push("o opens the page in the browser; v or Esc: back to the post.", Part::Meta, &mut out);
        }
        ArticleState::Ready { article, origin, .. } => {
            let title = if article.title.is_empty() { &post.title } else { &article.title };
            push(title, Part::Title, &mut out);
            let mut meta = vec![article.site.clone()];
            meta.extend(article.byline.clone());
            meta.push(format!("{} words", article.words));
            let when = crate::clock::local(article.fetched_at, "%Y-%m-%d %H:%M");
            meta.push(match origin {
                Origin::Fetched => "fetched now".to_string(),
                Origin::Cache => format!("kept, fetched {when}"),
                Origin::Unchanged => format!("unchanged since {when}"),
                Origin::NotKept => "fetched now, not kept (the cache could not be written)".to_string(),
            });
            push(
                &meta.into_iter().filter(|m| !m.is_empty()).collect::<Vec<_>>().join(" · "),
                Part::Meta,
                &mut out,
            );
            out.push(DetailLine {
                spans: vec![(
                    crate::text::wrap::ellipsize(&format!("↗\u{a0}{}", article.final_url), width),
                    Part::Url,
                )],
            });
            out.push(DetailLine::default());
            out.extend(markdown::render(&article.markdown, width).into_iter().map(|l| DetailLine {
                spans: l.spans.into_iter().map(|(t, ink)| (t, Part::Body(ink))).collect(),
            }));
        }
    }
    out
}

/// Every line of the pane for `post`, whose Markdown body is `body`, at
/// `width` columns; `now` is the clock
/// (seconds) for events' relative dates, `root` the feed folder (to name
/// folded files by their path below it).
pub fn build(post: &Post, body: &str, width: usize, now: i64, root: &Path) -> Vec<DetailLine> {
    let width = width.max(1);
    let mut out: Vec<DetailLine> = Vec::new();
    for (text, part) in header(post, now, root) {
        // The link on one line, cut with an ellipsis (`y` copies it whole,
        // `o` opens it): a long URL wrapped over rows pushes the text away.
        if part == Part::Url {
            out.push(DetailLine { spans: vec![(crate::text::wrap::ellipsize(&text, width), part)] });
            continue;
        }
        for l in wrap(&text, width) {
            out.push(DetailLine { spans: vec![(l.to_string(), part)] });
        }
    }
    let mut body = if body.is_empty() { Vec::new() } else { markdown::render(body, width) };
    if only_points_at(&body, &post.url) {
        body.clear();
    }
    // A summary taken from the body is not shown above the body itself.
    let summary =
        if post.summary_from_body && (!body.is_empty() || post.body_in_file) { "" } else { post.body_text() };
    if !summary.is_empty() && !summary_in_body(summary, &body) {
        out.push(DetailLine::default());
        // A megabyte summary is shown up to a point, not wrapped whole.
        for l in wrap(summary, width).take(MAX_SUMMARY_LINES) {
            out.push(DetailLine { spans: vec![(l.to_string(), Part::Summary)] });
        }
    }
    if !body.is_empty() {
        out.push(DetailLine::default());
        out.extend(body.into_iter().map(|l| DetailLine {
            spans: l.spans.into_iter().map(|(t, ink)| (t, Part::Body(ink))).collect(),
        }));
    }
    out
}
