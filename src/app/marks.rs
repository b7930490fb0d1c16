//! Marks: read and starred posts, moving to the next unread, marking the
//! whole view read, undo, and opening a post (which reads it).

use super::{App, Effect};
use crate::app::keys::Mode;
use crate::post::Post;
use crate::search::{READ, Scope};
use crate::store;
use crate::store::marks::{Field, Record};
use crate::text::sanitize;
use std::collections::HashSet;

/// How many marking actions `z` can undo.
pub const UNDO_LEVELS: usize = 100;

/// A question waiting in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    /// Mark these posts (keys) read.
    MarkRead(Vec<String>),
    /// Open these links (and their posts' keys) in the browser.
    OpenMany(Vec<(String, String)>),
}

impl App {
    /// A sync of the marks finished: what came in says so (the marks
    /// themselves arrive through the log, as another reader's do); an
    /// unchanged state only when the user asked (`S`).
    pub(super) fn state_synced(
        &mut self,
        result: Result<
            crate::sources::state::StateSynced,
            std::sync::Arc<crate::sources::state::StateSyncError>,
        >,
        asked: bool,
    ) {
        use crate::text::sanitize;
        match result {
            Ok(done) if asked || done.came.iter().any(|(_, n)| *n > 0) || !done.damaged.is_empty() => {
                self.say(sanitize::one_line(&done.to_string()), !done.damaged.is_empty())
            }
            Ok(_) => {}
            Err(e) => self.say(format!("marks: sync failed: {}", sanitize::one_line(&e.to_string())), true),
        }
    }

    /// Replaces the marks (as loaded from disk, or changed by another reader).
    pub(super) fn set_marks(&mut self, read: HashSet<String>, starred: HashSet<String>) {
        self.marks.read = read;
        self.marks.starred = starred;
        self.marks_changed();
        self.refresh_detail();
    }

    pub fn is_read(&self, post: &Post) -> bool {
        !self.marks.read.is_empty() && self.marks.read.contains(store::read::key(post).as_ref())
    }

    pub fn is_starred(&self, post: &Post) -> bool {
        !self.marks.starred.is_empty() && self.marks.starred.contains(store::read::key(post).as_ref())
    }

    /// Which posts have a kept article, from the kept keys (once per list
    /// of them or per feed: a link's key costs a URL parse).
    pub(super) fn refresh_article_bits(&mut self) {
        let kept = &self.marks.kept_articles;
        self.marks.article_bits = if kept.is_empty() {
            Vec::new()
        } else {
            let posts = &self.feed.posts;
            posts
                .iter()
                .map(|p| crate::article::post_key(&p.url).is_some_and(|k| kept.contains(&k)))
                .collect()
        };
    }

    /// Recounts the unread posts and tells the matcher each post's marks;
    /// a view that filters by marks (`is:unread`...) is filtered again,
    /// staying on the selected post when it is still there.
    pub(super) fn marks_changed(&mut self) {
        let flags: Vec<u8> = self
            .feed
            .posts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let kept = self.marks.article_bits.get(i).copied().unwrap_or(false);
                let article = if kept { crate::search::ARTICLE } else { 0 };
                let muted = if self.muted_at(i) { crate::search::mute::MUTED } else { 0 };
                store::marks::bits(p, &self.marks.read, &self.marks.starred, &self.feed.new_posts)
                    | article
                    | muted
            })
            .collect();
        // Muted posts are not counted (`is:muted` shows them).
        self.marks.unread =
            flags.iter().filter(|&&f| f & READ == 0 && f & crate::search::mute::MUTED == 0).count();
        self.filter.matcher.marks = flags;
        let by_marks = self.filter.query.terms.iter().any(|t| {
            t.scope == Scope::Is
                && matches!(t.text.as_str(), "read" | "unread" | "starred" | "new" | "article" | "muted")
        });
        if by_marks {
            self.refilter_keeping();
        }
    }

    /// Sets marks, keeping what they were for `z` when `undoable`; the
    /// records that changed anything go to the store.
    pub(super) fn mark(&mut self, records: Vec<Record>, undoable: bool) -> Option<Effect> {
        let mut before = Vec::new();
        let mut changed = Vec::new();
        for r in records {
            let Some(was) = self.set_one(&r) else { continue };
            before.push(Record::new(r.key.clone(), r.field, was));
            changed.push(r);
        }
        if changed.is_empty() {
            return None;
        }
        if undoable {
            if self.marks.undo.len() >= UNDO_LEVELS {
                self.marks.undo.remove(0);
            }
            self.marks.undo.push(before.clone());
        }
        self.marks.unsaved = Some((before, undoable));
        self.marks_changed();
        Some(Effect::Mark(changed))
    }

    /// Sets one mark in the state; what it was, when that changed it.
    fn set_one(&mut self, r: &Record) -> Option<bool> {
        let set = match r.field {
            Field::Read => &mut self.marks.read,
            Field::Starred => &mut self.marks.starred,
        };
        let was = set.contains(&r.key);
        if was == r.value {
            return None;
        }
        if r.value {
            set.insert(r.key.clone());
        } else {
            set.remove(&r.key);
        }
        Some(was)
    }

    /// The store could not keep the last change (a full disk): it is taken
    /// back on screen too, so what is shown is what is kept.
    pub(super) fn mark_not_saved(&mut self, why: &str) {
        let Some((before, undoable)) = self.marks.unsaved.take() else {
            self.say(format!("could not save the marks: {why}"), true);
            return;
        };
        for r in &before {
            self.set_one(r);
        }
        if undoable {
            self.marks.undo.pop();
        }
        self.marks_changed();
        self.say(
            format!("could not save the marks ({why}): the change is undone; free some space and try again"),
            true,
        );
    }

    pub(super) fn open(&mut self) -> Option<Effect> {
        if !self.marks.picked.is_empty() {
            return self.open_picked();
        }
        let Some(post) = self.current() else {
            self.say("no post is selected".into(), true);
            return None;
        };
        match sanitize::safe_url(&post.url) {
            Ok(url) => {
                self.marks.pending_read = Some(store::read::key(post).into_owned());
                Some(Effect::Open(url))
            }
            Err(why) => {
                self.say(why.to_string(), true);
                None
            }
        }
    }

    /// The browser started: the post is read, and with `open_advances` the
    /// next unread post is selected.
    pub(super) fn opened(&mut self) -> Option<Effect> {
        let key = self.marks.pending_read.take()?;
        let still_here = |app: &App| app.current().is_some_and(|p| store::read::key(p) == key.as_str());
        let effect = self.mark(vec![Record::new(key.clone(), Field::Read, true)], true);
        if self.settings.open_advances {
            // The opened post may have left an `is:unread` view: then the
            // row it was on already holds the next post.
            let from = if still_here(self) { self.view.selected + 1 } else { self.view.selected };
            if let Some(i) = self.find_unread(from, true) {
                self.select(i);
            }
        }
        effect
    }

    pub(super) fn toggle_read(&mut self) -> Option<Effect> {
        if !self.marks.picked.is_empty() {
            return self.mark_picked(Field::Read);
        }
        let key = self.current().map(|p| store::read::key(p).into_owned())?;
        let now_read = !self.marks.read.contains(&key);
        self.say(if now_read { "marked read" } else { "marked unread" }.into(), false);
        self.mark(vec![Record::new(key, Field::Read, now_read)], true)
    }

    pub(super) fn toggle_star(&mut self) -> Option<Effect> {
        if !self.marks.picked.is_empty() {
            return self.mark_picked(Field::Starred);
        }
        let Some(key) = self.current().map(|p| store::read::key(p).into_owned()) else {
            self.say("no post is selected".into(), true);
            return None;
        };
        let now = !self.marks.starred.contains(&key);
        self.say(if now { "starred: is:starred lists it" } else { "unstarred" }.into(), false);
        self.mark(vec![Record::new(key, Field::Starred, now)], true)
    }

    /// The first unread row from `from` on (forward) or before it
    /// (backward), wrapping around the view.
    fn find_unread(&self, from: usize, forward: bool) -> Option<usize> {
        let n = self.view.matches.len();
        if n == 0 {
            return None;
        }
        let unread =
            |i: usize| self.feed.posts.get(self.view.matches[i].idx).is_some_and(|p| !self.is_read(p));
        if forward {
            (0..n).map(|k| (from + k) % n).find(|&i| unread(i))
        } else {
            (1..=n).map(|k| (from + n * 2 - k) % n).find(|&i| unread(i))
        }
    }

    /// `n` / `N`: the next / previous unread post in the view.
    pub(super) fn next_unread(&mut self, forward: bool) {
        let from = if forward { self.view.selected + 1 } else { self.view.selected };
        match self.find_unread(from, forward) {
            Some(i) if i == self.view.selected && self.current().is_some_and(|p| !self.is_read(p)) => {
                self.say("this is the only unread post here".into(), false)
            }
            Some(i) => {
                if (forward && i < self.view.selected) || (!forward && i > self.view.selected) {
                    self.say("wrapped around".into(), false);
                }
                self.select(i);
            }
            None => self.say("no unread posts left in this view".into(), false),
        }
    }

    /// `A`: marks every post in view read; asks first when that is more
    /// than a screen of posts.
    pub(super) fn mark_all_read(&mut self) -> Option<Effect> {
        let keys: Vec<String> = self
            .view
            .matches
            .iter()
            .filter_map(|m| self.feed.posts.get(m.idx))
            .filter(|p| !self.is_read(p))
            .map(|p| store::read::key(p).into_owned())
            .collect();
        if keys.is_empty() {
            self.say("every post here is read already".into(), false);
            return None;
        }
        if keys.len() > self.list_height() {
            let n = keys.len();
            self.view.confirm = Some(Confirm::MarkRead(keys));
            self.view.mode = Mode::Confirm;
            self.say(format!("mark {n} posts read? y/n"), false);
            return None;
        }
        self.mark_keys_read(keys)
    }

    fn mark_keys_read(&mut self, keys: Vec<String>) -> Option<Effect> {
        let n = keys.len();
        let records = keys.into_iter().map(|k| Record::new(k, Field::Read, true)).collect();
        let effect = self.mark(records, true);
        let s = if n == 1 { "" } else { "s" };
        self.say(format!("marked {n} post{s} read (z undoes)"), false);
        effect
    }

    /// The answer to the question in the status bar.
    pub(super) fn answer(&mut self, yes: bool) -> Option<Effect> {
        self.view.mode = Mode::List;
        match (self.view.confirm.take(), yes) {
            (Some(Confirm::MarkRead(keys)), true) => self.mark_keys_read(keys),
            (Some(Confirm::OpenMany(urls)), true) => self.open_many(urls),
            (Some(Confirm::OpenMany(_)), false) => {
                self.say("nothing opened".into(), false);
                None
            }
            (Some(_), false) => {
                self.say("nothing marked".into(), false);
                None
            }
            (None, _) => None,
        }
    }

    /// `z`: puts back the marks as they were before the last marking action.
    pub(super) fn undo(&mut self) -> Option<Effect> {
        let Some(before) = self.marks.undo.pop() else {
            self.say("nothing to undo".into(), false);
            return None;
        };
        let n = before.len();
        let what = match before.first() {
            Some(r) if r.field == Field::Starred => "star",
            _ => "read mark",
        };
        let effect = self.mark(before, false);
        let s = if n == 1 { "" } else { "s" };
        let left = self.marks.undo.len();
        self.say(format!("undone: {n} {what}{s} restored ({left} more to undo)"), false);
        effect
    }

    /// `u`: adds `is:unread` to the query, or takes it out.
    pub(super) fn toggle_unread_only(&mut self) {
        let words: Vec<&str> = self.filter.query_text.split_whitespace().collect();
        let on = words.contains(&"is:unread");
        self.filter.query_text = if on {
            words.into_iter().filter(|w| *w != "is:unread").collect::<Vec<_>>().join(" ")
        } else if words.is_empty() {
            "is:unread".into()
        } else {
            format!("{} is:unread", words.join(" "))
        };
        self.refilter_keeping();
        self.say(if on { "all posts" } else { "unread posts only (is:unread)" }.into(), false);
    }

    /// Whether `u` (`is:unread`) is in force.
    pub fn unread_only(&self) -> bool {
        self.filter.query.terms.iter().any(|t| t.scope == Scope::Is && !t.negate && t.text == "unread")
    }

    /// Whether the last sync brought this post.
    pub fn is_new(&self, post: &Post) -> bool {
        !self.feed.new_posts.is_empty() && self.feed.new_posts.contains(&post.path)
    }
}
