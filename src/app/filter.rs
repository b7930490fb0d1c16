//! The filter box: letters typed, the query re-read, the matches recomputed.

use super::App;
use crate::app::keys::Mode;
use crate::search::{Narrow, Query};

impl App {
    /// Letters typed into the filter or the tag picker; controls are dropped.
    pub(super) fn type_text(&mut self, text: &str) {
        let clean = text.chars().filter(|c| !c.is_control());
        match self.view.mode {
            Mode::Filter => {
                self.filter.query_text.extend(clean);
                self.refilter();
            }
            Mode::Tags => {
                self.pickers.tag_input.extend(clean);
                self.refilter_tags();
            }
            // A digit picks a section: 1 the first, 0 all.
            Mode::List | Mode::Sections => {
                if let Some(n) = text.chars().last().and_then(|c| c.to_digit(10)) {
                    self.pick_section(n as usize);
                }
            }
            _ => {}
        }
    }

    /// Re-reads the query and recomputes the matches. The selection follows
    /// the selected post; when the post has left the view, the nearest row.
    pub(super) fn refilter(&mut self) {
        let keep = self.view.matches.get(self.view.selected).map(|m| (m.idx, self.view.selected));
        let query = Query::parse(&self.filter.query_text);
        if !query.is_empty() {
            self.ensure_index();
        }
        let n = query.terms.len();
        let previous = std::mem::take(&mut self.filter.raw);
        let whole = std::mem::replace(&mut self.filter.raw_whole, true);
        let empty = crate::search::Index::default();
        // A new term starts: what the terms before it matched is the base
        // every spelling of the new term is filtered from.
        if n >= 2
            && self.filter.query.terms.len() == n - 1
            && query.terms[..n - 1] == self.filter.query.terms[..]
        {
            self.filter.base = Some((self.filter.query.terms.clone(), previous.clone(), whole));
        }
        // A query that only grew can only lose matches: look at those alone,
        // and score only the terms that changed. Otherwise, when only the
        // last term changed, start from the base.
        let (from_whole, narrow) = match query.narrowing(&self.filter.query) {
            Some((start, drop_last)) => (whole, Some(Narrow { from: &previous, start, drop_last })),
            None => self
                .filter
                .base
                .as_ref()
                .filter(|(terms, _, _)| n >= 1 && terms.len() == n - 1 && query.terms[..n - 1] == terms[..])
                .map_or((true, None), |(_, base, w)| {
                    (*w, Some(Narrow { from: base, start: n - 1, drop_last: false }))
                }),
        };
        let index = self.filter.index.as_ref().unwrap_or(&empty);
        // By index, before the view's own filters and order: the next
        // keystroke narrows from it.
        let (mut raw, mut whole) =
            self.filter.matcher.matches_within_lazily(&query, &self.feed.posts, index, narrow);
        // Narrowed from the closest class of the words alone: what that
        // gives stands only if it holds a post with every word in its
        // closest class (closest() then keeps only such posts, word by
        // word); else every post is looked at.
        if !from_whole {
            whole = false;
            if !raw.iter().any(|m| m.loose == 0) {
                (raw, whole) =
                    self.filter.matcher.matches_within_lazily(&query, &self.feed.posts, index, None);
            }
        }
        // Fuzz is decided within the view: a section with no post of the
        // closest class found over the feed needs the rest.
        if let (false, Some(section)) = (whole, &self.view.section) {
            let posts = &self.feed.posts;
            let in_view =
                |m: &crate::search::Match| posts.get(m.idx).is_some_and(|p| *p.section == **section);
            if !raw.iter().any(|m| in_view(m) && m.loose == 0) {
                raw = self.filter.matcher.matches_within(&query, posts, index, None);
                whole = true;
            }
        }
        self.view.matches = raw.clone();
        self.filter.raw = raw;
        self.filter.raw_whole = whole;
        if let Some(section) = &self.view.section {
            let posts = &self.feed.posts;
            self.view.matches.retain(|m| posts.get(m.idx).is_some_and(|p| *p.section == **section));
        }
        self.filter.matcher.drop_muted(&query, &mut self.view.matches);
        // Fuzz is the last resort: within the view, a term keeps only the
        // posts that hold it when any does. Then the view's order.
        let order = crate::search::order::Order {
            newest: self.filter.by_newest,
            ranks: Some(&self.filter.sort_ranks),
            now: self.feed.clock,
        };
        self.filter.loose =
            crate::search::order::arrange(&query, &mut self.view.matches, &self.feed.posts, &order);
        self.filter.query = query;
        match keep {
            Some((idx, row)) => self.follow(idx, row),
            None => {
                self.view.offset = 0;
                self.select(0);
            }
        }
    }

    /// Selects the row of post `idx`, or, when it is not in view, the
    /// nearest row: the top of a ranked list, else where the post would
    /// have stood in the list's order (`row`, its old row, for events).
    pub(super) fn follow(&mut self, idx: usize, row: usize) {
        if let Some(i) = self.view.matches.iter().position(|m| m.idx == idx) {
            self.select(i);
            return;
        }
        let ranked = self.filter.query.ranks_by_score() && !self.filter.by_newest;
        let i = if ranked {
            0
        } else if !self.filter.sort_ranks.is_empty() {
            let ranks = &self.filter.sort_ranks;
            let rank = |i: usize| ranks.get(i).copied().unwrap_or(u32::MAX);
            self.view.matches.partition_point(|m| rank(m.idx) < rank(idx))
        } else if self.is_event_view() {
            row
        } else {
            self.view.matches.partition_point(|m| m.idx < idx)
        };
        self.view.detail_scroll = 0;
        self.select(i);
    }

    /// Forgets the last query and what it matched, so the next
    /// [`App::refilter`] looks at every post (after the feed, the clock or
    /// the view changed).
    pub(super) fn forget_query(&mut self) {
        self.filter.query = Query::default();
        self.filter.raw.clear();
        self.filter.raw_whole = true;
        self.filter.base = None;
    }

    /// Matches the query again in every tier when only its closest class
    /// was (`raw_whole`), keeping the view: what a later key narrows from.
    pub(super) fn complete_raw(&mut self) {
        let empty = crate::search::Index::default();
        let index = self.filter.index.as_ref().unwrap_or(&empty);
        self.filter.raw =
            self.filter.matcher.matches_within(&self.filter.query, &self.feed.posts, index, None);
        self.filter.raw_whole = true;
    }

    /// As [`App::refilter`], from scratch (the view changed, not the query).
    pub(super) fn refilter_keeping(&mut self) {
        self.forget_query();
        self.refilter();
    }

    /// Whether every post in view is an event (the events section, or
    /// `kind:event`): then they are ordered by when they happen.
    pub fn is_event_view(&self) -> bool {
        crate::search::all_events(&self.view.matches, &self.feed.posts)
    }

    /// Picks row `n` of the section picker: 0 is all sections, 1 the first,
    /// then the views after the sections.
    pub(super) fn pick_section(&mut self, n: usize) {
        self.view.mode = Mode::List;
        if n > self.feed.sections.len() {
            if n - self.feed.sections.len() <= self.settings.views.len() {
                self.apply_view(n - self.feed.sections.len() - 1);
            } else {
                self.say(format!("there is no section {n}: Tab lists them"), true);
            }
            return;
        }
        let section =
            n.checked_sub(1).and_then(|i| self.feed.sections.get(i)).map(|(name, _, _)| name.clone());
        // A view is a query over every section: a section (or all of them)
        // leaves it, its query with it. A query of the reader's own stays.
        if self.active_view().is_some() {
            self.filter.query_text.clear();
        }
        self.set_section(section);
    }

    /// Shows only `section`'s posts (`None`: all), keeping the selection where it can.
    pub(super) fn set_section(&mut self, section: Option<String>) {
        self.view.section = section;
        self.refilter_keeping();
        // A new section opens at its top, not where the old post would stand.
        self.view.offset = 0;
        self.select(0);
        let label = self.section_label();
        self.say(format!("showing {label}"), false);
    }

    /// The section shown, by its title: "all sections" when none is chosen.
    pub fn section_label(&self) -> String {
        match &self.view.section {
            None => "all sections".into(),
            Some(s) => self
                .feed
                .sections
                .iter()
                .find(|(n, _, _)| n == s)
                .map_or_else(|| s.clone(), |(n, t, _)| if t.is_empty() { n.clone() } else { t.clone() }),
        }
    }
}
