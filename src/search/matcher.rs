//! Matching and scoring: each term by tiers over the fields, every post
//! (on two threads above [`PARALLEL_MIN`] candidates) or only those a
//! previous result kept ([`Narrow`]).

use super::short_words::Hay;
use super::{
    Index, Kind, LOOSE_TERMS, Match, Narrow, PARALLEL_MIN, Query, Scope, SkimMatcherV2, Term, W_ARTICLE,
    W_SOURCE, W_TAG, W_TEXT, W_TITLE, closest, looseness_of, tier_score, tiers, words,
};
use crate::post::Post;

/// Case-insensitive search for a lower-case ASCII needle: memchr (SIMD) for
/// its rarest letter in either case, then a comparison around each hit. In
/// English text that letter is met a few times less often than the first.
pub(super) struct AsciiFinder {
    pub(super) needle: Vec<u8>,
    /// Where the rarest byte stands in the needle.
    pub(super) at: usize,
}

impl AsciiFinder {
    pub(super) fn new(needle: &[u8]) -> AsciiFinder {
        // Letters from common to rare; anything else is rarer still.
        const COMMON: &[u8] = b"etaoinshrdlcumwfgypbvkjxqz";
        let rank = |b: u8| COMMON.iter().position(|&c| c == b).unwrap_or(COMMON.len());
        let at = (0..needle.len()).max_by_key(|&i| (rank(needle[i]), std::cmp::Reverse(i))).unwrap_or(0);
        AsciiFinder { needle: needle.to_vec(), at }
    }

    /// The first start of the needle in `hay` at or after `from`.
    pub(super) fn find(&self, hay: &[u8], from: usize) -> Option<usize> {
        let n = self.needle.len();
        let b = self.needle[self.at];
        let mut pos = from + self.at;
        while pos < hay.len() {
            let i = if b.is_ascii_lowercase() {
                memchr::memchr2(b, b.to_ascii_uppercase(), &hay[pos..])?
            } else {
                memchr::memchr(b, &hay[pos..])?
            };
            let start = pos + i - self.at;
            if start + n <= hay.len() && hay[start..start + n].eq_ignore_ascii_case(&self.needle) {
                return Some(start);
            }
            pos += i + 1;
        }
        None
    }
}

/// Finds a term's text in long text (summary, tldr) without lower-casing it.
pub(super) enum Finder {
    /// ASCII, case-insensitive: anchored on the term's rarest letter.
    Ascii(AsciiFinder),
    /// Case-sensitive: memchr's SIMD substring search.
    Exact(Box<memchr::memmem::Finder<'static>>),
    /// Non-ASCII and case-insensitive: lower-case, then search.
    Lower(String),
}

impl Finder {
    pub(super) fn new(t: &Term) -> Finder {
        if t.case_sensitive {
            return Finder::Exact(Box::new(memchr::memmem::Finder::new(t.text.as_bytes()).into_owned()));
        }
        if t.text.is_ascii() && !t.text.is_empty() {
            return Finder::Ascii(AsciiFinder::new(t.text.as_bytes()));
        }
        Finder::Lower(t.text.clone())
    }
    /// Tier 1 (a whole word) or 2 (a word's start) of the text in `hay`.
    pub(super) fn best_tier(&self, hay: &str, text: &str) -> Option<tiers::Tier> {
        // Most long texts do not hold the term at all: the plain search
        // (SIMD) says so before any occurrence is looked at.
        if !self.is_in(hay) {
            return None;
        }
        let at_word = |h: &str, s: usize, e: usize| -> Option<tiers::Tier> {
            let before = h[..s].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
            let after = h[e..].chars().next().is_none_or(|c| !c.is_alphanumeric());
            before.then_some(if after { tiers::Tier::Word } else { tiers::Tier::Prefix })
        };
        let mut best: Option<tiers::Tier> = None;
        let mut take = |t: Option<tiers::Tier>| {
            if let Some(t) = t
                && best.is_none_or(|b| t < b)
            {
                best = Some(t);
            }
            best == Some(tiers::Tier::Word)
        };
        match self {
            Finder::Ascii(f) => {
                let mut from = 0;
                while let Some(s) = f.find(hay.as_bytes(), from) {
                    if take(at_word(hay, s, s + text.len())) {
                        break;
                    }
                    from = s + 1;
                }
            }
            Finder::Exact(f) => {
                for s in f.find_iter(hay.as_bytes()) {
                    if take(at_word(hay, s, s + text.len())) {
                        break;
                    }
                }
            }
            Finder::Lower(t) => {
                let lower = hay.to_lowercase();
                let mut from = 0;
                while let Some(i) = lower[from..].find(t.as_str()) {
                    let s = from + i;
                    if take(at_word(&lower, s, s + t.len())) {
                        break;
                    }
                    from = s + t.len().max(1);
                    while from < lower.len() && !lower.is_char_boundary(from) {
                        from += 1;
                    }
                }
            }
        }
        best
    }

    pub(super) fn is_in(&self, hay: &str) -> bool {
        match self {
            Finder::Ascii(f) => f.find(hay.as_bytes(), 0).is_some(),
            Finder::Exact(f) => f.find(hay.as_bytes()).is_some(),
            Finder::Lower(t) => hay.to_lowercase().contains(t.as_str()),
        }
    }
}

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
    /// A lower-case tag term, with the words of the short fields built:
    /// each post's tag ids and the term's best tier in each distinct tag.
    pub(super) tag_tiers: Option<(&'q super::short_words::TagIds, Vec<Option<tiers::Tier>>)>,
    /// The index's changed posts ([`Index::patched`]): `tag_tiers` does not
    /// know their tags, which are matched from their fields instead.
    pub(super) patch: Option<&'q super::index::Patch>,
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
fn loose_before(start: usize) -> u32 {
    if start >= LOOSE_TERMS { u32::MAX } else { (1u32 << (2 * start)).wrapping_sub(1) }
}

/// Whether `q` is matched from `index` alone: no term's score reads a
/// post's own fields ([`Matcher::fields_score`] for a lower-case term of
/// these scopes and kinds looks only at the index's lower-cased fields and
/// word indexes), and its matches are ranked by score, so ordering them
/// reads no post either ([`order::arrange`]). Such a query may be matched
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
            tag_tiers: None,
            patch: index.patch(),
        }
    }

    /// [`Matcher::prepare`], and for a lower-case tag term matched by its
    /// tiers, the term's tier in each distinct tag when the index has the
    /// words of its short fields (see [`Prepared::tag_tiers`]).
    pub(super) fn prepare_in<'q>(&self, t: &'q Term, index: &'q Index, fuzz: bool) -> Prepared<'q> {
        let mut p = Prepared { fuzz, ..self.prepare(t, index) };
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
        let best_of = |hits: [Option<i64>; 4]| hits.into_iter().flatten().max();
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
            (Scope::Any, kind) => {
                let only_words = kind == Kind::Word;
                if let Some((w, l)) = &p.words
                    && p.precheck
                    && p.chars >= tiers::RANK_MIN
                {
                    return self.indexed_any(p, idx, hay, l, w, only_words);
                }
                let keep = |h: Option<tiers::Hit>| h.filter(|h| !only_words || h.tier == Tier::Word);
                // The short fields are worth looking at only if the term is
                // (nearly) in them, letters in order.
                let typo = p.chars >= tiers::TYPO_MIN;
                let short =
                    !p.precheck || tiers::nearly_subsequence(t.text.as_bytes(), hay.text.as_bytes(), typo);
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
                    if best_of([title, tag, None, None])
                        .is_none_or(|s| s < tier_score(Tier::Word, W_SOURCE, 0))
                    {
                        source = keep(self.tier(p, &post.source, hay.source(), !only_words && p.fuzz))
                            .map(|h| tier_score(h.tier, W_SOURCE, h.fuzzy));
                    }
                }
                let so_far = best_of([title, tag, source, None]);
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
                let text = if worth {
                    let fields = [&post.summary, &post.tldr];
                    // The summary first; the tldr only if it can still help.
                    let scan = || {
                        let mut words = None;
                        for f in fields {
                            if let Some(tier) =
                                self.tier_in_text(p, f).filter(|t| !only_words || *t == Tier::Word)
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
                            && so_far.is_none_or(|s| s < tier_score(Tier::Typo, W_TEXT, 0))
                            && p.precheck
                            && match indexed {
                                Some((w, l)) => w.has_typo(l, idx),
                                None => fields.iter().any(|f| tiers::typo_in_text(f, &t.text)),
                            };
                        found.then_some(Tier::Typo)
                    };
                    words.or_else(typo).map(|tier| tier_score(tier, W_TEXT, 0))
                } else {
                    None
                };
                best_of([title, tag, source, text])
            }
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
                None => self.scan(q, posts, index, narrow, false),
            };
            // Every word in its closest class somewhere: closest() keeps
            // only such posts for each word in turn.
            if close.iter().any(|m| m.loose == 0) {
                return (close, false);
            }
        }
        (self.scan(q, posts, index, narrow, true), true)
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
        self.scan(q, posts, index, narrow, true)
    }

    /// [`Matcher::matches_within`], with tier 4 looked for or not (`fuzz`).
    fn scan(
        &self,
        q: &Query,
        posts: &[Post],
        index: &Index,
        narrow: Option<Narrow>,
        fuzz: bool,
    ) -> Vec<Match> {
        if q.is_empty() {
            return (0..posts.len()).map(|idx| Match { idx, score: 0, last: 0, loose: 0 }).collect();
        }
        let start = narrow.map_or(0, |n| n.start.min(q.terms.len()));
        let terms: Vec<Prepared> = q.terms[start..].iter().map(|t| self.prepare_in(t, index, fuzz)).collect();

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

/// Byte offset of the term's text in `hay`, honouring its case mode.
pub(super) fn find(hay: &str, t: &Term) -> Option<usize> {
    if t.case_sensitive {
        return hay.find(&t.text);
    }
    if t.text.is_ascii() {
        let n = t.text.as_bytes();
        let h = hay.as_bytes();
        if n.is_empty() {
            return Some(0);
        }
        return h.windows(n.len()).position(|w| w.eq_ignore_ascii_case(n));
    }
    // Lower-casing can change lengths outside ASCII; map back by characters.
    let lower = hay.to_lowercase();
    let at = lower.find(&t.text)?;
    let nth = lower[..at].chars().count();
    hay.char_indices().nth(nth).map(|(i, _)| i)
}
