//! The short fields (`Short`: every post's title, tags and source
//! lower-cased in one text) and their word dictionary: every distinct word of the posts'
//! titles, tags and sources, with the posts it is in, so a word of a few
//! letters finds its posts in one run, and the tags' numbers.

use super::slab::{self, Le, Slab, Text};
use super::tiers;

/// The distinct words of every post's short fields (title, tags, source),
/// sorted, each with the posts it is in and in which field: the posts a
/// word of a few letters starts a word of are one run of this dictionary,
/// not a scan of every post's fields word by word (which cost most of such
/// a keystroke at 100,000 posts).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ShortWords {
    pub(super) dict: Vec<Box<str>>,
    /// Where each word's places start in `places` (one more than words).
    pub(super) starts: Slab<u32>,
    /// Each place as `post << 2 | field` (field: 0 title, 1 tag, 2 source),
    /// word after word: four bytes a place, not eight as a pair. A feed
    /// would need 2^30 posts (some 300 GB of them in memory) to overflow it.
    pub(super) places: Slab<u32>,
    /// Each post's tags, as ids of the distinct (lower-cased) tags.
    pub(super) tags: TagIds,
}

/// Each post's tags as ids of the distinct lower-cased tags: a `#tag`
/// term's tier in a tag depends on nothing but the two, so it is found
/// once per distinct tag (a few hundred), then each post takes its tags'
/// best by id, instead of matching every tag of every post (the slowest
/// keystrokes at 100,000 posts).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct TagIds {
    pub(super) dict: Vec<Box<str>>,
    /// Where each post's ids start in `ids` (one more than posts).
    pub(super) starts: Slab<u32>,
    pub(super) ids: Slab<u32>,
}

impl TagIds {
    pub(super) fn build(short: &Short) -> TagIds {
        let mut seen: rustc_hash::FxHashMap<&str, u32> = Default::default();
        let (mut dict, mut starts, mut ids) =
            (Vec::new(), Vec::with_capacity(short.hays.len() + 1), Vec::new());
        starts.push(0);
        for i in 0..short.hays.len() {
            if let Some(hay) = short.hay(i) {
                for tag in hay.tags() {
                    let id = *seen.entry(tag).or_insert_with(|| {
                        dict.push(tag.into());
                        (dict.len() - 1) as u32
                    });
                    ids.push(id);
                }
            }
            starts.push(ids.len() as u32);
        }
        TagIds { dict, starts: starts.into(), ids: ids.into() }
    }

    /// Whether it can be the tag ids of `posts` posts (as read from a
    /// file): a start per post and one more, running on, every id a tag's.
    pub(super) fn sound(&self, posts: usize) -> bool {
        self.starts.len() == posts + 1
            && runs_on(&self.starts, self.ids.len())
            && self.ids.iter().all(|&id| (id as usize) < self.dict.len())
    }

    /// Post `idx`'s tag ids (none for a post it does not know).
    pub(super) fn of(&self, idx: usize) -> &[u32] {
        match (self.starts.get(idx), self.starts.get(idx + 1)) {
            (Some(&a), Some(&b)) => self.ids.get(a as usize..b as usize).unwrap_or_default(),
            _ => &[],
        }
    }
}

impl ShortWords {
    /// Built on every core, a share of the posts each (their words sorted),
    /// the shares then merged word by word; the tag ids meanwhile.
    pub(super) fn build(short: &Short) -> ShortWords {
        use rayon::prelude::*;
        let n = short.hays.len();
        let size = n.div_ceil(rayon::current_num_threads().max(1)).max(8192);
        let shares: Vec<std::ops::Range<usize>> =
            (0..n).step_by(size).map(|a| a..(a + size).min(n)).collect();
        let (parts, tags) = rayon::join(
            || shares.par_iter().map(|r| Self::words_of(short, r.clone())).collect::<Vec<_>>(),
            || TagIds::build(short),
        );
        Self::merged(&parts, tags)
    }

    /// The words `sources` give (each sorted by word, a word at most once)
    /// merged: each word once, with the places every source gives it,
    /// ascending (the least word of the sources' heads next); a word no
    /// source gives a place is left out.
    pub(super) fn merged(sources: &[Vec<(&str, Vec<u32>)>], tags: TagIds) -> ShortWords {
        let mut dict = Vec::with_capacity(sources.iter().map(Vec::len).max().unwrap_or(0));
        let mut starts = vec![0];
        let mut all = Vec::with_capacity(sources.iter().flatten().map(|(_, p)| p.len()).sum());
        let mut heads = vec![0usize; sources.len()];
        loop {
            let least = sources.iter().zip(&heads).filter_map(|(s, &h)| s.get(h).map(|(w, _)| *w)).min();
            let Some(word) = least else { break };
            let from = all.len();
            for (source, h) in sources.iter().zip(heads.iter_mut()) {
                if let Some((w, places)) = source.get(*h)
                    && *w == word
                {
                    all.extend_from_slice(places);
                    *h += 1;
                }
            }
            if all.len() > from {
                // Shares in order are already; moved places need it.
                all[from..].sort_unstable();
                dict.push(word.into());
                starts.push(all.len() as u32);
            }
        }
        ShortWords { dict, starts: starts.into(), places: all.into(), tags }
    }

    /// The words of the posts at `places` (ascending), sorted, each with
    /// its places.
    pub(super) fn words_of(short: &Short, places: impl IntoIterator<Item = usize>) -> Vec<(&str, Vec<u32>)> {
        let mut map: rustc_hash::FxHashMap<&str, Vec<u32>> = Default::default();
        for i in places {
            let Some(h) = short.hays.get(i) else { continue };
            let Some(text) = short.text.get(h.start as usize..h.start as usize + h.end as usize) else {
                continue;
            };
            for (s, e) in tiers::words(text) {
                let field = if s < h.title_end as usize {
                    0
                } else if s >= h.source_start as usize {
                    2
                } else {
                    1
                };
                let place = place(i as u32, field);
                let v = map.entry(&text[s..e]).or_default();
                if v.last() != Some(&place) {
                    v.push(place);
                }
            }
        }
        let mut words: Vec<(&str, Vec<u32>)> = map.into_iter().collect();
        words.sort_unstable_by(|a, b| a.0.cmp(b.0));
        words
    }

    /// These words, of the posts before a change, for the posts after it
    /// (whose short fields are `short`): `moved` gives each old post's
    /// place now (`u32::MAX`: gone); a place no old post moved to is a new
    /// post's, and only those posts' fields are split into words. Equal to
    /// [`ShortWords::build`] of `short` when the posts that moved kept their
    /// fields. `None` when `moved` cannot be such a move (another number of
    /// posts, a place past the posts or taken twice).
    pub(super) fn renumbered(&self, short: &Short, moved: &[u32]) -> Option<ShortWords> {
        let n = short.hays.len();
        if moved.len() + 1 != self.tags.starts.len() {
            return None;
        }
        let mut taken = vec![false; n];
        for &m in moved.iter().filter(|&&m| m != u32::MAX) {
            let t = taken.get_mut(m as usize)?;
            if std::mem::replace(t, true) {
                return None;
            }
        }
        // The old words with their places moved (the gone left out), on
        // every core, while the new posts' words and the tag ids are made.
        use rayon::prelude::*;
        let moved_words = || -> Vec<(&str, Vec<u32>)> {
            self.dict
                .par_iter()
                .enumerate()
                .with_min_len(8)
                .map(|(w, word)| {
                    let now = self.places_of(w).iter().filter_map(|&pl| {
                        let now = moved.get((pl >> 2) as usize).filter(|&&m| m != u32::MAX)?;
                        Some(place(*now, (pl & 3) as u8))
                    });
                    (&**word, now.collect())
                })
                .collect()
        };
        let (moved_words, (fresh, tags)) = rayon::join(moved_words, || {
            rayon::join(|| Self::words_of(short, (0..n).filter(|&i| !taken[i])), || TagIds::build(short))
        });
        Some(Self::merged(&[moved_words, fresh], tags))
    }

    /// As bytes for a file: seven little-endian `u32` counts (words, their
    /// bytes joined by newlines, places, tags, their bytes, tag starts, tag
    /// ids), the words and the tags joined by newlines, padding to four
    /// bytes, then `u32`s (word starts, places, tag starts, tag ids):
    /// written and read as they lie, no per-number encoding (postcard's
    /// took ~20 ms at 100,000 posts).
    pub(super) fn encode(&self) -> Vec<u8> {
        let joined = |words: &[Box<str>]| words.join("\n");
        let (dict, tags) = (joined(&self.dict), joined(&self.tags.dict));
        let counts = [
            self.dict.len(),
            dict.len(),
            self.places.len(),
            self.tags.dict.len(),
            tags.len(),
            self.tags.starts.len(),
            self.tags.ids.len(),
        ];
        let mut out = Vec::with_capacity(
            28 + dict.len()
                + tags.len()
                + 3
                + 4 * (self.starts.len() + self.places.len())
                + 4 * (self.tags.starts.len() + self.tags.ids.len()),
        );
        for c in counts {
            out.extend_from_slice(&(c as u32).to_le_bytes());
        }
        out.extend_from_slice(dict.as_bytes());
        out.extend_from_slice(tags.as_bytes());
        out.resize(out.len().div_ceil(4) * 4, 0);
        for v in self
            .starts
            .iter()
            .chain(self.places.iter())
            .chain(self.tags.starts.iter())
            .chain(self.tags.ids.iter())
        {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out
    }

    /// What [`ShortWords::encode`] wrote, when the bytes are that whole
    /// (every count against the length); [`ShortWords::sound`] is asked
    /// after.
    #[cfg(test)]
    pub(super) fn decode(bytes: &[u8]) -> Option<ShortWords> {
        let file = std::sync::Arc::new(slab::Bytes::read(&mut &bytes[..], bytes.len()).ok()?);
        Self::decode_in(&file, 0, bytes.len())
    }

    /// As [`ShortWords::decode`], of the `len` bytes from byte `at` of a
    /// saved file (`at` a multiple of four), its numbers used where they
    /// lie.
    pub(super) fn decode_in(file: &std::sync::Arc<slab::Bytes>, at: usize, len: usize) -> Option<ShortWords> {
        let bytes = file.get().get(at..at.checked_add(len)?)?;
        let word = |i: usize| -> Option<usize> {
            bytes
                .get(i * 4..i * 4 + 4)
                .and_then(|b| b.try_into().ok())
                .map(|b| u32::from_le_bytes(b) as usize)
        };
        let c: Vec<usize> = (0..7).map(word).collect::<Option<_>>()?;
        let (n_words, dict_len, n_places, n_tags, tags_len, n_tag_starts, n_ids) =
            (c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
        let text_end = 28usize.checked_add(dict_len)?.checked_add(tags_len)?;
        let numbers_at = text_end.div_ceil(4) * 4;
        let n_numbers =
            n_words.checked_add(1)?.checked_add(n_places)?.checked_add(n_tag_starts)?.checked_add(n_ids)?;
        if numbers_at.checked_add(n_numbers.checked_mul(4)?)? != bytes.len() {
            return None;
        }
        let split = |text: &[u8], n: usize| -> Option<Vec<Box<str>>> {
            let text = std::str::from_utf8(text).ok()?;
            let words: Vec<Box<str>> =
                if n == 0 { Vec::new() } else { text.split('\n').map(Box::from).collect() };
            (words.len() == n && (n > 0 || text.is_empty())).then_some(words)
        };
        let dict = split(bytes.get(28..28 + dict_len)?, n_words)?;
        let tag_dict = split(bytes.get(28 + dict_len..text_end)?, n_tags)?;
        // Each vector where it lies in the file.
        let mut next = at + numbers_at;
        let mut numbers = |n: usize| -> Option<Slab<u32>> {
            let part = Slab::shared(file, next, n)?;
            next += n * 4;
            Some(part)
        };
        let (starts, places, tag_starts, ids) =
            (numbers(n_words + 1)?, numbers(n_places)?, numbers(n_tag_starts)?, numbers(n_ids)?);
        Some(ShortWords { dict, starts, places, tags: TagIds { dict: tag_dict, starts: tag_starts, ids } })
    }

    /// Whether it can be the words of `posts` posts' short fields (as read
    /// from a file): the dictionary sorted, a start per word and one more,
    /// running on, every place a post's and a field's.
    pub(super) fn sound(&self, posts: usize) -> bool {
        self.starts.len() == self.dict.len() + 1
            && runs_on(&self.starts, self.places.len())
            && self.dict.windows(2).all(|w| w[0] < w[1])
            && self.places.iter().all(|&pl| ((pl >> 2) as usize) < posts && pl & 3 <= 2)
            && self.tags.sound(posts)
    }

    /// Each (post, field, whether the word is `term` itself) of the words
    /// `term` starts.
    pub(super) fn starting<'a>(&'a self, term: &'a str) -> impl Iterator<Item = (u32, u8, bool)> + 'a {
        let lo = self.dict.partition_point(|w| &**w < term);
        let hi = lo + self.dict[lo..].partition_point(|w| w.starts_with(term));
        (lo..hi).flat_map(move |w| {
            let whole = &*self.dict[w] == term;
            self.places_of(w).iter().map(move |&pl| (pl >> 2, (pl & 3) as u8, whole))
        })
    }

    /// Word `w`'s places (none for a word it does not have).
    pub(super) fn places_of(&self, w: usize) -> &[u32] {
        match (self.starts.get(w), self.starts.get(w + 1)) {
            (Some(&a), Some(&b)) => self.places.get(a as usize..b as usize).unwrap_or_default(),
            _ => &[],
        }
    }
}

/// A place of [`ShortWords::places`]: post `post`'s field `field`.
pub(super) fn place(post: u32, field: u8) -> u32 {
    post << 2 | u32::from(field)
}

/// Whether `starts` begins at 0, never goes back and ends at `len`.
fn runs_on(starts: &[u32], len: usize) -> bool {
    starts.first() == Some(&0)
        && starts.last().is_some_and(|&e| e as usize == len)
        && starts.windows(2).all(|w| w[0] <= w[1])
}

/// The short fields of every post.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Short {
    /// Every post's `title \n tag \n tag … \n source`, lower-cased, one
    /// after the other (one allocation, not one per post).
    pub(crate) text: Text,
    /// Where each post's part of `text` is, in post order.
    pub(crate) hays: Slab<HaySpan>,
    /// The lower-cased `section \n section title \n kind` of the posts,
    /// each once (few sections and kinds).
    pub(crate) metas: Vec<std::sync::Arc<str>>,
}

impl Short {
    #[inline]
    pub(super) fn hay(&self, idx: usize) -> Option<Hay<'_>> {
        let h = self.hays.get(idx)?;
        Some(Hay {
            text: self.text.get(h.start as usize..h.start as usize + h.end as usize)?,
            title_end: h.title_end,
            source_start: h.source_start,
            meta: self.metas.get(h.meta as usize).map_or("", |m| m),
        })
    }
}

/// A post's place in [`Short::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub(crate) struct HaySpan {
    pub(crate) start: u32,
    /// The next three relative to `start`.
    pub(crate) title_end: u32,
    pub(crate) source_start: u32,
    pub(crate) end: u32,
    /// Its line in [`Short::metas`].
    pub(crate) meta: u32,
}

/// As a saved index holds them: five little-endian `u32`s.
impl Le for HaySpan {
    fn to_native(self) -> HaySpan {
        HaySpan {
            start: u32::from_le(self.start),
            title_end: u32::from_le(self.title_end),
            source_start: u32::from_le(self.source_start),
            end: u32::from_le(self.end),
            meta: u32::from_le(self.meta),
        }
    }
}

/// One post's lower-cased short fields (borrowed from the [`Index`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Hay<'a> {
    /// `title \n tag \n tag … \n source`.
    pub(super) text: &'a str,
    pub(super) title_end: u32,
    pub(super) source_start: u32,
    /// `section \n section title \n kind`.
    pub(super) meta: &'a str,
}

impl<'a> Hay<'a> {
    pub(super) fn title(&self) -> &'a str {
        &self.text[..self.title_end as usize]
    }
    /// The tags, each behind a `\n`.
    pub(super) fn all_tags(&self) -> &'a str {
        &self.text[self.title_end as usize..self.source_start as usize - 1]
    }
    pub(super) fn tags(&self) -> impl Iterator<Item = &'a str> {
        self.all_tags().split('\n').skip(1)
    }
    pub(super) fn source(&self) -> &'a str {
        &self.text[self.source_start as usize..]
    }
    /// The section's name, its title, and the kind.
    pub(super) fn meta(&self) -> (&'a str, &'a str, &'a str) {
        let mut parts = self.meta.splitn(3, '\n');
        (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""))
    }
}
