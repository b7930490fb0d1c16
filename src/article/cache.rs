//! Articles kept for reading offline: one JSON file per URL under
//! `$XDG_CACHE_HOME/linkfeed/articles/` (so `linkfeed cache clear` removes
//! them with the rest), named by a hash of the URL, each written whole
//! (a fetch killed half-way leaves the old file or none). Over the size
//! limit, the oldest are removed.

use super::Article;
use std::fs;
use std::path::PathBuf;

/// The folder, if there is a cache folder at all.
pub fn folder() -> Option<PathBuf> {
    crate::store::paths::dir(crate::store::paths::Base::Cache).map(|d| d.join("articles"))
}

/// The file that keeps the article of `url`.
pub fn path_for(url: &str) -> Option<PathBuf> {
    folder().map(|d| d.join(format!("{:016x}.json", key(url))))
}

/// FNV-1a, 64 bits: a stable name for a URL (the file holds the URL too,
/// so a collision is a miss, never the wrong article).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The key of `url` in [`kept`].
pub fn key(url: &str) -> u64 {
    fnv1a(url.as_bytes())
}

/// The keys ([`key`]) of every kept article: one listing of the folder.
pub fn kept() -> std::collections::HashSet<u64> {
    let Some(Ok(entries)) = folder().map(fs::read_dir) else { return Default::default() };
    entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name();
            let hex = name.to_str()?.strip_suffix(".json")?;
            u64::from_str_radix(hex, 16).ok()
        })
        .collect()
}

/// The kept article of `url`, if any (a damaged file is none).
pub fn load(url: &str) -> Option<Article> {
    let bytes = fs::read(path_for(url)?).ok()?;
    let a: Article = serde_json::from_slice(&bytes).ok()?;
    (a.url == url).then_some(a)
}

/// Whether an article of `url` is kept (without reading it).
pub fn has(url: &str) -> bool {
    path_for(url).is_some_and(|p| p.is_file())
}

/// Keeps `a`, then trims the cache to `limit` bytes, oldest first.
pub fn store(a: &Article, limit: u64) -> std::io::Result<()> {
    let path =
        path_for(&a.url).ok_or_else(|| std::io::Error::other("neither XDG_CACHE_HOME nor HOME is set"))?;
    crate::store::paths::replace_cache_file(&path, |f| {
        serde_json::to_writer(f, a).map_err(std::io::Error::other)
    })?;
    trim(limit, &path);
    Ok(())
}

/// Removes the oldest articles until the folder holds at most `limit`
/// bytes; `keep` (the one just written) stays.
fn trim(limit: u64, keep: &std::path::Path) {
    let Some(dir) = folder() else { return };
    let Ok(entries) = fs::read_dir(&dir) else { return };
    let mut files: Vec<(std::time::SystemTime, u64, PathBuf)> = entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .filter_map(|e| {
            let m = e.metadata().ok()?;
            Some((m.modified().ok()?, m.len(), e.path()))
        })
        .collect();
    let mut total: u64 = files.iter().map(|f| f.1).sum();
    if total <= limit {
        return;
    }
    files.sort();
    for (_, len, path) in files {
        if total <= limit {
            break;
        }
        if path != keep && fs::remove_file(&path).is_ok() {
            total -= len;
        }
    }
}

/// How many articles are kept, and their bytes.
pub fn usage() -> (usize, u64) {
    let Some(Ok(entries)) = folder().map(fs::read_dir) else { return (0, 0) };
    entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .filter_map(|e| e.metadata().ok())
        .fold((0, 0), |(n, b), m| (n + 1, b + m.len()))
}
