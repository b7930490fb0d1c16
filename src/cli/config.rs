//! `linkfeed config`: every setting, its value, and where it came from.

use super::{CliError, Context};
use crate::config::{Config, Feed, From as Origin};
use crate::feed::Source;
use crate::sources::Resolved;
use std::process::ExitCode;

pub fn run(cx: &Context) -> Result<ExitCode, CliError> {
    print!("{}", describe(&cx.config));
    Ok(ExitCode::SUCCESS)
}

/// `linkfeed config`: every setting, its value, and where it came from.
fn describe(config: &Config) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let file = crate::config::default_path();
    let _ = match (&config.path, &file) {
        (Some(p), _) => writeln!(out, "# configuration file: {}", p.display()),
        (None, Some(p)) => writeln!(out, "# configuration file: {} (not found: defaults)", p.display()),
        (None, None) => writeln!(out, "# no configuration file (neither XDG_CONFIG_HOME nor HOME is set)"),
    };
    let dir = match crate::sources::resolve(None, None, config) {
        Ok(Resolved { source: Source::Dir(d), from, .. }) => {
            format!("{:?}  # {from}", d.display().to_string())
        }
        Ok(Resolved { from, .. }) => format!("(the bundled sample feed)  # {from}"),
        Err(e) => format!("(none: {e})"),
    };
    let _ = writeln!(out, "dir = {dir}");
    if let Some(d) = &config.default_feed {
        let _ = writeln!(out, "default_feed = {d:?}  # config file");
    }
    let env_browser = std::env::var("BROWSER").ok().filter(|b| !b.trim().is_empty());
    let _ = match (&config.browser, env_browser) {
        (Some(b), _) => writeln!(out, "browser = {b:?}  # config file"),
        (None, Some(b)) => writeln!(out, "browser = {b:?}  # $BROWSER"),
        (None, None) => writeln!(out, "browser = (the system opener)  # default"),
    };
    let (drafts, from) = config.show_drafts.map_or((false, Origin::Default), |d| (d, Origin::File));
    let _ = writeln!(out, "show_drafts = {drafts}  # {from}");
    let sort = config.sort.unwrap_or_default();
    let from = if config.sort.is_some() { Origin::File } else { Origin::Default };
    let _ = writeln!(out, "sort = {:?}  # {from}", format!("{sort:?}").to_lowercase());
    let advances = config.open_advances.map_or((true, Origin::Default), |v| (v, Origin::File));
    let _ = writeln!(out, "open_advances = {}  # {}", advances.0, advances.1);
    let in_term = config.browser_in_terminal.map_or((false, Origin::Default), |v| (v, Origin::File));
    let _ = writeln!(out, "browser_in_terminal = {}  # {}", in_term.0, in_term.1);
    let remember = config.remember_view.map_or((false, Origin::Default), |v| (v, Origin::File));
    let _ = writeln!(out, "remember_view = {}  # {}", remember.0, remember.1);
    let private = config.fetch_private_addresses.map_or((false, Origin::Default), |v| (v, Origin::File));
    let _ = writeln!(out, "fetch_private_addresses = {}  # {}", private.0, private.1);
    let mb = config.article_cache_mb.map_or((200, Origin::Default), |v| (v, Origin::File));
    let _ = writeln!(out, "article_cache_mb = {}  # {}", mb.0, mb.1);
    let prefetch = config.prefetch.map_or((false, Origin::Default), |v| (v, Origin::File));
    let _ = writeln!(out, "prefetch = {}  # {}", prefetch.0, prefetch.1);
    let links = config.follow_links_outside.map_or((false, Origin::Default), |v| (v, Origin::File));
    let _ = writeln!(out, "follow_links_outside = {}  # {}", links.0, links.1);
    if let Some(v) = &config.default_view {
        let _ = writeln!(out, "default_view = {v:?}  # config file");
    }
    let state = crate::store::marks::default_dir()
        .map_or("(none)".into(), |p| p.join(crate::store::marks::LOG).display().to_string());
    let _ = writeln!(out, "# read and starred marks: {state}");
    let _ = writeln!(out, "\n[theme]");
    if crate::config::no_color() {
        let _ = writeln!(out, "# NO_COLOR is set: no colours at all");
    }
    for (name, color) in &config.colors {
        let _ = writeln!(out, "{name} = \"{color}\"  # config file");
    }
    if config.colors.is_empty() {
        let _ = writeln!(out, "# the built-in colours  # default");
    }
    if !config.views.is_empty() {
        let _ = writeln!(out, "\n[views]");
        for (name, query) in &config.views {
            let _ = writeln!(out, "{name:?} = {query:?}  # config file");
        }
    }
    for f in &config.feeds {
        let _ = writeln!(out, "\n[feeds.{}]", f.name());
        let _ = match f {
            Feed::Git(g) => {
                let _ = writeln!(out, "git = {:?}", g.url);
                if !g.path.is_empty() {
                    let _ = writeln!(out, "path = {:?}", g.path);
                }
                match &g.branch {
                    Some(b) => writeln!(out, "branch = {b:?}"),
                    None => Ok(()),
                }
            }
            Feed::Dir { dir, .. } => writeln!(out, "dir = {:?}", dir.display().to_string()),
            Feed::Web(w) => {
                let _ = writeln!(out, "url = {:?}", w.url);
                match w.keep_days {
                    Some(d) => writeln!(out, "keep_days = {d}"),
                    None => Ok(()),
                }
            }
        };
    }
    let _ = writeln!(out, "\n[keys]");
    let map = config.keymap();
    for (name, cmd) in crate::app::keys::COMMAND_NAMES {
        let keys = map.keys_for(*cmd);
        let from = if config.keys.iter().any(|(n, _)| n == name) { "config file" } else { "default" };
        let _ = writeln!(out, "{name} = {keys:?}  # {from}");
    }
    out
}
