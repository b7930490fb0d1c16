//! Reading a cache: the footer checked, then blocks and their parts.

use super::CacheError;
use super::check::Check;
use super::entry::put_back;
use super::frame::{BLOCK, FORMAT, Footer, MAGIC, TAIL, read_at};
use super::meta::{Meta, MetaRef, mtime_ns};
use crate::problem::Parsed;
use std::fs::{self, File};
use std::io;
use std::path::Path;

/// An open cache file, checked as far as its footer.
pub struct Reader {
    pub(super) file: File,
    pub(super) footer: Footer,
    /// The cache file's own modification time: files modified within a
    /// second of it are racy.
    pub written_ns: i64,
    /// Where the blocks end and the footer begins.
    pub(super) body_end: u64,
    /// The file's length when it was opened: an append goes after it.
    pub(super) len: u64,
}

impl Reader {
    /// Opens the cache at `path` written for `root`; why not, when it cannot
    /// be used (`Ok(None)`: there is none).
    pub fn open(path: &Path, root: &str) -> Result<Option<Reader>, CacheError> {
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(CacheError::Unreadable(e.to_string())),
        };
        let why = match Reader::open_file(file, root) {
            Ok(reader) => return Ok(Some(reader)),
            Err(why) => why,
        };
        // Opened while another process was appending to it (it holds the
        // file's lock for the few milliseconds that takes): its tail is not
        // a cache's yet. Read again once the append is done.
        let Ok(again) = File::open(path) else { return Err(why) };
        if !matches!(again.try_lock_shared(), Err(std::fs::TryLockError::WouldBlock)) {
            return Err(why);
        }
        again.lock_shared().map_err(|e| CacheError::Unreadable(e.to_string()))?;
        let reader = Reader::open_file(again, root)?;
        // Not held: it would turn the next append into a rewrite.
        let _ = reader.file.unlock();
        Ok(Some(reader))
    }

    /// [`Reader::open`] of an open file.
    fn open_file(file: File, root: &str) -> Result<Reader, CacheError> {
        let meta = file.metadata().map_err(|e| CacheError::Unreadable(e.to_string()))?;
        let len = meta.len();
        if len < (MAGIC.len() + TAIL) as u64 {
            return Err(CacheError::Truncated);
        }
        let mut tail = [0u8; TAIL];
        read_at(&file, &mut tail, len - TAIL as u64).map_err(|e| CacheError::Unreadable(e.to_string()))?;
        let mut head = [0u8; 8];
        read_at(&file, &mut head, 0).map_err(|e| CacheError::Unreadable(e.to_string()))?;
        if &tail[8..] != MAGIC || &head != MAGIC {
            return Err(CacheError::NotACache);
        }
        let footer_len = u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]) as u64;
        let footer_crc = u32::from_le_bytes([tail[4], tail[5], tail[6], tail[7]]);
        // Bounded by the file before anything is allocated for it.
        if footer_len + (MAGIC.len() + TAIL) as u64 > len {
            return Err(CacheError::Truncated);
        }
        let body_end = len - TAIL as u64 - footer_len;
        let mut fb = vec![0u8; footer_len as usize];
        read_at(&file, &mut fb, body_end).map_err(|e| CacheError::Unreadable(e.to_string()))?;
        if crc32fast::hash(&fb) != footer_crc {
            return Err(CacheError::Damaged("the footer's checksum"));
        }
        // The format and version come first, and are checked before the rest
        // is decoded: another version's footer may not decode at all.
        let (format, version): (u32, String) =
            postcard::take_from_bytes(&fb).map(|(v, _)| v).map_err(|_| CacheError::Damaged("footer"))?;
        if format != FORMAT || version != env!("CARGO_PKG_VERSION") {
            // The version is the file's bytes: shown escaped and short.
            let version =
                crate::text::sanitize::truncate_chars(&crate::text::sanitize::one_line(&version), 40);
            return Err(CacheError::OtherVersion { version, format });
        }
        let footer: Footer = postcard::from_bytes(&fb).map_err(|_| CacheError::Damaged("footer"))?;
        if footer.root != root {
            return Err(CacheError::OtherFolder);
        }
        if footer.blocks.iter().any(|b| b.end().is_none_or(|end| end > body_end)) {
            return Err(CacheError::Truncated);
        }
        // Every entry takes a few bytes of a block, a block holds at most
        // BLOCK, and entry numbers run on from block to block.
        let room: u64 = footer.blocks.iter().map(|b| b.light as u64).sum();
        let mut next = 0u64;
        for b in &footer.blocks {
            if b.first as u64 != next || b.count as usize > BLOCK {
                return Err(CacheError::Damaged("the footer's counts"));
            }
            next += b.count as u64;
        }
        if footer.entries > room || footer.entries != next {
            return Err(CacheError::Damaged("the footer's counts"));
        }
        Ok(Reader { file, footer, written_ns: mtime_ns(&meta), body_end, len })
    }

    /// How many entries it holds.
    pub fn entries(&self) -> usize {
        self.footer.entries as usize
    }

    pub fn blocks(&self) -> usize {
        self.footer.blocks.len()
    }

    /// Where entry `entry` is: its block and its place in it (the inverse
    /// of [`Reader::entry_id`]); `None` for an entry there is not.
    pub fn locate(&self, entry: u32) -> Option<(usize, usize)> {
        let blocks = &self.footer.blocks;
        let b = blocks.partition_point(|x| x.first <= entry).checked_sub(1)?;
        let k = (entry - blocks[b].first) as usize;
        (k < blocks[b].count as usize).then_some((b, k))
    }

    /// The entry number of block `b`'s `k`th entry ([`super::Arranged::order`],
    /// `Post::entry`).
    pub fn entry_id(&self, b: usize, k: usize) -> u32 {
        self.footer.blocks.get(b).map_or(u32::MAX, |x| x.first + k as u32)
    }

    /// How many entries block `b` holds.
    pub fn block_len(&self, b: usize) -> usize {
        self.footer.blocks.get(b).map_or(0, |x| x.count as usize)
    }

    /// What names this writing of the cache (new at every write).
    pub fn generation(&self) -> u64 {
        self.footer.generation
    }

    /// The folders recorded with the cache.
    pub fn folders(&self) -> &[(String, i64)] {
        &self.footer.dirs
    }

    /// Whether every folder below `root` that was read is still there with
    /// the same modification time (then no file was added, removed or
    /// renamed), and none changed within a second of the cache's writing.
    pub fn folders_unchanged(&self, root: &Path) -> bool {
        let racy_from = self.written_ns.saturating_sub(1_000_000_000);
        !self.footer.dirs.is_empty()
            && self.footer.dirs.iter().all(|(rel, t)| {
                *t < racy_from
                    && fs::metadata(if rel.is_empty() { root.to_path_buf() } else { root.join(rel) })
                        .is_ok_and(|m| m.is_dir() && mtime_ns(&m) == *t)
            })
    }

    /// Decodes block `i` (checking its CRCs) into `buf`'s entries, with
    /// each post's tldr and summary when `text` (else they are left out).
    pub fn block(&self, i: usize, buf: &mut Vec<u8>, text: bool) -> Result<Vec<(Meta, Parsed)>, CacheError> {
        let light = self.read_block(i, buf, text)?;
        let mut entries: Vec<(Meta, Parsed)> =
            postcard::from_bytes(&buf[..light]).map_err(|_| CacheError::Damaged("a block"))?;
        if text {
            put_back(&mut entries, &buf[light..])?;
        }
        Ok(entries)
    }

    /// As [`Reader::block`], the paths borrowed from `buf`.
    pub fn block_ref<'b>(
        &self,
        i: usize,
        buf: &'b mut Vec<u8>,
        text: bool,
    ) -> Result<Vec<(MetaRef<'b>, Parsed)>, CacheError> {
        let light = self.read_block(i, buf, text)?;
        let (head, tail) = buf.split_at(light);
        let mut entries: Vec<(MetaRef<'b>, Parsed)> =
            postcard::from_bytes(head).map_err(|_| CacheError::Damaged("a block"))?;
        if text {
            put_back(&mut entries, tail)?;
        }
        Ok(entries)
    }

    /// The file mapped read-only, as long as it was when opened: a
    /// one-shot `list` reads the blocks it needs from the page cache, no
    /// copy made and none kept. `None` where it cannot be mapped.
    pub fn map(&self) -> Option<memmap2::Mmap> {
        // SAFETY: the bytes mapped are never written while a cache is in
        // use: a cache is written anew under another name and renamed over
        // the old one; an append writes after the length it found (this
        // mapping ends at or before it) and, failing, cuts the file back to
        // that length, never shorter. Only another program writing into
        // or cutting the file could change them; the reader, which lives
        // for hours, does not map it.
        unsafe { memmap2::MmapOptions::new().len(usize::try_from(self.len).ok()?).map(&self.file).ok() }
    }

    /// Block `i`'s check part in the cache mapped (`map`, [`Reader::map`]),
    /// its CRC checked: each entry's [`Check`], in order, into `out`
    /// (emptied first).
    pub fn checks_mapped<'m>(
        &self,
        map: &'m [u8],
        i: usize,
        out: &mut Vec<Check<'m>>,
    ) -> Result<(), CacheError> {
        let b = *self.footer.blocks.get(i).ok_or(CacheError::NoSuchBlock)?;
        let start =
            b.check_at().and_then(|at| usize::try_from(at).ok()).ok_or(CacheError::Damaged("the footer"))?;
        let part = map.get(start..start + b.check as usize).ok_or(CacheError::Truncated)?;
        b.checks_in(part, out)
    }

    /// Block `i`'s check part read into `buf` (its CRC checked): each
    /// entry's [`Check`], in order (a reader that does not map the file).
    pub fn checks<'b>(&self, i: usize, buf: &'b mut Vec<u8>) -> Result<Vec<Check<'b>>, CacheError> {
        let b = *self.footer.blocks.get(i).ok_or(CacheError::NoSuchBlock)?;
        let at = b.check_at().ok_or(CacheError::Damaged("the footer"))?;
        buf.clear();
        buf.resize(b.check as usize, 0);
        read_at(&self.file, buf, at).map_err(|e| CacheError::Unreadable(e.to_string()))?;
        let mut out = Vec::new();
        b.checks_in(buf, &mut out)?;
        Ok(out)
    }

    /// Where block `i`'s light part lies in the cache mapped, unchecked:
    /// [`Reader::light_holds`] checks it.
    pub fn light_range(&self, i: usize) -> Option<std::ops::Range<usize>> {
        let b = self.footer.blocks.get(i)?;
        let start = usize::try_from(b.offset).ok()?;
        Some(start..start.checked_add(b.light as usize)?)
    }

    /// Whether block `i`'s light part in the cache mapped is as written
    /// (its CRC): [`super::whole_at`], [`super::skim_at`] and [`super::row_at`] read it.
    pub fn light_holds(&self, map: &[u8], i: usize) -> bool {
        let (Some(b), Some(range)) = (self.footer.blocks.get(i), self.light_range(i)) else { return false };
        map.get(range).is_some_and(|light| crc32fast::hash(light) == b.light_crc)
    }

    /// Block `i`'s tldr and summary of each entry (its text part only).
    pub fn block_text(&self, i: usize, buf: &mut Vec<u8>) -> Result<Vec<(String, String)>, CacheError> {
        let b = *self.footer.blocks.get(i).ok_or(CacheError::NoSuchBlock)?;
        buf.clear();
        buf.resize(b.text as usize, 0);
        let at = b.offset.checked_add(b.light as u64).ok_or(CacheError::Damaged("the footer"))?;
        read_at(&self.file, buf, at).map_err(|e| CacheError::Unreadable(e.to_string()))?;
        if crc32fast::hash(buf) != b.text_crc {
            return Err(CacheError::Damaged("a block's checksum"));
        }
        postcard::from_bytes(buf).map_err(|_| CacheError::Damaged("a block"))
    }

    /// Block `i` whole, its three parts' CRCs checked, into `buf` (a
    /// block copied as it is).
    pub(super) fn read_all(&self, i: usize, buf: &mut Vec<u8>) -> Result<(), CacheError> {
        let b = *self.footer.blocks.get(i).ok_or(CacheError::NoSuchBlock)?;
        self.read_block(i, buf, true)?;
        let at = b.check_at().ok_or(CacheError::Damaged("the footer"))?;
        let text_end = buf.len();
        buf.resize(text_end + b.check as usize, 0);
        read_at(&self.file, &mut buf[text_end..], at).map_err(|e| CacheError::Unreadable(e.to_string()))?;
        if crc32fast::hash(&buf[text_end..]) != b.check_crc {
            return Err(CacheError::Damaged("a block's checksum"));
        }
        Ok(())
    }

    /// Reads block `i`'s light part (and its text part after it when
    /// `text`) into `buf`, checking their CRCs; the light part's length.
    fn read_block(&self, i: usize, buf: &mut Vec<u8>, text: bool) -> Result<usize, CacheError> {
        let b = *self.footer.blocks.get(i).ok_or(CacheError::NoSuchBlock)?;
        let light = b.light as usize;
        buf.clear();
        buf.resize(light + if text { b.text as usize } else { 0 }, 0);
        read_at(&self.file, buf, b.offset).map_err(|e| CacheError::Unreadable(e.to_string()))?;
        if crc32fast::hash(&buf[..light]) != b.light_crc
            || (text && crc32fast::hash(&buf[light..]) != b.text_crc)
        {
            return Err(CacheError::Damaged("a block's checksum"));
        }
        Ok(light)
    }
}
