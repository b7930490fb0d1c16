//! The query language and matching.
//!
//! | term | matches |
//! | --- | --- |
//! | `word` | fuzzy in the title, a tag or the source; substring of tldr/summary |
//! | `#word` | fuzzy against the tags only |
//! | `#"tag"` | a tag exactly (what the tag picker inserts) |
//! | `source:word`, `@word` | fuzzy against the source only |
//! | `"exact phrase"` | substring of title, tags, source or summary |
//! | `-term` | excludes what the term matches |
//!
//! All terms must hold. Smart case: a term with a capital letter is
//! case-sensitive. A malformed term is read literally; an unclosed quote runs
//! to the end of the query.

use crate::post::Post;
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

/// Field weights: a hit in the title outweighs one in the tags, which
/// outweighs the source, which outweighs the summary.
const W_TITLE: i64 = 4;
const W_TAG: i64 = 3;
const W_SOURCE: i64 = 2;
const W_TEXT: i64 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Title, tags and source fuzzily; tldr and summary literally.
    Any,
    /// The tags only.
    Tags,
    /// The source only.
    Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Letters in order, as fzf matches them.
    Fuzzy,
    /// A literal substring.
    Phrase,
    /// The whole field equals the text (only for tags).
    Exact,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub negate: bool,
    pub scope: Scope,
    pub kind: Kind,
    /// What to look for; lower-cased unless the term is case-sensitive.
    pub text: String,
    pub case_sensitive: bool,
}

/// A parsed query. An empty query matches every post.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub terms: Vec<Term>,
}

impl Query {
    pub fn parse(input: &str) -> Query {
        let chars: Vec<char> = input.chars().collect();
        let mut terms = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if chars[i].is_whitespace() {
                i += 1;
                continue;
            }
            let start = i;
            // A token runs to the next white space outside quotes.
            let mut end = i;
            let mut in_quote = false;
            while end < chars.len() && (in_quote || !chars[end].is_whitespace()) {
                if chars[end] == '"' {
                    in_quote = !in_quote;
                }
                end += 1;
            }
            let token: String = chars[start..end].iter().collect();
            terms.push(parse_term(&token));
            i = end;
        }
        Query { terms }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether results are ranked by score (there is a free-text term) rather
    /// than newest first (only tag and source terms).
    pub fn ranks_by_score(&self) -> bool {
        self.terms.iter().any(|t| !t.negate && t.scope == Scope::Any)
    }
}

fn term(negate: bool, scope: Scope, kind: Kind, text: &str) -> Term {
    let case_sensitive = text.chars().any(char::is_uppercase);
    let text = if case_sensitive { text.to_string() } else { text.to_lowercase() };
    Term { negate, scope, kind, text, case_sensitive }
}

/// A quoted body: `"abc"` or an unclosed `"abc`.
fn quoted(s: &str) -> Option<&str> {
    let rest = s.strip_prefix('"')?;
    let body = rest.strip_suffix('"').unwrap_or(rest);
    (!body.is_empty()).then_some(body)
}

fn parse_term(token: &str) -> Term {
    let (negate, body) = match token.strip_prefix('-') {
        Some(rest) if !rest.is_empty() => (true, rest),
        _ => (false, token),
    };
    let scoped = |scope: Scope, rest: &str| -> Option<Term> {
        if rest.is_empty() {
            return None;
        }
        Some(match quoted(rest) {
            Some(q) if scope == Scope::Tags => term(negate, scope, Kind::Exact, q),
            Some(q) => term(negate, scope, Kind::Phrase, q),
            None if rest == "\"" || rest == "\"\"" => return None,
            None => term(negate, scope, Kind::Fuzzy, rest),
        })
    };
    let parsed = if let Some(rest) = body.strip_prefix('#') {
        scoped(Scope::Tags, rest)
    } else if let Some(rest) = body.strip_prefix("source:") {
        scoped(Scope::Source, rest)
    } else if let Some(rest) = body.strip_prefix('@') {
        scoped(Scope::Source, rest)
    } else if body.starts_with('"') {
        quoted(body).map(|q| term(negate, Scope::Any, Kind::Phrase, q))
    } else {
        None
    };
    // Anything malformed (a lone `#`, `source:` with nothing after it, `""`)
    // is looked for literally, as a plain word.
    parsed.unwrap_or_else(|| term(negate, Scope::Any, Kind::Fuzzy, body))
}

/// A post that matched: its index in the feed and its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub idx: usize,
    pub score: i64,
}

/// The fuzzy scorers, one per case mode, and the query they serve.
pub struct Matcher {
    insensitive: SkimMatcherV2,
    sensitive: SkimMatcherV2,
}

impl Default for Matcher {
    fn default() -> Self {
        Matcher {
            insensitive: SkimMatcherV2::default().ignore_case(),
            sensitive: SkimMatcherV2::default().respect_case(),
        }
    }
}

impl Matcher {
    fn skim(&self, t: &Term) -> &SkimMatcherV2 {
        if t.case_sensitive { &self.sensitive } else { &self.insensitive }
    }

    fn fuzzy(&self, t: &Term, hay: &str) -> Option<i64> {
        self.skim(t).fuzzy_match(hay, &t.text)
    }

    /// The score a perfect, contiguous hit of the term would get: a literal
    /// hit in the summary is worth this once.
    fn perfect(&self, t: &Term) -> i64 {
        self.skim(t).fuzzy_match(&t.text, &t.text).unwrap_or(1).max(1)
    }

    /// How well one term matches a post, or `None`.
    fn term_score(&self, t: &Term, post: &Post) -> Option<i64> {
        let best = |a: Option<i64>, b: Option<i64>| match (a, b) {
            (Some(x), Some(y)) => Some(x.max(y)),
            (x, None) => x,
            (None, y) => y,
        };
        let perfect = || self.perfect(t);
        match (t.scope, t.kind) {
            (Scope::Tags, Kind::Exact) => post.tags.iter().any(|tag| equals(tag, t)).then(perfect),
            (Scope::Tags, Kind::Fuzzy) => post.tags.iter().filter_map(|tag| self.fuzzy(t, tag)).max(),
            (Scope::Tags, Kind::Phrase) => post.tags.iter().any(|tag| contains(tag, t)).then(perfect),
            (Scope::Source, Kind::Fuzzy) => self.fuzzy(t, &post.source),
            (Scope::Source, _) => contains(&post.source, t).then(perfect),
            (Scope::Any, Kind::Phrase) => {
                let p = perfect();
                let hit = |w: i64, field: &str| contains(field, t).then_some(w * p);
                hit(W_TITLE, &post.title)
                    .or_else(|| post.tags.iter().any(|tag| contains(tag, t)).then_some(W_TAG * p))
                    .or_else(|| hit(W_SOURCE, &post.source))
                    .or_else(|| hit(W_TEXT, &post.summary))
                    .or_else(|| hit(W_TEXT, &post.tldr))
            }
            (Scope::Any, _) => {
                let mut s = self.fuzzy(t, &post.title).map(|s| W_TITLE * s);
                let tag = post.tags.iter().filter_map(|tag| self.fuzzy(t, tag)).max();
                s = best(s, tag.map(|x| W_TAG * x));
                s = best(s, self.fuzzy(t, &post.source).map(|x| W_SOURCE * x));
                if s.is_none() && (contains(&post.summary, t) || contains(&post.tldr, t)) {
                    s = Some(W_TEXT * perfect());
                }
                s
            }
        }
    }

    /// The post's score when every term holds.
    pub fn score(&self, q: &Query, post: &Post) -> Option<i64> {
        let mut total = 0;
        for t in &q.terms {
            match (self.term_score(t, post), t.negate) {
                (Some(s), false) => total += s,
                (None, true) => {}
                _ => return None,
            }
        }
        Some(total)
    }

    /// The posts that match, best first (or newest first for tag and
    /// source queries), ties newest first. `posts` is newest first.
    pub fn filter(&self, q: &Query, posts: &[Post]) -> Vec<Match> {
        if q.is_empty() {
            return (0..posts.len()).map(|idx| Match { idx, score: 0 }).collect();
        }
        let mut out: Vec<Match> = posts
            .iter()
            .enumerate()
            .filter_map(|(idx, p)| self.score(q, p).map(|score| Match { idx, score }))
            .collect();
        if q.ranks_by_score() {
            out.sort_by(|a, b| b.score.cmp(&a.score).then(a.idx.cmp(&b.idx)));
        }
        out
    }

    /// Character indices of `text` to highlight for the query's positive
    /// terms that look in a field of `scope` (titles are `Scope::Any`).
    pub fn highlights(&self, q: &Query, scope: Scope, text: &str) -> Vec<usize> {
        let mut out = Vec::new();
        for t in q.terms.iter().filter(|t| !t.negate) {
            let applies = t.scope == Scope::Any || t.scope == scope;
            if !applies {
                continue;
            }
            match t.kind {
                Kind::Fuzzy => {
                    if let Some((_, idx)) = self.skim(t).fuzzy_indices(text, &t.text) {
                        out.extend(idx);
                    }
                }
                Kind::Phrase | Kind::Exact => {
                    if let Some(start) = find(text, t) {
                        let before = text[..start].chars().count();
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
fn find(hay: &str, t: &Term) -> Option<usize> {
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

fn contains(hay: &str, t: &Term) -> bool {
    find(hay, t).is_some()
}

fn equals(hay: &str, t: &Term) -> bool {
    if t.case_sensitive { hay == t.text } else { hay.to_lowercase() == t.text }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
