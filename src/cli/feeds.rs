//! `linkfeed feeds`: every feed of the config file and its last sync;
//! `feeds add NAME URL`, `feeds import FILE.opml`, `feeds export`.

use super::args::FeedsCmd;
use super::{CliError, Context};
use crate::config;
use crate::sources::web::{self, discover, opml};
use crate::sources::{git, newness};
use std::path::Path;
use std::process::ExitCode;

pub fn run(action: Option<FeedsCmd>, cx: &Context) -> Result<ExitCode, CliError> {
    match action {
        None => list(cx),
        Some(FeedsCmd::Add { name, url }) => add(&name, &url, cx),
        Some(FeedsCmd::Import { file }) => import(&file, cx),
        Some(FeedsCmd::Export) => {
            let feeds: Vec<(&str, &str)> = cx
                .config
                .feeds
                .iter()
                .filter_map(|f| match f {
                    config::Feed::Web(w) => Some((w.name.as_str(), w.url.as_str())),
                    _ => None,
                })
                .collect();
            print!("{}", opml::write(&feeds));
            let others = cx.config.feeds.len() - feeds.len();
            if others > 0 {
                eprintln!("linkfeed: {others} git or folder feeds are not web feeds: not in the OPML");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn list(cx: &Context) -> Result<ExitCode, CliError> {
    let config = &cx.config;
    if config.feeds.is_empty() {
        println!(
            "no feeds in the config file: add [feeds.NAME] with git = \"URL\", url = \"URL\" or dir = \"FOLDER\" \
             (`linkfeed feeds add NAME URL` adds a web feed)"
        );
        return Ok(ExitCode::SUCCESS);
    }
    let root = git::feeds_dir();
    for f in &config.feeds {
        let mark = if config.default_feed.as_deref() == Some(f.name()) { " (default)" } else { "" };
        let state = root.as_ref().and_then(|r| newness::load_state(&r.join(f.name())));
        let last = match &state {
            Some(s) => {
                let when = crate::clock::local(s.at, "%Y-%m-%d %H:%M %Z");
                let what = if s.first {
                    "first sync".to_string()
                } else {
                    format!("{} new, {} changed, {} removed", s.added.len(), s.changed.len(), s.removed.len())
                };
                if s.commit.is_empty() {
                    format!("synced {when}, {} posts: {what}", s.posts)
                } else {
                    format!(
                        "synced {when}, {} of {}, {} posts: {what}",
                        s.short_commit(),
                        s.commit_day(),
                        s.posts
                    )
                }
            }
            None => "never synced".into(),
        };
        match f {
            config::Feed::Dir { name, dir } => println!("{name}{mark}\tdir\t{}", dir.display()),
            config::Feed::Git(g) => println!("{}{mark}\tgit\t{}\t{last}", g.name, g.url),
            config::Feed::Web(w) => println!("{}{mark}\tweb\t{}\t{last}", w.name, w.url),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The config file's path, for writing feeds into it.
fn config_path() -> Result<std::path::PathBuf, CliError> {
    config::default_path()
        .ok_or_else(|| CliError::Cannot("neither XDG_CONFIG_HOME nor HOME is set: no config file".into()))
}

/// `value` as a TOML basic string.
fn toml_string(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Appends `[feeds.NAME] url = ...` tables to the config file; the file is
/// read back and, if it no longer loads, put back as it was.
fn append_feeds(feeds: &[(String, String)]) -> Result<(), CliError> {
    let path = config_path()?;
    let before = std::fs::read_to_string(&path).unwrap_or_default();
    let mut text = before.clone();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    for (name, url) in feeds {
        text.push_str(&format!("\n[feeds.{name}]\nurl = {}\n", toml_string(url)));
    }
    let cannot = |e: std::io::Error| CliError::Cannot(format!("{}: {e}", path.display()));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(cannot)?;
    }
    crate::store::paths::replace_file(&path, |f| std::io::Write::write_all(f, text.as_bytes()))
        .map_err(cannot)?;
    if let Err(e) = config::load(&path) {
        let _ = crate::store::paths::replace_file(&path, |f| std::io::Write::write_all(f, before.as_bytes()));
        return Err(CliError::Cannot(format!(
            "the config file would not load with the new feeds ({e}): left as it was"
        )));
    }
    Ok(())
}

fn add(name: &str, url: &str, cx: &Context) -> Result<ExitCode, CliError> {
    if !git::valid_name(name) {
        return Err(CliError::Cannot(format!("{name:?}: a feed's name is letters, digits, - _ and .")));
    }
    if cx.config.feed(name).is_some() {
        return Err(CliError::Cannot(format!("a feed is already called {name} in the config file")));
    }
    web::valid_url(url).map_err(|e| CliError::Cannot(e.to_string()))?;
    let feed = find_feed(url, &cx.config.article_options())?;
    append_feeds(&[(name.to_string(), feed.clone())])?;
    println!("{name}: {feed} (`linkfeed sync {name}` fetches it)");
    Ok(ExitCode::SUCCESS)
}

/// `url` when it is a feed, else the first feed the page there names.
fn find_feed(url: &str, options: &crate::article::Options) -> Result<String, CliError> {
    let accept =
        "application/rss+xml, application/atom+xml, application/feed+json, text/html;q=0.9, */*;q=0.5";
    let host = url::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_string));
    let got = crate::article::fetch::get(url, None, options, accept, host.as_deref())
        .map_err(|e| CliError::Cannot(format!("{url}: {e}")))?;
    let crate::article::fetch::Got::Body(body) = got else {
        return Ok(url.to_string());
    };
    if discover::is_feed(&body.bytes) {
        return Ok(url.to_string());
    }
    let html = crate::article::fetch::decode(&body.bytes, body.charset.as_deref());
    discover::feeds_named(&html, &body.final_url).into_iter().next().ok_or_else(|| {
        CliError::Cannot(format!(
            "{url} is neither a feed nor a page that names one (no <link rel=\"alternate\" type=\"application/rss+xml\">)"
        ))
    })
}

fn import(file: &Path, cx: &Context) -> Result<ExitCode, CliError> {
    let text = if file == Path::new("-") {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| CliError::Cannot(format!("standard input: {e}")))?
    } else {
        std::fs::read_to_string(file).map_err(|e| CliError::Cannot(format!("{}: {e}", file.display())))?
    };
    let listed = opml::read(&text).map_err(|e| CliError::Cannot(format!("{}: {e}", file.display())))?;
    let mut taken: Vec<String> = cx.config.feeds.iter().map(|f| f.name().to_string()).collect();
    let followed: Vec<&str> = cx
        .config
        .feeds
        .iter()
        .filter_map(|f| match f {
            config::Feed::Web(w) => Some(w.url.as_str()),
            _ => None,
        })
        .collect();
    let (mut new, mut skipped) = (Vec::new(), 0);
    for l in listed {
        if followed.contains(&l.url.as_str()) || new.iter().any(|(_, u): &(String, String)| *u == l.url) {
            skipped += 1;
            continue;
        }
        if let Err(e) = web::valid_url(&l.url) {
            eprintln!("linkfeed: skipped {}: {e}", crate::text::sanitize::one_line(&l.title));
            skipped += 1;
            continue;
        }
        let name = opml::name_for(&l.title, &l.url, &taken);
        taken.push(name.clone());
        new.push((name, l.url));
    }
    if !new.is_empty() {
        append_feeds(&new)?;
    }
    for (name, url) in &new {
        println!("{name}\t{url}");
    }
    eprintln!(
        "linkfeed: {} feeds added, {skipped} skipped (already followed or not http/https); `linkfeed sync` fetches them",
        new.len()
    );
    Ok(ExitCode::SUCCESS)
}
