//! Drawing: every function here reads `&App` and writes a buffer; none
//! changes state. Only the visible window of the list is built.

pub mod detail;
pub mod layout;
pub mod list;
pub mod overlay;
pub mod status;
pub mod theme;

use crate::app::App;
use crate::app::keys::Mode;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

pub use layout::{Areas, areas, inner};

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let a = areas(area, self.detail_only());
        list::render(self, a.list, buf);
        detail::render(self, a.detail, buf);
        status::render(self, a.status, buf);
        match self.mode() {
            Mode::Help => overlay::help(self, area, buf),
            Mode::Tags => overlay::tags(self, area, buf),
            Mode::Problems => overlay::problems(self, area, buf),
            Mode::Sections => overlay::sections(self, area, buf),
            Mode::List | Mode::Filter | Mode::Confirm | Mode::Hint => {}
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
