//! Reader mode: `v` shows the selected post's original article in the
//! detail pane, fetched in the background (`Effect::FetchArticle`, back as
//! `Action::Article`); `v` again or `Esc` goes back to the post. The article
//! belongs to the post it was asked for: selecting another post leaves it.

use super::{App, Effect, sanitize};
use crate::article::{Article, Origin};
use std::collections::HashSet;

/// The article shown in place of a post's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArticleState {
    /// Asked for; the pane shows a spinner.
    Loading {
        idx: usize,
        url: String,
    },
    Ready {
        idx: usize,
        article: Box<Article>,
        origin: Origin,
    },
    /// It could not be had: one line of why.
    Failed {
        idx: usize,
        url: String,
        why: String,
    },
}

impl ArticleState {
    fn idx(&self) -> usize {
        match self {
            ArticleState::Loading { idx, .. }
            | ArticleState::Ready { idx, .. }
            | ArticleState::Failed { idx, .. } => *idx,
        }
    }
}

impl App {
    /// `v`: the article of the selected post, or back to the post.
    pub(super) fn toggle_article(&mut self) -> Option<Effect> {
        if self.view.article.take().is_some() {
            self.view.detail_scroll = 0;
            return None;
        }
        let idx = self.view.matches.get(self.view.selected)?.idx;
        let post = self.feed.posts.get(idx)?;
        if post.url.is_empty() {
            self.say("this post has no link: no article to read".into(), true);
            return None;
        }
        let url = match sanitize::safe_url(&post.url) {
            Ok(u) if u.starts_with("http://") || u.starts_with("https://") => u,
            Ok(_) => {
                self.say("only http and https pages are read here; o opens the link".into(), true);
                return None;
            }
            Err(e) => {
                self.say(format!("refused: {e}"), true);
                return None;
            }
        };
        self.view.detail_scroll = 0;
        self.view.spinner = 0;
        self.view.article = Some(ArticleState::Loading { idx, url: url.clone() });
        Some(Effect::FetchArticle(url))
    }

    /// An article (or why not) came back for `url`: shown when its post is
    /// still the one waiting for it.
    pub(super) fn article_arrived(
        &mut self,
        url: &str,
        result: Result<(Article, Origin), crate::article::ArticleError>,
    ) {
        let Some(ArticleState::Loading { idx, url: waiting }) = &self.view.article else { return };
        if waiting != url {
            return;
        }
        let idx = *idx;
        let kept = matches!(&result, Ok((_, o)) if *o != Origin::NotKept);
        if kept && self.marks.kept_articles.insert(crate::article::cache::key(url)) {
            // `has:article` counts it from now on.
            let n = self.feed.posts.len();
            self.marks.article_bits.resize(n, false);
            if let Some(bit) = self.marks.article_bits.get_mut(idx) {
                *bit = true;
            }
            self.marks_changed();
        }
        if let Ok((article, _)) = &result {
            // Search finds it from now on.
            let words = self.filter.matcher.articles.get_or_insert_with(Default::default);
            std::sync::Arc::make_mut(words).insert(idx, &article.markdown);
            if !self.filter.query.is_empty() {
                self.refilter_keeping();
            }
        }
        self.view.article = Some(match result {
            Ok((article, origin)) => ArticleState::Ready { idx, article: Box::new(article), origin },
            Err(why) => {
                ArticleState::Failed { idx, url: url.to_string(), why: sanitize::one_line(&why.to_string()) }
            }
        });
    }

    /// Reader mode ends when the selection leaves the post it was for.
    pub(super) fn article_follows_selection(&mut self) {
        let current = self.view.matches.get(self.view.selected).map(|m| m.idx);
        if self.view.article.as_ref().is_some_and(|a| Some(a.idx()) != current) {
            self.view.article = None;
        }
    }

    /// After a sync, with `prefetch = true`: the unread posts' links whose
    /// article is not kept yet.
    pub(super) fn prefetch_unread(&mut self) -> Option<Effect> {
        let mut seen = HashSet::new();
        // The matcher's marks say which posts are read and which have one.
        let flags = &self.filter.matcher.marks;
        let urls: Vec<String> = self
            .feed
            .posts
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                flags.get(*i).is_some_and(|f| f & (crate::search::READ | crate::search::ARTICLE) == 0)
            })
            .filter_map(|(_, p)| crate::article::link(&p.url))
            .filter(|u| seen.insert(u.clone()))
            .collect();
        (!urls.is_empty()).then_some(Effect::Prefetch(urls))
    }

    /// Whether reader mode is on for the selected post.
    pub fn reading_article(&self) -> bool {
        self.view.article.is_some()
    }

    /// The article state, for the detail pane.
    pub fn article(&self) -> Option<&ArticleState> {
        self.view.article.as_ref()
    }

    /// What the detail lines depend on in reader mode (0: not in it).
    pub(super) fn article_stamp(&self) -> u32 {
        match &self.view.article {
            None => 0,
            Some(ArticleState::Loading { .. }) => 1 + (self.view.spinner % 10) as u32,
            Some(ArticleState::Ready { .. }) => 20,
            Some(ArticleState::Failed { .. }) => 21,
        }
    }
}
