//! Boxes drawn over the panes: help, the tag picker, the problem list.

use crate::app::App;
use crate::keys::Mode;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Widget};

/// A box of at most `w` x `h` centred in `area`, cleared and bordered; its inside.
fn popup(app: &App, area: Rect, w: u16, h: u16, title: &str, buf: &mut Buffer) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    let r = Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h);
    Clear.render(r, buf);
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(app.theme.title)
        .title(Line::from(format!(" {title} ")))
        .render(r, buf);
    super::inner(r)
}

fn put(buf: &mut Buffer, inner: Rect, row: usize, line: &Line) {
    if row < inner.height as usize {
        buf.set_line(inner.x, inner.y + row as u16, line, inner.width);
    }
}

/// The lines of the query syntax, for the help overlay.
const QUERY_HELP: &[(&str, &str)] = &[
    ("word", "title, tags, source; summary text"),
    ("#tag", "fuzzy in tags only"),
    ("source:x  @x", "fuzzy in the source only"),
    ("\"a phrase\"", "exact text anywhere"),
    ("-term", "leave out what the term matches"),
    ("Capital", "a capital: case-sensitive"),
];

/// The help's lines: (left column, right column); one column when narrow.
fn help_lines(app: &App) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
    let t = &app.theme;
    let section = |title: &'static str, rows: Vec<(String, &'static str)>| {
        let key_w = rows.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0) + 2;
        let mut v = vec![Line::styled(title, t.title)];
        for (k, h) in rows {
            v.push(Line::from(vec![Span::styled(format!("  {k:<key_w$}"), t.key), Span::raw(h)]));
        }
        v
    };
    let left = section("Keys", app.keymap.help_rows(Mode::List));
    let mut right = section("While typing a filter", app.keymap.help_rows(Mode::Filter));
    right.push(Line::raw(""));
    right.extend(section("Query syntax", QUERY_HELP.iter().map(|(k, h)| ((*k).to_string(), *h)).collect()));
    (left, right)
}

/// Whether the help is drawn in two columns at this size.
fn help_two_columns(area: Rect) -> bool {
    area.width >= 90
}

/// The size of the help box and its lines, for this terminal size.
fn help_layout(app: &App, area: Rect) -> (u16, u16, Vec<Line<'static>>, Vec<Line<'static>>) {
    let (left, right) = help_lines(app);
    if help_two_columns(area) {
        let h = left.len().max(right.len()) as u16 + 2;
        (112, h, left, right)
    } else {
        let mut all = left;
        all.push(Line::raw(""));
        all.extend(right);
        let h = all.len() as u16 + 2;
        (64, h, all, Vec::new())
    }
}

/// How many lines the help can scroll at the current size (0 when it fits).
pub fn help_overflow(app: &App) -> usize {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let (_, h, left, right) = help_layout(app, area);
    let inner_h = h.min(area.height).saturating_sub(2) as usize;
    left.len().max(right.len()).saturating_sub(inner_h)
}

pub fn help(app: &App, area: Rect, buf: &mut Buffer) {
    let (w, h, left, right) = help_layout(app, area);
    let more = help_overflow(app) > 0;
    let title = if more { "help: j/k scroll, Esc or ? closes" } else { "help: Esc or ? closes" };
    let inner = popup(app, area, w, h, title, buf);
    let skip = app.help_scroll.min(help_overflow(app));
    if help_two_columns(area) {
        let half = inner.width / 2;
        let l = Rect::new(inner.x, inner.y, half, inner.height);
        let r = Rect::new(inner.x + half, inner.y, inner.width - half, inner.height);
        for (i, line) in left.iter().skip(skip).enumerate() {
            put(buf, l, i, line);
        }
        for (i, line) in right.iter().skip(skip).enumerate() {
            put(buf, r, i, line);
        }
    } else {
        for (i, line) in left.iter().skip(skip).enumerate() {
            put(buf, inner, i, line);
        }
    }
}

/// The first row to show so that `selected` is visible in `height` rows.
fn window(selected: usize, height: usize) -> usize {
    (selected + 1).saturating_sub(height.max(1))
}

pub fn tags(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let inner = popup(app, area, 48, 22, "tags: Enter filters, Esc closes", buf);
    let input = Line::from(vec![
        Span::styled("tag: ", t.key),
        Span::raw(app.tag_input.as_str()),
        Span::styled(" ", Style::new().add_modifier(ratatui::style::Modifier::REVERSED)),
        Span::styled(format!("  {} of {}", app.tag_matches.len(), app.tags.len()), t.muted),
    ]);
    put(buf, inner, 0, &input);
    let rows = (inner.height as usize).saturating_sub(1);
    let start = window(app.tag_selected, rows);
    for (i, &ti) in app.tag_matches.iter().enumerate().skip(start).take(rows) {
        let Some((tag, n)) = app.tags.get(ti) else { continue };
        let row = 1 + i - start;
        let selected = i == app.tag_selected;
        let line = Line::from(vec![
            Span::raw(if selected { "▶ " } else { "  " }),
            Span::styled(format!("{n:>5}  "), t.muted),
            Span::styled(format!("#{tag}"), t.tag),
        ]);
        if selected && row < inner.height as usize {
            buf.set_style(Rect::new(inner.x, inner.y + row as u16, inner.width, 1), t.selected);
        }
        put(buf, inner, row, &line);
    }
    if app.tag_matches.is_empty() {
        put(buf, inner, 1, &Line::styled("  no tag matches", t.muted));
    }
}

pub fn problems(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let title = format!(
        "{} errors, {} warnings: Esc closes",
        app.error_count(),
        app.problems.len() - app.error_count()
    );
    let inner = popup(app, area, area.width.saturating_sub(4), area.height.saturating_sub(2), &title, buf);
    let rows = inner.height as usize;
    let start = window(app.problem_selected, rows);
    for (i, p) in app.problems.iter().enumerate().skip(start).take(rows) {
        let row = i - start;
        let style = if p.severity == crate::problem::Severity::Error { t.error } else { t.muted };
        if i == app.problem_selected {
            buf.set_style(Rect::new(inner.x, inner.y + row as u16, inner.width, 1), t.selected);
        }
        put(buf, inner, row, &Line::styled(p.to_string(), style));
    }
}
