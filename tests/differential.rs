//! The reader after any sequence of syncs, reloads, in-place edits,
//! restarts and queries shows what a fresh start without the parse cache
//! shows: every post's detail pane (its summary and tldr) and every query's
//! rows, in order.
//!
//! The reader is driven as the terminal drives it (`tui::apply` carries out
//! its effects), its storage work done by a host that calls the same
//! functions the real one does, at once instead of on a thread; its loads
//! are the real reader's (`tui::first_screen`, `tui::reload`). A sync is
//! what `linkfeed sync` leaves: a new copy of the tree whose unchanged files
//! are hard links to the last copy's, `current` switched to it, and the
//! load that fills the parse cache and the search index. A few hundred
//! random sequences run, each from its own seed (printed when one fails).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

mod common;

use linkfeed::app::keys::{Cmd, Input};
use linkfeed::app::{Action, App, SavedView};
use linkfeed::cache;
use linkfeed::feed::{self, LoadOptions, Progress, Source};
use linkfeed::tui::{self, host::Host};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};

/// The clock every app here reads (as `common::TEST_NOW`).
const NOW: i64 = common::TEST_NOW;

/// A small, seeded generator (xorshift): the same seed, the same sequence.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TITLE_WORDS: &[&str] = &["Kubernetes", "gateway", "release", "notes", "storage", "mesh", "operator"];
const TEXT_WORDS: &[&str] = &["cilium", "zebrafish", "karpenter", "observability", "quantum", "lattice"];
const TAGS: &[&str] = &["kubernetes", "networking", "security", "storage"];

/// The reader's world: where the posts are read, and the storage work the
/// app asks for, done at once; what would come back later is queued.
struct World {
    base: PathBuf,
    /// The folder the reader reads: `base/current`, a link to a tree.
    root: PathBuf,
    trees: usize,
    queue: RefCell<VecDeque<Action>>,
    /// The posts written so far, by file name: (title, tldr, summary).
    posts: Vec<(String, String, String, String)>,
    serial: usize,
}

impl World {
    fn source(&self) -> Source {
        Source::Dir(self.root.clone())
    }
    fn cache(&self) -> PathBuf {
        cache::path_for(&self.root).expect("a cache path")
    }
    fn index(&self) -> PathBuf {
        cache::index_path_for(&self.root).expect("an index path")
    }
}

impl Host for World {
    fn open(&self, _url: &str) -> Result<tui::host::Opened, linkfeed::app::HostError> {
        Ok(tui::host::Opened::Now)
    }
    fn copy(&self, _text: &str) -> Result<(), linkfeed::app::HostError> {
        Ok(())
    }
    fn save_marks(
        &self,
        _records: &[linkfeed::store::marks::Record],
    ) -> Result<Option<tui::host::MarkSets>, linkfeed::app::HostError> {
        Ok(None)
    }
    fn start_reload(&self) {
        let result =
            tui::reload(&self.source(), true, false, false).map(Box::new).map_err(std::sync::Arc::new);
        self.queue.borrow_mut().push_back(Action::Reloaded(result));
    }
    fn load_index(&self, key: u32) -> Option<linkfeed::search::Index> {
        linkfeed::search::saved::load(&self.index(), key)
    }
    fn save_index(&self, key: u32, index: &linkfeed::search::Index) {
        let _ = linkfeed::search::saved::save(&self.index(), key, index);
    }
    fn read_texts(
        &self,
        generation: u64,
        entries: &[u32],
    ) -> Result<Vec<(u32, String, String)>, cache::CacheError> {
        feed::texts_of(&self.root, &self.cache(), generation, entries)
    }
    fn read_long_text(&self, generation: u64) {
        let texts = feed::long_text_of(&self.root, &self.cache(), generation);
        self.queue.borrow_mut().push_back(Action::LongText(generation, texts));
    }
    fn build_text_words(
        &self,
        key: u32,
        generation: u64,
        order: Vec<u32>,
        renumbering: Option<std::sync::Arc<cache::Renumbering>>,
    ) {
        let words = linkfeed::search::saved::words_for(
            &self.root,
            generation,
            &order,
            Some(&self.index()),
            renumbering.as_deref(),
        );
        self.queue.borrow_mut().push_back(Action::TextWords(key, words.map(|(w, _)| Box::new(w))));
    }
}

/// One post file's text.
fn post_text(title: &str, day: usize, tag: &str, tldr: &str, summary: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\ndate: 2025-{:02}-{:02}T08:00:00Z\ntags: [{tag}]\nsource: Test Source\n\
         external_url: https://example.org/{}\ntldr: \"{tldr}\"\nsummary: \"{summary}\"\n---\nThe body of {title}.\n",
        day / 28 % 12 + 1,
        day % 28 + 1,
        title.to_lowercase().replace(' ', "-"),
    )
}

impl World {
    fn new(base: PathBuf, rng: &mut Rng) -> World {
        let mut w = World {
            root: base.join("current"),
            base,
            trees: 0,
            queue: RefCell::new(VecDeque::new()),
            posts: Vec::new(),
            serial: 0,
        };
        let n = 8 + rng.below(16);
        for _ in 0..n {
            w.new_post(rng);
        }
        let tree = w.next_tree();
        w.write_all(&tree, &[]);
        w.switch(&tree);
        w
    }

    /// A post not written yet: (file, title, tldr, summary).
    fn new_post(&mut self, rng: &mut Rng) {
        self.serial += 1;
        let s = self.serial;
        let title =
            format!("{} {} {s}", TITLE_WORDS[rng.below(TITLE_WORDS.len())], TITLE_WORDS[rng.below(7)]);
        let (tldr, summary) = texts(rng, s);
        let section = if s.is_multiple_of(3) { "blog" } else { "docs" };
        self.posts.push((format!("{section}/p{s:03}.md"), title, tldr, summary));
    }

    fn next_tree(&mut self) -> PathBuf {
        self.trees += 1;
        let t = self.base.join(format!("tree-{}", self.trees));
        std::fs::create_dir_all(t.join("docs")).unwrap();
        std::fs::create_dir_all(t.join("blog")).unwrap();
        t
    }

    fn file_text(&self, i: usize) -> String {
        let (file, title, tldr, summary) = &self.posts[i];
        let n: usize = file[6..9].trim_start_matches('p').parse().unwrap_or(0);
        post_text(title, n * 5, TAGS[n % TAGS.len()], tldr, summary)
    }

    /// Writes every post into `tree`: a hard link to the current tree's
    /// file, unless it is one of `fresh` (written anew).
    fn write_all(&self, tree: &Path, fresh: &[String]) {
        for (i, (file, ..)) in self.posts.iter().enumerate() {
            let old = self.root.join(file);
            let new = tree.join(file);
            if fresh.contains(file) || std::fs::hard_link(&old, &new).is_err() {
                std::fs::write(&new, self.file_text(i)).unwrap();
            }
        }
    }

    /// Points `current` at `tree`, as a sync does: a new link renamed over it.
    fn switch(&self, tree: &Path) {
        let link = self.base.join("current.tmp");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(tree, &link).unwrap();
        std::fs::rename(&link, &self.root).unwrap();
    }

    /// What `linkfeed sync` does for a commit that adds, changes and
    /// removes posts: a new tree, `current` switched, the parse cache and
    /// search index filled by its load. The paths of the posts it added.
    fn sync(&mut self, rng: &mut Rng) -> Vec<PathBuf> {
        let mut fresh = Vec::new();
        for _ in 0..rng.below(3) + 1 {
            self.new_post(rng);
            fresh.push(self.posts.last().unwrap().0.clone());
        }
        let added = fresh.clone();
        if rng.below(2) == 0 && self.posts.len() > 4 {
            let i = rng.below(self.posts.len() - fresh.len());
            let (t, s) = texts(rng, 900 + i);
            self.posts[i].2 = t;
            self.posts[i].3 = s;
            fresh.push(self.posts[i].0.clone());
        }
        if rng.below(3) == 0 && self.posts.len() > 6 {
            self.posts.remove(rng.below(self.posts.len() - added.len()));
        }
        let tree = self.next_tree();
        self.write_all(&tree, &fresh);
        self.switch(&tree);
        let options = LoadOptions::new(true, false);
        let loaded = feed::load(&self.source(), &options).unwrap().visible(false);
        let _ = linkfeed::search::saved::refresh(&self.root, &loaded);
        added.iter().map(|f| self.root.join(f)).collect()
    }

    /// An edit in place of one post (a plain folder that someone edits).
    fn edit(&mut self, rng: &mut Rng) {
        let i = rng.below(self.posts.len());
        self.serial += 1;
        let (t, s) = texts(rng, self.serial);
        self.posts[i].2 = t;
        self.posts[i].3 = s;
        let path = self.root.join(&self.posts[i].0);
        // A new file renamed over the old, as editors save.
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, self.file_text(i)).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
    }

    /// Carries out every action queued and the idle work, as the loop does.
    fn settle(&self, app: &mut App) {
        for _ in 0..10_000 {
            let next = self.queue.borrow_mut().pop_front();
            match next {
                Some(action) => tui::apply(app, action, self),
                None if app.needs_warm_up() => tui::apply(app, Action::Idle, self),
                None => return,
            }
        }
        panic!("the reader never settled");
    }

    /// The reader's start, as `tui::start` makes it: the first screen, the
    /// view restored, the check after the first frame.
    fn start(&self, restore: Option<SavedView>) -> App {
        let progress = Progress::default();
        let first = tui::first_screen(&self.source(), true, &progress).unwrap().visible(false);
        let check = first.stats.unchecked && first.partial.is_none();
        let unchecked = first.stats.unchecked;
        let mut app = App::new(first, "feed".into());
        tui::apply(&mut app, Action::Clock(NOW), self);
        tui::apply(&mut app, Action::Resize(120, 40), self);
        if let Some(v) = restore {
            tui::apply(&mut app, Action::Restore(v), self);
        }
        if unchecked {
            let result =
                tui::reload(&self.source(), true, false, check).map(Box::new).map_err(std::sync::Arc::new);
            self.queue.borrow_mut().push_back(Action::Reloaded(result));
        }
        self.settle(&mut app);
        app
    }

    /// A fresh start without the parse cache: what every state is held to.
    fn reference(&self) -> App {
        let f = feed::load(&self.source(), &LoadOptions::default()).unwrap().visible(false);
        let mut app = App::new(f, "feed".into());
        tui::apply(&mut app, Action::Clock(NOW), self);
        tui::apply(&mut app, Action::Resize(120, 40), self);
        self.settle(&mut app);
        app
    }
}

/// A post's tldr and summary: words of the text the titles do not hold.
fn texts(rng: &mut Rng, n: usize) -> (String, String) {
    let w = |rng: &mut Rng| TEXT_WORDS[rng.below(TEXT_WORDS.len())];
    let tldr = format!("Short {} take {n}", w(rng));
    let summary = format!("A longer look at {} and {} in depth, item{n}.", w(rng), w(rng));
    (tldr, summary)
}

/// Puts `query` in the reader: typed, or restored as a start restores it.
fn set_query(w: &World, app: &mut App, query: &str, typed: bool) {
    if typed {
        tui::apply(app, Action::Key(Input::Cmd(Cmd::ClearFilter)), w);
        tui::apply(app, Action::Key(Input::Cmd(Cmd::StartFilter)), w);
        if !query.is_empty() {
            tui::apply(app, Action::Type(query.to_string()), w);
        }
        tui::apply(app, Action::Key(Input::Cmd(Cmd::AcceptFilter)), w);
    } else {
        let view = SavedView { section: None, query: query.to_string(), selected: None };
        tui::apply(app, Action::Restore(view), w);
    }
    w.settle(app);
}

fn rows(app: &App) -> Vec<PathBuf> {
    app.matches().iter().map(|m| app.posts()[m.idx].path.clone()).collect()
}

/// Every row's detail pane, from the top: what a reader moving down sees.
fn details(w: &World, app: &mut App) -> Vec<(PathBuf, String)> {
    tui::apply(app, Action::Key(Input::Cmd(Cmd::First)), w);
    w.settle(app);
    let mut out = Vec::new();
    for i in 0..app.matches().len() {
        if i > 0 {
            tui::apply(app, Action::Key(Input::Cmd(Cmd::Down)), w);
            w.settle(app);
        }
        let text: Vec<String> = app.detail_lines().iter().map(|l| l.text()).collect();
        out.push((app.current().map(|p| p.path.clone()).unwrap_or_default(), text.join("\n")));
    }
    out
}

/// The state held against a fresh start without the cache.
fn compare(w: &World, app: &mut App, rng: &mut Rng, seed: u64, step: &str) {
    let mut fresh = w.reference();
    let mut queries: Vec<String> = TEXT_WORDS.iter().map(|s| s.to_string()).collect();
    queries.push(format!("item{}", 1 + rng.below(w.serial)));
    queries.push(format!("#{} {}", TAGS[rng.below(TAGS.len())], TEXT_WORDS[rng.below(TEXT_WORDS.len())]));
    queries.push("\"in depth\"".into());
    queries.push("gateway".into());
    let typed = rng.below(2) == 0;
    for q in &queries {
        set_query(w, app, q, typed);
        set_query(w, &mut fresh, q, true);
        assert_eq!(rows(app), rows(&fresh), "seed {seed}, after {step}: the rows of {q:?}");
    }
    set_query(w, app, "", typed);
    set_query(w, &mut fresh, "", true);
    let (got, want) = (details(w, app), details(w, &mut fresh));
    assert_eq!(got.len(), want.len(), "seed {seed}, after {step}: the rows");
    for (g, f) in got.iter().zip(&want) {
        assert_eq!(g, f, "seed {seed}, after {step}: the detail pane");
    }
}

#[test]
fn every_sequence_shows_what_a_fresh_start_without_the_cache_shows() {
    let sandbox = common::Sandbox::new();
    // This test alone runs in this binary: the process's XDG folders are
    // the sandbox's before anything reads them.
    for (key, value) in sandbox.vars() {
        // SAFETY: no other thread runs yet (one test in this binary, run
        // before it starts any).
        unsafe { std::env::set_var(key, value) };
    }
    for key in ["LINKFEED_DIR", "LINKFEED_NOW", "BROWSER"] {
        // SAFETY: as above.
        unsafe { std::env::remove_var(key) };
    }
    let sequences: u64 =
        std::env::var("LINKFEED_DIFF_SEQUENCES").ok().and_then(|s| s.parse().ok()).unwrap_or(200);
    for seed in 1..=sequences {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let base = sandbox.root.join(format!("feed-{seed}"));
        std::fs::create_dir_all(&base).unwrap();
        let mut w = World::new(base, &mut rng);
        let mut app = w.start(None);
        let mut steps = Vec::new();
        for _ in 0..3 + rng.below(4) {
            let step = match rng.below(6) {
                0 | 1 => {
                    let new = w.sync(&mut rng);
                    tui::apply(&mut app, Action::Synced(Ok(("synced".into(), new))), &w);
                    // The watch of sync.json reloads too, now and then
                    // after the reload the sync asked for.
                    if rng.below(2) == 0 {
                        w.start_reload();
                    }
                    "sync"
                }
                2 => {
                    w.edit(&mut rng);
                    w.start_reload();
                    "edit"
                }
                3 => {
                    tui::apply(&mut app, Action::Key(Input::Cmd(Cmd::Reload)), &w);
                    "r"
                }
                4 => {
                    // A query, remembered by the next start.
                    let q = match rng.below(3) {
                        0 => TEXT_WORDS[rng.below(TEXT_WORDS.len())].to_string(),
                        1 => format!("#{} {}", TAGS[rng.below(TAGS.len())], TEXT_WORDS[rng.below(6)]),
                        _ => "\"in depth\"".to_string(),
                    };
                    set_query(&w, &mut app, &q, true);
                    // The post selected is one the query shows, if any.
                    let n = app.matches().len();
                    for _ in 0..rng.below(n.max(1)) {
                        tui::apply(&mut app, Action::Key(Input::Cmd(Cmd::Down)), &w);
                    }
                    w.settle(&mut app);
                    let view = app.saved_view();
                    app = w.start(Some(view.clone()));
                    // The view as it was: its rows as a fresh start's, its post.
                    let mut fresh = w.reference();
                    set_query(&w, &mut fresh, &q, true);
                    assert_eq!(rows(&app), rows(&fresh), "seed {seed}: the rows of the restored {q:?}");
                    let now = app.current().map(|p| p.path.clone());
                    let kept = view.selected.filter(|p| rows(&fresh).contains(p));
                    if kept.is_some() {
                        assert_eq!(now, kept, "seed {seed}: the post the restored {q:?} had selected");
                    }
                    "restart with a query"
                }
                _ => {
                    app = w.start(None);
                    "restart"
                }
            };
            w.settle(&mut app);
            steps.push(step);
            compare(&w, &mut app, &mut rng, seed, &steps.join(", "));
        }
    }
}
