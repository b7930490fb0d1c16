//! What the matcher looks in: the lower-cased short fields of every post
//! (built once per feed), and the word index of the long text.

use super::short_words::{Hay, HaySpan, Short, ShortWords};
use super::tiers::push_lower;
use super::{Match, PARALLEL_MIN, words};
use crate::post::Post;

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
mod tests;
