//! The search index kept between runs, beside the parse cache: the short
//! fields and the word index of the long text, so neither is built again
//! while the posts are the same. It is tied to a CRC-32 of every field it
//! indexes ([`key`]): for other posts it is passed over and built anew.
//!
//! Layout: `LFINDEX4`, the program's version, the key, a CRC-32 of the rest;
//! eight counts and the writing of the parse cache whose entries the word
//! index numbers (a flag and a `u64`; see `TextWords::generation`); the
//! section lines (each behind its length); the dictionary (words joined by
//! newlines); the short fields' text; each word's posts (packed, see
//! `TextWords::postings`); padding to four bytes; then little-endian
//! `u32`s: where each word's posts start, five per post for its place in
//! the text, and each entry's place among the posts; last the words of the
//! short fields (`ShortWords::encode`: their numbers as they lie, read in a
//! few milliseconds, built in some 30 at 100,000 posts, and a one-shot query's
//! first word is a look-up in them instead of a scan of every title). The
//! text and the numbers are used where they lie in the file (`Open`).

use super::Index;
use super::short_words::ShortWords;
use super::short_words::{HaySpan, Short};
use super::slab;
use super::words::TextWords;
use crate::post::Post;
use std::io::{self, Read, Write};
use std::path::Path;

const MAGIC: &[u8; 8] = b"LFINDEX4";

/// What identifies the posts an index was built for: a CRC-32 of every
/// field it holds (title, tags, source, section, its title, kind, tldr,
/// summary), post by post, hashed on every core.
pub fn key(posts: &[Post]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(&(posts.len() as u64).to_le_bytes());
    crc_post_by_post(h, posts, |h, p| {
        // 0xff never occurs in UTF-8: fields cannot run into each other.
        for f in [&*p.title, &*p.source, &*p.section, &*p.section_title, &*p.kind, &p.tldr, &p.summary] {
            h.update(f.as_bytes());
            h.update(&[0xff]);
        }
        for t in &p.tags {
            h.update(t.as_bytes());
            h.update(&[0xfe]);
        }
        h.update(&[0xff]);
    })
}

/// `head` followed by what `each` adds of every post, hashed on every core:
/// the parts' checksums joined in order are the checksum of the whole.
fn crc_post_by_post(
    mut head: crc32fast::Hasher,
    posts: &[Post],
    each: impl Fn(&mut crc32fast::Hasher, &Post) + Sync,
) -> u32 {
    let parts = crate::par::map_chunks(posts, 8192, |chunk| {
        let mut h = crc32fast::Hasher::new();
        for p in chunk {
            each(&mut h, p);
        }
        vec![h]
    });
    for part in &parts {
        head.combine(part);
    }
    head.finalize()
}

/// The key of `posts` read whole from one writing of the parse cache
/// (`generation`, `Feed::cache_generation`): that writing fixes every field
/// of every file, so the posts are named by which files they are, in order
/// (and which files each folded in). It needs no tldr or summary: a load
/// without them (`list -q`) finds the index that fits. Without a
/// generation, [`key`].
pub fn key_for(posts: &[Post], generation: Option<u64>) -> u32 {
    let Some(generation) = generation else { return key(posts) };
    let mut h = crc32fast::Hasher::new();
    // Apart from `key`'s: a different first byte.
    h.update(b"G");
    h.update(&generation.to_le_bytes());
    h.update(&(posts.len() as u64).to_le_bytes());
    crc_post_by_post(h, posts, |h, p| {
        h.update(p.path.as_os_str().as_encoded_bytes());
        h.update(&[0xff]);
        for a in &p.also {
            h.update(a.as_os_str().as_encoded_bytes());
            h.update(&[0xfe]);
        }
    })
}

/// The search index of `posts`, read whole from the parse cache of `dir`
/// (its writing `generation`), with or without their tldr and summary: the
/// short fields from the posts, the word index of the text from the
/// cache's text parts, a block at a time on every core, by entry, the posts
/// named by their entries (`Post::entry`). No post needs its text in
/// memory. `None` when the cache is not that writing any more, or a post
/// has no entry.
pub fn build_from_cache(dir: &Path, generation: u64, posts: &[Post]) -> Option<Index> {
    let order = entries_of(posts)?;
    let words = text_words_from_cache(dir, generation, &order)?;
    Some(with_words(posts, words))
}

fn entries_of(posts: &[Post]) -> Option<Vec<u32>> {
    posts.iter().map(|p| p.entry).collect()
}

fn with_words(posts: &[Post], words: TextWords) -> Index {
    let mut index = Index::new(posts);
    index.set_text(std::sync::Arc::new(words));
    index
}

/// The word index of the text of the posts whose entries are `order` (in
/// that order), from the parse cache of `dir` when it is still the writing
/// `generation`: the reader's, for posts that do not hold their text.
pub fn text_words_from_cache(dir: &Path, generation: u64, order: &[u32]) -> Option<TextWords> {
    use crate::cache;
    let reader = cache::Reader::open(&cache::path_for(dir)?, &cache::root_key(dir)).ok()??;
    if reader.generation() != generation {
        return None;
    }
    let part = |b: usize| reader.block_text(b, &mut Vec::new()).ok();
    TextWords::build_from_parts(reader.blocks(), part, generation)?.placed(order)
}

/// After a load that wrote the parse cache of `dir` (`written`), the search
/// index of its `posts` (those the load made visible) made and saved beside
/// it: whatever writes the parse cache calls this, so a one-shot query
/// after any load finds the index. When the load says how the cache's
/// entries were renumbered (`Feed::cache_renumbering`) and the index saved before is
/// of the writing it renumbered, that index is renumbered and only the new
/// entries' text is read and split into words; else every entry's text is
/// read from the cache. The index, when it was made and saved, and whether
/// it was renumbered (not built anew).
pub fn refresh(dir: &Path, feed: &crate::feed::Feed) -> Option<(Index, bool)> {
    let (posts, generation, written) = (&feed.posts, feed.cache_generation, feed.stats.cache_written);
    let renumbering = feed.cache_renumbering.as_deref();
    let (Some(g), true) = (generation, written) else { return None };
    let path = crate::cache::index_path_for(dir)?;
    let order = entries_of(posts)?;
    let (words, was_renumbered, old) = renumbered_or_built(dir, g, &order, Some(&path), renumbering, true)?;
    // Each old post's place now (`u32::MAX`: gone), when the saved index
    // was renumbered: its old place's entry, renumbered, placed.
    let moved = old.as_ref().zip(renumbering).map(|((_, _, entry_at), r)| {
        let mut place_of = vec![u32::MAX; r.entries as usize];
        for (i, e) in order.iter().enumerate() {
            if let Some(p) = place_of.get_mut(*e as usize) {
                *p = i as u32;
            }
        }
        let moved: Vec<u32> = entry_at
            .iter()
            .map(|&e| {
                r.renumbered
                    .get(e as usize)
                    .and_then(|&now| place_of.get(now as usize))
                    .map_or(u32::MAX, |&p| p)
            })
            .collect();
        moved
    });
    // The short fields: the saved posts' taken from the saved index (they
    // are the same files' as then), only new posts' lower-cased; their
    // words moved to the posts' places now and only new posts' split.
    let mut index = match (&old, &moved) {
        (Some((short, _, _)), Some(moved)) => {
            let mut from = vec![u32::MAX; posts.len()];
            for (o, &now) in moved.iter().enumerate() {
                if let Some(f) = from.get_mut(now as usize) {
                    *f = o as u32;
                }
            }
            Index::moved(posts, &from, short)
        }
        _ => Index::new(posts),
    };
    index.set_text(std::sync::Arc::new(words));
    if let (Some((_, short_words, _)), Some(moved)) = (old, moved)
        && let Some(w) = short_words.renumbered(&index.short, &moved)
    {
        index.set_short_words(w);
    }
    index.prepare_short_words();
    save(&path, key_for(posts, generation), &index).ok().map(|()| (index, was_renumbered))
}

/// The word index of the text of the posts whose entries are `order`, for
/// the parse cache of `dir` as its writing `generation`: renumbered from
/// the one saved at `saved` when `renumbering` leads from that one's
/// writing to this one (only the new entries' text read), else built from
/// every entry's text. With whether it was renumbered.
pub fn words_for(
    dir: &Path,
    generation: u64,
    order: &[u32],
    saved: Option<&Path>,
    renumbering: Option<&crate::cache::Renumbering>,
) -> Option<(TextWords, bool)> {
    renumbered_or_built(dir, generation, order, saved, renumbering, false).map(|(w, r, _)| (w, r))
}

/// The short fields saved with an index and their words, with the entry
/// each of their places was (`u32::MAX`: none).
type OldShortWords = (Short, ShortWords, Vec<u32>);

/// [`words_for`], with the saved index's words of the short fields when it
/// was renumbered and `short_words` asks for them.
fn renumbered_or_built(
    dir: &Path,
    generation: u64,
    order: &[u32],
    saved: Option<&Path>,
    renumbering: Option<&crate::cache::Renumbering>,
    short_words: bool,
) -> Option<(TextWords, bool, Option<OldShortWords>)> {
    let mut old_short = None;
    let renumbered = renumbering.filter(|r| r.generation == generation).and_then(|r| {
        let (saved_fields, old, saved_short) = read_of_writing(saved?, r.from, short_words, Open::Map)?;
        old_short = saved_short.map(|w| {
            let mut entry_at = vec![u32::MAX; old.posts as usize];
            for (e, &p) in old.place_of.iter().enumerate() {
                if let Some(at) = entry_at.get_mut(p as usize) {
                    *at = e as u32;
                }
            }
            (saved_fields, w, entry_at)
        });
        let cache = crate::cache::path_for(dir)?;
        let fresh: Vec<u32> = (r.fresh_from..r.entries).collect();
        let fresh = crate::feed::texts_of(dir, &cache, generation, &fresh).ok()?;
        let texts: Vec<[&str; 2]> = fresh.iter().map(|(_, t, s)| [t.as_str(), s.as_str()]).collect();
        old.renumbered(generation, &r.renumbered, r.fresh_from, &texts)?.placed(order)
    });
    match renumbered {
        Some(words) => Some((words, true, old_short)),
        None => text_words_from_cache(dir, generation, order).map(|w| (w, false, None)),
    }
}

/// Saves `index` (which must hold the word index of the text) for the posts
/// whose [`key`] is `key`: a temporary file renamed over `path`. The body is
/// written in pieces straight from the index (its CRC taken on the way and
/// written in its place at the end), never gathered in memory: a one-shot `list` that
/// rewrote the cache peaked with the index and a whole copy of it.
pub fn save(path: &Path, key: u32, index: &Index) -> io::Result<()> {
    let (short, Some(words)) = index.parts() else {
        return Err(io::Error::other("the index has no word index of the text"));
    };
    let dict_len = words.dict.iter().map(|w| w.len()).sum::<usize>() + words.dict.len().saturating_sub(1);
    let metas_len: usize = short.metas.iter().map(|m| 4 + m.len()).sum();
    let short_words = index.short_words().encode();
    let counts = [
        dict_len,
        short.text.len(),
        metas_len,
        words.postings.len(),
        words.word_starts.len(),
        short.hays.len(),
        words.place_of.len(),
        short_words.len(),
    ];
    let mut counted = [0u32; 8];
    for (c, n) in counted.iter_mut().zip(counts) {
        *c = u32::try_from(n).map_err(io::Error::other)?;
    }
    let generation = [u64::from(words.generation.is_some()), words.generation.unwrap_or(0)];
    let head = head_len();
    let before_padding = COUNTS + metas_len + dict_len + short.text.len() + words.postings.len();
    let padding = (4 - (head + before_padding) % 4) % 4;
    // The body, a piece at a time, to `out`.
    let body = |out: &mut dyn FnMut(&[u8]) -> io::Result<()>| -> io::Result<()> {
        for c in counted {
            out(&c.to_le_bytes())?;
        }
        for g in generation {
            out(&g.to_le_bytes())?;
        }
        for m in &short.metas {
            out(&(m.len() as u32).to_le_bytes())?;
            out(m.as_bytes())?;
        }
        for (i, w) in words.dict.iter().enumerate() {
            if i > 0 {
                out(b"\n")?;
            }
            out(w.as_bytes())?;
        }
        out(short.text.as_bytes())?;
        out(&words.postings)?;
        out(&[0u8; 3][..padding])?;
        let spans = short.hays.iter().flat_map(|h| [h.start, h.title_end, h.source_start, h.end, h.meta]);
        let mut chunk = Vec::with_capacity(64 * 1024);
        for v in words.word_starts.iter().copied().chain(spans).chain(words.place_of.iter().copied()) {
            chunk.extend_from_slice(&v.to_le_bytes());
            if chunk.len() >= 64 * 1024 {
                out(&chunk)?;
                chunk.clear();
            }
        }
        out(&chunk)?;
        out(&short_words)
    };
    crate::store::paths::replace_cache_file(path, |file| {
        let mut f = io::BufWriter::with_capacity(256 * 1024, &mut *file);
        f.write_all(MAGIC)?;
        let version = env!("CARGO_PKG_VERSION").as_bytes();
        f.write_all(&[version.len() as u8])?;
        f.write_all(version)?;
        f.write_all(&key.to_le_bytes())?;
        // The CRC is taken as the body is written, and put in its place after.
        f.write_all(&[0; 4])?;
        let mut crc = crc32fast::Hasher::new();
        body(&mut |b| {
            crc.update(b);
            f.write_all(b)
        })?;
        f.flush()?;
        drop(f);
        io::Seek::seek(file, io::SeekFrom::Start((head_len() - 4) as u64))?;
        file.write_all(&crc.finalize().to_le_bytes())
    })
}

/// The counts and the generation at the body's start, in bytes.
const COUNTS: usize = 8 * 4 + 16;

/// Bytes before the body: magic, version, key, CRC.
fn head_len() -> usize {
    MAGIC.len() + 1 + env!("CARGO_PKG_VERSION").len() + 8
}

/// The index saved at `path`, when it is whole, of this version, and for
/// the posts whose key is `key`; else `None`. Every count, start and place
/// is checked, so no damage can make a look-up panic.
pub fn load(path: &Path, key: u32) -> Option<Index> {
    let (_, short, words, short_words) = read(path, Some(key), true, Open::Read)?;
    Some(Index::from_parts(short, words, short_words))
}

/// As [`load`], the index mapped (`Open::Map`): for a process that reads
/// it once (`list`).
pub fn load_mapped(path: &Path, key: u32) -> Option<Index> {
    let (_, short, words, short_words) = read(path, Some(key), true, Open::Map)?;
    Some(Index::from_parts(short, words, short_words))
}

/// The index saved at `path` with the key of the posts it was saved for,
/// whatever they are: mapped (`Open::Map`, for `list`) while the posts are
/// still being assembled (on the core the assembling leaves idle), its key
/// compared after.
pub fn load_any(path: &Path) -> Option<(u32, Index)> {
    let (key, short, words, short_words) = read(path, None, true, Open::Map)?;
    Some((key, Index::from_parts(short, words, short_words)))
}

/// The word index of the text saved at `path`, whatever posts it was
/// saved for, when it numbers the entries of the parse cache's writing
/// `generation` (what [`TextWords::renumbered`] starts from).
pub fn load_words(path: &Path, generation: u64) -> Option<TextWords> {
    read_of_writing(path, generation, false, Open::Read).map(|(_, words, _)| words)
}

/// [`read`] of an index by entry of the parse cache's writing
/// `generation`, whatever posts it was saved for.
fn read_of_writing(
    path: &Path,
    generation: u64,
    with_short_words: bool,
    open: Open,
) -> Option<(Short, TextWords, Option<ShortWords>)> {
    let (_, short, words, short_words) = read(path, None, with_short_words, open)?;
    (words.generation == Some(generation)).then_some((short, words, short_words))
}

/// How a saved index is opened: mapped (its parts used where they lie in
/// the file: a process that reads it once, or only while it renumbers it),
/// or read into memory (the reader, which keeps it: see [`slab::Bytes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Open {
    Map,
    Read,
}

/// The saved index's key and parts, when it is whole, of this version,
/// and (with `key`) for the posts whose key that is; with the words of the
/// short fields when `with_short_words` (else only their checksum is taken).
fn read(
    path: &Path,
    key: Option<u32>,
    with_short_words: bool,
    open: Open,
) -> Option<(u32, Short, TextWords, Option<ShortWords>)> {
    let mut f = std::fs::File::open(path).ok()?;
    let size = usize::try_from(f.metadata().ok()?.len()).ok()?;
    let version = env!("CARGO_PKG_VERSION").as_bytes();
    let word = |b: &[u8], i: usize| -> Option<u32> {
        b.get(i * 4..i * 4 + 4).and_then(|s| s.try_into().ok()).map(u32::from_le_bytes)
    };
    // The head first: an index for other posts is not mapped or read.
    let mut head = vec![0; head_len()];
    f.read_exact(&mut head).ok()?;
    if !head.starts_with(MAGIC) || head[8] as usize != version.len() || &head[9..9 + version.len()] != version
    {
        return None;
    }
    let tail = &head[9 + version.len()..];
    let saved_for = word(tail, 0)?;
    if key.is_some_and(|k| k != saved_for) {
        return None;
    }
    let crc = word(tail, 1)?;
    // A file system that cannot map it has it read.
    let mapped = if open == Open::Map { slab::Bytes::map(&f).ok() } else { None };
    let file = std::sync::Arc::new(match mapped {
        Some(bytes) => bytes,
        None => {
            io::Seek::seek(&mut f, io::SeekFrom::Start(0)).ok()?;
            slab::Bytes::read(&mut f, size).ok()?
        }
    });
    let all = file.get();
    if all.len() != size || all.get(..head_len())? != &head[..] {
        return None;
    }
    let counts = all.get(head_len()..head_len() + COUNTS)?;
    let c: Vec<usize> = (0..8).map(|i| word(counts, i).map(|v| v as usize)).collect::<Option<_>>()?;
    let (dict_len, text_len, metas_len, n_postings, n_starts, n_spans, n_places, short_words_len) =
        (c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
    let generation = match (word(counts, 8)?, word(counts, 9)?) {
        (0, 0) => None,
        (1, 0) => Some(u64::from(word(counts, 10)?) | u64::from(word(counts, 11)?) << 32),
        _ => return None,
    };
    let bytes_len = metas_len.checked_add(dict_len)?.checked_add(text_len)?.checked_add(n_postings)?;
    let body = head_len() + COUNTS;
    let padded = (body.checked_add(bytes_len)?).div_ceil(4) * 4 - body;
    let n_words = n_starts.checked_add(n_spans.checked_mul(5)?)?.checked_add(n_places)?;
    if (body + padded).checked_add(n_words.checked_mul(4)?)?.checked_add(short_words_len)? != size {
        return None;
    }
    if crc32fast::hash(&all[head_len()..]) != crc {
        return None;
    }
    // Where each part lies: the section lines, the dictionary, the text,
    // the postings; after the padding the numbers, then the short fields'
    // words.
    let metas_bytes = all.get(body..body + metas_len)?;
    let dict_bytes = all.get(body + metas_len..body + metas_len + dict_len)?;
    let text_at = body + metas_len + dict_len;
    let text = slab::Text::shared(&file, text_at, text_len)?;
    let postings = slab::Slab::shared(&file, text_at + text_len, n_postings)?;
    let numbers_at = body + padded;
    let word_starts: slab::Slab<u32> = slab::Slab::shared(&file, numbers_at, n_starts)?;
    let spans_at = numbers_at + n_starts * 4;
    let hays: slab::Slab<HaySpan> = slab::Slab::shared(&file, spans_at, n_spans)?;
    let place_of: slab::Slab<u32> = slab::Slab::shared(&file, spans_at + n_spans * 20, n_places)?;
    let short_words_at = spans_at + n_spans * 20 + n_places * 4;
    let mut metas = Vec::new();
    let mut at = 0;
    while at < metas_bytes.len() {
        let n = word(&metas_bytes[at..], 0)? as usize;
        let m = std::str::from_utf8(metas_bytes.get(at + 4..at + 4 + n)?).ok()?;
        metas.push(std::sync::Arc::from(m));
        at += 4 + n;
    }
    let dict: Vec<Box<str>> = match dict_len {
        0 => Vec::new(),
        _ => std::str::from_utf8(dict_bytes).ok()?.split('\n').map(Box::from).collect(),
    };
    // The numbers: where each word's posts start, then the places.
    let sound_starts = word_starts.first() == Some(&0)
        && word_starts.last().is_some_and(|&e| e as usize == postings.len())
        && word_starts.windows(2).all(|w| w[0] <= w[1])
        && word_starts.len() == dict.len() + 1;
    // Each entry's place: among the posts, or none; entries only by entry.
    let sound_places = (generation.is_some() || n_places == 0)
        && place_of.iter().all(|&p| p == u32::MAX || (p as usize) < n_spans);
    if !sound_starts || !sound_places {
        return None;
    }
    for h in hays.iter() {
        let (b, t, so, e) = (h.start as usize, h.title_end as usize, h.source_start as usize, h.end as usize);
        // What `Hay`'s slicing needs: in the text, on character boundaries,
        // the title before the tags before the source.
        let sound = b + e <= text.len()
            && so >= 1
            && t < so
            && so <= e
            && [b, b + t, b + so - 1, b + so, b + e].iter().all(|&i| text.is_char_boundary(i))
            && (h.meta as usize) < metas.len().max(1);
        if !sound {
            return None;
        }
    }
    let short = Short { text, hays, metas };
    let posts = u32::try_from(n_spans).ok()?;
    let short_words = match with_short_words {
        true => {
            Some(ShortWords::decode_in(&file, short_words_at, short_words_len).filter(|w| w.sound(n_spans))?)
        }
        false => None,
    };
    Some((
        saved_for,
        short,
        TextWords { dict, postings, word_starts, posts, generation, place_of },
        short_words,
    ))
}

#[cfg(test)]
mod tests;
