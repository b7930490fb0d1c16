//! The reader's state machine: [`App`], built once from a feed and its
//! [`Settings`], and the one place it changes, [`App::update`] (an
//! [`Action`] in, perhaps an [`Effect`] out).
//!
//! Owns: the state, grouped by concern in `state.rs` with fields private to
//! this module (the view reads accessors); the key table (`keys`); the
//! filter box and the order of a view (`filter`, `sort`, `views`); marks and
//! undo (`marks`); selection and scrolling (`selection`); the pickers
//! (`overlays`); the detail pane's lines (`detail`).
//!
//! The app does no I/O: opening a URL is an [`Effect`] the event loop carries
//! out, and its outcome comes back as [`Action::Opened`]; so do reloads,
//! syncs, bodies read from disk and other readers' marks.

pub mod detail;
mod reader;
pub use reader::ArticleState;
mod state;
mod update;
pub use state::Settings;
use state::{FeedView, ListView, MarkState, Pickers, QueryState};
mod filter;
mod views;
pub use views::SavedView;
pub mod keys;
mod marks;
pub use marks::Confirm;
mod overlays;
mod selection;
mod sort;

pub use sort::Sort;

use crate::app::keys::{Cmd, Input, Mode};
use crate::feed::Feed;
use crate::post::Post;
use crate::problem::Severity;
use crate::search::{Index, Match, Matcher, Query};
use crate::text::sanitize;
use crate::ui::theme::Theme;
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// How many bodies read from disk are kept (the posts last shown).
pub const BODIES_KEPT: usize = 64;

/// How long a status message stays.
pub const MESSAGE_TTL: Duration = Duration::from_secs(5);

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
    Opened(Result<String, String>),
    /// The browser was started on the URL; `Opened` follows once it held
    /// or failed.
    Opening(String),
    /// This text was put on the clipboard, or could not be.
    Copied(Result<String, String>),
    /// The marks were written, or could not be.
    Saved(Result<(), String>),
    /// A sync finished: its report line and the posts it brought, or why it failed.
    Synced(Result<(String, Vec<std::path::PathBuf>), String>),
    /// Another reader changed the marks: these are read and starred now.
    Marks(Box<(HashSet<String>, HashSet<String>)>),
    /// The marks' log changed on disk (perhaps another reader's marks):
    /// read what is new (`Effect::RefreshMarks`).
    MarksChanged,
    /// Background work has something to say (text, is it an error).
    Notice(String, bool),
    /// Nothing else to do: a slice of the idle work ([`App::needs_warm_up`]).
    Idle,
    /// The keys of the kept articles (after `Effect::ListArticles`).
    KeptArticles(Box<HashSet<u64>>),
    /// The words of the kept articles, by post (after `Effect::LoadArticleWords`).
    ArticleWords(Box<crate::search::ArticleWords>),
    /// The article of this URL (after `Effect::FetchArticle`), or why not.
    Article(String, Box<Result<(crate::article::Article, crate::article::Origin), String>>),
    /// New settings (the theme, keys, views, ...).
    Settings(Box<Settings>),
    /// Open the view saved by `remember_view` (at start).
    Restore(SavedView),
    /// Open the section or `[views]` entry of this name (`default_view`).
    OpenView(String),
    /// The feed was read again (after `r`, or a change in the folder).
    Reloaded(Result<Box<Feed>, String>),
    /// Several letters typed at once (a burst of keys): filtered once.
    Type(String),
    /// The body of the post file at this path was read (after
    /// `Effect::ReadBody`), or could not be.
    Body(std::path::PathBuf, Result<String, String>),
    /// The search index saved for the posts with this key (after
    /// `Effect::LoadIndex`), with the word index of the text; or none fits.
    SavedIndex(u32, Option<Box<Index>>),
    /// The tldr and summary of these posts (by entry) from the parse cache's
    /// writing named (after `Effect::ReadTexts`), or why they could not be read.
    Texts(u64, Result<Vec<(u32, String, String)>, String>),
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
    BuildTextWords(u32, u64, Vec<u32>, Option<std::sync::Arc<crate::cache::Renumbering>>),
    /// Stop the process for now (Ctrl-z), the terminal given back; it is
    /// taken again and drawn afresh when the shell continues it.
    Suspend,
}

/// Where the word index of the long text stands (see [`App::warm_up`]).
#[derive(Debug, Default)]
enum WordIndex {
    /// Not asked for yet (or done: the search index then has it).
    #[default]
    Waiting,
    /// A saved one was asked for (the text's key).
    Asked(u32),
    /// Being built, a slice of posts at a time.
    Building(u32, crate::search::words::Builder),
    /// Built and sorted; turned into each word's posts next.
    Sorted(u32, crate::search::words::Sorted),
}

/// A short-lived line in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
    pub at: Instant,
}

/// The whole state of the reader, grouped by concern (`state.rs`).
pub struct App {
    settings: Settings,
    feed: FeedView,
    filter: QueryState,
    view: ListView,
    pickers: Pickers,
    marks: MarkState,
}

impl App {
    /// The reader of `feed` with the built-in settings.
    pub fn new(feed: Feed, source_label: String) -> App {
        App::with_settings(feed, source_label, Settings::default())
    }

    /// The reader of `feed`, called `source_label`, with `settings`: built
    /// once; from here on only [`App::update`] changes it. A feed drawn from
    /// the parse cache unchecked (`stats.unchecked`) shows that its check is
    /// running.
    pub fn with_settings(feed: Feed, source_label: String, settings: Settings) -> App {
        let checking_cache = feed.stats.unchecked;
        let sort = settings.sort;
        let mut app = App {
            settings,
            feed: FeedView {
                posts: Vec::new(),
                problems: Vec::new(),
                skipped: 0,
                source_label,
                root: std::path::PathBuf::new(),
                generation: None,
                renumbering: None,
                text_pending: false,
                texts_unreadable: false,
                long_text_asked: false,
                restore_selection: None,
                reload_asked: false,
                sections: Vec::new(),
                new_posts: std::collections::HashSet::new(),
                syncing: false,
                sync_report: None,
                checking_cache: false,
                partial: None,
                clock: 0,
            },
            filter: QueryState {
                query_text: String::new(),
                query: Query::default(),
                matcher: Matcher::default(),
                index: None,
                text_words: WordIndex::Waiting,
                raw: Vec::new(),
                raw_whole: true,
                loose: Vec::new(),
                base: None,
                sort: Sort::Newest,
                by_newest: false,
                sort_ranks: Vec::new(),
            },
            view: ListView {
                article: None,
                spinner: 0,
                mode: Mode::List,
                matches: Vec::new(),
                selected: 0,
                offset: 0,
                detail_scroll: 0,
                size: (80, 24),
                message: None,
                show_detail: false,
                focus_detail: false,
                section: None,
                detail: Vec::new(),
                detail_for: None,
                bodies: std::collections::HashMap::new(),
                confirm: None,
                should_quit: false,
                help_scroll: 0,
            },
            pickers: Pickers {
                tags: Vec::new(),
                tags_all: Vec::new(),
                tags_stale: true,
                facets_whole: false,
                view_counts: Vec::new(),
                view_counts_key: None,
                section_counts: None,
                tag_input: String::new(),
                tag_matches: Vec::new(),
                tag_selected: 0,
                problem_selected: 0,
                section_selected: 0,
            },
            marks: MarkState {
                kept_articles: HashSet::new(),
                articles_asked: false,
                article_bits: Vec::new(),
                read: HashSet::new(),
                starred: HashSet::new(),
                unread: 0,
                pending_read: None,
                undo: Vec::new(),
                unsaved: None,
            },
        };
        app.replace_feed(feed);
        app.feed.checking_cache = checking_cache;
        if let Some(sort) = sort {
            app.set_sort(sort);
        }
        app.refresh_detail();
        app
    }

    /// The selected post, if any.
    pub fn current(&self) -> Option<&Post> {
        self.view.matches.get(self.view.selected).and_then(|m| self.feed.posts.get(m.idx))
    }

    pub fn matcher(&self) -> &Matcher {
        &self.filter.matcher
    }

    /// The one place state changes.
    pub fn update(&mut self, action: Action) -> Option<Effect> {
        // A reader who moves on has chosen: a restored selection waits no more.
        if matches!(action, Action::Key(_) | Action::Type(_) | Action::Click(..) | Action::Wheel { .. }) {
            self.feed.restore_selection = None;
        }
        let effect = self.apply(action);
        self.settle_restored_selection();
        self.article_follows_selection();
        self.refresh_detail();
        self.count_views();
        effect.or_else(|| self.body_request()).or_else(|| self.text_request())
    }

    /// Every post's text, from the cache, once (`Effect::ReadLongText`).
    pub(super) fn ask_long_text(&mut self) -> Option<Effect> {
        let generation =
            self.feed.generation.filter(|_| !self.feed.long_text_asked && self.feed.text_pending)?;
        self.feed.long_text_asked = true;
        Some(Effect::ReadLongText(generation))
    }

    /// The selected post's tldr and summary, when the post came without
    /// them and they can be read from the cache (each post asked once: an
    /// answer that does not bring it stops the asking).
    fn text_request(&mut self) -> Option<Effect> {
        if !self.feed.text_pending || self.feed.texts_unreadable {
            return None;
        }
        let generation = self.feed.generation?;
        // A query that reads the text needs every post's.
        if self.filter.query.reads_long_text() && !self.feed.long_text_asked {
            return self.ask_long_text();
        }
        let post = self.current()?;
        (post.left_out != 0).then_some(Effect::ReadTexts(generation, vec![post.entry?]))
    }

    /// The selected post's body, when it lives on disk and has not been
    /// read. The answer (even a failure) is kept, so it is asked for until
    /// it comes, and then never again.
    fn body_request(&self) -> Option<Effect> {
        let post = self.current()?;
        if !post.body_in_file || self.view.bodies.contains_key(&post.path) {
            return None;
        }
        Some(Effect::ReadBody(post.path.clone()))
    }

    /// The selected post's Markdown body: kept in the post, read from disk,
    /// or (not read yet) empty.
    pub fn body_of<'a>(&'a self, post: &'a Post) -> &'a str {
        if !post.body.is_empty() {
            return &post.body;
        }
        self.view.bodies.get(&post.path).map_or("", String::as_str)
    }

    /// The detail pane's lines for the selected post at the pane's width.
    pub fn detail_lines(&self) -> &[detail::DetailLine] {
        &self.view.detail
    }

    /// Whether [`App::detail_lines`] is for the selected post at the current size.
    pub fn detail_is_current(&self) -> bool {
        self.view.detail_for == self.detail_key()
    }

    fn detail_key(&self) -> Option<(usize, usize, i64, bool, u32)> {
        let m = self.view.matches.get(self.view.selected)?;
        let post = self.feed.posts.get(m.idx)?;
        let has_body = !post.body_in_file || self.view.bodies.contains_key(&post.path);
        let width = self.areas().detail_inner.width as usize;
        Some((m.idx, width, self.feed.clock / 60, has_body, self.article_stamp()))
    }

    /// Rebuilds the detail pane's lines when the selection, the width or the
    /// clock's minute changed: once per change, never per frame.
    pub(super) fn refresh_detail(&mut self) {
        let key = self.detail_key();
        if key == self.view.detail_for {
            return;
        }
        self.view.detail = match (key, self.current(), &self.view.article) {
            (Some((_, width, ..)), Some(post), Some(article)) => {
                detail::build_article(post, article, self.view.spinner, width)
            }
            (Some((_, width, ..)), Some(post), None) => {
                detail::build(post, self.body_of(post), width, self.feed.clock, &self.feed.root)
            }
            _ => Vec::new(),
        };
        self.view.detail_for = key;
        self.clamp_detail_scroll();
    }

    /// Sets the clock; `is:` terms and the order of events follow it, so a
    /// view that has either is filtered again when the minute changes.
    fn set_clock(&mut self, now: i64) {
        let changed = now / 60 != self.feed.clock / 60;
        self.feed.clock = now;
        self.filter.matcher.now = now;
        // Asked only when the minute changed: this runs on every tick.
        let timely = || {
            let by_time = |t: &crate::search::Term| {
                t.scope == crate::search::Scope::Is && matches!(t.text.as_str(), "upcoming" | "past")
            };
            self.filter.query.terms.iter().any(by_time) || self.is_event_view()
        };
        if changed && timely() {
            self.refilter_keeping();
        }
    }

    /// Takes a (freshly) loaded feed, keeping the query, the sort, the read
    /// state and, where it still exists, the selected post.
    fn replace_feed(&mut self, feed: Feed) {
        if let Some(new) = &feed.new_posts {
            self.feed.new_posts = new.iter().cloned().collect();
        }
        // A post a restored view had selected that the newest posts alone
        // did not hold is selected once the whole feed is in.
        let restore = if feed.partial.is_none() { self.feed.restore_selection.clone() } else { None };
        let keep = restore.or_else(|| self.current().map(|p| p.path.clone()));
        self.feed.skipped = feed.skipped();
        let mut problems = feed.problems;
        problems.sort_by(|a, b| a.severity.cmp(&b.severity).then_with(|| a.path.cmp(&b.path)));
        self.feed.problems = problems;
        self.pickers.problem_selected = 0;
        // Counted when the tag picker first opens (or when idle): not on the
        // way to the first screen.
        self.pickers.tags.clear();
        self.pickers.tags_all.clear();
        self.pickers.tags_stale = true;
        self.feed.root = feed.root;
        self.feed.partial = feed.partial;
        self.feed.generation = feed.cache_generation;
        self.feed.renumbering = feed.cache_renumbering;
        self.feed.text_pending = feed.posts.iter().any(|p| p.left_out != 0);
        self.feed.texts_unreadable = false;
        self.feed.long_text_asked = false;
        // The files may have changed: bodies are read again.
        self.view.bodies.clear();
        self.view.detail_for = None;
        let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for p in &feed.posts {
            *counts.entry(&*p.section).or_default() += 1;
        }
        self.feed.sections = feed
            .sections
            .into_iter()
            .filter_map(|(name, title)| {
                let n = counts.get(name.as_str()).copied().unwrap_or(0);
                // The newest posts alone hold only some sections: every one
                // is kept, so a view of another opens (and fills a moment later).
                (n > 0 || feed.partial.is_some()).then_some((name, title, n))
            })
            .collect();
        if self.view.section.as_ref().is_some_and(|s| !self.feed.sections.iter().any(|(n, _, _)| n == s)) {
            self.view.section = None;
        }
        self.feed.posts = feed.posts;
        // Reader mode's article, and the articles' words, are by index of
        // the old posts: listed and read again while idle.
        self.view.article = None;
        self.refresh_article_bits();
        self.filter.matcher.articles = None;
        self.marks.articles_asked = false;
        self.filter.index = None;
        self.filter.text_words = WordIndex::Waiting;
        self.filter.sort_ranks = if self.filter.sort == Sort::Newest {
            Vec::new()
        } else {
            self.filter.sort.ranks(&self.feed.posts)
        };
        self.refilter_tags();
        // The old matches index the old posts: filter from scratch, then
        // find the selected post by its path (or stay on its row).
        let row = self.view.selected;
        self.view.matches.clear();
        self.forget_query();
        self.marks_changed();
        self.refilter();
        let at = keep
            .as_ref()
            .and_then(|k| self.view.matches.iter().position(|m| self.feed.posts[m.idx].path == *k));
        match at {
            Some(i) => self.select(i),
            None => {
                // Perhaps out of view only until the view is whole (the
                // posts' text is still to come): selected again then.
                if !self.view_is_settled() {
                    self.feed.restore_selection = keep;
                }
                self.select(row)
            }
        }
        self.refresh_detail();
    }

    /// Puts the posts' tldr and summary back (by their cache entry), when
    /// they came without them; the view that reads them is made again.
    fn put_back_long_text(&mut self, mut texts: Vec<(String, String)>) {
        if !self.feed.text_pending {
            return;
        }
        for p in &mut self.feed.posts {
            if let Some((tldr, summary)) = p.entry.and_then(|e| texts.get_mut(e as usize)) {
                p.put_back_long_text(std::mem::take(tldr), std::mem::take(summary));
            }
        }
        self.feed.text_pending = false;
        self.view.detail_for = None;
        if !self.filter.query.is_empty() {
            self.refilter_keeping();
        }
        self.refresh_detail();
    }

    /// Whether there is work to do while the user is idle (see [`App::warm_up`]).
    pub fn needs_warm_up(&self) -> bool {
        // The word index of the text asked for while the posts lack their
        // text is made (or the text read) in the background: its answer
        // comes as an action, so the loop waits for it instead of turning.
        let text_coming = self.feed.text_pending && matches!(self.filter.text_words, WordIndex::Asked(_));
        let index_work = self
            .filter
            .index
            .as_ref()
            .is_none_or(|i| !i.has_short_words() || (!i.has_text() && !text_coming));
        (index_work || self.pickers.tags_stale || !self.marks.articles_asked || !self.filter.raw_whole)
            && !self.feed.posts.is_empty()
            // Nothing is built (or saved) from the newest posts alone.
            && self.feed.partial.is_none()
    }

    /// Builds the search index ahead of the first query, when the loop has
    /// nothing else to do (after the first frame), so no keystroke waits for
    /// it; then the tag counts; then the word index of the long text: the
    /// one saved by the last run if it fits these posts (`Effect::LoadIndex`),
    /// else built a slice of posts per call and then saved with the rest of
    /// the index (`Effect::SaveIndex`). Until it is there, queries scan the
    /// text.
    fn warm_up(&mut self) -> Option<Effect> {
        // One piece per call, each at most a few tens of milliseconds.
        if self.filter.index.is_none() {
            self.ensure_index();
            return None;
        }
        if self.pickers.tags_stale {
            self.count_tags();
            return None;
        }
        if !self.marks.articles_asked {
            // Which posts' articles reader mode keeps (`has:article`).
            self.marks.articles_asked = true;
            return Some(Effect::ListArticles);
        }
        // A one-word query matched only in its closest class: the rest is
        // matched now, so the next word or letter narrows from all of it.
        if !self.filter.raw_whole {
            self.complete_raw();
            return None;
        }
        // The words of the short fields: the first key of a word looks there.
        if let Some(index) = &self.filter.index
            && !index.has_short_words()
        {
            index.prepare_short_words();
            return None;
        }
        /// Posts indexed per call: a few milliseconds, so a key pressed
        /// meanwhile waits no longer than that.
        const SLICE: usize = 2048;
        match std::mem::take(&mut self.filter.text_words) {
            WordIndex::Waiting => {
                let key = crate::search::saved::key_for(&self.feed.posts, self.feed.generation);
                self.filter.text_words = WordIndex::Asked(key);
                Some(Effect::LoadIndex(key))
            }
            // Nothing came back, and the text is not in hand yet: wait.
            WordIndex::Asked(key) if self.feed.text_pending => {
                self.filter.text_words = WordIndex::Asked(key);
                None
            }
            // Nothing came back: build it.
            WordIndex::Asked(key) => {
                self.filter.text_words = WordIndex::Building(key, crate::search::words::Builder::new());
                None
            }
            WordIndex::Building(key, mut builder) => {
                let from = builder.len();
                for p in self.feed.posts.iter().skip(from).take(SLICE) {
                    builder.add(&crate::search::long_text(p));
                }
                self.filter.text_words = if builder.len() < self.feed.posts.len() {
                    WordIndex::Building(key, builder)
                } else {
                    WordIndex::Sorted(key, builder.sort())
                };
                None
            }
            WordIndex::Sorted(key, sorted) => {
                let index = self.filter.index.as_mut()?;
                index.set_text(sorted.finish().into());
                Some(Effect::SaveIndex(key, Box::new(index.clone())))
            }
        }
    }

    /// Scrolls the detail pane by `by` lines (negative: up), within its text.
    fn scroll_detail(&mut self, by: isize) {
        self.view.detail_scroll = self.view.detail_scroll.saturating_add_signed(by);
        self.clamp_detail_scroll();
    }

    /// A page of the detail pane: its height less a line, so the last line
    /// read stays in view.
    fn detail_page(&self) -> usize {
        (self.areas().detail_inner.height as usize).saturating_sub(1).max(1)
    }

    /// Builds the search index if the feed in hand has none yet.
    pub(super) fn ensure_index(&mut self) {
        if self.filter.index.is_none() {
            self.filter.index = Some(Index::new(&self.feed.posts));
        }
    }

    /// Counts the feed's tags, once per feed.
    fn count_tags(&mut self) {
        if std::mem::take(&mut self.pickers.tags_stale) {
            self.pickers.tags_all = crate::feed::tag_counts(&self.feed.posts);
        }
    }

    /// Whether the view is the whole feed (no query, no section).
    pub fn view_is_whole(&self) -> bool {
        self.filter.query.is_empty() && self.view.section.is_none()
    }

    /// Whether the pickers count the whole feed.
    pub fn facets_count_whole(&self) -> bool {
        self.pickers.facets_whole || self.view_is_whole()
    }

    /// The tag picker's counts: the posts in view, or the whole feed.
    fn facet_tags(&mut self) {
        self.count_tags();
        self.pickers.tags = if self.facets_count_whole() {
            self.pickers.tags_all.clone()
        } else {
            crate::feed::tag_counts(self.view.matches.iter().filter_map(|m| self.feed.posts.get(m.idx)))
        };
        self.refilter_tags();
    }

    /// The section picker's counts within the query: for each section, what
    /// showing it would list (fuzz decided within that section, as the
    /// view does), and for all sections.
    fn facet_sections(&mut self) {
        if self.filter.query.is_empty() || self.pickers.facets_whole {
            self.pickers.section_counts = None;
            return;
        }
        let mut groups: Vec<Vec<crate::search::Match>> = vec![Vec::new(); self.feed.sections.len()];
        // Every post the query matches: a section may need the loose ones.
        if !self.filter.raw_whole {
            self.complete_raw();
        }
        let raw = &self.filter.raw;
        for m in raw {
            let Some(p) = self.feed.posts.get(m.idx) else { continue };
            if let Some(i) = self.feed.sections.iter().position(|(n, _, _)| **n == *p.section) {
                groups[i].push(*m);
            }
        }
        let counts = groups
            .iter_mut()
            .map(|g| {
                crate::search::closest(&self.filter.query, g);
                g.len()
            })
            .collect();
        let mut all = raw.clone();
        crate::search::closest(&self.filter.query, &mut all);
        self.pickers.section_counts = Some((counts, all.len()));
    }

    fn say(&mut self, text: String, error: bool) {
        self.view.message = Some(Message { text, error, at: Instant::now() });
    }

    /// "42 posts, 5 unread", or "3 of 42, 5 unread" while filtered.
    pub fn count_label(&self) -> String {
        if let Some(whole) = self.feed.partial {
            return format!("{whole} posts, reading them…");
        }
        let total = self.feed.posts.len();
        let head = if self.filter.query.is_empty() && self.view.section.is_none() {
            format!("{total} post{}", if total == 1 { "" } else { "s" })
        } else {
            format!("{} of {total}", self.view.matches.len())
        };
        let only = if self.unread_only() { " (unread only)" } else { "" };
        format!("{head}, {} unread{only}", self.marks.unread)
    }

    /// How many problems are errors.
    pub fn error_count(&self) -> usize {
        self.feed.problems.iter().filter(|p| p.severity == Severity::Error).count()
    }
}
