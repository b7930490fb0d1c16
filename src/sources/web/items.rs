//! A web feed's item as a post of the project's schema: front matter
//! (title, date, tags, source, external_url, discussion_url, tldr, summary,
//! feed_item) and a Markdown body, all of it sanitised text.

use crate::text::{html, html_md, sanitize};
use feed_rs::model::{Entry, LinkTarget, Text};
use serde::Serialize;

/// The longest a title, a summary, a tldr and a body may be.
const TITLE_MAX: usize = 300;
const SUMMARY_MAX: usize = 1_200;
const TLDR_MAX: usize = 300;
const BODY_MAX: usize = 256 * 1024;
const TAGS_MAX: usize = 20;

/// An item made a post: its identity and its file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The guid or id, else the link (what a repeat of the item is known by).
    pub id: String,
    pub title: String,
    /// RFC 3339, from the item (published, else updated).
    pub date: Option<String>,
    pub tags: Vec<String>,
    pub source: String,
    pub url: String,
    pub discussion: Option<String>,
    pub tldr: String,
    pub summary: String,
    pub body: String,
}

#[derive(Serialize)]
struct Front<'a> {
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    tags: &'a [String],
    #[serde(skip_serializing_if = "str::is_empty")]
    source: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    external_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    discussion_url: Option<&'a str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    tldr: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    summary: &'a str,
    /// The item's identity in its feed.
    feed_item: &'a str,
}

impl Item {
    /// The item of `entry`, in a feed called `feed_title` at `base`; `None`
    /// when it has nothing to know it by (no id, link or title).
    pub fn of(entry: &Entry, feed_title: &str, base: Option<&url::Url>) -> Option<Item> {
        let link = |pick: &dyn Fn(&feed_rs::model::Link) -> bool| {
            entry.links.iter().filter(|l| pick(l)).find_map(|l| html_md::absolute(&l.href, base))
        };
        let url = link(&|l| {
            l.target.is_none() && l.rel.as_deref().is_none_or(|r| r == "alternate" || r.is_empty())
        })
        .unwrap_or_default();
        let discussion =
            link(&|l| l.target == Some(LinkTarget::Comments) || l.rel.as_deref() == Some("replies"))
                .filter(|d| *d != url);
        let described = entry.summary.as_ref().map(|t| as_markdown(t, base)).unwrap_or_default();
        let content = entry
            .content
            .as_ref()
            .and_then(|c| c.body.as_deref())
            .map(|b| html_md::markdown(b, base))
            .unwrap_or_default();
        let mut title = entry.title.as_ref().map(|t| one_line(&plain(t), TITLE_MAX)).unwrap_or_default();
        let described_text = text_of(&described);
        let (tldr, summary) = match (described.is_empty(), content.is_empty()) {
            (false, false) if described_text.chars().count() <= TLDR_MAX && described != content => {
                (one_line(&described_text, TLDR_MAX), paragraphs(&content, SUMMARY_MAX))
            }
            (false, _) => (String::new(), paragraphs(&described, SUMMARY_MAX)),
            (true, false) => (String::new(), paragraphs(&content, SUMMARY_MAX)),
            (true, true) => (String::new(), String::new()),
        };
        if title.is_empty() {
            // JSON Feed and RSS allow an item without a title.
            title = one_line(&summary, 80);
        }
        let id = sanitize::one_line(entry.id.trim());
        let id = if id.is_empty() { url.clone() } else { id };
        if id.is_empty() && title.is_empty() {
            return None;
        }
        let body = if content.is_empty() { described } else { content };
        // A body that says only what the summary says is not written twice
        // (one with links is kept: `f` opens them).
        let body = if !body.contains("](") && paragraphs(&body, usize::MAX) == summary {
            String::new()
        } else {
            body
        };
        let mut tags: Vec<String> = Vec::new();
        for c in &entry.categories {
            let t = one_line(c.label.as_deref().unwrap_or(&c.term), 60).to_lowercase();
            if !t.is_empty() && !tags.contains(&t) && tags.len() < TAGS_MAX {
                tags.push(t);
            }
        }
        let source = entry
            .source
            .as_deref()
            .filter(|s| !s.contains("://"))
            .map(|s| one_line(s, 100))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| one_line(feed_title, 100));
        Some(Item {
            id: if id.is_empty() { format!("title:{title}") } else { id },
            title: if title.is_empty() { "(untitled)".into() } else { title },
            date: entry.published.or(entry.updated).map(|d| d.to_rfc3339()),
            tags,
            source,
            url,
            discussion,
            tldr,
            summary,
            body: cut(&sanitize::multi_line(&body), BODY_MAX),
        })
    }

    /// The post file's text, with `date` (the item's, else when it was
    /// first seen).
    pub fn file_text(&self, date: &str) -> String {
        let front = Front {
            title: &self.title,
            date: Some(self.date.as_deref().unwrap_or(date)),
            tags: &self.tags,
            source: &self.source,
            external_url: &self.url,
            discussion_url: self.discussion.as_deref(),
            tldr: &self.tldr,
            summary: &self.summary,
            feed_item: &self.id,
        };
        // Plain strings and a list of them: it cannot fail to serialise.
        let yaml = serde_yaml::to_string(&front).unwrap_or_default();
        let mut text = format!("---\n{yaml}---\n");
        if !self.body.is_empty() {
            text.push_str(&self.body);
            text.push('\n');
        }
        text
    }

    /// A file name for it: `YYYY-MM-DD-slug-of-the-title.md`.
    pub fn file_name(&self, date: &str) -> String {
        let day = date
            .get(..10)
            .filter(|d| d.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
            .unwrap_or("undated");
        let slug = sanitize::slug(&self.title, 60, false);
        let slug = if slug.is_empty() { "item" } else { &slug };
        format!("{day}-{slug}.md")
    }
}

/// A text field's content as Markdown (HTML converted, plain text kept).
fn as_markdown(t: &Text, base: Option<&url::Url>) -> String {
    if t.content_type.essence().to_string().contains("html") || t.content.contains('<') {
        html_md::markdown(&t.content, base)
    } else {
        sanitize::multi_line(html::decode_entities(&t.content).trim())
    }
}

/// A text field as plain text (an HTML title's tags dropped).
fn plain(t: &Text) -> String {
    if t.content.contains('<') {
        html::text(&t.content)
    } else {
        html::decode_entities(&t.content).into_owned()
    }
}

/// Markdown's text without its link syntax: `[text](url)` reads `text`.
fn text_of(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(open) = rest.find('[') {
        let Some(mid) = rest[open..].find("](").map(|m| m + open) else { break };
        let Some(close) = rest[mid..].find(')').map(|c| c + mid) else { break };
        out.push_str(&rest[..open]);
        out.push_str(&rest[open + 1..mid]);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The first paragraphs of `md` as text, at most `max` characters (cut at a
/// word, with `…`).
fn paragraphs(md: &str, max: usize) -> String {
    let text = text_of(md);
    let mut out = String::new();
    for p in text.split("\n\n") {
        let p = p.split_whitespace().collect::<Vec<_>>().join(" ");
        if p.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&p);
        if out.chars().count() >= max {
            break;
        }
    }
    cut_at_word(&out, max)
}

fn one_line(s: &str, max: usize) -> String {
    cut_at_word(&sanitize::one_line(s.trim()), max)
}

fn cut_at_word(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let at = cut.rfind(char::is_whitespace).filter(|&i| i > max / 2).unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end())
}

/// At most `max` bytes of `s`, cut at a line.
fn cut(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let end = s[..end].rfind('\n').unwrap_or(end);
    format!("{}\n\n…", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(xml: &str) -> (Entry, String) {
        let doc = format!("<rss version=\"2.0\"><channel><title>Chan</title>{xml}</channel></rss>");
        let mut feed = feed_rs::parser::parse(doc.as_bytes()).expect("parses");
        (feed.entries.remove(0), "Chan".into())
    }

    #[test]
    fn an_rss_item_becomes_a_post() {
        let (e, t) = entry(
            "<item><title>Hello &amp; bye</title><link>https://a.example/x</link><guid>g1</guid>\
             <comments>https://news.example/item?id=1</comments><category>Rust</category>\
             <pubDate>Tue, 01 Dec 2026 10:00:00 GMT</pubDate>\
             <description><![CDATA[<p>Short <b>gist</b>.</p>]]></description></item>",
        );
        let item = Item::of(&e, &t, None).expect("an item");
        assert_eq!(item.id, "g1");
        assert_eq!(item.title, "Hello & bye");
        assert_eq!(item.url, "https://a.example/x");
        assert_eq!(item.discussion.as_deref(), Some("https://news.example/item?id=1"));
        assert_eq!(item.tags, ["rust"]);
        assert_eq!(item.source, "Chan");
        assert_eq!(item.summary, "Short gist.");
        let text = item.file_text("2026-12-08T00:00:00+00:00");
        let (post, problems) =
            crate::feed::frontmatter::parse_post(std::path::Path::new("x.md"), &text).expect("parses");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(post.title, "Hello & bye");
        assert_eq!(post.url, "https://a.example/x");
        assert_eq!(item.file_name(item.date.as_deref().unwrap_or("")), "2026-12-01-hello-bye.md");
    }

    #[test]
    fn hostile_fields_are_made_harmless() {
        let (e, t) = entry(
            "<item><title>a\u{1b}]52;c;x\u{7}b</title><link>javascript:alert(1)</link>\
             <description>&lt;script&gt;evil()&lt;/script&gt;&lt;p&gt;ok&lt;/p&gt;</description></item>",
        );
        let item = Item::of(&e, &t, None).expect("an item");
        assert!(!item.title.contains('\u{1b}') && !item.title.contains('\u{7}'), "{:?}", item.title);
        assert_eq!(item.url, "");
        assert_eq!(item.summary, "ok");
        assert!(!item.file_text("2026-01-01").contains("evil"));
    }
}
