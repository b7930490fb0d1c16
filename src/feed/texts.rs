//! The posts' tldr and summary read back from the cache, for posts that
//! came from it without them.

use super::entries::each_block;
use crate::cache::{self, CacheError};
use std::path::Path;

/// The tldr and summary of each of `entries` from the parse cache of `dir`,
/// when it is still the writing `generation` (the posts in hand came from
/// it without them): only the text parts of the blocks that hold them are
/// read. The reader's detail pane asks for the post it shows.
pub fn texts_of(
    dir: &Path,
    cache_path: &Path,
    generation: u64,
    entries: &[u32],
) -> Result<Vec<(u32, String, String)>, CacheError> {
    let reader = cache::Reader::open(cache_path, &cache::root_key(dir))?.ok_or(CacheError::Gone)?;
    if reader.generation() != generation {
        return Err(CacheError::WrittenAgain);
    }
    let mut out = Vec::with_capacity(entries.len());
    // The block whose text part is in hand, and that text.
    let (mut buf, mut held, mut texts) = (Vec::new(), None, Vec::new());
    for &e in entries {
        let (b, k) = reader.locate(e).ok_or(CacheError::NoSuchEntry)?;
        if held != Some(b) {
            texts = reader.block_text(b, &mut buf)?;
            held = Some(b);
        }
        let (tldr, summary) = texts.get_mut(k).ok_or(CacheError::NoSuchEntry)?;
        out.push((e, std::mem::take(tldr), std::mem::take(summary)));
    }
    Ok(out)
}

/// Every entry's tldr and summary (by entry number) from the parse cache of
/// `dir`, when it is still the writing `generation` (the posts in hand came
/// from it without them: [`super::LoadOptions::FirstScreen`]); read a block's
/// text part at a time, on every core.
pub fn long_text_of(dir: &Path, cache_path: &Path, generation: u64) -> Option<Vec<(String, String)>> {
    let reader = cache::Reader::open(cache_path, &cache::root_key(dir)).ok()??;
    if reader.generation() != generation {
        return None;
    }
    let parts = each_block(&reader, Vec::new, |out, b, buf| {
        out.push((b, reader.block_text(b, buf)?));
        Ok(())
    })
    .ok()?;
    let mut blocks: Vec<(usize, Vec<(String, String)>)> = parts.into_iter().flatten().collect();
    blocks.sort_by_key(|(b, _)| *b);
    let mut all = Vec::with_capacity(reader.entries());
    for (b, texts) in blocks {
        if reader.entry_id(b, 0) as usize != all.len() || texts.len() != reader.block_len(b) {
            return None;
        }
        all.extend(texts);
    }
    Some(all)
}
