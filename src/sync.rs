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
//! - `sync.json`: the last sync: when, which commit, what it added,
//!   changed and removed (the added posts are "new": `is:new`).

use serde::{Deserialize, Serialize};
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

/// What the last sync of a feed did.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SyncState {
    /// When it finished, seconds since the epoch.
    pub at: i64,
    pub url: String,
    pub commit: String,
    /// The commit's date (committer), RFC 3339.
    pub commit_date: String,
    /// Post files (relative to the feed's folder) this sync added, changed, removed.
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    /// The remote's history was rewritten (a force-push) and was followed.
    pub rewritten: bool,
    /// Posts in the feed after the sync.
    pub posts: usize,
}

impl SyncState {
    /// The commit's first 8 hex digits.
    pub fn short_commit(&self) -> &str {
        self.commit.get(..8).unwrap_or(&self.commit)
    }

    /// The commit's day, `YYYY-MM-DD`.
    pub fn commit_day(&self) -> &str {
        self.commit_date.get(..10).unwrap_or(&self.commit_date)
    }
}

/// The outcome of one sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub name: String,
    pub state: SyncState,
    /// The first sync of this feed.
    pub first: bool,
    /// Nothing changed since the last sync.
    pub unchanged: bool,
}

impl std::fmt::Display for Report {
    /// `kubermates: 12 new, 3 changed, 1 removed (3096896e, 2026-02-27)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = &self.state;
        let (short, day) = (s.short_commit(), s.commit_day());
        if self.first {
            write!(f, "{}: {} posts, first sync ({short}, {day})", self.name, s.posts)
        } else if self.unchanged {
            write!(f, "{}: up to date ({short}, {day})", self.name)
        } else {
            let forced = if s.rewritten { "; the remote's history was rewritten: followed" } else { "" };
            write!(
                f,
                "{}: {} new, {} changed, {} removed ({short}, {day}){forced}",
                self.name,
                s.added.len(),
                s.changed.len(),
                s.removed.len()
            )
        }
    }
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

/// Whether `url` is a repository address git should be given: `https://`,
/// `http://`, `ssh://`, `git://`, `file://`, or `user@host:path`. Never an
/// option, never `ext::` or another transport helper.
pub fn valid_url(url: &str) -> Result<(), String> {
    if url.starts_with('-') || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(format!("{url:?} is not a repository address"));
    }
    let scheme_ok = ["https://", "http://", "ssh://", "git://", "file://"].iter().any(|s| url.starts_with(s));
    let scp_like = !url.contains("://")
        && !url.contains("::")
        && url.split_once(':').is_some_and(|(host, _)| host.contains('@') && !host.contains('/'));
    if scheme_ok || scp_like {
        Ok(())
    } else {
        Err(format!(
            "{url:?} is not a repository address (https://, ssh://, git://, file:// or user@host:path)"
        ))
    }
}

/// The folder a synced feed is read from: `current/<path>` of its copy.
pub fn content_dir(feed_dir: &Path, path: &str) -> PathBuf {
    let current = feed_dir.join("current");
    let path = path.trim_matches('/');
    if path.is_empty() { current } else { current.join(path) }
}

/// Reads a feed's `sync.json` (None: never synced, or unreadable).
pub fn load_state(feed_dir: &Path) -> Option<SyncState> {
    let bytes = fs::read(feed_dir.join("sync.json")).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The posts the last sync added, as paths under the feed's content folder.
pub fn new_posts(feed_dir: &Path, path: &str) -> Vec<PathBuf> {
    let root = content_dir(feed_dir, path);
    load_state(feed_dir).map(|s| s.added.iter().map(|a| root.join(a)).collect()).unwrap_or_default()
}

/// A git command with the safety settings, in `dir`.
fn git(dir: &Path) -> Command {
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
fn run(mut cmd: Command) -> Result<String, String> {
    let out = cmd.output().map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            "the git program is not installed".to_string()
        } else {
            format!("cannot run git: {e}")
        }
    })?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    let last = err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("git failed");
    Err(crate::text::sanitize::one_line(last.trim_start_matches("fatal: ")))
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
pub fn sync(feed: &GitFeed, dir: &Path, progress: &dyn Fn(Step)) -> Result<Report, String> {
    valid_url(&feed.url)?;
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let repo = dir.join("repo.git");
    let previous = load_state(dir).filter(|_| dir.join("current").exists());
    if !repo.join("HEAD").exists() {
        // A half-made repository from an interrupted first sync: start again.
        let _ = fs::remove_dir_all(&repo);
        let tmp = dir.join("repo.git.tmp");
        let _ = fs::remove_dir_all(&tmp);
        let mut init = git(dir);
        init.args(["init", "--quiet", "--bare", "repo.git.tmp"]);
        run(init)?;
        fs::rename(&tmp, &repo).map_err(|e| format!("{}: {e}", repo.display()))?;
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
    if let Some(p) = previous.as_ref().filter(|_| !same) {
        let mut anc = git(&repo);
        anc.args(["merge-base", "--is-ancestor", &p.commit, &commit]);
        rewritten = run(anc).is_err();
        let mut diff = git(&repo);
        diff.args(["diff", "--name-status", "--no-renames", "-z", &p.commit, &commit, "--"]);
        if !sub.is_empty() {
            diff.arg(&sub);
        }
        match run(diff) {
            Ok(out) => {
                let mut parts = out.split('\0');
                while let (Some(status), Some(path)) = (parts.next(), parts.next()) {
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
            }
            // The old commit is gone from the shallow copy: count by files.
            Err(_) => rewritten = true,
        }
    }
    progress(Step::CheckingOut);
    if !same {
        let trees = dir.join("trees");
        fs::create_dir_all(&trees).map_err(|e| format!("{}: {e}", trees.display()))?;
        let tree = trees.join(&commit);
        let tmp = trees.join(format!("{commit}.tmp"));
        let _ = fs::remove_dir_all(&tmp);
        fs::create_dir_all(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
        let result = (|| {
            let mut co = git(&repo);
            co.env("GIT_INDEX_FILE", dir.join("index.tmp"));
            co.arg(format!("--work-tree={}", tmp.display()));
            co.args(["checkout", "--quiet", "-f", &commit, "--"]);
            co.arg(if sub.is_empty() { "." } else { sub.as_str() });
            run(co)?;
            let _ = fs::remove_file(dir.join("index.tmp"));
            let _ = fs::remove_dir_all(&tree);
            fs::rename(&tmp, &tree).map_err(|e| format!("{}: {e}", tree.display()))?;
            switch_current(dir, &tree)
        })();
        if let Err(e) = result {
            let _ = fs::remove_dir_all(&tmp);
            return Err(e);
        }
    }
    // The first sync brings no "new" posts: everything is.
    let posts = count_posts(&content_dir(dir, &sub));
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
    };
    let state = if same {
        // Nothing new: what the last sync brought stays "new".
        SyncState { at: state.at, ..previous.clone().unwrap_or(state) }
    } else {
        state
    };
    write_state(dir, &state)?;
    clean_old_trees(dir);
    progress(Step::Done);
    Ok(Report { name: feed.name.clone(), state, first, unchanged: same })
}

/// Points `current` at `tree`: a new link, renamed over the old one.
fn switch_current(dir: &Path, tree: &Path) -> Result<(), String> {
    let link = dir.join("current.tmp");
    let _ = fs::remove_file(&link);
    let target = tree.strip_prefix(dir).unwrap_or(tree);
    #[cfg(unix)]
    std::os::unix::fs::symlink(target, &link).map_err(|e| format!("{}: {e}", link.display()))?;
    #[cfg(not(unix))]
    return Err(format!("syncing needs symbolic links ({})", target.display()));
    fs::rename(&link, dir.join("current")).map_err(|e| format!("{}: {e}", dir.display()))
}

/// Removes trees other than the current one (and leftovers of interrupted syncs).
fn clean_old_trees(dir: &Path) {
    let current = fs::read_link(dir.join("current")).ok().map(|t| dir.join(t));
    let Ok(entries) = fs::read_dir(dir.join("trees")) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if Some(&p) != current.as_ref() {
            let _ = fs::remove_dir_all(&p);
        }
    }
}

fn write_state(dir: &Path, state: &SyncState) -> Result<(), String> {
    let tmp = dir.join("sync.json.tmp");
    let text = serde_json::to_vec_pretty(state).map_err(|e| e.to_string())?;
    fs::write(&tmp, text)
        .and_then(|()| fs::rename(&tmp, dir.join("sync.json")))
        .map_err(|e| format!("{}: {e}", dir.display()))
}

/// Post files under `root`, as the loader finds them (section pages not counted).
fn count_posts(root: &Path) -> usize {
    crate::feed::walk(root).0.iter().filter(|p| !crate::feed::hugo::is_section_page(p)).count()
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

    #[test]
    fn the_report_line() {
        let state = SyncState {
            commit: "3096896e0123".into(),
            commit_date: "2026-02-27T10:00:00+00:00".into(),
            added: vec!["a.md".into(); 12],
            changed: vec!["b.md".into(); 3],
            removed: vec!["c.md".into()],
            ..SyncState::default()
        };
        let r = Report { name: "kubermates".into(), state, first: false, unchanged: false };
        assert_eq!(r.to_string(), "kubermates: 12 new, 3 changed, 1 removed (3096896e, 2026-02-27)");
    }
}
