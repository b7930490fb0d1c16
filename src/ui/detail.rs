//! The detail pane: the selected post's header and its summary, wrapped
//! lazily so only the visible lines are computed.

use crate::app::App;
use crate::post::Post;
use crate::wrap::wrap;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Widget};

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

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    Block::bordered().border_type(BorderType::Rounded).border_style(t.border).render(area, buf);
    let inner = super::inner(area);
    if inner.is_empty() {
        return;
    }
    let Some(post) = app.current() else { return };
    let h = header(post);
    let style = |p: Part| -> Style {
        match p {
            Part::Title if post.draft => t.title.patch(t.draft),
            Part::Title => t.title,
            Part::Meta => t.muted,
            Part::Tags => t.tag,
            Part::Url => t.url,
            Part::Body => Style::new(),
        }
    };
    let rows = lines(&h, post, inner.width as usize).skip(app.detail_scroll).take(inner.height as usize);
    for (i, (text, part)) in rows.enumerate() {
        let line = Line::from(Span::styled(text, style(part)));
        buf.set_line(inner.x, inner.y + i as u16, &line, inner.width);
    }
}
