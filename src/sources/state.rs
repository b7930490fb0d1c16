//! Read state across machines: the read and starred marks shared through a
//! git repository of the user's own (`[state] git = "URL"`), no server.
//!
//! The layout needs no merge by git: each device writes only its own file,
//! `devices/NAME/marks.jsonl` (a header line, then every mark this device
//! knows, one record per key and field, sorted), so two machines pushing
//! never touch the same file. A sync fetches, takes from every other
//! device's file each mark that wins by the merge rule
//! ([`crate::store::marks::Marks::is_won_by`]: the later stamp, then the
//! mark set), writes its own file anew, commits and pushes; a push another
//! machine beat is tried again from the fetch, a few times.
//!
//! The clock rule: a mark is stamped by a hybrid logical clock
//! (`Store::append`): this machine's time, or just after the latest stamp it
//! has seen when that is later. A machine whose clock runs a day ahead
//! wins only over changes made before anyone saw its marks; a change made
//! after a sync that brought them is stamped after them, and wins.
//!
//! The local log is never rewritten by a sync: marks from other devices
//! are appended to it as any change is, so a sync that fails or is killed
//! at any point loses no mark, and the next one completes. The working
//! copy (`$XDG_DATA_HOME/linkfeed/state/`) is set to the remote's branch at
//! every sync, whatever a killed sync left in it.

use super::git::{SyncError, git, run};
use crate::store::marks::{self, Record};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The state repository of the config file's `[state]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateRepo {
    /// Any address a feed's `git` may be.
    pub url: String,
    /// This machine's name in the repository (`devices/NAME/`).
    pub device: String,
}

/// The branch the state is kept on.
const BRANCH: &str = "main";

/// A push beaten by another machine's is tried again (fetch, merge, push)
/// this many times.
const ATTEMPTS: usize = 6;

/// How long a sync waits for another one of this machine to finish.
const LOCK_WAIT: Duration = Duration::from_secs(20);

/// The first line of a device's file: which format the rest is in.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    linkfeed_marks: u32,
    device: String,
}

/// The format of the devices' files.
const FORMAT: u32 = 1;

/// What a sync did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StateSynced {
    /// Marks that came in, by the device whose file held them (only those
    /// that changed a mark here).
    pub came: Vec<(String, usize)>,
    /// This device's file was pushed (it had changed).
    pub pushed: bool,
    /// Another sync of this machine was running: nothing done.
    pub busy: bool,
    /// Files or lines of the repository that could not be read (skipped):
    /// each with its path and why.
    pub damaged: Vec<String>,
}

impl std::fmt::Display for StateSynced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.busy {
            return write!(f, "marks: another sync is running");
        }
        let came: Vec<String> = self
            .came
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(d, n)| format!("{n} mark{} from {d}", if *n == 1 { "" } else { "s" }))
            .collect();
        match (came.is_empty(), self.pushed) {
            (true, false) => write!(f, "marks: up to date")?,
            (true, true) => write!(f, "marks: sent")?,
            (false, _) => write!(f, "marks: {}", came.join(", "))?,
        }
        if !self.damaged.is_empty() {
            write!(f, " ({} damaged in the repository, skipped: {})", self.damaged.len(), self.damaged[0])?;
        }
        Ok(())
    }
}

/// Why a state sync failed. Nothing local is lost by any of them.
#[derive(Debug, thiserror::Error)]
pub enum StateSyncError {
    #[error(transparent)]
    Git(#[from] SyncError),
    #[error("neither XDG_STATE_HOME nor HOME is set: no place for the marks")]
    NoStateFolder,
    #[error("neither XDG_DATA_HOME nor HOME is set: no place for the state repository")]
    NoDataFolder,
    #[error("{}: {source}", path.display())]
    File { path: PathBuf, source: io::Error },
    #[error("the push was beaten by other machines {0} times: try again")]
    Contended(usize),
}

fn file_error(path: &Path) -> impl FnOnce(io::Error) -> StateSyncError + '_ {
    move |source| StateSyncError::File { path: path.to_path_buf(), source }
}

/// This machine's name: the host name, made a folder name (letters,
/// digits, `-`, `_`, `.`), else `this-machine`.
pub fn default_device() -> String {
    let raw = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .or_else(|| fs::read_to_string("/etc/hostname").ok())
        .unwrap_or_default();
    device_name(&raw).unwrap_or_else(|| "this-machine".into())
}

/// `raw` as a device name: its first line, characters outside letters,
/// digits, `-`, `_` and `.` made `-`; `None` when nothing is left.
pub fn device_name(raw: &str) -> Option<String> {
    let line = raw.lines().next().unwrap_or("").trim();
    let name: String = line
        .chars()
        .take(64)
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '-' })
        .collect();
    let name = name.trim_start_matches('.').to_string();
    (!name.is_empty() && name.chars().any(|c| c.is_ascii_alphanumeric())).then_some(name)
}

/// Where the working copy of the state repository is kept.
pub fn work_dir() -> Option<PathBuf> {
    crate::store::paths::dir(crate::store::paths::Base::Data).map(|d| d.join("state"))
}

/// Syncs this machine's marks with `repo` (the marks' folder and the
/// working copy where the environment puts them).
pub fn sync_here(repo: &StateRepo) -> Result<StateSynced, StateSyncError> {
    let state = marks::default_dir().ok_or(StateSyncError::NoStateFolder)?;
    let work = work_dir().ok_or(StateSyncError::NoDataFolder)?;
    sync(repo, &state, &work, &user_auth())
}

/// Syncs the marks in `state_dir` (the marks' folder) with `repo` through
/// the working copy `work`, git told `auth` (`-c` settings) when it talks
/// to the remote.
pub fn sync(
    repo: &StateRepo,
    state_dir: &Path,
    work: &Path,
    auth: &[String],
) -> Result<StateSynced, StateSyncError> {
    fs::create_dir_all(work).map_err(file_error(work))?;
    let lock_path = work.with_extension("lock");
    let poll = Duration::from_millis(50);
    let Some(_lock) =
        crate::store::paths::lock_waiting(&lock_path, LOCK_WAIT, poll).map_err(file_error(&lock_path))?
    else {
        return Ok(StateSynced { busy: true, ..StateSynced::default() });
    };
    prepare(work, &repo.url)?;
    let (mut store, mut kept, _) = marks::Store::open(state_dir).map_err(file_error(state_dir))?;
    let mut done = StateSynced::default();
    let mut came: BTreeMap<String, usize> = BTreeMap::new();
    for _ in 0..ATTEMPTS {
        fetch(work, auth)?;
        let (others, damaged) = read_devices(work, &repo.device);
        done.damaged = damaged;
        for (device, records) in others {
            let n = store.import(&mut kept, records).map_err(file_error(&store.log()))?;
            *came.entry(device).or_default() += n;
        }
        write_own(work, &repo.device, &kept.records())?;
        if !commit(work, &repo.device, kept.len())? {
            done.came = came.into_iter().collect();
            return Ok(done);
        }
        let mut push = remote_git(work, auth);
        push.args(["push", "--no-verify", "--quiet", "origin", &format!("HEAD:refs/heads/{BRANCH}")]);
        match run(push) {
            Ok(_) => {
                done.pushed = true;
                done.came = came.into_iter().collect();
                return Ok(done);
            }
            // Another machine pushed since the fetch: fetch, merge, push again.
            Err(SyncError::Git(why)) if rejected(&why) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(StateSyncError::Contended(ATTEMPTS))
}

/// What of the user's own git configuration the state repository's
/// fetches and pushes use (everything else is ignored, as for feeds): each
/// `credential.helper` (a private https repository's password or token)
/// and `core.sshCommand`. An ssh key needs nothing: ssh reads `~/.ssh`.
pub fn user_auth() -> Vec<String> {
    let get = |key: &str| -> Vec<String> {
        std::process::Command::new("git")
            .args(["config", "--global", "--get-all", key])
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).lines().map(str::to_string).collect())
            .unwrap_or_default()
    };
    let mut args = Vec::new();
    for helper in get("credential.helper") {
        args.extend(["-c".to_string(), format!("credential.helper={helper}")]);
    }
    if let Some(ssh) = get("core.sshCommand").pop() {
        args.extend(["-c".to_string(), format!("core.sshCommand={ssh}")]);
    }
    args
}

/// `git` in `work` for a command that talks to the remote.
fn remote_git(work: &Path, auth: &[String]) -> std::process::Command {
    let mut c = git(work);
    c.args(auth);
    c
}

/// Whether git's reason says the push lost a race (the remote moved).
fn rejected(why: &str) -> bool {
    [
        "rejected",
        "non-fast-forward",
        "fetch first",
        "stale info",
        "cannot lock ref",
        "failed to update ref",
        "failed to push some refs",
    ]
    .iter()
    .any(|w| why.contains(w))
}

/// A working copy at `work` whose remote is `url`: made when missing; what a
/// killed git left behind (its lock files) cleared (no other sync of ours
/// runs: we hold the lock).
fn prepare(work: &Path, url: &str) -> Result<(), StateSyncError> {
    // A copy a killed `git init` left half made is no repository: the copy
    // holds nothing the remote and the local log do not, so it is made anew.
    let mut check = git(work);
    check.args(["rev-parse", "--is-inside-work-tree"]);
    if work.join(".git").exists() && run(check).is_err() {
        fs::remove_dir_all(work).map_err(file_error(work))?;
        fs::create_dir_all(work).map_err(file_error(work))?;
    }
    if !work.join(".git").is_dir() {
        let mut init = git(work);
        init.args(["init", "--quiet", "--initial-branch", BRANCH]);
        run(init)?;
    }
    for stale in ["index.lock", "HEAD.lock", "config.lock", "shallow.lock"] {
        let _ = fs::remove_file(work.join(".git").join(stale));
    }
    let _ = fs::remove_file(work.join(".git/refs/heads").join(format!("{BRANCH}.lock")));
    let _ = fs::remove_file(work.join(".git/refs/remotes/origin").join(format!("{BRANCH}.lock")));
    let mut get = git(work);
    get.args(["config", "--get", "remote.origin.url"]);
    match run(get) {
        Ok(have) if have.trim() == url => {}
        Ok(_) => {
            let mut set = git(work);
            set.args(["remote", "set-url", "origin", "--", url]);
            run(set)?;
        }
        Err(_) => {
            let mut add = git(work);
            add.args(["remote", "add", "origin", "--", url]);
            run(add)?;
        }
    }
    Ok(())
}

/// Fetches the remote's branch and sets the working copy to it (or to an
/// empty tree when the remote has none yet); whether it had one.
fn fetch(work: &Path, auth: &[String]) -> Result<bool, StateSyncError> {
    let mut ls = remote_git(work, auth);
    ls.args(["ls-remote", "--heads", "origin", &format!("refs/heads/{BRANCH}")]);
    let has = !run(ls)?.trim().is_empty();
    if has {
        let mut fetch = remote_git(work, auth);
        fetch.args([
            "fetch",
            "--quiet",
            "--no-tags",
            "--no-recurse-submodules",
            "origin",
            &format!("+refs/heads/{BRANCH}:refs/remotes/origin/{BRANCH}"),
        ]);
        run(fetch)?;
        let mut reset = git(work);
        reset.args([
            "checkout",
            "--quiet",
            "--force",
            "-B",
            BRANCH,
            &format!("refs/remotes/origin/{BRANCH}"),
        ]);
        run(reset)?;
    } else {
        // Nothing pushed yet: start from no commit (one a killed sync made
        // is dropped; it is made again from the marks).
        let mut unborn = git(work);
        unborn.args(["symbolic-ref", "HEAD", &format!("refs/heads/{BRANCH}")]);
        run(unborn)?;
        let mut drop = git(work);
        drop.args(["update-ref", "-d", &format!("refs/heads/{BRANCH}")]);
        let _ = run(drop);
        let mut empty = git(work);
        empty.args(["read-tree", "--empty"]);
        run(empty)?;
    }
    let mut clean = git(work);
    clean.args(["clean", "--quiet", "-d", "--force", "-x"]);
    run(clean)?;
    Ok(has)
}

/// The records of every other device's file, by device, and what could not
/// be read (a file in another format, a damaged line), each with its path.
fn read_devices(work: &Path, me: &str) -> (Vec<(String, Vec<Record>)>, Vec<String>) {
    let mut out = Vec::new();
    let mut damaged = Vec::new();
    let Ok(entries) = fs::read_dir(work.join("devices")) else { return (out, damaged) };
    let mut names: Vec<String> = entries.flatten().filter_map(|e| e.file_name().into_string().ok()).collect();
    names.sort();
    for name in names.into_iter().filter(|n| n != me) {
        let rel = format!("devices/{name}/marks.jsonl");
        match read_device(&work.join(&rel)) {
            Ok((records, bad)) => {
                damaged.extend(bad.into_iter().map(|line| format!("{rel}:{line}: not a mark")));
                out.push((name, records));
            }
            Err(why) => damaged.push(format!("{rel}: {why}")),
        }
    }
    (out, damaged)
}

/// Why a device's file is skipped.
#[derive(Debug, thiserror::Error)]
enum DeviceFileError {
    #[error("{0}")]
    Unreadable(io::Error),
    #[error("another version's format ({0}); skipped")]
    OtherFormat(u32),
    #[error("not a linkfeed marks file; skipped")]
    NotMarks,
}

/// A device's file: its records and the numbers of the lines that are not.
fn read_device(path: &Path) -> Result<(Vec<Record>, Vec<usize>), DeviceFileError> {
    let text = match fs::read(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
        Err(e) => return Err(DeviceFileError::Unreadable(e)),
    };
    let text = String::from_utf8_lossy(&text);
    let mut lines = text.lines();
    let header: Option<Header> = lines.next().and_then(|l| serde_json::from_str(l).ok());
    match header {
        Some(h) if h.linkfeed_marks == FORMAT => {}
        Some(h) => return Err(DeviceFileError::OtherFormat(h.linkfeed_marks)),
        None => return Err(DeviceFileError::NotMarks),
    }
    let (mut records, mut bad) = (Vec::new(), Vec::new());
    for (i, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Record>(line) {
            Ok(r) => records.push(r),
            Err(_) => bad.push(i + 2),
        }
    }
    Ok((records, bad))
}

/// This device's file written anew with `records` (only when they differ
/// from what it holds, so an unchanged state makes no commit).
fn write_own(work: &Path, me: &str, records: &[Record]) -> Result<(), StateSyncError> {
    let dir = work.join("devices").join(me);
    fs::create_dir_all(&dir).map_err(file_error(&dir))?;
    let path = dir.join("marks.jsonl");
    let header = Header { linkfeed_marks: FORMAT, device: me.to_string() };
    let mut text = serde_json::to_vec(&header).map_err(|e| file_error(&path)(io::Error::other(e)))?;
    text.push(b'\n');
    for r in records {
        serde_json::to_writer(&mut text, r).map_err(|e| file_error(&path)(io::Error::other(e)))?;
        text.push(b'\n');
    }
    if fs::read(&path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    fs::write(&path, text).map_err(file_error(&path))
}

/// Commits this device's file when it changed; whether there was a commit.
fn commit(work: &Path, me: &str, marks: usize) -> Result<bool, StateSyncError> {
    let mut add = git(work);
    add.args(["add", "--", &format!("devices/{me}")]);
    run(add)?;
    let mut status = git(work);
    status.args(["status", "--porcelain", "--", &format!("devices/{me}")]);
    if run(status)?.trim().is_empty() {
        return Ok(false);
    }
    let mut commit = git(work);
    commit
        .args(["-c", &format!("user.name=linkfeed on {me}"), "-c", &format!("user.email=linkfeed@{me}")])
        .args(["commit", "--quiet", "--no-verify", "--no-gpg-sign", "-m", &format!("{me}: {marks} marks")]);
    run(commit)?;
    Ok(true)
}

/// A device seen in the state repository's working copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub name: String,
    /// The marks its file holds.
    pub marks: usize,
    /// When its file was last pushed (seconds since the epoch), when known.
    pub pushed_at: Option<i64>,
}

/// The devices the last sync saw (from the working copy; nothing fetched).
pub fn devices(work: &Path) -> Vec<Device> {
    let Ok(entries) = fs::read_dir(work.join("devices")) else { return Vec::new() };
    let mut names: Vec<String> = entries.flatten().filter_map(|e| e.file_name().into_string().ok()).collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let rel = format!("devices/{name}/marks.jsonl");
            let marks = read_device(&work.join(&rel)).map_or(0, |(r, _)| r.len());
            let mut log = git(work);
            log.args(["log", "-1", "--format=%ct", "--", &rel]);
            let pushed_at = run(log).ok().and_then(|t| t.trim().parse().ok());
            Device { name, marks, pushed_at }
        })
        .collect()
}
