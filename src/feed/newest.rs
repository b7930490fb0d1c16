//! The reader's first screen from the parse cache without reading it whole:
//! the saved order ([`cache::Arranged`]) names the newest posts' entries,
//! so only the blocks that hold them are decoded. At 100,000 posts that is
//! a few blocks of some two hundred, and the first screen does not wait for
//! the rest (the check after it loads the feed whole and replaces these).

use super::{Feed, hugo};
use crate::cache;
use crate::post::Post;
use std::path::Path;

/// How many of the newest posts a first screen reads: more rows than any
/// terminal shows, and some pages to move through while the rest loads.
pub const NEWEST: usize = 512;

/// The newest `rows` posts of the feed in `dir` (and every post that shares
/// a link with one of them: a row folds its group), settled, newest first,
/// with their tldr and summary; `None` unless the cache and its saved order
/// are there, of one writing, and the order holds now, or when the feed is
/// not larger than `rows` (then the whole is as quick). The feed says how
/// many posts the whole has (`Feed::partial`) and that it came unchecked.
pub(super) fn load(dir: &Path, cache_path: &Path, rows: usize) -> Option<Feed> {
    let reader = cache::Reader::open(cache_path, &cache::root_key(dir)).ok()??;
    let arranged = cache::Arranged::load(&cache::arranged_path_for(cache_path), reader.generation())?;
    let total = arranged.order.len();
    if total <= rows || !arranged.holds_at(crate::clock::now()) {
        return None;
    }
    let (positions, groups) = newest_positions(total, rows, &arranged.groups);
    // The entries wanted, by block: (index within the block, place here).
    let mut by_block: std::collections::BTreeMap<usize, Vec<(usize, usize)>> = Default::default();
    for (place, &pos) in positions.iter().enumerate() {
        let (b, k) = reader.locate(*arranged.order.get(pos)?)?;
        by_block.entry(b).or_default().push((k, place));
    }
    let mut slots: Vec<Option<Post>> = (0..positions.len()).map(|_| None).collect();
    let mut buf = Vec::new();
    for (b, wanted) in by_block {
        let mut entries: Vec<Option<(cache::Meta, crate::problem::Parsed)>> =
            reader.block(b, &mut buf, true).ok()?.into_iter().map(Some).collect();
        for (k, place) in wanted {
            let (meta, parsed) = entries.get_mut(k)?.take()?;
            // An entry in the order is a post, never a problem.
            let (mut post, _) = parsed.ok()?;
            post.path = dir.join(&meta.rel);
            post.entry = Some(reader.entry_id(b, k));
            *slots.get_mut(place)? = Some(post);
        }
    }
    let mut titles = hugo::Sections::default();
    titles.titles = arranged.titles.into_iter().collect();
    let mut posts = Vec::with_capacity(slots.len());
    for slot in slots {
        let mut post = slot?;
        hugo::settle(&mut post, dir, &mut titles);
        posts.push(post);
    }
    let files = posts.len();
    let mut feed = Feed {
        root: dir.to_path_buf(),
        posts,
        sections: arranged.sections,
        files,
        link_groups: Some(groups),
        partial: Some(total),
        ..Feed::default()
    };
    feed.stats.unchecked = true;
    feed.stats.arranged = true;
    Some(feed)
}

/// Of a feed of `total` posts in the saved order, the places of the newest
/// `rows` and of every post in a group (`groups`: places that share a link)
/// with one of them, in order; and those groups, by index into that list.
fn newest_positions(total: usize, rows: usize, groups: &[Vec<u32>]) -> (Vec<usize>, Vec<Vec<usize>>) {
    let mut take = vec![false; total];
    take.iter_mut().take(rows).for_each(|t| *t = true);
    let kept: Vec<&Vec<u32>> = groups.iter().filter(|g| g.iter().any(|&i| (i as usize) < rows)).collect();
    for g in &kept {
        for &i in g.iter() {
            if let Some(t) = take.get_mut(i as usize) {
                *t = true;
            }
        }
    }
    let positions: Vec<usize> = (0..total).filter(|&i| take[i]).collect();
    let mut index_of = vec![usize::MAX; total];
    for (k, &p) in positions.iter().enumerate() {
        index_of[p] = k;
    }
    let groups = kept
        .into_iter()
        .map(|g| {
            g.iter().filter_map(|&i| index_of.get(i as usize).copied().filter(|&k| k != usize::MAX)).collect()
        })
        .collect();
    (positions, groups)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::Progress;
    use crate::feed::read::LongText;
    use crate::feed::testing::{feed_with_a_blog, write};
    use crate::feed::walked::load_dir_cached_as;
    use std::fs;

    /// A first screen of the newest posts shows exactly the rows the whole
    /// feed starts with: same posts, sections and titles, a draft left out,
    /// and the newest post's duplicate (its oldest) folded into its row.
    #[test]
    fn the_newest_posts_are_the_whole_feeds_first_rows() {
        let (tmp, dir) = feed_with_a_blog();
        for i in 0..12 {
            let section = if i % 2 == 1 { "blog" } else { "releases" };
            // The newest and the oldest share a link; the third newest is a draft.
            let link = if i == 0 || i == 11 {
                "https://example.org/same".to_string()
            } else {
                format!("https://example.org/{i}")
            };
            let draft = if i == 9 { "draft: true\n" } else { "" };
            write(
                &dir,
                &format!("{section}/p{i:02}.md"),
                &format!(
                    "---\ntitle: Post {i:02}\ndate: 2026-01-{:02}\nexternal_url: {link}\n{draft}summary: Said {i}.\n---\n",
                    i + 1
                ),
            );
        }
        let cache = tmp.path().join("cache.bin");
        let full = load_dir_cached_as(&dir, &Progress::default(), Some(&cache), LongText::Keep)
            .expect("loads")
            .visible(false);
        let partial = load(&dir, &cache, 5).expect("the saved order is there");
        assert_eq!(partial.partial, Some(12));
        assert!(partial.stats.unchecked);
        let first = partial.visible(false);
        let rows: Vec<_> =
            first.posts.iter().map(|p| (&p.title, &p.section_title, &p.also, &p.summary)).collect();
        let want: Vec<_> = full
            .posts
            .iter()
            .take(rows.len())
            .map(|p| (&p.title, &p.section_title, &p.also, &p.summary))
            .collect();
        assert_eq!(rows, want);
        assert_eq!(first.sections, full.sections);
        // Six taken (five newest and the old duplicate), the draft out, the pair one row.
        assert_eq!(rows.len(), 4, "{rows:?}");
        assert_eq!(rows[0].0, "Post 11");
        assert_eq!(&**rows[0].1, "The Blog");
        assert_eq!(rows[0].2.len(), 1, "the oldest post is folded into the newest's row");
        assert_eq!(rows[0].3, "Said 11.");
        // A post's text read back by its entry, from that writing only.
        let generation = cache::Reader::open(&cache, &cache::root_key(&dir))
            .ok()
            .flatten()
            .map(|r| r.generation())
            .expect("the cache");
        let entry = first.posts[0].entry.expect("numbered");
        let texts = super::super::texts_of(&dir, &cache, generation, &[entry]).expect("read");
        assert_eq!(texts, vec![(entry, String::new(), "Said 11.".to_string())]);
        assert!(super::super::texts_of(&dir, &cache, generation ^ 1, &[entry]).is_err());
        // Not larger than the rows asked: the whole is loaded instead.
        assert!(load(&dir, &cache, 12).is_none());
        // Without the saved order: none.
        fs::remove_file(cache::arranged_path_for(&cache)).expect("rm");
        assert!(load(&dir, &cache, 5).is_none());
    }

    /// The newest rows are taken, and with them every post of a group one
    /// of them is in, however far down; groups of older posts only are not.
    #[test]
    fn the_newest_rows_bring_their_groups() {
        let groups = vec![vec![1, 7], vec![8, 9], vec![6, 2]];
        let (positions, kept) = newest_positions(10, 3, &groups);
        assert_eq!(positions, vec![0, 1, 2, 6, 7]);
        // [1, 7] is places 1 and 4 here; [6, 2] is 3 and 2; [8, 9] is left out.
        assert_eq!(kept, vec![vec![1, 4], vec![3, 2]]);
    }
}
