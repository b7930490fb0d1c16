//! Boxes drawn over the panes: help, the tag picker, the problem list.

use super::layout;
use crate::app::App;
use crate::app::keys::HelpSection;
use crate::problem::Severity;
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
        .border_style(app.theme().title)
        .title(Line::from(format!(" {title} ")))
        .render(r, buf);
    super::inner(r)
}

fn put(buf: &mut Buffer, inner: Rect, row: usize, line: &Line) {
    if row < inner.height as usize {
        buf.set_line(inner.x, inner.y + row as u16, line, inner.width);
    }
}

/// The help's lines: (left column, right column), drawn from the key table.
fn help_lines(app: &App) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
    let t = &app.theme();
    let column = |sections: Vec<HelpSection>| {
        let mut v = Vec::new();
        for (i, s) in sections.into_iter().enumerate() {
            if i > 0 {
                v.push(Line::raw(""));
            }
            let key_w = s.rows.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0) + 2;
            v.push(Line::styled(s.title, t.title));
            for (k, h) in s.rows {
                v.push(Line::from(vec![Span::styled(format!("  {k:<key_w$}"), t.key), Span::raw(h)]));
            }
        }
        v
    };
    let (left, right) = app.keymap().help_sections();
    (column(left), column(right))
}

pub fn help(app: &App, area: Rect, buf: &mut Buffer) {
    let (left, right) = help_lines(app);
    let b = layout::help_box(area, left.len(), right.len());
    let title = if b.overflow > 0 { "help: j/k scroll, Esc or ? closes" } else { "help: Esc or ? closes" };
    let inner = popup(app, area, b.width, b.height, title, buf);
    let skip = app.help_scroll().min(b.overflow);
    if b.two_columns {
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
        let blank = Line::raw("");
        let all = left.iter().chain(std::iter::once(&blank)).chain(right.iter());
        for (i, line) in all.skip(skip).enumerate() {
            put(buf, inner, i, line);
        }
    }
}

/// The first row to show so that `selected` is visible in `height` rows.
fn window(selected: usize, height: usize) -> usize {
    (selected + 1).saturating_sub(height.max(1))
}

pub fn tags(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme();
    let title = if app.facets_count_whole() {
        "tags: Enter filters, Esc closes"
    } else {
        "tags: Enter filters, ^a all (in view)"
    };
    let inner = popup(app, area, 52, 22, title, buf);
    let input = Line::from(vec![
        Span::styled("tag: ", t.key),
        Span::raw(app.tag_input()),
        Span::styled(" ", Style::new().add_modifier(ratatui::style::Modifier::REVERSED)),
        Span::styled(format!("  {} of {}", app.tag_matches().len(), app.tags().len()), t.muted),
    ]);
    put(buf, inner, 0, &input);
    let rows = (inner.height as usize).saturating_sub(1);
    let start = window(app.tag_selected(), rows);
    for (i, &ti) in app.tag_matches().iter().enumerate().skip(start).take(rows) {
        let Some((tag, n)) = app.tags().get(ti) else { continue };
        let row = 1 + i - start;
        let selected = i == app.tag_selected();
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
    if app.tag_matches().is_empty() {
        put(buf, inner, 1, &Line::styled("  no tag matches", t.muted));
    }
}

/// The section picker: "all" and every section with its post count.
pub fn sections(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme();
    let h = ((app.sections().len() + app.views().len()) as u16).saturating_add(3);
    let title = match (&app.section_counts(), app.query().is_empty()) {
        (Some(_), _) => "sections, in the query: Enter shows, ^a all, Esc",
        (None, false) => "sections, all posts: Enter shows, ^a query, Esc",
        (None, true) => "sections: Enter shows, Esc closes",
    };
    let inner = popup(app, area, 52, h, title, buf);
    let total = match &app.section_counts() {
        Some((_, all)) => *all,
        None => app.sections().iter().map(|s| s.2).sum(),
    };
    let count =
        |i: usize, c: usize| app.section_counts().as_ref().and_then(|(v, _)| v.get(i).copied()).unwrap_or(c);
    // Each row: what it shows (a section by name, a view by number), its
    // title, its count.
    enum Shows<'a> {
        Section(Option<&'a str>),
        View(usize),
    }
    let rows = std::iter::once((Shows::Section(None), "all sections".to_string(), total))
        .chain(app.sections().iter().enumerate().map(|(i, (n, title, c))| {
            (
                Shows::Section(Some(n.as_str())),
                if title.is_empty() { n.clone() } else { title.clone() },
                count(i, *c),
            )
        }))
        // The views after the sections, as the tabs number them.
        .chain(app.views().iter().enumerate().map(|(i, (name, _))| {
            let posts = app.view_counts().get(i).map_or(0, |c| c.0);
            (Shows::View(i), format!("{name} (view)"), posts)
        }));
    let height = inner.height as usize;
    let start = window(app.section_selected(), height);
    let active = app.active_view();
    for (i, (shows, title, count)) in rows.enumerate().skip(start).take(height) {
        let row = i - start;
        let selected = i == app.section_selected();
        let current = match shows {
            Shows::Section(name) => active.is_none() && app.section() == name,
            Shows::View(v) => active == Some(v),
        };
        let key = if i <= 9 { format!("{i}") } else { " ".into() };
        let line = Line::from(vec![
            Span::raw(if selected { "▶ " } else { "  " }),
            Span::styled(format!("{key} "), t.key),
            Span::styled(format!("{count:>6}  "), t.muted),
            Span::styled(title, if current { t.title } else { Style::new() }),
        ]);
        if selected {
            buf.set_style(Rect::new(inner.x, inner.y + row as u16, inner.width, 1), t.selected);
        }
        put(buf, inner, row, &line);
    }
}

pub fn problems(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme();
    let title = format!(
        "{} errors, {} warnings: j/k move, Esc closes",
        app.error_count(),
        app.problems().len() - app.error_count()
    );
    let inner = popup(app, area, area.width.saturating_sub(4), area.height.saturating_sub(2), &title, buf);
    let rows = inner.height as usize;
    if rows == 0 || inner.width == 0 {
        return;
    }
    // Each problem wrapped to the box, at most a screen of lines each.
    let width = inner.width as usize;
    let wrapped = |i: usize| -> Vec<String> {
        let text = app.problems().get(i).map(|p| p.to_string()).unwrap_or_default();
        let text: String = text.chars().take(PROBLEM_CHARS).collect();
        let mut lines: Vec<String> =
            crate::text::wrap::wrap(&text, width).take(rows).map(str::to_string).collect();
        if lines.is_empty() {
            lines.push(String::new());
        }
        lines
    };
    // Scrolled so that the selected problem is whole on screen, and as
    // many before it as fit.
    let selected = app.problem_selected().min(app.problems().len().saturating_sub(1));
    let mut start = selected;
    let mut used = wrapped(selected).len();
    while start > 0 {
        let n = wrapped(start - 1).len();
        if used + n > rows {
            break;
        }
        used += n;
        start -= 1;
    }
    let mut row = 0;
    for i in start..app.problems().len() {
        if row >= rows {
            break;
        }
        let Some(p) = app.problems().get(i) else { break };
        let style = if p.severity == Severity::Error { t.error } else { t.muted };
        for line in wrapped(i) {
            if row >= rows {
                break;
            }
            if i == selected {
                buf.set_style(Rect::new(inner.x, inner.y + row as u16, inner.width, 1), t.selected);
            }
            put(buf, inner, row, &Line::styled(line, style));
            row += 1;
        }
    }
}

/// Characters of one problem shown (a megabyte message costs no more).
const PROBLEM_CHARS: usize = 4000;
