//! The key table: one list serves both dispatch and the help overlay, so the
//! two cannot drift apart.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What the reader is doing; keys mean different things in each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Moving through the list.
    List,
    /// Typing a filter.
    Filter,
    /// The help overlay is open.
    Help,
    /// The tag picker is open.
    Tags,
    /// The list of files that could not be loaded is open.
    Problems,
    /// The section picker is open.
    Sections,
    /// A question in the status bar waits for y (anything else says no).
    Confirm,
    /// A link hint waits for a link's number (Enter takes it, anything
    /// else but a digit cancels).
    Hint,
}

/// A command a key can name. Data-free, so the table can be static.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    Down,
    Up,
    First,
    Last,
    PageDown,
    PageUp,
    HalfPageDown,
    HalfPageUp,
    DetailDown,
    DetailUp,
    /// A page of the detail pane.
    DetailPageDown,
    DetailPageUp,
    /// The keys that move go to the detail pane / back to the list.
    FocusDetail,
    FocusList,
    StartFilter,
    AcceptFilter,
    ClearFilter,
    Backspace,
    Open,
    /// Reader mode: the original article in the detail pane.
    ReadArticle,
    Help,
    Close,
    TagPicker,
    PickTag,
    /// In a picker: count the view or the whole feed.
    FacetScope,
    Problems,
    SectionPicker,
    PickSection,
    CycleSort,
    ToggleRanking,
    CopyUrl,
    /// Open a link inside the post (a hint: its number).
    OpenLink,
    /// Copy a link inside the post (a hint: its number).
    CopyLink,
    /// Send the post to a `[share]` target (its number).
    Share,
    /// Send the post to `pipe` on its standard input.
    Pipe,
    /// Mute the post's tag, source or the query for a while (or lift a mute).
    Mute,
    /// Pick the selected post (or take it out of the picks).
    Pick,
    /// Pick every post in the view (or none).
    PickView,
    ToggleRead,
    UnreadOnly,
    NextUnread,
    PrevUnread,
    MarkAllRead,
    Undo,
    ToggleStar,
    Sync,
    Yes,
    No,
    Reload,
    /// Stop the reader for now (Ctrl-z): back to the shell, `fg` returns.
    Suspend,
    Quit,
}

/// A key as the table names it: a code, with or without Ctrl.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn k(c: char) -> Key {
    Key { code: KeyCode::Char(c), ctrl: false }
}
const fn ctrl(c: char) -> Key {
    Key { code: KeyCode::Char(c), ctrl: true }
}
const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}
const fn ctrl_code(code: KeyCode) -> Key {
    Key { code, ctrl: true }
}

/// One row of the table: in these modes, these keys do this.
#[derive(Debug)]
pub struct Binding {
    pub modes: &'static [Mode],
    pub keys: &'static [Key],
    pub cmd: Cmd,
    pub help: &'static str,
}

use KeyCode::{Backspace, Down, End, Enter, Esc, Home, PageDown, PageUp, Up};
use Mode::{Confirm, Filter, Help, Hint, List, Problems, Sections, Tags};

/// Every key linkfeed knows. Earlier rows win.
pub static BINDINGS: &[Binding] = &[
    Binding { modes: &[List], keys: &[k('j'), code(Down)], cmd: Cmd::Down, help: "next post" },
    Binding { modes: &[List], keys: &[k('k'), code(Up)], cmd: Cmd::Up, help: "previous post" },
    Binding { modes: &[List], keys: &[k('g'), code(Home)], cmd: Cmd::First, help: "first post" },
    Binding { modes: &[List], keys: &[k('G'), code(End)], cmd: Cmd::Last, help: "last post" },
    Binding { modes: &[List], keys: &[code(PageDown)], cmd: Cmd::PageDown, help: "a page down" },
    Binding { modes: &[List], keys: &[code(PageUp)], cmd: Cmd::PageUp, help: "a page up" },
    Binding { modes: &[List], keys: &[ctrl('d')], cmd: Cmd::HalfPageDown, help: "half a page down" },
    Binding { modes: &[List], keys: &[ctrl('u')], cmd: Cmd::HalfPageUp, help: "half a page up" },
    Binding {
        modes: &[List],
        keys: &[k('J'), ctrl_code(Down)],
        cmd: Cmd::DetailDown,
        help: "scroll the summary down",
    },
    Binding {
        modes: &[List],
        keys: &[k('K'), ctrl_code(Up)],
        cmd: Cmd::DetailUp,
        help: "scroll the summary up",
    },
    Binding { modes: &[List], keys: &[k(' ')], cmd: Cmd::DetailPageDown, help: "page the post down" },
    Binding { modes: &[List], keys: &[k('b')], cmd: Cmd::DetailPageUp, help: "page the post up" },
    Binding {
        modes: &[List],
        keys: &[k('l'), code(KeyCode::Right)],
        cmd: Cmd::FocusDetail,
        help: "j/k/PgDn move the post",
    },
    Binding {
        modes: &[List],
        keys: &[k('h'), code(KeyCode::Left)],
        cmd: Cmd::FocusList,
        help: "j/k/PgDn move the list",
    },
    Binding { modes: &[List], keys: &[k('/')], cmd: Cmd::StartFilter, help: "filter: type a query" },
    Binding {
        modes: &[List],
        keys: &[code(Enter), k('o')],
        cmd: Cmd::Open,
        help: "open the original in the browser",
    },
    Binding { modes: &[List], keys: &[k('v')], cmd: Cmd::ReadArticle, help: "reader mode: read it here" },
    Binding { modes: &[List], keys: &[k('m')], cmd: Cmd::ToggleRead, help: "mark read / unread" },
    Binding { modes: &[List], keys: &[k('n')], cmd: Cmd::NextUnread, help: "next unread post" },
    Binding { modes: &[List], keys: &[k('N')], cmd: Cmd::PrevUnread, help: "previous unread post" },
    Binding { modes: &[List], keys: &[k('*')], cmd: Cmd::ToggleStar, help: "star / unstar (read later)" },
    Binding { modes: &[List], keys: &[k('A')], cmd: Cmd::MarkAllRead, help: "mark every post in view read" },
    Binding { modes: &[List], keys: &[k('z')], cmd: Cmd::Undo, help: "undo the last marking" },
    Binding { modes: &[List], keys: &[k('u')], cmd: Cmd::UnreadOnly, help: "toggle is:unread (unread only)" },
    Binding { modes: &[List], keys: &[k('r')], cmd: Cmd::Reload, help: "read the folder again" },
    Binding { modes: &[List, Filter], keys: &[ctrl('z')], cmd: Cmd::Suspend, help: "suspend (fg resumes)" },
    Binding { modes: &[List], keys: &[k('S')], cmd: Cmd::Sync, help: "sync a git feed (fetch)" },
    Binding { modes: &[List], keys: &[k('y')], cmd: Cmd::CopyUrl, help: "copy the URL (OSC 52)" },
    Binding { modes: &[List], keys: &[k('f')], cmd: Cmd::OpenLink, help: "open a link in the post (f 3)" },
    Binding { modes: &[List], keys: &[k('F')], cmd: Cmd::CopyLink, help: "copy a link in the post (F 3)" },
    Binding { modes: &[List], keys: &[k('>')], cmd: Cmd::Share, help: "share: a [share] target (> 1)" },
    Binding { modes: &[List], keys: &[k('x')], cmd: Cmd::Pick, help: "pick: o m * | > act on picks" },
    Binding { modes: &[List], keys: &[k('X')], cmd: Cmd::PickView, help: "pick all in view (or none)" },
    Binding { modes: &[List], keys: &[k('|')], cmd: Cmd::Pipe, help: "pipe the post to `pipe`" },
    Binding { modes: &[List], keys: &[k('M')], cmd: Cmd::Mute, help: "mute its tag/source/the query" },
    Binding { modes: &[List], keys: &[k('t')], cmd: Cmd::TagPicker, help: "pick a tag" },
    Binding { modes: &[List], keys: &[k('p')], cmd: Cmd::Problems, help: "files that could not be loaded" },
    Binding {
        modes: &[List],
        keys: &[code(KeyCode::Tab)],
        cmd: Cmd::SectionPicker,
        help: "sections (1-9 picks one, 0 all)",
    },
    Binding {
        modes: &[List],
        keys: &[k('s')],
        cmd: Cmd::CycleSort,
        help: "sort: newest/oldest/title/source",
    },
    Binding {
        modes: &[List, Filter],
        keys: &[ctrl('s')],
        cmd: Cmd::ToggleRanking,
        help: "order: best match / newest",
    },
    Binding { modes: &[List], keys: &[code(Esc)], cmd: Cmd::ClearFilter, help: "clear the filter" },
    Binding { modes: &[List, Help], keys: &[k('?')], cmd: Cmd::Help, help: "this help" },
    Binding { modes: &[List], keys: &[k('q')], cmd: Cmd::Quit, help: "quit" },
    Binding {
        modes: &[List, Filter, Help, Tags, Problems, Sections, Confirm, Hint],
        keys: &[ctrl('c')],
        cmd: Cmd::Quit,
        help: "quit",
    },
    // A question in the status bar
    Binding { modes: &[Confirm], keys: &[k('y'), k('Y'), code(Enter)], cmd: Cmd::Yes, help: "yes" },
    // A link hint
    Binding { modes: &[Hint], keys: &[code(Enter)], cmd: Cmd::Yes, help: "take the number typed" },
    // While typing a filter
    Binding {
        modes: &[Filter],
        keys: &[code(Enter)],
        cmd: Cmd::AcceptFilter,
        help: "keep the filter, back to the list",
    },
    Binding { modes: &[Filter], keys: &[code(Esc)], cmd: Cmd::ClearFilter, help: "clear the filter" },
    Binding {
        modes: &[Filter, Tags],
        keys: &[code(Backspace)],
        cmd: Cmd::Backspace,
        help: "delete a letter",
    },
    Binding { modes: &[Filter, Tags, Problems], keys: &[code(Down)], cmd: Cmd::Down, help: "next" },
    Binding { modes: &[Filter, Tags, Problems], keys: &[code(Up)], cmd: Cmd::Up, help: "previous" },
    // Tag picker
    Binding { modes: &[Tags], keys: &[code(Enter)], cmd: Cmd::PickTag, help: "filter by this tag" },
    Binding {
        modes: &[Tags, Sections],
        keys: &[ctrl('a')],
        cmd: Cmd::FacetScope,
        help: "count the view / the whole feed",
    },
    // Section picker
    Binding { modes: &[Sections], keys: &[code(Enter)], cmd: Cmd::PickSection, help: "show this section" },
    Binding { modes: &[Sections], keys: &[k('q'), code(KeyCode::Tab)], cmd: Cmd::Close, help: "close" },
    // Overlays
    Binding { modes: &[Problems, Help, Sections], keys: &[k('j'), code(Down)], cmd: Cmd::Down, help: "next" },
    Binding { modes: &[Problems, Help, Sections], keys: &[k('k'), code(Up)], cmd: Cmd::Up, help: "previous" },
    Binding { modes: &[Help, Tags, Problems, Sections], keys: &[code(Esc)], cmd: Cmd::Close, help: "close" },
    Binding { modes: &[Help], keys: &[k('q')], cmd: Cmd::Close, help: "close" },
    Binding { modes: &[Problems], keys: &[k('q'), k('p')], cmd: Cmd::Close, help: "close" },
];

impl Key {
    fn matches(&self, ev: &KeyEvent) -> bool {
        let has_ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        if has_ctrl != self.ctrl {
            return false;
        }
        match (self.code, ev.code) {
            // Shift+g arrives as Char('G') with SHIFT: compare the character only.
            (KeyCode::Char(a), KeyCode::Char(b)) => a == b,
            (a, b) => a == b,
        }
    }

    /// How the help overlay writes this key.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Down => "Down".into(),
            KeyCode::Up => "Up".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::Left => "Left".into(),
            KeyCode::Right => "Right".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.ctrl { format!("Ctrl-{base}") } else { base }
    }
}

/// The key table in force: the built-in [`BINDINGS`] with the user's
/// remapping applied. Both dispatch and the help overlay read it.
#[derive(Debug, Clone)]
pub struct KeyMap {
    rows: Vec<Row>,
}

#[derive(Debug, Clone)]
struct Row {
    modes: &'static [Mode],
    keys: Vec<Key>,
    cmd: Cmd,
    help: &'static str,
}

impl Default for KeyMap {
    fn default() -> Self {
        KeyMap {
            rows: BINDINGS
                .iter()
                .map(|b| Row { modes: b.modes, keys: b.keys.to_vec(), cmd: b.cmd, help: b.help })
                .collect(),
        }
    }
}

/// The names the configuration uses for commands that keys can be bound to
/// in the list.
pub const COMMAND_NAMES: &[(&str, Cmd)] = &[
    ("down", Cmd::Down),
    ("up", Cmd::Up),
    ("first", Cmd::First),
    ("last", Cmd::Last),
    ("page_down", Cmd::PageDown),
    ("page_up", Cmd::PageUp),
    ("half_page_down", Cmd::HalfPageDown),
    ("half_page_up", Cmd::HalfPageUp),
    ("scroll_down", Cmd::DetailDown),
    ("scroll_up", Cmd::DetailUp),
    ("page_post_down", Cmd::DetailPageDown),
    ("page_post_up", Cmd::DetailPageUp),
    ("focus_post", Cmd::FocusDetail),
    ("focus_list", Cmd::FocusList),
    ("filter", Cmd::StartFilter),
    ("clear_filter", Cmd::ClearFilter),
    ("open", Cmd::Open),
    ("read_article", Cmd::ReadArticle),
    ("tags", Cmd::TagPicker),
    ("problems", Cmd::Problems),
    ("sections", Cmd::SectionPicker),
    ("sort", Cmd::CycleSort),
    ("toggle_ranking", Cmd::ToggleRanking),
    ("copy_url", Cmd::CopyUrl),
    ("open_link", Cmd::OpenLink),
    ("copy_link", Cmd::CopyLink),
    ("share", Cmd::Share),
    ("pipe", Cmd::Pipe),
    ("mute", Cmd::Mute),
    ("pick", Cmd::Pick),
    ("pick_view", Cmd::PickView),
    ("toggle_read", Cmd::ToggleRead),
    ("unread_only", Cmd::UnreadOnly),
    ("next_unread", Cmd::NextUnread),
    ("prev_unread", Cmd::PrevUnread),
    ("mark_all_read", Cmd::MarkAllRead),
    ("undo", Cmd::Undo),
    ("toggle_star", Cmd::ToggleStar),
    ("sync", Cmd::Sync),
    ("reload", Cmd::Reload),
    ("suspend", Cmd::Suspend),
    ("help", Cmd::Help),
    ("quit", Cmd::Quit),
];

impl KeyMap {
    /// Binds `keys` to `cmd` in the list, replacing its keys there; the keys
    /// are taken away from any other list command so nothing is ambiguous.
    pub fn remap(&mut self, cmd: Cmd, keys: Vec<Key>) {
        for row in self.rows.iter_mut().filter(|r| r.modes.contains(&Mode::List)) {
            if row.cmd == cmd {
                row.keys = if row.modes == [Mode::List] { keys.clone() } else { row.keys.clone() };
            } else {
                row.keys.retain(|k| !keys.contains(k));
            }
        }
        // A command listed in several modes at once (quit, help) keeps its
        // other keys and gains the new ones in the list.
        if !self.rows.iter().any(|r| r.cmd == cmd && r.modes == [Mode::List]) {
            self.rows.insert(0, Row { modes: &[Mode::List], keys, cmd, help: help_of(cmd) });
        }
    }

    /// The labels of the keys bound to `cmd` in the list.
    pub fn keys_for(&self, cmd: Cmd) -> Vec<String> {
        self.rows
            .iter()
            .filter(|r| r.cmd == cmd && r.modes.contains(&Mode::List))
            .flat_map(|r| r.keys.iter().map(Key::label))
            .collect()
    }

    /// What a key event means in `mode`: a command, a typed character, or
    /// nothing. Key releases are ignored.
    pub fn lookup(&self, mode: Mode, ev: &KeyEvent) -> Option<Input> {
        if ev.kind == KeyEventKind::Release {
            return None;
        }
        let found = self
            .rows
            .iter()
            .filter(|b| b.modes.contains(&mode))
            .find(|b| b.keys.iter().any(|key| key.matches(ev)));
        if let Some(b) = found {
            return Some(Input::Cmd(b.cmd));
        }
        // A digit types a link's number; any other key cancels the hint.
        if mode == Mode::Hint {
            return Some(match ev.code {
                KeyCode::Char(c) if c.is_ascii_digit() && !ev.modifiers.contains(KeyModifiers::CONTROL) => {
                    Input::Char(c)
                }
                _ => Input::Cmd(Cmd::No),
            });
        }
        // Any other key answers a question with no.
        if mode == Mode::Confirm {
            return Some(Input::Cmd(Cmd::No));
        }
        let typing = matches!(mode, Mode::Filter | Mode::Tags);
        // Digits pick a section in the list and the section picker.
        let digit = matches!(mode, Mode::List | Mode::Sections);
        match ev.code {
            KeyCode::Char(c)
                if (typing || (digit && c.is_ascii_digit()))
                    && !ev.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                Some(Input::Char(c))
            }
            _ => None,
        }
    }

    /// The rows the help overlay shows for `mode`: keys joined, and what they
    /// do. Rows for the same command and text are merged (`q / Ctrl-c  quit`);
    /// quitting is listed only with the list's keys.
    pub fn help_rows(&self, mode: Mode) -> Vec<(String, &'static str)> {
        let mut rows: Vec<(Cmd, Vec<String>, &'static str)> = Vec::new();
        for b in self.rows.iter().filter(|b| b.modes.contains(&mode) && !b.keys.is_empty()) {
            if b.cmd == Cmd::Quit && mode != Mode::List {
                continue;
            }
            let labels = b.keys.iter().map(Key::label);
            match rows.iter_mut().find(|(c, _, h)| *c == b.cmd && *h == b.help) {
                Some(row) => row.1.extend(labels),
                None => rows.push((b.cmd, labels.collect(), b.help)),
            }
        }
        rows.into_iter().map(|(_, keys, help)| (keys.join(" / "), help)).collect()
    }
}

/// A titled block of the help overlay: (keys, what they do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpSection {
    pub title: &'static str,
    pub rows: Vec<(String, &'static str)>,
}

impl HelpSection {
    /// Lines it takes: the title and a line per row.
    pub fn lines(&self) -> usize {
        1 + self.rows.len()
    }
}

/// The lines of the query syntax, for the help overlay.
pub const QUERY_HELP: &[(&str, &str)] = &[
    ("word", "word > start > typo > letters"),
    ("'w  ^w  w$", "exact word; title start / end"),
    ("#tag", "a tag's words"),
    ("source:x  @x", "the source's words"),
    ("\"a phrase\"", "exact text anywhere"),
    ("in:x  kind:x", "section / kind starts with x"),
    ("is:unread", "also is:read, is:starred, is:new"),
    ("is:upcoming", "events not yet over (is:past)"),
    ("-term", "leave out what the term matches"),
    ("Capital", "a capital: case-sensitive"),
];

impl KeyMap {
    /// The help overlay's two columns: the list's keys on the left; the
    /// filter's keys and the query syntax on the right.
    pub fn help_sections(&self) -> (Vec<HelpSection>, Vec<HelpSection>) {
        let mut keys = self.help_rows(Mode::List);
        let mut right = vec![
            HelpSection { title: "While typing a filter", rows: self.help_rows(Mode::Filter) },
            HelpSection {
                title: "Query syntax",
                rows: QUERY_HELP.iter().map(|(k, h)| ((*k).to_string(), *h)).collect(),
            },
        ];
        // The keys run on at the top of the right column when they would
        // make the left one the longer by more than a line: two columns of
        // about the same height fit a terminal that one long one does not.
        let fixed = column_lines(&right) + 1;
        let split = (keys.len() + 1 + fixed + 1).div_ceil(2);
        if split < keys.len() {
            let more = keys.split_off(split);
            right.insert(0, HelpSection { title: "More keys", rows: more });
        }
        (vec![HelpSection { title: "Keys", rows: keys }], right)
    }
}

/// Lines a column of sections takes, a blank line between sections.
pub fn column_lines(sections: &[HelpSection]) -> usize {
    sections.iter().map(HelpSection::lines).sum::<usize>() + sections.len().saturating_sub(1)
}

fn help_of(cmd: Cmd) -> &'static str {
    BINDINGS.iter().find(|b| b.cmd == cmd).map_or("", |b| b.help)
}

/// Parses a key as the configuration writes it: `j`, `G`, `?`, `Ctrl-d`,
/// `Enter`, `Esc`, `Down`, `Up`, `PgDn`, `PgUp`, `Home`, `End`, `Tab`,
/// `Space`, `Backspace`, `F1`..`F12`.
pub fn parse_key(s: &str) -> Option<Key> {
    let (ctrl, name) = match s.strip_prefix("Ctrl-").or_else(|| s.strip_prefix("C-")) {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let code = match name {
        "Enter" => KeyCode::Enter,
        "Esc" => KeyCode::Esc,
        "Down" => KeyCode::Down,
        "Up" => KeyCode::Up,
        "Left" => KeyCode::Left,
        "Right" => KeyCode::Right,
        "PgDn" | "PageDown" => KeyCode::PageDown,
        "PgUp" | "PageUp" => KeyCode::PageUp,
        "Home" => KeyCode::Home,
        "End" => KeyCode::End,
        "Tab" => KeyCode::Tab,
        "Space" => KeyCode::Char(' '),
        "Backspace" => KeyCode::Backspace,
        f if f.len() > 1 && f.starts_with('F') => {
            KeyCode::F(f[1..].parse().ok().filter(|n| (1..=12).contains(n))?)
        }
        c if c.chars().count() == 1 => KeyCode::Char(c.chars().next()?),
        _ => return None,
    };
    Some(Key { code, ctrl })
}

/// A key event, read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Cmd(Cmd),
    Char(char),
}

/// The rows the help overlay shows for `mode`: keys joined, and what they do.
#[cfg(test)]
mod tests;
