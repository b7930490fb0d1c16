//! A feed read from the parse cache without making its posts: each file is
//! stat'ed against its entry's check record ([`cache::Check`], which for
//! most posts also holds all a stand-in needs; the others' entries are only
//! gone through, [`crate::post::Skim`]), the posts put in the saved order
//! as stand-ins that hold their path, entry, draft flag, dates, Hugo's keys
//! and event; the few a caller needs whole
//! (those folded together, the section pages) are made afterwards from
//! their entries ([`Lazy::make`]), and a printed row's title, source and
//! link are read where its entry lies ([`Lazy::row`]). A one-shot `list -q`
//! whose terms the search index answers alone makes none of the posts it
//! prints: at 100,000 posts, decoding every post was half of its time.
//!
//! It holds only when nothing but a few posts' words changed since the
//! cache and its arrangement were written: no folder changed (no file came
//! or went), the saved order holds now, the section pages' titles are as
//! saved, and each of at most [`ABSORBED`] files edited since still parses
//! to a post that differs from its entry only in what a query reads (title,
//! tags, source, tldr, summary, body), and is no event. Those
//! are read again and put in their places whole (`Post::entry` `None`); the
//! caller matches them through a patched index
//! ([`crate::search::Index::patched`]). Else the caller loads the feed as
//! usual, told which files still hold when some changed ([`Checked`]).

use super::assemble::page_folder;
use super::entries::{Checked, each_block, joined, places_of, reroot, still_holds};
use super::read::{parse_bytes_with, read_file};
use super::{Feed, LoadStats, hugo, stat};
use crate::cache::{self, CacheError};
use crate::post::Post;
use crate::problem::Problem;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

/// What making the stand-ins whole needs: the mapped cache, where each
/// entry starts in its block's light part (so an entry is decoded whole
/// without going through its block again), and the section pages' titles.
pub struct Lazy {
    dir: PathBuf,
    map: memmap2::Mmap,
    blocks: Vec<Option<Skimmed>>,
    reader: cache::Reader,
    titles: HashMap<String, String>,
    /// Entries made whole already.
    made: Vec<bool>,
    /// Which entries still hold, when files were edited (and read again):
    /// for the usual load, should the caller fall back on it.
    pub checked: Option<Checked>,
}

/// Where each of a block's entries starts in its light part, and whether
/// that part's CRC holds (checked once, when an entry is first read from
/// it: [`light_part`]).
type Skimmed = (Vec<u32>, OnceLock<bool>);

/// Block `b`'s light part in the mapped cache, once its CRC holds (checked
/// the first time, the answer kept in `holds`).
fn light_part<'m>(
    reader: &cache::Reader,
    map: &'m [u8],
    b: usize,
    holds: &OnceLock<bool>,
) -> Result<&'m [u8], CacheError> {
    if !*holds.get_or_init(|| reader.light_holds(map, b)) {
        return Err(CacheError::Damaged("a block's checksum"));
    }
    reader.light_range(b).and_then(|r| map.get(r)).ok_or(CacheError::NoSuchBlock)
}

/// At most this many files edited since the cache was written are read
/// again by a lazy load; more, and the usual load reads them (and writes
/// the cache again).
pub const ABSORBED: usize = 64;

/// One core's share of the first pass.
#[derive(Default)]
struct Pass {
    stale: Vec<u32>,
    /// The stale entries read again: entry, place, the post the file
    /// holds now and its warnings.
    edited: Vec<(u32, u32, (Post, Vec<Problem>))>,
    pages: Vec<u32>,
    problems: Vec<Problem>,
    unplaced: usize,
    files: usize,
    blocks: Vec<(usize, Skimmed)>,
}

/// The feed of `dir` from its parse cache at `cache_path`, every post a
/// stand-in, when every file is as cached and the saved arrangement holds;
/// else, when some files changed, which entries still hold (`Err(Some)`).
pub fn load(dir: &Path, cache_path: &Path) -> Result<(Feed, Lazy), Option<Checked>> {
    let mut checked = None;
    match load_or_check(dir, cache_path, &mut checked) {
        Some((feed, mut lazy)) => {
            lazy.checked = checked;
            Ok((feed, lazy))
        }
        None => Err(checked),
    }
}

fn load_or_check(dir: &Path, cache_path: &Path, checked: &mut Option<Checked>) -> Option<(Feed, Lazy)> {
    let t = Instant::now();
    let reader = cache::Reader::open(cache_path, &cache::root_key(dir)).ok()??;
    if !reader.folders_unchanged(dir) {
        return None;
    }
    let arranged = cache::Arranged::load(&cache::arranged_path_for(cache_path), reader.generation())?;
    if !arranged.holds_at(crate::clock::now()) {
        return None;
    }
    let (places, n) = places_of(&arranged.order, reader.entries())?;
    let map = reader.map()?;
    let bytes: &[u8] = &map;
    let scatter = crate::par::Scatter::<Post>::new(n);
    let racy_from = reader.written_ns.saturating_sub(1_000_000_000);
    // Set when the edits cannot be taken in (too many, a section page's, a
    // file that no longer parses): from then on the files are only
    // stat'ed, for the usual load that follows.
    let changed = std::sync::atomic::AtomicBool::new(false);
    let edits = std::sync::atomic::AtomicUsize::new(0);
    let passes = each_block(&reader, Pass::default, |pass, b, _| {
        let mut stater = stat::Stater::new(dir);
        let mut starts = Vec::with_capacity(reader.block_len(b));
        let mut buf = Vec::new();
        let blank = Post::blank();
        let mut checks = Vec::new();
        if reader.checks_mapped(bytes, b, &mut checks).is_err() {
            // A damaged check part: its block's files are read again by the
            // usual load, which writes the block anew.
            pass.stale.extend((0..reader.block_len(b)).map(|k| reader.entry_id(b, k)));
            changed.store(true, std::sync::atomic::Ordering::Relaxed);
            return Ok(());
        }
        // The light part, its CRC checked once an entry is read from it:
        // only for the entries whose check record does not say all.
        let holds = OnceLock::new();
        let skim = |at: u32| -> Result<cache::Skimmed, CacheError> {
            Ok(cache::skim_at(light_part(&reader, bytes, b, &holds)?, at)?.1)
        };
        // The block's files stat'ed in one run, then its entries gone
        // through: each loop stays in its own code.
        let stats: Vec<_> = checks.iter().map(|c| stater.stat(c.rel)).collect();
        for (k, (c, now)) in checks.iter().zip(stats).enumerate() {
            starts.push(c.at);
            let id = reader.entry_id(b, k);
            let file = joined(dir, c.rel);
            let place = places.get(id as usize).copied().unwrap_or(u32::MAX);
            if !still_holds(&c.stat(), now.as_ref(), &file, racy_from) {
                pass.stale.push(id);
                // Edited since: read again, when few were (and none could
                // not be taken in), each a post in the saved order, not a
                // section page.
                let few = edits.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < ABSORBED
                    && !changed.load(std::sync::atomic::Ordering::Relaxed);
                let takes = few
                    && place != u32::MAX
                    && !hugo::is_section_page(&file)
                    && (c.stand_in.is_some() || skim(c.at)?.is_ok());
                let parsed = takes
                    .then(|| {
                        read_file(&file, &mut buf).and_then(|()| parse_bytes_with(&file, &buf, false)).ok()
                    })
                    .flatten();
                match parsed {
                    Some(parsed) => {
                        // Its place held until the post is settled.
                        if scatter.put(place as usize, blank.clone()).is_err() {
                            pass.unplaced += 1;
                        }
                        pass.files += 1;
                        pass.edited.push((id, place, parsed));
                    }
                    None => changed.store(true, std::sync::atomic::Ordering::Relaxed),
                }
                continue;
            }
            if changed.load(std::sync::atomic::Ordering::Relaxed) {
                continue;
            }
            pass.files += 1;
            // Most posts' check record says all a stand-in needs; the others
            // (warnings, Hugo's keys, an event, a file that did not parse)
            // are gone through in the light part.
            let skimmed = match c.stand_in {
                Some(_) => None,
                None => Some(skim(c.at)?),
            };
            match skimmed {
                Some(Err(p)) => pass.problems.push(Problem { path: file, ..p }),
                _ if hugo::is_section_page(&file) => pass.pages.push(id),
                skimmed => {
                    let (date, draft, hugo, event) = match skimmed {
                        Some(Ok((skim, warnings))) => {
                            pass.problems
                                .extend(warnings.into_iter().map(|w| Problem { path: file.clone(), ..w }));
                            (skim.date, skim.draft, skim.hugo, skim.event)
                        }
                        // Not skimmed: the record says all.
                        _ => {
                            let (date, draft) = c.stand_in.unwrap_or_default();
                            (date, draft, None, None)
                        }
                    };
                    let stand_in =
                        Post { path: file, date, draft, hugo, event, entry: Some(id), ..blank.clone() };
                    if place == u32::MAX || scatter.put(place as usize, stand_in).is_err() {
                        pass.unplaced += 1;
                    }
                }
            }
        }
        pass.blocks.push((b, (starts, holds)));
        Ok(())
    })
    .ok()?;
    let mut problems = Vec::new();
    let (mut pages, mut files) = (Vec::new(), 0);
    let mut blocks: Vec<Option<Skimmed>> = (0..reader.blocks()).map(|_| None).collect();
    let stale: Vec<u32> = passes.iter().flat_map(|p| p.stale.iter().copied()).collect();
    if !stale.is_empty() {
        let mut holds = vec![true; reader.entries()];
        for &id in &stale {
            *holds.get_mut(id as usize)? = false;
        }
        *checked = Some(Checked { generation: reader.generation(), holds });
    }
    if changed.into_inner() {
        return None;
    }
    let mut edited = Vec::new();
    for pass in passes {
        if pass.unplaced > 0 {
            return None;
        }
        problems.extend(pass.problems);
        pages.extend(pass.pages);
        files += pass.files;
        edited.extend(pass.edited);
        for (b, skimmed) in pass.blocks {
            *blocks.get_mut(b)? = Some(skimmed);
        }
    }
    let posts = scatter.into_vec().ok()?;
    let cache_read = t.elapsed();
    let mut lazy = Lazy {
        dir: dir.to_path_buf(),
        made: vec![false; reader.entries()],
        map,
        blocks,
        reader,
        titles: HashMap::new(),
        checked: None,
    };
    // The section pages' titles, as assembling takes them: when they are
    // not the saved ones, the saved sections do not hold.
    let mut titles = HashMap::new();
    for &id in &pages {
        let Ok((page, _)) = lazy.whole(id).ok()? else { continue };
        titles.insert(page_folder(dir, &page.path), page.title);
    }
    let saved: HashMap<String, String> = arranged.titles.iter().cloned().collect();
    if titles != saved {
        return None;
    }
    lazy.titles = titles;
    // The edited posts, whole, in their places, when each differs from its
    // entry only in what a query reads (not an event: its place may hang
    // on its file's time). Which of the posts that share a link is shown
    // is settled as ever; the saved index fits only if it is the same one.
    let mut sections = hugo::Sections::with_titles(lazy.titles.clone());
    let mut posts = posts;
    let parsed = edited.len();
    for (id, place, now) in edited {
        let ((mut post, warnings), Ok((was, _))) = (now, lazy.whole(id).ok()?) else { return None };
        let slot = posts.get_mut(place as usize)?;
        if was.event.is_some() || !same_but_words(&was, &post) {
            return None;
        }
        post.path = was.path;
        hugo::settle(&mut post, dir, &mut sections);
        problems.extend(warnings.into_iter().map(|w| Problem { path: post.path.clone(), ..w }));
        *slot = post;
    }
    // The posts that share a link: warned of as assembling warns of them.
    let groups = cache::Arranged::groups_among(arranged.groups, posts.len());
    problems.extend(super::assemble::duplicate_urls(&posts, &groups));
    problems.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
    let generation = lazy.reader.generation();
    let feed = Feed {
        root: dir.to_path_buf(),
        sections: arranged.sections,
        problems,
        files,
        pages: pages.len(),
        stats: LoadStats {
            walk_skipped: true,
            parsed,
            stale: parsed,
            cached: files - parsed,
            cache_read,
            arranged: true,
            made: Some(0),
            ..LoadStats::default()
        },
        link_groups: Some(groups),
        cache_generation: Some(generation),
        posts,
        ..Feed::default()
    };
    Some((feed, lazy))
}

/// Whether a post read again differs from what its cache entry said only
/// in what a query reads or a row shows (title, tags, source, tldr,
/// summary, its body): not in what places it, folds it or says whether it
/// is shown (date, link, kind, draft, Hugo's keys, event).
fn same_but_words(was: &Post, now: &Post) -> bool {
    let words = Post {
        path: was.path.clone(),
        title: was.title.clone(),
        tags: was.tags.clone(),
        source: was.source.clone(),
        tldr: was.tldr.clone(),
        summary: was.summary.clone(),
        summary_from_body: was.summary_from_body,
        left_out: was.left_out,
        body: was.body.clone(),
        body_in_file: was.body_in_file,
        also: was.also.clone(),
        entry: was.entry,
        ..now.clone()
    };
    words == *was
}

impl Lazy {
    /// Makes whole the stand-ins among `posts` at `places` (from the
    /// entries they name), each in its place, on every core: as a load from
    /// the cache makes them, without their tldr and summary, with the files
    /// folded into them kept. How many were made.
    pub fn make(&mut self, posts: &mut [Post], places: &[usize]) -> Result<usize, CacheError> {
        use rayon::prelude::*;
        let mut want = vec![false; posts.len()];
        let mut count = 0;
        for &at in places {
            let Some(id) = posts.get(at).and_then(|p| p.entry) else { continue };
            if let (Some(m), Some(w)) = (self.made.get_mut(id as usize), want.get_mut(at))
                && !*m
            {
                (*m, *w) = (true, true);
                count += 1;
            }
        }
        let failed = std::sync::atomic::AtomicBool::new(false);
        let (titles, dir) = (&self.titles, &self.dir);
        posts.par_iter_mut().zip(&want).with_min_len(4096).filter(|(_, w)| **w).for_each_init(
            || hugo::Sections::with_titles(titles.clone()),
            |sections, (stand_in, _)| {
                let whole = stand_in
                    .entry
                    .ok_or(CacheError::NoSuchEntry)
                    .and_then(|id| self.whole(id).map(|p| (id, p)));
                match whole {
                    Ok((id, Ok((mut post, _)))) if post.path == stand_in.path => {
                        hugo::settle(&mut post, dir, sections);
                        post.entry = Some(id);
                        post.also = std::mem::take(&mut stand_in.also);
                        post.leave_out_long_text();
                        *stand_in = post;
                    }
                    _ => failed.store(true, std::sync::atomic::Ordering::Relaxed),
                }
            },
        );
        if failed.into_inner() {
            return Err(CacheError::NotItsPost);
        }
        Ok(count)
    }

    /// Whether the light parts that hold `entries` are as written (their
    /// CRCs, checked on every core, each block once): before anything is
    /// printed from them, so a damaged part leaves the query to the usual
    /// load (which rebuilds the cache) instead of failing half-way.
    pub fn holds(&self, entries: impl Iterator<Item = u32>) -> bool {
        use rayon::prelude::*;
        let mut wanted = vec![false; self.blocks.len()];
        for id in entries {
            match self.reader.locate(id).and_then(|(b, _)| wanted.get_mut(b)) {
                Some(w) => *w = true,
                None => return false,
            }
        }
        (0..self.blocks.len()).into_par_iter().filter(|&b| wanted[b]).all(|b| {
            self.blocks
                .get(b)
                .and_then(Option::as_ref)
                .is_some_and(|(_, holds)| light_part(&self.reader, &self.map, b, holds).is_ok())
        })
    }

    /// What a row of `list` shows of entry `id` ([`crate::post::Row`]),
    /// read where it lies in the mapped cache; `None` for a file that did
    /// not parse.
    pub fn row(&self, id: u32) -> Result<Option<crate::post::Row<'_>>, CacheError> {
        let (light, at) = self.entry_at(id)?;
        cache::row_at(light, at)
    }

    /// Whether entry `id` was made whole ([`Lazy::make`]).
    pub fn is_made(&self, id: u32) -> bool {
        self.made.get(id as usize).copied().unwrap_or(false)
    }

    /// The sections as the stand-ins' posts are settled into them
    /// ([`hugo::settle`]).
    pub fn sections(&self) -> hugo::Sections {
        hugo::Sections::with_titles(self.titles.clone())
    }

    /// The light part holding entry `id` and where the entry starts in it.
    fn entry_at(&self, id: u32) -> Result<(&[u8], u32), CacheError> {
        let (b, k) = self.reader.locate(id).ok_or(CacheError::NoSuchEntry)?;
        let (starts, holds) = self.blocks.get(b).and_then(Option::as_ref).ok_or(CacheError::NoSuchBlock)?;
        let light = light_part(&self.reader, &self.map, b, holds)?;
        Ok((light, *starts.get(k).ok_or(CacheError::NoSuchEntry)?))
    }

    /// Entry `id` decoded whole (its path set), from the light part the
    /// first pass read.
    fn whole(&self, id: u32) -> Result<super::Parsed, CacheError> {
        let (light, at) = self.entry_at(id)?;
        let (meta, parsed) = cache::whole_at(light, at)?;
        Ok(reroot(parsed, joined(&self.dir, meta.rel)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::Progress;
    use crate::feed::read::LongText;
    use crate::feed::testing::{backdate_folders, feed_with_a_blog, write};
    use crate::feed::walked::{load_dir_cached_as, load_dir_checked};

    fn titles(feed: &Feed) -> Vec<(PathBuf, String)> {
        feed.posts.iter().map(|p| (p.path.clone(), p.title.clone())).collect()
    }

    /// Issue 25: a lazy load of an unchanged feed gives a stand-in for each
    /// post, in the order a full load gives them, and makes whole those
    /// asked for as a full load has them; a file whose words were edited is
    /// read again and put in its place whole; one whose date changed ends
    /// the lazy load, which says which entries still hold, and the load told so gives what a
    /// full load gives, without stat'ing the files again (told that every
    /// file holds, it takes even an edited file from the cache).
    #[test]
    fn a_lazy_load_stands_in_for_the_posts_and_says_which_files_changed() {
        let (tmp, dir) = feed_with_a_blog();
        for i in 0..40 {
            let text =
                format!("---\ntitle: Post {i}\ndate: 2026-01-{:02}\ntags: [t{}]\n---\n", 1 + i % 28, i % 3);
            write(&dir, &format!("{}/p{i}.md", ["blog", "docs"][i % 2]), &text);
        }
        backdate_folders(&dir);
        let cache = tmp.path().join("cache.bin");
        let full = || load_dir_cached_as(&dir, &Progress::default(), None, LongText::Drop).expect("loads");
        let cached =
            load_dir_cached_as(&dir, &Progress::default(), Some(&cache), LongText::Drop).expect("loads");
        let Ok((mut feed, mut lazy)) = load(&dir, &cache) else { panic!("lazy") };
        let want = full();
        let paths = |f: &Feed| f.posts.iter().map(|p| p.path.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&feed), paths(&want));
        assert!(feed.posts.iter().all(|p| p.title.is_empty()), "stand-ins hold no text");
        assert_eq!(lazy.make(&mut feed.posts, &[0, 5, 39]), Ok(3));
        assert_eq!(lazy.make(&mut feed.posts, &[5]), Ok(0), "made once");
        for at in [0, 5, 39] {
            assert_eq!(Post { entry: None, ..feed.posts[at].clone() }, want.posts[at], "post {at}");
        }
        assert_eq!(feed.sections, want.sections);
        // One file's words edited in place: read again, whole, in its place.
        let edited = dir.join("docs/p7.md");
        write(&dir, "docs/p7.md", "---\ntitle: Post 7, edited at length\ndate: 2026-01-08\n---\n");
        let entry = cached.posts.iter().find(|p| p.path == edited).and_then(|p| p.entry).expect("cached");
        let stale = |c: &Checked| (0..c.holds.len()).filter(|&i| !c.holds[i]).collect::<Vec<usize>>();
        let Ok((feed, lazy)) = load(&dir, &cache) else { panic!("an edit of words is taken in") };
        assert_eq!(paths(&feed), paths(&want));
        let at = feed.posts.iter().position(|p| p.path == edited).expect("in its place");
        assert_eq!((feed.posts[at].title.as_str(), feed.posts[at].entry), ("Post 7, edited at length", None));
        assert_eq!((feed.stats.parsed, &*feed.posts[at].section), (1, "docs"), "settled");
        assert_eq!(lazy.checked.as_ref().map(stale), Some(vec![entry as usize]));
        // Its date edited too: which entries hold, for the usual load.
        write(&dir, "docs/p7.md", "---\ntitle: Post 7, edited at length\ndate: 2026-02-08\n---\n");
        let Err(Some(checked)) = load(&dir, &cache) else { panic!("a change found") };
        assert_eq!(stale(&checked), vec![entry as usize]);
        let told = load_dir_checked(&dir, &Progress::default(), Some(&cache), LongText::Drop, Some(&checked))
            .expect("loads");
        assert_eq!(told.stats.parsed, 1);
        assert_eq!(titles(&told), titles(&full()));
        // Told every file holds (as of the writing it checked), the load
        // believes it: not stat'ed again.
        write(&dir, "docs/p9.md", "---\ntitle: Post 9, edited unseen\ndate: 2026-03-10\n---\n");
        let Err(Some(mut all)) = load(&dir, &cache) else { panic!("a change found") };
        all.holds.iter_mut().for_each(|h| *h = true);
        let believed = load_dir_checked(&dir, &Progress::default(), Some(&cache), LongText::Drop, Some(&all))
            .expect("loads");
        assert_eq!(believed.stats.parsed, 0);
        assert!(believed.posts.iter().any(|p| p.title == "Post 9"), "taken from the cache");
    }
}
