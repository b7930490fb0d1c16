//! The parse cache: what parsing a folder's files gave, kept so the next
//! start re-parses only the files that changed.
//!
//! One file per feed folder, `$XDG_CACHE_HOME/linkfeed/feeds/<hash>.bin`
//! (default `~/.cache/linkfeed/`). Layout: the magic `LINKFEED`, then blocks
//! of entries, then a footer (the format number, the program's version, the
//! folder it was written for, each block's offset, length and CRC-32), the
//! footer's length, the footer's CRC-32 and the magic again. Nothing read
//! from the file sizes an allocation before it is checked: the footer's
//! bytes against their CRC, its counts against the file's length. An entry is a file's path (relative
//! to the folder), size, modification time in nanoseconds, inode, a CRC-32 of
//! its bytes when it was modified less than two seconds before the load that
//! read it ("racy": an edit in the same second would not change its time),
//! and what parsing it gave (the post and its warnings, or the error).
//!
//! A block keeps its entries in three parts, one after the other, each
//! with its own CRC-32: the light part (each entry whole but for the post's
//! tldr and summary, `Post::left_out` saying which there were), the text
//! part (each entry's tldr and summary, in order) and the check part (each
//! entry's file, where the entry starts in the light part and, for most
//! posts, their date and draft flag: [`Check`]). A view that shows neither
//! text (`list`'s rows) reads only the light part: at 100,000 posts about a
//! sixth of the file; a lazy load that stats every file reads the check
//! part, a third of that, in fixed-width fields. The footer also holds
//! a generation, new at every write, which names the posts the cache gives:
//! the saved search index is tied to it (`search::saved`).
//!
//! Encoded with postcard: a compact, documented wire format driven by the
//! serde derives the types already have (bincode 2 would add a second set of
//! derives; rkyv's zero-copy archive does not fit `Arc<str>` and chrono
//! without wrappers, and the posts are owned values in the end anyway).
//!
//! Blocks are decoded on every core, each thread reading its own blocks with
//! positioned reads, so the whole file is never in memory at once.
//!
//! A writing that changes a few entries (a post edited, a sync's new posts)
//! is appended to the file: the blocks it changed written again without
//! the changed entries, the new entries' blocks, and a footer that names
//! them with the old blocks still in place (the last footer is the
//! cache's). The blocks a reader of the writing before knows are never
//! touched. Once what the file holds unused (old footers, blocks written
//! again) passes a quarter of what it uses, the cache is written anew.
//!
//! A cache that is missing, truncated, damaged (a block's CRC), from another
//! format or program version, or written for another folder is ignored (and
//! rebuilt), never trusted; the reason goes to `list --stats`.

use crate::feed::frontmatter::Parsed;
use crate::post::Skim;
use serde::{Deserialize, Serialize};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Why the parse cache (or a part of it) cannot be used: it is then
/// passed over and written anew. The words are what `list --stats` says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CacheError {
    /// A checksum or a count does not hold: which part.
    #[error("damaged ({0})")]
    Damaged(&'static str),
    #[error("truncated")]
    Truncated,
    #[error("truncated or not a cache")]
    NotACache,
    #[error("from another version ({version}, format {format})")]
    OtherVersion { version: String, format: u32 },
    #[error("written for another folder")]
    OtherFolder,
    #[error("no such block")]
    NoSuchBlock,
    #[error("a block too large")]
    BlockTooLarge,
    #[error("unreadable ({0})")]
    Unreadable(String),
    #[error("{0}")]
    Other(String),
}

/// The reason in words, where a caller reports it as text.
impl From<CacheError> for String {
    fn from(e: CacheError) -> String {
        e.to_string()
    }
}

/// Bump when the loader's rules or the post's fields change.
pub const FORMAT: u32 = 10;

const MAGIC: &[u8; 8] = b"LINKFEED";

/// Entries per block.
const BLOCK: usize = 512;

/// The tail: the footer's length and CRC-32 (u32 little-endian each), the magic.
const TAIL: usize = 16;

/// A file as the cache saw it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Meta {
    /// Relative to the feed folder, `/`-separated.
    pub rel: String,
    pub size: u64,
    pub mtime_ns: i64,
    pub ino: u64,
    /// CRC-32 of the bytes parsed, for racy files only.
    pub crc: Option<u32>,
}

impl Meta {
    /// A file as its metadata `m` describes it.
    pub fn of(rel: String, m: &fs::Metadata, crc: Option<u32>) -> Meta {
        Meta { rel, size: m.len(), mtime_ns: mtime_ns(m), ino: inode(m), crc }
    }

    /// Whether the file looks unchanged (the CRC is checked separately).
    pub fn same_stat(&self, other: &Meta) -> bool {
        self.size == other.size && self.mtime_ns == other.mtime_ns && self.ino == other.ino
    }
}

/// [`Meta`] as decoded where only the path is needed: the path borrowed
/// from the block, not allocated (same encoding as `Meta`).
#[derive(Debug, Deserialize)]
pub struct MetaRef<'a> {
    pub rel: &'a str,
    pub size: u64,
    pub mtime_ns: i64,
    pub ino: u64,
    pub crc: Option<u32>,
}

impl MetaRef<'_> {
    /// Its stat and CRC as a [`Meta`] without the path (nothing allocated).
    pub fn stat(&self) -> Meta {
        Meta { rel: String::new(), size: self.size, mtime_ns: self.mtime_ns, ino: self.ino, crc: self.crc }
    }
}

/// Where a block is, its parts' checksums, and which entries it holds
/// (`first` .. `first + count`: entry numbers run on from block to block).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Block {
    offset: u64,
    light: u32,
    light_crc: u32,
    text: u32,
    text_crc: u32,
    first: u32,
    count: u32,
    check: u32,
    check_crc: u32,
}

impl Block {
    /// Its three parts' bytes.
    fn len(&self) -> u64 {
        self.light as u64 + self.text as u64 + self.check as u64
    }

    fn end(&self) -> Option<u64> {
        self.offset.checked_add(self.len())
    }

    /// Where its check part starts in the file (after its light and text
    /// parts).
    fn check_at(&self) -> Option<u64> {
        self.offset.checked_add(self.light as u64 + self.text as u64)
    }

    /// Its check part's records, `part` being that part as read: its CRC
    /// checked, the records into `out` (emptied first).
    fn checks_in<'m>(&self, part: &'m [u8], out: &mut Vec<Check<'m>>) -> Result<(), CacheError> {
        if crc32fast::hash(part) != self.check_crc {
            return Err(CacheError::Damaged("a block's checksum"));
        }
        out.clear();
        decode_checks(part, self.count as usize, out)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Footer {
    format: u32,
    version: String,
    root: String,
    entries: u64,
    /// New at every write (the time and process it was written in, hashed).
    generation: u64,
    /// Each block: its offset, its light part's length and CRC-32, then its
    /// text part's (which follows the light part), its entries, then its
    /// check part's (after the text part).
    blocks: Vec<Block>,
    /// Every folder the walk read (relative, "" for the root) and its
    /// modification time; empty when the walk met a problem.
    dirs: Vec<(String, i64)>,
}

/// The cache file for the feed folder `root` (which must exist), or `None`
/// when there is no cache folder. Named by [`root_key`].
pub fn path_for(root: &Path) -> Option<PathBuf> {
    fs::metadata(root).ok()?;
    let dir = crate::store::paths::dir(crate::store::paths::Base::Cache)?.join("feeds");
    // What a write killed half-way left (of any feed's cache, order or
    // index) goes before the caches are used.
    crate::store::paths::sweep_orphans_once(&dir);
    Some(dir.join(format!("{:016x}.bin", fnv(root_key(root).as_bytes()))))
}

/// Where the feed's search index is kept, beside its cache (`search::saved`).
pub fn index_path_for(root: &Path) -> Option<PathBuf> {
    path_for(root).map(|p| p.with_extension("index"))
}

/// Where the feed's arranged order is kept, beside its cache ([`Arranged`]).
pub fn arranged_path_for(cache: &Path) -> PathBuf {
    cache.with_extension("order")
}

/// How assembling arranged the posts of one writing of the cache (its
/// generation): the entries of the posts newest first and the groups of
/// posts that share a link (positions in that order). It holds while the
/// clock stays within `from..until` (no event started or was published in
/// between: those move in the newest-first order). A feed read whole from
/// that writing is put in this order without sorting it or keying its
/// links again (at 100,000 posts about half of assembling).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arranged {
    pub generation: u64,
    pub from: i64,
    pub until: i64,
    /// Each post's entry number (`Reader::entry_id`), newest first.
    pub order: Vec<u32>,
    pub groups: Vec<Vec<u32>>,
    /// The titles of the section pages, by folder (`hugo::Sections`), and
    /// the feed's sections in order (`Feed::sections`): what a first screen
    /// of the newest posts alone needs to settle them (`feed::newest`).
    pub titles: Vec<(String, String)>,
    pub sections: Vec<(String, String)>,
}

const ARRANGED_MAGIC: &[u8; 8] = b"LFORDER2";

impl Arranged {
    /// Whether it holds at `now`.
    pub fn holds_at(&self, now: i64) -> bool {
        self.from <= now && now < self.until
    }

    /// Its groups as places among `n` posts (a place past them dropped).
    pub fn groups_among(groups: Vec<Vec<u32>>, n: usize) -> Vec<Vec<usize>> {
        groups.into_iter().map(|g| g.into_iter().map(|i| i as usize).filter(|&i| i < n).collect()).collect()
    }

    /// The arrangement saved at `path` for `generation`, when it is there,
    /// whole (its CRC-32) and of that writing.
    pub fn load(path: &Path, generation: u64) -> Option<Arranged> {
        let bytes = fs::read(path).ok()?;
        let rest = bytes.strip_prefix(ARRANGED_MAGIC)?;
        let (crc, body) = rest.split_first_chunk::<4>()?;
        if crc32fast::hash(body) != u32::from_le_bytes(*crc) {
            return None;
        }
        let a: Arranged = postcard::from_bytes(body).ok()?;
        (a.generation == generation).then_some(a)
    }

    /// Saves it at `path` (a temporary file renamed over the old one).
    pub fn save(&self, path: &Path) -> io::Result<()> {
        let body = postcard::to_stdvec(self).map_err(io::Error::other)?;
        crate::store::paths::replace_cache_file(path, |f| {
            f.write_all(ARRANGED_MAGIC)?;
            f.write_all(&crc32fast::hash(&body).to_le_bytes())?;
            f.write_all(&body)
        })
    }
}

/// Every cache file (for `linkfeed cache clear`).
pub fn folder() -> Option<PathBuf> {
    crate::store::paths::dir(crate::store::paths::Base::Cache).map(|d| d.join("feeds"))
}

/// A stable 64-bit name for `text` (FNV-1a), for file names.
pub fn key_hash(text: &str) -> u64 {
    fnv(text.as_bytes())
}

fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// The folder's name as the cache records it: its absolute path with `.`
/// and `..` worked out, symbolic links not followed. A synced git feed is
/// read through its `current` link, so every sync's checkout shares one
/// cache (the entries of files that did not change still hold: the sync
/// links them from the previous checkout).
pub fn root_key(root: &Path) -> String {
    let abs = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out.to_string_lossy().into_owned()
}

/// An open cache file, checked as far as its footer.
pub struct Reader {
    file: File,
    footer: Footer,
    /// The cache file's own modification time: files modified within a
    /// second of it are racy.
    pub written_ns: i64,
    /// Where the blocks end and the footer begins.
    body_end: u64,
    /// The file's length when it was opened: an append goes after it.
    len: u64,
}

/// Modification time in nanoseconds since the epoch.
pub fn mtime_ns(m: &fs::Metadata) -> i64 {
    m.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

#[cfg(unix)]
pub fn inode(m: &fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    m.ino()
}
#[cfg(not(unix))]
pub fn inode(_: &fs::Metadata) -> u64 {
    0
}

#[cfg(unix)]
fn read_at(f: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    f.read_exact_at(buf, offset)
}
#[cfg(not(unix))]
fn read_at(f: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = f.try_clone()?;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
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

    /// The entry number of block `b`'s `k`th entry ([`Arranged::order`],
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
    /// (its CRC): [`whole_at`], [`skim_at`] and [`row_at`] read it.
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
    fn read_all(&self, i: usize, buf: &mut Vec<u8>) -> Result<(), CacheError> {
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

/// An entry only gone through: the post's [`Skim`] and problems, or the
/// problem that kept the file from being a post.
pub type Skimmed = Result<(Skim, Vec<crate::problem::Problem>), crate::problem::Problem>;

/// The entry that starts at `at` of a block's light part only gone
/// through ([`Skim`]).
pub fn skim_at(bytes: &[u8], at: u32) -> Result<(MetaRef<'_>, Skimmed), CacheError> {
    let from = bytes.get(at as usize..).ok_or(CacheError::Damaged("a block"))?;
    postcard::take_from_bytes(from).map(|(e, _)| e).map_err(|_| CacheError::Damaged("a block"))
}

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
const HAS_CRC: u8 = 1;
const STAND_IN: u8 = 2;
const DRAFT: u8 = 4;
const HAS_DATE: u8 = 8;

/// A check record's fixed fields: at, size, mtime, inode, CRC, flags,
/// date (seconds, nanoseconds, offset), the path's length; the path follows.
const CHECK_FIXED: usize = 4 + 8 + 8 + 8 + 4 + 1 + 8 + 4 + 4 + 4;

/// Adds the check record of an entry starting at `at` of the light part.
fn encode_check(out: &mut Vec<u8>, at: u32, meta: &Meta, parsed: &Parsed) {
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
fn decode_checks<'m>(mut bytes: &'m [u8], count: usize, out: &mut Vec<Check<'m>>) -> Result<(), CacheError> {
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

/// The entry that starts at `at` of a block's light part (its [`Check`]
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
fn put_back<M>(entries: &mut [(M, Parsed)], text: &[u8]) -> Result<(), CacheError> {
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

/// An encoded block: its bytes (its three parts one after the other), its
/// light and text parts' lengths, its entries.
struct Encoded {
    bytes: Vec<u8>,
    light: usize,
    text: usize,
    count: usize,
}

/// Encodes `entries` as blocks (on every core).
fn encode(entries: &[(&Meta, &Parsed)]) -> Result<Vec<Encoded>, CacheError> {
    let chunks: Vec<&[(&Meta, &Parsed)]> = entries.chunks(BLOCK).collect();
    crate::par::map_chunks(&chunks, 2, |group| group.iter().map(|c| encode_block(c)).collect())
        .into_iter()
        .collect()
}

/// One block: the light part (the posts without their tldr and summary),
/// then the text part (those, entry by entry), then the check part (each
/// entry's [`Check`]). The light part is a postcard sequence encoded an
/// entry at a time, to know where each starts: the same bytes.
fn encode_block(entries: &[(&Meta, &Parsed)]) -> Result<Encoded, CacheError> {
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

/// The time now, in nanoseconds since the epoch (as [`mtime_ns`]).
pub fn now_ns() -> i64 {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    t.map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// A number new at every write: the time and the process, hashed.
fn new_generation() -> u64 {
    let t =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let mut bytes = t.to_le_bytes().to_vec();
    bytes.extend_from_slice(&std::process::id().to_le_bytes());
    fnv(&bytes)
}

/// Where blocks go as a cache is written: each is given its entries'
/// numbers (running on) and its place in the footer.
struct BlockWriter<'a> {
    f: io::BufWriter<&'a mut File>,
    offset: u64,
    index: Vec<Block>,
    entries: u32,
    /// Blocks are appended to the file the old writing is in: a block kept
    /// whole stays where it is ([`BlockWriter::keep`]).
    in_place: bool,
}

impl BlockWriter<'_> {
    /// Adds an encoded block.
    fn push(&mut self, e: &Encoded) -> io::Result<()> {
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
    fn push_entries(&mut self, entries: &[(&Meta, &Parsed)]) -> io::Result<()> {
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
    fn keep(&mut self, old: &Reader, b: usize, buf: &mut Vec<u8>) -> io::Result<()> {
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
    fn push_checked(&mut self, bytes: &[u8], block: Block) -> io::Result<()> {
        self.f.write_all(bytes)?;
        self.index.push(Block { offset: self.offset, first: self.entries, ..block });
        self.offset += bytes.len() as u64;
        self.entries += block.count;
        Ok(())
    }
}

/// Writes a cache whose blocks `fill` gives, then its footer; the new
/// generation.
fn write_blocks(
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

fn new_footer(
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
fn write_footer(mut f: io::BufWriter<&mut File>, footer: &Footer) -> io::Result<()> {
    let fb = postcard::to_stdvec(footer).map_err(io::Error::other)?;
    f.write_all(&fb)?;
    f.write_all(&(fb.len() as u32).to_le_bytes())?;
    f.write_all(&crc32fast::hash(&fb).to_le_bytes())?;
    f.write_all(MAGIC)?;
    f.into_inner().map_err(|e| e.into_error())?.sync_all()
}

/// How much of the file a writing appended to it may leave unused (old
/// footers, blocks written again without their changed entries), against
/// what it uses: past a quarter, the cache is written anew instead.
const WASTE: u64 = 4;

/// Whether a writing may be appended to the file of `old` when it keeps
/// `in_use` bytes of its blocks ([`WASTE`]).
fn room_to_append(old: &Reader, in_use: u64) -> bool {
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
fn append_blocks(
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
/// ([`WASTE`]), the new blocks and footer are appended to the file and the
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A cache file with `footer` as its footer (and the right checksum
    /// unless `crc` says otherwise), no blocks.
    fn crafted(dir: &Path, footer: &Footer, crc: Option<u32>, len: Option<u32>) -> PathBuf {
        let path = dir.join("crafted.bin");
        let fb = postcard::to_stdvec(footer).expect("encode");
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&[0u8; 64]);
        bytes.extend_from_slice(&fb);
        bytes.extend_from_slice(&len.unwrap_or(fb.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&crc.unwrap_or_else(|| crc32fast::hash(&fb)).to_le_bytes());
        bytes.extend_from_slice(MAGIC);
        fs::write(&path, bytes).expect("write");
        path
    }

    /// File `i`'s entry: `{i}.md`, a post with a title, tags and its text.
    fn entry(i: usize) -> (Meta, Parsed) {
        let post = crate::post::Post {
            title: format!("post {i}"),
            tldr: format!("tldr {i}"),
            summary: format!("summary {i} ").repeat(10),
            tags: vec![format!("t{}", i % 7).into()],
            ..Default::default()
        };
        (Meta { rel: format!("{i}.md"), size: i as u64, ..Default::default() }, Ok((post, Vec::new())))
    }

    /// A cache at `path` of files `0..n`; its bytes.
    fn cache_of(path: &Path, n: usize) -> Vec<u8> {
        let all: Vec<(Meta, Parsed)> = (0..n).map(entry).collect();
        let refs: Vec<(&Meta, &Parsed)> = all.iter().map(|(m, p)| (m, p)).collect();
        write_all(path, "/feed", &[("".into(), 1)], &refs).expect("write");
        fs::read(path).expect("read")
    }

    /// A reader of the cache at `path`, which is there and whole.
    fn reopen(path: &Path) -> Reader {
        Reader::open(path, "/feed").expect("opens").expect("there")
    }

    /// A temporary folder with a cache of files `0..n` (`c.bin`): the
    /// folder, the cache's path, its bytes and a reader of it.
    fn opened(n: usize) -> (tempfile::TempDir, PathBuf, Vec<u8>, Reader) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.bin");
        let before = cache_of(&path, n);
        let old = reopen(&path);
        (dir, path, before, old)
    }

    /// Every entry of the cache a reader gives, in entry order, with text.
    fn entries_in(reader: &Reader) -> Vec<(Meta, Parsed)> {
        let mut buf = Vec::new();
        (0..reader.blocks()).flat_map(|b| reader.block(b, &mut buf, true).expect("a whole block")).collect()
    }

    /// Rewrites the cache at `path` (read by `old`) without the files
    /// `gone`, with files `fresh` added.
    fn rewrite_without(path: &Path, old: &Reader, gone: &[usize], fresh: &[usize]) -> Renumbering {
        let holds: Vec<bool> = (0..old.entries()).map(|i| !gone.contains(&i)).collect();
        let fresh: Vec<(Meta, Parsed)> = fresh.iter().map(|&i| entry(i)).collect();
        let refs: Vec<(&Meta, &Parsed)> = fresh.iter().map(|(m, p)| (m, p)).collect();
        rewrite(path, "/feed", &[("".into(), 2)], old, &holds, &refs).expect("rewrite")
    }

    /// The files a cache should then hold, in order.
    fn expected(n: usize, gone: &[usize], fresh: &[usize]) -> Vec<(Meta, Parsed)> {
        (0..n).filter(|i| !gone.contains(i)).chain(fresh.iter().copied()).map(entry).collect()
    }

    #[test]
    fn a_few_changes_are_appended_and_an_old_writings_reader_still_reads_it() {
        let (_dir, path, before, old) = opened(10_000);
        let (gone, fresh) = ([700, 9999], [10_000, 10_001]);
        let r = rewrite_without(&path, &old, &gone, &fresh);
        let after = fs::read(&path).expect("read");
        assert!(after.len() > before.len() && after.starts_with(&before), "appended, the old bytes kept");
        let new = reopen(&path);
        assert_eq!(new.generation(), r.generation);
        assert_ne!(r.generation, old.generation(), "a new writing");
        assert_eq!(new.folders(), &[("".to_string(), 2)]);
        assert_eq!(entries_in(&new), expected(10_000, &gone, &fresh), "every entry, in order, with its text");
        // The renumbering names where each old entry went.
        assert_eq!((r.fresh_from, r.entries), (9998, 10_000));
        for (i, &now) in r.renumbered.iter().enumerate() {
            let want = if gone.contains(&i) { u32::MAX } else { (i - usize::from(i > 700)) as u32 };
            assert_eq!(now, want, "entry {i}");
        }
        // A reader of the writing before reads what it read.
        assert_eq!(entries_in(&old), expected(10_000, &[], &[]));
        // Appended to again: the file grows by what changed.
        let again = rewrite_without(&path, &new, &[5], &[]);
        let third = fs::read(&path).expect("read");
        assert!(third.starts_with(&after) && third.len() < after.len() + (after.len() - before.len()) * 2);
        let newest = reopen(&path);
        assert_eq!(newest.generation(), again.generation);
        assert_eq!(entries_in(&newest), expected(10_000, &[5, 700, 9999], &fresh));
    }

    #[test]
    fn a_cache_that_would_be_mostly_unused_is_written_anew() {
        let (_dir, path, before, old) = opened(3000);
        let gone: Vec<usize> = (0..2000).collect();
        let r = rewrite_without(&path, &old, &gone, &[3000]);
        let after = fs::read(&path).expect("read");
        assert!(after.len() < before.len() / 2, "written anew: {} of {} bytes", after.len(), before.len());
        let new = reopen(&path);
        assert_eq!(new.generation(), r.generation);
        assert_eq!(entries_in(&new), expected(3000, &gone, &[3000]));
    }

    #[test]
    fn a_file_replaced_or_being_appended_to_is_written_anew() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.bin");
        // Replaced by another writer since it was opened (a new file).
        let before = cache_of(&path, 3000);
        let old = reopen(&path);
        let copy = dir.path().join("copy.bin");
        fs::write(&copy, &before).expect("write");
        fs::rename(&copy, &path).expect("rename");
        rewrite_without(&path, &old, &[700], &[3000]);
        let after = fs::read(&path).expect("read");
        assert!(!after.starts_with(&before), "not appended to a file it did not read");
        let new = reopen(&path);
        assert_eq!(entries_in(&new), expected(3000, &[700], &[3000]));
        // Another process appending to it (holding its lock).
        let before = cache_of(&path, 3000);
        let old = reopen(&path);
        let other = File::open(&path).expect("open");
        other.lock().expect("lock");
        rewrite_without(&path, &old, &[700], &[3000]);
        drop(other);
        let after = fs::read(&path).expect("read");
        assert!(!after.starts_with(&before), "not appended while another append holds the file");
        let new = reopen(&path);
        assert_eq!(entries_in(&new), expected(3000, &[700], &[3000]));
    }

    #[test]
    fn a_cache_opened_while_another_process_appends_is_read_once_the_append_is_done() {
        use std::os::unix::fs::FileExt;
        let (_dir, path, before, old) = opened(3000);
        let appended = rewrite_without(&path, &old, &[700], &[3000]).generation;
        let after = fs::read(&path).expect("read");
        assert!(after.starts_with(&before));
        // Half of the append written, the appender holding the lock.
        let half = (before.len() + after.len()) / 2;
        fs::write(&path, &after[..half]).expect("write");
        let appender = fs::OpenOptions::new().write(true).open(&path).expect("open");
        appender.lock().expect("lock");
        let opening = std::thread::spawn({
            let path = path.clone();
            move || Reader::open(&path, "/feed").map(|r| r.map(|r| r.generation()))
        });
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert!(!opening.is_finished(), "waits for the append");
        appender.write_all_at(&after[half..], half as u64).expect("write");
        appender.unlock().expect("unlock");
        assert_eq!(opening.join().expect("joins"), Ok(Some(appended)), "the appended writing");
        // A file cut short with no append going on is refused at once.
        drop(appender);
        fs::write(&path, &after[..half]).expect("write");
        assert!(Reader::open(&path, "/feed").is_err());
    }

    #[test]
    fn an_append_cut_short_is_not_read_as_a_cache() {
        let (_dir, path, before, old) = opened(3000);
        rewrite_without(&path, &old, &[700], &[3000]);
        let after = fs::read(&path).expect("read");
        assert!(after.starts_with(&before));
        for cut in [before.len() + 1, (before.len() + after.len()) / 2, after.len() - 1] {
            fs::write(&path, &after[..cut]).expect("write");
            assert!(Reader::open(&path, "/feed").is_err(), "cut at {cut} of {}", after.len());
        }
    }

    #[test]
    fn new_folder_times_are_appended_as_a_footer_with_the_same_writing() {
        let (_dir, path, before, old) = opened(3000);
        refresh_folders(&path, &old, &[("".into(), 5), ("a".into(), 6)]).expect("refresh");
        let after = fs::read(&path).expect("read");
        assert!(after.starts_with(&before) && after.len() < before.len() + 4096, "a footer appended");
        let new = reopen(&path);
        assert_eq!(new.generation(), old.generation(), "the same writing");
        assert_eq!(new.folders(), &[("".to_string(), 5), ("a".to_string(), 6)]);
        assert_eq!(entries_in(&new), expected(3000, &[], &[]));
    }

    /// A byte changed in a block's check part or light part: its checks
    /// are refused, its light part said not to hold; the other blocks'
    /// hold. A copy of the cache that keeps the block whole refuses it too.
    #[test]
    fn a_damaged_check_or_light_part_is_refused() {
        let (_dir, path, bytes, old) = opened(1200);
        let b = old.footer.blocks[1];
        {
            let (mut checks, map) = (Vec::new(), old.map().expect("maps"));
            old.checks_mapped(&map, 1, &mut checks).expect("checks");
            assert_eq!(checks.len(), b.count as usize);
            assert!(checks.windows(2).all(|w| w[0].at < w[1].at), "where each entry starts");
        }
        for at in [b.offset + u64::from(b.light) + u64::from(b.text) + 9, b.offset + 3] {
            let mut damaged = bytes.clone();
            damaged[at as usize] ^= 0x20;
            fs::write(&path, &damaged).expect("write");
            let reader = reopen(&path);
            let map = reader.map().expect("maps");
            let in_check = at > b.offset + u64::from(b.light);
            let mut checks = Vec::new();
            let got = reader.checks_mapped(&map, 1, &mut checks).map(|()| checks.len());
            assert_eq!(got.is_err(), in_check, "{got:?}");
            assert_eq!(reader.light_holds(&map, 1), in_check, "the light part holds unless it was changed");
            assert!(reader.checks_mapped(&map, 0, &mut Vec::new()).is_ok() && reader.light_holds(&map, 2));
            let mut buf = Vec::new();
            assert!(reader.read_all(1, &mut buf).is_err() && reader.read_all(0, &mut buf).is_ok());
        }
    }

    fn footer(entries: u64, blocks: Vec<(u64, u32, u32)>) -> Footer {
        Footer {
            format: FORMAT,
            version: env!("CARGO_PKG_VERSION").into(),
            root: "/feed".into(),
            entries,
            generation: 1,
            blocks: blocks
                .into_iter()
                .map(|(offset, light, light_crc)| Block {
                    offset,
                    light,
                    light_crc,
                    text: 0,
                    text_crc: 0,
                    first: 0,
                    count: entries.min(BLOCK as u64) as u32,
                    check: 0,
                    check_crc: 0,
                })
                .collect(),
            dirs: Vec::new(),
        }
    }

    /// The reason in the words `list --stats` prints.
    fn open(path: &Path) -> Result<usize, String> {
        Reader::open(path, "/feed").map(|r| r.map_or(0, |r| r.entries())).map_err(String::from)
    }

    /// Issue 25: a block's text part is read only when asked for; without
    /// it the post says which long text it has; with it the post is whole
    /// again; each write has its own generation.
    #[test]
    fn the_long_text_is_kept_apart_and_read_only_when_asked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.bin");
        let post = |i: usize| crate::post::Post {
            title: format!("post {i}"),
            tldr: if i.is_multiple_of(2) { format!("tldr {i}") } else { String::new() },
            summary: format!("summary {i} ").repeat(20),
            tags: vec!["t".into()],
            ..Default::default()
        };
        let metas: Vec<Meta> =
            (0..1100).map(|i| Meta { rel: format!("{i}.md"), ..Default::default() }).collect();
        let parsed: Vec<Parsed> = (0..1100)
            .map(|i| {
                if i == 7 {
                    Err(crate::problem::Problem {
                        path: std::path::PathBuf::new(),
                        line: Some(2),
                        severity: crate::problem::Severity::Error,
                        message: "bad".into(),
                    })
                } else {
                    Ok((post(i), Vec::new()))
                }
            })
            .collect();
        let entries: Vec<(&Meta, &Parsed)> = metas.iter().zip(parsed.iter()).collect();
        let g1 = write_all(&path, "/feed", &[], &entries).expect("write");
        let reader = reopen(&path);
        assert_eq!(reader.entries(), 1100);
        assert_eq!(reader.generation(), g1);
        let mut buf = Vec::new();
        let mut whole = Vec::new();
        let mut light = Vec::new();
        for b in 0..reader.blocks() {
            whole.extend(reader.block(b, &mut buf, true).expect("block"));
            light.extend(reader.block(b, &mut buf, false).expect("block"));
        }
        let whole: Vec<Parsed> = whole.into_iter().map(|(_, p)| p).collect();
        assert_eq!(whole, parsed, "with the text, every entry is as written");
        for (i, (_, p)) in light.iter().enumerate() {
            let Ok((p, _)) = p else { continue };
            assert!(p.tldr.is_empty() && p.summary.is_empty(), "{i}: no long text in memory");
            assert_eq!(p.has_tldr(), i.is_multiple_of(2), "{i}: it still knows it has a tldr");
            assert!(p.has_summary());
            assert_eq!(p.title, format!("post {i}"));
        }
        let g2 = write_all(&path, "/feed", &[], &entries).expect("write");
        assert_ne!(g1, g2, "every write is a new generation");
    }

    /// Issue 21: a footer's counts never size an allocation unchecked.
    #[test]
    fn crafted_footers_are_refused_before_anything_is_allocated() {
        let dir = tempfile::tempdir().expect("tempdir");
        let good = crafted(dir.path(), &footer(3, vec![(8, 64, 0)]), None, None);
        assert_eq!(open(&good), Ok(3), "the crafted file itself is well formed");
        // A huge count under a valid checksum.
        let huge = crafted(dir.path(), &footer(431_008_558_088_192, vec![(8, 64, 0)]), None, None);
        assert_eq!(open(&huge), Err("damaged (the footer's counts)".into()));
        // A huge count without a valid checksum.
        let unsigned = crafted(dir.path(), &footer(3, vec![(8, 64, 0)]), Some(7), None);
        assert_eq!(open(&unsigned), Err("damaged (the footer's checksum)".into()));
        // A footer longer than the file.
        let long = crafted(dir.path(), &footer(3, vec![(8, 64, 0)]), None, Some(u32::MAX));
        assert_eq!(open(&long), Err("truncated".into()));
        // A block beyond the end, or whose end overflows.
        let beyond = crafted(dir.path(), &footer(3, vec![(u64::MAX - 2, 64, 0)]), None, None);
        assert_eq!(open(&beyond), Err("truncated".into()));
        let past = crafted(dir.path(), &footer(3, vec![(8, 1 << 30, 0)]), None, None);
        assert_eq!(open(&past), Err("truncated".into()));
        // More entries than blocks can hold.
        let many = crafted(dir.path(), &footer(600, vec![(8, 64, 0)]), None, None);
        assert_eq!(open(&many), Err("damaged (the footer's counts)".into()));
    }

    /// Issue 25: a block's entries only gone through keep what the post
    /// had (draft, date, Hugo's keys, event, problems), the block is gone
    /// through to its end (every entry, in order, whatever the posts hold:
    /// tags, aliases, an event, files folded in, a body, warnings, a file
    /// that did not parse), and each entry decoded whole
    /// from where it starts is what `block_ref` gives.
    #[test]
    fn entries_skimmed_keep_what_the_post_had() {
        use crate::post::{Event, Hugo, Post};
        use crate::problem::{Problem, Severity};
        let date = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
        let problem = |line, message: &str| Problem {
            path: PathBuf::new(),
            line: Some(line),
            severity: Severity::Warning,
            message: message.into(),
        };
        let all: Vec<(Meta, Parsed)> = (0..1300)
            .map(|i| {
                let post = Post {
                    title: format!("post {i} \u{e9}"),
                    date: date(["2025-03-04T05:06:07.5+02:00", "1969-12-31T23:59:59-05:30"][i % 2])
                        .filter(|_| i % 3 != 0),
                    tags: (0..i % 4).map(|t| format!("t{t}").into()).collect(),
                    source: if i % 2 == 0 { "Src".into() } else { "".into() },
                    url: format!("https://example.org/{i}"),
                    kind: if i % 5 == 0 { "event".into() } else { "".into() },
                    draft: i % 7 == 0,
                    tldr: format!("tldr {i}"),
                    summary: "summary ".repeat(i % 9),
                    summary_from_body: i % 11 == 0,
                    body: if i % 13 == 0 { "body text".into() } else { String::new() },
                    body_in_file: i % 2 == 1,
                    hugo: (i % 6 == 0).then(|| {
                        Box::new(Hugo {
                            categories: vec!["c".into()],
                            publish_date: date("2030-01-01T00:00:00Z"),
                            expiry_date: None,
                            weight: Some(-3),
                            slug: "s".into(),
                            aliases: vec!["/a".into(), "/b".into()],
                        })
                    }),
                    event: (i % 5 == 0).then(|| {
                        Box::new(Event {
                            start: date("2026-05-05T10:00:00Z"),
                            place: "Here".into(),
                            ..Event::default()
                        })
                    }),
                    also: if i % 17 == 0 { vec![PathBuf::from("x/y.md")] } else { Vec::new() },
                    ..Post::default()
                };
                let warnings = if i % 19 == 0 { vec![problem(i, "odd")] } else { Vec::new() };
                let parsed = if i % 23 == 0 { Err(problem(1, "broken")) } else { Ok((post, warnings)) };
                let meta = Meta {
                    rel: format!("d/{}/\u{fc}ber {i}.md", i % 4),
                    size: i as u64,
                    mtime_ns: (i as i64 - 600) * 1_000_000_007,
                    ino: i as u64 * 31 + 1,
                    crc: (i % 3 == 0).then_some(i as u32 * 7),
                };
                (meta, parsed)
            })
            .collect();
        let refs: Vec<(&Meta, &Parsed)> = all.iter().map(|(m, p)| (m, p)).collect();
        let tmp = tempfile::tempdir().expect("tempdir");
        let path = tmp.path().join("c.bin");
        write_all(&path, "/feed", &[("".into(), 1)], &refs).expect("write");
        let reader = reopen(&path);
        let map = reader.map().expect("maps");
        let mut seen = 0;
        for b in 0..reader.blocks() {
            let mut want_buf = Vec::new();
            let want = reader.block_ref(b, &mut want_buf, false).expect("block");
            let mut checks = Vec::new();
            reader.checks_mapped(&map, b, &mut checks).expect("checks");
            assert!(reader.light_holds(&map, b));
            let light = &map[reader.light_range(b).expect("a light part")];
            assert_eq!(checks.len(), want.len());
            for (k, (c, (wm, wp))) in checks.iter().zip(&want).enumerate() {
                let id = reader.entry_id(b, k);
                // The check record: the file as the entry has it.
                assert_eq!(
                    (c.rel, c.size, c.mtime_ns, c.ino, c.crc),
                    (wm.rel, wm.size, wm.mtime_ns, wm.ino, wm.crc),
                    "entry {id}"
                );
                let (m, skim) = skim_at(light, c.at).expect("skimmed");
                assert_eq!(m.rel, wm.rel, "entry {id}: where it starts");
                // Decoded whole from where it starts: what block_ref gives.
                let (whole_meta, whole) = whole_at(light, c.at).expect("whole");
                assert_eq!((whole_meta.rel, &whole), (wm.rel, wp), "entry {id}");
                // What a row shows, read in place: the post's own.
                let row = row_at(light, c.at).expect("a row");
                let shown = wp.as_ref().ok().map(|(p, _)| (&*p.title, &*p.source, p.url.as_str()));
                assert_eq!(row.map(|r| (r.title, r.source, r.url)), shown, "entry {id}");
                match (skim, wp) {
                    (Ok((s, warnings)), Ok((post, want_warnings))) => {
                        assert_eq!(
                            (s.draft, s.date, &s.hugo, &s.event, &warnings),
                            (post.draft, post.date, &post.hugo, &post.event, want_warnings),
                            "entry {id}"
                        );
                        // A stand-in from the record alone exactly when the
                        // post has nothing more a stand-in holds.
                        let plain = warnings.is_empty() && s.hugo.is_none() && s.event.is_none();
                        assert_eq!(c.stand_in, plain.then_some((post.date, post.draft)), "entry {id}");
                    }
                    (Err(p), Err(wp)) => {
                        assert_eq!(&p, wp);
                        assert_eq!(c.stand_in, None, "entry {id}");
                    }
                    (skim, _) => panic!("entry {id}: skimmed {skim:?}, whole {wp:?}"),
                }
                seen += 1;
            }
        }
        assert_eq!(seen, all.len());
    }
}
