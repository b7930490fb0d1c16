//! Word wrapping by display width, lazily, so a megabyte summary costs only
//! the lines that are shown.

use super::sanitize;
use unicode_width::UnicodeWidthChar;

/// The lines of `text` wrapped to `width` columns: breaks at spaces, cuts a
/// word longer than a line, keeps `\n` as a hard break (an empty line stays
/// an empty line). Yields slices of `text`; never an infinite loop, even at
/// width 0 (treated as 1).
/// `text` in at most `width` columns: whole, or cut with a `…` (which takes
/// one of them).
pub fn ellipsize(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

pub fn wrap(text: &str, width: usize) -> impl Iterator<Item = &str> {
    let width = width.max(1);
    text.split('\n').flat_map(move |para| WrapLine { rest: para, width, first: true })
}

struct WrapLine<'a> {
    rest: &'a str,
    width: usize,
    first: bool,
}

impl<'a> Iterator for WrapLine<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = if self.first { self.rest } else { self.rest.trim_start_matches(' ') };
        if rest.is_empty() {
            let was_first = self.first;
            self.first = false;
            self.rest = "";
            return was_first.then_some("");
        }
        self.first = false;
        let mut used = 0;
        let mut last_space = None;
        for (i, c) in rest.char_indices() {
            let w = c.width().unwrap_or(0);
            if c == ' ' {
                last_space = Some(i);
            }
            if used + w > self.width {
                let cut = match last_space {
                    Some(s) if s > 0 => s,
                    _ if i == 0 => c.len_utf8(),
                    _ => i,
                };
                self.rest = &rest[cut..];
                return Some(rest[..cut].trim_end_matches(' '));
            }
            used += w;
        }
        self.rest = "";
        Some(rest.trim_end_matches(' '))
    }
}

/// A code line with tabs expanded to the next multiple of
/// [`sanitize::TAB_WIDTH`] columns and every character made visible.
pub(crate) fn expand_tabs(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut col = 0;
    for c in line.chars() {
        if c == '\t' {
            let n = sanitize::TAB_WIDTH - col % sanitize::TAB_WIDTH;
            out.extend(std::iter::repeat_n(' ', n));
            col += n;
        } else {
            out.push(sanitize::visible(c));
            col += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        }
    }
    out
}

/// `s` cut into pieces of at most `width` columns.
pub(crate) fn hard_wrap(s: &str, width: usize) -> Vec<&str> {
    use unicode_width::UnicodeWidthChar;
    let mut out = Vec::new();
    let (mut start, mut used) = (0, 0);
    for (i, c) in s.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > width && i > start {
            out.push(&s[start..i]);
            start = i;
            used = 0;
        }
        used += w;
    }
    out.push(&s[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str, w: usize) -> Vec<&str> {
        wrap(s, w).collect()
    }

    #[test]
    fn wraps_at_spaces() {
        assert_eq!(lines("the quick brown fox jumps", 10), ["the quick", "brown fox", "jumps"]);
    }

    #[test]
    fn keeps_paragraphs() {
        assert_eq!(lines("a b\n\nc", 10), ["a b", "", "c"]);
        assert_eq!(lines("", 10), [""]);
    }

    #[test]
    fn cuts_long_words() {
        assert_eq!(lines("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(lines("x abcdefghij", 4), ["x", "abcd", "efgh", "ij"]);
    }

    #[test]
    fn wide_characters_count_twice() {
        assert_eq!(lines("日本語テキスト", 6), ["日本語", "テキス", "ト"]);
        // A wide character on a one-column line still advances.
        assert_eq!(lines("日本", 1), ["日", "本"]);
        assert_eq!(lines("ab", 0), ["a", "b"]);
    }
}
