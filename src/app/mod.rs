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

mod action;
pub mod detail;
mod reader;
mod storage;
pub use reader::ArticleState;
mod state;
mod update;
pub use state::Settings;
use state::{FeedView, ListView, MarkState, Pickers, QueryState};
mod filter;
mod links;
mod views;
pub use views::SavedView;
pub mod keys;
mod marks;
mod mutes;
pub use marks::Confirm;
mod overlays;
mod picked;
mod selection;
mod sort;

pub use action::{Action, Effect, HostError, Shared};
pub use sort::Sort;
use storage::WordIndex;

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
                hint: None,
                mute_choices: Vec::new(),
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
                picked: Default::default(),
                muted: Vec::new(),
                muted_count: 0,
                mute_day: String::new(),
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
        if changed {
            self.mutes_follow_the_day();
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
        self.marks.muted.clear();
        self.marks.muted_count = 0;
        self.marks_changed();
        self.apply_mutes();
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

    /// Counts the feed's tags, once per feed (the muted posts left out).
    fn count_tags(&mut self) {
        if std::mem::take(&mut self.pickers.tags_stale) {
            let posts = self.feed.posts.iter().enumerate();
            self.pickers.tags_all =
                crate::feed::tag_counts(posts.filter(|(i, _)| !self.muted_at(*i)).map(|(_, p)| p));
        }
    }

    /// Each section's posts, the muted ones left out.
    pub(super) fn count_sections(&mut self) {
        let counted: usize = self.feed.sections.iter().map(|(_, _, n)| n).sum();
        if self.marks.muted_count == 0 && counted == self.feed.posts.len() {
            return;
        }
        let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (i, p) in self.feed.posts.iter().enumerate() {
            if !self.muted_at(i) {
                *counts.entry(&*p.section).or_default() += 1;
            }
        }
        for (name, _, n) in &mut self.feed.sections {
            *n = counts.get(name.as_str()).copied().unwrap_or(0);
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
        // The muted posts left out, as the view leaves them out.
        let mut raw = self.filter.raw.clone();
        self.filter.matcher.drop_muted(&self.filter.query, &mut raw);
        for m in &raw {
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
        let mut all = raw;
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
        let muted =
            if crate::search::mute::names_muted(&self.filter.query) { 0 } else { self.marks.muted_count };
        let total = self.feed.posts.len() - muted.min(self.feed.posts.len());
        let head = if self.filter.query.is_empty() && self.view.section.is_none() {
            format!("{total} post{}", if total == 1 { "" } else { "s" })
        } else {
            format!("{} of {total}", self.view.matches.len())
        };
        let only = if self.unread_only() { " (unread only)" } else { "" };
        let hidden = if muted > 0 { format!(", {muted} muted") } else { String::new() };
        format!("{head}, {} unread{only}{hidden}", self.marks.unread)
    }

    /// How many problems are errors.
    pub fn error_count(&self) -> usize {
        self.feed.problems.iter().filter(|p| p.severity == Severity::Error).count()
    }
}
