//! What the two loads from the cache share (the walked one, `walked` and
//! `unchanged`, and the lazy one, `lazy`): each cache block worked on on
//! every core, an entry checked against its file, its paths set to where
//! the file is now.

use super::read::read_file;
use super::stat;
use crate::cache::{self, CacheError};
use crate::problem::Parsed;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A file's path relative to the feed folder, `/`-separated (as the cache
/// names it).
pub(super) type Rel<'a> = &'a (dyn Fn(&Path) -> String + Sync);

/// What a lazy load that found files changed learned: which of the
/// cache's entries (of its writing `generation`) still hold. The usual
/// load that follows does not stat the files again
/// ([`super::LoadOptions`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub generation: u64,
    pub holds: Vec<bool>,
}

/// Each file's entry number in a cache written with the cached ones of
/// `cached` (whether each file was) numbered on from `first`, in order;
/// `u32::MAX` for a file not cached (unreadable).
pub(super) fn numbered(cached: impl IntoIterator<Item = bool>, first: u32) -> Vec<u32> {
    let mut next = first;
    cached
        .into_iter()
        .map(|c| {
            let id = if c { next } else { u32::MAX };
            next += u32::from(c);
            id
        })
        .collect()
}

/// For each of a cache's `entries`, its place in `order` (`u32::MAX`: none),
/// with the number of places; `None` unless `order` names entries of the
/// cache, each once.
pub(super) fn places_of(order: &[u32], entries: usize) -> Option<(Vec<u32>, usize)> {
    let mut places = vec![u32::MAX; entries];
    for (at, &id) in order.iter().enumerate() {
        let slot = places.get_mut(id as usize)?;
        if *slot != u32::MAX {
            return None;
        }
        *slot = u32::try_from(at).ok()?;
    }
    Some((places, order.len()))
}

/// Each file's size, time and inode (on every core); `None` when it cannot be stat'ed.
pub(super) fn stat_all(dir: &Path, files: &[PathBuf], rel: Rel) -> Vec<Option<cache::Meta>> {
    crate::par::map_chunks(files, 1024, |chunk| {
        let mut stater = stat::Stater::new(dir);
        chunk
            .iter()
            .map(|p| {
                let rel = rel(p);
                stater.stat(&rel).map(|m| cache::Meta { rel, ..m })
            })
            .collect()
    })
}

/// Whether a cache entry still describes `file`, stat'ed `now`: the same
/// size, time and inode, and, when it was modified within a second of the
/// cache's writing (`racy_from`), the same bytes.
pub(super) fn still_holds(
    cached: &cache::Meta,
    now: Option<&cache::Meta>,
    file: &Path,
    racy_from: i64,
) -> bool {
    now.is_some_and(|n| n.same_stat(cached)) && (cached.mtime_ns < racy_from || same_crc(file, cached.crc))
}

/// Whether the file's bytes still have this CRC.
fn same_crc(path: &Path, crc: Option<u32>) -> bool {
    let mut buf = Vec::new();
    crc.is_some() && read_file(path, &mut buf).is_ok() && Some(crc32fast::hash(&buf)) == crc
}

/// `work` on every block of the cache, the blocks shared out over the
/// cores; each thread adds to its own `A` (made by `init`), and those are
/// the result. Large per-thread vectors, not one per block: many middling
/// vectors left the heap fragmented (25 MB more peak RSS at 100k posts).
/// A failed block fails the whole.
pub(super) fn each_block<A: Send>(
    reader: &cache::Reader,
    init: impl Fn() -> A + Sync,
    work: impl Fn(&mut A, usize, &mut Vec<u8>) -> Result<(), CacheError> + Sync,
) -> Result<Vec<A>, CacheError> {
    let threads = rayon::current_num_threads().min(reader.blocks()).max(1);
    let next = AtomicUsize::new(0);
    let parts = crate::par::workers(None, threads, || {
        let (mut buf, mut acc) = (Vec::new(), init());
        loop {
            let b = next.fetch_add(1, Ordering::Relaxed);
            if b >= reader.blocks() {
                return Ok(acc);
            }
            work(&mut acc, b, &mut buf)?;
        }
    });
    parts.into_iter().map(|p| p.unwrap_or_else(|| Err(CacheError::DecoderFailed))).collect()
}

/// Whether the cache at `cache_path` still describes the folder `dir` whole:
/// no folder changed since it was written (so no file came or went) and
/// every file's stat (and, where racy, CRC) matches its entry. Reads each
/// block's check part ([`cache::Check`]), no entry decoded, and keeps
/// nothing: the reader's check after a first screen drawn from the cache
/// costs no second copy of the feed when nothing changed (the usual case).
pub fn cache_holds(dir: &Path, cache_path: &Path) -> bool {
    let Ok(Some(reader)) = cache::Reader::open(cache_path, &cache::root_key(dir)) else {
        return false;
    };
    if !reader.folders_unchanged(dir) {
        return false;
    }
    let racy_from = reader.written_ns.saturating_sub(1_000_000_000);
    let parts = each_block(
        &reader,
        || true,
        |holds, b, buf| {
            // Each file against its entry's check record: no entry decoded.
            let mut stater = stat::Stater::new(dir);
            for c in reader.checks(b, buf)? {
                if !*holds {
                    break;
                }
                let now = stater.stat(c.rel);
                *holds &= still_holds(&c.stat(), now.as_ref(), &joined(dir, c.rel), racy_from);
            }
            Ok(())
        },
    );
    parts.is_ok_and(|p| p.into_iter().all(|h| h))
}

/// `dir.join(rel)`, made at its length at once (`Path::join` copies `dir`
/// and grows the copy for `rel`: a second allocation and copy per post).
pub(super) fn joined(dir: &Path, rel: &str) -> PathBuf {
    let mut path = PathBuf::with_capacity(dir.as_os_str().len() + 1 + rel.len());
    path.push(dir);
    path.push(rel);
    path
}
/// A cached parse with its paths set to `path` (the folder may have been
/// named differently when the cache was written: `feed` or `./feed`).
pub(super) fn reroot(parsed: Parsed, path: PathBuf) -> Parsed {
    match parsed {
        Ok((mut post, mut warnings)) => {
            for w in &mut warnings {
                w.path = path.clone();
            }
            post.path = path;
            Ok((post, warnings))
        }
        Err(mut p) => {
            p.path = path;
            Err(p)
        }
    }
}
