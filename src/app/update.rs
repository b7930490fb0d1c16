//! What each action and each command does to the state: the body of
//! [`App::update`].

use super::{
    Action, App, BODIES_KEPT, Cmd, Effect, Input, MESSAGE_TTL, Mode, reader, sanitize, storage::WordIndex,
};

impl App {
    pub(super) fn apply(&mut self, action: Action) -> Option<Effect> {
        match action {
            Action::Clock(now) => self.set_clock(now),
            Action::Body(path, result) => {
                if self.view.bodies.len() >= BODIES_KEPT {
                    self.view.bodies.clear();
                }
                let text = result.unwrap_or_else(|e| {
                    format!("(could not read the body again: {})", sanitize::one_line(&e.to_string()))
                });
                self.view.bodies.insert(path, text);
            }
            Action::SavedIndex(key, found) => return self.saved_index(key, found),
            Action::TextWords(key, words) => return self.text_words(key, words),
            Action::Texts(generation, Ok(texts)) if Some(generation) == self.feed.generation => {
                for (entry, tldr, summary) in texts {
                    if let Some(p) = self.feed.posts.iter_mut().find(|p| p.entry == Some(entry)) {
                        p.put_back_long_text(tldr, summary);
                    }
                }
                self.view.detail_for = None;
                if self.current().is_some_and(|p| p.left_out != 0) {
                    self.feed.texts_unreadable = true;
                }
            }
            Action::Texts(generation, Err(e)) if Some(generation) == self.feed.generation => {
                self.feed.texts_unreadable = true;
                self.say(
                    format!(
                        "could not read the post's text from the cache ({}); r reads the feed again",
                        sanitize::one_line(&e.to_string())
                    ),
                    true,
                );
            }
            // For posts read since: nothing to do.
            Action::Texts(..) => {}
            Action::LongText(generation, _) if Some(generation) != self.feed.generation => {}
            Action::LongText(_, Some(texts)) => self.put_back_long_text(texts),
            Action::LongText(_, None) => {
                self.feed.texts_unreadable = true;
                self.say(
                    "could not read the posts' text from the cache; r reads the feed again".into(),
                    true,
                );
            }
            Action::Resize(w, h) => {
                self.view.size = (w, h);
                self.select(self.view.selected);
                self.clamp_detail_scroll();
            }
            Action::Tick(now) => {
                if matches!(self.view.article, Some(reader::ArticleState::Loading { .. })) {
                    self.view.spinner = self.view.spinner.wrapping_add(1);
                }
                let asking = matches!(self.view.mode, Mode::Confirm | Mode::Hint);
                if !asking
                    && self.view.message.as_ref().is_some_and(|m| now.duration_since(m.at) >= MESSAGE_TTL)
                {
                    self.view.message = None;
                }
            }
            Action::Opened(Ok(url)) => {
                self.say(format!("opened {}", sanitize::one_line(&url)), false);
                // Opening a post reads it.
                return self.opened();
            }
            Action::Synced(result) => {
                self.feed.syncing = false;
                match result {
                    Ok((report, new)) => {
                        self.feed.new_posts = new.into_iter().collect();
                        let report = sanitize::one_line(&report);
                        self.say(format!("{report}; reading it again…"), false);
                        self.feed.sync_report = Some(report);
                        return Some(Effect::Reload);
                    }
                    Err(e) => self.say(format!("sync failed: {}", sanitize::one_line(&e.to_string())), true),
                }
            }
            Action::StateSynced { result, asked } => self.state_synced(result, asked),
            Action::Notify(osc) => return Some(Effect::Notify(osc)),
            Action::Ran { what, result } => self.ran(&what, result),
            Action::Marks(marks) => {
                self.marks.unsaved = None;
                let (read, starred) = *marks;
                self.set_marks(read, starred);
            }
            Action::MarksChanged => return Some(Effect::RefreshMarks),
            Action::Settings(settings) => {
                let sort = settings.sort;
                self.settings = *settings;
                self.pickers.view_counts_key = None;
                self.pickers.tags_stale = true;
                self.apply_mutes();
                self.refilter_keeping();
                if let Some(sort) = sort {
                    self.set_sort(sort);
                }
            }
            Action::Restore(saved) => self.reopen(saved),
            Action::Idle => return self.warm_up(),
            Action::Article(url, result) => self.article_arrived(&url, *result),
            Action::KeptArticles(keys) => {
                self.marks.kept_articles = *keys;
                self.refresh_article_bits();
                self.marks_changed();
                // Their words, for search.
                let posts = &self.feed.posts;
                let wanted: Vec<(usize, String)> = self
                    .marks
                    .article_bits
                    .iter()
                    .enumerate()
                    .filter(|(_, kept)| **kept)
                    .filter_map(|(i, _)| {
                        let url = posts.get(i).and_then(|p| crate::article::link(&p.url))?;
                        Some((i, url))
                    })
                    .collect();
                if !wanted.is_empty() {
                    return Some(Effect::LoadArticleWords(wanted));
                }
            }
            Action::ArticleWords(words) => {
                self.filter.matcher.articles = Some(std::sync::Arc::new(*words));
                if !self.filter.query.is_empty() {
                    self.refilter_keeping();
                }
            }
            Action::OpenView(name) => {
                if !self.open_named(&name) {
                    self.say(
                        format!("default_view = {:?} names no section or view", sanitize::one_line(&name)),
                        true,
                    );
                }
            }
            Action::Notice(text, error) => self.say(sanitize::one_line(&text), error),
            Action::Saved(Ok(())) => self.marks.unsaved = None,
            // A check that found the files as cached loads nothing: the
            // feed in hand stands (never replaced by the empty one).
            Action::Reloaded(Ok(feed)) if feed.stats.checked_unchanged => self.feed.checking_cache = false,
            Action::Reloaded(Ok(feed)) if self.feed.checking_cache => {
                // The check of the cache the first screen came from (after a
                // first screen of the newest posts only, the whole feed).
                self.feed.checking_cache = false;
                let s = feed.stats;
                let changed = s.parsed > 0 || s.stale > 0 || feed.cache_note.is_some();
                if changed || self.feed.partial.is_some() {
                    self.replace_feed(*feed);
                }
                if changed {
                    // An edited file is both a stale entry and a parse: counted once.
                    let n = s.parsed.max(s.stale);
                    self.say(
                        format!(
                            "updated: {n} file{} changed since the last run",
                            if n == 1 { "" } else { "s" }
                        ),
                        false,
                    );
                }
            }
            Action::Reloaded(Ok(feed)) => {
                let before = self.feed.posts.len();
                self.replace_feed(*feed);
                match self.feed.sync_report.take() {
                    Some(report) => {
                        self.feed.reload_asked = false;
                        self.say(report, false);
                        if self.settings.prefetch {
                            return self.prefetch_unread();
                        }
                    }
                    None if std::mem::take(&mut self.feed.reload_asked) => {
                        self.say(format!("reloaded: {}", self.count_label()), false)
                    }
                    // A change seen in the folder (or a sync's second
                    // word): said only when it brought or took posts, so a
                    // sync's report stays.
                    None if self.feed.posts.len() != before => {
                        self.say(format!("updated: {}", self.count_label()), false)
                    }
                    None => {}
                }
            }
            Action::Reloaded(Err(e)) => {
                self.say(format!("could not reload: {}", sanitize::one_line(&e.to_string())), true)
            }
            Action::Saved(Err(e)) => self.mark_not_saved(&sanitize::one_line(&e.to_string())),
            Action::Copied(Ok(text)) => {
                self.say(format!("copied {} to the clipboard", sanitize::one_line(&text)), false)
            }
            Action::Copied(Err(e)) => {
                self.say(format!("could not copy: {}", sanitize::one_line(&e.to_string())), true)
            }
            Action::Opening(url) => self.say(format!("opening {}…", sanitize::one_line(&url)), false),
            // The post stays unread.
            Action::Opened(Err(e)) => {
                self.marks.pending_read = None;
                self.say(format!("could not open the page: {}", sanitize::one_line(&e.to_string())), true)
            }
            Action::Key(Input::Char(c)) if self.view.mode == Mode::Hint => return self.hint_digit(c),
            Action::Key(Input::Char(c)) => self.type_text(&c.to_string()),
            Action::Type(text) => self.type_text(&text),
            Action::Click(column, row) => self.click(column, row),
            Action::Wheel { down, column, row } => self.wheel(down, column, row),
            Action::Key(Input::Cmd(cmd)) => return self.command(cmd),
        }
        None
    }

    fn command(&mut self, cmd: Cmd) -> Option<Effect> {
        let page = self.list_height();
        match (self.view.mode, cmd) {
            (_, Cmd::Quit) => self.view.should_quit = true,
            (Mode::List | Mode::Filter, Cmd::Suspend) => return Some(Effect::Suspend),
            (Mode::Hint, Cmd::Yes) => return self.end_hint(true),
            (Mode::Hint, _) => return self.end_hint(false),
            (Mode::Confirm, Cmd::Yes) => return self.answer(true),
            (Mode::Confirm, _) => return self.answer(false),
            // A first screen of the newest posts only: what counts or marks
            // every post waits for the rest (a moment).
            (Mode::List, Cmd::MarkAllRead | Cmd::TagPicker | Cmd::SectionPicker | Cmd::Problems)
                if self.feed.partial.is_some() =>
            {
                self.say("still reading the feed: a moment".to_string(), false)
            }
            // Reader mode: v toggles it; Esc leaves it first.
            (Mode::List, Cmd::ReadArticle) => return self.toggle_article(),
            (Mode::List, Cmd::Pick) => self.toggle_pick(),
            (Mode::List, Cmd::PickView) => self.pick_view(),
            (Mode::List, Cmd::ClearFilter) if self.drop_picks() => {}
            (Mode::List, Cmd::ClearFilter) if self.view.article.is_some() => {
                self.view.article = None;
                self.view.detail_scroll = 0;
            }
            // One pane at a time: Esc goes back from the detail to the list.
            (Mode::List, Cmd::ClearFilter) if self.detail_only() => self.view.show_detail = false,
            (Mode::List, Cmd::Open)
                if crate::ui::layout::one_pane(self.view.size.0) && !self.view.show_detail =>
            {
                self.view.show_detail = true;
                self.refresh_detail();
            }
            // The detail pane has the keys that move.
            (Mode::List, Cmd::FocusDetail) => self.view.focus_detail = true,
            (Mode::List, Cmd::FocusList) => self.view.focus_detail = false,
            (Mode::List, Cmd::ClearFilter) if self.view.focus_detail => self.view.focus_detail = false,
            (Mode::List, Cmd::Down) if self.view.focus_detail => self.scroll_detail(1),
            (Mode::List, Cmd::Up) if self.view.focus_detail => self.scroll_detail(-1),
            (Mode::List, Cmd::DetailPageDown) => self.scroll_detail(self.detail_page() as isize),
            (Mode::List, Cmd::DetailPageUp) => self.scroll_detail(-(self.detail_page() as isize)),
            (Mode::List, Cmd::PageDown) if self.view.focus_detail => {
                self.scroll_detail(self.detail_page() as isize)
            }
            (Mode::List, Cmd::PageUp) if self.view.focus_detail => {
                self.scroll_detail(-(self.detail_page() as isize))
            }
            (Mode::List, Cmd::HalfPageDown) if self.view.focus_detail => {
                self.scroll_detail(self.detail_page().div_ceil(2) as isize)
            }
            (Mode::List, Cmd::HalfPageUp) if self.view.focus_detail => {
                self.scroll_detail(-(self.detail_page().div_ceil(2) as isize))
            }
            (Mode::List, Cmd::First) if self.view.focus_detail => self.view.detail_scroll = 0,
            (Mode::List, Cmd::Last) if self.view.focus_detail => self.scroll_detail(isize::MAX / 2),
            (Mode::Tags, Cmd::Down) => self.tag_select(self.pickers.tag_selected.saturating_add(1)),
            (Mode::Tags, Cmd::Up) => self.tag_select(self.pickers.tag_selected.saturating_sub(1)),
            (Mode::Tags, Cmd::Backspace) => {
                self.pickers.tag_input.pop();
                self.refilter_tags();
            }
            (Mode::Tags, Cmd::PickTag) => self.pick_tag(),
            (Mode::Problems, Cmd::Down) => {
                self.pickers.problem_selected =
                    (self.pickers.problem_selected + 1).min(self.feed.problems.len().saturating_sub(1))
            }
            (Mode::Problems, Cmd::Up) => {
                self.pickers.problem_selected = self.pickers.problem_selected.saturating_sub(1)
            }
            (Mode::Help, Cmd::Down) => {
                let max = self.help_overflow();
                self.view.help_scroll = (self.view.help_scroll + 1).min(max);
            }
            (Mode::Help, Cmd::Up) => self.view.help_scroll = self.view.help_scroll.saturating_sub(1),
            (Mode::Help | Mode::Tags | Mode::Problems | Mode::Sections, Cmd::Close) => {
                self.view.mode = Mode::List
            }
            (Mode::Sections, Cmd::Down) => {
                self.pickers.section_selected = (self.pickers.section_selected + 1)
                    .min(self.feed.sections.len() + self.settings.views.len())
            }
            (Mode::Sections, Cmd::Up) => {
                self.pickers.section_selected = self.pickers.section_selected.saturating_sub(1)
            }
            (Mode::Sections, Cmd::PickSection) => self.pick_section(self.pickers.section_selected),
            (Mode::List, Cmd::SectionPicker) => {
                self.pickers.section_selected = match (&self.view.section, self.active_view()) {
                    // The view in force is marked, after the sections.
                    (None, Some(v)) => self.feed.sections.len() + 1 + v,
                    (None, None) => 0,
                    (Some(s), _) => {
                        self.feed.sections.iter().position(|(n, _, _)| n == s).map_or(0, |i| i + 1)
                    }
                };
                self.facet_sections();
                self.view.mode = Mode::Sections;
            }
            (Mode::Help, Cmd::Help) => self.view.mode = Mode::List,
            (Mode::Filter, Cmd::Backspace) => {
                self.filter.query_text.pop();
                self.refilter();
            }
            (Mode::Filter, Cmd::AcceptFilter) => {
                self.view.mode = Mode::List;
                self.select(0);
            }
            (Mode::Filter | Mode::List, Cmd::ClearFilter) => {
                self.view.mode = Mode::List;
                if !self.filter.query_text.is_empty() {
                    self.filter.query_text.clear();
                    self.refilter();
                }
            }
            (Mode::Filter | Mode::List, Cmd::Down) => self.select(self.view.selected.saturating_add(1)),
            (Mode::Filter | Mode::List, Cmd::Up) => self.select(self.view.selected.saturating_sub(1)),
            (Mode::List, Cmd::First) => self.select(0),
            (Mode::List, Cmd::Last) => self.select(usize::MAX),
            (Mode::List, Cmd::PageDown) => self.select(self.view.selected.saturating_add(page)),
            (Mode::List, Cmd::PageUp) => self.select(self.view.selected.saturating_sub(page)),
            (Mode::List, Cmd::HalfPageDown) => {
                self.select(self.view.selected.saturating_add(page.div_ceil(2)))
            }
            (Mode::List, Cmd::HalfPageUp) => self.select(self.view.selected.saturating_sub(page.div_ceil(2))),
            (Mode::List, Cmd::DetailDown) => {
                self.view.detail_scroll += 1;
                self.clamp_detail_scroll();
            }
            (Mode::List, Cmd::DetailUp) => {
                self.view.detail_scroll = self.view.detail_scroll.saturating_sub(1)
            }
            (Mode::List, Cmd::StartFilter) => {
                // A new filter starts a new errand: the last message has had its say.
                self.view.message = None;
                self.view.mode = Mode::Filter;
                // Typing in a view narrows it: a word after its query, not
                // letters glued to its last term.
                if self.active_view().is_some() && !self.filter.query_text.ends_with(char::is_whitespace) {
                    self.filter.query_text.push(' ');
                }
            }
            (Mode::List, Cmd::Help) => {
                self.view.help_scroll = 0;
                self.view.mode = Mode::Help;
            }
            (Mode::List, Cmd::TagPicker) => {
                self.pickers.tag_input.clear();
                self.facet_tags();
                self.view.mode = Mode::Tags;
            }
            (Mode::Tags, Cmd::FacetScope) => {
                self.pickers.facets_whole = !self.pickers.facets_whole;
                self.facet_tags();
            }
            (Mode::Sections, Cmd::FacetScope) => {
                self.pickers.facets_whole = !self.pickers.facets_whole;
                self.facet_sections();
            }
            (Mode::List, Cmd::Problems) => {
                if self.feed.problems.is_empty() {
                    self.say("every file loaded cleanly".into(), false);
                } else {
                    self.pickers.problem_selected = 0;
                    self.view.mode = Mode::Problems;
                }
            }
            (Mode::List, Cmd::Open) => return self.open(),
            (Mode::List, Cmd::OpenLink) => return self.start_hint(super::links::HintFor::OpenLink),
            (Mode::List, Cmd::CopyLink) => return self.start_hint(super::links::HintFor::CopyLink),
            (Mode::List, Cmd::Share) => return self.start_hint(super::links::HintFor::Share),
            (Mode::List, Cmd::Mute) => return self.start_mute(),
            (Mode::List, Cmd::Pipe) => return self.pipe(),
            (Mode::List, Cmd::Sync) => return self.sync_asked(),
            (Mode::List, Cmd::Reload) => {
                self.feed.reload_asked = true;
                self.say("reloading…".into(), false);
                return Some(Effect::Reload);
            }
            (Mode::List, Cmd::ToggleRead) => return self.toggle_read(),
            (Mode::List, Cmd::ToggleStar) => return self.toggle_star(),
            (Mode::List, Cmd::NextUnread) => self.next_unread(true),
            (Mode::List, Cmd::PrevUnread) => self.next_unread(false),
            (Mode::List, Cmd::MarkAllRead) => return self.mark_all_read(),
            (Mode::List, Cmd::Undo) => return self.undo(),
            (Mode::List, Cmd::UnreadOnly) => self.toggle_unread_only(),
            (Mode::List, Cmd::CopyUrl) => match self.current().map(|p| p.url.clone()) {
                Some(url) if !url.is_empty() => return Some(Effect::Copy(url)),
                Some(_) => self.say("this post has no URL".into(), true),
                None => self.say("no post is selected".into(), true),
            },
            (Mode::List, Cmd::CycleSort) => self.cycle_sort(),
            (Mode::List | Mode::Filter, Cmd::ToggleRanking) => {
                self.filter.by_newest = !self.filter.by_newest;
                self.refilter_keeping();
                let order = if self.filter.by_newest { "newest first" } else { "best match first" };
                let note = if self.filter.query.ranks_by_score() { "" } else { " (once a query has words)" };
                self.say(format!("a query lists {order}{note}"), false);
            }
            _ => {}
        }
        None
    }

    /// `S`: syncs the git feed (and then the marks), or the marks alone on
    /// a folder feed that shares them.
    fn sync_asked(&mut self) -> Option<Effect> {
        match (self.settings.sync_feed.clone(), self.feed.syncing) {
            (None, _) if self.settings.share_marks => {
                self.say("sharing the marks…".into(), false);
                Some(Effect::SyncState)
            }
            (None, _) => {
                self.say("this feed is a folder, not a git feed: nothing to sync".into(), true);
                None
            }
            (Some(_), true) => {
                self.say("a sync is already running".into(), false);
                None
            }
            (Some(name), false) => {
                self.say(format!("syncing {name}…"), false);
                self.feed.syncing = true;
                Some(Effect::Sync)
            }
        }
    }

    /// The saved word index came back (or none did): kept when it holds the
    /// posts in view, else the words are built, from the cache or the posts.
    fn saved_index(&mut self, key: u32, found: Option<Box<crate::search::Index>>) -> Option<Effect> {
        if let WordIndex::Asked(asked) = self.filter.text_words
            && asked == key
        {
            match found {
                Some(saved) if saved.len() == self.feed.posts.len() && saved.has_text() => {
                    self.filter.index = Some(*saved);
                    self.filter.text_words = WordIndex::Waiting;
                    self.mutes_see_the_text();
                    // The words of the text were not at hand for the
                    // query in view (posts that came without their
                    // text): it is matched again with them.
                    if !self.filter.query.is_empty() {
                        self.refilter_keeping();
                    }
                }
                // The posts do not hold their text: it is read from
                // the cache, in the background (the state stays
                // `Asked` until it comes).
                _ if self.feed.text_pending => {
                    let order: Option<Vec<u32>> = self.feed.posts.iter().map(|p| p.entry).collect();
                    return match (self.feed.generation, order) {
                        (Some(g), Some(order)) => Some(Effect::BuildTextWords {
                            key,
                            generation: g,
                            entries: order,
                            renumbering: self.feed.renumbering.clone(),
                        }),
                        _ => self.ask_long_text(),
                    };
                }
                _ => {
                    self.filter.text_words =
                        WordIndex::Building(key, crate::search::words_build::Builder::new())
                }
            }
        }
        None
    }

    /// The words of the posts' long text came back from the cache.
    fn text_words(
        &mut self,
        key: u32,
        words: Option<Box<crate::search::words::TextWords>>,
    ) -> Option<Effect> {
        if let WordIndex::Asked(asked) = self.filter.text_words
            && asked == key
        {
            match (words, self.filter.index.as_mut()) {
                (Some(words), Some(index)) if words.len() == self.feed.posts.len() => {
                    index.set_text(std::sync::Arc::new(*words));
                    self.filter.text_words = WordIndex::Waiting;
                    self.mutes_see_the_text();
                    if !self.filter.query.is_empty() {
                        self.refilter_keeping();
                    }
                    let index = self.filter.index.clone()?;
                    return Some(Effect::SaveIndex(key, Box::new(index)));
                }
                // Built from the posts' text instead, once it is in.
                _ => return self.ask_long_text(),
            }
        }
        None
    }
}
