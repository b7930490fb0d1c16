//! The query language: a query is terms; each term has a scope (where it
//! looks), a kind (how it compares) and a text. Parsing never fails: a
//! malformed term is searched as text and said so.

use super::tiers;

/// What `is:` can ask for.
pub const IS_STATES: &[&str] = &["unread", "read", "starred", "new", "upcoming", "past", "muted"];

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

pub(super) fn term(negate: bool, scope: Scope, kind: Kind, text: &str) -> Term {
    let case_sensitive = text.chars().any(char::is_uppercase);
    let text = if case_sensitive { text.to_string() } else { text.to_lowercase() };
    Term { negate, scope, kind, text, case_sensitive }
}

/// A quoted body: `"abc"` or an unclosed `"abc`.
pub(super) fn quoted(s: &str) -> Option<&str> {
    let rest = s.strip_prefix('"')?;
    let body = rest.strip_suffix('"').unwrap_or(rest);
    (!body.is_empty()).then_some(body)
}

/// One term, and what was wrong with it when it was malformed (it is then
/// searched for as written).
pub(super) fn parse_term(token: &str) -> (Term, Option<String>) {
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
        (t, "`is:` takes unread/read/starred/new/upcoming/past/muted")
    } else if let Some(rest) = body.strip_prefix("has:") {
        let rest = rest.to_lowercase();
        let t = (rest == "article").then(|| term(negate, Scope::Is, Kind::Exact, &rest));
        (t, "`has:` takes article (posts whose article reader mode keeps)")
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
pub(super) fn scoped_title(negate: bool, rest: &str, kind: Kind) -> Option<Term> {
    let rest = quoted(rest).unwrap_or(rest);
    (!rest.is_empty()).then(|| term(negate, Scope::Title, kind, rest))
}

impl Query {
    /// Whether a term looks in the long text through the word index (so a
    /// saved index is worth reading).
    pub fn uses_text_words(&self) -> bool {
        self.terms.iter().any(Term::uses_text_words)
    }

    /// Whether a term reads the posts' tldr and summary themselves even with
    /// the word index of the text at hand (a phrase, a case-sensitive word,
    /// a word run): a load for it keeps the long text.
    pub fn reads_long_text(&self) -> bool {
        self.terms.iter().any(|t| {
            let chars = t.text.chars().count();
            t.scope == Scope::Any
                && match t.kind {
                    Kind::Phrase => true,
                    _ => chars >= tiers::TEXT_MIN && (!t.uses_text_words() || t.case_sensitive),
                }
        })
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
    pub(super) fn uses_text_words(&self) -> bool {
        self.scope == Scope::Any
            && matches!(self.kind, Kind::Fuzzy | Kind::Word)
            && !tiers::is_word_run(&self.text)
            && self.text.chars().count() >= tiers::TEXT_MIN
    }
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
