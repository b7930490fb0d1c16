//! What the app asks of storage and takes back: the posts' tldr and
//! summary left out of memory, a post's body, the word index of the long
//! text (built a slice at a time, or the saved one).

use super::{App, Effect};

/// Where the word index of the long text stands (see `App::warm_up`).
#[derive(Debug, Default)]
pub(super) enum WordIndex {
    /// Not asked for yet (or done: the search index then has it).
    #[default]
    Waiting,
    /// A saved one was asked for (the text's key).
    Asked(u32),
    /// Being built, a slice of posts at a time.
    Building(u32, crate::search::words_build::Builder),
    /// Built and sorted; turned into each word's posts next.
    Sorted(u32, crate::search::words_build::Sorted),
}

impl App {
    /// Every post's text, from the cache, once (`Effect::ReadLongText`).
    pub(super) fn ask_long_text(&mut self) -> Option<Effect> {
        let generation =
            self.feed.generation.filter(|_| !self.feed.long_text_asked && self.feed.text_pending)?;
        self.feed.long_text_asked = true;
        Some(Effect::ReadLongText(generation))
    }

    /// The selected post's tldr and summary, when the post came without
    /// them and they can be read from the cache (each post asked once: an
    /// answer that does not bring it stops the asking).
    pub(super) fn text_request(&mut self) -> Option<Effect> {
        if !self.feed.text_pending || self.feed.texts_unreadable {
            return None;
        }
        let generation = self.feed.generation?;
        // A query that reads the text needs every post's.
        if self.filter.query.reads_long_text() && !self.feed.long_text_asked {
            return self.ask_long_text();
        }
        let post = self.current()?;
        (post.left_out != 0).then_some(Effect::ReadTexts(generation, vec![post.entry?]))
    }

    /// The selected post's body, when it lives on disk and has not been
    /// read. The answer (even a failure) is kept, so it is asked for until
    /// it comes, and then never again.
    pub(super) fn body_request(&self) -> Option<Effect> {
        let post = self.current()?;
        if !post.body_in_file || self.view.bodies.contains_key(&post.path) {
            return None;
        }
        Some(Effect::ReadBody(post.path.clone()))
    }

    /// Puts the posts' tldr and summary back (by their cache entry), when
    /// they came without them; the view that reads them is made again.
    pub(super) fn put_back_long_text(&mut self, mut texts: Vec<(String, String)>) {
        if !self.feed.text_pending {
            return;
        }
        for p in &mut self.feed.posts {
            if let Some((tldr, summary)) = p.entry.and_then(|e| texts.get_mut(e as usize)) {
                p.put_back_long_text(std::mem::take(tldr), std::mem::take(summary));
            }
        }
        self.feed.text_pending = false;
        self.view.detail_for = None;
        self.mutes_see_the_text();
        if !self.filter.query.is_empty() {
            self.refilter_keeping();
        }
        self.refresh_detail();
    }

    /// Whether there is work to do while the user is idle (see `App::warm_up`).
    pub fn needs_warm_up(&self) -> bool {
        // The word index of the text asked for while the posts lack their
        // text is made (or the text read) in the background: its answer
        // comes as an action, so the loop waits for it instead of turning.
        let text_coming = self.feed.text_pending && matches!(self.filter.text_words, WordIndex::Asked(_));
        let index_work = self
            .filter
            .index
            .as_ref()
            .is_none_or(|i| !i.has_short_words() || (!i.has_text() && !text_coming));
        (index_work || self.pickers.tags_stale || !self.marks.articles_asked || !self.filter.raw_whole)
            && !self.feed.posts.is_empty()
            // Nothing is built (or saved) from the newest posts alone.
            && self.feed.partial.is_none()
    }

    /// Builds the search index ahead of the first query, when the loop has
    /// nothing else to do (after the first frame), so no keystroke waits for
    /// it; then the tag counts; then the word index of the long text: the
    /// one saved by the last run if it fits these posts (`Effect::LoadIndex`),
    /// else built a slice of posts per call and then saved with the rest of
    /// the index (`Effect::SaveIndex`). Until it is there, queries scan the
    /// text.
    pub(super) fn warm_up(&mut self) -> Option<Effect> {
        // One piece per call, each at most a few tens of milliseconds.
        if self.filter.index.is_none() {
            self.ensure_index();
            return None;
        }
        if self.pickers.tags_stale {
            self.count_tags();
            return None;
        }
        if !self.marks.articles_asked {
            // Which posts' articles reader mode keeps (`has:article`).
            self.marks.articles_asked = true;
            return Some(Effect::ListArticles);
        }
        // A one-word query matched only in its closest class: the rest is
        // matched now, so the next word or letter narrows from all of it.
        if !self.filter.raw_whole {
            self.complete_raw();
            return None;
        }
        // The words of the short fields: the first key of a word looks there.
        if let Some(index) = &self.filter.index
            && !index.has_short_words()
        {
            index.prepare_short_words();
            return None;
        }
        /// Posts indexed per call: a few milliseconds, so a key pressed
        /// meanwhile waits no longer than that.
        const SLICE: usize = 2048;
        match std::mem::take(&mut self.filter.text_words) {
            WordIndex::Waiting => {
                let key = crate::search::saved::key_for(&self.feed.posts, self.feed.generation);
                self.filter.text_words = WordIndex::Asked(key);
                Some(Effect::LoadIndex(key))
            }
            // Nothing came back, and the text is not in hand yet: wait.
            WordIndex::Asked(key) if self.feed.text_pending => {
                self.filter.text_words = WordIndex::Asked(key);
                None
            }
            // Nothing came back: build it.
            WordIndex::Asked(key) => {
                self.filter.text_words = WordIndex::Building(key, crate::search::words_build::Builder::new());
                None
            }
            WordIndex::Building(key, mut builder) => {
                let from = builder.len();
                for p in self.feed.posts.iter().skip(from).take(SLICE) {
                    builder.add(&crate::search::long_text(p));
                }
                self.filter.text_words = if builder.len() < self.feed.posts.len() {
                    WordIndex::Building(key, builder)
                } else {
                    WordIndex::Sorted(key, builder.sort())
                };
                None
            }
            WordIndex::Sorted(key, sorted) => {
                let index = self.filter.index.as_mut()?;
                index.set_text(sorted.finish().into());
                Some(Effect::SaveIndex(key, Box::new(index.clone())))
            }
        }
    }
}
