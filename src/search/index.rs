//! What the matcher looks in: the lower-cased short fields of every post
//! (built once per feed), and the word index of the long text.

use super::{Match, PARALLEL_MIN, slab, tiers, words};
use crate::post::Post;
use slab::{Le, Slab, Text};

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

impl Narrow<'_> {
    /// The score of `m`'s terms that are not scored again.
    pub(super) fn prior(&self, m: &Match) -> i64 {
        if self.drop_last { m.score - m.last } else { m.score }
    }
}

/// Lower-cased title, tags and source of every post, built once per feed:
/// the text the tiers are matched against, and its cheap pre-check; and,
/// when built, the word index of the long text. Cheap to clone (shared).
#[derive(Debug, Default, Clone)]
pub struct Index {
    pub(super) short: std::sync::Arc<Short>,
    /// The words of each post's tldr and summary, when built: tiers 1-3
    /// in long text are then look-ups instead of a scan.
    pub(super) text_words: Option<std::sync::Arc<words::TextWords>>,
    /// The words of the short fields, built while the reader is idle or
    /// the first time a word is looked up ([`ShortWords`]).
    pub(super) short_words: std::sync::OnceLock<std::sync::Arc<ShortWords>>,
    /// Posts changed since the rest was made, answered from an index of
    /// their own ([`Index::patched`]).
    pub(super) patch: Option<std::sync::Arc<Patch>>,
}

/// The posts of an [`Index`] whose short fields and text changed since it
/// was made (a one-shot query right after a post was edited, `feed::lazy`):
/// their places, ascending, and an index of those posts alone, post `k` of
/// it standing for the post at `places[k]`. What the index says of any
/// other post is as before.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Patch {
    places: Vec<u32>,
    mini: Index,
}

impl Patch {
    /// Where post `idx` is in the patch's own index, when it is patched.
    pub(super) fn local(&self, idx: usize) -> Option<usize> {
        u32::try_from(idx).ok().and_then(|i| self.places.binary_search(&i).ok())
    }
}

/// Two indexes are equal when they index the same: the words of the short
/// fields are made from the rest, whether they are made yet or not.
impl PartialEq for Index {
    fn eq(&self, other: &Index) -> bool {
        self.short == other.short && self.text_words == other.text_words && self.patch == other.patch
    }
}

impl Eq for Index {}

/// The distinct words of every post's short fields (title, tags, source),
/// sorted, each with the posts it is in and in which field: the posts a
/// word of a few letters starts a word of are one run of this dictionary,
/// not a scan of every post's fields word by word (which cost most of such
/// a keystroke at 100,000 posts).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ShortWords {
    dict: Vec<Box<str>>,
    /// Where each word's places start in `places` (one more than words).
    starts: Slab<u32>,
    /// Each place as `post << 2 | field` (field: 0 title, 1 tag, 2 source),
    /// word after word: four bytes a place, not eight as a pair. A feed
    /// would need 2^30 posts (some 300 GB of them in memory) to overflow it.
    places: Slab<u32>,
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
    starts: Slab<u32>,
    ids: Slab<u32>,
}

impl TagIds {
    fn build(short: &Short) -> TagIds {
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
    fn sound(&self, posts: usize) -> bool {
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
    fn build(short: &Short) -> ShortWords {
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
    fn merged(sources: &[Vec<(&str, Vec<u32>)>], tags: TagIds) -> ShortWords {
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
    fn words_of(short: &Short, places: impl IntoIterator<Item = usize>) -> Vec<(&str, Vec<u32>)> {
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
    fn places_of(&self, w: usize) -> &[u32] {
        match (self.starts.get(w), self.starts.get(w + 1)) {
            (Some(&a), Some(&b)) => self.places.get(a as usize..b as usize).unwrap_or_default(),
            _ => &[],
        }
    }
}

/// A place of [`ShortWords::places`]: post `post`'s field `field`.
fn place(post: u32, field: u8) -> u32 {
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
    fn hay(&self, idx: usize) -> Option<Hay<'_>> {
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

/// Appends `s` lower-cased: in place when it is ASCII, else through
/// `str::to_lowercase` (which knows every script's case).
pub(super) fn push_lower(out: &mut String, s: &str) {
    if s.is_ascii() {
        let start = out.len();
        out.push_str(s);
        out[start..].make_ascii_lowercase();
    } else {
        out.push_str(&s.to_lowercase());
    }
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

/// A run of posts' part of the index, built on one core.
pub(super) struct Part {
    pub(super) text: String,
    pub(super) hays: Vec<HaySpan>,
    /// The lower-cased meta lines, each once.
    pub(super) metas: Vec<std::sync::Arc<str>>,
}

impl Part {
    /// The posts' part; each post whose `from` names its place in `old`
    /// (the short fields of the posts before a change, where it had the
    /// same fields) given its lower-cased fields from there instead of
    /// lower-casing them again.
    fn new(posts: &[Post], from: &[u32], old: &Short) -> Part {
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
        for (i, p) in posts.iter().enumerate() {
            let text = &mut part.text;
            let start = text.len();
            let was = from.get(i).and_then(|&o| old.hays.get(o as usize)).and_then(|h| {
                let a = h.start as usize;
                Some((old.text.get(a..a + h.end as usize)?, h))
            });
            let (title_end, source_start) = match was {
                Some((fields, h)) => {
                    text.push_str(fields);
                    (h.title_end as usize, h.source_start as usize)
                }
                None => {
                    push_lower(text, &p.title);
                    let title_end = text.len() - start;
                    for t in &p.tags {
                        text.push('\n');
                        push_lower(text, t);
                    }
                    text.push('\n');
                    let source_start = text.len() - start;
                    push_lower(text, &p.source);
                    (title_end, source_start)
                }
            };
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
        Self::moved(posts, &[], &Short::default())
    }

    /// As [`Index::new`], the fields of the posts that were in `old` (the
    /// index of the posts before a change; `from` gives each post's place
    /// there, `u32::MAX` for a new post) taken from it as they were
    /// lower-cased then: at 100,000 posts, a few milliseconds instead of
    /// some thirty. Equal to [`Index::new`] when those posts kept their
    /// title, tags and source (their sections and kinds are taken anew).
    pub(crate) fn moved(posts: &[Post], from: &[u32], old: &Short) -> Index {
        let parts = crate::par::map_chunks_at(posts, PARALLEL_MIN, |at, chunk| {
            vec![Part::new(chunk, from.get(at..at + chunk.len()).unwrap_or_default(), old)]
        });
        let mut text = String::with_capacity(parts.iter().map(|p| p.text.len()).sum());
        let mut hays = Vec::with_capacity(posts.len());
        let mut metas = Vec::new();
        for part in parts {
            let offset = text.len() as u32;
            let meta_offset = metas.len() as u32;
            text.push_str(&part.text);
            metas.extend(part.metas);
            hays.extend(part.hays.into_iter().map(|h| HaySpan {
                start: h.start.wrapping_add(offset),
                meta: h.meta.wrapping_add(meta_offset),
                ..h
            }));
        }
        let short = Short { text: text.into(), hays: hays.into(), metas };
        Index { short: short.into(), text_words: None, short_words: Default::default(), patch: None }
    }

    /// An index from its saved parts (`saved.rs`).
    pub(crate) fn from_parts(
        short: Short,
        text_words: words::TextWords,
        short_words: Option<ShortWords>,
    ) -> Index {
        let index = Index {
            short: short.into(),
            text_words: Some(text_words.into()),
            short_words: Default::default(),
            patch: None,
        };
        if let Some(w) = short_words {
            index.set_short_words(w);
        }
        index
    }

    /// Its parts, for saving.
    pub(crate) fn parts(&self) -> (&Short, Option<&words::TextWords>) {
        (&self.short, self.text_words.as_deref())
    }

    /// The words of the short fields (built on first use).
    pub(super) fn short_words(&self) -> &ShortWords {
        self.short_words.get_or_init(|| ShortWords::build(&self.short).into())
    }

    /// The words of the short fields, when they are built.
    pub(super) fn built_short_words(&self) -> Option<&ShortWords> {
        self.short_words.get().map(|w| &**w)
    }

    /// Whether the words of the short fields are built.
    pub fn has_short_words(&self) -> bool {
        self.short_words.get().is_some()
    }

    /// Gives it the words of its short fields, made elsewhere (read with a
    /// saved index, or moved from one); ignored when it has them already.
    pub(super) fn set_short_words(&self, words: ShortWords) {
        let _ = self.short_words.set(words.into());
    }

    /// Builds the words of the short fields now, if not yet (the reader,
    /// while idle, so the first key of a word does not pay for it).
    pub fn prepare_short_words(&self) {
        self.short_words();
    }

    /// How many posts it indexes.
    pub fn len(&self) -> usize {
        self.short.hays.len()
    }

    pub fn is_empty(&self) -> bool {
        self.short.hays.is_empty()
    }

    pub(super) fn hay(&self, idx: usize) -> Option<Hay<'_>> {
        if let Some(patch) = &self.patch
            && let Some(k) = patch.local(idx)
        {
            return patch.mini.short.hay(k);
        }
        self.short.hay(idx)
    }

    /// This index with the posts at the given places changed to the posts
    /// given (each place once, within the index): their short fields, the
    /// words of those and of their text (when this index has the text's)
    /// from an index of them alone. The posts keep their places; a query
    /// matched over it finds what it finds over an index of the posts as
    /// they are now. `None` when a place is out of range or given twice.
    pub fn patched(mut self, changed: &[(usize, &Post)]) -> Option<Index> {
        let mut changed = changed.to_vec();
        changed.sort_by_key(|(at, _)| *at);
        if changed.windows(2).any(|w| w[0].0 == w[1].0)
            || changed.last().is_some_and(|(at, _)| *at >= self.len())
        {
            return None;
        }
        let places = changed.iter().map(|(at, _)| u32::try_from(*at).ok()).collect::<Option<Vec<u32>>>()?;
        let posts: Vec<Post> = changed.iter().map(|(_, p)| (*p).clone()).collect();
        let mut mini = Index::new(&posts);
        if self.text_words.is_some() {
            mini.set_text(words::TextWords::build(&posts, long_text).into());
        }
        mini.prepare_short_words();
        self.patch = Some(Patch { places, mini }.into());
        Some(self)
    }

    /// The patch of changed posts, if any ([`Index::patched`]).
    pub(super) fn patch(&self) -> Option<&Patch> {
        self.patch.as_deref()
    }

    /// The posts whose text has a lower-case `term` as a word, a word
    /// start or (with `typo`) a word one typo away, when the word index of
    /// the text is built: [`words::TextWords::lookup`], changed posts
    /// answered by the patch.
    pub(super) fn text_lookup(&self, term: &str, typo: bool) -> Option<(&words::TextWords, words::Lookup)> {
        let w = self.text_words.as_deref()?;
        let mut l = w.lookup(term, typo);
        if let Some(patch) = &self.patch {
            let mini = patch.mini.text_words.as_deref().map(|m| m.lookup(term, typo)).unwrap_or_default();
            l.overlay(self.len(), &patch.places, &mini);
        }
        Some((w, l))
    }

    /// Each (post, field, whether the word is `term` itself) of the words of
    /// the short fields `term` starts ([`ShortWords::starting`]), changed
    /// posts answered by the patch. `None` while those words are not built.
    pub(super) fn short_starting<'a>(
        &'a self,
        term: &'a str,
    ) -> Option<impl Iterator<Item = (u32, u8, bool)> + 'a> {
        let short = self.built_short_words()?;
        let patch = self.patch.as_deref();
        let kept = move |post: u32| patch.is_none_or(|c| c.local(post as usize).is_none());
        let base = short.starting(term).filter(move |(post, _, _)| kept(*post));
        let changed = patch.into_iter().flat_map(move |c| {
            let mini = c.mini.built_short_words().into_iter();
            mini.flat_map(move |m| {
                m.starting(term)
                    .filter_map(move |(k, field, whole)| Some((*c.places.get(k as usize)?, field, whole)))
            })
        });
        Some(base.chain(changed))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A post with these short fields.
    fn post(title: &str, tags: &[&str], source: &str) -> Post {
        Post {
            title: title.into(),
            tags: tags.iter().map(|&t| t.into()).collect(),
            source: source.into(),
            ..Post::default()
        }
    }

    #[test]
    fn short_words_built_in_shares_are_the_words_of_every_post_in_order() {
        // Enough posts for several shares, words shared across them.
        let posts: Vec<Post> = (0..30_000)
            .map(|i| Post {
                title: format!("w{} common x{}", i % 977, i),
                tags: vec![format!("t{}", i % 13).into()],
                source: format!("s{}", i % 5).into(),
                ..Post::default()
            })
            .collect();
        let index = Index::new(&posts);
        let built = ShortWords::build(&index.short);
        // Each word's places, post by post, as one pass over every post finds them.
        let mut want: std::collections::BTreeMap<String, Vec<(u32, u8)>> = Default::default();
        for (i, p) in posts.iter().enumerate() {
            let fields = [
                (0u8, vec![p.title.clone()]),
                (1, p.tags.iter().map(|t| t.to_string()).collect()),
                (2, vec![p.source.to_string()]),
            ];
            for (f, texts) in fields {
                for text in texts {
                    for w in text.split(' ') {
                        let v = want.entry(w.to_string()).or_default();
                        if v.last() != Some(&(i as u32, f)) {
                            v.push((i as u32, f));
                        }
                    }
                }
            }
        }
        let got: Vec<(String, Vec<(u32, u8)>)> = (0..built.dict.len())
            .map(|w| {
                let (a, b) = (built.starts[w] as usize, built.starts[w + 1] as usize);
                let places = built.places[a..b].iter().map(|&pl| (pl >> 2, (pl & 3) as u8)).collect();
                (built.dict[w].to_string(), places)
            })
            .collect();
        assert_eq!(got, want.into_iter().collect::<Vec<_>>());
        assert!(built.sound(posts.len()));
    }

    #[test]
    fn short_words_moved_to_the_posts_after_a_change_equal_those_built_anew() {
        let post = |i: usize| Post {
            title: format!("w{} common x{i}", i % 37),
            tags: vec![format!("t{}", i % 11).into(), "shared".into()],
            source: format!("s{}", i % 5).into(),
            ..Post::default()
        };
        let before: Vec<Post> = (0..20_000).map(post).collect();
        let old_index = Index::new(&before);
        let old = ShortWords::build(&old_index.short);
        // After: every third post gone, the rest in another order, new
        // posts among them (some with words no old post had).
        let mut kept: Vec<usize> = (0..20_000).filter(|i| i % 3 != 0).collect();
        kept.reverse();
        kept.rotate_left(777);
        let mut after: Vec<Post> = Vec::new();
        let mut moved = vec![u32::MAX; before.len()];
        for (k, &i) in kept.iter().enumerate() {
            if k % 50 == 0 {
                after.push(Post { title: format!("brand new {k}"), tags: vec!["fresh".into()], ..post(k) });
            }
            moved[i] = after.len() as u32;
            after.push(before[i].clone());
        }
        // The short fields taken from the old index for the posts that
        // were in it: the same as lower-cased anew, sections and kinds too
        // (one section's title changed since).
        let mut from = vec![u32::MAX; after.len()];
        for (o, &now) in moved.iter().enumerate().filter(|(_, n)| **n != u32::MAX) {
            from[now as usize] = o as u32;
        }
        for (i, p) in after.iter_mut().enumerate() {
            p.section = if i % 2 == 0 { "docs".into() } else { "blog".into() };
            p.section_title = if i % 2 == 0 { "Docs, renamed".into() } else { "Blog".into() };
        }
        assert_eq!(Index::moved(&after, &from, &old_index.short), Index::new(&after));
        let short = Index::new(&after).short;
        let renumbered = old.renumbered(&short, &moved).expect("a move");
        assert_eq!(renumbered, ShortWords::build(&short));
        // Not a move: another number of posts, a place past the posts or taken twice.
        assert!(old.renumbered(&short, &moved[1..]).is_none());
        let mut past = moved.clone();
        past[1] = after.len() as u32;
        assert!(old.renumbered(&short, &past).is_none());
        let mut twice = moved.clone();
        twice[1] = twice[2];
        assert!(old.renumbered(&short, &twice).is_none());
    }

    #[test]
    fn short_words_come_back_from_their_bytes_and_only_from_whole_ones() {
        let posts = [
            post("Kube security", &["k8s", "sec"], "Blog"),
            post("", &[], ""),
            post("Straße Ärger", &["ümlaut"], "News"),
        ];
        for posts in [&posts[..], &posts[1..2], &[]] {
            let built = ShortWords::build(&Index::new(posts).short);
            let bytes = built.encode();
            assert_eq!(ShortWords::decode(&bytes).as_ref(), Some(&built), "{posts:?}");
            for cut in 0..bytes.len() {
                assert!(ShortWords::decode(&bytes[..cut]).is_none(), "cut at {cut}");
            }
            let mut longer = bytes.clone();
            longer.push(0);
            assert!(ShortWords::decode(&longer).is_none());
        }
    }

    #[test]
    fn short_words_read_from_a_file_are_used_only_when_they_can_be_the_posts() {
        let posts = vec![post("Kube security", &["k8s", "sec"], "Blog"), post("Apple", &["k8s"], "News")];
        let index = Index::new(&posts);
        let built = ShortWords::build(&index.short);
        assert!(built.sound(2), "as built: {built:?}");
        assert!(!built.sound(3), "for another number of posts");
        let broken: [&dyn Fn(&mut ShortWords); 6] = [
            &|w| w.places.make_mut()[0] = place(2, 0),
            &|w| w.places.make_mut()[0] |= 3,
            &|w| w.dict.swap(0, 1),
            &|w| *w.starts.make_mut().last_mut().expect("starts") += 1,
            &|w| w.tags.ids.make_mut()[0] = 9,
            &|w| {
                w.tags.starts.make_mut().pop();
            },
        ];
        for (i, breaks) in broken.iter().enumerate() {
            let mut w = ShortWords::build(&index.short);
            breaks(&mut w);
            assert!(!w.sound(2), "damage {i} refused");
        }
    }
}
