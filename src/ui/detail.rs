//! The detail pane: a window of the lines the app built for the selected
//! post (header, event, summary, rendered body), styled by part.

use crate::app::App;
use crate::app::detail::{self, DetailLine, Part};
use crate::text::markdown::Ink;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Widget};

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let mut block = Block::bordered().border_type(BorderType::Rounded).border_style(t.border);
    if app.detail_only() {
        block = block.title(" Esc: the list · Enter: open ");
    }
    block.render(area, buf);
    let inner = super::layout::inner(area);
    if inner.is_empty() {
        return;
    }
    let Some(post) = app.current() else { return };
    // The app keeps the lines current after every update; an app drawn
    // before its first update (a test, a bench) gets them built here.
    let built;
    let lines: &[DetailLine] = if app.detail_is_current() {
        app.detail_lines()
    } else {
        built = detail::build(post, app.body_of(post), inner.width as usize, app.clock, &app.root);
        &built
    };
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
    let rows = lines.iter().skip(app.detail_scroll).take(inner.height as usize);
    for (i, l) in rows.enumerate() {
        let line = Line::from(
            l.spans.iter().map(|(text, part)| Span::styled(text.as_str(), style(*part))).collect::<Vec<_>>(),
        );
        buf.set_line(inner.x, inner.y + i as u16, &line, inner.width);
    }
}
