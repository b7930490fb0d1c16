//! The reader's state, grouped by concern. The fields are private to `app`:
//! only [`App::update`] (and what it calls here) writes them; the view reads
//! them through `App`'s accessors.

use super::{
    App, Confirm, Index, Match, Matcher, Message, Mode, Query, Sort, Theme, detail, storage::WordIndex,
};
use crate::post::Post;
use crate::problem::Problem;
use std::collections::HashSet;

/// What the configuration (or a test) chose: set when the app is built or by `Action::Settings`.
#[derive(Debug, Clone)]
pub struct Settings {
    pub theme: Theme,
    /// The keys in force (built-in, remapped by the configuration).
    pub keymap: crate::app::keys::KeyMap,
    /// Opening a post moves to the next unread one.
    pub open_advances: bool,
    /// `[views]`: a name and its query, in the config's order.
    pub views: Vec<(String, String)>,
    /// The order when the query does not rank by score (`sort` in the config).
    pub sort: Option<Sort>,
    /// The name of the open git feed (`S` syncs it); `None` for a folder.
    pub sync_feed: Option<String>,
    /// After a sync (`S`), fetch the unread posts' articles (`prefetch = true`).
    pub prefetch: bool,
    /// The marks are shared through a `[state]` repository (`S` syncs
    /// them too).
    pub share_marks: bool,
    /// The `[share]` targets' names, in the config's order.
    pub share: Vec<String>,
    /// A `pipe` command is set.
    pub pipe: bool,
    /// The mute rules: the config's `[mute]`, then those made by key.
    pub mutes: Vec<crate::search::mute::Rule>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: Theme::default(),
            keymap: crate::app::keys::KeyMap::default(),
            open_advances: true,
            views: Vec::new(),
            sort: None,
            sync_feed: None,
            prefetch: false,
            share_marks: false,
            share: Vec::new(),
            pipe: false,
            mutes: Vec::new(),
        }
    }
}

/// The feed in hand and what is known about it.
pub(super) struct FeedView {
    pub(super) posts: Vec<Post>,
    pub(super) problems: Vec<Problem>,
    /// Files kept out of the feed by an error.
    pub(super) skipped: usize,
    /// "sample feed" or the folder.
    pub(super) source_label: String,
    /// The feed folder (empty for the bundled sample).
    pub(super) root: std::path::PathBuf,
    /// The parse cache's writing the posts are exactly (names them for the
    /// saved search index).
    pub(super) generation: Option<u64>,
    /// How that writing renumbered the one before (when the load wrote
    /// it): the saved word index of the text follows it.
    pub(super) renumbering: Option<std::sync::Arc<crate::cache::Renumbering>>,
    /// The posts came without their tldr and summary (a first screen from
    /// the cache); the check after it puts them back.
    pub(super) text_pending: bool,
    /// The cache could not give a post's text: not asked again (until the
    /// feed is read again).
    pub(super) texts_unreadable: bool,
    /// Every post's text was asked for (a query that reads it).
    pub(super) long_text_asked: bool,
    /// The post a restored view selected, not in view yet (the newest posts
    /// of a first screen alone, or posts without their text): selected
    /// once the view holds it (`App::settle_restored_selection`).
    pub(super) restore_selection: Option<std::path::PathBuf>,
    /// `r` asked for the reload under way (its end is said).
    pub(super) reload_asked: bool,
    /// Every section: folder name, title, posts.
    pub(super) sections: Vec<(String, String, usize)>,
    /// The posts the last sync brought (`is:new`, a `+` in the list).
    pub(super) new_posts: std::collections::HashSet<std::path::PathBuf>,
    /// A sync is running.
    pub(super) syncing: bool,
    /// The last sync's report line, said again once the feed is read again.
    pub(super) sync_report: Option<String>,
    /// The feed was drawn from the parse cache unchecked; the check is running.
    pub(super) checking_cache: bool,
    /// The posts are the newest only, for a first screen
    /// (`feed::LoadOptions::newest`): how many the whole feed has. The check
    /// after it brings the rest.
    pub(super) partial: Option<usize>,
    /// The wall clock (seconds since the epoch), as last told.
    pub(super) clock: i64,
}

/// The query, what it matched, the order.
pub(super) struct QueryState {
    pub(super) query_text: String,
    pub(super) query: Query,
    pub(super) matcher: Matcher,
    /// Lower-cased short fields of every post, for the filter's pre-check;
    /// built by the first query with terms (not at start: the first screen
    /// does not wait for it).
    pub(super) index: Option<Index>,
    /// The word index of the long text, being built a slice at a time while
    /// the reader is idle; handed to `index` when done.
    pub(super) text_words: WordIndex,
    /// What the query matched, by index, before the view's filters (unread,
    /// section) and order: the next keystroke narrows from it.
    pub(super) raw: Vec<Match>,
    /// `raw` holds every post the query matches (not only its closest
    /// class: `Matcher::matches_within_lazily`).
    pub(super) raw_whole: bool,
    /// The query's terms that no post in view holds: their close matches
    /// (a typo, letters in order) are shown, and the status bar says so.
    pub(super) loose: Vec<crate::search::Loose>,
    /// The terms before the last one and what they matched (by index):
    /// the last term is filtered from here while it is being typed.
    /// (Whether they are every post those terms match, or only their
    /// first word's closest class: see `raw_whole`.)
    pub(super) base: Option<(Vec<crate::search::Term>, Vec<Match>, bool)>,
    /// The order when the query does not rank by score.
    pub(super) sort: Sort,
    /// A query with words lists newest first instead of best match first
    /// (Ctrl-s).
    pub(super) by_newest: bool,
    /// Each post's position in `sort` (empty for `Sort::Newest`).
    pub(super) sort_ranks: Vec<u32>,
}

/// What is on the screen: mode, selection, scroll, size, message, the detail pane.
pub(super) struct ListView {
    /// Reader mode: the article shown in place of the selected post's text.
    pub(super) article: Option<super::reader::ArticleState>,
    /// The frame of the spinner while an article comes.
    pub(super) spinner: usize,
    pub(super) mode: Mode,
    /// The posts the query lets through, in display order.
    pub(super) matches: Vec<Match>,
    /// Index into `matches`.
    pub(super) selected: usize,
    /// First visible row of the list.
    pub(super) offset: usize,
    /// First visible line of the detail pane.
    pub(super) detail_scroll: usize,
    /// Terminal size in columns and rows.
    pub(super) size: (u16, u16),
    pub(super) message: Option<Message>,
    /// In a terminal too narrow for two panes, the detail pane is shown.
    pub(super) show_detail: bool,
    /// The keys that move (j/k, PgDn/PgUp, g/G) move the detail pane, not
    /// the list (`l`/`Right`; `h`/`Left` or `Esc` give them back).
    pub(super) focus_detail: bool,
    /// Only this section's posts are shown (`None`: all).
    pub(super) section: Option<String>,
    /// The detail pane's lines for the selected post, and what they were
    /// built for (post index, width, clock minute).
    pub(super) detail: Vec<detail::DetailLine>,
    pub(super) detail_for: Option<(usize, usize, i64, bool, u32)>,
    /// Bodies read from disk for the posts last shown, by path (a few; see
    /// [`BODIES_KEPT`]).
    pub(super) bodies: std::collections::HashMap<std::path::PathBuf, String>,
    /// The question waiting in the status bar (`Mode::Confirm`).
    pub(super) confirm: Option<Confirm>,
    /// A link hint waiting for its number (`f`, `F`).
    pub(super) hint: Option<super::links::Hint>,
    /// What the mute prompt's numbers stand for (`M`).
    pub(super) mute_choices: Vec<super::mutes::Choice>,
    pub(super) should_quit: bool,
    /// First line of the help overlay shown (when it does not fit).
    pub(super) help_scroll: usize,
}

/// What the views were last counted for: the posts, the muted ones, the
/// unread ones, the minute, and (the posts' text pending, its word index in).
pub(super) type ViewCountsKey = (usize, usize, usize, i64, (bool, bool));

/// The tag, section and problem pickers, and the views' counts.
pub(super) struct Pickers {
    /// The tag picker's tags with their post counts, most used first: in
    /// the view, or in the whole feed (`facets_whole`).
    pub(super) tags: Vec<(String, usize)>,
    /// Every tag of the feed with its post count (see `tags_stale`).
    pub(super) tags_all: Vec<(String, usize)>,
    /// `tags_all` is still to be counted for the feed in hand.
    pub(super) tags_stale: bool,
    /// The pickers count the whole feed rather than the view (`Ctrl-a`
    /// in a picker switches).
    pub(super) facets_whole: bool,
    /// Each view's (posts, unread), as last counted.
    pub(super) view_counts: Vec<(usize, usize)>,
    pub(super) view_counts_key: Option<ViewCountsKey>,
    /// The section picker's counts within the view (by `sections`' order,
    /// then all sections), when a query narrows it.
    pub(super) section_counts: Option<(Vec<usize>, usize)>,
    pub(super) tag_input: String,
    /// Indices into `tags` that the tag input lets through.
    pub(super) tag_matches: Vec<usize>,
    pub(super) tag_selected: usize,
    pub(super) problem_selected: usize,
    /// The row of the section picker (0 is "all sections").
    pub(super) section_selected: usize,
}

/// Read and starred marks, and the undo list.
pub(super) struct MarkState {
    /// The keys (`article::cache::key`) of the kept articles, once listed.
    pub(super) kept_articles: HashSet<u64>,
    /// Whether they were asked for.
    pub(super) articles_asked: bool,
    /// Each post's link has a kept article (by post index; empty: none kept).
    pub(super) article_bits: Vec<bool>,
    /// Keys (`state::key`) of the posts that have been read.
    pub(super) read: HashSet<String>,
    /// Keys of the starred posts.
    pub(super) starred: HashSet<String>,
    /// How many of `posts` are not in `read`.
    pub(super) unread: usize,
    /// The post being opened: read once the browser has started.
    pub(super) pending_read: Option<String>,
    /// The marks as they were before each marking action, newest last (`z`).
    pub(super) undo: Vec<Vec<crate::store::marks::Record>>,
    /// The change last handed to the store, until it says it kept it: what
    /// the marks were before, and whether it went on the undo stack.
    pub(super) unsaved: Option<(Vec<crate::store::marks::Record>, bool)>,
    /// The picked posts' keys (`x`, `X`): what `o m * | >` act on.
    pub(super) picked: HashSet<String>,
    /// Each post is muted by a rule in force (by post index; empty: none is).
    pub(super) muted: Vec<bool>,
    /// How many are.
    pub(super) muted_count: usize,
    /// The day (`YYYY-MM-DD`) the rules were last applied on: a rule that
    /// ends is dropped when the day turns.
    pub(super) mute_day: String,
}

impl App {
    pub fn posts(&self) -> &[Post] {
        &self.feed.posts
    }

    pub fn problems(&self) -> &[Problem] {
        &self.feed.problems
    }

    /// Files kept out of the feed by an error.
    pub fn skipped(&self) -> usize {
        self.feed.skipped
    }

    /// "sample feed" or the folder.
    pub fn source_label(&self) -> &str {
        &self.feed.source_label
    }

    /// What the configuration (or a test) chose.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn theme(&self) -> &Theme {
        &self.settings.theme
    }

    /// The keys in force (built-in, remapped by the configuration).
    pub fn keymap(&self) -> &crate::app::keys::KeyMap {
        &self.settings.keymap
    }

    pub fn mode(&self) -> Mode {
        self.view.mode
    }

    pub fn query_text(&self) -> &str {
        &self.filter.query_text
    }

    pub fn query(&self) -> &Query {
        &self.filter.query
    }

    /// The posts the query lets through, in display order.
    pub fn matches(&self) -> &[Match] {
        &self.view.matches
    }

    /// The query's terms that no post in view holds: their close matches
    /// (a typo, letters in order) are shown, and the status bar says so.
    pub fn loose(&self) -> &[crate::search::Loose] {
        &self.filter.loose
    }

    /// The order when the query does not rank by score.
    pub fn sort(&self) -> Sort {
        self.filter.sort
    }

    /// A query with words lists newest first instead of best match first
    /// (Ctrl-s).
    pub fn by_newest(&self) -> bool {
        self.filter.by_newest
    }

    /// Index into `matches`.
    pub fn selected(&self) -> usize {
        self.view.selected
    }

    /// First visible row of the list.
    pub fn offset(&self) -> usize {
        self.view.offset
    }

    /// First visible line of the detail pane.
    pub fn detail_scroll(&self) -> usize {
        self.view.detail_scroll
    }

    /// Terminal size in columns and rows.
    pub fn size(&self) -> (u16, u16) {
        self.view.size
    }

    pub fn message(&self) -> Option<&Message> {
        self.view.message.as_ref()
    }

    /// The tag picker's tags with their post counts, most used first: in
    /// the view, or in the whole feed (`facets_whole`).
    pub fn tags(&self) -> &[(String, usize)] {
        &self.pickers.tags
    }

    /// The pickers count the whole feed rather than the view (`Ctrl-a`
    /// in a picker switches).
    pub fn facets_whole(&self) -> bool {
        self.pickers.facets_whole
    }

    /// `[views]`: a name and its query, in the config's order.
    pub fn views(&self) -> &[(String, String)] {
        &self.settings.views
    }

    /// Each view's (posts, unread), as last counted.
    pub fn view_counts(&self) -> &[(usize, usize)] {
        &self.pickers.view_counts
    }

    /// The section picker's counts within the view (by `sections`' order,
    /// then all sections), when a query narrows it.
    pub fn section_counts(&self) -> Option<&(Vec<usize>, usize)> {
        self.pickers.section_counts.as_ref()
    }

    pub fn tag_input(&self) -> &str {
        &self.pickers.tag_input
    }

    /// Indices into `tags` that the tag input lets through.
    pub fn tag_matches(&self) -> &[usize] {
        &self.pickers.tag_matches
    }

    pub fn tag_selected(&self) -> usize {
        self.pickers.tag_selected
    }

    pub fn problem_selected(&self) -> usize {
        self.pickers.problem_selected
    }

    /// First line of the help overlay shown (when it does not fit).
    pub fn help_scroll(&self) -> usize {
        self.view.help_scroll
    }

    /// Keys (`state::key`) of the posts that have been read.
    pub fn read(&self) -> &HashSet<String> {
        &self.marks.read
    }

    /// Keys of the starred posts.
    pub fn starred(&self) -> &HashSet<String> {
        &self.marks.starred
    }

    /// How many of `posts` are not in `read`.
    /// How many posts the mute rules in force hide.
    pub fn muted_count(&self) -> usize {
        self.marks.muted_count
    }

    pub fn unread(&self) -> usize {
        self.marks.unread
    }

    /// The question waiting in the status bar (`Mode::Confirm`).
    pub fn confirm(&self) -> Option<&Confirm> {
        self.view.confirm.as_ref()
    }

    /// Opening a post moves to the next unread one.
    pub fn open_advances(&self) -> bool {
        self.settings.open_advances
    }

    /// In a terminal too narrow for two panes, the detail pane is shown.
    pub fn show_detail(&self) -> bool {
        self.view.show_detail
    }

    /// The keys that move (j/k, PgDn/PgUp, g/G) move the detail pane, not
    /// the list (`l`/`Right`; `h`/`Left` or `Esc` give them back).
    pub fn focus_detail(&self) -> bool {
        self.view.focus_detail
    }

    /// The posts the last sync brought (`is:new`, a `+` in the list).
    pub fn new_posts(&self) -> &std::collections::HashSet<std::path::PathBuf> {
        &self.feed.new_posts
    }

    /// The name of the open git feed (`S` syncs it); `None` for a folder.
    pub fn sync_feed(&self) -> Option<&str> {
        self.settings.sync_feed.as_deref()
    }

    /// A sync is running.
    pub fn syncing(&self) -> bool {
        self.feed.syncing
    }

    /// The feed was drawn from the parse cache unchecked; the check is running.
    pub fn checking_cache(&self) -> bool {
        self.feed.checking_cache
    }

    /// The feed folder (empty for the bundled sample).
    pub fn root(&self) -> &std::path::PathBuf {
        &self.feed.root
    }

    /// The wall clock (seconds since the epoch), as last told.
    pub fn clock(&self) -> i64 {
        self.feed.clock
    }

    /// Every section: folder name, title, posts.
    pub fn sections(&self) -> &[(String, String, usize)] {
        &self.feed.sections
    }

    /// Only this section's posts are shown (`None`: all).
    pub fn section(&self) -> Option<&str> {
        self.view.section.as_deref()
    }

    /// The row of the section picker (0 is "all sections").
    pub fn section_selected(&self) -> usize {
        self.pickers.section_selected
    }

    pub fn should_quit(&self) -> bool {
        self.view.should_quit
    }
}
