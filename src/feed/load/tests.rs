//! The loads' own tests.

use super::*;
use crate::feed::Feed;
use crate::feed::entries::{cache_holds, places_of};
use crate::feed::testing::{backdate_folders, feed_with_a_blog, write};
use crate::feed::walked::load_dir_cached_as;
use crate::post::Post;
use std::fs;

/// What settling gives each post: its title, section, the section's
/// title, its kind and whether it is an event.
fn settled(feed: &Feed) -> Vec<(String, String, String, String, bool)> {
    feed.posts
        .iter()
        .map(|p| {
            let (s, t, k) = (p.section.to_string(), p.section_title.to_string(), p.kind.to_string());
            (p.title.clone(), s, t, k, p.event.is_some())
        })
        .collect()
}

/// Issue 25: a load from the cache when nothing changed settles each
/// post as it is decoded, with the saved arrangement's titles of the
/// section pages: the same sections, titles and kinds as a load that
/// reads every file. When those titles are not the pages' (whatever
/// made them differ), the posts are settled again with the pages'.
#[test]
fn posts_settled_as_they_are_decoded_are_as_a_full_load_settles_them() {
    let (tmp, dir) = feed_with_a_blog();
    write(&dir, "events/_index.md", "---\ntitle: Meetups\n---\n");
    for (i, section) in ["blog", "events", "releases", "blog", "events"].iter().enumerate() {
        let text = format!(
            "---\ntitle: Post {i}\ndate: 2026-01-0{}\nexternal_url: https://example.org/{i}\n---\n",
            i + 1
        );
        write(&dir, &format!("{section}/p{i}.md"), &text);
    }
    write(&dir, "root.md", "---\ntitle: At the root\ndate: 2026-02-01\n---\n");
    backdate_folders(&dir);
    let cache = tmp.path().join("cache.bin");
    let load =
        || load_dir_cached_as(&dir, &Progress::default(), Some(&cache), LongText::Drop).expect("loads");
    let full = load_dir_cached_as(&dir, &Progress::default(), None, LongText::Drop).expect("loads");
    let want = settled(&full);
    assert!(want.iter().any(|p| p.2 == "The Blog") && want.iter().any(|p| p.3 == "event" && p.4), "{want:?}");
    let first = load();
    assert!(!first.stats.walk_skipped, "the first load walks");
    assert_eq!(settled(&first), want);
    let second = load();
    assert!(second.stats.walk_skipped && second.stats.arranged, "{:?}", second.stats);
    assert_eq!(settled(&second), want);
    assert_eq!(second.sections, full.sections);
    // The saved arrangement's titles no longer the pages': settled again.
    let arranged_path = cache::arranged_path_for(&cache);
    let generation = second.cache_generation.expect("one writing");
    let mut arranged = cache::Arranged::load(&arranged_path, generation).expect("saved");
    for (_, title) in &mut arranged.titles {
        *title = "Stale".into();
    }
    arranged.save(&arranged_path).expect("save");
    let third = load();
    assert!(third.stats.walk_skipped, "{:?}", third.stats);
    assert_eq!(settled(&third), want);
    assert_eq!(third.sections, full.sections);
    // The saved arrangement made again (with the pages' titles), then
    // a post edited in place (parsed again, settled as it is read),
    // then a section page's title: as a full load settles them.
    fs::remove_file(&arranged_path).expect("rm");
    assert_eq!(settled(&load()), want);
    let full_now =
        || settled(&load_dir_cached_as(&dir, &Progress::default(), None, LongText::Drop).expect("loads"));
    let edits = [
        ("events/p1.md", "---\ntitle: Post 1, edited\ndate: 2026-01-02\n---\n"),
        ("blog/_index.md", "---\ntitle: The Blog, renamed\n---\n"),
    ];
    for (rel, text) in edits {
        write(&dir, rel, text);
        let after = load();
        assert!(after.stats.walk_skipped && after.stats.parsed == 1, "{rel}: {:?}", after.stats);
        assert_eq!(settled(&after), full_now(), "{rel}");
    }
    assert!(settled(&load()).iter().any(|p| p.0 == "Post 1, edited" && p.3 == "event"));
    assert!(settled(&load()).iter().any(|p| p.2 == "The Blog, renamed"));
}

/// The reader's check after its first screen ([`cache_holds`]): it
/// holds for an unchanged feed (across several blocks), and not after
/// an edit in place, an edit that keeps the file's size and time (seen
/// by its CRC while it is racy), a file added, or a damaged check part.
#[test]
fn the_cache_holds_until_a_file_changes() {
    let (tmp, dir) = feed_with_a_blog();
    for i in 0..1300 {
        write(&dir, &format!("blog/{}/p{i}.md", i % 3), &format!("---\ntitle: Post {i}\n---\n"));
    }
    backdate_folders(&dir);
    let cache = tmp.path().join("cache.bin");
    let load =
        || load_dir_cached_as(&dir, &Progress::default(), Some(&cache), LongText::Drop).expect("loads");
    load();
    assert!(cache_holds(&dir, &cache), "unchanged");
    // An edit in place: another size and time.
    write(&dir, "blog/1/p700.md", "---\ntitle: Post 700, edited\n---\n");
    assert!(!cache_holds(&dir, &cache), "edited");
    load();
    assert!(cache_holds(&dir, &cache), "cached again");
    // Within a second of the cache's writing, an edit that keeps the
    // size and the time: only the CRC tells.
    // (Written again just before a load, so that its time is within a
    // second of the cache's writing however slow the machine is.)
    write(&dir, "blog/2/p5.md", "---\ntitle: Post 5\n---\n");
    load();
    let path = dir.join("blog/2/p5.md");
    let mtime = fs::metadata(&path).and_then(|m| m.modified()).expect("mtime");
    write(&dir, "blog/2/p5.md", "---\ntitle: Post X\n---\n");
    fs::File::options().write(true).open(&path).and_then(|f| f.set_modified(mtime)).expect("set mtime");
    assert!(!cache_holds(&dir, &cache), "racy edit");
    load();
    // A file added: its folder changed.
    write(&dir, "blog/0/new.md", "---\ntitle: New\n---\n");
    assert!(!cache_holds(&dir, &cache), "added");
    fs::remove_file(dir.join("blog/0/new.md")).expect("rm");
    backdate_folders(&dir);
    // Written anew (not appended to): the file's end before the footer
    // is the last block's check part.
    fs::remove_file(&cache).expect("rm");
    load();
    assert!(cache_holds(&dir, &cache), "cached again");
    // A byte of that check part changed: not trusted.
    let mut bytes = fs::read(&cache).expect("read");
    let reader = cache::Reader::open(&cache, &cache::root_key(&dir)).expect("opens").expect("there");
    let last = reader.blocks() - 1;
    let mut buf = Vec::new();
    let checks = reader.checks(last, &mut buf).expect("checks").len();
    assert_eq!(checks, reader.block_len(last));
    drop(reader);
    let footer = u32::from_le_bytes(bytes[bytes.len() - 16..bytes.len() - 12].try_into().expect("4 bytes"));
    let at = bytes.len() - 16 - footer as usize - 3;
    bytes[at] ^= 0x01;
    fs::write(&cache, &bytes).expect("write");
    assert!(!cache_holds(&dir, &cache), "damaged check part");
}

/// Issue 25: the posts put straight into their places in the saved
/// order as they are decoded (on every core) are a full load's posts,
/// in its order, with its groups of posts that share a link; also when
/// a post changed since (the placed posts join the one parsed again,
/// and are sorted), and when the saved order names an entry twice (it
/// is not used).
#[test]
fn posts_placed_in_the_saved_order_as_decoded_are_a_full_loads() {
    let (tmp, dir) = feed_with_a_blog();
    for i in 0..300 {
        // Days repeat (the path decides between equal dates); every
        // 37th post shares its link with the one before.
        let link = if i % 37 == 1 { i - 1 } else { i };
        let text = format!(
            "---\ntitle: Post {i}\ndate: 2025-{:02}-{:02}\nexternal_url: https://example.org/{link}\ntags: [t{}]\n---\nBody {i}.\n",
            1 + i % 12,
            1 + i % 9,
            i % 7
        );
        let folder = ["blog", "events", "releases", "docs/deep"][i % 4];
        write(&dir, &format!("{folder}/{:03}/p{i}.md", i % 10), &text);
    }
    backdate_folders(&dir);
    let cache = tmp.path().join("cache.bin");
    let load =
        || load_dir_cached_as(&dir, &Progress::default(), Some(&cache), LongText::Drop).expect("loads");
    // Posts as a load without the cache gives them (no entry numbers).
    let posts = |feed: &Feed| -> Vec<Post> {
        feed.posts.iter().cloned().map(|p| Post { entry: None, ..p }).collect()
    };
    let full = || load_dir_cached_as(&dir, &Progress::default(), None, LongText::Drop).expect("loads");
    let want = full();
    assert!(want.link_groups.as_ref().is_some_and(|g| g.len() >= 8), "{:?}", want.link_groups);
    load();
    let second = load();
    assert!(second.stats.walk_skipped && second.stats.arranged, "{:?}", second.stats);
    assert_eq!(posts(&second), posts(&want));
    assert_eq!(second.link_groups, want.link_groups);
    assert_eq!(posts(&second.visible(false)), posts(&want.visible(false)));
    // A post changed: parsed again, sorted with the placed ones.
    write(&dir, "events/005/p5.md", "---\ntitle: Five, moved to 2030\ndate: 2030-01-01\n---\n");
    let changed = load();
    assert!(changed.stats.walk_skipped && changed.stats.parsed == 1, "{:?}", changed.stats);
    let want = full();
    assert_eq!(want.posts[0].title, "Five, moved to 2030");
    assert_eq!(posts(&changed), posts(&want));
    assert_eq!(changed.link_groups, want.link_groups);
    // The saved order names an entry twice: not used, the posts sorted.
    let arranged_path = cache::arranged_path_for(&cache);
    let generation = load().cache_generation.expect("one writing");
    let mut arranged = cache::Arranged::load(&arranged_path, generation).expect("saved");
    arranged.order[1] = arranged.order[0];
    arranged.save(&arranged_path).expect("save");
    let twice = load();
    assert!(twice.stats.walk_skipped && !twice.stats.arranged, "{:?}", twice.stats);
    assert_eq!(posts(&twice), posts(&want));
    assert!(load().stats.arranged, "the arrangement made again");
}

/// Places of a saved order: each entry's, none for an entry not in
/// it; no places for an order that names an entry twice or one the
/// cache does not have.
#[test]
fn places_of_an_order() {
    assert_eq!(places_of(&[2, 0, 3], 5), Some((vec![1, u32::MAX, 0, 2, u32::MAX], 3)));
    assert_eq!(places_of(&[2, 0, 2], 5), None);
    assert_eq!(places_of(&[5], 5), None);
    assert_eq!(places_of(&[], 0), Some((vec![], 0)));
}
