//! criterion benches: parse one post, load 10k, filter per keystroke at
//! 10k/100k, render one frame at 100/10k/100k posts.
//!
//! `cargo bench --bench linkfeed` (all), or name a group:
//! `cargo bench --bench linkfeed -- filter`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

#[path = "support/synth.rs"]
mod synth;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use linkfeed::app::keys::{Cmd, Input};
use linkfeed::app::{Action, App};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

const QUERIES: &[&str] = &["kube", "kube sec", "rust async", "cncf gateway", "#gateway envoy"];

fn app(n: usize) -> App {
    let mut app = App::new(synth::feed(n), "bench".into());
    app.update(Action::Resize(120, 40));
    // As the reader does when idle after its first frame.
    while app.needs_warm_up() {
        app.update(Action::Idle);
    }
    app
}

fn parse(c: &mut Criterion) {
    let text = include_str!("../tests/fixtures/example-post.md");
    c.bench_function("parse one post", |b| {
        b.iter(|| linkfeed::feed::frontmatter::parse_post(Path::new("example-post.md"), black_box(text)))
    });
}

fn load(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..10_000 {
        let s = synth::post(i, 10_000);
        let path = dir.path().join(&s.rel_path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, s.text).expect("write");
    }
    let mut g = c.benchmark_group("load");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("10k posts from disk", |b| {
        b.iter(|| {
            linkfeed::feed::load(&linkfeed::feed::Source::Dir(dir.path().to_path_buf()), &Default::default())
                .expect("loads")
                .posts
                .len()
        })
    });
    g.finish();
}

/// One iteration types the whole query key by key, as the reader does on
/// each keystroke; the throughput is per keystroke.
fn filter(c: &mut Criterion) {
    for n in [10_000, 100_000] {
        let mut app = app(n);
        let mut g = c.benchmark_group(format!("filter per keystroke, {n} posts"));
        g.sample_size(10).measurement_time(Duration::from_secs(8));
        for q in QUERIES {
            g.throughput(Throughput::Elements(q.chars().count() as u64));
            g.bench_with_input(BenchmarkId::from_parameter(q), q, |b, q| {
                b.iter(|| {
                    app.update(Action::Key(Input::Cmd(Cmd::StartFilter)));
                    for ch in q.chars() {
                        app.update(Action::Key(Input::Char(ch)));
                    }
                    let found = app.matches().len();
                    app.update(Action::Key(Input::Cmd(Cmd::ClearFilter)));
                    found
                })
            });
        }
        g.finish();
    }
}

fn render(c: &mut Criterion) {
    let mut g = c.benchmark_group("render one frame 120x40");
    for n in [100, 10_000, 100_000] {
        let mut app = app(n);
        // A filter on, so highlighting is part of the frame.
        app.update(Action::Key(Input::Cmd(Cmd::StartFilter)));
        for ch in "kube".chars() {
            app.update(Action::Key(Input::Char(ch)));
        }
        let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| {
                term.draw(|f| f.render_widget(&app, f.area())).expect("draw");
            })
        });
    }
    g.finish();
}

/// A 20 KB Markdown body like a real blog post: headings, lists, code,
/// links, a table, emphasis, entities, a shortcode and some HTML.
pub fn body_20k() -> String {
    let chunk = "## Section heading\n\nA paragraph with **bold**, *italic*, `code` and a \
        [link](https://example.org/docs/page) &amp; an entity. It goes on for a while so that \
        the wrapping has real work to do across the width of the pane, as prose does.\n\n\
        - first item of a list\n- second item, a little longer than the first\n\n\
        ```yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n```\n\n\
        > A quoted line that someone said once.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n\
        {{< figure src=\"x.png\" >}}\n<div class=\"note\">Some <b>HTML</b> text.</div>\n\n";
    let mut body = String::new();
    while body.len() < 20 * 1024 {
        body.push_str(chunk);
    }
    body
}

/// The detail pane's lines for a 20 KB body: what a change of selection
/// costs (built once, then kept).
fn markdown(c: &mut Criterion) {
    let body = body_20k();
    let mut g = c.benchmark_group("detail");
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("render a 20 KB Markdown body at 70 columns", |b| {
        b.iter(|| linkfeed::text::markdown::render(black_box(&body), 70).len())
    });
    let post = linkfeed::post::Post { title: "t".into(), ..Default::default() };
    g.bench_function("build the detail pane of a post with a 20 KB body", |b| {
        b.iter(|| linkfeed::app::detail::build(black_box(&post), &body, 70, 0, Path::new("")).len())
    });
    // What a change of selection costs on a feed read from a folder: the
    // body is read from the file again, then built.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("post.md");
    std::fs::write(&file, format!("---\ntitle: t\n---\n{body}")).expect("write");
    g.bench_function("read a 20 KB body from its file and build the pane", |b| {
        b.iter(|| {
            let text = linkfeed::feed::read_body(black_box(&file)).expect("reads");
            linkfeed::app::detail::build(&post, &text, 70, 0, Path::new("")).len()
        })
    });
    g.finish();
}

criterion_group!(benches, parse, load, filter, render, markdown);
criterion_main!(benches);
