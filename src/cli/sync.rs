//! `linkfeed sync [NAME...]`: fetch the followed feeds (git repositories
//! one after the other, web feeds several at once but one request per host
//! at a time), one line per feed, then (with no names) share the marks
//! (`[state]`); exit 1 when any failed.

use super::{CliError, Context};
use crate::config;
use crate::sources::Followed;
use crate::sources::git::{self, Step, SyncError};
use crate::sources::newness::Report;
use crate::sources::web::WebFeed;
use std::io::{self, IsTerminal};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;

/// The most web feeds fetched at once (each from a different host).
const WEB_AT_ONCE: usize = 8;

pub fn run(names: &[String], stats: bool, cx: &Context) -> Result<ExitCode, CliError> {
    let config = &cx.config;
    let feeds: Vec<Followed> = if names.is_empty() {
        config.feeds.iter().filter_map(Followed::of).collect()
    } else {
        let mut v = Vec::new();
        for n in names {
            match config.feed(n) {
                Some(config::Feed::Dir { .. }) => {
                    return Err(CliError::Cannot(format!("{n}: a folder feed: nothing to sync")));
                }
                Some(f) => v.extend(Followed::of(f)),
                None => return Err(CliError::Cannot(format!("no feed is called {n:?} in the config file"))),
            }
        }
        v
    };
    // The marks follow the feeds (`[state]`, unless `state_sync = false`).
    let marks = names.is_empty() && cx.config.auto_state().is_some();
    if feeds.is_empty() {
        if marks {
            return super::state::sync(cx, true);
        }
        eprintln!(
            "linkfeed: no git or web feeds in the config file ([feeds.NAME] with git = \"URL\" or url = \"URL\"): nothing to sync"
        );
        return Ok(ExitCode::SUCCESS);
    }
    let root = git::feeds_dir().ok_or_else(|| {
        CliError::Cannot("neither XDG_DATA_HOME nor HOME is set: no place for the feeds".into())
    })?;
    let tty = io::stderr().is_terminal();
    let options = config.article_options();
    let mut failed = false;
    let (web, git): (Vec<Followed>, Vec<Followed>) =
        feeds.into_iter().partition(|f| matches!(f, Followed::Web(_)));
    if !web.is_empty() {
        let bar = tty.then(|| spinner(format!("fetching {} web feeds", web.len())));
        let feeds: Vec<&WebFeed> = web
            .iter()
            .filter_map(|f| match f {
                Followed::Web(w) => Some(w),
                Followed::Git(_) => None,
            })
            .collect();
        let results = sync_web(&feeds, &root, &options);
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        for (f, (had_copy, result)) in web.iter().zip(results) {
            failed |= !after(f, had_copy, result, &root, stats, cx, tty);
        }
    }
    for g in &git {
        let bar = tty.then(|| spinner(format!("{}: fetching {}", g.name(), g.url())));
        let progress = |step: Step| {
            if let Some(b) = &bar {
                match step {
                    Step::Fetching => b.set_message(format!("{}: fetching {}", g.name(), g.url())),
                    Step::CheckingOut => b.set_message(format!("{}: checking out", g.name())),
                    Step::Done => {}
                }
            }
        };
        let had_copy = g.dir(&root).join("current").exists();
        let result = g.sync(&g.dir(&root), &options, &progress);
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        failed |= !after(g, had_copy, result, &root, stats, cx, tty);
    }
    if marks && super::state::sync(cx, true)? != ExitCode::SUCCESS {
        failed = true;
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn spinner(message: String) -> indicatif::ProgressBar {
    let b = indicatif::ProgressBar::new_spinner();
    b.set_message(message);
    b.enable_steady_tick(std::time::Duration::from_millis(100));
    b
}

/// Whether a copy was there before, and how the sync went.
type Outcome = (bool, Result<Report, SyncError>);

/// Syncs the web feeds `web`, up to [`WEB_AT_ONCE`] at a time; the
/// requests to one host one after the other (a gate per host), what is
/// done with the answers in parallel. The outcomes in `web`'s order.
pub fn sync_web(web: &[&WebFeed], root: &Path, options: &crate::article::Options) -> Vec<Outcome> {
    let host = |f: &WebFeed| url::Url::parse(&f.url).ok().and_then(|u| u.host_str().map(str::to_string));
    let mut hosts: Vec<Option<String>> = Vec::new();
    let gate_of: Vec<usize> = web
        .iter()
        .map(|f| {
            let h = host(f);
            hosts.iter().position(|k| *k == h).unwrap_or_else(|| {
                hosts.push(h);
                hosts.len() - 1
            })
        })
        .collect();
    let gates: Vec<Mutex<()>> = hosts.iter().map(|_| Mutex::new(())).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new((0..web.len()).map(|_| None).collect());
    let workers = WEB_AT_ONCE.min(web.len()).max(1);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(f) = web.get(i) else { break };
                    let dir = root.join(&f.name);
                    let had_copy = dir.join("current").exists();
                    let gate = gate_of.get(i).and_then(|g| gates.get(*g));
                    let result = crate::sources::web::sync_gated(f, &dir, options, gate);
                    if let Ok(mut r) = results.lock()
                        && let Some(slot) = r.get_mut(i)
                    {
                        *slot = Some((had_copy, result));
                    }
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .map(|o| o.unwrap_or((false, Err(SyncError::Web("not synced".into())))))
        .collect()
}

/// What follows a feed's sync: its line, `notify`, the statistics and
/// `prefetch`. Whether it went well.
fn after(
    g: &Followed,
    had_copy: bool,
    result: Result<Report, SyncError>,
    root: &Path,
    stats: bool,
    cx: &Context,
    tty: bool,
) -> bool {
    let config = &cx.config;
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            let kept = if had_copy { "the last copy is kept" } else { "no copy yet" };
            eprintln!("{}: failed: {e} ({kept})", g.name());
            return false;
        }
    };
    println!("{report}");
    // `notify`: a sync that brought posts says so.
    if let Some(n) = &config.notify
        && let Some(news) = crate::sources::notify::News::of(
            &report,
            &git::content_dir(&g.dir(root), g.path()),
            &crate::store::mutes::with_config(&config.mute).0,
        )
    {
        match n {
            config::Notify::Terminal if tty => eprint!("{}", news.osc9()),
            config::Notify::Terminal => {}
            config::Notify::Command(t) => {
                if let Err(e) = news.run(t) {
                    eprintln!("{}: notify: {e}", g.name());
                }
            }
        }
    }
    if stats {
        let (parsed, cached) = report.parsed;
        eprintln!("{}: parsed: {parsed}, from cache: {cached}", g.name());
    }
    // `prefetch = true`: the unread posts' articles, for offline reading.
    if config.prefetch == Some(true) && !report.busy {
        let fetched = crate::sources::resolve(None, Some(g.name()), config)
            .map_err(|e| CliError::Cannot(e.to_string()))
            .and_then(|r| super::fetch::fetch_posts(&r, &crate::search::Query::parse("is:unread"), 4, cx));
        match fetched {
            Ok((summary, _)) => println!("{}: articles: {summary}", g.name()),
            Err(e) => eprintln!("{}: articles not fetched: {e}", g.name()),
        }
    }
    true
}
