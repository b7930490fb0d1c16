//! Building the word index of the long text ([`TextWords`]): each post's
//! words split on every core ([`Builder`]), turned into each word's posts;
//! placed in the feed's order; renumbered after a change of a few posts.

use super::slab::Slab;
use super::tiers;
use super::words::TextWords;
use rustc_hash::FxHashMap;
use std::ops::Range;

/// From how many bytes of postings [`TextWords::renumbered`] merges two
/// halves of the words on two cores (the unit tests' small indexes too).
pub(super) const SPLIT_FROM: usize = if cfg!(test) { 64 } else { 1 << 20 };

/// A run of words merged by [`TextWords::merged_with`]: the words, their
/// postings one after the other, and where each word's end.
#[derive(Default)]
pub(super) struct Merged {
    dict: Vec<Box<str>>,
    postings: Vec<u8>,
    ends: Vec<u32>,
}

/// Each post's word ids (sorted), before they are turned into each word's
/// posts: what the builder and the joining of parts work on.
pub(super) struct Forward {
    dict: Vec<Box<str>>,
    ids: Vec<u32>,
    starts: Vec<u32>,
}

impl Forward {
    /// Each word's posts, from each post's words (a counting sort), then
    /// packed ([`TextWords::postings`]).
    fn invert(self) -> TextWords {
        let mut at = vec![0u32; self.dict.len() + 1];
        for &id in &self.ids {
            at[id as usize + 1] += 1;
        }
        for i in 1..at.len() {
            at[i] += at[i - 1];
        }
        let mut next: Vec<u32> = at[..self.dict.len()].to_vec();
        let mut posts = vec![0u32; self.ids.len()];
        for (post, w) in self.starts.windows(2).enumerate() {
            for &id in &self.ids[w[0] as usize..w[1] as usize] {
                posts[next[id as usize] as usize] = post as u32;
                next[id as usize] += 1;
            }
        }
        drop(next);
        // Each post's words are in `posts` now: their lists go before the
        // packed copy is made (the peak of building the index).
        let (dict, n_posts) = (self.dict, self.starts.len() - 1);
        drop(self.ids);
        drop(self.starts);
        let mut postings = Vec::with_capacity(posts.len() + posts.len() / 4);
        let mut word_starts = Vec::with_capacity(at.len());
        word_starts.push(0);
        for w in at.windows(2) {
            let mut prev = 0;
            for &post in &posts[w[0] as usize..w[1] as usize] {
                push_varint(&mut postings, post - prev);
                prev = post;
            }
            word_starts.push(postings.len() as u32);
        }
        postings.shrink_to_fit();
        TextWords {
            dict,
            postings: postings.into(),
            word_starts: word_starts.into(),
            posts: n_posts as u32,
            generation: None,
            place_of: Slab::default(),
        }
    }

    /// The word index of only the posts `order` names (by their place in
    /// the parts, one after the other), in that order: what
    /// [`Forward::join`] then [`Forward::invert`] give for those posts, made
    /// from the parts as they are. No joined copy of every post's words is
    /// made, and each word's posts are gathered a quarter of the dictionary
    /// at a time (four passes over the parts): the parts and a quarter of the
    /// postings are in memory at once, not the parts and all of them twice
    /// (the peak of a `list` that rewrote the cache of 100,000 posts).
    /// `None` when `order` names a post there is not.
    fn invert_picked(parts: Vec<Forward>, order: &[u32]) -> Option<TextWords> {
        let mut dict: Vec<Box<str>> = parts.iter().flat_map(|p| p.dict.iter().cloned()).collect();
        dict.sort_unstable();
        dict.dedup();
        // Each part's ids in the joined dictionary (both sorted: a merge walk).
        let ranks: Vec<Vec<u32>> = parts
            .iter()
            .map(|part| {
                let mut at = 0;
                part.dict
                    .iter()
                    .map(|w| {
                        while dict[at] != *w {
                            at += 1;
                        }
                        at as u32
                    })
                    .collect()
            })
            .collect();
        // Where each part's posts begin in the numbering of `order`.
        let mut bounds = Vec::with_capacity(parts.len());
        let mut next = 0usize;
        for part in &parts {
            bounds.push(next);
            next += part.starts.len().saturating_sub(1);
        }
        // Each post of `order`: its words, as joined ids.
        let words_of = |e: u32| -> Option<(&[u32], &[u32])> {
            let e = e as usize;
            let p = bounds.partition_point(|&b| b <= e).checked_sub(1)?;
            let (part, rank, local) = (parts.get(p)?, ranks.get(p)?, e - bounds[p]);
            let (a, b) = (*part.starts.get(local)?, *part.starts.get(local + 1)?);
            Some((part.ids.get(a as usize..b as usize)?, rank))
        };
        let mut at = vec![0u32; dict.len() + 1];
        for &e in order {
            let (ids, rank) = words_of(e)?;
            for &id in ids {
                at[*rank.get(id as usize)? as usize + 1] += 1;
            }
        }
        for i in 1..at.len() {
            at[i] += at[i - 1];
        }
        let total = at[dict.len()] as usize;
        let mut postings = Vec::with_capacity(total + total / 4);
        let mut word_starts = Vec::with_capacity(at.len());
        word_starts.push(0);
        let mut lo = 0usize;
        while lo < dict.len() {
            // The words from `lo` whose posts are about a quarter of all.
            let goal = at[lo] as usize + total / 4 + 1;
            let hi = (lo + 1 + at[lo + 1..].partition_point(|&a| (a as usize) < goal)).min(dict.len());
            let base = at[lo];
            let mut posts = vec![0u32; (at[hi] - base) as usize];
            let mut fill: Vec<u32> = at[lo..hi].iter().map(|a| a - base).collect();
            for (place, &e) in order.iter().enumerate() {
                let (ids, rank) = words_of(e)?;
                for &id in ids {
                    let w = *rank.get(id as usize)? as usize;
                    if (lo..hi).contains(&w) {
                        posts[fill[w - lo] as usize] = place as u32;
                        fill[w - lo] += 1;
                    }
                }
            }
            for w in lo..hi {
                let mut prev = 0;
                for &post in &posts[(at[w] - base) as usize..(at[w + 1] - base) as usize] {
                    push_varint(&mut postings, post - prev);
                    prev = post;
                }
                word_starts.push(postings.len() as u32);
            }
            lo = hi;
        }
        postings.shrink_to_fit();
        Some(TextWords {
            dict,
            postings: postings.into(),
            word_starts: word_starts.into(),
            posts: order.len() as u32,
            generation: None,
            place_of: Slab::default(),
        })
    }

    /// One forward index of the posts of several, in order.
    fn join(mut parts: Vec<Forward>) -> Forward {
        if parts.len() <= 1 {
            return parts.pop().unwrap_or(Forward { dict: Vec::new(), ids: Vec::new(), starts: vec![0] });
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
        Forward { dict, ids, starts }
    }
}

/// Appends `v` in LEB128: seven bits a byte, the high bit set on all but
/// the last.
pub(super) fn push_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A built index with its dictionary sorted: [`Sorted::finish`] turns it
/// into each word's posts.
pub struct Sorted(Forward);

impl Sorted {
    pub fn finish(self) -> TextWords {
        self.0.invert()
    }
}

impl std::fmt::Debug for Sorted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sorted({} words)", self.0.dict.len())
    }
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
                self.buf.clear();
                super::tiers::push_lower(&mut self.buf, &text[s..e]);
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

    /// Sorts the dictionary, renumbers every post's words to match, and
    /// turns them into each word's posts.
    pub fn finish(self) -> TextWords {
        self.forward().invert()
    }

    /// The first half of [`Builder::finish`] (the reader does the two
    /// halves in two idle moments, each a few tens of milliseconds at
    /// 100,000 posts).
    pub fn sort(self) -> Sorted {
        Sorted(self.forward())
    }

    fn forward(self) -> Forward {
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
        Forward { dict: dict.into_iter().map(|(w, _)| w).collect(), ids, starts: self.starts }
    }
}
impl TextWords {
    /// The index of each post's `texts(post)`, built on every core.
    pub fn build<P: Sync>(posts: &[P], texts: impl Fn(&P) -> [&str; 2] + Sync) -> TextWords {
        // Each core indexes a run of posts; the runs' dictionaries are then
        // merged and their ids renumbered.
        let parts: Vec<Forward> = crate::par::map_chunks(posts, 8192, |chunk| {
            let mut b = Builder::new();
            for p in chunk {
                b.add(&texts(p));
            }
            vec![b.forward()]
        });
        Forward::join(parts).invert()
    }

    /// The index of texts that come a part at a time (`part(i)`, `i` in
    /// `0..parts`: the (tldr, summary) of consecutive entries, the parts
    /// read on every core), by entry: every entry's words, numbered as the
    /// parse cache's writing `generation` numbers them (the look-ups mark
    /// places only once [`TextWords::placed`] names the posts). The parse
    /// cache's text parts, indexed without the posts holding their text.
    /// `None` when a part cannot be read.
    pub fn build_from_parts(
        parts: usize,
        part: impl Fn(usize) -> Option<Vec<(String, String)>> + Sync,
        generation: u64,
    ) -> Option<TextWords> {
        let all: Vec<usize> = (0..parts).collect();
        let forwards: Vec<Option<Forward>> = crate::par::map_chunks(&all, 2, |chunk| {
            let mut b = Builder::new();
            for &i in chunk {
                let Some(texts) = part(i) else { return vec![None] };
                for (tldr, summary) in &texts {
                    b.add(&[tldr, summary]);
                }
            }
            vec![Some(b.forward())]
        });
        let forwards: Vec<Forward> = forwards.into_iter().collect::<Option<_>>()?;
        let entries: u32 = forwards.iter().map(|f| f.starts.len().saturating_sub(1) as u32).sum();
        let all: Vec<u32> = (0..entries).collect();
        let mut words = Forward::invert_picked(forwards, &all)?;
        words.generation = Some(generation);
        Some(words)
    }

    /// The index by entry with the posts named: `order` holds each post's
    /// entry, in the posts' order. Look-ups then mark those places. `None`
    /// when the index is not by entry, or `order` names an entry it has
    /// not, or one twice.
    pub fn placed(mut self, order: &[u32]) -> Option<TextWords> {
        self.generation?;
        let mut place_of = vec![u32::MAX; self.entries()];
        for (place, &e) in order.iter().enumerate() {
            let slot = place_of.get_mut(e as usize)?;
            if *slot != u32::MAX {
                return None;
            }
            *slot = place as u32;
        }
        self.place_of = place_of.into();
        self.posts = order.len() as u32;
        Some(self)
    }

    /// How many entries an index by entry numbers (for one by place, its posts).
    pub fn entries(&self) -> usize {
        if self.place_of.is_empty() { self.posts as usize } else { self.place_of.len() }
    }

    /// The index of the cache's next writing (`generation`), made from this
    /// one of the writing before without reading any text but the new
    /// entries': `renumbered` gives each old entry's new number
    /// (`u32::MAX`: gone), the entries from `fresh_from` on are new and
    /// `fresh` their texts, in order. The posts are named again with
    /// [`TextWords::placed`]. `None` when this index is not by entry, the
    /// renumbering is not for as many entries, or it does not keep their
    /// order below the new ones (the caller then builds the index anew).
    pub fn renumbered(
        &self,
        generation: u64,
        renumbered: &[u32],
        fresh_from: u32,
        fresh: &[[&str; 2]],
    ) -> Option<TextWords> {
        self.generation?;
        if renumbered.len() != self.entries() {
            return None;
        }
        let mut b = Builder::new();
        for t in fresh {
            b.add(t);
        }
        let new = b.finish();
        // Two halves of the words (by their postings' bytes) merged on two
        // cores, then joined: at 100,000 posts the postings are some 9 MB
        // decoded and encoded again.
        let i_mid = if self.postings.len() >= SPLIT_FROM {
            self.word_starts.partition_point(|&s| (s as usize) < self.postings.len() / 2).min(self.dict.len())
        } else {
            self.dict.len()
        };
        let j_mid = match self.dict.get(i_mid) {
            Some(w) => new.dict.partition_point(|x| x < w),
            None => new.dict.len(),
        };
        let renumber = |olds: Range<usize>, news: Range<usize>| {
            self.merged_with(&new, olds, news, renumbered, fresh_from)
        };
        let (first, second) = if i_mid < self.dict.len() {
            rayon::join(
                || renumber(0..i_mid, 0..j_mid),
                || renumber(i_mid..self.dict.len(), j_mid..new.dict.len()),
            )
        } else {
            (renumber(0..self.dict.len(), 0..new.dict.len()), Some(Merged::default()))
        };
        let (mut first, second) = (first?, second?);
        let before = first.postings.len() as u32;
        first.dict.extend(second.dict);
        first.postings.extend_from_slice(&second.postings);
        first.ends.extend(second.ends.iter().map(|e| e + before));
        let mut word_starts = Vec::with_capacity(first.ends.len() + 1);
        word_starts.push(0);
        word_starts.extend(first.ends);
        first.postings.shrink_to_fit();
        let posts = fresh_from.checked_add(fresh.len() as u32)?;
        Some(TextWords {
            dict: first.dict,
            postings: first.postings.into(),
            word_starts: word_starts.into(),
            posts,
            generation: Some(generation),
            place_of: Slab::default(),
        })
    }

    /// The words `olds` of this index and `news` of `new` (the new
    /// entries' words), merged in order as [`TextWords::renumbered`]
    /// merges them; the ends of the words' postings relative to its own.
    fn merged_with(
        &self,
        new: &TextWords,
        olds: Range<usize>,
        news: Range<usize>,
        renumbered: &[u32],
        fresh_from: u32,
    ) -> Option<Merged> {
        let mut out = Merged::default();
        let (mut i, mut j) = (olds.start, news.start);
        while i < olds.end || j < news.end {
            let (from_old, from_new) =
                match (self.dict.get(i).filter(|_| i < olds.end), new.dict.get(j).filter(|_| j < news.end)) {
                    (Some(a), Some(b)) => (a <= b, b <= a),
                    (Some(_), None) => (true, false),
                    _ => (false, true),
                };
            // Each id as its distance from the one before (the first from 0).
            let (mut prev, mut any) = (0u32, false);
            if from_old {
                for old in self.ids_of(i) {
                    let now = *renumbered.get(old as usize)?;
                    if now == u32::MAX {
                        continue;
                    }
                    if (any && now <= prev) || now >= fresh_from {
                        return None;
                    }
                    push_varint(&mut out.postings, now - prev);
                    (prev, any) = (now, true);
                }
            }
            if from_new {
                for k in new.ids_of(j) {
                    let now = fresh_from.checked_add(k)?;
                    push_varint(&mut out.postings, now - prev);
                    (prev, any) = (now, true);
                }
            }
            // A word no post has any more is left out.
            if any {
                out.dict.push(if from_old { self.dict[i].clone() } else { new.dict[j].clone() });
                out.ends.push(out.postings.len() as u32);
            }
            i += usize::from(from_old);
            j += usize::from(from_new);
        }
        Some(out)
    }
}
