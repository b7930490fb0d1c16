//! The parse cache's own tests.

use super::frame::{BLOCK, Block, Footer, MAGIC};
use super::*;
use crate::problem::Parsed;
use std::fs::{self, File};
use std::path::{Path, PathBuf};

/// A cache file with `footer` as its footer (and the right checksum
/// unless `crc` says otherwise), no blocks.
fn crafted(dir: &Path, footer: &Footer, crc: Option<u32>, len: Option<u32>) -> PathBuf {
    let path = dir.join("crafted.bin");
    let fb = postcard::to_stdvec(footer).expect("encode");
    let mut bytes = MAGIC.to_vec();
    bytes.extend_from_slice(&[0u8; 64]);
    bytes.extend_from_slice(&fb);
    bytes.extend_from_slice(&len.unwrap_or(fb.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&crc.unwrap_or_else(|| crc32fast::hash(&fb)).to_le_bytes());
    bytes.extend_from_slice(MAGIC);
    fs::write(&path, bytes).expect("write");
    path
}

/// File `i`'s entry: `{i}.md`, a post with a title, tags and its text.
fn entry(i: usize) -> (Meta, Parsed) {
    let post = crate::post::Post {
        title: format!("post {i}"),
        tldr: format!("tldr {i}"),
        summary: format!("summary {i} ").repeat(10),
        tags: vec![format!("t{}", i % 7).into()],
        ..Default::default()
    };
    (Meta { rel: format!("{i}.md"), size: i as u64, ..Default::default() }, Ok((post, Vec::new())))
}

/// A cache at `path` of files `0..n`; its bytes.
fn cache_of(path: &Path, n: usize) -> Vec<u8> {
    let all: Vec<(Meta, Parsed)> = (0..n).map(entry).collect();
    let refs: Vec<(&Meta, &Parsed)> = all.iter().map(|(m, p)| (m, p)).collect();
    write_all(path, "/feed", &[("".into(), 1)], &refs).expect("write");
    fs::read(path).expect("read")
}

/// A reader of the cache at `path`, which is there and whole.
fn reopen(path: &Path) -> Reader {
    Reader::open(path, "/feed").expect("opens").expect("there")
}

/// A temporary folder with a cache of files `0..n` (`c.bin`): the
/// folder, the cache's path, its bytes and a reader of it.
fn opened(n: usize) -> (tempfile::TempDir, PathBuf, Vec<u8>, Reader) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.bin");
    let before = cache_of(&path, n);
    let old = reopen(&path);
    (dir, path, before, old)
}

/// Every entry of the cache a reader gives, in entry order, with text.
fn entries_in(reader: &Reader) -> Vec<(Meta, Parsed)> {
    let mut buf = Vec::new();
    (0..reader.blocks()).flat_map(|b| reader.block(b, &mut buf, true).expect("a whole block")).collect()
}

/// Rewrites the cache at `path` (read by `old`) without the files
/// `gone`, with files `fresh` added.
fn rewrite_without(path: &Path, old: &Reader, gone: &[usize], fresh: &[usize]) -> Renumbering {
    let holds: Vec<bool> = (0..old.entries()).map(|i| !gone.contains(&i)).collect();
    let fresh: Vec<(Meta, Parsed)> = fresh.iter().map(|&i| entry(i)).collect();
    let refs: Vec<(&Meta, &Parsed)> = fresh.iter().map(|(m, p)| (m, p)).collect();
    rewrite(path, "/feed", &[("".into(), 2)], old, &holds, &refs).expect("rewrite")
}

/// The files a cache should then hold, in order.
fn expected(n: usize, gone: &[usize], fresh: &[usize]) -> Vec<(Meta, Parsed)> {
    (0..n).filter(|i| !gone.contains(i)).chain(fresh.iter().copied()).map(entry).collect()
}

#[test]
fn a_few_changes_are_appended_and_an_old_writings_reader_still_reads_it() {
    let (_dir, path, before, old) = opened(10_000);
    let (gone, fresh) = ([700, 9999], [10_000, 10_001]);
    let r = rewrite_without(&path, &old, &gone, &fresh);
    let after = fs::read(&path).expect("read");
    assert!(after.len() > before.len() && after.starts_with(&before), "appended, the old bytes kept");
    let new = reopen(&path);
    assert_eq!(new.generation(), r.generation);
    assert_ne!(r.generation, old.generation(), "a new writing");
    assert_eq!(new.folders(), &[("".to_string(), 2)]);
    assert_eq!(entries_in(&new), expected(10_000, &gone, &fresh), "every entry, in order, with its text");
    // The renumbering names where each old entry went.
    assert_eq!((r.fresh_from, r.entries), (9998, 10_000));
    for (i, &now) in r.renumbered.iter().enumerate() {
        let want = if gone.contains(&i) { u32::MAX } else { (i - usize::from(i > 700)) as u32 };
        assert_eq!(now, want, "entry {i}");
    }
    // A reader of the writing before reads what it read.
    assert_eq!(entries_in(&old), expected(10_000, &[], &[]));
    // Appended to again: the file grows by what changed.
    let again = rewrite_without(&path, &new, &[5], &[]);
    let third = fs::read(&path).expect("read");
    assert!(third.starts_with(&after) && third.len() < after.len() + (after.len() - before.len()) * 2);
    let newest = reopen(&path);
    assert_eq!(newest.generation(), again.generation);
    assert_eq!(entries_in(&newest), expected(10_000, &[5, 700, 9999], &fresh));
}

#[test]
fn a_cache_that_would_be_mostly_unused_is_written_anew() {
    let (_dir, path, before, old) = opened(3000);
    let gone: Vec<usize> = (0..2000).collect();
    let r = rewrite_without(&path, &old, &gone, &[3000]);
    let after = fs::read(&path).expect("read");
    assert!(after.len() < before.len() / 2, "written anew: {} of {} bytes", after.len(), before.len());
    let new = reopen(&path);
    assert_eq!(new.generation(), r.generation);
    assert_eq!(entries_in(&new), expected(3000, &gone, &[3000]));
}

#[test]
fn a_file_replaced_or_being_appended_to_is_written_anew() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.bin");
    // Replaced by another writer since it was opened (a new file).
    let before = cache_of(&path, 3000);
    let old = reopen(&path);
    let copy = dir.path().join("copy.bin");
    fs::write(&copy, &before).expect("write");
    fs::rename(&copy, &path).expect("rename");
    rewrite_without(&path, &old, &[700], &[3000]);
    let after = fs::read(&path).expect("read");
    assert!(!after.starts_with(&before), "not appended to a file it did not read");
    let new = reopen(&path);
    assert_eq!(entries_in(&new), expected(3000, &[700], &[3000]));
    // Another process appending to it (holding its lock).
    let before = cache_of(&path, 3000);
    let old = reopen(&path);
    let other = File::open(&path).expect("open");
    other.lock().expect("lock");
    rewrite_without(&path, &old, &[700], &[3000]);
    drop(other);
    let after = fs::read(&path).expect("read");
    assert!(!after.starts_with(&before), "not appended while another append holds the file");
    let new = reopen(&path);
    assert_eq!(entries_in(&new), expected(3000, &[700], &[3000]));
}

#[test]
fn a_cache_opened_while_another_process_appends_is_read_once_the_append_is_done() {
    use std::os::unix::fs::FileExt;
    let (_dir, path, before, old) = opened(3000);
    let appended = rewrite_without(&path, &old, &[700], &[3000]).generation;
    let after = fs::read(&path).expect("read");
    assert!(after.starts_with(&before));
    // Half of the append written, the appender holding the lock.
    let half = (before.len() + after.len()) / 2;
    fs::write(&path, &after[..half]).expect("write");
    let appender = fs::OpenOptions::new().write(true).open(&path).expect("open");
    appender.lock().expect("lock");
    let opening = std::thread::spawn({
        let path = path.clone();
        move || Reader::open(&path, "/feed").map(|r| r.map(|r| r.generation()))
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!opening.is_finished(), "waits for the append");
    appender.write_all_at(&after[half..], half as u64).expect("write");
    appender.unlock().expect("unlock");
    assert_eq!(opening.join().expect("joins"), Ok(Some(appended)), "the appended writing");
    // A file cut short with no append going on is refused at once.
    drop(appender);
    fs::write(&path, &after[..half]).expect("write");
    assert!(Reader::open(&path, "/feed").is_err());
}

#[test]
fn an_append_cut_short_is_not_read_as_a_cache() {
    let (_dir, path, before, old) = opened(3000);
    rewrite_without(&path, &old, &[700], &[3000]);
    let after = fs::read(&path).expect("read");
    assert!(after.starts_with(&before));
    for cut in [before.len() + 1, (before.len() + after.len()) / 2, after.len() - 1] {
        fs::write(&path, &after[..cut]).expect("write");
        assert!(Reader::open(&path, "/feed").is_err(), "cut at {cut} of {}", after.len());
    }
}

#[test]
fn new_folder_times_are_appended_as_a_footer_with_the_same_writing() {
    let (_dir, path, before, old) = opened(3000);
    refresh_folders(&path, &old, &[("".into(), 5), ("a".into(), 6)]).expect("refresh");
    let after = fs::read(&path).expect("read");
    assert!(after.starts_with(&before) && after.len() < before.len() + 4096, "a footer appended");
    let new = reopen(&path);
    assert_eq!(new.generation(), old.generation(), "the same writing");
    assert_eq!(new.folders(), &[("".to_string(), 5), ("a".to_string(), 6)]);
    assert_eq!(entries_in(&new), expected(3000, &[], &[]));
}

/// A byte changed in a block's check part or light part: its checks
/// are refused, its light part said not to hold; the other blocks'
/// hold. A copy of the cache that keeps the block whole refuses it too.
#[test]
fn a_damaged_check_or_light_part_is_refused() {
    let (_dir, path, bytes, old) = opened(1200);
    let b = old.footer.blocks[1];
    {
        let (mut checks, map) = (Vec::new(), old.map().expect("maps"));
        old.checks_mapped(&map, 1, &mut checks).expect("checks");
        assert_eq!(checks.len(), b.count as usize);
        assert!(checks.windows(2).all(|w| w[0].at < w[1].at), "where each entry starts");
    }
    for at in [b.offset + u64::from(b.light) + u64::from(b.text) + 9, b.offset + 3] {
        let mut damaged = bytes.clone();
        damaged[at as usize] ^= 0x20;
        fs::write(&path, &damaged).expect("write");
        let reader = reopen(&path);
        let map = reader.map().expect("maps");
        let in_check = at > b.offset + u64::from(b.light);
        let mut checks = Vec::new();
        let got = reader.checks_mapped(&map, 1, &mut checks).map(|()| checks.len());
        assert_eq!(got.is_err(), in_check, "{got:?}");
        assert_eq!(reader.light_holds(&map, 1), in_check, "the light part holds unless it was changed");
        assert!(reader.checks_mapped(&map, 0, &mut Vec::new()).is_ok() && reader.light_holds(&map, 2));
        let mut buf = Vec::new();
        assert!(reader.read_all(1, &mut buf).is_err() && reader.read_all(0, &mut buf).is_ok());
    }
}

fn footer(entries: u64, blocks: Vec<(u64, u32, u32)>) -> Footer {
    Footer {
        format: FORMAT,
        version: env!("CARGO_PKG_VERSION").into(),
        root: "/feed".into(),
        entries,
        generation: 1,
        blocks: blocks
            .into_iter()
            .map(|(offset, light, light_crc)| Block {
                offset,
                light,
                light_crc,
                text: 0,
                text_crc: 0,
                first: 0,
                count: entries.min(BLOCK as u64) as u32,
                check: 0,
                check_crc: 0,
            })
            .collect(),
        dirs: Vec::new(),
    }
}

/// The reason in the words `list --stats` prints.
fn open(path: &Path) -> Result<usize, String> {
    Reader::open(path, "/feed").map(|r| r.map_or(0, |r| r.entries())).map_err(String::from)
}

/// Issue 25: a block's text part is read only when asked for; without
/// it the post says which long text it has; with it the post is whole
/// again; each write has its own generation.
#[test]
fn the_long_text_is_kept_apart_and_read_only_when_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.bin");
    let post = |i: usize| crate::post::Post {
        title: format!("post {i}"),
        tldr: if i.is_multiple_of(2) { format!("tldr {i}") } else { String::new() },
        summary: format!("summary {i} ").repeat(20),
        tags: vec!["t".into()],
        ..Default::default()
    };
    let metas: Vec<Meta> = (0..1100).map(|i| Meta { rel: format!("{i}.md"), ..Default::default() }).collect();
    let parsed: Vec<Parsed> = (0..1100)
        .map(|i| {
            if i == 7 {
                Err(crate::problem::Problem {
                    path: std::path::PathBuf::new(),
                    line: Some(2),
                    severity: crate::problem::Severity::Error,
                    message: "bad".into(),
                })
            } else {
                Ok((post(i), Vec::new()))
            }
        })
        .collect();
    let entries: Vec<(&Meta, &Parsed)> = metas.iter().zip(parsed.iter()).collect();
    let g1 = write_all(&path, "/feed", &[], &entries).expect("write");
    let reader = reopen(&path);
    assert_eq!(reader.entries(), 1100);
    assert_eq!(reader.generation(), g1);
    let mut buf = Vec::new();
    let mut whole = Vec::new();
    let mut light = Vec::new();
    for b in 0..reader.blocks() {
        whole.extend(reader.block(b, &mut buf, true).expect("block"));
        light.extend(reader.block(b, &mut buf, false).expect("block"));
    }
    let whole: Vec<Parsed> = whole.into_iter().map(|(_, p)| p).collect();
    assert_eq!(whole, parsed, "with the text, every entry is as written");
    for (i, (_, p)) in light.iter().enumerate() {
        let Ok((p, _)) = p else { continue };
        assert!(p.tldr.is_empty() && p.summary.is_empty(), "{i}: no long text in memory");
        assert_eq!(p.has_tldr(), i.is_multiple_of(2), "{i}: it still knows it has a tldr");
        assert!(p.has_summary());
        assert_eq!(p.title, format!("post {i}"));
    }
    let g2 = write_all(&path, "/feed", &[], &entries).expect("write");
    assert_ne!(g1, g2, "every write is a new generation");
}

/// Issue 21: a footer's counts never size an allocation unchecked.
#[test]
fn crafted_footers_are_refused_before_anything_is_allocated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = crafted(dir.path(), &footer(3, vec![(8, 64, 0)]), None, None);
    assert_eq!(open(&good), Ok(3), "the crafted file itself is well formed");
    // A huge count under a valid checksum.
    let huge = crafted(dir.path(), &footer(431_008_558_088_192, vec![(8, 64, 0)]), None, None);
    assert_eq!(open(&huge), Err("damaged (the footer's counts)".into()));
    // A huge count without a valid checksum.
    let unsigned = crafted(dir.path(), &footer(3, vec![(8, 64, 0)]), Some(7), None);
    assert_eq!(open(&unsigned), Err("damaged (the footer's checksum)".into()));
    // A footer longer than the file.
    let long = crafted(dir.path(), &footer(3, vec![(8, 64, 0)]), None, Some(u32::MAX));
    assert_eq!(open(&long), Err("truncated".into()));
    // A block beyond the end, or whose end overflows.
    let beyond = crafted(dir.path(), &footer(3, vec![(u64::MAX - 2, 64, 0)]), None, None);
    assert_eq!(open(&beyond), Err("truncated".into()));
    let past = crafted(dir.path(), &footer(3, vec![(8, 1 << 30, 0)]), None, None);
    assert_eq!(open(&past), Err("truncated".into()));
    // More entries than blocks can hold.
    let many = crafted(dir.path(), &footer(600, vec![(8, 64, 0)]), None, None);
    assert_eq!(open(&many), Err("damaged (the footer's counts)".into()));
}

/// Issue 25: a block's entries only gone through keep what the post
/// had (draft, date, Hugo's keys, event, problems), the block is gone
/// through to its end (every entry, in order, whatever the posts hold:
/// tags, aliases, an event, files folded in, a body, warnings, a file
/// that did not parse), and each entry decoded whole
/// from where it starts is what `block_ref` gives.
#[test]
fn entries_skimmed_keep_what_the_post_had() {
    use crate::post::{Event, Hugo, Post};
    use crate::problem::{Problem, Severity};
    let date = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
    let problem = |line, message: &str| Problem {
        path: PathBuf::new(),
        line: Some(line),
        severity: Severity::Warning,
        message: message.into(),
    };
    let all: Vec<(Meta, Parsed)> = (0..1300)
        .map(|i| {
            let post = Post {
                title: format!("post {i} \u{e9}"),
                date: date(["2025-03-04T05:06:07.5+02:00", "1969-12-31T23:59:59-05:30"][i % 2])
                    .filter(|_| i % 3 != 0),
                tags: (0..i % 4).map(|t| format!("t{t}").into()).collect(),
                source: if i % 2 == 0 { "Src".into() } else { "".into() },
                url: format!("https://example.org/{i}"),
                kind: if i % 5 == 0 { "event".into() } else { "".into() },
                draft: i % 7 == 0,
                tldr: format!("tldr {i}"),
                summary: "summary ".repeat(i % 9),
                summary_from_body: i % 11 == 0,
                body: if i % 13 == 0 { "body text".into() } else { String::new() },
                body_in_file: i % 2 == 1,
                hugo: (i % 6 == 0).then(|| {
                    Box::new(Hugo {
                        categories: vec!["c".into()],
                        publish_date: date("2030-01-01T00:00:00Z"),
                        expiry_date: None,
                        weight: Some(-3),
                        slug: "s".into(),
                        aliases: vec!["/a".into(), "/b".into()],
                    })
                }),
                event: (i % 5 == 0).then(|| {
                    Box::new(Event {
                        start: date("2026-05-05T10:00:00Z"),
                        place: "Here".into(),
                        ..Event::default()
                    })
                }),
                also: if i % 17 == 0 { vec![PathBuf::from("x/y.md")] } else { Vec::new() },
                ..Post::default()
            };
            let warnings = if i % 19 == 0 { vec![problem(i, "odd")] } else { Vec::new() };
            let parsed = if i % 23 == 0 { Err(problem(1, "broken")) } else { Ok((post, warnings)) };
            let meta = Meta {
                rel: format!("d/{}/\u{fc}ber {i}.md", i % 4),
                size: i as u64,
                mtime_ns: (i as i64 - 600) * 1_000_000_007,
                ino: i as u64 * 31 + 1,
                crc: (i % 3 == 0).then_some(i as u32 * 7),
            };
            (meta, parsed)
        })
        .collect();
    let refs: Vec<(&Meta, &Parsed)> = all.iter().map(|(m, p)| (m, p)).collect();
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("c.bin");
    write_all(&path, "/feed", &[("".into(), 1)], &refs).expect("write");
    let reader = reopen(&path);
    let map = reader.map().expect("maps");
    let mut seen = 0;
    for b in 0..reader.blocks() {
        let mut want_buf = Vec::new();
        let want = reader.block_ref(b, &mut want_buf, false).expect("block");
        let mut checks = Vec::new();
        reader.checks_mapped(&map, b, &mut checks).expect("checks");
        assert!(reader.light_holds(&map, b));
        let light = &map[reader.light_range(b).expect("a light part")];
        assert_eq!(checks.len(), want.len());
        for (k, (c, (wm, wp))) in checks.iter().zip(&want).enumerate() {
            let id = reader.entry_id(b, k);
            // The check record: the file as the entry has it.
            assert_eq!(
                (c.rel, c.size, c.mtime_ns, c.ino, c.crc),
                (wm.rel, wm.size, wm.mtime_ns, wm.ino, wm.crc),
                "entry {id}"
            );
            let (m, skim) = skim_at(light, c.at).expect("skimmed");
            assert_eq!(m.rel, wm.rel, "entry {id}: where it starts");
            // Decoded whole from where it starts: what block_ref gives.
            let (whole_meta, whole) = whole_at(light, c.at).expect("whole");
            assert_eq!((whole_meta.rel, &whole), (wm.rel, wp), "entry {id}");
            // What a row shows, read in place: the post's own.
            let row = row_at(light, c.at).expect("a row");
            let shown = wp.as_ref().ok().map(|(p, _)| (&*p.title, &*p.source, p.url.as_str()));
            assert_eq!(row.map(|r| (r.title, r.source, r.url)), shown, "entry {id}");
            match (skim, wp) {
                (Ok((s, warnings)), Ok((post, want_warnings))) => {
                    assert_eq!(
                        (s.draft, s.date, &s.hugo, &s.event, &warnings),
                        (post.draft, post.date, &post.hugo, &post.event, want_warnings),
                        "entry {id}"
                    );
                    // A stand-in from the record alone exactly when the
                    // post has nothing more a stand-in holds.
                    let plain = warnings.is_empty() && s.hugo.is_none() && s.event.is_none();
                    assert_eq!(c.stand_in, plain.then_some((post.date, post.draft)), "entry {id}");
                }
                (Err(p), Err(wp)) => {
                    assert_eq!(&p, wp);
                    assert_eq!(c.stand_in, None, "entry {id}");
                }
                (skim, _) => panic!("entry {id}: skimmed {skim:?}, whole {wp:?}"),
            }
            seen += 1;
        }
    }
    assert_eq!(seen, all.len());
}
