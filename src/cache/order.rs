//! The order file: how assembling arranged one writing's posts.

use serde::{Deserialize, Serialize};
use std::fs;
use std::io::{self, Write};
use std::path::Path;

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

pub(super) const ARRANGED_MAGIC: &[u8; 8] = b"LFORDER2";

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
