//! The status bar: counts, the filter, messages, and where help is.

use crate::app::App;
use crate::app::keys::Mode;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let t = &app.theme();
    let mut spans: Vec<Span> = Vec::new();
    // A question waits for an answer: it has the bar to itself.
    if matches!(app.mode(), Mode::Confirm | Mode::Hint)
        && let Some(m) = &app.message()
    {
        let q = Line::from(Span::styled(m.text.as_str(), t.key.add_modifier(Modifier::BOLD)));
        buf.set_line(area.x, area.y, &q, area.width);
        return;
    }
    if app.section().is_some() {
        spans.push(Span::styled(format!("{} · ", app.section_label()), t.key));
    }
    if app.mode() == Mode::Filter {
        spans.push(Span::styled("/", t.key));
        spans.push(Span::raw(app.query_text()));
        spans.push(Span::styled(" ", Style::new().add_modifier(Modifier::REVERSED)));
        spans.push(Span::raw("  "));
        spans.push(Span::styled(app.count_label(), t.muted));
    } else {
        spans.push(Span::raw(app.count_label()));
        if app.picked_count() > 0 {
            spans.push(Span::styled(format!(", {} picked", app.picked_count()), t.highlight));
        }
        if app.sort() != crate::app::Sort::Newest {
            spans.push(Span::styled(format!(", {}", app.sort().label()), t.muted));
        }
    }
    // A malformed term is searched as text, and said so.
    if let Some(p) = app.query().problems.first()
        && app.message().is_none()
    {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(p.as_str(), t.error));
    }
    // A message comes right after the count: it answers what the user just did.
    if let Some(m) = &app.message() {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(m.text.as_str(), if m.error { t.error } else { t.info }));
    }
    if app.mode() != Mode::Filter {
        if !app.query_text().is_empty() {
            spans.push(Span::styled("  filter: ", t.muted));
            spans.push(Span::styled(app.query_text(), t.key));
        }
        if app.skipped() > 0 {
            let s = if app.skipped() == 1 { "" } else { "s" };
            spans.push(Span::styled(format!("  {} file{s} skipped (p shows why)", app.skipped()), t.error));
        }
    }
    // A term no post holds: its close matches are what is listed.
    if let Some(note) = crate::search::Loose::message(app.loose())
        && app.message().is_none()
        && app.query().problems.is_empty()
    {
        spans.push(Span::styled(format!("  ({note})"), t.info));
    }
    // A query with words: its order (Ctrl-s switches it).
    if app.query().ranks_by_score() {
        spans.push(Span::styled(if app.by_newest() { "  newest first" } else { "  best match" }, t.muted));
    }
    let right = " ? help ";
    let right_w = right.width() as u16;
    let left_w = if area.width > right_w + 10 { area.width - right_w } else { area.width };
    buf.set_line(area.x, area.y, &Line::from(fit(spans, left_w as usize)), left_w);
    if left_w < area.width {
        buf.set_line(area.x + left_w, area.y, &Line::styled(right, t.muted), right_w);
    }
}

/// `spans` cut to `width` columns, with a `…` where something was cut.
fn fit(spans: Vec<Span<'_>>, width: usize) -> Vec<Span<'_>> {
    let total: usize = spans.iter().map(|s| s.content.width()).sum();
    if total <= width || width == 0 {
        return spans;
    }
    let mut out = Vec::new();
    let mut used = 0;
    for span in spans {
        let w = span.content.width();
        if used + w <= width {
            used += w;
            out.push(span);
            continue;
        }
        // A part that starts at the edge is left out whole.
        if used + 2 > width {
            break;
        }
        // The span that crosses the edge: as much as leaves room for the `…`.
        out.push(Span::styled(crate::text::wrap::ellipsize(&span.content, width - used), span.style));
        break;
    }
    out
}
