//! Web feeds (issue 39): `linkfeed sync` against a server on 127.0.0.1
//! started here, serving RSS 2.0, RSS 1.0, Atom and JSON Feed documents in
//! the shapes real ones have; the posts, the report, `is:new`, 304s,
//! redirects, a failing feed among good ones, hostile documents; OPML and
//! `feeds add`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

mod common;
use common::Sandbox;
use common::http::{Route, Server};
use std::path::PathBuf;

const RSS2: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Rust Weekly</title><link>https://rust.example/</link>
<item><title>Async closures land</title><link>/posts/async-closures</link><guid isPermaLink="false">rw-1</guid>
<pubDate>Mon, 07 Dec 2026 09:00:00 +0000</pubDate><category>Rust</category><category>async</category>
<dc:creator>Ann</dc:creator><media:thumbnail url="https://rust.example/t.png"/>
<description><![CDATA[<p>Async closures are <b>stable</b>.</p>]]></description>
<content:encoded><![CDATA[<p>The long story of async closures.</p><p>See <a href="/rfc">the RFC</a> for more.</p>]]></content:encoded></item>
<item><title>Kernel news</title><link>https://kernel.example/news</link><comments>https://news.example/item?id=7</comments>
<pubDate>Sun, 06 Dec 2026 08:00:00 GMT</pubDate><description>Plain text, about the Zephyrine scheduler.</description></item>
</channel></rss>"#;

const RSS1: &str = r#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://old.example/"><title>Old Site</title><link>https://old.example/</link></channel>
<item rdf:about="https://old.example/1"><title>An RDF item</title><link>https://old.example/1</link>
<dc:date>2026-12-05T10:00:00Z</dc:date><dc:subject>history</dc:subject><description>From the nineties.</description></item>
</rdf:RDF>"#;

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Blog</title><id>urn:atom-blog</id><updated>2026-12-04T00:00:00Z</updated>
<entry><title type="html">Ferris &amp;lt;3 &lt;em&gt;Atom&lt;/em&gt;</title><id>tag:atom,2026:1</id>
<link rel="alternate" href="https://atom.example/1"/><link rel="replies" href="https://atom.example/1#comments"/>
<updated>2026-12-04T12:00:00Z</updated><category term="feeds" label="Feeds"/>
<summary type="html">&lt;p&gt;An entry with an &lt;i&gt;HTML&lt;/i&gt; summary.&lt;/p&gt;</summary></entry>
</feed>"#;

const JSON_FEED: &str = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "JSON Links",
"items": [{"id": "j1", "url": "https://json.example/1", "title": "A JSON item", "content_html": "<p>Hello from JSON Feed.</p>",
"date_published": "2026-12-03T07:00:00+01:00", "tags": ["json", "Feeds"]},
{"id": "j2", "url": "https://json.example/2", "content_text": "An item with no title at all, only text."}]}"#;

struct Setup {
    sandbox: Sandbox,
    server: Server,
}

impl Setup {
    fn new(routes: Vec<(&str, Route)>, feeds: &[(&str, &str)]) -> Setup {
        let server = Server::start(routes);
        let sandbox = Sandbox::new();
        let mut config = String::new();
        for (name, path) in feeds {
            config.push_str(&format!("[feeds.{name}]\nurl = \"{}\"\n", server.url(path)));
        }
        sandbox.write_config(&config);
        Setup { sandbox, server }
    }

    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.sandbox.linkfeed().args(args).output().expect("run linkfeed");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn folder(&self, name: &str) -> PathBuf {
        self.sandbox.data().join("linkfeed/feeds").join(name).join("current")
    }

    fn json(&self, name: &str, query: &[&str]) -> Vec<serde_json::Value> {
        let mut args = vec!["-f", name, "list", "--json"];
        args.extend_from_slice(query);
        let (code, out, err) = self.run(&args);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str(&out).expect("list --json")
    }
}

fn titles(posts: &[serde_json::Value]) -> Vec<String> {
    posts.iter().map(|p| p["title"].as_str().unwrap_or("").to_string()).collect()
}

#[test]
fn four_formats_become_posts_of_the_schema() {
    let s = Setup::new(
        vec![
            ("/rss.xml", Route::typed("application/rss+xml", RSS2)),
            ("/rdf", Route::typed("application/rdf+xml", RSS1)),
            ("/atom", Route::typed("application/atom+xml; charset=utf-8", ATOM)),
            ("/feed.json", Route::typed("application/feed+json", JSON_FEED)),
        ],
        &[("rust", "/rss.xml"), ("old", "/rdf"), ("atom", "/atom"), ("json", "/feed.json")],
    );
    let (code, out, err) = s.run(&["sync"]);
    assert_eq!(code, 0, "{out}{err}");
    for line in ["rust: 2 posts, first sync", "old: 1 posts, first sync", "atom: 1 posts", "json: 2 posts"] {
        assert!(out.contains(line), "{line:?} in {out}");
    }
    let rust = s.json("rust", &[]);
    assert_eq!(titles(&rust), ["Async closures land", "Kernel news"]);
    let a = &rust[0];
    // A relative link is read against the document's own address.
    assert_eq!(a["external_url"], s.server.url("/posts/async-closures"));
    assert_eq!(a["tags"], serde_json::json!(["rust", "async"]));
    assert_eq!(a["source"], "Rust Weekly");
    assert_eq!(a["tldr"], "Async closures are stable.");
    assert!(a["date"].as_str().is_some_and(|d| d.starts_with("2026-12-07T09:00:00")), "{a}");
    let text =
        std::fs::read_to_string(s.folder("rust").join("2026-12-07-async-closures-land.md")).expect("file");
    assert!(text.contains(&format!("[the RFC]({})", s.server.url("/rfc"))), "{text}");
    let kernel = std::fs::read_to_string(s.folder("rust").join("2026-12-06-kernel-news.md")).expect("file");
    assert!(kernel.contains("discussion_url: https://news.example/item?id=7"), "{kernel}");
    // A name in a summary finds its post.
    assert_eq!(titles(&s.json("rust", &["-q", "zephyrine"])), ["Kernel news"]);
    assert_eq!(titles(&s.json("old", &[])), ["An RDF item"]);
    let atom = s.json("atom", &[]);
    assert_eq!(titles(&atom), ["Ferris <3 Atom"]);
    assert_eq!(atom[0]["summary"], "An entry with an HTML summary.");
    let json = s.json("json", &[]);
    // The item without a date is dated when it was first seen: today, first.
    assert_eq!(titles(&json), ["An item with no title at all, only text.", "A JSON item"]);
    assert_eq!(json[1]["tags"], serde_json::json!(["json", "feeds"]));
    assert!(json[1]["date"].as_str().is_some_and(|d| d.starts_with("2026-12-03T06:00:00")), "{}", json[1]);
    // `check` finds nothing wrong with what was written.
    let (code, out, err) = s.run(&["-f", "json", "check"]);
    assert_eq!(code, 0, "{out}{err}");
    let (_, feeds, _) = s.run(&["feeds"]);
    assert!(feeds.contains("rust\tweb\t"), "{feeds}");
}

#[test]
fn new_and_changed_items_a_304_and_a_sync_that_writes_nothing() {
    let s = Setup::new(
        vec![("/rss.xml", Route::typed("application/rss+xml", RSS2).with_etag("\"v1\""))],
        &[("rust", "/rss.xml")],
    );
    assert_eq!(s.run(&["sync"]).0, 0);
    // Unchanged: a conditional request, answered 304; nothing written.
    let before = common::tree_listing(&s.folder("rust"));
    let (code, out, _) = s.run(&["sync"]);
    assert_eq!((code, out.trim()), (0, "rust: up to date"));
    let asked = s.server.requests_for("/rss.xml");
    assert_eq!(asked.last().and_then(|r| r.headers.get("if-none-match")).map(String::as_str), Some("\"v1\""));
    assert_eq!(common::tree_listing(&s.folder("rust")), before);
    // A new item and an edited one.
    let v2 = RSS2.replace("The long story", "The longer story").replace(
        "</channel>",
        "<item><title>Fresh</title><link>https://fresh.example/</link><guid>rw-3</guid><pubDate>Tue, 08 Dec 2026 06:00:00 GMT</pubDate></item></channel>",
    );
    s.server.set("/rss.xml", Route::typed("application/rss+xml", v2.clone()).with_etag("\"v2\""));
    let (code, out, err) = s.run(&["sync"]);
    assert_eq!((code, out.trim()), (0, "rust: 1 new, 1 changed, 0 removed"), "{err}");
    assert_eq!(titles(&s.json("rust", &["-q", "is:new"])), ["Fresh"]);
    // The same document without an ETag: read again, nothing written.
    s.server.set("/rss.xml", Route::typed("application/rss+xml", v2));
    let before = common::tree_listing(&s.folder("rust"));
    let (_, out, _) = s.run(&["sync"]);
    assert_eq!(out.trim(), "rust: up to date");
    assert_eq!(common::tree_listing(&s.folder("rust")), before);
    assert_eq!(titles(&s.json("rust", &["-q", "is:new"])), ["Fresh"], "what the last sync brought stays new");
    // Items that drop out of the feed are kept.
    s.server.set("/rss.xml", Route::typed("application/rss+xml", RSS1));
    let (_, out, _) = s.run(&["sync"]);
    assert_eq!(out.trim(), "rust: 1 new, 0 changed, 0 removed");
    assert_eq!(s.json("rust", &[]).len(), 4, "the three items the feed no longer shows are kept");
}

#[test]
fn a_failing_feed_does_not_stop_the_others_and_its_posts_stay() {
    let s = Setup::new(
        vec![
            ("/good", Route::typed("application/rss+xml", RSS2)),
            ("/moved", Route::redirect("/atom")),
            ("/atom", Route::typed("application/atom+xml", ATOM)),
            ("/flaky", Route::typed("application/rss+xml", RSS1)),
        ],
        &[("good", "/good"), ("moved", "/moved"), ("flaky", "/flaky"), ("sneaky", "/sneaky")],
    );
    // The address given is the user's own (127.0.0.1 here); a redirect to
    // another host on a private address is refused, as in reader mode.
    s.server.set("/sneaky", Route::redirect(&format!("http://localhost:{}/atom", s.server.port)));
    let (code, out, err) = s.run(&["sync"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("sneaky: failed:") && err.contains("refused"), "{err}");
    assert_eq!(
        s.server.requests_for("/atom").len(),
        1,
        "only the redirect that stayed on the host reached it"
    );
    s.server.set("/sneaky", Route::status(404));
    s.sandbox.write_config(&format!(
        "[feeds.good]\nurl = \"{}\"\n[feeds.moved]\nurl = \"{}\"\n[feeds.flaky]\nurl = \"{}\"\n",
        s.server.url("/good"),
        s.server.url("/moved"),
        s.server.url("/flaky")
    ));
    assert_eq!(titles(&s.json("moved", &[])), ["Ferris <3 Atom"], "the redirect was followed");
    s.server.set("/flaky", Route::status(500));
    let (code, out, err) = s.run(&["sync"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("flaky: failed:") && err.contains("500"), "{err}");
    assert!(err.contains("the last copy is kept"), "{err}");
    assert!(out.contains("good: up to date") && out.contains("moved: up to date"), "{out}");
    assert_eq!(titles(&s.json("flaky", &[])), ["An RDF item"]);
}

#[test]
fn hostile_documents_are_read_safely() {
    let laughs = r#"<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>
<rss version="2.0"><channel><title>Laughs</title><item><title>Safe</title><guid>s1</guid><link>https://safe.example/</link></item><item><title>&h;</title><guid>l1</guid></item></channel></rss>"#;
    let external = r#"<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>XXE</title><item><title>Leak &x;</title><guid>x1</guid><link>https://x.example/</link><description>root:x:0:0</description></item></channel></rss>"#;
    let huge = "word ".repeat(250_000);
    let nasty = format!(
        "<rss version=\"2.0\"><channel><title>Nasty\u{1b}[2J</title>\
         <item><title>Clear \u{1b}]0;pwned\u{7} screen</title><guid>n1</guid><link>javascript:alert(1)</link>\
         <description><![CDATA[<script>alert(1)</script><style>x{{}}</style><p>Kept text</p>]]></description></item>\
         <item><title>Huge</title><guid>n2</guid><link>https://huge.example/</link><description>{huge}</description></item>\
         <item><title>Dated oddly</title><guid>n3</guid><link>https://d.example/</link><pubDate>2026-11-30 10:00:00</pubDate></item>\
         <item><title>No date</title><guid>n4</guid><link>https://nd.example/</link></item>\
         </channel></rss>"
    );
    let broken = "<rss version=\"2.0\"><channel><title>Broken</title><item><title>Whole</title><guid>b1</guid><link>https://b.example/1</link></item><item><title>Cut</title><guid>b2</guid><li";
    let s = Setup::new(
        vec![
            ("/laughs", Route::typed("application/rss+xml", laughs)),
            ("/xxe", Route::typed("application/rss+xml", external)),
            ("/nasty", Route::typed("application/rss+xml", nasty)),
            ("/broken", Route::typed("application/rss+xml", broken)),
            ("/page", Route::html("<html><body>not a feed</body></html>")),
        ],
        &[
            ("laughs", "/laughs"),
            ("xxe", "/xxe"),
            ("nasty", "/nasty"),
            ("broken", "/broken"),
            ("page", "/page"),
        ],
    );
    let (code, out, err) = s.run(&["sync"]);
    assert_eq!(code, 1, "the page is not a feed: {out}{err}");
    assert!(err.contains("page: failed: not a feed"), "{err}");
    assert!(out.contains("broken: 1 posts, first sync; its document is broken"), "{out}");
    assert_eq!(titles(&s.json("broken", &[])), ["Whole"]);
    // No entity is expanded, none read from a file.
    let mut laughs = titles(&s.json("laughs", &[]));
    laughs.sort();
    assert_eq!(laughs, ["&h;", "Safe"], "an entity of the document's own is left as written");
    assert_eq!(titles(&s.json("xxe", &[])), ["Leak &x;"]);
    for f in walk(&s.folder("laughs")).into_iter().chain(walk(&s.folder("xxe"))) {
        let text = std::fs::read_to_string(&f).expect("read");
        assert!(text.len() < 10_000, "an entity grew: {} bytes", text.len());
        assert!(!text.contains("root:x:0:0:"), "nothing read from /etc/passwd");
    }
    let nasty = s.json("nasty", &[]);
    for f in walk(&s.folder("nasty")) {
        let text = std::fs::read_to_string(&f).expect("read");
        assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "{text}");
        assert!(!text.contains("alert(1)") && !text.contains("javascript:"), "{text}");
        assert!(text.len() < 300_000, "a huge item is cut: {}", text.len());
    }
    let clear =
        nasty.iter().find(|p| p["title"].as_str().is_some_and(|t| t.starts_with("Clear"))).expect("kept");
    assert_eq!(clear["external_url"], "");
    assert_eq!(clear["summary"], "Kept text");
    let odd = nasty.iter().find(|p| p["title"] == "Dated oddly").expect("kept");
    assert!(odd["date"].as_str().is_some_and(|d| d.starts_with("2026-11-30")), "{odd}");
    let none = nasty.iter().find(|p| p["title"] == "No date").expect("kept");
    assert!(none["date"].is_string(), "first seen: {none}");
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    common::md_files(dir, &mut out);
    out
}

#[test]
fn opml_round_trip_and_feeds_add_finds_a_pages_feed() {
    let s = Setup::new(
        vec![
            (
                "/",
                Route::html(
                    "<html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/rss.xml\"></head></html>",
                ),
            ),
            ("/rss.xml", Route::typed("application/rss+xml", RSS2)),
        ],
        &[],
    );
    let (code, out, err) = s.run(&["feeds", "add", "rust", &s.server.url("/")]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&s.server.url("/rss.xml")), "{out}");
    let (code, out, err) = s.run(&["sync", "rust"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(s.json("rust", &[]).len(), 2);
    let opml = s.sandbox.root.join("list.opml");
    std::fs::write(
        &opml,
        format!(
            "<?xml version=\"1.0\"?><opml version=\"2.0\"><body><outline text=\"Tech\">\
             <outline text=\"Lobsters &amp; friends\" xmlUrl=\"https://lobste.rs/rss\"/>\
             <outline title=\"Again\" xmlUrl=\"{}\"/>\
             <outline text=\"Bad\" xmlUrl=\"javascript:alert(1)\"/></outline></body></opml>",
            s.server.url("/rss.xml")
        ),
    )
    .expect("write");
    let (code, out, err) = s.run(&["feeds", "import", &opml.to_string_lossy()]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out.trim(), "lobsters-friends\thttps://lobste.rs/rss");
    assert!(err.contains("1 feeds added, 2 skipped"), "{err}");
    let (_, exported, _) = s.run(&["feeds", "export"]);
    // What export wrote, imported into a fresh config, gives the same feeds.
    let other = Sandbox::new();
    other.write_config("");
    let file = other.root.join("out.opml");
    std::fs::write(&file, &exported).expect("write");
    let out = other.linkfeed().args(["feeds", "import", &file.to_string_lossy()]).output().expect("run");
    assert!(out.status.success());
    let feeds = |sb: &Sandbox| {
        let out = sb.linkfeed().arg("feeds").output().expect("run");
        let mut v: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.split('\t').take(3).collect::<Vec<_>>().join("\t"))
            .collect();
        v.sort();
        v
    };
    assert_eq!(feeds(&other), feeds(&s.sandbox));
}

#[test]
fn keep_days_prunes_items_gone_from_the_feed() {
    let s = Setup::new(vec![("/rss.xml", Route::typed("application/rss+xml", RSS2))], &[]);
    s.sandbox
        .write_config(&format!("[feeds.rust]\nurl = \"{}\"\nkeep_days = 30\n", s.server.url("/rss.xml")));
    assert_eq!(s.run(&["sync"]).0, 0);
    s.server.set("/rss.xml", Route::typed("application/rss+xml", RSS1));
    // Within 30 days of their dates, the items gone from the feed stay.
    let out =
        s.sandbox.linkfeed().env("LINKFEED_NOW", "2026-12-20T08:00:00Z").arg("sync").output().expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "rust: 1 new, 0 changed, 0 removed");
    // Past them, they go; the one still in the feed stays, however old.
    let out =
        s.sandbox.linkfeed().env("LINKFEED_NOW", "2027-06-01T08:00:00Z").arg("sync").output().expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "rust: 0 new, 0 changed, 2 removed");
    assert_eq!(titles(&s.json("rust", &[])), ["An RDF item"]);
    let e = s.sandbox.linkfeed().args(["feeds"]).output().expect("run");
    assert!(e.status.success());
    s.sandbox.write_config("[feeds.x]\ndir = \"/tmp\"\nkeep_days = 3\n");
    let e = s.sandbox.linkfeed().args(["feeds"]).output().expect("run");
    assert!(String::from_utf8_lossy(&e.stderr).contains("keep_days: that is for web feeds"), "{e:?}");
}
