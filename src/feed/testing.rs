//! What the loader's unit tests share: feed files written into a folder.

use std::fs;
use std::path::Path;

/// A temporary folder with a feed folder in it (`feed`, returned with it)
/// that holds a section page: `blog/_index.md`, titled "The Blog".
pub(super) fn feed_with_a_blog() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("feed");
    write(&dir, "blog/_index.md", "---\ntitle: The Blog\n---\n");
    (tmp, dir)
}

/// Writes `text` to `dir/rel`, making its folders.
pub(super) fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("mkdir");
    }
    fs::write(path, text).expect("write");
}

/// Sets every folder below `dir` (and `dir`) an hour back: folders the
/// cache can trust as unchanged (not within a second of its writing).
pub(super) fn backdate_folders(dir: &Path) {
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for entry in fs::read_dir(dir).expect("read_dir").flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            backdate_folders(&entry.path());
        }
    }
    fs::File::open(dir).expect("open folder").set_modified(hour_ago).expect("set folder mtime");
}
