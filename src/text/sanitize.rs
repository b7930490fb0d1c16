//! Text made safe to show, and URLs made safe to open.
//!
//! Everything that comes from a post passes through here once, when it is
//! loaded: nothing from a feed may reach the terminal's escape parser raw.

use std::borrow::Cow;

/// How wide a tab is when it is expanded in multi-line text.
pub const TAB_WIDTH: usize = 4;

/// Shown for C1 controls and bidi overrides, which have no picture of their own.
const REPLACEMENT: char = '\u{FFFD}';

/// The visible stand-in for a character that must never reach the terminal,
/// or `None` when the character is fine to show.
fn placeholder(c: char) -> Option<char> {
    match c {
        // C0 controls: the Unicode control pictures (ESC shows as ␛).
        '\0'..='\x1f' => char::from_u32(0x2400 + c as u32),
        '\x7f' => Some('\u{2421}'),
        '\u{80}'..='\u{9f}' => Some(REPLACEMENT),
        // Bidi embeddings, overrides and isolates, and the marks that steer them.
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}' => {
            Some(REPLACEMENT)
        }
        _ => None,
    }
}

/// Emoji sequences terminals draw at different widths, made plain: a ZWJ
/// sequence (🏊‍♂️, 👨‍👩‍👧) keeps its first emoji; variation selectors (the
/// VS16 of 🛠️) and skin-tone modifiers are dropped. What is left has one width
/// that ratatui and the terminal agree on, so a row never pushes the pane's
/// border. Flags and combining marks are kept (they agree already).
pub fn emoji_safe(s: &str) -> Cow<'_, str> {
    let odd = |c: char| matches!(c, '\u{200d}' | '\u{fe0e}' | '\u{fe0f}' | '\u{1f3fb}'..='\u{1f3ff}');
    if s.is_ascii() || !s.chars().any(odd) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{200d}' => {
                // What the joiner joins goes with it, and its own selectors.
                if chars.peek().is_some_and(|n| !n.is_whitespace()) {
                    chars.next();
                }
                while chars.peek().is_some_and(|&n| odd(n) && n != '\u{200d}') {
                    chars.next();
                }
            }
            c if odd(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A file's path or name as printed: every control character (a newline,
/// a tab, ESC) and bidi control made visible in place, never folded into a
/// space, so a name cannot pass for another line or another file.
pub fn path_shown(s: &str) -> String {
    s.chars().map(visible).collect()
}

/// `c`, or its visible stand-in when it must never reach the terminal.
pub fn visible(c: char) -> char {
    placeholder(c).unwrap_or(c)
}

/// A one-line field (title, source, tag, URL): mojibake repaired, line breaks
/// and tabs folded into single spaces, runs of white space collapsed, controls
/// made visible, ends trimmed.
pub fn one_line(s: &str) -> String {
    // Fast path: plain ASCII with single spaces and nothing to fold is kept as is.
    let b = s.as_bytes();
    if s.is_ascii()
        && !b.iter().any(|&c| c < 0x20 || c == 0x7f)
        && !s.contains("  ")
        && !s.starts_with(' ')
        && !s.ends_with(' ')
    {
        return s.to_string();
    }
    let s = repair_mojibake(s);
    let s = emoji_safe(&s);
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(placeholder(c).unwrap_or(c));
    }
    out
}

/// Multi-line text (summary, tldr): mojibake repaired, CRLF and CR made LF,
/// tabs expanded to the next multiple of [`TAB_WIDTH`] columns, controls made
/// visible. Newlines are kept; nothing else below U+0020 survives.
pub fn multi_line(s: &str) -> String {
    // Fast path: plain ASCII whose only control character is `\n`.
    if s.bytes().all(|c| c == b'\n' || (0x20..0x7f).contains(&c)) {
        return s.to_string();
    }
    let s = repair_mojibake(s);
    let s = emoji_safe(&s);
    let mut out = String::with_capacity(s.len());
    let mut col = 0usize;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                    col = 0;
                }
            }
            '\n' | '\u{2028}' | '\u{2029}' => {
                out.push('\n');
                col = 0;
            }
            '\t' => {
                let n = TAB_WIDTH - col % TAB_WIDTH;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
            }
            c => {
                out.push(placeholder(c).unwrap_or(c));
                col += 1;
            }
        }
    }
    out
}

/// The Windows-1252 byte a character stands for, when text that was UTF-8 was
/// once decoded as Windows-1252 (or Latin-1, for the five undefined bytes).
fn cp1252_byte(c: char) -> Option<u8> {
    let b = match c {
        '\u{80}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8a,
        '‹' => 0x8b,
        'Œ' => 0x8c,
        'Ž' => 0x8e,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9a,
        '›' => 0x9b,
        'œ' => 0x9c,
        'ž' => 0x9e,
        'Ÿ' => 0x9f,
        _ => return None,
    };
    Some(b)
}

/// Repairs UTF-8 that was once misread as Windows-1252: `â€™` becomes `’`,
/// `â†—` becomes `↗`, `Ã©` becomes `é`. Only a run that decodes to one valid,
/// non-ASCII UTF-8 character is replaced, so ordinary text (`café`, `Ã` on its
/// own) is left alone.
pub fn repair_mojibake(s: &str) -> Cow<'_, str> {
    // Every mojibake sequence starts with a lead byte 0xC2..=0xF4, which
    // Windows-1252 shows as one of `Â`..`ô`.
    if s.is_ascii() || !s.chars().any(|c| ('\u{c2}'..='\u{f4}').contains(&c)) {
        return Cow::Borrowed(s);
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let Some(decoded) = decode_at(&chars[i..]) {
            out.push(decoded.0);
            i += decoded.1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    Cow::Owned(out)
}

/// If `chars` starts with a misread UTF-8 sequence, the character it meant and
/// how many characters it spans.
fn decode_at(chars: &[char]) -> Option<(char, usize)> {
    let lead = cp1252_byte(*chars.first()?)?;
    let len = match lead {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    let mut bytes = [lead, 0, 0, 0];
    for (slot, c) in bytes[1..len].iter_mut().zip(chars.get(1..len)?) {
        let b = cp1252_byte(*c)?;
        if !(0x80..=0xbf).contains(&b) {
            return None;
        }
        *slot = b;
    }
    let decoded = std::str::from_utf8(&bytes[..len]).ok()?.chars().next()?;
    Some((decoded, len))
}

/// Why a URL will not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlRefusal {
    #[error("this post has no URL")]
    Missing,
    #[error("refused to open {0}: only http and https links are opened")]
    Scheme(String),
    #[error("refused to open {0}: it is not a valid web address")]
    Invalid(String),
}

/// The URL to hand to a browser, or why not. Only absolute `http`/`https`
/// URLs with a host pass; the result is the parsed, re-serialised form, so it
/// never starts with `-` and holds no white space or control characters.
pub fn safe_url(raw: &str) -> Result<String, UrlRefusal> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(UrlRefusal::Missing);
    }
    let shown = || truncate_chars(&one_line(raw), 80);
    if raw.starts_with('-') || raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(UrlRefusal::Invalid(shown()));
    }
    let url = url::Url::parse(raw).map_err(|_| UrlRefusal::Invalid(shown()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(UrlRefusal::Scheme(shown()));
    }
    match url.host_str() {
        Some(h) if !h.is_empty() => Ok(url.into()),
        _ => Err(UrlRefusal::Invalid(shown())),
    }
}

/// `s` as a name for a file or a config key: lower-case letters and digits
/// (ASCII only with `ascii`), other runs made one `-`, none at either end,
/// at most about `max` characters. Empty when `s` has no letter or digit.
pub fn slug(s: &str, max: usize, ascii: bool) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || (!ascii && c.is_alphanumeric()) {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.chars().count() >= max {
            break;
        }
    }
    out.trim_matches('-').to_string()
}

/// At most `max` characters of `s`, with `…` when it was cut.
pub fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((i, _)) => format!("{}…", &s[..i]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible() {
        assert_eq!(one_line("a\x1b[31mred\x07"), "a␛[31mred␇");
        assert_eq!(one_line("x\u{9b}y\u{202e}z\x7f"), "x\u{fffd}y\u{fffd}z␡");
    }

    #[test]
    fn emoji_sequences_become_one_width_everyone_agrees_on() {
        assert_eq!(emoji_safe("swim 🏊\u{200d}\u{2642}\u{fe0f} now"), "swim 🏊 now");
        assert_eq!(emoji_safe("👨\u{200d}👩\u{200d}👧 family"), "👨 family");
        assert_eq!(emoji_safe("tools 🛠\u{fe0f} ok"), "tools 🛠 ok");
        assert_eq!(emoji_safe("👍\u{1f3fd}"), "👍");
        assert_eq!(emoji_safe("🇩🇪 e\u{301}"), "🇩🇪 e\u{301}", "flags and combining marks stay");
        assert!(matches!(emoji_safe("plain café"), Cow::Borrowed(_)));
        assert_eq!(one_line("a 🏊\u{200d}\u{2642}\u{fe0f} b"), "a 🏊 b");
        assert_eq!(multi_line("a\n🛠\u{fe0f}"), "a\n🛠");
    }

    #[test]
    fn one_line_folds_breaks_and_tabs() {
        assert_eq!(one_line("  two\r\nlines\tand\n\n tabs "), "two lines and tabs");
    }

    #[test]
    fn multi_line_keeps_newlines_and_expands_tabs() {
        assert_eq!(multi_line("a\tb\r\nab\tc\rd"), "a   b\nab  c\nd");
    }

    #[test]
    fn mojibake_is_repaired() {
        assert_eq!(repair_mojibake("Open the original post â†— now"), "Open the original post ↗ now");
        assert_eq!(repair_mojibake("itâ€™s"), "it’s");
        assert_eq!(repair_mojibake("cafÃ©"), "café");
        assert_eq!(repair_mojibake("ZÃ¼rich"), "Zürich");
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for s in ["café", "naïve façade", "Ã alone", "â€", "plain ascii", "emoji 🎉", "ÂÂ"] {
            assert_eq!(repair_mojibake(s), s, "{s}");
        }
    }

    #[test]
    fn urls() {
        assert_eq!(
            safe_url("https://example.com/a b"),
            Err(UrlRefusal::Invalid("https://example.com/a b".into()))
        );
        assert_eq!(safe_url(" https://example.com/x?q=1 ").as_deref(), Ok("https://example.com/x?q=1"));
        assert!(matches!(safe_url("javascript:alert(1)"), Err(UrlRefusal::Scheme(_))));
        assert!(matches!(safe_url("file:///etc/passwd"), Err(UrlRefusal::Scheme(_))));
        assert!(matches!(safe_url("data:text/html,hi"), Err(UrlRefusal::Scheme(_))));
        assert!(matches!(safe_url("--help"), Err(UrlRefusal::Invalid(_))));
        assert!(matches!(safe_url("-https://x.org"), Err(UrlRefusal::Invalid(_))));
        assert!(matches!(safe_url("not a url"), Err(UrlRefusal::Invalid(_))));
        assert!(matches!(safe_url("http://"), Err(UrlRefusal::Invalid(_))));
        assert!(matches!(safe_url("https://a.org/\x1b]52;c;"), Err(UrlRefusal::Invalid(_))));
        assert_eq!(safe_url(""), Err(UrlRefusal::Missing));
    }
}
