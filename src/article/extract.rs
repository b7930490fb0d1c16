//! The article's own text out of a page: `dom_smoothie`, a port of
//! readability.js (the code behind Firefox's Reader View), asked for
//! Markdown, which the detail pane already draws. Navigation, scripts,
//! comments, ads and footers are what it leaves out.

use super::Article;
use super::fetch::Page;

/// Fewer words than this is not an article (a login wall, an index page, a
/// page drawn by scripts).
pub const MIN_WORDS: usize = 150;

/// The article of `page`, fetched for `url`.
pub fn article(page: &Page, url: &str) -> Result<Article, String> {
    let found = readable(&page.html, &page.final_url)?;
    let site = found
        .site
        .filter(|s| !s.trim().is_empty())
        .or_else(|| url::Url::parse(&page.final_url).ok().and_then(|u| u.host_str().map(str::to_string)))
        .unwrap_or_default();
    Ok(Article {
        url: url.to_string(),
        final_url: page.final_url.clone(),
        title: found.title,
        site: crate::text::sanitize::one_line(&site),
        byline: found.byline,
        words: found.words,
        markdown: found.markdown,
        fetched_at: crate::clock::now(),
        status: page.status,
        etag: page.etag.clone(),
        last_modified: page.last_modified.clone(),
    })
}

/// What extraction found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readable {
    pub title: String,
    pub site: Option<String>,
    pub byline: Option<String>,
    pub words: usize,
    /// The text as Markdown, control characters gone (tabs and line breaks
    /// kept): nothing in it can reach a terminal's escape parser.
    pub markdown: String,
}

/// The most elements a page may have, and the deepest it may nest them:
/// an HTML parser's work grows with elements times depth (100,000 nested
/// `<div>`s took it minutes), and no article needs more.
pub const MAX_ELEMENTS: usize = 200_000;
pub const MAX_DEPTH: usize = 1_000;

/// Why a page is too much to parse, found by a quick look at its tags.
fn too_complex(html: &str) -> Option<String> {
    // Closed by the parser without a closing tag, or never closed: they do
    // not nest. (An estimate: enough to catch a page built to fight back.)
    const FLAT: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
        "p", "li", "td", "th", "tr", "option", "dt", "dd",
    ];
    let bytes = html.as_bytes();
    let (mut elements, mut depth, mut deepest) = (0usize, 0usize, 0usize);
    for at in memchr::memchr_iter(b'<', bytes) {
        let rest = &bytes[at + 1..];
        let closing = rest.first() == Some(&b'/');
        let name_start = if closing { &rest[1..] } else { rest };
        let len = name_start.iter().take(16).take_while(|b| b.is_ascii_alphanumeric()).count();
        if len == 0 || !name_start[0].is_ascii_alphabetic() {
            continue;
        }
        let name = String::from_utf8_lossy(&name_start[..len]).to_ascii_lowercase();
        let flat = FLAT.contains(&name.as_str());
        if closing {
            if !flat {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        elements += 1;
        let end = rest.iter().take(2048).position(|&b| b == b'>');
        let self_closed = end.is_some_and(|e| e > 0 && rest[e - 1] == b'/');
        if !flat && !self_closed {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    if elements > MAX_ELEMENTS {
        Some(format!(
            "not an article: the page has {elements} elements, more than {MAX_ELEMENTS}; `o` opens it"
        ))
    } else if deepest > MAX_DEPTH {
        Some(format!(
            "not an article: the page nests elements {deepest} deep, more than {MAX_DEPTH}; `o` opens it"
        ))
    } else {
        None
    }
}

/// Extracts the article of `html` (at `base`, for its relative links).
pub fn readable(html: &str, base: &str) -> Result<Readable, String> {
    if let Some(why) = too_complex(html) {
        return Err(why);
    }
    let base = url::Url::parse(base).ok().map(|u| u.to_string());
    let config = dom_smoothie::Config { text_mode: dom_smoothie::TextMode::Markdown, ..Default::default() };
    // A parser bug must cost this article, not the reader.
    let parsed = std::panic::catch_unwind(|| {
        let mut r = dom_smoothie::Readability::new(html, base.as_deref(), Some(config))?;
        r.parse()
    })
    .map_err(|_| "not an article: the page could not be read; `o` opens it".to_string())?;
    let a = parsed.map_err(|_| "not an article: nothing readable found; `o` opens the page".to_string())?;
    let markdown = clean(&a.text_content);
    let words = markdown.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count();
    if words < MIN_WORDS {
        return Err(format!("not an article: {words} words extracted; `o` opens the page"));
    }
    let one = |s: &str| crate::text::sanitize::one_line(s);
    Ok(Readable {
        title: one(&a.title),
        site: a.site_name.as_deref().map(one),
        byline: a.byline.as_deref().map(one).filter(|b| !b.is_empty()),
        words,
        markdown,
    })
}

/// Whether `c` steers the direction of text (embeddings, overrides,
/// isolates and marks): it could make what is printed read otherwise.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

/// A full stop escaped where nothing needs it (`a loop\.`): the backslash
/// goes, except after a line's leading digits, where `1\.` keeps a number
/// from becoming a list item.
fn tidy_escapes(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("\\.") {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        let so_far = out.trim_start();
        let numbered = !so_far.is_empty() && so_far.chars().all(|c| c.is_ascii_digit());
        // An escaped backslash before it (`\\.`) is text, left as it is.
        let escaped_backslash = before.ends_with('\\');
        if numbered || escaped_backslash {
            out.push_str("\\.");
        } else {
            out.push('.');
        }
        rest = &after[2..];
    }
    out.push_str(rest);
    out
}

/// Markdown without control characters (but line breaks and tabs) or bidi
/// controls, without needless escapes of full stops, and without runs of
/// more than one blank line.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line: String =
            line.chars().filter(|c| (!c.is_control() || *c == '\t') && !is_bidi_control(*c)).collect();
        let line = tidy_escapes(&line);
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str) -> String {
        format!(
            "<html><head><title>Big News - The Daily</title><meta property=\"og:site_name\" content=\"The Daily\"></head>\
             <body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav>\
             <script>var tracker = 'SCRIPT-TEXT';</script>\
             <article><h1>Big News</h1>{body}</article>\
             <aside class=\"comments\"><p>COMMENT: first!</p></aside>\
             <footer>FOOTER-TEXT</footer></body></html>"
        )
    }

    #[test]
    fn keeps_the_paragraphs_in_order_and_drops_the_rest() {
        let paras: Vec<String> = (1..=8)
            .map(|i| format!("<p>Paragraph {i} says something long enough to count as prose, with words that run on about the matter at hand, the people in it and what they did next.</p>"))
            .collect();
        let r = readable(&page(&paras.concat()), "https://daily.example/big-news").expect("an article");
        let at = |s: &str| r.markdown.find(s).unwrap_or_else(|| panic!("{s} missing from {}", r.markdown));
        assert!(at("Paragraph 1 ") < at("Paragraph 2 ") && at("Paragraph 7 ") < at("Paragraph 8 "));
        for junk in ["SCRIPT-TEXT", "tracker", "FOOTER-TEXT", "Home"] {
            assert!(!r.markdown.contains(junk), "{junk} in {}", r.markdown);
        }
        assert_eq!(r.site.as_deref(), Some("The Daily"));
        assert!(r.words >= MIN_WORDS);
    }

    #[test]
    fn a_page_with_little_text_is_not_an_article() {
        let e =
            readable(&page("<p>Sign in to read on.</p>"), "https://daily.example/x").expect_err("too short");
        assert!(e.starts_with("not an article: ") && e.contains("words extracted"), "{e}");
    }

    #[test]
    fn a_page_built_to_fight_back_is_refused_before_it_is_parsed() {
        let para = "<p>A sentence long enough to be prose, and then some more words after it.</p>";
        let deep = format!("{}{}x{}", para.repeat(30), "<div>".repeat(100_000), "</div>".repeat(100_000));
        let e = readable(&deep, "https://x.example/").expect_err("too deep");
        assert!(e.contains("nests elements") && e.contains("more than 1000"), "{e}");
        let wide = format!("{}{}", para.repeat(30), "<span>x</span>".repeat(210_000));
        let e = readable(&wide, "https://x.example/").expect_err("too many");
        assert!(e.contains("elements, more than 200000"), "{e}");
        // Paragraphs, list items and void elements left open are no depth.
        let open = format!(
            "<html><body><article>{}</article></body></html>",
            "<p>An open paragraph with words enough to count for something here.<br><img src=x>".repeat(400)
        );
        assert!(too_complex(&open).is_none());
    }

    #[test]
    fn full_stops_are_not_escaped_and_bidi_controls_are_dropped() {
        assert_eq!(
            tidy_escapes("It ran in a loop\\. Then it stopped\\."),
            "It ran in a loop. Then it stopped."
        );
        assert_eq!(tidy_escapes("1986\\. A good year"), "1986\\. A good year");
        assert_eq!(tidy_escapes("a path C:\\\\.git"), "a path C:\\\\.git");
        let text =
            clean("left \u{202e}txt.exe\u{202c} [a](https://x.example/\u{2066}y\u{2069})\n`code\u{202e}`");
        assert!(!text.chars().any(is_bidi_control), "{text:?}");
        assert!(text.contains("[a](https://x.example/y)"), "{text}");
    }

    #[test]
    fn control_characters_never_come_through() {
        let body = format!("<p>{}</p>", "Escape \u{1b}[31mred\u{1b}[0m and bell \u{7} here. ".repeat(40));
        let r = readable(&page(&body), "https://daily.example/x").expect("an article");
        assert!(!r.markdown.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{:?}", r.markdown);
    }
}
