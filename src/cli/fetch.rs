//! `linkfeed fetch`: the articles of the matching posts (default: unread),
//! fetched for reading offline. A few at a time and never two from one
//! host at once; a progress bar on a terminal, a line per page otherwise; a
//! summary at the end. Articles already kept are not fetched again, so a
//! second run (or one after Ctrl-C) fetches only what is missing; each
//! article is written whole, so an interrupted run leaves no torn entry.

use super::args::FetchArgs;
use super::{CliError, Context};
use crate::article;
use crate::feed::{self, LoadOptions};
use crate::search::Query;
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::{Condvar, Mutex};

pub fn run(args: FetchArgs, cx: &Context) -> Result<ExitCode, CliError> {
    let resolved = cx.resolve(args.dir)?;
    let query = Query::parse(args.query.as_deref().unwrap_or("is:unread"));
    let (line, all_failed) = fetch_posts(&resolved, &query, usize::from(args.jobs), cx)?;
    println!("{line}");
    // Every page it tried failed: a script is told so.
    Ok(if all_failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Fetches the articles of the posts of `resolved` that `query` selects;
/// the summary line, and whether every page it tried failed.
pub(super) fn fetch_posts(
    resolved: &crate::sources::Resolved,
    query: &Query,
    jobs: usize,
    cx: &Context,
) -> Result<(String, bool), CliError> {
    let fresh = resolved.new_posts();
    // A word of the query is looked for in the tldr and summary too: the
    // posts keep them (a fetch waits on the network, not on the load).
    let long_text = !query.is_empty() && (query.uses_text_words() || query.reads_long_text());
    let options = LoadOptions::new(cx.use_cache, long_text);
    let feed = feed::load(&resolved.source, &options)?.visible(cx.drafts(false));
    // A load that wrote the parse cache writes the search index too.
    if let (feed::Source::Dir(dir), true) = (&resolved.source, cx.use_cache) {
        let _ = crate::search::saved::refresh(dir, &feed);
    }
    let marks = super::list::read_marks();
    let muting = super::muting::Muting::new(cx, true);
    let (posts, _) = super::list::select(&feed.posts, query, true, &marks, &fresh, None, &muting);
    // Each link once, in the list's order; only addresses the reader would open.
    let mut seen = HashSet::new();
    let urls: Vec<String> =
        posts.iter().filter_map(|p| article::link(&p.url)).filter(|u| seen.insert(u.clone())).collect();
    let (kept, todo): (Vec<String>, Vec<String>) = urls.into_iter().partition(|u| article::cache::has(u));
    let outcome = fetch_all(todo, jobs, &cx.config.article_options());
    let all_failed = !outcome.is_empty() && outcome.iter().all(|(_, r)| r.is_err());
    Ok((summary(&outcome, kept.len()), all_failed))
}

/// What became of each page: its URL and the article's words, or why not.
type Outcome = Vec<(String, Result<usize, article::ArticleError>)>;

/// The queue the workers share: pages waiting, and the hosts being fetched from.
struct Queue {
    waiting: VecDeque<(String, String)>,
    busy: HashSet<String>,
}

/// Fetches `urls` on `jobs` workers, one page per host at a time.
fn fetch_all(urls: Vec<String>, jobs: usize, options: &article::Options) -> Outcome {
    let total = urls.len();
    let host =
        |u: &str| url::Url::parse(u).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    let queue = Mutex::new(Queue {
        waiting: urls.into_iter().map(|u| (host(&u), u)).collect(),
        busy: HashSet::new(),
    });
    let ready = Condvar::new();
    let done = Mutex::new(Vec::with_capacity(total));
    let bar = (std::io::stderr().is_terminal() && total > 0).then(|| {
        let b = indicatif::ProgressBar::new(total as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}") {
            b.set_style(style);
        }
        b
    });
    // Threads, not the rayon pool: they wait on the network, not the cores.
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, 16).min(total.max(1)) {
            s.spawn(|| {
                while let Some((host, url)) = next(&queue, &ready) {
                    if let Some(b) = &bar {
                        b.set_message(crate::text::sanitize::one_line(&url));
                    }
                    // Fetched but not kept is not kept for offline reading.
                    let result = article::get(&url, options, false).and_then(|(a, origin)| match origin {
                        article::Origin::NotKept => Err(article::ArticleError::NotKept),
                        _ => Ok(a.words),
                    });
                    if let Ok(mut q) = queue.lock() {
                        q.busy.remove(&host);
                    }
                    ready.notify_all();
                    match &bar {
                        Some(b) => b.inc(1),
                        None => match &result {
                            Ok(words) => println!("fetched\t{url}\t{words} words"),
                            Err(e) => println!("failed\t{url}\t{e}"),
                        },
                    }
                    if let Ok(mut d) = done.lock() {
                        d.push((url, result));
                    }
                }
            });
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    done.into_inner().unwrap_or_default()
}

/// The next page whose host is not being fetched from, waiting for one;
/// `None` when none is left.
fn next(queue: &Mutex<Queue>, ready: &Condvar) -> Option<(String, String)> {
    let mut q = queue.lock().ok()?;
    loop {
        if q.waiting.is_empty() {
            return None;
        }
        if let Some(i) = q.waiting.iter().position(|(h, _)| !q.busy.contains(h)) {
            let job = q.waiting.remove(i)?;
            q.busy.insert(job.0.clone());
            return Some(job);
        }
        q = ready.wait(q).ok()?;
    }
}

/// `fetched 12, kept already 30, failed 3 (timed out after 20 s: 2, not an article: 1)`.
fn summary(outcome: &Outcome, kept: usize) -> String {
    let fetched = outcome.iter().filter(|(_, r)| r.is_ok()).count();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for (_, r) in outcome {
        if let Err(e) = r {
            // "not an article: 120 words extracted; ..." counts as "not an article".
            let e = e.to_string();
            let kind = e.split([':', ';']).next().unwrap_or(&e).trim().to_string();
            *reasons.entry(kind).or_default() += 1;
        }
    }
    let failed = outcome.len() - fetched;
    let mut line = format!("fetched {fetched}, kept already {kept}, failed {failed}");
    if !reasons.is_empty() {
        let parts: Vec<String> = reasons.iter().map(|(k, n)| format!("{k}: {n}")).collect();
        line.push_str(&format!(" ({})", parts.join(", ")));
    }
    line
}
