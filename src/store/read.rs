//! The read state of earlier versions, `read.json`, and the key marks are
//! stored under.
//!
//! `read.json` (`{"version":1,"read":[keys]}`) is read once, to migrate it
//! into the shared marks log (`store::marks`), and kept as a backup. Keys
//! are the post's link (the file path for a post without one), so marks
//! follow posts that move.

use crate::post::Post;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Serialize, Deserialize)]
struct OnDisk {
    version: u32,
    read: Vec<String>,
}

/// The key a post's marks are stored under: its link; for a post without
/// one, its date and title (`post:2026-01-02T08:00:00+00:00:Title`), which
/// follow it to another folder or machine as its file's path would not.
pub fn key(post: &Post) -> std::borrow::Cow<'_, str> {
    if !post.url.is_empty() {
        return std::borrow::Cow::Borrowed(&post.url);
    }
    let date = post.date.map(|d| d.to_rfc3339()).unwrap_or_default();
    std::borrow::Cow::Owned(format!("post:{date}:{}", post.title))
}

/// Where the read state lives, from the environment.
pub fn default_path() -> Option<PathBuf> {
    crate::store::paths::file(crate::store::paths::Base::State, "read.json")
}

/// What loading found.
#[derive(Debug, Default)]
pub struct Loaded {
    pub read: HashSet<String>,
    /// Set when the file could not be used: what happened, for the status bar.
    pub problem: Option<String>,
}

/// Reads the state at `path`. A missing file is an empty state. A file that
/// cannot be read or parsed is moved aside (never deleted or overwritten)
/// when `move_aside` is set, and the state starts empty.
pub fn load(path: &Path, move_aside: bool) -> Loaded {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Loaded::default(),
        Err(e) => {
            return Loaded {
                read: HashSet::new(),
                problem: Some(format!("cannot read {}: {e}", path.display())),
            };
        }
    };
    match serde_json::from_slice::<OnDisk>(&bytes) {
        Ok(d) => Loaded { read: d.read.into_iter().collect(), problem: None },
        Err(e) => {
            let mut problem = format!("the read state {} is damaged ({e})", path.display());
            if move_aside {
                match set_aside(path) {
                    Ok(kept) => {
                        problem.push_str(&format!("; kept it as {} and started afresh", kept.display()))
                    }
                    Err(e) => problem.push_str(&format!("; could not move it aside: {e}")),
                }
            }
            Loaded { read: HashSet::new(), problem: Some(problem) }
        }
    }
}

/// `path.damaged-N` with the first N not taken: where a damaged file (or a
/// copy of one) is kept, never deleted.
pub(super) fn damaged_name(path: &Path) -> io::Result<PathBuf> {
    (1..1000)
        .map(|n| {
            let mut name = path.as_os_str().to_owned();
            name.push(format!(".damaged-{n}"));
            PathBuf::from(name)
        })
        .find(|aside| !aside.exists())
        .ok_or_else(|| io::Error::other("too many damaged copies already"))
}

/// Renames `path` to `path.damaged-N` with the first N not taken.
fn set_aside(path: &Path) -> io::Result<PathBuf> {
    let aside = damaged_name(path)?;
    fs::rename(path, &aside)?;
    Ok(aside)
}

/// Writes the old format (for tests of the migration).
#[cfg(test)]
#[test]
fn a_post_without_a_link_is_keyed_by_what_it_is_not_where_it_lies() {
    let date = chrono::DateTime::parse_from_rfc3339("2026-01-02T08:00:00Z").ok();
    let at = |path: &str| Post { path: path.into(), title: "A note".into(), date, ..Post::default() };
    assert_eq!(key(&at("/home/a/feed/x.md")), key(&at("/srv/b/copy/y.md")));
    assert_eq!(key(&at("/x.md")), "post:2026-01-02T08:00:00+00:00:A note");
    let linked = Post { url: "https://example.org/a".into(), ..at("/x.md") };
    assert_eq!(key(&linked), "https://example.org/a");
}

#[cfg(test)]
/// Writes the state whole ([`super::paths::replace_file`]).
pub fn save(path: &Path, read: &HashSet<String>) -> io::Result<()> {
    let mut keys: Vec<&String> = read.iter().collect();
    keys.sort();
    let data = OnDisk { version: 1, read: keys.into_iter().cloned().collect() };
    super::paths::replace_file(path, |f| {
        serde_json::to_writer(&mut *f, &data)?;
        std::io::Write::write_all(f, b"\n")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub/read.json");
        let read: HashSet<String> = ["https://a.org/1".to_string(), "b.md".to_string()].into();
        save(&path, &read).expect("saves");
        let loaded = load(&path, true);
        assert_eq!(loaded.read, read);
        assert!(loaded.problem.is_none());
        // Nothing but the state file is left behind.
        let names: Vec<_> =
            fs::read_dir(path.parent().expect("dir")).expect("ls").flatten().map(|e| e.file_name()).collect();
        assert_eq!(names, ["read.json"]);
    }

    #[test]
    fn a_missing_file_is_empty() {
        let dir = tempfile::tempdir().expect("tempdir");
        let loaded = load(&dir.path().join("read.json"), true);
        assert!(loaded.read.is_empty() && loaded.problem.is_none());
    }

    #[test]
    fn a_damaged_file_is_kept_aside_with_its_bytes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("read.json");
        fs::write(&path, b"{not json").expect("write");
        fs::write(dir.path().join("read.json.damaged-1"), b"older").expect("write");
        let loaded = load(&path, true);
        assert!(loaded.read.is_empty());
        let problem = loaded.problem.expect("a problem");
        assert!(problem.contains("damaged") && problem.contains("read.json.damaged-2"), "{problem}");
        assert_eq!(fs::read(dir.path().join("read.json.damaged-2")).expect("kept"), b"{not json");
        assert_eq!(
            fs::read(dir.path().join("read.json.damaged-1")).expect("kept"),
            b"older",
            "never overwritten"
        );
        assert!(!path.exists());
        // Read-only callers (list) leave it where it is.
        fs::write(&path, b"[]").expect("write");
        assert!(load(&path, false).problem.is_some());
        assert!(path.exists());
    }
}
