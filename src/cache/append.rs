//! Appending a writing to the file of the one before, and how it numbers
//! the old entries ([`Renumbering`]).

use super::entry::encode_block;
use super::frame::{Block, Footer, MAGIC, new_footer, write_footer};
use super::meta::{Meta, inode};
use super::read::Reader;
use super::write::{BlockWriter, new_generation, write_blocks};
use crate::problem::Parsed;
use std::fs;
use std::io;
use std::path::Path;

/// How much of the file a writing appended to it may leave unused (old
/// footers, blocks written again without their changed entries), against
/// what it uses: past a quarter, the cache is written anew instead.
pub(super) const WASTE: u64 = 4;

/// Whether a writing may be appended to the file of `old` when it keeps
/// `in_use` bytes of its blocks ([`WASTE`]).
pub(super) fn room_to_append(old: &Reader, in_use: u64) -> bool {
    old.len.saturating_sub(MAGIC.len() as u64).saturating_sub(in_use) <= in_use / WASTE
}

/// Appends to the file of `old` at `path` what `fill` gives (blocks, then
/// the footer naming them, `old`'s own blocks among them): the blocks the
/// file has stay where they are, so an old writing's readers (which know
/// only the blocks of its footer) still read what they knew, and a crash
/// mid-way leaves a file whose tail is not a cache's (ignored and rebuilt,
/// as a damaged one). `Ok(None)` (nothing written) when the file is not
/// `old`'s any more (another writer replaced or appended to it) or another
/// process is appending to it. With a `generation`, the footer keeps it
/// (the same entries), else it names a new writing.
pub(super) fn append_blocks(
    path: &Path,
    old: &Reader,
    dirs: &[(String, i64)],
    generation: Option<u64>,
    fill: impl FnOnce(&mut BlockWriter) -> io::Result<()>,
) -> io::Result<Option<u64>> {
    let Ok(mut file) = fs::OpenOptions::new().write(true).open(path) else { return Ok(None) };
    // Held until the file is closed: another process's append waits for
    // nothing, it writes the cache anew instead.
    if file.try_lock().is_err() {
        return Ok(None);
    }
    let (now, was) = (file.metadata()?, old.file.metadata()?);
    if now.len() != old.len || inode(&now) != inode(&was) {
        return Ok(None);
    }
    let generation = generation.unwrap_or_else(new_generation);
    let written = (|| {
        io::Seek::seek(&mut file, io::SeekFrom::Start(old.len))?;
        let mut w = BlockWriter {
            f: io::BufWriter::new(&mut file),
            offset: old.len,
            index: Vec::new(),
            entries: 0,
            in_place: true,
        };
        fill(&mut w)?;
        let BlockWriter { f, index, entries, .. } = w;
        write_footer(f, &new_footer(&old.footer.root, entries, generation, index, dirs))
    })();
    match written {
        Ok(()) => Ok(Some(generation)),
        Err(e) => {
            // What was appended taken back: the old writing stands.
            if file.set_len(old.len).is_err() {
                let _ = fs::remove_file(path);
            }
            Err(e)
        }
    }
}

/// The cache `old` (at `path`) written again with `dirs` as its folders
/// and nothing else changed: a footer appended that says so (else, when
/// the file has too much it does not use, the blocks copied as they are,
/// in the kernel where it can), the same entries and generation, so the
/// search index and the saved order still fit. For a walk that found every file as the
/// cache holds them but folders the cache could not trust (changed within
/// a second of its writing, as when a sync wrote posts and loaded them at
/// once): without this, every later load would walk the folder again.
pub fn refresh_folders(path: &Path, old: &Reader, dirs: &[(String, i64)]) -> io::Result<()> {
    // A second footer appended: the blocks are not written again.
    if room_to_append(old, old.footer.blocks.iter().map(Block::len).sum()) {
        let keep_all = |w: &mut BlockWriter| {
            let mut buf = Vec::new();
            (0..old.blocks()).try_for_each(|b| w.keep(old, b, &mut buf))
        };
        if let Ok(Some(_)) = append_blocks(path, old, dirs, Some(old.generation()), keep_all) {
            return Ok(());
        }
    }
    crate::store::paths::replace_cache_file(path, |file| {
        let mut from = old.file.try_clone()?;
        io::Seek::seek(&mut from, io::SeekFrom::Start(0))?;
        let copied = io::copy(&mut io::Read::take(&mut from, old.body_end), file)?;
        if copied != old.body_end {
            return Err(io::Error::other("the cache ended early"));
        }
        write_footer(io::BufWriter::new(file), &Footer { dirs: dirs.to_vec(), ..old.footer.clone() })
    })
}

/// How a writing of the cache numbers the entries of the writing before
/// it: what the search index needs to follow a few changed posts without
/// reading every post's text again (`TextWords::renumbered`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renumbering {
    /// The writing before.
    pub from: u64,
    /// This writing.
    pub generation: u64,
    /// Each old entry's number now (`u32::MAX`: gone), in the old order.
    pub renumbered: Vec<u32>,
    /// The entries from this one on are new.
    pub fresh_from: u32,
    /// How many entries this writing has.
    pub entries: u32,
}

/// Writes the cache again from `old` without holding it in memory: a block
/// whose entries all still hold (`holds`, by old entry number) is kept as it
/// is, bytes and checksums; one with entries that do not is decoded whole,
/// on its own, and written without them; then `fresh`'s entries. When what
/// the file would then hold unused stays within a quarter of what it uses
/// (`WASTE`), the new blocks and footer are appended to the file and the
/// kept blocks stay where they are (a post changed in a feed of 100,000
/// writes one block, not 170 MB); else the cache is written anew, kept
/// blocks copied. How the new writing numbers the old one's entries.
pub fn rewrite(
    path: &Path,
    root: &str,
    dirs: &[(String, i64)],
    old: &Reader,
    holds: &[bool],
    fresh: &[(&Meta, &Parsed)],
) -> io::Result<Renumbering> {
    if holds.len() != old.entries() {
        return Err(io::Error::other("damaged (the footer's counts)"));
    }
    let kept_whole = |b: &Block| holds[b.first as usize..(b.first + b.count) as usize].iter().all(|k| *k);
    let in_use: u64 = old.footer.blocks.iter().filter(|b| kept_whole(b)).map(Block::len).sum();
    let mut renumbered = vec![u32::MAX; old.entries()];
    let mut fresh_from = 0;
    let mut fill = |w: &mut BlockWriter| -> io::Result<()> {
        let mut buf = Vec::new();
        for (b, block) in old.footer.blocks.iter().enumerate() {
            let ids = block.first as usize..(block.first + block.count) as usize;
            let keep =
                holds.get(ids.clone()).ok_or_else(|| io::Error::other("damaged (the footer's counts)"))?;
            if keep.iter().all(|k| *k) {
                for (k, id) in ids.enumerate() {
                    renumbered[id] = w.entries + k as u32;
                }
                w.keep(old, b, &mut buf)?;
            } else if keep.iter().any(|k| *k) {
                let entries = old.block(b, &mut buf, true).map_err(io::Error::other)?;
                let kept: Vec<(&Meta, &Parsed)> =
                    entries.iter().zip(keep).filter(|(_, k)| **k).map(|((m, p), _)| (m, p)).collect();
                for (next, (id, _)) in (w.entries..).zip(ids.zip(keep).filter(|(_, k)| **k)) {
                    renumbered[id] = next;
                }
                w.push(&encode_block(&kept).map_err(io::Error::other)?)?;
            }
        }
        fresh_from = w.entries;
        w.push_entries(fresh)
    };
    let appended = if room_to_append(old, in_use) && root == old.footer.root {
        append_blocks(path, old, dirs, None, &mut fill).ok().flatten()
    } else {
        None
    };
    let generation = match appended {
        Some(g) => g,
        // Numbered as an append numbers them: a failed one's numbers
        // are written over with the same.
        None => write_blocks(path, root, dirs, &mut fill)?,
    };
    let entries = fresh_from + fresh.len() as u32;
    Ok(Renumbering { from: old.generation(), generation, renumbered, fresh_from, entries })
}
