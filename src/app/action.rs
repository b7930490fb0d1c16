//! What can change the app ([`Action`]) and what it asks the event loop to
//! do ([`Effect`]).

use super::keys::Input;
use super::{SavedView, Settings};
use crate::feed::Feed;
use crate::search::Index;
use std::collections::HashSet;
use std::time::Instant;

/// Everything that can change the app.
#[derive(Debug, Clone)]
pub enum Action {
    /// A key, as the key table read it.
    Key(Input),
    /// The terminal is now this many columns and rows.
    Resize(u16, u16),
    /// Time passes: expires old messages.
    Tick(Instant),
    /// The wall clock, in seconds since the epoch: events' "in 3 days" and
    /// `is:upcoming` are relative to it. Sent by the loop; injected by tests.
    Clock(i64),
    /// The browser was started for this URL, or could not be.
    Opened(Result<String, HostError>),
    /// A sync brought posts: the terminal's notification to write (OSC 9).
    Notify(String),
    /// A share target or the pipe ran (`what` names it): done, or why not.
    Ran { what: String, result: Result<(), HostError> },
    /// The browser was started on the URL; `Opened` follows once it held
    /// or failed.
    Opening(String),
    /// This text was put on the clipboard, or could not be.
    Copied(Result<String, HostError>),
    /// The marks were written, or could not be.
    Saved(Result<(), HostError>),
    /// A sync of the marks (`[state]`) finished: what came in, or why it
    /// failed; `asked` when the user asked for it (`S`).
    StateSynced {
        result:
            Result<crate::sources::state::StateSynced, std::sync::Arc<crate::sources::state::StateSyncError>>,
        asked: bool,
    },
    /// A sync finished: its report line and the posts it brought, or why it failed.
    Synced(Result<(String, Vec<std::path::PathBuf>), std::sync::Arc<crate::sources::git::SyncError>>),
    /// Another reader changed the marks: these are read and starred now.
    Marks(Box<(HashSet<String>, HashSet<String>)>),
    /// The marks' log changed on disk (perhaps another reader's marks):
    /// read what is new (`Effect::RefreshMarks`).
    MarksChanged,
    /// Background work has something to say (text, is it an error).
    Notice(String, bool),
    /// Nothing else to do: a slice of the idle work ([`super::App::needs_warm_up`]).
    Idle,
    /// The keys of the kept articles (after `Effect::ListArticles`).
    KeptArticles(Box<HashSet<u64>>),
    /// The words of the kept articles, by post (after `Effect::LoadArticleWords`).
    ArticleWords(Box<crate::search::ArticleWords>),
    /// The article of this URL (after `Effect::FetchArticle`), or why not.
    Article(
        String,
        Box<Result<(crate::article::Article, crate::article::Origin), crate::article::ArticleError>>,
    ),
    /// New settings (the theme, keys, views, ...).
    Settings(Box<Settings>),
    /// Open the view saved by `remember_view` (at start).
    Restore(SavedView),
    /// Open the section or `[views]` entry of this name (`default_view`).
    OpenView(String),
    /// The feed was read again (after `r`, or a change in the folder).
    Reloaded(Result<Box<Feed>, std::sync::Arc<crate::feed::LoadError>>),
    /// Several letters typed at once (a burst of keys): filtered once.
    Type(String),
    /// The body of the post file at this path was read (after
    /// `Effect::ReadBody`), or could not be.
    Body(std::path::PathBuf, Result<String, crate::feed::BodyError>),
    /// The search index saved for the posts with this key (after
    /// `Effect::LoadIndex`), with the word index of the text; or none fits.
    SavedIndex(u32, Option<Box<Index>>),
    /// The tldr and summary of these posts (by entry) from the parse cache's
    /// writing named (after `Effect::ReadTexts`), or why they could not be read.
    Texts(u64, Result<Vec<(u32, String, String)>, crate::cache::CacheError>),
    /// Every entry's tldr and summary from the parse cache's writing named
    /// (after `Effect::ReadLongText`), or none: it was written again.
    LongText(u64, Option<Vec<(String, String)>>),
    /// The word index of the text of the posts with this key, made from the
    /// parse cache (after `Effect::BuildTextWords`); or none could be.
    TextWords(u32, Option<Box<crate::search::words::TextWords>>),
    /// A left click at this column and row.
    Click(u16, u16),
    /// The wheel turned (down when true) over this column and row.
    Wheel { down: bool, column: u16, row: u16 },
}

/// Work for the event loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Open this URL (already checked by `sanitize::safe_url`).
    Open(String),
    /// Put this text on the clipboard.
    Copy(String),
    /// Keep these mark changes (append them to the shared state).
    Mark(Vec<crate::store::marks::Record>),
    /// Read the feed again (in the background); the result comes back as
    /// `Action::Reloaded`.
    Reload,
    /// Sync the open git feed in the background; the result comes back as
    /// `Action::Synced`.
    Sync,
    /// Share the marks through the `[state]` repository in the background
    /// (`Action::StateSynced` follows).
    SyncState,
    /// Run `[share]` target `target` (by its place) for each post.
    Share { target: usize, posts: Vec<Shared> },
    /// Send the posts to `pipe` on its standard input, one after the other.
    Pipe(Vec<Shared>),
    /// Keep a mute rule made by key (`on`), or its lifting
    /// (`store::mutes`).
    SaveMute { query: String, until: Option<String>, on: bool },
    /// Open these links in the browser, then go on with `then` (their marks).
    OpenMany { urls: Vec<String>, then: Option<Box<Effect>> },
    /// Write the terminal's notification (OSC 9) between two frames.
    Notify(String),
    /// Read what other readers appended to the marks' log; what changed
    /// comes back as `Action::Marks`.
    RefreshMarks,
    /// Fetch (or take from the cache) the article at this URL, in the
    /// background; it comes back as `Action::Article`.
    FetchArticle(String),
    /// List the kept articles (`article::cache::kept`); they come back as
    /// `Action::KeptArticles`.
    ListArticles,
    /// Fetch the articles of these links in the background, one at a time
    /// (`prefetch = true`, after a sync); the kept articles are listed
    /// again after (`Action::KeptArticles`), with a notice of how it went.
    Prefetch(Vec<String>),
    /// Read the words of the kept articles of these posts (index, link):
    /// they come back as `Action::ArticleWords`.
    LoadArticleWords(Vec<(usize, String)>),
    /// Read the body of this post file (`feed::read_body`); it comes back as
    /// `Action::Body`.
    ReadBody(std::path::PathBuf),
    /// Read the search index saved for the posts with this key
    /// (`search::saved::key`); it comes back as `Action::SavedIndex`.
    LoadIndex(u32),
    /// Keep this search index (with the word index of the text) of the
    /// posts with this key for the next run.
    SaveIndex(u32, Box<Index>),
    /// Read the tldr and summary of these posts (by entry) from the parse
    /// cache's writing named: the posts came without them (a feed loaded
    /// from the cache keeps them there, not in memory). They come back as
    /// `Action::Texts`.
    ReadTexts(u64, Vec<u32>),
    /// Read every entry's tldr and summary from the parse cache's writing
    /// named, in the background (a query that reads the text, with posts
    /// that do not hold it): `Action::LongText`.
    ReadLongText(u64),
    /// Make the word index of the text of the posts with this key (their
    /// entries, in order) from the parse cache's writing named, in the
    /// background: `Action::TextWords`.
    BuildTextWords {
        /// The posts' key (`search::saved`).
        key: u32,
        /// The parse cache's writing the entries are of.
        generation: u64,
        /// The posts' entries, in the posts' order.
        entries: Vec<u32>,
        /// How that writing numbers the one before, when it followed one.
        renumbering: Option<std::sync::Arc<crate::cache::Renumbering>>,
    },
    /// Stop the process for now (Ctrl-z), the terminal given back; it is
    /// taken again and drawn afresh when the shell continues it.
    Suspend,
}

/// Why something the event loop did for the app failed; the words are the
/// status line's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostError {
    /// The browser could not be started, or it exited failing: how, and
    /// what to set.
    #[error("{0}")]
    Browser(String),
    /// The terminal did not take the text for the clipboard.
    #[error("{0}")]
    Clipboard(String),
    #[error("no HOME or XDG_STATE_HOME to keep them in")]
    NoStateFolder,
    /// The marks' log could not be read or written.
    #[error("{}: {reason}", path.display())]
    MarksLog { path: std::path::PathBuf, reason: String },
    /// A share target or the pipe failed: how it ended and its first line
    /// of errors.
    #[error("{0}")]
    Command(String),
}

/// A post as a share target or the pipe gets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared {
    pub url: String,
    pub title: String,
    pub tags: Vec<String>,
    /// The post's file.
    pub file: std::path::PathBuf,
    /// The article as Markdown, when reader mode shows it.
    pub article: Option<String>,
    /// RFC 3339, when the post has a date.
    pub date: Option<String>,
    pub source: String,
    pub tldr: String,
    pub summary: String,
}

impl Shared {
    /// `post` as the share targets and the pipe get it; `article` is the
    /// article as Markdown when reader mode shows it.
    pub fn of(post: &crate::post::Post, article: Option<String>) -> Self {
        Shared {
            url: crate::text::sanitize::safe_url(&post.url).unwrap_or_default(),
            title: post.title.clone(),
            tags: post.tags.iter().map(|t| t.to_string()).collect(),
            file: post.path.clone(),
            article,
            date: post.date.map(|d| d.to_rfc3339()),
            source: post.source.to_string(),
            tldr: post.tldr.to_string(),
            summary: post.summary.to_string(),
        }
    }
}
