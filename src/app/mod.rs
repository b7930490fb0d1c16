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
mod state;
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
use crate::problem::{Problem, Severity};
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
    /// Read the body of this post file (`feed::read_body`); it comes back as
    /// `Action::Body`.
    ReadBody(std::path::PathBuf),
    /// Read the search index saved for the posts with this key
    /// (`search::saved::key`); it comes back as `Action::SavedIndex`.
    LoadIndex(u32),
    /// Keep this search index (with the word index of the text) of the
    /// posts with this key for the next run.
    SaveIndex(u32, Box<Index>),
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
                sections: Vec::new(),
                new_posts: std::collections::HashSet::new(),
                syncing: false,
                sync_report: None,
                checking_cache: false,
                clock: 0,
            },
            filter: QueryState {
                query_text: String::new(),
                query: Query::default(),
                matcher: Matcher::default(),
                index: None,
                text_words: WordIndex::Waiting,
                raw: Vec::new(),
                loose: Vec::new(),
                base: None,
                sort: Sort::Newest,
                by_newest: false,
                sort_ranks: Vec::new(),
            },
            view: ListView {
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
                read: HashSet::new(),
                starred: HashSet::new(),
                unread: 0,
                pending_read: None,
                undo: Vec::new(),
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
        let effect = self.apply(action);
        self.refresh_detail();
        self.count_views();
        effect.or_else(|| self.body_request())
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

    fn apply(&mut self, action: Action) -> Option<Effect> {
        match action {
            Action::Clock(now) => self.set_clock(now),
            Action::Body(path, result) => {
                if self.view.bodies.len() >= BODIES_KEPT {
                    self.view.bodies.clear();
                }
                let text = result.unwrap_or_else(|e| {
                    format!("(could not read the body again: {})", sanitize::one_line(&e))
                });
                self.view.bodies.insert(path, text);
            }
            Action::SavedIndex(key, found) => {
                if let WordIndex::Asked(asked) = self.filter.text_words
                    && asked == key
                {
                    match found {
                        Some(saved) if saved.len() == self.feed.posts.len() && saved.has_text() => {
                            self.filter.index = Some(*saved);
                            self.filter.text_words = WordIndex::Waiting;
                        }
                        _ => {
                            self.filter.text_words =
                                WordIndex::Building(key, crate::search::words::Builder::new())
                        }
                    }
                }
            }
            Action::Resize(w, h) => {
                self.view.size = (w, h);
                self.select(self.view.selected);
                self.clamp_detail_scroll();
            }
            Action::Tick(now) => {
                let asking = self.view.mode == Mode::Confirm;
                if !asking
                    && self.view.message.as_ref().is_some_and(|m| now.duration_since(m.at) >= MESSAGE_TTL)
                {
                    self.view.message = None;
                }
            }
            Action::Opened(Ok(url)) => {
                self.say(format!("opened {}", sanitize::one_line(&url)), false);
                // Opening a post reads it.
                return self.opened();
            }
            Action::Synced(result) => {
                self.feed.syncing = false;
                match result {
                    Ok((report, new)) => {
                        self.feed.new_posts = new.into_iter().collect();
                        let report = sanitize::one_line(&report);
                        self.say(format!("{report}; reading it again…"), false);
                        self.feed.sync_report = Some(report);
                        return Some(Effect::Reload);
                    }
                    Err(e) => self.say(format!("sync failed: {}", sanitize::one_line(&e)), true),
                }
            }
            Action::Marks(marks) => {
                let (read, starred) = *marks;
                self.set_marks(read, starred);
            }
            Action::MarksChanged => return Some(Effect::RefreshMarks),
            Action::Settings(settings) => {
                let sort = settings.sort;
                self.settings = *settings;
                self.pickers.view_counts_key = None;
                if let Some(sort) = sort {
                    self.set_sort(sort);
                }
            }
            Action::Restore(saved) => self.reopen(saved),
            Action::Idle => return self.warm_up(),
            Action::OpenView(name) => {
                if !self.open_named(&name) {
                    self.say(
                        format!("default_view = {:?} names no section or view", sanitize::one_line(&name)),
                        true,
                    );
                }
            }
            Action::Notice(text, error) => self.say(sanitize::one_line(&text), error),
            Action::Saved(Ok(())) => {}
            // A check that found the files as cached loads nothing: the
            // feed in hand stands (never replaced by the empty one).
            Action::Reloaded(Ok(feed)) if feed.stats.checked_unchanged => self.feed.checking_cache = false,
            Action::Reloaded(Ok(feed)) if self.feed.checking_cache => {
                // The check of the cache the first screen came from.
                self.feed.checking_cache = false;
                let s = feed.stats;
                if s.parsed > 0 || s.stale > 0 || feed.cache_note.is_some() {
                    self.replace_feed(*feed);
                    // An edited file is both a stale entry and a parse: counted once.
                    let n = s.parsed.max(s.stale);
                    self.say(
                        format!(
                            "updated: {n} file{} changed since the last run",
                            if n == 1 { "" } else { "s" }
                        ),
                        false,
                    );
                }
            }
            Action::Reloaded(Ok(feed)) => {
                self.replace_feed(*feed);
                match self.feed.sync_report.take() {
                    Some(report) => self.say(report, false),
                    None => self.say(format!("reloaded: {}", self.count_label()), false),
                }
            }
            Action::Reloaded(Err(e)) => {
                self.say(format!("could not reload: {}", sanitize::one_line(&e)), true)
            }
            Action::Saved(Err(e)) => {
                self.say(format!("could not save the marks: {}", sanitize::one_line(&e)), true)
            }
            Action::Copied(Ok(text)) => {
                self.say(format!("copied {} to the clipboard", sanitize::one_line(&text)), false)
            }
            Action::Copied(Err(e)) => self.say(format!("could not copy: {}", sanitize::one_line(&e)), true),
            Action::Opening(url) => self.say(format!("opening {}…", sanitize::one_line(&url)), false),
            // The post stays unread.
            Action::Opened(Err(e)) => {
                self.marks.pending_read = None;
                self.say(format!("could not open the page: {}", sanitize::one_line(&e)), true)
            }
            Action::Key(Input::Char(c)) => self.type_text(&c.to_string()),
            Action::Type(text) => self.type_text(&text),
            Action::Click(column, row) => self.click(column, row),
            Action::Wheel { down, column, row } => self.wheel(down, column, row),
            Action::Key(Input::Cmd(cmd)) => return self.command(cmd),
        }
        None
    }

    fn command(&mut self, cmd: Cmd) -> Option<Effect> {
        let page = self.list_height();
        match (self.view.mode, cmd) {
            (_, Cmd::Quit) => self.view.should_quit = true,
            (Mode::Confirm, Cmd::Yes) => return self.answer(true),
            (Mode::Confirm, _) => return self.answer(false),
            // One pane at a time: Esc goes back from the detail to the list.
            (Mode::List, Cmd::ClearFilter) if self.detail_only() => self.view.show_detail = false,
            (Mode::List, Cmd::Open)
                if crate::ui::layout::one_pane(self.view.size.0) && !self.view.show_detail =>
            {
                self.view.show_detail = true;
                self.refresh_detail();
            }
            // The detail pane has the keys that move.
            (Mode::List, Cmd::FocusDetail) => self.view.focus_detail = true,
            (Mode::List, Cmd::FocusList) => self.view.focus_detail = false,
            (Mode::List, Cmd::ClearFilter) if self.view.focus_detail => self.view.focus_detail = false,
            (Mode::List, Cmd::Down) if self.view.focus_detail => self.scroll_detail(1),
            (Mode::List, Cmd::Up) if self.view.focus_detail => self.scroll_detail(-1),
            (Mode::List, Cmd::DetailPageDown) => self.scroll_detail(self.detail_page() as isize),
            (Mode::List, Cmd::DetailPageUp) => self.scroll_detail(-(self.detail_page() as isize)),
            (Mode::List, Cmd::PageDown) if self.view.focus_detail => {
                self.scroll_detail(self.detail_page() as isize)
            }
            (Mode::List, Cmd::PageUp) if self.view.focus_detail => {
                self.scroll_detail(-(self.detail_page() as isize))
            }
            (Mode::List, Cmd::HalfPageDown) if self.view.focus_detail => {
                self.scroll_detail(self.detail_page().div_ceil(2) as isize)
            }
            (Mode::List, Cmd::HalfPageUp) if self.view.focus_detail => {
                self.scroll_detail(-(self.detail_page().div_ceil(2) as isize))
            }
            (Mode::List, Cmd::First) if self.view.focus_detail => self.view.detail_scroll = 0,
            (Mode::List, Cmd::Last) if self.view.focus_detail => self.scroll_detail(isize::MAX / 2),
            (Mode::Tags, Cmd::Down) => self.tag_select(self.pickers.tag_selected.saturating_add(1)),
            (Mode::Tags, Cmd::Up) => self.tag_select(self.pickers.tag_selected.saturating_sub(1)),
            (Mode::Tags, Cmd::Backspace) => {
                self.pickers.tag_input.pop();
                self.refilter_tags();
            }
            (Mode::Tags, Cmd::PickTag) => self.pick_tag(),
            (Mode::Problems, Cmd::Down) => {
                self.pickers.problem_selected =
                    (self.pickers.problem_selected + 1).min(self.feed.problems.len().saturating_sub(1))
            }
            (Mode::Problems, Cmd::Up) => {
                self.pickers.problem_selected = self.pickers.problem_selected.saturating_sub(1)
            }
            (Mode::Help, Cmd::Down) => {
                let max = self.help_overflow();
                self.view.help_scroll = (self.view.help_scroll + 1).min(max);
            }
            (Mode::Help, Cmd::Up) => self.view.help_scroll = self.view.help_scroll.saturating_sub(1),
            (Mode::Help | Mode::Tags | Mode::Problems | Mode::Sections, Cmd::Close) => {
                self.view.mode = Mode::List
            }
            (Mode::Sections, Cmd::Down) => {
                self.pickers.section_selected = (self.pickers.section_selected + 1)
                    .min(self.feed.sections.len() + self.settings.views.len())
            }
            (Mode::Sections, Cmd::Up) => {
                self.pickers.section_selected = self.pickers.section_selected.saturating_sub(1)
            }
            (Mode::Sections, Cmd::PickSection) => self.pick_section(self.pickers.section_selected),
            (Mode::List, Cmd::SectionPicker) => {
                self.pickers.section_selected = match &self.view.section {
                    None => 0,
                    Some(s) => self.feed.sections.iter().position(|(n, _, _)| n == s).map_or(0, |i| i + 1),
                };
                self.facet_sections();
                self.view.mode = Mode::Sections;
            }
            (Mode::Help, Cmd::Help) => self.view.mode = Mode::List,
            (Mode::Filter, Cmd::Backspace) => {
                self.filter.query_text.pop();
                self.refilter();
            }
            (Mode::Filter, Cmd::AcceptFilter) => {
                self.view.mode = Mode::List;
                self.select(0);
            }
            (Mode::Filter | Mode::List, Cmd::ClearFilter) => {
                self.view.mode = Mode::List;
                if !self.filter.query_text.is_empty() {
                    self.filter.query_text.clear();
                    self.refilter();
                }
            }
            (Mode::Filter | Mode::List, Cmd::Down) => self.select(self.view.selected.saturating_add(1)),
            (Mode::Filter | Mode::List, Cmd::Up) => self.select(self.view.selected.saturating_sub(1)),
            (Mode::List, Cmd::First) => self.select(0),
            (Mode::List, Cmd::Last) => self.select(usize::MAX),
            (Mode::List, Cmd::PageDown) => self.select(self.view.selected.saturating_add(page)),
            (Mode::List, Cmd::PageUp) => self.select(self.view.selected.saturating_sub(page)),
            (Mode::List, Cmd::HalfPageDown) => {
                self.select(self.view.selected.saturating_add(page.div_ceil(2)))
            }
            (Mode::List, Cmd::HalfPageUp) => self.select(self.view.selected.saturating_sub(page.div_ceil(2))),
            (Mode::List, Cmd::DetailDown) => {
                self.view.detail_scroll += 1;
                self.clamp_detail_scroll();
            }
            (Mode::List, Cmd::DetailUp) => {
                self.view.detail_scroll = self.view.detail_scroll.saturating_sub(1)
            }
            (Mode::List, Cmd::StartFilter) => {
                // A new filter starts a new errand: the last message has had its say.
                self.view.message = None;
                self.view.mode = Mode::Filter;
            }
            (Mode::List, Cmd::Help) => {
                self.view.help_scroll = 0;
                self.view.mode = Mode::Help;
            }
            (Mode::List, Cmd::TagPicker) => {
                self.pickers.tag_input.clear();
                self.facet_tags();
                self.view.mode = Mode::Tags;
            }
            (Mode::Tags, Cmd::FacetScope) => {
                self.pickers.facets_whole = !self.pickers.facets_whole;
                self.facet_tags();
            }
            (Mode::Sections, Cmd::FacetScope) => {
                self.pickers.facets_whole = !self.pickers.facets_whole;
                self.facet_sections();
            }
            (Mode::List, Cmd::Problems) => {
                if self.feed.problems.is_empty() {
                    self.say("every file loaded cleanly".into(), false);
                } else {
                    self.pickers.problem_selected = 0;
                    self.view.mode = Mode::Problems;
                }
            }
            (Mode::List, Cmd::Open) => return self.open(),
            (Mode::List, Cmd::Sync) => match (&self.settings.sync_feed, self.feed.syncing) {
                (None, _) => self.say("this feed is a folder, not a git feed: nothing to sync".into(), true),
                (Some(_), true) => self.say("a sync is already running".into(), false),
                (Some(name), false) => {
                    self.say(format!("syncing {name}…"), false);
                    self.feed.syncing = true;
                    return Some(Effect::Sync);
                }
            },
            (Mode::List, Cmd::Reload) => {
                self.say("reloading…".into(), false);
                return Some(Effect::Reload);
            }
            (Mode::List, Cmd::ToggleRead) => return self.toggle_read(),
            (Mode::List, Cmd::ToggleStar) => return self.toggle_star(),
            (Mode::List, Cmd::NextUnread) => self.next_unread(true),
            (Mode::List, Cmd::PrevUnread) => self.next_unread(false),
            (Mode::List, Cmd::MarkAllRead) => return self.mark_all_read(),
            (Mode::List, Cmd::Undo) => return self.undo(),
            (Mode::List, Cmd::UnreadOnly) => self.toggle_unread_only(),
            (Mode::List, Cmd::CopyUrl) => match self.current().map(|p| p.url.clone()) {
                Some(url) if !url.is_empty() => return Some(Effect::Copy(url)),
                Some(_) => self.say("this post has no URL".into(), true),
                None => self.say("no post is selected".into(), true),
            },
            (Mode::List, Cmd::CycleSort) => self.cycle_sort(),
            (Mode::List | Mode::Filter, Cmd::ToggleRanking) => {
                self.filter.by_newest = !self.filter.by_newest;
                self.refilter_keeping();
                let order = if self.filter.by_newest { "newest first" } else { "best match first" };
                let note = if self.filter.query.ranks_by_score() { "" } else { " (once a query has words)" };
                self.say(format!("a query lists {order}{note}"), false);
            }
            _ => {}
        }
        None
    }

    /// The detail pane's lines for the selected post at the pane's width.
    pub fn detail_lines(&self) -> &[detail::DetailLine] {
        &self.view.detail
    }

    /// Whether [`App::detail_lines`] is for the selected post at the current size.
    pub fn detail_is_current(&self) -> bool {
        self.view.detail_for == self.detail_key()
    }

    fn detail_key(&self) -> Option<(usize, usize, i64, bool)> {
        let m = self.view.matches.get(self.view.selected)?;
        let post = self.feed.posts.get(m.idx)?;
        let has_body = !post.body_in_file || self.view.bodies.contains_key(&post.path);
        Some((m.idx, self.areas().detail_inner.width as usize, self.feed.clock / 60, has_body))
    }

    /// Rebuilds the detail pane's lines when the selection, the width or the
    /// clock's minute changed: once per change, never per frame.
    pub(super) fn refresh_detail(&mut self) {
        let key = self.detail_key();
        if key == self.view.detail_for {
            return;
        }
        self.view.detail = match (key, self.current()) {
            (Some((_, width, _, _)), Some(post)) => {
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
        let keep = self.current().map(|p| p.path.clone());
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
                (n > 0).then_some((name, title, n))
            })
            .collect();
        if self.view.section.as_ref().is_some_and(|s| !self.feed.sections.iter().any(|(n, _, _)| n == s)) {
            self.view.section = None;
        }
        self.feed.posts = feed.posts;
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
        match keep.and_then(|k| self.view.matches.iter().position(|m| self.feed.posts[m.idx].path == k)) {
            Some(i) => self.select(i),
            None => self.select(row),
        }
        self.refresh_detail();
    }

    /// Whether there is work to do while the user is idle (see [`App::warm_up`]).
    pub fn needs_warm_up(&self) -> bool {
        let text_pending = self.filter.index.as_ref().is_none_or(|i| !i.has_text());
        (text_pending || self.pickers.tags_stale) && !self.feed.posts.is_empty()
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
        /// Posts indexed per call: a few milliseconds, so a key pressed
        /// meanwhile waits no longer than that.
        const SLICE: usize = 2048;
        match std::mem::take(&mut self.filter.text_words) {
            WordIndex::Waiting => {
                let key = crate::search::saved::key(&self.feed.posts);
                self.filter.text_words = WordIndex::Asked(key);
                Some(Effect::LoadIndex(key))
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
        for m in &self.filter.raw {
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
        let mut all = self.filter.raw.clone();
        crate::search::closest(&self.filter.query, &mut all);
        self.pickers.section_counts = Some((counts, all.len()));
    }

    fn say(&mut self, text: String, error: bool) {
        self.view.message = Some(Message { text, error, at: Instant::now() });
    }

    /// "42 posts, 5 unread", or "3 of 42, 5 unread" while filtered.
    pub fn count_label(&self) -> String {
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
