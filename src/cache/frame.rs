//! The file's framing: the magic, blocks of entries, the footer that names
//! them and the tail that finds the footer ([`docs/CACHE.md`]).

use super::CacheError;
use super::check::{Check, decode_checks};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{self, Write};

/// Bump when the loader's rules or the post's fields change.
pub const FORMAT: u32 = 10;

pub(super) const MAGIC: &[u8; 8] = b"LINKFEED";

/// Entries per block.
pub(super) const BLOCK: usize = 512;

/// The tail: the footer's length and CRC-32 (u32 little-endian each), the magic.
pub(super) const TAIL: usize = 16;

/// Where a block is, its parts' checksums, and which entries it holds
/// (`first` .. `first + count`: entry numbers run on from block to block).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(super) struct Block {
    pub(super) offset: u64,
    pub(super) light: u32,
    pub(super) light_crc: u32,
    pub(super) text: u32,
    pub(super) text_crc: u32,
    pub(super) first: u32,
    pub(super) count: u32,
    pub(super) check: u32,
    pub(super) check_crc: u32,
}

impl Block {
    /// Its three parts' bytes.
    pub(super) fn len(&self) -> u64 {
        self.light as u64 + self.text as u64 + self.check as u64
    }

    pub(super) fn end(&self) -> Option<u64> {
        self.offset.checked_add(self.len())
    }

    /// Where its check part starts in the file (after its light and text
    /// parts).
    pub(super) fn check_at(&self) -> Option<u64> {
        self.offset.checked_add(self.light as u64 + self.text as u64)
    }

    /// Its check part's records, `part` being that part as read: its CRC
    /// checked, the records into `out` (emptied first).
    pub(super) fn checks_in<'m>(&self, part: &'m [u8], out: &mut Vec<Check<'m>>) -> Result<(), CacheError> {
        if crc32fast::hash(part) != self.check_crc {
            return Err(CacheError::Damaged("a block's checksum"));
        }
        out.clear();
        decode_checks(part, self.count as usize, out)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Footer {
    pub(super) format: u32,
    pub(super) version: String,
    pub(super) root: String,
    pub(super) entries: u64,
    /// New at every write (the time and process it was written in, hashed).
    pub(super) generation: u64,
    /// Each block: its offset, its light part's length and CRC-32, then its
    /// text part's (which follows the light part), its entries, then its
    /// check part's (after the text part).
    pub(super) blocks: Vec<Block>,
    /// Every folder the walk read (relative, "" for the root) and its
    /// modification time; empty when the walk met a problem.
    pub(super) dirs: Vec<(String, i64)>,
}

#[cfg(unix)]
pub(super) fn read_at(f: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    f.read_exact_at(buf, offset)
}
#[cfg(not(unix))]
pub(super) fn read_at(f: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = f.try_clone()?;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
}

pub(super) fn new_footer(
    root: &str,
    entries: u32,
    generation: u64,
    blocks: Vec<Block>,
    dirs: &[(String, i64)],
) -> Footer {
    Footer {
        format: FORMAT,
        version: env!("CARGO_PKG_VERSION").to_string(),
        root: root.to_string(),
        entries: entries as u64,
        generation,
        blocks,
        dirs: dirs.to_vec(),
    }
}

/// Writes `footer` and the tail after the blocks in `f`, and syncs the file.
pub(super) fn write_footer(mut f: io::BufWriter<&mut File>, footer: &Footer) -> io::Result<()> {
    let fb = postcard::to_stdvec(footer).map_err(io::Error::other)?;
    f.write_all(&fb)?;
    f.write_all(&(fb.len() as u32).to_le_bytes())?;
    f.write_all(&crc32fast::hash(&fb).to_le_bytes())?;
    f.write_all(MAGIC)?;
    f.into_inner().map_err(|e| e.into_error())?.sync_all()
}
