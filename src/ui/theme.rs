//! Every style in one place. `NO_COLOR` removes colour, never the selection.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub muted: Style,
    pub selected: Style,
    pub highlight: Style,
    pub title: Style,
    pub tag: Style,
    pub url: Style,
    pub error: Style,
    pub info: Style,
    pub border: Style,
    pub draft: Style,
    pub key: Style,
}

const BOLD: Modifier = Modifier::BOLD;

impl Theme {
    pub const COLOR: Theme = Theme {
        muted: Style::new().fg(Color::DarkGray),
        selected: Style::new().fg(Color::White).bg(Color::Blue).add_modifier(BOLD),
        highlight: Style::new().fg(Color::Yellow).add_modifier(BOLD),
        title: Style::new().add_modifier(BOLD),
        tag: Style::new().fg(Color::Cyan),
        url: Style::new().fg(Color::Blue).add_modifier(Modifier::UNDERLINED),
        error: Style::new().fg(Color::Red).add_modifier(BOLD),
        info: Style::new().fg(Color::Green),
        border: Style::new().fg(Color::DarkGray),
        draft: Style::new().fg(Color::Magenta).add_modifier(BOLD),
        key: Style::new().fg(Color::Yellow),
    };

    /// No colours at all: the selection is reversed, matches underlined.
    pub const PLAIN: Theme = Theme {
        muted: Style::new(),
        selected: Style::new().add_modifier(Modifier::REVERSED.union(BOLD)),
        highlight: Style::new().add_modifier(Modifier::UNDERLINED.union(BOLD)),
        title: Style::new().add_modifier(BOLD),
        tag: Style::new(),
        url: Style::new().add_modifier(Modifier::UNDERLINED),
        error: Style::new().add_modifier(BOLD),
        info: Style::new(),
        border: Style::new(),
        draft: Style::new().add_modifier(BOLD),
        key: Style::new().add_modifier(BOLD),
    };
}

impl Default for Theme {
    fn default() -> Self {
        Theme::COLOR
    }
}
