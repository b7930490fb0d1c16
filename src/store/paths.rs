//! Where linkfeed keeps its files: the XDG base directories, through the
//! `etcetera` crate, each with a `linkfeed` folder. `$XDG_CONFIG_HOME`,
//! `$XDG_STATE_HOME`, `$XDG_CACHE_HOME` and `$XDG_DATA_HOME` win when set to an
//! absolute path; otherwise `~/.config`, `~/.local/state`, `~/.cache` and
//! `~/.local/share`. The XDG rule is used on every platform, so the README's
//! paths hold everywhere.
//!
//! Also how a file there is replaced whole ([`replace_file`]).
//!
//! A leaf: it imports nothing else of the crate.

use etcetera::base_strategy::{BaseStrategy, Xdg};
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

/// The kinds of file linkfeed keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// `config.toml`.
    Config,
    /// The read state: what the user did.
    State,
    /// What can be rebuilt at any time.
    Cache,
    /// What was fetched.
    Data,
}

/// The `linkfeed` folder under `base`; `None` when no home folder can be found.
pub fn dir(base: Base) -> Option<PathBuf> {
    let xdg = Xdg::new().ok()?;
    let root = match base {
        Base::Config => xdg.config_dir(),
        Base::State => xdg.state_dir()?,
        Base::Cache => xdg.cache_dir(),
        Base::Data => xdg.data_dir(),
    };
    Some(root.join("linkfeed"))
}

/// `FILE` in the `linkfeed` folder under `base`.
pub fn file(base: Base, name: &str) -> Option<PathBuf> {
    dir(base).map(|d| d.join(name))
}

/// Replaces the file at `path` with what `write` puts in a new one: written
/// beside it under a temporary name (`.NAME.PID.N.tmp`, in the same folder,
/// which is made if missing), flushed to disk, then renamed over it (and the
/// folder flushed), so a reader finds the old file or the new one whole,
/// never a part, even after a power cut. When anything fails the temporary
/// file is removed. The one way the project replaces a file.
pub fn replace_file(path: &Path, write: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    replace(path, write, true)
}

/// Takes the advisory lock of the file at `path` (made when missing; the
/// system lets go of it when its process dies), waiting up to `wait` with a
/// look every `poll`: the open file holding it, or `None` when another
/// process still holds it.
pub fn lock_waiting(
    path: &Path,
    wait: std::time::Duration,
    poll: std::time::Duration,
) -> io::Result<Option<File>> {
    let lock = fs::OpenOptions::new().create(true).truncate(false).write(true).open(path)?;
    let waited = std::time::Instant::now();
    loop {
        match lock.try_lock() {
            Ok(()) => return Ok(Some(lock)),
            Err(fs::TryLockError::WouldBlock) if waited.elapsed() < wait => std::thread::sleep(poll),
            Err(fs::TryLockError::WouldBlock) => return Ok(None),
            Err(fs::TryLockError::Error(e)) => return Err(e),
        }
    }
}

/// As [`replace_file`] without the fsyncs, for what can be rebuilt (the
/// parse cache, the search index): a power cut may lose the new copy, never
/// tear it (its readers check a CRC and rebuild), and a start does not wait
/// for a 100 MB file to reach the disk.
pub fn replace_cache_file(path: &Path, write: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    replace(path, write, false)
}

fn replace(path: &Path, write: impl FnOnce(&mut File) -> io::Result<()>, durable: bool) -> io::Result<()> {
    static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let dir = path.parent().ok_or_else(|| io::Error::other(format!("{} has no folder", path.display())))?;
    fs::create_dir_all(dir)?;
    let name = path.file_name().map_or("file".into(), |n| n.to_string_lossy());
    remove_orphans(dir, &name);
    // Unique per process and per write: two threads replacing the same
    // file never share a temporary one.
    let serial = SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}.{serial}.tmp", std::process::id()));
    let result = File::create(&tmp)
        .and_then(|mut f| {
            write(&mut f)?;
            if durable { f.sync_all() } else { Ok(()) }
        })
        .and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    } else if durable && let Ok(d) = File::open(dir) {
        // The rename itself reaches the disk.
        let _ = d.sync_all();
    }
    result
}

/// Removes the temporary files of earlier writes of `name` in `dir` whose
/// process is gone (killed while writing): `.NAME.PID[.N].tmp` with no process
/// PID. Another live writer's file is left alone.
fn remove_orphans(dir: &Path, name: &str) {
    remove_orphans_matching(dir, |file| file.strip_prefix(&format!(".{name}.")).map(str::to_string));
}

/// Removes every temporary file of [`replace_file`]'s in `dir` whose process
/// is gone, whatever file it was to replace (the parse cache, its saved
/// order, the search index): once per process and folder, from whichever
/// command first uses the folder, so a write killed half-way leaves no
/// file behind for long.
pub fn sweep_orphans_once(dir: &Path) {
    static SWEPT: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());
    if let Ok(mut swept) = SWEPT.lock() {
        if swept.iter().any(|d| d == dir) {
            return;
        }
        swept.push(dir.to_path_buf());
    }
    // `.NAME.PID.N.tmp`: what follows the name is the PID, then a serial.
    remove_orphans_matching(dir, |file| {
        let inner = file.strip_prefix('.')?.strip_suffix(".tmp")?;
        let mut parts = inner.rsplitn(3, '.');
        let (serial, pid) = (parts.next()?, parts.next()?);
        parts.next()?;
        serial.parse::<u64>().ok()?;
        Some(format!("{pid}.tmp"))
    });
}

/// Removes the files of `dir` for which `rest` gives `PID[.N].tmp` (what
/// follows the file's own name) with no process PID.
fn remove_orphans_matching(dir: &Path, rest: impl Fn(&str) -> Option<String>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let file = e.file_name();
        let Some(pid) = file
            .to_str()
            .and_then(&rest)
            .as_deref()
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|rest| rest.split('.').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Whether process `pid` exists (on Linux, by `/proc`; elsewhere it is
/// assumed alive, so nothing is removed).
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") { Path::new("/proc").join(pid.to_string()).exists() } else { true }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sweep_removes_every_dead_writers_temporary_file_and_nothing_else() {
        let d = tempfile::tempdir().expect("tempdir");
        let dead = 4_000_000_000u32;
        let names = [
            format!(".0123456789abcdef.index.{dead}.3.tmp"),
            format!(".0123456789abcdef.bin.{dead}.0.tmp"),
            format!(".0123456789abcdef.order.{dead}.12.tmp"),
        ];
        let keep = [
            format!(".0123456789abcdef.index.{}.0.tmp", std::process::id()),
            "0123456789abcdef.index".to_string(),
            "notes.tmp".to_string(),
            ".a.b.tmp".to_string(),
        ];
        for n in names.iter().chain(&keep) {
            fs::write(d.path().join(n), b"x").expect("write");
        }
        sweep_orphans_once(d.path());
        for n in &names {
            assert!(!d.path().join(n).exists(), "{n} is left");
        }
        for n in &keep {
            assert!(d.path().join(n).exists(), "{n} is removed");
        }
    }

    #[test]
    fn a_replaced_file_is_old_or_new_and_a_failed_write_leaves_no_trace() {
        let d = tempfile::tempdir().expect("tempdir");
        let path = d.path().join("sub").join("f.bin");
        replace_file(&path, |f| io::Write::write_all(f, b"one")).expect("first");
        replace_file(&path, |f| io::Write::write_all(f, b"two")).expect("second");
        assert_eq!(fs::read(&path).expect("read"), b"two");
        let failed = replace_file(&path, |f| {
            io::Write::write_all(f, b"half")?;
            Err(io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read(&path).expect("read"), b"two", "the old file stands");
        let left: Vec<_> = fs::read_dir(path.parent().expect("folder")).expect("list").flatten().collect();
        assert_eq!(left.len(), 1, "no temporary file left");
    }

    /// Issue 21: a killed write's temporary file goes at the next write;
    /// a live writer's stays.
    #[test]
    fn the_next_write_removes_the_temporary_files_of_dead_writers() {
        let d = tempfile::tempdir().expect("tempdir");
        let path = d.path().join("cache.bin");
        // A process that has exited: its PID is free (for now).
        let mut child = std::process::Command::new("true").spawn().expect("spawn true");
        let dead = child.id();
        child.wait().expect("wait");
        let orphan = d.path().join(format!(".cache.bin.{dead}.tmp"));
        fs::write(&orphan, vec![0u8; 1 << 20]).expect("orphan");
        let live = d.path().join(format!(".cache.bin.{}.tmp", std::process::id()));
        let other = d.path().join(".other.bin.1.tmp");
        fs::write(&other, b"not ours").expect("other");
        replace_file(&path, |f| io::Write::write_all(f, b"new")).expect("write");
        assert!(!orphan.exists() || process_alive(dead), "the dead writer's file is gone");
        assert!(!live.exists(), "our own temporary file became the file");
        assert!(other.exists(), "another file's temporaries are not looked at");
    }

    #[test]
    fn every_base_is_a_linkfeed_folder() {
        // The environment is shared by the test threads: only read it here.
        for base in [Base::Config, Base::State, Base::Cache, Base::Data] {
            if let Some(d) = dir(base) {
                assert!(d.ends_with("linkfeed"), "{base:?}: {}", d.display());
                assert!(d.is_absolute(), "{base:?}: {}", d.display());
            }
        }
    }
}
