//! `linkfeed feeds add NAME URL` with a site's page: the feed the page
//! names with `<link rel="alternate" type="application/rss+xml" href=...>`
//! (or Atom, or JSON Feed), the first one it names.

use crate::text::html_md;

/// The feed types a page's `<link rel="alternate">` may name.
const FEED_TYPES: &[&str] = &[
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
];

/// The feeds `html` (a page at `base`) names, first first.
pub fn feeds_named(html: &str, base: &str) -> Vec<String> {
    let base = url::Url::parse(base).ok();
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<link").map(|i| i + from) {
        let end = lower[at..].find('>').map_or(lower.len(), |e| at + e);
        from = end.max(at + 5);
        let tag = &html[at + 1..end];
        let rel = html_md::attr(tag, "rel").unwrap_or_default().to_ascii_lowercase();
        let kind = html_md::attr(tag, "type").unwrap_or_default().to_ascii_lowercase();
        if !rel.split_whitespace().any(|r| r == "alternate") || !FEED_TYPES.contains(&kind.trim()) {
            continue;
        }
        if let Some(href) = html_md::attr(tag, "href").and_then(|h| html_md::absolute(&h, base.as_ref()))
            && !found.contains(&href)
        {
            found.push(href);
        }
    }
    found
}

/// Whether `bytes` look like a feed document rather than a page.
pub fn is_feed(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with('{') {
        return head.contains("jsonfeed.org");
    }
    ["<rss", "<feed", "<rdf:rdf"].iter().any(|t| head.contains(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alternate_links_of_a_page() {
        let page = r#"<html><head><link rel="stylesheet" href="/s.css">
            <LINK REL="alternate" TYPE="application/rss+xml" title="RSS" href="/index.xml">
            <link rel="alternate" type="application/atom+xml" href="https://b.example/atom.xml">
            <link rel="alternate" type="text/html" hreflang="fr" href="/fr/"></head></html>"#;
        assert_eq!(
            feeds_named(page, "https://a.example/blog/"),
            ["https://a.example/index.xml", "https://b.example/atom.xml"]
        );
        assert!(is_feed(b"<?xml version=\"1.0\"?>\n<rss version=\"2.0\">"));
        assert!(!is_feed(b"<!doctype html><html>"));
    }
}
