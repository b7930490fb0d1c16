//! `cargo run --release --example bench_web_sync -- [FEEDS] [ITEMS] [RUNS]`
//! (default 50 feeds of 100 items, 5 runs): serves FEEDS RSS 2.0 documents
//! of ITEMS items each from a server on 127.0.0.1 started here, and times
//! whole `linkfeed sync` processes in a sandbox of their own: the first
//! sync (every item written), a second one where every feed answers 304,
//! and one where each feed has one new item and no validators (every
//! document read again). Then `linkfeed -f feed-0 list` against `linkfeed
//! list` on a plain copy of the same folder. Medians, milliseconds.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

#[path = "../tests/common/http.rs"]
#[allow(dead_code, reason = "the tests' server: not every part is used here")]
mod http;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn document(feed: usize, items: usize, extra: bool) -> String {
    let mut doc = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>Feed {feed}</title>"
    );
    let n = if extra { items + 1 } else { items };
    for i in 0..n {
        let day = 1 + i % 28;
        doc.push_str(&format!(
            "<item><title>Item {i} of feed {feed}: a headline of some length</title><link>https://f{feed}.example/{i}</link>\
             <guid>f{feed}-{i}</guid><pubDate>{day:02} Nov 2026 10:00:00 GMT</pubDate><category>tag{}</category>\
             <description><![CDATA[<p>A summary of item {i}, with <a href=\"https://x.example/{i}\">a link</a> and words.</p>]]></description>\
             <content:encoded><![CDATA[<p>The body of item {i}.</p><p>Another paragraph with more words to read.</p>]]></content:encoded></item>",
            i % 7
        ));
    }
    doc.push_str("</channel></rss>");
    doc
}

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1000.0
}

fn run(root: &Path, args: &[&str]) -> Duration {
    let t = Instant::now();
    // target/release/examples/bench_web_sync -> target/release/linkfeed
    let exe = std::env::current_exe().expect("own path");
    let bin = exe.parent().and_then(Path::parent).expect("target folder").join("linkfeed");
    let out = Command::new(bin)
        .args(args)
        .env("HOME", root.join("home"))
        .env("XDG_CONFIG_HOME", root.join("config"))
        .env("XDG_CACHE_HOME", root.join("cache"))
        .env("XDG_DATA_HOME", root.join("data"))
        .env("XDG_STATE_HOME", root.join("state"))
        .env_remove("LINKFEED_DIR")
        .output()
        .expect("run linkfeed");
    let took = t.elapsed();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    took
}

fn main() {
    let arg = |i: usize, d: usize| std::env::args().nth(i).and_then(|a| a.parse().ok()).unwrap_or(d);
    let (feeds, items, runs) = (arg(1, 50), arg(2, 100), arg(3, 5));
    let routes: Vec<(String, http::Route)> = (0..feeds)
        .map(|f| {
            let r = http::Route::typed("application/rss+xml", document(f, items, false))
                .with_etag(&format!("\"{f}\""));
            (format!("/feed-{f}.xml"), r)
        })
        .collect();
    let server = http::Server::start(routes.iter().map(|(p, r)| (p.as_str(), r.clone())).collect());
    let (mut first, mut unchanged, mut changed, mut web_list, mut dir_list) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        for (p, r) in &routes {
            server.set(p, r.clone());
        }
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path();
        let config = root.join("config/linkfeed");
        std::fs::create_dir_all(&config).expect("mkdir");
        let mut text = String::new();
        for f in 0..feeds {
            text.push_str(&format!(
                "[feeds.feed-{f}]\nurl = \"{}\"\n",
                server.url(&format!("/feed-{f}.xml"))
            ));
        }
        std::fs::write(config.join("config.toml"), text).expect("config");
        first.push(run(root, &["sync"]));
        unchanged.push(run(root, &["sync"]));
        for f in 0..feeds {
            server.set(
                &format!("/feed-{f}.xml"),
                http::Route::typed("application/rss+xml", document(f, items, true)),
            );
        }
        changed.push(run(root, &["sync"]));
        let folder = root.join("data/linkfeed/feeds/feed-0/current");
        let copy = root.join("copy");
        std::fs::create_dir_all(&copy).expect("mkdir");
        for e in std::fs::read_dir(&folder).expect("folder").flatten() {
            std::fs::copy(e.path(), copy.join(e.file_name())).expect("copy");
        }
        let copy = copy.to_string_lossy().into_owned();
        // Each once to fill its cache, then timed.
        run(root, &["-f", "feed-0", "list"]);
        run(root, &["list", &copy]);
        web_list.push(run(root, &["-f", "feed-0", "list"]));
        dir_list.push(run(root, &["list", &copy]));
    }
    println!("{feeds} feeds of {items} items, {runs} runs, medians:");
    println!("| first sync (every item written) | {:.0} ms |", median(first));
    println!("| second sync (every feed 304) | {:.0} ms |", median(unchanged));
    println!("| one new item in each feed, no validators | {:.0} ms |", median(changed));
    println!("| `list` of one web feed ({} posts) | {:.1} ms |", items + 1, median(web_list));
    println!("| `list` of a plain copy of its folder | {:.1} ms |", median(dir_list));
}
