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

/// Below this many columns one pane is shown at a time.
pub const ONE_PANE_BELOW: u16 = 60;

/// The detail pane is never wider than this (lines stay readable); what is
/// left goes to the list.
pub const DETAIL_MAX: u16 = 80;

/// Columns a list row spends before the title: the selection marker, the
/// mark (star or unread dot), a space, a six-column date and a space.
pub const ROW_PREFIX: u16 = 10;

/// Title columns the list keeps room for, where the width allows: 45
/// characters of a longer title and its `…`.
pub const TITLE_ROOM: u16 = 46;

/// The detail pane never shrinks below this beside the list.
const DETAIL_MIN: u16 = 22;

/// The list takes about 60% of the width on the left (more on a narrow
/// terminal, so that 45 characters of a title fit at 80 columns), the detail
/// pane the rest, at most [`DETAIL_MAX`] columns. Below [`ONE_PANE_BELOW`]
/// columns one pane fills the screen: the detail pane when `detail_only`.
/// The status bar is the bottom row.
pub fn areas(area: Rect, detail_only: bool) -> Areas {
    let main_h = area.height.saturating_sub(1);
    let status = Rect::new(area.x, area.y + main_h, area.width, area.height.min(1));
    let w = area.width;
    let (list, detail) = if w < ONE_PANE_BELOW {
        let full = Rect::new(area.x, area.y, w, main_h);
        let none = Rect::new(area.x, area.y, 0, 0);
        if detail_only { (none, full) } else { (full, none) }
    } else if stacks(w, main_h) {
        // Too narrow for a title's room and a readable detail pane side by
        // side: the list on top, the post below it, both the full width.
        let list_h = (main_h * 2 / 5).max(5);
        (Rect::new(area.x, area.y, w, list_h), Rect::new(area.x, area.y + list_h, w, main_h - list_h))
    } else {
        let share = (w as u32 * 3 / 5) as u16;
        let for_titles = (ROW_PREFIX + TITLE_ROOM + 2).min(w.saturating_sub(DETAIL_MIN));
        let list_w = share.max(for_titles).max(w.saturating_sub(DETAIL_MAX));
        (Rect::new(area.x, area.y, list_w, main_h), Rect::new(area.x + list_w, area.y, w - list_w, main_h))
    };
    Areas { list, list_inner: inner(list), detail, detail_inner: inner(detail), status }
}

/// The detail pane is at least this wide beside the list; narrower, the
/// panes stack.
pub const DETAIL_READABLE: u16 = 34;

/// Whether the panes stack (list above, post below) in a main area `w` x
/// `h`: side by side, 45 title characters and a detail pane of
/// [`DETAIL_READABLE`] columns do not both fit, and there are rows enough
/// for two panes (12).
pub fn stacks(w: u16, h: u16) -> bool {
    (ONE_PANE_BELOW..ROW_PREFIX + TITLE_ROOM + 2 + DETAIL_READABLE).contains(&w) && h >= 12
}

/// Whether a terminal this wide shows one pane at a time.
pub fn one_pane(width: u16) -> bool {
    width < ONE_PANE_BELOW
}

/// Where the help box goes and how far it can scroll.
#[cfg(test)]
mod tests {
    use super::*;

    fn at(w: u16, h: u16) -> Areas {
        areas(Rect::new(0, 0, w, h), false)
    }

    #[test]
    fn titles_get_the_room() {
        // 80 columns: 45 title characters after the row's prefix.
        assert!(at(80, 24).list_inner.width >= ROW_PREFIX + TITLE_ROOM);
        // 120 columns: about 60% for the list.
        assert_eq!(at(120, 40).list.width, 72);
        // Wide: the detail pane stops at 80 columns.
        assert_eq!(at(240, 40).detail.width, DETAIL_MAX);
        assert_eq!(at(240, 40).list.width, 160);
        for w in ONE_PANE_BELOW..300 {
            let a = at(w, 30);
            if stacks(w, 29) {
                assert_eq!((a.list.width, a.detail.width), (w, w), "{w}: stacked");
                assert_eq!(a.list.height + a.detail.height, 29, "{w}");
                continue;
            }
            assert_eq!(a.list.width + a.detail.width, w, "{w}");
            assert!(a.detail.width <= DETAIL_MAX && a.detail.width >= DETAIL_READABLE, "{w}");
        }
    }

    /// Issue 23: at 80x24 the post gets the full width below the list.
    #[test]
    fn a_classic_terminal_stacks_the_panes() {
        let a = at(80, 24);
        assert!(a.detail.width >= DETAIL_READABLE);
        assert_eq!(a.list.width, 80);
        assert!(a.list.height >= 5 && a.detail.y == a.list.y + a.list.height);
        // Too few rows to stack: side by side.
        assert!(!stacks(80, 10));
    }

    #[test]
    fn narrow_shows_one_pane() {
        let a = at(59, 20);
        assert_eq!((a.list.width, a.detail.width), (59, 0));
        let d = areas(Rect::new(0, 0, 59, 20), true);
        assert_eq!((d.list.width, d.detail.width), (0, 59));
    }
}

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
