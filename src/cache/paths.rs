//! Where a feed's cache, order and index files are, and their names.

use std::fs;
use std::path::{Path, PathBuf};

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

/// Where the feed's arranged order is kept, beside its cache ([`super::Arranged`]).
pub fn arranged_path_for(cache: &Path) -> PathBuf {
    cache.with_extension("order")
}

/// Every cache file (for `linkfeed cache clear`).
pub fn folder() -> Option<PathBuf> {
    crate::store::paths::dir(crate::store::paths::Base::Cache).map(|d| d.join("feeds"))
}

/// A stable 64-bit name for `text` (FNV-1a), for file names.
pub fn key_hash(text: &str) -> u64 {
    fnv(text.as_bytes())
}

pub(super) fn fnv(bytes: &[u8]) -> u64 {
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
