//! Geometry: where each pane and box goes for a terminal size. A leaf that
//! both the app (to page and clamp) and the widgets (to draw) import.

use ratatui::layout::Rect;

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

/// Where the help box goes and how far it can scroll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelpBox {
    /// Keys on the left, filter keys and query syntax on the right.
    pub two_columns: bool,
    pub width: u16,
    pub height: u16,
    /// Lines the help can scroll at this size (0 when it fits).
    pub overflow: usize,
}

/// The help box for a terminal of `area`, whose columns have `left` and
/// `right` lines (stacked with a blank line between them when narrow).
pub fn help_box(area: Rect, left: usize, right: usize) -> HelpBox {
    let two_columns = area.width >= 90;
    let (width, lines) = if two_columns { (112, left.max(right)) } else { (64, left + 1 + right) };
    let height = (lines as u16).saturating_add(2);
    let inner_h = height.min(area.height).saturating_sub(2) as usize;
    HelpBox { two_columns, width, height, overflow: lines.saturating_sub(inner_h) }
}
