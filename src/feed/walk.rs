//! Finding the post files below a folder.

use super::{LoadError, error, hugo};
use crate::cache;
use crate::problem::{Problem, Severity};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::{fs, io};

/// Whether the loader reads this file as a post (`.md`, `.markdown`).
pub fn is_post_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

#[cfg(unix)]
fn identity(meta: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(_meta: &fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// A file's (device, inode) without a stat: the inode comes from the
/// directory listing, the device from the folder it is in.
#[cfg(unix)]
fn entry_identity(entry: &fs::DirEntry, dir_dev: u64) -> (u64, u64) {
    use std::os::unix::fs::DirEntryExt;
    (dir_dev, entry.ino())
}

#[cfg(not(unix))]
fn entry_identity(entry: &fs::DirEntry, _dir_dev: u64) -> (u64, u64) {
    fs::metadata(entry.path()).map(|m| identity(&m)).unwrap_or((0, 0))
}

/// Whether symbolic links that lead out of the feed's folder are followed
/// (`follow_links_outside = true` in the config). Off by default: a folder
/// of posts someone else made is as untrusted as a synced one, and a link
/// in it must not make the reader read `/etc` or another feed's posts.
pub static FOLLOW_LINKS_OUTSIDE: AtomicBool = AtomicBool::new(false);

fn warning(path: &Path, message: String) -> Problem {
    Problem { path: path.to_path_buf(), line: None, severity: Severity::Warning, message }
}

/// Every post file below `root`, each real file once; symbolic links are
/// followed (those that stay inside `root` unless [`FOLLOW_LINKS_OUTSIDE`])
/// and loops cut. Hidden entries (`.git`, `.cache`) are skipped; a link
/// that leads outside, and a `*.md` that is no regular file (a FIFO, a
/// device), are skipped with a warning naming them.
pub fn walk(root: &Path) -> (Vec<PathBuf>, Vec<Problem>) {
    let (files, problems, _) = walk_dirs(root);
    (files, problems)
}

/// As [`walk`], also giving every folder read and its modification time.
pub fn walk_dirs(root: &Path) -> (Vec<PathBuf>, Vec<Problem>, Vec<(PathBuf, i64)>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut dirs = Vec::new();
    let mut seen = HashSet::new();
    let mut stack = Vec::new();
    let outside_ok = FOLLOW_LINKS_OUTSIDE.load(Ordering::Relaxed);
    let real_root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    if let Ok(m) = fs::metadata(root) {
        seen.insert(identity(&m));
        stack.push((root.to_path_buf(), identity(&m).0));
        dirs.push((root.to_path_buf(), cache::mtime_ns(&m)));
    }
    while let Some((dir, dir_dev)) = stack.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                problems.push(error(&dir, None, format!("cannot read this folder: {e}")));
                continue;
            }
        };
        let mut children: Vec<fs::DirEntry> = entries.flatten().collect();
        children.sort_by_key(|e| e.file_name());
        // A leaf bundle (a folder below the root with an `index.md`) is one
        // post; its other files and folders are that post's resources.
        if dir != root
            && let Some(index) =
                children.iter().position(|e| e.file_name().to_str().is_some_and(hugo::is_leaf_index))
        {
            children = vec![children.swap_remove(index)];
        }
        for entry in children.into_iter().rev() {
            let path = entry.path();
            if entry.file_name().to_str().is_some_and(|n| n.starts_with('.')) {
                continue;
            }
            // The entry's own type needs no extra system call; only symbolic
            // links are followed with a stat of their target.
            let Ok(kind) = entry.file_type() else { continue };
            // Folders (few) are always stat'ed, so their device is exact.
            if kind.is_symlink() && !outside_ok {
                match fs::canonicalize(&path) {
                    Ok(target) if !target.starts_with(&real_root) => {
                        let shown = crate::text::sanitize::path_shown(&target.to_string_lossy());
                        problems.push(warning(
                            &path,
                            format!(
                                "this link leads outside the feed folder (to {shown}): not followed \
                                 (follow_links_outside = true in the config follows it)"
                            ),
                        ));
                        continue;
                    }
                    _ => {}
                }
            }
            let (is_dir, id) = if kind.is_symlink() || kind.is_dir() {
                match fs::metadata(&path) {
                    Ok(m) if m.is_dir() => {
                        if !seen.contains(&identity(&m)) {
                            dirs.push((path.clone(), cache::mtime_ns(&m)));
                        }
                        (true, identity(&m))
                    }
                    Ok(m) if m.is_file() => (false, identity(&m)),
                    Ok(_) => {
                        if is_post_file(&path) {
                            problems.push(not_a_file(&path));
                        }
                        continue;
                    }
                    Err(e) => {
                        if is_post_file(&path) {
                            problems.push(error(&path, None, format!("cannot read this file: {e}")));
                        }
                        continue;
                    }
                }
            } else if kind.is_file() {
                (false, entry_identity(&entry, dir_dev))
            } else {
                if is_post_file(&path) {
                    problems.push(not_a_file(&path));
                }
                continue;
            };
            if is_dir {
                if seen.insert(id) {
                    stack.push((path, id.0));
                }
            } else if is_post_file(&path) && seen.insert(id) {
                files.push(path);
            }
        }
    }
    files.sort();
    (files, problems, dirs)
}

/// A `*.md` that is a FIFO, a socket or a device: never opened (reading a
/// FIFO would wait for ever).
fn not_a_file(path: &Path) -> Problem {
    warning(path, "not a regular file (a FIFO, socket or device): skipped".into())
}
/// Whether `dir` is a folder that can be read.
pub fn check_dir(dir: &Path) -> Result<(), LoadError> {
    let meta = fs::metadata(dir).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => LoadError::NotFound(dir.to_path_buf()),
        _ => LoadError::Unreadable(dir.to_path_buf(), e),
    })?;
    if !meta.is_dir() {
        return Err(LoadError::NotADir(dir.to_path_buf()));
    }
    fs::read_dir(dir).map_err(|e| LoadError::Unreadable(dir.to_path_buf(), e))?;
    Ok(())
}
