//! From parsed files to a feed: section pages give titles, posts learn
//! their section and kind, newest first, duplicate links found.

use super::{Feed, LoadStats, Parsed, hugo};
use crate::cache;
use crate::post::Post;
use crate::problem::{Problem, Severity};
use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::Path;

/// Posts sorted newest first (undated last, then by path), problems in file
/// order; paths taken as they are (the sample feed's, relative).
pub fn assemble(results: impl IntoIterator<Item = Parsed>) -> Feed {
    assemble_in(Path::new(""), results)
}

/// As [`assemble`], for files below `root`: section pages give their section
/// a title and are not posts; each post learns its section and kind.
pub fn assemble_in(root: &Path, results: impl IntoIterator<Item = Parsed>) -> Feed {
    let results = results.into_iter();
    let n = results.size_hint().0;
    assemble_with_capacity(root, results, n)
}

/// As [`assemble_in`], with room made for `capacity` posts up front (a
/// chain of parts cannot say how many it holds, and growing a vector of
/// 100,000 posts moves them many times).
pub(super) fn assemble_with_capacity(
    root: &Path,
    results: impl IntoIterator<Item = Parsed>,
    capacity: usize,
) -> Feed {
    assemble_arranged(root, results.into_iter().map(|r| (r, 0)), capacity, Arrange::default()).0
}

/// What a load knows of the parse cache's arrangement ([`cache::Arranged`]).
#[derive(Debug, Default)]
pub(super) struct Arrange {
    /// The results are exactly this writing's entries (each with its entry
    /// number): the arrangement made is worth saving.
    pub generation: Option<u64>,
    /// The arrangement saved for that writing.
    pub saved: Option<cache::Arranged>,
    /// Every post was settled as it was decoded, with these titles of
    /// section pages (the saved arrangement's), in these sections (one per
    /// decoding thread): when the section pages give the same titles, the
    /// posts are not settled again.
    pub settled: Option<(HashMap<String, String>, Vec<hugo::Sections>)>,
}

/// As [`assemble_with_capacity`], each result with its entry number in the
/// cache: when `arrange.saved` holds for them (and the clock), the posts
/// are put in its order and take its groups instead of being sorted and
/// keyed; else they are, and the arrangement made comes back to be saved
/// (when `arrange.generation` says the results are that writing's).
pub(super) fn assemble_arranged(
    root: &Path,
    results: impl IntoIterator<Item = (Parsed, u32)>,
    capacity: usize,
    arrange: Arrange,
) -> (Feed, Option<cache::Arranged>) {
    let mut split = Split::with_capacity(capacity);
    for (r, id) in results {
        split.push(r, id);
    }
    assemble_split(root, split, arrange)
}

/// Parsed files taken apart: the posts (each told its entry number in the
/// cache), the section pages and the problems. A load from the cache makes
/// one per core as it decodes; they are then joined by appending whole
/// vectors instead of moving every post one by one (a quarter of the
/// assembling of 100,000 posts).
#[derive(Debug, Default)]
pub(super) struct Split {
    posts: Vec<Post>,
    pages: Vec<Post>,
    problems: Vec<Problem>,
    files: usize,
}

impl Split {
    pub(super) fn with_capacity(posts: usize) -> Split {
        Split { posts: Vec::with_capacity(posts), ..Split::default() }
    }

    /// One parsed file, entry `id` of the cache.
    pub(super) fn push(&mut self, r: Parsed, id: u32) {
        self.push_settled(r, id, None);
    }

    /// [`Split::push`], a post (not a section page) settled first in
    /// `settle`'s sections below its root (`hugo::settle`).
    pub(super) fn push_settled(&mut self, r: Parsed, id: u32, settle: Option<(&Path, &mut hugo::Sections)>) {
        self.put_settled(r, id, settle, Some);
    }

    /// [`Split::push_settled`], the post given to `put` (which gives it
    /// back, `Some`, when it has no place for it: then it is pushed here).
    pub(super) fn put_settled(
        &mut self,
        r: Parsed,
        id: u32,
        settle: Option<(&Path, &mut hugo::Sections)>,
        put: impl FnOnce(Post) -> Option<Post>,
    ) {
        self.files += 1;
        match r {
            // A section page: only its title is used, and only a broken one is reported.
            Ok((page, _)) if hugo::is_section_page(&page.path) => self.pages.push(page),
            Ok((mut post, mut warnings)) => {
                if let Some((root, met)) = settle {
                    hugo::settle(&mut post, root, met);
                }
                post.entry = Some(id);
                if let Some(post) = put(post) {
                    self.posts.push(post);
                }
                self.problems.append(&mut warnings);
            }
            Err(p) => self.problems.push(p),
        }
    }

    /// Its posts, put before the ones it has (taken out of a
    /// [`crate::par::Scatter`]: in the saved order, when they are all the posts).
    pub(super) fn put_first(&mut self, mut posts: Vec<Post>) {
        posts.append(&mut self.posts);
        self.posts = posts;
    }

    /// `other`'s after this one's.
    pub(super) fn append(&mut self, mut other: Split) {
        if self.posts.is_empty() && self.posts.capacity() < other.posts.capacity() {
            std::mem::swap(&mut self.posts, &mut other.posts);
        } else {
            self.posts.append(&mut other.posts);
        }
        self.pages.append(&mut other.pages);
        self.problems.append(&mut other.problems);
        self.files += other.files;
    }

    /// How many files it was given.
    pub(super) fn files(&self) -> usize {
        self.files
    }

    /// Each post's entry number through `f` (a rewritten cache renumbers them).
    pub(super) fn renumber(&mut self, f: impl Fn(u32) -> u32) {
        for p in &mut self.posts {
            p.entry = p.entry.map(&f);
        }
    }
}

/// [`assemble_arranged`] of files already taken apart.
pub(super) fn assemble_split(root: &Path, split: Split, arrange: Arrange) -> (Feed, Option<cache::Arranged>) {
    let Split { mut posts, pages, mut problems, files } = split;
    let mut titles = hugo::Sections::default();
    let mut weights: HashMap<String, Option<i64>> = HashMap::new();
    let n_pages = pages.len();
    for page in pages {
        let folder = page_folder(root, &page.path);
        weights.insert(folder.clone(), page.weight());
        titles.titles.insert(folder, page.title);
    }
    // The results are one writing's entries: each post knows its entry.
    let numbered = arrange.generation.is_some();
    if !numbered {
        for p in &mut posts {
            p.entry = None;
        }
    }
    // Settled on every core (a few thousand posts at least each), each
    // with its own cache of the sections it met: those are the sections.
    // Unless they were as they were decoded, with the same titles.
    let share = posts.len().div_ceil(rayon::current_num_threads().max(1)).max(4096);
    let presettled = arrange.settled.filter(|(t, _)| *t == titles.titles).map(|(_, met)| met);
    let settled: Vec<hugo::Sections> = if let Some(met) = presettled {
        met
    } else {
        use rayon::prelude::*;
        posts
            .par_chunks_mut(share)
            .map(|chunk| {
                let mut met = hugo::Sections::with_titles(titles.titles.clone());
                for p in chunk {
                    hugo::settle(p, root, &mut met);
                }
                met
            })
            .collect()
    };
    let mut sections: Vec<(String, String)> = Vec::new();
    let mut seen = HashSet::new();
    for (name, title) in settled.iter().flat_map(hugo::Sections::made) {
        if seen.insert(name) {
            sections.push((name.to_string(), title.to_string()));
        }
    }
    // As Hugo orders sections: by the weight of their page (weighted first),
    // then by title.
    sections.sort_by_cached_key(|(name, title)| {
        let w = weights.get(name).copied().flatten().filter(|w| *w != 0);
        (w.is_none(), w, title.to_lowercase(), name.clone())
    });
    let now = crate::clock::now();
    let fits =
        arrange.saved.filter(|a| numbered && a.holds_at(now) && a.order.len() == posts.len()).and_then(|a| {
            let ids: Vec<u32> = posts.iter().map(|p| p.entry.unwrap_or(u32::MAX)).collect();
            Some((permutation(&ids, &a.order)?, a.groups))
        });
    let arranged = fits.is_some();
    let (groups, made) = match fits {
        Some((order, groups)) => {
            apply_order(&mut posts, &order);
            (cache::Arranged::groups_among(groups, posts.len()), None)
        }
        None => {
            let order = newest_first_order(&posts, now);
            apply_order(&mut posts, &order);
            let groups = hugo::same_link_groups(&posts);
            let made = arrange.generation.map(|generation| {
                let (from, until) = order_holds_between(&posts, now);
                cache::Arranged {
                    generation,
                    from,
                    until,
                    order: posts.iter().map(|p| p.entry.unwrap_or(u32::MAX)).collect(),
                    groups: groups.iter().map(|g| g.iter().map(|&i| i as u32).collect()).collect(),
                    titles: titles.titles.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                    sections: sections.clone(),
                }
            });
            (groups, made)
        }
    };
    problems.extend(duplicate_urls(&posts, &groups));
    problems.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
    let mut feed = Feed {
        root: root.to_path_buf(),
        posts,
        sections,
        not_live: 0,
        problems,
        files,
        pages: n_pages,
        stats: LoadStats::default(),
        cache_note: None,
        link_groups: Some(groups),
        new_posts: None,
        cache_generation: None,
        cache_renumbering: None,
        partial: None,
    };
    feed.stats.arranged = arranged;
    (feed, made)
}

/// The folder (below `root`, `/`-separated as the path has it) whose
/// section a section page at `path` titles.
pub(super) fn page_folder(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.parent().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default()
}

/// For each place of `order` (entry numbers), where that entry is in `ids`;
/// `None` unless `order` names each of `ids` once.
fn permutation(ids: &[u32], order: &[u32]) -> Option<Vec<usize>> {
    let size = ids.iter().max().map_or(0, |&m| m as usize + 1);
    let mut at = vec![u32::MAX; size];
    for (i, &id) in ids.iter().enumerate() {
        let slot = at.get_mut(id as usize)?;
        if *slot != u32::MAX {
            return None;
        }
        *slot = i as u32;
    }
    let mut out = Vec::with_capacity(order.len());
    for &id in order {
        let slot = at.get_mut(id as usize)?;
        if *slot == u32::MAX {
            return None;
        }
        out.push(*slot as usize);
        *slot = u32::MAX;
    }
    Some(out)
}

/// The clock times between which the newest-first order of `posts` (made
/// at `now`) stays the same: the nearest event date, publish date or arrival
/// before (or at) `now` and after it. Only events move: an event's place
/// depends on whether it has happened.
fn order_holds_between(posts: &[Post], now: i64) -> (i64, i64) {
    let (mut from, mut until) = (i64::MIN, i64::MAX);
    let mut edge = |t: i64| {
        if t <= now {
            from = from.max(t);
        } else {
            until = until.min(t);
        }
    };
    for p in posts.iter().filter(|p| p.event.is_some()) {
        let Some(date) = p.timestamp() else { continue };
        edge(date);
        match p.publish_date() {
            Some(d) => edge(d.timestamp()),
            None if date > now => {
                if let Some(t) = file_time(&p.path) {
                    edge(t)
                }
            }
            None => {}
        }
    }
    (from, until)
}

/// A file's modification time in seconds.
fn file_time(path: &Path) -> Option<i64> {
    let m = fs::metadata(path).ok()?.modified().ok()?;
    m.duration_since(std::time::UNIX_EPOCH).ok().and_then(|d| i64::try_from(d.as_secs()).ok())
}

/// A warning for each post whose link an earlier post of its group has too
/// (compared by [`hugo::link_key`]), naming that post: each pair once. The
/// reader folds them into one row.
pub(super) fn duplicate_urls(posts: &[Post], groups: &[Vec<usize>]) -> Vec<Problem> {
    let mut out = Vec::new();
    for group in groups {
        let Some((&first, rest)) = group.split_first() else { continue };
        let kept = crate::text::sanitize::one_line(&posts[first].path.to_string_lossy());
        for &i in rest {
            out.push(Problem {
                path: posts[i].path.clone(),
                line: None,
                severity: Severity::Warning,
                message: format!("the same link is in {kept} (shown as one row)"),
            });
        }
    }
    out
}

/// When a post reached the feed, for the newest-first order: its date; but
/// an event's date is when it happens, so an event still to come (at `now`)
/// counts from when it was published (`publishDate`) or, else, from when its
/// file arrived here (its modification time: a sync writes a new post's
/// file, and keeps an unchanged one's), never from its future date. An
/// upcoming event whose arrival is unknown or later than `now` has none and
/// sorts with the undated posts (the Events section and `is:upcoming` list
/// it soonest first).
///
/// Also whether it is an upcoming event's file time (it has no
/// `publishDate`): what a batch of announced events is told by.
fn arrival(post: &Post, now: i64) -> Option<(i64, bool)> {
    let date = post.timestamp()?;
    if post.event.is_none() || date <= now {
        return Some((date, false));
    }
    if let Some(p) = post.publish_date().map(|d| d.timestamp()) {
        return (p <= now).then_some((p.min(date), false));
    }
    file_time(&post.path).filter(|&t| t <= now).map(|t| (t.min(date), true))
}

/// More than this many upcoming events whose files arrived within one
/// minute (a sync that brought a calendar's worth) are a batch.
pub const EVENT_BATCH: usize = 3;

/// How much older than its arrival a batch of events counts: the week's
/// news stays above a morning's batch of meetups.
pub const EVENT_BATCH_BACK: i64 = 7 * 24 * 3600;

/// The newest-first keys of `posts` at `now`: [`arrival`], a batch of
/// announced events (more than [`EVENT_BATCH`] upcoming events without a
/// `publishDate` whose files arrived within the same minute) counted
/// [`EVENT_BATCH_BACK`] older.
fn newest_first_keys(posts: &[Post], now: i64) -> Vec<Option<i64>> {
    use rayon::prelude::*;
    let found: Vec<Option<(i64, bool)>> =
        posts.par_iter().with_min_len(4096).map(|p| arrival(p, now)).collect();
    let mut per_minute: HashMap<i64, usize> = HashMap::new();
    for (t, _) in found.iter().flatten().filter(|(_, by_file)| *by_file) {
        *per_minute.entry(t.div_euclid(60)).or_default() += 1;
    }
    found
        .into_iter()
        .map(|a| {
            a.map(|(t, by_file)| {
                let batch = by_file && per_minute.get(&t.div_euclid(60)).is_some_and(|&n| n > EVENT_BATCH);
                if batch { t - EVENT_BATCH_BACK } else { t }
            })
        })
        .collect()
}

/// Newest first by arrival (`newest_first_keys`); posts without one last; ties by path so the
/// order is stable.
pub fn sort_newest_first(posts: &mut [Post]) {
    let order = newest_first_order(posts, crate::clock::now());
    apply_order(posts, &order);
}

/// The places of `posts` newest first at `now` ([`sort_newest_first`]).
fn newest_first_order(posts: &[Post], now: i64) -> Vec<usize> {
    // Sorting indices, then moving each post once: a post is a few hundred
    // bytes, and a sort moves its elements many times.
    use rayon::prelude::*;
    let keys = newest_first_keys(posts, now);
    let mut order: Vec<usize> = (0..posts.len()).collect();
    // `None < Some`, so comparing b to a puts undated posts last.
    order.par_sort_by(|&a, &b| keys[b].cmp(&keys[a]).then_with(|| posts[a].path.cmp(&posts[b].path)));
    order
}

/// Puts `posts` in `order` (place `j` takes the post at `order[j]`; a
/// permutation), cycle by cycle: no second array of posts.
fn apply_order(posts: &mut [Post], order: &[usize]) {
    let mut placed = vec![false; order.len()];
    for start in 0..order.len() {
        if placed[start] {
            continue;
        }
        // Position `j` takes the post now at `order[j]`.
        let mut j = start;
        loop {
            placed[j] = true;
            let from = order[j];
            if from == start {
                break;
            }
            posts.swap(j, from);
            j = from;
        }
    }
}

/// Every tag with how many posts carry it, most used first, then by name.
pub fn tag_counts<'a>(posts: impl IntoIterator<Item = &'a Post>) -> Vec<(String, usize)> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for p in posts {
        for t in &p.tags {
            *counts.entry(&**t).or_default() += 1;
        }
    }
    let mut v: Vec<(String, usize)> = counts.into_iter().map(|(t, n)| (t.to_string(), n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

#[cfg(test)]
mod tests {
    use super::permutation;

    /// Issue 42: a batch of upcoming events that one sync brought (their
    /// files arrived within a minute, none has a publishDate) does not
    /// bury the week's news; one event announced alone still shows on top.
    #[test]
    fn a_batch_of_announced_events_comes_after_the_weeks_news() {
        use crate::post::{Event, Post};
        let dir = tempfile::tempdir().expect("tempdir");
        let now: i64 = 1_760_000_000;
        let at = |t: i64| chrono::DateTime::from_timestamp(t, 0).map(|d| d.fixed_offset());
        let file = |name: &str, mtime: i64| {
            let path = dir.path().join(name);
            std::fs::write(&path, b"x").expect("write");
            let f = std::fs::File::options().write(true).open(&path).expect("open");
            f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(mtime as u64))
                .expect("mtime");
            path
        };
        let event = |name: &str, mtime: i64| Post {
            path: file(name, mtime),
            title: name.into(),
            date: at(now + 20 * 86400),
            event: Some(Box::new(Event { start: at(now + 20 * 86400), ..Event::default() })),
            ..Post::default()
        };
        let news = |name: &str, age: i64| Post {
            path: file(name, now - age),
            title: name.into(),
            date: at(now - age),
            ..Post::default()
        };
        let synced = now - 3600;
        let mut posts: Vec<Post> = (0..6).map(|i| event(&format!("meetup{i}.md"), synced + i)).collect();
        posts.push(news("news-yesterday.md", 86400));
        posts.push(news("news-3-days.md", 3 * 86400));
        posts.push(news("news-last-month.md", 30 * 86400));
        posts.push(event("alone.md", now - 600));
        let order = super::newest_first_order(&posts, now);
        let titles: Vec<&str> = order.iter().map(|&i| posts[i].title.as_str()).collect();
        assert_eq!(&titles[..3], ["alone.md", "news-yesterday.md", "news-3-days.md"], "{titles:?}");
        assert!(
            titles[3..9].iter().all(|t| t.starts_with("meetup")) && titles[9] == "news-last-month.md",
            "{titles:?}"
        );
        // Three arrived together are not a batch: each counts from its arrival.
        let few: Vec<Post> = posts.into_iter().skip(3).collect();
        let order = super::newest_first_order(&few, now);
        assert!(few[order[1]].title.starts_with("meetup"), "{:?}", order);
    }

    /// A saved order fits only the same entries, each once.
    #[test]
    fn a_saved_order_fits_only_a_permutation_of_the_entries() {
        assert_eq!(permutation(&[7, 3, 512, 4], &[512, 7, 4, 3]), Some(vec![2, 0, 3, 1]));
        assert_eq!(permutation(&[7, 3], &[3, 3]), None, "an entry twice");
        assert_eq!(permutation(&[7, 3], &[3, 9]), None, "an entry the load does not have");
        assert_eq!(permutation(&[7, 3], &[3, u32::MAX - 1]), None, "far beyond any entry");
        assert_eq!(permutation(&[7, 7], &[7, 7]), None, "a load with an entry twice");
        assert_eq!(permutation(&[], &[]), Some(vec![]));
    }
}
