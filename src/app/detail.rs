//! The detail pane's content: the selected post's header and text as lines
//! of a given width, each with the part it belongs to (which decides its
//! style). Wrapped lazily, so only the lines asked for are computed. The app
//! counts them to clamp scrolling; the widget draws them.

use crate::post::Post;
use crate::text::wrap::wrap;

/// What a line of the detail pane is, which decides its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Title,
    Meta,
    Tags,
    Url,
    Body,
}

/// The header lines above the summary, unwrapped.
pub fn header(post: &Post) -> Vec<(String, Part)> {
    let mut h = Vec::with_capacity(5);
    let title = if post.draft { format!("[draft] {}", post.title) } else { post.title.clone() };
    h.push((title, Part::Title));
    let meta: Vec<String> = [post.day(), post.source.clone()].into_iter().filter(|s| !s.is_empty()).collect();
    if !meta.is_empty() {
        h.push((meta.join(" · "), Part::Meta));
    }
    if !post.tags.is_empty() {
        h.push((post.tags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" "), Part::Tags));
    }
    if post.url.is_empty() {
        h.push(("(no URL)".into(), Part::Meta));
    } else {
        // A no-break space keeps the arrow with the URL; a long URL is cut, not moved.
        h.push((format!("↗\u{a0}{}", post.url), Part::Url));
    }
    h.push((String::new(), Part::Body));
    h
}

/// Every line of the pane at `width` columns, lazily.
pub fn lines<'a>(
    header: &'a [(String, Part)],
    post: &'a Post,
    width: usize,
) -> impl Iterator<Item = (&'a str, Part)> {
    let head = header.iter().flat_map(move |(text, part)| wrap(text, width).map(move |l| (l, *part)));
    head.chain(wrap(post.body_text(), width).map(|l| (l, Part::Body)))
}

/// How many lines the pane has at `width`, counting no further than `limit`.
pub fn line_count(post: &Post, width: usize, limit: usize) -> usize {
    let h = header(post);
    lines(&h, post, width).take(limit).count()
}
