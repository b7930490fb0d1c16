//! A word index of the long text (tldr and summary): every distinct
//! lower-cased word once, sorted, and for each post the ids of its words. A
//! term's tiers 1-3 in long text (whole word, word start, one typo) become
//! look-ups: a whole word is one id, a word start a range of ids, a typo a
//! set of ids found in the dictionary; each post's test is a binary search in
//! its own short list, instead of a scan of its summary.
//!
//! Built piecewise (`Builder::add`, one post at a time) so the reader can
//! build it while idle without holding up a keystroke.

use super::tiers::{self, Tier};
use rustc_hash::FxHashMap;
use std::ops::Range;

/// The words of every post's long text.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TextWords {
    /// The distinct lower-cased words, sorted: the words a term starts form
    /// one run of ids.
    pub(crate) dict: Vec<Box<str>>,
    /// Every post's word ids, each post's sorted and distinct, one after
    /// the other.
    pub(crate) ids: Vec<u32>,
    /// Where each post's ids start in `ids` (one more than there are posts).
    pub(crate) starts: Vec<u32>,
}

/// Builds a [`TextWords`], one post at a time.
#[derive(Debug, Default)]
pub struct Builder {
    /// Word -> id in order of first sight (sorted in `finish`).
    map: FxHashMap<Box<str>, u32>,
    ids: Vec<u32>,
    starts: Vec<u32>,
    buf: String,
    post: Vec<u32>,
}

impl Builder {
    pub fn new() -> Builder {
        Builder { starts: vec![0], ..Builder::default() }
    }

    /// How many posts were added.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds the next post: the words of its long texts.
    pub fn add(&mut self, texts: &[&str]) {
        self.post.clear();
        for text in texts {
            for (s, e) in tiers::words(text) {
                let w = &text[s..e];
                self.buf.clear();
                if w.is_ascii() {
                    self.buf.push_str(w);
                    self.buf.make_ascii_lowercase();
                } else {
                    self.buf.push_str(&w.to_lowercase());
                }
                let id = match self.map.get(self.buf.as_str()) {
                    Some(&id) => id,
                    None => {
                        let id = self.map.len() as u32;
                        self.map.insert(self.buf.as_str().into(), id);
                        id
                    }
                };
                self.post.push(id);
            }
        }
        self.post.sort_unstable();
        self.post.dedup();
        self.ids.extend_from_slice(&self.post);
        self.starts.push(self.ids.len() as u32);
    }

    /// Sorts the dictionary and renumbers every post's words to match.
    pub fn finish(self) -> TextWords {
        let mut dict: Vec<(Box<str>, u32)> = self.map.into_iter().collect();
        dict.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // First-sight id -> sorted id.
        let mut rank = vec![0u32; dict.len()];
        for (sorted, (_, first)) in dict.iter().enumerate() {
            rank[*first as usize] = sorted as u32;
        }
        let mut ids = self.ids;
        for id in ids.iter_mut() {
            *id = rank[*id as usize];
        }
        for w in self.starts.windows(2) {
            ids[w[0] as usize..w[1] as usize].sort_unstable();
        }
        TextWords { dict: dict.into_iter().map(|(w, _)| w).collect(), ids, starts: self.starts }
    }
}

impl TextWords {
    /// The index of each post's `texts(post)`, built on every core.
    pub fn build<P: Sync>(posts: &[P], texts: impl Fn(&P) -> [&str; 2] + Sync) -> TextWords {
        // Each core indexes a run of posts; the runs' dictionaries are then
        // merged and their ids renumbered.
        let parts: Vec<TextWords> = crate::par::map_chunks(posts, 8192, |chunk| {
            let mut b = Builder::new();
            for p in chunk {
                b.add(&texts(p));
            }
            vec![b.finish()]
        });
        TextWords::join(parts)
    }

    /// One index of the posts of several, in order.
    fn join(mut parts: Vec<TextWords>) -> TextWords {
        if parts.len() <= 1 {
            return parts.pop().unwrap_or_else(|| TextWords { starts: vec![0], ..TextWords::default() });
        }
        let mut dict: Vec<Box<str>> = parts.iter().flat_map(|p| p.dict.iter().cloned()).collect();
        dict.sort_unstable();
        dict.dedup();
        let mut ids = Vec::with_capacity(parts.iter().map(|p| p.ids.len()).sum());
        let mut starts = vec![0u32];
        for part in &parts {
            // Both dictionaries are sorted: a merge walk renumbers.
            let mut rank = Vec::with_capacity(part.dict.len());
            let mut at = 0;
            for w in &part.dict {
                while dict[at] != *w {
                    at += 1;
                }
                rank.push(at as u32);
            }
            for s in part.starts.windows(2) {
                // Renumbering keeps the order: each post's list stays sorted.
                ids.extend(part.ids[s[0] as usize..s[1] as usize].iter().map(|&id| rank[id as usize]));
                starts.push(ids.len() as u32);
            }
        }
        TextWords { dict, ids, starts }
    }

    /// How many posts are indexed.
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Distinct words.
    pub fn words(&self) -> usize {
        self.dict.len()
    }

    /// Bytes held (for the benchmarks' account of memory).
    pub fn heap_bytes(&self) -> usize {
        self.dict.iter().map(|w| w.len() + 16).sum::<usize>() + self.ids.len() * 4 + self.starts.len() * 4
    }

    fn post(&self, idx: usize) -> &[u32] {
        match (self.starts.get(idx), self.starts.get(idx + 1)) {
            (Some(&s), Some(&e)) => &self.ids[s as usize..e as usize],
            _ => &[],
        }
    }

    /// What a term (lower-case, a single word: no punctuation) matches in
    /// the dictionary; `typo`: also the words one typo from it.
    pub fn lookup(&self, term: &str, typo: bool) -> Lookup {
        let lo = self.dict.partition_point(|w| &**w < term);
        let hi = lo + self.dict[lo..].partition_point(|w| w.starts_with(term));
        let word = (lo < hi && &*self.dict[lo] == term).then_some(lo as u32);
        let typos = typo.then(|| {
            let n = term.chars().count();
            let mut set = vec![0u64; self.dict.len().div_ceil(64)];
            let mut any = false;
            for (i, w) in self.dict.iter().enumerate() {
                if w.len().abs_diff(term.len()) <= 4
                    && (w.is_ascii() || w.chars().count().abs_diff(n) <= 1)
                    && tiers::one_typo(w, term)
                {
                    set[i / 64] |= 1 << (i % 64);
                    any = true;
                }
            }
            if any { set } else { Vec::new() }
        });
        Lookup { word, prefix: lo as u32..hi as u32, typos: typos.unwrap_or_default() }
    }

    /// The best of tiers 1 and 2 of a looked-up term in post `idx`'s text.
    pub fn tier(&self, l: &Lookup, idx: usize) -> Option<Tier> {
        if l.prefix.is_empty() {
            return None;
        }
        let ids = self.post(idx);
        if let Some(w) = l.word
            && ids.binary_search(&w).is_ok()
        {
            return Some(Tier::Word);
        }
        let at = ids.partition_point(|&id| id < l.prefix.start);
        ids.get(at).is_some_and(|&id| id < l.prefix.end).then_some(Tier::Prefix)
    }

    /// Whether post `idx`'s text has a word one typo from the term.
    pub fn has_typo(&self, l: &Lookup, idx: usize) -> bool {
        !l.typos.is_empty()
            && self
                .post(idx)
                .iter()
                .any(|&id| l.typos.get(id as usize / 64).is_some_and(|b| b >> (id % 64) & 1 == 1))
    }
}

/// A term's words in the dictionary (see [`TextWords::lookup`]).
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    /// The term itself, as a word.
    word: Option<u32>,
    /// The words that start with the term (the word itself among them).
    prefix: Range<u32>,
    /// The words one typo from the term, as bits by id (empty: none).
    typos: Vec<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(texts: &[[&str; 2]]) -> TextWords {
        let mut b = Builder::new();
        for t in texts {
            b.add(t);
        }
        b.finish()
    }

    #[test]
    fn whole_words_word_starts_and_typos_are_found_per_post() {
        let w = index(&[
            ["", "Karpenter scales nodes."],
            ["Kubernetes 1.31 is out", "The Elli release."],
            ["", "nothing here but kubelets"],
        ]);
        let kube = w.lookup("kube", false);
        assert_eq!(w.tier(&kube, 0), None);
        assert_eq!(w.tier(&kube, 1), Some(Tier::Prefix));
        assert_eq!(w.tier(&kube, 2), Some(Tier::Prefix));
        let elli = w.lookup("elli", false);
        assert_eq!(w.tier(&elli, 1), Some(Tier::Word));
        assert_eq!(w.tier(&elli, 0), None);
        let typo = w.lookup("karpetner", true);
        assert_eq!(w.tier(&typo, 0), None);
        assert!(w.has_typo(&typo, 0));
        assert!(!w.has_typo(&typo, 1));
        // A word absent from the dictionary, before and after every word.
        assert_eq!(w.tier(&w.lookup("aaaa", false), 0), None);
        assert_eq!(w.tier(&w.lookup("zzzz", false), 2), None);
        // Out of range: nothing, never a panic.
        assert_eq!(w.tier(&kube, 99), None);
    }

    #[test]
    fn the_index_built_on_several_cores_equals_the_one_built_piecewise() {
        let texts: Vec<[String; 2]> = (0..20_000)
            .map(|i| {
                [format!("tl{} shared Ärger", i % 97), format!("word{} common w{} Straße", i % 1013, i % 7)]
            })
            .collect();
        let refs: Vec<[&str; 2]> = texts.iter().map(|[a, b]| [a.as_str(), b.as_str()]).collect();
        let whole = TextWords::build(&refs, |t| *t);
        let piecewise = index(&refs);
        assert_eq!(whole.dict, piecewise.dict);
        assert_eq!(whole.ids, piecewise.ids);
        assert_eq!(whole.starts, piecewise.starts);
        assert_eq!(whole.len(), 20_000);
        let l = whole.lookup("ärger", false);
        assert_eq!(whole.tier(&l, 12_345), Some(Tier::Word));
        let l = whole.lookup("word10", false);
        assert_eq!(whole.tier(&l, 10), Some(Tier::Word));
        assert_eq!(whole.tier(&l, 100), Some(Tier::Prefix));
        assert_eq!(whole.tier(&l, 9), None);
    }
}
