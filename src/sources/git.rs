//! Following a feed where it lives: a git repository, fetched with the `git`
//! program into `$XDG_DATA_HOME/linkfeed/feeds/NAME/`.
//!
//! Why the `git` program and not `gix`: it is on every machine that has a
//! feed repository, it speaks every transport and credential set-up the user
//! already has working, and it adds nothing to the build (gix is some 200
//! crates). It is run with an argument list, never a shell; the URL comes
//! after `--`; the user's and the system's git configuration are not read
//! (`GIT_CONFIG_GLOBAL=/dev/null`, `GIT_CONFIG_NOSYSTEM`), so no hook, filter
//! driver, fsmonitor or credential helper runs; submodules are never
//! fetched; symbolic links are written as plain files; and it never prompts.
//!
//! Layout of a feed's folder:
//! - `repo.git/`: a bare, shallow repository; the fetched tip is the ref
//!   `refs/linkfeed/tip`.
//! - `trees/<commit>/`: a checked-out copy of one commit.
//! - `current`: a symbolic link to the tree being read, replaced atomically
//!   (a new link renamed over it) once a new tree is complete, so a sync that
//!   fails at any point (no network, a remote gone, a full disk, a kill)
//!   leaves the last good copy readable and unchanged.
//! - `sync.json`: the last sync ([`super::newness`]): when, which commit,
//!   what it added, changed and removed (the added posts are "new": `is:new`).

pub use super::newness::content_dir;
use super::newness::{Report, SyncState, load_state, write_state};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A feed kept in a git repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitFeed {
    pub name: String,
    pub url: String,
    /// The folder inside the repository that holds the posts ("" for all).
    pub path: String,
    /// The branch to follow; `None` follows the remote's default branch.
    pub branch: Option<String>,
}

/// Where the feeds' copies live.
pub fn feeds_dir() -> Option<PathBuf> {
    crate::store::paths::dir(crate::store::paths::Base::Data).map(|d| d.join("feeds"))
}

/// A feed name usable as a folder name: letters, digits, `-`, `_`, `.`,
/// not starting with a dot.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name.len() <= 100
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

pub use super::error::{SyncError, file_error};

/// Whether `url` is a repository address git should be given: `https://`,
/// `http://`, `ssh://`, `git://`, `file://`, or `user@host:path`. Never an
/// option, never `ext::` or another transport helper.
pub fn valid_url(url: &str) -> Result<(), SyncError> {
    if url.starts_with('-') || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(SyncError::NotAnAddress(url.to_string()));
    }
    let scheme_ok = ["https://", "http://", "ssh://", "git://", "file://"].iter().any(|s| url.starts_with(s));
    let scp_like = !url.contains("://")
        && !url.contains("::")
        && url.split_once(':').is_some_and(|(host, _)| host.contains('@') && !host.contains('/'));
    if scheme_ok || scp_like { Ok(()) } else { Err(SyncError::UnknownScheme(url.to_string())) }
}

/// A git command with the safety settings, in `dir`.
pub(super) fn git(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "true")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .args(["-c", "core.hooksPath=/dev/null", "-c", "core.symlinks=false", "-c", "core.fsmonitor=false"])
        .args([
            "-c",
            "protocol.ext.allow=never",
            "-c",
            "submodule.recurse=false",
            "-c",
            "advice.detachedHead=false",
        ])
        .stdin(Stdio::null());
    c
}

/// Runs `cmd`; its stdout, or its last line of stderr as the error.
pub(super) fn run(mut cmd: Command) -> Result<String, SyncError> {
    let out = cmd.output().map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound { SyncError::NoGit } else { SyncError::CannotRunGit(e) }
    })?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    Err(SyncError::Git(git_reason(&String::from_utf8_lossy(&out.stderr))))
}

/// The line of git's stderr that says what is wrong: the first `fatal:` or
/// `error:` line (git's last line is often advice: "and the repository
/// exists.", "remove the file manually to continue."), else the last line.
fn git_reason(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let line = lines
        .iter()
        .find(|l| l.starts_with("fatal:") || l.starts_with("error:"))
        .or(lines.last())
        .copied()
        .unwrap_or("git failed");
    let line = line.trim_start_matches("fatal: ").trim_start_matches("error: ");
    crate::text::sanitize::truncate_chars(&crate::text::sanitize::one_line(line), 300)
}

/// What a sync goes through, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Fetching,
    CheckingOut,
    Done,
}

/// Fetches `feed` into `dir` (its folder under [`feeds_dir`]) and makes the
/// fetched tree current. On any failure the previous copy is left as it was.
///
/// Syncs of one feed are serialised by `sync.lock` (an advisory lock the
/// system lets go of when its process dies): a second one waits up to
/// [`LOCK_WAIT`], then reports the feed busy and does nothing.
pub fn sync(feed: &GitFeed, dir: &Path, progress: &dyn Fn(Step)) -> Result<Report, SyncError> {
    valid_url(&feed.url)?;
    super::newness::locked(dir, &feed.name, || sync_locked(feed, dir, progress))
}

pub use super::newness::LOCK_WAIT;

/// Git's lock files in `repo` (and the checkout's index beside it) left by a
/// sync that was killed with its git children. Only ever called under the
/// feed's own lock, so no live git of ours holds them.
fn remove_stale_git_locks(dir: &Path, repo: &Path) {
    for name in
        ["shallow.lock", "index.lock", "packed-refs.lock", "config.lock", "HEAD.lock", "FETCH_HEAD.lock"]
    {
        let _ = fs::remove_file(repo.join(name));
    }
    fn refs(d: &Path) {
        let Ok(entries) = fs::read_dir(d) else { return };
        for e in entries.flatten() {
            let p = e.path();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                refs(&p);
            } else if p.extension().is_some_and(|x| x == "lock") {
                let _ = fs::remove_file(&p);
            }
        }
    }
    refs(&repo.join("refs"));
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("index.") && (name.ends_with(".tmp") || name.ends_with(".lock")) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

fn sync_locked(feed: &GitFeed, dir: &Path, progress: &dyn Fn(Step)) -> Result<Report, SyncError> {
    let repo = dir.join("repo.git");
    remove_stale_git_locks(dir, &repo);
    let previous = load_state(dir).filter(|_| dir.join("current").exists());
    if !repo.join("HEAD").exists() {
        // A half-made repository from an interrupted first sync: start again.
        let _ = fs::remove_dir_all(&repo);
        let tmp = dir.join("repo.git.tmp");
        let _ = fs::remove_dir_all(&tmp);
        let mut init = git(dir);
        init.args(["init", "--quiet", "--bare", "repo.git.tmp"]);
        run(init)?;
        fs::rename(&tmp, &repo).map_err(file_error(&repo))?;
    }
    progress(Step::Fetching);
    let src = match &feed.branch {
        Some(b) => format!("+refs/heads/{b}:refs/linkfeed/tip"),
        None => "+HEAD:refs/linkfeed/tip".to_string(),
    };
    let fetch = |extra: &[&str]| {
        let mut c = git(&repo);
        c.args(["fetch", "--quiet", "--no-tags", "--no-recurse-submodules", "--no-write-fetch-head"]);
        c.args(extra).args(["--", &feed.url, &src]);
        run(c)
    };
    // After the first sync, fetch what came since the last one (so a
    // rewritten history shows as such); the first time, the tip alone.
    let since = previous.as_ref().and_then(|p| chrono::DateTime::parse_from_rfc3339(&p.commit_date).ok());
    match since {
        Some(d) => {
            let arg = format!("--shallow-since={}", d.timestamp() - 86_400);
            if fetch(&[&arg]).is_err() {
                fetch(&["--depth=1"])?;
            }
        }
        None => {
            fetch(&["--depth=1"])?;
        }
    }
    let commit = {
        let mut c = git(&repo);
        c.args(["rev-parse", "--verify", "refs/linkfeed/tip^{commit}"]);
        run(c)?.trim().to_string()
    };
    let commit_date = {
        let mut c = git(&repo);
        c.args(["show", "-s", "--format=%cI", &commit]);
        run(c)?.trim().to_string()
    };
    let sub = feed.path.trim_matches('/').to_string();
    // What changed in the posts' folder, relative to it.
    let strip = |p: &str| -> String {
        if sub.is_empty() {
            p.to_string()
        } else {
            p.strip_prefix(&format!("{sub}/")).unwrap_or(p).to_string()
        }
    };
    let (mut added, mut changed, mut removed, mut rewritten) = (Vec::new(), Vec::new(), Vec::new(), false);
    let same = previous.as_ref().is_some_and(|p| p.commit == commit) && dir.join("current").exists();
    // Every path the commit changed in the posts' folder (posts or not):
    // the rest of the tree is linked from the previous copy, not written again.
    let mut touched: Option<Vec<String>> = None;
    let mut by_files = false;
    if let Some(p) = previous.as_ref().filter(|_| !same) {
        // "Rewritten" only when the old commit is here and is not an
        // ancestor of the new one; a shallow copy that lacks it says nothing.
        let mut has = git(&repo);
        has.args(["cat-file", "-e", &format!("{}^{{commit}}", p.commit)]);
        if run(has).is_ok() {
            let mut anc = git(&repo);
            anc.args(["merge-base", "--is-ancestor", &p.commit, &commit]);
            rewritten = run(anc).is_err();
        }
        let mut diff = git(&repo);
        diff.args(["diff", "--name-status", "--no-renames", "-z", &p.commit, &commit, "--"]);
        if !sub.is_empty() {
            diff.arg(&sub);
        }
        match run(diff) {
            Ok(out) => {
                let mut all = Vec::new();
                let mut parts = out.split('\0');
                while let (Some(status), Some(path)) = (parts.next(), parts.next()) {
                    all.push(path.to_string());
                    if !crate::feed::is_post_file(Path::new(path)) {
                        continue;
                    }
                    match status.chars().next() {
                        Some('A') => added.push(strip(path)),
                        Some('D') => removed.push(strip(path)),
                        Some(_) => changed.push(strip(path)),
                        None => {}
                    }
                }
                touched = Some(all);
            }
            // The old commit is gone from the shallow copy: compare the files.
            Err(_) => by_files = true,
        }
    }
    progress(Step::CheckingOut);
    if !same {
        let trees = dir.join("trees");
        fs::create_dir_all(&trees).map_err(file_error(&trees))?;
        let tree = trees.join(&commit);
        let tmp = trees.join(format!("{commit}.{}.tmp", std::process::id()));
        let previous_tree = fs::canonicalize(dir.join("current")).ok();
        let result = (|| {
            let expected = tree_files(&repo, &commit, &sub)?;
            // Unchanged files linked from the previous copy (the parse cache
            // then knows them), the changed ones checked out; else the whole tree.
            let linked = match (&previous_tree, &touched) {
                (Some(prev), Some(paths)) => {
                    let _ = fs::remove_dir_all(&tmp);
                    checkout_changes(&repo, dir, &tmp, prev, &commit, paths, &expected).is_ok()
                }
                _ => false,
            };
            if !linked {
                let _ = fs::remove_dir_all(&tmp);
                checkout_all(&repo, dir, &tmp, &commit, &sub)?;
            }
            // Only a whole copy becomes current.
            let have = count_files(&tmp);
            if have != expected.len() {
                return Err(SyncError::Incomplete {
                    commit: commit[..commit.len().min(8)].to_string(),
                    have,
                    want: expected.len(),
                });
            }
            if by_files && let Some(prev) = &previous_tree {
                let (a, c, r) = compare_trees(&prev.join(&sub), &tmp.join(&sub));
                (added, changed, removed) = (a, c, r);
            }
            let _ = fs::remove_dir_all(&tree);
            fs::rename(&tmp, &tree).map_err(file_error(&tree))?;
            switch_current(dir, &tree)
        })();
        if let Err(e) = result {
            let _ = fs::remove_dir_all(&tmp);
            return Err(e);
        }
        clean_old_trees(dir, previous_tree.as_deref());
    }
    let root = content_dir(dir, &sub);
    let (posts, added_rows, parsed) = super::newness::settle(&root, &added);
    let first = previous.is_none();
    let state = SyncState {
        at: crate::clock::now(),
        url: feed.url.clone(),
        commit,
        commit_date,
        added,
        changed,
        removed,
        rewritten,
        posts,
        first: previous.is_none(),
        added_rows,
        broken: None,
    };
    let state = if same {
        // Nothing new: what the last sync brought stays "new".
        SyncState { at: state.at, ..previous.clone().unwrap_or(state) }
    } else {
        state
    };
    write_state(dir, &state)?;
    progress(Step::Done);
    Ok(Report { name: feed.name.clone(), state, first, unchanged: same, busy: false, parsed })
}

/// Points `current` at `tree`: a new link, renamed over the old one.
fn switch_current(dir: &Path, tree: &Path) -> Result<(), SyncError> {
    let link = dir.join("current.tmp");
    let _ = fs::remove_file(&link);
    let target = tree.strip_prefix(dir).unwrap_or(tree);
    #[cfg(unix)]
    std::os::unix::fs::symlink(target, &link).map_err(file_error(&link))?;
    #[cfg(not(unix))]
    return Err(SyncError::NeedsLinks(target.to_path_buf()));
    fs::rename(&link, dir.join("current")).map_err(file_error(dir))
}

/// Removes trees other than the current and the previous one (a reader
/// may still be reading it), and leftovers of interrupted syncs.
fn clean_old_trees(dir: &Path, previous: Option<&Path>) {
    let current = fs::canonicalize(dir.join("current")).ok();
    let Ok(entries) = fs::read_dir(dir.join("trees")) else { return };
    for e in entries.flatten() {
        let p = fs::canonicalize(e.path()).unwrap_or_else(|_| e.path());
        if Some(p.as_path()) != current.as_deref() && Some(p.as_path()) != previous {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

/// The files of `commit` under `sub` (every blob: what a checkout writes).
fn tree_files(repo: &Path, commit: &str, sub: &str) -> Result<Vec<String>, SyncError> {
    let mut ls = git(repo);
    ls.args(["ls-tree", "-r", "-z", "--name-only", commit, "--"]);
    if !sub.is_empty() {
        ls.arg(sub);
    }
    Ok(run(ls)?.split('\0').filter(|p| !p.is_empty()).map(str::to_string).collect())
}

/// Checks out the whole of `commit` (under `sub`) into `tmp`.
fn checkout_all(repo: &Path, dir: &Path, tmp: &Path, commit: &str, sub: &str) -> Result<(), SyncError> {
    fs::create_dir_all(tmp).map_err(file_error(tmp))?;
    let index = dir.join(format!("index.{}.tmp", std::process::id()));
    let mut co = git(repo);
    co.env("GIT_INDEX_FILE", &index);
    co.arg(format!("--work-tree={}", tmp.display()));
    co.args(["checkout", "--quiet", "-f", commit, "--"]);
    co.arg(if sub.is_empty() { "." } else { sub });
    let result = run(co).map(|_| ());
    let _ = fs::remove_file(&index);
    result
}

/// Builds `tmp` as the previous tree `prev` with hard links for every file
/// the commit did not touch, then checks out the touched ones that exist in
/// `commit`. Unchanged files keep their inode and time, so the parse cache
/// does not read them again.
fn checkout_changes(
    repo: &Path,
    dir: &Path,
    tmp: &Path,
    prev: &Path,
    commit: &str,
    touched: &[String],
    expected: &[String],
) -> Result<(), SyncError> {
    let touched: std::collections::HashSet<&str> = touched.iter().map(String::as_str).collect();
    let err = |p: &Path, e: io::Error| file_error(p)(e);
    for rel in expected.iter().filter(|r| !touched.contains(r.as_str())) {
        let (from, to) = (prev.join(rel), tmp.join(rel));
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(|e| err(parent, e))?;
        }
        fs::hard_link(&from, &to).map_err(|e| err(&from, e))?;
    }
    fs::create_dir_all(tmp).map_err(|e| err(tmp, e))?;
    let wanted: Vec<&str> = expected.iter().map(String::as_str).filter(|r| touched.contains(r)).collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let index = dir.join(format!("index.{}.tmp", std::process::id()));
    let mut co = git(repo);
    co.env("GIT_INDEX_FILE", &index);
    co.arg(format!("--work-tree={}", tmp.display()));
    co.args(["checkout", "--quiet", "-f", commit, "--pathspec-from-file=-", "--pathspec-file-nul"]);
    // Paths as literal names, not patterns.
    co.env("GIT_LITERAL_PATHSPECS", "1");
    co.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let result = (|| {
        let mut child = co.spawn().map_err(SyncError::CannotRunGit)?;
        if let Some(mut input) = child.stdin.take() {
            use std::io::Write;
            input.write_all(wanted.join("\0").as_bytes()).map_err(|e| SyncError::Git(format!("git: {e}")))?;
        }
        let out = child.wait_with_output().map_err(|e| SyncError::Git(format!("git: {e}")))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(SyncError::Git(git_reason(&String::from_utf8_lossy(&out.stderr))))
        }
    })();
    let _ = fs::remove_file(&index);
    result
}

/// Regular files below `root`, counted.
fn count_files(root: &Path) -> usize {
    let Ok(entries) = fs::read_dir(root) else { return 0 };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => count_files(&e.path()),
            Ok(t) if t.is_file() => 1,
            _ => 0,
        })
        .sum()
}

/// The post files added, changed and removed from folder `old` to `new`
/// (by their bytes), relative to them: what a sync brought when the old
/// commit is no longer in the shallow copy.
fn compare_trees(old: &Path, new: &Path) -> (Vec<String>, Vec<String>, Vec<String>) {
    let posts = |root: &Path| -> std::collections::BTreeMap<String, PathBuf> {
        crate::feed::walk(root)
            .0
            .into_iter()
            .filter_map(|p| {
                let rel = p.strip_prefix(root).ok()?.to_string_lossy().replace('\\', "/");
                Some((rel, p))
            })
            .collect()
    };
    let (before, after) = (posts(old), posts(new));
    let (mut added, mut changed, mut removed) = (Vec::new(), Vec::new(), Vec::new());
    for (rel, p) in &after {
        match before.get(rel) {
            None => added.push(rel.clone()),
            Some(q) if fs::read(p).ok() != fs::read(q).ok() => changed.push(rel.clone()),
            Some(_) => {}
        }
    }
    removed.extend(before.keys().filter(|r| !after.contains_key(*r)).cloned());
    (added, changed, removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_repository_addresses_reach_git() {
        for ok in ["https://github.com/a/b", "file:///tmp/x.git", "git@github.com:a/b.git", "ssh://h/x"] {
            assert!(valid_url(ok).is_ok(), "{ok}");
        }
        for bad in ["--upload-pack=evil", "ext::sh -c evil", "/tmp/x", "a b", "fd::3", "h:x", "https://a\nb"]
        {
            assert!(valid_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn feed_names_are_folder_names() {
        assert!(valid_name("kubermates") && valid_name("my-feed_2"));
        for bad in ["", ".", "..", "a/b", "a b", ".hidden"] {
            assert!(!valid_name(bad), "{bad}");
        }
    }
}
