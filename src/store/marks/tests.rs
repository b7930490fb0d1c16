//! The tests of `marks`.

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
    let ok = parse_export("{\"key\":\"a\",\"field\":\"read\",\"value\":true,\"at\":5}\n\n").expect("parses");
    assert_eq!(ok.len(), 1);
    let err = parse_export("{\"key\":\"a\",\"field\":\"read\",\"value\":true}\nnot json\n")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("line 2:"), "{err}");
}
