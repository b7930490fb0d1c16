//! Read and starred marks, shared safely between processes.
//!
//! The marks live in an append-only log of JSON lines,
//! `$XDG_STATE_HOME/linkfeed/marks.jsonl`, one change per line:
//! `{"key":"https://...","field":"read","value":true,"at":1764000000000}`.
//! A writer takes an advisory lock (`marks.lock`, `flock`), opens the log for
//! appending, writes its lines, fsyncs and lets go; so two readers (or a
//! reader and a script) marking at the same time both keep every mark, and a
//! crash in the middle of a write loses at most the line being written (a
//! torn last line is skipped on reading and closed by the next writer).
//! Each process reads what others appended since it last looked
//! ([`Store::refresh`]). The log is compacted (the latest value per key and
//! field, written to a temporary file and renamed over it, under the lock)
//! when it has grown to several times the marks it holds.
//!
//! Chosen over SQLite: no C library to build, a format a person can read and
//! repair, and export/import is the same line format.

use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Which mark a record sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Read,
    Starred,
}

/// One change: `key`'s `field` became `value` at `at` (milliseconds since
/// the epoch; 0 until the store stamps it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub key: String,
    pub field: Field,
    pub value: bool,
    #[serde(default)]
    pub at: i64,
}

impl Record {
    pub fn new(key: impl Into<String>, field: Field, value: bool) -> Record {
        Record { key: key.into(), field, value, at: 0 }
    }
}

/// The marks as they stand.
#[derive(Debug, Default, Clone)]
pub struct Marks {
    pub read: HashSet<String>,
    pub starred: HashSet<String>,
    /// When each key's field was last set, for merging.
    stamps: HashMap<(String, Field), i64>,
}

impl Marks {
    /// The keys that have `field` set.
    pub fn set(&self, field: Field) -> &HashSet<String> {
        match field {
            Field::Read => &self.read,
            Field::Starred => &self.starred,
        }
    }

    /// Applies a record in log order (the later line wins).
    pub fn apply(&mut self, r: &Record) {
        let set = match r.field {
            Field::Read => &mut self.read,
            Field::Starred => &mut self.starred,
        };
        if r.value {
            set.insert(r.key.clone());
        } else {
            set.remove(&r.key);
        }
        self.stamps.insert((r.key.clone(), r.field), r.at);
    }

    /// The latest value of every key and field, as records (sorted, for a
    /// stable export).
    pub fn records(&self) -> Vec<Record> {
        let mut out: Vec<Record> = self
            .stamps
            .iter()
            .map(|((key, field), at)| Record {
                key: key.clone(),
                field: *field,
                value: self.set(*field).contains(key),
                at: *at,
            })
            .collect();
        out.sort_by(|a, b| a.key.cmp(&b.key).then((a.field as u8).cmp(&(b.field as u8))));
        out
    }

    /// How many key/field pairs have a value.
    pub fn len(&self) -> usize {
        self.stamps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stamps.is_empty()
    }

    /// When `key`'s `field` was last set (None: never).
    pub fn stamp(&self, key: &str, field: Field) -> Option<i64> {
        self.stamps.get(&(key.to_string(), field)).copied()
    }
}

/// A post's bits for the matcher (`search::READ`, `STARRED`, `NEW`): from
/// the read and starred keys, and the posts the last sync brought.
pub fn bits(
    post: &crate::post::Post,
    read: &HashSet<String>,
    starred: &HashSet<String>,
    new: &HashSet<PathBuf>,
) -> u8 {
    let key = crate::store::read::key(post);
    let mut bits = 0;
    if read.contains(key.as_ref()) {
        bits |= crate::search::READ;
    }
    if starred.contains(key.as_ref()) {
        bits |= crate::search::STARRED;
    }
    if new.contains(&post.path) {
        bits |= crate::search::NEW;
    }
    bits
}

/// The log file's name in the state folder.
pub const LOG: &str = "marks.jsonl";
/// The lock file's name.
pub const LOCK: &str = "marks.lock";
/// The state of earlier versions, migrated once and kept.
pub const LEGACY: &str = "read.json";

/// The state folder from the environment.
pub fn default_dir() -> Option<PathBuf> {
    crate::store::paths::dir(crate::store::paths::Base::State)
}

/// Milliseconds since the epoch.
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// One open log: where it is and how far this process has read it.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    /// Bytes read so far (always at a line's end).
    offset: u64,
    /// The file those bytes belong to (a compaction replaces it).
    inode: u64,
    /// Lines read so far, and lines that could not be used.
    lines: usize,
    pub bad_lines: usize,
}

/// What opening found besides the marks.
#[derive(Debug, Default)]
pub struct Opened {
    /// Set when the old `read.json` was migrated: how many marks.
    pub migrated: Option<usize>,
    /// Lines of the log that could not be read (skipped).
    pub bad_lines: usize,
    /// The old `read.json` could not be used: why, and where it was kept.
    pub problem: Option<String>,
}

#[cfg(unix)]
fn inode(m: &fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    m.ino()
}
#[cfg(not(unix))]
fn inode(_: &fs::Metadata) -> u64 {
    0
}

impl Store {
    /// Opens (creating the folder) the marks in `dir`, migrating `read.json`
    /// the first time (it is left where it is, as a backup).
    pub fn open(dir: &Path) -> io::Result<(Store, Marks, Opened)> {
        fs::create_dir_all(dir)?;
        let mut store = Store { dir: dir.to_path_buf(), offset: 0, inode: 0, lines: 0, bad_lines: 0 };
        let mut opened = Opened::default();
        if !store.log().exists() {
            let legacy = dir.join(LEGACY);
            if legacy.exists() {
                // A damaged file is moved aside (never deleted) and said so.
                let loaded = crate::store::read::load(&legacy, true);
                opened.problem = loaded.problem;
                let at = now_ms();
                let mut keys: Vec<String> = loaded.read.into_iter().collect();
                keys.sort();
                let records: Vec<Record> = keys
                    .into_iter()
                    .map(|k| Record { key: k, field: Field::Read, value: true, at })
                    .collect();
                let _lock = store.lock()?;
                // Another process may have migrated meanwhile.
                if !store.log().exists() && opened.problem.is_none() {
                    write_atomically(&store.log(), &records)?;
                    opened.migrated = Some(records.len());
                }
            }
        }
        let mut marks = Marks::default();
        store.refresh(&mut marks)?;
        opened.bad_lines = store.bad_lines;
        Ok((store, marks, opened))
    }

    pub fn log(&self) -> PathBuf {
        self.dir.join(LOG)
    }

    fn lock(&self) -> io::Result<File> {
        let f = OpenOptions::new().create(true).truncate(false).write(true).open(self.dir.join(LOCK))?;
        f.lock()?;
        Ok(f)
    }

    /// Reads what was appended since the last look (everything, when the
    /// log was replaced by a compaction) into `marks`. Whether anything was.
    pub fn refresh(&mut self, marks: &mut Marks) -> io::Result<bool> {
        let mut f = match File::open(self.log()) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        };
        let meta = f.metadata()?;
        let ino = inode(&meta);
        if ino != self.inode || meta.len() < self.offset {
            // A new file: read it from the start, over a clean slate.
            *marks = Marks::default();
            self.offset = 0;
            self.lines = 0;
            self.bad_lines = 0;
            self.inode = ino;
        }
        if meta.len() == self.offset {
            return Ok(false);
        }
        f.seek(SeekFrom::Start(self.offset))?;
        let mut reader = io::BufReader::new(f.take(meta.len() - self.offset));
        let mut line = Vec::new();
        let mut any = false;
        loop {
            line.clear();
            let n = reader.read_until(b'\n', &mut line)?;
            if n == 0 || line.last() != Some(&b'\n') {
                // The end, or a line still being written: read it next time.
                break;
            }
            self.offset += n as u64;
            self.lines += 1;
            match parse_record(&mut line) {
                Some(r) => {
                    marks.apply(&r);
                    any = true;
                }
                None if line.iter().all(u8::is_ascii_whitespace) => {}
                None => self.bad_lines += 1,
            }
        }
        Ok(any)
    }

    /// Appends `records` (stamped now when unstamped) under the lock, and
    /// reads them back (with anything others appended first) into `marks`.
    /// Whether others had appended anything not yet read: then `marks`
    /// changed by more than `records`.
    pub fn append(&mut self, marks: &mut Marks, records: &[Record]) -> io::Result<bool> {
        if records.is_empty() {
            return Ok(false);
        }
        let at = now_ms();
        let mut text = Vec::new();
        for r in records {
            let r = Record { at: if r.at == 0 { at } else { r.at }, ..r.clone() };
            serde_json::to_writer(&mut text, &r).map_err(io::Error::other)?;
            text.push(b'\n');
        }
        let _lock = self.lock()?;
        // Under the lock nobody else appends: what is read now is all that
        // others wrote before us, and what is read after writing is ours.
        let others = self.refresh(marks)?;
        {
            let mut f = OpenOptions::new().create(true).append(true).read(true).open(self.log())?;
            // A writer killed mid-line left a torn line: end it first, so
            // ours starts on a line of its own.
            let len = f.metadata()?.len();
            if len > 0 {
                let mut last = [0u8];
                f.seek(SeekFrom::Start(len - 1))?;
                f.read_exact(&mut last)?;
                if last[0] != b'\n' {
                    f.write_all(b"\n")?;
                }
            }
            f.write_all(&text)?;
            f.sync_data()?;
        }
        self.refresh(marks)?;
        Ok(others)
    }

    /// Rewrites the log as one line per key and field when it holds more
    /// than twice as many lines as marks (and at least 1000): under the lock,
    /// through a temporary file renamed over it. Whether it did.
    pub fn compact_if_worth_it(&mut self, marks: &mut Marks) -> io::Result<bool> {
        if self.lines < 1000 || self.lines < 2 * marks.len() {
            return Ok(false);
        }
        let _lock = self.lock()?;
        // Everything anyone appended before we took the lock.
        self.refresh(marks)?;
        // Lines that could not be read are not dropped unseen: the log as it
        // was is kept beside it (`marks.jsonl.damaged-N`), to mend by hand.
        if self.bad_lines > 0 {
            keep_a_copy(&self.log())?;
        }
        write_atomically(&self.log(), &marks.records())?;
        self.refresh(marks)?;
        Ok(true)
    }

    /// Merges `records` (an export): each is taken only when it is newer than
    /// what is known for its key and field. How many were taken.
    pub fn import(&mut self, marks: &mut Marks, records: Vec<Record>) -> io::Result<usize> {
        self.refresh(marks)?;
        // Taken: a key never marked here, or a newer change to another value.
        let newer: Vec<Record> = records
            .into_iter()
            .filter(|r| match marks.stamp(&r.key, r.field) {
                None => true,
                Some(at) => r.at > at && marks.set(r.field).contains(&r.key) != r.value,
            })
            .collect();
        let n = newer.len();
        self.append(marks, &newer)?;
        Ok(n)
    }
}

/// The record a line of the log holds. NUL bytes are dropped first: a
/// crash on a file system that allocates late leaves a run of them where a
/// line was being written, before the next (intact) line. A line that
/// still does not read is tried from its last record's start (what a torn
/// line joined to the next one looks like).
fn parse_record(line: &mut Vec<u8>) -> Option<Record> {
    line.retain(|&b| b != 0);
    if let Ok(r) = serde_json::from_slice::<Record>(line) {
        return Some(r);
    }
    let at = memchr::memmem::rfind(line, b"{\"key\"")?;
    serde_json::from_slice::<Record>(&line[at..]).ok()
}

/// Copies `path` to `path.damaged-N` (the first N not taken).
fn keep_a_copy(path: &Path) -> io::Result<PathBuf> {
    let aside = super::read::damaged_name(path)?;
    fs::copy(path, &aside)?;
    Ok(aside)
}

/// Writes `records` as the whole log: a temporary file in the same folder,
/// fsync, rename, fsync the folder.
fn write_atomically(path: &Path, records: &[Record]) -> io::Result<()> {
    super::paths::replace_file(path, |file| {
        let mut f = io::BufWriter::new(file);
        for r in records {
            serde_json::to_writer(&mut f, r).map_err(io::Error::other)?;
            f.write_all(b"\n")?;
        }
        f.into_inner().map_err(|e| e.into_error())?.sync_all()
    })?;
    if let Some(d) = path.parent().and_then(|dir| File::open(dir).ok()) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// A line of an export that is not a record.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {source}")]
pub struct ExportError {
    pub line: usize,
    source: serde_json::Error,
}

/// Reads an export (JSON lines); a line that is not a record is an error
/// naming its line number.
pub fn parse_export(text: &str) -> Result<Vec<Record>, ExportError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let r: Record = serde_json::from_str(line).map_err(|source| ExportError { line: i + 1, source })?;
        out.push(r);
    }
    Ok(out)
}

/// Reads the marks without writing anything (for `list`): the log, else the
/// old `read.json`, else nothing. Problems are returned, not fatal.
pub fn read_only(dir: &Path) -> (Marks, Option<String>) {
    let mut store = Store { dir: dir.to_path_buf(), offset: 0, inode: 0, lines: 0, bad_lines: 0 };
    let mut marks = Marks::default();
    if store.log().exists() {
        return match store.refresh(&mut marks) {
            Ok(_) => (marks, None),
            Err(e) => (marks, Some(format!("cannot read {}: {e}", store.log().display()))),
        };
    }
    let loaded = crate::store::read::load(&dir.join(LEGACY), false);
    for key in loaded.read {
        marks.apply(&Record { key, field: Field::Read, value: true, at: 0 });
    }
    (marks, loaded.problem)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(key: &str, field: Field, value: bool) -> Record {
        Record::new(key, field, value)
    }

    #[test]
    fn appends_and_reads_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut s, mut m, _) = Store::open(dir.path()).expect("opens");
        s.append(&mut m, &[rec("a", Field::Read, true), rec("b", Field::Starred, true)]).expect("appends");
        s.append(&mut m, &[rec("a", Field::Read, false)]).expect("appends");
        let (_, again, _) = Store::open(dir.path()).expect("opens");
        assert!(!again.read.contains("a"));
        assert!(again.starred.contains("b"));
    }

    #[test]
    fn two_stores_keep_both_marks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut s1, mut m1, _) = Store::open(dir.path()).expect("opens");
        let (mut s2, mut m2, _) = Store::open(dir.path()).expect("opens");
        s1.append(&mut m1, &[rec("one", Field::Read, true)]).expect("appends");
        s2.append(&mut m2, &[rec("two", Field::Read, true)]).expect("appends");
        // The second saw the first's mark when it appended; the first sees the second's on refresh.
        assert!(m2.read.contains("one") && m2.read.contains("two"));
        assert!(s1.refresh(&mut m1).expect("refreshes"));
        assert!(m1.read.contains("two"));
    }

    #[test]
    fn an_append_says_when_others_wrote_in_between() {
        // Reader one looked; reader two appends; reader one appends: one
        // must learn of two's mark (else it would never show it).
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut s1, mut m1, _) = Store::open(dir.path()).expect("opens");
        let (mut s2, mut m2, _) = Store::open(dir.path()).expect("opens");
        assert!(!s1.refresh(&mut m1).expect("refreshes"));
        assert!(!s2.append(&mut m2, &[rec("two", Field::Read, true)]).expect("appends"));
        assert!(s1.append(&mut m1, &[rec("one", Field::Read, true)]).expect("appends"), "others wrote");
        assert!(m1.read.contains("two") && m1.read.contains("one"));
        assert!(!s1.append(&mut m1, &[rec("three", Field::Read, true)]).expect("appends"), "nobody else did");
    }

    /// Issue 42: a run of NULs where a line was being written (a crash on
    /// a file system that allocates late) costs no intact mark; the lines
    /// that cannot be read are kept in a copy before a compaction drops them.
    #[test]
    fn nul_bytes_cost_no_mark_and_damaged_lines_are_kept_before_compaction() {
        let dir = tempfile::tempdir().expect("tempdir");
        let good = |k: &str| format!("{{\"key\":\"{k}\",\"field\":\"read\",\"value\":true,\"at\":1}}\n");
        let mut log = good("a").into_bytes();
        log.extend_from_slice(&[0u8; 64]);
        log.extend_from_slice(good("b").as_bytes());
        log.extend_from_slice(b"{\"key\":\"c\",\"fie");
        log.extend_from_slice(good("d").as_bytes());
        log.extend_from_slice(b"garbage that is no mark\n");
        fs::write(dir.path().join(LOG), &log).expect("write");
        let (mut s, mut m, opened) = Store::open(dir.path()).expect("opens");
        for k in ["a", "b", "d"] {
            assert!(m.read.contains(k), "{k} lost: {:?}", m.read);
        }
        assert_eq!(opened.bad_lines, 1, "only the garbage line is bad");
        // Enough lines to compact: the damaged line's log is kept first.
        let many: Vec<Record> = (0..1200).map(|i| rec("a", Field::Read, i % 2 == 0)).collect();
        s.append(&mut m, &many).expect("appends");
        assert!(s.compact_if_worth_it(&mut m).expect("compacts"));
        let copy = fs::read(dir.path().join(format!("{LOG}.damaged-1"))).expect("a copy is kept");
        assert!(copy.windows(7).any(|w| w == b"garbage"));
        assert!(m.read.contains("b") && m.read.contains("d"));
    }

    #[test]
    fn a_torn_last_line_is_skipped_and_closed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut s, mut m, _) = Store::open(dir.path()).expect("opens");
        s.append(&mut m, &[rec("a", Field::Read, true)]).expect("appends");
        // A writer killed in the middle of its line.
        let mut f = OpenOptions::new().append(true).open(s.log()).expect("log");
        f.write_all(br#"{"key":"half","fie"#).expect("writes");
        drop(f);
        let (mut s2, mut m2, _) = Store::open(dir.path()).expect("opens");
        assert!(m2.read.contains("a"));
        s2.append(&mut m2, &[rec("b", Field::Read, true)]).expect("appends");
        let (_, m3, opened) = Store::open(dir.path()).expect("opens");
        assert!(m3.read.contains("a") && m3.read.contains("b"));
        assert_eq!(opened.bad_lines, 1, "the torn line is counted, not fatal");
    }

    #[test]
    fn migrates_read_json_once_and_keeps_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let legacy = dir.path().join(LEGACY);
        fs::write(&legacy, r#"{"version":1,"read":["https://a.org/1","b.md"]}"#).expect("writes");
        let (_, m, opened) = Store::open(dir.path()).expect("opens");
        assert_eq!(opened.migrated, Some(2));
        assert!(m.read.contains("https://a.org/1") && m.read.contains("b.md"));
        assert!(legacy.exists(), "the old file stays as a backup");
        let (_, _, again) = Store::open(dir.path()).expect("opens");
        assert_eq!(again.migrated, None, "only once");
    }

    #[test]
    fn compaction_keeps_the_latest_values_and_others_notice() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut s, mut m, _) = Store::open(dir.path()).expect("opens");
        let (mut other, mut om, _) = Store::open(dir.path()).expect("opens");
        for i in 0..1200 {
            s.append(&mut m, &[rec("k", Field::Read, i % 2 == 0)]).expect("appends");
        }
        s.append(&mut m, &[rec("z", Field::Starred, true)]).expect("appends");
        let before = fs::metadata(s.log()).expect("meta").len();
        assert!(s.compact_if_worth_it(&mut m).expect("compacts"));
        assert!(fs::metadata(s.log()).expect("meta").len() < before / 100);
        assert!(!m.read.contains("k"), "the last of 1200 toggles was unread");
        assert!(m.starred.contains("z"));
        other.refresh(&mut om).expect("refreshes");
        assert!(om.starred.contains("z") && !om.read.contains("k"));
    }

    #[test]
    fn import_merges_by_time() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut s, mut m, _) = Store::open(dir.path()).expect("opens");
        s.append(&mut m, &[rec("kept", Field::Read, true)]).expect("appends");
        let now = m.stamp("kept", Field::Read).expect("stamped");
        let export = vec![
            Record { key: "kept".into(), field: Field::Read, value: false, at: now - 1000 },
            Record { key: "new".into(), field: Field::Starred, value: true, at: now - 1000 },
        ];
        assert_eq!(s.import(&mut m, export).expect("imports"), 1);
        assert!(m.read.contains("kept"), "an older unread does not undo a newer read");
        assert!(m.starred.contains("new"));
    }

    #[test]
    fn export_lines_parse_and_errors_name_the_line() {
        let ok =
            parse_export("{\"key\":\"a\",\"field\":\"read\",\"value\":true,\"at\":5}\n\n").expect("parses");
        assert_eq!(ok.len(), 1);
        let err = parse_export("{\"key\":\"a\",\"field\":\"read\",\"value\":true}\nnot json\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("line 2:"), "{err}");
    }
}
