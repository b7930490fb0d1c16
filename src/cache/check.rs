//! The check records: a block's fixed-width part a lazy load stats.

use super::CacheError;
use super::meta::Meta;
use crate::problem::Parsed;

/// An entry as a lazy load first needs it, from its block's check part:
/// its file as the cache saw it, where the entry starts in the block's
/// light part, and what a stand-in needs of the post when that is all its
/// date and draft flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check<'m> {
    pub at: u32,
    pub rel: &'m str,
    pub size: u64,
    pub mtime_ns: i64,
    pub ino: u64,
    pub crc: Option<u32>,
    /// The post's date and draft flag, when it parsed with no warning, no
    /// Hugo keys and no event; `None` else (its entry is then skimmed).
    pub stand_in: Option<(Option<chrono::DateTime<chrono::FixedOffset>>, bool)>,
}

impl Check<'_> {
    /// Its stat and CRC as a [`Meta`] without the path (nothing allocated).
    pub fn stat(&self) -> Meta {
        Meta { rel: String::new(), size: self.size, mtime_ns: self.mtime_ns, ino: self.ino, crc: self.crc }
    }
}

// A check record's flags.
pub(super) const HAS_CRC: u8 = 1;
pub(super) const STAND_IN: u8 = 2;
pub(super) const DRAFT: u8 = 4;
pub(super) const HAS_DATE: u8 = 8;

/// A check record's fixed fields: at, size, mtime, inode, CRC, flags,
/// date (seconds, nanoseconds, offset), the path's length; the path follows.
pub(super) const CHECK_FIXED: usize = 4 + 8 + 8 + 8 + 4 + 1 + 8 + 4 + 4 + 4;

/// Adds the check record of an entry starting at `at` of the light part.
pub(super) fn encode_check(out: &mut Vec<u8>, at: u32, meta: &Meta, parsed: &Parsed) {
    let stand_in = match parsed {
        Ok((post, warnings)) if warnings.is_empty() && post.hugo.is_none() && post.event.is_none() => {
            Some((post.date, post.draft))
        }
        _ => None,
    };
    let date = stand_in.and_then(|(d, _)| d).map(|d| crate::post::compact_date::parts(&d));
    let flags = if meta.crc.is_some() { HAS_CRC } else { 0 }
        | if stand_in.is_some() { STAND_IN } else { 0 }
        | if stand_in.is_some_and(|(_, draft)| draft) { DRAFT } else { 0 }
        | if date.is_some() { HAS_DATE } else { 0 };
    let (secs, nanos, off) = date.unwrap_or_default();
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&meta.size.to_le_bytes());
    out.extend_from_slice(&meta.mtime_ns.to_le_bytes());
    out.extend_from_slice(&meta.ino.to_le_bytes());
    out.extend_from_slice(&meta.crc.unwrap_or(0).to_le_bytes());
    out.push(flags);
    out.extend_from_slice(&secs.to_le_bytes());
    out.extend_from_slice(&nanos.to_le_bytes());
    out.extend_from_slice(&off.to_le_bytes());
    out.extend_from_slice(&(meta.rel.len() as u32).to_le_bytes());
    out.extend_from_slice(meta.rel.as_bytes());
}

/// The `count` check records of a check part, into `out`; a part that does
/// not hold exactly that many is damaged.
pub(super) fn decode_checks<'m>(
    mut bytes: &'m [u8],
    count: usize,
    out: &mut Vec<Check<'m>>,
) -> Result<(), CacheError> {
    fn take<const N: usize>(bytes: &mut &[u8]) -> Option<[u8; N]> {
        let (head, rest) = bytes.split_first_chunk::<N>()?;
        *bytes = rest;
        Some(*head)
    }
    let damaged = || CacheError::Damaged("a block's check part");
    out.reserve(count);
    for _ in 0..count {
        if bytes.len() < CHECK_FIXED {
            return Err(damaged());
        }
        let mut next = || -> Option<Check<'m>> {
            let at = u32::from_le_bytes(take(&mut bytes)?);
            let size = u64::from_le_bytes(take(&mut bytes)?);
            let mtime_ns = i64::from_le_bytes(take(&mut bytes)?);
            let ino = u64::from_le_bytes(take(&mut bytes)?);
            let crc = u32::from_le_bytes(take(&mut bytes)?);
            let [flags] = take::<1>(&mut bytes)?;
            let secs = i64::from_le_bytes(take(&mut bytes)?);
            let nanos = u32::from_le_bytes(take(&mut bytes)?);
            let off = i32::from_le_bytes(take(&mut bytes)?);
            let len = u32::from_le_bytes(take(&mut bytes)?) as usize;
            let (rel, rest) = (bytes.get(..len)?, bytes.get(len..)?);
            bytes = rest;
            let date = if flags & HAS_DATE != 0 {
                Some(crate::post::compact_date::from_parts((secs, nanos, off))?)
            } else {
                None
            };
            Some(Check {
                at,
                rel: std::str::from_utf8(rel).ok()?,
                size,
                mtime_ns,
                ino,
                crc: (flags & HAS_CRC != 0).then_some(crc),
                stand_in: (flags & STAND_IN != 0).then_some((date, flags & DRAFT != 0)),
            })
        };
        out.push(next().ok_or_else(damaged)?);
    }
    if bytes.is_empty() { Ok(()) } else { Err(damaged()) }
}
