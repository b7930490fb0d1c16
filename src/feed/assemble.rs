//! From parsed files to a feed: section pages give titles, posts learn
//! their section and kind, newest first, duplicate links found.

use super::*;

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
    let results = results.into_iter();
    let mut posts = Vec::with_capacity(capacity);
    let mut problems = Vec::new();
    let mut files = 0;
    let mut titles = hugo::Sections::default();
    let mut weights: HashMap<String, Option<i64>> = HashMap::new();
    let mut pages = 0;
    for r in results {
        files += 1;
        match r {
            // A section page: only its title is used, and only a broken one is reported.
            Ok((page, _)) if hugo::is_section_page(&page.path) => {
                let rel = page.path.strip_prefix(root).unwrap_or(&page.path);
                let folder = rel.parent().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
                weights.insert(folder.clone(), page.weight());
                titles.titles.insert(folder, page.title);
                pages += 1;
            }
            Ok((post, mut warnings)) => {
                posts.push(post);
                problems.append(&mut warnings);
            }
            Err(p) => problems.push(p),
        }
    }
    for p in &mut posts {
        hugo::settle(p, root, &mut titles);
    }
    let mut sections: Vec<(String, String)> = Vec::new();
    let mut seen = HashSet::new();
    for p in &posts {
        if seen.insert(&*p.section) {
            sections.push((p.section.to_string(), p.section_title.to_string()));
        }
    }
    // As Hugo orders sections: by the weight of their page (weighted first),
    // then by title.
    sections.sort_by_cached_key(|(name, title)| {
        let w = weights.get(name).copied().flatten().filter(|w| *w != 0);
        (w.is_none(), w, title.to_lowercase(), name.clone())
    });
    sort_newest_first(&mut posts);
    let groups = hugo::same_link_groups(&posts);
    problems.extend(duplicate_urls(&posts, &groups));
    problems.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
    Feed {
        root: root.to_path_buf(),
        posts,
        sections,
        not_live: 0,
        problems,
        files,
        pages,
        stats: LoadStats::default(),
        cache_note: None,
        link_groups: Some(groups),
        new_posts: None,
        cache_generation: None,
    }
}

/// A warning for each post whose link an earlier post of its group has too
/// (compared by [`hugo::link_key`]), naming that post: each pair once. The
/// reader folds them into one row.
fn duplicate_urls(posts: &[Post], groups: &[Vec<usize>]) -> Vec<Problem> {
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
pub fn arrival(post: &Post, now: i64) -> Option<i64> {
    let date = post.timestamp()?;
    if post.event.is_none() || date <= now {
        return Some(date);
    }
    let published = post.publish_date().map(|d| d.timestamp()).or_else(|| {
        let m = fs::metadata(&post.path).ok()?.modified().ok()?;
        m.duration_since(std::time::UNIX_EPOCH).ok().and_then(|d| i64::try_from(d.as_secs()).ok())
    });
    published.filter(|&t| t <= now).map(|t| t.min(date))
}

/// Newest first by [`arrival`]; posts without one last; ties by path so the
/// order is stable.
pub fn sort_newest_first(posts: &mut [Post]) {
    let now = crate::clock::now();
    // Sorting indices, then moving each post once: a post is a few hundred
    // bytes, and a sort moves its elements many times.
    let keys: Vec<Option<i64>> = posts.iter().map(|p| arrival(p, now)).collect();
    let mut order: Vec<usize> = (0..posts.len()).collect();
    // `None < Some`, so comparing b to a puts undated posts last.
    order.sort_by(|&a, &b| keys[b].cmp(&keys[a]).then_with(|| posts[a].path.cmp(&posts[b].path)));
    // Apply the order in place, cycle by cycle: no second array of posts.
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
            *counts.entry(t.as_str()).or_default() += 1;
        }
    }
    let mut v: Vec<(String, usize)> = counts.into_iter().map(|(t, n)| (t.to_string(), n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}
