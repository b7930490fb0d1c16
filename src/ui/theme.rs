//! Every style in one place. `NO_COLOR` removes colour, never the selection.
//! A terminal that says it has 256 colours (or true colour) gets softer
//! greys from the 256-colour palette; any other gets the 16 basic colours
//! only, and colours from the configuration are brought down to them.

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

    /// For 256-colour terminals: softer greys and a quieter selection.
    pub const EXTENDED: Theme = Theme {
        muted: Style::new().fg(Color::Indexed(245)),
        selected: Style::new().fg(Color::Indexed(231)).bg(Color::Indexed(25)).add_modifier(BOLD),
        border: Style::new().fg(Color::Indexed(240)),
        ..Theme::COLOR
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

/// How many colours the terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// The 16 basic colours (8-colour terminals show the bright ones as the plain ones).
    Basic,
    /// 256 colours or more.
    Extended,
}

impl Depth {
    /// From `$TERM` and `$COLORTERM`: `COLORTERM` set (truecolor, 24bit)
    /// or a `TERM` with `256color` in it mean 256 colours.
    pub fn from_env(term: Option<&str>, colorterm: Option<&str>) -> Depth {
        let ct = colorterm.unwrap_or("");
        if !ct.is_empty() || term.is_some_and(|t| t.contains("256color") || t.contains("direct")) {
            Depth::Extended
        } else {
            Depth::Basic
        }
    }

    /// `c` as this terminal can show it: on a basic terminal, an indexed
    /// or RGB colour becomes the nearest of the 16 basic colours.
    pub fn fit(self, c: Color) -> Color {
        if self == Depth::Extended {
            return c;
        }
        let rgb = match c {
            Color::Rgb(r, g, b) => (r, g, b),
            Color::Indexed(n) if n < 16 => return BASIC[n as usize].0,
            Color::Indexed(n) => xterm_rgb(n),
            other => return other,
        };
        let dist = |(r, g, b): (u8, u8, u8)| {
            let d = |a: u8, b: u8| (a as i32 - b as i32).pow(2);
            d(r, rgb.0) + d(g, rgb.1) + d(b, rgb.2)
        };
        BASIC.iter().min_by_key(|(_, v)| dist(*v)).map_or(Color::Reset, |(c, _)| *c)
    }
}

/// The 16 basic colours and their usual (xterm) values.
const BASIC: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

/// The RGB value of a 256-colour palette entry (16-255).
fn xterm_rgb(n: u8) -> (u8, u8, u8) {
    if n >= 232 {
        let v = 8 + (n - 232) * 10;
        return (v, v, v);
    }
    let i = n - 16;
    let level = |x: u8| if x == 0 { 0 } else { 55 + x * 40 };
    (level(i / 36), level((i / 6) % 6), level(i % 6))
}

impl Theme {
    /// The theme for a terminal of `depth`.
    pub fn for_depth(depth: Depth) -> Theme {
        match depth {
            Depth::Basic => Theme::COLOR,
            Depth::Extended => Theme::EXTENDED,
        }
    }

    /// Every colour used, for tests.
    pub fn colors(&self) -> Vec<Color> {
        let styles = [
            self.muted,
            self.selected,
            self.highlight,
            self.title,
            self.tag,
            self.url,
            self.error,
            self.info,
            self.border,
            self.draft,
            self.key,
        ];
        styles.iter().flat_map(|s| [s.fg, s.bg]).flatten().collect()
    }
}

impl Default for Theme {
    fn default() -> Self {
        Theme::COLOR
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_terminals_get_basic_colours() {
        assert_eq!(Depth::from_env(Some("xterm"), None), Depth::Basic);
        assert_eq!(Depth::from_env(Some("linux"), None), Depth::Basic);
        assert_eq!(Depth::from_env(Some("screen-256color"), None), Depth::Extended);
        assert_eq!(Depth::from_env(Some("xterm"), Some("truecolor")), Depth::Extended);
        let basic = |c: &Color| !matches!(c, Color::Indexed(_) | Color::Rgb(..));
        assert!(Theme::for_depth(Depth::Basic).colors().iter().all(basic));
        assert!(!Theme::for_depth(Depth::Extended).colors().iter().all(basic));
        assert_eq!(Depth::Basic.fit(Color::Rgb(250, 10, 10)), Color::LightRed);
        assert_eq!(Depth::Basic.fit(Color::Indexed(21)), Color::Blue);
        assert_eq!(Depth::Basic.fit(Color::Indexed(244)), Color::DarkGray);
        assert_eq!(Depth::Extended.fit(Color::Indexed(21)), Color::Indexed(21));
    }
}
