//! The list pane: one row per post, built for the visible window only.

use crate::app::App;
use crate::app::keys::Mode;
use crate::post::Post;
use crate::search::Scope;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Widget, Wrap};

/// Characters of a title considered for one row; a megabyte title costs no
/// more than this to draw.
const TITLE_CHARS: usize = 400;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme();
    let focused = matches!(app.mode(), Mode::List | Mode::Filter) && !app.focus_detail();
    let title =
        if app.views().is_empty() { Line::from(format!(" {} ", app.source_label())) } else { tabs(app) };
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(if focused { t.title } else { t.border })
        .title(title)
        .render(area, buf);
    let inner = super::inner(area);
    if inner.is_empty() {
        return;
    }
    if app.matches().is_empty() {
        empty_state(app, inner, buf);
        return;
    }
    let h = inner.height as usize;
    // The stored offset, re-clamped in case the size changed since.
    let offset = app.offset().min(app.selected()).max((app.selected() + 1).saturating_sub(h));
    for (row, m) in app.matches().iter().enumerate().skip(offset).take(h) {
        let Some(post) = app.posts().get(m.idx) else { continue };
        let y = inner.y + (row - offset) as u16;
        let selected = row == app.selected();
        let rect = Rect::new(inner.x, y, inner.width, 1);
        if selected {
            buf.set_style(rect, t.selected);
        }
        let line = row_line(app, post, selected, inner.width as usize);
        buf.set_line(inner.x, y, &line, inner.width);
    }
}

/// The views as tabs in the list's top border: the picker's number, the
/// name and the unread count; the active one stands out.
fn tabs(app: &App) -> Line<'static> {
    let t = &app.theme();
    let active = app.active_view();
    let whole = app.view_is_whole();
    let mut spans = vec![Span::styled(
        format!(" 0 all {} ", app.unread()),
        if whole { t.title.add_modifier(ratatui::style::Modifier::REVERSED) } else { t.muted },
    )];
    for (i, (name, _)) in app.views().iter().enumerate() {
        let n = app.sections().len() + 1 + i;
        let key = if n <= 9 { format!("{n} ") } else { String::new() };
        let unread = app.view_counts().get(i).map_or(0, |c| c.1);
        spans.push(Span::styled("·", t.border));
        let style = if active == Some(i) {
            t.title.add_modifier(ratatui::style::Modifier::REVERSED)
        } else {
            t.muted
        };
        spans.push(Span::styled(format!(" {key}{name} {unread} "), style));
    }
    Line::from(spans)
}

/// One row: the selection marker, a star (`★` unread, `☆` read), `+` (new and unread) or the unread dot, a short relative date (an event's own
/// date), the title (matches highlighted) with all the room it needs, then
/// the source (an event's place) and tags, muted, only where room remains.
pub fn row_line<'a>(app: &App, post: &'a Post, selected: bool, width: usize) -> Line<'a> {
    use unicode_width::UnicodeWidthStr;
    let t = &app.theme();
    let unread = !app.is_read(post);
    let day = match post.event_start().or(post.date) {
        Some(d) => crate::clock::relative(d.timestamp(), app.clock()),
        None => String::new(),
    };
    let mut spans = vec![
        // A picked post (`x`) shows a diamond, the cursor its colour.
        match (selected, app.is_picked(post)) {
            (true, false) => Span::raw("▶"),
            (true, true) => Span::styled("▶", t.highlight),
            (false, true) => Span::styled("◆", t.highlight),
            (false, false) => Span::raw(" "),
        },
        // A starred post shows its star, filled while it is unread, hollow
        // once read. A post the last sync brought shows a `+` while unread.
        match (app.is_starred(post), unread, app.is_new(post)) {
            (true, true, _) => Span::styled("★", t.highlight),
            (true, false, _) => Span::styled("☆", t.highlight),
            (false, true, true) => Span::styled("+", t.info),
            (false, true, false) => Span::styled("●", t.tag),
            (false, false, _) => Span::raw(" "),
        },
        // One space between the marker and the date, however long the date.
        Span::styled(format!(" {day:>6} "), t.muted),
    ];
    let source = match &post.event {
        Some(e) if !e.place.is_empty() => e.place.as_str(),
        Some(e) if !e.mode.is_empty() => e.mode.as_str(),
        _ => &*post.source,
    };
    if post.draft {
        spans.push(Span::styled("[draft] ", t.draft));
    }
    let used: usize = spans.iter().map(|s| s.content.width()).sum();
    let room = width.saturating_sub(used);
    let mut title = match post.title.char_indices().nth(TITLE_CHARS) {
        Some((i, _)) => &post.title[..i],
        None => post.title.as_str(),
    };
    let cut = title.width() > room;
    let base = if unread { Style::new().add_modifier(ratatui::style::Modifier::BOLD) } else { Style::new() };
    if cut {
        let shown = cut_to_width(title, room.saturating_sub(1));
        let hits = if app.query().is_empty() {
            Vec::new()
        } else {
            app.matcher().highlights(app.query(), Scope::Any, title)
        };
        let shown_chars = shown.chars().count();
        // The first match (its run of letters) is not wholly before the
        // cut: the part of the title around it.
        let first_run_end = hits.first().map(|&f| {
            let run = hits.iter().zip(f..).take_while(|(h, want)| **h == *want).count();
            f + run
        });
        if let (Some(&first), Some(end)) = (hits.first(), first_run_end)
            && end > shown_chars
        {
            let start = first.saturating_sub(8);
            let from = title.char_indices().nth(start).map_or(title.len(), |(i, _)| i);
            let rest = &title[from..];
            // The match near the end: the title's start, then its end, so
            // the row is still recognised and no column is left blank.
            if rest.width() < room.saturating_sub(1) {
                let head = cut_to_width(&title[..from], room - rest.width() - 1);
                let moved: Vec<usize> = hits.iter().filter_map(|h| h.checked_sub(start)).collect();
                spans.extend(highlighted(head, &[], base, t.highlight));
                spans.push(Span::styled("…", base));
                spans.extend(highlighted(rest, &moved, base, t.highlight));
                return Line::from(spans);
            }
            let tail = cut_to_width(rest, room.saturating_sub(2));
            let more = tail.len() < rest.len();
            let moved: Vec<usize> = hits.iter().filter_map(|h| h.checked_sub(start)).collect();
            spans.push(Span::styled("…", base));
            spans.extend(highlighted(tail, &moved, base, t.highlight));
            if more {
                spans.push(Span::styled("…", base));
            }
            return Line::from(spans);
        }
        title = shown;
        spans.extend(highlighted(title, &hits, base, t.highlight));
        spans.push(Span::styled("…", base));
        return Line::from(spans);
    }
    let hits = if app.query().is_empty() {
        Vec::new()
    } else {
        app.matcher().highlights(app.query(), Scope::Any, title)
    };
    spans.extend(highlighted(title, &hits, base, t.highlight));
    let mut left = room - title.width();
    if !source.is_empty() {
        if source.width() + 2 > left {
            return Line::from(spans);
        }
        left -= source.width() + 2;
        spans.push(Span::styled(format!("  {source}"), t.muted));
    }
    for tag in &post.tags {
        if tag.width() + 2 > left {
            break;
        }
        left -= tag.width() + 2;
        spans.push(Span::styled(format!(" #{tag}"), t.muted));
    }
    Line::from(spans)
}

/// The longest prefix of `s` at most `width` columns wide.
fn cut_to_width(s: &str, width: usize) -> &str {
    use unicode_width::UnicodeWidthChar;
    let mut used = 0;
    for (i, c) in s.char_indices() {
        used += c.width().unwrap_or(0);
        if used > width {
            return &s[..i];
        }
    }
    s
}

/// `text` cut into spans, the characters at `hits` (sorted char indices) in `hit`.
pub fn highlighted<'a>(text: &'a str, hits: &[usize], base: Style, hit: Style) -> Vec<Span<'a>> {
    if hits.is_empty() {
        return vec![Span::styled(text, base)];
    }
    let mut spans = Vec::new();
    let mut start = 0;
    let mut in_hit = false;
    let mut next_hit = hits.iter().peekable();
    for (ci, (bi, _)) in text.char_indices().enumerate() {
        let is_hit = next_hit.peek() == Some(&&ci);
        if is_hit {
            next_hit.next();
        }
        if is_hit != in_hit {
            if bi > start {
                spans.push(Span::styled(&text[start..bi], if in_hit { hit } else { base }));
            }
            start = bi;
            in_hit = is_hit;
        }
    }
    if start < text.len() {
        spans.push(Span::styled(&text[start..], if in_hit { hit } else { base }));
    }
    spans
}

fn empty_state(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme();
    let lines: Vec<Line> = if app.posts().is_empty() {
        let mut l = vec![
            Line::styled("No posts here yet.", t.title),
            Line::raw(""),
            Line::raw(format!(
                "linkfeed reads *.md files with YAML front matter below {}.",
                app.source_label()
            )),
        ];
        if app.skipped() > 0 {
            l.push(Line::raw(""));
            l.push(Line::styled(
                format!("{} files could not be loaded: press p to see why.", app.skipped()),
                t.error,
            ));
        }
        l
    } else {
        let what = if app.query_text().is_empty() {
            "No post here.".to_string()
        } else {
            format!("No post matches “{}”.", app.query_text())
        };
        let mut l = vec![Line::styled("Nothing matches.", t.title), Line::raw(""), Line::raw(what)];
        if app.section().is_some() {
            l.push(Line::raw(format!("Showing {} only: 0 shows every section.", app.section_label())));
        }
        l.push(Line::raw("Esc clears the filter; ? shows the query syntax."));
        l
    };
    Paragraph::new(lines).wrap(Wrap { trim: true }).render(area, buf);
}
