//! Marks: which posts are read, "unread only", and opening a post (which reads it).

use super::{App, Effect};
use crate::post::Post;
use crate::store;
use crate::text::sanitize;
use std::collections::HashSet;

impl App {
    /// Replaces the read state (as loaded from disk).
    pub fn set_read(&mut self, read: HashSet<String>) {
        self.read = read;
        self.read_changed();
        self.refresh_detail();
    }

    pub fn is_read(&self, post: &Post) -> bool {
        !self.read.is_empty() && self.read.contains(store::read::key(post).as_ref())
    }

    /// Recounts the unread posts; with "unread only" on, drops read posts
    /// from the list, keeping the selection where it was.
    pub(super) fn read_changed(&mut self) {
        self.unread = self.posts.iter().filter(|p| !self.is_read(p)).count();
        if self.unread_only {
            let selected = self.selected;
            let (posts, read) = (&self.posts, &self.read);
            self.matches
                .retain(|m| posts.get(m.idx).is_some_and(|p| !read.contains(store::read::key(p).as_ref())));
            self.select(selected);
        }
    }

    pub(super) fn open(&mut self) -> Option<Effect> {
        let Some(post) = self.current() else {
            self.say("no post is selected".into(), true);
            return None;
        };
        match sanitize::safe_url(&post.url) {
            Ok(url) => {
                self.pending_read = Some(store::read::key(post).into_owned());
                Some(Effect::Open(url))
            }
            Err(why) => {
                self.say(why.to_string(), true);
                None
            }
        }
    }

    pub(super) fn toggle_read(&mut self) -> Option<Effect> {
        let key = self.current().map(|p| store::read::key(p).into_owned())?;
        let now_read = !self.read.remove(&key);
        if now_read {
            self.read.insert(key);
        }
        self.read_changed();
        self.say(if now_read { "marked read" } else { "marked unread" }.into(), false);
        Some(Effect::SaveRead)
    }

    pub(super) fn toggle_unread_only(&mut self) {
        self.unread_only = !self.unread_only;
        self.forget_query();
        self.refilter();
        self.say(if self.unread_only { "unread posts only" } else { "all posts" }.into(), false);
    }
}
