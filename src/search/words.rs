//! A word index of the long text (tldr and summary): every distinct
//! lower-cased word once, sorted, and for each word the posts whose text has
//! it. A term's tiers 1-3 in long text (whole word, word start, one typo)
//! become look-ups: a whole word is one word's posts, a word start the posts
//! of a run of words (the dictionary is sorted), a typo those of the words
//! one edit away. A look-up marks its posts in a bit set once per query, and
//! each post's test is then a bit, instead of a scan of its summary.
//!
//! Built piecewise (`Builder::add`, one post at a time) so the reader can
//! build it while idle without holding up a keystroke.

use super::slab::Slab;
use super::tiers::{self, Tier};
use std::ops::Range;

/// The words of every post's long text.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TextWords {
    /// The distinct lower-cased words, sorted: the words a term starts form
    /// one run of ids.
    pub(crate) dict: Vec<Box<str>>,
    /// Each word's posts, ascending, one word after the other: each post as
    /// its distance from the word's one before (the first from 0), in LEB128
    /// (a byte for a distance under 128: most, as common words are in many
    /// posts), a quarter of the room of a `u32` each.
    pub(crate) postings: Slab<u8>,
    /// Where each word's posts start in `postings`, in bytes (one more than
    /// there are words).
    pub(crate) word_starts: Slab<u32>,
    /// How many posts are indexed: the places a look-up marks.
    pub(crate) posts: u32,
    /// The writing of the parse cache whose entry numbers the postings are
    /// (`Feed::cache_generation`); `None`: they are the posts' places. By
    /// entry, the index outlives a change of a few posts: it is renumbered
    /// and the new posts' words added ([`TextWords::renumbered`]), instead
    /// of every post's text read and split again.
    pub(crate) generation: Option<u64>,
    /// By entry: each entry's place among the posts (`u32::MAX`: not among
    /// them, as a draft or a post folded into another). Empty: the entry
    /// is the place.
    pub(crate) place_of: Slab<u32>,
}

impl TextWords {
    /// The ids word `w`'s postings name, in order (entries or places).
    pub(super) fn ids_of(&self, w: usize) -> impl Iterator<Item = u32> + '_ {
        let (s, e) = match (self.word_starts.get(w), self.word_starts.get(w + 1)) {
            (Some(&s), Some(&e)) => (s as usize, e as usize),
            _ => (0, 0),
        };
        let mut bytes = self.postings.get(s..e).unwrap_or_default().iter();
        let mut id = 0u32;
        std::iter::from_fn(move || {
            let (mut v, mut shift) = (0u32, 0u32);
            loop {
                let b = *bytes.next()?;
                v |= u32::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
                if b & 0x80 == 0 {
                    break;
                }
                shift += 7;
            }
            id = id.wrapping_add(v);
            Some(id)
        })
    }

    /// How many posts are indexed.
    pub fn len(&self) -> usize {
        self.posts as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The posts of words `range` (ids), as bits by post. Damaged bytes (a
    /// saved index is checked by its CRC, but never trusted to be sound)
    /// mark wrong posts at worst, never panic.
    pub(super) fn posts_of(&self, range: Range<usize>, bits: &mut [u64]) {
        for w in range {
            for id in self.ids_of(w) {
                let place = match self.place_of.is_empty() {
                    true => id,
                    false => self.place_of.get(id as usize).copied().unwrap_or(u32::MAX),
                };
                if let Some(word) = bits.get_mut(place as usize / 64) {
                    *word |= 1 << (place % 64);
                }
            }
        }
    }

    /// What a term (lower-case, a single word: no punctuation) matches: the
    /// posts that have it as a word, those with a word it starts, and with
    /// `typo`, those with a word one typo from it.
    pub fn lookup(&self, term: &str, typo: bool) -> Lookup {
        let lo = self.dict.partition_point(|w| &**w < term);
        let hi = lo + self.dict[lo..].partition_point(|w| w.starts_with(term));
        let n = self.len().div_ceil(64);
        let mut l = Lookup::default();
        if lo < hi {
            l.prefix = vec![0; n];
            self.posts_of(lo..hi, &mut l.prefix);
            if &*self.dict[lo] == term {
                l.word = vec![0; n];
                self.posts_of(lo..lo + 1, &mut l.word);
            }
        }
        if typo {
            let chars = term.chars().count();
            let mut bits = vec![0; n];
            let mut any = false;
            for (i, w) in self.dict.iter().enumerate() {
                if w.len().abs_diff(term.len()) <= 4
                    && (w.is_ascii() || w.chars().count().abs_diff(chars) <= 1)
                    && tiers::one_typo(w, term)
                {
                    self.posts_of(i..i + 1, &mut bits);
                    any = true;
                }
            }
            if any {
                l.typos = bits;
            }
        }
        l
    }

    /// The best of tiers 1 and 2 of a looked-up term in post `idx`'s text.
    pub fn tier(&self, l: &Lookup, idx: usize) -> Option<Tier> {
        if bit(&l.word, idx) {
            Some(Tier::Word)
        } else if bit(&l.prefix, idx) {
            Some(Tier::Prefix)
        } else {
            None
        }
    }

    /// Whether post `idx`'s text has a word one typo from the term.
    pub fn has_typo(&self, l: &Lookup, idx: usize) -> bool {
        bit(&l.typos, idx)
    }
}

fn bit(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64).is_some_and(|b| b >> (i % 64) & 1 == 1)
}

/// A term's posts, as bits by post (see [`TextWords::lookup`]); empty: none.
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    /// Posts with the term itself as a word.
    word: Vec<u64>,
    /// Posts with a word the term starts (the word itself among them).
    prefix: Vec<u64>,
    /// Posts with a word one typo from the term.
    typos: Vec<u64>,
}

impl Lookup {
    /// This look-up (of an index of `posts` posts) with the posts at
    /// `places` answered by `mini`, the same term's look-up in an index of
    /// those posts alone (its post `k` is the one at `places[k]`).
    pub(super) fn overlay(&mut self, posts: usize, places: &[u32], mini: &Lookup) {
        let n = posts.div_ceil(64);
        for (bits, theirs) in
            [(&mut self.word, &mini.word), (&mut self.prefix, &mini.prefix), (&mut self.typos, &mini.typos)]
        {
            for (k, &place) in places.iter().enumerate() {
                let on = bit(theirs, k);
                if on && bits.is_empty() {
                    *bits = vec![0; n];
                }
                if let Some(word) = bits.get_mut(place as usize / 64) {
                    let mask = 1u64 << (place % 64);
                    if on { *word |= mask } else { *word &= !mask }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
