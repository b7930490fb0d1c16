//! The rules Hugo applies to a content folder, as the reader needs them:
//! section pages (`_index.md`) are not posts, a leaf bundle (`SLUG/index.md`)
//! is one post, a post's section is its first folder, its kind follows from
//! the section, `publishDate`/`expiryDate` decide when it is shown, and
//! posts that share a link fold into one row. `docs/FORMAT.md` states each rule.

use crate::post::{Event, Post};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Whether `path` names a section page (Hugo's branch bundle index).
pub fn is_section_page(path: &Path) -> bool {
    // Most paths are plain text ending in a post's name: told at once.
    if let Some(p) = path.to_str()
        && !p.ends_with("_index.md")
        && !p.ends_with("_index.markdown")
    {
        return false;
    }
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n == "_index.md" || n == "_index.markdown")
}

/// Whether a file of this name makes its folder a leaf bundle.
pub fn is_leaf_index(name: &str) -> bool {
    name == "index.md" || name == "index.markdown"
}

/// Of a list of relative file paths (a bundled feed, which is not walked),
/// those that are resources of a leaf bundle: every file below a folder
/// (other than the root) that holds an `index.md`, except that index.
pub fn bundle_resources<'a>(files: &[&'a Path]) -> std::collections::HashSet<&'a Path> {
    let bundles: Vec<&Path> = files
        .iter()
        .filter(|f| names_leaf_index(f))
        .filter_map(|f| f.parent())
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    files
        .iter()
        .filter(|f| {
            bundles.iter().any(|b| f.starts_with(b) && !(f.parent() == Some(*b) && names_leaf_index(f)))
        })
        .copied()
        .collect()
}

/// Whether the file is a leaf bundle's `index.md`.
fn names_leaf_index(f: &Path) -> bool {
    f.file_name().and_then(|n| n.to_str()).is_some_and(is_leaf_index)
}

/// The section of a file at `rel` (relative to the content root): its first
/// folder, or empty for a file at the root.
pub fn section_of(rel: &Path) -> Cow<'_, str> {
    let mut parts = rel.components().filter(|c| matches!(c, Component::Normal(_)));
    match (parts.next(), parts.next()) {
        (Some(Component::Normal(first)), Some(_)) => first.to_string_lossy(),
        _ => Cow::Borrowed(""),
    }
}

/// [`section_of`] the path below `root`, read from the text of a plain path
/// (`root/first/...`, no empty, `.` or `..` part where it matters) without
/// taking it apart into components: settling every post of a large feed
/// spent most of its time there. `None` for anything else (a file at the
/// root included): then `section_of` decides.
fn plain_section<'a>(path: &'a Path, root: &Path) -> Option<&'a str> {
    // Bytes: only the section's name need be text (a row of `list -q`
    // settles its post, and checking the whole path was most of it).
    let (p, r) = (path.as_os_str().as_encoded_bytes(), root.as_os_str().as_encoded_bytes());
    let rel = if r.is_empty() { p } else { p.strip_prefix(r)?.strip_prefix(b"/")? };
    let slash = rel.iter().position(|&b| b == b'/')?;
    let (first, rest) = (rel.get(..slash)?, rel.get(slash + 1..)?);
    let plain = |s: &[u8]| !s.is_empty() && !s.starts_with(b".") && !s.starts_with(b"/");
    if !(plain(first) && plain(rest)) {
        return None;
    }
    std::str::from_utf8(first).ok()
}

/// The kind a post has when it names none: from its section's name.
pub fn kind_for_section(section: &str) -> &'static str {
    match section.to_ascii_lowercase().as_str() {
        "releases" | "release" | "changelog" | "changelogs" => "release",
        "events" | "event" => "event",
        "blog" | "blogs" | "posts" | "post" | "articles" => "blog",
        _ => "link",
    }
}

/// The form of a link two posts are compared by: trimmed, scheme and host
/// lower-cased, `utm_*` parameters and a trailing slash dropped. A link that
/// does not parse is compared as written (trimmed).
pub fn link_key(url: &str) -> Cow<'_, str> {
    let raw = url.trim();
    // Most links are already in the form the parser would give: no query, a
    // lower-case host, nothing to escape. Those skip the parser (the loader
    // keys every post; `link_key_fast_path_agrees` checks the two agree).
    if let Some(key) = plain_link_key(raw) {
        return Cow::Borrowed(key);
    }
    Cow::Owned(parsed_link_key(raw))
}

/// [`link_key`] of a plain `http(s)` link, without parsing it; `None` when
/// the link needs the parser.
fn plain_link_key(raw: &str) -> Option<&str> {
    let rest = raw.strip_prefix("https://").or_else(|| raw.strip_prefix("http://"))?;
    let host_end = rest.find(['/', '#']).unwrap_or(rest.len());
    let (host, path) = rest.split_at(host_end);
    let host_ok = !host.is_empty()
        && host.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && !host.starts_with(['.', '-'])
        && !host.ends_with('.')
        && !host.contains("..")
        && !host.contains("xn--")
        && host.bytes().any(|b| b.is_ascii_lowercase())
        // A host whose last label is a number is read as an IPv4 address
        // (`a.0` then fails to parse): the parser's business.
        && host.rsplit('.').next().is_some_and(|last| !last.bytes().all(|b| b.is_ascii_digit()) && !last.starts_with("0x"));
    let path_ok = path.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~/#:+,;=!$&'()*@".contains(&b))
        && !path.contains("/.")
        && !path.contains('#')
        && !path.contains("//");
    if !host_ok || !path_ok {
        return None;
    }
    Some(raw.strip_suffix('/').unwrap_or(raw))
}

/// [`link_key`] through the URL parser.
fn parsed_link_key(raw: &str) -> String {
    let Ok(mut u) = url::Url::parse(raw) else { return raw.to_string() };
    // The url crate lower-cases the scheme and a special scheme's host.
    let kept: Vec<(String, String)> = u
        .query_pairs()
        .filter(|(k, _)| !k.starts_with("utm_"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if u.query().is_some() {
        if kept.is_empty() {
            u.set_query(None);
        } else {
            u.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    let mut s = String::from(u);
    // A trailing slash of the path (nothing follows it) goes.
    if s.ends_with('/') && !s.ends_with("//") {
        s.pop();
    }
    s
}

/// The sections met while settling posts: each name, title and derived kind
/// made once and shared by its posts.
#[derive(Debug, Default)]
pub struct Sections {
    /// Titles from the section pages, by folder.
    pub titles: HashMap<String, String>,
    made: HashMap<String, Settled>,
}

/// A section's name, title and derived kind, shared by its posts.
type Settled = (Arc<str>, Arc<str>, Arc<str>);

impl Sections {
    /// Sections with these titles of section pages, none made yet.
    pub fn with_titles(titles: HashMap<String, String>) -> Sections {
        Sections { titles, made: HashMap::new() }
    }

    /// Each section a post was settled in, with its title.
    pub fn made(&self) -> impl Iterator<Item = (&str, &str)> {
        self.made.iter().map(|(name, (_, title, _))| (name.as_str(), &**title))
    }

    fn get(&mut self, name: &str) -> Settled {
        if let Some(s) = self.made.get(name) {
            return s.clone();
        }
        let title = self.titles.get(name).map_or(name, String::as_str);
        let made = (Arc::from(name), Arc::from(title), Arc::from(kind_for_section(name)));
        self.made.insert(name.to_string(), made.clone());
        made
    }
}

/// The section a post at `path` below `root` is settled in ([`settle`]):
/// its name, title and the kind its posts take when they name none.
pub fn section_for(path: &Path, root: &Path, sections: &mut Sections) -> (Arc<str>, Arc<str>, Arc<str>) {
    match plain_section(path, root) {
        Some(name) => sections.get(name),
        None => sections.get(&section_of(path.strip_prefix(root).unwrap_or(path))),
    }
}

/// Fills in what the loader knows only once every file is read: each post's
/// section and its title (from `sections`, the titles of the section pages by
/// folder), its kind, and for events, their data.
pub fn settle(post: &mut Post, root: &Path, sections: &mut Sections) {
    let (section, title, kind) = section_for(&post.path, root, sections);
    post.section = section;
    post.section_title = title;
    if post.kind.is_empty() {
        post.kind = kind;
    }
    if &*post.kind == "event" && post.event.is_none() {
        post.event = Some(Box::new(Event { start: post.date, ..Event::default() }));
    }
}

/// Whether Hugo would publish the post at `now` (seconds): not before its
/// `publishDate`, not after its `expiryDate`.
pub fn is_live(post: &Post, now: i64) -> bool {
    post.publish_date().is_none_or(|d| d.timestamp() <= now)
        && post.expiry_date().is_none_or(|d| d.timestamp() > now)
}

/// How much a post says: the one of several posts with the same link that
/// says most is shown.
fn completeness(p: &Post) -> usize {
    [
        p.has_summary(),
        p.has_tldr(),
        !p.tags.is_empty(),
        !p.source.is_empty(),
        p.date.is_some(),
        !p.body.is_empty() || p.body_in_file,
    ]
    .iter()
    .filter(|b| **b)
    .count()
}

/// The groups of posts (by index) that share a link, by [`link_key`]; posts
/// with a link of their own are in no group. Keys are borrowed where they
/// can be, and a group is only made for a second post: a feed of unique
/// links costs one map entry per post.
pub fn same_link_groups(posts: &[Post]) -> Vec<Vec<usize>> {
    // FxHash: links are not chosen to collide with each other's hashes in a
    // way that matters here (a slow map, at worst), and it hashes a URL in
    // a fraction of SipHash's time.
    groups_by_hash(posts, |key| std::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, key))
}

/// [`same_link_groups`], each link key hashed by `hash`.
fn groups_by_hash(posts: &[Post], hash: impl Fn(&str) -> u64 + Sync) -> Vec<Vec<usize>> {
    use std::collections::hash_map::Entry;
    // The keys and their hashes on every core.
    use rayon::prelude::*;
    let keys: Vec<Option<(u64, Cow<'_, str>)>> = posts
        .par_iter()
        .with_min_len(4096)
        .map(|p| {
            let key = (!p.url.is_empty()).then(|| link_key(&p.url))?;
            Some((hash(&key), key))
        })
        .collect();
    // The map filled in order (the first post of a link heads its group),
    // by hash: a number, not a URL, hashed and compared on the one core
    // this runs on (the URLs are compared only when the hashes are equal).
    // A link whose hash another link has is looked for by its text.
    let mut first: rustc_hash::FxHashMap<u64, usize> =
        rustc_hash::FxHashMap::with_capacity_and_hasher(posts.len(), Default::default());
    let mut by_text: rustc_hash::FxHashMap<&str, usize> = Default::default();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: HashMap<usize, usize> = HashMap::new();
    for (i, entry) in keys.iter().enumerate() {
        let Some((hash, key)) = entry else { continue };
        let head = match first.entry(*hash) {
            Entry::Vacant(v) => {
                v.insert(i);
                continue;
            }
            Entry::Occupied(o) => *o.get(),
        };
        let head = match keys.get(head).and_then(Option::as_ref) {
            Some((_, k)) if k == key => head,
            // Another link with the same hash.
            _ => match by_text.entry(key) {
                Entry::Vacant(v) => {
                    v.insert(i);
                    continue;
                }
                Entry::Occupied(o) => *o.get(),
            },
        };
        let g = *group_of.entry(head).or_insert_with(|| {
            groups.push(vec![head]);
            groups.len() - 1
        });
        groups[g].push(i);
    }
    groups
}

/// Folds posts with the same link (by [`link_key`]) into one: the most
/// complete, then the newest, then the first by path stays, in its place,
/// and lists the others' paths in `also`. `posts` keeps its order otherwise.
pub fn fold_duplicates(posts: Vec<Post>) -> Vec<Post> {
    fold_duplicates_with(posts, None)
}

/// As [`fold_duplicates`], with the groups already found (`None`: find them).
pub fn fold_duplicates_with(mut posts: Vec<Post>, groups: Option<Vec<Vec<usize>>>) -> Vec<Post> {
    let groups = groups.unwrap_or_else(|| same_link_groups(&posts));
    if groups.is_empty() {
        return posts;
    }
    let mut folded_into: Vec<Option<usize>> = vec![None; posts.len()];
    let mut also: HashMap<usize, Vec<PathBuf>> = HashMap::new();
    for members in &groups {
        let Some(&keep) = members.iter().max_by(|&&a, &&b| {
            let (pa, pb) = (&posts[a], &posts[b]);
            completeness(pa)
                .cmp(&completeness(pb))
                .then(pa.timestamp().cmp(&pb.timestamp()))
                .then(pb.path.cmp(&pa.path))
        }) else {
            continue;
        };
        let mut others: Vec<PathBuf> = Vec::new();
        for &m in members.iter().filter(|&&m| m != keep) {
            folded_into[m] = Some(keep);
            others.push(posts[m].path.clone());
        }
        others.sort();
        also.insert(keep, others);
    }
    for (i, mut others) in also {
        posts[i].also.append(&mut others);
    }
    // In place: the kept posts are not moved to a new vector.
    let mut i = 0;
    posts.retain(|_| {
        i += 1;
        folded_into[i - 1].is_none()
    });
    posts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 25: the groups found by the links' hashes are the groups of
    /// equal link keys, in order, also when every hash is the same (each
    /// link then found by its text).
    #[test]
    fn links_grouped_by_hash_are_grouped_by_key() {
        let posts: Vec<Post> = (0..9000)
            .map(|i| Post {
                url: match i % 7 {
                    0 => String::new(),
                    1 => format!("https://Example.org/dup/{}/", i % 50),
                    2 => format!("https://example.org/dup/{}", i % 50),
                    _ => format!("https://example.org/own/{i}?utm_source=x"),
                },
                ..Post::default()
            })
            .collect();
        let mut want: Vec<Vec<usize>> = Vec::new();
        let mut head: std::collections::BTreeMap<String, usize> = Default::default();
        for (i, p) in posts.iter().enumerate().filter(|(_, p)| !p.url.is_empty()) {
            let key = link_key(&p.url).into_owned();
            match head.get(&key) {
                None => {
                    head.insert(key, i);
                }
                Some(&h) => match want.iter_mut().find(|g| g[0] == h) {
                    Some(g) => g.push(i),
                    None => want.push(vec![h, i]),
                },
            }
        }
        want.sort();
        assert_eq!(want.len(), 50, "{want:?}");
        for groups in [same_link_groups(&posts), groups_by_hash(&posts, |_| 7)] {
            let mut got = groups;
            got.sort();
            assert_eq!(got, want);
        }
    }

    /// The section read from a plain path's text is the one its
    /// components give, and odd paths are left to `section_of`.
    #[test]
    fn the_plain_section_agrees_with_the_components() {
        let roots = ["", "feed", "./feed", "/abs/feed", "feed/"];
        let rels = [
            "blog/post.md",
            "blog/2025/post.md",
            "post.md",
            "./blog/post.md",
            "blog//post.md",
            "../x/post.md",
            "blog/../post.md",
            ".hidden/post.md",
            "blog/.post.md",
            "blog/",
        ];
        for root in roots {
            for rel in rels {
                let path = Path::new(root).join(rel);
                let want = section_of(path.strip_prefix(root).unwrap_or(&path)).into_owned();
                if let Some(got) = plain_section(&path, Path::new(root)) {
                    assert_eq!(got, want, "{root:?} + {rel:?}");
                }
            }
        }
        assert_eq!(plain_section(Path::new("feed/blog/p.md"), Path::new("feed")), Some("blog"));
        // Bytes that are not text: in the file's name the section is still
        // read; in the section's name it is left to `section_of`.
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let odd = |b: &[u8]| Path::new(std::ffi::OsStr::from_bytes(b)).to_path_buf();
            assert_eq!(plain_section(&odd(b"feed/blog/p\xff.md"), Path::new("feed")), Some("blog"));
            assert_eq!(plain_section(&odd(b"feed/bl\xffog/p.md"), Path::new("feed")), None);
            assert_eq!(plain_section(Path::new("feed/bl\u{e9}g/p.md"), &odd(b"feed")), Some("bl\u{e9}g"));
        }
        assert!(is_section_page(Path::new("feed/blog/_index.md")));
        assert!(!is_section_page(Path::new("feed/blog/my_index.md")));
        assert!(!is_section_page(Path::new("feed/blog/index.md")));
    }

    #[test]
    fn sections_are_first_folders() {
        assert_eq!(section_of(Path::new("docs/a.md")), "docs");
        assert_eq!(section_of(Path::new("docs/2024/a.md")), "docs");
        assert_eq!(section_of(Path::new("a.md")), "");
        assert!(is_section_page(Path::new("docs/_index.md")));
        assert!(!is_section_page(Path::new("docs/index.md")));
        assert_eq!(kind_for_section("releases"), "release");
        assert_eq!(kind_for_section("Events"), "event");
        assert_eq!(kind_for_section("blog"), "blog");
        assert_eq!(kind_for_section("docs"), "link");
    }

    #[test]
    fn bundle_resources_are_not_posts() {
        let files: Vec<&Path> =
            ["a.md", "blog/b/index.md", "blog/b/notes.md", "blog/b/deep/x.md", "blog/c.md", "index.md"]
                .iter()
                .map(Path::new)
                .collect();
        let mut res: Vec<_> = bundle_resources(&files).into_iter().collect();
        res.sort();
        assert_eq!(res, [Path::new("blog/b/deep/x.md"), Path::new("blog/b/notes.md")]);
    }

    #[test]
    fn link_key_fast_path_agrees() {
        let samples = [
            "https://example.org",
            "https://example.org/",
            "https://example.org/a/b/",
            "http://example.org/a_b~c-d.e",
            "https://sub.example.co.uk/2024/01/post-title-123",
            "https://example.org/a:b@c,d;e=f!g$h&i'j(k)l*m+n",
            "https://dev.to/user/a-post-49a2",
            "https://ex-ample.org/x",
        ];
        for s in samples {
            assert_eq!(plain_link_key(s), Some(parsed_link_key(s).as_str()), "{s}");
        }
        let to_parser = [
            "https://Example.org/a",
            "https://example.org/a?x=1",
            "https://example.org/./a",
            "ftp://x.org/",
            "https://1.2.3.4/",
            "http://a.0/A/",
            "https://example.0x1f/a",
        ];
        for s in to_parser {
            assert_eq!(plain_link_key(s), None, "{s}");
        }
    }

    proptest::proptest! {
        /// Whenever the fast path answers, it answers what the parser would.
        #[test]
        fn link_key_fast_path_never_disagrees(s in "https?://[a-zA-Z0-9.\\-]{0,12}(/[a-zA-Z0-9._~:@!$&'()*+,;=%?#/\\-]{0,16}){0,3}") {
            if let Some(fast) = plain_link_key(&s) {
                let parsed = parsed_link_key(&s);
                proptest::prop_assert_eq!(fast, parsed.as_str());
            }
        }
    }

    #[test]
    fn links_compare_without_noise() {
        let same = [
            "https://Example.COM/a/",
            " https://example.com/a ",
            "HTTPS://example.com/a?utm_source=x&utm_medium=y",
            "https://example.com/a/?utm_campaign=z",
        ];
        for u in same {
            assert_eq!(link_key(u), "https://example.com/a", "{u}");
        }
        assert_eq!(link_key("https://example.com/a?id=3&utm_x=1"), "https://example.com/a?id=3");
        assert_ne!(link_key("https://example.com/a"), link_key("https://example.com/b"));
        // The path keeps its case: servers may tell /A from /a.
        assert_ne!(link_key("https://example.com/A"), link_key("https://example.com/a"));
        assert_eq!(link_key("https://example.com/"), "https://example.com");
    }

    #[test]
    fn duplicates_fold_into_the_most_complete() {
        let p = |path: &str, url: &str, summary: &str| Post {
            path: path.into(),
            url: url.into(),
            summary: summary.into(),
            ..Post::default()
        };
        let posts = vec![
            p("a.md", "https://x.org/1", ""),
            p("b.md", "https://x.org/2", "s"),
            p("c.md", "https://X.org/1/", "said more"),
            p("d.md", "https://x.org/1?utm_source=feed", ""),
        ];
        let out = fold_duplicates(posts);
        let paths: Vec<_> = out.iter().map(|p| p.path.to_string_lossy().into_owned()).collect();
        assert_eq!(paths, ["b.md", "c.md"]);
        assert_eq!(out[1].also, [PathBuf::from("a.md"), PathBuf::from("d.md")]);
        assert!(out[0].also.is_empty());
    }
}
