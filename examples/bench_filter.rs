//! Per-keystroke filter timings at scale, with fzf measured beside them.
//!
//! `cargo run --release --example bench_filter -- 100000 [LINES_FILE]`
//! (`MUTES=1`: with five mute rules on)
//!
//! Builds N synthetic posts in memory, then types each query one key at a
//! time into the reader's state (exactly what the TUI does on a keystroke:
//! `App::update`), timing every keystroke. With a lines file (written by
//! `gen_corpus`), also times `fzf --filter QUERY` on it, the reference.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

#[path = "../benches/support/synth.rs"]
mod synth;

use linkfeed::app::keys::{Cmd, Input};
use linkfeed::app::{Action, App};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const QUERIES: &[&str] = &["kube", "kube sec", "rust async", "cncf gateway", "#gateway envoy"];

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let lines = args.next();
    let t = Instant::now();
    let feed = synth::feed(n);
    eprintln!("built {} posts in {} ms", feed.posts.len(), ms(t.elapsed()));
    // The alternative measured beside fuzzy-matcher: nucleo-matcher (helix's
    // fzf-style matcher) over the same one-line haystacks fzf gets.
    let hay: Vec<nucleo_matcher::Utf32String> = feed
        .posts
        .iter()
        .map(|p| {
            let tags: Vec<String> = p.tags.iter().map(|t| format!("#{t}")).collect();
            format!("{} {} {}", p.title, tags.join(" "), p.source).as_str().into()
        })
        .collect();
    // The one-shot filter `list -q` does: the index built, then one pass
    // (ONESHOT=1 prints it for a few queries).
    if let Some(v) = std::env::var_os("ONESHOT") {
        let rounds: usize = v.to_str().and_then(|v| v.parse().ok()).unwrap_or(1);
        let queries: Vec<String> = std::env::var("ONESHOT_QUERIES")
            .map(|v| v.split(',').map(String::from).collect())
            .unwrap_or_else(|_| vec!["zzzz".into(), "kube sec".into(), "sec".into()]);
        for q in queries.iter().flat_map(|q| std::iter::repeat_n(q.as_str(), rounds)) {
            let t = Instant::now();
            let index = if std::env::var_os("ONESHOT_TEXT").is_some() {
                linkfeed::search::Index::with_text(&feed.posts)
            } else {
                linkfeed::search::Index::new(&feed.posts)
            };
            let built = t.elapsed();
            let query = linkfeed::search::Query::parse(q);
            let m = linkfeed::search::Matcher::default().filter_within(&query, &feed.posts, &index, None);
            eprintln!(
                "one-shot {q}: index {} ms, filter {} ms, {} matches",
                ms(built),
                ms(t.elapsed() - built),
                m.len()
            );
        }
    }
    let t = Instant::now();
    let mut app = App::new(feed, "bench".into());
    eprintln!("App::new in {} ms", ms(t.elapsed()));
    app.update(Action::Resize(120, 40));
    // MUTES=1: five mute rules on (a tag, two sources, a word, one with an
    // `until`), as `[mute]` would set them.
    if std::env::var_os("MUTES").is_some() {
        let rule = |q: &str, until: Option<&str>| linkfeed::search::mute::Rule {
            name: q.into(),
            query: q.into(),
            until: until.map(str::to_string),
            by_key: false,
        };
        let rules = vec![
            rule("#kubeflow", None),
            rule("source:lwn", None),
            rule("source:\"Cloudflare Blog\"", Some("2999-01-01")),
            rule("#kubectl -source:cncf", None),
            rule("outage", None),
        ];
        let t = Instant::now();
        app.update(Action::Settings(Box::new(linkfeed::app::Settings {
            mutes: rules,
            ..Default::default()
        })));
        eprintln!("five mute rules applied in {} ms: {} posts muted", ms(t.elapsed()), app.muted_count());
    }
    // As the reader does when idle after its first frame.
    let t = Instant::now();
    let mut calls = 0;
    let mut longest = Duration::ZERO;
    while app.needs_warm_up() {
        let t = Instant::now();
        app.update(Action::Idle);
        if t.elapsed() > Duration::from_millis(40) {
            eprintln!("warm_up call {calls}: {} ms", ms(t.elapsed()));
        }
        longest = longest.max(t.elapsed());
        calls += 1;
    }
    eprintln!(
        "warm_up (search index, tags, word index of the text) in {} ms, {calls} calls, the longest {} ms",
        ms(t.elapsed()),
        ms(longest)
    );
    println!(
        "| query | keystrokes | median ms | max ms | matches | fzf --filter ms (median of 5) | ratio | nucleo median ms | nucleo max ms |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    let mut all = Vec::new();
    // QUERIES="a,b" measures other queries.
    let custom: Option<Vec<String>> =
        std::env::var("QUERIES").ok().map(|v| v.split(',').map(String::from).collect());
    let queries: Vec<&str> = match &custom {
        Some(c) => c.iter().map(String::as_str).collect(),
        None => QUERIES.to_vec(),
    };
    for q in &queries {
        let mut times = Vec::new();
        for _round in 0..5 {
            app.update(Action::Key(Input::Cmd(Cmd::StartFilter)));
            for c in q.chars() {
                let t = Instant::now();
                app.update(Action::Key(Input::Char(c)));
                times.push(t.elapsed());
            }
            app.update(Action::Key(Input::Cmd(Cmd::ClearFilter)));
        }
        let matches = {
            app.update(Action::Key(Input::Cmd(Cmd::StartFilter)));
            for c in q.chars() {
                app.update(Action::Key(Input::Char(c)));
            }
            let m = app.matches().len();
            app.update(Action::Key(Input::Cmd(Cmd::ClearFilter)));
            m
        };
        if std::env::var_os("VERBOSE").is_some() {
            let last: Vec<String> = times[times.len() - q.chars().count()..].iter().map(|d| ms(*d)).collect();
            eprintln!("{q}: {}", last.join(" "));
        }
        let med = median(times.clone());
        let max = times.iter().max().copied().unwrap_or_default();
        all.extend(times);
        let (fzf, ratio) = match &lines {
            Some(path) => {
                let runs: Vec<Duration> = (0..5)
                    .map(|_| {
                        let t = Instant::now();
                        let ok = Command::new("fzf")
                            .args(["--filter", q])
                            .stdin(std::fs::File::open(path).expect("lines file"))
                            .stdout(Stdio::null())
                            .status()
                            .is_ok();
                        assert!(ok, "fzf runs");
                        t.elapsed()
                    })
                    .collect();
                let f = median(runs);
                (ms(f), format!("{:.2}", med.as_secs_f64() / f.as_secs_f64()))
            }
            None => ("-".into(), "-".into()),
        };
        let nucleo = nucleo_keystrokes(&hay, q);
        println!(
            "| `{q}` | {} | {} | {} | {matches} | {fzf} | {ratio} | {} | {} |",
            q.chars().count(),
            ms(med),
            ms(max),
            ms(median(nucleo.clone())),
            ms(nucleo.iter().max().copied().unwrap_or_default())
        );
    }
    let max = all.iter().max().copied().unwrap_or_default();
    println!("\nall {} keystrokes: median {} ms, max {} ms", all.len(), ms(median(all)), ms(max));
}

/// Each keystroke of `q` as a full scan with nucleo-matcher on one thread:
/// score every line, keep the matches, sort them by score.
fn nucleo_keystrokes(lines: &[nucleo_matcher::Utf32String], q: &str) -> Vec<Duration> {
    use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
    let mut matcher = nucleo_matcher::Matcher::new(nucleo_matcher::Config::DEFAULT);
    let mut times = Vec::new();
    for _round in 0..3 {
        for end in q.char_indices().map(|(i, c)| i + c.len_utf8()) {
            let t = Instant::now();
            let pattern = Pattern::parse(&q[..end], CaseMatching::Smart, Normalization::Smart);
            let mut hits: Vec<(u32, usize)> = lines
                .iter()
                .enumerate()
                .filter_map(|(i, l)| pattern.score(l.slice(..), &mut matcher).map(|s| (s, i)))
                .collect();
            hits.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            std::hint::black_box(&hits);
            times.push(t.elapsed());
        }
    }
    times
}
