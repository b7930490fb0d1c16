//! The article's own text out of a page: `dom_smoothie`, a port of
//! readability.js (the code behind Firefox's Reader View), asked for
//! Markdown, which the detail pane already draws. Navigation, scripts,
//! comments, ads and footers are what it leaves out.

use super::Article;
use super::fetch::Page;
use super::{ArticleError, NotArticle};

/// A text this long (in [`text_length`]'s words) is an article unless it
/// is mostly links.
pub const MIN_WORDS: usize = 150;

/// A page that says it is an article (JSON-LD `NewsArticle`, `BlogPosting`,
/// `Article`..., or `og:type` `article`) is one from this many words: a
/// short news story.
pub const MIN_WORDS_MARKED: usize = 40;

/// A page that does not say what it is is an article from this many words
/// in at least [`MIN_PARAGRAPHS`] paragraphs, little of it links.
pub const MIN_WORDS_PLAIN: usize = 60;
pub const MIN_PARAGRAPHS: usize = 2;

/// The length of a text in words, counted so that every language counts:
/// a run of letters or digits between spaces is a word, and so is each
/// Chinese, Japanese or Korean character (those scripts put no spaces
/// between words: a 700-character story is not "a handful of words").
pub fn text_length(text: &str) -> usize {
    let mut n = 0;
    for token in text.split_whitespace() {
        let cjk = token.chars().filter(|&c| is_cjk(c)).count();
        let other = token.chars().any(|c| c.is_alphanumeric() && !is_cjk(c));
        n += cjk + usize::from(other);
    }
    n
}

/// Han, kana, Hangul and the CJK symbols and full-width letters.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff
        | 0xac00..=0xd7af | 0x1100..=0x11ff | 0x3130..=0x318f | 0x20000..=0x2fa1f)
}

/// The share of the text's characters that are the text of links
/// (`[text](url)`): an index page or a list of headlines is mostly links.
fn link_share(markdown: &str) -> f64 {
    let visible = |t: &str| t.chars().filter(|c| !c.is_whitespace()).count();
    // The text a reader sees: the links' addresses are not counted.
    let (mut total, mut linked) = (0, 0);
    let mut rest = markdown;
    while let Some(open) = rest.find('[') {
        total += visible(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find("](") else {
            rest = after;
            continue;
        };
        let text = &after[..close];
        let n = visible(text);
        total += n;
        if !text.contains('\n') {
            linked += n;
        }
        let url = &after[close + 2..];
        rest = url.find(')').map_or(url, |end| &url[end + 1..]);
    }
    total += visible(rest);
    linked as f64 / total.max(1) as f64
}

/// Whether the page says it is an article: JSON-LD whose `@type` names one
/// (`NewsArticle`, `BlogPosting`, `Article`, `Report`...), or `og:type`
/// `article`.
fn marked_as_article(html: &str) -> bool {
    let head = &html.as_bytes()[..html.len().min(512 * 1024)];
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    let names_article = |v: &str| v.contains("article") || v.contains("blogposting") || v.contains("report");
    // "@type": "NewsArticle" (or a list of types).
    let typed = lower.match_indices("\"@type\"").any(|(at, _)| {
        let value = &lower[at + 7..lower.len().min(at + 80)];
        let value = value.trim_start().strip_prefix(':').unwrap_or("").trim_start();
        let end = value.find(['}', ',']).unwrap_or(value.len()).min(60);
        names_article(&value[..end])
    });
    // <meta property="og:type" content="article"> in either order.
    let og = lower.match_indices("og:type").any(|(at, _)| {
        let tag_start = lower[..at].rfind('<').unwrap_or(at);
        let tag_end = lower[at..].find('>').map_or(lower.len(), |e| at + e);
        lower[tag_start..tag_end].contains("content=\"article")
            || lower[tag_start..tag_end].contains("content='article")
    });
    typed || og
}

/// Whether the text extracted from a page is an article, by what the page
/// is: long enough and not mostly links; shorter when the page says it is
/// an article; a few paragraphs of prose otherwise.
fn is_article(html: &str, markdown: &str, words: usize) -> bool {
    let links = link_share(markdown);
    if links >= 0.5 {
        return false;
    }
    if words >= MIN_WORDS {
        return true;
    }
    if words >= MIN_WORDS_MARKED && marked_as_article(html) {
        return true;
    }
    let paragraphs = markdown.split("\n\n").filter(|p| text_length(p) >= 8).count();
    words >= MIN_WORDS_PLAIN && paragraphs >= MIN_PARAGRAPHS && links < 0.25
}

/// The article of `page`, fetched for `url`.
pub fn article(page: &Page, url: &str) -> Result<Article, ArticleError> {
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
fn too_complex(html: &str) -> Option<NotArticle> {
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
        Some(NotArticle::TooMany { elements, max: MAX_ELEMENTS })
    } else if deepest > MAX_DEPTH {
        Some(NotArticle::TooDeep { depth: deepest, max: MAX_DEPTH })
    } else {
        None
    }
}

/// Extracts the article of `html` (at `base`, for its relative links).
pub fn readable(html: &str, base: &str) -> Result<Readable, ArticleError> {
    if let Some(why) = too_complex(html) {
        return Err(why.into());
    }
    let base = url::Url::parse(base).ok().map(|u| u.to_string());
    let html = captions_as_paragraphs(html);
    let html = html.as_ref();
    let config = dom_smoothie::Config { text_mode: dom_smoothie::TextMode::Markdown, ..Default::default() };
    // A parser bug must cost this article, not the reader.
    let parsed = std::panic::catch_unwind(|| {
        let mut r = dom_smoothie::Readability::new(html, base.as_deref(), Some(config))?;
        r.parse()
    })
    .map_err(|_| NotArticle::Unreadable)?;
    let a = parsed.map_err(|_| NotArticle::NothingReadable)?;
    let markdown = drop_boilerplate(&clean(&a.text_content));
    let words = text_length(&markdown);
    if !is_article(html, &markdown, words) {
        return Err(NotArticle::Words(words).into());
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

/// The labels of blocks that are not the article ("Most read", "You may
/// also like"): a short line of its own is furniture, and a heading with
/// one starts a block whose list goes with it.
const BLOCK_LABELS: &[&str] = &[
    "most read",
    "most popular",
    "you may also like",
    "related",
    "related articles",
    "related stories",
    "read more",
    "recommended",
    "more on this story",
    "see more",
    "dont miss",
    "trending",
    "top stories",
];

/// Other short lines a page repeats around its text, whole (lower case, no
/// punctuation): gallery buttons, labels, share rows.
const BOILERPLATE_LINES: &[&str] = &[
    "caption",
    "close",
    "advertisement",
    "ad",
    "do not miss",
    "share",
    "share this",
    "share this article",
    "copy link",
    "sponsored",
    "comments",
    "show comments",
    "view comments",
    "enlarge",
    "toggle caption",
    "hide caption",
    "skip advert",
    "next",
    "previous",
    "expand",
];

/// Other headings of blocks that are not the article.
const BOILERPLATE_HEADINGS: &[&str] = &["more from", "popular now", "latest news", "tags", "topics"];

/// Names that make up a share row ("Whatsapp Facebook Twitter Email").
const SHARE_WORDS: &[&str] = &[
    "facebook",
    "twitter",
    "x",
    "whatsapp",
    "linkedin",
    "email",
    "e-mail",
    "reddit",
    "telegram",
    "pinterest",
    "messenger",
    "copy",
    "link",
    "share",
    "print",
    "mail",
    "bluesky",
    "threads",
    "mastodon",
    "flipboard",
];

/// A paragraph's words, lower case, letters and digits only.
fn plain_words(p: &str) -> Vec<String> {
    p.split_whitespace()
        .map(|w| w.chars().filter(|c| c.is_alphanumeric() || *c == '-').collect::<String>().to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether a short paragraph is a page's furniture: a label, a gallery
/// counter ("Image 1 of 8"), a credit line ("Photo: ..., AP", "GETTY
/// IMAGES"), a share row, a comment-moderation notice.
fn is_furniture(p: &str) -> bool {
    let text = p.trim_start_matches(['#', '>', '*', '-', ' ']).trim();
    let words = plain_words(text);
    if words.is_empty() || words.len() > 14 {
        return false;
    }
    let joined = words.join(" ").replace('-', " ");
    if BOILERPLATE_LINES.contains(&joined.as_str()) || BLOCK_LABELS.contains(&joined.as_str()) {
        return true;
    }
    let lower = text.to_lowercase();
    // "Image 1 of 8", "Photo 3/12".
    let counter = words.len() <= 5
        && words.iter().any(|w| matches!(w.as_str(), "image" | "photo" | "picture" | "slide"))
        && (words.iter().any(|w| w == "of") || lower.contains('/'))
        && words.iter().any(|w| w.chars().all(|c| c.is_ascii_digit()));
    let credit = ["photo:", "image:", "credit:", "photograph:", "picture:", "photo credit", "image credit"]
        .iter()
        .any(|s| lower.starts_with(s))
        || (words.len() <= 8
            && (lower.contains("getty images") || lower.ends_with("/ getty") || lower == "getty"));
    let share = words.len() >= 2 && words.iter().all(|w| SHARE_WORDS.contains(&w.as_str()));
    let moderation = lower.contains("comments are moderated")
        || lower.contains("comments have been closed")
        || lower.contains("comments are closed");
    counter || credit || share || moderation
}

/// The article without what pages repeat around it: paragraphs that are
/// furniture ([`is_furniture`]), a short paragraph (a caption, a pull
/// quote) said again after its first time, and the blocks headed "Most read", "You may also like"
/// and the like with the list that follows them.
fn drop_boilerplate(markdown: &str) -> String {
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<&str> = Vec::new();
    let mut in_block = false;
    for p in markdown.split("\n\n") {
        let t = p.trim();
        let heading = t.starts_with('#') || (t.starts_with("**") && t.ends_with("**"));
        let key = plain_words(t).join(" ");
        if heading {
            let k = key.replace('-', " ");
            if BLOCK_LABELS
                .iter()
                .chain(BOILERPLATE_HEADINGS)
                .any(|h| k == *h || (k.starts_with(h) && k.len() <= h.len() + 24 && heading))
            {
                in_block = true;
                continue;
            }
        }
        if in_block {
            // The block's list (or short lines of links) ends at prose.
            let list = t.lines().all(|l| {
                let l = l.trim_start();
                l.starts_with("- ") || l.starts_with("* ") || l.starts_with('[') || l.starts_with("1.")
            });
            if list && !heading {
                continue;
            }
            in_block = false;
        }
        if is_furniture(t) {
            continue;
        }
        // Said again (a caption under every image of a gallery, a pull
        // quote): once. Only short ones: prose is not repeated by pages.
        let n = key.split(' ').count();
        if (3..=25).contains(&n) && !seen.insert(key) {
            continue;
        }
        out.push(p);
    }
    out.join("\n\n")
}

/// A table's `<caption>` made a paragraph (the parser puts it before its
/// table), so its text is not lost: readability drops captions.
fn captions_as_paragraphs(html: &str) -> std::borrow::Cow<'_, str> {
    let lower = html.to_ascii_lowercase();
    if !lower.contains("<caption") {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() + 64);
    let mut at = 0;
    for (i, _) in lower.match_indices("caption") {
        let b = lower.as_bytes();
        let opening = i >= 1 && b[i - 1] == b'<';
        let closing = i >= 2 && b[i - 2] == b'<' && b[i - 1] == b'/';
        let ends_name = lower[i + 7..].starts_with(|c: char| c == '>' || c.is_ascii_whitespace() || c == '/');
        if (opening || closing) && ends_name {
            out.push_str(&html[at..i]);
            out.push('p');
            at = i + 7;
        }
    }
    out.push_str(&html[at..]);
    std::borrow::Cow::Owned(out)
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
mod tests;
