//! An HTML fragment (a web feed item's description or content) as plain
//! Markdown: paragraphs, line breaks, headings, list items, quotes and
//! links (`[text](url)`, only `http`/`https`, made absolute against the
//! item's address); every other tag dropped, `script`, `style`, `iframe`,
//! `object`, `template` and comments with their content; entities decoded;
//! control characters gone. Never a parser error: what is not a tag is text.

use super::html::{decode_entities, find_ci};
use super::sanitize;

/// The elements whose content is never text.
const DROPPED: &[&str] = &["script", "style", "iframe", "object", "template", "noscript", "svg", "head"];

/// The fragment's Markdown; relative links resolved against `base`.
pub fn markdown(html: &str, base: Option<&url::Url>) -> String {
    let mut out = Out::default();
    let mut rest = html;
    // The open links: where their text starts in `out`, and their address.
    let mut links: Vec<(usize, Option<String>)> = Vec::new();
    while let Some(i) = rest.find('<') {
        out.text(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("<!--") {
            rest = tail.find("-->").map_or("", |j| &tail[j + 3..]);
            continue;
        }
        let Some(end) = tag_end(tail) else {
            // A lone `<`: text.
            out.text("<");
            rest = &tail[1..];
            continue;
        };
        let tag = &tail[1..end];
        rest = &tail[end + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !closing && DROPPED.contains(&name.as_str()) && !tag.ends_with('/') {
            let close = format!("</{name}");
            rest = find_ci(rest, &close).map_or("", |j| {
                let after = &rest[j..];
                after.find('>').map_or("", |k| &after[k + 1..])
            });
            continue;
        }
        match (name.as_str(), closing) {
            ("p" | "div" | "section" | "article" | "table" | "tr" | "figure" | "pre", _) => out.block(),
            ("br", _) => out.line_break(),
            ("hr", false) => {
                out.block();
                out.raw("---");
                out.block();
            }
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", false) => {
                out.block();
                out.raw("## ");
            }
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", true) => out.block(),
            ("li", false) => {
                out.line_break();
                out.raw("- ");
            }
            ("ul" | "ol" | "dl", _) => out.block(),
            ("blockquote", false) => {
                out.block();
                out.quote += 1;
            }
            ("blockquote", true) => {
                out.quote = out.quote.saturating_sub(1);
                out.block();
            }
            ("td" | "th", false) => out.text(" "),
            ("img", false) => {
                if let Some(alt) = attr(tag, "alt").filter(|a| !a.trim().is_empty()) {
                    out.text(&format!(" [{}] ", alt.trim()));
                }
            }
            ("a", false) => {
                let href = attr(tag, "href").and_then(|h| absolute(&h, base));
                links.push((out.s.len(), href));
            }
            ("a", true) => {
                if let Some((start, Some(href))) = links.pop() {
                    let text = out.s[start..].trim().to_string();
                    if !text.is_empty() && text != href {
                        out.s.truncate(start);
                        if !out.s.ends_with([' ', '\n', '(', '[']) && !out.s.is_empty() {
                            out.s.push(' ');
                        }
                        out.raw(&format!("[{}]({href})", text.replace(['[', ']'], "")));
                    }
                }
            }
            _ => {}
        }
    }
    out.text(rest);
    out.finish()
}

/// Where the tag starting at `tail[0] == '<'` ends (its `>`), when it is a
/// tag: a letter or `/` follows the `<`. Quoted attribute values may hold `>`.
fn tag_end(tail: &str) -> Option<usize> {
    let next = tail[1..].chars().next()?;
    if !(next.is_ascii_alphabetic() || next == '/' || next == '!') {
        return None;
    }
    let mut quote = None;
    for (i, c) in tail.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The value of attribute `name` in a tag's text, entities decoded.
pub fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find(name).map(|i| i + from) {
        from = at + name.len();
        let before_ok = lower[..at].ends_with(|c: char| c.is_whitespace());
        let after = lower[from..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let value_at = tag.len() - after.len() + 1;
        let value = tag[value_at..].trim_start();
        let v = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value.split(|c: char| c.is_whitespace() || c == '>').next().unwrap_or(""),
        };
        return Some(decode_entities(v).into_owned());
    }
    None
}

/// `href` made absolute against `base`; only `http`/`https` kept.
pub fn absolute(href: &str, base: Option<&url::Url>) -> Option<String> {
    let href = href.trim();
    let url = match base {
        Some(b) => b.join(href).ok()?,
        None => url::Url::parse(href).ok()?,
    };
    sanitize::safe_url(url.as_str()).ok()
}

/// The Markdown being written, with white space collapsed as HTML does.
#[derive(Default)]
struct Out {
    s: String,
    /// Inside this many `<blockquote>`s.
    quote: usize,
}

impl Out {
    fn text(&mut self, raw: &str) {
        let decoded = decode_entities(raw);
        for c in decoded.chars() {
            let c = if c.is_whitespace() { ' ' } else { c };
            if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
                continue;
            }
            if c == ' ' && (self.s.is_empty() || self.s.ends_with([' ', '\n'])) {
                continue;
            }
            if self.s.ends_with('\n') && self.quote > 0 {
                self.s.push_str(&"> ".repeat(self.quote));
            }
            self.s.push(c);
        }
    }

    fn raw(&mut self, s: &str) {
        if self.s.ends_with('\n') && self.quote > 0 {
            self.s.push_str(&"> ".repeat(self.quote));
        }
        self.s.push_str(s);
    }

    fn trim_end_spaces(&mut self) {
        while self.s.ends_with(' ') {
            self.s.pop();
        }
    }

    fn line_break(&mut self) {
        self.trim_end_spaces();
        if !self.s.is_empty() && !self.s.ends_with('\n') {
            self.s.push('\n');
        }
    }

    fn block(&mut self) {
        self.trim_end_spaces();
        if self.s.is_empty() || self.s.ends_with("\n\n") {
            return;
        }
        self.s.push_str(if self.s.ends_with('\n') { "\n" } else { "\n\n" });
    }

    fn finish(self) -> String {
        let lines: Vec<&str> = self.s.lines().map(str::trim_end).collect();
        let mut out = String::with_capacity(self.s.len());
        let mut blank = true;
        for l in lines {
            let empty = l.trim_start_matches("> ").trim().is_empty();
            if empty {
                if !blank {
                    out.push('\n');
                }
                blank = true;
                continue;
            }
            out.push_str(l);
            out.push('\n');
            blank = false;
        }
        out.trim_end().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_links_and_lists() {
        let base = url::Url::parse("https://example.org/blog/post").ok();
        let md = markdown(
            "<p>Read <a href=\"/a?x=1&amp;y=2\">the <b>notes</b></a>.</p><ul><li>one</li><li>two</li></ul><p>x<br>y</p>",
            base.as_ref(),
        );
        assert_eq!(md, "Read [the notes](https://example.org/a?x=1&y=2).\n\n- one\n- two\n\nx\ny");
    }

    #[test]
    fn scripts_styles_and_hostile_links_are_dropped() {
        let md = markdown(
            "<script>alert(1)</script><style>p{}</style><p>a <a href=\"javascript:alert(1)\">click</a> b\u{1b}[31m</p><iframe src=x>in</iframe>",
            None,
        );
        assert_eq!(md, "a click b[31m");
    }

    #[test]
    fn quotes_headings_and_text_that_is_not_a_tag() {
        let md = markdown("<h2>Title</h2><blockquote><p>said</p></blockquote>1 < 2 &lt; 3", None);
        assert_eq!(md, "## Title\n\n> said\n\n1 < 2 < 3");
    }

    #[test]
    fn a_space_before_a_link_is_kept() {
        assert_eq!(
            markdown("pushes<a href=\"https://x.org/\">sketchy</a>", None),
            "pushes [sketchy](https://x.org/)"
        );
    }
}
