//! Several posts at once: `x` puts the selected post in a set of picked
//! posts (or takes it out), `X` picks every post in the view (or, when all
//! are, none); while posts are picked, `o`, `m`, `*`, `|` and `>` act on all
//! of them, and `z` undoes a marking of them as one step. Kept by post key,
//! so a pick follows its post through filters, sorting and reloads.

use super::marks::Confirm;
use super::{App, Effect, Shared};
use crate::app::keys::Mode;
use crate::store;
use crate::store::marks::{Field, Record};

impl App {
    /// The picked posts' keys (empty: none picked).
    pub fn picked_count(&self) -> usize {
        self.marks.picked.len()
    }

    /// Whether `post` is picked.
    pub fn is_picked(&self, post: &crate::post::Post) -> bool {
        !self.marks.picked.is_empty() && self.marks.picked.contains(store::read::key(post).as_ref())
    }

    /// `x`: picks the selected post, or takes it out; the cursor moves on.
    pub(super) fn toggle_pick(&mut self) {
        let Some(key) = self.current().map(|p| store::read::key(p).into_owned()) else { return };
        if !self.marks.picked.remove(&key) {
            self.marks.picked.insert(key);
        }
        self.say_picked();
        self.select(self.view.selected.saturating_add(1));
    }

    /// `X`: picks every post in the view, or none when all of them are.
    pub(super) fn pick_view(&mut self) {
        let keys: Vec<String> = self
            .view
            .matches
            .iter()
            .filter_map(|m| self.feed.posts.get(m.idx))
            .map(|p| store::read::key(p).into_owned())
            .collect();
        if keys.iter().all(|k| self.marks.picked.contains(k)) {
            self.marks.picked.clear();
        } else {
            self.marks.picked.extend(keys);
        }
        self.say_picked();
    }

    fn say_picked(&mut self) {
        let n = self.marks.picked.len();
        let text = match n {
            0 => "nothing picked".to_string(),
            n => format!("{n} picked: o m * | > act on all; X or Esc drops them"),
        };
        self.say(text, false);
    }

    /// Esc drops the picks first (before it clears the filter).
    pub(super) fn drop_picks(&mut self) -> bool {
        if self.marks.picked.is_empty() {
            return false;
        }
        self.marks.picked.clear();
        self.say("nothing picked".into(), false);
        true
    }

    /// The picked posts, in the feed's order.
    fn picked_posts(&self) -> Vec<&crate::post::Post> {
        self.feed.posts.iter().filter(|p| self.marks.picked.contains(store::read::key(p).as_ref())).collect()
    }

    /// `m` on the picks: all read, or all unread when they all are; one
    /// undo step.
    pub(super) fn mark_picked(&mut self, field: Field) -> Option<Effect> {
        let keys: Vec<String> =
            self.picked_posts().iter().map(|p| store::read::key(p).into_owned()).collect();
        let set = match field {
            Field::Read => &self.marks.read,
            Field::Starred => &self.marks.starred,
        };
        let value = !keys.iter().all(|k| set.contains(k));
        let n = keys.len();
        let records = keys.into_iter().map(|k| Record::new(k, field, value)).collect();
        let what = match (field, value) {
            (Field::Read, true) => "read",
            (Field::Read, false) => "unread",
            (Field::Starred, true) => "starred",
            (Field::Starred, false) => "unstarred",
        };
        self.say(format!("{n} picked posts {what} (z undoes)"), false);
        self.mark(records, true)
    }

    /// `o` on the picks: every link opened (asked first above a screenful)
    /// and the posts marked read, one undo step.
    pub(super) fn open_picked(&mut self) -> Option<Effect> {
        let posts = self.picked_posts();
        let urls: Vec<(String, String)> = posts
            .iter()
            .filter_map(|p| {
                crate::text::sanitize::safe_url(&p.url).ok().map(|u| (u, store::read::key(p).into_owned()))
            })
            .collect();
        if urls.is_empty() {
            self.say("none of the picked posts has a link to open".into(), true);
            return None;
        }
        let screenful = (self.view.size.1 as usize).saturating_sub(4).max(1);
        if urls.len() > screenful {
            self.say(format!("open {} pages in the browser? y opens them", urls.len()), false);
            self.view.confirm = Some(Confirm::OpenMany(urls));
            self.view.mode = Mode::Confirm;
            return None;
        }
        self.open_many(urls)
    }

    pub(super) fn open_many(&mut self, urls: Vec<(String, String)>) -> Option<Effect> {
        let keys: Vec<Record> = urls.iter().map(|(_, k)| Record::new(k.clone(), Field::Read, true)).collect();
        let n = urls.len();
        let then = self.mark(keys, true).map(Box::new);
        self.say(format!("opening {n} pages (z marks them unread again)"), false);
        Some(Effect::OpenMany { urls: urls.into_iter().map(|(u, _)| u).collect(), then })
    }

    /// The picks as the share targets and the pipe get them.
    pub(super) fn picked_shared(&self) -> Vec<Shared> {
        self.picked_posts().into_iter().map(|p| Shared::of(p, None)).collect()
    }
}
