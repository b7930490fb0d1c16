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
    /// The latest stamp seen: a change made here is stamped after it
    /// ([`Store::append`]), whatever this machine's clock says.
    max_at: i64,
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
        self.max_at = self.max_at.max(r.at);
    }

    /// Whether `r` wins over what is known of its key and field, by the
    /// merge rule every machine applies: the later stamp wins; of two
    /// changes stamped alike, the one that sets the mark. A record that
    /// only stamps the same value later also wins (so every machine ends
    /// with the same stamps).
    pub fn is_won_by(&self, r: &Record) -> bool {
        match self.stamp(&r.key, r.field) {
            None => true,
            Some(at) => r.at > at || (r.at == at && r.value && !self.set(r.field).contains(&r.key)),
        }
    }

    /// Whether `r` would change the mark's value.
    pub fn changes(&self, r: &Record) -> bool {
        self.set(r.field).contains(&r.key) != r.value
    }

    /// The latest stamp seen (0: none).
    pub fn max_at(&self) -> i64 {
        self.max_at
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

/// Milliseconds since the epoch, by this machine's clock (moved by
/// `LINKFEED_CLOCK_SKEW_MS`, milliseconds, for tests of machines whose
/// clocks differ).
fn now_ms() -> i64 {
    let skew = std::env::var("LINKFEED_CLOCK_SKEW_MS").ok().and_then(|v| v.trim().parse::<i64>().ok());
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .saturating_add(skew.unwrap_or(0))
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
    /// "Now" is a hybrid logical clock: this machine's time, or just after
    /// the latest stamp seen when that is later (a machine whose clock runs
    /// ahead synced its marks here), so a change made after seeing another
    /// always wins over it.
    /// Whether others had appended anything not yet read: then `marks`
    /// changed by more than `records`.
    pub fn append(&mut self, marks: &mut Marks, records: &[Record]) -> io::Result<bool> {
        self.append_at(marks, records, now_ms())
    }

    /// [`Store::append`] with this machine's clock reading `now`
    /// (milliseconds): what tests of machines whose clocks differ use.
    pub fn append_at(&mut self, marks: &mut Marks, records: &[Record], now: i64) -> io::Result<bool> {
        if records.is_empty() {
            return Ok(false);
        }
        let mut text = Vec::new();
        let _lock = self.lock()?;
        // Under the lock nobody else appends: what is read now is all that
        // others wrote before us, and what is read after writing is ours.
        let others = self.refresh(marks)?;
        let at = now.max(marks.max_at().saturating_add(1));
        for r in records {
            let r = Record { at: if r.at == 0 { at } else { r.at }, ..r.clone() };
            serde_json::to_writer(&mut text, &r).map_err(io::Error::other)?;
            text.push(b'\n');
        }
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

    /// Merges `records` (an export, another machine's marks) by the merge
    /// rule ([`Marks::is_won_by`]): each is taken only when it wins over
    /// what is known for its key and field. How many changed a mark.
    pub fn import(&mut self, marks: &mut Marks, records: Vec<Record>) -> io::Result<usize> {
        self.refresh(marks)?;
        // The last record of each key and field is the one that counts.
        let mut latest: HashMap<(String, Field), Record> = HashMap::new();
        for r in records {
            let slot = latest.entry((r.key.clone(), r.field)).or_insert_with(|| r.clone());
            if (r.at, r.value) > (slot.at, slot.value) {
                *slot = r;
            }
        }
        let mut newer: Vec<Record> = latest.into_values().filter(|r| marks.is_won_by(r)).collect();
        newer.sort_by(|a, b| a.key.cmp(&b.key).then((a.field as u8).cmp(&(b.field as u8))));
        let n = newer.iter().filter(|r| marks.changes(r)).count();
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
mod tests;
