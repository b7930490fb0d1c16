//! Issue 37: the marks shared across machines through a git repository of
//! the user's own. Each "machine" is a marks folder and a working copy of
//! its own (separate temporary folders); the remote is a bare repository
//! in a temporary folder, reached over `file://`. Nothing here reads or
//! writes the user's own folders or git configuration.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

use linkfeed::sources::state::{self, StateRepo};
use linkfeed::store::marks::{Field, Marks, Record, Store};
use proptest::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const DAY: i64 = 86_400_000;

/// A bare repository to share through, in `dir`.
fn remote(dir: &Path) -> String {
    let path = dir.join("remote.git");
    let ok = Command::new("git")
        .args(["init", "--quiet", "--bare"])
        .arg(&path)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .expect("git runs");
    assert!(ok.success());
    format!("file://{}", path.display())
}

/// One machine: its marks, its working copy, its name, its clock's skew.
struct Machine {
    name: String,
    marks_dir: PathBuf,
    work: PathBuf,
    skew: i64,
    repo: StateRepo,
}

impl Machine {
    fn new(root: &Path, name: &str, url: &str, skew: i64) -> Machine {
        let home = root.join(name);
        Machine {
            name: name.into(),
            marks_dir: home.join("state"),
            work: home.join("data/state"),
            skew,
            repo: StateRepo { url: url.into(), device: name.into() },
        }
    }

    fn open(&self) -> (Store, Marks) {
        let (store, marks, _) = Store::open(&self.marks_dir).expect("marks open");
        (store, marks)
    }

    /// Marks `key`'s `field` as `value` at the true time `t` (this
    /// machine's clock says `t + skew`); the stamp it was given.
    fn mark(&self, key: &str, field: Field, value: bool, t: i64) -> i64 {
        let (mut store, mut marks) = self.open();
        store.append_at(&mut marks, &[Record::new(key, field, value)], t + self.skew).expect("append");
        marks.stamp(key, field).expect("stamped")
    }

    fn sync(&self) -> state::StateSynced {
        state::sync(&self.repo, &self.marks_dir, &self.work, &[])
            .unwrap_or_else(|e| panic!("{}: {e}", self.name))
    }

    fn export(&self) -> Vec<Record> {
        self.open().1.records()
    }
}

/// The state every machine must end with: for each key and field, the
/// change with the greatest stamp (of two alike, the one that sets it).
fn by_the_rule(made: &[Record]) -> Vec<(String, Field, bool, i64)> {
    let mut best: HashMap<(String, Field), (i64, bool)> = HashMap::new();
    for r in made {
        let slot = best.entry((r.key.clone(), r.field)).or_insert((r.at, r.value));
        if (r.at, r.value) > *slot {
            *slot = (r.at, r.value);
        }
    }
    let mut out: Vec<_> = best.into_iter().map(|((k, f), (at, v))| (k, f, v, at)).collect();
    out.sort_by(|a, b| a.0.cmp(&b.0).then((a.1 as u8).cmp(&(b.1 as u8))));
    out
}

fn as_tuples(records: &[Record]) -> Vec<(String, Field, bool, i64)> {
    records.iter().map(|r| (r.key.clone(), r.field, r.value, r.at)).collect()
}

#[derive(Debug, Clone)]
enum Step {
    Mark { machine: usize, key: u8, starred: bool, value: bool },
    Sync { machine: usize },
}

fn step(machines: usize) -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..machines, 0u8..6, any::<bool>(), any::<bool>())
            .prop_map(|(machine, key, starred, value)| Step::Mark { machine, key, starred, value }),
        1 => (0..machines).prop_map(|machine| Step::Sync { machine }),
    ]
}

/// Runs `steps` on `n` machines (the first one's clock a day ahead), then
/// syncs each twice in `order`: every machine's export is the same, and it
/// is the merge rule over every change made, so nothing was lost.
fn converge(n: usize, steps: &[Step], order: &[usize]) {
    let tmp = tempfile::tempdir().expect("temp");
    let url = remote(tmp.path());
    let machines: Vec<Machine> = (0..n)
        .map(|i| {
            Machine::new(tmp.path(), &format!("m{i}"), &url, if i == 0 { DAY } else { -(i as i64) * 1000 })
        })
        .collect();
    let mut made = Vec::new();
    let mut t = 1_800_000_000_000;
    for s in steps {
        t += 1000;
        match *s {
            Step::Mark { machine, key, starred, value } => {
                let key = format!("https://news.example/{key}");
                let field = if starred { Field::Starred } else { Field::Read };
                let at = machines[machine].mark(&key, field, value, t);
                made.push(Record { key, field, value, at });
            }
            Step::Sync { machine } => {
                machines[machine].sync();
            }
        }
    }
    for _ in 0..2 {
        for &m in order {
            machines[m].sync();
        }
    }
    let want = by_the_rule(&made);
    for m in &machines {
        assert_eq!(as_tuples(&m.export()), want, "{} after {steps:?}", m.name);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Two machines, marks made on each while apart and syncs between, in
    /// every order: the same export on both, nothing lost.
    #[test]
    fn two_machines_agree_whatever_the_order(
        steps in proptest::collection::vec(step(2), 1..14),
        first in 0usize..2,
    ) {
        converge(2, &steps, &[first, 1 - first]);
    }

    /// Three machines, one clock a day ahead.
    #[test]
    fn three_machines_agree_whatever_the_order(
        steps in proptest::collection::vec(step(3), 1..14),
        order in Just(vec![0usize, 1, 2]).prop_shuffle(),
    ) {
        converge(3, &steps, &order);
    }
}

/// A machine whose clock runs a day ahead does not win forever: a change
/// made after its marks arrived is stamped after them, and wins everywhere.
#[test]
fn a_clock_a_day_ahead_does_not_win_forever() {
    let tmp = tempfile::tempdir().expect("temp");
    let url = remote(tmp.path());
    let ahead = Machine::new(tmp.path(), "ahead", &url, DAY);
    let right = Machine::new(tmp.path(), "right", &url, 0);
    let t = 1_800_000_000_000;
    ahead.mark("https://a.example/1", Field::Read, true, t);
    ahead.sync();
    assert_eq!(right.sync().came, [("ahead".to_string(), 1)]);
    // An hour later by the true time, long before the other clock's stamp.
    right.mark("https://a.example/1", Field::Read, false, t + 3_600_000);
    right.sync();
    ahead.sync();
    for m in [&ahead, &right] {
        let (_, marks) = m.open();
        assert!(!marks.read.contains("https://a.example/1"), "{}: the later change wins", m.name);
    }
}

/// 20 rounds of two machines syncing at the same moment (each with new
/// marks): a push beaten by the other's is tried again, and after the
/// rounds both hold every mark made.
#[test]
fn two_machines_syncing_at_once_lose_nothing() {
    let tmp = tempfile::tempdir().expect("temp");
    let url = remote(tmp.path());
    let a = Machine::new(tmp.path(), "a", &url, 0);
    let b = Machine::new(tmp.path(), "b", &url, 7);
    let mut t = 1_800_000_000_000;
    for round in 0..20 {
        t += 1000;
        a.mark(&format!("https://a.example/{round}"), Field::Read, true, t);
        b.mark(&format!("https://b.example/{round}"), Field::Starred, true, t);
        std::thread::scope(|s| {
            s.spawn(|| a.sync());
            s.spawn(|| b.sync());
        });
    }
    a.sync();
    b.sync();
    a.sync();
    for m in [&a, &b] {
        let (_, marks) = m.open();
        assert_eq!(marks.read.len(), 20, "{}", m.name);
        assert_eq!(marks.starred.len(), 20, "{}", m.name);
    }
    assert_eq!(a.export(), b.export());
}

/// A damaged file in the repository (another version's format, a torn
/// line) is reported with its path and skipped; the rest still comes in.
#[test]
fn a_damaged_device_file_is_named_and_skipped() {
    let tmp = tempfile::tempdir().expect("temp");
    let url = remote(tmp.path());
    let a = Machine::new(tmp.path(), "a", &url, 0);
    let b = Machine::new(tmp.path(), "b", &url, 0);
    a.mark("https://a.example/1", Field::Read, true, 1_800_000_000_000);
    a.mark("https://a.example/2", Field::Read, true, 1_800_000_001_000);
    a.sync();
    // Another program (or a broken copy) pushes a torn line into a's file
    // and a file of a newer format under another device.
    let other = tmp.path().join("other");
    let git = |args: &[&str], dir: &Path| {
        let ok = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@t"])
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .expect("git");
        assert!(ok.status.success(), "{args:?}: {}", String::from_utf8_lossy(&ok.stderr));
    };
    git(&["clone", "--quiet", "--branch", "main", &url, other.to_str().expect("utf-8")], tmp.path());
    let file = other.join("devices/a/marks.jsonl");
    let mut text = std::fs::read_to_string(&file).expect("a's file");
    text.push_str("{\"key\":\"https://a.exa");
    std::fs::write(&file, text).expect("write");
    std::fs::create_dir_all(other.join("devices/future")).expect("mkdir");
    std::fs::write(
        other.join("devices/future/marks.jsonl"),
        "{\"linkfeed_marks\":9,\"device\":\"future\"}\n",
    )
    .expect("write");
    git(&["add", "-A"], &other);
    git(&["commit", "--quiet", "-m", "damage"], &other);
    git(&["push", "--quiet", "origin", "HEAD:main"], &other);
    let done = b.sync();
    assert_eq!(done.came, [("a".to_string(), 2)]);
    assert_eq!(done.damaged.len(), 2, "{:?}", done.damaged);
    assert!(done.damaged[0].starts_with("devices/a/marks.jsonl:4:"), "{:?}", done.damaged);
    assert!(
        done.damaged[1].contains("devices/future/marks.jsonl: another version's format (9)"),
        "{:?}",
        done.damaged
    );
    assert!(done.to_string().contains("damaged in the repository"), "{done}");
}

/// A remote that fails (gone) says why and loses no local mark; once it is
/// back, the marks made meanwhile are sent.
#[test]
fn a_failing_remote_loses_no_mark() {
    let tmp = tempfile::tempdir().expect("temp");
    let url = remote(tmp.path());
    let a = Machine::new(tmp.path(), "a", &url, 0);
    a.mark("https://a.example/1", Field::Read, true, 1_800_000_000_000);
    a.sync();
    let gone = tmp.path().join("remote.git");
    std::fs::rename(&gone, tmp.path().join("away.git")).expect("move");
    a.mark("https://a.example/2", Field::Read, true, 1_800_000_001_000);
    let e = state::sync(&a.repo, &a.marks_dir, &a.work, &[]).expect_err("the remote is gone");
    assert!(!e.to_string().contains('\n'), "one line: {e}");
    assert_eq!(a.open().1.read.len(), 2, "nothing lost");
    std::fs::rename(tmp.path().join("away.git"), &gone).expect("back");
    assert!(a.sync().pushed);
    let b = Machine::new(tmp.path(), "b", &url, 0);
    assert_eq!(b.sync().came, [("a".to_string(), 2)]);
}

/// The command line: `linkfeed state sync` with `[state]` in a config file
/// of its own, killed with its git children at several points, is followed
/// by one that completes, and the other machine gets every mark.
#[test]
fn a_killed_sync_is_followed_by_one_that_completes() {
    let tmp = tempfile::tempdir().expect("temp");
    let url = remote(tmp.path());
    let home = |name: &str| tmp.path().join(format!("home-{name}"));
    let run = |name: &str, args: &[&str]| -> std::process::Child {
        let h = home(name);
        std::fs::create_dir_all(h.join("config/linkfeed")).expect("mkdir");
        std::fs::write(
            h.join("config/linkfeed/config.toml"),
            format!("[state]\ngit = \"{url}\"\ndevice = \"{name}\"\n"),
        )
        .expect("config");
        let mut c = Command::new(env!("CARGO_BIN_EXE_linkfeed"));
        c.args(args)
            .env("HOME", &h)
            .env("XDG_CONFIG_HOME", h.join("config"))
            .env("XDG_STATE_HOME", h.join("state"))
            .env("XDG_DATA_HOME", h.join("data"))
            .env("XDG_CACHE_HOME", h.join("cache"))
            .env_remove("LINKFEED_DIR")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            c.process_group(0);
        }
        c.spawn().expect("linkfeed runs")
    };
    let finish = |child: std::process::Child| {
        let out = child.wait_with_output().expect("waits");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let export = tmp.path().join("marks.jsonl");
    for (i, kill_after_ms) in [0u64, 15, 40, 80, 150].into_iter().enumerate() {
        let lines: String = (0..50)
            .map(|k| format!("{{\"key\":\"https://k.example/{i}/{k}\",\"field\":\"read\",\"value\":true}}\n"))
            .collect();
        std::fs::write(&export, lines).expect("export");
        let (ok, out) = finish(run("a", &["state", "import", export.to_str().expect("utf-8")]));
        assert!(ok, "{out}");
        let child = run("a", &["state", "sync"]);
        std::thread::sleep(std::time::Duration::from_millis(kill_after_ms));
        // The whole group: linkfeed and any git it started.
        let pid = child.id() as i32;
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{pid}")]).status();
        let _ = finish(child);
    }
    let (ok, out) = finish(run("a", &["state", "sync"]));
    assert!(ok, "the sync after the killed ones completes: {out}");
    let (ok, out) = finish(run("b", &["state", "sync"]));
    assert!(ok && out.contains("250 marks from a"), "{out}");
    let (ok, out) = finish(run("b", &["state"]));
    assert!(ok && out.contains("a: 250 marks") && out.contains("b (this machine): 250 marks"), "{out}");
}
