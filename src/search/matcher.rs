//! Matching and scoring: each term by tiers over the fields, every post
//! (on two threads above [`PARALLEL_MIN`] candidates) or only those a
//! previous result kept ([`Narrow`]).

use super::finder::find;
use super::score::{Matcher, Prepared, Reach, loose_before};
use super::{
    Index, Kind, Match, Narrow, PARALLEL_MIN, Query, Scope, Term, W_SOURCE, W_TAG, W_TEXT, W_TITLE, closest,
    tier_score, tiers,
};
use crate::post::Post;

/// Whether `q` is matched from `index` alone: no term's score reads a
/// post's own fields (`Matcher::fields_score` for a lower-case term of
/// these scopes and kinds looks only at the index's lower-cased fields and
/// word indexes), and its matches are ranked by score, so ordering them
/// reads no post either ([`super::order::arrange`]). Such a query may be matched
/// over stand-ins of the posts (`feed::lazy`); kept articles, marks and
/// `is:` are not in it (the caller makes sure no article is kept).
pub fn on_the_index_alone(q: &Query, index: &Index) -> bool {
    shaped_for_the_index_alone(q, index.built_short_words().is_some())
}

/// [`on_the_index_alone`] for an index that has the words of its short
/// fields (`short_words`) or not: asked before the index is at hand.
pub fn shaped_for_the_index_alone(q: &Query, short_words: bool) -> bool {
    !q.is_empty()
        && q.ranks_by_score()
        && q.terms.iter().all(|t| {
            !t.case_sensitive
                && match t.scope {
                    Scope::Any => matches!(t.kind, Kind::Fuzzy | Kind::Word) && !tiers::is_word_run(&t.text),
                    Scope::Source | Scope::Section | Scope::PostKind | Scope::Title => true,
                    Scope::Tags => !matches!(t.kind, Kind::Exact | Kind::Phrase) && short_words,
                    Scope::Is => false,
                }
        })
}

impl Matcher {
    /// The posts that match, best first (or newest first for tag and source
    /// queries), ties newest first, with fuzz as the last resort
    /// ([`closest`]). `posts` is newest first.
    pub fn filter(&self, q: &Query, posts: &[Post]) -> Vec<Match> {
        if q.is_empty() {
            return (0..posts.len()).map(|idx| Match { idx, score: 0, last: 0, loose: 0 }).collect();
        }
        let mut out = self.filter_within(q, posts, &Index::new(posts), None);
        closest(q, &mut out);
        out
    }

    /// As [`Matcher::filter`] before [`closest`] (every tier of every term:
    /// what the next keystroke narrows from), with a prebuilt index; with `narrow`, only
    /// the previous matches are looked at (a query that only grew can only
    /// lose matches) and only the terms that changed are scored.
    pub fn filter_within(
        &self,
        q: &Query,
        posts: &[Post],
        index: &Index,
        narrow: Option<Narrow>,
    ) -> Vec<Match> {
        let mut out = self.matches_within(q, posts, index, narrow);
        if q.ranks_by_score() {
            super::order::best_first(&mut out);
        }
        out
    }

    /// As [`Matcher::matches_within`], but a query of one plain word is
    /// first looked up as a word or word start (the short fields'
    /// dictionary and the word index of the text; else a scan without tier
    /// 4, letters in order): [`closest`] keeps only those posts whenever one
    /// holds it, and scanning every post's fields for the looser tiers costs
    /// most of a keystroke. Only when none does is it matched in every tier. The
    /// second value says whether the matches are every post the query
    /// matches (what the next keystroke may narrow from), or only those of
    /// its closest class.
    pub fn matches_within_lazily(
        &self,
        q: &Query,
        posts: &[Post],
        index: &Index,
        narrow: Option<Narrow>,
    ) -> (Vec<Match>, bool) {
        // One word, or the last word of several while only it is scored
        // (the earlier ones' scores come with `narrow`).
        let last = q.terms.len().checked_sub(1);
        let lazy = last.is_some_and(|l| {
            let t = &q.terms[l];
            !t.negate
                && t.scope == Scope::Any
                && t.kind == Kind::Fuzzy
                && match narrow {
                    None => l == 0,
                    Some(n) => n.start == l,
                }
        });
        if let (true, Some(l)) = (lazy, last) {
            let close = match self.word_starts(&q.terms[l], l, posts.len(), index, narrow) {
                Some(found) => found,
                None => self.scan(q, posts, index, narrow, Reach::Typos),
            };
            // Every word in its closest class somewhere: closest() keeps
            // only such posts for each word in turn.
            if close.iter().any(|m| m.loose == 0) {
                return (close, false);
            }
        }
        (self.scan(q, posts, index, narrow, Reach::Letters), true)
    }

    /// The matches of a whole query at once, found as typing it term by
    /// term finds them: the first term on its own (a plain word is looked up
    /// in the dictionaries, or scanned for without tier 4 while they are not
    /// built), then each next term scored only over what the
    /// terms before it matched ([`Narrow`]), every post looked at again only
    /// where that finds none of the closest class (as the reader does, see
    /// `App::refilter`). What [`super::order::arrange`] then keeps of them,
    /// in its order, is what it keeps of [`Matcher::matches_within_lazily`]
    /// over every post; a one-shot `list -q` of several words scores the
    /// later words over a fraction of the posts.
    pub fn matches_term_by_term(&self, q: &Query, posts: &[Post], index: &Index) -> (Vec<Match>, bool) {
        let upto = |k: usize| Query { terms: q.terms[..k].to_vec(), problems: Vec::new() };
        if q.terms.len() < 2 {
            return self.matches_within_lazily(q, posts, index, None);
        }
        let (mut raw, mut whole) = self.matches_within_lazily(&upto(1), posts, index, None);
        for k in 2..=q.terms.len() {
            let now = upto(k);
            let narrow = Narrow { from: &raw, start: k - 1, drop_last: false };
            let (next, next_whole) = self.matches_within_lazily(&now, posts, index, Some(narrow));
            (raw, whole) = match whole {
                true => (next, next_whole),
                // Narrowed from the closest class of the terms before: it
                // stands only if it holds a post with every term in its
                // closest class.
                false if next.iter().any(|m| m.loose == 0) => (next, false),
                false => self.matches_within_lazily(&now, posts, index, None),
            };
        }
        (raw, whole)
    }

    /// The posts that hold a plain lower-case word `t` (term `at` of the
    /// query) as a word or word start, with the score matching every tier
    /// gives them (the closest class: the best field first, then whole word
    /// over word start, the text only where no short field has it), by
    /// index; from the short fields' dictionary and the word index of the
    /// text. `None` where those cannot answer (a capital, a word run, a term
    /// of three letters or more without the word index of the text).
    fn word_starts(
        &self,
        t: &Term,
        at: usize,
        n: usize,
        index: &Index,
        narrow: Option<Narrow>,
    ) -> Option<Vec<Match>> {
        let chars = t.text.chars().count();
        if t.case_sensitive || tiers::is_word_run(&t.text) || (chars >= tiers::TEXT_MIN && !index.has_text())
        {
            return None;
        }
        // Not built yet (a one-shot run, or a key before the reader's first
        // idle moment): a scan without tier 4 costs less than building them.
        let starting = index.short_starting(&t.text)?;
        // Per post: the best (field, tier) of the short fields, as 2 * field
        // + (1 for a word start); 255 for none.
        let mut best = vec![u8::MAX; n];
        for (post, field, whole) in starting {
            if let Some(b) = best.get_mut(post as usize) {
                *b = (*b).min(2 * field + u8::from(!whole));
            }
        }
        let lookup = if chars >= tiers::TEXT_MIN { index.text_lookup(&t.text, false) } else { None };
        let score = |idx: usize| -> Option<i64> {
            let b = *best.get(idx)?;
            if b != u8::MAX {
                let tier = if b % 2 == 0 { tiers::Tier::Word } else { tiers::Tier::Prefix };
                return Some(tier_score(tier, [W_TITLE, W_TAG, W_SOURCE][(b / 2).min(2) as usize], 0));
            }
            lookup.as_ref().and_then(|(w, l)| w.tier(l, idx)).map(|tier| tier_score(tier, W_TEXT, 0))
        };
        Some(match narrow {
            // The earlier words' scores and looseness carried over, as
            // `scan` carries them.
            Some(nw) => {
                let kept_loose = loose_before(at);
                nw.from
                    .iter()
                    .filter_map(|m| {
                        let s = score(m.idx)?;
                        Some(Match {
                            idx: m.idx,
                            score: nw.prior(m) + s,
                            last: s,
                            loose: m.loose & kept_loose,
                        })
                    })
                    .collect()
            }
            None => (0..n)
                .filter_map(|idx| score(idx).map(|s| Match { idx, score: s, last: s, loose: 0 }))
                .collect(),
        })
    }

    /// As [`Matcher::filter_within`], in the posts' order (by index: what
    /// the next keystroke narrows from), not yet ranked: the reader ranks
    /// only what [`closest`] keeps ([`crate::search::order::arrange`]).
    pub fn matches_within(
        &self,
        q: &Query,
        posts: &[Post],
        index: &Index,
        narrow: Option<Narrow>,
    ) -> Vec<Match> {
        self.scan(q, posts, index, narrow, Reach::Letters)
    }

    /// The posts that hold every term itself (no typo, no letters in
    /// order: [`Match::loose`] 0), in the posts' order: what a mute rule
    /// hides, never a loose match. A plain word is looked up where the
    /// index can answer.
    pub fn matches_strictly(&self, q: &Query, posts: &[Post], index: &Index) -> Vec<Match> {
        let close = |t: &Term| !t.negate && t.scope == Scope::Any && t.kind == Kind::Fuzzy;
        let mut found = match q.terms.as_slice() {
            [t] if close(t) => self.word_starts(t, 0, posts.len(), index, None),
            _ => None,
        }
        .unwrap_or_else(|| self.scan(q, posts, index, None, Reach::Itself));
        found.retain(|m| m.loose == 0);
        found
    }

    /// [`Matcher::matches_within`], its terms matched as loosely as `reach`.
    fn scan(
        &self,
        q: &Query,
        posts: &[Post],
        index: &Index,
        narrow: Option<Narrow>,
        reach: Reach,
    ) -> Vec<Match> {
        if q.is_empty() {
            return (0..posts.len()).map(|idx| Match { idx, score: 0, last: 0, loose: 0 }).collect();
        }
        let start = narrow.map_or(0, |n| n.start.min(q.terms.len()));
        let terms: Vec<Prepared> =
            q.terms[start..].iter().map(|t| self.prepare_in(t, index, reach)).collect();

        // The looseness of the terms before `start` is carried over.
        let kept_loose = loose_before(start);
        let score = |idx: usize, prior: i64, prior_last: i64, prior_loose: u32| -> Option<Match> {
            let (post, hay) = (posts.get(idx)?, index.hay(idx)?);
            let (total, last, loose) = self.score_prepared(&terms, start, idx, post, hay)?;
            // With no term to score the last part is the one carried over.
            let last = if terms.is_empty() { prior_last } else { last };
            Some(Match { idx, score: prior + total, last, loose: (prior_loose & kept_loose) | loose })
        };
        // In the order of `from` (by index) or of the posts.
        match narrow {
            Some(n) => {
                let scan = |chunk: &[Match]| -> Vec<Match> {
                    chunk.iter().filter_map(|m| score(m.idx, n.prior(m), m.last, m.loose)).collect()
                };
                crate::par::map_chunks(n.from, PARALLEL_MIN, scan)
            }
            None => {
                let all: Vec<usize> = (0..posts.len()).collect();
                let scan = |chunk: &[usize]| -> Vec<Match> {
                    chunk.iter().filter_map(|&i| score(i, 0, 0, 0)).collect()
                };
                crate::par::map_chunks(&all, PARALLEL_MIN, scan)
            }
        }
    }

    /// Character indices of `text` to highlight for the query's positive
    /// terms that look in a field of `scope` (titles are `Scope::Any`): the
    /// whole word (or two) a term matched, never letters scattered about.
    pub fn highlights(&self, q: &Query, scope: Scope, text: &str) -> Vec<usize> {
        let mut out = Vec::new();
        let lower = text.to_lowercase();
        // Lower-casing rarely changes a character count; when it does, the
        // highlight is left out rather than misplaced.
        let same_shape = lower.chars().count() == text.chars().count();
        let char_range = |hay: &str, s: usize, e: usize| {
            let before = hay[..s].chars().count();
            before..before + hay[s..e].chars().count()
        };
        for t in q.terms.iter().filter(|t| !t.negate) {
            let applies =
                t.scope == Scope::Any || t.scope == scope || (t.scope == Scope::Title && scope == Scope::Any);
            if !applies {
                continue;
            }
            let hay = if t.case_sensitive { text } else { &lower };
            if !t.case_sensitive && !same_shape {
                continue;
            }
            match t.kind {
                Kind::Fuzzy | Kind::Word => {
                    let fuzzy = t.kind == Kind::Fuzzy && t.scope == Scope::Any;
                    if let Some(h) = tiers::best(hay, &t.text, fuzzy, &self.sensitive)
                        && (t.kind == Kind::Fuzzy || h.tier == tiers::Tier::Word)
                    {
                        out.extend(char_range(hay, h.start, h.end));
                    }
                }
                Kind::Phrase | Kind::Exact | Kind::Start | Kind::End => {
                    let at = match t.kind {
                        Kind::Start => hay.starts_with(t.text.as_str()).then_some(0),
                        Kind::End => hay.ends_with(t.text.as_str()).then(|| hay.len() - t.text.len()),
                        _ => find(text, t),
                    };
                    if let Some(start) = at {
                        let src = if matches!(t.kind, Kind::Start | Kind::End) { hay } else { text };
                        let before = src[..start].chars().count();
                        out.extend(before..before + t.text.chars().count());
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}
