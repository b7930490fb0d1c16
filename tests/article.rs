//! Reader mode's fetching, extraction and cache, end to end through the
//! binary (`linkfeed article`, `linkfeed fetch`), against a web server the
//! test starts on 127.0.0.1: no test sends traffic anywhere else.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod common;

use common::Sandbox;
use common::http::{Route, Server};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn page(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pages").join(name))
        .expect("a test page")
}

/// A sandbox whose config lets reader mode fetch from 127.0.0.1.
fn allowed() -> Sandbox {
    let s = Sandbox::new();
    s.write_config("fetch_private_addresses = true\n");
    s
}

/// `linkfeed article ARGS` in `s`: (exit code, stdout, stderr).
fn article(s: &Sandbox, args: &[&str]) -> (i32, String, String) {
    let out = s.linkfeed().arg("article").args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Whether `needles` all occur in `hay`, in this order.
fn in_order(hay: &str, needles: &[&str]) -> bool {
    let mut at = 0;
    for n in needles {
        match hay[at..].find(n) {
            Some(i) => at += i + n.len(),
            None => return false,
        }
    }
    true
}

const NEWS_JUNK: &[&str] = &[
    "TRACKING_SNIPPET",
    "Accept all cookies",
    "ADVERTISEMENT",
    "Refinance",
    "RELATED-LINK",
    "COMMENT-TEXT",
    "riverrat77",
    "FOOTER-TEXT",
    "SCRIPT-BODY-TEXT",
    "Subscribe for one dollar",
];

#[test]
fn an_article_comes_out_as_its_own_paragraphs_in_order_without_the_page_around_it() {
    let server = Server::start(vec![
        ("/news", Route::html(page("news-article.html"))),
        ("/blog", Route::html(page("blog-post.html"))),
    ]);
    let s = allowed();
    let (code, out, err) = article(&s, &[&server.url("/news")]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("# City council approves the riverside bike network\n"), "{out}");
    assert!(out.contains("The Morning Ledger") && out.contains("words"), "{out}");
    let paras = [
        "ALPHA-PARA",
        "BRAVO-PARA",
        "BRAVO2-PARA",
        "CHARLIE-PARA",
        "DELTA-QUOTE",
        "ECHO-PARA",
        "FOXTROT-PARA",
        "GOLF-PARA",
    ];
    assert!(in_order(&out, &paras), "{out}");
    for junk in NEWS_JUNK {
        assert!(!out.contains(junk), "{junk} in:\n{out}");
    }
    let (code, out, err) = article(&s, &[&server.url("/blog")]);
    assert_eq!(code, 0, "{err}");
    assert!(
        in_order(
            &out,
            &[
                "ONE-PARA",
                "TWO-PARA",
                "THREE-PARA",
                "sha256(sources + toolchain)",
                "FOUR-PARA",
                "FIVE-PARA",
                "SIX-PARA"
            ]
        ),
        "{out}"
    );
    for junk in ["SIDEBAR-TEXT", "NEWSLETTER-TEXT", "DISQUS-COMMENT", "BLOG-FOOTER", "BLOG-SCRIPT"] {
        assert!(!out.contains(junk), "{junk} in:\n{out}");
    }
    // The program says who it is.
    let ua = &server.requests_for("/news")[0].headers["user-agent"];
    assert!(ua.starts_with("linkfeed/"), "{ua}");
    // Kept: read again with the server gone (offline), the same text.
    let again_url = server.url("/news");
    drop(server);
    std::thread::sleep(Duration::from_millis(50));
    let (code, again, err) = article(&s, &[&again_url]);
    assert_eq!(code, 0, "{err}");
    assert!(in_order(&again, &paras), "{again}");
}

#[test]
fn a_page_in_latin1_is_read_in_the_charset_it_names() {
    let server = Server::start(vec![("/fr", Route::html(page("latin1.html")))]);
    let (code, out, err) = article(&allowed(), &[&server.url("/fr")]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Les cafés de la rive gauche"), "{out}");
    assert!(out.contains("crème brûlée") && out.contains("bibliothèque"), "{out}");
    assert!(!out.contains('\u{fffd}'), "{out}");
    assert!(in_order(&out, &["PARA-1 ", "PARA-2 ", "PARA-8 "]), "{out}");
}

#[test]
fn a_saved_page_and_a_post_file_work_too() {
    let server = Server::start(vec![("/blog", Route::html(page("blog-post.html")))]);
    let s = allowed();
    let dir = tempfile::tempdir().expect("tmp");
    let saved = dir.path().join("saved.html");
    std::fs::write(&saved, page("news-article.html")).expect("write");
    let (code, out, err) = article(&s, &[&saved.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    assert!(in_order(&out, &["ALPHA-PARA", "GOLF-PARA"]), "{out}");
    let post = dir.path().join("post.md");
    std::fs::write(&post, format!("---\ntitle: A post\nexternal_url: {}\n---\n", server.url("/blog")))
        .expect("write");
    let (code, out, err) = article(&s, &[&post.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ONE-PARA"), "{out}");
}

#[test]
fn every_failure_is_one_clear_line() {
    let big = format!("<html><body><p>{}</p></body></html>", "x".repeat(10 * 1024 * 1024));
    let server = Server::start(vec![
        ("/login", Route::html(page("not-an-article.html"))),
        ("/gone", Route::status(404)),
        ("/loop-a", Route::redirect("/loop-b")),
        ("/loop-b", Route::redirect("/loop-a")),
        ("/big", Route::html(big)),
        ("/broken", Route::status(500)),
    ]);
    let s = allowed();
    for (path, says) in [
        ("/login", "not an article: "),
        ("/gone", "the server answered 404 Not Found"),
        ("/loop-a", "more than 5 redirects"),
        ("/big", "the page is over 5 MiB"),
        ("/broken", "the server answered 500 Internal Server Error"),
    ] {
        let (code, out, err) = article(&s, &[&server.url(path)]);
        assert_eq!(code, 1, "{path}: {out}");
        assert!(out.is_empty(), "{path}: {out}");
        assert_eq!(err.lines().count(), 1, "{path}: {err}");
        assert!(err.contains(says), "{path}: {err}");
    }
    let (_, _, err) = article(&s, &[&server.url("/login")]);
    // In the command line's words: no reader key (issue 36).
    assert!(err.contains("words extracted; open it in a browser"), "{err}");
    assert!(!err.contains("`o`"), "{err}");
    // A redirect loop stops after 5 redirects: 6 requests at most.
    let hops = server.requests_for("/loop-a").len() + server.requests_for("/loop-b").len();
    assert!(hops <= 6, "{hops} requests");
}

#[test]
fn a_server_that_never_answers_times_out_after_20_seconds() {
    let server = Server::start(vec![(
        "/slow",
        Route::html(page("news-article.html")).delayed(Duration::from_secs(40)),
    )]);
    let (code, _, err) = article(&allowed(), &[&server.url("/slow")]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("timed out after 20 s"), "{err}");
}

#[test]
fn private_addresses_are_refused_before_any_connection() {
    let server = Server::start(vec![("/news", Route::html(page("news-article.html")))]);
    let s = Sandbox::new();
    for url in [server.url("/news"), format!("http://localhost:{}/news", server.port)] {
        let (code, out, err) = article(&s, &[&url]);
        assert_eq!(code, 1, "{url}: {out}");
        assert!(err.contains("refused: ") && err.contains("is a loopback address"), "{url}: {err}");
    }
    assert_eq!(server.connections(), 0, "a refused host was connected to");
    // Allowed in the config, the same address is fetched.
    let (code, _, err) = article(&allowed(), &[&server.url("/news")]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(server.connections(), 1);
}

#[test]
fn a_kept_article_is_revalidated_with_its_etag_and_cache_clear_removes_it() {
    let server = Server::start(vec![("/news", Route::html(page("news-article.html")).with_etag("\"v1\""))]);
    let s = allowed();
    let (code, first, _) = article(&s, &[&server.url("/news")]);
    assert_eq!(code, 0);
    let (code, again, err) = article(&s, &["--refresh", &server.url("/news")]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(again, first);
    let asked = server.requests_for("/news");
    assert_eq!(asked.len(), 2);
    assert_eq!(asked[1].headers.get("if-none-match").map(String::as_str), Some("\"v1\""));
    let kept = s.cache().join("linkfeed/articles");
    assert_eq!(std::fs::read_dir(&kept).expect("articles folder").count(), 1);
    let out = s.linkfeed().args(["cache", "clear"]).output().expect("runs");
    assert!(out.status.success());
    assert!(!kept.exists());
}

/// 200 posts whose links go to pages that answer, fail, redirect, wait or
/// are no articles; `fetch` names what became of each; a second run
/// fetches nothing new.
#[test]
fn fetch_gets_every_article_or_names_its_failure_and_a_second_run_fetches_nothing_new() {
    let text = |i: usize| {
        let p = format!(
            "<p>Story {i} goes on about the matter at hand, with enough words to count as prose and then some more words that keep it going for a while longer.</p>"
        );
        format!(
            "<html><head><title>Story {i}</title></head><body><nav>Home</nav><article><h1>Story {i}</h1>{}</article></body></html>",
            p.repeat(8)
        )
    };
    let mut routes = Vec::new();
    let mut expect_ok = 0;
    let paths: Vec<String> = (0..200).map(|i| format!("/p/{i}")).collect();
    for (i, path) in paths.iter().enumerate() {
        let route = match i % 10 {
            0 => Route::status(404),
            1 => Route::redirect(&format!("/target/{i}")),
            2 => Route::html(page("not-an-article.html")),
            3 => Route::html(text(i)).delayed(Duration::from_millis(100)),
            4 if i % 20 == 4 => Route::status(500),
            _ => Route::html(text(i)),
        };
        if matches!(i % 10, 1 | 3 | 5..=9) || (i % 10 == 4 && i % 20 != 4) {
            expect_ok += 1;
        }
        routes.push((path.as_str(), route));
    }
    let targets: Vec<(String, Route)> =
        (0..200).filter(|i| i % 10 == 1).map(|i| (format!("/target/{i}"), Route::html(text(i)))).collect();
    routes.extend(targets.iter().map(|(p, r)| (p.as_str(), r.clone())));
    let server = Server::start(routes);
    let feed = tempfile::tempdir().expect("tmp");
    for i in 0..200 {
        std::fs::write(
            feed.path().join(format!("post-{i:03}.md")),
            format!(
                "---\ntitle: Post {i}\ndate: 2026-11-{:02}\nexternal_url: {}\n---\n",
                1 + i % 28,
                server.url(&format!("/p/{i}"))
            ),
        )
        .expect("write post");
    }
    let s = allowed();
    // Exit 0 when a page was fetched; 1 when every page tried failed.
    let run = |ok: bool| {
        let out = s.linkfeed().args(["fetch", "-q", ""]).arg(feed.path()).output().expect("runs");
        assert_eq!(out.status.success(), ok, "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let first = run(true);
    let lines: Vec<&str> = first.lines().collect();
    // A line per page, then the summary.
    assert_eq!(lines.len(), 201, "{first}");
    let fetched = lines.iter().filter(|l| l.starts_with("fetched\t")).count();
    let failed = lines.iter().filter(|l| l.starts_with("failed\t")).count();
    assert_eq!((fetched, failed), (expect_ok, 200 - expect_ok), "{first}");
    for l in lines.iter().filter(|l| l.starts_with("failed\t")) {
        assert!(l.split('\t').nth(2).is_some_and(|why| !why.is_empty()), "{l}");
    }
    let summary = lines[200];
    assert!(
        summary.starts_with(&format!("fetched {expect_ok}, kept already 0, failed {}", 200 - expect_ok)),
        "{summary}"
    );
    assert!(
        summary.contains("the server answered 404 Not Found: 20") && summary.contains("not an article: 20"),
        "{summary}"
    );
    // `has:article` finds the posts whose article is kept, and only those.
    let count = |q: &str| {
        let out = s.linkfeed().args(["list", "-q", q]).arg(feed.path()).output().expect("runs");
        String::from_utf8_lossy(&out.stdout).lines().count()
    };
    assert_eq!(count("has:article"), expect_ok);
    assert_eq!(count("-has:article"), 200 - expect_ok);
    // A word only the articles hold finds the posts whose article is kept.
    assert_eq!(count("matter"), expect_ok);
    assert_eq!(count("'prose"), expect_ok);
    let asked = server.requests.lock().expect("lock").len();
    // Only the failed ones are tried again, and fail again: exit 1.
    let second = run(false);
    let last = second.lines().last().unwrap_or_default();
    assert!(
        last.starts_with(&format!("fetched 0, kept already {expect_ok}, failed {}", 200 - expect_ok)),
        "{second}"
    );
    // Only the failed ones were asked for again.
    let asked_again = server.requests.lock().expect("lock").len() - asked;
    assert_eq!(asked_again, 200 - expect_ok, "{second}");
}

/// `prefetch = true`: `linkfeed sync` also fetches the unread posts'
/// articles of the feed it synced, and says how it went; without it, a
/// sync fetches nothing.
#[test]
fn prefetch_fetches_the_unread_articles_after_a_sync() {
    let server = Server::start(vec![
        ("/news", Route::html(page("news-article.html"))),
        ("/blog", Route::html(page("blog-post.html"))),
        ("/login", Route::html(page("not-an-article.html"))),
    ]);
    let s = Sandbox::new();
    let repo = s.root.join("remote");
    std::fs::create_dir_all(&repo).expect("mkdir");
    common::git_in(&repo, &["init", "-q", "-b", "main"]);
    for (name, path) in [("a.md", "/news"), ("b.md", "/blog"), ("c.md", "/login")] {
        let text =
            format!("---\ntitle: Post {name}\ndate: 2026-11-20\nexternal_url: {}\n---\n", server.url(path));
        std::fs::write(repo.join(name), text).expect("post");
    }
    common::git_in(&repo, &["add", "-A"]);
    common::git_in(&repo, &["commit", "-q", "-m", "posts"]);
    let feeds = format!("[feeds.news]\ngit = \"file://{}\"\n", repo.display());
    s.write_config(&format!("fetch_private_addresses = true\n{feeds}"));
    let out = s.linkfeed().arg("sync").output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("articles"));
    assert_eq!(server.connections(), 0, "nothing is fetched unless asked");
    s.write_config(&format!("fetch_private_addresses = true\nprefetch = true\n{feeds}"));
    let out = s.linkfeed().arg("sync").output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.contains("news: articles: fetched 2, kept already 0, failed 1 (not an article: 1)"),
        "{stdout}"
    );
    let list = s.linkfeed().args(["list", "-f", "news", "-q", "has:article"]).output().expect("runs");
    assert_eq!(String::from_utf8_lossy(&list.stdout).lines().count(), 2);
}

/// Ctrl-C in the middle of `fetch`: every article kept is whole (each file
/// is written beside and renamed in), and the next run fetches the rest.
#[test]
fn an_interrupted_fetch_leaves_no_torn_article_and_the_next_run_finishes() {
    let routes: Vec<(String, Route)> = (0..12)
        .map(|i| (format!("/s/{i}"), Route::html(page("blog-post.html")).delayed(Duration::from_millis(150))))
        .collect();
    let server = Server::start(routes.iter().map(|(p, r)| (p.as_str(), r.clone())).collect());
    let feed = tempfile::tempdir().expect("tmp");
    for i in 0..12 {
        let text = format!(
            "---\ntitle: Post {i}\ndate: 2026-11-01\nexternal_url: {}\n---\n",
            server.url(&format!("/s/{i}"))
        );
        std::fs::write(feed.path().join(format!("p{i}.md")), text).expect("post");
    }
    let s = allowed();
    let mut child = s.linkfeed().args(["fetch", "-q", ""]).arg(feed.path()).spawn().expect("starts");
    std::thread::sleep(Duration::from_millis(700));
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill");
    assert!(status.success());
    let _ = child.wait();
    let kept = s.cache().join("linkfeed/articles");
    let files: Vec<_> =
        std::fs::read_dir(&kept).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    let whole: Vec<_> = files.iter().filter(|p| p.extension().is_some_and(|x| x == "json")).collect();
    assert!(!whole.is_empty() && whole.len() < 12, "{} kept before Ctrl-C", whole.len());
    for f in &whole {
        let a: serde_json::Value =
            serde_json::from_slice(&std::fs::read(f).expect("read")).expect("a whole article");
        assert!(a["markdown"].as_str().is_some_and(|m| m.contains("SIX-PARA")), "{}", f.display());
    }
    let out = s.linkfeed().args(["fetch", "-q", ""]).arg(feed.path()).output().expect("runs");
    let last = String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or_default().to_string();
    assert_eq!(last, format!("fetched {}, kept already {}, failed 0", 12 - whole.len(), whole.len()));
}

/// `article_cache_mb` bounds the kept articles: over it, the oldest go.
#[test]
fn the_article_cache_keeps_within_its_limit_oldest_out_first() {
    let server = Server::start(vec![
        ("/news", Route::html(page("news-article.html"))),
        ("/blog", Route::html(page("blog-post.html"))),
    ]);
    let s = Sandbox::new();
    // 0 MiB: room for the newest article alone.
    s.write_config("fetch_private_addresses = true\narticle_cache_mb = 0\n");
    let kept = s.cache().join("linkfeed/articles");
    let count = || std::fs::read_dir(&kept).map(|d| d.count()).unwrap_or(0);
    assert_eq!(article(&s, &[&server.url("/news")]).0, 0);
    assert_eq!(count(), 1);
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(article(&s, &[&server.url("/blog")]).0, 0);
    assert_eq!(count(), 1, "the older article made room");
    // The one kept is the newest: read offline with the server gone.
    let (news, blog) = (server.url("/news"), server.url("/blog"));
    drop(server);
    std::thread::sleep(Duration::from_millis(50));
    let (code, out, _) = article(&s, &[&blog]);
    assert_eq!(code, 0);
    assert!(out.contains("ONE-PARA"));
    assert_eq!(article(&s, &[&news]).0, 1, "the evicted one is gone");
}

/// A page sent gzip-compressed (ureq asks for it) is read as its text.
#[test]
fn a_gzipped_page_is_read() {
    use std::io::Write;
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&page("blog-post.html")).expect("gzip");
    let body = z.finish().expect("gzip");
    let mut route = Route::html(body);
    route.headers.push(("Content-Encoding".into(), "gzip".into()));
    let server = Server::start(vec![("/gz", route)]);
    let (code, out, err) = article(&allowed(), &[&server.url("/gz")]);
    assert_eq!(code, 0, "{err}");
    assert!(in_order(&out, &["ONE-PARA", "SIX-PARA"]), "{out}");
    let asked = &server.requests_for("/gz")[0].headers;
    assert!(asked.get("accept-encoding").is_some_and(|e| e.contains("gzip")), "{asked:?}");
}

/// Issue 42: a PDF sent as `text/html`, and random bytes sent without a
/// content type, are not pages: refused with what they are, nothing kept.
#[test]
fn binary_sent_as_a_page_is_refused() {
    let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".to_vec();
    let noise: Vec<u8> = (0..50_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let server = Server::start(vec![
        ("/paper", Route::html(pdf)),
        ("/noise", Route { status: 200, body: noise, ..Route::default() }),
    ]);
    let s = allowed();
    for path in ["/paper", "/noise"] {
        let (code, out, err) = article(&s, &[&server.url(path)]);
        assert_ne!(code, 0, "{path}: {out}");
        assert!(err.contains("not a web page: the server sent"), "{path}: {err}");
        assert!(!out.contains('\u{fffd}'), "{path}: {out}");
    }
    let (_, out, err) = article(&s, &[&server.url("/paper")]);
    assert!(err.contains("a PDF") && out.is_empty(), "{err}");
}

/// Issue 42: an article fetched when the cache cannot be written (a full
/// disk; here the cache folder is a file) is shown all the same; `fetch`,
/// whose point is keeping, counts it as failed and exits 1.
#[test]
fn an_article_that_cannot_be_kept_is_shown_and_fetch_says_so() {
    let server = Server::start(vec![("/news", Route::html(page("news-article.html")))]);
    let s = allowed();
    std::fs::write(s.cache(), b"not a folder").unwrap();
    let (code, out, err) = article(&s, &[&server.url("/news")]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ALPHA-PARA"), "{out}");
    let feed = s.root.join("feed");
    std::fs::create_dir_all(&feed).unwrap();
    std::fs::write(
        feed.join("a.md"),
        format!("---\ntitle: A\ndate: 2026-11-01\nexternal_url: {}\n---\n", server.url("/news")),
    )
    .unwrap();
    let out = s.linkfeed().args(["fetch", "--no-cache", "-q", ""]).arg(&feed).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("not kept"), "{text}");
}
