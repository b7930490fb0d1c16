//! A file as the cache saw it: its path, size, modification time, inode and,
//! for a racy file, the CRC-32 of its bytes.

use serde::{Deserialize, Serialize};
use std::fs;

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

/// The time now, in nanoseconds since the epoch (as [`mtime_ns`]).
pub fn now_ns() -> i64 {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    t.map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}
