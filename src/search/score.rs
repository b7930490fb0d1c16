//! Scoring one term against one post: by tiers over its fields, from the
//! index where it answers.

use super::finder::Finder;
use super::short_words::Hay;
use super::{
    Index, Kind, LOOSE_TERMS, Scope, SkimMatcherV2, Term, W_ARTICLE, W_SOURCE, W_TAG, W_TEXT, W_TITLE,
    looseness_of, tier_score, tiers, words,
};
use crate::post::Post;

/// A term ready to be matched many times.
pub(super) struct Prepared<'q> {
    pub(super) term: &'q Term,
    /// Case-insensitive: matched against the index's lower-cased fields.
    pub(super) precheck: bool,
    pub(super) finder: Finder,
    /// The term's length in characters (asked per post otherwise).
    pub(super) chars: usize,
    /// The word index of the long text and the term's posts in it (a plain
    /// word of [`tiers::TEXT_MIN`] letters or more, with the index built).
    pub(super) words: Option<(&'q words::TextWords, words::Lookup)>,
    /// Tier 4 (letters in order) is looked for; see [`Matcher::matches_within_lazily`].
    pub(super) fuzz: bool,
    /// Only the term itself counts (tiers 1-2): the typo tier of the long
    /// text, the costly part without its word index, is not looked for.
    pub(super) strict: bool,
    /// A lower-case tag term, with the words of the short fields built:
    /// each post's tag ids and the term's best tier in each distinct tag.
    pub(super) tag_tiers: Option<(&'q super::short_words::TagIds, Vec<Option<tiers::Tier>>)>,
    /// The index's changed posts ([`Index::patched`]): `tag_tiers` does not
    /// know their tags, which are matched from their fields instead.
    pub(super) patch: Option<&'q super::index::Patch>,
}

/// How loosely a scan's terms may match: down to tier 4 (letters in
/// order), tier 3 (a typo), or only the term itself (tiers 1-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reach {
    Letters,
    Typos,
    Itself,
}

/// The fuzzy scorer of tier 4, and the clock `is:upcoming` reads.
pub struct Matcher {
    pub(super) sensitive: SkimMatcherV2,
    /// Seconds since the epoch: what "upcoming" and "past" are relative to.
    pub now: i64,
    /// Each post's marks (by index: [`READ`], [`STARRED`], [`NEW`]), for
    /// `is:read`, `is:unread`, `is:starred`, `is:new`. Missing: no marks.
    pub marks: Vec<u8>,
    /// The words of the kept articles (reader mode), by post: the lowest
    /// field a word term looks in.
    pub articles: Option<std::sync::Arc<super::ArticleWords>>,
}

/// A post's mark bits in [`Matcher::marks`].
pub const READ: u8 = 1;
pub const STARRED: u8 = 2;
pub const NEW: u8 = 4;
/// The post's article is kept (reader mode): `has:article`.
pub const ARTICLE: u8 = 8;
/// A mute rule in force hides the post (`is:muted`, `search::mute`).
pub const MUTED: u8 = 16;

impl Default for Matcher {
    /// A matcher whose clock is the system's.
    fn default() -> Self {
        Matcher::at(crate::clock::now())
    }
}

impl Matcher {
    /// A matcher whose clock reads `now` (seconds since the epoch).
    pub fn at(now: i64) -> Matcher {
        Matcher { sensitive: SkimMatcherV2::default().respect_case(), now, marks: Vec::new(), articles: None }
    }
}

/// The looseness bits ([`Match::loose`]) of the terms before term `start`.
pub(super) fn loose_before(start: usize) -> u32 {
    if start >= LOOSE_TERMS { u32::MAX } else { (1u32 << (2 * start)).wrapping_sub(1) }
}

impl Matcher {
    pub(super) fn prepare<'q>(&self, t: &'q Term, index: &'q Index) -> Prepared<'q> {
        let chars = t.text.chars().count();
        let words = if t.uses_text_words() {
            // A case-sensitive term is looked up lower-cased, and what the
            // look-up finds checked in the text itself.
            let typo = !t.case_sensitive && t.kind == Kind::Fuzzy && chars >= tiers::TYPO_MIN;
            index.text_lookup(&t.text.to_lowercase(), typo)
        } else {
            None
        };
        Prepared {
            term: t,
            precheck: !t.case_sensitive,
            finder: Finder::new(t),
            chars,
            words,
            fuzz: true,
            strict: false,
            tag_tiers: None,
            patch: index.patch(),
        }
    }

    /// [`Matcher::prepare`], and for a lower-case tag term matched by its
    /// tiers, the term's tier in each distinct tag when the index has the
    /// words of its short fields (see [`Prepared::tag_tiers`]).
    pub(super) fn prepare_in<'q>(&self, t: &'q Term, index: &'q Index, reach: Reach) -> Prepared<'q> {
        let (fuzz, strict) = (reach == Reach::Letters, reach == Reach::Itself);
        let mut p = Prepared { fuzz, strict, ..self.prepare(t, index) };
        if t.scope == Scope::Tags && p.precheck && !matches!(t.kind, Kind::Exact | Kind::Phrase) {
            p.tag_tiers = index.built_short_words().map(|w| {
                let tiers =
                    w.tags.dict.iter().map(|tag| self.tier(&p, tag, tag, false).map(|h| h.tier)).collect();
                (&w.tags, tiers)
            });
        }
        p
    }

    /// The best tier of the term in a short field (`lower`: its lower-cased
    /// copy), tier 4 only with `fuzzy`.
    pub(super) fn tier(&self, p: &Prepared, field: &str, lower: &str, fuzzy: bool) -> Option<tiers::Hit> {
        let hay = if p.precheck { lower } else { field };
        tiers::best(hay, &p.term.text, fuzzy, &self.sensitive)
    }

    /// Tiers 1 and 2 in long text (summary, tldr): the term found where a
    /// word starts (and, for tier 1, ends).
    pub(super) fn tier_in_text(&self, p: &Prepared, text: &str) -> Option<tiers::Tier> {
        p.finder.best_tier(text, &p.term.text)
    }

    /// Whether the term's text is in a short field.
    pub(super) fn has(&self, p: &Prepared, field: &str, lower: &str) -> bool {
        if p.precheck { lower.contains(p.term.text.as_str()) } else { field.contains(p.term.text.as_str()) }
    }

    /// How well one term matches a post, or `None`: [`tier_score`] of its best
    /// tier over its fields.
    pub(super) fn term_score(&self, p: &Prepared, idx: usize, post: &Post, hay: Hay) -> Option<i64> {
        let fields = self.fields_score(p, idx, post, hay);
        // The article (reader mode's kept copy): the lowest field, by whole
        // words and word starts; it counts where nothing closer did.
        let t = p.term;
        let Some(articles) = self.articles.as_deref().filter(|_| t.scope == Scope::Any) else {
            return fields;
        };
        let only_words = match t.kind {
            Kind::Fuzzy => false,
            Kind::Word => true,
            _ => return fields,
        };
        if p.chars < tiers::TEXT_MIN
            || fields.is_some_and(|s| s >= tier_score(tiers::Tier::Word, W_ARTICLE, 0))
        {
            return fields;
        }
        // A term without capitals is lower-case already (smart case).
        let article = articles
            .tier(idx, &t.text, t.case_sensitive, only_words)
            .map(|tier| tier_score(tier, W_ARTICLE, 0));
        fields.max(article)
    }

    /// [`Matcher::term_score`] in the post's own fields.
    pub(super) fn fields_score(&self, p: &Prepared, idx: usize, post: &Post, hay: Hay) -> Option<i64> {
        use tiers::Tier;
        let t = p.term;
        let tags = || post.tags.iter().zip(hay.tags());
        match (t.scope, t.kind) {
            (Scope::Section, _) => {
                let (name, title, _) = hay.meta();
                (name.starts_with(t.text.as_str()) || title.starts_with(t.text.as_str())).then_some(0)
            }
            (Scope::PostKind, _) => hay.meta().2.starts_with(t.text.as_str()).then_some(0),
            (Scope::Is, _) => {
                let marks = self.marks.get(idx).copied().unwrap_or(0);
                let yes = match t.text.as_str() {
                    "read" => marks & READ != 0,
                    "unread" => marks & READ == 0,
                    "starred" => marks & STARRED != 0,
                    "new" => marks & NEW != 0,
                    "article" => marks & ARTICLE != 0,
                    "muted" => marks & MUTED != 0,
                    _ => {
                        let upcoming = post.event.as_ref().and_then(|e| e.is_upcoming(self.now))?;
                        upcoming == (t.text == "upcoming")
                    }
                };
                yes.then_some(0)
            }
            (Scope::Title, kind) => {
                let title = if p.precheck { hay.title() } else { post.title.as_str() };
                let hit = match kind {
                    Kind::End => title.ends_with(t.text.as_str()),
                    _ => title.starts_with(t.text.as_str()),
                };
                hit.then_some(tier_score(Tier::Word, W_TITLE, 0))
            }
            (Scope::Tags, Kind::Exact) => tags()
                .any(|(tag, lower)| if t.case_sensitive { **tag == *t.text } else { lower == t.text })
                .then_some(tier_score(Tier::Word, W_TAG, 0)),
            (Scope::Tags, Kind::Phrase) => {
                tags().any(|(tag, lower)| self.has(p, tag, lower)).then_some(tier_score(Tier::Word, W_TAG, 0))
            }
            // A tag or source term means that tag or source: no letters
            // scattered through it (tiers 1-3 only).
            (Scope::Tags, _) if p.tag_tiers.is_some() && p.patch.is_none_or(|c| c.local(idx).is_none()) => {
                let (ids, tiers) = p.tag_tiers.as_ref()?;
                ids.of(idx)
                    .iter()
                    .filter_map(|&id| tiers.get(id as usize).copied().flatten())
                    .min()
                    .map(|tier| tier_score(tier, W_TAG, 0))
            }
            (Scope::Tags, _) => {
                let typo = p.chars >= tiers::TYPO_MIN;
                if p.precheck
                    && !tiers::nearly_subsequence(t.text.as_bytes(), hay.all_tags().as_bytes(), typo)
                {
                    return None;
                }
                tags()
                    .filter_map(|(tag, lower)| self.tier(p, tag, lower, false))
                    .map(|h| h.tier)
                    .min()
                    .map(|tier| tier_score(tier, W_TAG, 0))
            }
            (Scope::Source, Kind::Phrase) => {
                self.has(p, &post.source, hay.source()).then_some(tier_score(Tier::Word, W_SOURCE, 0))
            }
            (Scope::Source, _) => {
                self.tier(p, &post.source, hay.source(), false).map(|h| tier_score(h.tier, W_SOURCE, 0))
            }
            (Scope::Any, Kind::Phrase) => {
                let hit = |w: i64, yes: bool| yes.then_some(tier_score(Tier::Word, w, 0));
                hit(W_TITLE, self.has(p, &post.title, hay.title()))
                    .or_else(|| hit(W_TAG, tags().any(|(tag, lower)| self.has(p, tag, lower))))
                    .or_else(|| hit(W_SOURCE, self.has(p, &post.source, hay.source())))
                    .or_else(|| hit(W_TEXT, p.finder.is_in(&post.summary) || p.finder.is_in(&post.tldr)))
            }
            (Scope::Any, kind) => self.any_score(p, idx, post, hay, kind == Kind::Word),
        }
    }

    /// [`Matcher::fields_score`] of a term in any field: the short fields
    /// (title, tags, source), then the summary and tldr where they could
    /// beat what those gave.
    fn any_score(&self, p: &Prepared, idx: usize, post: &Post, hay: Hay, only_words: bool) -> Option<i64> {
        use tiers::Tier;
        let t = p.term;
        let tags = || post.tags.iter().zip(hay.tags());
        let best_of = |hits: [Option<i64>; 4]| hits.into_iter().flatten().max();
        if let Some((w, l)) = &p.words
            && p.precheck
            && p.chars >= tiers::RANK_MIN
        {
            return self.indexed_any(p, idx, hay, l, w, only_words);
        }
        let keep = |h: Option<tiers::Hit>| h.filter(|h| !only_words || h.tier == Tier::Word);
        // The short fields are worth looking at only if the term is
        // (nearly) in them, letters in order.
        let typo = p.chars >= tiers::TYPO_MIN && !p.strict;
        let short = !p.precheck || tiers::nearly_subsequence(t.text.as_bytes(), hay.text.as_bytes(), typo);
        let (mut title, mut tag, mut source) = (None, None, None);
        if short && p.precheck && !tiers::is_word_run(&t.text) {
            // The common case: one pass over the lower-cased short fields.
            let found = tiers::best_short(
                hay.text,
                hay.title_end as usize,
                hay.source_start as usize,
                &t.text,
                !only_words && p.fuzz,
                &self.sensitive,
            );
            let found = found.filter(|h| !only_words || h.0 == Tier::Word);
            match found {
                Some((tier, 0, f)) => title = Some(tier_score(tier, W_TITLE, f)),
                Some((tier, 1, f)) => tag = Some(tier_score(tier, W_TAG, f)),
                Some((tier, _, f)) => source = Some(tier_score(tier, W_SOURCE, f)),
                None => {}
            }
        } else if short {
            title = keep(self.tier(p, &post.title, hay.title(), !only_words && p.fuzz))
                .map(|h| tier_score(h.tier, W_TITLE, h.fuzzy));
            if title.is_none_or(|s| s < tier_score(Tier::Word, W_TAG, 0)) {
                tag = tags()
                    .filter_map(|(tg, lower)| keep(self.tier(p, tg, lower, !only_words && p.fuzz)))
                    .map(|h| tier_score(h.tier, W_TAG, h.fuzzy))
                    .max();
            }
            if best_of([title, tag, None, None]).is_none_or(|s| s < tier_score(Tier::Word, W_SOURCE, 0)) {
                source = keep(self.tier(p, &post.source, hay.source(), !only_words && p.fuzz))
                    .map(|h| tier_score(h.tier, W_SOURCE, h.fuzzy));
            }
        }
        let so_far = best_of([title, tag, source, None]);
        let text = self.text_score(p, idx, post, so_far, only_words);
        best_of([title, tag, source, text])
    }

    /// The summary and tldr's score for a term, given what the short fields
    /// gave (`so_far`).
    fn text_score(
        &self,
        p: &Prepared,
        idx: usize,
        post: &Post,
        so_far: Option<i64>,
        only_words: bool,
    ) -> Option<i64> {
        use tiers::Tier;
        let t = p.term;
        // Summary and tldr: whole words and word starts only; looked
        // at only where they could beat what the short fields gave.
        // For a post the short fields did not find, always (from
        // TEXT_MIN letters); to lift one they found below a whole
        // word, from RANK_MIN letters (a whole word of three letters
        // in a summary says little, and scanning every summary for
        // it costs most of a keystroke).
        let n = p.chars;
        let worth = match so_far {
            None => n >= tiers::TEXT_MIN,
            // Only loosely in the short fields: the text may hold the
            // term itself, which decides whether the post stays.
            Some(s) => n >= tiers::TEXT_MIN && s < tier_score(Tier::Prefix, W_TEXT, 0),
        };
        if !worth {
            return None;
        }
        {
            let fields = [&post.summary, &post.tldr];
            // The summary first; the tldr only if it can still help.
            let scan = || {
                let mut words = None;
                for f in fields {
                    if let Some(tier) = self.tier_in_text(p, f).filter(|t| !only_words || *t == Tier::Word)
                        && words.is_none_or(|w| tier < w)
                    {
                        words = Some(tier);
                    }
                    if words == Some(Tier::Word) {
                        break;
                    }
                }
                words
            };
            let indexed = p.words.as_ref();
            let words = match indexed {
                // The index is lower-cased: for a case-sensitive
                // term it only says where to look.
                Some((w, l)) => match w.tier(l, idx) {
                    Some(_) if t.case_sensitive => scan(),
                    found => found.filter(|t| !only_words || *t == Tier::Word),
                },
                None => scan(),
            };
            // A typo in long text counts only when nothing better did.
            let typo = || {
                let found = !only_words
                    && !p.strict
                    && so_far.is_none_or(|s| s < tier_score(Tier::Typo, W_TEXT, 0))
                    && p.precheck
                    && match indexed {
                        Some((w, l)) => w.has_typo(l, idx),
                        None => fields.iter().any(|f| tiers::typo_in_text(f, &t.text)),
                    };
                found.then_some(Tier::Typo)
            };
            words.or_else(typo).map(|tier| tier_score(tier, W_TEXT, 0))
        }
    }

    /// A plain, case-insensitive term of [`tiers::RANK_MIN`] letters or more
    /// with the word index of the text: the same score as the general path,
    /// in the order that is cheapest with the index. Tiers 1-2 of the text (a
    /// bit; either beats every tier 4), then the short fields, by tiers 1-3
    /// and, only when the text gave nothing, tier 4 (the fuzzy scorer, the
    /// costly part); then a typo in the text.
    pub(super) fn indexed_any(
        &self,
        p: &Prepared,
        idx: usize,
        hay: Hay,
        l: &words::Lookup,
        w: &words::TextWords,
        only_words: bool,
    ) -> Option<i64> {
        use tiers::Tier;
        let t = p.term;
        let typo = p.chars >= tiers::TYPO_MIN;
        let short = tiers::nearly_subsequence(t.text.as_bytes(), hay.text.as_bytes(), typo);
        let in_short = |fuzzy: bool| {
            let found = tiers::best_short(
                hay.text,
                hay.title_end as usize,
                hay.source_start as usize,
                &t.text,
                fuzzy,
                &self.sensitive,
            );
            found.filter(|h| !only_words || h.0 == Tier::Word).map(|(tier, field, f)| {
                tier_score(tier, [W_TITLE, W_TAG, W_SOURCE][field.min(2) as usize], f)
            })
        };
        // The text first: where it holds, tier 4 cannot count (the bit is
        // cheaper than the fuzzy scorer); where it does not, one pass over
        // the short fields gives tiers 1-3 or else tier 4.
        let text = w
            .tier(l, idx)
            .filter(|t| !only_words || *t == Tier::Word)
            .map(|tier| tier_score(tier, W_TEXT, 0));
        let near = if short { in_short(text.is_none() && !only_words && p.fuzz) } else { None };
        let best = near.max(text);
        // A typo in the text counts where nothing closer did.
        if only_words || best.is_some_and(|s| s >= tier_score(Tier::Typo, W_TEXT, 0)) {
            return best;
        }
        let typo = w.has_typo(l, idx).then(|| tier_score(Tier::Typo, W_TEXT, 0));
        best.max(typo)
    }

    /// The sum of the terms' scores, the last term's part, and how loosely
    /// each matched (as [`Match::loose`], for terms from `first` on), when
    /// every term holds.
    pub(super) fn score_prepared(
        &self,
        terms: &[Prepared],
        first: usize,
        idx: usize,
        post: &Post,
        hay: Hay,
    ) -> Option<(i64, i64, u32)> {
        let (mut total, mut last, mut loose) = (0, 0, 0u32);
        for (i, p) in terms.iter().enumerate() {
            last = match (self.term_score(p, idx, post, hay), p.term.negate) {
                (Some(s), false) => s,
                (None, true) => 0,
                _ => return None,
            };
            let at = first + i;
            if at < LOOSE_TERMS && p.term.is_tiered() && !p.term.negate {
                loose |= u32::from(looseness_of(last)) << (2 * at);
            }
            total += last;
        }
        Some((total, last, loose))
    }
}
