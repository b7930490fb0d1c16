//! Times the pieces of a one-shot filter's index on a feed folder (with its
//! parse cache): the search index of the short fields, the text's key, and
//! the saved word index. `cargo run --release --example index_timing -- DIR`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]
use std::time::Instant;

fn main() {
    let Some(dir) = std::env::args().nth(1).map(std::path::PathBuf::from) else {
        eprintln!("usage: index_timing DIR");
        return;
    };
    let Ok(feed) = linkfeed::feed::load(
        &linkfeed::feed::Source::Dir(dir.clone()),
        &linkfeed::feed::LoadOptions::new(true, true),
    ) else {
        eprintln!("cannot load {}", dir.display());
        return;
    };
    let posts = feed.visible(false).posts;
    if let Ok(q) = std::env::var("LOOP_QUERY") {
        let key = linkfeed::search::saved::key(&posts);
        let Some(index) =
            linkfeed::cache::index_path_for(&dir).and_then(|p| linkfeed::search::saved::load(&p, key))
        else {
            eprintln!("no saved index fits");
            return;
        };
        let q = linkfeed::search::Query::parse(&q);
        let m = linkfeed::search::Matcher::default();
        if let Ok(w) = std::env::var("WARM_QUERY") {
            let t = Instant::now();
            std::hint::black_box(m.filter_within(&linkfeed::search::Query::parse(&w), &posts, &index, None));
            eprintln!("warm-up query {w:?}: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
        }
        let mut times = Vec::new();
        for _ in 0..30 {
            let t = Instant::now();
            std::hint::black_box(m.filter_within(&q, &posts, &index, None));
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let first = times[0];
        times.sort_by(f64::total_cmp);
        eprintln!(
            "filter, 30 runs: first {:.1} ms, median {:.1} ms, min {:.1} ms",
            first, times[15], times[0]
        );
        return;
    }
    for _ in 0..3 {
        let t = Instant::now();
        let index = linkfeed::search::Index::new(&posts);
        let hays = t.elapsed();
        let t = Instant::now();
        let key = linkfeed::search::saved::key(&posts);
        let keyed = t.elapsed();
        let t = Instant::now();
        let words =
            linkfeed::cache::index_path_for(&dir).and_then(|p| linkfeed::search::saved::load(&p, key));
        let loaded = t.elapsed();
        let q = linkfeed::search::Query::parse("kube sec");
        let m = linkfeed::search::Matcher::default();
        let (mut loaded_filter, mut b) = (std::time::Duration::ZERO, 0);
        if let Some(w) = &words {
            let t = Instant::now();
            b = m.filter_within(&q, &posts, w, None).len();
            loaded_filter = t.elapsed();
        }
        let t = Instant::now();
        let a = m.filter_within(&q, &posts, &index, None).len();
        let scanned = t.elapsed();
        eprintln!(
            "'kube sec': {a} matches in {:.1} ms scanning the text, {b} in {:.1} ms with the saved index",
            scanned.as_secs_f64() * 1e3,
            loaded_filter.as_secs_f64() * 1e3
        );
        eprintln!(
            "search index built {:.1} ms, key {:.1} ms, saved index read {:.1} ms ({}), {} posts",
            hays.as_secs_f64() * 1e3,
            keyed.as_secs_f64() * 1e3,
            loaded.as_secs_f64() * 1e3,
            if words.is_some() { "fits" } else { "none fits" },
            index.len()
        );
    }
}
