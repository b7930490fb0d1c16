//! Selection and scrolling: which row is selected, which rows and detail
//! lines are in view, and what the mouse points at.

use super::App;
use crate::app::keys::Mode;
use crate::ui::layout::{self, Areas};
use ratatui::layout::{Position, Rect};

impl App {
    /// The panes for the current terminal size.
    pub fn areas(&self) -> Areas {
        layout::areas(Rect::new(0, 0, self.view.size.0, self.view.size.1), self.detail_only())
    }

    /// Whether one pane fills the screen and it is the detail pane (a narrow
    /// terminal, after Enter).
    pub fn detail_only(&self) -> bool {
        self.view.show_detail && layout::one_pane(self.view.size.0)
    }

    /// Rows the list pane shows at once (at least 1).
    pub fn list_height(&self) -> usize {
        (layout::areas(Rect::new(0, 0, self.view.size.0, self.view.size.1), false).list_inner.height as usize)
            .max(1)
    }

    /// Selects row `i` of the matches, clamped, and keeps it in view.
    pub(super) fn select(&mut self, i: usize) {
        let n = self.view.matches.len();
        let i = i.min(n.saturating_sub(1));
        if i != self.view.selected {
            self.view.detail_scroll = 0;
        }
        self.view.selected = i;
        let h = self.list_height();
        if self.view.selected < self.view.offset {
            self.view.offset = self.view.selected;
        } else if self.view.selected >= self.view.offset + h {
            self.view.offset = self.view.selected + 1 - h;
        }
        self.view.offset = self.view.offset.min(n.saturating_sub(h));
    }

    /// A click on a row of the list selects it; clicks elsewhere do nothing.
    pub(super) fn click(&mut self, column: u16, row: u16) {
        if self.view.mode != Mode::List && self.view.mode != Mode::Filter {
            return;
        }
        let inner = self.areas().list_inner;
        if inner.contains(Position { x: column, y: row }) {
            let i = self.view.offset + (row - inner.y) as usize;
            if i < self.view.matches.len() {
                self.select(i);
            }
        }
    }

    /// The wheel scrolls the pane under the pointer: three posts in the
    /// list, three lines in the detail pane.
    pub(super) fn wheel(&mut self, down: bool, column: u16, row: u16) {
        if self.view.mode != Mode::List && self.view.mode != Mode::Filter {
            return;
        }
        const STEP: usize = 3;
        let at = Position { x: column, y: row };
        let a = self.areas();
        if a.list.contains(at) {
            let i = if down {
                self.view.selected.saturating_add(STEP)
            } else {
                self.view.selected.saturating_sub(STEP)
            };
            self.select(i);
        } else if a.detail.contains(at) {
            if down {
                self.view.detail_scroll += STEP;
                self.clamp_detail_scroll();
            } else {
                self.view.detail_scroll = self.view.detail_scroll.saturating_sub(STEP);
            }
        }
    }

    /// Keeps the detail pane from scrolling past its last line.
    pub(super) fn clamp_detail_scroll(&mut self) {
        let areas = self.areas();
        let h = (areas.detail_inner.height as usize).max(1);
        if self.current().is_none() {
            self.view.detail_scroll = 0;
            return;
        }
        self.view.detail_scroll = self.view.detail_scroll.min(self.view.detail.len().saturating_sub(h));
    }
}
