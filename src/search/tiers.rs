//! How well a term matches a field, in tiers a reader can trust:
//!
//! 1. a whole word (`k8s`; a term with punctuation, `v1.31`, matches a run of
//!    words written that way);
//! 2. the start of a word (`karp` -> Karpenter);
//! 3. one typo in a word, for terms of 5 characters or more (an insertion,
//!    deletion, substitution, or two neighbours swapped: `kubernets`);
//! 4. its letters in order inside one word, or across two neighbouring words
//!    (`k8sgw` -> `k8s gateway`), scored by fuzzy-matcher, always below 1-3.
//!
//! Tiers 1 and 2 are the term itself; 3 and 4 are loose, and a query keeps
//! them for a term only when no post holds the term itself
//! ([`Tier::looseness`], `search::closest`).
//!
//! A subsequence spread over more than two words never matches. A word is a
//! run of letters and digits. Case: the caller passes lower-cased text and a
//! lower-cased term, or both as written for a case-sensitive term.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

/// The tiers, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    Word = 1,
    Prefix = 2,
    Typo = 3,
    Fuzzy = 4,
}

impl Tier {
    /// How loosely it matches: 0 for the term itself (a whole word or a word
    /// start), 1 for a typo, 2 for letters in order. A term keeps only the
    /// posts of its closest class (`search::closest`); within a class the
    /// field counts before the tier.
    pub fn looseness(self) -> u8 {
        match self {
            Tier::Word | Tier::Prefix => 0,
            Tier::Typo => 1,
            Tier::Fuzzy => 2,
        }
    }
}

/// A match: its tier, a fuzzy score (tier 4 only; 0 otherwise), and the
/// byte range of the field it covers (for highlighting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub tier: Tier,
    pub fuzzy: i64,
    pub start: usize,
    pub end: usize,
}

/// Terms shorter than this get no typo tier: too many words are one edit
/// away from a short term.
pub const TYPO_MIN: usize = 5;

/// Terms shorter than this are not looked for in long text (summary, tldr):
/// one or two letters are the start of a word being typed, and as words in
/// long text they would only be noise.
pub const TEXT_MIN: usize = 3;

/// From this many letters, a whole word in long text also lifts a post that
/// the short fields found by a lower tier.
pub const RANK_MIN: usize = 4;

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// The words of `text`: (start, end) byte ranges of runs of letters and digits.
/// Bytes are scanned directly; only non-ASCII characters are decoded.
pub fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    // Whether the character at `i` is a word character, and its length.
    let at = move |i: usize| -> (bool, usize) {
        let b = bytes[i];
        if b < 0x80 {
            (b.is_ascii_alphanumeric(), 1)
        } else {
            text[i..].chars().next().map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8()))
        }
    };
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let (word, len) = at(i);
            if word {
                break;
            }
            i += len;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        while i < bytes.len() {
            let (word, len) = at(i);
            if !word {
                break;
            }
            i += len;
        }
        Some((start, i))
    })
}

/// Whether `term` has a character that is not part of a word (`v1.31`,
/// `jenkins-x`): such a term matches where it stands between word boundaries.
pub fn is_word_run(term: &str) -> bool {
    term.chars().any(|c| !is_word_char(c))
}

fn boundary_before(text: &str, at: usize) -> bool {
    text[..at].chars().next_back().is_none_or(|c| !is_word_char(c))
}

fn boundary_after(text: &str, at: usize) -> bool {
    text[at..].chars().next().is_none_or(|c| !is_word_char(c))
}

/// Tiers 1 and 2 for a term written with punctuation: it stands at the
/// start of a word (tier 2), and also ends at one (tier 1).
fn word_run(text: &str, term: &str) -> Option<Hit> {
    let mut best: Option<Hit> = None;
    let mut from = 0;
    while let Some(i) = text[from..].find(term) {
        let at = from + i;
        let end = at + term.len();
        // `1.31` finds `v1.31`: a number may follow a letter.
        let digit_after_letter = term.starts_with(|c: char| c.is_ascii_digit())
            && text[..at].chars().next_back().is_some_and(char::is_alphabetic);
        if boundary_before(text, at) || digit_after_letter {
            let tier = if boundary_after(text, end) { Tier::Word } else { Tier::Prefix };
            let hit = Hit { tier, fuzzy: 0, start: at, end };
            if tier == Tier::Word {
                return Some(hit);
            }
            best = best.or(Some(hit));
        }
        from = at + term.len().max(1);
        while from < text.len() && !text.is_char_boundary(from) {
            from += 1;
        }
    }
    best
}

/// Tier 3 in long text (a summary): a word one typo from `term` (lower-case,
/// [`TYPO_MIN`] letters or more), compared without regard to case.
pub fn typo_in_text(text: &str, term: &str) -> bool {
    let n = term.chars().count();
    if n < TYPO_MIN || !nearly_subsequence_in(term.as_bytes(), text.as_bytes(), true, term.is_ascii()) {
        return false;
    }
    words(text).any(|(s, e)| {
        let w = &text[s..e];
        w.len().abs_diff(term.len()) <= 4
            && w.chars().count().abs_diff(n) <= 1
            && one_typo(&w.to_lowercase(), term)
    })
}

/// Whether the characters of `needle` appear in order in `hay`. An ASCII
/// needle is looked for byte by byte (a UTF-8 continuation byte is never
/// ASCII, so this is exact).
fn is_subsequence(needle: &str, hay: &str) -> bool {
    if needle.is_ascii() {
        let mut rest = hay.as_bytes();
        for &c in needle.as_bytes() {
            match memchr::memchr(c, rest) {
                Some(i) => rest = &rest[i + 1..],
                None => return false,
            }
        }
        return true;
    }
    let mut rest = hay.chars();
    needle.chars().all(|c| rest.any(|h| h == c))
}

/// Whether `a` and `b` are one edit apart (Damerau: insertion, deletion,
/// substitution, or two neighbours swapped). Equal strings are not.
pub fn one_typo(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return one_edit(a.as_bytes(), b.as_bytes());
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    one_edit(&a, &b)
}

/// [`one_typo`] over letters of any kind (bytes for ASCII, else chars).
fn one_edit<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 || a == b {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    if la == lb {
        // Substitution, or a swap of two neighbours.
        ra[1..] == rb[1..] || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
    } else if la > lb {
        ra[1..] == *rb
    } else {
        *ra == rb[1..]
    }
}

/// The best tier of `term` in `text` (both already in the term's case mode).
/// `fuzzy` enables tier 4; tag and source terms leave it off.
pub fn best(text: &str, term: &str, fuzzy: bool, skim: &SkimMatcherV2) -> Option<Hit> {
    if is_word_run(term) {
        return word_run(text, term);
    }
    best_in(text, usize::MAX, usize::MAX, term, fuzzy, true, skim).map(|(hit, _)| hit)
}

/// The best match of a plain term (no punctuation; lower-cased, like `hay`)
/// in the index's one-line form of a post's short fields, `title \n tag \n
/// ... \n source`, in one pass: (tier, field, fuzzy score) where field 0 is
/// the title, 1 a tag, 2 the source (`title_end`, `source_start` bound
/// them).
pub fn best_short(
    hay: &str,
    title_end: usize,
    source_start: usize,
    term: &str,
    fuzzy: bool,
    skim: &SkimMatcherV2,
) -> Option<(Tier, u8, i64)> {
    best_in(hay, title_end, source_start, term, fuzzy, false, skim).map(|(h, f)| (h.tier, f, h.fuzzy))
}

/// Tiers 1-4 of a plain term over `hay`, whose fields (0 before
/// `title_end`, 2 from `source_start`, 1 between) are ranked in that order
/// within a tier. Words never join across a `\n`. Where the first two bytes
/// of a word and of the term are ASCII, a look at them keeps the tier checks
/// off most words. Without `need_span` the hit's range may be left empty
/// where finding it would cost more than the tier and field.
fn best_in(
    hay: &str,
    title_end: usize,
    source_start: usize,
    term: &str,
    fuzzy: bool,
    need_span: bool,
    skim: &SkimMatcherV2,
) -> Option<(Hit, u8)> {
    let tb = term.as_bytes();
    let (t0, t1) = (tb.first().copied()?, tb.get(1).copied());
    let term_ascii = t0.is_ascii() && t1.is_none_or(|b| b.is_ascii());
    let term_chars = term.chars().count();
    let typo = term_chars >= TYPO_MIN;
    let field = |at: usize| -> u8 {
        if at < title_end {
            0
        } else if at >= source_start {
            2
        } else {
            1
        }
    };
    let hit = |tier: Tier, fuzzy: i64, start: usize, end: usize| Hit { tier, fuzzy, start, end };
    // Tiers 1-3, and tier 4 in the same pass over the words while no word
    // has given tiers 1-3 (a hit there makes tier 4 moot).
    let mut best: Option<(Hit, u8)> = None;
    // Closest class first, then the field (title, tags, source), then the tier.
    let rank = |t: Tier, f: u8| (t.looseness(), f, t);
    let better =
        |t: Tier, f: u8, best: &Option<(Hit, u8)>| best.is_none_or(|(b, bf)| rank(t, f) < rank(b.tier, bf));
    // One ASCII letter needs no span (see below).
    let tier4 = fuzzy && !(term_chars == 1 && t0.is_ascii() && !need_span);
    // Tier 4: letters in order in one word, or across two neighbours of the
    // same field line; the shortest span of the best field is scored.
    let mut span: Option<(usize, usize)> = None;
    let mut prev: Option<(usize, usize)> = None;
    for (s, e) in words(hay) {
        if tier4 && best.is_none() {
            let joined = prev.filter(|&(_, pe)| !hay[pe..s].contains('\n')).map(|(ps, _)| ps);
            let cand = if is_subsequence(term, &hay[s..e]) {
                Some((s, e))
            } else {
                joined.map(|ps| (ps, e)).filter(|&(ps, e)| is_subsequence(term, &hay[ps..e]))
            };
            if let Some((cs, ce)) = cand
                && span.is_none_or(|(bs, be)| (field(cs), ce - cs) < (field(bs), be - bs))
            {
                span = Some((cs, ce));
            }
        }
        prev = Some((s, e));
        let w = &hay[s..e];
        let wb = w.as_bytes();
        let (w0, w1) = (wb[0], wb.get(1).copied());
        let f = field(s);
        if w0 == t0 {
            if w == term {
                if f == 0 {
                    return Some((hit(Tier::Word, 0, s, e), 0));
                }
                if better(Tier::Word, f, &best) {
                    best = Some((hit(Tier::Word, 0, s, e), f));
                }
                continue;
            }
            if w.starts_with(term) {
                if better(Tier::Prefix, f, &best) {
                    best = Some((hit(Tier::Prefix, 0, s, e), f));
                }
                continue;
            }
        }
        // One edit leaves one of the first two characters where it was.
        let may_be_typo = !(term_ascii && w0.is_ascii() && w1.is_none_or(|b| b.is_ascii()))
            || w0 == t0
            || Some(w0) == t1
            || w1 == Some(t0)
            || (w1.is_some() && w1 == t1);
        if typo
            && may_be_typo
            && better(Tier::Typo, f, &best)
            && wb.len().abs_diff(tb.len()) <= 4
            && w.chars().count().abs_diff(term_chars) <= 1
            && one_typo(w, term)
        {
            best = Some((hit(Tier::Typo, 0, s, e), f));
        }
    }
    if best.is_some() || !fuzzy {
        return best;
    }
    // One ASCII letter anywhere: its earliest place has the best field (the
    // title comes first) and every place scores alike.
    if term_chars == 1 && t0.is_ascii() && !need_span {
        return memchr::memchr(t0, hay.as_bytes()).map(|at| (hit(Tier::Fuzzy, 15, at, at), field(at)));
    }
    let (s, e) = span?;
    // One letter: where it stands hardly matters; no scorer needed.
    let score = if term_chars == 1 { Some(15) } else { skim.fuzzy_match(&hay[s..e], term) };
    score.map(|sc| (hit(Tier::Fuzzy, sc, s, e), field(s)))
}

/// Whether `term`, with at most one of its characters left out (only with
/// `allow_one`: terms long enough for the typo tier), is a subsequence of
/// `hay` (bytes): the cheap necessary condition for tiers 1-4, checked before
/// a post's words are looked at. No allocation: it runs for every post.
pub fn nearly_subsequence(term: &[u8], hay: &[u8], allow_one: bool) -> bool {
    nearly_subsequence_in(term, hay, allow_one, false)
}

/// As [`nearly_subsequence`]; with `ascii_ci`, ASCII letters of `hay` match
/// in either case (`term` lower-cased): for long text not lower-cased ahead.
pub fn nearly_subsequence_in(term: &[u8], hay: &[u8], allow_one: bool, ascii_ci: bool) -> bool {
    let find = |c: u8, h: &[u8]| {
        if ascii_ci && c.is_ascii_lowercase() {
            memchr::memchr2(c, c.to_ascii_uppercase(), h)
        } else {
            memchr::memchr(c, h)
        }
    };
    let rfind = |c: u8, h: &[u8]| {
        if ascii_ci && c.is_ascii_lowercase() {
            memchr::memrchr2(c, c.to_ascii_uppercase(), h)
        } else {
            memchr::memrchr(c, h)
        }
    };
    // Forward, as early as possible: how much of the term matches.
    const MAX: usize = 64;
    let mut fwd = [0usize; MAX + 1];
    let mut matched = 0;
    let mut at = 0;
    for &c in term {
        match find(c, &hay[at..]) {
            Some(i) => {
                at += i + 1;
                matched += 1;
                if matched <= MAX {
                    fwd[matched] = at;
                }
            }
            None => break,
        }
    }
    if matched == term.len() {
        return true;
    }
    if !allow_one {
        return false;
    }
    if term.len() > MAX {
        // Too long to track: let the word loop decide.
        return true;
    }
    // Backward, as late as possible: term[i..] from `start`. Leaving out
    // term[i-1] works when term[..i-1] (early) ends by `start`.
    let mut start = hay.len();
    let mut i = term.len();
    loop {
        if i >= 1 && i - 1 <= matched && fwd[i - 1] <= start {
            return true;
        }
        if i == 0 {
            return false;
        }
        match rfind(term[i - 1], &hay[..start]) {
            Some(p) => start = p,
            None => return false,
        }
        i -= 1;
    }
}

/// Appends `s` lower-cased: in place when it is ASCII, else through
/// `str::to_lowercase` (which knows every script's case).
pub fn push_lower(out: &mut String, s: &str) {
    if s.is_ascii() {
        let start = out.len();
        out.push_str(s);
        out[start..].make_ascii_lowercase();
    } else {
        out.push_str(&s.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tier(text: &str, term: &str) -> Option<Tier> {
        best(text, term, true, &SkimMatcherV2::default().respect_case()).map(|h| h.tier)
    }

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        let t = "Kubernetes v1.31: Elli (k8s) — déjà-vu";
        let w: Vec<&str> = words(t).map(|(s, e)| &t[s..e]).collect();
        assert_eq!(w, ["Kubernetes", "v1", "31", "Elli", "k8s", "déjà", "vu"]);
    }

    #[test]
    fn each_tier() {
        assert_eq!(tier("octant 0.25 released", "octant"), Some(Tier::Word));
        assert_eq!(tier("scaling with karpenter", "karp"), Some(Tier::Prefix));
        assert_eq!(tier("scaling with karpenter", "karpetner"), Some(Tier::Typo), "a swap");
        assert_eq!(tier("what is kubernetes", "kubernets"), Some(Tier::Typo), "a deletion");
        assert_eq!(tier("what is kubernetes", "kubernetess"), Some(Tier::Typo), "an insertion");
        assert_eq!(tier("what is kubernetes", "kubernetas"), Some(Tier::Typo), "a substitution");
        assert_eq!(tier("the k8s gateway api", "k8sgw"), Some(Tier::Fuzzy), "across two words");
        assert_eq!(tier("kubernetes", "kbnts"), Some(Tier::Fuzzy), "inside one word");
    }

    #[test]
    fn no_subsequence_over_three_words() {
        // o-c-t-a-n-t spread across many words never matches.
        assert_eq!(tier("open cloud team at new town", "octant"), None);
        assert_eq!(tier("jenkins x", "eks"), Some(Tier::Fuzzy), "e..k..s across two neighbours is tier 4");
        assert_eq!(
            best("jenkins x", "eks", false, &SkimMatcherV2::default()),
            None,
            "tags and sources: no tier 4"
        );
    }

    #[test]
    fn short_terms_get_no_typo_tier() {
        assert_eq!(best("eks", "ecs", false, &SkimMatcherV2::default()), None);
        assert!(one_typo("ecs", "eks"), "one edit apart, but too short to count");
    }

    #[test]
    fn terms_with_punctuation_match_as_written_at_word_boundaries() {
        assert_eq!(tier("kubernetes v1.31 release", "v1.31"), Some(Tier::Word));
        assert_eq!(tier("kubernetes v1.31 release", "1.31"), Some(Tier::Word));
        assert_eq!(tier("kubernetes v1.310 release", "v1.31"), Some(Tier::Prefix));
        assert_eq!(tier("kubernetes xv1.31 release", "v1.31"), None);
        assert_eq!(tier("jenkins-x", "jenkins-x"), Some(Tier::Word));
    }

    #[test]
    fn nearly_subsequence_allows_one_left_out() {
        assert!(nearly_subsequence(b"kube", b"the kubernetes blog", false));
        assert!(nearly_subsequence(b"karpetner", b"karpenter", true), "a swap");
        assert!(!nearly_subsequence(b"karpetner", b"karpenter", false), "not without one left out");
        assert!(nearly_subsequence(b"kubernetas", b"kubernetes", true), "a substitution");
        assert!(nearly_subsequence(b"xkube", b"kube", true), "one extra letter");
        assert!(!nearly_subsequence(b"xxkube", b"kube", true));
        assert!(!nearly_subsequence(b"octant", b"a tale", true));
        assert!(nearly_subsequence(b"", b"", true));
    }

    proptest::proptest! {
        /// Against the definition: some one letter left out makes it a subsequence.
        #[test]
        fn nearly_subsequence_is_leave_one_out(term in "[abc]{0,6}", hay in "[abc ]{0,12}") {
            let sub = |t: &[u8]| {
                let mut rest = hay.bytes();
                t.iter().all(|c| rest.any(|h| h == *c))
            };
            let t = term.as_bytes();
            let want = sub(t) || (0..t.len()).any(|i| sub(&[&t[..i], &t[i + 1..]].concat()));
            proptest::prop_assert_eq!(nearly_subsequence(t, hay.as_bytes(), true), want);
            proptest::prop_assert_eq!(nearly_subsequence(t, hay.as_bytes(), false), sub(t));
        }
    }

    #[test]
    fn typos_in_long_text_ignore_case() {
        assert!(typo_in_text("Scaling nodes with Karpenter and KWOK.", "karpetner"));
        assert!(!typo_in_text("Scaling nodes with Carpenters.", "karpetner"));
        assert!(!typo_in_text("karpenter", "karp"), "short terms: no typo tier");
    }

    #[test]
    fn one_pass_over_the_short_fields() {
        let skim = SkimMatcherV2::default().respect_case();
        // title \n tags \n source
        let hay = "scaling with kubeflow\nkube\nml\nthe kube blog";
        let (te, ss) = (21, 30);
        assert_eq!(&hay[ss..], "the kube blog");
        assert_eq!(
            best_short(hay, te, ss, "kube", true, &skim),
            Some((Tier::Prefix, 0, 0)),
            "a title that holds the term (a word start) beats a tag's whole word"
        );
        assert_eq!(
            best_short(hay, te, ss, "kubeflwo", true, &skim),
            Some((Tier::Typo, 0, 0)),
            "a typo in the title"
        );
        let tag_word = "a kubernetes story\nkube\nblog";
        assert_eq!(
            best_short(tag_word, 18, 24, "kube", true, &skim),
            Some((Tier::Prefix, 0, 0)),
            "the title's word start, not the tag's whole word"
        );
        let only_tag = "kebab recipes\nkube\nblog";
        assert_eq!(
            best_short(only_tag, 13, 19, "kube", true, &skim),
            Some((Tier::Word, 1, 0)),
            "the term itself in a tag beats its letters scattered in the title"
        );
        assert_eq!(best_short(hay, te, ss, "scal", true, &skim), Some((Tier::Prefix, 0, 0)));
        assert_eq!(best_short(hay, te, ss, "kubeflwo", true, &skim), Some((Tier::Typo, 0, 0)));
        assert_eq!(best_short(hay, te, ss, "blg", true, &skim).map(|h| (h.0, h.1)), Some((Tier::Fuzzy, 2)));
        // "ml" and "the" are on different lines: no two-word span joins them.
        assert_eq!(best_short(hay, te, ss, "mlth", true, &skim), None);
        assert_eq!(best_short(hay, te, ss, "blg", false, &skim), None);
        // A typo in a first letter that is not ASCII is still one typo.
        let hay = "kübernetes\n\n";
        assert_eq!(best_short(hay, 11, 12, "kubernetes", true, &skim), Some((Tier::Typo, 0, 0)));
        assert_eq!(best_short("ébcdef\n\n", 7, 8, "abcdef", true, &skim), Some((Tier::Typo, 0, 0)));
    }

    #[test]
    fn typos() {
        assert!(one_typo("kubernetes", "kubernets"));
        assert!(one_typo("karpenter", "karpetner"));
        assert!(one_typo("abcde", "abxde"));
        assert!(!one_typo("abcde", "abcde"));
        assert!(!one_typo("abcde", "axcdy"));
        assert!(!one_typo("abcdef", "abcd"));
    }

    #[test]
    fn hits_cover_the_matched_word() {
        let t = "Scaling with Karpenter today";
        let lower = t.to_lowercase();
        let h = best(&lower, "karp", true, &SkimMatcherV2::default()).expect("a hit");
        assert_eq!(&t[h.start..h.end], "Karpenter");
    }
}
