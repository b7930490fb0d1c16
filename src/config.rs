//! The configuration file: `$XDG_CONFIG_HOME/linkfeed/config.toml` (default
//! `~/.config/linkfeed/config.toml`). Every key is optional; an unknown key
//! or a bad value is an error naming the file, the line and the key.
//!
//! ```toml
//! dir = "~/feed"                 # the default feed
//! browser = "firefox --new-tab %s"   # wins over $BROWSER
//! show_drafts = false
//! sort = "newest"                # newest, oldest, title, source
//! open_advances = true           # opening a post moves to the next unread
//! browser_in_terminal = false    # the browser runs in this terminal (w3m, lynx...)
//!
//! default_feed = "kubermates"   # the feed opened when no folder is named
//!
//! [feeds.kubermates]             # a feed kept in a git repository (`linkfeed sync`)
//! git = "https://github.com/kubermates-org/kubermates.github.io"
//! path = "content"               # the folder inside the repository (optional)
//! branch = "main"                # optional: the remote's default branch
//! [feeds.notes]                  # a feed in a local folder
//! dir = "~/notes/feed"
//!
//! [state]                        # the marks shared between machines
//! git = "git@example.org:me/linkfeed-state.git"
//! device = "laptop"              # default: the host name
//!
//! [theme]                        # colour names, #rrggbb, or 0-255
//! muted = "darkgray"
//! highlight = "yellow"
//! tag = "cyan"
//! url = "blue"
//! error = "red"
//! selected_fg = "white"
//! selected_bg = "blue"
//!
//! [mute]                         # queries whose posts are hidden
//! ai = { query = "#ai -source:lwn", until = "2027-01-31" }
//! crypto = "#crypto"
//!
//! [keys]                         # command = key, or a list of keys
//! open = ["Enter", "l"]
//! quit = "q"
//! ```

use crate::app::Sort;
use crate::app::keys::{COMMAND_NAMES, Key, KeyMap, parse_key};
use crate::text::template::Template;
use crate::ui::theme::Theme;
use ratatui::style::Color;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use toml::Spanned;

/// The settings written at the top of the file (before any `[table]`), as
/// `Raw` names them: one written below `[keys]` is told where it belongs.
const TOP_LEVEL_KEYS: &[&str] = &[
    "dir",
    "browser",
    "show_drafts",
    "sort",
    "open_advances",
    "browser_in_terminal",
    "default_feed",
    "default_view",
    "remember_view",
    "fetch_private_addresses",
    "article_cache_mb",
    "prefetch",
    "follow_links_outside",
    "state_sync",
    "pipe",
    "pipe_format",
    "notify",
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    dir: Option<Spanned<String>>,
    browser: Option<Spanned<String>>,
    show_drafts: Option<Spanned<bool>>,
    sort: Option<Spanned<String>>,
    open_advances: Option<Spanned<bool>>,
    browser_in_terminal: Option<Spanned<bool>>,
    theme: Option<RawTheme>,
    keys: Option<BTreeMap<Spanned<String>, Spanned<toml::Value>>>,
    default_feed: Option<Spanned<String>>,
    feeds: Option<BTreeMap<Spanned<String>, Spanned<RawFeed>>>,
    /// In the file's order (toml's `preserve_order`).
    views: Option<toml::Table>,
    default_view: Option<Spanned<String>>,
    remember_view: Option<Spanned<bool>>,
    fetch_private_addresses: Option<Spanned<bool>>,
    article_cache_mb: Option<Spanned<u64>>,
    prefetch: Option<Spanned<bool>>,
    follow_links_outside: Option<Spanned<bool>>,
    state: Option<Spanned<RawState>>,
    state_sync: Option<Spanned<bool>>,
    /// In the file's order.
    share: Option<toml::Table>,
    pipe: Option<Spanned<String>>,
    pipe_format: Option<Spanned<String>>,
    notify: Option<Spanned<String>>,
    /// In the file's order.
    mute: Option<toml::Table>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawState {
    git: Option<String>,
    device: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeed {
    git: Option<String>,
    path: Option<String>,
    branch: Option<String>,
    dir: Option<String>,
    url: Option<String>,
    keep_days: Option<u64>,
}

/// A feed named in the config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feed {
    /// A git repository, synced into the data folder.
    Git(crate::sources::git::GitFeed),
    /// A local folder.
    Dir { name: String, dir: PathBuf },
    /// A web feed (RSS, Atom, JSON Feed), synced into the data folder.
    Web(crate::sources::web::WebFeed),
}

impl Feed {
    pub fn name(&self) -> &str {
        match self {
            Feed::Git(g) => &g.name,
            Feed::Dir { name, .. } => name,
            Feed::Web(w) => &w.name,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    muted: Option<Spanned<String>>,
    highlight: Option<Spanned<String>>,
    tag: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    error: Option<Spanned<String>>,
    selected_fg: Option<Spanned<String>>,
    selected_bg: Option<Spanned<String>>,
}

/// Where a setting's value came from, for `linkfeed config`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum From {
    Default,
    File,
    Env(&'static str),
    Flag(&'static str),
}

impl std::fmt::Display for From {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            From::Default => write!(f, "default"),
            From::File => write!(f, "config file"),
            From::Env(v) => write!(f, "${v}"),
            From::Flag(v) => write!(f, "{v}"),
        }
    }
}

/// The configuration file, checked.
#[derive(Debug, Default, Clone)]
pub struct Config {
    /// The file it came from (`None`: there is none).
    pub path: Option<PathBuf>,
    pub dir: Option<PathBuf>,
    pub browser: Option<String>,
    pub show_drafts: Option<bool>,
    pub sort: Option<Sort>,
    /// Opening a post moves to the next unread one (default true).
    pub open_advances: Option<bool>,
    /// The browser takes over this terminal (default: only for known
    /// console browsers).
    pub browser_in_terminal: Option<bool>,
    /// (name, colour) pairs from `[theme]`.
    pub colors: Vec<(String, Color)>,
    /// (command name, keys) pairs from `[keys]`.
    pub keys: Vec<(String, Vec<Key>)>,
    /// `[feeds.NAME]`, by name.
    pub feeds: Vec<Feed>,
    /// The feed opened when no folder is named.
    pub default_feed: Option<String>,
    /// `[views]`: a name and its query, in the file's order.
    pub views: Vec<(String, String)>,
    /// The section or view each start opens.
    pub default_view: Option<String>,
    /// Each start reopens the last view, filter and selected post.
    pub remember_view: Option<bool>,
    /// Reader mode may fetch from hosts that resolve to loopback, private or
    /// link-local addresses (default false).
    pub fetch_private_addresses: Option<bool>,
    /// The article cache's size limit in MiB (default 200).
    pub article_cache_mb: Option<u64>,
    /// `linkfeed sync` also fetches the articles of the unread posts of
    /// each feed it synced (default false: nothing is fetched unless asked).
    pub prefetch: Option<bool>,
    /// Follow symbolic links that lead out of the feed's folder.
    pub follow_links_outside: Option<bool>,
    /// `[state]`: the git repository the marks are shared through.
    pub state: Option<crate::sources::state::StateRepo>,
    /// Sync the marks on their own (after `linkfeed sync` and `S`, at the
    /// reader's start and quit): default true when `[state]` is set.
    pub state_sync: Option<bool>,
    /// `[share]`: a name and its command template, in the file's order.
    pub share: Vec<(String, Template)>,
    /// `pipe`: the command `|` sends the post to on its standard input.
    pub pipe: Option<Template>,
    /// `pipe_format = "json"`: `|` sends each post as one line of JSON
    /// instead of its file (or article) as it is.
    pub pipe_json: bool,
    /// `notify`: how a sync that brought posts says so.
    pub notify: Option<Notify>,
    /// `[mute]`: the rules whose posts are hidden, in the file's order.
    pub mute: Vec<crate::search::mute::Rule>,
}

pub use crate::text::template::Notify;

/// The placeholders of `[share]` and `pipe` templates.
pub const POST_PLACEHOLDERS: &[&str] = &["url", "title", "tags", "file"];
const POST_WORDS: &str = "{url}, {title}, {tags}, {file}";
/// The placeholders of a `notify` template.
pub const NOTIFY_PLACEHOLDERS: &[&str] = &["feed", "count", "titles"];
const NOTIFY_WORDS: &str = "{feed}, {count}, {titles}";

impl Config {
    /// The state repository to sync with on its own, when there is one and
    /// `state_sync` is not false.
    pub fn auto_state(&self) -> Option<&crate::sources::state::StateRepo> {
        self.state.as_ref().filter(|_| self.state_sync != Some(false))
    }
}

impl Config {
    /// How reader mode fetches and keeps articles.
    pub fn article_options(&self) -> crate::article::Options {
        let defaults = crate::article::Options::default();
        crate::article::Options {
            allow_private: self.fetch_private_addresses == Some(true),
            cache_limit: self
                .article_cache_mb
                .map_or(defaults.cache_limit, |mb| mb.saturating_mul(1024 * 1024)),
        }
    }

    /// The feed called `name`.
    pub fn feed(&self, name: &str) -> Option<&Feed> {
        self.feeds.iter().find(|f| f.name() == name)
    }
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

/// Whether NO_COLOR asks for no colour (set and not empty, no-color.org).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Where the configuration file is looked for.
pub fn default_path() -> Option<PathBuf> {
    crate::store::paths::file(crate::store::paths::Base::Config, "config.toml")
}

/// Reads the configuration at `path`; a missing file is the default.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => {
            return Err(ConfigError {
                path: path.into(),
                line: None,
                message: format!("cannot read it: {e}"),
            });
        }
    };
    parse(path, &text)
}

fn line_of(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].matches('\n').count() + 1
}

/// Parses configuration text (`path` names it in errors).
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let err = |at: Option<usize>, message: String| ConfigError {
        path: path.into(),
        line: at.map(|a| line_of(text, a)),
        message,
    };
    let raw: Raw = toml::from_str(text).map_err(|e| {
        let message = e.message().trim().replace('\n', " ");
        err(e.span().map(|s| s.start), message)
    })?;
    let mut c = Config { path: Some(path.into()), ..Config::default() };
    c.dir = raw.dir.map(|d| expand_home(d.into_inner()));
    c.browser = raw.browser.map(Spanned::into_inner).filter(|b| !b.trim().is_empty());
    c.show_drafts = raw.show_drafts.map(Spanned::into_inner);
    c.open_advances = raw.open_advances.map(Spanned::into_inner);
    c.browser_in_terminal = raw.browser_in_terminal.map(Spanned::into_inner);
    if let Some(s) = raw.sort {
        c.sort = Some(match s.get_ref().as_str() {
            "newest" => Sort::Newest,
            "oldest" => Sort::Oldest,
            "title" => Sort::Title,
            "source" => Sort::Source,
            other => {
                return Err(err(
                    Some(s.span().start),
                    format!("`sort` is {other:?}: use newest, oldest, title or source"),
                ));
            }
        });
    }
    if let Some(t) = raw.theme {
        let entries = [
            ("muted", t.muted),
            ("highlight", t.highlight),
            ("tag", t.tag),
            ("url", t.url),
            ("error", t.error),
            ("selected_fg", t.selected_fg),
            ("selected_bg", t.selected_bg),
        ];
        for (name, value) in entries {
            let Some(v) = value else { continue };
            let color = Color::from_str(v.get_ref()).map_err(|_| {
                err(
                    Some(v.span().start),
                    format!("theme.{name} = {:?} is not a colour (a name, #rrggbb or 0-255)", v.get_ref()),
                )
            })?;
            c.colors.push((name.to_string(), color));
        }
    }
    c.feeds = feeds::parse(raw.feeds.unwrap_or_default(), &err)?;
    if let Some(d) = raw.default_feed {
        if c.feed(d.get_ref()).is_none() {
            return Err(err(
                Some(d.span().start),
                format!("default_feed = {:?} names no [feeds.*] entry", d.get_ref()),
            ));
        }
        c.default_feed = Some(d.into_inner());
    }
    for (name, query) in raw.views.unwrap_or_default() {
        let at = text.find(&format!("{name} =")).or_else(|| text.find(&name));
        match query {
            toml::Value::String(q) if !name.trim().is_empty() && name.chars().count() <= 30 => {
                c.views.push((crate::text::sanitize::one_line(&name), q))
            }
            toml::Value::String(_) => {
                return Err(err(at, format!("views.{name:?}: a view's name is 1 to 30 characters")));
            }
            _ => {
                return Err(err(
                    at,
                    format!("views.{name} must be a query in quotes, like \"#kubernetes -in:events\""),
                ));
            }
        }
    }
    c.default_view = raw.default_view.map(Spanned::into_inner);
    c.remember_view = raw.remember_view.map(Spanned::into_inner);
    c.fetch_private_addresses = raw.fetch_private_addresses.map(Spanned::into_inner);
    c.article_cache_mb = raw.article_cache_mb.map(Spanned::into_inner);
    c.prefetch = raw.prefetch.map(Spanned::into_inner);
    c.follow_links_outside = raw.follow_links_outside.map(Spanned::into_inner);
    c.keys = parse_keys(raw.keys.unwrap_or_default(), &err)?;
    c.state_sync = raw.state_sync.map(Spanned::into_inner);
    c.state = raw.state.map(|st| parse_state(st, &err)).transpose()?;
    commands::parse(&mut c, raw.share, raw.pipe, raw.notify, text, &err)?;
    c.pipe_json = commands::pipe_json(raw.pipe_format, &err)?;
    c.mute = mute::parse(raw.mute.unwrap_or_default(), text, &err)?;
    Ok(c)
}

/// A config error at a byte offset of the file (`parse`'s `err`).
type ErrAt<'a> = dyn Fn(Option<usize>, String) -> ConfigError + 'a;

/// `[keys]`: each command's keys.
fn parse_keys(
    raw_keys: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    err: &ErrAt,
) -> Result<Vec<(String, Vec<Key>)>, ConfigError> {
    let mut out = Vec::new();
    for (name, keys) in raw_keys {
        if !COMMAND_NAMES.iter().any(|(n, _)| n == name.get_ref()) {
            let known: Vec<&str> = COMMAND_NAMES.iter().map(|(n, _)| *n).collect();
            // A setting written below `[keys]` is read as one of its entries.
            let hint = if TOP_LEVEL_KEYS.contains(&name.get_ref().as_str()) {
                format!(
                    "`{}` is a setting, not a command: move it above the first [table] of the file; ",
                    name.get_ref()
                )
            } else {
                String::new()
            };
            return Err(err(
                Some(name.span().start),
                format!("unknown key `keys.{}`: {hint}the commands are {}", name.get_ref(), known.join(", ")),
            ));
        }
        let list = match keys.get_ref() {
            toml::Value::String(k) => vec![k.clone()],
            toml::Value::Array(ks) if ks.iter().all(toml::Value::is_str) => {
                ks.iter().filter_map(|k| k.as_str().map(str::to_string)).collect()
            }
            _ => {
                return Err(err(
                    Some(keys.span().start),
                    format!(
                        "keys.{} must be a key in quotes or a list of them, like \"q\" or [\"q\", \"Ctrl-c\"]",
                        name.get_ref()
                    ),
                ));
            }
        };
        let mut parsed = Vec::new();
        for k in &list {
            parsed.push(parse_key(k).ok_or_else(|| {
                err(
                    Some(keys.span().start),
                    format!(
                        "keys.{} = {k:?} is not a key (e.g. \"l\", \"Ctrl-o\", \"Enter\", \"F2\")",
                        name.get_ref()
                    ),
                )
            })?);
        }
        out.push((name.into_inner(), parsed));
    }
    Ok(out)
}

/// `[state]`: the repository the marks are shared through, and this
/// machine's name in it (default: the host name).
fn parse_state(st: Spanned<RawState>, err: &ErrAt) -> Result<crate::sources::state::StateRepo, ConfigError> {
    let at = Some(st.span().start);
    let st = st.into_inner();
    let url = st
        .git
        .ok_or_else(|| err(at, "[state] needs git = \"URL\": the repository the marks are kept in".into()))?;
    crate::sources::git::valid_url(&url).map_err(|e| err(at, format!("[state] has git = {e}")))?;
    let device = match st.device {
        None => crate::sources::state::default_device(),
        Some(d) => match crate::sources::state::device_name(&d) {
            Some(name) if name == d => name,
            _ => {
                return Err(err(
                    at,
                    format!("[state] device = {d:?}: a device's name is letters, digits, - _ and ."),
                ));
            }
        },
    };
    Ok(crate::sources::state::StateRepo { url, device })
}

fn expand_home(p: String) -> PathBuf {
    match (p.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(p),
    }
}

impl Config {
    /// The theme: the built-in colours with `[theme]` applied, or no colour
    /// at all when `no_color` (NO_COLOR) is set.
    pub fn theme(&self, no_color: bool, depth: crate::ui::theme::Depth) -> Theme {
        if no_color {
            return Theme::PLAIN;
        }
        let mut t = Theme::for_depth(depth);
        for (name, color) in &self.colors {
            let color = &depth.fit(*color);
            match name.as_str() {
                "muted" => t.muted = t.muted.fg(*color),
                "highlight" => t.highlight = t.highlight.fg(*color),
                "tag" => t.tag = t.tag.fg(*color),
                "url" => t.url = t.url.fg(*color),
                "error" => t.error = t.error.fg(*color),
                "selected_fg" => t.selected = t.selected.fg(*color),
                "selected_bg" => t.selected = t.selected.bg(*color),
                _ => {}
            }
        }
        t
    }

    /// The key table with `[keys]` applied.
    pub fn keymap(&self) -> KeyMap {
        let mut map = KeyMap::default();
        for (name, keys) in &self.keys {
            if let Some((_, cmd)) = COMMAND_NAMES.iter().find(|(n, _)| n == name) {
                map.remap(*cmd, keys.clone());
            }
        }
        map
    }
}

mod commands;
mod feeds;
mod mute;
#[cfg(test)]
mod tests;
