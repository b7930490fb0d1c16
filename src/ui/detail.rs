//! The detail pane: the selected post's header and its summary, wrapped
//! lazily so only the visible lines are computed.

use crate::app::App;
use crate::app::detail::{Part, header, lines};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Widget};

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    Block::bordered().border_type(BorderType::Rounded).border_style(t.border).render(area, buf);
    let inner = super::layout::inner(area);
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
