//! The words of the articles reader mode keeps, by post: a term also
//! matches a post whose article holds it as a whole word or a word start,
//! the lowest field (below the summary). Built from the kept articles
//! (`article::cache`), a post at a time; a few hundred words per article,
//! not its text.

use super::tiers::Tier;
use std::collections::HashMap;

/// A word as looked up (lower-cased) and as written.
type Word = (Box<str>, Box<str>);

/// Each post's article words, sorted by the lower-cased form, each once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleWords {
    by_post: HashMap<usize, Vec<Word>>,
}

impl ArticleWords {
    /// Keeps the words of post `idx`'s article `text` (Markdown).
    pub fn insert(&mut self, idx: usize, text: &str) {
        let mut words: Vec<Word> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 2)
            .map(|w| (w.to_lowercase().into_boxed_str(), w.into()))
            .collect();
        words.sort_unstable();
        words.dedup();
        words.shrink_to_fit();
        self.by_post.insert(idx, words);
    }

    /// How many posts have article words.
    pub fn len(&self) -> usize {
        self.by_post.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_post.is_empty()
    }

    /// The best tier of `term` in post `idx`'s article: a whole word, else
    /// a word start (unless `only_words`). `term` is lower-case unless
    /// `case_sensitive` (smart case), where a word must also start with it
    /// as written.
    pub fn tier(&self, idx: usize, term: &str, case_sensitive: bool, only_words: bool) -> Option<Tier> {
        let words = self.by_post.get(&idx)?;
        let lower: std::borrow::Cow<str> =
            if case_sensitive { term.to_lowercase().into() } else { term.into() };
        let lower = lower.as_ref();
        let from = words.partition_point(|(l, _)| l.as_ref() < lower);
        let mut best = None;
        for (l, written) in words[from..].iter().take_while(|(l, _)| l.starts_with(lower)) {
            if case_sensitive && !written.starts_with(term) {
                continue;
            }
            if l.len() == lower.len() {
                return Some(Tier::Word);
            }
            if !only_words {
                best = Some(Tier::Prefix);
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_then_word_starts_and_smart_case() {
        let mut a = ArticleWords::default();
        a.insert(3, "Linkerd and Istio meshes; the **istioctl** tool. A-b c");
        assert_eq!(a.tier(3, "istio", false, false), Some(Tier::Word));
        assert_eq!(a.tier(3, "isti", false, false), Some(Tier::Prefix));
        assert_eq!(a.tier(3, "isti", false, true), None);
        assert_eq!(a.tier(3, "Istio", true, false), Some(Tier::Word));
        assert_eq!(a.tier(3, "Linkerd", true, true), Some(Tier::Word));
        assert_eq!(a.tier(3, "LINKERD", true, false), None);
        assert_eq!(a.tier(3, "mesh", false, false), Some(Tier::Prefix));
        assert_eq!(a.tier(3, "esh", false, false), None, "inside a word is not a word start");
        assert_eq!(a.tier(4, "istio", false, false), None, "another post");
        assert_eq!(a.tier(3, "c", false, false), None, "one-letter words are not kept");
    }
}
