//! The query language and matching.
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
//! | `-term` | excludes what the term matches |
//!
//! All terms must hold. Smart case: a term with a capital letter is
//! case-sensitive. A malformed term is searched for as text, and said so
//! (`Query::problems`); an unclosed quote runs to the end of the query.

pub mod saved;
pub mod tiers;
pub mod words;

use crate::post::Post;
use fuzzy_matcher::skim::SkimMatcherV2;

/// Field weights: a hit in the title outweighs one in the tags, which
/// outweighs the source, which outweighs the summary.
const W_TITLE: i64 = 4;
const W_TAG: i64 = 3;
const W_SOURCE: i64 = 2;
const W_TEXT: i64 = 1;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Title, tags and source by every tier; tldr and summary by whole
    /// words and word starts.
    Any,
    /// The tags only.
    Tags,
    /// The source only.
    Source,
    /// The section's folder name or title starts with the text.
    Section,
    /// The post's kind starts with the text.
    PostKind,
    /// A state: `upcoming` or `past` (events).
    Is,
    /// The title alone (`^word`, `word$`).
    Title,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The matching tiers (`tiers.rs`): whole word, word start, one typo,
    /// then letters in order within two words (tier 4 only where the scope
    /// allows it: not for tags and sources).
    Fuzzy,
    /// A literal substring.
    Phrase,
    /// The whole field equals the text (only for tags).
    Exact,
    /// A whole word only (`'word`).
    Word,
    /// The field starts with the text (`^word`).
    Start,
    /// The field ends with the text (`word$`).
    End,
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
    /// What was wrong with malformed terms (each still searched for, as
    /// written): for the status bar and `list -q`'s warnings.
    pub problems: Vec<String>,
}

impl Query {
    pub fn parse(input: &str) -> Query {
        let chars: Vec<char> = input.chars().collect();
        let mut terms = Vec::new();
        let mut problems = Vec::new();
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
            let (t, problem) = parse_term(&token);
            terms.push(t);
            problems.extend(problem);
            i = end;
        }
        Query { terms, problems }
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

/// One term, and what was wrong with it when it was malformed (it is then
/// searched for as written).
fn parse_term(token: &str) -> (Term, Option<String>) {
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
    let (parsed, why) = if let Some(rest) = body.strip_prefix('#') {
        (scoped(Scope::Tags, rest), "`#` needs a tag after it")
    } else if let Some(rest) = body.strip_prefix("source:") {
        (scoped(Scope::Source, rest), "`source:` needs a source after it")
    } else if let Some(rest) = body.strip_prefix('@') {
        (scoped(Scope::Source, rest), "`@` needs a source after it")
    } else if let Some(rest) = body.strip_prefix("in:") {
        let rest = quoted(rest).unwrap_or(rest);
        let t = (!rest.is_empty()).then(|| term(negate, Scope::Section, Kind::Phrase, &rest.to_lowercase()));
        (t, "`in:` needs a section after it")
    } else if let Some(rest) = body.strip_prefix("kind:") {
        let rest = quoted(rest).unwrap_or(rest);
        let t = (!rest.is_empty()).then(|| term(negate, Scope::PostKind, Kind::Phrase, &rest.to_lowercase()));
        (t, "`kind:` needs a kind after it (release, event, blog, link)")
    } else if let Some(rest) = body.strip_prefix("is:") {
        let rest = rest.to_lowercase();
        let t = IS_STATES.contains(&rest.as_str()).then(|| term(negate, Scope::Is, Kind::Exact, &rest));
        (t, "`is:` takes unread/read/starred/new/upcoming/past")
    } else if body.starts_with('"') {
        (quoted(body).map(|q| term(negate, Scope::Any, Kind::Phrase, q)), "`\"` needs a phrase after it")
    } else if let Some(rest) = body.strip_prefix('\'') {
        let t = (!rest.is_empty()).then(|| term(negate, Scope::Any, Kind::Word, rest));
        (t, "`'` needs a word after it")
    } else if let Some(rest) = body.strip_prefix('^') {
        (scoped_title(negate, rest, Kind::Start), "`^` needs the start of a title after it")
    } else if let Some(rest) = body.strip_suffix('$').filter(|r| !r.is_empty()) {
        (scoped_title(negate, rest, Kind::End), "")
    } else {
        return (term(negate, Scope::Any, Kind::Fuzzy, body), None);
    };
    match parsed {
        Some(t) => (t, None),
        // Anything malformed (a lone `#`, `source:` with nothing after it, `""`)
        // is looked for literally, as a plain word.
        None => {
            let shown = crate::text::sanitize::truncate_chars(&crate::text::sanitize::one_line(token), 30);
            (term(negate, Scope::Any, Kind::Fuzzy, body), Some(format!("{shown}: {why}; searched as text")))
        }
    }
}

/// `^text` / `text$`: the title starts or ends with it.
fn scoped_title(negate: bool, rest: &str, kind: Kind) -> Option<Term> {
    let rest = quoted(rest).unwrap_or(rest);
    (!rest.is_empty()).then(|| term(negate, Scope::Title, kind, rest))
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

/// Filtering from a previous result: only its posts are looked at, and the
/// scores of the terms that did not change are taken from it.
#[derive(Debug, Clone, Copy)]
pub struct Narrow<'a> {
    /// The previous matches, by ascending `idx`.
    pub from: &'a [Match],
    /// The first term of the new query that must be scored.
    pub start: usize,
    /// Whether the previous query's last term is among those re-scored
    /// (its part, `Match::last`, is taken off the previous score).
    pub drop_last: bool,
}

/// Lower-cased title, tags and source of every post, built once per feed:
/// the text the tiers are matched against, and its cheap pre-check; and,
/// when built, the word index of the long text. Cheap to clone (shared).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Index {
    short: std::sync::Arc<Short>,
    /// The words of each post's tldr and summary, when built: tiers 1-3
    /// in long text are then look-ups instead of a scan.
    text_words: Option<std::sync::Arc<words::TextWords>>,
}

/// The short fields of every post.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Short {
    /// Every post's `title \n tag \n tag … \n source`, lower-cased, one
    /// after the other (one allocation, not one per post).
    pub(crate) text: String,
    /// Where each post's part of `text` is, in post order.
    pub(crate) hays: Vec<HaySpan>,
    /// The lower-cased `section \n section title \n kind` of the posts,
    /// each once (few sections and kinds).
    pub(crate) metas: Vec<std::sync::Arc<str>>,
}

/// A post's place in [`Short::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HaySpan {
    pub(crate) start: u32,
    /// The next three relative to `start`.
    pub(crate) title_end: u32,
    pub(crate) source_start: u32,
    pub(crate) end: u32,
    /// Its line in [`Short::metas`].
    pub(crate) meta: u32,
}

/// One post's lower-cased short fields (borrowed from the [`Index`]).
#[derive(Debug, Clone, Copy)]
struct Hay<'a> {
    /// `title \n tag \n tag … \n source`.
    text: &'a str,
    title_end: u32,
    source_start: u32,
    /// `section \n section title \n kind`.
    meta: &'a str,
}

/// Appends `s` lower-cased: in place when it is ASCII, else through
/// `str::to_lowercase` (which knows every script's case).
fn push_lower(out: &mut String, s: &str) {
    if s.is_ascii() {
        let start = out.len();
        out.push_str(s);
        out[start..].make_ascii_lowercase();
    } else {
        out.push_str(&s.to_lowercase());
    }
}

impl<'a> Hay<'a> {
    fn title(&self) -> &'a str {
        &self.text[..self.title_end as usize]
    }
    /// The tags, each behind a `\n`.
    fn all_tags(&self) -> &'a str {
        &self.text[self.title_end as usize..self.source_start as usize - 1]
    }
    fn tags(&self) -> impl Iterator<Item = &'a str> {
        self.all_tags().split('\n').skip(1)
    }
    fn source(&self) -> &'a str {
        &self.text[self.source_start as usize..]
    }
    /// The section's name, its title, and the kind.
    fn meta(&self) -> (&'a str, &'a str, &'a str) {
        let mut parts = self.meta.splitn(3, '\n');
        (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""))
    }
}

/// A run of posts' part of the index, built on one core.
struct Part {
    text: String,
    hays: Vec<HaySpan>,
    /// The lower-cased meta lines, each once.
    metas: Vec<std::sync::Arc<str>>,
}

impl Part {
    fn new(posts: &[Post]) -> Part {
        let room: usize = posts
            .iter()
            .map(|p| p.title.len() + p.tags.iter().map(|t| t.len() + 1).sum::<usize>() + 1 + p.source.len())
            .sum();
        let mut part = Part {
            text: String::with_capacity(room),
            hays: Vec::with_capacity(posts.len()),
            metas: Vec::new(),
        };
        // The meta line of each (section, its title, kind), by their text:
        // few of them, whether or not the posts share one allocation.
        let mut seen: rustc_hash::FxHashMap<(&str, &str, &str), u32> = Default::default();
        for p in posts {
            let text = &mut part.text;
            let start = text.len();
            push_lower(text, &p.title);
            let title_end = text.len() - start;
            for t in &p.tags {
                text.push('\n');
                push_lower(text, t);
            }
            text.push('\n');
            let source_start = text.len() - start;
            push_lower(text, &p.source);
            let metas = &mut part.metas;
            let meta = *seen.entry((&p.section, &p.section_title, &p.kind)).or_insert_with(|| {
                metas.push(format!("{}\n{}\n{}", p.section, p.section_title, p.kind).to_lowercase().into());
                (metas.len() - 1) as u32
            });
            part.hays.push(HaySpan {
                start: start as u32,
                title_end: title_end as u32,
                source_start: source_start as u32,
                end: (text.len() - start) as u32,
                meta,
            });
        }
        part
    }
}

impl Index {
    /// Built on every core: at 100k posts this is on the way to the first screen.
    pub fn new(posts: &[Post]) -> Index {
        let parts = crate::par::map_chunks(posts, PARALLEL_MIN, |c| vec![Part::new(c)]);
        let mut short = Short {
            text: String::with_capacity(parts.iter().map(|p| p.text.len()).sum()),
            hays: Vec::with_capacity(posts.len()),
            metas: Vec::new(),
        };
        for part in parts {
            let offset = short.text.len() as u32;
            let meta_offset = short.metas.len() as u32;
            short.text.push_str(&part.text);
            short.metas.extend(part.metas);
            short.hays.extend(part.hays.into_iter().map(|h| HaySpan {
                start: h.start.wrapping_add(offset),
                meta: h.meta.wrapping_add(meta_offset),
                ..h
            }));
        }
        Index { short: short.into(), text_words: None }
    }

    /// An index from its saved parts (`saved.rs`).
    pub(crate) fn from_parts(short: Short, text_words: words::TextWords) -> Index {
        Index { short: short.into(), text_words: Some(text_words.into()) }
    }

    /// Its parts, for saving.
    pub(crate) fn parts(&self) -> (&Short, Option<&words::TextWords>) {
        (&self.short, self.text_words.as_deref())
    }

    /// How many posts it indexes.
    pub fn len(&self) -> usize {
        self.short.hays.len()
    }

    pub fn is_empty(&self) -> bool {
        self.short.hays.is_empty()
    }

    fn hay(&self, idx: usize) -> Option<Hay<'_>> {
        let short = &*self.short;
        let h = short.hays.get(idx)?;
        Some(Hay {
            text: short.text.get(h.start as usize..h.start as usize + h.end as usize)?,
            title_end: h.title_end,
            source_start: h.source_start,
            meta: short.metas.get(h.meta as usize).map_or("", |m| m),
        })
    }

    /// The index with the word index of the long text as well (built on
    /// every core).
    pub fn with_text(posts: &[Post]) -> Index {
        let mut index = Index::new(posts);
        index.set_text(words::TextWords::build(posts, long_text).into());
        index
    }

    /// Adds the word index of the long text (built for the same posts).
    pub fn set_text(&mut self, text: std::sync::Arc<words::TextWords>) {
        if text.len() == self.short.hays.len() {
            self.text_words = Some(text);
        }
    }

    /// Whether the long text has its word index.
    pub fn has_text(&self) -> bool {
        self.text_words.is_some()
    }
}

/// The long text of a post, as the word index sees it: tldr and summary.
pub fn long_text(p: &Post) -> [&str; 2] {
    [p.tldr.as_str(), p.summary.as_str()]
}

impl Query {
    /// Whether a term looks in the long text through the word index (so a
    /// saved index is worth reading).
    pub fn uses_text_words(&self) -> bool {
        self.terms.iter().any(Term::uses_text_words)
    }
}

impl Term {
    /// A term matched in tiers (a plain word, `#tag`, `source:`): the only
    /// kind that can match loosely (a typo, letters in order).
    pub fn is_tiered(&self) -> bool {
        self.kind == Kind::Fuzzy && matches!(self.scope, Scope::Any | Scope::Tags | Scope::Source)
    }

    /// A plain word of [`tiers::TEXT_MIN`] letters or more, looked for in
    /// every field: its tiers in the long text come from the word index.
    fn uses_text_words(&self) -> bool {
        self.scope == Scope::Any
            && matches!(self.kind, Kind::Fuzzy | Kind::Word)
            && !tiers::is_word_run(&self.text)
            && self.text.chars().count() >= tiers::TEXT_MIN
    }
}

/// Case-insensitive search for a lower-case ASCII needle: memchr (SIMD) for
/// its rarest letter in either case, then a comparison around each hit. In
/// English text that letter is met a few times less often than the first.
struct AsciiFinder {
    needle: Vec<u8>,
    /// Where the rarest byte stands in the needle.
    at: usize,
}

impl AsciiFinder {
    fn new(needle: &[u8]) -> AsciiFinder {
        // Letters from common to rare; anything else is rarer still.
        const COMMON: &[u8] = b"etaoinshrdlcumwfgypbvkjxqz";
        let rank = |b: u8| COMMON.iter().position(|&c| c == b).unwrap_or(COMMON.len());
        let at = (0..needle.len()).max_by_key(|&i| (rank(needle[i]), std::cmp::Reverse(i))).unwrap_or(0);
        AsciiFinder { needle: needle.to_vec(), at }
    }

    /// The first start of the needle in `hay` at or after `from`.
    fn find(&self, hay: &[u8], from: usize) -> Option<usize> {
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
enum Finder {
    /// ASCII, case-insensitive: anchored on the term's rarest letter.
    Ascii(AsciiFinder),
    /// Case-sensitive: memchr's SIMD substring search.
    Exact(Box<memchr::memmem::Finder<'static>>),
    /// Non-ASCII and case-insensitive: lower-case, then search.
    Lower(String),
}

impl Finder {
    fn new(t: &Term) -> Finder {
        if t.case_sensitive {
            return Finder::Exact(Box::new(memchr::memmem::Finder::new(t.text.as_bytes()).into_owned()));
        }
        if t.text.is_ascii() && !t.text.is_empty() {
            return Finder::Ascii(AsciiFinder::new(t.text.as_bytes()));
        }
        Finder::Lower(t.text.clone())
    }
    /// Tier 1 (a whole word) or 2 (a word's start) of the text in `hay`.
    fn best_tier(&self, hay: &str, text: &str) -> Option<tiers::Tier> {
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

    fn is_in(&self, hay: &str) -> bool {
        match self {
            Finder::Ascii(f) => f.find(hay.as_bytes(), 0).is_some(),
            Finder::Exact(f) => f.find(hay.as_bytes()).is_some(),
            Finder::Lower(t) => hay.to_lowercase().contains(t.as_str()),
        }
    }
}

/// A term ready to be matched many times.
struct Prepared<'q> {
    term: &'q Term,
    /// Case-insensitive: matched against the index's lower-cased fields.
    precheck: bool,
    finder: Finder,
    /// The term's length in characters (asked per post otherwise).
    chars: usize,
    /// The word index of the long text and the term's posts in it (a plain
    /// word of [`tiers::TEXT_MIN`] letters or more, with the index built).
    words: Option<(&'q words::TextWords, words::Lookup)>,
}

/// The fuzzy scorer of tier 4, and the clock `is:upcoming` reads.
pub struct Matcher {
    sensitive: SkimMatcherV2,
    /// Seconds since the epoch: what "upcoming" and "past" are relative to.
    pub now: i64,
    /// Each post's marks (by index: [`READ`], [`STARRED`], [`NEW`]), for
    /// `is:read`, `is:unread`, `is:starred`, `is:new`. Missing: no marks.
    pub marks: Vec<u8>,
}

/// What `is:` can ask for.
pub const IS_STATES: &[&str] = &["unread", "read", "starred", "new", "upcoming", "past"];

/// A post's mark bits in [`Matcher::marks`].
pub const READ: u8 = 1;
pub const STARRED: u8 = 2;
pub const NEW: u8 = 4;

impl Default for Matcher {
    /// A matcher whose clock is the system's.
    fn default() -> Self {
        Matcher::at(crate::clock::now())
    }
}

impl Matcher {
    /// A matcher whose clock reads `now` (seconds since the epoch).
    pub fn at(now: i64) -> Matcher {
        Matcher { sensitive: SkimMatcherV2::default().respect_case(), now, marks: Vec::new() }
    }
}

/// Below this many candidates one thread is quicker than starting two.
const PARALLEL_MIN: usize = 4096;

impl Matcher {
    fn prepare<'q>(&self, t: &'q Term, text: Option<&'q words::TextWords>) -> Prepared<'q> {
        let chars = t.text.chars().count();
        let words = text.filter(|_| t.uses_text_words()).map(|w| {
            // A case-sensitive term is looked up lower-cased, and what the
            // look-up finds checked in the text itself.
            let typo = !t.case_sensitive && t.kind == Kind::Fuzzy && chars >= tiers::TYPO_MIN;
            (w, w.lookup(&t.text.to_lowercase(), typo))
        });
        Prepared { term: t, precheck: !t.case_sensitive, finder: Finder::new(t), chars, words }
    }

    /// The best tier of the term in a short field (`lower`: its lower-cased
    /// copy), tier 4 only with `fuzzy`.
    fn tier(&self, p: &Prepared, field: &str, lower: &str, fuzzy: bool) -> Option<tiers::Hit> {
        let hay = if p.precheck { lower } else { field };
        tiers::best(hay, &p.term.text, fuzzy, &self.sensitive)
    }

    /// Tiers 1 and 2 in long text (summary, tldr): the term found where a
    /// word starts (and, for tier 1, ends).
    fn tier_in_text(&self, p: &Prepared, text: &str) -> Option<tiers::Tier> {
        p.finder.best_tier(text, &p.term.text)
    }

    /// Whether the term's text is in a short field.
    fn has(&self, p: &Prepared, field: &str, lower: &str) -> bool {
        if p.precheck { lower.contains(p.term.text.as_str()) } else { field.contains(p.term.text.as_str()) }
    }

    /// How well one term matches a post, or `None`: [`tier_score`] of its best
    /// tier over its fields.
    fn term_score(&self, p: &Prepared, idx: usize, post: &Post, hay: Hay) -> Option<i64> {
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
                .any(|(tag, lower)| if t.case_sensitive { tag == &t.text } else { lower == t.text })
                .then_some(tier_score(Tier::Word, W_TAG, 0)),
            (Scope::Tags, Kind::Phrase) => {
                tags().any(|(tag, lower)| self.has(p, tag, lower)).then_some(tier_score(Tier::Word, W_TAG, 0))
            }
            // A tag or source term means that tag or source: no letters
            // scattered through it (tiers 1-3 only).
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
                        !only_words,
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
                    title = keep(self.tier(p, &post.title, hay.title(), !only_words))
                        .map(|h| tier_score(h.tier, W_TITLE, h.fuzzy));
                    if title.is_none_or(|s| s < tier_score(Tier::Word, W_TAG, 0)) {
                        tag = tags()
                            .filter_map(|(tg, lower)| keep(self.tier(p, tg, lower, !only_words)))
                            .map(|h| tier_score(h.tier, W_TAG, h.fuzzy))
                            .max();
                    }
                    if best_of([title, tag, None, None])
                        .is_none_or(|s| s < tier_score(Tier::Word, W_SOURCE, 0))
                    {
                        source = keep(self.tier(p, &post.source, hay.source(), !only_words))
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
    fn indexed_any(
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
        let near = if short { in_short(text.is_none() && !only_words) } else { None };
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
    fn score_prepared(
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
        if q.is_empty() {
            return (0..posts.len()).map(|idx| Match { idx, score: 0, last: 0, loose: 0 }).collect();
        }
        let start = narrow.map_or(0, |n| n.start.min(q.terms.len()));
        let text = index.text_words.as_deref();
        let terms: Vec<Prepared> = q.terms[start..].iter().map(|t| self.prepare(t, text)).collect();
        let base = |m: &Match| if narrow.is_some_and(|n| n.drop_last) { m.score - m.last } else { m.score };
        // The looseness of the terms before `start` is carried over.
        let kept_loose = if start >= LOOSE_TERMS { u32::MAX } else { (1u32 << (2 * start)).wrapping_sub(1) };
        let score = |idx: usize, prior: i64, prior_last: i64, prior_loose: u32| -> Option<Match> {
            let (post, hay) = (posts.get(idx)?, index.hay(idx)?);
            let (total, last, loose) = self.score_prepared(&terms, start, idx, post, hay)?;
            // With no term to score the last part is the one carried over.
            let last = if terms.is_empty() { prior_last } else { last };
            Some(Match { idx, score: prior + total, last, loose: (prior_loose & kept_loose) | loose })
        };
        let mut out: Vec<Match> = match narrow {
            Some(n) => {
                let scan = |chunk: &[Match]| -> Vec<Match> {
                    chunk.iter().filter_map(|m| score(m.idx, base(m), m.last, m.loose)).collect()
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
        };
        if q.ranks_by_score() {
            out.sort_unstable_by(|a, b| b.score.cmp(&a.score).then(a.idx.cmp(&b.idx)));
        }
        out
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

impl Query {
    /// How to filter `self` from `prev`'s matches, when every post matching
    /// `self` also matches `prev`: the same terms, the last one grown (a
    /// fuzzy or phrase term whose text only got longer), and perhaps new
    /// positive terms after it. Negated and exact terms never narrow.
    /// Returns the first term to score and whether `prev`'s last term is
    /// re-scored.
    pub fn narrowing(&self, prev: &Query) -> Option<(usize, bool)> {
        if !self.narrows(prev) {
            return None;
        }
        let n = prev.terms.len();
        if self.terms[n - 1] == prev.terms[n - 1] && self.terms.len() > n {
            Some((n, false))
        } else {
            Some((n - 1, true))
        }
    }

    /// Whether every post matching `self` also matches `prev`.
    pub fn narrows(&self, prev: &Query) -> bool {
        if prev.is_empty() || self.terms.len() < prev.terms.len() {
            return false;
        }
        let n = prev.terms.len();
        let same = self.terms[..n - 1] == prev.terms[..n - 1];
        let (a, b) = (&prev.terms[n - 1], &self.terms[n - 1]);
        // A longer term can only lose matches, except that from
        // `tiers::TYPO_MIN` letters on it also matches words one typo away
        // (which the shorter one may not have); a whole word or an ending
        // (`'word`, `word$`) is another word once it grows.
        // Likewise, from `tiers::TEXT_MIN` letters on, it is looked for in
        // summaries too.
        let (la, lb) = (a.text.chars().count(), b.text.chars().count());
        let typo_free = b.kind != Kind::Fuzzy
            || (lb < tiers::TYPO_MIN && (la >= tiers::TEXT_MIN || lb < tiers::TEXT_MIN));
        let grown = !a.negate
            && !b.negate
            && a.scope == b.scope
            && a.kind == b.kind
            && !matches!(a.kind, Kind::Exact | Kind::Word | Kind::End)
            && typo_free
            && b.text.to_lowercase().starts_with(&a.text.to_lowercase())
            && (a.case_sensitive == b.case_sensitive || !a.case_sensitive);
        let added_positive = self.terms[n..].iter().all(|t| !t.negate);
        same && grown && added_positive
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
