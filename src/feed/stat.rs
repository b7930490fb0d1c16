//! Stat'ing the many files of a feed folder: each file relative to its
//! folder, which is opened once for the files after it that share it
//! (`fstatat`), instead of a lookup of every component of every full path.
//! At 100,000 cached files the path lookups were half of the check's time.

use crate::cache::{self, Meta};
use std::path::Path;

/// Stats files below `root` given as `/`-separated relative paths; best
/// when consecutive calls share a folder (the walk's order).
pub struct Stater<'a> {
    root: &'a Path,
    #[cfg(unix)]
    folder: Option<(String, Option<rustix::fd::OwnedFd>)>,
}

impl<'a> Stater<'a> {
    pub fn new(root: &'a Path) -> Self {
        Stater {
            root,
            #[cfg(unix)]
            folder: None,
        }
    }

    /// The size, modification time and inode of `root/rel` (symbolic links
    /// followed, as `fs::metadata` does), its path left empty; `None` when
    /// it cannot be stat'ed.
    pub fn stat(&mut self, rel: &str) -> Option<Meta> {
        #[cfg(unix)]
        {
            use rustix::fs::{AtFlags, Mode, OFlags};
            let (folder, name) = rel.rsplit_once('/').unwrap_or(("", rel));
            if self.folder.as_ref().is_none_or(|(f, _)| f != folder) {
                let path = if folder.is_empty() { self.root.to_path_buf() } else { self.root.join(folder) };
                let fd = rustix::fs::open(
                    &path,
                    OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                    Mode::empty(),
                )
                .ok();
                self.folder = Some((folder.to_string(), fd));
            }
            if let Some((_, Some(fd))) = &self.folder
                && !name.is_empty()
            {
                let st = rustix::fs::statat(fd, name, AtFlags::empty()).ok()?;
                let secs = i128::from(st.st_mtime);
                let ns = if secs < 0 { 0 } else { secs * 1_000_000_000 + i128::from(st.st_mtime_nsec) };
                return Some(Meta {
                    rel: String::new(),
                    size: st.st_size as u64,
                    mtime_ns: i64::try_from(ns).unwrap_or(i64::MAX),
                    ino: st.st_ino,
                    crc: None,
                });
            }
        }
        let m = std::fs::metadata(self.root.join(rel)).ok()?;
        Some(cache::Meta::of(String::new(), &m, None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The folder-relative stat gives what `fs::metadata` gives, for files
    /// at the top, in folders, behind a symbolic link, and none for a
    /// missing file.
    #[test]
    fn stat_relative_to_the_folder_equals_metadata() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b")).expect("mkdir");
        for rel in ["top.md", "a/one.md", "a/b/two.md", "a/three.md"] {
            std::fs::write(root.join(rel), rel.repeat(3)).expect("write");
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("a/one.md"), root.join("a/b/link.md")).expect("symlink");
        let mut stater = Stater::new(root);
        for rel in ["top.md", "a/one.md", "a/b/two.md", "a/b/link.md", "a/three.md", "top.md"] {
            let Ok(m) = std::fs::metadata(root.join(rel)) else { continue };
            let want = cache::Meta::of(String::new(), &m, None);
            assert_eq!(stater.stat(rel), Some(want), "{rel}");
        }
        assert_eq!(stater.stat("a/gone.md"), None);
        assert_eq!(stater.stat("nowhere/gone.md"), None);
    }
}
