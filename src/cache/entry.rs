//! The entry codec: a block's light part (posts without their long text),
//! its text part, and reading one entry in place.

use super::CacheError;
use super::check::{CHECK_FIXED, encode_check};
use super::frame::BLOCK;
use super::meta::{Meta, MetaRef};
use crate::post::Skim;
use crate::problem::Parsed;

/// An entry only gone through: the post's [`Skim`] and problems, or the
/// problem that kept the file from being a post.
pub type Skimmed = Result<(Skim, Vec<crate::problem::Problem>), crate::problem::Problem>;

/// The entry that starts at `at` of a block's light part only gone
/// through ([`Skim`]).
pub fn skim_at(bytes: &[u8], at: u32) -> Result<(MetaRef<'_>, Skimmed), CacheError> {
    let from = bytes.get(at as usize..).ok_or(CacheError::Damaged("a block"))?;
    postcard::take_from_bytes(from).map(|(e, _)| e).map_err(|_| CacheError::Damaged("a block"))
}

/// The entry that starts at `at` of a block's light part (its [`super::Check`]
/// says where), decoded whole.
pub fn whole_at(bytes: &[u8], at: u32) -> Result<(MetaRef<'_>, Parsed), CacheError> {
    let from = bytes.get(at as usize..).ok_or(CacheError::Damaged("a block"))?;
    postcard::take_from_bytes(from).map(|(e, _)| e).map_err(|_| CacheError::Damaged("a block"))
}

/// What a row of `list` shows of the entry starting at `at` in a block's
/// light part `bytes` ([`crate::post::Row`]: read in place, nothing
/// copied); `None` for a file that did not parse.
pub fn row_at(bytes: &[u8], at: u32) -> Result<Option<crate::post::Row<'_>>, CacheError> {
    type Entry<'a> = (MetaRef<'a>, Result<(crate::post::Row<'a>,), crate::problem::Problem>);
    let from = bytes.get(at as usize..).ok_or(CacheError::Damaged("a block"))?;
    let ((_, row), _): (Entry, _) =
        postcard::take_from_bytes(from).map_err(|_| CacheError::Damaged("a block"))?;
    Ok(row.ok().map(|(row,)| row))
}

/// Puts each entry's tldr and summary back from a block's text part.
pub(super) fn put_back<M>(entries: &mut [(M, Parsed)], text: &[u8]) -> Result<(), CacheError> {
    let texts: Vec<(&str, &str)> = postcard::from_bytes(text).map_err(|_| CacheError::Damaged("a block"))?;
    if texts.len() != entries.len() {
        return Err(CacheError::Damaged("a block"));
    }
    for ((_, parsed), (tldr, summary)) in entries.iter_mut().zip(texts) {
        if let Ok((post, _)) = parsed {
            post.put_back_long_text(tldr.to_string(), summary.to_string());
        }
    }
    Ok(())
}

/// An encoded block: its bytes (its three parts one after the other), its
/// light and text parts' lengths, its entries.
pub(super) struct Encoded {
    pub(super) bytes: Vec<u8>,
    pub(super) light: usize,
    pub(super) text: usize,
    pub(super) count: usize,
}

/// Encodes `entries` as blocks (on every core).
pub(super) fn encode(entries: &[(&Meta, &Parsed)]) -> Result<Vec<Encoded>, CacheError> {
    let chunks: Vec<&[(&Meta, &Parsed)]> = entries.chunks(BLOCK).collect();
    crate::par::map_chunks(&chunks, 2, |group| group.iter().map(|c| encode_block(c)).collect())
        .into_iter()
        .collect()
}

/// One block: the light part (the posts without their tldr and summary),
/// then the text part (those, entry by entry), then the check part (each
/// entry's [`Check`]). The light part is a postcard sequence encoded an
/// entry at a time, to know where each starts: the same bytes.
pub(super) fn encode_block(entries: &[(&Meta, &Parsed)]) -> Result<Encoded, CacheError> {
    let mut bytes = postcard::to_stdvec(&entries.len()).map_err(|e| CacheError::Other(e.to_string()))?;
    let mut checks = Vec::with_capacity(entries.len() * (CHECK_FIXED + 48));
    for (m, p) in entries {
        let at = u32::try_from(bytes.len()).map_err(|_| CacheError::BlockTooLarge)?;
        let light = match p {
            Ok((post, warnings)) => Ok((post.without_long_text(), warnings.clone())),
            Err(e) => Err(e.clone()),
        };
        bytes = postcard::to_extend(&(m, light), bytes).map_err(|e| CacheError::Other(e.to_string()))?;
        encode_check(&mut checks, at, m, p);
    }
    let light = bytes.len();
    let text: Vec<(&str, &str)> = entries
        .iter()
        .map(|(_, p)| match p {
            Ok((post, _)) => (post.tldr.as_str(), post.summary.as_str()),
            Err(_) => ("", ""),
        })
        .collect();
    bytes = postcard::to_extend(&text, bytes).map_err(|e| CacheError::Other(e.to_string()))?;
    let text = bytes.len() - light;
    bytes.extend_from_slice(&checks);
    Ok(Encoded { bytes, light, text, count: entries.len() })
}
