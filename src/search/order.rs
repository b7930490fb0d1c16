//! The order of results, one rule for the reader and `list`: fuzz as the
//! last resort ([`closest`]), best first for a query with words (or newest
//! first when asked), the view's own order otherwise, events by when they
//! happen.

use super::{LOOSE_TERMS, Match, Query};
use crate::post::Post;

/// A term matched only loosely: its text and how (1 a typo, 2 letters in order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loose {
    pub text: String,
    pub looseness: u8,
}

impl Loose {
    /// What the status bar and `list -q` say of it.
    pub fn message(loose: &[Loose]) -> Option<String> {
        let names: Vec<String> = loose
            .iter()
            .map(|l| {
                format!(
                    "'{}'",
                    crate::text::sanitize::truncate_chars(&crate::text::sanitize::one_line(&l.text), 30)
                )
            })
            .collect();
        (!names.is_empty()).then(|| format!("no post has {}: showing close matches", names.join(" or ")))
    }
}

/// Fuzz as the last resort: for each term in turn, keeps only the matches of
/// its closest class among `matches` (the view's scope): the posts that hold
/// the term itself when any does, else those one typo away, else those with
/// its letters in order. Order is kept. Returns the terms that matched only
/// loosely.
pub fn closest(q: &Query, matches: &mut Vec<Match>) -> Vec<Loose> {
    let mut loose = Vec::new();
    for (i, t) in q.terms.iter().enumerate().take(LOOSE_TERMS) {
        let Some(best) = matches.iter().map(|m| m.looseness(i)).min() else { break };
        if best > 0 {
            loose.push(Loose { text: t.text.clone(), looseness: best });
        }
        if matches.iter().any(|m| m.looseness(i) != best) {
            matches.retain(|m| m.looseness(i) == best);
        }
    }
    loose
}

/// Whether every match is an event (the events section, `kind:event`):
/// such a view is ordered by when the events happen.
pub fn all_events(matches: &[Match], posts: &[Post]) -> bool {
    !matches.is_empty() && matches.iter().all(|m| posts.get(m.idx).is_some_and(|p| p.event.is_some()))
}

/// Orders events: upcoming first, soonest first; then past ones, most
/// recent first; events without a date last. `now` in seconds.
pub fn sort_events(matches: &mut [Match], posts: &[Post], now: i64) {
    matches.sort_by_cached_key(|m| {
        let e = posts.get(m.idx).and_then(|p| p.event.as_deref());
        let start = e.and_then(|e| e.start).map(|d| d.timestamp());
        match (e.and_then(|e| e.is_upcoming(now)), start) {
            (Some(true), Some(t)) => (0, t, m.idx),
            (Some(false), Some(t)) => (1, -t, m.idx),
            _ => (2, 0, m.idx),
        }
    });
}

/// Best score first, ties newest first (the feed's order).
pub fn best_first(matches: &mut [Match]) {
    matches.sort_unstable_by(|a, b| b.score.cmp(&a.score).then(a.idx.cmp(&b.idx)));
}

/// How a view orders what a query matched.
#[derive(Debug, Clone, Copy, Default)]
pub struct Order<'a> {
    /// A query with words lists newest first, not best first.
    pub newest: bool,
    /// The view's own order when the list is not ranked (`sort = ...`): a
    /// rank per post index, lowest first. Empty or `None`: the feed's order.
    pub ranks: Option<&'a [u32]>,
    /// The clock events are ordered by (seconds since the epoch).
    pub now: i64,
}

/// Puts `matches` of `q` in the order the reader and `list` show them:
/// fuzz pruned to the closest class ([`closest`]); a query with words best
/// first (ties newest first), or newest first
/// with `order.newest`; otherwise the view's ranks when it has them, else
/// events by when they happen when the view holds only events, else the
/// feed's order (newest first). Returns the terms matched only loosely.
pub fn arrange(q: &Query, matches: &mut Vec<Match>, posts: &[Post], order: &Order) -> Vec<Loose> {
    let loose = closest(q, matches);
    if q.ranks_by_score() && !order.newest {
        // Ranked after the pruning, so only what is shown is sorted.
        best_first(matches);
        return loose;
    }
    if q.ranks_by_score() {
        // Newest first: the feed's own order.
        matches.sort_unstable_by_key(|m| m.idx);
    }
    match order.ranks.filter(|r| !r.is_empty()) {
        Some(ranks) => matches.sort_unstable_by_key(|m| ranks.get(m.idx).copied().unwrap_or(u32::MAX)),
        None if all_events(matches, posts) => sort_events(matches, posts, order.now),
        None => {}
    }
    loose
}
