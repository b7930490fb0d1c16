//! Mute rules: queries whose posts leave the list, the counts, the views,
//! the pickers and `list`, for good or through a day (`until`, inclusive, in
//! the display zone). A rule mutes the posts that hold its terms themselves
//! (a word or word start, as the query's closest class): never a typo or
//! letters in order, so a rule on a word no post holds mutes nothing. A query that names
//! `is:muted` (or `-is:muted`) hides nothing beyond what it says, so
//! `is:muted` lists the muted posts; `list --muted` shows them among the rest.
//!
//! Rules come from the config's `[mute]` and from the reader's mute key
//! (kept in the state folder, `store::mutes`).

use super::{Index, Match, Matcher, Query, Scope};
use crate::post::Post;

/// A post's mute bit in [`Matcher::marks`] (`is:muted`).
pub use super::score::MUTED;

/// One mute rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The config's name for it, or the query itself for one made by key.
    pub name: String,
    pub query: String,
    /// The last day it mutes (`YYYY-MM-DD`, checked); `None`: for good.
    pub until: Option<String>,
    /// Made with the mute key (kept in the state folder), not the config.
    pub by_key: bool,
}

impl Rule {
    /// Whether it mutes on `today` (`YYYY-MM-DD`).
    pub fn active_on(&self, today: &str) -> bool {
        self.until.as_deref().is_none_or(|u| today <= u)
    }
}

/// `now`'s day in the display zone, as `YYYY-MM-DD`.
pub fn today(now: i64) -> String {
    crate::clock::local(now, "%F")
}

/// An `until` that is not a calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("until must be a date like 2027-01-31, not {0:?}")]
pub struct BadUntil(pub String);

/// Checks a rule's `until`: a calendar date, written `YYYY-MM-DD`.
pub fn check_until(text: &str) -> Result<String, BadUntil> {
    let t = text.trim();
    match t.parse::<jiff::civil::Date>() {
        Ok(d) if d.to_string() == t => Ok(t.to_string()),
        _ => Err(BadUntil(crate::text::sanitize::one_line(t))),
    }
}

/// The rules in force on `now`'s day.
pub fn active(rules: &[Rule], now: i64) -> Vec<&Rule> {
    let today = today(now);
    rules.iter().filter(|r| r.active_on(&today)).collect()
}

/// Whether `q` asks about muted posts itself (`is:muted`, `-is:muted`):
/// then nothing more is hidden.
pub fn names_muted(q: &Query) -> bool {
    q.terms.iter().any(|t| t.scope == Scope::Is && t.text == "muted")
}

/// For each post, whether a rule in force mutes it: the posts that hold
/// the rule's terms themselves ([`Matcher::matches_strictly`]). `matcher` answers the rules' `is:` terms;
/// its [`MUTED`] bits are not asked (a rule's `is:muted` matches nothing).
pub fn muted(rules: &[&Rule], matcher: &Matcher, posts: &[Post], index: &Index) -> Vec<bool> {
    let mut out = vec![false; if rules.is_empty() { 0 } else { posts.len() }];
    for rule in rules {
        let q = Query::parse(&rule.query);
        // An empty query would mute everything: a rule is a query of at
        // least one term (the config checks it; a damaged state file could
        // hold one).
        if q.is_empty() {
            continue;
        }
        let found = matcher.matches_strictly(&q, posts, index);
        for m in found {
            if let Some(b) = out.get_mut(m.idx) {
                *b = true;
            }
        }
    }
    out
}

impl Matcher {
    /// Takes the muted posts ([`MUTED`] in the marks) out of `matches`,
    /// unless `q` asks about them ([`names_muted`]).
    pub fn drop_muted(&self, q: &Query, matches: &mut Vec<Match>) {
        if names_muted(q) || !self.marks.iter().any(|&m| m & MUTED != 0) {
            return;
        }
        matches.retain(|m| self.marks.get(m.idx).is_none_or(|&b| b & MUTED == 0));
    }

    /// Whether post `idx` is muted.
    pub fn is_muted(&self, idx: usize) -> bool {
        self.marks.get(idx).is_some_and(|&b| b & MUTED != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(title: &str, tags: &[&str], source: &str) -> Post {
        Post {
            title: title.into(),
            tags: tags.iter().map(|t| std::sync::Arc::from(*t)).collect(),
            source: source.into(),
            ..Post::default()
        }
    }

    fn rule(query: &str, until: Option<&str>) -> Rule {
        Rule { name: query.into(), query: query.into(), until: until.map(str::to_string), by_key: false }
    }

    #[test]
    fn a_rule_mutes_what_its_query_lists_and_stops_after_its_day() {
        let posts = vec![
            post("Agents everywhere", &["ai"], "LWN"),
            post("Another model", &["ai"], "Blog"),
            post("Kernel 7.0", &["linux"], "LWN"),
        ];
        let index = Index::new(&posts);
        let matcher = Matcher::at(0);
        let rules = [rule("#ai -source:lwn", Some("2027-01-31"))];
        let on = |day: &str| -> Vec<&Rule> { rules.iter().filter(|r| r.active_on(day)).collect() };
        assert_eq!(muted(&on("2027-01-31"), &matcher, &posts, &index), vec![false, true, false]);
        assert!(on("2027-02-01").is_empty());
        assert!(muted(&on("2027-02-01"), &matcher, &posts, &index).is_empty());
    }

    #[test]
    fn muted_posts_leave_a_query_unless_it_names_them() {
        let mut matcher = Matcher::at(0);
        matcher.marks = vec![0, MUTED, 0];
        let all = |n: usize| (0..n).map(|idx| Match { idx, score: 0, last: 0, loose: 0 }).collect::<Vec<_>>();
        let mut m = all(3);
        matcher.drop_muted(&Query::parse("kernel"), &mut m);
        assert_eq!(m.iter().map(|m| m.idx).collect::<Vec<_>>(), vec![0, 2]);
        let mut m = all(3);
        matcher.drop_muted(&Query::parse("is:muted"), &mut m);
        assert_eq!(m.len(), 3);
    }

    #[test]
    fn until_is_a_calendar_date() {
        assert_eq!(check_until("2027-01-31").as_deref(), Ok("2027-01-31"));
        assert!(check_until("2027-02-30").is_err());
        assert!(check_until("next week").is_err());
        assert!(check_until("2027-1-31").is_err());
    }
}
