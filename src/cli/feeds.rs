//! `linkfeed feeds`: every feed of the config file and its last sync.

use super::{CliError, Context};
use crate::config;
use crate::sources::{git, newness};
use std::process::ExitCode;

pub fn run(cx: &Context) -> Result<ExitCode, CliError> {
    let config = &cx.config;
    if config.feeds.is_empty() {
        println!("no feeds in the config file: add [feeds.NAME] with git = \"URL\" or dir = \"FOLDER\"");
        return Ok(ExitCode::SUCCESS);
    }
    let root = git::feeds_dir();
    for f in &config.feeds {
        let mark = if config.default_feed.as_deref() == Some(f.name()) { " (default)" } else { "" };
        match f {
            config::Feed::Dir { name, dir } => println!("{name}{mark}\tdir\t{}", dir.display()),
            config::Feed::Git(g) => {
                let state = root.as_ref().and_then(|r| newness::load_state(&r.join(&g.name)));
                let last = match state {
                    Some(s) => {
                        let when = crate::clock::local(s.at, "%Y-%m-%d %H:%M %Z");
                        let what = if s.first {
                            "first sync".to_string()
                        } else {
                            format!(
                                "{} new, {} changed, {} removed",
                                s.added.len(),
                                s.changed.len(),
                                s.removed.len()
                            )
                        };
                        format!(
                            "synced {when}, {} of {}, {} posts: {what}",
                            s.short_commit(),
                            s.commit_day(),
                            s.posts
                        )
                    }
                    None => "never synced".into(),
                };
                println!("{}{mark}\tgit\t{}\t{last}", g.name, g.url);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
