//! Drawing: every function here reads `&App` and writes a buffer; none
//! changes state. Only the visible window of the list is built.

pub mod detail;
pub mod list;
pub mod overlay;
pub mod status;
pub mod theme;

use crate::app::App;
use crate::keys::Mode;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

/// Where each pane goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub list: Rect,
    pub list_inner: Rect,
    pub detail: Rect,
    pub detail_inner: Rect,
    pub status: Rect,
}

/// The area inside a one-cell border (empty when there is no room).
pub fn inner(r: Rect) -> Rect {
    Rect::new(
        r.x.saturating_add(1),
        r.y.saturating_add(1),
        r.width.saturating_sub(2),
        r.height.saturating_sub(2),
    )
}

/// Below this many columns the panes stack: list above, detail below.
pub const STACK_BELOW: u16 = 80;

/// The list takes about 40% of the width on the left, the detail the rest;
/// in a narrow terminal the list takes the top 40% and the detail the rest.
/// The status bar is the bottom row.
pub fn areas(area: Rect) -> Areas {
    let main_h = area.height.saturating_sub(1);
    let status = Rect::new(area.x, area.y + main_h, area.width, area.height.min(1));
    let (list, detail) = if area.width < STACK_BELOW && main_h >= 8 {
        let list_h = (main_h as u32 * 2 / 5) as u16;
        (
            Rect::new(area.x, area.y, area.width, list_h),
            Rect::new(area.x, area.y + list_h, area.width, main_h - list_h),
        )
    } else {
        let list_w = (area.width as u32 * 2 / 5) as u16;
        (
            Rect::new(area.x, area.y, list_w, main_h),
            Rect::new(area.x + list_w, area.y, area.width - list_w, main_h),
        )
    };
    Areas { list, list_inner: inner(list), detail, detail_inner: inner(detail), status }
}

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let a = areas(area);
        list::render(self, a.list, buf);
        detail::render(self, a.detail, buf);
        status::render(self, a.status, buf);
        match self.mode {
            Mode::Help => overlay::help(self, area, buf),
            Mode::Tags => overlay::tags(self, area, buf),
            Mode::Problems => overlay::problems(self, area, buf),
            Mode::List | Mode::Filter => {}
        }
    }
}

/// The screen while a large feed loads: how many files of how many.
pub fn loading(area: Rect, buf: &mut Buffer, label: &str, done: usize, total: usize, walked: bool) {
    use ratatui::text::Line;
    use ratatui::widgets::{Paragraph, Wrap};
    let status = if walked {
        format!("Loading {label}: {} of {} files", done.min(total), total)
    } else {
        format!("Loading {label}: finding files…")
    };
    let lines = vec![Line::raw(status), Line::raw(""), Line::raw("q quits")];
    let h = (lines.len() as u16).min(area.height);
    let r = Rect::new(area.x, area.y + (area.height - h) / 2, area.width, h);
    Paragraph::new(lines).centered().wrap(Wrap { trim: true }).render(r, buf);
}
