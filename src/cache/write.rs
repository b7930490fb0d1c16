//! Writing a cache anew: blocks encoded on every core, then the footer.

use super::entry::{Encoded, encode};
use super::frame::{BLOCK, Block, MAGIC, new_footer, write_footer};
use super::meta::Meta;
use super::paths::fnv;
use super::read::Reader;
use crate::problem::Parsed;
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// Writes the cache for `root` at `path` from `entries`, encoding a few
/// blocks at a time on every core (so the encoded cache is never in memory
/// whole); the new generation.
pub fn write_all(
    path: &Path,
    root: &str,
    dirs: &[(String, i64)],
    entries: &[(&Meta, &Parsed)],
) -> io::Result<u64> {
    write_blocks(path, root, dirs, |w| w.push_entries(entries))
}

/// Writes a cache of entries that come a group at a time: `fill` is given
/// a function that adds a group (its entries' first number back), so the
/// caller can make each group, write it and let go of what it need not
/// keep before making the next (the first load of a large feed, which
/// need not hold every post's text at once). The new generation.
pub fn write_streamed(
    path: &Path,
    root: &str,
    dirs: &[(String, i64)],
    fill: impl FnOnce(&mut dyn FnMut(&[(&Meta, &Parsed)]) -> io::Result<u32>) -> io::Result<()>,
) -> io::Result<u64> {
    write_blocks(path, root, dirs, |w| {
        let mut push = |entries: &[(&Meta, &Parsed)]| -> io::Result<u32> {
            let first = w.entries;
            w.push_entries(entries)?;
            Ok(first)
        };
        fill(&mut push)
    })
}

/// A number new at every write: the time and the process, hashed.
pub(super) fn new_generation() -> u64 {
    let t =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let mut bytes = t.to_le_bytes().to_vec();
    bytes.extend_from_slice(&std::process::id().to_le_bytes());
    fnv(&bytes)
}

/// Where blocks go as a cache is written: each is given its entries'
/// numbers (running on) and its place in the footer.
pub(super) struct BlockWriter<'a> {
    pub(super) f: io::BufWriter<&'a mut File>,
    pub(super) offset: u64,
    pub(super) index: Vec<Block>,
    pub(super) entries: u32,
    /// Blocks are appended to the file the old writing is in: a block kept
    /// whole stays where it is ([`BlockWriter::keep`]).
    pub(super) in_place: bool,
}

impl BlockWriter<'_> {
    /// Adds an encoded block.
    pub(super) fn push(&mut self, e: &Encoded) -> io::Result<()> {
        let too_large = || io::Error::other("a block too large");
        let (l, rest) = e.bytes.split_at_checked(e.light).ok_or_else(too_large)?;
        let (t, c) = rest.split_at_checked(e.text).ok_or_else(too_large)?;
        let len = |part: &[u8]| u32::try_from(part.len()).map_err(|_| too_large());
        let block = Block {
            offset: self.offset,
            light: len(l)?,
            light_crc: crc32fast::hash(l),
            text: len(t)?,
            text_crc: crc32fast::hash(t),
            first: self.entries,
            count: u32::try_from(e.count).map_err(|_| too_large())?,
            check: len(c)?,
            check_crc: crc32fast::hash(c),
        };
        self.push_checked(&e.bytes, block)
    }

    /// Adds `entries` as blocks, encoded a few groups of blocks at a time on
    /// every core (so the encoded cache is never in memory whole).
    pub(super) fn push_entries(&mut self, entries: &[(&Meta, &Parsed)]) -> io::Result<()> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        for group in entries.chunks(BLOCK * threads * 4) {
            for encoded in encode(group).map_err(io::Error::other)? {
                self.push(&encoded)?;
            }
        }
        Ok(())
    }

    /// Keeps block `b` of `old` whole: named where it is when appending to
    /// its file, else copied, both parts, their checksums checked.
    pub(super) fn keep(&mut self, old: &Reader, b: usize, buf: &mut Vec<u8>) -> io::Result<()> {
        let block = *old.footer.blocks.get(b).ok_or_else(|| io::Error::other("no such block"))?;
        if self.in_place {
            self.index.push(Block { first: self.entries, ..block });
            self.entries += block.count;
            return Ok(());
        }
        old.read_all(b, buf).map_err(io::Error::other)?;
        self.push_checked(buf, block)
    }

    /// Adds a block copied from another cache as it was (its checksums hold).
    pub(super) fn push_checked(&mut self, bytes: &[u8], block: Block) -> io::Result<()> {
        self.f.write_all(bytes)?;
        self.index.push(Block { offset: self.offset, first: self.entries, ..block });
        self.offset += bytes.len() as u64;
        self.entries += block.count;
        Ok(())
    }
}

/// Writes a cache whose blocks `fill` gives, then its footer; the new
/// generation.
pub(super) fn write_blocks(
    path: &Path,
    root: &str,
    dirs: &[(String, i64)],
    fill: impl FnOnce(&mut BlockWriter) -> io::Result<()>,
) -> io::Result<u64> {
    let generation = new_generation();
    crate::store::paths::replace_cache_file(path, |file| {
        let mut w = BlockWriter {
            f: io::BufWriter::new(file),
            offset: 0,
            index: Vec::new(),
            entries: 0,
            in_place: false,
        };
        w.f.write_all(MAGIC)?;
        w.offset = MAGIC.len() as u64;
        fill(&mut w)?;
        let BlockWriter { f, index, entries, .. } = w;
        write_footer(f, &new_footer(root, entries, generation, index, dirs))
    })?;
    Ok(generation)
}
