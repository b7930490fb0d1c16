//! `linkfeed sync [NAME...]`: fetch git feeds, one line per feed, then (with
//! no names) share the marks (`[state]`); exit 1 when any failed.

use super::{CliError, Context};
use crate::config;
use crate::sources::git::{self, GitFeed, Step};
use std::io::{self, IsTerminal};
use std::process::ExitCode;

pub fn run(names: &[String], stats: bool, cx: &Context) -> Result<ExitCode, CliError> {
    let config = &cx.config;
    let feeds: Vec<&GitFeed> = if names.is_empty() {
        config
            .feeds
            .iter()
            .filter_map(|f| match f {
                config::Feed::Git(g) => Some(g),
                config::Feed::Dir { .. } => None,
            })
            .collect()
    } else {
        let mut v = Vec::new();
        for n in names {
            match config.feed(n) {
                Some(config::Feed::Git(g)) => v.push(g),
                Some(config::Feed::Dir { .. }) => {
                    return Err(CliError::Cannot(format!(
                        "{n}: a folder feed, not a git one: nothing to sync"
                    )));
                }
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
            "linkfeed: no git feeds in the config file ([feeds.NAME] with git = \"URL\"): nothing to sync"
        );
        return Ok(ExitCode::SUCCESS);
    }
    let root = git::feeds_dir().ok_or_else(|| {
        CliError::Cannot("neither XDG_DATA_HOME nor HOME is set: no place for the feeds".into())
    })?;
    let tty = io::stderr().is_terminal();
    let mut failed = false;
    for g in feeds {
        let bar = tty.then(|| {
            let b = indicatif::ProgressBar::new_spinner();
            b.set_message(format!("{}: fetching {}", g.name, g.url));
            b.enable_steady_tick(std::time::Duration::from_millis(100));
            b
        });
        let progress = |step: Step| {
            if let Some(b) = &bar {
                match step {
                    Step::Fetching => b.set_message(format!("{}: fetching {}", g.name, g.url)),
                    Step::CheckingOut => b.set_message(format!("{}: checking out", g.name)),
                    Step::Done => {}
                }
            }
        };
        let had_copy = root.join(&g.name).join("current").exists();
        let result = git::sync(g, &root.join(&g.name), &progress);
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        match result {
            Ok(report) => {
                println!("{report}");
                // `notify`: a sync that brought posts says so.
                if let Some(n) = &config.notify
                    && let Some(news) = crate::sources::notify::News::of(
                        &report,
                        &git::content_dir(&root.join(&g.name), &g.path),
                        &crate::store::mutes::with_config(&config.mute).0,
                    )
                {
                    match n {
                        config::Notify::Terminal if tty => eprint!("{}", news.osc9()),
                        config::Notify::Terminal => {}
                        config::Notify::Command(t) => {
                            if let Err(e) = news.run(t) {
                                eprintln!("{}: notify: {e}", g.name);
                            }
                        }
                    }
                }
                if stats {
                    let (parsed, cached) = report.parsed;
                    eprintln!("{}: parsed: {parsed}, from cache: {cached}", g.name);
                }
                // `prefetch = true`: the unread posts' articles, for offline reading.
                if config.prefetch == Some(true) && !report.busy {
                    let fetched = crate::sources::resolve(None, Some(&g.name), config)
                        .map_err(|e| CliError::Cannot(e.to_string()))
                        .and_then(|r| {
                            super::fetch::fetch_posts(&r, &crate::search::Query::parse("is:unread"), 4, cx)
                        });
                    match fetched {
                        Ok((summary, _)) => println!("{}: articles: {summary}", g.name),
                        Err(e) => eprintln!("{}: articles not fetched: {e}", g.name),
                    }
                }
            }
            Err(e) => {
                failed = true;
                let kept = if had_copy { "the last copy is kept" } else { "no copy yet" };
                eprintln!("{}: failed: {e} ({kept})", g.name);
            }
        }
    }
    if marks && super::state::sync(cx, true)? != ExitCode::SUCCESS {
        failed = true;
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
