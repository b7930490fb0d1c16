//! Per-keystroke filter timings at scale, with fzf measured beside them.
//!
//! `cargo run --release --example bench_filter -- 100000 [LINES_FILE]`
//!
//! Builds N synthetic posts in memory, then types each query one key at a
//! time into the reader's state (exactly what the TUI does on a keystroke:
//! `App::update`), timing every keystroke. With a lines file (written by
//! `gen_corpus`), also times `fzf --filter QUERY` on it, the reference.

use linkfeed::app::{Action, App};
use linkfeed::keys::{Cmd, Input};
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
    let feed = linkfeed::synth::feed(n);
    eprintln!("built {} posts in {} ms", feed.posts.len(), ms(t.elapsed()));
    let t = Instant::now();
    let mut app = App::new(feed, "bench".into());
    eprintln!("App::new in {} ms", ms(t.elapsed()));
    app.update(Action::Resize(120, 40));
    println!("| query | keystrokes | median ms | max ms | matches | fzf --filter ms (median of 5) | ratio |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    let mut all = Vec::new();
    for q in QUERIES {
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
            let m = app.matches.len();
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
        println!(
            "| `{q}` | {} | {} | {} | {matches} | {fzf} | {ratio} |",
            q.chars().count(),
            ms(med),
            ms(max)
        );
    }
    let max = all.iter().max().copied().unwrap_or_default();
    println!("\nall {} keystrokes: median {} ms, max {} ms", all.len(), ms(median(all)), ms(max));
}
