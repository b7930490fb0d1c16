//! Where a feed comes from: a folder named on the command line or in
//! `$LINKFEED_DIR`, a feed of the config file (a folder, or a git repository
//! followed by `linkfeed sync`), or the sample bundled into the binary.
//!
//! - [`git`]: fetching a git feed into a copy of its own (below the config,
//!   which names git feeds by [`git::GitFeed`]);
//! - [`newness`]: what the last sync brought (`sync.json`, `is:new`);
//! - this module: [`resolve`], which picks the feed a command reads.

mod error;
pub mod git;
pub mod newness;
pub mod notify;
pub mod state;
pub mod web;

use crate::config::{self, Config};
use crate::feed::Source;
use std::collections::HashSet;
use std::path::PathBuf;

/// A feed `linkfeed sync` follows into the data folder: a git repository
/// or a web feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Followed {
    Git(git::GitFeed),
    Web(web::WebFeed),
}

impl Followed {
    pub fn name(&self) -> &str {
        match self {
            Followed::Git(g) => &g.name,
            Followed::Web(w) => &w.name,
        }
    }

    pub fn url(&self) -> &str {
        match self {
            Followed::Git(g) => &g.url,
            Followed::Web(w) => &w.url,
        }
    }

    /// The posts' folder inside the copy (`current/PATH`; `current` for a
    /// web feed).
    pub fn path(&self) -> &str {
        match self {
            Followed::Git(g) => &g.path,
            Followed::Web(_) => "",
        }
    }

    /// The folder of the feed's copy (below [`git::feeds_dir`]).
    pub fn dir(&self, root: &std::path::Path) -> PathBuf {
        root.join(self.name())
    }

    /// One sync of the feed into `dir`.
    pub fn sync(
        &self,
        dir: &std::path::Path,
        options: &crate::article::Options,
        progress: &dyn Fn(git::Step),
    ) -> Result<newness::Report, git::SyncError> {
        match self {
            Followed::Git(g) => git::sync(g, dir, progress),
            Followed::Web(w) => web::sync(w, dir, options),
        }
    }

    /// The feed of the config file, when it is followed.
    pub fn of(feed: &config::Feed) -> Option<Followed> {
        match feed {
            config::Feed::Git(g) => Some(Followed::Git(g.clone())),
            config::Feed::Web(w) => Some(Followed::Web(w.clone())),
            config::Feed::Dir { .. } => None,
        }
    }
}

/// What to read: the folder, and, for a synced feed, the feed and its copy.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub source: Source,
    /// Where the choice came from (for `linkfeed config`).
    pub from: config::From,
    /// A synced feed (git or web) and the folder of its copy.
    pub git: Option<(Followed, PathBuf)>,
    /// The feed's name, when it was opened by name.
    pub name: Option<String>,
}

impl Resolved {
    /// The posts the last sync of a git feed brought (empty for a folder).
    pub fn new_posts(&self) -> HashSet<PathBuf> {
        match &self.git {
            Some((g, dir)) => newness::new_posts(dir, g.path()).into_iter().collect(),
            None => HashSet::new(),
        }
    }
}

/// Why the feed a command names cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("no feed is called {name:?} in the config file (feeds: {known})")]
    NoSuchFeed { name: String, known: String },
    #[error("neither XDG_DATA_HOME nor HOME is set")]
    NoDataFolder,
    #[error("the feed {0:?} has not been synced yet: run `linkfeed sync {0}`")]
    NotSynced(String),
}

/// The folder named, else `--feed`, else $LINKFEED_DIR, else the
/// configuration's `default_feed`, else its `dir`, else the bundled sample;
/// and where that came from. A named feed that does not exist, or a git feed
/// never synced, is an error.
pub fn resolve(dir: Option<PathBuf>, feed: Option<&str>, config: &Config) -> Result<Resolved, ResolveError> {
    let plain = |source, from| Ok(Resolved { source, from, git: None, name: None });
    if let Some(d) = dir {
        return plain(Source::Dir(d), config::From::Flag("DIR argument"));
    }
    let named = |name: &str, from: config::From| -> Result<Resolved, ResolveError> {
        match config.feed(name) {
            None => {
                let known: Vec<&str> = config.feeds.iter().map(config::Feed::name).collect();
                let known = if known.is_empty() { "none".to_string() } else { known.join(", ") };
                Err(ResolveError::NoSuchFeed { name: name.to_string(), known })
            }
            Some(config::Feed::Dir { dir, .. }) => Ok(Resolved {
                source: Source::Dir(dir.clone()),
                from,
                git: None,
                name: Some(name.to_string()),
            }),
            Some(f @ (config::Feed::Git(_) | config::Feed::Web(_))) => {
                let g = Followed::of(f).ok_or(ResolveError::NoDataFolder)?;
                let root = git::feeds_dir().ok_or(ResolveError::NoDataFolder)?;
                let feed_dir = g.dir(&root);
                let content = git::content_dir(&feed_dir, g.path());
                if !feed_dir.join("current").exists() {
                    return Err(ResolveError::NotSynced(g.name().to_string()));
                }
                let name = Some(g.name().to_string());
                Ok(Resolved { source: Source::Dir(content), from, git: Some((g, feed_dir)), name })
            }
        }
    };
    if let Some(name) = feed {
        return named(name, config::From::Flag("--feed"));
    }
    if let Some(d) = std::env::var_os("LINKFEED_DIR").filter(|d| !d.is_empty()) {
        return plain(Source::Dir(PathBuf::from(d)), config::From::Env("LINKFEED_DIR"));
    }
    if let Some(name) = &config.default_feed {
        return named(name, config::From::File);
    }
    match &config.dir {
        Some(d) => plain(Source::Dir(d.clone()), config::From::File),
        None => plain(Source::Sample, config::From::Default),
    }
}
