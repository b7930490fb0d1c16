//! OPML, the list of feeds every feed reader reads and writes: `linkfeed
//! feeds import FILE.opml` takes its feeds (nested outlines too), `linkfeed
//! feeds export` writes the web feeds of the config as one.

use quick_xml::events::Event;

/// A feed an OPML file lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Its title (or text), as the file gives it.
    pub title: String,
    pub url: String,
}

/// Why an OPML file cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("not an OPML file it can read: {0}")]
pub struct OpmlError(String);

/// The feeds of an OPML document, in its order: every `<outline>` with an
/// `xmlUrl`. A document broken half-way gives the feeds before the break,
/// then its error.
pub fn read(text: &str) -> Result<Vec<Listed>, OpmlError> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut found = Vec::new();
    let mut saw_opml = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let name = e.local_name();
                if name.as_ref().eq_ignore_ascii_case("opml") {
                    saw_opml = true;
                }
                if !name.as_ref().eq_ignore_ascii_case("outline") {
                    continue;
                }
                let (mut title, mut text, mut url) = (String::new(), String::new(), String::new());
                for a in e.attributes().flatten() {
                    let value = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map(|v| v.into_owned())
                        .unwrap_or_default();
                    match a.key.local_name().as_ref() {
                        "title" => title = value,
                        "text" => text = value,
                        "xmlUrl" | "xmlurl" => url = value,
                        _ => {}
                    }
                }
                if !url.trim().is_empty() {
                    let title = if title.trim().is_empty() { text } else { title };
                    found.push(Listed {
                        title: crate::text::sanitize::one_line(title.trim()),
                        url: url.trim().into(),
                    });
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) if found.is_empty() => return Err(OpmlError(e.to_string())),
            Err(_) => break,
        }
    }
    if !saw_opml {
        return Err(OpmlError("no <opml> element".into()));
    }
    Ok(found)
}

/// An OPML 2.0 document of `feeds` (name, address).
pub fn write(feeds: &[(&str, &str)]) -> String {
    let esc = |s: &str| quick_xml::escape::escape(s).into_owned();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head><title>linkfeed feeds</title></head>\n  <body>\n",
    );
    for (name, url) in feeds {
        out.push_str(&format!(
            "    <outline type=\"rss\" text=\"{0}\" title=\"{0}\" xmlUrl=\"{1}\"/>\n",
            esc(name),
            esc(url)
        ));
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

/// A feed name (letters, digits, `-`, `_`, `.`) made of `title`, else of
/// the address's host; one of `taken` gets `-2`, `-3`...
pub fn name_for(title: &str, url: &str, taken: &[String]) -> String {
    let slug = |s: &str| crate::text::sanitize::slug(s, 40, true);
    let mut base = slug(title);
    if base.is_empty() {
        base = url::Url::parse(url).ok().and_then(|u| u.host_str().map(slug)).unwrap_or_default();
    }
    if base.is_empty() {
        base = "feed".into();
    }
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_export_writes_import_reads() {
        let doc = write(&[("lobsters", "https://lobste.rs/rss"), ("a&b", "https://x.example/f?a=1&b=2")]);
        let back = read(&doc).expect("reads");
        assert_eq!(
            back,
            [
                Listed { title: "lobsters".into(), url: "https://lobste.rs/rss".into() },
                Listed { title: "a&b".into(), url: "https://x.example/f?a=1&b=2".into() },
            ]
        );
    }

    #[test]
    fn nested_outlines_and_names() {
        let doc = r#"<opml version="1.0"><body><outline text="Tech"><outline text="Hacker News" xmlUrl="https://hnrss.org/frontpage"/></outline></body></opml>"#;
        let got = read(doc).expect("reads");
        assert_eq!(got[0].title, "Hacker News");
        assert_eq!(name_for(&got[0].title, &got[0].url, &[]), "hacker-news");
        assert_eq!(name_for("Hacker News", "", &["hacker-news".into()]), "hacker-news-2");
        assert_eq!(name_for("", "https://blog.example.org/feed", &[]), "blog-example-org");
        assert!(read("<html/>").is_err());
    }
}
