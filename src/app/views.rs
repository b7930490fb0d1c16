//! Views of one's own: `[views]` in the config, each a name and a query.
//! They are listed after the sections in the section picker (numbered on
//! from them, so a digit picks one) and as tabs with their unread counts in
//! the list's top border when there are any. A view is active while the
//! query is its query and no section is chosen (derived, not stored).

use super::App;

impl App {
    /// The view whose query the filter holds, with no section chosen.
    pub fn active_view(&self) -> Option<usize> {
        if self.view.section.is_some() {
            return None;
        }
        self.settings.views.iter().position(|(_, q)| q.trim() == self.filter.query_text.trim())
    }

    /// Shows view `i`: its query, every section, from the top.
    pub(super) fn apply_view(&mut self, i: usize) {
        let Some((name, query)) = self.settings.views.get(i).cloned() else { return };
        self.view.section = None;
        self.filter.query_text = query;
        self.refilter_keeping();
        self.view.offset = 0;
        self.select(0);
        self.say(format!("showing {name}"), false);
    }

    /// Opens the section or view called `name` (a section by its folder
    /// name or title, case aside); false when there is none.
    pub(super) fn open_named(&mut self, name: &str) -> bool {
        let lower = name.to_lowercase();
        if let Some(i) = self.settings.views.iter().position(|(n, _)| n.to_lowercase() == lower) {
            self.apply_view(i);
            return true;
        }
        let section = self
            .feed
            .sections
            .iter()
            .find(|(n, t, _)| n.to_lowercase() == lower || t.to_lowercase() == lower);
        match section.map(|(n, _, _)| n.clone()) {
            Some(n) => {
                self.set_section(Some(n));
                true
            }
            None => false,
        }
    }

    /// Each view's posts and unread posts, counted again when the feed or
    /// the marks changed since the last count (a query per view over the
    /// feed: a few milliseconds each at 100,000 posts).
    pub(super) fn count_views(&mut self) {
        if self.settings.views.is_empty() {
            return;
        }
        // Counted again when the words of the posts' text come (the posts
        // came without it, or the index of its words came later).
        let text =
            (self.feed.text_pending, self.filter.index.as_ref().is_some_and(crate::search::Index::has_text));
        let key =
            (self.feed.posts.len(), self.marks.muted_count, self.marks.unread, self.feed.clock / 60, text);
        if self.pickers.view_counts_key == Some(key) {
            return;
        }
        self.pickers.view_counts_key = Some(key);
        self.ensure_index();
        let empty = crate::search::Index::default();
        let index = self.filter.index.as_ref().unwrap_or(&empty);
        let counts = self
            .settings
            .views
            .iter()
            .map(|(_, q)| {
                let query = crate::search::Query::parse(q);
                let mut matches = self.filter.matcher.filter_within(&query, &self.feed.posts, index, None);
                self.filter.matcher.drop_muted(&query, &mut matches);
                crate::search::closest(&query, &mut matches);
                let unread = matches
                    .iter()
                    .filter(|m| self.feed.posts.get(m.idx).is_some_and(|p| !self.is_read(p)))
                    .count();
                (matches.len(), unread)
            })
            .collect();
        self.pickers.view_counts = counts;
    }
}

/// What `remember_view` keeps between runs: the section, the filter and the
/// selected post.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SavedView {
    pub section: Option<String>,
    pub query: String,
    pub selected: Option<std::path::PathBuf>,
}

impl App {
    /// The view as it stands, for the next run.
    pub fn saved_view(&self) -> SavedView {
        SavedView {
            section: self.view.section.clone(),
            query: self.filter.query_text.clone(),
            selected: self.current().map(|p| p.path.clone()),
        }
    }

    /// Reopens a view saved by a previous run (a section that is gone is
    /// left out; a post that is gone leaves the top selected).
    pub(super) fn reopen(&mut self, saved: SavedView) {
        self.view.section = saved.section.filter(|s| self.feed.sections.iter().any(|(n, _, _)| n == s));
        self.filter.query_text = crate::text::sanitize::one_line(&saved.query);
        self.refilter_keeping();
        self.view.offset = 0;
        let at = saved.selected.as_ref().and_then(|p| {
            self.view.matches.iter().position(|m| self.feed.posts.get(m.idx).is_some_and(|x| &x.path == p))
        });
        // The post is not in view yet, perhaps only because the view is not
        // whole yet: selected once it is.
        if at.is_none() && !self.view_is_settled() {
            self.feed.restore_selection = saved.selected;
        }
        self.select(at.unwrap_or(0));
    }

    /// Whether the view holds every post its query matches: the whole feed
    /// is in (not the newest posts alone) and a query that looks for words
    /// in the tldr and summary has them (the posts' own, or the word index
    /// of the text), not posts that came without them.
    pub(super) fn view_is_settled(&self) -> bool {
        let q = &self.filter.query;
        let words_missing =
            q.uses_text_words() && !self.filter.index.as_ref().is_some_and(crate::search::Index::has_text);
        let text_missing = self.feed.text_pending && (q.reads_long_text() || words_missing);
        self.feed.partial.is_none() && !text_missing
    }

    /// The post a restored view had selected, once the view holds it (or
    /// never, once the view is settled without it).
    pub(super) fn settle_restored_selection(&mut self) {
        let Some(path) = &self.feed.restore_selection else { return };
        let at = self
            .view
            .matches
            .iter()
            .position(|m| self.feed.posts.get(m.idx).is_some_and(|x| &x.path == path));
        if let Some(i) = at {
            self.feed.restore_selection = None;
            self.select(i);
        } else if self.view_is_settled() {
            self.feed.restore_selection = None;
        }
    }
}
