//! The filter box: letters typed, the query re-read, the matches recomputed.

use super::App;
use crate::app::keys::Mode;
use crate::search::{Narrow, Query};
use crate::store;

impl App {
    /// Letters typed into the filter or the tag picker; controls are dropped.
    pub(super) fn type_text(&mut self, text: &str) {
        let clean = text.chars().filter(|c| !c.is_control());
        match self.mode {
            Mode::Filter => {
                self.query_text.extend(clean);
                self.refilter();
            }
            Mode::Tags => {
                self.tag_input.extend(clean);
                self.refilter_tags();
            }
            _ => {}
        }
    }

    /// Re-reads the query and recomputes the matches; the first match is selected.
    pub(super) fn refilter(&mut self) {
        let query = Query::parse(&self.query_text);
        // A query that only grew can only lose matches: look at those alone,
        // and score only the terms that changed.
        let previous = query.narrowing(&self.query).map(|(start, drop_last)| {
            let mut from = std::mem::take(&mut self.matches);
            from.sort_unstable_by_key(|m| m.idx);
            (from, start, drop_last)
        });
        let narrow = previous.as_ref().map(|(from, start, drop_last)| Narrow {
            from,
            start: *start,
            drop_last: *drop_last,
        });
        self.matches = self.matcher.filter_within(&query, &self.posts, &self.index, narrow);
        if self.unread_only {
            let (posts, read) = (&self.posts, &self.read);
            self.matches
                .retain(|m| posts.get(m.idx).is_some_and(|p| !read.contains(store::read::key(p).as_ref())));
        }
        if !query.ranks_by_score() && !self.sort_ranks.is_empty() {
            let ranks = &self.sort_ranks;
            self.matches.sort_unstable_by_key(|m| ranks.get(m.idx).copied().unwrap_or(u32::MAX));
        }
        self.query = query;
        self.offset = 0;
        self.select(0);
        self.detail_scroll = 0;
    }
}
