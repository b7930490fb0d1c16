//! The query language and matching.
//!
//! Owns: parsing a query (`query`), the index matched against (`index`, the
//! word index of the long text in `words`, saved between runs by `saved`),
//! matching and scoring by tiers (`matcher`, `tiers`), and the order of
//! results (`order`: the one rule both the reader and `list` apply).
//!
//! | term | matches |
//! | --- | --- |
//! | `word` | by tiers (`tiers.rs`): whole word, word start, one typo, letters within two words; title, tags, source; whole words and word starts in tldr/summary |
//! | `'word` | a whole word only |
//! | `^word`, `word$` | a title that starts / ends with it |
//! | `#word` | a tag's words (tiers 1-3) |
//! | `#"tag"` | a tag exactly (what the tag picker inserts) |
//! | `source:word`, `@word` | the source's words (tiers 1-3) |
//! | `"exact phrase"` | substring of title, tags, source or summary |
//! | `in:section` | posts of a section whose name or title starts with it |
//! | `kind:kind` | posts of a kind (`release`, `event`, `blog`, `link`) starting with it |
//! | `is:upcoming`, `is:past` | events that have not ended / have ended |
//! | `is:unread`, `is:read`, `is:starred`, `is:new` | posts with that mark (`Matcher::marks`) |
//! | `has:article` | posts whose article reader mode keeps (`Matcher::marks`) |
//! | `is:muted` | posts a mute rule hides (`mute`); otherwise they are left out |
//! | `-term` | excludes what the term matches |
//!
//! All terms must hold. Smart case: a term with a capital letter is
//! case-sensitive. A malformed term is searched for as text, and said so
//! (`Query::problems`); an unclosed quote runs to the end of the query.

pub mod articles;
mod finder;
mod index;
mod matcher;
pub mod mute;
pub mod order;
mod query;
pub mod saved;
mod score;
mod short_words;
mod slab;
pub mod tiers;
pub mod words;
pub mod words_build;

pub use articles::ArticleWords;
pub use index::*;
pub use matcher::*;
pub use order::{Loose, all_events, closest, sort_events};
pub use query::*;
pub use score::{ARTICLE, Matcher, NEW, READ, STARRED};

use fuzzy_matcher::skim::SkimMatcherV2;

/// Field weights: a hit in the title outweighs one in the tags, which
/// outweighs the source, which outweighs the summary.
/// Below this many candidates one thread is quicker than starting two.
pub(super) const PARALLEL_MIN: usize = 4096;

const W_TITLE: i64 = 4;
const W_TAG: i64 = 3;
const W_SOURCE: i64 = 2;
const W_TEXT: i64 = 1;
/// The article reader mode keeps: below everything the post says itself.
const W_ARTICLE: i64 = 0;

/// A term's score: how closely it matched first (the term itself, a typo,
/// scattered letters: [`tiers::Tier::looseness`]), then the field (title,
/// tags, source, summary), then the tier (a whole word above a word start),
/// then, in tier 4, fuzzy-matcher's score (capped below a tier). So among
/// posts that hold the term, a title that holds it ranks above tags, source
/// and summary, and a whole word above a word start in the same field.
fn tier_score(tier: tiers::Tier, field: i64, fuzzy: i64) -> i64 {
    (3 - tier.looseness() as i64) * CLASS + field * 1000 + (5 - tier as i64) * 100 + fuzzy.clamp(0, 99)
}

/// The weight of a class of closeness in [`tier_score`].
const CLASS: i64 = 10_000;

/// How loosely a term's score says it matched: 0 the term itself, 1 a
/// typo, 2 letters in order (the inverse of [`tier_score`]'s first part).
fn looseness_of(score: i64) -> u8 {
    (3 - (score / CLASS).clamp(1, 3)) as u8
}

/// A post that matched: its index in the feed and its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub idx: usize,
    pub score: i64,
    /// The part of `score` the query's last term gave, so the next keystroke
    /// can reuse the rest.
    pub last: i64,
    /// How loosely each of the first [`LOOSE_TERMS`] terms matched, two bits
    /// a term (0 the term itself, 1 a typo, 2 letters in order): what
    /// [`closest`] keeps or drops.
    pub loose: u32,
}

/// How many terms [`Match::loose`] tracks (later terms count as close).
pub const LOOSE_TERMS: usize = 16;

impl Match {
    /// How loosely term `i` matched (0 the term itself, 1 a typo, 2 letters in order).
    pub fn looseness(&self, i: usize) -> u8 {
        if i < LOOSE_TERMS { (self.loose >> (2 * i) & 3) as u8 } else { 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::finder::{AsciiFinder, find};
    use super::*;
    use crate::post::Post;

    /// Posts that do not share their section and kind allocations (built
    /// one by one, not assembled) still make one meta line per distinct
    /// section and kind: the index stays one line, not one per post (a look-up
    /// over one line per post made building it quadratic).
    #[test]
    fn the_meta_lines_are_one_per_section_and_kind_however_they_are_allocated() {
        let posts: Vec<Post> = (0..1000)
            .map(|i| Post {
                title: format!("post {i}"),
                section: std::sync::Arc::from(if i % 2 == 0 { "docs" } else { "blog" }),
                section_title: std::sync::Arc::from("Section"),
                kind: std::sync::Arc::from("link"),
                ..Post::default()
            })
            .collect();
        let index = Index::new(&posts);
        assert_eq!(index.short.metas.len(), 2);
        assert_eq!(index.hay(1).map(|h| h.meta()), Some(("blog", "section", "link")));
    }

    #[test]
    fn ascii_finder_finds_every_case() {
        let f = AsciiFinder::new(b"rus");
        assert_eq!(f.find(b"Trust RUST rust", 0), Some(1));
        assert_eq!(f.find(b"Trust RUST rust", 2), Some(6));
        assert_eq!(f.find(b"Trust RUST rust", 7), Some(11));
        assert_eq!(f.find(b"Trust RUST rust", 12), None);
        assert_eq!(f.find(b"ru", 0), None);
        assert_eq!(AsciiFinder::new(b"v1.31").find(b"kubernetes V1.31", 0), Some(11));
        assert_eq!(AsciiFinder::new(b"a").find(b"", 0), None);
    }

    fn one(s: &str) -> Term {
        let q = Query::parse(s);
        assert_eq!(q.terms.len(), 1, "{s:?} gave {q:?}");
        q.terms.into_iter().next().unwrap_or_else(|| unreachable!())
    }

    #[test]
    fn parser_table() {
        use Kind::*;
        use Scope::*;
        let rows: &[(&str, bool, Scope, Kind, &str, bool)] = &[
            ("kube", false, Any, Fuzzy, "kube", false),
            ("Kube", false, Any, Fuzzy, "Kube", true),
            ("#kube", false, Tags, Fuzzy, "kube", false),
            ("#\"kubernetes\"", false, Tags, Exact, "kubernetes", false),
            ("source:cncf", false, Source, Fuzzy, "cncf", false),
            ("@cncf", false, Source, Fuzzy, "cncf", false),
            ("source:\"CNCF Blog\"", false, Source, Phrase, "CNCF Blog", true),
            ("\"exact phrase\"", false, Any, Phrase, "exact phrase", false),
            ("-kube", true, Any, Fuzzy, "kube", false),
            ("-#rust", true, Tags, Fuzzy, "rust", false),
            ("-source:x", true, Source, Fuzzy, "x", false),
            ("-@x", true, Source, Fuzzy, "x", false),
            // malformed: read literally
            ("#", false, Any, Fuzzy, "#", false),
            ("-", false, Any, Fuzzy, "-", false),
            ("source:", false, Any, Fuzzy, "source:", false),
            ("@", false, Any, Fuzzy, "@", false),
            ("\"unclosed phrase", false, Any, Phrase, "unclosed phrase", false),
            ("\"\"", false, Any, Fuzzy, "\"\"", false),
            ("\"", false, Any, Fuzzy, "\"", false),
            ("#\"", false, Any, Fuzzy, "#\"", false),
        ];
        for &(input, negate, scope, kind, text, cs) in rows {
            let t = one(input);
            assert_eq!(
                (t.negate, t.scope, t.kind, t.text.as_str(), t.case_sensitive),
                (negate, scope, kind, text, cs),
                "{input:?}"
            );
        }
    }

    #[test]
    fn several_terms() {
        let q = Query::parse("  rust  #async -source:\"Foo Bar\" \"two words\"");
        let texts: Vec<&str> = q.terms.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["rust", "async", "Foo Bar", "two words"]);
        assert!(Query::parse("   ").is_empty());
    }

    #[test]
    fn ranking_mode() {
        assert!(Query::parse("kube").ranks_by_score());
        assert!(!Query::parse("#kube @cncf -foo").ranks_by_score());
    }

    #[test]
    fn non_ascii_find_maps_back() {
        let t = one("über");
        assert_eq!(find("Das ÜBER Ding", &t), Some(4));
    }

    /// Post `i` of the index tests, its words picked from `words` (moved
    /// on by `shift`, for an edit of it): title, tags, source, summary, a
    /// tldr on every third, sections and kinds alternating.
    fn wordy_post(words: &[&str], i: usize, shift: usize) -> Post {
        let w = |k: usize| words[(i * 7 + k * 3 + shift) % words.len()];
        Post {
            path: format!("p{i}.md").into(),
            title: format!("{} {} of {}", w(0), w(1), i % 13),
            tags: vec![w(2).to_lowercase().into(), format!("t{}", (i + shift) % 5).into()],
            source: format!("{} Blog", w(3)).into(),
            summary: format!("A summary on {} and {}ing", w(4), w(5)),
            tldr: if (i + shift).is_multiple_of(3) { format!("kubesec {}", w(6)) } else { String::new() },
            section: if (i + shift).is_multiple_of(2) { "docs".into() } else { "blog".into() },
            section_title: "Section".into(),
            kind: if i.is_multiple_of(2) { "link".into() } else { "blog".into() },
            date: chrono::DateTime::from_timestamp(1_700_000_000 - i as i64 * 3600, 0)
                .map(|d| d.fixed_offset()),
            ..Post::default()
        }
    }

    /// Queries the index answers alone ([`on_the_index_alone`]), of every
    /// kind of term it takes.
    const ALONE: [&str; 20] = [
        "kube sec",
        "security",
        "secu",
        "kub",
        "'rust",
        "gatway",
        "ksc",
        "editoring",
        "summary",
        "kube -rust",
        "kube #t1",
        "mesh @blog",
        "mesh source:\"gateway blog\"",
        "docs kube in:docs",
        "rust kind:blog",
        "^kube sec",
        "storage$ kube",
        "#secur kube",
        "zzzz",
        "sec ^mesh",
    ];

    /// What `q` finds over `posts` with `index`, as `list` finds it: the
    /// posts and their scores in order, and the terms matched loosely.
    fn found(q: &Query, posts: &[Post], index: &Index) -> (Vec<(usize, i64)>, Vec<Loose>) {
        let matcher = Matcher::at(1_700_000_000);
        let (mut m, _) = matcher.matches_term_by_term(q, posts, index);
        let order = order::Order { newest: false, ranks: None, now: matcher.now };
        let loose = order::arrange(q, &mut m, posts, &order);
        (m.iter().map(|m| (m.idx, m.score)).collect(), loose)
    }

    /// Issue 25: a query matched from the index alone
    /// ([`on_the_index_alone`]) finds the same posts, scored and ordered
    /// the same, over stand-ins that hold none of the posts' text; one that
    /// is not (a capital, a phrase, an exact tag, a word run, `is:`) is
    /// refused, and several of those do find other posts over stand-ins.
    #[test]
    fn queries_on_the_index_alone_need_no_post() {
        let words = ["kube", "security", "rust", "async", "editor", "Gateway", "mesh", "storage"];
        let posts: Vec<Post> = (0..600).map(|i| wordy_post(&words, i, 0)).collect();
        let stand_ins: Vec<Post> = posts
            .iter()
            .map(|p| Post { path: p.path.clone(), date: p.date, event: p.event.clone(), ..Post::default() })
            .collect();
        let index = Index::with_text(&posts);
        index.prepare_short_words();
        let found = |q: &Query, posts: &[Post]| found(q, posts, &index);
        let alone = ALONE;
        for text in alone {
            let q = Query::parse(text);
            assert!(on_the_index_alone(&q, &index), "{text}");
            let want = found(&q, &posts);
            assert_eq!(found(&q, &stand_ins), want, "{text}");
        }
        assert!(alone.iter().any(|t| !found(&Query::parse(t), &posts).0.is_empty()));
        let refused =
            ["Gateway", "\"kube async\"", "#\"rust\"", "kube is:unread", "kube-sec", "#rust", "@blog"];
        let mut differ = 0;
        for text in refused {
            let q = Query::parse(text);
            assert!(!on_the_index_alone(&q, &index), "{text}");
            differ += usize::from(found(&q, &stand_ins) != found(&q, &posts));
        }
        assert!(differ >= 3, "{differ}");
        // Without the words of the short fields, a tag term is refused.
        let bare = Index::with_text(&posts);
        assert!(!on_the_index_alone(&Query::parse("#secur kube"), &bare));
        assert!(on_the_index_alone(&Query::parse("secur kube"), &bare));
    }

    /// Issue 25: an index patched with the posts edited since it was made
    /// ([`Index::patched`]) finds, for every kind of term, what an index
    /// made of the posts as they are now finds: the same posts, scores and
    /// order; the index without the patch finds otherwise.
    #[test]
    fn a_patched_index_finds_what_an_index_of_the_edited_posts_finds() {
        let words = ["kube", "security", "rust", "async", "editor", "Gateway", "mesh", "storage", "zebra"];
        let post = |i: usize, shift: usize| wordy_post(&words, i, shift);
        let before: Vec<Post> = (0..700).map(|i| post(i, 0)).collect();
        // Edited: a few posts, among them the only one with "zebrafish"
        // and "quokka" (a word no post had), one at each end.
        let edited = [0, 1, 63, 64, 65, 300, 699];
        let mut now = before.clone();
        for &i in &edited {
            now[i] = Post { path: now[i].path.clone(), date: now[i].date, ..post(i, 4) };
        }
        now[300].title = "Quokka zebrafish sightings".into();
        now[64].summary = "nothing about containers at all".into();
        now[65].tags = vec!["kubernetes".into()];
        let old = Index::with_text(&before);
        old.prepare_short_words();
        let changed: Vec<(usize, &Post)> = edited.iter().rev().map(|&i| (i, &now[i])).collect();
        let patched = old.clone().patched(&changed).expect("places in range, once each");
        let fresh = Index::with_text(&now);
        fresh.prepare_short_words();
        let found = |q: &Query, index: &Index| found(q, &now, index);
        let more = [
            "ku",
            "#kubernetes",
            "#kub",
            "zebra",
            "zebrafish",
            "quokka",
            "quoka",
            "qkka",
            "Gateway",
            "\"kube async\"",
            "#\"rust\"",
            "kube-sec",
            "containers",
            "contain",
            "in:blog zebra",
            "-zebra mesh",
            "sightings",
            "Quokka",
        ];
        let queries = ALONE.iter().chain(&more);
        let mut differ = 0;
        for &text in queries {
            let q = Query::parse(text);
            let want = found(&q, &fresh);
            assert_eq!(found(&q, &patched), want, "{text}");
            differ += usize::from(found(&q, &old) != want);
        }
        assert!(differ >= 10, "the edits change {differ} queries' answers");
        assert!(old.clone().patched(&[(1, &now[1]), (1, &now[1])]).is_none(), "a place twice");
        assert!(old.patched(&[(700, &now[1])]).is_none(), "a place out of range");
    }
}
