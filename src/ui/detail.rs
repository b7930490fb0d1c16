//! The detail pane: a window of the lines the app built for the selected
//! post (header, event, summary, rendered body), styled by part.

use crate::app::App;
use crate::app::detail::{DetailLine, Part};
use crate::text::markdown::Ink;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Widget};

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme();
    let focused = app.focus_detail() && app.mode() == crate::app::keys::Mode::List;
    let mut block = Block::bordered().border_type(BorderType::Rounded).border_style(if focused {
        t.title
    } else {
        t.border
    });
    if app.reading_article() {
        block = block.title(" article · v or Esc: the post ");
    } else if app.detail_only() {
        block = block.title(" Esc: the list · Enter: open ");
    } else if focused {
        block = block.title(" h: the list ");
    }
    let inner = super::layout::inner(area);
    let Some(post) = app.current() else {
        block.render(area, buf);
        return;
    };
    // The app builds the lines when it is made and after every update
    // (`App::update`); drawing only reads them.
    let lines: &[DetailLine] = app.detail_lines();
    let style = |p: Part| -> Style {
        match p {
            Part::Title if post.draft => t.title.patch(t.draft),
            Part::Title => t.title,
            Part::Meta => t.muted,
            Part::Tags => t.tag,
            Part::Url => t.url,
            Part::Info => t.info,
            Part::Summary => Style::new(),
            Part::Body(ink) => match ink {
                Ink::Plain => Style::new(),
                Ink::Heading => t.key.add_modifier(Modifier::BOLD),
                Ink::Strong => Style::new().add_modifier(Modifier::BOLD),
                Ink::Emphasis => Style::new().add_modifier(Modifier::ITALIC),
                Ink::Code | Ink::CodeBlock => t.info,
                Ink::Link => t.url,
                Ink::Muted => t.muted,
            },
        }
    };
    // On the bottom border: the reading time, and how much is still below.
    let below = lines.len().saturating_sub(app.detail_scroll() + inner.height as usize);
    let minutes = reading_minutes(lines);
    let seen = (app.detail_scroll() + inner.height as usize) * 100 / lines.len().max(1);
    // As much as the border holds: the longest form that fits.
    let forms = if below > 0 {
        vec![
            format!("{minutes} min read · more below ({seen}%) Space"),
            format!("{minutes} min · more below ({seen}%)"),
            format!("more below ({seen}%)"),
            format!("↓{seen}%"),
        ]
    } else {
        vec![format!("{minutes} min read"), format!("{minutes} min"), String::new()]
    };
    let room = (area.width as usize).saturating_sub(4);
    let foot = forms.into_iter().find(|f| f.chars().count() + 2 <= room).unwrap_or_default();
    if !inner.is_empty() && !foot.is_empty() {
        block = block.title_bottom(Line::styled(format!(" {foot} "), t.muted).right_aligned());
    }
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    let rows = lines.iter().skip(app.detail_scroll()).take(inner.height as usize);
    for (i, l) in rows.enumerate() {
        let line = Line::from(
            l.spans.iter().map(|(text, part)| Span::styled(text.as_str(), style(*part))).collect::<Vec<_>>(),
        );
        buf.set_line(inner.x, inner.y + i as u16, &line, inner.width);
    }
}

/// Minutes to read the pane's text, at 220 words a minute, at least one.
fn reading_minutes(lines: &[DetailLine]) -> usize {
    let words: usize =
        lines.iter().flat_map(|l| &l.spans).map(|(text, _)| text.split_whitespace().count()).sum();
    words.div_ceil(220).max(1)
}
